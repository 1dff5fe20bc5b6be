"""OCR accuracy and speed of the free-text zones (formkit.scan.text), on one core.

Synthetic sheets: the built BM.QT.SCT.05-02 PDF is rasterised with pypdfium2 at the scan
reader's working resolution (8 px/mm, the aligned page it hands to read_text_zone), and
Vietnamese text with full diacritics is drawn on the zones' guide lines:
  typed        Liberation Serif 12–14 pt (a form filled on a typewriter/printer, a stamp)
  handwriting  DejaVu Sans Oblique with per-glyph jitter (size, slant, baseline, spacing,
               pen width, ink tone): handwriting-like, not handwriting
at three degradations (clean; moderate: registration residual, blur, noise, JPEG q 60;
heavy: more of each, a grey paper and JPEG q 35).

Measured: character error rate (Levenshtein edits / reference characters, NFC, spaces
collapsed) per zone type (to_chuc: names of companies and people; chi_tiet: administrative
procedures; y_kien_khac: comments); how many zones whose reading is more than 10 % wrong
were NOT flagged for review (must be 0: wrong text never passes silently); seconds per
sheet for all five zones (some empty), and the cost of an empty zone.

    .venv/bin/python benchmarks/ocr_accuracy.py [--sheets 12] [--seed 7] [--ocr-mode stack|line]
        [--pdf form.pdf --layout layout.json] [--show-worst N] [--show-ok]

Targets: typed CER < 3 % at moderate degradation; 0 unflagged bad handwriting zones;
OCR of a sheet's text zones < 2 s on one core; empty zones next to free.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import statistics
import sys
import tempfile
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from formkit.spec.layout import Layout, ZonePos  # noqa: E402
from formkit.textnorm import levenshtein, nfc  # noqa: E402
from formkit.thresholds import T  # noqa: E402

PX = T.work_px_per_mm
PT_MM = 25.4 / 72

# ---- text corpus (NFC, full diacritics) -------------------------------------------------
TO_CHUC = [
    "Công ty TNHH Thương mại Đắk Lắk Xanh",
    "Công ty Cổ phần Cà phê Buôn Ma Thuột",
    "Nguyễn Thị Hồng Nhung",
    "Hợp tác xã Nông nghiệp Ea Kao",
    "Trần Văn Quyết, Giám đốc Công ty Phú Yên Sáng",
    "Doanh nghiệp tư nhân Xăng dầu Hòa Thắng",
    "Lê Hoàng Yến Nhi",
    "Công ty TNHH Một thành viên Điện lực Krông Pắc",
    "Phạm Đức Thịnh, đại diện Công ty Cổ phần Gỗ Đức Thành",
    "Chi nhánh Công ty Cổ phần Dược phẩm Trung ương",
    "Hộ kinh doanh Bùi Thị Ngọc Ánh",
    "Võ Minh Tuấn",
    "Công ty TNHH Xây dựng và Thương mại Tây Nguyên",
    "Đặng Thị Thủy Tiên",
    "Công ty Cổ phần Chế biến Nông sản Cư M'gar",
]
CHI_TIET = [
    "Cấp Giấy phép kinh doanh bán lẻ sản phẩm rượu",
    "Cấp lại Giấy chứng nhận đủ điều kiện an toàn thực phẩm",
    "Cấp Giấy xác nhận đủ điều kiện cửa hàng bán lẻ xăng dầu",
    "Thẩm định thiết kế xây dựng công trình đường dây và trạm biến áp 22 kV",
    "Cấp Giấy phép hoạt động điện lực trong lĩnh vực phân phối điện",
    "Đăng ký thực hiện khuyến mại theo hình thức mang tính may rủi",
    "Cấp Giấy chứng nhận huấn luyện kỹ thuật an toàn vật liệu nổ công nghiệp",
    "Cấp sửa đổi, bổ sung Giấy phép kinh doanh sản phẩm thuốc lá",
    "Xác nhận bản cam kết bảo vệ môi trường của cụm công nghiệp",
    "Cấp Giấy phép sử dụng vật liệu nổ công nghiệp cho công trình thủy điện",
    "Thông báo tổ chức hội chợ, triển lãm thương mại tại Buôn Ma Thuột",
    "Cấp Giấy phép thành lập Văn phòng đại diện của thương nhân nước ngoài",
]
Y_KIEN = [
    "Cán bộ hướng dẫn rất nhiệt tình, chu đáo.",
    "Đề nghị rút ngắn thời gian giải quyết hồ sơ.",
    "Thủ tục còn rườm rà, phải đi lại nhiều lần.",
    "Nên công khai tiến độ xử lý hồ sơ trên cổng thông tin điện tử.",
    "Hồ sơ được trả đúng hẹn, tôi rất hài lòng.",
    "Cần bố trí thêm chỗ ngồi chờ tại bộ phận một cửa.",
    "Công chức tiếp nhận thân thiện, giải thích rõ ràng từng bước.",
    "Phí, lệ phí nên được thông báo trước để người dân chuẩn bị.",
    "Không có ý kiến gì thêm.",
    "Hệ thống dịch vụ công trực tuyến đôi khi bị lỗi, khó nộp hồ sơ.",
    "Mong Sở tiếp tục cải cách hành chính mạnh mẽ hơn nữa.",
    "Kết quả giải quyết chính xác, khách quan.",
]
KIND = {"to_chuc": "to_chuc", "noi_dung.chi_tiet": "chi_tiet", "c1.y_kien_khac": "y_kien_khac",
        "c3.y_kien_khac": "y_kien_khac", "c4.y_kien_khac": "y_kien_khac"}
CORPUS = {"to_chuc": TO_CHUC, "chi_tiet": CHI_TIET, "y_kien_khac": Y_KIEN}
#: chance that a zone is written on at all (the name is nearly always given)
FILL_P = {"to_chuc": 0.95, "chi_tiet": 0.7, "y_kien_khac": 0.4}


# ---- fonts ---------------------------------------------------------------------------
def _font_path(names: list[str]) -> str:
    import matplotlib

    system = Path("/usr/share/fonts/truetype")
    dirs = [system / "liberation2", system / "liberation", system / "dejavu",
            Path(matplotlib.get_data_path()) / "fonts" / "ttf"]
    for name in names:
        for d in dirs:
            if (d / name).exists():
                return str(d / name)
    raise SystemExit(f"none of the fonts {names} is installed (apt-get install fonts-liberation2)")


SERIF = _font_path(["LiberationSerif-Regular.ttf"])
HAND = _font_path(["DejaVuSans-Oblique.ttf"])


# ---- the blank aligned page -------------------------------------------------------------
def build_form(workdir: Path) -> tuple[Path, Layout]:
    from formkit import api

    settings = api.load_settings(workdir)
    res = api.build(settings, ["05-02"], 2026, "QLCN", copies=1)[0]
    assert res.pdf is not None
    return res.pdf, res.layout


def raster_pages(pdf: Path) -> list[np.ndarray]:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf))
    try:
        return [np.array(doc[i].render(scale=PX * PT_MM, grayscale=True).to_pil().convert("L"))
                for i in range(len(doc))]
    finally:
        doc.close()


# ---- writing text on a zone ----------------------------------------------------------
def _wrap(text: str, font: ImageFont.FreeTypeFont, widths: list[float], scale: float = 1.0
          ) -> list[str] | None:
    """Greedy word wrap onto the zone's lines; None if it does not fit."""
    words, lines, cur = text.split(), [], ""
    for w in words:
        trial = f"{cur} {w}".strip()
        if font.getlength(trial) * scale <= widths[min(len(lines), len(widths) - 1)]:
            cur = trial
        else:
            lines.append(cur)
            cur = w
    lines.append(cur)
    if len(lines) > len(widths) or any(not ln for ln in lines):
        return None
    return lines


