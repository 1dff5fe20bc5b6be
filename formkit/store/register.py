"""The register BM.QT.SCT.05-01 (Sổ ghi nhận ý kiến của khách hàng): entries added by hand,
imported from XLSX/CSV registers, or taken from the "Ý kiến khác" comments of surveys;
their classification into opinion groups.

Every entry has a fingerprint (a hash of date, customer, content, receiver, unit and
source): importing the same file twice, or adding the same entry twice, adds nothing.
A person's group choice (group_override) is never overwritten by the rules.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select

from formkit.catalogue import say
from formkit.errors import InputError
from formkit.store.core import Store, current_user, now
from formkit.store.models import RegisterEntry
from formkit.store.records import FeedbackTiming
from formkit.store.register_groups import Grouping, needs_groups, resolve_group
from formkit.store.rows import RegisterRecord
from formkit.textnorm import fold, nfc

# ---- vocabularies ----------------------------------------------------------------------

#: Sources of feedback (QT.SCT.05 section 5.2): code → Vietnamese label
SOURCES: dict[str, str] = {
    "khieu_nai": "Phản ánh, khiếu nại của khách hàng",
    "tiep_dan": "Công tác tiếp dân (Sổ tiếp dân)",
    "truyen_thong": "Phương tiện truyền thông",
    "hop": "Cuộc họp, trao đổi trực tiếp",
    "cap_tren": "Cấp có thẩm quyền (kể cả cấp trên)",
    "khao_sat": "Kết quả thăm dò (phiếu khảo sát)",
}
_SOURCE_ALIASES: dict[str, tuple[str, ...]] = {
    "khieu_nai": ("khiếu nại", "phản ánh", "phản ảnh", "phản ánh, khiếu nại", "đơn thư",
                  "complaint"),
    "tiep_dan": ("tiếp dân", "sổ tiếp dân", "tiếp công dân", "công tác tiếp dân"),
    "truyen_thong": ("truyền thông", "báo chí", "báo", "mạng xã hội", "media"),
    "hop": ("họp", "cuộc họp", "hội nghị", "trao đổi trực tiếp", "meeting"),
    "cap_tren": ("cấp trên", "cấp có thẩm quyền", "ubnd tỉnh", "bộ công thương"),
    "khao_sat": ("khảo sát", "phiếu khảo sát", "thăm dò", "lấy ý kiến", "survey"),
}

#: Handling status: code → Vietnamese label
STATUSES: dict[str, str] = {"handled": "Đã xử lý", "pending": "Chưa xử lý"}
_STATUS_ALIASES: dict[str, tuple[str, ...]] = {
    "handled": ("đã xử lý", "đã giải quyết", "đã trả lời", "xong", "hoàn thành", "done", "x"),
    "pending": ("chưa xử lý", "đang xử lý", "chưa giải quyết", "đang giải quyết", "chưa"),
}

#: Survey text fields whose reviewed comments become register entries
COMMENT_FIELDS = ("c1.y_kien_khac", "c3.y_kien_khac", "c4.y_kien_khac")
NAME_FIELD = "to_chuc"

EARLIEST_DATE = date(2000, 1, 1)


def _index(labels: dict[str, str], aliases: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """folded code, label or alias → code"""
    out: dict[str, str] = {}
    for code, label in labels.items():
        for name in (code, label, *aliases.get(code, ())):
            out.setdefault(fold(name), code)
    return out


_SOURCE_INDEX = _index(SOURCES, _SOURCE_ALIASES)
_STATUS_INDEX = _index(STATUSES, _STATUS_ALIASES)


def parse_source(typed: str) -> str:
    """A source code from its code or Vietnamese label (accent-insensitive)."""
    code = _SOURCE_INDEX.get(fold(typed))
    if code is None:
        raise InputError(say("error.store.register.unknown_source", typed=typed),
                         hint=say("error.store.register.use_one_of", known="; ".join(
                             f"{c} ({label})" for c, label in SOURCES.items())))
    return code


def parse_status(typed: str) -> str:
    code = _STATUS_INDEX.get(fold(typed))
    if code is None:
        raise InputError(say("error.store.register.unknown_status", typed=typed),
                         hint=say("error.store.register.unknown_status.hint"))
    return code


def parse_unit(store: Store, typed: str | None) -> str:
    """A unit code from a code or a unit name of formkit.toml; '' for nothing."""
    text = nfc(typed)
    if not text:
        return ""
    wanted = fold(text)
    for u in store.settings.units:
        if wanted in (fold(u.code), fold(u.name)):
            return u.code
    known = ", ".join(f"{u.code} ({u.name})" for u in store.settings.units) or "(none)"
    raise InputError(say("error.store.register.unknown_unit", typed=text),
                     hint=say("error.store.register.unknown_unit.hint", known=known))


_DMY = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{2,4})$")
_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_WORDS = re.compile(r"^ngay\s*(\d{1,2})\s*thang\s*(\d{1,2})\s*nam\s*(\d{4})$")
# Excel's day 0 (the 1900 leap-year bug makes this the right epoch for dates after 1900-03-01)
_EXCEL_EPOCH = date(1899, 12, 30)


def parse_date(value: Any, today: date | None = None) -> date:
    """A register date from dd/mm/yyyy, d/m/yyyy, yyyy-mm-dd, "ngày 5 tháng 3 năm 2025",
    a real Excel date or an Excel day number. ValueError says why not; dates before 2000
    or in the future are refused (a typing error, most likely)."""
    today = today or date.today()
    if isinstance(value, datetime):
        d = value.date()
    elif isinstance(value, date):
        d = value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        if not 1 <= value < 2958466:
            raise ValueError(f"{value!r} is not a date")
        d = _EXCEL_EPOCH + timedelta(days=int(value))
    else:
        text = nfc(str(value) if value is not None else "")
        if not text:
            raise ValueError("the date is missing")
        folded = fold(text)
        if (m := _DMY.match(folded)) is not None:
            if len(m[3]) != 4:
                raise ValueError(f"{text!r}: write the year with four digits (dd/mm/yyyy)")
            d = _real_date(int(m[3]), int(m[2]), int(m[1]), text)
        elif (m := _YMD.match(folded)) is not None:
            d = _real_date(int(m[1]), int(m[2]), int(m[3]), text)
        elif (m := _WORDS.match(folded)) is not None:
            d = _real_date(int(m[3]), int(m[2]), int(m[1]), text)
        else:
            raise ValueError(f"{text!r} is not a date; write dd/mm/yyyy")
    if d < EARLIEST_DATE:
        raise ValueError(f"{d:%d/%m/%Y} is before {EARLIEST_DATE:%Y}: probably a typing error")
    if d > today:
        raise ValueError(f"{d:%d/%m/%Y} is in the future (today is {today:%d/%m/%Y})")
    return d


def _real_date(year: int, month: int, day: int, text: str) -> date:
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise ValueError(f"{text!r} is not a real date ({exc})") from None


def fingerprint(entry_date: date, customer: str, content: str, receiver: str, unit: str,
                source: str) -> str:
    """Identity of an entry for duplicate detection (case- and spacing-insensitive)."""
    parts = [entry_date.isoformat(), *(nfc(x).casefold() for x in (customer, content,
                                                                    receiver)), unit, source]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def searchable(*texts: str) -> str:
    return fold(" ".join(t for t in texts if t))


def _record(e: RegisterEntry) -> RegisterRecord:
    return RegisterRecord(
        id=e.id, entry_date=e.entry_date, customer=e.customer or "", content=e.content or "",
        receiver=e.receiver or "", unit=e.unit or "", source=e.source,
        confirmation=e.confirmation or "", status=e.status or "pending",
        group_code=e.group_code or "khac", group_rule=e.group_rule,
        group_override=e.group_override, sheet_id=e.sheet_id, import_file=e.import_file,
        import_row=e.import_row, created=e.created, created_by=e.created_by or "",
        voided_at=e.voided_at, voided_by=e.voided_by or "", void_reason=e.void_reason or "",
        handled_on=e.handled_on)


def _year_bounds(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


# ---- adding, listing, changing -----------------------------------------------------------

def _typed_values(store: Store, entry_date: date | str, content: str, customer: str,
                  receiver: str, unit: str | None, source: str, confirmation: str,
                  hint: str) -> dict[str, Any]:
    """The fields a person types for an entry, parsed, checked and NFC (column → value)."""
    try:
        day = parse_date(entry_date)
    except ValueError as exc:
        raise InputError(say("error.store.register.bad_date", text=exc),
                         hint=say("error.store.register.bad_date.hint")) from None
    content = nfc(content)
    if not content:
        raise InputError(say("error.store.register.no_content"), hint=hint)
    return {"entry_date": day, "content": content, "customer": nfc(customer),
            "receiver": nfc(receiver), "unit": parse_unit(store, unit),
            "source": parse_source(source), "confirmation": nfc(confirmation)}


def add_entry(store: Store, *, entry_date: date | str, content: str, customer: str = "",
              receiver: str = "", unit: str | None = None, source: str = "khieu_nai",
              confirmation: str = "", status: str = "pending", group: str | None = None,
              actor: str | None = None, rules: Grouping | None = None) -> RegisterRecord:
    """Add one entry typed by a person. `group` (code or name) is kept as a person's choice;
    without it the rules decide. Adding the same entry twice is refused (InputError)."""
    v = _typed_values(store, entry_date, content, customer, receiver, unit, source,
                      confirmation, hint="Give the content with --content \"…\".")
    day, content, customer, receiver = v["entry_date"], v["content"], v["customer"], \
        v["receiver"]
    unit_code, source_code, confirmation = v["unit"], v["source"], v["confirmation"]
    rules = needs_groups(rules, "add_entry")
    status_code = parse_status(status)
    override = resolve_group(rules, group) if group else None
    fp = fingerprint(day, customer, content, receiver, unit_code, source_code)
    match = rules.match(content)
    actor = actor if actor is not None else current_user()
    with store.write_session() as s:
        existing = s.scalar(select(RegisterEntry.id).where(RegisterEntry.fingerprint == fp))
        if existing is not None:
            raise InputError(say("error.store.register.duplicate", id=existing),
                             hint=say("error.store.register.duplicate.hint"))
        e = RegisterEntry(
            entry_date=day, customer=customer, content=content, receiver=receiver,
            unit=unit_code, source=source_code, confirmation=confirmation, status=status_code,
            group_code=match.code, group_rule=match.rule, group_override=override,
            fingerprint=fp, search_text=searchable(customer, content, receiver,
                                                     confirmation),
            created=now(), created_by=actor)
        s.add(e)
        s.flush()
        store.audit(s, "register_add", actor, entry=e.id, date=day.isoformat(),
                    source=source_code, unit=unit_code)
        return _record(e)


def update_entry(store: Store, entry_id: int, *, entry_date: date | str, content: str,
                 customer: str = "", receiver: str = "", unit: str | None = None,
                 source: str = "khieu_nai", confirmation: str = "",
                 actor: str | None = None, rules: Grouping | None = None) -> RegisterRecord:
    """Correct what was written for an entry. The duplicate check, the search text and the
    rules' group follow the new text; a person's group choice and the status are kept. The
    audit log names the changed fields, not their (personal) content."""
    values = _typed_values(store, entry_date, content, customer, receiver, unit, source,
                           confirmation, hint="An entry needs its content; nothing was changed.")
    day, content = values["entry_date"], values["content"]
    rules = needs_groups(rules, "update_entry")
    fp = fingerprint(day, values["customer"], content, values["receiver"], values["unit"],
                     values["source"])
    match = rules.match(content)
    actor = actor if actor is not None else current_user()
    with store.write_session() as s:
        e = s.get(RegisterEntry, entry_id)
        if e is None:
            raise InputError(say("error.store.register.no_entry", id=entry_id),
                             hint=say("error.store.register.no_entry.hint"))
        other = s.scalar(select(RegisterEntry.id).where(RegisterEntry.fingerprint == fp,
                                                        RegisterEntry.id != entry_id))
        if other is not None:
            raise InputError(say("error.store.register.same_as", id=entry_id, other=other),
                             hint=say("error.store.register.same_as.hint"))
        changed = [k for k, v in values.items() if getattr(e, k) != v]
        for k, v in values.items():
            setattr(e, k, v)
        e.fingerprint = fp
        e.search_text = searchable(e.customer, e.content, e.receiver, e.confirmation)
        e.group_code, e.group_rule = match.code, match.rule
        if changed:
            store.audit(s, "register_edit", actor, entry=entry_id, fields=changed)
        return _record(e)


def list_entries(store: Store, year: int | None = None, unit: str | None = None,
                 source: str | None = None, group: str | None = None,
                 status: str | None = None, text: str | None = None,
                 rules: Grouping | None = None,
                 include_voided: bool = False) -> list[RegisterRecord]:
    """Register entries in date order. Filters are optional; `text` searches customer,
    content, receiver and confirmation accent- and case-insensitively. Voided entries only
    with `include_voided` (the web register shows them, marked)."""
    with store.read_session() as s:
        q = select(RegisterEntry).order_by(RegisterEntry.entry_date, RegisterEntry.id)
        if not include_voided:
            q = q.where(RegisterEntry.voided_at.is_(None))
        if year is not None:
            first, last = _year_bounds(year)
            q = q.where(RegisterEntry.entry_date >= first, RegisterEntry.entry_date <= last)
        if unit:
            q = q.where(RegisterEntry.unit == parse_unit(store, unit))
        if source:
            q = q.where(RegisterEntry.source == parse_source(source))
        if status:
            q = q.where(RegisterEntry.status == parse_status(status))
        if text and fold(text):
            pattern = "%" + fold(text).replace("\\", "\\\\").replace("%", "\\%") \
                .replace("_", "\\_") + "%"
            q = q.where(RegisterEntry.search_text.like(pattern, escape="\\"))
        records = [_record(e) for e in s.scalars(q).all()]
    if group:
        code = resolve_group(needs_groups(rules, "list_entries(group=)"), group)
        records = [r for r in records if r.group == code]
    return records


def get_entry(store: Store, entry_id: int) -> RegisterRecord:
    with store.read_session() as s:
        e = s.get(RegisterEntry, entry_id)
        if e is None:
            raise InputError(say("error.store.register.no_entry", id=entry_id),
                             hint=say("error.store.register.no_entry.hint"))
        return _record(e)


def set_group(store: Store, entry_id: int, group: str | None, actor: str | None = None,
              rules: Grouping | None = None) -> RegisterRecord:
    """A person's group for an entry (kept over the rules); None gives it back to the rules."""
    code = resolve_group(needs_groups(rules, "set_group"), group) if group else None
    actor = actor if actor is not None else current_user()
    with store.write_session() as s:
        e = s.get(RegisterEntry, entry_id)
        if e is None:
            raise InputError(say("error.store.register.no_entry", id=entry_id))
        before = e.group_override
        e.group_override = code
        e.updated = now()
        store.audit(s, "register_group", actor, entry=entry_id, before=before, after=code)
        return _record(e)


