"""Archive verbs: seal a year's records, verify an archive, retention dates, disposal."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from formkit.app import _audit
from formkit.app._session import session
from formkit.archive import (
    DisposalResult,
    RetentionEntry,
    VerifyReport,
    archive_dir,
    dispose,
    retention_status,
    seal,
    verify,
)
from formkit.archive.manifest import MANIFEST, read_manifest
from formkit.config import Settings
from formkit.store import Store

__all__ = ["DisposalResult", "RetentionEntry", "SealResult", "VerifyReport", "dispose_year",
           "is_sealed", "retention", "seal_year", "verify_archive", "verify_year"]


@dataclass(frozen=True)
class SealResult:
    folder: Path
    files: dict[str, list[Path]]  # what was given to the archive, by category
    manifest: dict[str, Any]

    @property
    def count(self) -> int:
        return sum(len(v) for v in self.files.values())


def seal_year(settings: Settings, year: int, actor: str | None, *,
              extra: dict[str, list[Path]] | None = None, use_store: bool = True,
              replace: bool = False, store: Store | None = None,
              audit_as: str | None = None) -> SealResult:
    """Seal `year`: register, summary, report, sheet data, scans and review files (plus
    `extra`) copied into exports/<year>/archive with manifest.json. A sealed year is final,
    so it is refused (RefusedError) while a reading of it waits for review; use_store=False
    seals the files on disk only, without reading the database."""
    # imported here: they load the report's matplotlib, which the command line's start
    # does not need
    from formkit.archive.collect import collect_year_files
    from formkit.export.annual import refuse_pending

    with tempfile.TemporaryDirectory(prefix="formkit-seal-") as scratch:
        if not use_store:
            files = collect_year_files(settings, year)
            for category, paths in (extra or {}).items():
                files.setdefault(category, []).extend(paths)
            folder = seal(settings, year, files, replace=replace)
        else:
            with session(settings, store) as st:
                refuse_pending(st, year, "error.archive.pending_review",
                               "hint.archive.finish_review")
                files = collect_year_files(settings, year, st, Path(scratch))
                for category, paths in (extra or {}).items():
                    files.setdefault(category, []).extend(paths)
                folder = seal(settings, year, files, replace=replace)
                result = SealResult(folder, files, read_manifest(folder)[1])
                _audit.record(st, audit_as, actor, year=year, files=result.count,
                              categories=sorted(files), replace=replace)
                return result
    return SealResult(folder, files, read_manifest(folder)[1])


def verify_archive(path: Path, settings: Settings | None = None) -> VerifyReport:
    """Every file of an archive folder (or its manifest.json) against the manifest. Needs no
    workspace: an archive copied elsewhere is verified as it stands."""
    return verify(path, settings)


def verify_year(settings: Settings, year: int, actor: str | None, *,
                store: Store | None = None, audit_as: str | None = None) -> VerifyReport:
    """verify_archive for the workspace's archive of `year`, with its audit entry."""
    rep = verify(archive_dir(settings, year))
    if audit_as is not None:
        with session(settings, store) as st:
            _audit.record(st, audit_as, actor, year=year, ok=rep.ok, changed=len(rep.changed),
                          missing=len(rep.missing), added=len(rep.added))
    return rep


def sealed_archives(settings: Settings) -> list[Path]:
    """The folders of every sealed archive of the workspace."""
    return [m.parent for m in sorted(settings.exports_dir.glob(f"*/archive/{MANIFEST}"))]


def is_sealed(settings: Settings, year: int) -> bool:
    return (archive_dir(settings, year) / MANIFEST).exists()


def retention(settings: Settings, on: date | None = None) -> list[RetentionEntry]:
    """Sealed years with their retention dates and whether they are due for disposal."""
    return retention_status(settings, on)


def dispose_year(settings: Settings, year: int, confirm: str, actor: str, *,
                 remove_originals: bool = False, today: date | None = None,
                 store: Store | None = None) -> DisposalResult:
    """Destroy the personal-data records of an expired year (files and database rows) and
    write the biên bản hủy; `confirm` is the year typed again, `actor` the operator."""
    with session(settings, store) as st:
        return dispose(settings, year, confirm, today or date.today(),
                       anonymize=st.anonymize_year, remove_sources=remove_originals,
                       operator=actor, store=st)


def backup_database(settings: Settings, out: Path | None = None) -> Path:
    """A copy of the database (safe while formkit runs); returns the file written."""
    from formkit.store.backup import backup

    return backup(settings, out)


def restore_database(settings: Settings, source: Path) -> Path:
    """Replace the database with a backup; the current one is backed up first (returned)."""
    from formkit.store.backup import restore

    return restore(settings, source)
