"""The scan reader on degradations it was not built with: scans made "elsewhere".

formkit_dev.simulate degrades pages in its own ways, and the reader's thresholds were set
on them. This benchmark takes clean filled pages (simulate, level none, 300 dpi PNG; marks
x, tick, slash, dot, scribble, overshoot, in each copy's ink: pens or a pencil) and
degrades them again with plain PIL and numpy, in ways the simulator does not:
Floyd–Steinberg dithered and 600-dpi thresholded 1-bit TIFF (G4), "fit to page" at 90 %
with rotation, a Letter-size PDF, 5 mm cut off two edges on a dark scanner lid, yellow
paper with JPEG q45 at 150 dpi, upside down with a dark gamma, a scanner's "text enhance"
sharpening, 120 dpi, a strong light gradient, a JPEG that claims 72 dpi, blur with noise,
printing on both sides of thin paper (the reverse shows through), a yellow highlighter,
a sheet that does not lie flat (its middle moves 2.5 mm), a scanner's rollers slipping,
a printer low on toner, a huge "BẢN SAO" watermark, punched holes and a staple, a coffee ring,
grey recycled paper with low contrast, JPEG quality 15, turned 12°, a fold crease across
the page, salt-and-pepper noise, a red "received" stamp; and two phone photos (4000 × 3000,
the page's top edge 8 % or 15 % narrower than its bottom, turned, on a desk, light falling
off). Each variant is read with formkit.scan.read_paths on one core and scored against the truth.
A second table fills the built form (LibreOffice) with marks drawn here that the simulator
does not make: a small X in a corner, a typed ✓, a tick running far out of the box, a
filled disc, hatching, a small v, a thin blue ballpoint X, a dash, a half-filled box and an
X twice the box's size.

  pages     read / rejected (every page should read)
  flagged   share of choice fields sent to review
  silent    fields not flagged and wrong (a wrong value, or blank while answered)
  pages/s   reading speed on one core

    .venv/bin/python benchmarks/foreign_scans.py [--sheets 20] [--seed 77] [--variant NAME ...]
        [--cache DIR]

Target: 0 silent errors and every page read in every variant.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import hashlib  # noqa: E402
import json  # noqa: E402
import shutil  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections import Counter  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
from PIL import Image, ImageFilter, ImageOps  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PEN_STYLES = ("x", "tick", "slash", "dot", "scribble", "overshoot")
SOURCE_DPI = 300  # simulate writes level-none pages at 300 dpi

Pages = list[Image.Image]


def _at_dpi(img: Image.Image, dpi: float) -> Image.Image:
    s = dpi / SOURCE_DPI
    return img.resize((round(img.width * s), round(img.height * s)), Image.LANCZOS)


def _grey(a: np.ndarray) -> Image.Image:
    return Image.fromarray(np.clip(a, 0, 255).astype(np.uint8))


# Each variant: pages of one copy (RGB, 300 dpi) -> (pages, container, dpi written)
def dithered_1bit(pgs: Pages, rng) -> tuple[Pages, str, int]:
    return [p.convert("L").convert("1") for p in pgs], "tiff", 300


def threshold_1bit_600dpi(pgs: Pages, rng) -> tuple[Pages, str, int]:
    return ([_at_dpi(p, 600).convert("L").point(lambda v: 255 if v > 150 else 0).convert("1")
             for p in pgs], "tiff", 600)


def fit_to_page_90(pgs: Pages, rng) -> tuple[Pages, str, int]:
    out = []
    for p in pgs:
        q = _at_dpi(p, 200)
        small = q.resize((round(q.width * 0.9), round(q.height * 0.9)), Image.LANCZOS)
        canvas = Image.new("RGB", q.size, "white")
        canvas.paste(small, ((q.width - small.width) // 2, (q.height - small.height) // 2))
        out.append(canvas.rotate(2.5, resample=Image.BICUBIC, fillcolor="white"))
    return out, "jpeg80", 200


def letter_pdf(pgs: Pages, rng) -> tuple[Pages, str, int]:
    out = []
    for p in pgs:
        q = _at_dpi(p, 200)
        W, H = round(8.5 * 200), round(11 * 200)
        s = min(W / q.width, H / q.height) * 0.97
        small = q.resize((round(q.width * s), round(q.height * s)), Image.LANCZOS)
        canvas = Image.new("RGB", (W, H), "white")
        canvas.paste(small, ((W - small.width) // 2, (H - small.height) // 2))
        out.append(canvas.convert("L"))
    return out, "pdf", 200


def cropped_5mm_dark_lid(pgs: Pages, rng) -> tuple[Pages, str, int]:
    out = []
    for p in pgs:
        q = _at_dpi(p, 200)
        c = round(5 / 25.4 * 200)
        q = q.crop((c, 0, q.width, q.height - c))
        out.append(q.rotate(-2.0, resample=Image.BICUBIC, expand=True,
                            fillcolor=(40, 40, 40)).convert("L"))
    return out, "png", 200


def yellow_paper_jpeg45(pgs: Pages, rng) -> tuple[Pages, str, int]:
    out = []
    for p in pgs:
        a = np.asarray(_at_dpi(p, 150)).astype(np.float32) * np.array([0.98, 0.93, 0.78])
        out.append(Image.fromarray(np.clip(a, 0, 255).astype(np.uint8)))
    return out, "jpeg45", 150


def upside_down_dark(pgs: Pages, rng) -> tuple[Pages, str, int]:
    lut = [round(255 * (i / 255) ** 1.8) for i in range(256)]
    return ([_at_dpi(p, 250).rotate(184, resample=Image.BICUBIC, expand=True,
                                     fillcolor="white").convert("L").point(lut)
             for p in pgs], "jpeg80", 250)


def text_enhance(pgs: Pages, rng) -> tuple[Pages, str, int]:
    return ([ImageOps.autocontrast(_at_dpi(p, 200).convert("L"), cutoff=2)
             .filter(ImageFilter.UnsharpMask(3, 250, 2)) for p in pgs], "png", 200)


def dpi_120(pgs: Pages, rng) -> tuple[Pages, str, int]:
    return [_at_dpi(p, 120).convert("L") for p in pgs], "jpeg80", 120


def light_gradient(pgs: Pages, rng) -> tuple[Pages, str, int]:
    out = []
    for p in pgs:
        a = np.asarray(_at_dpi(p, 200).convert("L")).astype(np.float32)
        out.append(_grey(a * np.linspace(0.5, 1.0, a.shape[1])[None, :]))
    return out, "jpeg80", 200


def jpeg_claims_72dpi(pgs: Pages, rng) -> tuple[Pages, str, int]:
    return [_at_dpi(p, 200).convert("L") for p in pgs], "jpeg72dpi", 200


def blur_and_noise(pgs: Pages, rng) -> tuple[Pages, str, int]:
    out = []
    for p in pgs:
        q = _at_dpi(p, 200).convert("L").filter(ImageFilter.GaussianBlur(1.3))
        out.append(_grey(np.asarray(q).astype(np.float32)
                         + rng.normal(0, 12, (q.height, q.width))))
    return out, "jpeg60", 200


def grey_recycled_paper(pgs: Pages, rng) -> tuple[Pages, str, int]:
    return ([_grey(60 + np.asarray(_at_dpi(p, 200).convert("L")).astype(np.float32)
                   * (110 / 255)) for p in pgs], "png", 200)


def jpeg_quality_15(pgs: Pages, rng) -> tuple[Pages, str, int]:
    return [_at_dpi(p, 200).convert("L") for p in pgs], "jpeg15", 200


def turned_12_degrees(pgs: Pages, rng) -> tuple[Pages, str, int]:
    return ([_at_dpi(p, 200).rotate(12, resample=Image.BICUBIC, expand=True,
                                    fillcolor="white").convert("L") for p in pgs],
            "jpeg80", 200)


def fold_crease(pgs: Pages, rng) -> tuple[Pages, str, int]:
    """The sheet was folded in three for the envelope: a grey line across the page."""
    import cv2

    out = []
    for p in pgs:
        a = np.asarray(_at_dpi(p, 200).convert("L")).copy()
        h, w = a.shape
        y = int(h * rng.uniform(0.3, 0.7))
        cv2.line(a, (0, y), (w, y + int(rng.uniform(-40, 40))), 120, 3)
        out.append(Image.fromarray(a))
    return out, "png", 200


def salt_and_pepper(pgs: Pages, rng) -> tuple[Pages, str, int]:
    out = []
    for p in pgs:
        a = np.asarray(_at_dpi(p, 200).convert("L")).copy()
        m = rng.random(a.shape)
        a[m < 0.004] = 0
        a[m > 0.996] = 255
        out.append(Image.fromarray(a))
    return out, "png", 200


def red_received_stamp(pgs: Pages, rng) -> tuple[Pages, str, int]:
    """The office's red "received" stamp near the top right of each page, in colour."""
    from PIL import ImageDraw

    out = []
    for p in pgs:
        q = _at_dpi(p, 200).convert("RGB")
        draw = ImageDraw.Draw(q)
        cx, cy = int(q.width * 0.75), int(q.height * 0.12)
        for r in (110, 100):
            draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=(200, 30, 40), width=6)
        draw.text((cx - 60, cy - 10), "DA NHAN", fill=(200, 30, 40))
        out.append(q)
    return out, "jpeg80", 200


