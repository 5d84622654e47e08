"""Bare 要 / 不要 answers are yes and no in every channel, whatever the classifier made of them."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.answers import yes_no_answer
from bot.nlu.guard import IntentCorrections


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("要", "affirm"),
        ("要的", "affirm"),
        ("嗯要", "affirm"),
        ("嗯，要！", "affirm"),
        ("需要", "affirm"),
        ("要啊", "affirm"),
        ("好 要", "affirm"),
        ("不要", "deny"),
        ("不需要了", "deny"),
        # not bare answers: left to the classifier
        ("要报修", None),
        ("不要上门了，我自己弄好了", None),
        ("要吗", None),
        ("要不", None),
        ("重要", None),
        ("", None),
    ],
)
def test_bare_yes_and_no_words(text: str, answer: str | None) -> None:
    assert yes_no_answer(text) == answer


def test_the_pipeline_reads_a_bare_yao_as_affirm_whatever_the_classifier_said() -> None:
    def parsed(text: str, intent: str) -> Message:
        return Message(data={"text": text, "intent": {"name": intent, "confidence": 0.4}})

    out = IntentCorrections().process(
        [parsed("要", "request_human"), parsed("嗯要", "nlu_fallback"), parsed("不要", "inform")]
    )
    assert [m.get("intent")["name"] for m in out] == ["affirm", "affirm", "deny"]
