"""Agents' passwords, signed session cookies, CSRF tokens and a login throttle.

Passwords are kept as salted scrypt hashes (standard library, no dependency): a stolen database
does not give the passwords away, and each guess costs an attacker real memory and time. The
session cookie is the agent's id, an expiry and a CSRF token, signed with HMAC-SHA256 under
`CONSOLE_SECRET`: the server keeps no session table, and a forged or altered cookie is refused.
Every state-changing request must also send the CSRF token in the `X-CSRF-Token` header, which
another site cannot read, so a page elsewhere cannot act with an agent's cookie.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass

COOKIE_NAME = "heating_console"
CSRF_HEADER = "X-CSRF-Token"
SESSION_SECONDS = 12 * 3600
MIN_PASSWORD_CHARS = 10

# scrypt cost: 16 MiB and ~50 ms per hash, the interactive-login parameters of the scrypt paper.
_N, _R, _P, _DKLEN, _SALT_BYTES = 2**14, 8, 1, 32, 16


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def check_password_strength(password: str) -> None:
    """Raise `ValueError` for a password too short to be worth hashing."""
    if len(password) < MIN_PASSWORD_CHARS:
        raise ValueError(f"password must have at least {MIN_PASSWORD_CHARS} characters")


def hash_password(password: str) -> str:
    """`scrypt$N$r$p$salt$hash` with a fresh random salt, so equal passwords hash differently."""
    salt = secrets.token_bytes(_SALT_BYTES)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=_DKLEN)
    return f"scrypt${_N}${_R}${_P}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, stored: str) -> bool:
    """Whether `password` matches `stored` (constant-time compare; malformed hashes never match)."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = _unb64(digest)
        actual = hashlib.scrypt(
            password.encode(),
            salt=_unb64(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=len(expected),
            maxmem=64 * 1024 * 1024,
        )
    except (ValueError, binascii.Error):
        return False
    return hmac.compare_digest(actual, expected)


@dataclass(frozen=True)
class LoginSession:
    """What a valid cookie says: who, until when, and the CSRF token bound to it."""

    agent_id: int
    csrf: str
    expires: int


def issue_session(agent_id: int, secret: bytes, now: float | None = None) -> tuple[str, str]:
    """A signed cookie value for `agent_id` and the CSRF token inside it."""
    csrf = secrets.token_urlsafe(24)
    expires = int((time.time() if now is None else now) + SESSION_SECONDS)
    payload = _b64(json.dumps({"a": agent_id, "c": csrf, "e": expires}).encode())
    signature = _b64(hmac.new(secret, payload.encode(), hashlib.sha256).digest())
    return f"{payload}.{signature}", csrf


def read_session(value: str | None, secret: bytes, now: float | None = None) -> LoginSession | None:
    """The session of a cookie value, or `None` if it is missing, forged, altered or expired."""
    if not value or value.count(".") != 1:
        return None
    payload, signature = value.split(".")
    expected = _b64(hmac.new(secret, payload.encode(), hashlib.sha256).digest())
    if not hmac.compare_digest(signature, expected):
        return None
    try:
        data = json.loads(_unb64(payload))
        session = LoginSession(int(data["a"]), str(data["c"]), int(data["e"]))
    except (ValueError, KeyError, TypeError, binascii.Error):
        return None
    if session.expires < (time.time() if now is None else now):
        return None
    return session


def csrf_ok(session: LoginSession, header: str | None) -> bool:
    """Whether the request's CSRF header carries the token bound to its cookie."""
    return bool(header) and hmac.compare_digest(session.csrf, str(header))


class LoginThrottle:
    """At most `limit` failed logins per username in `window` seconds (per console process).

    Slows password guessing against one account; a success clears the count.
    """

    def __init__(self, limit: int = 5, window: float = 900.0) -> None:
        self.limit = limit
        self.window = window
        self._failures: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def _recent(self, username: str, now: float) -> deque[float]:
        failures = self._failures[username]
        while failures and failures[0] <= now - self.window:
            failures.popleft()
        return failures

    def blocked(self, username: str, now: float | None = None) -> bool:
        """Whether this username has used up its failed tries."""
        with self._lock:
            return len(self._recent(username, time.time() if now is None else now)) >= self.limit

    def failed(self, username: str, now: float | None = None) -> None:
        """Count one failed login."""
        with self._lock:
            self._recent(username, time.time() if now is None else now).append(
                time.time() if now is None else now
            )

    def succeeded(self, username: str) -> None:
        """Forget the failures of a username that logged in."""
        with self._lock:
            self._failures.pop(username, None)
