"""Service-hall questions: where the nearest hall is, when it opens, what to bring.

The answers are built by bot/services/halls.py; this action only gathers what the conversation
knows: a location the WeChat channel attached (then the stops around the user are told first: a
shared location may as well be asking about an outage), else the community the user named or lives
in.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import (
    AMOUNT_NEEDS_ACCOUNT,
    bot_turns,
    fresh_pending,
    guarded,
    latest_intent,
    latest_text,
    latest_text_of_intent,
    message_metadata,
    policy,
    read_db,
    this_turn,
)
from actions.knowledge import topic_answer
from actions.outage import RECENT_MESSAGES, community_of, describe, tell_stop_once
from bot.base import clock
from bot.nlu.clauses import clause_intents
from bot.nlu.hall_unreachable import cannot_go_to_hall
from bot.nlu.requests import asks_lookup_by_address
from bot.nlu.resident_requests import wants_repair_named
from bot.nlu.stop_follow_ups import names_the_stop
from bot.policy.knowledge import load_knowledge
from bot.services.halls import (
    ASK_WHERE,
    DOCUMENTS_LEAD,
    answer_from_store,
    asks_hall_detail,
    asks_hall_documents,
    is_hall_answer,
)
from bot.services.outages import known_communities, outages_in

#: The `pending` offer after the bot asked where the user lives; `action_handle_inform` takes a
#: bare community name then as the answer to the hall question.
HALL_COMMUNITY = "hall_community"


def shared_point(metadata: dict[str, Any]) -> tuple[float, float] | None:
    """The location the channel attached to the message (WeChat: `latitude`, `longitude`)."""
    latitude, longitude = metadata.get("latitude"), metadata.get("longitude")
    if isinstance(latitude, (int, float)) and isinstance(longitude, (int, float)):
        return float(latitude), float(longitude)
    return None


async def _tell_outages_near(dispatcher: CollectingDispatcher, community: str | None) -> None:
    """The stops in the community nearest a shared location, or that there are none."""
    if community is None or community not in await read_db(known_communities):
        dispatcher.utter_message(response="utter_no_community_nearby")
        return
    now = clock.now()
    found = await read_db(outages_in, community, now)
    if not found:
        dispatcher.utter_message(response="utter_no_outage_nearby", community=community)
    for outage in found:
        dispatcher.utter_message(response="utter_outage_found", **describe(outage, community, now))


def question_text(tracker: Tracker) -> str:
    """The latest message; after the bot asked for the community, with the hall question it
    answers (周六开门吗 … 和平里), so the answer is to what was asked."""
    text = latest_text(tracker)
    if fresh_pending(tracker) == HALL_COMMUNITY:
        asked = latest_text_of_intent(tracker, {"query_service_hall"}) or ""
        return f"{asked} {text}".strip()
    return text


def earlier(tracker: Tracker) -> str:
    """The user's few messages before the latest, for a question that refers back to them."""
    texts = [str(e.get("text") or "") for e in tracker.events if e.get("event") == "user"]
    return " ".join(texts[-1 - RECENT_MESSAGES : -1])


class ActionQueryServiceHall(Action):
    """Answers 营业厅在哪 / 周六开门吗 / 过户带什么, and a location shared on WeChat."""

    def name(self) -> str:
        """The action's name, as in domain.yml."""
        return "action_query_service_hall"

    @guarded
    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Tell the outages near a shared location first, then the hall answer; at the 户号
        question, 你按地址查一下不就行了 is told why the address is not enough (the form then
        gives the other ways), not the halls' list the classifier heard in 地址 (p3-013)."""
        in_verification = tracker.active_loop.get("name") == "verify_form"
        if in_verification and asks_lookup_by_address(latest_text(tracker)):
            dispatcher.utter_message(text=AMOUNT_NEEDS_ACCOUNT)
            return []
        if not tracker.active_loop.get("name") and tell_hall_unreachable(dispatcher, tracker):
            return [SlotSet("pending", "human")]
        metadata = message_metadata(tracker)
        point = shared_point(metadata)
        text = question_text(tracker)
        if point is not None:
            located = metadata.get("community")
            community = located if isinstance(located, str) else None
            await _tell_outages_near(dispatcher, community)
            text = ""
        else:
            community = await community_of(tracker)
        messages = await read_db(
            answer_from_store, text, point, community, clock.now(), policy(), earlier(tracker)
        )
        if not tracker.active_loop.get("name") and wants_repair_named(latest_text(tracker)):
            # 我想报修 顺便问一下营业厅元旦开门吗: the hall answered, then the repair is taken
            # down, not dropped (p4-032); where they live is the repair's question
            for message in messages:
                if message != ASK_WHERE:
                    dispatcher.utter_message(text=message)
            return [SlotSet("pending", None), FollowupAction("repair_form")]
        for message in messages:
            dispatcher.utter_message(text=message)
        return [SlotSet("pending", HALL_COMMUNITY if messages[-1] == ASK_WHERE else None)]


