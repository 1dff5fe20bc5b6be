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

from .web_helpers import close_web, make_web, make_web_workspace, start_server, tokens


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
    from formkit.store import register as reg

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

    from formkit.web import users as U

    c = web.client("staff")
    assert c.get("/so-ghi-nhan/").status_code == 200
    with web.store.write_session() as s:
        s.execute(update(U.web_sessions).values(
            last_seen=U.now() - timedelta(minutes=web.app.config["FORMKIT_IDLE_MINUTES"] + 1)))
    r = c.get("/so-ghi-nhan/")
    assert r.status_code == 302 and "/dang-nhap" in r.headers["Location"]
    assert "Phiên làm việc đã kết thúc" in c.get(r.headers["Location"]).get_data(as_text=True)


def test_a_role_change_ends_the_sessions_of_that_user(web):
    iso = web.client("iso")
    assert iso.get("/bao-cao/").status_code == 200
    admin = web.client("admin")
    uid = next(u.id for u in _users(web) if u.name == "iso")
    r = admin.post(f"/nguoi-dung/{uid}", data={**tokens(admin, "/nguoi-dung/"),
                                               "action": "role", "role": "staff"})
    assert r.status_code == 302
    assert iso.get("/bao-cao/").status_code == 302  # signed out, not just refused
    assert web.client("iso").get("/bao-cao/").status_code == 403


def test_an_admin_password_reset_ends_the_users_sessions(web):
    staff = web.client("staff")
    admin = web.client("admin")
    uid = next(u.id for u in _users(web) if u.name == "staff")
    admin.post(f"/nguoi-dung/{uid}", data={**tokens(admin, "/nguoi-dung/"),
                                           "action": "password", "password": "mot-mat-khau-moi"})
    assert staff.get("/so-ghi-nhan/").status_code == 302


def _users(web):
    from formkit.web import users as U

    return U.list_users(web.store)
