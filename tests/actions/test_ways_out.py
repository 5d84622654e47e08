"""Dead ends the red team found (F9, F10, F16): a resident who asks for a person gets one, who
says they will go to the hall or want no booking is let go, and who already asked for a person
is not told to ask again."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.account import ValidateVerifyForm
from actions.conversation import (
    CHANGE_TICKET,
    ActionBotChallenge,
    ActionCorrectAfterSubmit,
    ActionHandleYesNo,
)
from actions.repair import ValidateRepairForm
from bot.nlu.linear import response_selector_output
from bot.policy import load_policy
from bot.policy.knowledge import load_knowledge
from bot.services import tickets as ticket_service
from bot.store.db import session_scope
from bot.store.models import Ticket, TicketEvent
from bot.store.tickets import TicketDraft

from .conftest import NOW, has_event, offered, said, slot_values, texts, tracker, user_turn


def _answering(form: str, asked: str, answer: dict[str, Any], **slots: Any) -> Tracker:
    """`form` asked for `asked` after a first request, and the resident sent `answer`."""
    return tracker(
        user_turn("暖气不热", "report_repair", message_id="first"),
        {"event": "slot", "name": "requested_slot", "value": asked},
        answer,
        active_loop=form,
        slots={"requested_slot": asked, **slots},
    )


async def _repair_form_on(
    domain: dict[str, Any], asked: str, text: str, intent: str, **slots: Any
) -> tuple[CollectingDispatcher, list[dict[str, Any]]]:
    """What the repair form's validation says and does with `text` sent while it asks."""
    dispatcher = CollectingDispatcher()
    answer = user_turn(text, intent, message_id="answer")
    events = await ValidateRepairForm().run(
        dispatcher, _answering("repair_form", asked, answer, **slots), domain
    )
    return dispatcher, events


# ---- F9: a person when asked for one -----------------------------------------------------------


async def test_asking_for_a_person_while_asking_if_this_is_a_bot_hands_over(
    store: str, domain: dict[str, Any]
) -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionBotChallenge().run(
        dispatcher, tracker(user_turn("你是机器人吧，找个人跟我说", "bot_challenge")), domain
    )
    assert "utter_iamabot" not in texts(dispatcher)
    assert said(dispatcher, "utter_human_callback")["ticket_no"].startswith("RG")  # off duty
    assert has_event(events, "followup", "action_listen")


async def test_are_you_a_bot_is_answered_with_a_button_to_a_person(
    domain: dict[str, Any],
) -> None:
    dispatcher = CollectingDispatcher()
    await ActionBotChallenge().run(
        dispatcher, tracker(user_turn("你是真人吗", "bot_challenge")), domain
    )
    assert texts(dispatcher) == ["utter_iamabot"]
    [plain] = [v for v in domain["responses"]["utter_iamabot"] if not v.get("channel")]
    assert [b["payload"] for b in plain["buttons"]] == ["/request_human"]
    assert "请回复" not in plain["text"]


# ---- F10: leaving verification for the hall, no booking wanted ---------------------------------


async def test_going_to_the_hall_tomorrow_ends_the_verification(
    domain: dict[str, Any],
) -> None:
    dispatcher = CollectingDispatcher()
    leaving = user_turn("那我明天去营业厅吧，谢谢闺女", "thank", message_id="b")
    events = await ValidateVerifyForm().run(
        dispatcher, _answering("verify_form", "account_no", leaving), domain
    )
    assert texts(dispatcher) == ["utter_verify_elsewhere"]
    assert has_event(events, "active_loop", None)
    assert slot_values(events)["requested_slot"] is None


async def test_a_hall_question_inside_verification_does_not_end_it(
    domain: dict[str, Any],
) -> None:
    dispatcher = CollectingDispatcher()
    asking = user_turn("最近的营业厅在哪，几点开门", "query_service_hall", message_id="b")
    events = await ValidateVerifyForm().run(
        dispatcher, _answering("verify_form", "account_no", asking), domain
    )
    assert "utter_verify_elsewhere" not in texts(dispatcher)
    assert not has_event(events, "active_loop", None)


async def test_no_booking_wanted_ends_the_form_and_the_question_is_answered(
    domain: dict[str, Any],
) -> None:
    selector = response_selector_output("faq", [("faq/radiator_bleeding", 0.9)], {})
    dispatcher = CollectingDispatcher()
    question = user_turn("不用报修，我就问怎么自己放气", "faq", response_selector=selector)
    events = await ValidateRepairForm().run(
        dispatcher, _answering("repair_form", "address", question, fault_type="air"), domain
    )
    said_now = texts(dispatcher)
    assert said_now[0] == "utter_not_booking"
    assert said_now[1] == load_knowledge(load_policy()).answer("radiator_bleeding")
    assert has_event(events, "active_loop", None)


async def test_no_booking_but_a_complaint_switches_to_the_complaint(
    domain: dict[str, Any],
) -> None:
    dispatcher, events = await _repair_form_on(
        domain, "address", "算了 别报修了 每回来人看一眼就走 我要投诉你们维修的", "file_complaint"
    )
    assert texts(dispatcher) == ["utter_form_switched"]
    assert has_event(events, "followup", "complaint_form")


