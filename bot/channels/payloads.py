"""A pressed button as the person who pressed it saw it, not as the payload Rasa keeps.

A button carries a title (报修) and a payload (`/report_repair`, `/inform{"fault_type":"no_heat"}`);
pressing it sends the payload, and that is what the tracker keeps as the user's text. Read by a
person (the agent's transcript, the hand-off summary) a payload is jargon, and one no button sent
(the widget's unseen `/greet` when a visitor opens the chat) looks as if the user typed it. So the
payload is shown as the title of the button the bot offered in the turn before, which the tracker
holds in the bot's messages, and a payload no offered button explains is not shown at all.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

#: What Rasa reads as an intent given directly: `/intent`, optionally with entities in braces.
PAYLOAD = re.compile(r"/\w+(\{.*\})?", re.DOTALL)


def is_payload(text: str) -> bool:
    """Whether `text` is an intent payload rather than words a person wrote."""
    return PAYLOAD.fullmatch(text.strip()) is not None


def offered_buttons(event: Mapping[str, Any]) -> dict[str, str]:
    """Payload → title of the buttons (and quick replies) one bot event offered."""
    data = event.get("data") or {}
    buttons = list(data.get("buttons") or []) + list(data.get("quick_replies") or [])
    return {
        button["payload"].strip(): button["title"]
        for button in buttons
        if isinstance(button, dict)
        and isinstance(button.get("payload"), str)
        and isinstance(button.get("title"), str)
    }


def readable_messages(
    events: Iterable[Mapping[str, Any]],
) -> Iterator[tuple[Mapping[str, Any], str | None, bool]]:
    """Every event with the text a person should read for it, and whether it was a button press:
    `(event, text, pressed)`. `text` is None for events that are not a message with text and for
    payloads no offered button explains.

    Only the buttons offered since the user's previous message count: the widget disables older
    ones, and a payload matching a button from long ago was not a press of it.
    """
    offered: dict[str, str] = {}
    for event in events:
        kind, text = event.get("event"), event.get("text")
        if not isinstance(text, str) or not text or kind not in ("user", "bot"):
            yield event, None, False
        elif kind == "bot":
            offered.update(offered_buttons(event))
            yield event, text, False
        else:
            pressed = is_payload(text)
            yield event, offered.get(text.strip()) if pressed else text, pressed
            offered = {}


def latest_user_text(events: Iterable[Mapping[str, Any]]) -> str:
    """The user's latest message as they saw it: a pressed button's title, "" for a payload no
    button explains (or no message at all)."""
    said = [text for event, text, _ in readable_messages(events) if event.get("event") == "user"]
    return (said[-1] or "") if said else ""
