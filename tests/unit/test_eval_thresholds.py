"""bot.evaluation.thresholds: the gate is never stricter than the target, and checks are right."""

from __future__ import annotations

from bot.evaluation.thresholds import (
    CONTRACT_ENTITIES,
    GATES,
    TARGETS,
    Threshold,
    check,
    thresholds,
)


def test_targets_are_the_issue_s_numbers() -> None:
    assert TARGETS["intent_accuracy"] == 0.96
    assert TARGETS["intent_macro_f1"] == 0.95
    assert TARGETS["faq_key_accuracy"] == 0.95
    assert TARGETS["entity_f1"] == 0.92
    assert all(TARGETS[f"entity_f1/{t}"] == 0.90 for t in CONTRACT_ENTITIES)
    assert TARGETS["out_of_scope_recall"] == 0.90
    assert TARGETS["false_fallback_rate"] == 0.03
    assert TARGETS["accuracy_over_baseline"] == 0.03
    assert TARGETS["latency_p50_ms"] == 15.0


def test_every_gate_is_at_or_below_its_target() -> None:
    assert set(GATES) == set(TARGETS)
    for threshold in thresholds():
        if threshold.gate is None:  # reported only (timings)
            assert threshold.passes(1e9 if not threshold.minimum else -1e9, "gate")
        elif threshold.minimum:
            assert threshold.gate <= threshold.target, threshold.metric
        else:
            assert threshold.gate >= threshold.target, threshold.metric


def test_minimum_and_maximum_thresholds() -> None:
    accuracy = Threshold("intent_accuracy", "intent accuracy", target=0.96, gate=0.9)
    assert accuracy.passes(0.96, "target") and not accuracy.passes(0.959, "target")
    assert accuracy.passes(0.92, "gate")
    latency = Threshold("latency_p50_ms", "p50", 15.0, 20.0, minimum=False, unit="ms")
    assert latency.passes(15.0, "target") and not latency.passes(15.1, "target")
    assert latency.passes(19.0, "gate") and not latency.passes(21.0, "gate")


def test_check_reports_met_failed_and_not_measured() -> None:
    bounds = [
        Threshold("a", "a", target=0.9, gate=0.8),
        Threshold("b", "b", target=0.9, gate=0.8),
        Threshold("c", "c", target=0.9, gate=0.8),
    ]
    results = check({"a": 0.95, "b": 0.85, "c": None}, bounds)
    assert [(r.meets_target, r.passes_gate) for r in results] == [
        (True, True),
        (False, True),  # under the target, above the gate: reported, not failed
        (None, None),  # not measured: neither
    ]
