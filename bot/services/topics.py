"""Which knowledge-base topic a message asks about: answer one, offer the closest few, or none.

The NLU model ranks the `faq/<key>` topics for every message (`LinearIntentClassifier` writes
the ranking where Rasa's ResponseSelector would). This module decides what the bot does with that
ranking, as plain functions the action, the evaluation (`python -m bot kb-eval`) and the tests
share, so the figure measured is the behaviour residents get:

* only a message the intent model gives to the FAQ family reaches the knowledge base — intent
  `faq`, or a fallback (`nlu_fallback`) whose best real intent is `faq`. A repair, a fee query
  or an emergency is never answered from it (the emergency safety net runs before any of this);
* the top topic at or above `Retrieval.answer_confidence` is answered;
* below it, the resident gets the closest topics as buttons: always two, a third when it is at
  least `Retrieval.offer_confidence` likely.

Thresholds are calibrated on the dev paraphrase set and live in the knowledge file
(`bot/policy/knowledge/common.yml`), docs/knowledge-base.md.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.nlu.clauses import CLAUSE_CONFIDENCE, CLAUSES, is_question
from bot.nlu.topic_cues import fits_words
from bot.policy.knowledge import Retrieval

__all__ = [
    "RETRIEVAL_INTENT",
    "TopicChoice",
    "choice_for_parse",
    "choose_topic",
    "clause_topics",
    "how_to_apply_topic",
    "reaches_knowledge_base",
    "topic_ranking",
]

RETRIEVAL_INTENT = "faq"
FALLBACK_INTENT = "nlu_fallback"


@dataclass(frozen=True)
class TopicChoice:
    """`answer`: the topic to answer outright; else `offer`: topics to show as buttons."""

    answer: str | None = None
    offer: tuple[str, ...] = ()


def reaches_knowledge_base(parse: Mapping[str, Any]) -> bool:
    """Whether the message belongs to the FAQ family: intent `faq`, or a fallback whose best
    real intent is `faq` (a question worded unlike any example still deserves the buttons)."""
    intent = (parse.get("intent") or {}).get("name")
    if intent == RETRIEVAL_INTENT:
        return True
    if intent != FALLBACK_INTENT:
        return False
    real = [
        entry.get("name")
        for entry in parse.get("intent_ranking") or []
        if entry.get("name") != FALLBACK_INTENT
    ]
    return bool(real) and real[0] == RETRIEVAL_INTENT


def topic_ranking(parse: Mapping[str, Any]) -> list[tuple[str, float]]:
    """The topics (keys without `faq/`) with their probabilities, best first.

    A selector that gives only its choice (no ranking) is taken at its word: that topic, with
    its confidence, or 1.0 when it states none.
    """
    selector = (parse.get("response_selector") or {}).get(RETRIEVAL_INTENT) or {}
    entries = selector.get("ranking") or [{"confidence": 1.0, **(selector.get("response") or {})}]
    ranking = []
    for entry in entries:
        full = str(entry.get("intent_response_key") or "")
        if full.startswith(f"{RETRIEVAL_INTENT}/"):
            ranking.append((full.split("/", 1)[1], float(entry.get("confidence") or 0.0)))
    return sorted(ranking, key=lambda pair: -pair[1])


def choose_topic(ranking: Sequence[tuple[str, float]], retrieval: Retrieval) -> TopicChoice:
    """Answer the top topic when sure enough, else offer the closest two or three."""
    if not ranking:
        return TopicChoice()
    best, confidence = ranking[0]
    if confidence >= retrieval.answer_confidence:
        return TopicChoice(answer=best)
    offer = [key for key, _ in ranking[:2]]
    offer += [key for key, p in ranking[2 : retrieval.offer] if p >= retrieval.offer_confidence]
    return TopicChoice(offer=tuple(offer))


def choice_for_parse(parse: Mapping[str, Any], retrieval: Retrieval) -> TopicChoice:
    """What the bot does with one parsed message (nothing when it is not a KB question); a topic
    the message names nothing of (`TOPIC_CUES`) is left out."""
    if not reaches_knowledge_base(parse):
        return TopicChoice()
    text = str(parse.get("text") or "")
    ranking = [(key, p) for key, p in topic_ranking(parse) if fits_words(key, text)]
    return choose_topic(ranking, retrieval)


def topic_asked(parse: Mapping[str, Any], retrieval: Retrieval) -> str | None:
    """The topic a message answers outright whatever its intent, for a question said where a
    form asked for a value (等下 那我这个冬天能不能报停 说清楚 where the phone was asked: read as
    the 报停, it was noted on the ticket and the phone asked again, players' class F); None
    when no topic is sure enough to answer."""
    text = str(parse.get("text") or "")
    ranking = [(key, p) for key, p in topic_ranking(parse) if fits_words(key, text)]
    return choose_topic(ranking, retrieval).answer


#: How sure the key model must be of a clause's topic to answer it beside something else: a
#: stray clause of a long message resembles some topic more often than a question asked alone.
CLAUSE_TOPIC_CONFIDENCE = 0.65
#: The fewest word characters of a clause answered as a question of its own: 哪天啊 after
#: 金色家园要停暖？ continues that question, it asks nothing new.
CLAUSE_MIN_WORDS = 4


def clause_topics(parse: Mapping[str, Any], retrieval: Retrieval) -> list[str]:
    """The knowledge-base topics the questions among a message's clauses ask, in order, each
    once: a clause the intent model gives to the FAQ family, whose topic it is sure enough of to
    answer outright, and which reads as a question (电子发票在哪开, 微信能交不). A statement that
    happens to resemble a topic (暖气上热下凉 派人来看看) is a request, not a question to answer."""
    topics: list[str] = []
    for clause in parse.get(CLAUSES) or []:
        topic = clause.get("topic")
        if (
            clause.get("name") == RETRIEVAL_INTENT
            and float(clause.get("confidence") or 0) >= CLAUSE_CONFIDENCE
            and float(clause.get("topic_confidence") or 0)
            >= max(retrieval.answer_confidence, CLAUSE_TOPIC_CONFIDENCE)
            and is_question(str(clause.get("text") or ""))
            and sum(ch.isalnum() for ch in str(clause.get("text") or "")) >= CLAUSE_MIN_WORDS
            and topic
            and topic not in topics
            and fits_words(str(topic), str(clause.get("text") or ""))
        ):
            topics.append(str(topic))
    return topics


#: Requests the bot takes, named in a question of how to apply for them, and the topic that says
#: how (the documents, the deadline, and the message that starts it: “我要报停”).
_HOW_TO_APPLY: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(r"报停|停(?:暖|供|热)申请|申请停(?:暖|供|热)|不用暖气|暂停供(?:暖|热)"),
        "stop_heating_documents",
    ),
)
_HOW = re.compile(r"怎么|咋|如何|怎样|流程|手续|步骤|需要(?:什么|啥|哪些)|要(?:什么|啥|哪些)|材料")


def how_to_apply_topic(text: str) -> str | None:
    """The topic saying how to apply for a request the message asks how to make (你好 我想问问报
    停怎么办: the documents, the deadline, and “我要报停”), where the topic model was unsure
    (it offered buttons of 报停's three topics); None for any other message."""
    if _HOW.search(text) is None:
        return None
    return next((key for pattern, key in _HOW_TO_APPLY if pattern.search(text)), None)
