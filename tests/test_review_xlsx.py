"""The review queue as a workbook: export with crops and drop-downs, import all-or-nothing."""

from __future__ import annotations

import hashlib
from pathlib import Path

import openpyxl
import pytest

from formkit.app.review import import_review
from formkit.catalogue import say
from formkit.errors import InputError
from formkit.export.review_xlsx import (
    COL,
    HEADER_ROW,
    LISTS_TITLE,
    SHEET_TITLE,
    ReviewImportError,
    export_review,
)
from formkit.notes import join
from formkit.store import REVIEW_INVALID, open_store

from .records_helpers import make_sheet, report_for


@pytest.fixture
def queued(workspace, tmp_path):
    """Three sheets; four review items: a grid row, the yes/no question, a tick box and a
    text field. The crop of sheet 3 has been deleted since the scan."""
    crops = tmp_path / "crops"
    sheets = [
        make_sheet(1, review={"c1.lang_nghe_y_kien": (None, "multiple", 0.35),
                              "c2.phien_ha": ("khong", "ok", 0.62)}, crop_dir=crops),
        make_sheet(2, review={"noi_dung.giai_quyet_tthc": (None, "uncertain", 0.5),
                              "to_chuc": ("Cong ty Hoa 5en", "ok", 0.55)}, crop_dir=crops),
        make_sheet(3, review={"c5.muc_do_hai_long": (None, "unreadable", 0.0)},
                   crop_dir=crops),
    ]
    sheets[1].fields["noi_dung.giai_quyet_tthc"].note = join(say("note.flag_unclear"))
    (crops / "3_c5.muc_do_hai_long.png").unlink()
    with open_store(workspace) as store:
        store.save_batch(report_for(sheets), sheets)
    return workspace


def _rows(ws):
    return {ws.cell(r, COL["field"]).value: r for r in range(HEADER_ROW + 1, ws.max_row + 1)
            if ws.cell(r, COL["id"]).value is not None}


def _fill(path: Path, values: dict[str, str], notes: dict[str, str] | None = None) -> Path:
    wb = openpyxl.load_workbook(path)
    ws = wb[SHEET_TITLE]
    rows = _rows(ws)
    for field_id, value in values.items():
        ws.cell(rows[field_id], COL["value"]).value = value
    for field_id, note in (notes or {}).items():
        ws.cell(rows[field_id], COL["note"]).value = note
    wb.save(path)
    return path


