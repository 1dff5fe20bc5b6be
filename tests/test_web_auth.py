"""Web app access: accounts and passwords, sessions, roles, the login page, the server's
address, and `formkit serve --create-admin`."""

from __future__ import annotations

import re

import pytest
import typer
from typer.testing import CliRunner

from formkit.store import open_store
from formkit.web import users
from formkit.web.security import check_password, hash_password
from formkit.web.server import exposure_warning, is_loopback

from .web_helpers import PASSWORDS, account_form, close_web, hidden, login, make_web, tokens


@pytest.fixture
def web(tmp_path):
    w = make_web(tmp_path / "ws")
    yield w
    close_web(w)


def _get_routes(app) -> list[str]:
    """Every GET page of the app, with sample values for its parameters."""
    samples = {"job_id": "web-20260101-000000-abcdef", "item_id": "1", "entry_id": "1",
               "which": "crop", "rel": "forms/x.pdf", "filename": "app.css"}
    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in ("static", "favicon", "auth.login"):
            continue
        url = rule.rule
        for arg in rule.arguments:
            url = re.sub(rf"<(?:[a-z]+:)?{arg}>", samples[arg], url)
        urls.append(url)
    return urls


def test_passwords_are_salted_scrypt_hashes_checked_in_constant_time():
    a, b = hash_password("mật khẩu dài"), hash_password("mật khẩu dài")
    assert a != b and a.startswith("scrypt$") and "mật" not in a
    assert check_password("mật khẩu dài", a) and check_password("mật khẩu dài", b)
    assert not check_password("mat khau dai", a)
    assert not check_password("x", None) and not check_password("x", "garbage")


def test_anonymous_visitor_is_sent_to_the_login_page_from_every_page(web):
    c = web.client()
    urls = _get_routes(web.app)
    assert len(urls) >= 14
    for url in urls:
        r = c.get(url)
        if url.endswith(".json"):
            assert r.status_code == 401, url
            continue
        assert r.status_code == 302, url
        assert r.headers["Location"].startswith("/dang-nhap"), url
    assert c.get("/dang-nhap").status_code == 200
    assert c.get("/static/app.css").status_code == 200


def test_login_sets_an_httponly_samesite_cookie_and_audits(web):
    c = web.app.test_client()
    r = login(c, "staff")
    assert r.status_code == 302 and r.headers["Location"] == "/"
    cookie = r.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert c.get("/").status_code == 200
    bad = web.app.test_client()
    r = login(bad, "staff", "sai-mat-khau")
    assert r.status_code == 401 and "không đúng" in r.get_data(as_text=True)
    actions = [(a["action"], a["actor"]) for a in web.store.audit_log(10)]
    assert ("web_login", "staff") in actions and ("web_login_failed", "staff") in actions


def test_login_redirects_only_to_local_pages(web):
    c = web.app.test_client()
    page = c.get("/dang-nhap").get_data(as_text=True)
    for evil in ("//evil.example/x", "https://evil.example/", "javascript:alert(1)"):
        r = c.post("/dang-nhap", data={"csrf_token": hidden(page, "csrf_token"),
                                        "name": "iso", "password": PASSWORDS["iso"],
                                        "next": evil})
        assert r.headers["Location"] == "/", evil
        c.post("/dang-xuat", data={"csrf_token": hidden(c.get("/").get_data(as_text=True),
                                                        "csrf_token")})
        page = c.get("/dang-nhap").get_data(as_text=True)


def test_repeated_failures_slow_down_guessing(web):
    c = web.app.test_client()
    for _ in range(3):
        assert login(c, "iso", "doan-mo-123").status_code == 401
    r = login(c, "iso")  # from this address even the right password waits now
    assert r.status_code == 429 and "thử lại sau" in r.get_data(as_text=True)


@pytest.mark.parametrize("role,allowed,refused", [
    ("staff", ["/", "/quet-phieu/", "/so-ghi-nhan/", "/so-ghi-nhan/them", "/bieu-mau",
               "/tai-khoan"], ["/kiem-tra/", "/bao-cao/", "/bao-cao/nhat-ky", "/nguoi-dung/"]),
    ("iso", ["/kiem-tra/", "/bao-cao/", "/bao-cao/nhat-ky"], ["/nguoi-dung/"]),
    ("admin", ["/nguoi-dung/", "/kiem-tra/", "/bao-cao/"], []),
])
def test_roles_decide_the_pages(web, role, allowed, refused):
    c = web.client(role)
    for url in allowed:
        assert c.get(url).status_code == 200, url
    for url in refused:
        r = c.get(url)
        assert r.status_code == 403, url
        assert "không có quyền" in r.get_data(as_text=True)
    menu = c.get("/").get_data(as_text=True)
    assert ("Người dùng" in menu) == (role == "admin")
    assert ("Kiểm tra</a>" in menu) == (role != "staff")


