"""Rasa's socket.io channel for the website chat widget, fixed for python-socketio 5.10 and later.

Rasa 3.6.21 puts a browser into its conversation's room with `sio.enter_room(...)` and never awaits
it. python-socketio 5.10 made `AsyncServer.enter_room` a coroutine, so the room is never joined
and, with `session_persistence: true`, every reply goes to an empty room: the widget stays silent
without any error. WebChatInput replaces only that `session_request` handler and keeps the rest of
Rasa's channel, including its name `socketio`, so it stays at `/webhooks/socketio` with the
socket.io path `/socket.io` and the lock can move past python-socketio 5.9 safely.

The same blueprint serves the widget itself from `web/`, so a company embeds the chat with one
`<script>` tag pointing at its Rasa server and needs no other web server for it.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import re
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.notify.delivery import take_pending
from bot.services import clock
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
}

#: What a browser may choose as its session id (the widget sends uuid4 hex). The id becomes Rasa's
#: sender id and a room name, so anything else is replaced by a fresh id instead of stored.
SESSION_ID = re.compile(r"[A-Za-z0-9_-]{8,64}")


async def join_room(sio: Any, sid: str, room: str) -> None:
    """Put socket `sid` into `room` on python-socketio 5.x before and after 5.10.

    Up to 5.9 `enter_room` is a plain method; from 5.10 on it returns a coroutine that does nothing
    until awaited.
    """
    entered = sio.enter_room(sid, room)
    if inspect.isawaitable(entered):
        await entered


def session_id_from(data: object) -> str:
    """The session id the browser asked for, or a fresh one if it sent none or a malformed one."""
    if isinstance(data, dict):
        requested = data.get("session_id")
        if isinstance(requested, str) and SESSION_ID.fullmatch(requested):
            return requested
    return uuid.uuid4().hex


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


def pending_notices(session_id: str) -> list[dict[str, Any]]:
    """The notices waiting for the visitor `session_id`, marked delivered (a failure: none)."""
    try:
        with session_scope() as session:
            return take_pending(session, CHANNEL, session_id, clock.now())
    except Exception:  # the chat must open even when the store is down; the notices stay queued
        logger.exception("pending notices for a web visitor could not be read")
        return []


class WebChatInput(SocketIOInput):
    """Rasa's `socketio` channel with an awaited room join and the widget's files."""

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """Rasa's blueprint with `session_request` replaced and the widget routes added."""
        blueprint = super().blueprint(on_new_message)
        sio = self.sio
        session_persistence = self.session_persistence

        async def session_request(sid: str, data: object) -> None:
            session_id = session_id_from(data)
            if session_persistence:
                await join_room(sio, sid, session_id)
            await sio.emit("session_confirm", session_id, room=sid)
            # Notices that waited for this visitor (outages, surveys: bot.notify cannot push to a
            # closed browser) are shown now, like any bot answer.
            for message in await asyncio.to_thread(pending_notices, session_id):
                await sio.emit(self.bot_message_evt, message, room=sid)

        # Registering the same event again replaces Rasa's handler (one handler per event).
        sio.on("session_request", handler=session_request, namespace=self.namespace)
        for name in WIDGET_FILES:
            route_name = "webchat_" + re.sub(r"\W", "_", name)
            blueprint.add_route(widget_route(name), f"/{name}", methods=["GET"], name=route_name)
        return blueprint