def test_export_lists_each_pending_item_with_its_crop_reading_and_reason(queued, tmp_path):
    path = export_review(queued, tmp_path / "duyet.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb[SHEET_TITLE]
    rows = _rows(ws)
    assert set(rows) == {"c1.lang_nghe_y_kien", "c2.phien_ha", "noi_dung.giai_quyet_tthc",
                         "to_chuc", "c5.muc_do_hai_long"}
    r = rows["c2.phien_ha"]
    assert ws.cell(r, COL["label"]).value == "Phiền hà, sách nhiễu"
    assert ws.cell(r, COL["machine"]).value == "Không"
    assert ws.cell(r, COL["confidence"]).value == pytest.approx(0.62)
    assert ws.cell(r, COL["reason"]).value == "Độ tin cậy thấp"
    assert ws.cell(rows["c1.lang_nghe_y_kien"], COL["reason"]).value == "Đánh nhiều ô"
    assert ws.cell(rows["noi_dung.giai_quyet_tthc"], COL["reason"]).value == (
        "Không chắc chắn. Ô không rõ là có đánh dấu hay để trống.")
    assert ws.cell(rows["c1.lang_nghe_y_kien"], COL["machine"]).value is None  # no reading
    assert ws["C1"].value.startswith("DANH SÁCH CÁC Ô CẦN DUYỆT")
    assert ws.cell(r, COL["sheet"]).value == "2025 · QLCN · số 1"
    assert len(ws._images) == 4  # every crop that still exists
    missing = ws.cell(rows["c5.muc_do_hai_long"], COL["crop"]).value
    assert missing.startswith("Không tìm thấy ảnh:")
    assert ws.column_dimensions["A"].hidden and ws.column_dimensions["B"].hidden


def test_the_value_column_offers_the_fields_answers_as_vietnamese_labels(queued, tmp_path):
    wb = openpyxl.load_workbook(export_review(queued, tmp_path / "duyet.xlsx"))
    ws, lists = wb[SHEET_TITLE], wb[LISTS_TITLE]
    assert lists.sheet_state == "hidden"
    rows = _rows(ws)

    def options_of(field_id):
        coordinate = ws.cell(rows[field_id], COL["value"]).coordinate
        for dv in ws.data_validations.dataValidation:
            if coordinate in dv.sqref:
                column = dv.formula1.split("!$")[1].split("$")[0]
                return [c.value for c in lists[column] if c.value]
        return None

    assert options_of("c1.lang_nghe_y_kien") == ["Tốt", "Đạt yêu cầu", "Chưa đạt yêu cầu",
                                                 "Để trống (không trả lời)", "Không hợp lệ"]
    assert options_of("c2.phien_ha")[:2] == ["Có", "Không"]
    assert options_of("noi_dung.giai_quyet_tthc") == ["Có đánh dấu", "Không đánh dấu"]
    assert options_of("to_chuc") is None  # free text


def test_import_applies_the_corrections_and_keeps_the_machine_reading(queued, tmp_path):
    path = _fill(export_review(queued, tmp_path / "duyet.xlsx"), {
        "c1.lang_nghe_y_kien": "Đạt yêu cầu",
        "c2.phien_ha": "Không",
        "noi_dung.giai_quyet_tthc": "Có đánh dấu",
        "to_chuc": "Công ty Hoa Sen",
    }, notes={"c1.lang_nghe_y_kien": "một dấu bị tẩy"})
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    report = import_review(queued, path, "Nguyễn Thị Lan")
    assert (report.applied, report.unchanged, report.left_pending) == (4, 0, 1)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    with open_store(queued) as store:
        done = {i.field: i for i in store.review_queue(pending_only=False)
                if i.status == "done"}
        assert done["c1.lang_nghe_y_kien"].corrected_value == "dat"
        assert done["c1.lang_nghe_y_kien"].machine_value is None
        assert done["c1.lang_nghe_y_kien"].note == "một dấu bị tẩy"
        assert done["c2.phien_ha"].machine_value == done["c2.phien_ha"].corrected_value \
            == "khong"
        assert done["to_chuc"].corrected_value == "Công ty Hoa Sen"
        assert {i.reviewer for i in done.values()} == {"Nguyễn Thị Lan"}
        assert [i.field for i in store.review_queue()] == ["c5.muc_do_hai_long"]
        sheet2 = store.sheets()[1]
        assert sheet2.answers["noi_dung.giai_quyet_tthc"] is True

    again = import_review(queued, path, "Nguyễn Thị Lan")
    assert (again.applied, again.unchanged) == (0, 4)


def test_one_bad_row_stops_the_whole_import_and_is_reported_by_row_number(queued, tmp_path):
    path = _fill(export_review(queued, tmp_path / "duyet.xlsx"), {
        "c1.lang_nghe_y_kien": "Rất tốt",
        "c2.phien_ha": "Có",
    })
    bad_row = _rows(openpyxl.load_workbook(path)[SHEET_TITLE])["c1.lang_nghe_y_kien"]
    with pytest.raises(ReviewImportError) as err:
        import_review(queued, path, "Lan")
    assert [p.row for p in err.value.problems] == [bad_row]
    assert "'Rất tốt' không phải là một câu trả lời của ô này" in err.value.problems[0].reason
    assert f"row {bad_row}:" in str(err.value)
    with open_store(queued) as store:
        assert len(store.review_queue()) == 5  # nothing applied, not even the good row


def test_a_changed_hidden_column_or_unknown_item_is_refused(queued, tmp_path):
    path = export_review(queued, tmp_path / "duyet.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb[SHEET_TITLE]
    rows = _rows(ws)
    ws.cell(rows["c2.phien_ha"], COL["field"]).value = "c3.chinh_xac_khach_quan"
    ws.cell(rows["c2.phien_ha"], COL["value"]).value = "Có"
    ws.cell(rows["to_chuc"], COL["id"]).value = 9999
    ws.cell(rows["to_chuc"], COL["value"]).value = "ABC"
    wb.save(path)
    with pytest.raises(ReviewImportError) as err:
        import_review(queued, path, "Lan")
    reasons = " | ".join(p.reason for p in err.value.problems)
    assert "hidden columns were changed" in reasons
    assert "no review item 9999" in reasons


def test_an_item_reviewed_meanwhile_with_another_value_is_a_conflict(queued, tmp_path):
    path = _fill(export_review(queued, tmp_path / "duyet.xlsx"), {"c2.phien_ha": "Có"})
    with open_store(queued) as store:
        item = next(i for i in store.review_queue() if i.field == "c2.phien_ha")
        store.apply_review(item.id, "khong", "Bình")
    with pytest.raises(ReviewImportError, match="already reviewed by Bình"):
        import_review(queued, path, "Lan")


def test_blank_and_invalid_can_be_chosen(queued, tmp_path):
    path = _fill(export_review(queued, tmp_path / "duyet.xlsx"), {
        "c1.lang_nghe_y_kien": "Không hợp lệ",
        "c5.muc_do_hai_long": "Để trống (không trả lời)",
    })
    import_review(queued, path, "Lan")
    with open_store(queued) as store:
        done = {i.field: i.corrected_value for i in store.review_queue(pending_only=False)
                if i.status == "done"}
        assert done == {"c1.lang_nghe_y_kien": REVIEW_INVALID, "c5.muc_do_hai_long": None}
        responses = {r.serial: r for r in store.responses(2025)}
        assert "c1.lang_nghe_y_kien" in responses[1].invalid
        assert responses[3].answers["c5.muc_do_hai_long"] is None


def test_a_workbook_that_is_not_a_review_workbook_is_refused(queued, tmp_path):
    other = tmp_path / "khac.xlsx"
    openpyxl.Workbook().save(other)
    with pytest.raises(InputError, match="không phải sổ kiểm tra của formkit"):
        import_review(queued, other, "Lan")
    with pytest.raises(InputError, match="người kiểm tra"):
        import_review(queued, other, " ")


def test_an_empty_queue_exports_a_workbook_with_no_rows(workspace, tmp_path):
    path = export_review(workspace, tmp_path / "trong.xlsx")
    ws = openpyxl.load_workbook(path)[SHEET_TITLE]
    assert _rows(ws) == {}
    assert "0 mục" in ws["C2"].value


def test_crops_are_600_px_wide_noise_stays_out_and_rows_fit_their_reasons(workspace, tmp_path):
    from openpyxl.utils import get_column_letter

    from formkit.export.review_xlsx import CROP_WIDTH_PX

    sheet = make_sheet(9, review={"to_chuc": (". N. c¿ Ạ : sa", "uncertain", 0.31),
                                  "c1.lang_nghe_y_kien": ("tot", "ok", 0.5)},
                       crop_dir=tmp_path / "crops")
    sheet.fields["c1.lang_nghe_y_kien"].note = join(
        say("note.boxes.unclear", boxes="tot, dat"), say("note.noisy_page"),
        say("note.pale_page", count=4))
    with open_store(workspace) as store:
        store.save_batch(report_for([sheet]), [sheet])
    wb = openpyxl.load_workbook(export_review(workspace, tmp_path / "d.xlsx"))
    ws = wb[SHEET_TITLE]
    rows = _rows(ws)
    # the helper's crops are 400 × 60 px: shown 640 wide, height in proportion
    sizes = {(img.width, img.height) for img in ws._images}
    assert sizes == {(CROP_WIDTH_PX, 96)} and CROP_WIDTH_PX >= 600
    crop_col = ws.column_dimensions[get_column_letter(COL["crop"])].width
    assert crop_col * 7 >= CROP_WIDTH_PX  # the column is as wide as the image
    assert ws.cell(rows["to_chuc"], COL["machine"]).value is None  # OCR noise: not offered
    assert ws.cell(rows["c1.lang_nghe_y_kien"], COL["machine"]).value == "Tốt"
    r = rows["c1.lang_nghe_y_kien"]
    reason = ws.cell(r, COL["reason"]).value
    assert "Ô chưa rõ: Tốt, Đạt yêu cầu." in reason and "tot" not in reason
    width = ws.column_dimensions[get_column_letter(COL["reason"])].width
    lines_needed = -(-len(reason) // int(width))
    assert ws.row_dimensions[r].height >= lines_needed * 14
