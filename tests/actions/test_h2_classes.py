"""Helper h2's classes in the actions (docs/dialogue.md, "Helper h2"), each with wordings of our
own and look-alikes that keep their old answer:

1. the refused digits disputed (不可能不对，我就这一个手机号！): the reason and the other ways,
   the form kept (no complaint form, no address question);
2. a demand at a complaint's read-back (给我个说法): the deadlines and a one-line reminder, not
   the whole list again; the third ask of the read-back says how else to get it done;
3. a request to complain that names its matter (我要投诉你们通知不到位) fills the account and the
   category, so 哪方面 is not asked.
"""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.account import ValidateVerifyForm
from actions.readback import READ_BACK, ActionAskDetailsConfirmed, answer_to_read_back
from actions.service_requests import ValidateComplaintForm

from .conftest import has_event, slot_values, texts, tracker, user_turn

# ------------------------------------------------------------------ 1. the disputed digits


def _after_mismatch(text: str, intent: str) -> Tracker:
    """The verification refused 4321 for 0102345678 and asks again; the resident sends `text`."""
    return tracker(
        user_turn("我要交暖气费，户号0102345678", "query_fee", message_id="a"),
        {"event": "slot", "name": "requested_slot", "value": "phone_last4"},
        {"event": "bot", "text": "…", "metadata": {"utter_action": "utter_ask_phone_last4"}},
        user_turn("4321", "inform", message_id="b"),
        {"event": "bot", "text": "…", "metadata": {"utter_action": "utter_verify_failed"}},
        {"event": "bot", "text": "…", "metadata": {"utter_action": "utter_ask_phone_last4"}},
        user_turn(text, intent, message_id="c"),
        slots={"account_no": "0102345678", "requested_slot": "phone_last4"},
        active_loop="verify_form",
    )


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("不可能不对，我就这一个手机号！", "file_complaint"),
        ("我的号怎么会错", "faq"),
        ("你们系统是不是出问题了 这号用了十几年", "query_outage"),
        ("明明就是我的手机号，你们搞错了吧", "file_complaint"),
    ],
)
async def test_a_dispute_hears_why_and_the_other_ways_in_the_form(
    domain: dict[str, Any], text: str, intent: str
) -> None:
    dispatcher = CollectingDispatcher()
    events = await ValidateVerifyForm().run(dispatcher, _after_mismatch(text, intent), domain)
    assert texts(dispatcher)[:2] == ["utter_verify_mismatch_why", "utter_verify_alternatives"]
    assert not has_event(events, "active_loop", None)  # no complaint form, the lookup stands
    assert "phone_last4" in slot_values(events)  # kept: the form asks once more, not rejected


async def test_digits_said_with_the_protest_are_checked_instead(domain: dict[str, Any]) -> None:
    dispatcher = CollectingDispatcher()
    await ValidateVerifyForm().run(
        dispatcher, _after_mismatch("不可能不对 就是5678", "inform"), domain
    )
    assert "utter_verify_mismatch_why" not in texts(dispatcher)


# ------------------------------------------------------------------ 2. the complaint's read-back

COMPLAINT = {
    "complaint_category": "维修不及时",
    "complaint_text": "约好的师傅没来，打电话也不接",
    "address": "阳光花园7号楼1单元502",
    "phone": "15210087734",
    "requested_slot": "details_confirmed",
}
LIST = {"event": "bot", "text": "提交前跟您核对一下：…", "metadata": {"utter_action": READ_BACK}}


def _at_list(*later: dict[str, Any]) -> Tracker:
    """The complaint's list was shown, then `later` (user turns and the bot's answers)."""
    return tracker(
        user_turn("我要投诉！约好的师傅没来", "file_complaint", message_id="start"),
        {"event": "bot", "text": "…", "metadata": {"utter_action": "utter_complaint_sorry"}},
        user_turn("15210087734", "inform", message_id="phone"),
        {"event": "slot", "name": "requested_slot", "value": "details_confirmed"},
        LIST,
        *later,
        slots=COMPLAINT,
        active_loop="complaint_form",
    )


@pytest.mark.parametrize(
    "text",
    ["你们除了道歉还能干什么？给我个说法", "光道歉有什么用 你们打算怎么解决", "必须给个交代"],
)
async def test_a_demand_at_the_list_hears_the_deadlines_and_a_reminder(
    domain: dict[str, Any], text: str
) -> None:
    turn = _at_list(user_turn(text, "file_complaint", message_id="demand"))
    dispatcher = CollectingDispatcher()
    events = await ValidateComplaintForm().run(dispatcher, turn, domain)
    assert texts(dispatcher) == ["utter_complaint_deadlines"]
    assert slot_values(events).get("details_confirmed", "unset") is None  # the form is kept
    asked = CollectingDispatcher()
    await ActionAskDetailsConfirmed().run(asked, turn, domain)
    assert texts(asked) == ["utter_read_back_reminder"]


async def test_a_changed_detail_is_shown_in_the_whole_list(domain: dict[str, Any]) -> None:
    turn = tracker(
        user_turn("15210087734", "inform", message_id="phone"),
        LIST,
        user_turn("电话换成13912345678", "inform", message_id="change"),
        slot_events={"phone": "13912345678"},
        slots=COMPLAINT,
        active_loop="complaint_form",
    )
    asked = CollectingDispatcher()
    await ActionAskDetailsConfirmed().run(asked, turn, domain)
    assert texts(asked) == ["utter_read_back"]


async def test_the_third_ask_of_the_list_says_how_else(domain: dict[str, Any]) -> None:
    turn = _at_list(
        user_turn("给我个说法", "file_complaint", message_id="one"),
        {"event": "bot", "text": "…", "metadata": {"utter_action": "utter_read_back_reminder"}},
        user_turn("你们这服务真是没谁了", "out_of_scope", message_id="two"),
    )
    dispatcher = CollectingDispatcher()
    await ValidateComplaintForm().run(dispatcher, turn, domain)
    assert "utter_form_way_out" in texts(dispatcher)


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("就按投诉处理", "file_complaint"),
        ("好，投诉给我记上", "file_complaint"),
        ("那就按投诉来办", "file_complaint"),
        ("就这么提交吧", "affirm"),
    ],
)
def test_file_it_as_it_stands_is_the_yes(text: str, intent: str) -> None:
    turn = _at_list(user_turn(text, intent, message_id="yes"))
    assert answer_to_read_back(turn) == {"details_confirmed": True}


# ------------------------------------------------------------------ 3. the matter named


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("我要投诉你们通知不到位", "其他"),
        ("我要投诉你们客服态度差", "服务态度"),
        ("投诉你们师傅没来", "维修不及时"),
    ],
)
async def test_a_complaint_that_names_its_matter_is_not_asked_which(
    domain: dict[str, Any], text: str, category: str
) -> None:
    turn = tracker(user_turn(text, "file_complaint"), active_loop="complaint_form")
    form = ValidateComplaintForm()
    dispatcher = CollectingDispatcher()
    assert await form.extract_complaint_text(dispatcher, turn, domain) == {"complaint_text": text}
    assert await form.extract_complaint_category(dispatcher, turn, domain) == {
        "complaint_category": category
    }


async def test_a_bare_request_to_complain_is_still_asked(domain: dict[str, Any]) -> None:
    turn = tracker(user_turn("我想投诉你们公司", "file_complaint"), active_loop="complaint_form")
    form = ValidateComplaintForm()
    dispatcher = CollectingDispatcher()
    assert await form.extract_complaint_text(dispatcher, turn, domain) == {}
    assert await form.extract_complaint_category(dispatcher, turn, domain) == {}
