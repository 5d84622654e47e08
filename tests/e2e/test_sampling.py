"""室温抽测 end to end on WeChat: the sampled household is invited on the channel it is bound on
(the operator's command, the real scheduler, WeChat's stand-in API), answers 同意 in WeChat, and the
real Rasa and action servers record its consent."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import timedelta

from sqlalchemy import select

from bot.base import clock
from bot.config import PROJECT_ROOT, settings
from bot.standins.wechat_api import WeChatApiStandIn
from bot.store.accounts import bind_account
from bot.store.db import session_scope
from bot.store.importer import import_csv
from bot.store.models import RoomTempSample

from .conftest import WECHAT, Stack
from .test_survey import _run_scheduler_once
from .test_wechat import msg_id, openid, reply, text

ACCOUNT = "0102345679"  # 李娜, 幸福里小区 (demo)


def _invitation_to(wechat_api: WeChatApiStandIn, user: str) -> str:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        sent = [t for t in wechat_api.texts_to(user) if "室温抽测" in t]
        if sent:
            assert len(sent) == 1, sent
            return sent[0]
        time.sleep(0.5)
    raise AssertionError(f"no invitation: {wechat_api.texts_to(user)}")


def test_an_invited_household_consents_in_wechat(
    stack: Stack, wechat_api: WeChatApiStandIn
) -> None:
    user = openid("sampling")
    tomorrow = (clock.now().astimezone(settings().timezone) + timedelta(days=1)).date()
    rows = (
        "campaign,account_no,visit_start,visit_end\n"
        f"e2e 抽测,{ACCOUNT},{tomorrow} 09:00,{tomorrow} 11:00\n"
    )
    reply(stack, text(user, "你好", msg_id()), user)  # opens WeChat's 48-hour window
    with session_scope(stack.database_url) as session:
        bind_account(session, "wechat", f"wechat:{user}", ACCOUNT, clock.now())
        assert import_csv(session, "room_temp_samples", rows.encode(), clock.now()).ok
    env = {**os.environ, **WECHAT, "DATABASE_URL": stack.database_url}
    subprocess.run(
        [sys.executable, "-m", "bot", "sampling", "invite", "e2e 抽测"],
        cwd=PROJECT_ROOT,
        env=env,
        check=True,
        timeout=120,
    )
    _run_scheduler_once(stack, wechat_api)

    invitation = _invitation_to(wechat_api, user)
    assert "01******79" in invitation and "09:00–11:00" in invitation

    answer = reply(stack, text(user, "同意", msg_id()), user)

    assert "已为您登记室温抽测" in answer and "09:00–11:00" in answer
    with session_scope(stack.database_url) as session:
        sample = session.execute(select(RoomTempSample)).scalar_one()
        assert (sample.status, sample.channel, sample.recipient) == (
            "consented",
            "wechat",
            f"wechat:{user}",
        )
