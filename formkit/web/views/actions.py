"""Hành động khắc phục: the corrective actions (QT.SCT.04) of a year, with their counts
(opened, closed, overdue) as the report gives them. Opening and closing are done with
`formkit actions`; this page lists them for the ISO team and the units."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, render_template

from formkit.app.actions import count_actions, list_actions, status_label
from formkit.web.app import ctx, requires
from formkit.web.views.dashboard import year_arg, year_choices

bp = Blueprint("actions", __name__, url_prefix="/khac-phuc")


@bp.route("/")
@requires("staff")
def index() -> Any:
    c = ctx()
    year = year_arg()
    today = date.today()
    as_of = min(today, date(year, 12, 31))
    actions = list_actions(c.store, year=year)
    spec = c.store.spec("05-02")
    labels = {fid: f.label for fid, f in spec.fields.items()} if spec else {}
    rows = [{"a": a, "origin": (f"Sổ ghi nhận #{a.entry_id}" if a.entry_id is not None
                                else f"Tiêu chí: {labels.get(a.criterion or '', a.criterion)}"),
             "status": status_label(a.status), "overdue": a.overdue(as_of)} for a in actions]
    return render_template("actions.html", year=year, years=year_choices(year), rows=rows,
                           counts=count_actions(actions, year, as_of),
                           procedure=c.settings.corrective_procedure)
