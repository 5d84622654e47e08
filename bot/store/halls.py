"""The service-hall registry as plain values: what the answers about halls are computed from.

A company has a handful of halls, a few dozen special days and services, so the whole registry is
read in one go and the rules (open now? nearest?) run in Python on these frozen values
(bot/services/halls.py), which tests build directly without a database.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.store.models import HallService, ServiceHall, ServiceHallDay

#: Opening spans of one day, `(("08:30", "12:00"), ("13:30", "17:00"))`; empty: closed.
Spans = tuple[tuple[str, str], ...]
#: ISO weekday (1 = Monday) → spans; a day not listed is closed.
Week = dict[int, Spans]


@dataclass(frozen=True)
class Season:
    """Hours that replace the week's from `start` to `end` (month-days, inclusive, may wrap the
    new year), or during the heating season of the policy (`heating_season`)."""

    name: str
    week: Week
    start: str | None = None
    end: str | None = None
    heating_season: bool = False


@dataclass(frozen=True)
class SpecialDay:
    """A holiday, closure or 调休 workday from `starts_on` to `ends_on`: these `spans` instead."""

    starts_on: date
    ends_on: date
    name: str
    spans: Spans = ()

    def covers(self, day: date) -> bool:
        """Whether `day` falls in this span of days."""
        return self.starts_on <= day <= self.ends_on


@dataclass(frozen=True)
class Hall:
    """One service hall with everything an answer about it needs."""

    name: str
    address: str
    latitude: float
    longitude: float
    phone: str
    week: Week
    district: str | None = None
    communities: tuple[str, ...] = ()
    services: tuple[str, ...] = ()
    seasons: tuple[Season, ...] = ()
    days: tuple[SpecialDay, ...] = ()
    documents: dict[str, tuple[str, ...]] = field(default_factory=dict)
    note: str | None = None


@dataclass(frozen=True)
class Service:
    """A service and what to bring for it, company-wide."""

    name: str
    documents: tuple[str, ...]
    aliases: tuple[str, ...] = ()
    note: str | None = None


@dataclass(frozen=True)
class Registry:
    """All halls, the days that apply to every hall, and the services."""

    halls: tuple[Hall, ...]
    holidays: tuple[SpecialDay, ...] = ()
    services: tuple[Service, ...] = ()


def _spans(raw: list[list[str]] | None) -> Spans:
    return tuple((str(a), str(b)) for a, b in raw or [])


def _week(raw: dict[str, list[list[str]]] | None) -> Week:
    return {int(day): _spans(spans) for day, spans in (raw or {}).items()}


def _day(row: ServiceHallDay) -> SpecialDay:
    return SpecialDay(row.starts_on, row.ends_on, str(row.name), _spans(row.hours))


def _hall(row: ServiceHall, days: list[SpecialDay]) -> Hall:
    hours = row.hours or {}
    seasons = tuple(
        Season(
            name=str(s.get("name") or ""),
            week=_week(s.get("week")),
            start=s.get("from"),
            end=s.get("to"),
            heating_season=bool(s.get("heating_season")),
        )
        for s in hours.get("seasons", [])
    )
    return Hall(
        name=str(row.name),
        address=str(row.address),
        latitude=float(row.latitude),
        longitude=float(row.longitude),
        phone=str(row.phone),
        week=_week(hours.get("week")),
        district=row.district,
        communities=tuple(row.communities or ()),
        services=tuple(row.services or ()),
        seasons=seasons,
        days=tuple(days),
        documents={k: tuple(v) for k, v in (row.documents or {}).items()},
        note=row.note,
    )


def load_registry(session: Session) -> Registry:
    """The company's whole hall registry (empty when none was imported)."""
    by_hall: dict[int | None, list[SpecialDay]] = defaultdict(list)
    for row in session.execute(select(ServiceHallDay).order_by(ServiceHallDay.starts_on)).scalars():
        by_hall[row.hall_id].append(_day(row))
    halls = tuple(
        _hall(row, by_hall[row.id])
        for row in session.execute(select(ServiceHall).order_by(ServiceHall.name)).scalars()
    )
    services = tuple(
        Service(str(row.name), tuple(row.documents), tuple(row.aliases), row.note)
        for row in session.execute(select(HallService).order_by(HallService.name)).scalars()
    )
    return Registry(halls, tuple(by_hall[None]), services)
