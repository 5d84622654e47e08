"""The heat-meter reading in a resident's message (the contract's `meter_reading`).

Residents write a reading many ways: 热表读数12345.6kWh, 表上显示 3,456.7 GJ, 读数是一万二千三百度,
or just the number after 读数 / 示数 / 表底. 度 is everyday speech for a kilowatt-hour, but also for
degrees Celsius, so a bare "16度" counts only in a message that talks about the meter. A number
with no unit takes the meter's own unit (the caller knows it); 8+ digit runs are left alone, since
they are account or phone numbers, not a household's cumulative heat.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from bot.nlu.numbers import to_canonical

_NUMBER = r"(?<![\d.])(?P<number>\d{1,7}(?:,\d{3})*(?:\.\d{1,3})?)(?![\d])"
_UNIT = r"(?P<unit>kw\s*[·.]?\s*h|千瓦时|千瓦小时|度电?|gj|吉焦)"
_WITH_UNIT = re.compile(_NUMBER + r"\s*" + _UNIT, re.IGNORECASE)
_AFTER_WORD = re.compile(
    r"(?:读数|示数|表数|表底|底数|表码|显示|走到|走了|数字|读到|(?:热|计量|热量)表(?!号))[^\d]{0,6}?"
    + _NUMBER
)
_DU_AFTER = re.compile(r"\s?度")
_METER_TALK = re.compile(r"热表|计量表|热量表|表上|读数|示数|表底|底数|表码|抄表")
# A thermometer shows a number too (温度计显示18度 is a 室温抽测 household's room, not 18 kWh): in
# a message about a room temperature that names no heat meter, 显示 / 读到 … are not meter words.
_ROOM_TALK = re.compile(r"温度计|室温|温度")
_HEAT_METER = re.compile(r"热表|计量表|热量表|表盘|热计量")
# What makes a meter message a problem (a CB ticket) rather than a reading to file: the meter
# misbehaves, or the resident disputes the company's numbers.
_FAULT_WORDS = re.compile(r"坏|不走|不转|不动|黑屏|不亮|不显示|没显示|没电|漏水|滴水|卡住|故障")
_DISPUTE_WORDS = re.compile(
    r"不对|有误|异议|错|不认|对不上|不符|偏高|偏大|不准|核查|校验|校表|多算|多记"
)
_UNITS = {"千瓦时": "kWh", "千瓦小时": "kWh", "度": "kWh", "度电": "kWh", "吉焦": "GJ", "gj": "GJ"}


@dataclass(frozen=True)
class MeterValue:
    """A reading as written: the number, its unit (`kWh`, `GJ`, or `None` when none was given)
    and the span of text it came from (stored with the submission for the reviewer)."""

    value: Decimal
    unit: str | None
    written: str


def _unit(raw: str) -> str:
    folded = re.sub(r"[\s·.]", "", raw.lower())
    return "kWh" if folded == "kwh" else _UNITS[folded]


def _number(raw: str) -> Decimal | None:
    try:
        return Decimal(raw.replace(",", ""))
    except InvalidOperation:
        return None


def names_meter_fault(text: str) -> bool:
    """Whether the words say the meter itself misbehaves (黑屏, 不走 …), not only its numbers."""
    return _FAULT_WORDS.search(to_canonical(text or "")) is not None


def reports_reading(canonical: str) -> bool:
    """Whether a message (canonical text) gives a reading to file and names no problem with the
    meter or its numbers: 读数17120 is a reading, 你们记的17120不对 is a dispute."""
    return (
        find_meter_reading(canonical) is not None
        and _FAULT_WORDS.search(canonical) is None
        and _DISPUTE_WORDS.search(canonical) is None
    )


def parse_meter_reading(text: str) -> MeterValue | None:
    """The meter reading in a message as the resident wrote it, or `None` when it gives none."""
    found = find_meter_reading(to_canonical(text or ""))
    return None if found is None else found[2]


def find_meter_reading(canonical: str) -> tuple[int, int, MeterValue] | None:
    """The reading in canonical text (`to_canonical`) with its span, or `None`.

    In order: a number with an unambiguous unit (kWh, 千瓦时, 度电, GJ, 吉焦); a number right
    after a meter word (读数, 示数 …), taking a 度 written after it as kWh; a number ≥ 100 with 度
    in a message about the meter (a room is never 100 度).
    """
    bare_du: list[re.Match[str]] = []
    for match in _WITH_UNIT.finditer(canonical):
        if match.group("unit") == "度":
            bare_du.append(match)
            continue
        found = _value(match, "number", _unit(match.group("unit")))
        if found is not None:
            return found
    after = _AFTER_WORD.search(canonical)
    if after is not None and not _about_room_temperature(canonical):
        du = _DU_AFTER.match(canonical, after.end())
        extra = du.end() - after.end() if du else 0
        found = _value(after, "number", "kWh" if du else None, extra=extra)
        if found is not None:
            return found
    if _METER_TALK.search(canonical):
        for match in bare_du:
            found = _value(match, "number", "kWh", extra=match.end() - match.end("number"))
            if found is not None and found[2].value >= 100:
                return found
    return None


def _about_room_temperature(canonical: str) -> bool:
    """Whether the message talks of a thermometer or the room's temperature and of no heat
    meter, so a number after 显示 / 读到 is degrees Celsius."""
    return _ROOM_TALK.search(canonical) is not None and _HEAT_METER.search(canonical) is None


def _value(
    match: re.Match[str], group: str, unit: str | None, extra: int | None = None
) -> tuple[int, int, MeterValue] | None:
    """The reading of `match`: its number group, plus the unit written after it (`extra`
    characters past the number; the whole match when not given)."""
    number = _number(match.group(group))
    if number is None:
        return None
    start = match.start(group)
    end = match.end() if extra is None else match.end(group) + extra
    return start, end, MeterValue(number, unit, match.string[start:end])
