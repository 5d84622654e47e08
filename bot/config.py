"""Process configuration, read once from environment variables and validated at start.

Every process (Rasa server, action server, CLI) reads the same variables, so one `.env`-style
environment configures the whole stack. A bad value stops the process with a message that names the
variable, instead of failing later inside a conversation.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class ConfigError(RuntimeError):
    """A setting is missing or malformed; the message names the variable and what it expects."""


@dataclass(frozen=True)
class Settings:
    """The validated settings of this process."""

    database_url: str
    timezone: ZoneInfo
    policy: str
    log_level: str
    #: How long a channel's claim on an inbound message holds before another delivery of it (the
    #: provider's retry) or the scheduler may take it over (`bot.store.inbound`).
    inbound_lease: timedelta
    #: `HEATING_CLOCK_ANCHOR`: the company's clock read this moment at that real Unix time, for an
    #: evaluation stack whose answers must not depend on the hour it runs (`bot.base.clock`).
    clock_anchor: tuple[datetime, float] | None = None


#: `INBOUND_LEASE_SECONDS`: its default and bounds (longer than any healthy turn, which takes a
#: second or two, and short enough that a message a crash left is taken over within minutes).
DEFAULT_INBOUND_LEASE_SECONDS = 60
INBOUND_LEASE_RANGE = (10, 3600)


#: The variable that pins an evaluation stack's clock; never set in production.
CLOCK_ANCHOR_ENV = "HEATING_CLOCK_ANCHOR"


def clock_anchor_value(moment: datetime, at_unix: float) -> str:
    """`HEATING_CLOCK_ANCHOR`'s value: `moment` (aware) is the time at the real Unix `at_unix`."""
    return f"{moment.isoformat()}@{at_unix:.6f}"


def _clock_anchor(text: str) -> tuple[datetime, float] | None:
    if not text:
        return None
    moment_text, _, at_text = text.rpartition("@")
    try:
        moment, at_unix = datetime.fromisoformat(moment_text), float(at_text)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise ConfigError(
            f"{CLOCK_ANCHOR_ENV} must be <aware ISO datetime>@<unix seconds>, such as "
            f"2026-12-07T10:00:00+08:00@1765072800.0, got {text!r}"
        )
    return moment, at_unix


def _default_database_url() -> str:
    return f"sqlite:///{PROJECT_ROOT / 'var' / 'heating.db'}"


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    """Build settings from `environ` (default: the process environment), raising `ConfigError`."""
    env = os.environ if environ is None else environ
    database_url = env.get("DATABASE_URL", "").strip() or _default_database_url()
    if not database_url.startswith(("sqlite://", "postgresql://", "postgresql+psycopg2://")):
        raise ConfigError(
            "DATABASE_URL must be a sqlite:// or postgresql:// URL, "
            f"got one starting with {database_url.split(':', 1)[0]!r}"
        )
    tz_name = env.get("HEATING_TIMEZONE", "Asia/Shanghai").strip()
    try:
        timezone = ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(f"HEATING_TIMEZONE={tz_name!r} is not a known time zone") from exc
    policy = env.get("HEATING_POLICY", "beijing").strip() or "beijing"
    log_level = env.get("LOG_LEVEL", "INFO").strip().upper()
    if log_level not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
        raise ConfigError(f"LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, got {log_level!r}")
    lease_text = env.get("INBOUND_LEASE_SECONDS", "").strip() or str(DEFAULT_INBOUND_LEASE_SECONDS)
    low, high = INBOUND_LEASE_RANGE
    if not lease_text.isdigit() or not low <= int(lease_text) <= high:
        raise ConfigError(
            f"INBOUND_LEASE_SECONDS must be a whole number of seconds from {low} to {high}, "
            f"got {lease_text!r}"
        )
    return Settings(
        database_url=database_url,
        timezone=timezone,
        policy=policy,
        log_level=log_level,
        inbound_lease=timedelta(seconds=int(lease_text)),
        clock_anchor=_clock_anchor(env.get(CLOCK_ANCHOR_ENV, "").strip()),
    )


@functools.lru_cache(maxsize=1)
def settings() -> Settings:
    """The settings of this process, read on first use."""
    return load_settings()
