"""Digitally filled forms: a formkit DOCX filled in Word or LibreOffice, or a PDF printed or
exported from one. No OCR: the answers are in the file.

DOCX. The writer lays every printed page out as its own section; a tick box is a table cell
with four drawn borders, a free-text zone is a table whose cells have grey bottom borders
(the first row of an "Ý kiến khác:" zone has the prompt in a left cell). A box counts as
ticked when its cell holds ☒ ☑ ✓ ✔ ✗ ✘ × X or x (or a Wingdings tick symbol), or when the
cell is shaded; a box with other text is uncertain (a person decides). Boxes map to fields
by document order against `spec.boxes`, copy by copy, and the counts must agree. Text
typed on a zone's lines is that field's value.

PDF. pdfplumber reads the text layer; a PDF without one is a scan and is left to the scan
reader (None). Pages are identified by their QR code (rendered with pypdfium2) or, failing
that, the document's subject and the footer text. Box states come from the characters and
the filled rectangles inside each box of the layout; text from the characters inside each
zone, without the printed prompt. The drawn squares and guide lines of the page are used
instead of the layout's positions when they can be matched one to one (a PDF from Word
may sit a little off LibreOffice's layout).

Identity: the core properties subject ("formkit:<form>:<layout version>:<year>"), the QR
code in each footer, and the footer text ("Phiếu số: 000017 … Trang 1/2"). A document that
is not a formkit form, or whose layout version is not known here, is refused with an
InputError that says why. Decisions (single, multiple, contradiction) are those of
formkit.scan.decide, the same as for scans. `received` is left None: the caller knows
when the file came in.

Size (over 500 lines): two formats (DOCX, PDF) each read in a few short steps that share
the box and zone matching; split by format, that matching would be imported back by both.
"""

from __future__ import annotations

import hashlib
import logging
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

from formkit import notes
from formkit.catalogue import Message, say
from formkit.config import Settings
from formkit.errors import FormkitError, InputError
from formkit.identity import PageIdentity
from formkit.scan.decide import decide_fields
from formkit.scan.locate import decode_qr
from formkit.scan.result import BoxEvidence, BoxState, FieldResult, PageSource, SheetResult, Status
from formkit.spec import geometry as G
from formkit.spec.layout import Layout, Rect, ZonePos
from formkit.spec.model import FieldKind, FormSpec
from formkit.textnorm import nfc

log = logging.getLogger("formkit.scan")

MARKER = "formkit"  # docx_writer.DOCX_MARKER; repeated so that reading needs no writer import
#: what a person types into a box to tick it
CHECK_MARKS = frozenset("xX☒☑✓✔✗✘×")
#: what an unticked box may hold (an empty ballot box from a content control)
EMPTY_MARKS = frozenset("☐□")
#: symbol-font ticks (w:sym) from Word's Insert Symbol: Wingdings and Wingdings 2 code points
SYM_CHECKED = {
    "wingdings": {"F0FB", "F0FC", "F0FD", "F0FE", "F078"},
    "wingdings 2": {"F050", "F051", "F052", "F053", "F054", "F0CF", "F0D0"},
}
SYM_EMPTY = {"wingdings": {"F0A8", "F06F", "F071"}, "wingdings 2": {"F0A3", "F02A"}}
PT_TO_MM = 25.4 / 72.0
_SERIAL = re.compile(r"Phiếu\s+số\s*:?\s*(\d{1,7})")
_PAGE = re.compile(r"Trang\s+(\d{1,3})\s*/\s*(\d{1,3})")


# ---- shared pieces ------------------------------------------------------------------------
@dataclass
class _Mark:
    """What one box holds, as found in the file."""

    state: BoxState
    evidence: Message | None = None  # the text or shading that decided it (no `boxes` yet)


def mark_from_text(text: str, shaded: bool = False) -> _Mark:
    """Box state from what a box holds: its text and whether it is shaded."""
    t = nfc(text).replace(" ", "")
    if shaded:
        return _Mark(BoxState.CHECKED, say("note.digital.shaded_text", text=t) if t
                     else say("note.digital.shaded"))
    if not t or all(c in EMPTY_MARKS for c in t):
        return _Mark(BoxState.EMPTY)
    if all(c in CHECK_MARKS for c in t):
        return _Mark(BoxState.CHECKED)
    return _Mark(BoxState.UNCERTAIN, say("note.digital.holds", text=t[:20]))


