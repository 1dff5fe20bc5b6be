"""Evidence from the whole question, not just its boxes: ink that is not print.

Respondents circle an option, tick beside its box, underline its label or cross out the
label itself. None of that is inside a box, so box measurements alone read such a row as
unanswered, confidently. The layout knows exactly what is printed: its reference pages
(the clean page rendered at the reader's resolution, spec.layout.reference_filename) are
subtracted from the registered scan inside each question's row, after moving the print by
the shift the row's own boxes were found at. What is left, outside every box, is a mark
someone made. It is measured in mm² and given to the row whose centre line is nearest and,
within the row, to the option (its label and box) nearest to it.

Shape-free by design: nothing here knows what a circle or a tick looks like. A mark is any
connected ink darker than the page's own noise allows, large enough not to be a speck.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np

from formkit.spec.layout import BoxPos, PageLayout
from formkit.thresholds import T

# print darker than this (0 black … 255 white) on the reference page is printed content
_PRINT_LEVEL = 200
# a label ends where the printed ink of its row pauses this long (mm): wider than a word
# space, narrower than the gap between a box and the next option's label
_LABEL_GAP_MM = 2.2
# the row window: how far left of the first label and right of the last box (mm)
_LEFT_MM, _RIGHT_MM = 3.0, 7.0
# how far left of a box its label is looked for (mm)
_LABEL_REACH_MM = 60.0
# the paper's level is taken as the lightest within this square (mm): wider than any
# stroke or letter, narrower than a change of light
_PAPER_MM = 3.0
# labels are weighed in pieces this wide (mm): about a short label ("Tốt", "Có")
_LABEL_CHUNK_MM = 6.0
# how far (px) around the boxes' shift the print of a row is searched for
_SEARCH_PX = 3
# a trace this close (px) to a box's border touches the box
_TOUCH_PX = 3
_CROSS = cv2.getStructuringElement(cv2.MORPH_CROSS, (3, 3))


@dataclass
class StrayInk:
    """Unexplained ink of one question row, outside its boxes."""

    area_mm2: float = 0.0
    by_option: dict[str, float] = field(default_factory=dict)
    largest_mm2: float = 0.0  # the largest single trace (or a label's excess ink)

    def main_option(self) -> tuple[str | None, float]:
        """The option holding most of the stray ink, and its share of it."""
        if not self.by_option or self.area_mm2 <= 0:
            return None, 0.0
        value = max(self.by_option, key=self.by_option.get)
        return value, self.by_option[value] / self.area_mm2


@dataclass(frozen=True)
class _Row:
    field: str
    window: tuple[int, int, int, int]  # x0, y0, x1, y1 in aligned px
    centre_y: float
    zones: tuple[tuple[str, tuple[int, int, int, int]], ...]  # option → label ∪ box, px
    labels: tuple[tuple[str, tuple[int, int, int, int]], ...] = ()  # option → its label, px


@lru_cache(maxsize=8)
def load_reference(path: str, shape: tuple[int, int]) -> np.ndarray | None:
    """The reference page, cut or padded to the aligned page's `shape`: PDFium rounds a
    page's size up by a pixel where the reader rounds it to the nearest."""
    img = cv2.imread(path, cv2.IMREAD_GRAYSCALE)
    if img is None or abs(img.shape[0] - shape[0]) > 4 or abs(img.shape[1] - shape[1]) > 4:
        return None
    out = np.full(shape, 255, np.uint8)
    h, w = min(shape[0], img.shape[0]), min(shape[1], img.shape[1])
    out[:h, :w] = img[:h, :w]
    return out


def _label_left(ref: np.ndarray, box: BoxPos, others: list[BoxPos], ppm: float) -> int:
    """Left end (px) of the label printed just left of `box`, found on the reference page:
    the run of printed columns in the box's band, stopping at a long pause or another box."""
    x0, y0 = int(round(box.rect.x * ppm)), int(round(box.rect.y * ppm))
    y1 = int(round((box.rect.y + box.rect.h) * ppm))
    band = ref[max(0, y0):y1, :max(0, x0)] < _PRINT_LEVEL
    cols = band.any(axis=0) if band.size else np.zeros(0, bool)
    stops = [int(round((o.rect.x + o.rect.w) * ppm)) for o in others
             if o.rect.x < box.rect.x and abs(o.rect.cy - box.rect.cy) < box.rect.h]
    floor = max(stops, default=0) + int(round(0.6 * ppm))
    gap = int(round(_LABEL_GAP_MM * ppm))
    # a tick box's label may stand well left of it (part I's "- Tiếp nhận, …" ends 35 mm
    # before its box); an option's label sits against its box
    reach = int(round(_LABEL_REACH_MM * ppm))
    x = x0 - int(round(0.3 * ppm))
    start, blank = x0, 0
    while x > floor and x < len(cols):
        if cols[x]:
            start, blank = x, 0
        else:
            blank += 1
            if blank >= gap and start < x0:
                break
            if blank >= reach:  # no label within reach
                break
        x -= 1
    return start


