"""Schema versions, upgrades, and databases formkit must refuse without harming them:
newer, corrupt, foreign, locked; and two processes writing at once."""

from __future__ import annotations

import multiprocessing
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import inspect

from formkit.config import load_settings
from formkit.errors import StoreError
from formkit.store import SCHEMA_VERSION, open_store
from formkit.store.models import Base

from . import register_kit as reg
from .errors_kit import english, raises_en

# The schema of formkit's first release, as an old installation has it on disk. Written by
# hand on purpose: it must not follow later changes of the code.
V1_SQL = """
CREATE TABLE schema_version (version INTEGER NOT NULL PRIMARY KEY, description TEXT,
    applied_at DATETIME);
CREATE TABLE batches (id INTEGER NOT NULL PRIMARY KEY, fingerprint VARCHAR(64) UNIQUE,
    started DATETIME, finished DATETIME, status VARCHAR(16), input_files TEXT,
    pages_total INTEGER, sheets_added INTEGER, duplicates INTEGER, rejected INTEGER,
    review_items INTEGER, already_stored INTEGER, report TEXT);
CREATE TABLE sheets (id INTEGER NOT NULL PRIMARY KEY, sheet_key VARCHAR(200) UNIQUE,
    form VARCHAR(20), layout VARCHAR(20), year INTEGER, unit VARCHAR(20), serial INTEGER,
    received DATE, channel VARCHAR(40), complete BOOLEAN, result_json TEXT,
    batch_id INTEGER REFERENCES batches (id), created DATETIME, anonymized BOOLEAN);
CREATE INDEX ix_sheets_year ON sheets (year);
CREATE TABLE pages (id INTEGER NOT NULL PRIMARY KEY, batch_id INTEGER REFERENCES batches (id),
    file TEXT, page_index INTEGER, form_page INTEGER, page_key VARCHAR(80) UNIQUE,
    sha256 VARCHAR(64), outcome VARCHAR(16), reason TEXT, sheet_key VARCHAR(200),
    overlay TEXT, created DATETIME);
CREATE TABLE answers (id INTEGER NOT NULL PRIMARY KEY,
    sheet_id INTEGER REFERENCES sheets (id) ON DELETE CASCADE, field VARCHAR(80),
    kind VARCHAR(10), value TEXT, status VARCHAR(16), confidence FLOAT, machine_value TEXT,
    source VARCHAR(16), CONSTRAINT uq_answers_sheet_field UNIQUE (sheet_id, field));
CREATE TABLE review_items (id INTEGER NOT NULL PRIMARY KEY,
    sheet_id INTEGER REFERENCES sheets (id) ON DELETE CASCADE, field VARCHAR(80),
    kind VARCHAR(10), machine_value TEXT, machine_status VARCHAR(16), confidence FLOAT,
    crop_path TEXT, status VARCHAR(10), corrected_value TEXT, reviewer VARCHAR(80),
    reviewed_at DATETIME, note TEXT, created DATETIME,
    CONSTRAINT uq_review_sheet_field UNIQUE (sheet_id, field));
CREATE TABLE register_entries (id INTEGER NOT NULL PRIMARY KEY, entry_date DATE,
    customer TEXT, content TEXT, receiver TEXT, unit VARCHAR(20), source VARCHAR(20),
    confirmation TEXT, status VARCHAR(10), group_code VARCHAR(10), group_override VARCHAR(10),
    sheet_id INTEGER REFERENCES sheets (id) ON DELETE SET NULL, fingerprint VARCHAR(100) UNIQUE,
    search_text TEXT, import_file TEXT, import_row INTEGER, created DATETIME,
    created_by VARCHAR(80), updated DATETIME);
CREATE TABLE audit_log (id INTEGER NOT NULL PRIMARY KEY, at DATETIME, actor VARCHAR(80),
    action VARCHAR(40), details TEXT);
INSERT INTO schema_version VALUES (1, 'initial schema', '2024-01-05 08:00:00');
INSERT INTO register_entries (id, entry_date, customer, content, receiver, unit, source,
    confirmation, status, group_code, group_override, fingerprint, search_text, created,
    created_by) VALUES (1, '2024-06-03', 'Nguyễn Văn An', 'Hồ sơ trả chậm', 'Lan', 'VP',
    'khieu_nai', '', 'pending', '5', '3', 'fp-1', 'nguyen van an ho so tra cham',
    '2024-06-03 10:00:00', 'lan');
"""


