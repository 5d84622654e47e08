"""`CharNgramEnsemble`: a second, character n-gram classifier averaged with DIET and the selector.

DIET is trained from scratch on ~2,000 sentences with sparse features and overfits them (see
docs/nlu.md: train folds 0.998, test folds 0.78); a TF-IDF character n-gram logistic regression
on the same data generalises about as well and makes different mistakes. This component trains
two such classifiers — intents (a retrieval intent counts as one intent, `faq`) and, for the
retrieval intent, its keys (faq/heating_season …) — and replaces the intent ranking and the
retrieval key by the weighted mean of the probabilities: `intent_weight` × DIET + (1 −
`intent_weight`) × the n-gram model, and `key_weight` × ResponseSelector + (1 − `key_weight`) ×
the key model. Weights are fixed in advance (0.5 by default), not tuned on the held-out set; a
weight of 1 switches that half off (its model is not even trained).

The averaged intent confidence is on another scale than DIET's (DIET is near 1.0 or near 0;
the n-gram model spreads its probability), so the FallbackClassifier threshold set for DIET
fires more often on it: docs/nlu.md records the measured effect.

Place it after DIETClassifier and ResponseSelector and before FallbackClassifier, so the
fallback threshold applies to the combined confidence:

    - name: ResponseSelector
    - name: bot.nlu.ensemble.CharNgramEnsemble
    - name: FallbackClassifier

It trains in seconds and is cached by Rasa like any component after DIET. The pure functions
(`mean_ranking`) hold the arithmetic; the class does the Rasa plumbing.
"""

from __future__ import annotations

import logging
import pickle
from collections.abc import Mapping, Sequence
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
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
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline

__all__ = ["CharNgramEnsemble", "mean_ranking"]

logger = logging.getLogger(__name__)

RESPONSE_SELECTOR = "response_selector"
MODEL_FILE = "char_ngram_models.pkl"
RANKING_LENGTH = 10


def mean_ranking(
    first: Mapping[str, float], second: Mapping[str, float], weight: float
) -> list[tuple[str, float]]:
    """Labels by `weight` × first + (1 − weight) × second, best first (a label missing = 0).

    Ties keep the order of `first`'s best label first, so with weight 1 the result is `first`.
    """
    labels = list(dict.fromkeys([*first, *second]))
    combined = {
        label: weight * first.get(label, 0.0) + (1.0 - weight) * second.get(label, 0.0)
        for label in labels
    }
    order = {label: i for i, label in enumerate(labels)}
    return sorted(combined.items(), key=lambda item: (-item[1], order[item[0]]))


def _fit(texts: Sequence[str], labels: Sequence[str], config: Mapping[str, Any]) -> Pipeline | None:
    if len(set(labels)) < 2:
        return None
    low, high = config["ngram_range"]
    model = make_pipeline(
        TfidfVectorizer(analyzer="char", ngram_range=(int(low), int(high)), sublinear_tf=True),
        LogisticRegression(C=float(config["C"]), max_iter=3000, random_state=0),
    )
    model.fit(list(texts), list(labels))
    return model


