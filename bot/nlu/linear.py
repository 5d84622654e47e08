"""`LinearIntentClassifier`: intents and FAQ keys from n-gram features and a calibrated linear SVM.

Why not DIET and Rasa's ResponseSelector: on ~3,400 training messages, character n-grams with a
linear classifier generalise better than a transformer trained from scratch (held-out test set,
docs/nlu.md variant table), they train in seconds instead of minutes, parse in about a
millisecond instead of ~10, and keep no TensorFlow model in the server's memory. No pretrained
Chinese encoder installs here with its weights, which is what DIET would need to pull ahead.

Features, per message (the text after `TextNormalizer`, so traditional characters, full-width
digits and Chinese numerals are already folded):

* TF-IDF of character 1–3-grams inside word boundaries (`char_wb`): typos (暖器), dialect and
  unseen words share most of their characters with the training words;
* TF-IDF of the JiebaTokenizer's words (with the domain dictionary), so 不热 and 热 are told apart.

The key model counts both on the message with its domain words in one spelling
(`bot.nlu.terms`: 散热器 → 暖气片, 取暖费 → 暖气费, 用户编号 → 户号, zfb → 支付宝), so an example
teaches every spelling of its words (`canonical_terms`, on by default). The intent model keeps
the words as written: with the same folding it lost 0.2 points of intent accuracy and one
out-of-scope message of 66 on the NLU test set.

Classifier: `LinearSVC` with a sigmoid calibrated on 5-fold cross-validated decisions
(`CalibratedClassifierCV(ensemble=False)`), so the confidence is a probability the
FallbackClassifier threshold can be set on (chosen on training folds, docs/nlu.md). Two models
are trained: intents (a retrieval intent counts as one intent, `faq`) and the retrieval intent's
keys (`faq/heating_season` …). The key model weighs each topic's examples by the inverse of their
number (`class_weight="balanced"`, `balanced_keys`): the eleven old topics have four times the
examples of the newer ones, and without the weights a question worded unlike both went to the old
topic for its size. Its probabilities come from one sigmoid shared by all topics
(`PooledSigmoid`), fitted on cross-validated decisions: a sigmoid per topic learns each topic's
share of the examples again and undid most of the weighting. Measured on the training data with
one writer's 539 questions held out (the others train): 87.9 % top-1 before, 90.7 % with both. The
key is written where Rasa's ResponseSelector writes it
(`response_selector.faq.response.intent_response_key`), which is what
`action_answer_faq` and Rasa's processor read.

Both models read the same feature row, computed once per message. The arithmetic is in plain
functions (`fit_features`, `fit_model`, `LinearModel.ranking`) that tests call directly; the class
does the Rasa plumbing.
"""

from __future__ import annotations

import functools
import logging
import pickle
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.constants import RESPONSE_SELECTOR_PROPERTY_NAME, TOKENS_NAMES
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    INTENT_RESPONSE_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from scipy.special import expit
from sklearn.base import clone
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.svm import LinearSVC

from bot.nlu.clauses import CLAUSES, clause_spans
from bot.nlu.terms import canonical_terms, canonical_tokens

__all__ = [
    "LinearIntentClassifier",
    "LinearModel",
    "NgramFeatures",
    "PooledSigmoid",
    "RowEncoder",
    "calibrated_probabilities",
    "fit_features",
    "fit_model",
    "fit_pooled_sigmoid",
    "response_selector_output",
]

logger = logging.getLogger(__name__)

MODEL_FILE = "linear_models.pkl"


def _words(tokens: Sequence[str]) -> list[str]:
    """The word analyzer: the tokenizer's words, lower-cased (module level so it pickles)."""
    return [token.lower() for token in tokens]


@dataclass
class NgramFeatures:
    """The two TF-IDF vectorisers; one feature row serves the intent and the key model."""

    chars: TfidfVectorizer
    words: TfidfVectorizer

    def transform(self, texts: Sequence[str], tokens: Sequence[Sequence[str]]) -> Any:
        """Sparse rows: character n-grams, then words."""
        return scipy.sparse.hstack(
            [self.chars.transform(list(texts)), self.words.transform(list(tokens))], format="csr"
        )


