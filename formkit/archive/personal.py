"""Everything personal formkit itself made for one year, outside the sealed archive: crops
of handwriting, page overlays, batch reports (batch.json holds names and comments), review
workbooks, caches, database backups, sheet-data exports and the year's scan files. Disposal
removes these (or redacts the batch reports shared with other years) so that after it no
file in the workspace holds that year's personal data. Only files inside the workspace are
ever touched.
"""

from __future__ import annotations

import json
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from formkit import fsutil
from formkit.config import Settings


@dataclass
class PersonalFiles:
    remove: list[Path] = field(default_factory=list)  # working files of the year
    redact: list[Path] = field(default_factory=list)  # batch.json files mixing years
    originals: list[Path] = field(default_factory=list)  # the year's scan files


def _inside(ws: Path, p: Path) -> Path | None:
    try:
        full = p.resolve()
        full.relative_to(ws)
        return full
    except (OSError, ValueError):
        return None


def _year_in_name(name: str, year: int) -> bool:
    # crops and overlays are named <form>_<year>_<unit>_<serial>_<layout>…
    return re.search(rf"(^|_){year}_", name) is not None


def _workbook_mentions(path: Path, year: int) -> bool:
    """A review workbook labels its sheets "<year> · <unit> · số …"."""
    try:
        with zipfile.ZipFile(path) as z:
            for name in z.namelist():
                if name.startswith("xl/") and name.endswith(".xml"):
                    if f"{year} ·".encode() in z.read(name):
                        return True
    except (OSError, zipfile.BadZipFile):
        return True  # unreadable: cannot prove it is free of the year's names
    return False


def _batch_years(path: Path) -> set[int]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return set()
    years = set()
    for s in data.get("sheets") or []:
        try:
            years.add(int(s.get("year")))
        except (TypeError, ValueError):
            pass
    return years


def find(settings: Settings, year: int, store: Any | None = None) -> PersonalFiles:
    ws = Path(settings.workspace).resolve()
    out = PersonalFiles()
    if store is not None and not hasattr(store, "read_session"):
        store = None  # not a formkit Store (a caller's own anonymiser only)
    seen: set[Path] = set()

    def add(bucket: list[Path], p: Path | str | None) -> None:
        if not p:
            return
        full = _inside(ws, Path(p) if Path(p).is_absolute() else ws / p)
        if full is not None and full.is_file() and full not in seen:
            seen.add(full)
            bucket.append(full)

    if store is not None:
        for path in _stored_paths(store, year):
            add(out.remove, path)
        for page in _stored_scans(store, year):
            add(out.originals, page)
    exports = Path(settings.exports_dir)
    read_root = exports / "read"
    if read_root.is_dir():
        for p in read_root.rglob("*"):
            if p.is_file() and p.parent.name in ("crops", "overlays") and \
                    _year_in_name(p.name, year):
                add(out.remove, p)
        for p in read_root.rglob("batch.json"):
            years = _batch_years(p)
            if year in years:
                add(out.remove if years == {year} else out.redact, p)
    for p in sorted((exports / "review").glob("*.xlsx")):
        if _workbook_mentions(p, year):
            add(out.remove, p)
    for p in sorted(settings.cache_dir.glob(f"*{year}*")) if settings.cache_dir.is_dir() \
            else []:
        add(out.remove, p)
    sheet_data = exports / str(year) / "sheet_data"
    if sheet_data.is_dir():
        for p in sheet_data.rglob("*"):
            add(out.remove, p)
    from formkit.export.register_xlsx import register_path

    add(out.remove, register_path(settings, year))
    if store is not None:
        for p in store.backup_files():
            add(out.remove, p)
    return out


def _stored_paths(store: Any, year: int) -> list[str]:
    from sqlalchemy import select

    from formkit.store.models import Page, ReviewItem, Sheet

    with store.read_session() as s:
        ids = [i for (i,) in s.execute(select(Sheet.id).where(Sheet.year == year))]
        keys = [k for (k,) in s.execute(select(Sheet.sheet_key).where(Sheet.year == year))]
        paths: list[str] = []
        for i in range(0, len(ids), 500):
            for crop, overlay in s.execute(select(ReviewItem.crop_path, ReviewItem.overlay_path)
                                           .where(ReviewItem.sheet_id.in_(ids[i:i + 500]))):
                paths += [crop, overlay]
        for i in range(0, len(keys), 500):
            paths += [o for (o,) in s.execute(select(Page.overlay)
                                              .where(Page.sheet_key.in_(keys[i:i + 500])))]
    return [p for p in paths if p]


def _stored_scans(store: Any, year: int) -> list[str]:
    from sqlalchemy import select

    from formkit.store.models import Page, Sheet

    with store.read_session() as s:
        keys = [k for (k,) in s.execute(select(Sheet.sheet_key).where(Sheet.year == year))]
        files: list[str] = []
        for i in range(0, len(keys), 500):
            files += [f for (f,) in s.execute(select(Page.file)
                                              .where(Page.sheet_key.in_(keys[i:i + 500])))]
    return files


def redact_batch_json(path: Path, year: int) -> None:
    """Drop the year's sheets (names, comments) from a batch report of several years."""
    data = json.loads(path.read_text(encoding="utf-8"))
    data["sheets"] = [s for s in data.get("sheets") or [] if s.get("year") != year]
    for p in data.get("pages") or []:
        key = str(p.get("sheet") or "").split("/")
        if len(key) > 1 and key[1] == str(year):  # <form>/<year>/<unit>/<serial>/<layout>
            p["sheet"] = None
    data["redacted_years"] = sorted(set(data.get("redacted_years") or []) | {year})
    fsutil.write_json(path, data, what="batch report")
