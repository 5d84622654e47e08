"""Script, width and whitespace normalisation of user text, with an offset map.

Users of a heating hotline type on phones, PCs and through WeChat/SMS gateways, so the same
sentence arrives as 暖氣不熱 (traditional), with full-width digits (１３８…), with spaces inside a
number (138 1234 5678), with zero-width characters pasted from other apps, and occasionally as a
10,000-character paste. `normalise` folds all of that to one canonical form so the NLU model, the
regexes and the parsers in this package only ever see one spelling.

Rasa entity annotations are character spans, so every change here must be traceable back to the
input: `normalise_with_offsets` returns, for every character of the result, the index of the input
character it came from, and `map_span` / `compose_offsets` use that map to move spans.

Traditional → simplified conversion uses the dictionaries shipped with
`opencc-python-reimplemented` (`TSPhrases.txt` then `TSCharacters.txt`, the `t2s` chain) but applies
them with our own greedy longest-match scan instead of `OpenCC.convert`, because
* `OpenCC.convert` searches every remaining substring for the longest key, which is quadratic on a
  long message without punctuation, and
* it cannot tell us where each output character came from.
The scan is linear (at most `max key length` dictionary probes per position, and only at positions
whose character starts some phrase). The dictionaries are read once, lazily, from the installed
package; that read of package data is the only file access in this module.

Deliberately *not* done here: typo correction (暖器 → 暖气 would corrupt the real word 取暖器, so
`faults.py` handles that typo where it matters) and Chinese-numeral conversion (`numbers.py`).
"""

from __future__ import annotations

import functools
import unicodedata
from bisect import bisect_left
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources

__all__ = [
    "PhraseTable",
    "compose_offsets",
    "map_span",
    "normalise",
    "normalise_with_offsets",
    "t2s_with_offsets",
]

# Format characters (category Cf) we keep: ZERO WIDTH JOINER glues emoji sequences such as
# 👨‍👩‍👧 and the TAG characters spell out subdivision flags (🏴󠁧󠁢󠁳󠁣󠁴󠁿). Everything else in Cf (ZWSP,
# ZWNJ, BOM, bidi marks, soft hyphen, word joiner …) is invisible noise.
_ZWJ = "\u200d"
_TAG_RANGE = range(0xE0020, 0xE0080)

# Same-length replacements besides the full-width block: the Unicode minus sign is what some
# keyboards produce for negative temperatures.
_SINGLE_CHAR_FOLD: Mapping[str, str] = {"\u2212": "-", "\u3000": " "}


@dataclass(frozen=True)
class PhraseTable:
    """A conversion dictionary: `mapping` from source strings to replacements.

    `max_len` bounds the probes per position and `starts` (first characters of all multi-character
    keys) lets the scan skip the phrase probes for almost every position. Replacements may have a
    different length than their keys; the offset map stays correct either way.
    """

    mapping: Mapping[str, str]
    max_len: int
    starts: frozenset[str]

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, str]) -> PhraseTable:
        """Build a table (computing `max_len` and `starts`) from a plain dict."""
        max_len = max((len(k) for k in mapping), default=1)
        starts = frozenset(k[0] for k in mapping if len(k) > 1)
        return cls(mapping=dict(mapping), max_len=max_len, starts=starts)


def _read_opencc_dictionary(name: str) -> dict[str, str]:
    """Parse one opencc dictionary file (`key<TAB>value [alternatives…]`), keeping the first value.

    Taking the first alternative is what `OpenCC.convert` does too.
    """
    text = (resources.files("opencc") / "dictionary" / name).read_text(encoding="utf-8")
    table: dict[str, str] = {}
    for line in text.splitlines():
        if "\t" not in line:
            continue
        key, _, values = line.partition("\t")
        value = values.split(" ")[0].strip()
        if key and value:
            table[key] = value
    return table


@functools.lru_cache(maxsize=1)
def _default_t2s_table() -> PhraseTable:
    """The opencc `t2s` chain merged into one table: phrases win over single characters.

    Single characters come from `TSCharacters.txt`, multi-character keys from `TSPhrases.txt`;
    a longest-match scan over the merged table gives the same preference order as the opencc
    dictionary group (phrase first, then characters).
    """
    merged = _read_opencc_dictionary("TSCharacters.txt")
    merged.update(_read_opencc_dictionary("TSPhrases.txt"))
    return PhraseTable.from_mapping(merged)


