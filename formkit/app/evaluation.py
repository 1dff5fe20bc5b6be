"""Evaluation verbs: the annual summary and report, survey answers of other channels."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from formkit.analyze.channels import ImportedResponses
from formkit.analyze.channels import import_responses as read_channel_export
from formkit.app import _audit
from formkit.app._session import session
from formkit.config import Settings
from formkit.export.annual import AnnualOutputs, evaluate_from_store
from formkit.spec import load_form, template_path
from formkit.store import Store

__all__ = ["AnnualOutputs", "ResponsesImport", "annual_report", "import_responses"]


def annual_report(settings: Settings, year: int, actor: str | None, *, pdf: bool = True,
                  number: str | None = None, report_date: date | None = None,
                  preview: bool = False, store: Store | None = None,
                  audit_as: str | None = None) -> AnnualOutputs:
    """The summary workbook and the report (DOCX, PDF) of `year` under exports/<year>/. While
    readings of the year wait for review it is refused (RefusedError) unless `preview`, a
    draft whose every page says DỰ THẢO."""
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
