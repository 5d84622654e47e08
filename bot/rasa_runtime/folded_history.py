"""Patch `folded_history`: Rasa's folded conversation history, continued from the last turn.

`DialogueStateTracker.applied_events()` walks every event of the conversation and folds a form's
answered turns back into its first run; Rasa calls it about a dozen times per turn (session
check, policies, form validation, the action server's state). While a form stays active for
hundreds of turns (a resident who never gives the address) each call grew with the conversation:
the profile of turn 200 showed two thirds of the server's time in it and in replaying every
event into the form's temporary tracker (the `form_tracker` patch).

`applied_events` keeps each tracker's last result and folds only the events added since. The
fold is a left fold whose state is the result list, so continuing it is the same as redoing it,
as long as the forms it knows (Rasa collects the names of every form the conversation ever
activated before folding) are the same: when a new form appears, or the events before the
cached point are not the same objects any more, it is redone from the first event.

Compared with Rasa's own function in tests/unit/rasa_runtime/test_folded_history.py.
"""

from __future__ import annotations

from collections.abc import Iterable

from rasa.shared.core.events import (
    ActionExecuted,
    ActionReverted,
    ActiveLoop,
    Event,
    Restarted,
    SessionStarted,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from bot.rasa_runtime.patch import Patch

#: Rasa's own implementation, the reference (tests compare against it).
RASA_APPLIED_EVENTS = DialogueStateTracker.applied_events

#: Attribute holding a tracker's last fold: (events folded, the last of them, forms, result).
_CACHE = "_heating_folded"


def _loop_names(events: Iterable[Event]) -> frozenset[str]:
    return frozenset(e.name for e in events if isinstance(e, ActiveLoop) and e.name)


def _fold(
    tracker: DialogueStateTracker,
    applied: list[Event],
    events: Iterable[Event],
    loop_names: frozenset[str],
) -> list[Event]:
    """Rasa's fold step for each of `events`, continuing from `applied` (changed in place)."""
    for event in events:
        if isinstance(event, (Restarted, SessionStarted)):
            applied.clear()
        elif isinstance(event, ActionReverted):
            tracker._undo_till_previous(ActionExecuted, applied)
        elif isinstance(event, UserUtteranceReverted):
            tracker._undo_till_previous(UserUttered, applied)
            tracker._undo_till_previous(ActionExecuted, applied)
        elif (
            isinstance(event, ActionExecuted)
            and event.action_name in loop_names
            and not tracker._first_loop_execution_or_unhappy_path(event.action_name, applied)
        ):
            tracker._undo_till_previous_loop_execution(event.action_name, applied)
        else:
            applied.append(event)
    return applied


def applied_events(self: DialogueStateTracker) -> list[Event]:
    """The events Rasa applies (reverted ones undone, a form's answered turns folded), as a new
    list, folding only what was added since the last call on this tracker."""
    events = self.events
    count = len(events)
    cached = getattr(self, _CACHE, None)
    if cached is not None and 0 < cached[0] <= count and events[cached[0] - 1] is cached[1]:
        done, _, loops, result = cached
        added = list(events)[done:] if done < count else []
        new_loops = loops | _loop_names(added)
        if new_loops == loops:
            applied = _fold(self, list(result), added, loops)
        else:
            loops = new_loops
            applied = _fold(self, [], events, loops)
    else:
        loops = _loop_names(events)
        applied = _fold(self, [], events, loops)
    if count:
        setattr(self, _CACHE, (count, events[-1], loops, tuple(applied)))
    return list(applied)


PATCH = Patch("folded_history", ((DialogueStateTracker, "applied_events", applied_events),))
