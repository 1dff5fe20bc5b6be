"""Importing registers kept in Excel or CSV: headers, dates, bad rows, bad files."""

from __future__ import annotations

import hashlib
import unicodedata
import zipfile
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from formkit.errors import InputError
from formkit.export.register_xlsx import export_register
from formkit.store import open_store

from . import register_kit as reg
from .errors_kit import english, raises_en

OFFICIAL = ["Ngày tháng", "Tên khách hàng", "Nội dung ý kiến phản ánh của    khách hàng",
            "Người tiếp nhận", "Xác nhận của trưởng phòng/đơn vị"]
TODAY = date(2025, 12, 31)


@pytest.fixture
def store(workspace):
    with open_store(workspace) as s:
        yield s


def _xlsx(path: Path, rows: list[list], headers=OFFICIAL, title_rows=True) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    if title_rows:
        ws.append(["SỔ GHI NHẬN Ý KIẾN CỦA KHÁCH HÀNG"])
        ws.append(["NĂM: 2025"])
    ws.append(headers)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_an_official_register_workbook_is_imported_with_every_kind_of_date(store, tmp_path):
    path = _xlsx(tmp_path / "so.xlsx", [
        ["(1)", "(2)", "(3)", "(4)", "(5)"],
        [datetime(2025, 1, 6), "Công ty Hoa Sen", "Hồ sơ trả kết quả trễ hạn", "Lan", "Đã xem"],
        ["7/2/2025", "Ông Phạm Văn Hùng", "Cán bộ thái độ cáu gắt", "Minh", None],
        ["2025-03-08", "", "Thu phí cao", "Lan", None],
        [45730, "Bà Đỗ Thị Mai", "Cảm ơn cán bộ tận tình", "Lan", None],
        [None, None, None, None, None],
    ])
    before = _sha(path)
    report = reg.import_register(store, path, today=TODAY)
    assert (report.added, report.duplicates, report.problems) == (4, 0, [])
    entries = reg.list_entries(store)
    assert [e.entry_date for e in entries] == [date(2025, 1, 6), date(2025, 2, 7),
                                               date(2025, 3, 8), date(2025, 3, 14)]
    assert [e.group for e in entries] == ["5", "3", "7", "11"]
    assert entries[0].confirmation == "Đã xem" and entries[0].receiver == "Lan"
    assert entries[0].import_file == "so.xlsx" and entries[0].import_row == 5
    assert {e.source for e in entries} == {"khieu_nai"}
    assert _sha(path) == before  # the input is only read


def test_a_header_repeated_on_a_later_page_is_not_a_bad_row(store, tmp_path):
    path = _xlsx(tmp_path / "hai_trang.xlsx", [["06/01/2025", "An", "Hồ sơ chậm", "Lan", ""],
                                               OFFICIAL,
                                               ["07/01/2025", "Bình", "Phí cao", "Lan", ""]])
    assert reg.import_register(store, path, today=TODAY).added == 2


def test_importing_the_same_file_again_adds_nothing(store, tmp_path):
    path = _xlsx(tmp_path / "so.xlsx", [["06/01/2025", "An", "Hồ sơ chậm", "Lan", ""],
                                        ["07/01/2025", "Bình", "Thủ tục rườm rà", "Lan", ""]])
    assert reg.import_register(store, path, today=TODAY).added == 2
    again = reg.import_register(store, path, today=TODAY)
    assert (again.added, again.duplicates) == (0, 2)
    assert len(reg.list_entries(store)) == 2


def test_short_headers_any_case_and_optional_columns_are_recognised(store, tmp_path):
    headers = ["STT", "NGÀY", "khach hang", "Nội dung", "Nguồn", "Đơn vị", "Tình trạng",
               "Nhóm ý kiến"]
    path = _xlsx(tmp_path / "ngan.xlsx", [
        [1, "06/01/2025", "An", "Phản ánh trên báo", "báo chí", "Phòng Quản lý Công nghiệp",
         "Đã xử lý", ""],
        [2, "07/01/2025", "Bình", "Hồ sơ chậm", "Sổ tiếp dân", "VP", "", "Quy định, chính sách"],
    ], headers=headers, title_rows=False)
    reg.import_register(store, path, today=TODAY)
    a, b = reg.list_entries(store)
    assert (a.source, a.unit, a.status) == ("truyen_thong", "QLCN", "handled")
    assert (b.source, b.unit, b.status, b.group_override) == ("tiep_dan", "VP", "pending", "10")


