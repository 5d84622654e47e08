"""A room reading below the standard, told outside any request: the fact and what can be done.

你们这什么破暖气 交那么多钱屋里才16度 骗子公司 is no knowledge question, and 我家老人一个人在家 屋里
就12度 is no bare value to ask "what do you want to do?" about: both tell of a home colder than
the policy's minimum. Topic buttons (室温标准, 收费标准…) or the list of services ignore what was
said. The resident hears an apology, the fact measured against the policy's minimum
(16 ℃ < 18 ℃), and the ways forward: an on-site measurement (the offer a yes accepts), a
repair, a person, a complaint.
"""

from __future__ import annotations

import re

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import latest_text, policy
from bot.nlu.neighbour_heat import colder_than_neighbours
from bot.nlu.numbers import parse_room_reading

#: The offer a yes accepts (actions.conversation.SECOND_FORMS books the measurement).
MEASURE_OFFER = "second:request_temp_check"
BELOW_STANDARD = "utter_below_standard"
#: What can be done, as buttons whose payloads start the request without the classifier.
BUTTONS = (
    ("申请上门测温", "/request_temp_check"),
    ("报修", "/report_repair"),
    ("转人工", "/request_human"),
    ("投诉", "/file_complaint"),
)


def reading_below_standard(text: str | None, minimum_c: float) -> float | None:
    """The room temperature the resident measured (`parse_room_reading`: not the standard they
    quote, not the weather), when it is below `minimum_c`; else None."""
    reading = parse_room_reading(text)
    if reading is None or reading >= minimum_c:
        return None
    return reading


def tell_below_standard(
    dispatcher: CollectingDispatcher, tracker: Tracker
) -> list[EventType] | None:
    """Say the reading is below the standard and offer what can be done, when the latest
    message gives such a reading; the events (the measurement offered), or None to answer the
    message as before."""
    minimum = policy().room_temperature.minimum_c
    reading = reading_below_standard(latest_text(tracker), minimum)
    if reading is None:
        return None
    dispatcher.utter_message(
        response=BELOW_STANDARD,
        reading=f"{reading:g}",
        standard=f"{minimum:g}",
        buttons=[{"title": title, "payload": payload} for title, payload in BUTTONS],
    )
    return [SlotSet("pending", MEASURE_OFFER)]


#: Asking whether a reading meets the standard (算不算达标, 合格吗, 够标准吗, 正常吗).
_ASKS_COMPLIANT = re.compile(
    r"达标|合格|够标准|够不够|符合|算不算|正常吗|正常不|标准吗|算冷吗|冷不冷"
)
MEETS_STANDARD = "utter_reading_meets_standard"


def reading_meets_standard(text: str | None, minimum_c: float) -> float | None:
    """The room temperature the resident measured, when it is at or above `minimum_c` and the
    message asks whether it meets the standard (家里19度 算不算达标); else None. The answer
    is yes: the standard's text alone left the resident to compare (players' findings 2, H)."""
    reading = parse_room_reading(text)
    if reading is None or reading < minimum_c or not _ASKS_COMPLIANT.search(str(text or "")):
        return None
    return reading


def tell_reading_meets_standard(dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
    """Say the reading asked about meets the standard, and what to do if the room gets colder;
    False when the latest message asks no such thing."""
    minimum = policy().room_temperature.minimum_c
    reading = reading_meets_standard(latest_text(tracker), minimum)
    if reading is None:
        return False
    dispatcher.utter_message(
        response=MEETS_STANDARD, reading=f"{reading:g}", standard=f"{minimum:g}"
    )
    return True


#: Said for a home colder than the neighbours': its radiators or valves, a fitter offered.
COLDER_THAN_NEIGHBOURS = "utter_colder_than_neighbours"
#: The offer a yes accepts (`action_handle_yes_no` starts the repair form).
REPAIR_OFFER = "repair"
NEIGHBOUR_BUTTONS = (("我要报修", "/report_repair"), ("申请上门测温", "/request_temp_check"))


def tell_colder_than_neighbours(
    dispatcher: CollectingDispatcher, tracker: Tracker
) -> list[EventType] | None:
    """Say that heat reaching the neighbours and not this home (为啥我家暖气没有邻居家热, 我家18度
    邻居家22度 同一栋楼) is this home's radiators or valves, and offer a fitter or a measurement;
    None when the latest message compares no such thing. Topic buttons were the answer, then
    "not a community we serve" (the player's p4-089)."""
    if not colder_than_neighbours(latest_text(tracker)):
        return None
    dispatcher.utter_message(
        response=COLDER_THAN_NEIGHBOURS,
        buttons=[{"title": title, "payload": payload} for title, payload in NEIGHBOUR_BUTTONS],
    )
    return [SlotSet("pending", REPAIR_OFFER)]
