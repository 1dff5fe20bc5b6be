"""Evaluation verbs: the annual summary and report, survey answers of other channels."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select

from formkit.analyze.channels import ImportedResponses
from formkit.analyze.channels import import_responses as read_channel_export
from formkit.analyze.stats import Change
from formkit.analyze.tallies import ResponseCounts, YearTallies
from formkit.app import _audit
from formkit.app._session import session
from formkit.config import Settings
from formkit.spec import load_form, template_path
from formkit.store import Store
from formkit.store.models import AuditLog

if TYPE_CHECKING:  # the annual report loads matplotlib: imported when a verb needs it, so
    # that the command line starts without it
    from formkit.export.annual import AnnualOutputs

__all__ = ["AnnualOutputs", "Change", "ResponseCounts", "ResponsesImport", "YearTallies",
           "annual_report", "count_responses", "data_version", "import_responses",
           "tallies_from_counts"]


def annual_report(settings: Settings, year: int, actor: str | None, *, pdf: bool = True,
                  number: str | None = None, report_date: date | None = None,
                  preview: bool = False, store: Store | None = None,
                  audit_as: str | None = None) -> AnnualOutputs:
    """The summary workbook and the report (DOCX, PDF) of `year` under exports/<year>/. While
    readings of the year wait for review it is refused (RefusedError) unless `preview`, a
    draft whose every page says DỰ THẢO."""
    from formkit.export.annual import evaluate_from_store

    with session(settings, store) as st:
        out = evaluate_from_store(settings, year, st, pdf=pdf, number=number,
                                  report_date=report_date, include_unreviewed=preview)
        files = [out.summary.name, out.report.docx.name] + (
            [out.report.pdf.name] if out.report.pdf else [])
        _audit.record(st, audit_as, actor, year=year, files=files, preview=preview)
        return out


@dataclass(frozen=True)
class ResponsesImport:
    records: ImportedResponses
    added: int
    skipped: int  # already stored (same row hash)


def import_responses(settings: Settings, file: Path, channel: str, mapping: Path, *,
                     dry_run: bool = False, store: Store | None = None) -> ResponsesImport:
    """Survey answers of another channel (Google Forms, the portal), deduplicated by their
    hash; dry_run reads and reports without storing."""
    spec = load_form(template_path(settings.templates_dir, "05-02"))
    records = read_channel_export(file, channel, mapping, spec=spec)
    for r in {r.unit for r in records if r.unit}:
        settings.unit(r)  # unknown unit codes in the mapping fail here, before storing
    added = skipped = 0
    if not dry_run and records:
        with session(settings, store) as st:
            added, skipped = st.add_responses(list(records))
    return ResponsesImport(records, added, skipped)


def data_version(store: Store) -> int:
    """The newest audit entry that can change a figure: the web app's own lines (logins,
    uploads, exports) are skipped, so the overview is not recomputed for them; walking back
    from the newest id is cheap."""
    with store.read_session() as s:
        newest = s.scalar(select(AuditLog.id).where(~AuditLog.action.startswith("web_"))
                          .order_by(AuditLog.id.desc()).limit(1))
    return newest or 0


def count_responses(settings: Settings, year: int, store: Store) -> ResponseCounts:
    """The answers of `year` counted for the tallies (the slow part of the overview)."""
    from formkit.export.annual import counts_from_store

    return counts_from_store(settings, store, year)


def tallies_from_counts(settings: Settings, year: int, counts: ResponseCounts,
                        store: Store) -> YearTallies:
    """The year's tallies from its counts, with the register entries of the year and the
    one before and the copies issued."""
    from formkit.export.annual import issued_copies, year_tallies

    feedback = store.feedback(year) + store.feedback(year - 1)
    return year_tallies(settings, year, counts, feedback, issued_copies(settings, year))
