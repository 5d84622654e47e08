"""CI gate for NLU quality: the project model on the held-out test set (tests/nlu).

Runs the evaluation harness once per session (one model load, ~60 s; ~15 s to parse the 811
messages) on the model `bot.modelcache.ensure_model()` returns — the cached one when its inputs
are unchanged — or on the file named by `HEATING_MODEL`, like the e2e stack. The reports go to
results/ (git-ignored) so CI can keep them as artefacts.

Two separate assertions, so a failure says which problem it is:
* no test message may duplicate or nearly copy a training message (else the figures measure
  memory, not generalisation);
* every figure must hold its CI gate (`bot.evaluation.thresholds.GATES`, a little under or at
  the targets), so a regression of the model or the data fails the build.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.evaluation.harness import DEFAULT_OUT, Options, evaluate
from bot.evaluation.report import EvaluationResult, format_value, render_text

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def evaluation() -> EvaluationResult:
    """One harness run on the project model and tests/nlu, reports written to results/."""
    from bot.evaluation.report import write_reports

    model = Path(os.environ["HEATING_MODEL"]) if os.environ.get("HEATING_MODEL") else None
    result = evaluate(Options(model=model, gate="ci"))
    write_reports(result, DEFAULT_OUT, "pytest tests/test_nlu_quality.py")
    print(render_text(result))
    return result


def test_no_test_message_overlaps_the_training_data(evaluation: EvaluationResult) -> None:
    listing = "\n".join(
        f"  [{o.kind}] {o.test_text}  ⇐  {o.train_text}" for o in evaluation.overlaps
    )
    assert not evaluation.overlaps, (
        f"{len(evaluation.overlaps)} test messages duplicate or nearly copy training data "
        f"(remove or rewrite them in data/nlu; do not edit tests/nlu):\n{listing}"
    )


def test_nlu_figures_hold_the_ci_gate(evaluation: EvaluationResult) -> None:
    failures = [
        f"  {c.threshold.label}: {format_value(c.value, c.threshold.unit)} "
        f"(gate {format_value(c.threshold.gate, c.threshold.unit)}, "
        f"target {format_value(c.threshold.target, c.threshold.unit)})"
        for c in evaluation.gate_failures
    ]
    assert not failures, "NLU quality below the CI gate:\n" + "\n".join(failures)


def test_the_model_parses_the_text_the_gold_spans_refer_to(evaluation: EvaluationResult) -> None:
    # If this fails, entity figures compare offsets in two different texts: the harness
    # normalised the gold data differently from the model's pipeline.
    assert evaluation.model.text_mismatches == 0
