"""The review queue as a workbook, for a reviewer who prefers Excel to the terminal.

`export_review` writes one row per pending review item: the crop of the form where the
machine looked, what it read, how sure it was, why it asks, and a column "Giá trị đúng" with
a drop-down of the field's answers (Vietnamese labels from the survey template; free text
for text fields). `check_review_workbook` reads the reviewer's choices back and checks EVERY
row (this stage only reads the store); the verb formkit.app.review.import_review applies
nothing when one is wrong, else all corrections in one transaction, recording who and when,
and keeping the machine's reading beside each one.
A row whose "Giá trị đúng" is left empty stays in the queue.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.drawing.image import Image as XlImage
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from PIL import Image as PILImage
from PIL import UnidentifiedImageError

from formkit.catalogue import say
from formkit.config import Settings
from formkit.errors import InputError
from formkit.export.xlsx_common import put_text, save_atomically
from formkit.spec.model import Field, FormSpec
from formkit.store import Store, open_store
from formkit.store.review import (
    BLANK_LABEL,
    ILLEGIBLE_LABEL,
    NOTHING_WRITTEN_LABEL,
    REVIEW_INVALID,
    STATUS_LABELS,
    choices,
    note_vn,
    parse_choice,
    trusted_machine_label,
    value_label,
)
from formkit.store.rows import ReviewRecord
from formkit.store.spreadsheets import check_spreadsheet_file, read_xlsx_rows
from formkit.textnorm import fold, nfc

SHEET_TITLE = "Duyệt phiếu"
LISTS_TITLE = "Danh mục"
HEADER_ROW = 4
#: (key, header, width in characters); the first two columns are hidden
COLUMNS = (
    ("id", "Mã mục duyệt", 8),
    ("field", "Mã trường", 16),
    ("stt", "STT", 5),
    ("sheet", "Phiếu", 20),
    ("label", "Câu hỏi", 30),
    ("crop", "Ảnh vùng đọc", 92),
    ("machine", "Máy đọc", 20),
    ("confidence", "Độ tin cậy", 10),
    ("reason", "Lý do cần duyệt", 34),
    ("value", "Giá trị đúng", 24),
    ("note", "Ghi chú", 28),
)
COL = {key: i for i, (key, _h, _w) in enumerate(COLUMNS, start=1)}
# crops are shown this wide (height in proportion): handwriting stays readable on screen
# and printed; a crop narrower than this is enlarged
CROP_WIDTH_PX = 640
POINTS_PER_LINE = 15.0  # row height of one wrapped line of 11-pt text

_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_EDIT_FILL = PatternFill("solid", fgColor="FFF2CC")


def default_review_path(settings: Settings) -> Path:
    return Path(settings.exports_dir) / "review" / f"duyet_phieu_{datetime.now():%Y%m%d_%H%M}.xlsx"


def sheet_label(item: ReviewRecord) -> str:
    unit = item.unit or "-"
    serial = f"số {item.serial}" if item.serial else "không số"
    return f"{item.year} · {unit} · {serial}"


def _crop_image(path: str | None) -> tuple[XlImage | None, str]:
    """(image for the sheet, note when there is none)."""
    if not path:
        return None, "Không có ảnh vùng đọc."
    p = Path(path)
    if not p.is_file():
        return None, f"Không tìm thấy ảnh: {path}"
    try:
        with PILImage.open(p) as im:
            im.load()
            thumb = im.convert("RGB") if im.mode not in ("RGB", "L") else im.copy()
    except (UnidentifiedImageError, OSError) as exc:
        return None, f"Ảnh không đọc được ({type(exc).__name__}): {path}"
    w, h = thumb.size
    height = max(1, round(h * CROP_WIDTH_PX / max(1, w)))
    thumb = thumb.resize((CROP_WIDTH_PX, height), PILImage.Resampling.LANCZOS)
    buf = io.BytesIO()
    thumb.save(buf, format="PNG")
    buf.seek(0)
    img = XlImage(buf)
    img.width, img.height = thumb.size
    return img, ""


def _reason(item: ReviewRecord, note: str, spec_field: Field | None = None,
            spec: FormSpec | None = None) -> str:
    """The machine's status and, when it noted one, why it was unsure (in Vietnamese)."""
    status = (STATUS_LABELS.get(item.machine_status, item.machine_status)
              if item.machine_status != "ok" else "Độ tin cậy thấp")
    why = note_vn(note, spec_field, spec)
    return f"{status}. {why}" if why else status


def _lines(text: Any, width_chars: float) -> int:
    """Lines a wrapped cell of this width needs for `text` (a little room for wider
    Vietnamese letters)."""
    out = 0
    for part in str(text or "").split("\n"):
        out += max(1, math.ceil(len(part) * 1.1 / max(1.0, width_chars - 1)))
    return out


