"""Synthetic filled and degraded scans of the survey BM.QT.SCT.05-02, with ground truth.

Used by the tests, the demo sample set (scripts/make_samples.py) and the OMR accuracy
benchmark (benchmarks/omr_accuracy.py). Only numpy, OpenCV and Pillow are used: augraphy-like
packages pull the GUI OpenCV in and are not allowed.

How a copy is made
  1. The blank survey is built once through the real renderer (``formkit.api.build`` with
     ``copies=0`` in a temporary workspace, so the user's exports and serial ledger are never
     touched), cached under ``cache_dir`` (by the renderer's design key) and rasterised with
     pypdfium2 at 300 dpi; pages are drawn at about their output resolution (area-averaged
     from 300 dpi), which keeps a page well under 0.5 s.
  2. Per copy the QR of that copy's serial is pasted at the layout's QR rectangle (rendering N
     copies through LibreOffice would take seconds each) and the serial is written on the
     dotted "Phiếu số" line of the footer, as the renderer's stamping does.
  3. Answers are drawn at the layout's box rectangles in several hand styles, free text is
     written on the guide lines of the text zones (handwriting-like glyphs with per-glyph
     jitter, or typed serif text).
  4. The page is degraded (geometry, light, noise, compression, binarisation) by level and
     written as PNG, JPEG, TIFF (one multi-page file per copy) or a multi-page scanner PDF
     (pages as JPEG or CCITT images, written page by page with Pillow).
  Everything random comes from ``numpy.random.default_rng`` seeded by (seed, copy index), so
  (seed, count, level, formats, styles) gives the same files byte for byte.

Mark styles (``style`` of a box in the truth)
  selected: ``x``, ``tick``, ``slash``, ``dot``, ``scribble``, ``circle`` (drawn around the
  box, interior mostly empty), ``pencil`` (light grey, thin), ``overshoot`` (strokes run
  1.5–4 mm past the box), ``beside`` (a tick right of the box, touching its border, its
  interior empty), ``underline`` (a line under the option's label, left of the box),
  ``ring_wide`` (a loop 3–5 mm around the box, through the end of its label);
  not selected: ``empty`` (nothing drawn), ``filled`` (completely filled = cancelled, usually
  next to the real answer), ``intrusion`` (a stroke from the answer in the neighbouring box
  crosses into this box).

Degradation levels: ``none`` (the pixel-exact 300-dpi colour page, px = mm × 300/25.4),
``light``, ``moderate``, ``heavy``, ``phone`` (perspective photo on a desk, lamp light) and
``mixed`` (a level drawn per copy). See ``LEVELS``. Print scaling is limited so that the
registration marks, QR and boxes stay on the paper, and no edge is cut closer than 2 mm to
them: a page that lost its marks by construction measures nothing. Colour scans are made at
≤ 240 dpi (office scanners default to 150–200 dpi in colour); grey and 1-bit at 150–300.

Truth file (``truth.json`` beside the scans; all text NFC)::

  {
    "format": "formkit-sim-truth/1",
    "form": "05-02", "form_code": "BM.QT.SCT.05-02", "layout": "346b0448",
    "year": 2026, "unit": "QLCN",
    "seed": 7, "count": 6, "level": "moderate", "formats": ["pdf"], "styles": {"x": 0.36, ...},
    "files": [                       # every file written, pages in file order (1-based index)
      {"file": "scan_batch_001.pdf", "format": "pdf",
       "pages": [{"index": 1, "serial": 3, "form_page": 2, "rescan": false}, ...]}],
    "copies": [
      {"serial": 3, "level": "moderate", "format": "pdf",
       "pen": {"ink": "blue", "rgb": [34, 52, 160], "width_mm": 0.52},
       "hand": {"font": "DejaVuSans-Oblique.ttf", "size_mm": 4.3, "slant_deg": 8.1},
       "pages": [                    # where each form page is, and what was done to it
         {"form_page": 1, "file": "scan_batch_001.pdf", "index": 5, "rescan": false,
          "degradation": {
            "level": "moderate", "rotation": 180,  # quarter turns, clockwise in the image
            "skew_deg": -1.3,                      # small extra rotation, clockwise positive
            "scale": 0.97, "shift_mm": [0.4, -1.1],   # print scaling about the page centre
            "edges_mm": {"left": -2.1, "top": 1.0, "right": 0.3, "bottom": -4.0},
                                     # < 0: that much of the paper cut off; > 0: background
            "dpi": 200, "colour": "gray",          # rgb, gray or bilevel (1-bit)
            "work_dpi": 194,                       # resolution the marks were drawn at
            "size_px": [1720, 2380], "paper": 241, "black": 22, "background": [250, 250, 250],
            "blur_sigma_px": 0.6, "noise_sigma": 4.2,
            "gradient": {"strength": 0.06, "angle_deg": 212.0} | null,
            "shadow": {"edge": "left", "strength": 0.2, "width_mm": 9.0} | null,
                                     # phone: {"blob": [x, y], "strength", "radius"} (0..1)
            "vignette": 0.0, "colour_cast": [r, g, b] | null,            # phone only
            "photocopy": {"low": 30, "high": 190, "toner": 900, "streaks": 1} | null,
            "speckle": 120, "bilevel_threshold": 168 | null,
            "jpeg_quality": 75 | null,                 # JPEG files and PDF pages
            "jpeg_roundtrip": 70,                      # present when a PNG/TIFF went via JPEG
            "perspective": [[x, y] × 4 paper corners in px] | null,   # phone: also
            "dpi_equivalent": 187.3,                   # "dpi" is then the 72 of a phone JPEG
            "mm_to_px": [[a, b, c], [d, e, f], [g, h, 1]]}}],
                                     # homography: layout mm (x, y, 1) → image px (column,
                                     # row) in the written image, every step included
       "fields": {
         "c1.thai_do_giao_tiep": {"kind": "single", "page": 2, "value": "tot", "expect": "ok",
            "boxes": {"tot": {"style": "x", "selected": true, "ink": "blue",
                              "rgb": [34, 52, 160], "opacity": 0.93, "width_mm": 0.5},
                      "dat": {"style": "filled", "selected": false, ...},
                      "chua_dat": {"style": "empty", "selected": false}}},
         "c1.lang_nghe_y_kien": {... "dat": {"style": "intrusion", "selected": false,
                                             "from": "c1.thai_do_giao_tiep=dat", ...}},
         "noi_dung.giai_quyet_tthc": {"kind": "flag", "value": true, "expect": "ok", ...},
         "to_chuc": {"kind": "text", "page": 1, "value": "Công ty TNHH ...",
                     "hand": "handwritten", "lines": ["Công ty TNHH", "..."],
                     "font": "DejaVuSans-Oblique.ttf"}, ...}}]}

  ``value``: the option for a single-choice field (None when nothing valid is marked), True or
  False for a flag, the written text or None for a text field. ``expect``: the status a
  perfect reader gives: ``ok``, ``blank``, ``multiple`` (two options marked; value None) or
  ``contradiction`` (c2.muc_do marked while c2.phien_ha = khong; value is the marked option).
  A ``circle`` or light ``pencil`` answer counts as the respondent's intent (selected): a
  reader that cannot see it should flag the field, not call it blank.
  Files are named ``<prefix>_batch_NNN.pdf``, ``<prefix>_<serial>_p<page>.png|jpg`` and
  ``<prefix>_<serial>.tif``. When the survey's layout (other agency wording) is not one the
  workspace knows, ``layout_05-02_<version>.json`` is written beside the scans.
  A ``rescan`` page is a second scan of a page already in the batch (a duplicate).
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
import shutil
import tempfile
import time
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from formkit.config import Settings
from formkit.errors import InputError, OutputError
from formkit.identity import PageIdentity
from formkit.render.images import qr_png
from formkit.spec.layout import Layout, PageLayout, Rect, ZonePos
from formkit.spec.model import FieldKind, FormSpec
from formkit.textnorm import nfc

FORM = "05-02"
TRUTH_NAME = "truth.json"
TRUTH_FORMAT = "formkit-sim-truth/1"
TEMPLATE_DPI = 300
PX_MM = TEMPLATE_DPI / 25.4  # template pixels per mm

SELECTED_STYLES = ("x", "tick", "slash", "dot", "scribble", "circle", "pencil", "overshoot",
                   "beside", "underline", "ring_wide")
UNSELECTED_STYLES = ("empty", "filled", "intrusion")
STYLES = SELECTED_STYLES + UNSELECTED_STYLES
#: how often each style is used for a real answer (people mostly cross or tick)
DEFAULT_STYLE_WEIGHTS: dict[str, float] = {
    "x": 0.29, "tick": 0.22, "slash": 0.08, "dot": 0.04, "scribble": 0.06, "circle": 0.04,
    "pencil": 0.10, "overshoot": 0.10, "beside": 0.03, "underline": 0.02, "ring_wide": 0.02,
}
FORMATS = ("pdf", "png", "jpeg", "tiff")
FILE_EXT = {"pdf": ".pdf", "png": ".png", "jpeg": ".jpg", "tiff": ".tif"}
FORMAT_ALIASES = {"jpg": "jpeg", "tif": "tiff"}
PDF_DATE = time.struct_time((2026, 1, 5, 8, 0, 0, 0, 5, 0))

# ---------------------------------------------------------------------------------------------
# Degradation levels


@dataclass(frozen=True)
class LevelSpec:
    """Ranges a level draws from; every drawn value is written to the truth."""

    rotation_p: tuple[float, float, float, float]  # weights of 0, 90, 180, 270
    skew: float  # max |degrees|
    scale: tuple[float, float]  # print scaling ("fit to page")
    shift_mm: float
    crop_mm: float  # max paper cut off per edge
    pad_mm: float  # max background shown per edge
    dpi: tuple[int, ...]
    noise: tuple[float, float]  # Gaussian sigma, grey levels
    p_blur: float
    blur: tuple[float, float]  # sigma in output px
    jpeg: tuple[int, int]
    gradient: float  # max brightness loss across the page
    p_shadow: float
    shadow: float  # max darkening at the binding edge
    p_photocopy: float
    p_bilevel: float
    p_gray: float
    p_speckle: float
    paper: tuple[int, int]  # paper white level
    black: tuple[int, int]  # printed black level
    p_jpeg_roundtrip: float = 0.0  # PNG/TIFF pages that went through JPEG once
    phone: bool = False


LEVELS: dict[str, LevelSpec] = {
    "none": LevelSpec((1, 0, 0, 0), 0, (1, 1), 0, 0, 0, (300,), (0, 0), 0, (0, 0), (95, 95),
                      0, 0, 0, 0, 0, 0, 0, (255, 255), (0, 0)),
    "light": LevelSpec((0.85, 0, 0.15, 0), 1.0, (0.97, 1.02), 1.0, 1.0, 2.0, (200, 240, 300),
                       (1.5, 4), 0.3, (0.3, 0.7), (80, 95), 0.05, 0.1, 0.15, 0.05, 0.1, 0.4,
                       0.2, (238, 252), (8, 30)),
    "moderate": LevelSpec((0.55, 0.1, 0.25, 0.1), 3.0, (0.93, 1.05), 2.0, 3.0, 3.0,
                          (150, 200, 240, 300), (3, 8), 0.5, (0.4, 1.0), (60, 90), 0.10, 0.3,
                          0.3, 0.25, 0.2, 0.4, 0.4, (228, 250), (10, 45), 0.2),
    "heavy": LevelSpec((0.4, 0.2, 0.2, 0.2), 5.0, (0.90, 1.10), 3.0, 5.0, 4.0,
                       (150, 200, 240), (6, 14), 0.7, (0.6, 1.5), (35, 70), 0.18, 0.6, 0.45,
                       0.5, 0.3, 0.5, 0.7, (215, 245), (15, 60), 0.4),
    "phone": LevelSpec((0.8, 0.1, 0, 0.1), 6.0, (0.97, 1.02), 1.0, 0, 0, (72,), (3, 7), 0.8,
                       (0.5, 1.3), (70, 90), 0.25, 0.5, 0.3, 0, 0, 0, 0, (200, 240), (20, 50),
                       phone=True),
}
#: level drawn per copy when level="mixed"
MIXED = {"none": 0.1, "light": 0.25, "moderate": 0.3, "heavy": 0.2, "phone": 0.15}
LEVEL_NAMES = (*LEVELS, "mixed")

# ---------------------------------------------------------------------------------------------
# Ink

#: pens: name → (RGB centre, RGB jitter, opacity range, width range in mm)
PENS: dict[str, tuple[tuple[int, int, int], int, tuple[float, float], tuple[float, float]]] = {
    "blue": ((32, 52, 160), 18, (0.85, 0.97), (0.35, 0.7)),
    "black": ((28, 28, 34), 10, (0.9, 1.0), (0.35, 0.8)),
    "pencil": ((80, 80, 84), 12, (0.7, 0.88), (0.3, 0.6)),
}
PEN_WEIGHTS = {"blue": 0.6, "black": 0.3, "pencil": 0.1}
LIGHT_PENCIL = ((120, 120, 126), 15, (0.6, 0.85), (0.3, 0.4))

# ---------------------------------------------------------------------------------------------
# Text written by respondents (NFC; realistic for the Department of Industry and Trade)

COMPANIES = [
    "Công ty TNHH Cà phê Buôn Ma Thuột",
    "Công ty Cổ phần Xăng dầu Đắk Lắk",
    "Công ty TNHH MTV Thương mại Hoàng Long",
    "Công ty Cổ phần Thủy điện Krông Nô",
    "Công ty TNHH Điện mặt trời Ea Súp",
    "Hợp tác xã Nông nghiệp Ea Kiết",
    "Công ty TNHH Thực phẩm Phước Thành",
    "Công ty Cổ phần Đầu tư Xây dựng Tây Nguyên",
    "Doanh nghiệp tư nhân Xăng dầu Minh Phát",
    "Công ty TNHH Rượu Ama Kông",
    "Công ty TNHH Vật liệu nổ công nghiệp Việt Hà",
    "Công ty Cổ phần Cao su Đắk Lắk",
    "Công ty TNHH Sản xuất Thương mại Hưng Thịnh",
    "Chi nhánh Công ty Cổ phần Bia Sài Gòn tại Đắk Lắk",
    "Công ty TNHH Hóa chất Nam Việt",
    "Hộ kinh doanh Tạp hóa Thu Hương",
    "Công ty Điện lực Đắk Lắk",
    "Công ty TNHH Gas Petrolimex Tây Nguyên",
    "Công ty Cổ phần Siêu thị Co.opmart Buôn Ma Thuột",
    "Công ty TNHH Chế biến Nông sản Ea H'leo",
    "Công ty TNHH Năng lượng Xanh Cư M'gar",
    "Công ty Cổ phần Thương mại Dịch vụ Phú Yên",
    "Hợp tác xã Dệt thổ cẩm Buôn Đôn",
    "Công ty TNHH Mật ong Đắk Lắk",
    "Công ty Cổ phần Tư vấn Thiết kế Điện Miền Trung",
    "Công ty TNHH Thuốc lá Tuấn Anh",
    "Cửa hàng Xăng dầu số 12 Krông Pắc",
    "Công ty TNHH Sầu riêng Krông Pắc",
]
PERSONS = [
    "Nguyễn Văn Hùng", "Trần Thị Mai", "Lê Quang Vinh", "Phạm Thị Thu Hà", "H'Hen Niê",
    "Y Blốc Êban", "Võ Minh Tuấn", "Đặng Thị Ngọc Ánh", "Hoàng Văn Đức", "Bùi Thị Hồng Nhung",
    "Ngô Quốc Khánh", "Huỳnh Thị Diễm", "Đỗ Văn Thắng", "Phan Thị Lệ Quyên", "Ksor Nhã",
]
PERSON_ROLES = ["Hộ kinh doanh", "Chủ cơ sở", "Đại diện", ""]
PROCEDURES = [
    "Cấp Giấy chứng nhận cửa hàng đủ điều kiện bán lẻ xăng dầu",
    "Cấp lại Giấy chứng nhận cửa hàng đủ điều kiện bán lẻ xăng dầu",
    "Cấp Giấy phép bán lẻ sản phẩm thuốc lá",
    "Cấp Giấy phép bán buôn rượu",
    "Cấp Giấy phép sản xuất rượu công nghiệp",
    "Cấp Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm",
    "Cấp Giấy phép hoạt động điện lực",
    "Cấp Giấy phép sử dụng vật liệu nổ công nghiệp",
    "Huấn luyện kỹ thuật an toàn vật liệu nổ công nghiệp",
    "Đăng ký thực hiện khuyến mại",
    "Đăng ký tổ chức hội chợ, triển lãm thương mại",
    "Cấp Giấy phép kinh doanh cho tổ chức kinh tế có vốn đầu tư nước ngoài",
    "Cấp Giấy chứng nhận đủ điều kiện sản xuất hóa chất",
    "Xác nhận khai báo hóa chất sản xuất",
    "Cấp Giấy chứng nhận đủ điều kiện thương nhân kinh doanh mua bán LPG",
    "Cấp Giấy chứng nhận trạm nạp LPG vào chai đủ điều kiện",
    "Thẩm định thiết kế xây dựng công trình điện",
    "Cấp Giấy phép thành lập Văn phòng đại diện của thương nhân nước ngoài",
    "Cấp Giấy xác nhận ưu đãi dự án sản xuất sản phẩm công nghiệp hỗ trợ",
    "Cấp Giấy chứng nhận sản phẩm công nghiệp nông thôn tiêu biểu",
]
PROCEDURE_DETAILS = [
    "", "", "", " cho cửa hàng tại xã Hòa Thắng", " tại thành phố Buôn Ma Thuột",
    " (hồ sơ nộp trực tuyến)", " cho chi nhánh Krông Búk", " lần 2", " tại huyện Cư Kuin",
]
COMMENTS_C1 = [
    "Cán bộ hướng dẫn nhiệt tình, dễ hiểu.",
    "Công chức tiếp nhận lịch sự, chu đáo.",
    "Đề nghị hướng dẫn rõ thành phần hồ sơ ngay từ lần đầu.",
    "Thái độ phục vụ tốt, rất hài lòng.",
    "Cần bố trí thêm người tại bộ phận một cửa vào giờ cao điểm.",
    "Có lúc phải chờ lâu vì cán bộ đi họp.",
    "Giải thích chưa rõ ràng, phải hỏi lại nhiều lần.",
    "Cảm ơn chị tiếp nhận hồ sơ đã hỗ trợ tận tình.",
]
COMMENTS_C3 = [
    "Kết quả chính xác, không phải chỉnh sửa.",
    "Giấy phép ghi sai địa chỉ, phải đề nghị cấp lại.",
    "Hồ sơ phải bổ sung nhiều lần.",
    "Đề nghị thống nhất yêu cầu giữa các phòng.",
    "Thẩm định khách quan, đúng quy định.",
    "Nên công khai mẫu hồ sơ điền sẵn trên cổng dịch vụ công.",
]
COMMENTS_C4 = [
    "Trả kết quả sớm hơn giấy hẹn.",
    "Thời gian trả kết quả còn chậm so với giấy hẹn.",
    "Đề nghị rút ngắn thời gian giải quyết hồ sơ.",
    "Nên gửi tin nhắn khi có kết quả.",
    "Đúng hẹn, không phải đi lại nhiều lần.",
    "Chậm 3 ngày so với phiếu hẹn, không có thư xin lỗi.",
]
TEXT_SOURCES = {"c1.y_kien_khac": COMMENTS_C1, "c3.y_kien_khac": COMMENTS_C3,
                "c4.y_kien_khac": COMMENTS_C4}
#: chance that a text zone is written at all, and that it is typed rather than handwritten
TEXT_P_WRITTEN = {"to_chuc": 0.9, "noi_dung.chi_tiet": 0.7, "c1.y_kien_khac": 0.25,
                  "c3.y_kien_khac": 0.2, "c4.y_kien_khac": 0.2}
TEXT_P_TYPED = {"to_chuc": 0.15, "noi_dung.chi_tiet": 0.12}
TEXT_P_TYPED_DEFAULT = 0.05

# ---------------------------------------------------------------------------------------------
# Fonts (all of these cover Vietnamese; DejaVu also ships inside matplotlib)

HAND_FONTS = ["DejaVuSans-ExtraLight.ttf", "DejaVuSans-Oblique.ttf",
              "DejaVuSansCondensed-Oblique.ttf", "LiberationSans-Italic.ttf",
              "DejaVuSerifCondensed-Italic.ttf", "LiberationSerif-Italic.ttf",
              "DejaVuSansCondensed.ttf"]
TYPED_FONTS = ["LiberationSerif-Regular.ttf", "DejaVuSerif.ttf"]
SERIAL_FONT = ["LiberationSerif-Italic.ttf", "DejaVuSerif-Italic.ttf"]


def _font_dirs() -> list[Path]:
    dirs = [Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/truetype/liberation2"),
            Path("/usr/share/fonts/truetype/liberation"), Path("/usr/share/fonts/TTF")]
    try:
        import matplotlib

        dirs.append(Path(matplotlib.get_data_path()) / "fonts" / "ttf")
    except ImportError:  # matplotlib is a dependency, but fonts are a nicety here
        pass
    return [d for d in dirs if d.is_dir()]


@lru_cache(maxsize=64)
def _font_path(name: str) -> Path | None:
    for d in _font_dirs():
        if (d / name).is_file():
            return d / name
    return None


def _available(names: list[str]) -> list[str]:
    found = [n for n in names if _font_path(n)]
    if not found:
        for fallback in ("DejaVuSans.ttf", "DejaVuSerif.ttf", "LiberationSerif-Regular.ttf"):
            if _font_path(fallback):
                return [fallback]
        raise InputError("No font with Vietnamese glyphs found (DejaVu or Liberation).",
                         hint="Install fonts-dejavu-core or fonts-liberation2.")
    return found


@lru_cache(maxsize=512)
def _font(name: str, size_px: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(_font_path(name)), max(6, size_px))


# ---------------------------------------------------------------------------------------------
# The blank template


@dataclass
class _Template:
    layout: Layout
    spec: FormSpec
    year: int
    unit: str
    pages: list[np.ndarray]  # grey uint8, 300 dpi, the QR area blanked
    serial_boxes: list[tuple[float, float, float, float] | None]  # mm x0, top, x1, bottom
    serial_pt: float
    pdf: Path
    layout_json: Path
    _scaled: dict[tuple[int, int], np.ndarray] = field(default_factory=dict)

    def page(self, number: int) -> PageLayout:
        return self.layout.page(number)

    def at(self, number: int, dpi: int) -> tuple[np.ndarray, float, float]:
        """Page `number` rasterised at about `dpi` (area-averaged from 300 dpi, cached), and
        its exact px per mm along x and y."""
        base = self.pages[number - 1]
        if dpi >= TEMPLATE_DPI:
            return base, PX_MM, PX_MM
        key = (number, dpi)
        if key not in self._scaled:
            h, w = base.shape
            nw, nh = int(round(w * dpi / TEMPLATE_DPI)), int(round(h * dpi / TEMPLATE_DPI))
            self._scaled[key] = cv2.resize(base, (nw, nh), interpolation=cv2.INTER_AREA)
        arr = self._scaled[key]
        return arr, PX_MM * arr.shape[1] / base.shape[1], PX_MM * arr.shape[0] / base.shape[0]

    @property
    def page_size(self) -> tuple[float, float]:
        return self.layout.page_size


def default_cache_dir() -> Path:
    return Path(tempfile.gettempdir()) / "formkit-sim-cache"


def _blank_pdf(settings: Settings, year: int, unit: str, cache_dir: Path) -> tuple[Path, Path]:
    """Build (once) the unnumbered blank survey in a throw-away workspace; cache PDF + layout
    by the renderer's design key, so a changed template or agency wording rebuilds."""
    from formkit.render.build import design_key, registry
    from formkit.spec import load_form, template_path

    spec = load_form(template_path(settings.templates_dir, FORM))
    key = design_key(spec, settings)
    stem = f"blank_{FORM}_{key}_{year}_{unit or '-'}"
    pdf, lay = cache_dir / f"{stem}.pdf", cache_dir / f"{stem}.json"
    if pdf.is_file() and lay.is_file():
        known = registry(settings).by_design_key(key)
        try:
            cached = json.loads(lay.read_text(encoding="utf-8")).get("version")
        except (OSError, ValueError):
            cached = None
        # a renderer change that kept the design key moves the committed layout: rebuild
        if cached and (known is None or known.version == cached):
            return pdf, lay
    from formkit import api

    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"Cannot create the simulator cache {cache_dir}: {exc}.") from exc
    with tempfile.TemporaryDirectory(prefix="formkit-sim-") as tmp:
        ws = dataclasses.replace(settings, exports_dir=Path(tmp) / "exports")
        res = api.build(ws, [FORM], year, unit or None, copies=0)[0]
        if res.pdf is None:
            raise OutputError("Building the blank survey gave no PDF.")
        part = cache_dir / f"{stem}.{os.getpid()}.part"
        shutil.copyfile(res.pdf, part)
        lay_part = res.layout.save(cache_dir / f"{stem}.{os.getpid()}.json.part")
        lay_part.replace(lay)
        part.replace(pdf)  # last: a PDF in the cache means its layout is there too
    return pdf, lay


