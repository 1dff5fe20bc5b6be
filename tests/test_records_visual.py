"""Every document formkit files, checked as a person sees it: each output is rendered to PNG
pages (PDF through pdftoppm; DOCX and XLSX through the real LibreOffice first) and its
pages read back. Page numbers and QR pages are unique and in order, no internal identifier
(khieu_nai, c1.thai_do…) is in anything a person reads, no workbook cell is a formula, the
serial of a numbered survey is in its text layer, and a draft says so on every page."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from datetime import date, datetime
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pdfplumber
import pytest
import zxingcpp
from docx import Document
from openpyxl import load_workbook
from PIL import Image

from formkit.analyze.wording import Period
from formkit.archive.collect import write_sheet_data
from formkit.export.annual import write_annual, year_tallies
from formkit.export.register_xlsx import build_register_workbook
from formkit.export.report_docx import RecordState
from formkit.export.xlsx_common import save_atomically
from formkit.identity import PageIdentity
from formkit.spec import load_form, template_path
from formkit.store.rows import RegisterRecord
from formkit_dev.synthetic import synthetic_feedback, synthetic_responses
from tests.conftest import make_workspace

pytestmark = pytest.mark.skipif(
    shutil.which("soffice") is None or shutil.which("pdftoppm") is None,
    reason="LibreOffice and poppler (pdftoppm) are needed (run `make setup`)")

#: a code-like identifier: lower-case words joined by underscores (khieu_nai, tiep_dan)
CODE_LIKE = re.compile(r"\b[a-z]+_[a-z_]+\b")
HOSTILE = "=HYPERLINK(\"http://x\",\"bấm\")"


def _to_pdf(files: list[Path], out: Path) -> list[Path]:
    """DOCX/XLSX → PDF with the real LibreOffice (the test's own throw-away profile)."""
    out.mkdir(parents=True, exist_ok=True)
    profile = out / "lo-profile"
    subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless",
                    "--norestore", "--convert-to", "pdf", "--outdir", str(out),
                    *map(str, files)], check=True, capture_output=True, timeout=300,
                   env={"HOME": str(profile), "PATH": "/usr/bin:/bin"})
    return [out / (f.stem + ".pdf") for f in files]


def _pngs(pdf: Path, out: Path, dpi: int = 100) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    prefix = out / pdf.stem
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(pdf), str(prefix)], check=True,
                   timeout=300)
    return sorted(out.glob(f"{pdf.stem}-*.png"))


def _page_texts(pdf: Path) -> list[str]:
    with pdfplumber.open(str(pdf)) as doc:
        return [page.extract_text() or "" for page in doc.pages]


def _qr_payloads(pngs: list[Path]) -> list[str]:
    out = []
    for png in pngs:
        found = zxingcpp.read_barcodes(np.asarray(Image.open(png).convert("L")),
                                       formats=zxingcpp.BarcodeFormat.QRCode)
        out.append(found[0].text if found else "")
    return out


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> dict:
    """Every kind of document, written once: numbered survey, register book (forms),
    register workbook, summary workbook and draft report, archive sheet data."""
    from formkit import api

    ws = tmp_path_factory.mktemp("records")
    settings = make_workspace(ws / "ws")
    survey = api.build(settings, ["05-02"], 2026, unit="QLCN", copies=2)[0]
    register = api.build(settings, ["05-01"], 2026, pages=3)[0]

    spec = load_form(template_path(settings.templates_dir, "05-01"))
    from formkit.analyze.classify import load_rules

    entries = [RegisterRecord(
        id=i, entry_date=date(2026, 2, i), customer=f"Khách hàng {i}",
        content=(HOSTILE if i == 1 else "Đề nghị niêm yết rõ thành phần hồ sơ " * 3),
        receiver="Nguyễn Văn A", unit="VP", source="khieu_nai" if i % 2 else "tiep_dan",
        confirmation="", status="pending", group_code="khac" if i == 2 else "1",
        group_rule=None, group_override=None, sheet_id=None, import_file=None,
        import_row=None, created=datetime(2026, 2, i), created_by="test")
        for i in range(1, 4)]
    reg_xlsx = save_atomically(build_register_workbook(settings, spec, 2026, entries,
                                                       load_rules(settings=settings)),
                               ws / "so_ghi_nhan.xlsx")

    responses = (synthetic_responses(2026, 80, units=("QLCN", "VP"))
                 + synthetic_responses(2025, 60, seed=3, units=("QLCN", "VP")))
    feedback = synthetic_feedback([2026], 12)  # last year: no register data at all
    tallies = year_tallies(settings, 2026, responses, feedback, issued=120)
    last = max(r.received for r in responses if r.year == 2026 and r.received)
    state = RecordState(period=Period(2026, date(2026, 1, 2), min(last, date(2026, 10, 28))),
                        pending=17, preview=True)
    annual = write_annual(settings, 2026, tallies, report_date=date(2026, 12, 3), state=state)

    store = SimpleNamespace(sheets=lambda year: [SimpleNamespace(
        sheet_key="k1", form="05-02", year=year, unit="QLCN", serial=1,
        received=date(year, 3, 1), channel="giay", complete=True, anonymized=False,
        answers={"c1.y_kien_khac": HOSTILE, "c1.thai_do_giao_tiep": "tot"})])
    sheet_files = write_sheet_data(settings, 2026, store, ws / "sheet_data")
    return {"settings": settings, "survey": survey, "register": register,
            "register_xlsx": reg_xlsx, "annual": annual, "sheet_data": sheet_files,
            "render": ws / "render"}


