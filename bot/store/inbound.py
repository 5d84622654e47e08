"""The inbound-message ledger: each provider message runs once and is delivered once.

Providers retry: WeChat after 5 s (three tries, a retry may arrive while the first still runs),
SMS gateways until they see their acknowledgement. The first request `claim`s the message key and
runs the conversation; its answer is stored with `record_answer`; whoever delivers it (the passive
reply of the first request or of a retry, or the later push) must first win `take_delivery`, an
atomic state change, so the user gets the answer exactly once.

A claim holds for a lease (`INBOUND_LEASE_SECONDS`, 60 s by default). A process that crashes
mid-turn leaves its message `running`; once the lease is over, the next delivery of the message
(the provider's retry) claims it again and runs it, or the scheduler takes it
(`take_over_expired`), marks it failed and tells the user to send it again. A turn still running
after its lease (it took longer than any healthy one) may thus run a second time; whichever answer
is recorded first is the one delivered, and ticket creation is idempotent per message.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import Session

from bot.config import settings
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
    "lease_until": bindparam("until"),
}
_CLAIM = by_dialect(
    lambda insert: (
        insert(_T)
        .values(_NEW_ROW)
        .on_conflict_do_nothing(index_elements=["channel", "message_key"])
    )
)
_FIND = select(_T.c.state, _T.c.reply).where(_THIS_MESSAGE)
_RUNNING = _T.c.state == "running"
#: A running claim whose lease is over (a row claimed before leases existed: a lease after it
#: was received).
_EXPIRED = _RUNNING & (
    (_T.c.lease_until <= bindparam("now"))
    | (_T.c.lease_until.is_(None) & (_T.c.received_at <= bindparam("stale_before")))
)
_TAKE_OVER = update(_T).where(_THIS_MESSAGE & _EXPIRED).values(lease_until=bindparam("until"))
_ANSWER = (
    update(_T)
    .where(_THIS_MESSAGE & _RUNNING)
    .values(state="answered", reply=bindparam("p_reply"), answered_at=bindparam("now"))
)
_DELIVER = (
    update(_T)
    .where(_THIS_MESSAGE & (_T.c.state == "answered"))
    .values(state="delivered", delivered_via=bindparam("via"), delivered_at=bindparam("now"))
)
_FAIL = (
    update(_T).where(_THIS_MESSAGE & _RUNNING).values(state="failed", answered_at=bindparam("now"))
)
_EXPIRED_ROWS = (
    select(_T.c.id, _T.c.channel, _T.c.sender_id, _T.c.received_at)
    .where(_EXPIRED)
    .order_by(_T.c.id)
    .limit(bindparam("limit"))
)
_FAIL_EXPIRED = (
    update(_T)
    .where((_T.c.id == bindparam("row_id")) & _EXPIRED)
    .values(state="failed", answered_at=bindparam("now"))
)


def _lease_times(now: datetime, lease: timedelta | None) -> dict[str, datetime]:
    """The bound times of a claim at `now`: its lease's end, and when an old row's lease ended."""
    held = settings().inbound_lease if lease is None else lease
    now = require_aware(now, "now")
    return {"now": now, "until": now + held, "stale_before": now - held}


def claim(
    session: Session,
    channel: str,
    key: str,
    sender_id: str,
    now: datetime,
    lease: timedelta | None = None,
) -> Claim:
    """Record that `key` arrived; `first` is true only for the one caller that must run it.

    One `INSERT … ON CONFLICT DO NOTHING` (SQLite and PostgreSQL): the unique key decides who
    is first, also between processes, without a read before it or a savepoint around it. A
    message still `running` after its lease (`lease`, default `INBOUND_LEASE_SECONDS`) was left
    by a claimant that died: one conditional update gives it to exactly one later caller, who
    runs it under a new lease.
    """
    times = _lease_times(now, lease)
    inserted = session.execute(
        for_session(_CLAIM, session),
        {"p_channel": channel, "key": key, "p_sender_id": sender_id, **times},
    )
    if inserted.rowcount == 1:
        return Claim(first=True, state="running", reply=None)
    if session.execute(_TAKE_OVER, {"p_channel": channel, "key": key, **times}).rowcount == 1:
        return Claim(first=True, state="running", reply=None)
    existing = session.execute(_FIND, {"p_channel": channel, "key": key}).one_or_none()
    if existing is None:
        raise NotFound(f"inbound message {channel}/{key} neither inserted nor found")
    return Claim(first=False, state=str(existing.state), reply=existing.reply)


def record_answer(session: Session, channel: str, key: str, reply: Any, now: datetime) -> None:
    """Store the answer of a claimed message so any request (or the push) can deliver it.

    Only a running message takes an answer: when a claimant outlived its lease and another run
    (or the scheduler) settled the message meanwhile, that outcome stands and this answer is
    dropped, so the user never gets two answers, nor one after being told to send it again.
    """
    parameters = {
        "p_channel": channel,
        "key": key,
        "p_reply": reply,
        "now": require_aware(now, "now"),
    }
    if (
        session.execute(_ANSWER, parameters).rowcount != 1
        and state_of(session, channel, key) is None
    ):
        raise NotFound(f"no inbound message {channel}/{key}")


def record_failure(session: Session, channel: str, key: str, now: datetime) -> None:
    """The run failed: no answer will come, and a retry must not run the conversation again.

    A message another run answered meanwhile (this claimant outlived its lease) keeps its answer.
    """
    session.execute(_FAIL, {"p_channel": channel, "key": key, "now": require_aware(now, "now")})


@dataclass(frozen=True)
class Abandoned:
    """A message a crashed claimant left, now failed: whom to tell, and when they wrote."""

    channel: str
    sender_id: str
    received_at: datetime
    row_id: int


def take_over_expired(
    session: Session, now: datetime, lease: timedelta | None = None, limit: int = 100
) -> list[Abandoned]:
    """Mark `failed` the running messages whose lease is over, and return the ones this caller
    marked (at most `limit`, oldest first), so their senders can be told to send them again.

    Each row is taken by a conditional update, so of two schedulers, or a scheduler and a
    provider's retry claiming the message at the same moment, exactly one takes it.
    """
    times = _lease_times(now, lease)
    rows = session.execute(_EXPIRED_ROWS, {**times, "limit": limit}).all()
    taken: list[Abandoned] = []
    for row in rows:
        if session.execute(_FAIL_EXPIRED, {**times, "row_id": row.id}).rowcount == 1:
            taken.append(Abandoned(row.channel, row.sender_id, row.received_at, row.id))
    return taken


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
