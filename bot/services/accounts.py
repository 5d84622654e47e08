"""Who may see an account: verification, binding, and the fee summary shown after it.

A fee query shows amounts only to a verified sender: one bound to the account, or one who gave the
account number and the last four digits of its registered phone. Failed tries are limited per
sender, per account and across accounts, from the store so that every process and replica counts
the same: a sender past its free failures waits longer after each one, a few failures on one
account, by anyone on any channel, cool the account down for every sender, and past a budget of
failures on all accounts (the company's, or one widget address's) only senders that verified the
account before get a check; operators are alerted (`bot.policy.verification_retry_at`,
`bot.policy.verification_budget_retry_at`).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from bot.nlu.bill_questions import AMOUNT, DEADLINE, LATE_FEE
from bot.nlu.numbers import normalise_contact_number
from bot.nlu.text import normalise
from bot.policy import (
    Policy,
    late_fee,
    late_fee_start,
    late_fee_terms,
    payment_due_date,
    season_label,
    season_start_year,
    verification_account_retry_at,
    verification_budget_retry_at,
    verification_failures_needed,
    verification_retry_at,
    verification_tries_left,
)
from bot.privacy import mask_account
from bot.store import accounts as account_store
from bot.store import verification as verification_store

#: Operators route this logger to their pager: an account under guessing (docs/security.md).
alerts = logging.getLogger("bot.alerts.verification")


@dataclass(frozen=True)
class Verification:
    """The outcome of one verification try.

    `retry_at` is set when this sender must wait before its next try (the try was refused, or it
    failed and brought a wait); otherwise a failed try leaves `remaining` tries before a wait.
    `paused`: the wait is a budget across accounts (the company's or the widget address's), not
    this sender's or this account's failures, so the resident is told the checks are paused
    rather than that they failed too often.
    """

    ok: bool
    retry_at: datetime | None = None
    remaining: int = 0
    paused: bool = False


@dataclass(frozen=True)
class _Budgets:
    """The failures the budgets across accounts count: the company's and, when the channel
    knows it, those of the widget address `key` the try comes from."""

    company: tuple[datetime, ...]
    source: tuple[datetime, ...]
    key: str | None

    def retry_at(self, policy: Policy) -> datetime | None:
        """Until when a budget is spent (the later of the two)."""
        v = policy.verification
        waits = (
            verification_budget_retry_at(policy, self.company, v.company_failures_per_window),
            verification_budget_retry_at(policy, self.source, v.source_failures_per_window),
        )
        return max((w for w in waits if w is not None), default=None)

    def after_failure(self, now: datetime) -> _Budgets:
        """The budgets once a failure at `now` is counted."""
        return _Budgets((now, *self.company), (now, *self.source) if self.key else (), self.key)


def _budgets(session: Session, policy: Policy, source: str | None, now: datetime) -> _Budgets:
    """The budgets as they stand before this try (at most as many failures as each allows)."""
    v = policy.verification
    since = now - timedelta(minutes=v.budget_window_minutes)
    company = verification_store.latest_failures(
        session, since=since, limit=v.company_failures_per_window
    )
    by_source = (
        verification_store.latest_failures(
            session, since=since, limit=v.source_failures_per_window, source=source
        )
        if source
        else ()
    )
    return _Budgets(company, by_source, source)


def verify(
    session: Session,
    policy: Policy,
    channel: str,
    sender_id: str,
    account_no: str,
    proof: str,
    now: datetime,
    source: str | None = None,
) -> Verification:
    """Check `proof` against the account's registered phone, unless this sender must wait.

    `proof` is the phone's last four digits or, when the resident gave it, the whole number: a
    whole number is compared in full, since its last four alone would let any number ending in
    the right digits through (and a wrong number is a failed try like wrong digits). `source` is
    the widget address the try came from (`bot.channels.source`), when the channel knows it.

    A try while waiting (this sender's wait, the account's cool-down, or a spent budget across
    accounts) is refused without being checked or counted, so the right digits cannot be found
    by trying on during a wait, and waiting does not make the wait longer. The budgets (every
    failure of the company, and of one widget address, within a short window) stop a guesser who
    tries one account after another with a fresh identity each time, which the per-sender and
    per-account limits never see twice; they hold back only senders that have not verified this
    account before, so an owner checking again is not stopped by strangers guessing elsewhere.
    The failures are read from the store, so every process and replica applies the same limits,
    and the checks and the count are one step (`lock_checks`), so parallel tries cannot all slip
    under a limit.
    """
    def registered_phone() -> str | None:
        account = account_store.get_account(session, account_no)
        return account.phone if account is not None else None

    return check_proof(
        session, policy, channel, sender_id, account_no, registered_phone, proof, now, source
    )


def check_proof(
    session: Session,
    policy: Policy,
    channel: str,
    sender_id: str,
    key: str,
    on_record: Callable[[], str | None],
    proof: str,
    now: datetime,
    source: str | None = None,
) -> Verification:
    """`verify`'s check of `proof` against the phone `on_record()` returns for what `key` names
    (an account number, or `bot.services.ticket_proof.proof_key` of a ticket), under the same
    limits: the sender's, the key's and the budgets across keys, so a guesser who tries ticket
    numbers with phone numbers spends the same budgets as one who tries account numbers with
    digits. `on_record` is read only when the try is checked; `None` (no such account or
    ticket, or no phone on it) fails like a wrong proof, so a miss tells nothing."""
    verification_store.lock_checks(session)
    since = now - timedelta(hours=policy.verification.window_hours)
    by_sender = verification_store.recent_failures(
        session,
        since=since,
        channel=channel,
        sender_id=sender_id,
        reset_on_success=False,
        keep=verification_failures_needed(policy),
    )
    on_account = verification_store.recent_failures(
        session,
        since=since,
        account_no=key,
        reset_on_success=False,
        keep=verification_failures_needed(policy, account=True),
    )
    budgets = _budgets(session, policy, source, now)
    owner_again = verification_store.verified_before(session, channel, sender_id, key)
    retry_at = verification_retry_at(
        policy,
        sender_failures=by_sender.latest,
        account_failures=_engaged(on_account.latest, on_account.senders),
    )
    paused_until = None if owner_again else budgets.retry_at(policy)
    if paused_until is not None and paused_until > now and (retry_at or now) < paused_until:
        return Verification(ok=False, retry_at=paused_until, paused=True)
    if retry_at is not None and retry_at > now:
        return Verification(ok=False, retry_at=retry_at)
    phone = on_record()
    ok = bool(phone) and _proves(str(phone), proof)
    if ok:
        verification_store.record_attempt(
            session, channel, sender_id, key, True, now, source=source
        )
        return Verification(ok=True)
    after = budgets.after_failure(now)
    alert = _budget_alert(session, policy, after, now)
    verification_store.record_attempt(
        session, channel, sender_id, key, False, now, source=source, alert=alert
    )
    failed = on_account.senders | {(channel, sender_id)}
    account_failures = _engaged((now, *on_account.latest), failed)
    cooling_until = verification_account_retry_at(policy, account_failures)
    if cooling_until is not None:
        alerts.warning(
            "verification: %d failed tries on account %s within %g h: no digits are checked "
            "on it until %s; someone may be guessing its phone digits (its owner can still "
            "use a bound WeChat or phone, the hall or the hotline)",
            on_account.count + 1,
            mask_account(key),
            policy.verification.window_hours,
            cooling_until.isoformat(timespec="minutes"),
        )
    retry_at = verification_retry_at(
        policy, sender_failures=(now, *by_sender.latest), account_failures=account_failures
    )
    paused_until = None if owner_again else after.retry_at(policy)
    remaining = verification_tries_left(policy, by_sender.count + 1)
    if paused_until is not None and (retry_at or now) < paused_until:
        return Verification(ok=False, retry_at=paused_until, remaining=remaining, paused=True)
    return Verification(ok=False, retry_at=retry_at, remaining=remaining)


def _budget_alert(
    session: Session, policy: Policy, after: _Budgets, now: datetime
) -> str | None:
    """The alert this failure raises, if it spends a budget whose alert was not raised in the
    window: the company's first (it says more), else the widget address's. Logged here; the
    caller records its name on the failure, so that no replica raises it again in the window."""
    v = policy.verification
    since = now - timedelta(minutes=v.budget_window_minutes)
    company, source = verification_store.COMPANY_ALERT, verification_store.SOURCE_ALERT
    budgets = [(company, after.company, v.company_failures_per_window)]
    if after.key:
        budgets.append((source, after.source, v.source_failures_per_window))
    for name, failures, limit in budgets:
        until = verification_budget_retry_at(policy, failures, limit)
        key = after.key if name == source else None
        if until is None or verification_store.alerted_since(
            session, since=since, alert=name, source=key
        ):
            continue
        alerts.warning(
            "verification: %d or more failed tries %s within %d min: the digits of senders "
            "that have not verified the account before are not checked until %s; someone may "
            "be guessing across accounts with new identities (owners can still use a bound "
            "WeChat or phone, the hall or the hotline)",
            limit,
            f"from widget address {key}" if key else "company-wide",
            v.budget_window_minutes,
            until.isoformat(timespec="minutes"),
        )
        return name
    return None


def _proves(phone: str, proof: str) -> bool:
    """Whether `proof` (four digits, or a whole number) matches the registered `phone`.

    Digits of any script count as their ASCII value (٥٦٧٨, 𝟓𝟔𝟕𝟖): the owner's right digits
    typed on another keyboard are no failed try (red team R13).
    """
    proof = normalise(proof)
    if len(proof) == 4:
        return phone[-4:] == proof
    whole = normalise_contact_number(proof)
    return whole is not None and normalise_contact_number(phone) == whole


def _engaged(
    failures: tuple[datetime, ...], senders: frozenset[tuple[str, str]]
) -> tuple[datetime, ...]:
    """An account's failures as its cool-down sees them: none while one sender made them all.

    A lone sender is held by its own limit (8 failures a day), so the account rule adds nothing
    against it; engaging it anyway would let one stranger who mistyped (or meant to) stop the
    owner checking the digits. Rotated identities still cool the account down from the second
    sender's failure on: at most 9 failures a day on one account, however many identities try.
    """
    return failures if len(senders) >= 2 else ()


def wait_text(wait: timedelta) -> str:
    """How long a user must wait, as messages say it: `1分钟`, `15分钟`, `1小时30分钟`, `24小时`.

    Rounded up to the minute, so a user who waits what they were told is never refused again.
    """
    minutes = max(math.ceil(wait.total_seconds() / 60), 1)
    hours, minutes = divmod(minutes, 60)
    if not hours:
        return f"{minutes}分钟"
    return f"{hours}小时{minutes}分钟" if minutes else f"{hours}小时"


def bound_account(session: Session, channel: str, sender_id: str) -> str | None:
    """The account bound to this sender (the earliest binding when there are several)."""
    accounts = account_store.accounts_bound_to(session, channel, sender_id)
    return accounts[0].account_no if accounts else None


@dataclass(frozen=True)
class AccountContact:
    """The parts of an account the bot may prefill for its verified or bound owner."""

    account_no: str
    community: str | None
    address: str | None
    phone: str | None


def contact_of(session: Session, account_no: str) -> AccountContact | None:
    """Address and phone of an account, to prefill a repair form for its bound sender."""
    account = account_store.get_account(session, account_no)
    if account is None:
        return None
    return AccountContact(account.account_no, account.community, account.address, account.phone)


def is_registered_phone(session: Session, account_no: str, phone: str) -> bool:
    """Whether `phone` is the registered phone of the account (both in any spacing or form).

    An SMS from that number proves the resident holds the registered phone: more than the last
    digits of it that verification otherwise asks for (service-policy.md).
    """
    contact = contact_of(session, account_no)
    if contact is None or not contact.phone:
        return False
    return normalise_contact_number(contact.phone) == normalise_contact_number(phone)


@dataclass(frozen=True)
class Payment:
    """One payment as shown in the history."""

    paid_at: datetime
    amount: Decimal
    channel: str


@dataclass(frozen=True)
class FeeSummary:
    """This season's bill of one account, for its verified owner."""

    account_no: str
    community: str | None
    season: str
    amount_due: Decimal | None
    amount_paid: Decimal
    late_fee: Decimal
    payments: tuple[Payment, ...]
    earlier_arrears: Decimal = Decimal("0")
    #: The bill's payment deadline (None: no bill).
    due_date: date | None = None

    @property
    def balance(self) -> Decimal:
        """What is still owed this season, late fee included; never negative."""
        due = self.amount_due or Decimal("0")
        return max(due + self.late_fee - self.amount_paid, Decimal("0"))


