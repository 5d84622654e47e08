"""Conversation glue: yes/no and bare values outside forms, hand-off, fallback, FAQ.

Several answers (好的, 不用, a community name) mean different things after different offers; the
`pending` slot records what the bot last offered so one action can resolve them without a story
per offer.
"""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import (
    ActiveLoop,
    ConversationPaused,
    EventType,
    FollowupAction,
    SlotSet,
    UserUtteranceReverted,
)
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import grievances
from actions.account import answer_about_bill, digits_after_wait, tell_fee_estimate
from actions.applications import NEXT_SEASON_STOP, late_stop_offered_again
from actions.cold_room import (
    reading_below_standard,
    tell_below_standard,
    tell_colder_than_neighbours,
    tell_reading_meets_standard,
)
from actions.common import (
    AFTER_OUTAGE,
    AMOUNT_NEEDS_ACCOUNT,
    NO_PAYLOAD,
    OUTAGE_DECLINED,
    PLAIN_APOLOGY,
    YES_PAYLOAD,
    address_parts,
    apologise_once,
    bot_said_within,
    channel_of,
    consecutive_fallbacks,
    contact_number,
    fresh_pending,
    guarded,
    home_told,
    in_db,
    latest_intent,
    latest_intent_among,
    latest_text,
    leave_form,
    message_key,
    offer_way_out,
    policy,
    previous_bot_turn,
    raw_text,
    read_db,
    resident_words,
    said_yes,
    sender_account,
    sender_phone,
    transcript,
    typed_button,
    window_of,
)
from actions.denials import denial_ends_form
from actions.door_safety import tell_door_safety
from actions.emergency import complete_urgent, place_named, tell_urgent_completed
from actions.grievances import grievance_heard
from actions.knowledge import (
    answer_beyond_the_answer,
    answer_follow_up,
    answer_topics,
    question_knowledge,
    task_offer,
)
from actions.last_topic import answer_on_last_topic
from actions.outage import (
    NOT_THE_CAUSE,
    ActionQueryOutage,
    community_of,
    tell_not_served,
    tell_stop_day_care,
    tell_stop_once,
)
from actions.repair import OPEN_REPAIR, same_home
from actions.sampling import answer_sampling_invitation, take_resident_reading
from actions.service_halls import (
    HALL_COMMUNITY,
    ActionQueryServiceHall,
    answer_hall_follow_up,
    tell_hall_unreachable,
)
from actions.service_requests import (
    COMPLAINT_AFTER_OUTAGE,
    TEMP_CHECK_AFTER_OUTAGE,
    answer_complaint_offer,
    story_told,
    tell_complaint_deadlines,
)
from actions.side_questions import answer_repair_cost_asked
from actions.stop_follow_ups import LOSSES_OFFER, start_losses_claim
from actions.subscriptions import ASK_COMMUNITY, OFFER, ActionSubscribe, answer_offer
from actions.tickets import (
    CANCEL_PREFIX,
    ActionQueryTicket,
    answer_cancellation,
    answer_lost_number,
    answer_ticket_proof,
    tell_recorded,
    ticket_no_of,
    tickets_asked_about,
)
from actions.urgent_tickets import refuse_urgent_cancel
from bot.base import clock
from bot.channels.payloads import latest_user_text
from bot.handoff import messages as handoff_messages
from bot.handoff import queue as handoff_queue
from bot.handoff import rules as handoff_rules
from bot.handoff.config import handoff_settings
from bot.handoff.triggers import UserTurn, frustration, upset
from bot.nlu.address import Address, address_meant, corrected, parse_address
from bot.nlu.clauses import clause_intents, is_question
from bot.nlu.cold_since import cold_for_days
from bot.nlu.contact_fix import corrected_phone
from bot.nlu.denials import denied_request, has_no_phone, puts_off_visit
from bot.nlu.emergency import detect_emergency
from bot.nlu.faults import fault_type_of, is_urgent
from bot.nlu.limits import INPUT_TRUNCATED, MAX_MESSAGE_CHARS, has_words
from bot.nlu.numbers import normalise_account_no, normalise_contact_number
from bot.nlu.offer_answers import takes_offer
from bot.nlu.payments import own_payment_not_shown
from bot.nlu.preambles import announces_question
from bot.nlu.questions import asks_who_answers, names_other_matter
from bot.nlu.requests import (
    FORM_STARTERS,
    and_there_place,
    asks_after_the_stop,
    asks_for_another_way,
    asks_for_measurement,
    asks_when,
    asks_when_heat_returns,
    asks_when_we_reply,
    calls_off,
    cannot_provide,
    chases_own_ticket,
    declines_visit,
    demands_heat,
    hesitating,
    knocking_at_home,
    urges_the_repair,
    withdraws,
)
from bot.nlu.reschedule import Reschedule, asks_to_reschedule
from bot.nlu.resident_requests import asks_for_a_visit
from bot.nlu.timewindow import parse_visit_window
from bot.policy.knowledge import KnowledgeBase, load_knowledge
from bot.policy.rules import in_heating_season, season_dates, season_start_year
from bot.privacy import mask_phone
from bot.services import tickets as ticket_service
from bot.services.accounts import contact_of
from bot.services.outages import known_communities, match_community
from bot.services.topics import (
    RETRIEVAL_INTENT,
    TopicChoice,
    choice_for_parse,
    choose_topic,
    clause_topics,
    how_to_apply_topic,
    reaches_knowledge_base,
    topic_ranking,
)
from bot.store.tickets import TicketDraft

#: The form a yes to a second request's offer starts (`actions.common.SECOND_REQUESTS`).
SECOND_FORMS = {
    "second:query_fee": "verify_form",
    "second:request_temp_check": "temp_check_form",
    "second:file_complaint": "complaint_form",
    NEXT_SEASON_STOP: "verify_form",  # 还能报停吗, told it counts from next winter: 要
}
#: Intents that start a form: saying one inside another form switches to it.
FLOW_STARTERS = FORM_STARTERS

# Validated when the action server imports its actions: a bad HANDOFF_* setting or knowledge-base
# file stops it at start.
handoff_settings()
load_knowledge()

#: The entity a knowledge-base button carries: `/faq{"kb_topic":"<key>"}`.
KB_TOPIC_ENTITY = "kb_topic"

#: Words that name the value a user wants to correct, checked in this order.
CORRECTABLE = (
    ("address", "地址", ("地址", "住址", "门牌", "小区", "楼号", "单元", "房号")),
    ("phone", "联系电话", ("电话", "手机", "号码", "联系方式")),
    ("visit_time", "上门时间", ("时间", "几点", "上门", "哪天", "日子")),
    ("account_no", "户号", ("户号", "账号", "编号")),
    ("fault_type", "故障情况", ("故障", "问题", "毛病")),
)


async def _contact(tracker: Tracker) -> tuple[str | None, str | None]:
    """The phone and account the bot knows for this user (slot, the SMS sender's own number,
    verified or bound account)."""
    phone = tracker.get_slot("phone") or sender_phone(tracker)
    account = await sender_account(tracker)
    if phone is None and account:
        contact = await read_db(contact_of, account)
        phone = contact.phone if contact else None
    return phone, account


async def collected(tracker: Tracker) -> dict[str, Any]:
    """What the bot gathered, for the agent who takes over: contact, fault, complaint, tickets."""
    phone, account = await _contact(tracker)
    own = await read_db(ticket_service.own_tickets, channel_of(tracker), tracker.sender_id, 3)
    values = {
        "frustration": frustration(user_turns(tracker)),
        "intent": latest_intent(tracker),
        "form": tracker.active_loop.get("name"),
        "last_message": latest_user_text(tracker.events)[:500],
        "account_no": account,
        "phone": phone,
        "address": tracker.get_slot("address"),
        "fault_type": tracker.get_slot("fault_type"),
        "urgent_ticket_no": tracker.get_slot("urgent_ticket_no"),
        "complaint_category": tracker.get_slot("complaint_category"),
        "complaint_text": tracker.get_slot("complaint_text"),
        "tickets": [ticket.ticket_no for ticket in own],
    }
    return {key: value for key, value in values.items() if value not in (None, [], "")}


def user_turns(tracker: Tracker) -> list[UserTurn]:
    """The user's messages newest first, as the frustration rules read them."""
    turns = []
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            intent = (event.get("parse_data") or {}).get("intent", {}).get("name")
            turns.append(UserTurn(intent, str(event.get("text") or "")))
    return turns


def handoff_reason(tracker: Tracker) -> str:
    """Why the conversation goes to a person: frustration (anger, the same request over and over:
    `FrustrationPolicy` runs this action then), an unfinished complaint, or simply asking."""
    if frustration(user_turns(tracker)):
        return "frustration"
    if tracker.active_loop.get("name") == "complaint_form":
        return "complaint"
    if latest_intent_among(tracker, set(FLOW_STARTERS)) == "file_complaint":
        return "complaint"
    return "request_human"


async def hand_over(
    dispatcher: CollectingDispatcher, tracker: Tracker, reason: str = "request_human"
) -> list[EventType]:
    """Give the conversation to a person, and tell the user what happens next.

    WeChat users go to WeChat's own agents when that target is on (a marker the WeChat channel
    turns into `transfer_customer_service`). Otherwise, with someone on duty, the conversation is
    queued with what the bot collected and the bot pauses: every later message stays in Rasa's
    tracker for the agent. With nobody on duty the user gets a call-back (RG) ticket instead.
    A cold home told with the request (or while waiting) where heating is stopped hears the
    stop first (`tell_stop_once`): what the person would tell them, said at once.
    """
    settings = handoff_settings()
    channel = channel_of(tracker)
    route = handoff_rules.route(channel, settings.targets)
    if fault_type_of(latest_text(tracker)) == "no_heat":
        # 我说了转人工你听不懂吗？？幸福里的暖气一上午都是凉的, while the call-back waits: the stop
        # under way there is why, and the resident hears it now, not only when someone calls
        # (hat-040 heard the hand-off text again)
        await tell_stop_once(dispatcher, tracker)
    done = leave_form(tracker) if tracker.active_loop.get("name") else [SlotSet("pending", None)]
    request = handoff_queue.HandoffRequest(
        channel=channel,
        sender_id=tracker.sender_id,
        reason=reason,
        summary=await collected(tracker),
        transcript=transcript(tracker),
    )
    if route.wechat_kf:
        await in_db(handoff_queue.record_wechat_kf, request, clock.now())
        dispatcher.utter_message(text=handoff_messages.wechat_kf())
        dispatcher.utter_message(
            json_message={"handoff": "wechat_kf", "kf_account": settings.wechat_kf_account}
        )
        return done
    if route.queue_targets:
        queued = await in_db(
            handoff_queue.enqueue,
            policy(),
            request,
            route.queue_targets,
            clock.now(),
            settings.agent_timeout_seconds,
        )
        if queued is not None:
            dispatcher.utter_message(
                text=handoff_messages.queued(
                    queued.position, queued.wait_minutes, policy().handoff.pickup_minutes
                )
            )
            return [*done, ConversationPaused()]
    await call_back(dispatcher, tracker)
    return done


