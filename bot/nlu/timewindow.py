"""When the user is at home: a Chinese time expression → an absolute visit window.

A repair or 测温 visit is booked as a window (start, end) in the company's zone, because
users answer 「什么时候家里有人？」 with anything from 明天上午 to 周六下午两点 to 随时. The
parser reads the canonical text (`to_canonical`: simplified, half-width, Arabic digits), so
兩點, 两点 and 2点 are one case, and returns None when it finds nothing it understands or the
window is already over, so the caller asks again instead of booking a wrong time.

Semantics (the contract in docs/interfaces.md, plus the choices documented here):
* Dates: 今天/今日/今儿, 明天/明日/明儿, 后天, 大后天; 今早/今晚, 明早/明晚, 明天一早;
  周X/星期X/礼拜X = the coming X — today if today is X and the window has not ended yet, otherwise
  the next one; 这周X/本周X = X of the current Monday–Sunday week (may be past → None), except
  on a Sunday, where many count the week from Sunday: 这周六 then is the coming Saturday;
  下周X = X of next week (the week after the current Monday–Sunday week), 下下周X a week later;
  周末 = today if today is Saturday/Sunday and the window is ahead, else the coming Saturday;
  工作日 / 周一到周五 = today if a weekday and the window is ahead, else the next weekday;
  N号/N日 = day N of this month, or of next month if that day is already behind us (a day that does
  not exist this month, e.g. 31号 in November, also moves on); when N is today, it stays today
  (and a window already over gives None rather than silently booking next month);
  M月D日 = this year, or next year once the date is behind us; YYYY年M月D日 as written.
* Parts of the day: 早上/上午 8–12, 一早/清早/大早 8–10 (the first slot of the morning), 中午 11–14,
  下午 13–18, 傍晚 17–19, 晚上/夜里 18–21, 白天/全天/一整天/整天 8–18; the northern words too:
  头午/前晌/早起 8–12, 晌午 11–14, 后晌/下晌/过晌/晌午后 13–18, 傍黑/擦黑 17–19.
* Clock times give a 2-hour window from that time; ranges (2点到4点, 14:00-16:00) give the range;
  N点以后 runs to 18:00 (21:00 with 晚上/傍晚, the part's end with 上午/中午: 上午十点以后 is
  10–12), or 2 hours if that is later; N点以前 starts at
  the part's start or 8:00.
  Without a part of the day, 1–6 o'clock is afternoon (nobody books a 2 a.m. visit) and 7–12 is
  morning/noon; with 下午/晚上/傍晚 hours below 12 get +12; 中午1点 is 13:00.
* 现在/马上/尽快/立刻/赶紧 → now … now + 2 h (urgency).
* 随时 (and 什么时候都行/都可以): availability, not urgency, so the window is wide: from now to
  20:00 today, or tomorrow 8–20 when less than an hour of today's window is left. With a date or
  part of day (明天随时, 下午随时) it is that day's 8–20, or that part.
* A date alone is 8–18 that day. A window that has wholly ended (end ≤ now) → None; a window
  that has started but not ended is returned as stated (the dispatcher sees the real request).
* A day gone by (昨天, 前天, 上周五, 刚才) is no visit: None (就昨天下午来的 is when something
  happened, not today afternoon).

`next_visit_window` is the form's reading: a part of the day or a clock time said without a day
(下午都行 at 19:50) whose window today is over means the next such one, tomorrow, and says so.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from bot.nlu.numbers import to_canonical
from bot.nlu.self_correction import correction_in
from bot.nlu.timespans import find_time_spans

__all__ = [
    "VisitWindow",
    "consistent_with_held",
    "english_times_in_chinese",
    "find_day",
    "mentions_past_day",
    "morning_instead_of_night",
    "next_visit_window",
    "only_a_time",
    "parse_visit_window",
    "unread_day",
    "window_on_held_day",
]

_TWO_HOURS = timedelta(hours=2)


@dataclass(frozen=True)
class VisitWindow:
    """A visit window: aware `start` < `end`, in the zone of the `now` it was parsed with."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("VisitWindow needs timezone-aware datetimes")
        if self.end <= self.start:
            raise ValueError(f"VisitWindow end {self.end} is not after start {self.start}")


