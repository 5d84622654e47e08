"""The satisfaction follow-up: opened when a ticket is done, asked with options, answered once.

A repair ticket opened Friday 2026-11-27 20:00 (Shanghai) and done at 22:00 must be answered
within 2 working days (Beijing): by Tuesday 2026-12-01 22:00.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from service_helpers import beijing, fakes, move, new_ticket, sessions_on
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.base.render import choose
from bot.notify.delivery import deliver_due
from bot.notify.senders import RecordingSender
from bot.services import surveys
from bot.services.surveys import (
    ALREADY_ANSWERED,
    EXPIRED,
    NO_SURVEY,
    OUT_OF_RANGE,
    RECORDED,
    comment_from,
    open_due_surveys,
    rating_in_text,
    record_rating,
)
from bot.store.choices import pending_choices
from bot.store.db import session_scope
from bot.store.models import OutboundMessage, Survey, Ticket
from bot.store.suppressions import suppress
from bot.store.tickets import events_of, get_ticket

HOUR = timedelta(hours=1)
SHANGHAI_TUESDAY_22H = datetime.fromisoformat("2026-12-01T22:00:00+08:00")


def _done_ticket(session: Session, now: datetime, **fields: object) -> Ticket:
    ticket = new_ticket(session, now, fault_type="no_heat", phone="13800000001", **fields)
    return move(session, ticket, now + 2 * HOUR, "assigned", "in_progress", "done")


def _survey(session: Session) -> Survey:
    (survey,) = session.execute(select(Survey)).scalars()
    return survey


def test_a_done_ticket_gets_one_survey_with_its_question_queued(
    session: Session, now: datetime
) -> None:
    ticket = _done_ticket(session, now)
    asked = now + 2 * HOUR + 5 * timedelta(minutes=1)
    assert open_due_surveys(session, beijing(), asked) == [ticket.ticket_no]
    assert open_due_surveys(session, beijing(), asked + HOUR) == []

    survey = _survey(session)
    assert (survey.channel, survey.sender_id) == ("wechat", "openid-1")
    assert survey.answer_by == SHANGHAI_TUESDAY_22H
    (question,) = session.execute(select(OutboundMessage)).scalars()
    assert question.status == "queued" and question.template_id == "N09"
    assert question.body["text"] == (
        f"工单{ticket.ticket_no}已办结，请为服务打分：回复1-5（5分最满意），可附意见。"
    )
    assert [b["payload"] for b in question.body["buttons"]] == [
        f'/rate_service{{"rating":"{n}"}}' for n in range(1, 6)
    ]


def test_tickets_that_are_not_surveyed(session: Session, now: datetime) -> None:
    call_back = new_ticket(session, now, kind="RG", sender="openid-2")
    move(session, call_back, now + HOUR, "assigned", "in_progress", "done")
    cancelled = new_ticket(session, now, sender="openid-3", fault_type="no_heat")
    move(session, cancelled, now + HOUR, "cancelled")
    still_open = new_ticket(session, now, sender="openid-4", fault_type="no_heat")
    done = _done_ticket(session, now, sender="openid-5")
    assert open_due_surveys(session, beijing(), now + 3 * HOUR) == [done.ticket_no]
    assert surveys.open_survey(session, beijing(), still_open, now) is None


def test_no_survey_once_its_window_has_passed(session: Session, now: datetime) -> None:
    _done_ticket(session, now)
    assert open_due_surveys(session, beijing(), SHANGHAI_TUESDAY_22H) == []
    assert session.execute(select(Survey)).scalars().all() == []


async def test_a_text_channel_shows_numbered_options_and_remembers_them(
    session: Session, store_url: str, now: datetime
) -> None:
    _done_ticket(session, now)
    open_due_surveys(session, beijing(), now + 3 * HOUR)
    session.commit()
    wechat = RecordingSender()
    await deliver_due(sessions_on(store_url), fakes(wechat=wechat), now + 3 * HOUR)
    (sent,) = wechat.sent
    assert sent.plain_text.endswith(
        "1. 非常不满意\n2. 不满意\n3. 一般\n4. 满意\n5. 非常满意\n回复数字即可选择。"
    )
    with session_scope(store_url) as other:
        options = pending_choices(other, "wechat", "openid-1")
    assert choose("5", options) == '/rate_service{"rating":"5"}'
    assert choose("1", options) == '/rate_service{"rating":"1"}'


def test_an_opted_out_sender_is_not_asked(session: Session, now: datetime) -> None:
    _done_ticket(session, now, channel="sms", sender="13800000001")
    suppress(session, "sms", "13800000001", "TD", now)
    open_due_surveys(session, beijing(), now + 3 * HOUR)
    (row,) = session.execute(select(OutboundMessage)).scalars()
    assert row.status == "refused"


def test_a_rating_is_recorded_once(session: Session, now: datetime) -> None:
    ticket = _done_ticket(session, now)
    open_due_surveys(session, beijing(), now + 3 * HOUR)
    at = now + 5 * HOUR

    result = record_rating(session, "wechat", "openid-1", "5", "师傅很耐心", at, policy=beijing())
    assert (result.status, result.ticket_no, result.rating) == (RECORDED, ticket.ticket_no, 5)
    assert result.follow_up_ticket_no is None
    survey = _survey(session)
    assert (survey.rating, survey.comment, survey.answered_at) == (5, "师傅很耐心", at)
    assert any(e.kind == "rated" for e in events_of(session, ticket))

    again = record_rating(session, "wechat", "openid-1", 1, None, at, policy=beijing())
    assert (again.status, again.rating) == (ALREADY_ANSWERED, 5)
    assert _survey(session).rating == 5


def test_a_low_rating_opens_a_call_back_ticket(session: Session, now: datetime) -> None:
    ticket = _done_ticket(session, now, account_no="0102345678", address="阳光花园5号楼1单元302")
    open_due_surveys(session, beijing(), now + 3 * HOUR)
    at = now + 5 * HOUR
    result = record_rating(session, "wechat", "openid-1", 2, "还是不热", at, policy=beijing())
    assert result.status == RECORDED and result.follow_up_ticket_no is not None
    assert _survey(session).follow_up_ticket_no == result.follow_up_ticket_no

    call_back = get_ticket(session, result.follow_up_ticket_no)
    assert call_back is not None
    assert (call_back.kind, call_back.status, call_back.channel) == ("RG", "new", "wechat")
    assert (call_back.account_no, call_back.phone) == ("0102345678", "13800000001")
    assert call_back.description == f"工单{ticket.ticket_no}满意度评价2分：还是不热"
    assert call_back.first_reply_due == at + HOUR  # the policy's first-reply deadline


def test_three_is_not_low_in_beijing(session: Session, now: datetime) -> None:
    _done_ticket(session, now)
    open_due_surveys(session, beijing(), now + 3 * HOUR)
    result = record_rating(session, "wechat", "openid-1", 3, None, now + 4 * HOUR, policy=beijing())
    assert result.recorded and result.follow_up_ticket_no is None


@pytest.mark.parametrize("rating", [0, 6, "", "五", "good", None, 2.5])
def test_out_of_range_ratings_are_refused(session: Session, now: datetime, rating: object) -> None:
    _done_ticket(session, now)
    open_due_surveys(session, beijing(), now + 3 * HOUR)
    result = record_rating(session, "wechat", "openid-1", rating, None, now + 4 * HOUR)
    assert result.status == OUT_OF_RANGE
    assert _survey(session).rating is None


def test_expired_and_missing_surveys_are_refused(session: Session, now: datetime) -> None:
    assert record_rating(session, "wechat", "openid-1", 5, None, now).status == NO_SURVEY
    ticket = _done_ticket(session, now)
    open_due_surveys(session, beijing(), now + 3 * HOUR)
    late = record_rating(
        session, "wechat", "openid-1", 5, None, SHANGHAI_TUESDAY_22H + timedelta(seconds=1)
    )
    assert (late.status, late.ticket_no) == (EXPIRED, ticket.ticket_no)
    assert record_rating(session, "wechat", "openid-9", 5, None, now).status == NO_SURVEY
    on_time = record_rating(session, "wechat", "openid-1", 4, None, SHANGHAI_TUESDAY_22H)
    assert on_time.status == RECORDED


def test_the_latest_open_survey_is_the_one_rated(session: Session, now: datetime) -> None:
    first = _done_ticket(session, now)
    open_due_surveys(session, beijing(), now + 3 * HOUR)
    second = _done_ticket(session, now + HOUR)
    open_due_surveys(session, beijing(), now + 4 * HOUR)
    at = now + 5 * HOUR
    assert record_rating(session, "wechat", "openid-1", 4, None, at).ticket_no == second.ticket_no
    assert record_rating(session, "wechat", "openid-1", 5, None, at).ticket_no == first.ticket_no
    assert record_rating(session, "wechat", "openid-1", 5, None, at).status == ALREADY_ANSWERED


@pytest.mark.parametrize(
    ("text", "rating", "comment"),
    [
        ("5分", 5, None),
        ("给5分", 5, None),
        ("打五分", 5, None),
        ("５分", 5, None),
        ("2分，等了一天才来人", 2, "等了一天才来人"),
        ("一分，师傅态度太差了", 1, "师傅态度太差了"),
        ("我打4分吧，就是来得有点晚", 4, "我打4分吧，就是来得有点晚"),
        ("满意满意 5", 5, "满意满意"),
        ("评分：二", 2, None),
        ("这次处理不满意，修了两次还是漏", 2, "这次处理不满意，修了两次还是漏"),
        ("修了3次还是不热，不满意", 2, "修了3次还是不热，不满意"),
        ("非常满意！！！", 5, "非常满意"),
        ("师傅人不错", None, "师傅人不错"),
    ],
)
def test_typed_ratings_and_comments(text: str, rating: int | None, comment: str | None) -> None:
    found = rating_in_text(text)
    assert (found[0] if found else None) == rating
    assert comment_from(text, found[1] if found else None) == comment


def test_a_button_payload_carries_no_comment() -> None:
    assert comment_from('/rate_service{"rating":"5"}') is None
