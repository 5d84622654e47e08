"""The console's Sanic app: pages, the agents' JSON API, and the call centre's inbound API.

Handlers are thin: authenticate, call the `bot.handoff` operations in a worker thread, talk to Rasa,
and shape the answer with `present`. Every API call but login and the inbound webhook needs the
signed session cookie of a session still open in the database (`logins`); every state-changing
one also the CSRF header and a JSON body. Pages are static files with no inline script, under a
strict Content-Security-Policy; the script renders every text with `textContent`, never as HTML.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import itertools
import logging
import math
from collections.abc import Callable, Coroutine
from datetime import date, datetime
from pathlib import Path
from typing import Any

import aiohttp
from sanic import Sanic, response
from sanic.exceptions import InvalidUsage
from sanic.request import Request
from sanic.response import HTTPResponse
from sqlalchemy.orm import Session

from bot import metrics
from bot.config import settings as process_settings
from bot.console import logins, present
from bot.console.auth import (
    COOKIE_NAME,
    CSRF_HEADER,
    SESSION_SECONDS,
    address_group,
    client_address,
    csrf_ok,
    issue_session,
    read_session,
    throttle_key,
    verify_login,
)
from bot.console.config import ConsoleSettings
from bot.console.rasa import RasaClient, RasaError
from bot.console.sweep import Sweeper, give_back, tell_requeued
from bot.handoff import agent_tickets, agents, callcentre, desk, messages, moves, rules
from bot.handoff.config import HandoffSettings
from bot.handoff.rules import Actor
from bot.handoff.signing import SIGNATURE_HEADER
from bot.handoff.transcript import agent_message, bot_message, transcript_of
from bot.handoff.webhook import InboundRejected, parse_inbound
from bot.labels import CHANNEL_NAMES
from bot.policy import Policy
from bot.privacy import mask_text
from bot.report.data import build_report, default_tracker_url
from bot.report.definitions import definitions
from bot.report.figures import period_of
from bot.services import clock
from bot.store import handoffs as handoff_store
from bot.store.db import in_session

logger = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).parent / "static"

#: The only files served, each on its own fixed route: no part of a URL becomes a path.
PAGES: dict[str, tuple[str, str]] = {
    "/": ("console.html", "text/html; charset=utf-8"),
    "/login": ("login.html", "text/html; charset=utf-8"),
    "/static/console.js": ("console.js", "text/javascript; charset=utf-8"),
    "/static/login.js": ("login.js", "text/javascript; charset=utf-8"),
    "/static/console.css": ("console.css", "text/css; charset=utf-8"),
}

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}

MAX_REPLY_CHARS = 1000
MAX_REPORT_DAYS = 366
NOT_LIVE = "该渠道不能实时推送：回复已记入对话记录，但用户收不到，请电话联系用户。"
#: Read only when the socket peer is a trusted proxy (`CONSOLE_TRUSTED_PROXIES`).
FORWARDED_FOR = "X-Forwarded-For"
_app_numbers = itertools.count(1)  # Sanic wants a unique name per app (tests create several)
Handler = Callable[..., Coroutine[Any, Any, HTTPResponse]]


class ApiError(Exception):
    """An answer other than success, with its HTTP status and a message for the agent."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


_STATUS_OF = {
    rules.NotFound: 404,
    rules.Forbidden: 403,
    rules.Conflict: 409,
}


def _error(status: int, message: str) -> HTTPResponse:
    return response.json({"error": message}, status=status)


def _body(request: Request) -> dict[str, Any]:
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


def _text(data: dict[str, Any], key: str, required: bool = True) -> str | None:
    value = data.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ApiError(400, f"缺少 {key}")
        return None
    if not isinstance(value, str) or len(value.strip()) > MAX_REPLY_CHARS:
        raise ApiError(400, f"{key} 须为不超过 {MAX_REPLY_CHARS} 字的文字")
    return value.strip()


def _fields(data: dict[str, Any]) -> dict[str, str | None]:
    """The ticket fields an agent may fill in, from a request body."""
    return {key: _text(data, key, required=False) for key in agent_tickets.AGENT_TICKET_FIELDS}


