"""Where a visit time is written in a message: rule-based `time` spans on the canonical text.

DIET finds most visit times but often cuts them: 下周二上午10点 comes out as 下 + 周二上午10点,
工作日晚上7点后 as 工作日 + 晚上7点后, 这周六 without its 这. This module finds the whole
expression by rule so `bot.nlu.entities` can correct DIET's boundaries, and add a span DIET missed
when the message is about a visit.

The spans follow the annotation rules of the held-out set (docs/nlu-test-set.md): a window the
user gives for a visit, as one span, with its qualifiers inside (明天上午, 周六全天,
工作日晚上7点后, 下午2点到4点, 10点左右); 随时 is a span of its own; 都在家 / 有人 are not part of
it. Past times and symptom onsets (昨天报的修, 从今天早上开始不热, 等了一上午) are not visit
times: `find_time_spans` marks every span with whether its context says so (`past`), and with
whether the words around it say the user is available (`cue`: 在家, 有人, 上门, 来 …), so the
caller decides how much evidence it needs.

Input is the canonical text of `bot.nlu.numbers.to_canonical` (Arabic digits, simplified script):
that is what the NLU pipeline's `TextNormalizer` gives every later component, and entity offsets
refer to it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["TimeSpan", "find_time_spans"]

# 后儿个 / 后个 / 后日 are 后天 where the north speaks (`bot.nlu.timewindow`)
_RELATIVE_DAY = (
    "大后天|后天|(?<![以之然最往落背过])大?后(?:儿个|个儿|儿|个|日)|明天|明日|明儿个?|明个|"
    "今天|今日|今儿个?|今个|今早|明早|今晚|明晚|改天"
)
_WEEKDAY = r"(?:下下个?|下个?|这个?|本)?(?:周|星期|礼拜)[一二三四五六日天1-7]"
_WEEKEND = r"(?:下个?|这个?|本)?周末"
_WORKDAY = "工作日|周一到周五|周一至周五|平时|双休日|节假日"
_MONTH_DAY = r"(?<![\d.])\d{1,2}月\d{1,2}(?:日|号)?(?!\d)"
# N号/N日 alone is a day only where the address units cannot follow (5号楼, 5号1单元, 5号院).
_DAY = r"(?<![\d.月:\-#])\d{1,2}(?:日|号)(?![\d楼院门室房线栋座层单户])"
_DATE = (
    rf"(?:{_MONTH_DAY}|{_WEEKDAY}(?:(?:到|至|或者?|和)(?:{_WEEKDAY}))?|{_WEEKEND}"
    rf"|{_RELATIVE_DAY}|{_WORKDAY}|{_DAY})"
)
_PART = (
    "一整天|整天|全天|一天|白天|上午|下午|中午|晌午后|晌午|早上|早晨|晚上|傍晚|夜里|头午|前晌|后晌|"
    "下晌|过晌|傍黑|擦黑|"
    "上半天|下半天|一早|清早|大早"
)
_CLOCK = r"(?<![\d.:])\d{1,2}(?::\d{2}|点(?:钟)?(?:半|整|[1-3]刻|\d{1,2}分?)?)"
_CLOCK_RANGE = (
    rf"(?:{_CLOCK}|(?<![\d.:])\d{{1,2}})(?:到|至|-|~|—)(?:{_PART})?{_CLOCK}"
    rf"|{_CLOCK}"
)
_QUALIFIER = (
    rf"(?:以后|之后|以前|之前|左右|前后|后|前|多"
    rf"|(?:到|至)(?:{_PART})?{_CLOCK}|(?:到|至)(?:{_PART}))"
)
_ANYTIME = "随时"

_TIME_RE = re.compile(
    rf"(?:{_DATE})(?:的)?(?:{_PART})?(?:{_CLOCK_RANGE})?(?:{_QUALIFIER})?(?:{_ANYTIME})?"
    rf"|(?:{_PART})(?:{_CLOCK_RANGE})?(?:{_QUALIFIER})?(?:{_ANYTIME})?"
    rf"|(?:{_CLOCK_RANGE})(?:{_QUALIFIER})?"
    rf"|{_ANYTIME}"
)
# A bare date word or day part that needs more than itself to be a time: 一天/平时 are mostly not
# windows (一天比一天冷, 平时挺热的), 改天 is vague.
_WEAK_ALONE = frozenset({"一天", "平时", "改天", "节假日"})
# Before the span: the event is in the past or it is a duration (等了一上午, 从今天早上).
_PAST_BEFORE = re.compile("(?:昨|前|上|从|自从|自|等了|等到|已经|都|了|这一|一)$")
# After the span: symptom onset or a past event (今天早上开始不热, 上午报的修, 晚上就凉了).
_PAST_AFTER = re.compile(
    "^(?:的时候|开始|起|以来|就(?!行|可以|能|在|有|方便)|才|报|打(?:的|过|了)|来过|来了|"
    "到现在|停|不热|冰凉|凉|冷|一直|又|还|突然|刚|的事|那次|说)"
)
# Words that make a span an availability statement (在家, 有人, 可以来, 上门 …), before or after.
_CUE_AFTER = re.compile(
    "^(?:都|也|一般|基本|我|家里|家|人)?(?:在家|有人|有空|方便|可以|能|行|OK|ok|来|过来|上门|"
    "都行|都可以|都在|在|有时间|没事|比较方便|上班前|下班后|安排)"
)
_CUE_BEFORE = re.compile(
    "(?:约|预约|安排|改到|改成|改在|换到|定在|时间|上门|来|过来|能不能|可不可以|可以|希望|最好|"
    "麻烦|请|是|在|等)$"
)


@dataclass(frozen=True)
class TimeSpan:
    """A time expression at [start, end) of the canonical text.

    `past`: its context says it is a past event, an onset or a duration, not a visit window.
    `cue`: the words around it say the user is available then (在家, 有人, 上门 …).
    """

    start: int
    end: int
    text: str
    past: bool
    cue: bool


def find_time_spans(text: str) -> list[TimeSpan]:
    """All time expressions in the canonical `text`, longest match first, in text order."""
    spans: list[TimeSpan] = []
    for match in _TIME_RE.finditer(text):
        start, end = match.span()
        value = match.group()
        if not value or value in _WEAK_ALONE:
            continue
        before = text[max(0, start - 3) : start]
        after = text[end : end + 8]
        past = bool(_PAST_BEFORE.search(before)) or bool(_PAST_AFTER.match(after))
        cue = value == _ANYTIME or bool(_CUE_AFTER.match(after) or _CUE_BEFORE.search(before))
        spans.append(TimeSpan(start, end, value, past, cue))
    return spans
