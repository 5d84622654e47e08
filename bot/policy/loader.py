"""Reading and validating a policy file.

A heating company edits its policy YAML by hand, usually someone who is not a programmer, and a
wrong value there turns into a wrong promise to thousands of customers. So the loader is strict:
every key must be present with the right type and range, unknown keys (typos) are refused, and the
first problem stops the process with a message that names the file and the dotted key, e.g.
`tianjin.yml: refund.tiers[1].rate must be between 0 and 1, got 1.5`.

Reading the file is the only I/O of `bot.policy`; everything else is pure.
"""

from __future__ import annotations

import difflib
import re
import threading
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any, NoReturn

import yaml

from bot.policy.model import (
    DEADLINES,
    AccountTransfer,
    Calendar,
    Company,
    Complaint,
    EmergencyNumbers,
    Escalation,
    Fees,
    FollowUp,
    Handoff,
    Invoice,
    LateFee,
    Leak,
    Metering,
    MonthDay,
    Notices,
    OldBuildingException,
    Payment,
    Policy,
    Quality,
    QualityTargets,
    Refund,
    RefundTier,
    Repair,
    Response,
    RoomTempComplaint,
    RoomTemperature,
    Season,
    SmsLimits,
    StopHeating,
    TierBoundary,
    Verification,
    Visit,
)

CITIES_DIR = Path(__file__).resolve().parent / "cities"
"""Where the shipped city policies live: a bare name `tianjin` means `<CITIES_DIR>/tianjin.yml`."""

_NAME = re.compile(r"^[a-z][a-z0-9_-]*$")
_MONTH_DAY = re.compile(r"^(\d{1,2})-(\d{1,2})$")
_HOTLINE = re.compile(r"^[0-9][0-9-]{2,19}$")
_HTTPS_URL = re.compile(r"^https://[^\s<>\"']+$")
_IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]*$")
_MAX_HOURS = 720.0  # 30 days: anything longer is certainly a typo for a service deadline
_MISSING: Any = object()


class PolicyError(ValueError):
    """A policy file is missing, unreadable or invalid; the message names the file and the key."""


