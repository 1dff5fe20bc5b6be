"""The annual report (DOCX per Nghị định 30/2020, charts, PDF) and its shared layout pieces."""

from __future__ import annotations

import shutil
from datetime import date

import pytest
from docx import Document
from docx.shared import Mm
from PIL import Image

from formkit.analyze import stats as S
from formkit.analyze.tallies import survey_scheme, tally_year
from formkit.export.report_docx import write_report, write_report_docx
from formkit.render.official import date_line, number_line
from formkit.spec import load_form, template_path
from formkit_dev.synthetic import synthetic_feedback, synthetic_responses
from tests.conftest import make_workspace
from tests.eval_helpers import many, scheme

Q1, P1 = date(2026, 2, 10), date(2025, 2, 10)


def year_tallies(settings, p_tot: float = 0.62, p_dat: float = 0.26):
    spec = load_form(template_path(settings.templates_dir, "05-02"))
    records = (synthetic_responses(2026, 160, p_tot=p_tot, p_dat=p_dat,
                                   channels=(("giay", 0.8), ("google_forms", 0.2)))
               + synthetic_responses(2025, 150, seed=1, p_tot=0.75, p_dat=0.22))
    return tally_year(2026, records, survey_scheme(spec), synthetic_feedback([2025, 2026], 80),
                      issued=200, unit_labels={u.code: u.name for u in settings.units})


def all_text(doc) -> str:
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts += [c.text for c in row.cells]
    return "\n".join(parts)


def test_date_line_has_leading_zeros_for_days_under_10_and_months_1_2():
    assert date_line("Đắk Lắk", date(2026, 1, 5)) == "Đắk Lắk, ngày 05 tháng 01 năm 2026"
    assert date_line("Đắk Lắk", date(2026, 2, 28)) == "Đắk Lắk, ngày 28 tháng 02 năm 2026"
    assert date_line("Đắk Lắk", date(2026, 3, 9)) == "Đắk Lắk, ngày 09 tháng 3 năm 2026"
    assert date_line("Đắk Lắk", date(2026, 12, 15)) == "Đắk Lắk, ngày 15 tháng 12 năm 2026"


def test_number_line_leaves_room_for_the_clerk():
    assert number_line("BC", "SCT", 12) == "Số: 12/BC-SCT"
    blank = number_line("BC", "SCT")
    assert blank.startswith("Số: ") and blank.endswith("/BC-SCT") and len(blank) > 12


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    # one report for the read-only checks below (writing it takes a couple of seconds)
    settings = make_workspace(tmp_path_factory.mktemp("report") / "ws")
    settings.signer_name = "Nguyễn Văn A"
    t = year_tallies(settings)
    res = write_report_docx(settings, 2026, t, settings.exports_dir / "bao_cao.docx",
                            report_date=date(2027, 1, 5))
    return res, Document(str(res.docx)), t


def test_report_page_layout_follows_decree_30(report):
    _res, doc, _t = report
    sec = doc.sections[0]
    assert abs(sec.page_width - Mm(210)) < Mm(0.1) and abs(sec.page_height - Mm(297)) < Mm(0.1)
    def mm(length) -> float:  # DOCX stores twips: 15 mm comes back as 14.99
        return round(length.mm, 1)

    assert 20 <= mm(sec.top_margin) <= 25 and 20 <= mm(sec.bottom_margin) <= 25
    assert 30 <= mm(sec.left_margin) <= 35 and 15 <= mm(sec.right_margin) <= 20
    assert doc.styles["Normal"].font.name == "Times New Roman"
    assert 13 <= doc.styles["Normal"].font.size.pt <= 14
    # page numbers in the top margin, none on page 1
    assert sec.different_first_page_header_footer
    assert "PAGE" in sec.header._element.xml
    assert "PAGE" not in sec.first_page_header._element.xml


def test_report_header_number_date_title_and_signature(report):
    _res, doc, _t = report
    text = all_text(doc)
    for line in ("UBND TỈNH ĐẮK LẮK", "SỞ CÔNG THƯƠNG", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                 "Độc lập - Tự do - Hạnh phúc", "/BC-SCT", "Đắk Lắk, ngày 05 tháng 01 năm 2027",
                 "BÁO CÁO", "KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Nguyễn Văn A", "Nơi nhận:",
                 "- Lưu: VT, Ban ISO."):
        assert line in text, line
    header = doc.tables[0]
    date_run = header.rows[3].cells[1].paragraphs[0].runs[0]
    assert date_run.italic
    headings = [p.text for p in doc.paragraphs if p.runs and p.runs[0].bold]
    for roman in ("I. ", "II. ", "III. ", "IV. "):
        assert any(h.startswith(roman) and h == h.upper() for h in headings), roman


def test_report_quotes_the_index_formula_and_tables_and_sentences(report):
    _res, doc, t = report
    text = all_text(doc)
    assert S.INDEX_FORMULA in text and S.RATE_FORMULA in text
    assert "Thái độ giao tiếp" in text and "Quý IV" in text
    assert "biên sai số" in text
    assert f"{t.current.answered} phiếu" in text or str(t.current.answered) in text
    assert "Phản ánh, kiến nghị theo nhóm ý kiến" in text


def test_report_proposes_corrective_action_for_criteria_over_threshold(report):
    _res, doc, t = report
    text = all_text(doc)
    over = [c for c in t.current.criteria if (c.share("chua_dat") or 0) > 0.10]
    assert over, "the synthetic year should have criteria over the threshold"
    assert "QT.SCT.04" in text
    for c in over:
        assert f"Cải thiện tiêu chí “{c.criterion.label}”" in text


def test_report_without_problems_proposes_to_keep_going(workspace, tmp_path):
    t = tally_year(2026, many(40, Q1, "tot") + many(40, P1, "tot"), scheme())
    res = write_report_docx(workspace, 2026, t, tmp_path / "r.docx", report_date=date(2027, 1, 5))
    text = all_text(Document(str(res.docx)))
    assert "tiếp tục duy trì" in text
    assert "Cải thiện tiêu chí" not in text


def test_report_charts_are_200_dpi_png(report):
    res, _doc, _t = report
    assert len(res.charts) == 2
    for png in res.charts:
        with Image.open(png) as im:
            assert im.format == "PNG"
            assert round(im.info["dpi"][0]) == 200


@pytest.mark.slow
def test_report_pdf_through_libreoffice(workspace, tmp_path):
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice not installed (run `make setup`)")
    import pdfplumber

    t = year_tallies(workspace)
    res = write_report(workspace, 2026, t, tmp_path / "bao_cao_hai_long_2026.docx",
                       report_date=date(2027, 1, 5))
    assert res.pdf is not None and res.pdf.exists()
    with pdfplumber.open(res.pdf) as pdf:
        assert len(pdf.pages) >= 3
        first = pdf.pages[0].extract_text()
        second = pdf.pages[1].extract_text()
        page_w = float(pdf.pages[1].width)
        top_words = [w for w in pdf.pages[1].extract_words() if float(w["top"]) < 45]
    assert "BÁO CÁO" in first and "Đắk Lắk, ngày 05 tháng 01 năm 2027" in first
    assert not first.strip().startswith("1")  # no number on page 1
    assert second.strip().startswith("2")
    (number,) = top_words  # page 2: the number alone, centred in the top margin
    assert number["text"] == "2"
    centre = (float(number["x0"]) + float(number["x1"])) / 2
    text_centre = (30 + 210 - 15) / 2 / 25.4 * 72
    assert abs(centre - text_centre) < 10 and page_w > 590
