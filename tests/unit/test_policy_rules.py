"""The pure policy functions, with expected values worked out by hand from the spec table.

Fixed instant for ticket deadlines: Friday 2026-11-27 10:00 Asia/Shanghai (in season), so
working-day rules cross a weekend.
"""

from __future__ import annotations

import copy
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml

from bot.policy import (
    CITIES_DIR,
    Policy,
    add_working_days,
    can_apply_stop_heating,
    emergency_notice_due,
    follow_up_due,
    in_heating_season,
    is_working_day,
    late_fee,
    load_policy,
    min_room_temp,
    next_season_start,
    payment_due_date,
    planned_stop_notice_by,
    planned_stop_notice_days,
    read_policy_file,
    refund_estimate,
    refund_rate,
    season_days,
    season_label,
    stop_heating_deadline,
    ticket_due_times,
    verification_account_retry_at,
    verification_budget_retry_at,
    verification_failures_needed,
    verification_lapsed,
    verification_retry_at,
    verification_tries_left,
)
from bot.policy.loader import PolicyError

SH = ZoneInfo("Asia/Shanghai")
CREATED = datetime(2026, 11, 27, 10, 0, tzinfo=SH)


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=SH)


@pytest.fixture(scope="module")
def bj() -> Policy:
    return load_policy("beijing", fresh=True)


@pytest.fixture(scope="module")
def tj() -> Policy:
    return load_policy("tianjin", fresh=True)


def modified(tmp_path: Path, base: str, edit: dict[str, dict[str, Any]]) -> Policy:
    """A copy of a shipped policy with some sections' keys replaced, validated like any file."""
    data = yaml.safe_load((CITIES_DIR / f"{base}.yml").read_text(encoding="utf-8"))
    data = copy.deepcopy(data)
    for section, values in edit.items():
        data[section].update(values)
    path = tmp_path / f"{base}-edited.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return read_policy_file(path)


def test_fixed_instant_is_a_friday() -> None:
    assert CREATED.weekday() == 4


# --------------------------------------------------------------------------- seasons


@pytest.mark.parametrize(
    ("day", "in_season", "label", "next_start"),
    [
        (date(2026, 7, 1), False, "2026-2027", date(2026, 11, 15)),
        (date(2026, 11, 14), False, "2026-2027", date(2026, 11, 15)),
        (date(2026, 11, 15), True, "2026-2027", date(2027, 11, 15)),
        (date(2026, 12, 31), True, "2026-2027", date(2027, 11, 15)),
        (date(2027, 1, 1), True, "2026-2027", date(2027, 11, 15)),
        (date(2027, 2, 28), True, "2026-2027", date(2027, 11, 15)),
        (date(2027, 3, 15), True, "2026-2027", date(2027, 11, 15)),
        (date(2027, 3, 16), False, "2027-2028", date(2027, 11, 15)),
        (date(2028, 2, 29), True, "2027-2028", date(2028, 11, 15)),
    ],
)
def test_season_boundaries(
    bj: Policy, tj: Policy, day: date, in_season: bool, label: str, next_start: date
) -> None:
    for policy in (bj, tj):
        assert in_heating_season(policy, day) is in_season
        assert season_label(policy, day) == label
        assert next_season_start(policy, day) == next_start


def test_season_accepts_datetimes(bj: Policy) -> None:
    assert in_heating_season(bj, datetime(2026, 11, 15, 0, 5, tzinfo=SH))
    assert not in_heating_season(bj, datetime(2026, 11, 14, 23, 55, tzinfo=SH))


def test_season_days_count_both_ends(bj: Policy) -> None:
    # 16 (Nov 15–30) + 31 + 31 + 28 + 15 = 121; the 2027-2028 season has Feb 29 → 122
    assert season_days(bj) == 121
    assert season_days(bj, 2026) == 121
    assert season_days(bj, 2027) == 122


def test_season_follows_the_file(tmp_path: Path) -> None:
    policy = modified(
        tmp_path,
        "beijing",
        {"season": {"start": "11-01", "end": "03-31"}, "stop_heating": {"apply_deadline": "10-31"}},
    )
    assert in_heating_season(policy, date(2026, 11, 1))
    assert not in_heating_season(policy, date(2026, 10, 31))
    assert in_heating_season(policy, date(2027, 3, 31))
    assert not in_heating_season(policy, date(2027, 4, 1))
    assert season_label(policy, date(2027, 3, 31)) == "2026-2027"
    assert season_label(policy, date(2027, 4, 1)) == "2027-2028"
    assert next_season_start(policy, date(2026, 6, 1)) == date(2026, 11, 1)


