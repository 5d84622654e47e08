"""A whole building cold (我们整栋楼都不热): a fault of the building's pipes or the network, not of
one flat.

Where no stop is under way, a resident who says their whole building, or several households,
have no heat is not told "可能是户内问题" and booked a fitter for one flat at a window tomorrow:
the duty dispatcher must hear of it now. So the bot says what it likely is and gives the duty
line, the repair form takes the address and phone but no visit window, and the ticket is filed
urgent (the policy's on-site deadline and the alert to a person, as for a leak) with a note
that the whole building is cold. A stop told in the conversation explains the cold instead.
"""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.common import OUTAGE_OFFER, REQUEST_ENDED, policy, uttered
from bot.nlu.faults import whole_building_cold

#: What the bot says of a whole building cold, with the duty line.
BUILDING_FAULT = "utter_building_fault"
#: The ticket's description starts with this, for the dispatcher reading the queue.
BUILDING_NOTE = "【整栋楼不热，疑似楼栋/管网故障】"
#: How many of the resident's messages back the words about the building still count.
_MESSAGES = 4
#: Answers that told a stop: the cold of the whole building is the stop's.
_STOP_TOLD = frozenset({"utter_outage_found", OUTAGE_OFFER})


def building_cold_told(tracker: Tracker) -> bool:
    """Whether one of the resident's last messages since the request before ended says the
    whole building (or several households) is cold, and no stop was told since: 我们整栋楼都不热，
    和平里13号楼, then 我家是2单元301 when a repair was offered."""
    users = 0
    for event in reversed(tracker.events):
        if event.get("event") == "bot":
            said = uttered(event)
            if said in REQUEST_ENDED or said in _STOP_TOLD:
                return False
        elif event.get("event") == "user":
            users += 1
            if users > _MESSAGES:
                return False
            if whole_building_cold(str(event.get("text") or "")):
                return True
    return False


def tell_building_fault_once(dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
    """Say what a whole building cold likely is and the duty line, once for the request (not
    again in this turn, nor when said since the resident's words about it). Whether it applies."""
    if not building_cold_told(tracker):
        return False
    if any(m.get("response") == BUILDING_FAULT for m in dispatcher.messages):
        return True
    if building_fault_said(tracker):
        return True
    dispatcher.utter_message(response=BUILDING_FAULT, duty_phone=policy().emergency.duty_phone)
    return True


def building_fault_said(tracker: Tracker) -> bool:
    """Whether the bot has said, since the request before ended, that the whole building's cold
    is a building or network fault: the repair then asks no visit window and is filed urgent."""
    for event in reversed(tracker.events):
        if event.get("event") != "bot":
            continue
        if uttered(event) == BUILDING_FAULT:
            return True
        if uttered(event) in REQUEST_ENDED:
            return False
    return False
