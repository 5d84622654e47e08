"""The tracker's copy without replay equals Rasa's replay, and is independent of the original."""

from __future__ import annotations

import pytest
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    BotUttered,
    SessionStarted,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity

from bot import rasa_runtime
from tests.unit.rasa_runtime.test_tracker_window import DOMAIN


def _conversation() -> DialogueStateTracker:
    """Verification, a form started and interrupted, a reverted turn, a session restart."""
    events = [
        ActionExecuted("action_session_start"),
        SessionStarted(),
        ActionExecuted("action_listen"),
        UserUttered("查暖气费", {"name": "query_fee", "confidence": 1.0}),
        ActionExecuted("verify_form"),
        ActiveLoop("verify_form"),
        SlotSet("requested_slot", "account_no"),
        ActionExecuted("action_listen"),
        UserUttered("0102345678", {"name": "inform", "confidence": 1.0}),
        SlotSet("account_no", "0102345678"),
        ActionExecuted("verify_form"),
        ActiveLoop(None),
        ActionExecuted("action_listen"),
        UserUttered("暖气不热", {"name": "report_repair", "confidence": 1.0}),
        ActionExecuted("repair_form"),
        ActiveLoop("repair_form"),
        SlotSet("fault_type", "no_heat"),
        ActionExecuted("action_listen"),
        UserUttered("讲个笑话", {"name": "out_of_scope", "confidence": 1.0}),
        ActionExecuted("action_fallback"),
        UserUtteranceReverted(),
        ActionExecuted("action_listen"),
        UserUttered("几号供暖", {"name": "faq", "confidence": 1.0}),
        ActionExecuted("action_answer_faq"),
        BotUttered("11月15日"),
    ]
    return DialogueStateTracker.from_events("wx-user", events, DOMAIN.slots)


def test_tracker_copy_equals_rasas_replay_and_is_independent(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    tracker = _conversation()
    tracker.model_id = "model-1"
    replayed = tracker.travel_back_in_time(float("inf"))  # Rasa's copy(), whatever is patched
    for owner, name, _ in rasa_runtime.REPLACED:
        monkeypatch.setattr(owner, name, getattr(owner, name))
    rasa_runtime.install("all")
    copied = tracker.copy()

    assert copied.current_state(EventVerbosity.ALL) == replayed.current_state(EventVerbosity.ALL)
    assert copied.active_loop == replayed.active_loop
    assert copied.latest_action == replayed.latest_action
    assert copied.model_id is None and replayed.model_id is None
    assert [s.has_been_set for s in copied.slots.values()] == [
        s.has_been_set for s in replayed.slots.values()
    ]

    before = tracker.current_state(EventVerbosity.ALL)
    copied.update(SlotSet("address", "幸福里3号楼"))
    copied.update(ActiveLoop(None))
    copied.update(ActionExecuted("action_listen"))
    assert tracker.current_state(EventVerbosity.ALL) == before
    assert tracker.active_loop_name == "repair_form"
