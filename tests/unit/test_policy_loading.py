"""Loading and validating policy files: the shipped cities, and every way a hand edit can go wrong.

Each broken file is a copy of the shipped Beijing policy with one change, so a test fails for
exactly the rule it names; the message must name the file and the dotted key, because that is what
a company's editor sees when the bot refuses to start.
"""

from __future__ import annotations

import copy
import dataclasses
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot import config
from bot.policy import (
    CITIES_DIR,
    PolicyError,
    available_policies,
    clear_policy_cache,
    load_policy,
    read_policy_file,
)
from bot.policy.model import MonthDay, RefundTier

DELETE = object()
_INDEX = re.compile(r"^(\w+)\[(\d+)\]$")


def _tier(low: float, high: float | None, rate: float) -> RefundTier:
    """A refund tier as the file writes it (`from`, `to`, `rate`)."""
    return RefundTier.parse_obj({"from": low, "to": high, "rate": rate})


def _set(data: dict[str, Any], dotted: str, value: Any) -> None:
    """Set (or with DELETE remove) `a.b[1].c` inside nested YAML data."""
    parts = dotted.split(".")
    node: Any = data
    for part in parts[:-1]:
        match = _INDEX.match(part)
        node = node[match.group(1)][int(match.group(2))] if match else node[part]
    last = parts[-1]
    match = _INDEX.match(last)
    if match:
        node = node[match.group(1)]
        last_key: Any = int(match.group(2))
    else:
        last_key = last
    if value is DELETE:
        del node[last_key]
    else:
        node[last_key] = value


def _city_data(city: str) -> dict[str, Any]:
    return yaml.safe_load((CITIES_DIR / f"{city}.yml").read_text(encoding="utf-8"))


def write_policy(
    tmp_path: Path, changes: dict[str, Any], base: str = "beijing", name: str = "company"
) -> Path:
    data = copy.deepcopy(_city_data(base))
    for dotted, value in changes.items():
        _set(data, dotted, value)
    path = tmp_path / f"{name}.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


# --------------------------------------------------------------------------- shipped files


def test_shipped_policies_are_beijing_and_tianjin() -> None:
    assert {"beijing", "tianjin"} <= set(available_policies())


def test_beijing_has_every_value_of_the_spec_table() -> None:
    p = load_policy("beijing", fresh=True)
    assert p.name == "beijing" and p.source == "beijing.yml" and p.city == "北京"
    assert p.season.start == MonthDay(11, 15) and p.season.end == MonthDay(3, 15)
    assert p.room_temperature.minimum_c == 18
    exc = p.room_temperature.old_building_exception
    assert exc is not None
    assert (exc.minimum_c, exc.outdoor_mean_max_c, exc.outdoor_mean_min_c) == (16, -7, -9)
    assert p.response.first_reply_hours == 1
    assert p.leak.urgent and p.leak.alert_human
    assert (p.room_temp_complaint.measure_hours, p.room_temp_complaint.fix_hours) == (6, 6)
    assert (p.repair.fix_hours, p.repair.major_fix_hours) == (8, 24)
    assert (p.complaint.acknowledge_hours, p.complaint.close_hours) == (24, 48)
    assert p.follow_up.working_days == 2
    assert p.notices.planned_stop_days == 2
    assert dict(p.notices.planned_stop_days_by_reason) == {"filling": 7, "pressure_test": 7}
    assert p.notices.emergency_hours == 2
    assert p.refund.not_fixed_within_hours == 24
    assert p.refund.boundary == "lower_inclusive"
    assert p.refund.tiers == (
        _tier(0, 2, 0.40),
        _tier(2, 4, 0.60),
        _tier(4, None, 1.00),
    )
    assert p.payment.deadline == MonthDay(12, 31)
    assert p.late_fee.daily_rate is None  # the spec gives no Beijing rate: "per contract"
    assert p.late_fee.grace_days == 0  # late fee from 01-01
    assert p.stop_heating.apply_deadline < p.season.start
    assert p.visit.require_work_id
    assert p.verification.phone_digits == 4
    assert p.verification.retry_delays_minutes == (1, 5, 15)  # then the 24-hour window
    assert p.verification.max_failures_per_account == 5
    assert p.verification.account_retry_delays_minutes == (15, 60, 240)  # then the window
    applications = p.unverified_applications  # 报停 / 查表 without the 户号: 2 a day each
    assert (applications.max_per_sender, applications.max_per_phone) == (2, 2)
    assert applications.window_hours == 24
    limits = p.report_limits  # what one conversation's reports set in motion (red team R2)
    assert (limits.urgent_per_sender, limits.repairs_per_sender, limits.window_hours) == (4, 5, 24)
    assert (limits.urgent_pages_company, limits.company_window_minutes) == (20, 15)
    assert p.company.demo  # the shipped hotline is a placeholder and must say so


