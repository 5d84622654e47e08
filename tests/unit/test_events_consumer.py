"""The broker consumer: Rasa's published events from a real RabbitMQ queue into
`conversation_events`, each once, acknowledged only after they are stored."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator

import aio_pika
import pytest
from sqlalchemy import func, select

from bot.events_consumer import consume
from bot.production.launcher import LOCAL_ENV
from bot.production.profile import read_env_file
from bot.store.conversation_events import row_of
from bot.store.db import session_scope
from bot.store.models import ConversationEvent

ENV = read_env_file(LOCAL_ENV)


@pytest.fixture
async def queue() -> AsyncIterator[str]:
    name = f"heating_test_{uuid.uuid4().hex[:8]}"
    try:
        connection = await aio_pika.connect(
            host=ENV["RABBITMQ_HOST"], login=ENV["RABBITMQ_USER"], password=ENV["RABBITMQ_PASSWORD"]
        )
    except (ConnectionError, OSError) as error:
        pytest.skip(f"RabbitMQ not reachable: {error}")
    channel = await connection.channel()
    await channel.declare_queue(name, durable=True)
    try:
        yield name
    finally:
        await channel.queue_delete(name)
        await connection.close()


async def _publish(queue: str, bodies: list[bytes]) -> None:
    connection = await aio_pika.connect(
        host=ENV["RABBITMQ_HOST"], login=ENV["RABBITMQ_USER"], password=ENV["RABBITMQ_PASSWORD"]
    )
    async with connection:
        channel = await connection.channel()
        for body in bodies:
            await channel.default_exchange.publish(aio_pika.Message(body), routing_key=queue)


def _event(sender: str, kind: str, at: float, **extra: object) -> bytes:
    return json.dumps({"sender_id": sender, "event": kind, "timestamp": at, **extra}).encode()


async def test_published_events_are_stored_once_and_the_queue_emptied(
    store_url: str, queue: str
) -> None:
    user = _event(
        "wechat:o1", "user", 1.5, text="暖气不热", parse_data={"intent": {"name": "report_fault"}}
    )
    bodies = [
        user,
        _event("wechat:o1", "action", 1.6, name="utter_ask_address"),
        _event("wechat:o1", "slot", 1.6, name="address", value="x"),  # not kept
        b"not json",
        user,  # delivered again
    ]
    await _publish(queue, bodies)
    env = {**ENV, "RABBITMQ_QUEUE": queue}
    assert await consume(env, store_url, once=True) == 3  # kept, the repeat skipped by the table
    with session_scope(store_url) as session:
        rows = session.execute(
            select(
                ConversationEvent.type_name,
                ConversationEvent.intent_name,
                ConversationEvent.action_name,
            ).order_by(ConversationEvent.timestamp)
        ).all()
    assert rows == [("user", "report_fault", None), ("action", None, "utter_ask_address")]
    # acknowledged: a second run finds nothing left
    assert await consume(env, store_url, once=True) == 0
    with session_scope(store_url) as session:
        assert session.execute(select(func.count(ConversationEvent.id))).scalar() == 2


def test_only_user_and_action_events_with_a_sender_and_a_time_are_kept() -> None:
    assert row_of({"event": "user", "sender_id": "s", "timestamp": 1}) is not None
    assert row_of({"event": "bot", "sender_id": "s", "timestamp": 1}) is None
    assert row_of({"event": "user", "timestamp": 1}) is None
    assert row_of({"event": "user", "sender_id": "s", "timestamp": "1"}) is None
