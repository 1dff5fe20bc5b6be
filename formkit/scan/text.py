"""Free text on scanned sheets: one text zone of an aligned page → a FieldResult.

The scan reader warps every page onto the layout's coordinates (grayscale uint8, white
paper ≈ 255, `px_per_mm` pixels per mm from the page's top-left) and calls
`read_text_zone` once per zone. The steps:

1. crop the zone, with a little room above the first line for ascenders and diacritics
   and below the last one for descenders;
2. flatten the paper (divide by a closing of the image) and find the ink;
3. take the printed parts out: the grey guide lines (long thin horizontal runs near the
   layout's line positions, bridging strokes that cross them), the "Ý kiến khác:" prompt
   left of the first line, and print that reaches into the margin from above;
4. decide whether anything is written: ink share under T.text_ink_min and less than
   T.text_ink_min_mm2 of ink → blank, confidence 1, no OCR (the absolute floor keeps a
   short answer such as "Có" from being dropped: it covers only 0.2 % of a zone);
5. per guide line: gather the ink components that belong to it, straighten the residual
   skew, upscale, binarise (Otsu); stack the lines of the zone (or of all zones of a page,
   read_text_zones) into one image and run Tesseract once (`-l vie`, psm 6). One call per
   line (psm 7) read the same in the benchmark but pays Tesseract's start-up per line;
6. confidence = mean word confidence (by length), lowered for every word that does not
   look like what people write here (not a Vietnamese syllable, mixed case, stray symbols,
   split fragments, unsure words) and when far too few characters came out for the ink.
   A reading under T.ocr_review_confidence is `uncertain` and goes to review with its crop.

Typed, printed and stamped text reads well; handwriting mostly does not, and then the
confidence must be low so that a person types it in: wrong text must never pass as ok.

Size (just over 500 lines): one zone is read in a fixed chain of steps (strip the print,
find lines, OCR, judge confidence) that share the zone's image and its measurements.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from formkit import notes
from formkit._exec import tesseract
from formkit.catalogue import Message, say
from formkit.errors import OutputError
from formkit.scan.result import FieldResult, Status
from formkit.spec.layout import ZonePos
from formkit.textnorm import nfc
from formkit.thresholds import T

#: room above the zone's rectangle (its top is one line pitch above the first guide line):
#: enough for a tall capital's diacritic, not enough to reach the printed question above
MARGIN_TOP_MM = 1.0
#: room below the last guide line for descenders and dots below (ạ, ị, ụ)
MARGIN_BOTTOM_MM = 2.0
MARGIN_SIDE_MM = 0.5
#: a guide line may sit this far from its layout position after registration
GUIDE_BAND_MM = 1.8
#: a horizontal run at least this long inside the band is printed guide line, not writing
GUIDE_MIN_RUN_MM = 6.0
#: a stroke's core is darker than this (flattened image, paper 255); its faint edges,
#: hairlines and diacritics darker than INK_WEAK are kept when they touch a core
INK_LEVEL = 175
INK_WEAK = 190
#: components smaller than this (mm²) are specks of dust or scanner noise
SPECK_MM2 = 0.05
#: OCR input is scaled so that a line's ink (diacritics to descenders) is about this tall
#: (px), an x-height of about 25 px, where Tesseract's LSTM models read best
OCR_TARGET_LINE_PX = 64
OCR_MAX_SCALE = 3.0
#: Otsu after upscaling (the domain notes' recipe); grey input read no better
BINARIZE = True
#: the OCR reads the unfiltered pixels inside the ink mask: the median filter that finds
#: the ink also rounds off diacritics (typed CER 0.9 % → 0.5 % in a test set)
OCR_SHARP = True
#: a guide line's own ink that reaches the boundary to the next line (mm below the line)
LINE_SPLIT_BELOW_MM = 1.6
#: confidence of a zone with a few marks in which Tesseract found no text
BLANK_MARKS_CONFIDENCE = 0.85


@dataclass
class _Zone:
    """The cropped zone in crop pixel coordinates."""

    gray: np.ndarray  # flattened grayscale, paper 255 (median-filtered: for finding ink)
    sharp: np.ndarray  # flattened, unfiltered: what the OCR sees inside the ink mask
    ink: np.ndarray  # bool: writing (strokes with their faint edges), printed parts removed
    core: np.ndarray  # bool: the dark cores of those strokes, what the ink share counts
    lines_y: list[float]  # guide line y per line, crop px
    lines_x0: list[float]  # guide line start per line, crop px
    area_px: float  # the zone rectangle's area, for the ink share


# ---- image helpers ------------------------------------------------------------------------
def _flatten(gray: np.ndarray, px_per_mm: float) -> np.ndarray:
    """Divide by the paper's own brightness (a grey closing larger than any stroke), so a
    yellowed sheet, a shadow or a dark scanner lid does not read as ink."""
    k = max(3, int(round(2.5 * px_per_mm)) | 1)
    bg = cv2.morphologyEx(gray, cv2.MORPH_CLOSE, cv2.getStructuringElement(
        cv2.MORPH_RECT, (k, k)))
    bg = cv2.max(bg, np.full_like(bg, 96))  # an all-dark crop must not divide to white
    return cv2.divide(gray, bg, scale=255)


def _remove_guides(ink: np.ndarray, lines_y: list[float], px_per_mm: float) -> np.ndarray:
    """Take the printed guide lines out of the ink mask. Inside a band around each line,
    long horizontal runs are the line; a short vertical closing afterwards joins the strokes
    that crossed it again (a descender through the line stays one stroke)."""
    out = ink.copy()
    h, w = ink.shape
    band = max(2, int(round(GUIDE_BAND_MM * px_per_mm)))
    run = max(8, int(round(GUIDE_MIN_RUN_MM * px_per_mm)))
    horiz = cv2.getStructuringElement(cv2.MORPH_RECT, (run, 1))
    for y in lines_y:
        y0, y1 = max(0, int(y) - band), min(h, int(y) + band + 1)
        if y1 <= y0:
            continue
        strip = ink[y0:y1].astype(np.uint8)
        line = cv2.morphologyEx(strip, cv2.MORPH_OPEN, horiz)
        # grow the found line by a pixel up and down: anti-aliased edges of the grey rule
        line = cv2.dilate(line, np.ones((3, 1), np.uint8))
        kept = strip & (1 - line)
        # reconnect strokes that crossed the rule: close vertically over its thickness
        thick = int(line.sum(axis=0).max()) if line.any() else 0
        if thick:
            vk = cv2.getStructuringElement(cv2.MORPH_RECT, (1, thick + 2))
            closed = cv2.morphologyEx(kept, cv2.MORPH_CLOSE, vk)
            kept = kept | (closed & line)
        out[y0:y1] = kept.astype(bool)
    return out


def _components(ink: np.ndarray) -> tuple[int, np.ndarray, np.ndarray]:
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink.astype(np.uint8), 8)
    return n, labels, stats


def _prepare(aligned: np.ndarray, px_per_mm: float, zone: ZonePos) -> _Zone | None:
    s = px_per_mm
    r = zone.rect
    last_y = max(ln[2] for ln in zone.lines) if zone.lines else r.y + r.h
    x0 = int(math.floor((r.x - MARGIN_SIDE_MM) * s))
    x1 = int(math.ceil((r.x + r.w + MARGIN_SIDE_MM) * s))
    y0 = int(math.floor((r.y - MARGIN_TOP_MM) * s))
    y1 = int(math.ceil((last_y + MARGIN_BOTTOM_MM) * s))
    h, w = aligned.shape[:2]
    cx0, cy0, cx1, cy1 = max(0, x0), max(0, y0), min(w, x1), min(h, y1)
    # the zone must lie on the page: a page cut short by the scanner is unreadable, not blank
    if cx1 - cx0 < 0.8 * (x1 - x0) or cy1 - cy0 < 0.8 * (y1 - y0):
        return None
    crop = aligned[cy0:cy1, cx0:cx1]
    if crop.ndim == 3:
        crop = cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY)
    crop = np.ascontiguousarray(crop, dtype=np.uint8)
    # a 3×3 median removes scanner salt and JPEG ringing before anything is counted
    gray = _flatten(cv2.medianBlur(crop, 3), s)
    # hysteresis: a stroke is found by its dark core (INK_LEVEL) and kept with its lighter
    # edges, hairlines and diacritics (INK_WEAK) that blur and a grey scan make faint
    weak = gray < INK_WEAK
    lines_y = [ln[2] * s - cy0 for ln in zone.lines]
    lines_x0 = [ln[0] * s - cx0 for ln in zone.lines]
    weak = _remove_guides(weak, lines_y, s)

    # the printed prompt ("Ý kiến khác:") sits left of a first line that starts further
    # right than the zone: nothing written there is part of the answer
    if lines_x0 and lines_x0[0] > (r.x * s - cx0) + 2 * s:
        weak[: int(lines_y[0] + 0.8 * s), : max(0, int(lines_x0[0] - 0.5 * s))] = False

    strong = weak & (gray < INK_LEVEL)
    n, labels, stats = _components(weak)
    strong_count = np.bincount(labels[strong], minlength=n)
    x, y, cw, ch = (stats[:, i] for i in range(4))
    top_edge = (r.y * s) - cy0  # the zone rectangle's top inside the crop
    near_line = np.zeros(n, bool)
    for ly in lines_y:
        near_line |= np.abs((y + ch / 2) - ly) <= GUIDE_BAND_MM * s
    drop = (
        (strong_count < max(2, int(SPECK_MM2 * s * s)))  # dust, noise, faint smudges
        | (y + ch <= top_edge)  # wholly in the top margin: descenders of the print above
        # a flat sliver on a guide line: what the opening left of the rule
        | ((ch <= max(2, int(0.3 * s))) & (cw >= 3 * s) & near_line)
    )
    drop[0] = True  # background
    ink = ~drop[labels]
    sharp = _flatten(crop, s) if OCR_SHARP else gray
    return _Zone(gray, sharp, ink, ink & strong, lines_y, lines_x0, r.w * r.h * s * s)


# ---- OCR per line -------------------------------------------------------------------------
def _line_masks(z: _Zone, px_per_mm: float) -> list[np.ndarray]:
    """Split the zone's ink into one mask per guide line. A component belongs to the line
    its vertical centre sits above: descenders of one line stay with it, diacritics of the
    next line (above its letters) go with the next."""
    n, labels, stats = _components(z.ink)
    bounds = [ly + LINE_SPLIT_BELOW_MM * px_per_mm for ly in z.lines_y]
    owner = np.zeros(n, np.int32) - 1
    for i in range(1, n):
        _x, y, _w, h, _a = stats[i]
        cy = y + h / 2
        for li, b in enumerate(bounds):
            if cy <= b:
                owner[i] = li
                break
        else:
            owner[i] = len(bounds) - 1
    return [(owner[labels] == li) & z.ink for li in range(len(z.lines_y))]


def _deskew(img: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Straighten what the page registration left (a line written uphill): the angle that
    makes the row profile of the ink sharpest, within ±4°."""
    ys, xs = np.nonzero(mask)
    if len(xs) < 50 or xs.max() - xs.min() < 40:
        return img
    best, best_score = 0.0, -1.0
    cx = xs.mean()
    # smallest angles first, so that a tie leaves the line as it is
    for deg in sorted(np.arange(-4.0, 4.01, 0.5), key=abs):
        t = math.tan(math.radians(deg))
        rows = np.round(ys - (xs - cx) * t).astype(np.int64)
        rows -= rows.min()
        prof = np.bincount(rows).astype(np.float64)
        score = float((prof ** 2).sum())
        if score > best_score * 1.0001:
            best, best_score = float(deg), score
    if abs(best) < 0.75:
        return img
    h, w = img.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), best, 1.0)
    return cv2.warpAffine(img, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=255)


