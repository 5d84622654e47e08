"""Local stand-ins for the outside services the channels call (WeChat API, SMS gateway).

Tests, benchmarks and the demo run point the channels' configurable base URLs at these, so the
real HTTP path is exercised without the internet. Each stand-in records what it received and can be
told how to answer (an error code, a delay) to drive the failure paths.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Recorded:
    """One request the stand-in received."""

    method: str
    path: str
    query: dict[str, str]
    body: Any
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class RawAnswer:
    """A body that is not JSON (an image a media API serves), with its content type.

    `declare_length=False` sends no Content-Length: the body ends when the connection closes,
    as a streamed answer of unknown size does.
    """

    body: bytes
    content_type: str
    declare_length: bool = True


_JSON = "application/json; charset=utf-8"

Handler = Callable[[Recorded], tuple[int, Any]]


class StandInServer:
    """A threaded JSON HTTP server on a free loopback port with routes `(method, path) → handler`.

    Handlers return `(status, json_body)`, or `(status, RawAnswer)` for another body. Every
    request is recorded in `requests` (under a lock, since the server answers from several
    threads).
    """

    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self._routes: dict[tuple[str, str], Handler] = {}
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def route(self, method: str, path: str, handler: Handler) -> None:
        """Answer `method path` with `handler` (replacing an earlier one)."""
        self._routes[(method.upper(), path)] = handler

    @property
    def base_url(self) -> str:
        """`http://127.0.0.1:<port>` once started."""
        if self._server is None:
            raise RuntimeError("stand-in not started")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def received(self, path: str) -> list[Recorded]:
        """The requests received on `path`, oldest first."""
        with self._lock:
            return [r for r in self.requests if r.path == path]

    def clear(self) -> None:
        """Forget the recorded requests (between tests)."""
        with self._lock:
            self.requests.clear()

    def _dispatch(
        self, method: str, raw_path: str, body: bytes, headers: dict[str, str]
    ) -> tuple[int, RawAnswer]:
        parts = urlsplit(raw_path)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        try:
            parsed: Any = json.loads(body) if body else None
        except ValueError:
            parsed = body.decode("utf-8", "replace")
        recorded = Recorded(method, parts.path, query, parsed, headers)
        with self._lock:
            self.requests.append(recorded)
        handler = self._routes.get((method, parts.path))
        if handler is None:
            return 404, RawAnswer(b'{"error":"no such route"}', _JSON)
        status, answer = handler(recorded)
        if isinstance(answer, RawAnswer):
            return status, answer
        return status, RawAnswer(json.dumps(answer, ensure_ascii=False).encode("utf-8"), _JSON)

    def start(self) -> StandInServer:
        """Listen on a free port in a daemon thread; returns self."""
        owner = self

        class _Handler(BaseHTTPRequestHandler):
            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                status, answer = owner._dispatch(
                    self.command, self.path, body, {k.lower(): v for k, v in self.headers.items()}
                )
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", answer.content_type)
                    if answer.declare_length:
                        self.send_header("Content-Length", str(len(answer.body)))
                    self.end_headers()
                    self.wfile.write(answer.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout under test): nobody to answer

            do_GET = _serve
            do_POST = _serve

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet: tests read `requests` instead of the log."""

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop listening."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
