"""Outage questions: which community, and what stops cover it now or soon."""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.exc import SQLAlchemyError

from actions.building_fault import building_cold_told, tell_building_fault_once
from actions.common import (
    ASK_MEANT,
    OUTAGE_TOLD,
    apologise_once,
    bot_said_within,
    bot_turns,
    guarded,
    latest_intent,
    latest_text,
    latest_text_of_intent,
    leave_form,
    message_metadata,
    offer_second_request,
    policy,
    read_db,
    sender_account,
    this_turn,
    window_of,
)
from actions.knowledge import answer_faq_clauses
from bot.base import clock
from bot.nlu.address import Address, communities_spelt_like, parse_address, unserved_community
from bot.nlu.answers import confirms_name, yes_no_answer
from bot.nlu.clauses import clause_intents
from bot.nlu.cold_since import cold_for_days
from bot.nlu.faults import fault_type_of
from bot.nlu.requests import demands_heat, requests_in
from bot.nlu.reschedule import moves_a_stop
from bot.nlu.stop_day import asks_stop_day_care, asks_stop_times
from bot.services.accounts import contact_of
from bot.services.outages import (
    OutageView,
    current_outages,
    known_communities,
    match_community,
    outages_in,
)

logger = logging.getLogger(__name__)

#: How many of the user's latest messages may name the community a follow-up is about.
RECENT_MESSAGES = 5


async def community_of(tracker: Tracker) -> str | None:
    """The community the user means: where they are, named now, in the address slot, named in
    one of their last few messages (那什么时候能好 after "幸福里的暖气不热"), or theirs.

    "Where they are" is a community the channel located (WeChat location messages). Only a
    community the company serves is returned (`unserved_community_named` tells the other).
    """
    known = await read_db(known_communities)
    located = message_metadata(tracker).get("community")
    if isinstance(located, str) and located in known:
        return located
    texts = [latest_text(tracker)]
    texts += [
        str(e.get("value"))
        for e in tracker.latest_message.get("entities", [])
        if e.get("entity") == "address"
    ]
    texts.append(str(tracker.get_slot("address") or ""))
    for text in texts:
        if name := match_community(text, known):
            return name
    named = parse_address(latest_text(tracker), known).community
    if named in known:
        return named
    earlier = [str(e.get("text") or "") for e in tracker.events if e.get("event") == "user"]
    for text in reversed(earlier[-RECENT_MESSAGES:]):
        if name := match_community(text, known):
            return name
    if named:
        # a name we do not serve (碧桂园, or 幸福小区 for 幸福里小区): no fact of ours is about it,
        # and the resident's own account's community would answer another place
        return None
    account = await sender_account(tracker)
    contact = await read_db(contact_of, account) if account else None
    return contact.community if contact else None


#: Up to how many served communities an answer names (a city company serves hundreds).
_NAMED_AT_MOST = 12


def served_list(known: list[str]) -> str:
    """The served communities as an answer names them, or nothing when they are too many."""
    if not known or len(known) > _NAMED_AT_MOST:
        return ""
    return f"我们供热的小区有：{'、'.join(sorted(known))}。"


async def unserved_community_named(tracker: Tracker) -> str | None:
    """A community the latest message names that the company does not serve (碧桂园停暖了吗, 幸福
    小区 misspelt), when it names none it does (`bot.nlu.address.unserved_community`)."""
    known = await read_db(known_communities)
    text = latest_text(tracker)
    if match_community(text, known):
        return None
    return unserved_community(text, known)


def asked_back(near: list[str]) -> str:
    """The served names spelt like the one said, asked back (您说的是不是“幸福里小区”？)."""
    return f"您说的是不是“{'”或“'.join(near)}”？" if near else ""


#: Said for a place the company does not serve: not ours, the served list, whom to ask.
NOT_SERVED = "utter_community_not_served"


