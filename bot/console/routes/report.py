"""The quality report for supervisors: its figures and their definitions (docs/report.md)."""

from __future__ import annotations

from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.config import settings as process_settings
from bot.console.api import ApiError, actor_of, console_of, day
from bot.labels import CHANNEL_NAMES
from bot.report.data import build_report
from bot.report.definitions import definitions
from bot.report.figures import period_of
from bot.store.db import in_session

MAX_REPORT_DAYS = 366

report = Blueprint("report")


@report.get("/api/report")
async def figures(request: Request) -> HTTPResponse:
    """The report of `from`..`to` (local days, at most `MAX_REPORT_DAYS`), supervisors only."""
    if not actor_of(request).supervisor:
        raise ApiError(403, "质量报表仅主管可查看")
    first, last = day(request, "from"), day(request, "to")
    if last < first:
        raise ApiError(400, "结束日期早于开始日期")
    if (last - first).days >= MAX_REPORT_DAYS:
        raise ApiError(400, f"统计期最长 {MAX_REPORT_DAYS} 天")
    console = console_of(request)
    period = period_of(first, last, process_settings().timezone)
    built = await in_session(
        build_report, period, console.now(), console.tracker_db, console.policy
    )
    return response.json(
        {
            "report": built,
            "definitions": definitions(console.policy),
            "channel_names": CHANNEL_NAMES,
        }
    )
