"""Hostile inputs: no traceback on any file, and every page gets a row of its own."""

from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import cv2
import numpy as np
import pytest

from .conftest import make_workspace


def _png_header_only(path: Path, w: int, h: int) -> None:
    """A PNG that claims w×h pixels but holds almost nothing (a decompression bomb)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(
            ">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    head = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
    path.write_bytes(head + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b""))


def _text_pdf(path: Path, pages: int) -> None:
    """A PDF with a text layer (matplotlib's PDF backend writes real text), not a form."""
    from matplotlib.backends.backend_pdf import PdfPages
    from matplotlib.figure import Figure

    with PdfPages(path) as pdf:
        for i in range(pages):
            fig = Figure(figsize=(8.27, 11.69))
            fig.text(0.1, 0.9, f"Công văn số {i + 1}: nội dung không phải phiếu khảo sát")
            pdf.savefig(fig)


def _read(ws: Path, *paths: Path | bytes) -> tuple[subprocess.CompletedProcess, dict]:
    out = ws / "report.json"
    args = [os.fsencode(p) if isinstance(p, Path) else p for p in paths]
    done = subprocess.run([os.fsencode(sys.executable), b"-m", b"formkit.cli", b"read", *args,
                           b"--no-ocr", b"--workspace", os.fsencode(ws), b"--json",
                           os.fsencode(out)],
                          capture_output=True, env={**os.environ, "COLUMNS": "250"})
    text = (done.stdout + done.stderr).decode("utf-8", "replace")
    assert "Traceback" not in text, text
    assert done.returncode in (0, 10), text
    return done, json.loads(out.read_text(encoding="utf-8"))


@pytest.fixture
def ws(tmp_path):
    return make_workspace(tmp_path / "ws").workspace


def test_a_100000_by_10_pixel_png_is_rejected_with_a_reason(ws, tmp_path):
    wide = tmp_path / "wide.png"
    cv2.imwrite(str(wide), np.full((10, 100000), 255, np.uint8))
    tall = tmp_path / "tall.png"
    cv2.imwrite(str(tall), np.full((100000, 10), 255, np.uint8))
    dot = tmp_path / "dot.png"
    cv2.imwrite(str(dot), np.zeros((1, 1), np.uint8))
    _done, report = _read(ws, wide, tall, dot)
    assert [p["outcome"] for p in report["pages"]] == ["rejected"] * 3
    # the JSON keeps the code and both texts of the catalogue
    reasons = [p["reason"] for p in report["pages"]]
    assert [r["code"] for r in reasons] == ["page.not_a_page"] * 3
    assert all("px" in r["en"] and "điểm ảnh" in r["vi"] for r in reasons), reasons


def test_a_file_name_that_is_not_utf8_is_read_and_reported(ws, tmp_path):
    folder = os.fsencode(tmp_path / "in")
    os.mkdir(folder)
    name = os.path.join(folder, b"phi\xeau_\xff.png")  # Latin-1 bytes: not valid UTF-8
    cv2.imwrite("/tmp/_x.png", np.full((50, 50), 255, np.uint8))
    with open(name, "wb") as fh, open("/tmp/_x.png", "rb") as src:
        fh.write(src.read())
    done, report = _read(ws, folder)
    assert len(report["pages"]) == 1 and report["pages"][0]["outcome"] == "rejected"
    assert "phi" in report["pages"][0]["file"]


def test_every_page_of_a_three_page_text_pdf_gets_a_row(ws, tmp_path):
    pdf = tmp_path / "cong_van.pdf"
    _text_pdf(pdf, 3)
    _done, report = _read(ws, pdf)
    assert [(p["page"], p["outcome"]) for p in report["pages"]] == \
        [(1, "rejected"), (2, "rejected"), (3, "rejected")]


def test_a_folder_of_19_bad_pages_gives_19_rows(ws, tmp_path):
    bad = tmp_path / "bad"
    bad.mkdir()
    white = np.full((400, 300), 255, np.uint8)
    cv2.imwrite(str(bad / "01_blank.png"), white)
    (bad / "02_empty.png").write_bytes(b"")
    (bad / "03_random.png").write_bytes(os.urandom(5000))
    ok = cv2.imencode(".png", white)[1].tobytes()
    (bad / "04_truncated.png").write_bytes(ok[: len(ok) // 2])
    _png_header_only(bad / "05_bomb.png", 60000, 60000)
    cv2.imwrite(str(bad / "06_wide.png"), np.full((5, 20000), 255, np.uint8))
    (bad / "07_text.pdf").write_bytes(b"%PDF-1.4\n garbage")
    (bad / "08_letter.doc").write_bytes(b"\xd0\xcf\x11\xe0 word")
    (bad / "09_photo.heic").write_bytes(b"\0\0\0\x18ftypheic")
    (bad / "10_notes.txt").write_text("ghi chú", encoding="utf-8")
    (bad / "11_fake.docx").write_bytes(b"PK\x03\x04 not a zip")
    (bad / "12_jpeg_named.tiff").write_bytes(cv2.imencode(".jpg", white)[1].tobytes())
    cv2.imwrite(str(bad / "13_black.png"), np.zeros((400, 300), np.uint8))
    (bad / "14_pdf_zero.pdf").write_bytes(b"")
    (bad / "15_gif.gif").write_bytes(b"GIF89a" + os.urandom(100))
    (bad / "16_tiny.jpg").write_bytes(cv2.imencode(".jpg", np.zeros((2, 2), np.uint8))[1]
                                      .tobytes())
    os.symlink(bad / "01_blank.png", bad / "17_link_to_01.png")
    (bad / "._18_appledouble.png").write_bytes(b"\0\x05\x16\x07 mac metadata")
    (bad / "19_noext").write_bytes(b"\x00\x01\x02")
    done, report = _read(ws, bad)
    files = sorted(Path(p["file"]).name for p in report["pages"])
    assert len(report["pages"]) == 19, files
    assert all(p["outcome"] in ("rejected", "duplicate") for p in report["pages"])
    reasons = [p["reason"] for p in report["pages"]]
    assert all(r["code"].startswith(("page.", "error.")) and r["vi"] for r in reasons), reasons
