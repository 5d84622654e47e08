"""The customer-service API client against the WeChat stand-in, with the store behind it."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from bot.channels.wechat.api import (
    WINDOW,
    WeChatApi,
    WeChatApiError,
    WindowClosed,
    window_refusal,
)
from bot.channels.wechat.config import WeChatConfig
from bot.launcher import free_port
from bot.standins.wechat_api import SEND_PATH, TOKEN_PATH, WeChatApiStandIn
from bot.store.db import session_scope
from bot.store.inbound import claim
from bot.store.models import ApiToken
from bot.store.outbound import outbound_to

APP_ID, SECRET = "wxapitest", "api-secret"
OPENID = "oUserApi0000000000000000001"
USER = f"wechat:{OPENID}"  # its conversation id, what callers pass


def _config(base: str, secret: str = SECRET) -> WeChatConfig:
    return WeChatConfig(token="t", app_id=APP_ID, app_secret=secret, api_base=base)


def _user_wrote(openid: str = USER, ago: timedelta = timedelta(0), key: str = "m1") -> None:
    with session_scope() as session:
        claim(session, "wechat", key, openid, datetime.now(timezone.utc) - ago)


def _log(openid: str = USER) -> list[tuple[str, str | None]]:
    with session_scope() as session:
        return [(r.status, r.error) for r in outbound_to(session, "wechat", openid)]


def test_window_rules() -> None:
    now = datetime(2026, 11, 27, 12, tzinfo=timezone.utc)
    assert window_refusal(None, 0, now) is not None
    assert window_refusal(now - WINDOW + timedelta(minutes=1), 4, now) is None
    assert window_refusal(now - WINDOW - timedelta(minutes=1), 0, now) is not None
    assert window_refusal(now - timedelta(hours=1), 5, now) is not None


async def test_token_is_fetched_once_and_shared_by_clients(wechat: WeChatApiStandIn) -> None:
    _user_wrote()
    await WeChatApi(_config(wechat.base_url)).send_text(USER, "第一条", "push")
    await WeChatApi(_config(wechat.base_url)).send_text(USER, "第二条", "push")

    assert len(wechat.received(TOKEN_PATH)) == 1
    tokens = {r.query["access_token"] for r in wechat.received(SEND_PATH)}
    assert len(tokens) == 1
    assert wechat.texts_to(OPENID) == ["第一条", "第二条"]
    assert _log() == [("sent", None), ("sent", None)]


async def test_rejected_token_is_refreshed_once(wechat: WeChatApiStandIn) -> None:
    _user_wrote()
    api = WeChatApi(_config(wechat.base_url))
    old = await api.access_token()
    wechat.fail_next(SEND_PATH, 40001)

    await api.send_text(USER, "您的报修已受理", "push")

    token_calls = wechat.received(TOKEN_PATH)
    assert [c.body["force_refresh"] for c in token_calls] == [False, True]
    sends = wechat.received(SEND_PATH)
    assert len(sends) == 2 and sends[1].query["access_token"] != old
    assert wechat.texts_to(OPENID) == ["您的报修已受理"]
    with session_scope() as session:
        assert session.get(ApiToken, api.token_name).value == sends[1].query["access_token"]


async def test_token_rejected_twice_fails_loudly(wechat: WeChatApiStandIn) -> None:
    _user_wrote()
    wechat.fail_next(SEND_PATH, 42001, times=2)

    with pytest.raises(WeChatApiError) as raised:
        await WeChatApi(_config(wechat.base_url)).send_text(USER, "x", "push")

    assert raised.value.errcode == 42001
    assert len(wechat.received(SEND_PATH)) == 2
    assert _log()[0][0] == "failed" and "42001" in (_log()[0][1] or "")


async def test_wechat_45015_is_a_closed_window(wechat: WeChatApiStandIn) -> None:
    _user_wrote()
    wechat.fail_next(SEND_PATH, 45015)

    with pytest.raises(WindowClosed):
        await WeChatApi(_config(wechat.base_url)).send_text(USER, "x", "late_reply")

    assert wechat.texts_to(OPENID) == []
    assert _log()[0][0] == "refused" and "45015" in (_log()[0][1] or "")


async def test_window_is_counted_before_asking_wechat(wechat: WeChatApiStandIn) -> None:
    api = WeChatApi(_config(wechat.base_url))
    with pytest.raises(WindowClosed):
        await api.send_text(USER, "never wrote", "push")

    _user_wrote("oOldUser", ago=WINDOW + timedelta(minutes=5), key="old")
    with pytest.raises(WindowClosed):
        await api.send_text("oOldUser", "too late", "push")

    _user_wrote()
    for n in range(5):
        await api.send_text(USER, f"通知{n}", "push")
    with pytest.raises(WindowClosed):
        await api.send_text(USER, "第六条", "push")

    assert len(wechat.texts_to(OPENID)) == 5
    assert len(wechat.received(SEND_PATH)) == 5  # the refusals never reached WeChat
    assert [s for s, _ in _log()] == ["refused"] + ["sent"] * 5 + ["refused"]

    _user_wrote(key="m2")  # a new message opens a new window
    await api.send_text(USER, "新窗口", "push")
    assert wechat.texts_to(OPENID)[-1] == "新窗口"


async def test_other_errors_and_no_answer_raise_and_are_logged(wechat: WeChatApiStandIn) -> None:
    _user_wrote()
    wechat.fail_next(SEND_PATH, 47001)
    with pytest.raises(WeChatApiError) as raised:
        await WeChatApi(_config(wechat.base_url)).send_text(USER, "x", "push")
    assert raised.value.errcode == 47001

    nowhere = WeChatApi(_config(f"http://127.0.0.1:{free_port()}"), timeout=2)
    with pytest.raises(WeChatApiError) as raised:
        await nowhere.send_text(USER, "x", "push")
    assert raised.value.errcode is None
    assert [s for s, _ in _log()] == ["failed", "failed"]


async def test_wrong_secret_is_reported_without_the_secret(wechat: WeChatApiStandIn) -> None:
    _user_wrote()
    with pytest.raises(WeChatApiError) as raised:
        await WeChatApi(_config(wechat.base_url, secret="wrong-secret")).send_text(
            USER, "x", "push"
        )
    assert raised.value.errcode == 40125 and "wrong-secret" not in str(raised.value)
    assert _log()[0][0] == "failed"


@pytest.mark.parametrize("recipient", [OPENID, f"rest:{OPENID}", f"web:{OPENID}", "wechat:"])
async def test_only_a_wechat_conversation_is_pushed_to(
    wechat: WeChatApiStandIn, recipient: str
) -> None:
    """A bare OpenID or another channel's conversation never becomes a `touser`."""
    _user_wrote(recipient)
    with pytest.raises(WeChatApiError, match="not a wechat conversation"):
        await WeChatApi(_config(wechat.base_url)).push(recipient, "x")
    assert wechat.texts_to(OPENID) == []
