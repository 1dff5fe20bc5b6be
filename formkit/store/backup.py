"""`formkit backup` and `formkit restore`: a copy of the whole database, taken while formkit
runs (the web app and a batch may be writing), and putting such a copy back.

SQLite: the online backup API of sqlite3 (a consistent copy, WAL included, while other
processes read and write) into a temporary name, checked (PRAGMA integrity_check) and then
renamed. PostgreSQL: pg_dump's custom format; pg_restore puts it back in one transaction.
Before a restore the current database is itself backed up, so a restore can be undone.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

from formkit._exec import postgres
from formkit.catalogue import say
from formkit.config import Settings
from formkit.errors import InputError, StoreError
from formkit.store.db import resolve_url, sqlite_path
from formkit.store.migrations import SCHEMA_VERSION


def default_target(settings: Settings, suffix: str) -> Path:
    folder = settings.workspace / "backups"
    stem = f"formkit-{datetime.now():%Y%m%d-%H%M%S}"
    target, n = folder / f"{stem}{suffix}", 2
    while target.exists():  # a second backup in the same second (a restore right after one)
        target, n = folder / f"{stem}-{n}{suffix}", n + 1
    return target


def backup(settings: Settings, target: Path | None = None) -> Path:
    """Write a backup of the workspace's database; return its path."""
    url = resolve_url(settings)
    path = sqlite_path(url)
    if path is None and url.get_backend_name() != "postgresql":
        raise StoreError(say("error.store.backup.backend", backend=url.get_backend_name()),
                         hint=say("error.store.backup.backend.hint"))
    target = target or default_target(settings, ".db" if path is not None else ".dump")
    if target.exists():
        raise InputError(say("error.store.backup.exists", target=target),
                         hint=say("error.store.backup.exists.hint"))
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(say("error.store.backup.no_folder", folder=target.parent,
                             text=exc.strerror)) from exc
    tmp = target.with_name(target.name + ".part")
    try:
        if path is not None:
            if not path.exists():
                raise StoreError(say("error.store.backup.nothing", path=path))
            _sqlite_copy(path, tmp)
            _check_sqlite(tmp)
        else:
            postgres.dump(url, tmp)
        tmp.replace(target)
    finally:
        tmp.unlink(missing_ok=True)
    return target


def _sqlite_copy(source: Path, target: Path) -> None:
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)
    try:
        dst = sqlite3.connect(str(target))
        try:
            src.backup(dst, pages=1024)  # in steps: writers are not held up for long
            # one self-contained file (no -wal beside it), whatever the source's mode
            dst.execute("PRAGMA journal_mode = DELETE")
        finally:
            dst.close()
    except sqlite3.Error as exc:
        raise StoreError(say("error.store.backup.failed", source=source, text=exc),
                         hint=say("error.store.backup.failed.hint")) from exc
    finally:
        src.close()


def _check_sqlite(path: Path) -> int:
    """The formkit schema version of a SQLite file; StoreError when it is not a sound
    formkit database."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            ok = conn.execute("PRAGMA integrity_check").fetchone()[0]
            version = conn.execute("SELECT MAX(version) FROM schema_version").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise StoreError(say("error.store.backup.foreign", path=path, text=exc),
                         hint=say("error.store.backup.foreign.hint")) from exc
    if ok != "ok":
        raise StoreError(say("error.store.backup.damaged", path=path, text=ok),
                         hint=say("error.store.backup.damaged.hint"))
    if version is None or int(version) > SCHEMA_VERSION:
        raise StoreError(say("error.store.backup.newer", path=path, version=version,
                             known=SCHEMA_VERSION),
                         hint=say("error.store.backup.newer.hint"))
    return int(version)


def restore(settings: Settings, source: Path) -> Path:
    """Replace the workspace's database with a backup; return the backup of the database as
    it was just before (to undo the restore)."""
    if not source.is_file():
        raise InputError(say("error.store.backup.not_file", source=source),
                         hint=say("error.store.backup.not_file.hint"))
    url = resolve_url(settings)
    path = sqlite_path(url)
    if path is not None:
        _check_sqlite(source)
    elif not postgres.is_dump(source):
        raise InputError(say("error.store.backup.not_dump", source=source),
                         hint=say("error.store.backup.not_dump.hint"))
    before = None
    if path is None or path.exists():
        before = backup(settings, default_target(settings, "-before-restore"
                                                 + (".db" if path is not None else ".dump")))
    if path is not None:
        _sqlite_restore(source, path)
    else:
        postgres.restore(url, source)
    return before or source


def _sqlite_restore(source: Path, path: Path) -> None:
    """Copy the backup into the live file through the backup API: processes that have the
    database open see the restored data, and the WAL stays consistent."""
    path.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(str(path), timeout=30)
        try:
            src.backup(dst)
        finally:
            dst.close()
    except sqlite3.Error as exc:
        raise StoreError(say("error.store.backup.restore_failed", source=source, path=path,
                             text=exc),
                         hint=say("error.store.backup.restore_failed.hint")) from exc
    finally:
        src.close()