def _find_serial_boxes(pdf: Path) -> tuple[list[tuple[float, float, float, float] | None], float]:
    """The dotted "Phiếu số: ……" placeholder of an unnumbered copy, per page (mm)."""
    import pdfplumber

    out: list[tuple[float, float, float, float] | None] = []
    size = 10.0
    k = 25.4 / 72
    with pdfplumber.open(str(pdf)) as doc:
        for page in doc.pages:
            found = None
            words = page.extract_words(extra_attrs=["size"])
            for a, b in zip(words, words[1:], strict=False):
                if a["text"].endswith("số:") and set(b["text"]) <= {"…", "."}:
                    found = (b["x0"] * k, b["top"] * k, b["x1"] * k, b["bottom"] * k)
                    size = float(b.get("size", size))
                    break
            out.append(found)
    return out, size


@lru_cache(maxsize=4)
def _load_template(pdf: str, layout_json: str, year: int, unit: str, templates: str
                   ) -> _Template:
    import pypdfium2 as pdfium

    from formkit.spec import load_form, template_path

    layout = Layout.from_json(json.loads(Path(layout_json).read_text(encoding="utf-8")),
                              layout_json)
    doc = pdfium.PdfDocument(pdf)
    try:
        pages = []
        for i in range(len(doc)):
            bm = doc[i].render(scale=TEMPLATE_DPI / 72, grayscale=True)
            arr = np.ascontiguousarray(bm.to_numpy().reshape(bm.height, bm.width, -1)[..., 0])
            pages.append(arr)
    finally:
        doc.close()
    for pl, arr in zip(layout.pages, pages, strict=True):
        x0, y0, x1, y1 = _rect_px(pl.qr, pad=0.6)
        arr[y0:y1, x0:x1] = 255  # the QR of serial 0 is replaced per copy
    boxes, size = _find_serial_boxes(Path(pdf))
    spec = load_form(template_path(Path(templates), FORM))
    return _Template(layout, spec, year, unit, pages, boxes, size, Path(pdf), Path(layout_json))


