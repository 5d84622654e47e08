"""The conversation events the broker consumer writes and the quality report reads."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.store.db import by_dialect, for_session
from bot.store.models import ConversationEvent

_T = ConversationEvent.__table__
#: The event types the report needs: a user's message and the bot's answering actions.
KEPT_TYPES = ("user", "action")
_INSERT = by_dialect(lambda insert: insert(_T).on_conflict_do_nothing(index_elements=["dedup_key"]))


def row_of(event: Mapping[str, Any]) -> dict[str, Any] | None:
    """The row for one event as Rasa publishes it (`sender_id` plus the event's dict), or None
    for an event the report does not use or that lacks its sender or time."""
    kind, sender, stamp = event.get("event"), event.get("sender_id"), event.get("timestamp")
    if kind not in KEPT_TYPES or not isinstance(sender, str) or not isinstance(stamp, int | float):
        return None
    intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
    action = event.get("name") if kind == "action" else None
    return {
        # the same event delivered twice has the same key (the broker delivers at least once)
        "dedup_key": f"{sender}|{kind}|{float(stamp)!r}|{action or ''}"[:255],
        "sender_id": sender[:128],
        "type_name": kind,
        "timestamp": float(stamp),
        "intent_name": str(intent)[:255] if intent else None,
        "action_name": str(action)[:255] if action else None,
    }


def record(session: Session, events: Iterable[Mapping[str, Any]]) -> int:
    """Store the kept events (a repeat of a stored one is skipped); how many were kept."""
    rows = [row for row in map(row_of, events) if row is not None]
    if rows:
        session.execute(for_session(_INSERT, session), rows)
    return len(rows)


def in_period(session: Session, start: float, end: float) -> list[ConversationEvent]:
    """The events with `start <= timestamp < end` (Unix seconds), by conversation and time."""
    query = (
        select(ConversationEvent)
        .where(ConversationEvent.timestamp >= start, ConversationEvent.timestamp < end)
        .order_by(ConversationEvent.sender_id, ConversationEvent.timestamp, ConversationEvent.id)
    )
    return list(session.execute(query).scalars())


def any_recorded(session: Session) -> bool:
    """Whether the consumer has written anything (else the report reads Rasa's tracker)."""
    return session.execute(select(ConversationEvent.id).limit(1)).first() is not None
