"""Shared set-up for the service-standard tests: tickets with policy deadlines, fake senders, a
database in use for the migrations that change `tickets`.

Plain functions rather than fixtures, so each test says what it builds.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any

from alembic import command
from sqlalchemy import text
from sqlalchemy.orm import Session

from bot.notify.registry import SenderRegistry
from bot.notify.senders import RecordingSender, WaitForVisit
from bot.policy import Policy, load_policy
from bot.services.tickets import open_ticket
from bot.store.db import alembic_config, ensure_schema, get_engine, session_scope
from bot.store.models import Ticket
from bot.store.tickets import TicketDraft, change_status, get_ticket


def beijing() -> Policy:
    """The shipped Beijing policy, read fresh."""
    return load_policy("beijing", fresh=True)


def new_ticket(
    session: Session,
    created_at: datetime,
    kind: str = "BX",
    channel: str = "wechat",
    sender: str = "openid-1",
    policy: Policy | None = None,
    **fields: Any,
) -> Ticket:
    """A ticket opened at `created_at` with the policy's due times (as a conversation opens it)."""
    draft = TicketDraft(kind=kind, channel=channel, sender_id=sender, **fields)
    view = open_ticket(session, policy or beijing(), draft, created_at)
    ticket = get_ticket(session, view.ticket_no)
    assert ticket is not None
    return ticket


def move(session: Session, ticket: Ticket, at: datetime, *statuses: str) -> Ticket:
    """Walk the ticket through `statuses` at `at` (as an agent would)."""
    for status in statuses:
        change_status(session, ticket, status, at, "agent:7")
    return ticket


def fakes(**senders: RecordingSender) -> SenderRegistry:
    """A registry of recording senders by channel, plus the web channels waiting for a visit."""
    registry = SenderRegistry()
    registry.register("socketio", WaitForVisit())
    registry.register("rest", WaitForVisit())
    for channel, sender in senders.items():
        registry.register(channel, sender)
    return registry


def sessions_on(url: str) -> Callable[[], AbstractContextManager[Session]]:
    """A session factory on `url`, as the scheduler uses."""
    return lambda: session_scope(url)


class RecordedJobs:
    """Stands in for the hand-off's jobs (`bot.handoff.jobs.HandoffJobs`) in the scheduler:
    each run is recorded by job name, and the job named `broken` always fails."""

    def __init__(self, names: tuple[str, ...] = ("offline agents", "resumes")) -> None:
        self.names = names
        self.runs: list[tuple[str, datetime]] = []

    def named(self) -> list[tuple[str, Callable[[datetime], Awaitable[None]]]]:
        """The jobs, as `HandoffJobs.named` gives them."""
        return [(name, functools.partial(self._run, name)) for name in self.names]

    async def _run(self, name: str, now: datetime) -> None:
        self.runs.append((name, now))
        if name == "broken":
            raise RuntimeError("Rasa hiccup")
#: A ticket row as a migration test writes it, with `:no` and `:kind` to fill in.
INSERT_TICKET = (
    "INSERT INTO tickets (ticket_no, kind, status, channel, sender_id, urgent, created_at, "
    "updated_at) VALUES (:no, :kind, 'new', 'rest', 'rest:me', false, "
    "'2026-11-27 12:00:00+00:00', '2026-11-27 12:00:00+00:00')"
)


def upgrade_with_a_ticket(url: str, revision: str) -> None:
    """The schema at `revision` holding a BX ticket with its history, then the newest schema:
    what a migration that changes `tickets` meets in a database in use (on SQLite a table copy
    would be refused by ticket_events' foreign key)."""
    with get_engine(url).begin() as connection:
        command.upgrade(alembic_config(connection), revision)
        connection.execute(text(INSERT_TICKET), {"no": "BX202611270001", "kind": "BX"})
        connection.execute(
            text(
                "INSERT INTO ticket_events (ticket_id, at, kind, actor) "
                "SELECT id, '2026-11-27 12:00:00+00:00', 'created', 'bot' FROM tickets"
            )
        )
    ensure_schema(url)
