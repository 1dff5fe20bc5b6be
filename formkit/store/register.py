"""The register BM.QT.SCT.05-01 (Sổ ghi nhận ý kiến của khách hàng): entries added by hand,
imported from XLSX/CSV registers, or taken from the "Ý kiến khác" comments of surveys;
their classification into opinion groups.

Every entry has a fingerprint (a hash of date, customer, content, receiver, unit and
source): importing the same file twice, or adding the same entry twice, adds nothing.
A person's group choice (group_override) is never overwritten by the rules.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select

from formkit.analyze.classify import GroupRules, classify_text, load_rules
from formkit.analyze.indicators import FeedbackTiming
from formkit.catalogue import say
from formkit.errors import InputError
from formkit.store.core import Store, current_user, loads, now
from formkit.store.models import Answer, RegisterEntry, Response, ReviewItem, Sheet
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
        raise InputError(
            f"Unknown source {typed!r} (Nguồn).",
            hint="Use one of: " + "; ".join(f"{c} ({label})" for c, label in SOURCES.items()),
        )
    return code


def parse_status(typed: str) -> str:
    code = _STATUS_INDEX.get(fold(typed))
    if code is None:
        raise InputError(f"Unknown status {typed!r} (Tình trạng).",
                         hint="Use “Đã xử lý” (handled) or “Chưa xử lý” (pending).")
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
    raise InputError(f"Unknown unit {text!r} (Đơn vị).",
                     hint=f"Use a unit of formkit.toml: {known}.")


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


def _search_text(*texts: str) -> str:
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
        raise InputError(f"Date (Ngày tháng): {exc}.",
                         hint="Write the date as dd/mm/yyyy, e.g. 05/03/2025.") from None
    content = nfc(content)
    if not content:
        raise InputError("The feedback content (Nội dung ý kiến) is empty.", hint=hint)
    return {"entry_date": day, "content": content, "customer": nfc(customer),
            "receiver": nfc(receiver), "unit": parse_unit(store, unit),
            "source": parse_source(source), "confirmation": nfc(confirmation)}


def add_entry(store: Store, *, entry_date: date | str, content: str, customer: str = "",
              receiver: str = "", unit: str | None = None, source: str = "khieu_nai",
              confirmation: str = "", status: str = "pending", group: str | None = None,
              actor: str | None = None, rules: GroupRules | None = None) -> RegisterRecord:
    """Add one entry typed by a person. `group` (code or name) is kept as a person's choice;
    without it the rules decide. Adding the same entry twice is refused (InputError)."""
    v = _typed_values(store, entry_date, content, customer, receiver, unit, source,
                      confirmation, hint="Give the content with --content \"…\".")
    day, content, customer, receiver = v["entry_date"], v["content"], v["customer"], \
        v["receiver"]
    unit_code, source_code, confirmation = v["unit"], v["source"], v["confirmation"]
    rules = rules or load_rules(settings=store.settings)
    status_code = parse_status(status)
    override = _resolve_group(rules, group) if group else None
    fp = fingerprint(day, customer, content, receiver, unit_code, source_code)
    match = classify_text(content, rules)
    actor = actor if actor is not None else current_user()
    with store.write_session() as s:
        existing = s.scalar(select(RegisterEntry.id).where(RegisterEntry.fingerprint == fp))
        if existing is not None:
            raise InputError(say("error.store.register_duplicate", entry=existing),
                             hint=say("hint.store.register_duplicate"))
        e = RegisterEntry(
            entry_date=day, customer=customer, content=content, receiver=receiver,
            unit=unit_code, source=source_code, confirmation=confirmation, status=status_code,
            group_code=match.code, group_rule=match.rule, group_override=override,
            fingerprint=fp, search_text=_search_text(customer, content, receiver,
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
                 actor: str | None = None, rules: GroupRules | None = None) -> RegisterRecord:
    """Correct what was written for an entry. The duplicate check, the search text and the
    rules' group follow the new text; a person's group choice and the status are kept. The
    audit log names the changed fields, not their (personal) content."""
    values = _typed_values(store, entry_date, content, customer, receiver, unit, source,
                           confirmation, hint="An entry needs its content; nothing was changed.")
    day, content = values["entry_date"], values["content"]
    rules = rules or load_rules(settings=store.settings)
    fp = fingerprint(day, values["customer"], content, values["receiver"], values["unit"],
                     values["source"])
    match = classify_text(content, rules)
    actor = actor if actor is not None else current_user()
    with store.write_session() as s:
        e = s.get(RegisterEntry, entry_id)
        if e is None:
            raise InputError(f"There is no register entry #{entry_id}.",
                             hint="List the entries with `formkit register list`.")
        other = s.scalar(select(RegisterEntry.id).where(RegisterEntry.fingerprint == fp,
                                                        RegisterEntry.id != entry_id))
        if other is not None:
            raise InputError(
                f"After this change entry #{entry_id} would be the same as entry #{other}; "
                "nothing was changed.", hint="Check the two entries; remove one if needed.")
        changed = [k for k, v in values.items() if getattr(e, k) != v]
        for k, v in values.items():
            setattr(e, k, v)
        e.fingerprint = fp
        e.search_text = _search_text(e.customer, e.content, e.receiver, e.confirmation)
        e.group_code, e.group_rule = match.code, match.rule
        if changed:
            store.audit(s, "register_edit", actor, entry=entry_id, fields=changed)
        return _record(e)


def _resolve_group(rules: GroupRules, typed: str) -> str:
    code = rules.resolve(typed)
    if code is None:
        known = "; ".join(f"{c} ({n})" for c, n in rules.labels().items())
        raise InputError(f"Unknown opinion group {typed!r} (Nhóm ý kiến).",
                         hint=f"Use one of: {known}. Groups are listed in {rules.source}.")
    return code


def list_entries(store: Store, year: int | None = None, unit: str | None = None,
                 source: str | None = None, group: str | None = None,
                 status: str | None = None, text: str | None = None,
                 rules: GroupRules | None = None,
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
        code = _resolve_group(rules or load_rules(settings=store.settings), group)
        records = [r for r in records if r.group == code]
    return records


def get_entry(store: Store, entry_id: int) -> RegisterRecord:
    with store.read_session() as s:
        e = s.get(RegisterEntry, entry_id)
        if e is None:
            raise InputError(f"There is no register entry #{entry_id}.",
                             hint="List the entries with `formkit register list`.")
        return _record(e)


def set_group(store: Store, entry_id: int, group: str | None, actor: str | None = None,
              rules: GroupRules | None = None) -> RegisterRecord:
    """A person's group for an entry (kept over the rules); None gives it back to the rules."""
    rules = rules or load_rules(settings=store.settings)
    code = _resolve_group(rules, group) if group else None
    actor = actor if actor is not None else current_user()
    with store.write_session() as s:
        e = s.get(RegisterEntry, entry_id)
        if e is None:
            raise InputError(f"There is no register entry #{entry_id}.")
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
            raise InputError(f"Handled on (Ngày xử lý): {exc}.",
                             hint="Write the date as dd/mm/yyyy.") from None
    with store.write_session() as s:
        e = s.get(RegisterEntry, entry_id)
        if e is None:
            raise InputError(f"There is no register entry #{entry_id}.")
        if day is not None and day < e.entry_date:
            raise InputError(f"Entry #{entry_id} was received on {e.entry_date:%d/%m/%Y}; it "
                             f"cannot have been handled before, on {day:%d/%m/%Y}.",
                             hint="Check the date handled.")
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
        raise InputError("Give the reason for voiding the entry (at least 5 characters).",
                         hint="e.g. “Ghi trùng với mục #12”.")
    actor = actor if actor is not None else current_user()
    with store.write_session() as s:
        e = s.get(RegisterEntry, entry_id)
        if e is None:
            raise InputError(f"There is no register entry #{entry_id}.")
        if e.voided_at is not None:
            raise InputError(f"Entry #{entry_id} was already voided on "
                             f"{e.voided_at:%d/%m/%Y} by {e.voided_by}; nothing changed.")
        e.voided_at, e.voided_by, e.void_reason = now(), actor, reason[:500]
        e.updated = e.voided_at
        # the same feedback may be entered again correctly: free its fingerprint
        e.fingerprint = f"voided:{e.id}:{e.fingerprint}"[:100]
        store.audit(s, "register_void", actor, entry=entry_id, reason=reason[:500])
        return _record(e)


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
             rules: GroupRules | None = None,
             actor: str | None = None) -> list[EntryClassification]:
    """Apply the rules file to the entries (of `year`, or all): each gets a group, "Khác"
    when nothing matches. Entries a person has grouped keep their group. Anonymised
    entries (no text left) keep the group they had."""
    rules = rules or load_rules(settings=store.settings)
    actor = actor if actor is not None else current_user()
    out: list[EntryClassification] = []
    changed = 0
    with store.write_session() as s:
        q = select(RegisterEntry).order_by(RegisterEntry.entry_date, RegisterEntry.id)
        if year is not None:
            first, last = _year_bounds(year)
            q = q.where(RegisterEntry.entry_date >= first, RegisterEntry.entry_date <= last)
        for e in s.scalars(q).all():
            if e.fingerprint.startswith("anonymized:"):
                continue
            match = classify_text(e.content, rules)
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


