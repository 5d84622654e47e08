"""Tickets in the store: numbers, idempotency, concurrency, lifecycle, history and queries."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.store.db import get_engine, session_scope
from bot.store.errors import InvalidInput, TicketStateError
from bot.store.models import TICKET_STATUSES, Account, Ticket, TicketEvent, TicketSequence
from bot.store.tickets import (
    TicketDraft,
    cancel_ticket,
    change_status,
    create_ticket,
    events_of,
    get_ticket,
    list_tickets,
    tickets_of_sender,
    update_ticket,
)

UTC = timezone.utc
ALLOWED_MOVES = {
    ("new", "assigned"),
    ("assigned", "in_progress"),
    ("in_progress", "done"),
    ("new", "cancelled"),
    ("assigned", "cancelled"),
    ("in_progress", "cancelled"),
}
PATH_TO = {  # how to reach each status from new
    "new": [],
    "assigned": ["assigned"],
    "in_progress": ["assigned", "in_progress"],
    "done": ["assigned", "in_progress", "done"],
    "cancelled": ["cancelled"],
}


def _draft(kind: str = "BX", sender: str = "openid-1", **fields: Any) -> TicketDraft:
    return TicketDraft(kind, "wechat", sender, **fields)


def _count(session: Session, model: type) -> int:
    return session.execute(select(func.count()).select_from(model)).scalar_one()


# ---- numbers -------------------------------------------------------------------------------------


def test_numbers_are_kind_date_and_a_daily_sequence_per_kind(
    session: Session, now: datetime
) -> None:
    numbers = [create_ticket(session, _draft(kind), now).ticket_no for kind in ("BX", "BX", "TS")]
    numbers.append(create_ticket(session, _draft("BX"), now + timedelta(days=1)).ticket_no)

    assert numbers == ["BX202611270001", "BX202611270002", "TS202611270001", "BX202611280001"]


@pytest.mark.parametrize(
    ("moment", "day"),
    [
        (datetime(2026, 11, 27, 15, 59, tzinfo=UTC), "20261127"),  # 23:59 in Shanghai
        (datetime(2026, 11, 27, 17, 0, tzinfo=UTC), "20261128"),  # already 01:00 next day
        (datetime(2026, 11, 28, 1, 0, tzinfo=timezone(timedelta(hours=-8))), "20261128"),
    ],
)
def test_the_date_is_the_company_day_not_the_utc_day(
    session: Session, moment: datetime, day: str
) -> None:
    assert create_ticket(session, _draft(), moment).ticket_no == f"BX{day}0001"


def test_a_day_has_at_most_9999_tickets_of_a_kind(session: Session, now: datetime) -> None:
    session.add(TicketSequence(kind="BX", day="20261127", last=9998))
    assert create_ticket(session, _draft(), now).ticket_no == "BX202611279999"
    with pytest.raises(InvalidInput, match="more than 9999"):
        create_ticket(session, _draft(), now)


def test_new_tickets_start_new_with_a_created_event(session: Session, now: datetime) -> None:
    ticket = create_ticket(session, _draft(phone="13812345678", urgent=True), now)

    assert (ticket.status, ticket.urgent, ticket.phone) == ("new", True, "13812345678")
    assert ticket.created_at == ticket.updated_at == now
    (event,) = events_of(session, ticket)
    assert (event.kind, event.actor, event.at) == ("created", "wechat:openid-1", now)
    assert event.detail == {"ticket_no": ticket.ticket_no}


def test_bad_kinds_and_naive_times_are_refused(session: Session, now: datetime) -> None:
    with pytest.raises(InvalidInput, match="kind"):
        create_ticket(session, _draft("XX"), now)
    with pytest.raises(InvalidInput, match="now"):
        create_ticket(session, _draft(), now.replace(tzinfo=None))
    with pytest.raises(InvalidInput, match="visit_start"):
        create_ticket(session, _draft(visit_start=datetime(2026, 11, 28, 9)), now)
    assert _count(session, Ticket) == 0


# ---- idempotency ---------------------------------------------------------------------------------


def test_a_repeated_dedup_key_returns_the_first_ticket_and_creates_nothing(
    session: Session, now: datetime
) -> None:
    first = create_ticket(session, _draft(dedup_key="wechat:msg-1", description="暖气不热"), now)
    again = create_ticket(session, _draft(dedup_key="wechat:msg-1", description="重试"), now)
    other = create_ticket(session, _draft(), now)

    assert again.id == first.id
    assert again.description == "暖气不热"
    assert _count(session, Ticket) == 2
    assert _count(session, TicketEvent) == 2
    assert other.ticket_no == "BX202611270002"  # the retry consumed no number


@pytest.mark.postgres
def test_a_dedup_race_lost_at_insert_returns_the_winners_ticket(
    postgres_store_url: str, now: datetime, wait_for_lock_wait: Callable[[str], None]
) -> None:
    """The loser's lookup ran before the winner committed; the unique key catches it."""
    store_url = postgres_store_url
    with session_scope(store_url) as winner:
        won = create_ticket(winner, _draft(dedup_key="msg-1"), now)
        with ThreadPoolExecutor(1) as pool:
            loser = pool.submit(_create_in_own_session, store_url, _draft(dedup_key="msg-1"), now)
            wait_for_lock_wait(store_url)  # blocked behind the winner's sequence row lock
            winner.commit()
            assert loser.result(timeout=30) == won.ticket_no

    with session_scope(store_url) as session:
        assert _count(session, Ticket) == 1
        assert create_ticket(session, _draft(), now).ticket_no == "BX202611270002"


