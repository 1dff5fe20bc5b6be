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
    from formkit.store import open_store
    from formkit.store.batches import recover, sweep_scratch

    settings = api.load_settings(workspace)
    with open_store(settings) as st:
        rec = recover(settings, st)
        running = [b.id for b in st.batches() if b.status == "running"]
    swept = sweep_scratch(settings)
    lines = rec.describe()
    if swept:
        lines.append(f"Thư mục tạm bỏ lại đã xóa: {len(swept)}")
    for line in lines or ["Không có gì cần sửa / nothing to repair."]:
        console.print(f"[green]✓[/] {line}")
    if running:
        console.print(f"Đợt đọc đang chạy (tiến trình còn sống): "
                      f"{', '.join(f'#{b}' for b in running)}")
