"""Write the demo's example inputs (deterministic): a feedback register kept in Excel style
(CSV with Vietnamese headers) and Google Forms exports for 2025 and 2026.

    .venv/bin/python scripts/make_examples.py
"""

from __future__ import annotations

import csv
import random
from datetime import date, datetime, timedelta
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "examples"

REGISTER_ROWS = [
    ("Công ty TNHH Cà phê Buôn Ma Thuột", "Đề nghị hướng dẫn rõ hơn thành phần hồ sơ cấp giấy "
     "chứng nhận đủ điều kiện kinh doanh, phải đi lại nhiều lần để bổ sung giấy tờ.",
     "Nguyễn Thị Hoa", "khieu_nai", "QLTM"),
    ("Ông Y Bhiăt Niê", "Phản ánh thời gian trả kết quả chậm hơn giấy hẹn 5 ngày.",
     "Trần Văn Nam", "tiep_dan", "QLCN"),
    ("Báo Đắk Lắk", "Bài viết phản ánh thủ tục cấp phép bán lẻ rượu còn rườm rà.",
     "Lê Minh Tuấn", "truyen_thong", "QLTM"),
    ("Hội nghị đối thoại doanh nghiệp quý II", "Doanh nghiệp đề nghị công khai phí, lệ phí "
     "trên cổng dịch vụ công.", "Phạm Thu Trang", "hop", "KHTC"),
    ("Bà Nguyễn Thị Lan", "Khen công chức bộ phận một cửa tận tình, chu đáo.",
     "Nguyễn Thị Hoa", "khao_sat", "VP"),
    ("Công ty CP Năng lượng Tây Nguyên", "Không nộp được hồ sơ trực tuyến, cổng dịch vụ công "
     "báo lỗi khi tải tệp.", "Võ Văn Hùng", "khieu_nai", "QLNL"),
    ("UBND huyện Krông Pắc", "Văn bản chỉ đạo của UBND tỉnh về việc rà soát thủ tục hành chính "
     "lĩnh vực điện lực.", "Võ Văn Hùng", "cap_tren", "QLNL"),
    ("Ông Trần Đức Minh", "Công chức có thái độ chưa niềm nở khi tiếp nhận hồ sơ.",
     "Trần Văn Nam", "tiep_dan", "QLCN"),
    ("Hợp tác xã Nông nghiệp Ea Kar", "=HYPERLINK(\"http://x\") hỏi về chính sách khuyến công",
     "Lê Minh Tuấn", "khieu_nai", "QLCN"),
    ("Công ty TNHH Thương mại Hòa Phát", "Kết quả thẩm định chưa chính xác, phải điều chỉnh "
     "lại giấy phép.", "Phạm Thu Trang", "khieu_nai", "QLTM"),
]

SCALE = ["Rất hài lòng", "Hài lòng", "Bình thường", "Không hài lòng", "Rất không hài lòng"]
UNITS = ["Văn phòng Sở", "Phòng Quản lý Công nghiệp", "Phòng Quản lý Thương mại",
         "Phòng Quản lý Năng lượng"]


def register(path: Path, year: int) -> None:
    rng = random.Random(year)
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["Ngày tháng", "Tên khách hàng", "Nội dung ý kiến phản ánh của khách hàng",
                    "Người tiếp nhận", "Xác nhận của trưởng phòng/đơn vị", "Nguồn", "Đơn vị",
                    "Tình trạng"])
        for i, (customer, content, receiver, source, unit) in enumerate(REGISTER_ROWS):
            d = date(year, 1 + (i * 7) % 10, 1 + rng.randrange(27))  # Jan–Oct: none in the future
            status = "Đã xử lý" if rng.random() < 0.7 else "Đang xử lý"
            w.writerow([d.strftime("%d/%m/%Y"), customer, content, receiver,
                        "Đã xác nhận", source, unit, status])


def google_forms(path: Path, year: int, n: int, mood: float) -> None:
    rng = random.Random(1000 + year)
    cols = ["Dấu thời gian", "Phòng giải quyết hồ sơ", "Nội dung giao dịch",
            "Thái độ giao tiếp của công chức", "Lắng nghe ý kiến", "Tận tình, chu đáo",
            "Tuân thủ đúng quy trình", "Công chức có gây phiền hà, sách nhiễu không?",
            "Nếu có, mức độ", "Kết quả giải quyết chính xác, khách quan",
            "Giải quyết đúng thời hạn", "Mức độ hài lòng chung"]

    def level() -> str:
        r = rng.random()
        return SCALE[0 if r < mood else 1 if r < mood + 0.25 else 2 if r < 0.93 else 3]

    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(cols)
        start = datetime(year, 1, 2, 8)
        for _ in range(n):
            t = start + timedelta(minutes=rng.randrange(300 * 24 * 60))  # to late October
            harass = "Có" if rng.random() < 0.06 else "Không"
            w.writerow([
                t.strftime("%d/%m/%Y %H:%M:%S"), rng.choice(UNITS),
                rng.choice(["Giải quyết thủ tục hành chính",
                            "Tiếp nhận, xử lý công việc hành chính",
                            "Tiếp nhận, xử lý công việc hành chính, Giải quyết thủ tục "
                            "hành chính"]),
                level(), level(), level(), level(), harass,
                rng.choice(["Một lần", "Một số lần"]) if harass == "Có" else "",
                str(rng.choice([5, 5, 4, 4, 3, 2])), str(rng.choice([5, 4, 4, 3, 3, 2])),
                level(),
            ])


def main() -> None:
    OUT.mkdir(exist_ok=True)
    register(OUT / "so_ghi_nhan_2026.csv", 2026)
    google_forms(OUT / "google_forms_2025.csv", 2025, 120, 0.45)
    google_forms(OUT / "google_forms_2026.csv", 2026, 140, 0.55)
    print(f"wrote examples into {OUT}")


if __name__ == "__main__":
    main()