# ---- import ------------------------------------------------------------------------------

#: register columns: id → (required, header aliases; the first is the official wording)
HEADERS: dict[str, tuple[bool, tuple[str, ...]]] = {
    "ngay": (True, ("Ngày tháng", "Ngày", "Ngày tháng năm", "Ngày tiếp nhận", "Ngày nhận",
                    "Ngày ghi nhận", "Thời gian")),
    "khach_hang": (True, ("Tên khách hàng", "Khách hàng", "Họ và tên", "Họ tên",
                          "Tên tổ chức, cá nhân", "Tổ chức, cá nhân", "Người phản ánh",
                          "Tên người phản ánh")),
    "noi_dung": (True, ("Nội dung ý kiến phản ánh của khách hàng",
                        "Nội dung ý kiến phản ảnh của khách hàng", "Nội dung",
                        "Nội dung ý kiến", "Nội dung phản ánh", "Nội dung phản ảnh",
                        "Ý kiến phản ánh", "Ý kiến")),
    "nguoi_tiep_nhan": (False, ("Người tiếp nhận", "Cán bộ tiếp nhận", "Người nhận")),
    "xac_nhan": (False, ("Xác nhận của trưởng phòng/đơn vị", "Xác nhận của trưởng phòng",
                         "Xác nhận của lãnh đạo", "Xác nhận")),
    "nguon": (False, ("Nguồn", "Nguồn ý kiến", "Nguồn thông tin")),
    "don_vi": (False, ("Đơn vị", "Phòng", "Đơn vị tiếp nhận", "Phòng, đơn vị")),
    "tinh_trang": (False, ("Tình trạng", "Trạng thái", "Tình trạng xử lý", "Kết quả xử lý")),
    "nhom": (False, ("Nhóm ý kiến", "Nhóm")),
    # the day it was handled: the on-time ratios of QĐ 766/QĐ-TTg (schema v5)
    "ngay_xu_ly": (False, ("Ngày xử lý", "Ngày giải quyết", "Ngày trả lời",
                           "Ngày hoàn thành", "Ngày xử lý xong")),
}
HEADER_SCAN_ROWS = 30
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _header_key(value: Any) -> str:
    return re.sub(r"[^\w]+", " ", fold(str(value) if value is not None else "")).strip()


