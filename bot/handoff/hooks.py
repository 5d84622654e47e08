"""The hand-off core's event hook: who wants to know when a conversation opens, is picked or ends.

The core (queue, moves, time-outs, the call centre's moves) announces each of these changes here
and knows nothing of who listens. The call-centre webhook is one listener (`bot.handoff.webhook`,
subscribed by `bot/handoff/__init__.py`); a listener writes in the same database transaction as
the change, so an outbox row exists exactly when the change was committed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy.orm import Session

from bot.handoff.views import HandoffView, view
from bot.store.models import HandoffSession

Kind = Literal["opened", "picked", "closed", "timed_out"]


@dataclass(frozen=True)
class Change:
    """What happened to a conversation: its state just after, and the transcript when one goes with
    it (on `opened` and `timed_out`; empty on the others)."""

    kind: Kind
    session: HandoffView
    transcript: list[dict[str, Any]]
    at: datetime


Listener = Callable[[Session, Change], None]

_listeners: list[Listener] = []


def subscribe(listener: Listener) -> None:
    """Call `listener` with the database session and the change after every change (once)."""
    if listener not in _listeners:
        _listeners.append(listener)


def unsubscribe(listener: Listener) -> None:
    """Stop calling `listener`; unknown listeners are ignored."""
    if listener in _listeners:
        _listeners.remove(listener)


def emit(
    session: Session,
    handoff: HandoffSession,
    kind: Kind,
    transcript: list[dict[str, Any]],
    now: datetime,
) -> None:
    """Tell every listener about `kind` happening to `handoff`, inside the caller's transaction.

    The row is flushed and refreshed first, so the view carries its id, its times and the agent
    who holds it now; with no listener there is nothing to read back.
    """
    if not _listeners:
        return
    session.flush()
    session.refresh(handoff)
    change = Change(kind, view(handoff), transcript, now)
    for listener in list(_listeners):
        listener(session, change)