def test_tianjin_differs_where_the_spec_differs() -> None:
    p = load_policy("tianjin", fresh=True)
    assert p.city == "天津"
    assert p.season.start == MonthDay(11, 15) and p.season.end == MonthDay(3, 15)
    assert p.room_temperature.minimum_c == 18
    assert p.room_temperature.old_building_exception is None
    assert p.leak.urgent and p.leak.on_site_hours == 1
    assert (p.room_temp_complaint.measure_hours, p.room_temp_complaint.fix_hours) == (24, 24)
    assert (p.repair.fix_hours, p.repair.major_fix_hours) == (8, 24)
    assert (p.complaint.acknowledge_hours, p.complaint.close_hours) == (24, 48)
    assert p.follow_up.working_days == 2
    assert p.notices.planned_stop_days == 2
    assert dict(p.notices.planned_stop_days_by_reason) == {}
    assert p.notices.emergency_hours == 2
    assert p.refund.boundary == "upper_inclusive"
    assert p.refund.tiers == (
        _tier(0, 2, 0.10),
        _tier(2, 6, 0.50),
        _tier(6, None, 1.00),
    )
    assert p.payment.deadline == MonthDay(12, 31)
    assert p.late_fee.daily_rate == 0.002


def test_policy_is_frozen() -> None:
    p = load_policy("beijing")
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.city = "上海"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.repair.fix_hours = 1  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        del p.refund.tiers[0].rate
    with pytest.raises(TypeError):
        p.notices.planned_stop_days_by_reason["filling"] = 1  # type: ignore[index]


# --------------------------------------------------------------------------- validation errors


