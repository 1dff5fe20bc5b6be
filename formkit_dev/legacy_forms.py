"""Test material for reading the department's own survey form (issue 19): the procedure's
BM.QT.SCT.05-02 as its Word file prints it — no registration marks, no QR code, boxes typed
as "□" glyphs, a plain table for the rating questions — in a few variants (fonts, margins,
one or two pages), converted to PDF by LibreOffice, rendered, filled with hand marks and
typed answers, and degraded like a scan.

The truth (which box is where, what was ticked) comes from the PDF's own text layer, not
from formkit's reader: the "□" characters' boxes and the dotted answer lines.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

#: the fields whose boxes are printed, in the order their "□" glyphs appear in the file
GRID_ROWS = [
    ("c1.thai_do_giao_tiep", "Thái độ giao tiếp"),
    ("c1.lang_nghe_y_kien", "Lắng nghe ý kiến"),
    ("c1.tan_tinh_chu_dao", "Tận tình, chu đáo"),
    ("c1.tuan_thu_quy_trinh", "Tuân thủ đúng quy trình"),
]
MUC_DO = [("tot", "Tốt"), ("dat", "Đạt yêu cầu"), ("chua_dat", "Chưa đạt yêu cầu")]
TAN_SUAT = [("mot_lan", "a. Một lần"), ("mot_so_lan", "b. Một số lần"),
            ("pho_bien", "c. Phổ biến"), ("rat_pho_bien", "d. Rất phổ biến")]
TEXT_FIELDS = ["to_chuc", "noi_dung.chi_tiet", "c1.y_kien_khac", "c3.y_kien_khac",
               "c4.y_kien_khac"]
#: dotted lines per text field, in the file's order
TEXT_LINES = {"to_chuc": 2, "noi_dung.chi_tiet": 3, "c1.y_kien_khac": 1,
              "c3.y_kien_khac": 1, "c4.y_kien_khac": 1}


@dataclass(frozen=True)
class Variant:
    name: str
    font: str
    size_pt: float
    margins_cm: tuple[float, float, float, float]  # top, bottom, left, right
    two_pages: bool
    borders: bool = True


VARIANTS = {
    "bang_serif": Variant("bang_serif", "Liberation Serif", 13, (2.0, 2.0, 3.0, 2.0), True),
    "bang_sans": Variant("bang_sans", "Liberation Sans", 12, (1.5, 1.5, 2.0, 1.5), True,
                         borders=False),
    "mot_trang": Variant("mot_trang", "Liberation Serif", 10.5, (1.2, 1.0, 1.8, 1.2), False),
    # added after the reader was tuned (held-out material): a sans one-page print
    "mot_trang_sans": Variant("mot_trang_sans", "Liberation Sans", 10, (1.3, 1.0, 2.0, 1.3),
                              False),
}

AGENCY = "Sở Công Thương"
DOTS = "." * 400  # cut to the line by the field's width below


def box_order() -> list[tuple[str, str]]:
    """(field, value) of every "□" in the order the DOCX prints them."""
    out = [("noi_dung.tiep_nhan_xu_ly", "x"), ("noi_dung.giai_quyet_tthc", "x")]
    out += [(f, v) for f, _ in GRID_ROWS for v, _ in MUC_DO]
    out += [("c2.phien_ha", "co"), ("c2.phien_ha", "khong")]
    out += [("c2.muc_do", v) for v, _ in TAN_SUAT]
    for f in ("c3.chinh_xac_khach_quan", "c4.dung_thoi_han", "c5.muc_do_hai_long"):
        out += [(f, v) for v, _ in MUC_DO]
    return out


def build_docx(variant: Variant, path: Path) -> Path:
    """The form as the department's Word file has it (the procedure's wording)."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
    from docx.shared import Cm, Pt

    doc = Document()
    sec = doc.sections[0]
    sec.page_height, sec.page_width = Cm(29.7), Cm(21.0)
    t, b, lft, r = variant.margins_cm
    sec.top_margin, sec.bottom_margin, sec.left_margin, sec.right_margin = (
        Cm(t), Cm(b), Cm(lft), Cm(r))
    style = doc.styles["Normal"]
    style.font.name = variant.font
    style.font.size = Pt(variant.size_pt)
    style.paragraph_format.space_after = Pt(2)
    style.paragraph_format.space_before = Pt(0)
    width_cm = 21.0 - lft - r
    # dots per line: about 0.55 em per "." … keep it inside the text width
    n_dots = int(width_cm / (variant.size_pt * 0.0353 * 0.28))

    def para(text: str = "", bold: bool = False, italic: bool = False,
             center: bool = False, after: float | None = None):
        p = doc.add_paragraph()
        run = p.add_run(text)
        run.bold, run.italic = bold, italic
        if center:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if after is not None:
            p.paragraph_format.space_after = Pt(after)
        return p

    def dotted(n: int, prompt: str = "") -> None:
        for i in range(n):
            text = (prompt if i == 0 else "") + "." * (n_dots - (len(prompt) * 2 if i == 0
                                                                  and prompt else 0))
            para(text, after=6)

    para("BM.QT.SCT.05-02", italic=True).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    para("PHIẾU KHẢO SÁT", bold=True, center=True)
    para("SỰ HÀI LÒNG CỦA CÁC TỔ CHỨC, CÁ NHÂN", bold=True, center=True)
    para(f"ĐỐI VỚI SỰ PHỤC VỤ CỦA {AGENCY.upper()}", bold=True, center=True)
    para("NĂM: 2024", bold=True, center=True)
    para(f"Để nâng cao hơn nữa chất lượng phục vụ, sự hài lòng của các tổ chức, cá nhân "
         f"trong thời gian tới; {AGENCY} tiến hành “Khảo sát sự hài lòng của các tổ chức, cá "
         f"nhân đối với sự phục vụ của {AGENCY}” nhằm lấy ý kiến nhận xét, đóng góp của các "
         f"cơ quan, đơn vị trên địa bàn tỉnh có thực hiện giao dịch hành chính với {AGENCY} "
         "thông qua “Phiếu khảo sát”.")
    para(f"{AGENCY} rất mong nhận được sự quan tâm, hợp tác của Ông/Bà thông qua trả lời "
         "đầy đủ, khách quan các câu hỏi sau đây.")
    para("Xin trân trọng cảm ơn Ông/Bà.")
    para("I. Thông tin về tổ chức thực hiện giao dịch hành chính", bold=True)
    para("Xin Ông/Bà cho biết tên của tổ chức mà Ông/Bà đại diện để thực hiện giao dịch hành "
         f"chính đối với {AGENCY}? (Ghi cụ thể tên cá nhân hoặc tổ chức)")
    dotted(2)
    para("II. Nội dung giao dịch hành chính", bold=True)
    para(f"Ông/Bà đại diện cho tổ chức thực hiện giao dịch hành chính với {AGENCY} những "
         "nội dung gì?")
    para("- Tiếp nhận, xử lý công việc hành chính      □")
    para("- Giải quyết thủ tục hành chính      □")
    para("(Xin ghi rõ nội dung giải quyết thủ tục hành chính):")
    dotted(3)
    if variant.two_pages:
        doc.paragraphs[-1].add_run().add_break(WD_BREAK.PAGE)
    para("Vui lòng đánh dấu (x) vào sự lựa chọn đối với những câu hỏi sau:", italic=True)

    def grid(rows: list[tuple[str, str]]) -> None:
        table = doc.add_table(rows=0, cols=4)
        if variant.borders:
            table.style = "Table Grid"
        for _, label in rows:
            cells = table.add_row().cells
            cells[0].text = label
            for c, (_, opt) in zip(cells[1:], MUC_DO, strict=True):
                c.text = f"{opt}  □"
        table.autofit = False
        for col, share in zip(table.columns, (0.27, 0.17, 0.25, 0.31), strict=True):
            col.width = Cm(width_cm * share)
        for row in table.rows:
            for c, share in zip(row.cells, (0.27, 0.17, 0.25, 0.31), strict=True):
                c.width = Cm(width_cm * share)

    para(f"Câu hỏi 1: Thái độ phục vụ của công chức {AGENCY} trong việc tiếp nhận, giải "
         "quyết công việc?", bold=True)
    grid(GRID_ROWS)
    dotted(1, "Ý kiến khác: ")
    para(f"Câu hỏi 2: Công chức của {AGENCY} có gây phiền hà, sách nhiễu đối với Ông/Bà "
         "trong quá trình giải quyết công việc không?", bold=True)
    para("Có  □\t\t\tKhông  □")
    para("Nếu có, vui lòng cho biết tình trạng thực tế:")
    para("\t".join(f"{label}  □" for _, label in TAN_SUAT))
    para(f"Câu hỏi 3: Chất lượng xử lý hồ sơ của {AGENCY} đối với hồ sơ của cơ quan, tổ chức "
         "của Ông/Bà:", bold=True)
    grid([("c3.chinh_xac_khach_quan", "Chính xác, khách quan")])
    dotted(1, "Ý kiến khác: ")
    para(f"Câu hỏi 4: Thời gian {AGENCY} xử lý các hồ sơ của cơ quan, tổ chức của Ông/Bà:",
         bold=True)
    grid([("c4.dung_thoi_han", "Đúng thời hạn quy định")])
    dotted(1, "Ý kiến khác: ")
    para(f"Câu hỏi 5: Đánh giá chung của Ông/Bà về chất lượng cung ứng dịch vụ hành chính "
         f"công của {AGENCY} qua giao dịch hành chính?", bold=True)
    grid([("c5.muc_do_hai_long", "Mức độ hài lòng")])
    para("XIN TRÂN TRỌNG CẢM ƠN!", bold=True, center=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp.docx")
    doc.save(str(tmp))
    tmp.replace(path)
    return path


def build_pdfs(out_dir: Path, variants: list[str] | None = None) -> dict[str, Path]:
    """DOCX of each variant converted to PDF by LibreOffice (one call for all)."""
    from formkit._exec.soffice import convert_to_pdf

    names = variants or list(VARIANTS)
    docs = [build_docx(VARIANTS[n], out_dir / f"legacy_{n}.docx") for n in names]
    pdfs = convert_to_pdf(docs, out_dir)
    return dict(zip(names, pdfs, strict=True))


@dataclass
class PrintedPage:
    """One clean page at `ppm` px/mm with where its boxes and dotted lines are (mm)."""

    image: np.ndarray
    boxes: list[tuple[str, str, tuple[float, float, float, float]]]  # field, value, rect
    lines: list[tuple[str, tuple[float, float, float]]]  # text field, (x0, x1, y)


def render(pdf: Path, ppm: float) -> list[PrintedPage]:
    """Render the PDF and take the boxes' and dotted lines' places from its text layer."""
    import pypdfium2 as pdfium

    order = box_order()
    text_order = [f for f in TEXT_FIELDS for _ in range(TEXT_LINES[f])]
    doc = pdfium.PdfDocument(str(pdf))
    pages: list[PrintedPage] = []
    k_box = k_line = 0
    for page in doc:
        h_pt = page.get_height()
        scale = ppm * 25.4 / 72
        img = page.render(scale=scale, grayscale=True).to_numpy()
        img = img[:, :, 0] if img.ndim == 3 else img
        tp = page.get_textpage()
        boxes, dot_runs = [], []
        run: list[tuple[float, float, float, float]] = []
        for i in range(tp.count_chars()):
            ch = tp.get_text_range(i, 1)
            lx, by, rx, ty = tp.get_charbox(i)
            mm = (lx / 72 * 25.4, (h_pt - ty) / 72 * 25.4, (rx - lx) / 72 * 25.4,
                  (ty - by) / 72 * 25.4)
            if ch == "□":
                f, v = order[k_box]
                k_box += 1
                boxes.append((f, v, mm))
            if ch == ".":
                if run and abs(run[-1][1] - mm[1]) < 1.0 and mm[0] - run[-1][0] < 4:
                    run.append(mm)
                    continue
                if len(run) >= 30:
                    dot_runs.append(run)
                run = [mm]
        if len(run) >= 30:
            dot_runs.append(run)
        lines = []
        for r in dot_runs:
            fid = text_order[k_line]
            k_line += 1
            lines.append((fid, (r[0][0], r[-1][0] + r[-1][2], r[0][1] + r[0][3])))
        pages.append(PrintedPage(np.ascontiguousarray(img, np.uint8), boxes, lines))
    if k_box != len(order) or k_line != len(text_order):
        raise RuntimeError(f"{pdf}: found {k_box} boxes and {k_line} dotted lines, expected "
                           f"{len(order)} and {len(text_order)}")
    return pages


# ---- filling ----------------------------------------------------------------------------
ANSWER_TEXTS = ["Công ty TNHH Minh Phát", "Hộ kinh doanh Nguyễn Văn An",
                "Cấp giấy phép kinh doanh rượu", "Cần rút ngắn thời gian trả kết quả",
                "Hướng dẫn tận tình", "Hợp tác xã Hòa Bình"]


@dataclass
class FilledSheet:
    pages: list[np.ndarray]
    truth: dict[str, object] = field(default_factory=dict)  # field → value (None: blank)


def _choose(rng: np.random.Generator) -> dict[str, object]:
    ans: dict[str, object] = {}
    for f in ("noi_dung.tiep_nhan_xu_ly", "noi_dung.giai_quyet_tthc"):
        ans[f] = bool(rng.random() < 0.5)
    for f, _ in GRID_ROWS + [("c3.chinh_xac_khach_quan", ""), ("c4.dung_thoi_han", ""),
                             ("c5.muc_do_hai_long", "")]:
        ans[f] = None if rng.random() < 0.08 else str(rng.choice([v for v, _ in MUC_DO]))
    ans["c2.phien_ha"] = "co" if rng.random() < 0.25 else "khong"
    ans["c2.muc_do"] = str(rng.choice([v for v, _ in TAN_SUAT])) \
        if ans["c2.phien_ha"] == "co" else None
    for f in TEXT_FIELDS:
        ans[f] = str(rng.choice(ANSWER_TEXTS)) if rng.random() < 0.3 else None
    return ans


def _write_text(img: np.ndarray, text: str, line: tuple[float, float, float], ppm: float,
                rng: np.random.Generator) -> None:
    """A typed-looking answer sitting on the dotted line (PIL draws the diacritics)."""
    from PIL import Image, ImageDraw

    from formkit.spec.fonts import font

    x0, _x1, y = line
    size = int(3.6 * ppm)
    pil = Image.fromarray(img)
    draw = ImageDraw.Draw(pil)
    draw.text((int((x0 + 25 + rng.uniform(0, 10)) * ppm), int((y - 0.4) * ppm)), text,
              fill=int(rng.integers(20, 70)), font=font(size), anchor="ls")
    img[:] = np.asarray(pil)


def fill(printed: list[PrintedPage], ppm: float, rng: np.random.Generator,
         styles: tuple[str, ...] | None = None, answers: dict[str, object] | None = None
         ) -> FilledSheet:
    """One respondent's sheet: a mark in each chosen box, text on some dotted lines.
    `answers` (as FilledSheet.truth) gives the choices; default: drawn from `rng`."""
    from formkit.spec.layout import Rect
    from formkit_dev import handmarks

    styles = styles or handmarks.CLEAR
    ans = dict(answers) if answers is not None else _choose(rng)
    out = []
    for pp in printed:
        img = pp.image.copy()
        for f, v, (x, y, w, h) in pp.boxes:
            want = ans.get(f)
            if want is True and v == "x" or want == v:
                style = str(rng.choice(styles))
                lab = handmarks.label_rect(pp.image, Rect(x, y, w, h), ppm)
                handmarks.draw(img, style, (x, y, w, h), lab, ppm, rng)
        written: set[str] = set()
        for f, ln in pp.lines:
            if ans.get(f) and f not in written:
                _write_text(img, str(ans[f]), ln, ppm, rng)
                written.add(f)
        out.append(img)
    return FilledSheet(out, ans)


# ---- degrading --------------------------------------------------------------------------
#: scan conditions: dpi, rotation (deg), noise sigma, blur, JPEG quality, contrast
DEGRADATIONS = {
    "office": dict(dpi=300, rot=0.6, noise=4.0, blur=0, jpeg=85, contrast=1.0),
    "copy": dict(dpi=200, rot=1.2, noise=9.0, blur=1, jpeg=60, contrast=0.8),
}


def degrade(img: np.ndarray, ppm: float, level: str, rng: np.random.Generator
            ) -> tuple[np.ndarray, int]:
    d = DEGRADATIONS[level]
    dpi = int(d["dpi"])
    s = dpi / 25.4 / ppm
    out = cv2.resize(img, None, fx=s, fy=s, interpolation=cv2.INTER_AREA) if s != 1 else img
    h, w = out.shape
    ang = float(rng.uniform(-d["rot"], d["rot"]))
    shift = rng.uniform(-3, 3, 2) * dpi / 25.4
    M = cv2.getRotationMatrix2D((w / 2, h / 2), ang, 1.0)
    M[:, 2] += shift
    out = cv2.warpAffine(out, M, (w, h), flags=cv2.INTER_LINEAR, borderValue=255)
    f = out.astype(np.float32)
    f = 255 - (255 - f) * float(d["contrast"])
    f += rng.normal(0, float(d["noise"]), f.shape)
    out = np.clip(f, 0, 255).astype(np.uint8)
    if d["blur"]:
        out = cv2.GaussianBlur(out, (3, 3), 0.8)
    ok, buf = cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, int(d["jpeg"])])
    return cv2.imdecode(buf, cv2.IMREAD_GRAYSCALE), dpi


