"""What the forms do with messages that answer them in other words (issue 16, the ice sets): a
yes to the read-back in more words files, a person asked for besides it files first, more of a
complaint joins its account, 不漏水 after the urgent path corrects the urgent ticket, and a
service-hall question beside a request is answered."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.repair import ValidateRepairForm
from actions.service_requests import ValidateComplaintForm
from actions.side_questions import answer_side_questions
from bot.policy import load_policy
from bot.services import tickets as ticket_service
from bot.store.db import session_scope
from bot.store.models import Ticket
from bot.store.tickets import TicketDraft

from .conftest import NOW, said, slot_values, texts, tracker, user_turn

REPAIR = {
    "fault_type": "no_heat",
    "address": "阳光花园9号楼1单元503",
    "phone": "13701239864",
    "visit_time": "2026-11-28T08:00:00+08:00/2026-11-28T12:00:00+08:00",
    "requested_slot": "details_confirmed",
}
READ_BACK = {
    "event": "bot",
    "text": (
        "提交前跟您核对一下：\n· 问题：暖气不热\n· 地址：阳光花园9号楼1单元503\n"
        "· 联系电话：137****9864"
    ),
    "metadata": {"utter_action": "utter_read_back"},
}


@pytest.mark.parametrize(
    ("text", "intent"),
    [("对，谢谢", "thank"), ("行 就这样", "goodbye"), ("对，9号楼，手机13701239864", "inform")],
)
async def test_a_yes_in_more_words_files_the_repair(
    domain: dict[str, Any], text: str, intent: str
) -> None:
    """对，谢谢 got 不客气 and the list again (three times, then a person); 行 就这样 withdrew the
    request as a goodbye; the details said again were taken as new ones and the list came again."""
    dispatcher = CollectingDispatcher()
    events = await ValidateRepairForm().run(
        dispatcher,
        tracker(READ_BACK, user_turn(text, intent), slots=REPAIR, active_loop="repair_form"),
        domain,
    )
    assert slot_values(events).get("details_confirmed") is True
    assert "utter_read_back_withdrawn" not in texts(dispatcher)


async def test_a_withdrawal_at_the_read_back_still_files_nothing(domain: dict[str, Any]) -> None:
    dispatcher = CollectingDispatcher()
    text = "等下 刚发现是我自己进水阀没开 那个报修取消吧"
    await ValidateRepairForm().run(
        dispatcher,
        tracker(
            READ_BACK, user_turn(text, "cancel_ticket"), slots=REPAIR, active_loop="repair_form"
        ),
        domain,
    )
    assert "utter_read_back_withdrawn" in texts(dispatcher)


async def test_a_person_asked_for_besides_the_read_back_confirms_it(
    domain: dict[str, Any],
) -> None:
    slots = {
        "complaint_category": "服务态度",
        "complaint_text": "客服说话冲，直接挂电话",
        "address": "和平里13号楼1单元402",
        "phone": "13801239675",
        "requested_slot": "details_confirmed",
    }
    said_now = user_turn("另外能不能让个真人给我回个电话，跟机器说不清楚", "request_human")
    events = await ValidateComplaintForm().run(
        CollectingDispatcher(),
        tracker(READ_BACK, said_now, slots=slots, active_loop="complaint_form"),
        domain,
    )
    assert slot_values(events).get("details_confirmed") is True


async def test_a_complaints_account_read_as_a_question_is_taken_as_the_account(
    domain: dict[str, Any],
) -> None:
    """商铺已报停未用暖气，却收到催费和滞纳金短信 was answered as the late-fee question and asked
    for again until a person took over."""
    text = "商铺已报停未用暖气，却收到催费和滞纳金短信"
    events = await ValidateComplaintForm().run(
        CollectingDispatcher(),
        tracker(
            user_turn(text, "faq"),
            slots={"complaint_category": "收费问题", "requested_slot": "complaint_text"},
            active_loop="complaint_form",
        ),
        domain,
    )
    assert slot_values(events).get("complaint_text") == text


async def test_more_of_the_complaint_at_the_address_question_joins_its_account(
    domain: dict[str, Any],
) -> None:
    """晚上黑咕隆咚嘞 我差点掉进去, read as a repair request, switched the complaint to the repair
    form's fault question; it is more of the complaint."""
    dispatcher = CollectingDispatcher()
    events = await ValidateComplaintForm().run(
        dispatcher,
        tracker(
            user_turn("晚上黑咕隆咚嘞 我差点掉进去 介多危险", "report_repair"),
            slots={
                "complaint_category": "其他",
                "complaint_text": "楼前头 你们修管子 挖了个大坑 半个月了没人管",
                "requested_slot": "address",
            },
            active_loop="complaint_form",
        ),
        domain,
    )
    assert slot_values(events)["complaint_text"] == (
        "楼前头 你们修管子 挖了个大坑 半个月了没人管；晚上黑咕隆咚嘞 我差点掉进去 介多危险"
    )
    assert "utter_noted" in texts(dispatcher)