BROKEN = [
    ({"season.start": DELETE}, "season.start is missing"),
    ({"leak": DELETE}, "leak is missing"),
    ({"season.start": "13-01"}, "season.start is not a real day of the year"),
    ({"season.start": "02-30"}, "season.start is not a real day of the year"),
    ({"season.end": "02-29"}, "season.end must not be 02-29"),
    ({"season.start": 1115}, 'season.start must be a month-day in quotes like "11-15"'),
    ({"season.start": "03-01"}, "season.end (03-15) must come before start (03-01)"),
    ({"refund.tiers[1].rate": 1.5}, "refund.tiers[1].rate must be between 0 and 1, got 1.5"),
    ({"refund.tiers[0].from": 1}, "refund.tiers[0].from must be 0"),
    ({"refund.tiers[1].from": 3}, "refund.tiers[1].from must equal tiers[0].to (2)"),
    ({"refund.tiers[2].to": 10}, "refund.tiers[2].to must be null"),
    ({"refund.tiers[1].to": 1}, "refund.tiers[1].to must be greater than from (2), got 1"),
    ({"refund.tiers[1].to": None}, "refund.tiers[1].to is null but is not the last tier"),
    ({"refund.tiers[2].rate": 0.5}, "refund.tiers[2].rate must not be lower than tiers[1].rate"),
    ({"refund.tiers[1].rate": DELETE}, "refund.tiers[1].rate is missing"),
    ({"refund.tiers": []}, "refund.tiers must be a non-empty list"),
    ({"refund.boundary": "both"}, "refund.boundary must be lower_inclusive or upper_inclusive"),
    ({"repair.fix_hour": 8}, "repair.fix_hour is not a known key (did you mean 'fix_hours'?)"),
    ({"colour": "red"}, "colour is not a known key"),
    ({"repair.fix_hours": "8h"}, "repair.fix_hours must be a number, got '8h'"),
    ({"repair.fix_hours": True}, "repair.fix_hours must be a number, got True"),
    ({"repair.fix_hours": 0}, "repair.fix_hours must be greater than 0 and at most 720, got 0"),
    ({"repair.major_fix_hours": 4}, "repair.major_fix_hours (4) must not be less than fix_hours"),
    ({"room_temp_complaint.fix_hours": 3}, "room_temp_complaint.fix_hours (3) must not be less"),
    ({"complaint.close_hours": 12}, "complaint.close_hours (12) must not be less"),
    ({"follow_up.working_days": 2.5}, "follow_up.working_days must be a whole number, got 2.5"),
    ({"room_temperature.minimum_c": 35}, "room_temperature.minimum_c must be between 10 and 30"),
    (
        {"room_temperature.old_building_exception.minimum_c": 19},
        "room_temperature.old_building_exception.minimum_c must be between 10 and 18, got 19",
    ),
    (
        {"room_temperature.old_building_exception.outdoor_mean_min_c": -5},
        "room_temperature.old_building_exception.outdoor_mean_min_c (-5) must not be above",
    ),
    ({"company.hotline": 96069}, "company.hotline must be a phone number in quotes"),
    ({"emergency.duty_phone": 4000000000}, "emergency.duty_phone must be a phone number in quotes"),
    ({"emergency.gas_phone": "燃气公司"}, "emergency.gas_phone must be a phone number in quotes"),
    ({"emergency.ambulance_phone": DELETE}, "emergency.ambulance_phone is missing"),
    ({"emergency.fire_brigade": "119"}, "emergency.fire_brigade is not a known key"),
    ({"company.sms_signature": "【示例】"}, "company.sms_signature must be 2–12 characters"),
    ({"company.demo": "yes"}, "company.demo must be true or false, got 'yes'"),
    ({"company": "示例"}, "company must be a mapping of keys, got '示例'"),
    ({"payment.channels": []}, "payment.channels must be a non-empty list of texts"),
    ({"payment.channels[1]": ""}, "payment.channels[1] must be non-empty text"),
    ({"payment.online_url": "http://pay.example.com"}, "payment.online_url must be an https://"),
    ({"payment.online_url": 42}, "payment.online_url must be an https:// address or null, got 42"),
    ({"late_fee.daily_rate": 0.02}, "late_fee.daily_rate must be between 0 and 0.01, got 0.02"),
    ({"late_fee.grace_days": -1}, "late_fee.grace_days must be between 0 and 365, got -1"),
    ({"stop_heating.apply_deadline": "12-01"}, "stop_heating.apply_deadline (12-01) must fall"),
    ({"stop_heating.base_fee_share": 30}, "stop_heating.base_fee_share must be between 0 and 1"),
    ({"calendar.holidays": ["2026-13-01"]}, "calendar.holidays[0] must be a date like 2026-10-01"),
    (
        {"calendar.holidays": ["2026-10-10"], "calendar.extra_workdays": ["2026-10-10"]},
        "calendar.extra_workdays repeats a holiday: 2026-10-10",
    ),
    (
        {"notices.planned_stop_days_by_reason.Filling": 7},
        "notices.planned_stop_days_by_reason.Filling must be a reason code",
    ),
    ({"verification.max_failures_per_sender": 0}, "verification.max_failures_per_sender must be"),
    ({"verification.retry_delays_minutes": []}, "verification.retry_delays_minutes must be a list"),
    (
        {"verification.retry_delays_minutes": [1, 15, 5]},
        "verification.retry_delays_minutes[2] (5) must not be shorter than",
    ),
    (
        {"verification.retry_delays_minutes": [0]},
        "verification.retry_delays_minutes[0] must be greater than 0",
    ),
    (
        {"verification.retry_delays_minutes": [1, 2000]},
        "verification.retry_delays_minutes[1] must be greater than 0 and at most 1440, got 2000",
    ),
    (
        {"verification.account_retry_delays_minutes": [60, 15]},
        "verification.account_retry_delays_minutes[1] (15) must not be shorter than",
    ),
    (
        {"verification.account_retry_delays_minutes": DELETE},
        "verification.account_retry_delays_minutes is missing",
    ),
    (
        {"verification.account_alert_failures": 20},
        "verification.account_alert_failures is not a known key",
    ),
    ({"verification.retry_delays_minutes": DELETE}, "verification.retry_delays_minutes is missing"),
    (
        {"verification.company_failures_per_window": DELETE},
        "verification.company_failures_per_window is missing",
    ),
    (
        {"verification.company_failures_per_window": 0},
        "verification.company_failures_per_window must be between 1 and 100000, got 0",
    ),
    (
        {"verification.source_failures_per_window": 40},
        "verification.source_failures_per_window (40) must not exceed company_failures_per_window",
    ),
    (
        {"verification.budget_window_minutes": 1500},
        "verification.budget_window_minutes must be between 1 and 1440, got 1500",
    ),
    (
        {"verification.window_hours": 0.5},
        "verification.budget_window_minutes must be between 1 and 30, got 60",
    ),
    (
        {"unverified_applications.max_per_sender": 0},
        "unverified_applications.max_per_sender must be between 1 and 50, got 0",
    ),
    ({"unverified_applications.window_hours": 0}, "unverified_applications.window_hours must be"),
    ({"unverified_applications": DELETE}, "unverified_applications is missing"),
    (
        {"report_limits.urgent_per_sender": 0},
        "report_limits.urgent_per_sender must be between 1 and 50, got 0",
    ),
    (
        {"report_limits.urgent_pages_company": 3},
        "report_limits.urgent_pages_company (3) must not be less than urgent_per_sender (4)",
    ),
    ({"report_limits.company_window_minutes": 0}, "report_limits.company_window_minutes must be"),
    ({"report_limits.repairs_per_sender": DELETE}, "report_limits.repairs_per_sender is missing"),
    ({"report_limits": DELETE}, "report_limits is missing"),
    ({"invoice.kind": "  "}, "invoice.kind must not be empty"),
    ({"visit.require_work_id": 1}, "visit.require_work_id must be true or false, got 1"),
]


