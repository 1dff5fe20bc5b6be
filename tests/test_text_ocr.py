"""Free-text zones on aligned pages (formkit.scan.text) and the Tesseract wrapper.

Most tests draw on a synthetic aligned page made from the committed layout (grey guide
lines, the "Ý kiến khác:" prompt, a printed question just above each zone), so they need
Tesseract but not LibreOffice; one slow test uses the real printed form."""

from __future__ import annotations

import io
import json
import random
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from formkit._exec import tesseract
from formkit.config import BUILTIN_TEMPLATES
from formkit.errors import ExternalProgramError
from formkit.scan import text as text_reader
from formkit.scan.result import Status
from formkit.scan.text import is_vietnamese_syllable, read_text_zone, read_text_zones
from formkit.spec.layout import Layout, ZonePos
from formkit.textnorm import levenshtein, nfc
from formkit.thresholds import T

PX = T.work_px_per_mm
PT_MM = 25.4 / 72
PROMPT = "Ý kiến khác:"


def _font(size_pt: float) -> ImageFont.FreeTypeFont:
    import matplotlib

    for path in (Path("/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf"),
                 Path("/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf"),
                 Path(matplotlib.get_data_path()) / "fonts/ttf/DejaVuSerif.ttf"):
        if path.exists():
            return ImageFont.truetype(str(path), int(round(size_pt * PT_MM * PX)))
    pytest.skip("no Vietnamese-capable serif font installed")




@pytest.fixture(scope="module")
def layout() -> Layout:
    paths = sorted((BUILTIN_TEMPLATES / "layouts").glob("layout_05-02_*.json"))
    assert paths, "no committed layout of form 05-02"
    return Layout.from_json(json.loads(paths[-1].read_text(encoding="utf-8")), str(paths[-1]))


@pytest.fixture(scope="module")
def needs_tesseract():
    try:
        tesseract.check_tesseract()
    except ExternalProgramError as exc:
        pytest.skip(f"Tesseract with Vietnamese not installed: {exc.message}")


def blank_page(layout: Layout, number: int) -> Image.Image:
    """An aligned blank page as the scan reader hands it over: guide lines in grey, the
    prompt left of a prompt zone's first line, printed text 2.5 mm above every zone."""
    w, h = (int(round(v * PX)) for v in layout.page_size)
    img = Image.new("L", (w, h), 255)
    draw = ImageDraw.Draw(img)
    font = _font(13)
    for z in layout.page(number).zones:
        for x0, x1, y in z.lines:
            draw.line([(x0 * PX, y * PX), (x1 * PX, y * PX)], fill=128, width=2)
        x0, _x1, y = z.lines[0]
        if x0 > z.rect.x + 2:
            draw.text((z.rect.x * PX, (y - 1) * PX), PROMPT, font=font, fill=0, anchor="ls")
        draw.text((z.rect.x * PX, (z.rect.y - 2.5) * PX),
                  "Câu hỏi in sẵn phía trên vùng viết: ạ ỵ gj", font=font, fill=0, anchor="ls")
    return img


def write_line(img: Image.Image, zone: ZonePos, line: int, text: str, size_pt: float = 13,
               ink: int = 0) -> None:
    draw = ImageDraw.Draw(img)
    x0, _x1, y = zone.lines[line]
    draw.text(((x0 + 2) * PX, (y - 1) * PX), text, font=_font(size_pt), fill=ink, anchor="ls")


def zone_of(layout: Layout, field: str) -> tuple[int, ZonePos]:
    for p in layout.pages:
        for z in p.zones:
            if z.field == field:
                return p.page, z
    raise KeyError(field)


def degrade(img: Image.Image, seed: int = 1) -> np.ndarray:
    """Scanner noise, a little blur and JPEG at quality 60."""
    import cv2

    arr = cv2.GaussianBlur(np.asarray(img, np.float32), (0, 0), 0.6)
    arr += np.random.default_rng(seed).normal(0, 7, arr.shape)
    buf = io.BytesIO()
    Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8)).save(buf, "JPEG", quality=60)
    return np.asarray(Image.open(io.BytesIO(buf.getvalue())).convert("L"))


