"""Import accounts, bills and outages from the CSV files a heating company exports.

All or nothing: every row is checked first and every bad row is reported with its line number, so
an operator can fix the whole file in one go; only a file without errors is written, as inserts and
updates in the caller's transaction. Files come out of Excel on Chinese Windows as often as from
other tools, so UTF-8 (with or without BOM) and GBK are both read.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
from collections.abc import Callable, Hashable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.config import settings
from bot.store.accounts import format_address
from bot.store.errors import InvalidInput
from bot.store.models import (
    BILLING_KINDS,
    METER_UNITS,
    OUTAGE_KINDS,
    Account,
    Bill,
    Meter,
    MeterReading,
    Outage,
    OutageArea,
    RoomTempSample,
    require_aware,
)

_ACCOUNT_NO = re.compile(r"[0-9]{8,12}")
_METER_NO = re.compile(r"[0-9A-Za-z-]{4,32}")
_PHONE = re.compile(r"1[3-9][0-9]{9}")
_SEASON = re.compile(r"([0-9]{4})-([0-9]{4})")
_COMMUNITY_SEPARATORS = re.compile(r"[;；、]")
_MAX_AMOUNT = Decimal("100000000")  # Numeric(10, 2) holds less than 10^8
_CHUNK = 500  # keys per IN (...) query, well under every backend's parameter limit

# Operators write the Chinese words as often as the codes.
_BILLING_KIND_WORDS = {"面积": "area", "按面积": "area", "计量": "metered", "按计量": "metered"}
_OUTAGE_KIND_WORDS = {
    "计划": "planned",
    "计划停热": "planned",
    "紧急": "emergency",
    "抢修": "emergency",
}
_METER_UNIT_WORDS = {"kwh": "kWh", "千瓦时": "kWh", "度": "kWh", "gj": "GJ", "吉焦": "GJ"}


def parse_datetime(text: str) -> datetime:
    """An ISO date-time as operators write it, in UTC; without an offset it is company time.

    Raises `ValueError` when `text` is not ISO 8601 (a trailing `Z` is accepted).
    """
    value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=settings().timezone)
    return value.astimezone(timezone.utc)


@dataclass(frozen=True)
class RowError:
    """A rejected row: its line in the file (the header is line 1) and why."""

    line: int
    reason: str


@dataclass(frozen=True)
class ImportResult:
    """What an import did: rows read and, if the file was clean, how many rows changed."""

    kind: str
    rows: int
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: tuple[RowError, ...] = ()
    removed: int = 0  # a registry import (halls) drops what the file no longer lists

    @property
    def ok(self) -> bool:
        """True when the file was imported (no row was rejected)."""
        return not self.errors


@dataclass(frozen=True)
class _Record:
    """One valid row: the key that identifies its target, the columns to write, extra on insert."""

    line: int
    key: Hashable
    values: dict[str, Any]
    on_insert: dict[str, Any] = field(default_factory=dict)


class _Row:
    """The cells of one CSV row, parsed column by column; each problem is noted, not raised.

    Collecting every problem of a row lets the operator fix it in one pass.
    """

    def __init__(self, cells: dict[str, str]) -> None:
        self.cells = cells
        self.problems: list[str] = []

    def fail(self, column: str, reason: str) -> None:
        """Note that `column` holds a bad value, and why."""
        self.problems.append(f"{column}={self.cells.get(column, '')!r}: {reason}")

    def text(self, column: str, max_length: int, required: bool = True) -> str | None:
        value = self.cells.get(column, "").strip()
        if not value:
            if required:
                self.fail(column, "不能为空 (required)")
            return None
        if len(value) > max_length:
            self.fail(column, f"超过 {max_length} 个字符 (too long)")
            return None
        return value

    def matching(self, column: str, pattern: re.Pattern[str], expected: str) -> str | None:
        value = self.cells.get(column, "").strip()
        if pattern.fullmatch(value) is None:
            self.fail(column, f"应为{expected}")
            return None
        return value

    def account_no(self) -> str | None:
        return self.matching("account_no", _ACCOUNT_NO, "8–12 位数字 (8-12 digits)")

    def choice(self, column: str, allowed: Sequence[str], words: dict[str, str]) -> str | None:
        value = self.cells.get(column, "").strip()
        value = words.get(value, value.lower())
        if value not in allowed:
            self.fail(column, f"应为 {' / '.join(allowed)}")
            return None
        return value

    def amount(self, column: str) -> Decimal | None:
        raw = self.cells.get(column, "").strip()
        try:
            value = Decimal(raw)
        except InvalidOperation:
            self.fail(column, "不是数字 (not a number)")
            return None
        if not value.is_finite() or value < 0 or value >= _MAX_AMOUNT:
            self.fail(column, "应为 0 到 99999999.99 之间的数 (out of range)")
            return None
        if value != value.quantize(Decimal("0.01")):
            self.fail(column, "最多两位小数 (at most 2 decimals)")
            return None
        return value.quantize(Decimal("0.01"))

    def day(self, column: str) -> date | None:
        try:
            return date.fromisoformat(self.cells.get(column, "").strip())
        except ValueError:
            self.fail(column, "应为 ISO 日期 YYYY-MM-DD")
            return None

    def moment(self, column: str, required: bool = True) -> datetime | None:
        raw = self.cells.get(column, "").strip()
        if not raw:
            if required:
                self.fail(column, "不能为空 (required)")
            return None
        try:
            return parse_datetime(raw)
        except ValueError:
            self.fail(column, "应为 ISO 时间 YYYY-MM-DD HH:MM[:SS][+08:00]")
            return None


def _parse_account(row: _Row, line: int, now: datetime) -> _Record | None:
    account_no = row.account_no()
    community = row.text("community", 64)
    building = row.text("building", 16, required=False)
    unit = row.text("unit", 16, required=False)
    room = row.text("room", 16, required=False)
    values = {
        "account_no": account_no,
        "name": row.text("name", 64),
        "phone": row.matching("phone", _PHONE, "1[3-9] 开头的 11 位手机号 (mobile number)"),
        "community": community,
        "building": building,
        "unit": unit,
        "room": room,
        "area_m2": row.amount("area_m2"),
        "billing_kind": row.choice("billing_kind", BILLING_KINDS, _BILLING_KIND_WORDS),
    }
    if row.problems or community is None:
        return None
    values["address"] = format_address(community, building, unit, room)
    return _Record(line, account_no, values, on_insert={"created_at": now})


def _parse_bill(row: _Row, line: int, now: datetime) -> _Record | None:
    account_no = row.account_no()
    season = row.matching("season", _SEASON, "供暖季 YYYY-YYYY，如 2026-2027 (season)")
    if season is not None:
        first, second = (int(year) for year in season.split("-"))
        if second != first + 1:
            row.fail("season", "两个年份应相邻 (consecutive years)")
    values = {
        "account_no": account_no,
        "season": season,
        "amount_due": row.amount("amount_due"),
        "amount_paid": row.amount("amount_paid"),
        "late_fee": row.amount("late_fee"),
        "due_date": row.day("due_date"),
        "paid_at": row.moment("paid_at", required=False),
    }
    if row.problems:
        return None
    return _Record(line, (account_no, season), values)


def _parse_outage(row: _Row, line: int, now: datetime) -> _Record | None:
    kind = row.choice("kind", OUTAGE_KINDS, _OUTAGE_KIND_WORDS)
    raw_communities = row.cells.get("communities", "")
    communities = sorted({n.strip() for n in _COMMUNITY_SEPARATORS.split(raw_communities)} - {""})
    if not communities:
        row.fail("communities", "至少一个小区，用 ; 或 、 分隔")
    elif any(len(name) > 64 for name in communities):
        row.fail("communities", "小区名超过 64 个字符 (too long)")
    starts_at = row.moment("starts_at")
    expected_end_at = row.moment("expected_end_at")
    if starts_at and expected_end_at and expected_end_at <= starts_at:
        row.fail("expected_end_at", "应晚于 starts_at (must be after the start)")
    reason = row.text("reason", 1000)
    if row.problems:
        return None
    return _Record(
        line,
        (kind, starts_at, tuple(communities)),
        {
            "kind": kind,
            "starts_at": starts_at,
            "expected_end_at": expected_end_at,
            "reason": reason,
        },
        on_insert={"created_at": now, "areas": [OutageArea(community=c) for c in communities]},
    )


def _parse_meter(row: _Row, line: int, now: datetime) -> _Record | None:
    meter_no = row.matching("meter_no", _METER_NO, "4–32 位数字、字母或 - (meter number)")
    unit = _METER_UNIT_WORDS.get(row.cells.get("unit", "").strip().lower())
    if unit is None:
        row.fail("unit", f"应为 {' / '.join(METER_UNITS)}")
    values = {"meter_no": meter_no, "account_no": row.account_no(), "unit": unit}
    if row.problems:
        return None
    return _Record(line, meter_no, values, on_insert={"created_at": now})


def _parse_meter_reading(row: _Row, line: int, now: datetime) -> _Record | None:
    meter_no = row.matching("meter_no", _METER_NO, "4–32 位数字、字母或 - (meter number)")
    read_at = row.moment("read_at")
    if read_at is not None and read_at > now:
        row.fail("read_at", "不能晚于现在 (in the future)")
    values = {"meter_no": meter_no, "read_at": read_at, "value": row.amount("reading")}
    if row.problems:
        return None
    return _Record(line, (meter_no, read_at), values)


def _parse_sample(row: _Row, line: int, now: datetime) -> _Record | None:
    campaign = row.text("campaign", 64)
    account_no = row.account_no()
    visit_start, visit_end = row.moment("visit_start"), row.moment("visit_end")
    if visit_start and visit_end and visit_end <= visit_start:
        row.fail("visit_end", "应晚于 visit_start (must be after the start)")
    if visit_start and visit_start < now:
        row.fail("visit_start", "已经过去，不能再邀请 (in the past)")
    values = {
        "campaign": campaign,
        "account_no": account_no,
        "visit_start": visit_start,
        "visit_end": visit_end,
    }
    if row.problems:
        return None
    return _Record(line, (campaign, account_no), values, on_insert={"created_at": now})


def _chunks(values: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


def _existing_accounts(session: Session, records: Sequence[_Record]) -> dict[Hashable, Any]:
    numbers = sorted({record.values["account_no"] for record in records})
    found: dict[Hashable, Any] = {}
    for chunk in _chunks(numbers):
        query = select(Account).where(Account.account_no.in_(chunk))
        found.update((account.account_no, account) for account in session.execute(query).scalars())
    return found


def _existing_bills(session: Session, records: Sequence[_Record]) -> dict[Hashable, Any]:
    numbers = sorted({record.values["account_no"] for record in records})
    found: dict[Hashable, Any] = {}
    for chunk in _chunks(numbers):
        query = select(Bill).where(Bill.account_no.in_(chunk))
        found.update(
            ((bill.account_no, bill.season), bill) for bill in session.execute(query).scalars()
        )
    return found


def _existing_outages(session: Session, records: Sequence[_Record]) -> dict[Hashable, Any]:
    starts = sorted({record.values["starts_at"] for record in records})
    found: dict[Hashable, Any] = {}
    for chunk in _chunks(starts):
        query = select(Outage).where(Outage.starts_at.in_(chunk))
        for outage in session.execute(query).scalars():
            found[(outage.kind, outage.starts_at, tuple(sorted(outage.communities)))] = outage
    return found


def _existing_meters(session: Session, records: Sequence[_Record]) -> dict[Hashable, Any]:
    numbers = sorted({record.values["meter_no"] for record in records})
    found: dict[Hashable, Any] = {}
    for chunk in _chunks(numbers):
        query = select(Meter).where(Meter.meter_no.in_(chunk))
        found.update((meter.meter_no, meter) for meter in session.execute(query).scalars())
    return found


def _existing_meter_readings(session: Session, records: Sequence[_Record]) -> dict[Hashable, Any]:
    numbers = sorted({record.values["meter_no"] for record in records})
    found: dict[Hashable, Any] = {}
    for chunk in _chunks(numbers):
        query = select(MeterReading).where(MeterReading.meter_no.in_(chunk))
        found.update(
            ((reading.meter_no, reading.read_at), reading)
            for reading in session.execute(query).scalars()
        )
    return found


def _existing_samples(session: Session, records: Sequence[_Record]) -> dict[Hashable, Any]:
    campaigns = sorted({record.values["campaign"] for record in records})
    query = select(RoomTempSample).where(RoomTempSample.campaign.in_(campaigns))
    return {(s.campaign, s.account_no): s for s in session.execute(query).scalars()}


def _samples_not_yet_invited(session: Session, records: Sequence[_Record]) -> list[RowError]:
    """Samples of known accounts; a household already invited keeps the window it was told."""
    errors = _unknown_accounts(session, records)
    existing = _existing_samples(session, records)
    for record in records:
        sample = existing.get(record.key)
        if (
            sample is not None
            and sample.status != "selected"
            and any(getattr(sample, name) != value for name, value in record.values.items())
        ):
            errors.append(
                RowError(record.line, f"已发出邀请 ({sample.status})，不能再改上门时间 (invited)")
            )
    return errors


def _unmetered_accounts(session: Session, records: Sequence[_Record]) -> list[RowError]:
    """A meter belongs to a metered (热计量) account the company already has."""
    known = _existing_accounts(session, records)
    errors = []
    for record in records:
        account = known.get(record.values["account_no"])
        if account is None:
            reason = "户号不存在 (unknown)"
        elif account.billing_kind != "metered":
            reason = "不是热计量户，请先把 billing_kind 改为 metered (account is not metered)"
        else:
            continue
        number = record.values["account_no"]
        errors.append(RowError(record.line, f"account_no={number!r}: {reason}"))
    return errors


def _inconsistent_readings(session: Session, records: Sequence[_Record]) -> list[RowError]:
    """Readings of known meters that never go down: a heat meter counts up, so a lower value
    after a higher one is a typo or a swapped meter, which a settlement must not be built on."""
    meters = _existing_meters(session, records)
    errors = [
        RowError(record.line, f"meter_no={record.values['meter_no']!r}: 表号不存在 (unknown)")
        for record in records
        if record.values["meter_no"] not in meters
    ]
    timeline: dict[str, list[tuple[datetime, Decimal, int]]] = {}
    for reading in _existing_meter_readings(session, records).values():
        timeline.setdefault(reading.meter_no, []).append(
            (reading.read_at, Decimal(reading.value), 0)
        )
    for record in records:
        values = record.values
        series = timeline.setdefault(values["meter_no"], [])
        series[:] = [entry for entry in series if entry[0] != values["read_at"]]
        series.append((values["read_at"], values["value"], record.line))
    for series in timeline.values():
        series.sort(key=lambda entry: entry[0])
        for (_, earlier, earlier_line), (_, later, line) in itertools.pairwise(series):
            if later < earlier and (line or earlier_line):
                # Blame the row of this file; a stored reading is the company's earlier word.
                errors.append(
                    RowError(
                        line or earlier_line,
                        f"reading: {later} 在 {earlier} 之后，热表读数不会变小 (meter went down)",
                    )
                )
    return errors


def _unknown_accounts(session: Session, records: Sequence[_Record]) -> list[RowError]:
    """Bills must belong to accounts the company already has (import accounts first)."""
    known = _existing_accounts(session, records)
    return [
        RowError(record.line, f"account_no={record.values['account_no']!r}: 户号不存在 (unknown)")
        for record in records
        if record.values["account_no"] not in known
    ]


@dataclass(frozen=True)
class _Kind:
    """How one kind of file is read and written."""

    columns: tuple[str, ...]
    model: type
    parse: Callable[[_Row, int, datetime], _Record | None]
    existing: Callable[[Session, Sequence[_Record]], dict[Hashable, Any]]
    check: Callable[[Session, Sequence[_Record]], list[RowError]] | None = None


_KINDS: dict[str, _Kind] = {
    "accounts": _Kind(
        (
            "account_no",
            "name",
            "phone",
            "community",
            "building",
            "unit",
            "room",
            "area_m2",
            "billing_kind",
        ),
        Account,
        _parse_account,
        _existing_accounts,
    ),
    "bills": _Kind(
        ("account_no", "season", "amount_due", "amount_paid", "late_fee", "due_date", "paid_at"),
        Bill,
        _parse_bill,
        _existing_bills,
        _unknown_accounts,
    ),
    "outages": _Kind(
        ("kind", "communities", "starts_at", "expected_end_at", "reason"),
        Outage,
        _parse_outage,
        _existing_outages,
    ),
    "meters": _Kind(
        ("meter_no", "account_no", "unit"),
        Meter,
        _parse_meter,
        _existing_meters,
        _unmetered_accounts,
    ),
    "room_temp_samples": _Kind(
        ("campaign", "account_no", "visit_start", "visit_end"),
        RoomTempSample,
        _parse_sample,
        _existing_samples,
        _samples_not_yet_invited,
    ),
    "meter_readings": _Kind(
        ("meter_no", "read_at", "reading"),
        MeterReading,
        _parse_meter_reading,
        _existing_meter_readings,
        _inconsistent_readings,
    ),
}

IMPORT_KINDS = tuple(_KINDS)


def decode_csv(data: bytes) -> str:
    """The file's text: UTF-8 with or without BOM, else GBK (read as GB18030, its superset)."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InvalidInput("文件既不是 UTF-8 也不是 GBK 编码 (file is neither UTF-8 nor GBK)")


