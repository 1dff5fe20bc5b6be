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
from collections.abc import Callable
from functools import cache
from pathlib import Path

#: scrypt cost: 2**14 × 8 × 128 bytes = 16 MiB and about 50 ms per check on this machine,
#: slow enough against guessing, fast enough for a login page
SCRYPT_N, SCRYPT_R, SCRYPT_P, SCRYPT_LEN = 2**14, 8, 1, 32
MIN_PASSWORD = 10
#: the shipped list of common passwords (lower case, one a line)
COMMON_PASSWORDS_FILE = Path(__file__).parent / "data" / "common_passwords.txt"


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


@cache
def common_passwords() -> frozenset[str]:
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(x.strip().casefold() for x in lines if x.strip() and not x.startswith("#"))


_TAIL = "0123456789!@#$%^&*()-_=+.,;:?/ "


def password_problem(password: str, name: str = "") -> str | None:
    """A Vietnamese reason why a new password is refused, or None: shorter than
    MIN_PASSWORD, the user name (or the name with digits added), one character repeated,
    or a common password (also with digits or signs added at the end: password2026!)."""
    if len(password) < MIN_PASSWORD:
        return f"Mật khẩu cần ít nhất {MIN_PASSWORD} ký tự."
    folded = password.casefold()
    base = folded.rstrip(_TAIL) or folded
    if name and name.casefold() in (folded, base):
        return "Mật khẩu không được trùng với tên đăng nhập."
    if len(set(folded)) <= 2:
        return "Mật khẩu không được chỉ lặp lại một hai ký tự (như aaaaaaaaaa)."
    common = common_passwords()
    if folded in common or base in common or folded.strip(_TAIL) in common:
        return ("Mật khẩu này quá phổ biến, dễ bị đoán. Chọn một cụm vài từ dễ nhớ với "
                "bạn, ví dụ: ca-phe-sang-thu-hai.")
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
    """Growing delays after failed logins, counted per client address and per account.

    After `free` failures the next attempt must wait `base_s`, then twice as long after
    each further failure, up to `cap_s`; counts fade `window_s` after the last failure.
    - per address: one machine guessing (one password sprayed over many names, or many
      passwords for one name) is slowed whatever names it tries;
    - per account: an account under attack from many machines is slowed, but only for
      the addresses that have already failed on it. A fresh address is always allowed to
      try, so the right password from the owner's own computer is never locked out.
    Kept in memory (one process); bounded in size."""

    def __init__(self, free: int = 3, base_s: float = 2.0, cap_s: float = 300.0,
                 window_s: float = 900.0, max_keys: int = 20000,
                 clock: Callable[[], float] = time.monotonic):
        self.free, self.base_s, self.cap_s, self.window_s = free, base_s, cap_s, window_s
        self.max_keys = max_keys
        self.clock = clock
        self._fails: OrderedDict[tuple[str, ...], tuple[int, float]] = OrderedDict()
        self._lock = threading.Lock()

    def _delay(self, count: int) -> float:
        if count < self.free:
            return 0.0
        return min(self.base_s * 2 ** min(count - self.free, 30), self.cap_s)

    def _get(self, key: tuple[str, ...], now: float) -> tuple[int, float]:
        count, last = self._fails.get(key, (0, 0.0))
        if count and now - last > self.window_s:
            self._fails.pop(key, None)
            return 0, 0.0
        return count, last

    def _remaining(self, key: tuple[str, ...], now: float) -> float:
        count, last = self._get(key, now)
        return max(0.0, self._delay(count) - (now - last)) if count else 0.0

    def wait_for(self, address: str, name: str) -> float:
        """Seconds this address must still wait before trying `name` (0: try now)."""
        name = name.casefold()
        now = self.clock()
        with self._lock:
            wait = self._remaining(("ip", address), now)
            if self._get(("pair", address, name), now)[0]:
                wait = max(wait, self._remaining(("acct", name), now))
            return wait

    def failed(self, address: str, name: str) -> None:
        name = name.casefold()
        now = self.clock()
        with self._lock:
            for key in (("ip", address), ("acct", name), ("pair", address, name)):
                count, _ = self._get(key, now)
                self._fails[key] = (count + 1, now)
                self._fails.move_to_end(key)
            while len(self._fails) > self.max_keys:
                self._fails.popitem(last=False)

    def succeeded(self, address: str, name: str) -> None:
        """The right password: this address starts afresh (the account's count stays, for
        the other addresses that failed on it)."""
        with self._lock:
            self._fails.pop(("ip", address), None)
            self._fails.pop(("pair", address, name.casefold()), None)
