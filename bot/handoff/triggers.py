"""When a conversation should go to a person without the user asking: signs of frustration.

Pure text rules over the latest user turns, so they are tested directly and tuned in one place.
A frustrated user is handed over at once instead of being asked to rephrase yet again.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

#: Words of anger or contempt aimed at the service or the bot. Plain substrings, chosen so that
#: ordinary messages do not contain them (滚蛋, never 滚, which is in 滚烫; 客服呢, not 人呢, which
#: is in 家里没人呢), and an ordinary complaint ("暖气太差了") is not read as anger at the bot.
ANGRY_WORDS = (
    "气死",
    "垃圾",
    "废物",
    "智障",
    "骗子",
    "坑人",
    "什么破",
    "破机器",
    "听不懂人话",
    "有没有真人",
    "客服呢",
    "没用的",
    "他妈",
    "妈的",
    "滚蛋",
)

#: Misunderstood messages in a row after which the user is handed over without another offer.
FALLBACKS_IN_A_ROW = 3

#: The same message this many times in a row means the bot's answers are not helping.
REPEATS_IN_A_ROW = 3

#: Answers that are naturally the same several times (好的, a bare value, 不用): never "repeated".
ANSWER_INTENTS = frozenset({"affirm", "deny", "inform"})


@dataclass(frozen=True)
class UserTurn:
    """One user message as the rules need it: NLU's intent and the text."""

    intent: str | None
    text: str


#: Signs that a resident is upset about the service itself (waiting, cold, being ignored), not
#: at the bot: they get an apology before any question. Plain substrings and runs of "!".
UPSET_WORDS = (
    "!!",
    "！！",
    "管不管",
    "还不来",
    "怎么还",
    "到底",
    "好几天",
    "三天",
    "一直没",
    "没人管",
    "没人来",
    "冻死",
    "急死",
    "受不了",
    "太差",
    "气人",
    "什么玩意",
    "干什么吃的",
    "干啥吃的",
    "你们怎么回事",
    "你们咋回事",
    "你们怎么搞的",
    "有没有人管",
)


#: The citizens' hotline 12345, threatened with; only on its own, never inside a phone, account or
#: ticket number (13912345679 is a phone number, not a threat).
_CITY_HOTLINE = re.compile(r"(?<![0-9０-９])(?:12345|１２３４５)(?![0-9０-９])")


#: Giving up on being heard (跟你说也没用, 说了也白说, 跟机器人讲不清): the resident is past
#: patience with the answers, and owed an apology before the next one.
_NO_USE_TALKING = re.compile(
    r"(?:跟|和|对|同)(?:你|您|机器人|你们)(?:们)?(?:说|讲)(?:了)?(?:也|都)?"
    r"(?:没用|没啥用|没什么用|白说|白讲|说不清|讲不清|说不明白|讲不明白|说不通)|"
    r"说了(?:也|都)?(?:白说|没用)|白费口舌|对牛弹琴"
)


def upset(text: str) -> bool:
    """Whether `text` shows the resident upset about the service (or angry at the bot)."""
    return (
        angry(text)
        or any(word in text for word in UPSET_WORDS)
        or _CITY_HOTLINE.search(text) is not None
        or _NO_USE_TALKING.search(text) is not None
    )


def angry(text: str) -> bool:
    """Whether `text` contains one of the angry words."""
    return any(word in text for word in ANGRY_WORDS)


def frustration(turns: Sequence[UserTurn]) -> str | None:
    """Why the user seems frustrated, from their turns newest first; `None` if they do not.

    `angry_words` in the latest message, `fallbacks` when the last `FALLBACKS_IN_A_ROW` messages
    were all misunderstood, `repeated` when the user sent the same text `REPEATS_IN_A_ROW` times.
    """
    if not turns:
        return None
    if angry(turns[0].text):
        return "angry_words"
    latest = turns[:FALLBACKS_IN_A_ROW]
    if len(latest) == FALLBACKS_IN_A_ROW and all(t.intent == "nlu_fallback" for t in latest):
        return "fallbacks"
    if _repeated(turns):
        return "repeated"
    return None


#: How much of the shorter of two messages must recur in the other (character pairs) for them
#: to be the same question reworded: 我问的是为什么我家比邻居贵！ after
#: 为什么我家暖气费比邻居贵那么多 shares 7 of its 12 pairs (0.58); two different fee questions
#: (暖气费怎么交 / 暖气费多少钱) share only 暖气, 气费 (0.4).
SAME_QUESTION = 0.5
#: Messages shorter than this many character pairs are compared only when equal (好的, 在吗).
MIN_PAIRS_TO_COMPARE = 4


def _pairs(text: str) -> set[str]:
    kept = "".join(ch for ch in text if ch.isalnum())
    return {kept[i : i + 2] for i in range(len(kept) - 1)}


def same_question(one: str, other: str) -> bool:
    """Whether two messages ask the same thing: equal, or one reworded (most of the shorter
    one's character pairs recur in the other)."""
    if one.strip() == other.strip():
        return True
    a, b = _pairs(one), _pairs(other)
    if min(len(a), len(b)) < MIN_PAIRS_TO_COMPARE:
        return False
    return len(a & b) / min(len(a), len(b)) >= SAME_QUESTION


def _repeated(turns: Sequence[UserTurn]) -> bool:
    """The same request, in words, `REPEATS_IN_A_ROW` times in a row, reworded or not (buttons,
    keyword codes and answers such as 好的 are not requests that went unheard)."""
    latest = turns[:REPEATS_IN_A_ROW]
    said = latest[0].text.strip() if latest else ""
    return (
        len(latest) == REPEATS_IN_A_ROW
        and bool(said)
        and not any(t.text.strip().startswith("/") for t in latest)
        and not any(t.intent in ANSWER_INTENTS for t in latest)
        and all(same_question(said, t.text) for t in latest[1:])
    )


def hand_over_now(turns: Sequence[UserTurn]) -> bool:
    """Whether the latest message should go to a person whatever it asked for: the same request
    came a `REPEATS_IN_A_ROW`-th time, so the bot's answer to it has not helped twice. Only on
    that message: a fourth time is the same run, already handed over.

    Applied by the dialogue policy `bot.handoff.policy.FrustrationPolicy` in every channel alike;
    misunderstood and angry messages are handled where they land (`action_fallback`), since an
    angry repair request still wants its repair booked.
    """
    return _repeated(turns) and not _repeated(turns[1:])
