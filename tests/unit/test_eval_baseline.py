"""bot.evaluation.baseline: TF-IDF intents and FAQ keys, dictionary + regex entities."""

from __future__ import annotations

import itertools

import pytest

from bot.evaluation.baseline import Baseline, DictionaryEntityExtractor, TfidfClassifier
from bot.evaluation.dataset import Example
from bot.evaluation.spans import Span

PHONE_REGEX = r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])"


def ex(text: str, intent: str, key: str | None = None, spans: tuple[Span, ...] = ()) -> Example:
    return Example(text, text, intent, key, spans)


TRAIN = [
    ex("暖气不热", "report_repair", spans=(Span("fault_type", 2, 4, "no_heat"),)),
    ex("暖气片漏水了", "report_repair", spans=(Span("fault_type", 3, 5, "leak"),)),
    ex("家里暖气冰凉", "report_repair", spans=(Span("fault_type", 4, 6, "no_heat"),)),
    ex("暖气不热了快来修", "report_repair", spans=(Span("fault_type", 2, 4, "no_heat"),)),
    ex("查一下暖气费", "query_fee"),
    ex("我家还欠多少暖气费", "query_fee"),
    ex("暖气费交了没有", "query_fee"),
    ex("查查欠费", "query_fee"),
    ex("什么时候开始供暖", "faq", "heating_season"),
    ex("供暖季几号开始", "faq", "heating_season"),
    ex("今年几号供暖", "faq", "heating_season"),
    ex("怎么开发票", "faq", "invoice"),
    ex("发票在哪开", "faq", "invoice"),
    ex("能开电子发票吗", "faq", "invoice"),
    ex(
        "阳光花园5号楼暖气不热",
        "report_repair",
        spans=(Span("address", 0, 7, "阳光花园5号楼"), Span("fault_type", 9, 11, "no_heat")),
    ),
    ex("住阳光花园", "inform", spans=(Span("address", 1, 5, "阳光花园"),)),
    ex("电话13812345678", "inform", spans=(Span("phone", 2, 13, "13812345678"),)),
    ex("凉", "report_repair", spans=(Span("fault_type", 0, 1, "no_heat"),)),
]


def test_tfidf_classifier_learns_a_tiny_set() -> None:
    classifier = TfidfClassifier().fit([e.text for e in TRAIN], [e.intent for e in TRAIN])
    assert classifier.predict_one("暖气片不热了")[0] == "report_repair"
    assert classifier.predict_one("暖气费欠多少")[0] == "query_fee"
    label, probability = classifier.predict_one("发票怎么开")
    assert label == "faq" and 0 < probability <= 1


def test_one_label_training_set_predicts_that_label() -> None:
    classifier = TfidfClassifier().fit(["a", "b"], ["only", "only"])
    assert classifier.predict_one("anything") == ("only", 1.0)


def test_unfitted_classifier_refuses() -> None:
    with pytest.raises(RuntimeError):
        TfidfClassifier().predict_one("x")


def test_dictionary_longest_match_wins() -> None:
    extractor = DictionaryEntityExtractor().fit(TRAIN)
    spans = extractor.extract("我家阳光花园5号楼暖气不热")
    assert [(s.entity, s.start, s.end, s.value) for s in spans] == [
        ("address", 2, 9, "阳光花园5号楼"),  # not the shorter 阳光花园
        ("fault_type", 11, 13, "no_heat"),  # the annotated value comes with the surface
    ]


def test_one_character_entries_are_left_out() -> None:
    extractor = DictionaryEntityExtractor().fit(TRAIN)
    assert extractor.extract("今天凉快") == []  # 凉 was annotated once, but alone it misfires


def test_regexes_named_like_an_entity_are_used_others_ignored() -> None:
    regexes = [("phone", PHONE_REGEX), ("community", "阳光")]
    extractor = DictionaryEntityExtractor().fit(TRAIN, regexes)
    spans = extractor.extract("我的电话是13999998888")
    assert [(s.entity, s.start, s.end, s.source) for s in spans] == [
        ("phone", 5, 16, "regex")  # never annotated with this number: found by the regex
    ]
    assert all(s.entity != "community" for s in extractor.extract("阳光小区"))


def test_baseline_predicts_intent_faq_key_entities_and_time() -> None:
    ticks = itertools.count(step=0.002)  # each clock read 2 ms later
    baseline = Baseline(clock=lambda: next(ticks)).fit(TRAIN, [("phone", PHONE_REGEX)])
    repair, faq = baseline.predict(["阳光花园5号楼暖气不热了", "电子发票怎么开"])
    assert repair.intent == "report_repair"
    assert {s.entity for s in repair.spans} == {"address", "fault_type"}
    assert faq.intent == "faq"
    assert faq.response_key("faq") == "invoice"
    assert repair.response_key("faq") is not None  # like ResponseSelector: for every message
    assert repair.latency_ms == pytest.approx(2.0)
    assert repair.text == "阳光花园5号楼暖气不热了"
