"""The production profile: every `${…}` substituted, a missing variable named, and the rendered
endpoints connecting Rasa's own stores to the real PostgreSQL, Redis and RabbitMQ."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

import aio_pika
import pytest
import yaml
from rasa.core.brokers.broker import EventBroker
from rasa.core.lock_store import LockStore, RedisLockStore
from rasa.core.tracker_store import TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import read_endpoint_config
from sqlalchemy.engine import make_url

from bot.config import PROJECT_ROOT, ConfigError
from bot.production.profile import read_env_file, render, substitute
from bot.rasa_runtime.tracker_store import CachingSQLTrackerStore

PROFILE = PROJECT_ROOT / "endpoints.production.yml"
LOCAL_ENV = read_env_file(PROJECT_ROOT / "deploy" / "local.env")
DOMAIN = Domain.from_yaml("version: '3.1'\nintents: [greet]\n")


def _environment(**overrides: str) -> dict[str, str]:
    return {
        **LOCAL_ENV,
        "ACTION_SERVER_URL": "http://127.0.0.1:5055/webhook",
        "ACTION_SERVER_TOKEN": "action-token",
        **overrides,
    }


def test_rasa_alone_leaves_a_quoted_variable_as_it_is_written(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Why the launcher renders the file: Rasa's loader expands only unquoted values."""
    monkeypatch.setenv("RABBITMQ_HOST", "rabbit.internal")
    broker = read_endpoint_config(str(PROFILE), "event_broker")
    assert broker is not None and broker.url == "${RABBITMQ_HOST}"


def test_every_variable_of_the_profiles_is_substituted(tmp_path: Path) -> None:
    environ = _environment(RABBITMQ_HOST="rabbit.internal", TRACKER_DB_PASSWORD="s3:cr#t ${x}")
    for name in ("endpoints.production.yml", "credentials.production.yml"):
        rendered = render(PROJECT_ROOT / name, tmp_path / name, environ).read_text("utf-8")
        assert "${" not in rendered.replace("${x}", "")
    endpoints = yaml.safe_load((tmp_path / "endpoints.production.yml").read_text("utf-8"))
    assert endpoints["event_broker"]["url"] == "rabbit.internal"
    # a password is kept verbatim (YAML-quoted as needed), never re-parsed or expanded again
    assert endpoints["tracker_store"]["password"] == "s3:cr#t ${x}"
    assert endpoints["tracker_store"]["port"] == "5432"
    assert endpoints["action_endpoint"]["headers"] == {"Authorization": "Bearer action-token"}
    assert (tmp_path / "endpoints.production.yml").stat().st_mode & 0o077 == 0


def test_a_missing_variable_is_named_with_the_file_at_start(tmp_path: Path) -> None:
    environ = _environment()
    del environ["RABBITMQ_HOST"], environ["REDIS_PORT"]
    with pytest.raises(ConfigError) as error:
        render(PROFILE, tmp_path / "endpoints.yml", environ)
    assert str(error.value) == (
        "endpoints.production.yml: missing environment variable(s): RABBITMQ_HOST, REDIS_PORT"
    )
    assert not (tmp_path / "endpoints.yml").exists()


def test_an_empty_value_counts_as_set_and_other_dollars_are_left_alone() -> None:
    assert substitute({"a": ["${A}x", "$B", 5]}, {"A": ""}) == {"a": ["x", "$B", 5]}


def test_the_env_file_reads_names_and_values_and_skips_comments(tmp_path: Path) -> None:
    path = tmp_path / "x.env"
    path.write_text("# comment\n\nA=1\nB=\nC=x=y\n", encoding="utf-8")
    assert read_env_file(path) == {"A": "1", "B": "", "C": "x=y"}


@pytest.mark.postgres
async def test_the_rendered_profile_connects_rasa_to_postgres_redis_and_rabbitmq(
    postgres_database: str, tmp_path: Path
) -> None:
    database = make_url(postgres_database)
    queue = f"heating_test_{uuid.uuid4().hex[:8]}"
    environ = _environment(
        TRACKER_DB_HOST=database.host or "127.0.0.1",
        TRACKER_DB_PORT=str(database.port or 5432),
        TRACKER_DB_NAME=database.database or "",
        TRACKER_DB_USER=database.username or "postgres",
        TRACKER_DB_PASSWORD=database.password or "",
        RABBITMQ_QUEUE=queue,
        RABBITMQ_EXCHANGE=queue,
    )
    endpoints = str(render(PROFILE, tmp_path / "endpoints.yml", environ))

    broker = await EventBroker.create(read_endpoint_config(endpoints, "event_broker"))
    store = TrackerStore.create(read_endpoint_config(endpoints, "tracker_store"), DOMAIN, broker)
    locks = LockStore.create(read_endpoint_config(endpoints, "lock_store"))
    assert isinstance(store, CachingSQLTrackerStore) and isinstance(locks, RedisLockStore)
    assert store.engine.dialect.name == "postgresql"
    connection = await aio_pika.connect_robust(
        host=environ["RABBITMQ_HOST"],
        login=environ["RABBITMQ_USER"],
        password=environ["RABBITMQ_PASSWORD"],
    )
    try:
        sender = f"profile-{uuid.uuid4().hex[:8]}"
        async with locks.lock(sender):
            assert locks.red.exists(f"lock:{sender}")  # held in Redis, seen by every replica
            tracker = DialogueStateTracker.from_events(
                sender,
                [SessionStarted(), UserUttered("你好", {"name": "greet"}), ActionExecuted("x")],
                DOMAIN.slots,
            )
            await store.save(tracker)
        assert not locks.red.exists(f"lock:{sender}")
        stored = await TrackerStore.create(
            read_endpoint_config(endpoints, "tracker_store"), DOMAIN
        ).retrieve(sender)
        assert stored is not None and len(stored.events) == 3

        channel = await connection.channel()
        declared = await channel.declare_queue(queue, durable=True, passive=True)
        published: list[str] = []
        for _ in range(50):  # the broker publishes from its own task
            message = await declared.get(no_ack=True, fail=False)
            if message is None:
                await asyncio.sleep(0.1)
                continue
            published.append(yaml.safe_load(message.body)["sender_id"])
            if len(published) == 3:
                break
        assert published == [sender] * 3
    finally:
        await broker.close()
        channel = await connection.channel()
        await channel.queue_delete(queue)
        await channel.exchange_delete(queue)
        await connection.close()
