"""Tickets: creating them with their public number, finding them again, moving them along.

Numbers are what users read aloud and type back (`BX202611270003`), so they are short, dated in the
company's zone, and never reused: a per-kind, per-day counter row is incremented under its row lock.
Creation is idempotent on `dedup_key`, because channels retry (WeChat sends a message up to three
times) and a retry must not open a second ticket.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import exists, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.config import settings
from bot.store.db import get_or_create
from bot.store.errors import InvalidInput, TicketStateError
from bot.store.models import (
    TICKET_KINDS,
    Ticket,
    TicketEvent,
    TicketSequence,
    require_aware,
)

# The lifecycle: new → assigned → in_progress → done; anything still open may be cancelled.
_NEXT_STATUSES: dict[str, frozenset[str]] = {
    "new": frozenset({"assigned", "cancelled"}),
    "assigned": frozenset({"in_progress", "cancelled"}),
    "in_progress": frozenset({"done", "cancelled"}),
    "done": frozenset(),
    "cancelled": frozenset(),
}

_MAX_DAILY_SEQUENCE = 9999


@dataclass(frozen=True)
class TicketDraft:
    """What a conversation collected for a new ticket; the store adds number, status and times."""

    kind: str
    channel: str
    sender_id: str
    dedup_key: str | None = None
    account_no: str | None = None
    phone: str | None = None
    address: str | None = None
    community: str | None = None
    building: str | None = None
    unit: str | None = None
    room: str | None = None
    fault_type: str | None = None
    urgent: bool = False
    visit_start: datetime | None = None
    visit_end: datetime | None = None
    temperature: float | None = None
    category: str | None = None
    description: str | None = None
    transcript: list[dict[str, Any]] | None = None
    first_reply_due: datetime | None = None
    on_site_due: datetime | None = None
    resolve_due: datetime | None = None


# What `update_ticket` may change: the collected details, never identity, number or status.
_UPDATABLE_FIELDS = frozenset(TicketDraft.__dataclass_fields__) - {
    "kind",
    "channel",
    "sender_id",
    "dedup_key",
}


def _bump_sequence(session: Session, kind: str, day: str) -> bool:
    """Increment the counter row, taking its row lock until commit; False if it does not exist."""
    result = session.execute(
        update(TicketSequence)
        .where(TicketSequence.kind == kind, TicketSequence.day == day)
        .values(last=TicketSequence.last + 1)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)


def _next_sequence(session: Session, kind: str, day: str) -> int:
    """The next number of `kind` on local `day`, unique even when transactions race for it."""
    if not _bump_sequence(session, kind, day):
        try:
            with session.begin_nested():
                session.execute(insert(TicketSequence).values(kind=kind, day=day, last=1))
            return 1
        except IntegrityError:
            # Another transaction created the day's row after our UPDATE found none; the row
            # exists now, so this UPDATE waits for that transaction's lock and then succeeds.
            if not _bump_sequence(session, kind, day):
                raise
    last: int = session.execute(
        select(TicketSequence.last).where(TicketSequence.kind == kind, TicketSequence.day == day)
    ).scalar_one()
    return last


def _new_ticket_no(session: Session, kind: str, now: datetime) -> str:
    day = now.astimezone(settings().timezone).strftime("%Y%m%d")
    sequence = _next_sequence(session, kind, day)
    if sequence > _MAX_DAILY_SEQUENCE:
        raise InvalidInput(f"more than {_MAX_DAILY_SEQUENCE} {kind} tickets on {day}")
    return f"{kind}{day}{sequence:04d}"


def add_event(
    session: Session,
    ticket: Ticket,
    now: datetime,
    kind: str,
    actor: str,
    detail: dict[str, Any] | None = None,
) -> TicketEvent:
    """Append to the ticket's history.

    Kinds in use: created, status, updated, alert, note; reply and on_site (an agent answered, a
    worker arrived); warning, breach, escalated, notified (the deadline watch,
    `bot.services.deadlines`); rated (the satisfaction survey); urged (the resident chased it);
    linked and report (an urgent report joined to the incident another ticket leads, on each of
    the two: `bot.services.incidents`); ownership (an application filed without the 户号:
    `unverified`, then staff's `verified` or `rejected`, `bot.services.applications`); flood
    (an urgent report past the `report_limits`, paged for with the others in one suspected-flood
    hand-off) and related (an urgent ticket for another place reported in the same
    conversation, on each of the two: `bot.services.incidents`).
    """
    ticket_event = TicketEvent(
        ticket=ticket, at=require_aware(now, "now"), kind=kind, actor=actor, detail=detail
    )
    session.add(ticket_event)
    return ticket_event


def _require_aware_fields(fields: dict[str, Any]) -> None:
    """Refuse naive datetimes up front, with the field's name, rather than at flush time."""
    for name, value in fields.items():
        if isinstance(value, datetime):
            require_aware(value, name)


def create_ticket(session: Session, draft: TicketDraft, now: datetime) -> Ticket:
    """Create a ticket with a fresh number, or return the one already created for `dedup_key`."""
    require_aware(now, "now")
    if draft.kind not in TICKET_KINDS:
        raise InvalidInput(f"unknown ticket kind {draft.kind!r}; expected one of {TICKET_KINDS}")
    values = asdict(draft)
    _require_aware_fields(values)

    def create() -> Ticket:
        ticket_no = _new_ticket_no(session, draft.kind, now)
        ticket = Ticket(**values, ticket_no=ticket_no, status="new", created_at=now, updated_at=now)
        session.add(ticket)
        actor = f"{draft.channel}:{draft.sender_id}"
        add_event(session, ticket, now, "created", actor, {"ticket_no": ticket_no})
        return ticket

    if draft.dedup_key is None:
        ticket = create()
        session.flush()
        return ticket
    dedup_key = draft.dedup_key
    return get_or_create(
        session,
        lambda: session.execute(
            select(Ticket).where(Ticket.dedup_key == dedup_key)
        ).scalar_one_or_none(),
        create,
    )


def filed_for_message(session: Session, dedup_key: str | None) -> Ticket | None:
    """The ticket an earlier delivery of the same message filed (a channel's retry), if any."""
    if dedup_key is None:
        return None
    found: Ticket | None = session.execute(
        select(Ticket).where(Ticket.dedup_key == dedup_key)
    ).scalar_one_or_none()
    return found


def get_ticket(session: Session, ticket_no: str) -> Ticket | None:
    """The ticket with this public number (as normalised: upper case, no spaces), if any."""
    ticket: Ticket | None = session.execute(
        select(Ticket).where(Ticket.ticket_no == ticket_no)
    ).scalar_one_or_none()
    return ticket


def tickets_of_sender(
    session: Session,
    channel: str,
    sender_id: str,
    account_nos: Sequence[str] = (),
    limit: int = 5,
) -> list[Ticket]:
    """The newest tickets this sender opened or that concern one of `account_nos` (its bindings).

    A household may report by phone and ask by WeChat, so tickets are found through the accounts
    the asker is verified for as well as through the sender itself.
    """
    condition = (Ticket.channel == channel) & (Ticket.sender_id == sender_id)
    if account_nos:
        condition = or_(condition, Ticket.account_no.in_(list(account_nos)))
    query = select(Ticket).where(condition).order_by(Ticket.created_at.desc(), Ticket.id.desc())
    return list(session.execute(query.limit(limit)).scalars())


def count_filed(
    session: Session,
    since: datetime,
    channel: str,
    sender_id: str,
    *,
    kind: str,
    urgent: bool,
    excluding: int | None = None,
) -> int:
    """How many tickets of `kind` (urgent or not) this conversation filed since `since`, in any
    status: a withdrawn one was filed too, and withdrawing must not make room for more."""
    query = select(func.count(Ticket.id)).where(
        Ticket.created_at >= require_aware(since, "since"),
        Ticket.channel == channel,
        Ticket.sender_id == sender_id,
        Ticket.kind == kind,
        Ticket.urgent.is_(urgent),
    )
    if excluding is not None:
        query = query.where(Ticket.id != excluding)
    return int(session.execute(query).scalar_one())


def count_alerted_since(session: Session, since: datetime) -> int:
    """How many urgent tickets opened since `since` raised an `alert` (paged the duty team),
    company-wide; an urgent ticket's alert is written as it is opened."""
    alerted = exists().where(TicketEvent.ticket_id == Ticket.id, TicketEvent.kind == "alert")
    query = select(func.count(Ticket.id)).where(
        Ticket.urgent.is_(True), Ticket.created_at >= require_aware(since, "since"), alerted
    )
    return int(session.execute(query).scalar_one())


def list_tickets(
    session: Session, status: str | None = None, kind: str | None = None, limit: int = 50
) -> list[Ticket]:
    """The newest tickets, optionally only those with this status and/or kind (for operators)."""
    query = select(Ticket)
    if status is not None:
        query = query.where(Ticket.status == status)
    if kind is not None:
        query = query.where(Ticket.kind == kind)
    query = query.order_by(Ticket.created_at.desc(), Ticket.id.desc()).limit(limit)
    return list(session.execute(query).scalars())


def events_of(session: Session, ticket: Ticket) -> list[TicketEvent]:
    """The ticket's history, oldest first."""
    query = select(TicketEvent).where(TicketEvent.ticket_id == ticket.id).order_by(TicketEvent.id)
    return list(session.execute(query).scalars())


def update_ticket(
    session: Session, ticket: Ticket, now: datetime, actor: str, **fields: Any
) -> Ticket:
    """Change collected details (address, visit window …) and log what changed, old and new.

    Only fields that differ are written and logged; an update that changes nothing logs nothing.
    """
    unknown = set(fields) - _UPDATABLE_FIELDS
    if unknown:
        raise InvalidInput(f"ticket fields that cannot be updated: {', '.join(sorted(unknown))}")
    _require_aware_fields(fields)
    changes = {
        name: {"old": getattr(ticket, name), "new": value}
        for name, value in fields.items()
        if getattr(ticket, name) != value
    }
    if changes:
        for name in changes:
            setattr(ticket, name, fields[name])
        ticket.updated_at = require_aware(now, "now")
        add_event(session, ticket, now, "updated", actor, changes)
        session.flush()
    return ticket


def change_status(
    session: Session,
    ticket: Ticket,
    new_status: str,
    now: datetime,
    actor: str,
    note: str | None = None,
    conversation: str | None = None,
) -> Ticket:
    """Move the ticket along its lifecycle, or raise `TicketStateError` for a move it forbids.

    The row is re-read under a row lock first, so an agent closing the ticket and a user cancelling
    it at the same moment cannot both succeed from the same old status. A move made in a chat
    records the `conversation` id that made it (`actor` says only the kind and channel), so who
    withdrew a ticket can be told afterwards.
    """
    if new_status not in _NEXT_STATUSES:
        raise InvalidInput(f"unknown ticket status {new_status!r}")
    session.flush()
    session.refresh(ticket, with_for_update=True)
    old_status = ticket.status
    if new_status not in _NEXT_STATUSES[old_status]:
        raise TicketStateError(
            f"ticket {ticket.ticket_no} cannot go from {old_status} to {new_status}"
        )
    ticket.status = new_status
    ticket.updated_at = require_aware(now, "now")
    detail = {"from": old_status, "to": new_status, "note": note}
    if conversation is not None:
        detail["conversation"] = conversation
    add_event(session, ticket, now, "status", actor, detail)
    session.flush()
    return ticket


def cancel_ticket(
    session: Session, ticket: Ticket, now: datetime, actor: str, note: str | None = None
) -> Ticket:
    """Withdraw an open ticket (the user's 取消报修); a finished one raises `TicketStateError`."""
    return change_status(session, ticket, "cancelled", now, actor, note)
