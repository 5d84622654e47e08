"""The status moves every hand-off operation is built from, on locked ORM rows.

`bot.handoff.rules` says which moves are allowed and who may make them; these apply one to a row,
write its history, and announce the change on `bot.handoff.hooks`. The modules around them
(`moves`, `agents`, `timeouts`, `callcentre`) are what the console, the action and the sweep call.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.handoff import hooks, rules
from bot.handoff.rules import Actor, Forbidden, NotFound
from bot.store import handoffs as store
from bot.store.models import HandoffSession


def visible(session: Session, actor: Actor, session_id: int) -> HandoffSession:
    """The session if `actor` may see it, else `NotFound` (an unseen one reads as missing)."""
    handoff = store.get_session(session, session_id)
    if handoff is None or not rules.can_see(actor, handoff.status, handoff.agent_id):
        raise NotFound(f"会话 {session_id} 不存在或无权查看")
    return handoff


def locked(session: Session, actor: Actor, session_id: int) -> HandoffSession:
    """The visible session, row-locked for a change."""
    return store.lock(session, visible(session, actor, session_id))


def locked_for_handling(
    session: Session, actor: Actor, session_id: int, refusal: str
) -> HandoffSession:
    """The locked session if `actor` may act on it now (holds it, or supervises), else
    `Forbidden(refusal)`: the message names what was refused."""
    handoff = locked(session, actor, session_id)
    if not rules.can_handle(actor, handoff.status, handoff.agent_id):
        raise Forbidden(refusal)
    return handoff


def move(handoff: HandoffSession, status: str, now: datetime) -> None:
    """Set the status, refusing a move `rules.MOVES` does not allow."""
    rules.check_move(handoff.status, status)
    handoff.status = status
    handoff.updated_at = now


def requeue(
    session: Session,
    handoff: HandoffSession,
    now: datetime,
    pickup_minutes: int,
    actor: str,
    why: str,
) -> None:
    """Put a held conversation back in the queue with a fresh pick-up deadline."""
    previous = handoff.agent.username if handoff.agent else handoff.external_agent
    move(handoff, "queued", now)
    handoff.agent_id, handoff.external_agent = None, None
    handoff.pickup_due = rules.pickup_deadline(now, pickup_minutes)
    store.add_event(session, handoff, now, "requeued", actor, {"from": previous, "why": why})
    session.flush()
    session.refresh(handoff)


def end(
    session: Session, handoff: HandoffSession, now: datetime, actor: str, note: str | None
) -> None:
    """Close the conversation (an agent or the call centre ended it)."""
    move(handoff, "closed", now)
    handoff.closed_at = now
    store.add_event(session, handoff, now, "closed", actor, {"note": note} if note else None)
    hooks.emit(session, handoff, "closed", [], now)
    session.flush()
