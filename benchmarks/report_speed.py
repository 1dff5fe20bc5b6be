"""Speed and memory of the annual evaluation on a large year.

A year of 10,000 survey responses (and 10,000 in the previous year, for the comparisons)
and 2,000 register entries over the two years: tallies, summary workbook, charts and
report DOCX; the PDF conversion only with --pdf. Prints a table of seconds and the peak
resident memory of the process after each step.
Targets: under 15 s in total without the PDF, under 500 MB.

With --db sqlite, postgresql or both, the same year is first stored in a database (paper
responses as read sheets with their answers, the other channels as responses; PostgreSQL: a
throwaway server started for the run with initdb + pg_ctl) and the evaluation starts by
reading the two years back (counts_from_store, as `formkit report` does). Issue 20's target:
the report of 10,000 responses in at most 5 s without the PDF, on both databases.

    .venv/bin/python benchmarks/report_speed.py [--responses 10000] [--pdf]
        [--db memory|sqlite|postgresql|both]
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from formkit.config import load_settings
from formkit.export.annual import year_tallies
from formkit.export.report_docx import report_to_pdf, write_report_docx
from formkit.export.summary_xlsx import write_summary
from formkit_dev.synthetic import synthetic_feedback, synthetic_responses

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
    ap.add_argument("--db", choices=("memory", "sqlite", "postgresql", "both"),
                    default="memory", help="read the year back from a database first")
    args = ap.parse_args()
    if args.db != "memory":
        kinds = ("sqlite", "postgresql") if args.db == "both" else (args.db,)
        return max(from_database(args, kind) for kind in kinds)
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


def _sheet(record, layout: str):
    """A read paper sheet with the record's answers (what the scan stage stores)."""
    import hashlib

    from formkit.scan.result import FieldResult, PageSource, SheetResult, Status

    fields = {}
    for fid, value in record.answers.items():
        kind = "flag" if isinstance(value, bool) else "text" if fid == "to_chuc" else "single"
        status = Status.BLANK if value in (None, "") else Status.OK
        fields[fid] = FieldResult(fid, kind, value, status, 0.97, page=1)
    serial = record.serial or abs(hash(record.response_id)) % 10_000_000
    key = f"{record.year}/{record.unit}/{serial}/{record.response_id}"
    pages = [PageSource("bench.pdf", 1, 1, hashlib.sha256(key.encode()).hexdigest())]
    return SheetResult("05-02", layout, record.year, record.unit, serial,
                       record.received.isoformat() if record.received else None,
                       pages=pages, fields=fields)


def from_database(args, kind: str) -> int:
    """Store the two years in a database, then time reading them back and the report."""
    import shutil

    from formkit import api
    from formkit.export.annual import counts_from_store
    from formkit.store import open_store

    year = 2026
    server = None
    tmp = Path(tempfile.mkdtemp(prefix="formkit-bench-"))
    try:
        api.init_workspace(tmp)
        settings = load_settings(tmp)
        if kind == "postgresql":
            from formkit._exec.postgres import start_server

            server = start_server()
            settings.database_url = server.url("postgres")
        units = tuple(u.code for u in settings.units)
        channels = (("giay", 0.7), ("google_forms", 0.2), ("dvc", 0.1))
        records = (synthetic_responses(year, args.responses, units=units, channels=channels)
                   + synthetic_responses(year - 1, args.responses, seed=1, p_tot=0.72,
                                         units=units, channels=channels))
        feedback = synthetic_feedback([year - 1, year], args.entries, units=units)
        t0 = time.perf_counter()
        with open_store(settings) as store:
            paper = [_sheet(r, "ffbba7fc") for r in records if r.channel == "giay"]
            for i in range(0, len(paper), 1000):
                chunk = paper[i:i + 1000]
                pages = [{"file": "bench.pdf", "page": 1, "outcome": "read", "reason": "",
                          "sheet": sh.sheet_key, "form_page": 1, "sha256": sh.pages[0].sha256}
                         for sh in chunk]
                store.save_batch({"started": "2026-03-10T09:00:00", "inputs": ["bench.pdf"],
                                  "pages": pages}, chunk)
            store.add_responses([r for r in records if r.channel != "giay"])
        store_s = time.perf_counter() - t0
        rows: list[tuple[str, float]] = []

        def step(name: str, fn):
            start = time.perf_counter()
            out = fn()
            rows.append((name, time.perf_counter() - start))
            return out

        with open_store(settings) as store:
            counts = step(f"read two years back from {kind} (counts_from_store)",
                          lambda: counts_from_store(settings, store, year))
            stored = len(store.response_facts(year)) + len(store.response_facts(year - 1))
        tallies = step("tallies", lambda: year_tallies(settings, year, counts, feedback,
                                                       issued=12_000))
        out = tmp / "exports" / str(year)
        step("summary workbook", lambda: write_summary(settings, year, tallies,
                                                       out / "tong_hop.xlsx"))
        step("report DOCX", lambda: write_report_docx(settings, year, tallies,
                                                      out / "bao_cao.docx",
                                                      report_date=date(year + 1, 1, 5)))
    finally:
        if server is not None:
            server.stop()
            shutil.rmtree(server.folder, ignore_errors=True)
        shutil.rmtree(tmp, ignore_errors=True)
    total = sum(r[1] for r in rows)
    print(f"\n{kind}: {args.responses:,} responses a year for two years "
          f"({stored:,} stored in {store_s:.1f} s, not counted)")
    for name, secs in rows:
        print(f"{name:<55}{secs:>10.2f}")
    print(f"{'total without PDF':<55}{total:>10.2f}  (target <= 5 s: "
          f"{'met' if total <= 5 else 'NOT MET'})")
    return 0 if total <= 5 else 1


if __name__ == "__main__":
    sys.exit(main())
