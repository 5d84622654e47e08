""""不漏水" after the urgent path: the urgent ticket says what is really wrong.

A broken valve handle (进水阀门的把手断了 阀门没法调节) can be taken for escaping water, and the
urgent path opens a leak ticket and pages the duty team at once. When the resident then says there
is no leak (不漏水，就是把手断了), asking the address again as if nothing was said leaves the duty
team going to a leak that is not there. The ticket keeps its number and urgency (the page went
out; a person decides), but its fault becomes the one the resident names, its description gets
their words, and the resident hears that it was noted.
"""

from __future__ import annotations

import re

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import channel_of, in_db, latest_text, policy, resident_words
from bot.base import clock
from bot.nlu.emergency import detect_emergency
from bot.nlu.faults import fault_type_of
from bot.nlu.numbers import to_canonical
from bot.services import tickets as ticket_service

#: Saying that nothing leaks (不漏水, 没漏, 没有跑水, 不是漏水, 一点水都没有).
_NO_LEAK = re.compile(
    r"(?:不|没|没有|并没有|并不|也没|也不)(?:是)?(?:漏|渗|滴|跑水|冒水|呲水|喷水|出水)|"
    r"一点水(?:都|也)?没"
)
NOTED = "utter_no_leak_noted"


def denies_leak(text: str | None) -> bool:
    """Whether `text` says nothing is leaking, and reports no escaping water itself."""
    canonical = to_canonical(str(text or ""))
    return _NO_LEAK.search(canonical) is not None and detect_emergency(canonical) is None


async def no_leak_after_all(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """Correct the conversation's urgent leak ticket when the resident says nothing leaks: the
    fault they name (or, if none, the first message's, else 其他), their words on it, and a word
    to them. No events when the message says no such thing or no urgent ticket is open."""
    number = tracker.get_slot("urgent_ticket_no")
    text = latest_text(tracker)
    if not number or not denies_leak(text):
        return []
    said = resident_words(tracker, {"report_repair"}, "repair_form")
    fault = next(
        (f for f in (fault_type_of(text), fault_type_of(said)) if f and f != "leak"), "other"
    )
    name = ticket_service.FAULT_NAMES.get(fault, fault)
    await in_db(
        ticket_service.amend_ticket,
        number,
        clock.now(),
        f"user:{channel_of(tracker)}",
        None,
        fault_type=fault,
        description=f"{said}（用户更正：没有漏水，问题是{name}）",
    )
    dispatcher.utter_message(
        response=NOTED, ticket_no=number, fault=name, hotline=policy().company.hotline
    )
    return [SlotSet("fault_type", fault)]
