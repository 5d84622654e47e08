"""`python -m bot emergency-eval FILE`: recall and false-alarm rate of the emergency detector.

    python -m bot emergency-eval tests/nlu/emergency_cases.yml
    python -m bot emergency-eval cases.yml --show 50 --min-recall 1.0 --max-false-alarm 0.05
    python -m bot.evaluation.emergency cases.yml            # the same, without the CLI's imports

The safety net is measured apart from the NLU figures because its cost is lopsided: a missed
emergency is a flooded flat or worse, a false alarm is an urgent ticket someone closes. So the
two numbers are printed side by side, never blended into one score:

* recall — emergency cases the detector marks (any kind), overall and per annotated kind;
* false-alarm rate — non-emergency cases it marks, over all non-emergency cases;
* kind agreement — marked emergency cases whose kind is the annotated one (the kind decides what
  the resident is told first: 120, leave the flat, or the valves).

The file: `{cases: [{text: …, emergency: true|false, kind: water|gas|person|null}]}` (`kind` may be
left out for non-emergencies). The detector is `bot.nlu.emergency.detect_emergency`, exactly what
the NLU pipeline runs (`bot.nlu.safety_net.EmergencyMarker`), so no model is loaded and a few
hundred cases take well under a second.

Exit codes: 0 done (and the limits given hold); 1 a limit missed; 2 bad input.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.nlu.emergency import KINDS, detect_emergency

EXIT_OK, EXIT_MISSED, EXIT_BAD_INPUT = 0, 1, 2


class CaseError(ValueError):
    """The cases file is missing or malformed; the message names the case."""


@dataclass(frozen=True)
class Case:
    """One annotated message."""

    text: str
    emergency: bool
    kind: str | None = None


@dataclass(frozen=True)
class Outcome:
    """What the detector said about one case."""

    case: Case
    found_kind: str | None
    evidence: str | None


@dataclass
class Score:
    """The figures over a set of cases, and the cases behind every error."""

    emergencies: int = 0
    caught: int = 0
    non_emergencies: int = 0
    false_alarms: int = 0
    kind_agreed: int = 0
    per_kind: dict[str, list[int]] = field(default_factory=dict)  # kind → [caught, total]
    misses: list[Outcome] = field(default_factory=list)
    alarms: list[Outcome] = field(default_factory=list)
    wrong_kinds: list[Outcome] = field(default_factory=list)

    @property
    def recall(self) -> float | None:
        """Caught / emergencies (None without emergency cases)."""
        return self.caught / self.emergencies if self.emergencies else None

    @property
    def false_alarm_rate(self) -> float | None:
        """False alarms / non-emergencies (None without non-emergency cases)."""
        return self.false_alarms / self.non_emergencies if self.non_emergencies else None

    @property
    def kind_agreement(self) -> float | None:
        """Caught cases with the annotated kind / caught cases that name a kind."""
        named = self.kind_agreed + len(self.wrong_kinds)
        return self.kind_agreed / named if named else None


def load_cases(path: Path) -> list[Case]:
    """The cases of a YAML file, checked: every case needs text and a true/false `emergency`."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise CaseError(f"{path}: cannot be read: {exc}") from exc
    raw = data.get("cases") if isinstance(data, dict) else None
    if not isinstance(raw, list) or not raw:
        raise CaseError(f"{path}: expected `cases:` with a list of cases")
    cases = []
    for index, item in enumerate(raw):
        where = f"{path}: cases[{index}]"
        if not isinstance(item, dict) or not isinstance(item.get("text"), str):
            raise CaseError(f"{where} needs a `text`")
        if not isinstance(item.get("emergency"), bool):
            raise CaseError(f"{where} needs `emergency: true` or `emergency: false`")
        kind = item.get("kind")
        if kind == "none":  # how the independent set writes "not an emergency"
            kind = None
        if kind is not None and kind not in KINDS:
            raise CaseError(
                f"{where}: kind must be one of {', '.join(KINDS)} or null/none, got {kind!r}"
            )
        cases.append(Case(text=item["text"], emergency=item["emergency"], kind=kind))
    return cases


