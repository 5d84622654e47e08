"""Gold examples and predictions: loading Rasa NLU data in the form the metrics compare.

Why the gold data is normalised here: the project's pipeline starts with
`bot.nlu.components.TextNormalizer`, which rewrites every message (traditional → simplified,
full-width → half-width, spaces inside numbers removed, Chinese numerals → digits) before the
tokenizer. The model's entity offsets therefore point into the *normalised* text. To compare
spans, the gold messages are put through the same component with the same configuration
(`TextNormalizer.process_training_data` on a `TrainingData`), which moves every gold span
through the offset map exactly as training does. A pipeline without `TextNormalizer` leaves the
text as written, and so does this module.

Rasa's `load_data` on a folder tries to parse every file in it (a README.md included), so
folders are read file by file, keeping only what Rasa recognises as NLU data.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml
from rasa.shared.nlu.training_data.loading import UNK, guess_format, load_data
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.evaluation.spans import Span

__all__ = [
    "Example",
    "Prediction",
    "examples_from",
    "load_training_data",
    "normalise_training_data",
    "normaliser_config",
    "with_alternatives",
]

#: Suffixes Rasa reads NLU data from.
_DATA_SUFFIXES = (".yml", ".yaml", ".json", ".md")
#: Files in a data folder that are sets of their own, scored by their own command and never part
#: of the folder's data: the knowledge-base paraphrase sets (`python -m bot kb-eval`), so the
#: NLU figures keep measuring what they measured and the held-out set is scored only when asked.
SEPARATE_SET_PREFIXES = ("kb_paraphrases_",)
#: Pipeline component this module mirrors when normalising gold data.
NORMALIZER_NAME = "TextNormalizer"


@dataclass(frozen=True)
class Example:
    """A gold message: raw text, normalised text, labels, spans on the normalised text."""

    text: str
    normalised: str
    intent: str
    response_key: str | None = None
    spans: tuple[Span, ...] = ()
    tags: tuple[str, ...] = ()
    #: other keys an independent annotator found answer the question as well (ALTERNATIVES_FILE)
    also_keys: tuple[str, ...] = ()


@dataclass(frozen=True)
class Prediction:
    """What a system said about one message, in the same terms as `Example`.

    `response_keys` maps each retrieval intent to the key its response selector chose (Rasa runs
    the selector on every message, whatever the intent). `text` is the text the spans point into
    (the model's normalised text); `latency_ms` is the time one prediction took, or None.
    """

    intent: str
    confidence: float = 1.0
    response_keys: Mapping[str, str] = field(default_factory=dict)
    spans: tuple[Span, ...] = ()
    text: str = ""
    latency_ms: float | None = None

    def response_key(self, retrieval_intent: str) -> str | None:
        """The predicted key of `retrieval_intent` (faq → heating_season), None if there is none."""
        return self.response_keys.get(retrieval_intent)


def _data_files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise FileNotFoundError(f"no NLU data at {path}")
    files = sorted(
        p
        for p in path.rglob("*")
        if p.is_file()
        and p.suffix in _DATA_SUFFIXES
        and not any(part.startswith(".") for part in p.parts)
        and not p.name.startswith(SEPARATE_SET_PREFIXES)
    )
    return [p for p in files if guess_format(str(p)) != UNK]


def load_training_data(path: Path | str) -> TrainingData:
    """All Rasa NLU data under `path` (a file or a folder), merged into one `TrainingData`."""
    files = _data_files(Path(path))
    if not files:
        raise FileNotFoundError(f"no Rasa NLU data files under {path}")
    loaded = [load_data(str(f)) for f in files]
    return loaded[0].merge(*loaded[1:])


def normaliser_config(config_path: Path | str | None) -> dict[str, Any] | None:
    """The `TextNormalizer` entry of the pipeline in `config_path`, or None when there is none."""
    if config_path is None or not Path(config_path).is_file():
        return None
    config = yaml.safe_load(Path(config_path).read_text(encoding="utf-8")) or {}
    for component in config.get("pipeline") or []:
        if str(component.get("name", "")).split(".")[-1] == NORMALIZER_NAME:
            return dict(component)
    return None


def normalise_training_data(
    training_data: TrainingData, component_config: dict[str, Any] | None
) -> TrainingData:
    """Put `training_data` through the pipeline's TextNormalizer (in place); None = unchanged."""
    if component_config is None:
        return training_data
    from bot.nlu.components import TextNormalizer

    config = {k: v for k, v in component_config.items() if k != "name"}
    normalizer = TextNormalizer({**TextNormalizer.get_default_config(), **config})
    return normalizer.process_training_data(training_data)


def _spans(message: Message) -> tuple[Span, ...]:
    spans = []
    for entity in message.get("entities") or []:
        start, end = entity.get("start"), entity.get("end")
        if isinstance(start, int) and isinstance(end, int):
            value = entity.get("value")
            spans.append(
                Span(str(entity["entity"]), start, end, "" if value is None else str(value))
            )
    return tuple(sorted(spans, key=lambda s: (s.start, s.end, s.entity)))


def _tags(message: Message) -> tuple[str, ...]:
    metadata = message.get("metadata") or {}
    example_meta = metadata.get("example") if isinstance(metadata, dict) else None
    hard = example_meta.get("hard") if isinstance(example_meta, dict) else None
    return tuple(str(t) for t in hard) if isinstance(hard, list) else ()


def _response_key(message: Message) -> str | None:
    full = message.get("intent_response_key")
    if isinstance(full, str) and "/" in full:
        return full.split("/", 1)[1]
    return None


def examples_from(raw: TrainingData, normalised: TrainingData | None = None) -> list[Example]:
    """Gold examples from user messages (`raw` as written, `normalised` after the normaliser).

    Examples without text or intent (lookup tables, synonyms, regexes) are skipped. The two data
    sets must come from the same files in the same order; None means "not normalised".
    """
    normalised_examples: Sequence[Message] = (
        normalised.training_examples if normalised is not None else raw.training_examples
    )
    if len(normalised_examples) != len(raw.training_examples):
        raise ValueError("raw and normalised data differ in length")
    examples = []
    for original, message in zip(raw.training_examples, normalised_examples, strict=True):
        text, intent = original.get("text"), message.get("intent")
        if not text or not intent:
            continue
        examples.append(
            Example(
                text=str(text),
                normalised=str(message.get("text")),
                intent=str(intent),
                response_key=_response_key(message),
                spans=_spans(message),
                tags=_tags(message),
            )
        )
    return examples


#: Beside a test folder's NLU files: question text → the other knowledge-base keys that answer it
#: as well, named by an independent annotator (tests/nlu/faq_alternatives.yml explains).
ALTERNATIVES_FILE = "faq_alternatives.yml"


def load_alternatives(folder: Path) -> dict[str, tuple[str, ...]]:
    """The folder's `ALTERNATIVES_FILE` as text → keys; empty when there is none."""
    path = folder / ALTERNATIVES_FILE
    if not path.is_file():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {str(text): tuple(map(str, keys)) for text, keys in data["alternatives"].items()}


def load_examples(path: Path | str, config_path: Path | str | None) -> list[Example]:
    """Gold examples under `path`, normalised as the pipeline in `config_path` normalises; a
    folder's `ALTERNATIVES_FILE` adds the other acceptable keys of its FAQ questions."""
    raw = load_training_data(path)
    normalised = normalise_training_data(load_training_data(path), normaliser_config(config_path))
    return with_alternatives(examples_from(raw, normalised), Path(path))


def with_alternatives(examples: list[Example], path: Path) -> list[Example]:
    """`examples` with the other acceptable keys of `path`'s `ALTERNATIVES_FILE` (a folder's)."""
    alternatives = load_alternatives(path) if path.is_dir() else {}
    return [
        replace(e, also_keys=alternatives[e.text]) if e.text in alternatives else e
        for e in examples
    ]
