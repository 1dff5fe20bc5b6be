"""`formkit doctor`: find and repair what killed runs left behind (thin; the work is in
formkit.store.batches)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

console = Console()


def doctor(
    workspace: Annotated[Path | None, typer.Option("--workspace", "-w",
                                                   help="Folder with formkit.toml")] = None,
) -> None:
    """Close batches of killed runs (interrupted), adopt or remove their work folders and
    remove left-over scratch folders. Safe to run at any time; a live run is left alone."""
    from formkit import api
    from formkit.app.intake import repair

    done = repair(api.load_settings(workspace))
    lines, running = done.lines, done.running
    for line in lines or ["Không có gì cần sửa / nothing to repair."]:
        console.print(f"[green]✓[/] {line}")
    if running:
        console.print(f"Đợt đọc đang chạy (tiến trình còn sống): "
                      f"{', '.join(f'#{b}' for b in running)}")
