"""Command-line part: `formkit simulate`, synthetic filled and degraded scans with ground truth
(formkit_dev.simulate). Thin: parse, call, print.

Wired into formkit/cli.py by:
    from formkit.cli_parts.simulate import simulate as simulate_cmd
    app.command("simulate")(simulate_cmd)      # formkit simulate --count N --seed S --out DIR
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from formkit.catalogue import say
from formkit.config import load_settings
from formkit.errors import FormkitError

console = Console()


def simulate(
    count: Annotated[int, typer.Option("--count", "-n", min=1, max=100_000,
                                       help="Copies to simulate (2 pages each)")] = 10,
    seed: Annotated[int, typer.Option("--seed", "-s", help="Same seed, same files")] = 1,
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the scans and truth.json",
                                      file_okay=False)] = Path("scans/simulated"),
    level: Annotated[str | None, typer.Option(
        "--level", "-l", help="Degradation: none, light, moderate (default), heavy, phone or "
        "mixed; with --legacy: office (default) or copy")] = None,
    format: Annotated[list[str] | None, typer.Option(
        "--format", "-f", help="pdf (scanner batches), png, jpeg, tiff; repeat to mix "
        "(copies take them in turn)")] = None,
    style: Annotated[list[str] | None, typer.Option(
        "--style", help="Mark styles to use (x, tick, slash, dot, scribble, circle, pencil, "
        "overshoot; filled and intrusion switch cancellations and neighbour strokes on); "
        "default: all")] = None,
    year: Annotated[int, typer.Option(help="Year printed on the forms")] = 2026,
    unit: Annotated[str, typer.Option(help="Unit code from formkit.toml")] = "QLCN",
    first_serial: Annotated[int, typer.Option(min=1, help="Serial of the first copy")] = 1,
    shuffle: Annotated[bool, typer.Option(help="Pages of the PDF batches in random order")
                       ] = False,
    pdf_pages: Annotated[int, typer.Option(min=1, help="Pages per scanner PDF")] = 40,
    rescans: Annotated[float, typer.Option(min=0.0, max=1.0,
                                           help="Share of pages scanned twice")] = 0.0,
    workers: Annotated[int, typer.Option(min=1, max=64, help="Parallel processes")] = 1,
    workspace: Annotated[Path | None, typer.Option(
        "--workspace", "-w", help="Folder with formkit.toml (default: .)")] = None,
    legacy: Annotated[bool, typer.Option(
        "--legacy", help="The department's own form (no QR code, □ boxes) from its DOCX "
        "variants: one scanned PDF per variant, truth JSON beside it")] = False,
    variant: Annotated[list[str] | None, typer.Option(
        "--variant", help="With --legacy: bang_serif, bang_sans, mot_trang; default: all")
    ] = None,
) -> None:
    """Write synthetic filled and degraded scans of BM.QT.SCT.05-02 with their ground truth
    (truth.json), for trying and measuring the reader. Nothing is written to exports/."""
    try:
        from formkit_dev import simulate as sim
    except ModuleNotFoundError as exc:
        if exc.name not in ("formkit_dev", "formkit_dev.simulate"):
            raise
        raise FormkitError(say("error.simulate.missing"),
                           hint=say("hint.simulate.install")) from exc

    level = level or ("office" if legacy else "moderate")
    if legacy:
        _simulate_legacy(count, seed, out, level, variant)
        return
    settings = load_settings(workspace)
    formats = tuple(format or ["pdf"])
    with Progress(TextColumn("Simulating scans"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=console, transient=True) as bar:
        task = bar.add_task("files", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        files = sim.simulate(settings, count, seed, out, year=year, unit=unit, level=level,
                             formats=formats, styles=style, first_serial=first_serial,
                             shuffle=shuffle, pdf_pages=pdf_pages, rescans=rescans,
                             workers=workers, progress=progress)
    truth = sim.load_truth(out)
    pages = sum(len(f["pages"]) for f in truth["files"])
    levels = Counter(p["degradation"]["level"] for c in truth["copies"] for p in c["pages"])
    table = Table(title=f"{count} copies, {pages} pages in {len(files)} files → {out}")
    table.add_column("format")
    table.add_column("files", justify="right")
    table.add_column("pages", justify="right")
    for fmt in sim.FORMATS:
        fs = [f for f in truth["files"] if f["format"] == fmt]
        if fs:
            table.add_row(fmt, str(len(fs)), str(sum(len(f["pages"]) for f in fs)))
    console.print(table)
    console.print("levels: " + ", ".join(f"{k} {v}" for k, v in sorted(levels.items())))
    console.print(f"[green]✓[/] ground truth: {out / sim.TRUTH_NAME} "
                  f"(layout {truth['layout']}, serials {truth['copies'][0]['serial']}–"
                  f"{truth['copies'][-1]['serial']})")


def _simulate_legacy(count: int, seed: int, out: Path, level: str,
                     variants: list[str] | None) -> None:
    from formkit_dev import simulate as sim

    with console.status("Simulating legacy scans (LibreOffice prints the DOCX variants)"):
        made = sim.simulate_legacy(out, count, seed, level, variants)
    table = Table(title=f"{count} copies per variant, scan {level} → {out}")
    table.add_column("variant")
    table.add_column("scans")
    table.add_column("truth")
    for pdf, _truth in made:
        table.add_row(pdf.stem.split("_" + level)[0].removeprefix("legacy_"), pdf.name,
                      pdf.with_suffix(".truth.json").name)
    console.print(table)
