"""Schema versions and the ordered list of migrations (no Alembic: a handful of steps).

The table `schema_version` holds one row per applied migration. Opening a store applies
the missing ones in order, each in its own transaction together with its version row, so a
cut-off upgrade leaves the database at the last complete version. A database written by a
newer formkit (a version above SCHEMA_VERSION) is refused untouched. Before upgrading an
existing SQLite file a copy is written beside it (`<file>.before-v<N>.bak`).

Rules for adding a migration: append a function and a `Migration` entry with the next
number; never edit an applied one (databases in the field already ran it); describe new
tables here as frozen Core tables, not through the ORM models (the models follow the newest
schema, the steps must keep producing the schema of their time); update models.py.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    Date,
    DateTime,
    Engine,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    inspect,
    text,
)

from formkit.catalogue import say
from formkit.errors import StoreError


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    apply: Callable[[Connection], None]


def _schema_version_table(md: MetaData) -> Table:
    return Table(
        "schema_version", md,
        Column("version", Integer, primary_key=True, autoincrement=False),
        Column("description", Text),
        Column("applied_at", DateTime),
    )


def _v1_initial(conn: Connection) -> None:
    """The records of the first release: batches, pages, sheets, answers, review items,
    register entries and the audit log."""
    md = MetaData()
    Table(
        "batches", md,
        Column("id", Integer, primary_key=True),
        Column("fingerprint", String(64), unique=True),
        Column("started", DateTime),
        Column("finished", DateTime),
        Column("status", String(16)),
        Column("input_files", Text),
        Column("pages_total", Integer),
        Column("sheets_added", Integer),
        Column("duplicates", Integer),
        Column("rejected", Integer),
        Column("review_items", Integer),
        Column("already_stored", Integer),
        Column("report", Text),
    )
    Table(
        "pages", md,
        Column("id", Integer, primary_key=True),
        Column("batch_id", Integer, ForeignKey("batches.id"), index=True),
        Column("file", Text),
        Column("page_index", Integer),
        Column("form_page", Integer),
        Column("page_key", String(80), unique=True),
        Column("sha256", String(64)),
        Column("outcome", String(16)),
        Column("reason", Text),
        Column("sheet_key", String(200), index=True),
        Column("overlay", Text),
        Column("created", DateTime),
    )
    Table(
        "sheets", md,
        Column("id", Integer, primary_key=True),
        Column("sheet_key", String(200), unique=True),
        Column("form", String(20)),
        Column("layout", String(20)),
        Column("year", Integer, index=True),
        Column("unit", String(20)),
        Column("serial", Integer),
        Column("received", Date),
        Column("channel", String(40)),
        Column("complete", Boolean),
        Column("result_json", Text),
        Column("batch_id", Integer, ForeignKey("batches.id")),
        Column("created", DateTime),
        Column("anonymized", Boolean),
    )
    Table(
        "answers", md,
        Column("id", Integer, primary_key=True),
        Column("sheet_id", Integer, ForeignKey("sheets.id", ondelete="CASCADE"), index=True),
        Column("field", String(80)),
        Column("kind", String(10)),
        Column("value", Text),
        Column("status", String(16)),
        Column("confidence", Float),
        Column("machine_value", Text),
        Column("source", String(16)),
        UniqueConstraint("sheet_id", "field", name="uq_answers_sheet_field"),
    )
    Table(
        "review_items", md,
        Column("id", Integer, primary_key=True),
        Column("sheet_id", Integer, ForeignKey("sheets.id", ondelete="CASCADE"), index=True),
        Column("field", String(80)),
        Column("kind", String(10)),
        Column("machine_value", Text),
        Column("machine_status", String(16)),
        Column("confidence", Float),
        Column("crop_path", Text),
        Column("status", String(10), index=True),
        Column("corrected_value", Text),
        Column("reviewer", String(80)),
        Column("reviewed_at", DateTime),
        Column("note", Text),
        Column("created", DateTime),
        UniqueConstraint("sheet_id", "field", name="uq_review_sheet_field"),
    )
    Table(
        "register_entries", md,
        Column("id", Integer, primary_key=True),
        Column("entry_date", Date, index=True),
        Column("customer", Text),
        Column("content", Text),
        Column("receiver", Text),
        Column("unit", String(20)),
        Column("source", String(20)),
        Column("confirmation", Text),
        Column("status", String(10)),
        Column("group_code", String(10)),
        Column("group_override", String(10)),
        Column("sheet_id", Integer, ForeignKey("sheets.id", ondelete="SET NULL")),
        Column("fingerprint", String(100), unique=True),
        Column("search_text", Text),
        Column("import_file", Text),
        Column("import_row", Integer),
        Column("created", DateTime),
        Column("created_by", String(80)),
        Column("updated", DateTime),
    )
    Table(
        "audit_log", md,
        Column("id", Integer, primary_key=True),
        Column("at", DateTime, index=True),
        Column("actor", String(80)),
        Column("action", String(40)),
        Column("details", Text),
    )
    md.create_all(conn)


def _add_column(conn: Connection, table: str, column: Column) -> None:
    dialect = conn.dialect
    quote = dialect.identifier_preparer.quote
    type_sql = column.type.compile(dialect=dialect)
    conn.execute(text(f"ALTER TABLE {quote(table)} ADD COLUMN {quote(column.name)} {type_sql}"))


def _v2_responses_and_explanations(conn: Connection) -> None:
    """Online survey responses (channel imports), the classification rule that decided an
    entry's group, and the overlay image beside each review item."""
    _add_column(conn, "register_entries", Column("group_rule", Text))
    _add_column(conn, "review_items", Column("overlay_path", Text))
    md = MetaData()
    Table(
        "responses", md,
        Column("id", Integer, primary_key=True),
        Column("response_id", String(200), unique=True),
        Column("year", Integer, index=True),
        Column("received", Date),
        Column("unit", String(20)),
        Column("channel", String(40)),
        Column("serial", Integer),
        Column("answers", Text),
        Column("invalid", Text),
        Column("created", DateTime),
    )
    md.create_all(conn)


