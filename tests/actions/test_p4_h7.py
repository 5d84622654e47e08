"""Player findings 4, class A (docs/dialogue.md, "Player findings 4, class A (h7)"): a follow-up
after an answer is read against that answer — the hall just shown (its address, the way there,
its holiday hours, even past a reply that answered nothing), the knowledge-base topic just
answered (never its same text again), the outage just told (what to do on the stop day). Each
class has the player's or the set's wording, wordings of our own, and look-alikes."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import ActionAnswerFaq, ActionFallback, ActionOutOfScope
from actions.service_halls import ActionQueryServiceHall
from bot.nlu.hall_unreachable import cannot_go_to_hall
from bot.nlu.resident_requests import request_reminded, resident_request
from bot.nlu.stop_day import asks_stop_day_care
from bot.services.halls import ASK_WHERE, ROUTE_HINT, asks_hall_detail

from .conftest import has_event, said, texts, tracker, user_turn
from .test_dlga_classes import HOTLINE, KB, _bot, _hall_answer, _then
from .test_knowledge_base import button_press, kb_turn

UNCLEAR = {
    "event": "bot",
    "text": "抱歉，这句我没太明白您问的是哪件事。",
    "metadata": {"utter_action": "utter_follow_up_unclear"},
}


# --- hall follow-ups: the way there, and a holiday, about the hall just shown ---


@pytest.mark.parametrize(
    "text",
    [
        "地址在哪儿？坐几路车我让孙子查",
        "坐几路公交能到 我让闺女帮我查",
        "地铁能到吗 怎么走比较方便",
        "打车过去要导航地址",
    ],
)
def test_the_way_to_a_hall_is_a_hall_detail(text: str) -> None:
    assert asks_hall_detail(text)


@pytest.mark.parametrize(
    "text", ["地址在哪 我家暖气不热了要报修", "我让孙子查一下我家的户号是多少"]
)
def test_a_fault_or_an_unrelated_long_message_is_no_hall_detail(text: str) -> None:
    assert not asks_hall_detail(text)


@pytest.mark.parametrize(
    ("text", "intent", "action"),
    [
        ("地址在哪儿？坐几路车我让孙子查", "out_of_scope", ActionOutOfScope),  # hat-034
        ("坐几路公交能到 我让闺女帮我查", "faq", ActionAnswerFaq),
        ("地铁能到吗 怎么走比较方便", "out_of_scope", ActionOutOfScope),
    ],
)
async def test_the_way_there_gets_address_map_phone_and_the_route(
    domain: dict[str, Any], text: str, intent: str, action: Any
) -> None:
    before = await _hall_answer(domain)
    dispatcher = CollectingDispatcher()
    await action().run(dispatcher, _then(before, user_turn(text, intent)), domain)
    said = "\n".join(texts(dispatcher))
    assert said.startswith("和平里营业厅"), said
    assert "地址：" in said and "电话：" in said and "地图：" in said
    assert ROUTE_HINT in said


@pytest.mark.parametrize("text", ["元旦那几天开门吗", "元旦放假开不开门", "过年那几天营业吗"])
async def test_a_holiday_after_a_reply_that_answered_nothing_is_about_the_hall_shown(
    domain: dict[str, Any], text: str
) -> None:
    """hat-034: the hall, then "没太明白", then 元旦那几天开门吗: that hall's holiday lines."""
    before = await _hall_answer(domain)
    dispatcher = CollectingDispatcher()
    turns = _then([UNCLEAR], user_turn(text, "faq"), "和平里营业厅今天开门吗", "…")
    turns.events[1:1] = before  # the hall answer, then "…", then "没太明白"
    await ActionAnswerFaq().run(dispatcher, turns, domain)
    said = texts(dispatcher)
    assert said and said[0].startswith("和平里营业厅："), said
    assert "休息" in said[0] or "营业" in said[0]


async def test_a_hall_follow_up_after_another_answer_in_between_is_not_about_the_hall(
    domain: dict[str, Any],
) -> None:
    before = await _hall_answer(domain)
    dispatcher = CollectingDispatcher()
    turns = _then(
        _bot("采暖费可开具电子普通发票。"), user_turn("几点关门", "out_of_scope"), "a", "b"
    )
    turns.events[1:1] = before
    await ActionOutOfScope().run(dispatcher, turns, domain)
    assert not any("和平里营业厅" in t for t in texts(dispatcher))


# --- a knowledge-base answer asked on: never the same text again ---


