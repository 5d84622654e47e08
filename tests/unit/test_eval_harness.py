"""bot.evaluation.harness and report: a whole run on toy sets with a stand-in model.

The stand-in answers like a Rasa agent (parse dicts, normalised text, DIET + regex duplicates),
so everything from loading the YAML to the exit code runs as in production except the model.
"""

from __future__ import annotations

import argparse
import json
import textwrap
from pathlib import Path
from typing import Any

import pytest

from bot.evaluation import harness
from bot.evaluation import model as rasa_model
from bot.evaluation.harness import Options, evaluate, exit_code, resolve_model
from bot.evaluation.metrics import ConfusionPair
from bot.evaluation.report import format_value, render_markdown, render_text, write_reports
from bot.nlu.numbers import to_canonical

CONFIG = "language: zh\npipeline:\n  - name: bot.nlu.components.TextNormalizer\n"

TRAIN = textwrap.dedent(
    """
    version: "3.1"
    nlu:
    - intent: report_repair
      examples: |
        - 暖气[不热](fault_type:no_heat)
        - 家里暖气片[漏水](fault_type:leak)了
        - 我家暖气[冰凉](fault_type:no_heat)快来修
    - intent: query_fee
      examples: |
        - 查一下暖气费
        - 我家还欠多少钱
    - intent: faq/invoice
      examples: |
        - 怎么开发票
        - 能开电子发票吗
    - intent: faq/heating_season
      examples: |
        - 什么时候开始供暖
        - 今年几号供暖
    - intent: out_of_scope
      examples: |
        - 讲个故事
        - 水费怎么交
    """
)

TEST = textwrap.dedent(
    """
    version: "3.1"
    nlu:
    - intent: report_repair
      examples: |
        - 暖氣片[不熱](fault_type:no_heat)了，电话[１３８１２３４５６７８](phone)
    - intent: query_fee
      examples: |
        - 帮我看看欠多少暖气费
    - intent: faq/invoice
      examples: |
        - 发票去哪开
    - intent: out_of_scope
      examples: |
        - 电费在哪交
    """
)

ANSWERS: dict[str, tuple[str, str | None, list[tuple[str, str, str]]]] = {
    # normalised text → (intent, faq key, [(entity, surface, extractor)])
    "暖气片不热了,电话13812345678": (
        "report_repair",
        "heating_season",
        [
            ("fault_type", "不热", "DIETClassifier"),
            ("phone", "13812345678", "DIETClassifier"),
            ("phone", "13812345678", "RegexEntityExtractor"),
        ],
    ),
    "帮我看看欠多少暖气费": ("query_fee", "invoice", []),
    "发票去哪开": ("faq", "invoice", []),
    "电费在哪交": ("nlu_fallback", "invoice", []),
}


class StandInAgent:
    """Parses like the project model would for the toy test set."""

    async def parse_message(self, text: str) -> dict[str, Any]:
        normalised = to_canonical(text)
        intent, key, entities = ANSWERS.get(normalised, ("greet", None, []))
        return {
            "text": normalised,
            "intent": {"name": intent, "confidence": 0.9},
            "entities": [
                {
                    "entity": entity,
                    "start": normalised.index(surface),
                    "end": normalised.index(surface) + len(surface),
                    "value": "no_heat" if entity == "fault_type" else surface,
                    "extractor": extractor,
                }
                for entity, surface, extractor in entities
            ],
            "response_selector": {
                "faq": {"response": {"intent_response_key": f"faq/{key}"}} if key else {}
            },
        }


@pytest.fixture
def sets(tmp_path: Path) -> Options:
    (tmp_path / "config.yml").write_text(CONFIG, encoding="utf-8")
    for name, content in (("train", TRAIN), ("test", TEST)):
        folder = tmp_path / name
        folder.mkdir()
        (folder / "nlu.yml").write_text(content, encoding="utf-8")
        (folder / "README.md").write_text("not data\n", encoding="utf-8")
    return Options(
        train=tmp_path / "train",
        test=tmp_path / "test",
        config=tmp_path / "config.yml",
        model=tmp_path / "given.tar.gz",
        out=tmp_path / "results",
        warmup=1,
    )


def run(options: Options, **kwargs: Any) -> Any:
    return evaluate(options, load=lambda path: StandInAgent(), log=lambda line: None, **kwargs)


def test_a_clean_run_scores_model_and_baseline(sets: Options) -> None:
    result = run(sets)
    assert result.overlaps == []
    assert result.model_all is None  # nothing excluded, so no second scoring
    model = result.model
    assert model.n_messages == 4
    assert model.intent_accuracy == pytest.approx(3 / 4)
    assert model.out_of_scope_recall == 1.0  # nlu_fallback routes it correctly
    assert model.faq_key_accuracy == 1.0
    assert model.entity_overall.f1 == 1.0  # spans on the normalised text; DIET/regex deduped
    assert model.text_mismatches == 0
    assert model.latency_p50_ms is not None
    assert result.baseline.n_messages == 4
    assert result.model_path == str(sets.model)
    assert {e["text"] for e in result.errors} == {"电费在哪交"}
    assert exit_code(result) == 0