def _v3_review_decisions(conn: Connection) -> None:
    """Every decision on a review item, kept when a person reopens and changes it."""
    md = MetaData()
    Table("review_items", md, Column("id", Integer, primary_key=True))  # exists: not created
    Table(
        "review_decisions", md,
        Column("id", Integer, primary_key=True),
        Column("item_id", Integer, ForeignKey("review_items.id", ondelete="CASCADE"),
               index=True),
        Column("value", Text),
        Column("reviewer", String(80)),
        Column("decided_at", DateTime),
        Column("note", Text),
        Column("reopened", Boolean),
    )
    md.create_all(conn)


def _v4_register_void(conn: Connection) -> None:
    """A register entry can be voided (hủy) with a reason instead of being deleted: the
    line stays in the book, marked, and is left out of counts."""
    _add_column(conn, "register_entries", Column("voided_at", DateTime))
    _add_column(conn, "register_entries", Column("voided_by", String(80)))
    _add_column(conn, "register_entries", Column("void_reason", Text))


def _v5_corrective_actions(conn: Connection) -> None:
    """The day a register entry was handled (the on-time ratios of QĐ 766/QĐ-TTg) and the
    corrective-action records of QT.SCT.04, opened from an entry or a criterion."""
    _add_column(conn, "register_entries", Column("handled_on", Date))
    md = MetaData()
    Table("register_entries", md, Column("id", Integer, primary_key=True))  # exists
    Table(
        "corrective_actions", md,
        Column("id", Integer, primary_key=True),
        Column("year", Integer, index=True),
        Column("opened_on", Date),
        Column("unit", String(20)),
        Column("entry_id", Integer, ForeignKey("register_entries.id", ondelete="SET NULL"),
               index=True),
        Column("criterion", String(80)),
        Column("problem", Text),
        Column("cause", Text),
        Column("action", Text),
        Column("owner", Text),
        Column("due_on", Date),
        Column("status", String(10)),
        Column("closed_on", Date),
        Column("verification", Text),
        Column("effective", Boolean),
        Column("created", DateTime),
        Column("created_by", String(80)),
        Column("updated", DateTime),
    )
    md.create_all(conn)


def _v6_legacy_fingerprints(conn: Connection) -> None:
    """Pages of the department's own form carry no serial: the ink of their answers is kept
    so that a re-scan in a later batch is found (formkit.store.fingerprints)."""
    from formkit.store.fingerprints import create_table

    create_table(conn)


