"""What is wrong with the heating, from the words users use → one fault type.

Fault types (the `fault_type` entity of the NLU contract): `no_heat`, `leak`, `valve`, `noise`,
`air`, and `other` for a clear fault that is none of those (暖气片坏了, 暖气片掉了, 有故障);
None when the text names no fault (暖气很热, 什么时候来).

Why an ordered rule list rather than a dictionary lookup: one message often names several things
("阀门漏水", "暖气不热还咕噜咕噜响", "不热，阀门是开着的"), and the order decides:
1. leak — urgent (water damage to this and the flat below), so it wins over everything;
2. a concrete valve fault (拧不动, 关不上, 阀门坏了) — needs a valve part;
3. air (放气, 有空气, 气堵) — the usual cause of 不热 + gurgling, fixed by venting;
4. no_heat (不热, 冰凉, 温乎, 只有上面热 …);
5. noise (响, 咚咚, 哗哗, 嗡嗡, 噪音 …);
6. a bare mention of the valve (阀门) — the entity value users click or type alone;
7. other (坏了, 故障, 不好使, 掉了 …).
Positive symptom words preceded by a negation (没漏水, 不响, 也不凉) do not count.

Typos: users often type 暖器 or 暖汽 for 暖气 and 伐门 / 阀们 for 阀门. They are fixed here, before
matching, and not in `bot.nlu.text.normalise`, because 取暖器 (an electric heater) is a real word
that a general normaliser must not rewrite; the rules below never depend on the 暖气 spelling except
for 没暖气-type phrases, which is where the typo fix matters.
"""

from __future__ import annotations

import re

from bot.nlu.numbers import to_canonical

__all__ = [
    "FAULT_TYPES",
    "NEGATION",
    "air_in_radiator",
    "fault_type_of",
    "is_urgent",
    "leak_only_feared",
    "ticket_fault",
    "whole_building_cold",
]

FAULT_TYPES: tuple[str, ...] = ("no_heat", "leak", "valve", "noise", "air", "other")

_TYPOS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile("(?<!取)暖[器汽]"), "暖气"),
    (re.compile("伐门|阀们|阀闷"), "阀门"),
)

# A negation right before a symptom word cancels it (没漏水, 不响, 一点也不凉, 没有声音, 不是漏水;
# 是不是有空气 asks, it does not deny). The negations that are part of a symptom (不热) are inside
# the match, so not "before" it.
NEGATION = re.compile(
    "(?:不|没|没有|未|无|别|不会|也不|都不|并不|并没有|没再|没有再|不再|没怎么|不怎么|不太|"
    "(?<!是)不是)$"
)

_LEAK = re.compile(
    "漏水|漏了|跑水|滴水|滴答|渗水|渗漏|滋水|呲水|爆管|爆了|管子爆|(?:裂|崩)了|裂开|裂缝|冒水|喷水|淌水|(?<![像似])流水(?!声|似|一样|般)|"
    "水漫|漫水|泡了|湿了|往下滴|往外冒|滴(?:\\d|一|两|几)滴|一滴一滴|(?:在|直|老)滴|"
    "漏(?!费|缴|交|掉|接|报|看|了电话)|(?i:leak|flood|burst|dripping)"
)
_VALVE_FAULT = re.compile(
    "阀门?(?:坏|卡|失灵|不好使|不管用|拧不|关不|打不开|转不动|漏)|拧不动|拧不开|关不上|关不严|关不住|"
    "打不开|开不开|转不动|阀芯|锁闭阀|开关坏|关不了|不能(?:关|转|拧)"
)
_AIR = re.compile("放气|放风|排气|排空|气堵|堵气|气阻|有空气|进空气|空气|有气|存气|窝气|跑风")
_NO_HEAT = re.compile(
    "不太?热|不怎么热|不是很热|不够热|不热乎|没热乎|不烫|不暖和?|不发热|冰凉|凉|冷(?!水)|温乎|温吞|温温|"
    "温的|温度(?:太|很|特别|有点)?低|温度不够|温度上不去|室温(?:太|很)?低|不达标|只有?(?:上面|上边|上半|一半|前面|前半)热|"
    "(?:上|前)(?:面|边|半截)?热(?:下|后)(?:面|边|半截)?(?:凉|冷|不热)|半截热|一半热|冻|没(?:有)?暖气|"
    "没(?:有)?供暖|不供暖|没(?:有)?热气|不给热|不来热|"
    # residents who write part of it in English (heating不work了 very cold)
    "(?i:cold|freez|noheat|nothot|notwarm|不work|notworking|doesn'twork)"
)
_NOISE = re.compile(
    "噪音|噪声|(?<!影)响(?!应)|咚咚|当当|哐|咣|哗哗|嗡嗡|滋滋|嘶嘶|咕噜|咕嘟|嘀嗒|声音|动静|吵|敲(?!门)|异响"
)
_VALVE_MENTION = re.compile("阀门|阀")
#: Words that make the leak after them feared or supposed, not told (怕弄坏了漏水, 万一漏水, 会不会
#: 漏水, 免得跑水): a valve that will not turn, touched carefully for fear of a leak, was filed as
#: a leak (hail-x hax-007). 怕是漏了 supposes a leak that is there, and 主要是漏水 tells one.
_FEARED = re.compile(
    "(?:万一|如果|假如|(?<![主需只就])要是|一旦|担心|害怕|生怕|(?<!可)怕(?![是冷])|会不会|可能会|"
    "免得|以免|省得|防止|以防)[^，,。.!！?？；;]{0,8}$"
)
_OTHER = re.compile(
    "坏了|坏掉|损坏|故障|不好使|不管用|毛病|出问题|有问题|掉了|脱落|松了|松动|歪了|生锈|锈|变形|倒了"
)