def export_review(settings: Settings, path: Path | None = None,
                  store: Store | None = None) -> Path:
    """Write the pending review items to a workbook; return its path."""
    own = store is None
    store = store or open_store(settings)
    try:
        items = store.review_queue(pending_only=True)
        wb = build_review_workbook(store, items)
    finally:
        if own:
            store.close()
    return save_atomically(wb, path or default_review_path(settings))


def build_review_workbook(store: Store, items: list[ReviewRecord]) -> Workbook:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = SHEET_TITLE
    lists = wb.create_sheet(LISTS_TITLE)
    lists.sheet_state = "hidden"
    wb.properties.title = "Danh sách ô cần duyệt"

    # columns A and B are hidden: the title starts in the first visible column
    put_text(ws["C1"], "DANH SÁCH CÁC Ô CẦN DUYỆT (PHIẾU KHẢO SÁT BM.QT.SCT.05-02)")
    ws["C1"].font = Font(bold=True, size=13)
    put_text(ws["C2"], f"Xuất lúc {datetime.now():%H:%M ngày %d/%m/%Y} · {len(items)} mục. "
                       "Chọn giá trị đúng ở cột “Giá trị đúng” (để trống: chưa duyệt, mục giữ "
                       "trong hàng đợi). Không sửa các cột ẩn và không thêm dòng.")
    ws["C2"].alignment = Alignment(wrap_text=False)
    header_font = Font(bold=True)
    for key, header, width in COLUMNS:
        cell = ws.cell(HEADER_ROW, COL[key])
        put_text(cell, header)
        cell.font, cell.border = header_font, _BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(COL[key])].width = width
    ws.column_dimensions["A"].hidden = True
    ws.column_dimensions["B"].hidden = True
    ws.freeze_panes = f"C{HEADER_ROW + 1}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.oddFooter.center.text = "Trang &P/&N"

    validations: dict[tuple[str, ...], DataValidation] = {}
    notes = store.machine_notes(items)
    for n, item in enumerate(items, start=1):
        row = HEADER_ROW + n
        spec_field = store.spec_field(item.form, item.field)
        label = spec_field.label if spec_field else item.field
        values: dict[str, Any] = {
            "id": item.id, "field": item.field, "stt": n, "sheet": sheet_label(item),
            "label": label,
            # empty where the machine has nothing a person may accept (OCR noise included)
            "machine": trusted_machine_label(item.kind, item.machine_value,
                                             item.machine_status, item.confidence, spec_field),
            "confidence": round(item.confidence, 3),
            "reason": _reason(item, notes[item.id], spec_field, store.spec(item.form)),
        }
        for key, value in values.items():
            cell = ws.cell(row, COL[key])
            put_text(cell, value)
            cell.alignment = Alignment(vertical="center", wrap_text=True)
        ws.cell(row, COL["confidence"]).number_format = "0%"
        for key in ("value", "note"):
            cell = ws.cell(row, COL[key])
            cell.fill = _EDIT_FILL
            cell.alignment = Alignment(vertical="center", wrap_text=True)
            cell.number_format = "@"  # what is typed stays text
        for key, _h, _w in COLUMNS:
            ws.cell(row, COL[key]).border = _BORDER

        img, note = _crop_image(item.crop_path)
        crop_cell = ws.cell(row, COL["crop"])
        # the row fits the crop and every wrapped text of the row (nothing clipped)
        widths = {key: width for key, _h, width in COLUMNS}
        text_lines = max(_lines(values[k], widths[k]) for k in ("label", "machine", "reason",
                                                                 "sheet"))
        text_height = text_lines * POINTS_PER_LINE + 6
        if img is not None:
            img.anchor = crop_cell.coordinate
            ws.add_image(img)
            ws.row_dimensions[row].height = max(30.0, img.height * 0.75 + 6, text_height)
        else:
            put_text(crop_cell, note)
            crop_cell.font = Font(italic=True, color="7F7F7F")
            crop_cell.alignment = Alignment(vertical="center", wrap_text=True)
            ws.row_dimensions[row].height = max(36.0, text_height)
        if item.overlay_path:
            crop_cell.comment = Comment(f"Ảnh cả trang: {item.overlay_path}", "formkit")

        options = [lab for lab, _v in choices(item.kind, spec_field)]
        value_cell = ws.cell(row, COL["value"])
        if options:
            dv = validations.get(tuple(options))
            if dv is None:
                dv = _list_validation(lists, len(validations) + 1, options)
                validations[tuple(options)] = dv
                ws.add_data_validation(dv)
            dv.add(value_cell)
        else:
            value_cell.comment = Comment(
                f"Gõ nội dung đúng; “{NOTHING_WRITTEN_LABEL}” nếu ô này không có chữ, "
                f"“{ILLEGIBLE_LABEL}” nếu không đọc được.", "formkit")
    return wb


