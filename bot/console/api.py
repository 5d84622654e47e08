"""What every route of the console shares: its context, reading a request, answering an error.

Handlers raise `ApiError` (or hand-off's and Rasa's own errors) and the app turns each into a
JSON answer with its status (`error_answer`), so no handler builds an error by hand.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sanic import response
from sanic.exceptions import InvalidUsage
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.console.config import ConsoleSettings
from bot.handoff import rules
from bot.handoff.config import HandoffSettings
from bot.handoff.rasa import RasaClient, RasaError
from bot.handoff.rules import Actor
from bot.policy import Policy

MAX_REPLY_CHARS = 1000


@dataclass
class ConsoleContext:
    """The settings, policy and clock of one console app, and its client of Rasa's HTTP API.

    `tracker_db` is Rasa's tracker store, read by the quality report. `rasa` is set when the
    server starts: its HTTP session needs the running loop.
    """

    settings: ConsoleSettings
    handoff: HandoffSettings
    policy: Policy
    now: Callable[[], datetime]
    tracker_db: str
    rasa: RasaClient = field(init=False)


def console_of(request: Request) -> ConsoleContext:
    """The context of the app serving `request`."""
    context: ConsoleContext = request.app.ctx.console
    return context


def actor_of(request: Request) -> Actor:
    """The agent the login check found for `request` (bot.console.routes.session)."""
    actor: Actor = request.ctx.actor
    return actor


class ApiError(Exception):
    """An answer other than success, with its HTTP status and a message for the agent."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


_STATUS_OF: dict[type[Exception], int] = {
    rules.NotFound: 404,
    rules.Forbidden: 403,
    rules.Conflict: 409,
}


def error(status: int, message: str) -> HTTPResponse:
    """The JSON answer of a refusal."""
    return response.json({"error": message}, status=status)


def error_answer(request: Request, exc: Exception) -> HTTPResponse:
    """The answer to an `ApiError`, a refused hand-off move, or Rasa failing to deliver."""
    if isinstance(exc, ApiError):
        return error(exc.status, str(exc))
    if isinstance(exc, RasaError):
        return error(502, f"消息未送达：{exc}")
    return error(_STATUS_OF.get(type(exc), 409), str(exc))


def body(request: Request) -> dict[str, Any]:
    """The JSON object a state-changing request must carry (forms cannot post JSON cross-site)."""
    if not (request.content_type or "").startswith("application/json"):
        raise ApiError(415, "请求须为 JSON")
    try:
        data = request.json
    except InvalidUsage:
        raise ApiError(400, "请求体不是有效的 JSON") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ApiError(400, "请求体须为 JSON 对象")
    return data


def text(data: dict[str, Any], key: str, required: bool = True) -> str | None:
    """`data[key]` as trimmed text of at most `MAX_REPLY_CHARS`, or `None` when optional."""
    value = data.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ApiError(400, f"缺少 {key}")
        return None
    if not isinstance(value, str) or len(value.strip()) > MAX_REPLY_CHARS:
        raise ApiError(400, f"{key} 须为不超过 {MAX_REPLY_CHARS} 字的文字")
    return value.strip()


def day(request: Request, name: str) -> date:
    """A `YYYY-MM-DD` query argument."""
    value = request.args.get(name)
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ApiError(400, f"{name} 须为日期，如 2026-11-01") from None


def agent_json(actor: Actor) -> dict[str, Any]:
    """An agent as the page shows them (the one logged in, or a colleague)."""
    return {
        "id": actor.id,
        "username": actor.username,
        "display_name": actor.display_name,
        "role": actor.role,
    }
