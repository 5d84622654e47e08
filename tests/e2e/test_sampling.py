"""室温抽测 end to end on WeChat: the sampled household is invited on the channel it is bound on
(the operator's command, the real scheduler, WeChat's stand-in API), answers 同意 in WeChat, and the
real Rasa and action servers record its consent and book the visit as a CY ticket, which 查工单 and
`sampling list` show and a later 不方便 cancels. Another household reports its own thermometer
reading in the chat, first with a photo (a WeChat image message), then without."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.base import clock
from bot.config import settings
from bot.services.sampling import invite
from bot.standins.wechat_api import WeChatApiStandIn
from bot.store.accounts import bind_account
from bot.store.db import session_scope
from bot.store.importer import import_csv
from bot.store.models import RoomTempSample, Ticket

from .conftest import WECHAT, Stack
from .test_notices import _run
from .test_survey import _run_scheduler_once
from .test_wechat import image, msg_id, openid, reply, text

pytestmark = pytest.mark.e2e

ACCOUNT = "0102345679"  # 李娜, 幸福里小区 (demo)
REPORTING = "0202965498"  # 曹洋, 幸福里小区 (demo): reports its own reading
CY_TICKET = re.compile(r"\bCY\d{12}\b")


def _tomorrow_rows(campaign: str, account: str) -> bytes:
    tomorrow = (clock.now().astimezone(settings().timezone) + timedelta(days=1)).date()
    return (
        "campaign,account_no,visit_start,visit_end\n"
        f"{campaign},{account},{tomorrow} 09:00,{tomorrow} 11:00\n"
    ).encode()


def _sample(stack: Stack, campaign: str) -> RoomTempSample:
    with session_scope(stack.database_url) as session:
        sample = session.execute(
            select(RoomTempSample).where(RoomTempSample.campaign == campaign)
        ).scalar_one()
        session.expunge(sample)
        return sample


def _cli(stack: Stack, *args: str) -> str:
    return _run(stack, WECHAT, *args)


def _invitation_to(wechat_api: WeChatApiStandIn, user: str) -> str:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        sent = [t for t in wechat_api.texts_to(user) if "室温抽测" in t]
        if sent:
            assert len(sent) == 1, sent
            return sent[0]
        time.sleep(0.5)
    raise AssertionError(f"no invitation: {wechat_api.texts_to(user)}")


def test_an_invited_household_consents_in_wechat_and_later_withdraws(
    stack: Stack, wechat_api: WeChatApiStandIn
) -> None:
    user = openid("sampling")
    reply(stack, text(user, "你好", msg_id()), user)  # opens WeChat's 48-hour window
    with session_scope(stack.database_url) as session:
        bind_account(session, "wechat", f"wechat:{user}", ACCOUNT, clock.now())
        rows = _tomorrow_rows("e2e 抽测", ACCOUNT)
        assert import_csv(session, "room_temp_samples", rows, clock.now()).ok
    _cli(stack, "sampling", "invite", "e2e 抽测")
    _run_scheduler_once(stack, wechat_api)

    invitation = _invitation_to(wechat_api, user)
    assert "01******79" in invitation and "09:00–11:00" in invitation

    answer = reply(stack, text(user, "同意", msg_id()), user)

    assert "已为您登记室温抽测" in answer and "09:00–11:00" in answer
    found = CY_TICKET.search(answer)
    assert found, answer
    ticket_no = found.group(0)
    sample = _sample(stack, "e2e 抽测")
    assert (sample.status, sample.channel, sample.recipient, sample.ticket_no) == (
        "consented",
        "wechat",
        f"wechat:{user}",
        ticket_no,
    )
    with session_scope(stack.database_url) as session:
        ticket = session.execute(select(Ticket).where(Ticket.ticket_no == ticket_no)).scalar_one()
        assert (ticket.kind, ticket.account_no, ticket.on_site_due) == (
            "CY",
            ACCOUNT,
            sample.visit_end,
        )

    status = reply(stack, text(user, f"查一下工单{ticket_no}", msg_id()), user)
    assert ticket_no in status and "室温抽测" in status and "09:00–11:00" in status
    listed = _cli(stack, "sampling", "list", "e2e 抽测")
    assert "01******79  consented" in listed and f"{ticket_no} 待受理" in listed

    withdrawn = reply(stack, text(user, "明天不方便了，家里没人", msg_id()), user)

    assert "已取消" in withdrawn and ticket_no in withdrawn
    assert _sample(stack, "e2e 抽测").status == "declined"
    assert f"{ticket_no} 已取消" in _cli(stack, "sampling", "list", "e2e 抽测")


def test_a_household_reports_its_reading_with_a_photo_then_without(stack: Stack) -> None:
    user = openid("self-report")
    reply(stack, text(user, "你好", msg_id()), user)
    with session_scope(stack.database_url) as session:
        bind_account(session, "wechat", f"wechat:{user}", REPORTING, clock.now())
        rows = _tomorrow_rows("e2e 自测", REPORTING)
        assert import_csv(session, "room_temp_samples", rows, clock.now()).ok
        invite(session, "e2e 自测", clock.now())

    asked = reply(stack, image(user, "THERMOMETER_MEDIA_1"), user)
    assert "温度计" in asked and "度数" in asked  # taken as the thermometer's; reading asked for

    recorded = reply(stack, text(user, "客厅18.5度", msg_id()), user)

    assert "18.5 ℃（含温度计照片）" in recorded, recorded
    assert "不低于 18 ℃" in recorded and "达到标准" in recorded
    sample = _sample(stack, "e2e 自测")
    assert (sample.status, sample.source, sample.temperature_c, sample.photo_media_id) == (
        "measured",
        "resident",
        18.5,
        "THERMOMETER_MEDIA_1",
    )

    again = reply(stack, text(user, "今晚卧室17度", msg_id()), user)

    assert "17 ℃" in again and "低于标准" in again and "申请测温" in again, again
    sample = _sample(stack, "e2e 自测")
    assert (sample.temperature_c, sample.meets_standard, sample.photo_media_id) == (
        17.0,
        False,
        None,  # the earlier photo was filed with the earlier reading
    )
    refused = reply(stack, text(user, "客厅55度", msg_id()), user)
    assert "不像是室内温度" in refused and _sample(stack, "e2e 自测").temperature_c == 17.0
