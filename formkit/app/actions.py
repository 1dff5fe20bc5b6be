"""Corrective actions (QT.SCT.04) and the survey answers that call for one: the verbs the
command line and the web list call (the work is in formkit.store.actions and
formkit.analyze.indicators)."""

from __future__ import annotations

from formkit.analyze.indicators import count_actions
from formkit.app.register import grouping
from formkit.store import Store, open_store
from formkit.store import register_surveys as _surveys
from formkit.store.actions import close_action, list_actions, open_action, status_label

__all__ = ["close_action", "count_actions", "list_actions", "open_action", "open_store",
           "status_label", "survey_alerts"]


def survey_alerts(store: Store, year: int, actor: str | None = None) -> tuple[int, int]:
    """Register entries for the year's survey answers that ask for handling, grouped by the
    workspace's rules (formkit.store.register_surveys.survey_alerts): (added, already there)."""
    return _surveys.survey_alerts(store, year, actor=actor, rules=grouping(store.settings))