def test_register_book_pages_and_qr_pages_are_unique_and_in_order(outputs):
    pdf = outputs["register"].pdf
    texts = _page_texts(pdf)
    numbers = [re.findall(r"Trang (\d+)/(\d+)", t) for t in texts]
    assert numbers == [[(str(k), "3")] for k in (1, 2, 3)]
    qrs = _qr_payloads(_pngs(pdf, outputs["render"]))
    pages = [PageIdentity.decode(q) for q in qrs]
    assert [(p.page, p.pages) for p in pages] == [(1, 3), (2, 3), (3, 3)]
    assert "Phòng, đơn vị giữ sổ" in texts[0]


def test_register_page_numbers_are_fields_that_follow_added_rows(outputs):
    with zipfile.ZipFile(outputs["register"].docx) as z:
        footers = [z.read(n).decode() for n in z.namelist() if n.startswith("word/footer")]
    numbered = [f for f in footers if "PAGE" in f]
    assert len(numbered) == 3
    assert all(" NUMPAGES " in f and "Trang 1/3" not in f for f in numbered)


def test_numbered_survey_prints_its_serial_in_the_text_layer_with_unique_pages(outputs):
    pdf = outputs["survey"].pdf
    texts = _page_texts(pdf)
    serials = [re.findall(r"Phiếu số: ?(\S+)", t) for t in texts]
    assert serials == [["000001"], ["000001"], ["000002"], ["000002"]]
    assert not any("…" in s for t in texts for s in re.findall(r"Phiếu số: ?\S+", t))
    qrs = [PageIdentity.decode(q) for q in _qr_payloads(_pngs(pdf, outputs["render"]))]
    assert [(q.serial, q.page) for q in qrs] == [(1, 1), (1, 2), (2, 1), (2, 2)]
    assert [re.findall(r"Trang (\d)/2", t) for t in texts] == [["1"], ["2"], ["1"], ["2"]]


def test_forms_carry_agency_properties_and_a_blank_issue_block_when_unset(outputs):
    docx = outputs["survey"].docx
    props = Document(str(docx)).core_properties
    assert props.author == outputs["settings"].agency_short_name
    assert props.created is not None and props.created.year >= 2025
    with zipfile.ZipFile(docx) as z:
        assert b"Macintosh" not in z.read("docProps/app.xml")
    first = _page_texts(outputs["survey"].pdf)[0]
    assert "Lần ban hành: …" in first and "Ngày ban hành: …/…/……" in first
    assert "02/01/2024" not in first


