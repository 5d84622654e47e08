"""Repair booking: form validation, the urgent leak path, and the ticket it creates."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

import actions.common
import actions.repair
from actions.repair import ActionSubmitRepair, ValidateRepairForm
from bot.config import settings
from bot.policy import load_policy
from bot.store import db
from bot.store.db import session_scope
from bot.store.models import Binding, Ticket, TicketEvent

from .conftest import NOW, said, slot_values, texts, tracker, user_turn

#: Where no database answers: connections to it are refused.
UNREACHABLE = "postgresql://heating@127.0.0.1:9/heating"
WINDOW = "2026-11-28T08:00:00+08:00/2026-11-28T12:00:00+08:00"


def _tickets(url: str, **filters: Any) -> list[Ticket]:
    with session_scope(url) as session:
        rows = session.query(Ticket).filter_by(**filters).all()
        session.expunge_all()
        return rows


async def test_leak_opens_an_urgent_ticket_while_the_form_is_still_asking(
    store: str, domain: dict[str, Any]
) -> None:
    dispatcher = CollectingDispatcher()
    turn = user_turn("厨房暖气片漏水了，地上全是水", "report_repair")
    events = await ValidateRepairForm().run(
        dispatcher,
        tracker(turn, active_loop="repair_form", slot_events={"fault_type": "漏水"}),
        domain,
    )
    slots = slot_values(events)
    assert slots["fault_type"] == "leak"
    ticket_no = slots["urgent_ticket_no"]
    assert said(dispatcher, "utter_leak_urgent")["ticket_no"] == ticket_no
    assert "utter_emergency_alerted" in texts(dispatcher)  # Beijing pages the duty staff
    (ticket,) = _tickets(store, ticket_no=ticket_no)
    assert ticket.urgent and ticket.kind == "BX" and ticket.channel == "rest"
    assert ticket.description == "厨房暖气片漏水了，地上全是水"
    assert ticket_no == "BX202611270001"


async def test_a_retried_leak_message_does_not_open_a_second_ticket_or_page_twice(
    store: str, domain: dict[str, Any]
) -> None:
    turn = user_turn("跑水了！", "report_repair", message_id="wx-42")
    for _ in range(2):
        await ValidateRepairForm().run(
            CollectingDispatcher(),
            tracker(turn, active_loop="repair_form", slot_events={"fault_type": "leak"}),
            domain,
        )
    (ticket,) = _tickets(store, sender_id="tester")
    with session_scope(store) as session:
        kinds = [e.kind for e in session.query(TicketEvent).filter_by(ticket_id=ticket.id)]
    assert kinds.count("alert") == 1


async def test_a_leak_needs_no_visit_window(domain: dict[str, Any]) -> None:
    form = ValidateRepairForm()
    slots = list(domain["forms"]["repair_form"]["required_slots"])
    leak = tracker(
        user_turn("漏水"), slots={"fault_type": "leak", "urgent_ticket_no": "BX202611270001"}
    )
    cold = tracker(user_turn("不热"), slots={"fault_type": "no_heat"})
    assert "visit_time" not in await form.required_slots(
        slots, CollectingDispatcher(), leak, domain
    )
    assert "visit_time" in await form.required_slots(slots, CollectingDispatcher(), cold, domain)


@pytest.mark.parametrize(
    "text",
    [
        "暖气片接口一分钟滴一滴 不着急 明天下午来看看就行",
        "阀门那有点渗水 拿毛巾垫上了 不急 周六上午在家",
        "暖气片底下偶尔滴两滴 有空来换个垫就行",
    ],
)
async def test_a_leak_that_can_wait_keeps_the_window_the_resident_gave(
    domain: dict[str, Any], text: str
) -> None:
    """一分钟滴一滴 不着急 明天下午: no urgent ticket, so the leak is booked like any repair in
    the window the resident gave; it was filed for "尽快" and their afternoon dropped."""
    form = ValidateRepairForm()
    slots = list(domain["forms"]["repair_form"]["required_slots"])
    slow = tracker(user_turn(text), slots={"fault_type": "leak"})
    assert "visit_time" in await form.required_slots(slots, CollectingDispatcher(), slow, domain)


async def test_an_urgent_ticket_needs_no_visit_window_whatever_fault_the_form_took(
    domain: dict[str, Any],
) -> None:
    """阀门关不上 opens the urgent path, and the form takes `valve` from the same words: asking
    when to come was asking a question whose answer nobody used."""
    form = ValidateRepairForm()
    slots = list(domain["forms"]["repair_form"]["required_slots"])
    urgent = tracker(
        user_turn("暖气阀门拧不动了，关不上"),
        slots={"fault_type": "valve", "urgent_ticket_no": "BX202611270001"},
    )
    assert "visit_time" not in await form.required_slots(
        slots, CollectingDispatcher(), urgent, domain
    )


async def test_an_address_goes_into_the_urgent_ticket_as_soon_as_it_is_given(
    store: str, domain: dict[str, Any]
) -> None:
    opened = await ValidateRepairForm().run(
        CollectingDispatcher(),
        tracker(
            user_turn("爆管了", "report_repair"),
            active_loop="repair_form",
            slot_events={"fault_type": "leak"},
        ),
        domain,
    )
    ticket_no = slot_values(opened)["urgent_ticket_no"]
    await ValidateRepairForm().run(
        CollectingDispatcher(),
        tracker(
            user_turn("爆管了", "report_repair", message_id="a"),
            {"event": "slot", "name": "requested_slot", "value": "address"},
            user_turn("和平里小区8号楼3单元201", message_id="b"),
            active_loop="repair_form",
            slots={
                "urgent_ticket_no": ticket_no,
                "fault_type": "leak",
                "requested_slot": "address",
            },
            slot_events={"address": "和平里小区8号楼3单元201"},
        ),
        domain,
    )
    (ticket,) = _tickets(store, ticket_no=ticket_no)
    assert ticket.community == "和平里" and ticket.building == "8"  # before the phone is asked


async def test_fault_words_are_read_when_no_entity_named_the_fault(domain: dict[str, Any]) -> None:
    events = await ValidateRepairForm().extract_fault_type(
        CollectingDispatcher(),
        tracker(user_turn("俺家暖气片拔凉拔凉的", "report_repair")),
        domain,
    )
    assert events == {"fault_type": "no_heat"}


async def test_invalid_phone_and_address_are_explained(domain: dict[str, Any]) -> None:
    form = ValidateRepairForm()
    dispatcher = CollectingDispatcher()
    turn = user_turn("1381234567")
    result = await form.validate_phone("1381234567", dispatcher, tracker(turn), domain)
    assert result == {"phone": None}
    assert said(dispatcher, "utter_invalid_phone")["value"] == "1381234567"

    dispatcher = CollectingDispatcher()
    result = await form.validate_address("不知道", dispatcher, tracker(user_turn("不知道")), domain)
    assert result == {"address": None}
    said(dispatcher, "utter_invalid_address")


async def test_visit_time_becomes_an_absolute_window(domain: dict[str, Any]) -> None:
    turn = user_turn("明天上午")
    result = await ValidateRepairForm().validate_visit_time(
        "明天上午", CollectingDispatcher(), tracker(turn), domain
    )
    start, end = (datetime.fromisoformat(v) for v in result["visit_time"].split("/"))
    assert start == NOW.replace(hour=8) + timedelta(days=1)
    assert end == NOW.replace(hour=12) + timedelta(days=1)


async def test_a_bound_sender_is_not_asked_for_address_and_phone(
    store: str, domain: dict[str, Any]
) -> None:
    with session_scope(store) as session:
        session.add(
            Binding(channel="rest", sender_id="tester", account_no="0102345678", created_at=NOW)
        )
    form = ValidateRepairForm()
    t = tracker(user_turn("暖气不热", "report_repair"))
    address = await form.extract_address(CollectingDispatcher(), t, domain)
    phone = await form.extract_phone(CollectingDispatcher(), t, domain)
    assert "阳光花园" in address["address"] and "302" in address["address"]
    assert phone == {"phone": "13812345678"}


async def test_submit_creates_the_ticket_with_policy_deadlines(
    store: str, domain: dict[str, Any]
) -> None:
    dispatcher = CollectingDispatcher()
    window = "2026-11-28T08:00:00+08:00/2026-11-28T12:00:00+08:00"
    t = tracker(
        user_turn("暖气不热", "report_repair", message_id="a"),
        {"event": "slot", "name": "requested_slot", "value": "visit_time"},
        user_turn("明天上午", message_id="b"),
        slots={
            "fault_type": "no_heat",
            "address": "阳光花园5号楼1单元302",
            "phone": "13812345678",
            "visit_time": window,
            "details_confirmed": True,
        },
    )
    events = await ActionSubmitRepair().run(dispatcher, t, domain)
    message = said(dispatcher, "utter_repair_created")
    (ticket,) = _tickets(store, ticket_no=message["ticket_no"])
    assert ticket.fault_type == "no_heat" and ticket.description == "暖气不热"
    assert (ticket.community, ticket.building, ticket.unit, ticket.room) == (
        "阳光花园",
        "5",
        "1",
        "302",
    )
    assert ticket.visit_start == datetime.fromisoformat("2026-11-28T08:00:00+08:00")
    assert ticket.first_reply_due == NOW + timedelta(hours=1)
    # fixed within 8 h of the visit the household asked for, not of the report
    assert ticket.resolve_due == ticket.visit_start + timedelta(hours=8)
    assert message["window"] == "11月28日（周六）08:00–12:00"
    assert message["first_reply"] == "11月27日 11:00"
    assert message["resolve"] == "11月28日 16:00"
    assert slot_values(events)["visit_time"] is None


async def test_submit_after_a_leak_completes_the_urgent_ticket(
    store: str, domain: dict[str, Any]
) -> None:
    first = CollectingDispatcher()
    events = await ValidateRepairForm().run(
        first,
        tracker(
            user_turn("爆管了", "report_repair"),
            active_loop="repair_form",
            slot_events={"fault_type": "leak"},
        ),
        domain,
    )
    ticket_no = slot_values(events)["urgent_ticket_no"]
    dispatcher = CollectingDispatcher()
    await ActionSubmitRepair().run(
        dispatcher,
        tracker(
            user_turn("13912345679", message_id="m2"),
            slots={
                "fault_type": "leak",
                "urgent_ticket_no": ticket_no,
                "address": "幸福里小区3号楼2单元501",
                "phone": "13912345679",
            },
        ),
        domain,
    )
    assert said(dispatcher, "utter_urgent_repair_updated")["ticket_no"] == ticket_no
    (ticket,) = _tickets(store, sender_id="tester")
    assert ticket.address == "幸福里小区3号楼2单元501" and ticket.phone == "13912345679"


async def test_answers_are_taken_whatever_intent_nlu_gave_them(domain: dict[str, Any]) -> None:
    form = ValidateRepairForm()

    def asked(slot: str, text: str) -> Any:
        return tracker(user_turn(text, "deny"), slots={"requested_slot": slot})

    dispatcher = CollectingDispatcher()
    assert await form.extract_phone(dispatcher, asked("phone", "138 1234 5678"), domain) == {
        "phone": "138 1234 5678"
    }
    assert await form.extract_visit_time(dispatcher, asked("visit_time", "后天下午"), domain) == {
        "visit_time": "后天下午"
    }
    assert await form.extract_address(dispatcher, asked("address", "和平里7号楼2单元401"), domain)
    # Something that is not an answer is left for the interruption rules.
    assert await form.extract_phone(dispatcher, asked("phone", "算了"), domain) == {}
    assert await form.extract_visit_time(dispatcher, asked("visit_time", "不用了"), domain) == {}
    assert await form.extract_address(dispatcher, asked("address", "停暖了吗"), domain) == {}
    # Nothing is extracted for a slot the form did not ask for.
    assert await form.extract_visit_time(dispatcher, asked("phone", "明天上午"), domain) == {}


def _store_down(monkeypatch: pytest.MonkeyPatch) -> None:
    """The ticket database stops answering (as when its server is down)."""
    monkeypatch.setenv("DATABASE_URL", UNREACHABLE)
    settings.cache_clear()
    db.dispose_engines()
    monkeypatch.setattr(actions.common, "_schema_ready", False)


def _store_back(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    monkeypatch.setenv("DATABASE_URL", url)
    settings.cache_clear()
    db.dispose_engines()


def _last_answer(message_id: str, **slots: Any) -> Tracker:
    """The turn whose answer (the visit time) completed the repair form, as the submit action
    sees it: the form asked, the answer came, the form filled it and ended."""
    answer = user_turn("明天上午", message_id=message_id)
    events = [
        user_turn("暖气不热", "report_repair", message_id="first"),
        {"event": "action", "name": "repair_form"},
        {"event": "active_loop", "name": "repair_form"},
        {"event": "slot", "name": "requested_slot", "value": "visit_time"},
        {"event": "action", "name": "action_listen"},
        answer,
        {"event": "action", "name": "repair_form"},
        {"event": "slot", "name": "visit_time", "value": WINDOW},
        {"event": "slot", "name": "requested_slot", "value": None},
        {"event": "active_loop", "name": None},
        {"event": "action", "name": "action_submit_repair"},
    ]
    values = {
        "fault_type": "no_heat",
        "address": "阳光花园5号楼1单元302",
        "phone": "13812345678",
        "visit_time": WINDOW,
        "details_confirmed": True,
        **slots,
    }
    return Tracker("tester", values, answer["parse_data"], events, False, None, {}, "repair_form")


async def test_an_unreachable_ticket_store_is_told_truthfully_and_the_answer_can_be_resent(
    store: str, domain: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """No "your message was recorded": the user hears no ticket was made, with the hotline; the
    form is open again at its last question with what it collected, so resending the answer
    once the store is back creates the ticket without asking anything again."""
    _store_down(monkeypatch)
    dispatcher = CollectingDispatcher()
    events = await ActionSubmitRepair().run(dispatcher, _last_answer("m-1"), domain)
    assert texts(dispatcher) == ["utter_ticket_not_recorded"]
    assert said(dispatcher, "utter_ticket_not_recorded")["hotline"] == (
        load_policy().company.hotline
    )
    assert events == [
        {"event": "active_loop", "timestamp": None, "name": "repair_form"},
        {"event": "slot", "timestamp": None, "name": "visit_time", "value": None},
        {"event": "slot", "timestamp": None, "name": "requested_slot", "value": "visit_time"},
        {"event": "followup", "timestamp": None, "name": "action_listen"},
    ]

    _store_back(monkeypatch, store)
    assert _tickets(store) == []
    again = CollectingDispatcher()
    await ActionSubmitRepair().run(again, _last_answer("m-2"), domain)
    (ticket,) = _tickets(store)
    assert said(again, "utter_repair_created")["ticket_no"] == ticket.ticket_no
    assert ticket.address == "阳光花园5号楼1单元302" and ticket.phone == "13812345678"


async def test_a_store_failure_mid_form_asks_the_same_question_again(
    store: str, domain: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The validation could not check the address: the form forgets what this message brought
    and stays at its question, instead of keeping an unchecked value."""
    _store_down(monkeypatch)
    dispatcher = CollectingDispatcher()
    events = await ValidateRepairForm().run(
        dispatcher,
        tracker(
            user_turn("阳光花园5号楼1单元302", "inform"),
            slots={"fault_type": "no_heat", "requested_slot": "address"},
            active_loop="repair_form",
        ),
        domain,
    )
    assert texts(dispatcher) == ["utter_service_unavailable"]
    assert events == [
        {"event": "slot", "timestamp": None, "name": "address", "value": None},
        {"event": "slot", "timestamp": None, "name": "requested_slot", "value": "address"},
    ]


