"""Reading Socket.IO frames the way the website widget does (Engine.IO 4 over a bare WebSocket),
for the tests that talk to the widget's channel without a browser."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from websockets.client import WebSocketClientProtocol


async def next_event(ws: WebSocketClientProtocol, wanted: str, seconds: float) -> Any:
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
