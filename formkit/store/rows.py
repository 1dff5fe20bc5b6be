"""Plain records the store hands out (no database objects escape a session)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any


@dataclass(frozen=True)
class BatchSummary:
    id: int
    started: datetime
    finished: datetime | None
    status: str  # running (or cut off), finished
    input_files: list[str]
    pages_total: int
    sheets_added: int
    duplicates: int
    rejected: int
    review_items: int
    already_stored: int  # sheets of this run that an earlier batch had stored


@dataclass(frozen=True)
class StoredSheet:
    id: int
    sheet_key: str
    form: str
    layout: str
    year: int
    unit: str
    serial: int
    received: date | None
    channel: str
    complete: bool
    created: datetime
    batch_id: int | None
    answers: dict[str, Any] = field(default_factory=dict)  # field → current value
    statuses: dict[str, str] = field(default_factory=dict)  # field → current status
    pending_review: int = 0
    anonymized: bool = False


@dataclass(frozen=True)
class ReviewRecord:
    """One review item with the context a reviewer needs."""

    id: int
    sheet_id: int
    sheet_key: str
    form: str
    year: int
    unit: str
    serial: int
    field: str
    kind: str  # single, flag, text
    machine_value: Any
    machine_status: str
    confidence: float
    crop_path: str | None
    overlay_path: str | None
    status: str  # pending, done
    corrected_value: Any = None
    reviewer: str | None = None
    reviewed_at: datetime | None = None
    note: str = ""


@dataclass(frozen=True)
class RegisterRecord:
    """One register entry (BM.QT.SCT.05-01) as callers see it."""

    id: int
    entry_date: date
    customer: str
    content: str
    receiver: str
    unit: str
    source: str
    confirmation: str
    status: str  # handled, pending
    group_code: str  # the rules' group
    group_rule: str | None
    group_override: str | None  # a person's choice; wins over the rules
    sheet_id: int | None
    import_file: str | None
    import_row: int | None
    created: datetime
    created_by: str
    voided_at: datetime | None = None  # voided (hủy): kept in the book, left out of counts
    voided_by: str = ""
    void_reason: str = ""
    handled_on: date | None = None  # schema v5: the day it was marked handled

    @property
    def group(self) -> str:
        return self.group_override or self.group_code or "khac"

    @property
    def handled(self) -> bool:
        return self.status == "handled"


@dataclass(frozen=True)
class ActionRecord:
    """A corrective action (QT.SCT.04) as callers see it."""

    id: int
    year: int
    opened_on: date
    unit: str
    entry_id: int | None
    criterion: str | None
    problem: str
    cause: str
    action: str
    owner: str
    due_on: date
    status: str  # open, closed
    closed_on: date | None
    verification: str
    effective: bool | None
    created_by: str = ""

    def overdue(self, today: date) -> bool:
        """Open after its due date, or closed later than it."""
        if self.status == "closed" and self.closed_on is not None:
            return self.closed_on > self.due_on
        return today > self.due_on
