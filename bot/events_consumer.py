"""`python -m bot events consume`: Rasa's events from RabbitMQ into the `conversation_events` table.

Every Rasa replica publishes each stored turn's events to the fanout exchange its pika broker
declares, and the queue `RABBITMQ_QUEUE` (endpoints.production.yml) keeps them until this consumer
takes them. It writes a batch in one transaction and acknowledges the batch only after the commit,
so a consumer that dies loses nothing (the broker redelivers, and the table skips what it has).
Several consumers may share the queue. `--once` takes what is waiting and exits (a test, cron).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import signal

import aio_pika
from aio_pika.abc import AbstractIncomingMessage

from bot.config import ConfigError, settings
from bot.store import conversation_events
from bot.store.db import ensure_schema, session_scope

logger = logging.getLogger("bot.events")

BATCH = 200
#: How long a batch waits to fill before it is written anyway (seconds).
FLUSH_AFTER = 1.0


def _write(bodies: list[bytes], database_url: str) -> int:
    events = []
    for body in bodies:
        try:
            events.append(json.loads(body))
        except ValueError:
            logger.warning("event that is not JSON skipped (%d bytes)", len(body))
    with session_scope(database_url) as session:
        return conversation_events.record(session, events)


async def consume(
    env: dict[str, str], database_url: str, once: bool, stop: asyncio.Event | None = None
) -> int:
    """Write events from the queue until `stop` (or, with `once`, until the queue is empty);
    how many events were kept."""
    missing = [n for n in ("RABBITMQ_HOST", "RABBITMQ_USER", "RABBITMQ_QUEUE") if n not in env]
    if missing:
        raise ConfigError(f"missing environment variable(s): {', '.join(missing)}")
    connection = await aio_pika.connect_robust(
        host=env["RABBITMQ_HOST"],
        login=env["RABBITMQ_USER"],
        password=env.get("RABBITMQ_PASSWORD", ""),
    )
    stop = stop or asyncio.Event()
    kept = 0
    try:
        channel = await connection.channel()
        await channel.set_qos(prefetch_count=BATCH)
        queue = await channel.declare_queue(env["RABBITMQ_QUEUE"], durable=True)
        while not stop.is_set():
            batch: list[AbstractIncomingMessage] = []
            waited = 0.0
            while len(batch) < BATCH and waited < FLUSH_AFTER and not stop.is_set():
                message = await queue.get(no_ack=False, fail=False)
                if message is None:
                    if once:
                        break
                    await asyncio.sleep(0.1)
                    waited += 0.1
                    continue
                batch.append(message)
            if batch:
                kept += await asyncio.to_thread(_write, [m.body for m in batch], database_url)
                await batch[-1].ack(multiple=True)  # after the commit: nothing is lost
            elif once:
                break
    finally:
        await connection.close()
    return kept


def register(subparsers: argparse._SubParsersAction) -> None:
    """`events consume [--once]`."""
    parser = subparsers.add_parser("events", help="Rasa's events from RabbitMQ")
    commands = parser.add_subparsers(dest="events_command", required=True, metavar="ACTION")
    consumer = commands.add_parser(
        "consume", help="write them to the conversation_events table (the quality report's)"
    )
    consumer.add_argument("--once", action="store_true", help="take what waits, then exit")
    consumer.set_defaults(handler=_consume_command)


def _consume_command(args: argparse.Namespace) -> int:
    logging.basicConfig(
        level=settings().log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    ensure_schema()

    async def run() -> int:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        return await consume(dict(os.environ), settings().database_url, args.once, stop)

    kept = asyncio.run(run())
    print(f"conversation events written: {kept}")
    return 0
