"""The company's clock, and the anchor that pins it for evaluation stacks.

A run of the whole-conversation sets must answer 今天下午 the same at 10:00 and at 19:00, so the
dialogue runner starts its stack on a clock anchored to a fixed moment (`HEATING_CLOCK_ANCHOR`);
every process of the stack reads the same anchor and so agrees on the time.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.base import clock
from bot.config import (
    CLOCK_ANCHOR_ENV,
    ConfigError,
    clock_anchor_value,
    load_settings,
    settings,
)
from bot.store.models import utcnow

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2026, 12, 7, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture
def anchored(monkeypatch: pytest.MonkeyPatch) -> Iterator[float]:
    """The process clock anchored to MONDAY one minute ago (real time)."""
    started = time.time() - 60
    monkeypatch.setenv(CLOCK_ANCHOR_ENV, clock_anchor_value(MONDAY, started))
    settings.cache_clear()
    yield started
    settings.cache_clear()


def test_without_an_anchor_the_clock_is_the_real_time() -> None:
    assert load_settings({}).clock_anchor is None
    assert abs(clock.now() - datetime.now(SHANGHAI)) < timedelta(seconds=5)


@pytest.mark.usefixtures("anchored")
def test_an_anchored_clock_runs_on_from_its_moment_at_real_speed() -> None:
    now = clock.now()
    assert timedelta(seconds=59) <= now - MONDAY < timedelta(seconds=65)
    assert now.tzinfo is not None and now.utcoffset() == timedelta(hours=8)
    # rows nobody stamped get the same clock, so stored times match what the answers said
    assert abs(utcnow() - now) < timedelta(seconds=5)


def test_the_anchor_names_what_it_expects_when_malformed() -> None:
    for bad in ("2026-12-07 10:00", "2026-12-07T10:00@abc", "2026-12-07T10:00@1765072800"):
        with pytest.raises(ConfigError, match=CLOCK_ANCHOR_ENV):
            load_settings({CLOCK_ANCHOR_ENV: bad})
    parsed = load_settings({CLOCK_ANCHOR_ENV: clock_anchor_value(MONDAY, 1.5)}).clock_anchor
    assert parsed == (MONDAY, 1.5)


@pytest.mark.parametrize(
    ("moment", "spoken"),
    [
        ("2026-12-07T18:00", "今天傍晚 18:00"),
        ("2026-12-07T21:30", "今天晚上 21:30"),
        ("2026-12-08T03:00", "明天凌晨 03:00"),
        ("2026-12-09T12:00", "后天中午 12:00"),
        ("2026-12-10T08:00", "12月10日（周四）上午 08:00"),
        ("2026-12-06T16:00", "12月6日（周日）下午 16:00"),
    ],
)
def test_an_outage_time_is_said_with_its_day_and_part_of_the_day(
    moment: str, spoken: str
) -> None:
    """几点能来热？ 18:00 alone left an elderly resident to work out that it is this evening
    (the writers' hax-019 asked 今晚 and was told 12月7日 18:00)."""
    zone = ZoneInfo("Asia/Shanghai")
    now = datetime(2026, 12, 7, 10, 0, tzinfo=zone)
    assert clock.format_spoken(datetime.fromisoformat(moment).replace(tzinfo=zone), now) == spoken
