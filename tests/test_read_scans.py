"""Round trips: a built form, printed to an image, ticked, degraded, read back."""

from __future__ import annotations

import os
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from formkit.catalogue import say
from formkit.notes import codes
from formkit.scan import read_paths
from formkit.scan.result import Status

from .scanhelp import ANSWERS, fill_sheet, one_bit, photocopy, render_page, transform

pytestmark = pytest.mark.slow


def _sheet_pages(built, copy: int = 0, dpi: float = 200, style: str = "x",
                 answers: dict | None = None):
    res = built["survey"]
    pages = [render_page(res.pdf, 2 * copy + i, dpi) for i in range(2)]
    fill_sheet(pages, res.layout, answers or ANSWERS, dpi, style)
    return pages


def _check(sheet, answers=ANSWERS):
    for fid, want in answers.items():
        f = sheet.fields[fid]
        assert f.status is Status.OK, f"{fid}: {f.status} {f.note}"
        assert f.value == want, f"{fid}: read {f.value!r}, expected {want!r}"
        assert not f.needs_review, f"{fid} flagged (confidence {f.confidence:.2f})"
    assert sheet.fields["noi_dung.giai_quyet_tthc"].value is False
    assert sheet.fields["c2.muc_do"].status is Status.BLANK


def _read(settings, paths, **kw):
    return read_paths(settings, [Path(p) for p in paths], ocr=False, **kw)


@pytest.mark.parametrize("angle,scale,rot90,crop", [
    (0, 1.0, 0, 0), (3.5, 0.92, 1, 0), (-5, 1.0, 2, 0), (2, 0.95, 3, 5), (-1, 1.1, 0, 0),
    (-1, 1.05, 0, 4), (-1.5, 1.1, 2, 0), (5, 0.9, 1, 5),
])
def test_pages_in_any_orientation_skewed_scaled_and_cropped_read_right(
        built, tmp_path, angle, scale, rot90, crop):
    pages = _sheet_pages(built)
    paths = []
    for i, img in enumerate(pages):
        out = tmp_path / f"p{i}.jpg"
        cv2.imwrite(str(out), transform(img, angle, scale, rot90, crop), [
            cv2.IMWRITE_JPEG_QUALITY, 80])
        paths.append(out)
    report = _read(built["settings"], paths[::-1])  # page order does not matter
    assert [p.outcome for p in report.pages] == ["read", "read"]
    assert len(report.sheets) == 1 and report.sheets[0].complete
    assert report.sheets[0].serial == 1
    _check(report.sheets[0])


def test_a_phone_photo_with_a_15_percent_keystone_reads_right(built, tmp_path):
    # the phone tilted: the page's top edge 15 % narrower than its bottom, turned 6°, on a
    # dark desk. The marks beside the QR code alone would put the far marks ~30 mm off
    paths = []
    for i, img in enumerate(_sheet_pages(built, 1, dpi=300)):
        h, w = img.shape
        fw, fh = 3000, 4000
        k = 0.85 * fh / h
        quad = np.array([[-w * k / 2 * 0.85, -h * k / 2], [w * k / 2 * 0.85, -h * k / 2],
                         [w * k / 2, h * k / 2], [-w * k / 2, h * k / 2]])
        t = np.radians(-6)
        quad = quad @ np.array([[np.cos(t), -np.sin(t)], [np.sin(t), np.cos(t)]]).T
        quad += [fw / 2, fh / 2]
        src = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
        m = cv2.getPerspectiveTransform(src, quad.astype(np.float32))
        photo = cv2.warpPerspective(img, m, (fw, fh), flags=cv2.INTER_AREA, borderValue=60)
        out = tmp_path / f"photo{i}.jpg"
        cv2.imwrite(str(out), photo, [cv2.IMWRITE_JPEG_QUALITY, 85])
        paths.append(out)
    report = _read(built["settings"], paths)
    assert report.count("read") == 2, [(p.file, p.reason) for p in report.pages]
    assert report.sheets[0].serial == 2
    _check(report.sheets[0])


