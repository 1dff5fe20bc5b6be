"""The department's own survey form read by its wording (issue 19): for each DOCX variant
and scan degradation, pages recognised and joined right, fields located, silent errors
(a field read with confidence, not sent to review, and wrong), fields flagged, pages/s.

    python benchmarks/legacy_forms.py [--sheets 4] [--levels office,copy]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from formkit.config import load_settings  # noqa: E402
from formkit.scan.batch import READ, REJECTED, read_paths  # noqa: E402
from formkit_dev import legacy_forms as L  # noqa: E402


def score(report, truth: list[dict]) -> dict:
    survey_pages = [p for p in report.pages if p.outcome == READ]
    sheets = report.sheets
    joined = sum(1 for s in sheets if s.complete) if len(sheets) == len(truth) else 0
    fields = located = silent = flagged = 0
    for s, t in zip(sheets, truth, strict=False):
        for fid, want in t.items():
            f = s.fields.get(fid)
            fields += 1
            if f is None:
                continue
            if f.status.value != "unreadable":
                located += 1
            if f.needs_review:
                flagged += 1
                continue
            got = f.value
            if f.kind == "text":
                wrong = bool(got) != bool(want)  # written or not (the text itself: OCR)
            elif f.kind == "flag":
                wrong = bool(got) != bool(want)
            else:
                wrong = got != want
            silent += wrong
    return dict(pages=len(survey_pages), joined=joined, sheets=len(truth), fields=fields,
                located=located, silent=silent, flagged=flagged,
                rejected=sum(1 for p in report.pages if p.outcome == REJECTED))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sheets", type=int, default=4)
    ap.add_argument("--levels", default="office,copy")
    ap.add_argument("--variants", default=",".join(L.VARIANTS))
    args = ap.parse_args()
    settings = load_settings(ROOT)
    print(f"{'variant':12} {'scan':7} {'sheets':>6} {'pages':>6} {'joined':>7} {'located':>8} "
          f"{'silent':>6} {'flagged':>8} {'foreign':>8} {'pages/s':>8}")
    with tempfile.TemporaryDirectory(prefix="formkit-legacy-") as tmp:
        work = Path(tmp)
        pdfs = L.build_pdfs(work / "print", args.variants.split(","))
        for variant in args.variants.split(","):
            for level in args.levels.split(","):
                pdf, truth = L.make_batch(work, variant, level, args.sheets, seed=7,
                                          pdfs=pdfs, foreign=True)
                t0 = time.perf_counter()
                rep = read_paths(settings, [pdf])
                dt = time.perf_counter() - t0
                r = score(rep, truth)
                n_pages = len(rep.pages)
                print(f"{variant:12} {level:7} {r['sheets']:6d} {r['pages']:6d} "
                      f"{r['joined']:4d}/{r['sheets']:<2d} "
                      f"{100 * r['located'] / max(1, r['fields']):7.1f}% {r['silent']:6d} "
                      f"{100 * r['flagged'] / max(1, r['fields']):7.1f}% "
                      f"{'rejected' if r['rejected'] == 1 else r['rejected']:>8} "
                      f"{n_pages / dt:8.2f}", flush=True)


if __name__ == "__main__":
    main()
