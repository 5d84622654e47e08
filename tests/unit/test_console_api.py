"""The console's JSON API over real HTTP: the Sanic app on a free port, beside a stand-in Rasa
HTTP API and a stand-in call centre (aiohttp), on an SQLite store of its own."""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from sanic import Sanic
from service_helpers import fakes

from bot.config import settings
from bot.console.app import create_app
from bot.console.auth import hash_password
from bot.console.config import ConsoleSettings
from bot.handoff import messages, queue
from bot.handoff.config import HandoffSettings
from bot.handoff.jobs import open_handoff_jobs
from bot.handoff.rasa import RasaApi
from bot.handoff.resume import RESUME
from bot.handoff.signing import SIGNATURE_HEADER, sign, verify
from bot.launcher import free_port
from bot.policy import load_policy
from bot.scheduler import Scheduler
from bot.services.applications import file_unverified
from bot.services.tickets import open_ticket
from bot.store import agents as agent_store
from bot.store.db import dispose_engines, ensure_schema, session_scope
from bot.store.demo import load_demo
from bot.store.meters import SubmissionDraft, submit_reading
from bot.store.models import (
    Account,
    HandoffEvent,
    HandoffSession,
    Meter,
    RoomTempSample,
    Ticket,
    TicketEvent,
)
from bot.store.photos import Outcome, WantedPhoto, record_outcome
from bot.store.tickets import TicketDraft

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=timezone.utc)
POLICY = load_policy("beijing")
TOKEN = "rasa-token"
CRM_SECRET = b"w" * 32
PASSWORD = "correct horse battery"
PASSWORD_HASH = hash_password(PASSWORD)


@dataclass
class FakeRasa:
    """Rasa's HTTP API as the console uses it: trackers, and appended events it 'delivers'."""

    trackers: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    appended: list[tuple[str, dict[str, str], list[dict[str, Any]]]] = field(default_factory=list)
    refuse_bot_messages: str | None = None

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/conversations/{cid}/tracker", self.tracker)
        app.router.add_post("/conversations/{cid}/tracker/events", self.events)
        return app

    async def tracker(self, request: web.Request) -> web.Response:
        if request.query.get("token") != TOKEN:
            return web.json_response({"message": "no token"}, status=401)
        cid = request.match_info["cid"]
        return web.json_response({"sender_id": cid, "events": self.trackers[cid]})

    async def events(self, request: web.Request) -> web.Response:
        if request.query.get("token") != TOKEN:
            return web.json_response({"message": "no token"}, status=401)
        cid, events = request.match_info["cid"], await request.json()
        if self.refuse_bot_messages and any(e["event"] == "bot" for e in events):
            message = f"An unexpected error occurred. Error: {self.refuse_bot_messages}"
            return web.json_response({"message": message}, status=500)
        self.appended.append((cid, dict(request.query), events))
        self.trackers[cid].extend(events)
        return web.json_response({})

    def sent(self, cid: str) -> list[dict[str, Any]]:
        return [event for c, _, events in self.appended if c == cid for event in events]


@dataclass
class FakeCrm:
    """The call centre's webhook endpoint: records what it gets, answers with `statuses`."""

    received: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/crm", self.receive)
        return app

    async def receive(self, request: web.Request) -> web.Response:
        self.received.append((dict(request.headers), await request.read()))
        return web.Response(status=self.statuses.pop(0) if self.statuses else 200)


class Agent:
    """One agent's browser: a cookie jar and the CSRF token the login returned."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.http = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
        self.csrf = ""

    async def login(self, username: str, password: str = PASSWORD) -> aiohttp.ClientResponse:
        answer = await self.http.post(
            f"{self.base}/api/login", json={"username": username, "password": password}
        )
        if answer.status == 200:
            self.csrf = (await answer.json())["csrf"]
        return answer

    async def get(self, path: str) -> tuple[int, Any]:
        async with self.http.get(self.base + path) as answer:
            return answer.status, await answer.json()

    async def post(self, path: str, body: dict[str, Any] | None = None) -> tuple[int, Any]:
        headers = {"X-CSRF-Token": self.csrf}
        async with self.http.post(self.base + path, json=body or {}, headers=headers) as answer:
            return answer.status, await answer.json()


@dataclass
class Console:
    base: str
    rasa: FakeRasa
    crm: FakeCrm
    scheduler: Scheduler
    clock: list[datetime]
    settings: ConsoleSettings
    handoff: HandoffSettings
    tracker_url: str
    agents: list[Agent] = field(default_factory=list)

    async def agent(self, username: str) -> Agent:
        browser = Agent(self.base)
        self.agents.append(browser)
        assert (await browser.login(username)).status == 200
        return browser

    async def sweep(self) -> None:
        """One round of the scheduler's hand-off jobs, each of which must succeed."""
        assert (await self.scheduler.sweep()).failed == []

    def browser(self, base: str | None = None) -> Agent:
        """A browser that has not logged in (on this console, or the one at `base`)."""
        browser = Agent(base or self.base)
        self.agents.append(browser)
        return browser


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'heating.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    settings.cache_clear()
    ensure_schema(url)
    with session_scope(url) as session:
        load_demo(session, NOW)
        for username, role in (("wang", "agent"), ("li", "agent"), ("lead", "supervisor")):
            agent_store.add_agent(session, username, username.upper(), role, PASSWORD_HASH, NOW)
    yield url
    dispose_engines()
    settings.cache_clear()


