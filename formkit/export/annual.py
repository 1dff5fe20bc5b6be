"""The annual evaluation end to end: records → tallies → summary workbook + report (DOCX,
charts, PDF). The API and the CLI call these; the analysis itself stays in formkit.analyze.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from formkit.analyze.narrative import CommentGroup, summarise_comments
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
from formkit.analyze.wording import Period
from formkit.catalogue import say
from formkit.config import Settings
from formkit.errors import RefusedError, TemplateError
from formkit.export.report_docx import RecordState, ReportResult, write_report
from formkit.export.summary_xlsx import write_summary
from formkit.spec import load_form, template_path
from formkit.spec.model import FieldKind
from formkit.thresholds import T, Thresholds

log = logging.getLogger(__name__)


@dataclass
class AnnualOutputs:
    tallies: YearTallies
    summary: Path
    report: ReportResult
    state: RecordState | None = None


def pending_review(store: Any, year: int) -> int:
    """Readings of `year` still waiting for a person's decision."""
    return sum(1 for item in store.review_queue() if item.year == year)


def refuse_pending(store: Any, year: int, what: str, hint: str) -> int:
    """Raise RefusedError (exit 9) while readings of `year` wait for review; else 0.
    `what` is the catalogue code of the refusal (parameters count and year), `hint` the code
    of what to do."""
    n = pending_review(store, year)
    if n:
        raise RefusedError(say(what, count=n, year=year), hint=say(hint))
    return n


def data_period(year: int, responses: Iterable[ResponseRecord],
                feedback: Iterable[FeedbackRecord]) -> Period:
    """First and last date of the year's records (survey answers and register entries)."""
    dates = [r.received for r in responses if r.year == year and r.received]
    dates += [f.received for f in feedback if f.received and f.received.year == year]
    return Period(year, min(dates, default=None), max(dates, default=None))


def survey_comments(settings: Settings, store: Any, year: int,
                    redact: Callable[[str], str] | None = None) -> list[CommentGroup]:
    """The survey's written comments ("Ý kiến khác" fields) of `year`, classified into the
    opinion groups of the register; `redact` takes names and phones out before quoting."""
    from formkit.analyze.classify import classify_text, load_rules

    try:
        rules = load_rules(settings=settings)
    except TemplateError as exc:  # a broken rules file must not stop the report
        log.warning("survey comments left unsorted: %s", exc.text("en"))
        rules = None
    spec = load_form(template_path(settings.templates_dir, "05-02"))
    text_fields = [fid for fid, f in spec.fields.items()
                   if f.kind is FieldKind.TEXT and fid.endswith("y_kien_khac")]
    from formkit.scan.result import REVIEW_STATUSES

    unsure = {str(getattr(st, "value", st)) for st in REVIEW_STATUSES}
    pairs: list[tuple[str, str]] = []
    for sheet in store.sheets(year):
        for fid in text_fields:
            text = sheet.answers.get(fid)
            # a reading nobody confirmed is no quote (OCR of a doubtful hand is noise)
            if getattr(sheet, "statuses", {}).get(fid) in unsure:
                continue
            if isinstance(text, str) and text.strip():
                label = classify_text(text, rules).name if rules else "Khác"
                pairs.append((label, redact(text) if redact else text))
    return summarise_comments(pairs)


def summary_path(settings: Settings, year: int) -> Path:
    return settings.exports_dir / str(year) / f"tong_hop_khao_sat_{year}.xlsx"


def report_path(settings: Settings, year: int) -> Path:
    return settings.exports_dir / str(year) / f"bao_cao_hai_long_{year}.docx"


def _group_labels(settings: Settings) -> dict[str, str] | None:
    # the classifier's editable group list; the built-in fallback when it cannot be read
    from formkit.analyze.classify import group_labels

    try:
        return group_labels(settings)
    except TemplateError as exc:  # a broken rules file must not stop the report
        log.warning("built-in opinion groups used: %s", exc.text("en"))
        return None


def _source_labels() -> dict[str, str] | None:
    from formkit.store.register import SOURCES

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
                 recipients: Sequence[str] | None = None, thresholds: Thresholds = T,
                 state: RecordState | None = None) -> AnnualOutputs:
    """Summary workbook and report (DOCX, charts, PDF) under exports/<year>/."""
    summary = write_summary(settings, year, tallies, summary_path(settings, year), thresholds,
                            state=state)
    report = write_report(settings, year, tallies, report_path(settings, year), pdf=pdf,
                          number=number, report_date=report_date, recipients=recipients,
                          thresholds=thresholds, state=state)
    return AnnualOutputs(tallies, summary, report, state)


def beyond_state(store: Any, year: int) -> dict[str, Any]:
    """The register's handled dates and the corrective actions (issue 18), for RecordState."""
    from formkit.store.actions import list_actions
    from formkit.store.register import feedback_timing

    if not hasattr(store, "read_session"):  # a records-only store: the ratios say "no data"
        return {}
    actions = tuple(list_actions(store))
    return {"timing": tuple(feedback_timing(store, year)), "actions": actions,
            "personal_names": personal_names(store, year, actions)}


def personal_names(store: Any, year: int, actions: Iterable[Any] = ()) -> tuple[str, ...]:
    """Every name formkit holds for `year` and the year before: respondents, register
    customers and receivers, action owners (the report and summary redact them)."""
    from formkit.store.register import NAME_FIELD, list_entries

    names: set[str] = set()
    for y in (year, year - 1):
        for sheet in store.sheets(y):
            value = sheet.answers.get(NAME_FIELD)
            if isinstance(value, str):
                names.add(value)
        for e in list_entries(store, year=y, include_voided=True):
            names |= {e.customer, e.receiver}
    names |= {getattr(a, "owner", "") for a in actions}
    return tuple(sorted(n for n in names if n and n.strip()))


def evaluate_from_store(settings: Settings, year: int, store: Any, pdf: bool = True,
                        number: str | None = None, report_date: date | None = None,
                        include_unreviewed: bool = False) -> AnnualOutputs:
    """Read this year's and last year's records from an open store, then write_annual.

    The review state is part of the record: while readings of the year wait for review the
    report is refused (RefusedError, exit 9) unless include_unreviewed (a preview), whose
    every page then says "DỰ THẢO" and how many readings are pending."""
    pending = pending_review(store, year)
    if pending and not include_unreviewed:
        raise RefusedError(say("error.report.pending", count=pending, year=year),
                           hint=say("hint.report.pending"))
    responses = (store.responses(year, include_unreviewed=include_unreviewed)
                 + store.responses(year - 1, include_unreviewed=include_unreviewed))
    feedback = store.feedback(year) + store.feedback(year - 1)
    tallies = year_tallies(settings, year, responses, feedback, issued_copies(settings, year))
    extra = beyond_state(store, year)
    state = RecordState(
        period=data_period(year, responses, feedback), pending=pending,
        preview=include_unreviewed,
        feedback_units=tuple(sorted({f.unit for f in feedback
                                     if f.unit and f.received.year == year})),
        **extra, comments=tuple(survey_comments(
            settings, store, year, RecordState(**extra).redactor())))
    return write_annual(settings, year, tallies, pdf=pdf, number=number,
                        report_date=report_date, state=state)
