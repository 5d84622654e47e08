"""Knowledge-base answers said by any action: the topic's text for the channel, each once a turn,
and the questions among the clauses of a message that asks several things (`bot.nlu.clauses`).

`action_answer_faq` answers a message the classifier gave to the FAQ; the actions a request
starts with answer the questions asked beside it (`answer_faq_clauses`, through
`actions.side_questions`), so "查费 户号… 顺便问下过了年再交有没有滞纳金" gets both.
"""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.common import SMS_CHANNEL, channel_of, latest_intent, policy, this_turn
from bot.policy.faq_sms import sms_topic_answer
from bot.policy.knowledge import KnowledgeBase, load_knowledge
from bot.services.topics import RETRIEVAL_INTENT, clause_topics


def topic_answer(tracker: Tracker, kb: KnowledgeBase, key: str) -> str:
    """A topic's answer with the policy's values, in its SMS form on that channel."""
    text = kb.answer(key)
    if channel_of(tracker) == SMS_CHANNEL:
        text = sms_topic_answer(policy(), key, text)
    return text


def answer_topics(
    dispatcher: CollectingDispatcher, tracker: Tracker, kb: KnowledgeBase, keys: list[str]
) -> None:
    """Answer each topic once: not one this action or an earlier one of the turn has said."""
    said = {str(m.get("text")) for m in dispatcher.messages}
    said |= {str(e.get("text")) for e in this_turn(tracker) if e.get("event") == "bot"}
    for key in dict.fromkeys(keys):
        if key not in kb.topics:
            continue
        text = topic_answer(tracker, kb, key)
        if text not in said:
            dispatcher.utter_message(text=text)
            said.add(text)


def answer_faq_clauses(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """Answer the knowledge-base questions among the clauses of the latest message, unless its
    intent is the FAQ (`action_answer_faq` answers them all)."""
    if latest_intent(tracker) == RETRIEVAL_INTENT:
        return
    kb = load_knowledge(policy())
    answer_topics(dispatcher, tracker, kb, clause_topics(tracker.latest_message, kb.retrieval))