@pytest.mark.postgres
def test_two_first_tickets_of_a_day_get_different_numbers(
    postgres_store_url: str, now: datetime, wait_for_lock_wait: Callable[[str], None]
) -> None:
    """Both find no sequence row for the day; the second insert of it fails and retries."""
    store_url = postgres_store_url
    with session_scope(store_url) as first:
        number = create_ticket(first, _draft(), now).ticket_no
        with ThreadPoolExecutor(1) as pool:
            second = pool.submit(_create_in_own_session, store_url, _draft(sender="b"), now)
            wait_for_lock_wait(store_url)  # its insert of the day's row waits for ours
            first.commit()
            assert (number, second.result(timeout=30)) == ("BX202611270001", "BX202611270002")


def _create_in_own_session(url: str, draft: TicketDraft, now: datetime) -> str:
    with session_scope(url) as session:
        return create_ticket(session, draft, now).ticket_no


def _run_together(workers: int, task: Callable[[int], str]) -> list[str]:
    """Run `task(i)` in `workers` threads released at the same instant."""
    start = threading.Barrier(workers)

    def run(index: int) -> str:
        start.wait()
        return task(index)

    with ThreadPoolExecutor(workers) as pool:
        return list(pool.map(run, range(workers)))


def test_concurrent_creation_hands_out_distinct_consecutive_numbers(
    store_url: str, now: datetime
) -> None:
    def create_four(index: int) -> str:
        numbers = [
            _create_in_own_session(store_url, _draft(sender=f"s{index}"), now) for _ in range(4)
        ]
        return ",".join(numbers)

    numbers = ",".join(_run_together(6, create_four)).split(",")

    assert sorted(numbers) == [f"BX20261127{n:04d}" for n in range(1, 25)]


def test_concurrent_retries_of_one_message_create_one_ticket(store_url: str, now: datetime) -> None:
    numbers = _run_together(
        6, lambda index: _create_in_own_session(store_url, _draft(dedup_key="msg-7"), now)
    )

    assert len(set(numbers)) == 1
    with session_scope(store_url) as session:
        assert _count(session, Ticket) == 1


# ---- lifecycle -----------------------------------------------------------------------------------


def _ticket_in(session: Session, status: str, now: datetime) -> Ticket:
    ticket = create_ticket(session, _draft(), now)
    for step in PATH_TO[status]:
        change_status(session, ticket, step, now, "agent:1")
    return ticket


@pytest.mark.parametrize("old", TICKET_STATUSES)
def test_only_lifecycle_moves_are_allowed(session: Session, now: datetime, old: str) -> None:
    for new in TICKET_STATUSES:
        ticket = _ticket_in(session, old, now)
        if (old, new) in ALLOWED_MOVES:
            assert change_status(session, ticket, new, now, "agent:1").status == new
        else:
            with pytest.raises(TicketStateError, match=f"from {old} to {new}"):
                change_status(session, ticket, new, now, "agent:1")
            assert ticket.status == old


def test_status_changes_are_logged(session: Session, now: datetime) -> None:
    ticket = create_ticket(session, _draft(), now)
    later = now + timedelta(minutes=5)
    change_status(session, ticket, "assigned", later, "agent:7", note="派给王师傅")
    cancel_ticket(session, ticket, later, "wechat:openid-1", note="用户取消")

    assert ticket.status == "cancelled"
    assert ticket.updated_at == later
    assert [(e.kind, e.actor, e.detail) for e in events_of(session, ticket)[1:]] == [
        ("status", "agent:7", {"from": "new", "to": "assigned", "note": "派给王师傅"}),
        ("status", "wechat:openid-1", {"from": "assigned", "to": "cancelled", "note": "用户取消"}),
    ]


