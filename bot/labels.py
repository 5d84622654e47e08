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
    "CB": "查表",
    "CY": "室温抽测",
}

CHANNEL_NAMES: dict[str, str] = {
    "wechat": "微信公众号",
    "sms": "短信",
    "socketio": "网页客服",
    "rest": "接口",
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


#: What residents asked for, by intent (shared/spec/nlu-contract.md), for the report's 常见问题.
INTENT_NAMES: dict[str, str] = {
    "greet": "打招呼",
    "goodbye": "告别",
    "thank": "致谢",
    "affirm": "确认",
    "deny": "否定",
    "bot_challenge": "问是不是机器人",
    "out_of_scope": "供热以外的问题",
    "query_fee": "查询热费",
    "query_outage": "查询停暖",
    "report_repair": "报修",
    "request_temp_check": "申请测温",
    "file_complaint": "投诉",
    "query_ticket": "查询工单进度",
    "cancel_ticket": "取消工单",
    "request_human": "转人工",
    "apply_stop_heating": "申请报停",
    "bind_account": "绑定户号",
    "unbind_account": "解除绑定",
    "unsubscribe": "退订通知",
    "inform": "补充信息",
    "correct_info": "更正信息",
    "faq": "常见问题咨询",
    "rate_service": "回访评分",
    "query_service_hall": "营业厅查询",
    "query_meter": "查询热表",
    "report_meter_reading": "上报热表读数",
    "nlu_fallback": "未听懂",
}


def intent_name(code: str) -> str:
    """查询热费 for `query_fee`; an intent without a name as it is."""
    return INTENT_NAMES.get(code, code)


def kind_name(code: str) -> str:
    """报修 for `BX`; an unknown code as it is."""
    return KIND_NAMES.get(code, code)


def channel_name(code: str) -> str:
    """微信公众号 for `wechat`; an unknown code as it is."""
    return CHANNEL_NAMES.get(code, code)
