"""Service-hall questions: where the nearest hall is, when it opens, what to bring.

The answers are built by bot/services/halls.py; this action only gathers what the conversation
knows: a location the WeChat channel attached (then the stops around the user are told first: a
shared location may as well be asking about an outage), else the community the user named or lives
in.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import (
    AMOUNT_NEEDS_ACCOUNT,
    bot_turns,
    fresh_pending,
    guarded,
    hall_asked_in_form,
    latest_intent,
    latest_text,
    latest_text_of_intent,
    message_metadata,
    policy,
    read_db,
    this_turn,
)
from actions.knowledge import topic_answer
from actions.outage import (
    RECENT_MESSAGES,
    community_of,
    describe,
    tell_outage_asked,
    tell_stop_once,
)
from bot.base import clock
from bot.nlu.clauses import clause_intents
from bot.nlu.hall_follow_ups import asks_hall_visit, sends_to_hall, without_clauses_of
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
    answers (周六开门吗 … 和平里), so the answer is to what was asked. The clauses that ask
    about a stop are left to the outage answer (周四停暖是停一整天吗？另外朝阳那个营业厅周六开门不:
    the hall on 周六, not on the stop's 周四; hav-005)."""
    text = hall_clauses(tracker)
    if fresh_pending(tracker) == HALL_COMMUNITY:
        asked = latest_text_of_intent(tracker, {"query_service_hall"}) or ""
        return f"{asked} {text}".strip()
    return text


def hall_clauses(tracker: Tracker) -> str:
    """The latest message without the clauses the classifier read as a stop question."""
    return without_clauses_of(latest_text(tracker), tracker.latest_message, ["query_outage"])


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
        if point is None and await answer_hall_follow_up(dispatcher, tracker):
            # 那平时几点关门 right after a hall's answer: that hall's, not the community's; 去哪个
            # 营业厅办 after the 过户 answer: a hall that does 过户 (not the payment point)
            remind_form(dispatcher, tracker)
            return [SlotSet("pending", None)]
        text = question_text(tracker)
        if point is not None:
            located = metadata.get("community")
            community = located if isinstance(located, str) else None
            await _tell_outages_near(dispatcher, community)
            text = ""
        else:
            await tell_outage_asked(dispatcher, tracker)  # 周四停暖是停一整天吗？另外…营业厅…
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
        if tracker.active_loop.get("name") and tracker.get_slot("requested_slot"):
            # a side question in a form: the form asks its own question next (haw-040)
            messages = [m for m in messages if m != ASK_WHERE] or messages
            for message in messages:
                dispatcher.utter_message(text=message)
            remind_form(dispatcher, tracker)
            return []
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
    question, asks none, or this turn has answered it. A hall question inside a form that the
    form took up (its 和平里 read as the address: `hall_asked_in_form`) is answered here, and
    the form's question comes after a line saying the form goes on (haw-040)."""
    in_form = hall_asked_in_form(tracker)
    if latest_intent(tracker) == "query_service_hall" and not in_form:
        return
    if not in_form and "query_service_hall" not in clause_intents(tracker.latest_message):
        return
    said = {str(m.get("text")) for m in dispatcher.messages}
    said |= {str(e.get("text")) for e in this_turn(tracker) if e.get("event") == "bot"}
    if in_form and any(is_hall_answer(message) for message in said):
        return  # answered this turn already (the rule's hall answer before the form)
    community = await community_of(tracker)
    messages = await read_db(
        answer_from_store, hall_clauses(tracker), None, community, clock.now(), policy(), ""
    )
    told = False
    for message in messages:
        if message != ASK_WHERE and message not in said:
            dispatcher.utter_message(text=message)
            told = True
    if in_form and told:
        remind_form(dispatcher, tracker)


#: What each form is doing, and what each of its questions asks for, as the line that takes the
#: form up again after a side question names them (咱们接着办报修，还差上门时间).
_FORM_TASKS = {
    "repair_form": "报修",
    "temp_check_form": "测温预约",
    "complaint_form": "投诉登记",
    "verify_form": "账户核实",
}
_SLOT_NAMES = {
    "fault_type": "故障情况",
    "address": "详细地址",
    "phone": "联系电话",
    "visit_time": "上门时间",
    "temperature": "室内温度",
    "complaint_category": "投诉类别",
    "complaint_text": "具体情况",
    "account_no": "户号",
    "phone_last4": "手机后4位",
    "details_confirmed": "核对一下信息",
}


