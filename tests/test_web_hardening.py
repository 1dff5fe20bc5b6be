"""The web app on the office network: the production server (waitress), sessions that end,
every route answering bad input with a Vietnamese 4xx page, login throttling, password
rules, the Origin check, no lost edits, and the office features (void, export, print,
audit log)."""

from __future__ import annotations

import http.client
import socket

import pytest
import typer
from typer.testing import CliRunner

from .web_helpers import (
    PASSWORDS,
    account_form,
    close_web,
    make_web,
    make_web_workspace,
    start_server,
    tokens,
)


@pytest.fixture
def web(tmp_path):
    w = make_web(tmp_path / "ws")
    yield w
    close_web(w)


@pytest.fixture
def live(tmp_path):
    server = start_server(make_web_workspace(tmp_path / "live"), max_upload_mb=1)
    yield server
    server.stop()


# ---- the server ---------------------------------------------------------------------------

def _conn(live) -> http.client.HTTPConnection:
    host, port = live.url.removeprefix("http://").split(":")
    return http.client.HTTPConnection(host, int(port), timeout=10)


def test_server_is_waitress_and_sends_no_banner(live):
    conn = _conn(live)
    conn.request("GET", "/dang-nhap")
    r = conn.getresponse()
    body = r.read().decode("utf-8")
    assert r.status == 200 and "Đăng nhập" in body
    assert r.getheader("Server") is None and r.getheader("Via") is None
    assert "Werkzeug" not in str(r.getheaders()) and "waitress" not in str(r.getheaders())
    assert type(live.server.server).__module__.startswith("waitress")


def test_server_refuses_a_body_over_the_limit_before_reading_it(live):
    conn = _conn(live)
    size = 3 * 1024 * 1024  # the limit is 1 MB of files plus 1 MB for the form
    conn.putrequest("POST", "/quet-phieu/")
    conn.putheader("Content-Type", "application/octet-stream")
    conn.putheader("Content-Length", str(size))
    conn.endheaders()
    try:
        conn.send(b"x" * size)
    except OSError:
        pass  # the server may close before everything is sent: that is the point
    r = conn.getresponse()
    assert r.status == 413


def test_server_closes_a_connection_that_sends_only_half_a_request(live, monkeypatch):
    host, port = live.url.removeprefix("http://").split(":")
    from formkit.web.server import CHANNEL_TIMEOUT_S

    adj = live.server.server.adj
    assert adj.channel_timeout == CHANNEL_TIMEOUT_S and adj.threads >= 4
    monkeypatch.setattr(adj, "channel_timeout", 1)  # the default is a minute
    monkeypatch.setattr(adj, "cleanup_interval", 1)
    monkeypatch.setattr(live.server.server, "next_channel_cleanup", 0)
    s = socket.create_connection((host, int(port)), timeout=10)
    s.sendall(b"GET /dang-nhap HTTP/1.1\r\nHost: x\r\n")  # never finished
    s.settimeout(20)
    assert s.recv(100) == b""  # closed by the server, not left open forever
    s.close()


def test_serve_create_admin_prompts_twice_in_vietnamese(tmp_path):
    from formkit import api
    from formkit.cli_parts import web as web_cli

    app = typer.Typer()
    web_cli.register(app)

    @app.command()
    def other() -> None:
        pass

    ws = tmp_path / "ws"
    api.init_workspace(ws)
    r = CliRunner().invoke(app, ["serve", "--create-admin", "hoa", "-w", str(ws)],
                           input="mat-khau-quan-tri\nmat-khau-quan-tri\n")
    assert r.exit_code == 0, r.output
    assert "Mật khẩu cho hoa" in r.output and "Nhập lại mật khẩu" in r.output
    assert "Repeat" not in r.output


# ---- sessions -----------------------------------------------------------------------------

def _cookie(client) -> str:
    return client.get_cookie("formkit_session").value


def _with_cookie(web, value: str):
    c = web.app.test_client()
    c.set_cookie("formkit_session", value)
    return c