def test_unknown_statuses_are_refused(session: Session, now: datetime) -> None:
    ticket = create_ticket(session, _draft(), now)
    with pytest.raises(InvalidInput, match="unknown ticket status"):
        change_status(session, ticket, "reopened", now, "agent:1")


def test_a_status_change_checks_the_current_row_not_a_stale_copy(
    store_url: str, now: datetime
) -> None:
    """A user cancelling from an old page must not undo an agent's 'done'."""
    with session_scope(store_url) as session:
        ticket = _ticket_in(session, "in_progress", now)
    user = Session(bind=get_engine(store_url), future=True, expire_on_commit=False)
    try:
        stale = user.get(Ticket, ticket.id)
        user.commit()  # the user's copy still says in_progress
        with session_scope(store_url) as agent:
            change_status(agent, agent.get(Ticket, ticket.id), "done", now, "agent:1")

        with pytest.raises(TicketStateError, match="from done to cancelled"):
            cancel_ticket(user, stale, now, "wechat:openid-1")
    finally:
        user.close()


# ---- updates -------------------------------------------------------------------------------------


def test_updates_log_the_changed_fields_only(session: Session, now: datetime) -> None:
    ticket = create_ticket(session, _draft(address="阳光花园5号楼", room=None), now)
    visit = datetime(2026, 11, 28, 1, 0, tzinfo=UTC)
    later = now + timedelta(minutes=3)

    update_ticket(
        session,
        ticket,
        later,
        "wechat:openid-1",
        address="阳光花园5号楼",
        room="302",
        visit_start=visit,
    )
    update_ticket(session, ticket, later + timedelta(minutes=1), "x", room="302")

    assert (ticket.room, ticket.visit_start, ticket.updated_at) == ("302", visit, later)
    updates = [e for e in events_of(session, ticket) if e.kind == "updated"]
    assert [(e.actor, e.detail) for e in updates] == [
        (
            "wechat:openid-1",
            {
                "room": {"old": None, "new": "302"},
                "visit_start": {"old": None, "new": visit.isoformat()},
            },
        )
    ]


@pytest.mark.parametrize("field", ["status", "ticket_no", "kind", "dedup_key", "colour"])
def test_identity_and_status_cannot_be_updated(session: Session, now: datetime, field: str) -> None:
    ticket = create_ticket(session, _draft(), now)
    with pytest.raises(InvalidInput, match=field):
        update_ticket(session, ticket, now, "agent:1", **{field: "X"})


# ---- queries -------------------------------------------------------------------------------------


def test_a_sender_sees_its_own_and_its_accounts_tickets_newest_first(
    session: Session, now: datetime, add_account: Callable[..., Account]
) -> None:
    def at(minutes: int, **fields: Any) -> str:
        moment = now + timedelta(minutes=minutes)
        return create_ticket(session, _draft(**fields), moment).ticket_no

    own_old = at(0)
    by_phone = at(1, sender="13812345678", account_no="0102345678")
    at(2, sender="someone-else")
    at(3, sender="someone-else", account_no="0999999999")
    own_new = at(4, kind="TS")
    same_id_other_channel = create_ticket(
        session, TicketDraft("BX", "sms", "openid-1"), now + timedelta(minutes=5)
    )

    found = tickets_of_sender(session, "wechat", "openid-1", ["0102345678"])
    assert [t.ticket_no for t in found] == [own_new, by_phone, own_old]
    assert same_id_other_channel not in found
    assert [t.ticket_no for t in tickets_of_sender(session, "wechat", "openid-1")] == [
        own_new,
        own_old,
    ]
    assert len(tickets_of_sender(session, "wechat", "openid-1", ["0102345678"], limit=2)) == 2


def test_listing_filters_by_status_and_kind(session: Session, now: datetime) -> None:
    bx = [create_ticket(session, _draft("BX"), now + timedelta(minutes=i)) for i in range(3)]
    cw = create_ticket(session, _draft("CW"), now)
    change_status(session, bx[0], "assigned", now, "agent:1")

    assert list_tickets(session) == [bx[2], bx[1], cw, bx[0]]  # same time: later id first
    assert list_tickets(session, status="new") == [bx[2], bx[1], cw]
    assert list_tickets(session, status="new", kind="BX", limit=1) == [bx[2]]
    assert list_tickets(session, kind="CW") == [cw]


def test_get_ticket_by_number(session: Session, now: datetime) -> None:
    ticket = create_ticket(session, _draft(), now)
    assert get_ticket(session, ticket.ticket_no) is ticket
    assert get_ticket(session, "BX202611279999") is None
