"""Rasa's socket.io channel for the website chat widget, fixed for python-socketio 5.10 and later.

Rasa 3.6.21 puts a browser into its conversation's room with `sio.enter_room(...)` and never awaits
it. python-socketio 5.10 made `AsyncServer.enter_room` a coroutine, so the room is never joined
and, with `session_persistence: true`, every reply goes to an empty room: the widget stays silent
without any error. Rasa also takes the conversation from the `session_id` the browser sends with
every message, so a browser could write into any conversation whose id it knew or guessed.

WebChatInput replaces those two handlers: `session_request` issues (or resumes) a signed session
(bot.channels.websession) and remembers it for the socket; `user_uttered` writes only into the
socket's confirmed session (`web:<id>`), whatever the frame says, with the key of the socket's
client address in its metadata (`bot.channels.source`: the verification budget per address), and
drops frames that are not a message. It keeps the rest of Rasa's channel, including its name
`socketio`, so it stays at `/webhooks/socketio` with the socket.io path `/socket.io`.

The same blueprint serves the widget itself from `web/`, so a company embeds the chat with one
`<script>` tag pointing at its Rasa server and needs no other web server for it.

With several Rasa replicas (credentials `redis_url`, set in credentials.production.yml), the
Socket.IO server shares its rooms through Redis (python-socketio's `AsyncRedisManager`): a bot
message emitted on any replica reaches the browser whichever replica holds its socket. That is
what an agent's reply needs: the console appends it through Rasa's HTTP API on whichever replica
the load balancer picks, not necessarily the one the visitor's socket is on.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from engineio.async_socket import AsyncSocket
from engineio.exceptions import UnknownPacketError
from engineio.packet import Packet, packet_names
from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncRedisManager, AsyncServer

from bot.base import clock
from bot.base.addresses import Network
from bot.channels.ids import conversation_id
from bot.channels.limits import bounded_text, limit_request_bodies, max_body_bytes
from bot.channels.source import source_key, trusted_proxies, with_source
from bot.channels.websession import issue, load_secret, resume
from bot.handoff.transcript import AGENT_METADATA_KEY, HOLDER_METADATA_KEY
from bot.notify.delivery import take_pending
from bot.store.db import session_scope

logger = logging.getLogger(__name__)

#: The channel name notices and tickets carry for the widget (Rasa's `socketio`).
CHANNEL = "socketio"

WEB_DIR = Path(__file__).parent / "web"

#: The only files served, by URL name, each on a fixed route: no part of a URL becomes a path, so
#: nothing outside `web/` (and nothing in it but these) can be fetched.
WIDGET_FILES: dict[str, tuple[str, str]] = {
    "widget.js": ("widget.js", "text/javascript; charset=utf-8"),
    "demo": ("demo.html", "text/html; charset=utf-8"),
    "privacy": ("privacy.html", "text/html; charset=utf-8"),
}


async def join_room(sio: Any, sid: str, room: str) -> None:
    """Put socket `sid` into `room` on python-socketio 5.x before and after 5.10.

    Up to 5.9 `enter_room` is a plain method; from 5.10 on it returns a coroutine that does nothing
    until awaited.
    """
    entered = sio.enter_room(sid, room)
    if inspect.isawaitable(entered):
        await entered


async def widget_file(name: str) -> HTTPResponse:
    """The response for one of WIDGET_FILES."""
    filename, content_type = WIDGET_FILES[name]
    return await response.file(
        WEB_DIR / filename,
        mime_type=content_type,
        # no-cache: a changed widget reaches every page on its next load (the file is ~20 KB).
        headers={"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"},
    )


def widget_route(name: str) -> Callable[[Request], Awaitable[HTTPResponse]]:
    """A Sanic handler serving WIDGET_FILES[name] (one fixed route per file, nothing dynamic)."""

    async def serve(request: Request) -> HTTPResponse:
        return await widget_file(name)

    return serve


def pending_notices(conversation: str) -> list[dict[str, Any]]:
    """The notices waiting for the visitor `conversation`, marked delivered (a failure: none)."""
    try:
        with session_scope() as session:
            return take_pending(session, CHANNEL, conversation, clock.now())
    except Exception:  # the chat must open even when the store is down; the notices stay queued
        logger.exception("pending notices for a web visitor could not be read")
        return []


def drop_unknown_engineio_packets() -> None:
    """Make Engine.IO drop a frame of an unknown packet type (`9garbage`) the way it drops the
    types it knows but does not handle, instead of logging an IndexError traceback per frame
    (python-engineio 4.x names the type before checking it). Idempotent; called by the channel
    when it builds its blueprint, never on import. Not one of `bot.rasa_runtime`'s switchable
    patches: it fixes Engine.IO, not Rasa, for this channel only, and stock-Rasa runs
    (`HEATING_RASA_PATCHES=none`) keep it (docs/architecture.md, "Where Rasa is changed").
    """
    receive = AsyncSocket.receive
    if getattr(receive, "drops_unknown_packets", False):
        return

    async def checked(self: AsyncSocket, pkt: Packet) -> Any:
        if not 0 <= pkt.packet_type < len(packet_names):
            raise UnknownPacketError()  # Engine.IO passes this one over silently
        return await receive(self, pkt)

    checked.drops_unknown_packets = True  # type: ignore[attr-defined]
    AsyncSocket.receive = checked


#: Metadata of a bot event → the field of the widget's message that carries it (bot.handoff).
WIDGET_FIELDS = {AGENT_METADATA_KEY: "agent", HOLDER_METADATA_KEY: "holder"}


def widget_fields(metadata: dict[str, Any]) -> dict[str, str]:
    """The hand-off fields of a bot message for the widget: who wrote it, who holds the chat."""
    return {field: str(metadata[key]) for key, field in WIDGET_FIELDS.items() if metadata.get(key)}


class WebChatOutput(SocketIOOutput):
    """Rasa's socket.io output, telling the widget when a person answers.

    Rasa passes a bot event's metadata to the output and the socket.io output drops it, so a
    person's reply reached the browser looking exactly like the bot's. Texts now carry `agent`
    (the display name of the agent who wrote it) or `holder` (the agent holding the conversation,
    on the 接入/转接 notices); the widget shows that person and a 人工客服 mark until a message
    comes without either (the bot speaks again).
    """

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        """Each paragraph as one message, as Rasa's output does, with the hand-off fields."""
        extra = widget_fields(kwargs)
        for part in text.strip().split("\n\n"):
            await self._send_message(recipient_id, {"text": part, **extra})


