"""Round trips through the real LibreOffice: the printed forms match their layout, carry
the procedure's wording, their QR identity and numbered serials."""

from __future__ import annotations

import json
import os
import stat
import unicodedata

import cv2
import numpy as np
import pdfplumber
import pypdfium2 as pdfium
import pytest

from formkit import api
from formkit.errors import ExternalProgramError, OutputError
from formkit.identity import PageIdentity
from formkit.render.build import issued_serials

pytestmark = pytest.mark.slow

DPI = 300
PPM = DPI / 25.4

# The procedure's survey, in order (seeds/000_…: BM.QT.SCT.05-02)
SURVEY_LABELS = [
    # the agency header as on the approved form (no national motto: a setting, off)
    "BM.QT.SCT.05-02", "UBND TỈNH ĐẮK LẮK", "SỞ CÔNG THƯƠNG",
    "PHIẾU KHẢO SÁT", "SỰ HÀI LÒNG CỦA CÁC TỔ CHỨC, CÁ NHÂN",
    "ĐỐI VỚI SỰ PHỤC VỤ CỦA SỞ CÔNG THƯƠNG", "NĂM: 2026",
    "Để nâng cao hơn nữa chất lượng phục vụ", "thông qua “Phiếu khảo sát”.",
    "Sở Công Thương rất mong nhận được sự quan tâm", "Xin trân trọng cảm ơn Ông/Bà.",
    "I. Thông tin về tổ chức thực hiện giao dịch hành chính",
    "(Ghi cụ thể tên cá nhân hoặc tổ chức)",
    "II. Nội dung giao dịch hành chính",
    "- Tiếp nhận, xử lý công việc hành chính", "- Giải quyết thủ tục hành chính",
    "(Xin ghi rõ nội dung giải quyết thủ tục hành chính):",
    "Vui lòng đánh dấu (x) vào sự lựa chọn đối với những câu hỏi sau:",
    "Câu hỏi 1: Thái độ phục vụ của công chức Sở Công Thương",
    "Thái độ giao tiếp", "Tốt", "Đạt yêu cầu", "Chưa đạt yêu cầu",
    "Lắng nghe ý kiến", "Tận tình, chu đáo", "Tuân thủ đúng quy trình", "Ý kiến khác:",
    "Câu hỏi 2: Công chức của Sở Công Thương có gây phiền hà, sách nhiễu",
    "Có", "Không", "Nếu có, vui lòng cho biết tình trạng thực tế:",
    "a. Một lần", "b. Một số lần", "c. Phổ biến", "d. Rất phổ biến",
    "Câu hỏi 3: Chất lượng xử lý hồ sơ của Sở Công Thương", "Chính xác, khách quan",
    "Ý kiến khác:", "Câu hỏi 4: Thời gian Sở Công Thương xử lý các hồ sơ",
    "Đúng thời hạn quy định", "Ý kiến khác:",
    "Câu hỏi 5: Đánh giá chung của Ông/Bà về chất lượng cung ứng dịch vụ hành chính công",
    "Mức độ hài lòng", "XIN TRÂN TRỌNG CẢM ƠN!",
]


def _norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def _render(pdf_path, index: int) -> np.ndarray:
    pdf = pdfium.PdfDocument(str(pdf_path))
    try:
        return pdf[index].render(scale=DPI / 72, grayscale=True).to_numpy().copy()
    finally:
        pdf.close()


def _edge_offset(img: np.ndarray, along: str, pos_mm: float, span: tuple[float, float]
                 ) -> float:
    """Offset (mm) of the darkest printed line near pos_mm, measured across span."""
    lo, hi = int(span[0] * PPM), int(span[1] * PPM)
    c = int(round(pos_mm * PPM))
    r = int(1.0 * PPM)
    if along == "x":  # vertical line at x = pos
        profile = (255 - img[lo:hi, c - r:c + r + 1].astype(float)).mean(axis=0)
    else:
        profile = (255 - img[c - r:c + r + 1, lo:hi].astype(float)).mean(axis=1)
    assert profile.max() > 100, "no printed line near the layout position"
    return (int(np.argmax(profile)) - r) / PPM


def test_every_layout_box_lies_on_a_printed_square(built):
    res = built["survey"]
    for page in res.layout.pages:
        img = _render(res.pdf, page.page - 1)
        assert page.boxes, "no boxes on page"
        for box in page.boxes:
            r = box.rect
            assert 4.0 <= r.w <= 7.0 and abs(r.w - r.h) < 0.3, "boxes are squares ≥ 4 mm"
            inner = (r.y + 1.0, r.y + r.h - 1.0)
            across = (r.x + 1.0, r.x + r.w - 1.0)
            for off in (_edge_offset(img, "x", r.x, inner),
                        _edge_offset(img, "x", r.x + r.w, inner),
                        _edge_offset(img, "y", r.y, across),
                        _edge_offset(img, "y", r.y + r.h, across)):
                assert abs(off) <= 0.3, f"{box.key}: printed edge {off:.2f} mm off the layout"


def test_words_beside_each_box_are_its_option_label(built):
    res = built["survey"]
    with pdfplumber.open(str(res.pdf)) as pdf:
        for page in res.layout.pages:
            words = pdf.pages[page.page - 1].extract_words(keep_blank_chars=True,
                                                         x_tolerance=1.5)
            for box in page.boxes:
                r = box.rect
                pt = 72 / 25.4
                left = [w for w in words
                        if abs((w["top"] + w["bottom"]) / 2 / pt - r.cy) < 2.5
                        and r.x - 45 < w["x1"] / pt <= r.x + 0.2]
                assert left, f"no label left of {box.key}"
                nearest = max(left, key=lambda w: w["x1"])
                assert _norm(nearest["text"]).endswith(_norm(box.label)), (
                    f"{box.key}: label {nearest['text']!r} is not {box.label!r}")