def fee_summary(
    session: Session, policy: Policy, account_no: str, today: date, seasons_back: int = 0
) -> FeeSummary:
    """The bill to talk about, the late fee the policy charges by today, and recent payments.

    That bill is the current season's; outside the season, before next season's bill exists, it is
    the latest one. Unpaid bills of earlier seasons are summed as arrears, since 还欠多少钱 asks for
    everything owed. `seasons_back` (1: 那去年的呢) asks for an earlier season's bill, that one
    only (no bill then says so), without the recent payments, which belong to the latest bill.
    """
    account = account_store.get_account(session, account_no)
    community = account.community if account else None
    bills = account_store.bills_of(session, account_no)  # newest season first
    season = season_label(policy, today)
    if seasons_back > 0:
        start = season_start_year(policy, today) - seasons_back
        season = f"{start}-{start + 1}"
        bill = next((b for b in bills if b.season == season), None)
        payments: tuple[Payment, ...] = ()
    else:
        bill = next((b for b in bills if b.season == season), bills[0] if bills else None)
        payments = tuple(
            Payment(p.paid_at, Decimal(p.amount), p.channel)
            for p in account_store.payments_of(session, account_no, limit=3)
        )
    if bill is None:
        return FeeSummary(account_no, community, season, None, Decimal("0"), Decimal("0"), payments)
    arrears = sum((b.outstanding for b in bills if b.season < bill.season), start=Decimal("0"))
    unpaid = max(Decimal(bill.amount_due) - Decimal(bill.amount_paid), Decimal("0"))
    fee = max(Decimal(bill.late_fee or 0), late_fee(policy, unpaid, bill.due_date, today))
    return FeeSummary(
        account_no=account_no,
        community=community,
        season=bill.season,
        amount_due=Decimal(bill.amount_due),
        amount_paid=Decimal(bill.amount_paid),
        late_fee=fee,
        payments=payments,
        earlier_arrears=arrears,
        due_date=bill.due_date,
    )