def t2s_with_offsets(text: str, table: PhraseTable | None = None) -> tuple[str, list[int]]:
    """Convert traditional to simplified Chinese by greedy longest match, with an offset map.

    Returns the converted text and, for each output character plus one past the end, the input
    index it came from. A key of length k replaced by a value of length v maps all v output
    characters to the key's characters in order, and any surplus output characters to the key's
    last character, so the map stays non-decreasing even when lengths differ (2→1 or 1→2).
    `table` defaults to opencc's t2s dictionaries; tests pass small tables to exercise
    length-changing replacements, which the shipped dictionaries happen not to contain.
    """
    table = table or _default_t2s_table()
    mapping, max_len, starts = table.mapping, table.max_len, table.starts
    out: list[str] = []
    offsets: list[int] = []
    i, n = 0, len(text)
    while i < n:
        matched_len = 0
        replacement = ""
        if text[i] in starts:
            for length in range(min(max_len, n - i), 1, -1):
                candidate = mapping.get(text[i : i + length])
                if candidate is not None:
                    matched_len, replacement = length, candidate
                    break
        if not matched_len:
            single = mapping.get(text[i])
            matched_len, replacement = 1, (single if single is not None else text[i])
        for j, ch in enumerate(replacement):
            out.append(ch)
            offsets.append(i + min(j, matched_len - 1))
        i += matched_len
    offsets.append(n)
    return "".join(out), offsets


def _fold_char(ch: str) -> str:
    """Full-width ASCII variants (U+FF01–U+FF5E), every other Unicode decimal digit and a few
    look-alikes to their ASCII forms.

    Digits come from other keyboards too: Arabic-Indic ٥٦٧٩, Devanagari ५६७९, mathematical bold
    𝟓𝟔𝟕𝟗 pasted from a styled text. They are the same number; left as they were, the owner's
    right phone digits were counted as a failed verification (red team R13), and every
    comparison of digits in the project starts from this text.
    """
    code = ord(ch)
    if 0xFF01 <= code <= 0xFF5E:
        return chr(code - 0xFEE0)
    if code > 0x7F and unicodedata.category(ch) == "Nd":
        return chr(0x30 + unicodedata.decimal(ch))
    return _SINGLE_CHAR_FOLD.get(ch, ch)


def _is_emoji_like(ch: str) -> bool:
    """True for pictographs, symbols and variation selectors that can sit around a ZWJ."""
    code = ord(ch)
    return (
        0x1F000 <= code <= 0x1FAFF
        or 0x2600 <= code <= 0x27BF
        or code == 0xFE0F
        or unicodedata.category(ch) in ("So", "Sk")
    )


def _is_space(ch: str) -> bool:
    return ch.isspace() or unicodedata.category(ch) in ("Zs", "Zl", "Zp")


def _clean_chars(text: str) -> tuple[list[str], list[int]]:
    """Drop control/zero-width characters and fold full-width forms; whitespace becomes ' '.

    Whitespace is mapped to a plain space here and collapsed later (after script conversion), so
    the collapsing logic needs to look at a single space character only.
    """
    chars: list[str] = []
    src: list[int] = []
    n = len(text)
    for i, ch in enumerate(text):
        if _is_space(ch):
            chars.append(" ")
            src.append(i)
            continue
        category = unicodedata.category(ch)
        if category in ("Cc", "Cs"):
            continue  # control characters (not whitespace) and lone surrogates
        if category == "Cf":
            if ord(ch) in _TAG_RANGE:
                pass  # keep: part of a flag emoji
            elif (
                ch == _ZWJ
                and chars
                and i + 1 < n
                and (_is_emoji_like(chars[-1]) and _is_emoji_like(text[i + 1]))
            ):
                pass  # keep: joins an emoji sequence
            else:
                continue
        chars.append(_fold_char(ch))
        src.append(i)
    return chars, src


