"""Proactive notices: outage fan-out to subscribers, delivery per channel, dedup, opt-out, rate
limit, retries, expiry, timing warnings, reminders, templates and the sender registry.

Senders are the recording fake; the clock is a parameter (the tests' `now` is Friday 2026-11-27
20:00 in Shanghai), so retries and rate limits are checked by moving it, never by sleeping.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from service_helpers import beijing, fakes, sessions_on
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import cli
from bot.notify import registry as registry_module
from bot.notify.delivery import (
    Notice,
    RetryPolicy,
    dedup_key,
    deliver_due,
    fan_out,
    queue_notice,
    take_pending,
)
from bot.notify.registry import RegistryError, load_registry, parse_rate_limits
from bot.notify.reminders import queue_reminders
from bot.notify.senders import RecordingSender, SendResult, WaitForVisit
from bot.notify.templates import SMS_TEXT_LIMIT, TEMPLATES, communities_text, template
from bot.services.outages import finish_outage, record_outage, reschedule_outage
from bot.store.db import session_scope
from bot.store.models import Account, Bill, OutboundMessage
from bot.store.subscriptions import subscribe, unsubscribe_all
from bot.store.suppressions import suppress

MINUTE = timedelta(minutes=1)
HOUR = timedelta(hours=1)


def _rows(session: Session, **where: Any) -> list[OutboundMessage]:
    query = select(OutboundMessage).filter_by(**where).order_by(OutboundMessage.id)
    return list(session.execute(query).scalars())


def _households(session: Session, add_account: Callable[..., Account], now: datetime) -> None:
    """Subscribers of 阳光花园 on every channel, and some who must not hear about it."""
    add_account("0100000001", community="阳光花园", phone="13800000001")
    add_account("0100000002", community="幸福里", phone="13800000002")
    subscribe(session, "wechat", "openid-a", "outage", now, community="阳光花园")
    subscribe(session, "sms", "13800000001", "outage", now, account_no="0100000001")
    subscribe(session, "socketio", "web-1", "all", now, community="阳光花园")
    # Must not be told: another community, bills only, unsubscribed, opted out.
    subscribe(session, "wechat", "openid-b", "outage", now, community="幸福里")
    subscribe(session, "sms", "13800000009", "bill", now, account_no="0100000001")
    subscribe(session, "wechat", "openid-c", "outage", now, community="阳光花园")
    unsubscribe_all(session, "wechat", "openid-c", now)
    subscribe(session, "sms", "13800000003", "outage", now, community="阳光花园")
    suppress(session, "sms", "13800000003", "退订", now)


def _emergency(session: Session, now: datetime) -> Any:
    return record_outage(
        session,
        beijing(),
        "emergency",
        ["阳光花园"],
        now - 30 * MINUTE,
        now + 6 * HOUR,
        "主管线抢修",
        now,
    )


# ---- fan-out and delivery ------------------------------------------------------------------------


async def test_an_outage_reaches_every_subscriber_once_on_their_channel(
    session: Session, store_url: str, add_account: Callable[..., Account], now: datetime
) -> None:
    _households(session, add_account, now)
    change = _emergency(session, now)
    assert change.warning is None
    assert dict(change.notices.queued) == {"wechat": 1, "sms": 1, "socketio": 1}
    assert change.notices.suppressed == 1
    refused = _rows(session, status="refused")
    assert [(r.recipient, r.error) for r in refused] == [("13800000003", "opted out")]
    session.commit()

    wechat, sms = RecordingSender(), RecordingSender()
    registry = fakes(wechat=wechat, sms=sms)
    report = await deliver_due(sessions_on(store_url), registry, now)
    assert dict(report.sent) == {"wechat": 1, "sms": 1}
    assert report.held == 1  # the web widget has nobody to push to

    (to_phone,) = sms.sent
    assert to_phone.recipient == "13800000001"
    assert to_phone.template_id == "N02"
    assert to_phone.variables == {
        "communities": "阳光花园",
        "reason": "主管线抢修",
        "end": "11月28日 02:00",
    }
    assert (
        to_phone.text
        == "阳光花园因主管线抢修抢修停热，预计11月28日 02:00恢复，给您带来不便敬请谅解。"
    )
    assert [n.recipient for n in wechat.sent] == ["openid-a"]

    # Nothing twice: a second delivery run, and a second announcement of the same outage.
    again = await deliver_due(sessions_on(store_url), registry, now + MINUTE)
    assert not again.sent and len(wechat.attempts) == len(sms.attempts) == 1
    with session_scope(store_url) as other:
        repeat = fan_out(other, "outage", ["阳光花园"], _notice_of(other), now)
    assert not repeat.queued and repeat.duplicates == 4

    # The widget's notice waits for the next visit, then is handed over once.
    with session_scope(store_url) as other:
        (message,) = take_pending(other, "socketio", "web-1", now + HOUR)
        assert message == {"text": to_phone.text}
        assert take_pending(other, "socketio", "web-1", now + HOUR) == []
    with session_scope(store_url) as other:
        statuses = {(r.channel, r.status) for r in _rows(other, purpose="outage")}
    assert statuses == {
        ("wechat", "sent"),
        ("sms", "sent"),
        ("socketio", "sent"),
        ("sms", "refused"),
    }


def _notice_of(session: Session) -> Notice:
    """The announcement notice of the only outage, rebuilt as the service builds it."""
    from bot.notify.outages import ANNOUNCED, outage_notice
    from bot.store.models import Outage

    (outage,) = session.execute(select(Outage)).scalars()
    return outage_notice(beijing(), outage, ANNOUNCED)


def test_dedup_key_fits_the_column_and_tells_recipients_apart() -> None:
    first = dedup_key("outage:1:planned", "wechat", "o" * 128)
    assert len(first) <= 160
    assert first != dedup_key("outage:1:planned", "sms", "o" * 128)
    assert first != dedup_key("outage:2:planned", "wechat", "o" * 128)


async def test_an_opt_out_after_queueing_is_honoured(
    session: Session, store_url: str, add_account: Callable[..., Account], now: datetime
) -> None:
    _households(session, add_account, now)
    _emergency(session, now)
    suppress(session, "sms", "13800000001", "TD", now)
    session.commit()
    sms = RecordingSender()
    report = await deliver_due(
        sessions_on(store_url), fakes(wechat=RecordingSender(), sms=sms), now
    )
    assert sms.attempts == [] and report.refused == 1
    with session_scope(store_url) as other:
        (row,) = _rows(other, recipient="13800000001")
        assert (row.status, row.error) == ("refused", "opted out")


async def test_sending_is_rate_limited_per_channel(
    session: Session, store_url: str, add_account: Callable[..., Account], now: datetime
) -> None:
    for n in range(3):
        subscribe(session, "sms", f"1390000000{n}", "outage", now, community="阳光花园")
    _emergency(session, now)
    session.commit()
    sms = RecordingSender()
    registry = fakes(sms=sms)
    registry.register("sms", sms, per_minute=2)

    first = await deliver_due(sessions_on(store_url), registry, now)
    assert first.sent["sms"] == 2 and first.rate_limited == {"sms": 1}
    same_minute = await deliver_due(
        sessions_on(store_url), registry, now + 30 * timedelta(seconds=1)
    )
    assert not same_minute.sent and same_minute.rate_limited == {"sms": 1}
    next_minute = await deliver_due(
        sessions_on(store_url), registry, now + 61 * timedelta(seconds=1)
    )
    assert next_minute.sent["sms"] == 1 and not next_minute.rate_limited
    assert len({n.recipient for n in sms.sent}) == 3


async def test_failures_are_retried_with_backoff_and_logged(
    session: Session, store_url: str, now: datetime
) -> None:
    subscribe(session, "sms", "13900000001", "outage", now, community="阳光花园")
    _emergency(session, now)
    session.commit()
    sms = RecordingSender(script=[SendResult.failed("gateway 500"), SendResult.failed("timeout")])
    registry, sessions = fakes(sms=sms), sessions_on(store_url)

    assert (await deliver_due(sessions, registry, now)).retrying == 1
    assert not (await deliver_due(sessions, registry, now + 59 * timedelta(seconds=1))).retrying
    assert len(sms.attempts) == 1  # the first retry waits a minute
    assert (await deliver_due(sessions, registry, now + MINUTE)).retrying == 1
    assert not (await deliver_due(sessions, registry, now + 4 * MINUTE)).sent  # then 4 more
    assert (await deliver_due(sessions, registry, now + 5 * MINUTE)).sent["sms"] == 1
    with session_scope(store_url) as other:
        (row,) = _rows(other, recipient="13900000001")
        assert row.status == "sent" and row.error is None
        assert [(a["outcome"], a.get("error")) for a in row.body["attempts"]] == [
            ("failed", "gateway 500"),
            ("failed", "timeout"),
            ("sent", None),
        ]


async def test_delivery_gives_up_after_the_last_attempt(
    session: Session, store_url: str, now: datetime, caplog: pytest.LogCaptureFixture
) -> None:
    subscribe(session, "sms", "13900000001", "outage", now, community="阳光花园")
    subscribe(session, "wechat", "openid-z", "outage", now, community="阳光花园")
    _emergency(session, now)
    session.commit()
    sms = RecordingSender(default=SendResult.failed("gateway down"))
    wechat = RecordingSender(default=SendResult.failed("user blocked us", retryable=False))
    retry = RetryPolicy(max_attempts=3, first_delay=MINUTE, factor=2)
    registry, sessions = fakes(sms=sms, wechat=wechat), sessions_on(store_url)

    for minutes in (0, 1, 3):  # attempts at +0, +1 (1 min later), +3 (2 min later)
        await deliver_due(sessions, registry, now + minutes * MINUTE, retry)
    assert len(sms.attempts) == 3 and len(wechat.attempts) == 1
    await deliver_due(sessions, registry, now + HOUR, retry)
    assert len(sms.attempts) == 3
    with session_scope(store_url) as other:
        assert {(r.channel, r.status, r.error) for r in _rows(other, purpose="outage")} == {
            ("sms", "failed", "gateway down"),
            ("wechat", "failed", "user blocked us"),
        }
    assert "failed for good after 3 attempt(s)" in caplog.text
    assert "13900000001" not in caplog.text and "139****0001" in caplog.text


async def test_a_sender_that_raises_counts_as_a_failed_attempt(
    session: Session, store_url: str, now: datetime
) -> None:
    subscribe(session, "wechat", "openid-z", "outage", now, community="阳光花园")
    _emergency(session, now)
    session.commit()

    class Broken:
        async def send(self, notice: Any) -> SendResult:
            raise RuntimeError("bug")

    registry = fakes()
    registry.register("wechat", Broken())
    report = await deliver_due(sessions_on(store_url), registry, now)
    assert report.retrying == 1
    with session_scope(store_url) as other:
        (row,) = _rows(other, channel="wechat")
        assert row.status == "queued" and row.error == "RuntimeError: bug"


async def test_a_closed_window_waits_without_counting_as_a_failure(
    session: Session, store_url: str, now: datetime
) -> None:
    subscribe(session, "wechat", "openid-z", "outage", now, community="阳光花园")
    _emergency(session, now)
    session.commit()
    wechat = RecordingSender(script=[SendResult.closed("no message in 48 h", 30 * MINUTE)] * 6)
    retry = RetryPolicy(max_attempts=2)
    registry, sessions = fakes(wechat=wechat), sessions_on(store_url)
    for minutes in range(0, 181, 30):  # six closed windows, more than max_attempts failures
        await deliver_due(sessions, registry, now + minutes * MINUTE, retry)
    assert len(wechat.attempts) == 7 and len(wechat.sent) == 1


async def test_a_notice_not_delivered_before_it_expires_is_dropped(
    session: Session, store_url: str, now: datetime
) -> None:
    subscribe(session, "wechat", "openid-z", "outage", now, community="阳光花园")
    _emergency(session, now)  # expected end: now + 6 h
    session.commit()
    wechat = RecordingSender()
    report = await deliver_due(sessions_on(store_url), fakes(wechat=wechat), now + 7 * HOUR)
    assert report.expired == 1 and wechat.attempts == []
    with session_scope(store_url) as other:
        (row,) = _rows(other, channel="wechat")
        assert row.status == "failed" and "expired" in row.error


async def test_a_channel_without_sender_keeps_its_notices(
    session: Session, store_url: str, now: datetime
) -> None:
    subscribe(session, "wechat", "openid-z", "outage", now, community="阳光花园")
    _emergency(session, now)
    session.commit()
    report = await deliver_due(sessions_on(store_url), fakes(), now)
    assert report.no_sender == {"wechat": 1}
    with session_scope(store_url) as other:
        assert [r.status for r in _rows(other, channel="wechat")] == ["queued"]


# ---- timing, updates, restoration ----------------------------------------------------------------


def test_a_planned_stop_announced_too_late_warns_the_operator(
    session: Session, now: datetime
) -> None:
    policy = beijing()

    def planned(starts_in: timedelta, code: str | None = None) -> str | None:
        start = now + starts_in
        change = record_outage(
            session, policy, "planned", ["阳光花园"], start, start + 8 * HOUR, "管网检修", now, code
        )
        return change.warning

    assert planned(timedelta(days=3)) is None
    assert planned(timedelta(days=2)) is None
    late = planned(timedelta(days=1))
    assert late is not None and "提前2天" in late and "late by 24.0 h" in late
    filling = planned(timedelta(days=3), "filling")  # Beijing: filling needs 7 days
    assert filling is not None and "提前7天" in filling


def test_an_emergency_notice_later_than_the_policy_allows_warns(
    session: Session, now: datetime
) -> None:
    policy = beijing()
    on_time = record_outage(
        session, policy, "emergency", ["阳光花园"], now - HOUR, now + HOUR, "爆管", now
    )
    assert on_time.warning is None
    late = record_outage(
        session, policy, "emergency", ["幸福里"], now - 3 * HOUR, now + HOUR, "爆管", now
    )
    assert late.warning is not None and "2小时内通知" in late.warning


async def test_update_and_restoration_notices(
    session: Session, store_url: str, now: datetime
) -> None:
    policy = beijing()
    subscribe(session, "sms", "13900000001", "outage", now, community="阳光花园")
    start = now + 3 * timedelta(days=1)
    outage = record_outage(
        session, policy, "planned", ["阳光花园"], start, start + 8 * HOUR, "管网检修", now
    ).outage
    moved = reschedule_outage(session, policy, outage.id, now, expected_end_at=start + 10 * HOUR)
    assert sum(moved.notices.queued.values()) == 1
    same = reschedule_outage(session, policy, outage.id, now, expected_end_at=start + 10 * HOUR)
    assert not same.notices.queued and same.notices.duplicates == 1
    restored_at = start + 9 * HOUR
    ended = finish_outage(session, policy, outage.id, restored_at, now)
    assert sum(ended.notices.queued.values()) == 1
    session.commit()

    sms = RecordingSender()
    registry, sessions = fakes(sms=sms), sessions_on(store_url)
    await deliver_due(sessions, registry, now)
    assert [n.template for n in sms.sent] == ["outage_planned", "outage_updated"]
    assert (
        sms.sent[1].text == "停热时间调整：阳光花园11月30日 20:00至12月1日 06:00停热（管网检修）。"
    )
    await deliver_due(sessions, registry, restored_at - MINUTE)
    assert len(sms.sent) == 2  # restoration is told when it happens, not before
    await deliver_due(sessions, registry, restored_at)
    assert sms.sent[2].template == "outage_restored"
    assert sms.sent[2].text == "阳光花园已恢复供热，感谢您的耐心等待。如仍不热请致电400-000-0000。"


def test_a_planned_stop_called_off_before_it_starts_says_so(
    session: Session, now: datetime
) -> None:
    policy = beijing()
    subscribe(session, "wechat", "openid-z", "outage", now, community="阳光花园")
    start = now + 3 * timedelta(days=1)
    outage = record_outage(
        session, policy, "planned", ["阳光花园"], start, start + HOUR, "管网检修", now
    ).outage
    finish_outage(session, policy, outage.id, now, now)
    (row,) = _rows(session, template_id="N05")
    assert row.body["text"] == "阳光花园原定11月30日 20:00的计划停热已取消，供热照常。"


# ---- the operators' command line -----------------------------------------------------------------


def test_cli_prints_the_notices_and_the_too_late_warning(
    db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    def run(*argv: str) -> tuple[int, str, str]:
        code = cli.main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    assert run("db", "init")[0] == 0
    with session_scope(db_url) as session:
        local_now = datetime.now().astimezone()
        subscribe(session, "wechat", "openid-z", "outage", local_now, community="阳光花园")
    start, end = (
        (datetime.now() + delta).strftime("%Y-%m-%dT%H:%M")
        for delta in (timedelta(days=1), timedelta(days=1, hours=6))
    )
    add = ("outage", "add", "--kind", "planned", "--communities", "阳光花园")
    when = ("--start", start, "--end", end)

    code, out, err = run(*add, *when, "--reason", "管网检修")
    assert code == 0
    assert "通知 (notices): queued 1 (wechat 1)" in out
    assert "警告 (warning): 计划停热须提前2天通知" in err
    code, out, _ = run("outage", "update", "1", "--reason", "换热站检修")
    assert code == 0 and "queued 1 (wechat 1)" in out
    code, _, err = run("outage", "update", "1")
    assert code == 2 and "nothing to change" in err
    code, _, err = run(*add, *when, "--reason", "x", "--reason-code", "coffee")
    assert code == 2 and "unknown --reason-code 'coffee'; known: filling, pressure_test" in err
    code, out, _ = run("outage", "end", "1")
    assert code == 0 and "已结束 (ended)" in out


# ---- reminders -----------------------------------------------------------------------------------


def _shanghai(day: str, hour: int = 10) -> datetime:
    return datetime.fromisoformat(f"{day}T{hour:02d}:00:00+08:00")


def test_the_season_reminder_goes_out_once_in_its_window(
    session: Session, add_account: Callable[..., Account]
) -> None:
    policy = beijing()
    day = _shanghai("2026-11-13")
    _households(session, add_account, day)
    assert not queue_reminders(session, policy, _shanghai("2026-11-11")).queued
    first = queue_reminders(session, policy, day)
    assert dict(first.queued) == {"wechat": 2, "sms": 1, "socketio": 1}  # outage subscribers
    assert not queue_reminders(session, policy, _shanghai("2026-11-14")).queued
    (row,) = _rows(session, recipient="openid-a")
    assert (
        row.body["text"]
        == "2026-2027供暖季将于11月15日开始供热，请打开暖气阀门，家中留人以便检查。"
    )


def test_bill_reminders_only_for_unpaid_bills_once_a_season(
    session: Session, add_account: Callable[..., Account]
) -> None:
    policy = beijing()
    day = _shanghai("2026-12-25")
    add_account("0100000001", phone="13800000001")
    add_account("0100000002", phone="13800000002")
    for account_no, paid in (("0100000001", "500.00"), ("0100000002", "1920.00")):
        session.add(
            Bill(
                account_no=account_no,
                season="2026-2027",
                amount_due=Decimal("1920.00"),
                amount_paid=Decimal(paid),
                due_date=day.date().replace(day=31),
            )
        )
    subscribe(session, "sms", "13800000001", "bill", day, account_no="0100000001")
    subscribe(session, "wechat", "openid-p", "all", day, account_no="0100000002")
    subscribe(session, "wechat", "openid-q", "bill", day)  # no account: nothing to remind
    session.flush()

    assert not queue_reminders(session, policy, _shanghai("2026-12-23")).queued
    assert dict(queue_reminders(session, policy, day).queued) == {"sms": 1}
    assert not queue_reminders(session, policy, _shanghai("2026-12-31", 23)).queued
    (row,) = _rows(session, purpose="reminder")
    assert row.recipient == "13800000001"
    assert row.body["text"] == (
        "户号01******01的2026-2027供暖季采暖费尚未缴清，请于12月31日前缴纳，以免产生滞纳金。"
    )
    assert not queue_reminders(session, policy, _shanghai("2027-01-01")).queued


# ---- templates and the registry ------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_every_template_fits_one_sms_and_is_not_promotional(name: str) -> None:
    chosen = template(name)
    assert chosen.longest <= SMS_TEXT_LIMIT
    assert "拒收请回复R" not in chosen.text
    assert set(chosen.limits) == set(chosen.variables)


def test_long_values_are_cut_to_their_limit() -> None:
    text, variables = template("outage_emergency").render(
        communities=communities_text(["阳光花园", "幸福里", "金色家园", "和平里东区"]),
        reason="供热主管线DN500爆管紧急抢修",
        end="11月28日 02:00",
    )
    assert variables["communities"] == "阳光花园等4个小区"
    assert variables["reason"] == "供热主管线DN50…"
    assert len(text) <= SMS_TEXT_LIMIT
    assert len({t.id for t in TEMPLATES.values()}) == len(TEMPLATES)


def test_queue_notice_refuses_a_template_without_its_variables(
    session: Session, now: datetime
) -> None:
    with pytest.raises(KeyError, match="needs communities, end, reason"):
        queue_notice(session, "sms", "138", Notice("x", "outage", "outage_emergency", {}), now)


def test_registry_from_factories_and_rate_limits() -> None:
    registry = load_registry(
        {"socketio": "bot.notify.senders:wait_for_visit", "wechat": f"{__name__}:_unconfigured"},
        environ={"NOTIFY_RATE_LIMITS": "sms=30, wechat=200"},
    )
    assert registry.channels == ["socketio"]
    assert isinstance(registry.sender("socketio"), WaitForVisit)
    assert registry.limit("sms") == 30 and registry.limit("wechat") == 200
    assert registry.limit("rest") == registry_module.FALLBACK_PER_MINUTE
    assert set(registry_module.SENDERS) >= {"socketio", "rest"}
    with pytest.raises(RegistryError, match="cannot be loaded"):
        load_registry({"sms": "bot.notify.senders:nothing_here"}, environ={})
    with pytest.raises(RegistryError, match="'sms=0'"):
        parse_rate_limits("sms=0")
    assert parse_rate_limits("") == {}


def _unconfigured() -> None:
    """A sender factory of a channel without credentials in this environment."""
    return None