def test_overlap_fails_the_run_but_everything_is_still_measured(sets: Options) -> None:
    # The test set's 发票去哪开 copied (in traditional script) into training.
    (sets.train / "copy.yml").write_text(
        'version: "3.1"\nnlu:\n- intent: faq/invoice\n  examples: |\n    - 發票去哪開！\n',
        encoding="utf-8",
    )
    result = run(sets)
    assert [(o.test_text, o.kind) for o in result.overlaps] == [("发票去哪开", "exact")]
    assert result.model.n_messages == 3  # the overlapping message is not scored …
    assert result.model_all is not None and result.model_all.n_messages == 4  # … except here
    assert exit_code(result) == 1
    assert exit_code(result, allow_overlap=True) == 0


def test_gate_decides_the_exit_code(sets: Options) -> None:
    sets.gate = "ci"
    result = run(sets)  # toy figures are far under the project gates (e.g. accuracy 75 %)
    assert result.gate_failures
    assert exit_code(result) == 1
    sets.gate = None
    assert exit_code(run(sets)) == 0


def test_other_training_data_trains_an_nlu_model(sets: Options, tmp_path: Path) -> None:
    sets.model = None
    trained: list[tuple[Path, Path]] = []

    def trainer(train: Path, config: Path, workdir: Path, **kwargs: Any) -> Path:
        trained.append((train, config))
        return workdir / "nlu-eval.tar.gz"

    result = run(sets, trainer=trainer, ensure=lambda: pytest.fail("must not use the cache"))
    assert trained == [(sets.train, sets.config)]
    assert result.model_path.endswith("nlu-eval.tar.gz")


def test_project_data_uses_the_cached_model_and_model_wins_over_both(tmp_path: Path) -> None:
    cached = tmp_path / "heating-cached.tar.gz"

    def no_training(*args: Any, **kwargs: Any) -> Path:
        raise AssertionError("must not train")

    project = Options()
    assert resolve_model(project, tmp_path, lambda: cached, no_training) == cached
    given = Options(model=tmp_path / "given.tar.gz")
    assert resolve_model(given, tmp_path, lambda: cached, no_training) == given.model


def test_reports_are_written_and_readable(sets: Options) -> None:
    sets.gate = "ci"
    result = run(sets)
    paths = write_reports(result, sets.out, "python -m bot eval --gate")
    data = json.loads(paths[0].read_text(encoding="utf-8"))
    assert data["scored_messages"] == 4
    assert data["model"]["intent_accuracy"] == pytest.approx(0.75)
    assert {c["metric"] for c in data["checks"]} >= {"intent_accuracy", "latency_p50_ms"}
    assert data["gate_failures"]
    markdown = paths[1].read_text(encoding="utf-8")
    assert "| intent accuracy | 75.0 % |" in markdown
    assert "python -m bot eval --gate" in markdown
    text = render_text(result)
    assert "intent accuracy" in text and "CI gate: FAILED" in text
    assert render_markdown(result).startswith("# NLU evaluation")
    assert "| entity | boundary |" not in markdown  # no span error, no table
    result.model.entity_errors = {
        "time": {"boundary": 2, "wrong_type": 0, "missed": 1, "spurious": 3}
    }
    assert "| time | 2 | 0 | 1 | 3 |" in render_markdown(result)


def test_console_examples_are_clipped(sets: Options) -> None:
    result = run(sets)
    long = "很长的消息" * 20
    result.model.confusion[:0] = [ConfusionPair("faq", "query_fee", 1, (long,))]
    line = next(x for x in render_text(result).splitlines() if "faq → query_fee" in x)
    assert long not in line and line.endswith("…")


def test_format_value() -> None:
    assert format_value(0.9612, "ratio") == "96.1 %"
    assert format_value(0.95, "f1") == "0.950"
    assert format_value(-0.022, "points") == "-2.2 pts"
    assert format_value(11.04, "ms") == "11.0 ms"
    assert format_value(None, "ms") == "n/a"


def test_command_line_options_and_bad_input(
    sets: Options, capsys: pytest.CaptureFixture[str]
) -> None:
    parser = argparse.ArgumentParser()
    harness.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["eval", "--gate", "--model", str(sets.model)])
    assert (args.gate, args.model, args.allow_overlap) == ("ci", sets.model, False)
    assert parser.parse_args(["eval", "--gate", "target"]).gate == "target"
    assert parser.parse_args(["eval"]).gate is None
    assert args.handler(args) == 2  # the model file does not exist: bad input, nothing loaded
    assert "does not exist" in capsys.readouterr().err


def test_main_runs_the_whole_command(
    sets: Options, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert sets.model is not None
    sets.model.write_bytes(b"stand-in")
    monkeypatch.setattr(rasa_model, "load_agent", lambda path: StandInAgent())
    argv = ["--train", str(sets.train), "--test", str(sets.test), "--config", str(sets.config)]
    argv += ["--model", str(sets.model), "--out", str(sets.out), "--warmup", "0"]
    assert harness.main(argv) == 0
    out = capsys.readouterr().out
    assert "intent accuracy" in out and "wrote" in out
    assert (sets.out / "nlu-eval.json").is_file() and (sets.out / "nlu-eval.md").is_file()
