"""An urgent ticket chased, or asked to be called off (player findings 5, class B).

**Chased** (师傅还没来呢 都快一个小时了, 到底啥时候来, 水还在流 with the ticket's number): the chase
goes on the ticket for the dispatcher (`urged`), a person is asked to follow it up (the `chase`
hand-off), and the resident reads where the ticket stands: its address, its state and when the
crew is due, or that it is late, and the 24-hour duty number. Never a second urgent ticket for the
same leak: a resident who proved a ticket filed elsewhere (its number and contact phone,
`bot.services.ticket_proof`) and then wrote 水还在流 was given a new urgent ticket and asked for
the address again; 师傅还没来呢 right after that ticket's status read "no ticket in this
conversation". The ticket a conversation named by its number and may see counts as its own here.

**Called off** (把单子取消了, 取消 BX…, 暖气没漏 不用来人了): an urgent ticket is never withdrawn by
chat (`TicketView.withdrawal_refused`: the duty team was paged, and a person confirms by phone
before a crew is stood down; an agent cancels it from the console). The bot used to tell the
resident to reply 取消 BX… and then answer that very reply with "cannot be cancelled online". Now
it says once that it cannot be cancelled here, writes the resident's wish on the ticket for the
duty team, and gives the duty phone and 转人工; asked again, it offers the person at once.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import channel_of, in_db, latest_text, policy, read_db, uttered
from bot.base import clock
from bot.nlu.numbers import normalise_ticket_no
from bot.nlu.requests import chases_the_crew, chasing
from bot.services import tickets as ticket_service
from bot.services.tickets import TicketView

#: What a chased urgent ticket's resident reads, the first time and after (domain.yml).
CHASED = "utter_urgent_chased"
CHASED_AGAIN = "utter_urgent_chased_again"
#: What a resident who wants the urgent ticket called off reads, the first time and after.
NOT_CANCELLABLE = "utter_urgent_not_cancellable"
NOT_CANCELLABLE_AGAIN = "utter_urgent_not_cancellable_again"
#: The stop of the repair form with an urgent ticket open (actions/conversation.py): it says
#: already that the ticket cannot be withdrawn online.
KEPT = "utter_urgent_kept"
#: The offer of a person a second call-off ends with (`pending`: a yes hands over).
HUMAN_OFFER = "human"
#: How many of the resident's messages are looked through for the ticket numbers they named.
NAMED_LOOKBACK = 8


def chases(text: str | None) -> bool:
    """Whether `text` chases a visit that has not come (师傅还没来呢, 到底啥时候来, 鬼影子都没
    见着)."""
    return chases_the_crew(text) or chasing(text)


def numbers_named(tracker: Tracker) -> list[str]:
    """The ticket numbers the resident wrote in their last messages, the latest first."""
    said = [str(e.get("text") or "") for e in reversed(tracker.events) if e.get("event") == "user"]
    found = (normalise_ticket_no(text) for text in said[:NAMED_LOOKBACK])
    return list(dict.fromkeys(number for number in found if number))


async def named_urgent(tracker: Tracker) -> TicketView | None:
    """The open urgent repair ticket the conversation named by its number and may see (filed
    here, proved with its contact phone, or a bound account's), the latest named first; None
    when it named none."""
    channel, sender = channel_of(tracker), tracker.sender_id
    for number in numbers_named(tracker):
        ticket = await read_db(ticket_service.find_visible, number, channel, sender)
        if ticket is not None and _open_urgent(ticket):
            return ticket
    return None


async def tickets_named(tracker: Tracker) -> list[TicketView]:
    """The tickets the conversation named by their numbers and may see, the latest named first:
    a ticket filed by phone or in another chat and proved here is what 师傅还没来呢 is about."""
    channel, sender = channel_of(tracker), tracker.sender_id
    seen: list[TicketView] = []
    for number in numbers_named(tracker):
        ticket = await read_db(ticket_service.find_visible, number, channel, sender)
        if ticket is not None:
            seen.append(ticket)
    return seen


def _open_urgent(ticket: TicketView) -> bool:
    return ticket.kind == "BX" and ticket.urgent and ticket.status in ticket_service.OPEN


def is_open_urgent(ticket: TicketView | None) -> bool:
    """Whether `ticket` is an urgent repair nobody has finished with."""
    return ticket is not None and _open_urgent(ticket)


def _said_before(tracker: Tracker, responses: frozenset[str]) -> bool:
    return any(e.get("event") == "bot" and uttered(e) in responses for e in tracker.events)


def _arrival(ticket: TicketView) -> str:
    """When the crew is due, or that the promise is broken already."""
    if ticket.on_site_due is None:
        return "值班人员会尽快安排抢修人员上门"
    due = clock.format_due(ticket.on_site_due)
    if ticket.on_site_due < clock.now():
        return f"已超过承诺时间（{due}）"
    return f"抢修人员 {due} 前到达"


async def chase_urgent(
    dispatcher: CollectingDispatcher, tracker: Tracker, ticket: TicketView
) -> list[EventType]:
    """Chase the urgent `ticket` (module docstring): the chase on the ticket, where it stands
    and the duty number, and, the first time, a person to follow it up (the `chase` hand-off).
    A second chase of it repeats where it stands; the person already has it."""
    urged = await in_db(
        ticket_service.urge_ticket,
        ticket.ticket_no,
        channel_of(tracker),
        tracker.sender_id,
        clock.now(),
        latest_text(tracker),
    )
    ticket = urged.ticket if urged is not None else ticket
    fields: dict[str, Any] = {
        "ticket_no": ticket.ticket_no,
        "address": ticket.address or "地址待补充",
        "status": ticket.status_name,
        "arrival": _arrival(ticket),
        "duty_phone": policy().emergency.duty_phone,
    }
    if _said_before(tracker, frozenset({CHASED})):
        dispatcher.utter_message(response=CHASED_AGAIN, **fields)
        return []
    dispatcher.utter_message(response=CHASED, **fields)
    from actions.conversation import hand_over  # imports this module

    return await hand_over(dispatcher, tracker, "chase")


async def refuse_urgent_cancel(
    dispatcher: CollectingDispatcher, tracker: Tracker, ticket_no: str
) -> list[EventType]:
    """An urgent ticket the resident wants called off (module docstring): their words on the
    ticket for the duty team, and, once, that it cannot be withdrawn online, with the duty phone
    and 转人工; asked again, the person offered (`pending: human`)."""
    await in_db(
        ticket_service.note_on_ticket,
        ticket_no,
        channel_of(tracker),
        tracker.sender_id,
        clock.now(),
        f"住户表示不需要抢修/要求撤单（紧急工单不能在线取消，请电话确认后撤单）：{latest_text(tracker)}",
    )
    duty = policy().emergency.duty_phone
    if _said_before(tracker, frozenset({NOT_CANCELLABLE, NOT_CANCELLABLE_AGAIN, KEPT})):
        dispatcher.utter_message(
            response=NOT_CANCELLABLE_AGAIN, ticket_no=ticket_no, duty_phone=duty
        )
        return [SlotSet("pending", HUMAN_OFFER)]
    dispatcher.utter_message(response=NOT_CANCELLABLE, ticket_no=ticket_no, duty_phone=duty)
    return [SlotSet("pending", None)]
