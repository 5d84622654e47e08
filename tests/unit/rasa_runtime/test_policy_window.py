"""The policies' prediction on the last turns (`policy_window`) is Rasa's on the whole tracker.

On the trained model, at every step of long conversations (chatter after two finished forms; a
form the resident never answers), the patched prediction and Rasa's name the same action with the
same probabilities, policy and events.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from rasa.core.agent import Agent
from rasa.core.processor import MessageProcessor
from rasa.shared.core.events import ActionExecuted, Event, UserUttered

from bot.modelcache import ensure_model
from bot.rasa_runtime import policy_window, tracker_window
from tests.unit.rasa_runtime.test_tracker_window import (
    _form_that_keeps_asking,
    _long_conversation,
    _tracker,
)

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def processor() -> MessageProcessor:
    agent = Agent.load(str(ensure_model()))
    assert agent.processor is not None
    return agent.processor


def _predicted_after(event: Event) -> bool:
    """Where Rasa predicts: after a user message and after every action but `action_listen`."""
    if isinstance(event, ActionExecuted):
        return event.action_name != "action_listen"
    return isinstance(event, UserUttered)


@pytest.mark.parametrize(
    "conversation",
    [lambda: _long_conversation(40), lambda: _form_that_keeps_asking(60)],
    ids=["chatter", "form_that_keeps_asking"],
)
def test_predictions_on_the_last_turns_are_rasas_on_the_whole_tracker(
    processor: MessageProcessor, conversation: Callable[[], list[Event]]
) -> None:
    events = conversation()
    bounded = 0
    for end in [i + 1 for i, event in enumerate(events) if _predicted_after(event)]:
        tracker = _tracker(events[:end])
        ours = policy_window._predict_next_with_tracker(processor, tracker)
        theirs = policy_window.RASA_PREDICT(processor, tracker)
        assert ours == theirs, f"after event {end}: {ours.policy_name} vs {theirs.policy_name}"
        bounded += tracker_window.policy_view(tracker) is not tracker
    assert bounded > 30  # most predictions were made on a view, not the tracker itself