async def call_back(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    left: str | None = None,
    description: str | None = None,
) -> None:
    """Open a call-back (RG) ticket holding the transcript (or add to the one still waiting:
    `open_callback`) and tell the user when to expect it; `left` is a number just left for it,
    `description` what the person calling back is to do (else the latest message)."""
    phone, account = await _contact(tracker)
    phone = left or phone
    draft = TicketDraft(
        kind="RG",
        channel=channel_of(tracker),
        sender_id=tracker.sender_id,
        dedup_key=message_key(tracker, "RG"),
        account_no=account,
        phone=phone,
        description=(description or latest_text(tracker))[:2000],
        transcript=transcript(tracker),
    )
    ticket = await in_db(ticket_service.open_callback, policy(), draft, clock.now())
    dispatcher.utter_message(
        response="utter_human_callback",
        ticket_no=ticket.ticket_no,
        first_reply=clock.format_due(ticket.first_reply_due),
        contact=(f"打电话 {mask_phone(phone)} 联系您，请保持电话畅通" if phone else PHONE_WELCOME),
    )


#: How a call-back opened without a phone ends: the resident is asked for one.
PHONE_WELCOME = "在这个对话里回复您；方便的话留一个电话，我们也可以打给您"


def phone_for_callback(tracker: Tracker) -> str | None:
    """The number the latest message leaves right after a call-back asked for one
    (`PHONE_WELCOME`): the players' pl-042 sent 13011112222 and was asked what business they
    had (class I). None for any other message."""
    asked = any(PHONE_WELCOME in str(e.get("text") or "") for e in previous_bot_turn(tracker))
    return contact_number(latest_text(tracker)) if asked else None


class ActionRequestHuman(Action):
    """转人工: an agent takes over (queue, WeChat's agents), or a call-back ticket off duty."""

    def name(self) -> str:
        """The action's name, as in domain.yml."""
        return "action_request_human"

    @guarded
    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Hand the conversation over, noting whether it is a complaint or an angry user; a
        resident with a request on file who asks when we get back to them (多久能给我回复, read
        as a wish for a person) hears that request's deadlines instead of a second queue."""
        text = latest_text(tracker)
        if ASKS_FOR_PERSON.search(text) is None and asks_for_measurement(text):
            # 派个人来给量量 / 整个人来给俺量量: someone to measure the room, not an agent
            return [FollowupAction("temp_check_form")]
        if ASKS_FOR_PERSON.search(text) is None and asks_when_we_reply(text):
            _, filed = await tickets_asked_about(tracker)
            if filed:
                return await ActionQueryTicket().run(dispatcher, tracker, domain)
        return await hand_over(dispatcher, tracker, handoff_reason(tracker))


#: A request for a person inside a question about the bot (你是机器人吧，找个人跟我说): the
#: classifier reads the question, the resident wants the person. 你是真人吗 asks, and 人工智能
#: is no person.
ASKS_FOR_PERSON = re.compile(
    "找(?:个|一个)?真?人|(?:要|换|转|叫|让|请)(?:个|一个)?(?:真人|活人|人)|人工(?!智能)|"
    "(?:跟|和)真?人(?:说|聊|讲)|客服人员|工作人员|活人"
)


#: How many of the bot's latest messages a denied hand-off looks back through for its
#: call-back ("moments ago": the turn before, with its follow-up lines).
_HANDOFF_LOOKBACK = 6


async def withdraw_handoff(
    dispatcher: CollectingDispatcher, tracker: Tracker
) -> list[EventType] | None:
    """我没要转人工啊 / 不用人工 right after a call-back was registered: cancel that RG ticket
    without a confirmation question (the resident never asked for it: players' p4-042 was told
    the hand-off text again, then asked to confirm), say so, and answer 是不是机器人 asked
    beside it. None when no call-back was registered moments ago."""
    recent = [e for e in tracker.events if e.get("event") == "bot"][-_HANDOFF_LOOKBACK:]
    if not any(
        (e.get("metadata") or {}).get("utter_action") == "utter_human_callback" for e in recent
    ):
        return None
    channel, sender = channel_of(tracker), tracker.sender_id
    own = await read_db(ticket_service.own_tickets, channel, sender, 3)
    waiting = next((t for t in own if t.kind == "RG" and t.cancellable), None)
    if waiting is None:
        return None
    try:
        await in_db(
            ticket_service.cancel_own_ticket, waiting.ticket_no, channel, sender, clock.now()
        )
    except ticket_service.NotCancellable:
        return None
    dispatcher.utter_message(response="utter_handoff_withdrawn", ticket_no=waiting.ticket_no)
    if "机器" in latest_text(tracker) or asks_who_answers(latest_text(tracker)):
        dispatcher.utter_message(response="utter_iamabot")
    return [SlotSet("pending", None)]


class ActionBotChallenge(Action):
    """你是机器人吗: yes, with a button to a person; a resident who asks for a person in the same
    breath is put through at once ("请回复转人工" to someone who just asked for one is a wall)."""

    def name(self) -> str:
        """The action's name, as in domain.yml."""
        return "action_bot_challenge"

    @guarded
    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Say what the assistant is, or hand over; a form in progress is left for the person
        (the turn ends here, as a rule would otherwise resume the form it left)."""
        text = latest_text(tracker)
        if ASKS_FOR_PERSON.search(text) is None or asks_who_answers(text):
            # 你们是人工还是机器人: who answers, not a call-back (players' p4-042)
            dispatcher.utter_message(response="utter_iamabot")
            return []
        handed = await hand_over(dispatcher, tracker, handoff_reason(tracker))
        return [*handed, FollowupAction("action_listen")]


class ActionHandleYesNo(Action):
    """好的 / 不用 answer the bot's last offer: cancel a ticket, a person, a repair booking; with
    no offer pending, a 室温抽测 invitation the company sent (actions.sampling)."""

    def name(self) -> str:
        """The action's name, as in domain.yml."""
        return "action_handle_yes_no"

    @guarded
    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Resolve the pending offer with the user's yes or no."""
        pending = fresh_pending(tracker) or ""
        yes = said_yes(tracker) or _goes_on_with_offer(tracker, pending)
        cleared: list[EventType] = [SlotSet("pending", None)]
        if denied_request(latest_text(tracker)) == "request_human":
            withdrawn = await withdraw_handoff(dispatcher, tracker)  # 我没要转人工啊
            if withdrawn is not None:
                return withdrawn
        if await answer_about_bill(dispatcher, tracker):
            return cleared  # 那去年的呢 after the bill (read as a yes)
        if pending == OFFER:
            return cleared + await answer_offer(dispatcher, tracker, yes)
        if pending.startswith(CANCEL_PREFIX):
            number = pending.removeprefix(CANCEL_PREFIX)
            return cleared + await answer_cancellation(dispatcher, tracker, number, yes)
        if pending.startswith(OPEN_REPAIR):
            number = pending.removeprefix(OPEN_REPAIR)
            if not yes:
                dispatcher.utter_message(response="utter_ticket_kept", ticket_no=number)
                return cleared
            return cleared + await _chase(dispatcher, tracker, number)
        if yes and pending == "human":
            return await hand_over(dispatcher, tracker, "fallback")
        if yes and pending == CHANGE_TICKET:
            return await hand_over(dispatcher, tracker, "request_human")
        if pending == AFTER_OUTAGE and urges_the_repair(latest_text(tracker)):
            # 行 修好了赶紧的 别让老人挨冻: the company's repair urged, no fitter asked for
            return cleared + await ActionQueryOutage().run(dispatcher, tracker, domain)
        if pending == AFTER_OUTAGE and declines_visit(latest_text(tracker)):
            # 那好吧，恢复后还不热再说: a no, though the classifier hears the 那好吧 (players' B)
            yes = False
        if pending == AFTER_OUTAGE and not yes and cold_for_days(latest_text(tracker)):
            # 不是啊 我这都冷了三四天了: not a no, the stop is not why; book it
            dispatcher.utter_message(response=NOT_THE_CAUSE)
            yes = True
        if yes and pending == AFTER_OUTAGE:
            told = _fault_told_before_the_stop(tracker)
            home = home_told(tracker, await read_db(known_communities))
            if home.room:
                # 幸福里小区北区12号楼 … 1单元301 … 仍要报修: the parts told, as one home
                told.append(SlotSet("address", home.summary()))
            return [*cleared, *told, FollowupAction("repair_form")]
        if yes and pending == "repair":
            return [*cleared, FollowupAction("repair_form")]
        if yes and pending == TEMP_CHECK_AFTER_OUTAGE:
            return [*cleared, FollowupAction("temp_check_form")]
        if pending == COMPLAINT_AFTER_OUTAGE:
            complaint = await answer_complaint_offer(dispatcher, tracker, domain, yes)
            return [*cleared, *complaint]
        if yes and pending == LOSSES_OFFER:
            return [*cleared, *start_losses_claim(tracker)]  # 冻坏的货: the claim registered
        if yes and pending in SECOND_FORMS:
            return [*cleared, FollowupAction(SECOND_FORMS[pending])]
        if yes and pending == "second:query_outage":
            return cleared + await ActionQueryOutage().run(dispatcher, tracker, domain)
        if not pending and await answer_sampling_invitation(dispatcher, tracker, yes):
            return cleared
        if tracker.active_loop.get("name"):
            # 嗯 / 好 / 这个嘛 while a form waits for an answer offered nothing to accept: the
            # form asks again, with patience for someone still looking ("anything else?" would
            # tell them the request was over)
            if hesitating(latest_text(tracker)):
                dispatcher.utter_message(response="utter_take_your_time")
            return cleared
        if _another_way_after_verification(tracker):
            # 我验证不了 那还能怎么查, just after leaving the account's questions: the other ways
            dispatcher.utter_message(
                response="utter_verify_alternatives", hotline=policy().company.hotline
            )
            return cleared
        if yes and (visit := _visit_asked(tracker)):
            # 行 那你们来一趟吧 after an answer: the visit it asks for, not "anything else?"
            return [*cleared, *visit]
        # 算了 跟你说也没用 你就告诉我几点能来热: sorry first, then what they still ask
        apologise_once(dispatcher, tracker, PLAIN_APOLOGY)
        if pending == AFTER_OUTAGE:
            # 不用了 after "现在仍要登记报修吗？" is final: said so, and the request is over
            # (`REQUEST_ENDED`), so a phone or an address sent next starts no repair (players'
            # B: 不用了, then 13700006666 was asked when the fitter should come)
            dispatcher.utter_message(response=OUTAGE_DECLINED)
        if asks_when_heat_returns(latest_text(tracker)) and await community_of(tracker):
            return cleared + await ActionQueryOutage().run(dispatcher, tracker, domain)
        followed_by = CollectingDispatcher()
        followed = await answer_on_last_topic(followed_by, tracker)
        if followed is not None:
            # 不报修了 那我这店里损失你们管吗 商铺的暖气费…: the questions beside it answered, then
            # the follow-up about the stop (whose offer, if any, comes last)
            _answered_question_beside(dispatcher, tracker)
            dispatcher.messages.extend(followed_by.messages)
            return cleared + followed
        if _answered_question_beside(dispatcher, tracker):
            return cleared  # 好滴 那发票咋开呀: the question, not "anything else?"
        if pending != AFTER_OUTAGE:
            dispatcher.utter_message(response="utter_anything_else")
        return cleared


