"""`python -m bot kb-eval FILE`: how often a resident's question reaches the right KB topic.

    python -m bot kb-eval tests/nlu/kb_paraphrases_dev.yml            # figures and every miss
    python -m bot kb-eval tests/nlu/kb_paraphrases_dev.yml --sweep    # thresholds, for calibrating
    python -m bot kb-eval FILE --min-top1 0.95                       # exit 1 below 95 % top-1
    python -m bot kb-eval FILE --model models/heating-<hash>.tar.gz  # a given model

The paraphrase sets are written by someone who saw only docs/kb-topics.md, so they measure
retrieval on questions worded unlike the training examples. Every message is parsed by the real
NLU pipeline (the model `ensure_model()` returns, or `--model`) and judged by
`bot.services.topics`, exactly as `action_answer_faq` judges it:

* **top-1** — the message reaches the knowledge base (intent `faq`, or a fallback whose best
  real intent is `faq`) and the top-ranked topic is the gold one: the headline figure;
* **answered right / wrong** — the bot answers outright (top topic at or above the calibrated
  confidence) with the gold topic / another one;
* **offered** — the bot is unsure and the gold topic is among the 2–3 buttons;
* **missed** — the message went to another intent (a repair, a fee query …) or nowhere.

Sets: Rasa NLU YAML (`- intent: faq/<key>` blocks), or YAML mapping each topic key to its
questions (at the top or under `topics:`/`paraphrases:`), or a list of `{text, topic}` items.
Questions that duplicate or nearly copy a training message (`bot.evaluation.overlap`, as the NLU
harness checks) are listed and left out of the figures, which are computed on the rest, as the
NLU harness scores its held-out messages; short questions (委托书怎么写) coincide by chance.

Exit codes: 0 done (and `--min-top1` holds); 1 below `--min-top1`; 2 bad input.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import json
import sys
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from bot.config import PROJECT_ROOT
from bot.policy.knowledge import Retrieval
from bot.services.topics import (
    choice_for_parse,
    choose_topic,
    reaches_knowledge_base,
    topic_ranking,
)

__all__ = ["Judged", "KbScore", "Question", "judge", "load_questions", "register", "score"]

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2
DEFAULT_TRAIN = PROJECT_ROOT / "data" / "nlu"
DEFAULT_OUT = PROJECT_ROOT / "results"
#: Answer thresholds `--sweep` tries.
SWEEP = (0.0, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6)


class SetError(ValueError):
    """The paraphrase file is missing or malformed."""


@dataclass(frozen=True)
class Question:
    """One paraphrase and the topic it asks about."""

    text: str
    topic: str


@dataclass(frozen=True)
class Judged:
    """What the bot made of one question."""

    question: Question
    intent: str
    reached: bool
    ranking: tuple[tuple[str, float], ...]
    answer: str | None
    offer: tuple[str, ...]
    overlaps_training: bool = False

    @property
    def top1(self) -> bool:
        """Reached the KB with the gold topic ranked first."""
        return self.reached and bool(self.ranking) and self.ranking[0][0] == self.question.topic


@dataclass
class KbScore:
    """The figures over one set."""

    total: int = 0
    top1: int = 0
    top3: int = 0
    answered_right: int = 0
    answered_wrong: int = 0
    offered: int = 0
    offered_without_gold: int = 0
    missed_intents: Counter[str] = field(default_factory=Counter)
    per_topic: dict[str, list[int]] = field(default_factory=dict)  # topic → [top-1, total]
    errors: list[Judged] = field(default_factory=list)

    def share(self, count: int) -> float:
        """`count` over all questions (0 for an empty set)."""
        return count / self.total if self.total else 0.0


def _from_mapping(data: Mapping[str, Any], where: str) -> list[Question]:
    questions: list[Question] = []
    for topic, texts in data.items():
        if not isinstance(texts, list) or not all(isinstance(t, str) for t in texts):
            raise SetError(f"{where}: topic {topic} must list its questions as texts")
        questions.extend(Question(t.strip(), str(topic)) for t in texts if t.strip())
    return questions


def _from_items(items: Sequence[Any], where: str) -> list[Question]:
    questions = []
    for index, item in enumerate(items):
        topic = item.get("topic") or item.get("key") if isinstance(item, dict) else None
        if not isinstance(item, dict) or not isinstance(item.get("text"), str) or not topic:
            raise SetError(f"{where}[{index}] needs `text` and `topic`")
        questions.append(Question(item["text"].strip(), str(topic)))
    return questions


def load_questions(path: Path) -> list[Question]:
    """The questions of a paraphrase file in any of the accepted layouts (module docstring)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise SetError(f"{path}: cannot be read: {exc}") from exc
    if isinstance(data, dict) and "nlu" in data:
        from bot.evaluation.dataset import load_examples

        return [
            Question(e.text, e.response_key)
            for e in load_examples(path, None)
            if e.intent == "faq" and e.response_key
        ]
    for name in ("topics", "paraphrases", "questions"):
        if isinstance(data, dict) and name in data:
            data = data[name]
            break
    if isinstance(data, dict):
        questions = _from_mapping(data, str(path))
    elif isinstance(data, list):
        questions = _from_items(data, str(path))
    else:
        raise SetError(f"{path}: expected topics with their questions")
    if not questions:
        raise SetError(f"{path}: no questions")
    return questions


