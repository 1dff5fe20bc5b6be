"""Pages per second of `formkit read` for 200- and 300-dpi, grey and colour JPEG pages,
with --jobs 1 and --jobs 2, OCR on and off.

Pages come from `formkit.scan.simulate` at level "none" (the clean 300-dpi colour page with
its marks and written answers), saved once as PNG and then written as JPEG (quality 85,
with their dpi) in each of the four variants. Each variant is read with
formkit.scan.read_paths as `formkit read --dry-run` does, without overlays (as
omr_accuracy.py), and must read every page. A decode-only row shows how fast the JPEGs
alone are decoded (formkit.scan.load.iter_pages).

    .venv/bin/python benchmarks/read_speed.py [--sheets 20] [--jobs 1,2] [--ocr both]
        [--variants 200-colour,300-colour,200-grey,300-grey] [--json out.json]

The machine may be shared: the load average at start and end is printed beside the table.
The --jobs 2 rows include starting the two worker processes (a fresh interpreter each that
imports OpenCV and formkit and loads the forms: seconds on a loaded machine), so on a short
batch they show the start-up more than the reading; use --sheets 100 or more for the rate.
Target (issue 20): 200-dpi colour, OCR off, >= 16 pages/s per core; --jobs 2 >= 1.8x --jobs 1.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

VARIANTS = ("200-colour", "300-colour", "200-grey", "300-grey")


def _generate(ws: Path, sheets: int, folder: Path) -> list[Path]:
    """Clean 300-dpi colour pages (PNG) of `sheets` simulated copies."""
    from formkit.config import load_settings
    from formkit.scan import simulate as sim

    settings = load_settings(ws)
    sim.simulate(settings, sheets, 7, folder, level="none", formats=("png",), workers=2)
    return sorted(folder.glob("*.png"))


def _variant(pages: list[Path], variant: str, folder: Path) -> Path:
    import cv2
    from PIL import Image

    dpi, colour = variant.split("-")
    out = folder / variant
    out.mkdir(parents=True, exist_ok=True)
    for p in pages:
        img = cv2.imread(str(p), cv2.IMREAD_COLOR)
        if int(dpi) != 300:
            k = int(dpi) / 300
            img = cv2.resize(img, None, fx=k, fy=k, interpolation=cv2.INTER_AREA)
        pil = Image.fromarray(img[:, :, ::-1])
        if colour == "grey":
            pil = pil.convert("L")
        pil.save(out / (p.stem + ".jpg"), quality=85, dpi=(int(dpi), int(dpi)))
    return out


def _read(ws: Path, folder: Path, jobs: int, ocr: bool) -> tuple[float, dict[str, int]]:
    from formkit.config import load_settings
    from formkit.scan import read_paths

    settings = load_settings(ws)
    t0 = time.perf_counter()
    report = read_paths(settings, [folder], ocr=ocr, jobs=jobs)
    seconds = time.perf_counter() - t0
    counts = {k: report.count(k) for k in ("read", "duplicate", "rejected")}
    return seconds, counts


def _decode(folder: Path) -> float:
    from formkit.scan import load

    files = sorted(folder.glob("*.jpg"))
    t0 = time.perf_counter()
    for f in files:
        for _ in load.iter_pages(f):
            pass
    return len(files) / (time.perf_counter() - t0)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sheets", type=int, default=20, help="copies (2 pages each)")
    ap.add_argument("--jobs", default="1,2")
    ap.add_argument("--ocr", choices=("on", "off", "both"), default="both")
    ap.add_argument("--variants", default=",".join(VARIANTS))
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    jobs = [int(j) for j in args.jobs.split(",")]
    ocrs = {"on": [True], "off": [False], "both": [False, True]}[args.ocr]
    variants = [v for v in args.variants.split(",") if v]

    from formkit import api

    tmp = Path(tempfile.mkdtemp(prefix="formkit-read-speed-"))
    try:
        ws = tmp / "ws"
        api.init_workspace(ws)
        settings = api.load_settings(ws)
        api.build(settings, ["05-02"], 2026, unit="QLCN", copies=0, pdf=False)
        print(f"generating {args.sheets} sheets ({2 * args.sheets} pages)…", flush=True)
        pages = _generate(ws, args.sheets, tmp / "png")
        load0 = os.getloadavg()
        rows = []
        for variant in variants:
            folder = _variant(pages, variant, tmp / "jpeg")
            rows.append({"variant": variant, "mode": "decode only", "jobs": 1,
                         "pages_per_s": round(_decode(folder), 1), "ok": True})
            for ocr in ocrs:
                for j in jobs:
                    seconds, counts = _read(ws, folder, j, ocr)
                    rows.append({"variant": variant, "mode": "OCR on" if ocr else "OCR off",
                                 "jobs": j, "pages_per_s": round(len(pages) / seconds, 2),
                                 "ok": counts["read"] == len(pages), **counts})
                    print(f"  {variant} {'OCR on ' if ocr else 'OCR off'} --jobs {j}: "
                          f"{len(pages) / seconds:.2f} pages/s", flush=True)
        load1 = os.getloadavg()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    print(f"\n{len(pages)} pages per row; {os.cpu_count()} cores; load average "
          f"{load0[0]:.1f} at start, {load1[0]:.1f} at end (a shared machine reads slower)")
    print(f"{'variant':<12} {'mode':<12} {'jobs':>4} {'pages/s':>8} {'all read':>8}")
    for r in rows:
        print(f"{r['variant']:<12} {r['mode']:<12} {r['jobs']:>4} {r['pages_per_s']:>8} "
              f"{'yes' if r['ok'] else 'NO':>8}")
    for variant in variants:
        for mode in ("OCR off", "OCR on"):
            by_jobs = {r["jobs"]: r["pages_per_s"] for r in rows
                       if r["variant"] == variant and r["mode"] == mode}
            if 1 in by_jobs and 2 in by_jobs:
                print(f"{variant} {mode}: --jobs 2 = {by_jobs[2] / by_jobs[1]:.2f}x --jobs 1")
    if args.json:
        args.json.write_text(json.dumps({"rows": rows, "load": [load0, load1]}, indent=1))
    return 0 if all(r["ok"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