def _db(settings) -> Path:
    return settings.workspace / "formkit.db"


def _make_v1(path: Path) -> None:
    conn = sqlite3.connect(path)
    try:
        conn.executescript(V1_SQL)
        conn.commit()
    finally:
        conn.close()


@pytest.mark.sqlite_only  # the SQLite file itself
def test_a_version_1_database_is_upgraded_and_keeps_its_entries(workspace):
    _make_v1(_db(workspace))
    with open_store(workspace) as store:
        entry = reg.list_entries(store)[0]
        assert (entry.customer, entry.group, entry.group_rule) == ("Nguyễn Văn An", "3", None)
        columns = {c["name"] for c in inspect(store.engine).get_columns("review_items")}
        assert "overlay_path" in columns
        assert inspect(store.engine).has_table("responses")
        reg.add_entry(store, entry_date="04/06/2024", content="Thái độ cáu gắt")
        backups = store.backup_files()
    conn = sqlite3.connect(_db(workspace))
    try:
        versions = [v for (v,) in conn.execute("SELECT version FROM schema_version ORDER BY 1")]
    finally:
        conn.close()
    assert versions == list(range(1, SCHEMA_VERSION + 1))
    backup = workspace.workspace / f"formkit.db.before-v{SCHEMA_VERSION}.bak"
    assert backups == [backup]  # listed for the disposal code: it holds the old names
    old = sqlite3.connect(backup)
    try:  # the copy taken before the upgrade is the old database, whole
        assert old.execute("SELECT MAX(version) FROM schema_version").fetchone()[0] == 1
        assert old.execute("SELECT customer FROM register_entries").fetchall() == \
            [("Nguyễn Văn An",)]
    finally:
        old.close()


def test_the_migrations_produce_exactly_the_tables_and_columns_of_the_models(workspace):
    with open_store(workspace) as store:
        insp = inspect(store.engine)
        for table in Base.metadata.sorted_tables:
            on_disk = {c["name"] for c in insp.get_columns(table.name)}
            assert on_disk == {c.name for c in table.columns}, table.name
        assert set(insp.get_table_names()) == set(Base.metadata.tables)


@pytest.mark.sqlite_only  # the SQLite file itself
def test_a_database_from_a_newer_formkit_is_refused_and_left_untouched(workspace):
    with open_store(workspace):
        pass
    conn = sqlite3.connect(_db(workspace))
    conn.execute("INSERT INTO schema_version VALUES (99, 'future', '2030-01-01 00:00:00')")
    conn.commit()
    conn.close()
    before = _db(workspace).read_bytes()
    with raises_en(StoreError, "newer formkit") as err:
        open_store(workspace)
    assert "Update formkit" in english(err.value)
    assert _db(workspace).read_bytes() == before


@pytest.mark.sqlite_only  # the SQLite file itself
def test_a_corrupt_database_file_is_refused_and_left_untouched(workspace):
    garbage = b"This is not SQLite. " * 300
    _db(workspace).write_bytes(garbage)
    with raises_en(StoreError, "damaged") as err:
        open_store(workspace)
    assert "backup" in english(err.value)
    assert _db(workspace).read_bytes() == garbage


@pytest.mark.sqlite_only  # the SQLite file itself
def test_another_programs_database_is_refused(workspace):
    conn = sqlite3.connect(_db(workspace))
    conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
    conn.commit()
    conn.close()
    with raises_en(StoreError, "not a formkit one"):
        open_store(workspace)