def _rows(ref: np.ndarray, page: PageLayout, ppm: float) -> list[_Row]:
    by_field: dict[str, list[BoxPos]] = {}
    for b in page.boxes:
        by_field.setdefault(b.field, []).append(b)
    rows = []
    h, w = ref.shape
    for fid, boxes in by_field.items():
        zones, labels = [], []
        for b in boxes:
            left = _label_left(ref, b, page.boxes, ppm)
            zones.append((b.value, (left, int(b.rect.y * ppm), int((b.rect.x + b.rect.w) * ppm),
                                    int((b.rect.y + b.rect.h) * ppm))))
            if left < int(b.rect.x * ppm) - ppm:  # accents above, descenders below the box
                labels.append((b.value, (left - 1, int((b.rect.y - 1.0) * ppm),
                                         int((b.rect.x - 0.3) * ppm),
                                         int((b.rect.y + b.rect.h + 1.0) * ppm))))
        top = min(b.rect.y for b in boxes)
        bottom = max(b.rect.y + b.rect.h for b in boxes)
        pad = T.question_row_pad_mm
        window = (max(0, min(z[1][0] for z in zones) - int(_LEFT_MM * ppm)),
                  max(0, int((top - pad) * ppm)),
                  min(w, max(z[1][2] for z in zones) + int(_RIGHT_MM * ppm)),
                  min(h, int((bottom + pad) * ppm)))
        rows.append(_Row(fid, window, (top + bottom) / 2 * ppm, tuple(zones), tuple(labels)))
    return rows


_ROWS: dict[tuple[str, int], list[_Row]] = {}


def rows_for(ref_path: Path, ref: np.ndarray, page: PageLayout, ppm: float) -> list[_Row]:
    key = (str(ref_path), page.page)
    if key not in _ROWS:
        _ROWS[key] = _rows(ref, page, ppm)
    return _ROWS[key]