def _read(kind: _Kind, text: str, now: datetime) -> tuple[int, list[_Record], list[RowError]]:
    """Parse every row; returns the number of data rows, the valid records and the errors."""
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [name.strip().lower() for name in next(reader, [])]
    missing = [column for column in kind.columns if column not in header]
    if missing:
        raise InvalidInput(f"第 1 行缺少列 (missing columns): {', '.join(missing)}")
    if len(set(header)) != len(header):
        raise InvalidInput("第 1 行有重复的列名 (duplicate column names)")
    rows, records, errors = 0, [], []
    first_line_of: dict[Hashable, int] = {}
    line = reader.line_num + 1
    for cells in reader:
        if any(cell.strip() for cell in cells):
            rows += 1
            row = _Row(dict(zip(header, cells, strict=False)))
            if len(cells) > len(header):
                row.problems.append(f"比表头多 {len(cells) - len(header)} 个字段 (too many fields)")
            record = kind.parse(row, line, now)
            if record is None:
                errors.append(RowError(line, "; ".join(row.problems)))
            elif record.key in first_line_of:
                errors.append(
                    RowError(line, f"与第 {first_line_of[record.key]} 行重复 (duplicate)")
                )
            else:
                first_line_of[record.key] = line
                records.append(record)
        line = reader.line_num + 1
    return rows, records, errors


