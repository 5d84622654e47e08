"""Knowledge-base answers in the actions: a sure topic answered with the city's values, an unsure
one offered as 2–3 buttons, a pressed button answered, a fallback that looks like a KB question
offered the closest topics."""

from __future__ import annotations

import json
from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

import actions.conversation
from actions.conversation import ActionAnswerFaq, ActionFallback
from bot.nlu.linear import response_selector_output
from bot.policy import load_policy
from bot.policy.knowledge import load_knowledge

from .conftest import said, texts, tracker, user_turn


def kb_turn(text: str, intent: str, keys: list[tuple[str, float]]) -> dict[str, Any]:
    """A user turn with the topic ranking the classifier writes (its own output function)."""
    selector = response_selector_output("faq", [(f"faq/{k}", p) for k, p in keys], {})
    turn = user_turn(text, intent, response_selector=selector)
    if intent == "nlu_fallback":
        turn["parse_data"]["intent_ranking"] = [
            {"name": "nlu_fallback", "confidence": 0.3},
            {"name": "faq", "confidence": 0.25},
            {"name": "report_repair", "confidence": 0.2},
        ]
    return turn


def button_press(key: str) -> dict[str, Any]:
    """What Rasa sends the action server after a `/faq{"kb_topic": …}` button payload."""
    entity = {"entity": "kb_topic", "value": key, "start": 0, "end": 0}
    return user_turn(f'/faq{{"kb_topic":"{key}"}}', "faq", entities=[entity])


@pytest.mark.parametrize(("city", "hours"), [("beijing", "6小时内"), ("tianjin", "24小时内")])
async def test_a_sure_topic_is_answered_with_the_city_values(
    monkeypatch: pytest.MonkeyPatch, domain: dict[str, Any], city: str, hours: str
) -> None:
    monkeypatch.setattr(actions.conversation, "policy", lambda: load_policy(city))
    turn = kb_turn("温度计该放哪儿", "faq", [("room_temp_measurement", 0.9), ("refund", 0.05)])
    dispatcher = CollectingDispatcher()
    await ActionAnswerFaq().run(dispatcher, tracker(turn), domain)
    [answer] = texts(dispatcher)
    assert answer == load_knowledge(load_policy(city)).answer("room_temp_measurement")
    assert hours in answer and "“申请测温”" in answer


async def test_an_unsure_question_gets_the_closest_topics_as_buttons(
    domain: dict[str, Any],
) -> None:
    kb = load_knowledge(load_policy("beijing"))
    low = kb.retrieval.answer_confidence / 2
    keys = [("stop_heating_documents", low), ("resume_heating", low * 0.9), ("invoice", 0.01)]
    dispatcher = CollectingDispatcher()
    await ActionAnswerFaq().run(dispatcher, tracker(kb_turn("报停那个事", "faq", keys)), domain)
    buttons = said(dispatcher, "utter_kb_offer")["buttons"]
    assert [b["title"] for b in buttons] == ["报停材料和办理方式", "报停后恢复供暖"]
    assert json.loads(buttons[0]["payload"].removeprefix("/faq")) == {
        "kb_topic": "stop_heating_documents"
    }


async def test_pressing_a_topic_button_answers_it(domain: dict[str, Any]) -> None:
    dispatcher = CollectingDispatcher()
    await ActionAnswerFaq().run(dispatcher, tracker(button_press("resume_heating")), domain)
    assert texts(dispatcher) == [load_knowledge(load_policy("beijing")).answer("resume_heating")]


async def test_a_button_for_an_unknown_topic_asks_to_rephrase(domain: dict[str, Any]) -> None:
    dispatcher = CollectingDispatcher()
    await ActionAnswerFaq().run(dispatcher, tracker(button_press("no_such_topic")), domain)
    assert texts(dispatcher) == ["utter_ask_rephrase"]


async def test_a_fallback_whose_best_intent_is_faq_offers_topics(domain: dict[str, Any]) -> None:
    keys = [("radiator_bleeding", 0.2), ("radiator_noise", 0.15), ("floor_heating", 0.1)]
    dispatcher = CollectingDispatcher()
    events = await ActionFallback().run(
        dispatcher, tracker(kb_turn("那个气怎么弄", "nlu_fallback", keys)), domain
    )
    titles = [b["title"] for b in said(dispatcher, "utter_kb_offer")["buttons"]]
    # the noise topic is offered only for a text that names a sound (bot/nlu/topic_cues.py)
    assert titles == ["暖气片放气", "地暖使用"]
    assert [e["event"] for e in events] == ["rewind"]  # the unclear message is not kept


