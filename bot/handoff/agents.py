"""Agents' presence: who is behind a login, who is online, and giving back an absent agent's work.

An agent who logs out or whose console stops polling (`requeue_offline`, run by the sweep) must
not keep conversations nobody answers: they go back to the queue with a fresh pick-up deadline.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from bot.handoff.rules import Actor
from bot.handoff.transitions import requeue
from bot.handoff.views import HandoffView, view
from bot.store import agents as agent_store
from bot.store import handoffs as store


def actor_of(session: Session, agent_id: int, now: datetime) -> Actor | None:
    """The agent behind a login cookie, with a heartbeat recorded; `None` once disabled."""
    agent = agent_store.get_agent(session, agent_id)
    if agent is None or not agent.active:
        return None
    agent_store.touch(session, agent, now)
    return Actor(agent.id, agent.username, agent.display_name, agent.role)


def colleagues(session: Session, actor: Actor, now: datetime, timeout_seconds: int) -> list[Actor]:
    """Agents online now, other than `actor`: who a conversation can be transferred to."""
    seen_since = now - timedelta(seconds=timeout_seconds)
    return [
        Actor(a.id, a.username, a.display_name, a.role)
        for a in agent_store.online_agents(session, seen_since)
        if a.id != actor.id
    ]


def sign_out(
    session: Session, actor: Actor, now: datetime, pickup_minutes: int
) -> list[HandoffView]:
    """The agent logs out: offline, and their conversations go back to the queue."""
    agent = agent_store.get_agent(session, actor.id)
    if agent is not None:
        agent_store.set_offline(session, agent)
    returned = []
    for handoff in store.active_sessions_of(session, actor.id):
        store.lock(session, handoff)
        requeue(session, handoff, now, pickup_minutes, actor.username, "logout")
        returned.append(view(handoff))
    return returned


def requeue_offline(
    session: Session, now: datetime, timeout_seconds: int, pickup_minutes: int
) -> list[HandoffView]:
    """Take agents without a heartbeat offline and put their conversations back in the queue."""
    returned: list[HandoffView] = []
    for agent in agent_store.stale_agents(session, now - timedelta(seconds=timeout_seconds)):
        agent_store.set_offline(session, agent)
        for handoff in store.active_sessions_of(session, agent.id):
            store.lock(session, handoff)
            if handoff.status == "active" and handoff.agent_id == agent.id:
                requeue(session, handoff, now, pickup_minutes, "console", "offline")
                returned.append(view(handoff))
    return returned