def save_pdf(pages: list[np.ndarray], dpi: int, path: Path) -> Path:
    """Pages as one scanned PDF (as a scanner's feeder gives it)."""
    from PIL import Image

    ims = [Image.fromarray(p) for p in pages]
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    ims[0].save(str(tmp), format="PDF", save_all=True, append_images=ims[1:],
                resolution=float(dpi), quality=90)
    tmp.replace(path)
    return path


def foreign_page(ppm: float) -> np.ndarray:
    """A page that is not the survey: a typed letter."""
    from PIL import Image, ImageDraw

    from formkit.spec.fonts import font

    w, h = int(210 * ppm), int(297 * ppm)
    pil = Image.new("L", (w, h), 255)
    d = ImageDraw.Draw(pil)
    face = font(int(4 * ppm))
    lines = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "",
             "GIẤY ĐỀ NGHỊ CẤP GIẤY CHỨNG NHẬN", "Kính gửi: Phòng Quản lý thương mại",
             "Tên doanh nghiệp: Công ty cổ phần Thành Đạt",
             "Địa chỉ trụ sở chính: 12 Lê Lợi, thành phố Buôn Ma Thuột",
             "Đề nghị cấp giấy chứng nhận đủ điều kiện kinh doanh."]
    for i, t in enumerate(lines):
        d.text((int(25 * ppm), int((30 + i * 12) * ppm)), t, fill=0, font=face)
    return np.asarray(pil).copy()


