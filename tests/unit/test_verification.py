"""Verification limits slow a guesser down and never lock an account's owner out (issue 15).

Account numbers are sequential, so a lock that anyone's wrong tries can set is a way to shut a
neighbour out of their own bill. These tests drive `verify` as the actions do, with the shipped
Beijing policy (5 free failures per sender, then waits of 1, 5 and 15 minutes and the 24-hour
window; 5 failures by others put an account under attack; 20 alert the operators).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from bot.policy import Policy, load_policy
from bot.services.accounts import Verification, verify, wait_text
from bot.store.models import Account

ACCOUNT = "0102345678"
RIGHT, WRONG = "5678", "0000"


@pytest.fixture
def bj() -> Policy:
    return load_policy("beijing", fresh=True)


@pytest.fixture
def account(add_account: Callable[..., Account]) -> str:
    add_account(ACCOUNT, phone="13812345678")
    return ACCOUNT


def _try(
    session: Session, policy: Policy, sender: str, digits: str, at: datetime, channel: str = "web"
) -> Verification:
    return verify(session, policy, channel, sender, ACCOUNT, digits, at)


def test_a_neighbours_wrong_tries_do_not_stop_the_owner(
    session: Session, bj: Policy, account: str, now: datetime
) -> None:
    for second in range(8):  # five wrong codes, and more as the waits allow
        _try(session, bj, "web:neighbour", WRONG, now + timedelta(seconds=second))
    for channel, owner in [("sms", "sms:13812345678"), ("wechat", "wechat:owner-openid")]:
        assert _try(session, bj, owner, RIGHT, now + timedelta(minutes=1), channel).ok


def test_a_guesser_is_slowed_progressively_and_refused_while_waiting(
    session: Session, bj: Policy, account: str, now: datetime
) -> None:
    for remaining in (4, 3, 2, 1):
        assert _try(session, bj, "web:guesser", WRONG, now) == Verification(False, None, remaining)
    at, waits = now, []
    for _ in range(4):
        result = _try(session, bj, "web:guesser", WRONG, at)
        assert result.retry_at is not None
        # Waiting: refused unchecked, even with the right digits, and the wait does not move.
        early = _try(session, bj, "web:guesser", RIGHT, result.retry_at - timedelta(seconds=1))
        assert early == Verification(ok=False, retry_at=result.retry_at)
        waits.append(result.retry_at - at)
        at = result.retry_at
    # 1, 5 and 15 minutes, then until the first failure leaves the 24-hour window: 8 a day at most.
    assert waits == [timedelta(minutes=m) for m in (1, 5, 15, 24 * 60 - 21)]
    assert at == now + timedelta(hours=24)


def test_identities_rotated_against_one_account_get_one_try_each(
    session: Session, bj: Policy, account: str, now: datetime
) -> None:
    for n in range(5):
        assert _try(session, bj, f"web:bot-{n}", WRONG, now).retry_at is None
    # The account is under attack now: each new identity waits after its first failure ...
    fresh = _try(session, bj, "web:bot-5", WRONG, now)
    assert fresh.retry_at == now + timedelta(minutes=1)
    assert _try(session, bj, "web:bot-5", WRONG, now + timedelta(seconds=30)).retry_at == (
        now + timedelta(minutes=1)
    )
    # ... and one that has not failed there still verifies at once.
    assert _try(session, bj, "sms:13812345678", RIGHT, now, "sms").ok


def test_the_operators_are_alerted_once_with_the_account_masked(
    session: Session, bj: Policy, account: str, now: datetime, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="bot.services.accounts")
    for n in range(bj.verification.account_alert_failures + 3):
        _try(session, bj, f"web:bot-{n}", WRONG, now)
    alerts = [r.getMessage() for r in caplog.records if "may be guessing" in r.getMessage()]
    assert len(alerts) == 1
    assert "01******78" in alerts[0] and ACCOUNT not in alerts[0]
    assert _try(session, bj, "wechat:owner-openid", RIGHT, now, "wechat").ok


@pytest.mark.parametrize(
    ("wait", "text"),
    [
        (timedelta(seconds=59), "1分钟"),
        (timedelta(minutes=5), "5分钟"),
        (timedelta(minutes=14, seconds=1), "15分钟"),
        (timedelta(minutes=90), "1小时30分钟"),
        (timedelta(hours=24), "24小时"),
    ],
)
def test_waits_read_in_whole_minutes_rounded_up(wait: timedelta, text: str) -> None:
    assert wait_text(wait) == text
