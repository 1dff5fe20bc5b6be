"""Engine, connection settings and error translation for the store.

SQLite is the default (one file in the workspace). Two things make it safe for several
processes at once: WAL journaling (readers never block the writer) and write transactions
that start with BEGIN IMMEDIATE under a busy timeout, so a second writer waits for the
first instead of failing half-way (a deferred transaction that upgrades to a write lock can
fail at once with SQLITE_BUSY, whatever the timeout). Any other SQLAlchemy URL works too;
then the server's own locking applies.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError
from sqlalchemy.pool import StaticPool

from formkit.catalogue import say
from formkit.config import Settings
from formkit.errors import OutputError, StoreError

#: seconds a writer waits for another process's write transaction before giving up
DEFAULT_BUSY_TIMEOUT_S = 30.0

#: execution option that asks for a read transaction (BEGIN DEFERRED) on SQLite
READ_ONLY = "formkit_read_only"

def resolve_url(settings: Settings) -> URL:
    """Settings.database_url with a relative SQLite path made relative to the workspace."""
    try:
        url = make_url(settings.database_url)
    except ArgumentError as exc:
        raise StoreError(say("error.store.bad_url", url=settings.database_url),
                         hint=say("error.store.bad_url.hint")) from exc
    if url.get_backend_name() == "sqlite":
        db = url.database or ""
        if db and db != ":memory:" and not db.startswith("file:"):
            path = Path(db).expanduser()
            if not path.is_absolute():
                path = Path(settings.workspace) / path
            url = url.set(database=str(path))
    return url


def sqlite_path(url: URL) -> Path | None:
    """The file of a SQLite URL; None for other databases and in-memory SQLite."""
    if url.get_backend_name() != "sqlite":
        return None
    db = url.database or ""
    if not db or db == ":memory:" or db.startswith("file:"):
        return None
    return Path(db)


def _set_wal(cur: sqlite3.Cursor, busy_timeout: float) -> None:
    """Switch to WAL. The switch takes an exclusive lock that SQLite does not wait for
    (busy_timeout does not apply), so two processes creating a database at the same moment
    can see "database is locked": wait and try again, as long as the busy timeout."""
    deadline = time.monotonic() + busy_timeout
    delay = 0.01
    while True:
        try:
            cur.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc).lower() or time.monotonic() > deadline:
                raise
            time.sleep(delay)
            delay = min(0.2, delay * 2)


def make_engine(url: URL, busy_timeout: float = DEFAULT_BUSY_TIMEOUT_S) -> Engine:
    """An engine with the connection settings above. Creates the SQLite file's folder."""
    if url.get_backend_name() != "sqlite":
        try:
            return create_engine(url, pool_pre_ping=True)
        except (NoSuchModuleError, ImportError) as exc:
            raise StoreError(say("error.store.no_driver",
                                 url=url.render_as_string(hide_password=True), text=exc),
                             hint=say("error.store.no_driver.hint")) from exc

    path = sqlite_path(url)
    kwargs: dict[str, Any] = {"connect_args": {"timeout": busy_timeout}}
    if path is None:
        # one shared connection, or every session would see its own empty memory database
        kwargs["poolclass"] = StaticPool
        kwargs["connect_args"]["check_same_thread"] = False
    else:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(say("error.store.no_folder", path=path, text=exc.strerror),
                             hint=say("error.store.no_folder.hint")) from exc
    engine = create_engine(url, **kwargs)
    timeout_ms = int(busy_timeout * 1000)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
        # Take transaction control from the driver (it would BEGIN DEFERRED on its own).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        try:
            cur.execute(f"PRAGMA busy_timeout = {timeout_ms}")
            if path is not None:
                _set_wal(cur, busy_timeout)
                cur.execute("PRAGMA synchronous = NORMAL")
            cur.execute("PRAGMA foreign_keys = ON")
        finally:
            cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        if conn.get_execution_options().get(READ_ONLY):
            conn.exec_driver_sql("BEGIN")
        else:
            conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


#: free space under which a database I/O error is taken for a full disk
NEARLY_FULL_BYTES = 4 * 1024 * 1024


def describe_db_error(exc: BaseException, where: str) -> StoreError | OutputError:
    """Turn a database driver failure into a StoreError that says what to do."""
    text = str(getattr(exc, "orig", None) or exc)
    low = text.lower()
    if "locked" in low or "busy" in low:
        return StoreError(say("error.store.locked", where=where, text=text),
                          hint=say("error.store.locked.hint"))
    if "not a database" in low or "malformed" in low or "file is encrypted" in low:
        return StoreError(say("error.store.damaged", where=where, text=text),
                          hint=say("error.store.damaged.hint"))
    if "readonly" in low or "read-only" in low or "unable to open" in low:
        return StoreError(say("error.store.read_only", where=where, text=text),
                          hint=say("error.store.read_only.hint"))
    from pathlib import Path

    from formkit import fsutil

    folder = Path(where).parent
    free = fsutil.free_bytes(folder) if folder.is_dir() else None
    # SQLite says "disk I/O error" when its WAL cannot grow on a full disk
    if "disk is full" in low or ("i/o error" in low and free is not None
                                 and free < NEARLY_FULL_BYTES):
        # the real cause is the disk, not the database: exit 7 like every full disk
        return OutputError(say("error.store.disk_full", where=where, folder=folder,
                               free=fsutil.human_bytes(free)),
                           hint=say("error.store.disk_full.hint"))
    if "disk" in low and ("full" in low or "i/o" in low):
        return StoreError(say("error.store.not_written", where=where, text=text),
                          hint=say("error.store.not_written.hint"))
    return StoreError(say("error.store.database", where=where, text=text))