# Parts of the day as (start hour, end hour); longer words first so 一早 wins over 早.
_PARTS: tuple[tuple[str, tuple[int, int]], ...] = (
    ("一整天", (8, 18)),
    ("一天都", (8, 18)),
    ("1天都", (8, 18)),
    ("整天", (8, 18)),
    ("全天", (8, 18)),
    ("白天", (8, 18)),
    ("一早", (8, 10)),
    ("清早", (8, 10)),
    ("大早", (8, 10)),
    ("早上", (8, 12)),
    ("早晨", (8, 12)),
    ("上午", (8, 12)),
    # the north's own words for the parts of the day (后天头午吧 was booked 08:00–18:00, 后晌都行
    # 08:00–20:00: players' findings 2, class I); 晌午后 before 晌午
    ("头午", (8, 12)),
    ("前晌", (8, 12)),
    ("早起", (8, 12)),
    ("晌午后", (13, 18)),
    ("后晌", (13, 18)),
    ("下晌", (13, 18)),
    ("过晌", (13, 18)),
    ("晌午", (11, 14)),
    ("中午", (11, 14)),
    ("下午", (13, 18)),
    ("傍晚", (17, 19)),
    ("傍黑", (17, 19)),
    ("擦黑", (17, 19)),
    ("晚上", (18, 21)),
    ("夜里", (18, 21)),
    ("今早", (8, 12)),
    ("明早", (8, 12)),
    ("今晚", (18, 21)),
    ("明晚", (18, 21)),
)
_PART_RE = re.compile("|".join(re.escape(word) for word, _ in _PARTS))
_PART_HOURS = dict(_PARTS)
_PM_PARTS = frozenset(
    {"下午", "傍晚", "晚上", "夜里", "今晚", "明晚"}
    | {"晌午后", "后晌", "下晌", "过晌", "傍黑", "擦黑"}
)
_ANYTIME_HOURS = (8, 20)
# How far a weekday/weekend date moves when its window is over: 周末 on Saturday evening means
# Sunday, on Sunday evening the next Saturday; a weekday moves a week.
_ROLL_DAYS = {
    ("weekend", 5): 1,
    ("weekend", 6): 6,
    ("workday", 0): 1,
    ("workday", 1): 1,
    ("workday", 2): 1,
    ("workday", 3): 1,
    ("workday", 4): 3,
}
# 工作日上午都行 / 周一到周五: the next working day (today while its window is ahead).
_WORKDAY_RE = re.compile("工作日|上班的?日子|(?:周|星期|礼拜)一到(?:周|星期|礼拜)?五")

_RELATIVE_DAYS: tuple[tuple[str, int], ...] = (
    ("大后天", 3),
    ("后天", 2),
    ("明天", 1),
    ("明日", 1),
    ("明儿", 1),  # not 赶明儿 (some day): `_UNREAD_DAY_RE`
    ("明个", 1),
    ("明早", 1),
    ("明晚", 1),
    ("今天", 0),
    ("今日", 0),
    ("今儿", 0),
    ("今个", 0),
    ("今早", 0),
    ("今晚", 0),
)
#: The spoken day after tomorrow of the north and of older speakers (后儿个下午吧 was booked
#: for this afternoon: the player's p4-007, class F): 后儿个 / 后个儿 / 后个 / 后儿 / 后日 = 后天,
#: with 大 one day later. Not the 后 of 以后 / 然后 / 最后 / 之后 (三点以后儿 is no day).
_DAY_AFTER_RE = r"(?<![以之然最往落背过])(?P<big>大)?后(?:儿个|个儿|儿|个|日)"
_RELATIVE_RE = re.compile(
    _DAY_AFTER_RE + "|(?<!赶)(?:" + "|".join(word for word, _ in _RELATIVE_DAYS) + ")"
)
_RELATIVE = dict(_RELATIVE_DAYS)

_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
_WEEKDAYS.update({str(i): i - 1 for i in range(1, 8)})
_WEEKDAY_RE = re.compile(
    r"(?P<prefix>下下个?|下个?|这个?|本)?(?:周|星期|礼拜)(?P<day>[一二三四五六日天1-7])"
)
_WEEKEND_RE = re.compile(r"(?P<prefix>下个?|这个?|本)?周末")
_FULL_DATE_RE = re.compile(r"(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})[日号]?")
_MONTH_DAY_RE = re.compile(r"(?<!\d)(?P<m>\d{1,2})月(?P<d>\d{1,2})(?:[日号]|(?!\d))")
_DAY_RE = re.compile(r"(?<![\d月.:])(?P<d>\d{1,2})[日号](?!楼|院|单元|门|室)")

