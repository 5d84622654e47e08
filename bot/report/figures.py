"""The report's figures, computed from plain rows: no database, no clock, no I/O.

Every function takes the rows of the period and the period itself (rows outside it are ignored,
so a caller may pass more). Deadlines are judged by `bot.services.deadlines.outcome`, the rule the
deadline watch applies, so the report and the watch never disagree about a breach. A rate whose
denominator is zero is `None` (shown as "—"), never 0.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.policy import DEADLINES
from bot.services.deadlines import BREACH, LATE, MET, PENDING, outcome
from bot.store.models import TICKET_KINDS

FALLBACK_INTENT = "nlu_fallback"
FALLBACK_ACTION = "action_fallback"
TOP_INTENTS = 10


@dataclass(frozen=True)
class Period:
    """From `start` (included) to `end` (excluded), aware datetimes."""

    start: datetime
    end: datetime

    def __contains__(self, moment: datetime | None) -> bool:
        return moment is not None and self.start <= moment < self.end


def period_of(first_day: date, last_day: date, zone: ZoneInfo) -> Period:
    """The company-time days `first_day` … `last_day`, both whole days included."""
    if last_day < first_day:
        raise ValueError(f"the period ends ({last_day}) before it starts ({first_day})")
    start = datetime.combine(first_day, time(0), zone)
    end = datetime.combine(last_day + timedelta(days=1), time(0), zone)
    return Period(start, end)


@dataclass(frozen=True)
class EventRow:
    """One entry of a ticket's history (`ticket_events`)."""

    at: datetime
    kind: str
    detail: Any = None


@dataclass(frozen=True)
class TicketRow:
    """A ticket with its history, oldest entry first."""

    ticket_no: str
    kind: str
    channel: str
    sender_id: str
    status: str
    created_at: datetime
    first_reply_due: datetime | None = None
    on_site_due: datetime | None = None
    resolve_due: datetime | None = None
    events: tuple[EventRow, ...] = ()
    community: str | None = None
    account_no: str | None = None
    address: str | None = None
    temperature: float | None = None

    def due(self, deadline: str) -> datetime | None:
        value: datetime | None = getattr(self, f"{deadline}_due")
        return value


@dataclass(frozen=True)
class SurveyRow:
    """A satisfaction survey (`surveys`): asked, and rated 1–5 or not (yet)."""

    asked_at: datetime
    rating: int | None = None
    answered_at: datetime | None = None
    ticket_no: str = ""
    comment: str | None = None


@dataclass(frozen=True)
class HandoffRow:
    """A hand-off to people (`handoff_sessions`)."""

    sender_id: str
    created_at: datetime
    picked_at: datetime | None = None
    status: str = "closed"


@dataclass(frozen=True)
class TrackerRow:
    """One event of Rasa's tracker store (table `events`); `timestamp` in Unix seconds."""

    sender_id: str
    type_name: str
    timestamp: float
    intent_name: str | None = None
    action_name: str | None = None


@dataclass(frozen=True)
class RoomReading:
    """One room temperature in a household, wherever the store has it (a 测温 ticket, a sample).

    `source` says where it came from in words a manager reads (测温工单).
    """

    community: str | None
    at: datetime
    temperature_c: float
    source: str


@dataclass
class ReportData:
    """Everything the report is computed from. `tracker` is `None` when there is no store."""

    period: Period
    as_of: datetime
    tickets: list[TicketRow] = field(default_factory=list)
    surveys: list[SurveyRow] = field(default_factory=list)
    handoffs: list[HandoffRow] = field(default_factory=list)
    accounts: int = 0
    tracker: list[TrackerRow] | None = None
    readings: list[RoomReading] = field(default_factory=list)


def rate(part: int, whole: int) -> float | None:
    """`part / whole` rounded to four places, or `None` when there is nothing to divide by."""
    return round(part / whole, 4) if whole else None


