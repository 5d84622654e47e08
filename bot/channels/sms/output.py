"""The SMS output channel: an agent's words, typed in the console, sent to the user's phone.

Rasa calls it when the console posts a bot event with `output_channel=sms` (docs/handoff.md). The
text is free, so it goes out through the generic `{content}` template the operator had approved;
a text longer than one SMS is sent as the provider splits it (67 characters a part).
"""

from __future__ import annotations

from typing import Any

from rasa.core.channels.channel import OutputChannel

from bot.channels.sms.config import SmsSettings
from bot.channels.sms.outbox import AGENT, deliver
from bot.channels.sms.sender import SmsSender
from bot.channels.sms.templates import CHANNEL, SmsMessage


class SendFailed(RuntimeError):
    """The gateway did not take the agent's message (logged in the outbound log)."""


class SmsOutput(OutputChannel):
    """Sends text (buttons as numbered lines are not offered to agents) as generic-template SMS."""

    def __init__(
        self, settings: SmsSettings, sender: SmsSender, database_url: str | None = None
    ) -> None:
        self._generic = settings.templates.generic
        self._sender = sender
        self._url = database_url

    @classmethod
    def name(cls) -> str:
        """`sms`, so the domain's `channel: sms` variants are chosen."""
        return CHANNEL

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        """Send `text` to the conversation `recipient_id` (`sms:<phone>`); raises `SendFailed`
        if the gateway refused."""
        message = SmsMessage(self._generic, {"content": text}, text)
        [status] = await deliver(self._sender, recipient_id, [message], AGENT, self._url)
        if status != "sent":
            raise SendFailed(f"SMS to the user was not sent ({status})")
