"""What residents ask about getting through the day of a heating stop (player findings 4, A3).

Around a planned or emergency stop, residents ask how to get through it, not when it ends:
停的那天家里冷了老人咋办, 停暖那天能不能用电暖器, 周四停暖那天要注意啥, 我家老人在家 要不要准备点啥.
The classifier reads such a message as the season's dates, the stop again, or topic buttons; the
answer a service desk gives is practical (keep the warmth in, electric heaters used safely, never
charcoal or open flame, the vulnerable somewhere warm, 120 for someone unwell, the hotline).

A message asks so when it asks about coping (`_CARE`: the cold at home, the elderly or a child,
an electric heater, what to prepare or watch out for) and is about the stop: it names the stop's
day or time (`_STOP_DAY`: 停的那天, 停暖期间, 停热的时候), or a stop was just told (the caller
says).
A request for the heat back (必须今天来暖), a repair or a question about when the stop ends is not
one (those have their own answers), unless preparing is asked in words beside the times (那天几点停
几点来 我家里有老人要不要准备啥): the outage answer says the times, then how to prepare.
"""

from __future__ import annotations

import re

from bot.nlu.numbers import to_canonical

__all__ = ["asks_stop_day_care", "asks_stop_times", "asks_warming_aid"]

#: The day or time of the stop named: 停的那天, 周四停暖那天, 停热期间, 停的时候, 停了以后冷.
_STOP_DAY = re.compile(
    r"停[暖热气水]?(的)?(那|这|当)天|停[暖热气]?(的)?(期间|时候|那会|那段|这段|那几个小时)|"
    r"停[暖热气]?了?(以后|之后|后)(家里|屋里)?(冷|凉)|不供(暖|热)(那天|期间|的时候)"
)
#: Coping with the cold: who suffers, what to heat with, what to prepare or watch out for.
_CARE = re.compile(
    r"老人|老太太|老爷子|老娘|老爹|老妈|老爸|老母亲|老父亲|老伴|爷爷|奶奶|姥姥|姥爷|公公|婆婆|"
    r"孩子|小孩|婴儿|宝宝|病人|孕妇|"
    r"电暖器|电暖气|取暖器|小太阳|油汀|电热毯|电热器|暖风机|空调|烧炭|炭火|炉子|"
    r"注意(啥|什么|些什么|点啥|哪些|事项)|准备(点|些)?(啥|什么)|要不要准备|提前准备|"
    r"(怎么|咋|如何|该怎么|得怎么)准备|"
    r"(怎么|咋|如何)(保暖|取暖|过)|保暖|取暖|冷了?(咋办|怎么办|咋整)|冻着|受冻"
)
#: Not coping but the stop itself: when it ends, or a demand for the heat back.
_NOT_CARE = re.compile(r"(几点|啥时候|什么时候|多久)(来|恢复|通|供)|必须|赶紧|马上来|报修|投诉")
#: Preparing asked in words, beside the stop's times (那天几点停几点来 我家里有老人要不要准备啥,
#: player findings 5, p5-004): both are answered, the times first.
_PREPARING = re.compile(r"准备|注意(啥|什么|些什么|点啥|哪些|事项)")
#: A demand, never a question about coping.
_DEMAND = re.compile(r"必须|赶紧|马上来|报修|投诉")


def asks_stop_times(text: str | None) -> bool:
    """Whether `text` asks when the stop ends or the heat comes (那天几点停几点来): the outage
    answer says that, before any care tips."""
    return _NOT_CARE.search(to_canonical(str(text or ""))) is not None and not _DEMAND.search(
        to_canonical(str(text or ""))
    )


def asks_stop_day_care(text: str | None, stop_told: bool = False) -> bool:
    """Whether `text` asks how to get through a stop's day (module docstring); `stop_told`: the
    bot told a stop just before, so the day need not be named (我家老人在家 要不要准备点啥)."""
    canonical = to_canonical(str(text or ""))
    if not _CARE.search(canonical) or _DEMAND.search(canonical):
        return False
    if _NOT_CARE.search(canonical) and not _PREPARING.search(canonical):
        return False
    return stop_told or _STOP_DAY.search(canonical) is not None


#: Things residents warm themselves with: a hot-water bottle, heat pads, electric heaters.
_WARMING_AID = re.compile(
    r"热水袋|暖水袋|暖宝宝|暖贴|暖手宝|暖脚宝|汤婆子|电热毯|电褥子|电暖器|电暖气|取暖器|小太阳|"
    r"油汀|暖风机|电热扇|空调|烤火|泡脚"
)
#: Asking whether it may be used (能用吗, 可以开不, 安全吗, 行不行).
_MAY_USE = re.compile(
    r"能(不能)?用|可(不)?以用|(能|可以)[^，。,？?！!\s]{0,6}用|用(吗|不|么|得|行吗|可以吗)|行不行|行吗|中不中|管用|安全(吗|不)|"
    r"能(不能)?开|可(不)?以开|开(吗|不|么|着)|好使|可以吗|能行吗|危险(吗|不)|会不会"
)


def asks_warming_aid(text: str | None) -> bool:
    """Whether `text` asks whether something to warm up with may be used (那热水袋能用吗, 电热毯
    开着睡行不行, 小太阳安全吗): after the advice for someone cold (an emergency's, a stop
    day's), a question about that advice, answered with how to use it safely (player findings 5,
    p5-058: topic buttons)."""
    canonical = to_canonical(str(text or ""))
    return _WARMING_AID.search(canonical) is not None and _MAY_USE.search(canonical) is not None
