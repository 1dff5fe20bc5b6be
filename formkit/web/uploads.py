"""Checking and keeping uploaded scans.

A file is accepted by its content, never by its name: its first bytes must be those of a
PDF or of an image format the scan stage reads, an image must stay under the pixel limit of
formkit/thresholds.py (a small file that decompresses to a huge bitmap is refused before
anything reads it), and a PDF must open. Accepted files are written once under
scans/inbox/<date>/ with a generated name, made read-only and never changed; the name the
user gave is kept only as display text, in the hidden ledger `.uploads.jsonl` beside them
(hidden, so `formkit read scans/inbox` does not take it for a page).
"""

from __future__ import annotations

import hashlib
import json
import os
import unicodedata
import uuid
import warnings
from dataclasses import asdict, dataclass
from datetime import date, datetime
from pathlib import Path
from typing import IO

from formkit.app.intake import file_kind
from formkit.thresholds import T

CHUNK = 1024 * 1024
MAX_PDF_PAGES = 2000
LEDGER = ".uploads.jsonl"

#: kind → file extension of the kept copy
EXTENSIONS = {"pdf": ".pdf", "png": ".png", "jpeg": ".jpg", "tiff": ".tif", "bmp": ".bmp",
              "webp": ".webp", "gif": ".gif"}


class UploadRefused(Exception):
    """A file that is not kept; the message is Vietnamese and says what to do."""


@dataclass(frozen=True)
class SavedUpload:
    path: str  # where the kept copy is
    original: str  # the user's file name, display text only
    kind: str  # pdf, png, jpeg, tiff, bmp, webp, gif
    size: int
    sha256: str
    pages: int


def display_name(name: str | None) -> str:
    """The user's file name as display text: no folders, no control characters, NFC."""
    text = (name or "").replace("\\", "/").split("/")[-1]
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C")
    text = unicodedata.normalize("NFC", text).strip()
    return text[:200] or "(không tên)"


def inbox_dir(scans_dir: Path, day: date | None = None) -> Path:
    return scans_dir / "inbox" / (day or date.today()).isoformat()


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.0f} MB"


def _check_image(path: Path, original: str) -> int:
    from PIL import Image, UnidentifiedImageError

    # the same limit the scan stage sets (formkit.scan.load), so both agree on a bomb
    Image.MAX_IMAGE_PIXELS = T.max_image_pixels
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as img:
                frames = getattr(img, "n_frames", 1)
                if frames > MAX_PDF_PAGES:
                    raise UploadRefused(f"“{original}” có {frames} khung ảnh, quá nhiều.")
                for i in range(frames):
                    img.seek(i)
                    if img.width * img.height > T.max_image_pixels:
                        raise UploadRefused(
                            f"“{original}”: ảnh quá lớn ({img.width}×{img.height} điểm ảnh, "
                            f"giới hạn {T.max_image_pixels:,} điểm ảnh) — có thể là “bom giải "
                            "nén”. Quét lại ở 600 dpi trở xuống.".replace(",", "."))
                return frames
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise UploadRefused(f"“{original}”: ảnh quá lớn (vượt giới hạn điểm ảnh) — có thể là "
                            "“bom giải nén”. Quét lại ở 600 dpi trở xuống.") from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError):
        raise UploadRefused(f"“{original}”: tệp ảnh bị hỏng hoặc không đầy đủ; quét lại hoặc "
                            "chép lại tệp.") from None


def _check_pdf(path: Path, original: str) -> int:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(str(path))
    except (pdfium.PdfiumError, OSError, ValueError):  # damaged, encrypted or not a PDF
        raise UploadRefused(f"“{original}”: PDF bị hỏng hoặc có mật khẩu; xuất lại PDF từ máy "
                            "quét (không đặt mật khẩu).") from None
    try:
        pages = len(pdf)
    finally:
        pdf.close()
    if pages == 0:
        raise UploadRefused(f"“{original}”: PDF không có trang nào.")
    if pages > MAX_PDF_PAGES:
        raise UploadRefused(f"“{original}”: {pages} trang, quá giới hạn {MAX_PDF_PAGES} trang "
                            "một tệp; chia nhỏ tệp rồi tải lên.")
    return pages


def save_upload(stream: IO[bytes], filename: str | None, inbox: Path, max_bytes: int,
                uploaded_by: str) -> SavedUpload:
    """Copy one uploaded stream into `inbox` after the checks above; UploadRefused with a
    Vietnamese reason otherwise (and nothing is left behind)."""
    original = display_name(filename)
    inbox.mkdir(parents=True, exist_ok=True)
    token = uuid.uuid4().hex
    part = inbox / f".{token}.part"
    digest = hashlib.sha256()
    size = 0
    head = b""
    try:
        with part.open("xb") as out:
            while True:
                chunk = stream.read(CHUNK)
                if not chunk:
                    break
                size += len(chunk)
                if size > max_bytes:
                    raise UploadRefused(f"“{original}” quá lớn: giới hạn {_mb(max_bytes)} một "
                                        "lần tải; chia nhỏ tệp hoặc quét ở độ phân giải thấp "
                                        "hơn (200–300 dpi).")
                if len(head) < 1024:
                    head += chunk[:1024 - len(head)]
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise UploadRefused(f"“{original}” là tệp rỗng.")
        kind = file_kind(head)
        if kind is None:
            raise UploadRefused(f"“{original}” không phải PDF hay ảnh quét (PNG, JPEG, TIFF, "
                                "BMP, WEBP, GIF), dù tên tệp là gì; không nhận.")
        pages = _check_pdf(part, original) if kind == "pdf" else _check_image(part, original)
        final = inbox / f"{datetime.now():%H%M%S}-{token[:12]}{EXTENSIONS[kind]}"
        os.replace(part, final)
        # the kept copy is evidence (ISO 9001 7.5.3): read-only, never changed by formkit
        os.chmod(final, 0o444)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    saved = SavedUpload(str(final), original, kind, size, digest.hexdigest(), pages)
    with (inbox / LEDGER).open("a", encoding="utf-8") as fh:
        fh.write(json.dumps({**asdict(saved), "file": final.name, "uploaded_by": uploaded_by,
                             "at": datetime.now().isoformat(timespec="seconds")},
                            ensure_ascii=False) + "\n")
    return saved
