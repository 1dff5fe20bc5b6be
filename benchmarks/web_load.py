"""A bounded local load test of `formkit serve` (waitress): N requests from C concurrent
signed-in clients over the office's pages, optionally while a scanner batch is being read.

The server runs in its own process, as `formkit serve` does; each client has its own
session. Prints the throughput, p50/p95/max latency and the errors (any status other than
200, or a failed connection), overall and per page. Target: p95 under 300 ms and no error.

    .venv/bin/python benchmarks/web_load.py [--requests 2000] [--concurrency 16]
                                            [--batch-pages 100] [--responses 2000]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from web_speed import PASSWORD, SERVER, Http, scanner_pdf, seed  # noqa: E402

TARGET_P95_MS = 300.0
MIX = [  # (page, path, weight): what an office day asks for most
    ("Sổ ghi nhận", "/so-ghi-nhan/", 4),
    ("Sổ ghi nhận: tìm", "/so-ghi-nhan/?tim=tre+han&nam=2026", 2),
    ("Một ý kiến", "/so-ghi-nhan/7", 3),
    ("Tổng quan", "/?nam=2026", 2),
    ("Kiểm tra", "/kiem-tra/", 2),
    ("Quét phiếu", "/quet-phieu/", 1),
    ("Biểu mẫu", "/bieu-mau", 1),
    ("Nhật ký", "/bao-cao/nhat-ky", 1),
]


def pct(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def signed_in(base: str) -> Http:
    client = Http(base)
    t = client.tokens("/dang-nhap")
    client.post("/dang-nhap", {**t, "name": "admin", "password": PASSWORD})
    return client


def run(base: str, requests: int, concurrency: int) -> tuple[dict, float]:
    plan = [p for p in MIX for _ in range(p[2])]
    clients = [signed_in(base) for _ in range(concurrency)]
    results: dict[str, list[tuple[float, bool]]] = {label: [] for label, _p, _w in MIX}
    lock = threading.Lock()

    def one(i: int) -> None:
        label, path, _w = plan[i % len(plan)]
        client = clients[i % concurrency]
        t0 = time.perf_counter()
        try:
            status, _ = client.get(path)
            ok = status == 200
        except Exception:  # a refused or broken connection is an error, counted
            ok = False
        ms = 1000 * (time.perf_counter() - t0)
        with lock:
            results[label].append((ms, ok))

    t0 = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(one, range(requests)))
    return results, time.perf_counter() - t0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--requests", type=int, default=2000)
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument("--batch-pages", type=int, default=100,
                    help="read a scanner PDF of this many pages meanwhile (0: none)")
    ap.add_argument("--responses", type=int, default=2000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="formkit-web-load-") as tmp:
        ws = Path(tmp) / "ws"
        seed(ws, args.responses)
        pdf = scanner_pdf(ws, args.batch_pages, Path(tmp) / "scan.pdf") \
            if args.batch_pages else None
        proc = subprocess.Popen([sys.executable, "-c", SERVER, str(ws)],
                                stdout=subprocess.PIPE, text=True)
        try:
            base = f"http://127.0.0.1:{int(proc.stdout.readline())}"
            time.sleep(3.0)  # the overview's start-up count
            batch = ""
            if pdf is not None:
                uploader = signed_in(base)
                t = uploader.tokens("/quet-phieu/")
                job = uploader.post("/quet-phieu/", {**t, "received": "", "unit": "",
                                                     "ocr": "1"},
                                     {"files": (pdf.name, pdf.read_bytes())})
                progress = job.replace(base, "") + "/tien-do.json"
            results, seconds = run(base, args.requests, args.concurrency)
            if pdf is not None:
                p = json.loads(uploader.get(progress)[1])
                batch = (f", while a {args.batch_pages}-page batch was read ({p['done']}/"
                         f"{p['total']} pages done when the load ended)")
        finally:
            proc.terminate()
            proc.wait(10)
    every = [ms for rows in results.values() for ms, _ok in rows]
    errors = sum(1 for rows in results.values() for _ms, ok in rows if not ok)
    print(f"{args.requests} requests, {args.concurrency} concurrent clients, waitress"
          f"{batch}: {args.requests / seconds:.0f} requests/s\n")
    width = max(len(label) for label, _p, _w in MIX) + 2
    print(f"{'Page':<{width}}{'n':>6}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}{'errors':>8}")
    for label, rows in results.items():
        ms = [m for m, _ok in rows]
        print(f"{label:<{width}}{len(ms):>6}{statistics.median(ms):>9.0f}{pct(ms, 0.95):>9.0f}"
              f"{max(ms):>9.0f}{sum(1 for _m, ok in rows if not ok):>8}")
    p95 = pct(every, 0.95)
    print(f"{'All':<{width}}{len(every):>6}{statistics.median(every):>9.0f}{p95:>9.0f}"
          f"{max(every):>9.0f}{errors:>8}")
    ok = p95 < TARGET_P95_MS and errors == 0
    print(f"\nTarget: p95 under {TARGET_P95_MS:.0f} ms and 0 errors: {'ok' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