@dataclass
class _Copy:
    """One copy of the form as found in the file: its pages' identities and contents."""

    identities: list[PageIdentity]
    sources: list[PageSource]
    marks: list[tuple[int, _Mark]] = field(default_factory=list)  # (form page, mark)
    texts: list[tuple[int, str]] = field(default_factory=list)  # (form page, text)


def _decode_qr(gray: np.ndarray) -> str:
    """Text of the QR code in an image ('' if none could be read)."""
    if gray.ndim == 3:
        gray = cv2.cvtColor(gray, cv2.COLOR_BGR2GRAY)
    pad = max(16, gray.shape[0] // 8)  # the printed quiet zone is one module: widen it
    img = cv2.copyMakeBorder(gray, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=255)
    for candidate in (img, cv2.resize(img, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)):
        hit = decode_qr(candidate)
        if hit:
            return hit[0]
    return ""


def _spec_and_layout(settings: Settings, form: str, version: str, what: str
                     ) -> tuple[FormSpec, Layout]:
    from formkit.spec.layout import registry
    from formkit.spec.loader import load_form, template_path

    layout = registry(settings).get(version)
    if layout is None:
        raise InputError(say("error.digital.unknown_layout", what=what, version=version,
                             form=form), hint=say("hint.digital.copy_layout"))
    if layout.form != form:
        raise InputError(say("error.digital.layout_form", what=what, version=version,
                             layout_form=layout.form, form=form))
    spec = load_form(template_path(settings.templates_dir, form))
    if spec.kind != "survey":
        raise InputError(say("error.digital.not_survey", what=what, form=form, kind=spec.kind),
                         hint=say("hint.digital.register_import"))
    return spec, layout


def _text_fields(spec: FormSpec) -> list[tuple[str, str]]:
    """(field id, printed prompt) of every text zone, in print order."""
    return [(fid, el.text) for el in spec.elements if el.type == "text" for fid in el.field_ids]


def _sheet(spec: FormSpec, copy: _Copy, source: str, what: str) -> SheetResult:
    """Decide the fields of one copy and build its SheetResult."""
    boxes = spec.boxes
    zones = _text_fields(spec)
    if len(copy.marks) != len(boxes):
        raise InputError(say("error.digital.boxes_changed", what=what,
                             serial=copy.identities[0].serial or "(unnumbered)",
                             found=len(copy.marks), form=spec.code, expected=len(boxes)),
                         hint=say("hint.digital.fresh_copy_or_print"))
    if len(copy.texts) != len(zones):
        raise InputError(say("error.digital.zones_changed", what=what,
                             serial=copy.identities[0].serial or "(unnumbered)",
                             found=len(copy.texts), form=spec.code, expected=len(zones)),
                         hint=say("hint.digital.fresh_copy"))
    checked: dict[str, set[str]] = {}
    uncertain: dict[str, set[str]] = {}
    evidence: dict[str, list[BoxEvidence]] = {}
    marks: dict[str, list[Message]] = {}
    pages: dict[str, int] = {}
    for box, (page, mark) in zip(boxes, copy.marks, strict=True):
        if mark.state is BoxState.CHECKED:
            checked.setdefault(box.field_id, set()).add(box.value)
        elif mark.state is BoxState.UNCERTAIN:
            uncertain.setdefault(box.field_id, set()).add(box.value)
        on = 1.0 if mark.state is BoxState.CHECKED else 0.0
        evidence.setdefault(box.field_id, []).append(BoxEvidence(
            box.value, mark.state, on, on, 0.5 if mark.state is BoxState.UNCERTAIN else 1.0))
        if mark.evidence:
            marks.setdefault(box.field_id, []).append(
                Message(mark.evidence.code, {**mark.evidence.params, "boxes": box.value}))
        pages[box.field_id] = page
    decisions = decide_fields(spec, checked, uncertain)
    fields: dict[str, FieldResult] = {}
    for f in spec.fields.values():
        if f.kind is FieldKind.TEXT:
            continue
        d = decisions[f.id]
        note = notes.join(d.note, *marks.get(f.id, []))
        fields[f.id] = FieldResult(
            f.id, str(f.kind), d.value, d.status,
            0.5 if d.status is Status.UNCERTAIN else 1.0,
            boxes=evidence.get(f.id, []), page=pages.get(f.id, 0), source=source, note=note)
    for (fid, _prompt), (page, text) in zip(zones, copy.texts, strict=True):
        value = nfc(text)
        fields[fid] = FieldResult(fid, "text", value, Status.OK if value else Status.BLANK,
                                  1.0, page=page, source=source)
    # keep the template's field order, which every output follows
    ordered = {fid: fields[fid] for fid in spec.fields if fid in fields}
    first = copy.identities[0]
    return SheetResult(first.form, first.layout, first.year, first.unit, first.serial, None,
                       pages=copy.sources, fields=ordered, complete=True)


def _group_copies(pages: list[tuple[PageIdentity, PageSource]], spec: FormSpec, what: str
                  ) -> list[list[int]]:
    """Indices of the pages of each copy, in order. Each copy must be complete and in order:
    a DOCX or PDF always carries whole copies."""
    n = spec.page_count
    if len(pages) % n:
        raise InputError(say("error.digital.partial_copies", what=what, pages=len(pages),
                             form=spec.code, per_copy=n))
    groups = []
    for start in range(0, len(pages), n):
        idx = list(range(start, start + n))
        ids = [pages[i][0] for i in idx]
        if [p.page for p in ids] != list(range(1, n + 1)) or len(
                {p.copy_key for p in ids}) != 1:
            found = ", ".join(f"{p.serial}:{p.page}/{p.pages}" for p in ids)
            raise InputError(say("error.digital.copy_order", what=what, first=start + 1,
                                 last=start + n, per_copy=n, found=found),
                             hint=say("hint.digital.keep_footers"))
        groups.append(idx)
    return groups


def _identity_from_text(form: str, layout: str, year: int, text: str, settings: Settings
                        ) -> PageIdentity | None:
    """Page identity from the footer text and the document's subject (no QR readable)."""
    m_page = _PAGE.search(text)
    if not m_page:
        return None
    m_serial = _SERIAL.search(text)
    unit = ""
    for u in settings.units:
        if u.name and u.name in text:
            unit = u.code
            break
    try:
        return PageIdentity(form, layout, year, unit, int(m_serial[1]) if m_serial else 0,
                            int(m_page[1]), int(m_page[2]))
    except (TypeError, ValueError):
        return None


def _parse_subject(subject: str) -> tuple[str, str, int] | None:
    parts = (subject or "").strip().split(":")
    if len(parts) != 4 or parts[0] != MARKER:
        return None
    try:
        return parts[1], parts[2], int(parts[3])
    except ValueError:
        return None


# ---- DOCX -------------------------------------------------------------------------------
def _w(tag: str) -> str:
    from docx.oxml.ns import qn

    return qn(tag)


def _is_set(border) -> bool:
    return border is not None and border.get(_w("w:val")) not in (None, "nil", "none")


def _cell_borders(tc) -> dict[str, object]:
    tc_pr = tc.find(_w("w:tcPr"))
    borders = tc_pr.find(_w("w:tcBorders")) if tc_pr is not None else None
    if borders is None:
        return {}
    out = {}
    for side, names in (("top", ("w:top",)), ("bottom", ("w:bottom",)),
                        ("left", ("w:left", "w:start")), ("right", ("w:right", "w:end"))):
        for name in names:
            el = borders.find(_w(name))
            if el is not None:
                out[side] = el
                break
    return out


def _is_box_cell(tc) -> bool:
    b = _cell_borders(tc)
    return all(_is_set(b.get(s)) for s in ("top", "bottom", "left", "right"))


def _is_guide_cell(tc) -> bool:
    """A zone line: a grey bottom border and no other side drawn."""
    b = _cell_borders(tc)
    bottom = b.get("bottom")
    if not _is_set(bottom) or any(_is_set(b.get(s)) for s in ("top", "left", "right")):
        return False
    color = (bottom.get(_w("w:color")) or "").upper()
    guide = "{:02X}{:02X}{:02X}".format(*G.GUIDE_RGB)
    return color in ("", "AUTO", guide) or _near_grey(color)


def _near_grey(hex_color: str) -> bool:
    try:
        rgb = [int(hex_color[i:i + 2], 16) for i in (0, 2, 4)]
    except ValueError:
        return False
    return max(rgb) - min(rgb) < 24 and 64 <= sum(rgb) / 3 <= 200


def _is_white(hex_color: str | None) -> bool:
    c = (hex_color or "").upper()
    return c in ("", "AUTO", "FFFFFF")


def _cell_shaded(tc) -> bool:
    """Shading anywhere in the cell (cell, paragraph or run) in a colour that is not white."""
    for shd in tc.iter(_w("w:shd")):
        val = shd.get(_w("w:val")) or "clear"
        fill = shd.get(_w("w:fill"))
        color = shd.get(_w("w:color"))
        if val in ("nil",):
            continue
        if not _is_white(fill):
            return True
        if val == "solid" and not _is_white(color):
            return True
    return False


def _cell_text(tc) -> str:
    parts = []
    for p in tc.iter(_w("w:p")):
        parts.append("".join(t.text or "" for t in p.iter(_w("w:t"))))
    return " ".join(x for x in parts if x)


def _cell_symbols(tc) -> list[str]:
    """States of symbol-font characters (w:sym) in the cell: 'checked', 'empty', 'other'."""
    out = []
    for sym in tc.iter(_w("w:sym")):
        font = (sym.get(_w("w:font")) or "").lower()
        char = (sym.get(_w("w:char")) or "").upper()
        if len(char) == 4 and char[:2] != "F0":  # 00FC written without the F0 offset
            char = "F0" + char[2:]
        if char in SYM_CHECKED.get(font, ()):
            out.append("checked")
        elif char in SYM_EMPTY.get(font, ()):
            out.append("empty")
        else:
            out.append("other")
    return out


def _box_mark(tc) -> _Mark:
    shaded = _cell_shaded(tc)
    mark = mark_from_text(_cell_text(tc), shaded)
    syms = _cell_symbols(tc)
    if not syms or mark.state is BoxState.UNCERTAIN or shaded:
        return mark
    if all(s == "checked" for s in syms):
        return _Mark(BoxState.CHECKED)
    if all(s == "empty" for s in syms):
        return mark
    return _Mark(BoxState.UNCERTAIN, say("note.digital.symbol"))


def _row_cells(tbl) -> list[list]:
    """The w:tc elements of each row (merged cells appear once, as in the file)."""
    return [[tc for tc in tr.iter(_w("w:tc"))] for tr in tbl.iterchildren(_w("w:tr"))]


def _zone_text(tbl, prompt: str) -> str:
    """Text typed on a zone's lines. A prompt cell ("Ý kiến khác:") contributes only what
    was typed after the prompt."""
    pieces = []
    for row in _row_cells(tbl):
        for tc in row:
            text = nfc(_cell_text(tc))
            if not text:
                continue
            if not _is_guide_cell(tc) and prompt:
                p = nfc(prompt)
                if text.startswith(p):
                    text = text[len(p):].strip()
                elif nfc(text.rstrip(":")) == nfc(p.rstrip(":")):
                    text = ""
            if text:
                pieces.append(text)
    return nfc(" ".join(pieces))


def _docx_pages(doc) -> list[list]:
    """Body blocks (w:p, w:tbl) of each section, i.e. of each printed page."""
    pages: list[list] = [[]]
    for el in doc.element.body.iterchildren():
        if el.tag == _w("w:sectPr"):
            continue
        pages[-1].append(el)
        if el.tag == _w("w:p"):
            p_pr = el.find(_w("w:pPr"))
            if p_pr is not None and p_pr.find(_w("w:sectPr")) is not None:
                pages.append([])
    if not pages[-1]:
        pages.pop()
    return pages


def _footer_identity(section, subject: tuple[str, str, int] | None, settings: Settings
                     ) -> tuple[PageIdentity | None, str]:
    """Identity of one page from its footer: the QR image, else the footer text."""
    footer = section.footer
    blips = footer._element.xpath(".//a:blip/@r:embed")
    for rid in blips:
        try:
            part = footer.part.related_parts[rid]
        except KeyError:
            continue
        if not str(getattr(part, "content_type", "")).startswith("image/"):
            continue
        arr = cv2.imdecode(np.frombuffer(part.blob, np.uint8), cv2.IMREAD_GRAYSCALE)
        if arr is None or min(arr.shape) < 60:
            continue
        payload = _decode_qr(arr)
        if payload:
            try:
                return PageIdentity.decode(payload), "qr"
            except ValueError:
                continue
    text = " ".join(t.text or "" for t in footer._element.iter(_w("w:t")))
    if subject is None:
        return None, text
    return _identity_from_text(*subject, nfc(text), settings), "footer"


def read_docx(path: Path, settings: Settings) -> list[SheetResult]:
    """Read a formkit survey DOCX filled in Word or LibreOffice: one SheetResult per copy.

    Raises InputError when the file is not a DOCX, not a formkit form, of an unknown
    layout version, or restructured so that its boxes cannot be matched to the questions.
    """
    from docx import Document
    from docx.opc.exceptions import PackageNotFoundError

    path = Path(path)
    what = path.name
    try:
        doc = Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise InputError(say("error.digital.not_docx", what=what, detail=str(exc))) from exc
    except Exception as exc:  # lxml raises its own errors on a damaged document.xml
        if isinstance(exc, FormkitError):
            raise
        raise InputError(say("error.digital.docx_damaged", what=what, detail=str(exc))) from exc
    subject = _parse_subject(doc.core_properties.subject or "")
    if subject is not None:  # refuse an unknown layout before looking at any page
        _spec_and_layout(settings, subject[0], subject[1], what)
    sections = list(doc.sections)
    blocks = _docx_pages(doc)
    if len(blocks) != len(sections):
        raise InputError(say("error.digital.sections", what=what, sections=len(sections),
                             blocks=len(blocks)))
    identities: list[tuple[PageIdentity, PageSource]] = []
    for i, section in enumerate(sections):
        ident, how = _footer_identity(section, subject, settings)
        if ident is None:
            if subject is None and i == 0:
                raise InputError(say("error.digital.not_formkit_docx", what=what),
                                 hint=say("hint.digital.built_forms_docx"))
            raise InputError(say("error.digital.footer_code", what=what, page=i + 1,
                                 found=repr(how)), hint=say("hint.digital.keep_footer"))
        if subject is not None and (ident.form, ident.layout) != subject[:2]:
            raise InputError(say("error.digital.mixed_forms", what=what, page=i + 1,
                                 page_form=ident.form, page_layout=ident.layout,
                                 form=subject[0], layout=subject[1]))
        digest = hashlib.sha256()
        for el in blocks[i]:
            digest.update(el.xml.encode("utf-8") if hasattr(el, "xml") else b"")
        digest.update(ident.encode().encode())
        identities.append((ident, PageSource(str(path), i + 1, ident.page, digest.hexdigest())))
    first = identities[0][0]
    spec, _layout = _spec_and_layout(settings, first.form, first.layout, what)
    sheets = []
    prompts = [p for _fid, p in _text_fields(spec)]
    for group in _group_copies(identities, spec, what):
        copy = _Copy([identities[i][0] for i in group], [identities[i][1] for i in group])
        for i in group:
            form_page = identities[i][0].page
            for el in blocks[i]:
                if el.tag != _w("w:tbl"):
                    continue
                rows = _row_cells(el)
                if any(_is_guide_cell(tc) for row in rows for tc in row):
                    k = len(copy.texts)
                    prompt = prompts[k] if k < len(prompts) else ""
                    copy.texts.append((form_page, _zone_text(el, prompt)))
                    continue
                for row in rows:
                    for tc in row:
                        if _is_box_cell(tc):
                            copy.marks.append((form_page, _box_mark(tc)))
        sheets.append(_sheet(spec, copy, "docx", what))
    return sheets


# ---- PDF --------------------------------------------------------------------------------
def _pt(mm: float) -> float:
    return mm / PT_TO_MM


def _is_white_color(color) -> bool:
    if color is None:
        return True
    if isinstance(color, int | float):
        color = (color,)
    try:
        vals = [float(c) for c in color]
    except (TypeError, ValueError):
        return False
    if len(vals) == 4:  # CMYK: white when no ink
        return all(v <= 0.05 for v in vals)
    return all(v >= 0.95 for v in vals)


def _has_text_layer(pdf) -> bool:
    for page in pdf.pages:
        if not page.chars:
            continue
        # a scan with an OCR layer: one image covering the page under invisible text
        area = float(page.width * page.height)
        big = [im for im in page.images
               if (im["x1"] - im["x0"]) * (im["bottom"] - im["top"]) > 0.6 * area]
        if not big:
            return True
    return False


def _pdf_page_identity(page, index: int, doc_pdfium,
                       subject: tuple[str, str, int] | None, settings: Settings
                       ) -> PageIdentity | None:
    """QR code of the page (rendered), else the subject and the footer text."""
    qr_images = [im for im in page.images
                 if abs((im["x1"] - im["x0"]) * PT_TO_MM - G.QR_MM) < 2.0
                 and abs((im["bottom"] - im["top"]) * PT_TO_MM - G.QR_MM) < 2.0]
    if qr_images and doc_pdfium is not None:
        scale = 300 / 72  # 300 dpi: a QR module of 0.55 mm is 6 pixels
        w, h = float(page.width), float(page.height)
        # several QR images at one place: a stamped copy's code drawn over the master's;
        # rendering shows the top one, which is the copy's
        for im in qr_images:
            m = 6.0  # points of white around the code
            crop = (max(0.0, im["x0"] - m), max(0.0, h - im["bottom"] - m),
                    max(0.0, w - im["x1"] - m), max(0.0, im["top"] - m))
            try:  # render only the code's corner of the page
                bitmap = doc_pdfium[index].render(scale=scale, grayscale=True, crop=crop)
                arr = np.asarray(bitmap.to_pil().convert("L"))
            except (RuntimeError, ValueError, OSError, MemoryError) as exc:
                # PdfiumError (a RuntimeError): a page pdfium cannot render; the footer
                # text still names the page
                log.info("page %s: QR corner not rendered (%r); footer text used",
                            index + 1, exc)
                break
            payload = _decode_qr(arr) if arr.size else ""
            if payload:
                try:
                    return PageIdentity.decode(payload)
                except ValueError:
                    continue
    if subject is None:
        return None
    footer = page.crop((0, page.height * 0.85, page.width, page.height), strict=False)
    text = nfc(footer.extract_text() or "")
    return _identity_from_text(*subject, text, settings)


def _squares_and_guides(page, number: int):
    """The page's own drawn boxes and guide lines in reading order (mm), or None."""
    from formkit.spec.layout_extract import extract_page

    try:
        _pl, boxes, guides = extract_page(page, number)
    except FormkitError:
        return None
    return boxes, guides


def _zone_positions(layout_zones: list[ZonePos], guides: list[tuple]) -> list[ZonePos]:
    """Zones rebuilt from the page's own guide lines when they match the layout's count."""
    need = sum(len(z.lines) for z in layout_zones)
    if len(guides) != need:
        return layout_zones
    out, i = [], 0
    for z in layout_zones:
        chunk = tuple(guides[i:i + len(z.lines)])
        i += len(z.lines)
        x0 = min(g[0] for g in chunk)
        x1 = max(g[1] for g in chunk)
        y0 = chunk[0][2] - G.TEXT_LINE_MM
        out.append(ZonePos(z.field, Rect(x0, y0, x1 - x0, chunk[-1][2] - y0), chunk))
    return out


def _box_mark_pdf(page, rect: Rect) -> _Mark:
    # inset: the border's own line and a neighbour's glyph must not count
    inset = 0.4
    x0, x1 = _pt(rect.x + inset), _pt(rect.x + rect.w - inset)
    top, bottom = _pt(rect.y + inset), _pt(rect.y + rect.h - inset)
    chars = [c for c in page.chars
             if x0 <= (c["x0"] + c["x1"]) / 2 <= x1 and top <= (c["top"] + c["bottom"]) / 2
             <= bottom]
    text = "".join(c["text"] for c in chars)
    area = (x1 - x0) * (bottom - top)
    shaded = False
    for r in page.rects:
        if not r.get("fill") or _is_white_color(r.get("non_stroking_color")):
            continue
        ix = max(0.0, min(x1, r["x1"]) - max(x0, r["x0"]))
        iy = max(0.0, min(bottom, r["bottom"]) - max(top, r["top"]))
        if area > 0 and ix * iy >= 0.5 * area:
            shaded = True
            break
    return mark_from_text(text, shaded)


def _zone_text_pdf(page, zone: ZonePos) -> str:
    """Characters typed on a zone's lines, the printed prompt left of the first line out."""
    r = zone.rect
    first = zone.lines[0] if zone.lines else (r.x, r.x + r.w, r.y + r.h)
    prompt_right = _pt(first[0] - 0.5) if first[0] > r.x + 2.0 else None
    first_band_bottom = _pt(first[2] + 1.0)
    top, bottom = _pt(r.y - 0.5), _pt(max(ln[2] for ln in zone.lines) + 1.5)
    x0, x1 = _pt(r.x - 0.5), _pt(r.x + r.w + 0.5)

    def keep(obj) -> bool:
        if obj.get("object_type") != "char":
            return False
        cx, cy = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        if not (x0 <= cx <= x1 and top <= cy <= bottom):
            return False
        return not (prompt_right is not None and cx < prompt_right and cy < first_band_bottom)

    lines = (page.filter(keep).extract_text(x_tolerance=1.5) or "").splitlines()
    return nfc(" ".join(ln.strip() for ln in lines if ln.strip()))


def read_pdf_digital(path: Path, settings: Settings) -> list[SheetResult] | None:
    """Read a PDF printed or exported from a filled formkit DOCX: one SheetResult per copy.

    Returns None when the PDF has no text layer (a scan: the scan reader handles it) or
    pdfminer cannot open it (the scan reader's PDFium repairs more, or says why not).
    Raises InputError when it is not a formkit form, of an unknown layout version, or its
    pages cannot be put together into whole copies.
    """
    import pdfplumber
    import pypdfium2 as pdfium

    path = Path(path)
    what = path.name
    try:
        pdf = pdfplumber.open(str(path))
    except Exception as exc:  # pdfminer raises many kinds on a damaged file; PDFium, which
        # renders scans, repairs more of them and reports its own reason for each page
        log.info("%s: no text layer readable (%r); read as a scan", path, exc)
        return None
    try:
        if not pdf.pages or not _has_text_layer(pdf):
            return None
        subject = _parse_subject(str((pdf.metadata or {}).get("Subject", "")))
        try:
            doc_pdfium = pdfium.PdfDocument(str(path))
        except (pdfium.PdfiumError, OSError) as exc:  # identity can still come from the
            log.info("%s: not opened by PDFium (%r); footer text used", path, exc)  # footer
            doc_pdfium = None
        try:
            identities: list[tuple[PageIdentity, PageSource]] = []
            for i, page in enumerate(pdf.pages):
                ident = _pdf_page_identity(page, i, doc_pdfium, subject, settings)
                if ident is None:
                    if not identities and subject is None:
                        raise InputError(say("error.digital.not_formkit_pdf", what=what),
                                         hint=say("hint.digital.built_forms"))
                    raise InputError(say("error.digital.page_code", what=what, page=i + 1))
                digest = hashlib.sha256()
                digest.update("".join(c["text"] for c in page.chars).encode("utf-8"))
                digest.update(ident.encode().encode())
                identities.append((ident, PageSource(str(path), i + 1, ident.page,
                                                     digest.hexdigest())))
        finally:
            if doc_pdfium is not None:
                doc_pdfium.close()
        first = identities[0][0]
        spec, layout = _spec_and_layout(settings, first.form, first.layout, what)
        sheets = []
        for group in _group_copies(identities, spec, what):
            copy = _Copy([identities[i][0] for i in group], [identities[i][1] for i in group])
            for i in group:
                page = pdf.pages[i]
                form_page = identities[i][0].page
                pl = layout.page(form_page)
                rects = [b.rect for b in pl.boxes]
                zones = list(pl.zones)
                found = _squares_and_guides(page, form_page)
                if found is not None:
                    boxes_here, guides_here = found
                    if len(boxes_here) == len(rects):
                        rects = boxes_here
                    zones = _zone_positions(zones, guides_here)
                copy.marks.extend((form_page, _box_mark_pdf(page, r)) for r in rects)
                copy.texts.extend((form_page, _zone_text_pdf(page, z)) for z in zones)
            sheets.append(_sheet(spec, copy, "pdf", what))
        return sheets
    finally:
        pdf.close()


def read_digital(path: Path, settings: Settings) -> list[SheetResult] | None:
    """DOCX or PDF by extension; None for a PDF without a text layer (a scan)."""
    suffix = Path(path).suffix.lower()
    if suffix == ".docx":
        return read_docx(path, settings)
    if suffix == ".pdf":
        return read_pdf_digital(path, settings)
    raise InputError(say("error.digital.kind", what=Path(path).name))


__all__ = ["read_docx", "read_pdf_digital", "read_digital", "mark_from_text", "CHECK_MARKS"]
