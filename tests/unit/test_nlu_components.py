"""bot.nlu.components.TextNormalizer with real Rasa 3.6 objects, graphs and a tiny training run."""

from __future__ import annotations

import asyncio
import textwrap
from pathlib import Path
from typing import Any

import pytest
from rasa.engine.graph import GraphSchema
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.validation import validate
from rasa.nlu.tokenizers.tokenizer import Tokenizer
from rasa.shared.data import TrainingType
from rasa.shared.nlu.constants import ACTION_NAME, ENTITIES, TEXT
from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.components import TextNormalizer

COMPONENT_PATH = "bot.nlu.components.TextNormalizer"


def make(**config: Any) -> TextNormalizer:
    return TextNormalizer.create(
        {**TextNormalizer.get_default_config(), **config},
        model_storage=None,
        resource=None,
        execution_context=None,
    )


def entity_triples(message: Message) -> list[tuple[int, int, str, str]]:
    return [(e["start"], e["end"], e["value"], e["entity"]) for e in message.get(ENTITIES) or []]


NLU_YAML = textwrap.dedent(
    """
    version: "3.1"
    nlu:
    - intent: report_repair
      examples: |
        - 暖氣不熱
        - [三号楼](address)的暖气[冰凉](fault_type)
        - 暖气片[漏水](fault_type:leak)了
        - [暖氣不熱](fault_type:no_heat)
        - 我家在[幸福里小區三號樓二單元五零二](address)
    - intent: inform
      examples: |
        - 电话[１３８ １２３４ ５６７８](phone)
        - [十四度](temperature)
        - 户号[零一零二三四五六七八](account_no)，电话[幺三八一二三四五六七八](phone)
    - synonym: no_heat
      examples: |
        - 冰涼
    - lookup: community
      examples: |
        - 陽光花園
        - 幸福里
    """
)


@pytest.fixture
def training_data() -> TrainingData:
    return RasaYAMLReader().reads(NLU_YAML)


def by_text(training_data: TrainingData) -> dict[str, Message]:
    return {m.get(TEXT): m for m in training_data.training_examples}


def test_process_training_data_rewrites_text_and_moves_entities(
    training_data: TrainingData,
) -> None:
    result = make().process_training_data(training_data)
    examples = by_text(result)
    assert set(examples) == {
        "暖气不热",
        "3号楼的暖气冰凉",
        "暖气片漏水了",
        "我家在幸福里小区3号楼2单元502",
        "电话13812345678",
        "14度",
        "户号0102345678,电话13812345678",
    }
    assert entity_triples(examples["3号楼的暖气冰凉"]) == [
        (0, 3, "3号楼", "address"),
        (6, 8, "冰凉", "fault_type"),
    ]
    # unchanged text: the synonym value stays
    assert entity_triples(examples["暖气片漏水了"]) == [(3, 5, "leak", "fault_type")]
    assert entity_triples(examples["我家在幸福里小区3号楼2单元502"]) == [
        (3, 17, "幸福里小区3号楼2单元502", "address")
    ]
    assert entity_triples(examples["电话13812345678"]) == [(2, 13, "13812345678", "phone")]
    assert entity_triples(examples["14度"]) == [(0, 3, "14度", "temperature")]
    assert entity_triples(examples["户号0102345678,电话13812345678"]) == [
        (2, 12, "0102345678", "account_no"),
        (15, 26, "13812345678", "phone"),
    ]


def test_synonym_value_is_kept_when_the_text_changes(training_data: TrainingData) -> None:
    make().process_training_data(training_data)
    annotated = [
        m for m in training_data.training_examples if m.get(TEXT) == "暖气不热" and m.get(ENTITIES)
    ]
    assert len(annotated) == 1
    assert entity_triples(annotated[0]) == [(0, 4, "no_heat", "fault_type")]


def test_every_moved_span_still_covers_its_value(training_data: TrainingData) -> None:
    make().process_training_data(training_data)
    for message in training_data.training_examples:
        text = message.get(TEXT)
        for entity in message.get(ENTITIES) or []:
            covered = text[entity["start"] : entity["end"]]
            assert covered == entity["value"] or entity["value"] in {"leak", "no_heat"}


def test_lookup_tables_and_synonym_keys_gain_canonical_spellings(
    training_data: TrainingData,
) -> None:
    make().process_training_data(training_data)
    (table,) = training_data.lookup_tables
    assert table["elements"] == ["陽光花園", "幸福里", "阳光花园"]
    assert training_data.entity_synonyms["冰涼"] == "no_heat"
    assert training_data.entity_synonyms["冰凉"] == "no_heat"


def test_lookup_normalisation_can_be_switched_off(training_data: TrainingData) -> None:
    make(normalise_lookup_tables=False).process_training_data(training_data)
    assert training_data.lookup_tables[0]["elements"] == ["陽光花園", "幸福里"]
    assert "冰凉" not in training_data.entity_synonyms


def test_numeral_conversion_can_be_switched_off() -> None:
    message = Message(data={TEXT: "暖氣 三號樓"})
    make(convert_numerals=False).process([message])
    assert message.get(TEXT) == "暖气 三号楼"


def test_process_normalises_messages_at_parse_time() -> None:
    messages = [
        Message(data={TEXT: "我的電話是１３８ １２３４ ５６７８", "message_id": "1"}),
        Message(data={TEXT: "三号楼暖气不热"}),
        Message(data={TEXT: "暖气不热"}),
    ]
    result = make().process(messages)
    assert result is messages
    assert [m.get(TEXT) for m in result] == ["我的电话是13812345678", "3号楼暖气不热", "暖气不热"]
    assert result[0].get("message_id") == "1"


