"""The department's own survey form (no marks, no QR code) read by its wording: real
LibreOffice prints the DOCX variants, real Tesseract reads the pages (issue 19)."""

from __future__ import annotations

from pathlib import Path

import pytest

from formkit.config import load_settings
from formkit.scan import legacy
from formkit.scan.batch import READ, REJECTED, read_paths
from formkit_dev import legacy_forms as L

ROOT = Path(__file__).resolve().parents[1]
#: fields of the two kept one-page scans sent to review (of 32); see the test at the end
FLAGGED_MAX = 4  # 2 when this was written


@pytest.fixture(scope="module")
def printed(tmp_path_factory) -> dict[str, Path]:
    return L.build_pdfs(tmp_path_factory.mktemp("print"), ["bang_serif", "mot_trang"])


def _check_no_silent_errors(sheet, truth: dict) -> None:
    for fid, want in truth.items():
        f = sheet.fields[fid]
        if f.needs_review or f.kind == "text":
            continue
        got = bool(f.value) if f.kind == "flag" else f.value
        assert got == (bool(want) if f.kind == "flag" else want), (fid, f)


def test_two_page_copies_are_joined_by_order_and_a_foreign_page_is_rejected(printed, tmp_path):
    pdf, truth = L.make_batch(tmp_path, "bang_serif", "office", 2, seed=3, pdfs=printed,
                              foreign=True)
    rep = read_paths(load_settings(ROOT), [pdf])
    outcomes = [p.outcome for p in rep.pages]
    assert outcomes == [READ, READ, REJECTED, READ, READ]
    assert "không đọc được là phiếu khảo sát" in str(rep.pages[2].reason)
    assert all(p.reason == legacy.READ_BY_WORDING for p in rep.pages if p.outcome == READ)
    assert [p.form_page for p in rep.pages if p.outcome == READ] == [1, 2, 1, 2]
    assert len(rep.sheets) == 2 and all(s.complete for s in rep.sheets)
    assert all(s.layout == legacy.LAYOUT_ID for s in rep.sheets)
    for s, t in zip(rep.sheets, truth, strict=True):
        _check_no_silent_errors(s, t)


def test_one_page_print_holds_both_parts_and_a_missing_page_two_is_unreadable(printed,
                                                                              tmp_path):
    pdf, truth = L.make_batch(tmp_path, "mot_trang", "office", 2, seed=5, pdfs=printed)
    rep = read_paths(load_settings(ROOT), [pdf])
    assert [p.outcome for p in rep.pages] == [READ, READ]
    assert len(rep.sheets) == 2 and all(s.complete for s in rep.sheets)
    for s, t in zip(rep.sheets, truth, strict=True):
        _check_no_silent_errors(s, t)
    # page 1 of a two-page copy alone: its part-2 fields are unreadable, never blank
    lone, _ = L.make_batch(tmp_path / "lone", "bang_serif", "office", 1, seed=9, pdfs=printed)
    from formkit.scan import load

    only_first = L.save_pdf([next(load.iter_pages(lone)).image], 300, tmp_path / "p1.pdf")
    rep = read_paths(load_settings(ROOT), [only_first])
    s = rep.sheets[0]
    assert not s.complete
    assert s.fields["c5.muc_do_hai_long"].status.value == "unreadable"


def test_kept_scans_of_the_one_page_print_are_read_with_no_silent_error():
    """tests/data/legacy_mot_trang.pdf: two filled one-page copies made by
    formkit_dev.legacy_forms.make_batch("mot_trang", "office", 2, seed=41, foreign=True)
    (the foreign page left out), kept as the reader sees them (200 dpi, JPEG quality 70):
    read without LibreOffice."""
    import json

    data = ROOT / "tests" / "data"
    pdf = data / "legacy_mot_trang.pdf"
    truth = json.loads((data / "legacy_mot_trang.truth.json").read_text("utf-8"))
    rep = read_paths(load_settings(ROOT), [pdf])
    assert [p.outcome for p in rep.pages] == [READ, READ]
    assert len(rep.sheets) == 2 and all(s.complete for s in rep.sheets)
    for s, t in zip(rep.sheets, truth, strict=True):
        _check_no_silent_errors(s, t)
    flagged = [(f.field, f.note) for s in rep.sheets for f in s.fields.values()
               if f.needs_review]
    assert len(flagged) <= FLAGGED_MAX, flagged