def in_period(tickets: Iterable[TicketRow], period: Period) -> list[TicketRow]:
    """The tickets created in the period."""
    return [t for t in tickets if t.created_at in period]


# ---- tickets ------------------------------------------------------------------------------------


def tickets_by_kind(tickets: Iterable[TicketRow], period: Period) -> dict[str, int]:
    """Tickets created in the period per kind (every kind listed, zeros included)."""
    counted = Counter(t.kind for t in in_period(tickets, period))
    return {kind: counted.get(kind, 0) for kind in TICKET_KINDS}


def tickets_by_channel(tickets: Iterable[TicketRow], period: Period) -> dict[str, int]:
    """Tickets created in the period per channel, most first."""
    counted = Counter(t.channel for t in in_period(tickets, period))
    return dict(sorted(counted.items(), key=lambda item: (-item[1], item[0])))


def deadline_outcomes(
    tickets: Iterable[TicketRow], period: Period, as_of: datetime
) -> dict[str, dict[str, Any]]:
    """Per deadline: met in time, met late, passed unmet, not yet due, and the on-time rate.

    Tickets created in the period that carry the deadline; judged at `as_of` with the watch's
    rule. On-time rate = met ÷ (met + late + breach); pending and unjudged ones are left out.
    """
    result: dict[str, dict[str, Any]] = {}
    chosen = in_period(tickets, period)
    for deadline in DEADLINES:
        counts = {MET: 0, LATE: 0, BREACH: 0, PENDING: 0}
        for ticket in chosen:
            verdict = outcome(deadline, ticket.due(deadline), ticket.events, ticket.status, as_of)
            if verdict is not None:
                counts[verdict] += 1
        judged = counts[MET] + counts[LATE] + counts[BREACH]
        result[deadline] = {**counts, "judged": judged, "on_time_rate": rate(counts[MET], judged)}
    return result


def missed_deadlines(ticket: TicketRow, as_of: datetime) -> list[str]:
    """The ticket's deadlines met late or passed unmet at `as_of` (the watch's rule)."""
    return [
        deadline
        for deadline in DEADLINES
        if outcome(deadline, ticket.due(deadline), ticket.events, ticket.status, as_of)
        in (LATE, BREACH)
    ]


def breaches(tickets: Iterable[TicketRow], period: Period, as_of: datetime) -> dict[str, Any]:
    """Deadlines missed (met late or passed unmet), counted once per ticket and deadline."""
    by_kind: Counter[str] = Counter()
    by_deadline: Counter[str] = Counter()
    for ticket in in_period(tickets, period):
        for deadline in missed_deadlines(ticket, as_of):
            by_kind[ticket.kind] += 1
            by_deadline[deadline] += 1
    return {
        "total": sum(by_kind.values()),
        "by_kind": {kind: by_kind.get(kind, 0) for kind in TICKET_KINDS},
        "by_deadline": {deadline: by_deadline.get(deadline, 0) for deadline in DEADLINES},
    }


def complaints_per_thousand(
    tickets: Iterable[TicketRow], period: Period, accounts: int
) -> dict[str, Any]:
    """TS tickets created in the period per 1,000 accounts in the store."""
    complaints = sum(1 for t in in_period(tickets, period) if t.kind == "TS")
    per = round(complaints * 1000 / accounts, 2) if accounts else None
    return {"complaints": complaints, "accounts": accounts, "per_1000": per}


# ---- surveys ------------------------------------------------------------------------------------


def satisfaction(
    surveys: Iterable[SurveyRow], period: Period, satisfied_min: int
) -> dict[str, Any]:
    """Ratings given in the period: the 1–5 distribution and the share of `satisfied_min` or more
    (the policy's `quality.satisfied_min_rating`), which is the standard's 客户满意度."""
    rows = list(surveys)
    asked = sum(1 for s in rows if s.asked_at in period)
    ratings = [s.rating for s in rows if s.rating is not None and s.answered_at in period]
    distribution = {str(score): ratings.count(score) for score in range(1, 6)}
    satisfied = sum(1 for r in ratings if r >= satisfied_min)
    return {
        "asked": asked,
        "rated": len(ratings),
        "satisfied": satisfied,
        "rate": rate(satisfied, len(ratings)),
        "distribution": distribution,
    }


