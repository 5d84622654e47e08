"""The service policy: one frozen pydantic model per section of the policy file.

Every number the assistant promises a customer (deadlines, temperatures, refund shares, fees) lives
in a city/company YAML file. Each key is declared here once: its type and range, checked when the
file is read, and the attribute the rest of the code reads, typed, instead of re-checking a dict.
Every key is required unless it has a default, and unknown keys are refused (typos, in a
hand-edited file). Checks across keys (a fix after its measurement, refund tiers without gaps, the
报停 deadline between seasons) are root validators that name the key they refuse; they run once
every key of their section is valid. `bot.policy.validation` words a refusal for the editor.

The models are frozen (`values.Section`), so nothing can change a policy after it is loaded: the
loader caches one instance per file and hands the same object to every caller.

Field names follow the YAML keys (a refund tier's `from`/`to` are `from_c`/`to_c`); see
`docs/policy.md` for the meaning of each one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from types import MappingProxyType
from typing import Any, ClassVar, Literal

from pydantic import Field, StrictStr, root_validator, validator

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
    list_field,
    number_field,
    out_of_range,
    text_field,
)
from bot.policy.values import MonthDay as MonthDay  # the sections' day type, read from here too

TierBoundary = Literal["lower_inclusive", "upper_inclusive"]

DEADLINES = ("first_reply", "on_site", "resolve")
"""The ticket deadlines the watch escalates; each is a ticket column `<name>_due`."""

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
    """Who the assistant speaks for; shown in answers and SMS."""

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
    """The heating season; it always crosses the new year (start month-day > end month-day)."""

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
    """A lower room-temperature floor for old buildings on cold days (Beijing: 16 ℃ at −7…−9 ℃).

    `outdoor_mean_min_c` is `None` when the exception has no lower bound (any colder day counts).
    """

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
    """The legal floor for bedrooms and living rooms, which decides 测温 triage and refunds."""

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
    """How soon a person must first answer any repair / complaint ticket."""

    first_reply_hours: Hours


class Leak(Section):
    """Leak / burst pipe handling: the only fault that jumps the queue."""

    urgent: bool
    alert_human: bool
    on_site_hours: Hours
    #: Urgent reports from one building within this many minutes of each other are one incident
    #: (one hand-off, the later reports attached: bot.services.incidents); 0 links nothing.
    incident_minutes: int = Field(120, ge=0, le=24 * 60)


class EmergencyNumbers(Section):
    """The numbers the emergency safety net gives at once (docs/dialogue.md explains the net).

    `duty_phone` is the company's 24-hour duty / repair line: a burst pipe at 3 a.m. needs someone
    who answers now, which an office-hours hotline may not. `gas_phone` is the city gas company's
    emergency number, `None` until the company has checked it (then only `fire_phone` is named for a
    gas smell); `fire_phone` (119) and `ambulance_phone` (120) are configuration like every number
    a customer is told.
    """

    duty_phone: PhoneText
    gas_phone: PhoneText | None = Field(...)
    fire_phone: PhoneText
    ambulance_phone: PhoneText
    #: The police (110): someone who does not open the door in a cold flat needs it opened.
    police_phone: PhoneText = "110"


class RoomTempComplaint(_TwoDeadlines):
    """Deadlines of a 测温 (room-temperature) ticket."""

    order = ("measure_hours", "fix_hours")

    measure_hours: Hours
    fix_hours: Hours


class Repair(_TwoDeadlines):
    """Deadlines for fixing ordinary and major faults."""

    order = ("fix_hours", "major_fix_hours")

    fix_hours: Hours
    major_fix_hours: Hours


class Complaint(_TwoDeadlines):
    """Deadlines of a complaint: acknowledged (受理) and closed (办结)."""

    order = ("acknowledge_hours", "close_hours")

    acknowledge_hours: Hours
    close_hours: Hours


class FollowUp(Section):
    """The satisfaction call-back (回访) after a ticket is closed.

    The survey may be answered until `working_days` after closing; a rating of `low_rating_max`
    or less opens a follow-up ticket so a person calls the household back.
    """

    working_days: int = number_field(1, 30)
    low_rating_max: int = number_field(1, 4)


class ExtensionHours(Section):
    """One extension per ticket deadline (`DEADLINES`), read by name: `extension_hours[name]`."""

    first_reply: Hours
    on_site: Hours
    resolve: Hours

    def __getitem__(self, deadline: str) -> float:
        """The extension of the deadline named (the watch has its name from the ticket column)."""
        if deadline not in DEADLINES:
            raise KeyError(deadline)
        return float(getattr(self, deadline))

    def __contains__(self, deadline: object) -> bool:
        """Whether `deadline` names a deadline with an extension (every one of `DEADLINES`)."""
        return deadline in DEADLINES


class Escalation(Section):
    """What the deadline watch does around a ticket deadline (first_reply, on_site, resolve).

    The agents' queue is warned `warning_hours` before a deadline; after a missed one the user is
    promised a new time, `extension_hours[deadline]` after the breach was found.
    """

    warning_hours: float = number_field(0, 24, low_open=True)
    extension_hours: ExtensionHours


_DAYS = "a list of dates like 2026-10-01"


class Calendar(Section):
    """Public holidays and swapped working days (调休), so working-day deadlines are right.

    Without entries, Monday–Friday are working days. Each list is kept sorted, a day written twice
    once.
    """

    holidays: tuple[YamlDate, ...] = Field(default=(), expects=_DAYS)
    extra_workdays: tuple[YamlDate, ...] = Field(default=(), expects=_DAYS)

    @validator("holidays", "extra_workdays", pre=True)
    def _null_is_empty(cls, value: Any) -> Any:
        """`holidays:` with nothing after it (YAML's null) means no such days."""
        return [] if value is None else value

    @validator("holidays", "extra_workdays")
    def _sorted_once(cls, days: tuple[date, ...]) -> tuple[date, ...]:
        """Sorted, each day once, whatever order the editor wrote them in."""
        return tuple(sorted(set(days)))

    @root_validator(skip_on_failure=True)
    def _no_day_both(cls, values: dict[str, Any]) -> dict[str, Any]:
        both = set(values["holidays"]) & set(values["extra_workdays"])
        if both:
            raise Refused(f"repeats a holiday: {min(both).isoformat()}", "extra_workdays")
        return values


class Notices(Section):
    """How early customers hear about stops."""

    planned_stop_days: int = number_field(0, 60)
    planned_stop_days_by_reason: Mapping[str, StopDays] = Field(default_factory=dict)
    emergency_hours: Hours
    #: remind subscribers this many days before the season starts
    season_reminder_days: int = number_field(1, 30)
    #: remind unpaid accounts this many days before payment.deadline
    bill_reminder_days: int = number_field(1, 60)

    @validator("planned_stop_days_by_reason", always=True)
    def _reason_codes(cls, value: Mapping[str, int]) -> Mapping[str, int]:
        for reason in value:
            if not _REASON_CODE.match(reason):
                raise Refused("must be a reason code in lower case like pressure_test", reason)
        return MappingProxyType(dict(value))


class RefundTier(Section):
    """One band of degrees below the standard and the share of the daily fee refunded for it.

    `to_c` is `None` for the open-ended last band. Which side of a bound belongs to the band is
    set once for all tiers by `Refund.boundary`.
    """

    from_c: float = Field(..., alias="from", ge=0, le=50)
    to_c: float | None = Field(..., alias="to", ge=0, le=50)
    rate: Share


class Refund(Section):
    """Refund when a room stays below standard and is not fixed in `not_fixed_within_hours`."""

    not_fixed_within_hours: Hours
    boundary: TierBoundary
    tiers: tuple[RefundTier, ...] = list_field("a non-empty list of tiers")

    @root_validator(skip_on_failure=True)
    def _tiers_cover_every_degree(cls, values: dict[str, Any]) -> dict[str, Any]:
        """From the standard up, sorted, without gaps, rates not falling, the last one open."""
        tiers: tuple[RefundTier, ...] = values["tiers"]
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
    """When and where to pay."""

    #: a page to pay online; WeChat answers link to it
    online_url: HttpsUrl | None = None
    deadline: MonthDayText
    channels: tuple[ChannelName, ...] = list_field("a non-empty list of texts")


class LateFee(Section):
    """Late fee on unpaid heating fees.

    `daily_rate` `None` means "per the heating contract": the code then computes no amount and the
    answers say so, instead of inventing a number the regulation does not give.
    """

    daily_rate: float | None = number_field(0, 0.01)
    grace_days: int = number_field(0, 365)
    cap_ratio: float | None = number_field(0, 10, low_open=True)


class StopHeating(Section):
    """报停: stopping heating for a whole season; its deadline is checked against the season by
    `PolicyFile`."""

    apply_deadline: MonthDayText
    base_fee_share: Share | None = Field(...)
    process_working_days: int = number_field(1, 30)


class Fees(Section):
    """Area-based price (the usual bill)."""

    area_price_per_m2: float = number_field(0, 1000, low_open=True)
    area_basis: StrictStr = text_field(20)


class Metering(Section):
    """Two-part metered price (热计量), how the season is settled, and the 查表 (CB) ticket clock.

    A meter fault or a disputed reading is its own service (查表, apart from 收费): a person checks
    the meter on site within `check_hours` and answers the household within
    `dispute_working_days` working days, because a disputed reading changes a settlement.
    """

    available: bool
    base_price_per_m2: float = number_field(0, 1000)
    energy_price_per_kwh: float = number_field(0, 10)
    prepayment: StrictStr = text_field(60)
    settlement: StrictStr = text_field(60)
    check_hours: Hours
    dispute_working_days: int = number_field(1, 30)


class Invoice(Section):
    """Invoice wording: what kind, how to get it, special cases."""

    kind: StrictStr = text_field(30)
    how: StrictStr = text_field(60)
    special: StrictStr = text_field(60, allow_empty=True)


class AccountTransfer(Section):
    """过户: documents and conditions."""

    documents: tuple[DocumentName, ...] = list_field("a non-empty list of texts")
    where: StrictStr = text_field(40)
    conditions: StrictStr = text_field(60, allow_empty=True)


class Verification(Section):
    """Limits on guessing an account's phone digits before bills are shown.

    Per sender (`verification_retry_at`): a sender's `max_failures_per_sender`-th failure in the
    window brings the first wait of `retry_delays_minutes`, each further one the next, and past
    the list it waits until its oldest counted failure leaves the window. Per account
    (`verification_account_retry_at`): the `max_failures_per_account`-th failure on one account
    by anyone, on any channel, cools the account down for everyone for the first of
    `account_retry_delays_minutes`, each further one for the next, past the list until failures
    leave the window; each such failure alerts the operators.

    A verification lasts while the conversation is active: after `idle_minutes` without a message
    the sender proves the account again (`verification_lapsed`), so a phone or browser left
    alone does not keep showing a household's bill.

    Across accounts (`verification_budget_retry_at`): past `company_failures_per_window` failures
    by everyone within `budget_window_minutes`, or `source_failures_per_window` from one widget
    address, the digits of a sender that has not verified that account before are not checked
    until a failure leaves the window, and the operators are alerted once a window: a guesser
    trying one account after another with fresh identities meets neither limit above.
    """

    window_hours: Hours
    max_failures_per_account: int = number_field(1, 100)
    account_retry_delays_minutes: tuple[float, ...] = list_field(
        "a list of 1 to 10 waits in minutes like [1, 5, 15]", at_most=10
    )
    phone_digits: int = number_field(4, 6)
    max_failures_per_sender: int = number_field(1, 100)
    retry_delays_minutes: tuple[float, ...] = list_field(
        "a list of 1 to 10 waits in minutes like [1, 5, 15]", at_most=10
    )
    idle_minutes: int = number_field(1, 24 * 60)
    budget_window_minutes: int = number_field(1, 24 * 60)
    company_failures_per_window: int = number_field(1, 100_000)
    source_failures_per_window: int = number_field(1, 10_000)

    @root_validator(skip_on_failure=True)
    def _waits_grow_within_window(cls, values: dict[str, Any]) -> dict[str, Any]:
        longest = values["window_hours"] * 60
        if values["budget_window_minutes"] > longest:
            raise Refused(
                out_of_range(
                    1, longest, values["budget_window_minutes"], low_open=False, whole=False
                ),
                "budget_window_minutes",
            )
        if values["source_failures_per_window"] > values["company_failures_per_window"]:
            raise Refused(
                f"({values['source_failures_per_window']}) must not exceed "
                f"company_failures_per_window ({values['company_failures_per_window']}): one "
                "address is part of the company",
                "source_failures_per_window",
            )
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


class UnverifiedApplications(Section):
    """Limits on 报停 and 查表 applications filed without the 户号 (产权未核实).

    Filing shows nothing private, but each such application costs a staff call to verify the
    ownership, and a 报停 filed for someone else's flat must not take effect. In the last
    `window_hours`, one conversation (`max_per_sender`) and one contact phone, whoever gives it
    (`max_per_phone`), file at most this many; past it the resident is offered the hall, the
    hotline or the proof with the 户号 (`unverified_application_limit`).
    """

    window_hours: Hours
    max_per_sender: int = number_field(1, 50)
    max_per_phone: int = number_field(1, 50)


class ReportLimits(Section):
    """Limits on what a report from one conversation sets in motion (docs/security.md).

    An urgent report pages the duty team and an ordinary repair promises a call within hours,
    and a conversation costs nothing to open: a script can file them by the hundred. Within
    these limits nothing changes. In the last `window_hours` one conversation pages for at most
    `urgent_per_sender` urgent reports, and the company for at most `urgent_pages_company` in
    the last `company_window_minutes`; a report past either is still ticketed at once, but all
    of them go to one "suspected flood" hand-off (one page) and the operators' logger, not one
    urgent hand-off each (`urgent_page_limit`). One conversation files at most
    `repairs_per_sender` ordinary repairs in the window; past it nothing is filed and the
    resident is offered the hotline and a person, with what they typed kept.
    """

    window_hours: Hours
    urgent_per_sender: int = number_field(1, 50)
    repairs_per_sender: int = number_field(1, 50)
    company_window_minutes: int = number_field(1, 24 * 60)
    urgent_pages_company: int = number_field(1, 100_000)

    @root_validator(skip_on_failure=True)
    def _company_above_one_sender(cls, values: dict[str, Any]) -> dict[str, Any]:
        _not_less(
            values,
            "urgent_pages_company",
            "urgent_per_sender",
            ": one resident within their own limit must not start a flood for everyone",
        )
        return values


class Visit(Section):
    """Home-visit rules told to the customer in confirmations."""

    require_work_id: bool


class Handoff(Section):
    """Hand-off to a person: how long a queued conversation may wait before it becomes a call-back.

    Past `pickup_minutes` without an agent the user gets a call-back (RG) ticket instead of more
    waiting, and the bot answers again.
    """

    pickup_minutes: int = number_field(1, 240)


class SmsLimits(Section):
    """What SMS the channel may send on its own, so a flood of callbacks cannot run up a bill.

    One Aliyun callback of 10,000 items once made 9,840 SMS. A callback runs at most
    `max_items_per_callback` messages; automatic SMS (answers, opt-out confirmations) to one
    number stop at `replies_per_number_per_hour` in the last hour and `replies_per_number_per_day`
    in the last 24 hours, and to everybody together at `daily_budget` in the last 24 hours.
    """

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
    """The shares the quality report's first page holds each figure to (fractions, 0.95 = 95 %)."""

    answer_rate: Share
    room_temperature_rate: Share
    satisfaction: Share
    first_contact_resolution: Share
    deadline_compliance: Share


class Quality(Section):
    """How the standard's quality figures are counted here, and the targets they are held to.

    `answer_within_seconds`: a hand-off counts as answered (接通) when a person takes it within
    this. `satisfied_min_rating`: the lowest survey rating (of 5) counted as satisfied.
    `repeat_days`: a finished ticket was not solved at first contact when the same household opens
    another of the same kind within this many days.
    """

    targets: QualityTargets
    answer_within_seconds: int = number_field(1, 3600)
    satisfied_min_rating: int = number_field(1, 5)
    repeat_days: int = number_field(1, 90)


class Sections(Section):
    """The sections of a policy, shared by the file (`PolicyFile`) and the code's `Policy`."""

    city: StrictStr = text_field(20)
    company: Company
    season: Season
    room_temperature: RoomTemperature
    response: Response
    leak: Leak
    emergency: EmergencyNumbers
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
    unverified_applications: UnverifiedApplications
    report_limits: ReportLimits
    visit: Visit
    handoff: Handoff
    sms: SmsLimits
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


class PolicyFile(Sections):
    """A whole policy file (after `extends` was merged by the loader, which consumes that key)."""

    extends: Any = None

    def policy(self, name: str, source: str) -> Policy:
        """The validated `Policy`; `name` and `source` say which file it came from."""
        sections = {key: getattr(self, key) for key in Sections.__fields__}
        return Policy.construct(name=name, source=source, **sections)  # validated: no re-check


class Policy(Sections):
    """One city's or company's complete, validated service policy.

    `name` is the file's stem (`beijing`), `source` the file it was read from (for messages).
    """

    name: str
    source: str


@dataclass(frozen=True)
class DueTimes:
    """Deadlines of one ticket, all in the zone of the `created_at` they were computed from.

    `on_site` and `acknowledge` are `None` when the policy sets no such deadline for the kind
    (e.g. an ordinary repair has a fix deadline but no separate arrival deadline). `urgent` and
    `alert_human` tell the caller to put the ticket on the urgent path and page an agent now.
    """

    first_reply: datetime
    on_site: datetime | None
    resolve: datetime
    acknowledge: datetime | None = None
    urgent: bool = False
    alert_human: bool = False


@dataclass(frozen=True)
class RefundEstimate:
    """The arithmetic of a room-temperature refund, kept whole so an answer can show its steps.

    amount = area × price ÷ season_days × rate × days, rounded once to 0.01 yuan (half up);
    `season_fee` and `daily_fee` are shown rounded to 0.01 but the amount is computed unrounded.
    """

    standard_c: float
    measured_c: float
    degrees_below: float
    rate: float
    season_fee: Decimal
    season_days: int
    daily_fee: Decimal
    days: int
    amount: Decimal
