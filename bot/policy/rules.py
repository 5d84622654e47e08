"""Pure functions over a `Policy`: seasons, deadlines, temperatures, refunds, late fees.

They take the policy as their first argument instead of reading a global, so the console, the
actions and the CLI can ask about any city, and tests can pass a modified policy. No I/O, no clock:
"now" is always a parameter, because a deadline computed from a hidden `datetime.now()` can neither
be tested nor recomputed later for a report.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date, datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal
from itertools import pairwise

from bot.policy.model import DEADLINES, DueTimes, Policy, RefundEstimate

TICKET_KINDS = ("BX", "CW", "TS", "BT", "RG", "CB", "CY")
"""Ticket kinds of the NLU contract: 报修, 测温, 投诉, 报停, 人工回访/转人工, 查表, 室温抽测."""

FAULT_TYPES = ("no_heat", "leak", "valve", "noise", "air", "other")
"""Normalised `fault_type` values of the NLU contract."""

URGENT_FAULT_TYPES: Collection[str] = frozenset({"leak"})
"""Faults that take the urgent path (the NLU contract: `leak` is urgent)."""

_CENT = Decimal("0.01")
_NOMINAL_YEAR = 2021  # a season starting in 2021 ends in 2022, a non-leap year


def _as_day(day: date) -> date:
    """Accept a datetime too (its own calendar day), because callers often hold one."""
    return day.date() if isinstance(day, datetime) else day


# --------------------------------------------------------------------------- seasons


def season_start_year(policy: Policy, day: date) -> int:
    """The year the season `day` belongs to started (or will start) in.

    Seasons cross the new year, so January–March days belong to the season that started the year
    before; days after the season's end belong to the next season (its preparation months).
    """
    day = _as_day(day)
    return day.year - 1 if day <= policy.season.end.in_year(day.year) else day.year


def season_dates(policy: Policy, start_year: int) -> tuple[date, date]:
    """First and last heating day (both inclusive) of the season starting in `start_year`."""
    return policy.season.start.in_year(start_year), policy.season.end.in_year(start_year + 1)


def season_days(policy: Policy, start_year: int | None = None) -> int:
    """Number of heating days of a season (inclusive), e.g. 121 for 11-15 → 03-15 without Feb 29.

    Without `start_year` the nominal (non-leap) length, so a per-day fee does not change from
    year to year unless the caller asks for a specific season.
    """
    start, end = season_dates(policy, _NOMINAL_YEAR if start_year is None else start_year)
    return (end - start).days + 1


def in_heating_season(policy: Policy, day: date) -> bool:
    """Whether heat is due on `day` (start and end days included).

    Decides whether "no heat" is a planned seasonal stop or a fault to repair.
    """
    day = _as_day(day)
    start, end = season_dates(policy, season_start_year(policy, day))
    return start <= day <= end


def season_label(policy: Policy, day: date) -> str:
    """`'2026-2027'` for any day from the day after the 2025-2026 season ends to 2027-03-15."""
    year = season_start_year(policy, day)
    return f"{year}-{year + 1}"


def next_season_start(policy: Policy, day: date) -> date:
    """The first season start after `day`: this year's if it is still ahead, else the next one.

    On the first heating day itself the answer is next year's start (that season has begun).
    """
    day = _as_day(day)
    start, _ = season_dates(policy, season_start_year(policy, day))
    return start if day < start else season_dates(policy, start_year=start.year + 1)[0]


# --------------------------------------------------------------------------- working days


def is_working_day(policy: Policy, day: date) -> bool:
    """Monday–Friday, minus the policy's holidays, plus its swapped working days (调休)."""
    day = _as_day(day)
    if day in policy.calendar.extra_workdays:
        return True
    if day in policy.calendar.holidays:
        return False
    return day.weekday() < 5


def add_working_days(policy: Policy, start: datetime, days: int) -> datetime:
    """The same clock time on the `days`-th working day after `start`'s calendar day.

    Friday 10:00 + 2 → Tuesday 10:00; Saturday 10:00 + 2 → Tuesday 10:00. Counting whole days keeps
    the promise readable ("2 个工作日内") without office-hour arithmetic the policy does not define.
    """
    if days < 0:
        raise ValueError(f"days must not be negative, got {days}")
    current = start
    counted = 0
    while counted < days:
        current += timedelta(days=1)
        if is_working_day(policy, current.date()):
            counted += 1
    return current


