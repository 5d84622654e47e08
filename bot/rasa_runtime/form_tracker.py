"""Patch `form_tracker`: form validation's tracker is a copy of the state, not a replay.

`FormAction._temporary_tracker` gives form validation the tracker it asks for (the session's
events, the requested slot, the form's execution and the candidate slots) by replaying every
event of the session into a new tracker; while a form stays active for hundreds of turns (a
resident who never gives the address) that grew with the conversation. Here the current state is
copied (`DialogueStateTracker.copy`, itself a copy without replay with the `tracker_copy` patch).
Compared with Rasa's own function in tests/unit/rasa_runtime/test_form_tracker.py.
"""

from __future__ import annotations

from rasa.core.actions.forms import FormAction
from rasa.shared.core.constants import REQUESTED_SLOT
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, Event, SlotSet
from rasa.shared.core.trackers import DialogueStateTracker

from bot.rasa_runtime.patch import Patch

#: Rasa's own implementation, the reference (tests compare against it).
RASA_TEMPORARY_TRACKER = FormAction._temporary_tracker


def temporary_form_tracker(
    self: FormAction,
    current_tracker: DialogueStateTracker,
    additional_events: list[Event],
    domain: Domain,
) -> DialogueStateTracker:
    """The tracker form validation runs on: the session's events, the slot the form asks for,
    the form's execution and `additional_events`, on a copy of the current state."""
    temporary = current_tracker.copy()
    restart = current_tracker.idx_after_latest_restart()
    if restart:
        temporary.events = temporary._create_events(list(current_tracker.events)[restart:])
    for event in [
        SlotSet(REQUESTED_SLOT, self.get_slot_to_fill(current_tracker)),
        ActionExecuted(self.name()),
        *additional_events,
    ]:
        temporary.update(event)
    return temporary


PATCH = Patch("form_tracker", ((FormAction, "_temporary_tracker", temporary_form_tracker),))
