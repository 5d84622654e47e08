"""The Chinese names people read for the codes the store keeps: ticket kinds, channels, deadlines.

The store and the APIs keep short codes (`BX`, `wechat`, `on_site`); a manager or an agent reads
报修, 微信公众号, 上门. One mapping here, so the report, the console and any export say the same
thing, and a code without a name shows as itself rather than disappearing.
"""

from __future__ import annotations

KIND_NAMES: dict[str, str] = {
    "BX": "报修",
    "TS": "投诉",
    "CW": "测温",
    "BT": "报停",
    "RG": "回电",
}

CHANNEL_NAMES: dict[str, str] = {
    "wechat": "微信公众号",
    "sms": "短信",
    "socketio": "网页客服",
    "rest": "开放接口",
}

DEADLINE_NAMES: dict[str, str] = {
    "first_reply": "首次响应",
    "on_site": "上门",
    "resolve": "办结",
}

TICKET_STATUS_NAMES: dict[str, str] = {
    "new": "待受理",
    "assigned": "已派单",
    "in_progress": "处理中",
    "done": "已办结",
    "cancelled": "已取消",
}


def kind_name(code: str) -> str:
    """报修 for `BX`; an unknown code as it is."""
    return KIND_NAMES.get(code, code)


def channel_name(code: str) -> str:
    """微信公众号 for `wechat`; an unknown code as it is."""
    return CHANNEL_NAMES.get(code, code)