def test_a_cookie_kept_from_before_logout_reads_and_writes_nothing(web):
    from . import register_kit as reg

    a = web.client("staff")
    kept = _cookie(a)
    form = tokens(a, "/so-ghi-nhan/them")
    r = a.post("/dang-xuat", data={"csrf_token": form["csrf_token"]})
    assert r.status_code == 302
    thief = _with_cookie(web, kept)
    assert thief.get("/so-ghi-nhan/").status_code == 302  # to the login page
    assert web.client("admin").get("/nguoi-dung/").status_code == 200
    admin_cookie = _cookie(web.client("admin"))
    r = thief.post("/so-ghi-nhan/them", data={**form, "date": "05/02/2026",
                                                "content": "ghi bằng cookie cũ"})
    assert r.status_code in (302, 400, 401)
    assert reg.list_entries(web.store) == []
    assert _with_cookie(web, admin_cookie).get("/nguoi-dung/").status_code == 200


def test_idle_sessions_end_after_the_idle_timeout(web):
    from datetime import timedelta

    from sqlalchemy import update

    from formkit.store.accounts import web_sessions
    from formkit.store.base import now

    c = web.client("staff")
    assert c.get("/so-ghi-nhan/").status_code == 200
    with web.store.write_session() as s:
        s.execute(update(web_sessions).values(
            last_seen=now() - timedelta(minutes=web.app.config["FORMKIT_IDLE_MINUTES"] + 1)))
    r = c.get("/so-ghi-nhan/")
    assert r.status_code == 302 and "/dang-nhap" in r.headers["Location"]
    assert "Phiên làm việc đã kết thúc" in c.get(r.headers["Location"]).get_data(as_text=True)


def test_a_role_change_ends_the_sessions_of_that_user(web):
    iso = web.client("iso")
    assert iso.get("/bao-cao/").status_code == 200
    admin = web.client("admin")
    uid = next(u.id for u in _users(web) if u.name == "iso")
    r = admin.post(f"/nguoi-dung/{uid}", data={**account_form(admin, uid),
                                               "action": "role", "role": "staff"})
    assert r.status_code == 302
    assert iso.get("/bao-cao/").status_code == 302  # signed out, not just refused
    assert web.client("iso").get("/bao-cao/").status_code == 403


def test_an_admin_password_reset_ends_the_users_sessions(web):
    staff = web.client("staff")
    admin = web.client("admin")
    uid = next(u.id for u in _users(web) if u.name == "staff")
    admin.post(f"/nguoi-dung/{uid}", data={**account_form(admin, uid),
                                           "action": "password", "password": "mot-mat-khau-moi"})
    assert staff.get("/so-ghi-nhan/").status_code == 302


def _users(web):
    from formkit.web import users as U

    return U.list_users(web.store)


# ---- every route total ----------------------------------------------------------------------

HOSTILE = ["-1", "0", "99999999999999999999", "1e999", "abc", "\x00", "a\x00b", "\r\nX: y",
           "../../etc/passwd", "9" * 400, "ă" * 3000, "", " ", "'; DROP TABLE x; --", "NaN"]
PATH_VALUES = {"int": ["0", "99999999999999999999", "9223372036854775808"],
               "default": ["%00", "..%2F..%2Fetc", "x" * 300, "%E2%80%AE", "a%0d%0ab"],
               "path": ["forms/a%00b.pdf", "..%2F..%2Fformkit.toml", "forms/%00", "x/" * 50]}
QUERY_KEYS = ["nam", "id", "sau", "trang", "tim", "don_vi", "nguon", "nhom", "tinh_trang",
              "next", "loai", "nguoi", "tu", "den", "thao_tac"]
FORM_KEYS = ["year", "copies", "pages", "form", "unit", "status", "group", "action", "role",
             "password", "again", "name", "full_name", "choice", "value", "note", "date",
             "content", "customer", "receiver", "source", "confirmation", "reason", "current",
             "new", "version", "confirm", "first", "last", "entry_id"]


def _urls(app, rule) -> list[str]:
    from urllib.parse import quote

    if not rule.arguments:
        return [rule.rule]
    out = []
    kinds = {name: type(conv).__name__ for name, conv in rule._converters.items()}
    for i in range(3):
        url = rule.rule
        for name in rule.arguments:
            kind = "int" if "Int" in kinds[name] else "path" if "Path" in kinds[name] \
                else "default"
            values = PATH_VALUES[kind]
            placeholder = [p for p in url.split("<") if p.split(">")[0].endswith(name)]
            value = values[i % len(values)]
            url = url.replace("<" + placeholder[0].split(">")[0] + ">", value if "%" in value
                              or kind != "default" else quote(value, safe=""))
        out.append(url)
    return out


