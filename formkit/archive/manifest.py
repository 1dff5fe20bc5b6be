"""Seal a year's records into one folder with a manifest of SHA-256 sums, and verify it.

A sealed archive is `exports/<year>/archive/`: one sub-folder per category (register,
summary, report, sheets, scans, review …) holding copies of the inputs, and `manifest.json`
with each file's size, SHA-256, category, whether it holds personal data, and the retention
dates. The inputs are only read, never changed. Verification finds every changed, missing
or added file; files destroyed by a recorded disposal are expected to be missing.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from formkit.config import Settings
from formkit.errors import InputError, OutputError, RefusedError

FORMAT = "formkit-archive/1"
MANIFEST = "manifest.json"
DISPOSAL = "disposal.json"
CHUNK = 1 << 20

#: category → (Vietnamese name for the disposal record, holds personal data).
#: Unknown categories are treated as personal: at disposal, keeping too little is
#: recoverable from nothing, keeping a name is a breach (Nghị định 13/2023).
CATEGORIES: dict[str, tuple[str, bool]] = {
    "register": ("Sổ ghi nhận ý kiến của khách hàng", True),
    "sheets": ("Dữ liệu phiếu khảo sát (XLSX, CSV)", True),
    "scans": ("Bản quét phiếu khảo sát gốc", True),
    "review": ("Lịch sử duyệt phiếu", True),
    "summary": ("Bảng tổng hợp kết quả khảo sát", False),
    "report": ("Báo cáo kết quả khảo sát", False),
}


def category_name(category: str) -> str:
    return CATEGORIES.get(category, (category, True))[0]


def is_personal(category: str) -> bool:
    return CATEGORIES.get(category, (category, True))[1]


def archive_dir(settings: Settings, year: int) -> Path:
    return settings.exports_dir / str(year) / "archive"


def retain_until(year: int, retention_years: int) -> date:
    """Last day a record of `year` must be kept: 31 Dec of year + retention (the period
    counts from the end of the year the record was closed)."""
    return date(year + retention_years, 12, 31)


def dispose_from(year: int, retention_years: int) -> date:
    """First day it may be destroyed: a 2026 register kept 3 years → 1 January 2030."""
    return date(year + retention_years + 1, 1, 1)


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            h.update(chunk)
    return h.hexdigest()


def _copy_hashed(src: Path, dest: Path) -> tuple[str, int]:
    """Copy and hash in one pass (the archive's sum is the sum of what was written)."""
    h = hashlib.sha256()
    size = 0
    dest.parent.mkdir(parents=True, exist_ok=True)
    with src.open("rb") as fin, dest.open("wb") as fout:
        while chunk := fin.read(CHUNK):
            h.update(chunk)
            fout.write(chunk)
            size += len(chunk)
    shutil.copystat(src, dest)
    return h.hexdigest(), size


def _expand(category: str, paths: Iterable[Path]) -> list[tuple[Path, str]]:
    """(source file, path inside the category) for files and whole folders."""
    out: list[tuple[Path, str]] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            for f in sorted(x for x in p.rglob("*") if x.is_file()):
                out.append((f, f"{p.name}/{f.relative_to(p).as_posix()}"))
        else:
            out.append((p, p.name))
    return out


def read_manifest(path: Path) -> tuple[Path, dict[str, Any]]:
    """(archive folder, manifest) from the folder or the manifest file itself."""
    folder = path if path.is_dir() else path.parent
    mpath = folder / MANIFEST
    try:
        data = json.loads(mpath.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{folder} is not a sealed archive: {MANIFEST} is missing.",
                         hint="Seal the year first with `formkit archive --year YEAR`.") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputError(f"{mpath} is damaged: {exc}.") from exc
    if data.get("format") != FORMAT:
        raise InputError(f"{mpath}: unknown manifest format {data.get('format')!r}.")
    return folder, data


def seal(settings: Settings, year: int, files: dict[str, list[Path]],
         dest: Path | None = None, replace: bool = False,
         now: datetime | None = None) -> Path:
    """Copy the year's files into the archive folder and write manifest.json; return the
    folder. `files` maps a category (register, summary, report, sheets, scans, review, …)
    to files or folders. Nothing is written unless every input exists; an existing archive
    is only replaced with replace=True, and never once it has been disposed of."""
    target = dest or archive_dir(settings, year)
    bad_names = [c for c in files if not c or not c.replace("_", "").isalnum()
                 or not c.isascii()]
    if bad_names:
        raise InputError(f"Archive categories must be ASCII names: {bad_names}.")
    plan: list[tuple[str, Path, str]] = []
    for category, paths in files.items():
        for src, rel in _expand(category, paths):
            plan.append((category, src, rel))
    missing = [str(src) for _, src, _ in plan if not src.is_file()]
    if missing:
        raise InputError(f"Cannot seal {year}: {len(missing)} file(s) not found: "
                         + ", ".join(missing[:10]) + (" …" if len(missing) > 10 else ""))
    if not plan:
        raise InputError(f"Nothing to seal for {year}: no files were given.")
    if (target / MANIFEST).exists():
        if (target / DISPOSAL).exists():
            raise RefusedError(f"The archive of {year} in {target} has been disposed of; it "
                               "cannot be sealed again.")
        if not replace:
            raise RefusedError(f"{target} is already sealed; nothing was changed.",
                               hint="Verify it with `formkit archive verify`, or seal again "
                               "with --replace to rebuild it from the current files.")
    sealed_at = (now or datetime.now().astimezone()).isoformat(timespec="seconds")
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        tmp = Path(tempfile.mkdtemp(prefix=".archive-", dir=target.parent))
    except OSError as exc:
        raise OutputError(f"Cannot write in {target.parent}: {exc.strerror or exc}.") from exc
    try:
        entries = []
        used: set[str] = set()
        for category, src, rel in plan:
            rel_path = f"{category}/{rel}"
            stem, dot, ext = rel_path.rpartition(".")
            n = 2
            while rel_path in used:  # two inputs with one name: keep both
                rel_path = f"{stem}__{n}.{ext}" if dot else f"{rel_path}__{n}"
                n += 1
            used.add(rel_path)
            digest, size = _copy_hashed(src, tmp / rel_path)
            entries.append({"path": rel_path, "category": category,
                            "personal": is_personal(category), "size": size,
                            "sha256": digest, "source": str(src.resolve())})
        manifest = {
            "format": FORMAT,
            "agency": settings.agency_name,
            "procedure": settings.procedure,
            "kept_by": settings.iso_unit,
            "year": year,
            "sealed_at": sealed_at,
            "retention_years": settings.retention_years,
            "retain_until": retain_until(year, settings.retention_years).isoformat(),
            "dispose_from": dispose_from(year, settings.retention_years).isoformat(),
            "files": entries,
        }
        (tmp / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2),
                                    encoding="utf-8")
        if target.exists():
            old = target.with_name(target.name + ".old")
            shutil.rmtree(old, ignore_errors=True)
            os.replace(target, old)
            os.replace(tmp, target)
            shutil.rmtree(old)
        else:
            os.replace(tmp, target)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise OutputError(f"Cannot seal the archive in {target}: {exc.strerror or exc}.") from exc
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return target


