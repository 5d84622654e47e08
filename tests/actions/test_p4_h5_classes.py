"""Players' findings 4, classes D and E, through the actions that answer them: an address sent
with more words while an urgent ticket waits for it is taken in that turn (D1); a landline in a
whole booking message is the contact (D2); a visit is not booked on a community said before the
request (E1); an urgent ticket's missing unit and door are asked once (E2); a community named
close to one of ours is asked back, never dropped (E3). Demo communities: 阳光花园, 幸福里小区,
金色家园, 和平里, 东风新村."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.address_ask import ActionAskAddress
from actions.common import policy
from actions.emergency import ActionEmergency
from actions.repair import ValidateRepairForm
from actions.service_requests import ValidateTempCheckForm
from bot.base import clock
from bot.services import tickets as ticket_service
from bot.store.db import session_scope
from bot.store.models import Ticket
from bot.store.tickets import TicketDraft

from .conftest import said, slot_values, texts, tracker, user_turn


def _bot(response: str) -> dict[str, Any]:
    return {"event": "bot", "text": "…", "metadata": {"utter_action": response}}


def _urgent_ticket(store: str, **fields: Any) -> str:
    with session_scope(store) as session:
        ticket = ticket_service.open_ticket(
            session,
            policy(),
            TicketDraft(
                kind="BX",
                channel="rest",
                sender_id="tester",
                dedup_key="t",
                fault_type="leak",
                urgent=True,
                description="卫生间暖气管子爆了 水哗哗往外喷",
                **fields,
            ),
            clock.now(),
        )
        return ticket.ticket_no


def _ticket_address(store: str, ticket_no: str) -> str | None:
    with session_scope(store) as session:
        return session.query(Ticket).filter_by(ticket_no=ticket_no).one().address


# D1: the address typed with the leak going on


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("阳光花园5号楼1单元302 我关不上阀门啊", "阳光花园5号楼1单元302"),
        ("和平里3号楼2单元501 水越流越多了 咋整", "和平里3号楼2单元501"),
        ("地址是金色家园2号楼1单元402 水还在往外冒", "金色家园2号楼1单元402"),
    ],
)
async def test_an_address_sent_with_the_leak_going_on_is_taken_and_not_asked_again(
    store: str, domain: dict[str, Any], text: str, address: str
) -> None:
    ticket_no = _urgent_ticket(store)
    dispatcher = CollectingDispatcher()
    events = await ActionEmergency().run(
        dispatcher,
        tracker(
            _bot("utter_emergency_water"),
            _bot("utter_ask_address"),
            user_turn(text, "report_repair"),
            slots={
                "requested_slot": "address",
                "fault_type": "leak",
                "urgent_ticket_no": ticket_no,
            },
            slot_events={"address": text},
            active_loop="repair_form",
        ),
        domain,
    )
    assert "utter_emergency_need_address" not in texts(dispatcher)
    assert texts(dispatcher)[-1] == "utter_emergency_need_phone"
    slots = slot_values(events)
    assert slots["address"] == address
    assert slots["requested_slot"] == "phone"
    assert _ticket_address(store, ticket_no) == address


async def test_a_leak_going_on_without_an_address_is_still_asked_for_it(
    store: str, domain: dict[str, Any]
) -> None:
    ticket_no = _urgent_ticket(store)
    text = "关不上啊 水越来越多了"
    dispatcher = CollectingDispatcher()
    await ActionEmergency().run(
        dispatcher,
        tracker(
            _bot("utter_emergency_water"),
            user_turn(text, "report_repair"),
            slots={
                "requested_slot": "address",
                "fault_type": "leak",
                "urgent_ticket_no": ticket_no,
            },
            slot_events={"address": text},
            active_loop="repair_form",
        ),
        domain,
    )
    assert texts(dispatcher)[-1] == "utter_emergency_need_address"


# D2: a landline in the message that starts the booking


@pytest.mark.parametrize(
    ("text", "phone"),
    [
        (
            "我想预约测温，地址是东风新村7号楼4单元303，电话010-6789 1234 转 8021，明天下午",
            "010-67891234-8021",
        ),
        ("约个测温 和平里5号楼3单元602 座机 010 8765 4321 转 306", "010-87654321-306"),
    ],
)
async def test_a_landline_in_the_booking_message_is_the_contact(
    store: str, domain: dict[str, Any], text: str, phone: str
) -> None:
    events = await ValidateTempCheckForm().run(
        CollectingDispatcher(),
        tracker(user_turn(text, "request_temp_check"), active_loop="temp_check_form"),
        domain,
    )
    assert slot_values(events).get("phone") == phone


# E1: a community said before the request is no visit's address


@pytest.mark.parametrize(
    ("form", "action", "intent"),
    [
        ("repair_form", ValidateRepairForm, "report_repair"),
        ("temp_check_form", ValidateTempCheckForm, "request_temp_check"),
    ],
)
async def test_a_community_said_before_the_request_is_not_the_visits_address(
    store: str, domain: dict[str, Any], form: str, action: Any, intent: str
) -> None:
    events = await action().run(
        CollectingDispatcher(),
        tracker(
            user_turn("东风新村这几天有停暖计划吗", "query_outage", message_id="a"),
            {"event": "slot", "name": "address", "value": "东风新村"},
            _bot("utter_no_outage"),
            user_turn("我家暖气不热 派个师傅来瞧瞧", intent, message_id="b"),
            slots={"fault_type": "no_heat"},
            slot_events={"address": "东风新村"},  # Rasa validates a prefilled slot at activation
            active_loop=form,
        ),
        domain,
    )
    assert slot_values(events).get("address", "unset") is None


async def test_a_whole_address_said_before_the_request_stays(
    store: str, domain: dict[str, Any]
) -> None:
    events = await ValidateRepairForm().run(
        CollectingDispatcher(),
        tracker(
            user_turn("和平里3号楼2单元201停暖了吗", "query_outage", message_id="a"),
            {"event": "slot", "name": "address", "value": "和平里3号楼2单元201"},
            user_turn("那派人来修吧", "report_repair", message_id="b"),
            slots={"fault_type": "no_heat"},
            slot_events={"address": "和平里3号楼2单元201"},
            active_loop="repair_form",
        ),
        domain,
    )
    assert slot_values(events)["address"] == "和平里3号楼2单元201"


# E2: an urgent ticket's missing unit and door, asked once


def _urgent_first(text: str, ticket_no: str) -> Tracker:
    """The message that opened the urgent ticket (its address on it), as the form starts: the
    ticket's answer followed the message, and ended the request for `home_told`."""
    state = tracker(
        user_turn(text, "report_repair", message_id="a"),
        slots={"fault_type": "no_heat", "urgent_ticket_no": ticket_no},
        slot_events={"address": text},
        active_loop="repair_form",
    )
    state.events[1:1] = [_bot("utter_emergency_ticket"), _bot("utter_emergency_alerted")]
    return state


