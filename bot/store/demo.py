"""Deterministic demo data: a small heating company with six communities, bills and two outages
(and heat meters for the metered community, 翠湖苑).

Demos and end-to-end tests talk to the bot about real-looking households, so the data is generated
from a fixed seed (the same accounts every time) and includes two fixed accounts the tests rely on:
张伟 (0102345678, 阳光花园, owes his whole 2026-2027 bill) and 李娜 (0102345679, 幸福里小区, paid).
Loading is idempotent: households, outages and community locations already present are left
exactly as they are.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.config import settings
from bot.store.accounts import format_address
from bot.store.communities import add_location
from bot.store.demo_meters import load_demo_meters
from bot.store.halls_import import import_halls
from bot.store.models import (
    Account,
    Bill,
    Outage,
    OutageArea,
    Payment,
    ServiceHall,
    require_aware,
)
from bot.store.outages import add_outage

DEMO_SEED = 20261127
PRICE_PER_M2 = Decimal("24.00")  # 元 per m² and season, area billing
PREVIOUS_SEASON, CURRENT_SEASON = "2025-2026", "2026-2027"
DUE_DATES = {PREVIOUS_SEASON: date(2025, 12, 31), CURRENT_SEASON: date(2026, 12, 31)}
LATE_FEE_PER_DAY = Decimal("0.001")  # of the amount due; the policy allows up to 2‰ a day
PAYMENT_CHANNELS = ("微信", "支付宝", "银行代扣", "营业厅")

# Name, two-digit account prefix, buildings, units per building, billing kind.
COMMUNITIES = (
    ("阳光花园", "01", 12, 3, "area"),
    ("幸福里小区", "02", 8, 2, "area"),
    ("金色家园", "03", 10, 4, "area"),
    ("和平里", "04", 6, 3, "area"),
    ("翠湖苑", "05", 9, 2, "metered"),
    ("东风新村", "06", 14, 3, "area"),
)
HOUSEHOLDS_PER_COMMUNITY = 11

# Where the demo communities lie (made-up places in Beijing, a few km apart), so a location shared
# on WeChat finds the nearest one.
COMMUNITY_LOCATIONS = {
    "阳光花园": (39.9612, 116.4561),
    "幸福里小区": (39.9283, 116.3882),
    "金色家园": (39.9051, 116.4797),
    "和平里": (39.9598, 116.4172),
    "翠湖苑": (39.9868, 116.3104),
    "东风新村": (39.8652, 116.4349),
}

#: The demo company's service-hall registry, in the format operators import.
DEMO_HALLS = Path(__file__).with_name("demo_halls.yml")

PLANNED_OUTAGE = ("金色家园", "二次管网检修，计划停热")
EMERGENCY_OUTAGE = ("幸福里小区", "主管线爆管抢修")

_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖"
    "田董袁潘蒋蔡杜叶程苏魏吕丁沈姚卢姜崔钟谭陆范金石贾夏付方白邹孟熊秦"
)
_GIVEN_CHARS = "伟芳敏静丽强磊军洋勇艳杰娟涛明超霞平刚华国志海燕梅兰文博涵浩然桐欣怡俊珍德庆春东"
_MOBILE_PREFIXES = ("13", "15", "17", "18", "19")


@dataclass(frozen=True)
class Household:
    """One demo account with how it paid: previous season `on_time`/`late`, current one
    `paid`/`partial`/`unpaid`."""

    account_no: str
    name: str
    phone: str
    community: str
    building: str
    unit: str
    room: str
    area_m2: Decimal
    billing_kind: str
    previous: str
    current: str


FIXED_HOUSEHOLDS = (
    Household(
        account_no="0102345678",
        name="张伟",
        phone="13812345678",
        community="阳光花园",
        building="5",
        unit="1",
        room="302",
        area_m2=Decimal("89.50"),
        billing_kind="area",
        previous="on_time",
        current="unpaid",
    ),
    Household(
        account_no="0102345679",
        name="李娜",
        phone="13912345679",
        community="幸福里小区",
        building="3",
        unit="2",
        room="501",
        area_m2=Decimal("76.20"),
        billing_kind="area",
        previous="on_time",
        current="paid",
    ),
)


@dataclass(frozen=True)
class DemoSummary:
    """What `load_demo` added (all zero when the demo data was already there)."""

    accounts: int
    bills: int
    payments: int
    outages: int


def households(seed: int = DEMO_SEED) -> list[Household]:
    """The demo households: the fixed ones, then the same generated ones for the same seed."""
    rng = random.Random(seed)
    taken_numbers = {h.account_no for h in FIXED_HOUSEHOLDS}
    taken_phones = {h.phone for h in FIXED_HOUSEHOLDS}
    result = list(FIXED_HOUSEHOLDS)
    for community, prefix, buildings, units, billing_kind in COMMUNITIES:
        for _ in range(HOUSEHOLDS_PER_COMMUNITY):
            account_no = _draw(rng, taken_numbers, [prefix], 8)
            phone = _draw(rng, taken_phones, _MOBILE_PREFIXES, 9)
            given_name = "".join(rng.choices(_GIVEN_CHARS, k=rng.randint(1, 2)))
            result.append(
                Household(
                    account_no=account_no,
                    name=rng.choice(_SURNAMES) + given_name,
                    phone=phone,
                    community=community,
                    building=str(rng.randint(1, buildings)),
                    unit=str(rng.randint(1, units)),
                    room=f"{rng.randint(1, 18)}{rng.randint(1, 4):02d}",
                    area_m2=Decimal(rng.randrange(5200, 14500, 10)) / 100,
                    billing_kind=billing_kind,
                    previous=rng.choices(("on_time", "late"), weights=(4, 1))[0],
                    current=rng.choices(("paid", "partial", "unpaid"), weights=(5, 2, 3))[0],
                )
            )
    return result


def _draw(rng: random.Random, taken: set[str], prefixes: Sequence[str], digits: int) -> str:
    """A random number with one of `prefixes` and `digits` more digits, not yet in `taken`."""
    while True:
        value = f"{rng.choice(prefixes)}{rng.randrange(10**digits):0{digits}d}"
        if value not in taken:
            taken.add(value)
            return value


def _local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=settings().timezone)


def _season_amount(household: Household, rng: random.Random) -> Decimal:
    """Area billing: area × price. Metered: what the meter says, here 75–105 % of that."""
    amount = household.area_m2 * PRICE_PER_M2
    if household.billing_kind == "metered":
        amount *= Decimal(rng.randint(75, 105)) / 100
    return amount.quantize(Decimal("0.01"))


def _bills_and_payments(
    household: Household, rng: random.Random, now: datetime
) -> tuple[list[Bill], list[Payment]]:
    """Both seasons' bills of a household and the payments that settled them."""
    bills, payments = [], []

    # Previous season: everything was paid in the end, some of it late with a late fee.
    due = DUE_DATES[PREVIOUS_SEASON]
    amount = _season_amount(household, rng)
    if household.previous == "late":
        paid_day = due + timedelta(days=rng.randint(5, 60))
        late_fee = (amount * LATE_FEE_PER_DAY * (paid_day - due).days).quantize(Decimal("0.01"))
    else:
        paid_day = due - timedelta(days=rng.randint(7, 75))
        late_fee = Decimal("0.00")
    paid_at = _local(paid_day, rng.randint(8, 20), rng.randint(0, 59))
    bills.append(
        Bill(
            season=PREVIOUS_SEASON,
            amount_due=amount,
            amount_paid=amount + late_fee,
            late_fee=late_fee,
            due_date=due,
            paid_at=paid_at,
        )
    )
    payments.append(
        Payment(
            season=PREVIOUS_SEASON,
            amount=amount + late_fee,
            paid_at=paid_at,
            channel=rng.choice(PAYMENT_CHANNELS),
        )
    )

    # Current season: not due yet; some paid, some in part, some not at all.
    amount = _season_amount(household, rng)
    paid = {
        "paid": amount,
        "partial": (amount * Decimal(rng.randint(3, 7)) / 10).quantize(Decimal("1")),
        "unpaid": Decimal("0.00"),
    }[household.current]
    paid_at = now - timedelta(days=rng.randint(2, 45), minutes=rng.randint(0, 600))
    bills.append(
        Bill(
            season=CURRENT_SEASON,
            amount_due=amount,
            amount_paid=paid,
            late_fee=Decimal("0.00"),
            due_date=DUE_DATES[CURRENT_SEASON],
            paid_at=paid_at if paid == amount else None,
        )
    )
    if paid:
        payments.append(
            Payment(
                season=CURRENT_SEASON,
                amount=paid,
                paid_at=paid_at,
                channel=rng.choice(PAYMENT_CHANNELS),
            )
        )
    return bills, payments