def duplex_bleed_through(pgs: Pages, rng) -> tuple[Pages, str, int]:
    """Printed on both sides of thin paper: each page shows its reverse, mirrored, at 12-22 %
    of its darkness (the other page's print and answers seen through the sheet)."""
    grey = [np.asarray(_at_dpi(p, 200).convert("L")).astype(np.float32) for p in pgs]
    out = []
    for i, a in enumerate(grey):
        back = grey[len(grey) - 1 - i] if len(grey) > 1 else a
        back = np.fliplr(back)[:a.shape[0], :a.shape[1]]
        if back.shape != a.shape:
            back = np.pad(back, ((0, a.shape[0] - back.shape[0]), (0, a.shape[1] - back.shape[1])),
                          constant_values=255)
        strength = rng.uniform(0.12, 0.22)
        seen = 255 - (255 - back) * strength
        out.append(_grey(np.minimum(a, seen) + rng.normal(0, 2, a.shape)))
    return out, "jpeg80", 200


def highlighter_over_rows(pgs: Pages, rng) -> tuple[Pages, str, int]:
    """Someone in the office ran a yellow highlighter across a few lines of each page: a wide
    translucent band over print, boxes and marks (colour scan)."""
    out = []
    for p in pgs:
        a = np.asarray(_at_dpi(p, 200).convert("RGB")).astype(np.float32)
        h, w = a.shape[:2]
        for _ in range(3):
            y = int(rng.uniform(0.15, 0.85) * h)
            x0, x1 = sorted(rng.uniform(0.05, 0.95, 2) * w)
            band = a[y:y + 34, int(x0):int(x1)]
            band *= np.array([1.0, 0.97, 0.45])
        out.append(Image.fromarray(np.clip(a, 0, 255).astype(np.uint8)))
    return out, "jpeg80", 200