def test_pdf_has_every_label_of_the_procedure_in_order(built):
    with pdfplumber.open(str(built["survey"].pdf)) as pdf:
        text = _norm(" ".join((pdf.pages[i].extract_text() or "") for i in range(2)))
    pos = 0
    for label in SURVEY_LABELS:
        found = text.find(_norm(label), pos)
        assert found >= 0, f"label missing or out of order: {label!r}"
        pos = found + 1


def test_fonts_are_embedded_and_serif(built):
    with pdfplumber.open(str(built["survey"].pdf)) as pdf:
        fonts = {c["fontname"] for c in pdf.pages[0].chars}
    assert fonts and all("+" in f for f in fonts), f"fonts not embedded as subsets: {fonts}"
    assert any("Serif" in f or "Times" in f for f in fonts)


def test_every_page_qr_names_form_layout_year_unit_serial_page(built):
    res = built["survey"]
    detector = cv2.QRCodeDetector()
    pdf = pdfium.PdfDocument(str(res.pdf))
    n = len(pdf)
    pdf.close()
    assert n == 6  # 3 copies × 2 pages
    seen = []
    for i in range(n):
        img = _render(res.pdf, i)
        q = res.layout.pages[i % 2].qr
        crop = img[int((q.y - 3) * PPM):int((q.y + q.h + 3) * PPM),
                   int((q.x - 3) * PPM):int((q.x + q.w + 3) * PPM)]
        text, _pts, _ = detector.detectAndDecode(crop)
        ident = PageIdentity.decode(text)
        seen.append((ident.serial, ident.page))
        assert (ident.form, ident.layout, ident.year, ident.unit, ident.pages) == (
            "05-02", res.layout.version, 2026, "QLCN", 2)
    assert seen == [(1, 1), (1, 2), (2, 1), (2, 2), (3, 1), (3, 2)]


def test_four_registration_marks_on_every_page_at_the_corners(built):
    res = built["survey"]
    for page in res.layout.pages:
        tl, tr, bl, br = page.marks
        assert tl.x < 40 and tl.y < 20 and tr.x > 170 and br.y > 270 and bl.x < 40
        img = _render(res.pdf, page.page - 1)
        for m in page.marks:
            patch = img[int((m.y + 0.5) * PPM):int((m.y + m.h - 0.5) * PPM),
                        int((m.x + 0.5) * PPM):int((m.x + m.w - 0.5) * PPM)]
            assert patch.mean() < 40, "registration mark is not printed solid black"


def test_numbered_copies_are_recorded_and_the_next_build_continues(built, tmp_path):
    settings = built["settings"]
    recs = issued_serials(settings, "05-02", 2026, "QLCN")
    assert [(r["first"], r["last"]) for r in recs] == [(1, 3)]
    more = api.build(settings, ["05-02"], 2026, unit="QLCN", copies=2, pdf=False)[0]
    assert more.serials == [4, 5]


def test_register_is_landscape_with_header_on_every_page(built):
    res = built["register"]
    with pdfplumber.open(str(res.pdf)) as pdf:
        assert len(pdf.pages) == 2
        for page in pdf.pages:
            assert page.width > page.height
            text = _norm(page.extract_text() or "")
            for label in ("Ngày tháng", "Tên khách hàng", "Người tiếp nhận",
                          "Nội dung ý kiến phản ánh của khách hàng",
                          "Xác nhận của trưởng phòng/đơn vị"):
                # header cells wrap over lines: every word must be there
                assert all(word in text.split() for word in label.split()), label
            rules = [ln for ln in page.lines if ln["x1"] - ln["x0"] > page.width * 0.8]
            assert len(rules) >= 9, "ruled empty rows are missing"
        assert "SỔ GHI NHẬN Ý KIẾN CỦA KHÁCH HÀNG" in _norm(pdf.pages[0].extract_text())
        assert "NĂM: 2026" in _norm(pdf.pages[0].extract_text())


def test_committed_layouts_match_what_this_machine_prints(built):
    """The reader uses the committed layouts: they must equal a fresh build's."""
    repo_layouts = built["settings"].templates_dir / "layouts"
    committed = {json.loads(p.read_text())["version"] for p in repo_layouts.glob("*.json")}
    assert built["survey"].layout.version in committed


def test_missing_libreoffice_is_a_clear_error(workspace, monkeypatch):
    monkeypatch.setenv("FORMKIT_SOFFICE", "/nonexistent/soffice")
    with pytest.raises(ExternalProgramError) as exc:
        api.build(workspace, ["05-02"], 2026)
    assert exc.value.exit_code == 6


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_unwritable_output_folder_is_a_clear_error(workspace):
    out = workspace.exports_dir
    out.mkdir(parents=True, exist_ok=True)
    out.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        with pytest.raises(OutputError):
            api.build(workspace, ["05-02"], 2026)
    finally:
        out.chmod(stat.S_IRWXU)


def test_output_folder_that_is_a_file_is_a_clear_error(workspace):
    workspace.exports_dir.parent.mkdir(parents=True, exist_ok=True)
    workspace.exports_dir.write_text("not a folder")
    with pytest.raises(OutputError) as err:
        api.build(workspace, ["05-02"], 2026, pdf=False)
    assert "Không ghi được" in err.value.message and "Cannot write" in err.value.text("en")
