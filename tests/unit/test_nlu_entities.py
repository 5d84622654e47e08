"""Rule-based entity spans and the post-processing of extracted entities (bot.nlu.*spans, entities).

All examples are written for these tests (not taken from the held-out set in tests/nlu). Texts
go through `to_canonical` first, as in the pipeline, so offsets are on the canonical text.
"""

from __future__ import annotations

from typing import Any

import pytest

from bot.nlu.addressspans import find_address_spans
from bot.nlu.entities import POSTPROCESSOR, postprocess_entities
from bot.nlu.numbers import to_canonical
from bot.nlu.timespans import find_time_spans

COMMUNITIES = ["阳光花园", "幸福里", "幸福里小区", "和平里东区", "山水人家"]


def times(text: str) -> list[str]:
    return [s.text for s in find_time_spans(to_canonical(text))]


def addresses(text: str, communities: list[str] | None = None) -> list[str]:
    canonical = to_canonical(text)
    return [s.text for s in find_address_spans(canonical, communities or COMMUNITIES)]


# --- time spans -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("下周三下午三点以后过来吧", ["下周三下午3点以后"]),
        ("这周日全天有人", ["这周日全天"]),
        ("本周五上午都在家", ["本周五上午"]),
        ("礼拜六早上九点半", ["礼拜六早上9点半"]),
        ("工作日晚上八点后才有人", ["工作日晚上8点后"]),
        ("后天中午", ["后天中午"]),
        ("大后天白天都行", ["大后天白天"]),
        ("明儿头午在家", ["明儿头午"]),
        ("上午九点到十一点之间吧", ["上午9点到11点"]),
        ("14:00-16:00可以", ["14:00-16:00"]),
        ("3到5点方便", ["3到5点"]),
        ("11月30号下午", ["11月30号下午"]),
        ("28号上午来", ["28号上午"]),
        ("九点左右", ["9点左右"]),
        ("你们随时来", ["随时"]),
        ("周一到周五晚上", ["周一到周五晚上"]),
        ("今天下午或者明天上午", ["今天下午", "明天上午"]),
    ],
)
def test_time_spans_cover_the_whole_expression(text: str, expected: list[str]) -> None:
    assert times(text) == expected


@pytest.mark.parametrize(
    "text",
    ["从前天晚上开始就不热了", "昨天下午报的修", "等了一上午", "晚上冷得睡不着", "明天停暖吗"],
)
def test_past_and_onset_times_are_marked(text: str) -> None:
    spans = find_time_spans(to_canonical(text))
    assert spans and all(s.past for s in spans)


def test_availability_cue() -> None:
    (span,) = find_time_spans(to_canonical("周六下午家里有人"))
    assert span.cue and not span.past
    (span,) = find_time_spans(to_canonical("周六下午"))
    assert not span.cue


@pytest.mark.parametrize("text", ["5号楼1单元", "暖气一天比一天凉", "平时挺热的", "3号线"])
def test_no_time_spans(text: str) -> None:
    assert times(text) == []


# --- address spans --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("我家在阳光花园七号楼二单元四零一", ["阳光花园7号楼2单元401"]),
        ("幸福里小区", ["幸福里小区"]),
        ("幸福里6栋", ["幸福里6栋"]),
        ("山水人家12-3-502", ["山水人家12-3-502"]),
        ("我住在松鹤新村8号楼3单元602室", ["松鹤新村8号楼3单元602室"]),
        ("地址是银杏花园", ["银杏花园"]),
        ("滨湖苑3栋2门501", ["滨湖苑3栋2门501"]),
        ("五号楼", ["5号楼"]),
        ("三单元", ["3单元"]),
        ("8-2-1101", ["8-2-1101"]),
        ("6#2-702", ["6#2-702"]),
        ("枫林大厦1806", ["枫林大厦1806"]),
        ("人民路12号院3号楼", ["人民路12号院3号楼"]),
        ("河东区锦华小区2号楼", ["锦华小区2号楼"]),
        ("和平里东区9-1-301", ["和平里东区9-1-301"]),
        ("兴业苑5号楼", ["兴业苑5号楼"]),
    ],
)
def test_address_spans(text: str, expected: list[str]) -> None:
    assert addresses(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "隔壁小区也停了",
        "我们小区停暖了吗",
        "整个小区都不热",
        "小区西门",
        "去医院了",
        "屋里太冷",
        "电话13912345678",
        "住五楼",
        "302",
    ],
)
def test_no_address_spans(text: str) -> None:
    assert addresses(text) == []


# --- post-processing ------------------------------------------------------------------------


def ent(
    entity: str, text: str, value_text: str, extractor: str = "DIETClassifier", nth: int = 0
) -> dict[str, Any]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(value_text, start + 1)
    return {
        "entity": entity,
        "start": start,
        "end": start + len(value_text),
        "value": value_text,
        "extractor": extractor,
    }


def spans_of(entities: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(e["entity"], e["value"]) for e in entities]


