"""Bounded views of a long conversation show the policies and the action server what the whole
tracker would have shown them, for the part they read."""

from __future__ import annotations

import copy
import inspect
from pathlib import Path
from typing import Any

import pytest
import yaml
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActionExecutionRejected,
    ActiveLoop,
    BotUttered,
    Event,
    SessionStarted,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity

from actions.common import transcript
from bot.rasa_runtime import tracker_window
from bot.rasa_runtime.tracker_window import (
    ACTION_TURNS,
    POLICY_TURNS,
    action_server_state,
    policy_view,
    window_start,
)

ROOT = Path(__file__).resolve().parents[3]
DOMAIN = Domain.load(str(ROOT / "domain.yml"))


def _turn(
    intent: str, text: str, *actions: str, entities: list[dict[str, Any]] | None = None
) -> list[Event]:
    events: list[Event] = [
        ActionExecuted("action_listen"),
        UserUttered(text, {"name": intent, "confidence": 1.0}, entities or []),
    ]
    for action in actions:
        events.append(ActionExecuted(action))
        if action.startswith("utter_"):
            events.append(BotUttered(f"({action})"))
    return events


def _long_conversation(chatter_turns: int) -> list[Event]:
    """A household verifies, starts a repair form, then chats on while the form waits."""
    events: list[Event] = [ActionExecuted("action_session_start"), SessionStarted()]
    events += _turn("greet", "你好", "utter_greet")
    events += _turn("query_fee", "查一下暖气费", "verify_form")
    events += [ActiveLoop("verify_form"), SlotSet("requested_slot", "account_no")]
    events += _turn("inform", "0102345678", "action_extract_slots", "verify_form")
    events += [
        SlotSet("account_no", "0102345678"),
        SlotSet("verified_account", "0102345678"),
        ActiveLoop(None),
        SlotSet("requested_slot", None),
    ]
    events += _turn("report_repair", "暖气不热", "repair_form")
    events += [ActiveLoop("repair_form"), SlotSet("fault_type", "no_heat")]
    events += [SlotSet("requested_slot", "address")]
    # a turn later taken back (the form's validation rejected it): policies must not see it
    events += _turn("out_of_scope", "讲个笑话", "action_fallback")
    events += [UserUtteranceReverted()]
    events += _turn("inform", "幸福里3号楼2单元501", "repair_form")
    events += [SlotSet("address", "幸福里3号楼2单元501"), ActiveLoop(None)]
    events += [SlotSet("requested_slot", None)]
    for index in range(chatter_turns):
        intent, text = [("faq", "几号供暖"), ("thank", "谢谢"), ("query_outage", "停暖了吗")][
            index % 3
        ]
        events += _turn(intent, f"{text}{index}", "action_answer_faq")
    events += [ActionExecuted("action_listen")]
    return events


def _tracker(events: list[Event]) -> DialogueStateTracker:
    return DialogueStateTracker.from_events("wx-user", events, DOMAIN.slots)


@pytest.mark.parametrize("ignore_rule_only_turns", [False, True])
def test_policies_see_the_same_last_states_as_on_the_whole_tracker(
    ignore_rule_only_turns: bool,
) -> None:
    tracker = _tracker(_long_conversation(40))
    view = policy_view(tracker)
    assert len(view.events) < len(tracker.events) / 3

    def states(t: DialogueStateTracker) -> list[Any]:
        return DOMAIN.states_for_tracker_history(
            t, ignore_rule_only_turns=ignore_rule_only_turns, rule_only_data={}
        )

    whole, bounded = states(tracker), states(view)
    # the first state of the view has no previous action; every later one must be identical
    compared = len(bounded) - 1
    assert compared >= 2 * POLICY_TURNS - 2
    assert bounded[-compared:] == whole[-compared:]


