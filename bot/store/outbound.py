"""The outbound log: every message pushed outside a request's reply, sent, failed or refused.

An operator answering "I was never told" reads it; WeChat's customer-service window (at most five
pushes within 48 hours of the user's last message) is counted from it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

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


def sent_since(session: Session, channel: str, recipient: str, since: datetime) -> int:
    """How many messages were actually sent to `recipient` on `channel` since `since`."""
    count: int = session.execute(
        select(func.count(OutboundMessage.id)).where(
            OutboundMessage.channel == channel,
            OutboundMessage.recipient == recipient,
            OutboundMessage.status == "sent",
            OutboundMessage.sent_at >= require_aware(since, "since"),
        )
    ).scalar_one()
    return count


def outbound_to(session: Session, channel: str, recipient: str) -> list[OutboundMessage]:
    """Everything logged for `recipient` on `channel`, oldest first."""
    return list(
        session.execute(
            select(OutboundMessage)
            .where(OutboundMessage.channel == channel, OutboundMessage.recipient == recipient)
            .order_by(OutboundMessage.sent_at, OutboundMessage.id)
        ).scalars()
    )
