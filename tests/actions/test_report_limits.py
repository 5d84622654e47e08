"""After an emergency is detected (red team R2, R6, R9): the numbers always at once, a page per
report only within the report limits, another home's emergency its own urgent ticket, a bound
account's ticket never continued, nothing said that tells a stranger a neighbour reported, and a
conversation's repairs limited a day with the hotline and a person offered past it.

The detector is not tested here (bot/nlu/emergency*.py); the messages are marked as the NLU marks
them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import _complete_urgent_ticket
from actions.emergency import ActionEmergency
from actions.repair import ActionSubmitRepair, _complete_urgent_now
from bot.nlu.emergency import detect_emergency
from bot.policy import load_policy
from bot.services import tickets as ticket_service
from bot.store.db import session_scope
from bot.store.models import Binding, Ticket, TicketEvent
from bot.store.tickets import TicketDraft

from .conftest import NOW, said, slot_values, texts, tracker, user_turn

POLICY = load_policy()


def _marked(text: str, message_id: str = "m1", **kwargs: Any) -> dict[str, Any]:
    turn = user_turn(text, "out_of_scope", message_id=message_id, **kwargs)
    found = detect_emergency(text)
    assert found is not None, text
    turn["parse_data"]["emergency"] = found.as_dict()
    return turn


def _tickets(url: str, sender: str = "tester") -> list[Ticket]:
    with session_scope(url) as session:
        rows = session.query(Ticket).filter_by(sender_id=sender).order_by(Ticket.id).all()
        session.expunge_all()
        return rows


def _events(url: str, ticket_no: str) -> list[str]:
    with session_scope(url) as session:
        ticket = session.query(Ticket).filter_by(ticket_no=ticket_no).one()
        return [e.kind for e in session.query(TicketEvent).filter_by(ticket_id=ticket.id)]


FLOOD_WORDS = [
    "家里暖气片爆了，水哗哗往外喷",  # the red team's
    "暖气管爆了，水喷得到处都是",
    "快来人啊 暖气漏水了 地上全是水",
    "楼道里全是热水，好像是暖气管子爆了",
]


async def test_a_flood_of_new_identities_gets_the_numbers_and_tickets_but_one_page_past_the_limit(
    store: str, domain: dict[str, Any]
) -> None:
    """R2: 30 new identities, one message each. Every one hears the valves and the 24-hour
    number first, a ticket number and the same words about the duty team; the company's 20
    pages go out, and the other ten are one suspected flood (one page) instead of ten."""
    duty = POLICY.emergency.duty_phone
    for i in range(30):
        dispatcher = CollectingDispatcher()
        turn = _marked(FLOOD_WORDS[i % 4], message_id=f"f{i}", channel="socketio")
        await ActionEmergency().run(dispatcher, tracker(turn, sender=f"web:s{i}"), domain)
        assert texts(dispatcher)[:3] == [
            "utter_emergency_water",
            "utter_emergency_ticket",
            "utter_emergency_alerted",  # a flooded report hears what a paged one hears
        ]
        assert said(dispatcher, "utter_emergency_water")["duty_phone"] == duty
    with session_scope(store) as session:
        urgent = session.query(Ticket).filter_by(urgent=True).count()
        alerts = session.query(TicketEvent).filter_by(kind="alert").count()
    assert urgent == 30  # nothing a resident reported is dropped
    assert alerts == POLICY.report_limits.urgent_pages_company + 1


def _first_urgent(url: str) -> str:
    """The conversation's urgent ticket for 翠湖苑, completed with address and phone."""
    with session_scope(url) as session:
        return ticket_service.open_ticket(
            session,
            POLICY,
            TicketDraft(
                kind="BX",
                channel="rest",
                sender_id="tester",
                urgent=True,
                fault_type="leak",
                address="翠湖苑1号楼1单元101",
                community="翠湖苑",
                building="1",
                unit="1",
                room="101",
                phone="13800138004",
            ),
            NOW,
        ).ticket_no


