"""Provider access tokens cached once for all processes (WeChat limits how often one is fetched).

The Rasa server, the console and the scheduler all push WeChat messages; each fetching its own
token would invalidate the others' and burn the daily quota, so the token lives in the database.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.store.models import ApiToken, require_aware


def valid_token(
    session: Session, name: str, now: datetime, margin: timedelta = timedelta(minutes=5)
) -> str | None:
    """The cached token if it stays valid for at least `margin`, else `None`."""
    row = session.execute(select(ApiToken).where(ApiToken.name == name)).scalar_one_or_none()
    if row is None or row.expires_at - margin <= require_aware(now, "now"):
        return None
    return str(row.value)


def save_token(session: Session, name: str, value: str, expires_at: datetime) -> None:
    """Store a freshly fetched token, replacing the old one."""
    row = session.get(ApiToken, name)
    if row is None:
        session.add(ApiToken(name=name, value=value, expires_at=require_aware(expires_at)))
    else:
        row.value = value
        row.expires_at = require_aware(expires_at)
    session.flush()


def forget_token(session: Session, name: str, value: str) -> None:
    """Drop the cached token the provider rejected (only if nobody replaced it meanwhile)."""
    session.execute(delete(ApiToken).where(ApiToken.name == name, ApiToken.value == value))
