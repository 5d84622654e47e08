"""Console agents: accounts, and the heartbeat that tells who is on duty.

Passwords arrive here already hashed (`bot.console.auth.hash_password`): the data layer never
sees a clear-text password.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.store.errors import InvalidInput
from bot.store.models import AGENT_ROLES, Agent, require_aware


def add_agent(
    session: Session,
    username: str,
    display_name: str,
    role: str,
    password_hash: str,
    now: datetime,
) -> Agent:
    """Create an agent; a taken username or an unknown role raises `InvalidInput`."""
    if role not in AGENT_ROLES:
        raise InvalidInput(f"unknown role {role!r}; expected one of {AGENT_ROLES}")
    if get_agent_by_username(session, username) is not None:
        raise InvalidInput(f"an agent named {username!r} exists already")
    agent = Agent(
        username=username,
        display_name=display_name,
        role=role,
        password_hash=password_hash,
        active=True,
        online=False,
        created_at=require_aware(now, "now"),
    )
    session.add(agent)
    session.flush()
    return agent


def get_agent(session: Session, agent_id: int) -> Agent | None:
    """The agent with this id, if any."""
    return session.get(Agent, agent_id)


def get_agent_by_username(session: Session, username: str) -> Agent | None:
    """The agent who logs in with `username`, if any."""
    agent: Agent | None = session.execute(
        select(Agent).where(Agent.username == username)
    ).scalar_one_or_none()
    return agent


def list_agents(session: Session) -> list[Agent]:
    """Every agent, by username."""
    return list(session.execute(select(Agent).order_by(Agent.username)).scalars())


def set_password(session: Session, agent: Agent, password_hash: str) -> None:
    """Replace the agent's password hash."""
    agent.password_hash = password_hash
    session.flush()


def set_active(session: Session, agent: Agent, active: bool) -> None:
    """Enable or disable an agent's login; a disabled agent is also taken offline."""
    agent.active = active
    if not active:
        agent.online = False
    session.flush()


def touch(session: Session, agent: Agent, now: datetime) -> None:
    """Record a heartbeat: the agent's console page is open and polling now."""
    agent.online = True
    agent.last_seen_at = require_aware(now, "now")
    session.flush()


def set_offline(session: Session, agent: Agent) -> None:
    """The agent logged out or stopped answering heartbeats."""
    agent.online = False
    session.flush()


def online_agents(session: Session, seen_since: datetime) -> list[Agent]:
    """Active agents marked online whose last heartbeat is not older than `seen_since`."""
    query = select(Agent).where(
        Agent.active.is_(True),
        Agent.online.is_(True),
        Agent.last_seen_at >= require_aware(seen_since, "seen_since"),
    )
    return list(session.execute(query.order_by(Agent.username)).scalars())


def stale_agents(session: Session, seen_before: datetime) -> list[Agent]:
    """Agents still marked online whose last heartbeat is older than `seen_before`."""
    query = select(Agent).where(
        Agent.online.is_(True),
        (Agent.last_seen_at.is_(None)) | (Agent.last_seen_at < require_aware(seen_before, "x")),
    )
    return list(session.execute(query).scalars())
