"""How a notice leaves on one channel: the `Sender` protocol, its result, and two simple senders.

A sender only delivers. Deduplication, opt-outs, the rate limit, retries and the outbound log are
the notifier's (`bot.notify.delivery`), the same for every channel, so a sender must not write the
outbound log itself: the notice's own row already records the attempt, and a second row would make
the WeChat 5-per-48-hours count and the rate limit see the notice twice.

A sender never raises for an ordinary failure; it returns `SendResult.failed(...)`. Anything it
raises anyway is treated as a retryable failure.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Protocol

from bot.base.render import flatten

TEXT_ONLY_CHANNELS = frozenset({"wechat", "sms"})
"""Channels that cannot show buttons: options become numbered lines and a reply of "5" picks."""


@dataclass(frozen=True)
class OutgoingNotice:
    """One notice for one recipient, with everything any channel needs to send it.

    SMS sends `template_id` and `variables` (the provider's approved template); chat channels
    send `plain_text` (the text, with the buttons as numbered lines on text-only channels) or
    `text` and `buttons` where buttons can be shown.
    """

    channel: str
    recipient: str
    purpose: str
    template: str
    template_id: str
    variables: dict[str, str]
    text: str
    buttons: tuple[dict[str, str], ...] = ()

    @property
    def message(self) -> dict[str, object]:
        """The notice as a Rasa bot message (`text`, `buttons`), for channels that render those."""
        message: dict[str, object] = {"text": self.text}
        if self.buttons:
            message["buttons"] = [dict(b) for b in self.buttons]
        return message

    @property
    def plain_text(self) -> str:
        """The text with buttons degraded to numbered options, as `bot.base.render` does."""
        return flatten([self.message]).text


@dataclass(frozen=True)
class SendResult:
    """What became of one attempt: sent, failed (retryable or not), or not deliverable now.

    `window_closed` means the channel cannot reach the user at the moment (WeChat's 48-hour
    window, a web widget nobody has open): nothing is wrong, the notice waits and is tried again
    after `retry_after`, and the wait does not count as a failed attempt.
    """

    ok: bool
    error: str | None = None
    retryable: bool = True
    window_closed: bool = False
    retry_after: timedelta | None = None

    @classmethod
    def sent(cls) -> SendResult:
        """Delivered (handed to the provider, which accepted it)."""
        return cls(ok=True)

    @classmethod
    def failed(cls, error: str, retryable: bool = True) -> SendResult:
        """Not delivered; `retryable=False` for errors a retry cannot fix (a blocked number)."""
        return cls(ok=False, error=error, retryable=retryable)

    @classmethod
    def closed(cls, reason: str, retry_after: timedelta) -> SendResult:
        """Cannot be delivered now; look again after `retry_after`."""
        return cls(ok=False, error=reason, window_closed=True, retry_after=retry_after)


class Sender(Protocol):
    """Delivers one notice on one channel."""

    async def send(self, notice: OutgoingNotice) -> SendResult:
        """Try to deliver `notice` once; never raise for a delivery failure."""


class WaitForVisit:
    """The sender of channels that cannot push (the web widget, REST): the notice waits.

    The channel hands pending notices to the user on the next visit
    (`bot.notify.delivery.take_pending`); until then the notifier only looks again rarely, to
    retire notices that expired unread.
    """

    def __init__(self, recheck: timedelta = timedelta(hours=6)) -> None:
        self.recheck = recheck

    async def send(self, notice: OutgoingNotice) -> SendResult:
        """Always `closed`: the user receives it when they next open the chat."""
        return SendResult.closed("waits for the user's next visit", self.recheck)


def wait_for_visit() -> Sender:
    """Factory for the registry (`SENDERS`): the socketio and rest channels."""
    return WaitForVisit()


@dataclass
class RecordingSender:
    """A fake for tests: records every notice; answers from `script`, then with `default`."""

    default: SendResult = field(default_factory=SendResult.sent)
    script: list[SendResult] = field(default_factory=list)
    sent: list[OutgoingNotice] = field(default_factory=list)
    attempts: list[OutgoingNotice] = field(default_factory=list)

    async def send(self, notice: OutgoingNotice) -> SendResult:
        """Record the attempt; the next scripted result, else `default`."""
        self.attempts.append(notice)
        result = self.script.pop(0) if self.script else self.default
        if result.ok:
            self.sent.append(notice)
        return result
