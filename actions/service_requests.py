"""Room-temperature checks (测温) and complaints: forms ending in a ticket with policy deadlines."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import (
    APOLOGY,
    ContactSlots,
    address_parts,
    apologise_once,
    channel_of,
    guarded,
    guarded_ticket,
    in_db,
    is_payload,
    latest_text,
    latest_text_of_intent,
    leave_form,
    message_key,
    offer_made_this_turn,
    offer_second_request,
    offer_way_out,
    opening_text,
    policy,
    read_db,
    requested,
    resident_words,
    sender_account,
    value_before_this_message,
    visit_without_phone,
    window_of,
    with_second_number,
)
from actions.denials import denial_ends_form
from actions.outage import (
    ActionQueryOutage,
    community_of,
    home_not_served,
    stop_before_booking,
    stopped_where_they_live,
    tell_stop_once,
    tell_stops_for_booking,
)
from actions.readback import SLOT as READ_BACK_SLOT
from actions.readback import ReadBackSlot, confirmed_or_not_needed, withdrawn_at_read_back
from actions.side_questions import answer_side_questions
from bot.base import clock
from bot.base.untrusted import plain_text
from bot.channels.payloads import latest_user_text
from bot.nlu.agreement import STORY_SLOTS, files_with_a_note, tells_more_of_complaint
from bot.nlu.answers import yes_no_answer
from bot.nlu.complaints import (
    CATEGORIES,
    category_kept,
    complaint_category_of,
    complaint_change,
    complaint_matter,
    complaint_words,
    demands_an_answer,
    stop_answers_complaint,
)
from bot.nlu.faults import fault_type_of
from bot.nlu.numbers import parse_room_reading, to_canonical
from bot.nlu.requests import (
    asks_for_measurement,
    asks_for_repair,
    asks_when_heat_returns,
    complains,
    declines_visit,
    not_a_complaint,
    not_the_homes_fault,
    requests_in,
    wants_someone_in_charge,
    withdraws,
)
from bot.policy import min_room_temp
from bot.services import tickets as ticket_service
from bot.services.outages import known_communities, match_community
from bot.store.tickets import TicketDraft

MAX_DESCRIPTION = 2000
COMPLAINT_SORRY = "utter_complaint_sorry"
#: A side question asked instead of the category is answered, not filed as one.
_QUESTION = re.compile(r"[?？吗么]\s*$|什么时候|啥时候|几点|多久")
#: Intents that leave a form (the interruption rules' STOP list), never taken as an answer.
LEAVING_INTENTS = frozenset({"deny", "cancel_ticket", "goodbye", "request_human"})
#: What a story told in answer to the category question is read as; anything else (转人工, an
#: outage question, 算了) is a request of its own and is answered as one.
STORY_INTENTS = frozenset({"file_complaint", "inform", "nlu_fallback"})
#: The description of a 测温 request the resident made with a button or keyword alone.
TEMP_CHECK_ASKED = "住户申请上门测温"


#: The offer made when heating is stopped in the resident's community: measure anyway?
TEMP_CHECK_AFTER_OUTAGE = "temp_check_after_outage"
TEMP_CHECK_OUTAGE_OFFER = "utter_outage_temp_check_offer"
#: The offer made when a complaint that the home is cold comes where heating is stopped: the
#: stop first, then whether to complain still; and the answer to a no.
COMPLAINT_AFTER_OUTAGE = "complaint_after_outage"
COMPLAINT_OUTAGE_OFFER = "utter_outage_complaint_offer"
COMPLAINT_OUTAGE_DECLINED = "utter_outage_complaint_declined"


class ValidateTempCheckForm(ContactSlots, ReadBackSlot, FormValidationAction):
    """Address, phone and window for an on-site measurement; prefilled for bound senders; the
    stop first where heating is stopped in the resident's community."""

    def name(self) -> str:
        """The form validation action's name, as in domain.yml."""
        return "validate_temp_check_form"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        """No phone for a resident who has none or refused it twice (`visit_without_phone`):
        whoever measures comes to the door in the window booked."""
        slots = await super().required_slots(domain_slots, dispatcher, tracker, domain)
        return [s for s in slots if s != "phone" or not visit_without_phone(tracker)]

    @guarded
    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Tell of a stop under way and offer to measure anyway (`stop_before_booking`), else
        the form as usual."""
        withdrawn = await withdrawn_at_read_back(dispatcher, tracker)
        if withdrawn is not None:
            return withdrawn
        not_ours = await home_not_served(dispatcher, tracker)
        if not_ours is not None:
            return not_ours  # 我住保利花园 想申请测温: nobody of ours measures there
        stop = await stop_before_booking(
            dispatcher,
            tracker,
            TEMP_CHECK_OUTAGE_OFFER,
            TEMP_CHECK_AFTER_OUTAGE,
            beside=lambda: answer_side_questions(dispatcher, tracker),
        )
        if stop is not None:
            return stop
        await answer_side_questions(dispatcher, tracker)
        events = await ContactSlots.run(self, dispatcher, tracker, domain)
        await tell_stops_for_booking(dispatcher, tracker, events)
        return events


def _room_reading(tracker: Tracker) -> float | None:
    """The room temperature the resident said they measured, from their latest message that
    gives one (`parse_room_reading`), never the standard they quoted or the weather outside.

    Not the `temperature` slot: it takes any temperature entity, the quoted 18度 included, and
    "您自测 18℃，已达到标准" was said to a resident whose room was at 15 ℃.
    """
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            reading = parse_room_reading(event.get("text"))
            if reading is not None:
                return reading
    return None


class ActionSubmitTempCheck(Action):
    """Opens the 测温 ticket and tells the user the standard and the deadline."""

    def name(self) -> str:
        """The action's name, as in domain.yml."""
        return "action_submit_temp_check"

    @guarded_ticket
    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Create the CW ticket and confirm it (nothing when the form ended on the offer after
        a stop: the resident has not asked yet)."""
        if tracker.get_slot("pending") == TEMP_CHECK_AFTER_OUTAGE and offer_made_this_turn(tracker):
            return []
        if not confirmed_or_not_needed(tracker):
            return []
        request = (
            resident_words(tracker, {"request_temp_check"}, "temp_check_form") or TEMP_CHECK_ASKED
        )
        measured = _room_reading(tracker)
        standard = min_room_temp(policy())
        window = window_of(tracker.get_slot("visit_time"))
        address = tracker.get_slot("address")
        draft = TicketDraft(
            kind="CW",
            channel=channel_of(tracker),
            sender_id=tracker.sender_id,
            dedup_key=message_key(tracker, "CW"),
            account_no=await sender_account(tracker),
            address=address,
            phone=tracker.get_slot("phone"),
            temperature=measured,
            visit_start=window[0] if window else None,
            visit_end=window[1] if window else None,
            description=with_second_number(request, tracker)[:MAX_DESCRIPTION],
            **await address_parts(address),
        )
        ticket = await in_db(ticket_service.open_ticket, policy(), draft, clock.now())
        if measured is None:
            note = ""
        elif measured < standard:
            note = f"，您自测 {measured:g}℃，低于标准 {standard - measured:g}℃"
        else:
            note = f"，您自测 {measured:g}℃，已达到标准，上门会用标准仪器复测"
        dispatcher.utter_message(
            response="utter_temp_check_created",
            ticket_no=ticket.ticket_no,
            standard=f"{standard:g}",
            measured_note=note,
            window=clock.format_window(*window) if window else "尽快",
            deadline=clock.format_due(ticket.resolve_due),
        )
        return [
            SlotSet("pending", None),  # an offer answered by booking (要测温 after the stop)
            SlotSet("visit_time", None),
            SlotSet("temperature", None),
            SlotSet(READ_BACK_SLOT, None),
            *await _offer_the_other_request(dispatcher, tracker, "request_temp_check"),
        ]


PERSON_TOO = "utter_complaint_person_too"


def _offered_a_person(tracker: Tracker) -> bool:
    """Whether this conversation already offered a person beside the complaint."""
    return any(
        e.get("event") == "bot" and (e.get("metadata") or {}).get("utter_action") == PERSON_TOO
        for e in tracker.events
    )


#: A complaint put off (投诉先不弄了, 先不投诉, 不投诉了, 投诉的事回头再说).
_COMPLAINT_PUT_OFF = re.compile(
    r"投诉.{0,3}(先不|不弄|算了|回头|再说|以后)|(先|就|也)?不(用)?投诉了?|不投了"
)


def _measure_not_complain(
    dispatcher: CollectingDispatcher, tracker: Tracker
) -> list[EventType] | None:
    """能不能来人测个温 inside a complaint the resident never called one (屋里冷得睡不着 温度计
    显示14度 read as a complaint): they want the room measured, so the form hands over to the 测温
    form, which keeps the address and phone given; a TS ticket nobody asked for was filed and
    the measurement dropped. A complaint said as one (我要投诉 … 再派人来测) stays a complaint."""
    text = latest_text(tracker)
    if not asks_for_measurement(text):
        return None
    said = resident_words(tracker, {"file_complaint"}, "complaint_form") or ""
    if complains(f"{said} {text}") and not _COMPLAINT_PUT_OFF.search(text):
        # 算了算了 投诉先不弄了 你们先派人来量量温度吧: a complaint called one, then put off for
        # the measurement, is the measurement (frost set: a TS and a BX were filed, no CW)
        return None
    dispatcher.utter_message(response="utter_complaint_to_temp_check")
    return [*leave_form(tracker), FollowupAction("temp_check_form")]


class ValidateComplaintForm(ContactSlots, ReadBackSlot, FormValidationAction):
    """Category, description and contact of a complaint; a detailed first message counts."""

    def name(self) -> str:
        """The form validation action's name, as in domain.yml."""
        return "validate_complaint_form"

    @guarded
    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """A complaint is a grievance, angry words or not: it starts with an apology (once per
        conversation); a complaint that the home is cold where heating is stopped hears of the
        stop (幸福里又没暖气了！你们这帮人是干什么吃的: the burst main and when heat is back) and
        is asked whether to complain still (`_stop_first`); else the form as usual."""
        withdrawn = await withdrawn_at_read_back(dispatcher, tracker)
        if withdrawn is not None:
            return withdrawn
        if tracker.get_slot("requested_slot") and (
            denied := await denial_ends_form(dispatcher, tracker, domain)
        ):
            return denied  # 我没说要投诉啊 我就问问…: out at once (players' p4-010)
        stop = await self._stop_first(dispatcher, tracker, domain)
        if stop is not None:
            return stop
        text = latest_text(tracker)
        measure = _measure_not_complain(dispatcher, tracker)
        if measure is not None:
            return measure  # 投诉先不弄了 你们先派人来量量温度吧: the 测温, not a repair
        if not_a_complaint(text) and asks_for_repair(text):
            # 也不是投诉谁 就想赶紧来人给修好: they want a fitter, not a complaint ticket
            said = resident_words(tracker, {"file_complaint"}, "complaint_form")
            fault = fault_type_of(said)
            dispatcher.utter_message(response="utter_form_switched")
            return [
                *leave_form(tracker),
                *([SlotSet("fault_type", fault)] if fault else []),
                FollowupAction("repair_form"),
            ]
        if not any(
            e.get("event") == "bot"
            and (e.get("metadata") or {}).get("utter_action") in (APOLOGY, COMPLAINT_SORRY)
            for e in tracker.events
        ):
            dispatcher.utter_message(response=COMPLAINT_SORRY)
        if wants_someone_in_charge(text) and not _offered_a_person(tracker):
            # 我要找你们领导: a person is what was asked; the complaint form is one way, a
            # person now is the other (a button, 转人工 typed works too)
            dispatcher.utter_message(
                response=PERSON_TOO, buttons=[{"title": "转人工", "payload": "/request_human"}]
            )
        told = any(m.get("response") == "utter_outage_found" for m in dispatcher.messages)
        if not told and (fault_type_of(text) == "no_heat" or parse_room_reading(text) is not None):
            await tell_stop_once(dispatcher, tracker)
        demand = tracker.get_slot("requested_slot") == READ_BACK_SLOT and demands_an_answer(text)
        if demand:
            # 你们除了道歉还能干什么？给我个说法 at the list: what follows the filing; the list is
            # not read again, a short reminder asks for the yes (action_ask_details_confirmed)
            tell_complaint_deadlines(dispatcher)
        else:
            await answer_side_questions(dispatcher, tracker)
        events = await FormValidationAction.run(self, dispatcher, tracker, domain)
        if demand and not any(e.get("name") == READ_BACK_SLOT for e in events):
            # a slot event keeps the form, which the complaint's reading would make reject it
            events = [*events, SlotSet(READ_BACK_SLOT, None)]
        # a third ask of the same question says how else to get it done, as in every form
        offer_way_out(dispatcher, tracker, events)
        return events

    async def _stop_first(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType] | None:
        """A complaint that is only a cold home (暖气到底啥时候来 … 我要投诉; 早上起来家里就冰凉
        交了钱就这服务？) where heating is stopped: sorry, the stop with its restore time, and
        whether to complain still, as a repair is offered after a stop; the form ends there
        (`COMPLAINT_AFTER_OUTAGE`, `answer_complaint_offer` takes the answer). The resident
        wanted to know why and until when: a complaint filed for them had to be cancelled (the
        writers' hax-003), and the season's dates answered a burst main (the players' p3-067). A
        complaint of what the stop does not answer (nobody was told) is filed as asked. None to
        go on with the form."""
        if tracker.get_slot("requested_slot") not in (None, *STORY_SLOTS):
            return None
        text = latest_text(tracker)
        if not stop_answers_complaint(text) or not await stopped_where_they_live(tracker):
            return None
        apologise_once(dispatcher, tracker, "utter_apology_outage", owed=True)
        stop = await stop_before_booking(
            dispatcher,
            tracker,
            COMPLAINT_OUTAGE_OFFER,
            COMPLAINT_AFTER_OUTAGE,
            # 暖气到底啥时候来 is answered by the stop, not by the season's dates
            beside=None
            if asks_when_heat_returns(text)
            else (lambda: answer_side_questions(dispatcher, tracker)),
        )
        return stop

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        """The address only when the complaint does not say where, and no bound or verified
        account does: a complaint is routed and counted by community."""
        slots = await super().required_slots(domain_slots, dispatcher, tracker, domain)
        if tracker.get_slot("address") is None and await _complaint_community(tracker):
            return [s for s in slots if s != "address"]
        return slots

    async def extract_complaint_text(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Take a complaint that already says what happened as its description: the message that
        started it, or a detailed answer to the category question (residents answer 哪方面 with
        the whole story). A menu click or keyword code (`/file_complaint`) says nothing, so the
        form asks. What is kept is the message as the resident wrote it (三天, ，), not the
        pipeline's canonical text (3天, ,) that the checks read: staff read the account."""
        text = latest_text(tracker)
        words = latest_user_text(tracker.events) or text
        intent = tracker.get_intent_of_latest_message()
        held = tracker.get_slot("complaint_text")
        if tracker.get_slot("requested_slot") == READ_BACK_SLOT:
            # 内容改成：幸福里停暖没有提前通知居民 / 我投诉的是停暖不通知 不是室温
            _, account = complaint_change(text)
            if account:
                return {"complaint_text": account}
            # 不是我家暖气坏了，是楼下机器的声音。请记录投诉: filed, with the clarification
            note = files_with_a_note(words)
            if note and held and note not in str(held):
                return {"complaint_text": f"{held}；{note}"}
            return {}
        known = await read_db(known_communities)
        if held:
            question = tracker.get_slot("requested_slot")
            beside = complaint_words(words, known)
            if question in ("address", "phone") and beside and beside != words.strip():
                # 和平里2号楼3单元602，暖气一直不热，打电话也没人管 where the address was asked: the
                # address is the address, the words beside it are more of the complaint
                if beside in str(held):
                    return {}
                return {"complaint_text": f"{held}；{beside}"}
            if question != READ_BACK_SLOT and tells_more_of_complaint(intent, text, question):
                # 晚上黑咕隆咚嘞 我差点掉进去 while the address is asked: more of the complaint,
                # read as a repair request; it goes with the account and the question comes again
                dispatcher.utter_message(response="utter_noted")
                return {"complaint_text": f"{held}；{words}"}
            return {}
        starts = intent == "file_complaint"
        if starts and not _is_detailed(text) and (before := _told_before(tracker, known)):
            # 投诉他 after 我家楼下的邻居把暖气管改了，导致我们家不热: the story is the complaint
            return {"complaint_text": f"{before}；{words}"}
        if _story_for_the_category(tracker) and not complaint_words(text, known):
            return {}  # an address at 哪方面 is where, not what happened
        # 我要投诉你们通知不到位: a matter named is the account too, not a reason to ask 哪方面
        named = starts and complaint_matter(text) is not None
        if (starts or _story_for_the_category(tracker)) and (_is_detailed(text) or named):
            return {"complaint_text": words}
        if requested(tracker, "complaint_text") and tells_more_of_complaint(
            intent, text, "complaint_text"
        ):
            # 商铺已报停未用暖气，却收到催费和滞纳金短信: read as a fee question, it is the account
            # asked for (bot.nlu.form_answer_policy sends it here instead of to the knowledge base)
            return {"complaint_text": words}
        return {}

    async def extract_complaint_category(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Infer the category from the complaint's words when they say it. A story told in
        answer to the category question is a category too (其他 when no word says which),
        whatever intent it was read as: asking 哪方面 again would trap a resident who already
        said what happened."""
        if tracker.get_slot("requested_slot") == READ_BACK_SLOT:
            category, _ = complaint_change(latest_text(tracker))  # 类别改成服务问题
            return {"complaint_category": category} if category else {}
        if tracker.get_slot("complaint_category"):
            return {}
        text = latest_text(tracker)
        known = await read_db(known_communities)
        if not complaint_words(text, known):
            # 和平里10号楼2单元101 where the category or the account was asked: where, not what;
            # the category is what the complaint said before, else the question comes again
            said = _account_so_far(tracker, known)
            category = complaint_category_of(said) if said else None
            return {"complaint_category": category}
        before = _told_before(tracker, known)
        category = complaint_category_of(f"{before} {text}" if before else text)
        starts = tracker.get_intent_of_latest_message() == "file_complaint"
        if category is None and (
            (starts and complaint_matter(text) is not None)
            or (_story_for_the_category(tracker) and _is_detailed(text, 4))
        ):
            # 停热不通知 / 物业推给你们 at 哪方面, 我要投诉你们通知不到位 to start: a matter named
            # is the answer (其他); asked again it was "好的，记下了" and the same question until
            # the resident gave up
            category = "其他"
        return {"complaint_category": category} if category else {}

    async def validate_complaint_category(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Any answer is a category: an unrecognised one is 其他 with the words kept as text. An
        address alone is no answer: the category of what was said before, else asked again."""
        said = str(value or "")
        if said not in CATEGORIES and not complaint_words(said, await read_db(known_communities)):
            account = _account_so_far(tracker, await read_db(known_communities))
            return {"complaint_category": complaint_category_of(account) if account else None}
        return {"complaint_category": complaint_category_of(said) or "其他"}

    async def validate_complaint_text(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Keep what the user said as plain text (up to the limit; it is read back and goes into
        the ticket); a bare 嗯 is not a description. The address or phone sent where the account
        was asked is not the account (你们收费太贵了，我要投诉 then 和平里10号楼2单元101 was filed
        with the address as its content): the words said before are, else it is asked again; the
        words that opened the complaint stay in front of an account told after them."""
        known = await read_db(known_communities)
        text = plain_text(str(value or ""))
        words = complaint_words(text, known)
        if not words:
            account = _account_so_far(tracker, known)
            if account:
                return {"complaint_text": account[:MAX_DESCRIPTION]}
            dispatcher.utter_message(response="utter_ask_complaint_text")
            return {"complaint_text": None}
        text = words  # the address and phone beside the account are kept in their own fields
        if sum(ch.isalnum() for ch in text) < 2:
            dispatcher.utter_message(response="utter_ask_complaint_text")
            return {"complaint_text": None}
        opened = _account_so_far(tracker, known)
        if opened and requested(tracker, "complaint_text") and opened not in text:
            text = f"{opened}；{text}"
        return {"complaint_text": text[:MAX_DESCRIPTION]}


async def answer_complaint_offer(
    dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict, yes: bool
) -> list[EventType]:
    """The answer to "您现在仍要登记投诉吗？" after the stop was told (`COMPLAINT_AFTER_OUTAGE`): a
    yes files the complaint told, its account and category taken from the message that made it
    (not asked again); anything that gives it up or waits for the heat (行 那我就等到晚上吧 不用派
    人来了: a 行 the classifier hears as a yes, or a cancellation of nothing filed) files nothing
    and says so, and a question of when the heat comes is answered by the stop."""
    text = latest_text(tracker)
    if yes and not (withdraws(text) or declines_visit(text)):
        told = opening_text(tracker, {"file_complaint"}, "complaint_form")
        account = complaint_words(told, await read_db(known_communities))
        category = complaint_category_of(to_canonical(told))
        return [
            *([SlotSet("complaint_text", account[:MAX_DESCRIPTION])] if account else []),
            *([SlotSet("complaint_category", category)] if category else []),
            FollowupAction("complaint_form"),
        ]
    dispatcher.utter_message(response=COMPLAINT_OUTAGE_DECLINED)
    if asks_when_heat_returns(text) and await community_of(tracker):
        return await ActionQueryOutage().run(dispatcher, tracker, domain)
    return []


def _told_before(tracker: Tracker, known: list[str]) -> str:
    """投诉他 / 我要投诉这事 that opens a complaint right after the resident told what happened
    (我家楼下的邻居把暖气管改了，导致我们家不热，你们管不管, taken for a repair): that message's
    words, the story of the complaint; "" when the complaint's own message tells it, or the
    message before tells nothing."""
    if tracker.get_intent_of_latest_message() != "file_complaint" or _is_detailed(
        latest_text(tracker)
    ):
        return ""
    users = [str(e.get("text") or "") for e in tracker.events if e.get("event") == "user"]
    if len(users) < 2 or is_payload(users[-2]):
        return ""
    words = complaint_words(users[-2], known)
    return words if _is_detailed(words) else ""


def _account_so_far(tracker: Tracker, known: list[str]) -> str:
    """What the complaint said before this message: the account held, else the words of the
    message that opened it when they tell something (你们收费太贵了，我要投诉), else the story
    told just before it (`_told_before` at that turn); "" when nothing was told."""
    held = value_before_this_message(tracker, "complaint_text")
    if held:
        return str(held)
    opened = latest_text_of_intent(tracker, {"file_complaint"}) or ""
    if opened and opened != latest_text(tracker) and _is_detailed(opened, 3):
        return complaint_words(opened, known) or opened
    return ""


def _story_for_the_category(tracker: Tracker) -> bool:
    """Whether the latest message answers the category question with something to record
    (`STORY_INTENTS`), not with another request. A statement read as something else (停暖没有
    提前通知 reads as an outage question) is the story too; a question or a way out is not."""
    if not requested(tracker, "complaint_category"):
        return False
    intent = tracker.get_intent_of_latest_message()
    if intent in STORY_INTENTS:
        return True
    return intent not in LEAVING_INTENTS and not _QUESTION.search(latest_text(tracker))


def story_told(tracker: Tracker) -> list[EventType] | None:
    """The complaint's own question answered with a "no" that is the story (停热不通知, 不给修还
    不接电话: read as `deny`, it got "好的，记下了" and the same question again): the answer is
    kept (a category from its words, 其他 when none say which; or the description) and the form
    goes on. None for any other message, or a bare 不 / 不是."""
    asked = tracker.get_slot("requested_slot")
    text = latest_text(tracker)
    if tracker.active_loop.get("name") != "complaint_form" or asked not in STORY_SLOTS:
        return None
    if not _is_detailed(text, 4) or withdraws(text):
        return None
    value = (complaint_category_of(text) or "其他") if asked == "complaint_category" else text
    # the stop rule closed the form before this action ran: open it again, the answer kept
    form = "complaint_form"
    return [ActiveLoop(form), SlotSet(str(asked), value), FollowupAction(form)]


def tell_complaint_deadlines(dispatcher: CollectingDispatcher) -> None:
    """What follows a complaint's filing, by the policy: when the company calls, acknowledges and
    answers (那恁们多咱给俺回话, 给我个说法)."""
    rules = policy()
    dispatcher.utter_message(
        response="utter_complaint_deadlines",
        reply_hours=f"{rules.response.first_reply_hours:g}",
        ack_hours=f"{rules.complaint.acknowledge_hours:g}",
        close_hours=f"{rules.complaint.close_hours:g}",
    )


def _is_detailed(text: str, minimum: int = 8) -> bool:
    """A complaint message longer than a bare 我要投诉 already describes what happened (a
    payload never does); at the category question a shorter answer (`minimum` 4: 停热不通知)
    names the matter, and a bare 好的 / 嗯嗯 does not."""
    if is_payload(text) or yes_no_answer(text) is not None or _ACKNOWLEDGED.fullmatch(text.strip()):
        return False
    core = text
    for filler in ("我要投诉", "我想投诉", "投诉", "你们", "我要", "！", "!", "，", ","):
        core = core.replace(filler, "")
    return len(core) >= minimum


#: An acknowledgement that names no matter (好的好的, 嗯嗯, 知道了, 谢谢).
_ACKNOWLEDGED = re.compile(r"(?:好的?|嗯+|哦+|行|知道了|明白了?|谢谢(?:你|您)?|收到)+[。.!！~～]*")


async def _complaint_community(tracker: Tracker) -> str | None:
    """The community a complaint is about: named in the complaint or the message that started
    it, else where the resident lives (`community_of`). The quality report counts complaints by
    community, and the duty manager routes them by it."""
    known = await read_db(known_communities)
    started_by = latest_text_of_intent(tracker, {"file_complaint"})
    for text in (tracker.get_slot("complaint_text"), started_by, tracker.get_slot("address")):
        if text and (named := match_community(str(text), known)):
            return named
    return await community_of(tracker)


class ActionSubmitComplaint(Action):
    """Opens the complaint ticket and tells the user the acknowledgement and closing deadlines."""

    def name(self) -> str:
        """The action's name, as in domain.yml."""
        return "action_submit_complaint"

    @guarded_ticket
    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Create the TS ticket, with the community it concerns, and confirm it."""
        if not confirmed_or_not_needed(tracker):
            return []
        category = category_kept(tracker.get_slot("complaint_category"))
        address = tracker.get_slot("address")
        home = await address_parts(address)  # the address read back is the address kept
        draft = TicketDraft(
            community=await _complaint_community(tracker),
            address=address,
            building=home["building"],
            unit=home["unit"],
            room=home["room"],
            kind="TS",
            channel=channel_of(tracker),
            sender_id=tracker.sender_id,
            dedup_key=message_key(tracker, "TS"),
            account_no=await sender_account(tracker),
            phone=tracker.get_slot("phone"),
            category=category,
            # the account read back is the account filed; the resident's words otherwise
            description=with_second_number(
                str(tracker.get_slot("complaint_text") or "")
                or resident_words(tracker, {"file_complaint"}, "complaint_form"),
                tracker,
            )[:MAX_DESCRIPTION],
        )
        ticket = await in_db(ticket_service.open_ticket, policy(), draft, clock.now())
        dispatcher.utter_message(
            response="utter_complaint_created",
            ticket_no=ticket.ticket_no,
            category=category,
            ack=clock.format_due(ticket.first_reply_due),
            close=clock.format_due(ticket.resolve_due),
            # the hours too: residents check the promise (24/48 小时), not only the clock time
            reply_hours=f"{policy().response.first_reply_hours:g}",
            close_hours=f"{policy().complaint.close_hours:g}",
        )
        return [
            SlotSet("complaint_category", None),
            SlotSet("complaint_text", None),
            SlotSet(READ_BACK_SLOT, None),
            *await _offer_the_other_request(dispatcher, tracker, "file_complaint"),
        ]


async def _offer_the_other_request(
    dispatcher: CollectingDispatcher, tracker: Tracker, done: str
) -> list[EventType]:
    """The second request of the message that started this one (`offer_second_request`); a
    repair where heating is stopped is offered as after a stop (幸福里这破暖气又不热了 我要投诉)."""
    form = {"request_temp_check": "temp_check_form", "file_complaint": "complaint_form"}[done]
    started_by = opening_text(tracker, {done}, form)
    stopped = await stopped_where_they_live(tracker)
    also: tuple[str, ...] = ()
    # 交了钱暖气还是凉的，投诉！: the complaint is filed, and the cold home still wants a fitter;
    # where heating is stopped (told: no fitter can help before it ends) only when the cold was
    # said with the complaint (幸福里这破暖气又不热了 我要投诉), and as after the stop
    cold_said = complains(started_by) and fault_type_of(started_by) is not None
    if done == "file_complaint" and _complains_of_cold(tracker) and (not stopped or cold_said):
        also = ("report_repair",)
    if not_the_homes_fault(latest_text(tracker)):
        # 不是我家暖气坏了，是楼下机器的声音。请记录投诉 (hax-028): the resident has just said what
        # they want, and it is no fitter; the repair read from the noise is not offered
        return []
    stopped = stopped and ("report_repair" in requests_in(started_by) or bool(also))
    return offer_second_request(dispatcher, tracker, {done}, started_by, stopped=stopped, also=also)


def _complains_of_cold(tracker: Tracker) -> bool:
    """Whether the complaint just filed is that the home is cold (its category): a repair is
    offered beside it (players' class F). A cold named in the story of another grievance (上周四
    打热线想问问暖气为什么时冷时热，接电话的小伙子把电话挂了: the hotline's manners) is background,
    not the complaint: the repair offered after it filed a BX on the resident's 是的 (hail-x
    hax-026), and the refund complaint's resident heard 您刚才还提到要报修 (players' p3-084)."""
    return category_kept(tracker.get_slot("complaint_category")) == "室温不达标"
