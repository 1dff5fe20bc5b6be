"""A field the real reader notes (two boxes ticked on a printed, scanned form) is worded from
the catalogue on every face that shows it: the web review page, the review workbook and the
batch JSON; nothing of the reader's English reaches the office."""

from __future__ import annotations

import openpyxl
import pytest

from formkit import api
from formkit.export.review_xlsx import COL, HEADER_ROW, SHEET_TITLE, export_review
from formkit.notes import codes

from .web_helpers import close_web, make_web, sample_scans


@pytest.fixture(scope="module")
def read_web(tmp_path_factory):
    root = tmp_path_factory.mktemp("faces")
    web = make_web(root / "ws")
    sample_scans(web.settings, root / "mau", copies=1)  # LibreOffice builds the real form
    report = api.read(web.settings, [root / "mau"], ocr=False, jobs=1)
    yield web, report
    close_web(web)


def test_the_reader_notes_two_ticks_with_a_code_and_the_json_keeps_both_texts(read_web):
    _web, report = read_web
    sheet = report.sheets[0]
    field = sheet.fields["c1.thai_do_giao_tiep"]
    assert codes(field.note) == ["note.boxes.ticked"]
    shown = report.to_json()["sheets"][0]["fields"]["c1.thai_do_giao_tiep"]["notes"][0]
    assert shown == {"code": "note.boxes.ticked", "params": {"boxes": "tot, dat"},
                     "vi": "Ô được đánh dấu: tot, dat.", "en": "ticked: tot, dat"}


def test_the_web_review_page_words_the_note_with_the_option_labels(read_web):
    web, _report = read_web
    item = next(i for i in web.store.review_queue() if i.field == "c1.thai_do_giao_tiep")
    page = web.client("iso").get(f"/kiem-tra/?id={item.id}").get_data(as_text=True)
    assert "Vì sao cần kiểm tra: Ô được đánh dấu: Tốt, Đạt yêu cầu." in page
    assert "ticked" not in page and "note.boxes" not in page


def test_the_review_workbook_words_the_note_with_the_option_labels(read_web, tmp_path):
    web, _report = read_web
    ws = openpyxl.load_workbook(export_review(web.settings, tmp_path / "r.xlsx",
                                              store=web.store))[SHEET_TITLE]
    reasons = {ws.cell(r, COL["field"]).value: ws.cell(r, COL["reason"]).value
               for r in range(HEADER_ROW + 1, ws.max_row + 1)
               if ws.cell(r, COL["id"]).value is not None}
    assert reasons["c1.thai_do_giao_tiep"] == "Đánh nhiều ô. Ô được đánh dấu: Tốt, Đạt yêu cầu."
    assert not any("ticked" in (r or "") for r in reasons.values())
