"""The emergency safety net's action: the numbers first, an urgent ticket, a person alerted.

`EmergencyPolicy` (bot/nlu/safety_net.py) runs `action_emergency` for every message the
`EmergencyMarker` marked, whatever its intent and whatever form is active. The order of what the
user reads is the point: the safety steps and the 24-hour number come first and are sent even
when the ticket store is down; no slot question comes before them.

* water (escaping water, burst pipe, steam): close the valves, the 24-hour duty number. The repair
  form then continues (or starts) with `fault_type: leak`, so it asks only the address and phone the
  ticket still lacks, and its submit completes the urgent ticket.
* gas (gas-like or burning smell, smoke, fire): leave, switch nothing, call the gas emergency
  number / 119 from outside, then the heating duty number. No form: nobody should be typing an
  address in a room that smells of gas.
* person (unwell from the cold, scalded): call 120 first, first aid, then the duty number. The
  repair form then asks the address and phone the urgent ticket lacks (no visit window), or, when
  the message asked for a complaint in words (我要投诉), the complaint goes on to be filed.

Every kind gets the urgent BX ticket (`urgent`, the kind written at the head of its description;
`fault_type: leak`, or `no_heat` for someone unwell in a home without heat), which pages a person
when the policy says so (`leak.alert_human`) and which the scheduler's hand-off jobs put at the
top of the agents' queue as an urgent hand-off (`bot.handoff.queue.queue_alerts`). A sender with
an urgent ticket still open (this conversation, or reported earlier) gets that ticket again, not
a second one.
"""

from __future__ import annotations

import logging
import traceback
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.exc import SQLAlchemyError

from actions.common import (
    address_parts,
    apologise_once,
    bot_said_within,
    channel_of,
    guarded,
    in_db,
    latest_intent,
    latest_text,
    leave_form,
    message_key,
    policy,
    previous_bot_turn,
    read_db,
    resident_words,
    said_no_phone,
    sender_account,
    sender_phone,
    value_before_this_message,
)
from actions.emergency_elsewhere import emergency_elsewhere
from actions.leak_can_wait import SLOT as LEAK_SLOT
from actions.leak_can_wait import (
    WATER_TOLD,
    leak_made_ordinary,
    seep_described,
    still_ordinary,
    urgent_again,
)
from actions.outage import ActionQueryOutage, heating_stopped, tell_stop_once
from actions.urgent_tickets import chase_urgent, chases, named_urgent
from bot.base import clock
from bot.handoff.triggers import upset
from bot.nlu.address import corrected, parse_address
from bot.nlu.emergency import (
    EMERGENCY,
    URGENT_TICKET_SLOT,
    Emergency,
    detect_emergency,
    emergency_from,
    leak_going_on,
    leak_in_hand,
    names_only_a_main_burst,
)
from bot.nlu.emergency_context import EARLIER_MESSAGES, emergency_in_context
from bot.nlu.emergency_follow_ups import (
    ELECTRICS,
    LOCKED_OUT,
    NUMBERS,
    VALVE,
    WHAT_NOW,
    about_the_leak,
    emergency_follow_up,
)
from bot.nlu.faults import fault_type_of
from bot.nlu.place_correction import corrects_earlier_place
from bot.nlu.requests import complains
from bot.policy import Policy
from bot.privacy import mask_phone, mask_text
from bot.services import tickets as ticket_service
from bot.services.outages import known_communities
from bot.services.tickets import Completed, TicketView
from bot.store.tickets import TicketDraft

logger = logging.getLogger(__name__)

#: What the agents read first in the ticket's description.
KIND_LABELS = {
    "water": "漏水/爆管/冒汽",
    "gas": "疑似燃气味/烧焦/冒烟",
    "person": "有人受冻不适/烫伤",
}
#: …and for someone poisoned (signs by a running boiler or stove, named gas since issue 16's
#: seventh round), what the agents must read first: a person, not only a smell.
POISONED_LABEL = "有人疑似一氧化碳/燃气中毒"
#: What each kind is told first (domain.yml); a person's depends on what happened (`advice_for`).
KIND_RESPONSES = {
    "water": "utter_emergency_water",
    "gas": "utter_emergency_gas",
}
REPAIR_FORM = "repair_form"
COMPLAINT_FORM = "complaint_form"


