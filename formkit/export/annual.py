"""The annual evaluation end to end: records → tallies → summary workbook + report (DOCX,
charts, PDF). The API and the CLI call these; the analysis itself stays in formkit.analyze.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from formkit.analyze.records import FeedbackRecord, ResponseRecord
from formkit.analyze.tallies import (
    ResponseCounts,
    SurveyScheme,
    YearTallies,
    count_facts,
    issued_count,
    survey_scheme,
    tally_year,
)
from formkit.config import Settings
from formkit.export.report_docx import ReportResult, write_report
from formkit.export.summary_xlsx import write_summary
from formkit.spec import load_form, template_path
from formkit.thresholds import T, Thresholds


@dataclass
class AnnualOutputs:
    tallies: YearTallies
    summary: Path
    report: ReportResult


def summary_path(settings: Settings, year: int) -> Path:
    return settings.exports_dir / str(year) / f"tong_hop_khao_sat_{year}.xlsx"


def report_path(settings: Settings, year: int) -> Path:
    return settings.exports_dir / str(year) / f"bao_cao_hai_long_{year}.docx"


def _group_labels(settings: Settings) -> dict[str, str] | None:
    # the classifier's editable group list when it is there; the built-in fallback otherwise
    try:
        from formkit.analyze.classify import group_labels
    except ImportError:
        return None
    try:
        return group_labels(settings)
    except Exception:  # a broken rules file must not stop the report; the classifier reports it
        return None


def _source_labels() -> dict[str, str] | None:
    try:
        from formkit.store.register import SOURCES
    except ImportError:
        return None
    return dict(SOURCES)


def issued_copies(settings: Settings, year: int) -> int | None:
    """Numbered survey copies issued for `year` (None when no numbered batch was built)."""
    from formkit.render.build import issued_serials

    batches = issued_serials(settings, "05-02", year)
    return issued_count(batches) if batches else None


def scheme_of(settings: Settings) -> SurveyScheme:
    """The evaluation's view of the workspace's survey template (05-02)."""
    path = template_path(settings.templates_dir, "05-02")
    try:
        stat = path.stat()
    except OSError:  # gone meanwhile: load_form says so
        return survey_scheme(load_form(path))
    return _scheme_cached(path, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=4)
def _scheme_cached(path: Path, _mtime_ns: int, _size: int) -> SurveyScheme:
    # parsing the template takes longer than tallying a small year: read again only when
    # the file changes
    return survey_scheme(load_form(path))


def counts_from_store(settings: Settings, store: Any, year: int,
                      include_unreviewed: bool = False) -> ResponseCounts:
    """This year's and last year's responses in an open store, counted for year_tallies
    (without building a record for each: the quick way for a large year)."""
    facts = (store.response_facts(year, include_unreviewed=include_unreviewed)
             + store.response_facts(year - 1, include_unreviewed=include_unreviewed))
    return count_facts(facts, scheme_of(settings))


def year_tallies(settings: Settings, year: int,
                 responses: Iterable[ResponseRecord] | ResponseCounts,
                 feedback: Iterable[FeedbackRecord] = (), issued: int | None = None,
                 channel_labels: Mapping[str, str] | None = None) -> YearTallies:
    """Tallies of `year` (pass this year's and last year's records together, or
    counts_from_store), with the labels of the workspace: survey template, units, feedback
    groups and sources."""
    return tally_year(year, responses, scheme_of(settings), feedback, issued,
                      unit_labels={u.code: u.name for u in settings.units},
                      channel_labels=channel_labels, group_labels=_group_labels(settings),
                      source_labels=_source_labels())


def write_annual(settings: Settings, year: int, tallies: YearTallies, pdf: bool = True,
                 number: str | None = None, report_date: date | None = None,
                 recipients: Sequence[str] | None = None, thresholds: Thresholds = T
                 ) -> AnnualOutputs:
    """Summary workbook and report (DOCX, charts, PDF) under exports/<year>/."""
    summary = write_summary(settings, year, tallies, summary_path(settings, year), thresholds)
    report = write_report(settings, year, tallies, report_path(settings, year), pdf=pdf,
                          number=number, report_date=report_date, recipients=recipients,
                          thresholds=thresholds)
    return AnnualOutputs(tallies, summary, report)


def evaluate_from_store(settings: Settings, year: int, store: Any, pdf: bool = True,
                        number: str | None = None, report_date: date | None = None,
                        include_unreviewed: bool = False) -> AnnualOutputs:
    """Read this year's and last year's records from an open store, then write_annual."""
    responses = (store.responses(year, include_unreviewed=include_unreviewed)
                 + store.responses(year - 1, include_unreviewed=include_unreviewed))
    feedback = store.feedback(year) + store.feedback(year - 1)
    tallies = year_tallies(settings, year, responses, feedback, issued_copies(settings, year))
    return write_annual(settings, year, tallies, pdf=pdf, number=number,
                        report_date=report_date)
