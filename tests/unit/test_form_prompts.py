"""One question per turn (issue 16, the lead's F7): a form's reproach is followed by the form's
question, so the reproach says what is missing and never repeats the question's example or its
wording ("没能识别出地址。…例如：阳光花园5号楼1单元302。" + "请告诉我详细地址，例如：阳光花园5号楼
1单元302。" was two copies of one prompt in one turn)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
RESPONSES: dict[str, list[dict[str, Any]]] = yaml.safe_load(
    (ROOT / "domain.yml").read_text(encoding="utf-8")
)["responses"]

#: Each reproach and the questions that follow it in the same turn.
PAIRS = {
    "utter_invalid_address": ("utter_ask_address", "utter_ask_verify_form_address"),
    "utter_invalid_phone": ("utter_ask_phone",),
    "utter_invalid_visit_time": ("utter_ask_visit_time",),
    "utter_invalid_last4": ("utter_ask_phone_last4",),
    "utter_invalid_fault_type": ("utter_ask_fault_type",),
    "utter_address_incomplete": ("utter_ask_address",),
}
EXAMPLE = re.compile(r"例如|比如|如：|（如|，如|如\d")
#: Shared wording this long is a second copy of the question.
COPY = 6


def _texts(name: str, channel: str | None) -> list[str]:
    return [
        str(variant["text"])
        for variant in RESPONSES[name]
        if variant.get("channel") == channel or (channel and "channel" not in variant)
    ]


def _shared(one: str, other: str) -> str | None:
    """A run of `COPY` characters of `one` that `other` has too (placeholders left out)."""
    plain = re.sub(r"\{\w+\}", "\u0000", one)
    for start in range(len(plain) - COPY + 1):
        piece = plain[start : start + COPY]
        if "\u0000" not in piece and piece in other:
            return piece
    return None


@pytest.mark.parametrize("reproach", sorted(PAIRS))
@pytest.mark.parametrize("channel", [None, "sms"])
def test_a_reproach_does_not_repeat_the_question_after_it(
    reproach: str, channel: str | None
) -> None:
    for said in _texts(reproach, channel):
        assert not EXAMPLE.search(said), f"{reproach} gives an example: {said}"
        for question in PAIRS[reproach]:
            for asked in _texts(question, channel):
                copied = _shared(said, asked)
                assert copied is None, f"{reproach} repeats {question}: {copied!r}"
