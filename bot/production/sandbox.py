"""A throwaway production profile on free ports and its own databases and queue.

The end-to-end test and the production benchmark run it beside `make run-prod` without touching
its ports, databases or RabbitMQ queue, and drop all of them at the end.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import aio_pika
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bot.launcher import free_port, new_secret, start, stop
from bot.production import launcher, nginx
from bot.store.db import dispose_engines

#: A PostgreSQL URL of the server, as a user who may create and drop databases.
ADMIN_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
REST_TOKEN = "sandbox-rest-token"


def _free_ports(replicas: int) -> nginx.Ports:
    return nginx.Ports(
        public=free_port(),
        console=free_port(),
        actions=free_port(),
        rasa=tuple(free_port() for _ in range(replicas)),
        action_servers=(free_port(), free_port()),
        consoles=(free_port(), free_port()),
        scheduler=free_port(),
        consumer=free_port(),
    )


def _admin(sql: str) -> None:
    engine = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text(sql))
    finally:
        engine.dispose()


async def _connect(env: Mapping[str, str]) -> aio_pika.abc.AbstractConnection:
    return await aio_pika.connect(
        host=env["RABBITMQ_HOST"], login=env["RABBITMQ_USER"], password=env["RABBITMQ_PASSWORD"]
    )


async def _delete_broker_objects(env: Mapping[str, str]) -> None:
    connection = await _connect(env)
    try:
        channel = await connection.channel()
        await channel.queue_delete(env["RABBITMQ_QUEUE"])
        await channel.exchange_delete(env["RABBITMQ_EXCHANGE"])
    finally:
        await connection.close()


@contextmanager
def sandbox(
    model: Path,
    workdir: Path,
    replicas: int = 2,
    extra_env: Mapping[str, str] | None = None,
) -> Iterator[launcher.ProdStack]:
    """Start the profile with `replicas` Rasa servers; stop it and drop its data at the end.

    `extra_env` configures channels (their secrets and the stand-ins' base URLs)."""
    suffix = uuid.uuid4().hex[:10]
    admin = make_url(ADMIN_URL)
    names = (f"heating_sandbox_{suffix}", f"heating_sandbox_{suffix}_tracker")
    env = launcher.environment(
        {
            **os.environ,
            "DATABASE_URL": admin.set(database=names[0]).render_as_string(hide_password=False),
            "TRACKER_DB_HOST": admin.host or "127.0.0.1",
            "TRACKER_DB_PORT": str(admin.port or 5432),
            "TRACKER_DB_USER": admin.username or "postgres",
            "TRACKER_DB_PASSWORD": admin.password or "",
            "TRACKER_DB_NAME": names[1],
            "RABBITMQ_QUEUE": f"heating_sandbox_{suffix}",
            "RABBITMQ_EXCHANGE": f"heating_sandbox_{suffix}",
            "RASA_AUTH_TOKEN": new_secret(24),
            "REST_CHANNEL_TOKEN": REST_TOKEN,
            "CONSOLE_SECRET": secrets.token_urlsafe(32),
            "ACTION_SERVER_TOKEN": secrets.token_urlsafe(32),
            **(extra_env or {}),
        }
    )
    launcher.prepare(env)
    stack = launcher.prod_stack(model, workdir, _free_ports(replicas), env)
    try:
        start(stack.services, stack.env, timeout=300, together=True)
        yield stack
    finally:
        stop(stack.services)
        dispose_engines()
        for name in names:
            _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        asyncio.run(_delete_broker_objects(env))
