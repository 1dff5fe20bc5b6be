"""ORM models of the current schema (version `migrations.SCHEMA_VERSION`).

The tables are created and changed only by formkit/store/migrations.py; these classes must
describe the schema the migrations produce (a test compares the two). JSON values are kept
as text (json.dumps, ensure_ascii=False) so that any SQL database can hold them; Vietnamese
text is stored NFC. Times are local wall-clock times of the office, without time zone.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class SchemaVersion(Base):
    __tablename__ = "schema_version"

    version: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    description: Mapped[str] = mapped_column(Text, default="")
    applied_at: Mapped[datetime] = mapped_column(DateTime)


class Batch(Base):
    """One run of the scan stage over a set of input files."""

    __tablename__ = "batches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: hash of the run's input pages: a rerun of the same files finds its batch again
    fingerprint: Mapped[str | None] = mapped_column(String(64), unique=True)
    started: Mapped[datetime] = mapped_column(DateTime)
    finished: Mapped[datetime | None] = mapped_column(DateTime)
    status: Mapped[str] = mapped_column(String(16), default="running")  # running, finished
    input_files: Mapped[str] = mapped_column(Text, default="[]")  # JSON list
    pages_total: Mapped[int] = mapped_column(Integer, default=0)
    sheets_added: Mapped[int] = mapped_column(Integer, default=0)
    duplicates: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[int] = mapped_column(Integer, default=0)
    review_items: Mapped[int] = mapped_column(Integer, default=0)
    already_stored: Mapped[int] = mapped_column(Integer, default=0)
    report: Mapped[str] = mapped_column(Text, default="{}")  # JSON, as given by the scan stage


class Page(Base):
    """Every input page ends here: read (part of a sheet), duplicate or rejected."""

    __tablename__ = "pages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("batches.id"), index=True)
    file: Mapped[str] = mapped_column(Text)
    page_index: Mapped[int] = mapped_column(Integer)  # 1-based page inside the file
    form_page: Mapped[int | None] = mapped_column(Integer)
    #: sha256 of the page image, or of "file#page" when the scan stage gave no hash
    page_key: Mapped[str] = mapped_column(String(80), unique=True)
    sha256: Mapped[str | None] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(16))  # read, duplicate, rejected
    reason: Mapped[str] = mapped_column(Text, default="")
    sheet_key: Mapped[str | None] = mapped_column(String(200), index=True)
    overlay: Mapped[str | None] = mapped_column(Text)
    created: Mapped[datetime] = mapped_column(DateTime)


class Sheet(Base):
    """One returned survey copy (all its pages), as read by the scan stage."""

    __tablename__ = "sheets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sheet_key: Mapped[str] = mapped_column(String(200), unique=True)
    form: Mapped[str] = mapped_column(String(20))
    layout: Mapped[str] = mapped_column(String(20))
    year: Mapped[int] = mapped_column(Integer, index=True)
    unit: Mapped[str] = mapped_column(String(20), default="")
    serial: Mapped[int] = mapped_column(Integer, default=0)
    received: Mapped[date | None] = mapped_column(Date)
    channel: Mapped[str] = mapped_column(String(40), default="giay")
    complete: Mapped[bool] = mapped_column(Boolean, default=True)
    result_json: Mapped[str] = mapped_column(Text)  # SheetResult.to_json() as read
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("batches.id"))
    created: Mapped[datetime] = mapped_column(DateTime)
    anonymized: Mapped[bool] = mapped_column(Boolean, default=False)


class Answer(Base):
    """The current value of one field of a sheet; the machine's reading stays beside it."""

    __tablename__ = "answers"
    __table_args__ = (UniqueConstraint("sheet_id", "field", name="uq_answers_sheet_field"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sheet_id: Mapped[int] = mapped_column(ForeignKey("sheets.id", ondelete="CASCADE"),
                                          index=True)
    field: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(10))  # single, flag, text
    value: Mapped[str] = mapped_column(Text, default="null")  # JSON
    status: Mapped[str] = mapped_column(String(16))
    confidence: Mapped[float] = mapped_column(Float, default=0.0)
    machine_value: Mapped[str] = mapped_column(Text, default="null")  # JSON
    source: Mapped[str] = mapped_column(String(16), default="scan")  # scan, docx, review …


class ReviewItem(Base):
    """A field a person must decide (low confidence or an invalid reading)."""

    __tablename__ = "review_items"
    __table_args__ = (UniqueConstraint("sheet_id", "field", name="uq_review_sheet_field"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sheet_id: Mapped[int] = mapped_column(ForeignKey("sheets.id", ondelete="CASCADE"),
                                          index=True)
    field: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(10))
    machine_value: Mapped[str] = mapped_column(Text, default="null")  # JSON
    machine_status: Mapped[str] = mapped_column(String(16))
    confidence: Mapped[float] = mapped_column(Float, default=0.0)
    crop_path: Mapped[str | None] = mapped_column(Text)
    overlay_path: Mapped[str | None] = mapped_column(Text)  # schema v2
    status: Mapped[str] = mapped_column(String(10), default="pending", index=True)  # / done
    corrected_value: Mapped[str | None] = mapped_column(Text)  # JSON
    reviewer: Mapped[str | None] = mapped_column(String(80))
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime)
    note: Mapped[str] = mapped_column(Text, default="")
    created: Mapped[datetime] = mapped_column(DateTime)


class ReviewDecision(Base):
    """One decision on a review item (schema v3). A reopened item gets a new row beside the
    old ones; review_items holds the latest, the answer follows it."""

    __tablename__ = "review_decisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("review_items.id", ondelete="CASCADE"),
                                         index=True)
    value: Mapped[str | None] = mapped_column(Text)  # JSON
    reviewer: Mapped[str | None] = mapped_column(String(80))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    note: Mapped[str | None] = mapped_column(Text)
    reopened: Mapped[bool | None] = mapped_column(Boolean)  # it replaced an earlier decision


