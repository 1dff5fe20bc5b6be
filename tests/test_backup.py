"""`formkit backup` / `formkit restore` round trip, on SQLite and PostgreSQL: what was
stored at the backup comes back, later changes go, and the database as it was just before
the restore is kept in its own backup."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from formkit.errors import FormkitError
from formkit.store import open_store
from formkit.store.backup import restore

from . import register_kit as reg
from .records_helpers import make_sheet, report_for


def _formkit(ws: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "formkit.cli", *args, "--workspace", str(ws)],
                          capture_output=True, text=True, env={**os.environ, "COLUMNS": "200"},
                          timeout=300)


def _customers(workspace) -> list[str]:
    with open_store(workspace) as store:
        return sorted(e.customer for e in reg.list_entries(store))


def test_backup_then_restore_brings_back_the_records_of_the_backup(workspace, tmp_path):
    sheets = [make_sheet(i) for i in range(1, 4)]
    with open_store(workspace) as store:
        store.save_batch(report_for(sheets), sheets)
        reg.add_entry(store, entry_date="05/05/2025", customer="Trần Thị Bình",
                      content="Hồ sơ trả đúng hẹn")
    target = tmp_path / "sao_luu" / ("formkit.db" if workspace.database_url.startswith(
        "sqlite") else "formkit.dump")
    done = _formkit(workspace.workspace, "backup", "--out", str(target))
    assert done.returncode == 0, done.stdout + done.stderr
    assert target.is_file() and target.stat().st_size > 0
    assert not list(target.parent.glob("*.part"))
    again = _formkit(workspace.workspace, "backup", "--out", str(target))
    assert again.returncode != 0 and "không bao giờ ghi đè" in again.stdout + again.stderr

    with open_store(workspace) as store:  # changes after the backup
        reg.add_entry(store, entry_date="06/05/2025", customer="Lê Văn Cường",
                      content="Phản ánh sau bản sao lưu")
    assert _customers(workspace) == ["Lê Văn Cường", "Trần Thị Bình"]

    done = _formkit(workspace.workspace, "restore", str(target), "--yes")
    assert done.returncode == 0, done.stdout + done.stderr
    assert _customers(workspace) == ["Trần Thị Bình"]
    with open_store(workspace) as store:
        assert len(store.sheets()) == 3
        reg.add_entry(store, entry_date="07/05/2025", customer="Phạm An",
                      content="Sau khi khôi phục")  # the restored database is writable
    # the database as it was just before the restore: its own backup
    befores = sorted((workspace.workspace / "backups").glob("*before-restore*"))
    assert len(befores) == 1
    restore(workspace, befores[0])
    assert _customers(workspace) == ["Lê Văn Cường", "Trần Thị Bình"]


def test_restore_refuses_a_file_that_is_not_a_backup_and_changes_nothing(workspace, tmp_path):
    with open_store(workspace) as store:
        reg.add_entry(store, entry_date="05/05/2025", customer="Trần Thị Bình",
                      content="Hồ sơ trả đúng hẹn")
    junk = tmp_path / "not_a_backup.db"
    junk.write_bytes(b"this is not a database " * 100)
    with pytest.raises(FormkitError):
        restore(workspace, junk)
    assert _customers(workspace) == ["Trần Thị Bình"]
