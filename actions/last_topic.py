"""A short follow-up resolved against the conversation's last topic (player findings 5, classes F
and H).

Residents ask on from what they were just told, in a few words that name nothing a topic model
could place: 多久能给我答复 after a complaint was filed, 那要带啥 我去办过户 after a hall's hours,
那热水袋能用吗 after the advice for a feverish child, 是一回事吗 after a heating stop. Alone, such a
message got the knowledge base's option list (您想了解的是下面哪一项？请点选: a dead end on SMS and
for anyone who does not see the buttons), another topic, or "what business?". Read against the
last topic, each has an answer:

- the stop told (`actions.stop_follow_ups`): a refund, spoilt goods, what to do that day, one
  thing or not, a restore time supposed back;
- the care just advised for someone cold (an emergency's first aid, a stop day's tips, a stop
  told): a warming aid asked about (`bot.nlu.stop_day.asks_warming_aid`), used safely;
- a ticket this conversation filed: when the company gets back (`asks_when_we_reply`), that
  ticket's own deadlines (`actions.tickets.status_detail`), and the offer the bot had made, asked
  again (the complaint's repair offer was lost to the question);
- a hall just shown: what to bring (`actions.service_halls.answer_hall_follow_up`, which every
  caller of this function reaches on its own).

`answer_on_last_topic` is said from the actions such messages land in (the knowledge base, a
bare value, out of scope, the fallback, the outage answer, a yes or no); None when the message is
none of these, so the action goes on as before.
"""

from __future__ import annotations

import logging
import re

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from actions.common import bot_said_within, channel_of, fresh_pending, latest_text, policy, read_db
from actions.stop_follow_ups import answer_stop_follow_up
from actions.tickets import status_detail
from bot.nlu.requests import asks_when, asks_when_we_reply
from bot.nlu.stop_day import asks_warming_aid
from bot.services import tickets as ticket_service

logger = logging.getLogger(__name__)

#: The advice for someone cold, after which a warming aid asked about is about that advice.
CARE_ADVISED = frozenset(
    {
        "utter_emergency_person_cold",
        "utter_stop_day_care",
        "utter_outage_found",
        "utter_stop_cannot_move",
        "utter_stop_presence",
        "utter_warming_aid",
    }
)
#: How many of the resident's messages back that advice still counts.
CARE_LOOKBACK = 4
#: News of a ticket asked for beside 多久 / 什么时候 (多长时间能有结果, 什么时候来人).
_TICKET_NEWS = re.compile(r"结果|回音|消息|信儿|解决|办好|处理好|来人|上门|回电")
#: The yes/no offers a follow-up question leaves open, and how they are put again.
OFFERS_PUT_AGAIN = {
    "repair": "要不要顺便报修、请师傅上门看看",
    "second:file_complaint": "要不要登记投诉",
    "second:query_fee": "要不要查暖气费",
    "second:request_temp_check": "要不要上门测温",
    "second:query_outage": "要不要查停热情况",
}


async def answer_on_last_topic(
    dispatcher: CollectingDispatcher, tracker: Tracker
) -> list[EventType] | None:
    """The follow-up answered against the last topic (module docstring), with the offer it left
    open asked again; None when the latest message is no such follow-up."""
    open_offer = fresh_pending(tracker)
    events = await answer_stop_follow_up(dispatcher, tracker)
    if events is None and tell_warming_aid(dispatcher, tracker):
        events = []
    if events is None:
        events = await tell_ticket_deadlines(dispatcher, tracker)
    if events is None:
        return None
    if not any(e.get("name") == "pending" for e in events):
        events = [*events, *put_offer_again(dispatcher, open_offer)]
    return events


def put_offer_again(dispatcher: CollectingDispatcher, offer: str | None) -> list[EventType]:
    """The yes/no offer a question was asked beside (多久能给我答复 after 现在帮您登记吗？), put
    again in one line and kept open, so a yes next still takes it; nothing for other offers."""
    what = OFFERS_PUT_AGAIN.get(offer or "")
    if what is None:
        return []
    dispatcher.utter_message(response="utter_offer_still_open", what=what)
    return [SlotSet("pending", offer)]


def tell_warming_aid(dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
    """那热水袋能用吗 after the advice for someone cold: yes, and how to use it safely (a hot-water
    bottle wrapped, an electric heater away from the bedding, never charcoal), 120 for someone
    unwell. False when not asked, or no such advice came lately."""
    if not asks_warming_aid(latest_text(tracker)):
        return False
    if not bot_said_within(tracker, CARE_ADVISED, CARE_LOOKBACK):
        return False
    dispatcher.utter_message(
        response="utter_warming_aid", ambulance_phone=policy().emergency.ambulance_phone
    )
    return True


def asks_ticket_news(text: str) -> bool:
    """Whether `text` asks when the company gets back or the ticket is dealt with (多久能给我答复,
    什么时候有结果, 啥时候来人)."""
    return asks_when_we_reply(text) or (asks_when(text) and _TICKET_NEWS.search(text) is not None)


async def tell_ticket_deadlines(
    dispatcher: CollectingDispatcher, tracker: Tracker
) -> list[EventType] | None:
    """多久能给我答复 once this conversation filed a ticket: that ticket's status and deadlines
    (the first contact, the result; the crew's arrival for an urgent one). None when not asked,
    or no open ticket of this conversation (the question is then a general one)."""
    if tracker.active_loop.get("name") or not asks_ticket_news(latest_text(tracker)):
        return None
    try:
        tickets = await read_db(
            ticket_service.own_tickets, channel_of(tracker), tracker.sender_id, 1
        )
    except SQLAlchemyError:
        logger.warning("ticket deadlines not told: the store cannot be read")
        return None
    ticket = next((t for t in tickets if t.status in ticket_service.OPEN), None)
    if ticket is None:
        return None
    dispatcher.utter_message(
        response="utter_ticket_status",
        ticket_no=ticket.ticket_no,
        kind=ticket.kind_name,
        status=ticket.status_name,
        detail=status_detail(ticket, reply_asked=True),
    )
    return []
