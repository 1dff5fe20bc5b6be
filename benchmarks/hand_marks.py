"""The scan reader on hand marks it was not built with, half of them held out of tuning.

The survey is built by LibreOffice (formkit's own build), rendered with PDFium at 300 dpi,
and filled with formkit_dev.handmarks: ticks of many shapes, crosses, circles around a box
or around its label, ticks beside the box, underlined labels, marks on the label text,
felt-tip, thin ballpoint, pencil. Nothing here comes from formkit_dev.simulate. Pages are
then scanned at office quality with plain OpenCV/numpy (200 dpi grey, a turn of up to 1.5°,
a slight scale, sensor noise, a little blur, JPEG quality 80).

Styles come in two halves (formkit_dev.handmarks.TUNING and HELD_OUT): the reader may be
adjusted against the first; the second is only scored. Each sheet uses one style for its
answers, as a respondent keeps one habit; 15 % of the rows are left blank.

  silent   choice fields not sent to review and wrong (another value, or blank while
           answered, or an answer while blank): target 0
  clear    fields holding one plain mark inside the box (handmarks.CLEAR) or nothing: the
           share of them sent to review is what review costs on ordinary sheets (≤ 2 %)
  ambig.   the share of ambiguous fields (circles, marks beside the box or on the label,
           pencil, partial scribble) sent to review: these may be flagged
  pages/s  reading speed on one core, OCR off

    .venv/bin/python benchmarks/hand_marks.py [--sheets-per-style 6] [--seed 11]
        [--style NAME ...] [--level office|rough] [--degrade VARIANT] [--cache DIR]

--degrade scans the filled pages with one of benchmarks/foreign_scans.py's degradations
(1-bit TIFF, phone photo, reverse side showing through, …) instead of the office scanner.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import hashlib  # noqa: E402
import json  # noqa: E402
import resource  # noqa: E402
import shutil  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections import Counter  # noqa: E402
from pathlib import Path  # noqa: E402

import cv2  # noqa: E402
import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import foreign_scans  # noqa: E402  (its degradations, for --degrade)
from PIL import Image  # noqa: E402

from formkit_dev import handmarks  # noqa: E402

RENDER_DPI = 300
BLANK_SHARE = 0.15


def office_scan(img: np.ndarray, rng: np.random.Generator, level: str) -> np.ndarray:
    """A sheet-feed scanner at office settings: 200 dpi grey, slightly turned and scaled,
    sensor noise, a little blur, JPEG."""
    h, w = img.shape
    turn = rng.uniform(-1.5, 1.5)
    scale = 200 / RENDER_DPI * rng.uniform(0.985, 1.015)
    ow, oh = int(w * 200 / RENDER_DPI), int(h * 200 / RENDER_DPI)
    m = cv2.getRotationMatrix2D((w / 2, h / 2), turn, scale)
    m[:, 2] += (ow / 2 - w / 2 + rng.uniform(-25, 25), oh / 2 - h / 2 + rng.uniform(-25, 25))
    out = cv2.warpAffine(img, m, (ow, oh),
                         flags=cv2.INTER_AREA, borderValue=250)
    sigma = 3.0 if level == "office" else 7.0
    out = out.astype(np.float32) + rng.normal(0, sigma, out.shape).astype(np.float32)
    if level == "rough":  # a tired scanner: uneven light and a softer image
        yy = np.linspace(-18, 12, out.shape[0])[:, None]
        out += yy
        out = cv2.GaussianBlur(out, (3, 3), 0.9)
    else:
        out = cv2.GaussianBlur(out, (3, 3), 0.5)
    out = np.clip(out, 0, 255).astype(np.uint8)
    ok, enc = cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, 80 if level == "office"
                                         else 55])
    assert ok
    return cv2.imdecode(enc, cv2.IMREAD_GRAYSCALE)


def build_form(cache: Path, copies: int) -> tuple[Path, str, Path]:
    from formkit import api
    from formkit.config import load_settings

    ws = cache / f"ws_{copies}"
    info = ws / "built.json"
    if not info.exists():
        shutil.rmtree(ws, ignore_errors=True)
        api.init_workspace(ws)
        built = api.build(load_settings(ws), ["05-02"], 2026, unit="QLCN", copies=copies)[0]
        info.write_text(json.dumps({"pdf": str(built.pdf), "layout": built.layout.version}))
    d = json.loads(info.read_text())
    return ws, d["layout"], Path(d["pdf"])


def make_sheets(args: argparse.Namespace, cache: Path, styles: list[str]
                ) -> tuple[Path, Path, dict]:
    import pypdfium2 as pdfium

    from formkit.config import load_settings
    from formkit.spec.layout import registry

    copies = args.sheets_per_style * len(styles)
    ws, version, pdf_path = build_form(cache, copies)
    src = Path(handmarks.__file__).read_bytes() + Path(__file__).read_bytes()
    key = repr((styles, args.seed, args.level, args.sheets_per_style, args.degrade))
    if args.degrade:
        src += Path(foreign_scans.__file__).read_bytes()
    tag = hashlib.sha256(src + key.encode()).hexdigest()[:10]
    folder = cache / f"scans_{tag}"
    truth_path = folder / "truth.json"
    if truth_path.exists():
        return ws, folder, json.loads(truth_path.read_text())
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    layout = registry(load_settings(ws)).get(version)
    rng = np.random.default_rng(args.seed)
    ppm = RENDER_DPI / 25.4
    truth: dict[str, dict] = {}
    pdf = pdfium.PdfDocument(str(pdf_path))
    try:
        for copy in range(copies):
            style = styles[copy % len(styles)]
            answers: dict[str, object] = {}
            fields: dict[str, list] = {}
            for page in layout.pages:
                for box in page.boxes:
                    fields.setdefault(box.field, []).append(box.value)
            for fid, values in fields.items():
                blank = rng.random() < BLANK_SHARE
                if values == ["x"]:
                    answers[fid] = bool(rng.random() < 0.6)
                elif fid == "c2.muc_do":
                    answers[fid] = None if answers.get("c2.phien_ha") != "co" or blank \
                        else str(rng.choice(values))
                else:
                    answers[fid] = None if blank else str(rng.choice(values))
            pen = handmarks.PENS[str(rng.choice(["ballpoint", "blue_ballpoint", "gel"]))]
            filled: list[np.ndarray] = []
            for i, page in enumerate(layout.pages):
                img = pdf[len(layout.pages) * copy + i].render(
                    scale=RENDER_DPI / 72, grayscale=True).to_numpy().copy()
                clean = img.copy()
                for box in page.boxes:
                    want = answers[box.field]
                    if (want is True and box.value == "x") or want == box.value:
                        r = box.rect
                        handmarks.draw(img, style, (r.x, r.y, r.w, r.h),
                                       handmarks.label_rect(clean, r, ppm), ppm, rng, pen)
                if args.degrade:
                    filled.append(img)
                    continue
                scan = office_scan(img, rng, args.level)
                cv2.imwrite(str(folder / f"s{copy + 1:03d}_p{i + 1}.jpg"), scan,
                            [cv2.IMWRITE_JPEG_QUALITY, 95])
            if args.degrade:  # a scanner made elsewhere (benchmarks/foreign_scans.py)
                pages = [Image.fromarray(p).convert("RGB") for p in filled]
                out, container, dpi = foreign_scans.VARIANTS[args.degrade](pages, rng)
                foreign_scans._write(folder, f"s{copy + 1:03d}", out, container, dpi)
            truth[str(copy + 1)] = {"style": style, "answers": answers}
    finally:
        pdf.close()
    truth_path.write_text(json.dumps(truth))
    return ws, folder, truth


def score(report, truth: dict) -> tuple[dict[str, Counter], list[str]]:
    from formkit.scan.result import Status

    by_style: dict[str, Counter] = {}
    silent: list[str] = []
    for sheet in report.sheets:
        t = truth.get(str(sheet.serial))
        if t is None:
            continue
        style = t["style"]
        c = by_style.setdefault(style, Counter())
        for fid, want in t["answers"].items():
            r = sheet.fields.get(fid)
            clear = style in handmarks.CLEAR  # blank rows beside odd marks are not clean
            kind = "clear" if clear else "ambiguous"
            c[f"{kind}_n"] += 1
            if r is None or r.needs_review:
                c[f"{kind}_flagged"] += 1
                continue
            if want is None:
                right = r.status is Status.BLANK
            elif isinstance(want, bool):
                right = r.value is not None and bool(r.value) == want
            else:
                right = r.value == want
            if not right:
                c["silent"] += 1
                silent.append(f"{style} #{sheet.serial} {fid}: read {r.value!r} "
                              f"({r.status.value}, {r.confidence:.2f}), truth {want!r}")
    return by_style, silent


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Scan reader on independent hand marks.")
    ap.add_argument("--sheets-per-style", type=int, default=6)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--style", nargs="*", default=None)
    ap.add_argument("--level", choices=("office", "rough"), default="office")
    ap.add_argument("--degrade", choices=sorted(foreign_scans.VARIANTS), default=None,
                    help="scan with one of foreign_scans.py's degradations instead of --level")
    ap.add_argument("--cache", default=str(Path(tempfile.gettempdir()) / "formkit_bench"))
    ap.add_argument("--show-silent", type=int, default=20)
    args = ap.parse_args(argv)
    styles = args.style or list(handmarks.STYLES)
    cache = Path(args.cache) / "hand_marks"
    cache.mkdir(parents=True, exist_ok=True)
    print(f"Building and filling {args.sheets_per_style * len(styles)} sheets "
          f"({len(styles)} styles, level {args.level}) …", flush=True)
    ws, folder, truth = make_sheets(args, cache, styles)

    from formkit.config import load_settings
    from formkit.scan import read_paths

    settings = load_settings(ws)
    t0 = time.perf_counter()
    report = read_paths(settings, [folder], ocr=False, out_dir=None)
    seconds = time.perf_counter() - t0
    pages = len(report.pages)
    read = report.count("read")
    by_style, silent = score(report, truth)

    scanner = f"scan {args.degrade}" if args.degrade else f"level {args.level}"
    print(f"\nHand marks, {scanner}: {read} of {pages} pages read, "
          f"{pages / seconds:.1f} pages/s on one core (OCR off), peak "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    head = f"{'style':<20} {'set':<9} {'fields':>6} {'clear flagged':>14} " \
           f"{'ambig. flagged':>15} {'silent':>6}"
    print(head)
    print("-" * len(head))
    totals: dict[str, Counter] = {"tuning": Counter(), "held out": Counter()}
    for style in styles:
        c = by_style.get(style, Counter())
        group = "tuning" if style in handmarks.TUNING else "held out"
        totals[group].update(c)
        print(_row(style, group, c))
    print("-" * len(head))
    for group, c in totals.items():
        if c:
            print(_row(f"all {group}", "", c))
    both = totals["tuning"] + totals["held out"]
    print(_row("all", "", both))
    if silent:
        print(f"\nSilent errors ({len(silent)}):")
        for line in silent[:args.show_silent]:
            print("  " + line)
    return 0


def _pct(a: int, b: int) -> str:
    return f"{100 * a / b:.1f} % ({a}/{b})" if b else "-"


def _row(name: str, group: str, c: Counter) -> str:
    n = c["clear_n"] + c["ambiguous_n"]
    return (f"{name:<20} {group:<9} {n:>6} {_pct(c['clear_flagged'], c['clear_n']):>14} "
            f"{_pct(c['ambiguous_flagged'], c['ambiguous_n']):>15} {c['silent']:>6}")


if __name__ == "__main__":
    raise SystemExit(main())