@pytest.mark.parametrize(
    ("text", "on_ticket", "missing"),
    [
        ("家里冰凉 老伴冻得说不出话 和平里2号楼", "和平里2号楼", "单元和门牌号"),
        ("暖气管爆了 阳光花园7号楼3单元", "阳光花园7号楼3单元", "门牌号"),
        ("水哗哗的往外冒 金色家园", "金色家园", "楼号、单元和门牌号"),
    ],
)
async def test_an_urgent_tickets_missing_parts_are_asked_once(
    store: str, domain: dict[str, Any], text: str, on_ticket: str, missing: str
) -> None:
    first = _urgent_first(text, _urgent_ticket(store, address=on_ticket))
    events = await ValidateRepairForm().run(CollectingDispatcher(), first, domain)
    assert slot_values(events).get("address", "unset") is None
    asked = CollectingDispatcher()
    await ActionAskAddress().run(asked, first, domain)
    question = said(asked, "utter_emergency_need_address_rest")
    assert (question["missing"], question["known"]) == (missing, on_ticket)


@pytest.mark.parametrize(
    ("answer", "address"),
    [
        ("1单元301", "和平里2号楼1单元301"),
        ("不知道 你们来了打电话吧", "和平里2号楼（门牌未提供，师傅上门前电话确认）"),
        ("2单元", "和平里2号楼2单元"),
    ],
)
async def test_the_answer_to_the_urgent_rest_question_completes_the_address(
    store: str, domain: dict[str, Any], answer: str, address: str
) -> None:
    first = "家里冰凉 老伴冻得说不出话 和平里2号楼"
    ticket_no = _urgent_ticket(store, address="和平里2号楼")
    events = await ValidateRepairForm().run(
        CollectingDispatcher(),
        tracker(
            user_turn(first, "report_repair", message_id="a"),
            _bot("utter_emergency_ticket"),
            {"event": "active_loop", "name": "repair_form"},
            _bot("utter_emergency_need_address_rest"),
            user_turn(answer, "inform", message_id="b"),
            slots={
                "fault_type": "no_heat",
                "requested_slot": "address",
                "urgent_ticket_no": ticket_no,
            },
            slot_events={"address": answer},
            active_loop="repair_form",
        ),
        domain,
    )
    assert slot_values(events)["address"] == address
    if "门牌未提供" not in address:
        assert _ticket_address(store, ticket_no) == address  # the crew's ticket is completed


