"""Intake verbs: read returned surveys (scans, PDFs, filled DOCX) into the store. The command
line reads and stores in one call (read); the web app reads in a separate process
(read_pages) and stores the batch in its job runner (store_batch), so that the audit log
names the uploader."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from formkit.app._session import session
from formkit.catalogue import Message, say
from formkit.config import Settings
from formkit.errors import InputError
from formkit.fsutil import write_json
from formkit.notes import reason_stored
from formkit.store import Store, fingerprints, open_store
from formkit.store.batches import claim_folder, close_own_batches, recover, unmark_run

if TYPE_CHECKING:  # the reader loads OpenCV: imported when a verb reads, not at start-up
    from formkit.scan.batch import BatchReport

__all__ = ["blank_page_reason", "file_kind", "known_pages", "read", "read_pages",
           "store_batch"]


def blank_page_reason() -> Message:
    """The rejection reason of a blank page (the back of a two-sided scan)."""
    from formkit.scan.batch import BLANK_PAGE

    return BLANK_PAGE


def file_kind(head: bytes) -> str | None:
    """What the first bytes of a file say it is ("pdf", "png", …), or None: not a scan."""
    from formkit.scan.load import sniff

    return sniff(head)


@contextmanager
def _work_folder(out_dir: Path | None, stored: list[bool]) -> Iterator[None]:
    """Claim the run's work folder; if the run fails before anything was stored, the folder
    it created is removed (scratch never outlives a failed run)."""
    if out_dir is None:
        yield
        return
    created = claim_folder(out_dir)
    try:
        yield
    except BaseException:
        if created and not stored[0]:
            shutil.rmtree(out_dir, ignore_errors=True)
        raise
    unmark_run(out_dir)


def read(settings: Settings, paths: list[Path], received: date | None = None,
         unit: str | None = None, out_dir: Path | None = None, ocr: bool = True,
         store: bool = True, progress: Callable | None = None, jobs: int | None = None,
         actor: str | None = None) -> BatchReport:
    """Read returned surveys; store the batch unless store=False. Returns the BatchReport.
    Batches of earlier runs that were killed are closed first (see formkit.store.batches).
    jobs: worker processes reading pages (default: one per core; 1 reads in this process).
    actor: who is named in the audit log (None: the operating-system user)."""
    from formkit.scan import read_paths
    from formkit.scan.batch import default_jobs

    if unit:
        settings.unit(unit)  # unknown codes fail early with the list of known ones
    if jobs is not None and jobs < 1:
        raise InputError(say("error.read.jobs", jobs=jobs), hint=say("hint.read.jobs"))
    jobs = jobs or default_jobs()
    stored = [False]
    notes: list[str] = []
    with _work_folder(out_dir, stored):
        if not store:
            report = read_paths(settings, paths, received, unit, out_dir, ocr=ocr,
                                progress=progress, jobs=jobs)
        else:
            # pages read in earlier batches are duplicates, not counted twice
            with open_store(settings) as st:
                notes = recover(settings, st).describe()
                known = st.known_pages()
                legacy_known = fingerprints.known(st)  # pages without a serial
            report = read_paths(settings, paths, received, unit, out_dir, ocr=ocr,
                                progress=progress, known_pages=known, jobs=jobs,
                                legacy_known=legacy_known)
            data = _for_store(report)
            if out_dir is not None:
                data["batch_dir"] = str(out_dir)
            with open_store(settings) as st:
                stored[0] = True
                try:
                    batch_id = st.save_batch(data, report.sheets, actor=actor)
                    fingerprints.save(st, batch_id, report.legacy_fingerprints)
                except BaseException:
                    close_own_batches(st)
                    raise
        report.notes = notes
        if out_dir is not None:
            write_json(out_dir / "batch.json", report.to_json())
    return report


def read_pages(settings: Settings, paths: list[Path], received: date | None, unit: str | None,
               out_dir: Path, ocr: bool, known: set[tuple] | None, progress: Any,
               jobs: int | None = None) -> BatchReport:
    """What `read` does before storing (pages read in earlier batches, `known`, are
    duplicates; batch.json beside the overlays), without storing."""
    from formkit.scan import read_paths
    from formkit.scan.batch import default_jobs

    report = read_paths(settings, paths, received, unit, out_dir, ocr=ocr, progress=progress,
                        known_pages=known, jobs=jobs or default_jobs())
    write_json(out_dir / "batch.json", report.to_json())
    return report


def known_pages(settings: Settings, *, store: Store | None = None) -> set[tuple]:
    """The pages read in earlier batches (a page read again is a duplicate)."""
    with session(settings, store) as st:
        return st.known_pages()


def store_batch(settings: Settings, report: BatchReport, actor: str | None, *,
                store: Store | None = None) -> int:
    """Store a batch read by read_pages; returns its id."""
    with session(settings, store) as st:
        batch_id = st.save_batch(_for_store(report), report.sheets, actor=actor)
        fingerprints.save(st, batch_id, getattr(report, "legacy_fingerprints", []))
        return batch_id


def _for_store(report: BatchReport) -> dict[str, Any]:
    """The batch report as the store keeps it: each page's reason as its code and
    parameters (Message.dumps), rendered by every face through the catalogue."""
    data = report.to_json()
    for stored, page in zip(data["pages"], report.pages, strict=True):
        stored["reason"] = reason_stored(page.reason)
    return data


@dataclass(frozen=True)
class Repair:
    lines: list[str]  # what was repaired, one line each (Vietnamese)
    running: list[int]  # batches whose run is still alive, left alone


def repair(settings: Settings) -> Repair:
    """Close batches of killed runs, adopt or remove their work folders, remove left-over
    scratch folders; a live run is left alone."""
    from formkit.store.batches import sweep_scratch

    with session(settings) as st:
        rec = recover(settings, st)
        running = [b.id for b in st.batches() if b.status == "running"]
    swept = sweep_scratch(settings)
    lines = rec.describe()
    if swept:
        lines.append(f"Thư mục tạm bỏ lại đã xóa: {len(swept)}")
    return Repair(lines, running)
