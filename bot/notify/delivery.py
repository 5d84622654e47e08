"""Queueing notices once per person, and delivering them: opt-outs, rate limits, retries, expiry.

Two steps, so that a notice is never lost and never sent twice:

1. **Queue** (`queue_notice`, `fan_out`), in the caller's transaction: one `queued` row per notice
   and recipient in the outbound log, keyed by a `dedup_key` made of the notice's key and the
   recipient. A second fan-out of the same notice finds the key and queues nothing; an address
   that opted out gets a `refused` row instead, so "why was I not told" has an answer.
2. **Deliver** (`deliver_due`), from the scheduler: due rows are claimed (a short lease, so two
   schedulers never send the same row), handed to the channel's sender outside any transaction,
   and the outcome is written back to the row: `sent`; a failure retried with exponential backoff
   up to `RetryPolicy.max_attempts`, then `failed`; a closed window (WeChat's 48 hours, a web
   widget nobody has open) waits without counting as a failure. Each attempt is appended to the
   row's `body.attempts`, and the last error is in `error`. A notice not delivered by its
   `expires_at` (an outage notice after the outage) is marked `failed` instead of sent late.

Channels that cannot push hand the queued notices to the user on the next visit (`take_pending`).
"""

from __future__ import annotations

import hashlib
import logging
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from bot.notify.registry import SenderRegistry
from bot.notify.senders import TEXT_ONLY_CHANNELS, OutgoingNotice, SendResult
from bot.notify.templates import template
from bot.privacy import mask_id, mask_text
from bot.store import outbound as outbound_store
from bot.store.choices import remember_choices
from bot.store.models import OutboundMessage
from bot.store.subscriptions import active_subscribers
from bot.store.suppressions import is_suppressed

logger = logging.getLogger(__name__)

SessionFactory = Callable[[], AbstractContextManager[Session]]

QUEUED, DUPLICATE, SUPPRESSED = "queued", "duplicate", "suppressed"
RATE_WINDOW = timedelta(minutes=1)


@dataclass(frozen=True)
class Notice:
    """One notice, the same for every recipient: what it is, its text, and when it is valid.

    `key` names the notice (`outage:12:planned`); with the recipient it makes the dedup key, so
    each person gets it once. `not_before` delays delivery (a restoration announced for later);
    after `expires_at` it is no longer worth sending.
    """

    key: str
    purpose: str
    template: str
    variables: Mapping[str, str]
    buttons: tuple[dict[str, str], ...] = ()
    not_before: datetime | None = None
    expires_at: datetime | None = None


def dedup_key(notice_key: str, channel: str, recipient: str) -> str:
    """The outbound log's unique key of `notice_key` for one recipient (≤ 160 characters).

    The recipient is hashed: an OpenID can be 128 characters long, and the row names the
    recipient in its own columns anyway.
    """
    digest = hashlib.sha1(f"{channel}\0{recipient}".encode()).hexdigest()[:16]
    return f"{notice_key[:140]}#{digest}"


def who(channel: str, recipient: str) -> str:
    """A recipient as logs may show it: phone numbers masked, long ids (OpenIDs) shortened."""
    shown = recipient if len(recipient) <= 12 else mask_id(recipient)
    return mask_text(f"{channel}:{shown}")


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def _moment(value: Any) -> datetime | None:
    return None if not value else datetime.fromisoformat(str(value))


def queue_notice(
    session: Session, channel: str, recipient: str, notice: Notice, now: datetime
) -> str:
    """Queue `notice` for one recipient: `queued`, `duplicate` (had it) or `suppressed`."""
    key = dedup_key(notice.key, channel, recipient)
    chosen = template(notice.template)
    text, variables = chosen.render(**notice.variables)
    body = {
        "notice": notice.key,
        "template": chosen.name,
        "variables": variables,
        "text": text,
        "buttons": [dict(b) for b in notice.buttons],
        "not_before": _iso(notice.not_before),
        "expires_at": _iso(notice.expires_at),
        "attempts": [],
    }
    common: dict[str, Any] = {"dedup_key": key, "body": body, "template_id": chosen.id}
    if is_suppressed(session, channel, recipient):
        row = outbound_store.log_once(
            session, channel, recipient, notice.purpose, "refused", now, error="opted out", **common
        )
        outcome = SUPPRESSED
    else:
        due = max(now, notice.not_before) if notice.not_before else now
        row = outbound_store.log_once(
            session, channel, recipient, notice.purpose, "queued", due, **common
        )
        outcome = QUEUED
    return outcome if row is not None else DUPLICATE


def _per_channel(counter: Counter[str]) -> str:
    return ", ".join(f"{channel} {n}" for channel, n in sorted(counter.items()))