_ALIAS_INDEX = {_header_key(a): col for col, (_req, aliases) in HEADERS.items()
                for a in aliases}
#: longest aliases first, so "Nội dung ý kiến …" is tried before "Nội dung"
_ALIAS_PREFIXES = sorted(_ALIAS_INDEX.items(), key=lambda kv: -len(kv[0]))


def header_column(value: Any) -> str | None:
    """The register column a header cell names: an alias exactly (accents, case, spacing
    and punctuation ignored), or a header that starts with an alias as whole words
    ("Nội dung ý kiến phản ánh" → the content column), or a shortened official wording
    ("Nội dung ý kiến phản ánh của" is a prefix of it)."""
    key = _header_key(value)
    if not key:
        return None
    if key in _ALIAS_INDEX:
        return _ALIAS_INDEX[key]
    for alias, col in _ALIAS_PREFIXES:
        if key.startswith(alias + " "):
            return col
    for alias, col in _ALIAS_PREFIXES:
        if len(key) >= 8 and alias.startswith(key + " "):
            return col
    return None


def _column_index(spec: str, header: list[Any]) -> int | None:
    """A --columns target: a letter (B), a 1-based number (2) or a header text."""
    spec = spec.strip()
    if re.fullmatch(r"[A-Za-z]{1,3}", spec):
        n = 0
        for ch in spec.upper():
            n = n * 26 + ord(ch) - 64
        return n - 1
    if spec.isdigit():
        return int(spec) - 1
    want = _header_key(spec)
    for i, cell in enumerate(header):
        if _header_key(cell) == want:
            return i
    return None


def parse_columns(text: str | None) -> dict[str, str]:
    """"ngay=A,noi_dung=Nội dung ý kiến,khach_hang=3" → {column id: target}."""
    out: dict[str, str] = {}
    for part in (text or "").split(","):
        if not part.strip():
            continue
        col, sep, target = part.partition("=")
        col = col.strip()
        if not sep or col not in HEADERS or not target.strip():
            raise InputError(
                f"--columns {part.strip()!r}: write COLUMN=WHERE with COLUMN one of "
                f"{', '.join(HEADERS)} and WHERE a letter (B), a number (2) or the header "
                "text.")
        out[col] = target.strip()
    return out


@dataclass(frozen=True)
class RowProblem:
    row: int  # row number as the spreadsheet shows it (1-based)
    reason: str


@dataclass
class ImportReport:
    path: Path
    sheet: str
    #: column id → the header (or column) of the file it was taken from: shown to the user
    mapping: dict[str, str] = field(default_factory=dict)
    added: int = 0
    duplicates: int = 0  # already in the register (or twice in the file)
    skipped_bad: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    entry_ids: list[int] = field(default_factory=list)


class RegisterImportError(InputError):
    """A register file with bad rows; `problems` lists each row and its reason."""

    def __init__(self, message: str, problems: Sequence[RowProblem], hint: str | None = None):
        super().__init__(message, hint)
        self.problems = list(problems)


