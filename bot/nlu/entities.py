"""Entity post-processing: the extractors' entities → what the annotation rules call an entity.

`postprocess_entities` is a pure function over one parsed message (canonical text, the entities
the model extractor (the CRF; DIET when this was written — "DIET" below means that extractor),
the RegexEntityExtractor and the EntitySynonymMapper produced, the predicted intent); the
pipeline component `bot.nlu.components.EntityPostProcessor` applies it after those extractors.
What it does, type by type:

* `account_no`, `phone`, `ticket_no`, `temperature` (number-like): DIET cannot see digits (the
  count vectors turn them into `__NUMBER__`), so its spans on them are often a count (1个, 1次),
  a building or room number (7号楼, 1502) or a cut number. A DIET entity of these types is dropped
  when it overlaps a regex entity of any of these types (the regex covers the whole number by
  construction), when its value fails the `bot.nlu.numbers` normaliser of its type, when it
  is a count or part of an address, and — for `temperature` — when it has no unit (度/℃; a unit
  right after the span is taken into it). Any `temperature` (regex ones included) that is
  negative, outdoors or a standard (不低于18度, 零下15度) is dropped: the contract's temperature
  is one the user measured at home.
* `address`: rule spans (`bot.nlu.addressspans`: community + building/unit/room as one span)
  replace the DIET spans they overlap — extended to a DIET span's wider edge when DIET saw more
  of a name the rules do not know — and are added where DIET found none; adjacent DIET spans
  are merged.
* `time`: rule spans (`bot.nlu.timespans`: 下周二上午10点, 工作日晚上7点后, 这周六全天) replace
  the DIET spans they overlap (so split or truncated spans become one); a rule span DIET did not
  find is added only in a message about a visit (`VISIT_INTENTS`) and only when nothing says it
  is in the past, and — outside `inform` / `correct_info` — when the words around it say the user
  is available then (在家, 有人, 上门 …). Times in intents that never carry a visit time
  (`NO_TIME_INTENTS`: outage dates, ticket history …) are dropped, as the annotation rules do.
* `fault_type`: rule spans (`bot.nlu.faultspans`: 咕噜咕噜响, 不太热, 冰凉冰凉, a broken 阀门)
  replace the CRF spans they overlap, and one the CRF missed is added when it names a fault on
  its own (not 屋里温度低 or 没暖气, which only redraw a CRF span). A CRF span no rule covers
  stays only at a confidence of `MIN_CRF_FAULT_CONFIDENCE` or more. In `out_of_scope` messages
  none is kept: the fault there is another appliance's (热水器不热, 空调滴水), which the annotation
  rules leave out. Measured on five training folds (scripts/nlu_folds.py, docs/nlu.md).
* `meter_reading`: made by rule only (`bot.nlu.meterreading`), in the messages that give one
  (`METER_READING_INTENTS`): the number with its unit as written, its value normalised to
  `12345.6 kWh` / `45.32 GJ` (a bare number stays a number: the meter's unit applies). Any
  `temperature` inside it is dropped (热表读数 8899度 is heat, not a room).
* Everything else passes through unchanged.

Spans the function made or moved carry `extractor: EntityPostProcessor` and a recomputed
`value`; entities it keeps are the input dicts, unchanged. Offsets refer to the canonical text
(after `TextNormalizer`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from numbers import Real
from typing import Any

from bot.nlu.addressspans import find_address_spans
from bot.nlu.faultspans import find_fault_spans, may_name_fault
from bot.nlu.meterreading import find_meter_reading
from bot.nlu.numbers import (
    normalise_account_no,
    normalise_phone,
    normalise_ticket_no,
    parse_temperature,
)
from bot.nlu.timespans import find_time_spans

__all__ = [
    "METER_READING_INTENTS",
    "MIN_CRF_FAULT_CONFIDENCE",
    "NO_TIME_INTENTS",
    "NUMBER_TYPES",
    "POSTPROCESSOR",
    "VISIT_INTENTS",
    "postprocess_entities",
]

Entity = dict[str, Any]

#: `extractor` of the spans this module made or changed.
POSTPROCESSOR = "EntityPostProcessor"
REGEX_EXTRACTOR = "RegexEntityExtractor"
OUT_OF_SCOPE = "out_of_scope"
NUMBER_TYPES: frozenset[str] = frozenset({"account_no", "phone", "ticket_no", "temperature"})
#: Intents whose messages may give a heat-meter reading (the `meter_reading` entity).
METER_READING_INTENTS: frozenset[str] = frozenset({"report_meter_reading", "inform"})
#: Intents in which a time the rules find on their own is taken as a visit time.
VISIT_INTENTS: frozenset[str] = frozenset(
    {"inform", "correct_info", "report_repair", "request_temp_check"}
)
#: Intents in which the user gives no visit window (a time there is an outage date, a ticket's
#: history, a season): every `time` entity is dropped.
NO_TIME_INTENTS: frozenset[str] = frozenset(
    {
        "query_outage",
        "query_fee",
        "query_ticket",
        "cancel_ticket",
        "file_complaint",
        "apply_stop_heating",
        "bind_account",
        "unsubscribe",
        "subscribe",
        "query_subscriptions",
        "faq",
        "out_of_scope",
        "greet",
        "goodbye",
        "thank",
        "bot_challenge",
    }
)
_VALID: Mapping[str, Callable[[object], object]] = {
    "account_no": normalise_account_no,
    "phone": normalise_phone,
    "ticket_no": normalise_ticket_no,
    "temperature": parse_temperature,
}
# After a number: it counts something, or it is part of an address / a clock time.
_COUNT_OR_ADDRESS_AFTER = re.compile(
    "(?:个|次|组|片|根|天|年|月|家|位|人|台|间|块|岁|遍|回|趟|小时|分钟|多|来|栋|幢|座|号|楼|单元|门|"
    "室|层|户|排|米|平|元|期|区|点|:|-|#|周|礼拜|星期|百|千|万)"
)
_ADDRESS_BEFORE = re.compile("(?:第|单元|号楼|栋|幢|座|门|楼|室|房间|房号|-|#)$")
_TEMP_UNIT_AFTER = re.compile("(?:摄氏度|度半|度|℃|°C|°)")
_TEMP_HAS_UNIT = re.compile("度|℃|°")
# Before a temperature that is not the user's own reading: a standard, a rule, the weather.
_NOT_HOME_TEMP_BEFORE = re.compile(
    "(?:不低于|不得低于|不能低于|不应低于|低于|高于|不少于|至少|标准|规定|国家|要求|应该|应当|达到|"
    "室外|外面|外边|户外|气温|天气|最低|零下|负)[^,，。!！?？]{0,3}$"
)
# Something a DIET-only `time` span must contain (the rules know the common expressions; what
# they do not know still names a day, a part of it or an hour: 下班后, 过年前).
_TIME_MORPHEME = re.compile("天|午|晚|早|夜|点|周|号|日|末|时|班|钟|礼拜|星期|月|年")
_NOT_NAME = re.compile("[我你他她们这那的了吗呢啊吧是在有没不就住,，。!！?？:：、 ]")
# Words before an address that DIET sometimes takes into it: cut the extension after them.
_ADDRESS_FILLER = re.compile("地址|住址|一下|位于|住在|家住|小区|在|是|住")
# A DIET-only address that is only a number (a count, a floor, a room without context).
_NOT_AN_ADDRESS = re.compile(r"\d+|\d+楼|\d+层")


def _span(entity: Mapping[str, Any]) -> tuple[int, int] | None:
    start, end = entity.get("start"), entity.get("end")
    if isinstance(start, int) and isinstance(end, int) and start < end:
        return start, end
    return None


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _made(
    entity_type: str, text: str, start: int, end: int, like: Mapping[str, Any] | None
) -> Entity:
    made: Entity = dict(like) if like else {}
    made.update(
        {
            "entity": entity_type,
            "start": start,
            "end": end,
            "value": text[start:end],
            "extractor": POSTPROCESSOR,
        }
    )
    return made


def _is_regex(entity: Mapping[str, Any]) -> bool:
    return entity.get("extractor") == REGEX_EXTRACTOR


def _number_entities(text: str, entities: Sequence[Entity]) -> list[Entity]:
    """The number-like entities that survive the checks of the module docstring."""
    regex_spans = [
        span
        for e in entities
        if e.get("entity") in NUMBER_TYPES and _is_regex(e) and (span := _span(e)) is not None
    ]
    kept: list[Entity] = []
    for entity in entities:
        entity_type = entity.get("entity")
        span = _span(entity)
        if entity_type not in NUMBER_TYPES or span is None:
            continue
        start, end = span
        if entity_type == "temperature" and not _home_temperature(text, start):
            continue
        if _is_regex(entity):
            kept.append(entity)
            continue
        if any(_overlaps(span, other) for other in regex_spans):
            continue
        if _COUNT_OR_ADDRESS_AFTER.match(text, end) or _ADDRESS_BEFORE.search(text, 0, start):
            continue
        if entity_type == "temperature":
            if unit := _TEMP_UNIT_AFTER.match(text, end):
                end = unit.end()
            if not _TEMP_HAS_UNIT.search(text, start, end):
                continue
            if (start, end) != span:
                entity = _made(entity_type, text, start, end, entity)
        if _VALID[str(entity_type)](text[start:end]) is None:
            continue
        kept.append(entity)
    return kept


def _home_temperature(text: str, start: int) -> bool:
    """False when the words before the temperature make it a standard or the weather."""
    before = text[max(0, start - 8) : start]
    return not _NOT_HOME_TEMP_BEFORE.search(before) and not text.startswith(("零下", "-"), start)


def _merge_adjacent(spans: Iterable[tuple[int, int]], text: str) -> list[tuple[int, int]]:
    """Same-type spans that touch (or are one space apart) joined into one, in text order."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and (start <= merged[-1][1] or text[merged[-1][1] : start] == " "):
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _typed(entities: Sequence[Entity], entity_type: str) -> list[Entity]:
    return [e for e in entities if e.get("entity") == entity_type and _span(e) is not None]


