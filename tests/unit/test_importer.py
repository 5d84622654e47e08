"""CSV import of accounts, bills and outages: encodings, validation, all-or-nothing upserts."""

from __future__ import annotations

import codecs
from collections.abc import Callable
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.store.accounts import bills_of, get_account
from bot.store.errors import InvalidInput
from bot.store.importer import ImportResult, decode_csv, import_csv, parse_datetime
from bot.store.models import Account, Bill, Outage

ACCOUNTS = """account_no,name,phone,community,building,unit,room,area_m2,billing_kind
0102345678,张伟,13812345678,阳光花园,5,1,302,89.50,area
0502345670,王芳,15912345670,翠湖苑,2,1,1101,120,metered
"""
BILLS = """account_no,season,amount_due,amount_paid,late_fee,due_date,paid_at
0102345678,2026-2027,2148.00,0,0,2026-12-31,
0102345678,2025-2026,2148.00,2148.00,0,2025-12-31,2025-11-20 10:30
"""
OUTAGES = """kind,communities,starts_at,expected_end_at,reason
planned,阳光花园;金色家园,2026-12-01T08:00,2026-12-01T18:00,二次管网检修
emergency,幸福里小区、和平里,2026-11-27 19:00+08:00,2026-11-28T03:00+08:00,主管线爆管抢修
"""


def _count(session: Session, model: type) -> int:
    return session.execute(select(func.count()).select_from(model)).scalar_one()


def _import(
    session: Session, kind: str, text: str, now: datetime, encoding: str = "utf-8"
) -> ImportResult:
    return import_csv(session, kind, text.encode(encoding), now)


@pytest.mark.parametrize(
    "encode",
    [
        lambda text: text.encode("utf-8"),
        lambda text: codecs.BOM_UTF8 + text.encode("utf-8"),
        lambda text: text.encode("gbk"),
        lambda text: text.replace("\n", "\r\n").encode("gbk"),
    ],
    ids=["utf-8", "utf-8-bom", "gbk", "gbk-crlf"],
)
def test_accounts_import_in_every_encoding(
    session: Session, now: datetime, encode: Callable[[str], bytes]
) -> None:
    result = import_csv(session, "accounts", encode(ACCOUNTS), now)

    assert result == ImportResult("accounts", rows=2, inserted=2)
    zhang = get_account(session, "0102345678")
    assert (zhang.name, zhang.phone, zhang.address) == (
        "张伟",
        "13812345678",
        "阳光花园5号楼1单元302",
    )
    assert (zhang.area_m2, zhang.billing_kind, zhang.created_at) == (Decimal("89.50"), "area", now)
    assert get_account(session, "0502345670").billing_kind == "metered"


def test_reimporting_updates_changed_rows_only(session: Session, now: datetime) -> None:
    _import(session, "accounts", ACCOUNTS, now)
    changed = ACCOUNTS.replace("15912345670", "15912345671") + (
        "0602345671,赵强,18600000001,东风新村,,,平房3号,45.00,面积\n"
    )

    result = _import(session, "accounts", changed, now)

    assert (result.inserted, result.updated, result.unchanged) == (1, 1, 1)
    assert get_account(session, "0502345670").phone == "15912345671"
    assert get_account(session, "0602345671").address == "东风新村平房3号"
    assert _count(session, Account) == 3


def test_every_bad_row_is_reported_with_its_line_and_nothing_is_imported(
    session: Session, now: datetime
) -> None:
    bad = (
        "account_no,name,phone,community,building,unit,room,area_m2,billing_kind\n"
        "0102345678,张伟,13812345678,阳光花园,5,1,302,89.50,area\n"  # line 2: fine
        "01023,李娜,13912345679,幸福里小区,3,2,501,76.2,area\n"  # 3: short account
        "0102345680,王五,12812345678,和平里,1,1,101,60,area\n"  # 4: phone 12…
        "0102345681,赵六,13812345681,和平里,1,1,102,-3,area\n"  # 5: negative area
        "\n"  # 6: blank, skipped
        "0102345682,,13812345682,和平里,1,1,103,60.123,heat\n"  # 7: three problems
        "0102345678,张伟,13812345678,阳光花园,5,1,302,89.50,area\n"  # 8: duplicate of 2
        "0102345683,孙七,13812345683,和平里,1,1,104,60,area,extra\n"  # 9: extra field
    )

    result = _import(session, "accounts", bad, now)

    assert not result.ok
    assert result.rows == 7
    assert [e.line for e in result.errors] == [3, 4, 5, 7, 8, 9]
    reasons = {e.line: e.reason for e in result.errors}
    assert "account_no" in reasons[3]
    assert "phone" in reasons[4]
    assert "area_m2" in reasons[5]
    assert all(column in reasons[7] for column in ("name", "area_m2", "billing_kind"))
    assert "第 2 行" in reasons[8]
    assert "too many fields" in reasons[9]
    assert _count(session, Account) == 0