# --------------------------------------------------------------------------- ticket deadlines


def _after(start: datetime, hours: float) -> datetime:
    """`start` + hours of elapsed time (via UTC, so a DST change cannot shift the deadline)."""
    return (start.astimezone(timezone.utc) + timedelta(hours=hours)).astimezone(start.tzinfo)


def ticket_due_times(
    policy: Policy,
    kind: str,
    created_at: datetime,
    *,
    fault_type: str | None = None,
    urgent: bool = False,
    major: bool = False,
    visit_start: datetime | None = None,
    visit_end: datetime | None = None,
    can_wait: bool = False,
) -> DueTimes:
    """Deadlines of a new ticket of `kind` (BX, CW, TS, BT, RG, CB, CY) created at `created_at`.

    - BX 报修: first reply per `response`; a leak (or `urgent=True`) gets an on-site deadline per
      `leak` and the urgent/alert flags, its first reply no later than that; fixed within
      `repair.fix_hours`, or `major_fix_hours` when `major`.
    - CW 测温: measured on site within `room_temp_complaint.measure_hours`, fixed within its
      `fix_hours`.
    - TS 投诉: first reply per `response`, acknowledged within `complaint.acknowledge_hours`,
      closed within `close_hours`.
    - BT 报停: first reply per `response`, done within `stop_heating.process_working_days`.
    - RG 回访/转人工: the call-back is due at the first reply time, which is also its resolve time.
    - CB 查表 (meter fault or disputed reading): first reply per `response`, the meter checked on
      site within `metering.check_hours`, the household answered within
      `metering.dispute_working_days` working days.
    - CY 室温抽测 (a sampled household's visit): the household agreed to a window, so the window
      is the promise: on site and done by `visit_end`, dispatched (first reply) by the policy's
      `response` or the window's start, whichever comes first. Without the window there is no
      CY ticket (ValueError).

    A household that asks for a later visit (`visit_start`, BX and CW) is not visited before
    then, so the on-site and fix clocks of a non-urgent ticket start at the visit instead of at
    the report; the first reply is still due from the report. Without this a ticket reported at
    23:30 for "tomorrow morning" would promise a fix by 07:30, before anyone may come.

    `can_wait`: a leak the resident said can wait (a slow drip into a bowl) and booked for a
    window. It is repaired like any fault, its clocks starting at the visit, and pages nobody:
    the leak rule's one-hour visit promised "12月7日 19:29 前处理完毕" for a visit booked on the
    9th, and paged the duty team about a drip.

    `created_at` must be timezone-aware (every datetime of the project is); the keyword-only flags
    make a call in the old positional order fail loudly instead of mixing up arguments.
    """
    if created_at.tzinfo is None or created_at.utcoffset() is None:
        raise ValueError("created_at must be timezone-aware")
    if kind not in TICKET_KINDS:
        raise ValueError(f"unknown ticket kind {kind!r}; expected one of {TICKET_KINDS}")
    if fault_type is not None and fault_type not in FAULT_TYPES:
        raise ValueError(f"unknown fault_type {fault_type!r}; expected one of {FAULT_TYPES}")

    for name, moment in (("visit_start", visit_start), ("visit_end", visit_end)):
        if moment is not None and (moment.tzinfo is None or moment.utcoffset() is None):
            raise ValueError(f"{name} must be timezone-aware")
    first_reply = _after(created_at, policy.response.first_reply_hours)
    clock_start = max(created_at, visit_start) if visit_start is not None else created_at
    if kind == "BX":
        is_leak = fault_type in URGENT_FAULT_TYPES and not (can_wait and not urgent)
        urgent_path = urgent or (is_leak and policy.leak.urgent)
        fix_hours = policy.repair.major_fix_hours if major else policy.repair.fix_hours
        on_site = _after(created_at, policy.leak.on_site_hours) if urgent_path or is_leak else None
        return DueTimes(
            first_reply=min(first_reply, on_site) if on_site is not None else first_reply,
            on_site=on_site,
            resolve=_after(created_at if urgent_path or is_leak else clock_start, fix_hours),
            urgent=urgent_path,
            alert_human=(urgent_path or is_leak) and policy.leak.alert_human,
        )
    if kind == "CW":
        rtc = policy.room_temp_complaint
        return DueTimes(
            first_reply=first_reply,
            on_site=_after(clock_start, rtc.measure_hours),
            resolve=_after(clock_start, rtc.fix_hours),
            urgent=urgent,
        )
    if kind == "TS":
        return DueTimes(
            first_reply=first_reply,
            on_site=None,
            resolve=_after(created_at, policy.complaint.close_hours),
            acknowledge=_after(created_at, policy.complaint.acknowledge_hours),
            urgent=urgent,
        )
    if kind == "BT":
        return DueTimes(
            first_reply=first_reply,
            on_site=None,
            resolve=add_working_days(policy, created_at, policy.stop_heating.process_working_days),
            urgent=urgent,
        )
    if kind == "CB":
        return DueTimes(
            first_reply=first_reply,
            on_site=_after(clock_start, policy.metering.check_hours),
            resolve=add_working_days(policy, created_at, policy.metering.dispute_working_days),
            urgent=urgent,
        )
    if kind == "CY":
        if visit_start is None or visit_end is None:
            raise ValueError("a CY (室温抽测) ticket needs its visit window")
        return DueTimes(
            first_reply=min(first_reply, max(created_at, visit_start)),
            on_site=visit_end,
            resolve=visit_end,
            urgent=urgent,
        )
    return DueTimes(first_reply=first_reply, on_site=None, resolve=first_reply, urgent=urgent)


