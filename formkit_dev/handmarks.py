"""Hand-drawn marks around a printed tick box, drawn independently of formkit's reader.

Each style draws what respondents actually do on paper: ticks of many shapes (short/long
arm ratios, hooked, one-stroke "v"), crosses of every size, marks partly outside the box,
circles around a box or around its option label, ticks beside the box touching its border,
underlined labels, marks on the label text, heavy felt-tip and thin ballpoint lines, pale
pencil. Strokes are polylines with a wandering pen (low-frequency jitter), a width that
varies along the stroke and an ink tone per pen.

Styles are split in two halves: TUNING styles may be looked at while changing the reader;
HELD_OUT styles are only scored (benchmarks/hand_marks.py reports them separately), so the
figures on them say how the reader does on marks it was not adjusted to.

`clear` styles are one plain mark inside the box: the reader should rarely send them to
review. The others are ambiguous (a circle, a tick beside the box, a mark on the label):
they may be flagged, but never read wrong without a flag.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

# (x, y, w, h) of the printed box, and of the option's label, in mm on the page
Rect = tuple[float, float, float, float]


@dataclass(frozen=True)
class Pen:
    tone: int  # grey level of the ink on white paper (0 black … 255 white)
    width_mm: float
    pencil: bool = False


PENS = {
    "ballpoint": Pen(70, 0.35),
    "blue_ballpoint": Pen(105, 0.3),
    "gel": Pen(35, 0.5),
    "felt_tip": Pen(25, 1.0),
    "thin_ballpoint": Pen(95, 0.22),
    "pencil": Pen(150, 0.45, pencil=True),
}


def _wander(pts: np.ndarray, rng: np.random.Generator, amp_mm: float) -> np.ndarray:
    """Resample a polyline densely and add a smooth low-frequency wobble (a human hand)."""
    seg = np.diff(pts, axis=0)
    lengths = np.hypot(seg[:, 0], seg[:, 1])
    total = float(lengths.sum())
    n = max(8, int(total / 0.15))
    t = np.linspace(0, total, n)
    cum = np.concatenate([[0], np.cumsum(lengths)])
    x = np.interp(t, cum, pts[:, 0])
    y = np.interp(t, cum, pts[:, 1])
    for arr in (x, y):
        k = rng.normal(0, 1, 4)
        phase = t / max(total, 1e-6) * np.pi
        arr += amp_mm * (k[0] * np.sin(phase) + 0.5 * k[1] * np.sin(2 * phase + k[2])
                         + 0.25 * k[3] * np.sin(3 * phase))
    return np.stack([x, y], axis=1)


def _stroke(img: np.ndarray, pts_mm: list[tuple[float, float]], ppm: float, pen: Pen,
            rng: np.random.Generator, wobble_mm: float = 0.15) -> None:
    pts = _wander(np.asarray(pts_mm, float), rng, wobble_mm) * ppm
    # draw in a window around the stroke only: a page is millions of pixels
    pad = int(pen.width_mm * ppm * 2) + 4
    x0 = max(0, int(pts[:, 0].min()) - pad)
    y0 = max(0, int(pts[:, 1].min()) - pad)
    x1 = min(img.shape[1], int(pts[:, 0].max()) + pad)
    y1 = min(img.shape[0], int(pts[:, 1].max()) + pad)
    if x1 <= x0 or y1 <= y0:
        return
    layer = np.zeros((y1 - y0, x1 - x0), np.float32)
    # width varies along the stroke: pressure builds up then eases off
    n = len(pts)
    for i in range(n - 1):
        f = 0.75 + 0.5 * np.sin(np.pi * (i + 0.5) / n)
        w = max(1, int(round(pen.width_mm * f * ppm)))
        a = (int(round((pts[i, 0] - x0) * 16)), int(round((pts[i, 1] - y0) * 16)))
        b = (int(round((pts[i + 1, 0] - x0) * 16)), int(round((pts[i + 1, 1] - y0) * 16)))
        cv2.line(layer, a, b, 1.0, w, cv2.LINE_AA, shift=4)
    if pen.pencil:  # graphite leaves grain: the stroke is broken up by the paper's tooth
        layer *= rng.uniform(0.45, 1.0, layer.shape).astype(np.float32)
    tone = pen.tone + rng.normal(0, 6)
    ink = 255 - (255 - tone) * np.clip(layer, 0, 1)
    win = img[y0:y1, x0:x1]
    np.minimum(win, ink.astype(img.dtype), out=win)


def _ellipse(cx: float, cy: float, rx: float, ry: float, rng: np.random.Generator,
             ) -> list[tuple[float, float]]:
    """A hand-drawn loop: starts anywhere, overshoots its start a little."""
    start = rng.uniform(0, 2 * np.pi)
    sweep = 2 * np.pi + rng.uniform(0.15, 0.6)
    tilt = rng.uniform(-0.2, 0.2)
    out = []
    for a in np.linspace(start, start + sweep, 40):
        r = 1 + 0.06 * np.sin(3 * a)
        x, y = rx * r * np.cos(a), ry * r * np.sin(a)
        out.append((cx + x * np.cos(tilt) - y * np.sin(tilt),
                    cy + x * np.sin(tilt) + y * np.cos(tilt)))
    return out


def _tick(x0: float, y0: float, w: float, h: float, rng: np.random.Generator,
          ratio: float, hook: bool = False) -> list[list[tuple[float, float]]]:
    """A tick inside (x0, y0, w, h): a short arm down to the vertex, a long arm up and
    right (ratio: long / short)."""
    vx = x0 + w * rng.uniform(0.35, 0.5)
    vy = y0 + h * rng.uniform(0.75, 0.9)
    short = min(w, h) * rng.uniform(0.25, 0.4)
    ang_s = np.radians(rng.uniform(120, 150))
    sx, sy = vx + short * np.cos(ang_s), vy - short * np.sin(ang_s)
    long_ = short * ratio
    ang_l = np.radians(rng.uniform(45, 70))
    lx, ly = vx + long_ * np.cos(ang_l), vy - long_ * np.sin(ang_l)
    pts = [(sx, sy), (vx, vy), (lx, ly)]
    if hook:  # a small hook at the start, as many people begin a tick
        pts.insert(0, (sx - 0.4, sy - 0.5))
    return [pts]


def draw(img: np.ndarray, style: str, box: Rect, label: Rect | None, ppm: float,
         rng: np.random.Generator, pen: Pen | None = None) -> None:
    """Draw one `style` mark for the box `box` (mm) onto the grey page `img` (ppm px/mm)."""
    x, y, w, h = box
    cx, cy = x + w / 2, y + h / 2
    pen = pen or PENS[str(rng.choice(["ballpoint", "blue_ballpoint", "gel"]))]
    j = lambda s=0.3: float(rng.normal(0, s))  # noqa: E731 - a small random offset
    strokes: list[list[tuple[float, float]]] = []
    if style in ("tick", "tick_pencil", "tick_felt"):
        strokes = _tick(x, y, w, h, rng, ratio=rng.uniform(1.8, 2.6))
        if style == "tick_pencil":
            pen = PENS["pencil"]
        elif style == "tick_felt":
            pen = PENS["felt_tip"]
    elif style == "tick_hooked":
        strokes = _tick(x, y, w, h, rng, ratio=rng.uniform(1.5, 2.2), hook=True)
    elif style == "tick_long_arm":  # the long arm runs well out of the box, up and right
        strokes = _tick(x, y, w, h, rng, ratio=rng.uniform(3.5, 5.0))
    elif style == "v_one_stroke":
        strokes = [[(x + 0.2 * w + j(), y + 0.25 * h + j()), (cx + j(0.2), y + 0.8 * h),
                    (x + 0.85 * w + j(), y + 0.15 * h + j())]]
    elif style in ("x", "x_thin"):
        m = rng.uniform(0.12, 0.25)
        a, b = m, 1 - m
        strokes = [[(x + a * w + j(), y + a * h + j()), (x + b * w + j(), y + b * h + j())],
                   [(x + b * w + j(), y + a * h + j()), (x + a * w + j(), y + b * h + j())]]
        if style == "x_thin":
            pen = PENS["thin_ballpoint"]
    elif style == "x_big":  # an X larger than the box, its arms well past the border
        k = rng.uniform(0.3, 0.7)
        strokes = [[(x - k * w, y - k * h), (x + (1 + k) * w, y + (1 + k) * h)],
                   [(x + (1 + k) * w + j(), y - k * h), (x - k * w, y + (1 + k) * h + j())]]
    elif style == "slash":
        strokes = [[(x + 0.2 * w + j(), y + 0.85 * h), (x + 0.8 * w + j(), y + 0.15 * h)]]
    elif style == "dot":
        r = rng.uniform(0.6, 1.1)
        for k in range(4):
            strokes.append(_ellipse(cx + j(0.15), cy + j(0.15), r * (1 - k * 0.22),
                                    r * (1 - k * 0.22), rng))
    elif style == "small_o":  # a small circle inside the box
        strokes = [_ellipse(cx + j(0.2), cy + j(0.2), w * 0.28, h * 0.28, rng)]
    elif style == "circle_box":  # a loop around the box, through its label's end
        strokes = [_ellipse(cx + j(0.4), cy + j(0.3), w * rng.uniform(0.8, 1.1),
                            h * rng.uniform(0.75, 0.95), rng)]
    elif style == "circle_label":  # a loop around the option's label and its box
        lx, ly, lw, lh = label if label else box
        left = lx - 0.8
        strokes = [_ellipse((left + x + w + 0.8) / 2, cy + j(0.2),
                            (x + w + 0.8 - left) / 2, h * rng.uniform(0.7, 0.9), rng)]
    elif style == "tick_beside_right":  # a tick right of the box, touching its border
        strokes = _tick(x + w - 0.4 * w, y - 0.1 * h, w, h, rng, ratio=rng.uniform(1.8, 2.4))
    elif style == "x_beside_left":  # an X between the label and the box, touching the box
        s = w * 0.55
        x1 = x + 0.15
        strokes = [[(x1 - s, cy - s / 2), (x1, cy + s / 2)],
                   [(x1, cy - s / 2), (x1 - s, cy + s / 2)]]
    elif style == "tick_beside_above":  # a tick sitting on the box's top edge
        strokes = _tick(x + 0.1 * w, y - 0.7 * h, w, h, rng, ratio=rng.uniform(1.6, 2.2))
    elif style == "underline_label":
        lx, ly, lw, lh = label if label else (x - 10, y, 9, h)
        yy = y + h + 0.4
        strokes = [[(lx - 0.3, yy + j(0.15)), (lx + lw + 0.3, yy + j(0.15))]]
    elif style == "x_on_label":
        lx, ly, lw, lh = label if label else (x - 10, y, 9, h)
        mx, my, s = lx + lw / 2, cy, min(lw, 5.0) / 2
        strokes = [[(mx - s, my - s * 0.8), (mx + s, my + s * 0.8)],
                   [(mx + s, my - s * 0.8), (mx - s, my + s * 0.8)]]
    elif style == "scribble_partial":  # a dense zigzag over half the box
        pts = []
        for k in range(6):
            yy = y + h * (0.2 + 0.12 * k)
            pts += [(x + 0.2 * w + j(0.15), yy), (x + 0.8 * w + j(0.15), yy + 0.06 * h)]
        strokes = [pts]
    elif style == "asterisk":  # three crossing strokes in the box
        r = min(w, h) * rng.uniform(0.28, 0.36)
        for a in np.radians([90, 30, 150]) + rng.normal(0, 0.08, 3):
            strokes.append([(cx - r * np.cos(a), cy - r * np.sin(a)),
                            (cx + r * np.cos(a), cy + r * np.sin(a))])
    elif style == "zigzag_label":  # a zigzag struck through the option's label
        lx, ly, lw, lh = label if label else (x - 10, y, 9, h)
        pts = []
        for k in range(7):
            pts.append((lx + lw * k / 6, cy + (1.2 if k % 2 else -1.2) + j(0.2)))
        strokes = [pts]
    elif style == "arrow_to_box":  # an arrow from the right, its head touching the box
        tip = (x + w + 0.2, cy + j(0.2))
        tail = (x + w + rng.uniform(5, 8), cy + rng.uniform(-3, 3))
        strokes = [[tail, tip], [(tip[0] + 1.5, tip[1] - 1.0), tip, (tip[0] + 1.5, tip[1] + 1.0)]]
    else:
        raise ValueError(f"unknown hand mark style {style!r}")
    for s in strokes:
        _stroke(img, s, ppm, pen, rng)


def label_rect(clean: np.ndarray, box, ppm: float) -> tuple[float, float, float, float]:
    """The option label printed left of a box (mm), found on the clean page: the run of
    ink columns in the box's row band ending just before the box."""
    x0, y0 = int(box.x * ppm), int(box.y * ppm)
    h = int(box.h * ppm)
    band = clean[y0:y0 + h, :x0] < 128
    cols = band.any(axis=0)
    gap_px, end = int(2.2 * ppm), None
    x = x0 - int(0.3 * ppm)
    while x > 0 and not cols[x] and x0 - x < 3 * ppm:
        x -= 1
    end = x
    blank = 0
    start = x
    while x > 0 and blank < gap_px:
        if cols[x]:
            start, blank = x, 0
        else:
            blank += 1
        x -= 1
    if end is None or end <= start:
        return (box.x - 8.0, box.y, 7.5, box.h)
    return (start / ppm, box.y, (end - start) / ppm, box.h)


#: one plain mark inside the box: what a reader must get right without asking
CLEAR = ("tick", "tick_felt", "x", "slash", "dot", "small_o", "tick_hooked", "x_thin",
         "v_one_stroke", "asterisk")
#: styles the reader may be looked at and adjusted against. x_on_label was held out until
#: its one silent error was looked at (and the label-ink evidence added): it is spent.
#: zigzag_label likewise: its silent error on "Không" showed the label's own pieces setting
#: the row's typical ink (fixed in scan.question._marks_on_labels)
TUNING = ("tick", "tick_felt", "x", "slash", "dot", "circle_box", "tick_beside_right",
          "underline_label", "tick_pencil", "scribble_partial", "x_on_label", "zigzag_label")
#: styles only ever scored, never tuned on (asterisk and arrow_to_box were added after
#: the reader's last change, unseen by it)
HELD_OUT = ("tick_hooked", "tick_long_arm", "v_one_stroke", "x_thin", "x_big", "small_o",
            "circle_label", "x_beside_left", "tick_beside_above", "asterisk", "arrow_to_box")
STYLES = TUNING + HELD_OUT
