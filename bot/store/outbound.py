"""The outbound log: every message pushed outside a request's reply, sent, failed or refused.

An operator answering "I was never told" reads it; WeChat's customer-service window (at most five
pushes within 48 hours of the user's last message) is counted from it.

Notices (`bot.notify`) are also queued here: a `queued` row is a notice still to deliver, and its
`sent_at` is when it is due (its next attempt, or the end of a delivery lease); once delivered,
failed for good or refused, `sent_at` is when that was decided. One row per notice and recipient,
keyed by its unique `dedup_key`, is what makes a notice reach each person once.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from bot.store.errors import InvalidInput
from bot.store.models import OUTBOUND_STATUSES, OutboundMessage, require_aware


def log_outbound(
    session: Session,
    channel: str,
    recipient: str,
    purpose: str,
    status: str,
    now: datetime,
    *,
    body: Any = None,
    template_id: str | None = None,
    error: str | None = None,
    dedup_key: str | None = None,
) -> OutboundMessage:
    """Append one delivery attempt to the log (`error` is cut to the column's 255 characters).

    `dedup_key` (unique) marks a message that must reach its recipient once, such as one notice
    for one household: a second row with the same key is refused by the database.
    """
    if status not in OUTBOUND_STATUSES:
        raise InvalidInput(f"status must be one of {', '.join(OUTBOUND_STATUSES)}, got {status!r}")
    row = OutboundMessage(
        channel=channel,
        recipient=recipient,
        purpose=purpose,
        status=status,
        template_id=template_id,
        body=body,
        error=None if error is None else error[:255],
        dedup_key=dedup_key,
        sent_at=require_aware(now, "now"),
    )
    session.add(row)
    session.flush()
    return row


def sent_since(
    session: Session,
    channel: str,
    recipient: str,
    since: datetime,
    *,
    purposes: Collection[str] | None = None,
) -> int:
    """How many messages were actually sent to `recipient` on `channel` since `since` (only
    those of `purposes`, when given: the SMS limits count answers, not notices)."""
    count: int = session.execute(
        select(func.count(OutboundMessage.id)).where(
            OutboundMessage.channel == channel,
            OutboundMessage.recipient == recipient,
            OutboundMessage.status == "sent",
            OutboundMessage.sent_at >= require_aware(since, "since"),
            *_of_purposes(purposes),
        )
    ).scalar_one()
    return count


def _of_purposes(purposes: Collection[str] | None) -> list[ColumnElement[bool]]:
    """The condition keeping rows of `purposes`; none when every purpose counts."""
    return [] if purposes is None else [OutboundMessage.purpose.in_(list(purposes))]


def outbound_to(session: Session, channel: str, recipient: str) -> list[OutboundMessage]:
    """Everything logged for `recipient` on `channel`, oldest first."""
    return list(
        session.execute(
            select(OutboundMessage)
            .where(OutboundMessage.channel == channel, OutboundMessage.recipient == recipient)
            .order_by(OutboundMessage.sent_at, OutboundMessage.id)
        ).scalars()
    )


def find_outbound(session: Session, dedup_key: str) -> OutboundMessage | None:
    """The row logged under `dedup_key`, if any."""
    row: OutboundMessage | None = session.execute(
        select(OutboundMessage).where(OutboundMessage.dedup_key == dedup_key)
    ).scalar_one_or_none()
    return row


def log_once(
    session: Session,
    channel: str,
    recipient: str,
    purpose: str,
    status: str,
    now: datetime,
    *,
    dedup_key: str,
    body: Any = None,
    template_id: str | None = None,
    error: str | None = None,
) -> OutboundMessage | None:
    """`log_outbound` unless `dedup_key` is taken: the new row, or `None` if one exists already.

    Two processes racing to log the same key both pass the first check; the unique constraint
    then refuses the second insert, inside a savepoint, so its transaction carries on.
    """
    if find_outbound(session, dedup_key) is not None:
        return None
    try:
        with session.begin_nested():
            return log_outbound(
                session,
                channel,
                recipient,
                purpose,
                status,
                now,
                body=body,
                template_id=template_id,
                error=error,
                dedup_key=dedup_key,
            )
    except IntegrityError:
        return None


def due_queued(session: Session, channel: str, now: datetime, limit: int) -> list[OutboundMessage]:
    """Queued rows of `channel` due by `now`, the longest-waiting first."""
    return list(
        session.execute(
            select(OutboundMessage)
            .where(
                OutboundMessage.channel == channel,
                OutboundMessage.status == "queued",
                OutboundMessage.sent_at <= require_aware(now, "now"),
            )
            .order_by(OutboundMessage.sent_at, OutboundMessage.id)
            .limit(limit)
        ).scalars()
    )


def due_queued_counts(session: Session, now: datetime) -> dict[str, int]:
    """How many queued rows are due by `now`, per channel (channels with none are left out)."""
    rows = session.execute(
        select(OutboundMessage.channel, func.count(OutboundMessage.id))
        .where(
            OutboundMessage.status == "queued",
            OutboundMessage.sent_at <= require_aware(now, "now"),
        )
        .group_by(OutboundMessage.channel)
    )
    return {channel: int(count) for channel, count in rows}


def claim_queued(session: Session, row: OutboundMessage, lease_until: datetime) -> bool:
    """Take a due queued row for one delivery attempt; false if another process took it first.

    The row's due time moves to `lease_until` only where it still holds the value this process
    read, so of two schedulers reading the same row exactly one claims it. If the claimant dies
    mid-send, the row is due again when the lease ends.
    """
    result = session.execute(
        update(OutboundMessage)
        .where(
            OutboundMessage.id == row.id,
            OutboundMessage.status == "queued",
            OutboundMessage.sent_at == row.sent_at,
        )
        .values(sent_at=require_aware(lease_until, "lease_until"))
        .execution_options(synchronize_session=False)
    )
    claimed = result.rowcount == 1
    if claimed:
        session.expire(row, ["sent_at"])
    return claimed


def queued_to(session: Session, channel: str, recipient: str) -> list[OutboundMessage]:
    """The rows still queued for `recipient` on `channel`, oldest first."""
    return list(
        session.execute(
            select(OutboundMessage)
            .where(
                OutboundMessage.channel == channel,
                OutboundMessage.recipient == recipient,
                OutboundMessage.status == "queued",
            )
            .order_by(OutboundMessage.id)
        ).scalars()
    )


def sent_on_channel_since(
    session: Session, channel: str, since: datetime, *, purposes: Collection[str] | None = None
) -> int:
    """How many messages `channel` sent to anybody since `since` (for its rate limit; only those
    of `purposes`, when given)."""
    count: int = session.execute(
        select(func.count(OutboundMessage.id)).where(
            OutboundMessage.channel == channel,
            OutboundMessage.status == "sent",
            OutboundMessage.sent_at > require_aware(since, "since"),
            *_of_purposes(purposes),
        )
    ).scalar_one()
    return count
