"""Where the period's figures come from: day by day, community by community, the slowest tickets
and what unhappy residents wrote. Managers act on these rows, so each one names real things
(a day, a community, a ticket number, the resident's own words). Pure, like `figures`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from bot.report.figures import (
    Period,
    RoomReading,
    SurveyRow,
    TicketRow,
    in_period,
    missed_deadlines,
    rate,
)
from bot.report.standard import meets_minimum
from bot.services.deadlines import met_at

#: How tickets and readings without a community are grouped.
NO_COMMUNITY = "未填写小区"
SLOWEST = 10


def _day(moment: datetime, period: Period) -> date:
    """The company-time day of `moment` (the period's own zone)."""
    return moment.astimezone(period.start.tzinfo).date()


def by_day(
    tickets: Iterable[TicketRow],
    readings: Iterable[RoomReading],
    period: Period,
    as_of: datetime,
    minimum_c: float,
) -> list[dict[str, Any]]:
    """Every day of the period, quiet ones included: tickets created, their missed deadlines,
    room readings and how many reached the minimum."""
    first, last = _day(period.start, period), _day(period.end - timedelta(seconds=1), period)
    days = {first + timedelta(days=n): [0, 0, 0, 0] for n in range((last - first).days + 1)}
    for ticket in in_period(tickets, period):
        counts = days[_day(ticket.created_at, period)]
        counts[0] += 1
        counts[1] += len(missed_deadlines(ticket, as_of))
    for reading in readings:
        if reading.at in period:
            counts = days[_day(reading.at, period)]
            counts[2] += 1
            counts[3] += meets_minimum(reading, minimum_c)
    return [
        {"day": day.isoformat(), "tickets": t, "breaches": b, "readings": r, "compliant": c}
        for day, (t, b, r, c) in days.items()
    ]


def by_community(
    tickets: Iterable[TicketRow],
    readings: Iterable[RoomReading],
    period: Period,
    as_of: datetime,
    minimum_c: float,
) -> list[dict[str, Any]]:
    """Per community: tickets, missed deadlines, 测温 tickets, room readings and their 达标率;
    busiest first."""
    rows: dict[str, dict[str, Any]] = {}

    def row(name: str | None) -> dict[str, Any]:
        key = name or NO_COMMUNITY
        return rows.setdefault(
            key,
            {"community": key, "tickets": 0, "breaches": 0, "cw_tickets": 0, "readings": 0,
             "compliant": 0},
        )  # fmt: skip

    for ticket in in_period(tickets, period):
        counts = row(ticket.community)
        counts["tickets"] += 1
        counts["breaches"] += len(missed_deadlines(ticket, as_of))
        counts["cw_tickets"] += ticket.kind == "CW"
    for reading in readings:
        if reading.at in period:
            counts = row(reading.community)
            counts["readings"] += 1
            counts["compliant"] += meets_minimum(reading, minimum_c)
    for counts in rows.values():
        counts["rate"] = rate(counts["compliant"], counts["readings"])
    return sorted(rows.values(), key=lambda r: (-r["tickets"], -r["readings"], r["community"]))


def slowest(
    tickets: Iterable[TicketRow], period: Period, as_of: datetime, limit: int = SLOWEST
) -> list[dict[str, Any]]:
    """The tickets of the period that took longest: finished ones from creation to 办结, open
    ones from creation to `as_of` (still counting). Cancelled ones are left out."""
    found: list[dict[str, Any]] = []
    for ticket in in_period(tickets, period):
        if ticket.status == "cancelled":
            continue
        done_at = met_at("resolve", ticket.events)
        end = done_at if done_at is not None else as_of
        found.append(
            {
                "ticket_no": ticket.ticket_no,
                "kind": ticket.kind,
                "community": ticket.community or NO_COMMUNITY,
                "created_at": ticket.created_at.isoformat(),
                "done_at": None if done_at is None else done_at.isoformat(),
                "status": ticket.status,
                "hours": round((end - ticket.created_at).total_seconds() / 3600, 1),
            }
        )
    found.sort(key=lambda r: (-r["hours"], r["ticket_no"]))
    return found[:limit]


def low_ratings(
    surveys: Iterable[SurveyRow], period: Period, low_rating_max: int
) -> dict[str, Any]:
    """Ratings of `low_rating_max` or less given in the period, and the comments written with them,
    word for word (newest first)."""
    low = [
        s
        for s in surveys
        if s.rating is not None and s.rating <= low_rating_max and s.answered_at in period
    ]
    low.sort(key=lambda s: s.answered_at or s.asked_at, reverse=True)
    return {
        "low_rating_max": low_rating_max,
        "low": len(low),
        "comments": [
            {
                "ticket_no": s.ticket_no,
                "rating": s.rating,
                "answered_at": (s.answered_at or s.asked_at).isoformat(),
                "comment": s.comment.strip(),
            }
            for s in low
            if s.comment and s.comment.strip()
        ],
    }