def _goes_on_with_offer(tracker: Tracker, pending: str) -> bool:
    """Whether the latest message accepts the offer `pending` without a yes: it gives what the
    offered task needs or names the task alone (东风新村15栋1单元602 after 需要现在为您登记吗？,
    费呢？多少钱 after 您刚才还提到要查暖气费: `bot.nlu.offer_answers`). A no never does."""
    if latest_intent(tracker) == "deny":
        return False
    return takes_offer(pending, latest_text(tracker), clock.now())


def _fault_told_before_the_stop(tracker: Tracker) -> list[EventType]:
    """The fault told before the stop was, for the booking a yes to the offer after the stop
    starts (not asked again); a burst told of the stop (爆管了？那得修到啥时候) is the main's,
    not a leak at home."""
    said = resident_words(tracker, {"report_repair"}, "repair_form")
    fault = fault_type_of(said)
    if is_urgent(fault) and detect_emergency(said) is None:
        fault = "no_heat"
    return [SlotSet("fault_type", fault)] if fault else []


def _visit_asked(tracker: Tracker) -> list[EventType]:
    """The form a yes that asks someone to come starts (行 那你们来一趟吧, 好 那过来看看吧 after
    the floor-heating answer; 好 那来测一下吧 after the room-temperature one), with the fault the
    resident's last messages told; [] when the yes asks for no visit."""
    text = latest_text(tracker)
    if asks_for_measurement(text):
        return [FollowupAction("temp_check_form")]
    if not asks_for_a_visit(text):
        return []
    told = " ".join(_recent_user_texts(tracker, 3))
    fault = fault_type_of(told)
    return [*([SlotSet("fault_type", fault)] if fault else []), FollowupAction("repair_form")]


def _recent_user_texts(tracker: Tracker, count: int) -> list[str]:
    """The resident's latest `count` messages, newest first."""
    texts = [str(e.get("text") or "") for e in reversed(tracker.events) if e.get("event") == "user"]
    return texts[:count]


#: The account's questions: a resident who just left them may still need the other ways.
_VERIFY_ASKS = frozenset({"utter_ask_account_no", "utter_ask_phone_last4", "utter_verify_failed"})


def _another_way_after_verification(tracker: Tracker) -> bool:
    """Whether the latest message asks what else to do (那还能怎么查) or says the account cannot be
    proved (我验证不了) within three messages of the verification's questions."""
    text = latest_text(tracker)
    if not (asks_for_another_way(text) or cannot_provide(text) or "验证不了" in text):
        return False
    return bot_said_within(tracker, _VERIFY_ASKS, 3)


