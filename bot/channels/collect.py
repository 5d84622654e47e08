"""An output channel that keeps the bot's messages whole, for channels that answer in one reply.

Rasa picks a response's channel variant by the output channel's `name()`, so each text channel
collects under its own name (`wechat`, `sms`) to get its own wording. The whole message dict is
kept, `utter_action` included: the SMS channel maps a response name to a provider template.
"""

from __future__ import annotations

from typing import Any

from rasa.core.channels.channel import OutputChannel


class CollectedMessages(OutputChannel):
    """Collects every message the bot sends during one request, in order."""

    channel_name = "collector"

    def __init__(self) -> None:
        self.messages: list[dict[str, Any]] = []

    @classmethod
    def name(cls) -> str:
        """The channel name Rasa uses to choose response variants."""
        return cls.channel_name

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        """Keep the message as Rasa built it (text, buttons, image, custom, utter_action)."""
        self.messages.append({k: v for k, v in message.items() if v is not None})

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        """Plain text from code paths that bypass `send_response`."""
        self.messages.append({"text": text})


def collector_for(channel: str) -> type[CollectedMessages]:
    """A collector class whose `name()` is `channel` (so its domain variants are used)."""
    return type(f"CollectedMessages_{channel}", (CollectedMessages,), {"channel_name": channel})