async def test_no_leak_after_the_urgent_path_corrects_the_urgent_ticket(
    store: str, domain: dict[str, Any]
) -> None:
    """进水阀门的把手断了 was taken for escaping water; 不漏水，就是把手断了 then got the address
    question again, and the duty team was left going to a leak."""
    with session_scope(store) as session:
        draft = TicketDraft(
            kind="BX", channel="rest", sender_id="tester", urgent=True, fault_type="leak",
            description="【紧急：漏水】我家暖气进水阀门的把手断了",
        )  # fmt: skip
        number = ticket_service.open_ticket(session, load_policy(), draft, NOW).ticket_no
    dispatcher = CollectingDispatcher()
    events = await ValidateRepairForm().run(
        dispatcher,
        tracker(
            user_turn("我家暖气进水阀门的把手断了，掉下来了，现在阀门没法调节", "report_repair"),
            user_turn("不漏水，就是把手断了。换这个收费吗？", "faq", message_id="m2"),
            slots={"fault_type": "leak", "urgent_ticket_no": number, "requested_slot": "address"},
            active_loop="repair_form",
        ),
        domain,
    )
    assert said(dispatcher, "utter_no_leak_noted")["ticket_no"] == number
    assert slot_values(events)["fault_type"] == "valve"
    with session_scope(store) as session:
        ticket = session.query(Ticket).filter_by(ticket_no=number).one()
        assert ticket.fault_type == "valve" and ticket.urgent  # a person decides the rest
        assert "没有漏水" in str(ticket.description)


async def test_a_leak_still_going_on_is_no_correction(store: str, domain: dict[str, Any]) -> None:
    dispatcher = CollectingDispatcher()
    await ValidateRepairForm().run(
        dispatcher,
        tracker(
            user_turn("还在漏 地上全是水", "report_repair"),
            slots={"fault_type": "leak", "urgent_ticket_no": "BX1", "requested_slot": "address"},
            active_loop="repair_form",
        ),
        domain,
    )
    assert "utter_no_leak_noted" not in texts(dispatcher)


async def test_a_service_hall_question_beside_a_repair_is_answered_without_asking_where(
    domain: dict[str, Any],
) -> None:
    """一个是我家书房暖气不热 二是想问问你们营业厅在哪 我想去开个发票: the repair form asked the
    address and the hall question was never answered."""
    text = "1个是我家书房暖气不热 二是想问问你们营业厅在哪 我想去开个发票"
    turn = user_turn(text, "report_repair")
    turn["parse_data"]["clauses"] = [
        {"text": "1个是我家书房暖气不热", "name": "report_repair", "confidence": 0.8},
        {"text": "二是想问问你们营业厅在哪", "name": "query_service_hall", "confidence": 0.7},
    ]
    dispatcher = CollectingDispatcher()
    await answer_side_questions(dispatcher, tracker(turn, active_loop="repair_form"))
    answer = "\n".join(texts(dispatcher))
    assert "营业厅" in answer
    assert "住在哪个小区" not in answer  # the form asks its own question next
