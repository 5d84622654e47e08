"""Follow-ups read against the answer just given, and the task offered after a question taken from
a task (docs/knowledge-base.md, "Follow-ups" and "Routing"; the lead's findings R6 and R7)."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import ActionAnswerFaq, ActionFallback, ActionOutOfScope
from bot.policy import load_policy
from bot.policy.knowledge import load_knowledge

from .conftest import said, texts, tracker, user_turn
from .test_knowledge_base import kb_turn

KB = load_knowledge(load_policy("beijing"))


def answered(key: str) -> dict[str, Any]:
    """The bot's turn that answered topic `key`."""
    return {"event": "bot", "text": KB.answer(key)}


def follow_up(
    text: str, intent: str, keys: list[tuple[str, float]], before: list[dict[str, Any]]
) -> Any:
    """A tracker in which the resident asked, the bot said `before`, and `text` follows."""
    asked = user_turn("…", "faq", message_id="asked")
    latest = kb_turn(text, intent, keys)
    latest["parse_data"]["message_id"] = latest["message_id"] = "follow"
    return tracker(asked, *before, latest)


async def test_where_after_the_subsidy_answer_is_where_to_apply_for_it(
    domain: dict[str, Any],
) -> None:
    """R6: 去哪办 was out of scope ("只能办理供热相关业务")."""
    keys = [("stop_heating_documents", 0.4)]
    turns = follow_up("去哪办", "out_of_scope", keys, [answered("hardship_subsidy")])
    dispatcher = CollectingDispatcher()
    await ActionOutOfScope().run(dispatcher, turns, domain)
    assert texts(dispatcher) == [KB.follow_up("hardship_subsidy", "where")]
    assert "社会救助" in texts(dispatcher)[0]


@pytest.mark.parametrize(
    ("last", "text", "keys", "facet", "expected"),
    [
        # R7: 要钱吗 after 开栓 got the repair-cost answer
        ("new_home_activation", "要钱吗", [("repair_cost", 0.92)], "cost", "当季采暖费"),
        # R7: 多久能办好 after 过户 got the 过户 answer again
        ("account_transfer", "多久能办好", [("account_transfer", 0.65)], "duration", "当场办结"),
        # R7: 电子的在哪下载 after the invoice answer repeated it; a subject, the same topic
        ("invoice", "电子的在哪下载", [("invoice", 0.79)], "where", "邮件里下载"),
        ("account_transfer", "要本人去吗", [("hall_documents", 0.42)], "in_person", "委托书"),
        ("hardship_subsidy", "那要带啥", [("hall_documents", 0.79)], "documents", "低保证"),
    ],
)
async def test_a_short_follow_up_is_answered_from_the_last_topic(
    domain: dict[str, Any],
    last: str,
    text: str,
    keys: list[tuple[str, float]],
    facet: str,
    expected: str,
) -> None:
    dispatcher = CollectingDispatcher()
    await ActionAnswerFaq().run(dispatcher, follow_up(text, "faq", keys, [answered(last)]), domain)
    assert texts(dispatcher) == [KB.follow_up(last, facet)]
    assert expected in texts(dispatcher)[0]


async def test_a_facet_the_topic_does_not_know_says_so_and_where_to_ask(
    domain: dict[str, Any],
) -> None:
    turns = follow_up("要钱吗", "faq", [("repair_cost", 0.92)], [answered("heating_season")])
    dispatcher = CollectingDispatcher()
    await ActionAnswerFaq().run(dispatcher, turns, domain)
    [line] = texts(dispatcher)
    assert "供暖起止日期" in line and "400-000-0000" in line
    assert line != KB.answer("repair_cost")


async def test_a_follow_up_after_a_facet_answer_stays_with_the_topic(
    domain: dict[str, Any],
) -> None:
    before = [{"event": "bot", "text": KB.follow_up("account_transfer", "cost")}]
    turns = follow_up("多久能办好", "faq", [("account_transfer", 0.65)], before)
    dispatcher = CollectingDispatcher()
    await ActionAnswerFaq().run(dispatcher, turns, domain)
    assert texts(dispatcher) == [KB.follow_up("account_transfer", "duration")]


async def test_a_fallback_follow_up_is_understood(domain: dict[str, Any]) -> None:
    turns = follow_up("那在哪下载", "nlu_fallback", [("invoice", 0.3)], [answered("invoice")])
    dispatcher = CollectingDispatcher()
    events = await ActionFallback().run(dispatcher, turns, domain)
    assert texts(dispatcher) == [KB.follow_up("invoice", "where")]
    assert events == []  # understood after all: the message is kept


@pytest.mark.parametrize(
    ("text", "keys"),
    [
        ("那开栓要钱吗", [("new_home_activation", 0.9)]),  # another subject: a new question
        ("放气要花钱不", [("repair_cost", 0.9)]),
    ],
)
async def test_a_question_naming_another_subject_is_a_new_question(
    domain: dict[str, Any], text: str, keys: list[tuple[str, float]]
) -> None:
    turns = follow_up(text, "faq", keys, [answered("account_transfer")])
    dispatcher = CollectingDispatcher()
    await ActionAnswerFaq().run(dispatcher, turns, domain)
    assert texts(dispatcher) == [KB.answer(keys[0][0])]


