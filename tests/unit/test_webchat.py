"""The website chat channel: the room-join fix for python-socketio 5.10+, and the widget's routes.

The channel runs in a real Sanic server on a free port with a stand-in agent that echoes, so the
tests go through the same socket.io and HTTP code a browser does, without a trained model.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timezone
from typing import Any

import aiohttp
import pytest
import socketio
import yaml
import yarl
from rasa.core.channels.channel import InputChannel, UserMessage, register
from rasa.core.channels.socketio import SocketIOInput
from rasa.shared.core.events import BotUttered
from rasa.shared.utils.common import class_from_module_path
from sanic import Sanic
from websockets.client import WebSocketClientProtocol
from websockets.client import connect as websocket_connect

from bot.channels.ids import conversation_id
from bot.channels.source import SOURCE_METADATA, source_key, trusted_proxies
from bot.channels.webchat import (
    WEB_DIR,
    WIDGET_FILES,
    WebChatInput,
    join_room,
    user_message,
    widget_file,
)
from bot.channels.websession import issue, load_secret, resume
from bot.config import PROJECT_ROOT, ConfigError
from bot.handoff import messages
from bot.handoff.transcript import agent_message, bot_message
from bot.launcher import free_port
from bot.notify.delivery import Notice, queue_notice
from bot.store.db import session_scope
from tests.socketio_frames import next_event

SECRET = "webchat-test-secret-0123456789abcdef"


class EchoAgent:
    """Stands in for Rasa's agent: answers every message through the channel's output, and
    remembers whose conversation each message was filed under."""

    def __init__(self) -> None:
        self.senders: list[str] = []
        self.metadata: list[dict[str, Any]] = []

    async def handle_message(self, message: UserMessage) -> None:
        assert message.output_channel is not None
        self.senders.append(message.sender_id)
        self.metadata.append(dict(message.metadata or {}))
        await message.output_channel.send_text_message(message.sender_id, f"echo: {message.text}")


@asynccontextmanager
async def serving(channel: InputChannel) -> AsyncIterator[str]:
    """Serve `channel` the way `rasa run` mounts it (under /webhooks/); yield the base URL."""
    app = Sanic(f"webchat_test_{uuid.uuid4().hex}", configure_logging=False)
    app.ctx.agent = AGENT
    register([channel], app, route="/webhooks/")
    port = free_port()
    server = await app.create_server(host="127.0.0.1", port=port, return_asyncio_server=True)
    assert server is not None
    await server.startup()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.close()
        await server.wait_closed()


AGENT = EchoAgent()


@pytest.fixture(autouse=True)
def _sanic_test_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    # Lets each test create its own app without Sanic's registry refusing a second one.
    monkeypatch.setattr(Sanic, "test_mode", True)
    monkeypatch.setenv("WEBCHAT_SECRET", SECRET)
    monkeypatch.delenv("WEBCHAT_TRUSTED_PROXIES", raising=False)
    AGENT.senders.clear()
    AGENT.metadata.clear()


@pytest.fixture
def coroutine_enter_room(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make AsyncServer.enter_room a coroutine, as it is from python-socketio 5.10 on."""
    sync_enter_room = socketio.AsyncServer.enter_room

    async def enter_room(self: Any, sid: str, room: str, namespace: str | None = None) -> None:
        sync_enter_room(self, sid, room, namespace)

    monkeypatch.setattr(socketio.AsyncServer, "enter_room", enter_room)


