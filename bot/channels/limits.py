"""Size limits every input channel applies before anything reaches Rasa, the store or a log.

Unchecked, a 10 MB REST message becomes a 21 MB tracker row and 124 MB of log lines
(docs/security.md). Two limits stop that at the edge: the HTTP server refuses a body over
`max_body_bytes()` with 413 before reading it, and a channel keeps at most `MAX_STORED_CHARS`
characters of a message's text. One character more than the NLU parses (`MAX_MESSAGE_CHARS`) is
kept, so the pipeline still sees that the text was cut and asks the user to split it.
"""

from __future__ import annotations

import os
from typing import Any

from sanic import Blueprint

from bot.config import ConfigError
from bot.nlu.limits import MAX_MESSAGE_CHARS

#: The environment variable that overrides the body limit (bytes).
BODY_LIMIT_VARIABLE = "HEATING_MAX_BODY_BYTES"
#: Default body limit: a WeChat XML message is ~1 KB, an SMS callback batch a few KB.
DEFAULT_MAX_BODY_BYTES = 64 * 1024
#: The most characters of one message any channel passes on (and so stores or logs).
MAX_STORED_CHARS = MAX_MESSAGE_CHARS + 1


def max_body_bytes(environ: dict[str, str] | None = None) -> int:
    """The request body limit in bytes, from `HEATING_MAX_BODY_BYTES` (1 KiB … 10 MiB)."""
    env = os.environ if environ is None else environ
    raw = env.get(BODY_LIMIT_VARIABLE, "").strip()
    if not raw:
        return DEFAULT_MAX_BODY_BYTES
    if not raw.isdigit() or not 1024 <= int(raw) <= 10 * 1024 * 1024:
        raise ConfigError(
            f"{BODY_LIMIT_VARIABLE} must be a number of bytes from 1024 to 10485760, got {raw!r}"
        )
    return int(raw)


def bounded_text(text: str) -> str:
    """At most `MAX_STORED_CHARS` characters of `text`."""
    return text[:MAX_STORED_CHARS]


def limit_request_bodies(blueprint: Blueprint, limit: int) -> None:
    """Make the server that mounts `blueprint` refuse bodies over `limit` bytes with 413.

    Sanic reads `REQUEST_MAX_SIZE` for each new connection and answers 413 from the
    Content-Length (or while streaming a chunked body) before the body is buffered. The limit is
    server-wide, so every channel lowers it to the smallest any channel asked for; Rasa's own
    HTTP API (agents' replies, tracker events) stays far below it.
    """

    @blueprint.listener("before_server_start")
    async def lower_limit(app: Any, loop: Any) -> None:
        app.config.REQUEST_MAX_SIZE = min(int(app.config.REQUEST_MAX_SIZE), limit)
