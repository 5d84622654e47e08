"""查表: what a metered household's meter says, what the season costs by it, and the resident's
own readings and meter problems.

The standard treats 查表 (meter reading) as a service of its own, apart from 收费 (billing), so
nothing here reads bills or payments: consumption comes from the company's readings, and the
settlement estimate from the policy's two-part tariff (`metering`) and the account's area. The
arithmetic is in plain functions (`season_usage`, `settlement_estimate`) that tests check against
hand-computed values; `meter_summary` only gathers their inputs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy.orm import Session

from bot.config import settings
from bot.nlu.meterreading import MeterValue, names_meter_fault
from bot.policy import Policy, season_dates, season_days, season_start_year
from bot.services import tickets as ticket_service
from bot.services.tickets import TicketView
from bot.store import accounts as account_store
from bot.store import meters as meter_store
from bot.store.errors import NotFound
from bot.store.meters import Reading, SubmissionDraft
from bot.store.models import Meter

KWH_PER_GJ = Decimal(1000) / Decimal("3.6")
"""1 GJ = 10⁹ J and 1 kWh = 3.6 × 10⁶ J, so 1 GJ ≈ 277.78 kWh (the tariff is priced per kWh)."""

_CENT = Decimal("0.01")
_SECONDS_PER_DAY = Decimal(86400)


def to_kwh(value: Decimal, unit: str) -> Decimal:
    """A quantity of heat in kWh, from the meter's unit."""
    return value * KWH_PER_GJ if unit == "GJ" else value


def convert(value: Decimal, unit: str, to_unit: str) -> Decimal:
    """`value` in `unit` expressed in `to_unit` (kWh ↔ GJ), to 0.01."""
    if unit == to_unit:
        return value
    kwh = to_kwh(value, unit)
    return (kwh / KWH_PER_GJ if to_unit == "GJ" else kwh).quantize(_CENT, ROUND_HALF_UP)


@dataclass(frozen=True)
class Usage:
    """Heat used between two company readings, in the meter's unit, over `days` (fractional)."""

    used: Decimal
    since: Reading
    until: Reading

    @property
    def days(self) -> Decimal:
        """Elapsed days between the two readings (a projection scales by it)."""
        seconds = Decimal((self.until.read_at - self.since.read_at).total_seconds())
        return seconds / _SECONDS_PER_DAY


def _season_bounds(policy: Policy, start_year: int) -> tuple[datetime, datetime]:
    """The season from its first heating day's 00:00 to the day after its last, company time."""
    first, last = season_dates(policy, start_year)
    zone = settings().timezone
    return (
        datetime.combine(first, time(0), tzinfo=zone),
        datetime.combine(last + timedelta(days=1), time(0), tzinfo=zone),
    )


def usage_between(readings: Sequence[Reading], start: datetime, end: datetime) -> Usage | None:
    """Heat used from `start` to `end` by the readings: the last reading at or before `start`
    (else the first one after it) to the last reading at or before `end`.

    `None` when there are not two distinct readings to subtract.
    """
    before = [r for r in readings if r.read_at <= start]
    inside = [r for r in readings if start < r.read_at <= end]
    since = before[-1] if before else (inside[0] if inside else None)
    until = inside[-1] if inside else None
    if since is None or until is None or until.read_at <= since.read_at:
        return None
    return Usage(until.value - since.value, since, until)


@dataclass(frozen=True)
class SeasonUsage:
    """One meter's heat this season so far, last season over the same span, and last season."""

    season: str
    this_season: Usage | None
    last_season_same_span: Usage | None
    last_season: Usage | None
    season_days: int


def season_usage(policy: Policy, readings: Sequence[Reading], now: datetime) -> SeasonUsage:
    """Usage of the season `now` belongs to, compared with the season before.

    The comparison covers the same span of the previous season (as many days after its start as
    this season's latest reading), because a whole season against half of one says nothing.
    """
    year = season_start_year(policy, now.astimezone(settings().timezone).date())
    start, end = _season_bounds(policy, year)
    last_start, last_end = _season_bounds(policy, year - 1)
    this = usage_between(readings, start, min(end, now))
    same_span = None
    if this is not None:
        span = this.until.read_at - start
        same_span = usage_between(readings, last_start, min(last_end, last_start + span))
    return SeasonUsage(
        season=f"{year}-{year + 1}",
        this_season=this,
        last_season_same_span=same_span,
        last_season=usage_between(readings, last_start, last_end),
        season_days=season_days(policy, year),
    )


@dataclass(frozen=True)
class SettlementEstimate:
    """The two-part settlement of a season by the readings so far, and projected to its end.

    base = area × base price; energy = kWh × energy price; `projected_*` scale the heat used so
    far to the whole season; `difference` = projected total − the area prepayment (positive: to
    pay on settlement, negative: to be refunded). Money rounds once, to 0.01 yuan, half up.
    """

    area_m2: Decimal
    base_fee: Decimal
    used_kwh: Decimal
    energy_fee: Decimal
    total_so_far: Decimal
    projected_kwh: Decimal | None
    projected_total: Decimal | None
    prepaid: Decimal
    difference: Decimal | None


def _money(value: Decimal) -> Decimal:
    return value.quantize(_CENT, ROUND_HALF_UP)


