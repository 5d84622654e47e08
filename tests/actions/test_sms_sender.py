"""What an SMS sender's own number settles: it is the default contact of every form, 就这个号 /
本机 name it, and the registered phone of an account texting in is not asked for its digits."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.account import ValidateVerifyForm
from actions.common import sender_phone
from actions.repair import ValidateRepairForm
from actions.service_requests import ValidateComplaintForm

from .conftest import said, slot_values, texts, tracker, user_turn

REGISTERED = "13812345678"  # the demo account 0102345678's registered phone
SMS = f"sms:{REGISTERED}"


def _asked(slot: str) -> dict[str, Any]:
    return {"event": "slot", "name": "requested_slot", "value": slot}


def test_only_an_sms_conversation_has_a_sender_phone() -> None:
    assert sender_phone(tracker(user_turn("你好", channel="sms"), sender=SMS)) == REGISTERED
    assert sender_phone(tracker(user_turn("你好", channel="rest"), sender="13812345678")) is None
    assert sender_phone(tracker(user_turn("你好", channel="wechat"), sender="wechat:oX1")) is None


@pytest.mark.parametrize("form", [ValidateRepairForm, ValidateComplaintForm])
async def test_an_sms_sender_is_not_asked_for_a_contact_number(
    domain: dict[str, Any], form: type
) -> None:
    t = tracker(
        user_turn("/report_repair", "report_repair", channel="sms"), sender="sms:13700000001"
    )
    assert await form().extract_phone(CollectingDispatcher(), t, domain) == {"phone": "13700000001"}


@pytest.mark.parametrize("answer", ["就这个号", "本机", "这个手机", "就用这个号码吧"])
async def test_this_number_answers_the_phone_question_on_sms(
    domain: dict[str, Any], answer: str
) -> None:
    t = tracker(
        user_turn("暖气不热", "report_repair", message_id="a", channel="sms"),
        _asked("phone"),
        user_turn(answer, message_id="b", channel="sms"),
        slots={"requested_slot": "phone"},
        sender="sms:13700000001",
    )
    form = ValidateRepairForm()
    assert await form.extract_phone(CollectingDispatcher(), t, domain) == {"phone": "13700000001"}
    assert await form.validate_phone(answer, CollectingDispatcher(), t, domain) == {
        "phone": "13700000001"
    }


async def test_a_number_said_to_be_wrong_is_asked_for_not_filled_in_again(
    domain: dict[str, Any],
) -> None:
    t = tracker(
        user_turn("暖气不热", "report_repair", message_id="a", channel="sms"),
        {"event": "slot", "name": "phone", "value": "13700000001"},
        user_turn("电话不对", "correct_info", message_id="b", channel="sms"),
        slot_events={"phone": None},
        sender="sms:13700000001",
    )
    assert await ValidateRepairForm().extract_phone(CollectingDispatcher(), t, domain) == {}


async def test_this_number_means_nothing_where_the_channel_has_no_number(
    domain: dict[str, Any],
) -> None:
    t = tracker(
        user_turn("就这个号", channel="wechat"),
        slots={"requested_slot": "phone"},
        sender="wechat:oX",
    )
    dispatcher = CollectingDispatcher()
    assert await ValidateRepairForm().validate_phone("就这个号", dispatcher, t, domain) == {
        "phone": None
    }
    assert texts(dispatcher) == ["utter_invalid_phone"]


async def test_the_registered_phone_texting_in_is_not_asked_for_its_last_digits(
    domain: dict[str, Any],
) -> None:
    t = tracker(
        user_turn("CF", "query_fee", message_id="a", channel="sms"),
        _asked("account_no"),
        user_turn("0102345678", "inform", message_id="b", channel="sms"),
        slots={"requested_slot": "account_no"},
        active_loop="verify_form",
        slot_events={"account_no": "0102345678"},
        sender=SMS,
    )
    dispatcher = CollectingDispatcher()
    events = await ValidateVerifyForm().run(dispatcher, t, domain)
    slots = slot_values(events)
    assert (slots["verified_account"], slots["requested_slot"]) == ("0102345678", None)
    assert said(dispatcher, "utter_verified_by_number")["account"] == "01******78"


@pytest.mark.parametrize(
    ("sender", "channel"), [("sms:13700000001", "sms"), ("13812345678", "rest")]
)
async def test_any_other_number_still_gives_the_last_digits(
    domain: dict[str, Any], sender: str, channel: str
) -> None:
    t = tracker(
        user_turn("CF", "query_fee", message_id="a", channel=channel),
        _asked("account_no"),
        user_turn("0102345678", "inform", message_id="b", channel=channel),
        slots={"requested_slot": "account_no"},
        active_loop="verify_form",
        slot_events={"account_no": "0102345678"},
        sender=sender,
    )
    dispatcher = CollectingDispatcher()
    events = await ValidateVerifyForm().run(dispatcher, t, domain)
    assert "verified_account" not in slot_values(events)
    assert "utter_verified_by_number" not in texts(dispatcher)
