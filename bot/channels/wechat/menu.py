"""The Official Account's custom menu: CLICK keys and the intents they start.

A menu button sends a CLICK event with its key instead of text, so the key is turned into the
intent trigger the button stands for. The keys are stable names (they are configured in WeChat's
menu and must not change when the labels do); `menu_definition()` is the body for WeChat's
`/cgi-bin/menu/create`, so the menu and this mapping come from one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class MenuItem:
    """One menu button: its CLICK key, the label users see, and the Rasa intent trigger."""

    key: str
    label: str
    payload: str


MENU = (
    MenuItem("QUERY_FEE", "查费", "/query_fee"),
    MenuItem("REPORT_REPAIR", "报修", "/report_repair"),
    MenuItem("QUERY_OUTAGE", "停热", "/query_outage"),
    MenuItem("REQUEST_HUMAN", "人工", "/request_human"),
)

_BY_KEY = {item.key: item.payload for item in MENU}


def payload_for_click(key: str) -> str | None:
    """The intent trigger for a menu key (`None` for a key this version does not know)."""
    return _BY_KEY.get(key.strip().upper())


def menu_definition() -> dict[str, Any]:
    """The JSON body for `POST /cgi-bin/menu/create` with these keys (one button each)."""
    return {"button": [{"type": "click", "name": item.label, "key": item.key} for item in MENU]}
