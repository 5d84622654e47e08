"""Shared set-up for the service-standard tests: tickets with policy deadlines, fake senders.

Plain functions rather than fixtures, so each test says what it builds.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.notify.registry import SenderRegistry
from bot.notify.senders import RecordingSender, WaitForVisit
from bot.policy import Policy, load_policy
from bot.services.tickets import open_ticket
from bot.store.db import session_scope
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
