"""Opt-out words are exact and collide with no word a form or an offer uses.

Every list here comes from the code and the data, not from a copy: the SMS opt-out words and
keyword codes (bot.channels.sms.keywords), the intents that stop or answer a form
(scripts/gen_form_rules.py's STOP table, plus `affirm` for offers) with all their training
examples, and every button title of every response in domain.yml (what an offer shows and a
resident types back). A 取消 or an "n" answering a form used to opt the sender out of every notice
and leave the form open; 通知我 after an outage answer used to unsubscribe.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from rasa.shared.nlu.training_data.loading import load_data
from rasa.shared.nlu.training_data.message import Message

from bot.channels.sms.keywords import KEYWORD_INTENTS, OPT_OUT_WORDS, Kind, command_of, route
from bot.nlu.guard import IntentCorrections
from bot.nlu.notices import names_notices

ROOT = Path(__file__).resolve().parents[2]


def _form_rules() -> Any:
    spec = importlib.util.spec_from_file_location(
        "gen_form_rules", ROOT / "scripts/gen_form_rules.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


#: Intents a resident uses to stop a form (deny, cancel_ticket …) or answer an offer (affirm).
FORM_INTENTS = sorted({*_form_rules().STOP, "affirm", "deny"})
DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
TRAINING = load_data(str(ROOT / "data" / "nlu"))


def _examples(intent: str) -> list[str]:
    return [m.get("text") for m in TRAINING.intent_examples if m.get("intent") == intent]


def _offers() -> list[list[dict[str, str]]]:
    """The buttons of every response variant that has any."""
    return [
        list(variant["buttons"])
        for variants in DOMAIN["responses"].values()
        for variant in variants
        if variant.get("buttons")
    ]


FORM_WORDS = sorted({text for intent in FORM_INTENTS for text in _examples(intent)})
BUTTON_TITLES = sorted({b["title"] for buttons in _offers() for b in buttons})


def test_the_lists_are_not_empty() -> None:
    assert len(FORM_WORDS) > 200 and len(BUTTON_TITLES) > 5 and OPT_OUT_WORDS


@pytest.mark.parametrize("text", FORM_WORDS)
def test_no_word_that_stops_or_answers_a_form_is_an_sms_opt_out(text: str) -> None:
    assert command_of(text) not in OPT_OUT_WORDS


@pytest.mark.parametrize("title", BUTTON_TITLES)
def test_no_offer_button_is_an_sms_opt_out(title: str) -> None:
    assert command_of(title) not in OPT_OUT_WORDS


def test_no_keyword_code_or_option_number_is_an_opt_out() -> None:
    longest = max(len(buttons) for buttons in _offers())
    numbers = {str(n) for n in range(1, longest + 1)}
    assert not (set(KEYWORD_INTENTS) | numbers) & OPT_OUT_WORDS


@pytest.mark.parametrize("word", sorted(OPT_OUT_WORDS))
def test_every_opt_out_word_is_honoured_whatever_the_form_offers(word: str) -> None:
    for buttons in _offers():
        assert route(word, buttons).kind is Kind.OPT_OUT


@pytest.mark.parametrize("buttons", _offers(), ids=lambda b: "/".join(x["title"] for x in b))
def test_cancel_inside_a_form_or_offer_goes_to_the_conversation(
    buttons: list[dict[str, str]],
) -> None:
    assert route("取消", buttons).kind is not Kind.OPT_OUT


def _corrected(text: str, intent: str) -> str:
    ranking = [{"name": intent, "confidence": 0.6}, {"name": "cancel_ticket", "confidence": 0.3}]
    message = Message(data={"text": text, "intent": ranking[0], "intent_ranking": ranking})
    [out] = IntentCorrections().process([message])
    return str(out.get("intent")["name"])


@pytest.mark.parametrize("text", [t for t in FORM_WORDS if not names_notices(t)])
def test_a_form_word_read_as_unsubscribe_is_moved_off_it(text: str) -> None:
    assert _corrected(text, "unsubscribe") != "unsubscribe"


@pytest.mark.parametrize("text", _examples("subscribe"))
def test_a_request_for_notices_read_as_unsubscribe_is_a_subscription(text: str) -> None:
    assert _corrected(text, "unsubscribe") == "subscribe"


def test_every_opt_out_example_stays_an_opt_out() -> None:
    moved = [t for t in _examples("unsubscribe") if _corrected(t, "unsubscribe") != "unsubscribe"]
    assert moved == []


def test_every_subscription_example_stays_a_subscription() -> None:
    moved = [t for t in _examples("subscribe") if _corrected(t, "subscribe") != "subscribe"]
    assert moved == []


@pytest.mark.parametrize(
    "text",
    [
        "先别查 你就告诉我没人住能不能退钱",  # the players' pl-094: unsubscribed from every notice
        "不用查了 直接告诉我交多少钱",
        "别查户号了 你就说说空房子要不要交费",
        "先不查 告诉我一下营业厅几点开门呗",
    ],
)
def test_asking_to_be_told_an_answer_is_no_opt_out(text: str) -> None:
    """Players' class F: 别 (the lookup) beside 告诉我 (the answer) read as 别…告诉, an opt-out."""
    assert _corrected(text, "unsubscribe") != "unsubscribe"


@pytest.mark.parametrize(
    "text", ["以后别告诉我了 烦死", "别再发短信告诉我了", "停热的事不用通知我了"]
)
def test_a_refusal_of_being_told_stays_an_opt_out(text: str) -> None:
    assert _corrected(text, "unsubscribe") == "unsubscribe"