def check_spreadsheet_file(path: Path) -> str:
    """'xlsx' or 'csv'; InputError for encrypted, old-format, ODS or damaged files."""
    try:
        with path.open("rb") as fh:
            head = fh.read(8)
    except FileNotFoundError:
        raise InputError(f"{path}: file not found.") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror}).") from exc
    suffix = path.suffix.lower()
    if head.startswith(_OLE_MAGIC):
        data = path.read_bytes()
        if "EncryptionInfo".encode("utf-16-le") in data or b"EncryptedPackage" in data \
                or "EncryptedPackage".encode("utf-16-le") in data:
            raise InputError(
                f"{path.name} is protected with a password, so formkit cannot read it. "
                "Nothing was imported.",
                hint="Open it in Excel or LibreOffice, remove the password (File → Info → "
                "Protect Workbook / Save As without password) and import the saved copy.")
        raise InputError(
            f"{path.name} is an old Excel 97–2003 (.xls) or other Office binary file. "
            "Nothing was imported.",
            hint="Open it in Excel or LibreOffice and save it as .xlsx (or .csv UTF-8), then "
            "import that file.")
    if head.startswith(b"PK"):
        try:
            with zipfile.ZipFile(path) as zf:
                names = set(zf.namelist())
        except zipfile.BadZipFile:
            names = set()
        if "xl/workbook.xml" in names:
            return "xlsx"
        if "content.xml" in names:
            raise InputError(
                f"{path.name} is an OpenDocument spreadsheet (.ods). Nothing was imported.",
                hint="Save it as .xlsx (Excel 2007-365) or .csv (UTF-8) and import that.")
        raise InputError(
            f"{path.name} is damaged or is not an Excel workbook (the zip container is "
            "incomplete). Nothing was imported.",
            hint="Open it in Excel or LibreOffice; if it opens, save it again as .xlsx. "
            "Otherwise take the last good copy.")
    if suffix in (".xlsx", ".xlsm", ".xls"):
        raise InputError(
            f"{path.name} is damaged or is not an Excel workbook (its content does not "
            "start like one). Nothing was imported.",
            hint="Open it in Excel or LibreOffice and save it again as .xlsx, or take the "
            "last good copy.")
    return "csv"


def read_xlsx_rows(path: Path) -> list[tuple[str, list[tuple[int, list[Any]]]]]:
    import openpyxl  # local: only needed here

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on damaged files
        raise InputError(
            f"{path.name} cannot be opened as a workbook ({type(exc).__name__}: {exc}). "
            "Nothing was imported.",
            hint="Open it in Excel or LibreOffice and save it again as .xlsx.") from exc
    try:
        sheets = []
        for ws in wb.worksheets:
            rows = [(i, list(r)) for i, r in enumerate(ws.iter_rows(values_only=True), start=1)]
            sheets.append((ws.title, rows))
        return sheets
    except Exception as exc:
        raise InputError(f"{path.name}: a sheet cannot be read ({exc}). Nothing was imported.",
                         hint="Open it in Excel or LibreOffice and save it again.") from exc
    finally:
        wb.close()


def read_csv_rows(path: Path) -> list[tuple[str, list[tuple[int, list[Any]]]]]:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel on Vietnamese Windows saves "CSV" in the Windows-1258 code page
        try:
            text = data.decode("cp1258")
        except UnicodeDecodeError:
            raise InputError(
                f"{path.name} is neither UTF-8 nor Windows-1258 text. Nothing was imported.",
                hint="Save it as “CSV UTF-8” in Excel, or as .xlsx.") from None
    if "\x00" in text:
        raise InputError(f"{path.name} is not a text (CSV) file. Nothing was imported.",
                         hint="Import an .xlsx or a CSV (UTF-8) file.")
    sample = text[:20000]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        rows = [(i, list(r)) for i, r in enumerate(reader, start=1)]
    except csv.Error as exc:
        raise InputError(f"{path.name}: not valid CSV ({exc}). Nothing was imported.") from exc
    return [(path.stem, rows)]


def _find_header(rows: list[tuple[int, list[Any]]], override: dict[str, str] | None = None
                 ) -> tuple[int, dict[str, int]] | None:
    """(index in rows, column id → cell index) of the first row naming the required
    columns (after the --columns override); None when there is none."""
    required = {c for c, (req, _a) in HEADERS.items() if req}
    override = override or {}
    for index, (_num, cells) in enumerate(rows[:HEADER_SCAN_ROWS]):
        mapping: dict[str, int] = {}
        for col, target in override.items():
            ci = _column_index(target, cells)
            if ci is not None:
                mapping[col] = ci
        taken = set(mapping.values())
        for ci, cell in enumerate(cells):
            col = header_column(cell)
            if col and col not in mapping and ci not in taken:
                mapping[col] = ci
        named = {c for c, t in override.items() if not _is_position(t)}
        if required <= mapping.keys() and named <= mapping.keys() and (
                any(header_column(c) for c in cells) or named):
            return index, mapping
    if override and required <= override.keys() and all(_is_position(t)
                                                        for t in override.values()):
        # every column given by position: the file may have no header row at all
        return -1, {c: _column_index(t, []) or 0 for c, t in override.items()}
    return None


def _is_position(target: str) -> bool:
    return bool(re.fullmatch(r"[A-Za-z]{1,3}|\d+", target.strip()))


def _column_letter(ci: int) -> str:
    out = ""
    ci += 1
    while ci:
        ci, r = divmod(ci - 1, 26)
        out = chr(65 + r) + out
    return out


