"""Tổng quan: satisfaction per criterion and overall index by quarter against the same
quarter last year, sheets read, review backlog, register entries by group.

The figures are formkit.export.annual.year_tallies over the store's records, the same
numbers the annual report prints. They are cached per year until the data changes: every
change to the records writes an audit line, so the newest audit id (and the serial ledger's
time stamp, for the response rate) tells when to recompute. A large year (10,000 answers
take a few tenths of a second to read and count) is recomputed in the background while the
page shows the figures it had, saying so.

The response counts (the slow part) are also kept on disk, under the data version they were
made at, so that a restarted server shows the overview at once: current when nothing has
changed meanwhile, otherwise as figures being updated while it recounts.
"""

from __future__ import annotations

import gc
import json
import logging
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, current_app, render_template, request

from formkit.app import evaluation
from formkit.app.evaluation import Change, ResponseCounts, YearTallies
from formkit.config import Settings
from formkit.web.app import ctx, requires
from formkit.web.charts import criteria_svg, quarter_svg

bp = Blueprint("dashboard", __name__)
log = logging.getLogger("formkit.web")

#: a recomputation slower than this is done in the background next time (seconds)
SYNC_LIMIT_S = 0.15
#: longest a page waits for a computation already running when it has nothing to show
WAIT_S = 30.0
#: format of the kept counts file; another number is ignored (and overwritten)
KEPT_FORMAT = 1


def _data_version() -> tuple[Any, ...]:
    c = ctx()
    # the web app's own audit lines (logins, uploads, exports) change no figure
    newest = evaluation.data_version(c.store)
    ledger = c.settings.exports_dir / "forms" / "issued_serials.jsonl"
    try:
        stamp = ledger.stat().st_mtime_ns
    except OSError:
        stamp = 0
    return (newest, stamp)


@dataclass
class _Entry:
    version: tuple[Any, ...]
    tallies: YearTallies
    seconds: float  # how long computing them took


