"""Small OOXML helpers python-docx lacks: borders, cell margins, exact row heights, fonts.
Written so that both Word and LibreOffice honour them (LibreOffice ignores cell widths
unless the table grid widths are set and autofit is off)."""

from __future__ import annotations

from docx.enum.table import WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

SIDES = ("top", "left", "bottom", "right")


def _child(parent, tag: str):
    el = parent.find(qn(tag))
    if el is None:
        el = OxmlElement(tag)
        parent.append(el)
    return el


def set_cell_borders(cell: _Cell, sides: dict[str, tuple[str, float, str]]) -> None:
    """sides: side → (style, width in pt, hex colour); style 'nil' removes the border."""
    tc_pr = cell._tc.get_or_add_tcPr()
    borders = tc_pr.find(qn("w:tcBorders"))
    if borders is None:
        borders = OxmlElement("w:tcBorders")
        tc_pr.append(borders)
    for side in SIDES:
        if side not in sides:
            continue
        style, width_pt, color = sides[side]
        el = _child(borders, f"w:{side}")
        el.set(qn("w:val"), style)
        el.set(qn("w:sz"), str(int(round(width_pt * 8))))
        el.set(qn("w:space"), "0")
        el.set(qn("w:color"), color)


def box_borders(width_pt: float) -> dict[str, tuple[str, float, str]]:
    return {s: ("single", width_pt, "000000") for s in SIDES}


def set_cell_margins(cell: _Cell, mm: float = 0.0) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    mar = _child(tc_pr, "w:tcMar")
    for side in ("top", "left", "bottom", "right", "start", "end"):
        el = _child(mar, f"w:{side}")
        el.set(qn("w:w"), str(int(Mm(mm).twips)))
        el.set(qn("w:type"), "dxa")


def set_cell_valign(cell: _Cell, where: str = "center") -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    _child(tc_pr, "w:vAlign").set(qn("w:val"), where)


def set_cell_shading(cell: _Cell, fill_hex: str) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    shd = _child(tc_pr, "w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill_hex)


def fixed_table(table: Table, widths_mm: list[float], indent_mm: float = 0.0) -> None:
    """Fixed layout with exact column widths, no table borders, no cell padding by default."""
    table.autofit = False
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    tbl_pr = table._tbl.tblPr
    _child(tbl_pr, "w:tblLayout").set(qn("w:type"), "fixed")
    tbl_w = _child(tbl_pr, "w:tblW")
    tbl_w.set(qn("w:w"), str(int(Mm(sum(widths_mm)).twips)))
    tbl_w.set(qn("w:type"), "dxa")
    ind = _child(tbl_pr, "w:tblInd")
    ind.set(qn("w:w"), str(int(Mm(indent_mm).twips)))
    ind.set(qn("w:type"), "dxa")
    borders = _child(tbl_pr, "w:tblBorders")
    for side in (*SIDES, "insideH", "insideV"):
        el = _child(borders, f"w:{side}")
        el.set(qn("w:val"), "nil")
    cell_mar = _child(tbl_pr, "w:tblCellMar")
    for side in ("left", "right", "top", "bottom"):
        el = _child(cell_mar, f"w:{side}")
        el.set(qn("w:w"), "0")
        el.set(qn("w:type"), "dxa")
    for i, w in enumerate(widths_mm):
        table.columns[i].width = Mm(w)
        for cell in table.columns[i].cells:
            cell.width = Mm(w)


def exact_row_height(table: Table, row_index: int, mm: float) -> None:
    row = table.rows[row_index]
    row.height = Mm(mm)
    row.height_rule = WD_ROW_HEIGHT_RULE.EXACTLY


def no_split_rows(table: Table) -> None:
    for row in table.rows:
        tr_pr = row._tr.get_or_add_trPr()
        _child(tr_pr, "w:cantSplit").set(qn("w:val"), "true")


def repeat_header(table: Table, row_index: int = 0) -> None:
    tr_pr = table.rows[row_index]._tr.get_or_add_trPr()
    _child(tr_pr, "w:tblHeader").set(qn("w:val"), "true")


def paragraph_bottom_rule(paragraph: Paragraph, width_pt: float = 0.75,
                          color: str = "000000") -> None:
    p_pr = paragraph._p.get_or_add_pPr()
    bdr = _child(p_pr, "w:pBdr")
    bottom = _child(bdr, "w:bottom")
    bottom.set(qn("w:val"), "single")
    bottom.set(qn("w:sz"), str(int(round(width_pt * 8))))
    bottom.set(qn("w:space"), "1")
    bottom.set(qn("w:color"), color)


def set_run_font(run, name: str = "Times New Roman", size_pt: float | None = None,
                 bold: bool | None = None, italic: bool | None = None) -> None:
    run.font.name = name
    r_pr = run._r.get_or_add_rPr()
    fonts = _child(r_pr, "w:rFonts")
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), name)
    if size_pt is not None:
        run.font.size = Pt(size_pt)
    if bold is not None:
        run.bold = bold
    if italic is not None:
        run.italic = italic