# One clock time; `{n}` numbers the groups so two can appear in a range pattern.
_CLOCK = (
    r"(?P<h{n}>\d{{1,2}})"
    r"(?:[:](?P<m{n}>\d{{2}})"
    r"|点(?:钟)?(?:(?P<half{n}>半)|(?P<q{n}>[1-3])刻|(?P<mm{n}>\d{{1,2}})分?)?)"
)
_PART_ALT = "|".join(re.escape(word) for word, _ in _PARTS)
_RANGE_RE = re.compile(
    rf"(?P<p1>{_PART_ALT})?(?:{_CLOCK.format(n=1)}|(?P<bare>\d{{1,2}}))"
    rf"(?:到|至|-|~|—)(?P<p2>{_PART_ALT})?{_CLOCK.format(n=2)}"
)
_CLOCK_RE = re.compile(
    rf"(?P<p1>{_PART_ALT})?{_CLOCK.format(n=1)}(?P<rel>以后|之后|后|以前|之前|前)?"
)
_NOW_RE = re.compile("现在|马上|尽快|立刻|立即|赶紧|赶快|越快越好|尽早")
#: 随时 said as a habit of being home (俺天天在家, 每天都有人, 平时一直在家, 成天在屋): every day is
#: any day; the writers' sno-039 (an old man without a mobile) was asked the time five times.
_EVERY_DAY_HOME = (
    "(?:天天|每天|每日|成天|整天|一天到晚|平时|平常|平日|一直|随便哪天){1,2}"
    "(?:都|也|基本上?|一般)?(?:在家|在屋|有人|在(?=$|[吧呢啊呀的了，,。!！\\s]))"
)
_EVERY_DAY_HOME_RE = re.compile(_EVERY_DAY_HOME)
_ANYTIME_RE = re.compile("随时|什么时候都|啥时候都|任何时候|哪天都|几点都|都行|都可以")


def _says_anytime(text: str) -> bool:
    """随时 in its words, or a habit of being home that asks for no haste (我天天在家 越快越好
    asks for now: the home is only why anyone can come at once)."""
    if _ANYTIME_RE.search(text):
        return True
    return _EVERY_DAY_HOME_RE.search(text) is not None and not _NOW_RE.search(text)
#: Words that name a day the parser cannot place (改天下午, 过两天上午, 下礼拜吧, 初八, 月底, a
#: X儿个 it does not know): said with a part of the day they would otherwise be read as today's,
#: and a visit booked for a day the resident never meant (后儿个下午 became this afternoon: the
#: player's p4-007). The day is asked instead.
_UNREAD_DAY_RE = re.compile(
    "改天|改日|过(?:[一两俩几些1-9]|一两)(?:天|日子)|隔(?:[一两俩几1-9]|一两)?天|过阵子|赶明儿?|"
    "找(?:个|一)天|月底|月初|月中|年底|年后|节后|过完年|过年|元旦|春节|"
    "(?:农历|阴历)|初[一二三四五六七八九十]|(?:正|腊|冬)月|下个?月|"
    "(?:下下?|这|本)个?(?:周|星期|礼拜)(?![一二三四五六日天1-7末])|"
    r"(?<![一这那哪])\w儿个"
)
# A day gone by: what happened then is no time to come (大前天 too; 以前/之前 are not days).
_PAST_DAY_RE = re.compile(r"昨|前天|前儿|上个?(?:周|星期|礼拜)|上礼拜|刚才|刚刚|去年")


@dataclass(frozen=True)
class _DateHit:
    day: date
    kind: str  # "relative", "weekday", "weekend", "day_of_month", "month_day", "full"