def _paper_level(scan: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """The paper's level around each pixel: the lightest within a few mm, found on the
    window averaged down 4 × 4 (the average takes the paper's grain out, so the lightest
    value is the paper's, not its noise's top) and smoothed back up."""
    h, w = scan.shape
    small = cv2.resize(scan, (max(1, w // 4), max(1, h // 4)), interpolation=cv2.INTER_AREA)
    light = cv2.blur(cv2.dilate(small, kernel), (3, 3))
    return cv2.resize(light, (w, h), interpolation=cv2.INTER_LINEAR)


def _rank(a: np.ndarray, q: float) -> float:
    """The q-quantile of `a` by nearest rank (np.percentile sorts more than it needs)."""
    flat = a.ravel()
    k = min(flat.size - 1, int(q * (flat.size - 1) + 0.5))
    return float(np.partition(flat, k)[k])


def _distance(cx: float, cy: float, rect: tuple[int, int, int, int]) -> float:
    x0, y0, x1, y1 = rect
    dx = max(x0 - cx, 0.0, cx - x1)
    dy = max(y0 - cy, 0.0, cy - y1)
    return float(np.hypot(dx, dy))


def _settle(refp: np.ndarray, pad: int, scan: np.ndarray, x0: int, y0: int, idx: int,
            idy: int) -> tuple[int, int]:
    """The print's shift over `scan` (placed at x0, y0): the boxes' shift is good to a pixel
    or two; the print's own position settles it."""
    hh, ww = scan.shape
    s = _SEARCH_PX
    big = refp[y0 + pad - idy - s:y0 + pad - idy + hh + s,
               x0 + pad - idx - s:x0 + pad - idx + ww + s]
    if big.shape == (hh + 2 * s, ww + 2 * s):
        fit = cv2.matchTemplate(255 - big.astype(np.float32), 255 - scan, cv2.TM_CCORR_NORMED)
        _, _, _, (bx, by) = cv2.minMaxLoc(fit)
        idx, idy = idx + s - bx, idy + s - by
    return idx, idy


def _placed_print_by_piece(refp: np.ndarray, pad: int, scan: np.ndarray,
                           window: tuple[int, int, int, int],
                           boxes: list[tuple[float, float, float]], ppm: float
                           ) -> tuple[np.ndarray, int, int]:
    """The row's print placed piece by piece (pieces about a label wide), each starting from
    the shift of the box nearest to it and settled on its own: on a page that does not lie
    flat the print moves along the row. Also the shift at the row's middle."""
    x0, y0, x1, _y1 = window
    hh, ww = scan.shape
    n = max(1, int(round(ww / (T.question_piece_mm * ppm))))
    edges = np.linspace(0, ww, n + 1).astype(int)
    refw = np.full((hh, ww), 255, np.uint8)
    middle = (0, 0)
    for a, b in zip(edges[:-1], edges[1:], strict=True):
        centre = x0 + (a + b) / 2
        _cx, dx, dy = min(boxes, key=lambda t: abs(t[0] - centre))
        idx = int(np.clip(round(dx), -pad + 1 + _SEARCH_PX, pad - 1 - _SEARCH_PX))
        idy = int(np.clip(round(dy), -pad + 1 + _SEARCH_PX, pad - 1 - _SEARCH_PX))
        idx, idy = _settle(refp, pad, scan[:, a:b], x0 + a, y0, idx, idy)
        piece = refp[y0 + pad - idy:y0 + pad - idy + hh,
                     x0 + a + pad - idx:x0 + b + pad - idx]
        if piece.shape == (hh, b - a):
            refw[:, a:b] = piece
        if a <= ww // 2 < b:
            middle = (idx, idy)
    return refw, middle[0], middle[1]


def stray_ink(aligned, ref: np.ndarray, rows: list[_Row], page: PageLayout,
              box_rects: dict[str, tuple[int, int, int, int]],
              shifts: dict[str, tuple[float, float]], ppm: float,
              marked: set[str] = frozenset(),
              local: dict[str, list[tuple[float, float, float]]] | None = None
              ) -> tuple[dict[str, StrayInk], float]:
    """Stray ink per question row of one page, and the page's show-through level: how
    dark its faint background is where it should be bare paper (away from print and from
    any dark ink, which is the respondent's), as a share of the print's black. A clean
    scan gives its noise; a sheet printed on both sides of thin paper gives the darkness of
    the reverse seen through it, and a mark must stand out above that to count as one.
    `box_rects` are the boxes as found on the scan (aligned px, by BoxPos.key), `shifts`
    each field's median box shift (px): the print in that row lies that far from its
    layout place; `marked` the keys of boxes that hold a mark of their own (a trace
    touching one of them and an empty box is the marked box's stroke running on). `local`,
    for a page that does not lie flat: each field's boxes as (centre x, shift x, shift y)
    in px; the print of a row is then placed piece by piece, by the nearest box's shift."""
    centres = sorted({r.centre_y for r in rows})
    out: dict[str, StrayInk] = {}
    pad = 64
    refp = cv2.copyMakeBorder(ref, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=255)
    margin = max(1, int(round(T.question_print_margin_mm * ppm)))
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * margin + 1, 2 * margin + 1))
    min_area = T.question_speck_mm2 * ppm * ppm
    min_away = T.question_away_mm2 * ppm * ppm
    far = max(1, int(round(T.question_away_mm * ppm)))
    far_kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * far + 1, 2 * far + 1))
    min_extent = T.question_speck_extent_mm * ppm
    paper_px = max(3, int(round(_PAPER_MM * ppm / 4)) | 1)  # on the quarter-size image
    paper_kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (paper_px, paper_px))
    label_ink: list[tuple[str, str, int, int]] = []  # field, option, scan ink, print px
    near = max(1, int(round(T.show_through_clear_mm * ppm)))
    near_kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * near + 1, 2 * near + 1))
    background: list[np.ndarray] = []
    prepared = []
    for row in rows:
        x0, y0, x1, y1 = row.window
        dx, dy = shifts.get(row.field, (0.0, 0.0))
        idx, idy = int(round(dx)), int(round(dy))
        idx, idy = int(np.clip(idx, -pad + 1, pad - 1)), int(np.clip(idy, -pad + 1, pad - 1))
        scan = aligned.crop(x0, y0, x1, y1).astype(np.float32)
        hh, ww = scan.shape
        if local and local.get(row.field):
            refw, idx, idy = _placed_print_by_piece(refp, pad, scan, row.window,
                                                    local[row.field], ppm)
        else:
            idx, idy = _settle(refp, pad, scan, x0, y0, idx, idy)
            refw = refp[y0 + pad - idy:y0 + pad - idy + hh, x0 + pad - idx:x0 + pad - idx + ww]
        printed = cv2.dilate((refw < _PRINT_LEVEL).astype(np.uint8), kernel) > 0
        # the paper's own level around each pixel (the lightest within a few mm, smoothed):
        # a phone photo's light falls off across a row, which one level for the whole row
        # would read as ink on its darker side
        paper = _paper_level(scan, paper_kernel)
        dark = np.clip(paper - scan, 0, None)
        on_print = dark[::2, ::2][refw[::2, ::2] < 128]
        black = max(_rank(on_print, 0.9) if on_print.size > 20 else 0.0, 60.0)
        norm = cv2.GaussianBlur(dark / black, (3, 3), 0)
        free = norm[::3, ::3][~printed[::3, ::3]]
        if free.size > 50:
            med = _rank(free, 0.5)
            sigma = 1.4826 * _rank(np.abs(free - med), 0.5)
        else:
            sigma = 0.0
        busy = cv2.dilate((printed | (norm > 0.5)).astype(np.uint8)[::2, ::2], near_kernel)
        background.append(norm[::2, ::2][busy == 0])
        prepared.append((row, scan, refw, printed, norm, sigma, dx, dy, idx, idy))
    bare = np.concatenate(background) if background else np.zeros(0, np.float32)
    haze = _rank(bare, T.show_through_quantile) if bare.size >= 500 else 0.0
    for (row, scan, refw, printed, norm, sigma, dx, dy, idx, idy), row_bare in zip(
            prepared, background, strict=True):
        x0, y0, x1, y1 = row.window
        hh, ww = scan.shape
        # ink must stand out of the paper's noise and of what shows through from the back
        # (only just: stray ink sends a row to a person, a mark missed here is a silent
        # blank). The row's own background when it is lighter: a watermark or a stain over
        # part of the page must not hide marks elsewhere
        row_haze = _rank(row_bare, T.show_through_quantile) if row_bare.size >= 200 else haze
        level = max(T.question_ink_level, T.question_ink_sigmas * sigma,
                    min(haze, row_haze) + T.show_through_stray_margin)
        inked = norm > level
        chunk = int(round(_LABEL_CHUNK_MM * ppm))
        for value, (lx0, ly0, lx1, ly1) in row.labels:
            # label ink counted where the label lies on this scan (the row's print shift),
            # in pieces a few mm wide: a cross on a long label is lost in the whole of it
            n_chunks = max(1, round((lx1 - lx0) / chunk))
            edges = np.linspace(lx0, lx1, n_chunks + 1).astype(int)
            for cx0, cx1 in zip(edges[:-1], edges[1:], strict=True):
                sl = (slice(max(0, ly0 - y0 + idy), max(0, ly1 - y0 + idy)),
                      slice(max(0, cx0 - x0 + idx), max(0, cx1 - x0 + idx)))
                label_ink.append((row.field, value, int(inked[sl].sum()),
                                  int((refw[sl] < _PRINT_LEVEL).sum())))
        ink = inked & ~printed
        # what is inside a box is the box reader's evidence; a trace that touches a box
        # (a stroke running on out of it, a tick drawn against its side) belongs to it
        touch = np.zeros(ink.shape, np.int16)
        owners: list[tuple[str, str, bool]] = []
        t = _TOUCH_PX
        for key, r in box_rects.items():
            bx0, by0, bx1, by1 = r[0] - x0, r[1] - y0, r[2] - x0, r[3] - y0
            if bx1 > -t and by1 > -t and bx0 < ww + t and by0 < hh + t:
                owners.append((*key.split("=", 1), key in marked))
                touch[max(0, by0 - t):max(0, by1 + t + 1),
                      max(0, bx0 - t):max(0, bx1 + t + 1)] = len(owners)
                ink[max(0, by0 - 1):max(0, by1 + 2), max(0, bx0 - 1):max(0, bx1 + 2)] = False
        # a respondent's stroke is at least two pixels wide (0.25 mm); print thickened by a
        # photocopier leaves one-pixel slivers along the glyphs' edges: opened away
        ink = cv2.morphologyEx(ink.astype(np.uint8), cv2.MORPH_OPEN, _CROSS)
        n, lab, stats, cents = cv2.connectedComponentsWithStats(ink, 8)
        result = StrayInk()
        if n <= 1:
            out[row.field] = result
            continue
        # print thickened by a copier or a dark scan hugs the glyphs; a mark made on the
        # print still reaches out from it somewhere
        away = np.bincount(lab[~cv2.dilate(printed.astype(np.uint8), far_kernel).astype(bool)],
                           minlength=n)
        for i in range(1, n):
            area = stats[i, cv2.CC_STAT_AREA]
            extent = max(stats[i, cv2.CC_STAT_WIDTH], stats[i, cv2.CC_STAT_HEIGHT])
            if area < min_area or extent < min_extent or away[i] < min_away:
                continue
            touched = touch[lab == i]
            touched = touched[touched > 0]
            if touched.size:
                counts = np.bincount(touched)
                ids = [k for k in range(1, len(counts)) if counts[k]]
                best = max(ids, key=lambda k: (owners[k - 1][2], counts[k]))
                fid, value, best_marked = owners[best - 1]
                if fid != row.field:
                    # it runs out of another question's box; unless it touches one of ours
                    # too and neither holds a mark of its own (a tick drawn in the gap
                    # between two rows' boxes): then it is a mark for both, a person decides
                    mine = [k for k in ids if owners[k - 1][0] == row.field]
                    if not mine or best_marked or any(owners[k - 1][2] for k in mine):
                        continue
                    value = owners[max(mine, key=lambda k: counts[k]) - 1][1]
            else:
                cx, cy = cents[i][0] + x0, cents[i][1] + y0
                nearest = min(abs(c - cy) for c in centres)
                if abs(row.centre_y - cy) > nearest + T.stray_row_tie_mm * ppm:
                    continue  # closer to another question's row: its mark, not ours
                # (a mark about as near to this row as to the next, as a tick drawn in the
                # gap above a box, counts for both: a person decides whose it is)
                value = min(row.zones, key=lambda z: _distance(cx - dx, cy - dy, z[1]))[0]
            mm2 = area / (ppm * ppm)
            result.area_mm2 += mm2
            result.by_option[value] = result.by_option.get(value, 0.0) + mm2
            result.largest_mm2 = max(result.largest_mm2, mm2)
        out[row.field] = result
    _marks_on_labels(out, label_ink, ppm)
    return out, haze