class RowEncoder:
    """One message → its feature row: the numbers of `NgramFeatures.transform`, a tenth the cost.

    scikit-learn's vectorisers build, check, scale and normalise a sparse matrix per call; for
    one message that overhead was most of the classifier's time and a seventh of the Rasa
    server's main thread under load (docs/performance.md). This reads the fitted vocabularies
    and idf weights and does the same arithmetic on one row: counts of the analyzer's features,
    `1 + log(count)`, times idf, L2-normalised per vectoriser, character columns first.
    """

    def __init__(self, features: NgramFeatures) -> None:
        self.features = features
        self._parts = [
            (vectorizer.build_analyzer(), vectorizer.vocabulary_, vectorizer.idf_)
            for vectorizer in (features.chars, features.words)
        ]
        self._width = sum(len(vocabulary) for _, vocabulary, _ in self._parts)

    def row(self, text: str, tokens: Sequence[str]) -> scipy.sparse.csr_matrix:
        """The 1 × features row of one message."""
        columns: list[np.ndarray] = []
        values: list[np.ndarray] = []
        offset = 0
        for (analyze, vocabulary, idf), document in zip(self._parts, (text, tokens), strict=True):
            counts: dict[int, int] = {}
            for feature in analyze(document):
                column = vocabulary.get(feature)
                if column is not None:
                    counts[column] = counts.get(column, 0) + 1
            if counts:
                found = np.fromiter(sorted(counts), dtype=np.int64, count=len(counts))
                weights = (np.log([counts[c] for c in found]) + 1.0) * idf[found]
                norm = np.sqrt(np.dot(weights, weights))
                columns.append(found + offset)
                values.append(weights / norm if norm > 0 else weights)
            offset += len(vocabulary)
        data = np.concatenate(values) if values else np.zeros(0)
        indices = np.concatenate(columns) if columns else np.zeros(0, dtype=np.int64)
        return scipy.sparse.csr_matrix(
            (data, indices, np.array([0, len(data)])), shape=(1, self._width)
        )


def fit_features(
    texts: Sequence[str], tokens: Sequence[Sequence[str]], config: dict[str, Any]
) -> tuple[NgramFeatures, Any]:
    """Fit the vectorisers on every training message; return them and the training rows."""
    if not texts:
        raise ValueError("no training messages")
    low, high = (int(n) for n in config["char_ngram_range"])
    chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(low, high), sublinear_tf=True)
    words = TfidfVectorizer(analyzer=_words, sublinear_tf=True)
    chars.fit(list(texts))
    words.fit(list(tokens))
    features = NgramFeatures(chars, words)
    return features, features.transform(texts, tokens)


@dataclass
class PooledSigmoid:
    """A linear SVM whose decisions become probabilities through one sigmoid for every label.

    `expit(slope · decision + offset)` per label, divided by their sum. One sigmoid keeps the
    SVM's order of the labels (a sigmoid per label re-ranks them by how many examples each had,
    which is what class weights are there to avoid) and still says how sure the ranking is; the
    slope and offset are fitted on decisions the SVM made for rows it was not trained on
    (cross-validation), as `CalibratedClassifierCV` does per label.
    """

    svm: LinearSVC
    slope: float
    offset: float

    @property
    def classes_(self) -> np.ndarray:
        """The labels, in the order of the probabilities."""
        return np.asarray(self.svm.classes_)

    def predict_proba(self, rows: Any) -> np.ndarray:
        """One row of label probabilities per feature row."""
        proba = expit(self.slope * _per_label(self.svm.decision_function(rows)) + self.offset)
        return np.asarray(proba / proba.sum(axis=1, keepdims=True))


def _per_label(decisions: Any) -> np.ndarray:
    """An SVM's decisions as one column per label (two labels give one signed column)."""
    decisions = np.asarray(decisions)
    return np.column_stack([-decisions, decisions]) if decisions.ndim == 1 else decisions


def fit_pooled_sigmoid(svm: LinearSVC, rows: Any, labels: np.ndarray, folds: int) -> PooledSigmoid:
    """Fit `svm` on all rows and one sigmoid on its cross-validated decisions (pure)."""
    decisions = cross_val_predict(
        clone(svm), rows, labels, cv=StratifiedKFold(folds), method="decision_function"
    )
    svm.fit(rows, labels)
    truth = (np.asarray(svm.classes_)[None, :] == labels[:, None]).astype(int)
    sigmoid = LogisticRegression(C=1e4).fit(_per_label(decisions).reshape(-1, 1), truth.ravel())
    return PooledSigmoid(svm, float(sigmoid.coef_[0, 0]), float(sigmoid.intercept_[0]))


