"""What an agent sees at the desk: the queue, one conversation, its history, account and tickets.

Read-only: nothing here changes a session. Visibility follows `rules.can_see` (an agent sees the
queue and their own conversations, a supervisor all), and an unseen conversation reads as missing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from bot.handoff import rules
from bot.handoff.rules import Actor
from bot.handoff.transitions import visible
from bot.handoff.views import HandoffView, view
from bot.policy import Policy
from bot.services import accounts as account_service
from bot.services import tickets as ticket_service
from bot.store import handoffs as store
from bot.store.accounts import get_account


@dataclass(frozen=True)
class QueueView:
    """The console's lists: waiting conversations in queue order, and the ones being handled."""

    waiting: list[HandoffView]
    handling: list[HandoffView]


def visible_queue(session: Session, actor: Actor) -> QueueView:
    """What `actor` may see: the queue and their own conversations (supervisors: all)."""
    rows = [
        h
        for h in store.sessions_with_status(session, store.OPEN_STATUSES)
        if rules.can_see(actor, h.status, h.agent_id)
    ]
    waiting = rules.queue_order(h for h in rows if h.status == "queued")
    handling = [h for h in rows if h.status == "active"]
    return QueueView([view(h) for h in waiting], [view(h) for h in handling])


def get_visible(session: Session, actor: Actor, session_id: int) -> HandoffView:
    """The session if `actor` may see it, else `NotFound`."""
    return view(visible(session, actor, session_id))


def history(session: Session, actor: Actor, session_id: int) -> list[dict[str, Any]]:
    """The session's history as plain dicts, oldest first."""
    handoff = visible(session, actor, session_id)
    return [
        {"at": e.at, "kind": e.kind, "actor": e.actor, "detail": e.detail}
        for e in store.events_of(session, handoff)
    ]


def account_overview(
    session: Session, policy: Policy, account_no: str | None, today: date
) -> dict[str, Any] | None:
    """Who the account belongs to and what it owes, for the agent (numbers unmasked here)."""
    if not account_no:
        return None
    account = get_account(session, account_no)
    if account is None:
        return None
    fees = account_service.fee_summary(session, policy, account_no, today)
    return {
        "account_no": account.account_no,
        "name": account.name,
        "address": account.address,
        "phone": account.phone,
        "season": fees.season,
        "amount_due": None if fees.amount_due is None else str(fees.amount_due),
        "balance": str(fees.balance + fees.earlier_arrears),
    }


def tickets_of(session: Session, handoff: HandoffView) -> list[ticket_service.TicketView]:
    """The newest tickets of the conversation's sender (and of the accounts bound to them)."""
    return ticket_service.own_tickets(session, handoff.channel, handoff.sender_id, limit=5)
