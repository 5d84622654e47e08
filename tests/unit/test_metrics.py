"""Prometheus metrics: what the tracker store counts per turn, what the scheduler counts, and
their endpoints."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from pathlib import Path

from prometheus_client import REGISTRY
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from service_helpers import beijing, fakes, new_ticket, sessions_on
from sqlalchemy.orm import Session

from bot.notify.senders import RecordingSender
from bot.rasa_runtime.tracker_store import CachingSQLTrackerStore
from bot.scheduler import Scheduler, serve_health

DOMAIN = Domain.from_yaml("version: '3.1'\nintents: [greet]\n")


def _value(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


async def test_each_user_message_is_counted_once_with_its_turns_time(tmp_path: Path) -> None:
    store = CachingSQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=str(tmp_path / "t.db"))
    before = _value("heating_messages_total", channel="metrics-test")
    timed = _value("heating_turn_seconds_count", channel="metrics-test")
    seconds = _value("heating_turn_seconds_sum", channel="metrics-test")
    message = UserUttered("你好", {"name": "greet"}, input_channel="metrics-test")
    message.timestamp -= 1.5  # the message arrived 1.5 s before its turn is stored
    tracker = DialogueStateTracker.from_events("m1", [SessionStarted(), message], DOMAIN.slots)
    await store.save(tracker)
    tracker.update(ActionExecuted("action_listen"))
    await store.save(tracker)  # Rasa saves a turn more than once
    assert _value("heating_messages_total", channel="metrics-test") == before + 1
    assert _value("heating_turn_seconds_count", channel="metrics-test") == timed + 1
    waited = _value("heating_turn_seconds_sum", channel="metrics-test") - seconds
    assert 1.5 <= waited < 10


async def test_the_scheduler_counts_rounds_and_notices_and_serves_them(
    session: Session, store_url: str, now: datetime
) -> None:
    new_ticket(session, now - timedelta(hours=2), sender="openid-m", fault_type="no_heat")
    session.commit()
    sent_before = _value("heating_notices_sent_total", channel="wechat")
    rounds_before = _value("heating_scheduler_rounds_total", role="leader")
    scheduler = Scheduler(
        beijing(), fakes(wechat=RecordingSender()), sessions_on(store_url), lambda: now
    )
    await scheduler.tick()
    assert _value("heating_notices_sent_total", channel="wechat") == sent_before + 1
    assert _value("heating_scheduler_rounds_total", role="leader") == rounds_before + 1

    server = await serve_health(scheduler, 30, 0)
    port = server.sockets[0].getsockname()[1]
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
        answer = (await reader.read()).decode()
        writer.close()
    finally:
        server.close()
        await server.wait_closed()
    assert answer.startswith("HTTP/1.1 200 OK") and "text/plain" in answer
    assert 'heating_notices_sent_total{channel="wechat"}' in answer