async def test_no_booking_until_the_planned_stop_is_over_names_the_stop(
    domain: dict[str, Any],
) -> None:
    dispatcher, _ = await _repair_form_on(
        domain,
        "phone",
        "你们金色家园是不是过几天要检修？那我等检修完再看吧 先不报了",
        "query_outage",
        address="金色家园8号楼1单元602",
    )
    assert texts(dispatcher)[0] == "utter_not_booking"
    assert said(dispatcher, "utter_outage_found")["community"] == "金色家园"


async def test_just_asking_not_booking_is_no_phone_number(domain: dict[str, Any]) -> None:
    dispatcher, events = await _repair_form_on(
        domain, "phone", "俺是问问，现在不报修", "query_ticket"
    )
    assert texts(dispatcher) == ["utter_form_stopped"]
    assert "utter_invalid_phone" not in texts(dispatcher)
    assert has_event(events, "active_loop", None)


async def test_impatience_is_no_decline(domain: dict[str, Any]) -> None:
    dispatcher, events = await _repair_form_on(
        domain, "address", "你们到底修不修！", "file_complaint"
    )
    assert "utter_form_stopped" not in texts(dispatcher)
    assert not has_event(events, "active_loop", None)


# ---- F16: after 转人工, no "reply 转人工" ---------------------------------------------------


def _callback(store: str) -> str:
    with session_scope(store) as session:
        draft = TicketDraft(kind="RG", channel="rest", sender_id="tester", dedup_key="rg-1")
        return ticket_service.open_ticket(session, load_policy(), draft, NOW).ticket_no


async def test_a_change_asked_for_while_a_call_back_waits_is_added_to_it(
    store: str, domain: dict[str, Any]
) -> None:
    waiting = _callback(store)
    dispatcher = CollectingDispatcher()
    await ActionCorrectAfterSubmit().run(
        dispatcher,
        tracker(user_turn("就是想把上门时间改到后天下午，12月8号下午", "correct_info")),
        domain,
    )
    assert said(dispatcher, "utter_added_to_callback")["ticket_no"] == waiting
    assert "utter_correct_after_submit" not in texts(dispatcher)
    with session_scope(store) as session:
        ticket = session.query(Ticket).filter_by(ticket_no=waiting).one()
        notes = [
            e.detail["text"]
            for e in session.query(TicketEvent).filter_by(ticket_id=ticket.id, kind="note")
        ]
    assert notes == ["就是想把上门时间改到后天下午，12月8号下午"]


async def test_a_change_without_a_call_back_is_offered_a_person_one_yes_away(
    store: str, domain: dict[str, Any]
) -> None:
    with session_scope(store) as session:  # a complaint on file: something to change
        draft = TicketDraft(kind="TS", channel="rest", sender_id="tester", dedup_key="ts-1")
        ticket_service.open_ticket(session, load_policy(), draft, NOW)
    dispatcher = CollectingDispatcher()
    events = await ActionCorrectAfterSubmit().run(
        dispatcher, tracker(user_turn("能不能改到后天下午", "correct_info")), domain
    )
    assert texts(dispatcher) == ["utter_correct_after_submit"]
    assert slot_values(events) == {"pending": CHANGE_TICKET}
    yes = CollectingDispatcher()
    await ActionHandleYesNo().run(yes, offered(CHANGE_TICKET, "好", "affirm"), domain)
    assert said(yes, "utter_human_callback")["ticket_no"].startswith("RG")


# ---- player findings 4, p4-029: no ticket in the conversation, no change offered -------------


@pytest.mark.parametrize("text", ["我说的是现在！", "不是那个意思 我说的是今天"])
async def test_no_ticket_no_change_offered(text: str, store: str, domain: dict[str, Any]) -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionCorrectAfterSubmit().run(
        dispatcher, tracker(user_turn(text, "correct_info")), domain
    )
    assert texts(dispatcher) == ["utter_no_ticket_to_change"]
    assert slot_values(events) == {"pending": None}


@pytest.mark.parametrize("text", ["能不能改到后天下午", "之前那个单子电话留错了"])
async def test_a_change_to_a_ticket_filed_elsewhere_still_offers_the_person(
    text: str, store: str, domain: dict[str, Any]
) -> None:
    """A ticket booked by phone or in another chat is none of this conversation's, and a
    person can still change it: the change is not told "nothing was filed here"."""
    dispatcher = CollectingDispatcher()
    events = await ActionCorrectAfterSubmit().run(
        dispatcher, tracker(user_turn(text, "correct_info")), domain
    )
    assert texts(dispatcher) == ["utter_correct_after_submit"]
    assert slot_values(events) == {"pending": CHANGE_TICKET}


@pytest.mark.parametrize(
    "text",
    ["我说的是现在！屋里冷！东风新村5号楼2门302！", "说的是现在 家里暖气冰凉 和平里3号楼1单元101"],
)
async def test_a_cold_home_with_no_ticket_is_the_repair(
    text: str, store: str, domain: dict[str, Any]
) -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionCorrectAfterSubmit().run(
        dispatcher, tracker(user_turn(text, "correct_info")), domain
    )
    assert "utter_correct_after_submit" not in texts(dispatcher)
    assert any(e.get("event") == "followup" and e.get("name") == "repair_form" for e in events)
