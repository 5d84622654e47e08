"""Conversations nobody picked up in time, and ended ones whose bot is not resumed yet.

The sweep finds these (`overdue`, `still_paused`), turns an overdue one into a call-back ticket
(`time_out`, announced as `timed_out` with its transcript) and gives the bot back to the user.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.handoff import hooks
from bot.handoff.transitions import move
from bot.handoff.views import HandoffView, view
from bot.policy import Policy
from bot.services import tickets as ticket_service
from bot.store import handoffs as store
from bot.store.tickets import TicketDraft, get_ticket


@dataclass(frozen=True)
class TimedOut:
    """A conversation nobody picked up, and the call-back ticket the user is told about."""

    session: HandoffView
    ticket: ticket_service.TicketView | None


def time_out(
    session: Session,
    policy: Policy,
    session_id: int,
    transcript: list[dict[str, Any]],
    now: datetime,
) -> TimedOut | None:
    """Turn an overdue queued conversation into a call-back (RG) ticket with its transcript.

    `None` when it is no longer queued (an agent picked it meanwhile). A session opened for an
    urgent ticket needs no second ticket: that ticket already carries the call-back promise.
    The session stays `paused` until the caller has told the user and resumed the bot.
    """
    handoff = store.get_session(session, session_id)
    if handoff is None:
        return None
    store.lock(session, handoff)
    if handoff.status != "queued" or handoff.pickup_due > now:
        return None
    ticket = None
    if handoff.ticket_no is None:
        summary = handoff.summary or {}
        draft = TicketDraft(
            kind="RG",
            channel=handoff.channel,
            sender_id=handoff.sender_id,
            dedup_key=f"RG:handoff:{handoff.id}",
            account_no=summary.get("account_no"),
            phone=summary.get("phone"),
            address=summary.get("address"),
            description=str(summary.get("last_message") or "转人工无人接入，回电")[:2000],
            transcript=transcript,
        )
        ticket = ticket_service.open_ticket(session, policy, draft, now)
    move(handoff, "timed_out", now)
    handoff.closed_at = now
    handoff.callback_ticket_no = ticket.ticket_no if ticket else handoff.ticket_no
    store.add_event(
        session, handoff, now, "timed_out", "console", {"ticket": handoff.callback_ticket_no}
    )
    hooks.emit(session, handoff, "timed_out", transcript, now)
    session.flush()
    return TimedOut(view(handoff), ticket)


def overdue(session: Session, now: datetime) -> list[HandoffView]:
    """Queued conversations past their pick-up deadline."""
    return [view(h) for h in store.overdue_sessions(session, now)]


def still_paused(session: Session, settled_before: datetime) -> list[HandoffView]:
    """Ended conversations whose bot is still paused: the resume did not reach Rasa yet."""
    return [
        view(h)
        for h in store.sessions_with_status(session, ["closed", "timed_out"])
        if h.paused and h.closed_at is not None and h.closed_at <= settled_before
    ]


def callback_ticket(session: Session, ticket_no: str | None) -> ticket_service.TicketView | None:
    """The call-back ticket of a timed-out conversation, to tell the user its due time again."""
    if not ticket_no:
        return None
    found = get_ticket(session, ticket_no)
    return ticket_service.view(found) if found else None
