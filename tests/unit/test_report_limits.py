"""What one conversation's reports set in motion (red team R2, R6): urgent pages limited per
conversation and for the company, past them one suspected-flood hand-off instead of one urgent
hand-off a message; ordinary repairs limited per conversation; an urgent ticket completed from the
chat only where it is empty, another home getting its own urgent ticket.

The shipped Beijing policy: 4 urgent reports a conversation pages for in 24 hours, 20 pages for
the company in 15 minutes, 5 ordinary repairs a conversation in 24 hours. Counts come from the
store, so they are tested on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.orm import Session

from bot.handoff import queue, rules
from bot.policy import load_policy, repair_limit_reached, urgent_page_limit
from bot.services import tickets as ticket_service
from bot.services.tickets import TicketView
from bot.store import agents as agent_store
from bot.store import tickets as ticket_store
from bot.store.tickets import TicketDraft

POLICY = load_policy("beijing")
LIMITS = POLICY.report_limits
_keys = iter(range(10**6))


def _place(home: tuple[str, str, str, str, str]) -> dict[str, Any]:
    """A ticket's address columns: the text, community, building, unit and room."""
    return dict(zip(("address", "community", "building", "unit", "room"), home, strict=True))


def _urgent(
    session: Session,
    now: datetime,
    sender: str,
    channel: str = "socketio",
    address: tuple[str, str, str, str, str] | None = None,
    words: str = "家里暖气片爆了，水哗哗往外喷",
) -> TicketView:
    """An urgent report as the emergency action opens it: on the first message, mostly before
    any address is known (the red team's flood)."""
    place = _place(address) if address else {}
    draft = TicketDraft(
        kind="BX",
        channel=channel,
        sender_id=sender,
        dedup_key=f"BX:{channel}:{sender}:m{next(_keys)}",
        fault_type="leak",
        urgent=True,
        description=f"【紧急：漏水/爆管/冒汽】{words}",
        **place,
    )
    return ticket_service.open_ticket(session, POLICY, draft, now)


def _on_duty(session: Session, now: datetime) -> None:
    agent = agent_store.add_agent(session, "wang", "王芳", "agent", "hash", now)
    agent_store.touch(session, agent, now)


def _kinds(session: Session, ticket_no: str) -> list[str]:
    ticket = ticket_store.get_ticket(session, ticket_no)
    assert ticket is not None
    return [e.kind for e in ticket_store.events_of(session, ticket)]


# ------------------------------------------------------------------------------------ R2: pages


def test_the_rule_names_the_company_limit_first() -> None:
    assert urgent_page_limit(POLICY, by_sender=3, pages_company=19) is None
    assert urgent_page_limit(POLICY, by_sender=4, pages_company=0) == "urgent_per_sender"
    assert urgent_page_limit(POLICY, by_sender=9, pages_company=20) == "urgent_pages_company"
    assert not repair_limit_reached(POLICY, by_sender=4)
    assert repair_limit_reached(POLICY, by_sender=5)


def test_a_script_of_new_identities_fills_one_line_of_the_queue_not_its_top(
    session: Session, now: datetime, caplog: pytest.LogCaptureFixture
) -> None:
    """The red team's flood: one message from each of 60 new widget sessions. Before, 60 urgent
    tickets, 60 alerts and 60 urgent hand-offs; now every one is ticketed, 20 page, and the
    other 40 are one suspected-flood hand-off that lists them all."""
    _on_duty(session, now)
    wordings = [
        "家里暖气片爆了，水哗哗往外喷",
        "暖气管爆了，水喷得到处都是",
        "救命 暖气漏水 地上全是水",
        "楼道里全是热水，好像是暖气管子爆了",
    ]
    caplog.set_level(logging.WARNING, logger="bot.alerts.urgent")
    reports = [
        _urgent(session, now + timedelta(seconds=i), f"web:flood{i}", words=wordings[i % 4])
        for i in range(60)
    ]
    assert len({r.ticket_no for r in reports}) == 60  # every report has its ticket at once
    paged = [r for r in reports if "alert" in _kinds(session, r.ticket_no)]
    assert len(paged) == LIMITS.urgent_pages_company + 1  # 20 as today, one for the flood
    opened = queue.queue_alerts(session, POLICY, ("console",), now + timedelta(minutes=1))
    assert len(opened) == 21
    [flood] = [h for h in opened if h.reason == rules.FLOOD]
    assert flood.urgency == rules.URGENCY_URGENT  # a real report may be among them
    assert flood.ticket_no == reports[20].ticket_no
    listed = flood.summary["linked_reports"]
    assert listed == [r.ticket_no for r in reports[21:]]  # no address yet: the numbers
    assert {r.incident for r in reports[21:]} == {reports[20].ticket_no}
    [alert] = [r for r in caplog.records if r.name == "bot.alerts.urgent"]
    assert "urgent_pages_company" in alert.getMessage()
    assert "web:flood20" not in alert.getMessage()  # the conversation id masked