def test_every_route_answers_hostile_values_without_a_server_error(web):
    """Walks app.url_map: every route, hostile path values, every known query and form
    field with each hostile value, GET and POST (with valid CSRF and one-time tokens, so the
    values reach the views). No answer may be 5xx; every refusal is a Vietnamese page."""
    from . import register_kit as reg

    reg.add_entry(web.store, entry_date="05/02/2026", content="Trả kết quả trễ hạn",
                  actor="staff")
    c = web.client("admin")
    csrf = tokens(c, "/tai-khoan")["csrf_token"]
    admin_id = next(u.id for u in _users(web) if u.name == "admin")
    issue = web.app.extensions["formkit"].tokens.issue
    failures = []
    count = 0
    for rule in web.app.url_map.iter_rules():
        if rule.endpoint in ("static", "auth.logout"):
            continue
        for url in _urls(web.app, rule):
            for value in HOSTILE:
                if "GET" in rule.methods:
                    r = c.get(url, query_string={k: value for k in QUERY_KEYS})
                    count += 1
                    if r.status_code >= 500:
                        failures.append(("GET", url, repr(value), r.status_code))
                if "POST" in rule.methods:
                    data = {k: value for k in FORM_KEYS}
                    data.update(csrf_token=csrf, form_token=issue(admin_id))
                    r = c.post(url, data=data, query_string={"next": value})
                    count += 1
                    if r.status_code >= 500:
                        failures.append(("POST", url, repr(value), r.status_code))
                    elif r.status_code >= 400 and r.mimetype == "text/html":
                        assert "lang=\"vi\"" in r.get_data(as_text=True)
    assert count > 500
    assert not failures, failures[:20]
    assert c.get("/so-ghi-nhan/").status_code == 200  # still signed in: nothing broke


@pytest.mark.parametrize("url,code", [
    ("/so-ghi-nhan/?nam=-1", 200), ("/so-ghi-nhan/?nam=99999999999999999999", 200),
    ("/kiem-tra/?id=99999999999999999999", 404), ("/so-ghi-nhan/99999999999999999999", 404),
    ("/so-ghi-nhan/99999999999999999999/sua", 404), ("/tai-ve/forms/a%00b.pdf", 400),
])
def test_the_reported_crashes_answer_in_vietnamese(web, url, code):
    r = web.client("admin").get(url)
    assert r.status_code == code
    page = r.get_data(as_text=True)
    if code == 200:
        assert "Năm “" in page and "không hợp lệ" in page
    else:
        assert "Không có" in page or "không hợp lệ" in page


def test_next_with_cr_lf_after_a_good_login_goes_home_not_to_a_500(web):
    c = web.app.test_client()
    csrf = tokens_login(c)
    r = c.post("/dang-nhap?next=/so-ghi-nhan/%0d%0aSet-Cookie:%20x=1",
               data={"csrf_token": csrf, "name": "staff", "password": PASSWORDS["staff"]})
    assert r.status_code == 302 and r.headers["Location"] == "/"
    assert "Set-Cookie: x" not in str(r.headers)
    from formkit.web.app import safe_next

    assert safe_next("/\\evil.example") is None and safe_next("/so-ghi-nhan/?nam=1") \
        == "/so-ghi-nhan/?nam=1"


def tokens_login(client) -> str:
    from .web_helpers import hidden

    return hidden(client.get("/dang-nhap").get_data(as_text=True), "csrf_token")


# ---- throttling, passwords, origin, caching -----------------------------------------------

def _login_from(web, address: str, name: str, password: str):
    c = web.app.test_client()
    c.environ_base["REMOTE_ADDR"] = address
    from .web_helpers import login

    return login(c, name, password)


class _Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_guessing_one_account_from_many_machines_never_locks_out_its_owner(web):
    for i in range(30):  # 30 wrong passwords for staff, from 10 addresses
        r = _login_from(web, f"10.0.0.{i % 10}", "staff", f"doan-mo-{i}")
        assert r.status_code in (401, 429)
    # the owner, from a computer that has not failed: in at once
    assert _login_from(web, "10.0.9.9", "staff", PASSWORDS["staff"]).status_code == 302
    # an address that failed on the account waits: the attacker is slowed
    r = _login_from(web, "10.0.0.1", "staff", "doan-mo-them")
    assert r.status_code == 429 and "thử lại sau" in r.get_data(as_text=True)