@pytest.mark.parametrize(
    ("text", "phone"),
    [
        ("座机 010-6234 5678 转 8021", "010-62345678-8021"),
        # a landline without area code is in the company's city (the demo company is in Beijing)
        ("我没手机 家里座机6234 5678", "010-62345678"),
    ],
)
async def test_a_landline_is_a_contact_number(
    domain: dict[str, Any], text: str, phone: str
) -> None:
    turn = user_turn(text)
    events = await ValidateRepairForm().run(
        CollectingDispatcher(),
        tracker(
            {"event": "slot", "name": "requested_slot", "value": "phone"},
            turn,
            slots={"requested_slot": "phone", "fault_type": "no_heat"},
            active_loop="repair_form",
        ),
        domain,
    )
    assert slot_values(events)["phone"] == phone


@pytest.mark.parametrize(("asked", "way_out"), [(1, False), (2, True), (3, True)])
async def test_a_second_wrong_answer_to_one_question_offers_a_way_out(
    domain: dict[str, Any], asked: int, way_out: bool
) -> None:
    ask = {"event": "bot", "text": "请留一个电话", "metadata": {"utter_action": "utter_ask_phone"}}
    earlier = [e for n in range(asked - 1) for e in (ask, user_turn("不知道", message_id=f"m{n}"))]
    dispatcher = CollectingDispatcher()
    await ValidateRepairForm().run(
        dispatcher,
        tracker(
            {"event": "bot", "text": "地址？", "metadata": {"utter_action": "utter_ask_address"}},
            {"event": "slot", "name": "requested_slot", "value": "phone"},
            {"event": "slot", "name": "requested_slot", "value": "phone"},
            *earlier,
            ask,
            user_turn("就打我家那个", message_id="last"),
            slots={"requested_slot": "phone", "fault_type": "no_heat"},
            active_loop="repair_form",
            slot_events={"phone": "就打我家那个"},
        ),
        domain,
    )
    assert "utter_invalid_phone" in texts(dispatcher)
    assert ("utter_form_way_out" in texts(dispatcher)) is way_out
    if way_out:
        assert said(dispatcher, "utter_form_way_out")["hotline"]


