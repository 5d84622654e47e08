"""bot.nlu.components.EntityPostProcessor in Rasa's graph: registration, training, loading, parsing.

The rules themselves are tested in test_nlu_entities.py; the examples here are written for
these tests (not taken from tests/nlu).
"""

from __future__ import annotations

import asyncio
import textwrap
from pathlib import Path

import pytest
import yaml
from rasa.engine.graph import GraphSchema
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.validation import validate
from rasa.shared.data import TrainingType
from rasa.shared.nlu.constants import ENTITIES, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.config import PROJECT_ROOT
from bot.nlu.components import EntityPostProcessor

COMPONENT_PATH = "bot.nlu.components.EntityPostProcessor"


def test_project_pipeline_runs_it_after_the_extractors() -> None:
    config = yaml.safe_load((PROJECT_ROOT / "config.yml").read_text(encoding="utf-8"))
    names = [component["name"] for component in config["pipeline"]]
    position = names.index(COMPONENT_PATH)
    for extractor in ("CRFEntityExtractor", "RegexEntityExtractor", "EntitySynonymMapper"):
        assert names.index(extractor) < position


def test_graph_trains_it_and_chains_its_prediction_after_the_synonym_mapper() -> None:
    config = {
        "recipe": "default.v1",
        "language": "zh",
        "pipeline": [
            {"name": "JiebaTokenizer"},
            {"name": "CountVectorsFeaturizer"},
            {"name": "LogisticRegressionClassifier"},
            {"name": "EntitySynonymMapper"},
            {"name": COMPONENT_PATH},
        ],
        "policies": [],
    }
    model_config = DefaultV1Recipe().graph_config_for_recipe(
        config, {}, training_type=TrainingType.NLU
    )
    validate(model_config)
    train: GraphSchema = model_config.train_schema
    assert train.nodes[f"train_{COMPONENT_PATH}4"].uses is EntityPostProcessor
    predict: GraphSchema = model_config.predict_schema
    node = predict.nodes[f"run_{COMPONENT_PATH}4"]
    assert node.fn == "process"
    assert node.needs["messages"] == "run_EntitySynonymMapper3"


def test_process_without_training_still_applies_the_rules() -> None:
    component = EntityPostProcessor({}, model_storage=None, resource=None)  # type: ignore[arg-type]
    text = "暖气不热,7号楼2单元301"
    message = Message(
        data={
            TEXT: text,
            INTENT: {"name": "report_repair", "confidence": 0.9},
            ENTITIES: [
                {"entity": "phone", "start": 10, "end": 13, "value": "301", "extractor": "DIET"}
            ],
        }
    )
    component.process([message])
    assert [(e["entity"], e["value"]) for e in message.get(ENTITIES)] == [
        ("fault_type", "no_heat"),
        ("address", "7号楼2单元301"),
    ]


def test_tiny_model_trains_loads_and_parses(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A real `rasa train nlu` + load + parse: community names come from the lookup table."""
    from rasa.core.agent import Agent
    from rasa.model_training import train_nlu

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("RASA_CACHE_DIRECTORY", str(tmp_path / "cache"))
    monkeypatch.setenv("RASA_TELEMETRY_ENABLED", "false")
    config = tmp_path / "config.yml"
    config.write_text(
        textwrap.dedent(
            f"""
            recipe: default.v1
            language: zh
            assistant_id: test
            pipeline:
              - name: bot.nlu.components.TextNormalizer
              - name: JiebaTokenizer
              - name: CountVectorsFeaturizer
                analyzer: char_wb
                min_ngram: 1
                max_ngram: 2
              - name: LogisticRegressionClassifier
              - name: {COMPONENT_PATH}
            policies: []
            """
        ),
        encoding="utf-8",
    )
    nlu = tmp_path / "nlu.yml"
    nlu.write_text(
        textwrap.dedent(
            """
            version: "3.1"
            nlu:
            - intent: report_repair
              examples: |
                - 暖气不热
                - 暖气片漏水了
                - 家里暖气冰凉
            - intent: inform
              examples: |
                - 我家在松柏苑
                - 地址是南山印象
                - 住在东湖印象
            - lookup: community
              examples: |
                - 南山印象
            """
        ),
        encoding="utf-8",
    )
    model_path = train_nlu(str(config), str(nlu), str(tmp_path / "models"))
    assert model_path is not None
    agent = Agent.load(model_path)
    parsed = asyncio.run(agent.parse_message("地址是南山印象三號樓二单元602"))
    addresses = [(e["value"], e["start"]) for e in parsed["entities"] if e["entity"] == "address"]
    assert addresses == [("南山印象3号楼2单元602", 3)]
