"""Questions asked in the same message as something else, answered where that is handled.

"查费 户号… 顺便问下过了年再交有没有滞纳金", "以后别给我发停暖短信了，另外电子发票在哪开？", "和平里
今儿停暖不 俺家暖气咋不热乎": the message's intent starts one thing (the bill, the opt-out, a
repair); the question beside it used to get no answer. The NLU classifies each clause of such a
message (`bot.nlu.clauses`), and every action a request starts with calls
`answer_side_questions`, which answers the knowledge-base questions among the clauses, and a
heating-stop question, before the request goes on.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.common import (
    OUTAGE_TOLD,
    SMS_CHANNEL,
    channel_of,
    latest_intent,
    latest_text,
    policy,
    read_db,
)
from actions.outage import community_of, describe
from bot.nlu.clauses import clause_intents
from bot.nlu.requests import requests_in
from bot.policy.faq_sms import sms_topic_answer
from bot.policy.knowledge import KnowledgeBase, load_knowledge
from bot.services import clock
from bot.services.outages import outages_in
from bot.services.topics import RETRIEVAL_INTENT, clause_topics


def topic_answer(tracker: Tracker, kb: KnowledgeBase, key: str) -> str:
    """A topic's answer with the policy's values, in its SMS form on that channel."""
    text = kb.answer(key)
    if channel_of(tracker) == SMS_CHANNEL:
        text = sms_topic_answer(policy(), key, text)
    return text


def said_this_turn(tracker: Tracker, text: str) -> bool:
    """Whether an earlier action of this turn already said `text` (an answer is given once)."""
    return any(e.get("event") == "bot" and e.get("text") == text for e in _this_turn(tracker))


def answer_topics(
    dispatcher: CollectingDispatcher, tracker: Tracker, kb: KnowledgeBase, keys: list[str]
) -> None:
    """Answer each topic once, skipping one already answered this turn."""
    said = {str(m.get("text")) for m in dispatcher.messages}
    for key in dict.fromkeys(keys):
        if key not in kb.topics:
            continue
        text = topic_answer(tracker, kb, key)
        if text not in said and not said_this_turn(tracker, text):
            dispatcher.utter_message(text=text)
            said.add(text)


async def answer_side_questions(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """Answer the questions beside the request of the latest message: whether heating is
    stopped where the resident lives (`tell_outage_asked`), then the knowledge-base questions
    among its clauses, unless its intent is the FAQ (`action_answer_faq` answers them all).
    Nothing beside an emergency: the safety steps are all the resident should read then."""
    if any(
        e.get("event") == "bot"
        and str((e.get("metadata") or {}).get("utter_action") or "").startswith("utter_emergency")
        for e in _this_turn(tracker)
    ):
        return
    await tell_outage_asked(dispatcher, tracker)
    if latest_intent(tracker) == RETRIEVAL_INTENT:
        return
    kb = load_knowledge(policy())
    answer_topics(dispatcher, tracker, kb, clause_topics(tracker.latest_message, kb.retrieval))


async def tell_outage_asked(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """A heating-stop question asked beside another request (幸福里停暖了？顺便帮我查下暖气费): the
    stops in the resident's community, or that there are none, said now and without an offer,
    since the request goes on. Nothing when the community is not known yet (the question is
    then offered once the request is done) or the bot has just said it."""
    if latest_intent(tracker) == "query_outage":
        return
    text = latest_text(tracker)
    if "query_outage" not in requests_in(text) + clause_intents(tracker.latest_message):
        return
    told = [(e.get("metadata") or {}).get("utter_action") for e in _this_turn(tracker)]
    told += [m.get("response") for m in dispatcher.messages]
    if OUTAGE_TOLD.intersection(told):
        return
    community = await community_of(tracker)
    if community is None:
        return
    now = clock.now()
    found = await read_db(outages_in, community, now)
    for outage in found:
        dispatcher.utter_message(response="utter_outage_found", **describe(outage, community, now))
    if not found:
        dispatcher.utter_message(response="utter_no_outage_here", community=community)


def _this_turn(tracker: Tracker) -> list[dict[str, Any]]:
    """The events since the latest user message."""
    events: list[dict[str, Any]] = []
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            break
        events.append(event)
    return events