async def test_after_the_ways_out_were_listed_once_later_asks_get_a_one_line_reminder(
    domain: dict[str, Any],
) -> None:
    ask = {"event": "bot", "text": "请留一个电话", "metadata": {"utter_action": "utter_ask_phone"}}
    listed = {"event": "bot", "text": "转人工…", "metadata": {"utter_action": "utter_form_way_out"}}
    dispatcher = CollectingDispatcher()
    await ValidateRepairForm().run(
        dispatcher,
        tracker(
            {"event": "slot", "name": "requested_slot", "value": "phone"},
            ask,
            user_turn("不知道", message_id="m1"),
            ask,
            user_turn("嗯", message_id="m2"),
            listed,
            ask,
            user_turn("就打我家那个", message_id="last"),
            slots={"requested_slot": "phone", "fault_type": "no_heat"},
            active_loop="repair_form",
            slot_events={"phone": "就打我家那个"},
        ),
        domain,
    )
    assert "utter_form_way_out" not in texts(dispatcher)
    assert texts(dispatcher).count("utter_form_way_out_short") == 1


async def test_a_cold_radiator_where_heating_is_stopped_hears_of_the_stop_not_a_booking(
    store: str, domain: dict[str, Any]
) -> None:
    dispatcher = CollectingDispatcher()
    t = tracker(
        user_turn("幸福里3号楼 我家暖气一点都不热", "report_repair"),
        active_loop="repair_form",
        slot_events={"fault_type": "不热"},
    )
    events = await ValidateRepairForm().run(dispatcher, t, domain)
    outage = said(dispatcher, "utter_outage_found")
    assert outage["community"] == "幸福里小区" and "爆管" in outage["reason"]
    assert "utter_outage_repair_offer" in texts(dispatcher)
    values = slot_values(events)
    assert values["requested_slot"] is None and values["pending"] == "repair_after_outage"

    ended = tracker(user_turn("幸福里3号楼 我家暖气一点都不热", "report_repair"), slots=values)
    submitted = CollectingDispatcher()
    assert await ActionSubmitRepair().run(submitted, ended, domain) == []
    assert submitted.messages == [] and _tickets(store) == []


