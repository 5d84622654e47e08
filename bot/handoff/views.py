"""`HandoffView`: a hand-off session as every caller sees it, detached from the database.

The store hands out ORM rows that are only valid inside their database session; the console, the
actions and the hook listeners get this frozen copy instead, so nothing reads a row after its
transaction ended.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.store.models import HandoffSession


@dataclass(frozen=True)
class HandoffView:
    """A hand-off session, detached from the database session."""

    id: int
    channel: str
    sender_id: str
    status: str
    urgency: int
    reason: str
    targets: tuple[str, ...]
    paused: bool
    summary: dict[str, Any]
    ticket_no: str | None
    agent_id: int | None
    agent_name: str | None
    external_agent: str | None
    callback_ticket_no: str | None
    created_at: datetime
    pickup_due: datetime
    picked_at: datetime | None
    closed_at: datetime | None

    @property
    def holder(self) -> str | None:
        """Who holds the conversation: an agent's name, the call centre's, or nobody."""
        return self.agent_name or self.external_agent


def view(handoff: HandoffSession) -> HandoffView:
    """A `HandoffView` of an ORM session (call inside the database session)."""
    return HandoffView(
        id=handoff.id,
        channel=handoff.channel,
        sender_id=handoff.sender_id,
        status=handoff.status,
        urgency=handoff.urgency,
        reason=handoff.reason,
        targets=tuple(t for t in handoff.targets.split(",") if t),
        paused=bool(handoff.paused),
        summary=dict(handoff.summary or {}),
        ticket_no=handoff.ticket_no,
        agent_id=handoff.agent_id,
        agent_name=handoff.agent.display_name if handoff.agent else None,
        external_agent=handoff.external_agent,
        callback_ticket_no=handoff.callback_ticket_no,
        created_at=handoff.created_at,
        pickup_due=handoff.pickup_due,
        picked_at=handoff.picked_at,
        closed_at=handoff.closed_at,
    )