@contextmanager
def _gc_paused() -> Iterator[None]:
    """No garbage collection while a year's responses are read and counted: they hold no
    reference cycles, and collecting again and again among the tens of thousands of new
    objects costs about a third of the time. Concurrent users are fine: whoever paused it
    first resumes it."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _kept_path(settings: Settings, year: int) -> Path:
    return settings.cache_dir / f"tong_quan_{year}.json"


def _keep(c: Any, year: int, version: tuple[Any, ...], counts: ResponseCounts,
          seconds: float) -> None:
    """Write the counts for the next start; a failure only costs that start a recount."""
    path = _kept_path(c.settings, year)
    data = {"format": KEPT_FORMAT, "database": c.store.where, "year": year,
            "version": list(version), "seconds": seconds, "counts": counts.to_json()}
    tmp = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)  # readers never see half a file
    except OSError:
        log.warning("could not keep the overview's counts in %s", path, exc_info=True)
        tmp.unlink(missing_ok=True)


def _kept(c: Any, year: int) -> tuple[tuple[Any, ...], ResponseCounts, float] | None:
    """(version, counts, seconds) kept by _keep for this database, or None (none,
    unreadable, another format or database)."""
    path = _kept_path(c.settings, year)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if (data.get("format") != KEPT_FORMAT or data.get("year") != year
                or data.get("database") != c.store.where):
            return None
        return (tuple(data["version"]), ResponseCounts.from_json(data["counts"]),
                float(data["seconds"]))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        log.warning("ignoring the overview's kept counts %s", path, exc_info=True)
        return None


def _tallies(c: Any, year: int, counts: ResponseCounts) -> YearTallies:
    return evaluation.tallies_from_counts(c.settings, year, counts, c.store)


def _publish(c: Any, year: int, entry: _Entry) -> _Entry:
    """Cache `entry` unless newer figures are there already; returns what is cached."""
    with c.cache_lock:
        old = c.cache.get(("tallies", year))
        if old is None or old.version <= entry.version:  # never replace newer figures
            c.cache[("tallies", year)] = old = entry
        return old


def _compute(app: Flask, year: int, version: tuple[Any, ...]) -> _Entry:
    with app.app_context():
        c = ctx()
        t0 = time.perf_counter()
        with _gc_paused():
            counts = evaluation.count_responses(c.settings, year, c.store)
        t = _tallies(c, year, counts)
        seconds = time.perf_counter() - t0
        entry = _publish(c, year, _Entry(version, t, seconds))
        _keep(c, year, version, counts, seconds)
        return entry


def _from_kept(app: Flask, year: int, version: tuple[Any, ...]) -> _Entry | None:
    """The figures of the counts kept on disk, cached; None without any. They may be older
    than `version` (the data now), never newer: that is a database put back from a copy,
    whose figures are recounted."""
    c = app.extensions["formkit"]
    kept = _kept(c, year)
    if kept is None or kept[0] > version:
        return None
    kept_version, counts, seconds = kept
    try:
        t = _tallies(c, year, counts)
    except ValueError:  # counted with another template: recount
        return None
    return _publish(c, year, _Entry(kept_version, t, seconds))


def _claim(app: Flask, year: int) -> bool:
    """Mark a computation of `year` as running; False when one already is."""
    c = app.extensions["formkit"]
    with c.cache_lock:
        if ("computing", year) in c.cache:
            return False
        c.cache[("computing", year)] = threading.Event()
        return True


def _release(app: Flask, year: int) -> None:
    """End what _claim started, waking the pages waiting for it."""
    c = app.extensions["formkit"]
    with c.cache_lock:
        running = c.cache.pop(("computing", year), None)
    if running is not None:
        running.set()


def _recompute(app: Flask, year: int, version: tuple[Any, ...]) -> None:
    """A computation claimed with _claim, in a background thread."""
    try:
        _compute(app, year, version)
    except Exception:  # the page keeps the figures it has; the next view retries
        log.exception("recomputing the overview of %s failed", year)
    finally:
        _release(app, year)


def _refresh_later(app: Flask, year: int, version: tuple[Any, ...]) -> None:
    if _claim(app, year):
        threading.Thread(target=_recompute, args=(app, year, version),
                         name=f"formkit-tallies-{year}", daemon=True).start()


def tallies_for(year: int) -> tuple[YearTallies, bool]:
    """(tallies of `year` with last year's for the comparisons, fresh).

    Cached until the records change. When they have changed and the last computation was
    slow (a large year: over SYNC_LIMIT_S), the figures computed before are shown at once,
    marked as being updated, while a background thread recomputes them: the page never
    waits a second for them. Small years are simply recomputed. After a restart the
    figures computed before are those of the counts kept on disk."""
    c = ctx()
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    version = _data_version()
    with c.cache_lock:
        hit = c.cache.get(("tallies", year))
        running = c.cache.get(("computing", year))
    if hit is None and running is not None:  # the start-up computation: wait for it
        running.wait(WAIT_S)
        with c.cache_lock:
            hit = c.cache.get(("tallies", year))
    if hit is None:
        hit = _from_kept(app, year, version)
    if hit is not None and hit.version == version:
        return hit.tallies, True
    if hit is not None and hit.seconds > SYNC_LIMIT_S:
        _refresh_later(app, year, version)
        return hit.tallies, False
    return _compute(app, year, version).tallies, True


def warm_up(app: Flask, year: int | None = None) -> None:
    """Compute this year's overview in the background when the server starts (at once from
    the kept counts when nothing changed since), then start the reading processes' fork
    server so that the first upload shows progress at once."""
    year = year or date.today().year
    claimed = _claim(app, year)  # before the thread starts: a first page waits for it

    def run() -> None:
        if claimed:
            try:
                with app.app_context():
                    version = _data_version()
                    hit = _from_kept(app, year, version)
                    if hit is None or hit.version != version:
                        _compute(app, year, version)
            except Exception:  # a warm-up only saves time: the page computes on its own
                log.warning("warming up the overview of %s failed", year, exc_info=True)
            finally:
                _release(app, year)
        try:
            app.extensions["formkit"].jobs.start()
        except Exception:  # the first upload starts them again and reports a failure
            log.warning("starting the reading processes failed", exc_info=True)

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
