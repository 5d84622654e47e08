"""A yes that asks someone to come, after an answer (行 那你们来一趟吧): the visit, not "anything
else?" (found playing the stack: the floor-heating answer, then 上门调要钱吗, then 行 那你们来一趟吧
got 好的。还有什么可以帮您？ and nothing was booked); a bare 户号 after 暖气费怎么交 asks for that
account's bill, not "what is this number for?"."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import ActionHandleInform, ActionHandleYesNo

from .conftest import has_event, slot_values, texts, tracker, user_turn

_ANSWER = {"event": "bot", "text": "地暖升温比暖气片慢……调过仍不热，回复“我要报修”", "metadata": {}}


async def _after_answer(domain: dict[str, Any], question: str, reply: str) -> tuple[list, list]:
    dispatcher = CollectingDispatcher()
    events = await ActionHandleYesNo().run(
        dispatcher,
        tracker(
            user_turn(question, "faq", message_id="q"),
            _ANSWER,
            user_turn(reply, "affirm", message_id="r"),
        ),
        domain,
    )
    return events, texts(dispatcher)


@pytest.mark.parametrize(
    "reply", ["行 那你们来一趟吧", "好 那麻烦师傅过来瞅瞅", "可以 那你们安排个师傅上门吧"]
)
async def test_a_yes_that_asks_for_a_visit_books_it_with_the_fault_told(
    domain: dict[str, Any], reply: str
) -> None:
    events, said = await _after_answer(domain, "卧室暖气片一直不热 放过气了也不行", reply)
    assert has_event(events, "followup", "repair_form")
    assert slot_values(events).get("fault_type") == "no_heat"
    assert "utter_anything_else" not in said


async def test_a_yes_that_asks_for_a_measurement_books_the_measurement(
    domain: dict[str, Any],
) -> None:
    events, _ = await _after_answer(domain, "屋里多少度算达标", "好 那你们来测一下吧")
    assert has_event(events, "followup", "temp_check_form")


@pytest.mark.parametrize("reply", ["好的 谢谢", "行 那我自己试试", "嗯 知道了"])
async def test_a_plain_yes_books_nothing(domain: dict[str, Any], reply: str) -> None:
    events, said = await _after_answer(domain, "暖气片放气阀在哪", reply)
    assert not any(e.get("event") == "followup" for e in events)
    assert said[-1] == "utter_anything_else"


def _account(value: str) -> list[dict[str, Any]]:
    return [{"entity": "account_no", "value": value}]


@pytest.mark.parametrize(
    ("question", "topic", "books"),
    [
        ("我要交暖气费 怎么交", "payment_channels", True),  # found playing: got the menu
        ("过了年再交有滞纳金吗", "late_fee", True),
        ("暖气片放气阀在哪", "radiator_bleeding", False),  # nothing about the bill
    ],
)
async def test_a_bare_account_after_talk_of_the_bill_asks_for_that_bill(
    domain: dict[str, Any], question: str, topic: str, books: bool
) -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionHandleInform().run(
        dispatcher,
        tracker(
            user_turn(question, "faq", message_id="q", response_selector=_faq(topic)),
            _ANSWER,
            user_turn("0102345678", "inform", entities=_account("0102345678"), message_id="a"),
        ),
        domain,
    )
    assert has_event(events, "followup", "verify_form") is books
    if books:
        assert slot_values(events)["account_no"] == "0102345678"
    else:
        assert texts(dispatcher) == ["utter_ask_what_for"]


def _faq(key: str) -> dict[str, Any]:
    return {"faq": {"response": {"intent_response_key": f"faq/{key}"}}}
