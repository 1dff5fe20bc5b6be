"""Retention: the anonymisation of a year (personal text removed, anonymous answers
kept) and the pre-upgrade copies disposal must delete."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

from sqlalchemy import select

from formkit.store.base import (
    StoreBase,
    chunks,
    dumps,
    loads,
    now,
)
from formkit.store.db import (
    describe_db_error,
    sqlite_path,
)
from formkit.store.models import (
    Answer,
    CorrectiveAction,
    Page,
    RegisterEntry,
    Response,
    ReviewDecision,
    ReviewItem,
    Sheet,
)


class Retention(StoreBase):
    """Anonymising a year; the backup copies disposal deals with."""


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
            for chunk in chunks(ids):
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
            for chunk in chunks(keys):
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

