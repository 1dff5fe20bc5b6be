"""Corrective actions under QT.SCT.04 (ISO 9001:2015 10.2): opened from a register entry or
from a survey criterion under its threshold, with the cause, the action, its owner and due
date, the status and the verification of its effect. Nothing is deleted: a closed action
stays, with the day it closed and whether it worked."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from formkit.catalogue import say
from formkit.errors import InputError
from formkit.store.core import Store, current_user, now
from formkit.store.models import CorrectiveAction, RegisterEntry
from formkit.store.register import parse_date, parse_unit
from formkit.store.rows import ActionRecord
from formkit.textnorm import nfc

#: status code → Vietnamese label
ACTION_STATUSES: dict[str, str] = {"open": "Đang thực hiện", "closed": "Đã hoàn thành"}


def _record(a: CorrectiveAction) -> ActionRecord:
    return ActionRecord(
        id=a.id, year=a.year, opened_on=a.opened_on, unit=a.unit or "", entry_id=a.entry_id,
        criterion=a.criterion, problem=a.problem or "", cause=a.cause or "",
        action=a.action or "", owner=a.owner or "", due_on=a.due_on,
        status=a.status or "open", closed_on=a.closed_on, verification=a.verification or "",
        effective=a.effective, created_by=a.created_by or "")


def _day(value: date | str | None, what: str, default: date | None = None) -> date:
    if value is None or value == "":
        if default is None:
            raise InputError(say("error.store.actions.missing", what=what),
                             hint=say("error.store.register.bad_handled_date.hint"))
        return default
    try:
        # a due date may lie in the future: only the lower bound of parse_date applies
        return parse_date(value, today=date(9999, 12, 31))
    except ValueError as exc:
        raise InputError(say("error.store.actions.bad_date", what=what, text=exc),
                         hint=say("error.store.register.bad_handled_date.hint")) from None


def _text(value: str | None, what: str, required: bool = True) -> str:
    text = nfc(value or "").strip()
    if required and not text:
        raise InputError(say("error.store.actions.empty", what=what),
                         hint=say("error.store.actions.empty.hint"))
    return text


def criterion_label(store: Store, field_id: str) -> str:
    """The survey row's label; InputError for a field that is no rating row."""
    spec = store.spec("05-02")
    f = spec.fields.get(field_id) if spec else None
    if f is None or {o.value for o in f.options} != {"tot", "dat", "chua_dat"}:
        rows = [fid for fid, fl in (spec.fields.items() if spec else ())
                if {o.value for o in fl.options} == {"tot", "dat", "chua_dat"}]
        raise InputError(say("error.store.actions.not_criterion", field=field_id),
                         hint=say("error.store.register.use_one_of", known=", ".join(rows)))
    return f.label


def open_action(store: Store, *, action: str, owner: str, due_on: date | str,
                problem: str = "", cause: str = "", entry_id: int | None = None,
                criterion: str | None = None, unit: str | None = None,
                opened_on: date | str | None = None, year: int | None = None,
                actor: str | None = None) -> ActionRecord:
    """Open a corrective action from a register entry (`entry_id`) or a survey criterion
    (`criterion`, a field id such as c4.dung_thoi_han). The problem defaults to the entry's
    content or the criterion's name; the unit and year to the entry's."""
    if (entry_id is None) == (criterion is None):
        raise InputError(say("error.store.actions.one_origin"),
                         hint=say("error.store.actions.one_origin.hint"))
    opened = _day(opened_on, "Opened on (Ngày mở)", date.today())
    due = _day(due_on, "Due date (Thời hạn)")
    if due < opened:
        raise InputError(say("error.store.actions.due_before", due=f"{due:%d/%m/%Y}",
                             opened=f"{opened:%d/%m/%Y}"),
                         hint=say("error.store.actions.due_before.hint"))
    action_text = _text(action, "The action (Biện pháp khắc phục)")
    owner_text = _text(owner, "The owner (Người/đơn vị thực hiện)")
    unit_code = parse_unit(store, unit) if unit else ""
    problem_text = _text(problem, "", required=False)
    if criterion is not None:
        label = criterion_label(store, criterion)
        problem_text = problem_text or f"Tiêu chí “{label}” dưới ngưỡng"
    actor = actor if actor is not None else current_user()
    with store.write_session() as s:
        if entry_id is not None:
            e = s.get(RegisterEntry, entry_id)
            if e is None or e.voided_at is not None:
                raise InputError(say("error.store.actions.no_entry", id=entry_id),
                                 hint=say("error.store.register.no_entry.hint"))
            problem_text = problem_text or e.content
            unit_code = unit_code or e.unit or ""
            year = year or e.entry_date.year
        a = CorrectiveAction(
            year=year or opened.year, opened_on=opened, unit=unit_code, entry_id=entry_id,
            criterion=criterion, problem=problem_text, cause=_text(cause, "", False),
            action=action_text, owner=owner_text, due_on=due, status="open",
            verification="", effective=None, created=now(), created_by=actor)
        s.add(a)
        s.flush()
        store.audit(s, "action_open", actor, action_id=a.id, entry=entry_id,
                    criterion=criterion, due=due.isoformat())
        return _record(a)


