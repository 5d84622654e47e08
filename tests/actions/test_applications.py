"""Applications filed without verification (actions/applications.py): a 报停 and a meter-check
visit need an address and a phone, not the 户号; nothing private is shown, and the ticket says
ownership is unverified."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions.account import ActionAfterVerification, ValidateVerifyForm
from actions.applications import (
    ALREADY_OPEN,
    LATE_NOTICE,
    LIMIT_REFUSAL,
    NOTED_FOR_STAFF,
    OWNERSHIP_UNVERIFIED,
    PROBLEM,
    ActionAskVerifyFormAddress,
    account_given,
)
from actions.common import policy
from actions.readback import read_back_details
from bot.base import clock
from bot.store.db import session_scope
from bot.store.models import Ticket

from .conftest import has_event, said, slot_values, texts, tracker, user_turn

SHANGHAI = ZoneInfo("Asia/Shanghai")


async def _slots(domain: dict[str, Any], text: str, intent: str, **kw: Any) -> list[str]:
    form = ValidateVerifyForm()
    return await form.required_slots(
        form.domain_slots(domain),
        CollectingDispatcher(),
        tracker(user_turn(text, intent), active_loop="verify_form", **kw),
        domain,
    )


async def test_a_stop_application_without_the_account_asks_where_and_a_phone(
    domain: dict[str, Any],
) -> None:
    slots = await _slots(domain, "今年冬天去女儿家过 暖气不要了", "apply_stop_heating")
    assert slots == ["address", "phone", "details_confirmed"]
    meter = await _slots(domain, "热表读数翻了一倍 表是不是坏了", "report_meter_problem")
    assert meter == ["address", "phone", "visit_time", "details_confirmed"]
    # a bill or a reading shown still needs the proof
    assert await _slots(domain, "查下暖气费", "query_fee") == ["account_no", "phone_last4"]
    assert await _slots(domain, "查热表读数", "query_meter") == ["account_no", "phone_last4"]


async def test_a_verified_resident_still_files_against_the_account(domain: dict[str, Any]) -> None:
    slots = await _slots(
        domain, "我要报停", "apply_stop_heating", slots={"verified_account": "0102345678"}
    )
    # read back before filing, as by address (players' J)
    assert slots == ["account_no", "phone_last4", "details_confirmed"]


def _filed(store: str) -> list[Ticket]:
    with session_scope(store) as session:
        rows = list(session.scalars(select(Ticket)))
        session.expunge_all()
        return rows


async def test_the_stop_is_filed_unverified_and_shows_nothing_of_the_account(
    store: str, domain: dict[str, Any]
) -> None:
    # the address is a demo account's home; the reply must not say so, nor whose it is
    turns = (
        user_turn("报停 户号好像是0102345678 房子没人住", "apply_stop_heating", message_id="a"),
        user_turn("对", "affirm", message_id="b"),
    )
    dispatcher = CollectingDispatcher()
    await ActionAfterVerification().run(
        dispatcher,
        tracker(
            *turns,
            slots={
                "address": "阳光花园5号楼1单元302",
                "phone": "13900001111",
                "details_confirmed": True,
                "account_no": "0102345678",
            },
        ),
        domain,
    )
    reply = said(dispatcher, "utter_stop_heating_filed_unverified")
    assert reply["phone"] == "139****1111"
    assert "account" not in reply
    (ticket,) = _filed(store)
    assert ticket.kind == "BT"
    assert ticket.account_no is None  # not linked until staff verify ownership
    assert ticket.community == "阳光花园" and ticket.phone == "13900001111"
    assert OWNERSHIP_UNVERIFIED in (ticket.description or "")
    assert "0102345678" in (ticket.description or "")  # recorded as given, for staff
    # the pinned clock is inside the season: staff must not seal the valve this winter
    assert "2027年11月15日起的供暖季" in (ticket.description or "")
    assert "2027年11月15日" in reply["season_note"]


async def test_a_meter_visit_is_filed_with_its_window_and_category(
    store: str, domain: dict[str, Any]
) -> None:
    turns = (
        user_turn("热表这个月读数翻倍了 是不是表坏了 找人来看看", "report_meter_problem"),
        user_turn("对", "affirm", message_id="b"),
    )
    dispatcher = CollectingDispatcher()
    await ActionAfterVerification().run(
        dispatcher,
        tracker(
            *turns,
            slots={
                "address": "翠湖苑7号楼2单元1201",
                "phone": "13522446688",
                "visit_time": "2026-11-28T08:00:00+08:00/2026-11-28T12:00:00+08:00",
                "details_confirmed": True,
            },
        ),
        domain,
    )
    said(dispatcher, "utter_meter_visit_filed_unverified")
    (ticket,) = _filed(store)
    assert ticket.kind == "CB" and ticket.account_no is None
    assert ticket.visit_start is not None and ticket.community == "翠湖苑"
    assert OWNERSHIP_UNVERIFIED in (ticket.description or "")


async def test_nothing_is_filed_before_the_yes(store: str, domain: dict[str, Any]) -> None:
    dispatcher = CollectingDispatcher()
    await ActionAfterVerification().run(
        dispatcher,
        tracker(
            user_turn("我要报停", "apply_stop_heating"),
            slots={"address": "阳光花园5号楼1单元302", "phone": "13900001111"},
        ),
        domain,
    )
    assert _filed(store) == []
    assert texts(dispatcher) == []


@pytest.mark.parametrize(
    ("today", "item"),
    [
        # in the season: too late for this winter, so the resident sees which season before the yes
        (datetime(2026, 12, 6, 23, 0, tzinfo=SHANGHAI), "报停申请（2027年11月15日起的供暖季）"),
        # between seasons, before the 11-14 deadline: in time, no season to explain
        (datetime(2027, 7, 1, 10, 0, tzinfo=SHANGHAI), "报停申请"),
    ],
)
def test_the_read_back_names_the_request_and_the_season_it_covers(
    monkeypatch: pytest.MonkeyPatch, today: datetime, item: str
) -> None:
    monkeypatch.setattr(clock, "now", lambda: today)
    details = read_back_details(
        "verify_form",
        tracker(
            user_turn("给我家报个停", "apply_stop_heating"),
            slots={"address": "东风新村5号楼2单元101", "phone": "13661234567"},
        ),
    )
    assert details[0] == ("事项", item)
    assert ("联系电话", "136****4567") in details


def test_a_volunteered_account_is_kept_and_a_mobile_is_not_one() -> None:
    assert account_given(["报停 翠湖苑6-2-801 13522220001"]) is None
    assert account_given(["户号0203456781"]) == "0203456781"


async def test_no_account_number_at_its_question_gets_the_other_ways(
    domain: dict[str, Any],
) -> None:
    """户号没有 单子早扔了 read as a ticket query: 单子 is the 缴费单, not a ticket."""
    from actions.tickets import ActionQueryTicket

    dispatcher = CollectingDispatcher()
    await ActionQueryTicket().run(
        dispatcher,
        tracker(
            user_turn("查下暖气费", "query_fee", message_id="a"),
            user_turn("户号没有 单子早扔了", "query_ticket", message_id="b"),
            slots={"requested_slot": "account_no"},
            active_loop="verify_form",
        ),
        domain,
    )
    assert texts(dispatcher) == ["utter_verify_alternatives"]


async def test_an_application_needs_the_flat_not_only_the_community(
    domain: dict[str, Any],
) -> None:
    """我家是翠湖苑的 filed a meter check for a whole community."""
    form = ValidateVerifyForm()
    result = await form.validate_address(
        "翠湖苑",
        CollectingDispatcher(),
        tracker(
            user_turn("我家是翠湖苑的 热量表读数跳得特别快 我怀疑表有问题", "report_meter_problem"),
            active_loop="verify_form",
        ),
        domain,
    )
    assert result == {"address": None}


async def test_a_community_said_in_the_request_is_asked_to_be_completed(
    domain: dict[str, Any],
) -> None:
    events = await ValidateVerifyForm().run(
        CollectingDispatcher(),
        tracker(
            user_turn("我家是翠湖苑的 热量表读数跳得特别快 我怀疑表有问题", "report_meter_problem"),
            slots={"address": "翠湖苑"},
            active_loop="verify_form",
        ),
        domain,
    )
    assert {"event": "slot", "name": "address", "value": None} in [
        {k: e.get(k) for k in ("event", "name", "value")} for e in events
    ]


# ---- limits and one open application a home (bot.services.applications) -------------------------


async def _apply(
    domain: dict[str, Any], address: str, phone: str, message: str = "b", sender: str = "tester"
) -> tuple[CollectingDispatcher, list[dict[str, Any]]]:
    """The resident's yes at the read-back of a 报停 without the 户号."""
    dispatcher = CollectingDispatcher()
    events = await ActionAfterVerification().run(
        dispatcher,
        tracker(
            user_turn("家里没人住 暖气报停", "apply_stop_heating", message_id=f"{message}-1"),
            user_turn("对", "affirm", message_id=message),
            slots={"address": address, "phone": phone, "details_confirmed": True},
            sender=sender,
        ),
        domain,
    )
    return dispatcher, events