def follow_up_due(policy: Policy, closed_at: datetime) -> datetime:
    """When the satisfaction call-back (回访) of a ticket closed at `closed_at` is due."""
    return add_working_days(policy, closed_at, policy.follow_up.working_days)


def deadline_warning_at(policy: Policy, due: datetime) -> datetime:
    """When the agents' queue is warned that a ticket deadline `due` is about to be missed."""
    return _after(due, -policy.escalation.warning_hours)


def rescheduled_due(policy: Policy, deadline: str, breached_at: datetime) -> datetime:
    """The new time promised to the user after `deadline` (first_reply …) was missed.

    Counted from when the breach was found, not from the old deadline: a promise must never lie
    in the past, even when the watch ran late.
    """
    if deadline not in policy.escalation.extension_hours:
        raise ValueError(f"unknown deadline {deadline!r}; expected one of {DEADLINES}")
    return _after(breached_at, policy.escalation.extension_hours[deadline])


# --------------------------------------------------------------------------- notices


def planned_stop_notice_days(policy: Policy, reason: str | None = None) -> int:
    """Days of notice before a planned stop; some reasons (filling, pressure_test) need more."""
    if reason is not None and reason in policy.notices.planned_stop_days_by_reason:
        return policy.notices.planned_stop_days_by_reason[reason]
    return policy.notices.planned_stop_days


def planned_stop_notice_by(
    policy: Policy, stop_start: datetime, reason: str | None = None
) -> datetime:
    """The latest time customers must be told of a planned stop beginning at `stop_start`."""
    return stop_start - timedelta(days=planned_stop_notice_days(policy, reason))


def emergency_notice_due(policy: Policy, stopped_at: datetime) -> datetime:
    """The latest time customers must hear of an unplanned stop that began at `stopped_at`."""
    return _after(stopped_at, policy.notices.emergency_hours)


# --------------------------------------------------------------------------- temperatures, refunds


def min_room_temp(
    policy: Policy, old_building: bool = False, outdoor_mean_c: float | None = None
) -> float:
    """The lowest lawful room temperature (℃) for this household today.

    The old-building exception (Beijing: 16 ℃) applies only to an old building on a day whose
    outdoor daily mean lies in the configured range (both ends inclusive); without a known outdoor
    mean the normal standard holds, because the customer is owed the higher one unless proven.
    """
    room = policy.room_temperature
    exception = room.old_building_exception
    if not old_building or exception is None or outdoor_mean_c is None:
        return room.minimum_c
    low = exception.outdoor_mean_min_c
    if outdoor_mean_c <= exception.outdoor_mean_max_c and (low is None or outdoor_mean_c >= low):
        return exception.minimum_c
    return room.minimum_c


