"""Verification limits: per sender, and per account across every sender and channel (F1).

The red team found a fresh identity per guess (a REST sender, a widget socket) got one real
check each, so four digits fell in ~25 minutes. These tests drive `verify` as the actions do,
with the shipped Beijing policy (5 free failures per sender, then waits of 1, 5 and 15 minutes
and the 24-hour window; 5 failures on one account by two or more senders cool it down for 15, 60
and 240 minutes and then the window, alerting the operators each time).
"""

from __future__ import annotations

import logging
import threading
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


def test_a_neighbours_wrong_tries_leave_the_owner_their_checks_until_the_account_cools_down(
    session: Session, bj: Policy, account: str, now: datetime
) -> None:
    for _ in range(bj.verification.max_failures_per_account - 1):
        _try(session, bj, "web:neighbour", WRONG, now)
    assert _try(session, bj, "sms:13812345678", RIGHT, now, "sms").ok


def test_one_stranger_using_up_their_own_tries_cannot_lock_the_owner_out(
    session: Session, bj: Policy, account: str, now: datetime
) -> None:
    """A lone sender is held by its own limit; the account's cool-down needs a second sender,
    or one stranger who mistyped (or meant to) would stop the owner for hours."""
    at = now
    for _ in range(8):  # everything the stranger's own limit allows in a day
        result = _try(session, bj, "web:stranger", WRONG, at)
        at = result.retry_at or at
    assert _try(session, bj, "web:stranger", RIGHT, at - timedelta(seconds=1)).ok is False
    assert _try(session, bj, "wechat:owner", RIGHT, now + timedelta(minutes=2), "wechat").ok


def test_a_second_sender_failing_cools_the_account_down_at_once(
    session: Session, bj: Policy, account: str, now: datetime
) -> None:
    for _ in range(bj.verification.max_failures_per_account):
        _try(session, bj, "web:first", WRONG, now)
    second = _try(session, bj, "rest:second", WRONG, now, "rest")
    # the sixth failure on the account, the first it counts with two senders: the second wait
    assert second.retry_at == now + timedelta(minutes=60)
    assert _try(session, bj, "wechat:third", RIGHT, now, "wechat").ok is False


def test_a_guesser_is_slowed_progressively_and_refused_while_waiting(
    session: Session, bj: Policy, now: datetime
) -> None:
    """One sender guessing at many accounts (one try each, so no account cools down)."""

    def guess(n: int, digits: str, at: datetime) -> Verification:
        return verify(session, bj, "web", "web:guesser", f"01990000{n:02d}", digits, at)

    for n, remaining in enumerate((4, 3, 2, 1)):
        assert guess(n, WRONG, now) == Verification(False, None, remaining)
    at, waits = now, []
    for n in range(4, 8):
        result = guess(n, WRONG, at)
        assert result.retry_at is not None
        # Waiting: refused unchecked, even with the right digits, and the wait does not move.
        early = guess(n + 10, RIGHT, result.retry_at - timedelta(seconds=1))
        assert early == Verification(ok=False, retry_at=result.retry_at)
        waits.append(result.retry_at - at)
        at = result.retry_at
    # 1, 5 and 15 minutes, then until the first failure leaves the 24-hour window: 8 a day at most.
    assert waits == [timedelta(minutes=m) for m in (1, 5, 15, 24 * 60 - 21)]
    assert at == now + timedelta(hours=24)


def test_an_owner_who_mistypes_five_times_waits_only_their_own_minute(
    session: Session, bj: Policy, account: str, now: datetime
) -> None:
    for remaining in (4, 3, 2, 1):
        assert _try(session, bj, "web:owner", WRONG, now) == Verification(False, None, remaining)
    assert _try(session, bj, "web:owner", WRONG, now).retry_at == now + timedelta(minutes=1)
    assert _try(session, bj, "web:owner", RIGHT, now + timedelta(minutes=1)).ok


def test_rotated_identities_get_no_check_once_the_account_cools_down(
    session: Session, bj: Policy, account: str, now: datetime
) -> None:
    """The red team's attack: one fresh sender per guess, on REST and the widget alike."""
    for n in range(5):
        channel = "rest" if n % 2 else "web"
        assert _try(session, bj, f"{channel}:bot-{n}", WRONG, now, channel).ok is False
    cooled = now + timedelta(minutes=15)
    # No sender on any channel gets a check now: refused unchecked, even with the right digits.
    for sender, channel in [("rest:bot-5", "rest"), ("web:bot-6", "web"), ("wechat:x", "wechat")]:
        assert _try(session, bj, sender, RIGHT, now, channel) == Verification(False, cooled)
    # Refused tries are not counted: the cool-down does not grow while it is waited out.
    assert _try(session, bj, "web:bot-7", WRONG, cooled - timedelta(seconds=1)).retry_at == cooled
    assert _try(session, bj, "web:owner", RIGHT, cooled).ok


