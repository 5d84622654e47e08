"""The demo company: the fixed accounts end-to-end tests rely on, its outages, idempotency."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.store.accounts import bills_of, find_communities, get_account, payments_of
from bot.store.db import ensure_schema, get_engine, session_scope
from bot.store.demo import DemoSummary, households, load_demo
from bot.store.models import Base
from bot.store.outages import list_outages, outages_for_community


def _dump(url: str) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table, to compare two databases or one before and after."""
    with get_engine(url).connect() as connection:
        return {
            table.name: sorted((tuple(row) for row in connection.execute(select(table))), key=repr)
            for table in Base.metadata.sorted_tables
        }


def test_the_fixed_accounts(session: Session, now: datetime) -> None:
    load_demo(session, now)

    zhang = get_account(session, "0102345678")
    assert (zhang.name, zhang.phone, zhang.community) == ("张伟", "13812345678", "阳光花园")
    assert (zhang.building, zhang.unit, zhang.room) == ("5", "1", "302")
    assert zhang.address == "阳光花园5号楼1单元302"
    assert (zhang.area_m2, zhang.billing_kind) == (Decimal("89.50"), "area")
    current, previous = bills_of(session, "0102345678")
    assert (current.season, current.amount_due, current.amount_paid) == (
        "2026-2027",
        Decimal("2148.00"),
        Decimal("0.00"),
    )
    assert (current.due_date, current.paid_at, current.outstanding) == (
        date(2026, 12, 31),
        None,
        Decimal("2148.00"),
    )
    assert previous.season == "2025-2026" and previous.outstanding == 0
    assert previous.amount_paid == previous.amount_due + previous.late_fee
    assert [p.season for p in payments_of(session, "0102345678")] == ["2025-2026"]

    li = get_account(session, "0102345679")
    assert (li.name, li.phone, li.address) == ("李娜", "13912345679", "幸福里小区3号楼2单元501")
    (li_current, _) = bills_of(session, "0102345679")
    assert li_current.season == "2026-2027" and li_current.outstanding == 0
    assert li_current.paid_at is not None and li_current.paid_at < now


def test_a_realistic_small_company(session: Session, now: datetime) -> None:
    summary = load_demo(session, now)

    people = households()
    assert summary == DemoSummary(len(people), 2 * len(people), summary.payments, 2)
    assert len(people) >= 60
    assert len({h.account_no for h in people}) == len({h.phone for h in people}) == len(people)
    assert set(find_communities(session)) == {
        "阳光花园",
        "幸福里小区",
        "金色家园",
        "和平里",
        "翠湖苑",
        "东风新村",
    }
    assert {h.current for h in people} == {"paid", "partial", "unpaid"}
    assert {h.previous for h in people} == {"on_time", "late"}
    late = [b for h in people if h.previous == "late" for b in bills_of(session, h.account_no)]
    assert all(b.late_fee > 0 for b in late if b.season == "2025-2026")


def test_one_planned_and_one_emergency_outage(session: Session, now: datetime) -> None:
    load_demo(session, now)

    (emergency,) = outages_for_community(session, "幸福里小区", now, horizon_days=0)
    assert emergency.kind == "emergency" and "爆管" in emergency.reason
    assert emergency.starts_at <= now < emergency.expected_end_at
    assert emergency.expected_end_at - now == timedelta(hours=8)
    (planned,) = [o for o in list_outages(session) if o.kind == "planned"]
    assert planned.communities == ["金色家园"]
    assert planned.starts_at - now > timedelta(days=2)
    assert outages_for_community(session, "阳光花园", now) == []


def test_loading_twice_changes_nothing(store_url: str, now: datetime) -> None:
    with session_scope(store_url) as session:
        load_demo(session, now)
    before = _dump(store_url)

    with session_scope(store_url) as session:
        again = load_demo(session, now + timedelta(days=1))

    assert again == DemoSummary(0, 0, 0, 0)
    assert _dump(store_url) == before


def test_the_same_seed_gives_the_same_company(
    store_url: str, now: datetime, tmp_path: Path
) -> None:
    other = f"sqlite:///{tmp_path}/other.db"
    ensure_schema(other)
    for url in (store_url, other):
        with session_scope(url) as session:
            load_demo(session, now)

    mine, theirs = _dump(store_url), _dump(other)
    assert mine["accounts"] == theirs["accounts"]
    assert mine["bills"] == theirs["bills"]
    assert mine["payments"] == theirs["payments"]
