"""查表 on the real stack: over REST verify → the meter → an own reading → a reading dispute; on
WeChat a bound household's dial photo (an image message) filed with the reading it sends next."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from bot.base import clock
from bot.store.accounts import bind_account
from bot.store.db import session_scope
from bot.store.demo import households
from bot.store.meters import meters_of_account, readings_of, submissions_of
from bot.store.models import Ticket

from .conftest import Stack
from .test_wechat import image, msg_id, openid, reply, text

pytestmark = pytest.mark.e2e

CB_TICKET = re.compile(r"\bCB\d{12}\b")


def test_meter_query_own_reading_and_dispute(stack: Stack) -> None:
    user = "e2e-meter"
    household = next(h for h in households() if h.billing_kind == "metered")
    with session_scope(stack.database_url) as session:
        (meter,) = meters_of_account(session, household.account_no)
        meter_no, unit = meter.meter_no, meter.unit
        company = readings_of(session, meter_no)

    assert "户号" in stack.text(user, "帮我查查我家热量表走了多少")
    stack.text(user, f"户号{household.account_no}")
    answer = stack.text(user, household.phone[-4:])
    assert "【查表】" in answer and meter_no in answer
    assert f"{company[-1].value:,.2f} {unit}" in answer  # the company's latest reading
    assert "已用热" in answer and "两部制" in answer
    assert "应缴" not in answer and "尚欠" not in answer  # 查表, not the bill
    assert household.account_no not in answer  # masked

    own = company[-1].value + Decimal(20)
    answer = stack.text(user, f"我刚看了下热表，上面显示 {own} {unit}")
    assert "已记录" in answer and "不会覆盖" in answer
    with session_scope(stack.database_url) as session:
        assert readings_of(session, meter_no) == company  # never overwritten
        (submission,) = submissions_of(session, meter_no)
        assert (submission.value, submission.status) == (own, "pending")
        assert submission.sender_id == f"rest:{user}"

    # without a number the bot asks for one; the number alone (with a meter word) is filed
    assert "累计热量读数" in stack.text(user, "我想再报个读数")
    later = own + Decimal(5)
    assert "已记录" in stack.text(user, f"读数{later}")
    with session_scope(stack.database_url) as session:
        assert [s.value for s in submissions_of(session, meter_no)] == [later, own]

    answer = stack.text(user, "你们系统里记的数比我家表上的大，这个读数我不认")
    found = CB_TICKET.search(answer)
    assert found, answer
    with session_scope(stack.database_url) as session:
        ticket = session.query(Ticket).filter_by(ticket_no=found.group(0)).one()
        assert (ticket.kind, ticket.category, ticket.account_no) == (
            "CB",
            "reading_dispute",
            household.account_no,
        )
        assert ticket.on_site_due is not None and ticket.resolve_due is not None
        assert session.query(Ticket).filter_by(sender_id=f"rest:{user}").count() == 1


def test_a_dial_photo_in_wechat_is_filed_with_the_reading(stack: Stack) -> None:
    user = openid("meter-photo")
    household = [h for h in households() if h.billing_kind == "metered"][1]
    with session_scope(stack.database_url) as session:
        bind_account(session, "wechat", f"wechat:{user}", household.account_no, clock.now())
        (meter,) = meters_of_account(session, household.account_no)
        meter_no, unit, company = meter.meter_no, meter.unit, readings_of(session, meter.meter_no)

    asked = reply(stack, text(user, "我要报一下热表读数", msg_id()), user)
    assert "累计热量读数" in asked  # bound: verified at once, the number asked for

    kept = reply(stack, image(user, "DIAL_MEDIA_1"), user)
    assert "收到表盘照片" in kept and "打字" in kept

    own = company[-1].value + Decimal(7)
    filed = reply(stack, text(user, f"读数 {own} {unit}", msg_id()), user)

    assert "已记录" in filed and "（含表盘照片）" in filed, filed
    with session_scope(stack.database_url) as session:
        (submission,) = submissions_of(session, meter_no)
        assert (submission.value, submission.photo_media_id) == (own, "DIAL_MEDIA_1")
        assert submission.sender_id == f"wechat:{user}"