#: Said instead of "the duty staff were alerted" to a household whose report joined an incident
#: (bot.services.incidents), only where the company has published an emergency stop for the
#: place: elsewhere it would tell a stranger that a neighbour reported there (red team R9).
INCIDENT_KNOWN = "utter_emergency_incident_known"
#: The urgent ticket opened for another home the conversation reported (red team R6).
OTHER_PLACE = "utter_urgent_other_place"
#: The urgent ticket moved to the address the resident put right (hat-011).
PLACE_CORRECTED = "utter_urgent_address_corrected"


def advice_for(found: Emergency) -> str:
    """The response with what to do now: per kind, and for a person what happened to them.
    Someone scalded needs the burn cooled, someone poisoned needs fresh air, someone unwell
    from the cold needs warmth: each hears only their own first aid (a fever in a cold flat
    was once told to hold the burn under running water; someone dizzy by a running boiler was
    told to stay in the warmest room). The detector says what happened (`Emergency.cause`):
    a scald, or poisoning — signs with fumes, also when a gas report names the message gas,
    since its people need 120 and fresh air as much as the gas number."""
    if found.cause == "poisoning" or (found.kind == "person" and "中毒" in found.evidence):
        return "utter_emergency_person_poisoned"
    if found.kind != "person":
        return KIND_RESPONSES[found.kind]
    if found.cause == "scald" or "烫" in found.evidence:
        return "utter_emergency_person_scald"
    return "utter_emergency_person_cold"


def label_of(found: Emergency) -> str:
    """What the urgent ticket's description starts with: the kind, or that someone may be
    poisoned (the agents call back about a person first)."""
    return POISONED_LABEL if found.cause == "poisoning" else KIND_LABELS[found.kind]


def emergency_of(tracker: Tracker) -> Emergency | None:
    """The emergency the NLU marker found in the latest message (or the detector finds now)."""
    marked = emergency_from(tracker.latest_message.get(EMERGENCY))
    # a leak said to wait or booked as ordinary, then 止不住了: the leak going on as much as with
    # its urgent ticket
    open_leak = leak_in_hand(
        tracker.get_slot(URGENT_TICKET_SLOT),
        tracker.get_slot(LEAK_SLOT),
        tracker.active_loop.get("name"),
        tracker.get_slot("fault_type"),
    )
    return (
        marked
        or detect_emergency(latest_text(tracker))
        or leak_going_on(open_leak, latest_text(tracker))
        or emergency_in_context(latest_text(tracker), _earlier_words(tracker))
    )


def _earlier_words(tracker: Tracker) -> list[str]:
    """The resident's messages before the latest one, the latest first."""
    said = [str(e.get("text")) for e in reversed(tracker.events) if e.get("event") == "user"]
    return [text for text in said[1:] if text and text != "None"][:EARLIER_MESSAGES]


def numbers(p: Policy) -> dict[str, str]:
    """The phone numbers the responses name, from the policy: never written into a response."""
    numbers = p.emergency
    fire = f"火警 {numbers.fire_phone}"
    return {
        "duty_phone": numbers.duty_phone,
        "ambulance_phone": numbers.ambulance_phone,
        "gas_call": f"燃气抢险电话 {numbers.gas_phone} 或{fire}" if numbers.gas_phone else fire,
    }


async def _open_urgent_ticket(tracker: Tracker) -> str | None:
    """This conversation's urgent ticket that is still open: from its slot, else the store.
    Only one it filed itself, never a bound account's: a binding (perhaps from guessed digits)
    let a stranger's report continue, and move, a household's urgent ticket (red team R6)."""
    known = tracker.get_slot("urgent_ticket_no")
    if known:
        return str(known)
    own = await read_db(ticket_service.own_open_urgent, channel_of(tracker), tracker.sender_id)
    return own.ticket_no if own is not None else None


async def place_named(tracker: Tracker) -> dict[str, Any]:
    """The address the latest message names, with its parts for the ticket's columns; empty
    when it names none the parser can use. A correction that names only the parts that change
    (不对 是13号楼) keeps the others of the address the conversation holds."""
    communities = await read_db(known_communities)
    address = parse_address(latest_text(tracker), communities)
    held = tracker.get_slot("address")
    if corrects_earlier_place(latest_text(tracker)) and held and not address.community:
        address = corrected(parse_address(str(held), communities), address)
    if not address.is_usable:
        return {}
    return {"address": address.summary(), **await address_parts(address.summary())}


