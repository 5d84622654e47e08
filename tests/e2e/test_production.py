"""The production profile for real: 2 Rasa replicas and 2 action servers behind nginx, on
PostgreSQL, Redis and RabbitMQ (`make run-prod`'s processes, on free ports and throwaway
databases).

- one conversation whose turns alternate between the replicas reaches its ticket, and each
  replica's Prometheus metrics count its turns;
- an agent's reply appended through one replica reaches the widget's socket on the other;
- 20 users talk while one replica is killed (SIGKILL) and started again: every message is
  answered, the ones cut off by the kill after a clean retry by the client with the same
  `message_id`; every user has exactly one ticket; every user turn stored in the trackers
  reached the analytics table through RabbitMQ and the broker consumer.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import create_engine, text
from websockets.client import connect as websocket_connect

from bot.launcher import spawn, wait_ready
from bot.modelcache import ensure_model
from bot.production import launcher
from bot.production.sandbox import REST_TOKEN, sandbox
from bot.standins.wechat_api import WeChatApiStandIn
from bot.store.db import session_scope
from bot.store.models import ConversationEvent, Ticket
from tests.socketio_frames import next_event

from .conftest import WECHAT
from .test_wechat import msg_id, openid, post
from .test_wechat import text as wechat_text

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]

USERS = 20
#: A repair booking: greeting, fault, address, phone, visit time, yes to the read-back → BX.
BOOKING = [
    "你好",
    "家里暖气不热了，想找师傅来看看",
    "阳光花园5号楼1单元302",
    "13812345678",
    "明天上午",
    "对",  # the details read back: yes, file it
]


@dataclass
class Prod:
    stack: launcher.ProdStack

    @property
    def database_url(self) -> str:
        return self.stack.env["DATABASE_URL"]

    def say(self, base: str, sender: str, message: str, message_id: str | None = None) -> list:
        body = {"sender": sender, "message": message}
        if message_id:
            body["message_id"] = message_id
        request = urllib.request.Request(
            f"{base}/webhooks/rest/webhook",
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {REST_TOKEN}"},
        )
        with urllib.request.urlopen(request, timeout=90) as response:
            return list(json.loads(response.read()))

    def tickets(self, sender: str) -> list[str]:
        with session_scope(self.database_url) as session:
            rows = session.query(Ticket).filter_by(sender_id=f"rest:{sender}").all()
            return [t.ticket_no for t in rows]


@pytest.fixture(scope="module")
def prod(tmp_path_factory: pytest.TempPathFactory, wechat_api: WeChatApiStandIn) -> Iterator[Prod]:
    model = Path(os.environ["HEATING_MODEL"]) if os.environ.get("HEATING_MODEL") else ensure_model()
    channels = {**WECHAT, "WECHAT_API_BASE": wechat_api.base_url}
    with sandbox(model, tmp_path_factory.mktemp("prod"), 2, channels) as stack:
        yield Prod(stack)


def test_a_conversation_alternating_replicas_reaches_its_ticket(prod: Prod) -> None:
    replicas = [f"http://127.0.0.1:{port}" for port in prod.stack.ports.rasa]
    answers = [
        "\n".join(m.get("text", "") for m in prod.say(replicas[i % 2], "alternating", message))
        for i, message in enumerate(BOOKING)
    ]
    assert "地址" in answers[1] and "电话" in answers[2] and "时间" in answers[3]
    assert "核对" in answers[4]  # the read-back, on the other replica than the answer before
    [ticket] = prod.tickets("alternating")
    assert ticket in answers[5]
    # and through nginx, which balances the same conversation over both
    status = prod.say(prod.stack.url, "alternating", "我的工单到哪一步了")
    assert ticket in "\n".join(m.get("text", "") for m in status)


def test_each_replica_serves_its_metrics_and_nginx_hides_them(prod: Prod) -> None:
    """After the alternating conversation each replica has counted its REST turns."""
    for port in prod.stack.ports.rasa:
        url = f"http://127.0.0.1:{port}/webhooks/metrics/"
        with urllib.request.urlopen(url, timeout=10) as response:
            text_format = response.read().decode()
        counted = [
            line
            for line in text_format.splitlines()
            if line.startswith('heating_messages_total{channel="rest"}')
        ]
        assert counted and float(counted[0].split()[-1]) >= 2, text_format[:500]
        assert 'heating_turn_seconds_bucket{channel="rest",le="60.0"}' in text_format
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{prod.stack.url}/webhooks/metrics/", timeout=10)
    assert refused.value.code == 404


def test_wechat_retries_landing_on_different_replicas_run_one_turn(prod: Prod) -> None:
    """WeChat sends a message again after 5 s; behind the balancer the retry lands on the other
    replica while the first still runs. The ledger in PostgreSQL lets one of them run the turn and
    one answer; the other answers `success` (nothing more to send)."""
    user = openid("replicas")
    body = wechat_text(user, "家里暖气管子爆了，水漫了一地", msg_id())
    replicas = [SimpleNamespace(rasa_url=f"http://127.0.0.1:{p}") for p in prod.stack.ports.rasa]
    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = list(pool.map(lambda replica: post(replica, body), replicas))
    later = post(replicas[0], body)  # a third try, after the answer went out
    assert all(status == 200 for status, _ in [*answers, later])
    assert len([a for _, a in answers if a != "success"]) == 1 and later[1] == "success"
    turns = [s for s in _senders(prod, "user") if s == f"wechat:{user}"]
    assert len(turns) == 1
    with session_scope(prod.database_url) as session:
        tickets = session.query(Ticket).filter_by(sender_id=f"wechat:{user}").all()
        assert [(t.kind, t.urgent) for t in tickets] == [("BX", True)]


@dataclass
class Figures:
    """What the fault test saw, printed for docs/deploy.md."""

    sent: int = 0
    retried: int = 0
    failed: list[str] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _user(prod: Prod, index: int, figures: Figures, answered: threading.Semaphore) -> None:
    sender = f"load-{index}"
    for turn, message in enumerate(BOOKING):
        message_id = f"{sender}-{turn}"
        for attempt in range(6):
            started = time.monotonic()
            try:
                answer = prod.say(prod.stack.url, sender, message, message_id)
            except (urllib.error.URLError, OSError):
                answer = []  # cut off by the kill (502 from nginx) or a reset: retry
            with figures.lock:
                figures.sent += 1
                figures.retried += attempt > 0
            if answer:
                with figures.lock:
                    figures.latencies.append(time.monotonic() - started)
                answered.release()
                break
            time.sleep(1 + attempt)
        else:
            with figures.lock:
                figures.failed.append(f"{sender}: {message}")
            return


def test_twenty_users_while_a_replica_is_killed_and_restarted(prod: Prod) -> None:
    figures = Figures()
    answered = threading.Semaphore(0)
    victim = prod.stack.replicas()[0]
    started = time.monotonic()
    with ThreadPoolExecutor(USERS) as pool:
        users = [pool.submit(_user, prod, i, figures, answered) for i in range(USERS)]
        for _ in range(USERS * len(BOOKING) // 4):  # a quarter of the turns answered
            assert answered.acquire(timeout=120)
        assert victim.process is not None
        os.killpg(victim.process.pid, signal.SIGKILL)
        killed_at = time.monotonic() - started
        victim.process.wait()
        spawn(victim, prod.stack.env)  # as run-prod's supervisor does
        for user in users:
            user.result()
    elapsed = time.monotonic() - started
    wait_ready(victim, time.monotonic(), 300)
    turns = USERS * len(BOOKING)
    latencies = sorted(figures.latencies)
    print(
        f"\nfault test: {USERS} users, {turns} turns in {elapsed:.1f} s "
        f"({turns / elapsed:.1f} turns/s), replica 1 killed at {killed_at:.1f} s; "
        f"{figures.sent} requests, {figures.retried} retried, {len(figures.failed)} failed; "
        f"latency p50 {latencies[len(latencies) // 2]:.2f} s, "
        f"p95 {latencies[int(len(latencies) * 0.95)]:.2f} s"
    )
    assert figures.failed == []
    tickets = {f"load-{i}": prod.tickets(f"load-{i}") for i in range(USERS)}
    assert {sender: len(found) for sender, found in tickets.items()} == dict.fromkeys(tickets, 1)

    stored = Counter(_stored_user_turns(launcher.tracker_database_url(prod.stack.env)))
    # the broker consumer (a process of the profile) counts them into the report's table
    consumed = _consumed_user_turns(prod, stored)
    assert sum(stored.values()) >= turns
    assert stored - consumed == Counter()
    print(
        f"events: {sum(stored.values())} user turns stored, all {sum(consumed.values())} consumed"
    )


def _consumed_user_turns(prod: Prod, expected: Counter, seconds: float = 30) -> Counter:
    """The user turns in `conversation_events`, once they include `expected` (or time is up)."""
    deadline = time.monotonic() + seconds
    while True:
        with session_scope(prod.database_url) as session:
            consumed = Counter(
                (e.sender_id, round(e.timestamp, 6))
                for e in session.query(ConversationEvent).filter_by(type_name="user")
            )
        if not expected - consumed or time.monotonic() > deadline:
            return consumed
        time.sleep(0.5)


def _stored_user_turns(tracker_url: str) -> list[tuple[str, float]]:
    engine = create_engine(tracker_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                text("SELECT sender_id, timestamp FROM events WHERE type_name = 'user'")
            ).all()
    finally:
        engine.dispose()
    return [(sender, round(float(stamp), 6)) for sender, stamp in rows]


async def test_an_agents_reply_sent_through_one_replica_reaches_a_widget_on_the_other(
    prod: Prod,
) -> None:
    """The console appends an agent's reply through Rasa's API on whichever replica nginx picks;
    the visitor's socket may be on the other one (rooms are shared through Redis)."""
    holding, other = (f"127.0.0.1:{port}" for port in prod.stack.ports.rasa)
    url = f"ws://{holding}/socket.io/?EIO=4&transport=websocket"
    async with websocket_connect(url) as ws:
        await ws.recv()
        await ws.send("40")
        await ws.recv()
        await ws.send("42" + json.dumps(["session_request", {}]))
        assert await next_event(ws, "session_confirm", 10)
        await ws.send("42" + json.dumps(["user_uttered", {"message": "你好"}], ensure_ascii=False))
        assert await next_event(ws, "bot_uttered", 30)
        [conversation] = await _widget_conversations(prod)
        reply = "人工客服小王：您好，我来帮您看看暖气的问题。"
        request = urllib.request.Request(
            f"http://{other}/conversations/{conversation}/tracker/events?"
            + urllib.parse.urlencode(
                {
                    "token": prod.stack.env["RASA_AUTH_TOKEN"],
                    "output_channel": "socketio",
                    "execute_side_effects": "true",
                    "include_events": "NONE",
                }
            ),
            data=json.dumps([{"event": "bot", "text": reply}], ensure_ascii=False).encode(),
            headers={"Content-Type": "application/json"},
        )
        await asyncio.to_thread(urllib.request.urlopen, request, timeout=30)
        answer = await next_event(ws, "bot_uttered", 10)
    assert answer is not None and answer.get("text") == reply


async def _widget_conversations(prod: Prod) -> list[str]:
    """The widget's conversations once stored (the answer is sent before the turn is saved)."""
    for _ in range(50):
        found = [s for s in _senders(prod) if s.startswith("web:")]
        if found:
            return found
        await asyncio.sleep(0.2)
    return []


def _senders(prod: Prod, event_type: str | None = None) -> list[str]:
    """The sender of every stored event (of `event_type`), or of any event once each."""
    query = (
        text("SELECT sender_id FROM events WHERE type_name = :t")
        if event_type
        else text("SELECT DISTINCT sender_id FROM events")
    )
    engine = create_engine(launcher.tracker_database_url(prod.stack.env))
    try:
        with engine.connect() as connection:
            return [r[0] for r in connection.execute(query, {"t": event_type})]
    finally:
        engine.dispose()
