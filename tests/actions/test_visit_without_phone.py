"""A visit goes ahead without a contact phone for a resident who has none or refuses it twice
(dev haw-037: 不留电话 你们直接来敲门就行 was asked for the phone seven times and filed nothing);
once refused, the phone is told what it is for and asked again, as before."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.common import NO_PHONE_VISIT
from actions.readback import read_back_details
from actions.repair import ValidateRepairForm
from actions.service_requests import ValidateComplaintForm, ValidateTempCheckForm
from bot.nlu.form_answers import refuses_asked_phone

from .conftest import texts, tracker, user_turn

ASKED_PHONE = {"event": "slot", "name": "requested_slot", "value": "phone"}
SLOTS = {
    "requested_slot": "phone",
    "fault_type": "no_heat",
    "address": "东风新村12号楼3单元401",
    "visit_time": None,
}


def _turns(*answers: str) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    for answer in answers:
        events += [ASKED_PHONE, user_turn(answer, "inform")]
    return events


@pytest.mark.parametrize(
    ("text", "refuses"),
    [
        ("说了不留就是不留 还问", True),
        ("不给", True),
        ("没必要留吧", True),
        ("不留电话，直接上门敲门", True),
        ("13812345678", False),
        ("不留了 那就13812345678吧", False),  # a number given after all
        ("明天上午", False),
    ],
)
def test_a_refusal_at_the_phone_question(text: str, refuses: bool) -> None:
    assert refuses_asked_phone(text) is refuses


async def test_the_first_refusal_hears_what_the_number_is_for(domain: dict[str, Any]) -> None:
    text = "不留电话 你们直接来敲门就行 我退休了天天在家"
    dispatcher = CollectingDispatcher()
    t = tracker(*_turns(text), slots=SLOTS, active_loop="repair_form", slot_events={"phone": text})
    assert await ValidateRepairForm().validate_phone(text, dispatcher, t, domain) == {"phone": None}
    assert texts(dispatcher) == ["utter_phone_why"]
    assert "phone" in await ValidateRepairForm().required_slots(
        ["fault_type", "address", "phone", "visit_time"], dispatcher, t, domain
    )


@pytest.mark.parametrize(
    ("form", "validator"),
    [("repair_form", ValidateRepairForm), ("temp_check_form", ValidateTempCheckForm)],
)
async def test_the_second_refusal_books_the_visit_without_a_phone(
    domain: dict[str, Any], form: str, validator: type
) -> None:
    second = "说了不留就是不留 还问"
    dispatcher = CollectingDispatcher()
    t = tracker(
        *_turns("不留电话 你们直接来敲门就行", second),
        slots=SLOTS,
        active_loop=form,
        slot_events={"phone": second},
    )
    assert await validator().validate_phone(second, dispatcher, t, domain) == {"phone": None}
    assert texts(dispatcher) == ["utter_visit_without_phone"]
    slots = await validator().required_slots(
        ["address", "phone", "visit_time"], dispatcher, t, domain
    )
    assert "phone" not in slots
    answers = _turns("不留电话 你们直接来敲门就行", second)
    validated = tracker(*answers, slots=SLOTS, active_loop=form)
    assert ("联系电话", NO_PHONE_VISIT) in read_back_details(form, validated)


async def test_no_phone_at_all_needs_no_second_telling(domain: dict[str, Any]) -> None:
    text = "我没手机 用的邻居的"
    dispatcher = CollectingDispatcher()
    t = tracker(*_turns(text), slots=SLOTS, active_loop="repair_form", slot_events={"phone": text})
    assert await ValidateRepairForm().validate_phone(text, dispatcher, t, domain) == {"phone": None}
    assert texts(dispatcher) == ["utter_visit_without_phone"]


async def test_a_complaint_still_needs_a_phone(domain: dict[str, Any]) -> None:
    """Nobody visits for a complaint: its answer needs a way to reach the resident."""
    second = "说了不留就是不留"
    t = tracker(
        *_turns("不想留电话", second),
        slots={**SLOTS, "complaint_category": "服务态度"},
        active_loop="complaint_form",
    )
    slots = await ValidateComplaintForm().required_slots(
        ["complaint_category", "complaint_text", "address", "phone"],
        CollectingDispatcher(),
        t,
        domain,
    )
    assert "phone" in slots
    assert "联系电话" not in dict(read_back_details("complaint_form", t))
