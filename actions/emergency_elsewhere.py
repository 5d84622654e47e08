"""An emergency in a community the company does not serve: the advice, whom to call, no crew.

万科城5号楼暖气漏水了 opened an urgent ticket and paged the duty team for a place no crew of ours
goes to (its heat comes from another supplier), and the ticket could then not be withdrawn:
你们不管是吧, 取消吧 and 算了 were passed over (player findings 3, class B). What a heating
company's service desk does instead: the safety advice and the numbers first, as for any
emergency (actions/emergency.py sends them before anything else), then the plain truth — the
place is not ours, nobody of ours can come — and whom to call now: the property management or
the home's heat supplier, 110 / 119 when it is dangerous, 120 for someone hurt. No ticket is
opened; one already opened before the place was named is withdrawn by the bot, the reason noted
for the duty team that was paged (`ticket_service.withdraw_not_served`).

Only a name that is clearly none of ours counts: a served name spelt close (万科成 for a served
万科城 would be) keeps the urgent ticket, for the duty team to sort out on the phone.
"""

from __future__ import annotations

import logging

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from actions.common import channel_of, in_db, leave_form, policy, read_db
from actions.outage import home_named_before, unserved_community_named
from bot.base import clock
from bot.nlu.address import communities_spelt_like
from bot.services import tickets as ticket_service
from bot.services.outages import known_communities

logger = logging.getLogger(__name__)

#: Said after the safety advice for an emergency in a community the company does not serve.
NOT_SERVED = "utter_emergency_not_served"


async def clearly_unserved(tracker: Tracker) -> str | None:
    """The community the latest message names when it is clearly none the company serves: not
    one of ours, none of ours spelt close, and no earlier message named one of ours as home.
    None otherwise, and when the store cannot be read (the emergency then goes its usual way)."""
    try:
        name = await unserved_community_named(tracker)
        if name is None or await home_named_before(tracker):
            return None
        near = communities_spelt_like(name, await read_db(known_communities))
    except SQLAlchemyError:
        logger.warning("community check skipped for an emergency: the store cannot be read")
        return None
    return None if near else name


async def emergency_elsewhere(
    dispatcher: CollectingDispatcher, tracker: Tracker, urgent_no: str | None
) -> list[EventType] | None:
    """Tell a resident whose emergency is in a community the company does not serve that no crew
    of ours can come and whom to call; withdraw the conversation's urgent ticket `urgent_no`
    when it was opened before the place was named. The form ends (nothing is booked). None when
    the latest message names no such place."""
    name = await clearly_unserved(tracker)
    if name is None:
        return None
    withdrawn = None
    if urgent_no:
        withdrawn = await in_db(
            ticket_service.withdraw_not_served,
            urgent_no,
            clock.now(),
            channel_of(tracker),
            tracker.sender_id,
            name,
        )
    numbers = policy().emergency
    dispatcher.utter_message(
        response=NOT_SERVED,
        ticket_note=(
            f"紧急工单 {withdrawn.ticket_no} 已撤销（值班人员已注明）"
            if withdrawn
            else "没有生成工单"
        ),
        police_phone=numbers.police_phone,
        fire_phone=numbers.fire_phone,
        ambulance_phone=numbers.ambulance_phone,
    )
    return leave_form(tracker)