def set_status(store: Store, entry_id: int, status: str,
               actor: str | None = None, handled_on: date | str | None = None
               ) -> RegisterRecord:
    """Mark an entry handled or pending. The day it was handled (today unless given) is kept:
    the on-time ratios of QĐ 766/QĐ-TTg compare it with the entry's date."""
    code = parse_status(status)
    actor = actor if actor is not None else current_user()
    day: date | None = None
    if code == "handled":
        try:
            day = parse_date(handled_on) if handled_on is not None else date.today()
        except ValueError as exc:
            raise InputError(say("error.store.register.bad_handled_date", text=exc),
                             hint=say("error.store.register.bad_handled_date.hint")) from None
    with store.write_session() as s:
        e = s.get(RegisterEntry, entry_id)
        if e is None:
            raise InputError(say("error.store.register.no_entry", id=entry_id))
        if day is not None and day < e.entry_date:
            raise InputError(say("error.store.register.handled_before",
                                 id=entry_id, received=f"{e.entry_date:%d/%m/%Y}",
                                 handled=f"{day:%d/%m/%Y}"),
                             hint=say("error.store.register.handled_before.hint"))
        before = e.status
        e.status = code
        if code != "handled":
            e.handled_on = None
        elif before != "handled" or handled_on is not None or e.handled_on is None:
            e.handled_on = day
        e.updated = now()
        store.audit(s, "register_status", actor, entry=entry_id, before=before, after=code)
        return _record(e)