# ---------------------------------------------------------------- YAML with no duplicate keys


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate keys, which PyYAML would otherwise silently overwrite.

    A duplicated `fix_hours:` in a hand-edited file is an easy mistake whose effect (the second one
    wins) nobody would notice until a deadline is wrong.
    """


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str | int | float | bool):
            continue  # an odd key (a list…) is reported later as unknown, not here
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node, deep=True)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


# --------------------------------------------------------------------------- typed reading


class _Section:
    """One mapping of the file being read, with its dotted path, so every error can name its key.

    Each accessor marks its key as known; `finish()` then rejects whatever was left (typos).
    """

    def __init__(self, file: str, path: str, data: Any) -> None:
        self.file = file
        self.path = path
        if not isinstance(data, Mapping):
            self._fail_here(f"must be a mapping of keys, got {_show(data)}")
        self.data: Mapping[Any, Any] = data
        self.seen: set[str] = set()

    def key_path(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def _fail_here(self, message: str) -> NoReturn:
        where = self.path or "the file"
        raise PolicyError(f"{self.file}: {where} {message}")

    def fail(self, key: str, message: str) -> NoReturn:
        raise PolicyError(f"{self.file}: {self.key_path(key)} {message}")

    def raw(self, key: str, default: Any = _MISSING) -> Any:
        self.seen.add(key)
        if key not in self.data:
            if default is _MISSING:
                self.fail(key, "is missing")
            return default
        return self.data[key]

    def section(self, key: str, default: Any = _MISSING) -> _Section:
        return _Section(self.file, self.key_path(key), self.raw(key, default))

    def number(
        self, key: str, low: float, high: float, *, low_open: bool = False, value: Any = _MISSING
    ) -> float:
        raw = self.raw(key) if value is _MISSING else value
        if isinstance(raw, bool) or not isinstance(raw, int | float):
            self.fail(key, f"must be a number, got {_show(raw)}")
        if low_open and not low < raw <= high:
            self.fail(
                key, f"must be greater than {_fmt(low)} and at most {_fmt(high)}, got {_fmt(raw)}"
            )
        if not low <= raw <= high:
            self.fail(key, f"must be between {_fmt(low)} and {_fmt(high)}, got {_fmt(raw)}")
        return float(raw)

    def optional_number(
        self, key: str, low: float, high: float, *, low_open: bool = False
    ) -> float | None:
        raw = self.raw(key)
        if raw is None:
            return None
        return self.number(key, low, high, low_open=low_open, value=raw)

    def hours(self, key: str) -> float:
        return self.number(key, 0, _MAX_HOURS, low_open=True)

    def integer(self, key: str, low: int, high: int, *, value: Any = _MISSING) -> int:
        raw = self.raw(key) if value is _MISSING else value
        if isinstance(raw, bool) or not isinstance(raw, int):
            self.fail(key, f"must be a whole number, got {_show(raw)}")
        if not low <= raw <= high:
            self.fail(key, f"must be between {low} and {high}, got {raw}")
        return raw

    def flag(self, key: str, default: Any = _MISSING) -> bool:
        raw = self.raw(key, default)
        if not isinstance(raw, bool):
            self.fail(key, f"must be true or false, got {_show(raw)}")
        return raw

    def text(self, key: str, *, max_len: int = 200, allow_empty: bool = False) -> str:
        raw = self.raw(key)
        if not isinstance(raw, str):
            self.fail(key, f"must be text, got {_show(raw)}")
        value = raw.strip()
        if not value and not allow_empty:
            self.fail(key, "must not be empty")
        if len(value) > max_len:
            self.fail(key, f"must be at most {max_len} characters, got {len(value)}")
        return value

    def text_list(self, key: str, *, max_len: int = 60) -> tuple[str, ...]:
        raw = self.raw(key)
        if not isinstance(raw, list) or not raw:
            self.fail(key, f"must be a non-empty list of texts, got {_show(raw)}")
        items: list[str] = []
        for index, item in enumerate(raw):
            item_key = f"{key}[{index}]"
            if not isinstance(item, str) or not item.strip():
                self.fail(item_key, f"must be non-empty text, got {_show(item)}")
            text = item.strip()
            if len(text) > max_len:
                self.fail(item_key, f"must be at most {max_len} characters, got {len(text)}")
            items.append(text)
        return tuple(items)

    def month_day(self, key: str) -> MonthDay:
        raw = self.raw(key)
        match = _MONTH_DAY.match(raw.strip()) if isinstance(raw, str) else None
        if match is None:
            self.fail(key, f'must be a month-day in quotes like "11-15", got {_show(raw)}')
        month, day = int(match.group(1)), int(match.group(2))
        if (month, day) == (2, 29):
            self.fail(key, "must not be 02-29: that day does not exist every year")
        try:
            date(2001, month, day)
        except ValueError:
            self.fail(key, f"is not a real day of the year: {raw!r}")
        return MonthDay(month, day)

    def date_list(self, key: str) -> tuple[date, ...]:
        raw = self.raw(key, [])
        if raw is None:
            return ()
        if not isinstance(raw, list):
            self.fail(key, f"must be a list of dates like 2026-10-01, got {_show(raw)}")
        days: list[date] = []
        for index, item in enumerate(raw):
            day = _as_date(item)
            if day is None:
                self.fail(f"{key}[{index}]", f"must be a date like 2026-10-01, got {_show(item)}")
            days.append(day)
        return tuple(sorted(set(days)))

    def finish(self) -> None:
        """Refuse keys that no accessor asked for: in a hand-edited file they are typos."""
        for key in self.data:
            name = str(key)
            if name in self.seen:
                continue
            close = difflib.get_close_matches(name, sorted(self.seen), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            self.fail(name, f"is not a known key{hint}")


def _as_date(value: Any) -> date | None:
    """A YAML date (PyYAML parses unquoted 2026-10-01) or an ISO date string; else `None`."""
    if isinstance(value, datetime):
        return None
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _show(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return repr(value)


def _fmt(value: float) -> str:
    return f"{value:g}"


# --------------------------------------------------------------------------- the schema


def parse_policy(data: Any, *, name: str, source: str) -> Policy:
    """Validate already-parsed YAML data and build a `Policy`, raising `PolicyError`.

    `source` is the file name used in error messages (`tianjin.yml`); `name` becomes `Policy.name`.
    Separate from file reading so tests and tools can validate a dict directly.
    """
    root = _Section(source, "", data)
    root.seen.add("extends")  # consumed by the file loader before we get here
    city = root.text("city", max_len=20)
    company = _company(root.section("company"))
    season = _season(root.section("season"))
    policy = Policy(
        name=name,
        source=source,
        city=city,
        company=company,
        season=season,
        room_temperature=_room_temperature(root.section("room_temperature")),
        response=_response(root.section("response")),
        leak=_leak(root.section("leak")),
        emergency=_emergency(root.section("emergency")),
        room_temp_complaint=_room_temp_complaint(root.section("room_temp_complaint")),
        repair=_repair(root.section("repair")),
        complaint=_complaint(root.section("complaint")),
        follow_up=_follow_up(root.section("follow_up")),
        escalation=_escalation(root.section("escalation")),
        calendar=_calendar(root.section("calendar", {})),
        notices=_notices(root.section("notices")),
        refund=_refund(root.section("refund")),
        payment=_payment(root.section("payment")),
        late_fee=_late_fee(root.section("late_fee")),
        stop_heating=_stop_heating(root.section("stop_heating"), season),
        fees=_fees(root.section("fees")),
        metering=_metering(root.section("metering")),
        invoice=_invoice(root.section("invoice")),
        account_transfer=_account_transfer(root.section("account_transfer")),
        verification=_verification(root.section("verification")),
        visit=_visit(root.section("visit")),
        handoff=_handoff(root.section("handoff")),
        sms=_sms(root.section("sms")),
        quality=_quality(root.section("quality")),
    )
    root.finish()
    return policy


def _company(s: _Section) -> Company:
    signature = s.text("sms_signature", max_len=12)
    if len(signature) < 2 or any(ch in signature for ch in "【】[]"):
        s.fail(
            "sms_signature",
            "must be 2–12 characters without brackets (the SMS sender adds 【】), "
            f"got {signature!r}",
        )
    company = Company(
        name=s.text("name", max_len=40),
        sms_signature=signature,
        hotline=_phone_number(s, "hotline"),
        hotline_hours=s.text("hotline_hours", max_len=30),
        demo=s.flag("demo", False),
    )
    s.finish()
    return company


def _season(s: _Section) -> Season:
    season = Season(start=s.month_day("start"), end=s.month_day("end"))
    if not season.end < season.start:
        s.fail(
            "end",
            f"({season.end}) must come before start ({season.start}) in the calendar year: "
            "the heating season runs across the new year",
        )
    s.finish()
    return season


def _room_temperature(s: _Section) -> RoomTemperature:
    minimum = s.number("minimum_c", 10, 30)
    raw_exception = s.raw("old_building_exception")
    exception = None
    if raw_exception is not None:
        e = s.section("old_building_exception")
        exception = OldBuildingException(
            minimum_c=e.number("minimum_c", 10, minimum),
            outdoor_mean_max_c=e.number("outdoor_mean_max_c", -50, 10),
            outdoor_mean_min_c=e.optional_number("outdoor_mean_min_c", -50, 10),
        )
        low = exception.outdoor_mean_min_c
        if low is not None and low > exception.outdoor_mean_max_c:
            e.fail(
                "outdoor_mean_min_c",
                f"({_fmt(low)}) must not be above outdoor_mean_max_c "
                f"({_fmt(exception.outdoor_mean_max_c)})",
            )
        e.finish()
    s.finish()
    return RoomTemperature(minimum_c=minimum, old_building_exception=exception)


def _response(s: _Section) -> Response:
    response = Response(first_reply_hours=s.hours("first_reply_hours"))
    s.finish()
    return response


def _leak(s: _Section) -> Leak:
    leak = Leak(
        urgent=s.flag("urgent"),
        alert_human=s.flag("alert_human"),
        on_site_hours=s.hours("on_site_hours"),
        incident_minutes=s.integer(
            "incident_minutes", 0, 24 * 60, value=s.raw("incident_minutes", 120)
        ),
    )
    s.finish()
    return leak


def _phone_number(s: _Section, key: str) -> str:
    """A phone number as customers dial it, quoted (unquoted 096069 would lose its 0 in YAML)."""
    raw = s.raw(key)
    if not isinstance(raw, str) or not _HOTLINE.match(raw.strip()):
        s.fail(key, f'must be a phone number in quotes like "96069", got {_show(raw)}')
    return raw.strip()


def _emergency(s: _Section) -> EmergencyNumbers:
    """The safety net's numbers; `gas_phone: null` until the company has checked its city's."""
    numbers = EmergencyNumbers(
        duty_phone=_phone_number(s, "duty_phone"),
        gas_phone=None if s.raw("gas_phone") is None else _phone_number(s, "gas_phone"),
        fire_phone=_phone_number(s, "fire_phone"),
        ambulance_phone=_phone_number(s, "ambulance_phone"),
    )
    s.finish()
    return numbers


def _room_temp_complaint(s: _Section) -> RoomTempComplaint:
    measure = s.hours("measure_hours")
    fix = s.hours("fix_hours")
    if fix < measure:
        s.fail("fix_hours", f"({_fmt(fix)}) must not be less than measure_hours ({_fmt(measure)})")
    s.finish()
    return RoomTempComplaint(measure_hours=measure, fix_hours=fix)


def _repair(s: _Section) -> Repair:
    fix = s.hours("fix_hours")
    major = s.hours("major_fix_hours")
    if major < fix:
        s.fail("major_fix_hours", f"({_fmt(major)}) must not be less than fix_hours ({_fmt(fix)})")
    s.finish()
    return Repair(fix_hours=fix, major_fix_hours=major)


def _complaint(s: _Section) -> Complaint:
    ack = s.hours("acknowledge_hours")
    close = s.hours("close_hours")
    if close < ack:
        s.fail(
            "close_hours", f"({_fmt(close)}) must not be less than acknowledge_hours ({_fmt(ack)})"
        )
    s.finish()
    return Complaint(acknowledge_hours=ack, close_hours=close)


def _follow_up(s: _Section) -> FollowUp:
    follow_up = FollowUp(
        working_days=s.integer("working_days", 1, 30),
        low_rating_max=s.integer("low_rating_max", 1, 4),
    )
    s.finish()
    return follow_up


def _escalation(s: _Section) -> Escalation:
    warning = s.number("warning_hours", 0, 24, low_open=True)
    extension = s.section("extension_hours")
    hours = {name: extension.hours(name) for name in DEADLINES}
    extension.finish()
    s.finish()
    return Escalation(warning_hours=warning, extension_hours=MappingProxyType(hours))


def _calendar(s: _Section) -> Calendar:
    calendar = Calendar(
        holidays=s.date_list("holidays"), extra_workdays=s.date_list("extra_workdays")
    )
    both = set(calendar.holidays) & set(calendar.extra_workdays)
    if both:
        s.fail("extra_workdays", f"repeats a holiday: {min(both).isoformat()}")
    s.finish()
    return calendar


def _notices(s: _Section) -> Notices:
    planned = s.integer("planned_stop_days", 0, 60)
    by_reason_section = s.section("planned_stop_days_by_reason", {})
    by_reason: dict[str, int] = {}
    for key in by_reason_section.data:
        name = str(key)
        if not _IDENTIFIER.match(name):
            by_reason_section.fail(name, "must be a reason code in lower case like pressure_test")
        by_reason[name] = by_reason_section.integer(name, 0, 60)
    by_reason_section.finish()
    notices = Notices(
        planned_stop_days=planned,
        planned_stop_days_by_reason=MappingProxyType(by_reason),
        emergency_hours=s.hours("emergency_hours"),
        season_reminder_days=s.integer("season_reminder_days", 1, 30),
        bill_reminder_days=s.integer("bill_reminder_days", 1, 60),
    )
    s.finish()
    return notices


def _refund(s: _Section) -> Refund:
    hours = s.hours("not_fixed_within_hours")
    boundary = s.raw("boundary")
    if boundary not in ("lower_inclusive", "upper_inclusive"):
        s.fail("boundary", f"must be lower_inclusive or upper_inclusive, got {_show(boundary)}")
    raw_tiers = s.raw("tiers")
    if not isinstance(raw_tiers, list) or not raw_tiers:
        s.fail("tiers", f"must be a non-empty list of tiers, got {_show(raw_tiers)}")
    tiers: list[RefundTier] = []
    for index, raw in enumerate(raw_tiers):
        t = _Section(s.file, s.key_path(f"tiers[{index}]"), raw)
        low = t.number("from", 0, 50)
        high_raw = t.raw("to")
        high = None if high_raw is None else t.number("to", 0, 50, value=high_raw)
        rate = t.number("rate", 0, 1)
        t.finish()
        if index == 0 and low != 0:
            t.fail("from", f"must be 0 so the tiers start at the standard, got {_fmt(low)}")
        if index > 0:
            before = tiers[-1]
            if before.to_c is None:
                s.fail(f"tiers[{index - 1}].to", "is null but is not the last tier")
            if low != before.to_c:
                t.fail(
                    "from",
                    f"must equal tiers[{index - 1}].to ({_fmt(before.to_c)}): tiers must be sorted "
                    f"and leave no gap, got {_fmt(low)}",
                )
            if rate < before.rate:
                t.fail(
                    "rate", f"must not be lower than tiers[{index - 1}].rate ({_fmt(before.rate)})"
                )
        if high is not None and high <= low:
            t.fail("to", f"must be greater than from ({_fmt(low)}), got {_fmt(high)}")
        tiers.append(RefundTier(from_c=low, to_c=high, rate=rate))
    if tiers[-1].to_c is not None:
        s.fail(
            f"tiers[{len(tiers) - 1}].to",
            "must be null (no upper bound) so the tiers cover every temperature",
        )
    s.finish()
    checked: TierBoundary = boundary
    return Refund(not_fixed_within_hours=hours, boundary=checked, tiers=tuple(tiers))


def _payment(s: _Section) -> Payment:
    online_url = s.raw("online_url", None)
    if online_url is not None and (
        not isinstance(online_url, str) or not _HTTPS_URL.match(online_url.strip())
    ):
        s.fail("online_url", f"must be an https:// address or null, got {_show(online_url)}")
    payment = Payment(
        deadline=s.month_day("deadline"),
        channels=s.text_list("channels"),
        online_url=online_url.strip() if online_url else None,
    )
    s.finish()
    return payment


def _late_fee(s: _Section) -> LateFee:
    late_fee = LateFee(
        daily_rate=s.optional_number("daily_rate", 0, 0.01),
        grace_days=s.integer("grace_days", 0, 365),
        cap_ratio=s.optional_number("cap_ratio", 0, 10, low_open=True),
    )
    s.finish()
    return late_fee


def _stop_heating(s: _Section, season: Season) -> StopHeating:
    deadline = s.month_day("apply_deadline")
    if not season.end < deadline < season.start:
        s.fail(
            "apply_deadline",
            f"({deadline}) must fall after season.end ({season.end}) and before season.start "
            f"({season.start}): applications close before the season starts",
        )
    stop = StopHeating(
        apply_deadline=deadline,
        base_fee_share=s.optional_number("base_fee_share", 0, 1),
        process_working_days=s.integer("process_working_days", 1, 30),
    )
    s.finish()
    return stop


def _fees(s: _Section) -> Fees:
    fees = Fees(
        area_price_per_m2=s.number("area_price_per_m2", 0, 1000, low_open=True),
        area_basis=s.text("area_basis", max_len=20),
    )
    s.finish()
    return fees


def _metering(s: _Section) -> Metering:
    metering = Metering(
        available=s.flag("available"),
        base_price_per_m2=s.number("base_price_per_m2", 0, 1000),
        energy_price_per_kwh=s.number("energy_price_per_kwh", 0, 10),
        prepayment=s.text("prepayment", max_len=60),
        settlement=s.text("settlement", max_len=60),
        check_hours=s.hours("check_hours"),
        dispute_working_days=s.integer("dispute_working_days", 1, 30),
    )
    s.finish()
    return metering


def _invoice(s: _Section) -> Invoice:
    invoice = Invoice(
        kind=s.text("kind", max_len=30),
        how=s.text("how", max_len=60),
        special=s.text("special", max_len=60, allow_empty=True),
    )
    s.finish()
    return invoice


def _account_transfer(s: _Section) -> AccountTransfer:
    transfer = AccountTransfer(
        documents=s.text_list("documents", max_len=30),
        where=s.text("where", max_len=40),
        conditions=s.text("conditions", max_len=60, allow_empty=True),
    )
    s.finish()
    return transfer


def _verification(s: _Section) -> Verification:
    window_hours = s.hours("window_hours")
    per_account = s.integer("max_failures_per_account", 1, 100)
    alert = s.integer("account_alert_failures", 2, 10_000)
    if alert <= per_account:
        s.fail(
            "account_alert_failures",
            f"({alert}) must be greater than max_failures_per_account ({per_account}): "
            "the alert is for an account under heavy guessing, past the slow-down",
        )
    verification = Verification(
        phone_digits=s.integer("phone_digits", 4, 6),
        max_failures_per_sender=s.integer("max_failures_per_sender", 1, 100),
        retry_delays_minutes=_retry_delays(s, "retry_delays_minutes", window_hours),
        max_failures_per_account=per_account,
        account_alert_failures=alert,
        window_hours=window_hours,
        idle_minutes=s.integer("idle_minutes", 1, 24 * 60),
    )
    s.finish()
    return verification


def _retry_delays(s: _Section, key: str, window_hours: float) -> tuple[float, ...]:
    """Waits in minutes, each at least the one before and at most the window (which comes last)."""
    raw = s.raw(key)
    if not isinstance(raw, list) or not 1 <= len(raw) <= 10:
        s.fail(key, f"must be a list of 1 to 10 waits in minutes like [1, 5, 15], got {_show(raw)}")
    delays: list[float] = []
    for index, item in enumerate(raw):
        delay = s.number(f"{key}[{index}]", 0, window_hours * 60, low_open=True, value=item)
        if delays and delay < delays[-1]:
            s.fail(
                f"{key}[{index}]",
                f"({_fmt(delay)}) must not be shorter than {key}[{index - 1}] "
                f"({_fmt(delays[-1])}): waits grow with every failure",
            )
        delays.append(delay)
    return tuple(delays)


def _visit(s: _Section) -> Visit:
    visit = Visit(require_work_id=s.flag("require_work_id"))
    s.finish()
    return visit


def _handoff(s: _Section) -> Handoff:
    handoff = Handoff(pickup_minutes=s.integer("pickup_minutes", 1, 240))
    s.finish()
    return handoff


def _sms(s: _Section) -> SmsLimits:
    per_hour = s.integer("replies_per_number_per_hour", 1, 100)
    per_day = s.integer("replies_per_number_per_day", 1, 1000)
    budget = s.integer("daily_budget", 1, 1_000_000)
    if per_day < per_hour:
        s.fail(
            "replies_per_number_per_day",
            f"({per_day}) must not be less than replies_per_number_per_hour ({per_hour})",
        )
    if budget < per_day:
        s.fail(
            "daily_budget",
            f"({budget}) must not be less than replies_per_number_per_day ({per_day}): "
            "the budget is for all numbers together",
        )
    limits = SmsLimits(
        max_items_per_callback=s.integer("max_items_per_callback", 1, 100),
        replies_per_number_per_hour=per_hour,
        replies_per_number_per_day=per_day,
        daily_budget=budget,
    )
    s.finish()
    return limits


def _quality(s: _Section) -> Quality:
    t = s.section("targets")
    targets = QualityTargets(
        answer_rate=t.number("answer_rate", 0, 1),
        room_temperature_rate=t.number("room_temperature_rate", 0, 1),
        satisfaction=t.number("satisfaction", 0, 1),
        first_contact_resolution=t.number("first_contact_resolution", 0, 1),
        deadline_compliance=t.number("deadline_compliance", 0, 1),
    )
    t.finish()
    quality = Quality(
        answer_within_seconds=s.integer("answer_within_seconds", 1, 3600),
        satisfied_min_rating=s.integer("satisfied_min_rating", 1, 5),
        repeat_days=s.integer("repeat_days", 1, 90),
        targets=targets,
    )
    s.finish()
    return quality


# --------------------------------------------------------------------------- files and cache


def available_policies() -> list[str]:
    """Names of the shipped city policies (`beijing`, `tianjin`, …)."""
    return sorted(p.stem for p in CITIES_DIR.glob("*.yml"))


def policy_path(name_or_path: str, relative_to: Path | None = None) -> Path:
    """The file a policy name or path refers to, raising `PolicyError` when there is none.

    A value containing a slash or ending in `.yml`/`.yaml` is a path (relative ones are taken from
    `relative_to`, else the working directory); anything else is a shipped city name.
    """
    value = name_or_path.strip()
    if "/" in value or "\\" in value or value.endswith((".yml", ".yaml")):
        path = Path(value).expanduser()
        if not path.is_absolute() and relative_to is not None:
            path = relative_to / path
        if not path.is_file():
            raise PolicyError(f"{path.name}: no such policy file: {path}")
        return path.resolve()
    if not _NAME.match(value):
        raise PolicyError(
            f"{value!r} is not a policy name (lower-case letters, digits, - or _) nor a .yml path"
        )
    path = CITIES_DIR / f"{value}.yml"
    if not path.is_file():
        known = ", ".join(available_policies()) or "none"
        raise PolicyError(f"no policy named {value!r} (expected {path}); available: {known}")
    return path


def _read_yaml(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PolicyError(f"{path.name}: cannot be read: {exc}") from exc
    try:
        return yaml.load(text, Loader=_StrictLoader)  # SafeLoader subclass: safe
    except yaml.YAMLError as exc:
        raise PolicyError(f"{path.name}: is not valid YAML: {exc}") from exc


def _merge(base: Mapping[Any, Any], override: Mapping[Any, Any]) -> dict[Any, Any]:
    """Deep-merge mappings: the override wins; lists and scalars are replaced, not combined."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _read_with_extends(path: Path, chain: tuple[Path, ...] = ()) -> Any:
    """Read a file, first merging the policy it `extends` (a name or a path next to it)."""
    if path in chain:
        names = " → ".join(p.name for p in (*chain, path))
        raise PolicyError(f"{path.name}: extends itself in a loop: {names}")
    data = _read_yaml(path)
    if not isinstance(data, Mapping) or "extends" not in data:
        return data
    parent = data["extends"]
    if not isinstance(parent, str) or not parent.strip():
        raise PolicyError(
            f"{path.name}: extends must be a policy name or a .yml path, got {parent!r}"
        )
    base = _read_with_extends(policy_path(parent, relative_to=path.parent), (*chain, path))
    if not isinstance(base, Mapping):
        raise PolicyError(f"{path.name}: extends {parent!r}, which is not a mapping of keys")
    own = {k: v for k, v in data.items() if k != "extends"}
    return _merge(base, own)


def read_policy_file(path: Path, name: str | None = None) -> Policy:
    """Read and validate one policy file, uncached."""
    data = _read_with_extends(path)
    return parse_policy(data, name=name or path.stem, source=path.name)


_cache: dict[Path, Policy] = {}
_cache_lock = threading.Lock()


def load_policy(name_or_path: str | None = None, *, fresh: bool = False) -> Policy:
    """The policy for a city name or a company's own file, validated; cached per file.

    `None` means the configured one (`HEATING_POLICY`, default `beijing`). `fresh=True` rereads the
    file (tests, or an operator checking an edit) and replaces the cached copy.
    """
    if name_or_path is None:
        from bot.config import settings  # late: importing the package must not read the environment

        name_or_path = settings().policy
    path = policy_path(name_or_path)
    with _cache_lock:
        cached = _cache.get(path)
    if cached is not None and not fresh:
        return cached
    policy = read_policy_file(path)
    with _cache_lock:
        _cache[path] = policy
    return policy


def clear_policy_cache() -> None:
    """Forget every cached policy, so the next `load_policy` reads its file again."""
    with _cache_lock:
        _cache.clear()
