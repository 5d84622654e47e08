"""Where communities lie, and which one is nearest to a location a user shared.

WeChat users can send their location instead of typing the community's name; the channel asks
about the nearest known community, but only within a radius: someone far from every community the
company serves must be told so, not answered about a place they do not live in.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.store.errors import InvalidInput
from bot.store.models import CommunityLocation

EARTH_RADIUS_KM = 6371.0088  # mean radius (IUGG)


@dataclass(frozen=True)
class Nearby:
    """A community and how far the given point is from it."""

    community: str
    distance_km: float


def _check(latitude: float, longitude: float) -> None:
    if not (-90.0 <= latitude <= 90.0 and -180.0 <= longitude <= 180.0):
        raise InvalidInput(f"not a location: latitude {latitude}, longitude {longitude}")


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km between two points given in degrees."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi, d_lambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def add_location(session: Session, community: str, latitude: float, longitude: float) -> bool:
    """Record where `community` lies unless it is already recorded; true if it was added.

    An existing row is left alone, like the demo loader leaves existing data alone: an operator's
    correction must not be overwritten by a later load.
    """
    _check(latitude, longitude)
    if session.get(CommunityLocation, community) is not None:
        return False
    session.add(CommunityLocation(community=community, latitude=latitude, longitude=longitude))
    session.flush()
    return True


def nearest_community(
    session: Session, latitude: float, longitude: float, max_km: float
) -> Nearby | None:
    """The known community nearest to the point, if one lies within `max_km`, else `None`.

    A company serves tens to a few hundred communities, so every row is compared in Python.
    """
    _check(latitude, longitude)
    best: Nearby | None = None
    rows = select(CommunityLocation).order_by(CommunityLocation.community)
    for row in session.execute(rows).scalars():
        distance = haversine_km(latitude, longitude, row.latitude, row.longitude)
        if distance <= max_km and (best is None or distance < best.distance_km):
            best = Nearby(str(row.community), distance)
    return best


def location_of(session: Session, community: str) -> tuple[float, float] | None:
    """Where `community` lies (latitude, longitude), if recorded."""
    row = session.get(CommunityLocation, community)
    return (float(row.latitude), float(row.longitude)) if row is not None else None