def test_process_moves_entities_already_on_the_message() -> None:
    text = "住在阳光花园三号楼，電話 138 1234 5678"
    message = Message(
        data={
            TEXT: text,
            ENTITIES: [
                {"entity": "address", "start": 2, "end": 9, "value": "阳光花园三号楼"},
                {
                    "entity": "phone",
                    "start": text.index("138"),
                    "end": len(text),
                    "value": "138 1234 5678",
                    "extractor": "X",
                },
            ],
        }
    )
    make().process([message])
    # the space after 電話 is not between two digits, so it stays
    assert message.get(TEXT) == "住在阳光花园3号楼,电话 13812345678"
    assert entity_triples(message) == [
        (2, 9, "阳光花园3号楼", "address"),
        (13, 24, "13812345678", "phone"),
    ]
    assert message.get(ENTITIES)[1]["extractor"] == "X"


def test_entity_covering_only_dropped_characters_is_removed() -> None:
    message = Message(
        data={
            TEXT: "暖气\u200b不热",
            ENTITIES: [
                {"entity": "junk", "start": 2, "end": 3, "value": "\u200b"},
                {"entity": "fault_type", "start": 3, "end": 5, "value": "不热"},
            ],
        }
    )
    make().process([message])
    assert message.get(TEXT) == "暖气不热"
    assert entity_triples(message) == [(2, 4, "不热", "fault_type")]


@pytest.mark.parametrize(
    "data",
    [
        {TEXT: '/inform{"phone": "138 1234 5678"}'},
        {TEXT: "/affirm"},
        {TEXT: ""},
        {TEXT: None},
        {ACTION_NAME: "utter_greet"},
    ],
)
def test_intent_triggers_and_non_text_messages_are_untouched(data: dict[str, Any]) -> None:
    message = Message(data=dict(data))
    make().process([message])
    assert message.data == data


def test_message_fingerprint_changes_with_the_text() -> None:
    message = Message(data={TEXT: "暖氣"})
    before = message.fingerprint()
    make().process([message])
    assert message.fingerprint() != before


# --- registration and graph ----------------------------------------------------------------------


def test_registered_as_a_message_tokenizer_without_training() -> None:
    registered = DefaultV1Recipe._registered_components["TextNormalizer"]
    assert registered.clazz is TextNormalizer
    assert registered.types == {DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER}
    assert registered.is_trainable is False
    # Not a Tokenizer subclass: Rasa's "only one tokenizer" check must not count it.
    assert not issubclass(TextNormalizer, Tokenizer)


def _graph_config() -> dict[str, Any]:
    return {
        "recipe": "default.v1",
        "language": "zh",
        "assistant_id": "test",
        "pipeline": [
            {"name": COMPONENT_PATH},
            {"name": "JiebaTokenizer"},
            {"name": "CountVectorsFeaturizer", "analyzer": "char_wb", "min_ngram": 1},
            {"name": "LogisticRegressionClassifier"},
        ],
    }


def test_graph_runs_it_first_in_training_and_prediction() -> None:
    model_config = DefaultV1Recipe().graph_config_for_recipe(
        _graph_config(), {}, training_type=TrainingType.NLU
    )
    validate(model_config)  # types of process/process_training_data match their neighbours

    train: GraphSchema = model_config.train_schema
    node = train.nodes[f"run_{COMPONENT_PATH}0"]
    assert node.uses is TextNormalizer
    assert node.fn == "process_training_data"
    assert node.needs == {"training_data": "nlu_training_data_provider"}
    assert train.nodes["run_JiebaTokenizer1"].needs["training_data"] == f"run_{COMPONENT_PATH}0"
    assert f"train_{COMPONENT_PATH}0" not in train.nodes

    predict: GraphSchema = model_config.predict_schema
    node = predict.nodes[f"run_{COMPONENT_PATH}0"]
    assert node.fn == "process"
    assert node.needs == {"messages": "nlu_message_converter"}
    assert predict.nodes["run_JiebaTokenizer1"].needs["messages"] == f"run_{COMPONENT_PATH}0"


def test_tiny_model_trains_loads_and_parses(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A real `rasa train nlu` + load + parse (about 10 s), with the component first."""
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
              - name: {COMPONENT_PATH}
              - name: JiebaTokenizer
              - name: CountVectorsFeaturizer
                analyzer: char_wb
                min_ngram: 1
                max_ngram: 2
              - name: LogisticRegressionClassifier
              - name: RegexEntityExtractor
                use_word_boundaries: false
                use_regexes: true
            policies: []
            """
        ),
        encoding="utf-8",
    )
    nlu = tmp_path / "nlu.yml"
    nlu.write_text(
        textwrap.dedent(
            r"""
            version: "3.1"
            nlu:
            - intent: report_repair
              examples: |
                - 暖气不热
                - 暖气片漏水了
                - 暖气冰凉
                - 家里暖气不热了
            - intent: inform
              examples: |
                - 电话[13812345678](phone)
                - 我的电话是[13912345678](phone)
                - 手机[15012345678](phone)
            - regex: phone
              examples: |
                - 1[3-9]\d{9}
            """
        ),
        encoding="utf-8",
    )
    model_path = train_nlu(str(config), str(nlu), str(tmp_path / "models"))
    assert model_path is not None
    agent = Agent.load(model_path)

    parsed = asyncio.run(agent.parse_message("我的電話是１３８ １２３４ ５６７８"))
    assert parsed["text"] == "我的电话是13812345678"
    assert parsed["intent"]["name"] == "inform"
    phones = [e for e in parsed["entities"] if e["entity"] == "phone"]
    assert [(e["start"], e["end"], e["value"]) for e in phones] == [(5, 16, "13812345678")]

    parsed = asyncio.run(agent.parse_message("暖氣不熱"))
    assert parsed["text"] == "暖气不热"
    assert parsed["intent"]["name"] == "report_repair"