@pytest.fixture
def no_tesseract(monkeypatch):
    """Fail the test if anything tries to run OCR."""
    def refuse(*_a, **_k):
        raise AssertionError("Tesseract was called")
    monkeypatch.setattr(tesseract, "ocr_words", refuse)


# ---- reading typed text ---------------------------------------------------------------------
def test_typed_vietnamese_line_reads_back_with_its_diacritics(layout, needs_tesseract):
    page, zone = zone_of(layout, "to_chuc")
    img = blank_page(layout, page)
    truth = "Công ty TNHH Thương mại Đắk Lắk Xanh"
    write_line(img, zone, 0, truth)
    res = read_text_zone(np.asarray(img), PX, zone, page=page)
    assert res.kind == "text" and res.field == "to_chuc" and res.page == page
    assert res.status is Status.OK, res.note
    assert res.value == nfc(res.value)
    assert "Đắk Lắk" in res.value and "Thương mại" in res.value
    assert levenshtein(truth, res.value) <= 1
    assert res.confidence >= T.ocr_review_confidence
    assert 0 < res.text_confidence <= 1 and not res.needs_review


def test_two_typed_lines_are_joined_with_a_space_and_survive_scanner_noise(
        layout, needs_tesseract):
    page, zone = zone_of(layout, "noi_dung.chi_tiet")
    img = blank_page(layout, page)
    first, second = "Cấp Giấy phép kinh doanh", "bán lẻ sản phẩm rượu"
    write_line(img, zone, 0, first)
    write_line(img, zone, 1, second)
    res = read_text_zone(degrade(img), PX, zone, page=page)
    truth = f"{first} {second}"
    assert levenshtein(truth, res.value) <= 2, res.value
    assert "\n" not in res.value


def test_prompt_of_a_comment_zone_is_not_part_of_the_answer(layout, needs_tesseract):
    page, zone = zone_of(layout, "c1.y_kien_khac")
    img = blank_page(layout, page)
    write_line(img, zone, 0, "Cán bộ hướng dẫn rất nhiệt tình.")
    res = read_text_zone(np.asarray(img), PX, zone, page=page)
    assert "kiến khác" not in res.value and "Câu hỏi" not in res.value
    assert levenshtein("Cán bộ hướng dẫn rất nhiệt tình.", res.value) <= 1, res.value


@pytest.mark.parametrize("answer", ["Có", "Tốt", "Không"])
def test_a_one_word_answer_is_read_not_dropped_as_blank(layout, needs_tesseract, answer):
    page, zone = zone_of(layout, "c3.y_kien_khac")
    img = blank_page(layout, page)
    write_line(img, zone, 0, answer)
    res = read_text_zone(np.asarray(img), PX, zone, page=page)
    assert res.status is Status.OK and res.value == answer, (res.value, res.note)


@pytest.mark.parametrize("dx,dy", [(0.8, 1.2), (-0.6, -1.0)])
def test_a_page_registered_a_millimetre_off_still_reads(layout, needs_tesseract, dx, dy):
    import cv2

    page, zone = zone_of(layout, "c1.y_kien_khac")
    img = blank_page(layout, page)
    write_line(img, zone, 0, "Hồ sơ được trả đúng hẹn.")
    arr = np.asarray(img)
    shift = np.float32([[1, 0, dx * PX], [0, 1, dy * PX]])
    arr = cv2.warpAffine(arr, shift, (arr.shape[1], arr.shape[0]), borderValue=255)
    results = read_text_zones(arr, PX, layout.page(page).zones, page=page)
    assert results[0].value == "Hồ sơ được trả đúng hẹn.", results[0].note
    assert [r.status for r in results[1:]] == [Status.BLANK, Status.BLANK]