def _day(request: Request, name: str) -> date:
    """A `YYYY-MM-DD` query argument."""
    value = request.args.get(name)
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ApiError(400, f"{name} 须为日期，如 2026-11-01") from None


def _actor_of(request: Request) -> Actor:
    actor: Actor = request.ctx.actor
    return actor


def create_app(
    settings: ConsoleSettings,
    handoff: HandoffSettings,
    policy: Policy,
    *,
    sweep: bool = True,
    now: Callable[[], datetime] = clock.now,
    tracker_url: str | None = None,
) -> Sanic:
    """The console app; `sweep=False` leaves out the periodic checks (tests run them directly).

    `tracker_url` is Rasa's tracker store for the quality report (default `default_tracker_url`).
    """
    tracker_db = tracker_url or default_tracker_url()
    app = Sanic(f"heating_console_{next(_app_numbers)}", configure_logging=False)
    app.config.REQUEST_MAX_SIZE = 256 * 1024

    async def _start(app: Sanic, loop: Any) -> None:
        app.ctx.http = aiohttp.ClientSession()
        app.ctx.rasa = RasaClient(app.ctx.http, settings.rasa_url, settings.rasa_token)
        app.ctx.sweeper = Sweeper(app.ctx.rasa, app.ctx.http, handoff, policy, now)
        app.ctx.sweep_task = asyncio.ensure_future(app.ctx.sweeper.run_forever()) if sweep else None

    async def _stop(app: Sanic, loop: Any) -> None:
        if app.ctx.sweep_task is not None:
            app.ctx.sweep_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await app.ctx.sweep_task
        await app.ctx.http.close()

    app.register_listener(_start, "before_server_start")
    app.register_listener(_stop, "before_server_stop")

    @app.middleware("response")
    async def _headers(request: Request, answer: HTTPResponse) -> None:
        answer.headers.update(SECURITY_HEADERS)
        if request.path.startswith("/api/"):
            answer.headers["Cache-Control"] = "no-store"

    def rasa() -> RasaClient:
        client: RasaClient = app.ctx.rasa
        return client

    def api(*, login: bool = True) -> Callable[[Handler], Handler]:
        """Wrap a handler: the login cookie (and CSRF header for writes), and errors as JSON."""

        def wrap(handler: Handler) -> Handler:
            @functools.wraps(handler)
            async def wrapper(request: Request, *args: Any, **kwargs: Any) -> HTTPResponse:
                try:
                    if login:
                        request.ctx.actor = await _authenticate(request)
                    return await handler(request, *args, **kwargs)
                except ApiError as exc:
                    return _error(exc.status, str(exc))
                except rules.HandoffError as exc:
                    return _error(_STATUS_OF.get(type(exc), 409), str(exc))
                except RasaError as exc:
                    return _error(502, f"消息未送达：{exc}")

            return wrapper

        return wrap

    async def _authenticate(request: Request) -> Actor:
        moment = now()
        login = read_session(request.cookies.get(COOKIE_NAME), settings.secret, moment.timestamp())
        if login is None:
            raise ApiError(401, "请先登录")
        if request.method != "GET" and not csrf_ok(login, request.headers.get(CSRF_HEADER)):
            raise ApiError(403, "缺少或错误的 CSRF 令牌，请刷新页面")
        actor = await in_session(logins.session_actor, login.key, settings.limits, moment)
        if actor is None:
            raise ApiError(401, "登录已失效，请重新登录")
        request.ctx.login = login
        return actor

    # ---- pages --------------------------------------------------------------------------------

    def page(filename: str, content_type: str) -> Handler:
        async def serve(request: Request) -> HTTPResponse:
            return await response.file(
                STATIC_DIR / filename, mime_type=content_type, headers={"Cache-Control": "no-cache"}
            )

        return serve

    for path, (filename, content_type) in PAGES.items():
        app.add_route(page(filename, content_type), path, methods=["GET"], name=filename)

    @app.get("/health")
    async def health(request: Request) -> HTTPResponse:
        return response.json({"status": "ok"})

    @app.get("/metrics")
    async def scrape(request: Request) -> HTTPResponse:
        queued = await in_session(handoff_store.sessions_with_status, ["queued"])
        metrics.HANDOFFS_QUEUED.set(len(queued))
        body, content_type = metrics.exposition()
        return response.raw(body, content_type=content_type)

    # ---- login --------------------------------------------------------------------------------

    @app.post("/api/login")
    @api(login=False)
    async def login(request: Request) -> HTTPResponse:
        data = _body(request)
        username = str(data.get("username") or "").strip()[:64]
        password = str(data.get("password") or "")
        address = client_address(
            request.ip,
            ",".join(request.headers.getall(FORWARDED_FOR, [])),
            settings.trusted_proxies,
        )
        username_key = throttle_key("username", username, settings.secret)
        moment = now()
        attempt = await in_session(
            logins.begin_login,
            throttle_key("address", address_group(address), settings.secret),
            username_key,
            username,
            settings.limits,
            moment,
        )
        if attempt.wait_seconds:
            minutes = math.ceil(attempt.wait_seconds / 60)
            refused = _error(429, f"登录失败次数过多，为保护账号安全，请 {minutes} 分钟后再试。")
            refused.headers["Retry-After"] = str(attempt.wait_seconds)
            return refused
        # scrypt outside any transaction; unknown usernames cost the same (`verify_login`)
        matched = await asyncio.to_thread(verify_login, password, attempt.password_hash)
        if not matched or attempt.agent_id is None:
            logger.info("console login failed from %s", address)
            raise ApiError(401, "用户名或密码错误")
        cookie, opened = issue_session(settings.secret, moment.timestamp())
        actor = await in_session(
            logins.finish_login, attempt.agent_id, opened.key, username_key, settings.limits, moment
        )
        if actor is None:  # disabled between the two steps
            raise ApiError(401, "用户名或密码错误")
        answer = response.json({"agent": _agent_json(actor), "csrf": opened.csrf})
        answer.cookies[COOKIE_NAME] = cookie
        answer.cookies[COOKIE_NAME]["httponly"] = True
        answer.cookies[COOKIE_NAME]["samesite"] = "Strict"
        answer.cookies[COOKIE_NAME]["path"] = "/"
        answer.cookies[COOKIE_NAME]["max-age"] = SESSION_SECONDS
        if settings.cookie_secure:
            answer.cookies[COOKIE_NAME]["secure"] = True
        logger.info("console login: %s", actor.username)
        return answer

    @app.post("/api/logout")
    @api()
    async def logout(request: Request) -> HTTPResponse:
        pickup = policy.handoff.pickup_minutes
        returned = await in_session(
            logins.end_session, request.ctx.login.key, _actor_of(request), now(), pickup
        )
        for handoff_view in returned:
            await tell_requeued(rasa(), handoff_view, pickup)  # the agent is gone either way
        answer = response.json({"ok": True})
        del answer.cookies[COOKIE_NAME]
        return answer

    @app.get("/api/me")
    @api()
    async def me(request: Request) -> HTTPResponse:
        return response.json(
            {"agent": _agent_json(_actor_of(request)), "csrf": request.ctx.login.csrf}
        )

    # ---- the queue and one conversation ----------------------------------------------------------

    @app.get("/api/queue")
    @api()
    async def queue(request: Request) -> HTTPResponse:
        actor, moment = _actor_of(request), now()
        lists = await in_session(desk.visible_queue, actor)
        online = await in_session(agents.colleagues, actor, moment, handoff.agent_timeout_seconds)
        return response.json(
            {
                "waiting": [present.session_json(h, actor, moment) for h in lists.waiting],
                "handling": [present.session_json(h, actor, moment) for h in lists.handling],
                "colleagues": [_agent_json(a) for a in online],
            }
        )

    @app.get("/api/sessions/<session_id:int>")
    @api()
    async def detail(request: Request, session_id: int) -> HTTPResponse:
        actor, moment = _actor_of(request), now()
        found = await in_session(_details, actor, session_id, policy, moment)
        full = rules.sees_full_numbers(actor)
        try:
            tracker = await rasa().tracker(found["session"].sender_id)
            lines = transcript_of(tracker, mask=None if full else mask_text)
            transcript_error = None
        except RasaError as exc:
            lines, transcript_error = [], str(exc)
        handoff_view = found["session"]
        return response.json(
            {
                "session": present.session_json(handoff_view, actor, moment),
                "collected": present.collected_json(handoff_view.summary, actor),
                "account": present.account_json(found["account"], actor),
                "tickets": [present.ticket_json(t, actor) for t in found["tickets"]],
                "history": present.history_json(found["history"]),
                "transcript": lines,
                "transcript_error": transcript_error,
                "can": {
                    "pick": rules.can_pick(actor, handoff_view.status),
                    "handle": rules.can_handle(actor, handoff_view.status, handoff_view.agent_id),
                    "close": rules.can_close(actor, handoff_view.status, handoff_view.agent_id),
                    "full_numbers": full,
                },
            }
        )

    # ---- moves --------------------------------------------------------------------------------

    @app.post("/api/sessions/<session_id:int>/pick")
    @api()
    async def pick(request: Request, session_id: int) -> HTTPResponse:
        _body(request)
        actor = _actor_of(request)
        picked = await in_session(moves.pick, actor, session_id, now())
        if picked.picked_at is not None:
            waited = (picked.picked_at - picked.created_at).total_seconds()
            metrics.HANDOFF_WAIT_SECONDS.observe(max(waited, 0.0))
        events = [] if picked.paused else [{"event": "pause"}]
        if rules.announces_handover(picked.channel):
            events.append(agent_message(messages.picked(actor.display_name), actor.display_name))
        note = None
        if events:
            try:
                await rasa().append(picked.sender_id, events, picked.channel)
                await in_session(moves.mark_paused, picked.id, True)
            except RasaError as exc:
                note = f"已接入，但通知用户失败：{exc}"
        return response.json({"ok": True, "note": note})

    @app.post("/api/sessions/<session_id:int>/reply")
    @api()
    async def reply(request: Request, session_id: int) -> HTTPResponse:
        text = _text(_body(request), "text") or ""
        actor = _actor_of(request)
        held = await in_session(moves.held, actor, session_id)
        await rasa().append(held.sender_id, [agent_message(text, actor.display_name)], held.channel)
        await in_session(moves.record_reply, actor, session_id, text, now())
        note = None if rules.delivers_live(held.channel) else NOT_LIVE
        return response.json({"ok": True, "note": note})

    @app.post("/api/sessions/<session_id:int>/release")
    @api()
    async def release(request: Request, session_id: int) -> HTTPResponse:
        _body(request)
        pickup = policy.handoff.pickup_minutes
        released = await in_session(moves.release, _actor_of(request), session_id, now(), pickup)
        undelivered = await tell_requeued(rasa(), released, pickup)
        note = f"已退回队列，但通知用户失败：{undelivered}" if undelivered else None
        return response.json({"ok": True, "note": note})

    @app.post("/api/sessions/<session_id:int>/transfer")
    @api()
    async def transfer(request: Request, session_id: int) -> HTTPResponse:
        to = _text(_body(request), "to") or ""
        moved = await in_session(
            moves.transfer,
            _actor_of(request),
            session_id,
            to,
            now(),
            handoff.agent_timeout_seconds,
        )
        note = None
        if rules.announces_handover(moved.channel) and moved.agent_name:
            try:
                message = bot_message(messages.transferred(moved.agent_name), moved.agent_name)
                await rasa().append(moved.sender_id, [message], moved.channel)
            except RasaError as exc:
                note = f"已转接，但通知用户失败：{exc}"
        return response.json({"ok": True, "note": note})

    @app.post("/api/sessions/<session_id:int>/close")
    @api()
    async def close(request: Request, session_id: int) -> HTTPResponse:
        text = _text(_body(request), "text", required=False) or messages.closed()
        ended = await in_session(moves.close, _actor_of(request), session_id, now())
        undelivered = await give_back(rasa(), ended, text)
        note = f"机器人已恢复，但结束语未送达：{undelivered}" if undelivered else None
        return response.json({"ok": True, "note": note})

    @app.post("/api/sessions/<session_id:int>/reveal")
    @api()
    async def reveal(request: Request, session_id: int) -> HTTPResponse:
        _body(request)
        numbers = await in_session(moves.reveal, _actor_of(request), session_id, now())
        return response.json({"numbers": numbers})

    @app.post("/api/sessions/<session_id:int>/tickets")
    @api()
    async def open_ticket(request: Request, session_id: int) -> HTTPResponse:
        data = _body(request)
        kind = str(data.get("kind") or "")
        actor = _actor_of(request)
        ticket = await in_session(
            agent_tickets.open_ticket_for, policy, actor, session_id, kind, _fields(data), now()
        )
        return response.json({"ticket": present.ticket_json(ticket, actor)})

    @app.post("/api/sessions/<session_id:int>/tickets/<ticket_no:str>")
    @api()
    async def update_ticket(request: Request, session_id: int, ticket_no: str) -> HTTPResponse:
        actor, fields = _actor_of(request), _fields(_body(request))
        ticket = await in_session(
            agent_tickets.update_ticket_for, actor, session_id, ticket_no, fields, now()
        )
        return response.json({"ticket": present.ticket_json(ticket, actor)})

    # ---- the quality report (supervisors) --------------------------------------------------------

    @app.get("/api/report")
    @api()
    async def report(request: Request) -> HTTPResponse:
        if not _actor_of(request).supervisor:
            raise ApiError(403, "质量报表仅主管可查看")
        first, last = _day(request, "from"), _day(request, "to")
        if last < first:
            raise ApiError(400, "结束日期早于开始日期")
        if (last - first).days >= MAX_REPORT_DAYS:
            raise ApiError(400, f"统计期最长 {MAX_REPORT_DAYS} 天")
        period = period_of(first, last, process_settings().timezone)
        figures = await in_session(build_report, period, now(), tracker_db, policy)
        return response.json(
            {
                "report": figures,
                "definitions": definitions(policy),
                "channel_names": CHANNEL_NAMES,
            }
        )

    # ---- the call centre ------------------------------------------------------------------------

    @app.post("/api/handoff/events")
    @api(login=False)
    async def inbound(request: Request) -> HTTPResponse:
        if "webhook" not in handoff.targets or handoff.webhook_secret is None:
            raise ApiError(404, "the webhook target is not configured")
        moment = now()
        try:
            event = parse_inbound(
                request.body or b"",
                request.headers.get(SIGNATURE_HEADER),
                handoff.webhook_secret,
                moment,
            )
        except InboundRejected as exc:
            raise ApiError(exc.status, str(exc)) from None
        if await in_session(callcentre.external_seen, event.id):
            return response.json({"status": "duplicate"})
        target = await in_session(callcentre.external_target, event.conversation_id)
        if event.kind == "reply" and event.text:
            await rasa().append(
                target.sender_id, [agent_message(event.text, event.agent)], target.channel
            )
        changed = await in_session(
            callcentre.external_event, target.id, event.kind, event.agent, event.id, moment
        )
        note = None
        if changed.status == "closed":
            note = await give_back(rasa(), changed, event.text or messages.closed())
        return response.json({"status": "ok", "conversation": changed.status, "note": note})

    return app


def _agent_json(actor: Actor) -> dict[str, Any]:
    return {
        "id": actor.id,
        "username": actor.username,
        "display_name": actor.display_name,
        "role": actor.role,
    }


def _details(
    session: Session, actor: Actor, session_id: int, policy: Policy, now: datetime
) -> dict[str, Any]:
    """Everything of one conversation the store holds, in one transaction."""
    found = desk.get_visible(session, actor, session_id)
    today = clock.local(now).date()
    return {
        "session": found,
        "account": desk.account_overview(session, policy, found.summary.get("account_no"), today),
        "tickets": desk.tickets_of(session, found),
        "history": desk.history(session, actor, session_id),
    }
