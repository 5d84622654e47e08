"""The standard's own quality figures, each against the policy's target: the report's first page.

人工接通率, 室温达标率, 客户满意度, 一次解决率 and 时限达标率 are what a heating company is judged
by; how each is counted and the line it must reach are in the policy (`quality`, see
docs/report.md), never here. Pure functions of the rows, like `figures`: a figure with nothing to
count is `None` and is neither green nor red.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from bot.policy import Policy
from bot.report.definitions import FIGURE_NAMES
from bot.report.figures import (
    HandoffRow,
    Period,
    RoomReading,
    SurveyRow,
    TicketRow,
    in_period,
    rate,
)
from bot.services.deadlines import met_at

#: Ticket kinds a resident raises to have something put right; 报停 is an application and 回电 is
#: the company's own call-back, so neither has a "first time" to be solved in.
FIRST_CONTACT_KINDS = ("BX", "CW", "TS")

#: The first page's figures, in the order they are shown.
HEADLINE = (
    "answer_rate",
    "room_temperature_rate",
    "satisfaction",
    "first_contact_resolution",
    "deadline_compliance",
)


def answer_rate(
    handoffs: Iterable[HandoffRow], period: Period, as_of: datetime, within_seconds: int
) -> dict[str, Any]:
    """Hand-offs created in the period that a person took within `within_seconds`.

    One still waiting at `as_of` that has not yet waited that long may still be answered in
    time, so it is left out (`waiting`); every other one counts, taken late or never.
    """
    limit = timedelta(seconds=within_seconds)
    chosen = [h for h in handoffs if h.created_at in period]
    answered = sum(
        1 for h in chosen if h.picked_at is not None and h.picked_at - h.created_at <= limit
    )
    waiting = sum(1 for h in chosen if h.picked_at is None and as_of - h.created_at < limit)
    counted = len(chosen) - waiting
    return {
        "within_seconds": within_seconds,
        "handoffs": len(chosen),
        "answered": answered,
        "not_answered": counted - answered,
        "waiting": waiting,
        "rate": rate(answered, counted),
    }


def meets_minimum(reading: RoomReading, minimum_c: float) -> bool:
    """A room at or above the legal minimum (the policy's `room_temperature.minimum_c`)."""
    return reading.temperature_c >= minimum_c


def room_temperature(
    readings: Iterable[RoomReading], period: Period, minimum_c: float
) -> dict[str, Any]:
    """Room readings taken in the period, how many reach the minimum, and where they came from."""
    chosen = [r for r in readings if r.at in period]
    compliant = sum(1 for r in chosen if meets_minimum(r, minimum_c))
    sources: dict[str, int] = {}
    for reading in chosen:
        sources[reading.source] = sources.get(reading.source, 0) + 1
    return {
        "minimum_c": minimum_c,
        "readings": len(chosen),
        "compliant": compliant,
        "rate": rate(compliant, len(chosen)),
        "by_source": sources,
    }


def household(ticket: TicketRow) -> str:
    """Who a ticket is for: the account, else the address, else the sender on its channel."""
    return ticket.account_no or ticket.address or f"{ticket.channel}:{ticket.sender_id}"


def first_contact_resolution(
    tickets: Iterable[TicketRow],
    surveys: Iterable[SurveyRow],
    period: Period,
    repeat_days: int,
    low_rating_max: int,
) -> dict[str, Any]:
    """报修, 测温 and 投诉 tickets created in the period and finished, and how many stayed solved.

    A finished ticket was not solved at first contact when the same household opened another
    ticket of the same kind within `repeat_days` after it was finished, or rated it
    `low_rating_max` or less. `tickets` should reach `repeat_days` past the period to see repeats.
    """
    rows = list(tickets)
    window = timedelta(days=repeat_days)
    low_rated = {
        s.ticket_no for s in surveys if s.rating is not None and s.rating <= low_rating_max
    }
    finished = repeats = unhappy = 0
    for ticket in in_period(rows, period):
        done_at = met_at("resolve", ticket.events)
        if ticket.kind not in FIRST_CONTACT_KINDS or ticket.status != "done" or done_at is None:
            continue
        finished += 1
        again = any(
            other.ticket_no != ticket.ticket_no
            and other.kind == ticket.kind
            and household(other) == household(ticket)
            and done_at <= other.created_at <= done_at + window
            for other in rows
        )
        repeats += again
        unhappy += not again and ticket.ticket_no in low_rated
    solved = finished - repeats - unhappy
    return {
        "repeat_days": repeat_days,
        "finished": finished,
        "solved": solved,
        "repeated": repeats,
        "low_rated": unhappy,
        "rate": rate(solved, finished),
    }


def deadline_compliance(deadlines: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """All deadlines together: met in time ÷ judged (the per-deadline counts of `figures`)."""
    met = sum(int(counts["met"]) for counts in deadlines.values())
    judged = sum(int(counts["judged"]) for counts in deadlines.values())
    return {"met": met, "judged": judged, "rate": rate(met, judged)}


def headline(figures: Mapping[str, Mapping[str, Any]], policy: Policy) -> dict[str, Any]:
    """Each first-page figure's Chinese name and value beside its target; `met` is `None` when
    there is no value.

    `figures` maps every name of `HEADLINE` to a figure with a `rate`.
    """
    targets = policy.quality.targets
    result: dict[str, Any] = {}
    for name in HEADLINE:
        value = figures[name]["rate"]
        target: float = getattr(targets, name)
        result[name] = {
            "name": FIGURE_NAMES[name],
            "value": value,
            "target": target,
            "met": None if value is None else value >= target,
        }
    return result
