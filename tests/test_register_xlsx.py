"""The register workbook BM.QT.SCT.05-01 of a year."""

from __future__ import annotations

import os
import shutil
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from formkit.errors import OutputError
from formkit.export.register_xlsx import HEADER_ROW, export_register, register_path
from formkit.store import open_store

from . import register_kit as reg

OFFICIAL = ["Ngày tháng", "Tên khách hàng", "Nội dung ý kiến phản ánh của khách hàng",
            "Người tiếp nhận", "Xác nhận của trưởng phòng/đơn vị"]


@pytest.fixture
def filled(workspace):
    with open_store(workspace) as store:
        reg.add_entry(store, entry_date="06/01/2025", customer="Công ty Hoa Sen",
                      content="Hồ sơ trả kết quả trễ hạn", receiver="Nguyễn Lan", unit="VP",
                      source="tiep_dan", status="handled", confirmation="Đã xem")
        reg.add_entry(store, entry_date="07/02/2025", customer="@Ẩn danh",
                      content="=HYPERLINK(\"http://x\",\"bấm\")", unit="QLCN")
        reg.add_entry(store, entry_date="08/03/2025", customer="-", content="+84 905 000 000")
        reg.add_entry(store, entry_date="08/03/2024", customer="Năm trước", content="Cũ")
    return workspace


def _sheet(path):
    wb = openpyxl.load_workbook(path)
    return wb, wb.active


def test_the_workbook_has_the_official_columns_first_then_group_source_unit_status(filled):
    path = export_register(filled, 2025)
    assert path == filled.exports_dir / "2025" / "BM.QT.SCT.05-01_2025.xlsx"
    _wb, ws = _sheet(path)
    headers = [c.value for c in ws[HEADER_ROW]]
    assert headers == [*OFFICIAL, "Nhóm ý kiến", "Nguồn", "Đơn vị", "Tình trạng"]
    assert ws["A2"].value == "SỔ GHI NHẬN Ý KIẾN CỦA KHÁCH HÀNG"
    assert ws["A3"].value == "NĂM: 2025"
    # the issue control prints in the page header of every page
    assert ws.oddHeader.right.text.startswith("BM.QT.SCT.05-01   Lần ban hành:")
    assert ws.title == "Sổ ghi nhận"
    first = [c.value for c in ws[HEADER_ROW + 1]]
    assert first == [datetime(2025, 1, 6), "Công ty Hoa Sen", "Hồ sơ trả kết quả trễ hạn",
                     "Nguyễn Lan", "Đã xem", "Thời gian giải quyết, trả kết quả trễ hạn",
                     "Công tác tiếp dân (Sổ tiếp dân)", "Văn phòng Sở", "Đã xử lý"]
    assert ws.cell(HEADER_ROW + 1, 1).number_format == "DD/MM/YYYY"
    assert ws.max_row == HEADER_ROW + 3  # the 2024 entry is not in the 2025 book


def test_text_that_looks_like_a_formula_is_written_as_text(filled):
    _wb, ws = _sheet(export_register(filled, 2025))
    for row in (HEADER_ROW + 2, HEADER_ROW + 3):
        for col in (2, 3):
            cell = ws.cell(row, col)
            assert cell.data_type == "s", cell.value
            assert cell.quotePrefix
    assert ws.cell(HEADER_ROW + 2, 3).value.startswith("=HYPERLINK")


def test_the_workbook_prints_on_a4_landscape_with_repeated_header_and_page_numbers(filled):
    _wb, ws = _sheet(export_register(filled, 2025))
    assert ws.page_setup.orientation == "landscape"
    assert str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4 == "9"
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert (int(ws.page_setup.fitToWidth), int(ws.page_setup.fitToHeight)) == (1, 0)
    assert ws.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW}"
    assert ws.oddFooter.center.text == "Trang &P/&N"
    assert ws.freeze_panes == f"A{HEADER_ROW + 1}"
    assert ws.auto_filter.ref == f"A{HEADER_ROW}:I{HEADER_ROW + 3}"
    assert ws.cell(HEADER_ROW + 1, 3).alignment.wrap_text
    assert ws.column_dimensions["C"].width > ws.column_dimensions["A"].width
    # rows are tall enough for their wrapped text (LibreOffice does not compute heights)
    assert ws.row_dimensions[HEADER_ROW].height >= 30


def test_a_year_without_entries_still_gets_a_valid_workbook_that_says_so(filled):
    path = export_register(filled, 2023)
    _wb, ws = _sheet(path)
    assert ws["A3"].value == "NĂM: 2023"
    assert ws.cell(HEADER_ROW + 1, 1).value == \
        "Không có ý kiến nào được ghi nhận trong năm 2023."


def test_a_save_that_fails_midway_keeps_the_previous_book_and_leaves_no_partial_file(
        filled, monkeypatch):
    path = export_register(filled, 2025)
    before = path.read_bytes()

    def disk_full(self, filename):
        Path(filename).write_bytes(b"PK\x03\x04 half")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(openpyxl.Workbook, "save", disk_full)
    with pytest.raises(OutputError, match="No space left"):
        export_register(filled, 2025)
    assert path.read_bytes() == before
    assert [p.name for p in path.parent.iterdir()] == [path.name]


def test_a_folder_in_place_of_the_workbook_is_an_output_error(filled):
    register_path(filled, 2022).mkdir(parents=True)
    with pytest.raises(OutputError) as err:
        export_register(filled, 2022)
    assert err.value.code == "error.export.write" and "Không ghi được" in err.value.message


def test_the_register_path_follows_the_configured_form_code(filled):
    filled.form_codes["05-01"] = "BM.QT.SYT.07-01"
    assert register_path(filled, 2026).name == "BM.QT.SYT.07-01_2026.xlsx"


@pytest.mark.slow
def test_libreoffice_opens_the_workbook_and_prints_it(filled, tmp_path):
    from formkit._exec.soffice import convert_to_pdf

    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice not installed (run `make setup`)")
    program = Path(os.path.realpath(soffice)).parent
    if program.name == "program" and not any(program.glob("libscfiltlo*")):
        pytest.skip("LibreOffice Calc is not installed (Debian: libreoffice-calc-nogui); "
                    "run `make setup`")
    pdfplumber = pytest.importorskip("pdfplumber")
    paths = [export_register(filled, 2025), export_register(filled, 2023)]
    pdfs = convert_to_pdf(paths, tmp_path / "pdf")
    with pdfplumber.open(pdfs[0]) as pdf:
        assert len(pdf.pages) == 1
        page = pdf.pages[0]
        assert page.width > page.height  # landscape
        text = page.extract_text()
    assert "SỔ GHI NHẬN Ý KIẾN CỦA KHÁCH HÀNG" in text and "NĂM: 2025" in text
    assert "Công ty Hoa Sen" in text and "=HYPERLINK" in text and "Trang 1/1" in text
    with pdfplumber.open(pdfs[1]) as pdf:
        assert "Không có ý kiến nào được ghi nhận trong năm 2023." in pdf.pages[0].extract_text()
