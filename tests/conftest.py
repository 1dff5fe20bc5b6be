from __future__ import annotations

import itertools
import os
import shutil
from pathlib import Path

import pytest

from formkit import api
from formkit.config import load_settings

REPO = Path(__file__).resolve().parent.parent

#: test modules whose `workspace` runs on SQLite and on a real PostgreSQL server
BOTH_DATABASES = {
    "test_store", "test_store_migrations", "test_register", "test_register_import",
    "test_register_classify", "test_review_cli", "test_review_xlsx", "test_analyze_tallies",
    "test_analyze_tallies_grouped", "test_store_concurrency", "test_backup",
}


def make_workspace(path: Path, database_url: str | None = None):
    """A workspace with formkit.toml; `database_url` (written into formkit.toml, so that
    commands and other processes use it too) instead of the SQLite file."""
    config = api.init_workspace(path)
    if database_url:
        text = config.read_text(encoding="utf-8")
        old = 'database = "sqlite:///formkit.db"'
        assert old in text
        config.write_text(text.replace(old, f'database = "{database_url}"'), encoding="utf-8")
    return load_settings(path)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    module = metafunc.module.__name__.rsplit(".", 1)[-1]
    if module in BOTH_DATABASES and "db" in metafunc.fixturenames \
            and not metafunc.definition.get_closest_marker("sqlite_only"):
        metafunc.parametrize("db", ["sqlite", "postgresql"], indirect=True)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "sqlite_only: about the SQLite file itself")


@pytest.fixture(scope="session")
def pg_server():
    """A throwaway PostgreSQL server for the session (initdb + pg_ctl in a temporary
    folder). It must start: a failure fails the tests that need it, loudly; only
    FORMKIT_NO_PG=1 skips them."""
    if os.environ.get("FORMKIT_NO_PG") == "1":
        pytest.skip("FORMKIT_NO_PG=1: PostgreSQL tests skipped on request")
    from formkit._exec.postgres import start_server

    # not under pytest's temporary folders: closed to the postgres account, as which the
    # server runs when the tests run as root
    try:
        server = start_server()
    except Exception as exc:
        pytest.fail(f"the PostgreSQL test server did not start: {exc} (run `make setup`; "
                    "set FORMKIT_NO_PG=1 to skip these tests)", pytrace=False)
    yield server
    try:
        server.stop()
    finally:
        shutil.rmtree(server.folder, ignore_errors=True)


_numbers = itertools.count(1)


def new_pg_database(server) -> str:
    """A new empty database on the test server; its SQLAlchemy URL."""
    import psycopg

    name = f"t{os.getpid()}_{next(_numbers)}"
    with psycopg.connect(f"host=127.0.0.1 port={server.port} user=formkit dbname=postgres",
                         autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return server.url(name)


@pytest.fixture
def db(request) -> str:
    """The database a test's workspace uses: "sqlite" unless parametrized (above)."""
    return getattr(request, "param", "sqlite")


@pytest.fixture
def database_url(db, request) -> str | None:
    """None for the workspace's SQLite file; else a fresh PostgreSQL database."""
    if db == "sqlite":
        return None
    return new_pg_database(request.getfixturevalue("pg_server"))


@pytest.fixture
def workspace(tmp_path: Path, database_url):
    return make_workspace(tmp_path / "ws", database_url)


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> dict:
    """Both forms built once through the real LibreOffice: 3 numbered survey copies and a
    2-page register. Shared by the slow round-trip tests (read-only)."""
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice not installed (run `make setup`)")
    ws = tmp_path_factory.mktemp("built")
    settings = make_workspace(ws)
    survey = api.build(settings, ["05-02"], 2026, unit="QLCN", copies=3)[0]
    register = api.build(settings, ["05-01"], 2026, pages=2)[0]
    return {"settings": settings, "survey": survey, "register": register}
