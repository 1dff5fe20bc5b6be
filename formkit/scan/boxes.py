"""Tick-box evidence and per-question decisions.

Each box is first found precisely near its layout place (the printed square's borders are
the two strongest column and row pairs one box-width apart), so the measurement excludes
the printed border. Inside, darkness is normalised between the local paper and the printed
border (the page's own black), which makes a light pencil tick comparable to a pen stroke
on a dark photocopy. Evidence per box:
  ink      share of the interior darker than half-way to the border's black
  light    share darker than a fifth of the way (pencil, faint ballpoint)
  center   share of light ink in the central part: real marks cross the middle; a stroke
           that wanders in from a neighbour only grazes an edge
  ring     how many sides around the box carry ink: a circle drawn around the box
  line     mean darkness along the best straight segment through the middle, streaks
           and specks taken out: a pale pencil stroke that the shares above miss

Size (just over 500 lines): the measurement of a box and the decisions on its evidence
share the measure's fields and thresholds; the rules common to scans and digital forms
are in scan/decide.py.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from formkit import notes
from formkit.catalogue import Message, say
from formkit.scan.decide import Decision, apply_condition, decide_field
from formkit.scan.locate import AlignedPage
from formkit.scan.question import StrayInk
from formkit.scan.result import BoxEvidence, BoxState, FieldResult, Status
from formkit.spec.layout import BoxPos
from formkit.spec.model import FieldKind, FormSpec
from formkit.thresholds import T

BORDER_MM = 0.35  # printed border width (1 pt)
# darkness (0 paper … 1 the printed black) above which a pixel adds no more to the faint
# stroke evidence: pencil lies below it, so a few dark specks cannot outweigh a long pale line
LINE_CLIP = 0.4


@dataclass
class BoxMeasure:
    ink: float
    light: float
    center: float
    faint: float  # extent of the largest faint connected trace across the middle
    ring_sides: int
    shift_mm: tuple[float, float]
    rect_px: tuple[int, int, int, int]  # refined box (x0, y0, x1, y1) in aligned px
    line: float = 0.0  # strongest straight faint stroke (mean darkness along a line)
    crossing: int = 0  # sides where a stroke runs from inside the box out through its border
    peak: float = 1.0  # darkness of the mark's darkest part (0 paper … 1 the printed black)
    offset_mm: tuple[float, float] = (0.0, 0.0)  # where the search was centred (shift_field)


def _quantile(a: np.ndarray, q: float) -> float:
    """The q-quantile of `a` (nearest rank): np.percentile's interpolation costs more than
    it tells on a few thousand pixels, and this runs several times per box."""
    flat = a.ravel()
    k = min(flat.size - 1, int(q * (flat.size - 1) + 0.5))
    return float(np.partition(flat, k)[k])


def _best_pair(profile: np.ndarray, gap: int, lo: int, hi: int, expected: int) -> int:
    """Start index x in [lo, hi] maximising profile[x] + profile[x + gap]; ties → nearest
    to the expected place (a completely filled box has no single best)."""
    best_x, best_v = expected, -1.0
    for x in range(max(lo, 0), min(hi, len(profile) - gap - 1) + 1):
        v = float(profile[x] + profile[x + gap]) - 0.002 * abs(x - expected)
        if v > best_v:
            best_v, best_x = v, x
    return best_x


def measure_box(aligned: AlignedPage, ppm: float, box: BoxPos,
                pale_level: float = 0.2,
                offset_mm: tuple[float, float] = (0.0, 0.0),
                search_mm: float | None = None) -> BoxMeasure:
    """The evidence of one box. `pale_level` is how dark (share of the print's black) ink
    must be to count as a pale mark: a fifth on a clean page, more on a page whose reverse
    shows through (scan.question.stray_ink measures that). `offset_mm` moves the search
    from the layout place to where the page's other boxes say this one lies (shift_field);
    `search_mm` widens the search (to find how far a page that does not lie flat moved)."""
    r = box.rect
    search = int(round((search_mm or T.box_search_mm) * ppm))
    ring_pad = int(round(2.6 * ppm))
    pad = max(search, ring_pad) + 2
    bx0 = int(round((r.x + offset_mm[0]) * ppm))
    by0 = int(round((r.y + offset_mm[1]) * ppm))
    bw, bh = int(round(r.w * ppm)), int(round(r.h * ppm))
    h, w = aligned.shape
    wx0, wy0 = max(0, bx0 - pad), max(0, by0 - pad)
    wx1, wy1 = min(w, bx0 + bw + pad + 1), min(h, by0 + bh + pad + 1)
    win = aligned.crop(wx0, wy0, wx1, wy1).astype(np.float32)
    win = cv2.GaussianBlur(win, (3, 3), 0)
    paper = _quantile(win, 0.9)
    dark = np.clip(paper - win, 0, None)

    # refine: the border columns/rows are the strongest pair one box-width apart
    ex, ey = bx0 - wx0, by0 - wy0
    rows = slice(max(0, ey + 2), min(dark.shape[0], ey + bh - 1))
    cols = slice(max(0, ex + 2), min(dark.shape[1], ex + bw - 1))
    col_profile = dark[rows, :].sum(axis=0)
    row_profile = dark[:, cols].sum(axis=1)
    x = _best_pair(col_profile, bw, ex - search, ex + search, ex)
    y = _best_pair(row_profile, bh, ey - search, ey + search, ey)
    # the printed border gives the page's black level for this box
    border_px = max(1, int(round(BORDER_MM * ppm)))
    edge = np.concatenate([
        dark[y:y + bh + 1, max(0, x - border_px // 2):x + border_px // 2 + 1].ravel(),
        dark[y:y + bh + 1, x + bw - border_px // 2:x + bw + border_px // 2 + 1].ravel(),
    ])
    black = max(_quantile(edge, 0.6) if edge.size else 0.0, 40.0)
    norm = dark / black

    inset = border_px // 2 + int(round(0.45 * ppm))
    o1, o2 = int(round(0.5 * ppm)), int(round(2.0 * ppm))  # the band around the box
    inner = (slice(y + inset, y + bh - inset + 1), slice(x + inset, x + bw - inset + 1))
    interior = norm[inner]
    if interior.size == 0:
        interior = np.zeros((1, 1), np.float32)
    ink = float((interior > 0.5).mean())
    # the pale measures leave out what runs straight through the whole window (a copier's
    # drum streak, a line of dirt on the scanner glass): it is no respondent's mark, and at
    # pencil darkness it would pass for one. Dark ink is measured as it is, so a real
    # stroke is never taken away
    cols, rows = _straight_through(dark, x, y, bw, bh, o1, o2)
    # only what stands out from the window's own paper noise: subtracting the noise level
    # too (twice, by row and by column) would thin out a pencil stroke on a grainy page
    pale = (_minus(dark, np.clip(cols - np.median(cols), 0, None),
                   np.clip(rows - np.median(rows), 0, None)) / black)[inner]
    if pale.size == 0:
        pale = np.zeros((1, 1), np.float32)
    light = float((pale > pale_level).mean())
    # how dark the mark itself is at its darkest (its top 2 % of pixels): a pen or pencil
    # stroke reaches well into the print's black; the other side of the sheet seen through
    # thin paper, or a copy's grey haze, never does
    peak = _quantile(pale, 0.98)
    # faint marks (a hard pencil, a pale ballpoint): smooth harder so paper noise and JPEG
    # ringing average out while a stroke 0.3 mm wide survives
    smooth = cv2.GaussianBlur(pale, (5, 5), 0)
    sh, sw = smooth.shape
    core = smooth[int(sh * 0.2):sh - int(sh * 0.2), int(sw * 0.2):sw - int(sw * 0.2)]
    # the middle only: shading and JPEG ringing of the border stay near the edges. A
    # stroke is one long connected trace across the middle; noise, however strong, breaks
    # up into blobs: measure the extent of the largest connected trace
    faint = 0.0
    if core.size:
        mask = (core > pale_level - 0.11).astype(np.uint8)
        n, _lab, stats, _c = cv2.connectedComponentsWithStats(mask, connectivity=8)
        if n > 1:
            big = stats[1:, cv2.CC_STAT_AREA].argmax() + 1
            faint = float(max(stats[big, cv2.CC_STAT_WIDTH] / core.shape[1],
                              stats[big, cv2.CC_STAT_HEIGHT] / core.shape[0]))
    ih, iw = pale.shape
    cy0, cx0 = int(ih * 0.22), int(iw * 0.22)
    center_part = pale[cy0:ih - cy0, cx0:iw - cx0]
    center = float((center_part > pale_level).mean()) if center_part.size else 0.0

    # a band 0.5–2.0 mm around the box, in eleven segments (three along the top, the
    # bottom and the right side, and the two right corners; the left side carries the
    # option's label). A circle drawn around the box leaves ink in most of them; noise, a
    # neighbour's stray stroke or the next row's box (2.5 mm away) in few.
    thirds_x = [x + bw * i // 3 for i in range(4)]
    thirds_y = [y + bh * i // 3 for i in range(4)]
    segments = []
    for i in range(3):
        segments.append(norm[max(0, y - o2):max(0, y - o1), thirds_x[i]:thirds_x[i + 1]])
        segments.append(norm[y + bh + o1:y + bh + o2, thirds_x[i]:thirds_x[i + 1]])
        segments.append(norm[thirds_y[i]:thirds_y[i + 1], x + bw + o1:x + bw + o2])
    segments.append(norm[max(0, y - o2):max(0, y - o1), x + bw + o1:x + bw + o2])
    segments.append(norm[y + bh + o1:y + bh + o2, x + bw + o1:x + bw + o2])
    sides = sum(1 for seg in segments
                if seg.size and (seg > max(0.25, pale_level)).mean() > 0.04)
    rect = (wx0 + x, wy0 + y, wx0 + x + bw, wy0 + y + bh)
    # straight-stroke evidence, darkness clipped: a toner speck is dark but tiny, a pencil
    # stroke pale but long
    # a stroke's contrast over the local paper: streaks and the noise level taken away
    contrast = (_minus(dark, cols, rows) / black)[inner]
    line = _line_response(np.minimum(contrast, LINE_CLIP)) if contrast.size else 0.0
    crossing = _border_crossings(norm, x, y, bw, bh, border_px, inset, ppm)
    shift = ((x - ex) / ppm + offset_mm[0], (y - ey) / ppm + offset_mm[1])
    return BoxMeasure(ink, light, center, faint, sides, shift, rect, line, crossing, peak,
                      offset_mm)


def _border_crossings(norm: np.ndarray, x: int, y: int, bw: int, bh: int, border_px: int,
                      inset: int, ppm: float) -> int:
    """Sides of the box where ink just inside it lines up with ink just outside it: a stroke
    running through the border, as a neighbour's mark wandering in does. A dot or a tick
    drawn inside the box touches no side; the printed border itself lies between the two
    bands and is in neither."""
    depth = max(2, int(round(0.6 * ppm)))
    gap = border_px + 1  # clear of the printed border and its blur
    lo, hi = inset, max(inset + 1, bw - inset)  # along the side, clear of the corners
    lo_y, hi_y = inset, max(inset + 1, bh - inset)
    pairs = (  # (inside band, outside band), each indexed [across, along] as a 2-D array
        (norm[y + inset:y + inset + depth, x + lo:x + hi],
         norm[max(0, y - gap - depth):max(0, y - gap), x + lo:x + hi]),            # top
        (norm[y + bh - inset - depth:y + bh - inset, x + lo:x + hi],
         norm[y + bh + gap:y + bh + gap + depth, x + lo:x + hi]),                  # bottom
        (norm[y + lo_y:y + hi_y, x + inset:x + inset + depth].T,
         norm[y + lo_y:y + hi_y, max(0, x - gap - depth):max(0, x - gap)].T),      # left
        (norm[y + lo_y:y + hi_y, x + bw - inset - depth:x + bw - inset].T,
         norm[y + lo_y:y + hi_y, x + bw + gap:x + bw + gap + depth].T),            # right
    )
    crossed = 0
    for inside, outside in pairs:
        if inside.size == 0 or outside.size == 0 or inside.shape[1] != outside.shape[1]:
            continue
        a = (inside > 0.35).any(axis=0)
        b = (outside > 0.35).any(axis=0)
        if b.mean() > 0.5:  # a line along the side (a streak, a misplaced border): no stroke
            continue
        # the same stroke on both sides, allowing for its slant across the border
        # ("full" cut to the side's length: "same" returns 5 values for a side shorter than 5)
        a = np.convolve(a, np.ones(5), mode="full")[2:2 + len(a)] > 0
        if (a & b).any():
            crossed += 1
    return crossed


def _straight_through(dark: np.ndarray, x: int, y: int, bw: int, bh: int, o1: int, o2: int
                      ) -> tuple[np.ndarray, np.ndarray]:
    """(per column, per row) darkness that continues straight across the box: per column,
    the lesser of the medians of the bands above and below the box; per row, the lesser of
    the bands left and right of it. A streak crosses both bands, a respondent's stroke, a
    circle or a neighbour's mark at most one (and the median ignores a thin crossing), the
    option label only the left one."""
    def lesser(a: np.ndarray, b: np.ndarray, axis: int, n: int) -> np.ndarray:
        if a.size == 0 or b.size == 0:
            return np.zeros(n, np.float32)
        mid_a, mid_b = a.shape[axis] // 2, b.shape[axis] // 2
        return np.minimum(np.take(np.sort(a, axis=axis), mid_a, axis=axis),
                          np.take(np.sort(b, axis=axis), mid_b, axis=axis))

    h, w = dark.shape
    cols = lesser(dark[max(0, y - o2):max(0, y - o1), :], dark[y + bh + o1:y + bh + o2, :],
                  0, w)
    rows = lesser(dark[:, max(0, x - o2):max(0, x - o1)], dark[:, x + bw + o1:x + bw + o2],
                  1, h)
    return cols, rows


def _minus(dark: np.ndarray, cols: np.ndarray, rows: np.ndarray) -> np.ndarray:
    return np.clip(dark - cols[None, :] - rows[:, None], 0, None)


def alignment_quality(mark_quality: float, measures: list[BoxMeasure]) -> float:
    """Registration quality confirmed by the boxes themselves: when the printed squares
    were found where the fit put them, the page is well aligned even if a registration
    mark was lost (cropped, stained); when they were not, confidence drops."""
    if not measures:
        return mark_quality
    # measured from where each search was centred: a page that does not lie flat moves its
    # boxes smoothly, and once shift_field has followed that, the boxes are where it says
    shifts = np.array([np.hypot(m.shift_mm[0] - m.offset_mm[0], m.shift_mm[1] - m.offset_mm[1])
                       for m in measures])
    median, worst = float(np.median(shifts)), float(shifts.max())
    if median <= 0.5 and worst <= T.box_search_mm * 0.9:
        return max(mark_quality, 0.97)
    if median > 1.0:
        return min(mark_quality, 0.5)
    return mark_quality


def shift_field(boxes: list[BoxPos], measures: list[BoxMeasure], page_mm: tuple[float, float],
                search_mm: float | None = None) -> list[tuple[float, float]] | None:
    """Where each box lies when the page does not lie flat (curled, damp, a roller slip):
    the registration marks at the corners place the page, but its middle may move a few mm
    more, smoothly. The boxes found near their places say how: a quadratic surface in x
    and y is fitted to their shifts (robustly: boxes that disagree are left out) and gives
    each box's expected shift. None when the page is flat (every box found close to its
    place) or when the boxes do not agree on a smooth surface."""
    shifts = np.array([m.shift_mm for m in measures], np.float64)
    if len(boxes) < 2:
        return None
    size = np.hypot(shifts[:, 0], shifts[:, 1])
    if float(np.median(size)) <= 0.5 and float(size.max()) <= T.box_search_mm * 0.6:
        return None
    w, h = page_mm
    cx = np.array([(b.rect.x + b.rect.w / 2) / w - 0.5 for b in boxes])
    cy = np.array([(b.rect.y + b.rect.h / 2) / h - 0.5 for b in boxes])
    design = np.stack([np.ones_like(cx), cx, cy, cx * cx, cx * cy, cy * cy], axis=1)
    if len(boxes) < 6:  # a few boxes close together: they move as one
        design = design[:, :1]
    elif len(boxes) < 12 or np.ptp(cx) < 0.2:  # too few, or one column: a plane at most
        design = design[:, :3]
    # a shift at the edge of the search may be further still: it does not vote
    use = (np.abs(shifts) < (search_mm or T.box_search_mm) * 0.9).all(axis=1)
    for _ in range(3):
        if use.sum() < design.shape[1] + (1 if design.shape[1] == 1 else 3):
            return None
        coef, *_ = np.linalg.lstsq(design[use], shifts[use], rcond=None)
        residual = np.hypot(*(design @ coef - shifts).T)
        keep = use & (residual <= T.shift_field_residual_mm)
        if keep.sum() == use.sum():
            break
        use = keep
    if use.sum() < 0.6 * len(boxes):
        return None
    return [(float(dx), float(dy)) for dx, dy in design @ coef]


def follow_unflat_page(aligned: AlignedPage, ppm: float, boxes: list[BoxPos],
                       measures: list[BoxMeasure]) -> list[tuple[BoxPos, BoxMeasure]]:
    """The boxes measured where they lie on a page that does not lie flat (shift_field);
    the measures as they are on a flat page. When the boxes were found at the edge of their
    search they may lie further still: a wider search first learns how the page moved."""
    page_mm = (aligned.shape[1] / ppm, aligned.shape[0] / ppm)
    expected = shift_field(boxes, measures, page_mm)
    if expected is None and np.median([np.hypot(*m.shift_mm) for m in measures]) \
            > T.box_search_mm / 2:
        wide = [measure_box(aligned, ppm, box, search_mm=T.box_wide_search_mm)
                for box in boxes]
        expected = shift_field(boxes, wide, page_mm, T.box_wide_search_mm)
    if expected is None:
        return list(zip(boxes, measures, strict=True))
    return [(box, measure_box(aligned, ppm, box, offset_mm=offset))
            for box, offset in zip(boxes, expected, strict=True)]


_LINE_KERNELS: dict[int, list[np.ndarray]] = {}


def _line_kernels(length: int) -> list[np.ndarray]:
    """Averaging kernels along straight segments at eight angles."""
    if length not in _LINE_KERNELS:
        kernels = []
        for angle in np.arange(0, 180, 22.5):
            k = np.zeros((length, length), np.float32)
            c = (length - 1) / 2
            dx, dy = np.cos(np.radians(angle)), np.sin(np.radians(angle))
            cv2.line(k, (int(round(c - dx * c)), int(round(c - dy * c))),
                     (int(round(c + dx * c)), int(round(c + dy * c))), 1.0, 1)
            kernels.append(k / k.sum())
        _LINE_KERNELS[length] = kernels
    return _LINE_KERNELS[length]


def _line_response(interior: np.ndarray) -> float:
    """Mean darkness along the best straight segment through the middle of the box: a
    faint pencil stroke adds up along its length while paper noise averages out."""
    h, w = interior.shape
    if h < 8 or w < 8:
        return 0.0
    length = max(5, (min(h, w) * 3 // 5) | 1)
    best = 0.0
    for k in _line_kernels(length):
        resp = cv2.filter2D(interior.astype(np.float32), -1, k, borderType=cv2.BORDER_REPLICATE)
        sub = resp[h // 4:h - h // 4, w // 4:w - w // 4]
        if sub.size:
            best = max(best, float(sub.max()))
    return best


def _ramp(v: float, lo: float, hi: float) -> float:
    """0 at lo, 1 at hi (either direction), clipped."""
    if hi == lo:
        return 1.0
    return float(np.clip((v - lo) / (hi - lo), 0.0, 1.0))


def page_line_floor(measures: list[BoxMeasure]) -> float:
    """How strong a 'faint stroke' must be on this page: noise, toner and JPEG artefacts
    raise the line response of every empty box of a page alike, a real stroke stands out."""
    quiet = sorted(m.line for m in measures if m.ink < 0.02 and m.light < 0.05)
    if not quiet:
        return T.box_faint_line
    return max(T.box_faint_line, 2.0 * quiet[len(quiet) // 2] + 0.04)


def classify_box(m: BoxMeasure, value: str, line_floor: float | None = None) -> BoxEvidence:
    """State and confidence of one box from its measurements (thresholds in T)."""
    line_floor = T.box_faint_line if line_floor is None else line_floor
    score = max(m.ink, 0.6 * m.light)
    # coverage counts pale ink fully: a box blacked out in pencil is as cancelled as one
    # blacked out in ink
    coverage = max(m.ink, m.light)
    if coverage >= T.box_filled_min:
        conf = 0.6 + 0.4 * _ramp(coverage, T.box_filled_min, 0.97)
        return BoxEvidence(value, BoxState.FILLED, m.ink, coverage, conf)
    if coverage >= T.box_filled_uncertain:
        return BoxEvidence(value, BoxState.UNCERTAIN, m.ink, coverage, 0.35)
    compact = score >= T.box_dot_min and m.center >= 2.5 * score  # a dot in the middle
    if (score >= T.box_checked_min and m.center >= 0.03) or compact:
        lo = T.box_dot_min if compact else T.box_checked_min
        conf = 0.55 + 0.45 * _ramp(score, lo, 2.2 * lo)
        conf *= 0.5 + 0.5 * _ramp(m.center, 0.03, 0.08)
        state = BoxState.CHECKED if conf >= 0.5 else BoxState.UNCERTAIN
        if state is BoxState.CHECKED and m.crossing and conf < T.clear_mark_confidence:
            # a thin stroke that runs on out through the border: the arm of a neighbour's
            # mark wandering in looks just like a respondent's light tick from inside
            return BoxEvidence(value, BoxState.UNCERTAIN, m.ink, score, 0.35)
        return BoxEvidence(value, state, m.ink, score, conf, peak=m.peak)
    if score <= T.box_empty_max and m.light <= 2.5 * T.box_empty_max:
        if m.ring_sides >= T.box_circle_segments:  # a circle drawn around an empty box
            return BoxEvidence(value, BoxState.UNCERTAIN, m.ink, score, 0.3,
                               circled=m.ring_sides >= T.box_circle_clear)
        if m.line >= line_floor or (m.faint >= T.box_faint_trace
                                    and m.line >= 0.7 * line_floor):
            # a pale trace or stroke across the middle: ask a person
            return BoxEvidence(value, BoxState.UNCERTAIN, m.ink, score, 0.35, faint=True)
        conf = 0.6 + 0.4 * _ramp(T.box_empty_max - score, 0.0, T.box_empty_max * 0.8)
        return BoxEvidence(value, BoxState.EMPTY, m.ink, score, conf)
    # between empty and checked, or ink that stays at the edges: ask a person
    return BoxEvidence(value, BoxState.UNCERTAIN, m.ink, score, 0.3)


def doubt_pale_mark(ev: BoxEvidence, m: BoxMeasure, show_through: float) -> BoxEvidence:
    """A checked box whose darkest ink is no darker than the page's faint background
    (`show_through`, scan.question.stray_ink) plus a margin may be the other side of the
    sheet seen through the paper, or a copy's haze: a person decides. Pale ink on a clean
    page (a pencil tick) stands well above that background and is left as it is."""
    if ev.state is not BoxState.CHECKED or m.peak >= show_through + T.show_through_margin:
        return ev
    # not `faint`: a pale pencil tick beside a pen mark is two answers, not one answer and a
    # trace, so the row goes to a person rather than to the pen mark
    return BoxEvidence(ev.value, BoxState.UNCERTAIN, ev.fill, ev.score, 0.35)


def decide_choice(spec: FormSpec, field_id: str, boxes: list[BoxEvidence],
                  page: int, quality: float, line_floor: float | None = None) -> FieldResult:
    """One field's value, status and confidence from the evidence of its boxes. The rules
    are formkit.scan.decide's (the same for scans and digital forms); what the scan adds is
    how sure it is, and two readings a person would make too: an answer circled instead of
    ticked, and a clear mark beside a pale trace. `line_floor` is the page's faint-stroke
    floor (page_line_floor): on a page so noisy that a pale pencil tick would not stand
    out, a row read as unanswered is not confirmed without a person."""
    f = spec.fields[field_id]
    kind = "flag" if f.kind is FieldKind.FLAG else "single"
    checked = [b for b in boxes if b.state is BoxState.CHECKED]
    uncertain = [b for b in boxes if b.state is BoxState.UNCERTAIN]
    filled = [b for b in boxes if b.state is BoxState.FILLED]
    if filled and not T.fill_cancels:
        checked, filled = checked + filled, []
    base = min((b.confidence for b in boxes), default=0.0) * quality
    cancelled = say("note.boxes.filled", boxes=", ".join(b.value for b in filled)) \
        if filled else None

    def result(value, status: Status, confidence: float, note: Message | str = "") -> FieldResult:
        return FieldResult(field_id, kind, value, status, confidence, boxes, page=page,
                           note=notes.join(cancelled, note))

    others = [b for b in boxes if b not in checked and b not in uncertain]
    clean = bool(others) and all(b.state is BoxState.EMPTY and b.score <= T.box_empty_max / 2
                                 for b in others)
    if kind == "single" and not checked and len(uncertain) == 1 and uncertain[0].circled \
            and clean:
        # the respondent circled one option and left the others alone
        return result(uncertain[0].value, Status.OK, T.circled_confidence * quality,
                      say("note.circled"))
    if kind == "single" and len(checked) == 1 and uncertain and not filled and \
            all(b.faint for b in uncertain) and \
            checked[0].confidence >= T.clear_mark_confidence and \
            checked[0].fill >= T.box_checked_min and checked[0].score <= T.box_clear_mark_max:
        # a clear mark beside a pale trace (an erased pencil tick, toner): the clear mark
        # is the answer; the note keeps the doubt visible. It must be dark ink (pale
        # coverage alone could be one more pencil mark, or a washed-out filled box) and
        # not near-filled (it may be a cancellation)
        return result(checked[0].value, Status.OK,
                      min(checked[0].confidence, T.faint_beside_mark_confidence) * quality,
                      say("note.boxes.pale", boxes=", ".join(b.value for b in uncertain)))

    d = decide_field(f, {b.value for b in checked}, {b.value for b in uncertain})
    if d.status is Status.MULTIPLE:
        return result(d.value, d.status, 0.2, d.note)
    if d.status is Status.UNCERTAIN:
        return result(d.value, d.status, min(0.4, base) if kind == "single"
                      else uncertain[0].confidence * quality, d.note)
    conf = base
    if kind == "single" and checked and clean and not filled and \
            checked[0].score >= T.box_checked_min and checked[0].peak >= T.clear_mark_peak:
        # one clear mark in a row of clean boxes: the choice itself is not in doubt
        conf = max(conf, T.clear_row_confidence * quality)
    if kind == "flag":
        conf = boxes[0].confidence * quality
        quiet = line_floor is None or line_floor <= T.noisy_page_line_floor
        if checked and not filled and quiet and checked[0].score >= T.flag_clear_score \
                and checked[0].peak >= T.clear_mark_peak:
            # a lone box has no row to compare with; ink this far above an empty box's on
            # a quiet page is no longer in doubt (a thin tick covers little of the box)
            conf = max(conf, T.clear_row_confidence * quality)
    unanswered = _unanswered(kind, d.status, d.value)
    if unanswered and filled:
        # a filled box with no answer beside it: a cancelled answer, or a box filled in
        # as the answer (as on a bubble sheet)? Only a person can tell
        return result(d.value, d.status, min(conf, T.lone_fill_confidence),
                      say("note.lone_fill"))
    if unanswered and line_floor is not None and line_floor > T.noisy_page_line_floor:
        return result(d.value, d.status, min(conf, T.noisy_blank_confidence),
                      say("note.noisy_page"))
    return result(d.value, d.status, conf, d.note)


def _unanswered(kind: str, status: Status, value: object) -> bool:
    """A row left blank, or a tick box left unticked: what a pale mark could hide."""
    return status is Status.BLANK or (kind == "flag" and status is Status.OK
                                      and value is False)


def weigh_stray_ink(r: FieldResult, stray: StrayInk | None) -> None:
    """The row's ink outside its boxes (formkit.scan.question) against its box reading.
    A row whose boxes look empty but which carries a mark elsewhere is never blank: when
    the mark lies by one option (a loop around its box or label, a tick touching its box,
    a line under its label) that option is read and sent to review; otherwise the row is
    uncertain. An answered row with a sizeable mark by another option goes to review too
    (a change of mind shown by a circle?)."""
    if stray is None or stray.area_mm2 <= 0 or r.status not in (Status.OK, Status.BLANK):
        return
    option, share = stray.main_option()
    where = f"{stray.area_mm2:.1f}"
    if _unanswered(r.kind, r.status, r.value):
        # one trace of that size: pen slips and specks add up, but each stays small
        if stray.largest_mm2 < T.stray_ink_min_mm2:
            return
        if share >= T.stray_single_share:
            r.value = True if r.kind == "flag" else option
            note = say("note.boxes.stray", boxes=option, area=where)
        else:
            r.value = None
            note = say("note.stray_nowhere", area=where)
        r.status = Status.UNCERTAIN
        r.confidence = min(r.confidence, T.stray_confidence)
        r.note = notes.join(r.note, note)
        return
    answer = "x" if r.kind == "flag" else r.value
    # ink by a box that holds a mark itself (a filled box spilling over, a cancelled
    # cross running out) is that box's evidence, already weighed
    empty = {b.value for b in r.boxes if b.state is BoxState.EMPTY}
    others = {k: v for k, v in stray.by_option.items() if k != answer and k in empty}
    if others and max(others.values()) >= T.stray_other_min_mm2:
        r.status = Status.UNCERTAIN
        r.confidence = min(r.confidence, T.stray_confidence)
        r.note = notes.join(r.note, say("note.boxes.other_mark", boxes=", ".join(sorted(others))))


def doubt_blanks_on_pale_pages(results: list[FieldResult]) -> None:
    """A respondent whose marks on this page are pale traces only (a pencil, a 1-bit scan
    that kept specks of them) may have left marks too pale to see in the rows read as
    unanswered: when T.pale_hand_rows questions or more hold nothing but a pale trace,
    those rows go to review as well."""
    pale_only = sum(1 for r in results if r.boxes
                    and any(b.faint for b in r.boxes)
                    and not any(b.state is BoxState.CHECKED for b in r.boxes))
    if pale_only < T.pale_hand_rows:
        return
    for r in results:
        if _unanswered(r.kind, r.status, r.value) and not r.needs_review:
            r.confidence = min(r.confidence, T.noisy_blank_confidence)
            r.note = notes.join(r.note, say("note.pale_page", count=pale_only))


def apply_conditions(spec: FormSpec, fields: dict[str, FieldResult]) -> None:
    """Contradictions between fields of a whole sheet (formkit.scan.decide's rule)."""
    for f in spec.fields.values():
        if not f.only_if or f.id not in fields or f.only_if[0] not in fields:
            continue
        res, cond = fields[f.id], fields[f.only_if[0]]
        if res.status is not Status.OK or res.value is None:
            continue
        d = apply_condition(f, Decision(res.value, res.status, res.note),
                            Decision(cond.value, cond.status, cond.note))
        if d.status is Status.CONTRADICTION:
            res.confidence = min(res.confidence, 0.3)
        elif d.status is Status.UNCERTAIN:
            res.confidence = min(res.confidence, 0.4)
        res.status, res.note = d.status, d.note
