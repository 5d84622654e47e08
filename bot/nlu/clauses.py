"""The clauses of a message that asks several things at once (pure text functions).

"今年几号开始烧到几号停？在哪交钱 微信能交不", "查费 户号… 顺便问下过了年再交有没有滞纳金",
"你好 我想 看看 暖气 钱 多少": one intent for the whole message answers one of its questions
(or, for the last, none: it reads as a greeting). The intent classifier also classifies each
clause (`bot.nlu.linear`), and the actions answer the questions the main intent did not.

A clause ends at sentence punctuation, before a numbered item (1、 2. ), before a word that
starts another matter (另外, 顺便, 还有, 对了, 再问一下), and after a greeting or an
acknowledgement at the start (好滴 那发票咋开呀: the question after 好滴 is one of its own).
Spaces and commas split a clause too, but a piece shorter than `MIN_CHARS` characters is glued
to its neighbour, so the words of 我想 看看 暖气 钱 多少 stay one clause.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping
from typing import Any

__all__ = [
    "CLAUSES",
    "CLAUSE_CONFIDENCE",
    "MIN_CHARS",
    "clause_intents",
    "clause_spans",
    "is_question",
    "starts_new_matter",
]

#: The parse result's key for the clauses, each with its own intent and topic (`bot.nlu.linear`).
CLAUSES = "clauses"
#: How sure the intent model must be of a clause's intent before it is acted on.
CLAUSE_CONFIDENCE = 0.5
#: The fewest word characters a clause made by a space or comma may have.
MIN_CHARS = 5

_SENTENCE_END = re.compile(r"[?!。;；\n]+|\.(?!\d)")
_NUMBERED = re.compile(r"(?:^|(?<=[\s,，:：;；。!！?？]))[1-9一二三四五][、.．)）](?!\d)")
_NEW_MATTER = re.compile(r"另外|顺便|顺带|还有(?![人没])|对了|再问(?:一?下)?|再就是|此外")
_GREETING = re.compile(
    r"^\s*(?:(?:喂+|你好|您好|哈喽|hello|hi|嗨|在吗|在不在|同志|师傅|打扰(?:您|你)?(?:一下)?了?|"
    r"请问一下)[\s,，!！~～啊呀哈]*)+",
    re.IGNORECASE,
)
#: An acknowledgement that opens a message before something else (好滴 那发票咋开呀, 嗯嗯 知道了
#: 那滞纳金怎么算): a clause of its own, so the question after it is classified by itself; it
#: must be followed by a separator or by 那 (好冷啊 is no acknowledgement).
_ACKNOWLEDGEMENT = re.compile(
    r"\s*(?:(?:好滴|好嘞|好吧|好哒|好的|好|嗯+|哦+|噢+|喔+|行吧|行|成|可以|okay|ok|收到|知道了|"
    r"知道|明白了|明白|了解了|了解|懂了|谢谢(?:你|您)?|多谢|感谢)[\s,，!！~～。.啊呀哈了]*)+",
    re.IGNORECASE,
)
_QUESTION = re.compile(
    r"[?？吗嘛么呢]|怎么|怎样|咋|如何|多少|多久|多长|哪|什么|啥|谁|能不能|可不可以|可以不|"
    r"是不是|有没有|要不要|会不会|行不行|对不对|是否|为何|是\S{1,10}还是|(\w)[不没]\1|"
    r"\w不[啊呀哈啦嘞]?$|"
    # 几点/几号/几天 ask; 好几百, 十几度, 几十块 count (一个月好几百暖气费白交了 asks nothing)
    r"(?<![好十这那])几(?![十百千万])"
)
#: What a clause does not begin or end with (the canonical text has half-width punctuation).
_EDGE = " \t\n,，、:：!。;；."
_WEAK = re.compile(r"[\s,，、:：]+")
_WORD = re.compile(r"\w")


def _cuts(text: str) -> list[int]:
    """Where the strong separators (module docstring) start a new clause."""
    markers = list(_NUMBERED.finditer(text))
    # the point of an item marker (1.厨房…) ends no sentence: the item is one clause with it
    cuts = {m.end() for m in _SENTENCE_END.finditer(text)} - {m.end() for m in markers}
    cuts |= {m.start() for m in markers}
    cuts |= {m.start() for m in _NEW_MATTER.finditer(text)}
    greeting = _GREETING.match(text)
    if greeting and greeting.end() < len(text):
        cuts.add(greeting.end())
    acknowledged = _ACKNOWLEDGEMENT.match(text, greeting.end() if greeting else 0)
    if acknowledged and _separated(text, acknowledged.end()):
        cuts.add(acknowledged.end())
    return sorted(c for c in cuts if 0 < c < len(text))


def _separated(text: str, end: int) -> bool:
    """Whether an acknowledgement ending at `end` stands apart from what follows: a separator
    before it, or 那 after it (好滴那发票咋开); 好热 / 行不行 are no acknowledgements."""
    if not 0 < end < len(text):
        return False
    return text[end - 1] in _EDGE + "啊呀哈了~～" or text[end] == "那"


def _words(text: str) -> int:
    return len(_WORD.findall(text))


def _trimmed(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The span without separators and spaces at either end (one question mark that ends it is
    kept: it makes the clause a question); None when no word is left."""
    piece = text[start:end]
    left = len(piece) - len(piece.lstrip(_EDGE + "?"))
    body = piece.rstrip(_EDGE)
    right = len(body.rstrip("?")) + (1 if body.endswith("?") else 0)
    if right <= left or not _words(piece[left:right]):
        return None
    return start + left, start + right