def draw_typed(img: Image.Image, zone: ZonePos, text: str, rng: random.Random) -> str:
    size_pt = rng.uniform(12, 14)
    font = ImageFont.truetype(SERIF, int(round(size_pt * PT_MM * PX)))
    widths = [(x1 - x0 - 4) * PX for x0, x1, _ in zone.lines]
    lines = _wrap(text, font, widths)
    if lines is None:
        return ""
    d = ImageDraw.Draw(img)
    for (x0, _x1, y), ln in zip(zone.lines, lines, strict=False):
        d.text(((x0 + rng.uniform(1, 3)) * PX, (y - rng.uniform(0.6, 1.2)) * PX), ln, font=font,
               fill=rng.randint(0, 40), anchor="ls")
    return " ".join(lines)


def draw_hand(img: Image.Image, zone: ZonePos, text: str, rng: random.Random) -> str:
    """Handwriting-like: every glyph drawn alone with its own size, tilt, baseline offset
    and spacing, a line drifting up or down, a pen wider than the font's stroke."""
    size_mm = rng.uniform(4.6, 5.6)
    font = ImageFont.truetype(HAND, int(round(size_mm * PX)))
    widths = [(x1 - x0 - 6) * PX for x0, x1, _ in zone.lines]
    lines = _wrap(text, font, widths, scale=1.08)
    if lines is None:
        return ""
    ink = rng.randint(20, 90)
    pen = rng.choice([1, 1, 2])
    layer = Image.new("L", img.size, 255)
    for (x0, _x1, y), ln in zip(zone.lines, lines, strict=False):
        x = (x0 + rng.uniform(1, 4)) * PX
        base = (y - rng.uniform(0.8, 1.6)) * PX
        drift = rng.uniform(-0.012, 0.012)  # the line runs uphill or downhill
        start = x
        for ch in ln:
            adv = font.getlength(ch)
            if ch != " ":
                s = rng.uniform(0.9, 1.12)
                f = ImageFont.truetype(HAND, max(8, int(round(size_mm * PX * s))))
                box = int(size_mm * PX * 2.2)
                g = Image.new("L", (box, box), 255)
                ImageDraw.Draw(g).text((box // 4, int(box * 0.7)), ch, font=f, fill=0,
                                       anchor="ls")
                # slant, squash and tilt of this one glyph
                shear = rng.uniform(-0.15, 0.15)
                sy = rng.uniform(0.88, 1.08)
                g = g.transform(g.size, Image.AFFINE, (1, shear, -shear * box * 0.7, 0, 1 / sy,
                                                       box * 0.7 * (1 - 1 / sy)),
                                resample=Image.BICUBIC, fillcolor=255)
                g = g.rotate(rng.uniform(-8, 8), resample=Image.BICUBIC, fillcolor=255)
                yy = base + (x - start) * drift + rng.uniform(-0.35, 0.35) * PX
                px, py = int(x - box // 4), int(yy - int(box * 0.7))
                region = layer.crop((px, py, px + box, py + box))
                layer.paste(Image.fromarray(np.minimum(np.array(region), np.array(g))),
                            (px, py))
            x += adv * rng.uniform(0.95, 1.12) + rng.uniform(-0.3, 0.5) * PX
    if pen > 1:
        layer = layer.filter(ImageFilter.MinFilter(3))
    arr = np.array(layer).astype(np.float32) / 255.0
    page = np.array(img).astype(np.float32)
    # ink tone: dark where the glyph is dark, a blue ballpoint reads 60–90 in grey
    out = page * arr + ink * (1 - arr)
    img.paste(Image.fromarray(np.minimum(page, out).astype(np.uint8)))
    return " ".join(lines)


# ---- degradation ---------------------------------------------------------------------
def degrade(page: np.ndarray, level: str, rng: random.Random) -> np.ndarray:
    if level == "clean":
        return page
    import cv2

    h, w = page.shape
    heavy = level == "heavy"
    # registration residual of the reader: a fraction of a mm and a fraction of a degree
    shift = 0.5 if heavy else 0.3
    ang = 0.4 if heavy else 0.2
    m = cv2.getRotationMatrix2D((w / 2, h / 2), rng.uniform(-ang, ang), 1.0)
    m[:, 2] += [rng.uniform(-shift, shift) * PX, rng.uniform(-shift, shift) * PX]
    out = cv2.warpAffine(page, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=255)
    out = out.astype(np.float32)
    if heavy:
        out = 40 + out * (200 / 255)  # grey paper, weak contrast
    out = cv2.GaussianBlur(out, (0, 0), 1.0 if heavy else 0.6)
    nrng = np.random.default_rng(rng.randrange(1 << 30))
    out += nrng.normal(0, 14 if heavy else 7, out.shape)
    if heavy:  # dust
        k = int(h * w * 0.0004)
        ys, xs = nrng.integers(0, h, k), nrng.integers(0, w, k)
        out[ys, xs] = nrng.uniform(0, 120, k)
    out = np.clip(out, 0, 255).astype(np.uint8)
    buf = io.BytesIO()
    Image.fromarray(out).save(buf, "JPEG", quality=35 if heavy else 60)
    return np.array(Image.open(io.BytesIO(buf.getvalue())).convert("L"))


# ---- measuring -----------------------------------------------------------------------


def norm(s: str | None) -> str:
    return unicodedata.normalize("NFC", nfc(s or ""))


@dataclass
class Tally:
    edits: int = 0
    chars: int = 0
    zones: int = 0
    bad: int = 0  # CER > 10 %
    bad_unflagged: int = 0
    flagged: int = 0
    blank_misread: int = 0  # written zone read as blank, or empty zone read as text
    cers: list[float] = field(default_factory=list)

    def add(self, ref: str, hyp: str, flagged: bool) -> None:
        e = levenshtein(ref, hyp)
        self.edits += e
        self.chars += len(ref)
        self.zones += 1
        cer = e / max(1, len(ref))
        self.cers.append(cer)
        self.flagged += flagged
        if cer > 0.10:
            self.bad += 1
            self.bad_unflagged += not flagged

    @property
    def cer(self) -> float:
        return self.edits / max(1, self.chars)


def cpu_seconds() -> float:
    """CPU time of this process and its finished children (Tesseract): what a sheet costs on
    one core, whatever else the machine is running."""
    import resource

    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def run(args) -> int:
    from formkit.scan import text as text_reader
    from formkit.scan.text import read_text_zone, read_text_zones

    text_reader.OCR_MODE = args.ocr_mode

    if args.pdf:
        pdf = Path(args.pdf)
        if not args.layout:
            raise SystemExit("--pdf needs --layout (the layout JSON of that PDF)")
        layout = Layout.from_json(json.loads(Path(args.layout).read_text(encoding="utf-8")))
    else:
        tmp = tempfile.mkdtemp(prefix="formkit-bench-")
        pdf, layout = build_form(Path(tmp))
    blank_pages = raster_pages(pdf)[: len(layout.pages)]
    rng = random.Random(args.seed)
    styles = ["typed", "handwriting"]
    levels = ["clean", "moderate", "heavy"]
    tallies: dict[tuple[str, str, str], Tally] = {}
    sheet_times: dict[tuple[str, str], list[float]] = {}
    sheet_cpu: dict[tuple[str, str], list[float]] = {}
    page_cpu: dict[tuple[str, str], list[float]] = {}
    empty_times: list[float] = []
    worst: list[tuple[float, str, str, str, str, float, str]] = []
    for style in styles:
        for level in levels:
            for _ in range(args.sheets):
                pages = [Image.fromarray(p.copy()) for p in blank_pages]
                truth: dict[str, str] = {}
                for pl in layout.pages:
                    for z in pl.zones:
                        kind = KIND[z.field]
                        if rng.random() > FILL_P[kind]:
                            truth[z.field] = ""
                            continue
                        text = rng.choice(CORPUS[kind])
                        draw = draw_typed if style == "typed" else draw_hand
                        truth[z.field] = draw(pages[pl.page - 1], z, text, rng)
                arrays = [degrade(np.array(p), level, rng) for p in pages]
                t_sheet = 0.0
                # the same sheet through the page API (one Tesseract call per page)
                c0 = cpu_seconds()
                for pl in layout.pages:
                    read_text_zones(arrays[pl.page - 1], PX, pl.zones, page=pl.page)
                page_cpu.setdefault((style, level), []).append(cpu_seconds() - c0)
                c0 = cpu_seconds()
                for pl in layout.pages:
                    for z in pl.zones:
                        t0 = time.perf_counter()
                        res = read_text_zone(arrays[pl.page - 1], PX, z, page=pl.page)
                        dt = time.perf_counter() - t0
                        t_sheet += dt
                        ref = norm(truth[z.field])
                        hyp = norm(res.value)
                        key = (style, level, KIND[z.field])
                        tal = tallies.setdefault(key, Tally())
                        if not ref:
                            empty_times.append(dt)
                            if res.status.value != "blank":
                                tal.blank_misread += 1
                            continue
                        if res.status.value == "blank":
                            tal.blank_misread += 1
                        tal.add(ref, hyp, res.needs_review)
                        cer = levenshtein(ref, hyp) / max(1, len(ref))
                        worst.append((cer, style, level, z.field, ref, res.confidence, hyp))
                sheet_times.setdefault((style, level), []).append(t_sheet)
                sheet_cpu.setdefault((style, level), []).append(cpu_seconds() - c0)
    # ---- report
    print(f"\nOCR accuracy, {args.sheets} sheets per style and degradation "
          f"(5 zones each, some empty), Tesseract -l vie, one core\n")
    hdr = (f"{'style':<12}{'degradation':<12}{'zone':<13}{'zones':>6}{'CER':>8}{'>10%':>6}"
           f"{'flagged':>9}{'bad unflagged':>15}{'blank err':>10}")
    print(hdr)
    print("-" * len(hdr))
    for style in styles:
        for level in levels:
            for kind in ("to_chuc", "chi_tiet", "y_kien_khac"):
                t = tallies.get((style, level, kind))
                if not t or not t.zones:
                    continue
                print(f"{style:<12}{level:<12}{kind:<13}{t.zones:>6}{t.cer:>8.1%}{t.bad:>6}"
                      f"{t.flagged:>9}{t.bad_unflagged:>15}{t.blank_misread:>10}")
    print()
    print("seconds per sheet (5 zones): 'wall' = elapsed, read_text_zone zone by zone (the "
          "reader's contract); 'cpu' = CPU time of formkit + Tesseract (the cost on one core, "
          "whatever else runs); 'page cpu' = read_text_zones, one Tesseract call per page")
    print(f"{'style':<12}{'degradation':<12}{'CER all':>9}{'wall mean':>11}{'wall max':>10}"
          f"{'cpu mean':>10}{'cpu max':>9}{'page cpu':>10}{'max':>7}")
    for style in styles:
        for level in levels:
            ts = [t for (s, lv, _k), t in tallies.items() if s == style and lv == level]
            e, c = sum(t.edits for t in ts), sum(t.chars for t in ts)
            st = sheet_times[(style, level)]
            sc = sheet_cpu[(style, level)]
            pc = page_cpu[(style, level)]
            print(f"{style:<12}{level:<12}{e / max(1, c):>9.1%}{statistics.mean(st):>11.2f}"
                  f"{max(st):>10.2f}{statistics.mean(sc):>10.2f}{max(sc):>9.2f}"
                  f"{statistics.mean(pc):>10.2f}{max(pc):>7.2f}")
    typed_mod = [t for (s, lv, _k), t in tallies.items() if s == "typed" and lv == "moderate"]
    typed_cer = sum(t.edits for t in typed_mod) / max(1, sum(t.chars for t in typed_mod))
    hand_unflagged = sum(t.bad_unflagged for (s, _lv, _k), t in tallies.items()
                         if s == "handwriting")
    typed_unflagged = sum(t.bad_unflagged for (s, _lv, _k), t in tallies.items() if s == "typed")
    all_times = [t for v in sheet_times.values() for t in v]
    for style in styles:
        exact = [w for w in worst if w[1] == style and w[0] == 0]
        passed = sum(1 for w in exact if w[5] >= T.review_confidence)
        print(f"{style}: {len(exact)} zones read exactly, {passed} of them passed without "
              "review" + (f"; highest confidence of a >10 % wrong zone: "
                          f"{max(w[5] for w in worst if w[1] == style and w[0] > 0.10):.2f}"
                          if any(w[1] == style and w[0] > 0.10 for w in worst) else ""))
    print()
    print(f"empty zone: mean {1000 * statistics.mean(empty_times):.1f} ms, max "
          f"{1000 * max(empty_times):.1f} ms over {len(empty_times)} zones (no OCR call)")
    print(f"typed CER at moderate degradation: {typed_cer:.2%} (target < 3 %)")
    print(f"handwriting zones > 10 % wrong and not flagged: {hand_unflagged} (target 0); "
          f"typed: {typed_unflagged}")
    cpu_all = [t for v in sheet_cpu.values() for t in v]
    page_all = [t for v in page_cpu.values() for t in v]
    print(f"seconds per sheet (5 zones): wall mean {statistics.mean(all_times):.2f}, max "
          f"{max(all_times):.2f}; CPU mean {statistics.mean(cpu_all):.2f}, max "
          f"{max(cpu_all):.2f}; per-page calls CPU mean {statistics.mean(page_all):.2f}, max "
          f"{max(page_all):.2f} (target < 2 s)")
    if args.show_worst:
        print("\nworst readings (CER, style, level, field, confidence):")
        for cer, style, level, fid, ref, conf, hyp in sorted(worst, reverse=True)[
                : args.show_worst]:
            print(f"  {cer:5.0%} {style:<11} {level:<8} {fid:<18} conf {conf:.2f}\n"
                  f"      ref {ref}\n      got {hyp}")
    if args.show_ok:
        print("\nhigh-confidence readings that are wrong at all:")
        for cer, style, level, fid, ref, conf, hyp in sorted(worst, key=lambda w: -w[5]):
            if cer > 0 and conf >= T.review_confidence:
                print(f"  {cer:5.1%} {style:<11} {level:<8} {fid:<18} conf {conf:.2f}\n"
                      f"      ref {ref}\n      got {hyp}")
    ok = typed_cer < 0.03 and hand_unflagged == 0 and max(cpu_all) < 2.0
    print("\nall targets met" if ok else "\nSOME TARGETS MISSED")
    return 0 if ok else 1


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sheets", type=int, default=12, help="sheets per style and degradation")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--pdf", help="a built 05-02 PDF (default: build one in a temp folder)")
    ap.add_argument("--layout", help="its layout JSON (with --pdf)")
    ap.add_argument("--ocr-mode", choices=["stack", "line"], default="stack",
                    help="lines stacked into one Tesseract call, or one call per line")
    ap.add_argument("--show-worst", type=int, default=0, help="print the N worst readings")
    ap.add_argument("--show-ok", action="store_true",
                    help="print confident readings that are not exactly right")
    args = ap.parse_args()
    # one core: Tesseract inherits the affinity, and OpenMP is held to one thread
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    os.environ["OMP_THREAD_LIMIT"] = "1"
    return run(args)


if __name__ == "__main__":
    raise SystemExit(main())
