"""How bot messages become plain text for channels that cannot show buttons (WeChat, SMS).

The one place that decides how buttons degrade: each button becomes a numbered line, the options
are remembered per sender, and a reply of just that number (1, １, 一, 第一个 …) means the
button's payload. Channels call these functions; they never format buttons themselves.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.base.numerals import read_chinese_number

CHOICE_HINT = "回复数字即可选择。"

_CHOICE = re.compile(
    r"^(?:第)?\s*([0-9]{1,2}|[一二三四五六七八九十]{1,3})\s*(?:个|项|号)?[。.、!！]?$"
)


@dataclass(frozen=True)
class PlainReply:
    """Bot messages flattened to one text, and the options its numbers stand for."""

    text: str
    options: list[dict[str, str]] = field(default_factory=list)


def _buttons(message: Mapping[str, Any]) -> list[dict[str, str]]:
    raw = message.get("buttons") or message.get("quick_replies") or []
    return [
        {"title": str(b.get("title", "")), "payload": str(b.get("payload", b.get("title", "")))}
        for b in raw
        if isinstance(b, Mapping) and (b.get("title") or b.get("payload"))
    ]


def flatten(messages: Iterable[Mapping[str, Any]], separator: str = "\n") -> PlainReply:
    """Join the bot's messages into one text; buttons become numbered options after their text.

    Options are numbered across the whole reply, so a reply that carries buttons in two messages
    still gives each option one number.
    """
    parts: list[str] = []
    options: list[dict[str, str]] = []
    for message in messages:
        text = str(message.get("text") or "").strip()
        if text:
            parts.append(text)
        image = message.get("image")
        if image:
            parts.append(f"图片：{image}")
        buttons = _buttons(message)
        if buttons:
            lines = [f"{len(options) + i}. {b['title']}" for i, b in enumerate(buttons, start=1)]
            options.extend(buttons)
            parts.append("\n".join(lines))
    if options:
        parts.append(CHOICE_HINT)
    return PlainReply(separator.join(parts), options)


def choose(text: str, options: Sequence[Mapping[str, Any]]) -> str | None:
    """The payload the user picked by answering with an option's number or exact title, if any."""
    if not options:
        return None
    cleaned = unicodedata.normalize("NFKC", text).strip()
    for option in options:
        if cleaned and cleaned == str(option.get("title", "")).strip():
            return str(option["payload"])
    match = _CHOICE.match(cleaned)
    if match is None:
        return None
    token = match.group(1)
    number = int(token) if token.isdigit() else read_chinese_number(token)
    if number is None or not 1 <= number <= len(options):
        return None
    return str(options[number - 1]["payload"])
