"""The session check reads the last turns and answers as Rasa's; the heap is frozen once."""

from __future__ import annotations

import copy
import time
from typing import Any

import pytest
from rasa.core.processor import MessageProcessor
from rasa.shared.core.events import (
    ActiveLoop,
    Event,
)
from rasa.shared.core.trackers import DialogueStateTracker

from bot.rasa_runtime import session_check
from tests.unit.rasa_runtime.test_tracker_window import (
    DOMAIN,
    _long_conversation,
    _tracker,
    _turn,
)


def test_the_heap_is_frozen_once_at_the_first_message(monkeypatch: pytest.MonkeyPatch) -> None:
    import gc

    monkeypatch.setattr(session_check, "_heap_frozen", False)
    try:
        session_check._freeze_heap_once()
        frozen = gc.get_freeze_count()
        assert frozen > 0
        session_check._freeze_heap_once()
        # Not again: a second freeze would add every object made since. (The count may fall:
        # a frozen object that another test's thread frees leaves the permanent generation.)
        assert gc.get_freeze_count() <= frozen
    finally:
        gc.unfreeze()


class _Processor:
    """What `_update_tracker_session` uses of Rasa's MessageProcessor."""

    domain = DOMAIN
    _has_session_expired = MessageProcessor._has_session_expired


def _aged(events: list[Event], seconds: float) -> list[Event]:
    aged = copy.deepcopy(events)
    newest = max(e.timestamp for e in aged)
    for event in aged:
        event.timestamp -= newest - time.time() + seconds
    return aged


@pytest.mark.parametrize(
    ("chatter", "age_s", "rasa_decides"),
    [
        (40, 30, False),  # long and recent: the session goes on without Rasa's whole-tracker check
        (40, 3 * 3600, True),  # long but the user last wrote hours ago: Rasa starts a session
        (0, 30, True),  # one user message: Rasa's own check, it is cheap
        (-1, 30, True),  # a form is active: Rasa measures from the message that started it
    ],
)
async def test_session_check_reads_the_last_turns(
    chatter: int, age_s: float, rasa_decides: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if chatter < 0:  # a long conversation with a form running again
        events = [*_long_conversation(40), ActiveLoop("temp_check_form")]
    else:
        events = _long_conversation(chatter) if chatter else _turn("greet", "你好", "utter_greet")
    tracker = _tracker(_aged(events, age_s))
    calls: list[DialogueStateTracker] = []

    async def rasas_check(self: Any, tracker: DialogueStateTracker, *args: Any) -> None:
        calls.append(tracker)

    monkeypatch.setattr(session_check, "RASA_UPDATE_SESSION", rasas_check)
    await session_check._update_tracker_session(_Processor(), tracker, None)  # type: ignore[arg-type]
    assert bool(calls) is rasa_decides
    # and the fast answer is Rasa's answer: a session goes on only when Rasa's check says so
    if not rasa_decides:
        assert tracker.applied_events()
        assert not _Processor()._has_session_expired(tracker)  # type: ignore[arg-type]