def update_action(store: Store, action_id: int, actor: str | None = None,
                  **changes: Any) -> ActionRecord:
    """Change cause, action, owner, problem or due date of an action."""
    allowed = {"cause", "action", "owner", "problem", "due_on"}
    unknown = set(changes) - allowed
    if unknown:
        raise InputError(say("error.store.actions.cannot_change", fields=sorted(unknown)),
                         hint=say("error.store.actions.cannot_change.hint",
                                  allowed=sorted(allowed)))
    actor = actor if actor is not None else current_user()
    with store.write_session() as s:
        a = _get(s, action_id)
        for key, value in changes.items():
            if value is None:
                continue
            if key == "due_on":
                a.due_on = _day(value, "Due date (Thời hạn)")
            else:
                setattr(a, key, _text(value, key, required=key in ("action", "owner")))
        a.updated = now()
        store.audit(s, "action_edit", actor, action_id=action_id,
                    fields=sorted(k for k, v in changes.items() if v is not None))
        return _record(a)


def close_action(store: Store, action_id: int, verification: str, effective: bool,
                 closed_on: date | str | None = None, actor: str | None = None
                 ) -> ActionRecord:
    """Close an action with the verification of its effect (what was checked, and whether
    the problem stopped). Closing twice is refused."""
    text = _text(verification, "The verification of effect (Kiểm tra hiệu lực)")
    day = _day(closed_on, "Closed on (Ngày hoàn thành)", date.today())
    actor = actor if actor is not None else current_user()
    with store.write_session() as s:
        a = _get(s, action_id)
        if a.status == "closed":
            raise InputError(say("error.store.actions.already_closed", id=action_id,
                                 on=f"{a.closed_on:%d/%m/%Y}"))
        if day < a.opened_on:
            raise InputError(say("error.store.actions.close_before", id=action_id,
                                 opened=f"{a.opened_on:%d/%m/%Y}", day=f"{day:%d/%m/%Y}"))
        a.status, a.closed_on, a.verification, a.effective = "closed", day, text, effective
        a.updated = now()
        store.audit(s, "action_close", actor, action_id=action_id, effective=effective)
        return _record(a)


def _get(s: Any, action_id: int) -> CorrectiveAction:
    a = s.get(CorrectiveAction, action_id)
    if a is None:
        raise InputError(say("error.store.actions.no_action", id=action_id),
                         hint=say("error.store.actions.no_action.hint"))
    return a


def list_actions(store: Store, year: int | None = None, status: str | None = None
                 ) -> list[ActionRecord]:
    """Corrective actions in the order they were opened (of a year and/or status)."""
    if status is not None and status not in ACTION_STATUSES:
        raise InputError(say("error.store.actions.unknown_status", status=status),
                         hint=say("error.store.register.use_one_of",
                                  known=", ".join(ACTION_STATUSES) + "."))
    with store.read_session() as s:
        q = select(CorrectiveAction).order_by(CorrectiveAction.opened_on, CorrectiveAction.id)
        if year is not None:
            q = q.where(CorrectiveAction.year == year)
        if status is not None:
            q = q.where(CorrectiveAction.status == status)
        return [_record(a) for a in s.scalars(q).all()]


def status_label(code: str) -> str:
    return ACTION_STATUSES.get(code, code)