def test_the_view_keeps_the_slots_form_and_latest_message() -> None:
    tracker = _tracker(_long_conversation(40))
    view = policy_view(tracker)
    assert view.current_slot_values() == tracker.current_slot_values()
    assert view.active_loop_name is None and tracker.active_loop_name is None
    assert view.current_slot_values()["address"] == "幸福里3号楼2单元501"
    assert view.latest_message == tracker.latest_message
    assert view.latest_action_name == tracker.latest_action_name
    assert view.followup_action == tracker.followup_action
    user_turns = [e for e in view.events if isinstance(e, UserUttered)]
    assert len(user_turns) == POLICY_TURNS


def test_short_conversations_are_not_copied() -> None:
    tracker = _tracker(_long_conversation(0))
    assert policy_view(tracker) is tracker
    assert action_server_state(tracker) == tracker.current_state(EventVerbosity.ALL)


def test_window_starts_at_the_listen_before_the_oldest_kept_user_message() -> None:
    events = _long_conversation(20)
    start = window_start(events, 5)
    assert start is not None
    assert (
        isinstance(events[start], ActionExecuted) and events[start].action_name == "action_listen"
    )
    assert isinstance(events[start + 1], UserUttered)
    assert sum(isinstance(e, UserUttered) for e in events[start:]) == 5
    assert window_start(events, 10_000) is None


def test_action_server_gets_exact_state_and_the_latest_events() -> None:
    tracker = _tracker(_long_conversation(80))
    whole = tracker.current_state(EventVerbosity.ALL)
    bounded = action_server_state(tracker)
    assert {k: v for k, v in bounded.items() if k != "events"} == {
        k: v for k, v in whole.items() if k != "events"
    }
    assert bounded["events"] == whole["events"][-len(bounded["events"]) :]
    assert sum(e["event"] == "user" for e in bounded["events"]) == ACTION_TURNS


def test_the_window_is_wider_than_what_the_policies_and_actions_read() -> None:
    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    histories = [p["max_history"] for p in config["policies"] if p.get("max_history")]
    assert histories and max(histories) <= POLICY_TURNS  # a turn adds at least one state
    rules = [
        rule
        for path in sorted((ROOT / "data/stories").glob("*.yml"))
        for rule in yaml.safe_load(path.read_text(encoding="utf-8")).get("rules") or []
    ]
    longest_rule = max(sum("intent" in step for step in rule.get("steps", [])) for rule in rules)
    assert longest_rule < POLICY_TURNS
    # the hand-off transcript: a user and a bot line per turn
    limit = inspect.signature(transcript).parameters["limit"].default
    assert limit <= 2 * ACTION_TURNS


def test_the_state_before_the_view_is_carried_forward_not_replayed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    events = _long_conversation(40)
    grown = _tracker(events[:-20])
    replays: list[str] = []
    original = DialogueStateTracker.init_copy

    def counting_init_copy(self: DialogueStateTracker) -> DialogueStateTracker:
        replays.append(self.sender_id)
        return original(self)

    monkeypatch.setattr(DialogueStateTracker, "init_copy", counting_init_copy)
    policy_view(grown)
    for event in events[-20:]:
        grown.update(event)
    carried = policy_view(grown)
    assert len(replays) == 1  # the second view continued from the cached state

    tracker_window._prefixes.clear()
    tracker_window._views.clear()
    fresh = policy_view(_tracker(events))  # other event objects: rebuilt from the start
    assert len(replays) == 2
    assert carried.current_slot_values() == fresh.current_slot_values()
    assert carried.events[-1] is fresh.events[-1] or carried.events[-1] == fresh.events[-1]
    assert DOMAIN.states_for_tracker_history(carried) == DOMAIN.states_for_tracker_history(fresh)

    replays.clear()
    policy_view(_tracker(events))  # the same event objects: continued
    assert replays == []
    policy_view(_tracker(copy.deepcopy(events)))  # reloaded from the database: other objects
    assert len(replays) == 1


