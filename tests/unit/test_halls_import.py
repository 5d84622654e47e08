"""The service-hall registry import: the YAML format, polite errors with lines, all or nothing."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.cli import main
from bot.store.demo import DEMO_HALLS
from bot.store.errors import InvalidInput
from bot.store.halls import load_registry
from bot.store.halls_import import import_halls, parse_days, parse_spans
from bot.store.models import HallService, ServiceHall, ServiceHallDay

GOOD = """\
services:
  过户:
    aliases: [更名]
    documents: [身份证, 房产证]
    note: 先结清欠费。
  缴费:
    documents: [户号]
holidays:
  - {date: 2027-01-01, name: 元旦}
halls:
  - name: 和平里营业厅
    district: 东城区
    address: 和平里东街18号
    latitude: 39.9575
    longitude: 116.419
    phone: 010-64210001
    communities: [和平里]
    services: [缴费, 过户]
    hours:
      周一至周五: "08:30-12:00, 13:30-17:00"
      周六: "09:00-12:00"
    seasons:
      - name: 供暖季
        heating_season: true
        hours: {每天: "09:00-16:00"}
    days:
      - {from: 2027-02-08, to: 2027-02-09, name: 春节值班, hours: "09:00-12:00"}
  - name: 西城营业厅
    address: 新街口外大街9号
    latitude: 39.9301
    longitude: 116.3861
    phone: 010-66120002
    services: [缴费]
    hours: {工作日: "09:00-17:00", 周末: 休息}
"""

#: Each line holds one mistake; the comment names the line the error must point at.
BAD = """\
services:
  过户:
    documents: [身份证]
halls:
  - name: 和平里营业厅
    address: 和平里东街18号
    latitude: 139.9
    longitude: 116.419
    phone: 010-64210001
    services: [过户, 开栓]
    hours:
      周一至周五: "8:30-12:00, 13:30-12:00"
      周八: "09:00-12:00"
    days:
      - {from: 2027-02-09, to: 2027-02-08, name: 春节值班}
  - name: 和平里营业厅
    phone: 010-1
    services: [过户]
    hours: {每天: "09:00-17:00"}