def paragraph_spacing(paragraph: Paragraph, before_pt: float = 0, after_pt: float = 0,
                      line: float | None = 1.0) -> None:
    fmt = paragraph.paragraph_format
    fmt.space_before = Pt(before_pt)
    fmt.space_after = Pt(after_pt)
    if line is not None:
        fmt.line_spacing = line


def keep_with_next(paragraph: Paragraph) -> None:
    paragraph.paragraph_format.keep_with_next = True


def add_field(paragraph: Paragraph, instruction: str, shown: str, font: str,
              size_pt: float | None = None, bold: bool | None = None,
              italic: bool | None = None) -> None:
    """A Word field (PAGE, NUMPAGES, …): fldChar begin / instrText / separate / the last
    computed result / end. Word and LibreOffice recompute it when they lay out the
    page, so the number stays right when rows are added."""
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    sep = OxmlElement("w:fldChar")
    sep.set(qn("w:fldCharType"), "separate")
    text = OxmlElement("w:t")
    text.text = shown
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    # one run per piece, each with the font: LibreOffice formats the result from its own run
    for el in (begin, instr, sep, text, end):
        run = paragraph.add_run()
        set_run_font(run, font, size_pt, bold, italic)
        run._r.append(el)


def page_number(paragraph: Paragraph, font: str, size_pt: float | None = None,
                italic: bool | None = None, prefix: str = "", of_total: bool = False,
                page: int = 1, pages: int = 1) -> None:
    """The one page-numbering mechanism of every DOCX formkit writes: "prefix" then a PAGE
    field, and with of_total "/" and a NUMPAGES field ("Trang 2/3"). `page`/`pages` are only
    the result shown before the reader recomputes the fields."""
    if prefix:
        set_run_font(paragraph.add_run(prefix), font, size_pt, italic=italic)
    add_field(paragraph, "PAGE", str(page), font, size_pt, italic=italic)
    if of_total:
        set_run_font(paragraph.add_run("/"), font, size_pt, italic=italic)
        add_field(paragraph, "NUMPAGES", str(pages), font, size_pt, italic=italic)


def set_document_properties(doc, author: str) -> None:
    """Core and app properties of a DOCX formkit writes: author and last editor the agency,
    created and modified now (UTC), the application formkit. python-docx's template would
    otherwise say 2013 and "Microsoft Macintosh Word"."""
    import re
    from datetime import UTC, datetime

    props = doc.core_properties
    props.author = props.last_modified_by = author
    props.created = props.modified = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    props.revision = 1
    for part in doc.part.package.parts:
        if str(part.partname) == "/docProps/app.xml":
            part._blob = re.sub(rb"<Application>.*?</Application>",
                                b"<Application>formkit</Application>", part.blob)
            part._blob = re.sub(rb"<Template>.*?</Template>", b"<Template></Template>",
                                part._blob)
