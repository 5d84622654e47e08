"""The emergency safety net on the independent set (tests/nlu/emergency_cases.yml).

The set was written by a writer who saw neither the detector nor its development examples; the
detector was not tuned on it. The floors sit just under the figures measured when the set
arrived (recall 82.7 %, 182 of 220; false alarms 6.0 %, 28 of 470): they catch a regression, and
they only move up. The issue's target is recall 100 %: the misses are listed by
`python -m bot emergency-eval tests/nlu/emergency_cases.yml` (most are people unwell from cold).
"""

from __future__ import annotations

from bot.config import PROJECT_ROOT
from bot.evaluation.emergency import load_cases, measure

CASES = PROJECT_ROOT / "tests" / "nlu" / "emergency_cases.yml"
RECALL_FLOOR = 0.82
FALSE_ALARM_CEILING = 0.065


def test_the_independent_emergency_set_holds_its_floors() -> None:
    score = measure(load_cases(CASES))
    assert (score.emergencies, score.non_emergencies) == (220, 470)
    assert score.recall is not None and score.recall >= RECALL_FLOOR
    assert score.false_alarm_rate is not None and score.false_alarm_rate <= FALSE_ALARM_CEILING
