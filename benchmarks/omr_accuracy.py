"""OMR accuracy and speed of the scan reader on synthetic returned sheets, on one core.

Sheets come from formkit_dev.simulate (filled in ten mark styles, degraded by level, with
ground truth) and are cached in a temporary folder, keyed by the options and the simulator's
source, so a second run only reads. They are read with formkit.scan.read_paths exactly as
`formkit read` does (no overlays; OCR only with --ocr) and compared with the truth:

  boxes     per printed box: read state (checked / empty / filled / uncertain) against the
            truth (selected or not); accuracy, uncertain and wrong shares, by mark style
  fields    per choice field: correct (not flagged, right value), flagged for review, and
            SILENT ERRORS: not flagged and wrong (status ok with another value, or blank while
            the respondent answered); a field the truth expects to be "multiple" or
            "contradiction" is an error when it is not flagged. By level and by answer style,
            and for the plain fields alone (one pen mark or none, PLAIN_STYLES)
  pages     every page must end read (or duplicate, for rescans); rejections are listed
  speed     pages per second of read_paths on one core (OpenCV/OpenMP threads = 1) and the
            peak memory of the reading process (generation runs in a child process)
  text      with --ocr: empty zones read as blank, character error rate of written zones

    .venv/bin/python benchmarks/omr_accuracy.py [--sheets 500] [--level all] [--seed 1]
        [--formats pdf,jpeg] [--pdf-pages 40] [--ocr] [--jobs 2] [--cache DIR]
        [--json out.json]

--level all splits the sheets evenly over none, light, moderate, heavy and phone; any single
level (or mixed: a level drawn per sheet) can be given instead. Targets: 0 silent errors on
none/light, under 0.5 % of fields overall; no page lost.
"""

from __future__ import annotations

import os

# one core, set before numpy / OpenCV load their thread pools
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import hashlib  # noqa: E402
import json  # noqa: E402
import resource  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections import Counter, defaultdict  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

LEVELS = ("none", "light", "moderate", "heavy", "phone")
DEFAULT_PDF_PAGES = 40  # pages per scanner PDF, as simulate writes them by default
# answers a person reads at a glance: the flag rate on these is what review costs for
# ordinary sheets; circles, pencil, cancellations and neighbours' strokes are flagged by
# design when they are ambiguous
PLAIN_STYLES = {"empty", "x", "tick", "slash", "dot", "scribble", "overshoot"}


# ---------------------------------------------------------------------------------------------
# Generation (child process: its memory and threads do not count against the reader)


def _cache_dir(args: argparse.Namespace) -> Path:
    src = (ROOT / "formkit_dev" / "simulate.py").read_bytes()
    tag = hashlib.sha256(src).hexdigest()[:8]
    name = (f"omr_s{args.seed}_n{args.sheets}_{args.level}_{args.formats.replace(',', '-')}"
            f"_r{args.rescans:g}_{tag}")
    if args.pdf_pages != DEFAULT_PDF_PAGES:
        name += f"_pp{args.pdf_pages}"
    return Path(args.cache) / name


def _plan(args: argparse.Namespace) -> list[tuple[str, int, int]]:
    """(level, copies, first serial) per sub-folder."""
    if args.level != "all":
        return [(args.level, args.sheets, 1)]
    per, extra = divmod(args.sheets, len(LEVELS))
    out, first = [], 1
    for i, lvl in enumerate(LEVELS):
        n = per + (1 if i < extra else 0)
        out.append((lvl, n, first))
        first += n
    return [p for p in out if p[1] > 0]


def generate(args: argparse.Namespace) -> None:
    from formkit.config import load_settings
    from formkit_dev.simulate import simulate

    root = Path(args.out)
    settings = load_settings(ROOT)
    formats = tuple(f.strip() for f in args.formats.split(",") if f.strip())
    for i, (lvl, n, first) in enumerate(_plan(args)):
        folder = root / lvl
        if (folder / "truth.json").exists():
            continue
        t0 = time.perf_counter()
        tmp = root / f".{lvl}.part"
        shutil.rmtree(tmp, ignore_errors=True)  # left over from an interrupted run
        simulate(settings, n, args.seed + 1000 * i, tmp, level=lvl, formats=formats,
                 first_serial=first, shuffle=True, rescans=args.rescans, workers=args.jobs,
                 pdf_pages=args.pdf_pages)
        tmp.replace(folder)
        print(f"  generated {n} sheets ({lvl}) in {time.perf_counter() - t0:.0f} s",
              flush=True)