def user_message(data: object, metadata_key: str) -> tuple[str, dict[str, Any]] | None:
    """The text and metadata of a `user_uttered` frame, or None for a frame that is not one.

    Any `session_id` in the frame is ignored: the socket's confirmed session decides whose
    conversation it is. The text is cut to `MAX_STORED_CHARS`; metadata that is not an object
    (Rasa would `json.loads` a string and fail on garbage) is dropped.
    """
    if not isinstance(data, dict) or not isinstance(data.get("message"), str):
        return None
    metadata = data.get(metadata_key)
    return bounded_text(data["message"]), metadata if isinstance(metadata, dict) else {}


def client_source(
    environ: Mapping[str, Any] | None, secret: bytes, proxies: Sequence[Network]
) -> str | None:
    """The key of the address a socket connected from (`bot.channels.source`), or None.

    Engine.IO's Sanic driver writes a fixed `REMOTE_ADDR` of 127.0.0.1 into the environ, so the
    peer is read from the Sanic request it keeps there; `X-Forwarded-For` (its
    `HTTP_X_FORWARDED_FOR`) counts only from `proxies`.
    """
    request = (environ or {}).get("sanic.request")
    peer = getattr(request, "ip", None) if request is not None else None
    if not isinstance(peer, str) or not peer:
        return None
    forwarded = str((environ or {}).get("HTTP_X_FORWARDED_FOR") or "")
    return source_key(secret, peer, forwarded, proxies)


def share_rooms(sio: AsyncServer, redis_url: str) -> None:
    """Make `sio` emit through Redis, so every replica delivers to the sockets it holds.

    Rasa creates the server inside its blueprint with the in-process manager; the manager is only
    started at the first connection, so swapping it before any client connects is the same as
    passing `client_manager` to the constructor.
    """
    manager = AsyncRedisManager(redis_url)
    manager.set_server(sio)
    sio.manager = manager