def settlement_estimate(
    policy: Policy, area_m2: Decimal, usage: Usage, unit: str, season_length_days: int
) -> SettlementEstimate:
    """What the season costs by the policy's two-part tariff (see `SettlementEstimate`).

    Projected only once a day of readings exists: a projection from a few hours would be noise.
    """
    tariff = policy.metering
    base = Decimal(str(tariff.base_price_per_m2)) * area_m2
    energy_price = Decimal(str(tariff.energy_price_per_kwh))
    kwh = to_kwh(usage.used, unit)
    prepaid = _money(Decimal(str(policy.fees.area_price_per_m2)) * area_m2)
    projected_kwh = projected_total = difference = None
    if usage.days >= 1:
        projected = kwh / usage.days * season_length_days
        projected_kwh = projected.quantize(_CENT, ROUND_HALF_UP)
        projected_total = _money(base + projected * energy_price)
        difference = projected_total - prepaid
    return SettlementEstimate(
        area_m2=area_m2,
        base_fee=_money(base),
        used_kwh=kwh.quantize(_CENT, ROUND_HALF_UP),
        energy_fee=_money(kwh * energy_price),
        total_so_far=_money(base + kwh * energy_price),
        projected_kwh=projected_kwh,
        projected_total=projected_total,
        prepaid=prepaid,
        difference=difference,
    )


@dataclass(frozen=True)
class MeterSummary:
    """What 查表 tells a verified household about its meter."""

    account_no: str
    meter_no: str
    unit: str
    latest: Reading | None
    usage: SeasonUsage
    estimate: SettlementEstimate | None


def meter_summary(
    session: Session, policy: Policy, account_no: str, now: datetime
) -> MeterSummary | None:
    """The account's (first) meter with its latest reading, usage and estimate; `None` when the
    account has no meter (an area-billed household, or one not yet imported)."""
    account = account_store.get_account(session, account_no)
    meters = meter_store.meters_of_account(session, account_no)
    if account is None or not meters:
        return None
    meter = meters[0]
    readings = [r for r in meter_store.readings_of(session, meter.meter_no) if r.read_at <= now]
    usage = season_usage(policy, readings, now)
    estimate = None
    if usage.this_season is not None and policy.metering.available:
        estimate = settlement_estimate(
            policy, Decimal(account.area_m2), usage.this_season, meter.unit, usage.season_days
        )
    return MeterSummary(
        account_no=account_no,
        meter_no=meter.meter_no,
        unit=meter.unit,
        latest=readings[-1] if readings else None,
        usage=usage,
        estimate=estimate,
    )


@dataclass(frozen=True)
class OwnReading:
    """A resident's reading as stored for review, with the company's latest one beside it."""

    meter_no: str
    unit: str
    value: Decimal
    photo: bool
    latest: Reading | None

    @property
    def below_company(self) -> bool:
        """A meter only counts up: a reading under the company's latest needs a closer look."""
        return self.latest is not None and self.value < self.latest.value


def submit_own_reading(
    session: Session,
    account_no: str,
    channel: str,
    sender_id: str,
    reading: MeterValue,
    photo_media_id: str | None,
    dedup_key: str | None,
    now: datetime,
) -> OwnReading | None:
    """Store the resident's reading for review, in the meter's unit; `None` without a meter.

    The company's readings are not touched: the reviewer decides what the reading is worth.
    """
    meters = meter_store.meters_of_account(session, account_no)
    if not meters:
        return None
    meter = meters[0]
    value = convert(reading.value, reading.unit or meter.unit, meter.unit)
    meter_store.submit_reading(
        session,
        SubmissionDraft(
            meter_no=meter.meter_no,
            account_no=account_no,
            channel=channel,
            sender_id=sender_id,
            value=value,
            written=reading.written,
            photo_media_id=photo_media_id,
            dedup_key=dedup_key,
        ),
        now,
    )
    return _own_reading(session, meter.meter_no, meter.unit, value, photo_media_id is not None)


def _own_reading(
    session: Session, meter_no: str, unit: str, value: Decimal, photo: bool
) -> OwnReading:
    readings = meter_store.readings_of(session, meter_no)
    return OwnReading(meter_no, unit, value, photo, readings[-1] if readings else None)


def attach_photo(
    session: Session, channel: str, sender_id: str, media_id: str
) -> OwnReading | None:
    """A dial photo sent just after the resident filed a reading: kept with that reading, the
    conversation's newest, while it waits for review and has no photo; `None` otherwise (a
    photo is never put on a reading already reviewed or over one already kept)."""
    submission = meter_store.latest_submission_of_sender(session, channel, sender_id)
    if submission is None or submission.status != "pending" or submission.photo_media_id:
        return None
    submission.photo_media_id = media_id
    session.flush()
    meter = session.get(Meter, submission.meter_no)
    unit = str(meter.unit) if meter is not None else ""
    return _own_reading(session, submission.meter_no, unit, submission.value, True)


def meter_problem_category(text: str) -> str:
    """`meter_fault` when the words say the meter itself misbehaves, else `reading_dispute`."""
    return "meter_fault" if names_meter_fault(text) else "reading_dispute"


def open_meter_ticket(
    session: Session,
    policy: Policy,
    account_no: str,
    channel: str,
    sender_id: str,
    text: str,
    dedup_key: str | None,
    now: datetime,
) -> TicketView:
    """A CB (查表) ticket for a meter fault or a disputed reading, with the policy's deadlines.

    The account's address and phone go on the ticket so the person who checks the meter can
    come without asking again; the resident's words are its description.
    """
    account = account_store.get_account(session, account_no)
    if account is None:
        raise NotFound(f"no account {account_no}")
    meters = meter_store.meters_of_account(session, account_no)
    category = meter_problem_category(text)
    note = f"表号 {meters[0].meter_no}：" if meters else "（该户暂无表号记录）"
    draft = ticket_service.household_draft(
        account,
        kind="CB",
        channel=channel,
        sender_id=sender_id,
        dedup_key=dedup_key,
        category=category,
        description=note + text,
    )
    return ticket_service.open_ticket(session, policy, draft, now)
