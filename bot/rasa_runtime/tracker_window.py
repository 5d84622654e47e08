"""Bounded views of a long conversation, so a turn costs the same at message 300 as at message 1.

A WeChat user keeps one OpenID for years, and Rasa 3.6 does work linear in the session's events on
every step of every turn: each policy rebuilds the state of every earlier turn
(`Domain.states_for_tracker_history` replays the whole tracker) before looking at its last
`max_history` states, and every custom action call serialises every event for the action server
(docs/performance.md, second round).

Neither needs the whole history:

- **Policies** look at the last `max_history` states (5 for memoisation); rules are a few turns
  long. `policy_view` gives them a tracker holding the last `POLICY_TURNS` user turns, preceded
  by `SlotSet` events that restore the slots as they were where the view begins, so every state
  the policies featurise is the one they would have seen in the whole tracker. While a form
  is active the window is taken over the history as Rasa folds it (a form's happy-path turns
  fold back into its first run, which a window of raw events would not hold).
- **The action server** reads the slots, the latest message and the active form from the state
  fields, which stay exact; from the events it reads the latest turns (fallback counts,
  frustration, the offer just made, the hand-off transcript of at most 50 lines).
  `action_server_state` sends the events of the last `ACTION_TURNS` user turns.

- **Session expiry** is decided by when the user last wrote (`recent_turns`); Rasa looks that up
  in `applied_events()` of the whole tracker, twice per message.

Conversations shorter than the window are passed through untouched. The tracker the processor
keeps, saves and serves through the HTTP API (the agents' console reads transcripts there) is
never changed.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    Event,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity

#: User turns the policies see: every turn adds at least one state, so 6 turns hold the 5 states
#: memoisation reads (`max_history`), and more than any rule's user turns
#: (tests/unit/rasa_runtime/test_tracker_window.py checks both against config.yml and data/).
POLICY_TURNS = 6
#: User turns of events the action server receives: the hand-off transcript keeps 50 lines, a
#: user and a bot line per turn.
ACTION_TURNS = 25


def window_start(events: Sequence[Event], turns: int) -> int | None:
    """Index where the last `turns` user turns begin, or None when there are no more than that.

    A turn begins at the `action_listen` before its user message, so the view starts on the same
    kind of state the policies were trained on. A user message a later `UserUtteranceReverted`
    took back (the fallback action does that) leaves no state behind and is not counted.
    """
    seen = 0
    reverted = 0
    for index in range(len(events) - 1, -1, -1):
        if isinstance(events[index], UserUtteranceReverted):
            reverted += 1
        elif isinstance(events[index], UserUttered):
            if reverted:
                reverted -= 1
                continue
            seen += 1
            if seen == turns:
                start = index
                if start > 0 and _is_listen(events[start - 1]):
                    start -= 1
                return start if start > 0 else None
    return None


def _is_listen(event: Event) -> bool:
    return isinstance(event, ActionExecuted) and event.action_name == "action_listen"


#: Senders whose state at the start of the view is kept, so it is not replayed every turn.
PREFIX_CACHE_SIZE = 1000
_prefixes: OrderedDict[str, tuple[int, Event, DialogueStateTracker]] = OrderedDict()


#: The same for the folded histories of conversations with an active form (`_folded_view`).
_folded_prefixes: OrderedDict[str, tuple[int, Event, DialogueStateTracker]] = OrderedDict()


def _state_before(
    tracker: DialogueStateTracker,
    events: list[Event],
    start: int,
    prefixes: OrderedDict[str, tuple[int, Event, DialogueStateTracker]] = _prefixes,
) -> DialogueStateTracker:
    """A tracker holding `events[:start]`, replaying only what it did not hold the turn before.

    The cached state is reused only while the event at its end is still the very same object at
    the same place: a tracker reloaded from the database, or a turn that failed and was never
    saved, has other event objects, and the state is rebuilt from the first event. `events` may
    also be the folded history (`applied_events()`): it only ever loses events as the
    conversation grows, so an event still at its cached place has the same events before it.
    """
    cached = prefixes.pop(tracker.sender_id, None)
    if cached is not None and cached[0] <= start and events[cached[0] - 1] is cached[1]:
        done, before = cached[0], cached[2]
    else:
        done, before = 0, tracker.init_copy()
    for event in events[done:start]:
        before.update(event)
    prefixes[tracker.sender_id] = (start, events[start - 1], before)
    while len(prefixes) > PREFIX_CACHE_SIZE:
        prefixes.popitem(last=False)
    return before


#: Each sender's latest view: (where it starts, how many events it holds, the last of them, it).
_views: OrderedDict[str, tuple[int, int, Event, DialogueStateTracker]] = OrderedDict()


def policy_view(tracker: DialogueStateTracker, turns: int = POLICY_TURNS) -> DialogueStateTracker:
    """The tracker the policies need: its last `turns` user turns with the state they began in.

    Reverts, restarts and session starts inside the view act on it as they act on the whole
    tracker (the policies read `applied_events()` of the view). Within a turn the view starts at
    the same event, so the next prediction extends the last view with the events the actions
    added instead of building it again.
    """
    if tracker.active_loop_name:
        return _folded_view(tracker, turns)
    events = list(tracker.events)
    start = window_start(events, turns)
    if start is None:
        return tracker
    cached = _views.pop(tracker.sender_id, None)
    if (
        cached is not None
        and cached[0] == start
        and cached[1] <= len(events)
        and events[cached[1] - 1] is cached[2]
    ):
        view = cached[3]
        for event in events[cached[1] :]:
            view.update(event)
    else:
        before = _state_before(tracker, events, start)
        if before.active_loop_name:
            return _folded_view(tracker, turns)
        view = _new_view(tracker, before, events, start)
    _views[tracker.sender_id] = (start, len(events), events[-1], view)
    while len(_views) > PREFIX_CACHE_SIZE:
        _views.popitem(last=False)
    view.followup_action = tracker.followup_action
    return view


def _folded_view(tracker: DialogueStateTracker, turns: int) -> DialogueStateTracker:
    """The view while a form is active (or was, where the raw window begins).

    Rasa folds a form's happy-path turns back into its first run (`applied_events`), and that
    run lies before a window of raw events, so such a window would show the policies turns the
    whole tracker hides. The window is therefore taken over the events as Rasa applies them:
    folding is done once, here, and the view holds the last `turns` user turns of the folded
    history, preceded by the slots and the active form as they were where it begins. Folding an
    already folded history changes nothing, so the policies featurise exactly the states of the
    whole tracker's last turns. A form that keeps asking (the resident never answers) then costs
    the same at turn 300 as at turn 3, where the whole tracker grew a state per unhappy turn.
    """
    applied = tracker.applied_events()
    start = window_start(applied, turns)
    if start is None:
        return tracker
    before = _state_before(tracker, applied, start, _folded_prefixes)
    view = _new_view(tracker, before, applied, start)
    view.followup_action = tracker.followup_action
    return view


def _new_view(
    tracker: DialogueStateTracker, before: DialogueStateTracker, events: list[Event], start: int
) -> DialogueStateTracker:
    restored: list[Event] = [
        SlotSet(slot.name, slot.value)
        for slot in before.slots.values()
        if slot.value != slot.initial_value
    ]
    if before.active_loop_name:
        restored.append(ActiveLoop(before.active_loop_name))
    return DialogueStateTracker.from_events(
        tracker.sender_id,
        restored + events[start:],
        slots=list(tracker.slots.values()),
        sender_source=tracker.sender_source,
    )


def recent_turns(tracker: DialogueStateTracker, turns: int = 2) -> DialogueStateTracker:
    """The events of the last `turns` user turns as a tracker (no slots): enough to tell when
    the user last wrote. The tracker itself when it is no longer than that."""
    events = list(tracker.events)
    start = window_start(events, turns)
    if start is None:
        return tracker
    return DialogueStateTracker.from_events(tracker.sender_id, events[start:])


def _lighter(event: dict[str, Any]) -> dict[str, Any]:
    """An earlier user message without its rankings: its intent, entities, text and the FAQ
    topic chosen for it stay (a bare address after the room-standard answer books a 测温 by
    that topic, `actions.conversation._topic_form`; without it the stock-Rasa pass of the
    dialogue set booked 测温 where the patched one offered a repair)."""
    parse_data = event.get("parse_data")
    if event.get("event") != "user" or not isinstance(parse_data, dict):
        return event
    lighter = {k: v for k, v in parse_data.items() if k != "intent_ranking"}
    selector = parse_data.get("response_selector")
    if isinstance(selector, dict):
        lighter["response_selector"] = {
            name: {"response": chosen["response"]}
            for name, chosen in selector.items()
            if isinstance(chosen, dict) and "response" in chosen
        }
    return {**event, "parse_data": lighter}


def action_server_state(tracker: DialogueStateTracker, turns: int = ACTION_TURNS) -> dict[str, Any]:
    """Rasa's `current_state(EventVerbosity.ALL)` with the events of the last `turns` turns.

    User messages before the latest one go without their intent and FAQ rankings (ten entries
    each; the actions read an earlier message's intent, entities, text and chosen FAQ topic
    only), which halves the request at turn 300. The latest message is also in the state's
    `latest_message`, whole.
    """
    state = tracker.current_state(EventVerbosity.NONE)
    events = list(tracker.events)
    start = window_start(events, turns) or 0
    latest_user = next(
        (i for i in range(len(events) - 1, start - 1, -1) if isinstance(events[i], UserUttered)),
        None,
    )
    state["events"] = [
        event.as_dict() if index == latest_user else _lighter(event.as_dict())
        for index, event in enumerate(events[start:], start)
    ]
    return state


class ActionServerView:
    """What `RemoteAction._action_call_format` reads from a tracker, with the events bounded."""

    def __init__(self, tracker: DialogueStateTracker) -> None:
        self.sender_id = tracker.sender_id
        self._tracker = tracker

    def current_state(
        self, event_verbosity: EventVerbosity = EventVerbosity.NONE
    ) -> dict[str, Any]:
        """The state for the action server (only `ALL` is bounded; other verbosities as Rasa's)."""
        if event_verbosity == EventVerbosity.ALL:
            return action_server_state(self._tracker)
        return self._tracker.current_state(event_verbosity)
