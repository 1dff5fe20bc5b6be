"""Shared pieces of an administrative document laid out per Nghị định 30/2020/NĐ-CP, Phụ lục I:
page set-up, the two-column header (agency | national motto, number | place and date), title
and subject, page numbers in the top margin from page 2, body paragraphs, signature block and
"Nơi nhận:". Used by the annual report and the disposal record; `agency_header` with neither
number nor date draws exactly what docx_writer's form header draws, so that one can call it.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from datetime import date

from docx.document import Document as DocumentType
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.table import Table

from formkit.config import Settings
from formkit.render import docx_xml as X
from formkit.textnorm import nfc

FONT = "Times New Roman"
NATIONAL = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"

# A4 portrait, margins inside the decree's ranges (top/bottom 20–25, left 30–35, right 15–20)
PAGE_W, PAGE_H = 210.0, 297.0
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = 20.0, 20.0, 30.0, 15.0
CONTENT_W = PAGE_W - MARGIN_LEFT - MARGIN_RIGHT
HEADER_LEFT_MM = 70.0


def date_line(place: str, d: date) -> str:
    """"Đắk Lắk, ngày 05 tháng 01 năm 2026": the decree wants a leading zero for days under
    10 and for months 1 and 2 (only those, so that "tháng 3" is not "tháng 03")."""
    month = f"{d.month:02d}" if d.month < 3 else str(d.month)
    return nfc(f"{place}, ngày {d.day:02d} tháng {month} năm {d.year}")


def number_line(kind: str, abbreviation: str, number: str | int | None = None) -> str:
    """"Số: 12/BC-SCT", or with the number left blank for the clerk: "Số:      /BC-SCT"."""
    n = str(number) if number not in (None, "") else "\u00a0" * 8
    return f"Số: {n}/{kind}-{abbreviation}"


def setup_document(doc: DocumentType, body_pt: float = 14.0) -> None:
    """A4 portrait with the decree's margins; Times New Roman everywhere."""
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(PAGE_W), Mm(PAGE_H)
    section.top_margin, section.bottom_margin = Mm(MARGIN_TOP), Mm(MARGIN_BOTTOM)
    section.left_margin, section.right_margin = Mm(MARGIN_LEFT), Mm(MARGIN_RIGHT)
    section.header_distance, section.footer_distance = Mm(10), Mm(10)
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(body_pt)
    r_pr = normal.element.get_or_add_rPr()
    fonts = X._child(r_pr, "w:rFonts")
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)
    pf = normal.paragraph_format
    pf.space_before = Pt(0)
    pf.space_after = Pt(0)
    pf.line_spacing = 1.0


def cell_text(cell, text: str, size: float, bold: bool = False, italic: bool = False,
              align=WD_ALIGN_PARAGRAPH.CENTER, new_paragraph: bool = False):
    p = cell.add_paragraph() if new_paragraph else cell.paragraphs[0]
    p.alignment = align
    X.paragraph_spacing(p, 0, 0, 1.0)
    if text:
        # NFC only: textnorm.nfc would also collapse the blank left for the number in "Số:"
        X.set_run_font(p.add_run(unicodedata.normalize("NFC", text)), FONT, size, bold, italic)
    return p


def _rule_cell(cell, indent_mm: float) -> None:
    p = cell.paragraphs[0]
    X.paragraph_spacing(p, 0, 0, None)
    p.paragraph_format.line_spacing = Pt(2)
    p.paragraph_format.left_indent = Mm(indent_mm)
    p.paragraph_format.right_indent = Mm(indent_mm)
    X.paragraph_bottom_rule(p, 0.75)


def motto_width_mm(size_pt: float = 13.0) -> float:
    """Printed width of the motto in bold Times (its metric twin Liberation Serif)."""
    from PIL import ImageFont

    for path in ("/usr/share/fonts/truetype/liberation2/LiberationSerif-Bold.ttf",
                 "/usr/share/fonts/truetype/liberation/LiberationSerif-Bold.ttf"):
        try:
            face = ImageFont.truetype(path, 1000)
        except OSError:
            continue
        return face.getlength(MOTTO) / 1000 * size_pt / 72 * 25.4
    return 56.1  # measured with Liberation Serif Bold at 13 pt


