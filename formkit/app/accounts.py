"""Accounts verbs: users of the web app, their sessions, and the audit log's page. The web
face (formkit.web.users, formkit.web.auditlog) checks and hashes passwords and words the
page; everything it reads or writes in the database goes through here. Each verb takes the
store the web app holds (`store`) and the `actor` its audit entry names."""

from __future__ import annotations

import hashlib
import io
import re
from datetime import datetime, timedelta

from formkit.catalogue import say
from formkit.errors import InputError
from formkit.export.xlsx_common import print_landscape
from formkit.store import Store
from formkit.store import accounts as _acc
from formkit.store.accounts import (
    RANK,
    ROLES,
    AuditFilter,
    AuditRow,
    WebUser,
    count_users,
    ensure_tables,
    get_user,
    list_users,
    live_sessions,
    record_failed_login,
)
from formkit.store.base import now

__all__ = [
    "RANK", "ROLES", "SESSION_MAX_HOURS", "SESSION_TOUCH_S", "AuditFilter", "AuditRow", "Store",
    "WebUser", "add_user", "audit_choices", "audit_page", "audit_workbook", "check_name",
    "check_role", "count_users", "end_session", "ensure_tables", "get_user", "list_users",
    "live_sessions", "login_account", "normalize_name", "record_failed_login",
    "record_login", "secret_key", "session_user", "set_active", "set_password", "set_role",
    "start_session",
]

#: last_seen is written at most this often (seconds): not one write per page
SESSION_TOUCH_S = 60
#: a session ends this long after sign-in, used or not (hours)
SESSION_MAX_HOURS = 12
#: ended and long-expired session rows are kept this long for the record (days)
SESSION_KEEP_DAYS = 7

_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,39}$")


# ---- users --------------------------------------------------------------------------------

def normalize_name(name: str) -> str:
    return (name or "").strip().lower()


def check_name(name: str) -> str:
    name = normalize_name(name)
    if not _NAME.match(name):
        raise InputError(say("error.accounts.bad_name"), hint="")
    return name


def check_role(role: str) -> str:
    if role not in ROLES:
        raise InputError(say("error.accounts.bad_role", role=role),
                         hint=say("error.accounts.bad_role.hint", roles=", ".join(
                             f"{k} ({v})" for k, v in ROLES.items())))
    return role


def secret_key(store: Store, candidate: str) -> str:
    """The key that signs session cookies: made once per database (`candidate` the first
    time) and kept there, so sessions survive a restart of the server."""
    return _acc.secret_key(store, candidate)


def add_user(store: Store, name: str, password_hash: str, role: str, full_name: str = "",
             actor: str = "") -> WebUser:
    """A new account; `name` and `role` checked here, the password by the caller."""
    name, role = check_name(name), check_role(role)
    user_id = _acc.add_user(store, name, password_hash, role, (full_name or "").strip(),
                            actor or name)
    user = get_user(store, user_id)
    assert user is not None
    return user


def login_account(store: Store, name: str) -> tuple[WebUser, str] | None:
    """The account a sign-in names and its password hash (the caller checks the password)."""
    return _acc.password_of(store, normalize_name(name))


def record_login(store: Store, user: WebUser) -> WebUser:
    _acc.record_login(store, user)
    return get_user(store, user.id) or user


def set_role(store: Store, user_id: int, role: str, actor: str) -> WebUser:
    _acc.set_role(store, user_id, check_role(role), actor)
    return _existing(store, user_id)


def set_password(store: Store, user_id: int, password_hash: str, actor: str,
                 keep_session: str | None = None) -> WebUser:
    """A new password; every session of the user ends, except `keep_session` (the token of
    the person changing their own password)."""
    _acc.set_password(store, user_id, password_hash, actor,
                      keep_sid=_sid(keep_session) if keep_session else None)
    return _existing(store, user_id)


def set_active(store: Store, user_id: int, active: bool, actor: str) -> WebUser:
    _acc.set_active(store, user_id, active, actor)
    return _existing(store, user_id)


def _existing(store: Store, user_id: int) -> WebUser:
    user = get_user(store, user_id)
    if user is None:
        raise InputError(say("error.accounts.no_user", id=user_id), hint="")
    return user


# ---- server-side sessions -----------------------------------------------------------------

def _sid(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def start_session(store: Store, token: str, user_id: int, address: str = "") -> None:
    """Record a session for a user who just signed in (`token`: the cookie's)."""
    _acc.add_session(store, _sid(token), user_id, address, SESSION_KEEP_DAYS)


def session_user(store: Store, token: str, idle_minutes: int) -> WebUser | None:
    """The user of a live session, else None (ended, idle too long, too old, account
    locked). Marks an expired session as ended."""
    sid = _sid(token)
    at = now()
    row = _acc.get_session(store, sid)
    if row is None or row.ended is not None:
        return None
    expired = (at - row.last_seen > timedelta(minutes=idle_minutes)
               or at - row.created > timedelta(hours=SESSION_MAX_HOURS))
    user = None if expired else get_user(store, row.user_id)
    if user is None or not user.active:
        _acc.end_session(store, sid, "expired" if expired else "account")
        return None
    if (at - row.last_seen).total_seconds() > SESSION_TOUCH_S:
        _acc.touch_session(store, sid, at)
    return user


def end_session(store: Store, token: str, reason: str = "logout") -> None:
    _acc.end_session(store, _sid(token), reason)


# ---- the audit log's page -----------------------------------------------------------------

def audit_page(store: Store, f: AuditFilter, limit: int = 300) -> tuple[list[AuditRow], int]:
    """The newest `limit` lines matching `f`, and how many match in all."""
    return _acc.audit_rows(store, f, limit)


def audit_choices(store: Store) -> tuple[list[str], list[str]]:
    """The people and the action codes found in the log, for the filter lists."""
    return _acc.audit_people_and_actions(store)


def audit_workbook(lines: list[tuple[int, datetime, str, str, str]], title: str) -> bytes:
    """Lines (number, time, person, action, details) as an XLSX printed like formkit's
    other sheets (xlsx_common.print_landscape)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Nhật ký"
    ws.append([title])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append(["Số", "Thời điểm", "Người thực hiện", "Thao tác", "Chi tiết"])
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for line in lines:
        ws.append(list(line))
        ws.cell(ws.max_row, 2).number_format = "dd/mm/yyyy hh:mm"
        ws.cell(ws.max_row, 5).alignment = Alignment(wrap_text=True, vertical="top")
    for col, width in zip("ABCDE", (8, 17, 18, 30, 70), strict=True):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A3"
    ws.auto_filter.ref = f"A2:E{max(ws.max_row, 2)}"
    print_landscape(ws, 2)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
