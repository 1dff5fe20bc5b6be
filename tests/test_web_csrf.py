"""CSRF tokens on every POST, and one-time form tokens: a form sent twice is applied once,
a stale form is refused without losing what was typed."""

from __future__ import annotations

import re

import pytest

from . import register_kit as reg
from .web_helpers import close_web, hidden, make_web, tokens


@pytest.fixture
def web(tmp_path):
    w = make_web(tmp_path / "ws")
    yield w
    close_web(w)


def _post_routes(app) -> list[str]:
    samples = {"job_id": "web-20260101-000000-abcdef", "item_id": "1", "entry_id": "1",
               "user_id": "1"}
    urls = []
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods:
            continue
        url = rule.rule
        for arg in rule.arguments:
            url = re.sub(rf"<(?:[a-z]+:)?{arg}>", samples[arg], url)
        urls.append(url)
    return urls


def test_every_post_without_the_csrf_token_is_refused(web):
    urls = _post_routes(web.app)
    assert len(urls) >= 14
    for client in (web.client(), web.client("admin")):
        for url in urls:
            r = client.post(url, data={"name": "admin", "year": "2026"})
            assert r.status_code == 400, url
            assert "CSRF" in r.get_data(as_text=True), url
            r = client.post(url, data={"csrf_token": "sai"})
            assert r.status_code == 400, url
    # a token of another session does not work either
    other = web.client("iso")
    token = hidden(other.get("/").get_data(as_text=True), "csrf_token")
    admin = web.client("admin")
    r = admin.post("/so-ghi-nhan/them", data={"csrf_token": token, "content": "x",
                                              "date": "01/02/2026"})
    assert r.status_code == 400
    assert reg.list_entries(web.store) == []


def test_logging_in_needs_the_csrf_token_too(web):
    c = web.app.test_client()
    r = c.post("/dang-nhap", data={"name": "admin", "password": "quantri-2026"})
    assert r.status_code == 400
    assert c.get("/").status_code == 302


def _entry_form(t: dict[str, str], content: str = "Cần niêm yết thủ tục rõ hơn") -> dict:
    return {**t, "date": "05/03/2026", "customer": "Công ty Hoa Sen", "content": content,
            "receiver": "Lan", "unit": "QLCN", "source": "khieu_nai", "confirmation": "",
            "status": "pending", "group": "", "next": "list"}


def test_a_form_sent_twice_is_applied_once(web):
    c = web.client("staff")
    data = _entry_form(tokens(c, "/so-ghi-nhan/them"))
    first = c.post("/so-ghi-nhan/them", data=data)
    assert first.status_code == 302
    second = c.post("/so-ghi-nhan/them", data=data, follow_redirects=True)
    assert "đã được gửi một lần" in second.get_data(as_text=True)
    assert len(reg.list_entries(web.store)) == 1
    log = [a for a in web.store.audit_log(20) if a["action"] == "register_add"]
    assert len(log) == 1 and log[0]["actor"] == "staff"


def test_a_stale_form_keeps_what_was_typed(web):
    c = web.client("staff")
    t = tokens(c, "/so-ghi-nhan/them")
    t["form_token"] = "het-han-hoac-khong-ton-tai"
    r = c.post("/so-ghi-nhan/them", data=_entry_form(t, "Ý kiến dài đã gõ xong"))
    page = r.get_data(as_text=True)
    assert r.status_code == 400
    assert "quá hạn" in page and "Ý kiến dài đã gõ xong" in page
    assert reg.list_entries(web.store) == []
    # the page carries a fresh token: saving again works, once
    data = _entry_form({"csrf_token": hidden(page, "csrf_token"),
                        "form_token": hidden(page, "form_token")}, "Ý kiến dài đã gõ xong")
    assert c.post("/so-ghi-nhan/them", data=data).status_code == 302
    assert [e.content for e in reg.list_entries(web.store)] == ["Ý kiến dài đã gõ xong"]


def test_a_form_token_of_another_user_is_not_accepted(web):
    staff, iso = web.client("staff"), web.client("iso")
    t_staff = tokens(staff, "/so-ghi-nhan/them")
    t_iso = tokens(iso, "/so-ghi-nhan/them")
    data = _entry_form({"csrf_token": t_iso["csrf_token"], "form_token": t_staff["form_token"]})
    r = iso.post("/so-ghi-nhan/them", data=data)
    assert r.status_code == 400 and reg.list_entries(web.store) == []
