"""The training data keeps the NLU contract and trains what it says.

Entity annotations whose span does not fall on token boundaries are silently dropped from DIET's
training (Rasa only logs a warning), so alignment is checked here with the pipeline's own
TextNormalizer and JiebaTokenizer, on the text exactly as the model will see it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from rasa.nlu.tokenizers.jieba_tokenizer import JiebaTokenizer
from rasa.shared.nlu.training_data.loading import load_data
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.contract import ALL_FAQ_KEYS as contract_faq_keys
from bot.contract import CONTRACT_INTENTS, FAULT_TYPES
from bot.contract import ENTITIES as CONTRACT_ENTITIES
from bot.nlu.components import TextNormalizer

ROOT = Path(__file__).resolve().parents[2]
CONTRACT = Path(ROOT.parent / "shared" / "spec" / "nlu-contract.md")

INTENTS = set(CONTRACT_INTENTS)
FAQ_KEYS = set(contract_faq_keys)
ENTITIES = set(CONTRACT_ENTITIES)
FAULT_VALUES = set(FAULT_TYPES)


@pytest.fixture(scope="module")
def training_data() -> TrainingData:
    return load_data(str(ROOT / "data" / "nlu"))


def _pipeline_config(name: str) -> dict[str, Any]:
    import yaml

    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    return next(dict(c) for c in config["pipeline"] if c["name"].endswith(name))


def test_every_contract_intent_faq_key_and_entity_is_trained(training_data: TrainingData) -> None:
    intents = {e.get("intent") for e in training_data.training_examples}
    assert intents >= INTENTS
    keys = {
        e.get("intent_response_key").split("/", 1)[1]
        for e in training_data.training_examples
        if e.get("intent") == "faq"
    }
    # the contract's keys, and beside them the knowledge-base topics (test_knowledge_base.py
    # checks that the data and the knowledge files name the same topics)
    assert keys >= FAQ_KEYS
    assert training_data.entities >= ENTITIES
    fault_values = {
        ent["value"]
        for e in training_data.training_examples
        for ent in e.get("entities") or []
        if ent["entity"] == "fault_type"
    }
    assert fault_values <= FAULT_VALUES


def test_the_contract_file_names_the_same_intents() -> None:
    if not CONTRACT.exists():
        pytest.skip("shared/spec is not beside this checkout")
    table = CONTRACT.read_text(encoding="utf-8")
    named = set(re.findall(r"^\| `(\w+)` \|", table, re.M))
    assert named | {"faq"} >= INTENTS | ENTITIES


def test_no_duplicate_examples(training_data: TrainingData) -> None:
    seen: dict[str, str] = {}
    duplicates = []
    for example in training_data.training_examples:
        text = example.get("text")
        if text in seen:
            duplicates.append((text, seen[text], example.get("intent")))
        seen[text] = example.get("intent")
    assert not duplicates


def test_every_entity_span_falls_on_token_boundaries(training_data: TrainingData) -> None:
    normalizer = TextNormalizer.create(
        {**TextNormalizer.get_default_config()},
        None,
        None,
        None,  # type: ignore[arg-type]
    )
    normalizer.process_training_data(training_data)
    jieba_config = {**JiebaTokenizer.get_default_config(), **_pipeline_config("JiebaTokenizer")}
    jieba_config["dictionary_path"] = str(ROOT / jieba_config["dictionary_path"])
    tokenizer = JiebaTokenizer.create(jieba_config, None, None, None)  # type: ignore[arg-type]
    misaligned = []
    for example in training_data.training_examples:
        entities = example.get("entities") or []
        if not entities:
            continue
        tokens = tokenizer.tokenize(example, "text")
        starts = {t.start for t in tokens}
        ends = {t.end for t in tokens}
        for entity in entities:
            if entity["start"] not in starts or entity["end"] not in ends:
                misaligned.append((example.get("text"), entity["entity"], entity["value"]))
    assert not misaligned, misaligned[:20]


def test_every_annotated_fault_word_reaches_the_actions_as_its_type(
    training_data: TrainingData,
) -> None:
    # What an action receives for a fault word the model extracts: the EntitySynonymMapper's
    # value (synonyms.yml and the annotations' own values), else the word read by
    # bot.nlu.faults.fault_type_of. Either way it must be the type the annotation gives.
    from bot.nlu.faults import fault_type_of

    synonyms = training_data.entity_synonyms
    wrong = set()
    for message in training_data.training_examples:
        for entity in message.get("entities") or []:
            if entity["entity"] != "fault_type":
                continue
            word = message.get("text")[entity["start"] : entity["end"]]
            mapped = synonyms.get(word, word)
            reached = mapped if mapped in FAULT_VALUES else fault_type_of(mapped)
            if reached != entity["value"]:
                wrong.add((word, entity["value"], reached))
    assert not wrong, sorted(wrong)