async def complete_urgent(
    dispatcher: CollectingDispatcher, tracker: Tracker, ticket_no: str, **fields: Any
) -> Completed:
    """Add an address or phone to the conversation's urgent ticket (`ticket_service.
    complete_urgent`: what it lacks is filled, nothing is overwritten). An address of another
    home is another emergency: its own urgent ticket is opened and the resident told its number
    (the caller keeps that ticket in `urgent_ticket_no`). An address the message puts right
    (不对是13号楼: `corrects_earlier_place`) moves the ticket instead, and the resident is told
    the ticket now sends the crew there."""
    done: Completed = await in_db(
        ticket_service.complete_urgent,
        policy(),
        ticket_no,
        channel_of(tracker),
        tracker.sender_id,
        clock.now(),
        latest_text(tracker),
        message_key(tracker, "BX"),
        corrects_earlier_place(latest_text(tracker)),
        **fields,
    )
    if done.moved_from:
        dispatcher.utter_message(
            response=PLACE_CORRECTED,
            ticket_no=done.ticket.ticket_no,
            address=done.ticket.address or "",
            before=done.moved_from,
        )
    if done.earlier:
        dispatcher.utter_message(
            response=OTHER_PLACE,
            ticket_no=done.ticket.ticket_no,
            earlier=done.earlier,
            address=done.ticket.address or "",
            on_site=clock.format_due(done.ticket.on_site_due),
        )
    return done


def _collected(tracker: Tracker, slot: str) -> str | None:
    """A slot's value, unless a form's free-text mapping just stored this message in it."""
    value = tracker.get_slot(slot)
    return None if not value or value == latest_text(tracker) else str(value)


async def _new_urgent_ticket(tracker: Tracker, found: Emergency) -> TicketView:
    """Open the urgent ticket (a retried message gets the same one back: `message_key`). Its
    place is the one the message names, else the one the conversation gave; its contact is the
    number given, else the number an SMS comes from (the crew must be able to call back
    whoever reported it)."""
    place = await place_named(tracker)
    address = place.pop("address", None) or _collected(tracker, "address")
    words = latest_text(tracker)
    if tracker.active_loop.get("name") == REPAIR_FORM and not tracker.get_slot("urgent_ticket_no"):
        # an ordinary repair being booked turned urgent (滴得越来越快 after 楼上漏水 滴到我家): the
        # duty team reads what it is about, not only the latest words
        words = resident_words(tracker, {"report_repair"}, REPAIR_FORM) or words
    draft = TicketDraft(
        kind="BX",
        channel=channel_of(tracker),
        sender_id=tracker.sender_id,
        dedup_key=message_key(tracker, "BX"),
        account_no=await sender_account(tracker),
        phone=_collected(tracker, "phone") or sender_phone(tracker),
        address=address,
        fault_type=_fault_of(found, latest_text(tracker)),
        urgent=True,
        description=f"【紧急：{label_of(found)}】{words}"[:2000],
        **(place or (await address_parts(address) if address else {})),
    )
    return await in_db(ticket_service.open_ticket, policy(), draft, clock.now())


def _fault_of(found: Emergency, text: str) -> str:
    """The ticket's fault: a leak, except someone unwell in a home without heat (老人手脚冰凉
    说胸闷, 暖气不热): the fitters come for the heating, not for water."""
    if found.kind == "person" and fault_type_of(text) == "no_heat":
        return "no_heat"
    return "leak"


def _form_events(
    tracker: Tracker, found: Emergency, ask_next: bool, fresh: bool = True
) -> list[EventType]:
    """What happens to the conversation's form (module docstring); `ask_next`: let the repair
    form ask what the urgent ticket lacks now.

    An answer the active form already took from this very message (its from_text mapping stores
    the whole message as the address) is forgotten: 水越来越多了 is not an address. A leak that
    already has its open urgent ticket (not `fresh`), told again as the story of a complaint
    (上周修过的暖气片又漏水，维修质量太差), does not end that complaint: it goes on.
    """
    events: list[EventType] = []
    form = tracker.active_loop.get("name")
    if form and form != REPAIR_FORM and not fresh:
        return [FollowupAction(form)]
    requested = tracker.get_slot("requested_slot")
    if form and requested and tracker.get_slot(requested) == latest_text(tracker):
        events.append(SlotSet(requested, None))
    if form and form != REPAIR_FORM:
        events += leave_form(tracker)
    if found.kind == "water":
        # leak, whatever fault word the message also carried (阀门关不上 reads as a valve fault):
        # the form then asks no visit window and completes the urgent ticket
        events.append(SlotSet("fault_type", "leak"))
        if ask_next:
            events.append(FollowupAction(REPAIR_FORM))
    elif found.kind == "person" and ask_next:
        events += _after_person(tracker, found)
    return events


