"""Time form generation: one survey, and 200 numbered copies (400 pages), DOCX + PDF.

    .venv/bin/python benchmarks/build_forms.py [--copies 200]
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

from formkit import api


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--copies", type=int, default=200)
    args = ap.parse_args()
    table = Table(title="Form generation (DOCX + PDF through LibreOffice)")
    for col in ("case", "pages", "DOCX s", "total s", "pages/s"):
        table.add_column(col, justify="right")
    with tempfile.TemporaryDirectory() as tmp:
        settings = api.load_settings(Path(tmp))
        api.init_workspace(Path(tmp))
        settings = api.load_settings(Path(tmp))
        # warm-up learns the layout (first build of a design renders a probe copy)
        api.build(settings, ["05-02"], 2026, unit="QLCN")
        for label, copies in (("1 survey (unnumbered)", 0), (f"{args.copies} numbered copies",
                                                             args.copies)):
            t0 = time.perf_counter()
            res = api.build(settings, ["05-02"], 2026, unit="QLCN", copies=copies, pdf=False)
            t_docx = time.perf_counter() - t0
            t0 = time.perf_counter()
            res = api.build(settings, ["05-02"], 2026, unit="QLCN", copies=copies)
            total = time.perf_counter() - t0
            pages = 2 * max(1, len(res[0].serials))
            table.add_row(label, str(pages), f"{t_docx:.2f}", f"{total:.2f}",
                          f"{pages / total:.1f}")
    Console().print(table)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    Console().print(f"peak memory of this process: {rss:.0f} MB (LibreOffice not included)")


if __name__ == "__main__":
    main()