def make_batch(out_dir: Path, variant: str, level: str, sheets: int, seed: int = 0,
               pdfs: dict[str, Path] | None = None, foreign: bool = False,
               styles: tuple[str, ...] | None = None) -> tuple[Path, list[dict]]:
    """A scanned PDF of `sheets` filled copies of `variant` (pages in order, as fed) and its
    truth: a JSON list with one entry per sheet (answers) written beside it."""
    pdfs = pdfs or build_pdfs(out_dir / "print", [variant])
    ppm = 300 / 25.4
    printed = render(pdfs[variant], ppm)
    rng = np.random.default_rng(seed)
    pages, truth = [], []
    dpi = 300
    for k in range(sheets):
        sheet = fill(printed, ppm, rng, styles)
        for img in sheet.pages:
            deg, dpi = degrade(img, ppm, level, rng)
            pages.append(deg)
        truth.append(sheet.truth)
        if foreign and k == 0:
            deg, dpi = degrade(foreign_page(ppm), ppm, level, rng)
            pages.append(deg)
    pdf = save_pdf(pages, dpi, out_dir / f"legacy_{variant}_{level}_{seed}.pdf")
    tmp = pdf.with_suffix(".truth.json.tmp")
    tmp.write_text(json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8")
    tmp.replace(pdf.with_suffix(".truth.json"))
    return pdf, truth


def simulate_legacy(out_dir: Path, count: int, seed: int = 1, level: str = "office",
                    variants: list[str] | None = None) -> list[tuple[Path, list[dict]]]:
    """`formkit simulate --legacy`: for each variant, the DOCX as printed (in out_dir/print)
    and a scanned PDF of `count` filled copies with its truth JSON beside it."""
    names = variants or list(VARIANTS)
    unknown = [n for n in names if n not in VARIANTS]
    if unknown or level not in DEGRADATIONS:
        from formkit.errors import InputError

        raise InputError(
            f"Không có mẫu cũ {', '.join(unknown)} / unknown legacy variant" if unknown else
            f"Mức quét {level!r} không có cho mẫu cũ / no such scan level for legacy forms",
            hint=f"Mẫu: {', '.join(VARIANTS)}; mức quét: {', '.join(DEGRADATIONS)}.")
    pdfs = build_pdfs(out_dir / "print", names)
    return [make_batch(out_dir, n, level, count, seed=seed, pdfs=pdfs) for n in names]