def test_admin_manages_accounts_and_a_locked_account_loses_its_session(web):
    admin = web.client("admin")
    staff = web.client("staff")
    assert staff.get("/").status_code == 200
    r = admin.post("/nguoi-dung/", data={**tokens(admin, "/nguoi-dung/"), "name": "lan.nguyen",
                                         "full_name": "Nguyễn Thị Lan", "role": "staff",
                                         "password": "mat-khau-lan", "again": "mat-khau-lan"})
    assert r.status_code == 302
    assert "lan.nguyen" in admin.get("/nguoi-dung/").get_data(as_text=True)
    staff_id = next(u.id for u in users.list_users(web.store) if u.name == "staff")
    admin.post(f"/nguoi-dung/{staff_id}", data={**account_form(admin, staff_id),
                                                "action": "disable"})
    assert staff.get("/").status_code == 302  # the open session ended
    assert login(web.app.test_client(), "staff").status_code == 401
    admin_id = next(u.id for u in users.list_users(web.store) if u.name == "admin")
    r = admin.post(f"/nguoi-dung/{admin_id}", data={**account_form(admin, admin_id),
                                                    "action": "role", "role": "staff",
                                                    "confirm": "1"})
    assert "quản trị viên cuối cùng" in admin.get("/nguoi-dung/").get_data(as_text=True)
    actions = {a["action"] for a in web.store.audit_log(20) if a["actor"] == "admin"}
    assert {"web_user_add", "web_user_disabled"} <= actions


def test_short_passwords_and_bad_names_are_refused(web):
    with pytest.raises(Exception, match="ít nhất 10"):
        users.create_user(web.store, "ngan", "1234567", "staff")
    with pytest.raises(Exception, match="không dấu"):
        users.create_user(web.store, "Lan Nguyễn", "mat-khau-dai", "staff")
    with pytest.raises(Exception, match="đã có"):
        users.create_user(web.store, "ISO", "mat-khau-dai", "staff")


def test_changing_ones_password_ends_the_other_sessions(web):
    a, b = web.client("iso"), web.client("iso")
    r = a.post("/tai-khoan", data={**tokens(a, "/tai-khoan"), "current": PASSWORDS["iso"],
                                   "new": "mat-khau-moi-1", "again": "mat-khau-moi-1"})
    assert r.status_code == 302
    assert a.get("/").status_code == 200
    assert b.get("/").status_code == 302
    assert login(web.app.test_client(), "iso", "mat-khau-moi-1").status_code == 302


def test_server_binds_loopback_by_default_and_warns_otherwise():
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1")
    assert exposure_warning("127.0.0.1") is None
    warning = exposure_warning("0.0.0.0")
    assert warning and "CẢNH BÁO" in warning and "127.0.0.1" in warning
    import inspect

    from formkit.cli_parts import web as web_cli

    assert inspect.signature(web_cli.serve).parameters["host"].default == "127.0.0.1"


def test_serve_create_admin_takes_the_password_from_the_environment(tmp_path):
    from formkit import api
    from formkit.cli_parts import web as web_cli

    app = typer.Typer()
    web_cli.register(app)

    @app.command()
    def other() -> None:  # a second command keeps "serve" a sub-command
        pass

    ws = tmp_path / "ws"
    api.init_workspace(ws)
    runner = CliRunner(env={"FORMKIT_ADMIN_PASSWORD": "mat-khau-quan-tri", "COLUMNS": "200"})
    r = runner.invoke(app, ["serve", "--create-admin", "hoa", "-w", str(ws)])
    assert r.exit_code == 0, r.output
    assert "hoa" in r.output
    from formkit.config import load_settings

    with open_store(load_settings(ws)) as store:
        u = users.authenticate(store, "hoa", "mat-khau-quan-tri")
        assert u is not None and u.role == "admin"
        assert any(a["action"] == "web_user_add" for a in store.audit_log(5))
    r = runner.invoke(app, ["serve", "--create-admin", "hoa", "-w", str(ws)])
    assert r.exit_code != 0  # the name is taken; nothing is overwritten