# --------------------------------------------------------------------------- ticket deadlines


def test_bx_ordinary_fault(bj: Policy, tj: Policy) -> None:
    for policy in (bj, tj):
        due = ticket_due_times(policy, "BX", CREATED, fault_type="no_heat")
        assert due.first_reply == at(27, 11)
        assert due.on_site is None
        assert due.resolve == at(27, 18)  # 8 h
        assert due.acknowledge is None
        assert not due.urgent and not due.alert_human


def test_bx_major_fault(bj: Policy, tj: Policy) -> None:
    for policy in (bj, tj):
        due = ticket_due_times(policy, "BX", CREATED, fault_type="valve", major=True)
        assert due.resolve == at(28, 10)  # 24 h
        assert due.on_site is None


def test_bx_leak_beijing_alerts_a_human(bj: Policy) -> None:
    due = ticket_due_times(bj, "BX", CREATED, fault_type="leak")
    assert due.urgent and due.alert_human
    assert due.on_site == at(27, 11)
    assert due.first_reply == at(27, 11)
    assert due.resolve == at(27, 18)


def test_bx_leak_tianjin_on_site_within_an_hour(tj: Policy) -> None:
    due = ticket_due_times(tj, "BX", CREATED, fault_type="leak")
    assert due.urgent and not due.alert_human
    assert due.on_site == at(27, 11)


def test_bx_marked_urgent_takes_the_leak_path(bj: Policy) -> None:
    due = ticket_due_times(bj, "BX", CREATED, fault_type="noise", urgent=True)
    assert due.urgent and due.alert_human and due.on_site == at(27, 11)


def test_bx_first_reply_never_after_on_site(tmp_path: Path) -> None:
    policy = modified(tmp_path, "tianjin", {"leak": {"on_site_hours": 0.5}})
    due = ticket_due_times(policy, "BX", CREATED, fault_type="leak")
    assert due.on_site == at(27, 10, 30)
    assert due.first_reply == at(27, 10, 30)


def test_cw_room_temperature(bj: Policy, tj: Policy) -> None:
    due = ticket_due_times(bj, "CW", CREATED)
    assert (due.first_reply, due.on_site, due.resolve) == (at(27, 11), at(27, 16), at(27, 16))
    due = ticket_due_times(tj, "CW", CREATED)
    assert (due.first_reply, due.on_site, due.resolve) == (at(27, 11), at(28, 10), at(28, 10))


def test_a_later_visit_starts_the_on_site_and_fix_clocks(bj: Policy, tj: Policy) -> None:
    visit = at(28, 8)
    due = ticket_due_times(bj, "BX", CREATED, fault_type="no_heat", visit_start=visit)
    assert due.first_reply == at(27, 11)  # contact still within the hour of the report
    assert due.resolve == at(28, 16)  # 8 h from the visit, not from the report
    due = ticket_due_times(tj, "CW", CREATED, visit_start=visit)
    assert (due.first_reply, due.on_site, due.resolve) == (at(27, 11), at(29, 8), at(29, 8))


def test_a_visit_window_never_delays_a_leak_or_moves_a_deadline_earlier(bj: Policy) -> None:
    leak = ticket_due_times(bj, "BX", CREATED, fault_type="leak", visit_start=at(28, 8))
    assert (leak.on_site, leak.resolve) == (at(27, 11), at(27, 18))
    past = ticket_due_times(bj, "BX", CREATED, fault_type="no_heat", visit_start=at(27, 6))
    assert past.resolve == at(27, 18)
    with pytest.raises(ValueError, match="visit_start"):
        ticket_due_times(bj, "BX", CREATED, visit_start=datetime(2026, 11, 28, 8))


def test_a_leak_said_to_wait_is_repaired_in_its_window_and_pages_nobody(bj: Policy) -> None:
    """A slow drip the resident said can wait, booked for the 28th: the leak rule's hour from
    the report promised a fix before the visit and paged the duty team."""
    due = ticket_due_times(
        bj, "BX", CREATED, fault_type="leak", visit_start=at(28, 8), can_wait=True
    )
    assert (due.on_site, due.resolve) == (None, at(28, 16))
    assert not due.urgent and not due.alert_human
    urgent = ticket_due_times(
        bj, "BX", CREATED, fault_type="leak", urgent=True, visit_start=at(28, 8), can_wait=True
    )
    assert urgent.on_site == at(27, 11) and urgent.alert_human