def _weak_pieces(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """A strong clause split at spaces and commas, short pieces glued to the next (the last
    to the one before)."""
    bounds = [start]
    bounds += [m.end() for m in _WEAK.finditer(text, start, end) if start < m.start()]
    bounds.append(end)
    pieces: list[list[int]] = []
    carry: int | None = None
    for left, right in itertools.pairwise(bounds):
        begin = left if carry is None else carry
        if _words(text[begin:right]) < MIN_CHARS:
            carry = begin
            continue
        pieces.append([begin, right])
        carry = None
    if carry is not None:
        if pieces:
            pieces[-1][1] = end
        else:
            pieces.append([carry, end])
    return [(a, b) for a, b in pieces]


def clause_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each clause of `text`, in order; a message of one clause gives one span.

    `text` is the canonical text the classifier reads (half-width punctuation)."""
    bounds = [0, *_cuts(text), len(text)]
    spans: list[tuple[int, int]] = []
    for left, right in itertools.pairwise(bounds):
        for a, b in _weak_pieces(text, left, right):
            trimmed = _trimmed(text, a, b)
            if trimmed:
                spans.append(trimmed)
    return spans or [(0, len(text))]


#: Question words that state: 啥也不显示, 什么都没有, 哪都不热 (nothing at all, nowhere), and the 呢
#: of a state still going on (费还没交呢, 人还在外地呢) when nothing else asks.
_STATING = re.compile(
    r"(?:啥|什么|哪儿?|哪里|谁)(?:也|都)(?=不|没)|(?<=还[没不在])(\S{0,8})呢(?=\W*$)"
)


def is_question(text: str) -> bool:
    """Whether a clause asks something (吗, 怎么, 哪, 几, 能不能, 微信能交不), not states it
    (啥也不显示, 费还没交呢: `_STATING`)."""
    return _QUESTION.search(_STATING.sub(lambda m: m.group(1) or "", text)) is not None


def starts_new_matter(text: str) -> bool:
    """Whether a clause opens another matter (另外发票怎么开, 顺便问下…, 2、…): the message asks
    several things, not one question with its circumstances."""
    return _NEW_MATTER.match(text.strip()) is not None or _NUMBERED.match(text.strip()) is not None


def clause_intents(parse: Mapping[str, Any]) -> list[str]:
    """The intents the classifier is sure of among the clauses of a parsed message, in the
    order asked, each once (empty for a message of one clause)."""
    found: list[str] = []
    for clause in parse.get(CLAUSES) or []:
        name = clause.get("name")
        if name and float(clause.get("confidence") or 0) >= CLAUSE_CONFIDENCE and name not in found:
            found.append(str(name))
    return found
