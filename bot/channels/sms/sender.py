"""Sending one templated SMS: the `SmsSender` protocol, the HTTP gateway sender and a fake.

The HTTP sender posts a small JSON body to `{SMS_API_BASE}/sms/send`:

    {"phone": "13812345678", "sign_name": "暖心热力", "template_id": "SMS_123", "params": {…}}

and counts only `200 {"code": "OK", …}` as sent. That is the contract of a relay (and of the local
stand-in, `bot/standins/sms_gateway.py`). Aliyun's `SendSms` and Tencent's `SendSms` APIs need
their own request signatures (Aliyun RPC signature v3 / Tencent TC3-HMAC-SHA256), which their SDKs
compute: a sender for either would implement `SmsSender` with the SDK's client, run the blocking
call in `asyncio.to_thread`, and be chosen by `SMS_GATEWAY` in `sender_for`.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import Protocol

import aiohttp

from bot.channels.ids import ForeignConversation, identity_of
from bot.channels.sms.config import SmsSettings
from bot.channels.sms.templates import CHANNEL, SmsMessage
from bot.privacy import mask_phone

logger = logging.getLogger(__name__)

SEND_PATH = "/sms/send"


class SendError(RuntimeError):
    """The gateway did not take the message; `reason` is short enough for the outbound log."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class SmsSender(Protocol):
    """Hands one SMS to a gateway; raises `SendError` when the gateway refuses or is unreachable."""

    async def send(self, recipient: str, message: SmsMessage) -> None:
        """Send `message` to the conversation `recipient` (`sms:<11-digit mobile>`)."""


class HttpSmsSender:
    """Posts to an HTTP gateway (a relay in production, the stand-in in tests)."""

    def __init__(self, api_base: str, sign_name: str, timeout: float = 10.0) -> None:
        self._url = api_base.rstrip("/") + SEND_PATH
        self._sign_name = sign_name
        self._timeout = aiohttp.ClientTimeout(total=timeout)

    async def send(self, recipient: str, message: SmsMessage) -> None:
        """POST the message to the recipient's phone; anything but `200 {"code": "OK"}` is a
        `SendError` (so is a recipient that is not an SMS conversation)."""
        try:
            phone = identity_of(CHANNEL, recipient)
        except ForeignConversation as exc:
            raise SendError(str(exc)) from exc
        body = {
            "phone": phone,
            "sign_name": self._sign_name,
            "template_id": message.template_id,
            "params": message.params,
        }
        try:
            async with (
                aiohttp.ClientSession(timeout=self._timeout) as session,
                session.post(self._url, json=body) as response,
            ):
                answer = await response.json(content_type=None)
                status = response.status
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as exc:
            raise SendError(f"gateway unreachable: {type(exc).__name__}") from exc
        code = answer.get("code") if isinstance(answer, dict) else None
        if status != 200 or code != "OK":
            raise SendError(f"gateway answered {status} {code or ''}".strip())
        logger.info("SMS %s sent to %s", message.template_id, mask_phone(phone))


@dataclass
class RecordingSender:
    """A fake for tests: keeps what it was asked to send; fails while `failing` is set."""

    sent: list[tuple[str, SmsMessage]] = field(default_factory=list)
    failing: bool = False

    async def send(self, recipient: str, message: SmsMessage) -> None:
        """Record the send, or raise `SendError` when told to fail."""
        if self.failing:
            raise SendError("recording sender told to fail")
        self.sent.append((recipient, message))


def sender_for(settings: SmsSettings) -> SmsSender:
    """The sender `SMS_GATEWAY` names (only `http` is built in, see the module docstring)."""
    if settings.api_base is None:
        raise ValueError("SMS_API_BASE is not set")
    return HttpSmsSender(settings.api_base, settings.sign_name)