def run(text: str, entities: list[dict[str, Any]], intent: str = "inform") -> list[tuple[str, str]]:
    """The non-fault entities after post-processing (fault spans: test_nlu_faultspans.py)."""
    made = postprocess_entities(text, entities, intent, COMMUNITIES)
    return spans_of([e for e in made if e["entity"] != "fault_type"])


def test_diet_number_overlapping_a_regex_entity_is_dropped() -> None:
    text = "电话13912345678"
    diet = ent("phone", text, "1391234567")
    regex = ent("phone", text, "13912345678", extractor="RegexEntityExtractor")
    assert run(text, [diet, regex]) == [("phone", "13912345678")]


def test_diet_account_no_on_a_phone_is_dropped() -> None:
    text = "电话13912345678"
    diet = ent("account_no", text, "13912345678")
    regex = ent("phone", text, "13912345678", extractor="RegexEntityExtractor")
    assert run(text, [diet, regex]) == [("phone", "13912345678")]


@pytest.mark.parametrize(
    ("entity", "text", "value"),
    [
        ("phone", "尾号4321", "4321"),
        ("account_no", "家里2个暖气片", "2"),
        ("phone", "打了3次电话", "3"),
        ("temperature", "有1组不热", "1"),
        ("account_no", "户号写错了", "户号"),
        ("ticket_no", "单号BX2026", "BX2026"),
    ],
)
def test_invalid_diet_numbers_are_dropped(entity: str, text: str, value: str) -> None:
    assert run(text, [ent(entity, text, value)], "report_repair") == []


def test_diet_building_number_is_not_a_phone() -> None:
    text = "7号楼"
    assert run(text, [ent("phone", text, "7")], "report_repair") == [("address", "7号楼")]


def test_valid_diet_numbers_are_kept() -> None:
    text = "户号0203456789"
    assert run(text, [ent("account_no", text, "0203456789")]) == [("account_no", "0203456789")]


def test_diet_temperature_takes_its_unit() -> None:
    text = "屋里才13度"
    (entity,) = postprocess_entities(text, [ent("temperature", text, "13")], "report_repair")
    assert (entity["value"], entity["extractor"]) == ("13度", POSTPROCESSOR)


def test_temperature_without_unit_is_dropped() -> None:
    text = "室温13吧"
    assert run(text, [ent("temperature", text, "13")], "report_repair") == []


@pytest.mark.parametrize("text", ["标准是不低于18度吗", "外面零下12度", "今天气温-8度"])
def test_standard_and_outdoor_temperatures_are_dropped(text: str) -> None:
    value = text[text.index("度") - 2 : text.index("度") + 1]
    regex = ent("temperature", text, value, extractor="RegexEntityExtractor")
    assert run(text, [regex], "faq") == []


def test_home_temperature_in_a_faq_question_is_kept() -> None:
    text = "我家16度算不算达标"
    regex = ent("temperature", text, "16度", extractor="RegexEntityExtractor")
    assert run(text, [regex], "faq") == [("temperature", "16度")]


def test_split_time_spans_are_merged_with_their_prefix() -> None:
    text = "下周二上午10点吧"
    diet = [ent("time", text, "下"), ent("time", text, "周二上午10点")]
    assert run(text, diet) == [("time", "下周二上午10点")]


def test_truncated_time_is_completed() -> None:
    text = "工作日晚上7点后有人"
    assert run(text, [ent("time", text, "晚上7点")], "report_repair") == [
        ("time", "工作日晚上7点后")
    ]


def test_rule_time_added_for_visit_with_cue_only() -> None:
    assert run("暖气漏水了，明天上午在家", [], "report_repair") == [("time", "明天上午")]
    assert run("今天暖气又不热了", [], "report_repair") == []
    assert run("周六下午", [], "inform") == [("time", "周六下午")]
    assert run("昨天下午报的修", [], "inform") == []


def test_times_dropped_where_no_visit_is_arranged() -> None:
    text = "明天上午停暖吗"
    assert run(text, [ent("time", text, "明天上午")], "query_outage") == []


def test_address_rule_replaces_truncated_diet_span() -> None:
    text = "阳光花园5号楼1单元302暖气不热"
    diet = [ent("address", text, "阳光花园5号楼"), ent("phone", text, "302")]
    assert run(text, diet, "report_repair") == [("address", "阳光花园5号楼1单元302")]


def test_diet_address_extends_a_name_the_rules_do_not_know() -> None:
    text = "住青松名邸园5号楼"
    diet = [ent("address", text, "青松名邸园5号楼")]
    assert run(text, diet, "report_repair") == [("address", "青松名邸园5号楼")]


def test_adjacent_diet_address_spans_are_merged() -> None:
    text = "住东湖印象 5号楼"
    diet = [ent("address", text, "东湖印象"), ent("address", text, "5号楼")]
    assert run(text, diet, "inform") == [("address", "东湖印象 5号楼")]


def test_other_entities_pass_unchanged() -> None:
    text = "暖气片漏水"
    fault = {**ent("fault_type", text, "漏水"), "value": "leak"}
    assert postprocess_entities(text, [fault], "report_repair") == [fault]
