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
import logging
import os
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from formkit import fsutil
from formkit.archive import signing
from formkit.catalogue import say
from formkit.config import Settings
from formkit.errors import FormkitError, InputError, OutputError, RefusedError

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

log = logging.getLogger(__name__)


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
        raise InputError(say("error.archive.not_sealed", folder=str(folder), manifest=MANIFEST),
                         hint=say("hint.archive.seal_first")) from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputError(say("error.archive.damaged", path=str(mpath), detail=str(exc))) from exc
    if data.get("format") != FORMAT:
        raise InputError(say("error.archive.format", path=str(mpath),
                             format=repr(data.get("format"))))
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
        raise InputError(say("error.archive.categories", names=str(bad_names)))
    plan: list[tuple[str, Path, str]] = []
    for category, paths in files.items():
        for src, rel in _expand(category, paths):
            plan.append((category, src, rel))
    missing = [str(src) for _, src, _ in plan if not src.is_file()]
    if missing:
        raise InputError(say("error.archive.missing_files", year=year, count=len(missing),
                             files=", ".join(missing[:10]) + (" …" if len(missing) > 10 else "")))
    if not plan:
        raise InputError(say("error.archive.nothing_to_seal", year=year))
    if (target / MANIFEST).exists():
        if (target / DISPOSAL).exists():
            raise RefusedError(say("error.archive.disposed", year=year, target=str(target)))
        if not replace:
            raise RefusedError(say("error.archive.already_sealed", target=str(target)),
                               hint=say("hint.archive.reseal"))
    sealed_at = (now or datetime.now().astimezone()).isoformat(timespec="seconds")
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        tmp = Path(tempfile.mkdtemp(prefix=".archive-", dir=target.parent))
    except OSError as exc:
        raise OutputError(say("error.archive.write", folder=str(target.parent),
                              detail=exc.strerror or str(exc))) from exc
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
                            "sha256": digest, "source": source_ref(settings, src)})
        for entry, link in zip(entries, signing.chain(entries), strict=True):
            entry["chain"] = link
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
            "chain_head": entries[-1]["chain"],
        }
        manifest[signing.SIGNATURE] = signing.sign(manifest, signing.load_key(settings, True))
        fsutil.write_json(tmp / MANIFEST, manifest, what="manifest", indent=2)
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
        raise fsutil.output_error(target / MANIFEST, exc, "archive") from exc
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    # outside the archive: a copy of what was sealed, and its chain head in the audit log
    signing.save_seal_copy(settings, year, manifest)
    signing.record_in_audit(settings, "archive_sealed", year=year, head=manifest["chain_head"],
                            files=len(entries), signature=manifest[signing.SIGNATURE],
                            dispose_from=manifest["dispose_from"])
    return target


def source_ref(settings: Settings, src: Path) -> str:
    """Where an archived file came from: relative to the workspace when inside it (a copied
    workspace then points at its own files), else absolute (and never deleted)."""
    full = src.resolve()
    try:
        return full.relative_to(Path(settings.workspace).resolve()).as_posix()
    except ValueError:
        return str(full)


def source_path(settings: Settings, ref: str) -> tuple[Path, bool]:
    """(the file a manifest's source names, whether it lies inside this workspace)."""
    ws = Path(settings.workspace).resolve()
    p = Path(ref)
    full = (p if p.is_absolute() else ws / p).resolve()
    try:
        full.relative_to(ws)
        return full, True
    except ValueError:
        return full, False


@dataclass
class VerifyReport:
    folder: Path
    year: int
    checked: int = 0
    changed: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    disposed: list[str] = field(default_factory=list)  # missing as recorded by a disposal
    #: what is wrong with the manifest or the disposal record itself (signature, chain,
    #: retention dates, entries changed since sealing), one sentence each
    problems: list[str] = field(default_factory=list)
    signed: bool | None = None  # None: no key in reach to check the signature

    @property
    def ok(self) -> bool:
        return not (self.changed or self.missing or self.added or self.problems)


