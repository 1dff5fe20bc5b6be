"""Scan batches of the web app, read one after the other by a background thread.

A request only checks and keeps the uploaded files, writes the job file and returns; the
worker thread has the pages read the way formkit.app.intake.read reads them (read_batch below) in a
child process and stores the batch with the uploader as actor. The page polls the job's progress
once a second.

Why a child process: reading is CPU work in Python, OpenCV and pdfium. In a thread it would
hold the interpreter lock long enough to slow every page of the app for everyone; in its own
process it cannot, and a file that crashes a native library ends that process, not the
server (the job then says so, and the files are kept for another try). The processes come
from a fork server that has the scan stage loaded, so a job starts in milliseconds.

Each job has its folder exports/read/<job id>/ with web_job.json (state, files, the names
the user gave) beside the scan stage's batch.json, overlays and crops. A job that was
queued or running when the server stopped is shown as interrupted and can be read again:
the uploaded files are kept, and storing a batch twice adds nothing twice.
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import queue
import re
import secrets
import threading
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from formkit.app import intake
from formkit.app.workspace import Store
from formkit.catalogue import say
from formkit.config import Settings
from formkit.errors import FormkitError
from formkit.web.messages import error_vn

_MP = multiprocessing.get_context("forkserver")
# loaded once by the fork server, so each reading process starts ready
_MP.set_forkserver_preload(["formkit.web.jobs", "formkit.scan.batch"])


def start_fork_server() -> None:
    """Start the fork server now (about a second of imports) rather than on first upload."""
    from multiprocessing import forkserver

    forkserver.ensure_running()


def read_batch(settings: Settings, paths: list[Path], received: date | None, unit: str | None,
               out_dir: Path, ocr: bool, known_pages: set[tuple] | None,
               progress: Any) -> Any:
    """formkit.app.intake.read_pages (pages analysed in worker processes, one per core),
    without storing: the worker stores the batch itself so that the audit log names the
    uploader, not the server's account."""
    return intake.read_pages(settings, paths, received, unit, out_dir, ocr, known_pages,
                             progress)


def _read_in_child(settings: Settings, paths: list[Path], received: date | None,
                   unit: str | None, out_dir: Path, ocr: bool, known_pages: set[tuple],
                   conn: Any) -> None:
    """Runs in the reading process: progress messages, then the report (or the error)."""
    def progress(done: int, total: int, outcome: Any) -> None:
        conn.send(("progress", done, total, getattr(outcome, "outcome", None)))

    # a daemon process may not start processes: this one starts the page readers, which
    # end with it (the server still kills this process when it stops)
    multiprocessing.current_process().daemon = False

    try:
        report = read_batch(settings, paths, received, unit, out_dir, ocr, known_pages,
                            progress)
        conn.send(("done", report))
    except FormkitError as exc:
        conn.send(("error", error_vn(exc)))
    except BaseException as exc:  # anything else ends this process, never the server
        conn.send(("crash", repr(exc)))
    finally:
        conn.close()


log = logging.getLogger("formkit.web")

JOB_FILE = "web_job.json"
_JOB_ID = re.compile(r"^web-\d{8}-\d{6}-[0-9a-f]{6}$")


@dataclass
class ScanJob:
    id: str
    user: str
    created: str
    files: list[dict[str, Any]]  # SavedUpload as dicts (path, original, kind, size, pages)
    received: str | None = None  # ISO date given by the user
    unit: str | None = None
    ocr: bool = True
    state: str = "queued"  # queued, running, finished, failed (interrupted: see runner)
    done: int = 0
    total: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)  # read/duplicate/rejected so far
    started: str | None = None
    finished: str | None = None
    error: str = ""
    batch_id: int | None = None
    retry_of: str | None = None

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 0

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ScanJob:
        known = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in data.items() if k in known})


def new_job_id() -> str:
    return f"web-{datetime.now():%Y%m%d-%H%M%S}-{secrets.token_hex(3)}"


