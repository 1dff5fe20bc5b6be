"""Running the app on waitress (a production WSGI server in pure Python, also on Windows):
a pool of worker threads, a cap on the request body, timeouts on idle and slow
connections, no server banner. Bound to the loopback address unless told otherwise; for the
office network put a reverse proxy with HTTPS in front (README, "The web app for the
office")."""

from __future__ import annotations

import ipaddress
import logging
import socket
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask

from formkit.app.workspace import Store
from formkit.config import Settings
from formkit.web.app import DEFAULT_IDLE_MINUTES, DEFAULT_MAX_UPLOAD_MB, create_app

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
#: worker threads: a few people at once, plus the overview's slow first count
DEFAULT_THREADS = 8
#: a connection with nothing to say for this long is closed (seconds)
CHANNEL_TIMEOUT_S = 60
#: at most this many connections at once (further ones wait in the listen queue)
CONNECTION_LIMIT = 200
#: request line and headers together (bytes); more is refused with 431/400
MAX_HEADER_BYTES = 64 * 1024


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
            "Kết nối là HTTP không mã hóa: chỉ dùng trong mạng nội bộ tin cậy, hoặc đặt một "
            "máy chủ chuyển tiếp có HTTPS (Caddy, nginx) phía trước (xem README); đặt mật khẩu "
            "mạnh cho mọi tài khoản. Để chỉ dùng trên máy này: --host 127.0.0.1.")


@dataclass
class WebServer:
    """A waitress server, not yet serving. `serve_forever` blocks; `shutdown` (from another
    thread) closes the listening socket and every open connection, then the workers."""

    server: Any  # waitress.server.TcpWSGIServer
    host: str
    stopping: bool = False

    @property
    def port(self) -> int:
        return int(self.server.effective_port)

    def serve_forever(self) -> None:
        try:
            self.server.run()
        except (OSError, ValueError):
            if not self.stopping:  # sockets closed under the loop by shutdown(): expected
                raise

    def shutdown(self) -> None:
        # waitress's loop ends when its socket map is empty: close what is in it
        self.stopping = True
        logging.getLogger("waitress").setLevel(logging.CRITICAL)
        for dispatcher in list(self.server._map.values()):
            try:
                dispatcher.handle_close()
            except OSError:
                pass
        self.server.task_dispatcher.shutdown()

    def server_close(self) -> None:
        try:
            self.server.close()
        except OSError:
            pass


def build_server(settings: Settings, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT,
                 max_upload_mb: int = DEFAULT_MAX_UPLOAD_MB, store: Store | None = None,
                 threads: int = DEFAULT_THREADS, idle_minutes: int = DEFAULT_IDLE_MINUTES,
                 trusted_proxy: str | None = None) -> tuple[WebServer, Flask]:
    """The server and its app, not yet serving (port 0 picks a free port: server.port).
    `trusted_proxy`: the address of the reverse proxy whose X-Forwarded-For/-Proto are
    believed (the client address then is the real one, for throttling and the log)."""
    from waitress import create_server

    app = create_app(settings, store=store, max_upload_mb=max_upload_mb, warm_up=True,
                     idle_minutes=idle_minutes)
    max_body = app.config["MAX_CONTENT_LENGTH"]
    proxy: dict[str, Any] = {}
    if trusted_proxy:
        proxy = {"trusted_proxy": trusted_proxy, "trusted_proxy_count": 1,
                 "trusted_proxy_headers": {"x-forwarded-for", "x-forwarded-proto",
                                           "x-forwarded-host"}}
    server = create_server(
        app, host=host, port=port, threads=threads,
        ident="",  # no Server header: nothing told about the software or its version
        max_request_body_size=max_body, max_request_header_size=MAX_HEADER_BYTES,
        channel_timeout=CHANNEL_TIMEOUT_S, connection_limit=CONNECTION_LIMIT,
        clear_untrusted_proxy_headers=True, expose_tracebacks=False, **proxy)
    return WebServer(server, host), app


def serve(settings: Settings, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT,
          max_upload_mb: int = DEFAULT_MAX_UPLOAD_MB,
          echo: Callable[[str], None] = print, warn: Callable[[str], None] = print,
          threads: int = DEFAULT_THREADS, idle_minutes: int = DEFAULT_IDLE_MINUTES,
          trusted_proxy: str | None = None) -> None:
    """Serve until interrupted (Ctrl+C)."""
    server, app = build_server(settings, host, port, max_upload_mb, threads=threads,
                               idle_minutes=idle_minutes, trusted_proxy=trusted_proxy)
    warning = exposure_warning(host)
    if warning:
        warn(warning)
    shown = f"[{host}]" if ":" in host else host
    echo(f"formkit đang chạy tại http://{shown}:{server.port}/ (workspace {settings.workspace}, "
         f"{threads} luồng). Bấm Ctrl+C để dừng.")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
        server.server_close()
        app.extensions["formkit"].jobs.stop()
        app.extensions["formkit"].store.close()