def _probabilities(model: Pipeline | None, text: str) -> dict[str, float]:
    if model is None:
        return {}
    probabilities = model.predict_proba([text])[0]
    return {str(label): float(p) for label, p in zip(model.classes_, probabilities, strict=True)}


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class CharNgramEnsemble(GraphComponent):
    """Averages DIET's intents and the selector's keys with character n-gram models (module doc).

    Config: `intent_weight` (0.5) of DIET, `key_weight` (0.5) of the ResponseSelector; `C` (10)
    and `ngram_range` ([1, 3]) of the n-gram models; `retrieval_intent` (`faq`) whose keys are
    re-ranked.
    """

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """Defaults; see the class docstring."""
        return {
            "intent_weight": 0.5,
            "key_weight": 0.5,
            "C": 10.0,
            "ngram_range": [1, 3],
            "retrieval_intent": "faq",
        }

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        models: Mapping[str, Pipeline | None] | None = None,
    ) -> None:
        """Keep the config, where to persist, and the trained models (if any)."""
        self._config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self._models: dict[str, Pipeline | None] = dict(models or {})

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> CharNgramEnsemble:
        """A new, untrained component."""
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        """Fit the intent model on all examples and the key model on the retrieval intent's."""
        retrieval = self._config["retrieval_intent"]
        texts, intents, key_texts, keys = [], [], [], []
        for example in training_data.intent_examples:
            text, intent = example.get(TEXT), example.get(INTENT)
            if not text or not intent:
                continue
            texts.append(text)
            intents.append(intent)
            key = example.get(INTENT_RESPONSE_KEY)
            if intent == retrieval and key:
                key_texts.append(text)
                keys.append(key)
        use_intent = float(self._config["intent_weight"]) < 1.0
        use_key = float(self._config["key_weight"]) < 1.0
        self._models = {
            "intent": _fit(texts, intents, self._config) if use_intent else None,
            "key": _fit(key_texts, keys, self._config) if use_key else None,
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
    ) -> CharNgramEnsemble:
        """Load the persisted models; without them the component passes messages through."""
        models: dict[str, Pipeline | None] = {}
        try:
            with model_storage.read_from(resource) as directory:
                models = pickle.loads((directory / MODEL_FILE).read_bytes())  # our own file
        except (ValueError, OSError):
            logger.warning("CharNgramEnsemble: no trained models; passing messages through")
        return cls(config, model_storage, resource, models)

    def _rerank_intent(self, message: Message, text: str) -> None:
        ranking = message.get(INTENT_RANKING_KEY) or []
        diet = {
            str(item[INTENT_NAME_KEY]): float(item[PREDICTED_CONFIDENCE_KEY])
            for item in ranking
            if item.get(INTENT_NAME_KEY)
        }
        ngram = _probabilities(self._models.get("intent"), text)
        if not diet or not ngram:
            return
        weight = float(self._config["intent_weight"])
        combined = mean_ranking(diet, ngram, weight)[:RANKING_LENGTH]
        new_ranking = [
            {INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: confidence}
            for name, confidence in combined
        ]
        message.set(INTENT, dict(new_ranking[0]), add_to_output=True)
        message.set(INTENT_RANKING_KEY, new_ranking, add_to_output=True)

    def _rerank_key(self, message: Message, text: str) -> None:
        retrieval = self._config["retrieval_intent"]
        selectors = message.get(RESPONSE_SELECTOR) or {}
        selector = selectors.get(retrieval)
        if not isinstance(selector, dict):
            return
        ranking = selector.get("ranking") or []
        selected = {
            str(item["intent_response_key"]): float(item.get("confidence") or 0.0)
            for item in ranking
            if item.get("intent_response_key")
        }
        ngram = _probabilities(self._models.get("key"), text)
        if not selected or not ngram:
            return
        weight = float(self._config["key_weight"])
        combined = mean_ranking(selected, ngram, weight)[:RANKING_LENGTH]
        by_key = {str(item.get("intent_response_key")): item for item in ranking}
        new_ranking = [
            {**by_key.get(key, {"id": None}), "intent_response_key": key, "confidence": confidence}
            for key, confidence in combined
        ]
        response = dict(selector.get("response") or {})
        best_key, best_confidence = combined[0]
        if response.get("intent_response_key") != best_key:
            response["responses"] = None  # the selector's texts belonged to its own choice
        response.update(
            {
                "intent_response_key": best_key,
                "confidence": best_confidence,
                "utter_action": f"utter_{best_key}",
                "id": by_key.get(best_key, {}).get("id"),
            }
        )
        selectors = {
            **selectors,
            retrieval: {**selector, "response": response, "ranking": new_ranking},
        }
        message.set(RESPONSE_SELECTOR, selectors, add_to_output=True)

    def process(self, messages: list[Message]) -> list[Message]:
        """Re-rank each message's intents and retrieval keys with the n-gram models."""
        for message in messages:
            text = message.get(TEXT)
            if not isinstance(text, str) or not text.strip() or text.startswith("/"):
                continue
            self._rerank_intent(message, text)
            self._rerank_key(message, text)
        return messages
