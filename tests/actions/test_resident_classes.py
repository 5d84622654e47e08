"""The snow development sets' classes (issue 16, fifth round) through the actions that answer
them: the fault the resident came with kept, the warm-up answer outgrown, a knock that needs a
fitter, a request already made asked after, an upset "no" with a question, another way to prove
the account, "and there?" with a cold home, a question inside an application. The text rules
are in tests/unit/test_nlu_resident_classes.py. Demo data: 幸福里小区 has a stop now, 金色家园 a
planned one in three days; the clock is 2026-11-27, twelve days into the season."""

from __future__ import annotations

from typing import Any

from rasa_sdk.executor import CollectingDispatcher

from actions.account import ValidateVerifyForm
from actions.conversation import (
    ActionAnswerFaq,
    ActionFallback,
    ActionHandleInform,
    ActionHandleYesNo,
)
from actions.repair import ValidateRepairForm
from actions.tickets import ActionQueryTicket
from bot.nlu.linear import response_selector_output
from bot.policy import load_policy
from bot.services import tickets as ticket_service
from bot.store.db import session_scope
from bot.store.tickets import TicketDraft

from .conftest import NOW, has_event, said, texts, tracker, user_turn


def _faq_turn(text: str, keys: list[tuple[str, float]], message_id: str = "q") -> dict[str, Any]:
    selector = response_selector_output("faq", [(f"faq/{k}", p) for k, p in keys], {})
    return user_turn(text, "faq", response_selector=selector, message_id=message_id)


def _bot(response: str, text: str = "…") -> dict[str, Any]:
    return {"event": "bot", "text": text, "metadata": {"utter_action": response}}


def _slot(name: str, value: Any) -> dict[str, Any]:
    return {"event": "slot", "name": name, "value": value}


# --- the fault the resident came with ---


async def test_both_signs_of_air_are_booked_as_air(domain: dict[str, Any]) -> None:
    text = "暖气片上半截凉下半截热 晚上还咕噜咕噜响 是不是得叫人来修"
    result = await ValidateRepairForm().validate_fault_type(
        "noise", CollectingDispatcher(), tracker(user_turn(text, "report_repair")), domain
    )
    assert result == {"fault_type": "air"}


async def test_a_part_named_in_telling_a_try_does_not_replace_the_fault(
    domain: dict[str, Any],
) -> None:
    """试了 那个小阀门拧不动 after the venting advice was the air vent, and the ticket went out as
    a valve fault."""
    t = tracker(
        user_turn("暖气片上半截凉下半截热 晚上还咕噜咕噜响", "report_repair", message_id="a"),
        _slot("fault_type", "air"),
        _slot("requested_slot", "address"),
        user_turn("试了 那个小阀门拧不动 怕拧坏了 还是找师傅来吧", "report_repair", message_id="b"),
        slots={"requested_slot": "address"},
        slot_events={"fault_type": "valve"},
    )
    result = await ValidateRepairForm().validate_fault_type(
        "valve", CollectingDispatcher(), t, domain
    )
    assert result == {"fault_type": "air"}


async def test_a_corrected_or_asked_fault_is_taken(domain: dict[str, Any]) -> None:
    corrected = tracker(
        user_turn("暖气不热", "report_repair", message_id="a"),
        _slot("fault_type", "no_heat"),
        user_turn("说错了 不是不热 是阀门坏了关不上", "correct_info", message_id="b"),
        slots={"requested_slot": "address"},
        slot_events={"fault_type": "valve"},
    )
    result = await ValidateRepairForm().validate_fault_type(
        "valve", CollectingDispatcher(), corrected, domain
    )
    assert result == {"fault_type": "valve"}
    vague = tracker(
        user_turn("暖气有问题", "report_repair", message_id="a"),
        _slot("fault_type", "other"),
        user_turn("就是不热", "inform", message_id="b"),
        slots={"requested_slot": "address"},
        slot_events={"fault_type": "no_heat"},
    )
    result = await ValidateRepairForm().validate_fault_type(
        "no_heat", CollectingDispatcher(), vague, domain
    )
    assert result == {"fault_type": "no_heat"}


# --- the knowledge base's answer outgrown, or sending a fitter ---


