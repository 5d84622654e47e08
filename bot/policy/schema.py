"""The policy file's keys as pydantic models: one per section, each key with its type and range.

Every key is required unless it has a default, and unknown keys are refused (typos, in a
hand-edited file). Checks across keys (a fix after its measurement, refund tiers without gaps,
the 报停 deadline between seasons) are root validators that name the key they refuse; they run once
every key of their section is valid. `PolicyFile.policy()` builds the frozen `Policy`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, ClassVar

from pydantic import Field, StrictStr, root_validator, validator

from bot.policy import model
from bot.policy.model import DEADLINES, TierBoundary
from bot.policy.values import (
    ChannelName,
    DocumentName,
    Hours,
    HttpsUrl,
    MonthDayText,
    PhoneText,
    Refused,
    Section,
    Share,
    StopDays,
    YamlDate,
    fmt,
    frozen,
    number_field,
    out_of_range,
    text_field,
)

_REASON_CODE = re.compile(r"^[a-z][a-z0-9_]*$")


def _not_less(values: dict[str, Any], later: str, earlier: str, why: str = "") -> None:
    """Refuse `later` when it is less than `earlier` (a deadline before the one it follows)."""
    if values[later] < values[earlier]:
        message = f"({fmt(values[later])}) must not be less than {earlier} ({fmt(values[earlier])})"
        raise Refused(message + why, later)


class _TwoDeadlines(Section):
    """A section of two deadlines where the second (`order[1]`) may not come before the first."""

    order: ClassVar[tuple[str, str]]

    @root_validator(skip_on_failure=True)
    def _in_order(cls, values: dict[str, Any]) -> dict[str, Any]:
        earlier, later = cls.order
        _not_less(values, later, earlier)
        return values


class Company(Section):
    builds = model.Company

    sms_signature: StrictStr = text_field(12)
    name: StrictStr = text_field(40)
    hotline: PhoneText
    hotline_hours: StrictStr = text_field(30)
    demo: bool = False

    @validator("sms_signature")
    def _signature(cls, value: str) -> str:
        if len(value) < 2 or any(ch in value for ch in "【】[]"):
            raise Refused(
                "must be 2–12 characters without brackets (the SMS sender adds 【】), "
                f"got {value!r}"
            )
        return value


class Season(Section):
    builds = model.Season

    start: MonthDayText
    end: MonthDayText

    @root_validator(skip_on_failure=True)
    def _across_new_year(cls, values: dict[str, Any]) -> dict[str, Any]:
        start, end = values["start"], values["end"]
        if not end < start:
            raise Refused(
                f"({end}) must come before start ({start}) in the calendar year: "
                "the heating season runs across the new year",
                "end",
            )
        return values


class OldBuildingException(Section):
    builds = model.OldBuildingException

    minimum_c: float  # at most the room temperature's own minimum: checked there
    outdoor_mean_max_c: float = number_field(-50, 10)
    outdoor_mean_min_c: float | None = number_field(-50, 10)

    @root_validator(skip_on_failure=True)
    def _min_below_max(cls, values: dict[str, Any]) -> dict[str, Any]:
        low, high = values["outdoor_mean_min_c"], values["outdoor_mean_max_c"]
        if low is not None and low > high:
            raise Refused(
                f"({fmt(low)}) must not be above outdoor_mean_max_c ({fmt(high)})",
                "outdoor_mean_min_c",
            )
        return values


class RoomTemperature(Section):
    builds = model.RoomTemperature

    minimum_c: float = number_field(10, 30)
    old_building_exception: OldBuildingException | None = Field(...)

    @root_validator(skip_on_failure=True)
    def _exception_is_lower(cls, values: dict[str, Any]) -> dict[str, Any]:
        exception, minimum = values["old_building_exception"], values["minimum_c"]
        if exception is not None and not 10 <= exception.minimum_c <= minimum:
            message = out_of_range(10, minimum, exception.minimum_c, low_open=False, whole=False)
            raise Refused(message, "old_building_exception.minimum_c")
        return values


class Response(Section):
    builds = model.Response

    first_reply_hours: Hours


class Leak(Section):
    builds = model.Leak

    urgent: bool
    alert_human: bool
    on_site_hours: Hours
    #: reports of one building within this many minutes are one incident (bot.services.incidents)
    incident_minutes: int = Field(120, ge=0, le=24 * 60)


class Emergency(Section):
    """The safety net's numbers; `gas_phone: null` until the company has checked its city's."""

    builds = model.EmergencyNumbers

    duty_phone: PhoneText
    gas_phone: PhoneText | None = Field(...)
    fire_phone: PhoneText
    ambulance_phone: PhoneText


class RoomTempComplaint(_TwoDeadlines):
    builds = model.RoomTempComplaint
    order = ("measure_hours", "fix_hours")

    measure_hours: Hours
    fix_hours: Hours


class Repair(_TwoDeadlines):
    builds = model.Repair
    order = ("fix_hours", "major_fix_hours")

    fix_hours: Hours
    major_fix_hours: Hours


class Complaint(_TwoDeadlines):
    builds = model.Complaint
    order = ("acknowledge_hours", "close_hours")

    acknowledge_hours: Hours
    close_hours: Hours


class FollowUp(Section):
    builds = model.FollowUp

    working_days: int = number_field(1, 30)
    low_rating_max: int = number_field(1, 4)


class ExtensionHours(Section):
    """One extension per ticket deadline (`model.DEADLINES`)."""

    first_reply: Hours
    on_site: Hours
    resolve: Hours

    def build(self) -> Mapping[str, float]:
        return MappingProxyType({name: getattr(self, name) for name in DEADLINES})


class Escalation(Section):
    builds = model.Escalation

    warning_hours: float = number_field(0, 24, low_open=True)
    extension_hours: ExtensionHours


class Calendar(Section):
    holidays: list[YamlDate] | None = Field(default=None, expects="a list of dates like 2026-10-01")
    extra_workdays: list[YamlDate] | None = Field(
        default=None, expects="a list of dates like 2026-10-01"
    )

    @root_validator(skip_on_failure=True)
    def _no_day_both(cls, values: dict[str, Any]) -> dict[str, Any]:
        both = set(values["holidays"] or ()) & set(values["extra_workdays"] or ())
        if both:
            raise Refused(f"repeats a holiday: {min(both).isoformat()}", "extra_workdays")
        return values

    def build(self) -> model.Calendar:
        """Each list sorted, a day written twice kept once."""
        return model.Calendar(
            **{name: tuple(sorted(set(getattr(self, name) or ()))) for name in self.__fields__}
        )


class Notices(Section):
    builds = model.Notices

    planned_stop_days: int = number_field(0, 60)
    planned_stop_days_by_reason: dict[str, StopDays] = Field(default_factory=dict)
    emergency_hours: Hours
    season_reminder_days: int = number_field(1, 30)
    bill_reminder_days: int = number_field(1, 60)

    @validator("planned_stop_days_by_reason")
    def _reason_codes(cls, value: dict[str, int]) -> dict[str, int]:
        for reason in value:
            if not _REASON_CODE.match(reason):
                raise Refused("must be a reason code in lower case like pressure_test", reason)
        return value


class RefundTier(Section):
    builds = model.RefundTier

    from_c: float = Field(..., alias="from", ge=0, le=50)
    to_c: float | None = Field(..., alias="to", ge=0, le=50)
    rate: Share


class Refund(Section):
    builds = model.Refund

    not_fixed_within_hours: Hours
    boundary: TierBoundary
    tiers: list[RefundTier] = Field(..., min_items=1, expects="a non-empty list of tiers")

    @root_validator(skip_on_failure=True)
    def _tiers_cover_every_degree(cls, values: dict[str, Any]) -> dict[str, Any]:
        """From the standard up, sorted, without gaps, rates not falling, the last one open."""
        tiers: list[RefundTier] = values["tiers"]
        for index, tier in enumerate(tiers):
            low, high = tier.from_c, tier.to_c
            if index == 0 and low != 0:
                raise Refused(
                    f"must be 0 so the tiers start at the standard, got {fmt(low)}", "tiers[0].from"
                )
            if index > 0:
                before = tiers[index - 1]
                if before.to_c is None:
                    raise Refused("is null but is not the last tier", f"tiers[{index - 1}].to")
                if low != before.to_c:
                    raise Refused(
                        f"must equal tiers[{index - 1}].to ({fmt(before.to_c)}): tiers must be "
                        f"sorted and leave no gap, got {fmt(low)}",
                        f"tiers[{index}].from",
                    )
                if tier.rate < before.rate:
                    raise Refused(
                        f"must not be lower than tiers[{index - 1}].rate ({fmt(before.rate)})",
                        f"tiers[{index}].rate",
                    )
            if high is not None and high <= low:
                raise Refused(
                    f"must be greater than from ({fmt(low)}), got {fmt(high)}", f"tiers[{index}].to"
                )
        if tiers[-1].to_c is not None:
            raise Refused(
                "must be null (no upper bound) so the tiers cover every temperature",
                f"tiers[{len(tiers) - 1}].to",
            )
        return values


class Payment(Section):
    builds = model.Payment

    online_url: HttpsUrl | None = None
    deadline: MonthDayText
    channels: list[ChannelName] = Field(..., min_items=1, expects="a non-empty list of texts")


class LateFee(Section):
    builds = model.LateFee

    daily_rate: float | None = number_field(0, 0.01)
    grace_days: int = number_field(0, 365)
    cap_ratio: float | None = number_field(0, 10, low_open=True)


class StopHeating(Section):
    """报停; its deadline is checked against the season by `PolicyFile`."""

    builds = model.StopHeating

    apply_deadline: MonthDayText
    base_fee_share: Share | None = Field(...)
    process_working_days: int = number_field(1, 30)


class Fees(Section):
    builds = model.Fees

    area_price_per_m2: float = number_field(0, 1000, low_open=True)
    area_basis: StrictStr = text_field(20)


class Metering(Section):
    builds = model.Metering

    available: bool
    base_price_per_m2: float = number_field(0, 1000)
    energy_price_per_kwh: float = number_field(0, 10)
    prepayment: StrictStr = text_field(60)
    settlement: StrictStr = text_field(60)
    check_hours: Hours
    dispute_working_days: int = number_field(1, 30)


class Invoice(Section):
    builds = model.Invoice

    kind: StrictStr = text_field(30)
    how: StrictStr = text_field(60)
    special: StrictStr = text_field(60, allow_empty=True)


class AccountTransfer(Section):
    builds = model.AccountTransfer

    documents: list[DocumentName] = Field(..., min_items=1, expects="a non-empty list of texts")
    where: StrictStr = text_field(40)
    conditions: StrictStr = text_field(60, allow_empty=True)


class Verification(Section):
    builds = model.Verification

    window_hours: Hours
    max_failures_per_account: int = number_field(1, 100)
    account_retry_delays_minutes: list[float] = Field(
        ...,
        min_items=1,
        max_items=10,
        expects="a list of 1 to 10 waits in minutes like [1, 5, 15]",
    )
    phone_digits: int = number_field(4, 6)
    max_failures_per_sender: int = number_field(1, 100)
    retry_delays_minutes: list[float] = Field(
        ...,
        min_items=1,
        max_items=10,
        expects="a list of 1 to 10 waits in minutes like [1, 5, 15]",
    )
    idle_minutes: int = number_field(1, 24 * 60)

    @root_validator(skip_on_failure=True)
    def _waits_grow_within_window(cls, values: dict[str, Any]) -> dict[str, Any]:
        longest = values["window_hours"] * 60
        for name in ("retry_delays_minutes", "account_retry_delays_minutes"):
            delays = values[name]
            for index, delay in enumerate(delays):
                key = f"{name}[{index}]"
                if not 0 < delay <= longest:
                    raise Refused(out_of_range(0, longest, delay, low_open=True, whole=False), key)
                if index and delay < delays[index - 1]:
                    raise Refused(
                        f"({fmt(delay)}) must not be shorter than {name}[{index - 1}] "
                        f"({fmt(delays[index - 1])}): waits grow with every failure",
                        key,
                    )
        return values


class Visit(Section):
    builds = model.Visit

    require_work_id: bool


class Handoff(Section):
    builds = model.Handoff

    pickup_minutes: int = number_field(1, 240)


class Sms(Section):
    builds = model.SmsLimits

    replies_per_number_per_hour: int = number_field(1, 100)
    replies_per_number_per_day: int = number_field(1, 1000)
    daily_budget: int = number_field(1, 1_000_000)
    max_items_per_callback: int = number_field(1, 100)

    @root_validator(skip_on_failure=True)
    def _budgets_grow(cls, values: dict[str, Any]) -> dict[str, Any]:
        _not_less(values, "replies_per_number_per_day", "replies_per_number_per_hour")
        _not_less(
            values,
            "daily_budget",
            "replies_per_number_per_day",
            ": the budget is for all numbers together",
        )
        return values


class QualityTargets(Section):
    builds = model.QualityTargets

    answer_rate: Share
    room_temperature_rate: Share
    satisfaction: Share
    first_contact_resolution: Share
    deadline_compliance: Share


class Quality(Section):
    builds = model.Quality

    targets: QualityTargets
    answer_within_seconds: int = number_field(1, 3600)
    satisfied_min_rating: int = number_field(1, 5)
    repeat_days: int = number_field(1, 90)


class PolicyFile(Section):
    """A whole policy file (after `extends` was merged by the loader, which consumes that key)."""

    extends: Any = None
    city: StrictStr = text_field(20)
    company: Company
    season: Season
    room_temperature: RoomTemperature
    response: Response
    leak: Leak
    emergency: Emergency
    room_temp_complaint: RoomTempComplaint
    repair: Repair
    complaint: Complaint
    follow_up: FollowUp
    escalation: Escalation
    calendar: Calendar = Calendar()
    notices: Notices
    refund: Refund
    payment: Payment
    late_fee: LateFee
    stop_heating: StopHeating
    fees: Fees
    metering: Metering
    invoice: Invoice
    account_transfer: AccountTransfer
    verification: Verification
    visit: Visit
    handoff: Handoff
    sms: Sms
    quality: Quality

    @root_validator(skip_on_failure=True)
    def _apply_between_seasons(cls, values: dict[str, Any]) -> dict[str, Any]:
        season, deadline = values["season"], values["stop_heating"].apply_deadline
        if not season.end < deadline < season.start:
            raise Refused(
                f"({deadline}) must fall after season.end ({season.end}) and before season.start "
                f"({season.start}): applications close before the season starts",
                "stop_heating.apply_deadline",
            )
        return values

    def policy(self, name: str, source: str) -> model.Policy:
        """The validated `Policy`; `name` and `source` say which file it came from."""
        sections = {key: frozen(getattr(self, key)) for key in self.__fields__ if key != "extends"}
        return model.Policy(name=name, source=source, **sections)