@pytest.mark.sqlite_only  # the SQLite file itself
def test_a_locked_database_gives_a_clear_error_and_loses_nothing(workspace):
    with open_store(workspace) as store:
        reg.add_entry(store, entry_date="01/02/2025", content="Phản ánh thứ nhất")
    locker = sqlite3.connect(_db(workspace), isolation_level=None)
    locker.execute("BEGIN EXCLUSIVE")
    try:
        with open_store(workspace, busy_timeout=0.2) as store:
            with raises_en(StoreError, "locked") as err:
                reg.add_entry(store, entry_date="02/02/2025", content="Phản ánh thứ hai")
            assert "Wait until the other" in english(err.value)
    finally:
        locker.execute("ROLLBACK")
        locker.close()
    with open_store(workspace) as store:
        assert [e.content for e in reg.list_entries(store)] == ["Phản ánh thứ nhất"]


def test_an_invalid_database_url_is_a_store_error(workspace):
    workspace.database_url = "not a url at all"
    with raises_en(StoreError, "not a valid SQLAlchemy URL"):
        open_store(workspace)


def _add_many(workspace_dir: str, worker: int, count: int, barrier, open_first: bool) -> None:
    settings = load_settings(Path(workspace_dir))
    if not open_first:
        barrier.wait(60)  # both processes create the database at the same moment
    with open_store(settings) as store:
        if open_first:
            barrier.wait(60)  # both processes start writing at the same moment
        for i in range(count):
            reg.add_entry(store, entry_date="05/05/2025", customer=f"Khách {worker}-{i}",
                          content=f"Ý kiến số {i} của tiến trình {worker}")


def _run_two(workspace, count: int, open_first: bool) -> None:
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(2)
    workers = [ctx.Process(target=_add_many,
                           args=(str(workspace.workspace), w, count, barrier, open_first))
               for w in (1, 2)]
    for p in workers:
        p.start()
    for p in workers:
        p.join(120)
    assert [p.exitcode for p in workers] == [0, 0]


def test_two_processes_adding_entries_at_the_same_time_lose_nothing(workspace):
    with open_store(workspace):
        pass  # the schema exists, as after `formkit init`
    _run_two(workspace, 100, open_first=True)
    with open_store(workspace) as store:
        entries = reg.list_entries(store)
    assert len(entries) == 200
    assert len({e.customer for e in entries}) == 200


def test_two_processes_creating_a_new_database_at_once_both_succeed(workspace):
    _run_two(workspace, 5, open_first=False)
    with open_store(workspace) as store:
        assert len(reg.list_entries(store)) == 10


@pytest.mark.parametrize("version", range(1, SCHEMA_VERSION))
def test_a_database_of_every_earlier_version_is_upgraded_keeping_its_records(
        workspace, version):
    """On SQLite and PostgreSQL: the schema of an earlier version, as its migrations left
    it, with a register entry; opening it upgrades to the current schema."""
    from sqlalchemy import text

    from formkit.store import migrations
    from formkit.store.db import make_engine, resolve_url

    engine = make_engine(resolve_url(workspace))
    try:
        assert migrations.upgrade(engine, "test", target=version) == (0, version)
        with engine.begin() as conn:
            conn.execute(text(
                "INSERT INTO register_entries (entry_date, customer, content, unit, source, "
                "status, group_code, fingerprint, created, created_by) VALUES ('2024-06-03', "
                "'Nguyễn Văn An', 'Hồ sơ trả chậm', 'VP', 'khieu_nai', 'pending', '5', 'fp-1', "
                "'2024-06-03 10:00:00', 'lan')"))
    finally:
        engine.dispose()
    with open_store(workspace) as store:
        entry = reg.list_entries(store)[0]
        assert (entry.customer, entry.content) == ("Nguyễn Văn An", "Hồ sơ trả chậm")
        reg.add_entry(store, entry_date="04/06/2024", content="Thái độ cáu gắt")
        insp = inspect(store.engine)
        for table in Base.metadata.sorted_tables:
            on_disk = {c["name"] for c in insp.get_columns(table.name)}
            assert on_disk == {c.name for c in table.columns}, table.name
        with store.read_session() as s:
            versions = s.execute(text("SELECT version FROM schema_version ORDER BY 1")).all()
        assert [v for (v,) in versions] == list(range(1, SCHEMA_VERSION + 1))
        assert len(reg.list_entries(store)) == 2