def refund_rate(policy: Policy, degrees_below: float) -> float:
    """Share of the daily fee refunded when the room is `degrees_below` ℃ under the standard.

    0 when not below. The difference is rounded to 0.01 ℃ first so float noise (18 − 16.1 =
    1.8999…) cannot move a value across a tier bound. Which side of a bound counts is the
    policy's `refund.boundary`: Beijing "<2 / 2–4 / ≥4" is lower_inclusive (2.0 → 60 %),
    Tianjin "≤2 / 2–6 / >6" is upper_inclusive (2.0 → 10 %).
    """
    below = round(degrees_below, 2)
    if below <= 0:
        return 0.0
    lower_inclusive = policy.refund.boundary == "lower_inclusive"
    for tier in policy.refund.tiers:
        if tier.to_c is None:
            return tier.rate
        if (below < tier.to_c) if lower_inclusive else (below <= tier.to_c):
            return tier.rate
    raise AssertionError("validated tiers always end open")  # pragma: no cover


def _money(value: float | int | Decimal) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def refund_estimate(
    policy: Policy,
    measured_c: float,
    area_m2: float,
    price_per_m2_season: float,
    days: int,
    old_building: bool = False,
    outdoor_mean_c: float | None = None,
    start_year: int | None = None,
) -> RefundEstimate:
    """Estimate the refund for `days` qualifying days at room temperature `measured_c`.

    daily fee = area_m2 × price_per_m2_season ÷ season days (nominal non-leap length unless
    `start_year` of a season is given); amount = daily fee × rate × days, rounded once to 0.01 yuan,
    half up. `days` are the days that qualify under the policy (below standard and not fixed within
    `refund.not_fixed_within_hours`): counting them needs ticket history, which the caller has.
    """
    if area_m2 <= 0:
        raise ValueError(f"area_m2 must be positive, got {area_m2}")
    if price_per_m2_season < 0:
        raise ValueError(f"price_per_m2_season must not be negative, got {price_per_m2_season}")
    if days < 0:
        raise ValueError(f"days must not be negative, got {days}")
    standard = min_room_temp(policy, old_building, outdoor_mean_c)
    below = max(0.0, round(standard - measured_c, 2))
    rate = refund_rate(policy, below)
    n_days = season_days(policy, start_year)
    season_fee = _money(area_m2) * _money(price_per_m2_season)
    amount = (season_fee * _money(rate) * days / n_days).quantize(_CENT, ROUND_HALF_UP)
    return RefundEstimate(
        standard_c=standard,
        measured_c=measured_c,
        degrees_below=below,
        rate=rate,
        season_fee=season_fee.quantize(_CENT, ROUND_HALF_UP),
        season_days=n_days,
        daily_fee=(season_fee / n_days).quantize(_CENT, ROUND_HALF_UP),
        days=days,
        amount=amount,
    )


# --------------------------------------------------------------------------- payment, late fee


def payment_due_date(policy: Policy, day: date) -> date:
    """The payment deadline of the season `day` belongs to (e.g. 2026-12-31 for 2026-2027)."""
    year = season_start_year(policy, day)
    deadline = policy.payment.deadline
    return deadline.in_year(year if deadline > policy.season.end else year + 1)


def late_fee_start(policy: Policy, due_date: date) -> date:
    """First day a late fee accrues: the day after `due_date` plus the grace days (01-01)."""
    return _as_day(due_date) + timedelta(days=1 + policy.late_fee.grace_days)


def late_fee(
    policy: Policy, amount_due: Decimal | float | int, due_date: date, today: date
) -> Decimal:
    """Late fee owed on `today` for `amount_due` unpaid since `due_date`, in yuan (0.01, half up).

    amount × daily_rate × days, where days counts `late_fee_start` … `today` inclusive (due
    12-31 → 1 day on 01-01), capped at `cap_ratio` × amount. A policy whose rate is null ("per
    contract") yields 0 here: the bot cannot know the contract's rate, and the answer says so.
    """
    amount = _money(amount_due)
    rate = policy.late_fee.daily_rate
    if amount <= 0 or rate is None:
        return Decimal("0.00")
    start = late_fee_start(policy, due_date)
    today = _as_day(today)
    if today < start:
        return Decimal("0.00")
    days = (today - start).days + 1
    fee = amount * _money(rate) * days
    if policy.late_fee.cap_ratio is not None:
        fee = min(fee, amount * _money(policy.late_fee.cap_ratio))
    return fee.quantize(_CENT, ROUND_HALF_UP)


# ---------------------------------------------------------------- stop heating, verification


def stop_heating_deadline(policy: Policy, day: date) -> date:
    """The next 报停 application deadline on or after `day` (for the next season not yet begun)."""
    day = _as_day(day)
    deadline = policy.stop_heating.apply_deadline.in_year(day.year)
    return deadline if day <= deadline else policy.stop_heating.apply_deadline.in_year(day.year + 1)


