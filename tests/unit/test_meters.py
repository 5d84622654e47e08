"""查表: consumption and the two-part settlement estimate against hand-computed values, residents'
readings that never overwrite the company's, and CB (查表) tickets with the policy's deadlines."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from service_helpers import INSERT_TICKET, upgrade_with_a_ticket
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.nlu.meterreading import MeterValue
from bot.policy import Policy, load_policy, ticket_due_times
from bot.services.meters import (
    meter_problem_category,
    meter_summary,
    open_meter_ticket,
    season_usage,
    settlement_estimate,
    submit_own_reading,
    usage_between,
)
from bot.store.db import dispose_engines, get_engine, session_scope
from bot.store.errors import NotFound
from bot.store.meters import Reading, SubmissionDraft, readings_of, submissions_of, submit_reading
from bot.store.models import Account, Meter, MeterReading, Ticket

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _at(year: int, month: int, day: int, hour: int = 0) -> datetime:
    return datetime(year, month, day, hour, tzinfo=SHANGHAI)


# One household's meter over two seasons (kWh), chosen so the sums are easy to check by hand:
# last season 5000 → 6500 after 30 days → 9800 at its end; this season 10000 → 12000 after 30 days.
READINGS = [
    Reading(_at(2025, 11, 15), Decimal("5000")),
    Reading(_at(2025, 12, 15), Decimal("6500")),
    Reading(_at(2026, 3, 16), Decimal("9800")),
    Reading(_at(2026, 11, 15), Decimal("10000")),
    Reading(_at(2026, 12, 15), Decimal("12000")),
]
NOW = _at(2026, 12, 16, 9)


@pytest.fixture(scope="module")
def bj() -> Policy:
    return load_policy("beijing", fresh=True)


def test_usage_this_season_last_season_same_span_and_whole(
    bj: Policy, shanghai: Iterator[None]
) -> None:
    usage = season_usage(bj, READINGS, NOW)

    assert usage.season == "2026-2027"
    assert usage.this_season is not None and usage.this_season.used == Decimal("2000")
    assert usage.this_season.days == 30
    # the same 30 days of last season: 6500 − 5000
    assert usage.last_season_same_span is not None
    assert usage.last_season_same_span.used == Decimal("1500")
    assert usage.last_season is not None and usage.last_season.used == Decimal("4800")
    assert usage.season_days == 121  # 11-15 → 03-15, 2027 not a leap year


def test_usage_needs_two_readings_and_starts_from_the_last_one_before_the_season(
    shanghai: Iterator[None],
) -> None:
    start, end = _at(2026, 11, 15), _at(2026, 12, 31)
    assert usage_between(READINGS[:4], start, end) is None  # only the season's first reading
    earlier = [Reading(_at(2026, 11, 10), Decimal("9900")), *READINGS[4:]]
    usage = usage_between(earlier, start, end)
    assert usage is not None and usage.used == Decimal("2100")


def test_two_part_estimate_by_hand(bj: Policy, shanghai: Iterator[None]) -> None:
    usage = season_usage(bj, READINGS, NOW).this_season
    assert usage is not None

    estimate = settlement_estimate(bj, Decimal("100"), usage, "kWh", 121)

    # Beijing: base 12 元/m², energy 0.16 元/kWh, area price 24 元/m² prepaid.
    assert estimate.base_fee == Decimal("1200.00")  # 12 × 100
    assert estimate.used_kwh == Decimal("2000.00")
    assert estimate.energy_fee == Decimal("320.00")  # 0.16 × 2000
    assert estimate.total_so_far == Decimal("1520.00")
    assert estimate.projected_kwh == Decimal("8066.67")  # 2000 / 30 × 121
    assert estimate.projected_total == Decimal("2490.67")  # 1200 + 8066.666… × 0.16
    assert estimate.prepaid == Decimal("2400.00")  # 24 × 100
    assert estimate.difference == Decimal("90.67")  # to pay on settlement


def test_a_gj_meter_is_priced_per_kwh(bj: Policy, shanghai: Iterator[None]) -> None:
    gj = [Reading(_at(2026, 11, 15), Decimal("40")), Reading(_at(2026, 12, 15), Decimal("50"))]
    usage = usage_between(gj, _at(2026, 11, 15), NOW)
    assert usage is not None

    estimate = settlement_estimate(bj, Decimal("100"), usage, "GJ", 121)

    assert estimate.used_kwh == Decimal("2777.78")  # 10 GJ = 10 × 1000 / 3.6 kWh
    assert estimate.energy_fee == Decimal("444.44")  # 2777.777… × 0.16


def test_no_projection_from_less_than_a_day(bj: Policy, shanghai: Iterator[None]) -> None:
    short = [
        Reading(_at(2026, 12, 1), Decimal("100")),
        Reading(_at(2026, 12, 1, 8), Decimal("110")),
    ]
    usage = usage_between(short, _at(2026, 11, 15), NOW)
    assert usage is not None

    estimate = settlement_estimate(bj, Decimal("50"), usage, "kWh", 121)

    assert estimate.total_so_far == Decimal("601.60")  # 12 × 50 + 0.16 × 10
    assert estimate.projected_total is None and estimate.difference is None


# ---------------------------------------------------------------------------- with a database


@pytest.fixture
def metered(session: Session, add_account: Callable[..., Account]) -> Meter:
    """翠湖苑 household 0502345670 (100 m², metered) with the readings above on meter HM-1."""
    add_account("0502345670", community="翠湖苑", area_m2=Decimal("100"), billing_kind="metered")
    meter = Meter(meter_no="HM-1", account_no="0502345670", unit="kWh", created_at=NOW)
    session.add(meter)
    session.flush()
    for reading in READINGS:
        session.add(MeterReading(meter_no="HM-1", read_at=reading.read_at, value=reading.value))
    session.flush()
    return meter


def test_meter_summary_of_a_metered_household(bj: Policy, session: Session, metered: Meter) -> None:
    summary = meter_summary(session, bj, "0502345670", NOW)

    assert summary is not None
    assert (summary.meter_no, summary.unit) == ("HM-1", "kWh")
    assert summary.latest == Reading(_at(2026, 12, 15), Decimal("12000.00"))
    assert summary.estimate is not None and summary.estimate.difference == Decimal("90.67")


def test_meter_summary_ignores_readings_after_now(
    bj: Policy, session: Session, metered: Meter
) -> None:
    summary = meter_summary(session, bj, "0502345670", _at(2026, 12, 1))

    assert summary is not None and summary.latest is not None
    assert summary.latest.value == Decimal("10000.00")
    assert summary.usage.this_season is None and summary.estimate is None


def test_an_area_billed_household_has_no_meter_summary(
    bj: Policy, session: Session, add_account: Callable[..., Account]
) -> None:
    add_account("0102345678")
    assert meter_summary(session, bj, "0102345678", NOW) is None


def test_an_own_reading_is_stored_for_review_and_never_overwrites(
    session: Session, metered: Meter
) -> None:
    before = readings_of(session, "HM-1")
    # the same moment and a different value as the company's latest reading
    reading = MeterValue(Decimal("11000"), "kWh", "11000kWh")

    stored = submit_own_reading(
        session, "0502345670", "wechat", "wechat:o1", reading, "MEDIA-1", "k1", _at(2026, 12, 15)
    )

    assert stored is not None and stored.below_company and stored.photo
    assert readings_of(session, "HM-1") == before
    (submission,) = submissions_of(session, "HM-1")
    assert (submission.value, submission.status, submission.photo_media_id) == (
        Decimal("11000.00"),
        "pending",
        "MEDIA-1",
    )
    assert submission.written == "11000kWh"


def test_an_own_reading_in_another_unit_is_kept_in_the_meter_s(
    session: Session, metered: Meter
) -> None:
    stored = submit_own_reading(
        session,
        "0502345670",
        "rest",
        "rest:me",
        MeterValue(Decimal("45"), "GJ", "45GJ"),
        None,
        None,
        NOW,
    )

    assert stored is not None and stored.value == Decimal("12500.00")  # 45 GJ in kWh
    assert not stored.below_company


def test_a_retried_message_stores_its_reading_once(session: Session, metered: Meter) -> None:
    reading = MeterValue(Decimal("12345"), None, "12345")
    for _ in range(2):
        submit_own_reading(session, "0502345670", "sms", "sms:1", reading, None, "same-key", NOW)

    assert len(submissions_of(session, "HM-1")) == 1


def test_a_reading_is_never_filed_against_someone_else_s_meter(
    session: Session, metered: Meter, add_account: Callable[..., Account]
) -> None:
    add_account("0502345671", community="翠湖苑", billing_kind="metered")
    draft = SubmissionDraft("HM-1", "0502345671", "rest", "rest:x", Decimal("1"), "1")

    with pytest.raises(NotFound):
        submit_reading(session, draft, NOW)
    reading = MeterValue(Decimal("1"), None, "1")
    own = submit_own_reading(session, "0502345671", "rest", "rest:x", reading, None, None, NOW)
    assert own is None  # that household has no meter of its own


@pytest.mark.parametrize(
    ("words", "category"),
    [
        ("热表屏幕黑了，什么都不显示", "meter_fault"),
        ("热表一直不转", "meter_fault"),
        ("你们抄的读数比我家表上多了三千", "reading_dispute"),
        ("读数有异议", "reading_dispute"),
    ],
)
def test_a_meter_problem_is_a_fault_or_a_dispute(words: str, category: str) -> None:
    assert meter_problem_category(words) == category


def test_a_cb_ticket_carries_the_household_and_the_policy_deadlines(
    bj: Policy, session: Session, metered: Meter
) -> None:
    created = _at(2026, 11, 27, 20)  # a Friday evening

    ticket = open_meter_ticket(
        session, bj, "0502345670", "wechat", "wechat:o1", "热表读数不对", "CB:k1", created
    )
    again = open_meter_ticket(
        session, bj, "0502345670", "wechat", "wechat:o1", "热表读数不对", "CB:k1", created
    )

    assert ticket.ticket_no.startswith("CB20261127") and again.ticket_no == ticket.ticket_no
    assert ticket.category == "reading_dispute"
    assert ticket.first_reply_due == created + timedelta(hours=1)
    assert ticket.on_site_due == created + timedelta(hours=48)  # metering.check_hours
    assert ticket.resolve_due == _at(2026, 12, 4, 20)  # 5 working days: Mon … Fri
    row = session.execute(select(Ticket).where(Ticket.ticket_no == ticket.ticket_no)).scalar_one()
    assert row.address == "翠湖苑1号楼1单元101" and row.phone == "13800000000"
    assert row.description == "表号 HM-1：热表读数不对"


def test_cb_due_times_follow_the_policy_file(bj: Policy) -> None:
    created = datetime(2026, 11, 27, 12, tzinfo=timezone.utc)
    due = ticket_due_times(bj, "CB", created)
    assert due.on_site == created + timedelta(hours=bj.metering.check_hours)
    assert not due.urgent and not due.alert_human


def test_migration_admits_cb_beside_existing_tickets_and_their_history(db_url: str) -> None:
    """0012 widens the tickets' kind CHECK in place, also on SQLite where a table copy would be
    refused by ticket_events' foreign key once tickets exist."""
    upgrade_with_a_ticket(db_url, "0010_contact_numbers")

    engine = get_engine(db_url)
    with engine.begin() as connection:
        connection.execute(text(INSERT_TICKET), {"no": "CB202611270001", "kind": "CB"})
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(text(INSERT_TICKET), {"no": "XX202611270001", "kind": "XX"})
    with session_scope(db_url) as session:
        kinds = sorted(session.execute(select(Ticket.kind)).scalars())
    assert kinds == ["BX", "CB"]
    dispose_engines()
