"""Gather what a year's archive holds: the register workbook, the summary and the report,
the sheet data (XLSX and CSV, written here from the store), the original scans of the year's
sheets and the review workbooks. Best effort by convention; the CLI lets the user add files.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import Workbook

from formkit.config import Settings
from formkit.export.annual import report_path, summary_path
from formkit.export.xlsx_common import put_row, save_atomically, write_csv_atomically
from formkit.textnorm import nfc

BASE_COLUMNS = ["sheet_key", "form", "year", "unit", "serial", "received", "channel",
                "complete", "anonymized"]


def write_sheet_data(settings: Settings, year: int, store: Any, out_dir: Path) -> list[Path]:
    """The year's read sheets (every field, free text included) as XLSX and CSV, one row per
    sheet, one column per field id (the contract of the templates)."""
    sheets = store.sheets(year)
    fields: list[str] = []
    for sh in sheets:
        for f in sh.answers:
            if f not in fields:
                fields.append(f)
    header = BASE_COLUMNS + fields
    rows = []
    for sh in sheets:
        base = [sh.sheet_key, sh.form, sh.year, sh.unit, sh.serial,
                sh.received.isoformat() if sh.received else "", sh.channel, sh.complete,
                sh.anonymized]
        values = []
        for f in fields:
            v = sh.answers.get(f)
            values.append(nfc(v) if isinstance(v, str) else v)
        rows.append(base + values)
    # the same formula-safe writer as every formkit workbook: a comment typed as "=…" by a
    # customer stays text in the archive
    csv_path = write_csv_atomically(out_dir / f"phieu_khao_sat_{year}.csv", header, rows)
    wb = Workbook()
    ws = wb.active
    ws.title = f"Phiếu {year}"
    for r, values in enumerate([header, *rows], start=1):
        put_row(ws, r, values)
    ws.freeze_panes = "B2"
    xlsx_path = save_atomically(wb, out_dir / f"phieu_khao_sat_{year}.xlsx")
    return [xlsx_path, csv_path]


def scan_files(store: Any, year: int) -> list[Path]:
    """Original scan files of the pages read into the year's sheets (those still on disk)."""
    keys = {sh.sheet_key for sh in store.sheets(year)}
    seen: dict[str, Path] = {}
    for page in store.pages():
        if page.get("sheet_key") in keys and page.get("file"):
            p = Path(page["file"])
            if not p.is_absolute():
                p = store.settings.workspace / p
            if p.is_file():
                seen.setdefault(str(p.resolve()), p)
    return list(seen.values())


def collect_year_files(settings: Settings, year: int, store: Any | None = None,
                       scratch: Path | None = None) -> dict[str, list[Path]]:
    """category → files for `seal`. With a store, the sheet data is written to `scratch`
    (default exports/<year>/sheet_data) and the scans are looked up."""
    files: dict[str, list[Path]] = {}

    def add(category: str, paths: list[Path]) -> None:
        found = [p for p in paths if p.is_file()]
        if found:
            files.setdefault(category, []).extend(found)

    from formkit.export.register_xlsx import register_path

    add("register", [register_path(settings, year)])
    add("summary", [summary_path(settings, year)])
    rep = report_path(settings, year)
    add("report", [rep, rep.with_suffix(".pdf")])
    if store is not None:
        add("sheets", write_sheet_data(settings, year, store,
                                       scratch or settings.exports_dir / str(year) / "sheet_data"))
        add("scans", scan_files(store, year))
    return files
