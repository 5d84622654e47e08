"""The copied form validation tracker gives exactly what Rasa's replayed one gives."""

from __future__ import annotations

from typing import Any

import pytest
from rasa.core.actions.forms import FormAction
from rasa.shared.core.events import (
    ActionExecuted,
    Event,
    Restarted,
    SlotSet,
)
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity

from bot.rasa_runtime import form_tracker
from tests.unit.rasa_runtime.test_tracker_window import DOMAIN, _form_that_keeps_asking


def _state(tracker: DialogueStateTracker) -> dict[str, Any]:
    """The state without event times (each call stamps the events it adds itself)."""
    state = tracker.current_state(EventVerbosity.ALL)
    state.pop("latest_event_time", None)
    state["events"] = [{k: v for k, v in e.items() if k != "timestamp"} for e in state["events"]]
    return state


@pytest.mark.parametrize("restart", [False, True])
def test_the_form_validation_tracker_equals_rasas(restart: bool) -> None:
    events = _form_that_keeps_asking(30)
    if restart:
        events = [*_form_that_keeps_asking(5), ActionExecuted("action_restart"), Restarted()]
        events += _form_that_keeps_asking(9)
    tracker = DialogueStateTracker.from_events("s", events, DOMAIN.slots)
    form = FormAction("repair_form", None)
    candidates: list[Event] = [SlotSet("address", "幸福里3号楼2单元501")]
    ours = form_tracker.temporary_form_tracker(form, tracker, candidates, DOMAIN)
    rasas = form_tracker.RASA_TEMPORARY_TRACKER(form, tracker, candidates, DOMAIN)
    assert _state(ours) == _state(rasas)
    assert ours.applied_events() == rasas.applied_events()
    # the copy did not touch the tracker it came from
    assert list(tracker.events) == events
