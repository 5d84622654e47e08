"""Complaint tickets record the community they concern (the report and routing count on it)."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.readback import ActionAskDetailsConfirmed
from actions.service_requests import ActionSubmitComplaint, ValidateComplaintForm
from bot.store.db import session_scope
from bot.store.models import Ticket

from .conftest import said, slot_values, texts, tracker, user_turn


@pytest.mark.parametrize(
    ("started_by", "complaint", "community"),
    [
        ("幸福里又没暖气了！我要投诉你们", "停暖不通知", "幸福里小区"),
        ("我要投诉", "金色家园的维修师傅态度太差", "金色家园"),
        ("我要投诉", "师傅态度太差", None),  # nothing named, no account: none invented
    ],
)
async def test_the_complaint_ticket_records_its_community(
    store: str, domain: dict[str, Any], started_by: str, complaint: str, community: str | None
) -> None:
    dispatcher = CollectingDispatcher()
    t = tracker(
        user_turn(started_by, "file_complaint", message_id="a"),
        user_turn("13701198845", message_id="b"),
        slots={
            "complaint_text": complaint,
            "complaint_category": "服务态度",
            "phone": "13701198845",
            "details_confirmed": True,
        },
    )
    await ActionSubmitComplaint().run(dispatcher, t, domain)
    ticket_no = said(dispatcher, "utter_complaint_created")["ticket_no"]
    with session_scope(store) as session:
        ticket = session.query(Ticket).filter_by(ticket_no=ticket_no).one()
        assert (ticket.kind, ticket.community) == ("TS", community)


async def test_the_complaint_ticket_keeps_the_address_it_read_back(
    store: str, domain: dict[str, Any]
) -> None:
    """Red-team F12 (A03, A13): the read-back listed 地址 but the ticket kept none."""
    dispatcher = CollectingDispatcher()
    t = tracker(
        user_turn("我要投诉 师傅态度太差", "file_complaint", message_id="a"),
        user_turn("阳光花园7号楼1单元901", message_id="b"),
        slots={
            "complaint_text": "师傅态度太差",
            "complaint_category": "服务态度",
            "address": "阳光花园7号楼1单元901",
            "phone": "13701198845",
            "details_confirmed": True,
        },
    )
    await ActionSubmitComplaint().run(dispatcher, t, domain)
    ticket_no = said(dispatcher, "utter_complaint_created")["ticket_no"]
    with session_scope(store) as session:
        ticket = session.query(Ticket).filter_by(ticket_no=ticket_no).one()
        assert ticket.address == "阳光花园7号楼1单元901"
        assert (ticket.community, ticket.building, ticket.room) == ("阳光花园", "7", "901")


@pytest.mark.parametrize(
    ("text", "asks_address"),
    [
        ("我要投诉你们那个修暖气的师傅 进门鞋套都不穿 说话横着呢", True),
        ("投诉 金色家园的维修师傅态度太差", False),
    ],
)
async def test_a_complaint_asks_where_only_when_it_does_not_say(
    domain: dict[str, Any], text: str, asks_address: bool
) -> None:
    from actions.service_requests import ValidateComplaintForm

    required = await ValidateComplaintForm().required_slots(
        domain["forms"]["complaint_form"]["required_slots"],
        CollectingDispatcher(),
        tracker(user_turn(text, "file_complaint"), active_loop="complaint_form"),
        domain,
    )
    assert ("address" in required) is asks_address


async def test_a_complaint_starts_with_one_apology(domain: dict[str, Any]) -> None:
    from actions.service_requests import ValidateComplaintForm

    dispatcher = CollectingDispatcher()
    first = tracker(
        user_turn("我要投诉 师傅态度太差", "file_complaint"), active_loop="complaint_form"
    )
    await ValidateComplaintForm().run(dispatcher, first, domain)
    assert next(m.get("response") for m in dispatcher.messages) == "utter_complaint_sorry"
    again = CollectingDispatcher()
    sorry = {"event": "bot", "text": "抱歉", "metadata": {"utter_action": "utter_complaint_sorry"}}
    await ValidateComplaintForm().run(
        again,
        tracker(sorry, user_turn("13812345678", "inform"), active_loop="complaint_form"),
        domain,
    )
    assert "utter_complaint_sorry" not in [m.get("response") for m in again.messages]


async def test_a_complaint_that_the_home_is_cold_hears_of_the_stop_first(
    domain: dict[str, Any],
) -> None:
    """幸福里又没暖气了！你们这帮人是干什么吃的: the burst main and when heat is back, before the
    complaint's questions (the resident had to ask "爆管了？"), and whether to complain still
    (the players' findings 3, class D)."""
    from actions.service_requests import ValidateComplaintForm

    dispatcher = CollectingDispatcher()
    await ValidateComplaintForm().run(
        dispatcher,
        tracker(
            user_turn("幸福里又没暖气了！你们这帮人是干什么吃的", "file_complaint"),
            active_loop="complaint_form",
        ),
        domain,
    )
    assert [m.get("response") for m in dispatcher.messages] == [
        "utter_apology_outage",
        "utter_outage_found",
        "utter_outage_complaint_offer",
    ]
    elsewhere = CollectingDispatcher()
    await ValidateComplaintForm().run(
        elsewhere,
        tracker(user_turn("和平里的师傅态度太差", "file_complaint"), active_loop="complaint_form"),
        domain,
    )
    assert "utter_outage_found" not in [m.get("response") for m in elsewhere.messages]


async def test_not_a_complaint_but_a_repair_switches_to_the_repair(domain: dict[str, Any]) -> None:
    """也不是投诉谁 就想赶紧来人给修好: a complaint ticket was filed and nobody came to fix."""
    from actions.service_requests import ValidateComplaintForm

    dispatcher = CollectingDispatcher()
    events = await ValidateComplaintForm().run(
        dispatcher,
        tracker(
            user_turn("我要投诉！暖气不热三天了！", "file_complaint", message_id="a"),
            {"event": "active_loop", "name": "complaint_form"},
            user_turn("也不是投诉谁 就想赶紧来人给修好", "report_repair", message_id="b"),
            slots={"requested_slot": "complaint_text"},
            active_loop="complaint_form",
        ),
        domain,
    )
    assert [m.get("response") for m in dispatcher.messages] == ["utter_form_switched"]
    assert {"event": "followup", "name": "repair_form"} in [
        {"event": e.get("event"), "name": e.get("name")} for e in events
    ]
    assert {e["name"]: e["value"] for e in events if e.get("event") == "slot"}["fault_type"] == (
        "no_heat"
    )


async def test_the_account_and_category_changed_at_the_read_back_are_read_back_anew(
    domain: dict[str, Any],
) -> None:
    """The players' pl-03 changed the complaint three times at the read-back and saw the same
    list each time; the change is taken and the list shown again with it."""
    slots = {
        "requested_slot": "details_confirmed",
        "complaint_category": "室温不达标",
        "complaint_text": "你们热力公司怎么回事!!幸福里又没暖气了!",
        "address": "幸福里小区",
        "phone": "13601012233",
    }
    turn = user_turn("类别改成服务问题，内容是停暖没有提前通知", "inform")
    form = ValidateComplaintForm()
    dispatcher = CollectingDispatcher()
    assert await form.extract_complaint_text(dispatcher, tracker(turn, slots=slots), domain) == {
        "complaint_text": "停暖没有提前通知"
    }
    assert await form.extract_complaint_category(
        dispatcher, tracker(turn, slots=slots), domain
    ) == {"complaint_category": "服务态度"}
    # 不对 with the new account: the list again (with it), not "what should change?"
    denied = tracker(
        user_turn("不对 我投诉的是停暖不通知 不是室温", "deny"),
        slots=slots,
        active_loop="complaint_form",
        slot_events={"complaint_text": "停暖不通知"},
    )
    asked = CollectingDispatcher()
    await ActionAskDetailsConfirmed().run(asked, denied, domain)
    assert texts(asked) == ["utter_read_back"]
    assert "停暖不通知" in said(asked, "utter_read_back")["details"]


@pytest.mark.parametrize(
    "story",
    ["维修师傅三天都没来，打电话也没人管", "我要投诉 十二点说好来的，到现在也没人影！"],
)
async def test_the_account_kept_is_the_residents_words_not_the_canonical_text(
    domain: dict[str, Any], story: str
) -> None:
    """The pipeline reads 三天 as 3天 and ， as , (TextNormalizer); the complaint staff read is
    what the resident wrote."""
    from actions.service_requests import ValidateComplaintForm
    from bot.nlu.numbers import to_canonical

    turn = user_turn(story, "file_complaint")
    turn["parse_data"]["text"] = to_canonical(story)
    assert turn["parse_data"]["text"] != story
    events = await ValidateComplaintForm().run(
        CollectingDispatcher(), tracker(turn, active_loop="complaint_form"), domain
    )
    assert slot_values(events)["complaint_text"] == story
