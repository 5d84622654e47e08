"""`python -m bot eval`: score the NLU model and the baseline on a held-out test set.

    python -m bot eval                                  # project model (ensure_model), tests/nlu
    python -m bot eval --gate                           # also fail below the CI gate thresholds
    python -m bot eval --model models/x.tar.gz          # a given model: nothing is trained
    python -m bot eval --train other/nlu --test other/test   # trains an NLU-only model first

Steps: load and normalise both sets → check train/test overlap → train the TF-IDF baseline →
get the model (given, cached, or trained) → parse every test message in-process, timed →
score model and baseline on the held-out messages (and on all, if some overlap) → print, write
JSON + Markdown → exit code.

Exit codes (the CLI's convention): 0 done; 1 test messages overlap the training data (unless
`--allow-overlap`) or, with `--gate`, a threshold does not hold; 2 bad input (missing files).
Overlap fails the run but everything is still measured and reported, so the list of offending
messages and the held-out figures are there to act on.
"""

from __future__ import annotations

import argparse
import shlex
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.config import PROJECT_ROOT

# Only types at import time: `python -m bot` imports every registrar to build its parser, and
# Rasa's data classes plus scikit-learn would add ~0.7 s to every other command.
if TYPE_CHECKING:
    from bot.evaluation.dataset import Example, Prediction
    from bot.evaluation.report import EvaluationResult
    from bot.evaluation.scorecard import Scorecard

__all__ = ["Options", "evaluate", "exit_code", "main", "register", "resolve_model"]

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2
DEFAULT_TRAIN = PROJECT_ROOT / "data" / "nlu"
DEFAULT_TEST = PROJECT_ROOT / "tests" / "nlu"
DEFAULT_CONFIG = PROJECT_ROOT / "config.yml"
DEFAULT_OUT = PROJECT_ROOT / "results"


@dataclass
class Options:
    """What to evaluate and where to write; the defaults are the project's own sets."""

    train: Path = DEFAULT_TRAIN
    test: Path = DEFAULT_TEST
    config: Path = DEFAULT_CONFIG
    domain: Path | None = None
    model: Path | None = None
    out: Path = DEFAULT_OUT
    gate: str | None = None  # None, "ci" or "target"
    allow_overlap: bool = False
    warmup: int = 10
    command: str = ""


def _is_project_data(options: Options) -> bool:
    return (
        options.train.resolve() == DEFAULT_TRAIN.resolve()
        and options.config.resolve() == DEFAULT_CONFIG.resolve()
    )


def resolve_model(
    options: Options,
    workdir: Path,
    ensure: Callable[[], Path] | None = None,
    trainer: Callable[..., Path] | None = None,
) -> Path:
    """The model to evaluate: `--model`, else the project's cached model, else a fresh NLU model.

    The project's training data with the project's config is exactly what `ensure_model()`
    trains on (plus stories), and it reuses the cached model when nothing changed, so that is
    used instead of training a second, NLU-only copy. Any other train set or config gets an
    NLU-only model trained into `workdir` (minutes of CPU on this machine).
    """
    if options.model is not None:
        return options.model
    if trainer is None:
        from bot.evaluation.model import train_nlu_model

        trainer = train_nlu_model
    if _is_project_data(options):
        if ensure is None:
            from bot.modelcache import ensure_model

            return ensure_model()
        return ensure()
    return trainer(options.train, options.config, workdir, domain=options.domain, cwd=PROJECT_ROOT)


def _load_set(path: Path, config: dict[str, Any] | None) -> tuple[list[Example], Any]:
    from bot.evaluation.dataset import (
        examples_from,
        load_training_data,
        normalise_training_data,
        with_alternatives,
    )

    raw = load_training_data(path)
    normalised = normalise_training_data(load_training_data(path), config)
    return with_alternatives(examples_from(raw, normalised), path), raw


def _fault_value(value: str) -> str:
    from bot.nlu.faults import fault_type_of

    return fault_type_of(value) or value


