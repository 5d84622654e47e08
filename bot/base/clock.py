"""The current time in the company's zone, behind one function so tests can pin it."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

from bot.config import settings


def now() -> datetime:
    """Aware `datetime` of this moment in the company's time zone.

    With `HEATING_CLOCK_ANCHOR` set (an evaluation stack, `bot.launcher.demo_stack(clock_at=…)`),
    the clock runs from the anchored moment at real speed, so every process of the stack agrees
    and a run's answers (今天下午 still ahead or already past) do not depend on when it runs.
    """
    config = settings()
    if config.clock_anchor is None:
        return datetime.now(config.timezone)
    moment, at_unix = config.clock_anchor
    return (moment + timedelta(seconds=time.time() - at_unix)).astimezone(config.timezone)


def local(moment: datetime) -> datetime:
    """`moment` converted to the company's time zone (stored values are UTC)."""
    return moment.astimezone(settings().timezone)


_WEEKDAYS = "一二三四五六日"


def format_moment(moment: datetime) -> str:
    """`11月28日 10:00`: how a deadline reads in a chat message."""
    m = local(moment)
    return f"{m.month}月{m.day}日 {m:%H:%M}"


def format_window(start: datetime, end: datetime) -> str:
    """`11月28日（周六）08:00–12:00`: a visit window as users say it back."""
    s, e = local(start), local(end)
    day = f"{s.month}月{s.day}日（周{_WEEKDAYS[s.weekday()]}）"
    if s.date() == e.date():
        return f"{day}{s:%H:%M}–{e:%H:%M}"
    return f"{day}{s:%H:%M} 至 {format_moment(e)}"


#: Parts of the day as residents name them, by the hour they start.
_DAY_PARTS = (
    (0, "凌晨"),
    (5, "早上"),
    (8, "上午"),
    (11, "中午"),
    (13, "下午"),
    (17, "傍晚"),
    (19, "晚上"),
)
_NEAR_DAYS = {0: "今天", 1: "明天", 2: "后天"}


def format_spoken(moment: datetime, now: datetime) -> str:
    """`今天（12月7日）傍晚 18:00`: a moment as a resident asks about it (几点能热？今晚能来吗？),
    the day named from `now` when it is near and the part of the day beside the clock time.
    18:00 alone made a reader work out that it is this evening; 12月10日（周四）上午 08:00 further
    ahead."""
    m, today = local(moment), local(now).date()
    part = next(name for hour, name in reversed(_DAY_PARTS) if m.hour >= hour)
    near = _NEAR_DAYS.get((m.date() - today).days)
    day = f"{m.month}月{m.day}日"
    named = near or f"{day}（周{_WEEKDAYS[m.weekday()]}）"
    return f"{named}{part} {m:%H:%M}"


def format_due(moment: datetime | None) -> str:
    """A deadline for a chat message; a ticket without one is handled 尽快 (as soon as possible)."""
    return format_moment(moment) if moment else "尽快"
