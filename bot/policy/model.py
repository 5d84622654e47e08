"""The service policy as frozen dataclasses.

Every number the assistant promises a customer (deadlines, temperatures, refund shares, fees) lives
in a city/company YAML file and arrives here validated, so the rest of the code reads typed fields
instead of re-checking a dict, and nothing can change a policy after it is loaded (the loader caches
one instance per file and hands the same object to every caller).

Field names follow the YAML keys; see `docs/policy.md` for the meaning of each one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Literal

TierBoundary = Literal["lower_inclusive", "upper_inclusive"]

DEADLINES = ("first_reply", "on_site", "resolve")
"""The ticket deadlines the watch escalates; each is a ticket column `<name>_due`."""


@dataclass(frozen=True, order=True)
class MonthDay:
    """A day of the year without a year (`11-15`), because policies repeat every season.

    02-29 is refused by the loader: a date that does not exist every year cannot anchor a rule.
    """

    month: int
    day: int

    def in_year(self, year: int) -> date:
        """This month-day as a date of `year`."""
        return date(year, self.month, self.day)

    def zh(self) -> str:
        """Chinese display form, `11月15日`, as customers read dates."""
        return f"{self.month}月{self.day}日"

    def __str__(self) -> str:
        return f"{self.month:02d}-{self.day:02d}"


@dataclass(frozen=True)
class Company:
    """Who the assistant speaks for; shown in answers and SMS."""

    name: str
    sms_signature: str
    hotline: str
    hotline_hours: str
    demo: bool


@dataclass(frozen=True)
class Season:
    """The heating season; it always crosses the new year (start month-day > end month-day)."""

    start: MonthDay
    end: MonthDay


@dataclass(frozen=True)
class OldBuildingException:
    """A lower room-temperature floor for old buildings on cold days (Beijing: 16 ℃ at −7…−9 ℃).

    `outdoor_mean_min_c` is `None` when the exception has no lower bound (any colder day counts).
    """

    minimum_c: float
    outdoor_mean_max_c: float
    outdoor_mean_min_c: float | None


@dataclass(frozen=True)
class RoomTemperature:
    """The legal floor for bedrooms and living rooms, which decides 测温 triage and refunds."""

    minimum_c: float
    old_building_exception: OldBuildingException | None


@dataclass(frozen=True)
class Response:
    """How soon a person must first answer any repair / complaint ticket."""

    first_reply_hours: float


@dataclass(frozen=True)
class Leak:
    """Leak / burst pipe handling: the only fault that jumps the queue."""

    urgent: bool
    alert_human: bool
    on_site_hours: float
    #: Urgent reports from one building within this many minutes of each other are one incident
    #: (one hand-off, the later reports attached: bot.services.incidents); 0 links nothing.
    incident_minutes: int = 120


@dataclass(frozen=True)
class EmergencyNumbers:
    """The numbers the emergency safety net gives at once (docs/dialogue.md explains the net).

    `duty_phone` is the company's 24-hour duty / repair line: a burst pipe at 3 a.m. needs someone
    who answers now, which an office-hours hotline may not. `gas_phone` is the city gas company's
    emergency number, `None` until the company has checked it (then only `fire_phone` is named for a
    gas smell); `fire_phone` (119) and `ambulance_phone` (120) are configuration like every number
    a customer is told.
    """

    duty_phone: str
    gas_phone: str | None
    fire_phone: str
    ambulance_phone: str


@dataclass(frozen=True)
class RoomTempComplaint:
    """Deadlines of a 测温 (room-temperature) ticket."""

    measure_hours: float
    fix_hours: float


@dataclass(frozen=True)
class Repair:
    """Deadlines for fixing ordinary and major faults."""

    fix_hours: float
    major_fix_hours: float


@dataclass(frozen=True)
class Complaint:
    """Deadlines of a complaint: acknowledged (受理) and closed (办结)."""

    acknowledge_hours: float
    close_hours: float


@dataclass(frozen=True)
class FollowUp:
    """The satisfaction call-back (回访) after a ticket is closed.

    The survey may be answered until `working_days` after closing; a rating of `low_rating_max`
    or less opens a follow-up ticket so a person calls the household back.
    """

    working_days: int
    low_rating_max: int


@dataclass(frozen=True)
class Escalation:
    """What the deadline watch does around a ticket deadline (first_reply, on_site, resolve).

    The agents' queue is warned `warning_hours` before a deadline; after a missed one the user is
    promised a new time, `extension_hours[deadline]` after the breach was found.
    """

    warning_hours: float
    extension_hours: Mapping[str, float]


@dataclass(frozen=True)
class Calendar:
    """Public holidays and swapped working days (调休), so working-day deadlines are right.

    Without entries, Monday–Friday are working days.
    """

    holidays: tuple[date, ...]
    extra_workdays: tuple[date, ...]


@dataclass(frozen=True)
class Notices:
    """How early customers hear about stops."""

    planned_stop_days: int
    planned_stop_days_by_reason: Mapping[str, int]
    emergency_hours: float
    season_reminder_days: int  # remind subscribers this many days before the season starts
    bill_reminder_days: int  # remind unpaid accounts this many days before payment.deadline


@dataclass(frozen=True)
class RefundTier:
    """One band of degrees below the standard and the share of the daily fee refunded for it.

    `to_c` is `None` for the open-ended last band. Which side of a bound belongs to the band is
    set once for all tiers by `Refund.boundary`.
    """

    from_c: float
    to_c: float | None
    rate: float


@dataclass(frozen=True)
class Refund:
    """Refund when a room stays below standard and is not fixed in `not_fixed_within_hours`."""

    not_fixed_within_hours: float
    boundary: TierBoundary
    tiers: tuple[RefundTier, ...]


@dataclass(frozen=True)
class Payment:
    """When and where to pay."""

    deadline: MonthDay
    channels: tuple[str, ...]
    online_url: str | None = None  # a page to pay online; WeChat answers link to it


@dataclass(frozen=True)
class LateFee:
    """Late fee on unpaid heating fees.

    `daily_rate` `None` means "per the heating contract": the code then computes no amount and the
    answers say so, instead of inventing a number the regulation does not give.
    """

    daily_rate: float | None
    grace_days: int
    cap_ratio: float | None


@dataclass(frozen=True)
class StopHeating:
    """报停: stopping heating for a whole season."""

    apply_deadline: MonthDay
    base_fee_share: float | None
    process_working_days: int


@dataclass(frozen=True)
class Fees:
    """Area-based price (the usual bill)."""

    area_price_per_m2: float
    area_basis: str


@dataclass(frozen=True)
class Metering:
    """Two-part metered price (热计量), how the season is settled, and the 查表 (CB) ticket clock.

    A meter fault or a disputed reading is its own service (查表, apart from 收费): a person checks
    the meter on site within `check_hours` and answers the household within
    `dispute_working_days` working days, because a disputed reading changes a settlement.
    """

    available: bool
    base_price_per_m2: float
    energy_price_per_kwh: float
    prepayment: str
    settlement: str
    check_hours: float
    dispute_working_days: int


@dataclass(frozen=True)
class Invoice:
    """Invoice wording: what kind, how to get it, special cases."""

    kind: str
    how: str
    special: str


@dataclass(frozen=True)
class AccountTransfer:
    """过户: documents and conditions."""

    documents: tuple[str, ...]
    where: str
    conditions: str


@dataclass(frozen=True)
class Verification:
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
    """

    phone_digits: int
    max_failures_per_sender: int
    retry_delays_minutes: tuple[float, ...]
    max_failures_per_account: int
    account_retry_delays_minutes: tuple[float, ...]
    window_hours: float
    idle_minutes: int


