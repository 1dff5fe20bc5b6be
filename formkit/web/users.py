"""Local user accounts of the web app, in the workspace's database.

The tables live here, not in formkit/store/migrations.py, while that file is still being
changed by the store's owner: they are created with CREATE TABLE IF NOT EXISTS on the store's
own engine, and every change is written to the store's audit log in the same transaction.
Moving them into a numbered migration later changes nothing for existing databases (the
migration can use the same IF NOT EXISTS form).

Roles, each including the rights of the ones before it:
  staff  enter feedback (register), upload scans, build forms
  iso    review readings, reports, archive (Ban ISO)
  admin  manage user accounts
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    func,
    insert,
    select,
    update,
)

from formkit.errors import InputError, RefusedError
from formkit.store import Store
from formkit.store.core import now
from formkit.web.security import check_password, hash_password, new_token, password_problem

ROLES: dict[str, str] = {"staff": "Cán bộ tiếp nhận", "iso": "Ban ISO", "admin": "Quản trị"}
RANK = {"staff": 1, "iso": 2, "admin": 3}

metadata = MetaData()

web_users = Table(
    "web_users", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(40), unique=True, nullable=False),  # login name, lower case
    Column("full_name", Text, default=""),
    Column("role", String(10), nullable=False),
    Column("password_hash", Text, nullable=False),
    Column("active", Boolean, default=True),
    #: bumped on password change or disabling: every session issued before stops working
    Column("session_epoch", Integer, default=0),
    Column("created", DateTime),
    Column("created_by", String(80), default=""),
    Column("last_login", DateTime),
)

web_meta = Table(
    "web_meta", metadata,
    Column("key", String(40), primary_key=True),
    Column("value", Text),
)

#: one row per signed-in browser: the cookie carries a random token, the table its SHA-256.
#: A session is valid while `ended` is empty, it was used within the idle timeout and is
#: younger than the absolute lifetime; logout, a password or role change and locking the
#: account end it here, so a copy of the cookie kept from before is refused.
web_sessions = Table(
    "web_sessions", metadata,
    Column("id", String(64), primary_key=True),  # sha256 of the cookie's token
    Column("user_id", Integer, nullable=False, index=True),
    Column("created", DateTime, nullable=False),
    Column("last_seen", DateTime, nullable=False),
    Column("address", String(64), default=""),
    Column("ended", DateTime),
    Column("end_reason", String(20)),
)

#: last_seen is written at most this often (seconds): not one write per page
SESSION_TOUCH_S = 60
#: a session ends this long after sign-in, used or not (hours)
SESSION_MAX_HOURS = 12

_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,39}$")


@dataclass(frozen=True)
class WebUser:
    id: int
    name: str
    full_name: str
    role: str
    active: bool
    session_epoch: int
    created: datetime | None
    last_login: datetime | None

    def can(self, role: str) -> bool:
        return self.active and RANK.get(self.role, 0) >= RANK[role]

    @property
    def display(self) -> str:
        return self.full_name or self.name

    @property
    def role_label(self) -> str:
        return ROLES.get(self.role, self.role)


def _user(row) -> WebUser:
    return WebUser(row.id, row.name, row.full_name or "", row.role, bool(row.active),
                   row.session_epoch or 0, row.created, row.last_login)


def ensure_tables(store: Store) -> None:
    """Create the web tables when missing (idempotent)."""
    metadata.create_all(store.engine, checkfirst=True)


def secret_key(store: Store) -> str:
    """The key that signs session cookies: made once per database and kept there, so
    sessions survive a restart of the server."""
    with store.write_session() as s:
        value = s.scalar(select(web_meta.c.value).where(web_meta.c.key == "secret_key"))
        if value is None:
            value = new_token()
            s.execute(insert(web_meta).values(key="secret_key", value=value))
        return value


def normalize_name(name: str) -> str:
    return (name or "").strip().lower()


def check_name(name: str) -> str:
    name = normalize_name(name)
    if not _NAME.match(name):
        raise InputError("Tên đăng nhập chỉ gồm chữ không dấu, số, dấu chấm, gạch nối; "
                         "2–40 ký tự (ví dụ: lan.nguyen).", hint="")
    return name


def check_role(role: str) -> str:
    if role not in ROLES:
        raise InputError(f"Vai trò không hợp lệ: {role!r}.", hint="Chọn: "
                         + ", ".join(f"{k} ({v})" for k, v in ROLES.items()) + ".")
    return role


def count_users(store: Store) -> int:
    with store.read_session() as s:
        return s.scalar(select(func.count()).select_from(web_users)) or 0


def list_users(store: Store) -> list[WebUser]:
    with store.read_session() as s:
        return [_user(r) for r in s.execute(select(web_users).order_by(web_users.c.name))]


def get_user(store: Store, user_id: int) -> WebUser | None:
    with store.read_session() as s:
        row = s.execute(select(web_users).where(web_users.c.id == user_id)).first()
        return _user(row) if row else None


def create_user(store: Store, name: str, password: str, role: str, full_name: str = "",
                actor: str = "") -> WebUser:
    name = check_name(name)
    role = check_role(role)
    problem = password_problem(password, name)
    if problem:
        raise InputError(problem, hint="")
    pw_hash = hash_password(password)  # slow on purpose: outside the write transaction
    with store.write_session() as s:
        if s.scalar(select(web_users.c.id).where(web_users.c.name == name)) is not None:
            raise RefusedError(f"Tài khoản “{name}” đã có; không tạo thêm.",
                               hint="Chọn tên khác, hoặc đặt lại mật khẩu của tài khoản đó.")
        result = s.execute(insert(web_users).values(
            name=name, full_name=(full_name or "").strip(), role=role, password_hash=pw_hash,
            active=True, session_epoch=0, created=now(), created_by=actor or name))
        user_id = result.inserted_primary_key[0]
        store.audit(s, "web_user_add", actor or name, user=name, role=role)
    user = get_user(store, user_id)
    assert user is not None
    return user


def authenticate(store: Store, name: str, password: str) -> WebUser | None:
    """The active user with this name and password, else None (same time either way)."""
    name = normalize_name(name)
    with store.read_session() as s:
        row = s.execute(select(web_users).where(web_users.c.name == name)).first()
    ok = check_password(password, row.password_hash if row else None)
    if not ok or row is None or not row.active:
        return None
    with store.write_session() as s:
        s.execute(update(web_users).where(web_users.c.id == row.id).values(last_login=now()))
        store.audit(s, "web_login", row.name)
    return get_user(store, row.id)


def record_failed_login(store: Store, name: str, address: str = "") -> None:
    with store.write_session() as s:
        store.audit(s, "web_login_failed", normalize_name(name)[:40], address=address[:64])


def _active_admins(s, excluding: int | None = None) -> int:
    q = select(func.count()).select_from(web_users).where(
        web_users.c.role == "admin", web_users.c.active.is_(True))
    if excluding is not None:
        q = q.where(web_users.c.id != excluding)
    return s.scalar(q) or 0


def _load(s, user_id: int):
    row = s.execute(select(web_users).where(web_users.c.id == user_id)).first()
    if row is None:
        raise InputError(f"Không có tài khoản số {user_id}.", hint="")
    return row


def set_role(store: Store, user_id: int, role: str, actor: str) -> WebUser:
    role = check_role(role)
    with store.write_session() as s:
        row = _load(s, user_id)
        if row.role == "admin" and role != "admin" and _active_admins(s, user_id) == 0:
            raise RefusedError("Đây là quản trị viên cuối cùng; không đổi vai trò được.",
                               hint="Tạo hoặc cấp quyền quản trị cho người khác trước.")
        s.execute(update(web_users).where(web_users.c.id == user_id).values(role=role))
        if role != row.role:  # the rights of every open session change: sign in again
            _end_user_sessions(s, user_id, "role")
        store.audit(s, "web_user_role", actor, user=row.name, before=row.role, after=role)
    return get_user(store, user_id)  # type: ignore[return-value]


def set_password(store: Store, user_id: int, password: str, actor: str,
                 keep_session: str | None = None) -> WebUser:
    """A new password; every session of the user ends, except `keep_session` (the token of
    the person changing their own password)."""
    with store.read_session() as s:
        row = _load(s, user_id)
    problem = password_problem(password, row.name)
    if problem:
        raise InputError(problem, hint="")
    pw_hash = hash_password(password)
    with store.write_session() as s:
        s.execute(update(web_users).where(web_users.c.id == user_id).values(
            password_hash=pw_hash, session_epoch=(row.session_epoch or 0) + 1))
        _end_user_sessions(s, user_id, "password", keep=keep_session)
        store.audit(s, "web_user_password", actor, user=row.name)
    return get_user(store, user_id)  # type: ignore[return-value]


def set_active(store: Store, user_id: int, active: bool, actor: str) -> WebUser:
    with store.write_session() as s:
        row = _load(s, user_id)
        if not active and row.role == "admin" and _active_admins(s, user_id) == 0:
            raise RefusedError("Đây là quản trị viên cuối cùng; không khóa được.",
                               hint="Cấp quyền quản trị cho người khác trước.")
        s.execute(update(web_users).where(web_users.c.id == user_id).values(
            active=active, session_epoch=(row.session_epoch or 0) + 1))
        _end_user_sessions(s, user_id, "disabled")
        store.audit(s, "web_user_active" if active else "web_user_disabled", actor,
                    user=row.name)
    return get_user(store, user_id)  # type: ignore[return-value]


# ---- server-side sessions ------------------------------------------------------------------

def _sid(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def start_session(store: Store, user_id: int, address: str = "") -> str:
    """A new session for a user who just signed in; returns the token for the cookie."""
    token = new_token()
    at = now()
    with store.write_session() as s:
        s.execute(insert(web_sessions).values(id=_sid(token), user_id=user_id, created=at,
                                              last_seen=at, address=(address or "")[:64]))
        # ended and long-expired rows are kept a week for the record, then dropped
        s.execute(web_sessions.delete().where(web_sessions.c.last_seen
                                              < at - timedelta(days=7)))
    return token


def session_user(store: Store, token: str, idle_minutes: int) -> WebUser | None:
    """The user of a live session, else None (ended, idle too long, too old, account
    locked). Marks an expired session as ended."""
    sid = _sid(token)
    at = now()
    with store.read_session() as s:
        row = s.execute(select(web_sessions).where(web_sessions.c.id == sid)).first()
    if row is None or row.ended is not None:
        return None
    expired = (at - row.last_seen > timedelta(minutes=idle_minutes)
               or at - row.created > timedelta(hours=SESSION_MAX_HOURS))
    user = None if expired else get_user(store, row.user_id)
    if user is None or not user.active:
        end_session(store, token, "expired" if expired else "account")
        return None
    if (at - row.last_seen).total_seconds() > SESSION_TOUCH_S:
        with store.write_session() as s:
            s.execute(update(web_sessions).where(web_sessions.c.id == sid,
                                                 web_sessions.c.ended.is_(None))
                      .values(last_seen=at))
    return user


def end_session(store: Store, token: str, reason: str = "logout") -> None:
    with store.write_session() as s:
        s.execute(update(web_sessions).where(web_sessions.c.id == _sid(token),
                                             web_sessions.c.ended.is_(None))
                  .values(ended=now(), end_reason=reason))


def _end_user_sessions(s, user_id: int, reason: str, keep: str | None = None) -> int:
    """End every live session of a user (inside the caller's transaction), except `keep`
    (a token). Returns how many ended."""
    q = update(web_sessions).where(web_sessions.c.user_id == user_id,
                                   web_sessions.c.ended.is_(None))
    if keep:
        q = q.where(web_sessions.c.id != _sid(keep))
    return s.execute(q.values(ended=now(), end_reason=reason)).rowcount or 0


def live_sessions(store: Store, user_id: int) -> int:
    with store.read_session() as s:
        return s.scalar(select(func.count()).select_from(web_sessions).where(
            web_sessions.c.user_id == user_id, web_sessions.c.ended.is_(None))) or 0
