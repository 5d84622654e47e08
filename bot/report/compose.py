"""The whole report from its rows: every figure of `figures`, `standard` and `breakdown` in one
JSON-ready mapping (what the console answers, and what the HTML, CSV and workbook are written
from), plus its flat `(figure, key, value)` form for the CSV."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.policy import Policy
from bot.report import breakdown, standard
from bot.report.figures import (
    ReportData,
    breaches,
    complaints_per_thousand,
    conversations,
    deadline_outcomes,
    handoff_wait,
    in_period,
    satisfaction,
    tickets_by_channel,
    tickets_by_kind,
)

#: The key that names each row of a list-valued figure in the CSV.
ROW_KEYS = {
    "top_intents": "intent",
    "by_day": "day",
    "communities": "community",
    "slowest": "ticket_no",
    "comments": "ticket_no",
}


def compute(data: ReportData, policy: Policy) -> dict[str, Any]:
    """Every figure of the report for `data`'s period, counted and targeted by `policy`."""
    period, tickets, quality = data.period, data.tickets, policy.quality
    minimum_c = policy.room_temperature.minimum_c
    low_max = policy.follow_up.low_rating_max
    deadlines = deadline_outcomes(tickets, period, data.as_of)
    measured = {
        "answer_rate": standard.answer_rate(
            data.handoffs, period, data.as_of, quality.answer_within_seconds
        ),
        "room_temperature_rate": standard.room_temperature(data.readings, period, minimum_c),
        "satisfaction": satisfaction(data.surveys, period, quality.satisfied_min_rating),
        "first_contact_resolution": standard.first_contact_resolution(
            tickets, data.surveys, period, quality.repeat_days, low_max
        ),
        "deadline_compliance": standard.deadline_compliance(deadlines),
    }
    return {
        "period": {
            "from": period.start.isoformat(),
            "to": period.end.isoformat(),
            "first_day": period.start.date().isoformat(),
            "last_day": (period.end - timedelta(days=1)).date().isoformat(),
        },
        "as_of": data.as_of.isoformat(),
        "standard": standard.headline(measured, policy),
        **measured,
        "tickets": {
            "total": len(in_period(tickets, period)),
            "by_kind": tickets_by_kind(tickets, period),
            "by_channel": tickets_by_channel(tickets, period),
        },
        "deadlines": deadlines,
        "breaches": breaches(tickets, period, data.as_of),
        "by_day": breakdown.by_day(tickets, data.readings, period, data.as_of, minimum_c),
        "communities": breakdown.by_community(
            tickets, data.readings, period, data.as_of, minimum_c
        ),
        "slowest": breakdown.slowest(tickets, period, data.as_of),
        "low_ratings": breakdown.low_ratings(data.surveys, period, low_max),
        "handoff_wait": handoff_wait(data.handoffs, period),
        "conversations": conversations(data.tracker, data.handoffs, tickets, period),
        "complaints": complaints_per_thousand(tickets, period, data.accounts),
    }


def flatten(report: dict[str, Any]) -> list[tuple[str, str, Any]]:
    """The report as `(figure, key, value)` rows for the CSV: `("deadlines", "on_site.met", 3)`;
    a row of a list is keyed by what names it (`by_day.2026-11-03.tickets`)."""
    rows: list[tuple[str, str, Any]] = []

    def walk(figure: str, prefix: str, value: Any) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(figure, f"{prefix}.{key}" if prefix else str(key), inner)
        elif isinstance(value, list):
            name = ROW_KEYS[prefix.rsplit(".", 1)[-1] or figure]
            for item in value:
                rest = {key: inner for key, inner in item.items() if key != name}
                walk(figure, f"{prefix}.{item[name]}" if prefix else str(item[name]), rest)
        else:
            rows.append((figure, prefix, value))

    for figure, value in report.items():
        if figure in ("period", "as_of"):
            continue
        if value is None:
            rows.append((figure, "", "no conversation data"))
        else:
            walk(figure, "", value)
    return rows
