"""Page intake: expand files and folders into page images (grayscale uint8), one at a time
so memory stays flat however long the batch. A file that cannot be read becomes a page
outcome with a reason, never an exception that stops the batch. Input files are only ever
opened for reading."""

from __future__ import annotations

import hashlib
import os
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from formkit.catalogue import Message, say
from formkit.thresholds import T

IMAGE_EXTS = {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".webp", ".gif"}
PDF_EXTS = {".pdf"}
DOCX_EXTS = {".docx"}
SUPPORTED = IMAGE_EXTS | PDF_EXTS | DOCX_EXTS
PDF_RENDER_DPI = 200.0
REDUCE_ABOVE_DPI = 280.0  # finer PNG/TIFF scans are averaged down by whole pixels
PDF_REOPEN_PAGES = 40  # a long PDF is reopened after this many pages (memory)
SAME_FILE = "page.same_file"  # code of the reason of a second path to one file (a link)
JUNK_NAMES = {".DS_Store", "Thumbs.db", "desktop.ini"}  # system files, never scans

Image.MAX_IMAGE_PIXELS = T.max_image_pixels


@dataclass
class PageImage:
    file: Path
    index: int  # 1-based page/frame index in the file
    image: np.ndarray | None  # grayscale uint8, None when unreadable
    dpi: float | None  # from the file when known
    error: Message | str = ""  # why the page could not be loaded
    sha256: str = ""

    @property
    def ok(self) -> bool:
        return self.image is not None


def sniff(head: bytes) -> str | None:
    """The file kind from its first bytes ("png", "jpeg", "tiff", "bmp", "webp", "gif",
    "pdf"), or None when it is neither a PDF nor an image, whatever its name says."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return "tiff"
    if head.startswith(b"BM") and len(head) >= 14:
        return "bmp"
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "webp"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    # PDF readers accept up to 1 KiB of junk before the header (some scanners write it)
    if b"%PDF-" in head[:1024]:
        return "pdf"
    return None


def file_kind(path: Path) -> str:
    """What a file holds by its first bytes: "pdf", "image", "docx" (a zip), or "" when
    none of these (an empty file too: expand_paths refuses those)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(1024)
    except OSError:
        return ""
    kind = sniff(head)
    if kind is not None:
        return "pdf" if kind == "pdf" else "image"
    return "docx" if head.startswith(b"PK\x03\x04") else ""


def kind_of(path: Path) -> str:
    """"pdf", "image" or "docx": by content when it is recognised, else by extension
    (a scan saved as .pdf that is really a JPEG is read as the JPEG it is)."""
    kind = file_kind(path)
    if kind in ("pdf", "image", "docx"):
        return kind
    ext = path.suffix.lower()
    return "pdf" if ext in PDF_EXTS else "docx" if ext in DOCX_EXTS else "image"


def _refusal(f: Path) -> Message | None:
    """Why a file is not read at all, or None."""
    ext = f.suffix.lower()
    if ext in (".doc", ".odt", ".rtf"):
        return say("page.word_document", ext=ext)
    if ext in (".heic", ".heif"):
        return say("page.phone_photo", ext=ext)
    if ext not in SUPPORTED:
        return say("page.unsupported_type", ext=f.suffix or "(none)")
    try:
        if f.stat().st_size == 0:
            return say("page.empty_file")
    except OSError as exc:
        return say("page.cannot_open", detail=exc.strerror or str(exc))
    return None


def expand_paths(paths: list[Path]) -> tuple[list[Path], list[tuple[Path, Message]]]:
    """Files to read (sorted, folders walked) and the paths refused outright."""
    files: list[Path] = []
    refused: list[tuple[Path, Message]] = []
    for p in paths:
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if not f.is_file() or f.name.endswith(".json") or f.name in JUNK_NAMES:
                    continue  # ground-truth/report JSON and system files are not pages
                if f.name.startswith("."):
                    if f.suffix.lower() in SUPPORTED:  # e.g. macOS "._scan.png" metadata
                        refused.append((f, say("page.hidden_file")))
                    continue
                why = _refusal(f)
                if why:
                    refused.append((f, why))
                else:
                    files.append(f)
        elif p.is_file():
            why = _refusal(p)
            if why:
                refused.append((p, why))
            else:
                files.append(p)
        else:
            refused.append((p, say("page.no_such_path")))
    seen: dict[Path, Path] = {}
    unique = []
    for f in files:
        r = f.resolve()
        if r not in seen:
            seen[r] = f
            unique.append(f)
        elif f != seen[r]:  # a link to a file already listed: read once, reported here
            refused.append((f, say(SAME_FILE, name=label(seen[r].name))))
    return unique, refused