async def test_a_second_emergency_at_another_address_gets_its_own_urgent_ticket(
    store: str, domain: dict[str, Any]
) -> None:
    """R6 (rt-urg4): 翠湖苑 filed and completed, then the same conversation reports another
    flat. The first ticket keeps 翠湖苑; 东风新村 has its own urgent ticket, and the resident
    hears both numbers."""
    first = _first_urgent(store)
    texts_of = [
        ("另一套房子暖气管也爆了，在东风新村2号楼1单元101，水一直在流", "东风新村"),
        ("我妈那边和平里3号楼2单元201暖气片也爆了 水往下淌", "和平里"),
        ("还有一处！！金色家园6号楼1单元502的暖气管漏水了，哗哗的", "金色家园"),
        ("麻烦再派一组人 阳光花园8号楼3单元301 那边暖气爆管了", "阳光花园"),
    ]
    for n, (text, community) in enumerate(texts_of):
        dispatcher = CollectingDispatcher()
        events = await ActionEmergency().run(
            dispatcher,
            tracker(
                _marked(text, message_id=f"x{n}"),
                slots={"urgent_ticket_no": first, "address": "翠湖苑1号楼1单元101"},
            ),
            domain,
        )
        newest = _tickets(store)[-1]
        assert newest.ticket_no != first and newest.community == community, text
        assert newest.urgent and newest.phone == "13800138004"  # the crew can call
        told = said(dispatcher, "utter_urgent_other_place")
        assert (told["ticket_no"], told["earlier"]) == (newest.ticket_no, first)
        assert texts(dispatcher)[0] == "utter_emergency_water"  # the numbers still first
        assert slot_values(events)["urgent_ticket_no"] == newest.ticket_no
        # the form goes on with the new place: 翠湖苑 is not the new ticket's answer
        assert slot_values(events)["address"] == newest.address
        assert "related" in _events(store, newest.ticket_no)
    kept = _tickets(store)[0]
    assert (kept.ticket_no, kept.address, kept.community) == (
        first,
        "翠湖苑1号楼1单元101",
        "翠湖苑",
    )


@pytest.mark.parametrize(
    ("reply", "community"),
    [
        ("东风新村2号楼1单元101", "东风新村"),
        ("地址是和平里3号楼2单元201", "和平里"),
        ("哦对了 这是我妈家 金色家园6号楼1单元502", "金色家园"),
        ("在阳光花园8号楼3单元301，电话13900001234", "阳光花园"),
    ],
)
async def test_an_address_of_another_home_after_the_emergency_opens_its_own_ticket(
    reply: str, community: str, store: str
) -> None:
    """R6 where the person and gas paths take the next message's address (ActionHandleInform):
    it used to overwrite the urgent ticket's address, whatever it was."""
    first = _first_urgent(store)
    dispatcher = CollectingDispatcher()
    t = tracker(user_turn(reply, message_id="r1"), slots={"urgent_ticket_no": first})
    events = await _complete_urgent_ticket(dispatcher, t, first)
    assert events is not None
    second = slot_values(events)["urgent_ticket_no"]
    assert second != first
    assert said(dispatcher, "utter_urgent_other_place")["earlier"] == first
    assert said(dispatcher, "utter_urgent_repair_updated")["ticket_no"] == second
    new = _tickets(store)[-1]
    assert (new.ticket_no, new.community, new.urgent) == (second, community, True)
    kept = _tickets(store)[0]
    assert (kept.address, kept.phone) == ("翠湖苑1号楼1单元101", "13800138004")


@pytest.mark.parametrize(
    ("answer", "expect_new"),
    [
        ("东风新村2号楼1单元101", True),
        ("和平里3号楼2单元201", True),
        ("翠湖苑1号楼1单元101", False),  # the same flat again
        ("翠湖苑1号楼", False),  # less of it
    ],
)
async def test_the_repair_forms_answer_fills_the_urgent_ticket_only_where_empty(
    answer: str, expect_new: bool, store: str
) -> None:
    """R6 where the repair form's accepted address is written into the urgent ticket at once."""
    first = _first_urgent(store)
    dispatcher = CollectingDispatcher()
    accepted = [{"event": "slot", "name": "address", "value": answer}]
    events = await _complete_urgent_now(
        dispatcher,
        tracker(user_turn(answer, message_id="a1"), slots={"urgent_ticket_no": first}),
        accepted,
    )
    assert bool(events) == expect_new
    assert ("utter_urgent_other_place" in texts(dispatcher)) == expect_new
    kept = _tickets(store)[0]
    assert (kept.address, kept.phone) == ("翠湖苑1号楼1单元101", "13800138004")


