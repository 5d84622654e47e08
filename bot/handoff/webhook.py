"""The call centre's webhook: what we post (the outbox) and what it posts back.

Outbound events (`handoff.opened`, `.picked`, `.closed`, `.timed_out`) come from the hand-off
core's changes: `record_change` listens on `bot.handoff.hooks` and writes each change of a
conversation that went to the `webhook` target to the outbox, in the change's own transaction;
the scheduler's hand-off jobs post them (`due_deliveries`, `outbound_headers`,
`record_delivery`). Inbound events let the call centre pick up, reply to and close a
conversation (`bot.handoff.callcentre`); they are refused unless signed with the shared secret
and sent within the last five minutes. See docs/handoff.md for the full contract.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.handoff import rules
from bot.handoff.hooks import Change
from bot.handoff.signing import (
    DELIVERY_HEADER,
    EVENT_HEADER,
    SIGNATURE_HEADER,
    body_bytes,
    fresh,
    sign,
    verify,
)
from bot.handoff.views import HandoffView
from bot.store import handoffs as store

INBOUND_KINDS = ("pickup", "reply", "close")
MAX_TEXT_CHARS = 1000
DEFAULT_AGENT = "呼叫中心"


def outbound_headers(event: str, delivery_id: int, body: bytes, secret: bytes) -> dict[str, str]:
    """The headers of one outbound post: content type, event name, delivery id, signature."""
    return {
        "Content-Type": "application/json; charset=utf-8",
        EVENT_HEADER: event,
        DELIVERY_HEADER: str(delivery_id),
        SIGNATURE_HEADER: sign(body, secret),
    }


def event_payload(
    handoff: HandoffView, event: str, transcript: list[dict[str, Any]], now: datetime
) -> dict[str, Any]:
    """The JSON the call centre receives (docs/handoff.md, "The webhook contract").

    Numbers are not masked: the call centre is the company's own and calls the user back.
    """

    def iso(moment: datetime | None) -> str | None:
        return moment.isoformat() if moment else None

    return {
        "event": event,
        "occurred_at": now.isoformat(),
        "conversation": {
            "id": handoff.id,
            "channel": handoff.channel,
            "sender_id": handoff.sender_id,
            "status": handoff.status,
            "urgency": rules.URGENCY_NAMES[handoff.urgency],
            "reason": handoff.reason,
            "holder": handoff.holder,
            "ticket_no": handoff.ticket_no,
            "callback_ticket_no": handoff.callback_ticket_no,
            "created_at": iso(handoff.created_at),
            "pickup_due": iso(handoff.pickup_due),
            "closed_at": iso(handoff.closed_at),
        },
        "collected": handoff.summary,
        "transcript": transcript,
    }


def record_change(session: Session, change: Change) -> None:
    """Write the change to the outbox when the conversation went to the webhook target."""
    if "webhook" not in change.session.targets:
        return
    event = f"handoff.{change.kind}"
    payload = event_payload(change.session, event, change.transcript, change.at)
    store.add_delivery(session, change.session.id, event, payload, change.at)


@dataclass(frozen=True)
class Outgoing:
    """One webhook event ready to post: its id, name and the exact bytes to sign and send."""

    id: int
    event: str
    body: bytes


def due_deliveries(session: Session, now: datetime) -> list[Outgoing]:
    """Webhook events whose next attempt is due."""
    return [Outgoing(d.id, d.event, body_bytes(d.body)) for d in store.due_deliveries(session, now)]


def record_delivery(session: Session, delivery_id: int, error: str | None, now: datetime) -> None:
    """Mark a delivery done, or schedule its retry (give up after the last one) with the error."""
    delivery = store.get_delivery(session, delivery_id)
    if delivery is None:
        return
    delivery.attempts += 1
    if error is None:
        delivery.status, delivery.delivered_at, delivery.last_error = "delivered", now, None
    else:
        delay = rules.retry_delay(delivery.attempts)
        delivery.last_error = error[:255]
        if delay is None:
            delivery.status = "failed"
        else:
            delivery.next_attempt_at = now + delay
    session.flush()


class InboundRejected(ValueError):
    """An inbound event refused; `status` is the HTTP status to answer with."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class InboundEvent:
    """A checked event from the call centre."""

    id: str
    kind: str
    conversation_id: int
    agent: str
    text: str | None


def _short_text(data: dict[str, object], key: str, limit: int) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip() or len(value.strip()) > limit:
        raise InboundRejected(400, f"{key} must be a non-empty text of at most {limit} characters")
    return value.strip()


def parse_inbound(body: bytes, signature: str | None, secret: bytes, now: datetime) -> InboundEvent:
    """Check the signature, freshness and fields of an inbound event, or raise `InboundRejected`."""
    if not verify(body, signature, secret):
        raise InboundRejected(401, f"missing or wrong {SIGNATURE_HEADER}")
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise InboundRejected(400, "the body must be JSON") from None
    if not isinstance(data, dict):
        raise InboundRejected(400, "the body must be a JSON object")
    if not fresh(data.get("sent_at"), now):
        raise InboundRejected(400, "sent_at must be an ISO time with offset within 5 minutes")
    event_id = _short_text(data, "id", 64)
    kind = data.get("event")
    conversation = data.get("conversation_id")
    if event_id is None:
        raise InboundRejected(400, "id is required (it makes a repeated call act once)")
    if kind not in INBOUND_KINDS:
        raise InboundRejected(400, f"event must be one of {', '.join(INBOUND_KINDS)}")
    if isinstance(conversation, bool) or not isinstance(conversation, int):
        raise InboundRejected(400, "conversation_id must be the number we sent")
    text = _short_text(data, "text", MAX_TEXT_CHARS)
    if kind == "reply" and text is None:
        raise InboundRejected(400, "a reply needs its text")
    return InboundEvent(
        id=event_id,
        kind=str(kind),
        conversation_id=conversation,
        agent=_short_text(data, "agent", 64) or DEFAULT_AGENT,
        text=text,
    )