def remind_form(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """After a side question answered inside a form, one line saying the form goes on and what
    it still waits for; the form's own question follows. Nothing outside a form, or for a form
    or question without a name here."""
    task = _FORM_TASKS.get(str(tracker.active_loop.get("name") or ""))
    pending = _SLOT_NAMES.get(str(tracker.get_slot("requested_slot") or ""))
    if task and pending:
        dispatcher.utter_message(
            response="utter_back_to_form", form_task=task, form_question=pending
        )


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


async def answer_hall_follow_up(
    dispatcher: CollectingDispatcher, tracker: Tracker, after_task: bool = True
) -> bool:
    """A question about the hall just shown (几点关门, 周末呢, 地址在哪: `asks_hall_detail`; in
    more words, 周六几点关门啊 我中午前能赶过去吗, 那和平里那个在哪 周六几点到几点:
    `asks_hall_visit`) answered about that hall, whatever the classifier made of it (out of
    scope, a bare value, the knowledge base, a stop question about the community 和平里); a hall
    the question names wins, else the one whose map was shown (the resident's own, not one listed
    as open instead). With `after_task`, a question of when or where to go right after an answer
    that sent the resident to a hall (周六能去办吗 几点关门 after the 过户 answer) gets the hall of
    their community, for that errand (`hall_after_task`); 要带啥 gets that hall's documents
    (`answer_hall_documents`). False when the message is none of these or the bot's last turn
    showed no hall."""
    text = latest_text(tracker)
    if await answer_hall_documents(dispatcher, tracker):
        return True
    said = hall_turn_shown(tracker)
    if not said:
        return after_task and await hall_after_task(dispatcher, tracker)
    if not (asks_hall_detail(text) or asks_hall_visit(text)):
        return False
    community = await community_of(tracker)
    messages = await read_db(
        answer_from_store,
        hall_clauses(tracker),
        None,
        community,
        clock.now(),
        policy(),
        earlier(tracker),
        shown_text(said),
    )
    for message in messages:
        dispatcher.utter_message(text=message)
    return True


#: The hall's name in a map link the bot showed (`bot.services.halls.map_link`).
_MAPPED_NAME = re.compile(r"uri\.amap\.com/marker\?\S*?[?&]name=([^&\s]+)")


def shown_text(said: list[str]) -> str:
    """The hall turn `said` as a follow-up reads it: the names of the halls whose map it showed
    first, then what it said. 西城营业厅 is closed on Saturday, 和平里 listed as open then: 那平时
    几点关门 is about 西城, the hall shown (hav-031 got 和平里, the first named in the list)."""
    mapped = [unquote(m.group(1)) for text in reversed(said) for m in _MAPPED_NAME.finditer(text)]
    return "\n".join([*dict.fromkeys(mapped), *said])


def hall_sending_turn(tracker: Tracker) -> list[str]:
    """The bot's latest turn when it sent the resident to a hall without naming which (办理过户…
    到就近营业厅办理, 开栓…到营业厅登记), else []: not a hall answer, not the halls listed with
    the question where the resident lives."""
    turns = bot_turns(tracker)
    if not turns or fresh_pending(tracker) == HALL_COMMUNITY:
        return []
    said = [str(e.get("text") or "") for e in turns[0]]
    if ASK_WHERE in said or any(is_hall_answer(m) for m in said) or not sends_to_hall(said):
        return []
    return said


async def hall_after_task(dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
    """周六能去办吗 几点关门 after the 过户 answer for a 金色家园 home (hav-040), 要去营业厅办的话
    去哪个 after the 开栓 answer for a 翠湖苑 flat (haw-044): the hall of the resident's
    community that does the errand, its hours on the day asked (or its address and week). False
    when the last answer sent nobody to a hall, the message asks nothing of when or where, or the
    community is not known (the answer's own follow-up says how to find the hall then)."""
    text = latest_text(tracker)
    if not asks_hall_visit(text):
        return False
    said = hall_sending_turn(tracker)
    if not said:
        return False
    community = await community_of(tracker)
    if community is None:
        return False
    messages = await read_db(
        answer_from_store,
        text,
        None,
        community,
        clock.now(),
        policy(),
        earlier(tracker),
        "",
        "\n".join([*said, earlier(tracker)]),
    )
    if messages and messages[-1] == ASK_WHERE:
        return False
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
