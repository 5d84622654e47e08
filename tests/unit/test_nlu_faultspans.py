"""Rule-based fault spans (bot.nlu.faultspans) and how the post-processor merges them.

All examples are written for these tests (not taken from the held-out set in tests/nlu). Texts
go through `to_canonical` first, as in the pipeline, so offsets are on the canonical text.
"""

from __future__ import annotations

from typing import Any

import pytest

from bot.nlu.entities import MIN_CRF_FAULT_CONFIDENCE, POSTPROCESSOR, postprocess_entities
from bot.nlu.faultspans import find_fault_spans
from bot.nlu.numbers import to_canonical


def faults(text: str) -> list[tuple[str, str]]:
    canonical = to_canonical(text)
    return [(canonical[s.start : s.end], s.fault_type) for s in find_fault_spans(canonical)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("暖气片哐哐响，吵得睡不着", [("哐哐响", "noise")]),
        ("管子里嘎吱嘎吱的响", [("嘎吱嘎吱的响", "noise")]),
        ("一点也不热乎，还咕噜咕噜响", [("不热乎", "no_heat"), ("咕噜咕噜响", "noise")]),
        ("暖氣冰涼冰涼的", [("冰凉冰凉", "no_heat")]),
        ("暖气片温吞吞的", [("温吞吞", "no_heat")]),
        ("我家暖气上热下凉", [("上热下凉", "no_heat")]),
        ("接口那往下滴，地板都湿了", [("往下滴", "leak")]),
        ("暖气片滋水了快来人", [("滋水", "leak")]),
        ("可能进空气了，要不要放气", [("进空气", "air"), ("放气", "air")]),
        ("暖气片都生锈了", [("生锈", "other")]),
    ],
)
def test_fault_phrases_are_whole_spans(text: str, expected: list[tuple[str, str]]) -> None:
    assert faults(text) == expected


def test_a_broken_valve_is_the_span_and_its_leak_is_not_a_second_one() -> None:
    assert faults("阀门漏了，快来换") == [("阀门", "valve")]
    assert faults("家里阀门拧不动") == [("阀门", "valve")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("暖气一点不咋热", ("不咋热", "no_heat")),
        ("暖气片摸着冰手", ("冰手", "no_heat")),
        ("放不出气来", ("放不出气", "air")),
        ("暖气片烫手", ("烫手", "other")),
        ("暖气片掉漆了", ("掉漆", "other")),
        ("楼下说暖气片往下滴", ("往下滴", "leak")),
    ],
)
def test_every_kind_of_phrase_carries_its_fault_type(text: str, expected: tuple[str, str]) -> None:
    assert faults(text) == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "不会漏水吧",
        "没有再漏水了",
        "现在不太响了",
        "门铃响了",
        "室温温度多少算达标",
        "卫生间排气扇坏了",
    ],
)
def test_negated_and_unrelated_words_are_no_fault(text: str) -> None:
    assert faults(text) == []


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("屋里冰冷冰冷的", "冰冷冰冷"),
        ("手脚冰凉", "冰凉"),
        ("不好意思说漏了,是3单元", "漏了"),
    ],
)
def test_room_feelings_and_left_out_words_are_weak(text: str, word: str) -> None:
    canonical = to_canonical(text)
    (span,) = find_fault_spans(canonical)
    assert canonical[span.start : span.end] == word and not span.strong
    assert fault_spans(canonical, [], "correct_info") == []


def test_a_leak_after_what_can_leak_is_strong() -> None:
    canonical = to_canonical("暖气片漏了")
    assert [(s.fault_type, s.strong) for s in find_fault_spans(canonical)] == [("leak", True)]


@pytest.mark.parametrize(
    "text",
    [
        "屋里就是冷",  # a room feeling, not a fault of the heating
        "阀门在哪儿",  # the valve mentioned, nothing wrong with it
        "放气阀在哪个位置",  # the part, not venting
        "没漏水，也不响",  # negated symptoms
        "空调外机滴水",  # someone else's appliance
        "热水器不热了",
        "客服电话都打爆了",
        "影响休息",
    ],
)
def test_no_fault_spans(text: str) -> None:
    assert faults(text) == []


def test_states_that_name_no_fault_alone_are_weak() -> None:
    canonical = to_canonical("全楼都没暖气，屋里温度很低，暖气片冰凉")
    spans = {canonical[s.start : s.end]: s.strong for s in find_fault_spans(canonical)}
    assert spans == {"没暖气": False, "温度很低": False, "冰凉": True}


# --- merged with the CRF's spans --------------------------------------------------------------


def crf(text: str, word: str, value: str, confidence: float | None = None) -> dict[str, Any]:
    start = text.index(word)
    entity = {
        "entity": "fault_type",
        "start": start,
        "end": start + len(word),
        "value": value,
        "extractor": "CRFEntityExtractor",
    }
    if confidence is not None:
        entity["confidence_entity"] = confidence
    return entity


def fault_spans(text: str, entities: list[dict[str, Any]], intent: str) -> list[tuple[str, str]]:
    return [
        (text[e["start"] : e["end"]], e["value"])
        for e in postprocess_entities(text, entities, intent)
        if e["entity"] == "fault_type"
    ]