async def test_a_bound_conversation_does_not_continue_the_households_urgent_ticket(
    store: str, domain: dict[str, Any]
) -> None:
    """R6 with R1: a stranger bound to 张伟's account (digits guessed) reported an emergency and
    was handed 张伟's urgent SMS ticket, which its address then moved. Now it gets its own."""
    with session_scope(store) as session:
        owners = ticket_service.open_ticket(
            session,
            POLICY,
            TicketDraft(
                kind="BX",
                channel="sms",
                sender_id="sms:13812345678",
                account_no="0102345678",
                urgent=True,
                fault_type="leak",
                address="阳光花园5号楼1单元302",
                community="阳光花园",
                building="5",
                phone="13812345678",
            ),
            NOW,
        ).ticket_no
        session.add(
            Binding(channel="rest", sender_id="tester", account_no="0102345678", created_at=NOW)
        )
    for n, text in enumerate(["水管爆了 水喷出来了", "暖气片爆了，到处是水", "家里跑水了！"]):
        dispatcher = CollectingDispatcher()
        events = await ActionEmergency().run(
            dispatcher, tracker(_marked(text, message_id=f"b{n}")), domain
        )
        assert slot_values(events)["urgent_ticket_no"] != owners
    [mine] = _tickets(store)  # its own, opened once and continued after
    assert mine.phone is None and mine.address is None  # nothing copied from 张伟's
    [kept] = _tickets(store, "sms:13812345678")
    assert (kept.ticket_no, kept.address, kept.phone) == (
        owners,
        "阳光花园5号楼1单元302",
        "13812345678",
    )


def _neighbours_report(url: str, community: str, building: str) -> None:
    """Another household's urgent report of a burst in that building, five minutes ago."""
    with session_scope(url) as session:
        ticket_service.open_ticket(
            session,
            POLICY,
            TicketDraft(
                kind="BX",
                channel="wechat",
                sender_id="neighbour",
                fault_type="leak",
                urgent=True,
                community=community,
                building=building,
            ),
            NOW - timedelta(minutes=5),
        )


NEIGHBOUR_WORDS = [
    ("暖气管爆了，屋里全是水！阳光花园5号楼1单元302", "阳光花园5号楼1单元302"),  # the first
    ("阳光花园5号楼2单元402 我家暖气片也爆了 水往外喷", "阳光花园5号楼2单元402"),
    ("楼上漏下来好多热水 阳光花园5号楼3单元101", "阳光花园5号楼3单元101"),
    ("阳光花园5号楼1单元201 暖气管子裂了 一直在冒水", "阳光花园5号楼1单元201"),
]


@pytest.mark.parametrize(("text", "address"), NEIGHBOUR_WORDS)
async def test_a_report_joining_a_neighbours_is_not_told_that_a_neighbour_reported(
    text: str, address: str, store: str, domain: dict[str, Any]
) -> None:
    """R9: 您楼里刚才已有住户报告了这处险情 told a stranger who typed an address that someone
    in that building had reported. A report that joins an incident now hears what a report
    that leads one hears."""
    _neighbours_report(store, "阳光花园", "5")
    dispatcher = CollectingDispatcher()
    await ActionEmergency().run(
        dispatcher, tracker(_marked(text), slots={"address": address}), domain
    )
    (mine,) = _tickets(store)
    assert "linked" in _events(store, mine.ticket_no)  # still one hand-off for the burst
    assert texts(dispatcher)[1:] == ["utter_emergency_ticket", "utter_emergency_alerted"]


