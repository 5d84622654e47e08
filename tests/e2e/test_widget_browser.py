"""The website chat widget in a real browser (Debian's chromium via Playwright) on the real stack.

A visitor on a phone-sized screen books a repair through the demo page: buttons clicked, answers
typed, the page reloaded halfway (the widget must show the conversation again and carry on in the
same Rasa session), and the ticket is checked in the store. A second test takes the network away
and then cuts the socket, and expects the widget to reconnect to the same session by itself.

Screenshots of each step go to the test's tmp folder and to results/widget/ (gitignored).
"""

from __future__ import annotations

import json
import re
import shutil
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, WebSocket, expect, sync_playwright

from bot.config import PROJECT_ROOT
from bot.launcher import free_port
from bot.store.db import session_scope
from bot.store.tickets import get_ticket

from .conftest import Stack

pytestmark = pytest.mark.e2e

CHROMIUM = Path("/usr/bin/chromium")
# Headless on a CI box without internet: no GPU, sandbox or background traffic to Google.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE: dict[str, Any] = {
    "viewport": {"width": 375, "height": 812},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "locale": "zh-CN",
    "timezone_id": "Asia/Shanghai",  # the widget shows message times in the visitor's zone
}
ANSWER_MS = 30_000  # the bot's first answers after start-up can take a few seconds on 2 cores
TICKET_NO = re.compile(r"BX\d{8}\d{4}")
SCREENSHOTS = PROJECT_ROOT / "results" / "widget"

# Keeps every WebSocket the page opens in window.__sockets, so a test can cut one the way a network
# drop would, without a test hook in the widget.
TRACK_SOCKETS = """
window.__sockets = [];
window.WebSocket = class extends window.WebSocket {
  constructor(...args) { super(...args); window.__sockets.push(this); }
};
"""

# Notes in window.__typingSeen whether the typing dots were shown: the bot can answer in less time
# than one look at the page takes, so the test records the moment instead of trying to catch it.
WATCH_TYPING = """
() => {
  const dots = document.querySelector('[data-heating-webchat]').shadowRoot.querySelector('.typing');
  window.__typingSeen = false;
  new MutationObserver(() => { if (!dots.hidden) window.__typingSeen = true; })
    .observe(dots, { attributes: true });
}
"""


