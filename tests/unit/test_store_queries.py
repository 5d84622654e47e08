"""Accounts, outages, verification attempts and subscriptions in the store."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.store.accounts import (
    accounts_bound_to,
    bills_of,
    bind_account,
    find_communities,
    format_address,
    get_account,
    payments_of,
)
from bot.store.db import session_scope
from bot.store.errors import InvalidInput, NotFound
from bot.store.models import Account, Bill, Binding, Payment
from bot.store.outages import add_outage, end_outage, list_outages, outages_for_community
from bot.store.subscriptions import active_subscribers, subscribe, unsubscribe_all
from bot.store.verification import Failures, recent_failures, record_attempt

AddAccount = Callable[..., Account]


# ---- accounts ------------------------------------------------------------------------------------


def test_addresses_read_as_people_write_them() -> None:
    assert format_address("阳光花园", "5", "1", "302") == "阳光花园5号楼1单元302"
    assert format_address("和平里", "A座", None, "1201") == "和平里A座1201"
    assert format_address("东风新村", None, None, None) == "东风新村"


def test_binding_is_idempotent_and_per_sender(
    session: Session, add_account: AddAccount, now: datetime
) -> None:
    add_account("0102345678")
    add_account("0102345679")
    first = bind_account(session, "wechat", "openid-1", "0102345678", now)
    again = bind_account(session, "wechat", "openid-1", "0102345678", now + timedelta(days=1))
    bind_account(session, "wechat", "openid-1", "0102345679", now + timedelta(hours=1))
    bind_account(session, "sms", "openid-1", "0102345679", now)

    assert again is first
    assert session.execute(select(func.count()).select_from(Binding)).scalar_one() == 3
    bound = accounts_bound_to(session, "wechat", "openid-1")
    assert [a.account_no for a in bound] == ["0102345678", "0102345679"]
    assert accounts_bound_to(session, "wechat", "openid-2") == []


def test_binding_an_unknown_account_is_refused(session: Session, now: datetime) -> None:
    with pytest.raises(NotFound):
        bind_account(session, "wechat", "openid-1", "0999999999", now)


def test_bills_newest_season_first_and_what_is_outstanding(
    session: Session, add_account: AddAccount
) -> None:
    add_account("0102345678")
    for season, paid in (("2025-2026", "2148.00"), ("2026-2027", "1000.00"), ("2024-2025", "0")):
        session.add(
            Bill(
                account_no="0102345678",
                season=season,
                amount_due=Decimal("2148.00"),
                amount_paid=Decimal(paid),
                late_fee=Decimal("10.50") if season == "2024-2025" else Decimal("0"),
                due_date=date(int(season[:4]), 12, 31),
            )
        )
    session.flush()
    session.expire_all()  # read back from the database, not the objects just added

    bills = bills_of(session, "0102345678")
    assert [b.season for b in bills] == ["2026-2027", "2025-2026", "2024-2025"]
    assert [b.outstanding for b in bills] == [Decimal("1148.00"), 0, Decimal("2158.50")]
    assert bills[0].amount_due == Decimal("2148.00")
    assert isinstance(bills[0].amount_due, Decimal)
    assert bills_of(session, "0999999999") == []


def test_payments_newest_first_and_limited(
    session: Session, add_account: AddAccount, now: datetime
) -> None:
    add_account("0102345678")
    add_account("0102345679")
    for days in range(12):
        session.add(
            Payment(
                account_no="0102345678",
                season="2026-2027",
                amount=Decimal(days + 1),
                paid_at=now - timedelta(days=days),
                channel="微信",
            )
        )
    session.add(
        Payment(account_no="0102345679", season="2026-2027", amount=1, paid_at=now, channel="微信")
    )
    session.flush()

    payments = payments_of(session, "0102345678")
    assert [p.amount for p in payments] == [Decimal(n) for n in range(1, 11)]
    assert len(payments_of(session, "0102345678", limit=3)) == 3


def test_known_communities_come_from_accounts_and_outages_longest_first(
    session: Session, add_account: AddAccount, now: datetime
) -> None:
    add_account("0102345678", community="和平里")
    add_account("0102345679", community="和平里")
    add_account("0102345670", community="幸福里小区")
    add_outage(session, "planned", ["和平里东区"], now, now + timedelta(hours=1), "检修", now)

    assert find_communities(session) == ["和平里东区", "幸福里小区", "和平里"]


def test_get_account(session: Session, add_account: AddAccount) -> None:
    add_account("0102345678", name="张伟")
    assert get_account(session, "0102345678").name == "张伟"
    assert get_account(session, "0102345670") is None


# ---- outages -------------------------------------------------------------------------------------


def test_outages_that_concern_a_community(session: Session, now: datetime) -> None:
    hour = timedelta(hours=1)

    def outage(community: str, start: timedelta, end: timedelta, reason: str) -> int:
        return add_outage(
            session, "planned", [community, "东风新村"], now + start, now + end, reason, now
        ).id

    outage("和平里", -hour, 8 * hour, "under way")
    outage("和平里", 3 * 24 * hour, 3 * 24 * hour + 8 * hour, "in three days")
    outage("和平里", 8 * 24 * hour, 8 * 24 * hour + hour, "beyond the horizon")
    outage("和平里", -10 * hour, -2 * hour, "overrunning, not ended")
    ended = outage("和平里", -5 * hour, 5 * hour, "ended early")
    end_outage(session, ended, now - hour)
    outage("金色家园", -hour, hour, "elsewhere")

    found = outages_for_community(session, "和平里", now)
    assert [o.reason for o in found] == ["overrunning, not ended", "under way", "in three days"]
    assert sorted(found[0].communities) == ["东风新村", "和平里"]
    longer = outages_for_community(session, "和平里", now, horizon_days=10)
    assert "beyond the horizon" in [o.reason for o in longer]


def test_outages_are_validated(session: Session, now: datetime) -> None:
    end = now + timedelta(hours=1)
    with pytest.raises(InvalidInput, match="kind"):
        add_outage(session, "sudden", ["和平里"], now, end, "检修", now)
    with pytest.raises(InvalidInput, match="community"):
        add_outage(session, "planned", [" ", ""], now, end, "检修", now)
    with pytest.raises(InvalidInput, match="end after"):
        add_outage(session, "planned", ["和平里"], end, now, "检修", now)
    with pytest.raises(InvalidInput, match="reason"):
        add_outage(session, "planned", ["和平里"], now, end, "  ", now)


def test_ending_outages(session: Session, now: datetime) -> None:
    outage = add_outage(
        session,
        "emergency",
        ["和平里", "和平里", " 翠湖苑 "],
        now,
        now + timedelta(hours=8),
        "爆管",
        now,
    )
    assert sorted(outage.communities) == ["和平里", "翠湖苑"]

    end_outage(session, outage.id, now + timedelta(hours=5))

    assert outage.ended_at == now + timedelta(hours=5)
    assert list_outages(session) == []
    assert list_outages(session, include_ended=True) == [outage]
    with pytest.raises(InvalidInput, match="already ended"):
        end_outage(session, outage.id, now + timedelta(hours=6))
    with pytest.raises(NotFound):
        end_outage(session, outage.id + 1, now)


def test_list_outages_latest_start_first(session: Session, now: datetime) -> None:
    def outage(days: int) -> object:
        start = now + timedelta(days=days)
        return add_outage(
            session, "planned", ["和平里"], start, start + timedelta(hours=1), "x", now
        )

    early, late = outage(1), outage(2)
    assert list_outages(session) == [late, early]


# ---- verification --------------------------------------------------------------------------------


def test_failures_count_within_the_window_and_since_the_last_success(
    session: Session, now: datetime
) -> None:
    minute = timedelta(minutes=1)

    def attempt(sender: str, account: str, ok: bool, at: datetime) -> None:
        record_attempt(session, "wechat", sender, account, ok, at)

    attempt("a", "0102345678", False, now - 90 * minute)  # outside the window
    attempt("a", "0102345678", False, now - 50 * minute)
    attempt("a", "0102345678", True, now - 40 * minute)  # resets the count
    attempt("a", "0102345678", False, now - 30 * minute)
    attempt("a", "0102345679", False, now - 20 * minute)
    attempt("b", "0102345678", False, now - 10 * minute)
    since = now - 60 * minute

    assert recent_failures(session, since=since, channel="wechat", sender_id="a") == Failures(2)
    assert recent_failures(
        session, since=since, channel="wechat", sender_id="a", reset_on_success=False, keep=2
    ) == Failures(3, (now - 20 * minute, now - 30 * minute), frozenset({("wechat", "a")}))
    # the senders who failed on an account: its cool-down needs two (bot.services.accounts)
    assert recent_failures(session, since=since, account_no="0102345678", keep=5) == Failures(
        2, (now - 10 * minute, now - 30 * minute), frozenset({("wechat", "a"), ("wechat", "b")})
    )
    assert recent_failures(session, since=since, account_no="0102345679").count == 1
    assert recent_failures(session, since=since, channel="sms", sender_id="a", keep=3) == Failures(
        0
    )
    assert (
        recent_failures(
            session, since=since, channel="wechat", sender_id="a", account_no="0102345679"
        ).count
        == 1
    )
    assert (
        recent_failures(session, since=now - 100 * minute, channel="wechat", sender_id="b").count
        == 1
    )


def test_failure_counting_needs_a_key(session: Session, now: datetime) -> None:
    with pytest.raises(InvalidInput):
        recent_failures(session, since=now)
    with pytest.raises(InvalidInput):
        recent_failures(session, since=now, sender_id="a")


# ---- subscriptions -------------------------------------------------------------------------------


def test_subscribing_is_idempotent_and_opt_out_ends_everything(
    session: Session, now: datetime
) -> None:
    first = subscribe(session, "sms", "13812345678", "outage", now, community="和平里")
    again = subscribe(session, "sms", "13812345678", "outage", now)
    subscribe(session, "sms", "13812345678", "bill", now, account_no="0102345678")
    subscribe(session, "sms", "13900000000", "outage", now, community="和平里")

    assert again is first and first.community == "和平里"
    assert unsubscribe_all(session, "sms", "13812345678", now + timedelta(days=1)) == 2
    assert unsubscribe_all(session, "sms", "13812345678", now + timedelta(days=2)) == 0
    assert (first.active, first.ended_at) == (False, now + timedelta(days=1))
    assert [s.sender_id for s in active_subscribers(session, "outage", ["和平里"])] == [
        "13900000000"
    ]

    back = subscribe(session, "sms", "13812345678", "outage", now + timedelta(days=3))
    assert back is first
    assert (back.active, back.ended_at, back.community) == (True, None, "和平里")


def test_notices_reach_subscribers_of_the_community_or_of_an_account_there(
    session: Session, add_account: AddAccount, now: datetime
) -> None:
    add_account("0102345678", community="和平里")
    add_account("0102345679", community="翠湖苑")
    subscribe(session, "wechat", "by-community", "outage", now, community="和平里")
    subscribe(session, "wechat", "by-account", "outage", now, account_no="0102345678")
    subscribe(session, "wechat", "everything", "all", now, community="和平里")
    subscribe(session, "wechat", "both", "all", now, community="和平里")
    subscribe(session, "wechat", "both", "outage", now, community="和平里")
    subscribe(session, "wechat", "bills-only", "bill", now, community="和平里")
    subscribe(session, "wechat", "elsewhere", "outage", now, account_no="0102345679")
    subscribe(session, "wechat", "gone", "outage", now, community="和平里")
    unsubscribe_all(session, "wechat", "gone", now)

    found = active_subscribers(session, "outage", ["和平里", "金色家园"])

    assert sorted((s.sender_id, s.topic) for s in found) == [
        ("both", "outage"),
        ("by-account", "outage"),
        ("by-community", "outage"),
        ("everything", "all"),
    ]
    everywhere = {s.sender_id for s in active_subscribers(session, "outage", None)}
    assert "elsewhere" in everywhere and "bills-only" not in everywhere
    with pytest.raises(InvalidInput):
        active_subscribers(session, "all", None)


def test_subscriptions_survive_the_session(store_url: str, now: datetime) -> None:
    with session_scope(store_url) as session:
        subscribe(session, "sms", "13812345678", "outage", now, community="和平里")
    with session_scope(store_url) as session:
        (found,) = active_subscribers(session, "outage", ["和平里"])
        assert found.created_at == now
