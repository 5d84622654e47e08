"""Messages that ask several things (issue 16, third round): the question beside a request is
answered where the request is handled, and the second request is offered when the first is done."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.account import ValidateVerifyForm
from actions.common import OUTAGE_OFFER, offer_second_request, opening_text
from actions.conversation import ActionAnswerFaq, ActionHandleInform
from actions.emergency import ActionEmergency
from actions.subscriptions import ActionUnsubscribe
from bot.policy import faq_answer, load_policy
from bot.policy.knowledge import load_knowledge

from .conftest import has_event, said, slot_values, texts, tracker, user_turn


def _clause(text: str, topic: str, intent: str = "faq", sure: float = 0.9) -> dict[str, Any]:
    return {"text": text, "name": intent, "confidence": sure, "topic": topic,
            "topic_confidence": sure}  # fmt: skip


def _asking(text: str, intent: str, *clauses: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    turn = user_turn(text, intent, **kwargs)
    turn["parse_data"]["clauses"] = list(clauses)
    return turn


def _selector(*ranked: tuple[str, float]) -> dict[str, Any]:
    """The response selector's part of a parse: its topic ranking, best first."""
    ranking = [{"intent_response_key": f"faq/{key}", "confidence": p} for key, p in ranked]
    return {"faq": {"response": ranking[0], "ranking": ranking}}


def _answer(topic: str) -> str:
    return load_knowledge(load_policy()).answer(topic)


async def test_a_question_beside_a_fee_query_is_answered_before_the_verification(
    domain: dict[str, Any],
) -> None:
    """查费 户号… 顺便问下过了年再交有没有滞纳金: the late-fee rules, then the last four digits."""
    turn = _asking(
        "查费 户号0102345678 顺便问下过了年再交有没有滞纳金",
        "query_fee",
        _clause("查费 户号0102345678", "account_number_lookup", "query_fee"),
        _clause("顺便问下过了年再交有没有滞纳金", "late_fee"),
    )
    dispatcher = CollectingDispatcher()
    await ValidateVerifyForm().run(
        dispatcher, tracker(turn, active_loop="verify_form", slot_events={}), domain
    )
    assert dispatcher.messages[0]["text"] == _answer("late_fee")


async def test_an_opt_out_with_a_question_gets_both(store: str, domain: dict[str, Any]) -> None:
    turn = _asking(
        "以后别给我发那些停暖通知短信了，另外电子发票在哪开？",
        "unsubscribe",
        _clause("以后别给我发那些停暖通知短信了", "outage_notice", "unsubscribe"),
        _clause("另外电子发票在哪开?", "invoice"),
    )
    dispatcher = CollectingDispatcher()
    await ActionUnsubscribe().run(dispatcher, tracker(turn), domain)
    assert texts(dispatcher)[0] == "utter_unsubscribed"
    assert texts(dispatcher)[1] == _answer("invoice")


async def test_every_question_of_a_message_is_answered_once(domain: dict[str, Any]) -> None:
    """今年几号开始烧到几号停？在哪交钱 微信能交不 got buttons to choose one of them."""
    unsure = _selector(("heating_season", 0.4), ("payment_channels", 0.3))
    turn = _asking(
        "今年几号开始烧到几号停？在哪交钱 微信能交不 微信能交吗",
        "faq",
        _clause("今年几号开始烧到几号停?", "heating_season"),
        _clause("在哪交钱 微信能交不", "payment_channels"),
        _clause("微信能交吗", "payment_channels"),
        response_selector=unsure,
    )
    dispatcher = CollectingDispatcher()
    await ActionAnswerFaq().run(dispatcher, tracker(turn), domain)
    assert texts(dispatcher) == [_answer("heating_season"), _answer("payment_channels")]


