"""The incremental fold gives exactly what Rasa's own `applied_events` gives, after every event."""

from __future__ import annotations

import random

import pytest
from rasa.shared.core.events import (
    ActionExecuted,
    ActionExecutionRejected,
    ActionReverted,
    ActiveLoop,
    BotUttered,
    Event,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from bot.rasa_runtime import folded_history
from tests.unit.rasa_runtime.test_tracker_window import DOMAIN, _form_that_keeps_asking

FORMS = ("repair_form", "temp_check_form")


def _random_turn(rng: random.Random, index: int) -> list[Event]:
    """One turn of a conversation that starts, runs, interrupts, rejects and leaves forms."""
    said = UserUttered(
        f"m{index}", {"name": rng.choice(["inform", "faq", "deny"]), "confidence": 1}
    )
    events: list[Event] = [ActionExecuted("action_listen"), said]
    form = rng.choice(FORMS)
    kind = rng.randrange(9)
    if kind == 0:
        events += [ActionExecuted(form), ActiveLoop(form), SlotSet("requested_slot", "address")]
    elif kind == 1:
        events += [ActionExecuted(form), SlotSet("requested_slot", "address")]
    elif kind == 2:
        events += [
            ActionExecutionRejected(form),
            ActionExecuted("action_fallback"),
            BotUttered("?"),
        ]
    elif kind == 3:
        events += [ActionExecuted("action_answer_faq"), BotUttered("a"), ActionExecuted(form)]
    elif kind == 4:
        events += [ActionExecuted("action_fallback"), UserUtteranceReverted()]
    elif kind == 5:
        events += [ActionExecuted(form), ActiveLoop(None), SlotSet("requested_slot", None)]
    elif kind == 6:
        events += [ActionExecuted("utter_ok"), ActionReverted()]
    elif kind == 7 and rng.random() < 0.3:
        events += [ActionExecuted("action_restart"), Restarted()]
    elif kind == 8 and rng.random() < 0.3:
        events += [ActionExecuted("action_session_start"), SessionStarted()]
    else:
        events += [ActionExecuted("utter_greet"), BotUttered("你好")]
    return events


@pytest.mark.parametrize("seed", range(40))
def test_the_incremental_fold_equals_rasas_after_every_event(seed: int) -> None:
    rng = random.Random(seed)
    tracker = DialogueStateTracker("s", DOMAIN.slots)
    for index in range(rng.randrange(20, 80)):
        for event in _random_turn(rng, index):
            tracker.update(event)
            if rng.random() < 0.5:  # not every event is followed by a call, as in Rasa
                continue
            assert folded_history.applied_events(tracker) == (
                folded_history.RASA_APPLIED_EVENTS(tracker)
            )
    assert folded_history.applied_events(tracker) == folded_history.RASA_APPLIED_EVENTS(tracker)


def test_the_fold_is_redone_when_the_events_are_not_the_cached_ones() -> None:
    events = _form_that_keeps_asking(20)
    tracker = DialogueStateTracker.from_events("s", events, DOMAIN.slots)
    assert folded_history.applied_events(tracker) == folded_history.RASA_APPLIED_EVENTS(tracker)
    # another tracker's events (a reload) in the same object: nothing of the old fold is reused
    tracker.events = tracker._create_events(_form_that_keeps_asking(8))
    assert folded_history.applied_events(tracker) == folded_history.RASA_APPLIED_EVENTS(tracker)


def test_callers_may_change_the_list_they_get() -> None:
    tracker = DialogueStateTracker.from_events("s", _form_that_keeps_asking(12), DOMAIN.slots)
    first = folded_history.applied_events(tracker)
    expected = list(first)
    first.clear()
    assert folded_history.applied_events(tracker) == expected
