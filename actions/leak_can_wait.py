"""A leak said to wait after the urgent path: the urgent ticket becomes an ordinary leak repair.

接口那漏水了 滴滴答答的 (or the button "漏水/跑水" after a seep was described) opens the urgent
path: the numbers, an urgent ticket, the duty team paged. When the resident answers that it is only
a slow drip, not urgent, or asks for an ordinary visit instead (player findings 3, class A), every
such reply used to repeat the emergency script and go on the urgent ticket, with a "受冻" apology
besides; the visit they wanted was never booked. A heating company's service desk would take the
correction: the same ticket stops being urgent, the duty team reads why on it (the route the
"不漏水" correction takes: `actions.false_alarm`), and the visit window is asked like any repair's
(`actions.repair`, which then books it on this ticket).

After that, the leak told again (就是接口渗水) is no new emergency; water in force or a leak
getting worse (越滴越多, 止不住, 喷了: `bot.nlu.leak_can_wait.escalates`) makes the ticket urgent
again and goes the urgent way, paged anew.
"""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import (
    channel_of,
    in_db,
    is_payload,
    latest_text,
    policy,
    previous_bot_turn,
    resident_words,
    uttered,
)
from bot.base import clock
from bot.nlu.emergency import detect_emergency
from bot.nlu.leak_can_wait import LEAK_TICKET_SLOT, escalates, says_leak_can_wait
from bot.services import tickets as ticket_service

#: The slot holding the ticket an urgent leak became when said to wait.
SLOT = LEAK_TICKET_SLOT
#: What was said when a conversation's leak was first reported: its water guidance.
WATER_TOLD = frozenset(
    {"utter_emergency_water", "utter_leak_urgent", "utter_emergency_water_again"}
)
#: The first answers of the other kinds: their urgent ticket is no leak to downgrade.
OTHER_KINDS = ("utter_emergency_gas", "utter_emergency_person")
#: Said when the urgent ticket became an ordinary leak repair, and when the leak is told again.
MADE_ORDINARY = "utter_leak_made_ordinary"
STILL_ORDINARY = "utter_leak_still_ordinary"


#: A bare answer to "what is wrong?" that only names a leak: the button's title, 漏水, 2 (SMS).
_BARE_LEAK = re.compile(r"[\s/／、]*(?:(?:漏水|跑水|渗水|滴水|漏了|2)[\s/／、]*)+")
#: How many of the resident's messages before the button may hold the seep they described.
SEEP_MESSAGES = 3
#: Words of water in what the resident described before.
_WATER_SAID = re.compile(r"渗|潮|湿|滴|漏|水")


def seep_described(tracker: Tracker) -> bool:
    """Whether the latest message only names a leak as the answer to "what is wrong?" (the
    button 漏水/跑水, its payload, SMS 2), after the resident described water that is no
    emergency (暖气片底下有点潮 渗了点水 擦干净又有 不多: not one for the detector). The button is
    the category of what they told, not a new report: an ordinary leak repair with a visit
    window (player findings 3, p3-104), not the urgent path. A bare 漏水 with nothing of water
    told before stays urgent."""
    asked = tracker.get_slot("requested_slot") == "fault_type" or any(
        uttered(event) == "utter_ask_fault_type" for event in previous_bot_turn(tracker)
    )
    text = latest_text(tracker).strip()
    if not asked or not (is_payload(text) or _BARE_LEAK.fullmatch(text)):
        return False
    messages = [str(e.get("text") or "") for e in tracker.events if e.get("event") == "user"]
    before = "，".join(m for m in messages[:-1][-SEEP_MESSAGES:] if not is_payload(m))
    return bool(_WATER_SAID.search(before)) and detect_emergency(before) is None


