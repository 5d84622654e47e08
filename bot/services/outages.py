"""Outage answers: which community the user means, and what is stopped there."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

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
    """The known community named in `text` (longest name first, 小区 suffix optional)."""
    for name in sorted(known, key=len, reverse=True):
        bare = name.removesuffix("小区")
        if name in text or (len(bare) >= 2 and bare in text):
            return name
    return None


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