async def test_a_fallback_that_is_not_a_kb_question_still_asks_to_rephrase(
    domain: dict[str, Any],
) -> None:
    turn = kb_turn("嗯嗯嗯", "nlu_fallback", [("radiator_bleeding", 0.2), ("invoice", 0.1)])
    turn["parse_data"]["intent_ranking"] = [
        {"name": "nlu_fallback", "confidence": 0.3},
        {"name": "affirm", "confidence": 0.25},
        {"name": "faq", "confidence": 0.2},
    ]
    dispatcher = CollectingDispatcher()
    await ActionFallback().run(dispatcher, tracker(turn), domain)
    assert texts(dispatcher) == ["utter_ask_rephrase"]


async def _faq_answer(domain: dict[str, Any], text: str, key: str) -> list[str]:
    dispatcher = CollectingDispatcher()
    selector = {"faq": {"response": {"intent_response_key": f"faq/{key}"}}}
    await ActionAnswerFaq().run(
        dispatcher, tracker(user_turn(text, "faq", response_selector=selector)), domain
    )
    return texts(dispatcher)


async def test_a_fault_told_beside_a_question_is_offered_the_repair(
    domain: dict[str, Any],
) -> None:
    """Found playing: a tenant whose home is cold asked whom to turn to and got only who pays."""
    said = await _faq_answer(
        domain, "我刚搬来的 租的房子 房东说暖气费他交了 但是暖气不热 我该找谁", "rental_who_pays"
    )
    assert "房东" in said[0]
    assert said[-1] == "utter_kb_task_offer"
    plain = await _faq_answer(domain, "租房的话暖气费谁交", "rental_who_pays")
    assert plain[-1] != "utter_kb_task_offer"


@pytest.mark.parametrize(
    ("text", "key", "city"),
    [
        # the question names a city the company also serves: that city's answer (its hotline,
        # its price), whatever the assistant's own policy
        ("天津的暖气几号开始", "heating_season", "tianjin"),
        ("天津这边暖气费一平米多少钱", "fee_standard", "tianjin"),
        ("在天津 困难家庭有取暖补贴吗", "hardship_subsidy", "tianjin"),
        ("暖气几号开始", "heating_season", "beijing"),
        ("北京路那边暖气费一平米多少钱", "fee_standard", "beijing"),
    ],
)
async def test_a_question_naming_a_city_is_answered_with_that_city_values(
    monkeypatch: pytest.MonkeyPatch, domain: dict[str, Any], text: str, key: str, city: str
) -> None:
    monkeypatch.setattr(actions.conversation, "policy", lambda: load_policy("beijing"))
    dispatcher = CollectingDispatcher()
    await ActionAnswerFaq().run(dispatcher, tracker(kb_turn(text, "faq", [(key, 0.9)])), domain)
    assert texts(dispatcher)[0] == load_knowledge(load_policy(city)).answer(key)


async def test_a_follow_up_to_another_city_answer_stays_in_that_city(
    domain: dict[str, Any],
) -> None:
    tianjin = load_knowledge(load_policy("tianjin"))
    answered = {"event": "bot", "text": tianjin.answer("hardship_subsidy"), "metadata": {}}
    asked = kb_turn("在天津 困难家庭有取暖补贴吗", "faq", [("hardship_subsidy", 0.9)])
    follow = kb_turn("去哪办", "faq", [("hall_documents", 0.4)])
    follow["parse_data"]["message_id"] = "b"
    dispatcher = CollectingDispatcher()
    await ActionAnswerFaq().run(dispatcher, tracker(asked, answered, follow), domain)
    assert texts(dispatcher) == [tianjin.follow_up("hardship_subsidy", "where")]
    assert "天津" in texts(dispatcher)[0]


async def test_an_area_in_a_named_city_is_priced_at_that_city_price(
    domain: dict[str, Any],
) -> None:
    dispatcher = CollectingDispatcher()
    turn = user_turn("天津的房子100平 一年得交多少钱", "faq")
    await ActionAnswerFaq().run(dispatcher, tracker(turn), domain)
    estimate = said(dispatcher, "utter_fee_estimate")
    assert (estimate["price"], estimate["total"]) == ("25", "2500")  # Tianjin's, not Beijing's 24
