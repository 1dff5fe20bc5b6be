"""Copier and scanner dirt must neither look like answers nor hide them: drum streaks and
dust specks through empty boxes, a speck on the QR code's finder pattern, and pale marks on
a page too noisy to confirm a blank row."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from formkit.catalogue import say
from formkit.notes import codes, join, note_text
from formkit.scan import read_paths
from formkit.scan.boxes import decide_choice
from formkit.scan.locate import find_qr
from formkit.scan.result import BoxEvidence, BoxState, Status
from formkit.spec import load_forms
from formkit.thresholds import T

from .scanhelp import ANSWERS, fill_sheet, render_page

DPI = 200
DATA = Path(__file__).parent / "data"

def _px(mm: float) -> int:
    return int(round(mm * DPI / 25.4))


def _read(built, pages: list[np.ndarray], tmp_path: Path):
    """The sheet read back from these page images (written as PNG files)."""
    paths = []
    for i, img in enumerate(pages):
        paths.append(tmp_path / f"p{i}.png")
        cv2.imwrite(str(paths[-1]), img)
    return read_paths(built["settings"], paths, ocr=False).sheets[0]


def _assert_every_answer_reads_clearly(sheet) -> None:
    for fid, want in ANSWERS.items():
        f = sheet.fields[fid]
        assert (f.status, f.value) == (Status.OK, want), f"{fid}: {f.status} {f.note}"
        assert not f.needs_review, f"{fid} flagged: {f.note} ({f.confidence:.2f})"


@pytest.mark.slow
def test_copier_streaks_and_dust_through_empty_boxes_are_not_read_as_pale_marks(
        built, tmp_path):
    res = built["survey"]
    pages = [render_page(res.pdf, i, DPI) for i in range(2)]
    fill_sheet(pages, res.layout, ANSWERS, DPI, "x")
    rng = np.random.default_rng(3)
    for img, page in zip(pages, res.layout.pages, strict=True):
        for box in page.boxes:
            want = ANSWERS.get(box.field)
            if want is True and box.value == "x" or want == box.value:
                continue
            r = box.rect
            roll = rng.random()
            if roll < 1 / 3:
                # a drum streak: a 2-px column 12 % darker down the whole page
                x = _px(r.x + r.w * rng.uniform(0.35, 0.65))
                img[:, x:x + 2] = (img[:, x:x + 2].astype(np.float32) * 0.88).astype(np.uint8)
            elif roll < 2 / 3:
                # a toner speck, small and dark
                cx = _px(r.x + r.w * rng.uniform(0.3, 0.7))
                cy = _px(r.y + r.h * rng.uniform(0.3, 0.7))
                cv2.circle(img, (cx, cy), 1, 60, -1, cv2.LINE_AA)
    sheet = _read(built, pages, tmp_path)
    _assert_every_answer_reads_clearly(sheet)
    assert sheet.fields["noi_dung.giai_quyet_tthc"].value is False
    assert not sheet.fields["noi_dung.giai_quyet_tthc"].needs_review
    assert sheet.fields["c2.muc_do"].status is Status.BLANK
    assert not sheet.fields["c2.muc_do"].needs_review


@pytest.mark.slow
def test_the_arm_of_a_neighbours_x_reaching_into_a_blank_row_is_not_read_as_its_answer(
        built, tmp_path):
    res = built["survey"]
    answers = {**ANSWERS, "c1.thai_do_giao_tiep": None}  # the row above is left blank
    pages = [render_page(res.pdf, i, DPI) for i in range(2)]
    fill_sheet(pages, res.layout, answers, DPI, "x")
    boxes = {(b.field, b.value): b.rect for b in res.layout.page(2).boxes}
    below = boxes[("c1.lang_nghe_y_kien", "dat")]  # ticked with an X
    above = boxes[("c1.thai_do_giao_tiep", "dat")]
    # one arm of the X runs on, up through the border into the middle of the box above
    cv2.line(pages[1], (_px(below.cx - 0.6), _px(below.y + 1.0)),
             (_px(above.cx - 0.3), _px(above.cy)), 35, max(2, _px(0.6)))
    paths = []
    for i, img in enumerate(pages):
        paths.append(tmp_path / f"p{i}.png")
        cv2.imwrite(str(paths[-1]), img)
    sheet = read_paths(built["settings"], paths, ocr=False).sheets[0]
    blank_row = sheet.fields["c1.thai_do_giao_tiep"]
    assert blank_row.needs_review, (blank_row.value, blank_row.status, blank_row.confidence)
    assert blank_row.value != "dat" or blank_row.status is not Status.OK
    ticked = sheet.fields["c1.lang_nghe_y_kien"]
    assert (ticked.value, ticked.status, ticked.needs_review) == ("dat", Status.OK, False)


def test_a_dust_speck_on_the_qr_finder_pattern_does_not_lose_the_page():
    # the QR corner of a 200-dpi scan (upside down) whose dust specks hid the code from
    # OpenCV's detector, on a blank page of the scan's size
    corner = cv2.imread(str(DATA / "qr_with_dust_speck.png"), cv2.IMREAD_GRAYSCALE)
    page = np.full((2349, 1650), 255, np.uint8)
    page[60:60 + corner.shape[0], 140:140 + corner.shape[1]] = corner
    hit = find_qr(page, 200 / 25.4)
    assert hit is not None and hit.payload == "FK1|05-02|0722e1c4|2026|QLCN|6|2/2"


def test_a_qr_code_blurred_by_a_150_dpi_copy_is_still_decoded():
    # the QR corner of a 150-dpi photocopy saved as JPEG (modules 2.6 px, blurred): OpenCV's
    # detectors read it at no scale; the page would be lost without ZXing-C++
    corner = cv2.imread(str(DATA / "qr_blurred_150dpi.png"), cv2.IMREAD_GRAYSCALE)
    page = np.full((1343, 1820), int(np.percentile(corner, 90)), np.uint8)
    page[1343 - 40 - corner.shape[0]:1343 - 40, 1820 - 60 - corner.shape[1]:1820 - 60] = corner
    for upscale in (1.0, 2.0, 3.0):
        big = cv2.resize(corner, None, fx=upscale, fy=upscale, interpolation=cv2.INTER_CUBIC)
        assert not cv2.QRCodeDetector().detectAndDecode(big)[0]
    hit = find_qr(page, 150 / 25.4)
    assert hit is not None and hit.payload == "FK1|05-02|0722e1c4|2026|QLCN|312|2/2"
    # the corners come in the symbol's own order (TL, TR, BR, BL), as OpenCV gives them:
    # clockwise on the image whatever the page's rotation, about 17 mm apart
    tl, tr, br, _bl = hit.points
    a, b = tr - tl, br - tr
    assert a[0] * b[1] - a[1] * b[0] > 0
    assert np.hypot(*a) == pytest.approx(np.hypot(*b), rel=0.1)


@pytest.fixture(scope="module")
def survey_spec(built):
    return load_forms(Path(built["settings"].templates_dir))["05-02"]


def _box(value: str, state: BoxState, fill: float = 0.0, score: float = 0.0,
         confidence: float = 1.0, faint: bool = False, circled: bool = False) -> BoxEvidence:
    return BoxEvidence(value, state, fill, score, confidence, faint=faint, circled=circled)


def test_a_blank_row_on_a_page_too_noisy_for_pale_pencil_goes_to_review(survey_spec):
    boxes = [_box(v, BoxState.EMPTY) for v in ("tot", "dat", "chua_dat")]
    quiet = decide_choice(survey_spec, "c1.thai_do_giao_tiep", boxes, 2, 1.0,
                          line_floor=T.box_faint_line)
    assert quiet.status is Status.BLANK and not quiet.needs_review
    noisy = decide_choice(survey_spec, "c1.thai_do_giao_tiep", boxes, 2, 1.0,
                          line_floor=T.noisy_page_line_floor + 0.05)
    assert noisy.status is Status.BLANK and noisy.needs_review
    assert codes(noisy.note) == ["note.noisy_page"]
    unticked_flag = decide_choice(survey_spec, "noi_dung.tiep_nhan_xu_ly",
                                  [_box("x", BoxState.EMPTY)], 1, 1.0,
                                  line_floor=T.noisy_page_line_floor + 0.05)
    assert unticked_flag.value is False and unticked_flag.needs_review


def test_a_clear_tick_beside_a_pale_trace_is_the_answer_but_a_pale_fill_is_not(survey_spec):
    trace = _box("chua_dat", BoxState.UNCERTAIN, 0.0, 0.01, 0.35, faint=True)
    tick = _box("tot", BoxState.CHECKED, fill=0.12, score=0.12, confidence=0.9)
    read = decide_choice(survey_spec, "c1.thai_do_giao_tiep",
                         [tick, _box("dat", BoxState.EMPTY), trace], 2, 1.0)
    assert (read.status, read.value) == (Status.OK, "tot") and not read.needs_review
    assert codes(read.note) == ["note.boxes.pale"]
    # a box covered only in pale ink may be a washed-out cancellation: not a clear mark
    pale = _box("tot", BoxState.CHECKED, fill=0.0, score=0.41, confidence=1.0)
    doubt = decide_choice(survey_spec, "c1.thai_do_giao_tiep",
                          [pale, _box("dat", BoxState.EMPTY), trace], 2, 1.0)
    assert doubt.needs_review and doubt.status is Status.UNCERTAIN


def test_a_frequency_read_clearly_goes_to_review_when_the_harassment_row_is_unclear(
        survey_spec):
    from formkit.scan.boxes import apply_conditions

    unclear = decide_choice(survey_spec, "c2.phien_ha",
                            [_box("co", BoxState.EMPTY),
                             _box("khong", BoxState.UNCERTAIN, 0.01, 0.03, 0.35, faint=True)],
                            2, 1.0)
    often = decide_choice(survey_spec, "c2.muc_do",
                          [_box("mot_lan", BoxState.EMPTY),
                           _box("mot_so_lan", BoxState.CHECKED, 0.2, 0.2, 0.95),
                           _box("nhieu_lan", BoxState.EMPTY)], 2, 1.0)
    assert often.status is Status.OK and not often.needs_review
    fields = {"c2.phien_ha": unclear, "c2.muc_do": often}
    apply_conditions(survey_spec, fields)
    assert fields["c2.muc_do"].value == "mot_so_lan"
    assert fields["c2.muc_do"].status is Status.UNCERTAIN and fields["c2.muc_do"].needs_review
    assert codes(fields["c2.muc_do"].note) == ["note.condition.unsettled"]
    assert "c2.phien_ha" in note_text(fields["c2.muc_do"].note)


def test_a_filled_box_with_no_answer_beside_it_goes_to_review_not_to_blank(survey_spec):
    filled = _box("x", BoxState.FILLED, 0.8, 0.95, 0.9)
    flag = decide_choice(survey_spec, "noi_dung.tiep_nhan_xu_ly", [filled], 1, 1.0)
    assert flag.value is False and flag.needs_review
    assert codes(flag.note) == ["note.boxes.filled", "note.lone_fill"]
    row = decide_choice(survey_spec, "c1.thai_do_giao_tiep",
                        [_box("tot", BoxState.FILLED, 0.8, 0.95, 0.9),
                         _box("dat", BoxState.EMPTY), _box("chua_dat", BoxState.EMPTY)], 2, 1.0)
    assert row.status is Status.BLANK and row.needs_review
    # beside a real answer, the filled box is a cancellation and the answer stands
    fixed = decide_choice(survey_spec, "c1.thai_do_giao_tiep",
                          [_box("tot", BoxState.FILLED, 0.8, 0.95, 0.9),
                           _box("dat", BoxState.CHECKED, 0.2, 0.2, 0.95),
                           _box("chua_dat", BoxState.EMPTY)], 2, 1.0)
    assert (fixed.value, fixed.status) == ("dat", Status.OK) and not fixed.needs_review


def test_rows_read_blank_go_to_review_when_the_page_holds_only_pale_traces(survey_spec):
    from formkit.scan.boxes import doubt_blanks_on_pale_pages

    def row(fid: str, boxes) -> object:
        return decide_choice(survey_spec, fid, boxes, 2, 1.0)

    trace = _box("tot", BoxState.UNCERTAIN, 0.0, 0.01, 0.35, faint=True)
    empty = [_box("dat", BoxState.EMPTY), _box("chua_dat", BoxState.EMPTY)]
    pale = [row(f, [trace, *empty]) for f in ("c1.thai_do_giao_tiep", "c1.lang_nghe_y_kien",
                                               "c1.tan_tinh_chu_dao")]
    blank = row("c1.tuan_thu_quy_trinh", [_box("tot", BoxState.EMPTY), *empty])
    assert blank.status is Status.BLANK and not blank.needs_review
    doubt_blanks_on_pale_pages([*pale[:2], blank])  # two pale rows: not yet a pale hand
    assert not blank.needs_review
    doubt_blanks_on_pale_pages([*pale, blank])
    assert blank.status is Status.BLANK and blank.needs_review
    assert codes(blank.note) == ["note.pale_page"]
    # a page of clear ticks keeps its blank rows
    ticked = [row(f, [_box("tot", BoxState.CHECKED, 0.2, 0.2, 0.95), *empty])
              for f in ("c1.thai_do_giao_tiep", "c1.lang_nghe_y_kien", "c1.tan_tinh_chu_dao")]
    other = row("c1.tuan_thu_quy_trinh", [_box("tot", BoxState.EMPTY), *empty])
    doubt_blanks_on_pale_pages([*ticked, other])
    assert not other.needs_review


def test_every_note_the_reader_writes_has_vietnamese_wording(survey_spec):
    from formkit.scan.boxes import apply_conditions, doubt_blanks_on_pale_pages
    from formkit.store.review import note_vn

    trace = _box("tot", BoxState.UNCERTAIN, 0.0, 0.01, 0.35, faint=True)
    empty = [_box("dat", BoxState.EMPTY), _box("chua_dat", BoxState.EMPTY)]
    tick = _box("tot", BoxState.CHECKED, 0.2, 0.2, 0.95)
    filled = _box("tot", BoxState.FILLED, 0.8, 0.95, 0.9)
    row = "c1.thai_do_giao_tiep"
    results = [
        decide_choice(survey_spec, row, [tick, _box("dat", BoxState.CHECKED, 0.2, 0.2, 0.95),
                                         empty[1]], 2, 1.0),                      # multiple
        decide_choice(survey_spec, row, [tick, _box("dat", BoxState.UNCERTAIN, 0.05, 0.05,
                                                    0.3), empty[1]], 2, 1.0),     # unclear
        decide_choice(survey_spec, row, [tick, empty[0],
                                         _box("chua_dat", BoxState.UNCERTAIN, 0.0, 0.01,
                                              0.35, faint=True)], 2, 1.0),        # pale trace
        decide_choice(survey_spec, row, [filled, *empty], 2, 1.0),                # lone fill
        decide_choice(survey_spec, row, [_box("tot", BoxState.UNCERTAIN, 0.0, 0.0, 0.3,
                                              circled=True), *empty], 2, 1.0),    # circled
        decide_choice(survey_spec, "noi_dung.tiep_nhan_xu_ly",
                      [_box("x", BoxState.UNCERTAIN, 0.05, 0.05, 0.3)], 1, 1.0),  # flag unclear
        decide_choice(survey_spec, row, [_box("tot", BoxState.EMPTY), *empty], 2, 1.0,
                      line_floor=T.noisy_page_line_floor + 0.05),                 # noisy page
    ]
    pale = [decide_choice(survey_spec, f, [trace, *empty], 2, 1.0)
            for f in ("c1.lang_nghe_y_kien", "c1.tan_tinh_chu_dao", "c1.tuan_thu_quy_trinh")]
    blank = decide_choice(survey_spec, "c5.muc_do_hai_long",
                          [_box("tot", BoxState.EMPTY), *empty], 2, 1.0)
    doubt_blanks_on_pale_pages([*pale, blank])
    results.append(blank)
    for cond_value, cond_state in (("khong", BoxState.CHECKED), ("khong", BoxState.UNCERTAIN)):
        fields = {
            "c2.phien_ha": decide_choice(survey_spec, "c2.phien_ha",
                                         [_box("co", BoxState.EMPTY),
                                          _box(cond_value, cond_state, 0.2, 0.2, 0.95
                                               if cond_state is BoxState.CHECKED else 0.3)],
                                         2, 1.0),
            "c2.muc_do": decide_choice(survey_spec, "c2.muc_do",
                                       [_box("mot_lan", BoxState.CHECKED, 0.2, 0.2, 0.95),
                                        _box("mot_so_lan", BoxState.EMPTY),
                                        _box("nhieu_lan", BoxState.EMPTY)], 2, 1.0),
        }
        apply_conditions(survey_spec, fields)
        results.append(fields["c2.muc_do"])
    from formkit.scan.boxes import weigh_stray_ink
    from formkit.scan.question import StrayInk

    for stray, answered in ((StrayInk(5.0, {"tot": 5.0}, 5.0), False),
                            (StrayInk(5.0, {"tot": 2.5, "dat": 2.5}, 2.5), False),
                            (StrayInk(5.0, {"dat": 5.0}), True)):
        r = decide_choice(survey_spec, row, [tick if answered else _box("tot", BoxState.EMPTY),
                                             *empty], 2, 1.0)
        weigh_stray_ink(r, stray)
        results.append(r)
    notes = [r.note for r in results]
    assert all(notes), notes
    for note in notes:
        vn = note_vn(note)
        # every part was worded: none of the reader's English is left
        assert not any(w in vn for w in ("the ", " box", "answered", "ticked", "page ")), vn


def test_the_ocr_reasons_for_doubt_are_worded_in_vietnamese_too():
    from formkit._exec.tesseract import OcrWord
    from formkit.scan.text import _assess, _LineRead
    from formkit.store.review import note_vn

    words = [OcrWord(t, c, 0, 0, 10, 10, (1, 1, 1)) for t, c in (
        ("Công", 0.95), ("ty", 0.9), ("rÝŠHH", 0.8), ("ñam", 0.9), ("$%", 0.9), ("hđợc", 0.85),
        ("tnhh", 0.5), ("CaPiTal", 0.9), ("ng", 0.9), ("a1b", 0.9))]
    _mean, _conf, why = _assess([_LineRead(words, ink_width_mm=400.0, ink_height_mm=4.0)])
    assert all(m.code.startswith("note.doubt.") for m in why), why
    assert why[-1].code == "note.doubt.sparse"
    note = join(say("note.text.ink", ink="0.0154"), *why)
    vn = note_vn(note)
    assert vn.startswith("Máy đọc chữ không chắc:") and "×" not in vn, vn
    assert "ink" not in vn and "characters" not in vn, vn
    assert "×" in note_text(note, "en") and "characters for" in note_text(note, "en")
    marks = join(say("note.text.ink", ink="0.0030"), say("note.text.marks_only"))
    assert note_vn(marks) == "Có vài nét nhưng không có chữ."


def test_an_unanswered_row_with_a_mark_by_one_option_reads_it_and_goes_to_review(survey_spec):
    from formkit.scan.boxes import weigh_stray_ink
    from formkit.scan.question import StrayInk

    empty = [_box(v, BoxState.EMPTY) for v in ("tot", "dat", "chua_dat")]
    r = decide_choice(survey_spec, "c1.thai_do_giao_tiep", empty, 2, 1.0)
    assert r.status is Status.BLANK and not r.needs_review
    weigh_stray_ink(r, StrayInk(6.0, {"dat": 5.5, "tot": 0.5}, 5.5))
    assert (r.value, r.status) == ("dat", Status.UNCERTAIN) and r.needs_review
    assert codes(r.note) == ["note.boxes.stray"]
    assert "mark outside the boxes by dat" in note_text(r.note, "en")


def test_a_mark_shared_by_two_options_leaves_the_row_uncertain_without_a_value(survey_spec):
    from formkit.scan.boxes import weigh_stray_ink
    from formkit.scan.question import StrayInk

    empty = [_box(v, BoxState.EMPTY) for v in ("tot", "dat", "chua_dat")]
    r = decide_choice(survey_spec, "c1.thai_do_giao_tiep", empty, 2, 1.0)
    weigh_stray_ink(r, StrayInk(6.0, {"dat": 3.0, "tot": 3.0}, 3.0))
    assert r.value is None and r.status is Status.UNCERTAIN and r.needs_review


def test_a_speck_sized_stray_trace_leaves_a_blank_row_blank(survey_spec):
    from formkit.scan.boxes import weigh_stray_ink
    from formkit.scan.question import StrayInk

    empty = [_box(v, BoxState.EMPTY) for v in ("tot", "dat", "chua_dat")]
    r = decide_choice(survey_spec, "c1.thai_do_giao_tiep", empty, 2, 1.0)
    weigh_stray_ink(r, StrayInk(T.stray_ink_min_mm2 / 2, {"dat": T.stray_ink_min_mm2 / 2},
                                T.stray_ink_min_mm2 / 2))
    assert r.status is Status.BLANK and not r.needs_review
    # pen slips add up to more, but none of them is a mark of that size
    weigh_stray_ink(r, StrayInk(3 * T.stray_ink_min_mm2, {"dat": 3 * T.stray_ink_min_mm2},
                                T.stray_ink_min_mm2 / 2))
    assert r.status is Status.BLANK and not r.needs_review


def test_an_unticked_flag_with_a_tick_beside_it_reads_ticked_for_review(survey_spec):
    from formkit.scan.boxes import weigh_stray_ink
    from formkit.scan.question import StrayInk

    r = decide_choice(survey_spec, "noi_dung.tiep_nhan_xu_ly", [_box("x", BoxState.EMPTY)],
                      1, 1.0)
    assert r.value is False and not r.needs_review
    weigh_stray_ink(r, StrayInk(4.0, {"x": 4.0}, 4.0))
    assert r.value is True and r.needs_review


def test_a_tick_with_a_second_mark_by_another_option_goes_to_review(survey_spec):
    from formkit.scan.boxes import weigh_stray_ink
    from formkit.scan.question import StrayInk

    boxes = [_box("tot", BoxState.CHECKED, 0.2, 0.2, 0.95), _box("dat", BoxState.EMPTY),
             _box("chua_dat", BoxState.EMPTY)]
    r = decide_choice(survey_spec, "c1.thai_do_giao_tiep", boxes, 2, 1.0)
    assert r.value == "tot" and not r.needs_review
    weigh_stray_ink(r, StrayInk(3.0, {"tot": 1.0}))  # the tick's own arm running out
    assert not r.needs_review
    weigh_stray_ink(r, StrayInk(9.0, {"chua_dat": 9.0}))  # a circle round another option
    assert r.value == "tot" and r.needs_review


@pytest.mark.slow
def test_reverse_side_showing_through_thin_paper_is_not_read_as_marks(built, tmp_path):
    """A sheet printed on both sides: each page carries its reverse, mirrored, at a fifth of
    its darkness, answers included. The reverse's marks and print behind an empty box must
    not be read as an answer there; the page's own answers still read."""
    res = built["survey"]
    pages = [render_page(res.pdf, i, DPI) for i in range(2)]
    fill_sheet(pages, res.layout, ANSWERS, DPI, "x")
    seen = []
    for i, img in enumerate(pages):
        back = np.fliplr(pages[1 - i]).astype(np.float32)
        back = cv2.resize(back, (img.shape[1], img.shape[0]))
        through = 255 - (255 - back) * 0.2
        seen.append(np.minimum(img.astype(np.float32), through).astype(np.uint8))
    sheet = _read(built, seen, tmp_path)
    for fid, f in sheet.fields.items():
        if f.kind == "text" or fid not in ANSWERS and f.status is Status.UNREADABLE:
            continue
        want = ANSWERS.get(fid)
        if f.needs_review:
            continue  # a person looks: never a silent error
        if want is None:
            assert f.status is Status.BLANK, f"{fid}: read {f.value!r} ({f.note})"
        else:
            assert f.value == want, f"{fid}: read {f.value!r}, answered {want!r} ({f.note})"
    answered = [fid for fid in ANSWERS if ANSWERS[fid] is not None]
    assert sum(not sheet.fields[fid].needs_review for fid in answered) >= len(answered) - 2


@pytest.mark.slow
def test_page_that_does_not_lie_flat_is_read_where_its_boxes_moved(built, tmp_path):
    """A curled sheet: the middle of each page moves 2.4 mm against the registration marks
    at its corners, beyond where a box is looked for around its place. The boxes found near
    their places say how the page moved; every answer still reads, without review."""
    res = built["survey"]
    pages = [render_page(res.pdf, i, DPI) for i in range(2)]
    fill_sheet(pages, res.layout, ANSWERS, DPI, "x")
    curled = []
    for img in pages:
        h, w = img.shape
        ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
        bulge = np.sin(np.pi * xs / w) * np.sin(np.pi * ys / h) * _px(2.4)
        curled.append(cv2.remap(img, xs + 0.6 * bulge, ys + 0.8 * bulge, cv2.INTER_LINEAR,
                                borderMode=cv2.BORDER_CONSTANT, borderValue=255))
    _assert_every_answer_reads_clearly(_read(built, curled, tmp_path))