def test_within_a_turn_the_view_is_extended_with_what_the_actions_added() -> None:
    events = _long_conversation(30)
    tracker = _tracker(events[:-3])
    first = policy_view(tracker)
    for event in [
        ActionExecuted("action_answer_faq"),
        BotUttered("11月15日"),
        SlotSet("pending", "x"),
    ]:
        tracker.update(event)
    extended = policy_view(tracker)
    assert extended is first  # the same view, three events longer
    tracker_window._prefixes.clear()
    tracker_window._views.clear()
    rebuilt = policy_view(tracker)
    assert rebuilt is not extended
    assert DOMAIN.states_for_tracker_history(extended) == DOMAIN.states_for_tracker_history(rebuilt)
    assert (
        extended.current_slot_values()
        == rebuilt.current_slot_values()
        == tracker.current_slot_values()
    )


def test_earlier_user_messages_reach_the_action_server_without_their_rankings() -> None:
    def said(text: str, intent: str) -> UserUttered:
        parse_data = {
            "intent": {"name": intent, "confidence": 0.9},
            "intent_ranking": [
                {"name": intent, "confidence": 0.9},
                {"name": "faq", "confidence": 0.1},
            ],
            "response_selector": {
                "all_retrieval_intents": ["faq"],
                "faq": {
                    "response": {
                        "intent_response_key": "faq/room_temp_standard",
                        "confidence": 0.9,
                    },
                    "ranking": [{"intent_response_key": "faq/room_temp_standard"}] * 10,
                },
            },
            "entities": [{"entity": "phone", "value": "13812345678", "start": 0, "end": 11}],
            "text": text,
        }
        return UserUttered(text, parse_data["intent"], parse_data["entities"], parse_data)

    events: list[Event] = [ActionExecuted("action_listen"), said("13812345678", "inform")]
    events += [ActionExecuted("action_handle_inform"), ActionExecuted("action_listen")]
    events += [said("转人工", "request_human")]
    state = action_server_state(_tracker(events))
    earlier, latest = [e for e in state["events"] if e["event"] == "user"]
    assert "intent_ranking" not in earlier["parse_data"]
    # the FAQ topic chosen stays (actions read it: a bare address after the room-standard
    # answer books a 测温), its ranking goes
    assert earlier["parse_data"]["response_selector"] == {
        "faq": {"response": {"intent_response_key": "faq/room_temp_standard", "confidence": 0.9}}
    }
    assert earlier["parse_data"]["intent"]["name"] == "inform"
    assert earlier["parse_data"]["entities"][0]["value"] == "13812345678"
    assert earlier["text"] == "13812345678"
    assert len(latest["parse_data"]["intent_ranking"]) == 2
    assert "response_selector" in latest["parse_data"]


def test_reverted_turns_do_not_shrink_the_policies_history() -> None:
    events = _long_conversation(12)[:-1]
    for index in range(5):  # five messages the fallback took back
        events += _turn("nlu_fallback", f"😀{index}", "action_fallback")
        events += [UserUtteranceReverted()]
    events += _turn("affirm", "好", "action_handle_yes_no")
    events += [ActionExecuted("action_listen")]
    tracker = _tracker(events)
    view = policy_view(tracker)
    whole, bounded = (DOMAIN.states_for_tracker_history(t) for t in (tracker, view))
    assert len(bounded) - 1 >= 2 * POLICY_TURNS - 2
    assert bounded[-(len(bounded) - 1) :] == whole[-(len(bounded) - 1) :]


def test_a_form_on_its_happy_path_folds_back_and_needs_no_view() -> None:
    """Rasa folds the form's answered turns into its first run: the history stays short."""
    events: list[Event] = [ActionExecuted("action_session_start"), SessionStarted()]
    events += _turn("report_repair", "暖气不热", "repair_form")
    events += [ActiveLoop("repair_form"), SlotSet("requested_slot", "address")]
    for index in range(POLICY_TURNS + 3):  # the form's happy path, longer than the window
        events += _turn("inform", f"幸福里{index}号楼", "repair_form")
        events += [SlotSet("requested_slot", "address")]
    events += [ActionExecuted("action_listen")]
    tracker = _tracker(events)
    assert policy_view(tracker) is tracker


