"""Where an address is written in a message: rule-based `address` spans on the canonical text.

DIET learns community names it has seen and truncates the rest (阳光花园5号楼1单元302 comes out
as 阳光花园5号楼 or as 5号楼1单元302). The annotation rule (docs/nlu-test-set.md) is one span for
the community and/or building/unit/room as written, so this module finds the whole run:

* a community: a known name (the `community` lookup table of the training data), or a name with a
  community suffix (小区 花园 家园 新村 社区 公寓 大厦 …; a one-character suffix such as 苑/里/园/
  城/湾/院 only directly before a building number, because 这里/公园/医院 are everyday words), or a
  road and house number (建设大街28号院, 长江道18号);
* then, directly after it or on their own, building/unit/room parts: 5号楼, 3栋, 7幢, B座, 2单元,
  1门, 东单元, 302, 1502室, 6楼东户, and the compact forms 12-3-502 and 5#1-302.

A bare room or floor number (302, 6楼) is not an address on its own: it is only taken after a
community or a building/unit. Input is the canonical text of `bot.nlu.numbers.to_canonical`
(Arabic digits, simplified script), the text every component after `TextNormalizer` sees.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from bot.nlu.address import EN_PARTS
from bot.nlu.initials import named_in_pinyin

__all__ = ["AddressSpan", "find_address_spans"]

_CJK = "\u4e00-\u9fff"
_MULTI_SUFFIX = (
    "小区|花园|家园|嘉园|雅苑|名苑|社区|新村|新城|公寓|大厦|山庄|庄园|公馆|华府|别墅|宿舍|家属院|"
    "大院|家属楼|小镇|新苑|花苑|名邸|华庭|雅居"
)
_SINGLE_SUFFIX = "苑|里|园|城|湾|院|庭|府|居|村|邸|坊|阁|郡|庄|墅"
_SUBAREA = r"(?:[东西南北中]区|[东西南北]院|\d{1,2}期|[A-Za-z\d]区|[一二三四五六七八九]区)"
# Characters never inside a community name but common around it.
_STOP = set(
    "我你他她它们这那哪的了吗呢啊吧呀是在有没不就住给说问请帮查找把被让叫去从对向往家到为于个要想都也"
    "还又再号楼栋层室"
)
# Words that end the text before a name: 地址XX花园, 查一下XX小区, 请问XX苑.
_FILLER = re.compile(
    "地址|住址|一下|位于|请问|麻烦|帮忙|咨询|查询|还有|另外|就是|小区|社区|物业|暖气|供暖|停暖|报修|"
    "楼上|楼下|邻居|隔壁|对面|附近|整个"
)
_NOT_A_NAME_START = (
    "隔壁", "对面", "附近", "整个", "旁边", "周边", "周围", "别的", "其他", "其它", "所有", "各个",
    "同一", "咱们", "你们", "我们", "他们", "本", "老", "新", "该", "这", "那", "哪", "每",
)  # fmt: skip
_ROAD = re.compile(r"(?:大街|大道|路|街|道|胡同|巷)(?:\d{1,4}号院|\d{1,4}号(?![楼院\d]))")
_BUILDING = (
    r"(?:\d{1,3}|[A-Za-z]\d{0,2}|[东西南北中])(?:号楼|栋楼?|幢|座|#楼?|号院|排)"
    r"|\d{1,3}号(?=\d{1,2}号?(?:单元|门|洞))"
    r"|\d{1,3}楼(?=\d{1,2}号?(?:单元|门|洞))"
)
_UNIT = r"\d{1,2}号?(?:单元|门|洞)|[东西中]单元"
_ROOM = r"\d{1,2}楼(?:[东西南北中]户|\d{1,2}号)?|\d{1,5}[A-Za-z]?(?:室|号房|号|房|户)?|[东西]户"
_DASH = (
    r"(?<![\d:.\-])\d{1,3}(?:-|#)\d{1,2}-\d{3,4}(?![\d\-:])"
    r"|(?<![\d:.\-])\d{1,3}#\d{3,4}(?![\d\-:])"
)
_STRUCTURE = re.compile(
    rf"(?:{_DASH})"
    rf"|(?:{_BUILDING})(?: ?(?:{_UNIT}))?(?: ?(?:{_ROOM})(?![\d.]))?"
    rf"|(?:{_UNIT})(?: ?(?:{_ROOM})(?![\d.]))?"
)
_BUILDING_START = re.compile(rf"{_BUILDING}|{_DASH}")
# The flat in English after a community (东风新村 building 3 unit 2 room 402, Yangguang Huayuan
# Bldg 5, Apt 302): the words of `bot.nlu.address.EN_PARTS`, in that order, each optional.
_EN_PART = [
    rf"(?:{words})\s*(?:no\.?|number|#)?\s*(?:{number})(?!\d)" for words, number, _ in EN_PARTS
]
_EN_STRUCTURE = re.compile(
    "|".join(
        _EN_PART[first] + "".join(rf"(?:[ ,，]*{part})?" for part in _EN_PART[first + 1 :])
        for first in range(len(_EN_PART))
    ),
    re.IGNORECASE,
)
_EN_SEPARATOR = re.compile(r"[ ,，]*")
# After a community only: a room alone (青年公寓1208), or building-unit-room without marks.
_AFTER_COMMUNITY = re.compile(r"(?:\d{1,3}-\d{3,4}|\d{3,4}(?:室|号房|号|房)?)(?![\d.\-:])")
_SEPARATOR = re.compile(r" ?")


@dataclass(frozen=True)
class AddressSpan:
    """An address at [start, end) of the canonical text; `community` when it names one."""

    start: int
    end: int
    text: str
    community: bool


def _community_matches(text: str, known: Iterable[str]) -> list[tuple[int, int]]:
    """(start, end) of known community names (also with 小区 added) and suffix-named ones."""
    found: list[tuple[int, int]] = []
    names = sorted({n for n in known if len(n) >= 2}, key=len, reverse=True)
    for name in names:
        pos = text.find(name)
        while pos >= 0:
            end = pos + len(name)
            if text.startswith("小区", end) and not name.endswith("小区"):
                end += 2
            found.append((pos, end))
            pos = text.find(name, end)
    for m in re.finditer(rf"(?:{_MULTI_SUFFIX})({_SUBAREA})?", text):
        start = _name_start(text, m.start())
        if start is not None:
            found.append((start, m.end()))
    for m in re.finditer(rf"(?:{_SINGLE_SUFFIX})({_SUBAREA})?(?={_BUILDING}|{_DASH})", text):
        start = _name_start(text, m.start())
        if start is not None and m.start() - start >= 2:
            found.append((start, m.end()))
    return found


def _name_start(text: str, suffix_start: int, min_length: int = 2) -> int | None:
    """Where the name before `suffix_start` begins (2–6 name characters), or None.

    The name is the run of name characters before the suffix (or building number), cut after
    the last filler word in it (地址, 一下, 请问 …) and after a province/city/district mark.
    """
    start = suffix_start
    while start > 0 and suffix_start - start < 6:
        ch = text[start - 1]
        if not re.match(rf"[{_CJK}A-Za-z]", ch) or ch in _STOP:
            break
        start -= 1
    for m in _FILLER.finditer(text, start, suffix_start):
        start = m.end()
    name = text[start:suffix_start]
    admin = max(name.rfind(mark) for mark in "省市区县")
    if admin >= 0 and len(name) - admin - 1 >= 2:
        start, name = start + admin + 1, name[admin + 1 :]
    if len(name) < min_length or name.startswith(_NOT_A_NAME_START):
        return None
    return start


def _select(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Longest non-overlapping spans, in text order."""
    chosen: list[tuple[int, int]] = []
    for start, end in sorted(spans, key=lambda s: (-(s[1] - s[0]), s[0])):
        if all(end <= s or start >= e for s, e in chosen):
            chosen.append((start, end))
    return sorted(chosen)