async def test_a_cold_home_weeks_into_the_season_is_a_repair_not_the_warm_up(
    domain: dict[str, Any],
) -> None:
    turn = _faq_turn("喂 有人没 俺家暖气咋凉成这了 一点都不热", [("startup_period", 0.54)])
    dispatcher = CollectingDispatcher()
    events = await ActionAnswerFaq().run(dispatcher, tracker(turn), domain)
    assert has_event(events, "followup", "repair_form")
    assert texts(dispatcher) == []  # "the first 3–5 days warm up" is not said twelve days in


async def test_the_first_days_asked_about_still_get_the_warm_up(domain: dict[str, Any]) -> None:
    turn = _faq_turn("刚开始供暖暖气不热正常吗", [("startup_period", 0.9)])
    dispatcher = CollectingDispatcher()
    events = await ActionAnswerFaq().run(dispatcher, tracker(turn), domain)
    assert not has_event(events, "followup", "repair_form")
    assert "升温期" in dispatcher.messages[0]["text"]


async def test_a_knock_at_home_is_answered_and_booked(domain: dict[str, Any]) -> None:
    text = "娃 问一下 额屋里暖气片一到黑咧就咣当咣当响 吵得额睡不着 这咋弄"
    dispatcher = CollectingDispatcher()
    events = await ActionAnswerFaq().run(
        dispatcher, tracker(_faq_turn(text, [("radiator_noise", 0.79)])), domain
    )
    assert "敲击声" in dispatcher.messages[0]["text"]
    assert has_event(events, "followup", "repair_form")
    # a gurgle the resident can vent is only answered
    dispatcher = CollectingDispatcher()
    gurgle = _faq_turn("我家暖气片咕噜咕噜响 咋弄", [("radiator_noise", 0.8)])
    events = await ActionAnswerFaq().run(dispatcher, tracker(gurgle), domain)
    assert not has_event(events, "followup", "repair_form")


# --- a request already made, asked after ---


def _file(store: str, kind: str) -> str:
    with session_scope(store) as session:
        draft = TicketDraft(
            kind=kind,
            channel="rest",
            sender_id="tester",
            dedup_key=None,
            address="阳光花园2号楼1单元301",
            fault_type="no_heat" if kind == "BX" else None,
        )
        return ticket_service.open_ticket(session, load_policy(), draft, NOW).ticket_no


async def test_asking_after_the_complaint_gets_its_ticket_and_when_we_call(
    store: str, domain: dict[str, Any]
) -> None:
    repair, complaint = _file(store, "BX"), _file(store, "TS")
    dispatcher = CollectingDispatcher()
    turn = user_turn("刚才俺投诉的那个 多长时间能给俺个回话", "query_ticket")
    await ActionQueryTicket().run(dispatcher, tracker(turn), domain)
    status = [m for m in dispatcher.messages if m.get("response") == "utter_ticket_status"]
    shown = [m["ticket_no"] for m in status]
    assert shown == [complaint] and repair not in shown
    assert "联系您" in said(dispatcher, "utter_ticket_status")["detail"]


# --- an upset "no" that still asks ---


async def test_an_upset_no_hears_sorry_and_the_answer_it_asks_for(domain: dict[str, Any]) -> None:
    t = tracker(
        user_turn("那你告诉我金色家园这回停热是咋回事", "query_outage", message_id="a"),
        _bot("utter_outage_found"),
        _slot("pending", "repair"),
        user_turn("算了 跟你说也没用 你就告诉我几点能来热", "deny", message_id="b"),
        slots={"pending": "repair"},
    )
    dispatcher = CollectingDispatcher()
    await ActionHandleYesNo().run(dispatcher, t, domain)
    said_now = texts(dispatcher)
    assert said_now[0] == "utter_apology_plain"
    assert said(dispatcher, "utter_outage_found")["community"] == "金色家园"
    assert "utter_anything_else" not in said_now


async def test_a_calm_no_is_still_just_a_no(domain: dict[str, Any]) -> None:
    t = tracker(
        user_turn("…", "inform", message_id="a"),
        _slot("pending", "repair"),
        user_turn("不用了", "deny", message_id="b"),
        slots={"pending": "repair"},
    )
    dispatcher = CollectingDispatcher()
    await ActionHandleYesNo().run(dispatcher, t, domain)
    assert texts(dispatcher) == ["utter_anything_else"]