def _line_image(z: _Zone, mask: np.ndarray, px_per_mm: float) -> tuple[np.ndarray, float]:
    """Clean image of one written line for Tesseract: the line's own ink (its grey values,
    so anti-aliasing is kept) on white, padded, deskewed and upscaled. Returns the image and
    the scale applied."""
    ys, xs = np.nonzero(mask)
    pad = int(round(1.5 * px_per_mm))
    y0, y1 = max(0, ys.min() - pad), min(mask.shape[0], ys.max() + pad + 1)
    x0, x1 = max(0, xs.min() - pad), min(mask.shape[1], xs.max() + pad + 1)
    m = mask[y0:y1, x0:x1]
    # keep the soft edge of each stroke: the grey pixels right next to the ink
    soft = cv2.dilate(m.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
    img = np.where(soft, z.sharp[y0:y1, x0:x1], 255).astype(np.uint8)
    img = _deskew(img, m)
    ink_h = ys.max() - ys.min() + 1
    scale = min(OCR_MAX_SCALE, max(1.0, OCR_TARGET_LINE_PX / max(1, ink_h)))
    if scale > 1.01:
        img = cv2.resize(img, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
    # Otsu after upscaling: crisp binary strokes are what the LSTM model reads best from a
    # noisy scan, and the threshold adapts to a faint pen
    if BINARIZE:
        thr, _ = cv2.threshold(img, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
        thr = min(max(thr, 90.0), 215.0)
        img = np.where(img < thr, 0, 255).astype(np.uint8)
    img = cv2.copyMakeBorder(img, 12, 12, 12, 12, cv2.BORDER_CONSTANT, value=255)
    return img, scale


#: how lines go to Tesseract: "stack" = all written lines (of a zone, or of a page with
#: read_text_zones) stacked in one image, one call, psm 6; "line" = one call per line,
#: psm 7. Measured (benchmarks/ocr_accuracy.py --ocr-mode): the same accuracy, but every
#: call costs 0.15–0.2 s of start-up (the model loads each time), so stacking is faster.
OCR_MODE = "stack"
STACK_GAP = 0.6  # white space between stacked lines, as a share of the tallest line
#: Tesseract re-reads a line it is unsure of as white-on-black; our lines are never
#: inverted, and on handwriting that second pass doubled the time for nothing
TESS_CONFIG = "-c tessedit_do_invert=0"


@dataclass
class _LineItem:
    zone: int  # index of the zone it belongs to
    image: np.ndarray
    scale: float
    width_mm: float
    height_mm: float


def _line_items(z: _Zone, px_per_mm: float, zone_index: int) -> list[_LineItem]:
    items = []
    for mask in _line_masks(z, px_per_mm):
        # a line with only a speck or a stray dot is not worth reading
        if mask.sum() < max(20, 0.5 * T.text_ink_min_mm2 * px_per_mm ** 2):
            continue
        ys, xs = np.nonzero(mask)
        img, scale = _line_image(z, mask, px_per_mm)
        items.append(_LineItem(zone_index, img, scale, (xs.max() - xs.min() + 1) / px_per_mm,
                               (ys.max() - ys.min() + 1) / px_per_mm))
    return items


def _ocr_items(items: list[_LineItem], px_per_mm: float) -> list[_LineRead]:
    per_line: list[list[tesseract.OcrWord]]
    if OCR_MODE == "line":
        per_line = [tesseract.ocr_words(it.image, psm=7, config=TESS_CONFIG,
                                        dpi=int(round(px_per_mm * 25.4 * it.scale)))
                    for it in items]
    else:
        per_line = _ocr_stacked([it.image for it in items],
                                int(round(px_per_mm * 25.4 * min(it.scale for it in items))))
    return [_LineRead(words, it.width_mm, it.height_mm)
            for words, it in zip(per_line, items, strict=True)]


def _ocr_stacked(images: list[np.ndarray], dpi: int) -> list[list[tesseract.OcrWord]]:
    """One Tesseract call for several line images: stack them with white gaps, then give
    each word to the line whose band holds its vertical centre."""
    gap = int(STACK_GAP * max(im.shape[0] for im in images))
    width = max(im.shape[1] for im in images)
    bands, parts, y = [], [], 0
    for i, im in enumerate(images):
        if i:
            parts.append(np.full((gap, width), 255, np.uint8))
            y += gap
        parts.append(cv2.copyMakeBorder(im, 0, 0, 0, width - im.shape[1],
                                        cv2.BORDER_CONSTANT, value=255))
        bands.append((y - gap / 2, y + im.shape[0] + gap / 2))
        y += im.shape[0]
    words = tesseract.ocr_words(np.vstack(parts), psm=6, dpi=dpi, config=TESS_CONFIG)
    out: list[list[tesseract.OcrWord]] = [[] for _ in images]
    for w in words:
        cy = w.top + w.height / 2
        for i, (b0, b1) in enumerate(bands):
            if b0 <= cy < b1:
                out[i].append(w)
                break
    for line in out:
        line.sort(key=lambda w: w.left)
    return out


# ---- plausibility ---------------------------------------------------------------------
# Tesseract's word confidences alone are not enough: on handwriting it is often 0.85–0.9
# sure of a word that is wrong. Vietnamese helps: every word is one syllable of a closed
# shape (initial consonant, vowel nucleus, final, at most one tone mark, and after a final
# c/ch/p/t only the sắc or nặng tone), so misread handwriting ("Quyềt", "thÔnØ", "puần",
# split fragments like "n" "g") is easy to spot, while typed text passes.
_TONES = {"\u0300": "huyền", "\u0301": "sắc", "\u0303": "ngã", "\u0309": "hỏi",
          "\u0323": "nặng"}
_INIT = "ngh|ng|nh|ch|gh|gi|kh|ph|th|tr|qu|b|c|d|đ|g|h|k|l|m|n|p|r|s|t|v|x"
_NUC_CLOSED = "uyê|iê|yê|uô|ươ"  # need a final: tiến, quyết, muốn, người
_NUC_OPEN = "uya|ia|ua|ưa"  # take no final: mía, của, mưa, khuya
_NUC = "oa|oă|oe|uâ|uê|uơ|uy|a|ă|â|e|ê|i|y|o|ô|ơ|u|ư"
_FIN = "ch|ng|nh|c|m|n|p|t|i|y|o|u"
_SYLLABLE = re.compile(
    rf"^(?:{_INIT})?(?:(?:{_NUC_CLOSED})(?:{_FIN})|(?:{_NUC_OPEN})|(?:{_NUC})(?:{_FIN})?)$")
_STOP_FINAL = re.compile(r"(?:c|ch|p|t)$")
_VOWELS = set("aăâeêioôơuưy")
#: vowels with any tone mark, for telling a syllable from a run of consonants
_VOWELS_ALL = _VOWELS | set("àáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ")
#: the Vietnamese alphabet with its tone marks, plus f j w z of loan words and names
_LETTERS = _VOWELS_ALL | set("bcdđfghjklmnpqrstvwxz")
#: units and abbreviations that appear on these forms and are not syllables
_KNOWN_TOKENS = {"kv", "kw", "kwh", "mw", "mwh", "kva", "km", "kg", "m2", "m3", "ha", "tp",
                 "tnhh", "ubnd", "htx", "dntn", "cp", "sct", "tthc", "qđ", "ttg", "nđ", "bct",
                 # Ê Đê and M'nông place names of Đắk Lắk (districts, communes)
                 "đắk", "lắk", "đăk", "krông", "ea", "m'gar", "kuin", "m'đrắk", "h'leo",
                 "búk", "ana", "kar", "súp", "đrắk", "dray", "drăng", "hđing", "knốp", "tlê",
                 "yang", "m'nông"}
#: punctuation that may stand at a word's edges
_EDGE_PUNCT = ".,;:!?()[]\"'“”‘’-–—…"
_RUNS = re.compile(r"[^\W\d_]+|\d+|[^\w\s]", re.UNICODE)
_INNER_OK = set("/-.,'%:")  # inside a token: 05/2024, Ông/Bà, 1.000, Cư M'gar, 50%


def _split_tone(syllable: str) -> tuple[str, list[str]]:
    d = unicodedata.normalize("NFD", syllable)
    tones = [c for c in d if c in _TONES]
    return unicodedata.normalize("NFC", "".join(c for c in d if c not in _TONES)), tones


def is_vietnamese_syllable(word: str) -> bool:
    """Whether a run of letters is a well-formed Vietnamese syllable (case-insensitive)."""
    base, tones = _split_tone(word.lower())
    if len(tones) > 1 or not _SYLLABLE.match(base):
        return False
    return not (tones and _STOP_FINAL.search(base) and _TONES[tones[0]] not in ("sắc", "nặng"))


def _suspect(token: str, upper_text: bool) -> str:
    """Why an OCR token does not look like something written on this form ('' if it does)."""
    core = token.strip(_EDGE_PUNCT)
    if not core or core.lower() in _KNOWN_TOKENS:
        return ""
    runs = _RUNS.findall(core)
    letters = [r for r in runs if r.isalpha()]
    digits = [r for r in runs if r.isdigit()]
    symbols = [r for r in runs if not r.isalnum()]
    if any(sym not in _INNER_OK for sym in symbols):
        return "symbol"
    if letters and digits and not all(r.lower() in _KNOWN_TOKENS for r in letters):
        return "letters and digits mixed"
    for run in letters:
        low = run.lower()
        if low in _KNOWN_TOKENS:
            continue
        if set(low) - _LETTERS:
            return "not a Vietnamese letter"  # ñ, ø, ß: glyph soup from handwriting
        if len(run) >= 2 and run.isupper() and not (set(low) & _VOWELS):
            continue  # an abbreviation: TNHH, UBND
        if not (run.islower() or run.isupper() or (run[0].isupper() and run[1:].islower())):
            return "mixed case"
        if run.isupper() and len(run) > 1 and not upper_text:
            return "capitals inside lower-case text"
        if not set(low) & _VOWELS_ALL:
            return "fragment"  # consonants alone: a word the OCR split ("Ca ng ty")
        if not is_vietnamese_syllable(run):
            return "not a syllable"
    return ""


def _looks_like_name(token: str) -> bool:
    """A capitalised word with a vowel (Krông, Ea, Đrăng): may be a name, not a misreading."""
    core = token.strip(_EDGE_PUNCT)
    return len(core) >= 2 and core[0].isupper() and bool(set(core.lower()) & _VOWELS_ALL)


@dataclass
class _LineRead:
    words: list[tesseract.OcrWord]
    ink_width_mm: float
    ink_height_mm: float

    @property
    def text(self) -> str:
        return nfc(" ".join(w.text for w in self.words))


#: a word Tesseract is less sure of than this is taken as probably wrong
WORD_CONF_MIN = 0.70
#: a word that is not a syllable but read this surely is a name (Krông, M'gar), not an error
NAME_CONF_MIN = 0.93
#: confidence = mean word confidence × (1 − share of characters in doubtful words) ^ this;
#: 2 puts a reading with 10 % doubtful characters under the review line from 0.98 down
DOUBT_EXPONENT = 2.0
#: and × this per doubtful word: a long text with one doubtful word still needs a look
DOUBT_WORD_FACTOR = 0.9


#: the doubts _suspect names, as catalogue codes
_DOUBT_CODES = {
    "not a Vietnamese letter": "note.doubt.not_vietnamese",
    "not a syllable": "note.doubt.not_syllable",
    "symbol": "note.doubt.symbol",
    "unsure word": "note.doubt.unsure_word",
    "mixed case": "note.doubt.mixed_case",
    "capitals inside lower-case text": "note.doubt.capitals",
    "fragment": "note.doubt.fragment",
    "letters and digits mixed": "note.doubt.letters_digits",
}


def _assess(lines: list[_LineRead]) -> tuple[float, float, list[Message]]:
    """(mean word confidence, confidence after plausibility, reasons)."""
    words = [w for ln in lines for w in ln.words]
    if not words:
        return 0.0, 0.0, [say("note.doubt.no_words")]
    lens = np.array([max(1, len(w.text)) for w in words], float)
    confs = np.array([w.confidence for w in words], float)
    # weight by length: a confident long word says more than a confident comma
    mean = float(np.average(confs, weights=lens))
    alpha = [w for w in words if any(c.isalpha() for c in w.text)]
    upper_text = sum(w.text.isupper() for w in alpha) >= max(1, len(alpha)) / 2
    doubt = 0.0
    reasons: dict[str, int] = {}
    for w, n in zip(words, lens, strict=True):
        why = _suspect(w.text, upper_text)
        if why == "not a syllable" and w.confidence >= NAME_CONF_MIN and _looks_like_name(
                w.text):
            why = ""  # a place or ethnic name the model is sure of
        if not why and w.confidence < WORD_CONF_MIN:
            why = "unsure word"
        if why:
            doubt += n
            reasons[why] = reasons.get(why, 0) + 1
    doubt_share = doubt / float(lens.sum())
    n_doubt = sum(reasons.values())
    conf = mean * (1.0 - doubt_share) ** DOUBT_EXPONENT * DOUBT_WORD_FACTOR ** n_doubt
    doubts = [say(_DOUBT_CODES[k], count=v) for k, v in reasons.items()]
    # characters per mm of writing: typed Vietnamese at 11–14 pt runs about 0.4–0.6 per mm,
    # large handwriting about 0.25; far fewer means the OCR dropped part of the writing
    width = sum(ln.ink_width_mm for ln in lines)
    chars = sum(len(w.text) for w in words)
    if width > 15 and chars / width < 0.15:
        conf *= (chars / width) / 0.15
        doubts.append(say("note.doubt.sparse", chars=chars, mm=f"{width:.0f}"))
    return mean, conf, doubts


# ---- the reader -----------------------------------------------------------------------
def _save_crop(aligned: np.ndarray, zone: ZonePos, px_per_mm: float, path: Path) -> str:
    s = px_per_mm
    r = zone.rect
    h, w = aligned.shape[:2]
    y0 = max(0, int((r.y - MARGIN_TOP_MM) * s))
    y1 = min(h, int((r.y + r.h + MARGIN_BOTTOM_MM) * s))
    x0, x1 = max(0, int((r.x - MARGIN_SIDE_MM) * s)), min(w, int((r.x + r.w + 1) * s))
    crop = aligned[y0:y1, x0:x1]
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        ok, buf = cv2.imencode(".png", crop)
        if not ok:
            raise OSError("PNG encoding failed")
        tmp = path.with_name(path.name + ".part")
        tmp.write_bytes(buf.tobytes())
        tmp.replace(path)
    except OSError as exc:
        raise OutputError(say("error.read.crop", path=str(path), detail=str(exc))) from exc
    return str(path)


def ink_share(aligned: np.ndarray, px_per_mm: float, zone: ZonePos) -> float | None:
    """Share of the zone covered by writing, printed parts removed (None: off the page)."""
    z = _prepare(aligned, px_per_mm, zone)
    if z is None:
        return None
    return float(z.core.sum()) / max(1.0, z.area_px)


def read_text_zones(aligned: np.ndarray, px_per_mm: float, zones: Sequence[ZonePos], *,
                    crop_paths: Sequence[Path | None] | None = None, page: int = 0
                    ) -> list[FieldResult]:
    """Read several text zones of one aligned page with a single Tesseract call (the
    written lines of all zones stacked): the fast way for a whole page, same results as
    read_text_zone per zone. crop_paths: one path (or None) per zone."""
    paths = list(crop_paths) if crop_paths is not None else [None] * len(zones)
    if len(paths) != len(zones):
        raise ValueError("crop_paths must give one entry per zone")
    results: list[FieldResult | None] = [None] * len(zones)
    shares: list[float] = [0.0] * len(zones)
    small = [False] * len(zones)  # a little ink: a short answer, or a stray mark
    crops: list[str | None] = [None] * len(zones)
    items: list[_LineItem] = []
    for i, zone in enumerate(zones):
        crops[i] = _save_crop(aligned, zone, px_per_mm, paths[i]) if paths[i] else None
        z = _prepare(aligned, px_per_mm, zone)
        if z is None:
            results[i] = _result(zone, crops[i], page, None, Status.UNREADABLE, 0.0,
                                 note=notes.join(say("note.text.outside")))
            continue
        core = float(z.core.sum())
        shares[i] = core / max(1.0, z.area_px)
        if shares[i] < T.text_ink_min and core < T.text_ink_min_mm2 * px_per_mm ** 2:
            # nothing written: confident, and no OCR at all (most zones of most sheets)
            results[i] = _result(zone, crops[i], page, "", Status.BLANK, 1.0,
                                 note=_ink(shares[i]))
            continue
        small[i] = shares[i] < T.text_ink_min
        items.extend(_line_items(z, px_per_mm, i))
    reads = _ocr_items(items, px_per_mm) if items else []
    for i, zone in enumerate(zones):
        if results[i] is not None:
            continue
        mine = [r for r, it in zip(reads, items, strict=True) if it.zone == i]
        text = nfc(" ".join(r.text for r in mine if r.text))
        if not text and small[i]:
            # a few marks that are no text (a dot, a stray stroke): blank, but not with the
            # certainty of an untouched zone; the crop shows them if anyone looks
            results[i] = _result(zone, crops[i], page, "", Status.BLANK, BLANK_MARKS_CONFIDENCE,
                                 0.0, note=_ink(shares[i], say("note.text.marks_only")))
            continue
        if not text:
            results[i] = _result(zone, crops[i], page, "", Status.UNCERTAIN, 0.0, 0.0,
                                 note=_ink(shares[i], say("note.text.no_text")))
            continue
        text_conf, conf, why = _assess(mine)
        status = Status.OK if conf >= T.ocr_review_confidence else Status.UNCERTAIN
        results[i] = _result(zone, crops[i], page, text, status, conf, text_conf,
                             _ink(shares[i], *why))
    return [r for r in results if r is not None]


def _ink(share: float, *more: Message) -> str:
    """A text zone's note: its ink share (for developers), then what else the reader says."""
    return notes.join(say("note.text.ink", ink=f"{share:.4f}"), *more)


def _result(zone: ZonePos, crop: str | None, page: int, value: str | None, status: Status,
            conf: float, text_conf: float | None = None, note: str = "") -> FieldResult:
    return FieldResult(zone.field, "text", value, status, conf, text_confidence=text_conf,
                       crop=crop, page=page, source="scan", note=note)


def read_text_zone(aligned: np.ndarray, px_per_mm: float, zone: ZonePos, *,
                   crop_path: Path | None = None, page: int = 0) -> FieldResult:
    """Read one free-text zone of an aligned page (see the module notes).

    aligned: the page warped onto the layout (grayscale uint8, paper ≈ 255), pixel (x, y)
    = (mm_x · px_per_mm, mm_y · px_per_mm). Returns a FieldResult of kind "text":
    value      the text (NFC, lines joined with spaces); "" when blank; None if unreadable
    status     blank (no OCR was run) / ok / uncertain (→ review) / unreadable
    confidence mean word confidence lowered by the plausibility checks (0..1); 1.0 for blank
    text_confidence  Tesseract's mean word confidence alone (0..1), None when blank
    crop       crop_path as a string when given (the PNG is written for the review step)
    note       ink share and the reasons confidence was lowered
    """
    return read_text_zones(aligned, px_per_mm, [zone],
                           crop_paths=[crop_path], page=page)[0]
