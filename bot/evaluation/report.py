"""Rendering one evaluation run: the console table, results/nlu-eval.json and results/nlu-eval.md.

Every figure is printed beside the baseline's and the target, so a number never stands alone;
the JSON holds everything (including each misclassified message) for tools and for diffing
runs, the Markdown is for people reading a CI artefact or pasting into a review.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.evaluation.overlap import Overlap
from bot.evaluation.scorecard import Scorecard, gate_figures
from bot.evaluation.spans import ERROR_KINDS
from bot.evaluation.thresholds import Check

__all__ = ["EvaluationResult", "format_value", "render_markdown", "render_text", "write_reports"]

JSON_NAME = "nlu-eval.json"
MARKDOWN_NAME = "nlu-eval.md"
#: Confusion pairs shown on the console / in the Markdown (the JSON has them all).
CONSOLE_PAIRS = 10
MARKDOWN_PAIRS = 25
#: Example messages are cut to this many characters on the console (long ones run to 300).
CONSOLE_EXAMPLE_CHARS = 40


@dataclass
class EvaluationResult:
    """Everything one run measured; `model`/`baseline` are on the held-out (non-overlapping) part.

    `model_all`/`baseline_all` score every test message, overlapping ones included, and are set
    only when there was overlap (otherwise they would repeat `model`/`baseline`).
    """

    model_path: str
    train_path: str
    test_path: str
    config_path: str
    n_train: int
    n_test: int
    overlaps: list[Overlap]
    model: Scorecard
    baseline: Scorecard
    checks: list[Check]
    gate_level: str | None = None
    model_all: Scorecard | None = None
    baseline_all: Scorecard | None = None
    model_load_seconds: float | None = None
    errors: list[dict[str, Any]] = field(default_factory=list)
    created: str = ""

    @property
    def gate_failures(self) -> list[Check]:
        """Checks whose gate (or target, with `--gate target`) does not hold."""
        if self.gate_level is None:
            return []
        key = "meets_target" if self.gate_level == "target" else "passes_gate"
        return [c for c in self.checks if getattr(c, key) is False]


def format_value(value: float | None, unit: str) -> str:
    """A figure as people read it: ratios as %, F1 with 3 decimals, ms, points with a sign."""
    if value is None:
        return "n/a"
    if unit == "ratio":
        return f"{value * 100:.1f} %"
    if unit == "points":
        return f"{value * 100:+.1f} pts"
    if unit == "ms":
        return f"{value:.1f} ms"
    return f"{value:.3f}"


def _bound(check: Check, level: str) -> str:
    threshold = check.threshold
    value = threshold.target if level == "target" else threshold.gate
    if value is None:
        return "—"
    return ("≥ " if threshold.minimum else "≤ ") + format_value(value, threshold.unit)


def _mark(flag: bool | None, yes: str, no: str) -> str:
    return "n/a" if flag is None else (yes if flag else no)


def summary_rows(result: EvaluationResult) -> list[list[str]]:
    """Header + one row per threshold: metric, model, baseline, target, gate, target?, gate?."""
    baseline = gate_figures(result.baseline, result.baseline)
    rows = [["metric", "model", "baseline", "target", "CI gate", "target", "gate"]]
    for c in result.checks:
        t = c.threshold
        base = (
            "—"
            if t.metric == "accuracy_over_baseline"
            else format_value(baseline.get(t.metric), t.unit)
        )
        rows.append(
            [
                t.label,
                format_value(c.value, t.unit),
                base,
                _bound(c, "target"),
                _bound(c, "gate"),
                _mark(c.meets_target, "met", "NOT MET"),
                _mark(c.passes_gate, "pass", "FAIL"),
            ]
        )
    extra: list[tuple[str, float | None, float | None, str]] = [
        ("intent accuracy, all test messages", *_all_accuracy(result), "ratio"),
        ("FAQ key + intent (end to end)", result.model.faq_end_to_end_accuracy,
         result.baseline.faq_end_to_end_accuracy, "ratio"),
        (f"{result.model.value_entity} value F1",
         result.model.value_scores.f1 if result.model.value_scores else None,
         result.baseline.value_scores.f1 if result.baseline.value_scores else None, "f1"),
        ("in-scope → out_of_scope rate", result.model.in_scope_as_out_of_scope_rate,
         result.baseline.in_scope_as_out_of_scope_rate, "ratio"),
        ("latency p99", result.model.latency_p99_ms, result.baseline.latency_p99_ms, "ms"),
    ]  # fmt: skip
    for label, model_value, baseline_value, unit in extra:
        rows.append(
            [label, format_value(model_value, unit), format_value(baseline_value, unit), *[""] * 4]
        )
    return rows


def _all_accuracy(result: EvaluationResult) -> tuple[float | None, float | None]:
    model = result.model_all or result.model
    baseline = result.baseline_all or result.baseline
    return model.intent_accuracy, baseline.intent_accuracy


def _text_table(rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _markdown_table(rows: Sequence[Sequence[str]]) -> str:
    def line(cells: Sequence[str]) -> str:
        return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"

    return "\n".join([line(rows[0]), line(["---"] * len(rows[0])), *map(line, rows[1:])])


def _headline(result: EvaluationResult) -> list[str]:
    scored = result.model.n_messages
    lines = [
        f"model: {result.model_path}",
        f"train: {result.train_path} ({result.n_train} messages)   "
        f"test: {result.test_path} ({result.n_test} messages)",
        f"overlap with training: {len(result.overlaps)} test messages "
        f"({sum(o.kind == 'exact' for o in result.overlaps)} exact, "
        f"{sum(o.kind == 'near' for o in result.overlaps)} near copies)",
        f"scored: {scored} held-out test messages"
        + (" (overlapping ones excluded)" if result.overlaps else ""),
    ]
    if result.model.text_mismatches:
        lines.append(
            f"WARNING: for {result.model.text_mismatches} messages the model's normalised text "
            "differs from the gold normalisation (--config is not the model's pipeline?)"
        )
    return lines


def _verdict(result: EvaluationResult) -> list[str]:
    missed = [c.threshold.label for c in result.checks if c.meets_target is False]
    lines = ["targets not yet met: " + (", ".join(missed) if missed else "none")]
    if result.overlaps:
        lines.append(f"FAILED: {len(result.overlaps)} test messages overlap the training data")
    if result.gate_level is not None:
        failures = result.gate_failures
        level = "targets" if result.gate_level == "target" else "CI gate"
        lines.append(
            f"{level}: " + ("passed" if not failures else "FAILED on "
                            + ", ".join(c.threshold.label for c in failures))
        )  # fmt: skip
    return lines


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def render_text(result: EvaluationResult) -> str:
    """The console report: headline, summary table, overlaps, worst confusion pairs, verdict."""
    parts = ["\n".join(_headline(result)), "", _text_table(summary_rows(result))]
    if result.overlaps:
        parts += ["", "Overlapping test messages (test ⇐ training):"]
        parts += [
            f"  [{o.kind}] {o.test_text}  ⇐  {o.train_text}"
            + ("" if o.kind == "exact" else f"  (J={o.jaccard:.2f}, ed={o.edit_distance:.2f})")
            for o in result.overlaps
        ]
    pairs = result.model.confusion[:CONSOLE_PAIRS]
    if pairs:
        parts += ["", "Most frequent intent confusions (gold → predicted):"]
        parts += [
            f"  {c.count:3d}  {c.gold} → {c.predicted}   e.g. "
            + " / ".join(_clip(e, CONSOLE_EXAMPLE_CHARS) for e in c.examples)
            for c in pairs
        ]
    parts += ["", *_verdict(result)]
    return "\n".join(parts)


def _prf_rows(
    model: dict[str, Any], baseline: dict[str, Any], names: Sequence[str], first: str
) -> list[list[str]]:
    rows = [[first, "support", "precision", "recall", "F1", "baseline F1"]]
    for name in names:
        m, b = model.get(name), baseline.get(name)
        if m is None:
            continue
        rows.append(
            [
                name,
                str(m.support),
                f"{m.precision:.3f}",
                f"{m.recall:.3f}",
                f"{m.f1:.3f}",
                f"{b.f1:.3f}" if b is not None else "n/a",
            ]
        )
    return rows


def render_markdown(result: EvaluationResult, command: str = "") -> str:
    """The Markdown report (results/nlu-eval.md)."""
    model, baseline = result.model, result.baseline
    out = ["# NLU evaluation", ""]
    if result.created:
        out.append(f"Run {result.created}" + (f" with `{command}`" if command else "") + ".")
        out.append("")
    out += [f"- {line}" for line in _headline(result)] + [""]
    out += ["## Summary", "", _markdown_table(summary_rows(result)), ""]
    out += [f"- {line}" for line in _verdict(result)] + [""]
    if result.overlaps:
        out += ["## Overlap with training data", ""]
        rows = [["test message", "training message", "kind", "Jaccard", "edit distance"]]
        rows += [
            [o.test_text, o.train_text, o.kind, f"{o.jaccard:.2f}", f"{o.edit_distance:.2f}"]
            for o in result.overlaps
        ]
        out += [_markdown_table(rows), ""]
    out += ["## Intents (model)", ""]
    out += [
        _markdown_table(
            _prf_rows(model.per_intent, baseline.per_intent, sorted(model.per_intent), "intent")
        ),
        "",
    ]
    out += ["## Confusion pairs (gold → predicted)", ""]
    rows = [["count", "gold", "predicted", "examples"]]
    rows += [
        [str(c.count), c.gold, c.predicted, " / ".join(c.examples)]
        for c in model.confusion[:MARKDOWN_PAIRS]
    ]
    out += [_markdown_table(rows), ""]
    out += ["## Entities (exact span match on the normalised text)", ""]
    types = sorted(model.entity_per_type)
    entity_rows = _prf_rows(model.entity_per_type, baseline.entity_per_type, types, "entity")
    o, bo = model.entity_overall, baseline.entity_overall
    entity_rows.append(
        ["**all (micro)**", str(o.support), f"{o.precision:.3f}", f"{o.recall:.3f}",
         f"{o.f1:.3f}", f"{bo.f1:.3f}"]
    )  # fmt: skip
    out += [_markdown_table(entity_rows), ""]
    if model.entity_errors:
        out += ["Span errors of the model by kind (`boundary`: overlaps a gold span of its type "
                "with other offsets; `wrong_type`: same offsets, another type; `missed` / "
                "`spurious`: no unmatched span of its type overlaps):", ""]  # fmt: skip
        error_rows = [["entity", *ERROR_KINDS]]
        error_rows += [
            [entity, *(str(kinds[kind]) for kind in ERROR_KINDS)]
            for entity, kinds in model.entity_errors.items()
        ]
        out += [_markdown_table(error_rows), ""]
    if model.value_scores is not None:
        v, bv = model.value_scores, baseline.value_scores
        out += [
            f"`{model.value_entity}` values (normalised, offsets ignored): precision "
            f"{v.precision:.3f}, recall {v.recall:.3f}, F1 {v.f1:.3f} (baseline F1 "
            f"{format_value(bv.f1 if bv else None, 'f1')}).",
            "",
        ]
    out += ["## FAQ keys", ""]
    key, base_key = model.faq_key_accuracy, baseline.faq_key_accuracy
    end_to_end = model.faq_end_to_end_accuracy
    out += [
        f"{model.n_faq} gold FAQ messages. Key accuracy {format_value(key, 'ratio')} "
        f"(baseline {format_value(base_key, 'ratio')}); with the intent also `faq`: "
        f"{format_value(end_to_end, 'ratio')}.",
        "",
    ]
    if model.by_tag:
        out += ["## Hard-case categories (intent accuracy)", ""]
        rows = [["tag", "messages", "model", "baseline"]]
        rows += [
            [tag, str(n), format_value(acc, "ratio"),
             format_value(baseline.by_tag.get(tag, (0, None))[1], "ratio")]
            for tag, (n, acc) in model.by_tag.items()
        ]  # fmt: skip
        out += [_markdown_table(rows), ""]
    if result.model_all is not None and result.baseline_all is not None:
        ma, ba = result.model_all, result.baseline_all
        out += ["## All test messages, overlapping ones included (not gated)", ""]
        rows = [["metric", "model", "baseline"]]
        rows += [
            ["messages", str(ma.n_messages), str(ba.n_messages)],
            ["intent accuracy", format_value(ma.intent_accuracy, "ratio"),
             format_value(ba.intent_accuracy, "ratio")],
            ["intent macro-F1", format_value(ma.intent_macro_f1, "f1"),
             format_value(ba.intent_macro_f1, "f1")],
            ["FAQ key accuracy", format_value(ma.faq_key_accuracy, "ratio"),
             format_value(ba.faq_key_accuracy, "ratio")],
            ["entity span F1", format_value(ma.entity_overall.f1, "f1"),
             format_value(ba.entity_overall.f1, "f1")],
            ["out-of-scope recall", format_value(ma.out_of_scope_recall, "ratio"),
             format_value(ba.out_of_scope_recall, "ratio")],
            ["false-fallback rate", format_value(ma.false_fallback_rate, "ratio"),
             format_value(ba.false_fallback_rate, "ratio")],
        ]  # fmt: skip
        out += [_markdown_table(rows), ""]
    return "\n".join(out)


def _overlap_dict(o: Overlap) -> dict[str, Any]:
    return {
        "test_text": o.test_text,
        "train_text": o.train_text,
        "kind": o.kind,
        "jaccard": o.jaccard,
        "edit_distance": o.edit_distance,
    }


def to_json(result: EvaluationResult) -> dict[str, Any]:
    """Everything in the run as plain JSON data."""
    return {
        "created": result.created,
        "model_path": result.model_path,
        "train_path": result.train_path,
        "test_path": result.test_path,
        "config_path": result.config_path,
        "n_train": result.n_train,
        "n_test": result.n_test,
        "model_load_seconds": result.model_load_seconds,
        "overlaps": [_overlap_dict(o) for o in result.overlaps],
        "scored_messages": result.model.n_messages,
        "model": result.model.as_dict(),
        "baseline": result.baseline.as_dict(),
        "model_all_messages": result.model_all.as_dict() if result.model_all else None,
        "baseline_all_messages": result.baseline_all.as_dict() if result.baseline_all else None,
        "checks": [
            {
                "metric": c.threshold.metric,
                "label": c.threshold.label,
                "value": c.value,
                "target": c.threshold.target,
                "gate": c.threshold.gate,
                "minimum": c.threshold.minimum,
                "meets_target": c.meets_target,
                "passes_gate": c.passes_gate,
            }
            for c in result.checks
        ],
        "gate_level": result.gate_level,
        "gate_failures": [c.threshold.metric for c in result.gate_failures],
        "errors": result.errors,
    }


def write_reports(result: EvaluationResult, out_dir: Path, command: str = "") -> list[Path]:
    """Write the JSON and Markdown reports into `out_dir`; returns their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    json_path, markdown_path = out_dir / JSON_NAME, out_dir / MARKDOWN_NAME
    json_path.write_text(
        json.dumps(to_json(result), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    markdown_path.write_text(render_markdown(result, command) + "\n", encoding="utf-8")
    return [json_path, markdown_path]
