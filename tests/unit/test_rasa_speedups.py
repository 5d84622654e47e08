"""The sped-up check of action server responses accepts and refuses exactly what Rasa's does."""

from __future__ import annotations

from typing import Any

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

from bot import rasa_speedups

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


@pytest.fixture
def patched(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        RemoteAction, "_validate_action_result", RemoteAction._validate_action_result
    )
    rasa_speedups.apply()


@pytest.mark.parametrize("result", VALID)
def test_valid_responses_pass_both_checks(result: dict[str, Any], patched: None) -> None:
    assert RemoteAction("action_x", None)._validate_action_result(result) is True


@pytest.mark.parametrize("result", INVALID)
def test_invalid_responses_fail_with_rasas_message(result: dict[str, Any], patched: None) -> None:
    with pytest.raises(ValidationError, match="Failed to validate Action server response"):
        RemoteAction("action_x", None)._validate_action_result(result)


def test_loading_the_tracker_store_installs_the_speedup() -> None:
    import bot.tracker_store  # noqa: F401  (what the Rasa server does via endpoints.yml)

    assert RemoteAction._validate_action_result is rasa_speedups._validate_action_result
