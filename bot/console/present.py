"""What the console's JSON API shows an agent, with numbers masked by role.

The masking rule (`rules.sees_full_numbers`): agents see phone and account numbers masked
(`138****5678`, `01******78`), in the collected values, the account, the tickets and the
transcript alike; supervisors see them in full. An agent who must call a user back reveals the
numbers of a conversation they hold through a separate, logged request.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.handoff import rules
from bot.handoff.rules import Actor
from bot.handoff.views import HandoffView
from bot.labels import channel_name
from bot.privacy import mask_account, mask_phone, mask_text
from bot.services.tickets import FAULT_NAMES, OPEN, TicketView

STATUS_NAMES = {
    "queued": "排队中",
    "active": "接待中",
    "closed": "已结束",
    "timed_out": "超时转回电",
}

#: Collected values shown to the agent, with their labels, in this order.
COLLECTED_LABELS = (
    ("last_message", "最后一句"),
    ("fault_type", "故障"),
    ("address", "地址"),
    ("phone", "电话"),
    ("account_no", "户号"),
    ("urgent_ticket_no", "紧急工单"),
    ("tickets", "相关工单"),
    ("linked_reports", "同一事件的其他报告"),
    ("complaint_category", "投诉类别"),
    ("complaint_text", "投诉内容"),
    ("form", "未完成的流程"),
    ("frustration", "不满迹象"),
)


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _text(value: object, full: bool) -> str:
    text = str(value)
    return text if full else mask_text(text)


def session_json(handoff: HandoffView, actor: Actor, now: datetime) -> dict[str, Any]:
    """One conversation in the queue lists."""
    full = rules.sees_full_numbers(actor)
    return {
        "id": handoff.id,
        "channel": handoff.channel,
        "channel_name": channel_name(handoff.channel),
        "user": _text(handoff.sender_id, full),
        "status": handoff.status,
        "status_name": STATUS_NAMES.get(handoff.status, handoff.status),
        "urgency": handoff.urgency,
        "urgency_name": rules.URGENCY_NAMES.get(handoff.urgency, ""),
        "reason": handoff.reason,
        "reason_name": rules.reason_name(handoff.reason),
        "holder": handoff.holder,
        "mine": handoff.agent_id == actor.id,
        "paused": handoff.paused,
        "live": rules.delivers_live(handoff.channel),
        "ticket_no": handoff.ticket_no,
        "callback_ticket_no": handoff.callback_ticket_no,
        "created_at": _iso(handoff.created_at),
        "pickup_due": _iso(handoff.pickup_due),
        "picked_at": _iso(handoff.picked_at),
        "waiting_seconds": max(int((now - handoff.created_at).total_seconds()), 0),
        "preview": _text(handoff.summary.get("last_message", ""), full)[:60],
    }


def collected_json(summary: dict[str, Any], actor: Actor) -> list[dict[str, str]]:
    """What the bot collected, as labelled lines."""
    full = rules.sees_full_numbers(actor)
    lines = []
    for key, label in COLLECTED_LABELS:
        value = summary.get(key)
        if value in (None, "", []):
            continue
        if key == "phone":
            shown = str(value) if full else mask_phone(str(value))
        elif key == "account_no":
            shown = str(value) if full else mask_account(str(value))
        elif key == "fault_type":
            shown = FAULT_NAMES.get(str(value), str(value))
        elif isinstance(value, list):
            shown = "、".join(_text(v, full) for v in value)
        else:
            shown = _text(value, full)
        lines.append({"key": key, "label": label, "value": shown})
    return lines


def account_json(overview: dict[str, Any] | None, actor: Actor) -> dict[str, Any] | None:
    """The account summary (holder, address, bill), numbers masked for agents."""
    if overview is None:
        return None
    full = rules.sees_full_numbers(actor)
    shown = dict(overview)
    if not full:
        shown["account_no"] = mask_account(overview["account_no"])
        shown["phone"] = mask_phone(overview["phone"])
    return shown


def ticket_json(ticket: TicketView, actor: Actor) -> dict[str, Any]:
    """One ticket of the user."""
    full = rules.sees_full_numbers(actor)
    return {
        "ticket_no": ticket.ticket_no,
        "kind": ticket.kind,
        "kind_name": ticket.kind_name,
        "status_name": ticket.status_name,
        "urgent": ticket.urgent,
        "fault": FAULT_NAMES.get(ticket.fault_type or "", ticket.fault_type),
        "address": ticket.address,
        "phone": ticket.phone if full else mask_phone(ticket.phone),
        "created_at": _iso(ticket.created_at),
        "first_reply_due": _iso(ticket.first_reply_due),
        "cancellable": ticket.status in OPEN,
    }


def history_json(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The session's history (who did what when); details hold no numbers."""
    return [{**entry, "at": _iso(entry["at"])} for entry in entries]