def find_address_spans(text: str, communities: Iterable[str] = ()) -> list[AddressSpan]:
    """Address spans in the canonical `text`, in text order; `communities` are known names."""
    roads = []
    for m in _ROAD.finditer(text):
        start = _name_start(text, m.start())
        if start is not None:
            roads.append((start, m.end()))
    communities = list(communities)
    # Yangguang Huayuan building 5 …: a name spelt in pinyin only with the flat after it
    pinyin = named_in_pinyin(text, communities)
    spelt = []
    if pinyin is not None:
        gap = _EN_SEPARATOR.match(text, pinyin[1])
        after = gap.end() if gap else pinyin[1]
        if _EN_STRUCTURE.match(text, after) or _STRUCTURE.match(text, after):
            spelt.append(pinyin[:2])
    heads = _select(_community_matches(text, communities) + roads + spelt)
    spans: list[tuple[int, int, bool]] = []
    covered_until = 0
    for start, end in heads:
        if start < covered_until:
            continue
        sep = _SEPARATOR.match(text, end)
        pos = sep.end() if sep else end
        tail = _STRUCTURE.match(text, pos) or _AFTER_COMMUNITY.match(text, pos)
        gap = _EN_SEPARATOR.match(text, end)
        english = _EN_STRUCTURE.match(text, gap.end() if gap else end)
        if tail and tail.end() > pos:
            end = tail.end()
        elif english and english.end() > english.start():
            end = english.end()
        spans.append((start, end, True))
        covered_until = end
    for m in _STRUCTURE.finditer(text):
        start, end = m.span()
        if start == end or any(s < end and start < e for s, e, _ in spans):
            continue
        if (
            start > 0
            and re.match(r"[A-Za-z]", text[start])
            and re.match(r"[A-Za-z]", text[start - 1])
        ):
            continue  # inside a Latin word
        named = False
        if _BUILDING_START.match(text, start):
            # A name without a community suffix directly before a building (首开璞瑅5号楼).
            name_start = _name_start(text, start)
            if name_start is not None and not any(
                s < start and name_start < e for s, e, _ in spans
            ):
                start, named = name_start, True
        spans.append((start, end, named))
    merged: list[tuple[int, int, bool]] = []
    for start, end, community in sorted(spans):
        if merged and merged[-1][1] == start:
            merged[-1] = (merged[-1][0], end, merged[-1][2] or community)
        else:
            merged.append((start, end, community))
    return [AddressSpan(s, e, text[s:e], c) for s, e, c in merged]
