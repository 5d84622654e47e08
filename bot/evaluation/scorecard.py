"""All figures for one system on one list of gold examples, from the pure metric functions.

The same function scores the Rasa model and the baseline, on the same examples, so the two
columns of the report differ only in the predictions that went in.

Definitions (docs/nlu-evaluation.md has the reasoning):
* intent accuracy / macro-F1: exact intent name, retrieval intents as one (`faq`); a fallback
  prediction is simply wrong here (it is never a gold label);
* FAQ key accuracy: among gold messages of a retrieval intent, the key the response selector
  chose equals the gold key, or a key an independent annotator found answers it as well
  (`Example.also_keys`), whatever the intent prediction; the stricter end-to-end figure also
  requires the intent to be right;
* entity span P/R/F1: exact (type, start, end) on the normalised text, micro-averaged, and per
  type; the value score compares normalised values of one type (fault_type) per message;
* out-of-scope recall: gold out_of_scope predicted out_of_scope or nlu_fallback;
  false-fallback rate: in-scope messages predicted nlu_fallback;
* latency: percentiles of the per-message times the predictions carry.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.evaluation.dataset import Example, Prediction
from bot.evaluation.metrics import (
    FALLBACK_INTENT,
    OUT_OF_SCOPE_INTENT,
    PRF,
    ConfusionPair,
    accuracy,
    confusion_pairs,
    false_fallback_rate,
    macro_f1,
    out_of_scope_recall,
    per_label_scores,
    percentile,
    rate,
)
from bot.evaluation.spans import span_errors, span_scores, value_scores

__all__ = ["Scorecard", "gate_figures", "score"]

#: The entity whose values (not only spans) the report scores.
VALUE_ENTITY = "fault_type"


@dataclass
class Scorecard:
    """The figures of one system; `None` where the test set has nothing to measure it on."""

    n_messages: int
    intent_accuracy: float
    intent_macro_f1: float
    per_intent: dict[str, PRF]
    confusion: list[ConfusionPair]
    n_faq: int
    faq_key_accuracy: float | None
    faq_end_to_end_accuracy: float | None
    entity_overall: PRF
    entity_per_type: dict[str, PRF]
    entity_min_type_f1: float | None
    gold_entity_types: tuple[str, ...]
    value_entity: str
    value_scores: PRF | None
    n_out_of_scope: int
    out_of_scope_recall: float | None
    n_in_scope: int
    false_fallback_rate: float
    in_scope_as_out_of_scope_rate: float
    latency_p50_ms: float | None
    latency_p99_ms: float | None
    latency_mean_ms: float | None
    by_tag: dict[str, tuple[int, float]] = field(default_factory=dict)
    text_mismatches: int = 0
    #: Per entity type, how its unmatched spans are wrong (`bot.evaluation.spans.span_errors`).
    entity_errors: dict[str, dict[str, int]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly form (PRF objects and pairs become dicts)."""
        return {
            "n_messages": self.n_messages,
            "intent_accuracy": self.intent_accuracy,
            "intent_macro_f1": self.intent_macro_f1,
            "per_intent": {k: v.as_dict() for k, v in self.per_intent.items()},
            "confusion_pairs": [
                {
                    "gold": c.gold,
                    "predicted": c.predicted,
                    "count": c.count,
                    "examples": list(c.examples),
                }
                for c in self.confusion
            ],
            "n_faq": self.n_faq,
            "faq_key_accuracy": self.faq_key_accuracy,
            "faq_end_to_end_accuracy": self.faq_end_to_end_accuracy,
            "entity_overall": self.entity_overall.as_dict(),
            "entity_per_type": {k: v.as_dict() for k, v in self.entity_per_type.items()},
            "entity_min_type_f1": self.entity_min_type_f1,
            "gold_entity_types": list(self.gold_entity_types),
            "value_entity": self.value_entity,
            "value_scores": self.value_scores.as_dict() if self.value_scores else None,
            "n_out_of_scope": self.n_out_of_scope,
            "out_of_scope_recall": self.out_of_scope_recall,
            "n_in_scope": self.n_in_scope,
            "false_fallback_rate": self.false_fallback_rate,
            "in_scope_as_out_of_scope_rate": self.in_scope_as_out_of_scope_rate,
            "latency_p50_ms": self.latency_p50_ms,
            "latency_p99_ms": self.latency_p99_ms,
            "latency_mean_ms": self.latency_mean_ms,
            "by_tag": {k: {"n": n, "intent_accuracy": a} for k, (n, a) in self.by_tag.items()},
            "text_mismatches": self.text_mismatches,
            "entity_errors": self.entity_errors,
        }