"""


def _count(session: Session, model: type) -> int:
    return session.execute(select(func.count()).select_from(model)).scalar_one()


def test_schedule_keys_and_spans() -> None:
    assert parse_days("周一至周五") == (1, 2, 3, 4, 5)
    assert parse_days("星期六、星期日") == (6, 7)
    assert parse_days("工作日") == (1, 2, 3, 4, 5)
    assert parse_days("礼拜二和礼拜四") == (2, 4)
    assert parse_days("周五至周一") is None
    assert parse_days("上午") is None
    assert parse_spans("08:30-12:00，13:30—17:00") == [["08:30", "12:00"], ["13:30", "17:00"]]
    assert parse_spans("9：00至11：30") == [["09:00", "11:30"]]
    assert parse_spans("休息") == [] and parse_spans(None) == []
    assert parse_spans("17:00-08:00") is None
    assert parse_spans("08:00-12:00, 11:00-15:00") is None
    assert parse_spans("全天") is None


def test_a_clean_file_is_imported_and_read_back(session: Session, now: datetime) -> None:
    result = import_halls(session, GOOD.encode(), now)
    assert result.ok and (result.rows, result.inserted) == (2, 2)
    registry = load_registry(session)
    main_hall = next(h for h in registry.halls if h.name == "和平里营业厅")
    assert main_hall.week[1] == (("08:30", "12:00"), ("13:30", "17:00"))
    assert 7 not in main_hall.week
    assert main_hall.seasons[0].heating_season and main_hall.seasons[0].week[7] == (
        ("09:00", "16:00"),
    )
    assert main_hall.days[0].name == "春节值班" and main_hall.days[0].ends_on == date(2027, 2, 9)
    assert [h.name for h in registry.holidays] == ["元旦"]
    transfer = next(s for s in registry.services if s.name == "过户")
    assert transfer.aliases == ("更名",) and transfer.documents == ("身份证", "房产证")


def test_reimport_updates_removes_and_replaces_days(session: Session, now: datetime) -> None:
    import_halls(session, GOOD.encode(), now)
    again = import_halls(session, GOOD.encode(), now)
    assert (again.inserted, again.updated, again.unchanged, again.removed) == (0, 0, 2, 0)
    assert _count(session, ServiceHallDay) == 2

    only_one = GOOD[: GOOD.index("  - name: 西城营业厅")].replace("08:30-12:00", "08:00-12:00")
    changed = import_halls(session, only_one.encode(), now)
    assert (changed.updated, changed.removed) == (1, 1)
    assert [h.name for h in load_registry(session).halls] == ["和平里营业厅"]
    assert _count(session, ServiceHallDay) == 2  # the holiday and the hall's own day, once each


def test_every_mistake_is_reported_with_its_line_and_nothing_is_written(
    session: Session, now: datetime
) -> None:
    result = import_halls(session, BAD.encode(), now)
    assert not result.ok
    by_line = {}
    for error in result.errors:
        by_line.setdefault(error.line, []).append(error.reason)
    assert by_line[7] == ["halls[1]（和平里营业厅）.latitude：应为 -90 到 90 之间的数 (number)"]
    assert "开栓 不在 services 里" in by_line[10][0]
    assert "时间请写成 08:30-12:00" in by_line[12][0]
    assert "看不懂这几天" in by_line[13][0]
    assert "结束日期早于开始日期" in by_line[15][0]
    # The second hall: its missing address and coordinates are reported on its own line.
    second = " ".join(by_line[16])
    assert "halls[2]（和平里营业厅）.address：请填写 (required)" in second
    assert "latitude：请填写" in second and "longitude：请填写" in second
    assert [e.line for e in result.errors] == sorted(e.line for e in result.errors)
    assert _count(session, ServiceHall) == _count(session, HallService) == 0


def test_a_duplicate_hall_name_points_at_the_first(session: Session, now: datetime) -> None:
    twice = GOOD + GOOD[GOOD.index("  - name: 西城营业厅") :]
    first = GOOD.splitlines().index("  - name: 西城营业厅") + 1
    second = len(GOOD.splitlines()) + 1
    result = import_halls(session, twice.encode(), now)
    assert [(e.line, e.reason) for e in result.errors] == [
        (second, f"halls[3]：与第 {first} 行的营业厅重名 (duplicate name)")
    ]


def test_a_file_that_is_not_yaml_names_its_line(session: Session, now: datetime) -> None:
    with pytest.raises(InvalidInput, match="第 3 行"):
        import_halls(session, b"halls:\n  - name: x\n  address: [\n", now)
    with pytest.raises(InvalidInput, match="services、holidays 和 halls"):
        import_halls(session, b"just text", now)


def test_the_demo_registry_is_valid(session: Session, now: datetime) -> None:
    result = import_halls(session, DEMO_HALLS.read_bytes(), now)
    assert result.ok and result.rows >= 4
    registry = load_registry(session)
    weekend_closed = [
        hall
        for hall in registry.halls
        if not any(
            week.get(6) or week.get(7) for week in (hall.week, *(s.week for s in hall.seasons))
        )
    ]
    assert weekend_closed, "the demo needs a hall closed at weekends all year"


def test_cli_import_reports_lines_and_exit_codes(
    store_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad, good = tmp_path / "bad.yml", tmp_path / "good.yml"
    bad.write_text(BAD, encoding="utf-8")
    good.write_text(GOOD, encoding="utf-8")
    assert main(["import", "halls", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "第 13 行 (line 13)" in err and "导入失败，未写入任何数据" in err
    assert main(["import", "halls", str(good)]) == 0
    assert "已导入 halls (imported): 2 rows, 2 new" in capsys.readouterr().out
