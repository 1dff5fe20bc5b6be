"""Local user accounts of the web app: the web's side of them (passwords checked and hashed,
cookie tokens made). What is kept in the database, and the rules of names, roles and
sessions, are formkit.app.accounts' (over formkit.store.accounts).

Roles, each including the rights of the ones before it:
  staff  enter feedback (register), upload scans, build forms
  iso    review readings, reports, archive (Ban ISO)
  admin  manage user accounts
"""

from __future__ import annotations

from formkit.app import accounts as A
from formkit.app.accounts import (
    RANK,
    ROLES,
    SESSION_MAX_HOURS,
    SESSION_TOUCH_S,
    Store,
    WebUser,
    check_name,
    check_role,
    count_users,
    end_session,
    ensure_tables,
    get_user,
    list_users,
    live_sessions,
    normalize_name,
    session_user,
    set_active,
    set_role,
)
from formkit.catalogue import say
from formkit.errors import InputError
from formkit.web.security import check_password, hash_password, new_token, password_problem

__all__ = [
    "RANK", "ROLES", "SESSION_MAX_HOURS", "SESSION_TOUCH_S", "WebUser", "authenticate",
    "check_name", "check_role", "count_users", "create_user", "end_session", "ensure_tables",
    "get_user", "list_users", "live_sessions", "normalize_name", "record_failed_login",
    "secret_key", "session_user", "set_active", "set_password", "set_role", "start_session",
]


def secret_key(store: Store) -> str:
    """The key that signs session cookies, kept in the database (made once)."""
    return A.secret_key(store, new_token())


def _check_password(password: str, name: str) -> None:
    problem = password_problem(password, name)
    if problem:
        raise InputError(say("text", text=problem), hint="")


def create_user(store: Store, name: str, password: str, role: str, full_name: str = "",
                actor: str = "") -> WebUser:
    name, role = check_name(name), check_role(role)
    _check_password(password, name)
    pw_hash = hash_password(password)  # slow on purpose: outside the write transaction
    return A.add_user(store, name, pw_hash, role, full_name, actor)


def authenticate(store: Store, name: str, password: str) -> WebUser | None:
    """The active user with this name and password, else None (same time either way)."""
    found = A.login_account(store, name)
    ok = check_password(password, found[1] if found else None)
    if not ok or found is None or not found[0].active:
        return None
    return A.record_login(store, found[0])


def record_failed_login(store: Store, name: str, address: str = "") -> None:
    A.record_failed_login(store, normalize_name(name), address)


def set_password(store: Store, user_id: int, password: str, actor: str,
                 keep_session: str | None = None) -> WebUser:
    """A new password; every session of the user ends, except `keep_session` (the token of
    the person changing their own password)."""
    user = get_user(store, user_id)
    if user is None:
        raise InputError(say("error.accounts.no_user", id=user_id), hint="")
    _check_password(password, user.name)
    return A.set_password(store, user_id, hash_password(password), actor,
                          keep_session=keep_session)


def start_session(store: Store, user_id: int, address: str = "") -> str:
    """A new session for a user who just signed in; returns the token for the cookie."""
    token = new_token()
    A.start_session(store, token, user_id, address)
    return token
