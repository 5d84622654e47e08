"""Satisfaction surveys (回访): one per finished ticket, found again by the sender who answers."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.store.db import get_or_create
from bot.store.models import Survey, Ticket, require_aware


def survey_of(session: Session, ticket: Ticket) -> Survey | None:
    """The survey of `ticket`, if one was opened."""
    found: Survey | None = session.execute(
        select(Survey).where(Survey.ticket_id == ticket.id)
    ).scalar_one_or_none()
    return found


def open_survey(
    session: Session, ticket: Ticket, asked_at: datetime, answer_by: datetime
) -> tuple[Survey, bool]:
    """The survey of `ticket`, created if missing; the flag says whether this call created it.

    Asked of whoever opened the ticket, on the channel they used. Two processes opening the same
    survey at once end with one row (the ticket id is unique).
    """
    require_aware(asked_at, "asked_at")
    require_aware(answer_by, "answer_by")
    created = False

    def create() -> Survey:
        nonlocal created
        survey = Survey(
            ticket_id=ticket.id,
            channel=ticket.channel,
            sender_id=ticket.sender_id,
            asked_at=asked_at,
            answer_by=answer_by,
        )
        session.add(survey)
        session.flush()
        created = True
        return survey

    survey = get_or_create(session, lambda: survey_of(session, ticket), create)
    return survey, created


def surveys_of_sender(
    session: Session, channel: str, sender_id: str, limit: int = 10
) -> list[Survey]:
    """The sender's newest surveys first."""
    query = (
        select(Survey)
        .where(Survey.channel == channel, Survey.sender_id == sender_id)
        .order_by(Survey.asked_at.desc(), Survey.id.desc())
        .limit(limit)
    )
    return list(session.execute(query).scalars())


def done_without_survey(session: Session, since: datetime, kinds: Collection[str]) -> list[Ticket]:
    """Tickets of `kinds` done since `since` (by last change) with no survey yet, oldest first."""
    query = (
        select(Ticket)
        .outerjoin(Survey, Survey.ticket_id == Ticket.id)
        .where(
            Ticket.status == "done",
            Ticket.kind.in_(list(kinds)),
            Ticket.updated_at >= require_aware(since, "since"),
            Survey.id.is_(None),
        )
        .order_by(Ticket.updated_at, Ticket.id)
    )
    return list(session.execute(query).scalars())