def _remap(a: np.ndarray, dx: np.ndarray, dy: np.ndarray) -> np.ndarray:
    import cv2

    h, w = a.shape[:2]
    xs, ys = np.meshgrid(np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32))
    return cv2.remap(a, xs + dx.astype(np.float32), ys + dy.astype(np.float32),
                     cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=255)


def paper_curl(pgs: Pages, rng) -> tuple[Pages, str, int]:
    """A sheet that does not lie flat (it was rolled, or fetched from a damp drawer): the
    middle of the page bulges and moves up to 2.5 mm against its corners, so no single
    plane maps the page."""
    out = []
    for p in pgs:
        a = np.asarray(_at_dpi(p, 200).convert("L"))
        h, w = a.shape
        mm = 200 / 25.4
        ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
        bulge = np.sin(np.pi * xs / w) * np.sin(np.pi * ys / h)
        amp = rng.uniform(1.8, 2.5) * mm
        angle = rng.uniform(0, 2 * np.pi)
        out.append(Image.fromarray(_remap(a, amp * np.cos(angle) * bulge,
                                          amp * np.sin(angle) * bulge)))
    return out, "jpeg80", 200


def roller_slip(pgs: Pages, rng) -> tuple[Pages, str, int]:
    """A sheet-feed scanner whose rollers slip for a moment: over 25 mm somewhere in the
    middle of the page the paper runs slower, so everything below lies 1.5-2.5 mm lower
    than a straight feed would put it."""
    out = []
    for p in pgs:
        a = np.asarray(_at_dpi(p, 200).convert("L"))
        h, w = a.shape
        mm = 200 / 25.4
        start = rng.uniform(0.35, 0.6) * h
        slip = rng.uniform(1.5, 2.5) * mm
        ys = np.arange(h, dtype=np.float32)
        shift = np.clip((ys - start) / (25 * mm), 0, 1) * slip
        dy = np.repeat(-shift[:, None], w, axis=1)
        out.append(Image.fromarray(_remap(a, np.zeros_like(dy), dy)))
    return out, "jpeg80", 200


