"""The numbered options a text-only channel showed last, so "2" can mean the second button.

WeChat and SMS cannot show buttons; the options are written out as 1. 2. 3. and kept here per
sender until the next bot answer replaces or clears them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, select
from sqlalchemy.orm import Session

from bot.store.db import by_dialect, for_session
from bot.store.models import PendingChoice, require_aware

# Read and written for every WeChat / SMS message: built once (see bot.store.inbound).
_T = PendingChoice.__table__
_THIS_SENDER = (_T.c.channel == bindparam("p_channel")) & (
    _T.c.sender_id == bindparam("p_sender_id")
)
_FORGET = delete(_T).where(_THIS_SENDER)
_NEW_OPTIONS = {
    "channel": bindparam("p_channel"),
    "sender_id": bindparam("p_sender_id"),
    "options": bindparam("p_options"),
    "created_at": bindparam("now"),
}
# An upsert: a later push to the same sender (WeChat `send_response`) may store its options at
# the same moment; on PostgreSQL a DELETE + INSERT pair could then fail the turn.
_REMEMBER = by_dialect(
    lambda insert: (
        insert(_T)
        .values(_NEW_OPTIONS)
        .on_conflict_do_update(
            index_elements=["channel", "sender_id"],
            set_={"options": bindparam("p_options"), "created_at": bindparam("now")},
        )
    )
)
_PENDING = select(_T.c.options).where(_THIS_SENDER)


def remember_choices(
    session: Session, channel: str, sender_id: str, options: list[dict[str, Any]], now: datetime
) -> None:
    """Replace the sender's pending options (an empty list clears them)."""
    sender = {"p_channel": channel, "p_sender_id": sender_id}
    if not options:
        session.execute(_FORGET, sender)
        return
    session.execute(
        for_session(_REMEMBER, session),
        {**sender, "p_options": options, "now": require_aware(now, "now")},
    )


def pending_choices(session: Session, channel: str, sender_id: str) -> list[dict[str, Any]]:
    """The options last shown to the sender, in their displayed order (empty if none)."""
    options = session.execute(
        _PENDING, {"p_channel": channel, "p_sender_id": sender_id}
    ).scalar_one_or_none()
    return [] if options is None else list(options)
