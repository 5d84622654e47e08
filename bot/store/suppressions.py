"""Opt-outs: an address that sent 退订 / TD gets one confirmation and nothing else, ever.

Ending subscriptions is not enough for SMS: a notice fan-out, a reminder or a survey must all ask
here first, whatever topic they belong to. Only the address itself lifts it, by asking to be
subscribed again (`lift`, from bot.services.subscriptions): a new, explicit consent.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.store.db import get_or_create
from bot.store.models import Suppression, require_aware


def _find(session: Session, channel: str, address: str) -> Suppression | None:
    found: Suppression | None = session.execute(
        select(Suppression).where(Suppression.channel == channel, Suppression.address == address)
    ).scalar_one_or_none()
    return found


def suppress(session: Session, channel: str, address: str, word: str, now: datetime) -> bool:
    """Put `address` on the suppression list; true only the first time (confirm once)."""
    require_aware(now, "now")
    created = False

    def create() -> Suppression:
        nonlocal created
        row = Suppression(channel=channel, address=address, word=word[:16], created_at=now)
        session.add(row)
        session.flush()
        created = True
        return row

    get_or_create(session, lambda: _find(session, channel, address), create)
    return created


def is_suppressed(session: Session, channel: str, address: str) -> bool:
    """Whether `address` opted out on `channel` (no notice, reminder or survey may go to it)."""
    return _find(session, channel, address) is not None


def lift(session: Session, channel: str, address: str) -> bool:
    """Take `address` off the suppression list (it asked for notices again); true if it was on."""
    row = _find(session, channel, address)
    if row is None:
        return False
    session.delete(row)
    session.flush()
    return True
