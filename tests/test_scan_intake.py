"""Page intake: every page of a long scanner PDF comes out once, in order, while the PDF is
reopened now and then to keep memory flat."""

from __future__ import annotations

import numpy as np
from PIL import Image

from formkit.scan import load


def test_a_long_pdf_gives_every_page_once_in_order_across_reopenings(tmp_path, monkeypatch):
    monkeypatch.setattr(load, "PDF_REOPEN_PAGES", 3)
    tones = [20 * i + 40 for i in range(8)]
    pages = [Image.new("L", (170, 240), t) for t in tones]
    pdf = tmp_path / "scan.pdf"
    pages[0].save(pdf, save_all=True, append_images=pages[1:], resolution=20)
    read = list(load.iter_pages(pdf))
    assert [p.index for p in read] == list(range(1, 9))
    assert all(p.ok and p.dpi == load.PDF_RENDER_DPI for p in read)
    got = [int(np.median(p.image)) for p in read]
    assert all(abs(g - t) <= 2 for g, t in zip(got, tones, strict=True)), got
    # each page is its own array, not a view of a freed PDFium bitmap
    assert all(p.image.flags.owndata for p in read)


def test_a_pdf_removed_while_being_read_ends_its_pages_with_a_reason(tmp_path, monkeypatch):
    monkeypatch.setattr(load, "PDF_REOPEN_PAGES", 2)
    pages = [Image.new("L", (170, 240), 40 * i) for i in range(5)]
    pdf = tmp_path / "scan.pdf"
    pages[0].save(pdf, save_all=True, append_images=pages[1:], resolution=20)
    it = load.iter_pages(pdf)
    read = [next(it), next(it)]
    pdf.unlink()  # the scanner's share went away
    read += list(it)
    assert [p.index for p in read] == [1, 2, 3, 4, 5]
    assert [p.ok for p in read] == [True, True, False, False, False]
    assert read[2].error.code == "page.pdf_gone"
    assert "copy it again" in read[2].error.en() and "chép lại" in read[2].error.vi()
