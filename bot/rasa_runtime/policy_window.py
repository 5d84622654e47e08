"""Patch `policy_window`: the policies predict on the last turns of the conversation only.

Each policy rebuilt the state of every earlier turn (`Domain.states_for_tracker_history` replays
the whole tracker) before looking at its last `max_history` states; `tracker_window.policy_view`
gives them the last turns with the state they began in (docs/performance.md, second round).
"""

from __future__ import annotations

from rasa.core.policies.policy import PolicyPrediction
from rasa.core.processor import MessageProcessor
from rasa.shared.core.trackers import DialogueStateTracker

from bot.rasa_runtime import tracker_window
from bot.rasa_runtime.patch import Patch

#: Rasa's own implementation, the reference (tests compare against it).
RASA_PREDICT = MessageProcessor._predict_next_with_tracker


def _predict_next_with_tracker(
    self: MessageProcessor, tracker: DialogueStateTracker
) -> PolicyPrediction:
    """Rasa's next-action prediction, on the last turns of the conversation only."""
    if tracker.followup_action:
        return RASA_PREDICT(self, tracker)
    return RASA_PREDICT(self, tracker_window.policy_view(tracker))


PATCH = Patch(
    "policy_window",
    ((MessageProcessor, "_predict_next_with_tracker", _predict_next_with_tracker),),
)
