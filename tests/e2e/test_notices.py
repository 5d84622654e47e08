"""A notice from a resident's own request to their phone, over the real stack.

Residents of one community subscribe the ways they would: on WeChat by asking after an outage
answer (停热了通知我) and by answering the follow welcome with the community, on SMS by the DY
keyword and the community; one subscribes and then says 不要停热通知了, another texts TD. The
operator records a stop with the real CLI (`python -m bot outage add`), one scheduler run
(`python -m bot scheduler --once`) delivers, and each subscriber gets exactly one readable notice
on their own channel; the two who opted out get none. And 取消 inside an SMS repair form ends the
form, never the notices.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest

from bot.config import PROJECT_ROOT
from bot.services.subscriptions import subscriptions
from bot.standins.sms_gateway import SmsGatewayStandIn
from bot.standins.wechat_api import WeChatApiStandIn
from bot.store.accounts import format_address
from bot.store.db import session_scope
from bot.store.models import Account
from bot.store.suppressions import is_suppressed

from .conftest import WECHAT, Stack, _sms_env
from .test_sms import _aliyun, _delivered, _post
from .test_wechat import event, msg_id, openid, reply, text

pytestmark = pytest.mark.e2e

#: A community of its own, so no other test's outage or subscription is involved.
COMMUNITY = "翠湖苑"
REASON = "翠湖苑二次管网抢修"


def _serve_community(stack: Stack) -> None:
    """One household in the community, so the company serves it."""
    with session_scope(stack.database_url) as session:
        if session.get(Account, "0909000001") is None:
            session.add(
                Account(
                    account_no="0909000001",
                    name="周桐",
                    phone="13909090001",
                    community=COMMUNITY,
                    building="3",
                    unit="1",
                    room="402",
                    address=format_address(COMMUNITY, "3", "1", "402"),
                    area_m2=Decimal("92.00"),
                    billing_kind="area",
                    created_at=datetime.now(timezone.utc),
                )
            )


def _sms(stack: Stack, phone: str, message: str, key: str) -> None:
    _post(stack, _aliyun(phone, message, key))
    _delivered(stack, f"aliyun:{phone}:{key}")


def _run(stack: Stack, tmp_path_env: dict[str, str], *argv: str) -> str:
    env = {**os.environ, **tmp_path_env, "DATABASE_URL": stack.database_url}
    done = subprocess.run(
        [sys.executable, "-m", "bot", *argv],
        cwd=PROJECT_ROOT,
        env=env,
        check=True,
        timeout=120,
        capture_output=True,
        text=True,
    )
    return done.stdout


def _notices(texts: list[str]) -> list[str]:
    return [t for t in texts if REASON in t]


def _sms_notices(gateway: SmsGatewayStandIn, phone: str) -> list[str]:
    return _notices([str(s["params"].get("content", "")) for s in gateway.sends(phone)])


def test_a_resident_who_asked_gets_exactly_one_notice_on_their_channel(
    stack: Stack,
    wechat_api: WeChatApiStandIn,
    sms_gateway: SmsGatewayStandIn,
    tmp_path: Path,
) -> None:
    _serve_community(stack)
    asked, follower, changed_mind = openid("notice-ask"), openid("notice-follow"), openid("nt-no")
    texter, opted_out = "13909090011", "13909090012"

    answer = reply(stack, text(asked, f"{COMMUNITY}停暖了吗", msg_id()), asked)
    assert COMMUNITY in answer
    answer = reply(stack, text(asked, "停热了通知我", msg_id()), asked)
    assert f"已为您订阅{COMMUNITY}的停热通知" in answer, answer

    welcome = reply(stack, event(follower, "subscribe"), follower)
    assert "小区名称" in welcome, welcome
    answer = reply(stack, text(follower, COMMUNITY, msg_id()), follower)
    assert f"已为您订阅{COMMUNITY}的停热通知" in answer, answer

    reply(stack, text(changed_mind, f"{COMMUNITY}停热了记得通知我", msg_id()), changed_mind)
    answer = reply(stack, text(changed_mind, "不要停热通知了", msg_id()), changed_mind)
    assert "已取消" in answer, answer

    _sms(stack, texter, "DY", "dy-1")
    _sms(stack, texter, COMMUNITY, "dy-2")
    assert f"已订阅{COMMUNITY}停热通知" in sms_gateway.sends(texter)[-1]["params"]["content"]
    _sms(stack, opted_out, "DY", "td-1")
    _sms(stack, opted_out, COMMUNITY, "td-2")
    _sms(stack, opted_out, "TD", "td-3")

    env = {**WECHAT, "WECHAT_API_BASE": wechat_api.base_url, **_sms_env(sms_gateway, tmp_path)}
    start = datetime.now(timezone.utc).astimezone()
    printed = _run(
        stack,
        env,
        *("outage", "add", "--kind", "emergency", "--communities", COMMUNITY),
        *("--start", start.isoformat(timespec="minutes")),
        *("--end", (start + timedelta(hours=8)).isoformat(timespec="minutes")),
        *("--reason", REASON),
    )
    assert "queued 3 (sms 1, wechat 2)" in printed, printed
    _run(stack, env, "scheduler", "--once")

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not (
        _notices(wechat_api.texts_to(asked)) and _sms_notices(sms_gateway, texter)
    ):
        time.sleep(0.5)
    time.sleep(2)  # the stack's own scheduler runs too: a second copy would show by now
    [to_asked] = _notices(wechat_api.texts_to(asked))
    [to_follower] = _notices(wechat_api.texts_to(follower))
    [to_texter] = _sms_notices(sms_gateway, texter)
    for notice in (to_asked, to_follower, to_texter):
        assert COMMUNITY in notice and "停热" in notice and "{" not in notice, notice
    assert _notices(wechat_api.texts_to(changed_mind)) == []
    assert _sms_notices(sms_gateway, opted_out) == []


def test_cancel_inside_an_sms_repair_form_ends_the_form_not_the_notices(
    stack: Stack, sms_gateway: SmsGatewayStandIn
) -> None:
    phone, home = "13909090021", "阳光花园"  # no stop there: the repair form runs
    _sms(stack, phone, "DY", "c-1")
    _sms(stack, phone, home, "c-2")
    _sms(stack, phone, "BX", "c-3")
    _sms(stack, phone, "取消", "c-4")
    stopped = sms_gateway.sends(phone)[-1]["params"]["content"]
    assert "已停止本次登记" in stopped, stopped
    assert stack.tracker(f"sms:{phone}")["active_loop"] in ({}, None, {"name": None})
    with session_scope(stack.database_url) as session:
        assert not is_suppressed(session, "sms", f"sms:{phone}")
        assert [v.community for v in subscriptions(session, "sms", f"sms:{phone}")] == [home]