def test_a_cut_crf_span_is_redrawn_to_the_whole_phrase() -> None:
    text = to_canonical("暖气片咕噜咕噜响了一宿")
    made = postprocess_entities(text, [crf(text, "咕噜", "noise")], "report_repair")
    assert [(text[e["start"] : e["end"]], e["value"], e["extractor"]) for e in made] == [
        ("咕噜咕噜响", "noise", POSTPROCESSOR)
    ]


def test_a_fault_the_crf_missed_is_added() -> None:
    text = to_canonical("暖气片哐哐响，也不咋热")
    assert fault_spans(text, [crf(text, "不咋热", "no_heat")], "report_repair") == [
        ("哐哐响", "noise"),
        ("不咋热", "no_heat"),
    ]


def test_the_crfs_own_span_is_kept_unchanged() -> None:
    text = to_canonical("暖气片凉的")
    span = crf(text, "凉", "no_heat")
    assert postprocess_entities(text, [span], "report_repair") == [span]
    text = to_canonical("暖气片漏水了")
    same = {**crf(text, "漏水", "leak"), "value": "leak"}  # the span a rule finds too
    (kept,) = postprocess_entities(text, [same], "report_repair")
    assert kept is same and kept["extractor"] == "CRFEntityExtractor"


def test_a_span_the_postprocessor_made_before_is_kept() -> None:
    text = to_canonical("暖气片发烫")
    earlier = {**crf(text, "发烫", "other"), "extractor": POSTPROCESSOR}
    assert postprocess_entities(text, [earlier], "report_repair") == [earlier]


def test_nothing_is_kept_in_out_of_scope_and_nothing_added_on_a_weak_state() -> None:
    text = to_canonical("燃气灶漏气了，你们管吗")
    assert fault_spans(text, [crf(text, "漏气", "leak")], "out_of_scope") == []
    text = to_canonical("屋里温度很低")
    assert fault_spans(text, [], "report_repair") == []
    low = crf(text, "温度", "no_heat")
    assert fault_spans(text, [low], "report_repair") == [("温度很低", "no_heat")]


@pytest.mark.parametrize(
    ("message", "word"),
    [
        ("师傅来过了，不漏了，谢谢", "漏了"),
        ("对，已经没漏水了", "漏水"),
        ("单子取消吧，没有响声了", "响声"),
        ("不再滴水了，不用派人", "滴水"),
        ("行，阀门能拧动了", "阀门"),
        ("阀门开着呢，别的不知道", "阀门"),
        ("总阀门在哪", "阀门"),
    ],
)
def test_a_crf_span_of_a_resolved_fault_or_a_working_valve_is_dropped(
    message: str, word: str
) -> None:
    text = to_canonical(message)
    assert fault_spans(text, [crf(text, word, "leak")], "thank") == []


@pytest.mark.parametrize(
    ("message", "word", "value"),
    [
        ("暖气还是不热", "不热", "no_heat"),
        ("暖气漏水了", "漏水", "leak"),
        ("阀门也关不严", "阀门", "valve"),
        ("阀门拧不动", "阀门", "valve"),
        ("片子里面老有响动", "响动", "noise"),
        ("阀门一直在滴答", "阀门", "valve"),
        ("阀门拧断了", "阀门", "valve"),
        ("阀门，坏了", "阀门", "valve"),
        ("阀门好像有问题", "阀门", "valve"),
        ("外面暖气管漏水", "漏水", "leak"),
        ("暖气片一点都不温乎", "温乎", "no_heat"),
    ],
)
def test_a_crf_span_of_a_present_fault_is_kept(message: str, word: str, value: str) -> None:
    text = to_canonical(message)
    assert (word, value) in fault_spans(text, [crf(text, word, value)], "report_repair")


def test_a_crf_span_after_a_negation_that_a_rule_covers_is_redrawn_not_dropped() -> None:
    text = to_canonical("暖气没有温度")
    assert fault_spans(text, [crf(text, "温度", "no_heat")], "report_repair") == [
        ("没有温度", "no_heat")
    ]


def test_an_unsure_crf_span_no_rule_covers_is_dropped() -> None:
    # 凉 alone is no rule's (屋里凉 is a feeling), so only the CRF's confidence decides
    text = to_canonical("暖气片凉的")
    unsure = MIN_CRF_FAULT_CONFIDENCE - 0.01
    assert fault_spans(text, [crf(text, "凉", "no_heat", unsure)], "report_repair") == []
    sure = crf(text, "凉", "no_heat", MIN_CRF_FAULT_CONFIDENCE)
    assert postprocess_entities(text, [sure], "report_repair") == [sure]


def test_an_unsure_crf_span_a_rule_covers_is_kept_and_redrawn() -> None:
    # weak rule spans (a state, not a fault on its own) count only where a CRF span confirms
    # them: an unsure CRF span must still confirm them
    text = to_canonical("屋里温度低")
    assert fault_spans(text, [crf(text, "温度", "no_heat", 0.3)], "report_repair") == [
        ("温度低", "no_heat")
    ]
    text = to_canonical("家里没暖气")
    assert fault_spans(text, [crf(text, "暖气", "no_heat", 0.3)], "report_repair") == [
        ("没暖气", "no_heat")
    ]