def test_the_account_allows_eight_failures_a_day_however_many_identities_try(
    session: Session, bj: Policy, account: str, now: datetime
) -> None:
    at, waits = now, []
    for n in range(8):  # a new identity per guess, each guess as soon as one is allowed
        result = _try(session, bj, f"rest:bot-{n}", WRONG, at, "rest")
        assert not result.ok
        if result.retry_at is not None:
            waits.append(result.retry_at - at)
            at = result.retry_at
    # 15, 60 and 240 minutes, then until the first failure leaves the 24-hour window.
    assert waits == [timedelta(minutes=m) for m in (15, 60, 240, 24 * 60 - 315)]
    assert at == now + timedelta(hours=24)
    early = _try(session, bj, "rest:bot-8", RIGHT, at - timedelta(seconds=1), "rest")
    assert early == Verification(ok=False, retry_at=at)


def test_a_guessers_hit_does_not_wipe_the_accounts_failures_for_the_next_guesser(
    session: Session, bj: Policy, account: str, now: datetime
) -> None:
    for n in range(4):
        _try(session, bj, f"rest:bot-{n}", WRONG, now, "rest")
    assert _try(session, bj, "rest:lucky", RIGHT, now, "rest").ok
    fifth = _try(session, bj, "rest:bot-5", WRONG, now, "rest")
    assert fifth.retry_at == now + timedelta(minutes=15)


def test_the_failures_are_counted_in_the_store_so_every_process_sees_them(
    session: Session, bj: Policy, account: str, now: datetime
) -> None:
    """Two replicas are two sessions on one database: the second sees the first's failures."""
    from bot.store.db import session_scope

    for n in range(5):
        _try(session, bj, f"web:bot-{n}", WRONG, now)
    session.commit()
    with session_scope(session.get_bind().url.render_as_string(hide_password=False)) as other:
        assert _try(other, bj, "web:elsewhere", RIGHT, now).retry_at is not None


@pytest.mark.postgres
def test_parallel_tries_on_one_account_are_counted_before_the_next_is_checked(
    postgres_store_url: str, bj: Policy, now: datetime, wait_for_lock_wait: Callable[[str], None]
) -> None:
    """Replicas racing: the fifth failure, not yet committed, still stops the sixth try."""
    from bot.store.db import session_scope
    from bot.store.demo import load_demo

    with session_scope(postgres_store_url) as setup:
        load_demo(setup, now)  # 张伟's 0102345678, phone …5678
        for n in range(4):
            verify(setup, bj, "rest", f"rest:bot-{n}", ACCOUNT, WRONG, now)
    first = session_scope(postgres_store_url)
    opened = first.__enter__()
    assert verify(opened, bj, "rest", "rest:bot-4", ACCOUNT, WRONG, now).retry_at is not None
    seen: list[Verification] = []

    def second() -> None:
        with session_scope(postgres_store_url) as other:
            seen.append(verify(other, bj, "web", "web:bot-5", ACCOUNT, RIGHT, now))

    racer = threading.Thread(target=second)
    racer.start()
    wait_for_lock_wait(postgres_store_url)  # the sixth waits for the fifth to be counted
    first.__exit__(None, None, None)
    racer.join(timeout=10)
    assert seen == [Verification(ok=False, retry_at=now + timedelta(minutes=15))]


def test_the_operators_are_alerted_when_an_account_cools_down_with_the_account_masked(
    session: Session, bj: Policy, account: str, now: datetime, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="bot.alerts.verification")
    at = now
    for n in range(8):
        result = _try(session, bj, f"web:bot-{n}", WRONG, at)
        at = max(at, result.retry_at or at)
    assert _try(session, bj, "web:bot-8", WRONG, at - timedelta(minutes=1)).retry_at == at
    alerts = [r for r in caplog.records if r.name == "bot.alerts.verification"]
    # One per cool-down (the 5th to 8th failures); refused tries raise none.
    assert len(alerts) == 4
    first = alerts[0].getMessage()
    assert "01******78" in first and ACCOUNT not in first and "may be guessing" in first
    assert (now + timedelta(minutes=15)).isoformat(timespec="minutes") in first


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


@pytest.mark.parametrize(
    ("proof", "ok"),
    [
        ("13812345678", True),  # the registered number, given whole
        ("138 1234 5678", True),  # spaced as people type it
        ("13999995678", False),  # another number ending in the right four digits
        ("5678", True),  # the last four, as asked
    ],
)
def test_a_whole_number_given_as_proof_is_compared_in_full(
    session: Session, bj: Policy, account: str, now: datetime, proof: str, ok: bool
) -> None:
    """A whole mobile proves more than its last four only when all of it is the registered one:
    taking just its end would let anyone whose own number ends in 5678 see 张伟's bill."""
    result = _try(session, bj, "web:someone", proof, now)
    assert result.ok is ok
    if not ok:
        assert result.remaining == bj.verification.max_failures_per_sender - 1


