"""Tổng quan: satisfaction per criterion and overall index by quarter against the same
quarter last year, sheets read, review backlog, register entries by group.

The figures are formkit.export.annual.year_tallies over the store's records, the same
numbers the annual report prints. They are cached per year until the data changes: every
change to the records writes an audit line, so the newest audit id (and the serial ledger's
time stamp, for the response rate) tells when to recompute.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, render_template, request
from sqlalchemy import func, select

from formkit.analyze.stats import Change
from formkit.analyze.tallies import YearTallies
from formkit.export.annual import issued_copies, year_tallies
from formkit.store.models import AuditLog
from formkit.web.app import ctx, requires
from formkit.web.charts import criteria_svg, quarter_svg

bp = Blueprint("dashboard", __name__)


def _data_version() -> tuple[Any, ...]:
    c = ctx()
    with c.store.read_session() as s:
        newest = s.scalar(select(func.max(AuditLog.id)))
    ledger = c.settings.exports_dir / "forms" / "issued_serials.jsonl"
    try:
        stamp = ledger.stat().st_mtime_ns
    except OSError:
        stamp = 0
    return (newest, stamp)


def tallies_for(year: int) -> YearTallies:
    """This year's tallies (with last year's for the comparisons), cached until the records
    change."""
    c = ctx()
    version = _data_version()
    key = ("tallies", year)
    with c.cache_lock:
        hit = c.cache.get(key)
    if hit is not None and hit[0] == version:
        return hit[1]
    responses = c.store.responses(year) + c.store.responses(year - 1)
    feedback = c.store.feedback(year) + c.store.feedback(year - 1)
    t = year_tallies(c.settings, year, responses, feedback, issued_copies(c.settings, year))
    with c.cache_lock:
        c.cache[key] = (version, t)
    return t


def year_arg() -> int:
    this = date.today().year
    try:
        year = int(request.args.get("nam", this))
    except ValueError:
        year = this
    return min(max(year, 2000), this + 1)


def year_choices(year: int) -> list[int]:
    this = date.today().year
    return sorted({*range(this - 4, this + 2), year}, reverse=True)


@bp.route("/")
@requires("staff")
def index() -> Any:
    c = ctx()
    year = year_arg()
    t = tallies_for(year)
    backlog = len(c.store.review_queue())
    criteria = []
    for ct in t.current.criteria:
        prev = t.previous.criterion(ct.criterion.field_id)
        criteria.append({"tally": ct, "previous": prev,
                         "change": Change(ct.satisfied, prev.satisfied)})
    return render_template(
        "dashboard.html", year=year, years=year_choices(year), t=t, criteria=criteria,
        backlog=backlog, quarter_chart=quarter_svg(t), criteria_chart=criteria_svg(t),
        index_change=t.index_year_on_year)
