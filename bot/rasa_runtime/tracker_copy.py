"""Patch `tracker_copy`: `DialogueStateTracker.copy()` copies the state instead of replaying it.

Rasa copies the tracker before every action by replaying every event of the session into a new
tracker, work linear in the conversation on every step of every turn (docs/performance.md,
second round).
"""

from __future__ import annotations

import copy
import dataclasses

from rasa.shared.core.trackers import DialogueStateTracker

from bot.rasa_runtime.patch import Patch


def _copy_tracker(self: DialogueStateTracker) -> DialogueStateTracker:
    """Rasa's `copy()` without replaying the events: the same state, copied.

    Rasa's version is `init_copy()` plus `update()` for every event, and a tracker's state is by
    contract exactly what replaying its events gives, so copying that state is equivalent. What
    `update()` mutates is copied (events, slots, active loop, latest action); the event objects
    are shared, as the replay shares them. Like `init_copy()`, the copy has no model id.
    """
    duplicate = copy.copy(self)
    duplicate.events = self._create_events(list(self.events))
    duplicate.slots = {name: copy.copy(slot) for name, slot in self.slots.items()}
    duplicate.active_loop = dataclasses.replace(self.active_loop) if self.active_loop else None
    duplicate.latest_action = dict(self.latest_action) if self.latest_action else {}
    duplicate.model_id = None
    duplicate.assistant_id = None
    return duplicate


PATCH = Patch("tracker_copy", ((DialogueStateTracker, "copy", _copy_tracker),))