def test_bills_need_known_accounts_and_valid_values(session: Session, now: datetime) -> None:
    _import(session, "accounts", ACCOUNTS, now)
    bad = BILLS + (
        "0999999999,2026-2027,100,0,0,2026-12-31,\n"  # line 4: unknown account
        "0502345670,2026-2028,100,0,0,2026-12-31,\n"  # 5: season
        "0502345670,2025-2026,abc,0,0,2026/12/31,yesterday\n"  # 6: amount, date, time
        "0102345678,2026-2027,2148.00,0,0,2026-12-31,\n"  # 7: duplicate of line 2
    )

    result = _import(session, "bills", bad, now)

    assert [e.line for e in result.errors] == [4, 5, 6, 7]
    assert "unknown" in result.errors[0].reason
    assert all(c in result.errors[2].reason for c in ("amount_due", "due_date", "paid_at"))
    assert _count(session, Bill) == 0


def test_bills_import_and_upsert(session: Session, now: datetime) -> None:
    _import(session, "accounts", ACCOUNTS, now)

    assert _import(session, "bills", BILLS, now).inserted == 2
    paid = BILLS.replace("2148.00,0,0,2026-12-31,", "2148.00,2148.00,0,2026-12-31,2026-11-26")
    assert (_import(session, "bills", paid, now).updated, _count(session, Bill)) == (1, 2)

    current, previous = bills_of(session, "0102345678")
    assert (current.amount_paid, current.due_date) == (Decimal("2148.00"), date(2026, 12, 31))
    assert current.paid_at == datetime(2026, 11, 25, 16, 0, tzinfo=timezone.utc)  # 00:00 +08
    assert previous.paid_at == datetime(2025, 11, 20, 2, 30, tzinfo=timezone.utc)


def test_outages_import_with_both_separators_and_local_times(
    session: Session, now: datetime
) -> None:
    result = _import(session, "outages", OUTAGES, now, encoding="gbk")

    assert result.inserted == 2
    planned, emergency = session.execute(select(Outage).order_by(Outage.id)).scalars()
    assert sorted(planned.communities) == ["金色家园", "阳光花园"]
    assert sorted(emergency.communities) == ["和平里", "幸福里小区"]
    assert planned.starts_at == datetime(2026, 12, 1, 0, 0, tzinfo=timezone.utc)
    assert emergency.expected_end_at == datetime(2026, 11, 27, 19, 0, tzinfo=timezone.utc)
    assert _import(session, "outages", OUTAGES, now).unchanged == 2
    assert _count(session, Outage) == 2


def test_bad_outage_rows(session: Session, now: datetime) -> None:
    bad = OUTAGES + (
        "sudden,和平里,2026-12-01T08:00,2026-12-01T18:00,检修\n"  # line 4: kind
        "planned,,2026-12-01T08:00,2026-12-01T18:00,检修\n"  # 5: no community
        "planned,和平里,2026-12-01T18:00,2026-12-01T08:00,检修\n"  # 6: ends before start
        "planned,金色家园;阳光花园,2026-12-01T08:00,2026-12-01T20:00,重复\n"  # 7: dup of 2
    )

    result = _import(session, "outages", bad, now)

    assert [e.line for e in result.errors] == [4, 5, 6, 7]
    assert _count(session, Outage) == 0


def test_line_numbers_count_physical_lines_of_quoted_fields(
    session: Session, now: datetime
) -> None:
    text = OUTAGES + 'planned,和平里,2026-12-02T08:00,2026-12-02T18:00,"检修\n第二行"\n'
    text += "planned,和平里,bad,2026-12-02T18:00,检修\n"

    assert [e.line for e in _import(session, "outages", text, now).errors] == [6]


def test_unusable_files_are_refused_as_a_whole(session: Session, now: datetime) -> None:
    with pytest.raises(InvalidInput, match="billing_kind"):
        _import(session, "accounts", "account_no,name,phone,community,area_m2\n", now)
    with pytest.raises(InvalidInput, match="missing columns"):
        _import(session, "accounts", "", now)
    with pytest.raises(InvalidInput, match="UTF-8"):
        import_csv(session, "accounts", b"\x80\x81\xff" * 3, now)
    with pytest.raises(InvalidInput, match="payments"):
        _import(session, "payments", ACCOUNTS, now)


def test_decoding_prefers_utf8_and_falls_back_to_gbk() -> None:
    assert decode_csv("供热".encode()) == "供热"
    assert decode_csv(codecs.BOM_UTF8 + "供热".encode()) == "供热"
    assert decode_csv("供热".encode("gbk")) == "供热"


@pytest.mark.usefixtures("shanghai")
def test_operator_times_are_company_time_unless_an_offset_is_given() -> None:
    assert parse_datetime("2026-12-01 08:00") == datetime(2026, 12, 1, 0, 0, tzinfo=timezone.utc)
    assert parse_datetime("2026-12-01T08:00Z") == datetime(2026, 12, 1, 8, tzinfo=timezone.utc)
    with pytest.raises(ValueError):
        parse_datetime("12/01/2026")
