"""The website chat channel: the room-join fix for python-socketio 5.10+, and the widget's routes.

The channel runs in a real Sanic server on a free port with a stand-in agent that echoes, so the
tests go through the same socket.io and HTTP code a browser does, without a trained model.
"""

from __future__ import annotations

import asyncio
import json
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
from rasa.shared.utils.common import class_from_module_path
from sanic import Sanic
from websockets.client import WebSocketClientProtocol
from websockets.client import connect as websocket_connect

from bot.channels.webchat import (
    WEB_DIR,
    WIDGET_FILES,
    WebChatInput,
    join_room,
    session_id_from,
    widget_file,
)
from bot.config import PROJECT_ROOT
from bot.launcher import free_port
from bot.notify.delivery import Notice, queue_notice
from bot.store.db import session_scope


class EchoAgent:
    """Stands in for Rasa's agent: answers every message through the channel's output."""

    async def handle_message(self, message: UserMessage) -> None:
        assert message.output_channel is not None
        await message.output_channel.send_text_message(message.sender_id, f"echo: {message.text}")


@asynccontextmanager
async def serving(channel: InputChannel) -> AsyncIterator[str]:
    """Serve `channel` the way `rasa run` mounts it (under /webhooks/); yield the base URL."""
    app = Sanic(f"webchat_test_{uuid.uuid4().hex}", configure_logging=False)
    app.ctx.agent = EchoAgent()
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


@pytest.fixture(autouse=True)
def _sanic_test_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    # Lets each test create its own app without Sanic's registry refusing a second one.
    monkeypatch.setattr(Sanic, "test_mode", True)


@pytest.fixture
def coroutine_enter_room(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make AsyncServer.enter_room a coroutine, as it is from python-socketio 5.10 on."""
    sync_enter_room = socketio.AsyncServer.enter_room

    async def enter_room(self: Any, sid: str, room: str, namespace: str | None = None) -> None:
        sync_enter_room(self, sid, room, namespace)

    monkeypatch.setattr(socketio.AsyncServer, "enter_room", enter_room)


async def _next_event(ws: WebSocketClientProtocol, wanted: str, seconds: float) -> Any:
    """The data of the next `wanted` Socket.IO event within `seconds` (None if none came),
    answering the server's pings on the way.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while (left := deadline - loop.time()) > 0:
        try:
            packet = str(await asyncio.wait_for(ws.recv(), timeout=left))
        except asyncio.TimeoutError:
            break
        if packet == "2":
            await ws.send("3")
        elif packet.startswith("42"):
            name, *data = json.loads(packet[2:])
            if name == wanted:
                return data[0] if data else None
    return None


async def _chat(base_url: str, session_id: str, text: str) -> tuple[str, Any]:
    """Talk to the channel as the widget does (Engine.IO 4 over a bare WebSocket): ask for
    `session_id`, say `text`; the confirmed session id and the first reply (None after 1.5 s).
    """
    url = base_url.replace("http", "ws", 1) + "/socket.io/?EIO=4&transport=websocket"
    async with websocket_connect(url) as ws:
        assert str(await ws.recv()).startswith("0{")
        await ws.send("40")
        assert str(await ws.recv()).startswith("40{")
        await ws.send("42" + json.dumps(["session_request", {"session_id": session_id}]))
        confirmed = await _next_event(ws, "session_confirm", 5)
        assert isinstance(confirmed, str), "no session_confirm"
        message = {"message": text, "session_id": confirmed}
        await ws.send("42" + json.dumps(["user_uttered", message], ensure_ascii=False))
        return confirmed, await _next_event(ws, "bot_uttered", 1.5)


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
    session_id = uuid.uuid4().hex
    async with serving(WebChatInput(session_persistence=True)) as base_url:
        confirmed, reply = await _chat(base_url, session_id, "暖气不热")
    assert confirmed == session_id
    assert reply == {"text": "echo: 暖气不热"}


@pytest.mark.usefixtures("coroutine_enter_room")
@pytest.mark.filterwarnings("ignore:coroutine .* was never awaited:RuntimeWarning")
async def test_rasas_own_channel_loses_replies_once_enter_room_is_a_coroutine() -> None:
    """The bug WebChatInput exists for: if this starts passing, Rasa fixed it upstream."""
    async with serving(SocketIOInput(session_persistence=True)) as base_url:
        _, reply = await _chat(base_url, uuid.uuid4().hex, "暖气不热")
    assert reply is None


@pytest.mark.parametrize(
    "data",
    [None, {}, {"session_id": None}, {"session_id": "x"}, {"session_id": "../../a b"}, "abc"],
    ids=["none", "empty", "null", "short", "odd-chars", "not-a-dict"],
)
def test_a_missing_or_malformed_session_id_is_replaced_by_a_fresh_one(data: object) -> None:
    session_id = session_id_from(data)
    assert len(session_id) == 32 and session_id != session_id_from(data)


def test_a_well_formed_session_id_is_kept() -> None:
    assert session_id_from({"session_id": "3f2a9c0e-77b1-4d5e-9a41-0c6e2b8d1f00"}) == (
        "3f2a9c0e-77b1-4d5e-9a41-0c6e2b8d1f00"
    )


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
    """Open the chat as `session_id`; the first bot message sent without being asked (or None)."""
    url = base_url.replace("http", "ws", 1) + "/socket.io/?EIO=4&transport=websocket"
    async with websocket_connect(url) as ws:
        assert str(await ws.recv()).startswith("0{")
        await ws.send("40")
        assert str(await ws.recv()).startswith("40{")
        await ws.send("42" + json.dumps(["session_request", {"session_id": session_id}]))
        assert await _next_event(ws, "session_confirm", 5) == session_id
        return await _next_event(ws, "bot_uttered", 1.5)


async def test_a_waiting_notice_is_shown_once_when_the_visitor_comes_back(store_url: str) -> None:
    visitor = "visitor0001abcd"
    restored = {"communities": "阳光花园", "hotline": "400-000-0000"}
    with session_scope(store_url) as session:
        outcome = queue_notice(
            session,
            "socketio",
            visitor,
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
        assert await _open(base_url, "someoneelse0001") is None
