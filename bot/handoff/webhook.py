"""The call centre's webhook contract: headers of what we post, validation of what it posts back.

Outbound events (`handoff.opened`, `.picked`, `.closed`, `.timed_out`) are built by
`service.event_payload` and posted by the scheduler's hand-off jobs (`jobs`). Inbound events let
the call centre pick up, reply to and close a conversation; they are refused unless signed with
the shared secret and sent within the last five minutes. See docs/handoff.md for the full contract.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from bot.handoff.signing import (
    DELIVERY_HEADER,
    EVENT_HEADER,
    SIGNATURE_HEADER,
    fresh,
    sign,
    verify,
)

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