def read_xlsx_formulas(path: Path, sheet: str) -> dict[int, list[tuple[int, str]]]:
    """row number → [(cell index, formula)] of one sheet: a formula's cached result (a
    link text, #VALUE!) must not be imported as if someone had typed it."""
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except Exception:  # noqa: BLE001 - read_xlsx_rows already opened it; nothing more here
        return {}
    try:
        out: dict[int, list[tuple[int, str]]] = {}
        ws = wb[sheet]
        for i, row in enumerate(ws.iter_rows(), start=1):
            # data_type "f": a real formula; text typed as "=…" (data_type "s") is text
            found = [(ci, str(c.value)) for ci, c in enumerate(row)
                     if getattr(c, "data_type", None) == "f"]
            if found:
                out[i] = found
        return out
    except Exception:  # noqa: BLE001
        return {}
    finally:
        wb.close()


def _expected_headers() -> str:
    parts = []
    for _col, (req, aliases) in HEADERS.items():
        parts.append(f"“{aliases[0]}”" + ("" if req else " (optional)"))
    return ", ".join(parts)


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return nfc(str(value))


_NUMBERING = re.compile(r"^\(?\d{1,2}\)?$")


def import_register(store: Store, path: Path | str, skip_bad: bool = False,
                    default_source: str = "khieu_nai", default_unit: str | None = None,
                    actor: str | None = None, rules: GroupRules | None = None,
                    today: date | None = None,
                    columns: dict[str, str] | str | None = None) -> ImportReport:
    """Import a register kept in Excel (.xlsx) or CSV. Columns are found by their
    Vietnamese headers (accent- and case-insensitive; see HEADERS). Every row is checked
    first; a file with bad rows imports nothing (RegisterImportError lists each row and its
    reason) unless `skip_bad`, which imports the good rows and reports the bad ones.
    Rows already in the register are skipped, so importing a file twice adds nothing.
    Headers are matched tolerantly (see header_column); `columns` ("ngay=A,noi_dung=Nội
    dung") overrides the matching, and report.mapping says which column was taken for
    which. Formula cells are bad rows (their cached results are never imported silently).
    The file itself is only read."""
    path = Path(path)
    override = parse_columns(columns) if isinstance(columns, str) else dict(columns or {})
    kind = check_spreadsheet_file(path)
    sheets = read_xlsx_rows(path) if kind == "xlsx" else read_csv_rows(path)
    found = None
    for title, rows in sheets:
        header = _find_header(rows, override)
        if header is not None:
            found = (title, rows, header)
            break
    if found is None:
        names = ", ".join(f"“{t}”" for t, _r in sheets)
        raise InputError(
            f"{path.name} does not look like a register (Sổ ghi nhận ý kiến): no row in the "
            f"first {HEADER_SCAN_ROWS} rows of {names} has the column headers. "
            f"Expected: {_expected_headers()}. Nothing was imported.",
            hint="Check that the header row uses these names (any accents or capitals), or "
            "say where the columns are, e.g. --columns \"ngay=A,khach_hang=B,noi_dung=C\".")
    title, rows, (header_index, columns_at) = found
    header_cells = rows[header_index][1] if header_index >= 0 else []
    formulas = read_xlsx_formulas(path, title) if kind == "xlsx" else {}
    rules = rules or load_rules(settings=store.settings)
    actor = actor if actor is not None else current_user()
    default_source = parse_source(default_source)
    default_unit_code = parse_unit(store, default_unit)
    today = today or date.today()
    report = ImportReport(path=path, sheet=title)
    for col, ci in sorted(columns_at.items(), key=lambda kv: kv[1]):
        head = _cell_text(header_cells[ci]) if ci < len(header_cells) else ""
        report.mapping[col] = f"{_column_letter(ci)}" + (f" “{head}”" if head else "")
    columns = columns_at

    prepared: list[dict[str, Any]] = []
    seen_in_file: dict[str, int] = {}
    for position, (row_number, cells) in enumerate(rows[header_index + 1:]):
        def cell(col: str, cells: list[Any] = cells) -> Any:
            ci = columns.get(col)
            return cells[ci] if ci is not None and ci < len(cells) else None

        values = {col: cell(col) for col in columns}
        texts = {col: _cell_text(v) for col, v in values.items()}
        if not any(texts.values()):
            continue  # an empty line of the book
        if position == 0 and all(_NUMBERING.match(t) for t in texts.values() if t):
            continue  # the "(1) (2) (3) …" line printed under the headers
        if _ALIAS_INDEX.get(_header_key(texts.get("ngay"))) == "ngay" and \
                _ALIAS_INDEX.get(_header_key(texts.get("noi_dung"))) == "noi_dung":
            continue  # the header repeated on a later page
        reasons: list[str] = []
        used = set(columns.values())
        for ci, formula in formulas.get(row_number, []):
            if ci in used:
                reasons.append(f"cell {_column_letter(ci)}{row_number} holds a formula "
                               f"({formula[:40]}); its result is not imported as typed text "
                               "— paste the values instead (Paste Special → Values)")
        try:
            day = parse_date(values.get("ngay"), today)
        except ValueError as exc:
            day = None
            reasons.append(f"date (Ngày tháng): {exc}")
        content = texts.get("noi_dung", "")
        if not content:
            reasons.append("the feedback content (Nội dung) is empty")
        source, unit, status, override = default_source, default_unit_code, "pending", None
        try:
            if texts.get("nguon"):
                source = parse_source(texts["nguon"])
        except InputError as exc:
            reasons.append(f"{exc.message} {exc.hint}")
        try:
            if texts.get("don_vi"):
                unit = parse_unit(store, texts["don_vi"])
        except InputError as exc:
            reasons.append(f"{exc.message} {exc.hint}")
        try:
            if texts.get("tinh_trang"):
                status = parse_status(texts["tinh_trang"])
        except InputError as exc:
            reasons.append(f"{exc.message} {exc.hint}")
        handled_on = None
        if texts.get("ngay_xu_ly"):
            try:
                handled_on = parse_date(values.get("ngay_xu_ly"), today)
            except ValueError as exc:
                reasons.append(f"date handled (Ngày xử lý): {exc}")
            else:
                if day is not None and handled_on < day:
                    reasons.append(f"date handled (Ngày xử lý) {handled_on:%d/%m/%Y} is "
                                   f"before the date received {day:%d/%m/%Y}")
                elif not texts.get("tinh_trang"):
                    status = "handled"  # a day handled says it was handled
                elif status != "handled":
                    reasons.append("a date handled (Ngày xử lý) is given but the status "
                                   "says not handled (Tình trạng)")
        match = classify_text(content, rules)
        if texts.get("nhom"):
            code = rules.resolve(texts["nhom"])
            if code is None:
                reasons.append(f"unknown opinion group {texts['nhom']!r} (Nhóm ý kiến)")
            elif code != match.code:
                override = code  # a person's choice written in the book
        if reasons:
            report.problems.append(RowProblem(row_number, "; ".join(reasons)))
            continue
        assert day is not None
        customer = texts.get("khach_hang", "")
        receiver = texts.get("nguoi_tiep_nhan", "")
        fp = fingerprint(day, customer, content, receiver, unit, source)
        if fp in seen_in_file:
            report.duplicates += 1
            continue
        seen_in_file[fp] = row_number
        prepared.append(dict(
            entry_date=day, customer=customer, content=content, receiver=receiver,
            unit=unit, source=source, confirmation=texts.get("xac_nhan", ""), status=status,
            group_code=match.code, group_rule=match.rule, group_override=override,
            fingerprint=fp,
            search_text=_search_text(customer, content, receiver, texts.get("xac_nhan", "")),
            import_file=path.name, import_row=row_number,
            handled_on=handled_on if status == "handled" else None))

    if report.problems and not skip_bad:
        shown = "\n".join(f"  row {p.row}: {p.reason}" for p in report.problems[:30])
        more = len(report.problems) - 30
        raise RegisterImportError(
            f"{path.name} (sheet “{title}”): {len(report.problems)} row(s) cannot be "
            f"imported, so nothing was imported:\n{shown}"
            + (f"\n  … and {more} more" if more > 0 else "")
            + "\nColumns: " + "; ".join(f"{c} ← {w}" for c, w in report.mapping.items()),
            report.problems,
            hint="Correct these rows in the file and import it again, or import the good rows "
            "with --skip-bad.")
    report.skipped_bad = len(report.problems)

    created = now()
    with store.write_session() as s:
        known: set[str] = set()
        fps = [p["fingerprint"] for p in prepared]
        for i in range(0, len(fps), 500):
            known |= set(s.scalars(select(RegisterEntry.fingerprint)
                                   .where(RegisterEntry.fingerprint.in_(fps[i:i + 500]))).all())
        if any(p["source"] == "khao_sat" for p in prepared):
            # entries made from surveys carry the sheet's key as fingerprint: the same line
            # coming back in an exported-then-imported register is found by its text
            for row in s.execute(select(
                    RegisterEntry.entry_date, RegisterEntry.customer, RegisterEntry.content,
                    RegisterEntry.receiver, RegisterEntry.unit)
                    .where(RegisterEntry.fingerprint.like("khao_sat:%"))).all():
                known.add(fingerprint(row[0], row[1] or "", row[2] or "", row[3] or "",
                                      row[4] or "", "khao_sat"))
        new_rows = []
        for p in prepared:
            if p["fingerprint"] in known:
                report.duplicates += 1
                continue
            new_rows.append({**p, "created": created, "created_by": actor, "updated": None,
                             "sheet_id": None})
        if new_rows:
            # one executemany instead of an ORM object per row: 5,000 rows in a blink
            s.execute(insert(RegisterEntry), new_rows)
        new_fps = [r["fingerprint"] for r in new_rows]
        for i in range(0, len(new_fps), 500):
            report.entry_ids += s.scalars(select(RegisterEntry.id).where(
                RegisterEntry.fingerprint.in_(new_fps[i:i + 500]))).all()
        report.entry_ids.sort()
        report.added = len(new_rows)
        store.audit(s, "register_import", actor, file=path.name, sheet=title,
                    added=report.added, duplicates=report.duplicates,
                    skipped_bad=report.skipped_bad)
    return report


