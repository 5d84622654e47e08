"""A home colder than the neighbours' (pure): 为啥我家暖气没有邻居家热, 我家18度 邻居家22度.

The player's p4-089 got three topic buttons (收费标准, 每天供热时段, 供暖起止日期), then "同一栋楼"
taken for a community the company does not serve. Heat that reaches the neighbours and not this
home is a fault of this home's radiators or valves: the resident is told so and offered a fitter
(or a measurement), whatever topic the words resemble.
"""

from __future__ import annotations

import re

from bot.nlu.numbers import to_canonical

__all__ = ["colder_than_neighbours", "names_the_same_building"]

#: The neighbours, or the rest of the building (邻居家, 楼上, 对门, 同一栋楼, 别人家).
_NEIGHBOURS = re.compile(
    r"邻居|邻家|楼上|楼下|对门|对面那家|隔壁|别人家|别家|其他(?:人)?家|人家家?|同一?(?:栋|个|幢|座)?楼|"
    r"同一个?单元|一栋楼|一个楼|一个单元|我们楼|这栋楼|这个楼|整栋楼"
)
#: The resident's own home.
_OWN = re.compile(r"我家|俺家|我们家|咱家|我这|俺这|家里|我屋|俺屋|屋里")
#: Heat or cold compared (热, 暖和, 凉, 22度).
_HEAT = re.compile(r"热|暖|凉|冷|温度|\d+(?:\.\d+)?\s*(?:度|℃)")
#: Not a cold home: too hot, water from upstairs, noise, or the bill (those have their own answers);
#: nor a top-floor or end flat, whose cold has a known cause the knowledge base
#: explains (俺家顶楼把边 屋里为啥比楼下人家冷: top_floor_end_unit).
_OTHER_MATTER = re.compile(
    r"太热|热死|热得|燥|漏|渗|滴水|响|噪|吵|费|钱|交|缴|报停|停暖|停热|抢修|检修|通知|"
    r"顶楼|顶层|边户|把边|把头|山墙|最边上"
)
#: The same building named as such, no community's name (同一栋楼, 我们楼, 隔壁单元).
_SAME_BUILDING = re.compile(
    r"同一?(?:栋|个|幢|座)?楼|同一个?单元|一栋楼|一个楼|我们楼|这栋楼|这个楼|整栋楼|隔壁单元|邻居家?"
)


def colder_than_neighbours(text: str | None) -> bool:
    """Whether `text` says the resident's home is colder than the neighbours' or the rest of
    the building (为啥我家暖气没有邻居家热; 我家17度 楼上21度 我们是一栋楼)."""
    said = to_canonical(str(text or ""))
    return bool(
        _NEIGHBOURS.search(said)
        and _OWN.search(said)
        and _HEAT.search(said)
        and not _OTHER_MATTER.search(said)
    )


def names_the_same_building(text: str | None) -> bool:
    """Whether `text` speaks of the resident's own building or neighbours (同一栋楼, 邻居家22度):
    words that name no community, served or not."""
    return _SAME_BUILDING.search(to_canonical(str(text or ""))) is not None
