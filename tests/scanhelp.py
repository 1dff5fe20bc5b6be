"""Test helpers: print a built form page to an image, tick boxes, and degrade the page the
way scanners and copiers do (independent of formkit_dev.simulate on purpose)."""

from __future__ import annotations

import cv2
import numpy as np
import pypdfium2 as pdfium

from formkit.spec.layout import Layout

# one respondent's answers, drawn by fill_sheet and checked after reading
ANSWERS = {
    "noi_dung.tiep_nhan_xu_ly": True,
    "c1.thai_do_giao_tiep": "tot", "c1.lang_nghe_y_kien": "dat",
    "c1.tan_tinh_chu_dao": "chua_dat", "c1.tuan_thu_quy_trinh": "tot",
    "c2.phien_ha": "khong",
    "c3.chinh_xac_khach_quan": "dat", "c4.dung_thoi_han": "tot",
    "c5.muc_do_hai_long": "tot",
}


def render_page(pdf_path, index: int, dpi: float = 200) -> np.ndarray:
    pdf = pdfium.PdfDocument(str(pdf_path))
    try:
        return pdf[index].render(scale=dpi / 72, grayscale=True).to_numpy().copy()
    finally:
        pdf.close()


def draw_mark(img: np.ndarray, rect, dpi: float, style: str = "x", ink: int = 30) -> None:
    ppm = dpi / 25.4
    x0, y0 = (rect.x + 0.9) * ppm, (rect.y + 0.9) * ppm
    x1, y1 = (rect.x + rect.w - 0.9) * ppm, (rect.y + rect.h - 0.9) * ppm
    t = max(2, int(0.45 * ppm))
    p = lambda x, y: (int(x), int(y))  # noqa: E731
    if style == "x":
        cv2.line(img, p(x0, y0), p(x1, y1), ink, t)
        cv2.line(img, p(x0, y1), p(x1, y0), ink, t)
    elif style == "tick":
        xm = x0 + 0.4 * (x1 - x0)
        cv2.line(img, p(x0, (y0 + y1) / 2), p(xm, y1), ink, t)
        cv2.line(img, p(xm, y1), p(x1 + 0.8 * ppm, y0 - 1.2 * ppm), ink, t)
    elif style == "fill":
        cv2.rectangle(img, p(x0 - 0.5 * ppm, y0 - 0.5 * ppm), p(x1 + 0.5 * ppm, y1 + 0.5 * ppm),
                      ink, -1)
    elif style == "pencil":
        w = max(2, int(0.3 * ppm))  # a soft pencil line is about 0.3 mm wide
        cv2.line(img, p(x0, y0), p(x1, y1), 160, w)
        cv2.line(img, p(x0, y1), p(x1, y0), 160, w)
    elif style == "dot":
        cv2.circle(img, p((x0 + x1) / 2, (y0 + y1) / 2), int(0.7 * ppm), ink, -1)
    else:
        raise ValueError(style)


def fill_sheet(pages: list[np.ndarray], layout: Layout, answers: dict, dpi: float,
               style: str = "x") -> None:
    """answers: field → option value (or True for a flag); drawn on the page images."""
    for img, page in zip(pages, layout.pages, strict=True):
        for box in page.boxes:
            want = answers.get(box.field)
            if want is True and box.value == "x" or want == box.value:
                draw_mark(img, box.rect, dpi, style)


def transform(img: np.ndarray, angle: float = 0.0, scale: float = 1.0, rot90: int = 0,
              crop_mm: float = 0.0, dpi: float = 200) -> np.ndarray:
    h, w = img.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, scale)
    out = cv2.warpAffine(img, m, (w, h), borderValue=255)
    c = int(crop_mm * dpi / 25.4)
    if c:
        out = out[c:h - c, c:w - c]
    for _ in range(rot90 % 4):
        out = cv2.rotate(out, cv2.ROTATE_90_CLOCKWISE)
    return np.ascontiguousarray(out)


def photocopy(img: np.ndarray, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    f = img.astype(np.float32)
    f = (f - 128) * 1.35 + 128 - 12  # harsher contrast, darker
    f = cv2.GaussianBlur(f, (3, 3), 0.8)
    f += rng.normal(0, 9, f.shape)
    speck = rng.random(f.shape) < 0.0008
    f[speck] = 20
    return np.clip(f, 0, 255).astype(np.uint8)


def one_bit(img: np.ndarray) -> np.ndarray:
    return np.where(img > 150, 255, 0).astype(np.uint8)
