"""Home addresses as users type them → community / building / unit / room.

A repair visit needs the flat: 阳光花园5号楼1单元302. Users write it in many shapes — 5栋1门302室,
5-1-302, 5#1-302, 三号楼二单元五零二, 我家在幸福里小区…, with the city and district in front or
only the community name — so the parser works on the canonical text (`to_canonical`: simplified,
half-width, Arabic digits), strips leading filler (我家在, 住在, 地址是 …), and then:

1. community: a name from `known_communities` if one occurs (also with 小区 added or dropped; the
   longest wins, and the name is returned as the company spells it); otherwise the text before the
   first building/unit/room mark, cut back to its last community suffix (小区 花园 家园 苑 里 园 城
   社区 新村 公寓 大厦 村 府 庭 湾 院 …, optionally followed by a sub-area such as 东区 or 2期),
   with province/city/district/street/road prefixes removed. A name with no suffix is accepted
   only directly before a building mark (首开璞瑅5号楼), because elsewhere a bare phrase is far
   more often not an address.
2. building: N号楼 / N栋 / N幢 / N座 / N#, N号 or N楼 when a unit follows (5号1单元), else N号院;
   letter buildings (A座, B栋) too. A bare N楼 is a floor and is not taken as the building.
3. unit: N单元 / N门 / N洞 (N号门 as well).
4. room: N室 / N号 / N户 / N号房, or 3–4 trailing digits once something else was recognised;
   the compact forms 5-1-302, 5#1-302, 5-302 and 5号楼1-302.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from difflib import SequenceMatcher

from bot.nlu.initials import initial_of, named_in_pinyin
from bot.nlu.neighbour_heat import names_the_same_building
from bot.nlu.numbers import to_canonical
from bot.nlu.self_correction import correction_in

__all__ = [
    "DOOR_NOT_GIVEN",
    "EN_PARTS",
    "FLAT_PARTS",
    "Address",
    "address_meant",
    "communities_spelt_like",
    "corrected",
    "door_alone",
    "english_address_in_chinese",
    "missing_for_visit",
    "parse_address",
    "unserved_community",
    "withholds_door",
    "without_door",
]


@dataclass(frozen=True)
class Address:
    """A parsed address.

    `raw` is the text as given; the parts are strings (digits, or a letter for A座) or None.
    """

    raw: str
    community: str | None = None
    building: str | None = None
    unit: str | None = None
    room: str | None = None

    @property
    def is_usable(self) -> bool:
        """Enough to find the home: a community, or a building and a room."""
        return bool(self.community) or bool(self.building and self.room)

    def summary(self) -> str:
        """One canonical line, e.g. '阳光花园5号楼1单元302' (falls back to `raw` when empty)."""
        parts: list[str] = []
        if self.community:
            parts.append(self.community)
        if self.building:
            parts.append(
                f"{self.building}号楼" if self.building.isdigit() else f"{self.building}座"
            )
        if self.unit:
            parts.append(f"{self.unit}单元")
        if self.room:
            parts.append(self.room)
        return "".join(parts) or self.raw


# Leading words before the address itself, stripped repeatedly (longest first). 家 alone is
# stripped only before 住/在/是/里, so a community called 家和园 keeps its first character.
_FILLERS = (
    "我的家庭住址", "家庭住址", "详细地址", "我家的地址", "我家地址", "我的地址", "住的地方",
    "地址", "住址", "我们家", "我家", "俺家", "我们", "我", "住在", "就在", "位于", "住", "在",
    "是", ":",
)  # fmt: skip
_HOME_BEFORE = ("家住", "家在", "家是", "家里")
_COMMUNITY_SUFFIX = (
    "小区|花园|家园|嘉园|雅苑|名苑|社区|新村|新城|公寓|大厦|广场|山庄|庄园|公馆|华府|别墅|宿舍|家属院|"
    "大院|苑|里|园|城|村|府|庭|湾|院|居|邸|坊|阁|郡|庄|墅|寓"
)
_SUBAREA = r"(?:[东西南北中]区|[东西南北]院|\d+期|[一二三四五六七八九十]期|[A-Za-z\d]+区)"
_COMMUNITY_TAIL = re.compile(rf"^(.*(?:{_COMMUNITY_SUFFIX})(?:{_SUBAREA})?)")
_MULTI_CHAR_SUFFIX = re.compile(
    "(?:小区|花园|家园|嘉园|雅苑|名苑|社区|新村|新城|公寓|大厦|广场|山庄|庄园|公馆|华府|别墅|宿舍|家属院|大院)"
    rf"(?:{_SUBAREA})?$"
)
# Characters that never occur inside a community name but do in the words around it.
_STOP_CHARS = re.compile("[我你他她这那哪的了吗呢啊吧是在有没不就住们把,，。!！?？:：;；]")
#: A character no name holds (an emoji, a symbol): 😭家里 is no community.
_NOT_NAME_CHAR = re.compile(r"[^\w·]")
#: Words a guessed name cannot end with: they say "in the home" (家里, 屋里) or in a part of the
#: building (楼里, 单元里, 楼道里, 卫生间里, 地下室里), not a place: 能不能先把楼里的阀门关了, said
#: after an urgent report, opened a second urgent ticket at "能先把楼里".
_AT_HOME = (
    "家里",
    "屋里",
    "房里",
    "这里",
    "那里",
    "哪里",
    "城里",
    "村里",
    "院里",
    "心里",
    "楼里",
    "元里",
    "道里",
    "间里",
    "室里",
    "厅里",
    "门里",
    "井里",
    "库里",
    "管里",
    "片里",
)
_NOT_A_NAME = frozenset({"这里", "那里", "家里", "城里", "屋里", "小区", "社区", "村里", "院里"})
# Words of the message around an address that no community name holds (联系电话打社区办公室: the
# number to call, not a place).
_STOP_WORDS = re.compile("电话|手机|号码|座机|联系|办公室|找我|打给")
_ADMIN_PREFIXES = (
    re.compile(".{2,7}?(?:省|自治区)"),
    re.compile(".{1,7}?市"),
    re.compile(".{1,7}?(?<![小社园校片])(?:区|县|旗)"),
    re.compile(".{1,8}?(?:街道|镇|乡)"),
    re.compile(r".{1,10}?(?:大街|大道|路|街|胡同|巷)(?:\d+号)?"),
)

_DASH3 = re.compile(r"(?<![\d:])(\d{1,3})[-#](\d{1,2})-(\d{3,4})(?![\d:])")
_DASH2 = re.compile(r"(?<![\d:])(\d{1,3})[-#](\d{3,4})(?![\d:])")
_BUILDING = re.compile(
    r"(?<![\d.])(\d{1,3}|[A-Za-z]\d{0,2})"
    r"(?:号楼|栋|幢|座|#|号(?=\d{1,2}号?(?:单元|门|洞))|楼(?=\d{1,2}号?(?:单元|门|洞)))"
)
_COURTYARD = re.compile(r"(?<![\d.])(\d{1,3})号院")
_UNIT = re.compile(r"(?<!\d)(\d{1,2})号?(?:单元|门|洞)")
_UNIT_ROOM = re.compile(r"(\d{1,2})-(\d{3,4})(?!\d)")
_ROOM_MARKED = re.compile(
    r"(?<![\d.])(\d{1,5}[A-Za-z]?)(?:室|号房|房间|户|房|号(?![院楼\u4e00-\u9fff]))"
    r"|(?:房间|房号|室)(\d{2,5})(?![\d.度℃])"  # 卧室16度 is a reading, not room 16
)
# (楼上/楼下/楼道 after a door is where, not a building: …1单元201 楼上301家里没人 is 201)
_ROOM_BARE = re.compile(r"(?<![\d.])(\d{3,4})(?![\d.:号栋幢座单元门洞层])(?!楼(?![上下道梯里]))")


def _strip_filler(text: str) -> str:
    """Remove 我家在 / 住在 / 地址是 … from the start (never the whole text)."""
    changed = True
    while changed:
        changed = False
        if text.startswith(_HOME_BEFORE) and len(text) > 2:
            text, changed = text[1:], True
            continue
        for filler in _FILLERS:
            if text.startswith(filler) and len(text) > len(filler):
                text, changed = text[len(filler) :], True
                break
    return text


def _strip_admin(name: str) -> str:
    """Drop province/city/district/street/road prefixes while a valid name remains."""
    for pattern in _ADMIN_PREFIXES:
        m = pattern.match(name)
        if m and _valid_name(name[m.end() :]):
            name = name[m.end() :]
    return name


def _valid_name(name: str) -> bool:
    if not name or name in _NOT_A_NAME or _STOP_CHARS.search(name) or _STOP_WORDS.search(name):
        return False
    if name.endswith(_AT_HOME):
        return False  # 要去儿子家过冬家里: "at home", not a place called so
    if _MULTI_CHAR_SUFFIX.search(name):
        return len(_MULTI_CHAR_SUFFIX.sub("", name)) >= 1
    return len(name) >= 3


def _community_from_region(region: str, before_building: bool) -> str | None:
    """The community name in the text before the building/unit/room marks, if any."""
    region = _strip_filler(region)
    m = _COMMUNITY_TAIL.match(region)
    candidate = m.group(1) if m else (region if before_building else "")
    if not candidate:
        return None
    stops = list(_STOP_CHARS.finditer(candidate)) + list(_NOT_NAME_CHAR.finditer(candidate))
    if stops:
        candidate = candidate[max(stop.end() for stop in stops) :]
    candidate = _strip_admin(candidate)
    if m is None and not (2 <= len(candidate) <= 12 and candidate.isalnum()):
        return None
    if m is None:
        return None if candidate in _NOT_A_NAME or _STOP_WORDS.search(candidate) else candidate
    return candidate if _valid_name(candidate) else None


def _known_variants(known: Iterable[str]) -> list[tuple[str, str]]:
    """(canonical spelling to look for, name to return) pairs, longest first."""
    variants: list[tuple[str, str]] = []
    for name in known:
        name = name.strip()
        if not name:
            continue
        base = re.sub(r"\s+", "", to_canonical(name))
        forms = {base, base[:-2] if base.endswith("小区") else base + "小区"}
        variants.extend((form, name) for form in forms if len(form) >= 2)
    variants.sort(key=lambda pair: len(pair[0]), reverse=True)
    return variants


def _structure(
    tail: str, have_community: bool
) -> tuple[str | None, str | None, str | None, int | None]:
    """(building, unit, room, index where the structure starts) parsed from `tail`."""
    if m := _DASH3.search(tail):
        return m.group(1), m.group(2), m.group(3), m.start()
    building = unit = room = None
    first: int | None = None
    pos = 0
    if m := _BUILDING.search(tail):
        building, pos, first = m.group(1).upper(), m.end(), m.start()
    elif (m := _DASH2.search(tail)) and not _UNIT.search(tail):
        return m.group(1), None, m.group(2), m.start()
    elif m := _COURTYARD.search(tail):
        building, pos, first = m.group(1), m.end(), m.start()
    if m := _UNIT.search(tail, pos):
        unit, pos = m.group(1), m.end()
        first = m.start() if first is None else first
    elif building and (m := _UNIT_ROOM.match(tail, pos)):
        return building, m.group(1), m.group(2), first
    if m := _ROOM_MARKED.search(tail, pos):
        room = m.group(1) or m.group(2)
        first = m.start() if first is None else first
    elif (building or unit or have_community) and (m := _ROOM_BARE.search(tail, pos)):
        room = m.group(1)
        first = m.start() if first is None else first
    return building, unit, room, first


def _differ_by_one(one: str, other: str) -> bool:
    """Whether two names of the same length differ in exactly one character; in a name of
    three, not the last, which says what kind of place it is (和平路 is a road, not 和平里)."""
    if len(one) != len(other):
        return False
    differing = [i for i, (a, b) in enumerate(zip(one, other, strict=True)) if a != b]
    return len(differing) == 1 and (len(one) > 3 or differing[0] < len(one) - 1)


#: Latin letters typed for characters of a name (金se家园, xingfu里): the input method was in
#: English mode, or the resident did not know the character.
_PINYIN_RUN = re.compile(r"[a-z]+")
#: The generic ending of one of our names, which residents replace with 小区 (阳光小区 for
#: 阳光花园, 和平小区 for 和平里).
_GENERIC_END = re.compile("(?:花园|家园|嘉园|新村|苑|里|园|村)$")


def _typed_in_pinyin(wanted: str, bare: str) -> bool:
    """Whether `wanted` ends with the name `bare`, one run of its characters typed in pinyin:
    the letters begin with the first such character's initial and hold the others' initials in
    order (金se家园 for 金色家园, xingfu里 for 幸福里). Words before the name (听说) may stay."""
    runs = list(_PINYIN_RUN.finditer(wanted))
    if len(runs) != 1 or len(bare) < 3:
        return False
    letters, before, after = runs[0].group(), wanted[: runs[0].start()], wanted[runs[0].end() :]
    for first in range(len(bare)):
        if not before.endswith(bare[:first]) or initial_of(bare[first]) != letters[0]:
            continue
        for last in range(first, len(bare) - 1 if first == 0 else len(bare)):
            initials = [initial_of(ch) for ch in bare[first + 1 : last + 1]]
            if bare[last + 1 :] == after and _in_order(initials, letters[1:]):
                return True
    return False


def _in_order(initials: list[str | None], letters: str) -> bool:
    """Whether every initial occurs in `letters`, in order."""
    rest = iter(letters)
    return all(initial is not None and initial in rest for initial in initials)


def _head(bare: str) -> str:
    """A name without its generic ending (阳光花园 → 阳光, 和平里 → 和平)."""
    return _GENERIC_END.sub("", bare)


def communities_spelt_like(name: str, known: Iterable[str]) -> list[str]:
    """Up to two of our communities spelt close to `name`, a place we do not serve (幸福家园 →
    幸福里小区, 翠湖湾 → 翠湖苑), to ask back rather than say "no stop there": one of them may be
    under a stop the resident must hear of. `near_community` maps a name only when exactly one
    fits a known misspelling; this offers the candidates when none does. Names are compared by
    their heads (`_head`): the generic endings say nothing of which place is meant."""
    head = _head(re.sub(r"\s+", "", to_canonical(name)).removesuffix("小区"))
    scored = []
    for known_name in known:
        other = _head(re.sub(r"\s+", "", to_canonical(known_name)).removesuffix("小区"))
        ratio = SequenceMatcher(None, head, other).ratio()
        if head[:2] == other[:2] or ratio >= _ALIKE:
            scored.append((ratio, known_name))
    return [known_name for _, known_name in sorted(scored, reverse=True)[:2]]


#: How alike two heads must be, when they do not begin alike, for one to be offered as the other.
_ALIKE = 0.6


def near_community(name: str | None, known: Iterable[str]) -> str | None:
    """The one known community `name` misspells, else None: by a single character (阳光花圆 for
    阳光花园: voice input writes a homophone, and the ticket was filed under a community that
    does not exist, so nobody's list showed it), by characters typed in pinyin (听说金se家园 was
    told that 金色家园's planned stop did not exist: glp-035), or by 小区 for our name's own
    ending (阳光小区 for 阳光花园: glp-029's 测温 was filed under a community nobody serves).
    Names under three characters (without 小区) are too short to tell a typo from another
    place, unless they are the distinctive part of exactly one of our names said with 小区."""
    if not name:
        return None
    said = re.sub(r"\s+", "", to_canonical(name)).lower()
    wanted = said.removesuffix("小区")
    bare_names = {
        known_name: re.sub(r"\s+", "", to_canonical(known_name)).removesuffix("小区")
        for known_name in known
    }
    matches = {
        known_name
        for known_name, bare in bare_names.items()
        if len(wanted) >= 3 and (_differ_by_one(wanted, bare) or _typed_in_pinyin(wanted, bare))
    }
    if not matches and said.endswith("小区") and len(wanted) >= 2:
        matches = {
            known_name
            for known_name, bare in bare_names.items()
            if _head(bare) != bare and _head(bare) == wanted
        }
    return matches.pop() if len(matches) == 1 else None


def _known_community(canonical: str, variants: list[tuple[str, str]]) -> tuple[str | None, str]:
    """The known community the address is of, and the text after it: the longest name found,
    unless another name is the one the building and flat follow (是和平里4号楼2单元301 阳光花园是
    我闺女家: the home is in 和平里, the longer name is someone else's). (None, the whole text)
    when no known name occurs."""
    found: list[tuple[int, int, str]] = []
    for form, name in variants:  # longest first: a shorter form inside a longer one is skipped
        start = canonical.find(form)
        while start >= 0:
            end = start + len(form)
            if all(end <= s or start >= e for s, e, _ in found):
                found.append((start, end, name))
            start = canonical.find(form, end)
    if not found:
        return None, canonical
    if len({name for _, _, name in found}) > 1:
        for _start, end, name in sorted(found):
            if _structure(canonical[end:], True)[3] == 0:
                return name, canonical[end:]
    _, end, name = found[0]
    return name, canonical[end:]


#: The parts of a flat as written in English (building 3 unit 2 room 402, Bldg 5 Apt 302, block
#: 12 entrance 1 flat 502) and the Chinese mark each stands for.
EN_PARTS: tuple[tuple[str, str, str], ...] = (
    (r"building|bldg\.?|block|blk\.?|tower", r"\d{1,3}|[A-Za-z]\d{0,2}", "号楼"),
    (r"unit|entrance|entry|gate", r"\d{1,2}", "单元"),
    (r"room|rm\.?|apartment|apt\.?|flat|suite|no\.?", r"\d{2,5}", "室"),
)
_EN_PARTS = tuple(
    (
        re.compile(rf"(?<![A-Za-z])(?:{words})\s*(?:no\.?|number|#)?\s*({number})(?!\d)", re.I),
        mark,
    )
    for words, number, mark in EN_PARTS
)


def _in_chinese(lead: str, mark: str) -> Callable[[re.Match[str]], str]:
    """The replacement of one English part: its number with the Chinese mark."""
    return lambda match: lead + match.group(1).upper() + mark


def english_address_in_chinese(text: str, known_communities: Iterable[str] = ()) -> str:
    """`text` with an address written in English or pinyin put into Chinese: building 3 unit 2
    room 402 → 3号楼2单元402室, Yangguang Huayuan → 阳光花园 (one of our names spelt in pinyin,
    `named_in_pinyin`). "I live in 东风新村 building 3 unit 2 room 402" was asked for the address
    again and again (players' findings 2, class I)."""
    for pattern, mark in _EN_PARTS:
        # the building after a comma: the English words before it are glued to it once the
        # spaces go (I live in building 3 is no building "n3" of a community "Ilivei")
        lead = "，" if mark == "号楼" else ""
        text = pattern.sub(_in_chinese(lead, mark), text)
    named = named_in_pinyin(text, known_communities)
    if named is not None:
        start, end, name = named
        text = f"{text[:start]}{name}{text[end:]}"
    return text


#: A digit run no address part has (rooms and buildings are short): a phone or account number.
_LONG_NUMBER = re.compile(r"(?<![0-9])[0-9]{7,}(?![0-9])")
#: A space between the digits of a door and a number written in Chinese after it (…2单元602
#: 八十多了, …1单元301 九十岁了): an age or a count beside the address. `to_canonical` joins
#: spaced digit runs (a phone read out 幺三八 一二三四), which glued 602 and 80 into 60280, and
#: the urgent ticket of an 80-year-old alone in the cold went out without the door (player
#: findings 5, class A).
_DOOR_THEN_NUMERAL = re.compile(r"(?<=[0-9])\s+(?=[零〇一二两三四五六七八九十百千幺])")


def parse_address(text: str, known_communities: Iterable[str] = ()) -> Address:
    """Parse an address the way users type it; unknown parts are None (see module docstring).

    `known_communities` (the company's community list, if the caller has it) makes the community
    exact; without it the community is guessed from its suffix.
    """
    raw = (text or "").strip()
    known_communities = list(known_communities)
    english = english_address_in_chinese(_DOOR_THEN_NUMERAL.sub("，", raw), known_communities)
    # a phone or account number sent with the address (…1单元303 13122223333) is no part of it:
    # dropped before the spaces, which would glue it to the room
    canonical = re.sub(r"\s+", "", _LONG_NUMBER.sub(" ", to_canonical(english)))
    canonical = _strip_filler(canonical)
    community, tail = _known_community(canonical, _known_variants(known_communities))
    building, unit, room, first = _structure(tail, community is not None)
    if community is None:
        region = tail if first is None else tail[:first]
        community = _community_from_region(region, before_building=building is not None)
        community = near_community(community, known_communities) or community
        if community is not None and first is None:
            # The structure search ran before the community was known; retry for a bare room.
            rest = tail[tail.find(community) + len(community) :]
            building, unit, room, _ = _structure(rest, True)
    return Address(raw=raw, community=community, building=building, unit=unit, room=room)


#: A door number as the answer to "门牌是几号": 3–4 digits, maybe with 室/号/户, not a building, a
#: unit, a floor, a date, a time, a temperature or part of a longer number.
_DOOR_NUMBER = re.compile(
    r"(?<![0-9])([0-9]{3,4})(?:室|号房|号|户)?(?![0-9号楼栋幢座单门洞层年月日点时分元块度℃:：.-])"
)
#: Words that may stand around a door given alone: what it is (门牌号是), that it was said
#: already (我刚说了, 不是说了吗), fillers (就是, 啊).
_AROUND_A_DOOR = re.compile(
    "门牌号?|房间号?|房号|室号|号码|我家|家里|我们家|俺家|住的?|就是|是|我刚才?|刚才?|不是|"
    "说过|说了|写了|告诉你|告诉过|已经|都|了|吗|嘛|啊|呀|呢|哈|的|我|在|那个|这个"
)


def door_alone(text: str | None) -> str | None:
    """The door number `text` gives by itself (602, 是602, 602室, 我刚说了602啊, 门牌号是602), else
    None: exactly one number in it, a door's, and no other words than those around a door.

    A bare 602 names no community or building, so `parse_address` reads no room in it; said where
    the rest of a home already told was asked (the urgent ticket's 门牌号), it is that door. It was
    dropped, and the crew was sent to a stairwell (player findings 5, class A)."""
    canonical = re.sub(r"\s+", "", to_canonical(str(text or "")))
    if len(re.findall(r"[0-9]+", canonical)) != 1:
        return None
    found = _DOOR_NUMBER.search(canonical)
    if found is None:
        return None
    rest = canonical[: found.start()] + canonical[found.end() :]
    rest = re.sub(r"[\W_]+", "", _AROUND_A_DOOR.sub("", rest))
    return found.group(1) if not rest else None


def corrected(held: Address, said: Address) -> Address:
    """The address held with the parts `said` gives instead (5号楼 → 6号楼 keeps the community,
    and the unit and room unless those are said too)."""
    return Address(
        raw=said.raw,
        community=said.community or held.community,
        building=said.building or held.building,
        unit=said.unit or held.unit,
        room=said.room or held.room,
    )


#: A room number alone after a correction (302 不对 303, 302 说错了 303，电话…).
_ONLY_A_ROOM = re.compile(r"(\d{3,4})[室号户]?(?![\d号楼栋幢座单门层年月日点元块度:.-])")


def address_meant(text: str, known_communities: Iterable[str] = ()) -> Address | None:
    """The address a message means when it takes part of itself back: 阳光花园5号楼2单元302，不对，
    是5号楼1单元302 → 阳光花园5号楼1单元302; 和平里1号楼3单元201 不是3单元，是2单元 → 和平里1号楼
    2单元201 (the parts named after the correction replace those before it, the others stay).
    The withdrawn address was read first and a fitter was sent to the wrong flat (players'
    findings 2, class C). None when the message corrects no address within itself: the words
    before the correction hold no usable address, or those after it no part of one."""
    correction = correction_in(text)
    if correction is None:
        return None
    known = list(known_communities)
    said = parse_address(correction.said, known)
    if not said.is_usable:
        return None
    meant = parse_address(correction.meant, known)
    if not (meant.community or meant.building or meant.unit or meant.room):
        room = _ONLY_A_ROOM.match(correction.meant)
        if room is None or said.room is None:
            return None
        meant = Address(raw=correction.meant, room=room.group(1))
    # a community named after the correction is another home: its parts are the ones meant
    return replace(meant if meant.community else corrected(said, meant), raw=text)


#: Heads of guessed names that say "a community" without naming one (这个小区 parses as 个小区,
#: 隔壁小区, 我们那个小区): a served resident who says so is no resident of another place.
#: A temperature inside what was parsed as a name (家18度邻居): a room compared, not a place.
_TEMPERATURE_IN_NAME = re.compile(r"\d+(?:\.\d+)?\s*(?:度|℃)")
_NO_NAME_HEADS = frozenset(
    {"个", "这个", "那个", "本", "该", "整个", "隔壁", "对面", "旁边", "附近", "别的", "其他",
     "别人", "咱", "咱们", "老", "新", "小", "大", "一个", "某"}
)  # fmt: skip


def unserved_community(text: str | None, known: Iterable[str]) -> str | None:
    """The community `text` names when it is none the company serves (碧桂园3号楼1单元201, 万科城
    的暖气归你们管吗, 我家在碧桂园 暖气费多少钱一平), else None: a repair was booked, and a price
    quoted, for places whose heat comes from another supplier (players' class D). None when
    `known` is empty (the company's list is not loaded, so nothing can be told apart), when a
    served name is named or misspelt by one character (`parse_address` returns ours), and for
    words that only say "a community" (这个小区, 隔壁小区). A served name spelt close to the
    one returned is for the caller to ask back (`communities_spelt_like`)."""
    served = [name for name in known if name.strip()]
    if not served or not text:
        return None
    parsed = parse_address(text, served)
    name = parsed.community
    if not name or name in served or len(name) > 10:
        return None
    head = _head(re.sub(r"\s+", "", to_canonical(name)).removesuffix("小区"))
    if len(head) < 2 or head in _NO_NAME_HEADS or head.startswith(("这", "那", "哪")):
        return None
    if _TEMPERATURE_IN_NAME.search(name) or names_the_same_building(name):
        return None  # 我家18度 邻居家22度 同一栋楼 names no place (the player's p4-089)
    # the parser's guess is loose (上午10点以后店里, 要去医院, 打店里): a name is a place only with
    # a community's ending, a building after it, or said as where one lives or gets heat from
    canonical = re.sub(r"\s+", "", to_canonical(text))
    said_as_home = re.search(
        rf"(?:{_HOME_SAID})(?:在|住|是)?{re.escape(name)}"
        rf"|{re.escape(name)}(?:那边|那儿|那里|这边|小区)?(?:{_HEAT_SAID})",
        canonical,
    )
    if _MULTI_CHAR_SUFFIX.search(name) or parsed.building or parsed.unit or said_as_home:
        return name
    return None


#: Words before a name that say the resident lives there (我家在碧桂园, 我是万科城的).
_HOME_SAID = "家在|家住|住在|我住|俺住|我是|我们是|俺是|家是|我们那是|我们小区是"
#: Words after a name that ask about its heating (万科城的暖气归你们管吗, 碧桂园停暖了吗).
_HEAT_SAID = (
    "的暖气|的供暖|的供热|的采暖|暖气|供暖|供热|采暖|停暖|停热|归你们|是你们|是不是|你们管"
)


#: The parts of a flat a fitter needs besides the community, in the order they are asked.
FLAT_PARTS: tuple[str, ...] = ("building", "unit", "room")
#: Words for a place that is no flat (底商, 楼道, 写字楼一层大堂): it is found by them, and has no
#: unit or door number to ask for.
_NOT_A_FLAT = re.compile(
    "底商|商铺|门面|门市|楼道|楼梯|走廊|大堂|大厅|写字楼|商务楼|办公|地下室|车库|锅炉房|换热站|泵房|"
    r"物业|会所|幼儿园|学校|平房|\d+层|[一二三四五六七八九十]层"
)
#: Words that say the building has no units (没有单元, 就一个单元, 不分单元).
_NO_UNITS = re.compile(r"(?:没有?|不分|无)单元|(?:就|只有?)(?:一|1)个单元|单元(?:没有|不分)")


def missing_for_visit(address: Address, told: str = "") -> tuple[str, ...]:
    """The parts of `FLAT_PARTS` a fitter still needs to find the door of `address`: a ticket for
    阳光花园6号楼, 金色家园7号楼702 or the community alone sent him to a staircase he had to guess
    (players' findings 3, class C; the demo buildings have 2–4 units). None for a place that is no
    flat (和平里6号楼楼道, 阳光花园2号楼底商105), and no unit where `told` says there is none."""
    if _NOT_A_FLAT.search(to_canonical(address.raw)):
        return ()
    no_units = _NO_UNITS.search(to_canonical(told)) is not None
    return tuple(
        part
        for part in FLAT_PARTS
        if not getattr(address, part) and not (part == "unit" and no_units)
    )


#: The part of a home's address a message is about (具体门牌, 楼号, 几单元, 那栋).
_DOOR_WORDS = re.compile(
    "门牌|楼号|房号|门号|单元|几号|几栋|哪栋|那栋|哪个楼|几楼|地址|具体|哪户|几门"
)
#: Saying it cannot or will not be told (说不清, 记不住, 不想说).
_CANNOT_SAY = re.compile(
    "说不(?:清|上来|准|好)|记不(?:清|住|得)|(?:不|没)记得|不(?:知道|清楚|晓得|确定)|忘(?:了|记)|"
    "搞不清|弄不清|(?:不|没)(?:想|方便|愿意|必要)(?:说|告诉|透露|给|留)|不告诉|保密"
)
#: Putting it off to the visit or a call (师傅来了我再说, 到时候再告诉你, 打电话再说).
_TOLD_LATER = re.compile(
    "(?:来了|到了|上门|到时候?|见面|当面|来的时候|到楼下)(?:我|的时候|时|了)?(?:再|就)?(?:说|告诉|讲|指|带)|"
    "(?:来了|到了|上门|到时候?)[^，,。!！?？]{0,4}?我?(?:再|就)(?:说|告诉|讲|指|带)|"
    "(?:打|来|通)电话(?:给我|我)?(?:再|时)?(?:说|告诉|讲)"
)


def withholds_door(text: str | None, asked: bool = False) -> bool:
    """Whether `text` says the door number will not come now: it cannot be told (楼号我也说不清,
    不记得几单元; a bare 不知道 only where the address was `asked`) or is put off to the visit
    (具体门牌你们师傅来了我再说). The resident is told once why it is needed; after that the
    ticket is filed without it, never the message taken as the address (players' findings 3,
    class C)."""
    canonical = re.sub(r"\s+", "", to_canonical(text or ""))
    if _TOLD_LATER.search(canonical):
        return True
    if _CANNOT_SAY.search(canonical) is None:
        return False
    return asked or _DOOR_WORDS.search(canonical) is not None


#: The note an address filed without its door number carries, read back and on the ticket.
DOOR_NOT_GIVEN = "门牌未提供，师傅上门前电话确认"


def without_door(address: Address) -> str:
    """The address to file when the resident cannot give the rest: what was told, with the note
    (东风新村（门牌未提供，师傅上门前电话确认）)."""
    return f"{address.summary()}（{DOOR_NOT_GIVEN}）"
