"""Tampering with a sealed archive is detected and named; disposal acts only inside its own
workspace."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest

from formkit.archive import dispose, seal, verify
from formkit.archive.manifest import DISPOSAL, MANIFEST
from formkit.config import load_settings
from formkit.errors import RefusedError

from .conftest import make_workspace


@pytest.fixture
def sealed(tmp_path: Path):
    settings = make_workspace(tmp_path / "ws")
    src = settings.workspace / "scans" / "2026"
    src.mkdir(parents=True)
    for i in range(3):
        (src / f"trang_{i}.png").write_bytes(bytes([i + 1]) * 4096)
    reg = settings.workspace / "so_2026.csv"
    reg.write_text("Ngày,Khách hàng\n05/01/2026,Nguyễn Văn An\n", encoding="utf-8")
    summary = settings.workspace / "tong_hop_2026.xlsx"
    summary.write_bytes(b"summary")
    folder = seal(settings, 2026, {"scans": [src], "register": [reg], "summary": [summary]},
                  now=datetime(2027, 1, 10, 8, 0))
    assert verify(folder, settings).ok
    return settings, folder


def _manifest(folder: Path) -> dict:
    return json.loads((folder / MANIFEST).read_text(encoding="utf-8"))


def _write_manifest(folder: Path, data: dict) -> None:
    (folder / MANIFEST).write_text(json.dumps(data, ensure_ascii=False, indent=2),
                                   encoding="utf-8")


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_a_file_edited_together_with_its_manifest_hash_is_detected(sealed):
    settings, folder = sealed
    target = folder / "register" / "so_2026.csv"
    new = "Ngày,Khách hàng\n05/01/2026,Người Khác\n".encode()
    target.write_bytes(new)
    m = _manifest(folder)
    for e in m["files"]:
        if e["path"] == "register/so_2026.csv":
            e["sha256"], e["size"] = _sha(new), len(new)
    _write_manifest(folder, m)
    rep = verify(folder, settings)
    assert not rep.ok and rep.signed is False
    assert "register/so_2026.csv" in rep.changed  # checked against the sealed copy
    assert any("register/so_2026.csv: size, sha256 changed" in p for p in rep.problems)


def test_a_file_replaced_with_chain_and_hash_recomputed_is_still_detected(sealed):
    from formkit.archive import signing

    settings, folder = sealed
    target = folder / "scans" / "2026" / "trang_1.png"
    new = b"\x09" * 4096  # same size
    target.write_bytes(new)
    m = _manifest(folder)
    for e in m["files"]:
        if e["path"] == "scans/2026/trang_1.png":
            e["sha256"] = _sha(new)
    for e, link in zip(m["files"], signing.chain(m["files"]), strict=True):
        e["chain"] = link  # the forger even rebuilds the chain
    m["chain_head"] = m["files"][-1]["chain"]
    _write_manifest(folder, m)
    rep = verify(folder, settings)
    assert not rep.ok
    assert rep.changed == ["scans/2026/trang_1.png"]
    assert any("signature does not match" in p for p in rep.problems)


def test_a_file_deleted_with_its_manifest_entry_is_detected(sealed):
    settings, folder = sealed
    (folder / "scans" / "2026" / "trang_2.png").unlink()
    m = _manifest(folder)
    m["files"] = [e for e in m["files"] if e["path"] != "scans/2026/trang_2.png"]
    _write_manifest(folder, m)
    rep = verify(folder, settings)
    assert not rep.ok
    assert rep.missing == ["scans/2026/trang_2.png"]
    assert any("scans/2026/trang_2.png: entry removed" in p for p in rep.problems)


def test_a_forged_disposal_record_for_a_year_not_yet_due_is_detected(sealed):
    settings, folder = sealed
    victim = folder / "scans" / "2026" / "trang_0.png"
    entry = next(e for e in _manifest(folder)["files"] if e["path"] == "scans/2026/trang_0.png")
    victim.unlink()
    (folder / DISPOSAL).write_text(json.dumps({
        "year": 2026, "disposed_at": "2027-03-01T09:00:00+07:00", "retention_years": 3,
        "files": [{k: entry[k] for k in ("path", "category", "size", "sha256")}],
        "records": []}), encoding="utf-8")
    rep = verify(folder, settings, today=date(2027, 3, 2))
    assert not rep.ok
    assert rep.disposed == [] and rep.missing == ["scans/2026/trang_0.png"]
    assert any("forged" in p for p in rep.problems)
    assert any("before they were due (2030-01-01)" in p for p in rep.problems)


def test_edited_retention_dates_are_detected_and_disposal_is_refused(sealed):
    settings, folder = sealed
    m = _manifest(folder)
    m["retention_years"], m["retain_until"], m["dispose_from"] = 0, "2026-12-31", "2027-01-01"
    _write_manifest(folder, m)
    rep = verify(folder, settings)
    assert not rep.ok
    assert any("dispose_from changed since sealing: 2030-01-01 → 2027-01-01" in p
               for p in rep.problems)
    with pytest.raises(RefusedError, match="2030"):  # the sealed dates rule
        dispose(settings, 2026, "2026", date(2027, 6, 1), anonymize=lambda y: None)
    assert (folder / "scans" / "2026" / "trang_0.png").is_file()


def test_an_archive_whose_manifest_was_altered_is_not_disposed_of(sealed):
    settings, folder = sealed
    m = _manifest(folder)
    for e in m["files"]:
        e["personal"] = False  # "nothing personal here": would keep every name
    _write_manifest(folder, m)
    with pytest.raises(RefusedError, match="không qua kiểm tra"):
        dispose(settings, 2026, "2026", date(2030, 1, 1), anonymize=lambda y: None)
    assert (folder / "scans" / "2026" / "trang_0.png").is_file()


def test_a_real_disposal_verifies_and_its_signed_record_cannot_be_edited(sealed):
    settings, folder = sealed
    dispose(settings, 2026, "2026", date(2030, 1, 2), anonymize=lambda y: None,
            now=datetime(2030, 1, 2, 9, 0))
    rep = verify(folder, settings)
    assert rep.ok and len(rep.disposed) == 4
    record = json.loads((folder / DISPOSAL).read_text(encoding="utf-8"))
    record["disposed_at"] = "2031-01-01T00:00:00"
    (folder / DISPOSAL).write_text(json.dumps(record), encoding="utf-8")
    assert any("forged" in p for p in verify(folder, settings).problems)


def test_archive_verify_cli_names_the_change_and_exits_9(sealed):
    settings, folder = sealed
    m = _manifest(folder)
    m["files"] = [e for e in m["files"] if e["path"] != "scans/2026/trang_2.png"]
    _write_manifest(folder, m)
    done = subprocess.run([sys.executable, "-m", "formkit.cli", "archive", "verify",
                           str(folder)], capture_output=True, text=True,
                          env={**os.environ, "COLUMNS": "250"}, cwd=settings.workspace)
    assert done.returncode == 9, done.stdout + done.stderr
    assert "trang_2.png: entry removed" in done.stdout
    assert "signature does not match" in done.stdout


def test_manifest_paths_are_relative_and_a_copied_workspace_deletes_only_its_own_files(
        sealed, tmp_path):
    settings, folder = sealed
    m = _manifest(folder)
    assert all(not Path(e["path"]).is_absolute() for e in m["files"])
    assert all(not Path(e["source"]).is_absolute() for e in m["files"])
    copy = tmp_path / "copy"
    shutil.copytree(settings.workspace, copy)
    copy_settings = load_settings(copy)
    res = dispose(copy_settings, 2026, "2026", date(2030, 1, 1), anonymize=lambda y: None,
                  remove_sources=True)
    assert len(res.sources_removed) == 4
    assert not (copy / "scans" / "2026" / "trang_0.png").exists()
    # the original workspace is untouched
    assert sorted(p.name for p in (settings.workspace / "scans" / "2026").iterdir()) == \
        ["trang_0.png", "trang_1.png", "trang_2.png"]
    assert verify(folder, settings).ok


def test_a_legacy_absolute_source_in_another_workspace_is_never_deleted(sealed, tmp_path):
    settings, folder = sealed
    other = tmp_path / "other" / "scan.png"
    other.parent.mkdir()
    other.write_bytes(b"x" * 10)
    copy = tmp_path / "copy2"
    shutil.copytree(settings.workspace, copy)
    cs = load_settings(copy)
    # seal in the copy a file that lies outside it
    seal(cs, 2025, {"scans": [other]})
    res = dispose(cs, 2025, "2025", date(2029, 1, 1), anonymize=lambda y: None,
                  remove_sources=True)
    assert other.is_file() and res.sources_left == [str(other.resolve())]


def test_doctor_verifies_every_sealed_archive_and_names_the_tampering(sealed):
    settings, folder = sealed
    env = {**os.environ, "COLUMNS": "250"}
    cmd = [sys.executable, "-m", "formkit.cli", "doctor", "-w", str(settings.workspace)]
    done = subprocess.run(cmd, capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Lưu trữ năm 2026: 5 tệp khớp" in done.stdout
    m = _manifest(folder)
    m["dispose_from"] = "2027-01-01"
    _write_manifest(folder, m)
    done = subprocess.run(cmd, capture_output=True, text=True, env=env)
    assert done.returncode == 9, done.stdout + done.stderr
    assert "dispose_from changed since sealing" in done.stdout
