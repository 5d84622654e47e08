"""`InputGuard`: messages no model should classify get `nlu_fallback`, deterministically.

An empty message, one of only emoji or punctuation, or a paste longer than `MAX_MESSAGE_CHARS`
would otherwise land on whatever intent the classifier leans to and start a flow the user never
asked for. Placed last in the pipeline, the guard overrides the intent so the fallback action can
say exactly what was wrong (`actions/conversation.py`).
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import (
    ENTITIES,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.limits import INPUT_TRUNCATED, has_words

FALLBACK_INTENT = "nlu_fallback"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class InputGuard(GraphComponent):
    """Sets `nlu_fallback` (confidence 1) for empty, wordless and truncated messages."""

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> InputGuard:
        """Nothing to configure or load."""
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        """Override the intent of messages that carry nothing to classify."""
        for message in messages:
            text = message.get(TEXT)
            if message.get(INPUT_TRUNCATED) or not has_words(str(text or "")):
                intent = {INTENT_NAME_KEY: FALLBACK_INTENT, PREDICTED_CONFIDENCE_KEY: 1.0}
                message.set(INTENT, intent, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [intent], add_to_output=True)
                message.set(ENTITIES, [], add_to_output=True)
        return messages
