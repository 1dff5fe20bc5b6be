"""Presentation helpers for the CLI (progress bars, tables). No business logic."""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from formkit import api, notes
from formkit.catalogue import render, say
from formkit.config import Settings

if TYPE_CHECKING:
    from formkit.app.intake import BatchReport


def read_with_progress(settings: Settings, paths: list[Path], received: str | None,
                       unit: str | None, out: Path | None, ocr: bool, dry_run: bool,
                       console: Console, jobs: int | None = None) -> BatchReport:
    received_date = api.parse_vn_date(received) if received else None
    if out is None:
        out = settings.exports_dir / "read" / datetime.now().strftime("%Y%m%d-%H%M%S")
    t0 = time.perf_counter()
    with Progress(TextColumn("[bold]Đọc phiếu"), BarColumn(), MofNCompleteColumn(),
                  TextColumn("{task.fields[rate]} trang/s"), TimeElapsedColumn(),
                  console=console, transient=True) as bar:
        task = bar.add_task("read", total=None, rate="–")

        def progress(done: int, total: int, _outcome) -> None:
            rate = done / max(1e-6, time.perf_counter() - t0)
            bar.update(task, completed=done, total=total, rate=f"{rate:.1f}")

        report = api.read(settings, paths, received_date, unit, out, ocr=ocr,
                          store=not dry_run, progress=progress, jobs=jobs)
    return report


def _sheet_label(key: str | None) -> str:
    """'05-02/2026/QLCN/17/0722e1c4' → 'QLCN 000017' (the serial printed on the sheet)."""
    if not key:
        return ""
    parts = key.split("/")
    if len(parts) == 5 and parts[3].isdigit():
        serial = int(parts[3])
        return f"{parts[2]} {serial:06d}" if serial else f"{parts[2]} (không số)"
    return key


def print_batch(report: BatchReport, console: Console) -> None:
    table = Table(title="Kết quả đọc phiếu / batch report", show_lines=False)
    for col in ("File", "Trang", "Kết quả", "Phiếu", "Lý do"):
        table.add_column(col, overflow="fold")
    colours = {"read": "green", "duplicate": "yellow", "rejected": "red"}
    for p in report.pages:
        outcome = render(say(f"page.outcome.{p.outcome}"))
        table.add_row(Path(p.file).name, str(p.page),
                      f"[{colours.get(p.outcome, 'white')}]{outcome}[/]",
                      _sheet_label(p.sheet), escape(notes.reason_text(p.reason)))
    console.print(table)
    console.print(render(say(
        "page.batch_summary", pages=len(report.pages), read=report.count("read"),
        duplicate=report.count("duplicate"), rejected=report.count("rejected"),
        sheets=len(report.sheets), review=report.review_count)))
