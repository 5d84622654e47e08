"""Player findings 3, class D: a complaint that the home is cold where heating is stopped hears
the stop and its restore time first and is asked whether to complain still; a complaint of what
the stop does not answer is filed as asked; a yes to that offer files the complaint told."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import ActionHandleYesNo
from actions.service_requests import (
    COMPLAINT_AFTER_OUTAGE,
    COMPLAINT_OUTAGE_DECLINED,
    COMPLAINT_OUTAGE_OFFER,
    ActionSubmitComplaint,
    ValidateComplaintForm,
)
from bot.store.db import session_scope
from bot.store.models import Ticket

from .conftest import said, slot_values, texts, tracker, user_turn


@pytest.mark.parametrize(
    "text",
    [
        "我家在幸福里小区 暖气到底啥时候来 昨天说今天 今天又不来 你们还管不管了 我要投诉",
        "你们幸福里这暖气怎么回事！！早上起来家里就冰凉 交了钱就这服务？",
        "幸福里的暖气一大早就冰凉 你们还管不管 投诉你们",
        "投诉！幸福里小区屋里冻得坐不住",
        "幸福里这暖气到底几点来 我要投诉",
    ],
)
async def test_a_cold_home_complained_of_where_heating_is_stopped_hears_the_stop_first(
    store: str, domain: dict[str, Any], text: str
) -> None:
    dispatcher = CollectingDispatcher()
    events = await ValidateComplaintForm().run(
        dispatcher, tracker(user_turn(text, "file_complaint"), active_loop="complaint_form"), domain
    )
    assert texts(dispatcher) == [
        "utter_apology_outage",
        "utter_outage_found",
        COMPLAINT_OUTAGE_OFFER,
    ]  # no season's dates, no "我把您的投诉完整记下来", no phone question
    assert "恢复供热" in said(dispatcher, "utter_outage_found")["restore"]
    values = slot_values(events)
    assert values["requested_slot"] is None and values["pending"] == COMPLAINT_AFTER_OUTAGE
    ended = tracker(user_turn(text, "file_complaint"), slots=values)
    assert await ActionSubmitComplaint().run(CollectingDispatcher(), ended, domain) == []
    with session_scope(store) as session:
        assert session.query(Ticket).filter_by(kind="TS").count() == 0


@pytest.mark.parametrize(
    "text",
    [
        # what the stop does not answer: filed as asked
        "幸福里爆管你们知道吧 我们整栋楼没一个人接到通知 洗澡全是凉的 我要投诉你们不通知",
        "幸福里停暖了也不提前说一声 屋里冰凉 我要投诉",
        "投诉 幸福里客服态度太差了 家里也不热",
        # no stop where they live: the complaint as before
        "和平里的暖气冰凉 你们还管不管 投诉你们",
    ],
)
async def test_a_complaint_the_stop_does_not_answer_is_taken_down(
    store: str, domain: dict[str, Any], text: str
) -> None:
    dispatcher = CollectingDispatcher()
    events = await ValidateComplaintForm().run(
        dispatcher, tracker(user_turn(text, "file_complaint"), active_loop="complaint_form"), domain
    )
    assert COMPLAINT_OUTAGE_OFFER not in texts(dispatcher)
    assert "utter_complaint_sorry" in texts(dispatcher)
    assert slot_values(events).get("pending") != COMPLAINT_AFTER_OUTAGE


def _after_the_offer(text: str, intent: str) -> Any:
    opened = "你们幸福里这暖气怎么回事！！早上起来家里就冰凉 交了钱就这服务？"
    return tracker(
        user_turn(opened, "file_complaint", message_id="a"),
        {"event": "active_loop", "name": "complaint_form"},
        {
            "event": "bot",
            "text": "…",
            "metadata": {"utter_action": COMPLAINT_OUTAGE_OFFER},
        },
        {"event": "slot", "name": "pending", "value": COMPLAINT_AFTER_OUTAGE},
        {"event": "active_loop", "name": None},
        user_turn(text, intent, message_id="b"),
        slots={"pending": COMPLAINT_AFTER_OUTAGE},
    )


async def test_a_yes_to_the_offer_files_the_complaint_told(domain: dict[str, Any]) -> None:
    dispatcher = CollectingDispatcher()
    answered = _after_the_offer("仍要投诉", "affirm")
    events = await ActionHandleYesNo().run(dispatcher, answered, domain)
    values = slot_values(events)
    assert values["complaint_category"] == "室温不达标"
    assert "早上起来家里就冰凉" in values["complaint_text"]
    assert {"event": "followup", "name": "complaint_form"} in [
        {"event": e.get("event"), "name": e.get("name")} for e in events
    ]


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("行 那我就等到晚上吧 不用派人来了 晚上再不热我还找你们", "affirm"),
        ("不用了", "deny"),
        ("好吧 算了 等着吧", "affirm"),
    ],
)
async def test_a_no_or_waiting_files_nothing(
    domain: dict[str, Any], text: str, intent: str
) -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionHandleYesNo().run(dispatcher, _after_the_offer(text, intent), domain)
    assert COMPLAINT_OUTAGE_DECLINED in texts(dispatcher)
    assert "followup" not in [e.get("event") for e in events]


async def test_a_planned_stop_asked_to_be_moved_is_told_and_what_can_be_done(
    store: str, domain: dict[str, Any]
) -> None:
    """金色家园10号的停暖能改个时间吗 那天我家有老人过生日: the players' p3-069 was asked "想改到
    什么时间？" for a visit they never booked, then not understood."""
    from actions.outage import CANNOT_MOVE, ActionQueryOutage

    dispatcher = CollectingDispatcher()
    await ActionQueryOutage().run(
        dispatcher,
        tracker(user_turn("金色家园10号的停暖能改个时间吗 那天我家有老人过生日", "query_outage")),
        domain,
    )
    assert said(dispatcher, "utter_outage_found")["community"] == "金色家园"
    assert texts(dispatcher)[-1] == CANNOT_MOVE
    asked = CollectingDispatcher()
    await ActionQueryOutage().run(
        asked, tracker(user_turn("金色家园什么时候停暖", "query_outage")), domain
    )
    assert CANNOT_MOVE not in texts(asked)


async def test_a_cancel_said_to_the_offer_is_the_no_to_it(domain: dict[str, Any]) -> None:
    """行 那我就等到晚上吧 不用派人来了 read as a cancellation: nothing was filed, so it is the no
    to "仍要登记投诉吗？" (the writers' hax-003 was told no ticket was found); a ticket taken
    back by name is still a cancellation."""
    from actions.tickets import ActionAskCancelTicket

    waiting = "行 那我就等到晚上吧 不用派人来了 晚上再不热我还找你们"
    dispatcher = CollectingDispatcher()
    events = await ActionAskCancelTicket().run(
        dispatcher, _after_the_offer(waiting, "cancel_ticket"), domain
    )
    assert texts(dispatcher) == [COMPLAINT_OUTAGE_DECLINED]
    assert slot_values(events) == {"pending": None}
    named = CollectingDispatcher()
    await ActionAskCancelTicket().run(
        named, _after_the_offer("把我上午那个报修撤了吧", "cancel_ticket"), domain
    )
    assert COMPLAINT_OUTAGE_DECLINED not in texts(named)
