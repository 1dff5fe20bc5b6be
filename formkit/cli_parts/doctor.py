"""`formkit doctor`: find and repair what killed runs left behind (thin; the work is in
formkit.store.batches)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from formkit.catalogue import say
from formkit.config import Settings

console = Console()


def doctor(
    workspace: Annotated[Path | None, typer.Option("--workspace", "-w",
                                                   help="Folder with formkit.toml")] = None,
) -> None:
    """Close batches of killed runs (interrupted), adopt or remove their work folders,
    remove left-over scratch folders and verify every sealed archive. Safe to run at any
    time; a live run is left alone."""
    from formkit import api
    from formkit.app.intake import repair

    settings = api.load_settings(workspace)
    done = repair(settings)
    lines, running = done.lines, done.running
    for line in lines or ["Không có gì cần sửa / nothing to repair."]:
        console.print(f"[green]✓[/] {line}")
    if running:
        console.print(f"Đợt đọc đang chạy (tiến trình còn sống): "
                      f"{', '.join(f'#{b}' for b in running)}")
    bad = _check_archives(settings)
    if bad:
        from formkit.errors import RefusedError

        raise RefusedError(say("error.doctor.archives_differ", count=bad),
                           hint=say("hint.doctor.restore_archives"))


def _check_archives(settings: Settings) -> int:
    """Verify every sealed archive of the workspace; print what is wrong; count the bad."""
    from formkit.app.archive import sealed_archives, verify_archive

    bad = 0
    for folder in sealed_archives(settings):
        rep = verify_archive(folder, settings)
        if rep.ok:
            console.print(f"[green]✓[/] Lưu trữ năm {rep.year}: {rep.checked} tệp khớp.")
            continue
        bad += 1
        console.print(f"[red]✗[/] Lưu trữ năm {rep.year} ({rep.folder}):")
        for label, items in (("đã thay đổi / changed", rep.changed),
                             ("bị thiếu / missing", rep.missing),
                             ("thêm vào / added", rep.added), ("", rep.problems)):
            for item in items:
                console.print(f"    {label + ': ' if label else ''}{item}")
    return bad