async def test_past_the_limit_nothing_is_filed_the_other_ways_are_told_and_the_account_asked(
    store: str, domain: dict[str, Any]
) -> None:
    for n, address in enumerate(("阳光花园5号楼1单元302", "翠湖苑7号楼2单元1201")):
        dispatcher, _ = await _apply(domain, address, f"1390000000{n}", f"m{n}")
        said(dispatcher, "utter_stop_heating_filed_unverified")
    dispatcher, events = await _apply(domain, "幸福里小区3号楼2单元501", "13900000009", "m3")
    reply = said(dispatcher, LIMIT_REFUSAL)
    assert reply["hotline"] == policy().company.hotline
    assert texts(dispatcher) == [LIMIT_REFUSAL]
    assert len(_filed(store)) == 2
    # the proof comes next, and nothing the resident gave is dropped: the address and phone
    # stay for the 户号 path and for a person they may ask for (the hand-off's summary)
    assert has_event(events, "followup", "verify_form")
    assert not {"address", "phone"} & set(slot_values(events))
    # nor are the proof's slots cleared in this turn: the form would validate the cleared
    # values as answers and say the 户号 and the digits were wrong before asking for them
    assert not {"account_no", "phone_last4"} & set(slot_values(events))
    refused = tracker(
        user_turn("家里没人住 暖气报停", "apply_stop_heating", message_id="m3-1"),
        user_turn("对", "affirm", message_id="m3"),
        {"event": "bot", "text": "…", "metadata": {"utter_action": LIMIT_REFUSAL}},
        user_turn("我再想想", "inform", message_id="m4"),
        slots={"address": "幸福里小区3号楼2单元501", "phone": "13900000009"},
        active_loop="verify_form",
    )
    form = ValidateVerifyForm()
    asked = await form.required_slots(
        form.domain_slots(domain), CollectingDispatcher(), refused, domain
    )
    assert asked == ["account_no", "phone_last4", "details_confirmed"]


