"""Extract the layout (marks, QR, boxes, text zones, in mm) from a rendered PDF with
pdfplumber. Boxes are the black squares drawn by cell borders; text zones are the grey
guide lines. Both are matched to the template in print order and counted, so a template
and its PDF that disagree fail loudly instead of producing a wrong layout."""

from __future__ import annotations

from pathlib import Path

import pdfplumber

from formkit.catalogue import say
from formkit.errors import TemplateError
from formkit.spec import geometry as G
from formkit.spec.layout import BoxPos, Layout, PageLayout, Rect, ZonePos
from formkit.spec.model import FieldKind, FormSpec

PT_TO_MM = 25.4 / 72.0


def _mm(v: float) -> float:
    return v * PT_TO_MM


def _is_color(color, rgb: tuple[int, int, int], tol: float = 0.04) -> bool:
    if color is None:
        return False
    if isinstance(color, int | float):
        color = (color, color, color)
    if len(color) == 1:
        color = (color[0],) * 3
    if len(color) != 3:
        return False
    return all(abs(float(c) - v / 255) <= tol for c, v in zip(color, rgb, strict=True))


def _squares(lines: list[dict], size: float, tol: float = 0.6) -> list[Rect]:
    """Squares of side `size` mm made of two horizontal and two vertical black lines."""
    hs, vs = [], []
    for ln in lines:
        x0, x1, y0, y1 = _mm(ln["x0"]), _mm(ln["x1"]), _mm(ln["top"]), _mm(ln["bottom"])
        if not _is_color(ln.get("stroking_color"), (0, 0, 0), 0.2):
            continue
        if abs(y1 - y0) < 0.2 and abs((x1 - x0) - size) < 1.0:
            hs.append((x0, x1, (y0 + y1) / 2))
        elif abs(x1 - x0) < 0.2 and abs((y1 - y0) - size) < 1.0:
            vs.append(((x0 + x1) / 2, y0, y1))
    out = []
    used = set()
    hs.sort(key=lambda h: (h[2], h[0]))
    for i, top in enumerate(hs):
        if i in used:
            continue
        for j in range(i + 1, len(hs)):
            bot = hs[j]
            if j in used or abs(bot[0] - top[0]) > tol or abs(bot[1] - top[1]) > tol:
                continue
            if abs((bot[2] - top[2]) - size) > tol:
                continue
            # left and right sides must exist
            cx0 = [v for v in vs if abs(v[1] - top[2]) < 1.0 and abs(v[2] - bot[2]) < 1.0]
            left = [v for v in cx0 if abs(v[0] - (top[0] + 0.18)) < 0.8]
            right = [v for v in cx0 if abs(v[0] - (top[1] - 0.18)) < 0.8]
            if not left or not right:
                continue
            x0, x1 = left[0][0], right[0][0]
            out.append(Rect(x0, top[2], x1 - x0, bot[2] - top[2]))
            used.update((i, j))
            break
    return out


def _reading_order(rects: list[Rect], row_tol: float = 1.5) -> list[Rect]:
    rects = sorted(rects, key=lambda r: r.y)
    rows: list[list[Rect]] = []
    for r in rects:
        if rows and abs(rows[-1][0].y - r.y) <= row_tol:
            rows[-1].append(r)
        else:
            rows.append([r])
    return [r for row in rows for r in sorted(row, key=lambda r: r.x)]


def extract_page(page, number: int) -> tuple[PageLayout, list[Rect], list[tuple]]:
    """Marks and QR of one page, plus its raw boxes and guide lines (in reading order)."""
    marks, qrs = [], []
    for im in page.images:
        r = Rect(_mm(im["x0"]), _mm(im["top"]), _mm(im["x1"] - im["x0"]),
                 _mm(im["bottom"] - im["top"]))
        if abs(r.w - G.MARK_MM) < 0.6 and abs(r.h - G.MARK_MM) < 0.6:
            marks.append(r)
        elif abs(r.w - G.QR_MM) < 1.0 and abs(r.h - G.QR_MM) < 1.0:
            qrs.append(r)
    if len(marks) != 4 or len(qrs) != 1:
        raise TemplateError(
            say("error.layout.marks", page=number, marks=len(marks), qrs=len(qrs)),
            hint=say("hint.layout.header"),
        )
    cy = sum(m.cy for m in marks) / 4
    cx = sum(m.cx for m in marks) / 4
    top = sorted([m for m in marks if m.cy < cy], key=lambda m: m.x)
    bottom = sorted([m for m in marks if m.cy >= cy], key=lambda m: m.x)
    if len(top) != 2 or len(bottom) != 2 or top[0].cx > cx or bottom[0].cx > cx:
        raise TemplateError(say("error.layout.corners", page=number))
    guides = []
    for ln in page.lines:
        if _is_color(ln.get("stroking_color"), G.GUIDE_RGB) and abs(ln["top"] - ln["bottom"]) < 1:
            guides.append((_mm(ln["x0"]), _mm(ln["x1"]), _mm((ln["top"] + ln["bottom"]) / 2)))
    guides.sort(key=lambda g: (round(g[2], 1), g[0]))
    boxes = _reading_order(_squares(page.lines, G.BOX_MM))
    pl = PageLayout(number, [top[0], top[1], bottom[0], bottom[1]], qrs[0])
    return pl, boxes, guides


