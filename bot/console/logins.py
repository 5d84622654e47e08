"""Logins in the database: the sessions an agent can end, and the failed-login throttle.

Both are kept in the store, not in a console process's memory, so several console processes
behind one address honour the same logout and count the same failures. A login takes two short
transactions around the password check (`begin_login`, then `finish_login` if it matched): scrypt
runs outside them, so 50 ms of hashing never holds SQLite's write lock. The try is counted as a
failure in the first transaction, before the password is checked, and the check and the count are
one step for every process (`agent_store.lock_logins`): parallel guesses cannot all slip in
before any of them is counted. A match forgets that username's failures again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from bot.console.auth import retry_after
from bot.console.config import LoginLimits
from bot.handoff import agents
from bot.handoff.rules import Actor
from bot.handoff.views import HandoffView
from bot.store import agents as agent_store


@dataclass(frozen=True)
class LoginAttempt:
    """What the first step of a login found.

    `wait_seconds`: over a limit, how long until the next try (the password is not checked then).
    `password_hash`: what to check the password against, `None` for an unknown username.
    `agent_id`: who logs in if it matches, `None` when nobody may (unknown or disabled).
    """

    wait_seconds: int
    password_hash: str | None = None
    agent_id: int | None = None


def begin_login(
    session: Session,
    address_key: str,
    username_key: str,
    username: str,
    limits: LoginLimits,
    now: datetime,
) -> LoginAttempt:
    """Refuse a try over the limits, else count it as failed until its password matches."""
    agent_store.lock_logins(session)
    since = now - timedelta(seconds=limits.window_seconds)
    agent_store.forget_login_failures(session, since)
    wait = max(
        retry_after(
            agent_store.recent_login_failures(
                session, since, limits.failures_per_address, address_key=address_key
            ),
            limits.failures_per_address,
            limits.window_seconds,
            now,
        ),
        retry_after(
            agent_store.recent_login_failures(
                session, since, limits.failures_per_username, username_key=username_key
            ),
            limits.failures_per_username,
            limits.window_seconds,
            now,
        ),
    )
    if wait:
        return LoginAttempt(wait)
    agent_store.record_login_failure(session, address_key, username_key, now)
    agent = agent_store.get_agent_by_username(session, username)
    if agent is None:
        return LoginAttempt(0)
    return LoginAttempt(0, agent.password_hash, agent.id if agent.active else None)


def finish_login(
    session: Session,
    agent_id: int,
    session_key: str,
    username_key: str,
    limits: LoginLimits,
    now: datetime,
) -> Actor | None:
    """The password matched: open the session `session_key` (`None` if the agent was disabled
    meanwhile), forget the username's failures and the sessions idle too long."""
    actor = agents.actor_of(session, agent_id, now)
    if actor is None:
        return None
    agent_store.clear_login_failures(session, username_key)
    agent_store.forget_idle_sessions(session, now - timedelta(seconds=limits.session_idle_seconds))
    agent_store.open_session(session, session_key, agent_id, now)
    return actor


def session_actor(
    session: Session, session_key: str, limits: LoginLimits, now: datetime
) -> Actor | None:
    """The agent of an open session, with a heartbeat recorded; `None` if the session was ended
    (logout, new password, disabled agent) or idle too long."""
    idle_since = now - timedelta(seconds=limits.session_idle_seconds)
    agent_id = agent_store.session_agent(session, session_key, now, idle_since)
    return None if agent_id is None else agents.actor_of(session, agent_id, now)


def end_session(
    session: Session, session_key: str, actor: Actor, now: datetime, pickup_minutes: int
) -> list[HandoffView]:
    """Logout: the session ends for every console process, the agent goes offline, and their
    conversations go back to the queue (returned, so their users can be told)."""
    agent_store.close_session(session, session_key)
    return agents.sign_out(session, actor, now, pickup_minutes)
