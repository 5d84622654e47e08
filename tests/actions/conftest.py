"""Action tests: real rasa-sdk Trackers and dispatchers against a fresh SQLite store with demo data.

The clock is pinned (Friday 2026-11-27 10:00 in Asia/Shanghai, inside the heating season) so
deadlines and visit windows can be checked against hand-computed values.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

import actions.common
from bot.base import clock
from bot.config import settings
from bot.store import db

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def domain() -> dict[str, Any]:
    """domain.yml as the action server receives it."""
    from rasa.shared.core.domain import Domain

    return dict(Domain.load(str(ROOT / "domain.yml")).as_dict())


@pytest.fixture(scope="session")
def demo_store_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The migrated schema with the demo company at the pinned clock, built once.

    Migrating and loading the demo took about half a second, and there are over 600 action
    tests: each now starts from a copy of this file instead.
    """
    from bot.store.demo import load_demo

    path = tmp_path_factory.mktemp("demo-store") / "heating.db"
    url = f"sqlite:///{path}"
    db.ensure_schema(url)
    with db.session_scope(url) as session:
        load_demo(session, NOW)
    db.dispose_engines()  # closing the last connection folds the write-ahead log into the file
    return path


@pytest.fixture(autouse=True)
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, demo_store_file: Path) -> Iterator[str]:
    """A fresh database with the demo company for every test, and the pinned clock."""
    path = tmp_path / "heating.db"
    for suffix in ("", "-wal", "-shm"):
        source = demo_store_file.with_name(demo_store_file.name + suffix)
        if source.exists():
            shutil.copyfile(source, path.with_name(path.name + suffix))
    url = f"sqlite:///{path}"
    monkeypatch.setenv("DATABASE_URL", url)
    settings.cache_clear()
    db.dispose_engines()
    monkeypatch.setattr(actions.common, "_schema_ready", False)
    monkeypatch.setattr(clock, "now", lambda: NOW)
    yield url
    db.dispose_engines()
    settings.cache_clear()


def user_turn(
    text: str,
    intent: str = "inform",
    entities: list[dict[str, Any]] | None = None,
    message_id: str = "m1",
    channel: str = "rest",
    response_selector: dict[str, Any] | None = None,
    metadata: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A `user` event as Rasa sends it to the action server (`metadata`: the channel's)."""
    parse_data: dict[str, Any] = {
        "text": text,
        "intent": {"name": intent, "confidence": 0.95},
        "intent_ranking": [{"name": intent, "confidence": 0.95}],
        "entities": entities or [],
        "message_id": message_id,
    }
    if response_selector:
        parse_data["response_selector"] = response_selector
    return {
        "event": "user",
        "text": text,
        "parse_data": parse_data,
        "input_channel": channel,
        "message_id": message_id,
        "metadata": metadata or {},
    }


def tracker(
    *turns: dict[str, Any],
    slots: dict[str, Any] | None = None,
    sender: str = "tester",
    active_loop: str | None = None,
    slot_events: dict[str, Any] | None = None,
) -> Tracker:
    """A tracker whose latest message is the last `turn`, with `slot_events` set after it.

    Form validation only looks at slots set after the latest user message, so values the form
    should validate go in `slot_events`; values from earlier turns go in `slots`.
    """
    events = list(turns)
    for name, value in (slot_events or {}).items():
        events.append({"event": "slot", "name": name, "value": value})
    values = {**(slots or {}), **(slot_events or {})}
    latest = dict(turns[-1]["parse_data"]) if turns else {}
    return Tracker(
        sender,
        values,
        latest,
        events,
        False,
        None,
        {"name": active_loop} if active_loop else {},
        "action_listen",
    )


def texts(dispatcher: CollectingDispatcher) -> list[str]:
    """What the action said, as response names (`utter_…`) or literal texts."""
    return [m.get("response") or m.get("text") or "" for m in dispatcher.messages]


def said(dispatcher: CollectingDispatcher, response: str) -> dict[str, Any]:
    """The kwargs of the first message that used `response` (fails if none did)."""
    for message in dispatcher.messages:
        if message.get("response") == response:
            return dict(message)
    raise AssertionError(f"{response} not said; said: {texts(dispatcher)}")


def has_event(events: list[dict[str, Any]], event: str, name: str | None) -> bool:
    """Whether the action returned an event of this type and name (`followup`, `active_loop`)."""
    return any(e.get("event") == event and e.get("name") == name for e in events)


def slot_values(events: list[dict[str, Any]]) -> dict[str, Any]:
    """Slot name → value for the SlotSet events an action returned."""
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def offered(pending: str, text: str, intent: str) -> Tracker:
    """A tracker in which the bot's last turn made an offer (`pending`) and the user answered."""
    return tracker(
        user_turn("…", "inform", message_id="before"),
        {"event": "slot", "name": "pending", "value": pending},
        user_turn(text, intent, message_id="answer"),
        slots={"pending": pending},
    )