def _add_months(day: date, day_of_month: int, months: int) -> date | None:
    """`day_of_month` in the month `months` after `day`'s month, or None if it does not exist."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    if day_of_month > calendar.monthrange(year, month)[1]:
        return None
    return date(year, month, day_of_month)


def _find_date(text: str, today: date) -> _DateHit | None:
    """The first date expression in `text`, resolved against `today` (rolling happens later)."""
    if m := _FULL_DATE_RE.search(text):
        try:
            return _DateHit(date(int(m["y"]), int(m["m"]), int(m["d"])), "full")
        except ValueError:
            return None
    if m := _MONTH_DAY_RE.search(text):
        month, dom = int(m["m"]), int(m["d"])
        for year in (today.year, today.year + 1):
            try:
                candidate = date(year, month, dom)
            except ValueError:
                return None
            if candidate >= today:
                return _DateHit(candidate, "month_day")
        return None
    if m := _RELATIVE_RE.search(text):
        days = _RELATIVE.get(m.group(), 3 if m["big"] else 2)
        return _DateHit(today + timedelta(days=days), "relative")
    if m := _WEEKDAY_RE.search(text):
        target = _WEEKDAYS[m["day"]]
        prefix = (m["prefix"] or "").rstrip("个")
        monday = today - timedelta(days=today.weekday())
        if prefix in ("这", "本"):
            if today.weekday() == 6 and target < 6:
                # on a Sunday 这周六 is the week that starts today for those who count from
                # Sunday; a past day nobody would book for is never what they mean
                return _DateHit(today + timedelta(days=target + 1), "this_week")
            return _DateHit(monday + timedelta(days=target), "this_week")
        if prefix == "下":
            return _DateHit(monday + timedelta(days=7 + target), "next_week")
        if prefix == "下下":
            return _DateHit(monday + timedelta(days=14 + target), "next_week")
        return _DateHit(today + timedelta(days=(target - today.weekday()) % 7), "weekday")
    if _WORKDAY_RE.search(text):
        if today.weekday() < 5:
            return _DateHit(today, "workday")
        return _DateHit(today + timedelta(days=7 - today.weekday()), "workday")
    if m := _WEEKEND_RE.search(text):
        prefix = (m["prefix"] or "").rstrip("个")
        monday = today - timedelta(days=today.weekday())
        if prefix == "下":
            return _DateHit(monday + timedelta(days=12), "next_week")
        if today.weekday() >= 5:
            return _DateHit(today, "weekend")
        return _DateHit(monday + timedelta(days=5), "weekend")
    if m := _DAY_RE.search(text):
        dom = int(m["d"])
        for months in (0, 1, 2):
            in_month = _add_months(today, dom, months)
            if in_month is not None and in_month >= today:
                return _DateHit(in_month, "day_of_month")
        return None
    return None


def _hour_for(hour: int, part: str | None) -> int:
    """24-hour clock from a spoken hour and the part of the day it was said with."""
    if part in _PM_PARTS and hour < 12:
        return hour + 12
    if part in ("晚上", "夜里") and hour == 12:
        return 24  # 晚上12点 is midnight
    if part == "中午" and 1 <= hour <= 5:
        return hour + 12
    if part is None and 1 <= hour <= 6:
        return hour + 12
    return hour


def _minutes(match: re.Match[str], n: int) -> int:
    if match[f"m{n}"]:
        return int(match[f"m{n}"])
    if match[f"half{n}"]:
        return 30
    if match[f"q{n}"]:
        return 15 * int(match[f"q{n}"])
    if match[f"mm{n}"]:
        return int(match[f"mm{n}"])
    return 0


def _at(day: date, hour: int, minute: int, now: datetime) -> datetime | None:
    """An aware datetime on `day` (hour 24 allowed: midnight after `day`); None if invalid."""
    if not (0 <= hour <= 24 and 0 <= minute < 60) or (hour == 24 and minute):
        return None
    extra = timedelta(days=1) if hour == 24 else timedelta()
    naive = datetime.combine(day, time(hour % 24, minute)) + extra
    return naive.replace(tzinfo=now.tzinfo)


def _closing_hour(part: str | None) -> int:
    """Where N点以后 ends: the evening's 21:00 with 晚上/傍晚, the end of a morning or noon said
    with it (明天上午吧 十点以后 is 10–12: the players' p3-001 was booked 10–18 and had to say
    下午我不在家), otherwise the working day's 18:00."""
    if part in _PM_PARTS - {"下午"}:
        return 21
    if part is None:
        return 18
    return _PART_HOURS[part][1]


def _clock_window(
    text: str, day: date, part_hint: str | None, now: datetime
) -> tuple[datetime, datetime] | None:
    """A window from explicit clock times in `text` on `day`, or None when there are none."""
    if m := _RANGE_RE.search(text):
        p1 = m["p1"] or part_hint
        if m["bare"]:
            h1, min1 = int(m["bare"]), 0
        else:
            h1, min1 = int(m["h1"]), _minutes(m, 1)
        start_hour = _hour_for(h1, p1)
        p2 = m["p2"] or p1
        end_hour = _hour_for(int(m["h2"]), p2)
        end_minute = _minutes(m, 2)
        if (end_hour, end_minute) <= (start_hour, min1) and end_hour < 12:
            end_hour += 12  # 上午10点到2点
        start, end = _at(day, start_hour, min1, now), _at(day, end_hour, end_minute, now)
        if start is None or end is None or end <= start:
            return None
        return start, end
    if m := _CLOCK_RE.search(text):
        part = m["p1"] or part_hint
        start = _at(day, _hour_for(int(m["h1"]), part), _minutes(m, 1), now)
        if start is None:
            return None
        relation = m["rel"]
        if relation in ("以后", "之后", "后"):
            closing = _at(day, _closing_hour(part), 0, now)
            end = max(start + _TWO_HOURS, closing) if closing else start + _TWO_HOURS
            return start, end
        if relation in ("以前", "之前", "前"):
            opening_hour = _PART_HOURS[part][0] if part else 8
            opening = _at(day, opening_hour, 0, now)
            if opening is None or opening >= start:
                return None
            return opening, start
        return start, start + _TWO_HOURS
    return None