def _form_that_keeps_asking(turns: int) -> list[Event]:
    """A repair form the resident never answers: failed answers, side questions answered
    before the form resumes, messages the form rejects, messages the fallback takes back, and
    finally an answer the form takes."""
    events: list[Event] = [ActionExecuted("action_session_start"), SessionStarted()]
    events += _turn("report_repair", "暖气不热", "repair_form")
    events += [ActiveLoop("repair_form"), SlotSet("fault_type", "no_heat")]
    events += [SlotSet("requested_slot", "address")]
    for index in range(turns):
        kind = index % 4
        if kind == 0:  # the form runs and asks again
            events += _turn("inform", f"嗯{index}", "repair_form")
            events += [SlotSet("address", None), SlotSet("requested_slot", "address")]
        elif kind == 1:  # a side question, answered, then the form resumes
            events += _turn("faq", f"几号供暖{index}", "action_answer_faq", "repair_form")
            events += [SlotSet("requested_slot", "address")]
        elif kind == 2:  # the form rejects the message and the fallback answers
            events += [
                ActionExecuted("action_listen"),
                UserUttered(f"唔{index}", {"name": "out_of_scope", "confidence": 1.0}),
                ActionExecutionRejected("repair_form"),
                ActionExecuted("action_fallback"),
                BotUttered("(fallback)"),
                ActionExecuted("repair_form"),
                SlotSet("requested_slot", "address"),
            ]
        else:  # a message the fallback takes back
            events += _turn("nlu_fallback", f"😀{index}", "action_fallback")
            events += [UserUtteranceReverted()]
    events += _turn("inform", "幸福里3号楼2单元501", "repair_form")
    events += [SlotSet("address", "幸福里3号楼2单元501"), SlotSet("requested_slot", "phone")]
    return events


@pytest.mark.parametrize("ignore_rule_only_turns", [False, True])
def test_a_long_active_form_gets_a_bounded_view_with_the_whole_trackers_states(
    ignore_rule_only_turns: bool,
) -> None:
    events = _form_that_keeps_asking(60)
    tracker_window._folded_prefixes.clear()
    checked = 0
    # after every user message of one conversation, so the per-sender caches carry over
    for end in [i + 1 for i, event in enumerate(events) if isinstance(event, UserUttered)]:
        tracker = _tracker(events[:end])
        view = policy_view(tracker)
        if view is tracker:
            continue
        checked += 1
        whole, bounded = (
            DOMAIN.states_for_tracker_history(
                t, ignore_rule_only_turns=ignore_rule_only_turns, rule_only_data={}
            )
            for t in (tracker, view)
        )
        compared = len(bounded) - 1  # the view's first state has no previous action
        assert compared >= POLICY_TURNS
        assert bounded[-compared:] == whole[-compared:], f"after event {end}"
        assert view.active_loop_name == tracker.active_loop_name == "repair_form"
        assert view.is_active_loop_rejected == tracker.is_active_loop_rejected
        assert view.current_slot_values() == tracker.current_slot_values()
        assert view.latest_message == tracker.latest_message
        assert sum(isinstance(e, UserUttered) for e in view.events) <= POLICY_TURNS
    assert checked > 40


def test_a_long_active_form_costs_the_same_at_turn_300_as_at_turn_30() -> None:
    views = [policy_view(_tracker(_form_that_keeps_asking(turns))) for turns in (30, 300)]
    states = [len(DOMAIN.states_for_tracker_history(view)) for view in views]
    assert states[1] == states[0] < 2 * POLICY_TURNS + 10
    assert all(len(view.events) < 60 for view in views)