async def test_a_stop_question_among_faq_questions_is_answered_first(
    domain: dict[str, Any],
) -> None:
    sure = _selector(("invoice", 0.9))
    turn = _asking(
        "金色家园停暖那天几点到几点？另外商户的发票怎么开",
        "faq",
        _clause("金色家园停暖那天几点到几点?", "heating_season", "query_outage", 0.7),
        _clause("另外商户的发票怎么开", "invoice"),
        response_selector=sure,
    )
    dispatcher = CollectingDispatcher()
    await ActionAnswerFaq().run(dispatcher, tracker(turn), domain)
    assert texts(dispatcher) == ["utter_outage_found", _answer("invoice")]
    assert said(dispatcher, "utter_outage_found")["community"] == "金色家园"


async def test_a_stop_question_beside_a_fee_query_is_answered_at_once(
    domain: dict[str, Any],
) -> None:
    """幸福里停暖了？顺便帮我查下暖气费: the stop now, not an offer after the bill the resident
    then did not answer."""
    dispatcher = CollectingDispatcher()
    turn = user_turn("幸福里停暖了？顺便帮我查下暖气费交没交 户号0102345679", "query_fee")
    await ValidateVerifyForm().run(dispatcher, tracker(turn, active_loop="verify_form"), domain)
    assert texts(dispatcher)[0] == "utter_outage_found"
    none_here = CollectingDispatcher()
    turn = user_turn("和平里今儿停暖不 顺便查下暖气费", "query_fee")
    await ValidateVerifyForm().run(none_here, tracker(turn, active_loop="verify_form"), domain)
    assert said(none_here, "utter_no_outage_here")["community"] == "和平里"


async def test_no_question_is_answered_beside_an_emergency(
    store: str, domain: dict[str, Any]
) -> None:
    from actions.repair import ValidateRepairForm

    turn = _asking(
        "楼道里暖气管子呲开了 水顺着楼梯往下流 今儿早上不知道怎么的",
        "report_repair",
        _clause("今儿早上不知道怎么的", "account_number_lookup"),
    )
    told = {"utter_action": "utter_emergency_water"}
    emergency = {"event": "bot", "text": "情况紧急…", "metadata": told}
    dispatcher = CollectingDispatcher()
    t = tracker(turn, active_loop="repair_form")
    t.events.append(emergency)  # said earlier in this turn
    await ValidateRepairForm().run(dispatcher, t, domain)
    assert _answer("account_number_lookup") not in texts(dispatcher)


async def test_a_question_that_carries_a_date_is_answered_not_taken_as_a_value(
    domain: dict[str, Any],
) -> None:
    """12月31号之前交完就没滞纳金吧？ was asked "what do you want to do with it?"."""
    late = _selector(("late_fee", 0.8))
    turn = user_turn("12月31号之前交完就没滞纳金吧？", "inform", response_selector=late)
    turn["parse_data"]["intent_ranking"] = [
        {"name": "inform", "confidence": 0.43},
        {"name": "faq", "confidence": 0.37},
    ]
    dispatcher = CollectingDispatcher()
    await ActionHandleInform().run(dispatcher, tracker(turn), domain)
    assert texts(dispatcher) == [faq_answer(load_policy(), "late_fee")]


def test_the_second_request_of_an_emergency_message_is_offered_after_it() -> None:
    """The urgent leak filed, the complaint made in the same breath is offered (the repair form
    was opened by the emergency, under the complaint's intent)."""
    first = user_turn(
        "办公室暖气片又漏水了 我要投诉 另外赶紧派人来", "file_complaint", message_id="a"
    )
    t = tracker(
        first,
        {"event": "active_loop", "name": "repair_form"},
        user_turn("010-8765 4321 转 306", "inform", message_id="b"),
    )
    started_by = opening_text(t, {"report_repair"}, "repair_form")
    assert started_by == first["text"]
    dispatcher = CollectingDispatcher()
    events = offer_second_request(dispatcher, t, {"report_repair"}, started_by)
    assert said(dispatcher, "utter_offer_second_request")["what"] == "投诉"
    assert slot_values(events) == {"pending": "second:file_complaint"}
    # offered once: the same offer is not made again later in the conversation
    t.events.append({"event": "slot", "name": "pending", "value": "second:file_complaint"})
    assert offer_second_request(CollectingDispatcher(), t, {"report_repair"}, started_by) == []