def test_a_household_with_two_bursts_and_a_carer_with_two_flats_page_every_time(
    session: Session, now: datetime
) -> None:
    """The numbers a real resident reaches: two bursts at home, then two at the flats they
    look after, each with its own page; a fifth urgent report that day leads a flood."""
    reports = [
        _urgent(session, now + timedelta(hours=h), "wechat:oCarer", "wechat", words=w)
        for h, w in enumerate(
            ["卫生间暖气片爆了", "又爆了一根管子 水往外冒", "我妈家暖气漏水了", "我婆婆家也跑水了"]
        )
    ]
    assert all("alert" in _kinds(session, r.ticket_no) for r in reports)
    fifth = _urgent(session, now + timedelta(hours=5), "wechat:oCarer", "wechat")
    kinds = _kinds(session, fifth.ticket_no)
    assert "flood" in kinds and "alert" in kinds  # its page is the flood's, one
    sixth = _urgent(session, now + timedelta(hours=5, minutes=1), "wechat:oCarer", "wechat")
    assert sixth.incident == fifth.ticket_no and "alert" not in _kinds(session, sixth.ticket_no)
    # once those reports have left the 24-hour window, the conversation pages again
    later = _urgent(session, now + timedelta(hours=30), "wechat:oCarer", "wechat")
    assert "flood" not in _kinds(session, later.ticket_no)


def test_a_flood_pages_again_after_the_company_window(session: Session, now: datetime) -> None:
    """At most one flood page a company window: a flood that goes on is paged for again, so a
    hand-off closed meanwhile does not hide what came after."""
    for i in range(LIMITS.urgent_pages_company):
        _urgent(session, now, f"web:s{i}")
    first = _urgent(session, now, "web:x1")
    window = timedelta(minutes=LIMITS.company_window_minutes)
    within = _urgent(session, now + window - timedelta(seconds=1), "web:x2")
    assert within.incident == first.ticket_no
    after = _urgent(session, now + window + timedelta(seconds=1), "web:x3")
    # the company's 20 pages left the window: this one pages as today
    assert after.incident is None and "flood" not in _kinds(session, after.ticket_no)


def test_a_real_residents_report_inside_a_flood_reaches_the_duty_team_with_its_address(
    session: Session, now: datetime
) -> None:
    _on_duty(session, now)
    for i in range(LIMITS.urgent_pages_company + 1):
        _urgent(session, now, f"web:bot{i}")
    mine = _urgent(session, now, "sms:13912345678", "sms", words="阳台暖气管爆了 水很大")
    assert mine.incident is not None
    ticket_service.amend_ticket(
        session,
        mine.ticket_no,
        now + timedelta(minutes=1),
        "user:sms",
        POLICY,
        address="和平里3号楼2单元201",
        community="和平里",
        building="3",
    )
    opened = queue.queue_alerts(session, POLICY, ("console",), now + timedelta(minutes=2))
    [flood] = [h for h in opened if h.reason == rules.FLOOD]
    assert f"{mine.ticket_no} 和平里3号楼2单元201" in flood.summary["linked_reports"]


def test_reports_of_one_building_still_join_their_incident_during_a_flood(
    session: Session, now: datetime
) -> None:
    """A neighbour's report of a burst already paged for joins that incident (no page, no
    flood): the flood takes only what would page."""
    home = ("阳光花园5号楼1单元302", "阳光花园", "5", "1", "302")
    lead = _urgent(session, now, "web:first", address=home)
    for i in range(LIMITS.urgent_pages_company):
        _urgent(session, now, f"web:bot{i}")
    other = ("阳光花园5号楼2单元402", "阳光花园", "5", "2", "402")
    neighbour = _urgent(session, now + timedelta(minutes=1), "web:neighbour", address=other)
    assert neighbour.incident == lead.ticket_no
    assert "flood" not in _kinds(session, neighbour.ticket_no)


