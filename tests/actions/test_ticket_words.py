"""Tickets keep the resident's own words: a menu click or keyword code is never a description, a
flow started by one asks for the details first, and the category comes from what was said."""

from __future__ import annotations

from typing import Any

from rasa_sdk.executor import CollectingDispatcher

from actions.repair import ActionSubmitRepair, ValidateRepairForm
from actions.service_requests import (
    TEMP_CHECK_ASKED,
    ActionSubmitComplaint,
    ActionSubmitTempCheck,
    ValidateComplaintForm,
)
from bot.store.db import session_scope
from bot.store.models import Ticket

from .conftest import said, slot_values, tracker, user_turn


def _asked(slot: str) -> dict[str, Any]:
    return {"event": "slot", "name": "requested_slot", "value": slot}


def _ticket(store: str, ticket_no: str) -> Ticket:
    with session_scope(store) as session:
        ticket = session.query(Ticket).filter_by(ticket_no=ticket_no).one()
        session.expunge(ticket)
        return ticket


async def test_a_repair_started_from_the_menu_is_described_by_what_the_resident_then_wrote(
    store: str, domain: dict[str, Any]
) -> None:
    window = "2026-11-28T08:00:00+08:00/2026-11-28T12:00:00+08:00"
    t = tracker(
        user_turn("/report_repair", "report_repair", message_id="a", channel="wechat"),
        _asked("fault_type"),
        user_turn("卧室暖气片上面热下面凉", message_id="b", channel="wechat"),
        _asked("address"),
        user_turn("阳光花园5号楼1单元302", message_id="c", channel="wechat"),
        _asked("phone"),
        user_turn("13812345678", message_id="d", channel="wechat"),
        _asked("visit_time"),
        user_turn("明天上午", message_id="e", channel="wechat"),
        slots={
            "details_confirmed": True,
            "fault_type": "no_heat",
            "address": "阳光花园5号楼1单元302",
            "phone": "13812345678",
            "visit_time": window,
        },
    )
    dispatcher = CollectingDispatcher()
    await ActionSubmitRepair().run(dispatcher, t, domain)
    ticket = _ticket(store, said(dispatcher, "utter_repair_created")["ticket_no"])
    assert ticket.description == "卧室暖气片上面热下面凉"


async def test_a_repair_made_of_buttons_only_is_described_by_the_fault_chosen(
    store: str, domain: dict[str, Any]
) -> None:
    t = tracker(
        user_turn("/report_repair", "report_repair", message_id="a", channel="sms"),
        _asked("fault_type"),
        user_turn('/inform{"fault_type":"noise"}', message_id="b", channel="sms"),
        _asked("address"),
        user_turn("阳光花园5号楼1单元302", message_id="c", channel="sms"),
        slots={
            "details_confirmed": True,
            "fault_type": "noise",
            "address": "阳光花园5号楼1单元302",
            "phone": "13812345678",
        },
    )
    dispatcher = CollectingDispatcher()
    await ActionSubmitRepair().run(dispatcher, t, domain)
    ticket = _ticket(store, said(dispatcher, "utter_repair_created")["ticket_no"])
    assert ticket.description == "噪音"


async def test_a_keyword_start_is_no_complaint_text_so_the_form_asks_for_it(
    domain: dict[str, Any],
) -> None:
    form = ValidateComplaintForm()
    t = tracker(user_turn("/file_complaint", "file_complaint", channel="sms"))
    assert await form.extract_complaint_text(CollectingDispatcher(), t, domain) == {}
    assert await form.extract_complaint_category(CollectingDispatcher(), t, domain) == {}


async def test_a_story_told_in_answer_to_the_category_question_is_the_complaint_text(
    domain: dict[str, Any],
) -> None:
    story = "报修三天了没人来修，白交钱了"
    t = tracker(
        user_turn("/file_complaint", "file_complaint", message_id="a", channel="wechat"),
        _asked("complaint_category"),
        user_turn(story, "file_complaint", message_id="b", channel="wechat"),
        slots={"requested_slot": "complaint_category"},
    )
    form = ValidateComplaintForm()
    assert await form.extract_complaint_text(CollectingDispatcher(), t, domain) == {
        "complaint_text": story
    }
    assert await form.extract_complaint_category(CollectingDispatcher(), t, domain) == {
        "complaint_category": "维修不及时"
    }


