"""Review verbs: corrections of the machine's readings by a person."""

from __future__ import annotations

from pathlib import Path

from formkit.app._session import session
from formkit.config import Settings
from formkit.errors import InputError
from formkit.export.review_xlsx import (
    ReviewImportError,
    ReviewImportReport,
    check_review_rows,
    read_review_workbook,
)
from formkit.store import Store
from formkit.textnorm import nfc

__all__ = ["ReviewImportError", "ReviewImportReport", "import_review"]


def import_review(settings: Settings, path: Path, actor: str,
                  store: Store | None = None) -> ReviewImportReport:
    """Apply the corrections of a review workbook (formkit.export.review_xlsx) as `actor`.
    Every row is checked first; when any is wrong nothing is applied and ReviewImportError
    lists each such row with its reason."""
    reviewer = nfc(actor)
    if not reviewer:
        raise InputError("The reviewer's name is missing.",
                         hint="Give --reviewer NAME; it is kept with each correction.")
    rows = read_review_workbook(path)  # a wrong file is told before the database is opened
    with session(settings, store) as st:
        report = check_review_rows(path, rows, st)
        if report.problems:
            shown = "\n".join(f"  row {p.row}: {p.reason}" for p in report.problems[:30])
            raise ReviewImportError(
                f"{report.path.name}: {len(report.problems)} row(s) are not valid, so no "
                f"correction was applied:\n{shown}", report.problems,
                hint="Correct these rows (pick a value from the drop-down list) and import the "
                "file again; or export a fresh review workbook.")
        if report.decisions:
            report.applied = st.apply_reviews(report.decisions, reviewer)
        return report


def import_customer_directory(settings: Settings, path: Path) -> tuple[int, Path]:
    """The directory of customer organisations that review suggests names from; returns
    how many were imported and where the directory is kept."""
    from formkit.store.directory import directory_path, import_directory

    return import_directory(settings, path), directory_path(settings)
