"""Hand-off of a WeChat user on the real stack: the agent's replies go out through WeChat's
customer-service API (the stand-in records them), and a closed window is reported to the agent."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from datetime import datetime, timezone
from http.cookiejar import CookieJar
from typing import Any

import pytest

from bot.console.auth import hash_password
from bot.standins.wechat_api import SEND_PATH, WeChatApiStandIn
from bot.store import agents as agent_store
from bot.store.db import session_scope
from bot.store.models import HandoffSession

from .conftest import Stack
from .test_wechat import msg_id, openid, reply, text

pytestmark = pytest.mark.e2e

AGENT, PASSWORD = "e2e-wechat-agent", "e2e-wechat-agent-password"


class ConsoleClient:
    """An agent using the console's JSON API (cookie + CSRF header), as the page's script does."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        self.csrf = ""

    def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> tuple[int, Any]:
        data = None if method == "GET" else json.dumps(body or {}).encode()
        headers = {"Content-Type": "application/json", "X-CSRF-Token": self.csrf}
        request = urllib.request.Request(self.base + path, data, headers, method=method)
        try:
            with self.opener.open(request, timeout=30) as answer:
                return answer.status, json.loads(answer.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())

    def login(self, username: str, password: str) -> None:
        status, answer = self.call(
            "POST", "/api/login", {"username": username, "password": password}
        )
        assert status == 200, answer
        self.csrf = answer["csrf"]


@pytest.fixture
def agent(stack: Stack) -> ConsoleClient:
    with session_scope(stack.database_url) as session:
        if agent_store.get_agent_by_username(session, AGENT) is None:
            agent_store.add_agent(
                session,
                AGENT,
                "赵敏",
                "agent",
                hash_password(PASSWORD),
                datetime.now(timezone.utc),
            )
    client = ConsoleClient(stack.console_url)
    client.login(AGENT, PASSWORD)  # logged in = on duty (the heartbeat is recorded)
    return client


def _session_of(stack: Stack, user: str) -> HandoffSession:
    with session_scope(stack.database_url) as session:
        handoff = (
            session.query(HandoffSession)
            .filter_by(channel="wechat", sender_id=f"wechat:{user}")
            .one()
        )
        session.expunge(handoff)
        return handoff


def test_an_agent_answers_a_wechat_user_through_the_customer_service_api(
    stack: Stack, agent: ConsoleClient, wechat_api: WeChatApiStandIn
) -> None:
    user = openid("handoff")
    answer = reply(stack, text(user, "转人工", msg_id()), user)
    assert "正在为您转接人工客服" in answer
    handoff = _session_of(stack, user)
    assert handoff.status == "queued" and handoff.paused

    assert agent.call("POST", f"/api/sessions/{handoff.id}/pick")[0] == 200
    assert wechat_api.texts_to(user) == []  # no automatic notice: WeChat pushes are counted

    status, _ = agent.call("POST", f"/api/sessions/{handoff.id}/reply", {"text": "您好，我是赵敏"})
    assert status == 200
    assert wechat_api.texts_to(user) == ["您好，我是赵敏"]
    status, detail = agent.call("GET", f"/api/sessions/{handoff.id}")
    assert detail["transcript"][-1] == {
        "who": "agent",
        "agent": "赵敏",
        "text": "您好，我是赵敏",
        "at": detail["transcript"][-1]["at"],
    }

    wechat_api.fail_next(SEND_PATH, 45015)  # WeChat: outside the 48-hour window
    status, refused = agent.call("POST", f"/api/sessions/{handoff.id}/reply", {"text": "还在吗"})
    assert status == 502 and refused["error"].startswith("消息未送达")
    assert "outside the window" in refused["error"]  # WeChat's reason, for the agent
    assert wechat_api.texts_to(user) == ["您好，我是赵敏"]
    status, detail = agent.call("GET", f"/api/sessions/{handoff.id}")
    assert "还在吗" not in [line["text"] for line in detail["transcript"]]

    status, closed = agent.call("POST", f"/api/sessions/{handoff.id}/close")
    assert status == 200 and closed["note"] is None
    assert wechat_api.texts_to(user)[-1].startswith("本次人工服务已结束")
    assert not _session_of(stack, user).paused
    answer = reply(stack, text(user, "幸福里小区停暖了吗", msg_id()), user)
    assert "幸福里小区" in answer  # the bot answers again
