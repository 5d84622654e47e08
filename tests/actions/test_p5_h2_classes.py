"""Player findings 5, classes A and B, and hail u hau-037, through the actions and the store.

A: the door given alone where the rest of an urgent ticket's home was asked completes that
ticket's address; 地址记对了吧 reads back what the ticket holds.
B: chasing an urgent ticket (own, or filed elsewhere and proved here) reports it and hands it
to a person, never a second urgent ticket; an urgent ticket called off is never withdrawn by chat,
never answered with "reply 取消 …", and the wish goes on the ticket.
hau-037: a leak being booked as an ordinary repair that gets worse becomes urgent.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import ActionCorrectAfterSubmit, ActionStopForm
from actions.emergency import ActionEmergency
from actions.repair import ValidateRepairForm
from actions.tickets import ActionAskCancelTicket, ActionQueryTicket
from bot.nlu.emergency import detect_emergency
from bot.policy import load_policy
from bot.services import ticket_proof
from bot.services import tickets as ticket_service
from bot.store.db import session_scope
from bot.store.models import Ticket, TicketEvent
from bot.store.tickets import TicketDraft

from .conftest import NOW, has_event, said, slot_values, texts, tracker, user_turn

REST_ASKED = {
    "event": "bot",
    "text": "抢修人员还需要您家的门牌号（已记下：阳光花园3号楼2单元），请告诉我。",
    "metadata": {"utter_action": "utter_emergency_need_address_rest"},
}
LOOP = {"event": "active_loop", "name": "repair_form"}
OWNER_PHONE = "13522223333"


def _urgent(store: str, sender: str = "tester", **fields: Any) -> str:
    with session_scope(store) as session:
        draft = TicketDraft(
            kind="BX",
            channel="rest",
            sender_id=sender,
            dedup_key=None,
            urgent=True,
            fault_type=fields.pop("fault_type", "leak"),
            **fields,
        )
        return ticket_service.open_ticket(session, load_policy(), draft, NOW).ticket_no


def _bx(store: str) -> list[Ticket]:
    with session_scope(store) as session:
        rows = session.query(Ticket).filter_by(kind="BX").all()
        session.expunge_all()
        return rows


def _events(store: str, number: str) -> list[TicketEvent]:
    with session_scope(store) as session:
        ticket = session.query(Ticket).filter_by(ticket_no=number).one()
        rows = session.query(TicketEvent).filter_by(ticket_id=ticket.id).all()
        session.expunge_all()
        return rows


def _marked(text: str, intent: str = "report_repair", **kwargs: Any) -> dict[str, Any]:
    turn = user_turn(text, intent, **kwargs)
    found = detect_emergency(text)
    assert found is not None, text
    turn["parse_data"]["emergency"] = found.as_dict()
    return turn


# ---- A: the door alone completes the urgent ticket's home -------------------------------------


async def test_a_door_given_alone_at_the_rest_question_completes_the_urgent_address(
    store: str, domain: dict[str, Any]
) -> None:
    number = _urgent(
        store,
        address="阳光花园3号楼2单元",
        community="阳光花园",
        building="3",
        unit="2",
        fault_type="no_heat",
    )
    for answer in ("602", "我刚说了602啊", "门牌号是602"):
        state = tracker(
            user_turn("我妈一个人住阳光花园3号楼2单元 八十多了 冷得睡不着", message_id="a"),
            LOOP,
            REST_ASKED,
            user_turn(answer, "correct_info" if "说了" in answer else "inform", message_id="b"),
            slots={
                "requested_slot": "address",
                "fault_type": "no_heat",
                "urgent_ticket_no": number,
            },
            active_loop="repair_form",
        )
        events = await ValidateRepairForm().run(CollectingDispatcher(), state, domain)
        assert slot_values(events).get("address") == "阳光花园3号楼2单元602", answer


async def test_a_bare_number_without_the_rest_asked_is_no_address(
    store: str, domain: dict[str, Any]
) -> None:
    state = tracker(
        user_turn("暖气不热", "report_repair", message_id="a"),
        LOOP,
        {"event": "bot", "text": "…", "metadata": {"utter_action": "utter_ask_address"}},
        user_turn("602", message_id="b"),
        slots={"requested_slot": "address", "fault_type": "no_heat"},
        slot_events={"address": "602"},
        active_loop="repair_form",
    )
    events = await ValidateRepairForm().run(CollectingDispatcher(), state, domain)
    assert slot_values(events).get("address") is None


async def test_is_the_address_right_reads_back_what_the_ticket_holds(
    store: str, domain: dict[str, Any]
) -> None:
    number = _urgent(
        store, address="东风新村9号楼1单元301", community="东风新村", phone=OWNER_PHONE
    )
    dispatcher = CollectingDispatcher()
    await ActionCorrectAfterSubmit().run(
        dispatcher, tracker(user_turn("地址记对了吧", "correct_info")), domain
    )
    told = said(dispatcher, "utter_ticket_recorded")
    assert (told["ticket_no"], told["address"]) == (number, "东风新村9号楼1单元301")
    assert "utter_correct_after_submit" not in texts(dispatcher)


# ---- B: an urgent ticket chased ---------------------------------------------------------------


async def test_chasing_the_own_urgent_ticket_reports_it_and_hands_it_to_a_person(
    store: str, domain: dict[str, Any]
) -> None:
    number = _urgent(
        store, address="东风新村11号楼3单元101", community="东风新村", phone=OWNER_PHONE
    )
    dispatcher = CollectingDispatcher()
    await ActionQueryTicket().run(
        dispatcher, tracker(user_turn("师傅还没来呢 都快一个小时了", "query_ticket")), domain
    )
    told = said(dispatcher, "utter_urgent_chased")
    assert told["ticket_no"] == number and told["address"] == "东风新村11号楼3单元101"
    assert told["duty_phone"] == load_policy().emergency.duty_phone
    assert "utter_ticket_status" not in texts(dispatcher)
    assert any(e.kind == "urged" for e in _events(store, number))


async def test_a_ticket_proved_here_is_chased_and_never_doubled(
    store: str, domain: dict[str, Any]
) -> None:
    """p5-015: a second person of the household proved the leak ticket with its phone; 师傅还没
    来呢 read "no ticket in this conversation", and 水还在流 with the number opened a second
    urgent ticket."""
    number = _urgent(
        store,
        sender="owner",
        address="东风新村11号楼3单元101",
        community="东风新村",
        phone=OWNER_PHONE,
    )
    with session_scope(store) as session:
        proof = ticket_proof.prove_ticket(
            session, load_policy(), "rest", "tester", number, OWNER_PHONE, NOW
        )
        assert proof.ok
    asked = user_turn(f"我的工单{number}到哪了", "query_ticket", message_id="a")
    chased = CollectingDispatcher()
    await ActionQueryTicket().run(
        chased,
        tracker(asked, user_turn("师傅还没来呢 都快一个小时了", "query_ticket", message_id="b")),
        domain,
    )
    assert said(chased, "utter_urgent_chased")["ticket_no"] == number
    water = CollectingDispatcher()
    events = await ActionEmergency().run(
        water,
        tracker(asked, _marked(f"{number} 就是这个单子 师傅还没到 水还在流", message_id="c")),
        domain,
    )
    assert len(_bx(store)) == 1  # no second urgent ticket
    assert "utter_emergency_ticket" not in texts(water)
    assert texts(water)[0] == "utter_emergency_water"  # the numbers still first
    assert slot_values(events).get("urgent_ticket_no") is None


async def test_water_going_on_at_a_proved_ticket_is_noted_on_it(
    store: str, domain: dict[str, Any]
) -> None:
    number = _urgent(
        store, sender="owner", address="和平里3号楼1单元202", community="和平里", phone=OWNER_PHONE
    )
    with session_scope(store) as session:
        assert ticket_proof.prove_ticket(
            session, load_policy(), "rest", "tester", number, OWNER_PHONE, NOW
        ).ok
    dispatcher = CollectingDispatcher()
    await ActionEmergency().run(
        dispatcher,
        tracker(
            user_turn(f"查一下{number}", "query_ticket", message_id="a"),
            _marked("水越来越多了 地上全是水", message_id="b"),
        ),
        domain,
    )
    assert len(_bx(store)) == 1
    assert said(dispatcher, "utter_emergency_ticket_worse")["ticket_no"] == number
    assert any(e.kind == "note" for e in _events(store, number))


# ---- B: an urgent ticket called off ------------------------------------------------------------


async def test_calling_off_an_urgent_ticket_is_said_once_noted_then_a_person_offered(
    store: str, domain: dict[str, Any]
) -> None:
    number = _urgent(store)
    first = CollectingDispatcher()
    events = await ActionStopForm().run(
        first,
        tracker(
            user_turn("我说了不用来人 把单子取消了", "cancel_ticket"),
            slots={"urgent_ticket_no": number, "requested_slot": "address"},
            active_loop="repair_form",
        ),
        domain,
    )
    assert texts(first) == ["utter_urgent_not_cancellable"]
    assert slot_values(events)["pending"] is None
    notes = [e for e in _events(store, number) if e.kind == "note"]
    assert notes and "不需要抢修" in str(notes[0].detail)
    response = first.messages[0]["response"]
    told = {"event": "bot", "text": "…", "metadata": {"utter_action": response}}
    again = CollectingDispatcher()
    events = await ActionAskCancelTicket().run(
        again,
        tracker(
            user_turn("我说了不用来人 把单子取消了", "cancel_ticket", message_id="a"),
            told,
            user_turn(f"取消 {number}", "cancel_ticket", message_id="b"),
        ),
        domain,
    )
    assert texts(again) == ["utter_urgent_not_cancellable_again"]
    assert slot_values(events)["pending"] == "human"
    assert _bx(store)[0].status == "new"  # a person confirms before a crew is stood down


async def test_a_false_alarm_that_wants_nobody_sent_leaves_the_form(
    store: str, domain: dict[str, Any]
) -> None:
    """p5-055: 看错了 暖气没漏 不用来人了 got the address question again, then "reply 取消"."""
    number = _urgent(store)
    dispatcher = CollectingDispatcher()
    events = await ValidateRepairForm().run(
        dispatcher,
        tracker(
            user_turn("暖气漏水了", "report_repair", message_id="a"),
            LOOP,
            user_turn("我看错了 是窗户上的水汽 暖气没漏 不用来人了", "deny", message_id="b"),
            slots={"urgent_ticket_no": number, "requested_slot": "address", "fault_type": "leak"},
            active_loop="repair_form",
        ),
        domain,
    )
    assert texts(dispatcher) == ["utter_no_leak_noted", "utter_urgent_not_cancellable"]
    assert has_event(events, "active_loop", None)


async def test_giving_up_the_form_keeps_the_urgent_ticket_without_a_cancel_instruction(
    store: str, domain: dict[str, Any]
) -> None:
    number = _urgent(store)
    dispatcher = CollectingDispatcher()
    await ActionStopForm().run(
        dispatcher,
        tracker(
            user_turn("算了 不填了", "deny"),
            slots={"urgent_ticket_no": number, "requested_slot": "address"},
            active_loop="repair_form",
        ),
        domain,
    )
    kept = said(dispatcher, "utter_urgent_kept")
    assert kept["duty_phone"] == load_policy().emergency.duty_phone
    response = domain["responses"]["utter_urgent_kept"]
    assert all("回复“取消" not in variant["text"] for variant in response)


# ---- hau-037: an ordinary leak repair that gets worse ------------------------------------------


async def test_an_ordinary_leak_being_booked_that_gets_worse_opens_the_urgent_ticket(
    store: str, domain: dict[str, Any]
) -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionEmergency().run(
        dispatcher,
        tracker(
            user_turn("楼上暖气管漏水 顺着天花板渗下来", "report_repair", message_id="a"),
            LOOP,
            user_turn("我拿盆接着呢 滴得越来越快 你们得赶紧来人关阀门", message_id="b"),
            slots={
                "requested_slot": "phone",
                "fault_type": "leak",
                "address": "幸福里小区1号楼2单元302",
            },
            active_loop="repair_form",
        ),
        domain,
    )
    (ticket,) = _bx(store)
    assert ticket.urgent and ticket.fault_type == "leak"
    assert ticket.address == "幸福里小区1号楼2单元302"
    assert ticket.description is not None and "楼上暖气管漏水" in ticket.description
    assert texts(dispatcher)[0] == "utter_emergency_water"
    assert slot_values(events)["urgent_ticket_no"] == ticket.ticket_no
