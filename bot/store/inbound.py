"""The inbound-message ledger: each provider message runs once and is delivered once.

Providers retry: WeChat after 5 s (three tries, a retry may arrive while the first still runs),
SMS gateways until they see their acknowledgement. The first request `claim`s the message key and
runs the conversation; its answer is stored with `record_answer`; whoever delivers it (the passive
reply of the first request or of a retry, or the later push) must first win `take_delivery`, an
atomic state change, so the user gets the answer exactly once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import Session

from bot.store.db import by_dialect, for_session
from bot.store.errors import NotFound
from bot.store.models import InboundMessage, require_aware


@dataclass(frozen=True)
class Claim:
    """The outcome of claiming a message key: whether this caller runs it, and its current row."""

    first: bool
    state: str
    reply: Any


# Every message a channel receives runs `claim`, `record_answer` and `take_delivery`, so their
# statements are built once: building a statement each call (coercions, cache keys) cost
# ~1 ms of the interpreter per call, five times the database work (docs/performance.md).
_T = InboundMessage.__table__
_THIS_MESSAGE = (_T.c.channel == bindparam("p_channel")) & (_T.c.message_key == bindparam("key"))
_NEW_ROW = {
    "channel": bindparam("p_channel"),
    "message_key": bindparam("key"),
    "sender_id": bindparam("p_sender_id"),
    "state": "running",
    "received_at": bindparam("now"),
}
_CLAIM = by_dialect(
    lambda insert: (
        insert(_T)
        .values(_NEW_ROW)
        .on_conflict_do_nothing(index_elements=["channel", "message_key"])
    )
)
_FIND = select(_T.c.state, _T.c.reply).where(_THIS_MESSAGE)
_ANSWER = (
    update(_T)
    .where(_THIS_MESSAGE)
    .values(state="answered", reply=bindparam("p_reply"), answered_at=bindparam("now"))
)
_DELIVER = (
    update(_T)
    .where(_THIS_MESSAGE & (_T.c.state == "answered"))
    .values(state="delivered", delivered_via=bindparam("via"), delivered_at=bindparam("now"))
)
_FAIL = update(_T).where(_THIS_MESSAGE).values(state="failed", answered_at=bindparam("now"))


def claim(session: Session, channel: str, key: str, sender_id: str, now: datetime) -> Claim:
    """Record that `key` arrived; `first` is true only for the one caller that must run it.

    One `INSERT … ON CONFLICT DO NOTHING` (SQLite and PostgreSQL): the unique key decides who
    is first, also between processes, without a read before it or a savepoint around it.
    """
    inserted = session.execute(
        for_session(_CLAIM, session),
        {
            "p_channel": channel,
            "key": key,
            "p_sender_id": sender_id,
            "now": require_aware(now, "now"),
        },
    )
    if inserted.rowcount == 1:
        return Claim(first=True, state="running", reply=None)
    existing = session.execute(_FIND, {"p_channel": channel, "key": key}).one_or_none()
    if existing is None:
        raise NotFound(f"inbound message {channel}/{key} neither inserted nor found")
    return Claim(first=False, state=str(existing.state), reply=existing.reply)


def record_answer(session: Session, channel: str, key: str, reply: Any, now: datetime) -> None:
    """Store the answer of a claimed message so any request (or the push) can deliver it."""
    parameters = {
        "p_channel": channel,
        "key": key,
        "p_reply": reply,
        "now": require_aware(now, "now"),
    }
    if session.execute(_ANSWER, parameters).rowcount != 1:
        raise NotFound(f"no inbound message {channel}/{key}")


def record_failure(session: Session, channel: str, key: str, now: datetime) -> None:
    """The run failed: no answer will come, and a retry must not run the conversation again."""
    session.execute(_FAIL, {"p_channel": channel, "key": key, "now": require_aware(now, "now")})


def take_delivery(session: Session, channel: str, key: str, via: str, now: datetime) -> Any | None:
    """The stored answer if this caller wins the right to deliver it, else `None`.

    Only one caller ever wins: the update succeeds only while the row is still `answered`.
    """
    parameters = {"p_channel": channel, "key": key, "via": via, "now": require_aware(now, "now")}
    if session.execute(_DELIVER, parameters).rowcount != 1:
        return None
    row = session.execute(_FIND, {"p_channel": channel, "key": key}).one_or_none()
    return None if row is None else row.reply


def state_of(session: Session, channel: str, key: str) -> str | None:
    """The message's state (`running`, `answered`, `delivered`, `failed`), or `None` if unseen."""
    row = session.execute(_FIND, {"p_channel": channel, "key": key}).one_or_none()
    return None if row is None else str(row.state)


def last_received_at(session: Session, channel: str, sender_id: str) -> datetime | None:
    """When the sender last wrote to us on `channel` (opens WeChat's customer-service window)."""
    value: datetime | None = session.execute(
        select(func.max(InboundMessage.received_at)).where(
            InboundMessage.channel == channel, InboundMessage.sender_id == sender_id
        )
    ).scalar_one()
    if value is not None and value.tzinfo is None:
        # func.max bypasses the column type on SQLite; the stored value is UTC.
        value = value.replace(tzinfo=timezone.utc)
    return value