def test_a_file_with_bad_rows_imports_nothing_and_names_each_row(store, tmp_path):
    path = _xlsx(tmp_path / "loi.xlsx", [
        ["06/01/2025", "An", "Tốt", "Lan", ""],
        ["31/02/2025", "Bình", "Sai ngày", "Lan", ""],
        ["07/01/2025", "Chi", "", "Lan", ""],
        ["08/01/2030", "Dũng", "Ngày tương lai", "Lan", ""],
        ["09/01/1999", "Em", "Ngày quá cũ", "Lan", ""],
    ])
    with pytest.raises(reg.RegisterImportError) as err:
        reg.import_register(store, path, today=TODAY)
    rows = {p.row: p.reason for p in err.value.problems}
    assert set(rows) == {5, 6, 7, 8}
    assert "not a real date" in rows[5]
    assert "content" in rows[6]
    assert "future" in rows[7] and "before 2000" in rows[8]
    assert "row 5:" in english(err.value) and "--skip-bad" in english(err.value)
    assert reg.list_entries(store) == []

    report = reg.import_register(store, path, skip_bad=True, today=TODAY)
    assert (report.added, report.skipped_bad) == (1, 4)
    assert [e.customer for e in reg.list_entries(store)] == ["An"]


def test_unknown_source_unit_or_status_is_a_bad_row_with_the_accepted_values(store, tmp_path):
    path = _xlsx(tmp_path / "nguon.xlsx", [["06/01/2025", "An", "Nội dung", "Lan", "", "Zalo",
                                            "Phòng X", "có lẽ"]],
                 headers=[*OFFICIAL, "Nguồn", "Đơn vị", "Tình trạng"])
    with pytest.raises(reg.RegisterImportError) as err:
        reg.import_register(store, path, today=TODAY)
    reason = err.value.problems[0].reason
    assert "Unknown source 'Zalo'" in reason and "tiep_dan" in reason
    assert "Unknown unit 'Phòng X'" in reason and "QLCN" in reason
    assert "Unknown status" in reason


def test_a_workbook_that_is_not_a_register_says_which_headers_were_expected(store, tmp_path):
    path = _xlsx(tmp_path / "luong.xlsx", [["An", 5_000_000]], headers=["Họ tên", "Lương"])
    with pytest.raises(InputError) as err:
        reg.import_register(store, path)
    text = english(err.value)
    assert "does not look like a register" in text
    assert "“Ngày tháng”" in text and "“Nội dung ý kiến phản ánh của khách hàng”" in text


def _windows_1258(text: str) -> bytes:
    """Encode as Excel on Vietnamese Windows does: vowels with their hat/horn/breve, tone
    marks as separate combining characters."""
    tones = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
    out = b""
    for ch in text:
        decomposed = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in tones))
        out += base.encode("cp1258") + "".join(c for c in decomposed if c in tones) \
            .encode("cp1258")
    return out


def test_csv_with_semicolons_in_windows_1258_is_read(store, tmp_path):
    text = ("Ngày tháng;Tên khách hàng;Nội dung;Người tiếp nhận\n"
            "06/01/2025;Nguyễn Văn Ất;Hồ sơ trả chậm;Lan\n")
    path = tmp_path / "so.csv"
    path.write_bytes(_windows_1258(text))
    report = reg.import_register(store, path, today=TODAY)
    assert report.added == 1
    entry = reg.list_entries(store)[0]
    assert entry.customer == "Nguyễn Văn Ất"  # composed (NFC) again after cp1258
    assert (entry.content, entry.receiver) == ("Hồ sơ trả chậm", "Lan")


