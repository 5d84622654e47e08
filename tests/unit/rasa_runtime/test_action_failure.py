"""After a failed action call, the user's message is taken back only when that is safe."""

from __future__ import annotations

from typing import Any

from rasa.shared.core.events import (
    ActionExecuted,
    SessionStarted,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from bot.rasa_runtime import action_failure
from tests.unit.rasa_runtime.test_tracker_window import DOMAIN


def _turn(*events: Any) -> DialogueStateTracker:
    """A conversation whose last turn holds `events` (after an earlier, finished turn)."""
    history = [
        ActionExecuted("action_session_start"),
        SessionStarted(),
        ActionExecuted("action_listen"),
        UserUttered("你好", {"name": "greet"}),
        ActionExecuted("utter_greet"),
        ActionExecuted("action_listen"),
    ]
    return DialogueStateTracker.from_events("u", [*history, *events], DOMAIN.slots)


def test_a_failed_turn_is_taken_back_only_while_the_action_server_did_nothing_in_it() -> None:
    """After a failed action (its own log entry already dropped), the user's message is taken
    back unless an earlier action of the turn ran on the action server: what that one did is
    real, and resending the message would do it twice."""
    message = UserUttered("阳光花园5号楼1单元302", {"name": "inform"})
    undoable = action_failure._undoable
    assert undoable(_turn(message, ActionExecuted("action_extract_slots")), DOMAIN)
    assert undoable(_turn(message, ActionExecuted("utter_ask_address")), DOMAIN)
    assert not undoable(_turn(message, ActionExecuted("action_query_outage")), DOMAIN)
    assert not undoable(_turn(message, ActionExecuted("repair_form")), DOMAIN)
    # no user message in this turn (an action run through the HTTP API), or already taken back
    assert not undoable(_turn(), DOMAIN)
    assert not undoable(
        _turn(message, ActionExecuted("action_fallback"), UserUtteranceReverted()), DOMAIN
    )
