"""Tickets an agent opens or corrects from the console for the user of a conversation they hold.

Filled from what the bot collected (the session's summary), so the agent only types what the bot
did not learn; a ticket of someone else cannot be touched through a conversation.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.handoff.rules import Actor, Conflict, NotFound
from bot.handoff.transitions import end, locked_for_handling
from bot.handoff.views import HandoffView, view
from bot.policy import Policy
from bot.services import tickets as ticket_service
from bot.store import handoffs as store
from bot.store.tickets import TicketDraft, TicketStateError

#: Ticket kinds an agent may open from the console, and the fields they may set or correct.
AGENT_TICKET_KINDS = ("BX", "TS", "CW", "RG")
AGENT_TICKET_FIELDS = ("address", "phone", "description", "fault_type")


def open_ticket_for(
    session: Session,
    policy: Policy,
    actor: Actor,
    session_id: int,
    kind: str,
    fields: dict[str, Any],
    now: datetime,
) -> ticket_service.TicketView:
    """Open a ticket for the conversation's user, filled from what the bot collected."""
    handoff = locked_for_handling(session, actor, session_id, "只有接待中的客服或主管可以开工单")
    if kind not in AGENT_TICKET_KINDS:
        raise Conflict(f"工单类型须为 {'、'.join(AGENT_TICKET_KINDS)} 之一")
    summary = dict(handoff.summary or {})
    values: dict[str, str | None] = {
        key: fields.get(key) or summary.get(key) for key in AGENT_TICKET_FIELDS
    }
    draft = TicketDraft(
        kind=kind,
        channel=handoff.channel,
        sender_id=handoff.sender_id,
        account_no=summary.get("account_no"),
        address=values["address"],
        phone=values["phone"],
        description=values["description"],
        fault_type=values["fault_type"] if kind == "BX" else None,
    )
    ticket = ticket_service.open_ticket(session, policy, draft, now)
    summary["tickets"] = [*summary.get("tickets", []), ticket.ticket_no]
    handoff.summary = summary
    store.add_event(session, handoff, now, "ticket", actor.username, {"opened": ticket.ticket_no})
    return ticket


def update_ticket_for(
    session: Session,
    actor: Actor,
    session_id: int,
    ticket_no: str,
    fields: dict[str, Any],
    now: datetime,
) -> ticket_service.TicketView:
    """Correct a ticket of the conversation's user (only theirs) with what the agent learnt."""
    handoff = locked_for_handling(session, actor, session_id, "只有接待中的客服或主管可以修改工单")
    if ticket_service.find_visible(session, ticket_no, handoff.channel, handoff.sender_id) is None:
        raise NotFound(f"工单 {ticket_no} 不属于该用户")
    changes = {key: value for key, value in fields.items() if key in AGENT_TICKET_FIELDS and value}
    ticket = ticket_service.amend_ticket(
        session, ticket_no, now, f"agent:{actor.username}", **changes
    )
    store.add_event(session, handoff, now, "ticket", actor.username, {"updated": ticket_no})
    return ticket


def cancel_ticket_for(
    session: Session, actor: Actor, session_id: int, ticket_no: str, now: datetime
) -> tuple[ticket_service.TicketView, list[HandoffView]]:
    """An agent cancels a ticket of the conversation's user; the hand-offs opened for it end.

    Residents cannot withdraw an urgent ticket in chat, so an agent (after talking to them)
    does it here. Its hand-off (`urgent_leak`, or the user's own session made urgent by it)
    exists only to have a person act on that ticket now: left open it would stay at the top of
    the queue, paging for a leak that no longer needs anyone. Returns the ticket and the
    sessions closed; the caller gives those the bot back.
    """
    handoff = locked_for_handling(session, actor, session_id, "只有接待中的客服或主管可以取消工单")
    if ticket_service.find_visible(session, ticket_no, handoff.channel, handoff.sender_id) is None:
        raise NotFound(f"工单 {ticket_no} 不属于该用户")
    try:
        ticket = ticket_service.cancel_for_agent(
            session, ticket_no, now, actor.username, "客服取消"
        )
    except TicketStateError as exc:
        raise Conflict(f"工单 {ticket_no} 已完成或已取消，不能再取消") from exc
    store.add_event(session, handoff, now, "ticket", actor.username, {"cancelled": ticket_no})
    closed = []
    for other in store.open_sessions_for_ticket(session, ticket_no):
        if store.lock(session, other).status in store.OPEN_STATUSES:
            end(session, other, now, actor.username, f"工单 {ticket_no} 已取消")
            closed.append(view(other))
    return ticket, closed
