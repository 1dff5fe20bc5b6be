"""Accounts of the web app in the workspace's database: users, their server-side sessions,
and the audit log as its page lists it. Only storing and finding here; the rules (names,
roles, passwords, session lifetimes) are formkit.app.accounts' and formkit.web.users'.

The tables are created with CREATE TABLE IF NOT EXISTS on the store's own engine (they were
made so before migrations.py knew them; a numbered migration can take the same form), and
every change is written to the store's audit log in the same transaction.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

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
from sqlalchemy.orm import Session

from formkit.catalogue import say
from formkit.errors import InputError, RefusedError
from formkit.store.base import StoreBase, now
from formkit.store.models import AuditLog

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

#: role → Vietnamese name; each role includes the rights of the ones before it
ROLES: dict[str, str] = {"staff": "Cán bộ tiếp nhận", "iso": "Ban ISO", "admin": "Quản trị"}
RANK = {"staff": 1, "iso": 2, "admin": 3}


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


@dataclass(frozen=True)
class SessionRow:
    user_id: int
    created: datetime
    last_seen: datetime
    ended: datetime | None


def _user(row: Any) -> WebUser:
    return WebUser(row.id, row.name, row.full_name or "", row.role, bool(row.active),
                   row.session_epoch or 0, row.created, row.last_login)


def ensure_tables(store: StoreBase) -> None:
    """Create the web tables when missing (idempotent)."""
    metadata.create_all(store.engine, checkfirst=True)


def secret_key(store: StoreBase, candidate: str) -> str:
    """The key kept for this database; `candidate` becomes it the first time."""
    with store.write_session() as s:
        value = s.scalar(select(web_meta.c.value).where(web_meta.c.key == "secret_key"))
        if value is None:
            value = candidate
            s.execute(insert(web_meta).values(key="secret_key", value=value))
        return value


# ---- users --------------------------------------------------------------------------------

def count_users(store: StoreBase) -> int:
    with store.read_session() as s:
        return s.scalar(select(func.count()).select_from(web_users)) or 0


def list_users(store: StoreBase) -> list[WebUser]:
    with store.read_session() as s:
        return [_user(r) for r in s.execute(select(web_users).order_by(web_users.c.name))]


def get_user(store: StoreBase, user_id: int) -> WebUser | None:
    with store.read_session() as s:
        row = s.execute(select(web_users).where(web_users.c.id == user_id)).first()
        return _user(row) if row else None


def password_of(store: StoreBase, name: str) -> tuple[WebUser, str] | None:
    """The user named `name` and the hash of their password, or None."""
    with store.read_session() as s:
        row = s.execute(select(web_users).where(web_users.c.name == name)).first()
    return (_user(row), row.password_hash) if row else None


def add_user(store: StoreBase, name: str, password_hash: str, role: str, full_name: str,
             actor: str) -> int:
    """A new account (its name checked, its password hashed by the caller); its id."""
    with store.write_session() as s:
        if s.scalar(select(web_users.c.id).where(web_users.c.name == name)) is not None:
            raise RefusedError(say("error.accounts.name_taken", name=name),
                               hint=say("error.accounts.name_taken.hint"))
        result = s.execute(insert(web_users).values(
            name=name, full_name=full_name, role=role, password_hash=password_hash,
            active=True, session_epoch=0, created=now(), created_by=actor))
        store.audit(s, "web_user_add", actor, user=name, role=role)
        return int(result.inserted_primary_key[0])


def record_login(store: StoreBase, user: WebUser) -> None:
    with store.write_session() as s:
        s.execute(update(web_users).where(web_users.c.id == user.id).values(last_login=now()))
        store.audit(s, "web_login", user.name)


def record_failed_login(store: StoreBase, name: str, address: str = "") -> None:
    with store.write_session() as s:
        store.audit(s, "web_login_failed", name[:40], address=address[:64])


def _active_admins(s: Session, excluding: int | None = None) -> int:
    q = select(func.count()).select_from(web_users).where(
        web_users.c.role == "admin", web_users.c.active.is_(True))
    if excluding is not None:
        q = q.where(web_users.c.id != excluding)
    return s.scalar(q) or 0


def _load(s: Session, user_id: int) -> Any:
    row = s.execute(select(web_users).where(web_users.c.id == user_id)).first()
    if row is None:
        raise InputError(say("error.accounts.no_user", id=user_id), hint="")
    return row


def set_role(store: StoreBase, user_id: int, role: str, actor: str) -> None:
    with store.write_session() as s:
        row = _load(s, user_id)
        if row.role == "admin" and role != "admin" and _active_admins(s, user_id) == 0:
            raise RefusedError(say("error.accounts.last_admin_role"),
                               hint=say("error.accounts.last_admin_role.hint"))
        s.execute(update(web_users).where(web_users.c.id == user_id).values(role=role))
        if role != row.role:  # the rights of every open session change: sign in again
            end_user_sessions(s, user_id, "role")
        store.audit(s, "web_user_role", actor, user=row.name, before=row.role, after=role)


def set_password(store: StoreBase, user_id: int, password_hash: str, actor: str,
                 keep_sid: str | None = None) -> None:
    """A new password hash; every session of the user ends, except `keep_sid`."""
    with store.write_session() as s:
        row = _load(s, user_id)
        s.execute(update(web_users).where(web_users.c.id == user_id).values(
            password_hash=password_hash, session_epoch=(row.session_epoch or 0) + 1))
        end_user_sessions(s, user_id, "password", keep_sid=keep_sid)
        store.audit(s, "web_user_password", actor, user=row.name)


def set_active(store: StoreBase, user_id: int, active: bool, actor: str) -> None:
    with store.write_session() as s:
        row = _load(s, user_id)
        if not active and row.role == "admin" and _active_admins(s, user_id) == 0:
            raise RefusedError(say("error.accounts.last_admin_lock"),
                               hint=say("error.accounts.last_admin_lock.hint"))
        s.execute(update(web_users).where(web_users.c.id == user_id).values(
            active=active, session_epoch=(row.session_epoch or 0) + 1))
        end_user_sessions(s, user_id, "disabled")
        store.audit(s, "web_user_active" if active else "web_user_disabled", actor,
                    user=row.name)


# ---- server-side sessions -----------------------------------------------------------------

def add_session(store: StoreBase, sid: str, user_id: int, address: str,
                keep_days: int) -> None:
    """A session row; ended and long-expired rows older than `keep_days` are dropped."""
    at = now()
    with store.write_session() as s:
        s.execute(insert(web_sessions).values(id=sid, user_id=user_id, created=at,
                                              last_seen=at, address=(address or "")[:64]))
        s.execute(web_sessions.delete().where(web_sessions.c.last_seen
                                              < at - timedelta(days=keep_days)))


def get_session(store: StoreBase, sid: str) -> SessionRow | None:
    with store.read_session() as s:
        row = s.execute(select(web_sessions).where(web_sessions.c.id == sid)).first()
    return SessionRow(row.user_id, row.created, row.last_seen, row.ended) if row else None


def touch_session(store: StoreBase, sid: str, at: datetime) -> None:
    with store.write_session() as s:
        s.execute(update(web_sessions).where(web_sessions.c.id == sid,
                                             web_sessions.c.ended.is_(None))
                  .values(last_seen=at))


def end_session(store: StoreBase, sid: str, reason: str) -> None:
    with store.write_session() as s:
        s.execute(update(web_sessions).where(web_sessions.c.id == sid,
                                             web_sessions.c.ended.is_(None))
                  .values(ended=now(), end_reason=reason))


def end_user_sessions(s: Session, user_id: int, reason: str, keep_sid: str | None = None
                      ) -> int:
    """End every live session of a user (inside the caller's transaction), except
    `keep_sid`. Returns how many ended."""
    q = update(web_sessions).where(web_sessions.c.user_id == user_id,
                                   web_sessions.c.ended.is_(None))
    if keep_sid:
        q = q.where(web_sessions.c.id != keep_sid)
    return s.execute(q.values(ended=now(), end_reason=reason)).rowcount or 0


def live_sessions(store: StoreBase, user_id: int) -> int:
    with store.read_session() as s:
        return s.scalar(select(func.count()).select_from(web_sessions).where(
            web_sessions.c.user_id == user_id, web_sessions.c.ended.is_(None))) or 0


# ---- the audit log as its page lists it ---------------------------------------------------

@dataclass(frozen=True)
class AuditFilter:
    actor: str = ""
    action: str = ""
    since: date | None = None
    until: date | None = None

    def where(self, q: Any) -> Any:
        if self.actor:
            q = q.where(AuditLog.actor == self.actor)
        if self.action:
            q = q.where(AuditLog.action == self.action)
        if self.since:
            q = q.where(AuditLog.at >= datetime.combine(self.since, time.min))
        if self.until:
            q = q.where(AuditLog.at <= datetime.combine(self.until, time.max))
        return q


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime
    actor: str
    action: str
    details: dict[str, Any]


def audit_rows(store: StoreBase, f: AuditFilter, limit: int) -> tuple[list[AuditRow], int]:
    """The newest `limit` lines matching `f`, and how many match in all."""
    with store.read_session() as s:
        total = s.scalar(f.where(select(func.count()).select_from(AuditLog))) or 0
        rows = s.scalars(f.where(select(AuditLog)).order_by(AuditLog.id.desc())
                         .limit(limit)).all()
        out = []
        for r in rows:
            try:
                details = json.loads(r.details or "{}")
            except ValueError:  # a line written by hand or cut short: shown without details
                details = {}
            out.append(AuditRow(r.id, r.at, r.actor or "", r.action,
                                details if isinstance(details, dict) else {}))
    return out, total


def audit_people_and_actions(store: StoreBase) -> tuple[list[str], list[str]]:
    """The people and the action codes found in the log."""
    with store.read_session() as s:
        actors = sorted(a for a in s.scalars(select(AuditLog.actor).distinct()) if a)
        actions = sorted(a for a in s.scalars(select(AuditLog.action).distinct()) if a)
    return actors, actions
