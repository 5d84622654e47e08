"""Applications filed without the 户号 (`bot.services.applications`): the limits per conversation
and per contact phone, one open application a home, and staff's word on the ownership.

A prankster or a script could file dozens of 报停 and 查表 applications for other people's
addresses, each costing a staff call, and a 报停 for a neighbour's flat. These tests drive the
service as the action does, with the shipped Beijing policy (2 a conversation and 2 a phone in
24 hours), on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.policy import Policy, load_policy, unverified_application_limit
from bot.services import applications as service
from bot.services.deadlines import MET, PENDING, outcome
from bot.services.tickets import cancel_own_ticket, open_ticket
from bot.store.db import session_scope
from bot.store.errors import InvalidInput
from bot.store.models import Ticket
from bot.store.tickets import TicketDraft, events_of, get_ticket

HOMES = {
    "a": ("阳光花园5号楼1单元302", "阳光花园", "5", "1", "302"),
    "b": ("翠湖苑7号楼2单元1201", "翠湖苑", "7", "2", "1201"),
    "c": ("幸福里小区3号楼2单元501", "幸福里小区", "3", "2", "501"),
    "d": ("东风新村12号楼3单元601", "东风新村", "12", "3", "601"),
}


@pytest.fixture
def bj() -> Policy:
    return load_policy("beijing", fresh=True)


_keys = iter(range(10**6))


def draft(
    home: str = "a",
    sender: str = "rest:prankster",
    phone: str = "13900001111",
    kind: str = "BT",
    channel: str = "rest",
    **fields: Any,
) -> TicketDraft:
    """An application as the action builds it: address parts, no account, one message's key."""
    address, community, building, unit, room = HOMES[home]
    values: dict[str, Any] = {
        "address": address,
        "community": community,
        "building": building,
        "unit": unit,
        "room": room,
        **fields,
    }
    return TicketDraft(
        kind=kind,
        channel=channel,
        sender_id=sender,
        dedup_key=f"{kind}:{channel}:{sender}:m{next(_keys)}",
        phone=phone,
        description="用户在线申请报停（产权未核实）",
        **values,
    )


def _count(session: Session) -> int:
    return int(session.execute(select(func.count(Ticket.id))).scalar_one())


# ---- the limits ----------------------------------------------------------------------------------


def test_a_conversation_files_two_a_day_and_the_third_is_refused_with_nothing_filed(
    session: Session, bj: Policy, now: datetime
) -> None:
    first = service.file_unverified(session, bj, draft("a", phone="13900000001"), now)
    second = service.file_unverified(
        session, bj, draft("b", kind="CB", phone="13900000002"), now + timedelta(hours=1)
    )
    assert (first.outcome, second.outcome) == (service.FILED, service.FILED)
    third = service.file_unverified(
        session, bj, draft("c", phone="13900000003"), now + timedelta(hours=2)
    )
    assert third == service.Filing(service.LIMITED, limit="max_per_sender")
    assert _count(session) == 2
    # the window rolls: a day after the first, one more may be filed
    later = service.file_unverified(
        session, bj, draft("c", phone="13900000003"), now + timedelta(hours=24, minutes=1)
    )
    assert later.outcome == service.FILED


def test_one_contact_phone_is_limited_whichever_conversations_give_it(
    session: Session, bj: Policy, now: datetime
) -> None:
    """A script rotating free identities (REST senders, widget sockets) with one phone."""
    for home, sender in (("a", "rest:bot-1"), ("b", "web:bot-2")):
        filed = service.file_unverified(session, bj, draft(home, sender=sender), now)
        assert filed.outcome == service.FILED
    refused = service.file_unverified(session, bj, draft("c", sender="wechat:bot-3"), now)
    assert (refused.outcome, refused.limit) == (service.LIMITED, "max_per_phone")
    assert _count(session) == 2


def test_withdrawn_applications_still_count(session: Session, bj: Policy, now: datetime) -> None:
    """Filing and withdrawing must not make room for more calls."""
    for home, phone in (("a", "13900000001"), ("b", "13900000002")):
        filed = service.file_unverified(session, bj, draft(home, phone=phone), now)
        assert filed.ticket is not None
        cancel_own_ticket(session, filed.ticket.ticket_no, "rest", "rest:prankster", now)
    refused = service.file_unverified(session, bj, draft("c", phone="13900000009"), now)
    assert refused.outcome == service.LIMITED


def test_applications_filed_with_the_account_do_not_count(
    session: Session, bj: Policy, now: datetime
) -> None:
    """A verified household's 报停 costs no ownership call: only the unverified ones count."""
    for _ in range(3):
        open_ticket(
            session, bj, TicketDraft("BT", "rest", "rest:prankster", account_no="0102345678"), now
        )
    assert service.file_unverified(session, bj, draft("a"), now).outcome == service.FILED


