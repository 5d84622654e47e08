"""Agents' passwords, signed session cookies, CSRF tokens, and the rules of the login throttle.

Passwords are kept as salted scrypt hashes (standard library, no dependency): a stolen database
does not give the passwords away, and each guess costs an attacker real memory and time. An
unknown username is checked against a dummy hash of the same cost, so the time of a refusal does
not tell which usernames exist. The session cookie is a random session id, an expiry and a CSRF
token, signed with HMAC-SHA256 under `CONSOLE_SECRET`: a forged or altered cookie is refused
without a database read, and a genuine one is honoured only while its session is open in the
database (`bot.console.logins`), so logging out ends it on every console process. Every
state-changing request must also send the CSRF token in the `X-CSRF-Token` header, which another
site cannot read, so a page elsewhere cannot act with an agent's cookie.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import math
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

COOKIE_NAME = "heating_console"
CSRF_HEADER = "X-CSRF-Token"
SESSION_SECONDS = 12 * 3600
MIN_PASSWORD_CHARS = 10

# scrypt cost: 16 MiB and ~50 ms per hash, the interactive-login parameters of the scrypt paper.
_N, _R, _P, _DKLEN, _SALT_BYTES = 2**14, 8, 1, 32, 16
# What an unknown username is checked against: a well-formed hash of the same cost that no
# password matches (its digest would have to be all zeros).
_DUMMY_HASH = f"scrypt${_N}${_R}${_P}${'A' * 22}${'A' * 43}"


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


def verify_login(password: str, stored: str | None) -> bool:
    """`verify_password`, against a dummy hash of the same cost when there is no `stored` hash.

    A login for an unknown username then takes as long as a wrong password for a known one.
    """
    return verify_password(password, _DUMMY_HASH if stored is None else stored)


@dataclass(frozen=True)
class LoginSession:
    """What a valid cookie says: which session, until when, and the CSRF token bound to it."""

    session_id: str
    csrf: str
    expires: int

    @property
    def key(self) -> str:
        """What the database keeps of the session id: its hash, which cannot be sent back as a
        cookie by whoever reads a copy of the table."""
        return _b64(hashlib.sha256(self.session_id.encode()).digest())


def issue_session(secret: bytes, now: float) -> tuple[str, LoginSession]:
    """A signed cookie value for a new random session (Unix time `now`), and that session."""
    session = LoginSession(
        secrets.token_urlsafe(32), secrets.token_urlsafe(24), int(now + SESSION_SECONDS)
    )
    payload = _b64(
        json.dumps({"s": session.session_id, "c": session.csrf, "e": session.expires}).encode()
    )
    signature = _b64(hmac.new(secret, payload.encode(), hashlib.sha256).digest())
    return f"{payload}.{signature}", session


def read_session(value: str | None, secret: bytes, now: float) -> LoginSession | None:
    """The session of a cookie value at Unix time `now`, or `None` if it is missing, forged,
    altered or expired (whether it is still open is the database's to say)."""
    if not value or value.count(".") != 1:
        return None
    payload, signature = value.split(".")
    expected = _b64(hmac.new(secret, payload.encode(), hashlib.sha256).digest())
    if not hmac.compare_digest(signature, expected):
        return None
    try:
        data = json.loads(_unb64(payload))
        session = LoginSession(str(data["s"]), str(data["c"]), int(data["e"]))
    except (ValueError, KeyError, TypeError, binascii.Error):
        return None
    if session.expires < now:
        return None
    return session


def csrf_ok(session: LoginSession, header: str | None) -> bool:
    """Whether the request's CSRF header carries the token bound to its cookie."""
    return bool(header) and hmac.compare_digest(session.csrf, str(header))


def throttle_key(kind: str, value: str, secret: bytes) -> str:
    """A keyed hash of an address or a username: the throttle's table holds neither in clear
    (a username field sometimes holds a password typed in the wrong box)."""
    return _b64(hmac.new(secret, f"{kind}:{value}".encode(), hashlib.sha256).digest())


def retry_after(
    failures: Sequence[datetime], limit: int, window_seconds: int, now: datetime
) -> int:
    """Whole seconds until one more login may be tried (0: now), given one key's failures in the
    window, newest first: once `limit` failures are in the window, the next try waits until the
    `limit`-th newest leaves it."""
    if len(failures) < limit:
        return 0
    free_at = failures[limit - 1] + timedelta(seconds=window_seconds)
    return max(1, math.ceil((free_at - now).total_seconds()))