def _address_entities(
    text: str, entities: Sequence[Entity], communities: Iterable[str]
) -> list[Entity]:
    diet = _typed(entities, "address")
    template = diet[0] if diet else None
    diet_spans = _merge_adjacent((s for e in diet if (s := _span(e))), text)
    rule_spans = [(a.start, a.end) for a in find_address_spans(text, communities)]
    result: list[tuple[int, int]] = []
    for start, end in rule_spans:
        for d_start, _ in (d for d in diet_spans if _overlaps((start, end), d)):
            if d_start < start:
                start = _name_extension(text, d_start, start)
        result.append((start, end))
    for d_start, d_end in diet_spans:
        if any(_overlaps((d_start, d_end), r) for r in result):
            continue
        if d_end - d_start > 2 and not _NOT_AN_ADDRESS.fullmatch(text, d_start, d_end):
            result.append((d_start, d_end))
    return [
        _keep_or_make(diet, "address", text, start, end, template)
        for start, end in _merge_adjacent(result, text)
    ]


def _name_extension(text: str, d_start: int, start: int) -> int:
    """Where an address starts when DIET's span begins at `d_start`, before the rule's `start`.

    DIET knows community names the rules cannot recognise; its extra characters are taken when
    they look like a name (no particles, pronouns or punctuation), after any filler word
    (地址, 住在 …) they begin with.
    """
    extension = text[d_start:start]
    if extension.endswith(" "):
        extension = extension[:-1]  # 东湖印象 5号楼: one space before the building is kept
    cut = 0
    for m in _ADDRESS_FILLER.finditer(extension):
        cut = m.end()
    if cut < len(extension) and not _NOT_NAME.search(extension, cut):
        return d_start + cut
    return start