def _marks_on_labels(out: dict[str, StrayInk], label_ink: list[tuple[str, str, int, int]],
                     ppm: float) -> None:
    """A cross or a scribble drawn on an option's label lies on the print, where the
    difference cannot see it; it shows as more ink on that label than its print holds.
    How much more the print itself reads on this scan (a copier's thickening, a dark
    scan) is the page's own: the median ratio over all its labels, most of them unmarked."""
    ratios = [s / r for _f, _v, s, r in label_ink if r > 20]
    if len(ratios) < 5:
        return
    page_typical = float(np.median(ratios))
    # a phone photo's blur and light change across the page: the row's other labels say
    # best how thick its print reads, when it has enough of them. Never the label's own
    # pieces: a long label ("Không" beside "Có") is most of its row, and a mark across it
    # would set the row's typical ink itself
    by_row: dict[str, list[tuple[str, float]]] = {}
    for fid, value, s, r in label_ink:
        if r > 20:
            by_row.setdefault(fid, []).append((value, s / r))
    best: dict[tuple[str, str], float] = {}
    for fid, value, scan_px, print_px in label_ink:
        others = [ratio for v, ratio in by_row.get(fid, []) if v != value]
        typical = float(np.median(others)) if len(others) >= 2 else page_typical
        excess = (scan_px - typical * print_px) / (ppm * ppm)
        if excess >= T.label_ink_excess_mm2 and \
                scan_px >= (1 + T.label_ink_excess_share) * typical * print_px:
            best[fid, value] = max(best.get((fid, value), 0.0), excess)
    for (fid, value), excess in best.items():
        st = out.setdefault(fid, StrayInk())
        st.area_mm2 += excess
        st.by_option[value] = st.by_option.get(value, 0.0) + excess
        st.largest_mm2 = max(st.largest_mm2, excess)