def _error_records(
    examples: Sequence[Example], predictions: Sequence[Prediction], overlapping: set[int]
) -> list[dict[str, Any]]:
    """Every test message the model got something wrong on (intent, FAQ key or entities)."""
    records = []
    for i, (example, prediction) in enumerate(zip(examples, predictions, strict=True)):
        predicted_key = prediction.response_key(example.intent)
        key_wrong = example.response_key is not None and predicted_key != example.response_key
        gold = {s.key for s in example.spans}
        found = {s.key for s in prediction.spans}
        if example.intent == prediction.intent and not key_wrong and gold == found:
            continue
        text = example.normalised
        records.append(
            {
                "text": example.text,
                "normalised": text,
                "gold_intent": example.intent,
                "predicted_intent": prediction.intent,
                "confidence": round(prediction.confidence, 4),
                "gold_key": example.response_key,
                "predicted_key": predicted_key if example.response_key else None,
                "missing_entities": [
                    {"entity": e, "text": text[s:t]} for e, s, t in sorted(gold - found)
                ],
                "spurious_entities": [
                    {"entity": e, "text": (prediction.text or text)[s:t]}
                    for e, s, t in sorted(found - gold)
                ],
                "tags": list(example.tags),
                "overlaps_training": i in overlapping,
            }
        )
    return records


def _subset(items: Sequence[Any], keep: Sequence[int]) -> list[Any]:
    return [items[i] for i in keep]


def evaluate(
    options: Options,
    load: Callable[[Path], Any] | None = None,
    ensure: Callable[[], Path] | None = None,
    trainer: Callable[..., Path] | None = None,
    log: Callable[[str], None] = lambda line: print(line, file=sys.stderr, flush=True),
) -> EvaluationResult:
    """Run the whole evaluation (see the module docstring) and return what it measured.

    `load`, `ensure` and `trainer` default to loading the Rasa agent, `ensure_model()` and
    `train_nlu_model`; tests pass stand-ins.
    """
    from bot.evaluation import model as rasa_model
    from bot.evaluation.baseline import Baseline
    from bot.evaluation.dataset import normaliser_config
    from bot.evaluation.overlap import find_overlaps
    from bot.evaluation.report import EvaluationResult
    from bot.evaluation.scorecard import gate_figures, score
    from bot.evaluation.thresholds import check

    load = load or rasa_model.load_agent
    normaliser = normaliser_config(options.config)
    train, train_raw = _load_set(options.train, normaliser)
    test, _ = _load_set(options.test, normaliser)
    log(f"train {len(train)} messages ({options.train}), test {len(test)} ({options.test})")
    started = time.monotonic()
    overlaps = find_overlaps([e.normalised for e in train], [e.normalised for e in test])
    log(f"overlap check: {len(overlaps)} overlapping ({time.monotonic() - started:.1f} s)")

    regexes = [(str(r["name"]), str(r["pattern"])) for r in train_raw.regex_features]
    baseline_predictions = Baseline().fit(train, regexes).predict([e.normalised for e in test])

    with tempfile.TemporaryDirectory(prefix="nlu-eval-") as workdir:
        model_path = resolve_model(options, Path(workdir), ensure, trainer)
        log(f"loading {model_path} …")
        started = time.monotonic()
        agent = load(model_path)
        load_seconds = time.monotonic() - started
        log(f"loaded in {load_seconds:.0f} s; parsing {len(test)} messages …")
        model_predictions = rasa_model.parse_texts(
            agent, [e.text for e in test], warmup=options.warmup
        )

    overlapping = {o.test_index for o in overlaps}
    held_out = [i for i in range(len(test)) if i not in overlapping]

    def scored(predictions: Sequence[Prediction], keep: Sequence[int] | None) -> Scorecard:
        examples = test if keep is None else _subset(test, keep)
        chosen = predictions if keep is None else _subset(predictions, keep)
        return score(examples, chosen, normalise_value=_fault_value)

    model = scored(model_predictions, held_out if overlaps else None)
    baseline = scored(baseline_predictions, held_out if overlaps else None)
    # Latency is a property of the parses, not of which messages are scored: take it from all.
    every = scored(model_predictions, None)
    model.latency_p50_ms, model.latency_p99_ms = every.latency_p50_ms, every.latency_p99_ms
    model.latency_mean_ms = every.latency_mean_ms
    return EvaluationResult(
        model_path=str(model_path),
        train_path=str(options.train),
        test_path=str(options.test),
        config_path=str(options.config),
        n_train=len(train),
        n_test=len(test),
        overlaps=overlaps,
        model=model,
        baseline=baseline,
        checks=check(gate_figures(model, baseline)),
        gate_level=options.gate,
        model_all=every if overlaps else None,
        baseline_all=scored(baseline_predictions, None) if overlaps else None,
        model_load_seconds=load_seconds,
        errors=_error_records(test, model_predictions, overlapping),
        created=datetime.now(timezone.utc).isoformat(timespec="seconds"),
    )


