"""bot.evaluation.model: parse results → predictions, timed parsing, and the training command.

No model is loaded or trained here: the agent is a stand-in with Rasa's `parse_message` shape
and the `rasa train nlu` subprocess is replaced by a recorder.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest

from bot.evaluation.model import (
    NLU_MODEL_NAME,
    parse_texts,
    prediction_from_parse,
    train_nlu_model,
)

# Shape copied from a real parse of the project model (intent_ranking dropped).
PARSE: dict[str, Any] = {
    "text": "户号我报错了,正确的是0109988776",
    "intent": {"name": "correct_info", "confidence": 0.7176},
    "entities": [
        {
            "entity": "account_no",
            "start": 11,
            "end": 21,
            "confidence_entity": 0.95,
            "value": "0109988776",
            "extractor": "DIETClassifier",
        },
        {
            "entity": "account_no",
            "start": 11,
            "end": 21,
            "value": "0109988776",
            "extractor": "RegexEntityExtractor",
        },
        {
            "entity": "fault_type",
            "start": 0,
            "end": 2,
            "value": "no_heat",
            "extractor": "DIETClassifier",
            "processors": ["EntitySynonymMapper"],
        },
    ],
    "response_selector": {
        "all_retrieval_intents": ["faq"],
        "faq": {
            "response": {
                "responses": [{"text": "…"}],
                "confidence": 0.49,
                "intent_response_key": "faq/late_fee",
                "utter_action": "utter_faq/late_fee",
            },
            "ranking": [],
        },
    },
}


def test_prediction_from_a_real_parse_result() -> None:
    prediction = prediction_from_parse(PARSE, latency_ms=12.5)
    assert prediction.intent == "correct_info"
    assert prediction.confidence == pytest.approx(0.7176)
    assert prediction.response_key("faq") == "late_fee"
    assert prediction.text == PARSE["text"]
    assert prediction.latency_ms == 12.5
    # DIET and the regex extractor found the same account number: one span, the regex's.
    assert [(s.entity, s.start, s.end, s.value, s.source) for s in prediction.spans] == [
        ("fault_type", 0, 2, "no_heat", "DIETClassifier"),
        ("account_no", 11, 21, "0109988776", "RegexEntityExtractor"),
    ]


def test_a_default_response_selector_is_keyed_by_the_retrieval_intent() -> None:
    result = {
        "intent": {"name": "faq", "confidence": 0.9},
        "response_selector": {
            "all_retrieval_intents": ["faq"],
            "default": {"response": {"intent_response_key": "faq/invoice"}, "ranking": []},
        },
    }
    assert prediction_from_parse(result).response_key("faq") == "invoice"


def test_a_bare_parse_result_gives_an_empty_prediction() -> None:
    prediction = prediction_from_parse({"text": "👌", "intent": {"name": "nlu_fallback"}})
    assert (prediction.intent, prediction.spans, dict(prediction.response_keys)) == (
        "nlu_fallback",
        (),
        {},
    )


class RecordingAgent:
    """Answers every message with `nlu_fallback` and records what it was asked."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    async def parse_message(self, text: str) -> dict[str, Any]:
        self.seen.append(text)
        return {"text": text, "intent": {"name": "nlu_fallback", "confidence": 1.0}}


def test_parse_texts_warms_up_then_times_each_message() -> None:
    agent = RecordingAgent()
    ticks = itertools.count(step=0.005)  # every clock read is 5 ms after the previous one
    predictions = parse_texts(agent, ["a", "b", "c"], warmup=2, clock=lambda: next(ticks))
    assert agent.seen == ["a", "b", "a", "b", "c"]  # two untimed, then all three timed
    assert [p.latency_ms for p in predictions] == pytest.approx([5.0, 5.0, 5.0])
    assert [p.text for p in predictions] == ["a", "b", "c"]


def test_train_nlu_model_runs_rasa_train_nlu(tmp_path: Path) -> None:
    calls: list[tuple[list[str], dict[str, Any]]] = []

    def runner(cmd: list[str], **kwargs: Any) -> None:
        calls.append((cmd, kwargs))
        (tmp_path / "out" / f"{NLU_MODEL_NAME}.tar.gz").write_bytes(b"model")

    model = train_nlu_model(
        Path("other/nlu"),
        Path("other/config.yml"),
        tmp_path / "out",
        domain=Path("domain.yml"),
        cwd=tmp_path,
        runner=runner,
    )
    assert model == tmp_path / "out" / f"{NLU_MODEL_NAME}.tar.gz"
    (cmd, kwargs) = calls[0]
    assert Path(cmd[0]).name == "rasa"
    assert cmd[1:3] == ["train", "nlu"]
    options = dict(zip(cmd[3::2], cmd[4::2], strict=True))
    assert options == {
        "--config": "other/config.yml",
        "--nlu": "other/nlu",
        "--out": str(tmp_path / "out"),
        "--fixed-model-name": NLU_MODEL_NAME,
        "--domain": "domain.yml",
    }
    assert kwargs["check"] is True and kwargs["cwd"] == tmp_path
    assert kwargs["env"]["TF_CPP_MIN_LOG_LEVEL"] == "2"


def test_train_nlu_model_fails_loudly_when_no_model_appears(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        train_nlu_model(Path("a"), Path("b"), tmp_path, runner=lambda *a, **k: None)
