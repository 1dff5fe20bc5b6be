"""Reading in worker processes (--jobs N) gives the report of one process, field by field,
and an interrupted or killed run leaves nothing behind: no stored batch, no process."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from formkit.config import load_settings
from formkit.scan import read_paths
from formkit.scan.batch import STAGE_MARK, TASK_PAGES
from formkit.store import open_store

from .scanhelp import ANSWERS, fill_sheet, render_page, transform

pytestmark = pytest.mark.slow


def _pages(built, copy: int, answers: dict | None = None) -> list[np.ndarray]:
    res = built["survey"]
    pages = [render_page(res.pdf, 2 * copy + i, 200) for i in range(2)]
    fill_sheet(pages, res.layout, answers or ANSWERS, 200, "x")
    return pages


def _mixed_batch(built, folder: Path) -> Path:
    """Every kind of outcome, in files and a PDF long enough to be split among workers."""
    folder.mkdir()
    a = _pages(built, 0)
    b = _pages(built, 1, {**ANSWERS, "c1.thai_do_giao_tiep": "dat"})
    c = _pages(built, 2, {**ANSWERS, "c2.muc_do": "pho_bien"})  # a contradiction to review
    for i, img in enumerate(a):
        cv2.imwrite(str(folder / f"a{i}.jpg"), transform(img, 2.0, 0.95, 0, 0),
                    [cv2.IMWRITE_JPEG_QUALITY, 85])
    shutil.copy(folder / "a0.jpg", folder / "a0_copy.jpg")  # the same image twice
    cv2.imwrite(str(folder / "a1_rescan.png"), a[1])  # the same page scanned again
    blank = np.full_like(a[0], 252)
    frames = [c[1], b[0], blank, b[1], c[0], a[1]]  # any order, a back side, a re-scan
    assert len(frames) > TASK_PAGES
    pil = [Image.fromarray(f).convert("L") for f in frames]
    pil[0].save(folder / "scanner.pdf", save_all=True, append_images=pil[1:], resolution=200)
    (folder / "torn.png").write_bytes((folder / "a1_rescan.png").read_bytes()[:4000])
    return folder


def _normalised(report, out: Path) -> str:
    data = report.to_json()
    data.pop("started"), data.pop("finished")
    for p in data["pages"]:
        p.pop("seconds")
    return json.dumps(data, ensure_ascii=False, sort_keys=True).replace(str(out), "<out>")


def test_two_workers_give_the_same_report_as_one_process_field_by_field(built, tmp_path):
    folder = _mixed_batch(built, tmp_path / "in")
    settings = built["settings"]
    one = read_paths(settings, [folder], out_dir=tmp_path / "one", ocr=True, jobs=1)
    calls: list[tuple[int, int, str]] = []
    two = read_paths(settings, [folder], out_dir=tmp_path / "two", ocr=True, jobs=2,
                     progress=lambda d, t, o: calls.append((d, t, o.outcome)))
    assert [p.outcome for p in one.pages].count("read") == 6
    assert {"duplicate", "rejected"} <= {p.outcome for p in one.pages}
    assert _normalised(two, tmp_path / "two") == _normalised(one, tmp_path / "one")
    for s1, s2 in zip(one.sheets, two.sheets, strict=True):
        for fid, f1 in s1.fields.items():
            f2 = s2.fields[fid]
            assert (f2.value, f2.status, f2.confidence, f2.note) == \
                (f1.value, f1.status, f1.confidence, f1.note), fid
    # progress: every page once, in order, as with one process
    assert [c[0] for c in calls] == list(range(1, len(two.pages) + 1))
    assert [c[2] for c in calls] == [p.outcome for p in two.pages]
    # the same overlay and crop files, and no temporary file of a worker left
    files_one = sorted(p.relative_to(tmp_path / "one") for p in (tmp_path / "one").rglob("*"))
    files_two = sorted(p.relative_to(tmp_path / "two") for p in (tmp_path / "two").rglob("*"))
    assert files_two == files_one
    assert not [p for p in files_two if STAGE_MARK in p.name]


def _children(pid: int) -> list[int]:
    """Processes whose parent is pid (from /proc: no extra package)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _start_read(ws: Path, folder: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "formkit.cli", "read", str(folder), "--no-ocr", "--jobs", "2",
         "--workspace", str(ws)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def _wait_for_workers(proc: subprocess.Popen) -> list[int]:
    end = time.monotonic() + 60
    while time.monotonic() < end:
        kids = _children(proc.pid)
        if len(kids) >= 2:
            return kids
        time.sleep(0.1)
    raise AssertionError("the reading processes did not start")


def _gone(pids: list[int], timeout: float = 10.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if not [p for p in pids if Path(f"/proc/{p}").exists()
                and "Z" not in Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1][:3]]:
            return True
        time.sleep(0.1)
    return False


@pytest.mark.parametrize("how", ["ctrl_c", "kill"])
def test_an_interrupted_or_killed_read_stores_nothing_and_leaves_no_process(
        built, tmp_path, how):
    folder = _mixed_batch(built, tmp_path / "in")
    for i in range(6):  # enough pages that the run is still going when it is stopped
        shutil.copy(folder / "scanner.pdf", folder / f"more{i}.pdf")
    ws = tmp_path / "ws"
    shutil.copytree(built["settings"].workspace, ws)
    proc = _start_read(ws, folder)
    workers = _wait_for_workers(proc)
    time.sleep(1.0)
    proc.send_signal(signal.SIGINT if how == "ctrl_c" else signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode != 0
    assert _gone(workers), "a reading process outlived formkit read"
    with open_store(load_settings(ws)) as store:
        assert store.batches() == []
        assert store.sheets() == []
    if how == "ctrl_c":
        leftovers = [p for p in (ws / "exports").rglob(f"*{STAGE_MARK}*")]
        assert leftovers == []
    os.environ.get("CI")  # nothing else to clean: the workspace is the test's own


def test_the_web_app_reads_an_upload_in_worker_processes(tmp_path, built):
    """The web app's reading process starts the page readers (it is a daemon of the
    server, which may not start processes unless it says otherwise)."""
    import io

    from .web_helpers import close_web, make_web, tokens

    web = make_web(tmp_path / "ws")
    try:
        a, b = _pages(built, 0), _pages(built, 1)
        pil = [Image.fromarray(f).convert("L") for f in [*a, *b]]
        buf = io.BytesIO()
        pil[0].save(buf, format="PDF", save_all=True, append_images=pil[1:], resolution=200)
        c = web.client("staff")
        data = {**tokens(c, "/quet-phieu/"), "received": "", "unit": "", "ocr": "",
                "files": [(io.BytesIO(buf.getvalue()), "bon_trang.pdf")]}
        r = c.post("/quet-phieu/", data=data, content_type="multipart/form-data")
        assert r.status_code == 302
        runner = web.app.extensions["formkit"].jobs
        assert runner.wait_idle(120)
        job = runner.get(r.headers["Location"].rstrip("/").split("/")[-1])
        assert job.error == "" and job.state == "finished"
        assert job.outcomes == {"read": 4, "duplicate": 0, "rejected": 0}
    finally:
        close_web(web)