def test_one_password_sprayed_over_many_names_is_slowed_from_that_address(web):
    from formkit.web import users as U

    U.create_user(web.store, "hoa", "mua-xuan-da-lat", "staff", actor="test")
    names = ["an", "binh", "cuong", "dung", "giang", "hai", "khanh", "hoa"]
    codes = [_login_from(web, "10.1.1.1", n, "mua-xuan-da-lat").status_code for n in names]
    assert codes[:3] == [401, 401, 401]
    assert codes[-1] == 429  # the right guess for "hoa" is not even tried
    assert all(c == 429 for c in codes[3:])


def test_throttle_delays_grow_and_fade():
    from formkit.web.security import LoginThrottle

    clock = _Clock()
    t = LoginThrottle(free=3, base_s=2, cap_s=60, window_s=900, clock=clock)
    waits = []
    for _ in range(7):
        t.failed("1.2.3.4", "x")
        waits.append(t.wait_for("1.2.3.4", "y"))
    assert waits == [0, 0, 2, 4, 8, 16, 32]
    clock.now += 33
    assert t.wait_for("1.2.3.4", "y") == 0  # the delay has passed: one more try allowed
    t.failed("1.2.3.4", "x")
    assert t.wait_for("1.2.3.4", "y") == 60  # capped
    assert t.wait_for("5.6.7.8", "x") == 0  # a fresh address may try the account
    clock.now += 901
    assert t.wait_for("1.2.3.4", "x") == 0


@pytest.mark.parametrize("password,name,reason", [
    ("12345678", "lan", "ít nhất 10"), ("password", "lan", "ít nhất 10"),
    ("aaaaaaaaaa", "lan", "lặp lại"), ("password123", "lan", "phổ biến"),
    ("Password2026!", "lan", "phổ biến"), ("1234567890", "lan", "phổ biến"),
    ("qwertyuiop", "lan", "phổ biến"), ("matkhau123", "lan", "phổ biến"),
    ("lan.nguyen", "lan.nguyen", "tên đăng nhập"), ("lan.nguyen2026", "lan.nguyen",
                                                     "tên đăng nhập"),
])
def test_weak_passwords_are_refused_with_a_reason(password, name, reason):
    from formkit.web.security import password_problem

    problem = password_problem(password, name)
    assert problem and reason in problem


def test_good_passphrases_pass_the_password_rules():
    from formkit.web.security import common_passwords, password_problem

    assert len(common_passwords()) > 200
    for ok in ("ca-phe-sang-thu-hai", "Hoa sen nở 2026", "quantri-2026"):
        assert password_problem(ok, "lan") is None


def test_a_post_from_a_foreign_origin_is_refused_even_with_valid_tokens(web):
    from . import register_kit as reg

    c = web.client("staff")
    form = {**tokens(c, "/so-ghi-nhan/them"), "date": "05/02/2026", "content": "từ trang lạ"}
    for header in ({"Origin": "http://evil.example"}, {"Origin": "null"},
                   {"Referer": "http://evil.example/trang"}):
        r = c.post("/so-ghi-nhan/them", data=form, headers=header)
        assert r.status_code == 403 and "trang web khác" in r.get_data(as_text=True)
    assert reg.list_entries(web.store) == []
    r = c.post("/so-ghi-nhan/them", data=form, headers={"Origin": "http://localhost"})
    assert r.status_code == 302 and len(reg.list_entries(web.store)) == 1


def test_downloads_are_no_store(web):
    forms = web.settings.exports_dir / "forms"
    forms.mkdir(parents=True)
    (forms / "phieu.pdf").write_bytes(b"%PDF-1.7")
    r = web.client("staff").get("/tai-ve/forms/phieu.pdf")
    assert r.status_code == 200 and r.headers["Cache-Control"] == "no-store"
    assert "ETag" not in r.headers


# ---- no lost edits ----------------------------------------------------------------------------

def _entry(web):
    from . import register_kit as reg

    return reg.add_entry(web.store, entry_date="05/02/2026", customer="Cty Hoa Sen",
                         content="Trả kết quả trễ hạn", actor="staff")