def _window_for_day(text: str, day: date, now: datetime) -> tuple[datetime, datetime] | None:
    """The window on `day` from clock times, a part of the day, 随时, or the 8–18 default."""
    part_match = _PART_RE.search(text)
    part = part_match.group() if part_match else None
    clock = _clock_window(text, day, part, now)
    if clock is not None:
        return clock
    if part is not None:
        start_hour, end_hour = _PART_HOURS[part]
    elif _says_anytime(text):
        start_hour, end_hour = _ANYTIME_HOURS
    else:
        start_hour, end_hour = 8, 18
    start, end = _at(day, start_hour, 0, now), _at(day, end_hour, 0, now)
    if start is None or end is None:
        return None
    return start, end


def unread_day(text: str | None) -> str | None:
    """The words of `text` that name a day no date rule reads (改天, 过两天, 下礼拜 without its day,
    初八), None when there are none or a day is read anyway (改天吧 明天下午 is tomorrow). A
    visit is never put on today in their place: the caller asks which day."""
    compact = re.sub(r"\s+", "", english_times_in_chinese(to_canonical(text or "")))
    if _day_named(compact) is not None or _PAST_DAY_RE.search(compact):
        return None
    found = _UNREAD_DAY_RE.search(compact)
    return found.group() if found else None


def _has_time_of_day(text: str) -> bool:
    return bool(_PART_RE.search(text) or _CLOCK_RE.search(text) or _RANGE_RE.search(text))


_EN_WEEKDAYS = {
    "mon": "一", "tue": "二", "wed": "三", "thu": "四", "fri": "五", "sat": "六", "sun": "日",
}
_EN_WEEKDAY = r"(mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?"


def _en_clock(match: re.Match[str]) -> str:
    hour, minute, half = match.group(1), match.group(2), match.group(3).lower()
    part = "下午" if half == "p" else "上午"
    return f"{part}{hour}" + (f":{minute}" if minute else "点")


_PINYIN_DAYS = {
    "yi": "一", "er": "二", "san": "三", "si": "四", "wu": "五", "liu": "六", "ri": "日",
}
_PINYIN_DAY = r"(yi|er|san|si|wu|liu|ri|tian)"
#: Time words typed as pinyin (jintian xiawu: the players' pl-010 answered the visit question so
#: and the repair was stopped, class A), the longer first.
_PINYIN_TIMES: tuple[tuple[str, str | Callable[[re.Match[str]], str]], ...] = (
    (r"da ?hou ?tian", "大后天"),
    (r"hou ?tian", "后天"),
    (r"jin ?tian", "今天"),
    (r"ming ?tian", "明天"),
    (r"jin ?wan", "今晚"),
    (r"ming ?zao", "明早"),
    (r"shang ?wu", "上午"),
    (r"xia ?wu", "下午"),
    (r"zhong ?wu", "中午"),
    (r"wan ?shang", "晚上"),
    (r"zao ?shang", "早上"),
    (r"sui ?shi", "随时"),
    (r"xian ?zai", "现在"),
    (
        r"(?:zhou|xing ?qi|li ?bai) ?" + _PINYIN_DAY,
        lambda m: "周" + _PINYIN_DAYS.get(m.group(1).lower(), "日"),
    ),
    (r"(\d{1,2}) ?dian( ?ban)?", lambda m: m.group(1) + ("点半" if m.group(2) else "点")),
)
#: English time words residents mix into Chinese (tmr afternoon, sat morning, after 4pm), in the
#: order they are replaced: the longer phrases first.
_EN_TIMES: tuple[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]], ...] = tuple(
    (re.compile(r"(?<![a-z])(?:" + pattern + r")(?![a-z])", re.IGNORECASE), replacement)
    for pattern, replacement in (
        *_PINYIN_TIMES,
        (r"day after (?:tomorrow|tmrw?)", "后天"),
        (r"(\d{1,2})(?::(\d{2}))?\s*([ap])\.?m\.?", _en_clock),
        (r"tmrw?|tmro|tomorrow|tomorow|2morrow|tmw", "明天"),
        (r"today|tdy|2day", "今天"),
        (r"tonight|tonite|this evening", "今晚"),
        (r"this morning", "今天上午"),
        (r"this afternoon", "今天下午"),
        (r"next (?:week ?)?" + _EN_WEEKDAY, lambda m: "下周" + _EN_WEEKDAYS[m.group(1).lower()]),
        (r"(?:this )?" + _EN_WEEKDAY, lambda m: "周" + _EN_WEEKDAYS[m.group(1).lower()]),
        (r"(?:this )?weekend", "周末"),
        (r"weekdays?", "工作日"),
        (r"morning|a\.m\.?", "上午"),
        (r"afternoon|p\.m\.?", "下午"),
        (r"evening|night", "晚上"),
        (r"noon|lunch ?time", "中午"),
        (r"all day", "全天"),
        (r"asap|as soon as possible|right now", "尽快"),
        (r"any ?time|whenever", "随时"),
        (r"after", "以后"),
        (r"before", "以前"),
    )
)


