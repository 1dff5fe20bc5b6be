"""Running the app: a threaded WSGI server (werkzeug's, enough for an office of a few
people), bound to the loopback address unless told otherwise."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable

from flask import Flask
from werkzeug.serving import BaseWSGIServer, make_server

from formkit.config import Settings
from formkit.store import Store
from formkit.web.app import DEFAULT_MAX_UPLOAD_MB, create_app

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


def is_loopback(host: str) -> bool:
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        try:  # a host name: what it resolves to decides
            return all(ipaddress.ip_address(info[4][0]).is_loopback
                       for info in socket.getaddrinfo(host, None))
        except (OSError, ValueError):
            return False


def exposure_warning(host: str) -> str | None:
    """The warning printed when the app listens beyond this computer."""
    if is_loopback(host):
        return None
    return (f"CẢNH BÁO: formkit đang mở trên {host}, các máy khác trong mạng truy cập được. "
            "Kết nối là HTTP không mã hóa: chỉ dùng trong mạng nội bộ tin cậy, đặt mật khẩu "
            "mạnh cho mọi tài khoản. Để chỉ dùng trên máy này: --host 127.0.0.1.")


def build_server(settings: Settings, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT,
                 max_upload_mb: int = DEFAULT_MAX_UPLOAD_MB,
                 store: Store | None = None) -> tuple[BaseWSGIServer, Flask]:
    """The server and its app, not yet serving (port 0 picks a free port: server.port)."""
    app = create_app(settings, store=store, max_upload_mb=max_upload_mb, warm_up=True)
    server = make_server(host, port, app, threaded=True)
    return server, app


def serve(settings: Settings, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT,
          max_upload_mb: int = DEFAULT_MAX_UPLOAD_MB,
          echo: Callable[[str], None] = print, warn: Callable[[str], None] = print) -> None:
    """Serve until interrupted (Ctrl+C)."""
    server, app = build_server(settings, host, port, max_upload_mb)
    warning = exposure_warning(host)
    if warning:
        warn(warning)
    shown = f"[{host}]" if ":" in host else host
    echo(f"formkit đang chạy tại http://{shown}:{server.port}/ (workspace {settings.workspace}). "
         "Bấm Ctrl+C để dừng.")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        app.extensions["formkit"].jobs.stop()
        app.extensions["formkit"].store.close()