async def test_a_second_application_for_the_same_flat_discloses_nothing_and_files_nothing(
    store: str, domain: dict[str, Any]
) -> None:
    """A stranger applying for a flat someone else applied for must not learn that the flat
    has an open 报停 (it stands empty all winter), nor its number: their phone goes on the open
    ticket for the staff, and they hear only that it is noted."""
    first, _ = await _apply(domain, "阳光花园5号楼1单元302", "13900001111", sender="web-owner")
    number = said(first, "utter_stop_heating_filed_unverified")["ticket_no"]
    again, events = await _apply(domain, "阳光花园5-1-302", "13700002222", sender="prankster")
    reply = said(again, NOTED_FOR_STAFF)
    assert number not in str(again.messages)
    assert ALREADY_OPEN not in texts(again)
    assert reply["phone"] == "137****2222"
    assert texts(again) == [NOTED_FOR_STAFF]
    assert [t.ticket_no for t in _filed(store)] == [number]
    assert not has_event(events, "followup", "verify_form")


async def test_the_same_conversation_applying_again_is_told_its_own_application(
    store: str, domain: dict[str, Any]
) -> None:
    first, _ = await _apply(domain, "阳光花园5号楼1单元302", "13900001111", "m1", "web-owner")
    number = said(first, "utter_stop_heating_filed_unverified")["ticket_no"]
    again, _ = await _apply(domain, "阳光花园5号楼1单元302", "13900001111", "m2", "web-owner")
    assert said(again, ALREADY_OPEN)["ticket_no"] == number
    assert [t.ticket_no for t in _filed(store)] == [number]


async def test_a_number_given_with_the_request_is_proved_not_ignored(
    store: str, domain: dict[str, Any]
) -> None:
    """我家今年冬天不住了 想报停 户号0102345678: the number just sent is proved by its mobile's
    last four digits (then filed on the account), not answered with the address question that
    says a 户号 is welcome."""
    form = ValidateVerifyForm()
    given = tracker(
        user_turn("我家今年冬天不住了 想报停 户号0102345678", "apply_stop_heating"),
        active_loop="verify_form",
    )
    asked = await form.required_slots(
        form.domain_slots(domain), CollectingDispatcher(), given, domain
    )
    # proved, then read back (and a late one warned) before filing (players' J)
    assert asked == ["account_no", "phone_last4", "details_confirmed"]