def english_times_in_chinese(text: str) -> str:
    """`text` with the English time words residents mix in put into Chinese (tmr afternoon →
    明天 下午, sat morning → 周六 上午, 4pm → 下午4点): a programmer typing 16℃ is this normal
    answers the visit question in English too, and "tmr afternoon" was not understood.
    A word order such as "after 4pm" stays English (以后 下午4点); the parsers read the parts."""
    for pattern, replacement in _EN_TIMES:
        text = pattern.sub(replacement, text)
    return re.sub(r"以后\s*(下午|上午)?(\d{1,2}(?::\d{2}|点))", r"\1\2以后", text)


#: What a resident says around a time that names nothing else (吧, 都行, 在家, I'm free, pls);
#: not 好, which makes 早上好 / 晚上好 a greeting.
_AROUND_A_TIME = re.compile(
    r"吧|啊|呀|哦|噢|嗯|的|了|都|也|就|那|行|可以|在家|有人|有空|方便|家里|我|俺|吗|呢|"
    r"ok|okay|i'?m|i am|at home|home|free|available|is fine|fine|works?|pls|please|maybe|"
    r"[\s,，.。!！?？~～、]",
    re.IGNORECASE,
)


def only_a_time(text: str | None) -> bool:
    """Whether `text` says a time and nothing else (tmr afternoon, 明天下午吧, 周六上午我在家, sat
    morning pls): the answer to "when can someone come", whatever a classifier makes of words it
    never saw (tmr afternoon was read as a repair and switched a 测温 to the repair form)."""
    canonical = english_times_in_chinese(to_canonical(str(text or "")))
    spans = [span for span in find_time_spans(canonical) if not span.past]
    rest = canonical
    for span in sorted(spans, key=lambda s: s.start, reverse=True):
        rest = rest[: span.start] + " " + rest[span.end :]
    found = bool(spans)
    for pattern in (_NOW_RE, _ANYTIME_RE, _EVERY_DAY_HOME_RE, _PART_RE):
        found = found or pattern.search(rest) is not None
        rest = pattern.sub(" ", rest)
    return found and not _AROUND_A_TIME.sub("", rest)


#: Words that put a new time in place of one said before (改成周六上午, 换成后天下午, 挪到下午).
_CHANGED_TO = re.compile(
    "改成|换成|改到|换到|挪到|调到|改为|换为|改在|换在|推到|推迟到|延到|提前到"
)
#: A time the resident cannot do (明天上午我要上班, 明天上午我得去医院, 上午不在家).
_CANNOT_THEN = re.compile(
    "不行|没空|没时间|不在|有事|上班|医院|不方便|没人|来不了|不可以|不能|走不开|出门|加班|不得闲"
)
_CLAUSE_BREAK = re.compile(r"[\s，,。.！!；;、]+")
_DAY_WORDS = (
    _FULL_DATE_RE, _MONTH_DAY_RE, _RELATIVE_RE, _WEEKDAY_RE, _WORKDAY_RE, _WEEKEND_RE, _DAY_RE
)


def _day_named(text: str) -> str | None:
    """The words that name a day in `text` (明天, 周六, 12月8日), None when none do."""
    return next((m.group() for m in (r.search(text) for r in _DAY_WORDS) if m), None)


def _names_a_time(text: str) -> bool:
    return _day_named(text) is not None or _has_time_of_day(text)


