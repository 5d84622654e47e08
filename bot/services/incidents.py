"""One burst, many reports: urgent tickets from one building within a short time are one incident.

A burst riser floods several flats, and a burst in the stairwell is seen by every household of
the building; each of them reports it, on whatever channel they use. What the duty team needs is
one alarm per burst with every household that reported it in view, not five urgent hand-offs at
the top of the queue and five crews sent to one pipe. What each household needs is the urgent
answer and a ticket of its own: the number it can ask about, and its address and phone for the
crew (water may be coming through its ceiling).

So an urgent ticket whose community and building are known is matched against the open urgent
tickets of the same community and building opened within `leak.incident_minutes` of it:

- the earliest of them that is not itself linked is the incident's *lead*; the new ticket is
  *linked* to it: a `linked` event on the new ticket names the lead, and a `report` event on the
  lead names the new ticket and its address, so whoever handles the lead sees every report;
- a linked ticket raises no alert, and so no hand-off of its own. When its address came only
  after its alert (the resident answered the form's questions), the hand-off already queued for
  it is merged into the lead's by the scheduler's hand-off jobs (`bot.handoff.queue`), unless
  an agent has picked it up;
- only the same building links. A report that names no building (幸福里小区漏水了) stays an
  incident of its own: merging it could hide a second burst elsewhere in the community, and a
  missed burst costs more than one extra hand-off. The same holds for reports further apart than
  the window, and for a lead that is closed (done or cancelled): a new burst there is new.

Everything is written in the ticket history (append-only), so no schema change is needed and the
link is evidence like every other entry.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from bot.policy import Policy
from bot.store import tickets as ticket_store
from bot.store.models import Ticket, TicketEvent

#: Ticket statuses in which an incident is still being dealt with.
OPEN_STATUSES = ("new", "assigned", "in_progress")
ACTOR = "bot"


def incident_of(session: Session, ticket: Ticket) -> str | None:
    """The ticket number of the lead this ticket was linked to, if it was."""
    for event in ticket_store.events_of(session, ticket):
        if event.kind == "linked":
            return str((event.detail or {}).get("incident") or "") or None
    return None


def _lead_for(session: Session, ticket: Ticket, window: timedelta) -> Ticket | None:
    """The earliest open urgent ticket of the same building within `window` that is no other
    ticket's report (and is not itself a lead: a ticket with reports is never linked)."""
    linked = exists().where(TicketEvent.ticket_id == Ticket.id, TicketEvent.kind == "linked")
    query = (
        select(Ticket)
        .where(
            Ticket.id != ticket.id,
            Ticket.urgent.is_(True),
            Ticket.status.in_(OPEN_STATUSES),
            Ticket.community == ticket.community,
            Ticket.building == ticket.building,
            Ticket.created_at >= ticket.created_at - window,
            Ticket.created_at <= ticket.created_at + window,
            ~linked,
        )
        .order_by(Ticket.created_at, Ticket.id)
    )
    return session.execute(query.limit(1)).scalar_one_or_none()


def _has_reports(session: Session, ticket: Ticket) -> bool:
    return any(e.kind == "report" for e in ticket_store.events_of(session, ticket))


def join_incident(session: Session, policy: Policy, ticket: Ticket, now: datetime) -> str | None:
    """Link an urgent ticket to the incident it reports (module docstring) and return the
    lead's number; `None` when it leads its own. Safe to repeat: a linked ticket keeps its lead."""
    known = incident_of(session, ticket)
    if known is not None:
        return known
    window = timedelta(minutes=policy.leak.incident_minutes)
    if not (ticket.urgent and ticket.community and ticket.building) or not window:
        return None
    if ticket.status not in OPEN_STATUSES or _has_reports(session, ticket):
        return None
    lead = _lead_for(session, ticket, window)
    if lead is None:
        return None
    ticket_store.add_event(session, ticket, now, "linked", ACTOR, {"incident": lead.ticket_no})
    report = {"ticket": ticket.ticket_no, "address": ticket.address, "channel": ticket.channel}
    ticket_store.add_event(session, lead, now, "report", ACTOR, report)
    session.flush()
    return str(lead.ticket_no)


def reports_of(session: Session, lead: Ticket) -> list[str]:
    """The other households' reports of the lead's incident, as the duty agent reads them:
    ticket number and address (their phones are on their tickets, shown to those who may)."""
    lines = []
    for event in ticket_store.events_of(session, lead):
        if event.kind == "report":
            detail = event.detail or {}
            lines.append(f"{detail.get('ticket')} {detail.get('address') or ''}".strip())
    return lines
