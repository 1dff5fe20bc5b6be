"""The register workbook: BM.QT.SCT.05-01 "Sổ ghi nhận ý kiến của khách hàng" of one year.

The five official columns come first, in the procedure's wording (from the 05-01
template), then the opinion group, the source, the unit and the handling status. It prints
on A4 landscape, fitted to the page width, with the header row repeated and "Trang x/y" in
the footer.

A year without entries still gets its workbook, with one line saying so: the register of a
year is an ISO record even when nobody gave feedback, and an empty book shows that the
question was asked. Callers can count the entries first to tell the user (the CLI does).
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from formkit.analyze.classify import GroupRules, load_rules
from formkit.config import Settings, issue_control
from formkit.export.actions_xlsx import add_actions_sheet
from formkit.export.xlsx_common import (
    MM_PER_CHAR,
    print_landscape,
    put_text,
    row_height,
    save_atomically,
)
from formkit.spec import FormSpec, load_form, template_path
from formkit.store import Store, open_store
from formkit.store.actions import list_actions
from formkit.store.register import list_entries, source_label, status_label
from formkit.store.rows import RegisterRecord

SHEET_TITLE = "Sổ ghi nhận"
HEADER_ROW = 5
#: columns after the official five: (header, width in mm)
EXTRA_COLUMNS = (("Nhóm ý kiến", 42.0), ("Nguồn", 34.0), ("Đơn vị", 30.0),
                 ("Tình trạng", 20.0))
FONT_PT = 12
#: printable width of A4 landscape inside the margins below, less a safety strip: the
#: columns are sized to it so that nothing is shrunk to 8 pt to fit the page
PRINT_WIDTH_MM = 297.0 - 2 * 12.7 - 8.0

_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="D9E2F3")
_FONT = "Times New Roman"


def register_path(settings: Settings, year: int) -> Path:
    """exports/<year>/BM.QT.SCT.05-01_<year>.xlsx"""
    return Path(settings.exports_dir) / str(year) / f"{settings.form_code('05-01')}_{year}.xlsx"


def export_register(settings: Settings, year: int, store: Store | None = None,
                    rules: GroupRules | None = None, path: Path | None = None) -> Path:
    """Write the register workbook of `year` and return its path (see module doc for an
    empty year)."""
    spec = load_form(template_path(settings.templates_dir, "05-01"))
    rules = rules or load_rules(settings=settings)
    own_store = store is None
    store = store or open_store(settings)
    try:
        entries = list_entries(store, year=year)
        actions = list_actions(store, year=year)
    finally:
        if own_store:
            store.close()
    wb = build_register_workbook(settings, spec, year, entries, rules)
    if actions:  # a year without any keeps the printed book as the form has it
        add_actions_sheet(wb, settings, year, actions, _criteria(settings))
    return save_atomically(wb, path or register_path(settings, year))


def _criteria(settings: Settings) -> dict[str, str]:
    survey = load_form(template_path(settings.templates_dir, "05-02"))
    return {fid: f.label for fid, f in survey.fields.items()}


def build_register_workbook(settings: Settings, spec: FormSpec, year: int,
                            entries: list[RegisterRecord], rules: GroupRules) -> Workbook:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = SHEET_TITLE
    wb.properties.title = f"{spec.title} – NĂM {year}"
    wb.properties.creator = settings.agency_short_name
    columns = [(c.label, c.width_mm) for c in spec.columns] + list(EXTRA_COLUMNS)
    last_col = get_column_letter(len(columns))
    _title_rows(ws, settings, spec, year, last_col)

    # the date column keeps its width (a narrower one prints "###"); the others share the rest
    total_mm = sum(width_mm for _label, width_mm in columns[1:])
    scale = min(1.0, (PRINT_WIDTH_MM - columns[0][1]) / total_mm)
    # LibreOffice prints a width unit ~1.35 times wider than MM_PER_CHAR (measured: a
    # table of 136 units filled 345 mm), so the units are counted at its rate
    widths = [width_mm * (scale if i else 1.0) / (MM_PER_CHAR * 1.35)
              for i, (_label, width_mm) in enumerate(columns)]
    header_font = Font(name=_FONT, bold=True, size=FONT_PT)
    centred = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for ci, (label, _width_mm) in enumerate(columns, start=1):
        cell = ws.cell(HEADER_ROW, ci)
        put_text(cell, label)
        cell.font, cell.alignment, cell.border, cell.fill = (header_font, centred, _BORDER,
                                                             _HEADER_FILL)
        ws.column_dimensions[get_column_letter(ci)].width = round(widths[ci - 1], 1)
    ws.row_dimensions[HEADER_ROW].height = row_height([c[0] for c in columns], widths,
                                                      FONT_PT)

    body_font = Font(name=_FONT, size=FONT_PT)
    top_wrap = Alignment(vertical="top", wrap_text=True)
    top_centre = Alignment(horizontal="center", vertical="top", wrap_text=True)
    units = {u.code: u.name for u in settings.units}
    labels = rules.labels()
    row = HEADER_ROW
    for e in entries:
        row += 1
        values = [e.entry_date, e.customer, e.content, e.receiver, e.confirmation,
                  labels.get(e.group, e.group), source_label(e.source),
                  units.get(e.unit, e.unit), status_label(e.status)]
        for ci, value in enumerate(values, start=1):
            cell = ws.cell(row, ci)
            put_text(cell, value)
            cell.font, cell.border = body_font, _BORDER
            cell.alignment = top_centre if ci == 1 else top_wrap
        ws.cell(row, 1).number_format = "DD/MM/YYYY"
        ws.row_dimensions[row].height = row_height(values[1:], widths[1:], FONT_PT)
    if not entries:
        row += 1
        ws.merge_cells(f"A{row}:{last_col}{row}")
        cell = ws.cell(row, 1)
        put_text(cell, f"Không có ý kiến nào được ghi nhận trong năm {year}.")
        cell.font = Font(name=_FONT, size=12, italic=True)
        cell.alignment = Alignment(horizontal="center", vertical="center")

    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    ws.auto_filter.ref = f"A{HEADER_ROW}:{last_col}{max(row, HEADER_ROW + 1)}"
    _print_setup(ws, settings)
    return wb


def _title_rows(ws: Worksheet, settings: Settings, spec: FormSpec, year: int,
                last_col: str) -> None:
    # the issue control (form code, issue, date) is in the page header: on every page
    put_text(ws["A1"], settings.agency_name)
    ws["A1"].font = Font(name=_FONT, bold=True, size=12)
    for r, text, size in ((2, spec.title, 14),
                          (3, (spec.year_line or "NĂM: {nam}").format(nam=year), 13)):
        ws.merge_cells(f"A{r}:{last_col}{r}")
        put_text(ws.cell(r, 1), text)
        ws.cell(r, 1).font = Font(name=_FONT, bold=True, size=size)
        ws.cell(r, 1).alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[2].height = 24


def _print_setup(ws: Worksheet, settings: Settings) -> None:
    print_landscape(ws, HEADER_ROW)
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5  # inches: 12.7 mm
    ws.page_margins.top = 0.8
    ws.page_margins.bottom = 0.6
    ws.oddFooter.center.text = "Trang &P/&N"
    # the issue control on every printed page, as on the paper form
    ws.oddHeader.right.text = issue_control(settings, "05-01", "   ")
    ws.oddHeader.right.size = 10
    ws.oddHeader.right.font = _FONT
    ws.page_margins.header = 0.3
    ws.oddFooter.center.font = _FONT
    ws.oddFooter.center.size = 10