def _faq_after(before: list[dict[str, Any]], text: str, key: str) -> Any:
    return _then(before, kb_turn(text, "faq", [(key, 0.9)]))


@pytest.mark.parametrize(
    "text",
    [
        "我去年的也要开 能补开吗",  # p4-022
        "我问的是去年的发票 2025年那季的 现在还能开吗",  # p4-022
        "上一季的发票还能补吗",
        "前年交的那次也能开票不",
    ],
)
async def test_an_earlier_season_after_the_answer_is_told_honestly(
    domain: dict[str, Any], text: str
) -> None:
    dispatcher = CollectingDispatcher()
    await ActionAnswerFaq().run(
        dispatcher, _faq_after(_bot(KB.answer("invoice")), text, "invoice"), domain
    )
    assert KB.answer("invoice") not in texts(dispatcher)
    kwargs = said(dispatcher, "utter_kb_not_covered")
    assert kwargs["case"].startswith("往年") and kwargs["hotline"] == HOTLINE


async def test_a_facet_the_knowledge_base_has_is_answered_instead(domain: dict[str, Any]) -> None:
    """Asked on in a long message, the facet the answer has (where to get the invoice)."""
    dispatcher = CollectingDispatcher()
    turns = _faq_after(
        _bot(KB.answer("invoice")), "那电子发票开好以后我到底在哪儿下载呀", "invoice"
    )
    await ActionAnswerFaq().run(dispatcher, turns, domain)
    assert texts(dispatcher) == [KB.facet("invoice", "where")]


async def test_other_follow_ups_of_a_topic_are_not_the_same_text(domain: dict[str, Any]) -> None:
    dispatcher = CollectingDispatcher()
    turns = _faq_after(_bot(KB.answer("late_fee")), "我是低保户 滞纳金也要交吗", "late_fee")
    await ActionAnswerFaq().run(dispatcher, turns, domain)
    assert KB.answer("late_fee") not in texts(dispatcher)
    assert said(dispatcher, "utter_kb_not_covered")["case"] == "您问的这种情况"


@pytest.mark.parametrize(
    ("earlier", "again"),
    [("你们客服电话到底是多少", "你们客服电话到底是多少"), ("发票怎么开？", "发票怎么开")],
)
async def test_the_same_question_again_gets_the_same_answer(
    domain: dict[str, Any], earlier: str, again: str
) -> None:
    """The same words again ask for the answer again (a third time goes to a person): they are
    not told the answer "did not reach their case" (tests/e2e/test_wechat_residents.py)."""
    key = "hotline" if "电话" in earlier else "invoice"
    dispatcher = CollectingDispatcher()
    turns = _then(_bot(KB.answer(key)), kb_turn(again, "faq", [(key, 0.9)]), earlier)
    await ActionAnswerFaq().run(dispatcher, turns, domain)
    assert "utter_kb_not_covered" not in texts(dispatcher)


async def test_a_topic_asked_first_or_pressed_is_answered_as_before(domain: dict[str, Any]) -> None:
    dispatcher = CollectingDispatcher()
    turns = _faq_after(_bot(KB.answer("fee_standard")), "发票怎么开", "invoice")
    await ActionAnswerFaq().run(dispatcher, turns, domain)
    assert KB.answer("invoice") in texts(dispatcher)
    dispatcher = CollectingDispatcher()
    pressed = _then(_bot(KB.answer("invoice")), button_press("invoice"))
    await ActionAnswerFaq().run(dispatcher, pressed, domain)
    assert KB.answer("invoice") in texts(dispatcher)


# --- the day of a stop: how to get through it ---

STOP_TOLD = {
    "event": "bot",
    "text": "金色家园计划停热：二次管网检修，计划停热。将于 12月10日（周四）上午 08:00 开始停热。",
    "metadata": {"utter_action": "utter_outage_found"},
}


@pytest.mark.parametrize(
    ("text", "intent", "action", "before"),
    [
        ("我是问停的那天家里冷了老人咋办", "faq", ActionAnswerFaq, [STOP_TOLD]),  # p4-005
        ("停暖那天能不能用电暖器啊", "faq", ActionAnswerFaq, []),  # p4-005, nothing told
        ("周四停暖那天要注意啥", "faq", ActionAnswerFaq, []),  # p4-019
        ("家里有婴儿 那天怎么保暖", "out_of_scope", ActionOutOfScope, [STOP_TOLD]),
        ("停热期间能开空调吗", "nlu_fallback", ActionFallback, []),
    ],
)
async def test_a_stop_day_question_gets_the_practical_answer(
    domain: dict[str, Any], text: str, intent: str, action: Any, before: list[dict[str, Any]]
) -> None:
    dispatcher = CollectingDispatcher()
    turn = kb_turn(text, intent, [("heating_season", 0.5), ("keep_warm_tips", 0.3)])
    await action().run(dispatcher, _then(before or _bot("好的。"), turn), domain)
    kwargs = said(dispatcher, "utter_stop_day_care")
    assert kwargs["hotline"] == HOTLINE and kwargs["ambulance_phone"] == "120"