def test_ts_complaint(bj: Policy, tj: Policy) -> None:
    for policy in (bj, tj):
        due = ticket_due_times(policy, "TS", CREATED)
        assert due.first_reply == at(27, 11)
        assert due.acknowledge == at(28, 10)
        assert due.resolve == at(29, 10)
        assert due.on_site is None


def test_bt_stop_heating_counts_working_days(bj: Policy, tj: Policy) -> None:
    for policy in (bj, tj):
        due = ticket_due_times(policy, "BT", CREATED)
        assert due.first_reply == at(27, 11)
        assert due.resolve == at(2, 10, month=12)  # Fri + 3 working days: Mon, Tue, Wed
        assert due.on_site is None


def test_rg_call_back(bj: Policy, tj: Policy) -> None:
    for policy in (bj, tj):
        due = ticket_due_times(policy, "RG", CREATED)
        assert due.first_reply == due.resolve == at(27, 11)
        assert due.on_site is None


def test_due_times_follow_the_file(tmp_path: Path) -> None:
    policy = modified(
        tmp_path,
        "beijing",
        {"response": {"first_reply_hours": 2}, "repair": {"fix_hours": 4, "major_fix_hours": 12}},
    )
    due = ticket_due_times(policy, "BX", CREATED, fault_type="air")
    assert (due.first_reply, due.resolve) == (at(27, 12), at(27, 14))


def test_due_times_keep_the_zone(bj: Policy) -> None:
    created = datetime(2026, 11, 27, 2, 0, tzinfo=timezone.utc)
    due = ticket_due_times(bj, "CW", created)
    assert due.on_site == datetime(2026, 11, 27, 8, 0, tzinfo=timezone.utc)
    assert due.on_site.tzinfo is timezone.utc


def test_due_times_reject_bad_input(bj: Policy) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        ticket_due_times(bj, "BX", datetime(2026, 11, 27, 10, 0))
    with pytest.raises(ValueError, match="unknown ticket kind"):
        ticket_due_times(bj, "XX", CREATED)
    with pytest.raises(ValueError, match="unknown fault_type"):
        ticket_due_times(bj, "BX", CREATED, fault_type="漏水")
    with pytest.raises(TypeError):
        ticket_due_times(bj, "BX", "leak", True, CREATED)  # type: ignore[arg-type, call-arg]


# --------------------------------------------------------------------------- working days, notices


def test_follow_up_skips_weekend_and_holidays(bj: Policy, tmp_path: Path) -> None:
    closed = at(27, 16)  # Friday
    assert follow_up_due(bj, closed) == at(1, 16, month=12)  # Mon 30, Tue 1
    policy = modified(
        tmp_path,
        "beijing",
        {"calendar": {"holidays": ["2026-11-30"], "extra_workdays": ["2026-11-28"]}},
    )
    assert not is_working_day(policy, date(2026, 11, 30))
    assert is_working_day(policy, date(2026, 11, 28))
    assert follow_up_due(policy, closed) == at(1, 16, month=12)  # Sat 28 (调休), Tue 1
    assert add_working_days(policy, at(28, 9), 1) == at(1, 9, month=12)
    assert add_working_days(bj, closed, 0) == closed


def test_notice_days(bj: Policy, tj: Policy) -> None:
    assert planned_stop_notice_days(bj) == 2
    assert planned_stop_notice_days(bj, "filling") == 7
    assert planned_stop_notice_days(bj, "pressure_test") == 7
    assert planned_stop_notice_days(bj, "pipe_work") == 2
    assert planned_stop_notice_days(tj, "filling") == 2
    stop = datetime(2026, 10, 20, 9, 0, tzinfo=SH)
    assert planned_stop_notice_by(bj, stop, "pressure_test") == datetime(
        2026, 10, 13, 9, 0, tzinfo=SH
    )
    assert planned_stop_notice_by(tj, stop) == datetime(2026, 10, 18, 9, 0, tzinfo=SH)
    assert emergency_notice_due(bj, at(27, 23)) == at(28, 1)


# --------------------------------------------------------------------------- room temperature


