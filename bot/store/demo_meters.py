"""Demo heat meters: every metered (热计量) demo household gets a meter and its season readings.

Remote-read meters report at midnight; the demo keeps one reading a week, from the first day of
the previous season (2025-11-15) to its end and from this season's first day up to `now`, so 查表
can compare this season with the last one over the same span. Consumption is drawn per household
(0.55–1.05 kWh per m² a day, colder weeks in December and January) from a generator seeded by the
account number, so the same household always has the same readings. One meter in four shows GJ.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.config import settings
from bot.store.models import Meter, MeterReading

#: The first and last heating day of the seasons the demo bills cover (its PREVIOUS/CURRENT).
DEMO_SEASONS = ((date(2025, 11, 15), date(2026, 3, 15)), (date(2026, 11, 15), date(2027, 3, 15)))
_KWH_PER_GJ = Decimal(1000) / Decimal("3.6")
_COLD_MONTHS = {12: Decimal("1.25"), 1: Decimal("1.3"), 2: Decimal("1.1")}


def _readings(area_m2: Decimal, unit: str, rng: random.Random, now: datetime) -> list[MeterReading]:
    zone = settings().timezone
    rate = Decimal(rng.randint(55, 105)) / 100  # kWh per m² and day
    total = Decimal(rng.randint(2000, 9000))  # the meter had run before the demo seasons
    readings = []
    for first, last in DEMO_SEASONS:
        day = first
        while day <= last + timedelta(days=1):
            moment = datetime.combine(day, time(0), tzinfo=zone)
            if moment > now:
                break
            value = total if unit == "kWh" else total / _KWH_PER_GJ
            readings.append(
                MeterReading(read_at=moment, value=value.quantize(Decimal("0.01"), ROUND_HALF_UP))
            )
            weekly = area_m2 * rate * _COLD_MONTHS.get(day.month, Decimal(1)) * 7
            total += weekly * Decimal(rng.randint(85, 115)) / 100
            day += timedelta(days=7)
    return readings


def load_demo_meters(
    session: Session, metered: Sequence[tuple[str, Decimal]], seed: int, now: datetime
) -> int:
    """Add a meter with readings for each `(account_no, area_m2)` that has none; returns how
    many meters were added (zero when the demo meters are already there)."""
    existing = set(session.execute(select(Meter.account_no)).scalars())
    added = 0
    for account_no, area_m2 in metered:
        if account_no in existing:
            continue
        rng = random.Random(f"{seed}:{account_no}:meter")
        unit = "GJ" if rng.random() < 0.25 else "kWh"
        # A meter's own serial, not derived from the account: 查表 shows it unmasked.
        meter_no = f"RB{rng.randrange(10**8):08d}"
        session.add(Meter(meter_no=meter_no, account_no=account_no, unit=unit, created_at=now))
        session.flush()
        for reading in _readings(area_m2, unit, rng, now):
            reading.meter_no = meter_no
            session.add(reading)
        added += 1
    return added