async def test_after_the_offer_or_for_a_leak_the_repair_is_booked_as_usual(
    domain: dict[str, Any],
) -> None:
    offered = {
        "event": "bot",
        "text": "现在仍要登记报修吗？",
        "metadata": {"utter_action": "utter_outage_repair_offer"},
    }
    again = tracker(
        offered,
        user_turn("要，还是来看看吧 幸福里3号楼", "affirm"),
        active_loop="repair_form",
        slot_events={"fault_type": "no_heat"},
    )
    leak = tracker(
        user_turn("幸福里3号楼暖气片漏水了", "report_repair"),
        active_loop="repair_form",
        slot_events={"fault_type": "漏水"},
    )
    for t in (again, leak):
        dispatcher = CollectingDispatcher()
        events = await ValidateRepairForm().run(dispatcher, t, domain)
        assert "utter_outage_repair_offer" not in texts(dispatcher)
        assert slot_values(events).get("pending") is None


async def test_a_cold_radiator_elsewhere_is_booked(domain: dict[str, Any]) -> None:
    dispatcher = CollectingDispatcher()
    t = tracker(
        user_turn("和平里2号楼暖气不热", "report_repair"),
        active_loop="repair_form",
        slot_events={"fault_type": "不热"},
    )
    events = await ValidateRepairForm().run(dispatcher, t, domain)
    assert "utter_outage_repair_offer" not in texts(dispatcher)
    assert slot_values(events)["fault_type"] == "no_heat"


