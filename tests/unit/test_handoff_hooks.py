"""The hand-off core's event hook: listeners hear every change, and the call-centre webhook is only
one of them (unsubscribed, no outbox row is written at all)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

import bot.handoff
from bot.handoff import callcentre, hooks, moves, queue, timeouts, webhook
from bot.handoff.hooks import Change
from bot.handoff.queue import HandoffRequest
from bot.handoff.rules import Actor
from bot.policy import load_policy
from bot.store import agents as agent_store
from bot.store.models import WebhookDelivery

POLICY = load_policy("beijing")
TIMEOUT = 60
LINES = [{"who": "user", "text": "转人工", "at": None}]


def _agent(session: Session, now: datetime) -> Actor:
    agent = agent_store.add_agent(session, "wang", "王", "agent", "hash", now)
    agent_store.touch(session, agent, now)
    return Actor(agent.id, agent.username, agent.display_name, agent.role)


def _enqueue(session: Session, now: datetime, sender: str, targets: tuple[str, ...]) -> int:
    request = HandoffRequest("socketio", sender, "request_human", {"phone": "13812345678"}, LINES)
    queued = queue.enqueue(session, POLICY, request, targets, now, TIMEOUT)
    assert queued is not None
    return queued.session.id


@pytest.fixture
def heard() -> Iterator[list[Change]]:
    """Every change announced while the test runs."""
    changes: list[Change] = []

    def listen(session: Session, change: Change) -> None:
        changes.append(change)

    hooks.subscribe(listen)
    try:
        yield changes
    finally:
        hooks.unsubscribe(listen)


@pytest.fixture
def without_webhook() -> Iterator[None]:
    """The call-centre webhook unsubscribed for the test, subscribed again after it."""
    hooks.unsubscribe(webhook.record_change)
    try:
        yield
    finally:
        hooks.subscribe(webhook.record_change)


def test_a_listener_hears_each_change_with_the_state_after_it(
    session: Session, now: datetime, heard: list[Change]
) -> None:
    wang = _agent(session, now)
    first = _enqueue(session, now, "u1", ("console",))
    moves.pick(session, wang, first, now)
    moves.close(session, wang, first, now + timedelta(minutes=3))
    second = _enqueue(session, now, "u2", ("console", "webhook"))
    callcentre.external_event(session, second, "close", "张工", "crm-1", now)
    third = _enqueue(session, now, "u3", ("console",))
    late = now + timedelta(minutes=POLICY.handoff.pickup_minutes + 1)
    timeouts.time_out(session, POLICY, third, LINES, late)

    assert [(c.kind, c.session.id) for c in heard] == [
        ("opened", first),
        ("picked", first),
        ("closed", first),
        ("opened", second),
        ("closed", second),
        ("opened", third),
        ("timed_out", third),
    ]
    opened, picked, closed = heard[:3]
    assert opened.session.status == "queued" and opened.transcript == LINES
    assert (picked.session.status, picked.session.holder, picked.transcript) == ("active", "王", [])
    assert closed.session.status == "closed" and closed.at == now + timedelta(minutes=3)
    timed_out = heard[-1]
    assert timed_out.session.callback_ticket_no and timed_out.transcript == LINES


def test_a_listener_is_called_once_however_often_it_subscribes(
    session: Session, now: datetime, heard: list[Change]
) -> None:
    hooks.subscribe(webhook.record_change)  # already subscribed by the package
    _agent(session, now)
    _enqueue(session, now, "u1", ("webhook",))
    assert len(heard) == 1
    assert session.query(WebhookDelivery).count() == 1


def test_without_the_webhook_listener_no_outbox_row_is_written(
    session: Session, now: datetime, heard: list[Change], without_webhook: None
) -> None:
    wang = _agent(session, now)
    handoff = _enqueue(session, now, "u1", ("console", "webhook"))
    moves.pick(session, wang, handoff, now)
    moves.close(session, wang, handoff, now)
    assert [c.kind for c in heard] == ["opened", "picked", "closed"]  # the core still announced
    assert session.query(WebhookDelivery).count() == 0


def test_the_webhook_listener_writes_only_webhook_conversations(
    session: Session, now: datetime
) -> None:
    wang = _agent(session, now)
    console_only = _enqueue(session, now, "u1", ("console",))
    moves.pick(session, wang, console_only, now)
    both = _enqueue(session, now, "u2", ("console", "webhook"))
    rows = session.query(WebhookDelivery).all()
    assert [(d.session_id, d.event) for d in rows] == [(both, "handoff.opened")]
    assert rows[0].body["transcript"] == LINES and rows[0].body["collected"]["phone"]


def test_no_core_module_imports_the_webhook() -> None:
    """Only the package's wiring knows the webhook; the core announces to whoever listens."""
    folder = Path(bot.handoff.__file__).parent
    for path in folder.glob("*.py"):
        if path.name in ("__init__.py", "webhook.py", "jobs.py"):
            continue  # the wiring, the webhook itself, and the timer job that posts its outbox
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                names = {node.module, *(f"{node.module}.{a.name}" for a in node.names)}
                assert "bot.handoff.webhook" not in names, path.name
