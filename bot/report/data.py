"""Reading the report's rows: tickets, surveys, hand-offs, accounts and room readings from the
ticket store, user turns from the `conversation_events` table the broker consumer fills (`python
-m bot events consume`), or from Rasa's tracker store where no consumer runs (the default
profile). The only part of the report that touches a database.

The tracker store may be absent (no conversations yet, or a separate PostgreSQL database this
process cannot reach): then `read_tracker` answers `None` and the report says "no conversation
data" instead of failing. A missing SQLite file is never created.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, func, inspect, or_, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.orm import Session

from bot.config import PROJECT_ROOT
from bot.policy import Policy, load_policy
from bot.report.compose import compute
from bot.report.figures import (
    EventRow,
    HandoffRow,
    Period,
    ReportData,
    RoomReading,
    SurveyRow,
    TicketRow,
    TrackerRow,
)
from bot.store import conversation_events
from bot.store.models import Account, HandoffSession, Survey, Ticket, TicketEvent

logger = logging.getLogger(__name__)

#: How far past the period's end the tracker is read, to see the action after its last turn.
TRACKER_TAIL = timedelta(hours=1)


def default_tracker_url(environ: Mapping[str, str] | None = None) -> str:
    """`TRACKER_DB_URL`; else the production profile's `TRACKER_DB_*` variables; else the
    default profile's SQLite file `var/tracker.db` (endpoints.yml)."""
    env = os.environ if environ is None else environ
    if env.get("TRACKER_DB_URL", "").strip():
        return env["TRACKER_DB_URL"].strip()
    host = env.get("TRACKER_DB_HOST", "").strip()
    if host:
        user = env.get("TRACKER_DB_USER", "").strip()
        password = env.get("TRACKER_DB_PASSWORD", "")
        credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
        port = env.get("TRACKER_DB_PORT", "5432").strip() or "5432"
        name = env.get("TRACKER_DB_NAME", "rasa").strip() or "rasa"
        return f"postgresql://{credentials}{host}:{port}/{name}"
    return f"sqlite:///{PROJECT_ROOT / 'var' / 'tracker.db'}"


def read_tickets(
    session: Session, period: Period, after: timedelta = timedelta(0)
) -> list[TicketRow]:
    """Tickets created in the period or up to `after` past its end (a repeat of a ticket of the
    period, for 一次解决率), each with its whole history (oldest entry first)."""
    query = (
        select(Ticket)
        .where(Ticket.created_at >= period.start, Ticket.created_at < period.end + after)
        .order_by(Ticket.id)
    )
    tickets = list(session.execute(query).scalars())
    history: dict[int, list[EventRow]] = {t.id: [] for t in tickets}
    ids = list(history)
    for start in range(0, len(ids), 500):
        events = (
            select(TicketEvent)
            .where(TicketEvent.ticket_id.in_(ids[start : start + 500]))
            .order_by(TicketEvent.id)
        )
        for event in session.execute(events).scalars():
            history[event.ticket_id].append(EventRow(event.at, event.kind, event.detail))
    return [
        TicketRow(
            ticket_no=t.ticket_no,
            kind=t.kind,
            channel=t.channel,
            sender_id=t.sender_id,
            status=t.status,
            created_at=t.created_at,
            first_reply_due=t.first_reply_due,
            on_site_due=t.on_site_due,
            resolve_due=t.resolve_due,
            events=tuple(history[t.id]),
            community=t.community,
            account_no=t.account_no,
            address=t.address,
            temperature=t.temperature,
        )
        for t in tickets
    ]


def read_surveys(session: Session, period: Period) -> list[SurveyRow]:
    """Surveys asked or answered in the period."""
    asked = (Survey.asked_at >= period.start) & (Survey.asked_at < period.end)
    answered = (Survey.answered_at >= period.start) & (Survey.answered_at < period.end)
    query = (
        select(Survey, Ticket.ticket_no)
        .join(Ticket, Ticket.id == Survey.ticket_id)
        .where(or_(asked, answered))
        .order_by(Survey.id)
    )
    return [
        SurveyRow(s.asked_at, s.rating, s.answered_at, ticket_no, s.comment)
        for s, ticket_no in session.execute(query)
    ]


def read_handoffs(session: Session, period: Period) -> list[HandoffRow]:
    """Hand-offs created in the period."""
    query = (
        select(HandoffSession)
        .where(HandoffSession.created_at >= period.start, HandoffSession.created_at < period.end)
        .order_by(HandoffSession.id)
    )
    return [
        HandoffRow(h.sender_id, h.created_at, h.picked_at, h.status)
        for h in session.execute(query).scalars()
    ]


