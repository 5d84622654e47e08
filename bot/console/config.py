"""Console settings from the environment, validated at start (`ConfigError` names the variable)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from bot.config import ConfigError

MIN_SECRET_CHARS = 32


@dataclass(frozen=True)
class ConsoleSettings:
    """The validated settings of the console process."""

    secret: bytes
    rasa_url: str
    rasa_token: str
    host: str
    port: int
    cookie_secure: bool


def load_console_settings(environ: Mapping[str, str] | None = None) -> ConsoleSettings:
    """Build the settings from `environ` (default: the process environment), or raise."""
    env = os.environ if environ is None else environ
    secret = env.get("CONSOLE_SECRET", "").strip()
    if len(secret) < MIN_SECRET_CHARS:
        raise ConfigError(
            f"CONSOLE_SECRET must be a random string of at least {MIN_SECRET_CHARS} characters "
            "(it signs the agents' login cookies), e.g. "
            '`python -c "import secrets; print(secrets.token_urlsafe(32))"`'
        )
    token = env.get("RASA_AUTH_TOKEN", "").strip()
    if not token:
        raise ConfigError(
            "RASA_AUTH_TOKEN must be set: the console reads transcripts and sends replies through "
            "Rasa's HTTP API, which must run with --enable-api --auth-token"
        )
    rasa_url = env.get("RASA_URL", "http://127.0.0.1:5005").strip().rstrip("/")
    if urlsplit(rasa_url).scheme not in ("http", "https") or not urlsplit(rasa_url).hostname:
        raise ConfigError(
            f"RASA_URL must be an http(s):// URL of the Rasa server, got {rasa_url!r}"
        )
    raw_port = env.get("CONSOLE_PORT", "5006").strip()
    if not raw_port.isdigit() or not 1 <= int(raw_port) <= 65535:
        raise ConfigError(f"CONSOLE_PORT must be a port number, got {raw_port!r}")
    secure = env.get("CONSOLE_COOKIE_SECURE", "0").strip().lower()
    if secure not in ("0", "1", "false", "true"):
        raise ConfigError(f"CONSOLE_COOKIE_SECURE must be 1 or 0, got {secure!r}")
    return ConsoleSettings(
        secret=secret.encode(),
        rasa_url=rasa_url,
        rasa_token=token,
        host=env.get("CONSOLE_HOST", "127.0.0.1").strip() or "127.0.0.1",
        port=int(raw_port),
        cookie_secure=secure in ("1", "true"),
    )