def test_a_retried_message_pages_once_and_joins_the_flood_once(
    session: Session, now: datetime
) -> None:
    for i in range(LIMITS.urgent_pages_company + 1):
        _urgent(session, now, f"web:bot{i}")
    draft = TicketDraft(
        kind="BX", channel="wechat", sender_id="o1", dedup_key="BX:wechat:o1:m1", urgent=True
    )
    first = ticket_service.open_ticket(session, POLICY, draft, now)
    again = ticket_service.open_ticket(session, POLICY, draft, now)
    assert first == again
    kinds = _kinds(session, first.ticket_no)
    assert kinds.count("flood") == 1 and kinds.count("linked") == 1 and "alert" not in kinds


# ---------------------------------------------------------------------------------- R2: repairs


def _repair(session: Session, now: datetime, sender: str, key: str) -> TicketView | None:
    draft = TicketDraft(
        kind="BX",
        channel=sender.split(":")[0],
        sender_id=sender,
        dedup_key=key,
        fault_type="no_heat",
        address="阳光花园5号楼1单元302",
        phone="13812345678",
    )
    return ticket_service.open_repair(session, POLICY, draft, now)


def test_a_conversations_sixth_repair_in_a_day_is_not_filed_and_the_operators_are_told(
    session: Session, now: datetime, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="bot.alerts.repairs")
    me = "sms:13912345678"
    filed = [_repair(session, now + timedelta(minutes=i), me, f"k{i}") for i in range(5)]
    assert all(t is not None for t in filed)
    # withdrawing one makes no room: it was filed
    first = filed[0]
    assert first is not None
    ticket_service.cancel_own_ticket(session, first.ticket_no, "sms", me, now)
    assert _repair(session, now + timedelta(hours=1), me, "k5") is None
    [alert] = [r for r in caplog.records if r.name == "bot.alerts.repairs"]
    assert "repairs_per_sender" in alert.getMessage() and "13912345678" not in alert.getMessage()
    # a retried message gets its ticket back; another conversation and the next day are free
    assert _repair(session, now + timedelta(hours=1), me, "k4") == filed[4]
    assert _repair(session, now + timedelta(hours=1), "sms:13700001111", "j0") is not None
    assert _repair(session, now + timedelta(hours=25), me, "k6") is not None


def test_urgent_tickets_do_not_count_as_repairs(session: Session, now: datetime) -> None:
    for _ in range(4):
        _urgent(session, now, "rest:m1", "rest")
    assert _repair(session, now, "rest:m1", "k0") is not None


# ------------------------------------------------------------------------- R6: completing tickets

HOME_A = ("翠湖苑1号楼1单元101", "翠湖苑", "1", "1", "101")
HOME_B = ("东风新村2号楼1单元101", "东风新村", "2", "1", "101")


def test_another_homes_address_opens_a_linked_urgent_ticket_and_leaves_the_first(
    session: Session, now: datetime
) -> None:
    """The red team's rt-urg4: 翠湖苑 filed, then 另一套房子暖气管也爆了，在东风新村… The first
    ticket was moved to 东风新村; now it keeps 翠湖苑 and 东风新村 has its own urgent ticket."""
    first = _urgent(session, now, "rest:urg4", "rest", address=HOME_A)
    done = ticket_service.complete_urgent(
        session,
        POLICY,
        first.ticket_no,
        "rest",
        "rest:urg4",
        now,
        "另一套房子暖气管也爆了，在东风新村2号楼1单元101，水一直在流",
        "BX:rest:urg4:m2",
        **_place(HOME_B),
    )
    assert done.earlier == first.ticket_no and done.ticket.ticket_no != first.ticket_no
    assert done.ticket.urgent and done.ticket.address == HOME_B[0]
    kept = ticket_store.get_ticket(session, first.ticket_no)
    assert kept is not None and (kept.address, kept.community) == HOME_A[:2]
    assert "related" in _kinds(session, first.ticket_no)
    second = _kinds(session, done.ticket.ticket_no)
    assert "related" in second and "alert" in second  # its own page: another burst
    # the same message again (a channel's retry) finds that ticket, related once
    again = ticket_service.complete_urgent(
        session,
        POLICY,
        first.ticket_no,
        "rest",
        "rest:urg4",
        now,
        "…",
        "BX:rest:urg4:m2",
        **_place(HOME_B),
    )
    assert again.ticket.ticket_no == done.ticket.ticket_no
    assert _kinds(session, first.ticket_no).count("related") == 1


