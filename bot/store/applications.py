"""Applications filed without the 户号 (产权未核实): how the store finds and counts them.

Such an application is an ordinary ticket (报停 BT, 查表 CB) whose history holds `ownership`
events: `unverified` when it is filed, then `verified` or `rejected` when staff have called
(`bot.services.applications`). So no column marks them: the history is the evidence, and it is
append-only.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import exists, func, select, text
from sqlalchemy.orm import Session

from bot.store.models import Ticket, TicketEvent, require_aware

#: The ticket event kind that records the ownership of an application's home.
OWNERSHIP = "ownership"
UNVERIFIED, VERIFIED, REJECTED = "unverified", "verified", "rejected"

# Names the PostgreSQL advisory lock that makes an application's checks and its filing one step
# ("appl" in ASCII).
_APPLICATIONS_LOCK_ID = 0x6170706C


def lock_applications(session: Session) -> None:
    """Make this transaction's limit and duplicate checks and the filing one step for every
    process and replica.

    Without it, parallel conversations giving one phone or one address could all count before
    any of them had filed. One lock for all: applications without the 户号 are few, and the
    checks span senders, phones and addresses at once. SQLite needs nothing: its transactions
    start with `BEGIN IMMEDIATE` (`bot.store.db`) and run one at a time already.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _APPLICATIONS_LOCK_ID})


def _filed_unverified() -> object:
    return exists().where(TicketEvent.ticket_id == Ticket.id, TicketEvent.kind == OWNERSHIP)


def count_unverified(
    session: Session,
    since: datetime,
    *,
    channel: str | None = None,
    sender_id: str | None = None,
    phone: str | None = None,
) -> int:
    """How many applications were filed without the 户号 since `since`: by the conversation
    (`channel`, `sender_id`), or with the contact `phone`. Withdrawn and rejected ones count
    too: each was filed, and filing and withdrawing must not make room for more."""
    query = select(func.count(Ticket.id)).where(
        Ticket.created_at >= require_aware(since, "since"), _filed_unverified()
    )
    if channel is not None:
        query = query.where(Ticket.channel == channel, Ticket.sender_id == sender_id)
    if phone is not None:
        query = query.where(Ticket.phone == phone)
    return int(session.execute(query).scalar_one())


def open_at_home(
    session: Session,
    kind: str,
    statuses: Collection[str],
    *,
    address: str | None,
    community: str | None,
    building: str | None,
    unit: str | None,
    room: str | None,
) -> Ticket | None:
    """The oldest ticket of `kind` in `statuses` for the same home, if any.

    With a community and a room the ticket columns decide: the same community and room, and no
    building or unit that both name and that differ (阳光花园5号楼302 is 阳光花园5号楼1单元302).
    Without them (an address the parser did not read), only the same address text does.
    """
    query = select(Ticket).where(Ticket.kind == kind, Ticket.status.in_(list(statuses)))
    if community and room:
        query = query.where(Ticket.community == community, Ticket.room == room)
        for column, value in ((Ticket.building, building), (Ticket.unit, unit)):
            if value:
                query = query.where((column == value) | column.is_(None))
    elif address and address.strip():
        query = query.where(Ticket.address == address.strip())
    else:
        return None
    found: Ticket | None = session.execute(
        query.order_by(Ticket.created_at, Ticket.id).limit(1)
    ).scalar_one_or_none()
    return found


def ownership_history(session: Session, ticket: Ticket) -> list[TicketEvent]:
    """The ticket's `ownership` events, oldest first; empty for a ticket filed with the 户号."""
    query = (
        select(TicketEvent)
        .where(TicketEvent.ticket_id == ticket.id, TicketEvent.kind == OWNERSHIP)
        .order_by(TicketEvent.id)
    )
    return list(session.execute(query).scalars())