#: Where a reading from a 测温 ticket came from, as the report names it.
CW_TICKET_SOURCE = "测温工单"


def read_room_readings(session: Session, period: Period) -> list[RoomReading]:
    """Every room temperature the store holds for the period: the one place 室温达标率 reads.

    Today that is the temperature on each 测温 ticket created in the period (what the resident
    measured, or what the worker recorded on site in its place), at the ticket's creation. A
    sampling campaign's results are read here too once the store keeps them, so the figures by
    community take every reading without changing.
    """
    query = (
        select(Ticket.community, Ticket.created_at, Ticket.temperature)
        .where(
            Ticket.kind == "CW",
            Ticket.status != "cancelled",
            Ticket.temperature.is_not(None),
            Ticket.created_at >= period.start,
            Ticket.created_at < period.end,
        )
        .order_by(Ticket.id)
    )
    return [
        RoomReading(community, at, float(temperature), CW_TICKET_SOURCE)
        for community, at, temperature in session.execute(query)
    ]


def count_accounts(session: Session) -> int:
    """Accounts in the store (all of them: the company's current customer base)."""
    return int(session.execute(select(func.count()).select_from(Account)).scalar_one())


def _sqlite_file_missing(url: str) -> bool:
    parsed = make_url(url)
    if not parsed.drivername.startswith("sqlite"):
        return False
    database = parsed.database or ""
    return database in ("", ":memory:") or not Path(database).is_file()


def read_tracker(url: str | None, period: Period) -> list[TrackerRow] | None:
    """The user and action events of the period (plus a short tail), or `None` if there is no
    tracker store to read: the SQLite file is missing, the server unreachable, no `events` table.
    """
    if not url:
        return None
    try:
        if _sqlite_file_missing(url):
            logger.info("no tracker store at %s", make_url(url).render_as_string())
            return None
        engine = create_engine(url, future=True)
    except (ArgumentError, SQLAlchemyError, ImportError) as error:
        logger.warning("cannot open the tracker store: %s", error)
        return None
    try:
        if not inspect(engine).has_table("events"):
            return None
        query = text(
            "SELECT sender_id, type_name, timestamp, intent_name, action_name FROM events "
            "WHERE type_name IN ('user', 'action') AND timestamp >= :start AND timestamp < :end "
            "ORDER BY sender_id, timestamp, id"
        )
        bounds = {"start": period.start.timestamp(), "end": (period.end + TRACKER_TAIL).timestamp()}
        with engine.connect() as connection:
            return [
                TrackerRow(row[0], row[1], float(row[2]), row[3], row[4])
                for row in connection.execute(query, bounds)
            ]
    except SQLAlchemyError as error:
        logger.warning("cannot read the tracker store: %s", error)
        return None
    finally:
        engine.dispose()


def read_conversation_events(session: Session, period: Period) -> list[TrackerRow]:
    """The user and action events of the period (plus the tail) from `conversation_events`."""
    end = (period.end + TRACKER_TAIL).timestamp()
    return [
        TrackerRow(e.sender_id, e.type_name, e.timestamp, e.intent_name, e.action_name)
        for e in conversation_events.in_period(session, period.start.timestamp(), end)
    ]


def collect(
    session: Session, period: Period, as_of: datetime, tracker_url: str | None, policy: Policy
) -> ReportData:
    """Every row the report needs, read in one transaction of the ticket store."""
    tracker = (
        read_conversation_events(session, period)
        if conversation_events.any_recorded(session)
        else read_tracker(tracker_url, period)
    )
    return ReportData(
        period=period,
        as_of=as_of,
        tickets=read_tickets(session, period, timedelta(days=policy.quality.repeat_days)),
        surveys=read_surveys(session, period),
        handoffs=read_handoffs(session, period),
        accounts=count_accounts(session),
        tracker=tracker,
        readings=read_room_readings(session, period),
    )


def build_report(
    session: Session,
    period: Period,
    as_of: datetime,
    tracker_url: str | None,
    policy: Policy | None = None,
) -> dict[str, Any]:
    """The report's figures for the period (what the CLI writes and the console shows), counted
    and targeted by `policy` (default: the configured one)."""
    policy = policy or load_policy()
    return compute(collect(session, period, as_of, tracker_url, policy), policy)
