"""The call centre's moves on a conversation sent to the `webhook` target: pick up, reply, close.

`bot.handoff.webhook` checks an inbound event's signature and fields; these apply it to the
session under the row lock, the same moves an agent makes in the console. A conversation one of
our own agents holds stays theirs.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.handoff.rules import Conflict, NotFound
from bot.handoff.transitions import end, move
from bot.handoff.views import HandoffView, view
from bot.store import handoffs as store
from bot.store.models import HandoffSession


def external_seen(session: Session, external_id: str) -> bool:
    """Whether the call centre's event with this id was already acted on."""
    return store.external_event_seen(session, external_id)


def _refuse_if_held_locally(handoff: HandoffSession) -> None:
    """A conversation one of our own agents holds is theirs: the call centre may not reply to it
    nor close it (checked before anything reaches the user)."""
    if handoff.status == "active" and handoff.agent_id is not None:
        raise Conflict(f"会话 {handoff.id} 由本地客服接待中")


def external_target(session: Session, session_id: int) -> HandoffView:
    """The conversation a call-centre event names, if the call centre may act on it."""
    handoff = store.get_session(session, session_id)
    if handoff is None or "webhook" not in handoff.targets.split(","):
        raise NotFound(f"会话 {session_id} 不存在")
    if handoff.status not in store.OPEN_STATUSES:
        raise Conflict(f"会话 {session_id} 已结束")
    _refuse_if_held_locally(handoff)
    return view(handoff)


def external_event(
    session: Session,
    session_id: int,
    kind: str,
    agent_name: str,
    external_id: str,
    now: datetime,
) -> HandoffView:
    """Apply a call-centre event (pickup, reply, close) and log it under its id.

    A reply to a queued conversation picks it up first: the call centre answered, so it holds it.
    """
    handoff = store.get_session(session, session_id)
    if handoff is None or "webhook" not in handoff.targets.split(","):
        raise NotFound(f"会话 {session_id} 不存在")
    store.lock(session, handoff)
    _refuse_if_held_locally(handoff)
    actor = f"webhook:{agent_name}"
    if kind in ("pickup", "reply") and handoff.status == "queued":
        move(handoff, "active", now)
        handoff.agent_id, handoff.external_agent, handoff.picked_at = None, agent_name, now
    if kind == "close":
        end(session, handoff, now, actor, None)
    elif handoff.status != "active":
        raise Conflict(f"会话 {session_id} 已结束")
    store.add_event(session, handoff, now, kind, actor, None, external_id=external_id)
    session.flush()
    session.refresh(handoff)
    return view(handoff)
