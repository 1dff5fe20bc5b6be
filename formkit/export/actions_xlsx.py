"""The corrective-action sheet of the register workbook (QT.SCT.04): one line per action
opened in the year, with what it came from, cause, action, owner, due date, status and the
verification of its effect."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from formkit.config import Settings
from formkit.export.xlsx_common import print_landscape, put_text, row_height
from formkit.store.actions import status_label
from formkit.store.rows import ActionRecord

SHEET_TITLE = "Hành động khắc phục"
COLUMNS = (("Số", 6), ("Ngày mở", 12), ("Đơn vị", 14), ("Nguồn", 22), ("Vấn đề", 36),
           ("Nguyên nhân", 30), ("Biện pháp khắc phục", 36), ("Người thực hiện", 18),
           ("Thời hạn", 12), ("Tình trạng", 16), ("Ngày hoàn thành", 12),
           ("Kiểm tra hiệu lực", 36))
_THIN = Side(style="thin", color="000000")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


def add_actions_sheet(wb: Workbook, settings: Settings, year: int,
                      actions: Sequence[ActionRecord], criteria: dict[str, str],
                      as_of: date | None = None) -> None:
    """Append the sheet; `criteria` names the survey rows (field id → label)."""
    as_of = as_of or date.today()
    ws = wb.create_sheet(SHEET_TITLE)
    put_text(ws["A1"], f"THEO DÕI HÀNH ĐỘNG KHẮC PHỤC ({settings.corrective_procedure}) – "
                       f"NĂM {year}")
    ws["A1"].font = Font(name="Times New Roman", bold=True, size=13)
    put_text(ws["A2"], f"Tình trạng tính đến {as_of:%d/%m/%Y}.")
    ws["A2"].font = Font(name="Times New Roman", italic=True, size=10)
    widths = [w for _, w in COLUMNS]
    for c, (label, width) in enumerate(COLUMNS, 1):
        cell = ws.cell(3, c)
        put_text(cell, label)
        cell.font = Font(name="Times New Roman", bold=True, size=11)
        cell.fill = PatternFill("solid", fgColor="D9E2F3")
        cell.border = _BOX
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(c)].width = width
    row = 3
    for a in actions:
        if a.year != year:
            continue
        row += 1
        origin = (f"Sổ ghi nhận, mục #{a.entry_id}" if a.entry_id is not None
                  else f"Tiêu chí: {criteria.get(a.criterion or '', a.criterion)}")
        state = status_label(a.status) + (" (quá hạn)" if a.overdue(as_of) else "")
        effect = a.verification
        if a.effective is not None:
            effect = f"{'Có hiệu lực' if a.effective else 'Chưa có hiệu lực'}. {effect}"
        values = [a.id, a.opened_on, a.unit, origin, a.problem, a.cause, a.action, a.owner,
                  a.due_on, state, a.closed_on, effect.strip()]
        for c, value in enumerate(values, 1):
            cell = ws.cell(row, c)
            put_text(cell, value)
            cell.border = _BOX
            cell.font = Font(name="Times New Roman", size=11)
            cell.alignment = Alignment(vertical="top", wrap_text=True)
            if isinstance(value, date):
                cell.number_format = "DD/MM/YYYY"
        ws.row_dimensions[row].height = row_height(
            [v if isinstance(v, str) else None for v in values], widths, 11)
    if row == 3:
        put_text(ws.cell(4, 1), f"Chưa mở hành động khắc phục nào trong năm {year}.")
        ws.cell(4, 1).font = Font(name="Times New Roman", italic=True, size=11)
    ws.freeze_panes = "B4"
    print_landscape(ws, 3)