def test_photocopied_150dpi_and_one_bit_300dpi_tiff_read_right(built, tmp_path):
    a = [photocopy(transform(p, 1.5, 0.97)) for p in _sheet_pages(built, 1, dpi=150)]
    b = [one_bit(transform(p, -2, 1.0, 2)) for p in _sheet_pages(built, 2, dpi=300)]
    cv2.imwrite(str(tmp_path / "copy1.png"), a[0])
    cv2.imwrite(str(tmp_path / "copy2.png"), a[1])
    frames = [Image.fromarray(x).convert("1") for x in b]
    frames[0].save(tmp_path / "onebit.tif", save_all=True, append_images=frames[1:],
                   compression="group4", dpi=(300, 300))
    report = _read(built["settings"], [tmp_path])
    assert report.count("read") == 4, [(p.file, p.reason) for p in report.pages]
    assert sorted(s.serial for s in report.sheets) == [2, 3]
    for s in report.sheets:
        _check(s)


def test_a_600_dpi_one_bit_tiff_is_averaged_down_and_reads_right(built, tmp_path):
    from formkit.scan.load import iter_pages

    pages = [one_bit(transform(p, 1.0, 1.0, 1)) for p in _sheet_pages(built, 0, dpi=600)]
    frames = [Image.fromarray(x).convert("1") for x in pages]
    tif = tmp_path / "fine.tif"
    frames[0].save(tif, save_all=True, append_images=frames[1:], compression="group4",
                   dpi=(600, 600))
    loaded = next(iter_pages(tif))
    # 2 × 2 pixels averaged into one: a 300-dpi grey page, the 1-bit specks turned grey
    assert loaded.dpi == pytest.approx(300) and loaded.image.shape[0] == pages[0].shape[0] // 2
    assert len(np.unique(loaded.image)) > 2
    report = _read(built["settings"], [tif])
    assert report.count("read") == 2, [(p.file, p.reason) for p in report.pages]
    _check(report.sheets[0])


def test_each_page_gets_an_overlay_with_boxes_coloured_by_state_and_a_legend(built, tmp_path):
    from formkit.scan.batch import STATE_COLOURS
    from formkit.scan.result import BoxState

    paths = []
    for i, img in enumerate(_sheet_pages(built, 0)):
        paths.append(tmp_path / f"p{i}.png")
        cv2.imwrite(str(paths[-1]), img)
    report = _read(built["settings"], paths, out_dir=tmp_path / "out")
    layout = built["survey"].layout
    for outcome in report.pages:
        overlay = cv2.imread(outcome.overlay)
        page = layout.page(outcome.form_page)
        strip = overlay.shape[0] - round(layout.page_size[1] * 4)  # 4 px/mm, under the legend
        assert 20 <= strip <= 30
        assert (np.abs(overlay[:strip].astype(int) - STATE_COLOURS[BoxState.CHECKED])
                .sum(axis=2) < 30).any(), "legend shows the colours"
        for box in page.boxes:
            want = ANSWERS.get(box.field)
            ticked = want is True and box.value == "x" or want == box.value
            x = int((box.rect.x - 0.8) * 4)
            y = int(box.rect.cy * 4) + strip
            colour = STATE_COLOURS[BoxState.CHECKED if ticked else BoxState.EMPTY]
            edge = overlay[y - 1:y + 2, x - 1:x + 2].reshape(-1, 3).astype(int)
            assert (np.abs(edge - colour).sum(axis=1) < 30).any(), (box.field, box.value)