def void_entry(store: Store, entry_id: int, reason: str,
               actor: str | None = None) -> RegisterRecord:
    """Void (hủy) an entry written by mistake: it stays in the register, marked with who,
    when and why, and is no longer counted. Nothing is deleted; voiding twice is refused.
    The audit log keeps the reason (typed by staff about the entry, not customer text)."""
    reason = nfc(reason)
    if len(reason) < 5:
        raise InputError(say("error.store.register.void_reason"),
                         hint=say("error.store.register.void_reason.hint"))
    actor = actor if actor is not None else current_user()
    with store.write_session() as s:
        e = s.get(RegisterEntry, entry_id)
        if e is None:
            raise InputError(say("error.store.register.no_entry", id=entry_id))
        if e.voided_at is not None:
            raise InputError(say("error.store.register.already_voided", id=entry_id,
                                 on=f"{e.voided_at:%d/%m/%Y}", by=e.voided_by))
        e.voided_at, e.voided_by, e.void_reason = now(), actor, reason[:500]
        e.updated = e.voided_at
        # the same feedback may be entered again correctly: free its fingerprint
        e.fingerprint = f"voided:{e.id}:{e.fingerprint}"[:100]
        store.audit(s, "register_void", actor, entry=entry_id, reason=reason[:500])
        return _record(e)


