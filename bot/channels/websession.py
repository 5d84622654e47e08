"""The website widget's session tokens: issued by the server, signed, resumed only by their holder.

A browser once chose its own session id, and that id became the conversation: anyone who sent
another visitor's id (or an 11-digit phone number) continued that conversation. Now the server
issues `<id>.<signature>` (a random id and its HMAC-SHA256 under the server's secret) in
`session_confirm`; a `session_request` may resume only a token that verifies, anything else gets a
new session. The conversation id is `web:<id>` (bot.channels.ids).

The secret comes from `WEBCHAT_SECRET` (production: the same value on every replica), else from
`var/webchat.secret`, created once with owner-only permissions so sessions survive a restart of
the demo stack.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from pathlib import Path

from bot.config import PROJECT_ROOT, ConfigError

SECRET_VARIABLE = "WEBCHAT_SECRET"
SECRET_FILE = PROJECT_ROOT / "var" / "webchat.secret"
#: A token: 32 hex characters of id, a dot, 32 hex characters of signature.
TOKEN = re.compile(r"([0-9a-f]{32})\.([0-9a-f]{32})")


def load_secret(environ: dict[str, str] | None = None, path: Path = SECRET_FILE) -> bytes:
    """The signing secret: `WEBCHAT_SECRET` (at least 32 characters), else the file at `path`."""
    env = os.environ if environ is None else environ
    value = env.get(SECRET_VARIABLE, "").strip()
    if value:
        if len(value) < 32:
            raise ConfigError(f"{SECRET_VARIABLE} must be at least 32 characters long")
        return value.encode()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_text(encoding="ascii").strip().encode()


def _signature(secret: bytes, session: str) -> str:
    return hmac.new(secret, session.encode(), hashlib.sha256).hexdigest()[:32]


def issue(secret: bytes) -> tuple[str, str]:
    """A new session: its id and the token the browser keeps."""
    session = secrets.token_hex(16)
    return session, f"{session}.{_signature(secret, session)}"


def resume(secret: bytes, token: object) -> str | None:
    """The session id of a token this server issued, or None (forged, foreign or malformed)."""
    if not isinstance(token, str):
        return None
    match = TOKEN.fullmatch(token)
    if match is None:
        return None
    session, signature = match.groups()
    return session if hmac.compare_digest(signature, _signature(secret, session)) else None
