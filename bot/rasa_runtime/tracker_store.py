"""Rasa's SQL tracker store, without rebuilding a long conversation from the database every turn.

Rasa 3.6's `SQLTrackerStore.retrieve` reads every event of the sender's current session, parses
each one's JSON and replays them all into a new tracker, on every message. A WeChat user keeps
one OpenID for years and may write dozens of times in a session, so that cost grows with the
conversation. This store keeps the tracker it last saved for each sender in memory and hands it
back on the next `retrieve` when the database still holds exactly the events that tracker had:
the sender's latest event id is the one this store wrote last (one index lookup, the same cost at
event 3,000 as at event 3), so nothing else wrote to the conversation meanwhile, not even another
Rasa replica: with several replicas behind a load balancer a conversation's turns alternate
between them, and each turn on a replica that did not write the last one reads the database.
Saving a tracker served from the cache writes its new events without Rasa's COUNT
of the stored ones (linear in the conversation: the bench's 300-turn run spent a third of the
server's time in it): the store knows how many it wrote.

Safety: an entry is taken out of the cache when it is handed out and only put back by `save`, so a
turn that fails half-way (tracker changed in memory, never saved) can never be served again; the
next turn reads the database. An entry whose tracker gained events after its save (a turn that
failed after one of its intermediate saves) is not served either. Everything is written exactly
as `SQLTrackerStore` writes it.

On an SQLite file (the default profile) the store keeps a pool of connections in WAL mode with
`synchronous=NORMAL`: Rasa's engine opened a new connection for every read and write, and every
commit created, synced and deleted a rollback journal; that was a tenth of the Rasa server's
time under load. WAL with NORMAL loses no committed turn when a process crashes (a power cut may
lose the last ones); production runs on PostgreSQL, which is left as Rasa configures it.

Configured in endpoints.yml as `type: bot.rasa_runtime.tracker_store.CachingSQLTrackerStore` with
the usual SQL keys, plus `cache_size` (conversations kept, default 500).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import time
from collections import OrderedDict
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any

import sqlalchemy as sa
from rasa.core.brokers.broker import EventBroker
from rasa.core.brokers.pika import PikaEventBroker
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import Event, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from sqlalchemy.orm import sessionmaker
from sqlalchemy.pool import QueuePool

from bot import metrics, rasa_runtime

logger = logging.getLogger(__name__)

DEFAULT_CACHE_SIZE = 500
#: Set while Rasa looks up the stored tracker to publish new events (`stream_events`).
_from_database: ContextVar[bool] = ContextVar("from_database", default=False)


_EVENTS = SQLTrackerStore.SQLEvent.__table__
_LATEST_EVENT_ID = sa.select(sa.func.max(_EVENTS.c.id)).where(
    _EVENTS.c.sender_id == sa.bindparam("sender")
)
#: One conversation's writers queue on this PostgreSQL lock until the holder commits.
_SENDER_WRITE_LOCK = sa.text("SELECT pg_advisory_xact_lock(hashtext(:sender))")


def _as_loaded(tracker: DialogueStateTracker) -> bool:
    """Whether `retrieve` from the database would give back exactly these events.

    The database query keeps only events stamped at or after the latest `session_started`; a
    tracker that started its session in this turn still holds the `action_session_start` before
    it. Served from the cache it would differ from what a reload gives, and the count of stored
    events it carries would be off by one, so the cache keeps `_as_reloaded` of it instead.
    """
    starts = [e.timestamp for e in tracker.events if isinstance(e, SessionStarted)]
    if not starts:
        return True
    latest = max(starts)
    return all(e.timestamp >= latest for e in tracker.events)


def _as_reloaded(tracker: DialogueStateTracker, slots: Any) -> DialogueStateTracker:
    """The tracker `SQLTrackerStore.retrieve` would build from the rows of `tracker` just saved.

    Its events from the latest `session_started` on, through the JSON Rasa stores, replayed into
    a new tracker with the domain's slots, exactly as `_retrieve` does with the rows it reads.
    Every new conversation's first turn starts a session, so without this its second turn read
    the database and counted the stored events again (a quarter of the Rasa server's tracker
    store time under the WeChat load, where every conversation is a new sender).
    """
    latest = max(e.timestamp for e in tracker.events if isinstance(e, SessionStarted))
    kept = [json.loads(json.dumps(e.as_dict())) for e in tracker.events if e.timestamp >= latest]
    return DialogueStateTracker.from_dict(tracker.sender_id, kept, slots)


def _row(sender_id: str, event: Event) -> dict[str, Any]:
    """The `events` row Rasa's `SQLTrackerStore.save` writes for one event."""
    data = event.as_dict()
    return {
        "sender_id": sender_id,
        "type_name": event.type_name,
        "timestamp": data.get("timestamp"),
        "intent_name": data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
        "action_name": data.get("name"),
        "data": json.dumps(data),
    }