@dataclass
class FanOut:
    """What a fan-out did: queued per channel, and who already had it or opted out."""

    queued: Counter[str] = field(default_factory=Counter)
    duplicates: int = 0
    suppressed: int = 0

    def add(self, channel: str, outcome: str) -> None:
        """Count one recipient's outcome."""
        if outcome == QUEUED:
            self.queued[channel] += 1
        elif outcome == SUPPRESSED:
            self.suppressed += 1
        else:
            self.duplicates += 1

    def extend(self, other: FanOut) -> None:
        """Add the counts of another fan-out."""
        self.queued.update(other.queued)
        self.duplicates += other.duplicates
        self.suppressed += other.suppressed

    def summary(self) -> str:
        """`queued 3 (sms 1, wechat 2), 1 already had it, 1 opted out` for operators."""
        total = sum(self.queued.values())
        text = f"queued {total}" + (f" ({_per_channel(self.queued)})" if total else "")
        if self.duplicates:
            text += f", {self.duplicates} already had it"
        if self.suppressed:
            text += f", {self.suppressed} opted out"
        return text


def fan_out(
    session: Session,
    topic: str,
    communities: Sequence[str] | None,
    notice: Notice,
    now: datetime,
) -> FanOut:
    """Queue `notice` for every active subscriber of `topic` in `communities` (None: all)."""
    result = FanOut()
    for subscription in active_subscribers(session, topic, communities):
        channel, recipient = subscription.channel, subscription.sender_id
        result.add(channel, queue_notice(session, channel, recipient, notice, now))
    return result


# --------------------------------------------------------------------------- delivering


@dataclass(frozen=True)
class RetryPolicy:
    """How failed deliveries are retried: 1, 4, 16, 64 minutes apart, five attempts in all."""

    max_attempts: int = 5
    first_delay: timedelta = timedelta(minutes=1)
    factor: int = 4
    lease: timedelta = timedelta(minutes=5)

    def delay(self, failures: int) -> timedelta:
        """The wait after the `failures`-th failed attempt."""
        return self.first_delay * self.factor ** max(failures - 1, 0)


DEFAULT_RETRY = RetryPolicy()


@dataclass
class DeliveryReport:
    """What one delivery run did, per outcome (and per channel for what was sent)."""

    sent: Counter[str] = field(default_factory=Counter)
    retrying: int = 0
    failed: int = 0
    held: int = 0
    refused: int = 0
    expired: int = 0
    rate_limited: Counter[str] = field(default_factory=Counter)
    no_sender: Counter[str] = field(default_factory=Counter)

    @property
    def busy(self) -> bool:
        """Whether anything happened or waits that an operator should read about."""
        return bool(
            self.sent
            or self.retrying
            or self.failed
            or self.held
            or self.refused
            or self.expired
            or self.rate_limited
            or self.no_sender
        )

    def summary(self) -> str:
        """One line for the scheduler's log."""
        parts = [f"sent {_per_channel(self.sent) or 0}"]
        for name in ("retrying", "failed", "held", "refused", "expired"):
            value = getattr(self, name)
            if value:
                parts.append(f"{name} {value}")
        for name, counter in (("rate-limited", self.rate_limited), ("no sender", self.no_sender)):
            if counter:
                parts.append(f"{name}: {_per_channel(counter)}")
        return "; ".join(parts)


def _outgoing(row: OutboundMessage) -> OutgoingNotice:
    body = row.body or {}
    return OutgoingNotice(
        channel=row.channel,
        recipient=row.recipient,
        purpose=row.purpose,
        template=str(body.get("template", "")),
        template_id=row.template_id or "",
        variables={str(k): str(v) for k, v in (body.get("variables") or {}).items()},
        text=str(body.get("text", "")),
        buttons=tuple(dict(b) for b in body.get("buttons") or ()),
    )


def _expired(row: OutboundMessage, now: datetime) -> bool:
    expires_at = _moment((row.body or {}).get("expires_at"))
    return expires_at is not None and now >= expires_at


def _close(row: OutboundMessage, status: str, now: datetime, error: str | None) -> None:
    """End a queued row's life as `status`, recording why."""
    row.status, row.sent_at, row.error = status, now, error


def _append_attempt(row: OutboundMessage, outcome: str, now: datetime, error: str | None) -> int:
    """Append to the row's attempt history; returns how many attempts have failed so far."""
    body = dict(row.body or {})
    attempts = [*body.get("attempts", []), {"at": now.isoformat(), "outcome": outcome}]
    if error:
        attempts[-1]["error"] = error[:200]
    body["attempts"] = attempts
    row.body = body  # a new object: JSON columns do not track changes inside
    return sum(1 for a in attempts if a["outcome"] == "failed")


def _retire_if_unsendable(
    session: Session, row: OutboundMessage, now: datetime, report: DeliveryReport
) -> bool:
    """Expire or refuse a queued row that must not go out any more; true if it was retired."""
    if _expired(row, now):
        _close(row, "failed", now, "expired before it could be delivered")
        report.expired += 1
        target = who(row.channel, row.recipient)
        logger.info("notice %s to %s expired undelivered", row.purpose, target)
        return True
    if is_suppressed(session, row.channel, row.recipient):
        _close(row, "refused", now, "opted out")
        report.refused += 1
        return True
    return False