def judge(question: Question, parse: Mapping[str, Any], retrieval: Retrieval) -> Judged:
    """One parse result judged as the bot would act on it (`bot.services.topics`)."""
    choice = choice_for_parse(parse, retrieval)
    return Judged(
        question=question,
        intent=str((parse.get("intent") or {}).get("name") or ""),
        reached=reaches_knowledge_base(parse),
        ranking=tuple(topic_ranking(parse)[:3]),
        answer=choice.answer,
        offer=choice.offer,
    )


def score(judged: Sequence[Judged]) -> KbScore:
    """Count the figures (pure)."""
    result = KbScore(total=len(judged))
    for item in judged:
        gold = item.question.topic
        tally = result.per_topic.setdefault(gold, [0, 0])
        tally[1] += 1
        if item.top1:
            result.top1 += 1
            tally[0] += 1
        else:
            result.errors.append(item)
        if item.reached and gold in [key for key, _ in item.ranking[:3]]:
            result.top3 += 1
        if not item.reached:
            result.missed_intents[item.intent] += 1
        elif item.answer is not None:
            if item.answer == gold:
                result.answered_right += 1
            else:
                result.answered_wrong += 1
        elif item.offer:
            result.offered += 1
            if gold not in item.offer:
                result.offered_without_gold += 1
    return result


@functools.lru_cache(maxsize=1)
def _agent(model: Path) -> Any:
    """The model loaded once per process: the CI gate scores seven sets and three lists of
    wordings on one model, and each load costs about 20 s here."""
    from bot.evaluation.model import load_agent

    return load_agent(model)


def parse_all(model: Path, texts: Sequence[str]) -> list[dict[str, Any]]:
    """Every text through the model's NLU pipeline, in-process (one model load per process)."""
    agent = _agent(model)

    async def run() -> list[dict[str, Any]]:
        return [dict(await agent.parse_message(text)) for text in texts]

    return asyncio.run(run())


@functools.lru_cache(maxsize=2)
def _training_texts(train: Path) -> tuple[str, ...]:
    """The training messages normalised once per process (several sets are checked in a row)."""
    from bot.evaluation.dataset import load_examples

    return tuple(e.normalised for e in load_examples(train, PROJECT_ROOT / "config.yml"))


def _overlaps(questions: Sequence[Question], train: Path) -> dict[int, str]:
    """Questions (by index) that duplicate or nearly copy a training message, compared as the
    NLU harness compares (both sides through the pipeline's TextNormalizer)."""
    from rasa.shared.nlu.training_data.message import Message
    from rasa.shared.nlu.training_data.training_data import TrainingData

    from bot.evaluation.dataset import normalise_training_data, normaliser_config
    from bot.evaluation.overlap import find_overlaps

    config = normaliser_config(PROJECT_ROOT / "config.yml")
    training = _training_texts(train)
    data = TrainingData([Message(data={"text": q.text}) for q in questions])
    tests = [str(m.get("text")) for m in normalise_training_data(data, config).training_examples]
    return {
        o.test_index: f"{o.test_text}  ⇐  {o.train_text}" for o in find_overlaps(training, tests)
    }


def _pct(value: float) -> str:
    return f"{value * 100:.1f} %"


def render(name: str, result: KbScore, retrieval: Retrieval) -> str:
    """The console report: figures, per-topic misses, every wrong message."""
    lines = [
        f"knowledge base retrieval — {name}: {result.total} questions scored "
        f"(not copying training data), {len(result.per_topic)} topics",
        f"  top-1 (reaches the KB, right topic first): {_pct(result.share(result.top1))}",
        f"  right topic in the top 3:                   {_pct(result.share(result.top3))}",
        f"  answered outright, right topic (≥ {retrieval.answer_confidence}):    "
        f"{_pct(result.share(result.answered_right))}",
        f"  answered outright, wrong topic:             "
        f"{_pct(result.share(result.answered_wrong))}",
        f"  offered buttons: {_pct(result.share(result.offered))} "
        f"(gold not among them: {result.offered_without_gold})",
        f"  did not reach the KB: {sum(result.missed_intents.values())} "
        f"{dict(result.missed_intents.most_common())}",
    ]
    weak = [
        f"{topic} {hits}/{total}"
        for topic, (hits, total) in sorted(result.per_topic.items())
        if hits < total
    ]
    if weak:
        lines.append("  topics with misses: " + ", ".join(weak))
    for item in result.errors:
        ranked = " ".join(f"{k}:{p:.2f}" for k, p in item.ranking)
        lines.append(f"  ✗ [{item.question.topic}] {item.question.text}  → {item.intent} {ranked}")
    return "\n".join(lines)


