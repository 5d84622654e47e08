"""Community names typed as pinyin initials (xfl 是不是停暖了 → 幸福里) or spelt out in pinyin
(Yangguang Huayuan building 5 → 阳光花园): pure text functions.

Young residents type the initials of a place as they do of everything (nq 暖气, yyds); the
emergency detector reads the domain's own initials (bot.nlu.emergency), and this module gives
the initials of the company's community names, so "xfl" in a message names 幸福里.

No pinyin library is needed: the 3,755 common characters of GB2312 (level 1) are ordered by
pinyin, so the initial of such a character follows from its code (the first code of each
initial below). A name with a rarer character has no initials and is never matched this way.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

__all__ = ["initial_of", "initials_of", "named_by_initials", "named_in_pinyin"]

#: The first GB2312 code of each initial (level-1 characters are ordered by pinyin); the last
#: entry ends level 1.
_FIRST_CODES: tuple[tuple[int, str | None], ...] = (
    (0xB0A1, "a"), (0xB0C5, "b"), (0xB2C1, "c"), (0xB4EE, "d"), (0xB6EA, "e"), (0xB7A2, "f"),
    (0xB8C1, "g"), (0xB9FE, "h"), (0xBBF7, "j"), (0xBFA6, "k"), (0xC0AC, "l"), (0xC2E8, "m"),
    (0xC4C3, "n"), (0xC5B6, "o"), (0xC5BE, "p"), (0xC6DA, "q"), (0xC8BB, "r"), (0xC8F6, "s"),
    (0xCBFA, "t"), (0xCDDA, "w"), (0xCEF4, "x"), (0xD1B9, "y"), (0xD4D1, "z"), (0xD7FA, None),
)  # fmt: skip
#: Initials typed on their own: a run of three or more Latin letters between non-letters.
_LETTERS = re.compile(r"(?<![A-Za-z])[A-Za-z]{3,8}(?![A-Za-z])")


def initial_of(ch: str) -> str | None:
    """The pinyin initial of a common character, None for any other."""
    try:
        code = ch.encode("gb2312")
    except UnicodeEncodeError:
        return None
    if len(code) != 2:
        return None
    value = code[0] << 8 | code[1]
    letter: str | None = None
    for first, initial in _FIRST_CODES:
        if value < first:
            return letter
        letter = initial
    return None


@lru_cache(maxsize=1024)
def initials_of(name: str) -> str | None:
    """The pinyin initials of a community name without its 小区 (幸福里小区 → xfl), None when a
    character is not a common one or the name is shorter than three characters."""
    bare = name.strip().removesuffix("小区")
    letters = [initial_of(ch) for ch in bare]
    if len(letters) < 3 or any(letter is None for letter in letters):
        return None
    return "".join(letter for letter in letters if letter)


def named_by_initials(text: str, known: Iterable[str]) -> str | None:
    """The one known community whose initials `text` types on their own (xfl是不是停暖了), else
    None (also when two names share the initials)."""
    typed = {m.group(0).lower() for m in _LETTERS.finditer(text or "")}
    if not typed:
        return None
    named = {name for name in known if initials_of(name) in typed}
    return named.pop() if len(named) == 1 else None


#: One pinyin syllable without its tone (the finals longest first); a few spellings no syllable
#: has pass too, which costs nothing: the initials must still be the name's, in order.
_SYLLABLE = (
    "(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?"
    "(?:iang|iong|uang|ang|eng|ing|ong|uan|ian|iao|uai|ai|ei|ao|ou|an|en|in|un|ia|ie|iu|ua|uo|"
    "ui|ue|ve|er|a|o|e|i|u|v)"
)
#: A run of Latin words (the name and what stands around it).
_WORDS = re.compile(r"[A-Za-z]+(?:[ '-]+[A-Za-z]+)*")
_GAP = re.compile(r"[ '-]+")


@lru_cache(maxsize=1024)
def _spelling(name: str) -> re.Pattern[str] | None:
    """A pattern of `name` spelt in full pinyin, one syllable per character with its initial
    (阳光花园 → yang guang hua yuan, written together or apart, any case); None for a name with
    a rarer character or under three characters (without 小区)."""
    bare = name.strip().removesuffix("小区")
    letters = [initial_of(ch) for ch in bare]
    if len(letters) < 3 or any(letter is None for letter in letters):
        return None  # two syllables spell everyday words (duoshao, le ma)
    syllables = "[ '-]?".join(f"(?={letter}){_SYLLABLE}" for letter in letters)
    return re.compile(rf"{syllables}(?:[ '-]?xiao ?qu)?", re.IGNORECASE)


def named_in_pinyin(text: str, known: Iterable[str]) -> tuple[int, int, str] | None:
    """(start, end, name) of the one known community `text` spells out in pinyin (Yangguang
    Huayuan building 5 unit 1 room 302, heping li 3 hao lou): a resident writing English, or a
    phone without Chinese input, was asked for the address again and again (players' findings
    2, class I). Whole words only; None when no name, or two, are spelt."""
    found: set[tuple[int, int, str]] = set()
    for run in _WORDS.finditer(text or ""):
        starts = [run.start()] + [m.end() for m in _GAP.finditer(text, run.start(), run.end())]
        for name in known:
            pattern = _spelling(name)
            if pattern is None:
                continue
            for start in starts:
                match = pattern.match(text, start)
                if match and not re.match("[A-Za-z]", text[match.end() : match.end() + 1]):
                    found.add((match.start(), match.end(), name))
    names = {name for _, _, name in found}
    return min(found) if len(names) == 1 else None