def tell_hall_unreachable(dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
    """腿脚不好去不了营业厅 (p4-088: it got the address of a payment point that does not even do
    the service asked): a person calls back and arranges it, or the hotline; the caller sets the
    `human` offer so a yes hands over. False when the message says no such thing."""
    if not cannot_go_to_hall(latest_text(tracker)):
        return False
    dispatcher.utter_message(
        response="utter_hall_unreachable",
        hotline=policy().company.hotline,
        buttons=[{"title": "转人工", "payload": "转人工"}],
    )
    return True


async def tell_hall_asked(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """A service-hall question asked beside another request (一个是我家书房暖气不热 二是想问问你们
    营业厅在哪 我想去开个发票): the hall answer now, for the community known, without asking where
    (the request's own question comes next). Nothing when the message is itself the hall
    question, asks none, or this turn has answered it."""
    if latest_intent(tracker) == "query_service_hall":
        return
    if "query_service_hall" not in clause_intents(tracker.latest_message):
        return
    community = await community_of(tracker)
    messages = await read_db(
        answer_from_store, latest_text(tracker), None, community, clock.now(), policy(), ""
    )
    said = {str(m.get("text")) for m in dispatcher.messages}
    said |= {str(e.get("text")) for e in this_turn(tracker) if e.get("event") == "bot"}
    for message in messages:
        if message != ASK_WHERE and message not in said:
            dispatcher.utter_message(text=message)


#: Replies that answered nothing (没太明白, please rephrase, topic buttons): a hall question after
#: one still asks about the hall shown before it (地址在哪儿？坐几路车… drew "没太明白", then 元旦那
#: 几天开门吗 was about that hall; hat-034).
_ANSWERED_NOTHING = frozenset({"utter_follow_up_unclear", "utter_ask_rephrase", "utter_kb_offer"})
#: How many of the bot's turns back a hall answer is still the one a follow-up asks about.
HALL_LOOKBACK_TURNS = 3


def hall_turn_shown(tracker: Tracker) -> list[str]:
    """The messages of the bot's latest turn that showed a hall (newest first), looking past
    turns that answered nothing (`_ANSWERED_NOTHING`); [] when another answer came between or
    no hall was shown lately."""
    for turn in bot_turns(tracker)[:HALL_LOOKBACK_TURNS]:
        said = [str(e.get("text") or "") for e in reversed(turn)]
        if any(is_hall_answer(message) for message in said):
            return said
        actions = {(e.get("metadata") or {}).get("utter_action") for e in turn}
        if not turn or not actions <= _ANSWERED_NOTHING:
            return []
    return []


async def answer_hall_follow_up(dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
    """A short question about the hall just shown (几点关门, 周末呢, 地址在哪: `asks_hall_detail`;
    要带啥: `answer_hall_documents`) answered about that hall, whatever the classifier made of it
    (out of scope, a bare value, the knowledge base); False when the message is none or the bot's
    last turn showed no hall."""
    text = latest_text(tracker)
    if await answer_hall_documents(dispatcher, tracker):
        return True
    if not asks_hall_detail(text):
        return False
    said = hall_turn_shown(tracker)
    if not said:
        return False
    community = await community_of(tracker)
    messages = await read_db(
        answer_from_store,
        text,
        None,
        community,
        clock.now(),
        policy(),
        earlier(tracker),
        "\n".join(said),
    )
    for message in messages:
        dispatcher.utter_message(text=message)
    return True


#: The knowledge-base topic of what to bring to a hall in general.
HALL_DOCUMENTS_TOPIC = "hall_documents"


async def answer_hall_documents(dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
    """那要带啥 我去办过户 right after a hall was shown (player findings 5, p5-007, p5-023: the
    knowledge base's option list): what to bring for the business named, now or just before, at
    that hall (`bot.services.halls.documents_answer`), else what to bring to a hall at all (the
    knowledge base's answer); the stop the message names is told once (停暖的事能去那问吗).
    False when the message asks no such thing or no hall was shown lately."""
    text = latest_text(tracker)
    if not asks_hall_documents(text):
        return False
    said = hall_turn_shown(tracker)
    if not said:
        return False
    community = await community_of(tracker)
    messages = await read_db(
        answer_from_store,
        text,
        None,
        community,
        clock.now(),
        policy(),
        earlier(tracker),
        "\n".join(said),
    )
    documents = [message for message in messages if DOCUMENTS_LEAD in message]
    if names_the_stop(text):
        await tell_stop_once(dispatcher, tracker)
    if documents:
        for message in documents:
            dispatcher.utter_message(text=message)
        return True
    kb = load_knowledge(policy())
    dispatcher.utter_message(text=topic_answer(tracker, kb, HALL_DOCUMENTS_TOPIC))
    return True
