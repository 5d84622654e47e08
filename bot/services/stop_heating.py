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


def _day_zh(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def late_season_note(policy: Policy, today: date) -> str:
    """What a resident must hear before and after a late 报停: it will not stop this season's
    heating (nor its bill) but the next one's. Empty when the application is in time.

    Said at the read-back and on the confirmation, so nobody leaves believing this winter's fee
    stops, and on the ticket, so staff do not seal a valve in the middle of the season.
    """
    start = late_application_starts(policy, today)
    if start is None:
        return ""
    return f"已过本季报停申请截止日，报停将从 {_day_zh(start)} 起的供暖季生效。"


def application_label(policy: Policy, today: date) -> str:
    """The request as the read-back and the ticket name it: 报停申请, or with the season it
    covers when it is too late for the present one (报停申请（2027年11月15日起的供暖季）)."""
    start = late_application_starts(policy, today)
    return "报停申请" if start is None else f"报停申请（{_day_zh(start)}起的供暖季）"
