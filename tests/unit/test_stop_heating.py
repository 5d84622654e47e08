"""From which season a 报停 application takes effect (Beijing: season 11-15 → 03-15)."""

from __future__ import annotations

from datetime import date

import pytest

from bot.policy import MonthDay, load_policy
from bot.services.stop_heating import (
    application_label,
    late_application_starts,
    late_season_note,
)


@pytest.mark.parametrize(
    ("today", "starts"),
    [
        (date(2026, 6, 1), None),  # between seasons, before the deadline: in time
        (date(2026, 11, 27), date(2027, 11, 15)),  # in season: from next season
        (date(2027, 1, 10), date(2027, 11, 15)),  # in season after new year
        (date(2027, 3, 16), None),  # the day after the season: in time again
    ],
)
def test_application_dates(today: date, starts: date | None) -> None:
    assert late_application_starts(load_policy("beijing"), today) == starts


def test_after_an_earlier_company_deadline_it_counts_from_the_season_after() -> None:
    beijing = load_policy("beijing")
    stop = beijing.stop_heating.copy(update={"apply_deadline": MonthDay(10, 31)})
    company = beijing.copy(update={"stop_heating": stop})
    assert late_application_starts(company, date(2026, 11, 5)) == date(2027, 11, 15)
    assert late_application_starts(company, date(2026, 10, 31)) is None


def test_a_late_application_names_the_season_it_covers() -> None:
    beijing = load_policy("beijing")
    assert application_label(beijing, date(2026, 12, 6)) == "报停申请（2027年11月15日起的供暖季）"
    assert "2027年11月15日" in late_season_note(beijing, date(2026, 12, 6))
    assert application_label(beijing, date(2027, 7, 1)) == "报停申请"
    assert late_season_note(beijing, date(2027, 7, 1)) == ""