def _claim_due(
    session: Session,
    registry: SenderRegistry,
    now: datetime,
    retry: RetryPolicy,
    report: DeliveryReport,
) -> list[tuple[int, OutgoingNotice]]:
    """Claim what each channel may send now, within its rate limit."""
    due = outbound_store.due_queued_counts(session, now)
    for channel, count in due.items():
        if registry.sender(channel) is None:
            report.no_sender[channel] = count
    claimed: list[tuple[int, OutgoingNotice]] = []
    for channel in registry.channels:
        if not due.get(channel):
            continue
        budget = registry.limit(channel) - outbound_store.sent_on_channel_since(
            session, channel, now - RATE_WINDOW
        )
        rows = outbound_store.due_queued(session, channel, now, limit=max(budget, 0))
        if due[channel] > len(rows):
            report.rate_limited[channel] = due[channel] - len(rows)
        for row in rows:
            if _retire_if_unsendable(session, row, now, report):
                continue
            if outbound_store.claim_queued(session, row, now + retry.lease):
                claimed.append((row.id, _outgoing(row)))
    return claimed


def _record(
    session: Session,
    row_id: int,
    result: SendResult,
    now: datetime,
    retry: RetryPolicy,
    report: DeliveryReport,
) -> None:
    """Write one attempt's outcome back to its row."""
    row = session.get(OutboundMessage, row_id)
    if row is None or row.status != "queued":  # pragma: no cover - only if edited by hand
        return
    target = who(row.channel, row.recipient)
    if result.ok:
        _append_attempt(row, "sent", now, None)
        _close(row, "sent", now, None)
        report.sent[row.channel] += 1
        notice = _outgoing(row)
        if notice.buttons and row.channel in TEXT_ONLY_CHANNELS:
            # The user answers a numbered option ("5"): the channel maps it back to a payload.
            remember_choices(session, row.channel, row.recipient, list(notice.buttons), now)
        logger.info("notice %s sent to %s", row.purpose, target)
        return
    error = result.error or "unknown error"
    if result.window_closed:
        _append_attempt(row, "held", now, error)
        row.error = error
        row.sent_at = now + (result.retry_after or retry.first_delay)
        report.held += 1
        logger.info("notice %s to %s waits: %s", row.purpose, target, error)
        return
    failures = _append_attempt(row, "failed", now, error)
    if not result.retryable or failures >= retry.max_attempts:
        _close(row, "failed", now, error)
        report.failed += 1
        logger.error(
            "notice %s to %s failed for good after %d attempt(s): %s",
            row.purpose,
            target,
            failures,
            error,
        )
        return
    row.error = error
    row.sent_at = now + retry.delay(failures)
    report.retrying += 1
    logger.warning(
        "notice %s to %s failed (attempt %d of %d), retry at %s: %s",
        row.purpose,
        target,
        failures,
        retry.max_attempts,
        row.sent_at.isoformat(timespec="seconds"),
        error,
    )


async def deliver_due(
    sessions: SessionFactory,
    registry: SenderRegistry,
    now: datetime,
    retry: RetryPolicy = DEFAULT_RETRY,
) -> DeliveryReport:
    """Send every queued notice that is due, as far as each channel's rate limit allows.

    Claims are committed before sending and each outcome in its own transaction, so no database
    lock is held while a provider answers, and a crash loses at most the outcome of one send (the
    lease then expires and the notice is tried again).
    """
    report = DeliveryReport()
    with sessions() as session:
        claimed = _claim_due(session, registry, now, retry, report)
    for row_id, notice in claimed:
        sender = registry.sender(notice.channel)
        assert sender is not None  # claimed only for channels with a sender
        try:
            result = await sender.send(notice)
        except Exception as exc:  # a sender should return failures; a bug must not stop the rest
            logger.exception("sender of %s raised", notice.channel)
            result = SendResult.failed(f"{type(exc).__name__}: {mask_text(str(exc))}")
        with sessions() as session:
            _record(session, row_id, result, now, retry, report)
    return report


def take_pending(
    session: Session, channel: str, recipient: str, now: datetime
) -> list[dict[str, Any]]:
    """The notices waiting for `recipient`, as bot messages, marked delivered.

    For channels that cannot push (the web widget, REST), called when the user is back; WeChat
    may call it too, once the user writes and its window opens. The caller shows the messages
    like any bot answer (so a text-only channel numbers their buttons and remembers them).
    Expired notices and those to an address that opted out are retired instead.
    """
    report = DeliveryReport()
    messages: list[dict[str, Any]] = []
    for row in outbound_store.queued_to(session, channel, recipient):
        not_before = _moment((row.body or {}).get("not_before"))
        if not_before is not None and now < not_before:
            continue
        if _retire_if_unsendable(session, row, now, report):
            continue
        _append_attempt(row, "sent", now, None)
        _close(row, "sent", now, None)
        messages.append(_outgoing(row).message)
    session.flush()
    if messages:
        logger.info("%d pending notice(s) handed to %s", len(messages), who(channel, recipient))
    return messages
