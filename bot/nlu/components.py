"""Pipeline components: `TextNormalizer` (first) and `EntityPostProcessor` (after the extractors).

`TextNormalizer` canonicalises message text; `EntityPostProcessor` (at the end of this module)
corrects the extracted entities by rule (`bot.nlu.entities`).

Place it FIRST in the NLU pipeline, before `JiebaTokenizer`:

    pipeline:
      - name: bot.nlu.components.TextNormalizer
      - name: JiebaTokenizer
      ...

It rewrites `message.text` with `to_canonical` (= `normalise` + `chinese_to_arabic`: simplified
script, half-width, tidy whitespace, Arabic digits) both on the training examples
(`process_training_data`) and on every parsed message (`process`), so the tokenizer,
featurizers, regexes, lookup tables and DIET see exactly one spelling of 暖氣不熱 / 暖气不热
and of 三号楼 / 3号楼.

Registration: `DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER`, `is_trainable=False`. The
default recipe (rasa/engine/recipes/default_recipe.py) gives components of the MESSAGE_TOKENIZER
and MESSAGE_FEATURIZER types a `process_training_data` node in the training graph and a `process`
node in the prediction graph, chained in pipeline order — exactly what a text rewriter placed
before the tokenizer needs; intent classifiers and extractors get no `process_training_data` node,
so registering as one of those would leave the training data un-normalised. The class does not
subclass `rasa.nlu.tokenizers.tokenizer.Tokenizer`, so Rasa's "only one tokenizer" check (which
tests `issubclass(..., Tokenizer)`) still sees just JiebaTokenizer, and it produces no tokens.
Nothing is trained or persisted: `load` falls back to `create`.

What else it keeps consistent, because TEXT is read by every later component:
* Annotated entity spans (start/end) are moved through the offset map. An entity's `value` is
  recomputed from the new text only when it equalled the old annotated substring; a different
  value is a synonym target ([暖氣不熱](fault_type:no_heat)) and is kept as written.
* Lookup-table elements and entity-synonym keys get their canonical spelling added (originals
  kept), since the text they are matched against is now canonical. Regexes are not rewritten:
  write them for canonical text (Arabic digits, simplified characters, half-width).
* Messages starting with "/" are left alone: they are intent triggers (`/inform{"phone": …}`)
  from buttons and the SMS keyword mapping, parsed by Rasa's RegexMessageHandler.

Consequences to know about: the parse result's `text` (and so `tracker.latest_message["text"]`
in actions) is the canonical text and entity offsets refer to it; the UserUttered event still
stores the raw text. End-to-end stories (user text in stories) do not work with this component:
Rasa looks up end-to-end features by the *raw* user text, which no longer matches the processed
message — this project uses intent-based stories.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_VALUE,
    INTENT,
    INTENT_NAME_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.entities import postprocess_entities
from bot.nlu.limits import INPUT_TRUNCATED, MAX_MESSAGE_CHARS
from bot.nlu.numbers import to_canonical, to_canonical_with_offsets
from bot.nlu.text import map_span, normalise, normalise_with_offsets

logger = logging.getLogger(__name__)

INTENT_TRIGGER_PREFIX = "/"


def _move_entities(
    entities: list[dict[str, Any]], old_text: str, new_text: str, offsets: list[int]
) -> list[dict[str, Any]]:
    """Entity annotations moved from `old_text` to `new_text` (see the module docstring).

    Entities whose span vanished entirely (it covered only dropped characters) are removed with
    a warning rather than left pointing at the wrong characters.
    """
    moved: list[dict[str, Any]] = []
    for entity in entities:
        start, end = entity.get(ENTITY_ATTRIBUTE_START), entity.get(ENTITY_ATTRIBUTE_END)
        if not isinstance(start, int) or not isinstance(end, int):
            moved.append(entity)
            continue
        new_start, new_end = map_span(offsets, start, end)
        if new_start >= new_end:
            logger.warning(
                "Dropping entity %r: its span %d–%d of %r is empty after normalisation",
                entity.get("entity"),
                start,
                end,
                old_text,
            )
            continue
        updated = dict(entity)
        updated[ENTITY_ATTRIBUTE_START], updated[ENTITY_ATTRIBUTE_END] = new_start, new_end
        if entity.get(ENTITY_ATTRIBUTE_VALUE) == old_text[start:end]:
            updated[ENTITY_ATTRIBUTE_VALUE] = new_text[new_start:new_end]
        moved.append(updated)
    return moved


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER], is_trainable=False)
class TextNormalizer(GraphComponent):
    """Canonicalises message text before tokenization (module docstring has the details).

    Config:
    * `convert_numerals` (default true): also rewrite Chinese numerals (`chinese_to_arabic`);
      false applies only `normalise` (script, width, whitespace).
    * `normalise_lookup_tables` (default true): add canonical spellings of lookup-table
      elements and entity-synonym keys.
    * `max_chars` (default `MAX_MESSAGE_CHARS`): at parse time a longer message is cut to this
      length and marked `INPUT_TRUNCATED`, so a 10,000-character paste costs no more than a long
      message and `InputGuard` can answer it specifically. Training data is never cut.
    """

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """Defaults; see the class docstring."""
        return {
            "convert_numerals": True,
            "normalise_lookup_tables": True,
            "max_chars": MAX_MESSAGE_CHARS,
        }

    def __init__(self, config: dict[str, Any]) -> None:
        """Keep the config; the component has no other state."""
        self._convert_numerals = bool(config.get("convert_numerals", True))
        self._normalise_lookups = bool(config.get("normalise_lookup_tables", True))
        self._max_chars = int(config.get("max_chars", MAX_MESSAGE_CHARS))

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> TextNormalizer:
        """Create the component (nothing to load: it is not trainable)."""
        return cls({**cls.get_default_config(), **config})

    def _canonical_with_offsets(self, text: str) -> tuple[str, list[int]]:
        if self._convert_numerals:
            return to_canonical_with_offsets(text)
        return normalise_with_offsets(text)

    def _canonical(self, text: str) -> str:
        return to_canonical(text) if self._convert_numerals else normalise(text)

    def normalise_message(self, message: Message) -> None:
        """Rewrite one message's TEXT in place and move its entity annotations."""
        text = message.get(TEXT)
        if not isinstance(text, str) or not text or text.startswith(INTENT_TRIGGER_PREFIX):
            return
        new_text, offsets = self._canonical_with_offsets(text)
        if new_text == text:
            return
        entities = message.get(ENTITIES)
        message.set(TEXT, new_text)
        if entities:
            message.set(ENTITIES, _move_entities(entities, text, new_text, offsets))

    def _add_canonical_lookup_elements(self, training_data: TrainingData) -> None:
        for table in training_data.lookup_tables:
            elements = table.get("elements")
            if not isinstance(elements, list):
                continue  # a file reference: left to Rasa (this component does no I/O)
            seen = set(elements)
            extra = []
            for element in elements:
                if isinstance(element, str):
                    canonical = self._canonical(element)
                    if canonical and canonical not in seen:
                        seen.add(canonical)
                        extra.append(canonical)
            table["elements"] = [*elements, *extra]

    def _add_canonical_synonyms(self, training_data: TrainingData) -> None:
        synonyms = training_data.entity_synonyms
        for key, value in list(synonyms.items()):
            canonical = self._canonical(key)
            if canonical and canonical not in synonyms:
                synonyms[canonical] = value

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Normalise every training example (and lookup tables / synonym keys) in place."""
        for example in training_data.training_examples:
            self.normalise_message(example)
        if self._normalise_lookups:
            self._add_canonical_lookup_elements(training_data)
            self._add_canonical_synonyms(training_data)
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        """Normalise the messages being parsed (cut to `max_chars` first), in place."""
        for message in messages:
            text = message.get(TEXT)
            if isinstance(text, str) and len(text) > self._max_chars:
                message.set(TEXT, text[: self._max_chars])
                message.set(INPUT_TRUNCATED, True, add_to_output=True)
            self.normalise_message(message)
        return messages


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=True)
class EntityPostProcessor(GraphComponent):
    """Corrects the extractors' entities by rule (`bot.nlu.entities.postprocess_entities`).

    Place it after the model extractor (CRFEntityExtractor), RegexEntityExtractor and
    EntitySynonymMapper. Training only stores the community names of the lookup tables named in
    `community_lookup_tables` (default `community`), which the address rules use; it takes well
    under a second and does not make Rasa retrain the extractors when only the rules change.

    Config:
    * `community_lookup_tables` (default `["community"]`): lookup tables with community names.
    """

    COMMUNITIES_FILE = "communities.json"

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """Defaults; see the class docstring."""
        return {"community_lookup_tables": ["community"]}

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        communities: list[str] | None = None,
    ) -> None:
        """Keep the config, where to persist, and the known community names."""
        self._config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self.communities: list[str] = communities or []

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> EntityPostProcessor:
        """A new, untrained component."""
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        """Collect the community names (canonical spelling) and persist them."""
        tables = set(self._config.get("community_lookup_tables") or [])
        names: set[str] = set()
        for table in training_data.lookup_tables:
            elements = table.get("elements")
            if table.get("name") in tables and isinstance(elements, list):
                names.update(to_canonical(e) for e in elements if isinstance(e, str) and e.strip())
        self.communities = sorted(names)
        with self._model_storage.write_to(self._resource) as directory:
            (directory / self.COMMUNITIES_FILE).write_text(
                json.dumps(self.communities, ensure_ascii=False), encoding="utf-8"
            )
        return self._resource

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> EntityPostProcessor:
        """Load the persisted community names; without them, the rules still run."""
        communities: list[str] = []
        try:
            with model_storage.read_from(resource) as directory:
                path = directory / cls.COMMUNITIES_FILE
                communities = json.loads(path.read_text(encoding="utf-8"))
        except (ValueError, OSError):
            logger.warning("EntityPostProcessor: no community names stored; rules run without")
        return cls(config, model_storage, resource, communities)

    def process(self, messages: list[Message]) -> list[Message]:
        """Replace each message's entities by their post-processed list."""
        for message in messages:
            text = message.get(TEXT)
            if not isinstance(text, str) or not text or text.startswith(INTENT_TRIGGER_PREFIX):
                continue
            entities = message.get(ENTITIES) or []
            intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
            processed = postprocess_entities(text, entities, intent, self.communities)
            if processed != entities:
                message.set(ENTITIES, processed, add_to_output=True)
        return messages