# ---- survey comments -------------------------------------------------------------------

@dataclass(frozen=True)
class CommentsReport:
    added: int
    already_there: int
    waiting_review: int  # comments whose reading a person has not confirmed yet
    alerts: int = 0  # entries added for a harassment or unsatisfied answer (survey_alerts)


#: Câu hỏi 2 and its "yes"; the rating value that is "Chưa đạt yêu cầu"; the overall row
HARASSMENT_FIELD, HARASSMENT_YES, FREQUENCY_FIELD = "c2.phien_ha", "co", "c2.muc_do"
UNSATISFIED = "chua_dat"
OVERALL_QUESTION = "c5"


@dataclass(frozen=True)
class Alert:
    """What a survey answer asks the unit to handle: one register entry per alert."""

    fingerprint: str  # stable across re-reads and re-imports (sheet key / response id)
    content: str
    group_hint: str | None  # "4" (harassment) when the rules know that group


def answer_alerts(key: str, answers: dict[str, Any], labels: dict[str, str],
                  frequency_labels: dict[str, str]) -> list[Alert]:
    """The alerts of one response (`answers`: confirmed values only, field → value).

    A "Có" to harassment is one alert. A "Chưa đạt yêu cầu" with a written comment is one
    alert per comment of the same question (or of any question when the overall row,
    Câu hỏi 5, is the one rated "Chưa đạt yêu cầu"); its fingerprint is the comment's own
    (khao_sat:<key>:<field>), so comments_to_register does not add the comment a second
    time, whichever of the two runs first."""
    out: list[Alert] = []
    if answers.get(HARASSMENT_FIELD) == HARASSMENT_YES:
        freq = answers.get(FREQUENCY_FIELD)
        how = f", mức độ: {frequency_labels.get(freq, freq)}" if freq else ""
        out.append(Alert(f"khao_sat:{key}:{HARASSMENT_FIELD}",
                         f"Phiếu khảo sát trả lời “Có” ở câu hỏi về phiền hà, sách nhiễu{how}.",
                         "4"))
    unsatisfied = [f for f, v in answers.items() if v == UNSATISFIED]
    if not unsatisfied:
        return out
    overall = any(f.split(".", 1)[0] == OVERALL_QUESTION for f in unsatisfied)
    for field_id in COMMENT_FIELDS:
        text = answers.get(field_id)
        if not isinstance(text, str) or not nfc(text):
            continue
        question = field_id.split(".", 1)[0]
        rows = [f for f in unsatisfied if f.split(".", 1)[0] == question]
        if not rows and not overall:
            continue
        rated = "; ".join(labels.get(f, f) for f in (rows or unsatisfied))
        out.append(Alert(f"khao_sat:{key}:{field_id}",
                         f"“Chưa đạt yêu cầu”: {rated}. {labels.get(field_id, field_id)}: "
                         f"{nfc(text)}", None))
    return out


