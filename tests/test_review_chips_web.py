"""Option chips in the group-verification grid: each single-choice crop offers the row's
options (the template's Vietnamese labels, "Để trống", "Không hợp lệ") with the machine's
reading preselected; the grid's one post saves every crop through the same application verb
as the one-at-a-time page, and a value that is not one of the row's options saves nothing."""

from __future__ import annotations

import html
import json
import re

import pytest

from formkit.store.models import Answer

from .records_helpers import make_sheet, report_for
from .web_helpers import close_web, make_web, tokens

FIELD = "c1.lang_nghe_y_kien"
GRID = f"/kiem-tra/nhom?mau=05-02&truong={FIELD}&may={json.dumps('tot')}"


@pytest.fixture
def web(tmp_path):
    w = make_web(tmp_path / "ws")
    sheets = [make_sheet(n, year=2026, crop_dir=tmp_path / "crops",
                         review={FIELD: ("tot", "ok", 0.6)}) for n in (1, 2, 3)]
    w.store.save_batch(report_for(sheets), sheets, actor="test")
    yield w
    close_web(w)


def _items(web):
    return sorted((i for i in web.store.review_queue(pending_only=False) if i.field == FIELD),
                  key=lambda i: i.serial)


def _grid_post(client, items, chips):
    """The post the grid page makes: every crop's reading, and each crop's chip."""
    return client.post("/kiem-tra/nhom", data={
        **tokens(client, GRID), "mau": "05-02", "truong": FIELD, "may": '"tot"',
        "ids": ",".join(str(i.id) for i in items),
        **{f"r{i.id}": '"tot"' for i in items},
        **{f"c{i.id}": chips.get(i.id, '"tot"') for i in items}})


def _stored(web, item):
    """What a decision left behind, without what differs by nature (ids, times)."""
    done = web.store.review_item(item.id)
    with web.store.read_session() as s:
        answer = s.query(Answer).filter_by(sheet_id=item.sheet_id, field=item.field).one()
        answer_row = (answer.value, answer.status, answer.source)
    decisions = [{k: v for k, v in d.items() if k != "decided_at"}
                 for d in web.store.review_decisions(item.id)]
    audit = [{k: v for k, v in a["details"].items() if k not in ("item", "sheet_id")}
             | {"action": a["action"], "actor": a["actor"]}
             for a in web.store.audit_log(50)
             if a["action"].startswith("review_") and a["details"].get("item") == item.id]
    return {"item": (done.status, done.corrected_value, done.reviewer, done.note),
            "answer": answer_row, "decisions": decisions, "audit": audit}


def test_grid_shows_each_choice_row_as_chips_with_the_machine_reading_preselected(web):
    page = web.client("iso").get(GRID).get_data(as_text=True)
    item = _items(web)[0]
    chips = re.findall(rf'<input type="radio" name="c{item.id}" value="([^"]*)" '
                       r'aria-label="([^"]*)"( checked)?', page)
    assert [(html.unescape(v), label, bool(on)) for v, label, on in chips] == [
        ('"tot"', "1: Tốt (máy đọc)", True), ('"dat"', "2: Đạt yêu cầu", False),
        ('"chua_dat"', "3: Chưa đạt yêu cầu", False), ("null", "4: Để trống (không trả lời)",
                                                       False),
        ('"!invalid"', "5: Không hợp lệ", False)]
    assert "<kbd>4</kbd><span>Để trống</span></label>" in page
    assert "<kbd>5</kbd><span>Không hợp lệ</span></label>" in page
    assert 'role="radiogroup" aria-label="Ô 1: Lắng nghe ý kiến, phiếu' in page


def test_a_chip_decision_is_stored_exactly_like_one_made_one_at_a_time(web):
    c = web.client("iso")
    by_chip, one_at_a_time, kept = _items(web)
    r = _grid_post(c, [by_chip, kept], {by_chip.id: '"dat"'})
    assert "Đã ghi 2 mục theo nhóm, 1 mục chọn lại đáp án." in c.get(
        r.headers["Location"]).get_data(as_text=True)
    # the same answer on another sheet, on the one-at-a-time page: key 2 = Đạt yêu cầu
    c.post(f"/kiem-tra/{one_at_a_time.id}",
           data={**tokens(c, f"/kiem-tra/?id={one_at_a_time.id}"), "choice": "2"})
    chip, single = _stored(web, by_chip), _stored(web, one_at_a_time)
    assert chip == single
    assert chip["item"] == ("done", "dat", "iso", "")
    assert chip["answer"] == ('"dat"', "ok", "review")
    assert chip["decisions"] == [{"value": "dat", "reviewer": "iso", "note": "",
                                  "reopened": False}]
    assert chip["audit"] == [{"action": "review_applied", "actor": "iso", "field": FIELD,
                              "status": "ok", "machine_value": "tot", "value": "dat"}]
    # the crop left as the machine read it is saved with that reading
    assert _stored(web, kept)["item"] == ("done", "tot", "iso", "")


def test_blank_by_chip_and_blank_by_key_store_the_same_rows(web):
    c = web.client("iso")
    first, second, _third = _items(web)
    _grid_post(c, [first], {first.id: "null"})  # the grid: Để trống
    c.post(f"/kiem-tra/{second.id}", data={**tokens(c, f"/kiem-tra/?id={second.id}"),
                                           "choice": "4"})  # one at a time: 4 = Để trống
    a, b = _stored(web, first), _stored(web, second)
    assert a == b
    assert a["item"] == ("done", None, "iso", "") and a["answer"] == ("null", "blank", "review")


@pytest.mark.parametrize("hostile", ['"rat_tot"', "tot", '"TOT"', "true", "1",
                                     '["tot"]', '"' + "x" * 5000 + '"', "[" * 3000, ""])
def test_a_value_that_is_not_an_option_of_the_row_saves_nothing_with_a_vietnamese_error(
        web, hostile):
    c = web.client("iso")
    items = _items(web)
    r = _grid_post(c, items, {items[1].id: hostile})
    assert r.status_code == 302
    page = c.get(r.headers["Location"]).get_data(as_text=True)
    assert "không phải là một đáp án của câu này" in page
    assert "Không ô nào được ghi: hãy tải lại trang và chọn lại." in page
    assert "Tốt, Đạt yêu cầu, Chưa đạt yêu cầu, Để trống (không trả lời), Không hợp lệ" in page
    # nothing saved, not even the crops whose chips were right
    assert [i.status for i in _items(web)] == ["pending"] * 3
    assert all(web.store.review_decisions(i.id) == [] for i in items)
    assert not [a for a in web.store.audit_log(50) if a["action"].startswith("review_")]