def the_time_meant(text: str) -> str:
    """The part of `text` that gives the time wanted when it names a time it cannot do and
    another (等等 明天上午我要上班 改成周六上午吧 → 周六上午; 不行 明天上午我得去医院 换成后天下午;
    明天上午不在家 下午在 → 明天下午在), or takes the first time back (明天上午 不对 明天下午吧,
    不是上午 是下午: `bot.nlu.self_correction`): the first time read was the refused one, and the
    read-back came again unchanged (players' class G), or the withdrawn one was booked (players'
    findings 2, class C). A new time that names no day keeps the refused
    one's day. `text` as it was otherwise."""
    canonical = english_times_in_chinese(to_canonical(text or ""))
    marks = list(_CHANGED_TO.finditer(canonical))
    if marks and _names_a_time(canonical[marks[-1].end() :]):
        before, meant = canonical[: marks[-1].start()], canonical[marks[-1].end() :]
    elif (
        (correction := correction_in(canonical, canonical=True))
        and _names_a_time(correction.meant)
        and _names_a_time(f"{correction.said} {correction.taken_back}")
    ):
        # 明天上午 不对 明天下午吧 / 明天上午 不是上午 是下午: the time after the correction
        before, meant = f"{correction.said} {correction.taken_back}", correction.meant
    else:
        timed = [c for c in _CLAUSE_BREAK.split(canonical) if c and _names_a_time(c)]
        kept = [c for c in timed if not _CANNOT_THEN.search(c)]
        if not kept or len(kept) == len(timed):
            return text
        before = " ".join(c for c in timed if c not in kept)
        meant = " ".join(kept)
    day = _day_named(before)
    return meant if day is None or _day_named(meant) is not None else day + meant


