"""The life cycle of a read batch: running → finished, or interrupted when its process died.

A run marks its work folder (exports/read/<time>/) with RUN_MARKER naming its process, and
the store records the same owner on the batch row. The next run (and `formkit doctor`)
closes every `running` batch whose process is gone as `interrupted`, with the counts of
what it did store, and deals with the work folders of dead runs: a folder that the database
points to (crops, overlays of stored sheets) is adopted, any other is removed. A folder of
a live run is never touched.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from formkit import fsutil

if TYPE_CHECKING:
    from formkit.config import Settings
    from formkit.store.core import Store

RUN_MARKER = ".formkit-run.json"
BATCH_JSON = "batch.json"
WEB_JOB_FILE = "web_job.json"  # formkit.web.jobs.JOB_FILE (the web app is not imported here)
#: an unmarked work folder younger than this may belong to a run that is starting
STARTING_GRACE_S = 60.0
#: suffix of a work folder being created (renamed to its final name once marked)
STARTING = ".starting"


def _proc_start(pid: int) -> str:
    """Start time of a process (clock ticks since boot) to tell a reused pid apart."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat.rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return ""


def owner() -> dict[str, Any]:
    pid = os.getpid()
    return {"pid": pid, "host": socket.gethostname(), "start": _proc_start(pid)}


def owner_alive(who: dict[str, Any] | None) -> bool:
    """True when the process that wrote `who` still runs (or it cannot be told: another
    computer shares the database, so its batch is left alone)."""
    if not who or not who.get("pid"):
        return False
    if who.get("host") and who["host"] != socket.gethostname():
        return True
    pid = int(who["pid"])
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    start = who.get("start")
    return not start or _proc_start(pid) in ("", start)


def claim_folder(folder: Path) -> bool:
    """Create the work folder already marked with this process as its owner (made under a
    temporary name, then renamed, so no unmarked folder ever exists); an existing folder is
    marked in place. True when the folder was created here."""
    folder = Path(folder)
    if folder.exists():
        fsutil.write_json(folder / RUN_MARKER, owner(), what="run marker")
        return False
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", suffix=STARTING,
                                    dir=folder.parent))
    except OSError as exc:
        raise fsutil.output_error(folder / RUN_MARKER, exc, "folder") from exc
    try:
        fsutil.write_json(tmp / RUN_MARKER, owner(), what="run marker")
        os.rename(tmp, folder)
    except FileExistsError:  # another run took the same name this second: share it
        shutil.rmtree(tmp, ignore_errors=True)
        fsutil.write_json(folder / RUN_MARKER, owner(), what="run marker")
        return False
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        if folder.is_dir():  # rename over an existing empty folder fails with ENOTEMPTY
            fsutil.write_json(folder / RUN_MARKER, owner(), what="run marker")
            return False
        raise fsutil.output_error(folder / RUN_MARKER, exc, "folder") from exc
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return True


def unmark_run(folder: Path) -> None:
    try:
        (folder / RUN_MARKER).unlink()
    except FileNotFoundError:
        pass
    except OSError as exc:
        raise fsutil.output_error(folder / RUN_MARKER, exc) from exc


@dataclass
class Recovery:
    interrupted: list[int] = field(default_factory=list)  # batch ids closed now
    adopted: list[str] = field(default_factory=list)  # work folders kept (DB points there)
    removed: list[str] = field(default_factory=list)  # work folders of dead runs deleted
    freed_bytes: int = 0

    @property
    def anything(self) -> bool:
        return bool(self.interrupted or self.adopted or self.removed)

    def describe(self) -> list[str]:
        out = []
        if self.interrupted:
            out.append("Đợt đọc bị ngắt được đóng (interrupted): "
                       + ", ".join(f"#{b}" for b in self.interrupted))
        if self.adopted:
            out.append(f"Thư mục làm việc được giữ lại (có dữ liệu đã lưu): {len(self.adopted)}")
        if self.removed:
            out.append(f"Thư mục làm việc bỏ dở đã xóa: {len(self.removed)} "
                       f"({fsutil.human_bytes(self.freed_bytes)})")
        return out


def close_dead_batches(store: Store) -> list[int]:
    """Mark every running batch whose process is gone as interrupted; return their ids."""
    from sqlalchemy import select

    from formkit.store.core import loads, now
    from formkit.store.models import Batch

    closed = []
    with store.write_session() as s:
        for b in s.scalars(select(Batch).where(Batch.status == "running")).all():
            meta = loads(b.report) or {}
            if owner_alive(meta.get("owner")):
                continue
            store.recount_batch(s, b)
            b.status = "interrupted"
            b.finished = now()
            store.audit(s, "batch_interrupted", None, batch=b.id, pages=b.pages_total,
                        sheets=b.sheets_added, owner=(meta.get("owner") or {}).get("pid"))
            closed.append(b.id)
    return closed