async def test_an_upset_resident_hears_an_apology_once_before_the_questions(
    domain: dict[str, Any],
) -> None:
    angry = "你们到底还管不管了！！！暖气凉了整整三天了！！！再不来人我直接打12345"
    first = CollectingDispatcher()
    t = tracker(user_turn(angry, "report_repair"), active_loop="repair_form")
    await ValidateRepairForm().run(first, t, domain)
    assert texts(first)[0] == "utter_apology_upset"

    apologised = {
        "event": "bot",
        "text": "抱歉",
        "metadata": {"utter_action": "utter_apology_upset"},
    }
    again = CollectingDispatcher()
    t = tracker(apologised, user_turn("快点！！", "inform"), active_loop="repair_form")
    await ValidateRepairForm().run(again, t, domain)
    calm = CollectingDispatcher()
    await ValidateRepairForm().run(
        calm,
        tracker(user_turn("暖气不太热，麻烦来看看", "report_repair"), active_loop="repair_form"),
        domain,
    )
    assert "utter_apology_upset" not in texts(again) + texts(calm)


async def test_where_nobody_is_paged_for_a_leak_the_reply_does_not_say_so(
    domain: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    tianjin = load_policy("tianjin", fresh=True)
    assert not tianjin.leak.alert_human
    monkeypatch.setattr(actions.repair, "policy", lambda: tianjin)
    dispatcher = CollectingDispatcher()
    turn = user_turn("厨房暖气片漏水了", "report_repair", message_id="tj")
    await ValidateRepairForm().run(
        dispatcher,
        tracker(turn, active_loop="repair_form", slot_events={"fault_type": "漏水"}),
        domain,
    )
    assert "utter_leak_urgent" in texts(dispatcher)
    assert "utter_emergency_alerted" not in texts(dispatcher)
    # nor does the leak message itself claim it
    assert all("收到提醒" not in v["text"] for v in domain["responses"]["utter_leak_urgent"])


async def test_a_form_that_ended_without_a_yes_to_the_read_back_files_nothing(
    store: str, domain: dict[str, Any]
) -> None:
    dispatcher = CollectingDispatcher()
    t = tracker(
        user_turn("把单子撤了吧", "cancel_ticket", message_id="b"),
        slots={
            "fault_type": "no_heat",
            "address": "阳光花园5号楼1单元302",
            "phone": "13812345678",
            "visit_time": WINDOW,
        },
    )
    assert await ActionSubmitRepair().run(dispatcher, t, domain) == []
    assert texts(dispatcher) == [] and _tickets(store) == []


async def test_a_building_corrected_keeps_the_rest_of_the_address(domain: dict[str, Any]) -> None:
    """不对不对 是6号楼 5号楼是俺儿子家: the ticket read "6号楼5", with no community."""
    said_before = {"event": "slot", "name": "address", "value": "东风新村5号楼2单元302"}
    turn = user_turn("不对不对 是6号楼 5号楼是俺儿子家", "deny")
    events = await ValidateRepairForm().run(
        CollectingDispatcher(),
        tracker(
            said_before,
            turn,
            slots={"requested_slot": "phone", "fault_type": "no_heat"},
            slot_events={"address": "6号楼 5号"},
            active_loop="repair_form",
        ),
        domain,
    )
    assert slot_values(events)["address"] == "东风新村6号楼2单元302"


async def test_words_taken_for_an_address_at_another_question_leave_it_as_it_was(
    domain: dict[str, Any],
) -> None:
    """联系电话打社区办公室座机 answered the phone question; the urgent ticket's address became
    "联系电话打社区"."""
    said_before = {"event": "slot", "name": "address", "value": "东风新村12号楼3单元"}
    dispatcher = CollectingDispatcher()
    events = await ValidateRepairForm().run(
        dispatcher,
        tracker(
            said_before,
            user_turn("联系电话打社区办公室座机：010-8457 3321"),
            slots={"requested_slot": "phone", "fault_type": "leak"},
            slot_events={"address": "联系电话打社区"},
            active_loop="repair_form",
        ),
        domain,
    )
    assert slot_values(events)["address"] == "东风新村12号楼3单元"
    assert "utter_invalid_address" not in texts(dispatcher)


async def test_a_visit_needs_more_than_the_community(domain: dict[str, Any]) -> None:
    """我的房子 和平里 暖气 不热: the ticket said only 和平里, and no fitter finds a door by it.
    The building and flat are asked, and completed with the community said before."""
    opened = user_turn("我的房子 和平里 暖气 不热", "report_repair", message_id="a")
    dispatcher = CollectingDispatcher()
    events = await ValidateRepairForm().run(
        dispatcher,
        tracker(
            opened,
            slots={"requested_slot": "phone", "fault_type": "no_heat"},
            slot_events={"address": "和平里"},
            active_loop="repair_form",
        ),
        domain,
    )
    assert slot_values(events)["address"] is None  # asked in its turn, after the phone
    assert "utter_address_incomplete" not in texts(dispatcher)
    answered = CollectingDispatcher()
    events = await ValidateRepairForm().run(
        answered,
        tracker(
            opened,
            {"event": "active_loop", "name": "repair_form"},
            user_turn("就和平里", message_id="b"),
            slots={"requested_slot": "address", "fault_type": "no_heat"},
            slot_events={"address": "就和平里"},
            active_loop="repair_form",
        ),
        domain,
    )
    assert slot_values(events)["address"] is None
    assert said(answered, "utter_address_incomplete")["community"] == "和平里"
    events = await ValidateRepairForm().run(
        CollectingDispatcher(),
        tracker(
            opened,
            {"event": "active_loop", "name": "repair_form"},
            user_turn("2号楼1单元301", message_id="b"),
            slots={"requested_slot": "address", "fault_type": "no_heat"},
            slot_events={"address": "2号楼1单元301"},
            active_loop="repair_form",
        ),
        domain,
    )
    assert slot_values(events)["address"] == "和平里2号楼1单元301"


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("和平里写字楼一层大堂", "和平里写字楼一层大堂"),  # the words that lead there are kept
        ("我要 人 来 看看", None),  # not an address, whatever community was named before
    ],
)
async def test_words_beside_the_community_are_an_address_only_when_they_lead_there(
    domain: dict[str, Any], text: str, kept: str | None
) -> None:
    opened = user_turn("我的房子 和平里 暖气 不热", "report_repair", message_id="a")
    events = await ValidateRepairForm().run(
        CollectingDispatcher(),
        tracker(
            opened,
            {"event": "active_loop", "name": "repair_form"},
            user_turn(text, message_id="b"),
            slots={"requested_slot": "address", "fault_type": "no_heat"},
            slot_events={"address": text},
            active_loop="repair_form",
        ),
        domain,
    )
    assert slot_values(events)["address"] == kept


