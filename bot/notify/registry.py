"""Which sender delivers notices on which channel, and how fast each channel may send.

Registering a channel's sender is one line in `SENDERS`: the channel name and the
`module:function` of a factory that returns its `Sender`, or `None` when the channel is not
configured in this environment (no credentials set). Factories are imported only when the
scheduler starts, so this module depends on no channel. For example:

    SENDERS["sms"] = "bot.channels.sms.notify:notice_sender"

A channel with no sender keeps its notices queued (they are not lost) and the scheduler says so
in its log at start and on every tick that leaves some waiting.

Rate limits are messages per minute per channel (`DEFAULT_PER_MINUTE`), overridable with
`NOTIFY_RATE_LIMITS=sms=30,wechat=200`; they count every message the channel sent in the last
minute, conversational pushes included, because the provider counts those too.
"""

from __future__ import annotations

import importlib
import logging
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from bot.notify.senders import Sender

logger = logging.getLogger(__name__)

#: channel → `module:function` returning that channel's `Sender` (or `None` if not configured).
SENDERS: dict[str, str] = {
    "wechat": "bot.channels.wechat.notify:notice_sender",
    "sms": "bot.channels.sms.notify:notice_sender",
    "socketio": "bot.notify.senders:wait_for_visit",
    "rest": "bot.notify.senders:wait_for_visit",
}

#: Messages per minute when `NOTIFY_RATE_LIMITS` does not say otherwise.
DEFAULT_PER_MINUTE: dict[str, int] = {"sms": 60, "wechat": 300}
FALLBACK_PER_MINUTE = 600


class RegistryError(ValueError):
    """A sender or a rate limit is configured wrongly; the message names it."""


@dataclass
class SenderRegistry:
    """Senders by channel name, with each channel's rate limit."""

    senders: dict[str, Sender] = field(default_factory=dict)
    per_minute: dict[str, int] = field(default_factory=dict)

    def register(self, channel: str, sender: Sender, per_minute: int | None = None) -> None:
        """Deliver `channel`'s notices through `sender` (replacing any earlier one)."""
        self.senders[channel] = sender
        if per_minute is not None:
            if per_minute < 1:
                raise RegistryError(f"rate limit of {channel} must be at least 1 a minute")
            self.per_minute[channel] = per_minute

    def sender(self, channel: str) -> Sender | None:
        """The sender of `channel`, or `None` when none is registered."""
        return self.senders.get(channel)

    def limit(self, channel: str) -> int:
        """Messages per minute `channel` may send."""
        return self.per_minute.get(channel, DEFAULT_PER_MINUTE.get(channel, FALLBACK_PER_MINUTE))

    @property
    def channels(self) -> list[str]:
        """The channels with a sender, sorted."""
        return sorted(self.senders)


def parse_rate_limits(text: str) -> dict[str, int]:
    """`sms=30,wechat=200` → {"sms": 30, "wechat": 200}; raises `RegistryError` on a bad entry."""
    limits: dict[str, int] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        channel, _, value = part.partition("=")
        channel, value = channel.strip(), value.strip()
        if not channel or not value.isdigit() or int(value) < 1:
            raise RegistryError(
                f"NOTIFY_RATE_LIMITS entry {part!r} is not channel=messages-per-minute (≥ 1)"
            )
        limits[channel] = int(value)
    return limits


def _factory(path: str) -> Callable[[], Sender | None]:
    module_name, _, function_name = path.partition(":")
    try:
        factory: Callable[[], Sender | None] = getattr(
            importlib.import_module(module_name), function_name
        )
    except (ImportError, AttributeError) as exc:
        raise RegistryError(f"sender factory {path!r} cannot be loaded: {exc}") from exc
    return factory


def load_registry(
    senders: Mapping[str, str] | None = None, environ: Mapping[str, str] | None = None
) -> SenderRegistry:
    """The registry of this process: every configured channel's sender and rate limit."""
    env = os.environ if environ is None else environ
    registry = SenderRegistry(per_minute=parse_rate_limits(env.get("NOTIFY_RATE_LIMITS", "")))
    for channel, path in (SENDERS if senders is None else senders).items():
        sender = _factory(path)()
        if sender is None:
            logger.warning("no %s sender configured: %s notices stay queued", channel, channel)
            continue
        registry.register(channel, sender)
    return registry