def ensure_sheets(args: argparse.Namespace) -> Path:
    root = _cache_dir(args)
    if all((root / lvl / "truth.json").exists() for lvl, _n, _f in _plan(args)):
        return root
    root.mkdir(parents=True, exist_ok=True)
    print(f"Generating {args.sheets} sheets into {root} …", flush=True)
    cmd = [sys.executable, __file__, "--generate-only", "--out", str(root),
           "--sheets", str(args.sheets), "--level", args.level, "--seed", str(args.seed),
           "--formats", args.formats, "--jobs", str(args.jobs), "--rescans",
           str(args.rescans), "--pdf-pages", str(args.pdf_pages)]
    subprocess.run(cmd, check=True)
    return root


# ---------------------------------------------------------------------------------------------
# Scoring


class Tally:
    def __init__(self) -> None:
        self.n = 0
        self.counts: Counter[str] = Counter()

    def add(self, what: str) -> None:
        self.n += 1
        self.counts[what] += 1

    def pct(self, what: str) -> float:
        return 100.0 * self.counts[what] / self.n if self.n else 0.0




def _page_pixels(path: Path, index: int, dpi: float):
    """The written page image at full resolution (as the simulator wrote it)."""
    import numpy as np
    from PIL import Image

    if path.suffix.lower() == ".pdf":
        import pypdfium2 as pdfium

        pdf = pdfium.PdfDocument(str(path))
        try:
            return pdf[index - 1].render(scale=dpi / 72.0, grayscale=True).to_numpy().copy()
        finally:
            pdf.close()
    with Image.open(path) as img:
        img.seek(index - 1)
        return np.asarray(img.convert("L"))


def mark_visible(folder: Path, page: dict[str, Any], rect_mm) -> bool:
    """Is anything of a mark left in the written image inside this box? Light pencil can
    vanish entirely under 1-bit thresholding or a copier's background removal: no reader
    can see such a mark, so it is counted apart, not as the reader's silent error."""
    import numpy as np

    deg = page["degradation"]
    img = _page_pixels(folder / page["file"], page["index"], deg["dpi"])
    H = np.array(deg["mm_to_px"], dtype=float)
    x, y, w, h = rect_mm
    corners = np.array([[x + 1.0, y + 1.0, 1], [x + w - 1.0, y + 1.0, 1],
                        [x + w - 1.0, y + h - 1.0, 1], [x + 1.0, y + h - 1.0, 1]]) @ H.T
    pts = corners[:, :2] / corners[:, 2:3]
    x0, y0 = np.floor(pts.min(axis=0)).astype(int)
    x1, y1 = np.ceil(pts.max(axis=0)).astype(int)
    inner = img[max(0, y0):y1, max(0, x0):x1]
    pad = int((x1 - x0) * 0.8)
    around = img[max(0, y0 - pad):y1 + pad, max(0, x0 - pad):x1 + pad]
    if inner.size == 0 or around.size == 0:
        return True
    paper = float(np.percentile(around, 75))
    return paper - float(np.percentile(inner, 2)) >= 30


