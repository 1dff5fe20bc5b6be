"""Corrective actions (QT.SCT.04) and the survey answers that call for one: the verbs the
command line and the web list call (the work is in formkit.store.actions and
formkit.analyze.indicators)."""

from __future__ import annotations

from formkit.analyze.indicators import count_actions
from formkit.store import open_store
from formkit.store.actions import close_action, list_actions, open_action, status_label
from formkit.store.register import survey_alerts

__all__ = ["close_action", "count_actions", "list_actions", "open_action", "open_store",
           "status_label", "survey_alerts"]
