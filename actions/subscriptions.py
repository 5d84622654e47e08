"""Notices a resident asks for: subscribe, list, unsubscribe, the offer after binding, the welcome.

Thin glue over bot.services.subscriptions: the topic comes from the words (bot.nlu.notices), the
community from the conversation (actions.outage.community_of: named now, asked about just before,
or the bound account's), the account from verification or binding. Nothing is subscribed without
the resident's own request or their yes to an offer.
"""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import (
    channel_of,
    fresh_pending,
    guarded,
    in_db,
    latest_text,
    message_metadata,
    read_db,
    sender_account,
)
from actions.outage import community_of
from actions.side_questions import answer_side_questions
from bot.base import clock
from bot.nlu.notices import topic_named, topic_refused
from bot.services import subscriptions as service
from bot.services.accounts import contact_of
from bot.services.outages import known_communities

#: `pending` while the bot waits for the community of an outage subscription.
ASK_COMMUNITY = "subscribe:outage"
#: `pending` after the offer to subscribe that follows a binding.
OFFER = "subscribe:bound"
#: The metadata the WeChat channel attaches to the turn a follow event starts.
FOLLOWED = "followed"
SURVEY = "survey"


async def _example() -> str:
    """A community name to show as an example of what to answer."""
    known = sorted(await read_db(known_communities))
    return known[0] if known else "幸福小区"


async def _ask_community(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """Ask for the community; a second time, say the name given was not found."""
    again = fresh_pending(tracker) == ASK_COMMUNITY
    response = "utter_subscribe_community_unknown" if again else "utter_ask_subscribe_community"
    dispatcher.utter_message(response=response, example=await _example())
    return [SlotSet("pending", ASK_COMMUNITY)]


async def subscribe_outage(
    dispatcher: CollectingDispatcher, tracker: Tracker, community: str
) -> list[EventType]:
    """Subscribe the sender to `community`'s outage notices and confirm."""
    done = await in_db(
        service.subscribe,
        channel_of(tracker),
        tracker.sender_id,
        service.OUTAGE,
        clock.now(),
        community=community,
    )
    old = done.replaced_community
    moved = f"（原来订阅的{old}已改为{community}）" if old else ""
    dispatcher.utter_message(response="utter_subscribed_outage", community=community, moved=moved)
    return [SlotSet("pending", None)]


class ActionSubscribe(Action):
    """停热了通知我 / 有消息提醒我 / DY: subscribe to the topic named, asking for the community
    when the conversation has not named one; a WeChat follow is welcomed with that question."""

    def name(self) -> str:
        """The action's name, as in domain.yml."""
        return "action_subscribe"

    @guarded
    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Subscribe, or ask what is missing (the community; for bills, a bound account)."""
        if message_metadata(tracker).get(FOLLOWED):
            dispatcher.utter_message(response="utter_greet")
            dispatcher.utter_message(response="utter_welcome_subscribe", example=await _example())
            return [SlotSet("pending", ASK_COMMUNITY)]
        topic = topic_named(latest_text(tracker)) or service.OUTAGE
        if topic == SURVEY:
            dispatcher.utter_message(response="utter_survey_not_a_subscription")
            return [SlotSet("pending", None)]
        if topic == service.BILL:
            account = await sender_account(tracker)
            if account is None:
                dispatcher.utter_message(response="utter_bill_reminder_needs_account")
                return [SlotSet("pending", None)]
            done = await in_db(
                service.subscribe,
                channel_of(tracker),
                tracker.sender_id,
                service.BILL,
                clock.now(),
                account_no=account,
            )
            dispatcher.utter_message(response="utter_subscribed", what=done.view.text)
            return [SlotSet("pending", None)]
        community = await community_of(tracker)
        if community is None:
            return await _ask_community(dispatcher, tracker)
        return await subscribe_outage(dispatcher, tracker, community)


async def offer_after_binding(
    dispatcher: CollectingDispatcher, tracker: Tracker, account: str
) -> list[EventType]:
    """Right after a binding, offer the account's community's outage notices and its bill
    reminders, unless the sender has both already; subscribing waits for a yes."""
    have = {
        view.topic
        for view in await read_db(service.subscriptions, channel_of(tracker), tracker.sender_id)
    }
    if service.ALL in have or {service.OUTAGE, service.BILL} <= have:
        return []
    contact = await read_db(contact_of, account)
    community = contact.community if contact and contact.community else "您小区"
    dispatcher.utter_message(response="utter_offer_subscriptions", community=community)
    return [SlotSet("pending", OFFER)]


async def answer_offer(
    dispatcher: CollectingDispatcher, tracker: Tracker, yes: bool
) -> list[EventType]:
    """The resident's yes (subscribe outage and bill for the bound account) or no (nothing)."""
    if not yes:
        dispatcher.utter_message(response="utter_subscriptions_declined")
        return []
    account = await sender_account(tracker)
    if account is None:  # the proof lapsed between the offer and the yes
        dispatcher.utter_message(response="utter_bill_reminder_needs_account")
        return []
    contact = await read_db(contact_of, account)
    community = contact.community if contact else None
    channel, sender, now = channel_of(tracker), tracker.sender_id, clock.now()
    done = [
        await in_db(
            service.subscribe, channel, sender, service.OUTAGE, now, community, account_no=account
        ),
        await in_db(service.subscribe, channel, sender, service.BILL, now, account_no=account),
    ]
    what = service.listing([d.view for d in done])
    dispatcher.utter_message(response="utter_subscribed", what=what)
    return []


class ActionQuerySubscriptions(Action):
    """我订阅了什么: the resident's subscriptions in plain words."""

    def name(self) -> str:
        """The action's name, as in domain.yml."""
        return "action_query_subscriptions"

    @guarded
    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """List what is active, or say there is nothing and how to subscribe."""
        views = await read_db(service.subscriptions, channel_of(tracker), tracker.sender_id)
        if views:
            dispatcher.utter_message(response="utter_subscriptions", listing=service.listing(views))
        else:
            dispatcher.utter_message(response="utter_no_subscriptions")
        return []


class ActionUnsubscribe(Action):
    """退订 ends everything; 不要缴费提醒了 / 停热通知别发了 ends that topic only (everything, when
    the resident has no subscription of that topic)."""

    def name(self) -> str:
        """The action's name, as in domain.yml."""
        return "action_unsubscribe"

    @guarded
    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """End the topic named, or every subscription of the sender, and confirm once; then
        answer a question asked in the same message (另外电子发票在哪开)."""
        await self._unsubscribe(dispatcher, tracker)
        await answer_side_questions(dispatcher, tracker)
        return []

    async def _unsubscribe(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
        topic = topic_refused(latest_text(tracker))
        if topic == SURVEY:
            dispatcher.utter_message(response="utter_survey_not_a_subscription")
            return
        channel, now = channel_of(tracker), clock.now()
        ended = []
        if topic is not None:
            ended = await in_db(service.unsubscribe, channel, tracker.sender_id, topic, now)
        if ended:
            what = service.listing(ended)
            dispatcher.utter_message(response="utter_unsubscribed_topic", what=what)
            return
        # Nothing of that topic to end (别再发停暖短信了 from someone an operator listed, or who
        # has only other notices): the resident wants messages to stop, so everything stops.
        await in_db(service.unsubscribe, channel, tracker.sender_id, None, now)
        dispatcher.utter_message(response="utter_unsubscribed")