def score(report, folders: list[Path], ocr: bool) -> dict[str, Any]:
    from formkit.scan.result import BoxState, Status
    from formkit.textnorm import levenshtein, nfc
    from formkit_dev.simulate import load_truth

    copies: dict[int, dict[str, Any]] = {}
    pages: dict[tuple[str, int], dict[str, Any]] = {}
    folder_of: dict[int, Path] = {}
    layouts: dict[int, Any] = {}
    for folder in folders:
        truth = load_truth(folder)
        for c in truth["copies"]:
            copies[c["serial"]] = c
            folder_of[c["serial"]] = folder
            c.setdefault("layout", truth["layout"])
            for p in c["pages"]:
                pages[(str((folder / p["file"]).resolve()), p["index"])] = {
                    "serial": c["serial"], **p}

    # ---- pages
    page_t: dict[str, Tally] = defaultdict(Tally)
    reasons: Counter[str] = Counter()
    read_once: Counter[tuple[int, int]] = Counter()
    for o in report.pages:
        t = pages.get((str(Path(o.file).resolve()), o.page))
        level = t["degradation"]["level"] if t else "?"
        page_t[level].add(o.outcome)
        page_t["all"].add(o.outcome)
        if o.outcome == "read" and t:
            read_once[(t["serial"], t["form_page"])] += 1
        if o.outcome == "rejected":
            reasons[f"{level}: {o.reason[:70]}"] += 1
    lost = [k for c in copies.values() for k in
            [(c["serial"], p["form_page"]) for p in c["pages"] if not p["rescan"]]
            if read_once[k] == 0]
    twice = [k for k, v in read_once.items() if v > 1]

    # ---- boxes and fields
    box_style: dict[str, Tally] = defaultdict(Tally)
    box_level: dict[str, Tally] = defaultdict(Tally)
    fld_level: dict[str, Tally] = defaultdict(Tally)
    fld_case: dict[str, Tally] = defaultdict(Tally)
    fld_plain: dict[str, Tally] = defaultdict(Tally)
    silent_examples: list[str] = []
    text_t: dict[str, Tally] = defaultdict(Tally)
    cer_sum: dict[str, list[float]] = defaultdict(list)
    sheets = {s.serial: s for s in report.sheets}
    for serial, c in copies.items():
        sheet = sheets.get(serial)
        page_level = {}
        for p in c["pages"]:
            if not p["rescan"]:
                page_level[p["form_page"]] = p["degradation"]["level"]
        for fid, t in c["fields"].items():
            level = page_level.get(t["page"], c["level"])
            r = sheet.fields.get(fid) if sheet else None
            if t["kind"] == "text":
                if not ocr or r is None:
                    continue
                kind = "empty" if t["value"] is None else t["hand"]
                if t["value"] is None:
                    text_t[kind].add("ok" if r.status is Status.BLANK else (
                        "flagged" if r.needs_review else "phantom text"))
                else:
                    got = nfc(r.value or "")
                    cer = levenshtein(got, t["value"]) / max(1, len(t["value"]))
                    cer_sum[kind].append(cer)
                    bad = cer > 0.10
                    text_t[kind].add("flagged" if r.needs_review else (
                        "silent" if bad else "ok"))
                continue
            styles = {v: b["style"] for v, b in t["boxes"].items()}
            chosen = [s for v, s in styles.items() if t["boxes"][v]["selected"]]
            if t["expect"] in ("multiple", "contradiction"):
                case = t["expect"]
            elif t["kind"] == "flag":
                case = chosen[0] if chosen else "blank"
            else:
                case = chosen[0] if chosen else "blank"
            extras = [s for s in styles.values() if s in ("filled", "intrusion")]
            # ---- boxes
            evs = {b.value: b for b in (r.boxes if r else [])}
            for v, b in t["boxes"].items():
                ev = evs.get(v)
                if ev is None:
                    what = "unread"
                elif ev.state is BoxState.UNCERTAIN:
                    what = "uncertain"
                else:
                    what = "ok" if (ev.state is BoxState.CHECKED) == b["selected"] else "wrong"
                box_style[b["style"]].add(what)
                box_level[level].add(what)
                box_style["all"].add(what)
            # ---- field
            if r is None:
                what = "flagged"  # page never read: the sheet is incomplete, not silent
            elif r.needs_review:
                what = "flagged"
            elif t["expect"] in ("multiple", "contradiction"):
                what = "silent"
            else:
                tv = t["value"]
                rv = r.value
                if t["kind"] == "flag":
                    right = rv is not None and bool(rv) == bool(tv)
                else:
                    right = rv == tv
                what = "ok" if right else "silent"
            if what == "silent":
                # a selected mark that left no trace in the image is nobody's to read
                page = next(p for p in c["pages"] if p["form_page"] == t["page"]
                            and not p["rescan"])
                lay = layouts.get(serial) or _layout_for(c)
                layouts[serial] = lay
                boxes = {b.value: b.rect for b in lay.page(t["page"]).boxes
                         if b.field == fid}
                sel = [v for v, b in t["boxes"].items() if b["selected"]]
                if sel and not any(mark_visible(folder_of[serial], page,
                                                (boxes[v].x, boxes[v].y, boxes[v].w,
                                                 boxes[v].h)) for v in sel):
                    what = "invisible"
            if what == "silent" and len(silent_examples) < 25:
                silent_examples.append(
                    f"#{serial} {fid} [{level}] read {r.value!r} ({r.status}, "
                    f"{r.confidence:.2f}) truth {t['value']!r} styles "
                    f"{ {v: s for v, s in styles.items() if s != 'empty'} }")
            fld_level[level].add(what)
            fld_level["all"].add(what)
            if t["expect"] == "ok" and set(styles.values()) <= PLAIN_STYLES:
                fld_plain[level].add(what)
                fld_plain["all"].add(what)
            fld_case[case].add(what)
            for e in set(extras):
                fld_case[f"with {e}"].add(what)
    return {"page": page_t, "reasons": reasons, "lost": lost, "twice": twice,
            "box_style": box_style, "box_level": box_level, "fld_level": fld_level,
            "fld_plain": fld_plain,
            "fld_case": fld_case, "silent_examples": silent_examples, "text": text_t,
            "cer": cer_sum}