def close_own_batches(store: Store) -> list[int]:
    """Mark this process's running batches interrupted (its run is failing); best effort:
    the next run closes them anyway when the database cannot be written now."""
    from sqlalchemy import select

    from formkit.errors import FormkitError
    from formkit.store.core import loads, now
    from formkit.store.models import Batch

    me, closed = owner(), []
    try:
        with store.write_session() as s:
            for b in s.scalars(select(Batch).where(Batch.status == "running")).all():
                if (loads(b.report) or {}).get("owner") != me:
                    continue
                store.recount_batch(s, b)
                b.status, b.finished = "interrupted", now()
                store.audit(s, "batch_interrupted", None, batch=b.id, pages=b.pages_total,
                            sheets=b.sheets_added, owner=me["pid"])
                closed.append(b.id)
    except (FormkitError, OSError):
        pass
    return closed


def _referenced_folders(store: Store, root: Path) -> set[Path]:
    """Work folders under `root` that stored rows point into (batch folders, crops,
    overlays)."""
    from sqlalchemy import select

    from formkit.store.core import loads
    from formkit.store.models import Batch, Page, ReviewItem

    found: set[Path] = set()
    root = root.resolve()

    def add(path: str | None) -> None:
        if not path:
            return
        try:
            rel = Path(path).resolve().relative_to(root)
        except ValueError:
            return
        if rel.parts:
            found.add(root / rel.parts[0])

    with store.read_session() as s:
        for (text,) in s.execute(select(Batch.report)).all():
            add((loads(text) or {}).get("batch_dir"))
        for crop, overlay in s.execute(select(ReviewItem.crop_path, ReviewItem.overlay_path)):
            add(crop)
            add(overlay)
        for (overlay,) in s.execute(select(Page.overlay).where(Page.overlay.is_not(None))):
            add(overlay)
    return found


def _size(folder: Path) -> int:
    total = 0
    for p in folder.rglob("*"):
        try:
            if p.is_file():
                total += p.stat().st_size
        except OSError:
            pass
    return total


def _age_s(folder: Path) -> float:
    import time

    try:
        return time.time() - folder.stat().st_mtime
    except OSError:
        return 0.0


def recover(settings: Settings, store: Store | None = None) -> Recovery:
    """Close the batches of dead runs and adopt or remove their work folders."""
    rec = Recovery()
    if store is not None:
        rec.interrupted = close_dead_batches(store)
    root = settings.exports_dir / "read"
    if not root.is_dir():
        return rec
    referenced: set[Path] | None = None
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        marker = folder / RUN_MARKER
        if folder.name.startswith(".") and folder.name.endswith(STARTING):
            if not marker.exists() and _age_s(folder) < 5.0:
                continue  # being created this instant (the marker follows within ms)
            try:
                who = json.loads(marker.read_text(encoding="utf-8"))
            except (OSError, ValueError, UnicodeDecodeError):
                who = None
            if not owner_alive(who):
                shutil.rmtree(folder, ignore_errors=True)
            continue
        if marker.exists():
            try:
                who = json.loads(marker.read_text(encoding="utf-8"))
            except (OSError, ValueError, UnicodeDecodeError):
                who = None  # half-written marker: its run died while starting
            if owner_alive(who):
                continue
        elif (folder / BATCH_JSON).exists() or (folder / WEB_JOB_FILE).exists():
            continue  # a finished run's folder, or a web job's (the web app keeps those)
        elif _age_s(folder) < STARTING_GRACE_S:
            continue  # a run may be between creating its folder and marking it
        if referenced is None:
            referenced = (_referenced_folders(store, root) if store is not None else set())
        if folder.resolve() in referenced:
            # the database points here: keep the files, record that the run was cut off
            fsutil.write_json(folder / BATCH_JSON, {
                "adopted": True, "note": "the run that wrote this folder was killed; the "
                "database points to its images, so they are kept"}, what="batch report")
            if marker.exists():
                marker.unlink()
            rec.adopted.append(str(folder))
            continue
        size = _size(folder)
        shutil.rmtree(folder, ignore_errors=True)
        if not folder.exists():
            rec.removed.append(str(folder))
            rec.freed_bytes += size
    return rec


#: scratch folders formkit makes inside the workspace (report and PDF conversions)
SCRATCH_PREFIXES = ("formkit-report-", "formkit-pdf-", ".archive-")
#: a scratch folder older than this is left over from a run that died
SCRATCH_STALE_S = 3600.0


def sweep_scratch(settings: Settings) -> list[str]:
    """Remove scratch folders of dead runs under the workspace's exports folder."""
    removed = []
    root = settings.exports_dir
    if not root.is_dir():
        return removed
    for p in root.rglob("*"):
        if p.is_dir() and p.name.startswith(SCRATCH_PREFIXES) and _age_s(p) > SCRATCH_STALE_S:
            shutil.rmtree(p, ignore_errors=True)
            if not p.exists():
                removed.append(str(p))
    return removed
