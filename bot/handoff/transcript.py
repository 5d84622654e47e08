"""The conversation as agents read it, from the Rasa tracker (pure).

Rasa's tracker is the one record of everything said, whoever held the conversation: it logs the
user's messages while the bot is paused, and the agents' replies go into it as bot messages
tagged with `metadata.handoff_agent`. Reading the transcript from there means nothing the user
writes is lost and nothing is stored twice.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from typing import Any

from bot.channels.payloads import readable_messages

AGENT_METADATA_KEY = "handoff_agent"
#: On the hand-off notices sent while a person holds the conversation (接入, 转接): who holds it,
#: so the widget can show that a person, and which one, is answering.
HOLDER_METADATA_KEY = "handoff_holder"

_SYSTEM_LINES = {"pause": "机器人已暂停，由人工接待", "resume": "机器人已恢复"}


def _at(event: Mapping[str, Any]) -> str | None:
    stamp = event.get("timestamp")
    if not isinstance(stamp, int | float):
        return None
    return datetime.fromtimestamp(stamp, timezone.utc).isoformat()


def transcript_of(
    tracker: Mapping[str, Any], limit: int = 200, mask: Callable[[str], str] | None = None
) -> list[dict[str, Any]]:
    """The latest `limit` lines: `who` is user, bot, agent or system, with `text`, `at` (ISO, UTC)
    and, for agents, `agent` (the display name). A pressed button is its title with `pressed`;
    payloads no button explains (the widget's `/greet`) are left out (bot.channels.payloads).
    `mask` is applied to every text when given.
    """
    lines: list[dict[str, Any]] = []
    for event, text, pressed in readable_messages(tracker.get("events") or []):
        kind = event.get("event")
        if kind in _SYSTEM_LINES:
            lines.append({"who": "system", "text": _SYSTEM_LINES[kind], "at": _at(event)})
            continue
        if text is None:
            continue
        line: dict[str, Any] = {"who": kind, "text": text, "at": _at(event)}
        agent = (event.get("metadata") or {}).get(AGENT_METADATA_KEY)
        if kind == "bot" and agent:
            line.update(who="agent", agent=str(agent))
        if pressed:
            line["pressed"] = True
        lines.append(line)
    lines = lines[-limit:]
    if mask is not None:
        for line in lines:
            line["text"] = mask(line["text"])
    return lines


def agent_message(text: str, agent_name: str) -> dict[str, Any]:
    """The Rasa event that carries an agent's reply to the user (and into the transcript)."""
    return {"event": "bot", "text": text, "metadata": {AGENT_METADATA_KEY: agent_name}}


def bot_message(text: str, holder: str | None = None) -> dict[str, Any]:
    """The Rasa event of a hand-off notice in the bot's own voice (picked, transferred, closed,
    timed out); `holder` names the agent who holds the conversation from this notice on."""
    event: dict[str, Any] = {"event": "bot", "text": text}
    if holder:
        event["metadata"] = {HOLDER_METADATA_KEY: holder}
    return event