def _keep_or_make(
    originals: Sequence[Entity],
    entity_type: str,
    text: str,
    start: int,
    end: int,
    template: Mapping[str, Any] | None,
) -> Entity:
    for original in originals:
        if _span(original) == (start, end):
            return original
    return _made(entity_type, text, start, end, template)


def _time_entities(
    text: str,
    entities: Sequence[Entity],
    intent: str | None,
    address_spans: Sequence[tuple[int, int]],
) -> list[Entity]:
    if intent in NO_TIME_INTENTS:
        return []
    diet = _typed(entities, "time")
    template = diet[0] if diet else None
    diet_spans = _merge_adjacent((s for e in diet if (s := _span(e))), text)
    result: list[tuple[int, int]] = []
    for found in find_time_spans(text):
        span = (found.start, found.end)
        diet_found = any(_overlaps(span, d) for d in diet_spans)
        rule_only_ok = (
            intent in VISIT_INTENTS
            and not found.past
            and (found.cue or intent in ("inform", "correct_info"))
        )
        if diet_found or rule_only_ok:
            result.append(span)
    for d_start, d_end in diet_spans:
        if any(_overlaps((d_start, d_end), r) for r in result):
            continue
        if d_end - d_start > 1 and _TIME_MORPHEME.search(text, d_start, d_end):
            result.append((d_start, d_end))
    result = [span for span in result if not _inside_any(span, address_spans)]
    return [
        _keep_or_make(diet, "time", text, start, end, template)
        for start, end in _merge_adjacent(result, text)
    ]


