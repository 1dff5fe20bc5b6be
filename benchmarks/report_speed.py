"""Speed and memory of the annual evaluation on a large year.

A year of 10,000 survey responses (and 10,000 in the previous year, for the comparisons)
and 2,000 register entries over the two years: tallies, summary workbook, charts and
report DOCX; the PDF conversion only with --pdf. Prints a table of seconds and the peak
resident memory of the process after each step.
Targets: under 15 s in total without the PDF, under 500 MB.

    .venv/bin/python benchmarks/report_speed.py [--responses 10000] [--pdf]
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from formkit.analyze.synthetic import synthetic_feedback, synthetic_responses
from formkit.config import load_settings
from formkit.export.annual import year_tallies
from formkit.export.report_docx import report_to_pdf, write_report_docx
from formkit.export.summary_xlsx import write_summary

TARGET_S, TARGET_MB = 15.0, 500.0


def peak_mb() -> float:
    # ru_maxrss is in KiB on Linux (bytes on macOS)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / (1024 * 1024) if sys.platform == "darwin" else rss / 1024


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--responses", type=int, default=10_000)
    ap.add_argument("--entries", type=int, default=2_000)
    ap.add_argument("--pdf", action="store_true", help="also convert the report to PDF")
    args = ap.parse_args()
    year = 2026
    with tempfile.TemporaryDirectory(prefix="formkit-bench-") as tmp:
        settings = load_settings(Path(tmp))
        units = tuple(u.code for u in settings.units)
        channels = (("giay", 0.7), ("google_forms", 0.2), ("dvc", 0.1))
        t0 = time.perf_counter()
        records = (synthetic_responses(year, args.responses, units=units, channels=channels)
                   + synthetic_responses(year - 1, args.responses, seed=1, p_tot=0.72,
                                         units=units, channels=channels))
        feedback = synthetic_feedback([year - 1, year], args.entries, units=units)
        gen_s = time.perf_counter() - t0
        rows: list[tuple[str, float, float]] = []

        def step(name: str, fn):
            start = time.perf_counter()
            out = fn()
            rows.append((name, time.perf_counter() - start, peak_mb()))
            return out

        tallies = step("tallies (year, quarters, units, channels, feedback)",
                       lambda: year_tallies(settings, year, records, feedback, issued=12_000))
        out = Path(tmp) / "exports" / str(year)
        step("summary workbook (XLSX, 11 sheets, 3 charts)",
             lambda: write_summary(settings, year, tallies, out / "tong_hop.xlsx"))
        report = step("report DOCX with 2 charts (PNG 200 dpi)",
                      lambda: write_report_docx(settings, year, tallies, out / "bao_cao.docx",
                                                report_date=date(year + 1, 1, 5)))
        total = sum(r[1] for r in rows)
        if args.pdf:
            step("report PDF (LibreOffice)", lambda: report_to_pdf(report.docx))
    print(f"\nAnnual evaluation benchmark: {args.responses:,} responses in {year} and "
          f"{args.responses:,} in {year - 1}, {args.entries:,} register entries "
          f"(data generated in {gen_s:.2f} s, not counted)\n")
    print(f"{'step':<55}{'seconds':>10}{'peak MB':>10}")
    print("-" * 75)
    for name, secs, mb in rows:
        print(f"{name:<55}{secs:>10.2f}{mb:>10.0f}")
    print("-" * 75)
    peak = max(r[2] for r in rows)
    print(f"{'total without PDF':<55}{total:>10.2f}{peak:>10.0f}")
    ok = total < TARGET_S and peak < TARGET_MB
    print(f"\ntargets: < {TARGET_S:.0f} s without PDF, < {TARGET_MB:.0f} MB → "
          + ("met" if ok else "NOT MET"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