MIGRATIONS: list[Migration] = [
    Migration(1, "initial schema", _v1_initial),
    Migration(2, "responses table, group_rule, review overlay", _v2_responses_and_explanations),
    Migration(3, "review decisions kept when reopened", _v3_review_decisions),
    Migration(4, "register entries can be voided", _v4_register_void),
    Migration(5, "handled date of register entries, corrective actions",
              _v5_corrective_actions),
    Migration(6, "fingerprints of pages read without a serial (legacy forms)",
              _v6_legacy_fingerprints),
]

SCHEMA_VERSION = MIGRATIONS[-1].version


def current_version(conn: Connection) -> int | None:
    """The database's schema version; None when it has no schema_version table."""
    if not inspect(conn).has_table("schema_version"):
        return None
    value = conn.execute(text("SELECT MAX(version) FROM schema_version")).scalar()
    return int(value) if value is not None else 0


def _newer_error(found: int, where: str) -> StoreError:
    return StoreError(
        f"The database {where} was written by a newer formkit (schema version {found}; this "
        f"formkit knows versions up to {SCHEMA_VERSION}). Nothing was changed.",
        hint="Update formkit (git pull, then `make setup`) on this computer before using this "
        "database, or point [paths] database in formkit.toml at another file.",
    )


def check_version(engine: Engine, where: str) -> int | None:
    """Read the version without changing anything; refuse foreign and newer databases."""
    with engine.connect().execution_options(formkit_read_only=True) as conn:
        version = current_version(conn)
        if version is None:
            tables = sorted(inspect(conn).get_table_names())
            if tables:
                raise StoreError(
                    say("error.db.not_formkit", where=where,
                        tables=", ".join(tables[:8]) + ("…" if len(tables) > 8 else "")),
                    hint=say("hint.db.new_file"),
                )
        conn.rollback()
    if version is not None and version > SCHEMA_VERSION:
        raise _newer_error(version, where)
    return version


def backup_sqlite(path: Path, version: int) -> Path:
    """Copy a SQLite file (consistently, WAL included) before an upgrade; return the copy."""
    target = path.with_name(f"{path.name}.before-v{SCHEMA_VERSION}.bak")
    if target.exists():
        target = path.with_name(
            f"{path.name}.before-v{SCHEMA_VERSION}-{datetime.now():%Y%m%d%H%M%S}.bak")
    src = sqlite3.connect(str(path))
    try:
        dst = sqlite3.connect(str(target))
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    return target


#: key of the PostgreSQL advisory lock that one upgrading process holds (two formkit
#: processes opening a new database at once must not both create the tables)
PG_UPGRADE_LOCK = 0x666B5F6D  # "fk_m"


def upgrade(engine: Engine, where: str, backup_path: Path | None = None,
            target: int | None = None) -> tuple[int, int]:
    """Apply the missing migrations; return (version before, version after).

    `backup_path` is the SQLite file to copy before changing an existing schema. `target`
    stops at an earlier version (the tests build databases of every earlier version)."""
    target = SCHEMA_VERSION if target is None else target
    before = check_version(engine, where) or 0
    if before >= target:
        return before, before
    if before >= 1 and backup_path is not None:
        try:
            backup_sqlite(backup_path, before)
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(
                say("error.db.backup_before_upgrade", where=where, before=before,
                    after=SCHEMA_VERSION, detail=str(exc)),
                hint=say("hint.db.space_or_rights"),
            ) from exc
    for migration in MIGRATIONS:
        if migration.version > target:
            break
        # Each step re-reads the version inside its own write transaction: another process
        # may have upgraded meanwhile.
        with engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                # SQLite's BEGIN IMMEDIATE serialises the steps; PostgreSQL needs a lock
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": PG_UPGRADE_LOCK})
            version = current_version(conn)
            if version is None:
                _schema_version_table(MetaData()).create(conn)
                version = 0
            if version > SCHEMA_VERSION:
                raise _newer_error(version, where)
            if version >= migration.version:
                continue
            if version != migration.version - 1:
                raise StoreError(
                    say("error.db.migration_gap", where=where, version=version,
                        migration=migration.version, expected=migration.version - 1),
                    hint=say("hint.db.restore_backup"),
                )
            migration.apply(conn)
            conn.execute(_schema_version_table(MetaData()).insert().values(
                version=migration.version, description=migration.description,
                applied_at=datetime.now().replace(microsecond=0)))
    return before, target
