"""Who wants to be told about outages and bills, and opting out of everything at once.

An opt-out (退订, TD) must always be honoured, so `unsubscribe_all` ends every subscription of the
sender whatever its topic; a later explicit subscribe reactivates the same row.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from bot.store.db import get_or_create
from bot.store.errors import InvalidInput
from bot.store.models import SUBSCRIPTION_TOPICS, Account, Subscription, require_aware


def subscribe(
    session: Session,
    channel: str,
    sender_id: str,
    topic: str,
    now: datetime,
    account_no: str | None = None,
    community: str | None = None,
) -> Subscription:
    """Subscribe the sender to `topic`, reactivating an ended subscription instead of adding one.

    A given `account_no` or `community` replaces the stored one (the household moved, or asked
    about another community); `None` keeps what was stored.
    """
    if topic not in SUBSCRIPTION_TOPICS:
        raise InvalidInput(f"topic must be one of {', '.join(SUBSCRIPTION_TOPICS)}, got {topic!r}")
    require_aware(now, "now")

    def find() -> Subscription | None:
        found: Subscription | None = session.execute(
            select(Subscription).where(
                Subscription.channel == channel,
                Subscription.sender_id == sender_id,
                Subscription.topic == topic,
            )
        ).scalar_one_or_none()
        return found

    def create() -> Subscription:
        created = Subscription(
            channel=channel, sender_id=sender_id, topic=topic, active=True, created_at=now
        )
        session.add(created)
        return created

    subscription = get_or_create(session, find, create)
    subscription.active = True
    subscription.ended_at = None
    if account_no is not None:
        subscription.account_no = account_no
    if community is not None:
        subscription.community = community
    session.flush()
    return subscription


def unsubscribe_all(session: Session, channel: str, sender_id: str, now: datetime) -> int:
    """End every active subscription of the sender; returns how many were ended."""
    result = session.execute(
        update(Subscription)
        .where(
            Subscription.channel == channel,
            Subscription.sender_id == sender_id,
            Subscription.active.is_(True),
        )
        .values(active=False, ended_at=require_aware(now, "now"))
        .execution_options(synchronize_session="fetch")
    )
    return int(result.rowcount)


def unsubscribe_topic(
    session: Session, channel: str, sender_id: str, topic: str, now: datetime
) -> bool:
    """End the sender's active subscription to `topic` only; true if there was one."""
    result = session.execute(
        update(Subscription)
        .where(
            Subscription.channel == channel,
            Subscription.sender_id == sender_id,
            Subscription.topic == topic,
            Subscription.active.is_(True),
        )
        .values(active=False, ended_at=require_aware(now, "now"))
        .execution_options(synchronize_session="fetch")
    )
    return bool(result.rowcount)


def subscriptions_of(session: Session, channel: str, sender_id: str) -> list[Subscription]:
    """The sender's active subscriptions, in topic order."""
    query = select(Subscription).where(
        Subscription.channel == channel,
        Subscription.sender_id == sender_id,
        Subscription.active.is_(True),
    )
    rows = session.execute(query).scalars()
    return sorted(rows, key=lambda row: SUBSCRIPTION_TOPICS.index(row.topic))


def active_subscribers(
    session: Session, topic: str, communities: Iterable[str] | None
) -> list[Subscription]:
    """The active subscriptions to notify about `topic` in `communities` (`None`: everywhere).

    A subscription matches through its own community or through its account's community, and
    `all` subscribers get every topic. Each sender appears once, preferring its subscription to
    the exact topic, so nobody is sent the same notice twice.
    """
    if topic not in SUBSCRIPTION_TOPICS or topic == "all":
        raise InvalidInput(f"notices are about 'outage' or 'bill', got {topic!r}")
    query = (
        select(Subscription)
        .outerjoin(Account, Account.account_no == Subscription.account_no)
        .where(Subscription.active.is_(True), Subscription.topic.in_([topic, "all"]))
    )
    if communities is not None:
        names = list(communities)
        query = query.where(or_(Subscription.community.in_(names), Account.community.in_(names)))
    # Exact topics sort after `all`, so in descending order a sender's exact subscription comes
    # first and `setdefault` keeps it.
    query = query.order_by(Subscription.channel, Subscription.sender_id, Subscription.topic.desc())
    chosen: dict[tuple[str, str], Subscription] = {}
    for subscription in session.execute(query).scalars():
        chosen.setdefault((subscription.channel, subscription.sender_id), subscription)
    return list(chosen.values())
