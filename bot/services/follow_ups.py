"""Short follow-ups read against the knowledge-base answer just given (issues 16 and 17).

Right after 低保户暖气费能减免吗 was answered, 去哪办 asks where to apply for *that* subsidy; after
the 开栓 answer, 要钱吗 asks what the 开栓 costs; after the 过户 answer, 多久能办好 asks how long a
过户 takes. Alone, such a message names nothing the topic model could place: 去哪办 read as
out of scope, 要钱吗 as the repair-cost topic, 多久能办好 got the 过户 answer again. This module
says, from the words alone, whether a message is such a follow-up and which facet it asks
(`bot.policy.knowledge.FACETS`); the actions find the topic last answered and answer that
topic's facet (`actions.knowledge.answer_follow_up`).

A follow-up asks one facet —

* `cost` — 要钱吗, 收费不, 多少钱, 免费吗;
* `duration` — 多久能办好, 要几天, 啥时候能开通;
* `in_person` — 要本人去吗, 能代办吗, 家里人能替我去吗;
* `documents` — 要带啥, 需要什么材料, 什么手续;
* `where` — 去哪办, 在哪下载, 网上能办吗, 找谁 —

and names nothing else: once the facet's words and the words that carry no subject (那, 请问,
这个, 要, 能, 吗 …) are taken out, at most one character is left (那去哪办, 那要钱不). A message
that names a subject (过户多久能办好, 电子的在哪下载) is a follow-up only when that subject is the
topic last answered (the topic model ranks it first); 那开栓要钱吗 after the 过户 answer is a new
question. A message with a fault, a number or more than `MAX_CHARS` characters is never one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.nlu.faults import fault_type_of
from bot.nlu.numbers import to_canonical

__all__ = ["MAX_CHARS", "asks_round_the_clock", "facet_asked", "follow_up_facet"]

#: The longest message read as a follow-up (word characters): 过户大概多长时间能办下来.
MAX_CHARS = 14

#: Asking whether a line or a service is there round the clock (24小时吗, 晚上也有人吗): a
#: duration asked of a topic that says so (the duty line's); `follow_up_facet` reads it only there.
ROUND_THE_CLOCK = r"24小时|二十四小时|全天|一天到晚|(?:夜里|晚上|半夜|节假日|周末)也"
_ROUND_THE_CLOCK = re.compile(ROUND_THE_CLOCK)
#: Subjects a follow-up may name without leaving the topic just answered: the parts a repair
#: replaces, after the repair-cost answer (换个阀门多少钱 asks that answer's price, and its
#: valve is no fault reported).
_TOPIC_SUBJECTS = {
    "repair_cost": re.compile(
        "阀门|阀|暖气片|散热器|管子|管道|水管|管件|配件|零件|材料|接头|跑风|温控|换|修|根|片"
    ),
}
#: The words of each facet, in the order they are tried (要本人带身份证吗 asks who goes first).
_FACETS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "cost",
        re.compile(
            r"要钱|收钱|收费|花钱|免费|多少钱|费用|掏钱|交钱|给钱|贵不贵|贵吗|收不收|要不要钱|花多少"
        ),
    ),
    (
        "duration",
        re.compile(
            r"多久|多长时间|多少天|几天|几个?小时|几个?工作日|要等|"
            r"(啥|什么|几)时候能?(好|办好|办完|办下来|弄好|开通|通|到账|退|批|下来|来热)|"
            + ROUND_THE_CLOCK
        ),
    ),
    ("in_person", re.compile(r"本人|亲自|代办|替我|替他|替她|别人|家人|家里人|委托|代理")),
    (
        "documents",
        re.compile(
            r"带(什么|啥|哪些|些啥)|(什么|啥|哪些)(材料|证件|手续|东西)|要带|材料|证件|手续"
        ),
    ),
    (
        "where",
        re.compile(
            r"去哪|在哪|到哪|哪里|哪儿|什么地方|啥地方|哪个部门|找谁|网上|线上|手机上|在线|下载|"
            r"(怎么|咋|如何|怎样)(申请|办理|去办|办手续)"
        ),
    ),
)
#: Words that carry no subject of their own in a follow-up.
_FILLER_WORDS = (
    "那么 那 请问 问一下 问下 想问 这个 那个 这样 这 它 的 办理 办 弄 去 还 也 得 要 需要 "
    "能不能 能 可以 可不可以 吗 呢 啊 呀 么 嘛 吧 我们 我 咱们 咱 俺 您 你们 一般 大概 大约 "
    "最快 多 是 都 一下 啦 哦 呗 了 就 再 个 些 才 不 用 到 在 人 嗯 好 行 成 让 给 申请 "
    "必须 一定 先 自己 过去 跑 趟 一趟 有 没有 没 还是 啥 什么 怎么 批下来 办下来 下来 办好 办完 "
    "弄好 批 完"
)
#: The filler words, longest first (可不可以 before 可以).
_FILLERS = re.compile("|".join(sorted(set(_FILLER_WORDS.split()), key=len, reverse=True)))
_NOT_WORDS = re.compile(r"[\W_]+")
_NUMBER = re.compile(r"\d{3,}")


def asks_round_the_clock(text: str | None) -> bool:
    """Whether `text` asks whether something is there round the clock (24小时吗): answered
    only from a topic that says so, never "how long does it take" of another."""
    return _ROUND_THE_CLOCK.search(to_canonical(str(text or ""))) is not None


def facet_asked(text: str | None) -> str | None:
    """The facet a message asks (`FACETS`), judged on the words alone, or None."""
    canonical = to_canonical(str(text or ""))
    return next((facet for facet, words in _FACETS if words.search(canonical)), None)


def follow_up_facet(
    text: str | None, last_topic: str | None, ranking: Sequence[tuple[str, float]] = ()
) -> str | None:
    """The facet `text` asks of `last_topic`, the topic the bot answered just before, when the
    message is a short follow-up to that answer (module docstring); None otherwise.

    `ranking`: the topic model's topics for the message, best first (keys without `faq/`)."""
    if not last_topic:
        return None
    canonical = to_canonical(str(text or ""))
    words = _NOT_WORDS.sub("", canonical)
    own = _TOPIC_SUBJECTS.get(last_topic)
    plain = own.sub("", words) if own else words
    if not words or len(words) > MAX_CHARS or _NUMBER.search(words) or fault_type_of(plain):
        return None
    facet = facet_asked(words)
    if facet is None:
        return None
    rest = plain
    for _, pattern in _FACETS:
        rest = pattern.sub("", rest)
    rest = _FILLERS.sub("", rest)
    if len(rest) <= 1:
        return facet
    names_the_last_topic = bool(ranking) and ranking[0][0] == last_topic
    return facet if names_the_last_topic else None