def parse_visit_window(text: str, now: datetime) -> VisitWindow | None:
    """The visit window the user means, resolved against the aware datetime `now`; else None.

    See the module docstring for the exact semantics. Raises ValueError for a naive `now`,
    because a window without a zone cannot be stored or compared safely.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("parse_visit_window needs a timezone-aware `now`")
    canonical = english_times_in_chinese(to_canonical(the_time_meant(text)))
    compact = re.sub(r"\s+", "", canonical)
    if not compact:
        return None
    if _PAST_DAY_RE.search(compact):
        return None
    today = now.date()
    hit = _find_date(compact, today)
    anytime = _says_anytime(compact)

    if hit is None:
        if _UNREAD_DAY_RE.search(compact):
            return None  # 改天下午 is not this afternoon: `unread_day`
        if _has_time_of_day(compact):
            window = _window_for_day(compact, today, now)
        elif anytime:
            start, end = now, _at(today, _ANYTIME_HOURS[1], 0, now)
            if end is None or end - start < timedelta(hours=1):
                tomorrow = today + timedelta(days=1)
                window = _window_for_day("随时", tomorrow, now)
            else:
                window = (max(start, _at(today, _ANYTIME_HOURS[0], 0, now) or start), end)
        elif _NOW_RE.search(compact):
            window = (now, now + _TWO_HOURS)
        else:
            return None
    else:
        day = hit.day
        if (
            hit.kind == "relative"
            and hit.day == today
            and _NOW_RE.search(compact)
            and not (_has_time_of_day(compact))
        ):
            window = (now, now + _TWO_HOURS)  # 今天尽快
        else:
            window = _window_for_day(compact, day, now)
            if window is not None and anytime and day == today and not _has_time_of_day(compact):
                window = (max(window[0], now), window[1])  # 今天随时: from now on
            rolls = hit.kind in ("weekday", "weekend", "workday")
            if window is not None and rolls and window[1] <= now:
                day = day + timedelta(days=_ROLL_DAYS.get((hit.kind, day.weekday()), 7))
                window = _window_for_day(compact, day, now)

    if _still_tonight(compact, hit is None or hit.day == today, window, now):
        # 今天晚上就给我来人 / 我说了今天晚上！现在！ at 23:20: the evening's hours are over, the
        # evening is not: as soon as possible (the players' pl-45 was asked the time four times)
        window = (now, now + _TWO_HOURS)
    if window is None:
        return None
    start, end = window
    if end <= now or end <= start:
        return None
    return VisitWindow(start=start, end=end)


#: Words for this evening or night (the part of the day still running until midnight).
_TONIGHT_RE = re.compile("今晚|今天晚上|今儿晚上|今夜|今天夜里|晚上|夜里")
#: From this hour on, "tonight" can only mean now.
_EVENING_FROM = 17


def _still_tonight(
    compact: str, today_meant: bool, window: tuple[datetime, datetime] | None, now: datetime
) -> bool:
    """Whether a window for today that is already over (or none) was asked for "now" or for
    tonight while it is still evening: then it means from now on."""
    if not today_meant or (window is not None and window[1] > now):
        return False
    if _NOW_RE.search(compact):
        return True
    return bool(_TONIGHT_RE.search(compact)) and now.hour >= _EVENING_FROM


def mentions_past_day(text: str | None) -> bool:
    """Whether `text` names a day gone by (昨天, 前天, 上周五, 刚才): what happened then."""
    return _PAST_DAY_RE.search(re.sub(r"\s+", "", to_canonical(text or ""))) is not None


def next_visit_window(text: str, now: datetime) -> tuple[VisitWindow, bool] | None:
    """`parse_visit_window`, except that a part of the day or a clock time said without a day
    whose window today is over (下午都行, 上午10点 at 19:50) is the next one, tomorrow: nobody
    offers a time already gone, and "没听明白" was the answer. Returns the window and whether it
    was moved to tomorrow (the caller says so); None as `parse_visit_window`."""
    window = parse_visit_window(text, now)
    if window is not None:
        return window, False
    compact = re.sub(r"\s+", "", english_times_in_chinese(to_canonical(the_time_meant(text))))
    if not compact or _PAST_DAY_RE.search(compact) or not _has_time_of_day(compact):
        return None
    if _find_date(compact, now.date()) is not None or _UNREAD_DAY_RE.search(compact):
        return None  # 今天下午 said at 19:50 is over as said: asked again, not moved
    tomorrow = _window_for_day(compact, now.date() + timedelta(days=1), now)
    if tomorrow is None or tomorrow[1] <= tomorrow[0]:
        return None
    return VisitWindow(start=tomorrow[0], end=tomorrow[1]), True


def morning_instead_of_night(window: VisitWindow, now: datetime) -> VisitWindow | None:
    """The first two hours of the visiting day for a visit asked "now" at night (现在 / 越快越好
    at 02:20), else None. Fitters visit homes from 08:00 to 20:00; the night's duty crew is for
    water and bursts, which the emergency path sends at once. A window from 02:20 to 04:20 was
    booked for a 78-year-old living alone (the player's pl-082), and nobody would have come."""
    first, last = _ANYTIME_HOURS
    asked_now = abs((window.start - now).total_seconds()) < 60
    if not asked_now or first <= now.hour < last:
        return None
    day = now.date() if now.hour < first else now.date() + timedelta(days=1)
    start = _at(day, first, 0, now)
    if start is None:
        return None
    return VisitWindow(start=start, end=start + _TWO_HOURS)


def find_day(text: str, today: date) -> date | None:
    """The day `text` names (周六, 明天, 下周一, 12月24号 …) by the date rules above, or None.

    For questions about a day rather than a visit (is the hall open on Saturday?): no window,
    so nothing rolls on; 周六 asked on a Saturday is that day.
    """
    hit = _find_date(re.sub(r"\s+", "", to_canonical(text or "")), today)
    return hit.day if hit else None


def window_on_held_day(
    text: str, held: tuple[datetime, datetime] | None, now: datetime
) -> VisitWindow | None:
    """The window a time said without a day means when a visit window is already held (改到下午,
    对 下午, 三点以后吧 at the read-back of 12月8日 14:00–18:00): the held day's, not today's: a
    resident changing or confirming the hour of a booked day keeps its day. None when the text
    names a day itself, a day gone by, no time of day, or nothing is held; the window is the
    held one when it lies within what was said (对 改到下午 of 14:00–18:00 repeats it)."""
    if held is None:
        return None
    compact = re.sub(r"\s+", "", english_times_in_chinese(to_canonical(the_time_meant(text))))
    if not compact or _PAST_DAY_RE.search(compact) or not _has_time_of_day(compact):
        return None
    if _find_date(compact, now.date()) is not None or _UNREAD_DAY_RE.search(compact):
        return None
    found = _window_for_day(compact, held[0].date(), now)
    if found is None or found[1] <= now or found[1] <= found[0]:
        return None
    if found[0] <= held[0] and held[1] <= found[1]:
        return VisitWindow(start=held[0], end=held[1])
    return VisitWindow(start=max(found[0], now), end=found[1])


def consistent_with_held(
    text: str, held: tuple[datetime, datetime] | None, now: datetime
) -> bool:
    """Whether a time said (周三上午, 改到下午, 下午两点以后) agrees with the held visit window:
    what was said, on the held day when it names none, holds the whole held window (对 三点以后
    of 14:00–18:00 narrows it: a change, read back again). A resident repeating the booked time
    while saying yes is saying yes."""
    if held is None:
        return False
    window = window_on_held_day(text, held, now) or parse_visit_window(text, now)
    if window is None:
        return False
    return window.start <= held[0] and held[1] <= window.end
