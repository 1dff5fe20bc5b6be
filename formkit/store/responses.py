"""Stored sheets and survey responses of every channel as the analysis reads them, the
responses of other channels added, and the register as feedback records."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import Connection, String, select, type_coerce
from sqlalchemy.orm import Session

from formkit.store.base import (
    JsonCache,
    StoreBase,
    chunks,
    dumps,
    loads,
    now,
    text_nfc,
)
from formkit.store.models import (
    Answer,
    RegisterEntry,
    Response,
    ReviewItem,
    Sheet,
    entry_group,
)
from formkit.store.records import FeedbackRecord, ResponseFacts, ResponseRecord
from formkit.store.review import REVIEW_INVALID, VALID_STATUSES
from formkit.store.rows import StoredSheet


class ResponseStore(StoreBase):
    """Sheets, responses and feedback for the analysis."""


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
        for chunk in chunks(ids):
            for a in s.scalars(select(Answer).where(Answer.sheet_id.in_(chunk))).all():
                out.setdefault(a.sheet_id, []).append(a)
        return out

    @staticmethod
    def _pending_by_sheet(s: Session, ids: list[int]) -> dict[int, set[str]]:
        out: dict[int, set[str]] = {}
        for chunk in chunks(ids):
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
            decoded = JsonCache()
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
            for chunk in chunks(ids):
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
                               answers=dumps({k: text_nfc(v) for k, v in r.answers.items()}),
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