class JobRunner:
    """One worker thread, jobs in arrival order. Two batches at once would only compete
    for the two cores and for the database's write lock."""

    def __init__(self, settings: Settings, store: Store, isolate: bool = True):
        self.settings = settings
        self.store = store
        #: read in a child process (the server); False reads in the worker thread
        self.isolate = isolate
        self.root = settings.exports_dir / "read"
        self._jobs: dict[str, ScanJob] = {}
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    # ---- files ---------------------------------------------------------------------------
    def folder(self, job_id: str) -> Path:
        if not _JOB_ID.match(job_id):
            raise KeyError(job_id)
        return self.root / job_id

    def _save(self, job: ScanJob) -> None:
        folder = self.folder(job.id)
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / (JOB_FILE + ".part")
        with self._lock:
            data = json.dumps(job.to_json(), ensure_ascii=False, indent=1)
        tmp.write_text(data, encoding="utf-8")
        tmp.replace(folder / JOB_FILE)

    def _load(self, job_id: str) -> ScanJob | None:
        try:
            path = self.folder(job_id) / JOB_FILE
            return ScanJob.from_json(json.loads(path.read_text(encoding="utf-8")))
        except (KeyError, OSError, ValueError, TypeError):
            return None

    # ---- queries -------------------------------------------------------------------------
    def get(self, job_id: str) -> ScanJob | None:
        with self._lock:
            job = self._jobs.get(job_id)
        if job is not None:
            return job
        job = self._load(job_id)
        if job is not None and job.state in ("queued", "running"):
            job.state = "interrupted"  # not in this process: the server stopped meanwhile
        return job

    def recent(self, limit: int = 15) -> list[ScanJob]:
        if not self.root.is_dir():
            return []
        names = sorted((p.name for p in self.root.glob("web-*") if _JOB_ID.match(p.name)),
                       reverse=True)[:limit]
        return [j for j in (self.get(n) for n in names) if j is not None]

    def batch_report(self, job: ScanJob) -> dict[str, Any] | None:
        """The scan stage's batch.json of a finished job (every page's outcome)."""
        try:
            return json.loads((self.folder(job.id) / "batch.json").read_text(encoding="utf-8"))
        except (KeyError, OSError, ValueError):
            return None

    # ---- running -------------------------------------------------------------------------
    def submit(self, job: ScanJob) -> ScanJob:
        job.total = job.total or sum(int(f.get("pages") or 1) for f in job.files)
        with self._lock:
            self._jobs[job.id] = job
        self._save(job)
        self._ensure_worker()
        self._queue.put(job.id)
        return job

    def _ensure_worker(self) -> None:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._work, name="formkit-scan",
                                                daemon=True)
                self._thread.start()

    def _work(self) -> None:
        while True:
            job_id = self._queue.get()
            if job_id is None:
                return
            with self._lock:
                job = self._jobs.get(job_id)
            if job is not None:
                self._run(job)

    def start(self) -> None:
        """Get ready before the first upload: the worker thread and the fork server."""
        self._ensure_worker()
        if self.isolate:
            start_fork_server()

    def stop(self) -> None:
        self._queue.put(None)

    def wait_idle(self, timeout: float = 60.0) -> bool:
        """For tests and benchmarks: True once no job is queued or running."""
        import time

        end = time.monotonic() + timeout
        while time.monotonic() < end:
            with self._lock:
                busy = any(j.state in ("queued", "running") for j in self._jobs.values())
            if not busy:
                return True
            time.sleep(0.05)
        return False

    def _run(self, job: ScanJob) -> None:
        with self._lock:
            job.state, job.started = "running", datetime.now().isoformat(timespec="seconds")
        self._save(job)

        def progress(done: int, total: int, outcome: Any) -> None:
            with self._lock:
                job.done, job.total = done, max(total, done)
                kind = getattr(outcome, "outcome", None)
                if kind:
                    job.outcomes[kind] = job.outcomes.get(kind, 0) + 1

        try:
            received = date.fromisoformat(job.received) if job.received else None
            paths = [Path(f["path"]) for f in job.files]
            known = intake.known_pages(self.settings, store=self.store)
            if self.isolate:
                report = self._read_isolated(job, paths, received, known, progress)
            else:
                report = read_batch(self.settings, paths, received, job.unit,
                                    self.folder(job.id), job.ocr, known, progress)
            batch_id = intake.store_batch(self.settings, report, job.user, store=self.store)
            counts = report.to_json()["counts"]
            with self._lock:
                job.batch_id = batch_id
                job.done = job.total = max(job.total, len(report.pages))
                job.outcomes = {k: counts.get(k, 0) for k in ("read", "duplicate", "rejected")}
                job.state = "finished"
        except FormkitError as exc:
            with self._lock:
                job.state, job.error = "failed", error_vn(exc)
        except Exception as exc:  # a bug must not kill the worker; the job says what failed
            log.exception("scan job %s failed", job.id)
            with self._lock:
                job.state = "failed"
                job.error = f"Lỗi nội bộ: {exc!r}. Các tệp đã tải lên vẫn được giữ; bấm “Đọc lại”."
        with self._lock:
            job.finished = datetime.now().isoformat(timespec="seconds")
        self._save(job)

    def _read_isolated(self, job: ScanJob, paths: list[Path], received: date | None,
                       known_pages: set[tuple], progress: Any) -> Any:
        receiver, sender = _MP.Pipe(duplex=False)
        proc = _MP.Process(target=_read_in_child, name=f"formkit-read-{job.id}", daemon=True,
                           args=(self.settings, paths, received, job.unit, self.folder(job.id),
                                 job.ocr, known_pages, sender))
        proc.start()
        sender.close()  # the child holds the only sending end: EOF means it has gone
        try:
            while True:
                try:
                    message = receiver.recv()
                except EOFError:
                    raise FormkitError(
                        say("error.web.reader_died", exitcode=proc.exitcode)) from None
                kind = message[0]
                if kind == "progress":
                    _, done, total, outcome = message
                    progress(done, total, _Outcome(outcome))
                elif kind == "done":
                    return message[1]
                elif kind == "error":
                    raise FormkitError(message[1])
                else:
                    raise FormkitError(say("error.web.reader_internal", detail=message[1]))
        finally:
            receiver.close()
            proc.join(10)
            if proc.is_alive():
                proc.kill()


@dataclass
class _Outcome:
    outcome: str | None