async def _published(broker: EventBroker | None) -> None:
    """Wait until RabbitMQ has confirmed the events Rasa's pika broker is publishing.

    Rasa publishes in background tasks and the store then writes the turn; a replica killed
    between the two kept the turn in the database and lost its events (13 of 100 turns in
    the fault test of tests/e2e/test_production.py). Waiting here, before the write, makes
    every stored event a published one (at least once: a turn cut off between the two is in
    the broker and not in the trackers, never the reverse). A failed publish is left to Rasa,
    which keeps the event and publishes it once the connection is back.
    """
    if isinstance(broker, PikaEventBroker) and broker._background_tasks:
        await asyncio.gather(*list(broker._background_tasks), return_exceptions=True)


def _count_turns(stored: list[Event]) -> None:
    """Count each user message once, when its turn is first stored (Rasa saves a turn two or
    three times; a message is among the new events of one save only), with its turn's time."""
    now = time.time()
    for event in stored:
        if isinstance(event, UserUttered):
            channel = event.input_channel or "unknown"
            metrics.MESSAGES.labels(channel).inc()
            metrics.TURN_SECONDS.labels(channel).observe(max(now - event.timestamp, 0.0))


class CachingSQLTrackerStore(SQLTrackerStore):
    """`SQLTrackerStore` with the last saved tracker of each sender kept in memory."""

    engine: sa.engine.Engine

    def __init__(
        self, *args: Any, cache_size: int | str = DEFAULT_CACHE_SIZE, **kwargs: Any
    ) -> None:
        # Rasa creates its tracker store once, from endpoints.yml, before the first message:
        # the one place the server's patches are installed (`HEATING_RASA_PATCHES`)
        rasa_runtime.install()
        super().__init__(*args, **kwargs)
        if self.engine.dialect.name == "sqlite" and self.engine.url.database not in (
            None,
            "",
            ":memory:",
        ):
            self._pool_sqlite()
        size = int(cache_size)
        if size < 0:
            raise ValueError(f"cache_size must not be negative, got {size}")
        self._cache_size = size
        # sender → (latest event id in the database, events stored, the tracker holding them,
        # whether a reload would give that tracker as it is, else `_as_reloaded` of it)
        self._cache: OrderedDict[str, tuple[int | None, int, DialogueStateTracker, bool]] = (
            OrderedDict()
        )
        # sender → (the tracker handed out by `retrieve` or last cached by `save`, how many of its
        # events are stored): whether a save is of a tracker as the database would load it
        self._stored: dict[str, tuple[DialogueStateTracker, int]] = {}
        # sender → (the tracker last written or served, how many of its events are in the
        # database): what the next save of that very tracker must add, without counting
        self._written: OrderedDict[str, tuple[DialogueStateTracker, int]] = OrderedDict()
        # senders `retrieve` found no event of (a new conversation): nothing to count at the save
        self._absent: set[str] = set()

    def _pool_sqlite(self) -> None:
        """Reopen the SQLite file with a connection pool, WAL and `synchronous=NORMAL`."""
        url = self.engine.url
        self.engine.dispose()
        self.engine = sa.create_engine(
            url,
            poolclass=QueuePool,
            pool_size=5,
            max_overflow=10,
            connect_args={"check_same_thread": False, "timeout": 30},
        )

        @sa.event.listens_for(self.engine, "connect")
        def _on_connect(dbapi_connection: Any, connection_record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        self.sessionmaker = sessionmaker(bind=self.engine)

    async def stream_events(self, tracker: DialogueStateTracker) -> None:
        """Rasa's publishing of the new events, diffed against the database, not the cache.

        Rasa finds the new events by retrieving the stored tracker; served from this cache that
        is the very tracker being saved, and nothing would be published.
        """
        token = _from_database.set(True)
        try:
            await super().stream_events(tracker)
        finally:
            _from_database.reset(token)
        await _published(self.event_broker)

    def _latest_event_id(self, sender_id: str) -> int | None:
        """The id of the sender's newest stored event (ids only grow), None if there is none.

        A Core statement built once, on a pooled connection: asked twice per turn, the ORM
        query and session around it were a tenth of the server's time under load.
        """
        with self.engine.connect() as connection:
            latest = connection.execute(_LATEST_EVENT_ID, {"sender": sender_id}).scalar()
        return None if latest is None else int(latest)

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        """The cached tracker if the database still matches it, else the database's."""
        if _from_database.get():
            return await super().retrieve(sender_id)
        self._stored.pop(sender_id, None)
        self._written.pop(sender_id, None)
        entry = self._cache.pop(sender_id, None)
        latest = self._latest_event_id(sender_id)
        if entry is not None:
            latest_id, stored, tracker, as_is = entry
            # A tracker changed after its save (a turn that failed after an intermediate save)
            # holds events the database does not: read the database instead.
            if latest_id == latest and len(tracker.events) == stored and self.domain is not None:
                if not as_is:
                    tracker = _as_reloaded(tracker, self.domain.slots)
                stored = len(tracker.events)
                self._stored[sender_id] = (tracker, stored)
                self._remember_written(tracker, stored)
                return tracker
            logger.debug("tracker of %s changed in the database; reloading", sender_id)
        if latest is None:
            # Rasa's answer for a sender without events, without its session query; the new
            # tracker's first save then needs no COUNT either.
            if len(self._absent) > self._cache_size:
                self._absent.clear()
            self._absent.add(sender_id)
            return None
        self._absent.discard(sender_id)
        return await super().retrieve(sender_id)

    def _additional_events(self, session: Any, tracker: DialogueStateTracker) -> Iterator:
        """The tracker's events not yet stored; counted by Rasa unless this store knows."""
        known = self._written.get(tracker.sender_id)
        if known is not None and known[0] is tracker:
            return itertools.islice(tracker.events, known[1], len(tracker.events))
        if tracker.sender_id in self._absent and self._latest_event_id(tracker.sender_id) is None:
            # still nothing stored (another process may have written since `retrieve`)
            return iter(tracker.events)
        return super()._additional_events(session, tracker)

    async def _write(self, tracker: DialogueStateTracker) -> int | None:
        """`SQLTrackerStore.save`: the same rows, inserted in one statement; the id of the
        sender's newest row as this write left it.

        That id must be of this write's own rows, or the cache would take another replica's
        later events for its own and serve a tracker without them. So it is read in the insert's
        transaction, after taking the sender's write lock on PostgreSQL (a transaction advisory
        lock: another replica saving the same conversation waits for the commit); on SQLite the
        insert holds the database's write lock until the commit.

        Rasa adds one ORM object per event and flushes them one by one; the ORM's unit of work was
        a tenth of the server's time under the WeChat load. The rows (columns and JSON) are the
        ones Rasa writes, so Rasa's `retrieve` and every reader of the table see no difference,
        with one exception: a tracker saved again in the turn its session started (Rasa saves a
        turn two or three times) gets only its new events, where Rasa's COUNT of the events
        "since the session started" misses the ones before it and writes `session_started` and
        the first message a second time.
        """
        await self.stream_events(tracker)
        with self.session_scope() as session:
            if self.engine.dialect.name == "postgresql":
                session.execute(_SENDER_WRITE_LOCK, {"sender": tracker.sender_id})
            events = list(self._additional_events(session, tracker))
            if events:
                rows = [_row(tracker.sender_id, event) for event in events]
                session.execute(self.SQLEvent.__table__.insert(), rows)
            latest = session.execute(_LATEST_EVENT_ID, {"sender": tracker.sender_id}).scalar()
            session.commit()
        _count_turns(events)
        self._remember_written(tracker, len(tracker.events))
        return None if latest is None else int(latest)

    def _remember_written(self, tracker: DialogueStateTracker, stored: int) -> None:
        """Note that `stored` of `tracker`'s events are in the database (kept for a few senders
        more than the cache holds: an entry is only needed until the turn's last save)."""
        self._written[tracker.sender_id] = (tracker, stored)
        self._written.move_to_end(tracker.sender_id)
        while len(self._written) > self._cache_size + 100:
            self._written.popitem(last=False)

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Write the new events, then remember the tracker for the sender's next message."""
        known = self._stored.pop(tracker.sender_id, None)
        # a tracker served from the cache was as loaded; it still is unless a session started
        served = known is not None and known[0] is tracker
        new_events = (
            list(itertools.islice(tracker.events, known[1], None)) if known and served else []
        )
        latest_id = await self._write(tracker)
        self._absent.discard(tracker.sender_id)
        self._cache.pop(tracker.sender_id, None)
        if self._cache_size == 0:
            return
        if self.domain is None:  # Rasa's `retrieve` answers None without a domain
            return
        started = served and any(isinstance(e, SessionStarted) for e in new_events)
        # Not as a reload gives it back: trimmed when served (`_as_reloaded`), once per turn.
        as_is = not started and (served or _as_loaded(tracker))
        self._cache[tracker.sender_id] = (latest_id, len(tracker.events), tracker, as_is)
        if as_is:
            # A tracker saved twice in a turn (Rasa saves a new conversation's first) is known
            # at the second save as if it had been served from the cache.
            self._stored[tracker.sender_id] = (tracker, len(tracker.events))
        while len(self._cache) > self._cache_size:
            evicted, _ = self._cache.popitem(last=False)
            self._stored.pop(evicted, None)