def test_a_repair_offered_where_heating_is_stopped_is_the_offer_after_a_stop() -> None:
    t = tracker(user_turn("家里暖气不热了，另外帮我看下今年的暖气费交上没有", "query_fee"))
    dispatcher = CollectingDispatcher()
    events = offer_second_request(dispatcher, t, {"query_fee"}, t.latest_message["text"], True)
    assert texts(dispatcher) == [OUTAGE_OFFER]
    assert slot_values(events) == {"pending": "repair_after_outage"}


async def test_a_person_unwell_where_heating_is_stopped_hears_when_it_comes_back(
    store: str, domain: dict[str, Any]
) -> None:
    from bot.nlu.emergency import detect_emergency

    text = "幸福里3号楼1单元的 老太太九十了 暖气停了一上午 现在手脚冰凉说胸口闷得慌"
    turn = user_turn(text, "file_complaint")
    turn["parse_data"]["emergency"] = detect_emergency(text).as_dict()  # type: ignore[union-attr]
    dispatcher = CollectingDispatcher()
    events = await ActionEmergency().run(dispatcher, tracker(turn), domain)
    assert texts(dispatcher)[0] == "utter_emergency_person_cold"  # 120 and first aid for the cold
    assert said(dispatcher, "utter_outage_found")["community"] == "幸福里小区"
    # no complaint was asked for (hat-013): the repair form asks what the urgent ticket lacks,
    # with no visit and no offer to book despite the stop
    assert not has_event(events, "followup", "complaint_form")
    assert has_event(events, "followup", "repair_form")


async def test_a_question_beside_a_stop_question_is_answered_before_the_offer(
    domain: dict[str, Any],
) -> None:
    from actions.outage import ActionQueryOutage

    turn = _asking(
        "和平里今天停暖了没？另外你们暖气费一平米多少钱",
        "query_outage",
        _clause("和平里今天停暖了没?", "outage_notice", "query_outage"),
        _clause("另外你们暖气费一平米多少钱", "fee_standard"),
    )
    dispatcher = CollectingDispatcher()
    await ActionQueryOutage().run(dispatcher, tracker(turn), domain)
    # the offer of a repair is the last thing said: the resident answers it next
    assert texts(dispatcher) == [_answer("fee_standard"), "utter_no_outage"]


async def test_a_service_hall_question_among_faq_questions_is_answered(
    domain: dict[str, Any],
) -> None:
    turn = _asking(
        "请教三个问题 1.暖气费在哪交 2.营业厅几点关门",
        "faq",
        _clause("1.暖气费在哪交", "payment_channels"),
        _clause("2.营业厅几点关门", "hall_documents", "query_service_hall", 0.8),
        response_selector=_selector(("payment_channels", 0.9)),
    )
    dispatcher = CollectingDispatcher()
    await ActionAnswerFaq().run(dispatcher, tracker(turn), domain)
    assert texts(dispatcher)[-1] == _answer("payment_channels")
    assert len(texts(dispatcher)) > 1  # the halls (or the question which community) first


async def test_after_a_complaint_about_the_cold_a_repair_is_offered_as_after_a_stop(
    store: str, domain: dict[str, Any]
) -> None:
    from actions.service_requests import ActionSubmitComplaint

    dispatcher = CollectingDispatcher()
    t = tracker(
        user_turn("幸福里这破暖气又不热了 我要投诉你们", "file_complaint", message_id="a"),
        user_turn("对", "affirm", message_id="b"),
        slots={
            "complaint_text": "幸福里这破暖气又不热了",
            "complaint_category": "室温不达标",
            "phone": "13700004444",
            "details_confirmed": True,
        },
    )
    events = await ActionSubmitComplaint().run(dispatcher, t, domain)
    assert texts(dispatcher) == ["utter_complaint_created", OUTAGE_OFFER]
    assert slot_values(events)["pending"] == "repair_after_outage"


