"""Register I/O benchmark: import of a 5,000-row register workbook and export of its year.

Each step runs in its own process, so its peak memory (ru_maxrss) is its own. Targets:
under 10 s and under 300 MB each.

    .venv/bin/python benchmarks/register_io.py [--rows 5000]
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import resource
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

TARGET_SECONDS = 10.0
TARGET_MB = 300.0
YEAR = 2025

CONTENTS = [
    "Hồ sơ trả kết quả trễ hạn {n} ngày so với giấy hẹn",
    "Cán bộ tiếp nhận có thái độ cáu gắt, thiếu tôn trọng người dân",
    "Phải đi lại nhiều lần để bổ sung giấy tờ, thủ tục rườm rà",
    "Cổng dịch vụ công trực tuyến hay bị lỗi, không đăng nhập được",
    "Xin cảm ơn cán bộ đã hướng dẫn tận tình, chu đáo",
    "Mức thu lệ phí cấp giấy phép còn cao",
    "Đề nghị niêm yết công khai thủ tục tại Bộ phận một cửa",
    "Kết quả thẩm định có sai sót về tên doanh nghiệp",
    "Đơn phản ánh gửi tháng {n} chưa được trả lời",
    "Quy định về an toàn thực phẩm còn chồng chéo",
    "Góp ý chung về hoạt động của Sở",
]
NAMES = ["Công ty TNHH Minh Phát", "Ông Nguyễn Văn Hùng", "Bà Trần Thị Hường",
         "Công ty CP Cà phê Buôn Ma Thuột", "Hộ kinh doanh Lê Văn Tâm", "HTX Nông nghiệp Ea Kar"]
RECEIVERS = ["Nguyễn Thị Lan", "Phạm Minh Đức", "Hoàng Văn Nam"]
SOURCES = ["Phản ánh, khiếu nại", "Sổ tiếp dân", "Báo chí", "Cuộc họp", "Cấp trên"]
UNITS = ["VP", "TTRA", "KHTC", "QLCN", "QLTM", "QLNL"]


def _peak_mb() -> float:
    # Linux reports ru_maxrss in kilobytes
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def generate(path: Path, rows: int) -> None:
    import openpyxl

    rnd = random.Random(5)
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Sổ ghi nhận")
    ws.append(["SỔ GHI NHẬN Ý KIẾN CỦA KHÁCH HÀNG"])
    ws.append([f"NĂM: {YEAR}"])
    ws.append(["Ngày tháng", "Tên khách hàng", "Nội dung ý kiến phản ánh của khách hàng",
               "Người tiếp nhận", "Xác nhận của trưởng phòng/đơn vị", "Nguồn", "Đơn vị",
               "Tình trạng"])
    start = date(YEAR, 1, 2)
    for i in range(rows):
        day = start + timedelta(days=rnd.randrange(360))
        written = day if i % 3 else day.strftime("%d/%m/%Y")  # real dates and typed dates
        ws.append([written, f"{rnd.choice(NAMES)} ({i + 1})",
                   rnd.choice(CONTENTS).format(n=rnd.randint(2, 12)), rnd.choice(RECEIVERS),
                   "Đã xem" if i % 4 == 0 else "", rnd.choice(SOURCES), rnd.choice(UNITS),
                   "Đã xử lý" if i % 2 else "Chưa xử lý"])
    wb.save(path)


def _step(name: str, workspace: str, book: str, rows: int, queue) -> None:
    from formkit.app import register as reg
    from formkit.config import load_settings
    from formkit.export.register_xlsx import export_register

    settings = load_settings(Path(workspace))
    started, cpu_started = time.perf_counter(), _cpu_seconds()
    detail = ""
    if name == "generate":
        generate(Path(book), rows)
        detail = f"{Path(book).stat().st_size / 1e6:.1f} MB workbook"
    elif name == "import":
        report = reg.import_register(settings, Path(book), None)
        detail = f"{report.added} rows added"
    elif name == "import again":
        report = reg.import_register(settings, Path(book), None)
        detail = f"{report.added} added, {report.duplicates} duplicates"
    elif name == "export":
        path = export_register(settings, YEAR)
        detail = f"{path.stat().st_size / 1e6:.1f} MB workbook"
    queue.put((name, time.perf_counter() - started, _cpu_seconds() - cpu_started, _peak_mb(),
               detail))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5000)
    args = parser.parse_args()
    ctx = multiprocessing.get_context("spawn")  # a fresh interpreter per step
    results = []
    with tempfile.TemporaryDirectory(prefix="formkit-bench-") as tmp:
        workspace = Path(tmp) / "ws"
        workspace.mkdir()
        book = Path(tmp) / f"so_ghi_nhan_{args.rows}.xlsx"
        for name in ("generate", "import", "import again", "export"):
            queue = ctx.Queue()
            proc = ctx.Process(target=_step, args=(name, str(workspace), str(book), args.rows,
                                                    queue))
            proc.start()
            results.append(queue.get(timeout=600))
            proc.join()
            if proc.exitcode:
                print(f"{name} failed (exit {proc.exitcode})", file=sys.stderr)
                return 1
    print(f"Register I/O, {args.rows} rows (targets: < {TARGET_SECONDS:.0f} s, "
          f"< {TARGET_MB:.0f} MB per step)")
    # CPU seconds beside wall seconds: on a busy machine the wall clock includes waiting
    print(f"{'step':<14}{'seconds':>9}{'CPU s':>8}{'peak MB':>10}  {'':<6}detail")
    failed = False
    for name, seconds, cpu, mb, detail in results:
        ok = name == "generate" or (seconds < TARGET_SECONDS and mb < TARGET_MB)
        failed |= not ok
        print(f"{name:<14}{seconds:>9.2f}{cpu:>8.2f}{mb:>10.0f}  {'ok' if ok else 'SLOW':<6}"
              f"{detail}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
