"""The register's store functions (formkit.store.register and its import and survey parts)
called as the application layer calls them: with the workspace's opinion groups
(formkit.app.register.grouping), unless a test hands its own `rules`. The store classifies
nothing itself since the classification moved up to the application layer."""

from __future__ import annotations

from typing import Any

from formkit.app.register import grouping
from formkit.store import Store
from formkit.store import register as _reg
from formkit.store import register_groups as _groups
from formkit.store import register_import as _import
from formkit.store import register_surveys as _surveys
from formkit.store.register import (  # noqa: F401  (the tests' namespace)
    SOURCES,
    STATUSES,
    feedback_timing,
    get_entry,
    parse_date,
    set_status,
    source_label,
    status_label,
    void_entry,
)
from formkit.store.register_import import ImportReport, RegisterImportError  # noqa: F401


def _rules(store: Store, kw: dict[str, Any]) -> dict[str, Any]:
    return {**kw, "rules": grouping(store.settings, kw.get("rules"))}


def add_entry(store: Store, **kw: Any) -> Any:
    return _reg.add_entry(store, **_rules(store, kw))


def update_entry(store: Store, entry_id: int, **kw: Any) -> Any:
    return _reg.update_entry(store, entry_id, **_rules(store, kw))


def list_entries(store: Store, *args: Any, **kw: Any) -> Any:
    return _reg.list_entries(store, *args, **_rules(store, kw))


def set_group(store: Store, entry_id: int, group: str | None, **kw: Any) -> Any:
    return _reg.set_group(store, entry_id, group, **_rules(store, kw))


def classify(store: Store, *args: Any, **kw: Any) -> Any:
    return _groups.classify(store, *args, **_rules(store, kw))


def import_register(store: Store, path: Any, **kw: Any) -> Any:
    return _import.import_register(store, path, **_rules(store, kw))


def survey_alerts(store: Store, year: int, **kw: Any) -> Any:
    return _surveys.survey_alerts(store, year, **_rules(store, kw))


def comments_to_register(store: Store, year: int, **kw: Any) -> Any:
    return _surveys.comments_to_register(store, year, **_rules(store, kw))