@pytest.mark.parametrize(("changes", "message"), BROKEN, ids=[m for _, m in BROKEN])
def test_broken_file_names_file_and_key(
    tmp_path: Path, changes: dict[str, Any], message: str
) -> None:
    path = write_policy(tmp_path, changes)
    with pytest.raises(PolicyError) as caught:
        read_policy_file(path)
    text = str(caught.value)
    assert text.startswith("company.yml: "), text
    assert message in text, text


def test_error_names_tianjin_file(tmp_path: Path) -> None:
    """The brief's own example, on a copy of Tianjin named like the shipped file."""
    path = write_policy(tmp_path, {"refund.tiers[1].rate": 2}, base="tianjin", name="tianjin")
    with pytest.raises(PolicyError, match=r"^tianjin\.yml: refund\.tiers\[1\]\.rate must be"):
        load_policy(str(path), fresh=True)


def test_both_cities_name_a_24_hour_line_and_the_national_numbers() -> None:
    beijing, tianjin = load_policy("beijing", fresh=True), load_policy("tianjin", fresh=True)
    for p in (beijing, tianjin):
        assert p.emergency.duty_phone and p.emergency.fire_phone == "119"
        assert p.emergency.ambulance_phone == "120"
    assert beijing.emergency.gas_phone == "96777"
    assert tianjin.emergency.gas_phone is None  # not checked yet: only 119 is named


def test_calendar_section_is_optional(tmp_path: Path) -> None:
    policy = read_policy_file(write_policy(tmp_path, {"calendar": DELETE}))
    assert policy.calendar.holidays == () and policy.calendar.extra_workdays == ()


def test_holidays_accept_yaml_dates(tmp_path: Path) -> None:
    path = tmp_path / "company.yml"
    text = (CITIES_DIR / "beijing.yml").read_text(encoding="utf-8")
    text = text.replace("holidays: []", "holidays: [2026-10-02, 2026-10-01]")
    path.write_text(text, encoding="utf-8")
    assert read_policy_file(path).calendar.holidays == (date(2026, 10, 1), date(2026, 10, 2))


