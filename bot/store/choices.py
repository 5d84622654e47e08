"""The numbered options a text-only channel showed last, so "2" can mean the second button.

WeChat and SMS cannot show buttons; the options are written out as 1. 2. 3. and kept here per
sender until the next bot answer replaces or clears them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.store.models import PendingChoice, require_aware


def remember_choices(
    session: Session, channel: str, sender_id: str, options: list[dict[str, Any]], now: datetime
) -> None:
    """Replace the sender's pending options (an empty list clears them)."""
    session.execute(
        delete(PendingChoice).where(
            PendingChoice.channel == channel, PendingChoice.sender_id == sender_id
        )
    )
    if options:
        session.add(
            PendingChoice(
                channel=channel,
                sender_id=sender_id,
                options=options,
                created_at=require_aware(now, "now"),
            )
        )
    session.flush()


def pending_choices(session: Session, channel: str, sender_id: str) -> list[dict[str, Any]]:
    """The options last shown to the sender, in their displayed order (empty if none)."""
    row = session.execute(
        select(PendingChoice).where(
            PendingChoice.channel == channel, PendingChoice.sender_id == sender_id
        )
    ).scalar_one_or_none()
    return [] if row is None else list(row.options)
