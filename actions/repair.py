"""Repair booking (入户服务): fault, address, phone and visit window, then a ticket.

A leak or burst pipe does not wait for the form: the ticket opens the moment the fault is known,
the user is told what to do now, and the form then only completes the ticket's address and phone.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.building_fault import BUILDING_NOTE, building_fault_said, tell_building_fault_once
from actions.common import (
    AFTER_OUTAGE,
    APOLOGY,
    NO_PHONE_VISIT,
    OUTAGE_DECLINED,
    OUTAGE_OFFER,
    PLAIN_APOLOGY,
    REPAIR_FILED,
    STOP_OFFERS,
    ContactSlots,
    address_parts,
    apologise_once,
    bot_said_within,
    channel_of,
    fresh_pending,
    guarded,
    guarded_ticket,
    in_db,
    is_payload,
    latest_intent,
    latest_text,
    leave_form,
    message_key,
    offer_made_this_turn,
    offer_person_once,
    offer_second_request,
    offer_way_out,
    opening_text,
    policy,
    read_db,
    resident_words,
    said_no_phone,
    sender_account,
    sender_phone,
    value_before_this_message,
    visit_without_phone,
    window_of,
    with_second_number,
)
from actions.denials import denial_ends_form
from actions.emergency import complete_urgent, tell_urgent_completed
from actions.emergency_elsewhere import emergency_elsewhere
from actions.false_alarm import no_leak_after_all
from actions.leak_can_wait import SLOT as LEAK_SLOT
from actions.leak_can_wait import leak_made_ordinary, seep_described, still_ordinary
from actions.outage import (
    ActionQueryOutage,
    home_not_served,
    stop_before_booking,
    tell_stop_once,
    tell_stops_for_booking,
)
from actions.readback import SLOT as READ_BACK_SLOT
from actions.readback import ReadBackSlot, confirmed_or_not_needed, withdrawn_at_read_back
from actions.side_questions import answer_side_questions, follow_up_instead
from actions.tickets import CANCEL_PREFIX, status_detail
from actions.urgent_tickets import refuse_urgent_cancel
from bot.base import clock
from bot.nlu.address import Address, parse_address
from bot.nlu.emergency import only_discounted
from bot.nlu.faults import fault_type_of, is_urgent, leak_only_feared, ticket_fault
from bot.nlu.leak_can_wait import says_leak_can_wait
from bot.nlu.requests import DECLINED_VISIT, asks_for_measurement, calls_off
from bot.privacy import mask_phone
from bot.services import tickets as ticket_service
from bot.services.outages import known_communities
from bot.services.tickets import TicketView
from bot.store.tickets import TicketDraft

logger = logging.getLogger(__name__)

FAULT_TYPES = frozenset(ticket_service.FAULT_NAMES)




class ValidateRepairForm(ContactSlots, ReadBackSlot, FormValidationAction):
    """Fills and checks the repair form; opens the urgent ticket for a leak at once; tells a
    cold radiator in a community whose heating is stopped about the stop before booking."""

    def name(self) -> str:
        """The form validation action's name, as in domain.yml."""
        return "validate_repair_form"

    @guarded
    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """The stop first: a resident of a community with a stop under way whose radiator is
        cold is told about it and asked whether to book anyway (once per conversation), and the
        form ends without a ticket (`ActionSubmitRepair` sees the offer); anything else, the
        form as usual; an upset resident hears an apology first."""
        withdrawn = await withdrawn_at_read_back(dispatcher, tracker)
        if withdrawn is not None:
            return withdrawn
        if urgent := tracker.get_slot("urgent_ticket_no"):
            # 我是万科城的 你们不管是吧 after the urgent path: not ours, its ticket withdrawn
            elsewhere = await emergency_elsewhere(dispatcher, tracker, str(urgent))
            if elsewhere is not None:
                return elsewhere
        not_ours = await home_not_served(dispatcher, tracker)
        if not_ours is not None:
            return not_ours  # 碧桂园3号楼1单元201: no fitter of ours goes there
        declined = await declined_booking(dispatcher, tracker, domain)
        if declined is not None:
            return declined
        if tracker.get_slot("requested_slot") and (
            denied := await denial_ends_form(dispatcher, tracker, domain)
        ):
            return denied  # 我没说要报修 / 先自己放放气 先不约了 (players' p4-059, p4-077)
        measure = measure_instead(dispatcher, tracker)
        if measure is not None:
            return measure
        if (follow_up := follow_up_instead(dispatcher, tracker)) is not None:
            return follow_up  # 要钱吗 right after the 开栓 answer: what it costs, no booking
        # a leak that can wait is no cold home: its resident is not told sorry for 受冻
        waiting = not tracker.get_slot("urgent_ticket_no") or says_leak_can_wait(
            latest_text(tracker)
        )
        leak = tracker.get_slot("fault_type") == "leak" and waiting
        apologise_once(dispatcher, tracker, PLAIN_APOLOGY if leak else APOLOGY)
        offer_person_once(dispatcher, tracker)
        said = str(tracker.get_slot("fault_type") or latest_text(tracker))
        fault = said if said in FAULT_TYPES else fault_type_of(said)
        if starting(tracker) and not is_urgent(fault) and not tracker.get_slot("urgent_ticket_no"):
            already = await open_repair_meant(tracker)
            if already is not None:
                return await tell_open_repair(dispatcher, tracker, already)
        # 就滴几滴 不紧急 after the urgent path: the urgent ticket is an ordinary leak repair now
        waits = await leak_made_ordinary(dispatcher, tracker)
        if waits is None and says_leak_can_wait(latest_text(tracker)):
            waits = still_ordinary(dispatcher, tracker)  # 我说了不紧急 again: no address
        if waits is not None:
            return waits
        corrected = await no_leak_after_all(dispatcher, tracker)  # 不漏水，就是把手断了
        if (urgent := tracker.get_slot("urgent_ticket_no")) and calls_off(latest_text(tracker)):
            # 看错了 暖气没漏 不用来人了: the urgent ticket cannot be withdrawn by chat; the wish
            # goes on it, and the form stops asking for an address (player findings 5, class B)
            refused = await refuse_urgent_cancel(dispatcher, tracker, str(urgent))
            return [*leave_form(tracker), *refused]
        if tracker.get_slot("urgent_ticket_no"):
            # someone unwell in a cold home: the urgent ticket stands, and the stop where they
            # live is told once the address says where (it is why the radiator is cold)
            await tell_stop_once(dispatcher, tracker)
        elif fault in (None, "no_heat"):
            stop = await stop_before_booking(
                dispatcher,
                tracker,
                OUTAGE_OFFER,
                AFTER_OUTAGE,
                beside=lambda: answer_side_questions(dispatcher, tracker),
            )
            if stop is not None:
                return [*stop, SlotSet("fault_type", None)]
            # 我们整栋楼都不热 where nothing is stopped: the building's fault, the duty line
            tell_building_fault_once(dispatcher, tracker)
        await answer_side_questions(dispatcher, tracker)
        events = await FormValidationAction.run(self, dispatcher, tracker, domain)
        await tell_stops_for_booking(dispatcher, tracker, events)
        offer_way_out(dispatcher, tracker, events)
        events += await _complete_urgent_now(dispatcher, tracker, events)
        await _note_no_phone_once(dispatcher, tracker)
        return [*corrected, *events]

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        """An urgent ticket needs no visit window: someone comes at once (the message that
        named the leak may also name a valve, and the form takes that fault from it: the window
        asked for then was ignored). A leak the resident says can wait (一分钟滴一滴 不着急 明天
        下午来就行: no urgent ticket) is booked like any repair, in the window they gave; it was
        filed for "尽快" and their afternoon dropped."""
        slots = await super().required_slots(domain_slots, dispatcher, tracker, domain)
        if visit_without_phone(tracker):
            # 我没手机 家里也没装电话 (players' p4-080), a phone refused twice (dev haw-037): the
            # crew or the fitter goes straight to the address
            slots = [s for s in slots if s != "phone"]
        if tracker.get_slot("urgent_ticket_no") or building_fault_said(tracker):
            # a whole building cold: the dispatcher sends someone to the building now
            return [s for s in slots if s != "visit_time"]
        return slots

    async def extract_fault_type(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Read the fault from the words of the message when no entity named it; a request that
        names none (我家有老人 能不能先派人来看看) takes the fault the resident told a few messages
        before (幸福里 暖气一点都不热了, then the stop was told), instead of asking again."""
        if tracker.get_slot("fault_type") is not None:
            return {}
        fault = fault_type_of(latest_text(tracker))
        if fault is None and starting(tracker):
            fault = fault_told_before(tracker)
        return {"fault_type": fault} if fault else {}

    async def validate_fault_type(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Map the fault to the contract's values; a leak opens its urgent ticket now."""
        text = str(value or "")
        fault = text if text in FAULT_TYPES else fault_type_of(text)
        if fault is None:
            if sum(ch.isalnum() for ch in text) < 2:
                dispatcher.utter_message(response="utter_invalid_fault_type")
                return {"fault_type": None}
            fault = "other"
        if fault == "leak" and leak_only_feared(latest_text(tracker)):
            # 阀门拧不动…怕弄坏了漏水: the leak is feared; the valve is the fault (hail-x hax-007)
            fault = fault_type_of(latest_text(tracker)) or "other"
        fault = ticket_fault(fault, latest_text(tracker)) or fault
        held = value_before_this_message(tracker, "fault_type")
        if _keeps_the_fault_told(tracker, held, fault):
            # 试了 那个小阀门拧不动 after the venting advice: how the resident's own try went, not
            # another fault; the radiator still has air in it
            return {"fault_type": held}
        slots: dict[str, Any] = {"fault_type": fault}
        # 万一漏水怎么办 names a leak but reports none: no urgent ticket, nobody paged
        hypothetical = only_discounted(latest_text(tracker))
        # a leak said to wait, or the button 漏水/跑水 after a seep was described: no page
        can_wait = bool(tracker.get_slot(LEAK_SLOT)) or seep_described(tracker)
        if (
            is_urgent(fault)
            and not tracker.get_slot("urgent_ticket_no")
            and not hypothetical
            and not can_wait
        ):
            ticket = await in_db(
                ticket_service.open_ticket,
                policy(),
                _draft(
                    tracker,
                    fault,
                    urgent=True,
                    account_no=await sender_account(tracker),
                    phone=sender_phone(tracker),
                ),
                clock.now(),
            )
            dispatcher.utter_message(
                response="utter_leak_urgent",
                ticket_no=ticket.ticket_no,
                duty_phone=policy().emergency.duty_phone,
            )
            if policy().leak.alert_human:  # Tianjin's policy pages nobody: say so only where true
                dispatcher.utter_message(response="utter_emergency_alerted")
            slots["urgent_ticket_no"] = ticket.ticket_no
        return slots


#: How many of the resident's messages back a fault told still describes the request.
FAULT_TOLD_MESSAGES = 5


def fault_told_before(tracker: Tracker) -> str | None:
    """The fault the resident told in one of their last `FAULT_TOLD_MESSAGES` messages before the
    latest, since the conversation last filed a repair: the request now is for that fault. Not
    an urgent fault (a leak told before had its own urgent answer then), and not a fault told
    only as a hypothesis (万一漏水怎么办)."""
    seen = 0
    for event in reversed(tracker.events):
        if event.get("event") == "bot":
            if (event.get("metadata") or {}).get("utter_action") in REPAIR_FILED:
                return None
            continue
        if event.get("event") != "user":
            continue
        seen += 1
        if seen == 1:
            continue  # the latest message, read already
        if seen > FAULT_TOLD_MESSAGES + 1:
            return None
        text = str(event.get("text") or "")
        if is_payload(text) or only_discounted(text):
            continue
        fault = fault_type_of(text)
        if fault is not None:
            return None if is_urgent(fault) else fault
    return None


#: Words that correct the fault told before (不是漏水 是阀门坏了, 说错了, 其实是).
_CORRECTING = re.compile(r"不是|不对|错了|说错|其实是|准确(地)?说|应该是|改成")


def _keeps_the_fault_told(tracker: Tracker, held: Any, fault: str) -> bool:
    """Whether the form keeps the fault the resident came with (`held`, a specific one) over
    `fault` read from a later message that was not asked for it and corrects nothing: a part
    named in telling how a try went (小阀门拧不动) or a second symptom. A leak always counts
    (it is urgent), and a vague fault (其他) gives way to a specific one."""
    if held not in FAULT_TYPES or held in ("other", fault) or is_urgent(fault):
        return False
    if tracker.get_slot("requested_slot") == "fault_type":
        return False
    if latest_intent(tracker) == "correct_info":
        return False
    return _CORRECTING.search(latest_text(tracker)) is None


def measure_instead(
    dispatcher: CollectingDispatcher, tracker: Tracker
) -> list[EventType] | None:
    """能不能来个人给量量 while the repair form asks: the resident wants the room measured (a 测温
    visit, whose result decides a refund), not a fitter; 屋里太冷 alone opened the repair form. The
    form hands over to the 测温 form, which keeps the address and phone already given. None when
    the message asks for no measurement, or an urgent ticket is open (a leak is not dropped)."""
    if not tracker.get_slot("requested_slot") or tracker.get_slot("urgent_ticket_no"):
        return None
    if not asks_for_measurement(latest_text(tracker)):
        return None
    dispatcher.utter_message(response="utter_switch_to_temp_check")
    # the 测温 form asks the unanswered question again: a third ask in a row says the other ways
    # first (the free-text mapping has put this message in the slot, so the count decides)
    offer_way_out(dispatcher, tracker, [])
    return [*leave_form(tracker), FollowupAction("temp_check_form")]


#: 不用报修，我就问怎么自己放气 / 俺是问问，现在不报修 / 俺不修！: the resident asked about a fault,
#: and the form that their words opened is not what they want (还不修 / 怎么不修 is impatience).
NOT_BOOKING = DECLINED_VISIT


async def declined_booking(
    dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
) -> list[EventType] | None:
    """The form's end when the resident says, while it asks, that they want no booking (asking
    again was a trap: the way out was only 算了); a question in the same message
    (怎么自己放气) is answered in the same turn. None when they did not say so, or an urgent
    ticket is open (a leak is not withdrawn in passing: `action_stop_form` says how)."""
    if not tracker.get_slot("requested_slot") or tracker.get_slot("urgent_ticket_no"):
        return None
    if NOT_BOOKING.search(latest_text(tracker)) is None:
        return None
    left = leave_form(tracker)
    intent = latest_intent(tracker) or ""
    if intent in OTHER_REQUESTS:  # 算了 别报修了 … 我要投诉你们维修的
        dispatcher.utter_message(response="utter_form_switched")
        return [*left, FollowupAction(OTHER_REQUESTS[intent])]
    if intent not in ("faq", "query_outage"):
        # 那好吧，恢复后还不热再说 after the stop was told: no booking, and heat is what they wait
        # for (players' B: asked the phone again)
        after_stop = bot_said_within(tracker, STOP_OFFERS, _STOP_OFFER_MESSAGES)
        dispatcher.utter_message(response=OUTAGE_DECLINED if after_stop else "utter_form_stopped")
        return left
    dispatcher.utter_message(response="utter_not_booking")
    # answered here rather than by a follow-up action: after the form no rule would listen
    # next, and the core fallback would ask to rephrase the question just answered
    if intent == "query_outage":  # 你们是不是过几天要检修？那我等检修完再看吧 先不报了
        return [*left, *await ActionQueryOutage().run(dispatcher, tracker, domain)]
    from actions.conversation import ActionAnswerFaq  # conversation imports this module

    return [*left, *await ActionAnswerFaq().run(dispatcher, tracker, domain)]


#: How many of the resident's messages back an offer after a stop makes a no to the booking
#: the no to that offer.
_STOP_OFFER_MESSAGES = 6


#: Requests that a "no booking" inside the repair form may make instead, and their forms.
OTHER_REQUESTS = {
    "request_temp_check": "temp_check_form",
    "file_complaint": "complaint_form",
    "query_fee": "verify_form",
    "bind_account": "verify_form",
    "apply_stop_heating": "verify_form",
}


#: The offer made to a resident who reports again what an open repair ticket of theirs is for:
#: `open_repair:<ticket_no>`; yes chases that ticket.
OPEN_REPAIR = "open_repair:"
#: Repair tickets still waiting for, or getting, their visit.
OPEN_STATUSES = frozenset({"new", "assigned", "in_progress"})


def starting(tracker: Tracker) -> bool:
    """Whether the repair form is taking a new request now (it has asked nothing yet)."""
    return not tracker.get_slot("requested_slot") and not tracker.get_slot(READ_BACK_SLOT)


async def open_repair_meant(tracker: Tracker) -> TicketView | None:
    """The sender's open repair ticket a new repair request is about: the newest one at the
    address the request names, or at any address when it names none (a household reports from
    its own home). A request naming another address is a new repair."""
    own = await read_db(ticket_service.own_tickets, channel_of(tracker), tracker.sender_id, 10)
    repairs = [t for t in own if t.kind == "BX" and t.status in OPEN_STATUSES]
    if not repairs:
        return None
    communities = await read_db(known_communities)
    named = parse_address(str(tracker.get_slot("address") or ""), communities)
    if not named.is_usable:
        return repairs[0]
    return next(
        (t for t in repairs if same_home(named, parse_address(t.address or "", communities))),
        None,
    )


def same_home(one: Address, other: Address) -> bool:
    """Whether two addresses can be the same flat: no part that both name differs."""
    if not other.is_usable:
        return True
    pairs = (
        (one.community, other.community),
        (one.building, other.building),
        (one.unit, other.unit),
        (one.room, other.room),
    )
    return all(a == b for a, b in pairs if a and b)


async def tell_open_repair(
    dispatcher: CollectingDispatcher, tracker: Tracker, ticket: TicketView
) -> list[EventType]:
    """No second ticket for one fault: say the open ticket's number, status and visit window,
    add what the resident just said to it (the dispatcher reads it there), and offer to chase
    it or put them through to a person. The form ends without a ticket (`ActionSubmitRepair`
    sees the offer)."""
    words = latest_text(tracker)
    if words and not is_payload(words):
        await in_db(
            ticket_service.note_on_ticket,
            ticket.ticket_no,
            channel_of(tracker),
            tracker.sender_id,
            clock.now(),
            words,
        )
    if fresh_pending(tracker) == f"{CANCEL_PREFIX}{ticket.ticket_no}":
        dispatcher.utter_message(response="utter_ticket_kept", ticket_no=ticket.ticket_no)
    dispatcher.utter_message(
        response="utter_open_repair",
        ticket_no=ticket.ticket_no,
        status=ticket.status_name,
        detail=status_detail(ticket),
    )
    return [
        SlotSet("requested_slot", None),
        SlotSet("fault_type", None),
        SlotSet("visit_time", None),
        SlotSet("pending", f"{OPEN_REPAIR}{ticket.ticket_no}"),
    ]


#: The note an urgent ticket gets when the resident has no phone at all.
NO_PHONE_NOTE = "无联系电话：居民没有手机和座机，抢修人员直接上门"


async def _note_no_phone_once(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """Note on the urgent ticket that there is no phone to call, and say so, once: the phone is
    not asked again (`required_slots`), and the resident knows the crew comes to the door."""
    number = tracker.get_slot("urgent_ticket_no")
    said_before = any(
        (e.get("metadata") or {}).get("utter_action") == "utter_no_phone_noted"
        for e in tracker.events
        if e.get("event") == "bot"
    )
    if not number or said_before or not said_no_phone(tracker):
        return
    await in_db(
        ticket_service.note_on_ticket,
        str(number),
        channel_of(tracker),
        tracker.sender_id,
        clock.now(),
        NO_PHONE_NOTE,
    )
    dispatcher.utter_message(response="utter_no_phone_noted", ticket_no=number)


async def _complete_urgent_now(
    dispatcher: CollectingDispatcher, tracker: Tracker, events: list[EventType]
) -> list[EventType]:
    """Write an address or phone the form just accepted into the urgent ticket at once: the
    duty team works from the ticket while the resident is still answering (it used to wait for
    the last answer), and a building known early joins its incident early. Only what the
    ticket lacks is filled; another home's address gets its own urgent ticket, which the form
    completes from then on (`complete_urgent`)."""
    number = tracker.get_slot("urgent_ticket_no")
    accepted = {
        e["name"]: e["value"]
        for e in events
        if e.get("event") == "slot" and e.get("name") in ("address", "phone") and e.get("value")
    }
    if not number or not accepted:
        return []
    parts = await address_parts(accepted["address"]) if "address" in accepted else {}
    done = await complete_urgent(dispatcher, tracker, str(number), **accepted, **parts)
    if done.ticket.ticket_no == number:
        return []
    return [SlotSet("urgent_ticket_no", done.ticket.ticket_no)]


def _draft(
    tracker: Tracker, fault: str, urgent: bool, account_no: str | None, **fields: Any
) -> TicketDraft:
    description = resident_words(tracker, {"report_repair"}, "repair_form") or (
        ticket_service.FAULT_NAMES.get(fault, fault)
    )
    if building_fault_said(tracker):
        description = f"{BUILDING_NOTE}{description}"
    return TicketDraft(
        kind="BX",
        channel=channel_of(tracker),
        sender_id=tracker.sender_id,
        dedup_key=message_key(tracker, "BX"),
        fault_type=fault,
        urgent=urgent,
        description=with_second_number(description, tracker)[:2000],
        account_no=account_no,
        **fields,
    )


async def _book_leak_visit(
    dispatcher: CollectingDispatcher, tracker: Tracker, number: str
) -> None:
    """Book the visit on the ordinary leak repair an urgent leak became
    (actions/leak_can_wait.py) and confirm it like any repair, with its own number."""
    address = tracker.get_slot("address")
    phone = tracker.get_slot("phone")
    window = window_of(tracker.get_slot("visit_time"))
    ticket = await in_db(
        ticket_service.book_visit,
        policy(),
        number,
        clock.now(),
        f"user:{channel_of(tracker)}",
        window[0] if window else None,
        window[1] if window else None,
        address=address,
        phone=phone,
        **await address_parts(address),
    )
    dispatcher.utter_message(
        response="utter_repair_created",
        ticket_no=ticket.ticket_no,
        fault=ticket_service.FAULT_NAMES.get("leak", "leak"),
        address=address,
        phone=mask_phone(phone),
        window=clock.format_window(*window) if window else "尽快",
        first_reply=clock.format_due(ticket.first_reply_due),
        resolve=clock.format_due(ticket.resolve_due),
    )


class ActionSubmitRepair(Action):
    """Creates the repair ticket (or completes the urgent one) and confirms it."""

    def name(self) -> str:
        """The action's name, as in domain.yml."""
        return "action_submit_repair"

    @guarded_ticket
    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Confirm with the ticket number, the visit window and the policy's deadlines (nothing
        when the form ended on the offer after a stop: the resident has not asked yet)."""
        offer = str(tracker.get_slot("pending") or "")
        offered_now = offer_made_this_turn(tracker)
        if (offer == AFTER_OUTAGE or offer.startswith(OPEN_REPAIR)) and offered_now:
            return []
        if not confirmed_or_not_needed(tracker):
            return []
        address = tracker.get_slot("address")
        phone = tracker.get_slot("phone")
        parts = await address_parts(address)
        now = clock.now()
        urgent_no = tracker.get_slot("urgent_ticket_no")
        if urgent_no:
            done = await complete_urgent(
                dispatcher, tracker, str(urgent_no), address=address, phone=phone, **parts
            )
            await tell_urgent_completed(dispatcher, tracker, done.ticket)
        elif tracker.get_slot(LEAK_SLOT):
            # an urgent leak said to wait: its ticket, now ordinary, gets the visit booked
            await _book_leak_visit(dispatcher, tracker, str(tracker.get_slot(LEAK_SLOT)))
        else:
            fault = tracker.get_slot("fault_type") or "other"
            window = window_of(tracker.get_slot("visit_time"))
            draft = _draft(
                tracker,
                fault,
                # a whole building cold: the on-site deadline and the alert of an urgent repair
                urgent=building_fault_said(tracker),
                account_no=await sender_account(tracker),
                address=address,
                phone=phone,
                visit_start=window[0] if window else None,
                visit_end=window[1] if window else None,
                **parts,
            )
            ticket = await in_db(ticket_service.open_repair, policy(), draft, now)
            if ticket is None:
                # past report_limits.repairs_per_sender: nothing filed, and nothing lost either;
                # the slots stay for the person the resident is offered (the hand-off's summary)
                dispatcher.utter_message(
                    response="utter_repair_limit", hotline=policy().company.hotline
                )
                return [SlotSet("pending", None), SlotSet(READ_BACK_SLOT, None)]
            dispatcher.utter_message(
                response="utter_repair_created",
                ticket_no=ticket.ticket_no,
                fault=ticket_service.FAULT_NAMES.get(fault, fault),
                address=address,
                phone=mask_phone(phone) or NO_PHONE_VISIT,
                window=clock.format_window(*window) if window else "尽快",
                first_reply=clock.format_due(ticket.first_reply_due),
                resolve=clock.format_due(ticket.resolve_due),
            )
        started_by = opening_text(tracker, {"report_repair"}, "repair_form")
        return [
            SlotSet("pending", None),  # an offer answered by booking (要报修 after the stop)
            SlotSet("fault_type", None),
            SlotSet("visit_time", None),
            SlotSet("urgent_ticket_no", None),
            SlotSet(LEAK_SLOT, None),
            SlotSet(READ_BACK_SLOT, None),
            *offer_second_request(dispatcher, tracker, {"report_repair"}, started_by),
        ]
