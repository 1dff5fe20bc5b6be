"""Passwords, CSRF tokens, one-time form tokens and a login throttle for the web app.

Only the standard library: scrypt with a per-user random salt (hashlib), constant-time
comparisons (hmac.compare_digest), random tokens (secrets).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import threading
import time
from collections import OrderedDict

#: scrypt cost: 2**14 × 8 × 128 bytes = 16 MiB and about 50 ms per check on this machine,
#: slow enough against guessing, fast enough for a login page
SCRYPT_N, SCRYPT_R, SCRYPT_P, SCRYPT_LEN = 2**14, 8, 1, 32
MIN_PASSWORD = 8


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def hash_password(password: str) -> str:
    """'scrypt$n$r$p$salt$hash' (base64 parts); the parameters travel with the hash so they
    can be raised later without invalidating stored passwords."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R,
                            p=SCRYPT_P, dklen=SCRYPT_LEN)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def check_password(password: str, stored: str | None) -> bool:
    """True when `password` matches `stored` (constant-time on the digest)."""
    if not stored:
        # still spend the time of a real check, so a missing user is not told apart
        hashlib.scrypt(b"x", salt=b"0" * 16, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P,
                       dklen=SCRYPT_LEN)
        return False
    try:
        algo, n, r, p, salt, digest = stored.split("$")
        if algo != "scrypt":
            return False
        want = base64.b64decode(digest)
        got = hashlib.scrypt(password.encode("utf-8"), salt=base64.b64decode(salt), n=int(n),
                             r=int(r), p=int(p), dklen=len(want))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, want)


def password_problem(password: str, name: str = "") -> str | None:
    """A Vietnamese reason why a new password is refused, or None."""
    if len(password) < MIN_PASSWORD:
        return f"Mật khẩu cần ít nhất {MIN_PASSWORD} ký tự."
    if name and password.casefold() == name.casefold():
        return "Mật khẩu không được trùng với tên đăng nhập."
    return None


def new_token() -> str:
    return secrets.token_urlsafe(32)


def same_token(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return False
    return hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))


class OneTimeTokens:
    """Tokens handed out with each form and accepted once: a form submitted twice (double
    click, back button, resubmitted page) is refused the second time.

    Kept in memory: the app runs as one process, and after a restart an old form is
    refused with a clear message, which is the safe side. Bounded in size and age."""

    def __init__(self, max_tokens: int = 20000, max_age_s: float = 12 * 3600):
        self._tokens: OrderedDict[str, tuple[int, float]] = OrderedDict()
        self._used: OrderedDict[str, float] = OrderedDict()
        self._lock = threading.Lock()
        self.max_tokens = max_tokens
        self.max_age_s = max_age_s

    def issue(self, user_id: int) -> str:
        token = new_token()
        now = time.monotonic()
        with self._lock:
            self._tokens[token] = (user_id, now)
            while len(self._tokens) > self.max_tokens:
                self._tokens.popitem(last=False)
        return token

    def consume(self, token: str | None, user_id: int) -> str:
        """'ok', 'used' (submitted before) or 'unknown' (expired, foreign or missing)."""
        if not token:
            return "unknown"
        now = time.monotonic()
        with self._lock:
            if token in self._used:
                return "used"
            entry = self._tokens.pop(token, None)
            if entry is None:
                return "unknown"
            owner, issued = entry
            if owner != user_id or now - issued > self.max_age_s:
                return "unknown"
            self._used[token] = now
            while len(self._used) > self.max_tokens:
                self._used.popitem(last=False)
            return "ok"


class LoginThrottle:
    """After `limit` failed logins for one name within `window_s`, further attempts for that
    name wait `lock_s` (slows password guessing without locking anyone out for long)."""

    def __init__(self, limit: int = 5, window_s: float = 600, lock_s: float = 300):
        self.limit, self.window_s, self.lock_s = limit, window_s, lock_s
        self._fails: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def blocked_for(self, name: str) -> float:
        now = time.monotonic()
        with self._lock:
            fails = [t for t in self._fails.get(name.casefold(), []) if now - t < self.window_s]
            self._fails[name.casefold()] = fails
            if len(fails) >= self.limit:
                return max(0.0, self.lock_s - (now - fails[-1]))
        return 0.0

    def failed(self, name: str) -> None:
        with self._lock:
            self._fails.setdefault(name.casefold(), []).append(time.monotonic())

    def succeeded(self, name: str) -> None:
        with self._lock:
            self._fails.pop(name.casefold(), None)