@pytest.mark.parametrize(
    ("old", "outdoor", "expected"),
    [
        (False, None, 18),
        (False, -8, 18),
        (True, None, 18),
        (True, -6.9, 18),
        (True, -7, 16),
        (True, -8, 16),
        (True, -9, 16),
        (True, -9.1, 18),
    ],
)
def test_min_room_temp_beijing(
    bj: Policy, old: bool, outdoor: float | None, expected: float
) -> None:
    assert min_room_temp(bj, old_building=old, outdoor_mean_c=outdoor) == expected


def test_min_room_temp_tianjin_has_no_exception(tj: Policy) -> None:
    assert min_room_temp(tj, old_building=True, outdoor_mean_c=-8) == 18


def test_open_ended_exception(tmp_path: Path) -> None:
    policy = modified(
        tmp_path,
        "beijing",
        {
            "room_temperature": {
                "minimum_c": 18,
                "old_building_exception": {
                    "minimum_c": 16,
                    "outdoor_mean_max_c": -7,
                    "outdoor_mean_min_c": None,
                },
            }
        },
    )
    assert min_room_temp(policy, old_building=True, outdoor_mean_c=-15) == 16


# --------------------------------------------------------------------------- refunds


@pytest.mark.parametrize(
    ("below", "rate"),
    [(-1, 0), (0, 0), (0.01, 0.4), (1.99, 0.4), (2, 0.6), (3.99, 0.6), (4, 1.0), (12, 1.0)],
)
def test_refund_tiers_beijing_lower_bound_inclusive(bj: Policy, below: float, rate: float) -> None:
    assert refund_rate(bj, below) == rate


@pytest.mark.parametrize(
    ("below", "rate"),
    [(-1, 0), (0, 0), (0.01, 0.1), (2, 0.1), (2.01, 0.5), (6, 0.5), (6.01, 1.0), (12, 1.0)],
)
def test_refund_tiers_tianjin_upper_bound_inclusive(tj: Policy, below: float, rate: float) -> None:
    assert refund_rate(tj, below) == rate


def test_refund_rate_ignores_float_noise(bj: Policy, tj: Policy) -> None:
    assert 10.2 - 6.2 < 4  # 3.999999999999999
    assert refund_rate(bj, 10.2 - 6.2) == 1.0
    assert 10.3 - 4.3 > 6  # 6.000000000000001
    assert refund_rate(tj, 10.3 - 4.3) == 0.5


def test_refund_estimate_beijing(bj: Policy) -> None:
    # 3 ℃ below 18 → 60 %; 100 m² × 24 = 2400 a season; 2400 / 121 = 19.8347 a day;
    # 2400 × 0.6 × 3 / 121 = 4320 / 121 = 35.7025 → 35.70
    est = refund_estimate(bj, measured_c=15.0, area_m2=100, price_per_m2_season=24, days=3)
    assert (est.standard_c, est.degrees_below, est.rate) == (18, 3.0, 0.6)
    assert est.season_fee == Decimal("2400.00")
    assert est.season_days == 121
    assert est.daily_fee == Decimal("19.83")
    assert est.amount == Decimal("35.70")


def test_refund_estimate_tianjin(tj: Policy) -> None:
    # 3 ℃ below → 50 %; 100 × 25 = 2500; 2500 × 0.5 × 3 / 121 = 3750 / 121 = 30.9917 → 30.99
    est = refund_estimate(tj, measured_c=15.0, area_m2=100, price_per_m2_season=25, days=3)
    assert est.rate == 0.5
    assert est.daily_fee == Decimal("20.66")
    assert est.amount == Decimal("30.99")


def test_refund_estimate_old_building(bj: Policy) -> None:
    # at −8 ℃ outside the standard is 16: 0.5 below → 40 %; 80 × 24 = 1920;
    # 1920 × 0.4 × 2 / 121 = 1536 / 121 = 12.6942 → 12.69
    est = refund_estimate(bj, 15.5, 80, 24, 2, old_building=True, outdoor_mean_c=-8)
    assert (est.standard_c, est.rate, est.amount) == (16, 0.4, Decimal("12.69"))
    # without the outdoor mean the normal 18 holds: 2.5 below → 60 %; 2304 / 121 = 19.0413 → 19.04
    est = refund_estimate(bj, 15.5, 80, 24, 2, old_building=True)
    assert (est.standard_c, est.rate, est.amount) == (18, 0.6, Decimal("19.04"))