async def _chat(
    base_url: str,
    session_id: object,
    text: str,
    claimed: object = None,
    metadata: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[str, Any]:
    """Talk to the channel as the widget does (Engine.IO 4 over a bare WebSocket): ask for
    `session_id`, say `text` (naming `claimed` as the frame's session_id, else the confirmed
    one, with `metadata` if given; the connection sends `headers`); the confirmed session token
    and the first reply (None after 1.5 s).
    """
    url = base_url.replace("http", "ws", 1) + "/socket.io/?EIO=4&transport=websocket"
    async with websocket_connect(url, extra_headers=headers or {}) as ws:
        assert str(await ws.recv()).startswith("0{")
        await ws.send("40")
        assert str(await ws.recv()).startswith("40{")
        await ws.send("42" + json.dumps(["session_request", {"session_id": session_id}]))
        confirmed = await next_event(ws, "session_confirm", 5)
        assert isinstance(confirmed, str), "no session_confirm"
        message: dict[str, Any] = {"message": text, "session_id": claimed or confirmed}
        if metadata is not None:
            message["metadata"] = metadata
        await ws.send("42" + json.dumps(["user_uttered", message], ensure_ascii=False))
        return confirmed, await next_event(ws, "bot_uttered", 1.5)


# ---- the enter_room fix ----------------------------------------------------------------------


class SyncRooms:
    """A socket.io server whose enter_room is a plain method (python-socketio up to 5.9)."""

    def __init__(self) -> None:
        self.rooms: list[tuple[str, str]] = []

    def enter_room(self, sid: str, room: str) -> None:
        self.rooms.append((sid, room))


class CoroutineRooms(SyncRooms):
    """A socket.io server whose enter_room is a coroutine (python-socketio 5.10 and later)."""

    async def enter_room(self, sid: str, room: str) -> None:  # type: ignore[override]
        self.rooms.append((sid, room))


@pytest.mark.parametrize("rooms", [SyncRooms, CoroutineRooms], ids=["sync", "coroutine"])
async def test_join_room_enters_the_room_whether_or_not_enter_room_is_a_coroutine(
    rooms: type[SyncRooms],
) -> None:
    server = rooms()
    await join_room(server, "sid-1", "room-1")
    assert server.rooms == [("sid-1", "room-1")]


@pytest.mark.parametrize("enter_room", ["sync", "coroutine"])
async def test_replies_reach_the_browser_with_session_persistence(
    enter_room: str, request: pytest.FixtureRequest
) -> None:
    if enter_room == "coroutine":
        request.getfixturevalue("coroutine_enter_room")
    async with serving(WebChatInput(session_persistence=True)) as base_url:
        confirmed, reply = await _chat(base_url, None, "暖气不热")
    session = resume(SECRET.encode(), confirmed)
    assert session is not None
    assert reply == {"text": "echo: 暖气不热"}
    assert AGENT.senders == [conversation_id("socketio", session)] == [f"web:{session}"]


@pytest.mark.usefixtures("coroutine_enter_room")
@pytest.mark.filterwarnings("ignore:coroutine .* was never awaited:RuntimeWarning")
async def test_rasas_own_channel_loses_replies_once_enter_room_is_a_coroutine() -> None:
    """The bug WebChatInput exists for: if this starts passing, Rasa fixed it upstream."""
    async with serving(SocketIOInput(session_persistence=True)) as base_url:
        _, reply = await _chat(base_url, uuid.uuid4().hex, "暖气不热")
    assert reply is None


# ---- sessions the server issues ------------------------------------------------------------


async def test_a_session_is_resumed_only_with_the_token_the_server_issued() -> None:
    async with serving(WebChatInput(session_persistence=True)) as base_url:
        first, _ = await _chat(base_url, None, "你好")
        again, _ = await _chat(base_url, first, "还在吗")
        session, _ = first.split(".")
        forged_signature = f"{session}.{'0' * 32}"
        for forged in (session, forged_signature, "13812345678", uuid.uuid4().hex, 42):
            other, _ = await _chat(base_url, forged, "我是谁")
            assert other != first
    assert again == first
    owner = f"web:{session}"
    assert AGENT.senders[:2] == [owner, owner]
    assert owner not in AGENT.senders[2:] and len(set(AGENT.senders[2:])) == 5


async def test_a_message_goes_to_the_sockets_own_session_whatever_the_frame_names() -> None:
    async with serving(WebChatInput(session_persistence=True)) as base_url:
        victim, _ = await _chat(base_url, None, "我家户号0102345678")
        attacker, reply = await _chat(base_url, None, "查一下欠费", claimed=victim)
    assert attacker != victim and reply == {"text": "echo: 查一下欠费"}
    victim_id, attacker_id = (f"web:{t.split('.')[0]}" for t in (victim, attacker))
    assert AGENT.senders == [victim_id, attacker_id]


# ---- the address a message comes from (the verification budget per address) -----------------


def _key(address: str) -> str | None:
    return source_key(SECRET.encode(), address, "", ())


async def test_every_session_from_one_address_carries_that_address_whatever_the_frame_claims(
) -> None:
    """R1: a guesser opens a new session per account; the budget per address sees them all."""
    async with serving(WebChatInput(session_persistence=True)) as base_url:
        for claimed in ({"client_source": "web-someone-else"}, {"client_source": 7}, None, {}):
            await _chat(base_url, None, "1234", metadata=claimed)
    assert len(set(AGENT.senders)) == 4
    assert [m.get(SOURCE_METADATA) for m in AGENT.metadata] == [_key("127.0.0.1")] * 4
    assert "127.0.0.1" not in json.dumps(AGENT.metadata)  # a keyed hash, not the address


async def test_the_frames_other_metadata_is_kept_beside_the_source() -> None:
    async with serving(WebChatInput(session_persistence=True)) as base_url:
        await _chat(base_url, None, "你好", metadata={"page": "/pay", "client_source": "x"})
    assert AGENT.metadata == [{"page": "/pay", SOURCE_METADATA: _key("127.0.0.1")}]


@pytest.mark.parametrize(
    ("trusted", "forwarded", "counted_as"),
    [
        ("", "203.0.113.9", "127.0.0.1"),  # no proxy configured: the header is the client's own
        ("10.0.0.0/8", "203.0.113.9", "127.0.0.1"),  # the peer is no configured proxy
        ("127.0.0.1", "203.0.113.9", "203.0.113.9"),  # behind nginx: the visitor's address
        ("127.0.0.1", "1.2.3.4, 203.0.113.9", "203.0.113.9"),  # what the client wrote is left
    ],
)
async def test_x_forwarded_for_counts_only_from_a_configured_proxy(
    monkeypatch: pytest.MonkeyPatch, trusted: str, forwarded: str, counted_as: str
) -> None:
    monkeypatch.setenv("WEBCHAT_TRUSTED_PROXIES", trusted)
    async with serving(WebChatInput(session_persistence=True)) as base_url:
        await _chat(base_url, None, "1234", headers={"X-Forwarded-For": forwarded})
    assert AGENT.metadata[0][SOURCE_METADATA] == _key(counted_as)


def test_an_ipv6_household_is_one_source_and_bad_proxies_are_refused_by_name() -> None:
    assert _key("2001:db8:1:2::1") == _key("2001:db8:1:2:ffff::9") != _key("2001:db8:1:3::1")
    assert _key("::ffff:192.0.2.1") == _key("192.0.2.1") != _key("192.0.2.2")
    assert source_key(b"another-replica-secret", "192.0.2.1", "", ()) != _key("192.0.2.1")
    with pytest.raises(ConfigError, match="WEBCHAT_TRUSTED_PROXIES"):
        trusted_proxies({"WEBCHAT_TRUSTED_PROXIES": "nginx"})


@asynccontextmanager
async def _connected(base_url: str) -> AsyncIterator[WebSocketClientProtocol]:
    """A socket.io connection to the channel (handshake done, no session asked for yet)."""
    url = base_url.replace("http", "ws", 1) + "/socket.io/?EIO=4&transport=websocket"
    async with websocket_connect(url) as ws:
        await ws.recv()
        await ws.send("40")
        await ws.recv()
        yield ws


async def test_a_message_before_any_session_request_is_dropped() -> None:
    channel = WebChatInput(session_persistence=True)
    async with serving(channel) as base_url, _connected(base_url) as ws:
        frame = {"message": "查欠费", "session_id": "13812345678"}
        await ws.send("42" + json.dumps(["user_uttered", frame], ensure_ascii=False))
        assert await next_event(ws, "bot_uttered", 1.0) is None
    assert AGENT.senders == []


@pytest.mark.parametrize(
    "frame",
    [None, 7, "text", [1, 2], {}, {"message": None}, {"message": 5}, {"message": ["a"]}],
)
def test_frames_that_are_not_a_message_are_dropped(frame: object) -> None:
    assert user_message(frame, "metadata") is None


def test_a_long_message_is_cut_and_odd_metadata_dropped() -> None:
    parsed = user_message({"message": "热" * 50_000, "metadata": "{not json"}, "metadata")
    assert parsed is not None
    text, metadata = parsed
    assert len(text) == 1001 and metadata == {}


@pytest.mark.usefixtures("store_url")
async def test_garbage_frames_leave_the_channel_answering(caplog: pytest.LogCaptureFixture) -> None:
    garbage = [
        ["user_uttered"],
        ["user_uttered", None],
        ["user_uttered", {"message": "x"}, "extra", 3],
        ["session_request"],
        ["user_uttered", {"message": {"x": 1}, "metadata": "{"}],
        ["session_request", [1, 2, 3]],
        ["session_request", {"session_id": {"$gt": ""}}],
        ["no_such_event", 1],
    ]
    channel = WebChatInput(session_persistence=True)
    async with serving(channel) as base_url, _connected(base_url) as ws:
        for frame in garbage:
            await ws.send("42" + json.dumps(frame))
        for raw in ("42[not json", "9garbage", "7", "8x", "xgarbage", ""):
            await ws.send(raw)
        _, reply = await _chat(base_url, None, "暖气不热")
    assert reply == {"text": "echo: 暖气不热"}
    # A handler still running when the test server closes is reported by asyncio as a destroyed
    # task: shutdown, not a frame the channel failed to handle.
    errors = [
        r
        for r in caplog.records
        if (r.levelno >= logging.ERROR or r.exc_info)
        and not r.getMessage().startswith("Task was destroyed but it is pending")
    ]
    assert errors == [], [r.getMessage() for r in errors]


def test_the_secret_comes_from_the_environment_or_a_private_file(tmp_path: Any) -> None:
    from bot.config import ConfigError

    assert load_secret({"WEBCHAT_SECRET": SECRET}) == SECRET.encode()
    with pytest.raises(ConfigError, match="WEBCHAT_SECRET"):
        load_secret({"WEBCHAT_SECRET": "short"})
    path = tmp_path / "webchat.secret"
    made = load_secret({}, path)
    assert len(made) == 64 and load_secret({}, path) == made
    assert path.stat().st_mode & 0o077 == 0
    session, token = issue(made)
    assert resume(made, token) == session and resume(SECRET.encode(), token) is None


def test_credentials_mount_the_channel_as_socketio_with_session_persistence() -> None:
    # Only this channel's block: the other channels in the file have their own tests.
    credentials = yaml.safe_load((PROJECT_ROOT / "credentials.yml").read_text(encoding="utf-8"))
    assert "socketio" not in credentials  # Rasa's own channel would claim the same routes
    path = "bot.channels.webchat.WebChatInput"
    assert class_from_module_path(path) is WebChatInput
    channel = WebChatInput.from_credentials(credentials[path])
    assert channel.name() == "socketio" and channel.url_prefix() == "socketio"
    assert channel.session_persistence and channel.socketio_path == "/socket.io"
    assert (channel.user_message_evt, channel.bot_message_evt) == ("user_uttered", "bot_uttered")


# ---- the widget's files ----------------------------------------------------------------------


async def _get(base_url: str, path: str) -> tuple[int, str, bytes]:
    """GET `path` exactly as written: `encoded=True` keeps the client from resolving `..` itself."""
    url = yarl.URL(base_url + path, encoded=True)
    async with aiohttp.ClientSession() as http, http.get(url) as reply:
        return reply.status, reply.headers.get("Content-Type", ""), await reply.read()


@pytest.mark.parametrize(
    ("path", "content_type", "marker"),
    [
        ("/webhooks/socketio/widget.js", "text/javascript; charset=utf-8", "session_request"),
        ("/webhooks/socketio/demo", "text/html; charset=utf-8", "/webhooks/socketio/widget.js"),
        ("/webhooks/socketio/privacy", "text/html; charset=utf-8", "在线客服隐私说明"),
    ],
)
async def test_widget_files_are_served_with_their_content_type(
    path: str, content_type: str, marker: str
) -> None:
    async with serving(WebChatInput()) as base_url:
        status, served_type, body = await _get(base_url, path)
    assert (status, served_type) == (200, content_type)
    assert marker in body.decode("utf-8")


@pytest.mark.parametrize(
    "path",
    [
        "/webhooks/socketio/widget.css",
        "/webhooks/socketio/demo.html",
        "/webhooks/socketio/web/widget.js",
        "/webhooks/socketio/..%2Fwebchat.py",
        "/webhooks/socketio/%2e%2e/webchat.py",
        "/webhooks/socketio/../../credentials.yml",
    ],
)
async def test_unknown_names_and_traversal_attempts_get_404(path: str) -> None:
    async with serving(WebChatInput()) as base_url:
        status, _, body = await _get(base_url, path)
    assert status == 404
    assert b"import" not in body and b"session_persistence" not in body  # no source leaked


async def test_rasas_health_route_still_answers() -> None:
    async with serving(WebChatInput()) as base_url:
        for path in ("/webhooks/socketio", "/webhooks/socketio/"):
            status, _, body = await _get(base_url, path)
            assert (status, body) == (200, b'{"status":"ok"}')


@pytest.mark.parametrize("name", sorted(WIDGET_FILES))
async def test_every_listed_file_exists_and_is_served_whole(name: str) -> None:
    filename, content_type = WIDGET_FILES[name]
    served = await widget_file(name)
    assert served.content_type == content_type
    assert served.body == (WEB_DIR / filename).read_bytes()


# ---- notices waiting for the visitor ------------------------------------------------------------


async def _open(base_url: str, session_id: str) -> Any:
    """Open the chat with the token `session_id`; the first bot message sent without being asked
    (or None)."""
    url = base_url.replace("http", "ws", 1) + "/socket.io/?EIO=4&transport=websocket"
    async with websocket_connect(url) as ws:
        assert str(await ws.recv()).startswith("0{")
        await ws.send("40")
        assert str(await ws.recv()).startswith("40{")
        await ws.send("42" + json.dumps(["session_request", {"session_id": session_id}]))
        assert await next_event(ws, "session_confirm", 5) == session_id
        return await next_event(ws, "bot_uttered", 1.5)


async def test_a_waiting_notice_is_shown_once_when_the_visitor_comes_back(store_url: str) -> None:
    visit, visitor = issue(SECRET.encode())
    _, stranger = issue(SECRET.encode())
    restored = {"communities": "阳光花园", "hotline": "400-000-0000"}
    with session_scope(store_url) as session:
        outcome = queue_notice(
            session,
            "socketio",
            conversation_id("socketio", visit),
            Notice("outage:7:restored", "notice", "outage_restored", restored),
            datetime.now(timezone.utc),
        )
    assert outcome == "queued"
    channel = WebChatInput.from_credentials(
        {"user_message_evt": "user_uttered", "bot_message_evt": "bot_uttered",
         "session_persistence": True}
    )  # fmt: skip
    async with serving(channel) as base_url:
        shown = await _open(base_url, visitor)
        assert shown is not None and "阳光花园已恢复供热" in shown["text"]
        assert await _open(base_url, visitor) is None  # delivered: not shown twice
        assert await _open(base_url, stranger) is None


class RecordingServer:
    """What the output channel emits, in order (python-socketio's `emit`)."""

    def __init__(self) -> None:
        self.emitted: list[tuple[str, Any, str]] = []

    async def emit(self, event: str, data: Any = None, room: str = "", **_: Any) -> None:
        self.emitted.append((event, data, room))


async def test_the_widget_is_told_when_a_person_answers_and_who() -> None:
    """Rasa hands a bot event's metadata to the output; the widget gets the agent's name from it."""
    sio = RecordingServer()
    channel = WebChatInput()
    channel.sio = sio  # type: ignore[assignment]
    output = channel.get_output_channel()
    assert output is not None
    events = [
        agent_message("您好，我是客服王芳。\n\n马上安排师傅。", "王芳"),
        bot_message(messages.transferred("李强"), "李强"),
        bot_message(messages.closed()),
    ]
    for event in events:
        uttered = BotUttered(event["text"], metadata=event.get("metadata"))
        await output.send_response("web:abc", uttered.message())
    assert [data for _, data, _ in sio.emitted] == [
        {"text": "您好，我是客服王芳。", "agent": "王芳"},
        {"text": "马上安排师傅。", "agent": "王芳"},
        {"text": "已为您转接客服李强，请稍候。", "holder": "李强"},
        {"text": messages.closed()},  # no name: the bot answers again
    ]
    assert {room for _, _, room in sio.emitted} == {"web:abc"}