def exit_code(result: EvaluationResult, allow_overlap: bool = False) -> int:
    """1 when test messages overlap training (unless allowed) or a `--gate` threshold fails."""
    if result.overlaps and not allow_overlap:
        return EXIT_FAILED
    return EXIT_FAILED if result.gate_failures else EXIT_OK


# ---- command line --------------------------------------------------------------------------------


def register(subparsers: argparse._SubParsersAction) -> None:
    """`eval [--train DIR] [--test DIR] [--model PATH] [--out DIR] [--gate [ci|target]]`."""
    parser = subparsers.add_parser(
        "eval",
        help="score the NLU model and a TF-IDF baseline on the held-out test set",
        description=__doc__.split("\n\n")[0] if __doc__ else None,
    )
    parser.add_argument("--train", type=Path, default=DEFAULT_TRAIN, help="training NLU data")
    parser.add_argument("--test", type=Path, default=DEFAULT_TEST, help="held-out NLU data")
    parser.add_argument("--config", type=Path, default=DEFAULT_CONFIG, help="pipeline config")
    parser.add_argument("--domain", type=Path, help="domain for `rasa train nlu` (optional)")
    parser.add_argument("--model", type=Path, help="evaluate this model; nothing is trained")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="folder for the reports")
    parser.add_argument(
        "--gate",
        nargs="?",
        const="ci",
        choices=("ci", "target"),
        help="exit 1 below the CI gate (default) or below the targets",
    )
    parser.add_argument(
        "--allow-overlap",
        action="store_true",
        help="report train/test overlap without failing (for sets known to share messages)",
    )
    parser.add_argument("--warmup", type=int, default=10, help="untimed parses before timing")
    parser.set_defaults(handler=_run)


def _command_line() -> str:
    """This run as `python -m bot eval …`, for the Markdown report's "reproduce with" line."""
    argv = sys.argv[1:]
    if argv[:1] == ["eval"]:
        argv = argv[1:]
    return " ".join(["python -m bot eval", *(shlex.quote(a) for a in argv)])


def _run(args: argparse.Namespace) -> int:
    for path in (args.train, args.test, args.config, args.model, args.domain):
        if path is not None and not path.exists():
            print(f"错误 (error): {path} does not exist", file=sys.stderr)
            return EXIT_BAD_INPUT
    options = Options(
        train=args.train,
        test=args.test,
        config=args.config,
        domain=args.domain,
        model=args.model,
        out=args.out,
        gate=args.gate,
        allow_overlap=args.allow_overlap,
        warmup=args.warmup,
        command=_command_line(),
    )
    from bot.evaluation.report import render_text, write_reports

    result = evaluate(options)
    print(render_text(result))
    for path in write_reports(result, options.out, options.command):
        print(f"wrote {path}")
    return exit_code(result, options.allow_overlap)


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m bot.evaluation.harness …`: the `eval` command without the rest of the CLI."""
    parser = argparse.ArgumentParser(prog="python -m bot.evaluation.harness")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["eval", *(sys.argv[1:] if argv is None else argv)])
    handler: Callable[[argparse.Namespace], int] = args.handler
    return handler(args)


if __name__ == "__main__":
    raise SystemExit(main())