def test_a_group_change_from_an_older_page_does_not_revert_the_status(web):
    from . import register_kit as reg

    e = _entry(web)
    url = f"/so-ghi-nhan/{e.id}"
    a, b = web.client("staff"), web.client("iso")
    form_a, form_b = tokens(a, url), tokens(b, url)  # both open the entry
    r = a.post(url, data={**form_a, "status": "handled", "group": ""})
    assert r.status_code == 302
    # B, on the older page, changes only the group: refused, A's status stays
    r = b.post(url, data={**form_b, "status": "pending", "group": "11"},
               follow_redirects=True)
    page = r.get_data(as_text=True)
    assert "đã được người khác sửa" in page and "tình trạng nay là “Đã xử lý”" in page
    assert "CHƯA được lưu" in page
    now = reg.get_entry(web.store, e.id)
    assert now.status == "handled" and now.group_override is None
    # from the fresh page only the group is written, and only the group is claimed
    r = b.post(url, data={**tokens(b, url), "status": "handled", "group": "11"},
               follow_redirects=True)
    assert "Đã lưu mục" in r.get_data(as_text=True)
    assert "nhóm ý kiến." in r.get_data(as_text=True)
    assert "tình trạng, " not in r.get_data(as_text=True)
    now = reg.get_entry(web.store, e.id)
    assert now.status == "handled" and now.group_override == "11"
    statuses = [a for a in web.store.audit_log(20) if a["action"] == "register_status"]
    assert len(statuses) == 1  # B wrote no status


def test_a_text_save_from_an_older_page_does_not_overwrite_the_first_save(web):
    from . import register_kit as reg

    e = _entry(web)
    url = f"/so-ghi-nhan/{e.id}/sua"
    a, b = web.client("staff"), web.client("iso")
    form_a, form_b = tokens(a, url), tokens(b, url)
    base = {"date": "05/02/2026", "customer": "Cty Hoa Sen", "receiver": "", "unit": "",
            "source": "khieu_nai", "confirmation": ""}
    r = a.post(url, data={**form_a, **base, "content": "Trả kết quả trễ hạn 5 ngày"})
    assert r.status_code == 302
    r = b.post(url, data={**form_b, **base, "customer": "Công ty Hoa Sen",
                          "content": "Trả kết quả trễ hạn"})
    page = r.get_data(as_text=True)
    assert r.status_code == 400 and "nội dung ý kiến nay là “Trả kết quả trễ hạn 5 ngày”" in page
    assert "Công ty Hoa Sen" in page  # what B typed is still on the form
    now = reg.get_entry(web.store, e.id)
    assert now.content == "Trả kết quả trễ hạn 5 ngày" and now.customer == "Cty Hoa Sen"
    # the form B got back is made from the newest entry: saving it again is on purpose
    from .web_helpers import hidden

    again = {"csrf_token": hidden(page, "csrf_token"), "form_token": hidden(page, "form_token"),
             "version": hidden(page, "version"), **base, "customer": "Công ty Hoa Sen",
             "content": "Trả kết quả trễ hạn 5 ngày"}
    r = b.post(url, data=again, follow_redirects=True)
    assert "Đã sửa mục" in r.get_data(as_text=True) and "tên khách hàng" in r.get_data(
        as_text=True)
    now = reg.get_entry(web.store, e.id)
    assert (now.customer, now.content) == ("Công ty Hoa Sen", "Trả kết quả trễ hạn 5 ngày")


def test_a_form_without_its_version_is_treated_as_stale(web):
    from . import register_kit as reg

    e = _entry(web)
    c = web.client("staff")
    url = f"/so-ghi-nhan/{e.id}"
    form = {k: v for k, v in tokens(c, url).items() if k != "version"}
    r = c.post(url, data={**form, "status": "handled", "group": ""}, follow_redirects=True)
    assert "CHƯA được lưu" in r.get_data(as_text=True)
    assert reg.get_entry(web.store, e.id).status == "pending"


