"""bot.nlu.linear: the n-gram SVM trains, ranks, persists and answers where Rasa reads it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.tokenizers.jieba_tokenizer import JiebaTokenizer
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.linear import (
    LinearIntentClassifier,
    PooledSigmoid,
    RowEncoder,
    _sigmoids,
    calibrated_probabilities,
    fit_features,
    fit_model,
    response_selector_output,
)

REPAIR = ["暖气不热", "暖气片漏水了", "家里暖气冰凉", "暖气管子滴水", "阀门拧不动了", "暖气片不热"]
OUTAGE = ["小区停暖了吗", "什么时候恢复供热", "今天怎么停热了", "片区停暖通知", "为啥整个楼都停暖"]
FAQ = {
    "faq/heating_season": ["几号开始供暖", "什么时候来暖气", "供暖季到几号", "今年啥时候供热"],
    "faq/payment_channels": ["在哪交暖气费", "支付宝能交费吗", "微信怎么缴费", "银行能交取暖费吗"],
}
CONFIG = {**LinearIntentClassifier.get_default_config(), "calibration_folds": 3}


def _example(text: str, intent: str, key: str | None = None) -> Message:
    data: dict[str, Any] = {TEXT: text, INTENT: intent}
    if key:
        data["intent_response_key"] = key
    return Message(data=data)


def _tokenized(messages: list[Message]) -> list[Message]:
    tokenizer = JiebaTokenizer.create(JiebaTokenizer.get_default_config(), None, None, None)  # type: ignore[arg-type]
    tokenizer.process(messages)
    return messages


def _training_data() -> TrainingData:
    examples = [_example(t, "report_repair") for t in REPAIR]
    examples += [_example(t, "query_outage") for t in OUTAGE]
    examples += [_example(t, "faq", key) for key, texts in FAQ.items() for t in texts]
    data = TrainingData(
        training_examples=_tokenized(examples),
        responses={"utter_faq/heating_season": [{"text": "11月15日"}]},
    )
    return data


def test_fit_model_ranks_unseen_paraphrases_and_gives_probabilities() -> None:
    texts = REPAIR + OUTAGE
    labels = ["report_repair"] * len(REPAIR) + ["query_outage"] * len(OUTAGE)
    features, rows = fit_features(texts, [list(text) for text in texts], CONFIG)
    model = fit_model(rows, labels, CONFIG)

    def row(text: str) -> object:
        return features.transform([text], [list(text)])

    ranking = model.ranking(row("我家暖气片冰凉冰凉的"), 10)
    assert ranking[0][0] == "report_repair"
    assert [label for label, _ in ranking] == ["report_repair", "query_outage"]
    assert ranking[0][1] > ranking[1][1]
    assert sum(p for _, p in ranking) == pytest.approx(1.0)
    assert model.ranking(row("停暖了吗"), 1)[0][0] == "query_outage"


def test_the_one_message_encoder_gives_scikit_learns_rows_and_probabilities() -> None:
    """`RowEncoder.row` and `calibrated_probabilities` are the fast paths of every parse: the
    same numbers as the vectorisers' `transform` and the calibrated SVM's `predict_proba`."""
    texts = REPAIR + OUTAGE + [t for group in FAQ.values() for t in group]
    labels = ["report_repair"] * len(REPAIR) + ["query_outage"] * len(OUTAGE)
    labels += [key for key, group in FAQ.items() for _ in group]
    tokens = [list(text) for text in texts]
    features, rows = fit_features(texts, tokens, CONFIG)
    model = fit_model(rows, labels, CONFIG)
    binary = fit_model(
        rows[: len(REPAIR) + len(OUTAGE)], labels[: len(REPAIR) + len(OUTAGE)], CONFIG
    )
    encoder = RowEncoder(features)
    assert _sigmoids(model.classifier) is not None  # the fast path, not the fallback, is tested
    probes = [*texts, "暖气片冰凉冰凉的", "ABC", "", "👍👍", "暖气 暖气 暖气"]
    for text in probes:
        expected = features.transform([text], [list(text)])
        row = encoder.row(text, list(text))
        assert row.shape == expected.shape
        assert np.allclose(row.toarray(), expected.toarray(), rtol=0, atol=1e-15)
        for classifier in (model.classifier, binary.classifier):
            assert np.allclose(
                calibrated_probabilities(classifier, row),
                classifier.predict_proba(expected)[0],
                atol=1e-15,
            )


def test_one_label_needs_no_classifier() -> None:
    features, rows = fit_features(["你好", "您好"], [["你好"], ["您好"]], CONFIG)
    model = fit_model(rows, ["greet", "greet"], CONFIG)
    assert model.ranking(features.transform(["随便"], [["随便"]]), 10) == [("greet", 1.0)]


def test_fit_model_refuses_empty_training_data() -> None:
    with pytest.raises(ValueError, match="no training messages"):
        fit_features([], [], CONFIG)


def test_response_selector_output_is_where_rasa_and_the_faq_action_read_it() -> None:
    out = response_selector_output(
        "faq",
        [("faq/heating_season", 0.8), ("faq/hotline", 0.2)],
        {"utter_faq/heating_season": [{"text": "11月15日"}]},
    )
    assert out["all_retrieval_intents"] == ["faq"]
    response = out["faq"]["response"]
    assert response["intent_response_key"] == "faq/heating_season"
    assert response["utter_action"] == "utter_faq/heating_season"
    assert response["responses"] == [{"text": "11月15日"}]
    assert response["confidence"] == 0.8
    assert [r["intent_response_key"] for r in out["faq"]["ranking"]] == [
        "faq/heating_season",
        "faq/hotline",
    ]


def test_component_trains_persists_loads_and_classifies(tmp_path: Path) -> None:
    storage = LocalModelStorage(tmp_path)
    resource = Resource("linear")
    component = LinearIntentClassifier.create(CONFIG, storage, resource, None)  # type: ignore[arg-type]
    component.train(_training_data())
    loaded = LinearIntentClassifier.load(CONFIG, storage, resource, None)  # type: ignore[arg-type]

    faq, repair = _tokenized(
        [Message(data={TEXT: "今年啥时候开始来暖气"}), Message(data={TEXT: "暖气片漏水咋办"})]
    )
    loaded.process([faq, repair])

    assert faq.get(INTENT)["name"] == "faq"
    assert faq.get(INTENT_RANKING_KEY)[0] == faq.get(INTENT)
    response = faq.get("response_selector")["faq"]["response"]
    assert response["intent_response_key"] == "faq/heating_season"
    assert response["responses"] == [{"text": "11月15日"}]
    assert repair.get(INTENT)["name"] == "report_repair"


def test_balanced_topics_are_not_chosen_for_their_number_of_examples() -> None:
    """A topic with many examples must not take a question that shares as much with a topic of
    few: the balanced model ranks by the words, the unweighted one leans to the big topic."""
    big = ["暖气费在哪交", "暖气费怎么交", "暖气费去银行交", "暖气费网上交", "暖气费营业厅交",
           "暖气费交到哪", "暖气费能代交吗", "暖气费交给谁"]  # fmt: skip
    small = ["暖气费发票怎么开", "暖气费发票去哪开"]
    texts = big + small
    labels = ["faq/payment_channels"] * len(big) + ["faq/invoice"] * len(small)
    tokens = [list(text) for text in texts]
    features, rows = fit_features(texts, tokens, CONFIG)
    balanced = fit_model(rows, labels, CONFIG, balanced=True)
    plain = fit_model(rows, labels, CONFIG)
    assert isinstance(balanced.classifier, PooledSigmoid)
    query = features.transform(["发票暖气费"], [list("发票暖气费")])
    assert balanced.ranking(query, 1)[0][0] == "faq/invoice"
    assert balanced.ranking(query, 1)[0][1] > plain.ranking(query, 2)[1][1]


def test_one_sigmoid_keeps_the_svms_order_and_gives_probabilities() -> None:
    texts = REPAIR + OUTAGE + [t for group in FAQ.values() for t in group]
    labels = ["report_repair"] * len(REPAIR) + ["query_outage"] * len(OUTAGE)
    labels += [key for key, group in FAQ.items() for _ in group]
    features, rows = fit_features(texts, [list(text) for text in texts], CONFIG)
    model = fit_model(rows, labels, CONFIG, balanced=True)
    assert isinstance(model.classifier, PooledSigmoid)
    assert model.classifier.slope > 0  # a larger decision is a more probable label
    for text in [*texts, "暖气片冰凉冰凉的", "支付宝交暖气费", "ABC"]:
        row = features.transform([text], [list(text)])
        decisions = model.classifier.svm.decision_function(row)[0]
        probabilities = calibrated_probabilities(model.classifier, row)
        assert probabilities.sum() == pytest.approx(1.0)
        assert list(np.argsort(-probabilities)) == list(np.argsort(-decisions))
        assert [label for label, _ in model.ranking(row, 0)] == [
            str(model.classifier.classes_[i]) for i in np.argsort(-decisions)
        ]


def test_the_topic_model_reads_every_spelling_of_a_word(tmp_path: Path) -> None:
    """Examples written with 采暖费 / 发票 teach the topic to questions written with 取暖费 / fp
    (bot.nlu.terms); the intent model reads the words as written."""
    storage = LocalModelStorage(tmp_path)
    resource = Resource("linear")
    examples = [_example(t, "report_repair") for t in REPAIR]
    examples += [_example(t, "faq", "faq/invoice") for t in ["发票怎么开", "发票在哪开", "要发票"]]
    examples += [
        _example(t, "faq", "faq/payment_channels")
        for t in ["怎么缴费", "微信能缴费吗", "缴费渠道", "在哪缴费"]
    ]
    component = LinearIntentClassifier.create(CONFIG, storage, resource, None)  # type: ignore[arg-type]
    component.train(TrainingData(training_examples=_tokenized(examples)))
    (message,) = component.process(_tokenized([Message(data={TEXT: "fp咋整"})]))
    ranking = message.get("response_selector")["faq"]["ranking"]
    assert ranking[0]["intent_response_key"] == "faq/invoice"
    plain = LinearIntentClassifier.create(
        {**CONFIG, "canonical_terms": False}, storage, Resource("plain"), None  # type: ignore[arg-type]
    )
    plain.train(TrainingData(training_examples=_tokenized(examples)))
    (message,) = plain.process(_tokenized([Message(data={TEXT: "fp咋整"})]))
    assert message.get("response_selector")["faq"]["ranking"][0]["intent_response_key"] != (
        "faq/invoice"
    )


def test_without_a_trained_model_messages_get_no_intent(tmp_path: Path) -> None:
    storage = LocalModelStorage(tmp_path)
    loaded = LinearIntentClassifier.load(CONFIG, storage, Resource("missing"), None)  # type: ignore[arg-type]
    (message,) = loaded.process(_tokenized([Message(data={TEXT: "暖气不热"})]))
    assert message.get(INTENT) == {"name": None, "confidence": 0.0}


@pytest.mark.parametrize("text", ["", "   "])
def test_empty_messages_get_no_intent_and_the_fallback_takes_them(
    text: str, tmp_path: Path
) -> None:
    from rasa.nlu.classifiers.fallback_classifier import FallbackClassifier

    storage = LocalModelStorage(tmp_path)
    component = LinearIntentClassifier.create(CONFIG, storage, Resource("linear"), None)  # type: ignore[arg-type]
    component.train(_training_data())
    (message,) = component.process(_tokenized([Message(data={TEXT: text})]))
    assert message.get(INTENT) == {"name": None, "confidence": 0.0}
    fallback = FallbackClassifier.create(FallbackClassifier.get_default_config(), None, None, None)  # type: ignore[arg-type]
    (message,) = fallback.process([message])
    assert message.get(INTENT)["name"] == "nlu_fallback"


def test_a_label_with_one_message_is_named_not_a_sklearn_error() -> None:
    texts = [*REPAIR, "小区停暖了吗"]
    _features, rows = fit_features(texts, [list(t) for t in texts], CONFIG)
    with pytest.raises(ValueError, match="query_outage"):
        fit_model(rows, ["report_repair"] * len(REPAIR) + ["query_outage"], CONFIG)


def test_ranking_length_cuts_and_zero_means_all() -> None:
    texts = REPAIR + OUTAGE
    features, rows = fit_features(texts, [list(t) for t in texts], CONFIG)
    model = fit_model(
        rows, ["report_repair"] * len(REPAIR) + ["query_outage"] * len(OUTAGE), CONFIG
    )
    row = features.transform(["暖气不热"], [list("暖气不热")])
    assert len(model.ranking(row, 1)) == 1
    assert len(model.ranking(row, 0)) == 2


def test_rasas_processor_reads_the_full_retrieval_intent_from_the_output() -> None:
    from rasa.core.processor import MessageProcessor

    parse_data: dict[str, Any] = {
        "intent": {"name": "faq", "confidence": 0.9},
        "response_selector": response_selector_output(
            "faq", [("faq/invoice", 0.9)], {"utter_faq/invoice": [{"text": "电子发票"}]}
        ),
    }
    MessageProcessor._update_full_retrieval_intent(None, parse_data)  # type: ignore[arg-type]
    assert parse_data["intent"]["full_retrieval_intent_name"] == "faq/invoice"


def test_each_clause_of_a_message_that_asks_two_things_is_classified(tmp_path: Path) -> None:
    """今年几号开始供暖？在哪交钱 微信能交不: the whole message gets one intent and one topic; the
    clauses each get theirs, so the second question is answered too."""
    component = LinearIntentClassifier.create(
        CONFIG, LocalModelStorage(tmp_path), Resource("l"), None
    )  # type: ignore[arg-type]
    component.train(_training_data())
    two, one = _tokenized(
        [
            Message(data={TEXT: "今年几号开始供暖?在哪交暖气费 微信能交吗"}),
            Message(data={TEXT: "暖气不热"}),
        ]
    )
    component.process([two, one])
    clauses = two.get("clauses")
    assert [c["text"] for c in clauses] == ["今年几号开始供暖?", "在哪交暖气费", "微信能交吗"]
    assert [c["topic"] for c in clauses] == ["heating_season", *["payment_channels"] * 2]
    assert all(c["name"] == "faq" and 0 < c["confidence"] <= 1 for c in clauses)
    assert one.get("clauses") is None  # one clause: nothing more to say
