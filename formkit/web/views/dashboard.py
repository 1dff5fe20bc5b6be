"""Tổng quan: satisfaction per criterion and overall index by quarter against the same
quarter last year, sheets read, review backlog, register entries by group.

The figures are formkit.export.annual.year_tallies over the store's records, the same
numbers the annual report prints. They are cached per year until the data changes: every
change to the records writes an audit line, so the newest audit id (and the serial ledger's
time stamp, for the response rate) tells when to recompute. A large year (10,000 answers
take about a second) is recomputed in the background while the page shows the figures it
had, saying so.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import Blueprint, Flask, current_app, render_template, request
from sqlalchemy import select

from formkit.analyze.stats import Change
from formkit.analyze.tallies import YearTallies
from formkit.export.annual import issued_copies, year_tallies
from formkit.store.models import AuditLog
from formkit.web.app import ctx, requires
from formkit.web.charts import criteria_svg, quarter_svg

bp = Blueprint("dashboard", __name__)
log = logging.getLogger("formkit.web")

#: a recomputation slower than this is done in the background next time (seconds)
SYNC_LIMIT_S = 0.15


def _data_version() -> tuple[Any, ...]:
    c = ctx()
    with c.store.read_session() as s:
        # the web app's own lines (logins, uploads, exports) change no figure: skipped, so
        # the overview is not recomputed for them; walking back from the newest id is cheap
        newest = s.scalar(select(AuditLog.id).where(~AuditLog.action.startswith("web_"))
                          .order_by(AuditLog.id.desc()).limit(1))
    ledger = c.settings.exports_dir / "forms" / "issued_serials.jsonl"
    try:
        stamp = ledger.stat().st_mtime_ns
    except OSError:
        stamp = 0
    return (newest or 0, stamp)


@dataclass
class _Entry:
    version: tuple[Any, ...]
    tallies: YearTallies
    seconds: float  # how long computing them took


def _compute(app: Flask, year: int, version: tuple[Any, ...]) -> _Entry:
    with app.app_context():
        c = ctx()
        t0 = time.perf_counter()
        responses = c.store.responses(year) + c.store.responses(year - 1)
        feedback = c.store.feedback(year) + c.store.feedback(year - 1)
        t = year_tallies(c.settings, year, responses, feedback,
                         issued_copies(c.settings, year))
        entry = _Entry(version, t, time.perf_counter() - t0)
        with c.cache_lock:
            old = c.cache.get(("tallies", year))
            if old is None or old.version <= version:  # never replace newer figures
                c.cache[("tallies", year)] = entry
            c.cache.pop(("computing", year), None)
        return entry


def _refresh_later(app: Flask, year: int, version: tuple[Any, ...]) -> None:
    c = app.extensions["formkit"]
    with c.cache_lock:
        if ("computing", year) in c.cache:
            return
        c.cache[("computing", year)] = True

    def run() -> None:
        try:
            _compute(app, year, version)
        except Exception:  # the page keeps the figures it has; the next view retries
            log.exception("recomputing the overview of %s failed", year)
            with c.cache_lock:
                c.cache.pop(("computing", year), None)

    threading.Thread(target=run, name=f"formkit-tallies-{year}", daemon=True).start()


def tallies_for(year: int) -> tuple[YearTallies, bool]:
    """(tallies of `year` with last year's for the comparisons, fresh).

    Cached until the records change. When they have changed and the last computation was
    slow (a large year: over SYNC_LIMIT_S), the figures computed before are shown at once,
    marked as being updated, while a background thread recomputes them: the page never
    waits a second for them. Small years are simply recomputed."""
    c = ctx()
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    version = _data_version()
    with c.cache_lock:
        hit = c.cache.get(("tallies", year))
    if hit is not None and hit.version == version:
        return hit.tallies, True
    if hit is not None and hit.seconds > SYNC_LIMIT_S:
        _refresh_later(app, year, version)
        return hit.tallies, False
    return _compute(app, year, version).tallies, True


def warm_up(app: Flask, year: int | None = None) -> None:
    """Compute this year's overview in the background when the server starts, and start
    the reading processes' fork server so that the first upload shows progress at once."""
    def run() -> None:
        try:
            app.extensions["formkit"].jobs.start()

            with app.app_context():
                _compute(app, year or date.today().year, _data_version())
        except Exception:
            log.debug("warming up the overview failed", exc_info=True)

    threading.Thread(target=run, name="formkit-warm-up", daemon=True).start()


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
    t, fresh = tallies_for(year)
    backlog = len(c.store.review_queue())
    criteria = []
    for ct in t.current.criteria:
        prev = t.previous.criterion(ct.criterion.field_id)
        criteria.append({"tally": ct, "previous": prev,
                         "change": Change(ct.satisfied, prev.satisfied)})
    return render_template(
        "dashboard.html", year=year, years=year_choices(year), t=t, criteria=criteria,
        backlog=backlog, quarter_chart=quarter_svg(t), criteria_chart=criteria_svg(t),
        index_change=t.index_year_on_year, fresh=fresh)
