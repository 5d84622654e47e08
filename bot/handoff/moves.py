"""What an agent does with a conversation: pick, reply, release, transfer, close, reveal numbers.

Each function takes a `Session` first, applies the rules of `bot.handoff.rules` under the row
lock, and returns frozen views, never ORM objects. Talking to Rasa (messages to the user,
pause/resume) is the caller's part, done outside the database transaction: the console
changes the status first and then tells Rasa, and its sweep retries a Rasa call that failed,
because a session that is closed or timed out but still `paused` is exactly one whose user has not
been given the bot back yet.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.handoff import hooks, rules
from bot.handoff.rules import Actor, Conflict, Forbidden
from bot.handoff.transitions import end, locked, locked_for_handling, move, requeue, visible
from bot.handoff.views import HandoffView, view
from bot.store import agents as agent_store
from bot.store import handoffs as store


def pick(session: Session, actor: Actor, session_id: int, now: datetime) -> HandoffView:
    """`actor` takes a queued conversation; a second agent trying at once gets `Conflict`."""
    handoff = locked(session, actor, session_id)
    if not rules.can_pick(actor, handoff.status):
        raise Conflict("该会话已被其他客服接入")
    move(handoff, "active", now)
    handoff.agent_id, handoff.external_agent, handoff.picked_at = actor.id, None, now
    store.add_event(session, handoff, now, "picked", actor.username)
    hooks.emit(session, handoff, "picked", [], now)
    session.flush()
    session.refresh(handoff)
    return view(handoff)


def held(session: Session, actor: Actor, session_id: int) -> HandoffView:
    """The conversation if `actor` may act on it now (reply, ticket, transfer), else raise."""
    handoff = visible(session, actor, session_id)
    if not rules.can_handle(actor, handoff.status, handoff.agent_id):
        raise Forbidden("只有接待中的客服或主管可以操作该会话")
    return view(handoff)


def mark_paused(session: Session, session_id: int, paused: bool) -> None:
    """Record that Rasa now has the conversation paused (or resumed)."""
    handoff = store.get_session(session, session_id)
    if handoff is not None:
        handoff.paused = paused
        session.flush()


def record_reply(
    session: Session, actor: Actor, session_id: int, text: str, now: datetime
) -> HandoffView:
    """Log that `actor` sent a reply (the text itself is in Rasa's tracker)."""
    handoff = locked_for_handling(session, actor, session_id, "只有接待中的客服或主管可以回复")
    store.add_event(session, handoff, now, "reply", actor.username, {"chars": len(text)})
    return view(handoff)


def release(
    session: Session, actor: Actor, session_id: int, now: datetime, pickup_minutes: int
) -> HandoffView:
    """Hand a held conversation back to the queue, with a fresh pick-up deadline."""
    handoff = locked_for_handling(
        session, actor, session_id, "只有接待中的客服或主管可以退回该会话"
    )
    requeue(session, handoff, now, pickup_minutes, actor.username, "released")
    return view(handoff)


def transfer(
    session: Session,
    actor: Actor,
    session_id: int,
    to_username: str,
    now: datetime,
    timeout_seconds: int,
) -> HandoffView:
    """Give a held conversation to a colleague who is online now."""
    handoff = locked_for_handling(session, actor, session_id, "只有接待中的客服或主管可以转接")
    colleague = agent_store.get_agent_by_username(session, to_username)
    if colleague is None or not colleague.active:
        raise Conflict(f"没有客服 {to_username}")
    if not colleague.online or rules.is_offline(colleague.last_seen_at, now, timeout_seconds):
        raise Conflict(f"客服 {colleague.display_name} 不在线")
    if colleague.id == handoff.agent_id:
        raise Conflict("会话已由该客服接待")
    move(handoff, "active", now)
    previous = handoff.agent.username if handoff.agent else None
    handoff.agent_id = colleague.id
    store.add_event(
        session, handoff, now, "transfer", actor.username, {"from": previous, "to": to_username}
    )
    session.flush()
    session.refresh(handoff)
    return view(handoff)


def close(
    session: Session, actor: Actor, session_id: int, now: datetime, note: str | None = None
) -> HandoffView:
    """End the conversation; the caller then resumes the bot and marks it unpaused."""
    handoff = locked(session, actor, session_id)
    if not rules.can_close(actor, handoff.status, handoff.agent_id):
        raise Forbidden("只有接待中的客服或主管可以结束该会话")
    end(session, handoff, now, actor.username, note)
    return view(handoff)


def reveal(session: Session, actor: Actor, session_id: int, now: datetime) -> dict[str, str]:
    """The full phone and account numbers of a conversation the actor holds; the look is logged."""
    handoff = locked_for_handling(session, actor, session_id, "只有接待中的客服可以查看完整号码")
    summary = handoff.summary or {}
    numbers = {
        key: str(summary[key]) for key in ("phone", "account_no") if summary.get(key) is not None
    }
    store.add_event(session, handoff, now, "reveal", actor.username, {"fields": sorted(numbers)})
    return numbers
