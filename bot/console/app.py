"""The console's Sanic app: the blueprints of `bot.console.routes`, wired with what they share.

The factory only wires: the context every handler reads (`api.ConsoleContext`), the login check
before every route not declared public (`routes.session.require_login`), the security headers
on every answer, errors as JSON (`api.error_answer`), and the blueprints. Handlers are thin:
they call the `bot.handoff` operations in a worker thread, talk to Rasa, and shape the answer with
`present`. Pages are static files with no inline script, under a strict
Content-Security-Policy; the script renders every text with `textContent`, never as HTML.

The console keeps no timer: the hand-off's time-outs, requeues, resumes and webhook events run
in the scheduler (`bot.handoff.jobs`), once however many consoles serve the agents.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import datetime
from typing import Any

import aiohttp
from sanic import Sanic
from sanic.request import Request
from sanic.response import BaseHTTPResponse

from bot.base import clock
from bot.console.api import ApiError, ConsoleContext, error_answer
from bot.console.config import ConsoleSettings
from bot.console.routes.applications import applications
from bot.console.routes.callcentre import callcentre
from bot.console.routes.conversations import conversations
from bot.console.routes.pages import pages
from bot.console.routes.probes import probes
from bot.console.routes.readings import readings
from bot.console.routes.report import report
from bot.console.routes.session import require_login, session
from bot.handoff.config import HandoffSettings
from bot.handoff.rasa import RasaClient, RasaError
from bot.handoff.rules import HandoffError
from bot.policy import Policy
from bot.report.data import default_tracker_url

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}

_app_numbers = itertools.count(1)  # Sanic wants a unique name per app (tests create several)


def create_app(
    settings: ConsoleSettings,
    handoff: HandoffSettings,
    policy: Policy,
    *,
    now: Callable[[], datetime] = clock.now,
    tracker_url: str | None = None,
) -> Sanic:
    """The console app. `tracker_url`: Rasa's tracker store for the quality report (default
    `default_tracker_url`)."""
    app = Sanic(f"heating_console_{next(_app_numbers)}", configure_logging=False)
    app.config.REQUEST_MAX_SIZE = 256 * 1024
    app.ctx.console = ConsoleContext(
        settings, handoff, policy, now, tracker_url or default_tracker_url()
    )
    app.register_listener(_start, "before_server_start")
    app.register_listener(_stop, "before_server_stop")
    app.register_middleware(require_login, "request")
    app.register_middleware(_headers, "response")
    app.error_handler.add(ApiError, error_answer)
    app.error_handler.add(HandoffError, error_answer)
    app.error_handler.add(RasaError, error_answer)
    for blueprint in (
        pages,
        probes,
        session,
        conversations,
        report,
        readings,
        applications,
        callcentre,
    ):
        app.blueprint(blueprint)
    return app


async def _start(app: Sanic, loop: Any) -> None:
    """The Rasa client, created here because its HTTP session belongs to the server's loop."""
    console: ConsoleContext = app.ctx.console
    app.ctx.http = aiohttp.ClientSession()
    console.rasa = RasaClient(app.ctx.http, console.settings.rasa_url, console.settings.rasa_token)


async def _stop(app: Sanic, loop: Any) -> None:
    """Close the HTTP session before the loop goes, or aiohttp warns of an unclosed one."""
    await app.ctx.http.close()


async def _headers(request: Request, answer: BaseHTTPResponse) -> None:
    """Every answer, errors included, carries the security headers; no API answer is cached
    (they hold households' details)."""
    answer.headers.update(SECURITY_HEADERS)
    if request.path.startswith("/api/"):
        answer.headers["Cache-Control"] = "no-store"