def test_an_account_change_from_an_older_page_is_refused(web):
    from formkit.web import users as U

    a1, a2 = web.client("admin"), web.client("admin")
    staff_id = next(u.id for u in _users(web) if u.name == "staff")
    old = account_form(a2, staff_id)
    r = a1.post(f"/nguoi-dung/{staff_id}", data={**account_form(a1, staff_id),
                                                 "action": "role", "role": "iso"})
    assert r.status_code == 302
    r = a2.post(f"/nguoi-dung/{staff_id}", data={**old, "action": "disable"},
                follow_redirects=True)
    assert "đã được người khác đổi" in r.get_data(as_text=True)
    now = U.get_user(web.store, staff_id)
    assert now.role == "iso" and now.active


def test_an_admin_demoting_themself_is_asked_first(web):
    from formkit.web import users as U

    U.create_user(web.store, "quantri2", "mot-mat-khau-dai", "admin", actor="test")
    admin = web.client("admin")
    admin_id = next(u.id for u in _users(web) if u.name == "admin")
    r = admin.post(f"/nguoi-dung/{admin_id}", data={**account_form(admin, admin_id),
                                                    "action": "role", "role": "staff"})
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and "Bỏ quyền quản trị của chính mình?" in page
    assert U.get_user(web.store, admin_id).role == "admin"  # nothing changed yet
    from .web_helpers import hidden

    confirm = {k: hidden(page, k) for k in ("csrf_token", "form_token", "version", "role",
                                             "action", "confirm")}
    r = admin.post(f"/nguoi-dung/{admin_id}", data=confirm)
    assert r.status_code == 302
    assert U.get_user(web.store, admin_id).role == "staff"
    assert admin.get("/nguoi-dung/").status_code == 302  # the session ended with the role


# ---- office features -----------------------------------------------------------------------

def test_numbered_copies_are_issued_only_after_a_confirmation(web):
    c = web.client("staff")
    form = {**tokens(c, "/bieu-mau"), "form": "05-02", "year": "2026", "unit": "QLCN",
            "copies": "20", "pages": "1"}
    r = c.post("/bieu-mau", data=form)
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and "Phát 20 phiếu khảo sát đánh số?" in page
    assert "Chưa phát bản nào" in page and 'name="confirm" value="1"' in page
    assert not (web.settings.exports_dir / "forms").exists()  # nothing built yet
    # the same submission again (a reload) is refused: its one-time token is spent
    r = c.post("/bieu-mau", data={**form, "confirm": "1"}, follow_redirects=True)
    assert "đã được gửi một lần" in r.get_data(as_text=True)
    assert not (web.settings.exports_dir / "forms").exists()


def test_voiding_an_entry_keeps_it_marked_in_the_register_and_out_of_the_counts(web):
    from . import register_kit as reg

    e = _entry(web)
    other = reg.add_entry(web.store, entry_date="06/02/2026", content="Lệ phí cao",
                          actor="staff")
    c = web.client("staff")
    url = f"/so-ghi-nhan/{e.id}"
    r = c.post(f"{url}/huy", data={**tokens(c, url), "reason": "x"}, follow_redirects=True)
    assert "Ghi lý do hủy" in r.get_data(as_text=True)
    assert reg.get_entry(web.store, e.id).voided_at is None
    r = c.post(f"{url}/huy", data={**tokens(c, url), "reason": "Ghi trùng với mục khác"},
               follow_redirects=True)
    page = r.get_data(as_text=True)
    assert "Mục này đã bị hủy" in page and "Ghi trùng với mục khác" in page
    assert "Hủy mục này" not in page and "Sửa nội dung" not in page
    listing = c.get("/so-ghi-nhan/").get_data(as_text=True)
    assert 'class="voided"' in listing and "Trả kết quả trễ hạn" in listing
    assert [x.id for x in reg.list_entries(web.store)] == [other.id]
    assert [f.entry_id for f in web.store.feedback(2026)] == [other.id]
    log = web.store.audit_log(1)[0]
    assert log["action"] == "register_void" and log["actor"] == "staff"
    assert log["details"]["entry"] == e.id
    # a voided entry is not edited any more, and the same feedback can be entered anew
    r = c.post(url, data={**tokens(c, "/so-ghi-nhan/them"), "status": "handled", "group": "",
                          "version": "status:0000000000000000;group:e3b0c44298fc1c14"},
               follow_redirects=True)
    assert "đã bị hủy; không sửa được" in r.get_data(as_text=True)
    assert reg.get_entry(web.store, e.id).status == "pending"
    again = reg.add_entry(web.store, entry_date="05/02/2026", customer="Cty Hoa Sen",
                          content="Trả kết quả trễ hạn", actor="staff")
    assert again.id != e.id