def measure(cases: Sequence[Case]) -> Score:
    """Run the detector over `cases` and count (pure: no file, no model)."""
    score = Score()
    for case in cases:
        found = detect_emergency(case.text)
        outcome = Outcome(case, found.kind if found else None, found.evidence if found else None)
        if case.emergency:
            score.emergencies += 1
            tally = score.per_kind.setdefault(case.kind or "?", [0, 0])
            tally[1] += 1
            if found is None:
                score.misses.append(outcome)
                continue
            score.caught += 1
            tally[0] += 1
            if case.kind is not None:
                if found.kind == case.kind:
                    score.kind_agreed += 1
                else:
                    score.wrong_kinds.append(outcome)
        else:
            score.non_emergencies += 1
            if found is not None:
                score.false_alarms += 1
                score.alarms.append(outcome)
    return score


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def report(score: Score, show: int = 20) -> str:
    """The figures, then up to `show` cases of each kind of error."""
    lines = [
        f"emergency cases:      {score.emergencies}",
        f"  recall:             {_pct(score.recall)} ({score.caught}/{score.emergencies})",
    ]
    for kind in (*KINDS, "?"):
        if kind in score.per_kind:
            caught, total = score.per_kind[kind]
            label = "(no kind)" if kind == "?" else kind
            lines.append(f"    {label:<16}  {_pct(caught / total)} ({caught}/{total})")
    lines += [
        f"  kind agreement:     {_pct(score.kind_agreement)}",
        f"non-emergency cases:  {score.non_emergencies}",
        f"  false-alarm rate:   {_pct(score.false_alarm_rate)} "
        f"({score.false_alarms}/{score.non_emergencies})",
    ]
    for title, outcomes in (
        ("missed", score.misses),
        ("false alarms", score.alarms),
        ("wrong kind", score.wrong_kinds),
    ):
        if outcomes and show > 0:
            lines.append(f"\n{title} ({len(outcomes)}):")
            for o in outcomes[:show]:
                said = f"{o.found_kind}: {o.evidence}" if o.found_kind else "—"
                lines.append(f"  [{o.case.kind or '-'} → {said}] {o.case.text}")
            if len(outcomes) > show:
                lines.append(f"  … {len(outcomes) - show} more")
    return "\n".join(lines)


def as_json(score: Score) -> dict[str, Any]:
    """The figures and every error case, for a results file."""
    return {
        "recall": score.recall,
        "false_alarm_rate": score.false_alarm_rate,
        "kind_agreement": score.kind_agreement,
        "emergencies": score.emergencies,
        "caught": score.caught,
        "non_emergencies": score.non_emergencies,
        "false_alarms": score.false_alarms,
        "per_kind": {k: {"caught": c, "total": t} for k, (c, t) in score.per_kind.items()},
        "misses": [asdict(o) for o in score.misses],
        "false_alarm_cases": [asdict(o) for o in score.alarms],
        "wrong_kinds": [asdict(o) for o in score.wrong_kinds],
    }


def _rate(value: str) -> float:
    rate = float(value)
    if not 0 <= rate <= 1:
        raise argparse.ArgumentTypeError("a rate between 0 and 1")
    return rate


def register(subparsers: argparse._SubParsersAction) -> None:
    """`emergency-eval FILE [--show N] [--json PATH] [--min-recall R] [--max-false-alarm R]`."""
    parser = subparsers.add_parser(
        "emergency-eval",
        help="recall and false-alarm rate of the emergency detector on a cases file",
        description=__doc__.split("\n\n")[0] if __doc__ else None,
    )
    _arguments(parser)
    parser.set_defaults(handler=_run)


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, help="YAML: {cases: [{text, emergency, kind}]}")
    parser.add_argument("--show", type=int, default=20, help="error cases listed per kind")
    parser.add_argument("--json", type=Path, help="also write the figures and errors here")
    parser.add_argument("--min-recall", type=_rate, help="exit 1 when recall is below this")
    parser.add_argument(
        "--max-false-alarm", type=_rate, help="exit 1 when the false-alarm rate is above this"
    )


def _run(args: argparse.Namespace) -> int:
    try:
        cases = load_cases(args.file)
    except CaseError as exc:
        print(f"错误 (error): {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    score = measure(cases)
    print(report(score, args.show))
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(
            json.dumps(as_json(score), ensure_ascii=False, indent=2), encoding="utf-8"
        )
    missed = args.min_recall is not None and (score.recall or 0.0) < args.min_recall
    too_many = (
        args.max_false_alarm is not None and (score.false_alarm_rate or 0.0) > args.max_false_alarm
    )
    return EXIT_MISSED if missed or too_many else EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m bot.evaluation.emergency FILE …` (the same as `python -m bot emergency-eval`)."""
    parser = argparse.ArgumentParser(prog="python -m bot.evaluation.emergency")
    _arguments(parser)
    return _run(parser.parse_args(argv))


if __name__ == "__main__":
    raise SystemExit(main())