def extract_layout(pdf_path: Path, spec: FormSpec, form_code: str, first_page: int = 0,
                   pages: int | None = None) -> Layout:
    """Layout of one copy: `pages` pages starting at index `first_page` of the PDF."""
    n = pages or spec.page_count
    with pdfplumber.open(str(pdf_path)) as pdf:
        if len(pdf.pages) < first_page + n:
            raise TemplateError(
                say("error.layout.pages", file=pdf_path.name, expected=n, pages=len(pdf.pages)),
                hint=say("hint.layout.shorten"),
            )
        page0 = pdf.pages[first_page]
        size = (round(_mm(page0.width), 2), round(_mm(page0.height), 2))
        results = [extract_page(pdf.pages[first_page + i], i + 1) for i in range(n)]
    layout = Layout(spec.code, form_code, size, [r[0] for r in results])
    if spec.kind != "survey":
        layout.version = layout.geometry_hash()
        return layout

    expected_boxes = spec.boxes
    found = sum(len(r[1]) for r in results)
    if found != len(expected_boxes):
        raise TemplateError(
            say("error.layout.boxes", file=pdf_path.name, expected=len(expected_boxes),
                found=found),
        )
    text_fields = [spec.fields[fid] for el in spec.elements if el.type == "text"
                   for fid in el.field_ids]
    found_lines = sum(len(r[2]) for r in results)
    expected_lines = sum(f.lines for f in text_fields)
    if found_lines != expected_lines:
        raise TemplateError(
            say("error.layout.lines", file=pdf_path.name, expected=expected_lines,
                found=found_lines),
        )
    box_iter = iter(expected_boxes)
    field_iter = iter(text_fields)
    for pl, boxes, guides in results:
        for rect in boxes:
            b = next(box_iter)
            pl.boxes.append(BoxPos(b.field_id, b.value, b.label, rect))
        i = 0
        while i < len(guides):
            f = next(field_iter)
            assert f.kind is FieldKind.TEXT
            chunk = guides[i:i + f.lines]
            if len(chunk) != f.lines:
                raise TemplateError(say("error.layout.zone_split", file=pdf_path.name, zone=f.id))
            x0 = min(g[0] for g in chunk)
            x1 = max(g[1] for g in chunk)
            y0 = chunk[0][2] - G.TEXT_LINE_MM
            y1 = chunk[-1][2]
            pl.zones.append(ZonePos(f.id, Rect(x0, y0, x1 - x0, y1 - y0), tuple(chunk)))
            i += f.lines
    layout.version = layout.geometry_hash()
    return layout


def write_reference_pages(pdf_path: Path, layout: Layout, folder: Path, first_page: int = 0
                          ) -> list[Path]:
    """Render the pages of one copy (from `first_page`) at the reader's resolution as the
    layout's clean reference pages (spec.layout.reference_filename). The reader subtracts
    them from a registered scan to see every mark that is not print: a circle around a box,
    a tick beside it, a line under its label."""
    import cv2
    import pypdfium2 as pdfium

    from formkit.spec.layout import reference_filename
    from formkit.thresholds import T

    folder.mkdir(parents=True, exist_ok=True)
    scale = T.work_px_per_mm * 25.4 / 72.0
    written = []
    doc = pdfium.PdfDocument(str(pdf_path))
    try:
        for p in layout.pages:
            img = doc[first_page + p.page - 1].render(scale=scale, grayscale=True).to_numpy()
            dest = folder / reference_filename(layout.form, layout.version, p.page)
            ok, png = cv2.imencode(".png", img, [cv2.IMWRITE_PNG_COMPRESSION, 9])
            if not ok:
                raise TemplateError(say("error.layout.reference_encode", file=dest.name))
            tmp = dest.with_name(dest.name + ".part")
            tmp.write_bytes(png.tobytes())
            tmp.replace(dest)
            written.append(dest)
    finally:
        doc.close()
    return written
