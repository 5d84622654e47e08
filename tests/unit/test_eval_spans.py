"""bot.evaluation.spans: exact span matching, per-type scores, values, DIET/regex de-duplication."""

from __future__ import annotations

import random

import pytest

from bot.evaluation.spans import Span, dedupe_spans, span_errors, span_scores, value_scores

# message 1: phone right; address predicted one room short (0 credit: FP + FN)
# message 2: fault right; a time predicted where there is none (FP)
GOLD = [
    [Span("phone", 0, 11), Span("address", 12, 20)],
    [Span("fault_type", 2, 4, "leak")],
]
PREDICTED = [
    [Span("phone", 0, 11), Span("address", 12, 18)],
    [Span("fault_type", 2, 4, "leak"), Span("time", 5, 7)],
]


def test_micro_scores_by_hand() -> None:
    overall, _ = span_scores(GOLD, PREDICTED)
    assert (overall.tp, overall.fp, overall.fn) == (2, 2, 1)
    assert overall.precision == pytest.approx(0.5)
    assert overall.recall == pytest.approx(2 / 3)
    assert overall.f1 == pytest.approx(4 / 7)


def test_per_type_scores_by_hand() -> None:
    _, per_type = span_scores(GOLD, PREDICTED)
    assert sorted(per_type) == ["address", "fault_type", "phone", "time"]
    assert per_type["phone"].f1 == 1.0
    assert per_type["fault_type"].f1 == 1.0
    assert (per_type["address"].tp, per_type["address"].fp, per_type["address"].fn) == (0, 1, 1)
    assert per_type["address"].f1 == 0.0
    assert (per_type["time"].fp, per_type["time"].support, per_type["time"].f1) == (1, 0, 0.0)


def test_same_offsets_but_wrong_type_is_not_a_match() -> None:
    overall, per_type = span_scores([[Span("address", 0, 4)]], [[Span("phone", 0, 4)]])
    assert overall.tp == 0
    assert per_type["address"].fn == 1 and per_type["phone"].fp == 1


def test_a_duplicated_prediction_is_one_hit_and_one_false_positive() -> None:
    overall, _ = span_scores([[Span("phone", 0, 11)]], [[Span("phone", 0, 11)] * 2])
    assert (overall.tp, overall.fp, overall.fn) == (1, 1, 0)


def test_spans_are_compared_within_their_own_message() -> None:
    overall, _ = span_scores([[Span("time", 0, 4)], []], [[], [Span("time", 0, 4)]])
    assert (overall.tp, overall.fp, overall.fn) == (0, 1, 1)


def test_value_scores_ignore_offsets_and_normalise_values() -> None:
    gold = [[Span("fault_type", 2, 4, "leak")], [Span("fault_type", 0, 2, "no_heat")]]
    predicted = [
        [Span("fault_type", 2, 5, "漏水了")],  # span a character long, value maps to leak
        [Span("fault_type", 0, 2, "noise")],  # right span, wrong value
    ]
    words = {"漏水了": "leak"}
    scores = value_scores(gold, predicted, "fault_type", lambda v: words.get(v, v))
    assert (scores.tp, scores.fp, scores.fn) == (1, 1, 1)
    assert scores.f1 == pytest.approx(0.5)
    strict, _ = span_scores(gold, predicted)
    assert strict.tp == 1  # only the second message's offsets match


def test_dedupe_keeps_the_regex_span_when_diet_and_regex_overlap() -> None:
    diet = Span("account_no", 2, 11, "010234567", "DIETClassifier")
    regex = Span("account_no", 2, 12, "0102345678", "RegexEntityExtractor")
    assert dedupe_spans([diet, regex]) == [regex]


def test_dedupe_without_regex_keeps_the_longer_span() -> None:
    short = Span("address", 0, 4, source="DIETClassifier")
    long = Span("address", 0, 9, source="DIETClassifier")
    assert dedupe_spans([short, long]) == [long]


def test_dedupe_keeps_different_types_and_disjoint_spans() -> None:
    spans = [
        Span("phone", 3, 14, source="RegexEntityExtractor"),
        Span("account_no", 3, 14, source="DIETClassifier"),  # other type: both stay
        Span("phone", 20, 31, source="DIETClassifier"),  # same type, no overlap: stays
        Span("phone", 3, 14, source="DIETClassifier"),  # exact duplicate: goes
    ]
    kept = dedupe_spans(spans)
    assert [(s.entity, s.start, s.source) for s in kept] == [
        ("account_no", 3, "DIETClassifier"),
        ("phone", 3, "RegexEntityExtractor"),
        ("phone", 20, "DIETClassifier"),
    ]


def test_length_mismatch_is_an_error() -> None:
    with pytest.raises(ValueError):
        span_scores([[]], [])


def test_span_errors_by_hand() -> None:
    # address one room short: a boundary error, not a miss plus an invention;
    # the time with no gold span near it: spurious.
    errors = span_errors(GOLD, PREDICTED)
    assert errors == {
        "address": {"boundary": 1, "wrong_type": 0, "missed": 0, "spurious": 0},
        "time": {"boundary": 0, "wrong_type": 0, "missed": 0, "spurious": 1},
    }


def test_span_errors_tell_a_miss_from_a_wrong_type() -> None:
    gold = [[Span("fault_type", 0, 2, "leak"), Span("address", 5, 9), Span("phone", 10, 21)]]
    predicted = [[Span("time", 5, 9), Span("fault_type", 3, 4)]]
    errors = span_errors(gold, predicted)
    assert errors["fault_type"] == {"boundary": 0, "wrong_type": 0, "missed": 1, "spurious": 1}
    assert errors["address"] == {"boundary": 0, "wrong_type": 1, "missed": 0, "spurious": 0}
    assert errors["phone"]["missed"] == 1
    # the retyped prediction is counted once, at its gold type, not also as spurious
    assert "time" not in errors


def test_span_errors_count_each_unmatched_duplicate() -> None:
    gold = [[Span("fault_type", 0, 2)]]
    predicted = [[Span("fault_type", 0, 2), Span("fault_type", 0, 2)]]
    # one prediction matches; its duplicate overlaps no unmatched gold span
    assert span_errors(gold, predicted) == {
        "fault_type": {"boundary": 0, "wrong_type": 0, "missed": 0, "spurious": 1}
    }
    with pytest.raises(ValueError):
        span_errors(gold, [])


def test_span_errors_account_for_every_false_negative() -> None:
    # random messages of overlapping, duplicated and retyped spans: every unmatched gold span is
    # exactly one of boundary / wrong_type / missed
    rng = random.Random(7)
    types = ("address", "fault_type", "time")

    def spans() -> list[Span]:
        made = []
        for _ in range(rng.randint(0, 4)):
            start = rng.randint(0, 8)
            made.append(Span(rng.choice(types), start, start + rng.randint(1, 4)))
        return made

    gold = [spans() for _ in range(400)]
    predicted = [spans() for _ in range(400)]
    _, per_type = span_scores(gold, predicted)
    errors = span_errors(gold, predicted)
    for entity, scores in per_type.items():
        kinds = errors.get(entity, dict.fromkeys(("boundary", "wrong_type", "missed"), 0))
        assert kinds["boundary"] + kinds["wrong_type"] + kinds["missed"] == scores.fn
        assert errors.get(entity, {}).get("spurious", 0) <= scores.fp
