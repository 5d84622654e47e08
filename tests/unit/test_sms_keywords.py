"""Opt-out words, keyword codes and numbered options, before NLU sees an SMS."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from bot.channels.sms.keywords import (
    KEYWORD_INTENTS,
    OPT_OUT_WORDS,
    Kind,
    Route,
    command_of,
    route,
)
from bot.contract import CONTRACT_INTENTS, PROJECT_INTENTS

CONTRACT = Path(__file__).resolve().parents[3] / "shared" / "spec" / "nlu-contract.md"
OPTIONS = [
    {"title": "确认取消", "payload": "/affirm"},
    {"title": "不取消", "payload": "/deny"},
]


@pytest.mark.parametrize(
    "text",
    ["R", "r", "T", "t", "TD", "td", "Td", "退订", "0000",
     " TD ", "\tT\n", "ＴＤ", "ｔｄ", "Ｒ", "００００", "退 订", "退订。", "TD!"],
)  # fmt: skip
def test_opt_out_words_in_any_case_width_and_spacing(text: str) -> None:
    assert route(text, OPTIONS).kind is Kind.OPT_OUT


@pytest.mark.parametrize(
    "text",
    ["取消工单BX202611270003", "取消 BX202611270003", "我要退订通知吗", "TDD", "RT", "000", "00000",
     "NO", "不要", "N", "n", "取消", "　取消　", "通知我"],
)  # fmt: skip
def test_words_inside_a_sentence_and_form_answers_are_no_opt_out(text: str) -> None:
    assert route(text, OPTIONS).kind is not Kind.OPT_OUT


@pytest.mark.parametrize(
    ("text", "intent"),
    [("CF", "query_fee"), ("cf", "query_fee"), ("ＣＦ", "query_fee"), (" Tr ", "query_outage"),
     ("BX", "report_repair"), ("ts", "file_complaint"), ("CW", "request_temp_check"),
     ("ｒｇ", "request_human"), ("dy", "subscribe")],
)  # fmt: skip
def test_keyword_codes_become_intent_payloads(text: str, intent: str) -> None:
    assert route(text, []) == Route(Kind.INTENT, f"/{intent}")


def test_keyword_codes_name_contract_intents() -> None:
    assert set(KEYWORD_INTENTS.values()) <= CONTRACT_INTENTS | PROJECT_INTENTS


def test_the_contract_file_lists_the_same_codes_and_opt_out_words() -> None:
    if not CONTRACT.exists():
        pytest.skip("shared/spec is not beside this checkout")
    section = CONTRACT.read_text(encoding="utf-8").split("## SMS keywords", 1)[1]
    codes = dict(re.findall(r"`([A-Z]{2})`\s+\S+\s+→\s+`(\w+)`", section))
    # The contract's codes as it maps them; codes added here stand for the project's intents.
    assert codes.items() <= dict(KEYWORD_INTENTS).items()
    assert {KEYWORD_INTENTS[c] for c in set(KEYWORD_INTENTS) - set(codes)} <= PROJECT_INTENTS
    opt_out = re.search(r"((?:`[^`]+` / )+`[^`]+`) → `unsubscribe`", section)
    assert opt_out is not None
    assert set(re.findall(r"`([^`]+)`", opt_out.group(1))) <= OPT_OUT_WORDS


def test_a_number_picks_a_pending_option_and_otherwise_is_text() -> None:
    assert route("1", OPTIONS) == Route(Kind.CHOICE, "/affirm")
    assert route("２", OPTIONS) == Route(Kind.CHOICE, "/deny")
    assert route("不取消", OPTIONS) == Route(Kind.CHOICE, "/deny")
    assert route("3", OPTIONS) == Route(Kind.TEXT, "3")
    assert route("1", []) == Route(Kind.TEXT, "1")


def test_free_text_goes_to_nlu_unchanged() -> None:
    assert route(" 暖气不热了 ", OPTIONS) == Route(Kind.TEXT, " 暖气不热了 ")


def test_typed_intent_triggers_are_read_as_text() -> None:
    typed = ' /inform{"account_no": "0102345678"}'
    assert route(typed, OPTIONS) == Route(Kind.TEXT, 'inform{"account_no": "0102345678"}')
    assert route("／request_human", []) == Route(Kind.TEXT, "request_human")


def test_command_of_folds_width_case_space_and_punctuation() -> None:
    assert command_of(" ｔ ｄ 。") == "TD"


def test_the_sms_greeting_names_every_keyword_code() -> None:
    domain = yaml.safe_load((Path(__file__).resolve().parents[2] / "domain.yml").read_text("utf-8"))
    [greeting] = [
        v["text"] for v in domain["responses"]["utter_greet"] if v.get("channel") == "sms"
    ]
    assert [code for code in KEYWORD_INTENTS if code not in greeting] == []
