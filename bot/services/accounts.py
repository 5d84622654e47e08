"""Who may see an account: verification, binding, and the fee summary shown after it.

A fee query shows amounts only to a verified sender: one bound to the account, or one who gave the
account number and the last four digits of its registered phone. Failed tries are counted per
sender and per account, and both are locked for the policy's window after too many.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from bot.policy import Policy, late_fee, season_label, verification_blocked
from bot.store import accounts as account_store
from bot.store import verification as verification_store


@dataclass(frozen=True)
class Verification:
    """The outcome of one verification try."""

    ok: bool
    locked: bool = False
    remaining: int = 0


def verify(
    session: Session,
    policy: Policy,
    channel: str,
    sender_id: str,
    account_no: str,
    last4: str,
    now: datetime,
) -> Verification:
    """Check `last4` against the account's registered phone, within the failure limits."""
    limits = policy.verification
    since = now - timedelta(hours=limits.window_hours)
    by_sender = verification_store.recent_failures(
        session, since=since, channel=channel, sender_id=sender_id, reset_on_success=False
    )
    by_account = verification_store.recent_failures(session, since=since, account_no=account_no)
    if verification_blocked(policy, by_sender, by_account):
        return Verification(ok=False, locked=True)
    account = account_store.get_account(session, account_no)
    ok = account is not None and bool(account.phone) and account.phone[-4:] == last4
    verification_store.record_attempt(session, channel, sender_id, account_no, ok, now)
    if ok:
        return Verification(ok=True)
    remaining = min(
        limits.max_failures_per_sender - by_sender - 1,
        limits.max_failures_per_account - by_account - 1,
    )
    return Verification(ok=False, locked=remaining <= 0, remaining=max(remaining, 0))


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

    @property
    def balance(self) -> Decimal:
        """What is still owed this season, late fee included; never negative."""
        due = self.amount_due or Decimal("0")
        return max(due + self.late_fee - self.amount_paid, Decimal("0"))


def fee_summary(session: Session, policy: Policy, account_no: str, today: date) -> FeeSummary:
    """The bill to talk about, the late fee the policy charges by today, and recent payments.

    That bill is the current season's; outside the season, before next season's bill exists, it is
    the latest one. Unpaid bills of earlier seasons are summed as arrears, since 还欠多少钱 asks for
    everything owed.
    """
    account = account_store.get_account(session, account_no)
    community = account.community if account else None
    bills = account_store.bills_of(session, account_no)  # newest season first
    season = season_label(policy, today)
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
    )
