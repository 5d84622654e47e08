"""An agent's session: logging in and out, who is logged in, and the check every route passes.

`require_login` runs before every route not declared `ctx_public=True`: the signed cookie of a
session still open in the database (`logins`), and for anything but a GET also the CSRF header.
It finds the agent (`api.actor_of`), and each request it lets through is the agent's heartbeat.
"""

from __future__ import annotations

import asyncio
import logging
import math

from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.base.addresses import address_group, client_address
from bot.console import logins
from bot.console.api import ApiError, actor_of, agent_json, body, console_of, error
from bot.console.auth import (
    COOKIE_NAME,
    CSRF_HEADER,
    SESSION_SECONDS,
    csrf_ok,
    issue_session,
    read_session,
    throttle_key,
    verify_login,
)
from bot.handoff.resume import tell_requeued
from bot.handoff.rules import Actor
from bot.store.db import in_session

logger = logging.getLogger(__name__)

#: Read only when the socket peer is a trusted proxy (`CONSOLE_TRUSTED_PROXIES`).
FORWARDED_FOR = "X-Forwarded-For"

session = Blueprint("session")


async def require_login(request: Request) -> None:
    """Request middleware: the agent of an open login, unless the route is public.

    A request for no route (404, 405) is left to Sanic's own answer.
    """
    if request.route is None or getattr(request.route.ctx, "public", False):
        return
    request.ctx.actor = await _authenticate(request)


async def _authenticate(request: Request) -> Actor:
    console = console_of(request)
    moment = console.now()
    login = read_session(
        request.cookies.get(COOKIE_NAME), console.settings.secret, moment.timestamp()
    )
    if login is None:
        raise ApiError(401, "请先登录")
    if request.method != "GET" and not csrf_ok(login, request.headers.get(CSRF_HEADER)):
        raise ApiError(403, "缺少或错误的 CSRF 令牌，请刷新页面")
    actor = await in_session(logins.session_actor, login.key, console.settings.limits, moment)
    if actor is None:
        raise ApiError(401, "登录已失效，请重新登录")
    request.ctx.login = login
    return actor


@session.post("/api/login", ctx_public=True)
async def login(request: Request) -> HTTPResponse:
    """Check the password under the throttle, open a session, set its cookie."""
    console = console_of(request)
    settings = console.settings
    data = body(request)
    username = str(data.get("username") or "").strip()[:64]
    password = str(data.get("password") or "")
    address = client_address(
        request.ip,
        ",".join(request.headers.getall(FORWARDED_FOR, [])),
        settings.trusted_proxies,
    )
    username_key = throttle_key("username", username, settings.secret)
    moment = console.now()
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
        refused = error(429, f"登录失败次数过多，为保护账号安全，请 {minutes} 分钟后再试。")
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
    answer = response.json({"agent": agent_json(actor), "csrf": opened.csrf})
    answer.cookies[COOKIE_NAME] = cookie
    answer.cookies[COOKIE_NAME]["httponly"] = True
    answer.cookies[COOKIE_NAME]["samesite"] = "Strict"
    answer.cookies[COOKIE_NAME]["path"] = "/"
    answer.cookies[COOKIE_NAME]["max-age"] = SESSION_SECONDS
    if settings.cookie_secure:
        answer.cookies[COOKIE_NAME]["secure"] = True
    logger.info("console login: %s", actor.username)
    return answer


@session.post("/api/logout")
async def logout(request: Request) -> HTTPResponse:
    """End the session on every console process; the agent's conversations wait again."""
    console = console_of(request)
    pickup = console.policy.handoff.pickup_minutes
    returned = await in_session(
        logins.end_session, request.ctx.login.key, actor_of(request), console.now(), pickup
    )
    for handoff_view in returned:
        await tell_requeued(console.rasa, handoff_view, pickup)  # the agent is gone either way
    answer = response.json({"ok": True})
    del answer.cookies[COOKIE_NAME]
    return answer


@session.get("/api/me")
async def me(request: Request) -> HTTPResponse:
    """The agent logged in, and the CSRF token the page sends with every write."""
    return response.json({"agent": agent_json(actor_of(request)), "csrf": request.ctx.login.csrf})