def _known_fingerprints(s: Any, prints: list[str]) -> set[str]:
    """Those of `prints` already in the register, voided ones included (a person voided
    the entry: a re-read must not bring it back)."""
    found = set(s.scalars(select(RegisterEntry.fingerprint)
                          .where(RegisterEntry.fingerprint.in_(prints))).all())
    for voided in s.scalars(select(RegisterEntry.fingerprint)
                            .where(RegisterEntry.fingerprint.like("voided:%"))).all():
        rest = voided.split(":", 2)[2] if voided.count(":") >= 2 else ""
        found |= {fp for fp in prints if rest and fp.startswith(rest)}
    return found


def survey_alerts(store: Store, year: int, actor: str | None = None,
                  rules: GroupRules | None = None) -> tuple[int, int]:
    """Register entries (source khao_sat, status pending) for the year's survey answers that
    ask for handling: "Có" to harassment, "Chưa đạt yêu cầu" with a comment (answer_alerts).
    Paper sheets are linked by sheet_id; online responses by their response id in the
    fingerprint. Only readings a person need not check any more are used. Idempotent: a
    re-read sheet or a re-imported export adds nothing. Returns (added, already there)."""
    rules = rules or load_rules(settings=store.settings)
    actor = actor if actor is not None else current_user()
    spec = store.spec("05-02")
    labels = {f.id: f.label for f in spec.fields.values()} if spec else {}
    freq_labels: dict[str, str] = {}
    if spec and FREQUENCY_FIELD in spec.fields:
        freq_labels = {o.value: o.label for o in spec.fields[FREQUENCY_FIELD].options}
    known_groups = set(rules.labels())
    wanted = {HARASSMENT_FIELD, FREQUENCY_FIELD, *COMMENT_FIELDS}
    added = already = 0
    with store.write_session() as s:
        found: list[tuple[Alert, date, str, int | None]] = []
        for sheet in s.scalars(select(Sheet).where(Sheet.year == year)
                               .order_by(Sheet.id)).all():
            pending = set(s.scalars(select(ReviewItem.field).where(
                ReviewItem.sheet_id == sheet.id, ReviewItem.status == "pending")).all())
            answers = {a.field: loads(a.value) for a in s.scalars(
                select(Answer).where(Answer.sheet_id == sheet.id)).all()
                if a.status == "ok" and a.field not in pending
                and (a.field in wanted or a.kind == "single")}
            day = sheet.received or _date_in_year(sheet.created, year)
            found += [(al, day, sheet.unit or "", sheet.id) for al in
                      answer_alerts(sheet.sheet_key, answers, labels, freq_labels)]
        for r in s.scalars(select(Response).where(Response.year == year)
                           .order_by(Response.id)).all():
            invalid = set(loads(r.invalid) or [])
            answers = {k: v for k, v in (loads(r.answers) or {}).items() if k not in invalid}
            day = r.received or _date_in_year(r.created, year)
            found += [(al, day, r.unit or "", None) for al in
                      answer_alerts(r.response_id, answers, labels, freq_labels)]
        known: set[str] = set()
        prints = [al.fingerprint for al, *_ in found]
        for i in range(0, len(prints), 500):
            known |= _known_fingerprints(s, prints[i:i + 500])
        for al, day, unit, sheet_id in found:
            if al.fingerprint in known:
                already += 1
                continue
            known.add(al.fingerprint)
            match = classify_text(al.content, rules)
            group = al.group_hint if al.group_hint in known_groups else match.code
            s.add(RegisterEntry(
                entry_date=day, customer="", content=al.content, receiver="", unit=unit,
                source="khao_sat", confirmation="", status="pending", group_code=group,
                group_rule=match.rule if group == match.code else "câu hỏi 2 (phiền hà)",
                group_override=None, sheet_id=sheet_id, fingerprint=al.fingerprint,
                search_text=_search_text(al.content), created=now(), created_by=actor))
            added += 1
        if added:
            store.audit(s, "register_survey_alerts", actor, year=year, added=added,
                        already_there=already)
    return added, already