def _answered_question_beside(dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
    """Answer the knowledge-base questions asked after a yes or an acknowledgement
    (好滴 那发票咋开呀, 嗯嗯 知道了 那滞纳金怎么算): the classifier reads the message as the yes,
    and "还有什么可以帮您？" left the question unanswered. False when it asks none."""
    kb = question_knowledge(tracker, policy())
    keys = clause_topics(tracker.latest_message, kb.retrieval)
    if not keys:
        return False
    answer_topics(dispatcher, tracker, kb, keys)
    return True


async def _chase(
    dispatcher: CollectingDispatcher, tracker: Tracker, ticket_no: str
) -> list[EventType]:
    """催一下: the chase goes on the ticket for the dispatcher; a ticket already past one of its
    promises goes to a person as well, since the company owes the resident a call."""
    urged = await in_db(
        ticket_service.urge_ticket,
        ticket_no,
        channel_of(tracker),
        tracker.sender_id,
        clock.now(),
        latest_text(tracker),
    )
    if urged is None:
        dispatcher.utter_message(response="utter_ticket_not_found", ticket_no=f" {ticket_no}")
        return []
    ticket = urged.ticket
    if urged.overdue:
        dispatcher.utter_message(response="utter_ticket_overdue", ticket_no=ticket_no)
        return await hand_over(dispatcher, tracker, "chase")
    if ticket.visit_start and ticket.visit_end and ticket.visit_end > clock.now():
        promise = f"师傅会在 {clock.format_window(ticket.visit_start, ticket.visit_end)} 上门"
    else:
        promise = f"{clock.format_due(ticket.resolve_due)} 前处理完毕"
    dispatcher.utter_message(response="utter_ticket_urged", ticket_no=ticket_no, promise=promise)
    return []


#: The offer to put a resident who wants a filed ticket changed through to a person.
CHANGE_TICKET = "change_ticket"


class ActionCorrectAfterSubmit(Action):
    """改到后天下午 after the ticket was filed: only a person can change a filed ticket. What the
    resident wants goes where a person will read it: the repair they were just told about, or
    the call-back they are already waiting for (telling someone who asked for a person to "reply
    转人工" again was a loop); else they are offered the person."""

    def name(self) -> str:
        """The action's name, as in domain.yml."""
        return "action_correct_after_submit"

    @guarded
    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Add the change to the ticket or the waiting call-back, or offer a person."""
        lost = await answer_lost_number(dispatcher, tracker)
        if lost is not None:
            return lost  # 单号不记得了 电话是139…: the call-back that looks the ticket up
        offer = fresh_pending(tracker) or ""
        if offer.startswith(OPEN_REPAIR):
            return await _add_to_open_repair(dispatcher, tracker, offer.removeprefix(OPEN_REPAIR))
        if offer in BOOKING_OFFERS:
            return await _correct_before_filing(dispatcher, tracker, BOOKING_OFFERS[offer])
        recorded = await tell_recorded(dispatcher, tracker)
        if recorded is not None:
            return recorded  # 地址记对了吧: what the ticket holds, not an offer of a person
        moved = await move_visit(dispatcher, tracker)
        if moved is not None:
            return moved
        fixed = await _fix_contact(dispatcher, tracker)
        if fixed is not None:
            return fixed
        waiting = await in_db(
            ticket_service.note_on_waiting_callback,
            channel_of(tracker),
            tracker.sender_id,
            clock.now(),
            latest_text(tracker),
        )
        if waiting is not None:
            dispatcher.utter_message(
                response="utter_added_to_callback",
                ticket_no=waiting.ticket_no,
                first_reply=clock.format_due(waiting.first_reply_due),
            )
            return [SlotSet("pending", None)]
        own_tickets = (await tickets_asked_about(tracker))[1]
        if not own_tickets and await corrects_a_new_request(tracker):
            # 我家是阳光花园的 暖气不热 不对 我说错了 是和平里的…: no ticket to change, a repair
            # asked for whose address was put right in the same breath (p3-040)
            return await _correct_before_filing(dispatcher, tracker, "repair_form")
        if cannot_provide(latest_text(tracker)) and not own_tickets:
            # 我不知道户号，地址是翠湖苑2号楼1单元101 after the meter or fee answer: no ticket to
            # change, a resident without the 户号 (players' class E), who needs the other ways
            dispatcher.utter_message(text=AMOUNT_NEEDS_ACCOUNT)
            dispatcher.utter_message(
                response="utter_verify_alternatives", hotline=policy().company.hotline
            )
            return [SlotSet("pending", None)]
        if not own_tickets and not _changes_a_filed_request(latest_text(tracker), offer):
            return _no_ticket_to_change(dispatcher, tracker)
        dispatcher.utter_message(response="utter_correct_after_submit")
        return [SlotSet("pending", CHANGE_TICKET)]


#: Words that ask to change something already arranged (改个时间, 地址写错了, 帮我调一下).
_CHANGE_WORDS = re.compile(r"改|换|调|挪|推迟|推后|提前|写错|填错|弄错|搞错|记错")


def _changes_a_filed_request(text: str, offer: str) -> bool:
    """Whether the resident asks to change a request filed elsewhere (之前报修那个单子地址写错了,
    the new time after 我之前约了测温 想改个时间): a person still changes it. A cold home and
    an address said in anger (我说的是现在！屋里冷！+ the address) change nothing (p4-029)."""
    return bool(
        offer == MOVE_VISIT or _EARLIER_REQUEST.search(text) or _CHANGE_WORDS.search(text)
    )


def _no_ticket_to_change(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """A "change" with no ticket in the conversation is never offered as one (players' p4-029:
    我说的是现在！屋里冷！+ the address, after the season's dates, was offered a person to change a
    ticket that did not exist): a cold home or a fault told is the repair it asks for; anything
    else hears that nothing was filed here."""
    if fault_type_of(latest_text(tracker)) is not None:
        return [SlotSet("pending", None), FollowupAction("repair_form")]
    dispatcher.utter_message(response="utter_no_ticket_to_change")
    return [SlotSet("pending", None)]


#: Words that point at a request made before (改一下之前那个单子): a change to it, not a new one.
_EARLIER_REQUEST = re.compile(r"工单|单子|单号|之前|刚才|上次|报过|已经报|登记过|约过|约的|预约")


async def corrects_a_new_request(tracker: Tracker) -> bool:
    """Whether the latest message asks for a repair and puts its own address right (我家是阳光花园
    的 暖气不热 不对 我说错了 是和平里的 和平里2号楼1单元301): read as a correction, it was offered
    a person to change "the submitted ticket" in a chat that had filed none (p3-040, p3-036). A
    message that names an earlier request (之前那个单子地址写错了) is still a change to it."""
    text = latest_text(tracker)
    if fault_type_of(text) is None or _EARLIER_REQUEST.search(text):
        return False
    return address_meant(text, await read_db(known_communities)) is not None


#: Offers made before anything was filed (the stop was told: book anyway?), and the form each
#: books with: a correction then changes the request, not a ticket.
BOOKING_OFFERS = {AFTER_OUTAGE: "repair_form", TEMP_CHECK_AFTER_OUTAGE: "temp_check_form"}


async def _correct_before_filing(
    dispatcher: CollectingDispatcher, tracker: Tracker, form: str
) -> list[EventType]:
    """哎不对 说错了 幸福里是我闺女家 我家是阳光花园… while the stop in 幸福里 is offered: nothing
    was filed, so there is nothing for a person to change. The address the correction names
    replaces the one the stop was found for (none named: the form asks it again) and the
    request goes on from there, the fault told before kept, so a home without a stop is booked
    as any other."""
    communities = await read_db(known_communities)
    text = latest_text(tracker)
    said = address_meant(text, communities) or parse_address(text, communities)
    address = said.summary() if said.is_usable else None
    if address:
        dispatcher.utter_message(response="utter_correction_taken", address=address)
    else:
        dispatcher.utter_message(response="utter_noted")
    events: list[EventType] = [SlotSet("pending", None), SlotSet("address", address)]
    if form == "repair_form":
        told = resident_words(tracker, {"report_repair"}, "repair_form") or text
        fault = fault_type_of(told)
        events += [SlotSet("fault_type", fault)] if fault else []
    return [*events, FollowupAction(form)]


#: Forms that ask for a visit window.
VISIT_TIME_FORMS = frozenset({"repair_form", "temp_check_form"})
#: `pending` while the bot asks for the new time of a visit the resident wants moved.
MOVE_VISIT = "move_visit"


async def move_visit(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType] | None:
    """明天下午我有事 能改到后天上午吗 after a visit was booked: the visit is moved in the store
    (`reschedule_visit`) and the resident hears the new window; 换个时间吧 without one is asked
    when (`MOVE_VISIT`, answered through `ActionHandleInform`). None when the message moves no
    visit, or the booking cannot be moved from the chat (urgent, begun, none): the caller then
    hands the wish to a person as before."""
    text = latest_text(tracker)
    wish = asks_to_reschedule(text, clock.now())
    if wish is None and fresh_pending(tracker) == MOVE_VISIT:
        window = parse_visit_window(text, clock.now())
        wish = Reschedule(window) if window else None
    if wish is None:
        return None
    if wish.window is None:
        dispatcher.utter_message(response="utter_ask_new_visit_time")
        return [SlotSet("pending", MOVE_VISIT)]
    moved = await in_db(
        ticket_service.reschedule_visit,
        policy(),
        channel_of(tracker),
        tracker.sender_id,
        clock.now(),
        wish.window.start,
        wish.window.end,
    )
    if moved is None or moved.visit_start is None or moved.visit_end is None:
        return None
    dispatcher.utter_message(
        response="utter_visit_moved",
        ticket_no=moved.ticket_no,
        window=clock.format_window(moved.visit_start, moved.visit_end),
    )
    return [SlotSet("pending", None)]


async def _fix_contact(
    dispatcher: CollectingDispatcher, tracker: Tracker
) -> list[EventType] | None:
    """电话说错了 最后四位是2234 不是2233, just after this conversation filed a ticket: the
    contact phone or address is corrected on it (`correct_contact`: still new, filed minutes
    ago) and the resident is told the new value, masked as in confirmations. None when the
    message names no new value or there is no such ticket: a person changes it."""
    channel, sender = channel_of(tracker), tracker.sender_id
    newest = await read_db(ticket_service.own_tickets, channel, sender, 1)
    if not newest or (newest[0].channel, newest[0].sender_id) != (channel, sender):
        return None
    ticket = newest[0]
    text = latest_text(tracker)
    fields: dict[str, Any] = {}
    phone = corrected_phone(text, ticket.phone, contact_number)
    if phone:
        fields["phone"] = phone
    communities = await read_db(known_communities)
    said = parse_address(text, communities)
    if said.building or said.room:
        held = parse_address(ticket.address or "", communities)
        address = (said if said.community else corrected(held, said)).summary()
        if address != ticket.address:
            fields.update(address=address, **await address_parts(address))
    if not fields:
        return None
    fixed = await in_db(ticket_service.correct_contact, channel, sender, clock.now(), **fields)
    if fixed is None:
        return None
    changed = "、".join(
        part
        for part in (
            f"联系电话 {mask_phone(fixed.phone)}" if "phone" in fields else "",
            f"地址 {fixed.address}" if "address" in fields else "",
        )
        if part
    )
    dispatcher.utter_message(
        response="utter_contact_corrected", ticket_no=fixed.ticket_no, changed=changed
    )
    return [SlotSet("pending", None)]


class ActionSameRequest(Action):
    """The request the active form is taking, made again while it asks a question (能派人来看看表吗
    at the meter visit's address question): it is being done, so it is acknowledged and the form
    asks its question again, rather than the rephrase fallback the form's rejection led to."""

    def name(self) -> str:
        """The action's name, as in domain.yml."""
        return "action_same_request"

    @guarded
    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Say it is noted; the form's question follows."""
        dispatcher.utter_message(response="utter_noted")
        return []


class ActionOutOfScope(Action):
    """A message outside heating. Inside a form, 等一下 / 我找找 is often read that way: it asks
    for time, not for the list of what the assistant does."""

    def name(self) -> str:
        """The action's name, as in domain.yml."""
        return "action_out_of_scope"

    @guarded
    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Say what the assistant handles, or, in a form, that there is no hurry; a short
        follow-up to the answer just given (去哪办 after the subsidy answer) is answered; in a
        form, a resident who cannot give what is asked (尾号不记得了 手机早换了) hears nothing from
        here: the form answers with the other ways, and "I only handle heating" would be wrong."""
        form = tracker.active_loop.get("name")
        text = latest_text(tracker)
        if form and cannot_provide(text):
            return []
        followed = None if form and hesitating(text) else await answer_on_last_topic(
            dispatcher, tracker
        )
        if followed is not None:
            return followed  # 那热水袋能用吗 after the care advice: that advice's follow-up
        if form and hesitating(text):
            dispatcher.utter_message(response="utter_take_your_time")
        elif tell_door_safety(dispatcher, tracker):
            pass  # 要不要报警啊 after the advice on a caller at the door
        elif await answer_hall_follow_up(dispatcher, tracker):
            pass  # 几点关门 right after a hall's hours: that hall's
        elif answer_follow_up(dispatcher, tracker):
            pass
        elif tell_stop_day_care(dispatcher, tracker):
            pass  # 那天能开电暖器不 after a stop was told
        elif names_other_matter(text) or not _heating_talked_about(tracker):
            dispatcher.utter_message(response="utter_out_of_scope")
        elif form == "verify_form":
            # 手机尾号5678 / 那怎么办 我现在就想知道多少钱 at the 户号 question: the other ways
            dispatcher.utter_message(
                response="utter_verify_alternatives", hotline=policy().company.hotline
            )
        elif not form:
            # a short follow-up in a heating conversation that nothing above placed: never the
            # gas and water companies (players' findings 2, class A); a form asks its question
            dispatcher.utter_message(
                response="utter_follow_up_unclear", hotline=policy().company.hotline
            )
        return []


def _heating_talked_about(tracker: Tracker) -> bool:
    """Whether the conversation had a turn before the latest message: everything this assistant
    talks about is the heating, so a message that names no other utility (几点关门, 那咋整) goes
    on from it; only an opening message is judged alone."""
    users = [e for e in tracker.events if e.get("event") == "user"]
    return len(users) > 1


class ActionHandleInform(Action):
    """A bare value outside a form: a ticket number, or the community the bot asked for."""

    def name(self) -> str:
        """The action's name, as in domain.yml."""
        return "action_handle_inform"

    @guarded
    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Use the value for what the bot asked; a message that names a fault with its details
        (暖器不热 金色家园2号楼… 137… 今天下午: busy residents answer before being asked) starts
        the repair form with them; else ask what the user wants to do with the value."""
        proof = await answer_ticket_proof(dispatcher, tracker, call_back)
        if proof is not None:
            return proof  # the phone, number or address for a ticket filed elsewhere
        lost = await answer_lost_number(dispatcher, tracker)
        if lost is not None:
            return lost  # the address for a ticket whose number is lost: a person looks it up
        if ticket_no_of(tracker):
            return await ActionQueryTicket().run(dispatcher, tracker, domain)
        retried = await digits_after_wait(dispatcher, tracker)
        if retried is not None:
            return retried  # 5678 right after the lockout: the wait again, or the check
        if await answer_about_bill(dispatcher, tracker):
            return []  # 那去年的呢 after the bill
        left = phone_for_callback(tracker)
        if left:
            await call_back(dispatcher, tracker, left)  # the waiting call-back takes the number
            return []
        if tracker.active_loop.get("name") == "verify_form":
            # an address or a phone where the account number was asked: they do not have it
            # (the form itself answers one who says so: 户号不记得了)
            if not cannot_provide(latest_text(tracker)):
                # said once, and the form left: asking for the 户号 again looped a tenant who
                # has none (players' class E); a 户号 sent next still starts the lookup
                # (`_account_after_fee_talk`), any other request goes its own way
                dispatcher.utter_message(text=AMOUNT_NEEDS_ACCOUNT)
                dispatcher.utter_message(
                    response="utter_verify_alternatives", hotline=policy().company.hotline
                )
                return leave_form(tracker)
            return []
        if await answer_hall_follow_up(dispatcher, tracker):
            return []  # 周末呢 right after a hall's hours: that hall on the weekend
        if fresh_pending(tracker) == MOVE_VISIT and parse_visit_window(
            latest_text(tracker), clock.now()
        ):
            # 周五上午 after 想改到什么时间？: moved here, or (a ticket of another chat, one
            # already under way) handed to a person with the new time, never "what business?"
            # (players' class I)
            return await ActionCorrectAfterSubmit().run(dispatcher, tracker, domain)
        if fresh_pending(tracker) == "outage_community":
            return await ActionQueryOutage().run(dispatcher, tracker, domain)
        if fresh_pending(tracker) == HALL_COMMUNITY:
            return await ActionQueryServiceHall().run(dispatcher, tracker, domain)
        if fresh_pending(tracker) == ASK_COMMUNITY:
            return await ActionSubscribe().run(dispatcher, tracker, domain)
        urgent = tracker.get_slot("urgent_ticket_no")
        if urgent:
            completed = await _complete_urgent_ticket(dispatcher, tracker, str(urgent))
            if completed is not None:
                return completed
        followed = await answer_on_last_topic(dispatcher, tracker)
        if followed is not None:
            return followed  # 那就是说晚上六点多才有热乎气？ after the stop: confirmed or put right
        if await take_resident_reading(dispatcher, tracker):
            return []  # a 室温抽测 household's own reading (actions/sampling.py)
        if _visit_time_after_urgent(tracker):
            # 明天上午 after the urgent ticket was completed: no appointment, the crew comes now
            dispatcher.utter_message(response="utter_urgent_no_appointment")
            return []
        offer = fresh_pending(tracker) or ""
        if offer.startswith(OPEN_REPAIR):
            return await _add_to_open_repair(dispatcher, tracker, offer.removeprefix(OPEN_REPAIR))
        if offer == AFTER_OUTAGE and (home := await _home_after_stop_offer(tracker)) is not None:
            return _answer_home_after_stop_offer(dispatcher, tracker, home)
        if (
            _just_answered_about_outages(tracker)
            and await _names_a_community(tracker)
            and (not fault_type_of(latest_text(tracker)) or await _asks_and_there(tracker))
        ):
            # 那和平里呢 right after an outage answer asks the same about another community, also
            # when it goes on to say it is cold there (那金色家园呢 我妈住那边 她说屋里不热): the
            # stop there first (我家在阳光花园 也不热 books the repair)
            return await ActionQueryOutage().run(dispatcher, tracker, domain)
        if fault_type_of(latest_text(tracker)):
            return [FollowupAction("repair_form")]
        if asks_for_measurement(latest_text(tracker)):
            return [FollowupAction("temp_check_form")]  # 约个测温 阳光花园3号楼… 136… 明天上午
        accepted = await _offer_taken_by_details(tracker, offer)
        if accepted:
            return accepted
        if offer not in _OFFERED_VISIT_FORMS and _goes_on_with_offer(tracker, offer):
            # 东风新村15栋1单元602 after "需要现在为您登记吗？", 户号0102345678 after the bill was
            # offered, a phone after "要转人工吗": the yes, with the details for the task (hail
            # t hat-031 was asked what business it had, and its 报停 was lost)
            return await ActionHandleYesNo().run(dispatcher, tracker, domain)
        form = await _topic_form(tracker)
        if form:
            # 和平里2号楼1单元303 13122223333 工作日晚上: details sent after the request (or
            # after the refund rules that invite a measurement) go to that request's form
            return [FollowupAction(form)]
        kb = question_knowledge(tracker, policy())
        topic = _question_read_as_a_value(tracker, kb)
        if topic:
            # 12月31号之前交完就没滞纳金吧？ carries a date but asks a question
            answer_topics(dispatcher, tracker, kb, [topic])
            return []
        cold = tell_below_standard(dispatcher, tracker)
        if cold is not None:
            return cold  # 屋里就12度: a home below the standard, not a bare value
        account = _account_after_fee_talk(tracker)
        if account:
            # 0102345678 right after 暖气费怎么交: the bill of that account (verified first)
            return [SlotSet("account_no", account), FollowupAction("verify_form")]
        dispatcher.utter_message(response="utter_ask_what_for")
        return []


#: Answers about paying, after which a bare 户号 asks what that account owes.
FEE_TOPICS = frozenset(
    {"payment_channels", "fee_standard", "late_fee", "payment_not_posted", "duplicate_payment"}
)


def _account_after_fee_talk(tracker: Tracker) -> str | None:
    """The 户号 of a message that gives one (not a mobile number) within two messages of a
    question about paying or the bill; None otherwise (the resident is asked what it is for)."""
    given = next(tracker.get_latest_entity_values("account_no"), None)
    account = normalise_account_no(given) if given else None
    if account is None or normalise_contact_number(str(given)) == account:
        return None
    users = 0
    for event in reversed(tracker.events):
        if event.get("event") != "user":
            continue
        users += 1
        if users == 1:
            continue
        if users > 3:
            return None
        parse = event.get("parse_data") or {}
        if (parse.get("intent") or {}).get("name") == "query_fee":
            return account
        key = (parse.get("response_selector") or {}).get("faq", {}).get("response", {})
        if str(key.get("intent_response_key") or "").removeprefix("faq/") in FEE_TOPICS:
            return account
    return None


#: Answers that filed or completed an urgent ticket.
URGENT_FILED = frozenset({"utter_emergency_ticket", "utter_urgent_repair_updated"})


def _visit_time_after_urgent(tracker: Tracker) -> bool:
    """Whether the latest message only offers a visit time (明天上午) within a few messages of an
    urgent ticket: the urgent crew comes at once, and the resident should hear that rather than
    "what do you want to do?"."""
    if next(tracker.get_latest_entity_values("time"), None) is None:
        return False
    return bot_said_within(tracker, URGENT_FILED, 3)


def _question_read_as_a_value(tracker: Tracker, kb: KnowledgeBase) -> str | None:
    """The knowledge-base topic of a question the classifier took for a bare value because it
    holds one (a date, an amount): it reads as a question, the FAQ family is the runner-up
    intent, and the topic is sure enough to answer outright."""
    if not is_question(latest_text(tracker)):
        return None
    ranked = [entry.get("name") for entry in tracker.latest_message.get("intent_ranking") or []]
    if RETRIEVAL_INTENT not in ranked[:2]:
        return None
    return choose_topic(topic_ranking(tracker.latest_message), kb.retrieval).answer


#: Replies after which a request is over (filed, stopped): later details start nothing.
TOPIC_CLOSED = frozenset(
    {
        "utter_repair_created",
        "utter_temp_check_created",
        "utter_complaint_created",
        "utter_urgent_repair_updated",
        "utter_form_stopped",
        "utter_form_switched",
        OUTAGE_DECLINED,
    }
)
#: FAQ answers that invite a 测温 request (室温标准, 不达标退费).
MEASUREMENT_TOPICS = frozenset({"refund", "room_temp_standard"})
#: Intents of a message that told of a fault without being taken for a request.
UNPLACED = frozenset({RETRIEVAL_INTENT, "nlu_fallback", "inform", "greet", "out_of_scope"})
#: Requests whose form a later message of bare details continues.
TOPIC_FORMS = {
    "report_repair": "repair_form",
    "request_temp_check": "temp_check_form",
    "file_complaint": "complaint_form",
}


#: Offers whose yes starts a form that collects an address, a phone and a visit window.
_OFFERED_VISIT_FORMS = {
    "repair": "repair_form",
    AFTER_OUTAGE: "repair_form",
    TEMP_CHECK_AFTER_OUTAGE: "temp_check_form",
    "second:request_temp_check": "temp_check_form",
}


async def _offer_taken_by_details(tracker: Tracker, offer: str) -> list[EventType] | None:
    """东风新村20号楼1单元402，今天下午来 right after "要先安排上门测温吗？": giving the details the
    offered visit needs (an address with its building or flat, a phone, a visit window) accepts
    the offer, and its form takes them. None when no such offer is pending or the message gives
    none (a community alone after an outage answer asks about the stop there)."""
    form = _OFFERED_VISIT_FORMS.get(offer)
    if form is None:
        return None
    text = latest_text(tracker)
    communities = await read_db(known_communities)
    address = parse_address(text, communities)
    home = home_told(tracker, communities) if _part_of_a_home(address) else address
    gives = (
        (home.is_usable and bool(home.building or home.room))
        or normalise_contact_number(text) is not None
        or parse_visit_window(text, clock.now()) is not None
    )
    if not gives:
        return None
    events: list[EventType] = [SlotSet("pending", None)]
    if home.is_usable and not address.community and home.community:
        # 我家是2单元301 after 和平里13号楼 was told: the flat completes the building said
        events.append(SlotSet("address", home.summary()))
    if offer == AFTER_OUTAGE:
        fault = fault_type_of(resident_words(tracker, {"report_repair"}, "repair_form"))
        if fault:
            events.append(SlotSet("fault_type", fault))
    return [*events, FollowupAction(form)]


def _part_of_a_home(address: Address) -> bool:
    """Whether `address` names a building, a unit or a flat (not only a community)."""
    return bool(address.building or address.unit or address.room)


async def _home_after_stop_offer(tracker: Tracker) -> Address | None:
    """The home a message describes that answers "现在仍要登记报修吗？" with a part of the
    address in the community whose stop was told (1单元301; 我住幸福里7栋; 3号楼2单元501), with
    the parts told before; None for anything else (a community alone, a phone, another
    community: 那和平里呢 asks about the stop there)."""
    communities = await read_db(known_communities)
    said = parse_address(latest_text(tracker), communities)
    if not _part_of_a_home(said):
        return None
    before = home_told(tracker, communities, latest=False)
    if said.community and before.community and said.community != before.community:
        return None
    home = home_told(tracker, communities)
    return home if home.community else None


def _answer_home_after_stop_offer(
    dispatcher: CollectingDispatcher, tracker: Tracker, home: Address
) -> list[EventType]:
    """A flat (1单元301 after 幸福里小区北区12号楼 was told) says where the visit is wanted: a
    yes, booked at the whole address. A building alone (我住幸福里7栋) is detail, no yes: the
    stop covers it too, so the question is asked again, without the stop told twice, and the
    flat asked for with it; the address held is cleared, so a yes after it is not booked for a
    whole building (players' B: 幸福里小区7号楼 was booked without a unit or room)."""
    if home.room:
        return [
            SlotSet("pending", None),
            SlotSet("address", home.summary()),
            *_fault_told_before_the_stop(tracker),
            FollowupAction("repair_form"),
        ]
    dispatcher.utter_message(response="utter_outage_repair_ask_again", address=home.summary())
    return [SlotSet("address", None), SlotSet("pending", AFTER_OUTAGE)]  # asked again


async def _topic_form(tracker: Tracker) -> str | None:
    """The form a message of details (an address or a phone number) belongs to: the last
    request the resident made in the last few messages, a measurement after the FAQ answers
    that invite one, a repair after those that invite one (暖气片哐哐响 能修吗 → the noise
    answer ends "回复我要报修") or after a fault told in words the classifier did not take for a
    request (回家发现暖器冰凉冰凉的 咋回事啊); None when the message holds no details or there is
    no such topic."""
    text = latest_text(tracker)
    has_details = (
        parse_address(text, await read_db(known_communities)).is_usable
        or normalise_contact_number(text) is not None
    )
    if not has_details:
        return None
    users = 0
    for event in reversed(tracker.events):
        if (
            event.get("event") == "bot"
            and (event.get("metadata") or {}).get("utter_action") in TOPIC_CLOSED
        ):
            return None  # that request was filed or dropped: details now are not for it
        if event.get("event") != "user":
            continue
        users += 1
        if users == 1:
            continue  # the message of details itself
        if users > 4:
            return None
        parse = event.get("parse_data") or {}
        intent = str((parse.get("intent") or {}).get("name") or "")
        if intent in TOPIC_FORMS:
            return TOPIC_FORMS[intent]
        key = (parse.get("response_selector") or {}).get("faq", {}).get("response", {})
        topic = str(key.get("intent_response_key") or "").removeprefix("faq/")
        if topic in MEASUREMENT_TOPICS:
            return "temp_check_form"
        told = intent in UNPLACED and fault_type_of(str(event.get("text") or ""))
        if told or (intent == RETRIEVAL_INTENT and topic in _repair_topics()):
            return "repair_form"
    return None


async def _add_to_open_repair(
    dispatcher: CollectingDispatcher, tracker: Tracker, ticket_no: str
) -> list[EventType]:
    """What a resident adds after hearing of their open repair goes on that ticket; an address
    of another home is a new repair there."""
    text = latest_text(tracker)
    communities = await read_db(known_communities)
    address = parse_address(text, communities)
    ticket = await read_db(
        ticket_service.find_visible, ticket_no, channel_of(tracker), tracker.sender_id
    )
    held = parse_address(ticket.address if ticket and ticket.address else "", communities)
    if address.is_usable and not same_home(address, held):
        new_home = [SlotSet("pending", None), SlotSet("address", text)]
        return [*new_home, FollowupAction("repair_form")]
    noted = await in_db(
        ticket_service.note_on_ticket,
        ticket_no,
        channel_of(tracker),
        tracker.sender_id,
        clock.now(),
        text,
    )
    if noted is None:
        dispatcher.utter_message(response="utter_ticket_not_found", ticket_no=f" {ticket_no}")
        return [SlotSet("pending", None)]
    dispatcher.utter_message(response="utter_ticket_noted", ticket_no=ticket_no)
    return []


def _repair_topics() -> frozenset[str]:
    """The knowledge-base topics whose answer invites a repair request (回复“我要报修”)."""
    kb = load_knowledge(policy())
    return frozenset(key for key in kb.topics if "我要报修" in kb.answer(key))


async def _complete_urgent_ticket(
    dispatcher: CollectingDispatcher, tracker: Tracker, ticket_no: str
) -> list[EventType] | None:
    """Add an address or phone given after an emergency to its urgent ticket (the person and gas
    paths ask nothing, so what the resident adds next belongs there; another home's address
    gets its own urgent ticket: `complete_urgent`); `None` if the message has neither."""
    text = latest_text(tracker)
    fields: dict[str, Any] = await place_named(tracker)
    phone = contact_number(text)
    if phone:
        fields["phone"] = phone
    if not fields:
        return None
    done = await complete_urgent(dispatcher, tracker, ticket_no, **fields)
    await tell_urgent_completed(dispatcher, tracker, done.ticket)
    if done.ticket.ticket_no == ticket_no:
        return []
    # the new ticket is the one completed from now on, with its own address
    return [
        SlotSet("urgent_ticket_no", done.ticket.ticket_no),
        SlotSet("address", done.ticket.address),
    ]


async def _asks_and_there(tracker: Tracker) -> bool:
    """Whether the latest message opens by asking "and there?" of one of our communities."""
    place = and_there_place(latest_text(tracker))
    return bool(place) and match_community(str(place), await read_db(known_communities)) is not None


async def _names_a_community(tracker: Tracker) -> bool:
    """Whether the latest message names one of the company's communities."""
    return match_community(latest_text(tracker), await read_db(known_communities)) is not None


OUTAGE_ANSWERS = frozenset({"utter_outage_found", "utter_no_outage"})


def about_the_stop(text: str) -> bool:
    """Whether a message said right after a stop was told is about that stop: when it ends
    (那得嘛时候能来热的) or a demand for the heat back (今天晚上之前必须给我来暖气 家里有老人)."""
    return asks_when(text) or demands_heat(text)


def _just_answered_about_outages(
    tracker: Tracker, answers: frozenset[str] = OUTAGE_ANSWERS
) -> bool:
    """Whether the bot's last turn (since the previous user message) answered about heating
    stops (by default either way: a stop named, or none)."""
    return any(
        (event.get("metadata") or {}).get("utter_action") in answers
        for event in previous_bot_turn(tracker)
    )


#: Knowledge-base topics of a request, by the intent that started it: an unsure question asked in
#: the middle of that request is about it (那基础费是多少 while applying for 报停).
REQUEST_TOPICS = {
    "apply_stop_heating": frozenset(
        {"stop_heating_policy", "stop_heating_documents", "resume_heating"}
    ),
}


STOP_HEATING_TOPICS = REQUEST_TOPICS["apply_stop_heating"]


def _within_the_request(tracker: Tracker, choice: TopicChoice) -> TopicChoice:
    """`choice`, or, when the topic is unsure and exactly one of the topics offered belongs to
    the request under way (`REQUEST_TOPICS`), that topic answered."""
    if choice.answer is not None or not tracker.active_loop.get("name"):
        return choice
    started = latest_intent_among(tracker, set(FLOW_STARTERS))
    fitting = [key for key in choice.offer if key in REQUEST_TOPICS.get(str(started), ())]
    return TopicChoice(answer=fitting[0]) if len(fitting) == 1 else choice


def _told_when_we_reply(dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
    """In a complaint, 那恁们多咱给俺回话 asks when the company answers: its deadlines (the first
    contact, the acknowledgement, the result), before the form asks again. It got buttons."""
    if tracker.active_loop.get("name") != "complaint_form":
        return False
    if not asks_when_we_reply(latest_text(tracker)):
        return False
    tell_complaint_deadlines(dispatcher)
    return True


def topic_buttons(kb: KnowledgeBase, keys: tuple[str, ...]) -> list[dict[str, str]]:
    """One button per topic: its title, and a payload that answers it without the NLU."""
    return [
        {"title": kb.title(key), "payload": f'/faq{{"{KB_TOPIC_ENTITY}":"{key}"}}'}
        for key in keys
        if key in kb.topics
    ]


def offer_topics(dispatcher: CollectingDispatcher, kb: KnowledgeBase, choice: TopicChoice) -> bool:
    """Ask which of the closest topics was meant (buttons); False when there is none to offer."""
    buttons = topic_buttons(kb, choice.offer)
    if len(buttons) < 2:
        return False
    dispatcher.utter_message(response="utter_kb_offer", buttons=buttons)
    return True


class ActionAnswerFaq(Action):
    """Knowledge-base answers (bot/policy/knowledge), the policy's values filled in.

    The topic is the one a button named, else the NLU's ranking judged by
    `bot.services.topics`: answered when the model is sure, else the closest 2–3 offered. A
    message that asks several things (今年几号开始烧？在哪交钱) gets every question answered
    (`clause_topics`), and a heating-stop or service-hall question among them (金色家园停暖那天…？
    另外发票怎么开) that answer first.
    """

    def name(self) -> str:
        """The action's name, as in domain.yml."""
        return "action_answer_faq"

    @guarded
    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """The answer, then an offer the question left open asked again (报停了还用交钱吗 while
        the next-season 报停 waits for its yes)."""
        events = await self.answer(dispatcher, tracker, domain)
        if any(isinstance(e, dict) and e.get("event") == "followup" for e in events):
            return events  # the answer starts a form of its own
        return [*events, *late_stop_offered_again(dispatcher, tracker)]

    async def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Answer the topic asked about (a button's, or the NLU's); right after the bot told of
        a stop, "那什么时候好/来暖" asks about that stop, not the season."""
        kb = question_knowledge(tracker, policy())
        pressed = next(tracker.get_latest_entity_values(KB_TOPIC_ENTITY), None)
        if not pressed and tell_door_safety(dispatcher, tracker):
            return []  # 他没出示工作证 还在门口呢 我怕: do not open, 110, the hotline
        if not pressed:
            followed = await answer_on_last_topic(dispatcher, tracker)
            if followed is not None:
                return followed  # 是一回事吗 / 多久能给我答复 / 热水袋能用吗: the last topic's
        if not pressed and not tracker.active_loop.get("name"):
            colder = tell_colder_than_neighbours(dispatcher, tracker)
            if colder is not None:
                return colder  # 为啥我家暖气没有邻居家热: this home's radiators, a fitter offered
        if (
            not pressed
            and not tracker.active_loop.get("name")
            and await tell_not_served(dispatcher, tracker) is not None
        ):
            return []  # 万科城的暖气归你们管吗 / 我家在碧桂园 暖气费多少钱一平: not ours, say so
        if not pressed and await answer_about_bill(dispatcher, tracker):
            return []  # 那去年的呢 after the bill, not a topic
        if not pressed and await tell_fee_estimate(dispatcher, tracker):
            return []  # 120平米的房子一年暖气费多少: the price times the area, worked out
        if not pressed and answer_repair_cost_asked(dispatcher, tracker):
            return []  # 来人修收钱不 while booking: what a repair costs; the form asks on
        if not pressed and announces_question(latest_text(tracker)):
            dispatcher.utter_message(response="utter_go_ahead")  # 姑娘 我问一下
            return []
        if not pressed and _asks_another_way_to_prove(tracker):
            # 那我还能怎么查 at the 户号 question: the other ways, not a topic
            dispatcher.utter_message(
                response="utter_verify_alternatives", hotline=policy().company.hotline
            )
            return []
        if not pressed and await answer_hall_follow_up(dispatcher, tracker):
            return []  # 地址在哪 right after a hall's hours: that hall's address
        if not pressed and tell_stop_day_care(dispatcher, tracker):
            return []  # 停暖那天能不能用电暖器: how to get through the stop, not the season
        if not pressed and tell_hall_unreachable(dispatcher, tracker):
            return [SlotSet("pending", "human")]  # 腿脚不好去不了营业厅: a call-back instead
        if not pressed and answer_follow_up(dispatcher, tracker):
            return []  # 要钱吗 right after the 开栓 answer: what the 开栓 costs
        if not pressed and tell_reading_meets_standard(dispatcher, tracker):
            return []  # 家里19度 算不算达标: yes, against the standard, not the standard alone
        choice = (
            TopicChoice(answer=str(pressed))
            if pressed
            else choice_for_parse(tracker.latest_message, kb.retrieval)
        )
        if (
            choice.answer == "heating_season" or about_the_stop(latest_text(tracker))
        ) and _just_answered_about_outages(tracker, frozenset({"utter_outage_found"})):
            # 那得嘛时候能来热的 / 今晚之前必须来暖气 right after a stop was told is about that stop
            return await ActionQueryOutage().run(dispatcher, tracker, domain)
        if not pressed and asks_after_the_stop(latest_text(tracker)):
            # 那停完了还不热咋办: what to do then; a form under way asks its question again
            dispatcher.utter_message(
                response="utter_after_stop_still_cold", hotline=policy().company.hotline
            )
            return []
        if not pressed and await _heat_asked_for_in_season(tracker, choice):
            # 幸福里小区的暖气啥时候能来: in the season heat is due, so the question is whether a
            # stop covers that home (and until when), not the season's dates
            return await ActionQueryOutage().run(dispatcher, tracker, domain)
        if not pressed and _told_when_we_reply(dispatcher, tracker):
            return []
        if choice.answer in MEASUREMENT_TOPICS and asks_for_measurement(latest_text(tracker)):
            # 那你们先来测: the refund rules say a measurement comes first, and this asks for it
            return [FollowupAction("temp_check_form")]
        if not pressed and _venting_about_the_cold(tracker, choice):
            # 交那么多钱屋里才16度 骗子公司: the fact and what can be done, not topic buttons
            return tell_below_standard(dispatcher, tracker) or []
        choice = _within_the_request(tracker, choice)
        if not pressed and _warm_up_long_over(tracker, choice):
            # 俺家暖气咋凉成这了 three weeks into the season: "the first 3–5 days warm up" is
            # no answer any more, and the topic itself says to book a repair after a week
            return [FollowupAction("repair_form")]
        repair_too = not pressed and _kb_sends_a_fitter(tracker, choice)
        how_to = None if pressed or choice.answer else how_to_apply_topic(latest_text(tracker))
        if how_to:
            # 我想问问报停怎么办: how to apply for what the bot does; the answer offers to start
            choice = TopicChoice(answer=how_to)
        events: list[EventType] = []
        asked = [] if pressed else clause_intents(tracker.latest_message)
        if "query_outage" in asked:
            events = await ActionQueryOutage().run(dispatcher, tracker, domain)
        elif "query_service_hall" in asked:
            events = await ActionQueryServiceHall().run(dispatcher, tracker, domain)
        grievance = None if pressed else grievance_heard(tracker)
        if grievance and grievances.before_answer(dispatcher, tracker, grievance, choice.answer):
            return events  # 热线一直打不通: help here, not the number they could not reach
        others = [] if pressed else clause_topics(tracker.latest_message, kb.retrieval)
        if (
            not pressed
            and choice.answer in kb.topics
            and answer_beyond_the_answer(dispatcher, tracker, kb, str(choice.answer))
        ):
            return events  # 去年的也能补开吗 right after the invoice answer: not that text again
        if choice.answer is not None and choice.answer in kb.topics:
            # a question taken from a task (这种得报修不) is offered the task after its answer
            buttons, unnamed = ([], None) if pressed else task_offer(tracker, kb, choice.answer)
            shown = None if unnamed else buttons  # under the answer, or under the line
            answer_topics(dispatcher, tracker, kb, [choice.answer, *others], buttons=shown)
            if unnamed:
                dispatcher.utter_message(
                    response="utter_kb_task_offer", message=unnamed, buttons=buttons
                )
        elif others:
            answer_topics(dispatcher, tracker, kb, others)
        elif not events and not offer_topics(dispatcher, kb, choice):
            dispatcher.utter_message(response="utter_ask_rephrase")
        if grievance and not repair_too:
            grievances.after_answer(dispatcher, tracker)  # 坑人呢: record it, or a person
        if (
            not pressed
            and not tracker.active_loop.get("name")
            and asks_for_measurement(latest_text(tracker))
        ):
            # 一是想约个测温；二是发票怎么开: the invoice answered, then the 测温 booked
            return [*events, FollowupAction("temp_check_form")]
        if repair_too:
            # 额屋里暖气片一到黑咧就咣当咣当响 这咋弄: the answer says a knock needs a fitter, so
            # the booking starts with it (不用报修 still ends it)
            return [*events, FollowupAction("repair_form")]
        if not pressed and _bill_worth_looking_up(tracker, choice):
            # 昨晚支付宝交了 公众号还显示没交: after how long posting takes, the bill itself
            # (the account is asked for unless bound); the resident wrote again anxious (glp-024)
            return [*events, FollowupAction("verify_form")]
        return events


#: The topic of a payment not yet shown on the bill.
PAYMENT_NOT_POSTED_TOPIC = "payment_not_posted"


def _bill_worth_looking_up(tracker: Tracker, choice: TopicChoice) -> bool:
    """Whether the answer on payments not yet posted was to someone whose own payment the bill
    does not show (`own_payment_not_shown`), outside a form: a human agent looks it up."""
    if choice.answer != PAYMENT_NOT_POSTED_TOPIC or tracker.active_loop.get("name"):
        return False
    return own_payment_not_shown(latest_text(tracker))


def _asks_another_way_to_prove(tracker: Tracker) -> bool:
    """Whether verification asks for the account or its phone and the resident asks what else
    they can do (那我还能怎么查, 还有别的办法吗)."""
    if tracker.active_loop.get("name") != "verify_form":
        return False
    if tracker.get_slot("requested_slot") not in ("account_no", "phone_last4"):
        return False
    return asks_for_another_way(latest_text(tracker))


#: The topic of the first days of the season (升温期: 三到五天, 一周内稳定).
WARM_UP_TOPIC = "startup_period"
#: Days after the season's start when the warm-up answer stops fitting a cold home (the topic's
#: own words: 超过一周仍明显不热…请回复“我要报修”).
WARM_UP_DAYS = 7
#: Words that ask about the first days themselves (刚开始供暖暖气不热正常吗).
_ASKS_ABOUT_THE_START = re.compile(
    r"刚开始|刚供暖|刚来暖|刚通暖|升温期|刚烧|开始供暖(的)?(这|那)几天"
)


def _warm_up_long_over(tracker: Tracker, choice: TopicChoice) -> bool:
    """Whether the warm-up topic was chosen for a cold home a week or more into the season,
    outside a form, by a message that does not ask about the first days themselves: it is a
    repair now (and where heating is stopped the repair flow tells the stop first)."""
    if choice.answer != WARM_UP_TOPIC or tracker.active_loop.get("name"):
        return False
    text = latest_text(tracker)
    if fault_type_of(text) != "no_heat" or _ASKS_ABOUT_THE_START.search(text):
        return False
    today = clock.now().date()
    rules = policy()
    if not in_heating_season(rules, today):
        return False
    start, _ = season_dates(rules, season_start_year(rules, today))
    return (today - start).days >= WARM_UP_DAYS


def _kb_sends_a_fitter(tracker: Tracker, choice: TopicChoice) -> bool:
    """Whether the topic answered says the sound the resident tells of needs a fitter (a knock
    or hum in their home, going on: `knocking_at_home`), outside a form."""
    if choice.answer != NOISE_TOPIC or tracker.active_loop.get("name"):
        return False
    return knocking_at_home(latest_text(tracker))


#: The topic of radiator sounds, whose answer sends knocking and humming to a repair.
NOISE_TOPIC = "radiator_noise"


async def _heat_asked_for_in_season(tracker: Tracker, choice: TopicChoice) -> bool:
    """Whether the message asks when the heat comes (back) while the season is on, for a
    community that is known (named, the address given, the account's): the season's dates topic
    (or no sure topic) and the words of heat coming (`asks_when_heat_returns`). Without a
    community the season's answer stays (it says a cold home mid-season is booked as a repair)."""
    if choice.answer not in (None, "heating_season"):
        return False
    if choice.answer is None and choice.offer and choice.offer[0] in STOP_HEATING_TOPICS:
        return False  # 撤了以后几天能热: heat after a 报停 is withdrawn, the 报停 topics
    if not asks_when_heat_returns(latest_text(tracker)):
        return False
    if not in_heating_season(policy(), clock.now().date()):
        return False
    return await community_of(tracker) is not None


#: A reading told with "what now?" or scorn, not a question a topic answers (咋整啊 屋里贼拉冷
#: 温度计就十五度; 温度计才16度 合着是替国家省煤呢是吧): the frost sets' residents got the
#: standard's text, and no 测温 was offered to accept.
_SAYS_WHAT_NOW = re.compile(
    r"咋整|咋办|怎么办|怎么弄|咋弄|啥玩意|什么玩意|合着|是吧|省煤|省钱呢|糊弄|忽悠|闹着玩"
)


def _venting_about_the_cold(tracker: Tracker, choice: TopicChoice) -> bool:
    """Whether a knowledge-base message tells of a room below the standard rather than asks a
    topic: the topic is unsure, the resident is upset (骗子公司, 什么破暖气), or the message asks
    nothing; outside forms, whose question comes next anyway.
    A sure topic asked about (屋里就15度 能退钱不: the refund rules) is answered."""
    if tracker.active_loop.get("name"):
        return False
    minimum = policy().room_temperature.minimum_c
    if reading_below_standard(latest_text(tracker), minimum) is None:
        return False
    if choice.answer is None or upset(raw_text(tracker)):
        return True
    if _SAYS_WHAT_NOW.search(latest_text(tracker)):
        return True
    # 屋里就12度 老人说头晕 / 屋里温度计就15度 冻得手都伸不出来 tell, not ask: no topic's text (the
    # standard, how to measure) would say that this home is below it and what can be done
    return not is_question(latest_text(tracker))


#: What proves who one is: a resident who says they do not know it needs another way.
_PROOF = re.compile("户号|手机|尾号|电话|缴费单|供热卡|本子|单子")


def _without_what_proves(tracker: Tracker) -> bool:
    """Whether the latest message says the resident does not have the 户号 or the phone
    (户号我不知道 本子上没写), or asks what to do now (那我咋办) right after saying so."""
    text = latest_text(tracker)
    if cannot_provide(text) and _PROOF.search(text):
        return True
    if not asks_for_another_way(text):
        return False
    earlier = [str(e.get("text") or "") for e in tracker.events if e.get("event") == "user"]
    return any(cannot_provide(said) and _PROOF.search(said) for said in earlier[-4:-1])


class ActionFallback(Action):
    """Two stages: ask to rephrase, then offer a person. Odd input gets a specific answer.

    A user who is plainly frustrated (angry words, a third miss in a row, the same message over
    and over) is handed to a person at once instead of being asked to rephrase again.
    """

    def name(self) -> str:
        """The action's name, as in domain.yml."""
        return "action_fallback"

    @guarded
    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Answer what was wrong with the message, or escalate on the second miss in a row."""
        if (
            tracker.latest_message.get(INPUT_TRUNCATED)
            or len(raw_text(tracker)) > MAX_MESSAGE_CHARS
        ):
            dispatcher.utter_message(response="utter_message_too_long", limit=MAX_MESSAGE_CHARS)
            return [UserUtteranceReverted()]
        if not has_words(latest_text(tracker)):
            dispatcher.utter_message(response="utter_empty_message")
            return [UserUtteranceReverted()]
        if fresh_pending(tracker) and typed_button(tracker) in (YES_PAYLOAD, NO_PAYLOAD):
            # 催一下 typed instead of pressed: the offer's own button, not a misunderstanding
            return await ActionHandleYesNo().run(dispatcher, tracker, domain)
        if chases_own_ticket(latest_text(tracker)):
            channel, sender = channel_of(tracker), tracker.sender_id
            own = await read_db(ticket_service.own_tickets, channel, sender, 1)
            if own and (own[0].channel, own[0].sender_id) == (channel, sender):
                # 催一下 right after the resident's own ticket: the chase, not "please rephrase"
                return await _chase(dispatcher, tracker, own[0].ticket_no)
        if _without_what_proves(tracker):
            # 户号我不知道 本子上没写 … 那我咋办: a resident without the 户号 or the phone needs
            # the other ways, not "please rephrase" nor a goodbye (players' findings 2, class A)
            dispatcher.utter_message(
                response="utter_verify_alternatives", hotline=policy().company.hotline
            )
            return []
        if frustration(user_turns(tracker)):
            return [UserUtteranceReverted(), *await hand_over(dispatcher, tracker, "frustration")]
        if await take_resident_reading(dispatcher, tracker):
            return []  # 刚量了一下，卧室16.5度 from a 室温抽测 household: understood after all
        if tell_door_safety(dispatcher, tracker):
            return []  # 门口那人不是你们的吧 报警吗: the safety advice, understood after all
        if await answer_hall_follow_up(dispatcher, tracker):
            return []  # 几点关门 right after a hall's hours: understood after all
        if answer_follow_up(dispatcher, tracker):
            return []  # 那在哪下载 right after the invoice answer: understood after all
        if tell_stop_day_care(dispatcher, tracker):
            return []  # 停的那天老人咋办 after a stop was told: understood after all
        followed = await answer_on_last_topic(dispatcher, tracker)
        if followed is not None:
            return followed  # 是一回事吗 after a stop was told: understood after all
        text = latest_text(tracker)
        form = tracker.active_loop.get("name")
        if form == "verify_form" and (cannot_provide(text) or asks_for_another_way(text)):
            # 户号？我不知道 房东只给我地址 / 那我还能怎么查: not a message to rephrase, a resident
            # without it, who needs the other ways
            dispatcher.utter_message(
                response="utter_verify_alternatives", hotline=policy().company.hotline
            )
            return [UserUtteranceReverted()]
        if about_the_stop(text) and _just_answered_about_outages(
            tracker, frozenset({"utter_outage_found"})
        ):
            return await ActionQueryOutage().run(dispatcher, tracker, domain)
        if _told_when_we_reply(dispatcher, tracker):
            return []
        if not form and fault_type_of(text):
            # a long, rambling account of a cold radiator (喂喂 是暖气公司吧 我是幸福里的 我们家暖气
            # 从早上就开始凉了…) is a repair, whatever the classifier made of the rest
            return [FollowupAction("repair_form")]
        if consecutive_fallbacks(tracker) >= 2:
            dispatcher.utter_message(response="utter_offer_human")
            return [UserUtteranceReverted(), SlotSet("pending", "human")]
        if not form and await answer_about_bill(dispatcher, tracker):
            return [UserUtteranceReverted()]
        if not form:
            cold = tell_below_standard(dispatcher, tracker)
            if cold is not None:
                return [UserUtteranceReverted(), *cold]
        kb = load_knowledge(policy())
        if reaches_knowledge_base(tracker.latest_message) and offer_topics(
            dispatcher, kb, choice_for_parse(tracker.latest_message, kb.retrieval)
        ):
            return [UserUtteranceReverted()]
        dispatcher.utter_message(response="utter_ask_rephrase")
        if form:
            # the form's question stands: at its third ask in a row, the ways out come with it
            way_out = "utter_verify_alternatives" if form == "verify_form" else WAY_OUT
            offer_way_out(dispatcher, tracker, [], way_out)
        return [UserUtteranceReverted()]


#: The ways out of a form (a person, the hotline, stopping), said at a third ask in a row.
WAY_OUT = "utter_form_way_out"


class ActionStopForm(Action):
    """算了 / 不报了 in the middle of a form: stop without creating anything."""

    def name(self) -> str:
        """The action's name, as in domain.yml."""
        return "action_stop_form"

    @guarded
    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Leave the form and forget its half-filled values (an urgent ticket stays open); a
        "no" that corrects something (不是漏水 只是不能关, 不是我家里头 是楼道) keeps the form."""
        urgent = tracker.get_slot("urgent_ticket_no")
        form = tracker.active_loop.get("name")
        if form != "verify_form" or not cannot_provide(latest_text(tracker)):
            kept = _correction_not_a_stop(dispatcher, tracker, domain)
            if kept is not None:
                return kept
        denied = await denial_ends_form(dispatcher, tracker, domain)
        if denied is not None:
            return denied  # 我没说要投诉啊 / 先不约了 (at the read-back too)
        if urgent and calls_off(latest_text(tracker)):
            # 我说了不用来人 把单子取消了: never withdrawn by chat; the wish goes on the ticket
            refused = await refuse_urgent_cancel(dispatcher, tracker, str(urgent))
            return [*leave_form(tracker), *refused]
        if urgent:
            dispatcher.utter_message(
                response="utter_urgent_kept",
                ticket_no=urgent,
                duty_phone=policy().emergency.duty_phone,
            )
        elif form == "verify_form" and cannot_provide(latest_text(tracker)):
            # 手机号换了 / 不记得户号 is no "never mind": it is someone who needs another way.
            dispatcher.utter_message(
                response="utter_verify_alternatives", hotline=policy().company.hotline
            )
        elif latest_intent(tracker) in FLOW_STARTERS:
            dispatcher.utter_message(response="utter_form_switched")
        else:
            dispatcher.utter_message(response="utter_form_stopped")
        return leave_form(tracker)


def _correction_not_a_stop(
    dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
) -> list[EventType] | None:
    """A "no" without a word of giving up (`withdraws`: 算了, 不报了, 那不绑了) corrects what the
    resident said before (不是漏水。没有水。只是不能关。) or where (不是我家里头 是楼道 公共的):
    the form goes on with the question it asked, a fault so corrected taken as the new one.
    None for a real stop."""
    asked = tracker.get_slot("requested_slot")
    if latest_intent(tracker) != "deny" or withdraws(raw_text(tracker)):
        return None  # 算了 / 那不绑了: a stop, whatever the request's verb
    if denied_request(raw_text(tracker)) or puts_off_visit(raw_text(tracker)):
        return None  # 我没说要投诉 / 先不约了: the request itself ends
    if tracker.get_slot("urgent_ticket_no") and has_no_phone(raw_text(tracker)):
        # 没有电话！！ at the phone question of an urgent leak: noted, and never asked again
        return [FollowupAction(str(tracker.active_loop.get("name")))]
    if (story := story_told(tracker)) is not None:
        return story  # 停热不通知 at 哪方面: the complaint's answer, not a correction
    if f"utter_ask_{asked}" not in (domain.get("responses") or {}):
        return None
    urgent = tracker.get_slot("urgent_ticket_no")
    form = str(tracker.active_loop.get("name"))
    if urgent:
        dispatcher.utter_message(response="utter_urgent_noted", ticket_no=urgent)
    elif form == "verify_form":
        # 户号？整不明白 没有那玩意儿: no account number to give, so the other ways to prove it
        dispatcher.utter_message(
            response="utter_verify_alternatives", hotline=policy().company.hotline
        )
    else:
        dispatcher.utter_message(response="utter_noted")
    dispatcher.utter_message(response=f"utter_ask_{asked}")
    fault = fault_type_of(latest_text(tracker))
    fixed = [SlotSet("fault_type", fault)] if fault and form == "repair_form" and not urgent else []
    # the form rejected this message; re-entering it clears that, so the next answer goes to it
    return [ActiveLoop(form), *fixed, FollowupAction("action_listen")]


class ActionCorrectInfo(Action):
    """地址错了: forget the named value so the form asks for it again (or confirm a new one)."""

    def name(self) -> str:
        """The action's name, as in domain.yml."""
        return "action_correct_info"

    @guarded
    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Clear the slot the user says is wrong, unless the same message gave its new value; in
        verification, "that phone is long gone" is someone who needs the other ways."""
        text = latest_text(tracker)
        if tracker.active_loop.get("name") == "verify_form" and cannot_provide(text):
            dispatcher.utter_message(
                response="utter_verify_alternatives", hotline=policy().company.hotline
            )
            return []
        wish = asks_to_reschedule(text, clock.now(), window_of(tracker.get_slot("visit_time")))
        if (
            wish is not None
            and wish.window is not None
            and tracker.active_loop.get("name") in (VISIT_TIME_FORMS)
        ):
            # 明天下午不行 改到后天上午吧 in the form: the new window, not "which was wrong?"
            window = wish.window
            dispatcher.utter_message(
                response="utter_visit_time_changed",
                window=clock.format_window(window.start, window.end),
            )
            return [SlotSet("visit_time", f"{window.start.isoformat()}/{window.end.isoformat()}")]
        given = {e.get("entity") for e in tracker.latest_message.get("entities", [])}
        entity_of = {"visit_time": "time"}
        for slot, name, words in CORRECTABLE:
            if any(word in text for word in words):
                if entity_of.get(slot, slot) in given:
                    return []
                dispatcher.utter_message(response="utter_value_cleared", what=name)
                return [SlotSet(slot, None)]
        dispatcher.utter_message(response="utter_which_value_wrong")
        return []