def _demo_outage_exists(session: Session, kind: str, community: str, reason: str) -> bool:
    query = (
        select(Outage.id)
        .join(OutageArea, OutageArea.outage_id == Outage.id)
        .where(Outage.kind == kind, Outage.reason == reason, OutageArea.community == community)
    )
    return session.execute(query.limit(1)).first() is not None


def _load_outages(session: Session, now: datetime) -> int:
    """A planned stop 3 days ahead (08:00–18:00 local) and an emergency stop under way now."""
    local_now = now.astimezone(settings().timezone).replace(second=0, microsecond=0)
    planned_day = (local_now + timedelta(days=3)).date()
    wanted = (
        ("planned", PLANNED_OUTAGE, _local(planned_day, 8), _local(planned_day, 18)),
        (
            "emergency",
            EMERGENCY_OUTAGE,
            local_now - timedelta(hours=1),
            local_now + timedelta(hours=8),
        ),
    )
    added = 0
    for kind, (community, reason), starts_at, expected_end_at in wanted:
        if not _demo_outage_exists(session, kind, community, reason):
            add_outage(session, kind, [community], starts_at, expected_end_at, reason, now)
            added += 1
    return added


def load_demo(session: Session, now: datetime, seed: int = DEMO_SEED) -> DemoSummary:
    """Add the demo company's households (with bills and payments) and outages that are missing.

    Each household draws its bills from its own generator, seeded from its account number, so its
    data are the same whichever other households already exist. Missing community locations,
    the metered households' meters with their readings (`bot.store.demo_meters`) and the demo
    halls when no hall is registered yet are added too (not counted in the summary, whose four
    figures the CLI prints).
    """
    require_aware(now, "now")
    existing = set(session.execute(select(Account.account_no)).scalars())
    accounts = bills = payments = 0
    for household in households(seed):
        if household.account_no in existing:
            continue
        rng = random.Random(f"{seed}:{household.account_no}")
        account_bills, account_payments = _bills_and_payments(household, rng, now)
        session.add(
            Account(
                account_no=household.account_no,
                name=household.name,
                phone=household.phone,
                community=household.community,
                building=household.building,
                unit=household.unit,
                room=household.room,
                address=format_address(
                    household.community, household.building, household.unit, household.room
                ),
                area_m2=household.area_m2,
                billing_kind=household.billing_kind,
                created_at=now,
                bills=account_bills,
                payments=account_payments,
            )
        )
        accounts += 1
        bills += len(account_bills)
        payments += len(account_payments)
    outages = _load_outages(session, now)
    for community, (latitude, longitude) in COMMUNITY_LOCATIONS.items():
        add_location(session, community, latitude, longitude)
    if session.execute(select(ServiceHall.id).limit(1)).first() is None:
        import_halls(session, DEMO_HALLS.read_bytes(), now)
    session.flush()
    metered = [(h.account_no, h.area_m2) for h in households(seed) if h.billing_kind == "metered"]
    load_demo_meters(session, metered, seed, now)
    session.flush()
    return DemoSummary(accounts, bills, payments, outages)
