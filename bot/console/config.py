"""Console settings from the environment, validated at start (`ConfigError` names the variable)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.base.addresses import Network, trusted_networks
from bot.config import ConfigError
from bot.handoff.rasa import load_rasa_api

MIN_SECRET_CHARS = 32



@dataclass(frozen=True)
class LoginLimits:
    """How long an idle login lives, and how many failed logins a window allows.

    The defaults are the values the console runs with unless the environment says otherwise.
    Per address: one machine trying many usernames (a password spray). Per username: many
    machines trying one agent's password; it also slows the agent, for one window at most.
    """

    session_idle_seconds: int = 30 * 60
    window_seconds: int = 15 * 60
    failures_per_address: int = 20
    failures_per_username: int = 5


@dataclass(frozen=True)
class ConsoleSettings:
    """The validated settings of the console process.

    `trusted_proxies`: the reverse proxies (nginx) whose `X-Forwarded-For` names the client;
    from any other peer that header is ignored, or anyone could pick the address they are
    throttled as.
    """

    secret: bytes
    rasa_url: str
    rasa_token: str
    host: str
    port: int
    cookie_secure: bool
    limits: LoginLimits = field(default_factory=LoginLimits)
    trusted_proxies: tuple[Network, ...] = ()


def _whole_number(env: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = env.get(name, "").strip() or str(default)
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise ConfigError(f"{name} must be a whole number from {low} to {high}, got {raw!r}")
    return int(raw)


def _limits(env: Mapping[str, str]) -> LoginLimits:
    default = LoginLimits()
    idle = _whole_number(
        env, "CONSOLE_SESSION_IDLE_MINUTES", default.session_idle_seconds // 60, 1, 720
    )
    window = _whole_number(
        env, "CONSOLE_LOGIN_WINDOW_MINUTES", default.window_seconds // 60, 1, 1440
    )
    return LoginLimits(
        session_idle_seconds=60 * idle,
        window_seconds=60 * window,
        failures_per_address=_whole_number(
            env, "CONSOLE_LOGIN_FAILURES_PER_ADDRESS", default.failures_per_address, 1, 10000
        ),
        failures_per_username=_whole_number(
            env, "CONSOLE_LOGIN_FAILURES_PER_USERNAME", default.failures_per_username, 1, 100
        ),
    )


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
    rasa = load_rasa_api(env)
    raw_port = env.get("CONSOLE_PORT", "5006").strip()
    if not raw_port.isdigit() or not 1 <= int(raw_port) <= 65535:
        raise ConfigError(f"CONSOLE_PORT must be a port number, got {raw_port!r}")
    secure = env.get("CONSOLE_COOKIE_SECURE", "0").strip().lower()
    if secure not in ("0", "1", "false", "true"):
        raise ConfigError(f"CONSOLE_COOKIE_SECURE must be 1 or 0, got {secure!r}")
    return ConsoleSettings(
        secret=secret.encode(),
        rasa_url=rasa.url,
        rasa_token=rasa.token,
        host=env.get("CONSOLE_HOST", "127.0.0.1").strip() or "127.0.0.1",
        port=int(raw_port),
        cookie_secure=secure in ("1", "true"),
        limits=_limits(env),
        trusted_proxies=trusted_networks(
            env.get("CONSOLE_TRUSTED_PROXIES", ""), "CONSOLE_TRUSTED_PROXIES", "the console"
        ),
    )
