"""Health and metrics, for the launcher, the load balancer and Prometheus (no login).

nginx refuses `/metrics` on the console's public port (bot.production.nginx).
"""

from __future__ import annotations

from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import metrics
from bot.store import handoffs as handoff_store
from bot.store.db import in_session

probes = Blueprint("probes")


@probes.get("/health", ctx_public=True)
async def health(request: Request) -> HTTPResponse:
    """Up: the process answers (the launcher and the load balancer wait for it)."""
    return response.json({"status": "ok"})


@probes.get("/metrics", ctx_public=True)
async def scrape(request: Request) -> HTTPResponse:
    """Prometheus' exposition, with the queue's length read at the scrape."""
    queued = await in_session(handoff_store.sessions_with_status, ["queued"])
    metrics.HANDOFFS_QUEUED.set(len(queued))
    body, content_type = metrics.exposition()
    return response.raw(body, content_type=content_type)
