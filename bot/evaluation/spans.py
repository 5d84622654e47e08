"""Entity spans: the comparable form of gold and predicted entities, and their scores.

A span is scored as correct only when the entity type *and* both character offsets equal a gold
span of the same message (exact span match, the strict CoNLL convention). Partial overlaps count
as one false positive plus one false negative: for `account_no` or `phone` a span missing one
digit is as useless to the action as no span at all.

Offsets refer to the NORMALISED text (after the pipeline's `TextNormalizer`), because that is the
text the model's spans point into; `bot.evaluation.dataset` normalises the gold messages with the
same component, which moves the gold offsets consistently.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from bot.evaluation.metrics import PRF, prf

__all__ = ["ERROR_KINDS", "Span", "dedupe_spans", "span_errors", "span_scores", "value_scores"]

#: Rasa's name for the regex extractor; its spans are preferred when it and DIET overlap.
REGEX_EXTRACTOR = "RegexEntityExtractor"


@dataclass(frozen=True)
class Span:
    """One entity occurrence: type, [start, end) on the normalised text, value, who found it."""

    entity: str
    start: int
    end: int
    value: str = ""
    source: str = ""

    @property
    def key(self) -> tuple[str, int, int]:
        """What a span match compares: type and offsets."""
        return (self.entity, self.start, self.end)

    def overlaps(self, other: Span) -> bool:
        """True when the two spans share at least one character."""
        return self.start < other.end and other.start < self.end


def _preference(span: Span) -> tuple[int, int, int]:
    # Regex first (its pattern was written for exactly the value), then the longer span, then the
    # earlier one; lower sorts first.
    return (0 if span.source == REGEX_EXTRACTOR else 1, -(span.end - span.start), span.start)


def dedupe_spans(spans: Iterable[Span]) -> list[Span]:
    """Keep one span per group of same-type overlapping spans, in text order.

    DIET and RegexEntityExtractor often both return `account_no` / `phone` / `ticket_no` /
    `temperature` for the same characters (rasa-notes.md); counting both would give a free false
    positive whenever one of them is a character off and double true positives otherwise. The
    RegexEntityExtractor's span wins, then the longer span: a regex match covers the whole
    number by construction, while DIET's token-level spans are the ones that slip.
    """
    kept: list[Span] = []
    for span in sorted(spans, key=_preference):
        if not any(k.entity == span.entity and k.overlaps(span) for k in kept):
            kept.append(span)
    return sorted(kept, key=lambda s: (s.start, s.end, s.entity))


def span_scores(
    gold: Sequence[Sequence[Span]], predicted: Sequence[Sequence[Span]]
) -> tuple[PRF, dict[str, PRF]]:
    """Micro-averaged span P/R/F1 over all types, and P/R/F1 per entity type.

    `gold[i]` and `predicted[i]` are the spans of message i. Matching is a multiset intersection
    of `(type, start, end)` per message, so a duplicated prediction is one TP and one FP.
    Per-type results cover every type seen in gold or predictions, sorted by name.
    """
    if len(gold) != len(predicted):
        raise ValueError(f"{len(gold)} gold messages vs {len(predicted)} predicted")
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    for gold_spans, predicted_spans in zip(gold, predicted, strict=True):
        g = Counter(s.key for s in gold_spans)
        p = Counter(s.key for s in predicted_spans)
        for key in g | p:
            hits = min(g[key], p[key])
            tp[key[0]] += hits
            fp[key[0]] += p[key] - hits
            fn[key[0]] += g[key] - hits
    types = sorted(set(tp) | set(fp) | set(fn))
    per_type = {t: prf(tp[t], fp[t], fn[t]) for t in types}
    overall = prf(sum(tp.values()), sum(fp.values()), sum(fn.values()))
    return overall, per_type


def value_scores(
    gold: Sequence[Sequence[Span]],
    predicted: Sequence[Sequence[Span]],
    entity: str,
    normalise: Callable[[str], str] = lambda value: value,
) -> PRF:
    """P/R/F1 of the VALUES of one entity type per message, ignoring offsets.

    What an action receives for `fault_type` is the value (`no_heat`, `leak` …), so a span that
    is a character off but maps to the right value still serves the user; this complements the
    strict span score. Values are compared after `normalise` (the project passes the same
    mapping the actions apply).
    """
    if len(gold) != len(predicted):
        raise ValueError(f"{len(gold)} gold messages vs {len(predicted)} predicted")
    counts: defaultdict[str, int] = defaultdict(int)
    for gold_spans, predicted_spans in zip(gold, predicted, strict=True):
        g = Counter(normalise(s.value) for s in gold_spans if s.entity == entity)
        p = Counter(normalise(s.value) for s in predicted_spans if s.entity == entity)
        hits = sum((g & p).values())
        counts["tp"] += hits
        counts["fp"] += sum(p.values()) - hits
        counts["fn"] += sum(g.values()) - hits
    return prf(counts["tp"], counts["fp"], counts["fn"])


#: The kinds of span error `span_errors` counts, in report order.
ERROR_KINDS = ("boundary", "wrong_type", "missed", "spurious")


def span_errors(
    gold: Sequence[Sequence[Span]], predicted: Sequence[Sequence[Span]]
) -> dict[str, dict[str, int]]:
    """Why the unmatched spans of each type are wrong, counted per entity type.

    F1 alone does not say what to work on: a span drawn a character too wide costs a false
    positive *and* a false negative, like a fault the model never saw plus a word it invented.
    Each unmatched gold span is `boundary` when a prediction of its type overlaps it with other
    offsets, `wrong_type` when a prediction of another type has its exact offsets, else `missed`;
    an unmatched prediction that overlaps no *unmatched* gold span of its type and has the offsets
    of none of another type is `spurious`. Counts are per gold type (per predicted type for
    `spurious`). Per type, boundary + wrong_type + missed is exactly `span_scores`' false
    negatives; the false positives cannot be read back from the table (a prediction over two
    gold spans, or two predictions over one, are one boundary error each way).
    """
    if len(gold) != len(predicted):
        raise ValueError(f"{len(gold)} gold messages vs {len(predicted)} predicted")
    counts: defaultdict[str, Counter[str]] = defaultdict(Counter)
    for gold_spans, predicted_spans in zip(gold, predicted, strict=True):
        matched = Counter(s.key for s in gold_spans) & Counter(s.key for s in predicted_spans)
        gold_left = _unmatched(gold_spans, matched)
        pred_left = _unmatched(predicted_spans, matched)
        for g in gold_left:
            if any(p.entity == g.entity and p.overlaps(g) for p in pred_left):
                counts[g.entity]["boundary"] += 1
            elif any((p.start, p.end) == (g.start, g.end) for p in pred_left):
                counts[g.entity]["wrong_type"] += 1
            else:
                counts[g.entity]["missed"] += 1
        for p in pred_left:
            near_gold = any(g.entity == p.entity and g.overlaps(p) for g in gold_left)
            retyped = any((g.start, g.end) == (p.start, p.end) for g in gold_left)
            if not near_gold and not retyped:
                counts[p.entity]["spurious"] += 1
    return {
        entity: {kind: counts[entity][kind] for kind in ERROR_KINDS} for entity in sorted(counts)
    }


def _unmatched(spans: Sequence[Span], matched: Counter[tuple[str, int, int]]) -> list[Span]:
    """`spans` without as many copies of each key as `matched` counts (a multiset difference)."""
    left = Counter(matched)
    rest = []
    for span in spans:
        if left[span.key] > 0:
            left[span.key] -= 1
        else:
            rest.append(span)
    return rest