@pytest.mark.parametrize(
    "given",
    [
        {"phone": "13700001111"},  # another number for the same ticket
        {"address": "翠湖苑1号楼1单元101室"},  # the same flat, said another way
        {"address": "翠湖苑1号楼", "community": "翠湖苑", "building": "1"},  # less of it
    ],
)
def test_details_already_on_the_ticket_are_never_overwritten(
    session: Session, now: datetime, given: dict[str, Any]
) -> None:
    first = _urgent(session, now, "rest:u", "rest", address=HOME_A)
    ticket_service.amend_ticket(session, first.ticket_no, now, "user:rest", phone="13812340000")
    done = ticket_service.complete_urgent(
        session, POLICY, first.ticket_no, "rest", "rest:u", now, "…", **given
    )
    assert done.earlier is None and done.ticket.ticket_no == first.ticket_no
    assert (done.ticket.address, done.ticket.phone) == (HOME_A[0], "13812340000")


def test_a_differing_phone_goes_on_as_a_note_for_the_dispatcher(
    session: Session, now: datetime
) -> None:
    first = _urgent(session, now, "sms:13912345678", "sms", address=HOME_A)
    ticket_service.amend_ticket(session, first.ticket_no, now, "user:sms", phone="13912345678")
    done = ticket_service.complete_urgent(
        session, POLICY, first.ticket_no, "sms", "sms:13912345678", now, "…", phone="13700001111"
    )
    assert done.noted and done.ticket.phone == "13912345678"
    ticket = ticket_store.get_ticket(session, first.ticket_no)
    assert ticket is not None
    notes = [e.detail for e in ticket_store.events_of(session, ticket) if e.kind == "note"]
    assert notes and "13700001111" in notes[-1]["text"]


def test_empty_fields_are_filled_and_a_fuller_address_of_the_same_home_is_taken(
    session: Session, now: datetime
) -> None:
    first = _urgent(session, now, "rest:u", "rest")
    done = ticket_service.complete_urgent(
        session,
        POLICY,
        first.ticket_no,
        "rest",
        "rest:u",
        now,
        "…",
        address="翠湖苑1号楼",
        community="翠湖苑",
        building="1",
        phone="13812345678",
    )
    assert (done.ticket.address, done.ticket.phone) == ("翠湖苑1号楼", "13812345678")
    fuller = ticket_service.complete_urgent(
        session, POLICY, first.ticket_no, "rest", "rest:u", now, "…", **_place(HOME_A)
    )
    assert fuller.earlier is None and fuller.ticket.address == HOME_A[0]


def test_only_the_conversation_that_filed_an_urgent_ticket_completes_or_continues_it(
    session: Session, now: datetime
) -> None:
    """A bound conversation (binding by guessed digits, red team R1) saw the owner's urgent
    ticket and moved it; now its words get a ticket of its own, with nothing copied."""
    owner = _urgent(session, now, "sms:13812345678", "sms", address=HOME_A)
    ticket_service.amend_ticket(session, owner.ticket_no, now, "user:sms", phone="13812345678")
    assert ticket_service.own_open_urgent(session, "rest", "rest:stranger") is None
    done = ticket_service.complete_urgent(
        session,
        POLICY,
        owner.ticket_no,
        "rest",
        "rest:stranger",
        now,
        "水管爆了",
        "BX:rest:stranger:m1",
        **_place(HOME_B),
    )
    assert done.ticket.ticket_no != owner.ticket_no and done.ticket.phone is None
    kept = ticket_store.get_ticket(session, owner.ticket_no)
    assert kept is not None and (kept.address, kept.phone) == (HOME_A[0], "13812345678")
    assert ticket_service.own_open_urgent(session, "sms", "sms:13812345678") is not None