def _inside_any(span: tuple[int, int] | None, others: Sequence[tuple[int, int]]) -> bool:
    return span is not None and any(_overlaps(span, other) for other in others)


#: A CRF `fault_type` span that no fault rule covers is kept only at this confidence or more
#: (Rasa's `confidence_entity`: the lowest over the span's tokens of the type's B/I/L/U
#: marginals). On five training folds the spans no rule covers were about half right (12 of 23);
#: from 0.65 to 0.85 the F1 sat on a plateau (0.954 → 0.959–0.961: 9 of 11 wrong ones dropped
#: for 4 right ones at 0.8). docs/nlu.md, "Fifth round".
MIN_CRF_FAULT_CONFIDENCE = 0.8


def _confidence(entity: Entity) -> float:
    """The extractor's confidence in `entity`; 1.0 when it gives none (a rule, a test)."""
    value = entity.get("confidence_entity")
    return float(value) if isinstance(value, Real) else 1.0


def _fault_entities(text: str, entities: Sequence[Entity], intent: str | None) -> list[Entity]:
    if intent == OUT_OF_SCOPE:
        return []
    crf = _typed(entities, "fault_type")
    template = crf[0] if crf else None
    found = find_fault_spans(text)
    # A CRF span no rule covers is kept only where it can name a fault (not 没漏水, 阀门开着呢)
    # and where the CRF is sure of it (MIN_CRF_FAULT_CONFIDENCE).
    crf_spans = [
        s
        for e in crf
        if (s := _span(e))
        and (
            any(_overlaps(s, (r.start, r.end)) for r in found)
            or (may_name_fault(text, *s) and _confidence(e) >= MIN_CRF_FAULT_CONFIDENCE)
        )
    ]
    rules = {
        (rule.start, rule.end): rule.fault_type
        for rule in found
        if rule.strong or any(_overlaps((rule.start, rule.end), c) for c in crf_spans)
    }
    result = list(rules) + [c for c in crf_spans if not any(_overlaps(c, r) for r in rules)]
    made = []
    for start, end in sorted(result):
        entity = _keep_or_make(crf, "fault_type", text, start, end, template)
        if not any(entity is original for original in crf):  # a new span: the rule's value
            entity["value"] = rules[(start, end)]
        made.append(entity)
    return made


def _meter_reading_entities(text: str, intent: str | None) -> list[Entity]:
    """The rule-made `meter_reading` of a message that may give one (module docstring)."""
    if intent not in METER_READING_INTENTS:
        return []
    found = find_meter_reading(text)
    if found is None:
        return []
    start, end, reading = found
    entity = _made("meter_reading", text, start, end, None)
    entity["value"] = f"{reading.value} {reading.unit}" if reading.unit else str(reading.value)
    return [entity]


def postprocess_entities(
    text: str,
    entities: Sequence[Entity],
    intent: str | None = None,
    communities: Iterable[str] = (),
) -> list[Entity]:
    """The message's entities after the corrections of the module docstring, in text order.

    `text` is the canonical text the entity offsets refer to, `intent` the predicted intent name
    (None: unknown, treated as a possible visit message without the rule-only additions), and
    `communities` the known community names. Entities without integer offsets pass unchanged.
    """
    handled = NUMBER_TYPES | {"address", "time", "fault_type", "meter_reading"}
    passthrough = [e for e in entities if e.get("entity") not in handled or _span(e) is None]
    numbers = _number_entities(text, entities)
    meter = _meter_reading_entities(text, intent)
    meter_spans = [s for e in meter if (s := _span(e))]
    numbers = [e for e in numbers if not _inside_any(_span(e), meter_spans)]
    addresses = _address_entities(text, entities, communities)
    address_spans = [s for e in addresses if (s := _span(e))]
    numbers = [e for e in numbers if _is_regex(e) or not _inside_any(_span(e), address_spans)]
    times = _time_entities(text, entities, intent, address_spans)
    faults = _fault_entities(text, entities, intent)
    combined = passthrough + numbers + addresses + times + faults + meter
    return sorted(combined, key=lambda e: (e.get("start") or 0, e.get("end") or 0))