def _after_person(tracker: Tracker, found: Emergency) -> list[EventType]:
    """Where the conversation goes after someone unwell was told 120 and the urgent ticket
    opened: the crew needs the door and a number to call (an urgent heating ticket for
    "my mother is shivering, the radiator is cold" went out with neither), so the repair form
    asks what the ticket lacks, without a visit window; a complaint the resident asked for in
    words (我要投诉 … 孩子冻感冒了: `complains`), or is filing in its form, goes on to be filed,
    which asks for where too.
    Anger alone is no complaint asked for: 你们怎么回事！…八十多岁的人冻得发烧了 read as
    file_complaint started the complaint form, and the phone given next went on a complaint
    nobody asked for while the urgent ticket stayed without it (hat-013). The repair form
    apologises to the upset resident and takes the phone for the urgent ticket."""
    if latest_intent(tracker) == "file_complaint" and _complaint_asked(tracker):
        return [FollowupAction(COMPLAINT_FORM)]
    fault = _fault_of(found, latest_text(tracker))
    return [SlotSet("fault_type", fault), FollowupAction(REPAIR_FORM)]


def _complaint_asked(tracker: Tracker) -> bool:
    """Whether the resident asked for a complaint: in words in this message (我要投诉:
    `complains`), or by filing one in its form when the emergency came."""
    return complains(latest_text(tracker)) or tracker.active_loop.get("name") == COMPLAINT_FORM