def _layout_for(copy: dict[str, Any]):
    from formkit.config import load_settings
    from formkit.spec.layout import registry

    return registry(load_settings()).get(copy["layout"])


# ---------------------------------------------------------------------------------------------
# Output


def _order(keys, first=("all",)) -> list[str]:
    from formkit_dev.simulate import STYLES

    rank = {k: i for i, k in enumerate([*first, *LEVELS, *STYLES, "blank", "multiple",
                                         "contradiction", "with filled", "with intrusion"])}
    return sorted(keys, key=lambda k: (rank.get(k, 99), k))


def print_tables(s: dict[str, Any], speed: dict[str, float], args: argparse.Namespace) -> None:
    from rich.console import Console
    from rich.table import Table

    con = Console()
    t = Table(title=f"Pages ({args.sheets} sheets, level {args.level}, formats {args.formats})")
    for col in ("level", "pages", "read", "duplicate", "rejected"):
        t.add_column(col, justify="right")
    for k in _order(s["page"]):
        v = s["page"][k]
        t.add_row(k, str(v.n), str(v.counts["read"]), str(v.counts["duplicate"]),
                  str(v.counts["rejected"]))
    con.print(t)
    if s["reasons"]:
        for reason, n in s["reasons"].most_common(8):
            con.print(f"  rejected ×{n}: {reason}")
    con.print(f"  copies' pages never read: {len(s['lost'])}; read twice: {len(s['twice'])}")

    t = Table(title="Boxes by mark style (state read vs. truth selected)")
    for col in ("style", "boxes", "accuracy %", "uncertain %", "wrong %", "unread %"):
        t.add_column(col, justify="right")
    for k in _order(s["box_style"]):
        v = s["box_style"][k]
        t.add_row(k, str(v.n), f"{v.pct('ok'):.2f}", f"{v.pct('uncertain'):.2f}",
                  f"{v.pct('wrong'):.2f}", f"{v.pct('unread'):.2f}")
    con.print(t)

    t = Table(title="Boxes by degradation level")
    for col in ("level", "boxes", "accuracy %", "uncertain %", "wrong %", "unread %"):
        t.add_column(col, justify="right")
    for k in _order(s["box_level"]):
        v = s["box_level"][k]
        t.add_row(k, str(v.n), f"{v.pct('ok'):.2f}", f"{v.pct('uncertain'):.2f}",
                  f"{v.pct('wrong'):.2f}", f"{v.pct('unread'):.2f}")
    con.print(t)

    for key, title, head in (("fld_level", "Choice fields by degradation level", "level"),
                             ("fld_plain", "Plain fields by level: one pen mark or none (no "
                              "circle, pencil, cancellation or neighbour's stroke)", "level"),
                             ("fld_case", "Choice fields by answer style", "answer")):
        t = Table(title=title)
        for col in (head, "fields", "correct %", "flagged %", "silent errors", "silent %",
                    "invisible"):
            t.add_column(col, justify="right")
        for k in _order(s[key]):
            v = s[key][k]
            t.add_row(k, str(v.n), f"{v.pct('ok'):.2f}", f"{v.pct('flagged'):.2f}",
                      str(v.counts["silent"]), f"{v.pct('silent'):.3f}",
                      str(v.counts["invisible"]))
        con.print(t)
    if s["silent_examples"]:
        con.print("Silent errors (first 25):")
        for line in s["silent_examples"]:
            con.print("  " + line, markup=False)
    if s["text"]:
        t = Table(title="Text zones (OCR)")
        for col in ("zone", "zones", "ok %", "flagged %", "silent / phantom %", "mean CER %"):
            t.add_column(col, justify="right")
        for k, v in sorted(s["text"].items()):
            cers = s["cer"].get(k, [])
            bad = v.pct("silent") + v.pct("phantom text")
            t.add_row(k, str(v.n), f"{v.pct('ok'):.1f}", f"{v.pct('flagged'):.1f}",
                      f"{bad:.1f}", f"{100 * sum(cers) / len(cers):.1f}" if cers else "-")
        con.print(t)
    con.print(f"Speed: {speed['pages']} pages in {speed['seconds']:.1f} s on one core = "
              f"[bold]{speed['pages_per_s']:.2f} pages/s[/] ({speed['s_per_page']:.3f} s a page);"
              f" peak memory of the reading process {speed['peak_mb']:.0f} MB")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="OMR accuracy benchmark on synthetic scans.")
    ap.add_argument("--sheets", type=int, default=500, help="sheets (2 pages each)")
    ap.add_argument("--level", default="all",
                    help="all (even split over none..phone), mixed, or one level")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--formats", default="pdf,jpeg", help="comma list of pdf,png,jpeg,tiff")
    ap.add_argument("--rescans", type=float, default=0.0,
                    help="share of pages scanned twice (must come out as duplicates)")
    ap.add_argument("--pdf-pages", type=int, default=DEFAULT_PDF_PAGES,
                    help="pages per scanner PDF (e.g. 1000 with --formats pdf --level light "
                         "--sheets 500: one 1,000-page PDF, for the memory target)")
    ap.add_argument("--ocr", action="store_true", help="also read the text zones (slow)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                    help="processes for generating the sheets (reading is always one core)")
    ap.add_argument("--cache", default=str(Path(tempfile.gettempdir()) / "formkit-bench"),
                    help="where generated sheets are kept between runs")
    ap.add_argument("--json", type=Path, help="write the figures here as JSON")
    ap.add_argument("--generate-only", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--out", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    from formkit_dev.simulate import LEVEL_NAMES

    if args.level not in (*LEVEL_NAMES, "all"):
        ap.error(f"--level must be all or one of {', '.join(LEVEL_NAMES)}")
    if args.generate_only:
        generate(args)
        return 0

    root = ensure_sheets(args)
    folders = [root / lvl for lvl, _n, _f in _plan(args)]

    import cv2

    cv2.setNumThreads(1)
    from formkit.config import load_settings
    from formkit.scan import read_paths

    settings = load_settings(ROOT)
    n_files = sum(len(json.loads((f / "truth.json").read_text())["files"]) for f in folders)
    print(f"Reading {n_files} files on one core …", flush=True)
    t0 = time.perf_counter()
    report = read_paths(settings, folders, ocr=args.ocr, out_dir=None)
    elapsed = time.perf_counter() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    n_pages = len(report.pages)
    speed = {"pages": n_pages, "seconds": elapsed, "pages_per_s": n_pages / elapsed,
             "s_per_page": elapsed / max(1, n_pages), "peak_mb": peak_mb}
    s = score(report, folders, args.ocr)
    print_tables(s, speed, args)
    if args.json:
        def flat(d: dict[str, Any]) -> dict[str, Any]:
            return {k: {"n": v.n, **dict(v.counts)} for k, v in d.items()}

        out = {"args": {k: v for k, v in vars(args).items() if k not in ("json",)},
               "speed": speed, "pages": flat(s["page"]), "boxes_by_style": flat(s["box_style"]),
               "boxes_by_level": flat(s["box_level"]), "fields_by_level": flat(s["fld_level"]),
               "plain_fields_by_level": flat(s["fld_plain"]),
               "fields_by_answer": flat(s["fld_case"]), "text": flat(s["text"]),
               "silent_examples": s["silent_examples"], "rejected": dict(s["reasons"]),
               "lost_pages": len(s["lost"])}
        args.json.write_text(json.dumps(out, indent=1, ensure_ascii=False, default=str),
                             encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
