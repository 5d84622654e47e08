"""Patch `session_check`: session expiry decided from the last turns; the start-up heap frozen.

Rasa's session check reads `applied_events()` of the whole tracker twice per message, work linear
in the conversation (docs/performance.md, second round). The check also runs first thing on every
message, which makes it the hook for freezing the start-up heap out of the garbage collector once
the model is loaded (the tracker store, where `install()` runs, is created before the model).
"""

from __future__ import annotations

import gc

from rasa.core.channels.channel import OutputChannel
from rasa.core.processor import MessageProcessor
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.rasa_runtime import tracker_window
from bot.rasa_runtime.patch import Patch

#: Rasa's own implementation, the reference (tests compare against it).
RASA_UPDATE_SESSION = MessageProcessor._update_tracker_session

_heap_frozen = False


def _freeze_heap_once() -> None:
    """Move everything alive after start-up (Rasa, the model, the libraries) out of the GC's view.

    Python's full collections walk every tracked object; the server holds millions after loading
    Rasa, scikit-learn and TensorFlow's modules, so each full collection stalled every
    conversation in flight. Frozen objects are never collected (they live as long as the server
    anyway); what turns allocate is collected as before. Runs at the first message, when the
    model is loaded.
    """
    global _heap_frozen
    if not _heap_frozen:
        _heap_frozen = True
        gc.collect()
        gc.freeze()


async def _update_tracker_session(
    self: MessageProcessor,
    tracker: DialogueStateTracker,
    output_channel: OutputChannel,
    metadata: dict | None = None,
) -> None:
    """Rasa's session check, answered from the last turns when the user wrote recently.

    Rasa starts a new session when the tracker has no applied events or the last applied user
    message is older than the session expiry, reading `applied_events()` of the whole tracker
    twice. When the user's last message in the last two turns is recent and no form is active,
    the session goes on; anything else is left to Rasa's own check.
    """
    _freeze_heap_once()
    recent = tracker_window.recent_turns(tracker)
    if (
        recent is not tracker
        # during a form Rasa measures from the message that started it (its turns fold back)
        and not tracker.active_loop_name
        and recent.get_last_event_for(UserUttered) is not None
        and not self._has_session_expired(recent)
    ):
        return
    await RASA_UPDATE_SESSION(self, tracker, output_channel, metadata)


PATCH = Patch(
    "session_check", ((MessageProcessor, "_update_tracker_session", _update_tracker_session),)
)
