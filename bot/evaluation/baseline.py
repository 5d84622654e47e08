"""The floor every model figure is compared with: TF-IDF + logistic regression, and a dictionary.

If a DIET pipeline cannot beat character n-grams with a linear classifier by a clear margin, its
extra cost (a minute to load, minutes to train) buys nothing, so the harness trains this baseline
on the same normalised training data in the same run and prints its figures beside the model's.

* Intents: `TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True)` +
  `LogisticRegression(C=10)`. Character n-grams need no tokenizer, which suits Chinese; C=10
  because TF-IDF rows are L2-normalised and the default C=1 regularises them into underfitting.
  Retrieval intents count as one intent (`faq`), as in the model's intent figures.
* FAQ keys: the same classifier trained on the retrieval intent's examples only, predicting a key
  for every message, as Rasa's ResponseSelector does.
* Entities: a dictionary of every entity text annotated in training (on the normalised text,
  with its annotated value, e.g. 漏水 → fault_type: leak), plus the training data's regexes whose
  name is an entity type (`data/nlu/regex_lookup.yml`: account_no, phone, ticket_no,
  temperature); the longest match wins, then the leftmost. One-character entries (凉, 响) are left
  out: without context they match inside 凉快 / 影响 far more often than they name a fault.
* No fallback: the baseline always answers with its top intent, so its false-fallback rate is 0
  and its out-of-scope recall counts only `out_of_scope` predictions.
"""

from __future__ import annotations

import re
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline

from bot.evaluation.dataset import Example, Prediction
from bot.evaluation.spans import Span

__all__ = ["Baseline", "DictionaryEntityExtractor", "TfidfClassifier"]

#: Shortest dictionary entry, in characters (see the module docstring).
MIN_SURFACE_CHARS = 2
DICTIONARY_SOURCE = "dictionary"
REGEX_SOURCE = "regex"


class TfidfClassifier:
    """Character 1–3-gram TF-IDF + logistic regression; one label for a one-label training set."""

    def __init__(self, c: float = 10.0, seed: int = 0) -> None:
        """Configure; nothing is trained until `fit`."""
        self._c = c
        self._seed = seed
        self._pipeline: Pipeline | None = None
        self._only_label: str | None = None

    def fit(self, texts: Sequence[str], labels: Sequence[str]) -> TfidfClassifier:
        """Train on `texts` (already normalised) and their labels."""
        if not texts:
            raise ValueError("no training texts")
        distinct = set(labels)
        if len(distinct) == 1:
            self._only_label = next(iter(distinct))
            return self
        self._pipeline = make_pipeline(
            TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True),
            LogisticRegression(C=self._c, max_iter=2000, random_state=self._seed),
        )
        self._pipeline.fit(list(texts), list(labels))
        return self

    def predict_one(self, text: str) -> tuple[str, float]:
        """The most probable label of one text and its probability."""
        if self._only_label is not None:
            return self._only_label, 1.0
        if self._pipeline is None:
            raise RuntimeError("fit() first")
        probabilities = self._pipeline.predict_proba([text])[0]
        best = int(probabilities.argmax())
        return str(self._pipeline.classes_[best]), float(probabilities[best])


@dataclass(frozen=True)
class _Entry:
    entity: str
    value: str


class DictionaryEntityExtractor:
    """Longest-match lookup of annotated entity texts, plus the training data's regexes."""

    def __init__(self, min_chars: int = MIN_SURFACE_CHARS) -> None:
        """Configure; `fit` fills the dictionary."""
        self._min_chars = min_chars
        self._entries: dict[str, _Entry] = {}
        self._lengths: list[int] = []
        self._regexes: list[tuple[str, re.Pattern[str]]] = []

    def fit(
        self, examples: Iterable[Example], regexes: Iterable[tuple[str, str]] = ()
    ) -> DictionaryEntityExtractor:
        """Learn surface → (type, value) from gold spans; keep the regexes named like an entity.

        A surface annotated with several types or values keeps its most frequent one (ties: the
        alphabetically first), so the lookup is deterministic.
        """
        seen: defaultdict[str, Counter[tuple[str, str]]] = defaultdict(Counter)
        for example in examples:
            for span in example.spans:
                surface = example.normalised[span.start : span.end]
                if len(surface) >= self._min_chars:
                    seen[surface][(span.entity, span.value)] += 1
        self._entries = {
            surface: _Entry(*min(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0])
            for surface, counts in seen.items()
        }
        self._lengths = sorted({len(s) for s in self._entries}, reverse=True)
        entity_types = {e.entity for e in self._entries.values()}
        self._regexes = [(name, re.compile(p)) for name, p in regexes if name in entity_types]
        return self

    def extract(self, text: str) -> list[Span]:
        """Non-overlapping entity spans in `text`: longest candidates first, then leftmost."""
        candidates: list[Span] = []
        for start in range(len(text)):
            for length in self._lengths:
                end = start + length
                entry = self._entries.get(text[start:end]) if end <= len(text) else None
                if entry is not None:
                    candidates.append(
                        Span(entry.entity, start, end, entry.value, DICTIONARY_SOURCE)
                    )
        for name, pattern in self._regexes:
            for match in pattern.finditer(text):
                if match.end() > match.start():
                    candidates.append(
                        Span(name, match.start(), match.end(), match.group(0), REGEX_SOURCE)
                    )
        kept: list[Span] = []
        for span in sorted(candidates, key=lambda s: (-(s.end - s.start), s.start)):
            if not any(k.overlaps(span) for k in kept):
                kept.append(span)
        return sorted(kept, key=lambda s: s.start)


class Baseline:
    """Intent classifier, one key classifier per retrieval intent, and the entity dictionary."""

    def __init__(self, clock: Callable[[], float] = time.perf_counter) -> None:
        """Untrained; `fit` trains all parts."""
        self._clock = clock
        self._intents = TfidfClassifier()
        self._keys: dict[str, TfidfClassifier] = {}
        self._entities = DictionaryEntityExtractor()

    def fit(self, examples: Sequence[Example], regexes: Iterable[tuple[str, str]] = ()) -> Baseline:
        """Train on the normalised training examples (and the training data's regexes)."""
        self._intents.fit([e.normalised for e in examples], [e.intent for e in examples])
        by_retrieval: defaultdict[str, list[Example]] = defaultdict(list)
        for example in examples:
            if example.response_key is not None:
                by_retrieval[example.intent].append(example)
        self._keys = {
            intent: TfidfClassifier().fit(
                [e.normalised for e in group], [str(e.response_key) for e in group]
            )
            for intent, group in by_retrieval.items()
        }
        self._entities.fit(examples, regexes)
        return self

    def predict(self, normalised_texts: Sequence[str]) -> list[Prediction]:
        """Predictions for normalised texts, each timed (intent + keys + entities)."""
        predictions = []
        for text in normalised_texts:
            started = self._clock()
            intent, confidence = self._intents.predict_one(text)
            keys = {name: clf.predict_one(text)[0] for name, clf in self._keys.items()}
            spans = tuple(self._entities.extract(text))
            elapsed_ms = (self._clock() - started) * 1000
            predictions.append(Prediction(intent, confidence, keys, spans, text, elapsed_ms))
        return predictions