def _faq_scores(
    examples: Sequence[Example], predictions: Sequence[Prediction]
) -> tuple[int, float | None, float | None]:
    key_hits = end_to_end_hits = total = 0
    for example, prediction in zip(examples, predictions, strict=True):
        if example.response_key is None:
            continue
        total += 1
        chosen = prediction.response_key(example.intent)
        if chosen == example.response_key or chosen in example.also_keys:
            key_hits += 1
            end_to_end_hits += prediction.intent == example.intent
    if not total:
        return 0, None, None
    return total, rate(key_hits, total), rate(end_to_end_hits, total)


def _by_tag(
    examples: Sequence[Example], gold: Sequence[str], predicted: Sequence[str]
) -> dict[str, tuple[int, float]]:
    positions: defaultdict[str, list[int]] = defaultdict(list)
    for i, example in enumerate(examples):
        for tag in example.tags:
            positions[tag].append(i)
    return {
        tag: (len(ix), accuracy([gold[i] for i in ix], [predicted[i] for i in ix]))
        for tag, ix in sorted(positions.items())
    }


def score(
    examples: Sequence[Example],
    predictions: Sequence[Prediction],
    normalise_value: Callable[[str], str] = lambda value: value,
    out_of_scope: str = OUT_OF_SCOPE_INTENT,
    fallback: str = FALLBACK_INTENT,
) -> Scorecard:
    """Every figure of the report for `predictions` (aligned with `examples`)."""
    if len(examples) != len(predictions):
        raise ValueError(f"{len(examples)} examples vs {len(predictions)} predictions")
    gold = [e.intent for e in examples]
    predicted = [p.intent for p in predictions]
    n_faq, faq_key, faq_end_to_end = _faq_scores(examples, predictions)
    gold_spans = [e.spans for e in examples]
    predicted_spans = [p.spans for p in predictions]
    overall, per_type = span_scores(gold_spans, predicted_spans)
    gold_types = {s.entity for spans in gold_spans for s in spans}
    has_value_entity = VALUE_ENTITY in gold_types
    n_oos = gold.count(out_of_scope)
    in_scope = [p for g, p in zip(gold, predicted, strict=True) if g != out_of_scope]
    latencies = [p.latency_ms for p in predictions if p.latency_ms is not None]
    return Scorecard(
        n_messages=len(examples),
        intent_accuracy=accuracy(gold, predicted),
        intent_macro_f1=macro_f1(gold, predicted),
        per_intent=per_label_scores(gold, predicted),
        confusion=confusion_pairs(gold, predicted, [e.text for e in examples]),
        n_faq=n_faq,
        faq_key_accuracy=faq_key,
        faq_end_to_end_accuracy=faq_end_to_end,
        entity_overall=overall,
        entity_per_type=per_type,
        entity_min_type_f1=min((per_type[t].f1 for t in gold_types), default=None),
        gold_entity_types=tuple(sorted(gold_types)),
        value_entity=VALUE_ENTITY,
        value_scores=(
            value_scores(gold_spans, predicted_spans, VALUE_ENTITY, normalise_value)
            if has_value_entity
            else None
        ),
        n_out_of_scope=n_oos,
        out_of_scope_recall=(
            out_of_scope_recall(gold, predicted, out_of_scope, fallback) if n_oos else None
        ),
        n_in_scope=len(in_scope),
        false_fallback_rate=false_fallback_rate(gold, predicted, out_of_scope, fallback),
        in_scope_as_out_of_scope_rate=rate(in_scope.count(out_of_scope), len(in_scope)),
        latency_p50_ms=percentile(latencies, 50) if latencies else None,
        latency_p99_ms=percentile(latencies, 99) if latencies else None,
        latency_mean_ms=sum(latencies) / len(latencies) if latencies else None,
        by_tag=_by_tag(examples, gold, predicted),
        text_mismatches=sum(
            bool(p.text) and p.text != e.normalised
            for e, p in zip(examples, predictions, strict=True)
        ),
        entity_errors=span_errors(gold_spans, predicted_spans),
    )


def gate_figures(model: Scorecard, baseline: Scorecard) -> dict[str, float | None]:
    """The flat figures the thresholds are checked on (`bot.evaluation.thresholds`).

    Per-type entity F1 is listed for every type with gold spans; a type the test set does not
    annotate is absent (not measured), not 0.
    """
    figures: dict[str, float | None] = {
        "intent_accuracy": model.intent_accuracy,
        "intent_macro_f1": model.intent_macro_f1,
        "faq_key_accuracy": model.faq_key_accuracy,
        "entity_f1": model.entity_overall.f1 if model.gold_entity_types else None,
        "out_of_scope_recall": model.out_of_scope_recall,
        "false_fallback_rate": model.false_fallback_rate,
        "accuracy_over_baseline": model.intent_accuracy - baseline.intent_accuracy,
        "latency_p50_ms": model.latency_p50_ms,
    }
    for entity in model.gold_entity_types:
        figures[f"entity_f1/{entity}"] = model.entity_per_type[entity].f1
    return figures
