"""Hand-off to a person in two real browsers (Debian's chromium via Playwright) on the real stack.

A visitor in the website widget asks for a person; an agent logged in to the console sees the
conversation with its transcript, takes it, replies, and ends it; the visitor sees the reply on
the widget and then talks to the bot again. While the agent holds it, the bot stays silent.

Screenshots of both screens go to the test's tmp folder and to results/widget/.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from bot.console.auth import hash_password
from bot.store import agents as agent_store
from bot.store.db import session_scope
from bot.store.models import HandoffSession

from .conftest import Stack
from .test_widget_browser import ANSWER_MS, PHONE, Chat, browser, shoot  # noqa: F401 (fixtures)

pytestmark = pytest.mark.e2e

AGENT, PASSWORD = "e2e-agent", "e2e-agent-password"
DESK: dict[str, Any] = {
    "viewport": {"width": 1280, "height": 860},
    "locale": "zh-CN",
    "timezone_id": "Asia/Shanghai",
}


@pytest.fixture
def desk(browser: Browser, stack: Stack) -> Iterator[Page]:  # noqa: F811 (the imported fixture)
    """An agent logged in to the console in a desktop-sized browser."""
    with session_scope(stack.database_url) as session:
        if agent_store.get_agent_by_username(session, AGENT) is None:
            agent_store.add_agent(
                session, AGENT, "王芳", "agent", hash_password(PASSWORD), datetime.now(timezone.utc)
            )
    context = browser.new_context(**DESK)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("dialog", lambda dialog: dialog.accept())  # 结束会话 asks to confirm
    page.goto(f"{stack.console_url}/login")
    page.fill("#username", AGENT)
    page.fill("#password", PASSWORD)
    page.click("#login")
    expect(page.locator("#me")).to_have_text("王芳（客服）")
    yield page
    assert errors == [], errors
    context.close()


@pytest.fixture
def visitor(browser: Browser) -> Iterator[BrowserContext]:  # noqa: F811
    context = browser.new_context(**PHONE)
    yield context
    context.close()


def test_a_person_takes_over_from_the_widget_and_gives_the_bot_back(
    stack: Stack,
    desk: Page,
    visitor: BrowserContext,
    shoot: Any,  # noqa: F811
) -> None:
    shoot(desk, "handoff-01-console-empty")
    page = visitor.new_page()
    page.goto(f"{stack.rasa_url}/webhooks/socketio/demo")
    chat = Chat(page)
    chat.open()
    chat.expect_answer("小暖")

    chat.click("转人工")  # the greeting's button: its payload reaches the console as its title
    queued = chat.expect_answer("转接人工客服")
    assert "预计等待约" in queued and "无人接入将为您登记回电" in queued
    bot_messages = chat.root.locator(".msg.bot")
    before = bot_messages.count()
    chat.type("我家暖气一直不热，电话13812345678")
    page.wait_for_timeout(3000)
    assert bot_messages.count() == before  # paused: the bot says nothing while a person is coming
    shoot(page, "handoff-02-visitor-waiting")

    # Other tests of the session may have queued conversations too (an urgent leak sorts first):
    # take the one from this web visitor.
    item = desk.locator("#waiting-list .item", has_text="网页客服").filter(has_text="用户要求人工")
    expect(item).to_have_count(1, timeout=ANSWER_MS)
    item.click()
    transcript = desk.locator("#transcript")
    expect(transcript.locator(".pressed")).to_have_text(["转人工"])
    expect(transcript).not_to_contain_text("/greet")  # the widget's unseen opening message
    expect(transcript).not_to_contain_text("/request_human")
    expect(transcript).to_contain_text("我家暖气一直不热，电话138****5678")  # masked for agents
    expect(transcript).not_to_contain_text("13812345678")
    shoot(desk, "handoff-03-console-queue")

    # While the bot is waiting for a person, the header still names the bot.
    answering = chat.root.locator(".answering")
    expect(answering).to_have_text("小暖")
    desk.click("#pick")
    expect(desk.locator("#handling-list .item")).to_have_count(1)
    chat.expect_answer("人工客服王芳")
    # From now on the header and the agent's messages say a person is answering, and who.
    expect(answering).to_contain_text("人工客服")
    expect(answering).to_contain_text("王芳")
    desk.fill("#reply-text", "您好，我是客服王芳。已看到您家暖气不热，马上安排师傅联系您。")
    desk.click("#reply-send")
    chat.expect_answer("马上安排师傅联系您")
    from_agent = chat.root.locator(".entry.agent")
    expect(from_agent).to_have_count(2)  # the greeting on pick-up and the reply
    expect(from_agent.last.locator(".meta .mark")).to_have_text("人工客服")
    expect(from_agent.last.locator(".meta")).to_contain_text("王芳")
    expect(from_agent.last.locator(".meta time")).to_have_text(re.compile(r"^\d{2}:\d{2}$"))
    expect(transcript.locator("li.agent").last).to_contain_text("马上安排师傅")
    shoot(page, "handoff-04-visitor-sees-the-agent")
    shoot(desk, "handoff-05-console-conversation")

    desk.click("#close")
    chat.expect_answer("人工服务已结束")
    expect(desk.locator("#handling-list .item")).to_have_count(0)
    expect(answering).to_have_text("小暖")  # the mark goes with the person
    expect(chat.root.locator(".entry").last).not_to_have_class(re.compile("agent"))

    chat.type("幸福里小区停暖了吗")
    answer = chat.expect_answer("幸福里小区")
    assert re.search("抢修|恢复", answer)
    shoot(page, "handoff-06-visitor-back-with-the-bot")

    with session_scope(stack.database_url) as session:
        handoff = session.query(HandoffSession).filter_by(channel="socketio").one()
        assert handoff.status == "closed" and not handoff.paused
        assert handoff.summary["last_message"] == "转人工"