async def test_words_before_the_building_are_not_a_community_when_ours_was_said(
    domain: dict[str, Any],
) -> None:
    """我家在金色家园 …, then 行 那先约个下周一上午 3号楼2单元1201 电话…: the ticket's address read
    "先约个下周一上午3号楼2单元1201" (played against the stack at the end of the session)."""
    first = user_turn("我家在金色家园 暖气这两天一直不怎么热 能来人看看不", "report_repair")
    turn = user_turn("行 那先约个下周一上午 3号楼2单元1201 电话13911112222", "inform")
    events = await ValidateRepairForm().run(
        CollectingDispatcher(),
        tracker(
            first,
            {"event": "active_loop", "name": "repair_form"},
            turn,
            slots={"requested_slot": "address", "fault_type": "no_heat"},
            slot_events={"address": "先约个下周一上午 3号楼2单元1201"},
            active_loop="repair_form",
        ),
        domain,
    )
    assert slot_values(events)["address"] == "金色家园3号楼2单元1201"


async def test_an_address_where_a_stop_is_announced_hears_of_it_and_the_form_goes_on(
    store: str, domain: dict[str, Any]
) -> None:
    """金色家园 has a planned stop in three days (demo data): a resident booking there whose
    radiator is cold may be waiting for it, and hears it as the address is taken."""
    text = "金色家园5号楼2单元101"
    dispatcher = CollectingDispatcher()
    events = await ValidateRepairForm().run(
        dispatcher,
        tracker(
            user_turn(text, "inform"),
            slots={"requested_slot": "address", "fault_type": "no_heat"},
            active_loop="repair_form",
            slot_events={"address": text},
        ),
        domain,
    )
    stop = said(dispatcher, "utter_outage_found")
    assert stop["community"] == "金色家园" and "将于" in stop["when"]
    assert "utter_outage_repair_offer" not in texts(dispatcher)  # a stop to come, not under way
    assert slot_values(events)["address"] == text


