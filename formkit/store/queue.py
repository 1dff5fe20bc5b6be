"""The review queue: items waiting for a person, the machine's evidence, and the
decisions (kept beside the machine's reading, audit-logged)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select

from formkit.catalogue import say
from formkit.errors import InputError, RefusedError
from formkit.store.base import (
    StoreBase,
    chunks,
    dumps,
    loads,
    now,
)
from formkit.store.models import (
    Answer,
    ReviewDecision,
    ReviewItem,
    Sheet,
)
from formkit.store.review import REVIEW_INVALID, normalize_value
from formkit.store.rows import ReviewRecord


class ReviewQueue(StoreBase):
    """The review queue and its decisions."""


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
                raise InputError(say("error.store.no_review_item", id=item_id, where=self.where),
                                 hint=say("error.store.no_review_item.hint"))
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
            for chunk in chunks(sheet_ids):
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
            raise InputError(say("error.store.no_reviewer"),
                             hint=say("error.store.no_reviewer.hint"))
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
                        say("error.store.already_decided", id=item_id, field=item.field,
                            reviewer=item.reviewer or "someone else"),
                        hint=say("error.store.already_decided.hint"))
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