def load_template(settings: Settings, year: int = 2026, unit: str = "QLCN",
                  cache_dir: Path | None = None) -> _Template:
    """The rasterised blank survey (built through LibreOffice on first use, then cached)."""
    pdf, lay = _blank_pdf(settings, year, unit, cache_dir or default_cache_dir())
    return _load_template(str(pdf), str(lay), year, unit, str(settings.templates_dir))


def _rect_px(r: Rect, pad: float = 0.0) -> tuple[int, int, int, int]:
    return (int(math.floor((r.x - pad) * PX_MM)), int(math.floor((r.y - pad) * PX_MM)),
            int(math.ceil((r.x + r.w + pad) * PX_MM)), int(math.ceil((r.y + r.h + pad) * PX_MM)))


# ---------------------------------------------------------------------------------------------
# Per-copy overrides


@dataclass(frozen=True)
class CopySpec:
    """Overrides for one simulated copy (None: drawn at random). Used for the sample set."""

    level: str | None = None
    format: str | None = None
    colour: str | None = None  # rgb, gray, bilevel
    dpi: int | None = None
    rotation: tuple[int, ...] | None = None  # per form page, 0/90/180/270
    page_levels: tuple[str | None, ...] | None = None  # per form page level override
    jpeg_quality: int | None = None  # JPEG pages (files or inside a PDF)


# ---------------------------------------------------------------------------------------------
# Planning: answers, marks and texts of a copy (pure data, JSON-able)


def _weights_pick(rng: np.random.Generator, weights: dict[str, float]) -> str:
    keys = list(weights)
    p = np.array([weights[k] for k in keys], dtype=float)
    return keys[int(rng.choice(len(keys), p=p / p.sum()))]


def _style_weights(styles: Sequence[str] | dict[str, float] | None
                   ) -> tuple[dict[str, float], bool, bool]:
    """Weights of the selected styles, and whether cancellations / intrusions happen."""
    if styles is None:
        return dict(DEFAULT_STYLE_WEIGHTS), True, True
    if isinstance(styles, dict):
        names = list(styles)
        weights = {k: float(v) for k, v in styles.items() if k in SELECTED_STYLES and v > 0}
    else:
        names = list(styles)
        weights = {k: DEFAULT_STYLE_WEIGHTS[k] for k in names if k in SELECTED_STYLES}
    bad = [n for n in names if n not in STYLES]
    if bad:
        raise InputError(f"Unknown mark style(s) {', '.join(bad)}.",
                         hint=f"Choose from {', '.join(STYLES)}.")
    if not weights:
        weights = {"x": 1.0}
    return weights, "filled" in names, "intrusion" in names


def _pen(rng: np.random.Generator, name: str, spec=None) -> dict[str, Any]:
    centre, jit, opac, width = spec or PENS[name]
    rgb = [int(np.clip(c + rng.integers(-jit, jit + 1), 0, 255)) for c in centre]
    return {"ink": name, "rgb": rgb, "opacity": round(float(rng.uniform(*opac)), 3),
            "width_mm": round(float(rng.uniform(*width)), 2)}


def _mark(style: str, pen: dict[str, Any], rng: np.random.Generator) -> dict[str, Any]:
    if style == "pencil":
        p = _pen(rng, "pencil", LIGHT_PENCIL)
        p["ink"] = "pencil_light"
    else:
        p = dict(pen)
        p["width_mm"] = round(float(np.clip(pen["width_mm"] + rng.normal(0, 0.04), 0.3, 0.8)), 2)
    if style == "filled":
        p["width_mm"] = round(max(p["width_mm"], 0.55), 2)
    return {"style": style, "selected": style in SELECTED_STYLES, **p}


def _answer_single(rng: np.random.Generator, options: list[str], mood: float) -> str:
    if options == ["tot", "dat", "chua_dat"]:
        p_chua = 0.02 + 0.12 * (1 - mood)
        p_tot = (1 - p_chua) * (0.35 + 0.6 * mood)
        p = [p_tot, 1 - p_tot - p_chua, p_chua]
        return options[int(rng.choice(3, p=p))]
    return options[int(rng.integers(len(options)))]


def _hand(rng: np.random.Generator) -> dict[str, Any]:
    font = str(rng.choice(_available(HAND_FONTS)))
    return {"font": font, "size_mm": round(float(rng.uniform(3.8, 4.8)), 2),
            "slant_deg": round(float(rng.uniform(-4, 16)), 1),
            "tracking": round(float(rng.uniform(0.95, 1.12)), 3),
            "word_gap": round(float(rng.uniform(0.9, 1.5)), 2),
            "rot_jitter": round(float(rng.uniform(1.0, 4.0)), 2),
            "size_jitter": round(float(rng.uniform(0.02, 0.07)), 3),
            "base_jitter_mm": round(float(rng.uniform(0.1, 0.35)), 2),
            "elastic_mm": round(float(rng.uniform(0.1, 0.4)), 2)}


def _pick_text(rng: np.random.Generator, fid: str) -> str:
    if fid == "to_chuc":
        if rng.random() < 0.7:
            return str(rng.choice(COMPANIES))
        role = str(rng.choice(PERSON_ROLES))
        name = str(rng.choice(PERSONS))
        return f"{role} {name}".strip()
    if fid == "noi_dung.chi_tiet":
        first = str(rng.choice(PROCEDURES)) + str(rng.choice(PROCEDURE_DETAILS))
        if rng.random() < 0.2:
            second = str(rng.choice(PROCEDURES))
            return f"{first}; {second[0].lower()}{second[1:]}"
        return first
    return str(rng.choice(TEXT_SOURCES.get(fid, COMMENTS_C1)))


def _wrap(text: str, widths: list[float], measure) -> list[str] | None:
    """Greedy wrap onto lines of the given widths (px); None if it does not fit."""
    words = text.split()
    lines: list[str] = []
    cur = ""
    for w in words:
        trial = f"{cur} {w}".strip()
        if measure(trial) <= widths[len(lines)]:
            cur = trial
            continue
        if not cur:
            return None
        lines.append(cur)
        cur = w
        if len(lines) >= len(widths) or measure(cur) > widths[len(lines)]:
            return None
    if cur:
        lines.append(cur)
    return lines


def _plan_text(rng: np.random.Generator, zone: ZonePos, hand: dict[str, Any],
               pen: dict[str, Any]) -> dict[str, Any] | None:
    fid = zone.field
    if rng.random() >= TEXT_P_WRITTEN.get(fid, 0.2):
        return None
    typed = rng.random() < TEXT_P_TYPED.get(fid, TEXT_P_TYPED_DEFAULT)
    if typed:
        font = str(rng.choice(_available(TYPED_FONTS)))
        size_px = float(rng.uniform(12, 13.5)) / 72 * TEMPLATE_DPI
        f = _font(font, int(round(size_px)))

        def measure(s: str) -> float:
            return f.getlength(s)
    else:
        font = hand["font"]
        size_px = hand["size_mm"] * PX_MM
        f = _font(font, int(round(size_px)))
        factor = hand["tracking"] * 1.08  # jitter and slant need a little room

        def measure(s: str) -> float:
            return f.getlength(s) * factor + s.count(" ") * hand["word_gap"] * size_px * 0.15
    starts = [(x0 + float(rng.uniform(1.0, 6.0 if not typed else 2.0))) for x0, _x1, _y in
              zone.lines]
    widths = [(x1 - s - 3.0) * PX_MM for s, (_x0, x1, _y) in zip(starts, zone.lines,
                                                                  strict=True)]
    lines = None
    for _ in range(8):
        text = nfc(_pick_text(rng, fid))
        lines = _wrap(text, widths, measure)
        if lines:
            break
    if not lines:
        return None
    return {
        "field": fid, "value": nfc(" ".join(lines)), "lines": lines,
        "hand": "typed" if typed else "handwritten", "font": font,
        "size_mm": round(size_px / PX_MM, 3), "starts_mm": [round(s, 2) for s in starts],
        "drop_mm": [round(float(rng.uniform(0.5, 1.4) if not typed else 0.9), 2)
                    for _ in zone.lines],
        "tilt_deg": [round(float(rng.normal(0, 0.6) if not typed else 0.0), 2)
                     for _ in zone.lines],
        "rgb": [22, 22, 22] if typed else pen["rgb"],
        "opacity": 1.0 if typed else pen["opacity"],
        "width_mm": pen["width_mm"],
    }


