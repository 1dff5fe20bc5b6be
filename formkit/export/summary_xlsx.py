"""The summary workbook of the annual evaluation: one sheet per table of the report, numbers
as numbers (percentages formatted, not text), frozen headers, native Excel charts.

Sheet names are Vietnamese and at most 31 characters (Excel's limit).

Size (over 500 lines): one short writer per table of the report (and its chart); together
they are the workbook, and they share the sheet set-up of formkit.export.xlsx_common.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.data_source import NumDataSource, NumRef
from openpyxl.chart.error_bar import ErrorBars
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from formkit.analyze import indicators as I
from formkit.analyze import narrative as N
from formkit.analyze import stats as S
from formkit.analyze.stats import Change
from formkit.analyze.tallies import CHUA_DAT, DAT, TOT, YearTallies
from formkit.analyze.wording import MISSING, Period
from formkit.config import Settings
from formkit.export.xlsx_common import print_landscape, put_text, row_height, save_atomically
from formkit.textnorm import nfc
from formkit.thresholds import T, Thresholds

SHEETS = {
    "summary": "Tổng hợp",
    "criteria": "Theo tiêu chí",
    "quarters": "Theo quý",
    "same_period": "Cùng kỳ",
    "harassment": "Câu 2",
    "channels": "Kênh",
    "units": "Đơn vị",
    "feedback_groups": "Phản ánh theo nhóm",
    "feedback_sources": "Phản ánh theo nguồn",
    "proposals": "Đề xuất",
    "method": "Phương pháp",
    "indicators": "Chỉ số 766 - SIPAS",
    "review": "Xem xét lãnh đạo (ISO 9.3)",
}
assert all(len(n) <= 31 for n in SHEETS.values())

PCT = "0.0%"
INT = "#,##0"
PTS = '+0.0;"−"0.0;0.0'
HEAD_FILL = PatternFill("solid", fgColor="D9E2F3")
THIN = Side(style="thin", color="A6A6A6")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
TITLE_FONT = Font(name="Times New Roman", bold=True, size=13)
HEAD_FONT = Font(name="Times New Roman", bold=True, size=11)
CELL_FONT = Font(name="Times New Roman", size=11)
NOTE_FONT = Font(name="Times New Roman", italic=True, size=10)


@dataclass(frozen=True)
class Col:
    header: str
    width: float
    fmt: str | None = None  # number format; None: text


HEADER_ROW = 3  # row 1 title, row 2 note, row 3 header, data from row 4


def _sheet(wb: Workbook, key: str, title: str, note: str, cols: Sequence[Col],
           rows: Sequence[Sequence[Any]], bold_last: bool = False) -> Worksheet:
    ws = wb.create_sheet(SHEETS[key])
    put_text(ws["A1"], nfc(title))
    ws["A1"].font = TITLE_FONT
    put_text(ws["A2"], nfc(note))
    ws["A2"].font = NOTE_FONT
    widths = [col.width for col in cols]
    for c, col in enumerate(cols, 1):
        cell = ws.cell(HEADER_ROW, c)
        put_text(cell, nfc(col.header))
        cell.font = HEAD_FONT
        cell.fill = HEAD_FILL
        cell.border = BOX
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(c)].width = col.width
    ws.row_dimensions[HEADER_ROW].height = max(32, row_height([c.header for c in cols],
                                                              widths, 11))
    for r, values in enumerate(rows, HEADER_ROW + 1):
        last = bold_last and r == HEADER_ROW + len(rows)
        # LibreOffice does not size rows on opening: wrapped text needs its height written
        ws.row_dimensions[r].height = row_height(
            [v if isinstance(v, str) else None for v in values], widths, 11)
        for c, (col, value) in enumerate(zip(cols, values, strict=True), 1):
            cell = ws.cell(r, c)
            put_text(cell, nfc(value) if isinstance(value, str) else value)
            cell.border = BOX
            cell.font = Font(name="Times New Roman", size=11, bold=last)
            if col.fmt and isinstance(value, (int, float)):
                cell.number_format = col.fmt
                cell.alignment = Alignment(horizontal="right")
            else:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = ws.cell(HEADER_ROW + 1, 2)
    # printed on landscape pages, one page wide (office users print the sheets)
    print_landscape(ws, HEADER_ROW)
    return ws


CHART_ROWS = 20  # rows under a chart of 8–10 cm, with room to spare
HELPER_COL = 20  # first (hidden) column holding the interval half-widths a chart reads


def _add_chart_on_own_page(ws: Worksheet, chart: Any, row: int, col: str = "A") -> None:
    """Anchor a chart at `row` and start a printed page there, so that the chart is never cut
    in two by a page break (nor printed under the repeated header of the table above)."""
    ws.row_breaks.append(Break(id=row - 1))
    ws.add_chart(chart, f"{col}{row}")


def _bars_with_intervals(ws: Worksheet, title: str, series: Sequence[tuple[int, int, int]],
                         first: int, last: int) -> BarChart:
    """Clustered bars (one series per (value, low, high) column triple) with their 95%
    intervals as error bars; the half-widths go to hidden helper columns. Bars start at 0:
    a cut axis would make a small difference look large."""
    chart = BarChart()
    chart.type = "col"
    chart.grouping = "clustered"
    chart.title = title
    chart.y_axis.number_format = "0%"
    chart.y_axis.scaling.min = 0
    chart.y_axis.scaling.max = 1
    chart.visible_cells_only = False  # the helper columns are hidden
    sheet = ws.title.replace("'", "''")
    for k, (value_col, low_col, high_col) in enumerate(series):
        plus_col, minus_col = HELPER_COL + 2 * k, HELPER_COL + 2 * k + 1
        put_text(ws.cell(HEADER_ROW, plus_col), "Biểu đồ: cộng")
        put_text(ws.cell(HEADER_ROW, minus_col), "Biểu đồ: trừ")
        for r in range(first, last + 1):
            v, lo, hi = (ws.cell(r, c).value for c in (value_col, low_col, high_col))
            ok = all(isinstance(x, (int, float)) for x in (v, lo, hi))
            put_text(ws.cell(r, plus_col), hi - v if ok else None)  # type: ignore[operator]
            put_text(ws.cell(r, minus_col), v - lo if ok else None)  # type: ignore[operator]
        for c in (plus_col, minus_col):
            ws.column_dimensions[get_column_letter(c)].hidden = True
        chart.add_data(Reference(ws, min_col=value_col, min_row=HEADER_ROW, max_row=last),
                       titles_from_data=True)

        def ref(c: int) -> NumDataSource:
            letter = get_column_letter(c)
            return NumDataSource(numRef=NumRef(f=f"'{sheet}'!${letter}${first}:${letter}${last}"))

        chart.series[-1].errBars = ErrorBars(errDir="y", errBarType="both", errValType="cust",
                                             noEndCap=False, plus=ref(plus_col),
                                             minus=ref(minus_col))
    chart.set_categories(Reference(ws, min_col=1, min_row=first, max_row=last))
    chart.height, chart.width = 8, 16
    return chart


def _change_cells(ch: Change) -> list[Any]:
    return [ch.points, ch.p_value, N.verdict(ch)]


def write_summary(settings: Settings, year: int, tallies: YearTallies, path: Path,
                  thresholds: Thresholds = T, state: Any = None) -> Path:
    """Write the summary workbook of `year` (atomically) and return its path. `state` (a
    report_docx.RecordState) adds the period the data cover, partial quarters and, for a
    draft, "DỰ THẢO" on every sheet and printed page."""
    t = tallies
    period: Period | None = getattr(state, "period", None)

    def qname(q: int) -> str:
        return period.quarter_label(q) if period else N.QUARTER_NAMES[q]

    # a year without any record shows "chưa có dữ liệu", never a 0 that looks measured
    prev_has_data = bool(t.previous.responses)

    def prev(v: Any) -> Any:
        return v if prev_has_data else MISSING

    if t.year != year:
        raise ValueError(f"tallies are for {t.year}, not {year}")
    sch = t.scheme
    lv = sch.level_labels
    py = t.previous_year
    wb = Workbook()
    wb.remove(wb.active)
    origin = f"{settings.agency_short_name} – {settings.procedure} – năm {year}"
    if period is not None:
        origin += f". {period.sentence()}"

    # ---- Tổng hợp
    rr = t.response_rate
    idx = t.index_year_on_year
    h = t.current.harassment
    f = t.feedback
    rows: list[list[Any]] = [
        ["Số phiếu giấy phát hành (có đánh số)", rr.issued, None],
        ["Số phiếu giấy thu về", rr.returned_paper, None],
        ["Tỷ lệ phản hồi (phiếu giấy)", rr.rate, None],
        ["Số ý kiến qua kênh trực tuyến", rr.other_channels, None],
        ["Số phiếu đưa vào phân tích", t.current.answered, prev(t.previous.answered)],
        ["Số phiếu có câu đánh dấu không hợp lệ", t.current.with_invalid,
         prev(t.previous.with_invalid)],
        ["Số phiếu không xác định được ngày (không tính vào quý)", t.undated, None],
        [S.INDEX_NAME, idx.current.rate, idx.reference.rate],
        ["Khoảng tin cậy 95% – cận dưới", idx.current.low, idx.reference.low],
        ["Khoảng tin cậy 95% – cận trên", idx.current.high, idx.reference.high],
        ["Thay đổi so với năm trước (điểm %)", idx.points, None],
        ["Đánh giá thay đổi", N.verdict(idx), None],
        ["Tỷ lệ phiếu cho biết có phiền hà, sách nhiễu", h.share(h.yes),
         t.previous.harassment.share(t.previous.harassment.yes)],
        ["Số ý kiến phản ánh, kiến nghị (mọi nguồn)", f.total,
         f.previous_total if f.previous_total else MISSING],
        ["Tỷ lệ phản ánh, kiến nghị đã xử lý", f.handled_share, None],
    ]
    tr = t.current.transactions
    for fid, label in sch.flags:
        rows.append([f"Nội dung giao dịch: {label}", tr.by_flag.get(fid, 0), None])
    ws = _sheet(wb, "summary", f"TỔNG HỢP KẾT QUẢ KHẢO SÁT SỰ HÀI LÒNG NĂM {year}", origin,
                [Col("Chỉ tiêu", 58), Col(f"Năm {year}", 16, INT), Col(f"Năm {py}", 16, INT)],
                rows)
    pct_rows = {"Tỷ lệ", S.INDEX_NAME, "Khoảng tin cậy"}
    for r in range(HEADER_ROW + 1, ws.max_row + 1):
        label = str(ws.cell(r, 1).value)
        if any(label.startswith(p) for p in pct_rows):
            ws.cell(r, 2).number_format = ws.cell(r, 3).number_format = PCT
        if label.startswith("Thay đổi"):
            ws.cell(r, 2).number_format = PTS
    note_row = ws.max_row + 2
    for i, text in enumerate((S.RATE_FORMULA, S.INDEX_FORMULA, S.INDEX_DESCRIPTION)):
        cell = ws.cell(note_row + i, 1)
        put_text(cell, text)
        cell.font = NOTE_FONT
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.merge_cells(start_row=note_row + i, start_column=1, end_row=note_row + i,
                       end_column=3)
        ws.row_dimensions[note_row + i].height = row_height([text], [90.0], 10)
    ws.sheet_view.zoomScale = 110

    # ---- Theo tiêu chí
    rows = []
    for c in t.current.criteria:
        p = c.satisfied
        rows.append([c.criterion.question, c.criterion.label, c.tot, c.share(TOT), c.dat,
                     c.share(DAT), c.chua_dat, c.share(CHUA_DAT), c.valid, c.blank, c.invalid,
                     c.rate, p.low, p.high])
    ip = t.current.index_proportion
    rows.append(["", S.INDEX_NAME, None, None, None, None, None, None, ip.n, None, None,
                 ip.rate, ip.low, ip.high])
    ws = _sheet(wb, "criteria", f"KẾT QUẢ THEO TIÊU CHÍ NĂM {year}",
                f"{S.RATE_FORMULA}. Tỷ lệ tính trên số câu trả lời hợp lệ.",
                [Col("Câu hỏi", 11), Col("Tiêu chí", 30), Col(lv[TOT], 9, INT),
                 Col(f"{lv[TOT]} (%)", 9, PCT), Col(lv[DAT], 9, INT),
                 Col(f"{lv[DAT]} (%)", 11, PCT),
                 Col(lv[CHUA_DAT], 10, INT), Col(f"{lv[CHUA_DAT]} (%)", 12, PCT),
                 Col("Hợp lệ", 9, INT), Col("Bỏ trống", 9, INT), Col("Không hợp lệ", 10, INT),
                 Col(S.RATE_NAME, 11, PCT), Col("KTC 95% – dưới", 11, PCT),
                 Col("KTC 95% – trên", 11, PCT)], rows, bold_last=True)
    first, last = HEADER_ROW + 1, HEADER_ROW + len(t.current.criteria)
    chart = BarChart()
    chart.type = "bar"
    chart.grouping = "percentStacked"
    chart.overlap = 100
    chart.title = f"Mức độ đánh giá theo tiêu chí năm {year}"
    for col in (3, 5, 7):
        chart.add_data(Reference(ws, min_col=col, min_row=HEADER_ROW, max_row=last),
                       titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=2, min_row=first, max_row=last))
    for series, colour in zip(chart.series, ("1B5E20", "81C784", "C62828"), strict=True):
        series.graphicalProperties.solidFill = colour
        series.graphicalProperties.line.solidFill = colour
    chart.x_axis.scaling.orientation = "maxMin"  # first criterion on top, as in the table
    chart.height, chart.width = 9, 20
    _add_chart_on_own_page(ws, chart, last + 4, "B")

    # ---- Theo quý (this year, per criterion)
    rows = []
    for c in sch.criteria:
        row: list[Any] = [c.label]
        for q in t.quarters:
            cq = q.current.criterion(c.field_id)
            row += [cq.valid, cq.rate]
        rows.append(row)
    row = [S.INDEX_NAME]
    for q in t.quarters:
        row += [q.current.answered, q.current.index]
    rows.append(row)
    cols = [Col("Tiêu chí", 30)]
    for q in t.quarters:
        name = qname(q.quarter)
        cols += [Col(f"{name} – hợp lệ", 10, INT), Col(f"{name} – {S.RATE_NAME.lower()}", 12,
                                                        PCT)]
    _sheet(wb, "quarters", f"{S.RATE_NAME.upper()} THEO QUÝ NĂM {year}",
           "Phiếu không xác định được ngày chỉ tính vào kết quả cả năm.", cols, rows,
           bold_last=True)

    # ---- Cùng kỳ: quarters beside last year's, then each criterion year on year
    rows = []
    for q in t.quarters:
        ch = q.year_on_year
        rows.append([qname(q.quarter), q.current.answered, q.current.index,
                     ch.current.low, ch.current.high, prev(q.previous.answered), q.previous.index,
                     ch.reference.low, ch.reference.high, *_change_cells(ch)])
    ch = t.index_year_on_year
    rows.append(["Cả năm", t.current.answered, t.current.index, ch.current.low, ch.current.high,
                 prev(t.previous.answered), t.previous.index, ch.reference.low,
                 ch.reference.high,
                 *_change_cells(ch)])
    ws = _sheet(wb, "same_period", f"{S.INDEX_NAME.upper()} THEO QUÝ, NĂM {year} VÀ CÙNG KỲ "
                f"NĂM {py}", f"So sánh bằng {S.TEST_NAME}; khoảng tin cậy Wilson 95%.",
                [Col("Kỳ", 10), Col(f"Số phiếu {year}", 10, INT), Col(f"Chỉ số {year}", 10, PCT),
                 Col("KTC dưới", 9, PCT), Col("KTC trên", 9, PCT),
                 Col(f"Số phiếu {py}", 10, INT), Col(f"Chỉ số {py}", 10, PCT),
                 Col("KTC dưới", 9, PCT), Col("KTC trên", 9, PCT),
                 Col("Thay đổi (điểm %)", 11, PTS), Col("p", 8, "0.000"),
                 Col("Đánh giá", 22)], rows, bold_last=True)
    chart = _bars_with_intervals(ws, f"{S.INDEX_NAME} theo quý: {year} và {py}",
                                 [(3, 4, 5), (7, 8, 9)], HEADER_ROW + 1, HEADER_ROW + 4)
    start = ws.max_row + 3
    _add_chart_on_own_page(ws, chart, start)
    # per criterion, year on year (below the chart)
    crit_row = start + CHART_ROWS
    put_text(ws.cell(crit_row, 1), f"{S.RATE_NAME} theo tiêu chí, năm {year} so với năm {py}")
    ws.cell(crit_row, 1).font = HEAD_FONT
    heads = ["Tiêu chí", f"Hợp lệ {year}", f"Tỷ lệ {year}", "KTC dưới", "KTC trên",
             f"Hợp lệ {py}", f"Tỷ lệ {py}", "KTC dưới", "KTC trên", "Thay đổi (điểm %)", "p",
             "Đánh giá"]
    fmts = [None, INT, PCT, PCT, PCT, INT, PCT, PCT, PCT, PTS, "0.000", None]
    for c, text in enumerate(heads, 1):
        cell = ws.cell(crit_row + 1, c)
        put_text(cell, text)
        cell.font, cell.fill, cell.border = HEAD_FONT, HEAD_FILL, BOX
        cell.alignment = Alignment(horizontal="center", wrap_text=True)
    for i, c in enumerate(sch.criteria):
        ch = t.criterion_year_on_year(c.field_id)
        values = [c.label, ch.current.n, ch.current.rate, ch.current.low, ch.current.high,
                  ch.reference.n, ch.reference.rate, ch.reference.low, ch.reference.high,
                  *_change_cells(ch)]
        for j, (v, fmt) in enumerate(zip(values, fmts, strict=True), 1):
            cell = ws.cell(crit_row + 2 + i, j)
            put_text(cell, v)
            cell.border, cell.font = BOX, CELL_FONT
            if fmt and isinstance(v, (int, float)):
                cell.number_format = fmt
    ws.column_dimensions["A"].width = 30

    # ---- Câu 2
    rows = [[sch.harassment_labels.get(sch.harassment_no, ""), h.no, h.share(h.no),
             t.previous.harassment.no]]
    yes = sch.harassment_labels.get(sch.harassment_yes, "")
    for value, label in sch.frequency_labels.items():
        n = h.yes_by_level.get(value, 0)
        rows.append([f"{yes} – {label}", n, h.share(n),
                     t.previous.harassment.yes_by_level.get(value, 0)])
    rows += [
        [f"{yes} – không ghi mức độ", h.yes_unspecified, h.share(h.yes_unspecified),
         t.previous.harassment.yes_unspecified],
        ["Cộng (trả lời hợp lệ)", h.valid, 1.0 if h.valid else None, t.previous.harassment.valid],
        ["Không bị phiền hà", h.no, h.none_share, t.previous.harassment.no],
        ["Một lần hoặc một số lần (a, b)", h.some, h.some_share, t.previous.harassment.some],
        ["Phổ biến hoặc rất phổ biến (c, d)", h.many, h.many_share, t.previous.harassment.many],
        ["Không tính vào tỷ lệ: bỏ trống", h.blank + h.level_without_answer, None,
         t.previous.harassment.blank + t.previous.harassment.level_without_answer],
        ["Không tính vào tỷ lệ: không hợp lệ", h.invalid, None, t.previous.harassment.invalid],
        ["Không tính vào tỷ lệ: mâu thuẫn (Không + mức độ)", h.contradictions, None,
         t.previous.harassment.contradictions],
    ]
    _sheet(wb, "harassment", f"CÂU HỎI 2 – PHIỀN HÀ, SÁCH NHIỄU, NĂM {year}",
           nfc(sch.harassment_question.replace("{co_quan}", settings.agency_short_name)),
           [Col("Trả lời", 46), Col("Số phiếu", 10, INT), Col("Tỷ lệ", 10, PCT),
            Col(f"Số phiếu {py}", 12, INT)], rows)

    # ---- Kênh, Đơn vị
    def slice_rows(slices, label) -> list[list[Any]]:
        out = []
        for s in slices:
            p = s.index_proportion
            c5 = s.criteria[-1]
            out.append([label(s.key), s.responses, s.answered, s.index, p.low, p.high,
                        c5.rate, c5.share(CHUA_DAT), s.harassment.share(s.harassment.yes)])
        return out

    last_label = sch.criteria[-1].label
    slice_cols = [Col("", 34), Col("Số phiếu", 10, INT), Col("Phiếu phân tích", 11, INT),
                  Col(S.INDEX_NAME, 12, PCT), Col("KTC dưới", 9, PCT), Col("KTC trên", 9, PCT),
                  Col(f"{S.RATE_NAME} – {last_label}", 14, PCT),
                  Col(f"“{lv[CHUA_DAT]}” – {last_label}", 14, PCT),
                  Col("Có phiền hà", 10, PCT)]
    _sheet(wb, "channels", f"KẾT QUẢ THEO KÊNH KHẢO SÁT NĂM {year}",
           "Người trả lời trực tuyến tự lựa chọn tham gia: các kênh được trình bày riêng.",
           [Col("Kênh", 34), *slice_cols[1:]], slice_rows(t.by_channel, t.channel_label))
    _sheet(wb, "units", f"KẾT QUẢ THEO ĐƠN VỊ NĂM {year}", origin,
           [Col("Đơn vị", 34), *slice_cols[1:]], slice_rows(t.by_unit, t.unit_label))

    # ---- Phản ánh
    def fb_prev(n: int) -> Any:
        return n if f.previous_total else MISSING

    groups = sorted(f.by_group, key=lambda g: N.is_compliment(g.label))
    rows = [[i, g.label, g.count, g.share, None if N.is_compliment(g.label) else g.handled,
             None if N.is_compliment(g.label) else g.handled_share,
             fb_prev(f.previous_by_group.get(g.code, 0))] for i, g in enumerate(groups, 1)]
    complaints, handled, _praise = N.complaint_counts(t)
    rows.append(["", "Cộng", f.total, 1.0 if f.total else None, handled,
                 handled / complaints if complaints else None, fb_prev(f.previous_total)])
    ws = _sheet(wb, "feedback_groups", f"PHẢN ÁNH, KIẾN NGHỊ THEO NHÓM Ý KIẾN NĂM {year}",
                "Mọi nguồn: Sổ ghi nhận ý kiến, tiếp dân, truyền thông, họp, cấp trên, khảo sát.",
                [Col("STT", 6, INT), Col("Nhóm ý kiến", 44), Col("Số lượng", 10, INT),
                 Col("Tỷ lệ", 9, PCT), Col("Đã xử lý", 10, INT), Col("Tỷ lệ xử lý", 11, PCT),
                 Col(f"Năm {py}", 10, INT)], rows, bold_last=True)
    if f.by_group:
        chart = BarChart()
        chart.type = "bar"
        chart.title = f"Phản ánh, kiến nghị theo nhóm năm {year}"
        first, last = HEADER_ROW + 1, HEADER_ROW + len(f.by_group)
        chart.add_data(Reference(ws, min_col=3, min_row=HEADER_ROW, max_row=last),
                       titles_from_data=True)
        chart.add_data(Reference(ws, min_col=7, min_row=HEADER_ROW, max_row=last),
                       titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=2, min_row=first, max_row=last))
        chart.x_axis.scaling.orientation = "maxMin"
        chart.height, chart.width = 10, 18
        _add_chart_on_own_page(ws, chart, ws.max_row + 3, "B")
    sources = [[i, g.label, g.count, g.share, g.handled, g.handled_share]
               for i, g in enumerate(f.by_source, 1)]
    _sheet(wb, "feedback_sources", f"PHẢN ÁNH, KIẾN NGHỊ THEO NGUỒN NĂM {year}",
           "Nguồn theo mục 5.2 của Quy trình.",
           [Col("STT", 6, INT), Col("Nguồn", 40), Col("Số lượng", 10, INT), Col("Tỷ lệ", 9, PCT),
            Col("Đã xử lý", 10, INT), Col("Tỷ lệ xử lý", 11, PCT)], sources)

    # ---- Đề xuất, Phương pháp
    proposals = N.draft_proposals(t, settings.corrective_procedure, thresholds)
    _sheet(wb, "proposals", f"ĐỀ XUẤT, KIẾN NGHỊ NĂM {year} (DỰ THẢO)",
           f"Đề xuất có đánh dấu cần mở hành động khắc phục theo {settings.corrective_procedure}.",
           [Col("STT", 6, INT), Col("Đề xuất", 36), Col("Căn cứ", 60), Col("Biện pháp", 60),
            Col(f"Khắc phục ({settings.corrective_procedure})", 14)],
           [[i, p.title, p.reason, p.action, "Có" if p.corrective else ""]
            for i, p in enumerate(proposals, 1)])
    rows = [
        [S.RATE_NAME, S.RATE_FORMULA],
        [S.INDEX_NAME, f"{S.INDEX_FORMULA}. {S.INDEX_DESCRIPTION}"],
        ["Khoảng tin cậy", S.INTERVAL_NAME],
        ["So sánh", f"{S.TEST_NAME}. {S.TEST_DESCRIPTION}"],
        ["Ngưỡng “Chưa đạt yêu cầu”", f"{N.pct(thresholds.unsatisfied_share_max, 0)} số câu trả "
         "lời hợp lệ của một tiêu chí"],
        ["Ngưỡng tỷ lệ phản hồi", N.pct(thresholds.response_rate_min, 0)],
        ["Lập lúc", datetime.now().strftime("%d/%m/%Y %H:%M")],
    ]
    _sheet(wb, "method", "PHƯƠNG PHÁP TÍNH", origin, [Col("Nội dung", 28), Col("Mô tả", 110)],
           rows)

    _indicator_sheet(wb, settings, t, state)
    _review_sheet(wb, settings, t, state)

    wb.properties.title = f"Tổng hợp khảo sát sự hài lòng năm {year}"
    wb.properties.creator = settings.agency_short_name
    if state is not None and getattr(state, "draft", False):
        note = state.draft_note()
        for sheet in wb.worksheets:
            put_text(sheet["A2"], f"{note}. {sheet['A2'].value or ''}".strip())
            sheet["A2"].font = Font(name="Times New Roman", italic=True, bold=True, size=10,
                                    color="C00000")
            sheet.oddHeader.center.text = note
            sheet.oddHeader.center.size = 10
    for sheet in wb.worksheets:
        sheet.oddFooter.center.text = "Trang &P/&N"
    return save_atomically(wb, path)


def _indicator_sheet(wb: Workbook, settings: Settings, t: YearTallies, state: Any) -> None:
    """QĐ 766/QĐ-TTg ratios with formula and data, the SIPAS mapping, the sample size and the
    reference figures (marked as not computed here)."""
    from formkit.export.report_docx import RecordState

    ind = (state or RecordState()).indicators(settings, t)
    rows: list[list[Any]] = [[r.code, r.name, r.formula, r.numerator, r.denominator, r.value,
                              f"{r.data} {r.note}".strip()] for r in ind.ratios]
    labels = {c.field_id: c.label for c in t.scheme.criteria}
    labels[t.scheme.harassment_field] = "Phiền hà, sách nhiễu (Câu hỏi 2)"
    for n, e in enumerate(ind.elements, 1):
        used = "; ".join(labels.get(f, f) for f in e.fields)
        rows.append([f"SIPAS-{n}", f"SIPAS: {e.name}", I.SIPAS_INDEX_FORMULA.split(
            "(", 1)[1].rstrip(")") if e.measured else "không đo",
            e.satisfied if e.measured else None, e.valid if e.measured else None,
            e.share if e.measured else None,
            f"{used}. {e.note} Chỉ tính “Tốt”: {N.pct(e.share_strict)}." if e.measured
            else e.note])
    rows.append(["SIPAS", "Chỉ số tham chiếu SIPAS của đơn vị", I.SIPAS_INDEX_FORMULA, None,
                 None, ind.sipas_index,
                 f"{I.LEVEL_MAPPING} Chỉ tính “Tốt”: {N.pct(ind.sipas_index_strict)}."])
    s = ind.sample
    rows.append(["Cỡ mẫu", f"Cỡ mẫu cần cho sai số ±{N.pct(s.margin, 0)}", I.SAMPLE_FORMULA,
                 s.needed, s.population, None, I.sample_sentence(s)])
    rows.append(["Cỡ mẫu", "Số phiếu đã thu (có trả lời)", "", s.collected, None, None,
                 "Phiếu giấy và các kênh trực tuyến của năm."])
    for r in ind.references:
        rows.append(["Tham chiếu", f"{r.label} năm {r.year}", "", None, None, r.share,
                     "Số liệu tham chiếu do cơ quan khác công bố (cài đặt "
                     "[[indicators.reference]]), không do formkit tính."])
    _sheet(wb, "indicators", f"CHỈ SỐ HÀI LÒNG THEO QĐ 766/QĐ-TTg VÀ SIPAS NĂM {t.year}",
           f"Thời hạn xử lý phản ánh: {ind.deadline_days} ngày làm việc; tính đến "
           f"{ind.as_of:%d/%m/%Y}.",
           [Col("Mã", 12), Col("Chỉ số", 40), Col("Công thức", 44), Col("Tử số", 10, INT),
            Col("Mẫu số", 10, INT), Col("Tỷ lệ", 9, PCT), Col("Dữ liệu đã dùng, ghi chú", 70)],
           rows)


def _review_sheet(wb: Workbook, settings: Settings, t: YearTallies, state: Any) -> None:
    """Inputs to the management review (ISO 9001:2015 9.3.2): the satisfaction trend, the
    feedback by group, the corrective actions and their effect."""
    from formkit.export.report_docx import RecordState

    st = state or RecordState()
    clean = st.redactor()
    py = t.previous_year
    rows: list[list[Any]] = []
    idx = t.index_year_on_year
    rows.append(["a) Xu hướng hài lòng", f"{S.INDEX_NAME} năm {t.year}", t.current.index,
                 t.previous.index if t.previous.responses else MISSING,
                 idx.points if t.previous.responses else None, N.verdict(idx)])
    for q in t.quarters:
        if q.current.responses or q.previous.responses:
            ch = q.year_on_year
            rows.append(["a) Xu hướng hài lòng", f"{N.QUARTER_NAMES[q.quarter]}",
                         q.current.index, q.previous.index if q.previous.responses else MISSING,
                         ch.points if q.previous.responses else None, N.verdict(ch)])
    for g in t.feedback.by_group:
        rows.append(["b) Phản ánh theo nhóm", g.label, g.count,
                     t.feedback.previous_by_group.get(g.code, 0) if t.feedback.previous_total
                     else MISSING, None, f"Đã xử lý {N.num(g.handled)}/{N.num(g.count)}"])
    counts = st.action_counts(t.year)
    rows.append(["c) Hành động khắc phục", "Tổng hợp", counts.opened, None, None,
                 I.action_sentence(counts, settings.corrective_procedure)])
    for a in st.actions:
        if a.opened_on.year != t.year:
            continue
        effect = ("Có hiệu lực" if a.effective else "Chưa có hiệu lực"
                  if a.effective is not None else "Chưa kiểm tra")
        state_text = "Đã hoàn thành" if a.status == "closed" else "Đang thực hiện"
        overdue = (a.closed_on > a.due_on) if a.status == "closed" and a.closed_on \
            else counts.as_of > a.due_on
        rows.append(["c) Hành động khắc phục",
                     clean(f"#{getattr(a, 'id', '')} {getattr(a, 'action', '')}".strip()),
                     None, None,
                     None, f"{state_text}; hạn {a.due_on:%d/%m/%Y}"
                     f"{' (quá hạn)' if overdue else ''}; {effect}"])
    ws = _sheet(wb, "review", f"ĐẦU VÀO XEM XÉT CỦA LÃNH ĐẠO (ISO 9001:2015, 9.3) NĂM {t.year}",
                "Ý kiến khách hàng (9.3.2 c), hành động khắc phục và hiệu lực (9.3.2 c, 10.2).",
                [Col("Nội dung", 24), Col("Mục", 46), Col(f"Năm {t.year}", 12, INT),
                 Col(f"Năm {py}", 12, INT), Col("Chênh lệch (điểm)", 12, PTS),
                 Col("Nhận xét", 70)], rows)
    # the trend rows are rates, the others counts: one column holds both
    for r, values in enumerate(rows, HEADER_ROW + 1):
        if str(values[0]).startswith("a)"):
            for c in (3, 4):
                if isinstance(ws.cell(r, c).value, float):
                    ws.cell(r, c).number_format = PCT