def test_draft_report_says_so_on_every_page_and_reads_without_codes_or_jargon(outputs):
    annual = outputs["annual"]
    pdf = annual.report.pdf
    texts = _page_texts(pdf)
    assert len(texts) > 3
    for i, text in enumerate(texts, 1):
        assert "DỰ THẢO" in text and "17" in text, f"page {i} is not marked as a draft"
    # page numbers from page 2, each once and in order
    heads = [re.search(r"chính thức\s+(\d+)\s", t) for t in texts[1:]]
    assert [int(h.group(1)) for h in heads if h] == list(range(2, len(texts) + 1))
    whole = " ".join(" ".join(texts).split())
    assert not CODE_LIKE.findall(whole), CODE_LIKE.findall(whole)[:5]
    body = whole.split("PHỤ LỤC")[0]  # the formulas belong to the appendix, not the body
    assert "PHỤ LỤC" in whole
    for jargon in ("n =", "p =", "p <", "điểm %", " z ", "146 trên 146"):
        assert jargon not in body, jargon
    assert "Quý IV (đến 28/10)" in body and "ngày 28/10/2026" in body
    signature = next(i for i, t in enumerate(texts) if "Nơi nhận" in t)
    assert "Trên đây là báo cáo" in texts[signature]
    assert "năm 2025: chưa có dữ liệu" in body


def test_workbooks_hold_no_formula_and_no_internal_code(outputs):
    annual = outputs["annual"]
    books = [outputs["register_xlsx"], annual.summary,
             *[p for p in outputs["sheet_data"] if p.suffix == ".xlsx"]]
    for book in books:
        wb = load_workbook(book)
        for sheet in wb.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", f"{book.name}!{cell.coordinate} is a formula"
                    if isinstance(cell.value, str) and cell.value.startswith("="):
                        assert cell.quotePrefix, f"{book.name}!{cell.coordinate}"
    csv_text = next(p for p in outputs["sheet_data"] if p.suffix == ".csv").read_text("utf-8-sig")
    assert "'=HYPERLINK" in csv_text and ",=HYPERLINK" not in csv_text
    for book in (outputs["register_xlsx"], annual.summary):
        wb = load_workbook(book)
        shown = " ".join(str(c.value) for s in wb.worksheets for r in s.iter_rows()
                         for c in r if isinstance(c.value, str)
                         and not str(c.value).startswith("Biểu đồ"))
        assert not CODE_LIKE.findall(shown), (book.name, CODE_LIKE.findall(shown)[:5])


def test_workbooks_render_with_pages_in_order_and_charts_whole(outputs):
    annual = outputs["annual"]
    out = outputs["render"] / "xlsx"
    reg_pdf, summary_pdf = _to_pdf([outputs["register_xlsx"], annual.summary], out)
    for pdf in (reg_pdf, summary_pdf):
        pngs = _pngs(pdf, out, dpi=40)
        assert pngs and all(Image.open(p).getbbox() for p in pngs)
    texts = _page_texts(reg_pdf)
    assert [re.findall(r"Trang (\d+)/(\d+)", t) for t in texts] == [
        [(str(k), str(len(texts)))] for k in range(1, len(texts) + 1)]
    with pdfplumber.open(str(reg_pdf)) as doc:
        sizes = {round(c["size"]) for page in doc.pages for c in page.chars}
    assert min(sizes) >= 10, f"register printed at {min(sizes)} pt"
    assert any("Lần ban hành" in t for t in texts)
    # every chart image is whole on one page: none touches the bottom margin
    with pdfplumber.open(str(summary_pdf)) as doc:
        for page in doc.pages:
            for img in page.images + page.rects:
                if img["height"] > page.height * 0.2:
                    assert img["bottom"] < page.height - 20


def test_survey_follows_the_approved_form_without_motto_unless_set(outputs, tmp_path):
    first = _page_texts(outputs["survey"].pdf)[0]
    assert "CỘNG HÒA" not in first and "Độc lập" not in first
    assert "SỞ CÔNG THƯƠNG" in first
    from formkit.config import load_settings

    ws = tmp_path / "ws"
    make_workspace(ws)
    toml = ws / "formkit.toml"
    toml.write_text(toml.read_text("utf-8").replace("motto_header = false",
                                                     "motto_header = true"), "utf-8")
    assert load_settings(ws).form_motto is True
