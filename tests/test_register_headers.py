"""Register import: headers matched tolerantly with the mapping shown, an explicit
--columns override, formula cells reported by row (never imported silently)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from formkit.store import open_store

from . import register_kit as reg
from .errors_kit import english, raises_en


@pytest.fixture
def store(workspace):
    with open_store(workspace) as s:
        yield s


def _csv(path: Path, header: str, rows: list[str], encoding: str = "utf-8") -> Path:
    path.write_text("\n".join([header, *rows]) + "\n", encoding=encoding)
    return path


@pytest.mark.parametrize("header", [
    "Ngày,Khách hàng,Nội dung",
    "Ngày,Khách hàng,Nội dung ý kiến",
    "Ngày tháng,Tên khách hàng,Nội dung ý kiến phản ánh",
    "  NGÀY  ,  khách   HÀNG ,NOI DUNG Y KIEN PHAN ANH CUA",
    "Ngay thang nam,Ho va ten,Noi dung y kien phan anh (neu co)",
])
def test_shortened_and_unaccented_headers_are_recognised(store, tmp_path, header):
    path = _csv(tmp_path / "so.csv", header, ["05/01/2026,Nguyễn Văn An,Hồ sơ trả chậm"])
    report = reg.import_register(store, path)
    assert report.added == 1
    assert set(report.mapping) == {"ngay", "khach_hang", "noi_dung"}
    assert report.mapping["noi_dung"].startswith("C")
    (entry,) = reg.list_entries(store)
    assert (entry.customer, entry.content) == ("Nguyễn Văn An", "Hồ sơ trả chậm")


def test_nfd_header_with_semicolons_and_a_bom_is_recognised(store, tmp_path):
    import unicodedata

    header = unicodedata.normalize("NFD", "Ngày;Khách hàng;Nội dung ý kiến phản ánh")
    path = tmp_path / "so.csv"
    path.write_bytes(b"\xef\xbb\xbf" + (header + "\n05/01/2026;An;Chậm\n").encode())
    assert reg.import_register(store, path).added == 1


def test_columns_override_takes_unnamed_columns_and_the_mapping_is_shown(store, tmp_path):
    path = _csv(tmp_path / "so.csv", "A1,B1,C1,D1", ["05/01/2026,x,Nguyễn Văn An,Chậm quá"])
    with raises_en(Exception, "does not look like a register"):
        reg.import_register(store, path)
    report = reg.import_register(store, path, columns="ngay=A,khach_hang=C,noi_dung=D1")
    assert report.added == 1
    assert report.mapping == {"ngay": "A “A1”", "khach_hang": "C “C1”",
                              "noi_dung": "D “D1”"}
    with raises_en(Exception, "COLUMN=WHERE"):
        reg.import_register(store, path, columns="ngày=A")


def test_bad_rows_are_named_by_their_row_number(store, tmp_path):
    path = _csv(tmp_path / "so.csv", "Sổ ghi nhận ý kiến năm 2026\nNgày,Khách hàng,Nội dung",
                ["05/01/2026,An,Chậm", "31/02/2026,Bình,Sai hẹn", ",,", "hôm qua,Chi,Thiếu"])
    with pytest.raises(reg.RegisterImportError) as err:
        reg.import_register(store, path)
    assert [p.row for p in err.value.problems] == [4, 6]
    assert "row 4:" in english(err.value) and "row 6:" in english(err.value)
    assert "Columns: ngay ← A “Ngày”" in english(err.value)
    assert "Cột: ngay ← A “Ngày”" in err.value.message  # the Vietnamese a person reads


def test_register_import_cli_shows_the_column_mapping(workspace, tmp_path):
    path = _csv(tmp_path / "so.csv", "Ngày,Khách hàng,Nội dung ý kiến phản ánh",
                ["05/01/2026,An,Chậm"])
    done = subprocess.run([sys.executable, "-m", "formkit.cli", "register", "import",
                           str(path), "-w", str(workspace.workspace)], capture_output=True,
                          text=True, env={**os.environ, "COLUMNS": "250"})
    assert done.returncode == 0, done.stdout + done.stderr
    assert "noi_dung ← C “Nội dung ý kiến phản ánh”" in done.stdout


def test_formula_cells_saved_by_libreoffice_are_reported_by_row_not_imported(store, tmp_path):
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice not installed")
    wb = Workbook()
    ws = wb.active
    ws.append(["Ngày", "Khách hàng", "Nội dung"])
    ws.append(["05/01/2026", "An", "Hồ sơ trả chậm"])
    ws.append(["06/01/2026", "Bình", '=HYPERLINK("http://x.vn","bấm vào đây")'])
    ws.append(["07/01/2026", '=1/0', "Thái độ chưa tốt"])
    ws.append(["08/01/2026", "Chi", "Tốt"])
    raw = tmp_path / "raw.xlsx"
    wb.save(raw)
    # LibreOffice computes the formulas and stores their results, as Excel does
    out = tmp_path / "lo"
    with tempfile.TemporaryDirectory(prefix="formkit-lo-test-") as profile:
        subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless",
                        "--convert-to", "xlsx", "--outdir", str(out), str(raw)],
                       capture_output=True, timeout=120, env={**os.environ, "HOME": profile})
    saved = out / "raw.xlsx"
    assert saved.is_file()
    with pytest.raises(reg.RegisterImportError) as err:
        reg.import_register(store, saved)
    assert [p.row for p in err.value.problems] == [3, 4]
    assert "cell C3 holds a formula (=HYPERLINK" in err.value.message
    assert "cell B4 holds a formula" in err.value.message
    report = reg.import_register(store, saved, skip_bad=True)
    assert report.added == 2
    assert sorted(e.content for e in reg.list_entries(store)) == ["Hồ sơ trả chậm", "Tốt"]