def _disposal(folder: Path) -> dict[str, Any] | None:
    p = folder / DISPOSAL
    if not p.exists():
        return None
    try:
        return json.loads(p.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputError(say("error.archive.damaged", path=str(p), detail=str(exc))) from exc


def _settings_for(folder: Path) -> Settings | None:
    """The workspace an archive folder belongs to (<workspace>/<exports>/<year>/archive)."""
    from formkit.config import CONFIG_NAME, load_settings

    for parent in folder.resolve().parents:
        if (parent / CONFIG_NAME).is_file():
            try:
                return load_settings(parent)
            except FormkitError as exc:  # a broken config only loses the key check
                log.warning("%s: the key check is skipped: %s", parent / CONFIG_NAME,
                            exc.text("en"))
                return None
    return None


def verify(path: Path, settings: Settings | None = None, today: date | None = None
           ) -> VerifyReport:
    """Compare the archive folder with its manifest: every changed (size or SHA-256),
    missing or added file; then the manifest itself (signature, chain, retention dates,
    entries against the copy kept at sealing) and the disposal record (signature, date
    against the retention date). Files a disposal destroyed are listed apart."""
    folder, manifest = read_manifest(path)
    settings = settings or _settings_for(folder)
    report = VerifyReport(folder, int(manifest.get("year", 0)))
    year = report.year
    key = signing.load_key(settings) if settings is not None else None
    problems = report.problems
    entries = manifest.get("files", [])
    if key is not None:
        report.signed = bool(signing.signature_ok(manifest, key))
        if not report.signed:
            problems.append("manifest.json chữ ký không khớp / signature does not match: "
                            "manifest.json was edited after sealing.")
    links = signing.chain(entries)
    if "chain_head" in manifest or any("chain" in e for e in entries):
        bad = [e["path"] for e, link in zip(entries, links, strict=True)
               if e.get("chain") != link]
        if bad or (links[-1] if links else None) != manifest.get("chain_head"):
            problems.append("manifest.json chuỗi băm bị đứt / hash chain broken at "
                            + (bad[0] if bad else "its head") + ".")
    elif key is not None:
        problems.append("manifest.json has no hash chain (not sealed by this formkit).")
    try:
        years = int(manifest.get("retention_years", 0))
        if manifest.get("retain_until") != retain_until(year, years).isoformat() or \
                manifest.get("dispose_from") != dispose_from(year, years).isoformat():
            problems.append(f"retention dates in manifest.json do not follow from year {year} "
                            f"and {years} years: they were edited.")
    except (TypeError, ValueError):
        problems.append("retention data in manifest.json is damaged.")
    sealed = signing.load_seal_copy(settings, year) if settings is not None else None
    if sealed is not None:
        problems.extend(signing.diff_entries(sealed.get("files", []), entries))
        for k in ("retention_years", "retain_until", "dispose_from", "sealed_at"):
            if sealed.get(k) != manifest.get(k):
                problems.append(f"{k} changed since sealing: {sealed.get(k)} → "
                                f"{manifest.get(k)}.")
        heads = signing.audited_heads(settings, year)
        if heads and sealed.get("chain_head") not in heads:
            problems.append("the sealed copy's chain head is not the one in the audit log.")
    disposal = _disposal(folder)
    bad_disposal = (_disposal_problems(disposal, manifest, sealed, key, today)
                    if disposal is not None else [])
    problems.extend(bad_disposal)
    # files count as destroyed only by a valid disposal record
    destroyed = {f["path"] for f in (disposal or {}).get("files", [])} \
        if disposal is not None and not bad_disposal else set()
    extra_ok = {MANIFEST}
    if disposal:
        extra_ok |= {DISPOSAL, *disposal.get("records", [])}
    listed = set()
    reference = {e["path"]: e for e in (sealed or {}).get("files", entries)} or \
        {e["path"]: e for e in entries}
    for entry in entries + [e for p, e in reference.items()
                            if p not in {x["path"] for x in entries}]:
        rel = entry["path"]
        if rel in listed:
            continue
        listed.add(rel)
        p = folder / rel
        if not p.is_file():
            (report.disposed if rel in destroyed else report.missing).append(rel)
            continue
        report.checked += 1
        want = reference.get(rel, entry)
        if p.stat().st_size != want["size"] or sha256_file(p) != want["sha256"]:
            report.changed.append(rel)
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            rel = p.relative_to(folder).as_posix()
            if rel not in listed and rel not in extra_ok:
                report.added.append(rel)
    return report


def _disposal_problems(disposal: dict[str, Any], manifest: dict[str, Any],
                       sealed: dict[str, Any] | None, key: bytes | None,
                       today: date | None) -> list[str]:
    out = []
    if key is not None and not signing.signature_ok(disposal, key):
        out.append("disposal.json chữ ký không khớp / not signed by this workspace: a forged "
                   "or edited disposal record.")
    ref = sealed or manifest
    try:
        due = date.fromisoformat(str(ref.get("dispose_from")))
        at = datetime.fromisoformat(str(disposal.get("disposed_at"))).date()
    except ValueError:
        return out + ["disposal.json has no valid disposal date."]
    if at < due:
        out.append(f"disposal.json says the records were destroyed on {at.isoformat()}, before "
                   f"they were due ({due.isoformat()}): the disposal record is not valid.")
    if disposal.get("year") not in (None, ref.get("year")):
        out.append(f"disposal.json is for year {disposal.get('year')}, not {ref.get('year')}.")
    return out
