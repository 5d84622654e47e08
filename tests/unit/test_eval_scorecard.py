"""bot.evaluation.scorecard: one system's figures on a five-message set, computed by hand."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.evaluation.dataset import ALTERNATIVES_FILE, Example, Prediction, load_examples
from bot.evaluation.scorecard import gate_figures, score
from bot.evaluation.spans import Span

EXAMPLES = [
    Example("暖气漏水", "暖气漏水", "report_repair", spans=(Span("fault_type", 2, 4, "leak"),),
            tags=("short",)),
    Example("什么时候供暖", "什么时候供暖", "faq", "heating_season"),
    Example("发票怎么开", "发票怎么开", "faq", "invoice", tags=("short",)),
    Example("讲个故事", "讲个故事", "out_of_scope"),
    Example("电费怎么交", "电费怎么交", "out_of_scope"),
]  # fmt: skip
PREDICTIONS = [
    Prediction("report_repair", spans=(Span("fault_type", 2, 4, "漏水"),), latency_ms=10.0),
    Prediction("faq", response_keys={"faq": "heating_season"}, latency_ms=20.0),
    Prediction("query_fee", response_keys={"faq": "invoice"}, latency_ms=30.0),
    Prediction("nlu_fallback", latency_ms=40.0),
    Prediction("faq", response_keys={"faq": "payment_channels"}, latency_ms=50.0),
]


def test_scorecard_by_hand() -> None:
    card = score(EXAMPLES, PREDICTIONS, normalise_value=lambda v: {"漏水": "leak"}.get(v, v))
    assert card.n_messages == 5
    assert card.intent_accuracy == pytest.approx(2 / 5)
    # report_repair F1 1; faq P 1/2 R 1/2 F1 1/2; out_of_scope 0 → macro (1 + 0.5 + 0) / 3
    assert card.intent_macro_f1 == pytest.approx(0.5)
    # both FAQ keys right; only one also has intent faq
    assert (card.n_faq, card.faq_key_accuracy, card.faq_end_to_end_accuracy) == (2, 1.0, 0.5)
    assert card.entity_overall.f1 == 1.0
    assert card.gold_entity_types == ("fault_type",)
    assert card.value_scores is not None and card.value_scores.f1 == 1.0
    # out_of_scope: one fallback (counts), one faq (does not)
    assert (card.n_out_of_scope, card.out_of_scope_recall) == (2, 0.5)
    assert (card.n_in_scope, card.false_fallback_rate) == (3, 0.0)
    assert card.latency_p50_ms == pytest.approx(30.0)
    assert card.latency_p99_ms == pytest.approx(49.6)
    assert card.by_tag == {"short": (2, 0.5)}
    assert [(c.gold, c.predicted) for c in card.confusion] == [
        ("faq", "query_fee"),
        ("out_of_scope", "faq"),
        ("out_of_scope", "nlu_fallback"),
    ]


def test_text_mismatch_is_counted() -> None:
    card = score(EXAMPLES[:1], [Prediction("report_repair", text="something else")])
    assert card.text_mismatches == 1


def test_figures_absent_from_the_test_set_are_not_measured() -> None:
    only_greet = [Example("你好", "你好", "greet")]
    card = score(only_greet, [Prediction("greet")])
    assert card.faq_key_accuracy is None
    assert card.out_of_scope_recall is None
    assert card.value_scores is None
    assert card.latency_p50_ms is None
    figures = gate_figures(card, card)
    assert figures["entity_f1"] is None
    assert figures["accuracy_over_baseline"] == 0.0
    assert not any(k.startswith("entity_f1/") for k in figures)


def test_gate_figures_per_entity_type_and_margin_over_baseline() -> None:
    model = score(EXAMPLES, PREDICTIONS)
    baseline = score(EXAMPLES, [Prediction("report_repair")] * 5)
    figures = gate_figures(model, baseline)
    assert figures["accuracy_over_baseline"] == pytest.approx(2 / 5 - 1 / 5)
    assert figures["entity_f1/fault_type"] == 1.0


def test_example_and_prediction_counts_must_agree() -> None:
    with pytest.raises(ValueError):
        score(EXAMPLES, PREDICTIONS[:2])


def test_span_errors_reach_the_scorecard_and_its_json() -> None:
    # the fault predicted one character wide: a boundary error, not a miss and an invention
    wide = Prediction("report_repair", spans=(Span("fault_type", 1, 4, "气漏水"),))
    card = score(EXAMPLES[:1], [wide])
    expected = {"fault_type": {"boundary": 1, "wrong_type": 0, "missed": 0, "spurious": 0}}
    assert card.entity_errors == expected
    assert card.as_dict()["entity_errors"] == expected


def test_a_key_the_annotator_found_as_fitting_counts_and_no_other() -> None:
    examples = [
        Example("急修电话", "急修电话", "faq", "hotline", also_keys=("night_contact",)),
        Example("办报停带啥", "办报停带啥", "faq", "stop_heating_documents"),
    ]
    predictions = [
        Prediction("faq", response_keys={"faq": "night_contact"}),
        Prediction("faq", response_keys={"faq": "stop_heating_policy"}),
    ]
    card = score(examples, predictions)
    assert (card.faq_key_accuracy, card.faq_end_to_end_accuracy) == (0.5, 0.5)


def test_the_alternatives_file_beside_the_test_set_is_read(tmp_path: Path) -> None:
    (tmp_path / "test.yml").write_text(
        'version: "3.1"\nnlu:\n- intent: faq/hotline\n  examples: |\n    - 急修电话\n'
        "- intent: greet\n  examples: |\n    - 你好\n",
        encoding="utf-8",
    )
    (tmp_path / ALTERNATIVES_FILE).write_text(
        'version: "1"\nalternatives:\n  "急修电话": [night_contact]\n', encoding="utf-8"
    )
    by_text = {e.text: e for e in load_examples(tmp_path, None)}
    assert by_text["急修电话"].also_keys == ("night_contact",)
    assert by_text["你好"].also_keys == ()
