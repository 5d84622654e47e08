"""报停 (stop heating) applications: from which season an application takes effect."""

from __future__ import annotations

from datetime import date

from bot.policy import Policy, can_apply_stop_heating, in_heating_season, next_season_start


def late_application_starts(policy: Policy, today: date) -> date | None:
    """The first season a late application covers, or None when it is in time for the next one.

    In time means after the season ended and by the policy's deadline. During a season, or between
    the deadline and the next start, it is too late for the season running or about to run, so it
    counts from the season after.
    """
    if can_apply_stop_heating(policy, today):
        return None
    start = next_season_start(policy, today)
    if not in_heating_season(policy, today) and today < start:
        start = next_season_start(policy, start)
    return start