def source_label(code: str) -> str:
    return SOURCES.get(code, code)


def status_label(code: str) -> str:
    return STATUSES.get(code, code)


def entries_by_id(store: Store, ids: Iterable[int]) -> list[RegisterRecord]:
    wanted = list(ids)
    with store.read_session() as s:
        out = []
        for i in range(0, len(wanted), 500):
            out += [_record(e) for e in s.scalars(
                select(RegisterEntry).where(RegisterEntry.id.in_(wanted[i:i + 500]))).all()]
    return sorted(out, key=lambda r: (r.entry_date, r.id))


def feedback_timing(store: Store, year: int) -> list[FeedbackTiming]:
    """The year's register entries (not voided) with their handled dates, for the on-time
    ratios of QĐ 766/QĐ-TTg (formkit.analyze.indicators computes them)."""
    lo, hi = _year_bounds(year)
    with store.read_session() as s:
        rows = s.connection().execute(
            select(RegisterEntry.id, RegisterEntry.entry_date, RegisterEntry.status,
                   RegisterEntry.handled_on, RegisterEntry.group_override,
                   RegisterEntry.group_code, RegisterEntry.source)
            .where(RegisterEntry.entry_date >= lo, RegisterEntry.entry_date <= hi,
                   RegisterEntry.voided_at.is_(None))
            .order_by(RegisterEntry.entry_date, RegisterEntry.id)).all()
    return [FeedbackTiming(i, d, status == "handled", handled_on if status == "handled"
                           else None, override or code or "khac", source)
            for i, d, status, handled_on, override, code, source in rows]
