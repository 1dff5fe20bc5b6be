"""Review verbs: corrections of the machine's readings by a person, and the review's
vocabulary the faces present (labels, choices, the machine's offer, the notes)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from formkit.analyze.classify import GroupMatch, classify_text, load_rules
from formkit.app._session import session
from formkit.catalogue import say
from formkit.config import Settings
from formkit.errors import InputError
from formkit.export.review_xlsx import (
    ReviewImportError,
    ReviewImportReport,
    check_review_rows,
    export_review,
    read_review_workbook,
    sheet_label,
)
from formkit.store import Store
from formkit.store.directory import NAME_FIELD, known_names, suggest
from formkit.store.review import (
    NO_GUESS,
    REVIEW_INVALID,
    STATUS_LABELS,
    choices,
    group_reading,
    machine_label,
    machine_offer,
    note_vn,
    parse_choice,
    value_label,
)
from formkit.store.rows import ReviewRecord
from formkit.textnorm import nfc

__all__ = [
    "NAME_FIELD", "NO_GUESS", "REVIEW_INVALID", "STATUS_LABELS", "ReviewImportError",
    "ReviewImportReport", "ReviewRecord", "apply_decisions", "choices", "export_workbook",
    "group_reading", "import_customer_directory", "import_review", "known_names", "machine_label",
    "machine_offer", "note_vn", "parse_choice", "sheet_label", "suggest", "suggest_group",
    "value_label",
]


def export_workbook(settings: Settings, path: Path | None = None, *,
                    store: Store | None = None) -> tuple[Path, int]:
    """The pending review items as a workbook (crops, drop-down lists); returns the file
    and the number of items in it."""
    with session(settings, store) as st:
        count = len(st.review_queue())
        return export_review(settings, path, store=st), count


def apply_decisions(settings: Settings, decisions: Sequence[tuple[int, Any, str]], actor: str,
                    *, reopen: bool = False, store: Store | None = None) -> int:
    """Record a person's decisions (item id, value, note) as `actor`, all or none: each value
    checked against its field, kept in the decision history and audit-logged. The one way
    every face (one at a time, a group grid, its option chips) saves a review decision, so a
    decision is stored the same whichever page it was made on. Returns how many."""
    with session(settings, store) as st:
        return st.apply_reviews(decisions, actor, reopen=reopen)


def suggest_group(settings: Settings, text: str) -> GroupMatch:
    """The opinion group the classification rules give a comment (while it is typed)."""
    return classify_text(text, load_rules(settings=settings))


def import_review(settings: Settings, path: Path, actor: str,
                  store: Store | None = None) -> ReviewImportReport:
    """Apply the corrections of a review workbook (formkit.export.review_xlsx) as `actor`.
    Every row is checked first; when any is wrong nothing is applied and ReviewImportError
    lists each such row with its reason."""
    reviewer = nfc(actor)
    if not reviewer:
        raise InputError(say("error.review.no_reviewer"), hint=say("hint.review.reviewer"))
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
