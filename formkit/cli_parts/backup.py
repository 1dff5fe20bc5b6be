"""Command-line part: `formkit backup` and `formkit restore` (formkit.store.backup).

Wired into formkit/cli.py by:  backup_cli.register(app)
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from formkit.app.archive import backup_database, restore_database
from formkit.catalogue import say
from formkit.config import load_settings
from formkit.errors import RefusedError

console = Console()


def backup(
    out: Annotated[Path | None, typer.Option(help="Backup file (default: "
                                                  "backups/formkit-<time>.db or .dump)")] = None,
    workspace: Annotated[Path | None, typer.Option("--workspace", "-w",
                                                   help="Folder with formkit.toml")] = None,
) -> None:
    """Back up the database (safe while formkit runs); schedule it daily (see README)."""
    path = backup_database(load_settings(workspace), out)
    console.print(f"[green]✓[/] Đã sao lưu / backup written: {path} "
                  f"({path.stat().st_size:,} bytes)")


def restore(
    source: Annotated[Path, typer.Argument(help="A file written by `formkit backup`")],
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation")] = False,
    workspace: Annotated[Path | None, typer.Option("--workspace", "-w",
                                                   help="Folder with formkit.toml")] = None,
) -> None:
    """Replace the database with a backup (the current one is backed up first)."""
    if not yes and not typer.confirm(
            f"Thay cơ sở dữ liệu bằng bản sao lưu {source}? / Replace the database?"):
        raise RefusedError(say("error.backup.restore_cancelled"))
    before = restore_database(load_settings(workspace), source)
    console.print(f"[green]✓[/] Đã khôi phục / restored from {source}.\n"
                  f"  Dữ liệu ngay trước đó / the database just before: {before}")


def register(app: typer.Typer) -> None:
    app.command("backup")(backup)
    app.command("restore")(restore)
