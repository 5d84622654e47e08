"""Hand-off sessions, their history and the call centre's webhook outbox: storage only.

Which move is allowed when (pick, transfer, close, time out) and who may make it are business
rules in `bot.handoff`; these functions read and write rows and take the row lock that makes two
agents picking the same conversation at once see each other.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from bot.store.models import (
    HandoffEvent,
    HandoffSession,
    Ticket,
    TicketEvent,
    WebhookDelivery,
    require_aware,
)

OPEN_STATUSES = ("queued", "active")


@dataclass(frozen=True)
class HandoffDraft:
    """What the bot knows when it hands a conversation over; the store adds status and times."""

    channel: str
    sender_id: str
    reason: str
    urgency: int
    targets: str
    pickup_due: datetime
    paused: bool = True
    summary: dict[str, Any] | None = None
    ticket_no: str | None = None


def create_session(session: Session, draft: HandoffDraft, now: datetime) -> HandoffSession:
    """Add a queued session and its `queued` history entry."""
    require_aware(now, "now")
    require_aware(draft.pickup_due, "pickup_due")
    handoff = HandoffSession(
        **asdict(draft), status="queued", created_at=now, updated_at=now, agent_id=None
    )
    session.add(handoff)
    session.flush()
    add_event(session, handoff, now, "queued", "bot", {"reason": draft.reason})
    return handoff


def get_session(session: Session, session_id: int) -> HandoffSession | None:
    """The hand-off session with this id, if any."""
    return session.get(HandoffSession, session_id)


def lock(session: Session, handoff: HandoffSession) -> HandoffSession:
    """Re-read the row under a row lock, so a check of its status holds until commit."""
    session.flush()
    session.refresh(handoff, with_for_update=True)
    return handoff


def open_session_of(session: Session, channel: str, sender_id: str) -> HandoffSession | None:
    """The queued or active session of this conversation (there is at most one)."""
    query = (
        select(HandoffSession)
        .where(
            HandoffSession.channel == channel,
            HandoffSession.sender_id == sender_id,
            HandoffSession.status.in_(OPEN_STATUSES),
        )
        .order_by(HandoffSession.id.desc())
    )
    return session.execute(query).scalars().first()


def open_sessions_for_ticket(session: Session, ticket_no: str) -> list[HandoffSession]:
    """The queued or active sessions opened for (or made urgent by) this ticket."""
    query = select(HandoffSession).where(
        HandoffSession.ticket_no == ticket_no, HandoffSession.status.in_(OPEN_STATUSES)
    )
    return list(session.execute(query.order_by(HandoffSession.id)).scalars())


def sessions_with_status(session: Session, statuses: Sequence[str]) -> list[HandoffSession]:
    """Sessions in any of `statuses`, oldest first (the caller orders them for the queue)."""
    query = select(HandoffSession).where(HandoffSession.status.in_(list(statuses)))
    return list(session.execute(query.order_by(HandoffSession.id)).scalars())


def active_sessions_of(session: Session, agent_id: int) -> list[HandoffSession]:
    """The conversations this agent holds now."""
    query = select(HandoffSession).where(
        HandoffSession.status == "active", HandoffSession.agent_id == agent_id
    )
    return list(session.execute(query.order_by(HandoffSession.id)).scalars())


def overdue_sessions(session: Session, now: datetime) -> list[HandoffSession]:
    """Queued sessions whose pick-up deadline has passed."""
    query = select(HandoffSession).where(
        HandoffSession.status == "queued", HandoffSession.pickup_due <= require_aware(now, "now")
    )
    return list(session.execute(query.order_by(HandoffSession.id)).scalars())


def recent_handled(session: Session, limit: int = 20) -> list[HandoffSession]:
    """The latest sessions an agent picked and closed, newest first (for expected waits)."""
    query = (
        select(HandoffSession)
        .where(HandoffSession.picked_at.is_not(None), HandoffSession.closed_at.is_not(None))
        .order_by(HandoffSession.closed_at.desc())
        .limit(limit)
    )
    return list(session.execute(query).scalars())


def alerted_tickets_without_session(session: Session) -> list[Ticket]:
    """Open tickets the bot raised an alert for (a leak) that have no hand-off session yet and
    report no incident another ticket leads (bot.services.incidents)."""
    alerted = exists().where(TicketEvent.ticket_id == Ticket.id, TicketEvent.kind == "alert")
    linked = exists().where(TicketEvent.ticket_id == Ticket.id, TicketEvent.kind == "linked")
    queued = exists().where(HandoffSession.ticket_no == Ticket.ticket_no)
    query = select(Ticket).where(
        alerted, ~linked, ~queued, Ticket.status.in_(["new", "assigned", "in_progress"])
    )
    return list(session.execute(query.order_by(Ticket.id)).scalars())


def add_event(
    session: Session,
    handoff: HandoffSession,
    now: datetime,
    kind: str,
    actor: str,
    detail: dict[str, Any] | None = None,
    external_id: str | None = None,
) -> HandoffEvent:
    """Append to the session's history (queued, picked, reply, transfer, reveal, closed …)."""
    if handoff.id is None:
        session.flush()
    entry = HandoffEvent(
        session_id=handoff.id,
        at=require_aware(now, "now"),
        kind=kind,
        actor=actor,
        detail=detail,
        external_id=external_id,
    )
    session.add(entry)
    return entry


def events_of(session: Session, handoff: HandoffSession) -> list[HandoffEvent]:
    """The session's history, oldest first."""
    query = select(HandoffEvent).where(HandoffEvent.session_id == handoff.id)
    return list(session.execute(query.order_by(HandoffEvent.id)).scalars())


def external_event_seen(session: Session, external_id: str) -> bool:
    """Whether an inbound call-centre event with this id was already acted on."""
    query = select(HandoffEvent.id).where(HandoffEvent.external_id == external_id)
    return session.execute(query).first() is not None


# ---- webhook outbox ------------------------------------------------------------------------------


def add_delivery(
    session: Session, session_id: int, event: str, body: dict[str, Any], now: datetime
) -> WebhookDelivery:
    """Queue one webhook event of hand-off session `session_id` for the console process to post."""
    delivery = WebhookDelivery(
        session_id=session_id,
        event=event,
        body=body,
        status="pending",
        attempts=0,
        next_attempt_at=require_aware(now, "now"),
        created_at=now,
    )
    session.add(delivery)
    session.flush()
    return delivery


def due_deliveries(session: Session, now: datetime, limit: int = 20) -> list[WebhookDelivery]:
    """Pending deliveries whose next attempt is due, oldest first."""
    query = (
        select(WebhookDelivery)
        .where(
            WebhookDelivery.status == "pending",
            WebhookDelivery.next_attempt_at <= require_aware(now, "now"),
        )
        .order_by(WebhookDelivery.id)
        .limit(limit)
    )
    return list(session.execute(query).scalars())


def get_delivery(session: Session, delivery_id: int) -> WebhookDelivery | None:
    """The delivery with this id, if any."""
    return session.get(WebhookDelivery, delivery_id)
