"""Heating stops: recording them, ending them, and finding those that concern a community.

An outage stays "current" until someone ends it, even past its expected end: a stop that overruns
is exactly when users ask, and the bot must not claim heating is back when nobody said so.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.store.errors import InvalidInput, NotFound
from bot.store.models import OUTAGE_KINDS, Outage, OutageArea, require_aware


def add_outage(
    session: Session,
    kind: str,
    communities: Iterable[str],
    starts_at: datetime,
    expected_end_at: datetime,
    reason: str,
    now: datetime,
) -> Outage:
    """Record a planned or emergency stop covering `communities`."""
    if kind not in OUTAGE_KINDS:
        raise InvalidInput(f"outage kind must be one of {', '.join(OUTAGE_KINDS)}, got {kind!r}")
    names = sorted({name.strip() for name in communities if name.strip()})
    if not names:
        raise InvalidInput("an outage must cover at least one community")
    require_aware(starts_at, "starts_at")
    require_aware(expected_end_at, "expected_end_at")
    if expected_end_at <= starts_at:
        raise InvalidInput("an outage must end after it starts")
    if not reason.strip():
        raise InvalidInput("an outage needs a reason users can be told")
    outage = Outage(
        kind=kind,
        reason=reason.strip(),
        starts_at=starts_at,
        expected_end_at=expected_end_at,
        created_at=require_aware(now, "now"),
        areas=[OutageArea(community=name) for name in names],
    )
    session.add(outage)
    session.flush()
    return outage


def update_outage(
    session: Session,
    outage_id: int,
    *,
    starts_at: datetime | None = None,
    expected_end_at: datetime | None = None,
    reason: str | None = None,
) -> Outage:
    """Move a stop not yet ended, or restate its reason; `None` keeps what was recorded."""
    outage = _open_outage(session, outage_id)
    start = require_aware(starts_at, "starts_at") if starts_at else outage.starts_at
    end = require_aware(expected_end_at, "expected_end_at") if expected_end_at else None
    end = end or outage.expected_end_at
    if end <= start:
        raise InvalidInput("an outage must end after it starts")
    if reason is not None and not reason.strip():
        raise InvalidInput("an outage needs a reason users can be told")
    outage.starts_at, outage.expected_end_at = start, end
    if reason is not None:
        outage.reason = reason.strip()
    session.flush()
    return outage


def _open_outage(session: Session, outage_id: int) -> Outage:
    outage: Outage | None = session.get(Outage, outage_id)
    if outage is None:
        raise NotFound(f"no outage {outage_id}")
    if outage.ended_at is not None:
        raise InvalidInput(f"outage {outage_id} already ended at {outage.ended_at.isoformat()}")
    return outage


def end_outage(session: Session, outage_id: int, ended_at: datetime) -> Outage:
    """Mark the outage over (heating restored, or a planned stop called off)."""
    outage = _open_outage(session, outage_id)
    outage.ended_at = require_aware(ended_at, "ended_at")
    session.flush()
    return outage


def outages_for_community(
    session: Session, community: str, now: datetime, horizon_days: int = 7
) -> list[Outage]:
    """Outages of `community` not yet ended that are under way or start within the horizon."""
    horizon = require_aware(now, "now") + timedelta(days=horizon_days)
    query = (
        select(Outage)
        .join(OutageArea, OutageArea.outage_id == Outage.id)
        .where(
            OutageArea.community == community,
            Outage.ended_at.is_(None),
            Outage.starts_at <= horizon,
        )
        .order_by(Outage.starts_at, Outage.id)
    )
    return list(session.execute(query).scalars())


def list_outages(session: Session, include_ended: bool = False) -> list[Outage]:
    """All outages not yet ended (or all of them), latest start first, for operators."""
    query = select(Outage).order_by(Outage.starts_at.desc(), Outage.id.desc())
    if not include_ended:
        query = query.where(Outage.ended_at.is_(None))
    return list(session.execute(query).scalars())
