"""Classes of the glow p conversations (docs/dialogue.md, "Eighth round (dlg9)") at the actions:
one's own payment the bill does not show is looked up after the answer, in wordings of no set."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import ActionAnswerFaq

from .conftest import has_event, texts, tracker
from .test_knowledge_base import kb_turn


@pytest.mark.parametrize(
    "text",
    [
        "我昨天晚上用支付宝交了暖气费 怎么今天公众号上还显示没交？",  # glp-024
        "俺妈上周去银行缴的 账单上还是欠费",
        "刚微信付完钱 咋还显示未缴",
        "明明交过了啊 短信还催缴 你们查查",
    ],
)
async def test_own_payment_not_shown_is_answered_then_the_bill_looked_up(
    domain: dict[str, Any], text: str
) -> None:
    dispatcher = CollectingDispatcher()
    turn = kb_turn(text, "faq", [("payment_not_posted", 0.9)])
    events = await ActionAnswerFaq().run(dispatcher, tracker(turn), domain)
    assert any("到账" in t for t in texts(dispatcher))
    assert has_event(events, "followup", "verify_form")


@pytest.mark.parametrize("text", ["交完费多久能到账", "缴完费怎么还提示欠费呢"])
async def test_the_general_question_gets_the_answer_only(domain: dict[str, Any], text: str) -> None:
    turn = kb_turn(text, "faq", [("payment_not_posted", 0.9)])
    events = await ActionAnswerFaq().run(CollectingDispatcher(), tracker(turn), domain)
    assert not has_event(events, "followup", "verify_form")


@pytest.mark.parametrize(
    "text",
    [
        "先问一嘴 你们来人修这玩意儿收钱不？",  # glp-002: topic buttons, then the answer
        "师傅上门修要钱吗",
        "换个阀门得花多少钱啊 我先问清楚",
        "你们派人来看收费不，退休了手头紧",
    ],
)
async def test_a_cost_question_in_the_repair_form_is_answered_not_offered(
    domain: dict[str, Any], text: str
) -> None:
    dispatcher = CollectingDispatcher()
    turn = kb_turn(text, "faq", [("radiator_valve", 0.3), ("repair_cost", 0.25)])
    booking = tracker(turn, active_loop="repair_form", slots={"requested_slot": "phone"})
    assert await ActionAnswerFaq().run(dispatcher, booking, domain) == []
    assert len(texts(dispatcher)) == 1 and "材料费" in texts(dispatcher)[0]
