"""InputGuard and the parse-time length cut: odd input always reaches the fallback action."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.components import TextNormalizer
from bot.nlu.guard import InputGuard
from bot.nlu.limits import INPUT_TRUNCATED, MAX_MESSAGE_CHARS


def _classified(text: str) -> Message:
    message = Message(data={"text": text})
    message.set("intent", {"name": "report_repair", "confidence": 0.9}, add_to_output=True)
    message.set("entities", [{"entity": "fault_type", "value": "no_heat"}], add_to_output=True)
    return message


def _guard() -> InputGuard:
    return InputGuard.create({}, None, None, None)  # type: ignore[arg-type]


@pytest.mark.parametrize("text", ["", "   ", "😀🥶", "？？！！", "\u200b"])
def test_wordless_messages_fall_back(text: str) -> None:
    (message,) = _guard().process([_classified(text)])
    assert message.get("intent") == {"name": "nlu_fallback", "confidence": 1.0}
    assert message.get("entities") == []


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("👌", "affirm"),
        ("👍🏻👍🏻", "affirm"),
        ("🙆‍♀️", "affirm"),
        ("👎", "deny"),
        ("❌ ❌", "deny"),
        ("👍！", "affirm"),
        ("👌~~", "affirm"),
        ("👎。", "deny"),
    ],
)
def test_yes_and_no_gestures_answer_a_question(text: str, intent: str) -> None:
    (message,) = _guard().process([_classified(text)])
    assert message.get("intent") == {"name": intent, "confidence": 1.0}
    assert message.get("entities") == []


@pytest.mark.parametrize("text", ["👍👎", "👌😀", "👍！👎", "！！", "👍？"])
def test_mixed_gestures_still_fall_back(text: str) -> None:
    (message,) = _guard().process([_classified(text)])
    assert message.get("intent")["name"] == "nlu_fallback"


@pytest.mark.parametrize("text", ["不热", "ok", "5", "暖气不热😡"])
def test_messages_with_words_keep_their_intent(text: str) -> None:
    (message,) = _guard().process([_classified(text)])
    assert message.get("intent")["name"] == "report_repair"


def test_over_long_messages_are_cut_flagged_and_fall_back() -> None:
    normalizer = TextNormalizer.create(TextNormalizer.get_default_config(), None, None, None)  # type: ignore[arg-type]
    message = Message(data={"text": "暖气不热" * 1000})
    normalizer.process([message])
    assert len(message.get("text")) == MAX_MESSAGE_CHARS
    assert message.get(INPUT_TRUNCATED) is True
    message.set("intent", {"name": "report_repair", "confidence": 0.99})
    _guard().process([message])
    assert message.get("intent")["name"] == "nlu_fallback"


def test_messages_at_the_limit_are_parsed_whole() -> None:
    normalizer = TextNormalizer.create(TextNormalizer.get_default_config(), None, None, None)  # type: ignore[arg-type]
    message = Message(data={"text": "热" * MAX_MESSAGE_CHARS})
    normalizer.process([message])
    assert message.get(INPUT_TRUNCATED) is None
    assert len(message.get("text")) == MAX_MESSAGE_CHARS


def test_a_cut_message_of_gestures_still_falls_back() -> None:
    message = _classified("👍" * 10)
    message.set(INPUT_TRUNCATED, True)
    (message,) = _guard().process([message])
    assert message.get("intent")["name"] == "nlu_fallback"
