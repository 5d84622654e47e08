"""Targets and CI gate thresholds, and the check of a run's figures against them.

Two levels per figure:
* `target` — what the issue asks the NLU to reach;
* `gate` — what CI enforces (`python -m bot eval --gate`, tests/test_nlu_quality.py). Where the
  model meets the target, the gate IS the target; where it does not yet, the gate sits 2 points
  under the figure measured when the gate was set (docs/nlu-evaluation.md records the run), so
  any regression fails the build while the target stays visible in every report. Raise a gate
  when the model improves; never lower one to make a build pass.

"2 points" is 0.02 on every scale (2 percentage points of a ratio, 0.02 of an F1). The gates
below were set from the runs recorded in docs/nlu-evaluation.md and docs/nlu.md (826 held-out
messages of tests/nlu); see GATES for how run-to-run noise is allowed for.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["GATES", "TARGETS", "Check", "Threshold", "check", "thresholds"]

#: Entity types of the NLU contract; each has its own per-type F1 threshold.
CONTRACT_ENTITIES: tuple[str, ...] = (
    "account_no",
    "phone",
    "address",
    "fault_type",
    "time",
    "ticket_no",
    "temperature",
)


@dataclass(frozen=True)
class Threshold:
    """A bound on one figure: `minimum` (higher is better) or a maximum (lower is better)."""

    metric: str
    label: str
    target: float
    gate: float | None  # None: reported, never a CI gate (timings belong to benchmarks)
    minimum: bool = True
    unit: str = "ratio"  # "ratio" (shown as %), "f1", "ms" or "points"

    def passes(self, value: float, level: str) -> bool:
        """Whether `value` meets this threshold at `level` ("target" or "gate")."""
        bound = self.target if level == "target" else self.gate
        if bound is None:
            return True
        return value >= bound - 1e-12 if self.minimum else value <= bound + 1e-12


#: The issue's targets.
TARGETS: dict[str, float] = {
    "intent_accuracy": 0.96,
    "intent_macro_f1": 0.95,
    "faq_key_accuracy": 0.95,
    "entity_f1": 0.92,
    **{f"entity_f1/{t}": 0.90 for t in CONTRACT_ENTITIES},
    "out_of_scope_recall": 0.90,
    "false_fallback_rate": 0.03,
    "accuracy_over_baseline": 0.03,
    "latency_p50_ms": 15.0,
}

#: CI gates. CI trains its own model from a fresh clone. The pipeline since issue 3's second
#: round (bot/nlu/linear.py: a calibrated LinearSVC with a fixed seed and unshuffled calibration
#: folds; sklearn-crfsuite for entities) retrains identically; DIET, before it, did not (two
#: trainings of identical inputs differed by 9 points of out-of-scope recall). A gate is the
#: target where the model meets it, else 2 points under the measured figure (rounded down).
#: Set from model heating-46118fba8f4f4d07 (3,633 training messages, 826 test messages, 0
#: overlap; docs/nlu-evaluation.md): every target but `fault_type` is met, so those gates are
#: the targets. Every gate went up; none was lowered.
#: Parse latency is not gated: speed is measured by benchmarks, never asserted in tests.
GATES: dict[str, float | None] = {
    **TARGETS,
    "entity_f1/fault_type": 0.863,  # measured 0.883 (was 0.861)
    "latency_p50_ms": None,  # 2.0 ms here; a bench figure, not a gate
}

_LABELS: dict[str, tuple[str, bool, str]] = {
    "intent_accuracy": ("intent accuracy", True, "ratio"),
    "intent_macro_f1": ("intent macro-F1", True, "f1"),
    "faq_key_accuracy": ("FAQ key accuracy", True, "ratio"),
    "entity_f1": ("entity span F1 (all types)", True, "f1"),
    "out_of_scope_recall": ("out-of-scope recall", True, "ratio"),
    "false_fallback_rate": ("false-fallback rate", False, "ratio"),
    "accuracy_over_baseline": ("intent accuracy over baseline", True, "points"),
    "latency_p50_ms": ("parse latency p50", False, "ms"),
}


def thresholds(
    targets: Mapping[str, float] = TARGETS, gates: Mapping[str, float | None] = GATES
) -> list[Threshold]:
    """All thresholds, in report order."""
    result = []
    for metric, target in targets.items():
        if metric.startswith("entity_f1/"):
            label, minimum, unit = f"entity span F1 {metric.split('/', 1)[1]}", True, "f1"
        else:
            label, minimum, unit = _LABELS[metric]
        result.append(Threshold(metric, label, target, gates.get(metric, target), minimum, unit))
    return result


@dataclass(frozen=True)
class Check:
    """One threshold applied to one run: the value, and whether target and gate hold."""

    threshold: Threshold
    value: float | None
    meets_target: bool | None
    passes_gate: bool | None


def check(
    figures: Mapping[str, float | None], bounds: list[Threshold] | None = None
) -> list[Check]:
    """Apply every threshold to `figures`; a figure that was not measured gives `None` results.

    "Not measured" (e.g. no out_of_scope messages in another data set) is reported, not failed:
    the gate is about regressions of what the test set measures.
    """
    checks = []
    for threshold in bounds if bounds is not None else thresholds():
        value = figures.get(threshold.metric)
        if value is None:
            checks.append(Check(threshold, None, None, None))
        else:
            checks.append(
                Check(
                    threshold,
                    value,
                    threshold.passes(value, "target"),
                    threshold.passes(value, "gate"),
                )
            )
    return checks
