"""Outages: recording, moving and ending a stop with its notices, and the answers users get.

`record_outage`, `reschedule_outage` and `finish_outage` are what the CLI and the console call:
each changes the stop and queues the notice for every subscribed household of the affected
communities in the same transaction (the scheduler delivers it), and reports when the policy's
notice period is already missed so the operator can act on it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot.nlu.initials import named_by_initials
from bot.notify import outages as outage_notices
from bot.notify.delivery import FanOut, fan_out
from bot.policy import Policy
from bot.store import accounts as account_store
from bot.store import outages as outage_store
from bot.store.models import Outage

KIND_NAMES = {"planned": "计划停热", "emergency": "抢修停热"}


@dataclass(frozen=True)
class OutageView:
    """An outage as a user is told about it."""

    kind: str
    reason: str
    starts_at: datetime
    expected_end_at: datetime | None
    communities: tuple[str, ...]

    @property
    def kind_name(self) -> str:
        """计划停热 or 抢修停热."""
        return KIND_NAMES.get(self.kind, self.kind)

    def active(self, now: datetime) -> bool:
        """Heating is stopped right now (it started and is not yet restored)."""
        return self.starts_at <= now


def match_community(text: str, known: list[str]) -> str | None:
    """The known community named in `text` (longest name first, 小区 suffix optional), or typed
    as its pinyin initials (xfl 是不是停暖了: bot.nlu.initials)."""
    for name in sorted(known, key=len, reverse=True):
        bare = name.removesuffix("小区")
        if name in text or (len(bare) >= 2 and bare in text):
            return name
    return named_by_initials(text, known)


def known_communities(session: Session) -> list[str]:
    """Community names the company serves, for matching what users write."""
    return account_store.find_communities(session)


def _view(outage: Outage) -> OutageView:
    return OutageView(
        outage.kind,
        outage.reason,
        outage.starts_at,
        outage.expected_end_at,
        tuple(area.community for area in outage.areas),
    )


def outages_in(session: Session, community: str, now: datetime) -> list[OutageView]:
    """Current and upcoming stops that cover `community`."""
    return [_view(o) for o in outage_store.outages_for_community(session, community, now)]


def current_outages(session: Session) -> list[OutageView]:
    """Every stop not yet ended (one past its expected end still counts until it is ended)."""
    return [_view(o) for o in outage_store.list_outages(session)]


@dataclass(frozen=True)
class OutageChange:
    """A recorded change of a stop: the outage, the notices queued, a warning for the operator."""

    outage: Outage
    notices: FanOut
    warning: str | None = None


def _announce(
    session: Session, policy: Policy, outage: Outage, change: str, now: datetime
) -> FanOut:
    notice = outage_notices.outage_notice(policy, outage, change)
    return fan_out(session, outage_notices.TOPIC, outage.communities, notice, now)


def record_outage(
    session: Session,
    policy: Policy,
    kind: str,
    communities: Iterable[str],
    starts_at: datetime,
    expected_end_at: datetime,
    reason: str,
    now: datetime,
    reason_code: str | None = None,
) -> OutageChange:
    """Record a planned or emergency stop and queue its notice to the affected subscribers."""
    outage = outage_store.add_outage(
        session, kind, communities, starts_at, expected_end_at, reason, now
    )
    notices = _announce(session, policy, outage, outage_notices.ANNOUNCED, now)
    warning = outage_notices.timing_warning(policy, outage, now, reason_code)
    return OutageChange(outage, notices, warning)


def reschedule_outage(
    session: Session,
    policy: Policy,
    outage_id: int,
    now: datetime,
    *,
    starts_at: datetime | None = None,
    expected_end_at: datetime | None = None,
    reason: str | None = None,
    reason_code: str | None = None,
) -> OutageChange:
    """Move a stop or restate its reason, and tell the subscribers (once per distinct change)."""
    outage = outage_store.update_outage(
        session, outage_id, starts_at=starts_at, expected_end_at=expected_end_at, reason=reason
    )
    notices = _announce(session, policy, outage, outage_notices.UPDATED, now)
    warning = None
    if starts_at is not None and starts_at > now:
        warning = outage_notices.timing_warning(policy, outage, now, reason_code)
    return OutageChange(outage, notices, warning)


def finish_outage(
    session: Session, policy: Policy, outage_id: int, ended_at: datetime, now: datetime
) -> OutageChange:
    """End a stop and tell the subscribers: restored, or called off if it never started.

    A restoration recorded ahead of time (`ended_at` later than `now`) is told when it happens.
    """
    outage = outage_store.end_outage(session, outage_id, ended_at)
    return OutageChange(outage, _announce(session, policy, outage, outage_notices.ENDED, now))
