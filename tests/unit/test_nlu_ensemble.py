"""bot.nlu.ensemble: the probability average and the component on hand-made messages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.ensemble import CharNgramEnsemble, mean_ranking


def test_mean_ranking_weights_and_orders() -> None:
    ranking = mean_ranking({"a": 0.6, "b": 0.4}, {"b": 0.9, "c": 0.1}, 0.5)
    assert [label for label, _ in ranking] == ["b", "a", "c"]
    assert ranking[0][1] == pytest.approx(0.65)


def test_mean_ranking_with_full_weight_keeps_the_first() -> None:
    assert [k for k, _ in mean_ranking({"a": 0.5, "b": 0.5}, {"b": 1.0}, 1.0)] == ["a", "b"]


def _example(text: str, intent: str, key: str | None = None) -> Message:
    data: dict[str, Any] = {TEXT: text, INTENT: intent}
    if key:
        data["intent_response_key"] = key
    return Message(data=data)


@pytest.fixture
def trained(tmp_path: Path) -> CharNgramEnsemble:
    examples = [
        _example(text, "report_repair")
        for text in ("暖气不热", "暖气片漏水", "暖气冰凉", "家里暖气不热了")
    ] + [
        _example(text, "faq", key)
        for text, key in (
            ("几号开始供暖", "faq/heating_season"),
            ("什么时候来暖气", "faq/heating_season"),
            ("在哪交暖气费", "faq/payment_channels"),
            ("支付宝能交费吗", "faq/payment_channels"),
        )
    ]
    storage = LocalModelStorage(tmp_path)
    resource = Resource("ensemble")
    component = CharNgramEnsemble.create({}, storage, resource, None)  # type: ignore[arg-type]
    component.train(TrainingData(training_examples=examples))
    return CharNgramEnsemble.load({}, storage, resource, None)  # type: ignore[arg-type]


def test_uncertain_diet_is_overruled_by_the_ngram_model(trained: CharNgramEnsemble) -> None:
    ranking = [
        {"name": "faq", "confidence": 0.55},
        {"name": "report_repair", "confidence": 0.45},
    ]
    message = Message(
        data={
            TEXT: "暖气不热了",
            INTENT: dict(ranking[0]),
            INTENT_RANKING_KEY: ranking,
            "response_selector": {
                "faq": {
                    "response": {
                        "intent_response_key": "faq/payment_channels",
                        "confidence": 0.6,
                        "responses": [{"text": "…"}],
                        "utter_action": "utter_faq/payment_channels",
                    },
                    "ranking": [
                        {"intent_response_key": "faq/payment_channels", "confidence": 0.6},
                        {"intent_response_key": "faq/heating_season", "confidence": 0.4},
                    ],
                }
            },
        }
    )
    trained.process([message])
    assert message.get(INTENT)["name"] == "report_repair"
    assert [r["name"] for r in message.get(INTENT_RANKING_KEY)][:2] == ["report_repair", "faq"]

    question = Message(
        data={
            TEXT: "今年几号开始来暖气",
            INTENT: {"name": "faq", "confidence": 0.9},
            INTENT_RANKING_KEY: [{"name": "faq", "confidence": 0.9}],
            "response_selector": message.get("response_selector"),
        }
    )
    trained.process([question])
    response = question.get("response_selector")["faq"]["response"]
    assert response["intent_response_key"] == "faq/heating_season"
    assert response["utter_action"] == "utter_faq/heating_season"
    assert response["responses"] is None


def test_untrained_component_passes_messages_through(tmp_path: Path) -> None:
    component = CharNgramEnsemble.load(
        {},
        LocalModelStorage(tmp_path),
        Resource("missing"),
        None,  # type: ignore[arg-type]
    )
    message = Message(data={TEXT: "你好", INTENT: {"name": "greet", "confidence": 1.0}})
    component.process([message])
    assert message.get(INTENT)["name"] == "greet"


def test_weight_one_switches_the_intent_half_off(tmp_path: Path) -> None:
    storage = LocalModelStorage(tmp_path)
    resource = Resource("keys_only")
    config = {"intent_weight": 1.0}
    component = CharNgramEnsemble.create(config, storage, resource, None)  # type: ignore[arg-type]
    examples = [
        _example("暖气不热", "report_repair"),
        _example("暖气冰凉", "report_repair"),
        _example("几号开始供暖", "faq", "faq/heating_season"),
        _example("在哪交暖气费", "faq", "faq/payment_channels"),
    ]
    component.train(TrainingData(training_examples=examples))
    loaded = CharNgramEnsemble.load(config, storage, resource, None)  # type: ignore[arg-type]
    ranking = [{"name": "faq", "confidence": 0.51}, {"name": "report_repair", "confidence": 0.49}]
    message = Message(
        data={TEXT: "暖气不热", INTENT: dict(ranking[0]), INTENT_RANKING_KEY: ranking}
    )
    loaded.process([message])
    assert message.get(INTENT) == {"name": "faq", "confidence": 0.51}