#: A spaced digit group is part of the number before it when both groups are short enough for
#: the ways numbers are written in parts (138 1234 5678, 010 62345678, 0102 3456 78); a room
#: followed by a phone number (1单元303 13122223333) stays two numbers.
_MAX_LEFT_GROUP = 4
_MAX_RIGHT_GROUP = 8


def _digits_before(text: str, end: int) -> int:
    start = end
    while start > 0 and text[start - 1].isascii() and text[start - 1].isdigit():
        start -= 1
    return end - start


def _digits_from(text: str, start: int) -> int:
    end = start
    while end < len(text) and text[end].isascii() and text[end].isdigit():
        end += 1
    return end - start


def _one_number(left: int, right: int) -> bool:
    """Whether digit groups of these lengths, a space apart, are one number written in parts."""
    return 0 < left <= _MAX_LEFT_GROUP and 0 < right <= _MAX_RIGHT_GROUP


def _collapse_spaces(text: str, offsets: list[int]) -> tuple[str, list[int]]:
    """Fold runs of spaces to one, drop them at the ends and between two ASCII digits of one
    number written in parts (`_one_number`).

    `offsets` has one entry per character of `text` plus the end sentinel; the result keeps the
    same shape. A kept space maps to the first space of its run.
    """
    out: list[str] = []
    out_offsets: list[int] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch != " ":
            out.append(ch)
            out_offsets.append(offsets[i])
            i += 1
            continue
        j = i
        while j < n and text[j] == " ":
            j += 1
        at_edge = not out or j == n
        between_digits = (
            bool(out)
            and j < n
            and out[-1].isascii()
            and out[-1].isdigit()
            and (text[j].isascii() and text[j].isdigit())
            and _one_number(_digits_before(text, i), _digits_from(text, j))
        )
        if not at_edge and not between_digits:
            out.append(" ")
            out_offsets.append(offsets[i])
        i = j
    out_offsets.append(offsets[n])
    return "".join(out), out_offsets


def normalise_with_offsets(text: str) -> tuple[str, list[int]]:
    """`normalise(text)` plus, for each result index and one past the end, the input index.

    The last entry is always `len(text)`, so `map_span` can move a span that ends at the very end
    of the input (or in trailing whitespace that was trimmed). Runs in time linear in `len(text)`.
    """
    chars, src = _clean_chars(text)
    cleaned = "".join(chars)
    converted, t2s_offsets = t2s_with_offsets(cleaned)
    # t2s offsets index into `cleaned`; route them through `src` (plus the end sentinel).
    src_with_end = [*src, len(text)]
    through = [src_with_end[k] for k in t2s_offsets]
    return _collapse_spaces(converted, through)


def normalise(text: str) -> str:
    """Canonical text: simplified script, half-width ASCII, no control chars, tidy whitespace.

    traditional → simplified (opencc t2s dictionaries), full-width → half-width (digits, Latin,
    space, punctuation), every other Unicode decimal digit → ASCII (٥, 𝟓, ५ → 5), whitespace
    removed inside a number written in parts (`138 1234 5678` → `13812345678`, not
    `303 13122223333`),
    control and zero-width characters dropped (emoji and the joiners inside emoji are kept), runs
    of whitespace folded to one space, and the ends trimmed.
    """
    return normalise_with_offsets(text)[0]


def compose_offsets(first: Sequence[int], second: Sequence[int]) -> list[int]:
    """Offsets of two steps combined: `first` maps step-1 output → input, `second` step 2 → step 1.

    Both carry the end sentinel, so the result does too.
    """
    return [first[k] for k in second]


def map_span(offsets: Sequence[int], start: int, end: int) -> tuple[int, int]:
    """Move the input span `[start, end)` to the output described by `offsets`.

    The new start is the first output character that came from at or after `start`; the new end
    is the first output character that came from at or after `end` (exclusive end), so dropped
    characters at the edges of the span simply disappear from it. Requires the non-decreasing
    offsets produced by this package. An empty result means the whole span was dropped.
    """
    new_start = bisect_left(offsets, start, 0, len(offsets) - 1)
    new_end = bisect_left(offsets, end, 0, len(offsets) - 1)
    return new_start, max(new_start, new_end)
