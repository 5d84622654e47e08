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

A flood is the same idea for reports that are not one burst: past the `report_limits` (one
conversation's urgent reports in a day, the company's urgent pages in a few minutes:
`bot.policy.urgent_page_limit`) an urgent report is still ticketed at once and its resident hears
the same answer, but it pages nobody on its own: the first such report of the company window
leads a *suspected flood* (one page, a hand-off `suspected_flood`, a WARNING to the operators'
logger `bot.alerts.urgent`), and the later ones are linked to it like an incident's reports, so
the duty team reads every one of them, address and all, in that one hand-off. A script opening
conversations by the hundred fills one line of the queue, not its top hundred, and a real
resident's report inside the flood is still in front of a person at once.

Everything is written in the ticket history (append-only), so no schema change is needed and the
link is evidence like every other entry.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from bot.policy import Policy, urgent_page_limit
from bot.privacy import mask_text
from bot.services.outages import outages_in
from bot.store import tickets as ticket_store
from bot.store.models import Ticket, TicketEvent

logger = logging.getLogger(__name__)
#: Where a suspected flood of urgent reports is reported (route it to the pager like
#: `bot.alerts.sms`): one WARNING a flood's page.
alerts = logging.getLogger("bot.alerts.urgent")

#: Ticket statuses in which an incident is still being dealt with.
OPEN_STATUSES = ("new", "assigned", "in_progress")
ACTOR = "bot"
#: The history entry of an urgent report past the `report_limits`, and of the ticket that says
#: the conversation reported another place (on both tickets).
FLOOD, RELATED = "flood", "related"


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
    flooded = exists().where(TicketEvent.ticket_id == Ticket.id, TicketEvent.kind == FLOOD)
    query = (
        select(Ticket)
        .where(
            Ticket.id != ticket.id,
            ~flooded,
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
    if is_flood(session, ticket):  # a flood's lead stays the flood's: its page lists the others
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
    ticket number and address (their phones are on their tickets, shown to those who may).
    The address is the report's as it is now: a flood's reports are linked before the
    resident has said where (a report line without it told the duty team nothing)."""
    lines = []
    for event in ticket_store.events_of(session, lead):
        if event.kind == "report":
            number = str((event.detail or {}).get("ticket"))
            report = ticket_store.get_ticket(session, number)
            address = report.address if report is not None else None
            lines.append(f"{number} {address or (event.detail or {}).get('address') or ''}".strip())
    return lines


def is_flood(session: Session, ticket: Ticket) -> bool:
    """Whether the ticket is an urgent report past the `report_limits` (a flood's lead or one
    of its reports)."""
    return any(e.kind == FLOOD for e in ticket_store.events_of(session, ticket))


def page_or_flood(session: Session, policy: Policy, ticket: Ticket, now: datetime) -> str | None:
    """Page the duty team for an urgent ticket that leads its own incident (an `alert`, which the
    hand-off jobs turn into an urgent hand-off), unless the `report_limits` are reached: then
    the report joins the company's suspected flood (module docstring). Returns the flood's lead
    when it joined one. Safe to repeat: a retried message pages and links once."""
    history = ticket_store.events_of(session, ticket)
    if any(e.kind in ("alert", FLOOD) for e in history):
        return incident_of(session, ticket)
    limits = policy.report_limits
    by_sender = ticket_store.count_filed(
        session,
        now - timedelta(hours=limits.window_hours),
        ticket.channel,
        ticket.sender_id,
        kind=ticket.kind,
        urgent=True,
        excluding=ticket.id,
    )
    window = timedelta(minutes=limits.company_window_minutes)
    pages = ticket_store.count_alerted_since(session, now - window)
    limit = urgent_page_limit(policy, by_sender=by_sender, pages_company=pages)
    if limit is None:
        ticket_store.add_event(
            session, ticket, now, "alert", ACTOR, {"reason": "urgent", "fault": ticket.fault_type}
        )
        return None
    ticket_store.add_event(session, ticket, now, FLOOD, ACTOR, {"limit": limit})
    lead = _flood_lead(session, ticket, now - window)
    if lead is None:
        ticket_store.add_event(
            session,
            ticket,
            now,
            "alert",
            ACTOR,
            {"reason": "suspected_flood", "limit": limit, "fault": ticket.fault_type},
        )
        alerts.warning(
            "suspected flood of urgent reports (report_limits.%s): %s leads it, from %s; "
            "%d of this conversation's urgent reports in %g h, %d pages in %d min; the next "
            "reports join it and page nobody on their own",
            limit,
            ticket.ticket_no,
            mask_text(ticket.sender_id),
            by_sender,
            limits.window_hours,
            pages,
            limits.company_window_minutes,
        )
        session.flush()
        return None
    ticket_store.add_event(
        session, ticket, now, "linked", ACTOR, {"incident": lead.ticket_no, "flood": True}
    )
    report = {"ticket": ticket.ticket_no, "address": ticket.address, "channel": ticket.channel}
    ticket_store.add_event(session, lead, now, "report", ACTOR, report)
    logger.info("urgent report %s joins the suspected flood %s", ticket.ticket_no, lead.ticket_no)
    session.flush()
    return str(lead.ticket_no)


def _flood_lead(session: Session, ticket: Ticket, since: datetime) -> Ticket | None:
    """The newest open flood lead (a flood report that is no other's) opened since `since`."""
    flooded = exists().where(TicketEvent.ticket_id == Ticket.id, TicketEvent.kind == FLOOD)
    linked = exists().where(TicketEvent.ticket_id == Ticket.id, TicketEvent.kind == "linked")
    query = (
        select(Ticket)
        .where(
            Ticket.id != ticket.id,
            Ticket.status.in_(OPEN_STATUSES),
            Ticket.created_at >= since,
            flooded,
            ~linked,
        )
        .order_by(Ticket.created_at.desc(), Ticket.id.desc())
    )
    return session.execute(query.limit(1)).scalar_one_or_none()


def relate(session: Session, first: Ticket, second: Ticket, now: datetime) -> None:
    """Record on both tickets that one conversation reported them as two places (another flat's
    burst after the first was filed): the dispatcher sees the other crew's job from either."""
    ticket_store.add_event(session, first, now, RELATED, ACTOR, {"ticket": second.ticket_no})
    ticket_store.add_event(session, second, now, RELATED, ACTOR, {"ticket": first.ticket_no})


def published_for(session: Session, community: str | None, now: datetime) -> bool:
    """Whether an emergency stop (抢修停热) is published and under way in `community`: only then
    may a resident be told that the place's emergency is known already. Anything else said of
    a linked report would tell a stranger that a neighbour reported there (red team R9)."""
    if not community:
        return False
    return any(o.kind == "emergency" and o.active(now) for o in outages_in(session, community, now))
