"""Console agents: accounts, the heartbeat that tells who is on duty, login sessions, and the
failed logins the console's throttle counts.

Passwords arrive here already hashed (`bot.console.auth.hash_password`), session ids and the
throttle's addresses and usernames as hashes too: the data layer never sees a clear-text secret.
Sessions and failures live here, not in a console process's memory, so that every console
process honours a logout and counts the same failures.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, text
from sqlalchemy.orm import Session

from bot.store.errors import InvalidInput
from bot.store.models import (
    AGENT_ROLES,
    Agent,
    ConsoleLoginFailure,
    ConsoleSession,
    require_aware,
)

# Names the PostgreSQL advisory lock that makes a throttle check and its count one step ("logi").
_LOGIN_LOCK_ID = 0x6C6F6769


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
    """Replace the agent's password hash and end their sessions: whoever had stolen a login
    loses it with the old password."""
    agent.password_hash = password_hash
    close_sessions_of(session, agent.id)
    session.flush()


def set_active(session: Session, agent: Agent, active: bool) -> None:
    """Enable or disable an agent's login; a disabled agent is also taken offline and their
    sessions end (enabling them again does not bring an old cookie back to life)."""
    agent.active = active
    if not active:
        agent.online = False
        close_sessions_of(session, agent.id)
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


# ---- login sessions ------------------------------------------------------------------------------


def open_session(session: Session, key: str, agent_id: int, now: datetime) -> None:
    """Record a new login of `agent_id` under `key` (the hash of its session id)."""
    now = require_aware(now, "now")
    session.add(ConsoleSession(key=key, agent_id=agent_id, created_at=now, last_seen_at=now))
    session.flush()


def session_agent(session: Session, key: str, now: datetime, idle_since: datetime) -> int | None:
    """The agent of the open session `key`, its use recorded now; `None` if it was closed or
    has not been used since `idle_since`."""
    row = session.get(ConsoleSession, key)
    if row is None or row.last_seen_at < require_aware(idle_since, "idle_since"):
        return None
    row.last_seen_at = require_aware(now, "now")
    session.flush()
    return int(row.agent_id)


def close_session(session: Session, key: str) -> None:
    """End one session (logout): its cookie is refused from now on."""
    session.execute(delete(ConsoleSession).where(ConsoleSession.key == key))


def close_sessions_of(session: Session, agent_id: int) -> None:
    """End every session of one agent."""
    session.execute(delete(ConsoleSession).where(ConsoleSession.agent_id == agent_id))


def forget_idle_sessions(session: Session, idle_since: datetime) -> None:
    """Delete the sessions nobody has used since `idle_since` (they are refused anyway)."""
    since = require_aware(idle_since, "idle_since")
    session.execute(delete(ConsoleSession).where(ConsoleSession.last_seen_at < since))


# ---- failed logins -------------------------------------------------------------------------------


def lock_logins(session: Session) -> None:
    """Make this transaction's throttle check and count one step for every console process.

    Without it, parallel tries could all pass the check before any of them is counted. SQLite
    needs nothing: its transactions start with `BEGIN IMMEDIATE` (`bot.store.db`) and so run one
    at a time already. On PostgreSQL a transaction-scoped advisory lock does it.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _LOGIN_LOCK_ID})


def record_login_failure(
    session: Session, address_key: str, username_key: str, now: datetime
) -> None:
    """Count one failed login from `address_key` for `username_key`."""
    session.add(
        ConsoleLoginFailure(
            address_key=address_key, username_key=username_key, at=require_aware(now, "now")
        )
    )
    session.flush()


def recent_login_failures(
    session: Session,
    since: datetime,
    limit: int,
    *,
    address_key: str | None = None,
    username_key: str | None = None,
) -> list[datetime]:
    """When the newest `limit` failures after `since` of one address or one username happened,
    newest first."""
    if (address_key is None) == (username_key is None):
        raise InvalidInput("give either an address_key or a username_key")
    if address_key is not None:
        same_key = ConsoleLoginFailure.address_key == address_key
    else:
        same_key = ConsoleLoginFailure.username_key == username_key
    query = (
        select(ConsoleLoginFailure.at)
        .where(same_key)
        .where(ConsoleLoginFailure.at > require_aware(since, "since"))
        .order_by(ConsoleLoginFailure.at.desc())
        .limit(limit)
    )
    return list(session.execute(query).scalars())


def clear_login_failures(session: Session, username_key: str) -> None:
    """Forget a username's failures once its agent logged in (a success resets the username's
    count); they stop counting against the addresses they came from too."""
    session.execute(
        delete(ConsoleLoginFailure).where(ConsoleLoginFailure.username_key == username_key)
    )


def forget_login_failures(session: Session, before: datetime) -> None:
    """Delete the failures that no window counts any more."""
    moment = require_aware(before, "before")
    session.execute(delete(ConsoleLoginFailure).where(ConsoleLoginFailure.at < moment))
