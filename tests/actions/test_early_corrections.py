"""Corrections and asides that are not what the bot took them for.

A correction made before anything was filed changes the request (not a ticket); a slip in the
contact phone of a ticket filed minutes ago is corrected on it; a room reading told at the
address question is a reading; asking to have the room measured inside the repair form is a
测温; the form's own request said again inside it is acknowledged.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from rasa_sdk.executor import CollectingDispatcher

from actions.common import AFTER_OUTAGE
from actions.conversation import ActionCorrectAfterSubmit, ActionSameRequest
from actions.repair import ValidateRepairForm
from bot.nlu.contact_fix import corrected_phone
from bot.nlu.numbers import normalise_contact_number
from bot.policy import load_policy
from bot.services import tickets as ticket_service
from bot.store.db import session_scope
from bot.store.models import Ticket, TicketEvent
from bot.store.tickets import TicketDraft
from scripts.gen_form_rules import FORMS, rules

from .conftest import NOW, has_event, said, slot_values, texts, tracker, user_turn

# ---- a correction before anything was filed ---------------------------------------------------


async def test_a_new_address_while_the_stop_is_offered_goes_on_with_the_request(
    store: str, domain: dict[str, Any]
) -> None:
    """The stop was found for the address first given; the resident says that was a relative's
    home. Nothing is filed, so no person is needed: the request goes on at the new address,
    with the fault told at the start."""
    conversation = tracker(
        user_turn("暖气片冰凉 东风新村3号楼1单元101", "report_repair", message_id="first"),
        {"event": "slot", "name": "pending", "value": AFTER_OUTAGE},
        user_turn("不是不是 那是我儿子家 我住阳光花园2号楼3单元502", "correct_info"),
        slots={"pending": AFTER_OUTAGE, "address": "东风新村3号楼1单元101"},
    )
    dispatcher = CollectingDispatcher()
    events = await ActionCorrectAfterSubmit().run(dispatcher, conversation, domain)
    assert "utter_correct_after_submit" not in texts(dispatcher)
    values = slot_values(events)
    assert values["address"] == "阳光花园2号楼3单元502"
    assert values["pending"] is None
    assert values["fault_type"] == "no_heat"
    assert has_event(events, "followup", "repair_form")


# ---- the contact phone of a ticket filed minutes ago ------------------------------------------


def _filed(store: str, minutes_ago: int, sender: str = "tester") -> str:
    with session_scope(store) as session:
        draft = TicketDraft(
            kind="BX",
            channel="rest",
            sender_id=sender,
            dedup_key=f"bx-{sender}-{minutes_ago}",
            fault_type="no_heat",
            address="和平里5号楼2单元301",
            phone="13910002233",
        )
        when = NOW - timedelta(minutes=minutes_ago)
        return ticket_service.open_ticket(session, load_policy(), draft, when).ticket_no


def _ticket(store: str, ticket_no: str) -> tuple[str, list[dict[str, Any]]]:
    with session_scope(store) as session:
        ticket = session.query(Ticket).filter_by(ticket_no=ticket_no).one()
        updates = [
            e.detail
            for e in session.query(TicketEvent).filter_by(ticket_id=ticket.id, kind="updated")
        ]
        return str(ticket.phone), updates


async def test_the_last_four_digits_corrected_just_after_filing_change_the_ticket(
    store: str, domain: dict[str, Any]
) -> None:
    ticket_no = _filed(store, minutes_ago=2)
    dispatcher = CollectingDispatcher()
    await ActionCorrectAfterSubmit().run(
        dispatcher,
        tracker(user_turn("哎呀号码打错了 尾号应该是5566 不是2233", "correct_info")),
        domain,
    )
    confirmed = said(dispatcher, "utter_contact_corrected")
    assert confirmed["ticket_no"] == ticket_no
    assert "139****5566" in confirmed["changed"]
    assert "utter_correct_after_submit" not in texts(dispatcher)
    phone, updates = _ticket(store, ticket_no)
    assert phone == "13910005566"
    assert updates == [{"phone": {"old": "13910002233", "new": "13910005566"}}]


async def test_a_ticket_filed_long_ago_is_changed_by_a_person(
    store: str, domain: dict[str, Any]
) -> None:
    ticket_no = _filed(store, minutes_ago=ticket_service.CONTACT_FIX_MINUTES + 30)
    dispatcher = CollectingDispatcher()
    await ActionCorrectAfterSubmit().run(
        dispatcher, tracker(user_turn("电话写错了 是13800001111", "correct_info")), domain
    )
    assert "utter_correct_after_submit" in texts(dispatcher)
    assert _ticket(store, ticket_no) == ("13910002233", [])


async def test_a_ticket_already_being_worked_on_is_changed_by_a_person(
    store: str, domain: dict[str, Any]
) -> None:
    ticket_no = _filed(store, minutes_ago=1)
    with session_scope(store) as session:
        ticket = session.query(Ticket).filter_by(ticket_no=ticket_no).one()
        ticket.status = "assigned"
    dispatcher = CollectingDispatcher()
    await ActionCorrectAfterSubmit().run(
        dispatcher, tracker(user_turn("电话写错了 是13800001111", "correct_info")), domain
    )
    assert "utter_correct_after_submit" in texts(dispatcher)
    assert _ticket(store, ticket_no)[0] == "13910002233"


def test_the_digits_taken_back_are_never_the_new_number() -> None:
    old = "13910002233"
    assert corrected_phone("号码不是2233 是2288", old, normalise_contact_number) == "13910002288"
    assert corrected_phone("后四位是2288，不是2233", old, normalise_contact_number) == "13910002288"
    assert corrected_phone("地址说错了 是6号楼", old, normalise_contact_number) is None


# ---- a reading at the address question, a measurement asked in the repair form ---------------


async def test_a_room_reading_at_the_address_question_is_acknowledged(
    store: str, domain: dict[str, Any]
) -> None:
    dispatcher = CollectingDispatcher()
    text = "刚拿温度计量了 屋里才十五度"
    result = await ValidateRepairForm().validate_address(
        text,
        dispatcher,
        tracker(
            user_turn(text, "inform"),
            slots={"requested_slot": "address"},
            active_loop="repair_form",
        ),
        domain,
    )
    assert result == {"address": None}
    assert texts(dispatcher) == ["utter_reading_noted"]
    assert said(dispatcher, "utter_reading_noted")["reading"] == "15"


async def test_asking_to_have_the_room_measured_switches_to_the_temperature_check(
    store: str, domain: dict[str, Any]
) -> None:
    conversation = tracker(
        user_turn("家里冷得很", "report_repair", message_id="first"),
        user_turn("你们能派个人上门给测测温度不", "report_repair", message_id="answer"),
        slots={
            "requested_slot": "phone",
            "fault_type": "no_heat",
            "address": "阳光花园2号楼3单元502",
        },
        active_loop="repair_form",
    )
    dispatcher = CollectingDispatcher()
    events = await ValidateRepairForm().run(dispatcher, conversation, domain)
    assert "utter_switch_to_temp_check" in texts(dispatcher)
    assert has_event(events, "followup", "temp_check_form")
    assert has_event(events, "active_loop", None)
    assert "address" not in slot_values(events)  # kept for the 测温 form


async def test_the_switch_after_two_address_questions_says_the_ways_out(
    store: str, domain: dict[str, Any]
) -> None:
    """The address was asked twice; the 测温 form will ask it a third time."""
    ask = {"event": "bot", "text": "地址？", "metadata": {"utter_action": "utter_ask_address"}}
    conversation = tracker(
        user_turn("家里冷得很", "report_repair", message_id="first"),
        ask,
        user_turn("刚量了才十五度", "inform", message_id="reading"),
        ask,
        user_turn("能不能派个人来量一量", "report_repair", message_id="answer"),
        slots={"requested_slot": "address", "fault_type": "no_heat"},
        slot_events={"address": "能不能派个人来量一量"},
        active_loop="repair_form",
    )
    dispatcher = CollectingDispatcher()
    await ValidateRepairForm().run(dispatcher, conversation, domain)
    assert texts(dispatcher) == ["utter_switch_to_temp_check", "utter_form_way_out"]


async def test_the_switch_to_the_temperature_check_is_no_wrong_address(
    store: str, domain: dict[str, Any]
) -> None:
    """The 测温 form opens on the message that asked for it: that is no address to complain of."""
    dispatcher = CollectingDispatcher()
    text = "你们能派个人上门给测测温度不"
    result = await ValidateRepairForm().validate_address(
        text, dispatcher, tracker(user_turn(text, "request_temp_check")), domain
    )
    assert result == {"address": None}
    assert texts(dispatcher) == []


# ---- the form's own request again ------------------------------------------------------------


def test_every_form_takes_its_own_request_again_as_noted() -> None:
    taken = {
        (rule["condition"][0]["active_loop"], rule["steps"][0]["intent"])  # type: ignore[index]
        for rule in rules()
        if rule["steps"][1] == {"action": "action_same_request"}  # type: ignore[index]
    }
    assert taken == {(form, intent) for form, intents in FORMS.items() for intent in intents}


async def test_the_same_request_is_acknowledged(domain: dict[str, Any]) -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionSameRequest().run(
        dispatcher, tracker(user_turn("能派人来看看表吗", "report_meter_problem")), domain
    )
    assert texts(dispatcher) == ["utter_noted"]
    assert events == []
