"""Regenerate the demo sample scans under scans/samples/ (deterministic; a few MB).

    .venv/bin/python scripts/make_samples.py [--out scans/samples]

Six simulated returned copies of BM.QT.SCT.05-02 (2026, unit QLCN, serials 1-6), 12 pages:
  - sample_batch_001.pdf   copies 1-3 as a sheet-feed scanner batch: pages shuffled, some
                           upside down or turned a quarter, greyscale JPEG pages
  - sample_004_p1/p2.png   copy 4, lightly degraded greyscale PNG scans
  - sample_005_p1.jpg      copy 5 page 1: a phone photo on a desk (perspective, shadow)
  - sample_005_p2.jpg      copy 5 page 2: a light colour scan
  - sample_006.tif         copy 6, both pages in one 1-bit (CCITT G4) TIFF, moderate
  - truth.json             what was written and how each page was degraded
and three inputs the reader must reject, under bad/:
  - bad/truncated.jpg      a scan cut short in transfer
  - bad/blank.png          an empty sheet that went through the scanner
  - bad/other_document.png a page of another document (plain text, no QR code)
The blank survey is built once through LibreOffice (then cached); the workspace of this
repository (formkit.toml) gives the agency wording."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from formkit.config import load_settings  # noqa: E402
from formkit_dev import simulate as S  # noqa: E402

SEED = 2026
PREFIX = "sample"

# office-scanner settings that keep the set small: 150-200 dpi, JPEG quality 60-75
COPIES = [
    S.CopySpec(format="pdf", level="moderate", colour="gray", dpi=150, rotation=(0, 180),
               jpeg_quality=60),
    S.CopySpec(format="pdf", level="light", colour="gray", dpi=150, rotation=(180, 0),
               jpeg_quality=60),
    S.CopySpec(format="pdf", level="moderate", colour="gray", dpi=150, rotation=(90, 0),
               jpeg_quality=60),
    S.CopySpec(format="png", level="light", colour="gray", dpi=150),
    S.CopySpec(format="jpeg", level="light", colour="rgb", dpi=150, jpeg_quality=72,
               page_levels=("phone", None)),
    S.CopySpec(format="tiff", level="moderate", colour="bilevel", dpi=200),
]

OTHER_TEXT = [
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
    "",
    "GIẤY ĐỀ NGHỊ",
    "Cấp Giấy phép bán lẻ sản phẩm thuốc lá",
    "",
    "Kính gửi: Sở Công Thương tỉnh Đắk Lắk",
    "",
    "Tên thương nhân: Hộ kinh doanh Tạp hóa Thu Hương",
    "Địa chỉ trụ sở chính: 123 Lê Duẩn, phường Tân Thành, Buôn Ma Thuột",
    "Điện thoại: 0262 3 852 111",
    "Giấy chứng nhận đăng ký hộ kinh doanh số: 40A8012345",
    "",
    "Đề nghị Sở Công Thương xem xét cấp Giấy phép bán lẻ sản phẩm thuốc lá",
    "cho thương nhân theo quy định tại Nghị định số 67/2013/NĐ-CP.",
    "Thương nhân cam kết thực hiện đúng các quy định của pháp luật.",
    "",
    "Đắk Lắk, ngày 12 tháng 6 năm 2026",
    "NGƯỜI ĐẠI DIỆN THEO PHÁP LUẬT",
]


def _bad_inputs(out: Path, good_jpeg: Path) -> list[Path]:
    bad = out / "bad"
    bad.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(SEED)
    data = good_jpeg.read_bytes()
    truncated = bad / "truncated.jpg"
    truncated.write_bytes(data[: len(data) * 2 // 5])
    # an empty sheet: uneven paper tone and a few specks of dust, nothing printed
    h, w = 1754, 1240  # A4 at 150 dpi
    tone = cv2.resize(rng.normal(244, 2.0, (12, 9)).astype(np.float32), (w, h),
                      interpolation=cv2.INTER_CUBIC)
    blank = np.clip(tone, 0, 255).astype(np.uint8)
    for _ in range(25):
        cv2.circle(blank, (int(rng.integers(w)), int(rng.integers(h))),
                   int(rng.integers(1, 3)), int(rng.integers(60, 160)), -1)
    Image.fromarray(blank).save(bad / "blank.png", dpi=(150, 150), optimize=True)
    # another document: typed text, no registration marks, no QR code
    page = Image.new("L", (w, h), 246)
    draw = ImageDraw.Draw(page)
    font = ImageFont.truetype(str(S._font_path(S._available(S.TYPED_FONTS)[0])), 28)
    bold = font
    y = 110
    for i, line in enumerate(OTHER_TEXT):
        f = bold if i < 5 else font
        if i < 5 or line.startswith(("NGƯỜI", "Đắk Lắk,")):
            x = (w - draw.textlength(line, font=f)) / 2
        else:
            x = 140
        draw.text((x, y), line, font=f, fill=25)
        y += 52
    Image.fromarray(np.asarray(page)).save(bad / "other_document.png", dpi=(150, 150),
                                           optimize=True)
    return [truncated, bad / "blank.png", bad / "other_document.png"]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=REPO / "scans" / "samples")
    args = ap.parse_args(argv)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    for old in [*out.glob(f"{PREFIX}_*"), out / S.TRUTH_NAME, *out.glob("layout_*.json")]:
        old.unlink(missing_ok=True)  # only what this script writes: stale pages break the truth
    settings = load_settings(REPO)
    files = S.simulate(settings, len(COPIES), SEED, out, year=2026, unit="QLCN",
                       copies=COPIES, shuffle=True, prefix=PREFIX)
    jpeg = min((f for f in files if f.suffix == ".jpg"), key=lambda f: f.stat().st_size)
    bad = _bad_inputs(out, jpeg)
    total = sum(f.stat().st_size for f in [*files, *bad])
    for f in [*files, *bad]:
        print(f"{f.relative_to(out)}  {f.stat().st_size / 1024:.0f} KB")
    print(f"{len(files) + len(bad)} files, {total / 1e6:.1f} MB, truth in {out / S.TRUTH_NAME}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
