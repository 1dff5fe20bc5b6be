"""The Store: sessions, batches of read sheets, responses, feedback, the review queue and
the anonymisation of a year. Register entries live in formkit/store/register.py.

Every write happens in a short transaction (one per sheet or page when saving a batch), so a
run that is cut off leaves the database consistent and a rerun completes it. Nothing here
deletes a record; `anonymize_year` blanks personal text and keeps the anonymous answers.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, String, func, select, type_coerce
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from formkit.config import Settings
from formkit.errors import FormkitError, InputError, RefusedError, StoreError, TemplateError
from formkit.spec import Field, FormSpec, load_form, template_path
from formkit.store import migrations
from formkit.store.db import (
    DEFAULT_BUSY_TIMEOUT_S,
    READ_ONLY,
    describe_db_error,
    make_engine,
    resolve_url,
    sqlite_path,
)
from formkit.store.models import (
    Answer,
    AuditLog,
    Batch,
    CorrectiveAction,
    Page,
    RegisterEntry,
    Response,
    ReviewDecision,
    ReviewItem,
    Sheet,
    entry_group,
)
from formkit.store.records import FeedbackRecord, ResponseFacts, ResponseRecord
from formkit.store.review import REVIEW_INVALID, VALID_STATUSES, normalize_value
from formkit.store.rows import BatchSummary, ReviewRecord, StoredSheet
from formkit.textnorm import nfc

if TYPE_CHECKING:  # importing formkit.scan at run time would load OpenCV for nothing
    from formkit.scan.result import SheetResult

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


class _JsonCache:
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


def _parse_date(value: Any) -> date | None:
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


def _parse_datetime(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, str) and value:
        try:
            return datetime.fromisoformat(value).replace(tzinfo=None, microsecond=0)
        except ValueError:
            return None
    return None


def _text_nfc(value: Any) -> Any:
    """Text answers are stored NFC (OCR and online exports may hand over NFD)."""
    return nfc(value) if isinstance(value, str) else value


def _resolve(path: str | None, base: str | Path | None) -> str | None:
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


class Store:
    """The records of one workspace. Use as a context manager or call close()."""

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
        try:
            with self._sessions.begin() as session:
                yield session
        except FormkitError:
            raise
        except (DBAPIError, sqlite3.DatabaseError) as exc:
            raise describe_db_error(exc, self.where) from exc
        except SQLAlchemyError as exc:
            raise StoreError(f"Database error in {self.where}: {exc}.") from exc

    @contextmanager
    def read_session(self) -> Iterator[Session]:
        try:
            with self._read_sessions() as session:
                yield session
                session.rollback()
        except FormkitError:
            raise
        except (DBAPIError, sqlite3.DatabaseError) as exc:
            raise describe_db_error(exc, self.where) from exc
        except SQLAlchemyError as exc:
            raise StoreError(f"Database error in {self.where}: {exc}.") from exc

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
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

    # ---- batches -------------------------------------------------------------------------

    @staticmethod
    def _page_key(sha256: str | None, file: str, page: int) -> str:
        if sha256:
            return sha256
        return "file:" + hashlib.sha256(f"{file}#{page}".encode()).hexdigest()[:64]

    def _page_slot(self, s: Session, sha256: str | None, file: str,
                   page: int) -> tuple[str | None, Page | None]:
        """(key to insert this page under, or None when it is stored already; the stored
        row at that location, if any). A page is identified by its image hash; the same
        image found again at another file/page (a copy of a scan file) gets its own row with
        a key derived from the location, so every input page keeps its line."""
        key = self._page_key(sha256, file, page)
        row = s.scalar(select(Page).where(Page.page_key == key))
        if row is None:
            return key, None
        if (row.file, row.page_index) == (file, page):
            return None, row
        alt = key[:64] + ":" + hashlib.sha256(f"{file}#{page}".encode()).hexdigest()[:15]
        row = s.scalar(select(Page).where(Page.page_key == alt))
        return (alt, None) if row is None else (None, row)

    def save_batch(self, report: Mapping[str, Any], sheets: Sequence[SheetResult],
                   actor: str | None = None) -> int:
        """Store the sheets read in one scan run and the fate of every input page.

        `report` is the scan stage's batch report (formkit.scan.batch.BatchReport.to_json());
        used keys (all optional):
          started, finished  ISO times of the run
          inputs / files     the input file paths
          batch_dir          folder that relative crop and overlay paths are relative to
          channel            channel of these sheets (default "giay", paper)
          pages              list of {file, page, sha256, outcome, reason, sheet (or
                             sheet_key), form_page, overlay}; outcome is read, duplicate or
                             rejected
        Idempotent: sheets are keyed by SheetResult.sheet_key and pages by sha256, so
        rerunning the same files adds nothing twice, and a run that was cut off is completed
        by its rerun. Returns the batch id.
        """
        report = dict(report)
        inputs = [str(p) for p in (report.get("inputs") or report.get("files") or [])]
        report_pages = [dict(p) for p in report.get("pages") or []]
        batch_dir = report.get("batch_dir") or report.get("folder")
        channel = str(report.get("channel") or PAPER_CHANNEL)
        actor = actor if actor is not None else current_user()

        keys = sorted(
            {self._page_key(p.sha256, p.file, p.page) for sh in sheets for p in sh.pages}
            | {self._page_key(p.get("sha256"), str(p.get("file", "")), int(p.get("page", 0)))
               for p in report_pages}
        )
        # a page rejected for a local reason (disk, internal error) and read now changes
        # the fingerprint, so the rerun is stored instead of being taken for the same run
        local = sorted(self._page_key(p.get("sha256"), str(p.get("file", "")),
                                      int(p.get("page", 0)))
                       for p in report_pages if is_local_rejection(p.get("reason")))
        fingerprint = hashlib.sha256(
            dumps({"inputs": sorted(inputs), "pages": keys,
                   "sheets": sorted(sh.sheet_key for sh in sheets)}
                  | ({"local": local} if local else {})).encode()
        ).hexdigest()

        from formkit.store.batches import owner

        with self.write_session() as s:
            batch = s.scalar(select(Batch).where(Batch.fingerprint == fingerprint))
            if batch is not None and batch.status == "finished":
                return batch.id
            meta = {k: v for k, v in report.items() if k not in ("pages", "sheets")}
            if batch is None:
                batch = Batch(
                    fingerprint=fingerprint,
                    started=_parse_datetime(report.get("started")) or now(),
                    status="running", input_files=dumps(inputs),
                    report=dumps(meta | {"owner": owner()}),
                )
                s.add(batch)
                s.flush()
            else:  # cut off before (running or interrupted): this run completes it
                if batch.status != "running":
                    self.audit(s, "batch_resumed", actor, batch=batch.id, was=batch.status)
                batch.status = "running"
                batch.report = dumps((loads(batch.report) or {}) | meta | {"owner": owner()})
            batch_id = batch.id

        already_stored = 0
        sheet_pages: set[tuple[str, int]] = set()
        for sheet in sheets:
            sheet_pages |= {(p.file, p.page) for p in sheet.pages}
            with self.write_session() as s:
                if not self._save_sheet(s, batch_id, sheet, batch_dir, channel):
                    already_stored += 1

        for p in report_pages:
            file, index = str(p.get("file", "")), int(p.get("page", 0))
            if (file, index) in sheet_pages:
                continue  # stored with its sheet
            with self.write_session() as s:
                key, stored = self._page_slot(s, p.get("sha256"), file, index)
                outcome = str(p.get("outcome") or "rejected")
                if outcome not in ("read", "duplicate", "rejected"):
                    outcome = "rejected"
                if key is None:
                    if stored is not None and stored.outcome == "rejected" \
                            and is_local_rejection(stored.reason):
                        # read again after a local failure: the page gets its new fate
                        stored.outcome, stored.batch_id = outcome, batch_id
                        stored.reason = str(p.get("reason") or "")
                        stored.form_page = p.get("form_page")
                        stored.sheet_key = p.get("sheet_key") or p.get("sheet")
                    continue
                s.add(Page(batch_id=batch_id, file=file, page_index=index,
                           form_page=p.get("form_page"), page_key=key, sha256=p.get("sha256"),
                           outcome=outcome, reason=str(p.get("reason") or ""),
                           sheet_key=p.get("sheet_key") or p.get("sheet"),
                           overlay=_resolve(p.get("overlay"), batch_dir), created=now()))

        with self.write_session() as s:
            batch = s.get(Batch, batch_id)
            assert batch is not None
            self.recount_batch(s, batch)
            batch.already_stored = already_stored
            batch.finished = _parse_datetime(report.get("finished")) or now()
            batch.status = "finished"
            self.audit(s, "batch_saved", actor, batch=batch_id, inputs=len(inputs),
                       pages=batch.pages_total, sheets=batch.sheets_added,
                       duplicates=batch.duplicates, rejected=batch.rejected,
                       review_items=batch.review_items)
        return batch_id

    @staticmethod
    def recount_batch(s: Session, batch: Batch) -> None:
        """Set a batch's counts from the pages and sheets it owns (also for a batch cut off
        before its end, which owns what it stored)."""
        by_outcome = dict(s.execute(
            select(Page.outcome, func.count()).where(Page.batch_id == batch.id)
            .group_by(Page.outcome)).all())
        batch.pages_total = sum(by_outcome.values())
        batch.duplicates = by_outcome.get("duplicate", 0)
        batch.rejected = by_outcome.get("rejected", 0)
        batch.sheets_added = s.scalar(
            select(func.count()).select_from(Sheet).where(Sheet.batch_id == batch.id)) or 0
        batch.review_items = s.scalar(
            select(func.count()).select_from(ReviewItem).join(Sheet)
            .where(Sheet.batch_id == batch.id)) or 0

    def _save_sheet(self, s: Session, batch_id: int, sheet: SheetResult,
                    batch_dir: str | None, channel: str) -> bool:
        """Insert one sheet with its answers, review items and pages; False when a sheet
        with its key was already stored (its new pages are then recorded as duplicates)."""
        if self.settings.anonymous_surveys:  # [privacy]: the respondent's name is not kept
            from formkit.store.privacy import without_names

            sheet = without_names(sheet)
        key = sheet.sheet_key
        existing = s.scalar(select(Sheet).where(Sheet.sheet_key == key))
        created = now()
        if existing is not None and not existing.complete:
            if self._complete_sheet(s, existing, sheet, batch_id, batch_dir):
                return True
        if existing is not None:
            for p in sheet.pages:
                page_key, _stored = self._page_slot(s, p.sha256, p.file, p.page)
                if page_key is None:
                    continue
                s.add(Page(batch_id=batch_id, file=p.file, page_index=p.page,
                           form_page=p.form_page, page_key=page_key, sha256=p.sha256,
                           outcome="duplicate",
                           reason=f"same copy as sheet {key}, stored by batch "
                                  f"{existing.batch_id}",
                           sheet_key=key, overlay=_resolve(p.overlay, batch_dir),
                           created=created))
            return existing.batch_id == batch_id

        row = Sheet(sheet_key=key, form=sheet.form, layout=sheet.layout, year=sheet.year,
                    unit=sheet.unit or "", serial=sheet.serial,
                    received=_parse_date(sheet.received), channel=channel,
                    complete=sheet.complete, result_json=dumps(sheet.to_json()),
                    batch_id=batch_id, created=created, anonymized=False)
        s.add(row)
        s.flush()
        overlays = {p.form_page: p.overlay for p in sheet.pages}
        single_overlay = sheet.pages[0].overlay if len(sheet.pages) == 1 else None
        for field_id, fr in sheet.fields.items():
            value = dumps(_text_nfc(fr.value))
            s.add(Answer(sheet_id=row.id, field=field_id, kind=fr.kind, value=value,
                         status=str(fr.status), confidence=float(fr.confidence),
                         machine_value=value, source=fr.source))
            if fr.needs_review:
                overlay = overlays.get(fr.page) or single_overlay
                s.add(ReviewItem(sheet_id=row.id, field=field_id, kind=fr.kind,
                                 machine_value=value, machine_status=str(fr.status),
                                 confidence=float(fr.confidence),
                                 crop_path=_resolve(fr.crop, batch_dir),
                                 overlay_path=_resolve(overlay, batch_dir),
                                 status="pending", note="", created=created))
        for p in sheet.pages:
            page_key, known = self._page_slot(s, p.sha256, p.file, p.page)
            if page_key is None:
                if known is not None and known.outcome != "read":
                    # rejected before (e.g. its layout was unknown) and read now
                    known.reason = f"read by batch {batch_id}; before: {known.outcome}, " \
                                   f"{known.reason}".strip(" ,")
                    known.outcome, known.sheet_key, known.batch_id = "read", key, batch_id
                continue
            s.add(Page(batch_id=batch_id, file=p.file, page_index=p.page,
                       form_page=p.form_page, page_key=page_key, sha256=p.sha256,
                       outcome="read", reason="", sheet_key=key,
                       overlay=_resolve(p.overlay, batch_dir), created=created))
        return True

    def _complete_sheet(self, s: Session, existing: Sheet, sheet: SheetResult, batch_id: int,
                        batch_dir: str | None) -> bool:
        """A sheet stored incomplete (a page missing or rejected for a local reason) gets
        the fields of the pages read now. Answers a person already corrected are kept.
        True when at least one new page was added."""
        stored_pages = {fp for (fp,) in s.execute(
            select(Page.form_page).where(Page.sheet_key == existing.sheet_key,
                                         Page.outcome == "read")).all()}
        new_pages = {p.form_page for p in sheet.pages} - stored_pages
        if not new_pages:
            return False
        answers = {a.field: a for a in s.scalars(
            select(Answer).where(Answer.sheet_id == existing.id)).all()}
        items = {r.field: r for r in s.scalars(
            select(ReviewItem).where(ReviewItem.sheet_id == existing.id)).all()}
        created = now()
        overlays = {p.form_page: p.overlay for p in sheet.pages}
        for field_id, fr in sheet.fields.items():
            if fr.page not in new_pages:
                continue
            value = dumps(_text_nfc(fr.value))
            a = answers.get(field_id)
            if a is None:
                s.add(Answer(sheet_id=existing.id, field=field_id, kind=fr.kind, value=value,
                             status=str(fr.status), confidence=float(fr.confidence),
                             machine_value=value, source=fr.source))
            elif a.value == a.machine_value:  # not corrected by a person
                a.value = a.machine_value = value
                a.status, a.confidence = str(fr.status), float(fr.confidence)
            else:
                continue
            item = items.get(field_id)
            if item is not None and item.status == "pending":
                if fr.needs_review:
                    item.machine_value, item.machine_status = value, str(fr.status)
                    item.confidence = float(fr.confidence)
                    item.crop_path = _resolve(fr.crop, batch_dir)
                    item.overlay_path = _resolve(overlays.get(fr.page), batch_dir)
                else:  # decided by the reading of the missing page
                    item.status, item.corrected_value = "done", value
                    item.reviewer, item.reviewed_at = "formkit", created
                    item.note = f"page {fr.page} read by batch {batch_id}"
            elif item is None and fr.needs_review:
                s.add(ReviewItem(sheet_id=existing.id, field=field_id, kind=fr.kind,
                                 machine_value=value, machine_status=str(fr.status),
                                 confidence=float(fr.confidence),
                                 crop_path=_resolve(fr.crop, batch_dir),
                                 overlay_path=_resolve(overlays.get(fr.page), batch_dir),
                                 status="pending", note="", created=created))
        old = loads(existing.result_json) or {}
        new = sheet.to_json()
        merged_fields = dict(old.get("fields") or {})
        merged_fields.update({k: v for k, v in (new.get("fields") or {}).items()
                              if (v or {}).get("page") in new_pages})
        merged_pages = [p for p in old.get("pages") or []
                        if p.get("form_page") not in new_pages]
        merged_pages += [p for p in new.get("pages") or [] if p.get("form_page") in new_pages]
        existing.result_json = dumps(old | {"fields": merged_fields, "pages": merged_pages})
        from formkit.spec.layout import LayoutRegistry

        layout = LayoutRegistry([self.settings.templates_dir / "layouts",
                                 self.settings.layouts_dir]).get(existing.layout)
        existing.complete = bool(sheet.complete) or (
            layout is not None and len(stored_pages | new_pages) >= len(layout.pages))
        for p in sheet.pages:
            if p.form_page not in new_pages:
                continue
            page_key, known = self._page_slot(s, p.sha256, p.file, p.page)
            if page_key is None:
                if known is not None and known.outcome != "read":
                    known.reason = f"read by batch {batch_id}; before: {known.outcome}, " \
                                   f"{known.reason}".strip(" ,")
                    known.outcome, known.sheet_key, known.batch_id = "read", existing.sheet_key, \
                        batch_id
                    known.form_page = p.form_page
                continue
            s.add(Page(batch_id=batch_id, file=p.file, page_index=p.page,
                       form_page=p.form_page, page_key=page_key, sha256=p.sha256,
                       outcome="read", reason=f"completes sheet {existing.sheet_key}",
                       sheet_key=existing.sheet_key, overlay=_resolve(p.overlay, batch_dir),
                       created=created))
        self.audit(s, "sheet_completed", None, sheet=existing.id, batch=batch_id,
                   pages=sorted(new_pages))
        return True

    def batch(self, batch_id: int) -> BatchSummary:
        with self.read_session() as s:
            b = s.get(Batch, batch_id)
            if b is None:
                raise InputError(f"There is no batch {batch_id} in {self.where}.",
                                 hint="Check the batch number in the batch report.")
            return self._batch_summary(b)

    def batches(self) -> list[BatchSummary]:
        with self.read_session() as s:
            return [self._batch_summary(b)
                    for b in s.scalars(select(Batch).order_by(Batch.id)).all()]

    @staticmethod
    def _batch_summary(b: Batch) -> BatchSummary:
        return BatchSummary(b.id, b.started, b.finished, b.status, loads(b.input_files) or [],
                            b.pages_total or 0, b.sheets_added or 0, b.duplicates or 0,
                            b.rejected or 0, b.review_items or 0, b.already_stored or 0)

    def pages(self, batch_id: int | None = None) -> list[dict[str, Any]]:
        """Every stored page with its outcome (read, duplicate, rejected) and reason."""
        with self.read_session() as s:
            q = select(Page).order_by(Page.id)
            if batch_id is not None:
                q = q.where(Page.batch_id == batch_id)
            return [{"id": p.id, "batch": p.batch_id, "file": p.file, "page": p.page_index,
                     "sha256": p.sha256, "outcome": p.outcome, "reason": p.reason,
                     "sheet_key": p.sheet_key} for p in s.scalars(q).all()]

    def known_pages(self) -> set[tuple[tuple[str, str, int, str, int], int]]:
        """(copy key, form page) of every page already read into a numbered sheet, in the
        shape formkit.scan.batch.read_paths(known_pages=...) takes: a page scanned again in
        a later batch is then reported as a duplicate instead of being read twice."""
        with self.read_session() as s:
            q = (select(Sheet.form, Sheet.layout, Sheet.year, Sheet.unit, Sheet.serial,
                        Page.form_page)
                 .join(Page, Page.sheet_key == Sheet.sheet_key)
                 .where(Page.outcome == "read", Sheet.serial > 0, Page.form_page.is_not(None)))
            return {((form, layout, year, unit, serial), form_page)
                    for form, layout, year, unit, serial, form_page in s.execute(q).all()}

    # ---- sheets and responses ------------------------------------------------------------

    def sheets(self, year: int | None = None, unit: str | None = None) -> list[StoredSheet]:
        """Stored sheets with their current answers, by year and unit code (both optional)."""
        with self.read_session() as s:
            q = select(Sheet).order_by(Sheet.year, Sheet.unit, Sheet.serial, Sheet.id)
            if year is not None:
                q = q.where(Sheet.year == year)
            if unit is not None:
                q = q.where(Sheet.unit == unit.upper())
            rows = s.scalars(q).all()
            answers = self._answers_by_sheet(s, [r.id for r in rows])
            pending = self._pending_by_sheet(s, [r.id for r in rows])
            return [
                StoredSheet(
                    id=r.id, sheet_key=r.sheet_key, form=r.form, layout=r.layout, year=r.year,
                    unit=r.unit, serial=r.serial, received=r.received, channel=r.channel,
                    complete=bool(r.complete), created=r.created, batch_id=r.batch_id,
                    answers={a.field: loads(a.value) for a in answers.get(r.id, [])},
                    statuses={a.field: a.status for a in answers.get(r.id, [])},
                    pending_review=len(pending.get(r.id, ())),
                    anonymized=bool(r.anonymized),
                )
                for r in rows
            ]

    @staticmethod
    def _answers_by_sheet(s: Session, ids: list[int]) -> dict[int, list[Answer]]:
        out: dict[int, list[Answer]] = {}
        for chunk in _chunks(ids):
            for a in s.scalars(select(Answer).where(Answer.sheet_id.in_(chunk))).all():
                out.setdefault(a.sheet_id, []).append(a)
        return out

    @staticmethod
    def _pending_by_sheet(s: Session, ids: list[int]) -> dict[int, set[str]]:
        out: dict[int, set[str]] = {}
        for chunk in _chunks(ids):
            q = select(ReviewItem.sheet_id, ReviewItem.field).where(
                ReviewItem.sheet_id.in_(chunk), ReviewItem.status == "pending")
            for sheet_id, field_id in s.execute(q).all():
                out.setdefault(sheet_id, set()).add(field_id)
        return out

    def responses(self, year: int, include_unreviewed: bool = False) -> list[ResponseRecord]:
        """Survey responses of `year` for the analysis: paper sheets (channel "giay") and
        the responses imported from other channels.

        Only choice fields are answers (free text never enters the statistics). A field
        still waiting for review is listed in `invalid`, so the statistics never count a
        reading nobody has confirmed; `include_unreviewed=True` counts the machine's
        ok/blank readings anyway (for a preview before the review is finished).
        """
        # A year of paper holds ~10 choice answers a sheet (100,000 rows for 10,000 sheets):
        # plain column tuples rather than ORM objects, and each distinct JSON text decoded
        # once (a choice has a handful of values; many online answers are the same text).
        with self.read_session() as s:
            conn = s.connection()  # Core rows: the ORM's per-row bookkeeping is not needed
            values_by, invalid_by = self._choices_of_year(conn, year, include_unreviewed)
            out = [ResponseRecord(key, y, received, unit, channel,
                                  values_by.get(sheet_id) or {},
                                  frozenset(invalid_by.get(sheet_id, ())), serial)
                   for sheet_id, key, y, received, unit, channel, serial
                   in self._sheets_of_year(conn, year)]
            decoded = _JsonCache()
            for rid, y, received, unit, channel, answers, invalid, serial in conn.execute(
                    select(Response.response_id, Response.year, Response.received,
                           Response.unit, Response.channel, Response.answers,
                           Response.invalid, Response.serial)
                    .where(Response.year == year).order_by(Response.id)).all():
                out.append(ResponseRecord(rid, y, received, unit, channel,
                                          decoded.dict(answers), decoded.frozenset(invalid),
                                          serial))
        return out

    def response_facts(self, year: int, include_unreviewed: bool = False
                       ) -> list[ResponseFacts]:
        """What `responses` says of `year`, as the tuples formkit.analyze.tallies.count_facts
        counts (year, received, unit, channel, answers, invalid): no ids, no records, and
        one answers dict for all the responses with the same answers (to be read, never
        changed). For counting a large year quickly."""
        with self.read_session() as s:
            conn = s.connection()
            values_by, invalid_by = self._choices_of_year(conn, year, include_unreviewed)
            out: list[ResponseFacts] = [
                (y, received, unit, channel, values_by.get(sheet_id) or {},
                 frozenset(invalid_by.get(sheet_id, ())))
                for sheet_id, _key, y, received, unit, channel, _serial
                in self._sheets_of_year(conn, year)]
            # the dates as the database hands them (ISO text from SQLite), converted below
            # as the Date column would: a year has only 365 of them
            date_type = Response.received.type.dialect_impl(conn.dialect)
            to_date = date_type.result_processor(conn.dialect, None)
            rows = conn.execute(
                select(Response.year, type_coerce(Response.received, String), Response.unit,
                       Response.channel, Response.answers, Response.invalid)
                .where(Response.year == year).order_by(Response.id)).all()
        if rows:
            # column by column: each distinct date and JSON text is decoded once and the
            # columns are zipped back by C loops, with no Python code run per response
            years, days, units, channels, answers, invalids = zip(*rows, strict=True)
            dates = {d: to_date(d) if to_date else d for d in set(days)}
            dicts = {a: loads(a) or {} for a in set(answers)}
            sets = {i: frozenset(loads(i) or []) for i in set(invalids)}
            out.extend(zip(years, map(dates.__getitem__, days), units, channels,
                           map(dicts.__getitem__, answers), map(sets.__getitem__, invalids),
                           strict=True))
        return out

    @staticmethod
    def _sheets_of_year(conn: Connection, year: int) -> Sequence[Any]:
        """(id, key, year, received, unit, channel, serial) of the sheets of `year`, in the
        order of `responses`."""
        return conn.execute(
            select(Sheet.id, Sheet.sheet_key, Sheet.year, Sheet.received, Sheet.unit,
                   Sheet.channel, Sheet.serial)
            .where(Sheet.year == year).order_by(Sheet.unit, Sheet.serial, Sheet.id)).all()

    @staticmethod
    def _choices_of_year(conn: Connection, year: int, include_unreviewed: bool
                         ) -> tuple[dict[int, dict[str, Any]], dict[int, set[str]]]:
        """(sheet id → field → value, sheet id → invalid fields) of the choice answers of
        the sheets of `year`, as Store.responses counts them."""
        waiting: dict[int, set[str]] = {}
        if not include_unreviewed:
            for sheet_id, field_id in conn.execute(
                    select(ReviewItem.sheet_id, ReviewItem.field)
                    .join(Sheet, ReviewItem.sheet_id == Sheet.id)
                    .where(Sheet.year == year, ReviewItem.status == "pending")):
                waiting.setdefault(sheet_id, set()).add(field_id)
        values_by: dict[int, dict[str, Any]] = {}
        invalid_by: dict[int, set[str]] = {}
        decoded: dict[str | None, Any] = {}
        nothing: set[str] = set()
        last = None
        values: dict[str, Any] = {}
        pending = nothing
        # no ORDER BY on SQLite (a sort of 100,000 rows; it returns them in insertion
        # order); PostgreSQL's hash join does not, and the fields must keep their order
        query = (select(Answer.sheet_id, Answer.field, Answer.status, Answer.value)
                 .join(Sheet, Answer.sheet_id == Sheet.id)
                 .where(Sheet.year == year, Answer.kind.is_distinct_from("text")))
        if conn.dialect.name != "sqlite":
            query = query.order_by(Answer.id)
        for sheet_id, field_id, status, text in conn.execute(query).all():
            if sheet_id != last:
                last = sheet_id
                values = values_by.setdefault(sheet_id, {})
                pending = waiting.get(sheet_id, nothing)
            if status not in VALID_STATUSES or field_id in pending:
                invalid_by.setdefault(sheet_id, set()).add(field_id)
                continue
            try:
                values[field_id] = decoded[text]
            except KeyError:
                value = loads(text)
                value = None if value == REVIEW_INVALID else value
                if isinstance(value, list | dict):  # never shared between two records
                    values[field_id] = value
                else:
                    values[field_id] = decoded[text] = value
        return values_by, invalid_by

    def add_responses(self, records: Sequence[ResponseRecord],
                      actor: str | None = None) -> tuple[int, int]:
        """Store responses of other channels (online exports); returns (added, skipped
        duplicates). A response id already stored, or equal to a paper sheet's key, is
        skipped, so importing the same export twice adds nothing."""
        added = skipped = 0
        with self.write_session() as s:
            ids = [r.response_id for r in records]
            known: set[str] = set()
            for chunk in _chunks(ids):
                known |= set(s.scalars(select(Response.response_id)
                                       .where(Response.response_id.in_(chunk))).all())
                known |= set(s.scalars(select(Sheet.sheet_key)
                                       .where(Sheet.sheet_key.in_(chunk))).all())
            created = now()
            channels: set[str] = set()
            for r in records:
                if r.response_id in known:
                    skipped += 1
                    continue
                known.add(r.response_id)
                channels.add(r.channel)
                s.add(Response(response_id=r.response_id, year=r.year, received=r.received,
                               unit=r.unit or "", channel=r.channel, serial=r.serial,
                               answers=dumps({k: _text_nfc(v) for k, v in r.answers.items()}),
                               invalid=dumps(sorted(r.invalid)), created=created))
                added += 1
            if added:
                self.audit(s, "responses_added", actor, added=added, skipped=skipped,
                           channels=sorted(channels))
        return added, skipped

    def feedback(self, year: int) -> list[FeedbackRecord]:
        """The register entries of `year` as the analysis sees them."""
        with self.read_session() as s:
            rows = s.connection().execute(  # Core rows: no ORM objects for a list to read
                select(RegisterEntry.id, RegisterEntry.entry_date, RegisterEntry.unit,
                       RegisterEntry.source, RegisterEntry.group_override,
                       RegisterEntry.group_code, RegisterEntry.status)
                .where(RegisterEntry.entry_date >= date(year, 1, 1),
                       RegisterEntry.entry_date <= date(year, 12, 31),
                       RegisterEntry.voided_at.is_(None))  # voided entries do not count
                .order_by(RegisterEntry.entry_date, RegisterEntry.id)).all()
        return [FeedbackRecord(entry_id=i, received=d, unit=unit, source=source,
                               group=entry_group(override, code), handled=status == "handled")
                for i, d, unit, source, override, code, status in rows]

    # ---- review --------------------------------------------------------------------------

    def review_queue(self, pending_only: bool = True) -> list[ReviewRecord]:
        """Review items in sheet order (year, unit, serial), pending ones only by default."""
        with self.read_session() as s:
            q = (select(ReviewItem, Sheet).join(Sheet, ReviewItem.sheet_id == Sheet.id)
                 .order_by(Sheet.year, Sheet.unit, Sheet.serial, Sheet.id, ReviewItem.id))
            if pending_only:
                q = q.where(ReviewItem.status == "pending")
            return [self._review_record(item, sheet) for item, sheet in s.execute(q).all()]

    def review_item(self, item_id: int) -> ReviewRecord:
        with self.read_session() as s:
            item = s.get(ReviewItem, item_id)
            if item is None:
                raise InputError(f"There is no review item {item_id} in {self.where}.",
                                 hint="List the queue with `formkit review export`.")
            sheet = s.get(Sheet, item.sheet_id)
            assert sheet is not None
            return self._review_record(item, sheet)

    def machine_evidence(self, items: Sequence[ReviewRecord]) -> dict[int, dict[str, Any]]:
        """What the reader recorded for each item's field (value, boxes with their fill and
        state, note …), by item id ({} when nothing). Each sheet's result is read and
        decoded once, however many of its fields wait for review."""
        sheet_ids = sorted({i.sheet_id for i in items})
        fields_of: dict[int, dict] = {}
        with self.read_session() as s:
            for chunk in _chunks(sheet_ids):
                for sheet_id, text in s.execute(select(Sheet.id, Sheet.result_json)
                                                .where(Sheet.id.in_(chunk))):
                    try:
                        fields_of[sheet_id] = loads(text or "{}").get("fields", {})
                    except (ValueError, AttributeError):  # old or hand-edited: no evidence
                        fields_of[sheet_id] = {}
        out = {}
        for i in items:
            field = fields_of.get(i.sheet_id, {}).get(i.field)
            out[i.id] = field if isinstance(field, dict) else {}
        return out

    def machine_notes(self, items: Sequence[ReviewRecord]) -> dict[int, str]:
        """Why the reader sent each item to review, as it noted it (English; the review
        tools word it in Vietnamese), by item id ('' when it noted nothing)."""
        return {k: str(v.get("note", "")) for k, v in self.machine_evidence(items).items()}

    def machine_note(self, item: ReviewRecord) -> str:
        """machine_notes for one item."""
        return self.machine_notes([item])[item.id]

    @staticmethod
    def _review_record(item: ReviewItem, sheet: Sheet) -> ReviewRecord:
        return ReviewRecord(
            id=item.id, sheet_id=sheet.id, sheet_key=sheet.sheet_key, form=sheet.form,
            year=sheet.year, unit=sheet.unit, serial=sheet.serial, field=item.field,
            kind=item.kind, machine_value=loads(item.machine_value),
            machine_status=item.machine_status, confidence=item.confidence or 0.0,
            crop_path=item.crop_path, overlay_path=item.overlay_path, status=item.status,
            corrected_value=loads(item.corrected_value), reviewer=item.reviewer,
            reviewed_at=item.reviewed_at, note=item.note or "")

    def check_review_value(self, item: ReviewRecord, value: Any, where: str = "") -> Any:
        """The value a reviewer gave, checked against the field's options (InputError)."""
        return normalize_value(item.kind, value, self.spec_field(item.form, item.field),
                               where or f"review item {item.id} ({item.field})")

    def apply_review(self, item_id: int, value: Any, reviewer: str,
                     note: str = "") -> ReviewRecord:
        """Record a person's decision on one review item (see formkit.store.review for the
        values). The machine's reading stays beside the correction; audit-logged."""
        self.apply_reviews([(item_id, value, note)], reviewer)
        return self.review_item(item_id)

    def apply_reviews(self, decisions: Sequence[tuple[int, Any, str]], reviewer: str,
                      reopen: bool = False) -> int:
        """Apply several decisions (item id, value, note) in one transaction: all or none.
        Every value is checked before anything is written. Each decision is also kept in
        review_decisions; with reopen=True an item already decided gets a new decision
        beside the old one (the caller checks the person may do that), else it is refused."""
        reviewer = (reviewer or "").strip()
        if not reviewer:
            raise InputError("A review needs the reviewer's name.",
                             hint="Give --reviewer NAME (it is kept with each correction).")
        checked: list[tuple[int, Any, str]] = []
        for item_id, value, note in decisions:
            item = self.review_item(item_id)
            checked.append((item_id, self.check_review_value(item, value), note or ""))
        stamp = now()
        with self.write_session() as s:
            for item_id, value, note in checked:
                item = s.get(ReviewItem, item_id)
                assert item is not None
                again = item.status == "done"
                if again and not reopen:
                    # someone else decided it since we looked (the write transaction holds
                    # the lock, so this check cannot race): apply nothing at all
                    raise RefusedError(
                        f"Review item {item_id} ({item.field}) was already decided by "
                        f"{item.reviewer or 'someone else'}; nothing was applied.",
                        hint="Export the review queue again to see what is still pending.")
                if again and not s.scalar(select(func.count()).select_from(ReviewDecision)
                                          .where(ReviewDecision.item_id == item_id)):
                    # decided before decisions were kept (schema < 3): keep that one first
                    s.add(ReviewDecision(item_id=item_id, value=item.corrected_value,
                                         reviewer=item.reviewer, decided_at=item.reviewed_at,
                                         note=item.note or "", reopened=False))
                answer = s.scalar(select(Answer).where(Answer.sheet_id == item.sheet_id,
                                                       Answer.field == item.field))
                item.corrected_value = dumps(value)
                item.reviewer = reviewer
                item.reviewed_at = stamp
                item.note = note
                item.status = "done"
                s.add(ReviewDecision(item_id=item_id, value=dumps(value), reviewer=reviewer,
                                     decided_at=stamp, note=note, reopened=again))
                if value == REVIEW_INVALID:
                    status = "invalid"
                elif value is None or value is False:
                    status = "blank"  # nothing marked or written
                else:
                    status = "ok"
                if answer is None:  # a review item always has its answer; be safe anyway
                    answer = Answer(sheet_id=item.sheet_id, field=item.field, kind=item.kind,
                                    machine_value=item.machine_value, confidence=item.confidence)
                    s.add(answer)
                answer.value = dumps(None if value == REVIEW_INVALID else value)
                answer.status = status
                answer.source = "review"
                details: dict[str, Any] = {"item": item_id, "sheet_id": item.sheet_id,
                                           "field": item.field, "status": status}
                if item.kind != "text":  # free text may name people: never in the audit log
                    details["machine_value"] = loads(item.machine_value)
                    details["value"] = value
                self.audit(s, "review_reopened" if again else "review_applied", reviewer,
                           **details)
        return len(checked)

    def review_decisions(self, item_id: int) -> list[dict[str, Any]]:
        """Every decision on one item, oldest first: value, reviewer, decided_at, note,
        reopened (the latest is the item's current value)."""
        with self.read_session() as s:
            rows = s.scalars(select(ReviewDecision).where(ReviewDecision.item_id == item_id)
                             .order_by(ReviewDecision.id)).all()
            return [{"value": loads(d.value), "reviewer": d.reviewer or "",
                     "decided_at": d.decided_at, "note": d.note or "",
                     "reopened": bool(d.reopened)} for d in rows]

    # ---- retention -----------------------------------------------------------------------

    def anonymize_year(self, year: int, actor: str | None = None) -> dict[str, int]:
        """Remove customer names, free text and crop/overlay paths of `year` from the
        database; the anonymous answers (choice fields) and the register's dates, units,
        sources, groups and statuses stay for the statistics. Returns counts per table.

        On SQLite the file is vacuumed afterwards so the removed text does not linger in
        free pages of the database file. Scan files, crop images and the pre-upgrade copies
        listed by backup_files() are the disposal code's job.
        """
        counts = {"sheets": 0, "text_answers": 0, "review_items": 0, "pages": 0,
                  "register_entries": 0, "responses": 0}
        text_fields = self._text_field_ids()
        with self.write_session() as s:
            sheets = s.scalars(select(Sheet).where(Sheet.year == year)).all()
            ids = [sh.id for sh in sheets]
            keys = [sh.sheet_key for sh in sheets]
            for sh in sheets:
                data = loads(sh.result_json) or {}
                for fid, fr in (data.get("fields") or {}).items():
                    fr.pop("crop", None)
                    if fr.get("kind") == "text" or fid in text_fields:
                        fr["value"] = None
                        fr.pop("note", None)
                for p in data.get("pages") or []:
                    p["overlay"] = None
                sh.result_json = dumps(data)
                sh.anonymized = True
                counts["sheets"] += 1
            for chunk in _chunks(ids):
                for a in s.scalars(select(Answer).where(Answer.sheet_id.in_(chunk))).all():
                    if a.kind == "text" or a.field in text_fields:
                        a.value = a.machine_value = dumps(None)
                        counts["text_answers"] += 1
                for item in s.scalars(select(ReviewItem)
                                      .where(ReviewItem.sheet_id.in_(chunk))).all():
                    item.crop_path = item.overlay_path = None
                    item.note = ""
                    if item.kind == "text" or item.field in text_fields:
                        item.machine_value = dumps(None)
                        if item.corrected_value is not None:
                            item.corrected_value = dumps(None)
                        for d in s.scalars(select(ReviewDecision)
                                           .where(ReviewDecision.item_id == item.id)):
                            d.value = dumps(None)
                    for d in s.scalars(select(ReviewDecision)
                                       .where(ReviewDecision.item_id == item.id)):
                        d.note = ""
                    counts["review_items"] += 1
            for chunk in _chunks(keys):
                for p in s.scalars(select(Page).where(Page.sheet_key.in_(chunk))).all():
                    p.overlay = None
                    counts["pages"] += 1
            entries = s.scalars(select(RegisterEntry).where(
                RegisterEntry.entry_date >= date(year, 1, 1),
                RegisterEntry.entry_date <= date(year, 12, 31))).all()
            for e in entries:
                e.customer = e.content = e.receiver = e.confirmation = e.search_text = ""
                # the fingerprint is a hash of the names: replace it as well
                e.fingerprint = f"anonymized:{e.id}"
                e.updated = now()
                counts["register_entries"] += 1
            counts["corrective_actions"] = 0
            for a in s.scalars(select(CorrectiveAction).where(
                    CorrectiveAction.year == year,
                    CorrectiveAction.entry_id.is_not(None))).all():
                a.problem = ""  # copied from the customer's feedback when it was opened
                counts["corrective_actions"] += 1
            for r in s.scalars(select(Response).where(Response.year == year)).all():
                answers = loads(r.answers) or {}
                kept = {k: v for k, v in answers.items() if k not in text_fields}
                if kept != answers:
                    r.answers = dumps(kept)
                    counts["responses"] += 1
            self.audit(s, "anonymize_year", actor, year=year, **counts)
        self._compact()
        return counts

    def backup_files(self) -> list[Path]:
        """Copies of the SQLite file taken before schema upgrades. They hold the data as it
        was then, names included: disposal must delete them (or keep them under the same
        retention rules); anonymize_year does not touch them."""
        path = sqlite_path(self.engine.url)
        if path is None:
            return []
        return sorted(path.parent.glob(f"{path.name}.before-v*.bak"))

    def _text_field_ids(self) -> set[str]:
        spec = self.spec("05-02")
        return {f.id for f in spec.text_fields} if spec else set()

    def _compact(self) -> None:
        """VACUUM a SQLite file so deleted text is gone from its free pages and the WAL."""
        if sqlite_path(self.engine.url) is None:
            return
        raw = self.engine.raw_connection()
        try:
            conn = raw.driver_connection
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            conn.execute("VACUUM")
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.Error as exc:
            raise describe_db_error(exc, self.where) from exc
        finally:
            raw.close()


def _chunks(items: Sequence[Any], size: int = 500) -> Iterator[Sequence[Any]]:
    # SQLite limits the number of bound parameters of one statement
    for i in range(0, len(items), size):
        yield items[i:i + size]


def open_store(settings: Settings, busy_timeout: float = DEFAULT_BUSY_TIMEOUT_S) -> Store:
    """Open (and create or upgrade) the workspace's database.

    Raises StoreError for a database written by a newer formkit, a locked, damaged or
    foreign database file; in each case nothing is changed."""
    url = resolve_url(settings)
    path = sqlite_path(url)
    where = str(path) if path is not None else url.render_as_string(hide_password=True)
    if path is not None and path.exists() and path.is_dir():
        raise StoreError(f"The database path {path} is a folder.",
                         hint="Point [paths] database in formkit.toml at a file name.")
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
        raise StoreError(f"Cannot open the database {where}: {exc}.") from exc
    return Store(engine, settings, where)
