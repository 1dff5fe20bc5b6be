"""Faults: kill -9 at any moment, full disks, failing writers, LibreOffice killed with
formkit. Real processes, a real SQLite file, a real (small) tmpfs for the full disk."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import cv2
import pytest

from formkit import api, fsutil
from formkit.errors import OutputError
from formkit.store import open_store
from formkit.store.batches import RUN_MARKER, recover

from .conftest import make_workspace
from .scanhelp import ANSWERS, fill_sheet, render_page

pytestmark = pytest.mark.slow

COPIES = 4


@pytest.fixture(scope="module")
def scans(tmp_path_factory) -> dict:
    """A workspace that knows the survey layout, and a folder of COPIES filled 2-page
    sheets as PNG scans (built once through the real LibreOffice)."""
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice not installed (run `make setup`)")
    root = tmp_path_factory.mktemp("faults")
    settings = make_workspace(root / "ws")
    survey = api.build(settings, ["05-02"], 2026, unit="QLCN", copies=COPIES)[0]
    folder = root / "scans"
    folder.mkdir()
    for c in range(COPIES):
        pages = [render_page(survey.pdf, 2 * c + i, 150) for i in range(2)]
        fill_sheet(pages, survey.layout, ANSWERS, 150)
        for i, img in enumerate(pages):
            cv2.imwrite(str(folder / f"copy{c}_p{i + 1}.png"), img)
    return {"settings": settings, "folder": folder, "root": root}


def _fresh_workspace(scans: dict, name: str) -> Path:
    """A copy of the built workspace with an empty database."""
    ws = scans["root"] / name
    shutil.copytree(scans["settings"].workspace, ws)
    for db in ws.rglob("*.sqlite*"):
        db.unlink()
    for db in ws.rglob("*.db*"):
        db.unlink()
    shutil.rmtree(ws / "exports" / "read", ignore_errors=True)
    return ws


def _read_cmd(ws: Path, folder: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "formkit.cli", "read", str(folder), "--no-ocr",
            "--workspace", str(ws), *extra]


def _db(ws: Path) -> sqlite3.Connection:
    from formkit.store.db import resolve_url, sqlite_path

    path = sqlite_path(resolve_url(api.load_settings(ws)))
    assert path is not None and path.is_file(), path
    return sqlite3.connect(path)


def _check_consistent(ws: Path, folder: Path, copies: int = COPIES) -> None:
    con = _db(ws)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        running = con.execute("select id from batches where status='running'").fetchall()
        assert running == [], f"batches left running: {running}"
        keys = [k for (k,) in con.execute("select sheet_key from sheets")]
        assert len(keys) == copies and len(set(keys)) == copies
        assert con.execute("select count(*) from sheets where complete = 0").fetchone()[0] == 0
        pages = con.execute("select file, page_index, outcome from pages").fetchall()
        files = sorted(str(p) for p in folder.rglob("*.png"))
        assert sorted(f for f, _i, _o in pages) == files, "every input page exactly once"
        assert {o for _f, _i, o in pages} == {"read"}
        # every review item and overlay points to a file that exists
        for (path,) in con.execute("select crop_path from review_items "
                                   "where crop_path is not null"):
            assert Path(path).is_file(), path
        for (path,) in con.execute("select overlay from pages where overlay is not null"):
            assert Path(path).is_file(), path
    finally:
        con.close()
    read_root = ws / "exports" / "read"
    for d in read_root.iterdir():
        assert not d.name.startswith("."), f"scratch folder left: {d}"
        assert (d / "batch.json").is_file(), f"orphan work folder: {d}"
        assert not (d / RUN_MARKER).exists(), f"work folder still claimed: {d}"


KILLS = 20


@pytest.fixture(scope="module")
def many(tmp_path_factory) -> dict:
    """KILLS numbered copies, each in a folder of its own, so that every killed run has
    real work to do (read, write overlays, store) when the kill lands."""
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice not installed (run `make setup`)")
    root = tmp_path_factory.mktemp("many")
    settings = make_workspace(root / "ws")
    survey = api.build(settings, ["05-02"], 2026, unit="QLCN", copies=KILLS)[0]
    folders = []
    for c in range(KILLS):
        folder = root / "scans" / f"copy{c:02d}"
        folder.mkdir(parents=True)
        pages = [render_page(survey.pdf, 2 * c + i, 150) for i in range(2)]
        fill_sheet(pages, survey.layout, ANSWERS, 150)
        for i, img in enumerate(pages):
            cv2.imwrite(str(folder / f"p{i + 1}.png"), img)
        folders.append(folder)
    return {"settings": settings, "folders": folders, "root": root}


def test_kill_9_at_random_moments_twenty_times_then_rerun_stores_every_sheet_once(many):
    ws = _fresh_workspace(many, "kill9")
    folders = many["folders"]
    env = {**os.environ, "COLUMNS": "200"}
    # how long one run over one copy takes here (in a throw-away copy of the workspace)
    probe = _fresh_workspace(many, "probe")
    t0 = time.monotonic()
    done = subprocess.run(_read_cmd(probe, folders[0]), capture_output=True, text=True, env=env)
    full = time.monotonic() - t0
    assert done.returncode in (0, 10), done.stdout + done.stderr
    rng = random.Random(16)
    moments = []
    for i in range(KILLS):
        proc = subprocess.Popen(_read_cmd(ws, folders[i]), stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, env=env)
        # half anywhere in the run, half near its end where the batch is being stored
        moments.append(rng.uniform(0.1, full) if i % 2 else rng.uniform(0.75, 1.0) * full)
        time.sleep(moments[-1])
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        time.sleep(1.05)  # distinct exports/read/<second> folder names
    con = _db(ws)
    cut = dict(con.execute("select status, count(*) from batches group by status"))
    stored_before = con.execute("select count(*) from sheets").fetchone()[0]
    con.close()
    everything = many["root"] / "scans"
    last = subprocess.run(_read_cmd(ws, everything), capture_output=True, text=True, env=env)
    assert last.returncode in (0, 10), last.stdout + last.stderr
    _check_consistent(ws, everything, KILLS)
    con = _db(ws)
    actions = dict(con.execute("select action, count(*) from audit_log group by action"))
    con.close()
    print(f"\nkill -9 x{KILLS}: one run {full:.1f} s, kills at {min(moments):.1f}–"
          f"{max(moments):.1f} s; before the rerun: batches {cut}, {stored_before} sheets "
          f"stored; the rerun closed {actions.get('batch_interrupted', 0)} interrupted "
          f"batch(es), resumed {actions.get('batch_resumed', 0)}, completed "
          f"{actions.get('sheet_completed', 0)} sheet(s)")
    # and a second rerun changes nothing
    again = subprocess.run(_read_cmd(ws, everything), capture_output=True, text=True, env=env)
    assert again.returncode in (0, 10), again.stdout + again.stderr
    _check_consistent(ws, everything, KILLS)


def test_doctor_closes_a_killed_batch_as_interrupted_and_adopts_its_folder(scans):
    ws = _fresh_workspace(scans, "doctor")
    settings = api.load_settings(ws)
    work = ws / "exports" / "read" / "dead"
    work.mkdir(parents=True)
    (work / "crops").mkdir()
    crop = work / "crops" / "x.png"
    crop.write_bytes(b"png")
    stray = ws / "exports" / "read" / "stray"
    (stray / "overlays").mkdir(parents=True)
    (stray / "overlays" / "y.png").write_bytes(b"png")
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True)
    pid = int(dead.stdout)
    for d in (work, stray):
        (d / RUN_MARKER).write_text(json.dumps({"pid": pid, "host": os.uname().nodename}))
    with open_store(settings) as st:
        st.save_batch({"inputs": ["a.png"], "batch_dir": str(work), "pages": [
            {"file": "a.png", "page": 1, "outcome": "rejected", "reason": "no QR code",
             "sha256": "a" * 64}]}, [])
    con = _db(ws)
    report = json.loads(con.execute("select report from batches").fetchone()[0])
    report["owner"] = {"pid": pid, "host": os.uname().nodename}
    con.execute("update batches set status='running', report=?", (json.dumps(report),))
    con.commit()
    con.close()
    out = subprocess.run([sys.executable, "-m", "formkit.cli", "doctor", "-w", str(ws)],
                         capture_output=True, text=True, env={**os.environ, "COLUMNS": "200"})
    assert out.returncode == 0, out.stdout + out.stderr
    assert "interrupted" in out.stdout
    with open_store(settings) as st:
        (b,) = st.batches()
        assert (b.status, b.pages_total, b.rejected) == ("interrupted", 1, 1)
        assert st.audit_log(5)[0]["action"] == "batch_interrupted"
    assert crop.is_file() and not (work / RUN_MARKER).exists()
    assert not stray.exists()  # nothing in the database points there: removed
    # a live run's folder is never touched
    live = ws / "exports" / "read" / "live"
    live.mkdir()
    (live / RUN_MARKER).write_text(json.dumps({"pid": os.getpid(),
                                               "host": os.uname().nodename}))
    with open_store(settings) as st:
        assert recover(settings, st).removed == []
    assert live.is_dir()


@pytest.fixture
def tiny_disk(tmp_path):
    """A real 3 MB tmpfs (mounted when permitted: root in a container); else skipped."""
    mnt = tmp_path / "disk"
    mnt.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mnt)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    yield mnt
    subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


def test_full_disk_while_reading_exits_7_naming_folder_and_free_space_and_rerun_completes(
        scans, tiny_disk):
    ws = _fresh_workspace(scans, "fulldisk")
    folder = scans["folder"]
    out = tiny_disk / "work"
    filler = tiny_disk / "filler"
    filler.write_bytes(b"\0" * (3 * 1024 * 1024 - 96 * 1024))  # leave ~96 KB
    env = {**os.environ, "COLUMNS": "300"}
    done = subprocess.run(_read_cmd(ws, folder, "--out", str(out)), capture_output=True,
                          text=True, env=env)
    text = done.stdout + done.stderr
    assert done.returncode == 7, text
    assert "no space left" in text and str(tiny_disk) in text and "free" in text
    assert "Traceback" not in text
    assert not out.exists()  # the run's own folder went with it
    assert not [p for p in tiny_disk.iterdir() if p.name.startswith(".")]
    con = _db(ws)
    try:  # nothing half-stored
        assert con.execute("select count(*) from sheets").fetchone()[0] == 0
        assert con.execute("select count(*) from pages").fetchone()[0] == 0
        assert con.execute("select count(*) from batches where status='running'"
                           ).fetchone()[0] == 0
    finally:
        con.close()
    filler.unlink()
    again = subprocess.run(_read_cmd(ws, folder, "--out", str(out)), capture_output=True,
                           text=True, env=env)
    assert again.returncode in (0, 10), again.stdout + again.stderr
    con = _db(ws)
    try:
        assert con.execute("select count(*) from sheets where complete=1").fetchone()[0] == \
            COPIES
    finally:
        con.close()


def test_the_atomic_writer_leaves_the_old_file_when_the_disk_fills(tiny_disk):
    target = tiny_disk / "chart.png"
    target.write_bytes(b"good old chart")
    with pytest.raises(OutputError) as err:
        fsutil.write_bytes(target, b"x" * (4 * 1024 * 1024), what="chart")
    assert "no space left" in err.value.message and str(tiny_disk) in err.value.message
    assert target.read_bytes() == b"good old chart"
    assert [p.name for p in tiny_disk.iterdir()] == ["chart.png"]


def test_a_chart_killed_while_written_never_replaces_a_good_one(tmp_path):
    """kill -9 a process that writes a chart over and over: the file is always whole."""
    target = tmp_path / "chart.png"
    code = ("import sys; from pathlib import Path; from formkit import fsutil\n"
            "data = b'P' * 3_000_000\n"
            "while True: fsutil.write_bytes(Path(sys.argv[1]), data, what='chart')\n")
    fsutil.write_bytes(target, b"P" * 3_000_000)
    rng = random.Random(7)
    for _ in range(6):
        proc = subprocess.Popen([sys.executable, "-c", code, str(target)])
        time.sleep(rng.uniform(0.3, 0.9))
        proc.kill()
        proc.wait()
        assert target.stat().st_size == 3_000_000
    leftovers = [p for p in tmp_path.iterdir() if p.name != "chart.png"]
    assert len(leftovers) <= 6  # temporary names of killed writers, never the final name


def test_libreoffice_is_ended_and_its_profile_removed_when_formkit_is_killed(tmp_path):
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice not installed")
    from docx import Document

    doc = Document()
    for i in range(400):
        doc.add_paragraph(f"Đoạn {i}: " + "chữ tiếng Việt " * 40)
    src = tmp_path / "big.docx"
    doc.save(src)
    out = tmp_path / "formkit-report-x"
    code = ("import sys; from pathlib import Path\n"
            "from formkit._exec.soffice import convert_to_pdf\n"
            "convert_to_pdf([Path(sys.argv[1])], Path(sys.argv[2]))\n")
    proc = subprocess.Popen([sys.executable, "-c", code, str(src), str(out)])
    deadline = time.monotonic() + 30
    profile = None
    while time.monotonic() < deadline and profile is None:
        for _pid, cmd in _processes():
            if "formkit-lo-" in cmd and str(src) in cmd and "guard" not in cmd:
                profile = cmd.split("UserInstallation=file://")[1].split("\0")[0]
                break
        time.sleep(0.1)
    assert profile, "LibreOffice did not start"
    proc.kill()
    proc.wait()
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and any(profile in c for _p, c in _processes()):
        time.sleep(0.2)
    assert not any(profile in c for _p, c in _processes()), "LibreOffice outlived formkit"
    assert not Path(profile).exists() and not out.exists()


def _processes() -> list[tuple[int, str]]:
    out = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                out.append((int(d.name), (d / "cmdline").read_bytes().decode(errors="replace")))
            except OSError:
                pass
    return out


def test_a_page_rejected_for_an_internal_error_is_read_again_and_completes_its_sheet(
        scans, monkeypatch):
    from formkit.scan import batch as scan_batch

    ws = _fresh_workspace(scans, "retry")
    settings = api.load_settings(ws)
    real = scan_batch.BatchReader._read_fields

    def broken_on_page_2(self, *args):
        if args[-1].page == 2:  # the page's identity
            raise RuntimeError("simulated bug")
        return real(self, *args)

    monkeypatch.setattr(scan_batch.BatchReader, "_read_fields", broken_on_page_2)
    # one process: the patched reader must be the one that reads
    first = api.read(settings, [scans["folder"]], ocr=False, jobs=1)
    assert first.count("rejected") == COPIES
    with open_store(settings) as st:
        assert [s.complete for s in st.sheets()] == [False] * COPIES
    monkeypatch.setattr(scan_batch.BatchReader, "_read_fields", real)
    api.read(settings, [scans["folder"]], ocr=False, jobs=1)
    with open_store(settings) as st:
        sheets = st.sheets()
        assert [s.complete for s in sheets] == [True] * COPIES
        assert all(s.statuses["c5.muc_do_hai_long"] == "ok" for s in sheets)
        assert {p["outcome"] for p in st.pages()} == {"read"}
        assert len(st.pages()) == 2 * COPIES
        assert [b.status for b in st.batches()] == ["finished", "finished"]


def _tiny_docx(path: Path) -> Path:
    from docx import Document

    doc = Document()
    doc.add_paragraph("Báo cáo kết quả khảo sát")
    doc.save(path)
    return path


def test_a_pdf_on_a_full_disk_is_blamed_on_the_disk_not_on_libreoffice(tiny_disk, tmp_path):
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice not installed")
    from formkit._exec.soffice import convert_to_pdf

    src = _tiny_docx(tmp_path / "bao_cao.docx")
    (tiny_disk / "filler").write_bytes(b"\0" * (3 * 1024 * 1024 - 8 * 1024))
    with pytest.raises(OutputError) as err:
        convert_to_pdf([src], tiny_disk / "pdf")
    assert err.value.exit_code == 7
    assert err.value.code == "error.soffice.disk_full"
    assert "Không đủ chỗ trên đĩa" in err.value.message
    assert str(tiny_disk / "pdf") in err.value.message
    assert not list((tiny_disk / "pdf").glob("*.pdf"))


def test_libreoffice_failing_on_a_document_is_told_apart_from_missing(tmp_path, monkeypatch):
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice not installed")
    from formkit._exec.soffice import convert_to_pdf
    from formkit.errors import ExternalProgramError

    broken = tmp_path / "hong.docx"
    broken.write_bytes(b"PK\x03\x04 this is not a document")
    with pytest.raises(ExternalProgramError) as err:
        convert_to_pdf([broken], tmp_path / "out")
    assert err.value.code == "error.soffice.failed"
    assert "LibreOffice không chuyển được hong.pdf" in err.value.message
    assert "failed to convert hong.pdf" in err.value.text("en")
    assert "đã cài nhưng lỗi" in err.value.hint
    monkeypatch.setenv("FORMKIT_SOFFICE", "/nonexistent/soffice")
    with pytest.raises(ExternalProgramError) as err:
        convert_to_pdf([broken], tmp_path / "out")
    assert err.value.code == "error.exec.override_missing"
    assert "không có chương trình đó" in err.value.message


def test_full_disk_under_the_database_exits_7_stores_nothing_half_and_rerun_completes(
        scans, tmp_path):
    mnt = tmp_path / "dbdisk"
    mnt.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", str(mnt)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        ws = mnt / "ws"
        shutil.copytree(_fresh_workspace(scans, "dbfull"), ws)
        env = {**os.environ, "COLUMNS": "300"}
        # the database exists and is migrated before the disk fills
        assert subprocess.run([sys.executable, "-m", "formkit.cli", "doctor", "-w", str(ws)],
                              capture_output=True, env=env).returncode == 0
        free = shutil.disk_usage(mnt).free
        filler = mnt / "filler"
        filler.write_bytes(b"\0" * (free - 160 * 1024))  # room for about one sheet
        out = tmp_path / "work"  # crops and overlays on another disk: only the DB is full
        first = subprocess.run(_read_cmd(ws, scans["folder"], "--out", str(out)),
                               capture_output=True, text=True, env=env)
        text = first.stdout + first.stderr
        assert first.returncode == 7, text
        assert "no space left" in text and str(ws) in text and "Traceback" not in text
        filler.unlink()
        con = _db(ws)
        try:  # the run died while storing: whole sheets only, its batch not finished
            print("\nafter the full disk:", con.execute(
                "select status, sheets_added from batches").fetchall(),
                con.execute("select count(*) from sheets").fetchone()[0], "sheet(s),",
                con.execute("select count(*) from pages").fetchone()[0], "page(s)")
            assert con.execute("select count(*) from batches where status='finished'"
                               ).fetchone()[0] == 0
            sheets = con.execute("select count(*) from sheets").fetchone()[0]
            assert con.execute("select count(*) from pages").fetchone()[0] == 2 * sheets
        finally:
            con.close()
        again = subprocess.run(_read_cmd(ws, scans["folder"], "--out", str(out)),
                               capture_output=True, text=True, env=env)
        assert again.returncode in (0, 10), again.stdout + again.stderr
        con = _db(ws)
        try:
            assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            assert con.execute("select count(*) from sheets where complete=1").fetchone()[0] \
                == COPIES
            assert con.execute("select count(*) from batches where status='running'"
                               ).fetchone()[0] == 0
            assert con.execute("select count(*) from pages").fetchone()[0] == 2 * COPIES
        finally:
            con.close()
    finally:
        subprocess.run(["umount", "-l", str(mnt)], capture_output=True)
