"""Hand-off settings from the environment, validated when a process starts.

The action server (which queues conversations) and the console (which serves and delivers them)
read the same variables, so one environment configures both; a wrong value stops the process with
a message naming the variable instead of failing inside a conversation.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from bot.config import ConfigError

TARGETS = ("console", "webhook", "wechat_kf")
"""Where a conversation may go: our console, a call centre's webhook, WeChat's own agents."""

MIN_SECRET_CHARS = 32
_LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
_KF_ACCOUNT = re.compile(r"^[A-Za-z0-9_.\-]{1,32}@[A-Za-z0-9_.\-]{1,32}$")


@dataclass(frozen=True)
class HandoffSettings:
    """The validated hand-off configuration of this process."""

    targets: tuple[str, ...]
    webhook_url: str | None
    webhook_secret: bytes | None
    wechat_kf_account: str | None
    agent_timeout_seconds: int


def _targets(raw: str) -> tuple[str, ...]:
    names = [name.strip() for name in raw.split(",") if name.strip()]
    if not names:
        raise ConfigError(f"HANDOFF_TARGETS must name at least one of {', '.join(TARGETS)}")
    unknown = [name for name in names if name not in TARGETS]
    if unknown:
        raise ConfigError(
            f"HANDOFF_TARGETS: unknown target {unknown[0]!r}; use a comma-separated list of "
            f"{', '.join(TARGETS)}"
        )
    return tuple(dict.fromkeys(names))


def _webhook_url(raw: str) -> str:
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"HANDOFF_WEBHOOK_URL must be an https:// URL, got {raw!r}")
    if parts.scheme == "http" and parts.hostname not in _LOCAL_HOSTS:
        raise ConfigError(
            "HANDOFF_WEBHOOK_URL must use https:// (the events carry phone numbers); plain http "
            f"is allowed for localhost only, got host {parts.hostname!r}"
        )
    return raw


def load_handoff_settings(environ: Mapping[str, str] | None = None) -> HandoffSettings:
    """Build the settings from `environ` (default: the process environment), or raise."""
    env = os.environ if environ is None else environ
    targets = _targets(env.get("HANDOFF_TARGETS", "console"))
    url = env.get("HANDOFF_WEBHOOK_URL", "").strip() or None
    secret = env.get("HANDOFF_WEBHOOK_SECRET", "").strip() or None
    if "webhook" in targets:
        if url is None:
            raise ConfigError("HANDOFF_TARGETS includes webhook, so HANDOFF_WEBHOOK_URL is needed")
        if secret is None or len(secret) < MIN_SECRET_CHARS:
            raise ConfigError(
                "HANDOFF_TARGETS includes webhook, so HANDOFF_WEBHOOK_SECRET must be set to a "
                f"random string of at least {MIN_SECRET_CHARS} characters (both sides sign with it)"
            )
    kf_account = env.get("HANDOFF_WECHAT_KF_ACCOUNT", "").strip() or None
    if kf_account is not None and not _KF_ACCOUNT.match(kf_account):
        raise ConfigError(
            f"HANDOFF_WECHAT_KF_ACCOUNT must be a WeChat agent account like kf2001@gh_abc, "
            f"got {kf_account!r}"
        )
    raw_timeout = env.get("HANDOFF_AGENT_TIMEOUT_SECONDS", "60").strip()
    if not raw_timeout.isdigit() or not 10 <= int(raw_timeout) <= 3600:
        raise ConfigError(
            f"HANDOFF_AGENT_TIMEOUT_SECONDS must be a whole number of seconds from 10 to 3600, "
            f"got {raw_timeout!r}"
        )
    return HandoffSettings(
        targets=targets,
        webhook_url=_webhook_url(url) if url else None,
        webhook_secret=secret.encode() if secret else None,
        wechat_kf_account=kf_account,
        agent_timeout_seconds=int(raw_timeout),
    )


@functools.lru_cache(maxsize=1)
def handoff_settings() -> HandoffSettings:
    """The settings of this process, read on first use (call it at start to validate early)."""
    return load_handoff_settings()
