"""The caching tracker store on several Rasa replicas sharing one PostgreSQL database: a replica
never serves its cached tracker once another has written to the conversation."""

from __future__ import annotations

import asyncio
import threading
import uuid
from typing import Any

import pytest
import sqlalchemy as sa
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.engine import make_url

from bot.rasa_runtime.tracker_store import CachingSQLTrackerStore

pytestmark = pytest.mark.postgres
DOMAIN = Domain.from_yaml("version: '3.1'\nintents: [greet]\n")


def _replica(database_url: str) -> CachingSQLTrackerStore:
    url = make_url(database_url)
    return CachingSQLTrackerStore(
        domain=DOMAIN,
        dialect="postgresql",
        host=url.host,
        port=url.port,
        db=url.database,
        username=url.username,
        password=url.password,
    )


def _texts(tracker: DialogueStateTracker | None) -> list[str]:
    assert tracker is not None
    return [e.text for e in tracker.events if isinstance(e, UserUttered) and e.text]


async def _turn(store: CachingSQLTrackerStore, sender: str, text: str) -> DialogueStateTracker:
    tracker = await store.retrieve(sender)
    if tracker is None:
        tracker = DialogueStateTracker.from_events(sender, [SessionStarted()], DOMAIN.slots)
    tracker.update(UserUttered(text, {"name": "greet"}))
    tracker.update(ActionExecuted("action_listen"))
    await store.save(tracker)
    return tracker


async def test_turns_alternating_between_replicas_always_see_every_earlier_turn(
    postgres_database: str,
) -> None:
    replicas = [_replica(postgres_database), _replica(postgres_database)]
    sender = f"alt-{uuid.uuid4().hex[:8]}"
    said: list[str] = []
    for turn, store in enumerate([*replicas, *replicas, replicas[0], replicas[0]]):
        said.append(f"第{turn}句")
        tracker = await _turn(store, sender, said[-1])
        assert _texts(tracker) == said
    # the last two turns on one replica: the second was served from its memory
    assert replicas[0]._cache[sender][2] is tracker


async def test_a_write_by_another_replica_during_a_save_is_not_taken_for_this_replicas_own(
    postgres_database: str,
) -> None:
    """Replica B saves the same conversation while replica A is inside its save (a turn that
    outlived its conversation lock): A must not cache its tracker as the database's latest."""
    a, b = _replica(postgres_database), _replica(postgres_database)
    sender = f"race-{uuid.uuid4().hex[:8]}"
    await _turn(b, sender, "你好")
    theirs = await b.retrieve(sender)  # from B's memory: B knows what it stored
    ours = await a.retrieve(sender)
    assert theirs is not None and ours is not None and theirs is not ours
    theirs.update(UserUttered("B的消息", {"name": "greet"}))
    ours.update(UserUttered("A的消息", {"name": "greet"}))
    other = threading.Thread(target=lambda: asyncio.run(b.save(theirs)))

    def b_saves_now(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.startswith("INSERT INTO events") and not other.is_alive():
            other.start()
            other.join(timeout=1.0)  # done by now unless it waits for A's commit

    sa.event.listen(a.engine, "after_cursor_execute", b_saves_now)
    try:
        await a.save(ours)
    finally:
        sa.event.remove(a.engine, "after_cursor_execute", b_saves_now)
        other.join(timeout=30)
    assert not other.is_alive()
    reread = await a.retrieve(sender)
    assert reread is not ours
    assert sorted(_texts(reread)) == sorted(["你好", "A的消息", "B的消息"])
