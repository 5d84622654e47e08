"""A resident moving the visit they booked: 明天下午我有事 能改到后天上午吗.

Residents change their plans after booking a visit, and the time they can no longer make often
comes first in the message. So the new window is read only from the words after the change
cue (改到 / 换成 / 推到 …): 明天下午 above is the time taken back, 后天上午 the one wanted.
A message that says the time no longer suits but names no new one (明天不在家 换个时间吧)
is still a reschedule: the caller asks when instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from bot.nlu.numbers import to_canonical
from bot.nlu.timewindow import VisitWindow, parse_visit_window, window_on_held_day

#: Words that move a time, followed by the new one (改到后天上午, 换成周三, 推迟到下周一).
_MOVE_TO = re.compile(
    r"(?:改|换|挪|调|推迟?|延|提前|往后推|往后挪|推后|延后|延期)(?:一下)?(?:到|成|为|在)"
)
#: Words that take a booked time back without a new one (换个时间, 改时间, 那天来不了).
_MOVE = re.compile(
    r"(?:换|改|调)(?:个|一下|下)?(?:时间|日子|天)|(?:时间|日子)(?:要|得|想)?(?:改|换|调)|"
    r"(?:来不了|不在家|没人在家|家里没人|有事|去不了|赶不回来).{0,8}(?:改|换|调(?![低高小大])|挪|推|别的时间|另约|"
    r"再约)|"
    r"另约|改约|重新约"
)
#: A visit the message is about (not a ticket's phone or a meeting elsewhere).
_VISIT_WORDS = re.compile(r"上门|来人|师傅|过来|来家|测温|修|时间|预约|约")


#: A temperature after the change cue (温控阀调到20度): the heat is set, no time is moved.
_TEMPERATURE = re.compile(r"\d+(\.\d+)?(度|℃)")
#: Words that start a new time right after the change cue (改到|后天上午, 推迟到|下午三点).
_TIME_WORDS = re.compile(
    r"今天|明天|后天|周|星期|礼拜|上午|下午|晚上|早上|中午|[点号日]|下个?礼拜|\d"
)


#: A stop of the company's (停暖, 停热, 检修), not the resident's own 报停 or 申请停暖.
_STOP = r"(?<![报请])(?:停暖|停热|停供|停气|检修)"
#: Moving it or calling it off (改个时间, 往后推推, 推迟, 改天, 换个日子, 别停, 不停行不行).
_STOP_MOVED = re.compile(
    _STOP + r"[^，,。！!？?\s]{0,8}?(?:(?:换|改|调|挪)(?:个|一下|下)?(?:时间|日子|天|期)|"
    r"(?:换|改|调|挪)一?下|往后推|往后挪|推迟|推后|推一推|推推|延后|延期|晚几天|取消|"
    r"别停|不停)"
    r"|(?:能不能|可不可以|能|可以)(?:别|不)(?:停暖|停热|停)"
    r"|(?:别|不)(?:停暖|停热)了?(?:行不行|成不成|行吗|可以吗)"
)
#: A visit of ours the message moves instead (停暖那天师傅能改个时间来吗).
_VISIT_MOVED = re.compile(r"师傅|上门|来人|测温|报修|维修|工单|预约")


def moves_a_stop(text: str | None) -> bool:
    """Whether `text` asks to move or call off the company's stop (金色家园10号的停暖能改个时间吗
    那天家里老人过生日; 那个检修停暖 能不能往后推推), not the resident's visit: a network's
    maintenance is not moved for one household, and the players' p3-069 was asked "想改到什么时
    间？" and then not understood. A message that moves a visit on the stop's day (停暖那天师傅能
    改个时间来吗) is a visit moved."""
    canonical = re.sub(r"\s+", "", to_canonical(str(text or "")))
    return _STOP_MOVED.search(canonical) is not None and _VISIT_MOVED.search(canonical) is None


def moves_a_visit(text: str | None) -> bool:
    """Whether `text` moves a booked time (改到后天上午, 换个时间吧), judged on the words alone,
    without a clock: the NLU corrections call it, the actions read the window
    (`asks_to_reschedule`). 户头改到我名下 and 改成按计量收费 move no time."""
    if moves_a_stop(text):
        return False  # 停暖能改个时间吗: the company's stop, not a visit
    canonical = re.sub(r"\s+", "", to_canonical(str(text or "")))
    moved = _MOVE_TO.search(canonical)
    # 改到后天上午 moves a time; 温控阀调到20度 sets the heat
    if (
        moved
        and _TIME_WORDS.match(canonical, moved.end())
        and not _TEMPERATURE.match(canonical, moved.end())
    ):
        return True
    return bool(_MOVE.search(canonical) and (_VISIT_WORDS.search(canonical) or moved is None))


@dataclass(frozen=True)
class Reschedule:
    """A request to move the booked visit; `window` is None when no new time was named."""

    window: VisitWindow | None


def asks_to_reschedule(
    text: str | None, now: datetime, held: tuple[datetime, datetime] | None = None
) -> Reschedule | None:
    """Whether `text` moves a booked visit, and to which window (see the module docstring).

    None for a message that moves nothing: a time alone (后天上午) answers a question, it does not
    change a booking; 能改到我名下吗 moves no time either (the target must parse as a window).
    With the `held` window, a new time said without a day (明天上午不行 改到下午) is on the held
    day (`window_on_held_day`), not today."""
    if moves_a_stop(text):
        return None
    canonical = re.sub(r"\s+", "", to_canonical(str(text or "")))
    moved = _MOVE_TO.search(canonical)
    if moved:
        target = canonical[moved.end() :]
        window = window_on_held_day(target, held, now) or parse_visit_window(target, now)
        if window is not None:
            return Reschedule(window)
    if _MOVE.search(canonical) and (_VISIT_WORDS.search(canonical) or moved is None):
        return Reschedule(None)
    return None
