"""Verification attempts, counted so that account numbers and phone digits cannot be guessed.

The policy limits failed tries per sender, per account, per widget address and for the whole
company; the limits themselves belong to the caller, this module only records tries and counts
the failures that still matter, with the times of the latest ones, from which the policy's waits
run.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from bot.store.errors import InvalidInput
from bot.store.models import VerificationAttempt, require_aware

# Names the PostgreSQL advisory lock that makes every verification check and its count one step.
_CHECKS_LOCK = 0x7665726966790001  # "verify" + 1

#: The budgets whose alerts a failure row may carry (`VerificationAttempt.alert`).
COMPANY_ALERT = "company"
SOURCE_ALERT = "source"


def lock_checks(session: Session) -> None:
    """Make this transaction's limit checks and its count of a try one step for every process
    and replica.

    Without it, parallel tries could all read the counts before any of them is recorded and each
    get a check past a limit. The company-wide budget counts failures on every account, so one
    lock serves all tries (each holds it for a few milliseconds; tries come a few a second at
    most). SQLite needs nothing: its transactions start with `BEGIN IMMEDIATE` (`bot.store.db`)
    and run one at a time already. On PostgreSQL a transaction-scoped advisory lock does it.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _CHECKS_LOCK})


@dataclass(frozen=True)
class Failures:
    """Failed tries that still count: how many, and the times of the latest, newest first.

    Waits run from those times; `latest` holds at most the `keep` the caller asked for, and
    `senders` who failed (asked for with `keep` too), because an account's cool-down engages only
    once two senders have failed on it.
    """

    count: int
    latest: tuple[datetime, ...] = ()
    senders: frozenset[tuple[str, str]] = frozenset()  # (channel, sender_id) of the failures


def record_attempt(
    session: Session,
    channel: str,
    sender_id: str,
    account_no: str,
    success: bool,
    now: datetime,
    *,
    source: str | None = None,
    alert: str | None = None,
) -> VerificationAttempt:
    """Remember one try by `sender_id` to prove it owns `account_no`, from `source` (a widget
    address's key) if known, and the budget alert (`COMPANY_ALERT`, `SOURCE_ALERT`) it raised."""
    attempt = VerificationAttempt(
        channel=channel,
        sender_id=sender_id,
        account_no=account_no,
        success=success,
        at=require_aware(now, "now"),
        source=source,
        alert=alert,
    )
    session.add(attempt)
    session.flush()
    return attempt


def recent_failures(
    session: Session,
    *,
    since: datetime,
    channel: str | None = None,
    sender_id: str | None = None,
    account_no: str | None = None,
    reset_on_success: bool = True,
    keep: int = 0,
) -> Failures:
    """Failed tries at or after `since` and after the last success, for a sender and/or an account.

    Give `channel` and `sender_id` to count one sender's failures, `account_no` to count the tries
    against one account from anyone, or all three for one sender on one account. A success resets
    the count, so an owner who mistyped once is not locked out later. A per-sender rate limit must
    pass `reset_on_success=False`: otherwise a sender who can verify their own account resets
    their count between guesses at other accounts. `keep` asks for the times of that many of the
    latest failures and the senders who failed too (two more queries, only when there are
    failures).
    """
    if (channel is None) != (sender_id is None):
        raise InvalidInput("channel and sender_id go together")
    if sender_id is None and account_no is None:
        raise InvalidInput("give a sender (channel and sender_id), an account_no, or both")
    key = [VerificationAttempt.at >= require_aware(since, "since")]
    if sender_id is not None:
        key += [VerificationAttempt.channel == channel, VerificationAttempt.sender_id == sender_id]
    if account_no is not None:
        key.append(VerificationAttempt.account_no == account_no)
    last_success = (
        select(func.max(VerificationAttempt.at))
        .where(*key, VerificationAttempt.success.is_(True))
        .scalar_subquery()
    )
    conditions = [*key, VerificationAttempt.success.is_(False)]
    if reset_on_success:
        conditions.append((last_success.is_(None)) | (VerificationAttempt.at > last_success))
    count: int = session.execute(select(func.count()).where(*conditions)).scalar_one()
    if not count or keep <= 0:
        return Failures(count)
    latest = (
        select(VerificationAttempt.at)
        .where(*conditions)
        .order_by(VerificationAttempt.at.desc(), VerificationAttempt.id.desc())
        .limit(keep)
    )
    senders = select(VerificationAttempt.channel, VerificationAttempt.sender_id).where(*conditions)
    return Failures(
        count,
        tuple(session.execute(latest).scalars()),
        frozenset((str(c), str(s)) for c, s in session.execute(senders.distinct())),
    )


def latest_failures(
    session: Session, *, since: datetime, limit: int, source: str | None = None
) -> tuple[datetime, ...]:
    """The times of at most `limit` of the latest failures at or after `since`, newest first, on
    every account by everyone (or, with `source`, from that widget address): what the budgets
    across accounts count. Successes reset nothing."""
    conditions = [
        VerificationAttempt.at >= require_aware(since, "since"),
        VerificationAttempt.success.is_(False),
    ]
    if source is not None:
        conditions.append(VerificationAttempt.source == source)
    latest = (
        select(VerificationAttempt.at)
        .where(*conditions)
        .order_by(VerificationAttempt.at.desc(), VerificationAttempt.id.desc())
        .limit(limit)
    )
    return tuple(session.execute(latest).scalars())


def alerted_since(
    session: Session, *, since: datetime, alert: str, source: str | None = None
) -> bool:
    """Whether a failure at or after `since` raised the `alert` (for `source`, when given)."""
    conditions = [
        VerificationAttempt.at >= require_aware(since, "since"),
        VerificationAttempt.alert == alert,
    ]
    if source is not None:
        conditions.append(VerificationAttempt.source == source)
    found = session.execute(select(VerificationAttempt.id).where(*conditions).limit(1))
    return found.first() is not None


def verified_before(session: Session, channel: str, sender_id: str, account_no: str) -> bool:
    """Whether this sender has proved it owns `account_no` before (any time the store keeps):
    the owner checking again, whom the budgets across accounts leave alone."""
    found = session.execute(
        select(VerificationAttempt.id)
        .where(
            VerificationAttempt.channel == channel,
            VerificationAttempt.sender_id == sender_id,
            VerificationAttempt.account_no == account_no,
            VerificationAttempt.success.is_(True),
        )
        .limit(1)
    )
    return found.first() is not None