def test_scanner_pdf_with_pages_of_two_copies_in_any_order(built, tmp_path):
    imgs = _sheet_pages(built, 0) + _sheet_pages(built, 1, style="tick")
    order = [3, 0, 2, 1]
    frames = [Image.fromarray(imgs[i]).convert("L") for i in order]
    pdf = tmp_path / "scan.pdf"
    frames[0].save(pdf, save_all=True, append_images=frames[1:], resolution=200)
    report = _read(built["settings"], [pdf])
    assert report.count("read") == 4
    assert sorted(s.serial for s in report.sheets) == [1, 2]
    for s in report.sheets:
        _check(s)


def test_filled_box_cancels_and_the_other_tick_counts(built, tmp_path):
    res = built["survey"]
    pages = _sheet_pages(built, 0, answers={**ANSWERS, "c1.thai_do_giao_tiep": "dat"})
    # the respondent first ticked "tot", then blacked it out
    fill_sheet(pages, res.layout, {"c1.thai_do_giao_tiep": "tot"}, 200, "fill")
    for i, img in enumerate(pages):
        cv2.imwrite(str(tmp_path / f"p{i}.png"), img)
    report = _read(built["settings"], [tmp_path])
    f = report.sheets[0].fields["c1.thai_do_giao_tiep"]
    assert (f.value, f.status) == ("dat", Status.OK)
    assert "note.boxes.filled" in codes(f.note)
    # the batch JSON keeps the code and both texts of each note
    field = report.to_json()["sheets"][0]["fields"]["c1.thai_do_giao_tiep"]
    assert field["notes"][0] == {"code": "note.boxes.filled", "params": {"boxes": "tot"},
                                 "vi": "Ô tô kín (coi là hủy): tot.",
                                 "en": "cancelled by filling: tot"}


def test_two_ticks_in_one_row_are_multiple_and_contradiction_is_flagged(built, tmp_path):
    res = built["survey"]
    pages = _sheet_pages(built, 0, answers={**ANSWERS, "c2.muc_do": "pho_bien"})
    fill_sheet(pages, res.layout, {"c3.chinh_xac_khach_quan": "tot"}, 200)
    for i, img in enumerate(pages):
        cv2.imwrite(str(tmp_path / f"p{i}.png"), img)
    sheet = _read(built["settings"], [tmp_path]).sheets[0]
    assert sheet.fields["c3.chinh_xac_khach_quan"].status is Status.MULTIPLE
    assert sheet.fields["c2.muc_do"].status is Status.CONTRADICTION
    assert sheet.fields["c3.chinh_xac_khach_quan"].needs_review
    assert sheet.fields["c2.muc_do"].needs_review


def test_light_pencil_ticks_are_not_read_as_blank(built, tmp_path):
    pages = _sheet_pages(built, 0, style="pencil")
    for i, img in enumerate(pages):
        cv2.imwrite(str(tmp_path / f"p{i}.png"), img)
    sheet = _read(built["settings"], [tmp_path]).sheets[0]
    for fid, want in ANSWERS.items():
        f = sheet.fields[fid]
        # either read right, or sent to a person: never silently blank or wrong
        assert (f.value == want and f.status is Status.OK) or f.needs_review, fid