# ------------------------------------------------ across accounts: the company's and a source's
# R1: a new widget session or REST sender for every account, one try each, so neither the
# sender's limit nor any account's ever sees a second failure. The shipped budgets: 30 failures
# a company-wide hour, 10 from one widget address.


def _spread(
    session: Session, policy: Policy, count: int, at: datetime, *, source: str | None = None
) -> None:
    """`count` strangers, each new and each trying one other (unknown) account once, wrongly."""
    for n in range(count):
        channel = ("rest", "web", "wechat")[n % 3]
        sender = f"{channel}:{source or 'x'}-{at:%H%M}-{n}"
        result = verify(session, policy, channel, sender, f"06{n:08d}", WRONG, at, source)
        assert not result.ok


@pytest.mark.parametrize(
    ("sender", "channel"),
    [("web:fresh", "web"), ("rest:fresh", "rest"), ("wechat:fresh", "wechat")],
)
def test_past_the_company_budget_a_new_identity_gets_no_check_even_with_the_right_digits(
    session: Session, bj: Policy, account: str, now: datetime, sender: str, channel: str
) -> None:
    _spread(session, bj, bj.verification.company_failures_per_window, now)
    refused = _try(session, bj, sender, RIGHT, now + timedelta(minutes=5), channel)
    # Until the first of the 30 failures is an hour old; unchecked, so it is not counted either.
    assert refused == Verification(ok=False, retry_at=now + timedelta(minutes=60), paused=True)
    assert _try(session, bj, sender, RIGHT, now + timedelta(minutes=60), channel).ok


def test_the_company_budget_lets_at_most_its_size_of_failures_through_an_hour(
    session: Session, bj: Policy, now: datetime
) -> None:
    """A guesser at full speed for three hours, a new identity and account per try."""
    checked = 0
    for second in range(0, 3 * 3600, 20):
        at = now + timedelta(seconds=second)
        result = verify(session, bj, "web", f"web:g{second}", f"07{second:08d}", WRONG, at)
        checked += result.remaining > 0  # a refused try tells no countdown
    assert checked == 3 * bj.verification.company_failures_per_window


def test_an_owner_who_verified_before_is_checked_while_the_company_budget_is_spent(
    session: Session, bj: Policy, account: str, now: datetime
) -> None:
    assert _try(session, bj, "web:owner", RIGHT, now - timedelta(days=3)).ok
    _spread(session, bj, bj.verification.company_failures_per_window, now)
    assert _try(session, bj, "web:owner", RIGHT, now + timedelta(minutes=1)).ok
    # The owner's own mistype is checked too (and counted): the countdown, not a pause.
    assert _try(session, bj, "web:owner", WRONG, now + timedelta(minutes=2)).remaining == 4
    # Not a licence to guess: a sender that verified its own account is paused on others.
    other = verify(session, bj, "web", "web:owner", "0102345679", RIGHT, now)
    assert other.paused and not other.ok


def test_one_widget_address_is_limited_across_its_sessions_and_accounts(
    session: Session, bj: Policy, account: str, now: datetime
) -> None:
    per_source = bj.verification.source_failures_per_window
    _spread(session, bj, per_source, now, source="web-a")
    refused = verify(session, bj, "web", "web:a-new", ACCOUNT, RIGHT, now, "web-a")
    assert refused == Verification(ok=False, retry_at=now + timedelta(minutes=60), paused=True)
    # Another address (another household) is checked as usual, and so is a channel without one.
    assert verify(session, bj, "web", "web:b-new", ACCOUNT, RIGHT, now, "web-b").ok
    assert verify(session, bj, "rest", "rest:c-new", ACCOUNT, RIGHT, now).ok


def test_the_failure_that_spends_a_budget_says_so(
    session: Session, bj: Policy, account: str, now: datetime
) -> None:
    _spread(session, bj, bj.verification.source_failures_per_window - 1, now, source="web-a")
    last = verify(session, bj, "web", "web:a-last", ACCOUNT, WRONG, now, "web-a")
    assert last == Verification(
        ok=False, retry_at=now + timedelta(minutes=60), remaining=4, paused=True
    )


def test_the_operators_are_alerted_once_a_window_when_a_budget_is_spent(
    session: Session, bj: Policy, now: datetime, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="bot.alerts.verification")
    budget = bj.verification.company_failures_per_window
    _spread(session, bj, budget, now)
    # The budget refills one failure at a time after the hour, and is spent again at once.
    _spread(session, bj, 5, now + timedelta(minutes=75))
    _spread(session, bj, budget, now + timedelta(minutes=150))
    alerts = [r.getMessage() for r in caplog.records if r.name == "bot.alerts.verification"]
    assert len(alerts) == 2, alerts
    assert "company-wide" in alerts[0] and "guessing across accounts" in alerts[0]
    assert (now + timedelta(minutes=60)).isoformat(timespec="minutes") in alerts[0]