def can_apply_stop_heating(policy: Policy, day: date) -> bool:
    """Whether a 报停 application made on `day` still counts for the coming season.

    True from the day after the season ends up to the deadline; during the season (and between
    the deadline and the start) it is too late for the season that is running or about to run.
    """
    day = _as_day(day)
    season_end = policy.season.end.in_year(day.year)
    return season_end < day <= policy.stop_heating.apply_deadline.in_year(day.year)


def verification_failures_needed(policy: Policy, *, account: bool = False) -> int:
    """How many of the latest failures (of a sender, or with `account` of an account) the
    verification rules look at, at most."""
    v = policy.verification
    if account:
        return v.max_failures_per_account + len(v.account_retry_delays_minutes)
    return v.max_failures_per_sender + len(v.retry_delays_minutes)


def _wait_until(
    policy: Policy,
    failures: Sequence[datetime],
    first_delayed: int,
    delays: Sequence[float],
) -> datetime | None:
    """When a key (a sender, or an account) may be tried again, from its failures.

    `failures` are its latest failures within the window, newest first (more than
    `first_delayed + len(delays)` are not needed). The `first_delayed`-th failure brings the
    first wait of `delays`, each further one the next; past the list the key waits until enough
    failures have left the window that it is back on the last step. So no key ever fails more
    than `first_delayed + len(delays)` times in any window, and the wait only grows while
    failures keep coming.
    """
    if len(failures) < first_delayed:
        return None
    nth = len(failures) - first_delayed + 1
    if nth <= len(delays):
        return failures[0] + timedelta(minutes=delays[nth - 1])
    wall = first_delayed + len(delays)  # the failure whose leaving the window ends the wait
    return failures[wall - 1] + timedelta(hours=policy.verification.window_hours)


def verification_account_retry_at(
    policy: Policy, account_failures: Sequence[datetime]
) -> datetime | None:
    """Until when no sender's digits are checked on an account; `None`: not cooling down.

    `account_failures` are the account's latest failures within `verification.window_hours` by
    anyone on any channel, newest first (at most `verification_failures_needed(policy,
    account=True)`), and no success resets them: a guesser's lucky hit must not wipe the trail
    for the next guesser. The `max_failures_per_account`-th failure starts a cool-down of the
    first `account_retry_delays_minutes`, each further one the next, past the list until enough
    failures have left the window: at most `max_failures_per_account` + the list's length
    checks fail on one account in any window, however many identities try (8 a day with the
    shipped 5 and [15, 60, 240], so four digits take years, not an afternoon).

    The caller passes no failures while a single sender made them all (that sender is held by
    its own limit; `bot.services.accounts.verify`), so one stranger cannot lock the owner out.
    The price is that two strangers can stop an owner checking the digits for a while, so the
    owner is told the ways that need no digits (a bound WeChat or phone, the registered phone
    texting in, the service hall with an ID card, the hotline, a call-back); docs/security.md.
    """
    v = policy.verification
    return _wait_until(
        policy, account_failures, v.max_failures_per_account, v.account_retry_delays_minutes
    )


def verification_retry_at(
    policy: Policy,
    *,
    sender_failures: Sequence[datetime],
    account_failures: Sequence[datetime],
) -> datetime | None:
    """When this sender may next try to verify this account; `None`: right now.

    Both sequences are failures within `verification.window_hours`, newest first (see
    `verification_failures_needed`), and no success resets either. The later of two rules wins:

    - Per sender (strict): past `max_failures_per_sender - 1` free failures, each failure of this
      sender on any account brings the next wait of `retry_delays_minutes` (1, 5, 15 minutes),
      and past the list the sender waits until its oldest counted failure leaves the window.
      A success does not reset them, or a guesser could verify its own account between guesses
      at others.
    - Per account (`verification_account_retry_at`): failures from every sender and channel
      together cool the account down, so changing identity buys no extra tries.
    """
    v = policy.verification
    waits = (
        _wait_until(policy, sender_failures, v.max_failures_per_sender, v.retry_delays_minutes),
        verification_account_retry_at(policy, account_failures),
    )
    return max((w for w in waits if w is not None), default=None)


def verification_tries_left(policy: Policy, sender_failures: int) -> int:
    """How many more tries before this sender waits; the failure of the last one brings it.

    Only the sender's own failures count: a countdown that took others' failures on the account
    told a stranger that someone else had been trying that household's digits (red team R1).
    Others may still cool the account down first; the resident is then told why and until when.
    """
    return max(policy.verification.max_failures_per_sender - sender_failures, 0)