class RegisterEntry(Base):
    """One line of the register BM.QT.SCT.05-01 (Sổ ghi nhận ý kiến của khách hàng)."""

    __tablename__ = "register_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entry_date: Mapped[date] = mapped_column(Date, index=True)
    customer: Mapped[str] = mapped_column(Text, default="")
    content: Mapped[str] = mapped_column(Text, default="")
    receiver: Mapped[str] = mapped_column(Text, default="")
    unit: Mapped[str] = mapped_column(String(20), default="")
    source: Mapped[str] = mapped_column(String(20))
    confirmation: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default="pending")  # handled, pending
    group_code: Mapped[str] = mapped_column(String(10), default="khac")  # by the rules
    group_rule: Mapped[str | None] = mapped_column(Text)  # schema v2: which rule matched
    group_override: Mapped[str | None] = mapped_column(String(10))  # set by a person
    sheet_id: Mapped[int | None] = mapped_column(ForeignKey("sheets.id", ondelete="SET NULL"))
    fingerprint: Mapped[str] = mapped_column(String(100), unique=True)
    search_text: Mapped[str] = mapped_column(Text, default="")  # textnorm.fold of the texts
    import_file: Mapped[str | None] = mapped_column(Text)
    import_row: Mapped[int | None] = mapped_column(Integer)
    created: Mapped[datetime] = mapped_column(DateTime)
    created_by: Mapped[str] = mapped_column(String(80), default="")
    updated: Mapped[datetime | None] = mapped_column(DateTime)
    voided_at: Mapped[datetime | None] = mapped_column(DateTime)  # schema v3
    voided_by: Mapped[str | None] = mapped_column(String(80))
    void_reason: Mapped[str | None] = mapped_column(Text)
    handled_on: Mapped[date | None] = mapped_column(Date)  # schema v5

    @property
    def group(self) -> str:
        return entry_group(self.group_override, self.group_code)


def entry_group(override: str | None, code: str | None) -> str:
    """A register entry's group: the person's choice, else the rules', else "khac"."""
    return override or code or "khac"


class AuditLog(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, index=True)
    actor: Mapped[str] = mapped_column(String(80), default="")
    action: Mapped[str] = mapped_column(String(40))
    details: Mapped[str] = mapped_column(Text, default="{}")  # JSON, never customer text


class Response(Base):
    """A survey response from another channel (online export); schema v2. Paper responses
    are derived from sheets and answers, not copied here."""

    __tablename__ = "responses"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    response_id: Mapped[str] = mapped_column(String(200), unique=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    received: Mapped[date | None] = mapped_column(Date)
    unit: Mapped[str] = mapped_column(String(20), default="")
    channel: Mapped[str] = mapped_column(String(40))
    serial: Mapped[int] = mapped_column(Integer, default=0)
    answers: Mapped[str] = mapped_column(Text, default="{}")  # JSON
    invalid: Mapped[str] = mapped_column(Text, default="[]")  # JSON list
    created: Mapped[datetime] = mapped_column(DateTime)


class CorrectiveAction(Base):
    """A corrective action under QT.SCT.04 (schema v5), opened from a register entry or a
    criterion under its threshold: cause, action, owner, due date, status, effect."""

    __tablename__ = "corrective_actions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    opened_on: Mapped[date] = mapped_column(Date)
    unit: Mapped[str] = mapped_column(String(20), default="")
    entry_id: Mapped[int | None] = mapped_column(
        ForeignKey("register_entries.id", ondelete="SET NULL"), index=True)
    criterion: Mapped[str | None] = mapped_column(String(80))  # survey field id
    problem: Mapped[str] = mapped_column(Text, default="")
    cause: Mapped[str] = mapped_column(Text, default="")
    action: Mapped[str] = mapped_column(Text, default="")
    owner: Mapped[str] = mapped_column(Text, default="")
    due_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default="open")  # open, closed
    closed_on: Mapped[date | None] = mapped_column(Date)
    verification: Mapped[str] = mapped_column(Text, default="")
    effective: Mapped[bool | None] = mapped_column(Boolean)
    created: Mapped[datetime] = mapped_column(DateTime)
    created_by: Mapped[str] = mapped_column(String(80), default="")
    updated: Mapped[datetime | None] = mapped_column(DateTime)


class LegacyFingerprint(Base):
    """The ink of the answers of a page read without a serial (the department's own form):
    a re-scan of the same paper in a later batch is found by it (formkit.store.fingerprints)."""

    __tablename__ = "legacy_fingerprints"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("batches.id", ondelete="CASCADE"),
                                          index=True)
    page_label: Mapped[str] = mapped_column(Text, default="")  # "file trang N"
    fingerprint: Mapped[str] = mapped_column(Text)
    created: Mapped[datetime] = mapped_column(DateTime)