async def test_without_an_answer_just_before_a_bare_question_is_judged_as_ever(
    domain: dict[str, Any],
) -> None:
    before = [{"event": "bot", "metadata": {"utter_action": "utter_greet"}, "text": "您好"}]
    turns = follow_up("要钱吗", "faq", [("repair_cost", 0.92)], before)
    dispatcher = CollectingDispatcher()
    await ActionAnswerFaq().run(dispatcher, turns, domain)
    assert texts(dispatcher) == [KB.answer("repair_cost")]


async def test_out_of_scope_without_an_answer_before_is_still_out_of_scope(
    domain: dict[str, Any],
) -> None:
    dispatcher = CollectingDispatcher()
    await ActionOutOfScope().run(dispatcher, tracker(user_turn("去哪办", "out_of_scope")), domain)
    assert texts(dispatcher) == ["utter_out_of_scope"]


def taken_from(text: str, task: str, key: str) -> Any:
    """A message the classifier read as `task` and the NLU gave to the knowledge base."""
    turn = kb_turn(text, "faq", [(key, 0.85)])
    turn["parse_data"]["intent_ranking"] = [
        {"name": task, "confidence": 0.63},
        {"name": "faq", "confidence": 0.27},
    ]
    return tracker(turn)


async def test_a_question_taken_from_a_task_is_offered_the_task(domain: dict[str, Any]) -> None:
    """住了十来年暖气越来越不热 是不是该洗了: the cleaning answer names no repair; a line offers it,
    with a button that sends the message which starts it."""
    text = "住了十来年暖气越来越不热，是不是堵了该洗了？"
    turns = taken_from(text, "report_repair", "system_cleaning")
    dispatcher = CollectingDispatcher()
    await ActionAnswerFaq().run(dispatcher, turns, domain)
    assert texts(dispatcher) == [KB.answer("system_cleaning"), "utter_kb_task_offer"]
    offer = said(dispatcher, "utter_kb_task_offer")
    assert offer["message"] == "我要报修"
    assert offer["buttons"] == [{"title": "我要报修", "payload": "我要报修"}]
    assert dispatcher.messages[0]["buttons"] == []  # the button once, under the offer


async def test_an_answer_that_names_the_task_gets_its_button(domain: dict[str, Any]) -> None:
    turns = taken_from("管道一直嗡嗡响，这种得报修不？", "report_repair", "radiator_noise")
    dispatcher = CollectingDispatcher()
    await ActionAnswerFaq().run(dispatcher, turns, domain)
    assert texts(dispatcher) == [KB.answer("radiator_noise")]  # it says 回复“我要报修” itself
    assert dispatcher.messages[0]["buttons"] == [{"title": "我要报修", "payload": "我要报修"}]


async def test_a_question_the_classifier_read_as_one_gets_no_offer(
    domain: dict[str, Any],
) -> None:
    turn = kb_turn("暖气罩影响散热吗", "faq", [("keep_warm_tips", 0.9)])
    dispatcher = CollectingDispatcher()
    await ActionAnswerFaq().run(dispatcher, tracker(turn), domain)
    assert texts(dispatcher) == [KB.answer("keep_warm_tips")]
    assert dispatcher.messages[0]["buttons"] == []


async def test_no_offer_inside_a_form(domain: dict[str, Any]) -> None:
    turn = taken_from("是不是该洗了", "report_repair", "system_cleaning")
    inside = tracker(*turn.events, active_loop="repair_form")
    dispatcher = CollectingDispatcher()
    await ActionAnswerFaq().run(dispatcher, inside, domain)
    assert "utter_kb_task_offer" not in texts(dispatcher)


@pytest.mark.parametrize(
    ("last", "text", "intent", "facet"),
    [
        # the seventh round's class (e): a follow-up read as a task started that task's form
        ("repair_cost", "那得多少钱", "query_fee", "cost"),
        ("new_home_activation", "收费不", "report_repair", "cost"),
        ("account_transfer", "大概要几天", "bind_account", "duration"),
    ],
)
async def test_a_follow_up_read_as_a_task_is_answered_not_started(
    domain: dict[str, Any], last: str, text: str, intent: str, facet: str
) -> None:
    """多少钱 right after the answer on what a repair costs was a fee query: the 户号 was asked
    for a bill nobody wanted. The form the classifier started ends before its first question."""
    from actions.account import ValidateVerifyForm
    from actions.repair import ValidateRepairForm

    form = ValidateRepairForm() if intent == "report_repair" else ValidateVerifyForm()
    turns = follow_up(text, intent, [(last, 0.4)], [answered(last)])
    dispatcher = CollectingDispatcher()
    events = await form.run(dispatcher, turns, domain)
    assert texts(dispatcher) == [KB.follow_up(last, facet)]
    assert {"event": "active_loop", "name": None} in [
        {"event": e.get("event"), "name": e.get("name")} for e in events
    ]


async def test_a_task_after_an_answer_that_asks_more_starts(domain: dict[str, Any]) -> None:
    from actions.account import ValidateVerifyForm

    keys = [("fee_standard", 0.3)]
    asked = "帮我查下我家今年暖气费交了没有"
    turns = follow_up(asked, "query_fee", keys, [answered("repair_cost")])
    dispatcher = CollectingDispatcher()
    await ValidateVerifyForm().run(dispatcher, turns, domain)
    assert KB.follow_up("repair_cost", "cost") not in texts(dispatcher)
