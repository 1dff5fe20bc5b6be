"""Kiểm tra in the web app: the queue with the crop beside the machine's reading, decisions
through Store.apply_review, and two people on the same item."""

from __future__ import annotations

import pytest

from formkit.catalogue import say
from formkit.notes import join

from .records_helpers import make_sheet, report_for
from .web_helpers import close_web, make_web, tokens


@pytest.fixture
def web(tmp_path):
    w = make_web(tmp_path / "ws")
    sheets = [make_sheet(1, year=2026, review={"c1.lang_nghe_y_kien": (None, "multiple", 0.35),
                                               "c2.phien_ha": ("khong", "ok", 0.62)},
                         crop_dir=tmp_path / "crops"),
              make_sheet(2, year=2026, review={"to_chuc": ("Cong ty Hoa 5en", "ok", 0.55)},
                         crop_dir=tmp_path / "crops")]
    w.store.save_batch(report_for(sheets), sheets, actor="test")
    yield w
    close_web(w)


def _items(web):
    return {i.field: i for i in web.store.review_queue(pending_only=False)}


def test_the_queue_shows_the_crop_the_reading_and_numbered_answers(web):
    c = web.client("iso")
    page = c.get("/kiem-tra/").get_data(as_text=True)
    item = _items(web)["c1.lang_nghe_y_kien"]
    assert "Lắng nghe ý kiến" in page and "Đánh nhiều ô" in page and "35%" in page
    assert "mục 1/3" in page and "Sở Công Thương" in page  # the question, filled in
    assert "<kbd>1</kbd> Tốt" in page and "<kbd>2</kbd> Đạt yêu cầu" in page
    assert "Đồng ý với máy" not in page  # "multiple" has no value to agree with
    crop = c.get(f"/kiem-tra/{item.id}/anh/crop")
    assert crop.status_code == 200 and crop.mimetype == "image/png"
    assert c.get(f"/kiem-tra/{item.id}/anh/overlay").status_code == 404  # not on disk
    assert c.get(f"/kiem-tra/{item.id}/anh/..%2f..%2fetc%2fpasswd").status_code == 404


def test_choosing_an_answer_applies_it_audits_it_and_moves_on(web):
    c = web.client("iso")
    item = _items(web)["c1.lang_nghe_y_kien"]
    r = c.post(f"/kiem-tra/{item.id}", data={**tokens(c, "/kiem-tra/"), "choice": "2"})
    assert r.status_code == 302 and f"sau={item.id}" in r.headers["Location"]
    nxt = c.get(r.headers["Location"]).get_data(as_text=True)
    assert "Đã ghi: Lắng nghe ý kiến = Đạt yêu cầu" in nxt
    assert "Đồng ý với máy (Enter)" in nxt  # the next item: c2.phien_ha, read "khong"
    done = _items(web)["c1.lang_nghe_y_kien"]
    assert (done.status, done.corrected_value, done.reviewer) == ("done", "dat", "iso")
    audit = [a for a in web.store.audit_log(10) if a["action"] == "review_applied"]
    assert audit[0]["actor"] == "iso" and audit[0]["details"]["value"] == "dat"
    # agree with the machine, then correct the text
    item = _items(web)["c2.phien_ha"]
    c.post(f"/kiem-tra/{item.id}", data={**tokens(c, "/kiem-tra/"), "action": "accept"})
    item = _items(web)["to_chuc"]
    c.post(f"/kiem-tra/{item.id}", data={**tokens(c, "/kiem-tra/"), "action": "text",
                                         "text": "Công ty Hoa Sen"})
    items = _items(web)
    assert items["c2.phien_ha"].corrected_value == "khong"
    assert items["to_chuc"].corrected_value == "Công ty Hoa Sen"
    assert "Không còn ô nào chờ kiểm tra" in c.get("/kiem-tra/").get_data(as_text=True)


def test_two_people_on_the_same_item_the_second_is_told_and_nothing_applies_twice(web):
    a, b = web.client("iso"), web.client("admin")
    item = _items(web)["c1.lang_nghe_y_kien"]
    ta, tb = tokens(a, f"/kiem-tra/?id={item.id}"), tokens(b, f"/kiem-tra/?id={item.id}")
    assert a.post(f"/kiem-tra/{item.id}", data={**ta, "choice": "1"}).status_code == 302
    r = b.post(f"/kiem-tra/{item.id}", data={**tb, "choice": "3"})
    page = b.get(r.headers["Location"]).get_data(as_text=True)
    assert "Mục này đã được iso kiểm tra lúc" in page and "không được ghi" in page
    done = _items(web)["c1.lang_nghe_y_kien"]
    assert (done.corrected_value, done.reviewer) == ("tot", "iso")
    applied = [x for x in web.store.audit_log(20) if x["action"] == "review_applied"
               and x["details"]["item"] == item.id]
    assert len(applied) == 1


def test_the_same_decision_sent_twice_is_applied_once(web):
    c = web.client("iso")
    item = _items(web)["c1.lang_nghe_y_kien"]
    data = {**tokens(c, "/kiem-tra/"), "choice": "1"}
    c.post(f"/kiem-tra/{item.id}", data=data)
    r = c.post(f"/kiem-tra/{item.id}", data=data)
    assert "đã được gửi một lần" in c.get(r.headers["Location"]).get_data(as_text=True)
    applied = [x for x in web.store.audit_log(20) if x["action"] == "review_applied"]
    assert len(applied) == 1


def test_a_choice_out_of_range_changes_nothing(web):
    c = web.client("iso")
    item = _items(web)["c1.lang_nghe_y_kien"]
    for bad in ("0", "99", "x"):
        r = c.post(f"/kiem-tra/{item.id}", data={**tokens(c, "/kiem-tra/"), "choice": bad})
        assert "Chưa chọn đáp án hợp lệ" in c.get(r.headers["Location"]).get_data(as_text=True)
    assert _items(web)["c1.lang_nghe_y_kien"].status == "pending"
    r = c.post(f"/kiem-tra/{item.id}", data={**tokens(c, "/kiem-tra/"), "action": "accept"})
    assert "Máy không có kết quả đủ tin cậy" in c.get(r.headers["Location"]).get_data(as_text=True)
    assert _items(web)["c1.lang_nghe_y_kien"].status == "pending"


def test_the_page_says_in_vietnamese_why_the_reader_was_unsure(tmp_path):
    w = make_web(tmp_path / "ws")
    try:
        sheet = make_sheet(7, year=2026, review={"c1.tan_tinh_chu_dao": (None, "blank", 0.6),
                                                 "c2.muc_do": ("mot_lan", "uncertain", 0.4)})
        sheet.fields["c1.tan_tinh_chu_dao"].note = join(say("note.pale_page", count=4))
        sheet.fields["c2.muc_do"].note = join(say(
            "note.condition.unsettled", condition="c2.phien_ha", wanted="co", status="uncertain"))
        w.store.save_batch(report_for([sheet]), [sheet], actor="test")
        c = w.client("iso")
        items = _items(w)
        page = c.get(f"/kiem-tra/?id={items['c1.tan_tinh_chu_dao'].id}").get_data(as_text=True)
        assert "Vì sao cần kiểm tra: 4 câu khác trên trang này chỉ có vết mờ" in page
        page = c.get(f"/kiem-tra/?id={items['c2.muc_do'].id}").get_data(as_text=True)
        assert "câu “Phiền hà, sách nhiễu” (chỉ hỏi khi Có) chưa đọc rõ" in page
        assert "c2.phien_ha" not in page.split("Vì sao cần kiểm tra", 1)[1].split("</", 1)[0]
    finally:
        close_web(w)