def agency_header(doc: DocumentType, settings: Settings, content_width_mm: float,
                  number: str | None = None, date_text: str | None = None,
                  left_width_mm: float = HEADER_LEFT_MM, agency_rule_indent_mm: float = 22.0,
                  motto_rule_indent_mm: float | None = None, motto: bool = True) -> Table:
    """Two-column header of Nghị định 30/2020, Phụ lục I.

    Left: governing body (not bold), agency (bold) with a short rule, then "Số: …".
    Right: national name (bold capitals), motto (bold) with a rule as long as the motto
    (the decree's rule), then place and date (italic). Without number and date only the first
    three rows are drawn (the survey form). motto=False leaves the right column empty but
    keeps every row's height, so nothing below the header moves.
    """
    rows_n = 4 if (number or date_text) else 3
    table = doc.add_table(rows_n, 2)
    X.fixed_table(table, [left_width_mm, content_width_mm - left_width_mm])
    rows = table.rows
    cell_text(rows[0].cells[0], settings.province, 12.5)
    cell_text(rows[1].cells[0], settings.agency_name, 12.5, bold=True)
    _rule_cell(rows[2].cells[0], agency_rule_indent_mm)
    if motto:
        cell_text(rows[0].cells[1], NATIONAL, 12.5, bold=True)
        cell_text(rows[1].cells[1], MOTTO, 13, bold=True)
        if motto_rule_indent_mm is None:
            right_w = content_width_mm - left_width_mm
            motto_rule_indent_mm = max(0.0, (right_w - motto_width_mm(13)) / 2)
        _rule_cell(rows[2].cells[1], motto_rule_indent_mm)
    else:
        # an empty 13 pt line keeps row 2 as tall as with the motto (the survey's boxes and
        # zones below must not move: their layout is printed in every QR code)
        p = cell_text(rows[1].cells[1], "", 13, bold=True)
        X.set_run_font(p.add_run(" "), FONT, 13, bold=True)
        rule = rows[2].cells[1].paragraphs[0]
        X.paragraph_spacing(rule, 0, 0, None)
        rule.paragraph_format.line_spacing = Pt(2)
    if rows_n == 4:
        p = cell_text(rows[3].cells[0], number or "", 13)
        p.paragraph_format.space_before = Pt(6)
        p = cell_text(rows[3].cells[1], date_text or "", 13, italic=True)
        p.paragraph_format.space_before = Pt(6)
    return table


def title_block(doc: DocumentType, title: str, subject_lines: Sequence[str],
                size: float = 14.0) -> None:
    """"BÁO CÁO" / "BIÊN BẢN" in bold capitals, the subject in bold below, a short rule."""
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    X.paragraph_spacing(p, 18, 0, 1.0)
    X.set_run_font(p.add_run(nfc(title)), FONT, size, bold=True)
    for line in subject_lines:
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        X.paragraph_spacing(p, 0, 0, 1.0)
        X.set_run_font(p.add_run(nfc(line)), FONT, size, bold=True)
    rule = doc.add_paragraph()
    X.paragraph_spacing(rule, 0, 12, None)
    rule.paragraph_format.line_spacing = Pt(7)  # tall enough that the rule clears the text
    indent = (CONTENT_W - 40.0) / 2  # a 40 mm rule under the subject
    rule.paragraph_format.left_indent = Mm(indent)
    rule.paragraph_format.right_indent = Mm(indent)
    X.paragraph_bottom_rule(rule, 0.75)


def page_numbers(doc: DocumentType, size_pt: float = 13.0, draft_note: str | None = None
                 ) -> None:
    """Page numbers centred in the top margin, none on page 1 (a different first-page
    header). With draft_note, every page, the first included, carries it in red bold above."""
    section = doc.sections[0]
    section.different_first_page_header_footer = True
    header = section.header
    header.is_linked_to_previous = False
    first = section.first_page_header
    first.is_linked_to_previous = False
    X.paragraph_spacing(first.paragraphs[0], 0, 0, 1.0)
    if draft_note:
        _draft_line(first.paragraphs[0], draft_note)
        _draft_line(header.paragraphs[0], draft_note)
        p = header.add_paragraph()
    else:
        p = header.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    X.paragraph_spacing(p, 0, 0, 1.0)
    X.page_number(p, FONT, size_pt, page=2)


def _draft_line(p, note: str) -> None:
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    X.paragraph_spacing(p, 0, 0, 1.0)
    run = p.add_run(nfc(note))
    X.set_run_font(run, FONT, 12, bold=True)
    run.font.color.rgb = RGBColor(0xC0, 0x00, 0x00)