def test_csv_utf8_with_bom_and_commas_is_read(store, tmp_path):
    path = tmp_path / "so.csv"
    path.write_text("\ufeffNgày tháng,Tên khách hàng,\"Nội dung ý kiến phản ánh của khách "
                    "hàng\"\n2025-01-06,An,\"Chậm, trễ hạn\"\n", encoding="utf-8")
    assert reg.import_register(store, path, today=TODAY).added == 1
    assert reg.list_entries(store)[0].content == "Chậm, trễ hạn"


def test_a_damaged_workbook_is_refused_with_what_to_do(store, tmp_path):
    good = _xlsx(tmp_path / "good.xlsx", [["06/01/2025", "An", "Nội dung", "Lan", ""]])
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(good.read_bytes()[:900])
    with raises_en(InputError, "damaged") as err:
        reg.import_register(store, broken)
    assert "save it again" in english(err.value)
    not_zip = tmp_path / "text.xlsx"
    not_zip.write_text("hello", encoding="utf-8")
    with raises_en(InputError, "damaged"):
        reg.import_register(store, not_zip)


def test_a_workbook_whose_parts_are_broken_is_refused(store, tmp_path):
    path = tmp_path / "parts.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<not really xml")
    with raises_en(InputError, "cannot be opened as a workbook"):
        reg.import_register(store, path)


def _ole(path: Path, streams: list[str]) -> Path:
    """The parts of an Office binary (OLE compound) file that formkit looks at: the file
    signature and the directory entry names (UTF-16). An encrypted .xlsx is such a file
    with the streams EncryptionInfo and EncryptedPackage."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    directory = b"".join(name.encode("utf-16-le").ljust(64, b"\0") + bytes(64)
                         for name in ["Root Entry", *streams])
    path.write_bytes(header + directory.ljust(1024, b"\0"))
    return path


def test_a_password_protected_workbook_is_refused_with_how_to_remove_the_password(
        store, tmp_path):
    path = _ole(tmp_path / "matkhau.xlsx", ["EncryptionInfo", "EncryptedPackage"])
    before = _sha(path)
    with raises_en(InputError, "password") as err:
        reg.import_register(store, path)
    assert "remove the password" in english(err.value)
    assert _sha(path) == before


def test_an_old_xls_file_is_refused_with_save_as_xlsx(store, tmp_path):
    path = _ole(tmp_path / "cu.xls", ["Workbook", "\x05SummaryInformation"])
    with raises_en(InputError, "97–2003") as err:
        reg.import_register(store, path)
    assert "save it as .xlsx" in english(err.value)


def test_an_ods_file_is_refused_with_save_as_xlsx(store, tmp_path):
    path = tmp_path / "so.ods"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", "<office:document-content/>")
    with raises_en(InputError, "OpenDocument"):
        reg.import_register(store, path)


def test_a_missing_file_is_an_input_error(store, tmp_path):
    with raises_en(InputError, "not found"):
        reg.import_register(store, tmp_path / "khong_co.xlsx")


def test_an_exported_register_imports_back_into_a_new_workspace_unchanged(workspace, tmp_path):
    from tests.conftest import make_workspace

    with open_store(workspace) as store:
        reg.add_entry(store, entry_date="06/01/2025", content="Hồ sơ trả chậm",
                      customer="Công ty Hoa Sen", receiver="Lan", unit="VP",
                      source="tiep_dan", status="handled")
        e = reg.add_entry(store, entry_date="07/01/2025", content="=1+1 không phải công thức",
                          customer="-Ẩn danh-", unit="QLCN")
        reg.set_group(store, e.id, "10")
        path = export_register(workspace, 2025, store=store)
        original = [(x.entry_date, x.customer, x.content, x.receiver, x.unit, x.source,
                     x.status, x.group) for x in reg.list_entries(store)]
    other = make_workspace(tmp_path / "other")
    with open_store(other) as store:
        report = reg.import_register(store, path)
        assert report.added == 2
        copied = [(x.entry_date, x.customer, x.content, x.receiver, x.unit, x.source,
                   x.status, x.group) for x in reg.list_entries(store)]
    assert copied == original
