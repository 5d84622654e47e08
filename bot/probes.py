"""A tiny HTTP server for processes without a web framework (the scheduler, the broker consumer):
`GET /metrics` gives the process's Prometheus metrics, any other path its health as JSON, so the
launcher, Docker and Kubernetes know when it is ready and Prometheus what it does."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable

from bot import metrics

#: The health answer: an HTTP status (200 healthy, 503 not) and a JSON body.
Health = Callable[[], tuple[int, dict[str, object]]]


async def serve_probes(
    health: Health, port: int, host: str = "127.0.0.1"
) -> asyncio.AbstractServer:
    """Serve `/metrics` and the health answer on `host:port` until the server is closed."""

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            request_line = (await reader.readline()).decode("latin-1").split()
            while (await reader.readline()).strip():  # the headers
                pass
            if request_line[1:2] == ["/metrics"]:
                status, (data, content_type) = 200, metrics.exposition()
            else:
                status, body = health()
                data, content_type = json.dumps(body).encode(), "application/json"
            reason = "OK" if status == 200 else "Service Unavailable"
            writer.write(
                f"HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\n"
                f"Content-Length: {len(data)}\r\nConnection: close\r\n\r\n".encode()
                + data
            )
            await writer.drain()
        except ConnectionError:
            pass
        finally:
            writer.close()

    return await asyncio.start_server(answer, host, port)