async def test_a_proof_given_up_goes_on_without_the_number(
    store: str, domain: dict[str, Any]
) -> None:
    form = ValidateVerifyForm()
    for later in (
        [user_turn("尾号不记得了 手机早换了", "inform", message_id="m2")],
        [
            {"event": "bot", "text": "…", "metadata": {"utter_action": "utter_verify_failed"}},
            user_turn("1234", "inform", message_id="m2"),
        ],
    ):
        conversation = tracker(
            user_turn("想报停 户号0102345678", "apply_stop_heating"),
            *later,
            active_loop="verify_form",
        )
        asked = await form.required_slots(
            form.domain_slots(domain), CollectingDispatcher(), conversation, domain
        )
        assert asked[:2] == ["address", "phone"], later


async def test_a_request_without_a_number_is_asked_where(
    store: str, domain: dict[str, Any]
) -> None:
    form = ValidateVerifyForm()
    conversation = tracker(user_turn("想报停 房子今年没人住", "apply_stop_heating"))
    asked = await form.required_slots(
        form.domain_slots(domain), CollectingDispatcher(), conversation, domain
    )
    assert asked[:2] == ["address", "phone"]


async def test_a_resident_who_cannot_give_the_digits_is_not_told_it_is_off_topic(
    store: str, domain: dict[str, Any]
) -> None:
    from actions.conversation import ActionOutOfScope

    dispatcher = CollectingDispatcher()
    conversation = tracker(
        user_turn("尾号不记得了 手机早换了", "out_of_scope"), active_loop="verify_form"
    )
    await ActionOutOfScope().run(dispatcher, conversation, domain)
    assert "utter_out_of_scope" not in texts(dispatcher)


async def test_a_stop_in_the_season_hears_first_that_it_covers_next_winter(
    store: str, domain: dict[str, Any]
) -> None:
    """The pinned clock is 11-27, past the 11-14 deadline: before the address is asked, the
    resident learns this winter's fee stands, once; a meter visit hears no such thing."""
    ask = ActionAskVerifyFormAddress()
    dispatcher = CollectingDispatcher()
    stop = user_turn("今年冬天不在家住 想把暖气停了", "apply_stop_heating")
    await ask.run(dispatcher, tracker(stop, active_loop="verify_form"), domain)
    assert texts(dispatcher) == [LATE_NOTICE, "utter_ask_verify_form_address"]
    assert said(dispatcher, LATE_NOTICE)["start"] == "2027年11月15日"

    again = CollectingDispatcher()
    notice = {"event": "bot", "text": "…", "metadata": {"utter_action": LATE_NOTICE}}
    later = user_turn("这个不是地址吧", message_id="m2")
    await ask.run(again, tracker(stop, notice, later, active_loop="verify_form"), domain)
    assert texts(again) == ["utter_ask_verify_form_address"]

    meter = CollectingDispatcher()
    await ask.run(
        meter,
        tracker(user_turn("热表读数不对 想让人来看看", PROBLEM), active_loop="verify_form"),
        domain,
    )
    assert texts(meter) == ["utter_ask_verify_form_address"]


async def test_heating_wanted_back_is_never_drafted_as_a_stop(
    store: str, domain: dict[str, Any]
) -> None:
    """Players' pl-40: 今年我报停了…现在能不能恢复供暖, then 能在这直接帮我申请吗 (read as a 报停),
    was read back as 报停申请（2027年11月15日起的供暖季）: the opposite of the request."""
    dispatcher = CollectingDispatcher()
    events = await ValidateVerifyForm().run(
        dispatcher,
        tracker(
            user_turn(
                "今年我报停了，结果孩子要回来住，现在能不能恢复供暖？", "faq", message_id="a"
            ),
            user_turn("东风新村的，能在这直接帮我申请吗？", "apply_stop_heating", message_id="b"),
            active_loop="verify_form",
        ),
        domain,
    )
    said_texts = texts(dispatcher)
    assert "开栓" in said_texts[0]  # how heating comes back
    assert said_texts[-1] == "utter_heating_back_here"
    assert has_event(events, "active_loop", None)
    assert slot_values(events)["pending"] == "human"
    assert _filed(store) == []