def test_page_api_reads_the_same_as_zone_by_zone(layout, needs_tesseract):
    page = 2
    img = blank_page(layout, page)
    zones = layout.page(page).zones
    write_line(img, zones[0], 0, "Hồ sơ được trả đúng hẹn.")
    write_line(img, zones[2], 1, "Không có ý kiến gì thêm.")
    arr = np.asarray(img)
    together = read_text_zones(arr, PX, zones, page=page)
    alone = [read_text_zone(arr, PX, z, page=page) for z in zones]
    assert [r.field for r in together] == [z.field for z in zones]
    assert [r.value for r in together] == [r.value for r in alone]
    assert together[1].status is Status.BLANK


# ---- blank zones cost no OCR --------------------------------------------------------------
def test_empty_zones_read_blank_without_calling_tesseract(layout, no_tesseract):
    for p in layout.pages:
        arr = np.asarray(blank_page(layout, p.page))
        for zone in p.zones:
            res = read_text_zone(arr, PX, zone, page=p.page)
            assert res.status is Status.BLANK, (zone.field, res.note)
            assert res.value == "" and res.confidence == 1.0 and not res.needs_review


def test_noisy_empty_zone_still_reads_blank(layout, no_tesseract):
    page, zone = zone_of(layout, "c3.y_kien_khac")
    res = read_text_zone(degrade(blank_page(layout, page), seed=3), PX, zone, page=page)
    assert res.status is Status.BLANK, res.note


def test_zone_cut_off_the_scan_is_unreadable_not_blank(layout, no_tesseract):
    page, zone = zone_of(layout, "noi_dung.chi_tiet")
    arr = np.asarray(blank_page(layout, page))
    cut = arr[: int(zone.rect.y * PX) + 10]  # the scanner stopped inside the zone
    res = read_text_zone(cut, PX, zone, page=page)
    assert res.status is Status.UNREADABLE and res.value is None and res.needs_review


def test_crop_image_is_written_for_the_review_step(layout, no_tesseract, tmp_path):
    page, zone = zone_of(layout, "to_chuc")
    path = tmp_path / "crops" / "to_chuc.png"
    res = read_text_zone(np.asarray(blank_page(layout, page)), PX, zone, crop_path=path)
    assert res.crop == str(path) and path.exists()
    with Image.open(path) as im:
        assert im.width >= zone.rect.w * PX * 0.95


# ---- wrong text never passes silently -----------------------------------------------------
def test_scribbles_are_flagged_for_review_not_passed_as_text(layout, needs_tesseract):
    page, zone = zone_of(layout, "c4.y_kien_khac")
    img = blank_page(layout, page)
    draw = ImageDraw.Draw(img)
    rng = random.Random(5)
    x0, x1, y = zone.lines[1]
    x = (x0 + 3) * PX
    while x < (x1 - 20) * PX:  # loops and zigzags a person might write as a signature
        pts = [(x + rng.uniform(0, 40), (y - rng.uniform(0.5, 5.5)) * PX) for _ in range(6)]
        draw.line(pts, fill=20, width=3)
        x += rng.uniform(30, 60)
    res = read_text_zone(np.asarray(img), PX, zone, page=page)
    assert res.status in (Status.UNCERTAIN, Status.OK)
    assert res.needs_review, (res.value, res.confidence, res.note)


def test_confident_reading_that_is_not_vietnamese_gets_low_confidence():
    def word(text: str, conf: float) -> tesseract.OcrWord:
        return tesseract.OcrWord(text, conf, 0, 0, 10, 10, (1, 1, 1))

    good = [text_reader._LineRead([word(w, 0.95) for w in "Công ty Cổ phần Cà phê".split()],
                                  60, 5)]
    soup = [text_reader._LineRead([word(w, 0.9) for w in "Cô ng tv Cổphần Cập/ê".split()],
                                  60, 5)]
    assert text_reader._assess(good)[1] >= T.ocr_review_confidence
    mean, conf, why = text_reader._assess(soup)
    assert mean >= 0.9 and conf < T.ocr_review_confidence and why