def to_gray(img: Image.Image) -> np.ndarray:
    """Any PIL mode (1-bit, palette, 16-bit, RGBA, CMYK) → 8-bit grey on white."""
    if img.mode in ("RGBA", "LA") or (img.mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        bg = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        img = Image.alpha_composite(bg, rgba)
    if img.mode in ("I;16", "I;16B", "I;16L", "I"):
        arr = np.asarray(img, dtype=np.float32)
        hi = float(arr.max()) or 1.0
        return (arr * (255.0 / hi)).clip(0, 255).astype(np.uint8)
    return np.asarray(img.convert("L"), dtype=np.uint8)


def page_hash(gray: np.ndarray) -> str:
    return hashlib.sha256(np.ascontiguousarray(gray).data).hexdigest()


def _long_side_dpi(width: int, height: int, dpi: float | None) -> float:
    """The file's resolution, or the one an A4 page of this size would have."""
    return dpi if dpi else max(width, height) / (297.0 / 25.4)


def _dpi_of(img: Image.Image) -> float | None:
    dpi = img.info.get("dpi", (None, None))
    try:
        value = float(dpi[0] if isinstance(dpi, tuple | list) else dpi)
    except (TypeError, ValueError, IndexError):
        return None
    return value if value > 30 else None


def _image_pages(path: Path) -> Iterator[PageImage]:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(path)
            n = getattr(img, "n_frames", 1)
            for i in range(n):
                try:
                    img.seek(i)
                    if img.width * img.height > T.max_image_pixels:
                        raise Image.DecompressionBombError("too large")
                    odd = not_a_page(img.width, img.height)
                    if odd:
                        yield PageImage(path, i + 1, None, None, odd)
                        continue
                    full_size = img.size
                    file_dpi = _dpi_of(img)
                    if img.format == "JPEG":
                        # decode the grey (luma) plane alone, skipping the colour conversion
                        # (about 3x faster for a colour scan); 300–600 dpi scans also at half
                        # size in the DCT domain: read at 150–300 dpi, with no loss for reading
                        half = _long_side_dpi(*img.size, file_dpi) > 280
                        img.draft("L", (img.width // 2, img.height // 2) if half else img.size)
                    # phone photos carry their orientation in EXIF; scanners do not
                    oriented = i == 0 and img.getexif().get(0x0112, 1) != 1
                    frame = ImageOps.exif_transpose(img) if oriented else img
                    gray = to_gray(frame)
                    factor = img.size[0] / full_size[0]
                    step = int(_long_side_dpi(*full_size, file_dpi) // REDUCE_ABOVE_DPI)
                    if img.format != "JPEG" and step >= 2:
                        # a 600-dpi PNG/TIFF is averaged down by whole pixels to 300 dpi:
                        # faster, and a 1-bit scan's specks become grey again, so a pencil
                        # stroke broken into dots by the scanner still reads as a stroke
                        gray = cv2.resize(gray, (gray.shape[1] // step, gray.shape[0] // step),
                                          interpolation=cv2.INTER_AREA)
                        factor /= step
                except Image.DecompressionBombError:
                    yield PageImage(path, i + 1, None, None,
                                    say("page.image_too_large", width=img.width,
                                        height=img.height, limit=f"{T.max_image_pixels:,}"))
                    continue
                except (OSError, ValueError, SyntaxError, cv2.error, MemoryError) as exc:
                    yield PageImage(path, i + 1, None, None,
                                    say("page.unreadable_image", detail=str(exc)))
                    continue
                dpi = file_dpi * factor if file_dpi else None
                yield PageImage(path, i + 1, gray, dpi, sha256=page_hash(gray))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        yield PageImage(path, 1, None, None,
                        say("page.image_file_too_large", limit=f"{T.max_image_pixels:,}"))
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError,
            MemoryError) as exc:
        yield PageImage(path, 1, None, None, say("page.unreadable_image", detail=str(exc)))


def not_a_page(width: float, height: float) -> Message | None:
    """Why an image of this size cannot be a form page (None when it can be one)."""
    short, long = min(width, height), max(width, height)
    if short < T.min_page_side_px:
        return say("page.not_a_page", width=f"{width:.0f}", height=f"{height:.0f}",
                   least=T.min_page_side_px)
    if long / short > T.max_page_aspect:
        return say("page.strip", width=f"{width:.0f}", height=f"{height:.0f}",
                   ratio=f"{long / short:.0f}")
    return None


def label(path: Path | str) -> str:
    """A file name as text for reports and the database: bytes that are not UTF-8 (a name
    made on an old Windows or a camera) are shown as \\xNN instead of breaking the output."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def _pdf_pages(path: Path, start: int = 0, stop: int | None = None) -> Iterator[PageImage]:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(str(path))
    except Exception as exc:  # pdfium raises its own PdfiumError; any failure = unreadable
        yield PageImage(path, 1, None, None, say("page.unreadable_pdf", detail=str(exc)))
        return
    try:
        n = len(pdf) if stop is None else min(stop, len(pdf))
        for i in range(start, n):
            if i > start and (i - start) % PDF_REOPEN_PAGES == 0:
                # PDFium keeps every object it has parsed (a scanner PDF's page images,
                # ~1 MB a page) until the document is closed: reopen it so that memory
                # stays flat however long the scan
                pdf.close()
                try:
                    pdf = pdfium.PdfDocument(str(path))
                except Exception as exc:  # the file changed or vanished while being read
                    for j in range(i, n):
                        yield PageImage(path, j + 1, None, None,
                                        say("page.pdf_gone", detail=str(exc)))
                    return
            try:
                page = pdf[i]
                w, h = page.get_size()
                odd = not_a_page(w * PDF_RENDER_DPI / 72.0, h * PDF_RENDER_DPI / 72.0)
                if odd:
                    page.close()
                    yield PageImage(path, i + 1, None, None, odd)
                    continue
                scale = PDF_RENDER_DPI / 72.0
                if w * h * scale * scale > T.max_image_pixels:
                    scale = (T.max_image_pixels / (w * h)) ** 0.5
                bitmap = page.render(scale=scale, grayscale=True)
                arr = bitmap.to_numpy()
                gray = arr if arr.ndim == 2 else arr[..., 0]
                gray = np.array(gray, dtype=np.uint8)  # a copy: the bitmap is freed now
                bitmap.close()
                page.close()
            except Exception as exc:
                yield PageImage(path, i + 1, None, None,
                                say("page.cannot_render", detail=str(exc)))
                continue
            yield PageImage(path, i + 1, gray, scale * 72.0, sha256=page_hash(gray))
    finally:
        pdf.close()


def count_pages(path: Path) -> int:
    """Cheap page count for the progress bar (1 when unknown)."""
    kind = kind_of(path)
    try:
        if kind == "pdf":
            import pypdfium2 as pdfium

            pdf = pdfium.PdfDocument(str(path))
            try:
                return len(pdf)
            finally:
                pdf.close()
        if kind == "image":
            with Image.open(path) as img:
                return getattr(img, "n_frames", 1)
    except (OSError, ValueError, RuntimeError, SyntaxError, MemoryError,
            Image.DecompressionBombError):
        # PdfiumError is a RuntimeError; the file is read all the same and each of its
        # pages gets its reason there: the count is only for the progress bar
        return 1
    return 1


def iter_pages(path: Path, start: int = 0, stop: int | None = None) -> Iterator[PageImage]:
    """The pages of a file, one at a time; of a PDF, pages [start, stop) only (0-based)."""
    kind = kind_of(path)
    if kind == "pdf":
        yield from _pdf_pages(path, start, stop)
    elif kind == "image":
        yield from _image_pages(path)
    else:
        yield PageImage(path, 1, None, None, say("page.no_page_image", ext=path.suffix))
