"""Sổ ghi nhận in the web app: adding with validation, the list with filters and an
accent-insensitive search, status and group changes, and HTML in feedback shown as text."""

from __future__ import annotations

import pytest

from . import register_kit as reg
from .web_helpers import close_web, make_web, tokens

SCRIPT = '<script>alert("xss")</script><img src=x onerror="alert(1)">'


@pytest.fixture
def web(tmp_path):
    w = make_web(tmp_path / "ws")
    yield w
    close_web(w)


def _add(c, **fields):
    data = {**tokens(c, "/so-ghi-nhan/them"), "date": "05/03/2026", "customer": "",
            "content": "", "receiver": "Lan", "unit": "", "source": "khieu_nai",
            "confirmation": "", "status": "pending", "group": "", "next": "list", **fields}
    return c.post("/so-ghi-nhan/them", data=data)


def test_html_and_script_in_feedback_are_shown_as_text(web):
    c = web.client("staff")
    assert _add(c, customer=SCRIPT, content=f"Phản ánh {SCRIPT}").status_code == 302
    entry = reg.list_entries(web.store)[0]
    assert entry.content == f"Phản ánh {SCRIPT}"  # stored as typed
    for url in ("/so-ghi-nhan/", f"/so-ghi-nhan/{entry.id}"):
        page = c.get(url).get_data(as_text=True)
        assert "<script>alert" not in page and "<img src=x" not in page
        assert "&lt;script&gt;alert(&#34;xss&#34;)&lt;/script&gt;" in page
    r = c.get("/so-ghi-nhan/")
    assert "script-src 'self'" in r.headers["Content-Security-Policy"]
    # also in a flash message and a search box echo
    page = c.get("/so-ghi-nhan/", query_string={"tim": SCRIPT}).get_data(as_text=True)
    assert "<script>alert" not in page


def test_validation_messages_are_vietnamese_and_nothing_is_stored(web):
    c = web.client("staff")
    r = _add(c, date="32/13/2026", content="")
    page = r.get_data(as_text=True)
    assert r.status_code == 400
    assert "Ngày tiếp nhận không hợp lệ" in page and "Chưa nhập nội dung" in page
    r = _add(c, date="01/01/2099", content="Ý kiến")
    assert "không sau hôm nay" in r.get_data(as_text=True)
    assert reg.list_entries(web.store) == []
    assert _add(c, content="Trả kết quả trễ hạn").status_code == 302
    r = _add(c, content="Trả kết quả trễ hạn")  # the same entry again
    assert "đã có trong sổ" in r.get_data(as_text=True)
    assert len(reg.list_entries(web.store)) == 1


def test_search_ignores_diacritics_and_filters_combine(web):
    c = web.client("staff")
    _add(c, customer="Công ty Cà phê Buôn Ma Thuột", content="Phí, lệ phí quá cao",
         unit="QLCN")
    _add(c, customer="Nguyễn Văn An", content="Cán bộ nhiệt tình, chu đáo", unit="VP",
         status="handled", date="10/01/2025")
    page = c.get("/so-ghi-nhan/", query_string={"tim": "buon ma thuot"}).get_data(as_text=True)
    assert "Cà phê Buôn Ma Thuột" in page and "Nguyễn Văn An" not in page
    page = c.get("/so-ghi-nhan/", query_string={"tim": "NHIET TINH"}).get_data(as_text=True)
    assert "Nguyễn Văn An" in page and "Buôn Ma Thuột" not in page
    page = c.get("/so-ghi-nhan/", query_string={"nam": "2025", "tinh_trang": "handled",
                                                "don_vi": "VP"}).get_data(as_text=True)
    assert "Nguyễn Văn An" in page and "<b>1</b> ý kiến" in page
    page = c.get("/so-ghi-nhan/", query_string={"nam": "2026", "don_vi": "VP"}).get_data(
        as_text=True)
    assert "Không có ý kiến nào phù hợp" in page


def test_status_and_group_override_are_saved_and_audited(web):
    c = web.client("staff")
    _add(c, content="Hồ sơ phải đi lại nhiều lần")
    e = reg.list_entries(web.store)[0]
    url = f"/so-ghi-nhan/{e.id}"
    r = c.post(url, data={**tokens(c, url), "status": "handled", "group": "11"})
    assert r.status_code == 302
    e2 = reg.get_entry(web.store, e.id)
    assert e2.status == "handled" and e2.group_override == "11" and e2.group == "11"
    page = c.get(url).get_data(as_text=True)
    assert "Đã lưu mục" in page
    c.post(url, data={**tokens(c, url), "status": "handled", "group": ""})
    assert reg.get_entry(web.store, e.id).group_override is None  # back to the rules
    actions = [(a["action"], a["actor"]) for a in web.store.audit_log(10)]
    assert ("register_group", "staff") in actions and ("register_status", "staff") in actions
    assert c.get("/so-ghi-nhan/9999").status_code == 404


def test_survey_comments_and_reclassification_need_ban_iso(web):
    staff, iso = web.client("staff"), web.client("iso")
    t = tokens(staff, "/so-ghi-nhan/them")
    assert staff.post("/so-ghi-nhan/phan-loai", data={**t, "year": "2026"}).status_code == 403
    t = tokens(iso, "/so-ghi-nhan/")
    r = iso.post("/so-ghi-nhan/phan-loai", data={**t, "year": "2026"}, follow_redirects=True)
    assert "Đã phân loại" in r.get_data(as_text=True)
    t = tokens(iso, "/so-ghi-nhan/")
    r = iso.post("/so-ghi-nhan/tu-phieu-khao-sat", data={**t, "year": "2026"},
                 follow_redirects=True)
    assert "Ý kiến khác trong phiếu khảo sát năm 2026" in r.get_data(as_text=True)


def test_an_entrys_text_can_be_corrected_and_the_rules_group_follows(web):
    c = web.client("staff")
    assert _add(c, customer="Cty ABC", content="Khen cán bộ nhiệt tình").status_code == 302
    entry = reg.list_entries(web.store)[0]
    url = f"/so-ghi-nhan/{entry.id}/sua"
    assert "Sửa nội dung ý kiến" in c.get(url).get_data(as_text=True)
    data = {**tokens(c, url), "date": "06/03/2026", "customer": "Công ty TNHH ABC",
            "content": "Trả kết quả trễ hạn 5 ngày", "receiver": "Lan", "unit": "",
            "source": "tiep_dan", "confirmation": ""}
    assert c.post(url, data=data).status_code == 302
    after = reg.get_entry(web.store, entry.id)
    assert (after.customer, after.content, after.source) == (
        "Công ty TNHH ABC", "Trả kết quả trễ hạn 5 ngày", "tiep_dan")
    assert after.group_code != entry.group_code  # reclassified from the new content
    log = web.store.audit_log()[0]
    assert log["action"] == "register_edit"
    assert "content" in log["details"]["fields"]
    assert "trễ hạn" not in str(log["details"])  # names the fields, not what was written
    # emptying the content is refused and changes nothing
    bad = {**{k: v for k, v in data.items() if not k.endswith("_token")}, **tokens(c, url),
           "content": ""}
    assert c.post(url, data=bad).status_code == 400
    assert reg.get_entry(web.store, entry.id).content == "Trả kết quả trễ hạn 5 ngày"