async def _serve(app: web.Application) -> tuple[web.AppRunner, str]:
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    return runner, f"http://127.0.0.1:{port}"


@pytest.fixture
async def console(
    database: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> AsyncIterator[Console]:
    # Sanic rewrites its own methods when an app starts; in test mode it keeps the originals,
    # so a second app in the same process can start too.
    monkeypatch.setattr(Sanic, "test_mode", True)
    rasa, crm = FakeRasa(), FakeCrm()
    rasa_runner, rasa_url = await _serve(rasa.app())
    crm_runner, crm_url = await _serve(crm.app())
    clock = [NOW]
    handoff = HandoffSettings(
        targets=("console", "webhook"),
        webhook_url=f"{crm_url}/crm",
        webhook_secret=CRM_SECRET,
        wechat_kf_account=None,
        agent_timeout_seconds=60,
    )
    console_settings = ConsoleSettings(
        secret=b"s" * 32,
        rasa_url=rasa_url,
        rasa_token=TOKEN,
        host="127.0.0.1",
        port=free_port(),
        cookie_secure=False,
    )
    tracker_url = f"sqlite:///{tmp_path / 'no-tracker.db'}"
    jobs = open_handoff_jobs(RasaApi(rasa_url, TOKEN), handoff, POLICY, lambda: clock[0])
    async with (
        _console_process(console_settings, handoff, clock, tracker_url) as (base, _),
        jobs as handoff_jobs,
    ):
        scheduler = Scheduler(POLICY, fakes(), now=lambda: clock[0], handoff=handoff_jobs)
        harness = Console(
            base, rasa, crm, scheduler, clock, console_settings, handoff, tracker_url
        )
        try:
            yield harness
        finally:
            for browser in harness.agents:
                await browser.http.close()
            await rasa_runner.cleanup()
            await crm_runner.cleanup()


@asynccontextmanager
async def _console_process(
    console_settings: ConsoleSettings,
    handoff: HandoffSettings,
    clock: list[datetime],
    tracker_url: str,
) -> AsyncIterator[tuple[str, Sanic]]:
    """One console process on `console_settings.port` (its URL and app), stopped on leaving."""
    app = create_app(
        console_settings,
        handoff,
        POLICY,
        now=lambda: clock[0],
        tracker_url=tracker_url,
    )
    server = await app.create_server(
        host="127.0.0.1", port=console_settings.port, return_asyncio_server=True
    )
    assert server is not None
    await server.startup()
    await server.before_start()
    await server.after_start()
    await server.start_serving()
    try:
        yield f"http://127.0.0.1:{console_settings.port}", app
    finally:
        await server.before_stop()
        closing = server.close()
        if closing is not None:
            await closing
        await server.after_stop()


@asynccontextmanager
async def _second_process(console: Console) -> AsyncIterator[str]:
    """Another console process on the same database and secret, as behind a load balancer."""
    other = replace(console.settings, port=free_port())
    async with _console_process(other, console.handoff, console.clock, console.tracker_url) as (
        base,
        _,
    ):
        yield base


def _queue(sender: str = "web-user", channel: str = "socketio", **summary: Any) -> int:
    """A conversation handed over by the bot (an agent is on duty)."""
    with session_scope() as session:
        request = queue.HandoffRequest(
            channel, sender, "request_human", {"last_message": "转人工", **summary}
        )
        queued = queue.enqueue(session, POLICY, request, ("console", "webhook"), NOW, 10**6)
        assert queued is not None
        return queued.session.id


def _row(session_id: int) -> HandoffSession:
    with session_scope() as session:
        row = session.get(HandoffSession, session_id)
        assert row is not None
        session.expunge(row)
        return row


def _said(rasa: FakeRasa, sender: str) -> None:
    rasa.trackers[sender] += [
        {"event": "user", "text": "暖气不热，电话13812345678", "timestamp": NOW.timestamp()},
        {"event": "bot", "text": "正在为您转接人工客服", "timestamp": NOW.timestamp()},
        {"event": "pause", "timestamp": NOW.timestamp()},
        {"event": "user", "text": "有人吗", "timestamp": NOW.timestamp()},
    ]


# ---- login and protection ------------------------------------------------------------------------


async def test_everything_but_the_pages_needs_a_login(console: Console) -> None:
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{console.base}/api/queue") as answer:
            assert answer.status == 401
        async with http.get(f"{console.base}/") as answer:
            assert answer.status == 200 and "供热客服工作台" in await answer.text()
            assert "script-src 'self'" in answer.headers["Content-Security-Policy"]
            assert answer.headers["X-Frame-Options"] == "DENY"
        async with http.get(f"{console.base}/static/console.js") as answer:
            assert answer.status == 200 and "textContent" in await answer.text()
        async with http.get(f"{console.base}/static/../app.py") as answer:
            assert answer.status == 404


async def test_every_route_but_the_declared_public_ones_refuses_a_request_without_login(
    console: Console,
) -> None:
    app = create_app(console.settings, console.handoff, POLICY, tracker_url=console.tracker_url)
    public = {route.path for route in app.router.routes if getattr(route.ctx, "public", False)}
    assert public == {
        "",
        "login",
        "static/console.js",
        "static/login.js",
        "static/console.css",
        "health",
        "metrics",
        "api/login",
        "api/handoff/events",
    }
    guarded = [route for route in app.router.routes if route.path not in public]
    assert len(guarded) == 17
    async with aiohttp.ClientSession() as http:
        for route in guarded:
            path = route.path.replace("<session_id:int>", "1").replace("<ticket_no:str>", "BX1")
            path = path.replace("<kind:str>", "meter").replace("<reading_id:int>", "1")
            (method,) = route.methods
            async with http.request(method, f"{console.base}/{path}", json={}) as answer:
                assert answer.status == 401, path


async def test_login_sets_a_strict_http_only_cookie_and_throttles_guessing(
    console: Console,
) -> None:
    browser = Agent(console.base)
    console.agents.append(browser)
    answer = await browser.login("wang")
    assert answer.status == 200
    cookie = answer.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert (await browser.get("/api/me"))[1]["agent"]["username"] == "wang"

    guesser = Agent(console.base)
    console.agents.append(guesser)
    statuses = [(await guesser.login("li", f"wrong {n}")).status for n in range(6)]
    assert statuses == [401] * 5 + [429]
    assert (await guesser.login("li")).status == 429  # even the right one, for a while
    assert (await guesser.login("nobody", PASSWORD)).status == 401


async def test_logging_out_ends_the_session_on_every_console_process(console: Console) -> None:
    wang = await console.agent("wang")
    stolen = wang.http.cookie_jar.filter_cookies(console.base)  # e.g. copied off the machine
    async with _second_process(console) as other:
        replay = console.browser(other)
        replay.http.cookie_jar.update_cookies(stolen)
        assert (await replay.get("/api/me"))[0] == 200  # one login, valid on both processes
        replay.csrf = wang.csrf
        assert (await replay.post("/api/logout"))[0] == 200  # logged out on the other one
        thief = console.browser()
        thief.http.cookie_jar.update_cookies(stolen)
        status, answer = await thief.get("/api/me")
        assert status == 401 and "重新登录" in answer["error"]
        assert (await replay.get("/api/queue"))[0] == 401


async def test_a_session_left_idle_ends(console: Console) -> None:
    wang = await console.agent("wang")
    idle = timedelta(seconds=console.settings.limits.session_idle_seconds)
    console.clock[0] = NOW + idle - timedelta(seconds=1)
    assert (await wang.get("/api/me"))[0] == 200  # each request keeps it alive
    console.clock[0] += idle + timedelta(seconds=1)
    assert (await wang.get("/api/me"))[0] == 401


async def test_one_address_trying_many_usernames_is_throttled_on_every_process(
    console: Console,
) -> None:
    limit = console.settings.limits.failures_per_address
    sprayer = console.browser()
    statuses, refusals = [], []
    for n in range(60):  # a forged X-Forwarded-For from a peer that is no trusted proxy is ignored
        async with sprayer.http.post(
            f"{console.base}/api/login",
            json={"username": f"user{n}", "password": PASSWORD},
            headers={"X-Forwarded-For": f"10.0.0.{n}"},
        ) as answer:
            statuses.append(answer.status)
            if answer.status == 429:
                refusals.append((answer.headers["Retry-After"], (await answer.json())["error"]))
    assert statuses == [401] * limit + [429] * (60 - limit)
    window = console.settings.limits.window_seconds
    assert all(0 < int(after) <= window for after, _ in refusals)
    assert refusals[0][1] == "登录失败次数过多，为保护账号安全，请 15 分钟后再试。"
    assert (await sprayer.login("wang")).status == 429  # not even a right password is checked
    async with _second_process(console) as other:
        assert (await console.browser(other).login("wang")).status == 429
    console.clock[0] = NOW + timedelta(seconds=window)
    assert (await sprayer.login("wang")).status == 200


async def test_unknown_and_disabled_usernames_cost_the_same_scrypt_as_known_ones(
    console: Console, monkeypatch: pytest.MonkeyPatch
) -> None:
    with session_scope() as session:
        disabled = agent_store.get_agent_by_username(session, "li")
        assert disabled is not None
        agent_store.set_active(session, disabled, False)
    costs: list[tuple[int, int, int]] = []
    scrypt = hashlib.scrypt

    def counted(password: bytes, **params: Any) -> bytes:
        costs.append((params["n"], params["r"], params["p"]))
        return scrypt(password, **params)

    monkeypatch.setattr(hashlib, "scrypt", counted)
    guesser = console.browser()
    for username, password in (("wang", "wrong password"), ("nobody", PASSWORD), ("li", PASSWORD)):
        costs.clear()
        assert (await guesser.login(username, password)).status == 401
        assert costs == [(16384, 8, 1)], username


async def test_writes_need_the_csrf_header_and_a_json_body(console: Console) -> None:
    session_id = _queue()
    wang = await console.agent("wang")
    url = f"{console.base}/api/sessions/{session_id}/pick"
    async with wang.http.post(url, json={}) as answer:
        assert answer.status == 403
    async with wang.http.post(url, json={}, headers={"X-CSRF-Token": "forged"}) as answer:
        assert answer.status == 403
    headers = {"X-CSRF-Token": wang.csrf}
    async with wang.http.post(url, data="a=b", headers=headers) as answer:
        assert answer.status == 415
    assert _row(session_id).status == "queued"


# ---- the agent's work ----------------------------------------------------------------------------


async def test_an_agent_picks_reads_replies_and_ends_a_conversation(console: Console) -> None:
    session_id = _queue(phone="13812345678", account_no="0102345678", address="阳光花园5号楼")
    _said(console.rasa, "web-user")
    wang = await console.agent("wang")

    status, queue = await wang.get("/api/queue")
    assert status == 200 and [item["id"] for item in queue["waiting"]] == [session_id]
    assert queue["waiting"][0]["channel_name"] == "网页客服"

    status, detail = await wang.get(f"/api/sessions/{session_id}")
    assert status == 200 and detail["can"] == {
        "pick": True,
        "handle": False,
        "close": False,
        "full_numbers": False,
    }
    texts = [line["text"] for line in detail["transcript"]]
    assert texts[0] == "暖气不热，电话138****5678" and "有人吗" in texts
    collected = {line["key"]: line["value"] for line in detail["collected"]}
    assert collected["phone"] == "138****5678" and collected["account_no"] == "01******78"
    assert detail["account"]["name"] == "张伟" and detail["account"]["account_no"] == "01******78"
    assert detail["account"]["phone"].startswith("138****")

    assert (await wang.post(f"/api/sessions/{session_id}/pick"))[0] == 200
    [(cid, params, events)] = console.rasa.appended
    assert cid == "web-user" and params["output_channel"] == "socketio"
    assert params["execute_side_effects"] == "true" and params["token"] == TOKEN
    # The greeting is the agent's own first message: the widget shows it with their name.
    assert events == [
        {
            "event": "bot",
            "text": "您好，我是人工客服WANG，接下来由我为您服务。",
            "metadata": {"handoff_agent": "WANG"},
        }
    ]

    status, _ = await wang.post(
        f"/api/sessions/{session_id}/reply", {"text": "您好，请问哪里不热？"}
    )
    assert status == 200
    assert console.rasa.sent("web-user")[-1] == {
        "event": "bot",
        "text": "您好，请问哪里不热？",
        "metadata": {"handoff_agent": "WANG"},
    }
    status, detail = await wang.get(f"/api/sessions/{session_id}")
    assert detail["transcript"][-1]["who"] == "agent"
    assert [h["kind"] for h in detail["history"]] == ["queued", "picked", "reply"]

    status, numbers = await wang.post(f"/api/sessions/{session_id}/reveal")
    assert numbers == {"numbers": {"phone": "13812345678", "account_no": "0102345678"}}

    assert (await wang.post(f"/api/sessions/{session_id}/close"))[0] == 200
    closing = {"event": "bot", "text": messages.closed()}
    assert console.rasa.sent("web-user")[-3:] == [closing, *RESUME]
    row = _row(session_id)
    assert row.status == "closed" and not row.paused
    assert (await wang.post(f"/api/sessions/{session_id}/reply", {"text": "x"}))[0] == 403


async def test_the_transcript_shows_pressed_buttons_by_title_and_hides_internal_payloads(
    console: Console,
) -> None:
    session_id = _queue()
    at = NOW.timestamp()
    offered = {"buttons": [{"title": "转人工", "payload": "/request_human"}]}
    console.rasa.trackers["web-user"] += [
        {"event": "user", "text": "/greet", "timestamp": at},  # sent unseen by the widget
        {"event": "bot", "text": "您好，我是小暖", "data": offered, "timestamp": at},
        {"event": "user", "text": "/request_human", "timestamp": at},
        {"event": "bot", "text": "正在为您转接人工客服", "timestamp": at},
        {"event": "user", "text": "/request_human", "timestamp": at},  # no button offered it
        {"event": "user", "text": "/ 斜杠开头也是用户写的话", "timestamp": at},
    ]
    wang = await console.agent("wang")
    _, detail = await wang.get(f"/api/sessions/{session_id}")
    assert [
        (line["who"], line["text"], line.get("pressed", False)) for line in detail["transcript"]
    ] == [
        ("bot", "您好，我是小暖", False),
        ("user", "转人工", True),
        ("bot", "正在为您转接人工客服", False),
        ("user", "/ 斜杠开头也是用户写的话", False),
    ]


async def test_colleagues_do_not_see_each_others_conversations(console: Console) -> None:
    session_id = _queue(phone="13812345678")
    _said(console.rasa, "web-user")
    wang, li, lead = (
        await console.agent("wang"),
        await console.agent("li"),
        await console.agent("lead"),
    )
    assert (await wang.post(f"/api/sessions/{session_id}/pick"))[0] == 200
    assert (await li.post(f"/api/sessions/{session_id}/pick"))[0] == 404
    assert (await li.get(f"/api/sessions/{session_id}"))[0] == 404
    assert (await li.get("/api/queue"))[1]["handling"] == []
    status, detail = await lead.get(f"/api/sessions/{session_id}")
    assert status == 200 and detail["can"]["full_numbers"]
    assert detail["transcript"][0]["text"] == "暖气不热，电话13812345678"
    assert (await li.post(f"/api/sessions/{session_id}/reveal"))[0] == 404


async def test_transfer_to_a_colleague(console: Console) -> None:
    session_id = _queue()
    wang, li = await console.agent("wang"), await console.agent("li")
    await wang.post(f"/api/sessions/{session_id}/pick")
    colleagues = (await wang.get("/api/queue"))[1]["colleagues"]
    assert [c["username"] for c in colleagues] == ["li"]
    assert (await wang.post(f"/api/sessions/{session_id}/transfer", {"to": "li"}))[0] == 200
    assert console.rasa.sent("web-user")[-1] == {
        "event": "bot",
        "text": "已为您转接客服LI，请稍候。",
        "metadata": {"handoff_holder": "LI"},  # the widget shows LI as the one answering now
    }
    assert [h["id"] for h in (await li.get("/api/queue"))[1]["handling"]] == [session_id]
    assert (await wang.get(f"/api/sessions/{session_id}"))[0] == 404


async def test_a_message_the_channel_cannot_deliver_is_reported_to_the_agent(
    console: Console,
) -> None:
    session_id = _queue()
    wang = await console.agent("wang")
    await wang.post(f"/api/sessions/{session_id}/pick")
    console.rasa.refuse_bot_messages = "WindowClosed: more than 48 h since the user's last message"
    status, answer = await wang.post(f"/api/sessions/{session_id}/reply", {"text": "您好"})
    assert status == 502 and "48 h" in answer["error"] and answer["error"].startswith("消息未送达")
    with session_scope() as session:
        assert session.query(HandoffEvent).filter_by(kind="reply").count() == 0
    status, answer = await wang.post(f"/api/sessions/{session_id}/close")
    assert status == 200 and "结束语未送达" in answer["note"]
    assert console.rasa.sent("web-user")[-2:] == RESUME  # the bot is back anyway
    assert not _row(session_id).paused


async def test_a_reply_on_a_channel_without_push_warns_the_agent(console: Console) -> None:
    session_id = _queue("rest-user", channel="rest")
    wang = await console.agent("wang")
    await wang.post(f"/api/sessions/{session_id}/pick")
    status, answer = await wang.post(f"/api/sessions/{session_id}/reply", {"text": "您好"})
    assert status == 200 and "用户收不到" in answer["note"]
    assert console.rasa.appended[-1][1]["output_channel"] == "rest"


async def test_an_agent_opens_a_ticket_for_the_user(console: Console) -> None:
    session_id = _queue(address="阳光花园5号楼1单元302", phone="13812345678")
    wang = await console.agent("wang")
    await wang.post(f"/api/sessions/{session_id}/pick")
    status, answer = await wang.post(
        f"/api/sessions/{session_id}/tickets", {"kind": "BX", "description": "卧室暖气片漏水"}
    )
    assert status == 200 and answer["ticket"]["phone"] == "138****5678"
    with session_scope() as session:
        ticket = session.query(Ticket).filter_by(ticket_no=answer["ticket"]["ticket_no"]).one()
        assert (ticket.sender_id, ticket.phone) == ("web-user", "13812345678")
    assert (await wang.post(f"/api/sessions/{session_id}/tickets", {"kind": "XX"}))[0] == 409


async def test_an_agent_cancels_an_urgent_ticket_and_its_hand_off_ends(console: Console) -> None:
    session_id = _queue()
    with session_scope() as session:
        draft = TicketDraft(kind="BX", channel="socketio", sender_id="web-user", fault_type="leak")
        urgent = open_ticket(session, POLICY, draft, NOW).ticket_no
        [raised] = queue.queue_alerts(session, POLICY, ("console",), NOW)
        assert raised.id == session_id  # the user's own session became the urgent one
    wang = await console.agent("wang")
    await wang.post(f"/api/sessions/{session_id}/pick")
    _, detail = await wang.get(f"/api/sessions/{session_id}")
    assert [(t["ticket_no"], t["cancellable"]) for t in detail["tickets"]] == [(urgent, True)]

    status, answer = await wang.post(f"/api/sessions/{session_id}/tickets/{urgent}/cancel")

    assert status == 200 and answer["ticket"]["status_name"] == "已取消"
    assert answer["closed_sessions"] == [session_id] and answer["note"] is None
    assert _row(session_id).status == "closed" and not _row(session_id).paused
    told = {"event": "bot", "text": messages.ticket_cancelled(urgent)}
    assert console.rasa.sent("web-user")[-3:] == [told, *RESUME]
    again = await wang.post(f"/api/sessions/{session_id}/tickets/{urgent}/cancel")
    assert again[0] == 403  # the conversation has ended


async def test_logging_out_returns_the_conversations(console: Console) -> None:
    session_id = _queue()
    wang = await console.agent("wang")
    await wang.post(f"/api/sessions/{session_id}/pick")
    assert (await wang.post("/api/logout"))[0] == 200
    assert _row(session_id).status == "queued"
    assert (await wang.get("/api/queue"))[0] == 401
    assert console.rasa.sent("web-user")[-1] == _requeued()


def _requeued() -> dict[str, Any]:
    """The notice a user gets when their agent leaves: no agent named, so the widget drops the
    人工客服 mark, and the fresh pick-up deadline."""
    return {"event": "bot", "text": messages.requeued(POLICY.handoff.pickup_minutes)}


async def test_putting_a_conversation_back_tells_the_user(console: Console) -> None:
    session_id = _queue()
    wang = await console.agent("wang")
    await wang.post(f"/api/sessions/{session_id}/pick")
    status, answer = await wang.post(f"/api/sessions/{session_id}/release")
    assert status == 200 and answer["note"] is None
    assert _row(session_id).status == "queued"
    assert console.rasa.sent("web-user")[-1] == _requeued()
    assert "重新排队" in _requeued()["text"]
    # On WeChat each push counts against the user's window: nobody is told of 接入 or 退回 there.
    wechat = _queue(sender="openid-x", channel="wechat")
    await wang.post(f"/api/sessions/{wechat}/pick")
    await wang.post(f"/api/sessions/{wechat}/release")
    assert console.rasa.sent("openid-x") == []


# ---- the scheduler's hand-off jobs ---------------------------------------------------------------


async def test_nobody_picks_up_so_the_user_gets_a_call_back_ticket(console: Console) -> None:
    session_id = _queue(phone="13812345678")
    _said(console.rasa, "web-user")
    console.clock[0] = NOW + timedelta(minutes=10)
    await console.sweep()
    row = _row(session_id)
    assert row.status == "timed_out" and not row.paused and row.callback_ticket_no
    notice, *resume = console.rasa.sent("web-user")[-3:]
    assert row.callback_ticket_no in notice["text"] and "联系您" in notice["text"]
    assert resume == RESUME
    with session_scope() as session:
        ticket = session.query(Ticket).filter_by(ticket_no=row.callback_ticket_no).one()
        assert ticket.kind == "RG" and ticket.phone == "13812345678"
        assert [line["text"] for line in ticket.transcript][-1] == "有人吗"


async def test_a_failed_resume_is_retried_by_the_sweep(console: Console) -> None:
    session_id = _queue()
    console.clock[0] = NOW + timedelta(minutes=10)
    console.rasa.refuse_bot_messages = "rasa is restarting"
    await console.sweep()  # the notice fails, the bare resume goes through
    assert console.rasa.sent("web-user") == RESUME and not _row(session_id).paused


async def test_offline_agents_lose_their_conversations_to_the_queue(console: Console) -> None:
    session_id = _queue()
    wang = await console.agent("wang")
    await wang.post(f"/api/sessions/{session_id}/pick")
    console.clock[0] = NOW + timedelta(seconds=61)
    await console.sweep()
    assert _row(session_id).status == "queued" and _row(session_id).agent_id is None
    assert console.rasa.sent("web-user")[-1] == _requeued()


async def test_webhook_events_are_signed_and_retried(console: Console) -> None:
    console.crm.statuses = [503]
    _queue()
    await console.sweep()
    await console.sweep()  # the retry is not due yet
    console.clock[0] = NOW + timedelta(seconds=11)
    await console.sweep()
    assert len(console.crm.received) == 2
    headers, body = console.crm.received[-1]
    assert verify(body, headers[SIGNATURE_HEADER], CRM_SECRET)
    assert headers["X-Heating-Event"] == "handoff.opened"
    event = json.loads(body)
    assert event["conversation"]["sender_id"] == "web-user" and event["collected"]


# ---- the call centre's inbound API ---------------------------------------------------------------


async def _inbound(console: Console, event: dict[str, Any], secret: bytes = CRM_SECRET) -> Any:
    body = json.dumps({"sent_at": console.clock[0].isoformat(), **event}).encode()
    headers = {SIGNATURE_HEADER: sign(body, secret), "Content-Type": "application/json"}
    async with (
        aiohttp.ClientSession() as http,
        http.post(f"{console.base}/api/handoff/events", data=body, headers=headers) as answer,
    ):
        return answer.status, await answer.json()


async def test_the_call_centre_replies_and_closes_through_the_signed_api(
    console: Console,
) -> None:
    session_id = _queue()
    reply = {"id": "r1", "event": "reply", "conversation_id": session_id, "text": "您好，我是张工"}
    assert (await _inbound(console, reply, secret=b"x" * 32))[0] == 401
    status, answer = await _inbound(console, {**reply, "agent": "张工"})
    assert status == 200 and answer["conversation"] == "active"
    assert console.rasa.sent("web-user")[-1]["metadata"] == {"handoff_agent": "张工"}
    assert (await _inbound(console, {**reply, "agent": "张工"}))[1] == {"status": "duplicate"}
    assert len(console.rasa.sent("web-user")) == 1
    close = {"id": "c1", "event": "close", "conversation_id": session_id}
    status, answer = await _inbound(console, close)
    assert status == 200 and answer["conversation"] == "closed"
    assert console.rasa.sent("web-user")[-2:] == RESUME
    assert (await _inbound(console, {**close, "id": "c2"}))[0] == 409


# ---- the quality report --------------------------------------------------------------------------


async def test_the_quality_report_is_for_supervisors_only(console: Console) -> None:
    with session_scope() as session:
        accounts = session.query(Account).count()
        for hours, kind in ((1, "BX"), (2, "TS")):  # 27 November, Shanghai
            draft = TicketDraft(kind=kind, channel="wechat", sender_id="openid-r")
            open_ticket(session, POLICY, draft, NOW - timedelta(hours=hours))
    query = "/api/report?from=2026-11-01&to=2026-11-30"
    async with aiohttp.ClientSession() as http, http.get(console.base + query) as answer:
        assert answer.status == 401
    agent = await console.agent("wang")
    status, body = await agent.get(query)
    assert status == 403 and "主管" in body["error"]
    lead = await console.agent("lead")
    status, body = await lead.get(query)
    assert status == 200
    report = body["report"]
    assert report["tickets"]["total"] == 2
    assert report["tickets"]["by_kind"]["BX"] == 1 and report["tickets"]["by_kind"]["TS"] == 1
    assert report["complaints"]["complaints"] == 1
    assert report["complaints"]["accounts"] == accounts
    assert report["conversations"] is None  # no tracker store here
    assert report["period"]["first_day"] == "2026-11-01"
    assert "未听懂率" in body["definitions"]["conversations"]
    assert "nlu_fallback" not in body["definitions"]["conversations"]  # no code names for people
    assert set(report["standard"]) == set(body["definitions"]) & set(report["standard"])
    assert report["standard"]["deadline_compliance"]["target"] == 0.95  # the policy's target
    assert body["channel_names"]["wechat"] == "微信公众号"  # the console labels channels by these
    status, body = await lead.get("/api/report?from=2026-12-01&to=2026-12-31")
    assert status == 200 and body["report"]["tickets"]["total"] == 0
    for bad in ("from=2026-11-30&to=2026-11-01", "from=yesterday&to=2026-11-30", "to=2026-11-30"):
        status, _ = await lead.get(f"/api/report?{bad}")
        assert status == 400, bad


# ---- residents' readings and their photos --------------------------------------------------------

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"dial" * 100


def _readings_with_photos() -> dict[str, int]:
    """Three meter readings (photo kept, photo not fetched yet, none) and a household's room
    reading with its kept thermometer photo; their ids by name."""
    with session_scope() as session:
        meter = session.query(Meter).order_by(Meter.meter_no).first()
        assert meter is not None
        ids: dict[str, int] = {}
        for n, (name, media_id) in enumerate(
            (("kept", "MEDIA_dial"), ("waiting", "MEDIA_later"), ("none", None))
        ):
            draft = SubmissionDraft(
                meter_no=meter.meter_no,
                account_no=meter.account_no,
                channel="wechat",
                sender_id="wechat:oResident",
                value=Decimal(17120 + n),
                written=str(17120 + n),
                photo_media_id=media_id,
                dedup_key=f"photo-test-{n}",
            )
            ids[name] = submit_reading(session, draft, NOW - timedelta(hours=n)).id
        sample = RoomTempSample(
            campaign="2026-12 抽测",
            account_no=meter.account_no,
            visit_start=NOW,
            visit_end=NOW + timedelta(hours=2),
            status="measured",
            measured_at=NOW,
            temperature_c=17.0,
            standard_c=18.0,
            meets_standard=False,
            source="resident",
            photo_media_id="MEDIA_thermo",
            created_at=NOW,
        )
        session.add(sample)
        session.flush()
        ids["sample"] = sample.id
        for media_id, content in (("MEDIA_dial", JPEG), ("MEDIA_thermo", b"\x89PNG\r\n\x1a\n")):
            record_outcome(
                session,
                WantedPhoto(media_id, "wechat", "wechat:oResident", NOW),
                Outcome(
                    "fetched",
                    content=content,
                    content_type="image/png" if media_id == "MEDIA_thermo" else "image/jpeg",
                    sha256=hashlib.sha256(content).hexdigest(),
                ),
                NOW,
            )
        return ids


async def test_staff_see_each_reading_with_its_photo(console: Console) -> None:
    ids = _readings_with_photos()
    agent = await console.agent("wang")

    status, body = await agent.get("/api/readings")

    assert status == 200
    meter = {row["id"]: row for row in body["meter"]}
    kept, waiting, none = meter[ids["kept"]], meter[ids["waiting"]], meter[ids["none"]]
    assert kept["photo"] == {
        "state": "fetched",
        "state_name": "已保存",
        "url": f"/api/readings/meter/{ids['kept']}/photo",
    }
    assert waiting["photo"]["state"] == "waiting" and "url" not in waiting["photo"]
    assert none["photo"]["state"] == "none"
    assert kept["status"] == "pending" and kept["value"] == "17120.00" and kept["unit"]
    assert "*" in kept["account_no"]  # masked for an agent
    (sample,) = body["samples"]
    assert sample["photo"]["url"] == f"/api/readings/sample/{ids['sample']}/photo"
    assert sample["temperature_c"] == 17.0 and sample["meets_standard"] is False

    async with agent.http.get(console.base + kept["photo"]["url"]) as answer:
        assert answer.status == 200
        assert answer.headers["Content-Type"] == "image/jpeg"
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
        assert answer.headers["Cache-Control"] == "no-store"
        assert answer.headers["X-Content-SHA256"] == hashlib.sha256(JPEG).hexdigest()
        assert await answer.read() == JPEG
    async with agent.http.get(console.base + sample["photo"]["url"]) as answer:
        assert answer.status == 200 and answer.headers["Content-Type"] == "image/png"


async def test_photos_are_for_logged_in_agents_and_only_through_their_reading(
    console: Console,
) -> None:
    ids = _readings_with_photos()
    url = f"/api/readings/meter/{ids['kept']}/photo"
    async with aiohttp.ClientSession() as http:
        for path in (url, "/api/readings"):
            async with http.get(console.base + path) as answer:
                assert answer.status == 401, path
                assert await answer.read() != JPEG
    agent = await console.agent("wang")
    for path in (
        f"/api/readings/meter/{ids['waiting']}/photo",  # not fetched yet
        f"/api/readings/meter/{ids['none']}/photo",
        f"/api/readings/sample/{ids['sample'] + 1}/photo",  # no such sample
        "/api/readings/meter/999999/photo",
        f"/api/readings/media/{ids['kept']}/photo",
        "/api/readings/meter/MEDIA_dial/photo",
        "/api/photos/MEDIA_dial",
    ):
        async with agent.http.get(console.base + path) as answer:
            assert answer.status == 404, path
            assert await answer.read() != JPEG


async def test_metrics_show_the_queue_and_the_wait_until_an_agent_picks(console: Console) -> None:
    def sample(text_format: str, name: str) -> float:
        line = next(line for line in text_format.splitlines() if line.startswith(name + " "))
        return float(line.split()[-1])

    async def scrape() -> str:
        async with aiohttp.ClientSession() as http, http.get(f"{console.base}/metrics") as answer:
            assert answer.status == 200
            return await answer.text()

    session_id = _queue()
    before = await scrape()
    assert sample(before, "heating_handoffs_queued") == 1
    console.clock[0] = NOW + timedelta(minutes=4)
    wang = await console.agent("wang")
    assert (await wang.post(f"/api/sessions/{session_id}/pick"))[0] == 200
    after = await scrape()
    assert sample(after, "heating_handoffs_queued") == 0
    count = "heating_handoff_wait_seconds_count"
    assert sample(after, count) == sample(before, count) + 1
    waited = sample(after, "heating_handoff_wait_seconds_sum") - sample(
        before, "heating_handoff_wait_seconds_sum"
    )
    assert waited == 240


# ---- ownership of applications filed without the 户号 -------------------------------------------


def _application(sender: str, room: str) -> str:
    """A 报停 filed without the 户号, as the conversation files it (产权未核实)."""
    draft = TicketDraft(
        kind="BT",
        channel="rest",
        sender_id=sender,
        phone="13900001111",
        address=f"阳光花园5号楼1单元{room}",
        community="阳光花园",
        building="5",
        unit="1",
        room=room,
    )
    with session_scope() as session:
        filing = file_unverified(session, POLICY, draft, NOW)
        assert filing.ticket is not None
        return filing.ticket.ticket_no


def _ownership_events(ticket_no: str) -> list[tuple[str, str, dict[str, Any]]]:
    with session_scope() as session:
        ticket = session.query(Ticket).filter_by(ticket_no=ticket_no).one()
        events = session.query(TicketEvent).filter_by(ticket_id=ticket.id).order_by(TicketEvent.id)
        return [(e.kind, e.actor, dict(e.detail or {})) for e in events]


async def test_staff_verify_or_reject_the_ownership_and_the_ticket_history_says_so(
    console: Console,
) -> None:
    verified, rejected = _application("rest:r1", "302"), _application("rest:r2", "402")
    url = f"/api/tickets/{verified}/ownership"
    assert (await console.browser().post(url, {"decision": "verified"}))[0] == 401
    wang = await console.agent("wang")
    async with wang.http.post(console.base + url, json={"decision": "verified"}) as answer:
        assert answer.status == 403  # no CSRF header
    assert (await wang.post(url, {"decision": "perhaps"}))[0] == 400

    status, answer = await wang.post(
        url, {"decision": "verified", "note": "房产证核对无误", "account_no": "0102345678"}
    )

    assert status == 200 and answer["ownership"] == "verified"
    assert answer["ticket"]["phone"] == "139****1111"  # an agent sees numbers masked
    kind, actor, detail = _ownership_events(verified)[-2]  # then the 户号 linked: `updated`
    assert (kind, actor, detail["status"]) == ("ownership", "agent:wang", "verified")
    assert _ownership_events(verified)[-1][0] == "updated"
    assert (await wang.post(url, {"decision": "rejected", "note": "改判"}))[0] == 409

    reject = f"/api/tickets/{rejected}/ownership"
    assert (await wang.post(reject, {"decision": "rejected"}))[0] == 400  # the reason is required
    status, answer = await wang.post(reject, {"decision": "rejected", "note": "来电者非产权人"})
    assert status == 200 and answer["ticket"]["status_name"] == "已取消"
    assert [e[0] for e in _ownership_events(rejected)][-2:] == ["ownership", "status"]

    unknown = "/api/tickets/BT202611279999/ownership"
    assert (await wang.post(unknown, {"decision": "verified"}))[0] == 404
    with session_scope() as session:
        draft = TicketDraft(kind="BX", channel="rest", sender_id="rest:r3")
        repair = open_ticket(session, POLICY, draft, NOW).ticket_no
    assert (await wang.post(f"/api/tickets/{repair}/ownership", {"decision": "verified"}))[0] == 409