@dataclass
class VerifyReport:
    folder: Path
    year: int
    checked: int = 0
    changed: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    disposed: list[str] = field(default_factory=list)  # missing as recorded by a disposal

    @property
    def ok(self) -> bool:
        return not (self.changed or self.missing or self.added)


def _disposal(folder: Path) -> dict[str, Any] | None:
    p = folder / DISPOSAL
    if not p.exists():
        return None
    try:
        return json.loads(p.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputError(f"{p} is damaged: {exc}.") from exc


def verify(path: Path) -> VerifyReport:
    """Compare the archive folder with its manifest: every changed (size or SHA-256),
    missing or added file. Files a disposal destroyed are listed apart, not as missing."""
    folder, manifest = read_manifest(path)
    report = VerifyReport(folder, int(manifest.get("year", 0)))
    disposal = _disposal(folder)
    destroyed = {f["path"] for f in (disposal or {}).get("files", [])}
    extra_ok = {MANIFEST}
    if disposal:
        extra_ok |= {DISPOSAL, *disposal.get("records", [])}
    listed = set()
    for entry in manifest.get("files", []):
        rel = entry["path"]
        listed.add(rel)
        p = folder / rel
        if not p.is_file():
            (report.disposed if rel in destroyed else report.missing).append(rel)
            continue
        report.checked += 1
        if p.stat().st_size != entry["size"] or sha256_file(p) != entry["sha256"]:
            report.changed.append(rel)
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            rel = p.relative_to(folder).as_posix()
            if rel not in listed and rel not in extra_ok:
                report.added.append(rel)
    return report