def body(doc: DocumentType, text: str = "", size: float = 14.0, bold: bool = False,
         italic: bool = False, indent_mm: float = 10.0, before: float = 0.0,
         after: float = 6.0, line: float = 1.15, align=WD_ALIGN_PARAGRAPH.JUSTIFY,
         keep_next: bool = False):
    """A body paragraph: justified, first-line indent 1 cm, 6 pt after (the decree's
    ranges: indent 1–1.27 cm, ≥ 6 pt between paragraphs, line spacing single to 1.5)."""
    p = doc.add_paragraph()
    p.alignment = align
    X.paragraph_spacing(p, before, after, line)
    if indent_mm:
        p.paragraph_format.first_line_indent = Mm(indent_mm)
    if text:
        X.set_run_font(p.add_run(nfc(text)), FONT, size, bold, italic)
    if keep_next:
        X.keep_with_next(p)
    return p


def heading(doc: DocumentType, text: str, level: int = 1, size: float = 14.0):
    """"I. KẾT QUẢ" (level 1, bold capitals) or "1. Kết quả thu phiếu" (level 2, bold)."""
    shown = text.upper() if level == 1 else text
    p = body(doc, shown, size=size, bold=True, before=6 if level == 1 else 3, after=6,
             keep_next=True)
    return p


def signature_block(doc: DocumentType, settings: Settings, recipients: Sequence[str],
                    content_width_mm: float = CONTENT_W, signer_title: str | None = None,
                    signer_subtitle: str | None = None, signer_name: str | None = None,
                    left_width_mm: float = 80.0) -> Table:
    """Left: "Nơi nhận:" (12 pt bold italic) and the recipients (11 pt, "- …;", the last
    one "- Lưu: …."). Right: "KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC" in bold capitals, room for the
    signature and seal, the signer's name in bold."""
    table = doc.add_table(1, 2)
    X.fixed_table(table, [left_width_mm, content_width_mm - left_width_mm])
    X.no_split_rows(table)
    left, right = table.rows[0].cells
    cell_text(left, "Nơi nhận:", 12, bold=True, italic=True, align=WD_ALIGN_PARAGRAPH.LEFT)
    items = list(recipients)
    for i, r in enumerate(items):
        text = r.strip().rstrip(";.")
        text = ("- " + text.lstrip("- ")) + ("." if i == len(items) - 1 else ";")
        cell_text(left, text, 11, align=WD_ALIGN_PARAGRAPH.LEFT, new_paragraph=True)
    title = signer_title if signer_title is not None else settings.signer_title
    subtitle = signer_subtitle if signer_subtitle is not None else settings.signer_subtitle
    name = signer_name if signer_name is not None else settings.signer_name
    first = True
    for line in (title, subtitle):
        if line:
            cell_text(right, line.upper(), 13, bold=True, new_paragraph=not first)
            first = False
    for _ in range(4):  # room for the signature and the seal
        cell_text(right, "", 13, new_paragraph=True)
    # no name configured: a line to write it on (a signature block never ends unnamed)
    cell_text(right, name or "\u2026" * 14, 13, bold=True, new_paragraph=True)
    return table


def data_table(doc: DocumentType, header: Sequence[str], rows: Sequence[Sequence[str]],
               widths_mm: Sequence[float], size: float = 12.0,
               align: Sequence[str] | None = None, bold_last_row: bool = False,
               keep_together: bool | None = None) -> Table:
    """A bordered table with a bold, repeated header row; align per column: l, c or r."""
    table = doc.add_table(1 + len(rows), len(header))
    X.fixed_table(table, list(widths_mm))
    if keep_together is None:
        keep_together = len(rows) <= 15
    aligns = {"l": WD_ALIGN_PARAGRAPH.LEFT, "c": WD_ALIGN_PARAGRAPH.CENTER,
              "r": WD_ALIGN_PARAGRAPH.RIGHT}
    col_align = list(align or ["l"] + ["c"] * (len(header) - 1))
    line = ("single", 0.5, "000000")
    for r, values in enumerate([list(header), *[list(v) for v in rows]]):
        for c, value in enumerate(values):
            cell = table.rows[r].cells[c]
            X.set_cell_borders(cell, {s: line for s in X.SIDES})
            X.set_cell_margins(cell, 1.0)
            X.set_cell_valign(cell, "center")
            is_head = r == 0
            bold = is_head or (bold_last_row and r == len(rows))
            a = WD_ALIGN_PARAGRAPH.CENTER if is_head else aligns[col_align[c]]
            p = cell_text(cell, str(value), size, bold=bold, align=a)
            X.paragraph_spacing(p, 1, 1, 1.0)
            # keep-with-next on every row but the last holds a short table on one page
            # (Word and LibreOffice both honour it); long tables may split, header repeated
            if keep_together and r < len(rows):
                X.keep_with_next(p)
    X.repeat_header(table, 0)
    X.no_split_rows(table)
    return table
