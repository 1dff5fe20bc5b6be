"""Read the department's own survey form (BM.QT.SCT.05-02 printed from its Word file): no
registration marks, no QR code, boxes typed as "□" glyphs, a layout that changes with each
printer and edit. The page is found by reading it: Tesseract reads the whole page with word
boxes, the form's wording (title, form code, question headings, row and option labels) is
matched to the words accent-insensitively and fuzzily, and each box is the small printed
square just after its option label. Whatever does not fit the expected arrangement is
reported (the field goes to review as unreadable), never guessed. The boxes are measured by
formkit.scan.boxes as on a formkit form, with confidence lowered for the weaker location.

Size (over 500 lines): finding a form by its wording is one chain (page OCR, anchors,
squares, labels, rows, zones, joining) whose steps share the OCR'd words and the page's
geometry; the fingerprints of duplicates live in scan/legacy_fingerprint.py.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
from rapidfuzz import fuzz

from formkit import catalogue, notes
from formkit.catalogue import Message, say
from formkit.scan import boxes as B
from formkit.scan.legacy_fingerprint import (
    Fingerprint,
    box_grids,
    evidence,
    similarity,
    zone_grid,
)
from formkit.scan.result import BoxState, FieldResult, Status
from formkit.spec.layout import BoxPos, Rect, ZonePos
from formkit.spec.model import FormSpec
from formkit.textnorm import fold
from formkit.thresholds import T

#: the layout name of sheets read by their wording (no layout file behind them)
LAYOUT_ID = "theo-noi-dung"  # also named in formkit.scan.batch.finish
FORM = "05-02"
#: the form's two parts: I/II (who and what), then the rating questions 1–5
PARTS = (1, 2)
ANCHOR_MIN_SCORE = 84
PART_MIN_ANCHORS = 3

# (key, wording as printed, part). Order is the order on the printed form.
ANCHORS: list[tuple[str, str, int]] = [
    ("code", "bm.qt.sct.05-02", 1),
    ("title", "phieu khao sat", 1),
    ("title2", "su hai long cua cac to chuc, ca nhan", 1),
    ("part1", "i. thong tin ve to chuc thuc hien giao dich", 1),
    ("to_chuc", "(ghi cu the ten ca nhan hoac to chuc)", 1),
    ("part2", "ii. noi dung giao dich hanh chinh", 1),
    ("nd_q", "dai dien cho to chuc thuc hien giao dich hanh chinh", 1),
    ("tiep_nhan", "tiep nhan, xu ly cong viec hanh chinh", 1),
    ("giai_quyet", "giai quyet thu tuc hanh chinh", 1),
    ("chi_tiet", "(xin ghi ro noi dung giai quyet", 1),
    ("vui_long", "vui long danh dau (x) vao su lua chon", 2),
    ("q1", "cau hoi 1: thai do phuc vu", 2),
    ("c1r1", "thai do giao tiep", 2),
    ("c1r2", "lang nghe y kien", 2),
    ("c1r3", "tan tinh, chu dao", 2),
    ("c1r4", "tuan thu dung quy", 2),
    ("c1yk", "y kien khac:", 2),
    ("q2", "cau hoi 2: cong chuc cua", 2),
    ("neu_co", "neu co, vui long cho biet", 2),
    ("q3", "cau hoi 3: chat luong xu ly", 2),
    ("c3r", "chinh xac, khach quan", 2),
    ("c3yk", "y kien khac:", 2),
    ("q4", "cau hoi 4: thoi gian", 2),
    ("c4r", "dung thoi han quy", 2),
    ("c4yk", "y kien khac:", 2),
    ("q5", "cau hoi 5: danh gia chung", 2),
    ("c5r", "muc do hai long", 2),
    ("end", "xin tran trong cam on!", 2),
]
#: where each field's boxes or writing start on the page (the anchor), in form order
FIELD_ANCHORS: dict[str, str] = {
    "to_chuc": "to_chuc", "noi_dung.tiep_nhan_xu_ly": "tiep_nhan",
    "noi_dung.giai_quyet_tthc": "giai_quyet", "noi_dung.chi_tiet": "chi_tiet",
    "c1.thai_do_giao_tiep": "c1r1", "c1.lang_nghe_y_kien": "c1r2",
    "c1.tan_tinh_chu_dao": "c1r3", "c1.tuan_thu_quy_trinh": "c1r4",
    "c1.y_kien_khac": "c1yk", "c2.phien_ha": "q2", "c2.muc_do": "neu_co",
    "c3.chinh_xac_khach_quan": "c3r", "c3.y_kien_khac": "c3yk",
    "c4.dung_thoi_han": "c4r", "c4.y_kien_khac": "c4yk", "c5.muc_do_hai_long": "c5r",
}
PART_OF = {k: p for k, _, p in ANCHORS}


@dataclass
class Word:
    text: str  # folded
    x0: int
    y0: int
    x1: int
    y1: int

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2


@dataclass
class Line:
    text: str  # folded, words joined by spaces
    words: list[Word]

    @property
    def y0(self) -> int:
        return min(w.y0 for w in self.words)

    @property
    def y1(self) -> int:
        return max(w.y1 for w in self.words)


@dataclass
class LegacyPage:
    """What a page read by its wording gives."""

    parts: set[int]
    fields: dict[str, FieldResult]
    fingerprint: Fingerprint  # the ink of its answers (duplicates without a serial)
    rotation: float  # degrees the scan was turned straight
    boxes: list[tuple[BoxPos, FieldResult | None]] = field(default_factory=list)
    image: np.ndarray | None = None  # the straightened page at T.work_px_per_mm
    notes: list[str] = field(default_factory=list)

    @property
    def form_page(self) -> int:
        return min(self.parts)


class NotTheSurvey(Exception):
    """The page does not read as the survey: the message says what was found."""


class _Page:
    """The straightened page in the shape formkit.scan.boxes measures (AlignedPage's)."""

    def __init__(self, img: np.ndarray):
        self.img = img
        self.shape = img.shape

    def crop(self, x0: int, y0: int, x1: int, y1: int) -> np.ndarray:
        h, w = self.shape
        x0, y0, x1, y1 = max(0, x0), max(0, y0), min(w, x1), min(h, y1)
        if x1 <= x0 or y1 <= y0:
            return np.full((max(0, y1 - y0), max(0, x1 - x0)), 255, np.uint8)
        return self.img[y0:y1, x0:x1]

    def full(self) -> np.ndarray:
        return self.img


def _deskew(img: np.ndarray, ppm: float) -> tuple[np.ndarray, float]:
    """Straighten by the angle that makes text rows sharpest (projection profile)."""
    s = 2.0 / ppm
    small = cv2.resize(img, None, fx=s, fy=s, interpolation=cv2.INTER_AREA)
    ink = (small < 160).astype(np.float32)
    h, w = ink.shape
    best, best_a = -1.0, 0.0
    for a in np.arange(-2.5, 2.51, 0.1):
        M = cv2.getRotationMatrix2D((w / 2, h / 2), float(a), 1.0)
        r = cv2.warpAffine(ink, M, (w, h), flags=cv2.INTER_NEAREST)
        v = float(np.var(r.sum(axis=1)))
        if v > best:
            best, best_a = v, float(a)
    if abs(best_a) < 0.05:
        return img, 0.0
    h, w = img.shape
    M = cv2.getRotationMatrix2D((w / 2, h / 2), best_a, 1.0)
    return cv2.warpAffine(img, M, (w, h), flags=cv2.INTER_LINEAR, borderValue=255), best_a


def _ocr_lines(img: np.ndarray, ppm: float) -> list[Line]:
    """The page's printed lines and their words (boxes in px of `img`). Tesseract reads the
    page coarser than it is measured and already black and white: the printed wording reads
    as well at 150 dpi, and this halves the time the whole page's OCR takes (most of a
    page's time; benchmarks/legacy_forms.py)."""
    from PIL import Image

    from formkit._exec.tesseract import ocr_words

    s = min(1.0, T.legacy_ocr_px_per_mm / ppm)
    small = cv2.resize(img, None, fx=s, fy=s, interpolation=cv2.INTER_AREA) if s < 1 else img
    _, bw = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    words = ocr_words(Image.fromarray(bw).convert("1"), psm=3,
                      dpi=int(round(ppm * s * 25.4)), timeout=180)
    by_line: dict[tuple[int, int, int], list[Word]] = {}
    for w in words:
        by_line.setdefault(w.line, []).append(
            Word(fold(w.text), int(w.left / s), int(w.top / s), int((w.left + w.width) / s),
                 int((w.top + w.height) / s)))
    lines = [Line(" ".join(w.text for w in ws), ws) for ws in by_line.values()]
    lines.sort(key=lambda ln: (ln.y0, ln.words[0].x0))
    return lines


def _score(phrase: str, line: Line) -> float:
    needle = phrase[:26]
    if len(line.text) < 0.75 * len(needle):
        return 0.0
    return float(fuzz.partial_ratio(needle, line.text))


#: wordings printed more than once: looked for between the anchors found around them
REPEATED = {"c1yk", "c3yk", "c4yk"}


def _find_anchors(lines: list[Line]) -> dict[str, Line]:
    """Each anchor on its best-matching line; an anchor out of the form's order is dropped
    (a misread, never a guess), and a wording printed more than once ("Ý kiến khác") is
    looked for only between the anchors found around it."""
    def best(phrase: str, lo: int, hi: int) -> int | None:
        top, at = 0.0, None
        for i in range(max(0, lo), min(len(lines), hi)):
            sc = _score(phrase, lines[i])
            if sc > top:
                top, at = sc, i
        return at if top >= ANCHOR_MIN_SCORE else None

    at: dict[str, int] = {}
    for key, phrase, _part in ANCHORS:
        if key not in REPEATED:
            i = best(phrase, 0, len(lines))
            if i is not None:
                at[key] = i
    kept: dict[str, int] = {}
    last = -1
    for key, _, _ in ANCHORS:
        if key in at and key not in ("title", "code"):  # both at the top, in either order
            if at[key] <= last:
                continue
            last = at[key]
        if key in at:
            kept[key] = at[key]
    keys = [k for k, _, _ in ANCHORS]
    for key, phrase, _ in ANCHORS:
        if key not in REPEATED:
            continue
        k = keys.index(key)
        lo = max([kept[x] for x in keys[:k] if x in kept and x not in ("title", "code")],
                 default=-1) + 1
        hi = min([kept[x] for x in keys[k + 1:] if x in kept], default=len(lines))
        i = best(phrase, lo, hi)
        if i is not None:
            kept[key] = i
    return {k: lines[i] for k, i in kept.items()}


def _squares(img: np.ndarray, ppm: float) -> list[tuple[int, int, int, int]]:
    """Small printed squares (the "□" glyphs or drawn cells): (x0, y0, x1, y1) px."""
    bw = cv2.adaptiveThreshold(img, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV,
                               31, 25)
    contours, _ = cv2.findContours(bw, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
    lo, hi = T.legacy_box_min_mm * ppm, T.legacy_box_max_mm * ppm
    out: list[tuple[int, int, int, int]] = []
    for c in contours:
        x, y, w, h = cv2.boundingRect(c)
        if not (lo <= w <= hi and lo <= h <= hi and 0.75 <= w / h <= 1.33):
            continue
        approx = cv2.approxPolyDP(c, 0.12 * (w + h) / 2, True)
        if len(approx) != 4 or cv2.contourArea(c) < 0.6 * w * h:
            continue
        # four straight sides: ink along most of each edge of the rectangle ("Đ", "O" and
        # "D" have a round side)
        t = max(1, int(round(0.3 * ppm)))
        sides = (bw[y:y + t + 1, x:x + w], bw[y + h - t - 1:y + h, x:x + w],
                 bw[y:y + h, x:x + t + 1].T, bw[y:y + h, x + w - t - 1:x + w].T)
        if min(float((sd > 0).any(axis=0).mean()) for sd in sides) < 0.85:
            continue
        out.append((x, y, x + w, y + h))
    # a glyph's outer and inner outline: keep the outer
    out.sort(key=lambda r: -(r[2] - r[0]) * (r[3] - r[1]))
    kept: list[tuple[int, int, int, int]] = []
    for r in out:
        cx, cy = (r[0] + r[2]) / 2, (r[1] + r[3]) / 2
        if all(abs(cx - (k[0] + k[2]) / 2) > 0.8 * ppm or abs(cy - (k[1] + k[3]) / 2) > 0.8 * ppm
               for k in kept):
            kept.append(r)
    return kept


def _label_before(sq: tuple[int, int, int, int], words: list[Word], squares: list,
                  ppm: float) -> str:
    """The words printed just before a box: on its own row after the previous box, or, when
    the cell wrapped the box onto a line of its own, the line above it in the same cell."""
    cy, h = (sq[1] + sq[3]) / 2, sq[3] - sq[1]
    prev_x = max([s[2] for s in squares if abs((s[1] + s[3]) / 2 - cy) < h and s[2] <= sq[0]],
                 default=-1)
    band = [w for w in words if abs(w.cy - cy) < 0.9 * h + 0.8 * ppm and w.x0 >= prev_x
            and w.x0 < sq[0] - 0.5 * ppm and sq[0] - w.x1 < 60 * ppm]
    row = [w for w in band if w.x1 <= sq[0] + 0.5 * ppm]
    if not band:
        # the box starts a line: its label wrapped onto the line above, starting at the
        # box's own left edge (a narrow table cell)
        above = [w for w in words if 0 < sq[1] - w.y1 < 4.5 * ppm + h
                 and sq[0] - 3 * ppm <= w.x0 < sq[0] + 45 * ppm]
        if above:
            top = max(w.y0 for w in above)
            row = [w for w in above if abs(w.y0 - top) < 2 * ppm]
            row.sort(key=lambda w: w.x0)
            run = [row[0]] if row else []
            for w in row[1:]:
                if w.x0 - run[-1].x1 > 4 * ppm:
                    break
                run.append(w)
            return " ".join(w.text for w in run)
    row.sort(key=lambda w: w.x0)
    # the run of words nearest the box (a cell's label, not the row label before it)
    run: list[Word] = []
    for w in reversed(row):
        if run and run[0].x0 - w.x1 > 4 * ppm:
            break
        run.insert(0, w)
    return " ".join(w.text for w in run)


def _option_match(label_text: str, options: list[tuple[str, str]]) -> tuple[str | None, float]:
    """Which option a box's label is: the best fuzzy match on its last words; between close
    matches the longer label ("chưa đạt yêu cầu" ends with "đạt yêu cầu")."""
    words = label_text.replace("□", " ").split()
    scored = []
    for value, label in options:
        lw = fold(label).lstrip("- ").split()
        tail = " ".join(words[-len(lw):]) if words else ""
        scored.append((float(fuzz.ratio(" ".join(lw), tail)), len(lw), value))
    good = [s for s in scored if s[0] >= T.legacy_label_min_score]
    if not good:
        return None, max((s[0] for s in scored), default=0.0)
    top = max(s[0] for s in good)
    best = max((s for s in good if s[0] >= top - 3), key=lambda s: (s[1], s[0]))
    return best[2], best[0]


def _dense_is_mark(evs: list) -> list:
    """A "□" glyph is half a formkit box: an ordinary pen tick covers most of its inside
    and reads as filled or "dense". When such a box is the only one of its row holding ink
    (the others clean and empty), it is the answer, with the confidence of a weaker reading;
    a dense box beside another mark stays as it was (cancelled? changed?)."""
    dense = [e for e in evs if (e.state is BoxState.FILLED or (
        e.state is BoxState.UNCERTAIN and not e.faint and not e.circled
        and e.score >= T.box_filled_uncertain))]
    others = [e for e in evs if e not in dense]
    if len(dense) != 1 or not all(e.state is BoxState.EMPTY and e.score <= T.box_empty_max / 2
                                  for e in others):
        return evs
    d = dense[0]
    d.state, d.confidence = BoxState.CHECKED, T.legacy_dense_mark_confidence
    return evs


def _from_peers(fid: str, value: str, got: dict, placed: dict
                ) -> tuple[int, int, int, int] | None:
    """Where the box of `value` must be in row `fid`, from the rows with the same options
    where both it and one of this row's found boxes were seen (median over those rows)."""
    options = placed[fid][1]
    guesses = []
    for other, (_k, opts, ogot, *_rest) in placed.items():
        if other == fid or opts != options or value not in ogot:
            continue
        for ref, sq in got.items():
            if ref in ogot:
                ov, orf = ogot[value], ogot[ref]
                dy = sq[1] - orf[1]
                guesses.append((ov[0], ov[1] + dy, ov[2], ov[3] + dy))
                break
    if not guesses:
        return None
    g = np.median(np.array(guesses), axis=0)
    return tuple(int(round(v)) for v in g)


def _box_after_label(label: str, words: list[Word], reg: tuple[int, int], hi: np.ndarray,
                     size: tuple[int, int], hi_ppm: float) -> tuple[int, int, int, int] | None:
    """Where the box of an option is when its outline was not found and no other row shows
    its column (a lone box, "Có □ Không □"): the label's words read in the field's rows, and
    the first box-sized ink after them on their line (the box under its mark); measure_box
    then finds the border near it. None when the label is not read or nothing is there."""
    lw = fold(label).lstrip("- ").split()
    bw, bh = size
    row = sorted((w for w in words if reg[0] <= w.cy < reg[1]), key=lambda w: (w.y0, w.x0))
    best, at = 0.0, None
    for j in range(len(row)):
        run = row[max(0, j - len(lw) + 1):j + 1]
        if len(run) < len(lw) or max(w.cy for w in run) - min(w.cy for w in run) > bh / 2:
            continue
        sc = float(fuzz.ratio(" ".join(lw), " ".join(w.text for w in run)))
        if sc > best:
            best, at = sc, run[-1]
    if at is None or best < T.legacy_label_min_score:
        return None
    x0, y0 = int(2 * at.x1), int(2 * at.cy - 1.5 * bh)
    win = hi[max(0, y0):int(2 * at.cy + 1.5 * bh), max(0, x0):int(x0 + T.legacy_box_after_mm
                                                                    * hi_ppm)]
    if win.size == 0:
        return None
    n, _lab, stats, _c = cv2.connectedComponentsWithStats((win < 150).astype(np.uint8))
    blobs = sorted((stats[i] for i in range(1, n)
                    if stats[i, 2] >= 0.8 * bw and stats[i, 3] >= 0.8 * bh
                    and stats[i, 2] <= 3 * bw and stats[i, 3] <= 3 * bh),
                   key=lambda st: st[0])
    if not blobs:
        return None
    x, y, w, h = blobs[0][:4]
    cx, cy = max(0, x0) + x + w / 2, max(0, y0) + y + h / 2
    return (int(cx - bw / 2), int(cy - bh / 2), int(cx - bw / 2) + bw, int(cy - bh / 2) + bh)


def _dots_lines(img: np.ndarray, y0: int, y1: int, ppm: float
                ) -> tuple[list[tuple[int, int, int]], np.ndarray]:
    """Dotted answer lines in rows y0..y1: (x0, x1, y) px, and the mask of their dots."""
    band = img[y0:y1]
    mask = np.zeros(img.shape, np.uint8)
    if band.size == 0:
        return [], mask
    bw = (band < 150).astype(np.uint8)
    n, _lab, stats, cent = cv2.connectedComponentsWithStats(bw, connectivity=8)
    small = [i for i in range(1, n) if stats[i, 2] <= 0.7 * ppm and stats[i, 3] <= 0.7 * ppm
             and stats[i, 4] >= 1]
    rows: dict[int, list[int]] = {}
    for i in small:
        rows.setdefault(int(cent[i][1] // (0.6 * ppm)), []).append(i)
    lines = []
    for _k, ids in sorted(rows.items()):
        if len(ids) < 25:
            continue
        xs = sorted(stats[i, 0] for i in ids)
        if xs[-1] - xs[0] < 40 * ppm:
            continue
        y = int(np.median([cent[i][1] for i in ids])) + y0
        if lines and abs(lines[-1][2] - y) < 1.5 * ppm:
            continue
        lines.append((int(xs[0]), int(xs[-1]), y))
    # every dot on a found line's height, also those the row grouping split off (a line
    # slanted across two rows of the grouping, or that writing interrupts): the line runs
    # from the first of them to the last
    spans = [[x0, x1] for x0, x1, _ in lines]
    cxy = np.array([cent[i] for i in small]).reshape(-1, 2)
    for i in small:
        for k, (_, _, ly) in enumerate(lines):
            if abs(cent[i][1] + y0 - ly) < 0.8 * ppm:
                x, yy, w, h = stats[i, :4]
                mask[y0 + yy:y0 + yy + h, x:x + w] = 1
                # the line does not start at the prompt's colon ("Ý kiến khác:"): a dot
                # with another just above it
                dx, dy = cxy[:, 0] - cent[i][0], cent[i][1] - cxy[:, 1]
                if not ((np.abs(dx) < 0.5 * ppm) & (dy > 0.8 * ppm) & (dy < 3 * ppm)).any():
                    spans[k] = [min(spans[k][0], int(x)), max(spans[k][1], int(x))]
                break
    return [(a, b, ly) for (a, b), (_, _, ly) in zip(spans, lines, strict=True)], mask


def _without_rules(img: np.ndarray, ppm: float) -> np.ndarray:
    """The page with its table rules taken out (a cell border just above a dotted line is
    print, not writing)."""
    ink = (img < 150).astype(np.uint8)
    horiz = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(
        cv2.MORPH_RECT, (int(12 * ppm), 1)))
    vert = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(
        cv2.MORPH_RECT, (1, int(6 * ppm))))
    rules = cv2.dilate(horiz | vert, np.ones((3, 3), np.uint8)).astype(bool)
    out = img.copy()
    out[rules] = 255
    return out


def read_page(gray: np.ndarray, ppm_scan: float, spec: FormSpec, ocr_text: bool = True
              ) -> LegacyPage:
    """Read one page with no QR code as the survey, or raise NotTheSurvey."""
    ppm = T.work_px_per_mm
    img = cv2.resize(gray, None, fx=ppm / ppm_scan, fy=ppm / ppm_scan,
                     interpolation=cv2.INTER_AREA if ppm < ppm_scan else cv2.INTER_LINEAR)
    _, angle = _deskew(img, ppm)
    # the glyph boxes are half the size of formkit's: they are measured at twice the work
    # resolution, straightened from the scan itself
    hi_ppm = 2 * ppm
    hi = cv2.resize(gray, None, fx=hi_ppm / ppm_scan, fy=hi_ppm / ppm_scan,
                    interpolation=cv2.INTER_CUBIC if hi_ppm > ppm_scan else cv2.INTER_AREA)
    if angle:
        h, w = hi.shape
        M = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
        hi = cv2.warpAffine(hi, M, (w, h), flags=cv2.INTER_LINEAR, borderValue=255)
        h, w = img.shape
        img = cv2.resize(hi, (w, h), interpolation=cv2.INTER_AREA)
    # the dotted answer lines, found once and taken out before the page is read: through
    # them Tesseract garbles the prompt beside them ("Ý kiến khác") and what is written
    dots, dot_mask = _dots_lines(img, 0, img.shape[0], ppm)
    clean = img.copy()
    clean[cv2.dilate(dot_mask, np.ones((3, 3), np.uint8)).astype(bool)] = 255
    lines = _ocr_lines(clean, ppm)
    anchors = _find_anchors(lines)
    counts = {p: sum(1 for k in anchors if PART_OF[k] == p) for p in PARTS}
    parts = {p for p in PARTS if counts[p] >= PART_MIN_ANCHORS}
    if not parts:
        raise NotTheSurvey(say("page.legacy.not_the_survey", found=sum(counts.values()),
                               total=len(ANCHORS)).dumps())
    words = [w for ln in lines for w in ln.words]
    # found on the finer image, where a 2 mm glyph's outline is sharp; the label search
    # works on the work image (half the scale)
    squares_hi = _squares(hi, hi_ppm)
    squares = [(a // 2, b // 2, c // 2, d // 2) for a, b, c, d in squares_hi]
    fine = dict(zip(squares, squares_hi, strict=True))
    # without the table's rules: a cell border 1.5 mm from a box would pass for its edge
    page = _Page(_without_rules(hi, hi_ppm))
    form_page = min(parts)
    order = [k for k, _, p in ANCHORS if k in anchors and p in parts]
    tops = {k: anchors[k].y0 for k in order}

    keys = [k for k, _, _ in ANCHORS]

    def region(key: str, text: bool = False) -> tuple[int, int] | None:
        if key not in anchors:
            if not text:
                return None
            # a prompt not read (a hand wrote over it): its dotted lines lie between the
            # anchors found before and after it
            before = [k for k in order if keys.index(k) < keys.index(key)]
            after = [k for k in order if keys.index(k) > keys.index(key)]
            if not before:
                return None
            y0 = anchors[before[-1]].y1 + int(0.5 * ppm)
            y1 = tops[after[0]] - int(0.3 * ppm) if after else img.shape[0]
            return y0, y1
        i = order.index(key)
        y0 = tops[key] - int(1.0 * ppm)
        y1 = tops[order[i + 1]] - int(0.3 * ppm) if i + 1 < len(order) else img.shape[0]
        if not text:  # a question's boxes follow its wording closely
            y1 = min(y1, y0 + int(T.legacy_region_max_mm * ppm))
        return y0, y1

    results: dict[str, FieldResult] = {}
    located: list[tuple[BoxPos, FieldResult | None]] = []
    measures = []
    per_field: dict[str, list[tuple[BoxPos, B.BoxMeasure]]] = {}
    zones: list[ZonePos] = []
    unverified: set[str] = set()
    placed: dict[str, tuple] = {}  # field → its boxes found and missing (see below)
    by_peers: set[str] = set()
    placed_values: dict[str, set[str]] = {}  # field → its boxes placed from the other rows
    regions: dict[str, tuple[int, int]] = {}
    by_label: set[str] = set()  # a box placed after its label (its outline not found)
    for f in spec.fields.values():
        key = FIELD_ANCHORS.get(f.id)
        if key is None or PART_OF[key] not in parts:
            continue
        kind = "text" if f.kind.value == "text" else ("flag" if f.kind.value == "flag"
                                                      else "single")
        reg = region(key, kind == "text")
        if reg is None:
            results[f.id] = _unreadable(f.id, kind, form_page,
                                        say("note.legacy.wording_not_found"))
            continue
        if kind == "text":
            found = [d for d in dots if reg[0] <= d[2] < reg[1]]
            if not found:
                results[f.id] = _unreadable(f.id, kind, form_page,
                                            say("note.legacy.no_dotted_line"))
                continue
            x0 = min(a for a, _, _ in found) / ppm
            x1 = max(b for _, b, _ in found) / ppm
            ys = [y / ppm for _, _, y in found]
            # the writing rises 4.5 mm above its line, unless print is closer: in a dense
            # one-page print the table row above ends 3 mm over the line, and its text and
            # ticks would read as writing
            top = ys[0] - 4.5
            printed = [w.y1 / ppm for w in words if w.y1 / ppm < ys[0] - T.legacy_zone_clear_mm
                       and w.x1 / ppm > x0 and w.x0 / ppm < x1]
            if printed:
                top = max(top, max(printed) + 0.3)
            zones.append(ZonePos(f.id, Rect(x0, top, x1 - x0, ys[-1] - top + 0.5),
                                 tuple((a / ppm, b / ppm, y / ppm) for a, b, y in found)))
            continue
        options = [("x", f.label)] if kind == "flag" else [(o.value, o.label)
                                                          for o in f.options]
        in_reg = sorted((s for s in squares if reg[0] <= (s[1] + s[3]) / 2 < reg[1]),
                        key=lambda s: (round((s[1] + s[3]) / 2 / (2.5 * ppm)), s[0]))
        got: dict[str, tuple[int, int, int, int]] = {}
        extra = []
        for sq in in_reg:
            value, _sc = _option_match(_label_before(sq, words, squares, ppm), options)
            if value is None or value in got:
                extra.append(sq)
            else:
                got[value] = sq
        missing = [v for v, _ in options if v not in got]
        verified = len(got)
        if (missing or extra) and len(in_reg) == len(options) and \
                2 * verified >= len(options) and \
                all(in_reg.index(got[v]) == i for i, (v, _) in enumerate(options) if v in got):
            # as many boxes as options, the labels that were read in the form's order: the
            # others are the boxes in between (their label was misread, e.g. "Có □")
            got = {v: in_reg[i] for i, (v, _) in enumerate(options)}
            missing, extra = [], []
            unverified.add(f.id)
        placed[f.id] = (kind, options, {v: fine[sq] for v, sq in got.items()},
                        missing, len(extra))
        regions[f.id] = reg
    # a box whose outline a mark broke up: in a table of rows with the same options it
    # sits in its option's column, at its row's height (both taken from the other rows)
    for fid, (kind, options, got_hi, missing, n_extra) in placed.items():
        if missing and not n_extra and got_hi and kind == "single":
            for v in list(missing):
                guess = _from_peers(fid, v, got_hi, placed)
                if guess is not None:
                    got_hi[v] = guess
                    missing.remove(v)
                    placed_values.setdefault(fid, set()).add(v)
            if not missing:
                by_peers.add(fid)
        if missing and not n_extra and squares_hi:
            size = (int(np.median([r[2] - r[0] for r in squares_hi])),
                    int(np.median([r[3] - r[1] for r in squares_hi])))
            for v in list(missing):
                lab = next(lab for val, lab in options if val == v)
                guess = _box_after_label(lab, words, regions[fid], hi, size, hi_ppm)
                if guess is not None and not any(
                        min(guess[2], o[2]) > max(guess[0], o[0]) and
                        min(guess[3], o[3]) > max(guess[1], o[1]) for o in got_hi.values()):
                    got_hi[v] = guess
                    missing.remove(v)
                    placed_values.setdefault(fid, set()).add(v)
            if not missing:
                by_label.add(fid)
        if missing or n_extra:
            why = []
            if missing:
                why.append(str(say("note.legacy.no_box_beside", labels=", ".join(
                    lab for v, lab in options if v in missing))))
            if n_extra:
                why.append(str(say("note.legacy.extra_boxes", n=n_extra)))
            results[fid] = _unreadable(fid, kind, form_page,
                                       say("note.legacy.boxes_do_not_fit",
                                           why="; ".join(why)))
            continue
        for value, label in options:
            sq = got_hi[value]
            # the layout's box is the border's centre line: the outline's bounds less a px
            pos = BoxPos(fid, value, label, Rect((sq[0] + 1) / hi_ppm, (sq[1] + 1) / hi_ppm,
                                                  (sq[2] - sq[0] - 2) / hi_ppm,
                                                  (sq[3] - sq[1] - 2) / hi_ppm))
            m = B.measure_box(page, hi_ppm, pos)
            measures.append(m)
            per_field.setdefault(fid, []).append((pos, m))
    # print crowds a "□" (its label, a cell's text and borders): ink around a box counts
    # as a drawn circle only beyond what surrounds this page's empty boxes
    quiet = sorted(m.ring_sides for m in measures if m.ink < 0.02 and m.light < 0.05)
    ring_base = quiet[len(quiet) // 2] if quiet else 0
    for m in measures:
        m.ring_sides = m.ring_sides if m.ring_sides > ring_base + 1 else 0
    line_floor = B.page_line_floor(measures)
    quality = T.legacy_location_quality
    box_rects: dict[str, tuple[int, int, int, int]] = {}
    inked: set[str] = set()
    for fid, items in per_field.items():
        evs = _dense_is_mark([B.classify_box(m, pos.value, line_floor) for pos, m in items])
        if os.environ.get("FORMKIT_LEGACY_DEBUG"):
            print(fid, [(p.rect.as_list(), m.rect_px, round(m.ink, 3), m.ring_sides,
                         e.state.value) for (p, m), e in zip(items, evs, strict=True)])
        q = quality * (T.legacy_unverified_factor if fid in unverified else 1.0) * \
            (T.legacy_peer_factor if fid in by_peers or fid in by_label else 1.0)
        res = B.decide_choice(spec, fid, evs, form_page, q, line_floor)
        # a box's outline is not found mostly because a mark covers it: placed from the
        # other rows and read empty, it is more likely misplaced than empty (review)
        doubt = (fid in by_peers or fid in by_label) and any(
            ev.state is BoxState.EMPTY for (pos, _m), ev in zip(items, evs, strict=True)
            if pos.value in placed_values.get(fid, ()))
        # a glyph box is where its outline was found (shifts under 0.2 mm; a mark's edges
        # pull a ticked one up to 1.2 mm): a measurement that ran to the end of its search
        # found another border (a letter beside it, a mark's edge), not this box
        moved = any(float(np.hypot(*m.shift_mm)) > T.legacy_box_shift_max_mm
                    for _pos, m in items)
        doubt = doubt or moved
        if doubt:
            res.confidence = min(res.confidence, T.review_confidence / 2)
        res.note = notes.join(
            res.note, say("note.legacy.located_by_wording"),
            say("note.legacy.placed_from_rows") if fid in by_peers else "",
            say("note.legacy.placed_after_label") if fid in by_label else "",
            say("note.legacy.placed_box_empty") if doubt and not moved else "",
            say("note.legacy.box_moved") if moved else "")
        results[fid] = res
        for (pos, m), ev in zip(items, evs, strict=True):
            located.append((pos, res))
            box_rects[f"{fid}={pos.value}"] = m.rect_px
            if ev.state is not BoxState.EMPTY:
                inked.add(f"{fid}={pos.value}")
    B.doubt_blanks_on_pale_pages([r for r in results.values() if r.boxes])
    grids = box_grids(page.img, box_rects, inked)
    # inked by what the crop holds, not by the box's reading: a pale copy reads some empty
    # boxes as uncertain, and a re-scan must still compare the same strokes
    fingerprint = Fingerprint(tuple(sorted(parts)), grids, {
        k for k, g in grids.items() if float((g > 0.3).mean()) >= T.legacy_fingerprint_box_ink})
    writing = _without_rules(clean, ppm)
    for z in zones:
        r = z.rect
        g = zone_grid(writing, (int(r.x * ppm), int(r.y * ppm), int((r.x + r.w) * ppm),
                                int((r.y + r.h) * ppm)))
        if g is not None:
            fingerprint.elements[z.field] = g
            fingerprint.inked.add(z.field)
    if zones:
        if ocr_text:
            from formkit.scan.text import read_text_zones

            for res in read_text_zones(writing, ppm, zones,
                                       page=form_page):
                if res.status is not Status.BLANK:
                    res.confidence *= quality
                results[res.field] = res
        else:
            for z in zones:
                results[z.field] = _unreadable(z.field, "text", form_page,
                                               say("note.legacy.text_not_read"))
    for r in results.values():
        r.page = form_page
    return LegacyPage(parts, results, fingerprint, angle, located, img)


def _unreadable(fid: str, kind: str, page: int, why: Message) -> FieldResult:
    return FieldResult(fid, kind, None, Status.UNREADABLE, 0.0, page=page,
                       note=notes.join(why))


# ---- the batch's hook (formkit.scan.batch) ------------------------------------------------
#: PageOutcome.reason of every page read this way: the batch report says which they were
READ_BY_WORDING = say("page.legacy.read_by_wording")


def analyse(reader, pg, gray: np.ndarray, ppm_scan: float, res) -> bool:
    """Read a page without a QR code as the survey for BatchReader._analyse: fills `res`
    (a PageRead) and returns True when the page is the survey; False leaves the page to be
    rejected with the QR code's reason. A page that does not read as the survey is
    rejected here with what was found."""
    from formkit.identity import PageIdentity
    from formkit.scan import load
    from formkit.scan.result import PageSource

    spec = reader.specs.get(FORM)
    if spec is None or not reader.ocr:
        return False
    try:
        from formkit._exec.tesseract import check_tesseract

        check_tesseract()
    except Exception:
        return False  # no OCR here: the page is rejected for its missing QR code
    try:
        lp = read_page(gray, ppm_scan, spec, ocr_text=reader._text_reader is not None)
    except NotTheSurvey as exc:
        res.outcome.reason = catalogue.loads(str(exc)) or ""
        return True
    year = (reader.received.year if reader.received else 0) or 0
    res.ident = PageIdentity(FORM, LAYOUT_ID, year, reader.unit or "", 0, lp.form_page,
                             len(PARTS))
    res.legacy = lp
    res.fields = lp.fields
    res.source = PageSource(load.label(pg.file), pg.index, lp.form_page, pg.sha256,
                            int(round(lp.rotation)), quality=T.legacy_location_quality)
    res.outcome.form_page = lp.form_page
    res.outcome.outcome = "read"
    res.outcome.reason = READ_BY_WORDING
    return True


def remember(reader, known: list[tuple[str, str]]) -> None:
    """Fingerprints (JSON, where) of pages kept by earlier batches, for duplicate_of."""
    reader.__dict__.setdefault("legacy_known", []).extend(
        (Fingerprint.from_json(fp), where) for fp, where in known)


def duplicate_of(reader, lp: LegacyPage, outcome=None) -> str | None:
    """Whether a page read by its wording is a re-scan of a page read before (in this batch,
    or in an earlier one whose fingerprints `reader.legacy_known` holds): a strong match of
    the ink of its answers returns the duplicate's reason (not counted twice); a weak one
    keeps the page but sends every field of it to review as a possible duplicate (never
    dropped on a guess). The page is remembered for the pages after it."""
    seen: list = reader.__dict__.setdefault("legacy_known", [])
    where = f"{Path(outcome.file).name} trang {outcome.page}" if outcome is not None else \
        f"trang thứ {len(seen) + 1} của lô"
    best, best_where, strong = 0.0, "", False
    for fp, w in seen:
        sim = similarity(fp, lp.fingerprint)
        if sim > best:
            # a page with one or two marks is too little to tell a re-scan from a copy
            # ticked alike: at most a possible duplicate
            best, best_where = sim, w
            strong = sim >= T.legacy_duplicate_strong and \
                evidence(fp, lp.fingerprint) >= T.legacy_duplicate_min_elements
    if strong:
        return say("page.legacy.duplicate", where=best_where,
                   similarity=f"{100 * best:.0f}")
    seen.append((lp.fingerprint, where))
    reader.__dict__.setdefault("legacy_new", []).append((lp.fingerprint, where))
    if best >= T.legacy_duplicate_weak:
        note = say("note.legacy.possible_duplicate", where=best_where,
                   similarity=f"{100 * best:.0f}")
        for r in lp.fields.values():
            r.confidence = min(r.confidence, T.review_confidence / 2)
            r.note = notes.join(r.note, note)
        if outcome is not None:
            outcome.reason = note  # read by its wording, and possibly a re-scan
    return None