async def test_the_complaint_ticket_keeps_the_words_that_led_to_it(
    store: str, domain: dict[str, Any]
) -> None:
    t = tracker(
        user_turn("/file_complaint", "file_complaint", message_id="a", channel="sms"),
        _asked("complaint_category"),
        user_turn("维修不及时", message_id="b", channel="sms"),
        _asked("complaint_text"),
        user_turn("周一报的修，师傅到今天还没来", message_id="c", channel="sms"),
        _asked("phone"),
        user_turn("13701198845", message_id="d", channel="sms"),
        slots={
            "details_confirmed": True,
            "complaint_category": "维修不及时",
            "complaint_text": "周一报的修，师傅到今天还没来",
            "phone": "13701198845",
        },
    )
    dispatcher = CollectingDispatcher()
    events = await ActionSubmitComplaint().run(dispatcher, t, domain)
    ticket = _ticket(store, said(dispatcher, "utter_complaint_created")["ticket_no"])
    assert ticket.category == "维修不及时"
    assert "/file_complaint" not in ticket.description
    assert "周一报的修，师傅到今天还没来" in ticket.description
    assert "13701198845" not in ticket.description
    assert slot_values(events)["complaint_text"] is None


async def test_a_temp_check_asked_for_by_keyword_is_never_described_by_the_code(
    store: str, domain: dict[str, Any]
) -> None:
    t = tracker(
        user_turn("/request_temp_check", "request_temp_check", message_id="a", channel="sms"),
        _asked("address"),
        user_turn("阳光花园5号楼1单元302", message_id="b", channel="sms"),
        slots={
            "details_confirmed": True,
            "address": "阳光花园5号楼1单元302",
            "phone": "13812345678",
        },
    )
    dispatcher = CollectingDispatcher()
    await ActionSubmitTempCheck().run(dispatcher, t, domain)
    ticket = _ticket(store, said(dispatcher, "utter_temp_check_created")["ticket_no"])
    assert ticket.description == TEMP_CHECK_ASKED


async def test_a_menu_start_leaves_the_fault_to_be_asked(domain: dict[str, Any]) -> None:
    t = tracker(user_turn("/report_repair", "report_repair", channel="wechat"))
    assert await ValidateRepairForm().extract_fault_type(CollectingDispatcher(), t, domain) == {}


async def test_a_story_no_category_word_names_answers_the_category_question_as_other(
    domain: dict[str, Any],
) -> None:
    story = "小区停暖没有提前通知，一条短信都没收到"
    t = tracker(
        user_turn("我要投诉", "file_complaint", message_id="a"),
        _asked("complaint_category"),
        user_turn(story, "inform", message_id="b"),
        slots={"requested_slot": "complaint_category"},
    )
    form = ValidateComplaintForm()
    assert await form.extract_complaint_category(CollectingDispatcher(), t, domain) == {
        "complaint_category": "其他"
    }
    assert await form.extract_complaint_text(CollectingDispatcher(), t, domain) == {
        "complaint_text": story
    }


async def test_a_request_in_answer_to_the_category_question_is_no_story(
    domain: dict[str, Any],
) -> None:
    t = tracker(
        user_turn("我要投诉", "file_complaint", message_id="a"),
        _asked("complaint_category"),
        user_turn("我不跟你说 给我找个活人来 经理！", "request_human", message_id="b"),
        slots={"requested_slot": "complaint_category"},
    )
    form = ValidateComplaintForm()
    assert await form.extract_complaint_category(CollectingDispatcher(), t, domain) == {}
    assert await form.extract_complaint_text(CollectingDispatcher(), t, domain) == {}


async def test_a_complaint_is_read_back_and_kept_without_markup(domain: dict[str, Any]) -> None:
    # red team R12: the read-back showed `内容：<script>alert(1)</script>师傅态度差`
    form = ValidateComplaintForm()
    t = tracker(user_turn("投诉", "file_complaint"), slots={"requested_slot": "complaint_text"})
    for typed, kept in [
        (
            "<script>alert(1)</script>师傅态度差 详情见 http://evil.example/x",
            "alert(1)师傅态度差 详情见 http://evil.example/x",
        ),
        ('<a href="http://evil.example">点这里退费</a>客服不理人', "点这里退费客服不理人"),
        ("<img src=x onerror=alert(1)>维修工骂人\x1b[2J", "维修工骂人[2J"),
    ]:
        answer = await form.validate_complaint_text(typed, CollectingDispatcher(), t, domain)
        assert answer == {"complaint_text": kept}
    # markup and nothing else is no complaint: asked again
    dispatcher = CollectingDispatcher()
    answer = await form.validate_complaint_text("<b></b>", dispatcher, t, domain)
    assert answer == {"complaint_text": None}
    assert dispatcher.messages[0]["response"] == "utter_ask_complaint_text"
