"""Where a heating fault is named in a message: rule-based `fault_type` spans on the canonical text.

The CRF finds the fault words its training messages contain, in contexts like theirs; users
have many more ways to say the same few things (咣咣响 / 哐哐响 / 嘎吱嘎吱响, 温吞吞, 冰手,
一点都不热乎). This module finds the expressions by their shape, so `bot.nlu.entities` can
redraw a CRF span to the whole phrase and add one the CRF missed in a message about a fault.

The spans follow the annotation rules (docs/nlu-test-set.md): the word(s) naming the fault, as
one span, without the object (暖气, 暖气片) or the particles around it (的, 啊): 不太热,
冰凉冰凉, 咕噜咕噜响, 有空气, 漏水, and 漏了 / 爆了 / 裂开了 as the training data marks them.
Room feelings (屋里冷, 贼冷) are not faults of the heating: bare 冷 is not matched, and a cold
word right after 屋里 / 手脚 only redraws a CRF span. The valve is matched only as a fault
(阀门坏了 → 阀门, 阀门拧不动 → 阀门 … the fault words themselves are the CRF's to find). A
symptom right after a negation (没漏水, 不会漏水, 不太响) is not a fault. `may_name_fault` applies
the same judgement to the CRF's spans (it marks 漏水 in 不再漏水了 and 阀门 in 阀门开着呢 too).

Each span carries its fault type (the alternative that matched) and whether it names a fault on
its own.

Input is the canonical text of `bot.nlu.numbers.to_canonical` (simplified script, Arabic digits),
which is what entity offsets refer to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.nlu.faults import NEGATION

__all__ = ["FaultSpan", "find_fault_spans", "may_name_fault"]

# Sound words users write doubled or alone before 响 / 的响 / 声: 咕噜咕噜, 咚咚, 哗哗, 嗡嗡 …
_SOUND_CHARS = "咕噜咚当铛哐咣哗嗡滋吱嘶嘀嗒叮砰啪乒乓嘎咔嗞噔哒呼嘟突哧嘣轰隆"
_SOUND = rf"[{_SOUND_CHARS}]{{1,4}}"
# A bare 响 is a fault, not 影响 / 响应, nor a doorbell, alarm clock or phone ringing.
_NOISE = (
    rf"{_SOUND}(?:地|的)?(?:响|声)|异响|噪音|噪声|响声|响动|(?:声音|动静)大"
    rf"|有(?:声音|动静)|(?<![影音不铃钟机话])响(?![应起亮])"
)
_NOT_HOT = (
    r"不(?:太|怎么|咋|大|是很|是太|够|怎么太|是特别|很|那么)?(?:热乎?|暖和?|烫)(?!水|量|点|线|心|情|闹)"
    r"|不(?:发|来|上|出)热|没(?:有)?(?:热气|热乎气|温度|暖气|热度)"
)
# 温温 of 室温温度 / 气温温差 is two words.
_COLD = (
    r"冰(?:凉|冷|手)(?:冰(?:凉|冷))?|拔凉(?:拔凉)?|哇凉(?:哇凉)?|透心凉|凉(?:冰冰|飕飕|哇哇|丝丝)"
    r"|温(?:乎|吞)(?:乎|吞)?|(?<![室气体])温温(?:乎乎)?"
    r"|(?<![上下])半截热|一半热|上热下(?:凉|冷)"
    r"|温度(?:太|很|特别|有点|偏)?(?:低|不够|上不去)"
)
# After a broken valve (阀门漏了) the leak is the valve's: the span is 阀门 alone.
_LEAK = (
    r"(?<!没|不)(?<!阀门|伐门)(?:漏水|漏了|跑水|滴水|渗水|冒水|淌水|滋水|呲水|喷水|往下滴(?!水)"
    r"|漏汽|漏气|爆管|(?<!打)爆了|裂了|裂开了?)"
)
# 放气阀 / 排气口 / 排气扇 name a part or an appliance, not the fault.
_AIR = (
    r"(?:有|进|存|窝)(?:了)?空气|气堵|气阻|存气|窝气|放不出气"
    r"|(?<!不)放气(?![阀门口孔栓])|排气(?![阀门口孔栓扇])"
)
_OTHER = r"生锈|锈穿|掉漆|变形|松动|歪了|异味|过热|太热|烫手"
_VALVE_WORD = r"(?:阀门|伐门|阀芯|锁闭阀)"
# What makes the valve itself the fault, also after an adverb (阀门也关不严, 阀门老卡).
_VALVE_TROUBLE = (
    r"(?:也|还|都|又|总|老|有点)?"
    r"(?:坏|卡|失灵|不好使|不管用|拧不|关不|打不开|转不动|漏|掉|松)"
)
_VALVE = rf"{_VALVE_WORD}(?={_VALVE_TROUBLE})"
# A valve said to work (阀门开着呢, 阀门能拧动了, 阀门在哪): the word names no fault there.
_VALVE_WORKS = (
    r"[,，\s]*(?:是|也|都|已经|现在)?"
    r"(?:开着|是开的|关着|能拧|能关|能开|拧得动|好了|好使了|没问题|正常|在哪|怎么(?:开|关|拧))"
)
#: Each alternative names its fault type (the group name before the underscore), in the order
#: of `bot.nlu.faults`: at one position the first alternative that matches wins.
_GROUPS = (
    ("valve", _VALVE),
    ("leak", _LEAK),
    ("air", _AIR),
    ("no_heat_cold", _COLD),
    ("no_heat", _NOT_HOT),
    ("noise", _NOISE),
    ("other", _OTHER),
)
_FAULT_RE = re.compile("|".join(f"(?P<{name}>{pattern})" for name, pattern in _GROUPS))
_VALVE_WORD_RE = re.compile(_VALVE_WORD)
_VALVE_WORKS_RE = re.compile(_VALVE_WORKS)
# Where a span may say no more than a state: 屋里温度低 is how a room feels, 没暖气 how an
# outage looks, 屋里冰冷 / 手脚冰凉 a room or a person, 说漏了 something left out. Such spans
# redraw a span the CRF also found; none is added on them alone.
_WEAK = re.compile(r"温度.*|没有?(?:热气|热乎气|温度|暖气|热度)")
_FEELING_BEFORE = re.compile(
    "(?:屋里|屋子|家里|房间|屋内|室内|手脚|手|脚|身上|心里)(?:都|也|还|真|太|好|有点|特别|挺|贼|老)?$"
)
# 漏了 is a leak after what can leak (暖气片漏了, 管子漏了), else maybe "left out" (地址漏了单元号).
_LEAKY_BEFORE = re.compile("[水气管片阀头口子缝道]$")
# Symptoms of things that are not the heating: a span right after one of these is not a fault.
_NOT_HEATING_BEFORE = re.compile(
    "(?:空调|热水器|水龙头|洗衣机|冰箱|马桶|燃气|煤气|壁挂炉|电暖器|电暖气|油汀|电热毯|水壶|手机|电视|"
    "天气|外面|外边|电话)[^，,。!！?？]{0,3}$"
)


@dataclass(frozen=True)
class FaultSpan:
    """One fault expression: [start, end) on the canonical text, its fault type, and whether it
    names a fault on its own (False for the states described at `_WEAK`)."""

    start: int
    end: int
    fault_type: str
    strong: bool = True


def find_fault_spans(text: str) -> list[FaultSpan]:
    """Every fault expression in `text`, in text order, without overlaps (leftmost-longest)."""
    spans: list[FaultSpan] = []
    for match in _FAULT_RE.finditer(text):
        start, end = match.span()
        words = match.group()
        if not words.startswith(("不", "没")) and _negated(text, start):
            continue
        if _NOT_HEATING_BEFORE.search(text, max(0, start - 8), start):
            continue
        group = str(match.lastgroup)
        fault_type = "no_heat" if group.startswith("no_heat") else group
        weak = (
            _WEAK.fullmatch(words) is not None
            or (fault_type == "no_heat" and _FEELING_BEFORE.search(text, 0, start) is not None)
            or (words == "漏了" and _LEAKY_BEFORE.search(text, 0, start) is None)
        )
        spans.append(FaultSpan(start, end, fault_type, not weak))
    return spans


def may_name_fault(text: str, start: int, end: int) -> bool:
    """Whether another extractor's span [start, end) can name a fault where it stands.

    The CRF learns fault words, not what is said of them: it marks 漏水 in 没漏水 / 不再漏水了
    (resolved), 响声 in 没有响声了, and 阀门 in 阀门开着呢 (a valve that works). Those are no
    faults under the annotation rules. A negation before a warm word (不 + 热, 没 + 温度) makes
    the fault, so such a span stays (`bot.nlu.entities` also keeps any span a rule covers).
    """
    words = text[start:end]
    if not words.startswith(("不", "没", "热", "暖", "烫", "温")) and _negated(text, start):
        return False
    if _VALVE_WORD_RE.fullmatch(words):
        return _VALVE_WORKS_RE.match(text, end) is None
    return True


def _negated(text: str, start: int) -> bool:
    """Whether a negation ends right before `start` (没漏水, 不响, 一点也不凉, 没有声音)."""
    return NEGATION.search(text, max(0, start - 3), start) is not None