def test_a_refusal_alerts_the_operators_with_the_phone_masked(
    session: Session, bj: Policy, now: datetime, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot")
    for home in ("a", "b", "c"):
        service.file_unverified(session, bj, draft(home, sender=f"rest:bot-{home}"), now)
    alerts = [r for r in caplog.records if r.name == "bot.alerts.applications"]
    assert len(alerts) == 1 and alerts[0].levelno == logging.WARNING
    message = alerts[0].getMessage()
    assert "max_per_phone" in message and "139****1111" in message
    # no record of the service, filed or refused, carries the whole number: masked by the
    # service itself, not only by the process's masking record factory (bot.privacy)
    assert all("13900001111" not in r.getMessage() for r in caplog.records)
    assert all("13900001111" not in repr(r.args) for r in caplog.records)


def test_the_rule_names_the_senders_limit_first(bj: Policy) -> None:
    assert unverified_application_limit(bj, by_sender=1, by_phone=1) is None
    assert unverified_application_limit(bj, by_sender=2, by_phone=0) == "max_per_sender"
    assert unverified_application_limit(bj, by_sender=1, by_phone=2) == "max_per_phone"
    assert unverified_application_limit(bj, by_sender=5, by_phone=5) == "max_per_sender"


# ---- one open application a home -----------------------------------------------------------------


def test_a_second_application_for_the_same_home_is_not_filed_and_names_the_open_one(
    session: Session, bj: Policy, now: datetime
) -> None:
    first = service.file_unverified(session, bj, draft("a", sender="web:owner"), now)
    assert first.ticket is not None
    # another conversation, the flat written without its unit, another phone
    again = service.file_unverified(
        session, bj, draft("a", sender="rest:neighbour", phone="13700002222", unit=None), now
    )
    assert again.outcome == service.OPEN_ALREADY and not again.own
    assert again.ticket is not None and again.ticket.ticket_no == first.ticket.ticket_no
    assert again.noted  # the new contact goes on the open ticket for the call
    assert _count(session) == 1
    # asked a third time by the same conversation: named again, no second note
    third = service.file_unverified(
        session, bj, draft("a", sender="rest:neighbour", phone="13700002222"), now
    )
    assert third.outcome == service.OPEN_ALREADY and not third.noted
    row = get_ticket(session, first.ticket.ticket_no)
    assert row is not None
    notes = [e for e in events_of(session, row) if e.kind == "note"]
    assert len(notes) == 1 and notes[0].detail["phone"] == "13700002222"
    # the owner's own second try hears it is theirs
    own = service.file_unverified(session, bj, draft("a", sender="web:owner"), now)
    assert own.outcome == service.OPEN_ALREADY and own.own and not own.noted


def test_another_kind_or_another_flat_is_filed_and_a_closed_one_does_not_block(
    session: Session, bj: Policy, now: datetime
) -> None:
    stop = service.file_unverified(
        session, bj, draft("a", sender="web:1", phone="13600000001"), now
    )
    meter = service.file_unverified(
        session, bj, draft("a", sender="web:2", phone="13600000002", kind="CB"), now
    )
    other_room = service.file_unverified(
        session, bj, draft("a", sender="web:3", phone="13600000003", room="402"), now
    )
    assert [f.outcome for f in (stop, meter, other_room)] == [service.FILED] * 3
    assert stop.ticket is not None
    cancel_own_ticket(session, stop.ticket.ticket_no, "rest", "web:1", now)
    again = service.file_unverified(
        session, bj, draft("a", sender="web:4", phone="13600000004"), now
    )
    assert again.outcome == service.FILED


def test_an_open_application_filed_with_the_account_blocks_an_unverified_one_too(
    session: Session, bj: Policy, now: datetime
) -> None:
    owners = open_ticket(
        session,
        bj,
        TicketDraft("BT", "wechat", "wechat:owner", account_no="0102345678", **_parts("a")),
        now,
    )
    again = service.file_unverified(session, bj, draft("a"), now)
    assert again.outcome == service.OPEN_ALREADY
    assert again.ticket is not None and again.ticket.ticket_no == owners.ticket_no


def _parts(home: str) -> dict[str, str]:
    address, community, building, unit, room = HOMES[home]
    return {
        "address": address,
        "community": community,
        "building": building,
        "unit": unit,
        "room": room,
    }


def test_a_retried_message_gets_its_own_ticket_back(
    session: Session, bj: Policy, now: datetime
) -> None:
    """A channel's retry is neither a second application for the home nor over a limit."""
    once = draft("a")
    first = service.file_unverified(session, bj, once, now)
    service.file_unverified(session, bj, draft("b", phone="13900000002"), now)
    retry = service.file_unverified(session, bj, once, now + timedelta(seconds=5))
    assert retry.outcome == service.FILED and retry.ticket == first.ticket
    assert _count(session) == 2


def test_an_address_the_parser_did_not_read_is_matched_as_written(
    session: Session, bj: Policy, now: datetime
) -> None:
    village: dict[str, Any] = {"community": None, "building": None, "unit": None, "room": None}
    first = service.file_unverified(
        session, bj, draft(sender="web:1", address="城南村东头第三家", **village), now
    )
    again = service.file_unverified(
        session,
        bj,
        draft(sender="web:2", phone="13700000002", address=" 城南村东头第三家", **village),
        now,
    )
    assert first.outcome == service.FILED and again.outcome == service.OPEN_ALREADY


@pytest.mark.postgres
def test_parallel_applications_for_one_home_file_one_ticket(
    postgres_store_url: str, bj: Policy, now: datetime, wait_for_lock_wait: Callable[[str], None]
) -> None:
    """Two replicas filing the same flat at once: the second waits, then finds the first."""
    first = session_scope(postgres_store_url)
    opened = first.__enter__()
    assert service.file_unverified(opened, bj, draft("a", sender="web:1"), now).outcome == "filed"
    seen: list[service.Filing] = []

    def second() -> None:
        with session_scope(postgres_store_url) as other:
            seen.append(
                service.file_unverified(
                    other, bj, draft("a", sender="web:2", phone="13700000002"), now
                )
            )

    racer = threading.Thread(target=second)
    racer.start()
    wait_for_lock_wait(postgres_store_url)
    first.__exit__(None, None, None)
    racer.join(timeout=10)
    assert [f.outcome for f in seen] == [service.OPEN_ALREADY]


# ---- staff's word on the ownership ---------------------------------------------------------------


def _filed(session: Session, bj: Policy, now: datetime, **kw: Any) -> str:
    filing = service.file_unverified(session, bj, draft(**kw), now, account_given="0102345678")
    assert filing.ticket is not None
    return filing.ticket.ticket_no


def test_the_history_says_the_ownership_is_unverified_from_the_filing(
    session: Session, bj: Policy, now: datetime
) -> None:
    number = _filed(session, bj, now)
    row = get_ticket(session, number)
    assert row is not None
    (event,) = [e for e in events_of(session, row) if e.kind == "ownership"]
    assert event.detail == {"status": "unverified", "account_given": "0102345678"}
    assert service.ownership_of(session, number).status == "unverified"
    # the filing is not the call its confirmation promised
    history = events_of(session, row)
    assert outcome("first_reply", row.first_reply_due, history, row.status, now) == PENDING


def test_staff_verify_the_ownership_link_the_account_and_the_call_meets_the_first_reply(
    session: Session, bj: Policy, now: datetime
) -> None:
    number = _filed(session, bj, now)
    at = now + timedelta(minutes=30)
    ticket = service.decide_ownership(
        session, number, "verified", at, "agent:wang", "房产证核对无误", account_no="0102345678"
    )
    assert ticket.status == "new"
    row = get_ticket(session, number)
    assert row is not None and row.account_no == "0102345678"
    history = events_of(session, row)
    decided = [e for e in history if e.kind == "ownership"][-1]
    assert (decided.actor, decided.at) == ("agent:wang", at)
    assert decided.detail["status"] == "verified" and decided.detail["note"] == "房产证核对无误"
    assert any(e.kind == "updated" and "account_no" in e.detail for e in history)
    assert outcome("first_reply", row.first_reply_due, history, row.status, at) == MET
    assert service.ownership_of(session, number).status == "verified"


def test_a_rejected_ownership_cancels_the_application_and_says_who_and_why(
    session: Session, bj: Policy, now: datetime
) -> None:
    number = _filed(session, bj, now)
    ticket = service.decide_ownership(session, number, "rejected", now, "agent:li", "非产权人")
    assert ticket.status == "cancelled"
    row = get_ticket(session, number)
    assert row is not None
    history = events_of(session, row)
    assert [(e.kind, e.detail.get("status") or e.detail.get("to")) for e in history[-2:]] == [
        ("ownership", "rejected"),
        ("status", "cancelled"),
    ]
    status = [e for e in events_of(session, row) if e.kind == "status"][-1]
    assert status.actor == "agent:li" and status.detail["note"] == "非产权人"


def test_a_decision_is_made_once_and_only_on_an_open_application(
    session: Session, bj: Policy, now: datetime
) -> None:
    number = _filed(session, bj, now)
    service.decide_ownership(session, number, "verified", now, "agent:wang")
    with pytest.raises(service.AlreadyDecided):
        service.decide_ownership(session, number, "rejected", now, "agent:li", "改判")
    verified = open_ticket(
        session, bj, TicketDraft("BT", "rest", "rest:owner", account_no="0102345678"), now
    )
    with pytest.raises(service.AlreadyDecided):  # filed with the 户号: nothing to verify
        service.decide_ownership(session, verified.ticket_no, "verified", now, "agent:wang")
    withdrawn = _filed(session, bj, now, home="b", sender="web:x", phone="13600000001")
    cancel_own_ticket(session, withdrawn, "rest", "web:x", now)
    with pytest.raises(service.AlreadyDecided):
        service.decide_ownership(session, withdrawn, "verified", now, "agent:wang")
    with pytest.raises(LookupError):
        service.decide_ownership(session, "BT202611270999", "verified", now, "agent:wang")
    with pytest.raises(InvalidInput):
        service.decide_ownership(session, number, "maybe", now, "agent:wang")
    with pytest.raises(InvalidInput):  # a 户号 is linked only to a verified ownership
        service.decide_ownership(session, number, "rejected", now, "agent:wang", account_no="12")
