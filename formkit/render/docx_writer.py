"""Write a form (survey or register) as DOCX with python-docx.

Every printed page is its own section, so that each page's footer can carry its own QR
code (form, layout version, year, unit, copy serial, page). Tick boxes are table cells with
four drawn borders: a square a pen can hit, which Word users can also tick by typing an X
or shading the cell, and which the layout extractor finds exactly in the PDF.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt

from formkit.config import Settings, Unit, issue_control
from formkit.identity import PageIdentity
from formkit.render import docx_xml as X
from formkit.render import official
from formkit.render.images import mark_png, qr_png
from formkit.render.stamp import SERIAL_PLACEHOLDER
from formkit.spec import geometry as G
from formkit.spec.model import Element, FormSpec

FONT = "Times New Roman"
#: marker written into the DOCX core properties so a returned DOCX can be recognised
DOCX_MARKER = "formkit"


@dataclass(frozen=True)
class PrintJob:
    spec: FormSpec
    settings: Settings
    year: int
    unit: Unit | None
    serials: tuple[int, ...]  # one copy per serial; (0,) = one unnumbered copy
    layout_version: str
    register_pages: int = 1


def substitutions(settings: Settings, year: int) -> dict[str, str]:
    return {
        "co_quan": settings.agency_short_name,
        "co_quan_hoa": settings.agency_name,
        "nam": str(year),
    }


def fill(text: str, subs: dict[str, str]) -> str:
    for key, value in subs.items():
        text = text.replace("{" + key + "}", value)
    return text


class _Writer:
    def __init__(self, job: PrintJob):
        self.job = job
        self.spec = job.spec
        self.subs = substitutions(job.settings, job.year)
        self.doc = Document()
        self.geom = G.LANDSCAPE if self.spec.orientation == "landscape" else G.PORTRAIT
        self._first_section = True
        self._setup_styles()
        props = self.doc.core_properties
        props.title = f"{job.settings.form_code(self.spec.code)} {self.spec.title} {job.year}"
        props.subject = f"{DOCX_MARKER}:{self.spec.code}:{job.layout_version}:{job.year}"
        props.keywords = DOCX_MARKER
        X.set_document_properties(self.doc, job.settings.agency_short_name)
        props.comments = ""

    # ---- document plumbing -------------------------------------------------------------
    def _setup_styles(self) -> None:
        normal = self.doc.styles["Normal"]
        normal.font.name = FONT
        normal.font.size = Pt(G.BODY_PT)
        r_pr = normal.element.get_or_add_rPr()
        fonts = X._child(r_pr, "w:rFonts")
        for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
            fonts.set(X.qn(attr), FONT)
        pf = normal.paragraph_format
        pf.space_before = Pt(0)
        pf.space_after = Pt(0)
        pf.line_spacing = 1.0

    def _new_page_section(self, identity: PageIdentity):
        if self._first_section:
            section = self.doc.sections[0]
            self._first_section = False
        else:
            section = self.doc.add_section(WD_SECTION.NEW_PAGE)
        g = self.geom
        section.orientation = (WD_ORIENT.LANDSCAPE if self.spec.orientation == "landscape"
                               else WD_ORIENT.PORTRAIT)
        section.page_width, section.page_height = Mm(g.width), Mm(g.height)
        section.top_margin, section.bottom_margin = Mm(g.top), Mm(g.bottom)
        section.left_margin, section.right_margin = Mm(g.left), Mm(g.right)
        section.header_distance, section.footer_distance = (Mm(g.header_distance),
                                                            Mm(g.footer_distance))
        self._header(section, identity)
        self._footer(section, identity)
        return section

    def _tiny_paragraph(self, container) -> None:
        """Headers must end with a paragraph; keep it 1 pt high so it adds no height."""
        p = container.paragraphs[0]
        run = p.add_run("")
        X.set_run_font(run, FONT, 1)
        p.paragraph_format.line_spacing = Pt(1)
        X.paragraph_spacing(p, 0, 0, None)
        return p

    def _picture(self, cell, png: bytes, size_mm: float, align=WD_ALIGN_PARAGRAPH.LEFT) -> None:
        X.set_cell_margins(cell, 0)
        p = cell.paragraphs[0]
        p.alignment = align
        X.paragraph_spacing(p, 0, 0, None)
        p.paragraph_format.line_spacing = 1.0
        p.add_run().add_picture(io.BytesIO(png), width=Mm(size_mm), height=Mm(size_mm))

    def _cell_text(self, cell, text: str, size: float = G.BODY_PT, bold: bool = False,
                   italic: bool = False, align=WD_ALIGN_PARAGRAPH.LEFT):
        p = cell.paragraphs[0]
        p.alignment = align
        X.paragraph_spacing(p, 0, 0, 1.0)
        X.set_run_font(p.add_run(text), FONT, size, bold, italic)
        return p

    def _header(self, section, ident: PageIdentity) -> None:
        header = section.header
        header.is_linked_to_previous = False
        cw = self.geom.content_width
        table = header.add_table(1, 3, Mm(cw))
        X.fixed_table(table, [G.MARK_CELL_MM, cw - 2 * G.MARK_CELL_MM, G.MARK_CELL_MM])
        X.exact_row_height(table, 0, G.MARK_MM)
        left, mid, right = table.rows[0].cells
        self._picture(left, mark_png(), G.MARK_MM)
        self._picture(right, mark_png(), G.MARK_MM, WD_ALIGN_PARAGRAPH.RIGHT)
        s = self.job.settings
        ctl = issue_control(s, self.spec.code)
        self._cell_text(mid, ctl, G.SMALL_PT, align=WD_ALIGN_PARAGRAPH.CENTER)
        X.set_cell_valign(mid, "center")
        # move the mandatory paragraph below the table
        p = self._tiny_paragraph(header)
        header._element.remove(p._p)
        header._element.append(p._p)

    def _footer(self, section, ident: PageIdentity) -> None:
        footer = section.footer
        footer.is_linked_to_previous = False
        cw = self.geom.content_width
        # LibreOffice offsets a cell's content by ~3 mm whatever the margins: picture cells
        # are wider than their picture so nothing is clipped
        qr_cell = G.QR_MM + 4.5
        text_w = cw - 2 * G.MARK_CELL_MM - qr_cell - 2
        table = footer.add_table(1, 5, Mm(cw))
        X.fixed_table(table, [G.MARK_CELL_MM, text_w, qr_cell, 2, G.MARK_CELL_MM])
        X.exact_row_height(table, 0, G.QR_MM)
        mark_l, text, qr, _gap, mark_r = table.rows[0].cells
        for c in (mark_l, mark_r):
            X.set_cell_valign(c, "bottom")
        self._picture(mark_l, mark_png(), G.MARK_MM)
        self._picture(mark_r, mark_png(), G.MARK_MM, WD_ALIGN_PARAGRAPH.RIGHT)
        self._picture(qr, qr_png(ident.encode()), G.QR_MM)
        X.set_cell_valign(text, "center")
        unit = self.job.unit
        p = self._cell_text(text, "", G.SMALL_PT, italic=True, align=WD_ALIGN_PARAGRAPH.CENTER)
        gap = "    "
        if self.spec.kind == "survey":
            X.set_run_font(p.add_run("Phiếu số: "), FONT, G.SMALL_PT, italic=True)
            # the serial (or the dots it replaces) is a run of its own, upright: the PDF
            # then holds it as a text object of its own that stamping can swap for the number
            serial = f"{ident.serial:06d}" if ident.serial else SERIAL_PLACEHOLDER
            X.set_run_font(p.add_run(serial), FONT, G.SMALL_PT, italic=False)
            X.set_run_font(p.add_run(gap), FONT, G.SMALL_PT, italic=True)
        if unit:
            X.set_run_font(p.add_run(unit.name + gap), FONT, G.SMALL_PT, italic=True)
        X.page_number(p, FONT, G.SMALL_PT, italic=True, prefix="Trang ", of_total=True,
                      page=ident.page, pages=ident.pages)
        p = self._tiny_paragraph(footer)
        footer._element.remove(p._p)
        footer._element.append(p._p)

    # ---- body blocks ---------------------------------------------------------------------
    def para(self, text: str = "", bold=False, italic=False, size: float = G.BODY_PT,
             align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent_mm: float = 0.0, before: float = 0,
             after: float = 3):
        p = self.doc.add_paragraph()
        p.alignment = align
        X.paragraph_spacing(p, before, after, 1.0)
        if indent_mm:
            p.paragraph_format.first_line_indent = Mm(indent_mm)
        if text:
            X.set_run_font(p.add_run(text), FONT, size, bold, italic)
        return p

    def agency_header(self) -> None:
        """Two-column header of Nghị định 30/2020, Phụ lục I (shared with the report)."""
        official.agency_header(self.doc, self.job.settings, self.geom.content_width,
                               motto=self.job.settings.form_motto)
        self.para("", after=4)

    def title(self, lines: tuple[str, ...]) -> None:
        for i, line in enumerate(lines):
            self.para(fill(line, self.subs), bold=True, size=14 if i == 0 else 13,
                      align=WD_ALIGN_PARAGRAPH.CENTER, after=0)
        self.para("", after=1, size=4)

    def _box_cell(self, cell) -> None:
        X.set_cell_borders(cell, X.box_borders(G.BOX_BORDER_PT))
        X.set_cell_margins(cell, 0)
        X.set_cell_valign(cell, "center")
        p = cell.paragraphs[0]
        X.paragraph_spacing(p, 0, 0, 1.0)

    def _label_cell(self, cell, text: str, align=WD_ALIGN_PARAGRAPH.LEFT, pad_mm=1.5,
                    bold=False) -> None:
        X.set_cell_valign(cell, "center")
        p = self._cell_text(cell, text, G.BODY_PT, bold=bold, align=align)
        if align == WD_ALIGN_PARAGRAPH.RIGHT:
            p.paragraph_format.right_indent = Mm(pad_mm)

    def _box_table(self, rows: list[list[tuple[str, str, float]]], indent_mm: float = 0.0):
        """A table of label cells and box cells. Each row: (kind, text, width) with kind
        'label', 'rlabel' (right-aligned, next to its box), 'box' or 'gap'. Box rows are
        separated by thin spacer rows so that strokes cannot run from one box into another."""
        widths = [w for _, _, w in rows[0]]
        n = len(rows)
        table = self.doc.add_table(2 * n - 1, len(widths))
        X.fixed_table(table, widths, indent_mm)
        for r, row in enumerate(rows):
            ri = 2 * r
            X.exact_row_height(table, ri, G.BOX_MM)
            for c, (kind, text, _w) in enumerate(row):
                cell = table.rows[ri].cells[c]
                if kind == "box":
                    self._box_cell(cell)
                elif kind == "label":
                    self._label_cell(cell, text)
                elif kind == "rlabel":
                    self._label_cell(cell, text, WD_ALIGN_PARAGRAPH.RIGHT)
            if r < n - 1:
                X.exact_row_height(table, ri + 1, G.BOX_GAP_ROW_MM)
        X.no_split_rows(table)
        return table

    @staticmethod
    def _label_mm(text: str) -> float:
        """Rough printed width of a label at the body size (Times, 13 pt)."""
        return 2.1 * len(text) + 2.0

    def _option_row(self, options, available_mm: float, min_label_mm: float):
        """Label, box, gap for each option, spread over the available width."""
        est = [max(min_label_mm, self._label_mm(o.label)) for o in options]
        per_box = G.BOX_MM + 2.0
        spare = available_mm - sum(est) - per_box * len(options)
        if spare < 0:
            raise ValueError("options do not fit on one line")
        extra = spare / len(options)
        row = []
        for o, w in zip(options, est, strict=True):
            row += [("rlabel", o.label, w + extra), ("box", "", G.BOX_MM), ("gap", "", 2.0)]
        return row

    def grid(self, el: Element) -> None:
        indent = 4.0
        cw = self.geom.content_width - indent
        fields = [self.spec.fields[fid] for fid in el.field_ids]
        label_w = 52.0
        rows = []
        for f in fields:
            rows.append([("label", f.label, label_w),
                         *self._option_row(f.options, cw - label_w, 12.0)])
        self._box_table(rows, indent_mm=indent)
        self.para("", after=1, size=4)

    def choice(self, el: Element) -> None:
        f = self.spec.fields[el.field_ids[0]]
        indent = 8.0
        cw = self.geom.content_width - indent
        if len(f.options) <= 2:  # "Có □   Không □": compact, as on the procedure's form
            cw = min(cw, 30.0 * len(f.options))
        self._box_table([self._option_row(f.options, cw, 8.0)], indent_mm=indent)
        self.para("", after=1, size=4)

    def checkbox(self, el: Element) -> None:
        label_w = 100.0
        self._box_table([[("label", el.text, label_w), ("box", "", G.BOX_MM)]], indent_mm=8.0)
        self.para("", after=1, size=4)

    def text_zone(self, el: Element) -> None:
        f = self.spec.fields[el.field_ids[0]]
        cw = self.geom.content_width
        guide = "{:02X}{:02X}{:02X}".format(*G.GUIDE_RGB)
        prompt_w = 3.0 * len(el.text) + 4 if el.text else 0.0
        cols = [prompt_w, cw - prompt_w] if el.text else [cw]
        table = self.doc.add_table(f.lines, len(cols))
        X.fixed_table(table, cols)
        for r in range(f.lines):
            X.exact_row_height(table, r, G.TEXT_LINE_MM)
            cells = table.rows[r].cells
            if el.text and r == 0:
                self._label_cell(cells[0], el.text)
                X.set_cell_valign(cells[0], "bottom")
                X.set_cell_borders(cells[1], {"bottom": ("single", 0.5, guide)})
            elif el.text:
                merged = cells[0].merge(cells[1])
                X.set_cell_borders(merged, {"bottom": ("single", 0.5, guide)})
            else:
                X.set_cell_borders(cells[0], {"bottom": ("single", 0.5, guide)})
        X.no_split_rows(table)
        self.para("", after=2, size=4)

    # ---- whole forms -------------------------------------------------------------------
    def survey(self) -> None:
        pages = self.spec.page_count
        for serial in self.job.serials:
            page = 1
            self._new_page_section(self._identity(serial, page, pages))
            self.agency_header()
            for el in self.spec.elements:
                if el.type == "page_break":
                    page += 1
                    self._new_page_section(self._identity(serial, page, pages))
                elif el.type == "title":
                    self.title(el.lines)
                elif el.type == "paragraph":
                    self.para(fill(el.text, self.subs), italic=el.style == "italic",
                              indent_mm=10.0)
                elif el.type == "heading":
                    self.para(fill(el.text, self.subs), bold=True, before=3)
                elif el.type == "question":
                    self.para(fill(el.text, self.subs), bold=True, before=2)
                elif el.type == "text":
                    self.text_zone(el)
                elif el.type == "checkbox":
                    self.checkbox(el)
                elif el.type == "grid":
                    self.grid(el)
                elif el.type == "choice":
                    self.choice(el)
                elif el.type == "closing":
                    self.para(fill(el.text, self.subs), bold=True,
                              align=WD_ALIGN_PARAGRAPH.CENTER, before=2, after=0)

    def register(self) -> None:
        pages = self.job.register_pages
        widths = [c.width_mm for c in self.spec.columns]
        for page in range(1, pages + 1):
            self._new_page_section(self._identity(0, page, pages))
            body_h = self.geom.height - self.geom.top - self.geom.bottom
            if page == 1:
                self.para(self.job.settings.agency_name, bold=True, size=12,
                          align=WD_ALIGN_PARAGRAPH.LEFT, after=0)
                self.para(self.spec.title, bold=True, size=14, align=WD_ALIGN_PARAGRAPH.CENTER,
                          after=2)
                self.para(fill(self.spec.year_line, self.subs), bold=True,
                          align=WD_ALIGN_PARAGRAPH.CENTER, after=2)
                # each phòng keeps its own book: the keeper is named (or left to fill in)
                keeper = self.job.unit.name if self.job.unit else "\u2026" * 40
                self.para(f"Phòng, đơn vị giữ sổ: {keeper}", size=13,
                          align=WD_ALIGN_PARAGRAPH.CENTER, after=6)
                body_h -= 33.0
            header_h = 11.0
            # a safety margin of one row keeps LibreOffice and Word from spilling a page
            n_rows = max(1, int((body_h - header_h - 6.0) // self.spec.row_height_mm))
            table = self.doc.add_table(1 + n_rows, len(widths))
            X.fixed_table(table, widths)
            X.exact_row_height(table, 0, header_h)
            X.repeat_header(table, 0)
            line = ("single", 0.75, "000000")
            for r in range(1 + n_rows):
                if r:
                    X.exact_row_height(table, r, self.spec.row_height_mm)
                for c, col in enumerate(self.spec.columns):
                    cell = table.rows[r].cells[c]
                    X.set_cell_borders(cell, {s: line for s in X.SIDES})
                    X.set_cell_margins(cell, 1.0)
                    if r == 0:
                        X.set_cell_valign(cell, "center")
                        self._cell_text(cell, col.label, 12, bold=True,
                                        align=WD_ALIGN_PARAGRAPH.CENTER)
            X.no_split_rows(table)

    def _identity(self, serial: int, page: int, pages: int) -> PageIdentity:
        return PageIdentity(self.spec.code, self.job.layout_version, self.job.year,
                            self.job.unit.code if self.job.unit else "", serial, page, pages)

    def build(self) -> Document:
        if self.spec.kind == "survey":
            self.survey()
        else:
            self.register()
            # LibreOffice shows the previous section's footer (its QR and page number) on
            # the last page when the document ends with a table: end with a 1 pt paragraph
            end = self.doc.add_paragraph()
            end.paragraph_format.line_spacing = Pt(1)
            X.paragraph_spacing(end, 0, 0, None)
        return self.doc


def write_docx(job: PrintJob, out: Path) -> Path:
    """Write the DOCX atomically (a temporary name, then renamed)."""
    doc = _Writer(job).build()
    tmp = out.with_name(out.name + ".part")
    doc.save(str(tmp))
    tmp.replace(out)
    return out