def test_no_repair_is_offered_after_a_stop_once_this_conversation_filed_one() -> None:
    """An urgent leak filed, then 我们小区是不是停暖了 暖气也是凉的: the stop is told, and the
    repair filed covers the radiator; offering one again filed a second urgent ticket."""
    t = tracker(
        user_turn("我家暖气阀门一直往外冒水", "report_repair", message_id="a"),
        {"event": "bot", "text": "…", "metadata": {"utter_action": "utter_urgent_repair_updated"}},
        user_turn("顺便问一下 小区今天是不是停暖了 暖气也是凉的", "query_outage", message_id="b"),
    )
    dispatcher = CollectingDispatcher()
    events = offer_second_request(
        dispatcher, t, {"query_outage"}, t.latest_message["text"], stopped=True
    )
    assert events == [] and texts(dispatcher) == []


async def test_what_if_still_cold_after_the_stop_is_answered_inside_the_repair_form(
    domain: dict[str, Any],
) -> None:
    """那停完了还不热咋办 asked while the repair form waited for the address got the address
    question again; it is answered, and the form then asks its question once more."""
    dispatcher = CollectingDispatcher()
    t = tracker(
        user_turn("那停完了还不热咋办", "faq"),
        slots={"requested_slot": "address", "fault_type": "no_heat"},
        active_loop="repair_form",
    )
    events = await ActionAnswerFaq().run(dispatcher, t, domain)
    assert texts(dispatcher) == ["utter_after_stop_still_cold"]
    assert said(dispatcher, "utter_after_stop_still_cold")["hotline"]
    assert events == []


async def test_a_demand_for_heat_right_after_the_stop_is_sorry_and_the_stop_again(
    store: str, domain: dict[str, Any]
) -> None:
    told = {"event": "bot", "text": "幸福里小区抢修停热…",
            "metadata": {"utter_action": "utter_outage_found"}}  # fmt: skip
    dispatcher = CollectingDispatcher()
    t = tracker(
        user_turn("幸福里停暖了吗", "query_outage", message_id="a"),
        told,
        user_turn("我不管什么原因 今天晚上之前必须给我来暖气 家里有老人", "faq", message_id="b"),
    )
    await ActionAnswerFaq().run(dispatcher, t, domain)
    assert texts(dispatcher)[0] == "utter_apology_outage"
    assert said(dispatcher, "utter_outage_found")["community"] == "幸福里小区"


async def test_an_angry_stop_question_hears_sorry_before_the_stop(
    store: str, domain: dict[str, Any]
) -> None:
    from actions.outage import ActionQueryOutage

    text = "你们幸福里这片到底怎么回事！！暖气停了大半天了 也没个通知 到底什么时候能来！！"
    dispatcher = CollectingDispatcher()
    await ActionQueryOutage().run(dispatcher, tracker(user_turn(text, "query_outage")), domain)
    assert texts(dispatcher)[:2] == ["utter_apology_outage", "utter_outage_found"]
    calm = CollectingDispatcher()
    await ActionQueryOutage().run(calm, tracker(user_turn("幸福里停暖了吗", "query_outage")), {})
    assert "utter_apology_outage" not in texts(calm)


@pytest.mark.parametrize(
    "yes",
    [
        "对 那今天到底谁来修？",  # the players' pl-028: offered the repair AND started its form
        "对 那到底啥时候来人修",
        "是的 你们啥时候派人来给我修啊",
        "行吧 那今天能不能来修一下",
    ],
)
def test_a_repair_asked_for_beside_the_yes_is_not_offered_again(yes: str) -> None:
    """Players' class A: the repair the yes asked for starts right after the filing; the
    repair the complaint's first message named was offered too, a question nobody answered."""
    opening = "报修好几次了都没人来 暖气还是不热 我要投诉"
    first = user_turn(opening, "file_complaint", message_id="a")
    t = tracker(first, user_turn(yes, "report_repair", message_id="b"))
    dispatcher = CollectingDispatcher()
    assert offer_second_request(dispatcher, t, {"file_complaint"}, first["text"]) == []
    assert texts(dispatcher) == []