# --- another way to prove the account, and a way out at a third ask ---


async def test_asking_how_else_at_the_account_question_gets_the_other_ways(
    domain: dict[str, Any],
) -> None:
    t = tracker(
        user_turn("想查一下这房子暖气费交没交", "query_fee", message_id="a"),
        _slot("requested_slot", "account_no"),
        user_turn("那我还能怎么查", "nlu_fallback", message_id="b"),
        slots={"requested_slot": "account_no"},
        active_loop="verify_form",
    )
    dispatcher = CollectingDispatcher()
    await ActionFallback().run(dispatcher, t, domain)
    assert texts(dispatcher) == ["utter_verify_alternatives"]
    faq = tracker(
        user_turn("想查一下这房子暖气费交没交", "query_fee", message_id="a"),
        _slot("requested_slot", "account_no"),
        _faq_turn("还有别的办法吗", [("payment_not_posted", 0.5)], message_id="b"),
        slots={"requested_slot": "account_no"},
        active_loop="verify_form",
    )
    dispatcher = CollectingDispatcher()
    await ActionAnswerFaq().run(dispatcher, faq, domain)
    assert texts(dispatcher) == ["utter_verify_alternatives"]


async def test_a_misunderstood_answer_at_the_third_ask_comes_with_the_ways_out(
    domain: dict[str, Any],
) -> None:
    t = tracker(
        user_turn("暖气不热", "report_repair", message_id="a"),
        _slot("requested_slot", "address"),
        _bot("utter_ask_address"),
        user_turn("嗯嗯那个", "inform", message_id="b"),
        _bot("utter_ask_address"),
        user_turn("呃呃 哎呀呀", "nlu_fallback", message_id="c"),
        slots={"requested_slot": "address"},
        active_loop="repair_form",
    )
    dispatcher = CollectingDispatcher()
    await ActionFallback().run(dispatcher, t, domain)
    assert texts(dispatcher)[0] == "utter_ask_rephrase"
    assert texts(dispatcher)[1] in ("utter_form_way_out", "utter_form_way_out_short")


# --- "and there?" with a cold home ---


async def test_and_there_with_a_cold_home_hears_the_stop_there_first(
    domain: dict[str, Any],
) -> None:
    place = [{"entity": "address", "value": "金色家园", "start": 1, "end": 5}]
    t = tracker(
        user_turn("我们和平里今天有没有停暖啊", "query_outage", message_id="a"),
        _bot("utter_no_outage"),
        _slot("pending", "repair"),
        user_turn("那金色家园呢 我妈住那边 她说屋里不热", "inform", place, message_id="b"),
        slots={"pending": "repair"},
    )
    dispatcher = CollectingDispatcher()
    events = await ActionHandleInform().run(dispatcher, t, domain)
    assert said(dispatcher, "utter_outage_found")["community"] == "金色家园"
    assert not has_event(events, "followup", "repair_form")
    # told as one's own home, it books the repair
    own = tracker(
        user_turn("我们和平里今天有没有停暖啊", "query_outage", message_id="a"),
        _bot("utter_no_outage"),
        user_turn("我家在阳光花园 也不热", "inform", message_id="b"),
    )
    events = await ActionHandleInform().run(CollectingDispatcher(), own, domain)
    assert has_event(events, "followup", "repair_form")


# --- a question inside an application ---


async def test_a_question_about_the_fee_does_not_withdraw_the_stop(domain: dict[str, Any]) -> None:
    t = tracker(
        user_turn("想把今年的暖气报停 东风新村8号楼1单元501", "apply_stop_heating", message_id="a"),
        _slot("requested_slot", "phone"),
        _faq_turn("报停了是不是就一分钱不用交了", [("stop_heating_policy", 0.89)], message_id="b"),
        slots={"requested_slot": "phone", "address": "东风新村8号楼1单元501"},
        active_loop="verify_form",
    )
    dispatcher = CollectingDispatcher()
    events = await ValidateVerifyForm().run(dispatcher, t, domain)
    assert "utter_form_stopped" not in texts(dispatcher)
    assert not has_event(events, "active_loop", None)