def faded_toner(pgs: Pages, rng) -> tuple[Pages, str, int]:
    """A printer low on toner: the print (boxes included) at 35-45 % of its darkness, the
    respondent's pen as dark as ever. (Print and pen are told apart by the clean page.)"""
    out = []
    for p in pgs:
        a = np.asarray(_at_dpi(p, 200).convert("L")).astype(np.float32)
        out.append(_grey(255 - (255 - a) * rng.uniform(0.35, 0.45)))
    return out, "jpeg80", 200


def watermark_diagonal(pgs: Pages, rng) -> tuple[Pages, str, int]:
    """A copy stamped "BẢN SAO" in huge grey letters across the page, over the rows."""
    from PIL import ImageDraw, ImageFont

    font_path = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
    out = []
    for p in pgs:
        q = _at_dpi(p, 200).convert("L")
        layer = Image.new("L", (q.width * 2, q.height // 3), 0)
        draw = ImageDraw.Draw(layer)
        try:
            font = ImageFont.truetype(font_path, 260)
        except OSError:
            font = ImageFont.load_default()
        draw.text((q.width // 2, 40), "BẢN SAO", fill=255, font=font)
        layer = layer.rotate(rng.uniform(25, 40), expand=True)
        layer = layer.resize((q.width, round(layer.height * q.width / layer.width)))
        mask = np.zeros((q.height, q.width), np.float32)
        y = int(rng.uniform(0.2, 0.5) * q.height)
        part = np.asarray(layer, np.float32)[:q.height - y] / 255
        mask[y:y + part.shape[0], :] = part
        a = np.asarray(q).astype(np.float32)
        out.append(_grey(np.minimum(a, 255 - mask * rng.uniform(45, 70))))
    return out, "jpeg80", 200


def punch_holes_staple(pgs: Pages, rng) -> tuple[Pages, str, int]:
    """Filed in a ring binder and stapled: two punched holes in the left margin (black: the
    scanner lid behind them) and a staple across the top-left corner."""
    import cv2

    out = []
    for p in pgs:
        a = np.asarray(_at_dpi(p, 200).convert("L")).copy()
        h, w = a.shape
        mm = 200 / 25.4
        for fy in (0.38, 0.62):
            cv2.circle(a, (int(12 * mm), int(fy * h)), int(3 * mm), 25, -1, cv2.LINE_AA)
        x0, y0 = int(rng.uniform(6, 14) * mm), int(rng.uniform(6, 14) * mm)
        cv2.line(a, (x0, y0 + int(10 * mm)), (x0 + int(10 * mm), y0), 70, int(0.8 * mm))
        out.append(Image.fromarray(a))
    return out, "png", 200


def coffee_stain(pgs: Pages, rng) -> tuple[Pages, str, int]:
    """A cup set down on the sheet: a brown ring and a pale brown wash, somewhere over the
    questions (colour scan)."""
    out = []
    for p in pgs:
        a = np.asarray(_at_dpi(p, 200).convert("RGB")).astype(np.float32)
        h, w = a.shape[:2]
        cx, cy = rng.uniform(0.3, 0.7) * w, rng.uniform(0.3, 0.7) * h
        r = rng.uniform(0.07, 0.1) * w
        ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
        d = np.hypot(xs - cx, ys - cy)
        ring = np.exp(-((d - r) / 6.0) ** 2) * 0.35 + (d < r) * 0.08
        tint = np.array([0.35, 0.55, 0.8])  # what is left of white: brown
        a = a * (1 - ring[..., None] * (1 - tint))
        out.append(Image.fromarray(np.clip(a, 0, 255).astype(np.uint8)))
    return out, "jpeg80", 200


def _photo(pgs: Pages, rng, keystone: float, turn_deg: float) -> tuple[Pages, str, int]:
    """A phone held over the desk: the page fills ~85 % of a 4000 × 3000 frame, its top edge
    `keystone` narrower than its bottom (the phone tilted), turned, on a dark desk, with
    light falling off towards one side."""
    import cv2

    out = []
    for p in pgs:
        a = np.asarray(p.convert("RGB"))
        h, w = a.shape[:2]
        fw, fh = 3000, 4000
        k = 0.85 * fh / h
        cx, cy = fw / 2 + rng.normal(0, 40), fh / 2 + rng.normal(0, 40)
        half_w, half_h = w * k / 2, h * k / 2
        quad = np.array([[-half_w * (1 - keystone), -half_h], [half_w * (1 - keystone), -half_h],
                         [half_w, half_h], [-half_w, half_h]])
        t = np.radians(turn_deg)
        rot = np.array([[np.cos(t), -np.sin(t)], [np.sin(t), np.cos(t)]])
        quad = quad @ rot.T + [cx, cy] + rng.normal(0, 12, (4, 2))
        src = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
        m = cv2.getPerspectiveTransform(src, quad.astype(np.float32))
        frame = cv2.warpPerspective(a, m, (fw, fh), flags=cv2.INTER_AREA,
                                    borderMode=cv2.BORDER_CONSTANT, borderValue=(74, 60, 50))
        light = np.linspace(1.0, 0.72, fw)[None, :, None]
        frame = frame.astype(np.float32) * light + rng.normal(0, 4, (fh, fw, 1))
        out.append(Image.fromarray(np.clip(frame, 0, 255).astype(np.uint8)))
    return out, "jpeg72dpi", 300


def phone_keystone_8pct(pgs: Pages, rng) -> tuple[Pages, str, int]:
    return _photo(pgs, rng, 0.08, 3.0)


def phone_keystone_15pct(pgs: Pages, rng) -> tuple[Pages, str, int]:
    return _photo(pgs, rng, 0.15, -6.0)


VARIANTS: dict[str, Callable] = {f.__name__: f for f in (
    dithered_1bit, threshold_1bit_600dpi, fit_to_page_90, letter_pdf, cropped_5mm_dark_lid,
    yellow_paper_jpeg45, upside_down_dark, text_enhance, dpi_120, light_gradient,
    jpeg_claims_72dpi, blur_and_noise, grey_recycled_paper, jpeg_quality_15,
    turned_12_degrees, fold_crease, salt_and_pepper, red_received_stamp, phone_keystone_8pct,
    phone_keystone_15pct, duplex_bleed_through, highlighter_over_rows, paper_curl,
    roller_slip, faded_toner, watermark_diagonal, punch_holes_staple, coffee_stain)}


def _write(folder: Path, stem: str, pages: Pages, container: str, dpi: int) -> None:
    if container == "tiff":
        pages[0].save(folder / f"{stem}.tif", save_all=True, append_images=pages[1:],
                      compression="group4", dpi=(dpi, dpi))
    elif container == "pdf":
        pages[0].save(folder / f"{stem}.pdf", save_all=True, append_images=pages[1:],
                      resolution=dpi)
    elif container.startswith("jpeg"):
        quality = {"jpeg80": 80, "jpeg45": 45, "jpeg60": 60, "jpeg15": 15,
                   "jpeg72dpi": 85}[container]
        claimed = 72 if container == "jpeg72dpi" else dpi
        for i, page in enumerate(pages):
            page.save(folder / f"{stem}_p{i + 1}.jpg", quality=quality, dpi=(claimed, claimed))
    else:
        for i, page in enumerate(pages):
            page.save(folder / f"{stem}_p{i + 1}.png", dpi=(dpi, dpi))


def ensure_clean(args: argparse.Namespace) -> Path:
    from formkit.config import load_settings
    from formkit_dev.simulate import simulate

    src = (ROOT / "formkit_dev" / "simulate.py").read_bytes()
    tag = hashlib.sha256(src + Path(__file__).read_bytes()).hexdigest()[:8]
    root = Path(args.cache) / f"foreign_s{args.seed}_n{args.sheets}_{tag}"
    if not (root / "clean" / "truth.json").exists():
        print(f"Generating {args.sheets} clean sheets into {root} …", flush=True)
        tmp = root / ".clean.part"
        shutil.rmtree(tmp, ignore_errors=True)
        simulate(load_settings(ROOT), args.sheets, args.seed, tmp, level="none",
                 formats=("png",), styles=PEN_STYLES, workers=args.jobs)
        tmp.replace(root / "clean")
    return root


def make_variant(root: Path, name: str, truth: dict, seed: int) -> Path:
    folder = root / name
    done = root / f"{name}.done"
    if done.exists():
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    rng = np.random.default_rng(seed)
    for copy in truth["copies"]:
        pages = [Image.open(root / "clean" / p["file"]).convert("RGB")
                 for p in sorted(copy["pages"], key=lambda p: p["form_page"])]
        out, container, dpi = VARIANTS[name](pages, rng)
        _write(folder, f"s{copy['serial']:03d}", out, container, dpi)
    done.write_text("ok")
    return folder


def score(report, truth: dict) -> tuple[Counter, list[str]]:
    from formkit.scan.result import Status

    copies = {c["serial"]: c for c in truth["copies"]}
    counts: Counter = Counter()
    examples: list[str] = []
    for sheet in report.sheets:
        copy = copies.get(sheet.serial)
        if copy is None:
            continue
        for fid, t in copy["fields"].items():
            if t["kind"] == "text":
                continue
            r = sheet.fields.get(fid)
            if r is None or r.needs_review:
                counts["flagged"] += 1
                continue
            if t["expect"] == "blank":
                right = r.status is Status.BLANK
            elif t["expect"] != "ok":
                right = False  # multiple / contradiction must be flagged
            elif t["kind"] == "flag":
                right = r.value is not None and bool(r.value) == bool(t["value"])
            else:
                right = r.value == t["value"]
            counts["ok" if right else "silent"] += 1
            if not right:
                examples.append(f"#{sheet.serial} {fid}: read {r.value!r} ({r.status}), "
                                f"truth {t['value']!r}")
    return counts, examples


# ---------------------------------------------------------------------------------------------
# Marks the simulator does not draw, on the built form (LibreOffice), 200 dpi grey JPEG

MARKS = ("corner_x", "check_glyph", "big_tick", "filled_circle", "hatch", "letter_v",
         "blue_thin_x", "dash", "half_fill", "x_over_the_box")
GLYPH_FONTS = ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
               "/usr/share/fonts/truetype/freefont/FreeSerif.ttf")


def draw_mark(img: np.ndarray, rect, ppm: float, style: str) -> None:
    import cv2
    from PIL import ImageDraw, ImageFont

    x0, y0 = rect.x * ppm, rect.y * ppm
    x1, y1 = (rect.x + rect.w) * ppm, (rect.y + rect.h) * ppm
    w, h = x1 - x0, y1 - y0
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    t, ink = max(1, int(0.4 * ppm)), 35

    def line(ax, ay, bx, by, width=t, tone=ink):
        cv2.line(img, (int(ax), int(ay)), (int(bx), int(by)), tone, width)

    if style == "corner_x":  # a small X in the top-left corner
        a, b, k = x0 + 0.15 * w, y0 + 0.15 * h, 0.35 * w
        line(a, b, a + k, b + k)
        line(a, b + k, a + k, b)
    elif style == "check_glyph":  # ✓ typed or stamped
        path = next((f for f in GLYPH_FONTS if Path(f).exists()), None)
        if path is None:  # no font with the glyph: a drawn check of the same shape
            line(x0 + 0.2 * w, cy, cx - 0.05 * w, y1 - 0.2 * h)
            line(cx - 0.05 * w, y1 - 0.2 * h, x1 - 0.1 * w, y0 + 0.1 * h)
            return
        pil = Image.fromarray(img)
        ImageDraw.Draw(pil).text((cx, cy), "✓", fill=ink, anchor="mm",
                                 font=ImageFont.truetype(path, int(5 * ppm)))
        img[:] = np.asarray(pil)
    elif style == "big_tick":  # the tick's arm runs 1.5 boxes beyond
        line(x0 + 0.2 * w, cy, cx, y1 - 0.15 * h)
        line(cx, y1 - 0.15 * h, x1 + 1.5 * w, y0 - 1.5 * h)
    elif style == "filled_circle":
        cv2.circle(img, (int(cx), int(cy)), int(0.3 * w), ink, -1)
    elif style == "hatch":
        for k in (-0.3, 0.0, 0.3):
            line(x0 + (0.15 + k) * w, y1 - 0.15 * h, x1 - (0.15 - k) * w, y0 + 0.15 * h,
                 max(1, t // 2))
    elif style == "letter_v":
        line(cx - 0.2 * w, cy - 0.2 * h, cx, cy + 0.2 * h)
        line(cx, cy + 0.2 * h, cx + 0.2 * w, cy - 0.2 * h)
    elif style == "blue_thin_x":  # a 0.2 mm blue ballpoint, as a grey scan sees it
        thin = max(1, int(0.2 * ppm))
        line(x0 + 0.15 * w, y0 + 0.15 * h, x1 - 0.15 * w, y1 - 0.15 * h, thin, 95)
        line(x0 + 0.15 * w, y1 - 0.15 * h, x1 - 0.15 * w, y0 + 0.15 * h, thin, 95)
    elif style == "dash":
        line(cx - 0.25 * w, cy, cx + 0.25 * w, cy)
    elif style == "half_fill":
        cv2.rectangle(img, (int(x0 + 0.1 * w), int(cy)), (int(x1 - 0.1 * w), int(y1 - 0.1 * h)),
                      ink, -1)
    elif style == "x_over_the_box":  # an X twice the box's size, centred on it
        line(x0 - 0.5 * w, y0 - 0.5 * h, x1 + 0.5 * w, y1 + 0.5 * h)
        line(x0 - 0.5 * w, y1 + 0.5 * h, x1 + 0.5 * w, y0 - 0.5 * h)
    else:
        raise ValueError(style)


def marks_table(args: argparse.Namespace, root: Path):
    """Sheets of the built form filled with marks drawn here; (table rows, silent lines)."""
    import random

    import cv2
    import pypdfium2 as pdfium

    from formkit import api
    from formkit.config import load_settings
    from formkit.scan import read_paths
    from formkit.scan.result import Status

    ws = root / "marks_ws"
    copies = 2 * len(MARKS)
    if not (ws / "built.json").exists():
        shutil.rmtree(ws, ignore_errors=True)
        api.init_workspace(ws)
        built = api.build(load_settings(ws), ["05-02"], 2026, unit="QLCN", copies=copies)[0]
        (ws / "built.json").write_text(json.dumps({"pdf": str(built.pdf),
                                                   "layout": built.layout.version}))
    settings = load_settings(ws)
    info = json.loads((ws / "built.json").read_text())
    from formkit.spec.layout import registry

    layout = registry(settings).get(info["layout"])
    options: dict[str, list[str]] = {}
    for page in layout.pages:
        for box in page.boxes:
            options.setdefault(box.field, []).append(box.value)
    folder = root / "marks"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    rng = random.Random(args.seed)
    truth: dict[int, tuple[str, dict]] = {}
    dpi = 200
    pdf = pdfium.PdfDocument(info["pdf"])
    try:
        for copy in range(copies):
            style = MARKS[copy % len(MARKS)]
            answers: dict[str, object] = {}
            for fid, values in options.items():
                if values == ["x"]:
                    answers[fid] = rng.random() < 0.6
                elif fid == "c2.muc_do":
                    answers[fid] = None  # asked only if c2.phien_ha = co
                elif fid == "c2.phien_ha":
                    answers[fid] = "khong"
                else:
                    answers[fid] = rng.choice([*values, None])
            truth[copy + 1] = (style, answers)
            for i, page in enumerate(layout.pages):
                img = pdf[2 * copy + i].render(scale=dpi / 72, grayscale=True).to_numpy().copy()
                for box in page.boxes:
                    want = answers.get(box.field)
                    if (want is True and box.value == "x") or want == box.value:
                        draw_mark(img, box.rect, dpi / 25.4, style)
                h, w = img.shape
                turn = cv2.getRotationMatrix2D((w / 2, h / 2), rng.uniform(-2, 2), 1.0)
                img = cv2.warpAffine(img, turn, (w, h), borderValue=255)
                cv2.imwrite(str(folder / f"s{copy + 1:02d}_p{i + 1}.jpg"), img,
                            [cv2.IMWRITE_JPEG_QUALITY, 85])
    finally:
        pdf.close()
    report = read_paths(settings, [folder], ocr=False, out_dir=None)
    counts: dict[str, Counter] = {m: Counter() for m in MARKS}
    silent: list[str] = []
    for sheet in report.sheets:
        style, answers = truth[sheet.serial]
        for fid, want in answers.items():
            r = sheet.fields[fid]
            if r.needs_review:
                counts[style]["flagged"] += 1
                continue
            right = (r.status is Status.BLANK if want is None else r.value is want
                     if isinstance(want, bool) else r.value == want)
            counts[style]["ok" if right else "silent"] += 1
            if not right:
                silent.append(f"{style} #{sheet.serial} {fid}: read {r.value!r} ({r.status}),"
                              f" truth {want!r}")
    rows = []
    for style in MARKS:
        c = counts[style]
        n = sum(c.values())
        rows.append((style, str(n), f"{100 * c['flagged'] / max(1, n):.1f}", str(c["silent"])))
    pages = f"{report.count('read')} of {len(report.pages)} pages read"
    return rows, silent, pages


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Scan reader on degradations made elsewhere.")
    ap.add_argument("--sheets", type=int, default=20, help="sheets (2 pages each)")
    ap.add_argument("--seed", type=int, default=77)
    ap.add_argument("--variant", action="append", choices=sorted(VARIANTS),
                    help="only these variants (repeat); default: all")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                    help="processes for generating the clean sheets")
    ap.add_argument("--cache", default=str(Path(tempfile.gettempdir()) / "formkit-bench"))
    args = ap.parse_args(argv)

    import cv2
    from rich.console import Console
    from rich.table import Table

    from formkit.config import load_settings
    from formkit.scan import read_paths

    cv2.setNumThreads(1)
    root = ensure_clean(args)
    truth = json.loads((root / "clean" / "truth.json").read_text(encoding="utf-8"))
    settings = load_settings(ROOT)
    table = Table(title=f"Degradations made elsewhere ({args.sheets} sheets; x, tick, slash, "
                  "dot, scribble and overshoot marks in pen or pencil)")
    table.add_column("variant", no_wrap=True)
    for col in ("pages", "read", "rejected", "fields", "flagged %", "silent errors",
                "pages/s"):
        table.add_column(col, justify="right")
    all_examples: list[str] = []
    totals: Counter = Counter()
    for i, name in enumerate(args.variant or VARIANTS):
        folder = make_variant(root, name, truth, args.seed + i)
        t0 = time.perf_counter()
        report = read_paths(settings, [folder], ocr=False, out_dir=None)
        seconds = time.perf_counter() - t0
        counts, examples = score(report, truth)
        n = sum(counts.values())
        totals.update(counts)
        totals["pages"] += len(report.pages)
        totals["read"] += report.count("read")
        all_examples += [f"{name}: {e}" for e in examples]
        table.add_row(name, str(len(report.pages)), str(report.count("read")),
                      str(report.count("rejected")), str(n),
                      f"{100 * counts['flagged'] / max(1, n):.1f}", str(counts["silent"]),
                      f"{len(report.pages) / seconds:.1f}")
    n = totals["ok"] + totals["flagged"] + totals["silent"]
    table.add_row("all", str(totals["pages"]), str(totals["read"]),
                  str(totals["pages"] - totals["read"]), str(n),
                  f"{100 * totals['flagged'] / max(1, n):.1f}", str(totals["silent"]), "")
    con = Console()
    con.print(table)
    for line in all_examples[:20]:
        con.print("  silent: " + line, markup=False)
    if not args.variant:
        rows, silent, pages = marks_table(args, root)
        marks = Table(title=f"Marks the simulator does not draw ({pages}; 200 dpi JPEG, "
                      "turned up to 2°)")
        marks.add_column("mark", no_wrap=True)
        for col in ("fields", "flagged %", "silent errors"):
            marks.add_column(col, justify="right")
        for row in rows:
            marks.add_row(*row)
        con.print(marks)
        for line in silent[:20]:
            con.print("  silent: " + line, markup=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