async def tell_not_served(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[str] | None:
    """碧桂园3号楼1单元201 / 万科城的暖气归你们管吗 / 我家在碧桂园 暖气费多少钱一平: the latest
    message names a community the company does not serve (players' class D: a repair was booked
    there, the price quoted as if served). Say at once that it is not ours, name the served ones
    and send the resident to their property management or heat supplier; a served name spelt
    close is asked back. Returns the served names asked back ([] none), None when no unserved
    place is named (nothing said)."""
    name = await unserved_community_named(tracker)
    if name is None:
        return None
    known = await read_db(known_communities)
    near = communities_spelt_like(name, known)
    # the name is the resident's text, not ours to repeat (docs/security.md)
    dispatcher.utter_message(response=NOT_SERVED, near=asked_back(near), served=served_list(known))
    return near


async def home_not_served(
    dispatcher: CollectingDispatcher, tracker: Tracker
) -> list[EventType] | None:
    """A repair or 测温 for a home in a community the company does not serve: nobody of ours
    can go there, so the form ends with nothing booked (`tell_not_served`). When a served name
    is spelt close, the form stays and asks the address again (`spelling_confirmed` takes a
    yes). None when the latest message names no unserved place, or an urgent ticket is open
    (the emergency's own check withdraws it: actions/emergency_elsewhere.py), or when the
    ticket store cannot
    be read: the check is skipped, and the step that needs the store says truthfully that
    nothing was made (对 at the read-back got "请稍后再发一次" with the read-back again instead)."""
    if latest_intent(tracker) in ("affirm", "deny") or tracker.get_slot("urgent_ticket_no"):
        return None  # a bare yes or no names no place
    try:
        if await home_named_before(tracker):
            return None
        near = await tell_not_served(dispatcher, tracker)
    except SQLAlchemyError:
        logger.warning("community check skipped: the ticket store cannot be read")
        return None
    if near is None:
        return None
    if near:
        return [SlotSet("address", None), SlotSet("requested_slot", "address")]
    return leave_form(tracker)


async def home_named_before(tracker: Tracker) -> bool:
    """Whether an earlier message named one of our communities (我家在金色家园 …, then 行 那先约个
    下周一上午 3号楼2单元1201: the words before the building are no other place)."""
    known = await read_db(known_communities)
    earlier = [str(e.get("text") or "") for e in tracker.events if e.get("event") == "user"][:-1]
    return any(match_community(text, known) for text in earlier[-RECENT_MESSAGES:])


async def spelling_confirmed(tracker: Tracker) -> str | None:
    """对 / 是的 right after a served name was asked back for the home (您说的是不是“幸福里小区”？):
    the address said before, with that name (幸福家园3号楼1单元201 → 幸福里小区3号楼1单元201).
    None for any other message, or when more than one name was asked back."""
    events = list(tracker.events)
    bots = [
        i
        for i, e in enumerate(events)
        if e.get("event") == "bot" and (e.get("metadata") or {}).get("utter_action")
    ]
    if not bots:
        return None
    asked = (events[bots[-1]].get("metadata") or {}).get("utter_action")
    users = [str(e.get("text") or "") for e in events[: bots[-1]] if e.get("event") == "user"]
    if asked not in (NOT_SERVED, ASK_MEANT) or not users:
        return None
    known = await read_db(known_communities)
    if asked == ASK_MEANT:
        # 对 / 是阳光花园 after 您说的是阳光花园吗？: the home told, in our community's name
        said = parse_address(users[-1], known)
        confirmed = confirms_name(latest_text(tracker), said.community or "")
        return said.summary() if said.community and confirmed else None
    if latest_intent(tracker) != "affirm" and yes_no_answer(latest_text(tracker)) != "affirm":
        return None
    name = unserved_community(users[-1], known)
    near = communities_spelt_like(name, known) if name else []
    if len(near) != 1:
        return None
    said = parse_address(users[-1], known)
    home = Address(
        raw="", community=near[0], building=said.building, unit=said.unit, room=said.room
    )
    return home.summary()


def describe(outage: OutageView, community: str, now: datetime) -> dict[str, str]:
    """The variables of `utter_outage_found` for one outage."""
    if outage.active(now):
        when = f"已于 {clock.format_spoken(outage.starts_at, now)} 开始停热，"
    else:
        when = f"将于 {clock.format_spoken(outage.starts_at, now)} 开始停热，"
    if outage.expected_end_at is None:
        restore = "恢复时间确定后会第一时间通知。"
    elif outage.expected_end_at <= now:
        # Still open past its expected end: promising a time already gone would be wrong.
        restore = "已超过原定恢复时间，正在抢修中，恢复后会第一时间通知。"
    else:
        left = time_left(outage.expected_end_at - now)
        restore = f"预计 {clock.format_spoken(outage.expected_end_at, now)} 恢复供热{left}。"
    return {
        "community": community,
        "kind": outage.kind_name,
        "reason": outage.reason,
        "when": when,
        "restore": restore,
    }


def time_left(left: timedelta) -> str:
    """How long until the heat is back, as people say it (（约8小时后）): someone sitting in a
    cold flat counts hours, not clock times; none beyond two days, where the date says it."""
    minutes = left.total_seconds() / 60
    if minutes < 1 or minutes >= 48 * 60:
        return ""
    if minutes < 60:
        return f"（约{math.ceil(minutes)}分钟后）"
    return f"（约{round(minutes / 60)}小时后）"


async def heating_stopped(tracker: Tracker) -> tuple[str, list[OutageView]] | None:
    """The user's community and the stops under way there now, if heating is stopped for them.

    A radiator that is cold during a stop is the stop, not a fault in the home: booking a visit
    for it sends a fitter to a flat where nothing can be fixed until the heat is back.
    """
    community = await community_of(tracker)
    if community is None:
        return None
    now = clock.now()
    stopped = [o for o in await read_db(outages_in, community, now) if o.active(now)]
    return (community, stopped) if stopped else None


def tell_stop(dispatcher: CollectingDispatcher, community: str, stopped: list[OutageView]) -> None:
    """Say each stop under way in `community`, as the outage answer does."""
    now = clock.now()
    for outage in stopped:
        dispatcher.utter_message(response="utter_outage_found", **describe(outage, community, now))


async def stopped_where_they_live(tracker: Tracker) -> bool:
    """Whether heating is stopped in the resident's community now (False if the store cannot
    say): a repair offered then is the offer after a stop."""
    try:
        return await heating_stopped(tracker) is not None
    except SQLAlchemyError:
        logger.warning("outage check failed; offering as usual")
        return False


async def tell_stop_once(dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
    """Where heating is stopped in the resident's community and the conversation has not told
    them yet, tell them now: someone unwell from the cold, or complaining that there is no heat,
    needs to hear why and until when before anything else is asked. Whether it was told."""
    if any(_offered(tracker, told) for told in ("utter_outage_found", "utter_no_outage")):
        return False
    try:
        stopped = await heating_stopped(tracker)
    except SQLAlchemyError:
        logger.warning("outage check failed; the stop is not told")
        return False
    if stopped is not None:
        tell_stop(dispatcher, *stopped)
    return stopped is not None


def _offered(tracker: Tracker, offer: str) -> bool:
    """Whether this conversation already heard `offer` (a response name)."""
    return any(
        e.get("event") == "bot" and (e.get("metadata") or {}).get("utter_action") == offer
        for e in tracker.events
    )


#: Said when the resident's home was cold before the stop began (players' class H).
NOT_THE_CAUSE = "utter_stop_not_the_cause"
#: A stop this young cannot explain a home cold "for days".
_YOUNG_STOP = timedelta(hours=24)


def cold_before_the_stop(tracker: Tracker, stops: list[OutageView]) -> bool:
    """Whether the resident's last messages say the home has been cold for a day or more
    (好几天了, 一个礼拜前就不热了) while every stop under way began less than a day ago."""
    now = clock.now()
    if not stops or any(now - stop.starts_at >= _YOUNG_STOP for stop in stops):
        return False
    said = [str(e.get("text") or "") for e in tracker.events if e.get("event") == "user"]
    return any(cold_for_days(text) for text in said[-4:])


def _said(tracker: Tracker, response: str) -> bool:
    return any(
        e.get("event") == "bot" and (e.get("metadata") or {}).get("utter_action") == response
        for e in tracker.events
    )


async def stop_before_booking(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    offer: str,
    pending: str,
    beside: Callable[[], Awaitable[None]] | None = None,
) -> list[EventType] | None:
    """The stop first: where heating is stopped in the resident's community, say so and `offer`
    to book anyway (once per conversation), and end the form without a ticket: the events for
    that (the submitting action sees `pending`); None to go on with the form. `beside` answers
    the questions asked beside the request between the stop and the offer (最近的营业厅在哪 …
    暖气从早上就凉了: the hall was never answered), so the offer's question comes last.

    A visit during a stop finds a cold radiator and nothing to fix or measure. The check helps
    but must never break the booking: if the store cannot be read, the form goes on.
    """
    if _offered(tracker, offer):
        return None
    try:
        stopped = await heating_stopped(tracker)
    except SQLAlchemyError:
        logger.warning("outage check before a booking failed; booking as usual")
        return None
    if stopped is None:
        return None
    if _said(tracker, NOT_THE_CAUSE):
        return None  # told already that this stop is not why: the booking goes on
    tell_stop(dispatcher, *stopped)
    if cold_before_the_stop(tracker, stopped[1]):
        # 好几天了 when the stop began tonight: it is not why, and the visit is wanted
        dispatcher.utter_message(response=NOT_THE_CAUSE)
        return None
    if beside is not None:
        await beside()
    dispatcher.utter_message(response=offer)
    return [
        SlotSet("requested_slot", None),
        SlotSet("visit_time", None),
        SlotSet("pending", pending),
    ]


def stops_during(
    window: tuple[datetime, datetime] | None, stops: list[OutageView]
) -> list[OutageView]:
    """The stops of `stops` that overlap a visit `window` (a stop with no expected end overlaps
    everything after its start)."""
    if window is None:
        return []
    start, end = window
    return [
        stop
        for stop in stops
        if stop.starts_at < end and (stop.expected_end_at is None or stop.expected_end_at > start)
    ]


async def tell_stops_for_booking(
    dispatcher: CollectingDispatcher, tracker: Tracker, events: list[EventType]
) -> None:
    """What a booking must know of the stops in the resident's community, said as the form
    accepts the answers (`events`, this turn's validation):

    - the address names a community with an announced stop to come (金色家园's 二次管网检修):
      the stop, once per conversation (a stop under way is told before booking,
      `stop_before_booking`); a resident whose radiator is cold may be waiting for it;
    - the visit window falls inside a stop there: say so and invite another time, since a
      fitter or a thermometer finds nothing to judge in a flat without heat.

    A store that cannot be read says nothing: the booking goes on.
    """
    accepted = {
        str(e.get("name")): e.get("value")
        for e in events
        if e.get("event") == "slot" and e.get("name") in ("address", "visit_time")
    }
    address = accepted.get("address") or tracker.get_slot("address")
    if not address or (not accepted.get("address") and not accepted.get("visit_time")):
        return
    try:
        community = match_community(str(address), await read_db(known_communities))
        stops = await read_db(outages_in, community, clock.now()) if community else []
    except SQLAlchemyError:
        logger.warning("outage check during a booking failed; booking as usual")
        return
    if not community or not stops:
        return
    now = clock.now()
    if accepted.get("address") and not any(_offered(tracker, told) for told in OUTAGE_TOLD):
        coming = [stop for stop in stops if not stop.active(now)]
        if coming:
            tell_stop(dispatcher, community, coming)
    window = window_of(str(accepted.get("visit_time") or ""))
    for stop in stops_during(window, stops):
        dispatcher.utter_message(
            response="utter_visit_during_stop",
            community=community,
            kind=stop.kind_name,
            stop=_stop_span(stop),
        )


def _stop_span(stop: OutageView) -> str:
    """When a stop runs, as the resident reads it (11月30日 08:00 至 11月30日 18:00)."""
    if stop.expected_end_at is None:
        return f"{clock.format_moment(stop.starts_at)} 起"
    return f"{clock.format_moment(stop.starts_at)} 至 {clock.format_moment(stop.expected_end_at)}"


async def tell_outage_asked(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """A heating-stop question asked beside another request (幸福里停暖了？顺便帮我查下暖气费): the
    stops in the resident's community, or that there are none, said now and without an offer,
    since the request goes on. Nothing when the community is not known yet (the question is
    then offered once the request is done) or this turn has said it."""
    if latest_intent(tracker) == "query_outage":
        return
    text = latest_text(tracker)
    if "query_outage" not in requests_in(text) + clause_intents(tracker.latest_message):
        return
    told = [(e.get("metadata") or {}).get("utter_action") for e in this_turn(tracker)]
    told += [m.get("response") for m in dispatcher.messages]
    if OUTAGE_TOLD.intersection(told) or bot_said_within(tracker, OUTAGE_TOLD, 3):
        # told in answer to one of the last messages: an angry resident who keeps naming the
        # stop is not pasted the same paragraph in every reply (the players' pl-03: six times)
        return
    community = await community_of(tracker)
    if community is None:
        return
    now = clock.now()
    found = await read_db(outages_in, community, now)
    for outage in found:
        dispatcher.utter_message(response="utter_outage_found", **describe(outage, community, now))
    if not found:
        dispatcher.utter_message(response="utter_no_outage_here", community=community)


NOT_STARTED = "utter_stop_not_started"
#: Said to a resident who asks to move or call off a stop (`moves_a_stop`): a network's stop is
#: not moved for one household; how to get through it, the notices, a person.
CANNOT_MOVE = "utter_stop_cannot_move"
#: A cold home spoken of ahead, feared or supposed (停暖那天冻坏了算谁的, 回来怕冷, 万一不热):
#: not now.
_NOT_NOW = re.compile(r"那天|到时候|那几天|停(的|暖|热)的?时候|万一|如果|要是|假如|怕|担心")


def cold_now(tracker: Tracker) -> bool:
    """Whether the resident's home is cold now: a 测温 under way, a repair of a cold radiator
    under way, or no heat said in the latest message (not of the day of the stop, not as a
    supposition). Only then is a stop that has not started worth calling not the cause."""
    form = tracker.active_loop.get("name")
    if form == "temp_check_form":
        return True
    if form == "repair_form" and tracker.get_slot("fault_type") == "no_heat":
        return True
    text = latest_text(tracker)
    return fault_type_of(text) == "no_heat" and _NOT_NOW.search(text) is None


#: How many of the bot's turns back a stop it told is still the one a question is about.
STOP_LOOKBACK_TURNS = 3


def stop_told_lately(tracker: Tracker) -> bool:
    """Whether the bot told a stop (`utter_outage_found`) in its last few turns."""
    return any(
        (event.get("metadata") or {}).get("utter_action") == "utter_outage_found"
        for turn in bot_turns(tracker)[:STOP_LOOKBACK_TURNS]
        for event in turn
    )


def tell_stop_day_care(
    dispatcher: CollectingDispatcher, tracker: Tracker, stop_told: bool | None = None
) -> bool:
    """How to get through a stop's day (停暖那天能不能用电暖器, 停的那天老人咋办:
    `asks_stop_day_care`), as a follow-up of the stop just told or of one the message names;
    the classifier gave such questions the season's dates, the stop again or topic buttons
    (p4-005, p4-019). `stop_told`: the caller knows a stop was just told; else the bot's last
    turns say. False: not asked."""
    told = stop_told_lately(tracker) if stop_told is None else stop_told
    if not asks_stop_day_care(latest_text(tracker), told):
        return False
    if stop_told is None and asks_stop_times(latest_text(tracker)):
        # 那天几点停几点来 我家里有老人要不要准备啥: the outage answer says the times first, then
        # these tips (p5-004 heard only the times; with the tips alone, only the tips)
        return False
    numbers = policy().emergency
    dispatcher.utter_message(
        response="utter_stop_day_care",
        hotline=policy().company.hotline,
        ambulance_phone=numbers.ambulance_phone,
    )
    return True


class ActionQueryOutage(Action):
    """Answers 停暖了吗 for the user's community, or asks which community they live in."""

    def name(self) -> str:
        """The action's name, as in domain.yml."""
        return "action_query_outage"

    @guarded
    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Tell the stops covering the community, or that there are none and offer a repair;
        a hall question beside the stop question is answered after it (周四停暖是停一整天吗？另外
        朝阳那个营业厅周六开门不, hav-005). Right after a hall's answer, a question naming a hall
        by its community (那和平里那个在哪 周六几点到几点, hav-030) is about that hall; a follow-up
        about the stop told (今天这一天算不算, 是一回事吗) is answered as such."""
        from actions.last_topic import answer_on_last_topic  # it imports this module
        from actions.service_halls import answer_hall_follow_up, tell_hall_asked  # imports this

        if not tracker.active_loop.get("name") and await answer_hall_follow_up(
            dispatcher, tracker, after_task=False
        ):
            return [SlotSet("pending", None)]
        followed = await answer_on_last_topic(dispatcher, tracker)
        if followed is not None:
            return followed
        now = clock.now()
        community = await community_of(tracker)
        unserved = None if community else await unserved_community_named(tracker)
        if unserved is not None:
            # 碧桂园停暖了吗: "no stop there" would be a fact we do not have, and the name is the
            # resident's text, not ours to repeat; a served name spelt close to it is asked back
            known = await read_db(known_communities)
            dispatcher.utter_message(
                response="utter_outage_community_unknown",
                served=served_list(known),
                near=asked_back(communities_spelt_like(unserved, known)),
            )
            return [SlotSet("pending", "outage_community")]
        if community is None:
            ongoing = await read_db(current_outages)
            current = ""
            if ongoing:
                names = "、".join(sorted({c for o in ongoing for c in o.communities}))
                current = f"目前有停热安排的小区：{names}。"
            dispatcher.utter_message(response="utter_ask_community", current=current)
            return [SlotSet("pending", "outage_community")]
        found = await read_db(outages_in, community, now)
        if not found and tracker.active_loop.get("name"):
            # asked in the middle of a booking: the booking goes on, nothing to offer
            dispatcher.utter_message(response="utter_no_outage_here", community=community)
            return []
        if not found and building_cold_told(tracker):
            # 我们整栋楼都不热，和平里13号楼，是不是停暖了: no stop, so not "可能是户内问题" but the
            # building's fault, the duty line, and the repair taken down at once (players' B)
            dispatcher.utter_message(response="utter_no_outage_here", community=community)
            tell_building_fault_once(dispatcher, tracker)
            answer_faq_clauses(dispatcher, tracker)
            return [
                SlotSet("pending", None),
                SlotSet("fault_type", "no_heat"),
                FollowupAction("repair_form"),
            ]
        if not found:
            answer_faq_clauses(dispatcher, tracker)  # 和平里停暖了没？另外暖气费一平米多少钱
            await tell_hall_asked(dispatcher, tracker)
            dispatcher.utter_message(response="utter_no_outage", community=community)
            return [SlotSet("pending", "repair")]
        # 到底怎么回事！！也没个通知 / 今晚之前必须来暖气 家里有老人: sorry first, then the facts
        apologise_once(
            dispatcher, tracker, "utter_apology_outage", owed=demands_heat(latest_text(tracker))
        )
        for outage in found:
            dispatcher.utter_message(
                response="utter_outage_found", **describe(outage, community, now)
            )
        if moves_a_stop(latest_text(tracker)):
            # 停暖能改个时间吗 那天家里老人过生日: not for one household; what can be done instead
            dispatcher.utter_message(response=CANNOT_MOVE)
        elif tell_stop_day_care(dispatcher, tracker, stop_told=True):
            pass  # 我家老人在家 要不要准备点啥: how to get through that day, after its times
        elif not any(outage.active(now) for outage in found) and cold_now(tracker):
            # a stop in three days is not why the flat is cold today: say so, not imply it
            dispatcher.utter_message(response=NOT_STARTED, community=community)
        answer_faq_clauses(dispatcher, tracker)
        await tell_hall_asked(dispatcher, tracker)
        second = offer_second_request(
            dispatcher,
            tracker,
            {"query_outage"},
            latest_text_of_intent(tracker, {"query_outage"}),
            stopped=any(outage.active(now) for outage in found),
        )
        return second or [SlotSet("pending", None)]