def _plan_copy(tpl: _Template, index: int, serial: int, seed: int, level: str,
               weights: dict[str, float], cancels: bool, intrusions: bool) -> dict[str, Any]:
    """Answers, marks and texts of one copy (depends only on seed and copy index)."""
    rng = np.random.default_rng([seed, index, 1])
    spec, layout = tpl.spec, tpl.layout
    pen = _pen(rng, _weights_pick(rng, PEN_WEIGHTS))
    hand = _hand(rng)
    mood = float(rng.beta(4, 1.6))  # most respondents are satisfied
    fields: dict[str, dict[str, Any]] = {}
    box_page: dict[str, int] = {}
    for pl in layout.pages:
        for b in pl.boxes:
            box_page[b.key] = pl.page

    def boxes_of(fid: str) -> list[str]:
        f = spec.fields[fid]
        return ["x"] if f.kind is FieldKind.FLAG else [o.value for o in f.options]

    def empty_boxes(fid: str) -> dict[str, dict[str, Any]]:
        return {v: {"style": "empty", "selected": False} for v in boxes_of(fid)}

    def style() -> str:
        return _weights_pick(rng, weights)

    # --- choice fields
    flags = [f.id for f in spec.choice_fields if f.kind is FieldKind.FLAG]
    want = {flags[0]: rng.random() < 0.45} if flags else {}
    if len(flags) > 1:
        want[flags[1]] = rng.random() < 0.75
        if not any(want.values()) and rng.random() < 0.7:
            want[flags[int(rng.integers(2))]] = True
    for fid in flags[2:]:
        want[fid] = rng.random() < 0.5
    for fid in flags:
        boxes = empty_boxes(fid)
        if want[fid]:
            boxes["x"] = _mark(style(), pen, rng)
        elif cancels and rng.random() < 0.03:
            boxes["x"] = _mark("filled", pen, rng)
        fields[fid] = {"kind": "flag", "value": bool(want[fid]), "expect": "ok",
                       "boxes": boxes}

    phien_ha = None
    for f in spec.choice_fields:
        if f.kind is not FieldKind.SINGLE:
            continue
        opts = [o.value for o in f.options]
        boxes = empty_boxes(f.id)
        value: str | None
        expect = "ok"
        if f.id == "c2.phien_ha":
            r = rng.random()
            value = "khong" if r < 0.86 else ("co" if r < 0.94 else None)
            phien_ha = value
        elif f.only_if is not None:
            dep_field, dep_value = f.only_if
            if phien_ha == dep_value:
                value = None
                if rng.random() < 0.85:  # rarer frequencies are rarer answers
                    p = np.array([0.5, 0.35, 0.1, 0.05][:len(opts)] + [0.05] * (len(opts) - 4))
                    value = opts[int(rng.choice(len(opts), p=p / p.sum()))]
            elif phien_ha is not None and rng.random() < 0.03:
                value = opts[int(rng.integers(len(opts)))]
                expect = "contradiction"
            else:
                value = None
        else:
            value = None if rng.random() < 0.04 else _answer_single(rng, opts, mood)
        if value is None:
            expect = "blank"
        else:
            boxes[value] = _mark(style(), pen, rng)
            others = [o for o in opts if o != value]
            if expect == "ok" and rng.random() < 0.012:
                # two options marked: the reader must send it to review
                boxes[str(rng.choice(others))] = _mark(style(), pen, rng)
                value, expect = None, "multiple"
            elif cancels and rng.random() < 0.06:
                # changed their mind: the first choice filled in, the real one next to it
                boxes[str(rng.choice(others))] = _mark("filled", pen, rng)
        fields[f.id] = {"kind": "single", "value": value, "expect": expect, "boxes": boxes}

    # --- intrusions: a stroke from an answer crosses into the box above or below it
    if intrusions:
        for pl in layout.pages:
            by_key = {b.key: b for b in pl.boxes}
            for b in pl.boxes:
                src = fields[b.field]["boxes"][b.value]
                if not src.get("selected") or src["style"] not in ("x", "tick", "slash",
                                                                   "overshoot"):
                    continue
                if rng.random() >= 0.06:
                    continue
                cands = []
                for other in by_key.values():
                    if other.field == b.field:
                        continue
                    dx = abs(other.rect.cx - b.rect.cx)
                    dy = abs(other.rect.cy - b.rect.cy)
                    if dx < 1.5 and dy < 14 and \
                            fields[other.field]["boxes"][other.value]["style"] == "empty":
                        cands.append(other)
                if not cands:
                    continue
                tgt = cands[int(rng.integers(len(cands)))]
                mark = _mark("intrusion", pen, rng)
                mark["ink"], mark["rgb"], mark["opacity"] = src["ink"], src["rgb"], \
                    src["opacity"]
                mark["width_mm"] = src["width_mm"]
                mark["from"] = b.key
                fields[tgt.field]["boxes"][tgt.value] = mark

    # --- text zones
    texts: dict[int, list[dict[str, Any]]] = {}
    for pl in layout.pages:
        for z in pl.zones:
            t = _plan_text(rng, z, hand, pen)
            fields[z.field] = {"kind": "text", "value": t["value"] if t else None,
                               "hand": t["hand"] if t else None,
                               "lines": t["lines"] if t else [],
                               "font": t["font"] if t else None}
            if t:
                texts.setdefault(pl.page, []).append(t)

    for fid, fd in fields.items():
        if fd["kind"] != "text":
            fd["page"] = box_page[f"{fid}={next(iter(fd['boxes']))}"]
        else:
            fd["page"] = next(pl.page for pl in layout.pages for z in pl.zones
                              if z.field == fid)
    ordered = {f: fields[f] for f in spec.fields if f in fields}
    return {"serial": serial, "level": level, "pen": {k: pen[k] for k in
                                                      ("ink", "rgb", "width_mm")},
            "hand": {k: hand[k] for k in ("font", "size_mm", "slant_deg")}, "_hand": hand,
            "fields": ordered, "_texts": texts, "_pen": pen}


# ---------------------------------------------------------------------------------------------
# Planning: degradation of one page


def _tr(tx: float, ty: float) -> np.ndarray:
    return np.array([[1, 0, tx], [0, 1, ty], [0, 0, 1]], dtype=float)


def _sc(sx: float, sy: float | None = None) -> np.ndarray:
    return np.array([[sx, 0, 0], [0, sx if sy is None else sy, 0], [0, 0, 1]], dtype=float)


def _rot(deg: float) -> np.ndarray:
    """Clockwise on screen (y down)."""
    a = math.radians(deg)
    c, s = math.cos(a), math.sin(a)
    return np.array([[c, -s, 0], [s, c, 0], [0, 0, 1]], dtype=float)


def _apply(h: np.ndarray, pts: np.ndarray) -> np.ndarray:
    p = np.hstack([pts, np.ones((len(pts), 1))]) @ h.T
    return p[:, :2] / p[:, 2:3]


def _features_mm(pl: PageLayout) -> np.ndarray:
    """Corners of everything the reader must see: marks, QR, boxes."""
    pts = []
    for r in [*pl.marks, pl.qr, *(b.rect for b in pl.boxes)]:
        pts += [(r.x, r.y), (r.x + r.w, r.y), (r.x, r.y + r.h), (r.x + r.w, r.y + r.h)]
    return np.array(pts, dtype=float)


def _profile(rng: np.random.Generator, level: str, fmt: str) -> dict[str, Any]:
    """What the scanner (or phone) is set to: resolution, colour mode, JPEG quality."""
    L = LEVELS[level]
    if L.phone:
        return {"dpi": 72, "colour": "rgb", "jpeg_quality": int(rng.integers(*L.jpeg,
                                                                             endpoint=True))}
    dpi = int(rng.choice(L.dpi))
    r = rng.random()
    if fmt == "tiff" and level != "none":
        colour = "bilevel" if rng.random() < 0.6 else "gray"
    elif r < L.p_bilevel and fmt != "jpeg":
        colour = "bilevel"
    elif r < L.p_bilevel + L.p_gray:
        colour = "gray"
    else:
        colour = "rgb"
    if colour == "rgb" and level != "none":
        dpi = min(dpi, 240)  # office scanners default to 150-200 dpi in colour
    return {"dpi": dpi, "colour": colour,
            "jpeg_quality": int(rng.integers(L.jpeg[0], L.jpeg[1], endpoint=True))}


