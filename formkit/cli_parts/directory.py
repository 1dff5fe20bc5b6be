"""Command-line part: `formkit directory import FILE`, the department's directory of
organisations (name, tax code) that the transcription page suggests names from
(formkit.store.directory). Thin: parse, call, print.

Wired into formkit/cli.py by:
    from formkit.cli_parts.directory import directory_app
    app.add_typer(directory_app, name="directory")
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from formkit.app.review import import_customer_directory
from formkit.config import load_settings

console = Console()

directory_app = typer.Typer(no_args_is_help=True,
                            help="Danh bạ tổ chức (tên, mã số thuế) để gợi ý khi chép tên.")


@directory_app.command("import")
def directory_import(
    path: Annotated[Path, typer.Argument(help="XLSX or CSV: a column 'Tên tổ chức' and, "
                                              "optionally, 'Mã số thuế'")],
    workspace: Annotated[Path | None, typer.Option(
        "--workspace", "-w", help="Folder with formkit.toml (default: .)")] = None,
) -> None:
    """Replace the directory of organisations with the names of FILE (FILE is only read)."""
    settings = load_settings(workspace)
    count, kept_in = import_customer_directory(settings, path)
    console.print(f"[green]✓[/] {count} tổ chức / organisations → {kept_in}",
                  soft_wrap=True)
