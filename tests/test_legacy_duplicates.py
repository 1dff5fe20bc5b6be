"""Sheets without a serial (issue 19): a re-scan of the same paper is recognised by the ink
of its answers and not counted twice; another respondent who ticked the same boxes is kept.
Real LibreOffice prints the form, real Tesseract reads it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from formkit.config import load_settings
from formkit.scan.batch import DUPLICATE, READ, read_paths
from formkit.scan.legacy_fingerprint import Fingerprint, similarity
from formkit_dev import legacy_forms as L

ROOT = Path(__file__).resolve().parents[1]
PPM = 300 / 25.4

#: many marks and some writing: enough ink for a sure decision either way
ANSWERS = {"noi_dung.tiep_nhan_xu_ly": True, "noi_dung.giai_quyet_tthc": True,
           "c1.thai_do_giao_tiep": "tot", "c1.lang_nghe_y_kien": "dat",
           "c1.tan_tinh_chu_dao": "tot", "c1.tuan_thu_quy_trinh": "chua_dat",
           "c2.phien_ha": "khong", "c2.muc_do": None, "c3.chinh_xac_khach_quan": "dat",
           "c4.dung_thoi_han": "tot", "c5.muc_do_hai_long": "tot",
           "to_chuc": "Công ty TNHH Minh Phát", "noi_dung.chi_tiet": None,
           "c1.y_kien_khac": None, "c3.y_kien_khac": None, "c4.y_kien_khac": None}


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    pdfs = L.build_pdfs(tmp_path_factory.mktemp("print"), ["mot_trang"])
    return L.render(pdfs["mot_trang"], PPM)


def test_rescan_of_a_sheet_is_a_duplicate_and_a_sheet_ticked_alike_is_kept(printed, tmp_path):
    rng = np.random.default_rng(21)
    sheet = L.fill(printed, PPM, rng, answers=ANSWERS)
    other = L.fill(printed, PPM, rng, answers=ANSWERS)  # another hand, the same answers
    first = L.save_pdf([L.degrade(sheet.pages[0], PPM, "office", rng)[0],
                        L.degrade(other.pages[0], PPM, "office", rng)[0]], 300,
                       tmp_path / "batch.pdf")
    # the same paper again, later: another shift, turn and noise
    again, dpi = L.degrade(sheet.pages[0], PPM, "office", rng)
    second = L.save_pdf([again], dpi, tmp_path / "again.pdf")
    rep = read_paths(load_settings(ROOT), [first, second])
    assert [p.outcome for p in rep.pages] == [READ, READ, DUPLICATE], \
        [(p.outcome, p.reason) for p in rep.pages]
    assert "batch.pdf trang 1" in str(rep.pages[2].reason)
    assert "không tính hai lần" in str(rep.pages[2].reason)
    assert len(rep.sheets) == 2


def test_fingerprint_survives_its_stored_form():
    g = np.zeros((32, 32), np.float32)
    g[10:20, 12] = 1.0
    fp = Fingerprint((1, 2), {"c5.muc_do_hai_long=tot": g, "c5.muc_do_hai_long=dat": g * 0},
                     {"c5.muc_do_hai_long=tot"})
    back = Fingerprint.from_json(fp.to_json())
    assert back.parts == (1, 2) and back.inked == fp.inked
    assert similarity(fp, back) > 0.99
    other = Fingerprint((1, 2), {"c5.muc_do_hai_long=tot": g.T}, {"c5.muc_do_hai_long=tot"})
    assert similarity(fp, other) < 0.5
    assert similarity(fp, Fingerprint((1,), fp.elements, fp.inked)) == 0.0


def test_rescan_in_a_later_batch_is_found_by_the_stored_fingerprints(printed, workspace,
                                                                      tmp_path):
    from formkit.app.intake import read
    from formkit.store import fingerprints, open_store

    rng = np.random.default_rng(33)
    sheet = L.fill(printed, PPM, rng, answers=ANSWERS)
    first = L.save_pdf([L.degrade(sheet.pages[0], PPM, "office", rng)[0]], 300,
                       tmp_path / "thang3.pdf")
    rep1 = read(workspace, [first], jobs=1)
    assert [p.outcome for p in rep1.pages] == [READ]
    with open_store(workspace) as st:
        kept = fingerprints.known(st)
    assert len(kept) == 1 and kept[0][1].endswith("thang3.pdf trang 1")
    again = L.save_pdf([L.degrade(sheet.pages[0], PPM, "office", rng)[0]], 300,
                       tmp_path / "thang4.pdf")
    rep2 = read(workspace, [again], jobs=1)
    assert [p.outcome for p in rep2.pages] == [DUPLICATE], rep2.pages[0].reason
    assert "thang3.pdf trang 1" in str(rep2.pages[0].reason) and "lô" in str(rep2.pages[0].reason)
    assert not rep2.sheets
    with open_store(workspace) as st:
        assert len(fingerprints.known(st)) == 1  # a duplicate is not kept again