def _list_validation(lists: Any, column: int, options: list[str]) -> DataValidation:
    """A drop-down of `options`, kept on the hidden list sheet (an inline list would break
    on labels that contain commas and is limited to 255 characters)."""
    letter = get_column_letter(column)
    for i, option in enumerate(options, start=1):
        put_text(lists.cell(i, column), option)
    ref = f"{quote_sheetname(LISTS_TITLE)}!${letter}$1:${letter}${len(options)}"
    return DataValidation(
        type="list", formula1=ref, allow_blank=True, showDropDown=False,
        showErrorMessage=True, errorTitle="Giá trị không hợp lệ",
        error="Hãy chọn một giá trị trong danh sách.",
        showInputMessage=True, promptTitle="Giá trị đúng",
        prompt="Chọn giá trị đúng; để trống nếu chưa duyệt.")


# ---- reading it back ---------------------------------------------------------------------

@dataclass(frozen=True)
class ReviewProblem:
    row: int
    reason: str


@dataclass
class ReviewImportReport:
    path: Path
    applied: int = 0
    unchanged: int = 0  # already reviewed with the same value (the file imported twice)
    left_pending: int = 0  # rows without a value
    problems: list[ReviewProblem] = field(default_factory=list)
    #: (review item id, value, note) of each row to apply, in the workbook's order
    decisions: list[tuple[int, Any, str]] = field(default_factory=list, repr=False)


class ReviewImportError(InputError):
    def __init__(self, message: str, problems: list[ReviewProblem], hint: str | None = None):
        super().__init__(message, hint)
        self.problems = problems


def _typed_value(item: ReviewRecord, typed: str, spec_field: Field | None, where: str) -> Any:
    if item.kind == "text" and fold(typed) in (fold(BLANK_LABEL), fold(NOTHING_WRITTEN_LABEL)):
        return None
    if item.kind == "text" and fold(typed) == fold(ILLEGIBLE_LABEL):
        return REVIEW_INVALID
    return parse_choice(item.kind, typed, spec_field, where)


def read_review_workbook(path: Path) -> list[tuple[int, list[Any]]]:
    """The rows of a review workbook (row number, cells), header included; InputError when
    the file is not one."""
    path = Path(path)
    if check_spreadsheet_file(path) != "xlsx":
        raise InputError(say("error.review.not_xlsx", file=path.name),
                         hint=say("hint.review.import_xlsx"))
    sheets = dict(read_xlsx_rows(path))
    rows = sheets.get(SHEET_TITLE)
    if rows is None or len(rows) < HEADER_ROW or \
            fold(str(rows[HEADER_ROW - 1][1][COL["value"] - 1] or "")) != fold("Giá trị đúng"):
        raise InputError(say("error.review.not_review_workbook", file=path.name,
                             sheet=SHEET_TITLE), hint=say("hint.review.import_as_written"))
    return rows


def check_review_rows(path: Path, rows: list[tuple[int, list[Any]]],
                      store: Store) -> ReviewImportReport:
    """Check every row of a review workbook against the store (reading only): the report's
    `decisions` are the corrections to apply, its `problems` the rows that are wrong.
    Applying them is the verb formkit.app.review.import_review."""
    report = ReviewImportReport(path=Path(path))
    for row_number, cells in rows[HEADER_ROW:]:
        def cell(key: str, cells: list[Any] = cells) -> Any:
            i = COL[key] - 1
            return cells[i] if i < len(cells) else None

        raw_id = cell("id")
        typed = nfc(str(cell("value"))) if cell("value") is not None else ""
        note = nfc(str(cell("note"))) if cell("note") is not None else ""
        if raw_id is None and not typed and not note:
            continue
        try:
            item_id = int(raw_id)
        except (TypeError, ValueError):
            report.problems.append(ReviewProblem(
                row_number, f"the hidden item id {raw_id!r} is missing or changed"))
            continue
        try:
            item = store.review_item(item_id)
        except InputError:
            report.problems.append(ReviewProblem(
                row_number, f"there is no review item {item_id} in this database (was the "
                "workbook exported from another workspace?)"))
            continue
        if str(cell("field") or "") != item.field:
            report.problems.append(ReviewProblem(
                row_number, f"item {item_id} is field {item.field}, but the row says "
                f"{cell('field')!r}: the hidden columns were changed or rows were moved"))
            continue
        if not typed:
            report.left_pending += 1
            continue
        spec_field = store.spec_field(item.form, item.field)
        try:
            value = _typed_value(item, typed, spec_field, f"row {row_number}")
            value = store.check_review_value(item, value, f"row {row_number}")
        except InputError as exc:
            report.problems.append(ReviewProblem(
                row_number, f"{exc.message.removeprefix(f'row {row_number}: ')} "
                f"{exc.hint}".strip()))
            continue
        if item.status == "done":
            if item.corrected_value == value:
                report.unchanged += 1
                continue
            when = f"{item.reviewed_at:%d/%m/%Y %H:%M}" if item.reviewed_at else "?"
            report.problems.append(ReviewProblem(
                row_number, f"item {item_id} was already reviewed by {item.reviewer} on "
                f"{when} as {value_label(item.kind, item.corrected_value, spec_field)!r}"))
            continue
        report.decisions.append((item_id, value, note))
    return report
