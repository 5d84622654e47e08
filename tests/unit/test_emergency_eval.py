"""`python -m bot emergency-eval`: the figures, the file format, the limits, and the dev figures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_nlu_emergency import GAS, NOT_EMERGENCY, PERSON, WATER

from bot.cli import main as cli_main
from bot.evaluation.emergency import Case, CaseError, load_cases, main, measure, report

CASES = """
cases:
  - {text: 暖气管爆了, emergency: true, kind: water}
  - {text: 有股煤气味, emergency: true, kind: gas}
  - {text: 老人冻病了, emergency: true, kind: person}
  - {text: 暖气不热, emergency: true}
  - {text: 水费怎么交, emergency: false}
  - {text: 暖气片漏水, emergency: true, kind: gas}
  - {text: 冻结账户, emergency: false, kind: null}
  - {text: 万一漏水怎么办, emergency: false}
  - {text: 暖气片炸了, emergency: false}
"""


def _file(tmp_path: Path, text: str = CASES) -> Path:
    path = tmp_path / "cases.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_recall_false_alarms_and_kinds_are_counted_apart(tmp_path: Path) -> None:
    score = measure(load_cases(_file(tmp_path)))
    assert (score.caught, score.emergencies) == (4, 5)
    assert (score.false_alarms, score.non_emergencies) == (1, 4)
    assert score.recall == pytest.approx(0.8) and score.false_alarm_rate == pytest.approx(0.25)
    # 暖气片漏水 is caught (recall) but as water, not the annotated gas
    assert score.kind_agreement == pytest.approx(3 / 4)
    assert [o.case.text for o in score.misses] == ["暖气不热"]
    assert [o.case.text for o in score.alarms] == ["暖气片炸了"]
    text = report(score)
    assert "recall:             80.0% (4/5)" in text
    assert "false-alarm rate:   25.0% (1/4)" in text
    assert "暖气不热" in text and "暖气片炸了" in text


def test_the_command_prints_writes_json_and_checks_the_limits(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, out = _file(tmp_path), tmp_path / "out" / "emergency.json"
    assert cli_main(["emergency-eval", str(path), "--json", str(out)]) == 0
    assert "recall" in capsys.readouterr().out
    assert json.loads(out.read_text(encoding="utf-8"))["caught"] == 4
    assert main([str(path), "--min-recall", "1.0"]) == 1
    assert main([str(path), "--max-false-alarm", "0.1"]) == 1
    assert main([str(path), "--min-recall", "0.8", "--max-false-alarm", "0.25"]) == 0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("cases: []", "expected `cases:`"),
        ("cases:\n  - {emergency: true}", "cases[0] needs a `text`"),
        ("cases:\n  - {text: 漏水, emergency: yes please}", "needs `emergency: true`"),
        ("cases:\n  - {text: 漏水, emergency: true, kind: fire}", "kind must be one of"),
    ],
)
def test_a_malformed_file_names_the_case(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(CaseError) as raised:
        load_cases(_file(tmp_path, text))
    assert message in str(raised.value)
    assert main([str(_file(tmp_path, text))]) == 2


def test_dev_examples_recall_everything_and_raise_no_false_alarm() -> None:
    """The development examples (tests/unit/test_nlu_emergency.py) through the measurement."""
    cases = [
        *(Case(t, True, "water") for t in WATER),
        *(Case(t, True, "gas") for t in GAS),
        *(Case(t, True, "person") for t in PERSON),
        *(Case(t, False) for t in NOT_EMERGENCY),
    ]
    score = measure(cases)
    assert score.recall == 1.0 and score.kind_agreement == 1.0
    assert score.false_alarm_rate == 0.0
