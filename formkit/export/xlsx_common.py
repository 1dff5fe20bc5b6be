"""The one writer of cells and CSV rows for every workbook and CSV formkit writes (register,
summary, review queue, archive): text stays text, never a formula."""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.workbook import Workbook

from formkit.catalogue import say
from formkit.errors import OutputError

#: characters that make Excel or LibreOffice read a typed cell as a formula
FORMULA_STARTS = ("=", "+", "-", "@")

MM_PER_CHAR = 1.9  # width of one character of Excel's default font, in millimetres


def put_text(cell: Cell, value: Any) -> None:
    """Write a value into a cell; text is always text, never a formula (a register line
    "=HYPERLINK(...)" typed by a customer must stay inert), and characters that the file
    format forbids are dropped."""
    if value is None:
        cell.value = None
        return
    if not isinstance(value, str):
        cell.value = value
        return
    text = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell.value = text
    if text.startswith(FORMULA_STARTS):
        cell.data_type = "s"
        cell.quotePrefix = True  # also stays text when someone edits the cell later


def row_height(values: list[object], widths: list[float], font_pt: float) -> float:
    """Height in points that shows every wrapped line. LibreOffice does not compute row
    heights when it opens an .xlsx, so the workbook has to carry them."""
    lines = 1
    for value, width in zip(values, widths, strict=False):
        if value is None:
            continue
        # Times New Roman at 12 pt is about as wide as Excel's unit character; keep margin
        per_line = max(1, int(width * 11 / font_pt) - 1)
        needed = sum(max(1, -(-len(part) // per_line)) for part in str(value).split("\n"))
        lines = max(lines, needed)
    return round(lines * font_pt * 1.3 + 4, 1)


def csv_value(value: Any) -> Any:
    """A value for a CSV cell: text that a spreadsheet would run as a formula gets a leading
    apostrophe (Excel and LibreOffice then show it as text); other values are unchanged."""
    if isinstance(value, str):
        text = ILLEGAL_CHARACTERS_RE.sub("", value)
        return "'" + text if text.startswith(FORMULA_STARTS) else text
    return value


def put_row(ws: Any, row: int, values: Sequence[Any], first_col: int = 1) -> None:
    """put_text for each value of a row, from column first_col."""
    for i, value in enumerate(values):
        put_text(ws.cell(row, first_col + i), value)


def write_csv_atomically(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]]
                         ) -> Path:
    """UTF-8 CSV with a BOM (Excel reads the accents), every cell through csv_value, written
    under a temporary name and renamed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".csv", dir=path.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8-sig", newline="") as fh:
            w = csv.writer(fh)
            w.writerow([csv_value(h) for h in header])
            for r in rows:
                w.writerow([csv_value(v) for v in r])
        os.replace(tmp, path)
    except OSError as exc:
        raise OutputError(say("error.export.write", path=str(path),
                              detail=exc.strerror or str(exc))) from exc
    finally:
        if tmp.exists():
            tmp.unlink()
    return path


def print_landscape(ws: Any, title_row: int) -> None:
    """A4 landscape, one page wide and as many pages long as the rows need, the header row
    repeated on every page: how the office prints formkit's sheets."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{title_row}:{title_row}"


def save_atomically(wb: Workbook, path: Path) -> Path:
    """Save next to the target, then replace it: a crash never leaves half a workbook."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".xlsx",
                                        dir=path.parent)
        os.close(fd)
        tmp = Path(tmp_name)
        try:
            wb.save(tmp)
            os.replace(tmp, path)
        finally:
            if tmp.exists():
                tmp.unlink()
    except PermissionError as exc:
        raise OutputError(say("error.export.permission", path=str(path),
                              detail=exc.strerror or str(exc)),
                          hint=say("hint.export.close_workbook")) from exc
    except OSError as exc:
        raise OutputError(say("error.export.write", path=str(path),
                              detail=exc.strerror or str(exc))) from exc
    return path
