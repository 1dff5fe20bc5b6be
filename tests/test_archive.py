"""Sealed yearly archive: manifest, verification, retention dates and disposal."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest
from docx import Document

from formkit.archive import dispose, dispose_from, retain_until, retention_status, seal, verify
from formkit.archive.manifest import MANIFEST, sha256_file
from formkit.errors import InputError, RefusedError


@pytest.fixture
def inputs(tmp_path: Path) -> dict[str, list[Path]]:
    src = tmp_path / "inputs"
    scans = src / "scans"
    scans.mkdir(parents=True)
    for i in range(3):
        (scans / f"trang_{i}.png").write_bytes(bytes([i]) * 2048)
    files = {
        "register": [src / "BM.QT.SCT.05-01_2026.xlsx"],
        "summary": [src / "tong_hop_khao_sat_2026.xlsx"],
        "report": [src / "bao_cao_hai_long_2026.pdf"],
        "sheets": [src / "phieu_khao_sat_2026.csv"],
        "scans": [scans],
    }
    for cat, paths in files.items():
        for p in paths:
            if not p.exists():
                p.write_text(f"{cat} – Công ty TNHH Minh Phát", encoding="utf-8")
    return files


def snapshot(files: dict[str, list[Path]]) -> dict[str, str]:
    out = {}
    for paths in files.values():
        for p in paths:
            for f in ([p] if p.is_file() else sorted(p.rglob("*"))):
                out[str(f)] = sha256_file(f)
    return out


def test_retention_dates_follow_the_domain_rule():
    # "a 2026 register is due for disposal from 1 January 2030" (3 years)
    assert retain_until(2026, 3) == date(2029, 12, 31)
    assert dispose_from(2026, 3) == date(2030, 1, 1)


def test_seal_copies_files_and_writes_manifest_without_touching_inputs(workspace, inputs):
    before = snapshot(inputs)
    folder = seal(workspace, 2026, inputs, now=datetime(2027, 1, 10, 8, 0))
    assert folder == workspace.exports_dir / "2026" / "archive"
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["year"] == 2026
    assert manifest["retain_until"] == "2029-12-31"
    assert manifest["dispose_from"] == "2030-01-01"
    assert manifest["sealed_at"].startswith("2027-01-10T08:00")
    entries = {e["path"]: e for e in manifest["files"]}
    assert len(entries) == 7
    scan = entries["scans/scans/trang_1.png"]
    assert scan["size"] == 2048 and scan["personal"] is True
    assert scan["sha256"] == sha256_file(folder / "scans/scans/trang_1.png")
    assert entries["summary/tong_hop_khao_sat_2026.xlsx"]["personal"] is False
    assert snapshot(inputs) == before
    assert verify(folder).ok


def test_verify_detects_one_changed_byte(workspace, inputs):
    folder = seal(workspace, 2026, inputs)
    target = folder / "scans/scans/trang_2.png"
    data = bytearray(target.read_bytes())
    data[1000] ^= 0x01  # same size, one bit of one byte
    target.write_bytes(bytes(data))
    rep = verify(folder)
    assert not rep.ok
    assert rep.changed == ["scans/scans/trang_2.png"]
    assert rep.missing == [] and rep.added == []


def test_verify_detects_missing_and_added_files(workspace, inputs):
    folder = seal(workspace, 2026, inputs)
    (folder / "register/BM.QT.SCT.05-01_2026.xlsx").unlink()
    (folder / "scans/extra.png").write_bytes(b"x")
    rep = verify(folder / MANIFEST)  # the manifest path works as well as the folder
    assert rep.missing == ["register/BM.QT.SCT.05-01_2026.xlsx"]
    assert rep.added == ["scans/extra.png"]
    assert rep.changed == []


def test_seal_refuses_missing_inputs_and_writes_nothing(workspace, inputs, tmp_path):
    inputs["review"] = [tmp_path / "khong_co.xlsx"]
    with pytest.raises(InputError, match="khong_co.xlsx"):
        seal(workspace, 2026, inputs)
    assert not (workspace.exports_dir / "2026" / "archive").exists()


def test_sealing_twice_is_refused_unless_replaced(workspace, inputs):
    seal(workspace, 2026, inputs)
    with pytest.raises(RefusedError) as err:
        seal(workspace, 2026, inputs)
    assert err.value.code == "error.archive.already_sealed"
    assert "đã được niêm phong" in err.value.message and "--replace" in err.value.hint
    folder = seal(workspace, 2026, inputs, replace=True)
    assert verify(folder).ok


def test_two_inputs_with_one_name_are_both_kept(workspace, inputs, tmp_path):
    other = tmp_path / "b"
    other.mkdir()
    (other / "BM.QT.SCT.05-01_2026.xlsx").write_text("khác", encoding="utf-8")
    inputs["register"].append(other / "BM.QT.SCT.05-01_2026.xlsx")
    folder = seal(workspace, 2026, inputs)
    assert (folder / "register/BM.QT.SCT.05-01_2026__2.xlsx").read_text(encoding="utf-8") == "khác"


def test_retention_status_lists_what_is_due(workspace, inputs):
    seal(workspace, 2026, inputs)
    (entry,) = retention_status(workspace, date(2029, 12, 31))
    assert entry.year == 2026 and not entry.due and entry.files == 7
    assert entry.personal_files == 5
    (entry,) = retention_status(workspace, date(2030, 1, 1))
    assert entry.due


def test_disposal_is_refused_before_the_date(workspace, inputs):
    seal(workspace, 2026, inputs)
    calls = []
    with pytest.raises(RefusedError, match="01/01/2030"):
        dispose(workspace, 2026, "2026", date(2029, 12, 31), anonymize=calls.append)
    assert calls == []
    assert verify(workspace.exports_dir / "2026" / "archive").ok


def test_disposal_is_refused_without_the_year_typed_again(workspace, inputs):
    seal(workspace, 2026, inputs)
    calls = []
    for wrong in ("", "yes", "2025"):
        with pytest.raises(RefusedError, match="gõ lại năm"):
            dispose(workspace, 2026, wrong, date(2030, 1, 1), anonymize=calls.append)
    assert calls == []
    with pytest.raises(RefusedError, match="bộ ẩn danh"):
        dispose(workspace, 2026, "2026", date(2030, 1, 1), anonymize=None)


def test_disposal_removes_personal_files_anonymizes_and_writes_a_record(workspace, inputs):
    before = snapshot(inputs)
    folder = seal(workspace, 2026, inputs)
    calls = []

    def anonymize(year: int) -> dict[str, int]:
        calls.append(year)
        return {"sheets": 3}

    res = dispose(workspace, 2026, " 2026 ", date(2030, 1, 1), anonymize=anonymize,
                  operator="Trần Thị B", now=datetime(2030, 1, 2, 9, 30))
    assert calls == [2026]
    assert {e["category"] for e in res.removed} == {"register", "sheets", "scans"}
    assert not (folder / "scans").exists() and not (folder / "register").exists()
    assert (folder / "summary/tong_hop_khao_sat_2026.xlsx").exists()
    assert (folder / "report/bao_cao_hai_long_2026.pdf").exists()
    # inputs outside the archive are left alone (and listed as still present)
    assert snapshot(inputs) == before
    assert len(res.sources_left) == 5
    # the record lists what was destroyed: names, counts, hashes
    text = "\n".join(p.text for p in Document(str(res.record)).paragraphs)
    cells = "\n".join(c.text for t in Document(str(res.record)).tables
                      for r in t.rows for c in r.cells)
    assert "BIÊN BẢN" in text and "Hủy hồ sơ hết thời hạn lưu trữ năm 2026" in text
    assert "Đắk Lắk, ngày 02 tháng 01 năm 2030" in cells
    assert "trang_1.png" in cells and res.removed[0]["sha256"] in cells
    assert "Trần Thị B" in text
    record = json.loads(res.record_json.read_text(encoding="utf-8"))
    assert len(record["files"]) == 5 and record["verified_before"] is True
    # the archive still verifies: destroyed files are recorded, the record is expected
    rep = verify(folder)
    assert rep.ok and len(rep.disposed) == 5
    (entry,) = retention_status(workspace, date(2031, 1, 1))
    assert entry.disposed_at and not entry.due
    with pytest.raises(RefusedError, match="đã được hủy"):
        dispose(workspace, 2026, "2026", date(2031, 1, 1), anonymize=anonymize)
    with pytest.raises(RefusedError) as err:
        seal(workspace, 2026, inputs, replace=True)
    assert err.value.code == "error.archive.disposed" and "đã hủy" in err.value.message


def test_disposal_can_remove_unchanged_originals(workspace, inputs):
    # originals inside the workspace only: disposal never deletes another folder's files
    import shutil

    root = inputs["scans"][0].parent
    here = workspace.workspace / "inputs"
    shutil.copytree(root, here)
    inputs = {c: [here / p.relative_to(root) for p in ps] for c, ps in inputs.items()}
    seal(workspace, 2026, inputs)
    changed = inputs["register"][0]
    changed.write_text("sửa sau khi niêm phong", encoding="utf-8")
    res = dispose(workspace, 2026, "2026", date(2030, 1, 1), anonymize=lambda y: None,
                  remove_sources=True)
    assert len(res.sources_removed) == 4  # 3 scans + sheet data
    assert res.sources_left == ["inputs/" + changed.name]  # relative to the workspace
    assert changed.exists()
    assert not any((inputs["scans"][0]).iterdir())


def test_longer_retention_in_settings_postpones_disposal(workspace, inputs):
    seal(workspace, 2026, inputs)
    workspace.retention_years = 5
    with pytest.raises(RefusedError, match="01/01/2032"):
        dispose(workspace, 2026, "2026", date(2030, 6, 1), anonymize=lambda y: None)