class WebChatInput(SocketIOInput):
    """Rasa's `socketio` channel with server-issued sessions, an awaited room join and the
    widget's files."""

    redis_url: str | None = None

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> SocketIOInput:
        """Rasa's keys, plus `redis_url` (rooms shared by every replica through Redis)."""
        channel = super().from_credentials(credentials)
        assert isinstance(channel, WebChatInput)
        channel.redis_url = str((credentials or {}).get("redis_url") or "") or None
        return channel

    def get_output_channel(self) -> WebChatOutput | None:
        """The output Rasa uses for events the console appends (an agent's reply, a notice)."""
        return None if self.sio is None else WebChatOutput(self.sio, self.bot_message_evt)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """Rasa's blueprint with `session_request` and `user_uttered` replaced and the widget
        routes added."""
        blueprint = super().blueprint(on_new_message)
        sio = self.sio
        assert sio is not None  # set by SocketIOInput.blueprint
        if self.redis_url:
            share_rooms(sio, self.redis_url)
        secret = load_secret()
        proxies = trusted_proxies()
        limit = max_body_bytes()
        limit_request_bodies(blueprint, limit)
        drop_unknown_engineio_packets()
        sio.eio.max_http_buffer_size = limit  # Engine.IO's own limit for one frame or poll

        # Handlers take any number of arguments: a frame is whatever a client sends, and a
        # missing or extra argument would otherwise be a TypeError in python-socketio's task.
        async def session_request(sid: str, *args: object) -> None:
            data = args[0] if args else None
            token = data.get("session_id") if isinstance(data, dict) else None
            session = resume(secret, token)
            if session is None or not isinstance(token, str):
                session, token = issue(secret)
            conversation = conversation_id(CHANNEL, session)
            source = client_source(sio.get_environ(sid, namespace=self.namespace), secret, proxies)
            await sio.save_session(
                sid, {"conversation": conversation, "source": source}, namespace=self.namespace
            )
            await join_room(sio, sid, conversation)
            await sio.emit("session_confirm", token, room=sid)
            # Notices that waited for this visitor (outages, surveys: bot.notify cannot push to a
            # closed browser) are shown now, like any bot answer.
            for message in await asyncio.to_thread(pending_notices, conversation):
                await sio.emit(self.bot_message_evt, message, room=sid)

        async def handle_message(sid: str, *args: object) -> None:
            data = args[0] if args else None
            confirmed = await sio.get_session(sid, namespace=self.namespace)
            conversation = confirmed.get("conversation") if isinstance(confirmed, dict) else None
            parsed = user_message(data, self.metadata_key)
            if conversation is None or parsed is None:
                logger.debug("socket.io frame without a confirmed session or a message dropped")
                return
            text, metadata = parsed
            # The socket's own address, whatever the frame's metadata claims (bot.channels.source)
            metadata = with_source(metadata, confirmed.get("source"))
            output = WebChatOutput(sio, self.bot_message_evt)
            await on_new_message(
                UserMessage(text, output, conversation, input_channel=CHANNEL, metadata=metadata)
            )

        # A frame that is not a socket.io packet (bad JSON, an unknown packet type) made
        # python-socketio raise inside Engine.IO's handler, which logged a traceback per frame.
        # It is dropped with one line instead; the connection stays as it was.
        dispatch = sio._handle_eio_message

        async def handle_eio_message(eio_sid: str, data: object) -> None:
            try:
                await dispatch(eio_sid, data)
            except (ValueError, TypeError, KeyError, IndexError) as exc:
                logger.warning("socket.io frame dropped: %s", type(exc).__name__)

        sio.eio.on("message", handle_eio_message)
        # Registering the same event again replaces Rasa's handler (one handler per event).
        sio.on("session_request", handler=session_request, namespace=self.namespace)
        sio.on(self.user_message_evt, handler=handle_message, namespace=self.namespace)
        for name in WIDGET_FILES:
            route_name = "webchat_" + re.sub(r"\W", "_", name)
            blueprint.add_route(widget_route(name), f"/{name}", methods=["GET"], name=route_name)
        return blueprint
