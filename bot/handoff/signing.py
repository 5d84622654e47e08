"""The webhook signature, both directions: HMAC-SHA256 of the exact body bytes.

We sign what we post to the call centre and it signs what it posts back, with the same shared
secret (`HANDOFF_WEBHOOK_SECRET`). The header reads `sha256=<hex>`, as GitHub's webhooks do, so
off-the-shelf receivers verify it. Inbound events also carry `sent_at`, inside the signed body,
and are refused when older than `MAX_AGE`, so a captured request cannot be replayed later.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import datetime, timedelta
from typing import Any

SIGNATURE_HEADER = "X-Heating-Signature"
EVENT_HEADER = "X-Heating-Event"
DELIVERY_HEADER = "X-Heating-Delivery"
MAX_AGE = timedelta(minutes=5)


def body_bytes(payload: dict[str, Any]) -> bytes:
    """The canonical JSON bytes we sign and send (compact, UTF-8, keys sorted)."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def sign(body: bytes, secret: bytes) -> str:
    """The signature header value for `body`."""
    return "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()


def verify(body: bytes, header: str | None, secret: bytes) -> bool:
    """Whether `header` is the signature of `body` (compared in constant time)."""
    if not header or not header.startswith("sha256="):
        return False
    return hmac.compare_digest(sign(body, secret), header.strip())


def fresh(sent_at: object, now: datetime) -> bool:
    """Whether an inbound event's `sent_at` (ISO 8601 with offset) is within `MAX_AGE` of now."""
    if not isinstance(sent_at, str):
        return False
    try:
        moment = datetime.fromisoformat(sent_at.replace("Z", "+00:00"))
    except ValueError:
        return False
    if moment.tzinfo is None:
        return False
    return abs(now - moment) <= MAX_AGE
