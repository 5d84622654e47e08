"""The details are read back before a non-urgent ticket is filed, and only a yes files it."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.readback import ActionAskDetailsConfirmed, answer_to_read_back
from actions.repair import ValidateRepairForm
from actions.service_requests import ValidateComplaintForm, ValidateTempCheckForm

from .conftest import said, slot_values, texts, tracker, user_turn

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