def sweep(judged: Sequence[Judged], retrieval: Retrieval) -> str:
    """Right / wrong / offered shares for each candidate answer threshold (for calibration)."""
    lines = ["  threshold  answered-right  answered-wrong  offered  offered-without-gold"]
    for threshold in SWEEP:
        trial = replace(retrieval, answer_confidence=threshold)
        rescored = score(
            [_rejudge(j, trial) if j.reached else j for j in judged if not j.overlaps_training]
        )
        lines.append(
            f"  {threshold:9.2f}  {_pct(rescored.share(rescored.answered_right)):>14}  "
            f"{_pct(rescored.share(rescored.answered_wrong)):>14}  "
            f"{_pct(rescored.share(rescored.offered)):>7}  {rescored.offered_without_gold:>5}"
        )
    return "\n".join(lines)


def _rejudge(item: Judged, retrieval: Retrieval) -> Judged:
    choice = choose_topic(item.ranking, retrieval)
    return replace(item, answer=choice.answer, offer=choice.offer)


def register(subparsers: argparse._SubParsersAction) -> None:
    """`kb-eval FILE [--model PATH] [--min-top1 X] [--sweep] [--out DIR]`."""
    parser = subparsers.add_parser(
        "kb-eval",
        help="top-1 accuracy of knowledge-base topics on a paraphrase set",
        description=__doc__.split("\n\n")[0] if __doc__ else None,
    )
    parser.add_argument("file", type=Path, help="paraphrase set (tests/nlu/kb_paraphrases_*.yml)")
    parser.add_argument("--model", type=Path, help="evaluate this model; nothing is trained")
    parser.add_argument("--min-top1", type=float, help="exit 1 below this top-1 share (0–1)")
    parser.add_argument("--sweep", action="store_true", help="also print a threshold sweep")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="folder for the JSON")
    parser.set_defaults(handler=_run)


@dataclass
class KbRun:
    """One scored set: the figures and the retrieval settings they were judged with."""

    name: str
    score: KbScore
    retrieval: Retrieval
    overlaps: list[str]
    judged: list[Judged]


def evaluate_set(path: Path, model: Path | None = None, train: Path = DEFAULT_TRAIN) -> KbRun:
    """Load, check overlap, parse with the project model (or `model`) and score one set."""
    from bot.policy.knowledge import load_knowledge

    questions = load_questions(path)
    overlaps = _overlaps(questions, train)
    if model is None:
        from bot.modelcache import ensure_model

        model = ensure_model()
    retrieval = load_knowledge().retrieval
    parses = parse_all(model, [q.text for q in questions])
    judged = [
        replace(judge(q, p, retrieval), overlaps_training=i in overlaps)
        for i, (q, p) in enumerate(zip(questions, parses, strict=True))
    ]
    held_out = [j for j in judged if not j.overlaps_training]
    return KbRun(path.stem, score(held_out), retrieval, list(overlaps.values()), judged)


def _write_json(run: KbRun, out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    target = out / f"kb-eval-{run.name}.json"
    s = run.score
    body = {
        "set": run.name,
        "questions": len(run.judged),
        "scored": s.total,
        "top1": s.share(s.top1),
        "top3": s.share(s.top3),
        "answered_right": s.share(s.answered_right),
        "answered_wrong": s.share(s.answered_wrong),
        "offered": s.share(s.offered),
        "offered_without_gold": s.offered_without_gold,
        "missed_intents": dict(s.missed_intents),
        "per_topic": s.per_topic,
        "retrieval": asdict(run.retrieval),
        "overlaps": run.overlaps,
        "errors": [
            {"text": j.question.text, "topic": j.question.topic, "intent": j.intent,
             "ranking": j.ranking}
            for j in s.errors
        ],
    }  # fmt: skip
    target.write_text(json.dumps(body, ensure_ascii=False, indent=2), encoding="utf-8")
    return target


def _run(args: argparse.Namespace) -> int:
    for path in (args.file, args.model):
        if path is not None and not path.exists():
            print(f"错误 (error): {path} does not exist", file=sys.stderr)
            return EXIT_BAD_INPUT
    try:
        run = evaluate_set(args.file, args.model)
    except SetError as exc:
        print(f"错误 (error): {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(render(run.name, run.score, run.retrieval))
    if args.sweep:
        print(sweep(run.judged, run.retrieval))
    if run.overlaps:
        print(
            f"{len(run.overlaps)} questions left out, they copy training data:",
            *run.overlaps,
            sep="\n  ",
        )
    print(f"wrote {_write_json(run, args.out)}")
    if args.min_top1 is not None and run.score.share(run.score.top1) < args.min_top1:
        print(f"top-1 below {args.min_top1:.2%}", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK
