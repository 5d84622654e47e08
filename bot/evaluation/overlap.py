"""Train/test overlap: exact duplicates and near-copies between two sets of messages.

A test message that the model saw (nearly) verbatim in training measures memory, not
generalisation, and inflates every figure. Two messages are compared by their *overlap key*: the
pipeline-normalised text (so 暖氣不熱 = 暖气不热 and １３８ = 138, exactly as the model sees them),
case-folded, with everything but letters, digits and CJK characters removed (punctuation, spaces,
emoji: 转人工！！！ = 转人工, "ting nuan le ma" = "tingnuan le ma"). A message with no letters or
digits at all (👌, ？？？) keeps its symbols, so two different emoji are not "equal".

* exact duplicate: equal keys;
* near-copy: `bigram_jaccard ≥ 0.8` OR `normalised_edit_distance ≤ 0.15` between the keys.
  Bigrams are taken over the key padded with start/end markers, so short keys have bigrams too
  and a difference at the edge counts. Jaccard catches reorderings (阳光花园暖气不热 /
  暖气不热阳光花园); the edit distance catches a changed character in a short message, where one
  change already moves Jaccard far. At these thresholds a 10-character message may differ in one
  character, a 20-character one in about three; messages of up to six characters must be equal.

Finding pairs: an inverted index from padded bigram to training messages gives, for each test
message, the number of bigrams it shares with every training message that shares any. Both
criteria imply a minimum number of shared bigrams (Jaccard: `|A∩B| ≥ 0.8·max(|A|,|B|)`; edit
distance k: the q-gram lemma `|A∩B| ≥ max(|a|,|b|) + 1 − 2k` on padded strings), so only pairs
above the smaller of those bounds are verified. That makes 2,100 × 811 messages a fraction of a
second instead of 1.7 million edit distances.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "EDIT_DISTANCE_THRESHOLD",
    "JACCARD_THRESHOLD",
    "Overlap",
    "bigram_jaccard",
    "bigrams",
    "edit_distance",
    "find_overlaps",
    "normalised_edit_distance",
    "overlap_key",
]

JACCARD_THRESHOLD = 0.8
EDIT_DISTANCE_THRESHOLD = 0.15
_START, _END = "\x02", "\x03"


def overlap_key(normalised_text: str) -> str:
    """The form two messages are compared in (see the module docstring).

    Expects text already normalised by the pipeline's normaliser; adds case folding and drops
    non-word characters, unless that would leave nothing.
    """
    folded = normalised_text.casefold()
    words = "".join(ch for ch in folded if ch.isalnum())
    return words or "".join(ch for ch in folded if not ch.isspace())


def bigrams(key: str) -> set[str]:
    """Character bigrams of `key` padded with start/end markers (`ab` → ^a, ab, b$)."""
    padded = f"{_START}{key}{_END}"
    return {padded[i : i + 2] for i in range(len(padded) - 1)}


def bigram_jaccard(first: str, second: str) -> float:
    """|A ∩ B| / |A ∪ B| of the padded bigram sets of two keys."""
    a, b = bigrams(first), bigrams(second)
    return len(a & b) / len(a | b) if a | b else 1.0


def edit_distance(first: str, second: str, limit: int | None = None) -> int:
    """Levenshtein distance (insert, delete, substitute = 1).

    With `limit`, returns `limit + 1` as soon as the distance is certain to exceed it, which keeps
    verification cheap for the candidates that turn out not to be near-copies.
    """
    if len(first) < len(second):
        first, second = second, first
    if limit is not None and len(first) - len(second) > limit:
        return limit + 1
    previous = list(range(len(second) + 1))
    for i, a in enumerate(first, start=1):
        current = [i]
        for j, b in enumerate(second, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a != b)))
        if limit is not None and min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


def normalised_edit_distance(first: str, second: str) -> float:
    """Edit distance divided by the longer length (0.0 equal … 1.0 nothing in common)."""
    longest = max(len(first), len(second))
    return edit_distance(first, second) / longest if longest else 0.0


@dataclass(frozen=True)
class Overlap:
    """A test message that duplicates or nearly copies a training message."""

    test_index: int
    train_index: int
    test_text: str
    train_text: str
    kind: str  # "exact" or "near"
    jaccard: float
    edit_distance: float


def _bigram_counts(key: str) -> Counter[str]:
    padded = f"{_START}{key}{_END}"
    return Counter(padded[i : i + 2] for i in range(len(padded) - 1))


def _min_shared(
    len_a: int, len_b: int, set_a: int, set_b: int, jaccard: float, edit_ratio: float
) -> int:
    """Fewest shared bigrams (multiset count) a pair needs to pass either test.

    Jaccard on sets needs `|A∩B| ≥ jaccard·max(|A|,|B|)`, and the multiset intersection is at
    least the set one; an edit distance of k leaves at least `max(len) + 1 − 2k` padded bigrams
    in common (q-gram lemma, q = 2). A pair below both bounds can pass neither test.
    """
    by_jaccard = math.ceil(jaccard * max(set_a, set_b) - 1e-9)
    max_edits = int(edit_ratio * max(len_a, len_b))
    by_edits = max(len_a, len_b) + 1 - 2 * max_edits
    return max(1, min(by_jaccard, by_edits))


def find_overlaps(
    train_texts: Sequence[str],
    test_texts: Sequence[str],
    jaccard: float = JACCARD_THRESHOLD,
    edit_ratio: float = EDIT_DISTANCE_THRESHOLD,
) -> list[Overlap]:
    """Every test message with an exact or near copy in training (its closest training match).

    Texts are the pipeline-normalised messages; `overlap_key` is applied here. One `Overlap` per
    affected test message, in test order: the exact duplicate if there is one, else the passing
    training message with the highest Jaccard similarity (then the smallest edit distance).
    """
    train_keys = [overlap_key(t) for t in train_texts]
    train_sizes = [len(bigrams(k)) for k in train_keys]
    exact: dict[str, int] = {}
    index: defaultdict[str, list[tuple[int, int]]] = defaultdict(list)
    for i, key in enumerate(train_keys):
        exact.setdefault(key, i)
        for gram, count in _bigram_counts(key).items():
            index[gram].append((i, count))
    found: list[Overlap] = []
    for t, text in enumerate(test_texts):
        key = overlap_key(text)
        if key in exact:
            i = exact[key]
            found.append(Overlap(t, i, text, train_texts[i], "exact", 1.0, 0.0))
            continue
        shared: Counter[int] = Counter()
        for gram, count in _bigram_counts(key).items():
            for i, train_count in index.get(gram, ()):
                shared[i] += min(count, train_count)
        size = len(bigrams(key))
        best: Overlap | None = None
        for i, count in shared.items():
            other = train_keys[i]
            bound = _min_shared(len(key), len(other), size, train_sizes[i], jaccard, edit_ratio)
            if count < bound:
                continue
            candidate = _verify(key, other, jaccard, edit_ratio)
            if candidate is None:
                continue
            similarity, ratio = candidate
            if best is None or (similarity, -ratio) > (best.jaccard, -best.edit_distance):
                best = Overlap(t, i, text, train_texts[i], "near", similarity, ratio)
        if best is not None:
            found.append(best)
    return found


def _verify(key: str, other: str, jaccard: float, edit_ratio: float) -> tuple[float, float] | None:
    """(Jaccard, normalised edit distance) when the pair is a near-copy, else None."""
    similarity = bigram_jaccard(key, other)
    longest = max(len(key), len(other))
    limit = int(edit_ratio * longest)
    distance = edit_distance(key, other, limit=limit)
    if similarity < jaccard and distance > limit:
        return None
    if distance > limit:  # beyond the early-exit limit: compute the exact figure for the report
        return similarity, normalised_edit_distance(key, other)
    return similarity, distance / longest if longest else 0.0