async def test_where_an_emergency_stop_is_published_the_joined_report_may_hear_it(
    store: str, domain: dict[str, Any]
) -> None:
    """幸福里小区's 主管线爆管抢修 is published (demo data): saying the place's emergency is known
    tells nothing the notice does not."""
    _neighbours_report(store, "幸福里小区", "3")
    dispatcher = CollectingDispatcher()
    text = "幸福里小区3号楼2单元501 家里暖气片漏水 地上好多水"
    await ActionEmergency().run(dispatcher, tracker(_marked(text)), domain)
    assert "utter_emergency_incident_known" in texts(dispatcher)


def _repair_tracker(n: int) -> Any:
    return tracker(
        user_turn("暖气不热", "report_repair", message_id=f"r{n}"),
        slots={
            "fault_type": "no_heat",
            "address": f"阳光花园5号楼1单元{n + 1}02",
            "phone": "13812345678",
            "visit_time": "2026-11-28T08:00:00+08:00/2026-11-28T12:00:00+08:00",
            "details_confirmed": True,
        },
    )


async def test_past_the_repair_limit_nothing_is_filed_and_the_hotline_and_a_person_are_offered(
    store: str, domain: dict[str, Any]
) -> None:
    """R2's ordinary half: one conversation filed repairs for flat after flat. The sixth in a
    day is not filed; the resident is offered the hotline and 转人工, and the fault, address and
    phone stay for the person (no slot is cleared)."""
    for n in range(POLICY.report_limits.repairs_per_sender):
        dispatcher = CollectingDispatcher()
        await ActionSubmitRepair().run(dispatcher, _repair_tracker(n), domain)
        said(dispatcher, "utter_repair_created")
    dispatcher = CollectingDispatcher()
    events = await ActionSubmitRepair().run(dispatcher, _repair_tracker(9), domain)
    assert texts(dispatcher) == ["utter_repair_limit"]
    assert said(dispatcher, "utter_repair_limit")["hotline"] == POLICY.company.hotline
    assert len(_tickets(store)) == POLICY.report_limits.repairs_per_sender
    kept = slot_values(events)
    assert not {"address", "phone", "fault_type"} & set(kept)
    text = " ".join(v["text"] for v in domain["responses"]["utter_repair_limit"])
    assert "转人工" in text and "{hotline}" in text


@pytest.mark.parametrize(
    "reply",
    ["能不能先把楼里的阀门关了 水还在流", "单元里的总阀在哪", "楼道里全是水 快点"],
)
async def test_a_part_of_the_building_is_no_other_place(reply: str, store: str) -> None:
    """ang-014: 能不能先把楼里的阀门关了, sent after the urgent report, was read as a community
    "能先把楼里" and opened a second urgent ticket there."""
    first = _first_urgent(store)
    dispatcher = CollectingDispatcher()
    t = tracker(user_turn(reply, message_id="b1"), slots={"urgent_ticket_no": first})
    await _complete_urgent_ticket(dispatcher, t, first)
    assert "utter_urgent_other_place" not in texts(dispatcher)
    assert [ticket.ticket_no for ticket in _tickets(store)] == [first]


async def test_the_same_message_read_twice_opens_one_other_place(store: str) -> None:
    """The emergency action and the form both read the message naming another place: the second
    reading found the new ticket and told "您先报的紧急工单 <the new one> 不变" twice more."""
    first = _first_urgent(store)
    reply = "东风新村2号楼1单元101"
    opened = CollectingDispatcher()
    events = await _complete_urgent_ticket(
        opened, tracker(user_turn(reply, message_id="p1"), slots={"urgent_ticket_no": first}), first
    )
    assert events is not None
    second = slot_values(events)["urgent_ticket_no"]
    again = CollectingDispatcher()
    await _complete_urgent_ticket(
        again,
        tracker(user_turn(reply, message_id="p1"), slots={"urgent_ticket_no": second}),
        second,
    )
    assert "utter_urgent_other_place" not in texts(again)
    assert len(_tickets(store)) == 2
