"""The details are read back before a non-urgent ticket is filed, and only a yes files it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.readback import ActionAskDetailsConfirmed, answer_to_read_back
from actions.repair import ValidateRepairForm
from actions.service_requests import ValidateComplaintForm, ValidateTempCheckForm
from bot.policy import load_policy
from bot.services import tickets as ticket_service
from bot.store.db import session_scope
from bot.store.tickets import TicketDraft

from .conftest import NOW, said, slot_values, texts, tracker, user_turn

REPAIR = {
    "fault_type": "no_heat",
    "address": "阳光花园5号楼1单元302",
    "phone": "13812345678",
    "visit_time": "2026-11-28T08:00:00+08:00/2026-11-28T12:00:00+08:00",
    "requested_slot": "details_confirmed",
}


async def test_the_repair_details_are_listed_as_recorded(domain: dict[str, Any]) -> None:
    dispatcher = CollectingDispatcher()
    await ActionAskDetailsConfirmed().run(
        dispatcher,
        tracker(user_turn("明天上午", "inform"), slots=REPAIR, active_loop="repair_form"),
        domain,
    )
    details = said(dispatcher, "utter_read_back")["details"]
    assert "暖气不热" in details
    assert "阳光花园5号楼1单元302" in details
    assert "5678" in details and "13812345678" not in details  # masked, as in confirmations
    assert "11月28日" in details or "11-28" in details or "28日" in details


async def test_a_no_at_the_read_back_asks_what_to_change_instead_of_listing_again(
    domain: dict[str, Any],
) -> None:
    dispatcher = CollectingDispatcher()
    await ActionAskDetailsConfirmed().run(
        dispatcher,
        tracker(user_turn("不对", "deny"), slots=REPAIR, active_loop="repair_form"),
        domain,
    )
    assert texts(dispatcher) == ["utter_read_back_change"]


@pytest.mark.parametrize(
    ("text", "intent", "expected"),
    [
        ("对", "affirm", {"details_confirmed": True}),
        ("不对", "deny", {"details_confirmed": None}),
        ("/deny", "deny", {"details_confirmed": None}),
        ("不对 电话错了", "deny", {"details_confirmed": None}),
    ],
)
async def test_only_a_yes_files_the_ticket(
    domain: dict[str, Any], text: str, intent: str, expected: dict[str, Any]
) -> None:
    events = await ValidateRepairForm().run(
        CollectingDispatcher(),
        tracker(user_turn(text, intent), slots=REPAIR, active_loop="repair_form"),
        domain,
    )
    assert {k: v for k, v in slot_values(events).items() if k in expected} == expected


async def test_a_new_value_at_the_read_back_replaces_the_old_one(domain: dict[str, Any]) -> None:
    turn = user_turn(
        "地址是阳光花园6号楼2单元301",
        "inform",
        entities=[{"entity": "address", "value": "阳光花园6号楼2单元301"}],
    )
    events = await ValidateRepairForm().run(
        CollectingDispatcher(),
        tracker(
            turn,
            slots=REPAIR,
            active_loop="repair_form",
            slot_events={"address": "阳光花园6号楼2单元301"},
        ),
        domain,
    )
    values = slot_values(events)
    assert values["address"] == "阳光花园6号楼2单元301"
    assert values.get("details_confirmed") is None


@pytest.mark.parametrize(
    ("action", "slots", "read_back"),
    [
        (ValidateRepairForm(), {"fault_type": "no_heat"}, True),
        (ValidateRepairForm(), {"fault_type": "leak", "urgent_ticket_no": "BX1"}, False),
        (ValidateTempCheckForm(), {}, True),
        (ValidateComplaintForm(), {}, True),
    ],
)
async def test_the_read_back_is_the_last_question_except_after_an_urgent_ticket(
    domain: dict[str, Any], action: Any, slots: dict[str, Any], read_back: bool
) -> None:
    form = action.name().removeprefix("validate_")
    required = await action.required_slots(
        domain["forms"][form]["required_slots"],
        CollectingDispatcher(),
        tracker(user_turn("嗯", "inform"), slots=slots, active_loop=form),
        domain,
    )
    assert ("details_confirmed" in required) is read_back
    if read_back:
        assert required[-1] == "details_confirmed"


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("哎不用来了 我刚照网上说的放了放气 现在热了 把单子撤了吧", "inform"),
        ("算了不修了", "deny"),
        ("那就先这样吧 再见", "goodbye"),
    ],
)
async def test_giving_up_at_the_read_back_ends_the_form_without_a_ticket(
    domain: dict[str, Any], text: str, intent: str
) -> None:
    dispatcher = CollectingDispatcher()
    events = await ValidateRepairForm().run(
        dispatcher,
        tracker(
            user_turn(text, intent, entities=[{"entity": "fault_type", "value": "放气"}]),
            slots=REPAIR,
            active_loop="repair_form",
            slot_events={"fault_type": "放气"},
        ),
        domain,
    )
    assert texts(dispatcher) == ["utter_read_back_withdrawn"]
    assert {"event": "active_loop", "name": None} in [
        {"event": e["event"], "name": e.get("name")} for e in events if e["event"] == "active_loop"
    ]
    values = slot_values(events)
    assert values["fault_type"] is None and values["details_confirmed"] is None


async def test_the_sms_read_back_is_one_short_line_without_the_senders_own_number(
    domain: dict[str, Any],
) -> None:
    dispatcher = CollectingDispatcher()
    turn = user_turn("明天上午", "inform", channel="sms")
    sms_tracker = tracker(turn, slots=REPAIR, sender="sms:13812345678", active_loop="repair_form")
    await ActionAskDetailsConfirmed().run(dispatcher, sms_tracker, domain)
    details = said(dispatcher, "utter_read_back")["details"]
    assert "\n" not in details and "5678" not in details  # the number writing in is the contact
    assert details.startswith("暖气不热，阳光花园5号楼1单元302，") and details.endswith("8-12点")


@pytest.mark.parametrize(
    ("text", "intent", "confirmed"),
    [
        ("对，另外再帮我重新报个修", "report_repair", True),  # the yes stands; the repair follows
        ("我要报修", "report_repair", None),  # another request instead: not a yes
    ],
)
def test_a_request_added_to_the_yes_is_a_yes(
    text: str, intent: str, confirmed: bool | None
) -> None:
    answered = answer_to_read_back(
        tracker(user_turn(text, intent), slots={"requested_slot": "details_confirmed"})
    )
    assert answered.get("details_confirmed") is confirmed


COMPLAINT = {
    "complaint_category": "其他",
    "complaint_text": "大半夜的别打电话",
    "address": "阳光花园1号楼1单元101",
    "phone": "13100001111",
    "requested_slot": "details_confirmed",
}


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("不要 不投诉", "deny"),  # the players' pl-072: a repair was booked for the morning
        ("算了算了 不投了", "deny"),
        ("那就不用提交了 没事了", "cancel_ticket"),
        ("哦 不是要投诉的意思 撤了吧", "inform"),
    ],
)
async def test_withdrawing_a_complaint_keeps_the_booked_visit_in_word(
    domain: dict[str, Any], store: str, text: str, intent: str
) -> None:
    """Players' class A: "也不会有人上门" told a resident whose repair was coming that nobody
    would come."""
    start = NOW + timedelta(days=1)
    with session_scope(store) as session:
        draft = TicketDraft(
            kind="BX",
            channel="rest",
            sender_id="tester",
            address=COMPLAINT["address"],
            visit_start=start,
            visit_end=start + timedelta(hours=4),
        )
        booked = ticket_service.open_ticket(session, load_policy(), draft, NOW).ticket_no
    dispatcher = CollectingDispatcher()
    await ValidateComplaintForm().run(
        dispatcher,
        tracker(user_turn(text, intent), slots=COMPLAINT, active_loop="complaint_form"),
        domain,
    )
    assert texts(dispatcher) == ["utter_read_back_withdrawn_visit_kept"]
    kept = said(dispatcher, "utter_read_back_withdrawn_visit_kept")
    assert kept["ticket_no"] == booked and kept["kind"] == "报修"


CARER = {
    "fault_type": "no_heat",
    "address": "东风新村12号楼2单元402",
    "requested_slot": "phone",
}


@pytest.mark.parametrize(
    ("text", "phone", "second"),
    [
        # the players' pl-014: the son's mobile in another city became the only contact
        ("上门前打我妈座机010-84561234 有事打我手机13800001234", "010-84561234", "13800001234"),
        ("我的手机13511112222 师傅来了打我爸的 13622223333", "13622223333", "13511112222"),
        ("13912345678 打不通就打13787654321", "13912345678", "13787654321"),
        ("家里座机84561234，备用手机13600001111", "010-84561234", "13600001111"),
    ],
)
async def test_two_numbers_keep_both_the_one_for_the_visit_first(
    domain: dict[str, Any], text: str, phone: str, second: str
) -> None:
    """Players' class G: a carer's two numbers; only one, the wrong one, was kept."""
    dispatcher = CollectingDispatcher()
    events = await ValidateRepairForm().run(
        dispatcher,
        tracker(
            user_turn(text, "inform"),
            slots=CARER,
            active_loop="repair_form",
            slot_events={"phone": second},
        ),
        domain,
    )
    values = slot_values(events)
    assert (values["phone"], values["second_phone"]) == (phone, second)


@pytest.mark.parametrize(
    ("text", "new", "phone", "second"),
    [
        ("对 另外我手机13800001234也记上", "13800001234", "010-84561234", "13800001234"),
        ("备用电话再留一个13911112222", "13911112222", "010-84561234", "13911112222"),
        (
            "电话不对 师傅上门要打我妈座机010-84561235 我手机也留着",
            "010-84561235",
            "010-84561235",
            "010-84561234",
        ),
    ],
)
async def test_a_second_number_at_the_read_back_is_added_not_swapped(
    domain: dict[str, Any], text: str, new: str, phone: str, second: str
) -> None:
    slots = {**REPAIR, "phone": "010-84561234"}
    dispatcher = CollectingDispatcher()
    events = await ValidateRepairForm().run(
        dispatcher,
        tracker(
            {"event": "slot", "name": "phone", "value": slots["phone"]},
            user_turn(text, "inform"),
            slots=slots,
            active_loop="repair_form",
            slot_events={"phone": new},
        ),
        domain,
    )
    values = slot_values(events)
    assert (values["phone"], values["second_phone"]) == (phone, second)
    listed = tracker(
        user_turn(text, "inform"),
        slots={**slots, "phone": phone, "second_phone": second},
        active_loop="repair_form",
    )
    dispatcher = CollectingDispatcher()
    await ActionAskDetailsConfirmed().run(dispatcher, listed, domain)
    assert f"备用电话：{second[:3]}" in said(dispatcher, "utter_read_back")["details"]


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("等下 那我这个冬天能不能报停 说清楚", "stop_heating_policy"),  # the players' pl-056
        ("你们修暖气要不要钱啊", "repair_cost"),
        ("这屋里多少度才算达标", "room_temp_standard"),
        ("那我先问一句 不热能退钱不", "refund"),
    ],
)
async def test_a_question_at_the_phone_question_is_answered_not_noted(
    domain: dict[str, Any], text: str, topic: str
) -> None:
    """Players' class F: the question was swallowed as "好的，记下了" and the phone asked again."""
    selector = {
        "faq": {"response": {"intent_response_key": f"faq/{topic}", "confidence": 0.9}}
    }
    dispatcher = CollectingDispatcher()
    await ValidateRepairForm().run(
        dispatcher,
        tracker(
            user_turn(text, "inform", response_selector=selector),
            slots={**CARER},
            active_loop="repair_form",
            slot_events={"phone": text},
        ),
        domain,
    )
    assert "utter_detail_noted" not in texts(dispatcher)
    assert "utter_invalid_phone" not in texts(dispatcher)
    assert dispatcher.messages and dispatcher.messages[0].get("text")