def import_csv(session: Session, kind_name: str, data: bytes, now: datetime) -> ImportResult:
    """Check every row of a CSV file of `kind_name` (`IMPORT_KINDS`), then upsert it.

    Raises `InvalidInput` when the file as a whole is unusable (encoding, header); row problems
    come back in `ImportResult.errors`, and then nothing is written.
    """
    kind = _KINDS.get(kind_name)
    if kind is None:
        raise InvalidInput(f"can import {', '.join(IMPORT_KINDS)}, not {kind_name!r}")
    require_aware(now, "now")
    rows, records, errors = _read(kind, decode_csv(data), now)
    if kind.check is not None and records:
        errors += kind.check(session, records)
    if errors:
        return ImportResult(kind_name, rows, errors=tuple(sorted(errors, key=lambda e: e.line)))
    existing = kind.existing(session, records)
    inserted = updated = 0
    for record in records:
        target = existing.get(record.key)
        if target is None:
            session.add(kind.model(**record.values, **record.on_insert))
            inserted += 1
        elif any(getattr(target, name) != value for name, value in record.values.items()):
            for name, value in record.values.items():
                setattr(target, name, value)
            updated += 1
    session.flush()
    return ImportResult(kind_name, rows, inserted, updated, len(records) - inserted - updated)
