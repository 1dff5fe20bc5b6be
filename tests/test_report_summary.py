"""The summary workbook: one sheet per table, numbers as numbers, charts, frozen headers."""

from __future__ import annotations

from datetime import date

import pytest
from openpyxl import load_workbook

from formkit.analyze.tallies import tally_year
from formkit.export.summary_xlsx import SHEETS, write_summary
from tests.eval_helpers import feedback, many, scheme

Q1, Q2, P1 = date(2026, 2, 10), date(2026, 5, 10), date(2025, 2, 10)


@pytest.fixture
def book(workspace, tmp_path):
    records = (many(45, Q1, "tot") + many(5, Q1, "chua_dat") + many(20, Q2, "dat")
               + many(5, Q2, "tot", channel="google_forms")
               + many(35, P1, "tot") + many(15, P1, "chua_dat"))
    fb = [feedback(Q1, "3"), feedback(Q2, "5", handled=False), feedback(P1, "3")]
    t = tally_year(2026, records, scheme(), fb, issued=100)
    path = write_summary(workspace, 2026, t, tmp_path / "tong_hop.xlsx")
    return load_workbook(path), t


def test_every_table_has_its_vietnamese_sheet(book):
    wb, _t = book
    assert wb.sheetnames == list(SHEETS.values())
    assert all(len(n) <= 31 for n in wb.sheetnames)
    for ws in wb:
        assert ws.freeze_panes == "B4"  # title, note, header frozen


def test_criteria_sheet_holds_numbers_with_percentage_formats(book):
    wb, t = book
    ws = wb["Theo tiêu chí"]
    header = [c.value for c in ws[3]]
    assert header[:3] == ["Câu hỏi", "Tiêu chí", "Tốt"]
    row = [c for c in ws[4]]
    c = t.current.criteria[0]
    assert row[1].value == "Thái độ giao tiếp"
    assert row[2].value == c.tot and isinstance(row[2].value, int)
    assert row[3].value == pytest.approx(c.share("tot")) and row[3].number_format == "0.0%"
    rate_col = header.index("Tỷ lệ hài lòng")
    assert row[rate_col].value == pytest.approx(c.rate)
    assert row[rate_col].number_format == "0.0%"
    assert len(ws._charts) == 1


def test_same_period_sheet_compares_quarters_with_the_named_test(book):
    wb, t = book
    ws = wb["Cùng kỳ"]
    q1 = [c.value for c in ws[4]]
    assert q1[0] == "Quý I"
    assert q1[2] == pytest.approx(t.quarters[0].current.index)
    assert q1[6] == pytest.approx(t.quarters[0].previous.index)
    assert q1[9] == pytest.approx(t.quarters[0].year_on_year.points)
    assert q1[11] == "Tăng có ý nghĩa"
    assert "kiểm định z hai tỷ lệ" in ws["A2"].value
    assert len(ws._charts) == 1


def test_summary_sheet_has_response_rate_and_index(book):
    wb, t = book
    ws = wb["Tổng hợp"]
    values = {ws.cell(r, 1).value: ws.cell(r, 2) for r in range(4, ws.max_row + 1)}
    assert values["Tỷ lệ phản hồi (phiếu giấy)"].value == pytest.approx(0.70)
    assert values["Tỷ lệ phản hồi (phiếu giấy)"].number_format == "0.0%"
    assert values["Chỉ số hài lòng chung"].value == pytest.approx(t.current.index)


def test_feedback_and_channel_sheets(book):
    wb, _t = book
    ws = wb["Phản ánh theo nhóm"]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=4, max_row=ws.max_row)]
    assert rows[-1][1] == "Cộng" and rows[-1][2] == 2 and rows[-1][4] == 1
    kinds = [r[0] for r in wb["Kênh"].iter_rows(min_row=4, values_only=True)]
    assert kinds == ["Phiếu giấy", "Google Forms"]
    assert wb["Đề xuất"].max_row >= 4  # the unhandled feedback gives a proposal
