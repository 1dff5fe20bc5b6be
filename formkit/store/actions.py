"""Corrective actions under QT.SCT.04 (ISO 9001:2015 10.2): opened from a register entry or
from a survey criterion under its threshold, with the cause, the action, its owner and due
date, the status and the verification of its effect. Nothing is deleted: a closed action
stays, with the day it closed and whether it worked."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

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
            raise InputError(f"{what} is missing.", hint="Write the date as dd/mm/yyyy.")
        return default
    try:
        # a due date may lie in the future: only the lower bound of parse_date applies
        return parse_date(value, today=date(9999, 12, 31))
    except ValueError as exc:
        raise InputError(f"{what}: {exc}.", hint="Write the date as dd/mm/yyyy.") from None


def _text(value: str | None, what: str, required: bool = True) -> str:
    text = nfc(value or "").strip()
    if required and not text:
        raise InputError(f"{what} is empty; nothing was saved.",
                         hint="A corrective action needs its problem, action, owner and due "
                         "date (QT.SCT.04).")
    return text


def criterion_label(store: Store, field_id: str) -> str:
    """The survey row's label; InputError for a field that is no rating row."""
    spec = store.spec("05-02")
    f = spec.fields.get(field_id) if spec else None
    if f is None or {o.value for o in f.options} != {"tot", "dat", "chua_dat"}:
        rows = [fid for fid, fl in (spec.fields.items() if spec else ())
                if {o.value for o in fl.options} == {"tot", "dat", "chua_dat"}]
        raise InputError(f"{field_id!r} is not a rated criterion of the survey.",
                         hint="Use one of: " + ", ".join(rows))
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
        raise InputError("A corrective action is opened from one register entry or one "
                         "survey criterion (not both, not neither).",
                         hint="Give --entry N or --criterion FIELD.")
    opened = _day(opened_on, "Opened on (Ngày mở)", date.today())
    due = _day(due_on, "Due date (Thời hạn)")
    if due < opened:
        raise InputError(f"The due date {due:%d/%m/%Y} is before the day the action is "
                         f"opened ({opened:%d/%m/%Y}).", hint="Check the due date.")
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
                raise InputError(f"There is no register entry #{entry_id} (or it was voided).",
                                 hint="List the entries with `formkit register list`.")
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
        raise InputError(f"Cannot change {sorted(unknown)} of a corrective action.",
                         hint=f"Changeable: {sorted(allowed)}.")
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
            raise InputError(f"Corrective action #{action_id} was already closed on "
                             f"{a.closed_on:%d/%m/%Y}; nothing changed.")
        if day < a.opened_on:
            raise InputError(f"Action #{action_id} was opened on {a.opened_on:%d/%m/%Y}; it "
                             f"cannot close before, on {day:%d/%m/%Y}.")
        a.status, a.closed_on, a.verification, a.effective = "closed", day, text, effective
        a.updated = now()
        store.audit(s, "action_close", actor, action_id=action_id, effective=effective)
        return _record(a)


def _get(s: Any, action_id: int) -> CorrectiveAction:
    a = s.get(CorrectiveAction, action_id)
    if a is None:
        raise InputError(f"There is no corrective action #{action_id}.",
                         hint="List them with `formkit actions list`.")
    return a


def list_actions(store: Store, year: int | None = None, status: str | None = None
                 ) -> list[ActionRecord]:
    """Corrective actions in the order they were opened (of a year and/or status)."""
    if status is not None and status not in ACTION_STATUSES:
        raise InputError(f"Unknown action status {status!r}.",
                         hint=f"Use one of: {', '.join(ACTION_STATUSES)}.")
    with store.read_session() as s:
        q = select(CorrectiveAction).order_by(CorrectiveAction.opened_on, CorrectiveAction.id)
        if year is not None:
            q = q.where(CorrectiveAction.year == year)
        if status is not None:
            q = q.where(CorrectiveAction.status == status)
        return [_record(a) for a in s.scalars(q).all()]


def status_label(code: str) -> str:
    return ACTION_STATUSES.get(code, code)