def _apologise_for_anger(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """An emergency told in anger (你们怎么回事！…冻得发烧了, read as a complaint or not) where no
    complaint was asked for: the resident is owed the apology the complaint form gave, once,
    and the urgent ticket is what they get (hat-013)."""
    said_in_anger = latest_intent(tracker) == "file_complaint" or upset(latest_text(tracker))
    if said_in_anger and not _complaint_asked(tracker):
        apologise_once(dispatcher, tracker, owed=True)


def _echoes_the_stop(tracker: Tracker, found: Emergency) -> bool:
    """Whether the words taken for an emergency repeat the cause of the stop the bot has just
    told (爆管 after "主管线爆管抢修"): the resident is talking about that stop."""
    told = [
        str(event.get("text") or "")
        for event in previous_bot_turn(tracker)
        if (event.get("metadata") or {}).get("utter_action") == "utter_outage_found"
    ]
    return found.kind == "water" and any(found.evidence in text for text in told)


async def _known_burst_repair(tracker: Tracker, found: Emergency) -> bool:
    """Whether the burst the message names is the company's own burst repair under way where
    the resident lives (幸福里爆管都两天了 还没修好, 哦 是爆管啊 那什么时候能修好, while the
    outage store holds 幸福里小区's 抢修停热): a main's burst named as an event, with no water
    seen and nothing of a home (`names_only_a_main_burst`), in a community with an emergency
    stop under way now.

    The words alone cannot tell the company's burst from a new one; the store can. Without a
    known community, a stop of that kind, or a readable store, the words stay an emergency."""
    if found.kind != "water" or not names_only_a_main_burst(latest_text(tracker)):
        return False
    try:
        stopped = await heating_stopped(tracker)
    except SQLAlchemyError:
        logger.warning("outage check for a named burst failed; taking it as an emergency")
        return False
    return stopped is not None and any(stop.kind == "emergency" for stop in stopped[1])


class ActionEmergency(Action):
    """The urgent path for a message the safety net marked (module docstring)."""

    def name(self) -> str:
        """The action's name, as in domain.yml."""
        return "action_emergency"

    @guarded
    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Safety steps and numbers, then the urgent ticket, then the form's next step."""
        found = emergency_of(tracker)
        if found is None:  # the policy only runs this for a marked message
            return []
        # 哦是爆管啊 那不用派人了 after "幸福里小区抢修停热：主管线爆管抢修" is about that stop, and
        # so is 幸福里爆管都两天了 while the store holds that burst repair
        if _echoes_the_stop(tracker, found) or await _known_burst_repair(tracker, found):
            if latest_intent(tracker) == "file_complaint":
                # 爆管都两天了 还没修好 我要投诉, 又爆管？年年这样我要投诉 right after the stop was
                # told: the complaint is filed (its form tells the stop if not told yet)
                return [SlotSet("pending", None), FollowupAction(COMPLAINT_FORM)]
            return [
                SlotSet("pending", None),
                *await ActionQueryOutage().run(dispatcher, tracker, domain),
            ]
        if found.kind == "water":
            if seep_described(tracker):
                # the button 漏水/跑水 after 有点潮 渗了点水 不多: the category of a seep told
                return [
                    SlotSet("fault_type", "leak"),
                    SlotSet("pending", None),
                    FollowupAction(REPAIR_FORM),
                ]
            # 就是滴水 一分钟滴几滴 用不着抢修: an ordinary leak repair, not the script again
            waits = await leak_made_ordinary(dispatcher, tracker)
            if waits is None:
                waits = still_ordinary(dispatcher, tracker)
            if waits is not None:
                # the repair form asks what the ordinary repair still needs, the window among it
                return [*waits, SlotSet("pending", None), FollowupAction(REPAIR_FORM)]
        worse = await urgent_again(tracker)  # said to wait, now 越滴越多: urgent again
        p = policy()
        again = _water_again(tracker, found)
        advice = "utter_emergency_water_again" if again else advice_for(found)
        dispatcher.utter_message(response=advice, **numbers(p))
        if again and emergency_follow_up(latest_text(tracker)) in FOLLOW_UP_RESPONSES:
            # 电闸要不要关啊 水都淌到插座那了: the leak going on, and the question asked about it
            # answered (p3-065: whether to cut the power was never answered)
            answer_emergency_follow_up(dispatcher, tracker)
        # 万科城5号楼暖气漏水了: no crew of ours goes there; whom to call, and no ticket
        elsewhere = await emergency_elsewhere(
            dispatcher, tracker, tracker.get_slot("urgent_ticket_no")
        )
        if elsewhere is not None:
            return [*elsewhere, *worse, SlotSet("fault_type", None)]
        try:
            chased = await _chased_instead(dispatcher, tracker)
        except Exception:  # the store down: the ticket path below says it was not recorded
            logger.warning("urgent ticket at hand not read; taking the report as it comes")
            chased = None
        if chased is not None:
            # 师傅还没到 水还在流 (BX…): the urgent ticket at hand chased, never a second one
            return [*chased, *worse, SlotSet("fault_type", None)]
        incident, place = None, []
        try:
            ticket_no = await _open_urgent_ticket(tracker)
            fresh = ticket_no is None
            if ticket_no is None:
                ticket = await _new_urgent_ticket(tracker, found)
                ticket_no, incident = ticket.ticket_no, ticket.incident
            elif named := await place_named(tracker):
                # 另一套房子也爆了，在东风新村…: another home is another emergency, not an
                # address for the open ticket (which once moved there: red team R6)
                other = await complete_urgent(dispatcher, tracker, ticket_no, **named)
                if other.earlier:
                    ticket_no, incident, fresh = other.ticket.ticket_no, other.ticket.incident, True
                    # the form completes the new ticket: the old address is not its answer
                    again, place = False, [SlotSet("address", other.ticket.address)]
                elif other.moved_from:
                    # 不对 是13号楼 水还在喷: the same emergency's right door, for the form too
                    place = [SlotSet("address", other.ticket.address)]
                elif not _address_held(tracker):
                    # 阳光花园5号楼1单元302 我关不上阀门啊 at the address question: the ticket has
                    # it now, and so has the form, which does not ask it again (p4-003, p4-015)
                    place = [SlotSet("address", named["address"])]
        except Exception:
            # The numbers are out already; resending the message would not help anyone.
            logger.error(
                "emergency ticket failed for sender %s:\n%s",
                mask_text(str(tracker.sender_id)),
                mask_text(traceback.format_exc()),
            )
            dispatcher.utter_message(response="utter_emergency_not_recorded", **numbers(p))
            return _form_events(tracker, found, ask_next=False)
        if again and not fresh:
            # 关不上啊 越拧越大: the duty team reads what changed on the ticket they work from
            await in_db(
                ticket_service.note_on_ticket,
                ticket_no,
                channel_of(tracker),
                tracker.sender_id,
                clock.now(),
                latest_text(tracker),
            )
            dispatcher.utter_message(response="utter_emergency_ticket_worse", ticket_no=ticket_no)
            return [
                *_form_events(tracker, found, ask_next=False, fresh=False),
                *place,
                *_still_needed(dispatcher, tracker, taken=bool(place)),
                *worse,
                SlotSet("urgent_ticket_no", ticket_no),
                SlotSet("pending", None),
            ]
        if not any(m.get("response") == OTHER_PLACE for m in dispatcher.messages):
            response = "utter_emergency_ticket" if fresh else "utter_emergency_ticket_open"
            dispatcher.utter_message(response=response, ticket_no=ticket_no)
        if incident is not None and await _published(ticket_no):
            dispatcher.utter_message(response=INCIDENT_KNOWN)
        elif p.leak.alert_human:
            # the same words whether the report led, joined a neighbour's or a flood: anything
            # else tells a stranger that someone in that building reported (red team R9)
            dispatcher.utter_message(response="utter_emergency_alerted")
        if found.kind == "person":
            # someone unwell from the cold where heating is stopped: when it comes back
            await tell_stop_once(dispatcher, tracker)
        _apologise_for_anger(dispatcher, tracker)
        # The repair form asks what the ticket lacks; a repair form that already holds this
        # ticket has asked, and is not made to ask again in the same breath as the numbers.
        in_repair = tracker.active_loop.get("name") == REPAIR_FORM
        return [
            *_form_events(tracker, found, ask_next=fresh or not in_repair, fresh=fresh),
            *place,
            *worse,
            SlotSet("urgent_ticket_no", ticket_no),
            SlotSet("pending", None),
        ]


async def _chased_instead(
    dispatcher: CollectingDispatcher, tracker: Tracker
) -> list[EventType] | None:
    """The answer to an emergency told of an urgent ticket already at hand (player findings 5,
    class B), after the numbers; None when there is none, or the message names another home.

    The conversation's own ticket, with its address: a message that chases it (师傅还没到 水还在
    流: `chases`) has it chased and handed to a person. A ticket the conversation named by its
    number and may see (proved with its contact phone), with no ticket of its own: that leak is
    the one going on, chased when the message chases, else what the resident says goes on it.
    Such a resident was given a second urgent ticket and asked for the address again."""
    text = latest_text(tracker)
    own = await _open_urgent_ticket(tracker)
    if own is not None:
        ticket = await read_db(
            ticket_service.find_visible, own, channel_of(tracker), tracker.sender_id
        )
        if ticket is None or not ticket.address or not chases(text):
            return None
    else:
        ticket = await named_urgent(tracker)
        if ticket is None:
            return None
    if _another_home(ticket, await place_named(tracker)):
        return None  # 另一套房子也漏了: its own emergency
    if chases(text):
        return await chase_urgent(dispatcher, tracker, ticket)
    await in_db(
        ticket_service.note_on_ticket,
        ticket.ticket_no,
        channel_of(tracker),
        tracker.sender_id,
        clock.now(),
        text,
    )
    dispatcher.utter_message(response="utter_emergency_ticket_worse", ticket_no=ticket.ticket_no)
    return [SlotSet("pending", None)]


def _another_home(ticket: TicketView, named: dict[str, Any]) -> bool:
    """Whether the place a message names is another home than the ticket's: a part both name
    differs."""
    if not named or not ticket.address:
        return False
    held, said = parse_address(ticket.address), parse_address(str(named.get("address") or ""))
    pairs = (
        (held.community, said.community),
        (held.building, said.building),
        (held.unit, said.unit),
        (held.room, said.room),
    )
    return any(mine and theirs and mine != theirs for mine, theirs in pairs)


#: The one-line reminder of what the urgent ticket still lacks, per question of the repair form
#: (counted as that question's ask: actions.common.asked_in_a_row).
STILL_NEEDED = {
    "address": "utter_emergency_need_address",
    "phone": "utter_emergency_need_phone",
}


def _water_again(tracker: Tracker, found: Emergency) -> bool:
    """Whether the message continues a leak this conversation reported and was told what to do
    about (its urgent ticket open): 关不上啊 越拧越大, 水越来越多了. It hears the short guidance and
    the number again, not the whole first answer, and what changed goes on the ticket."""
    if found.kind != "water" or not (
        tracker.get_slot("urgent_ticket_no") or tracker.get_slot(LEAK_SLOT)
    ):
        return False
    return any(
        e.get("event") == "bot" and (e.get("metadata") or {}).get("utter_action") in WATER_TOLD
        for e in tracker.events
    )


def _still_needed(
    dispatcher: CollectingDispatcher, tracker: Tracker, taken: bool = False
) -> list[EventType]:
    """After the guidance again, the repair form's question in one line (抢修人员还需要您的地址),
    not the form's whole prompt in the same breath as the numbers. When the message also gave
    the address the form asked for (`taken`), the next thing the ticket lacks is asked instead:
    the phone, or nothing (the form completes the ticket now). The address typed in the same
    breath as 我关不上阀门啊 was asked for again while the water ran (p4-003)."""
    if tracker.active_loop.get("name") != REPAIR_FORM:
        return []
    asked = str(tracker.get_slot("requested_slot") or "")
    if taken and asked == "address":
        if tracker.get_slot("phone"):
            return [FollowupAction(REPAIR_FORM)]
        dispatcher.utter_message(response=STILL_NEEDED["phone"])
        return [SlotSet("requested_slot", "phone")]
    response = STILL_NEEDED.get(asked)
    if response:
        dispatcher.utter_message(response=response)
    return []


def _address_held(tracker: Tracker) -> bool:
    """Whether the form held an address before this message (what the slot mappings took from
    the message itself, 水越来越多了 at the address question among it, does not count)."""
    return bool(value_before_this_message(tracker, "address"))


#: What the confirmation says for the phone of a resident who has none.
NO_PHONE_SHOWN = "无（抢修人员直接上门）"


async def tell_urgent_completed(
    dispatcher: CollectingDispatcher, tracker: Tracker, ticket: TicketView
) -> None:
    """Confirm what the urgent ticket now holds; without a phone, ask for one (the crew must be
    able to call: "电话（未提供）" was once the whole answer), and say, once, that the place's
    emergency is known, when the report joined an incident and the company has published an
    emergency stop there (`_published`)."""
    on_site = clock.format_due(ticket.on_site_due)
    if ticket.phone or said_no_phone(tracker):
        # 我没手机 家里也没电话: the ticket says the crew comes to the door; never ask again
        dispatcher.utter_message(
            response="utter_urgent_repair_updated",
            ticket_no=ticket.ticket_no,
            address=ticket.address or "（未提供）",
            phone=mask_phone(ticket.phone) if ticket.phone else NO_PHONE_SHOWN,
            on_site=on_site,
        )
    else:
        dispatcher.utter_message(
            response="utter_urgent_phone_missing",
            ticket_no=ticket.ticket_no,
            address=ticket.address or "（未提供）",
            on_site=on_site,
        )
    told = any(
        (e.get("metadata") or {}).get("utter_action") == INCIDENT_KNOWN
        for e in tracker.events
        if e.get("event") == "bot"
    )
    if ticket.incident and not told and await _published(ticket.ticket_no):
        dispatcher.utter_message(response=INCIDENT_KNOWN)


async def _published(ticket_no: str) -> bool:
    """Whether an emergency stop is published where the urgent ticket is (False if the store
    cannot say: the neutral words are never wrong)."""
    try:
        return bool(await read_db(ticket_service.incident_published, ticket_no, clock.now()))
    except SQLAlchemyError:
        logger.warning("outage check for an incident failed; not naming it")
        return False


#: The answers an emergency's advice may be followed by (what `in_emergency` looks back for).
ADVICE_RESPONSES = frozenset(
    {
        *KIND_RESPONSES.values(),
        "utter_emergency_person_cold",
        "utter_emergency_person_scald",
        "utter_emergency_person_poisoned",
        "utter_emergency_water_again",
    }
)
#: The answer to each follow-up question (bot.nlu.emergency_follow_ups).
FOLLOW_UP_RESPONSES = {
    NUMBERS: "utter_emergency_numbers",
    LOCKED_OUT: "utter_emergency_locked_out",
    VALVE: "utter_emergency_valve",
    ELECTRICS: "utter_emergency_electrics",
}
#: A locked door asked about at a leak: the flat the water comes from, nobody answering.
LEAK_LOCKED_OUT = "utter_emergency_leak_locked_out"
#: The emergency questions a form was waiting for, asked again after the follow-up's answer.
_STILL_NEEDED = {"address": "utter_emergency_need_address", "phone": "utter_emergency_need_phone"}


def in_emergency(tracker: Tracker) -> bool:
    """Whether the bot gave emergency advice in answer to one of the resident's last three
    messages (the stairwell after a gas smell, the neighbour's locked door)."""
    return bot_said_within(tracker, ADVICE_RESPONSES, 3)


def follow_up_numbers(p: Policy, kind: str | None) -> str:
    """The numbers said again: the emergency's own first (gas: the gas line and 119; a person:
    120), then the company's 24-hour line."""
    e = p.emergency
    lines = []
    if kind == "gas":
        lines += [f"燃气抢险 {e.gas_phone}"] if e.gas_phone else []
        lines += [f"火警 {e.fire_phone}"]
    if kind == "person":
        lines += [f"急救 {e.ambulance_phone}"]
    lines += [f"供热24小时抢修 {e.duty_phone}"]
    if kind not in ("gas", "person"):
        lines += [f"急救 {e.ambulance_phone}", f"火警 {e.fire_phone}"]
    return "；".join(lines)


def _latest_kind(tracker: Tracker) -> str | None:
    """The kind of the emergency the conversation's latest marked message reported."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            found = emergency_from((event.get("parse_data") or {}).get(EMERGENCY))
            if found is not None:
                return found.kind
    return None


def _advice_given(tracker: Tracker) -> str:
    """The emergency advice the bot gave last (`ADVICE_RESPONSES`; `in_emergency` holds one)."""
    for event in reversed(tracker.events):
        if event.get("event") != "bot":
            continue
        said = (event.get("metadata") or {}).get("utter_action")
        if said in ADVICE_RESPONSES:
            return str(said)
    return KIND_RESPONSES["water"]


def answer_emergency_follow_up(dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
    """Answer a question about the emergency just answered (the numbers again, a locked door,
    where the valves are, what to do now), or about the leak the conversation reported
    (`about_the_leak`); False when the message asks none or no emergency was answered."""
    asked = emergency_follow_up(latest_text(tracker))
    leak = about_the_leak(asked, _latest_kind(tracker))
    if asked is None or not (in_emergency(tracker) or leak):
        return False
    p = policy()
    if asked == WHAT_NOW:
        # 那我现在该怎么办: the steps and numbers just given, said again
        dispatcher.utter_message(response=_advice_given(tracker), **numbers(p))
        return True
    e = p.emergency
    response = FOLLOW_UP_RESPONSES[asked]
    if asked == LOCKED_OUT and _latest_kind(tracker) == "water":
        # 楼上402没人 敲门没人应 of the flat the water comes from: the crew shuts it off from the
        # stairwell, not 120 and the old person's family (hail u hau-037)
        response = LEAK_LOCKED_OUT
    dispatcher.utter_message(
        response=response,
        numbers=follow_up_numbers(p, _latest_kind(tracker)),
        ambulance_phone=e.ambulance_phone,
        police_phone=e.police_phone,
        duty_phone=e.duty_phone,
    )
    return True


class ActionEmergencyFollowUp(Action):
    """A question about the emergency just answered, whatever the classifier made of it
    (`bot.nlu.safety_net` runs it): answered, then the form's emergency question again."""

    def name(self) -> str:
        """The action's name, as in domain.yml."""
        return "action_emergency_follow_up"

    @guarded
    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """The answer; the address or phone the urgent ticket still waits for, asked again."""
        if not answer_emergency_follow_up(dispatcher, tracker):
            return []
        if tracker.active_loop.get("name"):
            needed = _STILL_NEEDED.get(str(tracker.get_slot("requested_slot") or ""))
            if needed:
                dispatcher.utter_message(response=needed)
        return []