def comments_to_register(store: Store, year: int, actor: str | None = None,
                         rules: GroupRules | None = None) -> CommentsReport:
    """Turn the "Ý kiến khác" comments of the year's surveys into register entries (source
    khao_sat, linked to their sheet). Only comments read with confidence or confirmed by a
    reviewer are taken; those still waiting for review are counted and left for later.
    Idempotent: each comment is added once."""
    rules = rules or load_rules(settings=store.settings)
    actor = actor if actor is not None else current_user()
    alerts, _ = survey_alerts(store, year, actor=actor, rules=rules)
    spec = store.spec("05-02")
    labels = {f: (spec.fields[f].label if spec and f in spec.fields else f)
              for f in COMMENT_FIELDS}
    added = already = waiting = 0
    with store.write_session() as s:
        sheets = s.scalars(select(Sheet).where(Sheet.year == year, Sheet.anonymized.is_(False))
                           .order_by(Sheet.id)).all()
        for sheet in sheets:
            answers = {a.field: a for a in s.scalars(
                select(Answer).where(Answer.sheet_id == sheet.id,
                                     Answer.field.in_((*COMMENT_FIELDS, NAME_FIELD)))).all()}
            pending = set(s.scalars(select(ReviewItem.field).where(
                ReviewItem.sheet_id == sheet.id, ReviewItem.status == "pending")).all())
            name_answer = answers.get(NAME_FIELD)
            customer = ""
            # anonymous surveys ([privacy]): a name read anyway is not copied into the book
            if name_answer is not None and name_answer.status == "ok" \
                    and NAME_FIELD not in pending and not store.settings.anonymous_surveys:
                customer = nfc(loads(name_answer.value) or "")
            for field_id in COMMENT_FIELDS:
                a = answers.get(field_id)
                if a is None:
                    continue
                if a.status == "blank" and field_id not in pending:
                    continue
                if field_id in pending or a.status != "ok":
                    waiting += 1
                    continue
                text = nfc(loads(a.value) or "")
                if not text:
                    continue
                fp = f"khao_sat:{sheet.sheet_key}:{field_id}"
                if s.scalar(select(RegisterEntry.id)
                            .where(RegisterEntry.fingerprint == fp)) is not None:
                    already += 1
                    continue
                day = sheet.received or _date_in_year(sheet.created, year)
                content = f"{labels[field_id]}: {text}"
                match = classify_text(text, rules)
                s.add(RegisterEntry(
                    entry_date=day, customer=customer, content=content, receiver="",
                    unit=sheet.unit or "", source="khao_sat", confirmation="",
                    status="pending", group_code=match.code, group_rule=match.rule,
                    group_override=None, sheet_id=sheet.id, fingerprint=fp,
                    search_text=_search_text(customer, content), created=now(),
                    created_by=actor))
                added += 1
        store.audit(s, "register_from_surveys", actor, year=year, added=added,
                    already_there=already, waiting_review=waiting)
    return CommentsReport(added, already, waiting, alerts)


def _date_in_year(stamp: datetime | None, year: int) -> date:
    """A date for a comment without a received date: the day it was stored when that was in
    the survey's year, else the year's last day (the quarter is then Q4; the analysis
    places it by its own rules)."""
    if stamp is not None and stamp.year == year:
        return stamp.date()
    return min(date(year, 12, 31), date.today())


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
    ratios of QĐ 766/QĐ-TTg (formkit.analyze.indicators)."""
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