@dataclass(frozen=True)
class Visit:
    """Home-visit rules told to the customer in confirmations."""

    require_work_id: bool


@dataclass(frozen=True)
class Handoff:
    """Hand-off to a person: how long a queued conversation may wait before it becomes a call-back.

    Past `pickup_minutes` without an agent the user gets a call-back (RG) ticket instead of more
    waiting, and the bot answers again.
    """

    pickup_minutes: int


@dataclass(frozen=True)
class QualityTargets:
    """The shares the quality report's first page holds each figure to (fractions, 0.95 = 95 %)."""

    answer_rate: float
    room_temperature_rate: float
    satisfaction: float
    first_contact_resolution: float
    deadline_compliance: float


@dataclass(frozen=True)
class Quality:
    """How the standard's quality figures are counted here, and the targets they are held to.

    `answer_within_seconds`: a hand-off counts as answered (接通) when a person takes it within
    this. `satisfied_min_rating`: the lowest survey rating (of 5) counted as satisfied.
    `repeat_days`: a finished ticket was not solved at first contact when the same household opens
    another of the same kind within this many days.
    """

    answer_within_seconds: int
    satisfied_min_rating: int
    repeat_days: int
    targets: QualityTargets


@dataclass(frozen=True)
class SmsLimits:
    """What SMS the channel may send on its own, so a flood of callbacks cannot run up a bill.

    One Aliyun callback of 10,000 items once made 9,840 SMS. A callback runs at most
    `max_items_per_callback` messages; automatic SMS (answers, opt-out confirmations) to one
    number stop at `replies_per_number_per_hour` in the last hour and `replies_per_number_per_day`
    in the last 24 hours, and to everybody together at `daily_budget` in the last 24 hours.
    """

    max_items_per_callback: int
    replies_per_number_per_hour: int
    replies_per_number_per_day: int
    daily_budget: int


@dataclass(frozen=True)
class Policy:
    """One city's or company's complete, validated service policy.

    `name` is the file's stem (`beijing`), `source` the file it was read from (for messages).
    """

    name: str
    source: str
    city: str
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
    calendar: Calendar
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
    sms: SmsLimits
    quality: Quality


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