# ---- hand-offs and conversations ----------------------------------------------------------------


def handoff_wait(handoffs: Iterable[HandoffRow], period: Period) -> dict[str, Any]:
    """Hand-offs created in the period, and the minutes from creation to an agent's pick-up."""
    chosen = [h for h in handoffs if h.created_at in period]
    waits = [
        (h.picked_at - h.created_at).total_seconds() / 60 for h in chosen if h.picked_at is not None
    ]

    def minutes(value: float | None) -> float | None:
        return None if value is None else round(value, 1)

    return {
        "sessions": len(chosen),
        "picked": len(waits),
        "not_picked": len(chosen) - len(waits),
        "mean_minutes": minutes(statistics.fmean(waits) if waits else None),
        "median_minutes": minutes(statistics.median(waits) if waits else None),
        "max_minutes": minutes(max(waits) if waits else None),
    }


def _user_turns(tracker: Sequence[TrackerRow], period: Period) -> list[tuple[TrackerRow, bool]]:
    """Each user turn in the period and whether it fell back (see `conversations`)."""
    start, end = period.start.timestamp(), period.end.timestamp()
    by_sender: dict[str, list[TrackerRow]] = {}
    for row in tracker:
        by_sender.setdefault(row.sender_id, []).append(row)
    turns: list[tuple[TrackerRow, bool]] = []
    for rows in by_sender.values():
        rows.sort(key=lambda r: r.timestamp)  # stable: ties keep the store's order
        for index, row in enumerate(rows):
            if row.type_name != "user" or not start <= row.timestamp < end:
                continue
            fell_back = row.intent_name == FALLBACK_INTENT
            for later in rows[index + 1 :]:
                if later.type_name == "user":
                    break
                if later.type_name == "action" and later.action_name == FALLBACK_ACTION:
                    fell_back = True
                    break
            turns.append((row, fell_back))
    return turns


def conversations(
    tracker: Sequence[TrackerRow] | None,
    handoffs: Iterable[HandoffRow],
    tickets: Iterable[TicketRow],
    period: Period,
) -> dict[str, Any] | None:
    """The conversation figures, or `None` when the tracker store has no user turn in the period.

    A conversation is a sender with user messages in the period. Self-service: no hand-off
    created in the period and no RG (call-back) ticket created in the period for that sender.
    Hand-off rate: conversations with a hand-off. Fallback rate: user turns whose intent was
    `nlu_fallback` or that were followed by `action_fallback` before the next user turn.
    """
    if not tracker:
        return None
    turns = _user_turns(tracker, period)
    if not turns:
        return None
    senders = {row.sender_id for row, _ in turns}
    handed = {h.sender_id for h in handoffs if h.created_at in period} & senders
    called_back = {t.sender_id for t in in_period(tickets, period) if t.kind == "RG"} & senders
    self_served = senders - handed - called_back
    fell_back = sum(1 for _, fallback in turns if fallback)
    intents = Counter(row.intent_name or "(none)" for row, _ in turns)
    top = sorted(intents.items(), key=lambda item: (-item[1], item[0]))[:TOP_INTENTS]
    return {
        "conversations": len(senders),
        "self_service": len(self_served),
        "self_service_rate": rate(len(self_served), len(senders)),
        "handed_off": len(handed),
        "handoff_rate": rate(len(handed), len(senders)),
        "user_turns": len(turns),
        "fallback_turns": fell_back,
        "fallback_rate": rate(fell_back, len(turns)),
        "top_intents": [
            {"intent": name, "count": count, "share": rate(count, len(turns))}
            for name, count in top
        ],
    }