@dataclass
class LinearModel:
    """A calibrated classifier over feature rows (or the one label it was trained on)."""

    classifier: CalibratedClassifierCV | PooledSigmoid | None
    only_label: str | None = None

    def ranking(self, row: Any, length: int) -> list[tuple[str, float]]:
        """The `length` most probable labels for one feature row, best first."""
        if self.classifier is None:
            return [(str(self.only_label), 1.0)]
        probabilities = calibrated_probabilities(self.classifier, row)
        order = np.argsort(-probabilities)
        order = order[:length] if length > 0 else order  # Rasa's convention: 0 = all
        return [(str(self.classifier.classes_[i]), float(probabilities[i])) for i in order]


@functools.lru_cache(maxsize=8)
def _sigmoids(classifier: CalibratedClassifierCV) -> tuple[Any, np.ndarray, np.ndarray] | None:
    """The SVM and its calibrators' slopes and offsets in class order, for
    `calibrated_probabilities`; None where it does not apply (several calibrated SVMs, two
    classes)."""
    if len(classifier.calibrated_classifiers_) != 1 or len(classifier.classes_) < 3:
        return None
    calibrated = classifier.calibrated_classifiers_[0]
    # scikit-learn 1.1's private attributes (pinned); anything else takes `predict_proba`
    svm = getattr(calibrated, "base_estimator", None)
    calibrators = getattr(calibrated, "calibrators", None)
    if svm is None or not calibrators or not np.array_equal(svm.classes_, classifier.classes_):
        return None
    if not all(hasattr(c, "a_") and hasattr(c, "b_") for c in calibrators):
        return None
    slopes = np.array([c.a_ for c in calibrators], dtype=float)
    offsets = np.array([c.b_ for c in calibrators], dtype=float)
    return svm, slopes, offsets


def calibrated_probabilities(
    classifier: CalibratedClassifierCV | PooledSigmoid, row: Any
) -> np.ndarray:
    """`classifier.predict_proba(row)[0]`, computed in one vectorised step.

    scikit-learn runs each class's calibrator separately and checks its input every time (a
    quarter of a millisecond per message for ~30 intents, twice per message). Same formulas:
    one SVM decision per class, `expit(-(a·d + b))`, divided by their sum (uniform if it is 0),
    values a hair over 1 set to 1. A test compares both on every training message.
    """
    if isinstance(classifier, PooledSigmoid):
        return classifier.predict_proba(row)[0]
    fitted = _sigmoids(classifier)
    if fitted is None:
        return np.asarray(classifier.predict_proba(row)[0])
    svm, slopes, offsets = fitted
    decisions = np.asarray(svm.decision_function(row))[0]
    proba = expit(-(slopes * decisions + offsets))
    total = proba.sum()
    proba = proba / total if total != 0 else np.full_like(proba, 1 / len(proba))
    proba[(proba > 1.0) & (proba <= 1.0 + 1e-5)] = 1.0
    return proba


def fit_model(
    rows: Any, labels: Sequence[str], config: dict[str, Any], balanced: bool = False
) -> LinearModel:
    """Train one classifier on feature rows; a single label needs none (it is always that label).

    One SVM on all rows, its sigmoid calibrated on cross-validated decisions (`ensemble=False`):
    as accurate as averaging one calibrated SVM per fold (5-fold CV on the training data) and a
    fifth of the work per message. `balanced` weighs each label's rows by the inverse of their
    number, so a label is not preferred for having more examples, and calibrates with one sigmoid
    for all labels (`PooledSigmoid`, the module docstring).
    """
    distinct = sorted(set(labels))
    if not distinct:
        raise ValueError("no training messages")
    if len(distinct) == 1:
        return LinearModel(None, distinct[0])
    counts = {label: list(labels).count(label) for label in distinct}
    lonely = sorted(label for label, count in counts.items() if count < 2)
    if lonely:
        raise ValueError(f"every label needs at least 2 training messages; these have 1: {lonely}")
    folds = min(int(config["calibration_folds"]), min(counts.values()))
    if balanced:
        svm = LinearSVC(C=float(config["C"]), random_state=0, class_weight="balanced")
        return LinearModel(fit_pooled_sigmoid(svm, rows, np.asarray(labels), folds))
    classifier = CalibratedClassifierCV(
        LinearSVC(C=float(config["C"]), random_state=0),
        cv=folds,
        method="sigmoid",
        ensemble=False,
    )
    # an array, not a list: scikit-learn 1.1 counts each class with `y == class_`
    classifier.fit(rows, np.asarray(labels))
    return LinearModel(classifier)