@pytest.mark.parametrize("text", ["停暖那天几点能来暖", "电暖器费电吗", "老人冻得受不了 赶紧来修"])
def test_the_stop_itself_or_heaters_alone_are_no_stop_day_question(text: str) -> None:
    assert not asks_stop_day_care(text)


def test_with_a_stop_just_told_the_day_need_not_be_named() -> None:
    text = "那周四几点开始停啊 我家老人在家 要不要准备点啥"  # p4-005
    assert asks_stop_day_care(text, stop_told=True) and not asks_stop_day_care(text)


# --- a request named beside a hall question, and reminded of ---


@pytest.mark.parametrize(
    "text", ["你好 我想报修 顺便问一下你们营业厅元旦开门吗", "帮我报个修 另外营业厅周六开门不"]
)
async def test_a_repair_beside_a_hall_question_is_started_after_the_answer(
    domain: dict[str, Any], text: str
) -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionQueryServiceHall().run(
        dispatcher, tracker(user_turn(text, "query_service_hall")), domain
    )
    assert has_event(events, "followup", "repair_form")
    assert ASK_WHERE not in texts(dispatcher) and any("营业厅" in t for t in texts(dispatcher))


async def test_a_hall_question_alone_starts_nothing(domain: dict[str, Any]) -> None:
    dispatcher = CollectingDispatcher()
    turn = user_turn("不用报修 就问问营业厅元旦开门吗", "query_service_hall")
    events = await ActionQueryServiceHall().run(dispatcher, tracker(turn), domain)
    assert not has_event(events, "followup", "repair_form")


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("我刚说了要报修的呀 你怎么不管了", "report_repair"),  # p4-032
        ("不是说了要派个师傅来吗", "report_repair"),
        ("报修的事你还没管呢", "report_repair"),
        ("我早就说过要测温了", "request_temp_check"),
        ("刚才说了要投诉 怎么没下文了", "file_complaint"),
    ],
)
def test_a_request_reminded_of_is_that_request(text: str, intent: str) -> None:
    assert request_reminded(text) == intent
    assert resident_request("faq", text, None) == intent


@pytest.mark.parametrize("text", ["不是说了不用报修吗", "刚才说了谢谢", "报修电话多少"])
def test_no_request_is_reminded_of(text: str) -> None:
    assert request_reminded(text) is None


# --- a resident who cannot go to a hall: a call-back, not a hall's address ---


@pytest.mark.parametrize(
    ("text", "intent", "action"),
    [
        (
            "你们能直接给我办不 我住东风新村2号楼1门101 腿脚不好去不了营业厅",
            "query_service_hall",
            ActionQueryServiceHall,
        ),  # p4-088
        ("我岁数大了出不了门 恢复供暖能电话办吗", "faq", ActionAnswerFaq),
        ("坐轮椅不方便去营业厅 报停咋办", "query_service_hall", ActionQueryServiceHall),
    ],
)
async def test_a_resident_who_cannot_go_gets_a_call_back_offered(
    domain: dict[str, Any], text: str, intent: str, action: Any
) -> None:
    dispatcher = CollectingDispatcher()
    turn = kb_turn(text, intent, [("resume_heating", 0.9)])
    events = await action().run(dispatcher, tracker(turn), domain)
    assert said(dispatcher, "utter_hall_unreachable")["hotline"] == HOTLINE
    assert not any("地图：" in t for t in texts(dispatcher))
    assert {"event": "slot", "name": "pending", "value": "human"} in [
        {k: e.get(k) for k in ("event", "name", "value")} for e in events
    ]


@pytest.mark.parametrize("text", ["营业厅在哪", "今天去不了 明天去营业厅行吗", "暖气不热 水放不了"])
def test_going_later_or_no_trip_is_not_a_resident_who_cannot_go(text: str) -> None:
    assert not cannot_go_to_hall(text)