def verification_budget_retry_at(
    policy: Policy, failures: Sequence[datetime], limit: int
) -> datetime | None:
    """Until when a failure budget across accounts is spent; `None`: a check may be made.

    `failures` are the latest failures counted against the budget (the company's, or one
    widget address's) within `verification.budget_window_minutes`, newest first; `limit` is its
    size (`company_failures_per_window`, `source_failures_per_window`). With `limit` failures in
    the window it is spent until the oldest of them leaves it: a sliding window that lets at most
    `limit` failures through in any window, however many identities and accounts they spread over
    (the per-sender and per-account rules see each of those once). The caller applies it only to
    senders that have not verified the account before, so an owner checking again is not stopped
    by strangers guessing elsewhere.
    """
    if limit <= 0 or len(failures) < limit:
        return None
    return failures[limit - 1] + timedelta(minutes=policy.verification.budget_window_minutes)


def verification_lapsed(policy: Policy, activity: Sequence[datetime]) -> bool:
    """Whether a verification has lapsed: `activity` is when it was made and when each message
    after it came, in order; a pause longer than `verification.idle_minutes` anywhere in it ends
    the verification.

    Any pause counts, not only the last one: a verification must not come back to life because
    a later message happened to follow soon after the one that resumed the conversation.
    """
    idle = timedelta(minutes=policy.verification.idle_minutes)
    return any(later - earlier > idle for earlier, later in pairwise(activity))


# --------------------------------------------------------------------------- SMS cost


def sms_limit_reached(
    policy: Policy,
    sending: int,
    *,
    to_number_last_hour: int,
    to_number_last_day: int,
    to_all_last_day: int,
) -> str | None:
    """The `sms` limit that sending `sending` more automatic SMS to one number would break, named
    by its policy key; `None` when all of them may go.

    The counts are automatic SMS already sent (answers and opt-out confirmations): to this number
    in the last hour and 24 hours, to all numbers in the last 24 hours. An answer goes whole or
    not at all (half an answer confuses more than none), and the company's budget is named first
    because it stops every number, not just one.
    """
    limits = policy.sms
    checks = (
        ("daily_budget", to_all_last_day, limits.daily_budget),
        ("replies_per_number_per_hour", to_number_last_hour, limits.replies_per_number_per_hour),
        ("replies_per_number_per_day", to_number_last_day, limits.replies_per_number_per_day),
    )
    for name, sent, limit in checks:
        if sent + sending > limit:
            return name
    return None


# ---------------------------------------------------------------------- unverified applications


def unverified_application_limit(policy: Policy, *, by_sender: int, by_phone: int) -> str | None:
    """The `unverified_applications` limit one more application filed without the 户号 would
    break, named by its policy key; `None` when it may be filed.

    The counts are the applications filed unverified in the last `window_hours`: by this
    conversation, and with this contact phone by anyone. The sender's own limit is named first:
    it is the one the resident can do something about here (prove the account instead).
    """
    limits = policy.unverified_applications
    if by_sender >= limits.max_per_sender:
        return "max_per_sender"
    if by_phone >= limits.max_per_phone:
        return "max_per_phone"
    return None


# ---------------------------------------------------------------------- report limits


def urgent_page_limit(policy: Policy, *, by_sender: int, pages_company: int) -> str | None:
    """The `report_limits` limit paging for one more urgent report would break, named by its
    policy key; `None` when the duty team is paged for it as always.

    The counts are this conversation's urgent reports in the last `window_hours` (paged or not:
    a script reporting the same building again and again is still one sender's flood) and the
    company's urgent pages in the last `company_window_minutes`. The company's limit is named
    first: it is the one that says many identities are at it together.
    """
    limits = policy.report_limits
    if pages_company >= limits.urgent_pages_company:
        return "urgent_pages_company"
    if by_sender >= limits.urgent_per_sender:
        return "urgent_per_sender"
    return None


def repair_limit_reached(policy: Policy, *, by_sender: int) -> bool:
    """Whether one more ordinary repair ticket from a conversation that filed `by_sender` in the
    last `report_limits.window_hours` (withdrawn ones included) is past `repairs_per_sender`."""
    return by_sender >= policy.report_limits.repairs_per_sender