def _leak_told(tracker: Tracker) -> bool:
    """Whether the conversation's urgent answer, given before the latest message, was a leak's,
    and no gas or person answer came: someone unwell or a smell of gas is never downgraded from
    here, nor is the message that opened the urgent path (接口那漏水了 滴滴答答的 is the
    detector's to read; only a reply to its answer corrects it)."""
    told: list[str] = []
    answered: list[str] = []
    for event in tracker.events:
        if event.get("event") == "user":
            answered = list(told)
        told.append(uttered(event))
    return any(name in WATER_TOLD for name in answered) and not any(
        name.startswith(OTHER_KINDS) for name in told
    )


async def leak_made_ordinary(
    dispatcher: CollectingDispatcher, tracker: Tracker
) -> list[EventType] | None:
    """The urgent leak ticket turned into an ordinary leak repair when the latest message says
    the leak can wait (`says_leak_can_wait`); None when it does not, or no urgent leak ticket is
    open in this conversation. Its description gets the resident's words (the duty team reads
    the ticket's history: the `updated` event with urgent on and off)."""
    number = tracker.get_slot("urgent_ticket_no")
    text = latest_text(tracker)
    if not number or not _leak_told(tracker) or not says_leak_can_wait(text):
        return None
    said = resident_words(tracker, {"report_repair"}, "repair_form") or text
    await in_db(
        ticket_service.amend_ticket,
        number,
        clock.now(),
        f"user:{channel_of(tracker)}",
        None,
        urgent=False,
        description=f"{said}（用户更正：不紧急，{text}；改为普通漏水维修，按预约时间上门）"[:2000],
    )
    dispatcher.utter_message(
        response=MADE_ORDINARY, ticket_no=number, duty_phone=policy().emergency.duty_phone
    )
    return [
        SlotSet("urgent_ticket_no", None),
        SlotSet(SLOT, number),
        SlotSet("fault_type", "leak"),
        *_answer_not_taken(tracker),
    ]


def still_ordinary(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType] | None:
    """The leak told again after it was said to wait (就是接口渗水): a short word that it stays an
    ordinary repair, and how to reach the duty line if it gets worse; None when the message
    says it is getting worse or no leak was said to wait."""
    number = tracker.get_slot(SLOT)
    if not number or escalates(latest_text(tracker)):
        return None
    if not any(uttered(e) in (MADE_ORDINARY, STILL_ORDINARY) for e in _this_turn(tracker)):
        # the urgent action has said it this turn when the form follows it on the same message
        dispatcher.utter_message(
            response=STILL_ORDINARY, ticket_no=number, duty_phone=policy().emergency.duty_phone
        )
    return _answer_not_taken(tracker)


async def urgent_again(tracker: Tracker) -> list[EventType]:
    """The ordinary leak repair made urgent again when the leak gets worse (越滴越多, 止不住):
    urgent on, so the urgent path that follows finds it as the conversation's open urgent
    ticket and notes what changed on it for the duty team (actions/emergency.py). No events when
    no leak was said to wait or the message says nothing worse."""
    number = tracker.get_slot(SLOT)
    if not number or not escalates(latest_text(tracker)):
        return []
    await in_db(
        ticket_service.amend_ticket,
        number,
        clock.now(),
        f"user:{channel_of(tracker)}",
        None,
        urgent=True,
    )
    return [SlotSet(SLOT, None)]


def _this_turn(tracker: Tracker) -> list[dict[str, Any]]:
    """The events after the latest user message (the urgent action's, before the form's)."""
    events: list[dict[str, Any]] = []
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            break
        events.append(event)
    return events


def _answer_not_taken(tracker: Tracker) -> list[EventType]:
    """The form's answer forgotten when its free-text mapping took this message (就滴几滴 is no
    address); the value stored may be the message as typed or as normalised."""
    requested = tracker.get_slot("requested_slot")
    if not requested:
        return []
    taken = any(
        e.get("event") == "slot" and e.get("name") == requested and e.get("value")
        for e in _this_turn(tracker)
    )
    if taken or tracker.get_slot(requested) == latest_text(tracker):
        return [SlotSet(requested, None)]
    return []
