"""Process configuration, read once from environment variables and validated at start.

Every process (Rasa server, action server, CLI) reads the same variables, so one `.env`-style
environment configures the whole stack. A bad value stops the process with a message that names the
variable, instead of failing later inside a conversation.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
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
    return Settings(
        database_url=database_url, timezone=timezone, policy=policy, log_level=log_level
    )


@functools.lru_cache(maxsize=1)
def settings() -> Settings:
    """The settings of this process, read on first use."""
    return load_settings()
