"""Command-line part: `formkit serve`, the office's web app (formkit/web/). Thin: parse,
call, print. Flask is imported only when the command runs.

Wired into formkit/cli.py by:
    from formkit.cli_parts import web
    web.register(app)
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from formkit.catalogue import say
from formkit.config import load_settings
from formkit.errors import ConfigError

console = Console()
err = Console(stderr=True)

ADMIN_PASSWORD_ENV = "FORMKIT_ADMIN_PASSWORD"


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on; other than 127.0.0.1 opens "
                                           "the app to the network (a warning is printed)")]
    = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="Port (0: any free one)")] = 8000,
    create_admin: Annotated[str | None, typer.Option(
        "--create-admin", metavar="NAME",
        help=f"Create an administrator account and exit (password asked, or from "
             f"{ADMIN_PASSWORD_ENV})")] = None,
    max_upload_mb: Annotated[int, typer.Option(min=1, max=10_000,
                                               help="Largest upload in MB")] = 200,
    workspace: Annotated[Path | None, typer.Option(
        "--workspace", "-w", help="Folder with formkit.toml (default: .)")] = None,
    threads: Annotated[int, typer.Option(min=1, max=64, help="Worker threads")] = 8,
    idle_minutes: Annotated[int, typer.Option(
        min=5, max=24 * 60, help="A session unused this many minutes ends")] = 60,
    trusted_proxy: Annotated[str | None, typer.Option(
        help="Address of the reverse proxy (HTTPS) in front; its X-Forwarded-For and "
             "X-Forwarded-Proto are believed")] = None,
) -> None:
    """Ứng dụng web cho văn phòng (local web app): quét phiếu, kiểm tra, sổ ghi nhận, báo cáo."""
    try:
        from formkit.web import server, users
    except ImportError as exc:
        raise ConfigError(say("error.web.flask", detail=str(exc)),
                          hint=say("hint.web.flask")) from exc
    settings = load_settings(workspace)
    if create_admin:
        from formkit.app.workspace import open_store

        password = os.environ.get(ADMIN_PASSWORD_ENV) or typer.prompt(
            f"Mật khẩu cho {create_admin}", hide_input=True,
            confirmation_prompt="Nhập lại mật khẩu")
        with open_store(settings) as store:
            users.ensure_tables(store)
            u = users.create_user(store, create_admin, password, "admin",
                                  actor=f"cli:{create_admin}")
        console.print(f"[green]✓[/] Đã tạo quản trị viên “{u.name}”. Chạy `formkit serve` rồi "
                      "đăng nhập.")
        return
    server.serve(settings, host, port, max_upload_mb, echo=console.print,
                 warn=lambda text: err.print(f"[yellow]{text}[/]"), threads=threads,
                 idle_minutes=idle_minutes, trusted_proxy=trusted_proxy)


def register(app: typer.Typer) -> None:
    """Add `serve` to the formkit command line."""
    app.command("serve")(serve)
