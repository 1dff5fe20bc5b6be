"""Small helpers shared by formkit's own workbooks (register and review queue)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.workbook import Workbook

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
        raise OutputError(
            f"Cannot write {path}: permission denied ({exc.strerror}).",
            hint="Close the workbook if it is open in Excel or LibreOffice, or choose a folder "
            "you can write to, then run the command again.") from exc
    except OSError as exc:
        raise OutputError(f"Cannot write {path}: {exc.strerror or exc}.") from exc
    return path