def response_selector_output(
    retrieval_intent: str,
    ranking: Sequence[tuple[str, float]],
    responses: dict[str, list[dict[str, Any]]],
) -> dict[str, Any]:
    """The `response_selector` entry Rasa's ResponseSelector would write for this key ranking.

    `responses` (the domain's texts for the chosen key) completes Rasa's format for any other
    reader; this project's `action_answer_faq` reads only the key.
    """
    best_key, confidence = ranking[0]
    return {
        "all_retrieval_intents": [retrieval_intent],
        retrieval_intent: {
            "response": {
                "responses": responses.get(f"utter_{best_key}"),
                PREDICTED_CONFIDENCE_KEY: confidence,
                INTENT_RESPONSE_KEY: best_key,
                "utter_action": f"utter_{best_key}",
            },
            "ranking": [
                {INTENT_RESPONSE_KEY: key, PREDICTED_CONFIDENCE_KEY: p} for key, p in ranking
            ],
        },
    }


def _tokens(message: Message) -> list[str]:
    return [token.text for token in message.get(TOKENS_NAMES[TEXT]) or []]


def _tokens_within(message: Message, start: int, end: int) -> list[str]:
    return [
        token.text
        for token in message.get(TOKENS_NAMES[TEXT]) or []
        if token.start >= start and token.end <= end
    ]


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class LinearIntentClassifier(GraphComponent, IntentClassifier):
    """Intents and retrieval keys from a calibrated linear SVM (see the module docstring).

    Config: `C` (1.0) of the SVM, `char_ngram_range` ([1, 3]), `calibration_folds` (5),
    `retrieval_intent` (`faq`), `ranking_length` (10), `canonical_terms` (true: the key model's
    features on the domain words' one spelling), `balanced_keys` (true: topics weighed by their
    example counts).
    """

    @staticmethod
    def required_components() -> list[type]:
        """Word features come from a tokenizer placed before this component."""
        from rasa.nlu.tokenizers.tokenizer import Tokenizer

        return [Tokenizer]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """Defaults; see the class docstring."""
        return {
            "C": 1.0,
            "char_ngram_range": [1, 3],
            "calibration_folds": 5,
            "retrieval_intent": "faq",
            "ranking_length": 10,
            "canonical_terms": True,
            "balanced_keys": True,
        }

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        models: dict[str, Any] | None = None,
    ) -> None:
        """Keep the config, where to persist, and the trained models (if any)."""
        self._config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self._models: dict[str, Any] = dict(models or {})
        self._encoder: RowEncoder | None = None
        self._key_encoder: RowEncoder | None = None

    def _rows(self, text: str, tokens: list[str]) -> tuple[Any, Any]:
        """The message's feature row for the intent model and the one for the key model (the
        same row unless the key model counts the domain words' one spelling)."""
        features: NgramFeatures = self._models["features"]
        if self._encoder is None or self._encoder.features is not features:
            self._encoder = RowEncoder(features)
        row = self._encoder.row(text, tokens)
        key_features: NgramFeatures | None = self._models.get("key_features")
        if key_features is None:
            return row, row
        if self._key_encoder is None or self._key_encoder.features is not key_features:
            self._key_encoder = RowEncoder(key_features)
        return row, self._key_encoder.row(canonical_terms(text), canonical_tokens(tokens))

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> LinearIntentClassifier:
        """A new, untrained component."""
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        """Fit the intent model on every example and the key model on the retrieval intent's."""
        retrieval = self._config["retrieval_intent"]
        texts, tokens, intents, keys = [], [], [], []
        for example in training_data.intent_examples:
            text, intent = example.get(TEXT), example.get(INTENT)
            if not text or not intent:
                continue
            texts.append(text)
            tokens.append(_tokens(example))
            intents.append(intent)
            keys.append(example.get(INTENT_RESPONSE_KEY) or "")
        features, rows = fit_features(texts, tokens, self._config)
        key_features, key_feature_rows = None, rows
        if self._config["canonical_terms"]:
            key_features, key_feature_rows = fit_features(
                [canonical_terms(text) for text in texts],
                [canonical_tokens(words) for words in tokens],
                self._config,
            )
        key_rows = [i for i, intent in enumerate(intents) if intent == retrieval and keys[i]]
        self._models = {
            "features": features,
            "key_features": key_features,
            "intent": fit_model(rows, intents, self._config),
            "key": (
                fit_model(
                    key_feature_rows[key_rows],
                    [keys[i] for i in key_rows],
                    self._config,
                    balanced=bool(self._config["balanced_keys"]),
                )
                if key_rows
                else None
            ),
            "responses": {
                name: list(variants)
                for name, variants in training_data.responses.items()
                if name.startswith(f"utter_{retrieval}/")
            },
        }
        with self._model_storage.write_to(self._resource) as directory:
            (directory / MODEL_FILE).write_bytes(pickle.dumps(self._models))
        return self._resource

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> LinearIntentClassifier:
        """Load the persisted models; without them every message gets no intent (confidence 0)."""
        models: dict[str, Any] = {}
        try:
            with model_storage.read_from(resource) as directory:
                models = pickle.loads((directory / MODEL_FILE).read_bytes())  # our own file
        except (ValueError, OSError):
            logger.warning("LinearIntentClassifier: no trained model; messages get no intent")
        return cls(config, model_storage, resource, models)

    def process(self, messages: list[Message]) -> list[Message]:
        """Set each message's intent, ranking and (for the retrieval intent) its key."""
        features: NgramFeatures | None = self._models.get("features")
        intent_model: LinearModel | None = self._models.get("intent")
        key_model: LinearModel | None = self._models.get("key")
        length = int(self._config["ranking_length"])
        retrieval = str(self._config["retrieval_intent"])
        for message in messages:
            text = message.get(TEXT)
            if (
                features is None
                or intent_model is None
                or not isinstance(text, str)
                or not text.strip()
            ):
                # what Rasa's classifiers give a message they cannot read: no intent, confidence 0
                # (the FallbackClassifier and the InputGuard after this expect the key)
                message.set(INTENT, {INTENT_NAME_KEY: None, PREDICTED_CONFIDENCE_KEY: 0.0}, True)
                message.set(INTENT_RANKING_KEY, [], add_to_output=True)
                continue
            row, key_row = self._rows(text, _tokens(message))
            ranking = [
                {INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: p}
                for name, p in intent_model.ranking(row, length)
            ]
            message.set(INTENT, dict(ranking[0]), add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
            if key_model is not None:
                selector = response_selector_output(
                    retrieval,
                    key_model.ranking(key_row, length),
                    self._models.get("responses") or {},
                )
                message.set(RESPONSE_SELECTOR_PROPERTY_NAME, selector, add_to_output=True)
            clauses = self._clauses(message, text, intent_model, key_model)
            if clauses:
                message.set(CLAUSES, clauses, add_to_output=True)
        return messages

    def _clauses(
        self,
        message: Message,
        text: str,
        intent_model: LinearModel,
        key_model: LinearModel | None,
    ) -> list[dict[str, Any]]:
        """Each clause of a message that asks several things (`bot.nlu.clauses`) with its own
        intent and knowledge-base topic, best guess and probability; empty for one clause.

        The intent of the whole message names one of the things asked; the actions answer the
        others from these (a greeting before a request is the request, a second question gets
        its answer too)."""
        spans = clause_spans(text)
        if len(spans) < 2 or self._encoder is None:
            return []
        clauses = []
        for start, end in spans:
            row, key_row = self._rows(text[start:end], _tokens_within(message, start, end))
            intent, confidence = intent_model.ranking(row, 1)[0]
            clause: dict[str, Any] = {
                TEXT: text[start:end],
                INTENT_NAME_KEY: intent,
                PREDICTED_CONFIDENCE_KEY: confidence,
            }
            if key_model is not None:
                key, clause["topic_confidence"] = key_model.ranking(key_row, 1)[0]
                clause["topic"] = key.split("/", 1)[-1]
            clauses.append(clause)
        return clauses
