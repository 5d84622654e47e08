"""K-fold cross-validation of the NLU pipeline on the training data, through `python -m bot eval`.

    .venv/bin/python scripts/nlu_folds.py                # 5 folds of data/nlu, config.yml
    .venv/bin/python scripts/nlu_folds.py --folds 3 --config other.yml --out var/folds-other

Why: pipeline choices (features, rules, thresholds) must be made on the training data, never on
the held-out set in tests/nlu, or its figures stop measuring anything. Each fold trains an
NLU-only model on the other folds' messages (synonyms, lookups and regexes go to every fold) and
scores the held-out fold with the same harness and figures as the real evaluation; this prints
the mean and spread over the folds and writes them to `<out>/folds.json`. Each fold's model is
kept in its folder and reused while the fold's data and the config are unchanged, so a change
that only acts at parse time (the entity rules) is compared without training again.

Folds are dealt round-robin within each intent (sorted by text), so every fold has every intent
and the split is the same on every run. Sorting puts near-copies next to each other, and
round-robin then deals them to different folds: the harness runs with `--allow-overlap`, and
the figures are optimistic. They are for comparing variants with each other on the same split,
not for quoting as results.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import subprocess
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
#: The pipeline's own components: a change there trains the fold models again.
NLU_CODE = ROOT / "bot" / "nlu"

#: Figures averaged over folds: (label, path into the harness JSON's "model" scorecard).
FIGURES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("intent accuracy", ("intent_accuracy",)),
    ("intent macro-F1", ("intent_macro_f1",)),
    ("FAQ key accuracy", ("faq_key_accuracy",)),
    ("entity F1", ("entity_overall", "f1")),
)


def _split(train: Path, folds: int, out: Path) -> list[tuple[Path, Path]]:
    """Write `folds` train/test pairs of Rasa YAML under `out`; returns their paths."""
    from rasa.shared.nlu.training_data.loading import load_data
    from rasa.shared.nlu.training_data.training_data import TrainingData

    data = load_data(str(train))
    by_intent: dict[str, list[Any]] = defaultdict(list)
    for message in data.intent_examples:
        by_intent[message.get("intent_response_key") or message.get("intent")].append(message)
    parts: list[list[Any]] = [[] for _ in range(folds)]
    offset = 0
    for intent in sorted(by_intent):
        for i, message in enumerate(sorted(by_intent[intent], key=lambda m: m.get("text"))):
            parts[(i + offset) % folds].append(message)
        offset += len(by_intent[intent])
    pairs = []
    for k in range(folds):
        fold_dir = out / f"fold{k}"
        (fold_dir / "train").mkdir(parents=True, exist_ok=True)
        (fold_dir / "test").mkdir(parents=True, exist_ok=True)
        rest = [m for j, part in enumerate(parts) if j != k for m in part]
        train_data = TrainingData(
            training_examples=rest,
            entity_synonyms=data.entity_synonyms,
            regex_features=data.regex_features,
            lookup_tables=data.lookup_tables,
        )
        (fold_dir / "train" / "nlu.yml").write_text(train_data.nlu_as_yaml(), encoding="utf-8")
        test_data = TrainingData(training_examples=parts[k])
        (fold_dir / "test" / "nlu.yml").write_text(test_data.nlu_as_yaml(), encoding="utf-8")
        pairs.append((fold_dir / "train", fold_dir / "test"))
    return pairs


def _fold_model(train: Path, config: Path) -> Path:
    """This fold's NLU model, trained unless one of the same data and config is there."""
    from bot.evaluation.model import train_nlu_model

    digest = hashlib.sha256()
    for path in (train / "nlu.yml", config):
        digest.update(path.read_bytes())
    for path in [*sorted((ROOT / "data" / "dict").glob("*")), *sorted(NLU_CODE.glob("*.py"))]:
        digest.update(path.read_bytes())
    models = train.parent / "models" / digest.hexdigest()[:16]
    model = models / "nlu.tar.gz"
    if not model.is_file():
        print(f"  training {models} …", flush=True)
        trained = train_nlu_model(train, config, models, cwd=ROOT)
        trained.rename(model)
    return model


def _dig(record: dict[str, Any], path: tuple[str, ...]) -> float | None:
    value: Any = record
    for key in path:
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    return float(value) if isinstance(value, (int, float)) else None


def _summary(scores: list[dict[str, Any]]) -> dict[str, tuple[float, float]]:
    """Mean and standard deviation of each figure (and each entity type's F1) over the folds."""
    series: dict[str, list[float]] = defaultdict(list)
    for card in scores:
        for label, path in FIGURES:
            value = _dig(card, path)
            if value is not None:
                series[label].append(value)
        for entity, prf in card.get("entity_per_type", {}).items():
            series[f"{entity} F1"].append(float(prf["f1"]))
    return {
        label: (statistics.fmean(values), statistics.pstdev(values))
        for label, values in series.items()
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--train", type=Path, default=ROOT / "data" / "nlu")
    parser.add_argument("--config", type=Path, default=ROOT / "config.yml")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--out", type=Path, default=ROOT / "var" / "folds")
    parser.add_argument(
        "--same-split",
        action="store_true",
        help="score the folds already in --out again (data changed since, rules compared alone)",
    )
    args = parser.parse_args(argv)
    if args.same_split:
        pairs = [(args.out / f"fold{k}" / "train", args.out / f"fold{k}" / "test")
                 for k in range(args.folds)]  # fmt: skip
    else:
        pairs = _split(args.train, args.folds, args.out)
    scores = []
    for k, (train, test) in enumerate(pairs):
        out = train.parent / "results"
        model = _fold_model(train, args.config)
        command = [
            sys.executable, "-m", "bot", "eval", "--allow-overlap", "--warmup", "0",
            "--train", str(train), "--test", str(test), "--config", str(args.config),
            "--model", str(model), "--out", str(out),
        ]  # fmt: skip
        print(f"fold {k + 1}/{args.folds}: scoring {model.name} …", flush=True)
        subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        result = json.loads((out / "nlu-eval.json").read_text(encoding="utf-8"))
        scores.append(result["model"])
    summary = _summary(scores)
    for label, (mean, std) in sorted(summary.items()):
        print(f"{label:28} {mean:.3f} ({std:.3f})")
    (args.out / "folds.json").write_text(
        json.dumps({"config": str(args.config), "folds": args.folds, "summary": summary}, indent=2),
        encoding="utf-8",
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