class Chat:
    """The widget on a page, used the way a visitor uses it."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.root = page.locator("[data-heating-webchat]")
        self.panel = self.root.locator(".panel")
        self.status = self.root.locator(".status")

    def open(self) -> None:
        self.root.locator(".launcher").click()
        expect(self.panel).to_be_visible()

    def type(self, text: str) -> None:
        self.root.locator("textarea").fill(text)
        self.root.locator("textarea").press("Enter")
        expect(self.root.locator(".msg.user").last).to_have_text(text)

    def click(self, title: str) -> None:
        """Click the bot's button `title`; its title, not its payload, becomes the user's bubble."""
        exact = re.compile(f"^{re.escape(title)}$")
        self.root.locator(".choices button:enabled").filter(has_text=exact).click()
        expect(self.root.locator(".msg.user").last).to_have_text(title)

    def expect_answer(self, fragment: str) -> str:
        """Wait until the bot's latest message contains `fragment`; return that message."""
        last = self.root.locator(".msg.bot").last
        expect(last).to_contain_text(fragment, timeout=ANSWER_MS)
        return last.inner_text()

    def buttons(self) -> list[str]:
        return self.root.locator(".choices button:enabled").all_inner_texts()

    def transcript(self) -> list[str]:
        return [
            f"{'bot' if 'bot' in (m.get_attribute('class') or '') else 'user'}: {m.inner_text()}"
            for m in self.root.locator(".msg").all()
        ]

    def session_id(self) -> str:
        stored = self.page.evaluate("localStorage.getItem('heating-webchat:session')")
        return str(json.loads(stored))


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.skip("needs Debian's chromium: apt-get install chromium (bootstrap.sh does as root)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def phone(browser: Browser) -> Iterator[BrowserContext]:
    """A fresh phone-sized browser profile (empty localStorage) that records its sockets."""
    context = browser.new_context(**PHONE)
    context.add_init_script(TRACK_SOCKETS)
    yield context
    context.close()


@pytest.fixture
def shoot(tmp_path: Path) -> Iterator[Any]:
    """`shoot(page, name)` saves a screenshot in tmp_path and copies it to results/widget/."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def shoot(page: Page, name: str) -> None:
        path = tmp_path / f"{name}.png"
        page.screenshot(path=str(path))
        shutil.copy(path, SCREENSHOTS / path.name)

    yield shoot


def _open_demo(context: BrowserContext, stack: Stack) -> tuple[Page, list[str]]:
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{stack.rasa_url}/webhooks/socketio/demo")
    return page, errors


def test_repair_booking_in_the_widget_survives_a_reload(
    stack: Stack, phone: BrowserContext, shoot: Any
) -> None:
    page, errors = _open_demo(phone, stack)
    chat = Chat(page)
    shoot(page, "widget-01-demo-page")
    chat.open()

    # Usable at 375 px: the window fills the screen, nothing sticks out sideways.
    assert chat.panel.bounding_box() == {"x": 0, "y": 0, "width": 375, "height": 812}
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    chat.expect_answer("小暖")  # the greeting the demo page asks for with data-greeting
    assert chat.buttons() == ["查暖气费", "报修", "停热通知", "转人工"]
    shoot(page, "widget-02-greeting")

    page.evaluate(WATCH_TYPING)
    chat.click("报修")
    chat.expect_answer("什么问题")
    assert page.evaluate("window.__typingSeen") is True
    expect(chat.root.locator(".typing")).to_be_hidden()
    assert "不热" in chat.buttons() and "报修" not in chat.buttons()  # old buttons are spent
    chat.click("不热")
    chat.expect_answer("地址")
    chat.type("阳光花园5号楼1单元302")
    chat.expect_answer("手机")
    chat.type("13812345678")
    chat.expect_answer("时间")
    before = chat.transcript()
    session_id = chat.session_id()
    shoot(page, "widget-03-before-reload")

    page.reload()
    expect(chat.panel).to_be_visible()  # it was open, so it opens again
    expect(chat.status).to_have_text("在线")
    assert chat.transcript() == before
    assert chat.session_id() == session_id
    shoot(page, "widget-04-after-reload")

    chat.type("明天上午")
    chat.expect_answer("核对")  # the details read back before filing
    chat.type("对")
    answer = chat.expect_answer("工单号")
    shoot(page, "widget-05-ticket")
    found = TICKET_NO.search(answer)
    assert found, answer
    with session_scope(stack.database_url) as session:
        ticket = get_ticket(session, found.group(0))
        assert ticket is not None
        assert (ticket.channel, ticket.sender_id) == ("socketio", f"web:{session_id.split('.')[0]}")
        assert ticket.kind == "BX" and ticket.fault_type == "no_heat"
        assert ticket.phone == "13812345678" and ticket.community == "阳光花园"
    assert errors == []


def test_widget_reconnects_to_the_same_session_after_a_drop(
    stack: Stack, phone: BrowserContext, shoot: Any
) -> None:
    page, errors = _open_demo(phone, stack)
    session_requests: list[str] = []

    def watch(socket: WebSocket) -> None:
        def sent(frame: str | bytes) -> None:
            if "session_request" in str(frame):
                session_requests.append(str(frame))

        socket.on("framesent", sent)

    page.on("websocket", watch)
    chat = Chat(page)
    chat.open()
    chat.expect_answer("小暖")
    session_id = chat.session_id()

    # The network goes away: the widget says so, keeps what is typed, sends it once back online.
    phone.set_offline(True)
    expect(chat.status).to_have_text("网络已断开，正在重连…")
    chat.type("家里暖气不热了")
    expect(chat.root.locator(".msg.user.pending")).to_have_count(1)
    shoot(page, "widget-06-offline")
    phone.set_offline(False)
    chat.expect_answer("地址")
    expect(chat.root.locator(".msg.pending")).to_have_count(0)

    # The socket dies under the widget (as on a mobile hand-over): it reconnects with backoff.
    opened = page.evaluate("window.__sockets.length")
    page.evaluate("window.__sockets.forEach(socket => socket.close())")
    page.wait_for_function(
        f"window.__sockets.length > {opened} && window.__sockets.at(-1).readyState === 1",
        timeout=ANSWER_MS,
    )
    expect(chat.status).to_have_text("在线")
    chat.type("阳光花园5号楼1单元302")
    chat.expect_answer("手机")  # the same repair form goes on: the same Rasa conversation
    shoot(page, "widget-07-reconnected")

    assert len(session_requests) == 3  # first connection, back online, after the cut
    # The first connection asks for no session (the server issues one); both reconnections resume
    # the token the server confirmed, so the same Rasa conversation goes on.
    assert '"session_id":null' in session_requests[0]
    assert all(f'"session_id":"{session_id}"' in frame for frame in session_requests[1:])
    assert chat.session_id() == session_id
    assert errors == []


@pytest.fixture
def company_site(stack: Stack) -> Iterator[str]:
    """The company's own page on another origin (another port), embedding the widget with one tag.

    A real local server, not a routed fake origin: Chromium refuses a page it thinks is public
    loading a script from 127.0.0.1 (Private Network Access), which would test the browser's rule
    instead of the widget.
    """
    page = (
        '<!doctype html><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>某热力公司</title><h1>某热力公司</h1>"
        f'<script src="{stack.rasa_url}/webhooks/socketio/widget.js"'
        ' data-title="某热力公司客服" data-open="true"></script>'
    ).encode()

    class Site(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", free_port()), Site)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()


def test_widget_on_the_companys_own_site_talks_to_the_server_it_came_from(
    phone: BrowserContext, company_site: str
) -> None:
    """How it is really embedded: no data-server-url, so the server is the script's own origin."""
    page = phone.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(company_site)
    chat = Chat(page)
    expect(chat.panel).to_be_visible()  # data-open="true"
    expect(chat.root.locator(".title")).to_have_text("某热力公司客服")
    chat.type("你好")
    chat.expect_answer("小暖")
    assert errors == []
