"""The website widget for older residents, measured in Chromium at 375 px (phone) and 1280 px.

Every control is at least 44×44 px, the launcher says 在线客服 and leaves the page's last lines
visible, messages carry who wrote them and when, the text follows the browser's font size and the
小/大 buttons, the widget works from the keyboard, and an accessibility audit finds nothing
serious: axe-core (its package axe-playwright-python is pinned) and Chromium's own accessibility
tree, whose roles and names are checked here. Screenshots go to results/widget/.
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from bot.config import PROJECT_ROOT

from .conftest import Stack
from .test_widget_browser import PHONE, Chat, browser  # noqa: F401 (fixture)

pytestmark = pytest.mark.e2e

RESULTS = PROJECT_ROOT / "results" / "widget"
DESKTOP: dict[str, Any] = {
    "viewport": {"width": 1280, "height": 860},
    "locale": "zh-CN",
    "timezone_id": "Asia/Shanghai",
}
SCREENS = {"phone": PHONE, "desktop": DESKTOP}
MIN_TARGET = 44  # px: WCAG 2.5.5, what older thumbs need
TIME = re.compile(r"\d{2}:\d{2}")

# Every control in the widget's shadow root a visitor can reach, with its box (CSS px).
CONTROLS = """
() => [...document.querySelector('[data-heating-webchat]').shadowRoot
  .querySelectorAll('button, textarea, a[href]')]
  .filter(node => node.getClientRects().length > 0)  // rendered (not display:none)
  .map(node => { const r = node.getBoundingClientRect();
                 return {name: node.getAttribute('aria-label') || node.textContent.trim(),
                         width: r.width, height: r.height}; })
"""


def screenshot(page: Page, name: str) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


def axe_findings(page: Page) -> list[dict[str, Any]]:
    """axe-core's serious and critical violations (axe.min.js ships in axe-playwright-python,
    pinned in requirements.lock: nothing is downloaded)."""
    spec = importlib.util.find_spec("axe_playwright_python")
    assert spec is not None and spec.origin is not None, "axe-playwright-python is not installed"
    page.add_script_tag(path=str(Path(spec.origin).parent / "axe.min.js"))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]]}
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def accessibility_tree(page: Page) -> list[dict[str, Any]]:
    """Chromium's accessibility tree of the page (what a screen reader is given)."""
    cdp = page.context.new_cdp_session(page)
    nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]
    cdp.detach()
    return [
        {"role": n["role"]["value"], "name": (n.get("name") or {}).get("value", "")}
        for n in nodes
        if not n.get("ignored")
    ]


@pytest.fixture(params=sorted(SCREENS))
def screen(
    request: pytest.FixtureRequest,
    browser: Browser,  # noqa: F811 (the imported fixture)
) -> Iterator[tuple[str, BrowserContext]]:
    context = browser.new_context(**SCREENS[request.param])
    yield request.param, context
    context.close()


def test_widget_is_usable_by_thumb_keyboard_and_screen_reader(
    stack: Stack, screen: tuple[str, BrowserContext]
) -> None:
    name, context = screen
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{stack.rasa_url}/webhooks/socketio/demo")
    chat = Chat(page)
    launcher = chat.root.locator(".launcher")

    # A labelled launcher, big enough, that leaves the end of the page readable.
    expect(launcher).to_have_text("在线客服")
    box = launcher.bounding_box()
    assert box and box["height"] >= MIN_TARGET and box["width"] >= MIN_TARGET
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    footer = page.locator("footer").bounding_box()
    box = launcher.bounding_box()
    assert footer and box and footer["y"] + footer["height"] <= box["y"], (footer, box)
    screenshot(page, f"{name}-01-closed-page-end")

    # Keyboard: Enter on the launcher opens the window with the cursor in the input.
    launcher.focus()
    page.keyboard.press("Enter")
    expect(chat.panel).to_be_visible()
    active = "document.querySelector('[data-heating-webchat]').shadowRoot.activeElement"
    assert page.evaluate(f"{active}.getAttribute('aria-label')") == "输入消息"
    chat.expect_answer("小暖")
    chat.click("报修")
    chat.expect_answer("什么问题")

    # Who wrote each message, and when.
    entries = chat.root.locator(".entry")
    expect(entries).to_have_count(3)
    metas = chat.root.locator(".entry .meta").all_inner_texts()
    assert [m.split()[0] for m in metas] == ["小暖", "我", "小暖"], metas
    assert all(TIME.search(m) for m in metas), metas
    # The pressed button left the focus on the message list; Tab reaches the new answer's buttons.
    assert page.evaluate(f"{active}.getAttribute('role')") == "log"
    page.keyboard.press("Tab")
    assert page.evaluate(f"{active}.textContent") == "不热"
    screenshot(page, f"{name}-02-open")

    controls = page.evaluate(CONTROLS)
    small = [c for c in controls if c["width"] < MIN_TARGET or c["height"] < MIN_TARGET]
    assert len(controls) >= 10 and small == [], small  # buttons, 发送, 小/大, 隐私说明, close…
    names = {c["name"] for c in controls}
    assert {"关闭客服窗口", "输入消息", "发送", "缩小字号", "放大字号", "隐私说明"} <= names

    # The browser's font size and the 大 button both make the text bigger.
    bubble = chat.root.locator(".msg.bot").last

    def text_px() -> float:
        return float(bubble.evaluate("node => parseFloat(getComputedStyle(node).fontSize)"))

    base = text_px()
    cdp = context.new_cdp_session(page)
    cdp.send("Page.setFontSizes", {"fontSizes": {"standard": 24}})
    enlarged = text_px()
    assert enlarged >= base * 1.4, (base, enlarged)
    cdp.send("Page.setFontSizes", {"fontSizes": {"standard": 16}})
    chat.root.locator(".larger").click()
    assert text_px() > base
    still = page.evaluate(CONTROLS)
    assert [c for c in still if c["width"] < MIN_TARGET or c["height"] < MIN_TARGET] == []
    screenshot(page, f"{name}-03-larger-text")
    chat.root.locator(".smaller").click()

    # Screen readers: a named dialog, a log of messages, named controls; axe finds nothing serious.
    tree = accessibility_tree(page)
    roles = {(n["role"], n["name"]) for n in tree}
    assert ("dialog", "阳光热力在线客服") in roles and ("log", "对话记录") in roles
    assert ("textbox", "输入消息") in roles and ("link", "隐私说明") in roles
    assert all(n["name"] for n in tree if n["role"] == "button"), tree
    findings = axe_findings(page)
    assert not findings, findings

    # Escape closes and gives the focus back to the launcher.
    page.keyboard.press("Escape")
    expect(chat.panel).to_be_hidden()
    assert page.evaluate(f"{active}.className") == "launcher"
    assert errors == []


def test_the_privacy_notice_is_served_beside_the_widget(stack: Stack, browser: Browser) -> None:  # noqa: F811
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.goto(f"{stack.rasa_url}/webhooks/socketio/demo")
    chat = Chat(page)
    chat.open()
    link = chat.root.locator(".privacy")
    with context.expect_page() as opened:
        link.click()
    notice = opened.value
    notice.wait_for_load_state()
    expect(notice.locator("h1")).to_have_text("在线客服隐私说明")
    assert notice.url == f"{stack.rasa_url}/webhooks/socketio/privacy"
    context.close()
