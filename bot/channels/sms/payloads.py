"""Upstream SMS callbacks (上行短信) of Aliyun and Tencent Cloud: parsing, validation, answers.

Pure functions: the channel hands in the raw body and gets messages or a `PayloadError` with a
machine-readable code. The provider is told apart by the body's shape, which the two formats fix:
Aliyun always posts a JSON array, Tencent a JSON object. No URL parameter is needed, so one
callback URL serves both.

Each message gets an idempotency key, because providers retry a callback until they see their
acknowledgement (Aliyun up to 10 times):
- Aliyun: `aliyun:<phone>:<sequence_id>`, the provider's own message id.
- Tencent has no message id; `tencent:<phone>:<time>:<sha256(text)[:16]>` stands in for one. A retry
  repeats all three; the only messages it merges are identical texts from one phone within the same
  second, which a user cannot tell apart either.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.channels.ids import conversation_id
from bot.channels.limits import bounded_text

ALIYUN = "aliyun"
TENCENT = "tencent"

#: The acknowledgement each provider documents; anything else makes it retry.
ACKS: Mapping[str, dict[str, Any]] = {
    ALIYUN: {"code": 0, "msg": "接收成功"},
    TENCENT: {"result": 0, "errmsg": "OK"},
}

# A mainland mobile number, optionally with the country code providers sometimes keep.
_MOBILE = re.compile(r"^(?:\+86|0086|86)?(1[3-9]\d{9})$")
_SEQUENCE_ID = re.compile(r"^[0-9A-Za-z_.:-]{1,64}$")


class PayloadError(ValueError):
    """The body is not a callback we accept; `code` goes back to the caller with a 400."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = detail

    def as_json(self) -> dict[str, str]:
        """The 400 body (never echoes a phone number)."""
        return {"error": self.code, "message": self.detail}


@dataclass(frozen=True)
class InboundSms:
    """One upstream SMS: who wrote (11-digit mobile), what, and its idempotency key.

    `text` is at most `bot.channels.limits.MAX_STORED_CHARS` characters: nothing downstream (Rasa's
    tracker, the logs) ever holds more of a message, and the NLU still sees that it was cut.
    """

    provider: str
    phone: str
    text: str
    key: str

    @property
    def conversation(self) -> str:
        """The sender's conversation id (`sms:<phone>`): what Rasa and the store know it by."""
        return conversation_id("sms", self.phone)


@dataclass(frozen=True)
class Callback:
    """One callback request: its provider and its messages, in the provider's order."""

    provider: str
    messages: tuple[InboundSms, ...]

    @property
    def ack(self) -> dict[str, Any]:
        """The acknowledgement this provider expects."""
        return dict(ACKS[self.provider])


def parse_callback(body: bytes) -> Callback:
    """The messages of a raw callback body; `PayloadError` if any part of it is malformed.

    A batch with one bad item is refused whole: providers send well-formed batches, so a bad item
    means a forged or garbled request, and answering only part of it would hide that.
    """
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise PayloadError("invalid_json", "the body is not UTF-8 JSON") from exc
    except RecursionError as exc:
        # The decoder recurses once per level: 50,000 nested arrays were a 500, not a callback.
        raise PayloadError("too_deep", "the body nests deeper than any callback") from exc
    if isinstance(data, list):
        if not data:
            raise PayloadError("empty_batch", "an Aliyun callback carries at least one message")
        return Callback(ALIYUN, tuple(_aliyun(item, i) for i, item in enumerate(data)))
    if isinstance(data, dict):
        return Callback(TENCENT, (_tencent(data),))
    raise PayloadError("unknown_shape", "expected an Aliyun array or a Tencent object")


def _field(item: Mapping[str, Any], name: str, where: str, kinds: tuple[type, ...]) -> Any:
    if name not in item or item[name] is None:
        raise PayloadError("missing_field", f"{where}{name} is missing")
    value = item[name]
    # bool is an int to Python, never to a provider.
    if isinstance(value, bool) or not isinstance(value, kinds):
        expected = " or ".join(k.__name__ for k in kinds)
        raise PayloadError("bad_field", f"{where}{name} must be {expected}")
    return value


def _mobile(value: str, where: str, name: str) -> str:
    match = _MOBILE.match(value.strip())
    if match is None:
        raise PayloadError("bad_phone", f"{where}{name} is not a mainland mobile number")
    return match.group(1)


def _aliyun(item: Any, index: int) -> InboundSms:
    where = f"item {index}: "
    if not isinstance(item, dict):
        raise PayloadError("bad_item", f"{where}expected an object")
    phone = _mobile(_field(item, "phone_number", where, (str,)), where, "phone_number")
    content = _field(item, "content", where, (str,))
    _field(item, "send_time", where, (str,))
    _field(item, "dest_code", where, (str,))
    if item.get("sign_name") is not None:
        _field(item, "sign_name", where, (str,))
    sequence_id = str(_field(item, "sequence_id", where, (str, int))).strip()
    if not _SEQUENCE_ID.match(sequence_id):
        raise PayloadError("bad_field", f"{where}sequence_id must be a short id")
    return InboundSms(ALIYUN, phone, bounded_text(content), f"{ALIYUN}:{phone}:{sequence_id}")


def _tencent(item: Mapping[str, Any]) -> InboundSms:
    where = ""
    for name in ("extend", "sign"):
        _field(item, name, where, (str,))
    nationcode = _field(item, "nationcode", where, (str,)).strip().lstrip("+")
    if nationcode != "86":
        raise PayloadError("bad_phone", "only mainland numbers (nationcode 86) are served")
    phone = _mobile(_field(item, "mobile", where, (str,)), where, "mobile")
    text = _field(item, "text", where, (str,))
    sent = _field(item, "time", where, (int,))
    if sent < 0:
        raise PayloadError("bad_field", "time must be UNIX seconds")
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    return InboundSms(TENCENT, phone, bounded_text(text), f"{TENCENT}:{phone}:{sent}:{digest}")
