"""`GET /webhooks/metrics/` on a Rasa server: its Prometheus metrics (bot.metrics).

A channel because Rasa mounts only channels' blueprints on its app; it takes no messages.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.metrics import exposition


class MetricsInput(InputChannel):
    """The metrics endpoint, listed in credentials.production.yml."""

    @classmethod
    def name(cls) -> str:
        """`metrics`: the URL prefix `/webhooks/metrics`."""
        return "metrics"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """`GET /`: the metrics in Prometheus' text format."""
        metrics = Blueprint("metrics", __name__)

        @metrics.route("/", methods=["GET"])
        async def scrape(request: Request) -> HTTPResponse:
            body, content_type = exposition()
            return response.raw(body, content_type=content_type)

        return metrics
