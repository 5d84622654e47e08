"""Knowledge-base answers said by any action: the topic's text for the channel, each once a turn,
and the questions among the clauses of a message that asks several things (`bot.nlu.clauses`).

`action_answer_faq` answers a message the classifier gave to the FAQ; the actions a request
starts with answer the questions asked beside it (`answer_faq_clauses`, through
`actions.side_questions`), so "查费 户号… 顺便问下过了年再交有没有滞纳金" gets both.

A short follow-up right after an answer (去哪办, 要钱吗, 多久能办好, 要带啥, 要本人去吗:
`bot.services.follow_ups`) is answered from the topic just answered, whatever the classifier made
of it (`answer_follow_up`). A question taken from a task for the knowledge base (暖气越来越不热 是
不是该洗了) is offered that task after its answer, by a button and by the words to send
(`offer_the_task`).

A question naming a city the company also serves (天津的暖气几号开始, asked of the Beijing
assistant) is answered from that city's policy and knowledge file (`question_knowledge`,
`bot.policy.named_city`), and so is a follow-up to that answer (`last_answer`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.common import (
    SMS_CHANNEL,
    bot_turns,
    channel_of,
    latest_intent,
    latest_text,
    policy,
    previous_bot_turn,
    this_turn,
)
from bot.nlu.faults import fault_type_of
from bot.nlu.requests import asks_for_measurement
from bot.policy.faq_sms import sms_topic_answer, sms_trimmed
from bot.policy.knowledge import FACETS, KnowledgeBase, load_knowledge
from bot.policy.loader import available_policies, load_policy
from bot.policy.model import Policy
from bot.policy.named_city import policy_for_text
from bot.services.follow_ups import asks_round_the_clock, facet_asked, follow_up_facet
from bot.services.topics import RETRIEVAL_INTENT, clause_topics, topic_ranking


def question_knowledge(tracker: Tracker, default: Policy | None = None) -> KnowledgeBase:
    """The knowledge base that answers the latest message: that of the city it names
    (天津的暖气几号开始 → Tianjin's season), else `default`'s (the configured policy's)."""
    return load_knowledge(policy_for_text(latest_text(tracker), default or policy()))


def topic_answer(tracker: Tracker, kb: KnowledgeBase, key: str) -> str:
    """A topic's answer with the policy's values, in its SMS form on that channel."""
    text = kb.answer(key)
    if channel_of(tracker) == SMS_CHANNEL:
        text = sms_topic_answer(kb.policy, key, text)
    return text


def answer_topics(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    kb: KnowledgeBase,
    keys: list[str],
    buttons: list[dict[str, str]] | None = None,
) -> None:
    """Answer each topic once: not one this action or an earlier one of the turn has said;
    `buttons` go under the last answer said."""
    said = {str(m.get("text")) for m in dispatcher.messages}
    said |= {str(e.get("text")) for e in this_turn(tracker) if e.get("event") == "bot"}
    answers = (topic_answer(tracker, kb, key) for key in keys if key in kb.topics)
    texts = [text for text in dict.fromkeys(answers) if text not in said]
    for index, text in enumerate(texts):
        last = index == len(texts) - 1
        dispatcher.utter_message(text=text, buttons=buttons if last and buttons else None)


def answer_faq_clauses(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """Answer the knowledge-base questions among the clauses of the latest message, unless its
    intent is the FAQ (`action_answer_faq` answers them all)."""
    if latest_intent(tracker) == RETRIEVAL_INTENT:
        return
    kb = question_knowledge(tracker)
    answer_topics(dispatcher, tracker, kb, clause_topics(tracker.latest_message, kb.retrieval))


def _said_texts(tracker: Tracker, kb: KnowledgeBase) -> dict[str, str]:
    """Every text the knowledge base says on this channel (a topic's answer, a follow-up's
    line) → its topic."""
    texts: dict[str, str] = {}
    for key in kb.topics:
        texts.setdefault(topic_answer(tracker, kb, key), key)
        for facet in FACETS:
            texts.setdefault(follow_up_text(tracker, kb, key, facet), key)
    return texts


def follow_up_text(tracker: Tracker, kb: KnowledgeBase, key: str, facet: str) -> str:
    """What a follow-up asking `facet` of topic `key` is told, in its SMS form on that channel."""
    text = kb.follow_up(key, facet)
    return sms_trimmed(kb.policy, text) if channel_of(tracker) == SMS_CHANNEL else text


def last_answered_topic(tracker: Tracker, kb: KnowledgeBase) -> str | None:
    """The topic the bot answered in its last turn (the first one it answered there), or None
    when that turn said no knowledge-base text."""
    said = [str(e.get("text") or "") for e in reversed(previous_bot_turn(tracker))]
    if not any(said):
        return None
    texts = _said_texts(tracker, kb)
    return next((texts[text] for text in said if text in texts), None)


def _knowledge_bases() -> list[KnowledgeBase]:
    """The configured policy's knowledge base, then those of the other shipped cities."""
    current = policy()
    others = [load_policy(name) for name in available_policies()]
    return [load_knowledge(p) for p in [current, *(o for o in others if o.city != current.city)]]


def last_answer(tracker: Tracker) -> tuple[KnowledgeBase, str] | None:
    """The knowledge base and topic of the bot's last turn's answer (`last_answered_topic`):
    the configured city's, or another city's when the question named it."""
    if not any(str(e.get("text") or "") for e in previous_bot_turn(tracker)):
        return None
    for kb in _knowledge_bases():
        topic = last_answered_topic(tracker, kb)
        if topic is not None:
            return kb, topic
    return None


def answer_follow_up(dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
    """Answer a short follow-up to the answer just given (去哪办 after the subsidy answer) from
    that answer's topic (`bot.services.follow_ups`), in that answer's city; False when the
    message is none."""
    text = latest_text(tracker)
    if facet_asked(text) is None:
        return False  # most messages: no need to look back
    found = last_answer(tracker)
    last = found[1] if found else None
    facet = follow_up_facet(text, last, topic_ranking(tracker.latest_message))
    if found is None or facet is None:
        return False
    if asks_round_the_clock(text) and found[0].facet(found[1], facet) is None:
        return False  # 24小时吗 after the heating hours: not "how long does it take"
    dispatcher.utter_message(text=follow_up_text(tracker, found[0], found[1], facet))
    return True


#: How many of the bot's turns back an answer counts as just given: asked on after it (去年的也能
#: 补开吗 after the invoice answer, then 我问的是去年的), the same text again answers nothing.
REPEAT_LOOKBACK_TURNS = 3
#: A case the answer's rules do not reach back to: an earlier season (去年的发票, 2025年那季的).
_EARLIER_SEASON = re.compile(r"去年|前年|往年|上一?季|上个供暖季|上个采暖季|以前的|之前的|20\d\d年")


def recently_said(tracker: Tracker, turns: int = REPEAT_LOOKBACK_TURNS) -> set[str]:
    """The texts the bot said in its last `turns` turns."""
    return {str(e.get("text") or "") for turn in bot_turns(tracker)[:turns] for e in turn}


#: Characters that do not make a question another one (你们客服电话到底是多少？ = …多少).
_NOT_WORDS = re.compile(r"[\s，。！？、,.!?~～…]+")


def _asks_the_same_again(tracker: Tracker) -> bool:
    """Whether the latest message repeats one of the resident's last few messages word for word:
    the same question again asks for the same answer (a third time goes to a person,
    `bot.handoff.triggers`), not for what the answer left out."""
    texts = [
        _NOT_WORDS.sub("", str(e.get("text") or ""))
        for e in tracker.events
        if e.get("event") == "user"
    ]
    return len(texts) > 1 and texts[-1] in texts[-1 - REPEAT_LOOKBACK_TURNS : -1]


def answer_beyond_the_answer(
    dispatcher: CollectingDispatcher, tracker: Tracker, kb: KnowledgeBase, key: str
) -> bool:
    """Topic `key` asked again right after its answer was given (p4-022: 我去年的也要开 能补开吗,
    我问的是去年的发票 2025年那季的 drew the invoice text three times): the answer did not cover
    what is asked, so the same text again would answer nothing. The facet asked is answered when
    the knowledge base has it and has not just said it; else the resident is told honestly that
    the answer does not reach that case (an earlier season named as such) and who handles it: the
    hotline or a hall. False when the topic's answer was not said lately."""
    said = recently_said(tracker)
    if topic_answer(tracker, kb, key) not in said or _asks_the_same_again(tracker):
        return False
    text = latest_text(tracker)
    facet = facet_asked(text)
    if facet is not None and kb.facet(key, facet) is not None:
        line = follow_up_text(tracker, kb, key, facet)
        if line not in said:
            dispatcher.utter_message(text=line)
            return True
    case = "往年（以前供暖季）的情况" if _EARLIER_SEASON.search(text) else "您问的这种情况"
    dispatcher.utter_message(
        response="utter_kb_not_covered",
        title=kb.title(key),
        case=case,
        hotline=kb.policy.company.hotline,
    )
    return True


#: The tasks a question is taken from for the knowledge base, and the message that starts each
#: (tests/test_kb_quality.py checks that every such message reaches its task).
TASK_MESSAGES: Mapping[str, str] = {
    "report_repair": "我要报修",
    "request_temp_check": "申请测温",
    "file_complaint": "我要投诉",
    "query_fee": "查暖气费",
    "query_meter": "查热表读数",
    "apply_stop_heating": "我要报停",
}


def taken_from_task(parse: Mapping[str, Any]) -> str | None:
    """The task the classifier heard in a message the NLU then gave to the knowledge base as a
    question (`bot.nlu.guard.IntentCorrections`): its best-ranked intent, when that is a task of
    `TASK_MESSAGES`; None for a message the classifier itself read as a question."""
    if (parse.get("intent") or {}).get("name") != RETRIEVAL_INTENT:
        return None
    ranked = [
        str(entry.get("name"))
        for entry in parse.get("intent_ranking") or []
        if entry.get("name") != "nlu_fallback"
    ]
    return ranked[0] if ranked and ranked[0] in TASK_MESSAGES else None


#: Faults at home that a question about something else may tell in passing (我刚搬来的 租的房子
#: 房东说暖气费他交了 但是暖气不热 我该找谁): the answer is about who pays, the home is cold.
_FAULTS_OFFERED_A_REPAIR = frozenset({"no_heat", "leak", "valve"})


def fault_told(text: str) -> str | None:
    """report_repair when `text` tells a fault at home the classifier read as a question, so its
    answer is followed by the repair offer; None otherwise."""
    if asks_for_measurement(text):
        return None  # 想约个测温 (and the invoice): the 测温 follows the answer, not a repair
    return "report_repair" if fault_type_of(text) in _FAULTS_OFFERED_A_REPAIR else None


def task_offer(
    tracker: Tracker, kb: KnowledgeBase, key: str
) -> tuple[list[dict[str, str]], str | None]:
    """After the answer to a question taken from a task (管道嗡嗡响 这种得报修不, 暖气越来越不热 是
    不是该洗了), or one that tells a fault at home in passing (`fault_told`), that task is
    offered: a button that sends the message which starts it, and that message named in a line
    of its own (`utter_kb_task_offer`) when topic `key`'s answer does not name it already.
    Outside forms only (a form under way is the request). ([], None): no offer."""
    task = taken_from_task(tracker.latest_message) or fault_told(latest_text(tracker))
    if task is None or tracker.active_loop.get("name") or key not in kb.topics:
        return [], None
    message = TASK_MESSAGES[task]
    button = [{"title": message, "payload": message}]
    return button, None if f"“{message}”" in kb.answer(key) else message
