"""Questions about going to a service hall, asked on after an answer (pure text rules; h6).

Right after a hall's answer, residents ask on in whole sentences: 周六几点关门啊 我中午前能赶过去吗,
那和平里那个在哪 周六几点到几点. Right after an answer that sends them to a hall (过户, 开栓: "到
营业厅办理"), they ask which one and when: 周六能去办吗 几点关门, 要去营业厅办的话 去哪个. Too
long for the short follow-ups of `bot.services.halls.asks_hall_detail`, they were read as the
knowledge base's buttons, as an outage question about 和平里 (the community that names the hall),
or as the generic "what to bring to a hall". `asks_hall_visit` says whether a message is such a
question; the actions decide, from the answer just given, that it is about a hall.

A message with a question mark inside that asks two things (周四停暖是停一整天吗？另外朝阳那个营业厅
周六开门不) is split by `bot.nlu.clauses`; `without_clauses_of` drops the clauses of the other
question, so the hall is answered for the day asked of it (周六), not the stop's day (周四).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from bot.nlu.clauses import CLAUSE_CONFIDENCE, CLAUSES, is_question
from bot.nlu.faults import fault_type_of

__all__ = [
    "HALL_VISIT_MAX_CHARS",
    "asks_hall_visit",
    "sends_to_hall",
    "without_clauses_of",
]

#: The longest message read as a question about going to a hall (word characters):
#: 那和平里那个在哪周六几点到几点 has 15, 周六几点关门啊我中午前能赶过去吗 16.
HALL_VISIT_MAX_CHARS = 22
#: When it opens or whether one gets there in time (几点关门, 周六开门不, 开到几点, 能赶过去吗,
#: 周六能去办吗, 平时最晚几点).
_WHEN = re.compile(
    r"关门|开门|下班|上班|营业(?!厅|部|点|执照)|几点|几时|开到|(?:天|日|[一二三四五六末]|儿|那|还)开[吗不么没着嘛呢]|"
    r"赶(?:得|过去|不)|来得及|能去|去办|过去办|去一趟"
)
#: Where it is, or which one (在哪, 地址, 怎么走, 去哪个, 哪个营业厅).
_WHERE = re.compile(
    r"在哪|哪儿|哪里|哪块|地址|位置|怎么走|咋走|怎么去|咋去|怎么过去|去哪|到哪|上哪|"
    r"哪个(?:营业厅|厅|网点|地方)|[去到]哪个|哪一个厅|哪家"
)
#: Another matter the question is about (a stop, a repair, a ticket, money owed): not the hall's
#: hours, whatever 几点 it asks (几点恢复, 师傅几点来, 几点来热).
_OTHER_MATTER = re.compile(
    r"停暖|停热|停气|停供|停了|检修|抢修|来暖|来热|恢复|供暖|烧|师傅|上门|维修|报修|修|工单|单号|"
    r"测温|投诉|退费|赔|多少钱|欠费|滞纳金|户号|温度|几度|几号|"
    r"下载|网上|线上|手机上|微信|支付宝|公众号|小程序|在线|银行|到账"
)
#: What sends the resident to a hall in an answer: the word itself.
_HALL_WORD = "营业厅"
_WORD_CHARS = re.compile(r"[\W_]+")


def asks_hall_visit(text: str | None) -> bool:
    """Whether `text` asks when a hall opens, on a day or at all, or where it is or which one
    to go to (module docstring), in at most `HALL_VISIT_MAX_CHARS` word characters and about
    nothing else (a fault, a stop, a ticket, the temperature). A plan told (那我明天去营业厅吧)
    asks nothing. Read only right after an answer that showed a hall or sent the resident to
    one: alone, 几点关门 names no hall."""
    words = _WORD_CHARS.sub("", str(text or ""))
    if not words or len(words) > HALL_VISIT_MAX_CHARS or re.search(r"\d{3,}", words):
        return False
    if not is_question(str(text)):
        return False
    if _OTHER_MATTER.search(words) or fault_type_of(words):
        return False
    return bool(_WHEN.search(words) or _WHERE.search(words))


def sends_to_hall(said: Iterable[str]) -> bool:
    """Whether an answer (its messages) tells the resident to go to a hall (到营业厅办理, 到就近
    营业厅): a question after it of when or where to go is about that hall."""
    return any(_HALL_WORD in message for message in said)


def without_clauses_of(text: str, parse: Mapping[str, Any], intents: Sequence[str]) -> str:
    """`text` without its clauses that the classifier is sure ask one of `intents`: the hall
    question of 周四停暖是停一整天吗？另外朝阳那个营业厅周六开门不 without the stop's 周四. The
    whole text when no clause is dropped or nothing would be left."""
    dropped = [
        str(clause.get("text") or "")
        for clause in parse.get(CLAUSES) or []
        if clause.get("name") in intents
        and float(clause.get("confidence") or 0) >= CLAUSE_CONFIDENCE
    ]
    kept = text
    for clause in dropped:
        if clause and clause in kept:
            kept = kept.replace(clause, " ", 1)
    return kept.strip() if _WORD_CHARS.sub("", kept) else text
