"""Where a heating fault is named in a message: rule-based `fault_type` spans on the canonical text.

The CRF finds the fault words its training messages contain, in contexts like theirs; users
have many more ways to say the same few things (咣咣响 / 哐哐响 / 嘎吱嘎吱响, 温吞吞, 冰手,
一点都不热乎). This module finds the expressions by their shape, so `bot.nlu.entities` can
redraw a CRF span to the whole phrase and add one the CRF missed in a message about a fault.

The spans follow the annotation rules (docs/nlu-test-set.md): the word(s) naming the fault, as
one span, without the object (暖气, 暖气片) or the particles around it (了, 的, 啊):
不太热, 冰凉冰凉, 咕噜咕噜响, 有空气, 漏水. Room feelings (屋里冷, 贼冷) are not faults of the
heating and are not matched; the valve is matched only as a fault (阀门坏了 → 阀门,
阀门拧不动 → 阀门 … the fault words themselves are the CRF's to find). A symptom right after a
negation (没漏水, 不响) is not a fault.

Each span carries its fault type (`bot.nlu.faults.fault_type_of` of the span text).

Input is the canonical text of `bot.nlu.numbers.to_canonical` (simplified script, Arabic digits),
which is what entity offsets refer to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.nlu.faults import fault_type_of

__all__ = ["FaultSpan", "find_fault_spans"]

# Sound words users write doubled or alone before 响 / 的响 / 声: 咕噜咕噜, 咚咚, 哗哗, 嗡嗡 …
_SOUND_CHARS = "咕噜咚当铛哐咣哗嗡滋吱嘶嘀嗒叮砰啪乒乓嘎咔嗞噔哒呼嘟突哧嘣轰隆"
_SOUND = rf"[{_SOUND_CHARS}]{{1,4}}"
_NOISE = (
    rf"{_SOUND}(?:地|的)?(?:响|声)|异响|噪音|噪声|响声|响动|(?:声音|动静)大"
    rf"|有(?:声音|动静)|(?<![影音不])响(?![应起亮])"
)
_NOT_HOT = (
    r"不(?:太|怎么|咋|大|是很|是太|够|怎么太|是特别|很|那么)?(?:热乎?|暖和?|烫)(?!水|量|点|线|心|情|闹)"
    r"|不(?:发|来|上|出)热|没(?:有)?(?:热气|热乎气|温度|暖气|热度)"
)
_COLD = (
    r"冰(?:凉|冷|手)(?:冰(?:凉|冷))?|拔凉(?:拔凉)?|哇凉(?:哇凉)?|透心凉|凉(?:冰冰|飕飕|哇哇|丝丝)"
    r"|温(?:乎|吞)(?:乎|吞)?|温温(?:乎乎)?"
    r"|(?<![上下])半截热|一半热|上热下(?:凉|冷)"
    r"|温度(?:太|很|特别|有点|偏)?(?:低|不够|上不去)"
)
# States that name no fault of the heating on their own (屋里温度低 is how a room feels, 没暖气 how
# an area outage looks): spans the CRF also marks are redrawn, none is added on these alone.
_WEAK = re.compile(r"温度.*|没有?(?:热气|热乎气|温度|暖气|热度)")
# After a broken valve (阀门漏了) the leak is the valve's: the span is 阀门 alone.
_LEAK = (
    r"(?<!没|不)(?<!阀门|伐门)(?:漏水|漏了|跑水|滴水|渗水|冒水|淌水|滋水|呲水|喷水|往下滴(?!水)"
    r"|漏汽|漏气|爆管|(?<!打)爆了|裂了|裂开了?)"
)
# 放气阀 / 排气口 name the part, not the fault.
_AIR = (
    r"(?:有|进|存|窝)(?:了)?空气|气堵|气阻|存气|窝气|放不出气"
    r"|(?<!不)放气(?![阀门口孔栓])|排气(?![阀门口孔栓])"
)
_OTHER = r"生锈|锈穿|掉漆|变形|松动|歪了|异味|过热|太热|烫手"
_VALVE = (
    r"(?:阀门|伐门|阀芯|锁闭阀)"
    r"(?=(?:坏|卡|失灵|不好使|不管用|拧不|关不|打不开|转不动|漏|掉|松))"
)

_FAULT_RE = re.compile(
    "|".join(f"(?:{p})" for p in (_VALVE, _LEAK, _AIR, _COLD, _NOT_HOT, _NOISE, _OTHER))
)
# A negation right before a positive symptom cancels it (没漏水 is handled in _LEAK; 不响 here).
_NEGATED = re.compile("(?:不|没|没有|未|无|别)$")
# Symptoms of things that are not the heating: a span right after one of these is not a fault.
_NOT_HEATING_BEFORE = re.compile(
    "(?:空调|热水器|水龙头|洗衣机|冰箱|马桶|燃气|煤气|壁挂炉|电暖器|电暖气|油汀|电热毯|水壶|手机|电视|"
    "天气|外面|外边|电话)[^，,。!！?？]{0,3}$"
)


@dataclass(frozen=True)
class FaultSpan:
    """One fault expression: [start, end) on the canonical text, its fault type, and whether it
    names a fault on its own (False for the states in `_WEAK`)."""

    start: int
    end: int
    fault_type: str
    strong: bool = True


def find_fault_spans(text: str) -> list[FaultSpan]:
    """Every fault expression in `text`, in text order, without overlaps (leftmost-longest)."""
    spans: list[FaultSpan] = []
    for match in _FAULT_RE.finditer(text):
        start, end = match.span()
        if _NEGATED.search(text, max(0, start - 2), start) and not match.group().startswith(
            ("不", "没")
        ):
            continue
        if _NOT_HEATING_BEFORE.search(text, max(0, start - 8), start):
            continue
        fault_type = fault_type_of(match.group())
        if fault_type is None:
            continue
        spans.append(FaultSpan(start, end, fault_type, not _WEAK.fullmatch(match.group())))
    return spans
