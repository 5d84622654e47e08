"""The eighth dialogue round's classes in the actions (docs/dialogue.md, "Eighth round (dlg8)"):
a contact number withheld out of distrust, a complaint about the burst the bot just told of,
what to do now after the emergency advice, and a question beside a cold home where heating is
stopped, a 报停 asked about too late for this winter. The glow set's wording and wordings of our
own each."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.account import ValidateVerifyForm
from actions.applications import NEXT_SEASON_STOP
from actions.conversation import ActionHandleYesNo
from actions.emergency import ActionEmergency, ActionEmergencyFollowUp
from actions.repair import ValidateRepairForm
from bot.nlu.emergency import detect_emergency

from .conftest import has_event, offered, said, slot_values, texts, tracker, user_turn

ASK_PHONE = {
    "event": "bot",
    "text": "请留一个方便联系的电话",
    "metadata": {"utter_action": "utter_ask_phone"},
}


@pytest.mark.parametrize(
    "text",
    [
        "凭什么要我电话？不想给，你们别拿去推销",  # glo-033
        "电话就不留了吧，我怕被骚扰",
        "为啥非得要手机号？我不想给",
        "我不给电话，上次留了天天接到推销的",
    ],
)
async def test_a_number_withheld_hears_what_it_is_for_not_that_it_is_no_number(
    domain: dict[str, Any], text: str
) -> None:
    dispatcher = CollectingDispatcher()
    t = tracker(
        ASK_PHONE,
        user_turn(text, "inform"),
        slots={"requested_slot": "phone", "fault_type": "leak", "urgent_ticket_no": "BX1"},
        active_loop="repair_form",
        slot_events={"phone": text},
    )
    result = await ValidateRepairForm().validate_phone(text, dispatcher, t, domain)
    assert result == {"phone": None}
    assert texts(dispatcher) == ["utter_phone_why"]


STOP_TOLD = {
    "event": "bot",
    "text": "幸福里小区抢修停热：主管线爆管抢修。已于 12月7日 09:00 开始停热",
    "metadata": {"utter_action": "utter_outage_found"},
}
OFFER = {
    "event": "bot",
    "text": "现在仍要登记报修吗？",
    "metadata": {"utter_action": "utter_outage_repair_offer"},
}


def _marked(text: str, intent: str, **kwargs: Any) -> dict[str, Any]:
    turn = user_turn(text, intent, **kwargs)
    found = detect_emergency(text)
    assert found is not None, text
    turn["parse_data"]["emergency"] = found.as_dict()
    return turn


@pytest.mark.parametrize(
    "text",
    [
        "又爆管？去年冬天就爆过一回！年年这样我要投诉，管线该换不换",  # glo-040
        "又爆管了 我要投诉你们",
        "主管线又爆了，去年也爆过，必须投诉",
        "怎么又爆管了 我要投诉 管网该换了",
    ],
)
async def test_a_complaint_about_the_burst_just_told_is_filed_not_told_the_stop_again(
    store: str, domain: dict[str, Any], text: str
) -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionEmergency().run(
        dispatcher,
        tracker(
            user_turn("我家暖气怎么又凉了？幸福里4号楼1单元301", "report_repair", message_id="a"),
            STOP_TOLD,
            OFFER,
            _marked(text, "file_complaint", message_id="b"),
            slots={"pending": "repair_after_outage"},
        ),
        domain,
    )
    assert has_event(events, "followup", "complaint_form")
    assert slot_values(events)["pending"] is None
    assert "utter_outage_found" not in texts(dispatcher)


def _advice(response: str) -> dict[str, Any]:
    return {"event": "bot", "text": "…", "metadata": {"utter_action": response}}


@pytest.mark.parametrize(
    ("first", "advice"),
    [
        ("家里一股煤气味，是不是暖气管子出问题了？", "utter_emergency_gas"),  # glo-010
        ("暖气片爆了 水哗哗往外冒", "utter_emergency_water"),
    ],
)
@pytest.mark.parametrize("text", ["那我现在该怎么办", "那我现在要干嘛", "现在咋办啊？"])
async def test_what_to_do_now_is_told_the_advice_again(
    domain: dict[str, Any], first: str, advice: str, text: str
) -> None:
    dispatcher = CollectingDispatcher()
    await ActionEmergencyFollowUp().run(
        dispatcher,
        tracker(
            _marked(first, "out_of_scope", message_id="e"),
            _advice(advice),
            user_turn(text, "out_of_scope", message_id="q"),
        ),
        domain,
    )
    assert texts(dispatcher) == [advice]
    assert said(dispatcher, advice)["duty_phone"] == "400-000-0000"


def _beside_a_hall_question(text: str) -> dict[str, Any]:
    turn = user_turn(text, "report_repair")
    turn["parse_data"]["clauses"] = [
        {"text": text, "name": "query_service_hall", "confidence": 0.9},
        {"text": "我家暖气从早上就凉了", "name": "report_repair", "confidence": 0.9},
    ]
    return turn


@pytest.mark.parametrize(
    "text",
    [
        # glo-026
        "我想去营业厅开暖气费发票，离我们幸福里最近的营业厅在哪，今天开门吗？"
        "顺便问下，我家暖气从早上就凉了",
        "最近的营业厅在哪？我住幸福里，家里暖气也凉了",
        "幸福里附近营业厅几点关门 对了我家暖气不热",
    ],
)
async def test_a_hall_asked_beside_a_cold_home_where_heating_is_stopped_is_answered(
    domain: dict[str, Any], text: str
) -> None:
    dispatcher = CollectingDispatcher()
    events = await ValidateRepairForm().run(
        dispatcher,
        tracker(_beside_a_hall_question(text), active_loop="repair_form", slot_events={}),
        domain,
    )
    replies = texts(dispatcher)
    assert replies[0] == "utter_outage_found" and replies[-1] == "utter_outage_repair_offer"
    assert any("西城营业厅" in r for r in replies[1:-1])
    assert not any(r.startswith("到西城营业厅办理开栓") for r in replies)  # 开暖气费 is no 开栓
    assert slot_values(events)["pending"] == "repair_after_outage"


# --- a 报停 asked about too late for this winter (glo-021) ---


async def _stop_asked(
    text: str, domain: dict[str, Any]
) -> tuple[CollectingDispatcher, list[dict[str, Any]]]:
    """What the 报停 form says and returns when `text` starts it (the clock: 2026-12-07)."""
    dispatcher = CollectingDispatcher()
    events = await ValidateVerifyForm().run(
        dispatcher,
        tracker(user_turn(text, "apply_stop_heating"), active_loop="verify_form", slot_events={}),
        domain,
    )
    return dispatcher, events


@pytest.mark.parametrize(
    "text",
    [
        "我这个冬天都不在北京，现在还能报停吗？和平里2号楼1单元502",  # glo-021
        "现在报停还来得及吗",
        "今年冬天能不能报停啊 房子空着没人住",
        "我家没人住 还可以申请报停不",
    ],
)
async def test_a_stop_asked_about_too_late_is_answered_and_offered_for_next_winter(
    domain: dict[str, Any], text: str
) -> None:
    dispatcher, events = await _stop_asked(text, domain)
    assert texts(dispatcher)[-1] == "utter_stop_heating_late_offer"
    assert said(dispatcher, "utter_stop_heating_late_offer")["start"] == "2027年11月15日"
    assert has_event(events, "active_loop", None)
    assert slot_values(events)["pending"] == NEXT_SEASON_STOP


@pytest.mark.parametrize(
    "text",
    [
        "我要报停 和平里2号楼1单元502",  # asked for, not asked about
        "我们老两口明年冬天去海南，下个采暖季想报停，怎么办",  # glo-020: next winter named
        "下个供暖季报停来得及吗",
        "明年的采暖季我不在家 能报停吗",
    ],
)
async def test_a_stop_asked_for_or_for_next_winter_goes_on_with_the_notice(
    domain: dict[str, Any], text: str
) -> None:
    dispatcher, events = await _stop_asked(text, domain)
    assert "utter_stop_heating_late_offer" not in texts(dispatcher)
    assert not has_event(events, "active_loop", None)


async def test_a_yes_to_next_winters_stop_starts_the_application(domain: dict[str, Any]) -> None:
    events = await ActionHandleYesNo().run(
        CollectingDispatcher(), offered(NEXT_SEASON_STOP, "要", "affirm"), domain
    )
    assert has_event(events, "followup", "verify_form")