def test_refund_estimate_leap_season_and_edge_cases(bj: Policy) -> None:
    # 2027-2028 has 122 days: 4320 / 122 = 35.4098 → 35.41
    assert refund_estimate(bj, 15.0, 100, 24, 3, start_year=2027).amount == Decimal("35.41")
    warm = refund_estimate(bj, 18.5, 100, 24, 3)
    assert (warm.rate, warm.amount, warm.degrees_below) == (0.0, Decimal("0.00"), 0.0)
    with pytest.raises(ValueError):
        refund_estimate(bj, 15.0, 0, 24, 3)
    with pytest.raises(ValueError):
        refund_estimate(bj, 15.0, 100, 24, -1)


def test_refund_follows_the_file(tmp_path: Path) -> None:
    tiers = [{"from": 0, "to": 3, "rate": 0.25}, {"from": 3, "to": None, "rate": 0.75}]
    policy = modified(tmp_path, "beijing", {"refund": {"tiers": tiers}})
    assert refund_rate(policy, 2.99) == 0.25
    assert refund_rate(policy, 3) == 0.75


# --------------------------------------------------------------------------- payment, late fee


def test_payment_due_date(bj: Policy) -> None:
    assert payment_due_date(bj, date(2026, 6, 1)) == date(2026, 12, 31)
    assert payment_due_date(bj, date(2026, 11, 20)) == date(2026, 12, 31)
    assert payment_due_date(bj, date(2027, 2, 1)) == date(2026, 12, 31)
    assert payment_due_date(bj, date(2027, 3, 16)) == date(2027, 12, 31)


def test_late_fee_tianjin(tj: Policy) -> None:
    due = date(2026, 12, 31)
    assert late_fee(tj, Decimal("2400"), due, date(2026, 12, 20)) == Decimal("0.00")
    assert late_fee(tj, Decimal("2400"), due, due) == Decimal("0.00")
    assert late_fee(tj, Decimal("2400"), due, date(2027, 1, 1)) == Decimal("4.80")  # 1 day × 2‰
    assert late_fee(tj, Decimal("2400"), due, date(2027, 1, 10)) == Decimal("48.00")  # 10 days
    # 1234.56 × 0.002 × 3 = 7.40736 → 7.41
    assert late_fee(tj, 1234.56, due, date(2027, 1, 3)) == Decimal("7.41")
    # capped at the amount due: 600 days × 2‰ = 120 % → 100 %
    assert late_fee(tj, Decimal("2400"), due, due + timedelta(days=600)) == Decimal("2400.00")
    assert late_fee(tj, Decimal("0"), due, date(2027, 1, 10)) == Decimal("0.00")


def test_late_fee_beijing_is_per_contract(bj: Policy) -> None:
    assert late_fee(bj, Decimal("2400"), date(2026, 12, 31), date(2027, 2, 1)) == Decimal("0.00")


def test_late_fee_follows_the_file(tmp_path: Path) -> None:
    policy = modified(tmp_path, "beijing", {"late_fee": {"daily_rate": 0.001, "grace_days": 5}})
    due = date(2026, 12, 31)
    assert late_fee(policy, Decimal("2400"), due, date(2027, 1, 5)) == Decimal("0.00")
    assert late_fee(policy, Decimal("2400"), due, date(2027, 1, 6)) == Decimal("2.40")


# --------------------------------------------------------------------------- 报停, verification


@pytest.mark.parametrize(
    ("day", "allowed"),
    [
        (date(2026, 7, 1), True),
        (date(2026, 11, 14), True),
        (date(2026, 11, 15), False),
        (date(2027, 1, 10), False),
        (date(2027, 3, 15), False),
        (date(2027, 3, 16), True),
    ],
)
def test_stop_heating_window(bj: Policy, day: date, allowed: bool) -> None:
    assert can_apply_stop_heating(bj, day) is allowed


def test_stop_heating_deadline(bj: Policy) -> None:
    assert stop_heating_deadline(bj, date(2026, 7, 1)) == date(2026, 11, 14)
    assert stop_heating_deadline(bj, date(2026, 11, 14)) == date(2026, 11, 14)
    assert stop_heating_deadline(bj, date(2026, 11, 20)) == date(2027, 11, 14)


def _failures(count: int, every: timedelta = timedelta(0)) -> tuple[datetime, ...]:
    """`count` failures, newest first, the latest at CREATED and each earlier by `every`."""
    return tuple(CREATED - n * every for n in range(count))


