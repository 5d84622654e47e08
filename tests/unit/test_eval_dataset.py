"""bot.evaluation.dataset: gold examples normalised like the pipeline, spans moved with the text."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from bot.evaluation.dataset import (
    Prediction,
    load_examples,
    load_training_data,
    normaliser_config,
)

CONFIG_WITH_NORMALIZER = textwrap.dedent(
    """
    language: zh
    pipeline:
      - name: bot.nlu.components.TextNormalizer
      - name: JiebaTokenizer
    """
)

NLU = textwrap.dedent(
    """
    version: "3.1"
    nlu:
    - intent: inform
      examples: |
        - 户号[０１０２ ３４５６ ７８](account_no)，[不熱]{"entity":"fault_type","value":"no_heat"}
        - 屋里才[十四度](temperature)
    - intent: faq/heating_season
      examples: |
        - 什么时候供暖
    - intent: greet
      examples:
      - text: '你好👋'
        metadata: {hard: [emoji, short]}
    """
)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "config.yml").write_text(CONFIG_WITH_NORMALIZER, encoding="utf-8")
    data = tmp_path / "nlu"
    data.mkdir()
    (data / "set.yml").write_text(NLU, encoding="utf-8")
    (data / "README.md").write_text("# not NLU data\n\nRasa's load_data chokes on this.\n")
    return tmp_path


def test_gold_text_and_spans_are_normalised_consistently(project: Path) -> None:
    examples = load_examples(project / "nlu", project / "config.yml")
    first = examples[0]
    assert first.text.startswith("户号０１０２")
    assert first.normalised == "户号0102345678,不热"
    spans = {s.entity: s for s in first.spans}
    account = spans["account_no"]
    assert first.normalised[account.start : account.end] == "0102345678"
    assert account.value == "0102345678"  # the value followed the text
    fault = spans["fault_type"]
    assert first.normalised[fault.start : fault.end] == "不热"
    assert fault.value == "no_heat"  # a synonym value is kept as annotated


def test_chinese_numerals_shrink_the_span(project: Path) -> None:
    second = load_examples(project / "nlu", project / "config.yml")[1]
    (temperature,) = second.spans
    assert second.normalised[temperature.start : temperature.end] == "14度"


def test_retrieval_intents_and_metadata_tags(project: Path) -> None:
    faq, greet = load_examples(project / "nlu", project / "config.yml")[2:]
    assert (faq.intent, faq.response_key) == ("faq", "heating_season")
    assert greet.response_key is None
    assert greet.tags == ("emoji", "short")


def test_without_a_normalizer_in_the_pipeline_text_stays_as_written(project: Path) -> None:
    plain = project / "plain.yml"
    plain.write_text("pipeline:\n  - name: JiebaTokenizer\n", encoding="utf-8")
    assert normaliser_config(plain) is None
    first = load_examples(project / "nlu", plain)[0]
    assert first.normalised == first.text


def test_normaliser_config_is_the_pipeline_entry(project: Path) -> None:
    assert normaliser_config(project / "config.yml") == {
        "name": "bot.nlu.components.TextNormalizer"
    }
    assert normaliser_config(None) is None


def test_a_folder_is_read_file_by_file_skipping_non_nlu_files(project: Path) -> None:
    assert len(load_training_data(project / "nlu").training_examples) == 4
    with pytest.raises(FileNotFoundError):
        load_training_data(project / "missing")


def test_prediction_response_key_by_retrieval_intent() -> None:
    prediction = Prediction("faq", response_keys={"faq": "invoice"})
    assert prediction.response_key("faq") == "invoice"
    assert prediction.response_key("chitchat") is None


def test_the_knowledge_base_paraphrase_sets_are_not_part_of_a_folder(project: Path) -> None:
    """kb_paraphrases_*.yml sit in tests/nlu but are scored by `kb-eval` alone: the NLU figures
    must not change with them, and the held-out one must not be scored on every NLU run."""
    (project / "nlu" / "kb_paraphrases_heldout.yml").write_text(NLU, encoding="utf-8")
    assert len(load_training_data(project / "nlu").training_examples) == 4
