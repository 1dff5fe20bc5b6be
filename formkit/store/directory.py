"""Names a person transcribing "Tên cá nhân hoặc tổ chức" may pick instead of typing them:
the register's customers, the names of earlier sheets, and a directory of organisations the
department imports (XLSX or CSV: a name column, optionally a tax code column).

The imported directory is kept in the workspace as JSON (`danh_ba/to_chuc.json`, written
atomically); the input file is only read. Matching is accent- and case-insensitive
(textnorm.fold): what was typed is found at the start of a name, at the start of a word inside
it, or, failing that, fuzzily (rapidfuzz), so "buon ma" and "cafe buon me thuot" both find
"Công ty Cổ phần Cà phê Buôn Ma Thuột".
"""

from __future__ import annotations

import csv
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz
from sqlalchemy import select

from formkit.catalogue import say
from formkit.config import Settings
from formkit.errors import InputError
from formkit.textnorm import fold, nfc

DIRECTORY_FILE = Path("danh_ba") / "to_chuc.json"
NAME_FIELD = "to_chuc"  # the survey field the names are for

_NAME_HEADERS = ("ten to chuc", "ten", "ten doanh nghiep", "ten don vi", "to chuc", "name",
                 "ten ca nhan hoac to chuc", "khach hang")
_TAX_HEADERS = ("ma so thue", "mst", "tax code", "ma so doanh nghiep", "tax")


@dataclass(frozen=True)
class KnownName:
    name: str
    source: str  # danh_ba (imported directory), so (register), phieu (earlier sheets)
    tax_code: str = ""


def directory_path(settings: Settings) -> Path:
    return Path(settings.workspace) / DIRECTORY_FILE


def _rows_of(path: Path) -> list[list[str]]:
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        try:
            wb = load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds on a damaged file
            raise InputError(say("error.store.directory.bad_workbook", path=path, text=exc),
                             hint=say("error.store.directory.bad_workbook.hint")) from exc
        try:
            ws = wb.worksheets[0]
            return [["" if v is None else str(v) for v in row]
                    for row in ws.iter_rows(values_only=True)]
        finally:
            wb.close()
    if suffix in (".csv", ".txt"):
        raw = path.read_bytes()
        for encoding in ("utf-8-sig", "cp1258", "latin-1"):
            try:
                text = raw.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t") if text.strip() else None
        return [list(r) for r in csv.reader(text.splitlines(), dialect or csv.excel)]
    raise InputError(say("error.store.directory.kind", file=path.name),
                     hint=say("error.store.directory.kind.hint"))


def read_directory_file(path: Path) -> list[KnownName]:
    """The organisations of an XLSX/CSV file: the first row naming a name column is the
    header (a tax code column is optional); without a header, column 1 is the name and
    column 2, when present, the tax code. Empty and repeated names are dropped."""
    path = Path(path)
    if not path.is_file():
        raise InputError(say("error.store.directory.no_file", path=path),
                         hint=say("error.store.directory.no_file.hint"))
    rows = [r for r in _rows_of(path) if any(c.strip() for c in r)]
    if not rows:
        raise InputError(say("error.store.directory.empty", file=path.name),
                         hint=say("error.store.directory.empty.hint"))
    name_col, tax_col, start = 0, 1, 0
    for i, row in enumerate(rows[:10]):
        heads = [fold(c) for c in row]
        found = next((j for j, h in enumerate(heads) if h in _NAME_HEADERS), None)
        if found is not None:
            name_col, start = found, i + 1
            tax_col = next((j for j, h in enumerate(heads) if h in _TAX_HEADERS), -1)
            break
    out: list[KnownName] = []
    seen: set[str] = set()
    for row in rows[start:]:
        name = nfc(" ".join(row[name_col].split())) if name_col < len(row) else ""
        tax = (row[tax_col].strip() if 0 <= tax_col < len(row) else "")
        if not name or fold(name) in seen:
            continue
        seen.add(fold(name))
        out.append(KnownName(name, "danh_ba", tax))
    if not out:
        raise InputError(say("error.store.directory.no_names", file=path.name),
                         hint=say("error.store.directory.no_names.hint"))
    return out


def import_directory(settings: Settings, path: Path) -> int:
    """Replace the workspace's directory of organisations with the names of `path`; returns
    how many. The input file is never modified."""
    names = read_directory_file(path)
    target = directory_path(settings)
    target.parent.mkdir(parents=True, exist_ok=True)
    data = {"source": Path(path).name,
            "names": [{"name": n.name, "tax_code": n.tax_code} for n in names]}
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".to_chuc-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(data, f, ensure_ascii=False, indent=1)
        os.replace(tmp, target)  # readers never see half a file
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return len(names)


def load_directory(settings: Settings) -> list[KnownName]:
    """The imported directory ([] when none was imported)."""
    path = directory_path(settings)
    if not path.is_file():
        return []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return [KnownName(nfc(d["name"]), "danh_ba", str(d.get("tax_code") or ""))
                for d in data.get("names", []) if d.get("name")]
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise InputError(say("error.store.directory.damaged", path=path, text=exc),
                         hint=say("error.store.directory.damaged.hint")) from exc


def known_names(store: Any, settings: Settings, directory: bool = True) -> list[KnownName]:
    """Every name a transcriber may pick: the directory first, then the register's
    customers and the names of earlier sheets that a person transcribed or a digital form
    carried (once each, accent-insensitively)."""
    from formkit.store.models import Answer, RegisterEntry

    found: list[KnownName] = list(load_directory(settings)) if directory else []
    with store.read_session() as s:
        for (customer,) in s.execute(select(RegisterEntry.customer)
                                     .where(RegisterEntry.customer != "")):
            found.append(KnownName(nfc(customer), "so"))
        # names a person typed or accepted, or a digital form carried: never raw OCR,
        # whose slips ("võ" for "Võ") would be offered again and again
        for (value,) in s.execute(select(Answer.value).where(
                Answer.field == NAME_FIELD, Answer.status == "ok",
                Answer.source.in_(("review", "docx")))):
            try:
                text = json.loads(value) if value else None
            except ValueError:
                continue
            if isinstance(text, str) and text.strip():
                found.append(KnownName(nfc(" ".join(text.split())), "phieu"))
    out, seen = [], set()
    for k in found:
        key = fold(k.name)
        if key and key not in seen:
            seen.add(key)
            out.append(k)
    return out


def suggest(names: list[KnownName], typed: str, limit: int = 6) -> list[KnownName]:
    """The names that best fit what was typed so far, best first."""
    q = fold(typed)
    if not q:
        return []
    scored = []
    for order, k in enumerate(names):
        n = fold(k.name)
        if n.startswith(q):
            score = 300.0
        elif k.tax_code and k.tax_code.startswith(typed.strip()):
            score = 250.0
        elif f" {q}" in f" {n}":
            score = 200.0  # the start of a word inside the name
        else:
            score = fuzz.partial_ratio(q, n)
            if score < 80:
                continue
        scored.append((-score, len(n), order, k))
    scored.sort(key=lambda t: t[:3])
    return [t[3] for t in scored[:limit]]
