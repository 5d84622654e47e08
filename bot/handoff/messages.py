"""What the user is told at each step of a hand-off, in one place.

These go out as plain bot texts: from the hand-off action, and from the console through Rasa's
HTTP API (which sends text, not domain responses). Each says what happens next, so the user is
never left wondering whether anyone is there; they are kept short enough for one SMS.
"""

from __future__ import annotations

from datetime import datetime

from bot.base import clock


def queued(position: int, wait_minutes: int, pickup_minutes: int) -> str:
    """The conversation is in the queue: place, expected wait, and the call-back fallback."""
    ahead = f"您前面还有{position - 1}位，" if position > 1 else ""
    return (
        f"正在为您转接人工客服，{ahead}预计等待约{wait_minutes}分钟。"
        f"您发的消息客服都能看到；{pickup_minutes}分钟内无人接入将为您登记回电。"
    )


def picked(agent_name: str) -> str:
    """An agent took the conversation."""
    return f"您好，我是人工客服{agent_name}，接下来由我为您服务。"


def transferred(agent_name: str) -> str:
    """A colleague took the conversation over."""
    return f"已为您转接客服{agent_name}，请稍候。"


def requeued(pickup_minutes: int) -> str:
    """The agent left (put it back, logged out, went offline): the conversation waits again."""
    return (
        f"接待您的客服暂时离开，已为您重新排队，请稍候。"
        f"您发的消息客服都能看到；{pickup_minutes}分钟内无人接入将为您登记回电。"
    )


def closed() -> str:
    """The agent ended the conversation; the bot answers again."""
    return "本次人工服务已结束，感谢您的耐心。还有问题可以继续问我（小暖）。"


def timed_out(ticket_no: str, first_reply: datetime | None) -> str:
    """Nobody picked the conversation up in time: a call-back ticket instead."""
    return (
        f"抱歉，客服暂时都在忙。已为您登记回电（{ticket_no}），"
        f"{clock.format_due(first_reply)}前联系您。其他问题可以继续问我。"
    )


def wechat_kf() -> str:
    """The conversation goes to the company's agents inside WeChat."""
    return "正在为您转接人工客服，请稍候。"


def ticket_cancelled(ticket_no: str) -> str:
    """An agent cancelled the ticket this hand-off was for; the bot answers again."""
    return f"工单{ticket_no}已由客服取消，本次人工服务结束。还有问题可以继续问我（小暖）。"