async def test_a_visit_window_inside_a_planned_stop_mentions_the_stop(
    store: str, domain: dict[str, Any]
) -> None:
    """The planned stop at 金色家园 runs Monday 11-30 08:00–18:00 (demo data); a visit booked
    for Monday morning would find a cold radiator and nothing to judge."""
    dispatcher = CollectingDispatcher()
    events = await ValidateRepairForm().run(
        dispatcher,
        tracker(
            user_turn("下周一上午", "inform"),
            slots={
                "requested_slot": "visit_time",
                "fault_type": "no_heat",
                "address": "金色家园5号楼2单元101",
                "phone": "13611002200",
            },
            active_loop="repair_form",
            slot_events={"visit_time": "下周一上午"},
        ),
        domain,
    )
    assert slot_values(events)["visit_time"]  # the window is kept: the resident may keep it
    notice = said(dispatcher, "utter_visit_during_stop")
    assert notice["community"] == "金色家园" and "11月30日 08:00" in notice["stop"]


async def test_a_visit_window_outside_any_stop_says_nothing_of_stops(
    store: str, domain: dict[str, Any]
) -> None:
    dispatcher = CollectingDispatcher()
    await ValidateRepairForm().run(
        dispatcher,
        tracker(
            user_turn("明天上午", "inform"),
            slots={
                "requested_slot": "visit_time",
                "fault_type": "no_heat",
                "address": "金色家园5号楼2单元101",
                "phone": "13611002200",
            },
            active_loop="repair_form",
            slot_events={"visit_time": "明天上午"},
        ),
        domain,
    )
    assert "utter_visit_during_stop" not in texts(dispatcher)
