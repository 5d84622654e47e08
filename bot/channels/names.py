"""The channels by the names residents and managers know them, for every screen and report.

Codes are Rasa's channel names (`socketio`, `wechat`, `sms`, `rest`), which tickets, hand-offs and
trackers carry; nobody outside the code knows them, so the console, the quality report and
anything else a person reads go through `channel_name`. A plain module with no imports, so any
layer can use it.
"""

from __future__ import annotations

#: Channel code → the name shown to agents and managers.
CHANNEL_NAMES: dict[str, str] = {
    "wechat": "微信公众号",
    "sms": "短信",
    "socketio": "网页客服",
    "rest": "接口",
}


def channel_name(code: str) -> str:
    """The Chinese name of channel `code`; an unknown code is shown as it is, not hidden."""
    return CHANNEL_NAMES.get(code, code)