_RULES: tuple[tuple[str, re.Pattern[str], bool], ...] = (
    # (fault type, pattern, whether a preceding negation cancels a match; a leak's also a fear)
    ("leak", _LEAK, True),
    ("valve", _VALVE_FAULT, False),
    ("air", _AIR, True),
    ("no_heat", _NO_HEAT, True),
    ("noise", _NOISE, True),
    ("valve", _VALVE_MENTION, True),
    ("other", _OTHER, True),
)


def _prepare(text: str) -> str:
    prepared = re.sub(r"\s+", "", to_canonical(text))
    for pattern, replacement in _TYPOS:
        prepared = pattern.sub(replacement, prepared)
    return prepared


def _has_match(pattern: re.Pattern[str], text: str, negatable: bool) -> bool:
    for m in pattern.finditer(text):
        if not negatable:
            return True
        before = text[max(0, m.start() - 3) : m.start()]
        if NEGATION.search(before):
            continue
        if pattern is _LEAK and _feared(text, m.start()):
            continue  # 怕弄坏了漏水: the leak is what the resident fears, not what they see
        return True
    return False


def _feared(text: str, start: int) -> bool:
    """Whether the words before `start` in its clause make what follows a fear (怕弄坏了…)."""
    return _FEARED.search(text[max(0, start - 12) : start]) is not None


def leak_only_feared(text: str | None) -> bool:
    """Whether `text` names a leak only as feared or supposed (阀门拧不动 怕弄坏了漏水, 万一漏水):
    an entity 漏水 taken from it is no leak told, and the fault is what else the text names."""
    if not text:
        return False
    prepared = _prepare(text)
    hits = list(_LEAK.finditer(prepared))
    return bool(hits) and all(_feared(prepared, m.start()) for m in hits)


def fault_type_of(text: str | None) -> str | None:
    """The fault type named in `text` (one of `FAULT_TYPES`), or None when none is named.

    Works on an entity value (不热, 漏水, 阀门) as well as on a whole message; traditional script,
    full-width characters and the common typos (暖器, 伐门) are handled.
    """
    if not text:
        return None
    if text in FAULT_TYPES:
        return text  # already normalised (e.g. an entity synonym value)
    prepared = _prepare(text)
    for fault_type, pattern, negatable in _RULES:
        if _has_match(pattern, prepared, negatable):
            return fault_type
    return None


def is_urgent(fault_type: str | None) -> bool:
    """True for faults that need the fastest response: a leak floods this flat and the one below."""
    return fault_type == "leak"


