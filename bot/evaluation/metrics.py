"""Classification and latency metrics, as pure functions over plain labels and numbers.

They are written out here rather than taken from `sklearn.metrics` for two reasons: the harness
needs conventions sklearn does not offer in one call (a prediction may be `nlu_fallback`, which is
never a gold label but still counts against the gold label's recall; macro-F1 is averaged over
the *gold* intents only, so a model is not rewarded or punished for labels the test set does not
contain), and every figure in the report must be reproducible by hand from the unit tests.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

__all__ = [
    "PRF",
    "ConfusionPair",
    "accuracy",
    "confusion_pairs",
    "false_fallback_rate",
    "macro_f1",
    "out_of_scope_recall",
    "per_label_scores",
    "percentile",
    "prf",
    "rate",
]

#: The intent Rasa's FallbackClassifier (and the project's InputGuard) predicts for "not sure".
FALLBACK_INTENT = "nlu_fallback"
#: The contract's intent for anything outside heating service.
OUT_OF_SCOPE_INTENT = "out_of_scope"


@dataclass(frozen=True)
class PRF:
    """Precision, recall and F1 with the counts they come from (so reports can show support)."""

    precision: float
    recall: float
    f1: float
    tp: int
    fp: int
    fn: int

    @property
    def support(self) -> int:
        """Number of gold items (true positives + false negatives)."""
        return self.tp + self.fn

    def as_dict(self) -> dict[str, float | int]:
        """JSON-friendly form."""
        return {
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "support": self.support,
        }


def prf(tp: int, fp: int, fn: int) -> PRF:
    """Precision/recall/F1 from counts; an empty denominator gives 0.0 (nothing to be right about).

    0.0 rather than NaN or 1.0 keeps the gate strict: a type the model never predicts has
    precision 0, not "undefined", so it cannot pass a threshold by predicting nothing.
    """
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return PRF(precision, recall, f1, tp, fp, fn)


def rate(hits: int, total: int) -> float:
    """`hits / total`, 0.0 for an empty total."""
    return hits / total if total else 0.0


def accuracy(gold: Sequence[str], predicted: Sequence[str]) -> float:
    """Fraction of positions where the prediction equals the gold label."""
    _check_lengths(gold, predicted)
    return rate(sum(g == p for g, p in zip(gold, predicted, strict=True)), len(gold))


def per_label_scores(
    gold: Sequence[str], predicted: Sequence[str], labels: Iterable[str] | None = None
) -> dict[str, PRF]:
    """Precision, recall and F1 for each label (default: every gold label), sorted by name.

    A prediction of a label outside `labels` (e.g. `nlu_fallback`) is a false negative of the
    gold label and a false positive of nobody listed.
    """
    _check_lengths(gold, predicted)
    wanted = sorted(set(gold) if labels is None else set(labels))
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    for g, p in zip(gold, predicted, strict=True):
        if g == p:
            tp[g] += 1
        else:
            fn[g] += 1
            fp[p] += 1
    return {label: prf(tp[label], fp[label], fn[label]) for label in wanted}


def macro_f1(gold: Sequence[str], predicted: Sequence[str]) -> float:
    """Unweighted mean of the per-label F1 over the gold labels.

    Every intent counts the same however rare it is in the test set, which is why the issue asks
    for it next to accuracy: a model that sacrifices `bot_challenge` (16 messages) for
    `report_repair` (88) loses little accuracy but a lot of macro-F1.
    """
    scores = per_label_scores(gold, predicted)
    return sum(s.f1 for s in scores.values()) / len(scores) if scores else 0.0


@dataclass(frozen=True)
class ConfusionPair:
    """How often gold `gold` was predicted as `predicted`, with a few of the messages."""

    gold: str
    predicted: str
    count: int
    examples: tuple[str, ...]


def confusion_pairs(
    gold: Sequence[str],
    predicted: Sequence[str],
    texts: Sequence[str] | None = None,
    max_examples: int = 3,
) -> list[ConfusionPair]:
    """Every (gold, predicted) pair with gold ≠ predicted, most frequent first.

    Ties are broken by the label names so the order is stable between runs (the reports are
    diffed). `texts` (aligned with `gold`) supplies up to `max_examples` messages per pair.
    """
    _check_lengths(gold, predicted)
    if texts is not None:
        _check_lengths(gold, texts)
    counts: Counter[tuple[str, str]] = Counter()
    examples: dict[tuple[str, str], list[str]] = {}
    for i, (g, p) in enumerate(zip(gold, predicted, strict=True)):
        if g == p:
            continue
        counts[(g, p)] += 1
        if texts is not None and len(examples.setdefault((g, p), [])) < max_examples:
            examples[(g, p)].append(texts[i])
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [ConfusionPair(g, p, n, tuple(examples.get((g, p), ()))) for (g, p), n in ordered]


def out_of_scope_recall(
    gold: Sequence[str],
    predicted: Sequence[str],
    out_of_scope: str = OUT_OF_SCOPE_INTENT,
    fallback: str = FALLBACK_INTENT,
) -> float:
    """Share of gold out-of-scope messages predicted as out-of-scope *or* as the fallback.

    Both answers route the user correctly: the out-of-scope response says what the assistant
    does not handle, and the fallback asks the user to rephrase; neither starts a heating flow.
    """
    _check_lengths(gold, predicted)
    oos = [p for g, p in zip(gold, predicted, strict=True) if g == out_of_scope]
    return rate(sum(p in (out_of_scope, fallback) for p in oos), len(oos))


def false_fallback_rate(
    gold: Sequence[str],
    predicted: Sequence[str],
    out_of_scope: str = OUT_OF_SCOPE_INTENT,
    fallback: str = FALLBACK_INTENT,
) -> float:
    """Share of in-scope messages (gold ≠ out-of-scope) that the model sent to the fallback."""
    _check_lengths(gold, predicted)
    in_scope = [p for g, p in zip(gold, predicted, strict=True) if g != out_of_scope]
    return rate(sum(p == fallback for p in in_scope), len(in_scope))


def percentile(values: Sequence[float], q: float) -> float:
    """The `q`-th percentile (0–100) with linear interpolation between closest ranks.

    The same definition as `numpy.percentile(..., method="linear")`: rank `(n - 1) * q / 100`,
    interpolated between the two neighbouring sorted values.
    """
    if not values:
        raise ValueError("percentile of no values")
    if not 0 <= q <= 100:
        raise ValueError(f"percentile {q} is outside 0–100")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low = math.floor(rank)
    high = math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def _check_lengths(first: Sequence[object], second: Sequence[object]) -> None:
    if len(first) != len(second):
        raise ValueError(f"sequences differ in length: {len(first)} vs {len(second)}")