def test_bad_pages_are_reported_and_the_batch_goes_on(built, tmp_path):
    pages = _sheet_pages(built, 0)
    good = tmp_path / "good"
    good.mkdir()
    for i, img in enumerate(pages):
        cv2.imwrite(str(good / f"p{i}.png"), img)
    bad = tmp_path / "bad"
    bad.mkdir()
    data = (good / "p0.png").read_bytes()
    (bad / "truncated.png").write_bytes(data[: len(data) // 3])
    cv2.imwrite(str(bad / "blank.png"), np.full((2339, 1654), 255, np.uint8))
    other = np.full((2339, 1654), 255, np.uint8)
    cv2.putText(other, "Some other letter, no QR code", (100, 400), cv2.FONT_HERSHEY_SIMPLEX,
                2, 0, 3)
    cv2.imwrite(str(bad / "other.png"), other)
    (bad / "notes.txt").write_text("hello")
    dup = tmp_path / "dup"
    dup.mkdir()
    cv2.imwrite(str(dup / "again.jpg"), pages[0])  # the same sheet scanned twice
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    report = _read(built["settings"], [good, bad, dup])
    outcomes = {Path(p.file).name: (p.outcome, getattr(p.reason, "code", p.reason))
                for p in report.pages}
    assert outcomes["p0.png"][0] == outcomes["p1.png"][0] == "read"
    assert outcomes["truncated.png"] == ("rejected", "page.unreadable_image")
    assert outcomes["blank.png"] == ("rejected", "page.blank")
    assert outcomes["other.png"][1] == "page.no_qr"
    assert outcomes["notes.txt"][1] == "page.unsupported_type"
    assert outcomes["again.jpg"][0] == "duplicate"
    assert len(report.sheets) == 1
    after = {p: p.read_bytes() for p in before}
    assert after == before, "input files were modified"


def test_files_are_read_by_what_they_hold_not_by_their_name(built, tmp_path):
    pages = _sheet_pages(built, 1)
    cv2.imwrite(str(tmp_path / "page1.png"), pages[0])
    (tmp_path / "page1.png").rename(tmp_path / "scan_from_phone.pdf")  # a PNG named .pdf
    Image.fromarray(pages[1]).save(tmp_path / "page2.gif")
    (tmp_path / "cut_short.jpg").write_bytes(b"")
    (tmp_path / "not_a_pdf.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
    (tmp_path / "answers.odt").write_bytes(b"PK\x03\x04 an OpenDocument text")
    report = _read(built["settings"], [tmp_path])
    outcomes = {Path(p.file).name: (p.outcome, p.reason) for p in report.pages}
    assert outcomes["scan_from_phone.pdf"][0] == outcomes["page2.gif"][0] == "read"
    assert outcomes["cut_short.jpg"][0] == "rejected"
    assert outcomes["cut_short.jpg"][1].code == "page.empty_file"
    assert outcomes["not_a_pdf.pdf"][0] == "rejected"
    assert outcomes["not_a_pdf.pdf"][1].code == "page.unreadable_pdf"
    assert "quét lại" in outcomes["not_a_pdf.pdf"][1].vi()
    assert outcomes["answers.odt"][0] == "rejected"
    assert outcomes["answers.odt"][1] == say("page.word_document", ext=".odt")
    assert ".docx" in outcomes["answers.odt"][1].vi()
    assert report.sheets[0].complete
    _check(report.sheets[0])


def test_unknown_layout_version_is_refused_not_guessed(built, tmp_path):
    from formkit.identity import PageIdentity
    from formkit.render.images import qr_png

    res = built["survey"]
    img = render_page(res.pdf, 0)
    q = res.layout.pages[0].qr
    fake = PageIdentity("05-02", "deadbeef", 2026, "QLCN", 9, 1, 2).encode()
    qr = cv2.imdecode(np.frombuffer(qr_png(fake), np.uint8), cv2.IMREAD_GRAYSCALE)
    ppm = 200 / 25.4
    size = int(round(q.w * ppm))
    x, y = int(round(q.x * ppm)), int(round(q.y * ppm))
    img[y:y + size, x:x + size] = cv2.resize(qr, (size, size), interpolation=cv2.INTER_AREA)
    cv2.imwrite(str(tmp_path / "old.png"), img)
    report = _read(built["settings"], [tmp_path / "old.png"])
    assert report.pages[0].outcome == "rejected"
    assert report.pages[0].reason.code == "page.unknown_layout"
    assert report.pages[0].reason.params["layout"] == "deadbeef"


def test_register_page_is_rejected_as_another_form(built, tmp_path):
    img = render_page(built["register"].pdf, 0)
    cv2.imwrite(str(tmp_path / "reg.png"), img)
    report = _read(built["settings"], [tmp_path / "reg.png"])
    assert report.pages[0].outcome == "rejected"
    assert report.pages[0].reason.code == "page.not_survey"


def test_the_printable_pdf_itself_among_the_scans_is_rejected_as_a_blank_form(built):
    report = _read(built["settings"], [built["survey"].pdf])
    assert report.sheets == []
    assert {p.outcome for p in report.pages} == {"rejected"}
    assert all(p.reason == say("page.blank_form") for p in report.pages)


def test_formkit_read_exits_0_past_blank_back_sides_and_10_on_a_bad_page(built, tmp_path):
    import subprocess
    import sys

    folder = tmp_path / "duplex"
    folder.mkdir()
    for i, img in enumerate(_sheet_pages(built, 2)):
        cv2.imwrite(str(folder / f"p{2 * i + 1}.png"), img)
        cv2.imwrite(str(folder / f"p{2 * i + 2}.png"), np.full_like(img, 250))  # back side
    def formkit_read() -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "formkit.cli", "read", str(folder), "--no-ocr", "--dry-run",
             "--workspace", str(built["settings"].workspace)],
            capture_output=True, text=True, env={**os.environ, "COLUMNS": "200"})

    done = formkit_read()
    assert done.returncode == 0, done.stdout + done.stderr
    assert "blank pages: 2" in done.stdout
    (folder / "torn.png").write_bytes((folder / "p1.png").read_bytes()[:5000])
    again = formkit_read()
    assert again.returncode == 10, again.stdout + again.stderr
    assert "1 trang bị loại" in again.stdout + again.stderr
    # the terminal report words each reason from the catalogue, in Vietnamese
    table = " ".join(again.stdout.split())
    assert "Trang trắng." in table and "blank page │" not in table
    assert "Ảnh không đọc được" in table and "unreadable" not in table


@pytest.mark.parametrize("style", ["circle_box", "tick_beside_right", "underline_label",
                                   "x_on_label", "circle_label"])
def test_marks_outside_the_box_are_read_as_their_option_and_never_as_blank(
        built, tmp_path, style):
    """A circle round a box or its label, a tick beside the box, a line under the label or
    a cross on it: the row is not blank; the option is named and a person confirms it."""
    from formkit_dev import handmarks

    dpi = 200
    ppm = dpi / 25.4
    res = built["survey"]
    pages = [render_page(res.pdf, 2 * 2 + i, dpi) for i in range(2)]
    rng = np.random.default_rng(5)
    answers = {"c1.thai_do_giao_tiep": "tot", "c1.tan_tinh_chu_dao": "chua_dat",
               "c3.chinh_xac_khach_quan": "dat", "c5.muc_do_hai_long": "tot",
               "noi_dung.tiep_nhan_xu_ly": True}
    for img, page in zip(pages, res.layout.pages, strict=True):
        clean = img.copy()
        for box in page.boxes:
            want = answers.get(box.field)
            if want is True and box.value == "x" or want == box.value:
                r = box.rect
                handmarks.draw(img, style, (r.x, r.y, r.w, r.h),
                               handmarks.label_rect(clean, r, ppm), ppm, rng,
                               handmarks.PENS["ballpoint"])
    paths = []
    for i, img in enumerate(pages):
        paths.append(tmp_path / f"p{i}.jpg")
        cv2.imwrite(str(paths[-1]), transform(img, 0.8, 1.0), [cv2.IMWRITE_JPEG_QUALITY, 85])
    sheet = _read(built["settings"], paths).sheets[0]
    for fid, want in answers.items():
        f = sheet.fields[fid]
        assert f.needs_review or f.value == want, f"{fid}: {f.value!r} {f.status} {f.note}"
        assert f.needs_review or f.status is Status.OK, f"{fid}: confidently {f.status}"
    for fid in ("c2.phien_ha", "c4.dung_thoi_han"):  # far from every mark
        assert sheet.fields[fid].status is Status.BLANK, sheet.fields[fid].note