#: A radiator warm in one part and cold in another (上半截凉下半截热, 上热下凉, 一半热).
_PART_COLD = re.compile(
    r"[上下前后左右](?:半截|半边|半部|面|边|头)?儿?[热凉冷温](?:乎)?\S{0,3}?[上下前后左右]|"
    r"一半|半截|半边|局部"
)
#: The top cold and the bottom warm (上边儿凉下边儿热, 上面冰凉下面烫): where air collects.
_TOP_COLD = re.compile(
    r"上(?:半截|半边|半部|面|边|头)?儿?(?:是)?(?:冰?凉|冷|不热)\S{0,4}?下(?:半截|半边|半部|面|边|头)?儿?(?:是)?(?:热|烫|温)"
)
#: Venting tried at home (我自己放了回气, 拿钥匙放过气, 排了气): what one does for air; a
#: radiator cold at the top after it is still air for the fitter (not vented fully, or back).
_VENTED = re.compile(r"放(?:了|过)?(?:[\d一两几半]?[回次下遍])?气|排(?:了|过)?气|放气阀|跑了?气")
#: Water and air moving inside it (咕噜咕噜, 哗哗的水声).
_GURGLE = re.compile(r"咕噜|咕嘟|呼噜|咕咚|哗哗|流水声|水流声|水声|气泡")


def air_in_radiator(text: str | None) -> bool:
    """Whether `text` tells both signs of air in a radiator: warm in one part and cold in
    another, and gurgling (暖气片上半截凉下半截热 晚上还咕噜咕噜响), or the top cold with venting
    tried (上边儿凉下边儿热 我自己放了回气 还是那样). The knowledge base says so (有空气：上面凉下面
    热、有咕噜声) and a fitter comes to vent it; each sign alone reads as no heat or as a noise."""
    if not text:
        return False
    prepared = _prepare(text)
    if _TOP_COLD.search(prepared) and _VENTED.search(prepared):
        return True  # 上边儿凉下边儿热 我自己放了回气 还是那样
    return _PART_COLD.search(prepared) is not None and _has_match(_GURGLE, prepared, True)


def ticket_fault(fault: str | None, text: str | None) -> str | None:
    """The fault a ticket records for `fault` named in `text`: air where the message tells both
    of its signs (`air_in_radiator`) though its words were read as no heat or a noise; the
    specific fault the message names where `fault` is the vague 其他 (an entity on 锈死了 beside
    伐门拧不动)."""
    if fault in (None, "no_heat", "noise", "other") and air_in_radiator(text):
        return "air"
    if fault == "other":
        # 伐门拧不动了 …是不是锈死了: the guess (锈死, 其他) gives way to the part named
        return fault_type_of(text) or fault
    return fault


#: Many homes named together (整栋楼, 全单元, 楼上楼下, 邻居家也, 好几家): the cold is theirs too.
_MANY_HOMES = re.compile(
    r"整(?:个|栋|幢|座)?(?:楼|单元|小区)|一整(?:栋|幢|座)|全(?:楼|单元|小区)|(?:这|我们|俺们|咱们)(?:一|这)?(?:栋|幢|座)楼|"
    r"楼上楼下|左邻右舍|家家户户|各家|好(?:几|多)家|(?:好|很)多(?:户|人家)|几(?:家|户)|"
    r"邻居(?:家|们)?(?:也|都|全)|(?:别人|别的)家(?:也|都)"
)
#: Only one's own home is cold, the others warm (就我家不热, 邻居家都热乎, 别人家都挺热).
_ONLY_MINE = re.compile(
    r"(?:就|只有?|光)(?:我|俺|咱)(?:们)?家|(?:邻居|别人|别的|人家)(?:家)?(?:都|也)?(?:挺|很|特别|还)?(?:热|暖和|正常)"
)


def whole_building_cold(text: str | None) -> bool:
    """Whether `text` says the cold is not one home's but a whole building's, or several
    households' (我们整栋楼都不热, 楼上楼下邻居家也都不热, 好几家都凉了): then the fault is most
    likely in the building's pipes or the network, which a fitter in one flat cannot fix and the
    duty dispatcher must hear of. Not when the resident says only their home is cold (就我家不热
    邻居家都热乎), nor when the many homes share something other than the cold (整栋楼都有味)."""
    if not text:
        return False
    prepared = _prepare(text)
    if _MANY_HOMES.search(prepared) is None or _ONLY_MINE.search(prepared) is not None:
        return False
    return fault_type_of(prepared) == "no_heat"
