"""`python -m bot events consume`: Rasa's events from RabbitMQ into the `conversation_events` table.

Every Rasa replica publishes each stored turn's events to the fanout exchange its pika broker
declares, and the queue `RABBITMQ_QUEUE` (endpoints.production.yml) keeps them until this consumer
takes them. It writes a batch in one transaction and acknowledges the batch only after the commit,
so a consumer that dies loses nothing (the broker redelivers, and the table skips what it has).
Several consumers may share the queue. `--once` takes what is waiting and exits (a test, cron).
`GET /health` on `--health-port` answers 200 while it is connected and polling (bot.probes).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import signal
import time
from dataclasses import dataclass

import aio_pika
from aio_pika.abc import AbstractIncomingMessage

from bot import metrics
from bot.config import ConfigError, settings
from bot.probes import serve_probes
from bot.store import conversation_events
from bot.store.db import ensure_schema, session_scope

logger = logging.getLogger("bot.events")

BATCH = 200
#: How long a batch waits to fill before it is written anyway (seconds).
FLUSH_AFTER = 1.0
#: Unhealthy when the queue was last polled longer ago than this (seconds).
STALE_AFTER = 60.0
DEFAULT_HEALTH_PORT = 5057


@dataclass
class Progress:
    """What the health answer reports: when the queue was last polled, and events stored."""

    polled_at: float | None = None
    kept: int = 0

    def health(self) -> tuple[int, dict[str, object]]:
        """200 while the consumer keeps polling the queue, 503 before it connects or if stuck."""
        healthy = self.polled_at is not None and time.monotonic() - self.polled_at < STALE_AFTER
        return (200 if healthy else 503), {
            "status": "ok" if healthy else "unavailable",
            "kept": self.kept,
        }


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
    env: dict[str, str],
    database_url: str,
    once: bool,
    stop: asyncio.Event | None = None,
    progress: Progress | None = None,
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
    progress = progress or Progress()
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
                progress.polled_at = time.monotonic()
                if message is None:
                    if once:
                        break
                    await asyncio.sleep(0.1)
                    waited += 0.1
                    continue
                batch.append(message)
            if batch:
                written = await asyncio.to_thread(_write, [m.body for m in batch], database_url)
                await batch[-1].ack(multiple=True)  # after the commit: nothing is lost
                kept += written
                progress.kept += written
                metrics.EVENTS_CONSUMED.inc(written)
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
    consumer.add_argument(
        "--health-port",
        type=int,
        default=DEFAULT_HEALTH_PORT,
        help=f"port of GET /health and /metrics ({DEFAULT_HEALTH_PORT}; 0: none)",
    )
    consumer.add_argument(
        "--health-host", default="127.0.0.1", help="address they listen on (127.0.0.1)"
    )
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
        progress = Progress()
        server = (
            await serve_probes(progress.health, args.health_port, args.health_host)
            if args.health_port
            else None
        )
        try:
            return await consume(
                dict(os.environ), settings().database_url, args.once, stop, progress
            )
        finally:
            if server is not None:
                server.close()
                await server.wait_closed()

    kept = asyncio.run(run())
    print(f"conversation events written: {kept}")
    return 0
