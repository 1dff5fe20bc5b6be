"""Duplicates among sheets without a serial (issue 19): the same paper scanned twice must be
counted once, two respondents who answered alike must both count.

A page's fingerprint is the ink a person put on it, not the page: the printed form is the
same on every copy and would dominate a whole-page hash. For each box holding ink, the box
and a margin around it are cut out relative to the box found on the page (so a shift, a
turn or another resolution of the scan does not matter), the page's own empty-box image is
subtracted (the printed "□" outline), and the rest is kept as a small grid of ink. Each
written answer zone gives the same from its writing, the dotted lines and rules taken out.
Two pages are compared element by element (the same box, the same zone) by correlation:
a re-scan repeats each stroke where it was (0.92–1.0 on the simulated scans), another hand
draws its own (0.1–0.8, even for the same tick in the same box).
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field

import cv2
import numpy as np

from formkit.thresholds import T

#: side of the ink grid of one box (cells)
BOX_GRID = 32
#: the zone's writing as a grid of (rows, columns): about 0.6 mm a column, so that the same
#: words written a few millimetres further along are another hand
ZONE_GRID = (12, 256)


@dataclass
class Fingerprint:
    """The ink of one page's answers: element key → grid of ink (0..1)."""

    parts: tuple[int, ...]
    elements: dict[str, np.ndarray] = field(default_factory=dict)
    #: the elements holding ink (the others: every located box, to compare against a scan
    #: that read one of them differently)
    inked: set[str] = field(default_factory=set)

    def to_json(self) -> str:
        """Compact stored form (grids quantised to bytes)."""
        return json.dumps({"parts": list(self.parts), "inked": sorted(self.inked), "elements": {
            k: [list(v.shape), base64.b64encode(
                np.clip(v * 255, 0, 255).astype(np.uint8).tobytes()).decode("ascii")]
            for k, v in self.elements.items()}}, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Fingerprint:
        data = json.loads(text)
        elements = {}
        for k, (shape, b64) in data["elements"].items():
            raw = np.frombuffer(base64.b64decode(b64), np.uint8).astype(np.float32) / 255
            elements[k] = raw.reshape(shape)
        return cls(tuple(data["parts"]), elements, set(data["inked"]))


def _ink(crop: np.ndarray) -> np.ndarray:
    """Darkness 0..1 over the crop's own paper level (a paler or darker scan reads alike)."""
    f = crop.astype(np.float32)
    paper = float(np.percentile(f, 90)) if f.size else 255.0
    return np.clip((paper - f) / max(paper, 1.0), 0, 1)


def box_grids(hi: np.ndarray, rects: dict[str, tuple[int, int, int, int]],
              inked: set[str]) -> dict[str, np.ndarray]:
    """Grids of every box of `rects` (box rectangles in px of `hi`), less the page's
    empty-box print (the median of its boxes without ink, those not in `inked`)."""
    def grid(r: tuple[int, int, int, int]) -> np.ndarray:
        x0, y0, x1, y1 = r
        pad = max(1, (x1 - x0) // 2)
        crop = hi[max(0, y0 - pad):y1 + pad, max(0, x0 - pad):x1 + pad]
        if crop.size == 0:
            return np.zeros((BOX_GRID, BOX_GRID), np.float32)
        return cv2.resize(_ink(crop), (BOX_GRID, BOX_GRID), interpolation=cv2.INTER_AREA)

    empty = [grid(r) for k, r in rects.items() if k not in inked]
    printed = np.median(np.stack(empty), axis=0) if empty else np.zeros((BOX_GRID, BOX_GRID),
                                                                         np.float32)
    return {k: np.clip(grid(r) - printed, 0, 1) for k, r in rects.items()}


def zone_grid(clean: np.ndarray, rect_px: tuple[int, int, int, int]) -> np.ndarray | None:
    """The writing in an answer zone (print already taken out of `clean`), or None if the
    zone holds no ink."""
    x0, y0, x1, y1 = rect_px
    crop = clean[max(0, y0):y1, max(0, x0):x1]
    if crop.size == 0:
        return None
    ink = _ink(crop)
    if float((ink > 0.35).mean()) < T.legacy_fingerprint_zone_ink:
        return None
    return cv2.resize(ink, (ZONE_GRID[1], ZONE_GRID[0]), interpolation=cv2.INTER_AREA)


def _corr(a: np.ndarray, b: np.ndarray) -> float:
    """Best correlation of two grids over shifts of up to three cells (the box found a pixel
    off on one scan)."""
    best = -1.0
    h, w = a.shape
    for dy in range(-3, 4):
        for dx in range(-3, 4):
            pa = a[max(0, dy):h + min(0, dy), max(0, dx):w + min(0, dx)]
            pb = b[max(0, -dy):h + min(0, -dy), max(0, -dx):w + min(0, -dx)]
            va, vb = pa - pa.mean(), pb - pb.mean()
            den = float(np.sqrt((va * va).sum() * (vb * vb).sum()))
            if den > 1e-6:
                best = max(best, float((va * vb).sum()) / den)
    return best


def evidence(a: Fingerprint, b: Fingerprint) -> int:
    """How many inked elements the comparison of two pages rests on."""
    return len(a.inked | b.inked)


def similarity(a: Fingerprint, b: Fingerprint) -> float:
    """0..1: the share of the inked elements (boxes, zones) of either page whose ink the
    other page repeats stroke for stroke (correlation at least T.legacy_element_match). A
    re-scan repeats nearly all of them, another hand hardly any; a share, not a mean, so
    that one box found differently on one scan does not hide the rest. Pages of different
    parts or without ink are not alike (0)."""
    if a.parts != b.parts:
        return 0.0
    keys = a.inked | b.inked
    if not keys:
        return 0.0
    same = sum(1 for k in keys if k in a.elements and k in b.elements
               and _corr(a.elements[k], b.elements[k]) >= T.legacy_element_match)
    return same / len(keys)