def _plan_degradation(rng: np.random.Generator, level: str, prof: dict[str, Any],
                      pl: PageLayout, page_size: tuple[float, float], fmt: str,
                      rotation: int | None = None,
                      template_px: tuple[int, int] | None = None) -> dict[str, Any]:
    L = LEVELS[level]
    wm, hm = page_size
    cx, cy = wm / 2, hm / 2
    rot = int(rotation if rotation is not None else
              rng.choice([0, 90, 180, 270], p=np.array(L.rotation_p) / sum(L.rotation_p)))
    skew = float(rng.uniform(-L.skew, L.skew)) if L.skew else 0.0
    scale = float(rng.uniform(*L.scale))
    shift = rng.uniform(-L.shift_mm, L.shift_mm, 2) if L.shift_mm else np.zeros(2)
    feats = _features_mm(pl)
    # print scaling must keep marks, QR and boxes on the paper (an enlarged copy that lost its
    # marks is a different experiment); shrink until they stay 3 mm inside
    for _ in range(60):
        content = _tr(cx + shift[0], cy + shift[1]) @ _sc(scale) @ _tr(-cx, -cy)
        f = _apply(content, feats)
        if f[:, 0].min() >= 3 and f[:, 1].min() >= 3 and f[:, 0].max() <= wm - 3 and \
                f[:, 1].max() <= hm - 3:
            break
        scale -= 0.005
        shift *= 0.8
    dpi = int(prof["dpi"])
    d: dict[str, Any] = {"level": level, "rotation": rot, "skew_deg": round(skew, 3),
                         "scale": round(scale, 4),
                         "shift_mm": [round(float(v), 2) for v in shift]}
    paper_mm = np.array([(0, 0), (wm, 0), (wm, hm), (0, hm)], dtype=float)
    if L.phone:
        portrait = rot in (0, 180)
        long_px = int(rng.integers(2000, 2600))
        fw, fh = (long_px * 3 // 4, long_px) if portrait else (long_px, long_px * 3 // 4)
        fill = float(rng.uniform(0.80, 0.92))
        k = fill * (fh / hm if portrait else fw / hm)
        if portrait:
            k = min(k, 0.95 * fw / wm)
        else:
            k = min(k, 0.95 * fh / wm)
        centre = np.array([fw / 2, fh / 2]) + rng.normal(0, 0.015, 2) * np.array([fw, fh])
        a = _tr(*centre) @ _sc(k) @ _rot(rot + skew) @ _tr(-cx, -cy)
        quad = _apply(a, paper_mm)
        # perspective: keystone (phone tilted) plus random corner displacement
        keystone = float(rng.uniform(-0.05, 0.05))
        mid = quad.mean(axis=0)
        top = np.argsort(quad[:, 1])[:2]
        for i in range(4):
            v = quad[i] - mid
            squeeze = (1 - keystone) if i in top else (1 + keystone * 0.5)
            quad[i] = mid + np.array([v[0] * squeeze, v[1]])
        quad += rng.normal(0, 0.012, (4, 2)) * np.array([fw, fh])
        hp = cv2.getPerspectiveTransform(paper_mm.astype(np.float32), quad.astype(np.float32))
        h_mm = hp.astype(float) @ content
        d.update({"dpi": 72, "dpi_equivalent": round(k * 25.4, 1), "colour": "rgb",
                  "work_dpi": int(min(TEMPLATE_DPI, math.ceil(k * 25.4 * 1.1))),
                  "size_px": [fw, fh], "perspective": [[round(float(x), 1), round(float(y), 1)]
                                                       for x, y in quad],
                  "edges_mm": None})
        desk = [(120, 92, 66), (96, 96, 100), (58, 52, 48), (150, 138, 120), (70, 88, 110)]
        base = desk[int(rng.integers(len(desk)))]
        d["background"] = [int(np.clip(c + rng.integers(-15, 16), 0, 255)) for c in base]
    else:
        k = dpi / 25.4
        a = _sc(k) @ _rot(rot + skew) @ _tr(-cx, -cy)
        corners = _apply(a, paper_mm)
        fpx = _apply(a @ content, feats)
        lo, hi = corners.min(axis=0), corners.max(axis=0)
        edges = {}
        bounds = []
        # per edge: < 0 cuts the paper, > 0 shows background; never closer than 2 mm to a
        # printed feature, which would make the page unreadable by construction
        for i, side in enumerate(("left", "top", "right", "bottom")):
            e = float(rng.uniform(-L.crop_mm, L.pad_mm)) if (L.crop_mm or L.pad_mm) else 0.0
            axis = i % 2
            if i < 2:
                room = (fpx[:, axis].min() - lo[axis]) / k - 2.0
                e = max(e, -room)
                bounds.append(lo[axis] - e * k)
            else:
                room = (hi[axis] - fpx[:, axis].max()) / k - 2.0
                e = max(e, -room)
                bounds.append(hi[axis] + e * k)
            edges[side] = round(e, 2)
        x0, y0, x1, y1 = bounds
        w, h = int(round(x1 - x0)), int(round(y1 - y0))
        if level == "none" and template_px:
            w, h = template_px  # pixel for pixel the rasterised template
        h_mm = _tr(-x0, -y0) @ a @ content
        d.update({"dpi": dpi, "work_dpi": int(min(TEMPLATE_DPI, math.ceil(dpi * scale))),
                  "colour": prof["colour"], "size_px": [w, h], "perspective": None,
                  "edges_mm": edges})
        bg = 255
        if level != "none":
            r = rng.random()
            bg = int(rng.integers(235, 256)) if r < 0.7 else (
                int(rng.integers(60, 120)) if r < 0.9 else int(rng.integers(5, 30)))
        d["background"] = [bg, bg, bg]
    if prof.get("colour") and not L.phone:
        d["colour"] = prof["colour"]
    d["paper"] = int(rng.integers(L.paper[0], L.paper[1], endpoint=True))
    d["black"] = int(rng.integers(L.black[0], L.black[1], endpoint=True))
    d["blur_sigma_px"] = round(float(rng.uniform(*L.blur)), 2) if rng.random() < L.p_blur \
        else 0.0
    d["noise_sigma"] = round(float(rng.uniform(*L.noise)), 2) if L.noise[1] else 0.0
    g = float(rng.uniform(0, L.gradient)) if L.gradient else 0.0
    d["gradient"] = {"strength": round(g, 3), "angle_deg": round(float(rng.uniform(0, 360)), 1)
                     } if g > 0.01 else None
    d["shadow"] = None
    if rng.random() < L.p_shadow:
        d["shadow"] = {"edge": str(rng.choice(["left", "right", "top", "bottom"])),
                       "strength": round(float(rng.uniform(0.1, max(0.12, L.shadow))), 3),
                       "width_mm": round(float(rng.uniform(4, 18)), 1)}
        if L.phone:  # a hand or the phone itself casts a soft blob, not an edge
            d["shadow"] = {"blob": [round(float(rng.uniform(0.1, 0.9)), 3),
                                    round(float(rng.uniform(0.1, 0.9)), 3)],
                           "strength": round(float(rng.uniform(0.1, 0.3)), 3),
                           "radius": round(float(rng.uniform(0.2, 0.5)), 3)}
    d["vignette"] = round(float(rng.uniform(0.1, 0.3)), 3) if L.phone else 0.0
    d["colour_cast"] = None
    if L.phone:  # warm lamp light or cool daylight, never a green page
        t = float(rng.uniform(-1, 1))
        d["colour_cast"] = [round(1 - 0.04 * max(0.0, -t), 3), round(1 - 0.02 * abs(t), 3),
                            round(1 - 0.08 * max(0.0, t), 3)]
    d["photocopy"] = None
    if rng.random() < L.p_photocopy:
        d["photocopy"] = {"low": int(rng.integers(15, 60)), "high": int(rng.integers(170, 215)),
                          "toner": int(rng.integers(200, 2500)),
                          "streaks": int(rng.integers(0, 4))}
    d["speckle"] = int(rng.integers(20, 400)) if rng.random() < L.p_speckle else 0
    d["bilevel_threshold"] = (int(rng.integers(150, 186)) if d["colour"] == "bilevel" else None)
    d["jpeg_quality"] = None
    if fmt in ("jpeg", "pdf") and d["colour"] != "bilevel":
        d["jpeg_quality"] = int(prof["jpeg_quality"])
    elif fmt in ("png", "tiff") and d["colour"] != "bilevel" and \
            rng.random() < L.p_jpeg_roundtrip:
        d["jpeg_roundtrip"] = int(prof["jpeg_quality"])
    d["mm_to_px"] = [[round(float(v), 6) for v in row] for row in h_mm]
    return d


# ---------------------------------------------------------------------------------------------
# Drawing


def _bezier(p0: np.ndarray, p1: np.ndarray, bend: float, n: int = 18) -> np.ndarray:
    d = p1 - p0
    length = float(np.hypot(*d)) + 1e-6
    normal = np.array([-d[1], d[0]]) / length
    c = (p0 + p1) / 2 + normal * bend * length
    t = np.linspace(0, 1, n)[:, None]
    return (1 - t) ** 2 * p0 + 2 * (1 - t) * t * c + t ** 2 * p1


class _Ink:
    """Strokes and filled shapes of one mark in page px, drawn into a local mask."""

    def __init__(self) -> None:
        self.strokes: list[tuple[np.ndarray, float]] = []
        self.polys: list[np.ndarray] = []

    def stroke(self, pts: np.ndarray, width: float) -> None:
        self.strokes.append((np.asarray(pts, dtype=float), width))

    def poly(self, pts: np.ndarray) -> None:
        self.polys.append(np.asarray(pts, dtype=float))

    def points(self) -> np.ndarray:
        parts = [p for p, _ in self.strokes] + self.polys
        return np.vstack(parts) if parts else np.zeros((0, 2))

    def bbox(self, margin: float) -> tuple[int, int, int, int]:
        p = self.points()
        wmax = max([w for _, w in self.strokes], default=0)
        m = margin + wmax
        return (int(p[:, 0].min() - m), int(p[:, 1].min() - m), int(p[:, 0].max() + m) + 1,
                int(p[:, 1].max() + m) + 1)

    def render(self, rng: np.random.Generator, x0: int, y0: int, w: int, h: int
               ) -> np.ndarray:
        mask = np.zeros((h, w), np.uint8)
        off = np.array([x0, y0], dtype=float)
        for pts in self.polys:
            q = np.round((pts - off) * 16).astype(np.int32)
            cv2.fillPoly(mask, [q], 255, cv2.LINE_AA, shift=4)
        for pts, width in self.strokes:
            n = len(pts)
            t = np.linspace(0, 1, max(n - 1, 1))
            # pressure: thinner at both ends, with a little wobble
            press = 0.65 + 0.35 * np.sin(np.pi * np.clip(t, 0.05, 0.95)) ** 0.6
            press *= 1 + rng.normal(0, 0.06, len(t))
            q = np.round((pts - off) * 16).astype(np.int32)
            for i in range(n - 1):
                th = max(1, int(round(width * press[i])))
                cv2.line(mask, tuple(int(v) for v in q[i]), tuple(int(v) for v in q[i + 1]),
                         255, th, cv2.LINE_AA, shift=4)
        return mask


def _inside_other(pts: np.ndarray, others: list[tuple[float, float, float, float]],
                  width: float) -> bool:
    for x0, y0, x1, y1 in others:
        if np.any((pts[:, 0] > x0 - width / 2) & (pts[:, 0] < x1 + width / 2) &
                  (pts[:, 1] > y0 - width / 2) & (pts[:, 1] < y1 + width / 2)):
            return True
    return False


def _shape(style: str, rect: tuple[float, float, float, float], w: float,
           rng: np.random.Generator, grow: float = 1.0, ppm: float = PX_MM) -> _Ink:
    """The strokes of one mark style for a box (x0, y0, x1, y1) in px."""
    x0, y0, x1, y1 = rect
    u = x1 - x0
    c = np.array([(x0 + x1) / 2, (y0 + y1) / 2]) + rng.normal(0, 0.07 * u, 2)
    ink = _Ink()
    tilt = _rot(float(rng.normal(0, 8)))[:2, :2]

    def pt(dx: float, dy: float, jit: float = 0.05) -> np.ndarray:
        v = tilt @ np.array([dx, dy]) * u
        return c + v + rng.normal(0, jit * u, 2)

    if style in ("x", "pencil_x"):
        a = float(rng.uniform(0.2, 0.46)) * grow
        b = a * float(rng.uniform(0.75, 1.25))
        ink.stroke(_bezier(pt(-a, -b), pt(a, b), float(rng.normal(0, 0.08))), w)
        ink.stroke(_bezier(pt(a, -b), pt(-a, b), float(rng.normal(0, 0.08))), w)
    elif style in ("tick", "pencil_tick"):
        s = float(rng.uniform(0.75, 1.05)) * grow
        p0, p1, p2 = pt(-0.38 * s, -0.02 * s), pt(-0.1 * s, 0.36 * s), pt(0.48 * s, -0.55 * s)
        ink.stroke(np.vstack([_bezier(p0, p1, float(rng.normal(0, 0.05)), 8),
                              _bezier(p1, p2, float(rng.normal(0.04, 0.06)), 16)[1:]]), w)
    elif style == "slash":
        a = float(rng.uniform(0.3, 0.48))
        if rng.random() < 0.7:
            ink.stroke(_bezier(pt(-a, a), pt(a, -a), float(rng.normal(0, 0.05))), w)
        else:
            ink.stroke(_bezier(pt(-a, -a), pt(a, a), float(rng.normal(0, 0.05))), w)
    elif style == "dot":
        r = float(rng.uniform(0.45, 1.0)) * ppm
        ctr = pt(0, 0, 0.08)
        ang = np.linspace(0, 2 * np.pi, 24, endpoint=False)
        rr = r * (1 + rng.normal(0, 0.08, len(ang)))
        ink.poly(np.stack([ctr[0] + rr * np.cos(ang), ctr[1] + rr * np.sin(ang)], axis=1))
        if rng.random() < 0.5:  # the pen leaves a small tail
            ink.stroke(_bezier(ctr, ctr + rng.normal(0, 0.8, 2) * ppm, 0.1, 6), w)
    elif style == "scribble":
        # back-and-forth shading that covers about half the box: denser is a cancellation
        n = int(np.clip(0.5 * u / max(w, 1.0) * float(rng.uniform(0.8, 1.1)), 3, 7))
        pts = []
        for i in range(n):
            y = -0.32 + 0.64 * i / (n - 1)
            xa = -0.3 if i % 2 == 0 else 0.3
            pts.append(pt(xa, y, 0.06))
        pts = np.array(pts)
        path = np.vstack([_bezier(pts[i], pts[i + 1], float(rng.normal(0, 0.15)), 8)[:-1]
                          for i in range(len(pts) - 1)] + [pts[-1:]])
        ink.stroke(path, w)
    elif style == "filled":
        # fill the interior (a little past the border) and scrub over it with the pen
        e = float(rng.uniform(0.0, 0.6)) * ppm
        ang = np.linspace(0, 2 * np.pi, 12, endpoint=False)
        sq = []
        for t in ang:
            dx, dy = math.cos(t), math.sin(t)
            m = max(abs(dx), abs(dy))
            sq.append((c[0] + dx / m * (u / 2 + e), c[1] + dy / m * (u / 2 + e)))
        sq = np.array(sq) + rng.normal(0, 0.25 * ppm, (12, 2))
        ink.poly(sq)
        n = int(rng.integers(6, 10))
        pts = [pt(-0.5 if i % 2 == 0 else 0.5, -0.5 + i / (n - 1), 0.04) for i in range(n)]
        ink.stroke(np.array(pts), w * 1.3)
    elif style == "circle":
        rx = u / 2 + float(rng.uniform(1.0, 2.6)) * ppm * grow
        ry = u / 2 + float(rng.uniform(0.8, 1.6)) * ppm * grow
        start = float(rng.uniform(0, 2 * np.pi))
        sweep = float(rng.uniform(2.0 * np.pi * 0.95, 2.0 * np.pi * 1.12))
        t = start + np.linspace(0, sweep, 40)
        wob = 1 + np.cumsum(rng.normal(0, 0.012, len(t)))
        ink.stroke(np.stack([c[0] + rx * wob * np.cos(t), c[1] + ry * wob * np.sin(t)],
                            axis=1), w)
    elif style == "overshoot":
        ext = float(rng.uniform(1.5, 4.0)) * ppm / u * grow
        if rng.random() < 0.6:
            a = 0.42 + ext
            ink.stroke(_bezier(pt(-a * 0.9, -a), pt(a * 0.8, a), float(rng.normal(0, 0.05))), w)
            ink.stroke(_bezier(pt(a, -a * 0.85), pt(-a * 0.9, a * 0.9),
                               float(rng.normal(0, 0.05))), w)
        else:
            p0, p1 = pt(-0.38, 0.0), pt(-0.1, 0.38)
            p2 = pt(0.45 + ext * 0.7, -0.5 - ext)
            ink.stroke(np.vstack([_bezier(p0, p1, 0.05, 8), _bezier(p1, p2, 0.04, 16)[1:]]), w)
    elif style == "beside":  # a tick standing against the box's right side
        s = float(rng.uniform(0.7, 1.0)) * grow
        bx = np.array([x1 + 0.15 * u, (y0 + y1) / 2])
        p0 = bx + np.array([-0.05, -0.05]) * u * s + rng.normal(0, 0.03 * u, 2)
        p1 = bx + np.array([0.15, 0.35]) * u * s
        p2 = bx + np.array([0.6, -0.55]) * u * s
        ink.stroke(np.vstack([_bezier(p0, p1, float(rng.normal(0, 0.05)), 8),
                              _bezier(p1, p2, float(rng.normal(0.04, 0.06)), 16)[1:]]), w)
    elif style == "underline":  # under the label, which ends just left of the box
        y = y1 + float(rng.uniform(0.3, 0.9)) * ppm
        left = x0 - float(rng.uniform(7.0, 11.0)) * ppm
        right = x0 - float(rng.uniform(0.3, 1.0)) * ppm
        ink.stroke(_bezier(np.array([left, y]), np.array([right, y + rng.normal(0, 0.3 * ppm)]),
                           float(rng.normal(0, 0.03))), w)
    elif style == "ring_wide":  # a loop well around the box, through the label's end
        rx = u / 2 + float(rng.uniform(3.0, 5.0)) * ppm * grow
        ry = (y1 - y0) / 2 + float(rng.uniform(0.6, 1.2)) * ppm * grow
        start = float(rng.uniform(0, 2 * np.pi))
        t = start + np.linspace(0, float(rng.uniform(2.0 * np.pi, 2.25 * np.pi)), 48)
        wob = 1 + np.cumsum(rng.normal(0, 0.01, len(t)))
        ink.stroke(np.stack([c[0] - 0.25 * rx + rx * wob * np.cos(t),
                             c[1] + ry * wob * np.sin(t)], axis=1), w)
    else:
        raise ValueError(style)
    return ink


def _composite(img: np.ndarray, mask: np.ndarray, x0: int, y0: int, rgb: Sequence[int],
               opacity: float) -> None:
    """Multiply-blend ink (mask 0..255) into the page: ink over print stays dark."""
    h, w = mask.shape
    H, W = img.shape[:2]
    ax0, ay0, ax1, ay1 = max(0, x0), max(0, y0), min(W, x0 + w), min(H, y0 + h)
    if ax0 >= ax1 or ay0 >= ay1:
        return
    a = mask[ay0 - y0:ay1 - y0, ax0 - x0:ax1 - x0].astype(np.float32) * (opacity / 255.0)
    region = img[ay0:ay1, ax0:ax1]
    if img.ndim == 2:
        lum = (0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2]) / 255.0
        fac = 1.0 - a * (1.0 - lum)
    else:
        t = 1.0 - np.asarray(rgb, dtype=np.float32) / 255.0
        fac = 1.0 - a[..., None] * t
    region[...] = np.clip(region * fac + 0.5, 0, 255).astype(np.uint8)


