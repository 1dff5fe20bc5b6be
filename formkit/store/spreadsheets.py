"""Spreadsheet files as rows: a register or review workbook (.xlsx) or CSV checked before it
is read (password, old .xls, .ods, damaged zip are refused with what to do), its cells read,
and the formula cells found (their cached results are never taken for typed text). Files
are only read."""

from __future__ import annotations

import csv
import io
import logging
import zipfile
from pathlib import Path
from typing import Any

from formkit.catalogue import say
from formkit.errors import InputError

log = logging.getLogger(__name__)

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def check_spreadsheet_file(path: Path) -> str:
    """'xlsx' or 'csv'; InputError for encrypted, old-format, ODS or damaged files."""
    try:
        with path.open("rb") as fh:
            head = fh.read(8)
    except FileNotFoundError:
        raise InputError(say("error.store.file_not_found", path=path)) from None
    except OSError as exc:
        raise InputError(say("error.store.file_unreadable", path=path, text=exc.strerror)) from exc
    suffix = path.suffix.lower()
    if head.startswith(_OLE_MAGIC):
        data = path.read_bytes()
        if "EncryptionInfo".encode("utf-16-le") in data or b"EncryptedPackage" in data \
                or "EncryptedPackage".encode("utf-16-le") in data:
            raise InputError(say("error.store.sheetfile.password", file=path.name),
                             hint=say("error.store.sheetfile.password.hint"))
        raise InputError(say("error.store.sheetfile.old_xls", file=path.name),
                         hint=say("error.store.sheetfile.old_xls.hint"))
    if head.startswith(b"PK"):
        try:
            with zipfile.ZipFile(path) as zf:
                names = set(zf.namelist())
        except zipfile.BadZipFile:
            names = set()
        if "xl/workbook.xml" in names:
            return "xlsx"
        if "content.xml" in names:
            raise InputError(say("error.store.sheetfile.ods", file=path.name),
                             hint=say("error.store.sheetfile.ods.hint"))
        raise InputError(say("error.store.sheetfile.bad_zip", file=path.name),
                         hint=say("error.store.sheetfile.bad_zip.hint"))
    if suffix in (".xlsx", ".xlsm", ".xls"):
        raise InputError(say("error.store.sheetfile.not_xlsx", file=path.name),
                         hint=say("error.store.sheetfile.not_xlsx.hint"))
    return "csv"


def read_xlsx_rows(path: Path) -> list[tuple[str, list[tuple[int, list[Any]]]]]:
    import openpyxl  # local: only needed here

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on damaged files
        raise InputError(say("error.store.sheetfile.cannot_open", file=path.name,
                             kind=type(exc).__name__, text=exc),
                         hint=say("error.store.sheetfile.save_again_xlsx")) from exc
    try:
        sheets = []
        for ws in wb.worksheets:
            rows = [(i, list(r)) for i, r in enumerate(ws.iter_rows(values_only=True), start=1)]
            sheets.append((ws.title, rows))
        return sheets
    except Exception as exc:
        raise InputError(say("error.store.sheetfile.bad_sheet", file=path.name, text=exc),
                         hint=say("error.store.sheetfile.save_again")) from exc
    finally:
        wb.close()


def read_csv_rows(path: Path) -> list[tuple[str, list[tuple[int, list[Any]]]]]:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel on Vietnamese Windows saves "CSV" in the Windows-1258 code page
        try:
            text = data.decode("cp1258")
        except UnicodeDecodeError:
            raise InputError(say("error.store.sheetfile.encoding", file=path.name),
                             hint=say("error.store.sheetfile.encoding.hint")) from None
    if "\x00" in text:
        raise InputError(say("error.store.sheetfile.not_text", file=path.name),
                         hint=say("error.store.sheetfile.not_text.hint"))
    sample = text[:20000]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        rows = [(i, list(r)) for i, r in enumerate(reader, start=1)]
    except csv.Error as exc:
        raise InputError(say("error.store.sheetfile.bad_csv", file=path.name, text=exc)) from exc
    return [(path.stem, rows)]


def read_xlsx_formulas(path: Path, sheet: str) -> dict[int, list[tuple[int, str]]]:
    """row number → [(cell index, formula)] of one sheet: a formula's cached result (a
    link text, #VALUE!) must not be imported as if someone had typed it."""
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds; read_xlsx_rows opened it
        log.warning("%s: formulas not checked (%s: %s)", path.name, type(exc).__name__, exc)
        return {}
    try:
        out: dict[int, list[tuple[int, str]]] = {}
        ws = wb[sheet]
        for i, row in enumerate(ws.iter_rows(), start=1):
            # data_type "f": a real formula; text typed as "=…" (data_type "s") is text
            found = [(ci, str(c.value)) for ci, c in enumerate(row)
                     if getattr(c, "data_type", None) == "f"]
            if found:
                out[i] = found
        return out
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds on a damaged sheet
        log.warning("%s: formulas of “%s” not checked (%s: %s)", path.name, sheet,
                    type(exc).__name__, exc)
        return {}
    finally:
        wb.close()