def test_a_sender_past_its_free_failures_waits_longer_after_each(bj: Policy) -> None:
    def retry_at(count: int) -> datetime | None:
        failures = _failures(count, timedelta(minutes=20))
        return verification_retry_at(bj, sender_failures=failures, account_failures=())

    assert [retry_at(n) for n in range(5)] == [None] * 5
    waits = [timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=15)]
    assert [retry_at(n) for n in (5, 6, 7)] == [CREATED + w for w in waits]
    # Past the list: until the oldest of the 8 counted failures leaves the 24-hour window.
    assert verification_failures_needed(bj) == 8
    assert retry_at(8) == CREATED - 7 * timedelta(minutes=20) + timedelta(hours=24)
    assert retry_at(8) == retry_at(9)  # more failures than needed change nothing


def test_failures_on_an_account_by_anyone_cool_it_down_for_every_sender(bj: Policy) -> None:
    def retry_at(count: int) -> datetime | None:
        failures = _failures(count, timedelta(minutes=20))
        return verification_retry_at(bj, sender_failures=(), account_failures=failures)

    assert [retry_at(n) for n in range(5)] == [None] * 5
    waits = [timedelta(minutes=15), timedelta(minutes=60), timedelta(minutes=240)]
    assert [retry_at(n) for n in (5, 6, 7)] == [CREATED + w for w in waits]
    assert verification_failures_needed(bj, account=True) == 8
    assert retry_at(8) == CREATED - 7 * timedelta(minutes=20) + timedelta(hours=24)
    assert (
        retry_at(8)
        == retry_at(9)
        == verification_account_retry_at(bj, _failures(9, timedelta(minutes=20)))
    )


def test_the_later_of_the_sender_and_account_waits_wins(bj: Policy) -> None:
    # 7 failures by this sender elsewhere (15 min) and 5 on the account (15 min from its newest)
    older = _failures(5, timedelta(minutes=1))
    assert verification_retry_at(
        bj, sender_failures=_failures(7), account_failures=older
    ) == CREATED + timedelta(minutes=15)
    assert verification_retry_at(
        bj, sender_failures=_failures(8), account_failures=older
    ) == CREATED + timedelta(hours=24)


def test_the_tries_left_count_only_the_senders_own_failures(bj: Policy) -> None:
    """Others' failures on the account are no part of it: a countdown that took them told a
    stranger that someone else had been trying that household's digits (red team R1)."""
    assert [verification_tries_left(bj, n) for n in (1, 4, 5, 7)] == [4, 1, 0, 0]


def test_a_budget_across_accounts_is_spent_until_its_oldest_counted_failure_leaves_the_window(
    bj: Policy,
) -> None:
    v = bj.verification
    assert (v.budget_window_minutes, v.company_failures_per_window) == (60, 30)
    assert v.source_failures_per_window == 10
    spaced = _failures(31, timedelta(minutes=1))  # newest first, one a minute
    assert verification_budget_retry_at(bj, spaced[:29], 30) is None
    # The 30th failure spends it until the oldest of those 30 is an hour old; then one more.
    assert verification_budget_retry_at(bj, spaced[:30], 30) == CREATED - timedelta(
        minutes=29
    ) + timedelta(minutes=60)
    assert verification_budget_retry_at(bj, spaced, 30) == verification_budget_retry_at(
        bj, spaced[:30], 30
    )
    assert verification_budget_retry_at(bj, spaced[:10], 10) == CREATED - timedelta(
        minutes=9
    ) + timedelta(minutes=60)


@pytest.mark.parametrize(
    ("gaps_minutes", "lapsed"),
    [
        ((), False),  # verified in this very turn
        ((15,), False),  # exactly the idle limit still holds
        ((16,), True),
        ((3, 3, 14), False),
        ((20, 1, 1), True),  # an earlier pause ends it, even though the last one is short
    ],
)
def test_a_verification_lapses_after_a_pause_over_the_idle_limit(
    bj: Policy, gaps_minutes: tuple[int, ...], lapsed: bool
) -> None:
    assert bj.verification.idle_minutes == 15
    moments = [CREATED]
    for gap in gaps_minutes:
        moments.append(moments[-1] + timedelta(minutes=gap))
    assert verification_lapsed(bj, moments) is lapsed


def test_the_idle_limit_is_a_validated_policy_value(tmp_path: Path) -> None:
    assert (
        modified(
            tmp_path, "tianjin", {"verification": {"idle_minutes": 30}}
        ).verification.idle_minutes
        == 30
    )
    with pytest.raises(PolicyError, match="idle_minutes"):
        modified(tmp_path, "beijing", {"verification": {"idle_minutes": 0}})
