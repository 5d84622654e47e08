"""The sped-up check of action server responses accepts and refuses exactly what Rasa's does."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

from bot.rasa_runtime import response_check

VALID: list[dict[str, Any]] = [
    {"events": [], "responses": []},
    {"events": [{"event": "slot", "name": "phone", "value": "13812345678"}], "responses": []},
    {"responses": [{"text": "好的"}]},
]


INVALID: list[dict[str, Any]] = [
    {"events": "not a list"},
    {"events": [{"event": "slot", "name": 5}]},
    {"responses": ["not an object"]},
]


@pytest.mark.parametrize("result", VALID)
def test_valid_responses_pass_both_checks(result: dict[str, Any], patched: None) -> None:
    assert RemoteAction("action_x", None)._validate_action_result(result) is True


@pytest.mark.parametrize("result", INVALID)
def test_invalid_responses_fail_with_rasas_message(result: dict[str, Any], patched: None) -> None:
    with pytest.raises(ValidationError, match="Failed to validate Action server response"):
        RemoteAction("action_x", None)._validate_action_result(result)


def _sdk_events() -> list[dict[str, Any]]:
    """One of every event an action server can return, as rasa_sdk builds them."""
    from rasa_sdk import events as sdk

    return [
        sdk.SlotSet("phone", "13812345678"),
        sdk.SlotSet("address", None),
        sdk.AllSlotsReset(),
        sdk.ActiveLoop("repair_form"),
        sdk.ActiveLoop(None),
        sdk.FollowupAction("action_listen"),
        sdk.UserUtteranceReverted(),
        sdk.ActionReverted(),
        sdk.ConversationPaused(),
        sdk.ConversationResumed(),
        sdk.Restarted(),
        sdk.SessionStarted(),
        sdk.BotUttered("您好", {"buttons": []}),
        sdk.UserUttered("暖气不热", {"intent": {"name": "report_repair", "confidence": 1.0}}),
        sdk.ActionExecuted("action_listen"),
        sdk.LoopInterrupted(True),
        sdk.ActionExecutionRejected("repair_form"),
        sdk.ReminderScheduled("EXTERNAL_x", datetime(2026, 11, 27, 10, 0)),
        sdk.ReminderCancelled(name="r1"),
    ]


def _broken(event: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {**event, "timestamp": "yesterday"},
        {**event, "metadata": ["not", "an", "object"]},
        {**event, "event": "no_such_event"},
        {key: value for key, value in event.items() if key != "event"},
    ]


def test_compiled_check_agrees_with_jsonschema_on_every_event_kind(patched: None) -> None:
    from jsonschema.validators import validator_for

    schema = RemoteAction.action_response_format_spec()
    reference = validator_for(schema)(schema)
    responses = [{"events": [event], "responses": [{"text": "x"}]} for event in _sdk_events()]
    responses += [{"events": [bad]} for event in _sdk_events() for bad in _broken(event)]
    responses += [{"events": _sdk_events()}, {"responses": [{"text": "a", "buttons": []}]}, {}]
    compiled = response_check._fast_action_response_check()
    for response in responses:
        expected = reference.is_valid(response)
        try:
            compiled(response)
            got = True
        except Exception:
            got = False
        assert got == expected, response
        if expected:
            assert RemoteAction("a", None)._validate_action_result(response) is True
        else:
            with pytest.raises(ValidationError, match="Failed to validate"):
                RemoteAction("a", None)._validate_action_result(response)
    assert sum(reference.is_valid(r) for r in responses) >= len(_sdk_events())
