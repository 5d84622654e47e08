"""The deadline watch: warnings, breaches, escalation and the user's apology, each exactly once.

The clock is a parameter: every check runs at a chosen moment relative to a ticket opened at
2026-11-27 20:00 (Shanghai, Friday). Beijing's policy: first reply 1 h, leak on site 1 h, fix
8 h, warning 15 min before, new time after a missed first reply +1 h, on site +2 h, fix +8 h.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Any

import pytest
import yaml
from service_helpers import beijing, move, new_ticket
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.notify.templates import SMS_TEXT_LIMIT
from bot.policy import CITIES_DIR, PolicyError, parse_policy, rescheduled_due
from bot.policy.rules import deadline_warning_at
from bot.services.deadlines import WATCH_EVENTS, check_deadlines, met_at
from bot.store.db import session_scope
from bot.store.models import OutboundMessage, TicketEvent
from bot.store.subscriptions import subscribe
from bot.store.suppressions import suppress
from bot.store.tickets import add_event, events_of, get_ticket

MINUTE = timedelta(minutes=1)


def _watch_events(session: Session, ticket: Any) -> list[tuple[str, str]]:
    return [
        (e.kind, e.detail["deadline"]) for e in events_of(session, ticket) if e.kind in WATCH_EVENTS
    ]


def _notices(session: Session) -> list[OutboundMessage]:
    return list(session.execute(select(OutboundMessage).order_by(OutboundMessage.id)).scalars())


# ---- policy arithmetic ---------------------------------------------------------------------------


def test_warning_margin_and_new_time_come_from_the_policy(now: datetime) -> None:
    policy = beijing()
    assert deadline_warning_at(policy, now) == now - timedelta(minutes=15)
    assert rescheduled_due(policy, "first_reply", now) == now + timedelta(hours=1)
    assert rescheduled_due(policy, "on_site", now) == now + timedelta(hours=2)
    assert rescheduled_due(policy, "resolve", now) == now + timedelta(hours=8)
    with pytest.raises(ValueError, match="unknown deadline"):
        rescheduled_due(policy, "coffee", now)


def _beijing_data() -> dict[str, Any]:
    data = yaml.safe_load((CITIES_DIR / "beijing.yml").read_text(encoding="utf-8"))
    return copy.deepcopy(data)


@pytest.mark.parametrize(
    ("section", "change", "message"),
    [
        (
            "escalation",
            {"warning_hours": 0},
            "escalation.warning_hours must be greater than 0 and at most 24, got 0",
        ),
        (
            "escalation",
            {"warning_hours": "soon"},
            "escalation.warning_hours must be a number, got 'soon'",
        ),
        (
            "escalation",
            {"extension_hours": {"first_reply": 1, "on_site": 2}},
            "escalation.extension_hours.resolve is missing",
        ),
        (
            "escalation",
            {"extension_hours": {"first_reply": 1, "on_site": 2, "resolve": 8, "onsite": 2}},
            "escalation.extension_hours.onsite is not a known key (did you mean 'on_site'?)",
        ),
        ("follow_up", {"low_rating_max": 5}, "follow_up.low_rating_max must be between 1 and 4"),
        ("notices", {"bill_reminder_days": 0}, "notices.bill_reminder_days must be between 1"),
    ],
)
def test_bad_values_are_refused_with_the_key(
    section: str, change: dict[str, Any], message: str
) -> None:
    data = _beijing_data()
    data[section].update(change)
    with pytest.raises(PolicyError, match=re.escape(message)):
        parse_policy(data, name="acme", source="acme.yml")


# ---- what "met" means ----------------------------------------------------------------------------


def _event(kind: str, at: datetime, **detail: Any) -> TicketEvent:
    return TicketEvent(kind=kind, at=at, actor="agent:7", detail=detail)


def test_met_definitions(now: datetime) -> None:
    created = [_event("created", now)]
    assigned = [*created, _event("status", now + 10 * MINUTE, to="assigned")]
    replied = [*created, _event("reply", now + 5 * MINUTE)]
    arrived = [*assigned, _event("on_site", now + 40 * MINUTE)]
    working = [*assigned, _event("status", now + 50 * MINUTE, to="in_progress")]
    done = [*working, _event("status", now + 70 * MINUTE, to="done")]

    assert met_at("first_reply", created) is None
    assert met_at("first_reply", assigned) == now + 10 * MINUTE
    assert met_at("first_reply", replied) == now + 5 * MINUTE
    assert met_at("on_site", assigned) is None
    assert met_at("on_site", arrived) == now + 40 * MINUTE
    assert met_at("on_site", working) == now + 50 * MINUTE
    assert met_at("resolve", working) is None
    assert met_at("resolve", done) == now + 70 * MINUTE
    # The bot's own notes and alerts are not a reply.
    assert met_at("first_reply", [*created, _event("alert", now), _event("note", now)]) is None


# ---- the watch -----------------------------------------------------------------------------------


def test_warning_then_breach_escalation_and_one_apology(session: Session, now: datetime) -> None:
    policy = beijing()
    ticket = new_ticket(session, now, fault_type="no_heat")
    assert ticket.first_reply_due == now + timedelta(hours=1)

    assert check_deadlines(session, policy, now + 44 * MINUTE).warnings == []
    report = check_deadlines(session, policy, now + 46 * MINUTE)
    assert report.warnings == [(ticket.ticket_no, "first_reply")]
    assert _watch_events(session, ticket) == [("warning", "first_reply")]
    assert check_deadlines(session, policy, now + 50 * MINUTE).warnings == []

    breached_at = now + 61 * MINUTE
    report = check_deadlines(session, policy, breached_at)
    assert (
        report.breaches
        == report.escalations
        == report.notified
        == [(ticket.ticket_no, "first_reply")]
    )
    assert _watch_events(session, ticket) == [
        ("warning", "first_reply"),
        ("breach", "first_reply"),
        ("escalated", "first_reply"),
        ("notified", "first_reply"),
    ]
    breach = next(e for e in events_of(session, ticket) if e.kind == "breach")
    new_due = breached_at + timedelta(hours=1)
    assert breach.detail["new_due"] == new_due.isoformat()
    assert breach.actor == "scheduler"
    escalated = next(e for e in events_of(session, ticket) if e.kind == "escalated")
    assert escalated.detail["to"] == "supervisor"

    (notice,) = _notices(session)
    assert (notice.channel, notice.recipient, notice.status) == ("wechat", "openid-1", "queued")
    assert notice.purpose == "breach" and notice.template_id == "N08"
    text = notice.body["text"]
    assert ticket.ticket_no in text and "未能按时回复" in text and "11月27日 22:01" in text
    assert len(text) <= SMS_TEXT_LIMIT

    # However often the watch runs afterwards, nothing is written or sent twice.
    for minutes in (62, 90, 200):
        again = check_deadlines(session, policy, now + minutes * MINUTE)
        assert (ticket.ticket_no, "first_reply") not in again.breaches + again.warnings
    assert _watch_events(session, ticket).count(("breach", "first_reply")) == 1
    assert len(_notices(session)) == 1


def test_each_deadline_is_watched_on_its_own(session: Session, now: datetime) -> None:
    policy = beijing()
    leak = new_ticket(session, now, fault_type="leak")  # on site within 1 h, fix within 8 h
    move(session, leak, now + 20 * MINUTE, "assigned")  # first reply met

    report = check_deadlines(session, policy, now + 61 * MINUTE)
    assert report.breaches == [(leak.ticket_no, "on_site")]
    kinds = _watch_events(session, leak)
    assert ("breach", "first_reply") not in kinds
    assert ("breach", "resolve") not in kinds

    move(session, leak, now + 2 * timedelta(hours=1), "in_progress", "done")
    report = check_deadlines(session, policy, now + timedelta(hours=9))
    assert report.breaches == [] and report.late == []


def test_met_deadlines_are_not_breached(session: Session, now: datetime) -> None:
    policy = beijing()
    ticket = new_ticket(session, now, fault_type="no_heat")
    add_event(session, ticket, now + 30 * MINUTE, "reply", "agent:7", {"text": "已收到"})
    move(session, ticket, now + 2 * timedelta(hours=1), "assigned", "in_progress", "done")
    report = check_deadlines(session, policy, now + timedelta(hours=12))
    assert report.breaches == report.late == report.warnings == []
    assert _watch_events(session, ticket) == []


def test_a_deadline_met_late_is_a_breach_without_chasing_anyone(
    session: Session, now: datetime
) -> None:
    policy = beijing()
    ticket = new_ticket(session, now, fault_type="no_heat")
    move(session, ticket, now + 90 * MINUTE, "assigned")  # the watch was not running at 21:00

    report = check_deadlines(session, policy, now + 100 * MINUTE)
    assert report.late == [(ticket.ticket_no, "first_reply")]
    assert report.breaches == report.escalations == report.notified == []
    (breach,) = [e for e in events_of(session, ticket) if e.kind == "breach"]
    assert breach.detail["late"] is True
    assert _notices(session) == []
    assert check_deadlines(session, policy, now + 110 * MINUTE).late == []


def test_cancelled_tickets_are_not_watched(session: Session, now: datetime) -> None:
    ticket = new_ticket(session, now, fault_type="no_heat")
    move(session, ticket, now + 10 * MINUTE, "cancelled")
    report = check_deadlines(session, beijing(), now + timedelta(hours=3))
    assert report.breaches == report.warnings == []


def test_the_apology_honours_an_opt_out(session: Session, now: datetime) -> None:
    ticket = new_ticket(session, now, channel="sms", sender="13812345678", fault_type="no_heat")
    suppress(session, "sms", "13812345678", "TD", now)
    check_deadlines(session, beijing(), now + 2 * timedelta(hours=1))
    notified = next(e for e in events_of(session, ticket) if e.kind == "notified")
    assert notified.detail["outcome"] == "suppressed"
    (row,) = _notices(session)
    assert row.status == "refused" and row.error == "opted out"


def test_a_subscription_is_not_needed_for_the_apology(session: Session, now: datetime) -> None:
    """The apology goes to whoever opened the ticket, subscribed to notices or not."""
    subscribe(session, "wechat", "openid-2", "outage", now, community="阳光花园")
    ticket = new_ticket(session, now, sender="openid-1", fault_type="no_heat")
    check_deadlines(session, beijing(), now + 2 * timedelta(hours=1))
    assert [n.recipient for n in _notices(session)] == ["openid-1"]
    assert ticket.status == "new"  # the watch never moves a ticket


@pytest.mark.postgres
def test_two_watches_at_once_write_one_breach(
    postgres_store_url: str, now: datetime, wait_for_lock_wait: Callable[[str], None]
) -> None:
    """The second watch judged the ticket before the first committed; the row lock settles it."""
    url = postgres_store_url
    with session_scope(url) as session:
        number = new_ticket(session, now, fault_type="no_heat").ticket_no
    late = now + 2 * timedelta(hours=1)

    def watch() -> list[tuple[str, str]]:
        with session_scope(url) as other:
            return check_deadlines(other, beijing(), late).breaches

    with session_scope(url) as first:
        assert check_deadlines(first, beijing(), late).breaches == [(number, "first_reply")]
        with ThreadPoolExecutor(1) as pool:
            second = pool.submit(watch)
            wait_for_lock_wait(url)  # its FOR UPDATE waits for our uncommitted breach
            first.commit()
            assert second.result(timeout=30) == []
    with session_scope(url) as session:
        ticket = get_ticket(session, number)
        assert _watch_events(session, ticket).count(("breach", "first_reply")) == 1
        assert len(_notices(session)) == 1


def test_deadlines_missed_together_get_one_apology(session: Session, now: datetime) -> None:
    call_back = new_ticket(session, now, kind="RG")  # reply and resolve both due in 1 h
    report = check_deadlines(session, beijing(), now + 2 * timedelta(hours=1))
    assert report.breaches == [
        (call_back.ticket_no, "first_reply"),
        (call_back.ticket_no, "resolve"),
    ]
    (notice,) = _notices(session)
    assert "未能按时办结" in notice.body["text"]
    outcomes = [e.detail["outcome"] for e in events_of(session, call_back) if e.kind == "notified"]
    assert outcomes == ["with the resolve apology", "queued"]
