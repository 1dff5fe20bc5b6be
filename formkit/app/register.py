"""Register verbs (BM.QT.SCT.05-01): add, correct, void, list, import, classify, copy the
surveys' comments, and the register workbook. Each opens its own store session unless one
is lent (`store=`), and passes `actor` to the audit entry the register writes; `actor=None`
is the operating-system user, as the command line has always recorded."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from formkit.analyze.classify import GroupMatch, GroupRules, classify_text, load_rules
from formkit.app import _audit
from formkit.app._session import session
from formkit.config import Settings
from formkit.export.register_xlsx import build_register_workbook, export_register
from formkit.spec import load_form, template_path
from formkit.store import Store
from formkit.store import register as _reg
from formkit.store import register_groups as _groups
from formkit.store import register_import as _import
from formkit.store import register_surveys as _surveys
from formkit.store.register import (
    SOURCES,
    STATUSES,
    parse_date,
    source_label,
    status_label,
)
from formkit.store.register_groups import EntryClassification
from formkit.store.register_import import ImportReport, RegisterImportError
from formkit.store.register_surveys import CommentsReport
from formkit.store.rows import RegisterRecord

__all__ = [
    "SOURCES", "STATUSES", "CommentsReport", "EntryClassification", "GroupRules", "ImportReport",
    "RegisterImportError", "RegisterRecord", "RegisterWorkbook", "add_entry",
    "workbook_download", "classify", "comments_to_register", "export_workbook", "get_entry",
    "group_rules", "grouping", "import_register", "list_entries", "parse_date", "set_group",
    "set_status", "source_label", "status_label", "update_entry", "void_entry",
]


def group_rules(settings: Settings) -> GroupRules:
    """The opinion groups and their keyword rules (form_templates/feedback_groups.yaml)."""
    return load_rules(settings=settings)


@dataclass(frozen=True)
class RuleGrouping:
    """The opinion groups as the register's store functions take them
    (formkit.store.register.Grouping): the keyword classification is computed here, in the
    application layer; the store only stores the group it is given."""

    rules: GroupRules

    @property
    def source(self) -> str:
        return str(self.rules.source)

    def match(self, text: str) -> GroupMatch:
        return classify_text(text, self.rules)

    def resolve(self, typed: str) -> str | None:
        return self.rules.resolve(typed)

    def labels(self) -> dict[str, str]:
        return self.rules.labels()

    def name(self, code: str | None) -> str:
        return self.rules.name(code)


def grouping(settings: Settings, rules: GroupRules | None = None) -> RuleGrouping:
    """The workspace's groups (or `rules`) for the register's store functions."""
    return RuleGrouping(rules or group_rules(settings))


def add_entry(settings: Settings, actor: str | None, *, store: Store | None = None,
              **fields: Any) -> RegisterRecord:
    """One entry typed by a person (fields as formkit.store.register.add_entry)."""
    with session(settings, store) as st:
        return _reg.add_entry(st, actor=actor, rules=grouping(settings), **fields)


def update_entry(settings: Settings, entry_id: int, actor: str | None, *,
                 store: Store | None = None, **fields: Any) -> RegisterRecord:
    with session(settings, store) as st:
        return _reg.update_entry(st, entry_id, actor=actor, rules=grouping(settings),
                                 **fields)


def get_entry(settings: Settings, entry_id: int, *, store: Store | None = None
              ) -> RegisterRecord:
    with session(settings, store) as st:
        return _reg.get_entry(st, entry_id)


def list_entries(settings: Settings, *, store: Store | None = None,
                 **filters: Any) -> list[RegisterRecord]:
    """Entries in date order (filters as formkit.store.register.list_entries)."""
    with session(settings, store) as st:
        return _reg.list_entries(st, **{**filters,
                                         "rules": grouping(settings, filters.get("rules"))})


def set_group(settings: Settings, entry_id: int, group: str | None, actor: str | None, *,
              store: Store | None = None, rules: GroupRules | None = None) -> RegisterRecord:
    with session(settings, store) as st:
        return _reg.set_group(st, entry_id, group, actor=actor,
                              rules=grouping(settings, rules))


def set_status(settings: Settings, entry_id: int, status: str, actor: str | None, *,
               handled_on: date | str | None = None, store: Store | None = None
               ) -> RegisterRecord:
    with session(settings, store) as st:
        return _reg.set_status(st, entry_id, status, actor=actor, handled_on=handled_on)


def void_entry(settings: Settings, entry_id: int, reason: str, actor: str | None, *,
               store: Store | None = None) -> RegisterRecord:
    with session(settings, store) as st:
        return _reg.void_entry(st, entry_id, reason, actor=actor)


def classify(settings: Settings, actor: str | None, *, year: int | None = None,
             explain: bool = False, rules: GroupRules | None = None,
             store: Store | None = None) -> list[EntryClassification]:
    with session(settings, store) as st:
        return _groups.classify(st, year=year, explain=explain, rules=grouping(settings, rules),
                             actor=actor)


def import_register(settings: Settings, path: Path, actor: str | None, *,
                    store: Store | None = None, **options: Any) -> ImportReport:
    """A register kept in Excel or CSV (options as formkit.store.register.import_register)."""
    with session(settings, store) as st:
        return _import.import_register(st, path, actor=actor, rules=grouping(settings),
                                       **options)


def comments_to_register(settings: Settings, year: int, actor: str | None, *,
                         store: Store | None = None) -> CommentsReport:
    with session(settings, store) as st:
        return _surveys.comments_to_register(st, year, actor=actor, rules=grouping(settings))


@dataclass(frozen=True)
class RegisterWorkbook:
    path: Path
    entries: int  # entries of the year in it


def export_workbook(settings: Settings, year: int, actor: str | None = None, *,
                    store: Store | None = None, audit_as: str | None = None
                    ) -> RegisterWorkbook:
    """The register workbook exports/<year>/BM.QT.SCT.05-01_<year>.xlsx."""
    with session(settings, store) as st:
        count = len(_reg.list_entries(st, year=year))
        path = export_register(settings, year, store=st)
        _audit.record(st, audit_as, actor, year=year, file=path.name)
        return RegisterWorkbook(path, count)


def workbook_download(settings: Settings, year: int, actor: str | None, *, unit: str = "",
                      source: str = "", group: str = "", status: str = "", text: str = "",
                      store: Store | None = None, audit_as: str | None = None
                      ) -> tuple[bytes, int]:
    """The register workbook of `year` narrowed by the list's filters (empty: no filter),
    voided entries left out, as bytes for a download; with the number of entries in it."""
    rules = load_rules(settings=settings)
    with session(settings, store) as st:
        entries = _reg.list_entries(st, year=year, unit=unit or None, source=source or None,
                                    group=group or None, status=status or None,
                                    text=text or None, rules=grouping(settings, rules))
        spec = load_form(template_path(settings.templates_dir, "05-01"))
        wb = build_register_workbook(settings, spec, year, entries, rules)
        buf = io.BytesIO()
        wb.save(buf)
        _audit.record(st, audit_as, actor, year=year, unit=unit, entries=len(entries),
                      filtered=any((source, group, status, text)))
        return buf.getvalue(), len(entries)
