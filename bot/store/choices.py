"""The numbered options a text-only channel showed last, so "2" can mean the second button.

WeChat and SMS cannot show buttons; the options are written out as 1. 2. 3. and kept here per
sender until the next bot answer replaces or clears them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, insert, select
from sqlalchemy.orm import Session

from bot.store.models import PendingChoice, require_aware

# Read and written for every WeChat / SMS message: built once (see bot.store.inbound).
_T = PendingChoice.__table__
_THIS_SENDER = (_T.c.channel == bindparam("p_channel")) & (
    _T.c.sender_id == bindparam("p_sender_id")
)
_FORGET = delete(_T).where(_THIS_SENDER)
_REMEMBER = insert(_T).values(
    channel=bindparam("p_channel"),
    sender_id=bindparam("p_sender_id"),
    options=bindparam("p_options"),
    created_at=bindparam("now"),
)
_PENDING = select(_T.c.options).where(_THIS_SENDER)


def remember_choices(
    session: Session, channel: str, sender_id: str, options: list[dict[str, Any]], now: datetime
) -> None:
    """Replace the sender's pending options (an empty list clears them)."""
    sender = {"p_channel": channel, "p_sender_id": sender_id}
    session.execute(_FORGET, sender)
    if options:
        session.execute(
            _REMEMBER, {**sender, "p_options": options, "now": require_aware(now, "now")}
        )


def pending_choices(session: Session, channel: str, sender_id: str) -> list[dict[str, Any]]:
    """The options last shown to the sender, in their displayed order (empty if none)."""
    options = session.execute(
        _PENDING, {"p_channel": channel, "p_sender_id": sender_id}
    ).scalar_one_or_none()
    return [] if options is None else list(options)
