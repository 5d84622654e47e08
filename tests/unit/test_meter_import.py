"""CSV import of heat meters and the company's readings: what is refused, with its line, and that
an import never touches a resident's own readings."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from bot.store.importer import ImportResult, import_csv
from bot.store.meters import SubmissionDraft, readings_of, submissions_of, submit_reading
from bot.store.models import Account

METERS = """meter_no,account_no,unit
HM0502345670,0502345670,kWh
HM0502345671,0502345671,吉焦
"""
READINGS = """meter_no,read_at,reading
HM0502345670,2026-11-15 00:00,10000.00
HM0502345670,2026-11-22 00:00,10480.50
HM0502345671,2026-11-15T00:00+08:00,40.12
"""


def _import(session: Session, kind: str, text: str, now: datetime) -> ImportResult:
    return import_csv(session, kind, text.encode("utf-8"), now)


@pytest.fixture
def households(add_account: Callable[..., Account]) -> None:
    add_account("0502345670", community="翠湖苑", billing_kind="metered")
    add_account("0502345671", community="翠湖苑", billing_kind="metered")
    add_account("0102345678")  # area-billed


def test_meters_and_readings_import_and_reimport_unchanged(
    session: Session, households: None, now: datetime
) -> None:
    assert _import(session, "meters", METERS, now).inserted == 2
    result = _import(session, "meter_readings", READINGS, now)
    assert (result.ok, result.inserted) == (True, 3)

    again = _import(session, "meter_readings", READINGS, now)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 3)
    values = [r.value for r in readings_of(session, "HM0502345670")]
    assert values == [Decimal("10000.00"), Decimal("10480.50")]


def test_a_meter_needs_a_known_metered_account_and_a_unit(
    session: Session, households: None, now: datetime
) -> None:
    bad = """meter_no,account_no,unit
HM0102345678,0102345678,kWh
HM0999999999,0999999999,kWh
HM0502345670,0502345670,立方米
"""
    result = _import(session, "meters", bad, now)

    assert not result.ok and result.inserted == 0
    reasons = {e.line: e.reason for e in result.errors}
    assert "不是热计量户" in reasons[2]
    assert "户号不存在" in reasons[3]
    assert "unit" in reasons[4]


def test_readings_that_go_down_or_lie_ahead_or_name_no_meter_are_refused(
    session: Session, households: None, now: datetime
) -> None:
    _import(session, "meters", METERS, now)
    _import(session, "meter_readings", READINGS, now)
    bad = """meter_no,read_at,reading
HM0502345670,2026-11-20 00:00,10600.00
HM0502345670,2026-11-26 00:00,10700.00
HM0502345670,2026-11-27 00:00,10650.00
HM0502345670,2027-01-01 00:00,20000.00
HMUNKNOWN1,2026-11-20 00:00,1.00
HM0502345671,2026-11-20 00:00,-3
"""
    result = _import(session, "meter_readings", bad, now)

    reasons = {e.line: e.reason for e in result.errors}
    assert "热表读数不会变小" in reasons[2]  # 10600 on the 20th, but 10480.50 stored for the 22nd
    assert "热表读数不会变小" in reasons[4]  # 10650 after this file's own 10700
    assert "不能晚于现在" in reasons[5]
    assert "表号不存在" in reasons[6]
    assert "reading" in reasons[7]
    assert 3 not in reasons
    assert len(readings_of(session, "HM0502345670")) == 2  # all or nothing: none written


def test_an_import_leaves_residents_readings_alone(
    session: Session, households: None, now: datetime
) -> None:
    _import(session, "meters", METERS, now)
    draft = SubmissionDraft("HM0502345670", "0502345670", "rest", "rest:me", Decimal("9"), "9")
    submit_reading(session, draft, now)

    _import(session, "meter_readings", READINGS, now)

    (kept,) = submissions_of(session, "HM0502345670")
    assert (kept.value, kept.status) == (Decimal("9.00"), "pending")
