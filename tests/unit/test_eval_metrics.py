"""bot.evaluation.metrics: every figure checked against a hand computation (and sklearn/numpy)."""

from __future__ import annotations

import random

import numpy as np
import pytest
from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support

from bot.evaluation.metrics import (
    accuracy,
    confusion_pairs,
    false_fallback_rate,
    macro_f1,
    out_of_scope_recall,
    per_label_scores,
    percentile,
    prf,
)

# a: tp 1, fn 1 (one a → b)          P 1.0   R 0.5  F1 2/3
# b: tp 2, fp 1 (the a → b)          P 2/3   R 1.0  F1 0.8
# c: fn 1 (c → nlu_fallback)         P 0     R 0    F1 0
GOLD = ["a", "a", "b", "b", "c"]
PREDICTED = ["a", "b", "b", "b", "nlu_fallback"]


def test_prf_from_counts() -> None:
    scores = prf(tp=2, fp=2, fn=1)
    assert scores.precision == pytest.approx(0.5)
    assert scores.recall == pytest.approx(2 / 3)
    assert scores.f1 == pytest.approx(4 / 7)
    assert scores.support == 3


def test_prf_with_nothing_predicted_or_nothing_gold_is_zero_not_nan() -> None:
    assert prf(0, 0, 3).f1 == 0.0
    assert prf(0, 2, 0).precision == 0.0
    assert prf(0, 0, 0).f1 == 0.0


def test_accuracy() -> None:
    assert accuracy(GOLD, PREDICTED) == pytest.approx(3 / 5)
    assert accuracy([], []) == 0.0


def test_per_label_scores_by_hand() -> None:
    scores = per_label_scores(GOLD, PREDICTED)
    assert list(scores) == ["a", "b", "c"]  # gold labels only: nlu_fallback is not a class
    assert (scores["a"].precision, scores["a"].recall) == (1.0, 0.5)
    assert scores["a"].f1 == pytest.approx(2 / 3)
    assert scores["b"].precision == pytest.approx(2 / 3)
    assert scores["b"].f1 == pytest.approx(0.8)
    assert (scores["c"].tp, scores["c"].fp, scores["c"].fn, scores["c"].f1) == (0, 0, 1, 0.0)


def test_macro_f1_by_hand() -> None:
    assert macro_f1(GOLD, PREDICTED) == pytest.approx((2 / 3 + 0.8 + 0.0) / 3)


def test_macro_f1_and_per_label_agree_with_sklearn_on_random_labels() -> None:
    rng = random.Random(7)
    labels = ["greet", "faq", "report_repair", "query_fee", "out_of_scope"]
    gold = [rng.choice(labels) for _ in range(300)]
    predicted = [g if rng.random() < 0.7 else rng.choice([*labels, "nlu_fallback"]) for g in gold]
    wanted = sorted(set(gold))
    assert macro_f1(gold, predicted) == pytest.approx(
        f1_score(gold, predicted, labels=wanted, average="macro", zero_division=0)
    )
    assert accuracy(gold, predicted) == pytest.approx(accuracy_score(gold, predicted))
    p, r, f, _ = precision_recall_fscore_support(gold, predicted, labels=wanted, zero_division=0)
    ours = per_label_scores(gold, predicted)
    for i, label in enumerate(wanted):
        assert (ours[label].precision, ours[label].recall, ours[label].f1) == pytest.approx(
            (p[i], r[i], f[i])
        )


def test_length_mismatch_is_an_error_not_a_silent_truncation() -> None:
    with pytest.raises(ValueError):
        accuracy(["a", "b"], ["a"])


def test_confusion_pairs_most_frequent_first_with_examples() -> None:
    gold = ["faq", "faq", "faq", "greet", "faq", "deny"]
    predicted = ["query_fee", "query_fee", "faq", "thank", "out_of_scope", "thank"]
    texts = ["t0", "t1", "t2", "t3", "t4", "t5"]
    pairs = confusion_pairs(gold, predicted, texts, max_examples=1)
    assert [(c.gold, c.predicted, c.count) for c in pairs] == [
        ("faq", "query_fee", 2),
        ("deny", "thank", 1),  # ties: by label names
        ("faq", "out_of_scope", 1),
        ("greet", "thank", 1),
    ]
    assert pairs[0].examples == ("t0",)
    assert confusion_pairs(["a"], ["a"]) == []


def test_out_of_scope_recall_counts_the_fallback_as_a_correct_route() -> None:
    gold = ["out_of_scope", "out_of_scope", "out_of_scope", "greet"]
    predicted = ["out_of_scope", "nlu_fallback", "greet", "nlu_fallback"]
    assert out_of_scope_recall(gold, predicted) == pytest.approx(2 / 3)
    assert out_of_scope_recall(["greet"], ["greet"]) == 0.0  # nothing to recall


def test_false_fallback_rate_is_over_in_scope_messages_only() -> None:
    gold = ["greet", "faq", "out_of_scope", "deny"]
    predicted = ["nlu_fallback", "faq", "nlu_fallback", "out_of_scope"]
    # in scope: greet, faq, deny; only greet fell back (deny → out_of_scope is not a fallback)
    assert false_fallback_rate(gold, predicted) == pytest.approx(1 / 3)


def test_percentile_by_hand() -> None:
    values = [40.0, 10.0, 30.0, 20.0]
    assert percentile(values, 50) == pytest.approx(25.0)  # rank 1.5 → between 20 and 30
    assert percentile(values, 99) == pytest.approx(39.7)  # rank 2.97 → 30 + 0.97 × 10
    assert percentile(values, 0) == 10.0
    assert percentile(values, 100) == 40.0
    assert percentile([7.0], 99) == 7.0


def test_percentile_matches_numpy() -> None:
    rng = random.Random(3)
    values = [rng.lognormvariate(2.5, 0.4) for _ in range(811)]
    for q in (50, 90, 99):
        assert percentile(values, q) == pytest.approx(float(np.percentile(values, q)))


def test_percentile_rejects_nonsense() -> None:
    with pytest.raises(ValueError):
        percentile([], 50)
    with pytest.raises(ValueError):
        percentile([1.0], 101)