def test_a_widget_address_spending_its_budget_is_alerted_once_a_window_without_the_address(
    session: Session, bj: Policy, now: datetime, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="bot.alerts.verification")
    _spread(session, bj, bj.verification.source_failures_per_window + 5, now, source="web-a")
    _spread(session, bj, bj.verification.source_failures_per_window, now, source="web-b")
    alerts = [r.getMessage() for r in caplog.records if r.name == "bot.alerts.verification"]
    assert [("web-a" in a, "web-b" in a) for a in alerts] == [(True, False), (False, True)]


def test_the_budget_is_counted_in_the_store_so_every_replica_sees_it(
    session: Session, bj: Policy, account: str, now: datetime
) -> None:
    from bot.store.db import session_scope

    _spread(session, bj, bj.verification.company_failures_per_window, now)
    session.commit()
    with session_scope(session.get_bind().url.render_as_string(hide_password=False)) as other:
        assert _try(other, bj, "web:elsewhere", RIGHT, now).paused


@pytest.mark.postgres
def test_parallel_tries_on_other_accounts_wait_for_the_budgets_last_failure(
    postgres_store_url: str, bj: Policy, now: datetime, wait_for_lock_wait: Callable[[str], None]
) -> None:
    """Replicas racing on different accounts: the 30th failure, not yet committed, still stops a
    31st try elsewhere (a lock per account alone let it through)."""
    from bot.store.db import session_scope
    from bot.store.demo import load_demo

    budget = bj.verification.company_failures_per_window
    with session_scope(postgres_store_url) as setup:
        load_demo(setup, now)
        _spread(setup, bj, budget - 1, now)
    first = session_scope(postgres_store_url)
    opened = first.__enter__()
    assert verify(opened, bj, "rest", "rest:last", "0699999999", WRONG, now).paused
    seen: list[Verification] = []

    def second() -> None:
        with session_scope(postgres_store_url) as other:
            seen.append(verify(other, bj, "web", "web:racer", ACCOUNT, RIGHT, now))

    racer = threading.Thread(target=second)
    racer.start()
    wait_for_lock_wait(postgres_store_url)
    first.__exit__(None, None, None)
    racer.join(timeout=10)
    assert seen == [Verification(ok=False, retry_at=now + timedelta(minutes=60), paused=True)]


# ------------------------------------------------------------- the countdown: one's own failures


@pytest.mark.parametrize(
    "others",
    [
        [("web", "web:neighbour")],
        [("rest", "rest:a"), ("web", "web:b"), ("wechat", "wechat:c")],
        [("sms", "sms:13900000000"), ("sms", "sms:13900000001")],
        [("web", f"web:bot-{n}") for n in range(4)],
    ],
)
def test_the_countdown_tells_only_the_senders_own_failures_never_others_on_the_account(
    session: Session, bj: Policy, account: str, now: datetime, others: list[tuple[str, str]]
) -> None:
    """R1's side oracle: a stranger was told 2, then 1, after other sessions had failed on
    李娜's account, so it learnt that someone had been trying that household's digits today."""
    for channel, sender in others:
        _try(session, bj, sender, WRONG, now, channel)
    first = _try(session, bj, "web:me", WRONG, now)
    assert first.remaining == 4
    if first.retry_at is None:  # four others have cooled the account: then the wait is told
        assert _try(session, bj, "web:me", WRONG, now).remaining == 3


# ------------------------------------------------------ R13: digits of any script are the digits


@pytest.mark.parametrize(
    "proof",
    [
        "٥٦٧٨",  # Arabic-Indic, the red team's
        "𝟓𝟔𝟕𝟖",  # mathematical bold, the red team's
        "۵۶۷۸",  # Extended Arabic-Indic (Persian and Urdu keyboards)
        "५६७८",  # Devanagari
        "𝟻𝟼𝟽𝟾",  # mathematical monospace
        "5٦𝟕८",  # mixed, as a paste might be
        "１３８１２３４５６７８",  # the whole number, full-width
        "١٣٨١٢٣٤٥٦٧٨",  # the whole number, Arabic-Indic
    ],
)
def test_the_owners_right_digits_in_any_script_verify_and_count_no_failure(
    session: Session, bj: Policy, account: str, now: datetime, proof: str
) -> None:
    assert _try(session, bj, "web:owner", proof, now).ok
    assert _try(session, bj, "web:owner", WRONG, now).remaining == 4  # nothing counted before