def test_invalid_yaml(tmp_path: Path) -> None:
    path = tmp_path / "company.yml"
    path.write_text("city: 北京\nseason: [unclosed\n", encoding="utf-8")
    with pytest.raises(PolicyError, match=r"^company\.yml: is not valid YAML"):
        read_policy_file(path)


def test_duplicate_key_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "company.yml"
    text = (CITIES_DIR / "beijing.yml").read_text(encoding="utf-8")
    text = text.replace("  fix_hours: 8\n", "  fix_hours: 8\n  fix_hours: 4\n")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(
        PolicyError, match=r"company\.yml: is not valid YAML.*duplicate key 'fix_hours'"
    ):
        read_policy_file(path)


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "company.yml"
    path.write_text("", encoding="utf-8")
    with pytest.raises(PolicyError, match=r"^company\.yml: the file must be a mapping of keys"):
        read_policy_file(path)


def test_unknown_name_lists_the_available_ones() -> None:
    with pytest.raises(PolicyError, match=r"no policy named 'shanghai'.*available: .*beijing"):
        load_policy("shanghai")


def test_bad_name_and_missing_path(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="is not a policy name"):
        load_policy("Bei Jing")
    with pytest.raises(PolicyError, match=r"^nope\.yml: no such policy file"):
        load_policy(str(tmp_path / "nope.yml"))


# --------------------------------------------------------------------------- extends


def test_company_file_extends_a_city(tmp_path: Path) -> None:
    path = tmp_path / "acme.yml"
    path.write_text(
        'extends: tianjin\ncompany:\n  name: 阿克米热力\n  hotline: "96069"\n  demo: false\n',
        encoding="utf-8",
    )
    policy = load_policy(str(path), fresh=True)
    assert policy.name == "acme" and policy.source == "acme.yml"
    assert policy.company.name == "阿克米热力" and policy.company.hotline == "96069"
    assert not policy.company.demo
    assert policy.company.sms_signature == "示例热力"  # untouched keys come from the base
    assert policy.refund.boundary == "upper_inclusive"  # and everything else too


def test_extends_override_is_validated(tmp_path: Path) -> None:
    path = tmp_path / "acme.yml"
    path.write_text("extends: beijing\nrepair:\n  fix_hours: -1\n", encoding="utf-8")
    with pytest.raises(PolicyError, match=r"^acme\.yml: repair\.fix_hours must be greater than 0"):
        read_policy_file(path)


def test_extends_loop(tmp_path: Path) -> None:
    (tmp_path / "a.yml").write_text("extends: b.yml\n", encoding="utf-8")
    (tmp_path / "b.yml").write_text("extends: a.yml\n", encoding="utf-8")
    with pytest.raises(PolicyError, match="extends itself in a loop"):
        read_policy_file(tmp_path / "a.yml")


# --------------------------------------------------------------------------- cache and default


def test_cache_and_fresh_reload(tmp_path: Path) -> None:
    path = write_policy(tmp_path, {"repair.fix_hours": 6})
    first = load_policy(str(path), fresh=True)
    assert load_policy(str(path)) is first
    write_policy(tmp_path, {"repair.fix_hours": 5})
    assert load_policy(str(path)).repair.fix_hours == 6  # cached
    assert load_policy(str(path), fresh=True).repair.fix_hours == 5
    path.write_text(path.read_text(encoding="utf-8").replace("fix_hours: 5", "fix_hours: 4"))
    clear_policy_cache()
    assert load_policy(str(path)).repair.fix_hours == 4


def test_default_comes_from_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HEATING_POLICY", "tianjin")
    config.settings.cache_clear()
    try:
        assert load_policy().name == "tianjin"
    finally:
        monkeypatch.delenv("HEATING_POLICY")
        config.settings.cache_clear()
    assert load_policy().name == "beijing"


# --------------------------------------------------------------------------- python -m bot.policy


def test_check_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from bot.policy.__main__ import main

    assert main(["tianjin"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("OK: tianjin.yml") and "[late_fee]" in out and "2‰" in out
    path = write_policy(tmp_path, {"repair.fix_hours": "eight"})
    assert main([str(path)]) == 1
    assert "company.yml: repair.fix_hours must be a number" in capsys.readouterr().err