def test_vietnamese_syllable_shape_check():
    for ok in ("Nguyễn", "quyết", "người", "khuya", "đặc", "gì", "thủy"):
        assert is_vietnamese_syllable(ok), ok
    # place names of the province are not syllables of the standard spelling, but expected
    assert all(text_reader._suspect(w, False) == "" for w in ("Đắk", "Lắk", "Krông", "M'gar"))
    # a stop final (c, ch, p, t) with the huyền tone, iê without a final, no vowel at all
    for bad in ("Quyềt", "tiê", "Aguyễn", "ng", "Krông", "xyz"):
        assert not is_vietnamese_syllable(bad), bad


# ---- the Tesseract wrapper ---------------------------------------------------------------
def test_missing_vietnamese_language_names_the_package_to_install(monkeypatch):
    monkeypatch.setattr(tesseract, "find_tesseract", lambda: "/usr/bin/tesseract-fake")
    tesseract._checked.cache_clear()
    monkeypatch.setattr(tesseract.pytesseract, "get_tesseract_version", lambda: _Version(5))
    monkeypatch.setattr(tesseract.pytesseract, "get_languages", lambda config="": ["eng", "osd"])
    try:
        with pytest.raises(ExternalProgramError) as err:
            tesseract.check_tesseract("vie")
        assert "tesseract-ocr-vie" in str(err.value)
    finally:
        tesseract._checked.cache_clear()


def test_missing_tesseract_program_is_an_external_program_error(monkeypatch):
    monkeypatch.setenv("FORMKIT_TESSERACT", "/nonexistent/tesseract")
    with pytest.raises(ExternalProgramError) as err:
        tesseract.ocr_words(np.full((40, 200), 255, np.uint8))
    assert err.value.exit_code == 6


def test_tesseract_timeout_becomes_an_external_program_error(monkeypatch, needs_tesseract):
    def slow(*_a, **_k):
        raise RuntimeError("Tesseract process timeout")
    monkeypatch.setattr(tesseract.pytesseract, "image_to_data", slow)
    with pytest.raises(ExternalProgramError) as err:
        tesseract.ocr_words(np.full((40, 200), 255, np.uint8), timeout=1)
    assert err.value.code == "error.tesseract.timeout"
    assert "không đọc xong một vùng chữ trong 1 giây" in err.value.message


def test_wrapper_returns_words_with_confidences_in_nfc(needs_tesseract):
    img = Image.new("L", (900, 120), 255)
    ImageDraw.Draw(img).text((20, 90), "Sở Công Thương", font=_font(20), fill=0, anchor="ls")
    words = tesseract.ocr_words(img, psm=7)
    assert [w.text for w in words] == ["Sở", "Công", "Thương"]
    assert all(0 <= w.confidence <= 1 and w.text == nfc(w.text) for w in words)


class _Version:
    def __init__(self, major: int):
        self.major = major

    def __str__(self) -> str:
        return f"{self.major}.0.0"


# ---- the real printed form -------------------------------------------------------------------
@pytest.mark.slow
def test_typed_answer_on_the_rasterised_printed_form_reads_right(built, needs_tesseract):
    import pypdfium2 as pdfium

    survey = built["survey"]
    pdf = pdfium.PdfDocument(str(survey.pdf))
    try:
        page = pdf[0].render(scale=PX * PT_MM, grayscale=True).to_pil().convert("L")
    finally:
        pdf.close()
    _num, zone = zone_of(survey.layout, "to_chuc")
    write_line(page, zone, 0, "Hợp tác xã Nông nghiệp Ea Kao")
    write_line(page, zone, 1, "Nguyễn Thị Hồng Nhung")
    res = read_text_zone(np.asarray(page), PX, zone, page=1)
    assert levenshtein("Hợp tác xã Nông nghiệp Ea Kao Nguyễn Thị Hồng Nhung", res.value) <= 2
    # the other zone of the printed page is empty and costs no OCR
    _n, other = zone_of(survey.layout, "noi_dung.chi_tiet")
    assert read_text_zone(np.asarray(page), PX, other).status is Status.BLANK
