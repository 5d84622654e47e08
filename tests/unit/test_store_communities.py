"""Community locations and the nearest community to a shared location."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy.orm import Session

from bot.store.communities import add_location, haversine_km, nearest_community
from bot.store.demo import COMMUNITIES, COMMUNITY_LOCATIONS, load_demo
from bot.store.errors import InvalidInput
from bot.store.models import CommunityLocation


def test_haversine_matches_known_distances() -> None:
    # One degree of latitude is 111.195 km on a sphere of the mean radius; a degree of longitude
    # shrinks with the cosine of the latitude.
    assert haversine_km(39.0, 116.4, 40.0, 116.4) == pytest.approx(111.195, abs=0.01)
    assert haversine_km(60.0, 10.0, 60.0, 11.0) == pytest.approx(55.6, abs=0.1)
    assert haversine_km(39.9, 116.4, 39.9, 116.4) == 0.0


def test_nearest_community_within_the_radius(session: Session) -> None:
    add_location(session, "幸福里小区", 39.9283, 116.3882)
    add_location(session, "阳光花园", 39.9612, 116.4561)

    near = nearest_community(session, 39.9290, 116.3890, max_km=3)
    assert near is not None and near.community == "幸福里小区" and near.distance_km < 0.2
    other = nearest_community(session, 39.9600, 116.4500, max_km=3)
    assert other is not None and other.community == "阳光花园"
    assert nearest_community(session, 31.2304, 121.4737, max_km=3) is None  # Shanghai


def test_nearest_community_without_locations_is_none(session: Session) -> None:
    assert nearest_community(session, 39.9283, 116.3882, max_km=3) is None


def test_add_location_keeps_an_existing_row_and_refuses_impossible_points(session: Session) -> None:
    assert add_location(session, "和平里", 39.9598, 116.4172)
    assert not add_location(session, "和平里", 0.0, 0.0)
    assert session.get(CommunityLocation, "和平里").latitude == 39.9598
    with pytest.raises(InvalidInput):
        add_location(session, "火星", 95.0, 0.0)
    with pytest.raises(InvalidInput):
        nearest_community(session, 0.0, 181.0, max_km=3)


def test_demo_places_every_demo_community_once(session: Session, now: datetime) -> None:
    assert set(COMMUNITY_LOCATIONS) == {c[0] for c in COMMUNITIES}
    load_demo(session, now)
    load_demo(session, now)

    rows = session.query(CommunityLocation).all()
    assert {r.community: (r.latitude, r.longitude) for r in rows} == COMMUNITY_LOCATIONS
    for name, (latitude, longitude) in COMMUNITY_LOCATIONS.items():
        found = nearest_community(session, latitude, longitude, max_km=3)
        assert found is not None and found.community == name
