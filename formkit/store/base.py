"""The store's common ground: the Store's sessions and audit line, and the small helpers
every part of it uses (time, JSON, dates, paths)."""

from __future__ import annotations

import getpass
import json
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any, Self

from sqlalchemy import Engine, select
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from formkit.catalogue import say
from formkit.config import Settings
from formkit.errors import FormkitError, StoreError, TemplateError
from formkit.spec import Field, FormSpec, load_form, template_path
from formkit.store.db import (
    READ_ONLY,
    describe_db_error,
)
from formkit.store.models import AuditLog
from formkit.textnorm import nfc

PAPER_CHANNEL = "giay"

#: reasons of pages rejected for a cause on this computer, not in the page: such a page is
#: read and stored again by the next run (see is_local_rejection)
LOCAL_REASONS = ("internal error", "cannot write", "no space", "không đủ chỗ",
                 '{"code": "page.local.')  # a coded reason (formkit.notes.reason_stored)


def is_local_rejection(reason: Any) -> bool:
    return isinstance(reason, str) and reason.lower().startswith(LOCAL_REASONS)


def now() -> datetime:
    """Local wall-clock time to the second (what the office reads in the audit log)."""
    return datetime.now().replace(microsecond=0)


def current_user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return ""


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def loads(text: str | None) -> Any:
    if text is None or text == "":
        return None
    return json.loads(text)


_IMMUTABLE = (str, int, float, bool, type(None))


class JsonCache:
    """Decodes each distinct JSON text once: many responses have the same answers text.
    Every call returns a new dict, so no two records share a mutable value."""

    def __init__(self) -> None:
        self._dicts: dict[str | None, dict[str, Any]] = {}
        self._sets: dict[str | None, frozenset[str]] = {}

    def dict(self, text: str | None) -> dict[str, Any]:
        cached = self._dicts.get(text)
        if cached is not None:
            return dict(cached)
        value = loads(text) or {}
        if isinstance(value, dict) and all(isinstance(v, _IMMUTABLE) for v in value.values()):
            self._dicts[text] = value
            return dict(value)
        return value  # a nested list or dict: decoded anew for every record

    def frozenset(self, text: str | None) -> frozenset[str]:
        cached = self._sets.get(text)
        if cached is None:
            cached = self._sets[text] = frozenset(loads(text) or [])
        return cached


def iso_date(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def iso_datetime(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, str) and value:
        try:
            return datetime.fromisoformat(value).replace(tzinfo=None, microsecond=0)
        except ValueError:
            return None
    return None


def text_nfc(value: Any) -> Any:
    """Text answers are stored NFC (OCR and online exports may hand over NFD)."""
    return nfc(value) if isinstance(value, str) else value


def resolve_path(path: str | None, base: str | Path | None) -> str | None:
    """A crop or overlay path made usable later: relative paths are relative to the batch
    folder when the report names one."""
    if not path:
        return None
    p = Path(path)
    if not p.is_absolute() and base:
        p = Path(base) / p
    return str(p)


@cache
def _spec_cached(templates_dir: str, form: str) -> FormSpec | None:
    try:
        return load_form(template_path(Path(templates_dir), form))
    except TemplateError:
        return None


def chunks(items: Sequence[Any], size: int = 500) -> Iterator[Sequence[Any]]:
    # SQLite limits the number of bound parameters of one statement
    for i in range(0, len(items), size):
        yield items[i:i + size]



class StoreBase:
    """The sessions of one workspace's database; the Store adds its parts (formkit.store.core)."""

    def __init__(self, engine: Engine, settings: Settings, where: str):
        self.engine = engine
        self.settings = settings
        #: how the database is named in messages (file path or URL without password)
        self.where = where
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._read_engine = engine.execution_options(**{READ_ONLY: True})
        self._read_sessions = sessionmaker(self._read_engine, expire_on_commit=False)

    # ---- sessions ------------------------------------------------------------------------

    @contextmanager
    def write_session(self) -> Iterator[Session]:
        """A write transaction: committed at the end of the block, rolled back on any error.
        Database failures become StoreError."""
        with self.worded_errors(), self._sessions.begin() as session:
            yield session

    @contextmanager
    def read_session(self) -> Iterator[Session]:
        with self.worded_errors(), self._read_sessions() as session:
            yield session
            session.rollback()

    @contextmanager
    def worded_errors(self) -> Iterator[None]:
        """Database failures inside the block become a StoreError that says what to do
        (formkit's own errors pass as they are)."""
        try:
            yield
        except FormkitError:
            raise
        except (DBAPIError, sqlite3.DatabaseError) as exc:
            raise describe_db_error(exc, self.where) from exc
        except SQLAlchemyError as exc:
            raise StoreError(say("error.store.database", where=self.where, text=exc)) from exc

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- helpers -------------------------------------------------------------------------

    def spec(self, form: str) -> FormSpec | None:
        """The template of a form code ("05-02"), or None when the workspace has none."""
        return _spec_cached(str(self.settings.templates_dir), form)

    def spec_field(self, form: str, field_id: str) -> Field | None:
        spec = self.spec(form)
        return spec.fields.get(field_id) if spec else None

    @staticmethod
    def audit(session: Session, action: str, actor: str | None = None, **details: Any) -> None:
        """Write one audit line. Callers never put customer text in `details`."""
        session.add(AuditLog(at=now(), actor=actor if actor is not None else current_user(),
                             action=action, details=dumps(details)))


    def audit_log(self, limit: int = 100) -> list[dict[str, Any]]:
        """The latest audit lines, newest first."""
        with self.read_session() as s:
            rows = s.scalars(select(AuditLog).order_by(AuditLog.id.desc()).limit(limit)).all()
            return [{"id": r.id, "at": r.at, "actor": r.actor, "action": r.action,
                     "details": loads(r.details)} for r in rows]
