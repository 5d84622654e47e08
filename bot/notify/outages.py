"""Outage notices: which text each change of a heating stop sends, and whether it is sent in time.

Every change a household should hear about is one notice to the subscribers (topic `outage` or
`all`) of the affected communities: a stop announced (planned or emergency), moved or restated,
called off, or over. The notice keys make each one reach each person once, however often the
operator repeats the command; a second, different update is a new notice.

Timing follows the policy: a planned stop is announced at least `notices.planned_stop_days`
before it starts (more for some reasons), an emergency one within `notices.emergency_hours` of
the stop. Notices are queued at once either way; when that is already too late, the operator is
told (`timing_warning`), because the regulation's promise is broken and someone must answer for it.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from bot.base.clock import format_moment
from bot.notify.delivery import Notice
from bot.notify.templates import communities_text, end_text, moment_text
from bot.policy import Policy, emergency_notice_due, planned_stop_notice_by
from bot.policy import planned_stop_notice_days as notice_days
from bot.store.models import Outage

TOPIC = "outage"
PURPOSE = "outage"
ANNOUNCED, UPDATED, ENDED = "announced", "updated", "ended"

# A restoration or cancellation notice that could not be delivered within a day is stale.
_AFTER_END_VALIDITY = timedelta(days=1)


def _version(outage: Outage) -> str:
    """A short fingerprint of what users were told, so a repeated update is not sent twice."""
    told = f"{outage.starts_at.isoformat()}|{outage.expected_end_at.isoformat()}|{outage.reason}"
    return hashlib.sha1(told.encode()).hexdigest()[:10]


def outage_notice(policy: Policy, outage: Outage, change: str) -> Notice:
    """The notice for `change` (announced, updated, ended) of `outage`."""
    places = communities_text(outage.communities)
    start, end = outage.starts_at, outage.expected_end_at
    if change == ANNOUNCED:
        name = "outage_planned" if outage.kind == "planned" else "outage_emergency"
        variables = {
            "communities": places,
            "start": moment_text(start),
            "end": end_text(start, end),
            "reason": outage.reason,
        }
        return Notice(f"outage:{outage.id}:{outage.kind}", PURPOSE, name, variables, expires_at=end)
    if change == UPDATED:
        variables = {
            "communities": places,
            "start": moment_text(start),
            "end": end_text(start, end),
            "reason": outage.reason,
        }
        key = f"outage:{outage.id}:update:{_version(outage)}"
        return Notice(key, PURPOSE, "outage_updated", variables, expires_at=end)
    if change == ENDED:
        ended = outage.ended_at
        if ended is None:
            raise ValueError(f"outage {outage.id} has not ended")
        expires = ended + _AFTER_END_VALIDITY
        if ended <= start:
            variables = {"communities": places, "start": moment_text(start)}
            key = f"outage:{outage.id}:cancelled"
            return Notice(key, PURPOSE, "outage_cancelled", variables, expires_at=expires)
        variables = {"communities": places, "hotline": policy.company.hotline}
        return Notice(
            f"outage:{outage.id}:restored",
            PURPOSE,
            "outage_restored",
            variables,
            not_before=ended,
            expires_at=expires,
        )
    raise ValueError(f"unknown outage change {change!r}")


def timing_warning(
    policy: Policy, outage: Outage, now: datetime, reason_code: str | None = None
) -> str | None:
    """Why announcing `outage` now breaks the policy's notice period, or `None` when it does not.

    `reason_code` (filling, pressure_test …) selects a longer notice period where the policy has
    one for it.
    """
    if outage.ended_at is not None:
        return None
    if outage.kind == "planned":
        latest = planned_stop_notice_by(policy, outage.starts_at, reason_code)
        if now <= latest:
            return None
        return (
            f"计划停热须提前{notice_days(policy, reason_code)}天通知（{format_moment(latest)}前），"
            f"现在通知已晚 (planned stop: notice is late by {_hours(now - latest)})"
        )
    latest = emergency_notice_due(policy, outage.starts_at)
    if now <= latest:
        return None
    return (
        f"抢修停热须在停热后{policy.notices.emergency_hours:g}小时内通知"
        f"（{format_moment(latest)}前），现在通知已晚 "
        f"(emergency stop: notice is late by {_hours(now - latest)})"
    )


def _hours(delta: timedelta) -> str:
    return f"{delta.total_seconds() / 3600:.1f} h"