# E3: a community close to ours is asked back


@pytest.mark.parametrize(
    ("text", "community", "address"),
    [
        ("阳光小区暖气不热 10号楼2单元601", "阳光花园", "阳光花园10号楼2单元601"),
        ("我们阳光小区11号楼3单元502 暖气一点不热", "阳光花园", "阳光花园11号楼3单元502"),
        ("和平小区4号楼1单元101 暖气片冰凉", "和平里", "和平里4号楼1单元101"),
    ],
)
async def test_a_community_close_to_ours_is_asked_back_then_taken(
    store: str, domain: dict[str, Any], text: str, community: str, address: str
) -> None:
    flat = text[text.index(next(ch for ch in text if ch.isdigit())) :].split()[0]
    first = tracker(
        user_turn(text, "report_repair", message_id="a"),
        slots={"fault_type": "no_heat"},
        slot_events={"address": flat},
        active_loop="repair_form",
    )
    events = await ValidateRepairForm().run(CollectingDispatcher(), first, domain)
    assert slot_values(events).get("address", "unset") is None
    asked = CollectingDispatcher()
    await ActionAskAddress().run(asked, first, domain)
    assert said(asked, "utter_ask_address_meant")["community"] == community
    for yes in ("对", "对 是" + community):
        events = await ValidateRepairForm().run(
            CollectingDispatcher(),
            tracker(
                user_turn(text, "report_repair", message_id="a"),
                _bot("utter_ask_address_meant"),
                user_turn(yes, "affirm", message_id="b"),
                slots={"fault_type": "no_heat", "requested_slot": "address"},
                active_loop="repair_form",
            ),
            domain,
        )
        assert slot_values(events)["address"] == address


async def test_the_community_set_aside_is_named_and_completed_by_the_answer(
    store: str, domain: dict[str, Any]
) -> None:
    """After 东风新村 was set aside, the question names it and 4号楼1单元202 completes it."""
    asked_turn = tracker(
        user_turn("东风新村这几天有停暖计划吗", "query_outage", message_id="a"),
        {"event": "slot", "name": "address", "value": "东风新村"},
        _bot("utter_no_outage"),
        user_turn("我家暖气不热 派个师傅来瞧瞧", "report_repair", message_id="b"),
        slots={"fault_type": "no_heat", "address": None},
        slot_events={"address": None},  # set aside as the form started
        active_loop="repair_form",
    )
    asked = CollectingDispatcher()
    await ActionAskAddress().run(asked, asked_turn, domain)
    assert said(asked, "utter_ask_address_rest")["known"] == "东风新村"
    events = await ValidateRepairForm().run(
        CollectingDispatcher(),
        tracker(
            user_turn("东风新村这几天有停暖计划吗", "query_outage", message_id="a"),
            {"event": "slot", "name": "address", "value": "东风新村"},
            user_turn("我家暖气不热 派个师傅来瞧瞧", "report_repair", message_id="b"),
            {"event": "slot", "name": "address", "value": None},
            _bot("utter_ask_address_rest"),
            user_turn("4号楼1单元202", "inform", message_id="c"),
            slots={"fault_type": "no_heat", "requested_slot": "address"},
            slot_events={"address": "4号楼1单元202"},
            active_loop="repair_form",
        ),
        domain,
    )
    assert slot_values(events)["address"] == "东风新村4号楼1单元202"
