"""The Store: one object over the workspace's database, made of its parts by concern:
sessions and the audit line (formkit.store.base), batches and sheets (sheets), responses
(responses), the review queue (queue) and retention (retention). Register entries are in
formkit/store/register.py, corrective actions in actions.py, accounts in accounts.py.

Every write happens in a short transaction (one per sheet or page when saving a batch), so a
run that is cut off leaves the database consistent and a rerun completes it. Nothing here
deletes a record; `anonymize_year` blanks personal text and keeps the anonymous answers.
"""

from __future__ import annotations

import sqlite3

from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from formkit.catalogue import say
from formkit.config import Settings
from formkit.errors import FormkitError, StoreError
from formkit.store import migrations
from formkit.store.base import (
    LOCAL_REASONS,
    PAPER_CHANNEL,
    current_user,
    dumps,
    is_local_rejection,
    loads,
    now,
)
from formkit.store.db import (
    DEFAULT_BUSY_TIMEOUT_S,
    describe_db_error,
    make_engine,
    resolve_url,
    sqlite_path,
)
from formkit.store.queue import ReviewQueue
from formkit.store.responses import ResponseStore
from formkit.store.retention import Retention
from formkit.store.sheets import SheetStore

__all__ = ["LOCAL_REASONS", "PAPER_CHANNEL", "Store", "current_user", "dumps", "is_local_rejection",
           "loads", "now", "open_store"]


class Store(SheetStore, ResponseStore, ReviewQueue, Retention):
    """The records of one workspace. Use as a context manager or call close()."""


def open_store(settings: Settings, busy_timeout: float = DEFAULT_BUSY_TIMEOUT_S) -> Store:
    """Open (and create or upgrade) the workspace's database.

    Raises StoreError for a database written by a newer formkit, a locked, damaged or
    foreign database file; in each case nothing is changed."""
    url = resolve_url(settings)
    path = sqlite_path(url)
    where = str(path) if path is not None else url.render_as_string(hide_password=True)
    if path is not None and path.exists() and path.is_dir():
        raise StoreError(say("error.store.path_is_folder", path=path),
                         hint=say("error.store.path_is_folder.hint"))
    engine = make_engine(url, busy_timeout)
    try:
        migrations.upgrade(engine, where, backup_path=path if path and path.exists() else None)
    except FormkitError:
        engine.dispose()
        raise
    except (DBAPIError, sqlite3.DatabaseError) as exc:
        engine.dispose()
        raise describe_db_error(exc, where) from exc
    except SQLAlchemyError as exc:
        engine.dispose()
        raise StoreError(say("error.store.cannot_open", where=where, text=exc)) from exc
    return Store(engine, settings, where)
