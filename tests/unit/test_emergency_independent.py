"""The emergency safety net on the independent set (tests/nlu/emergency_cases.yml).

The set was written by a writer who saw neither the detector nor its development examples.
Measured when it arrived: recall 82.7 % (182/220), false alarms 6.0 % (28/470); most misses were
people unwell from cold. The cold-sign rules added then (hypothermia signs, not the set's
sentences) were written after reading those misses, so this set no longer measures them
independently: `tests/nlu/emergency_cases_fresh.yml`, written later by another writer, does. The
floors sit just under the figures now (92.7 %, 6.0 %) and only move up; the target is 100 %.
"""

from __future__ import annotations

from bot.config import PROJECT_ROOT
from bot.evaluation.emergency import load_cases, measure

CASES = PROJECT_ROOT / "tests" / "nlu" / "emergency_cases.yml"
RECALL_FLOOR = 0.92
FALSE_ALARM_CEILING = 0.065


def test_the_independent_emergency_set_holds_its_floors() -> None:
    score = measure(load_cases(CASES))
    assert (score.emergencies, score.non_emergencies) == (220, 470)
    assert score.recall is not None and score.recall >= RECALL_FLOOR
    assert score.false_alarm_rate is not None and score.false_alarm_rate <= FALSE_ALARM_CEILING


FRESH = PROJECT_ROOT / "tests" / "nlu" / "emergency_cases_fresh.yml"


def test_the_fresh_emergency_set_holds_its_floors() -> None:
    """The fresh set (another writer, after the cold-sign rules; nobody has read its misses):
    recall 83.9 % (115/137; 62.0 % before the cold-sign rules), false alarms 7.9 % (20/254).
    Its misses are not to be read while tuning: they measure the next change too."""
    score = measure(load_cases(FRESH))
    assert (score.emergencies, score.non_emergencies) == (137, 254)
    assert score.recall is not None and score.recall >= 0.83
    assert score.false_alarm_rate is not None and score.false_alarm_rate <= 0.08
