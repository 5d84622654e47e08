"""The caching SQL tracker store: same answers as Rasa's, without re-reading unchanged trackers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, Event, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.pool import QueuePool

from bot.rasa_runtime.tracker_store import CachingSQLTrackerStore

DOMAIN = Domain.from_yaml("version: '3.1'\nintents: [greet]\n")


def _store(path: Path, cache_size: int = 500) -> CachingSQLTrackerStore:
    return CachingSQLTrackerStore(
        domain=DOMAIN, dialect="sqlite", db=str(path / "tracker.db"), cache_size=cache_size
    )


def _tracker(sender: str, *texts: str) -> DialogueStateTracker:
    """A conversation as the database gives it back: from `session_started` on."""
    events: list[Event] = [SessionStarted()]
    for text in texts:
        events += [UserUttered(text, {"name": "greet"}), ActionExecuted("action_listen")]
    return DialogueStateTracker.from_events(sender, events, DOMAIN.slots)


async def test_an_unchanged_conversation_is_served_from_memory(tmp_path: Path) -> None:
    store = _store(tmp_path)
    tracker = _tracker("u1", "你好", "在吗")
    await store.save(tracker)
    assert await store.retrieve("u1") is tracker
    fresh = await _store(tmp_path, cache_size=0).retrieve("u1")
    assert fresh is not None and len(fresh.events) == len(tracker.events)


async def test_a_conversation_written_elsewhere_is_read_from_the_database(tmp_path: Path) -> None:
    ours, other_process = _store(tmp_path), _store(tmp_path)
    tracker = _tracker("u2", "你好")
    await ours.save(tracker)
    theirs = await other_process.retrieve("u2")
    assert theirs is not None and theirs is not tracker
    theirs.update(UserUttered("暖气不热", {"name": "greet"}))
    await other_process.save(theirs)
    again = await ours.retrieve("u2")
    assert again is not tracker and again is not None
    assert again.latest_message is not None and again.latest_message.text == "暖气不热"


async def test_a_turn_that_never_saved_is_not_served_again(tmp_path: Path) -> None:
    store = _store(tmp_path)
    await store.save(_tracker("u3", "你好"))
    handed_out = await store.retrieve("u3")
    assert handed_out is not None
    handed_out.update(UserUttered("这句没有保存", {"name": "greet"}))  # the turn then fails
    again = await store.retrieve("u3")
    assert again is not handed_out and again is not None
    assert again.latest_message is not None and again.latest_message.text == "你好"


@pytest.mark.parametrize("new_session", [False, True])
async def test_a_tracker_changed_after_a_save_of_a_failed_turn_is_not_served(
    tmp_path: Path, new_session: bool
) -> None:
    """Rasa saves some turns twice (a new conversation, a new session); a turn that fails
    between the two leaves events in memory that the database does not hold."""
    store = _store(tmp_path)
    tracker = _tracker("u6", "你好")
    if new_session:
        tracker = DialogueStateTracker.from_events(
            "u6",
            [
                ActionExecuted("action_session_start", timestamp=tracker.events[0].timestamp - 1),
                *tracker.events,
            ],
            DOMAIN.slots,
        )
    await store.save(tracker)
    tracker.update(UserUttered("这句没有保存", {"name": "greet"}))  # then the turn fails
    again = await store.retrieve("u6")
    assert again is not None and again is not tracker
    assert again.latest_message is not None and again.latest_message.text == "你好"


async def test_a_served_tracker_is_saved_without_counting_the_stored_events(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = _store(tmp_path)
    await store.save(_tracker("u5", "你好", "在吗"))
    served = await store.retrieve("u5")
    assert served is not None
    served.update(UserUttered("暖气不热", {"name": "greet"}))
    served.update(ActionExecuted("action_listen"))

    def no_count(self: Any, session: Any, tracker: DialogueStateTracker) -> Any:
        raise AssertionError("Rasa's COUNT of the stored events ran")

    monkeypatch.setattr(SQLTrackerStore, "_additional_events", no_count)
    await store.save(served)
    monkeypatch.undo()
    stored = await _store(tmp_path, cache_size=0).retrieve("u5")
    assert stored is not None
    assert [e.as_dict() for e in stored.events] == [e.as_dict() for e in served.events]


async def test_a_tracker_not_served_by_the_store_is_saved_the_way_rasa_saves_it(
    tmp_path: Path,
) -> None:
    store = _store(tmp_path)
    await store.save(_tracker("u6", "你好"))
    await store.retrieve("u6")
    other = _tracker("u6", "你好", "转人工")  # e.g. a tracker replaced through the HTTP API
    await store.save(other)
    stored = await _store(tmp_path, cache_size=0).retrieve("u6")
    assert stored is not None and len(stored.events) == len(other.events)
    assert stored.latest_message is not None and stored.latest_message.text == "转人工"


async def test_the_cache_keeps_only_the_most_recent_conversations(tmp_path: Path) -> None:
    store = _store(tmp_path, cache_size=2)
    trackers = {name: _tracker(name, "你好") for name in ("a", "b", "c")}
    for tracker in trackers.values():
        await store.save(tracker)
    assert await store.retrieve("a") is not trackers["a"]  # evicted: read from the database
    assert await store.retrieve("c") is trackers["c"]


async def test_a_session_started_in_this_turn_is_cached_as_the_database_gives_it_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The tracker a new session's turn saved still holds `action_session_start`; the next
    turn is served, without reading the database, the tracker a reload would build."""
    store = _store(tmp_path)
    first = DialogueStateTracker.from_events(
        "u4",
        [
            ActionExecuted("action_session_start"),
            SessionStarted(),
            UserUttered("你好", {"name": "greet"}),
            ActionExecuted("action_listen"),
        ],
        DOMAIN.slots,
    )
    await store.save(first)
    reloaded = await _store(tmp_path, cache_size=0).retrieve("u4")

    def refused(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the database was read or counted")

    monkeypatch.setattr(SQLTrackerStore, "_retrieve", refused)
    monkeypatch.setattr(SQLTrackerStore, "_additional_events", refused)
    loaded = await store.retrieve("u4")
    assert loaded is not first and loaded is not None and reloaded is not None
    assert [e.as_dict() for e in loaded.events] == [e.as_dict() for e in reloaded.events]
    assert loaded.current_state() == reloaded.current_state()
    loaded.update(UserUttered("在吗", {"name": "greet"}))
    await store.save(loaded)
    assert await store.retrieve("u4") is loaded
    monkeypatch.undo()
    again = await _store(tmp_path, cache_size=0).retrieve("u4")
    assert again is not None
    assert [e.type_name for e in again.events] == ["session_started", "user", "action", "user"]


async def test_a_new_session_of_a_served_tracker_is_cached_as_reloaded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A session that expired and restarted in a served tracker: the next turn is served from
    memory, without the old session's events (the database query keeps only the latest)."""
    store = _store(tmp_path)
    await store.save(_tracker("u5", "旧的"))
    served = await store.retrieve("u5")
    assert served is not None
    served.update(ActionExecuted("action_session_start"))
    served.update(SessionStarted())
    served.update(UserUttered("新的", {"name": "greet"}))
    await store.save(served)
    reloaded = await _store(tmp_path, cache_size=0).retrieve("u5")

    def refused(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the database was read")

    monkeypatch.setattr(SQLTrackerStore, "_retrieve", refused)
    loaded = await store.retrieve("u5")
    assert loaded is not None and reloaded is not None and loaded is not served
    assert [e.as_dict() for e in loaded.events] == [e.as_dict() for e in reloaded.events]
    assert [e.type_name for e in loaded.events] == ["session_started", "user"]


async def test_a_new_conversation_is_created_and_saved_twice_without_rasas_queries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new sender: `retrieve` answers None from the latest-id lookup, the first save (Rasa's
    `create_tracker`) and the end-of-turn save write their events without counting; the rows
    are the ones Rasa's own store writes for the same two saves."""
    store = _store(tmp_path)
    rasas = SQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=str(tmp_path / "rasa.db"))

    def refused(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("Rasa's session query or COUNT ran")

    async def turn(tracker_store: SQLTrackerStore) -> DialogueStateTracker:
        tracker = await tracker_store.get_or_create_tracker("new")
        tracker.update(ActionExecuted("action_session_start"))
        tracker.update(SessionStarted())
        tracker.update(UserUttered("你好", {"name": "greet"}))
        tracker.update(ActionExecuted("action_listen"))
        await tracker_store.save(tracker)
        return tracker

    monkeypatch.setattr(SQLTrackerStore, "_additional_events", refused)
    monkeypatch.setattr(SQLTrackerStore, "_retrieve", refused)
    ours = await turn(store)
    monkeypatch.undo()
    theirs = await turn(rasas)
    fresh = await _store(tmp_path, cache_size=0).retrieve("new")
    expected = await rasas.retrieve("new")
    assert fresh is not None and expected is not None
    assert [e.type_name for e in fresh.events] == [e.type_name for e in expected.events]
    assert len(ours.events) == len(theirs.events)
    # every event is stored once (Rasa's store writes session_started and the message twice)
    with store.engine.connect() as connection:
        types = [r[0] for r in connection.exec_driver_sql("SELECT type_name FROM events")]
    assert types == [e.type_name for e in ours.events]


async def test_a_sender_found_empty_then_written_by_another_process_is_not_stored_twice(
    tmp_path: Path,
) -> None:
    ours, other_process = _store(tmp_path), _store(tmp_path)
    assert await ours.retrieve("x") is None  # e.g. Rasa's `exists` check; no save follows
    await other_process.save(_tracker("x", "你好"))
    loaded = await ours.retrieve("x")
    assert loaded is not None
    loaded.update(UserUttered("在吗", {"name": "greet"}))
    await ours.save(loaded)
    with ours.engine.connect() as connection:
        rows = connection.exec_driver_sql("SELECT COUNT(*) FROM events").scalar()
    assert rows == len(loaded.events)


async def test_what_the_store_wrote_is_remembered_for_a_bounded_number_of_senders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = _store(tmp_path, cache_size=1)
    first = _tracker("a", "你好")
    await store.save(first)
    for n in range(101):  # 100 more than the cache: "a" is forgotten, its rows are counted
        await store.save(_tracker(f"other-{n}", "你好"))
    counted: list[str] = []
    rasa_count = SQLTrackerStore._additional_events

    def counting(self: Any, session: Any, tracker: DialogueStateTracker) -> Any:
        counted.append(tracker.sender_id)
        return rasa_count(self, session, tracker)

    monkeypatch.setattr(SQLTrackerStore, "_additional_events", counting)
    first.update(UserUttered("在吗", {"name": "greet"}))
    await store.save(first)
    assert counted == ["a"]
    stored = await _store(tmp_path, cache_size=0).retrieve("a")
    assert stored is not None and len(stored.events) == len(first.events)


def test_a_negative_cache_size_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="cache_size"):
        _store(tmp_path, cache_size=-1)


@pytest.mark.parametrize("endpoints", ["endpoints.yml", "endpoints.production.yml"])
def test_the_endpoints_load_this_store_not_rasas_silent_in_memory_fallback(
    endpoints: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rasa.core.tracker_store import TrackerStore
    from rasa.utils.endpoints import read_endpoint_config

    for name in ("HOST", "PORT", "NAME", "USER", "PASSWORD"):
        monkeypatch.setenv(f"TRACKER_DB_{name}", "5432" if name == "PORT" else "x")
    monkeypatch.chdir(tmp_path)
    root = Path(__file__).resolve().parents[3]
    config = read_endpoint_config(str(root / endpoints), "tracker_store")
    assert config is not None
    assert config.type == "bot.rasa_runtime.tracker_store.CachingSQLTrackerStore"
    if endpoints == "endpoints.yml":
        assert isinstance(TrackerStore.create(config, DOMAIN), CachingSQLTrackerStore)


async def test_an_sqlite_file_is_pooled_in_wal_mode_and_keeps_every_saved_turn(
    tmp_path: Path,
) -> None:
    store = _store(tmp_path)
    assert isinstance(store.engine.pool, QueuePool)
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
    await store.save(_tracker("u7", "你好", "暖气不热"))
    store.engine.dispose()
    stored = await _store(tmp_path, cache_size=0).retrieve("u7")
    assert stored is not None and stored.latest_message is not None
    assert stored.latest_message.text == "暖气不热"


async def test_rows_are_exactly_the_ones_rasas_store_writes(tmp_path: Path) -> None:
    tracker = _tracker("u8", "你好", "暖气不热")
    tracker.update(SlotSet("phone", "13812345678"))
    tracker.update(ActionExecuted("action_listen"))
    ours = _store(tmp_path)
    rasas = SQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=str(tmp_path / "rasa.db"))
    await ours.save(tracker)
    await rasas.save(tracker)

    def rows(store: SQLTrackerStore) -> list[tuple[Any, ...]]:
        with store.engine.connect() as connection:
            return [
                tuple(row)
                for row in connection.exec_driver_sql(
                    "SELECT sender_id, type_name, timestamp, intent_name, action_name, data "
                    "FROM events ORDER BY id"
                )
            ]

    assert rows(ours) == rows(rasas)
    assert len(rows(ours)) == len(tracker.events)


class _Broker(EventBroker):
    """Keeps what the store publishes."""

    def __init__(self) -> None:
        self.published: list[str] = []

    def publish(self, event: dict[str, Any]) -> None:
        self.published.append(f"{event['event']}:{event.get('name') or event.get('text') or ''}")


async def _published(store: SQLTrackerStore) -> list[str]:
    broker = _Broker()
    store.event_broker = broker
    tracker = await store.get_or_create_tracker("u9")
    tracker.update(UserUttered("暖气不热", {"name": "greet"}))
    tracker.update(ActionExecuted("action_listen"))
    await store.save(tracker)
    again = await store.get_or_create_tracker("u9")
    again.update(UserUttered("转人工", {"name": "greet"}))
    await store.save(again)
    return broker.published


async def test_the_event_broker_gets_every_new_event_as_from_rasas_store(tmp_path: Path) -> None:
    ours = await _published(_store(tmp_path))
    rasas = await _published(
        SQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=str(tmp_path / "rasa.db"))
    )
    assert ours == rasas
    assert "user:暖气不热" in ours and "user:转人工" in ours