def _day_text(day: date, today: date) -> str:
    """`12月31日`, with the year when it is not this year's (2027年1月1日)."""
    year = f"{day.year}年" if day.year != today.year else ""
    return f"{year}{day.month}月{day.day}日"


def bill_follow_up(
    policy: Policy, summary: FeeSummary, today: date, asked: frozenset[str]
) -> str:
    """The answer to a short question about the bill just shown (`bot.nlu.bill_questions`):
    多少钱 → what the season costs and what is still owed; 啥时候截止 / 晚交有滞纳金吗 → the
    bill's deadline and, while something is owed, from which day and how the late fee is charged
    (hax-013: a menu of topics answered it). Empty when `asked` is."""
    parts: list[str] = []
    if AMOUNT in asked:
        if summary.amount_due is None:
            parts.append(f"{summary.season} 供暖季的账单还没有出。")
        elif summary.balance > 0:
            late = f"（含滞纳金 {summary.late_fee:.2f} 元）" if summary.late_fee > 0 else ""
            parts.append(
                f"本季应缴 {summary.amount_due:.2f} 元，已缴 {summary.amount_paid:.2f} 元，"
                f"还需缴 {summary.balance:.2f} 元{late}。"
            )
        else:
            parts.append(f"本季应缴 {summary.amount_due:.2f} 元，已经缴清，不用再交。")
        if summary.earlier_arrears > 0:
            parts.append(f"另有往季欠费 {summary.earlier_arrears:.2f} 元。")
    if asked & {DEADLINE, LATE_FEE}:
        due = summary.due_date or payment_due_date(policy, today)
        start = late_fee_start(policy, due)
        owed = summary.amount_due is None or summary.balance > 0
        if not owed:
            parts.append(f"本季缴费截止日是 {_day_text(due, today)}，您已缴清，不会产生滞纳金。")
        elif today <= due:
            parts.append(
                f"本季缴费截止到 {_day_text(due, today)}；"
                f"自{_day_text(start, today)}起仍未缴的，{late_fee_terms(policy)}"
            )
        else:
            charged = f"目前滞纳金 {summary.late_fee:.2f} 元。" if summary.late_fee > 0 else ""
            parts.append(
                f"本季缴费截止日 {_day_text(due, today)} 已过；"
                f"自{_day_text(start, today)}起仍未缴的，{late_fee_terms(policy)}{charged}"
            )
    return "".join(parts)
