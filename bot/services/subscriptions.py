"""Subscriptions a resident controls: subscribe per topic and community, list, end one or all.

Topics are the notify code's own (`SUBSCRIPTION_TOPICS`): `outage` carries every heating-stop
notice of a community (announced, moved, called off, restored) and the season-start reminder
(bot.notify.reminders sends it to outage subscribers); `bill` carries the unpaid-bill reminder of
one account, so it needs an account the resident proved; `all` (an operator's row) is both. The
satisfaction follow-up (回访) is no subscription: it goes to whoever opened the ticket.

A subscription is keyed by the channel's conversation id (`sms:<phone>`, `wechat:<openid>` …,
bot.channels.ids), so it reaches the resident where they asked. Subscribing is the resident's own
explicit request, so it also lifts an earlier SMS opt-out of that number (bot.store.suppressions);
ending a topic never touches the others, and ending everything is the same as the one-word opt-out.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy.orm import Session

from bot.privacy import mask_account
from bot.store import subscriptions as store
from bot.store import suppressions
from bot.store.errors import InvalidInput
from bot.store.models import Subscription

OUTAGE, BILL, ALL = "outage", "bill", "all"
#: How each topic is named to residents.
TOPIC_NAMES = {OUTAGE: "停热通知", BILL: "缴费提醒", ALL: "停热通知和缴费提醒"}


@dataclass(frozen=True)
class SubscriptionView:
    """One active subscription as the resident is told about it."""

    topic: str
    community: str | None
    account_no: str | None

    @property
    def text(self) -> str:
        """阳光花园的停热通知 / 户号01******78的缴费提醒."""
        if self.topic == BILL and self.account_no:
            return f"户号{mask_account(self.account_no)}的{TOPIC_NAMES[BILL]}"
        account = f"户号{mask_account(self.account_no)}" if self.account_no else ""
        where = self.community or account
        return f"{where}的{TOPIC_NAMES[self.topic]}" if where else TOPIC_NAMES[self.topic]


@dataclass(frozen=True)
class Subscribed:
    """What `subscribe` did: the subscription, and the community it replaced (if it moved)."""

    view: SubscriptionView
    replaced_community: str | None = None


def _view(row: Subscription) -> SubscriptionView:
    return SubscriptionView(str(row.topic), row.community, row.account_no)


def subscriptions(session: Session, channel: str, sender_id: str) -> list[SubscriptionView]:
    """The resident's active subscriptions, outage first."""
    return [_view(row) for row in store.subscriptions_of(session, channel, sender_id)]


def subscribe(
    session: Session,
    channel: str,
    sender_id: str,
    topic: str,
    now: datetime,
    community: str | None = None,
    account_no: str | None = None,
) -> Subscribed:
    """Subscribe the resident to `topic`: outage notices need a community (or an account whose
    community they are), bill reminders an account. One community per topic: a new one replaces
    the old, and the result says which was replaced."""
    if topic == OUTAGE and not (community or account_no):
        raise InvalidInput("outage notices need a community or an account")
    if topic == BILL and not account_no:
        raise InvalidInput("bill reminders need an account")
    before = {view.topic: view for view in subscriptions(session, channel, sender_id)}
    suppressions.lift(session, channel, sender_id)
    row = store.subscribe(
        session, channel, sender_id, topic, now, account_no=account_no, community=community
    )
    old = before.get(topic)
    moved = old.community if old and community and old.community not in (None, community) else None
    return Subscribed(_view(row), moved)


def unsubscribe(
    session: Session, channel: str, sender_id: str, topic: str | None, now: datetime
) -> list[SubscriptionView]:
    """End the resident's subscription to `topic`, or every one (`None`); what was ended.

    Someone with an `all` subscription who ends one topic keeps the other, as its own row, so
    the topic they refused stops and nothing else does.
    """
    current = subscriptions(session, channel, sender_id)
    if topic is None:
        store.unsubscribe_all(session, channel, sender_id, now)
        return current
    ended = [view for view in current if view.topic in (topic, ALL)]
    for view in ended:
        store.unsubscribe_topic(session, channel, sender_id, view.topic, now)
        if view.topic == ALL:
            _keep_other_topic(session, channel, sender_id, view, topic, now)
    return [replace(view, topic=topic) for view in ended]


def _keep_other_topic(
    session: Session,
    channel: str,
    sender_id: str,
    view: SubscriptionView,
    refused: str,
    now: datetime,
) -> None:
    """After an `all` subscription ended for `refused`, subscribe the topic still wanted."""
    kept = BILL if refused == OUTAGE else OUTAGE
    if kept == BILL and not view.account_no:
        return
    store.subscribe(
        session, channel, sender_id, kept, now, account_no=view.account_no, community=view.community
    )


def listing(views: list[SubscriptionView]) -> str:
    """The subscriptions in one phrase: 阳光花园的停热通知、户号01******78的缴费提醒."""
    return "、".join(view.text for view in views)