def test_staff_export_the_register_they_filter(web):
    import io

    import openpyxl

    from . import register_kit as reg

    _entry(web)
    reg.add_entry(web.store, entry_date="06/02/2026", content="Lệ phí cao", unit="QLCN",
                  actor="staff")
    c = web.client("staff")
    r = c.get("/so-ghi-nhan/xuat", query_string={"nam": "2026", "don_vi": "QLCN"})
    assert r.status_code == 200 and r.headers["Cache-Control"] == "no-store"
    assert "QLCN" in r.headers["Content-Disposition"]
    ws = openpyxl.load_workbook(io.BytesIO(r.data)).active
    text = " ".join(str(v) for row in ws.iter_rows(values_only=True) for v in row if v)
    assert "Lệ phí cao" in text and "Trả kết quả trễ hạn" not in text
    assert "Ngày tháng" in text and "Nội dung ý kiến phản ánh" in text
    assert ws.page_setup.orientation == "landscape"
    assert web.store.audit_log(1)[0]["action"] == "web_export_register"
    assert c.get("/so-ghi-nhan/xuat?nam=-5").status_code == 302


def test_the_register_prints_on_a4_landscape_without_navigation(web):
    _entry(web)
    c = web.client("staff")
    page = c.get("/so-ghi-nhan/").get_data(as_text=True)
    heads = page[page.index("<thead>"):page.index("</thead>")]
    order = [heads.index(h) for h in ("Ngày tháng", "Tên khách hàng", "Nội dung ý kiến",
                                      "Người tiếp nhận", "Xác nhận", "Nhóm")]
    assert order == sorted(order)  # the official five first, then the office's columns
    assert 'class="filters panel no-print"' in page
    css = c.get("/static/app.css").get_data(as_text=True)
    assert "size: A4 landscape" in css
    media = css[css.index("@media print"):]
    assert "header.top" in media and ".no-print" in media and "display: none" in media


def test_the_audit_log_reads_in_vietnamese_with_filters_and_exports(web):
    import io

    import openpyxl

    from .web_helpers import login

    login(web.app.test_client(), "staff", "sai-mat-khau-roi")
    with web.store.write_session() as s:
        web.store.audit(s, "register_classify", "iso", year=None,
                        rules="/srv/formkit/form_templates/feedback_groups.yaml", changed=3)
    c = web.client("iso")
    page = c.get("/bao-cao/nhat-ky").get_data(as_text=True)
    assert "Đăng nhập sai" in page and "Phân loại lại ý kiến" in page
    assert "quy tắc feedback_groups.yaml" in page
    for raw in ("web_login_failed", "/srv/formkit", "year=None", "None"):
        assert raw not in page.split("<tbody>")[1], raw
    only = c.get("/bao-cao/nhat-ky", query_string={"thao_tac": "web_login_failed"})
    body = only.get_data(as_text=True).split("<tbody>")[1]
    assert "Đăng nhập sai" in body and "Phân loại lại" not in body
    mine = c.get("/bao-cao/nhat-ky", query_string={"nguoi": "iso"}).get_data(as_text=True)
    assert "Đăng nhập sai" not in mine.split("<tbody>")[1]
    future = c.get("/bao-cao/nhat-ky", query_string={"tu": "01/01/2099"})
    assert "<b>0</b> dòng" in future.get_data(as_text=True)
    bad = c.get("/bao-cao/nhat-ky", query_string={"tu": "32/13/2026"})
    assert bad.status_code == 200 and "không hợp lệ" in bad.get_data(as_text=True)
    r = c.get("/bao-cao/nhat-ky.xlsx", query_string={"thao_tac": "register_classify"})
    assert r.status_code == 200
    rows = list(openpyxl.load_workbook(io.BytesIO(r.data)).active.iter_rows(values_only=True))
    assert rows[1] == ("Số", "Thời điểm", "Người thực hiện", "Thao tác", "Chi tiết")
    assert rows[2][3] == "Phân loại lại ý kiến" and "/srv" not in rows[2][4]
    assert len(rows) == 3