def _texture(rng: np.random.Generator, shape: tuple[int, int], pencil: bool) -> np.ndarray:
    """Ballpoint ink is a little uneven; pencil is grainy."""
    if pencil:
        t = rng.uniform(0.5, 1.0, shape).astype(np.float32)
        return cv2.GaussianBlur(t, (0, 0), 0.7)
    small = rng.uniform(0.78, 1.0, (max(1, shape[0] // 6), max(1, shape[1] // 6)))
    return cv2.resize(small.astype(np.float32), (shape[1], shape[0]),
                      interpolation=cv2.INTER_LINEAR)


def _draw_marks(img: np.ndarray, pl: PageLayout, fields: dict[str, dict[str, Any]],
                rng: np.random.Generator, ppm: float = PX_MM) -> None:
    rects = {b.key: (b.rect.x * ppm, b.rect.y * ppm, (b.rect.x + b.rect.w) * ppm,
                     (b.rect.y + b.rect.h) * ppm) for b in pl.boxes}
    for b in pl.boxes:
        m = fields[b.field]["boxes"][b.value]
        style = m["style"]
        if style == "empty":
            continue
        w = m["width_mm"] * ppm
        others = []
        for k, r in rects.items():
            if k != b.key:
                # other boxes' interiors (0.3 mm in) must stay clean unless truth says so
                others.append((r[0] + 0.3 * ppm, r[1] + 0.3 * ppm, r[2] - 0.3 * ppm,
                               r[3] - 0.3 * ppm))
        if style == "intrusion":
            src = rects[m["from"]]
            tgt = rects[b.key]
            sc = np.array([(src[0] + src[2]) / 2, (src[1] + src[3]) / 2])
            tc = np.array([(tgt[0] + tgt[2]) / 2, (tgt[1] + tgt[3]) / 2])
            dirv = (tc - sc) / (np.linalg.norm(tc - sc) + 1e-6)
            # end 0.8-2.2 mm inside the target's near edge
            edge = tc - dirv * (tgt[3] - tgt[1]) / 2
            end = edge + dirv * float(rng.uniform(0.8, 2.2)) * ppm
            end[0] += float(rng.uniform(-0.25, 0.25)) * (tgt[2] - tgt[0])
            start = sc + rng.normal(0, 0.8, 2) * ppm
            ink = _Ink()
            ink.stroke(_bezier(start, end, float(rng.normal(0, 0.05))), w)
        else:
            shape = style
            if style == "pencil":
                shape = "pencil_x" if rng.random() < 0.5 else "pencil_tick"
            # a stroke reaching into a neighbour box would make that box's truth wrong:
            # draw it smaller until it stays out
            for attempt in range(8):
                ink = _shape(shape, rects[b.key], w, rng, grow=0.85 ** attempt, ppm=ppm)
                if not _inside_other(ink.points(), others, w):
                    break
        x0, y0, x1, y1 = ink.bbox(3)
        mask = ink.render(rng, x0, y0, x1 - x0, y1 - y0)
        tex = _texture(rng, mask.shape, m["ink"].startswith("pencil"))
        mask = (mask.astype(np.float32) * tex).astype(np.uint8)
        _composite(img, mask, x0, y0, m["rgb"], m["opacity"])


def _glyph_line(text: str, font: str, size_px: float, hand: dict[str, Any] | None,
                rng: np.random.Generator, ppm: float = PX_MM) -> tuple[np.ndarray, int]:
    """A line of text as an ink mask, and the baseline row. Handwriting: each glyph gets its
    own size, rotation and baseline jitter; typed text is plain."""
    est = _font(font, int(round(size_px * 1.2))).getlength(text) * 1.3 + size_px * 3
    h = int(size_px * 2.4)
    base = int(size_px * 1.6)
    canvas = Image.new("L", (int(est), h), 0)
    if hand is None:
        ImageDraw.Draw(canvas).text((size_px * 0.3, base), text, font=_font(font, int(
            round(size_px))), fill=255, anchor="ls")
        return np.asarray(canvas), base
    x = size_px * 0.3
    space = _font(font, int(round(size_px))).getlength(" ")
    for ch in text:
        if ch == " ":
            x += space * hand["word_gap"] * float(rng.uniform(0.8, 1.25))
            continue
        s = int(round(size_px * (1 + rng.normal(0, hand["size_jitter"]))))
        f = _font(font, s)
        left, top, right, bottom = f.getbbox(ch, anchor="ls")
        pad = 4
        gw, gh = right - left + 2 * pad, bottom - top + 2 * pad
        if gw <= 2 * pad or gh <= 2 * pad:
            x += f.getlength(ch)
            continue
        g = Image.new("L", (gw, gh), 0)
        ImageDraw.Draw(g).text((pad - left, pad - top), ch, font=f, fill=255, anchor="ls")
        ang = float(rng.normal(0, hand["rot_jitter"]))
        g = g.rotate(ang, resample=Image.Resampling.BILINEAR, expand=False)
        dy = rng.normal(0, hand["base_jitter_mm"] * ppm)
        gx, gy = int(round(x + left - pad)), int(round(base + top - pad + dy))
        if gx < 0 or gy < 0 or gx + gw > canvas.width or gy + gh > canvas.height:
            x += f.getlength(ch) * hand["tracking"]
            continue
        region = canvas.crop((gx, gy, gx + gw, gy + gh))
        canvas.paste(Image.fromarray(np.maximum(np.asarray(region), np.asarray(g))), (gx, gy))
        x += f.getlength(ch) * hand["tracking"] * float(rng.uniform(0.96, 1.05))
    arr = np.asarray(canvas)
    cols = np.nonzero(arr.max(axis=0))[0]
    arr = arr[:, : (cols.max() + int(size_px)) if len(cols) else 1]
    return arr, base


def _elastic(mask: np.ndarray, amp_px: float, rng: np.random.Generator) -> np.ndarray:
    """Smooth random displacement: letters that do not sit like a font's."""
    h, w = mask.shape
    gh, gw = max(2, h // 40), max(2, w // 40)
    dx = cv2.resize(rng.normal(0, amp_px, (gh, gw)).astype(np.float32), (w, h),
                    interpolation=cv2.INTER_CUBIC)
    dy = cv2.resize(rng.normal(0, amp_px, (gh, gw)).astype(np.float32), (w, h),
                    interpolation=cv2.INTER_CUBIC)
    xs, ys = np.meshgrid(np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32))
    return cv2.remap(mask, xs + dx, ys + dy, cv2.INTER_LINEAR, borderValue=0)


def _draw_text(img: np.ndarray, pl: PageLayout, t: dict[str, Any], hand: dict[str, Any],
               rng: np.random.Generator, ppm: float = PX_MM) -> None:
    zone = next(z for z in pl.zones if z.field == t["field"])
    typed = t["hand"] == "typed"
    for i, line in enumerate(t["lines"]):
        x_mm = t["starts_mm"][i]
        y_mm = zone.lines[i][2] - t["drop_mm"][i]
        mask, base = _glyph_line(line, t["font"], t["size_mm"] * ppm, None if typed else hand,
                                 rng, ppm)
        h, w = mask.shape
        if not typed:
            # slant (shear about the baseline) and the line's own tilt, then elastic wobble
            sh = math.tan(math.radians(hand["slant_deg"]))
            rot = _rot(t["tilt_deg"][i])
            m = _tr(0, base) @ rot @ np.array([[1, -sh, 0], [0, 1, 0], [0, 0, 1]]) @ \
                _tr(0, -base)
            pad = int(abs(sh) * h) + 8
            m = _tr(pad, 0) @ m
            mask = cv2.warpAffine(mask, m[:2], (w + 2 * pad, h), flags=cv2.INTER_LINEAR)
            mask = _elastic(mask, hand["elastic_mm"] * ppm, rng)
            if t["width_mm"] > 0.6 and hand["font"].endswith("ExtraLight.ttf"):
                mask = cv2.dilate(mask, np.ones((2, 2), np.uint8))
            x_px = int(round(x_mm * ppm)) - pad
        else:
            x_px = int(round(x_mm * ppm))
        y_px = int(round(y_mm * ppm)) - base
        if not typed:
            tex = _texture(rng, mask.shape, False)
            mask = (mask.astype(np.float32) * tex).astype(np.uint8)
        _composite(img, mask, x_px, y_px, t["rgb"], t["opacity"])


def _paste_qr(img: np.ndarray, pl: PageLayout, payload: str, ppm: float = PX_MM) -> None:
    png = np.frombuffer(qr_png(payload), np.uint8)
    qr = cv2.imdecode(png, cv2.IMREAD_GRAYSCALE)
    x0, y0 = int(round(pl.qr.x * ppm)), int(round(pl.qr.y * ppm))
    x1, y1 = int(round((pl.qr.x + pl.qr.w) * ppm)), int(round((pl.qr.y + pl.qr.h) * ppm))
    qr = cv2.resize(qr, (x1 - x0, y1 - y0), interpolation=cv2.INTER_AREA)
    if img.ndim == 3:
        qr = qr[..., None]
    img[y0:y1, x0:x1] = qr


def _write_serial(img: np.ndarray, tpl: _Template, page: int, serial: int,
                  ppm: float = PX_MM) -> None:
    box = tpl.serial_boxes[page - 1] if page - 1 < len(tpl.serial_boxes) else None
    if box is None or not serial:
        return
    x0, top, x1, bottom = box
    px = [int(round(v * ppm)) for v in (x0, top, x1, bottom)]
    img[px[1]:px[3] + 2, px[0]:px[2] + 2] = 255
    size = int(round(tpl.serial_pt / 72 * 25.4 * ppm))
    font = _available(SERIAL_FONT)[0]
    mask, base = _glyph_line(f"{serial:06d}", font, size, None, np.random.default_rng(0), ppm)
    # the dotted line's baseline sits about 0.8 of the way down its box
    y = int(round((top + (bottom - top) * 0.8) * ppm)) - base
    _composite(img, mask, px[0] - int(size * 0.3), y, (0, 0, 0), 1.0)


# ---------------------------------------------------------------------------------------------
# Degradation


def _gain_grid(d: dict[str, Any], w: int, h: int, channels: int) -> np.ndarray | None:
    """Low-frequency brightness (gradient, binding shadow, vignette, phone shadow blob, colour
    cast) on a coarse grid, as uint8 gain (255 = unchanged); scaled up by the caller."""
    cast = d.get("colour_cast") if channels == 3 else None
    if not (d.get("gradient") or d.get("shadow") or d.get("vignette") or cast):
        return None
    gw, gh = 64, max(2, int(64 * h / w))
    ys, xs = np.mgrid[0:gh, 0:gw].astype(np.float32)
    xs /= gw - 1
    ys /= gh - 1
    g = np.ones((gh, gw), np.float32)
    if d.get("gradient"):
        a = math.radians(d["gradient"]["angle_deg"])
        ramp = (xs - 0.5) * math.cos(a) + (ys - 0.5) * math.sin(a)
        ramp = (ramp - ramp.min()) / max(1e-6, float(ramp.max() - ramp.min()))
        g *= 1 - d["gradient"]["strength"] * ramp
    s = d.get("shadow")
    if s and "edge" in s:
        width = s["width_mm"] * d["dpi"] / 25.4
        dist = {"left": xs * w, "right": (1 - xs) * w, "top": ys * h, "bottom": (1 - ys) * h}
        g *= 1 - s["strength"] * np.exp(-dist[s["edge"]] / max(1.0, width))
    elif s and "blob" in s:
        bx, by = s["blob"]
        r2 = ((xs - bx) ** 2 + (ys - by) ** 2) / (s["radius"] ** 2)
        g *= 1 - s["strength"] * np.exp(-r2)
    if d.get("vignette"):
        r2 = (xs - 0.5) ** 2 + (ys - 0.5) ** 2
        g *= 1 - d["vignette"] * r2 * 2
    if channels == 3:
        g = np.repeat(g[..., None], 3, axis=2)
        if cast:
            g = g * np.array(cast, dtype=np.float32) / max(cast)
    return np.clip(g * 255 + 0.5, 0, 255).astype(np.uint8)


@lru_cache(maxsize=4)
def _noise_tile(seed: int) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal((509, 499), dtype=np.float32)


def _add_noise(out: np.ndarray, sigma: float, rng: np.random.Generator) -> None:
    """Add Gaussian noise in place, one tile at a time (random phase, flips and a sign per
    tile): drawing 9 M normals per page costs 0.2 s, the tiled noise looks the same."""
    tile = _noise_tile(int(rng.integers(4))) * np.float32(sigma)
    if rng.random() < 0.5:
        tile = tile[::-1]
    if rng.random() < 0.5:
        tile = tile[:, ::-1]
    q = np.round(tile).astype(np.int16)
    pos = np.clip(q, 0, 255).astype(np.uint8)
    neg = np.clip(-q, 0, 255).astype(np.uint8)
    if out.ndim == 3:  # the same noise in every channel: sensor noise is mostly luminance
        pos, neg = cv2.merge([pos] * 3), cv2.merge([neg] * 3)
    th, tw = tile.shape
    h, w = out.shape[:2]
    oy, ox = int(rng.integers(th)), int(rng.integers(tw))
    for y in range(-oy, h, th):
        for x in range(-ox, w, tw):
            y0, x0 = max(0, y), max(0, x)
            y1, x1 = min(h, y + th), min(w, x + tw)
            roi = out[y0:y1, x0:x1]
            ty, tx = y0 - y, x0 - x
            cv2.add(roi, pos[ty:ty + y1 - y0, tx:tx + x1 - x0], dst=roi)
            cv2.subtract(roi, neg[ty:ty + y1 - y0, tx:tx + x1 - x0], dst=roi)


def _degrade(img: np.ndarray, d: dict[str, Any], rng: np.random.Generator,
             k: tuple[float, float] = (PX_MM, PX_MM)) -> tuple[np.ndarray, str]:
    """Geometry, light, noise and binarisation of a page drawn at k px/mm; returns the image
    and its PIL mode."""
    colour = d["colour"]
    w, h = d["size_px"]
    h_mm = np.array(d["mm_to_px"], dtype=float)
    h_px = h_mm @ _sc(1 / k[0], 1 / k[1])  # drawn px → output px
    identity = np.allclose(h_px, np.eye(3), atol=1e-9) and (w, h) == (img.shape[1],
                                                                     img.shape[0])
    if not identity:
        src = img
        f = math.sqrt(abs(np.linalg.det(h_px[:2, :2])))
        if f < 0.85:
            # shrink with area averaging first: a warp alone aliases fine print and strokes
            nw, nh = max(1, int(round(img.shape[1] * f))), max(1, int(round(img.shape[0] * f)))
            src = cv2.resize(img, (nw, nh), interpolation=cv2.INTER_AREA)
            h_px = h_px @ _sc(img.shape[1] / nw, img.shape[0] / nh)
        border = 255 if src.ndim == 2 else (255, 255, 255)
        if d.get("perspective"):
            out = cv2.warpPerspective(src, h_px, (w, h), flags=cv2.INTER_LINEAR,
                                      borderMode=cv2.BORDER_CONSTANT, borderValue=border)
        else:
            out = cv2.warpAffine(src, h_px[:2], (w, h), flags=cv2.INTER_LINEAR,
                                 borderMode=cv2.BORDER_CONSTANT, borderValue=border)
        # background (scanner lid, desk) outside the paper: the canvas with the paper as a hole
        wm, hm = d["_page_mm"]
        content = np.linalg.inv(np.array(d["_content"], dtype=float))
        quad = _apply(h_mm @ content, np.array([(0, 0), (wm, 0), (wm, hm), (0, hm)], float))
        outer = np.array([(-4, -4), (w + 4, -4), (w + 4, h + 4), (-4, h + 4)], dtype=float)
        bg = d["background"]
        col = (int(round(0.299 * bg[0] + 0.587 * bg[1] + 0.114 * bg[2])) if out.ndim == 2
               else tuple(int(v) for v in bg))
        cv2.fillPoly(out, [np.round(outer * 16).astype(np.int32),
                           np.round(quad * 16).astype(np.int32)], col, cv2.LINE_AA, shift=4)
    else:
        out = img
    if d["blur_sigma_px"] > 0:
        out = cv2.GaussianBlur(out, (0, 0), d["blur_sigma_px"])
    # tone: paper white and print black of this scanner, photocopy contrast
    lut = np.arange(256, dtype=np.float32)
    pc = d.get("photocopy")
    if pc:
        lut = np.clip((lut - pc["low"]) * 255 / (pc["high"] - pc["low"]), 0, 255)
    lut = d["black"] + (d["paper"] - d["black"]) * lut / 255
    if d["paper"] != 255 or d["black"] != 0 or pc:
        out = cv2.LUT(out, np.clip(lut + 0.5, 0, 255).astype(np.uint8))
    grid = _gain_grid(d, w, h, 1 if out.ndim == 2 else 3)
    if grid is not None:
        gain = cv2.resize(grid, (w, h), interpolation=cv2.INTER_LINEAR)
        out = cv2.multiply(out, gain, scale=1 / 255)
    if d["noise_sigma"] > 0:
        if out is img:
            out = img.copy()
        _add_noise(out, d["noise_sigma"], rng)
    if pc:
        _toner(out, pc, d, rng)
    if d["speckle"]:
        _speckle(out, d["speckle"], d, rng)
    if d.get("jpeg_roundtrip"):
        ok, buf = cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, d["jpeg_roundtrip"]])
        out = cv2.imdecode(buf, cv2.IMREAD_UNCHANGED)
    if colour == "bilevel":
        grey = out if out.ndim == 2 else cv2.cvtColor(out, cv2.COLOR_RGB2GRAY)
        return grey >= d["bilevel_threshold"], "1"
    if colour == "gray" and out.ndim == 3:
        out = cv2.cvtColor(out, cv2.COLOR_RGB2GRAY)
    return out, ("L" if out.ndim == 2 else "RGB")


def _toner(out: np.ndarray, pc: dict[str, Any], d: dict[str, Any],
           rng: np.random.Generator) -> None:
    """Photocopier toner specks and faint drum streaks."""
    h, w = out.shape[:2]
    scale = d["dpi"] / 300
    n = int(pc["toner"] * (w * h) / (2480 * 3508))
    xs, ys = rng.integers(0, w, n), rng.integers(0, h, n)
    rs = rng.uniform(0.6, 1.8, n) * scale
    vals = rng.integers(40, 140, n)
    for x, y, r, v in zip(xs, ys, rs, vals, strict=True):
        col = int(v) if out.ndim == 2 else (int(v),) * 3
        cv2.circle(out, (int(x), int(y)), max(0, int(round(r))), col, -1, cv2.LINE_AA)
    for _ in range(pc.get("streaks", 0)):
        x = int(rng.integers(0, w))
        band = slice(x, min(w, x + max(1, int(rng.integers(1, 4)))))
        out[:, band] = (out[:, band].astype(np.float32) * float(rng.uniform(0.8, 0.95))
                        ).astype(np.uint8)


def _speckle(out: np.ndarray, count: int, d: dict[str, Any], rng: np.random.Generator) -> None:
    """Dust, hairs and paper fibres on the glass."""
    h, w = out.shape[:2]
    scale = d["dpi"] / 300
    for _ in range(count):
        x, y = int(rng.integers(0, w)), int(rng.integers(0, h))
        v = int(rng.integers(20, 120))
        col = v if out.ndim == 2 else (v, v, v)
        if rng.random() < 0.85:
            cv2.circle(out, (x, y), max(0, int(round(rng.uniform(0.5, 2.5) * scale))), col, -1,
                       cv2.LINE_AA)
        else:
            pts = np.cumsum(rng.normal(0, 6 * scale, (8, 2)), axis=0) + np.array([x, y])
            cv2.polylines(out, [pts.astype(np.int32)], False, col, 1, cv2.LINE_AA)


# ---------------------------------------------------------------------------------------------
# One page


@dataclass
class _PageJob:
    serial: int
    form_page: int
    pages: int
    seed: int
    degr: dict[str, Any]
    rescan: bool = False


@dataclass
class _FileJob:
    name: str
    fmt: str
    pages: list[_PageJob] = field(default_factory=list)


def render_page(tpl: _Template, copy: dict[str, Any], job: _PageJob
                ) -> tuple[np.ndarray, str]:
    """Draw one filled page and degrade it: (pixels, PIL mode). Deterministic per job."""
    rng = np.random.default_rng(job.seed)
    pl = tpl.page(job.form_page)
    # draw at (about) the output resolution: warping a 300-dpi colour page costs 3x more
    base, kx, ky = tpl.at(job.form_page, job.degr["work_dpi"])
    ppm = (kx + ky) / 2
    colour = job.degr["colour"] == "rgb"
    img = cv2.cvtColor(base, cv2.COLOR_GRAY2RGB) if colour else base.copy()
    ident = PageIdentity(FORM, tpl.layout.version, tpl.year, tpl.unit, copy["serial"],
                         job.form_page, job.pages)
    _paste_qr(img, pl, ident.encode(), ppm)
    _write_serial(img, tpl, job.form_page, copy["serial"], ppm)
    _draw_marks(img, pl, copy["fields"], rng, ppm)
    for t in copy["_texts"].get(job.form_page, []):
        _draw_text(img, pl, t, copy["_hand"], rng, ppm)
    return _degrade(img, job.degr, rng, (kx, ky))


# ---------------------------------------------------------------------------------------------
# Writing files


def _to_pil(arr: np.ndarray, mode: str) -> Image.Image:
    if mode == "1":
        return Image.fromarray(arr.astype(bool))  # mode "1"
    return Image.fromarray(arr)


_WORKER: dict[str, Any] = {}


def _write_file(out_dir: str, job: _FileJob, tpl_key: tuple[str, str, int, str, str],
                copies: dict[int, dict[str, Any]]) -> str:
    tpl = _WORKER.get("tpl") if _WORKER.get("key") == tpl_key else None
    if tpl is None:
        tpl = _load_template(*tpl_key)
        _WORKER.update(key=tpl_key, tpl=tpl)
    path = Path(out_dir) / job.name
    part = path.with_name(path.name + ".part")

    def dpi_of(j: _PageJob) -> tuple[int, int]:
        return (j.degr["dpi"], j.degr["dpi"])

    if job.fmt in ("png", "jpeg"):
        pj = job.pages[0]
        arr, mode = render_page(tpl, copies[pj.serial], pj)
        im = _to_pil(arr, mode)
        if job.fmt == "png":
            im.save(part, "PNG", dpi=dpi_of(pj), compress_level=1)
        else:
            im.save(part, "JPEG", dpi=dpi_of(pj), quality=pj.degr["jpeg_quality"] or 90)
    elif job.fmt == "tiff":
        ims = []
        for pj in job.pages:
            arr, mode = render_page(tpl, copies[pj.serial], pj)
            ims.append(_to_pil(arr, mode))
        comp = "group4" if ims[0].mode == "1" else "tiff_deflate"
        ims[0].save(part, "TIFF", save_all=True, append_images=ims[1:], compression=comp,
                    dpi=dpi_of(job.pages[0]))
    elif job.fmt == "pdf":
        # page by page (Pillow's append mode): memory stays at one page whatever the batch
        for i, pj in enumerate(job.pages):
            arr, mode = render_page(tpl, copies[pj.serial], pj)
            im = _to_pil(arr, mode)
            extra = {} if mode == "1" else {"quality": pj.degr["jpeg_quality"] or 90}
            # Pillow passes the options on to its CCITT encoder, which refuses `quality`
            if i == 0:  # fixed dates and title: the same seed gives the same bytes
                extra.update(creationDate=PDF_DATE, modDate=PDF_DATE, title=path.stem,
                             producer="formkit simulate")
            im.save(part, "PDF", append=i > 0, resolution=float(pj.degr["dpi"]), **extra)
    else:
        raise ValueError(job.fmt)
    part.replace(path)
    return job.name


# ---------------------------------------------------------------------------------------------
# The public entry point


def _level_for(rng: np.random.Generator, level: str) -> str:
    return _weights_pick(rng, MIXED) if level == "mixed" else level


def simulate(settings: Settings, count: int, seed: int, out_dir: Path, *, year: int = 2026,
             unit: str = "QLCN", level: str = "moderate", formats: Sequence[str] = ("pdf",),
             styles: Sequence[str] | dict[str, float] | None = None, first_serial: int = 1,
             shuffle: bool = False, pdf_pages: int = 40, rescans: float = 0.0,
             copies: Sequence[CopySpec] | None = None, prefix: str = "scan",
             workers: int = 1, cache_dir: Path | None = None,
             progress: Any = None) -> list[Path]:
    """Write `count` simulated returned copies (2 pages each) to `out_dir` with `truth.json`.

    level: none, light, moderate, heavy, phone or mixed. formats: any of pdf (multi-page
    scanner batches of up to `pdf_pages` pages), png, jpeg (one file per page), tiff (one
    multi-page file per copy); copies take them in turn. styles: mark styles to
    use (names from STYLES, or a dict of weights); leaving out "filled" / "intrusion" turns
    cancellations / neighbour strokes off. shuffle: pages of the PDF batches in random order.
    rescans: share of pages scanned a second time (duplicates). copies: per-copy overrides.
    workers > 1 renders files in parallel processes. Returns the written scan files."""
    if count < 0:
        raise InputError("count must be 0 or more.")
    if level not in LEVEL_NAMES:
        raise InputError(f"Unknown degradation level {level!r}.",
                         hint=f"Choose from {', '.join(LEVEL_NAMES)}.")
    fmts = [FORMAT_ALIASES.get(f.lower().lstrip("."), f.lower().lstrip(".")) for f in formats]
    bad = [f for f in fmts if f not in FORMATS]
    if bad or not fmts:
        raise InputError(f"Unknown output format(s) {', '.join(bad) or '(none)'}.",
                         hint=f"Choose from {', '.join(FORMATS)}.")
    weights, cancels, intrusions = _style_weights(styles)
    settings.unit(unit)  # an unknown unit code fails here, with the list of known ones
    out_dir = Path(out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"Cannot create {out_dir}: {exc.strerror or exc}.") from exc
    tpl = load_template(settings, year, unit, cache_dir)
    layout = tpl.layout
    npages = len(layout.pages)
    tpl_key = (str(tpl.pdf), str(tpl.layout_json), year, unit, str(settings.templates_dir))

    # ---- plan every copy (answers and the scanning of each page)
    plans: list[dict[str, Any]] = []
    for i in range(count):
        over = copies[i] if copies and i < len(copies) else CopySpec()
        crng = np.random.default_rng([seed, i, 2])
        lvl = over.level or _level_for(crng, level)
        fmt = over.format or fmts[i % len(fmts)]  # in turn: every format gets used
        if lvl == "phone" and fmt == "pdf" and over.format is None:
            fmt = "jpeg"  # phone photos arrive as JPEG files
        plan = _plan_copy(tpl, i, first_serial + i, seed, lvl, weights, cancels, intrusions)
        plan["format"] = fmt
        plan["_override"] = over
        plan["_rng"] = crng
        plans.append(plan)

    # ---- files: PDF batches (optionally shuffled), one file per image page, TIFF per copy
    frng = np.random.default_rng([seed, count, 3])
    pdf_pages_list: list[tuple[dict[str, Any], int, bool]] = []
    jobs: list[_FileJob] = []
    width = max(3, len(str(count * npages)))
    page_entries: list[tuple[dict[str, Any], int, bool]] = []
    for plan in plans:
        for p in range(1, npages + 1):
            page_entries.append((plan, p, False))
    if rescans > 0:
        extra = [(pl, p, True) for pl, p, _ in page_entries if frng.random() < rescans]
        page_entries += extra
    for plan, p, rescan in page_entries:
        if plan["format"] == "pdf":
            pdf_pages_list.append((plan, p, rescan))
    if shuffle:
        order = frng.permutation(len(pdf_pages_list))
        pdf_pages_list = [pdf_pages_list[int(i)] for i in order]
    # a scanner batch shares its settings (resolution, colour mode, quality)
    n_pdf = 0
    for start in range(0, len(pdf_pages_list), max(1, pdf_pages)):
        n_pdf += 1
        chunk = pdf_pages_list[start:start + pdf_pages]
        lvl0 = chunk[0][0]["level"]
        prof = _profile(frng, "moderate" if lvl0 == "phone" else lvl0, "pdf")
        job = _FileJob(f"{prefix}_batch_{n_pdf:03d}.pdf", "pdf")
        for plan, p, rescan in chunk:
            job.pages.append(_page_job(plan, p, npages, tpl, "pdf", prof, rescan))
        jobs.append(job)
    counter = 0
    for plan, p, rescan in page_entries:
        fmt = plan["format"]
        if fmt in ("png", "jpeg"):
            counter += 1
            prof = _profile(plan["_rng"], plan["level"], fmt)
            job = _FileJob(f"{prefix}_{plan['serial']:0{width}d}_p{p}"
                           f"{'_rescan' if rescan else ''}{FILE_EXT[fmt]}", fmt)
            job.pages.append(_page_job(plan, p, npages, tpl, fmt, prof, rescan))
            jobs.append(job)
    for plan in plans:
        if plan["format"] == "tiff":
            prof = _profile(plan["_rng"], plan["level"], "tiff")
            job = _FileJob(f"{prefix}_{plan['serial']:0{width}d}.tif", "tiff")
            for p in range(1, npages + 1):
                job.pages.append(_page_job(plan, p, npages, tpl, "tiff", prof, False))
            jobs.append(job)
    for plan, p, rescan in page_entries:
        if rescan and plan["format"] == "tiff":
            prof = _profile(plan["_rng"], plan["level"], "tiff")
            job = _FileJob(f"{prefix}_{plan['serial']:0{width}d}_p{p}_rescan.tif", "tiff")
            job.pages.append(_page_job(plan, p, npages, tpl, "tiff", prof, True))
            jobs.append(job)

    # ---- render and write
    copies_data = {pl["serial"]: {k: v for k, v in pl.items() if k in
                                  ("serial", "fields", "_texts", "_hand")} for pl in plans}
    written: list[str] = []
    if workers > 1 and len(jobs) > 1:
        with ProcessPoolExecutor(max_workers=workers) as ex:
            futs = []
            for job in jobs:
                need = {pj.serial: copies_data[pj.serial] for pj in job.pages}
                futs.append(ex.submit(_write_file, str(out_dir), job, tpl_key, need))
            for fut in futs:
                written.append(fut.result())
                if progress:
                    progress(len(written), len(jobs))
    else:
        _WORKER.update(key=tpl_key, tpl=tpl)
        for job in jobs:
            written.append(_write_file(str(out_dir), job, tpl_key, copies_data))
            if progress:
                progress(len(written), len(jobs))

    # ---- truth
    truth = _truth(tpl, plans, jobs, seed=seed, count=count, level=level, formats=fmts,
                   weights=weights, cancels=cancels, intrusions=intrusions)
    tmp = out_dir / (TRUTH_NAME + ".part")
    tmp.write_text(json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8")
    tmp.replace(out_dir / TRUTH_NAME)
    if not _known_layout(settings, layout.version):
        # other agency wording gives another layout: keep it beside the scans for the reader
        layout.save(out_dir / f"layout_{FORM}_{layout.version}.json")
    return [out_dir / name for name in written]


def _known_layout(settings: Settings, version: str) -> bool:
    from formkit.spec.layout import registry

    try:
        return registry(settings).get(version) is not None
    except Exception:  # a broken user layout folder is the reader's problem, not ours
        return False


def _page_job(plan: dict[str, Any], p: int, npages: int, tpl: _Template, fmt: str,
              prof: dict[str, Any], rescan: bool) -> _PageJob:
    over: CopySpec = plan["_override"]
    rng = plan["_rng"]
    lvl = plan["level"]
    if over.page_levels and p - 1 < len(over.page_levels) and over.page_levels[p - 1]:
        lvl = str(over.page_levels[p - 1])
    prof = dict(prof)
    if lvl == "phone":
        prof = _profile(rng, "phone", fmt)
    if over.colour and lvl != "phone":
        prof["colour"] = over.colour
    if over.dpi and lvl != "phone":
        prof["dpi"] = over.dpi
    if over.jpeg_quality:
        prof["jpeg_quality"] = over.jpeg_quality
    if fmt == "jpeg" and prof["colour"] == "bilevel":
        prof["colour"] = "gray"
    if lvl == "none" and not over.colour:
        prof["colour"] = "rgb"
    rotation = None
    if over.rotation and p - 1 < len(over.rotation):
        rotation = over.rotation[p - 1]
    shape = tpl.pages[p - 1].shape
    degr = _plan_degradation(rng, lvl, prof, tpl.page(p), tpl.page_size, fmt, rotation,
                             (shape[1], shape[0]))
    wm, hm = tpl.page_size
    cx, cy = wm / 2, hm / 2
    s = degr["scale"]
    sx, sy = degr["shift_mm"]
    content = _tr(cx + sx, cy + sy) @ _sc(s) @ _tr(-cx, -cy)
    degr["_content"] = content.tolist()
    degr["_page_mm"] = [wm, hm]
    return _PageJob(plan["serial"], p, npages, int(rng.integers(2 ** 62)), degr, rescan)


def _truth(tpl: _Template, plans: list[dict[str, Any]], jobs: list[_FileJob], **meta: Any
           ) -> dict[str, Any]:
    where: dict[tuple[int, int, bool], list[dict[str, Any]]] = {}
    files = []
    for job in jobs:
        entries = []
        for i, pj in enumerate(job.pages, start=1):
            entries.append({"index": i, "serial": pj.serial, "form_page": pj.form_page,
                            "rescan": pj.rescan})
            degr = {k: v for k, v in pj.degr.items() if not k.startswith("_")}
            where.setdefault((pj.serial, pj.form_page, pj.rescan), []).append(
                {"form_page": pj.form_page, "file": job.name, "index": i, "rescan": pj.rescan,
                 "degradation": degr})
        files.append({"file": job.name, "format": job.fmt, "pages": entries})
    copies = []
    for plan in plans:
        pages = []
        for p in range(1, len(tpl.layout.pages) + 1):
            pages += where.get((plan["serial"], p, False), [])
            pages += where.get((plan["serial"], p, True), [])
        copies.append({
            "serial": plan["serial"], "level": plan["level"], "format": plan["format"],
            "pen": plan["pen"], "hand": plan["hand"], "pages": pages,
            "fields": plan["fields"],
        })
    return {
        "format": TRUTH_FORMAT, "form": FORM, "form_code": tpl.layout.form_code,
        "layout": tpl.layout.version, "year": tpl.year, "unit": tpl.unit,
        "seed": meta["seed"], "count": meta["count"], "level": meta["level"],
        "formats": list(meta["formats"]), "styles": meta["weights"],
        "cancellations": meta["cancels"], "intrusions": meta["intrusions"],
        "files": files, "copies": copies,
    }


# ---------------------------------------------------------------------------------------------
# Reading the truth back (tests, benchmark)


def load_truth(path: Path) -> dict[str, Any]:
    """Read a truth.json (a folder is taken to contain one)."""
    path = Path(path)
    if path.is_dir():
        path = path / TRUTH_NAME
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("format") != TRUTH_FORMAT:
        raise InputError(f"{path}: not a simulator truth file ({data.get('format')!r}).")
    return data


def truth_by_serial(truth: dict[str, Any]) -> dict[int, dict[str, Any]]:
    return {c["serial"]: c for c in truth["copies"]}


def page_truth(truth: dict[str, Any]) -> dict[tuple[str, int], dict[str, Any]]:
    """(file name, 1-based page index) → {"serial", "form_page", "rescan", "degradation"}."""
    out: dict[tuple[str, int], dict[str, Any]] = {}
    for c in truth["copies"]:
        for p in c["pages"]:
            out[(p["file"], p["index"])] = {"serial": c["serial"], "level": c["level"], **p}
    return out


def iter_boxes(truth: dict[str, Any]) -> Iterable[tuple[int, str, str, dict[str, Any]]]:
    """(serial, field id, option value, box truth) for every printed box of every copy."""
    for c in truth["copies"]:
        for fid, fd in c["fields"].items():
            for value, box in fd.get("boxes", {}).items():
                yield c["serial"], fid, value, box


def simulate_legacy(out_dir: Path, count: int, seed: int = 1, level: str = "office",
                    variants: list[str] | None = None) -> list[tuple[Path, list[dict]]]:
    """`formkit simulate --legacy`: the department's own form (formkit_dev.legacy_forms)."""
    from formkit_dev.legacy_forms import simulate_legacy as run

    return run(out_dir, count, seed, level, variants)
