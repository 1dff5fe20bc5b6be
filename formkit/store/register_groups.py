"""The opinion groups in the register: what the store needs of them (Grouping, handed over by
formkit.app.register, which does the keyword classification), a typed group resolved, and
the entries classified again when the rules change. A person's group choice
(group_override) is never overwritten by the rules."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Protocol

from sqlalchemy import select

from formkit.catalogue import say
from formkit.errors import InputError
from formkit.store.core import Store, current_user
from formkit.store.models import RegisterEntry

# ---- the opinion groups, handed over by the application layer ---------------------------

class GroupMatch(Protocol):
    """The group a text falls in and why (formkit.analyze.classify.GroupMatch)."""

    @property
    def code(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def rule(self) -> str: ...
    @property
    def explanation(self) -> str: ...


class Grouping(Protocol):
    """What the register needs of the opinion groups: the store stores the group a text is
    given, it classifies nothing itself (formkit.app.register.grouping builds one from the
    workspace's rules file)."""

    @property
    def source(self) -> str: ...
    def match(self, text: str) -> GroupMatch: ...
    def resolve(self, typed: str) -> str | None: ...
    def labels(self) -> dict[str, str]: ...
    def name(self, code: str | None) -> str: ...


def needs_groups(rules: Grouping | None, what: str) -> Grouping:
    if rules is None:  # a caller's mistake, not the user's: the app layer always gives them
        raise TypeError(f"{what} needs the opinion groups (rules=formkit.app.register.grouping)")
    return rules


def resolve_group(rules: Grouping, typed: str) -> str:
    code = rules.resolve(typed)
    if code is None:
        known = "; ".join(f"{c} ({n})" for c, n in rules.labels().items())
        raise InputError(say("error.store.register.unknown_group", typed=typed),
                         hint=say("error.store.register.unknown_group.hint", known=known,
                                  source=rules.source))
    return code


# ---- classification ----------------------------------------------------------------------

@dataclass(frozen=True)
class EntryClassification:
    entry_id: int
    group: str  # the effective group
    name: str
    by: str  # "rules" or "person" (override kept)
    changed: bool  # the rules' group differs from what was stored
    explanation: str | None = None  # which rule matched (explain=True)


def classify(store: Store, year: int | None = None, explain: bool = False,
             rules: Grouping | None = None,
             actor: str | None = None) -> list[EntryClassification]:
    """Apply the rules file to the entries (of `year`, or all): each gets a group, "Khác"
    when nothing matches. Entries a person has grouped keep their group. Anonymised
    entries (no text left) keep the group they had."""
    rules = needs_groups(rules, "classify")
    actor = actor if actor is not None else current_user()
    out: list[EntryClassification] = []
    changed = 0
    with store.write_session() as s:
        q = select(RegisterEntry).order_by(RegisterEntry.entry_date, RegisterEntry.id)
        if year is not None:
            first, last = date(year, 1, 1), date(year, 12, 31)
            q = q.where(RegisterEntry.entry_date >= first, RegisterEntry.entry_date <= last)
        for e in s.scalars(q).all():
            if e.fingerprint.startswith("anonymized:"):
                continue
            match = rules.match(e.content)
            is_change = (match.code, match.rule) != (e.group_code, e.group_rule)
            if is_change:
                e.group_code, e.group_rule = match.code, match.rule
                changed += 1
            if e.group_override:
                out.append(EntryClassification(
                    e.id, e.group_override, rules.name(e.group_override), "person", False,
                    f"chọn bởi người dùng (quy tắc: {match.code} – {match.explanation})"
                    if explain else None))
            else:
                out.append(EntryClassification(e.id, match.code, match.name, "rules",
                                               is_change,
                                               match.explanation if explain else None))
        store.audit(s, "register_classify", actor, year=year, entries=len(out),
                    changed=changed, rules=rules.source)
    return out
