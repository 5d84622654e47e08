"""Import the company's service-hall registry from its YAML file (`python -m bot import halls`).

Halls are nested data (hours per weekday and season, special days, documents per service), which a
flat CSV row holds badly, so the registry is one YAML file the company edits by hand: the format
is in docs/service-halls.md and the demo company's file is bot/store/demo_halls.yml. Like the CSV
imports, it is all or nothing: every problem is reported with its line, and only a clean file is
written. The file is the whole registry: halls it no longer lists are removed, the company-wide
days and services are replaced.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import yaml
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.store.errors import InvalidInput
from bot.store.importer import ImportResult, RowError, decode_csv
from bot.store.models import HallService, ServiceHall, ServiceHallDay, require_aware

HALLS_KIND = "halls"

_DAY_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "日": 7, "天": 7}
_DAY = r"(?:周|星期|礼拜)([一二三四五六日天])"
_DAY_RANGE = re.compile(rf"{_DAY}\s*(?:至|到|-|－|~|～|—)\s*{_DAY}")
_DAY_SINGLE = re.compile(_DAY)
_DAY_GROUPS = {
    "工作日": (1, 2, 3, 4, 5),
    "周末": (6, 7),
    "双休日": (6, 7),
    "每天": (1, 2, 3, 4, 5, 6, 7),
    "每日": (1, 2, 3, 4, 5, 6, 7),
}
_DAY_KEY_SEPARATORS = re.compile(r"[、,，/和及\s]+")
_CLOSED_WORDS = {"休息", "闭馆", "不营业", "不开门", "关闭", "closed"}
_SPAN = re.compile(
    r"([0-9]{1,2})[:：]([0-9]{2})\s*(?:-|－|~|～|—|–|至|到)\s*([0-9]{1,2})[:：]([0-9]{2})"
)
_SPAN_SEPARATORS = re.compile(r"[,，;；、\s]+")
_MONTH_DAY = re.compile(r"(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])")


class _Mapping(dict[Any, Any]):
    """A YAML mapping that remembers its own line and the line of each key (1-based)."""

    line: int = 0
    lines: dict[Any, int]


class _Loader(yaml.SafeLoader):
    """SafeLoader whose mappings know their lines, so every error can name one."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> Any:
        mapping = _Mapping(super().construct_mapping(node, deep=True))
        mapping.line = node.start_mark.line + 1
        mapping.lines = {
            self.construct_object(key, deep=True): key.start_mark.line + 1 for key, _ in node.value
        }
        return mapping


_Loader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    _Loader.construct_mapping,
)


def _line(mapping: Any, key: str | None = None) -> int:
    if isinstance(mapping, _Mapping):
        return mapping.lines.get(key, mapping.line) if key is not None else mapping.line
    return 0


@dataclass
class _Checker:
    """Collects the problems of a file, each with its line, instead of stopping at the first."""

    errors: list[RowError] = field(default_factory=list)

    def fail(self, line: int, where: str, reason: str) -> None:
        self.errors.append(RowError(line, f"{where}：{reason}"))

    def text(
        self, mapping: Any, key: str, where: str, max_length: int, required: bool = True
    ) -> str | None:
        value = mapping.get(key) if isinstance(mapping, dict) else None
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.fail(_line(mapping, key), f"{where}.{key}", "请填写 (required)")
            return None
        if not isinstance(value, (str, int)) or isinstance(value, bool):
            self.fail(_line(mapping, key), f"{where}.{key}", "应为一段文字 (text expected)")
            return None
        text = str(value).strip()
        if len(text) > max_length:
            self.fail(
                _line(mapping, key), f"{where}.{key}", f"请不要超过 {max_length} 个字 (too long)"
            )
            return None
        return text

    def texts(
        self, mapping: Any, key: str, where: str, max_length: int, required: bool = True
    ) -> list[str]:
        value = mapping.get(key) if isinstance(mapping, dict) else None
        if value is None:
            if required:
                self.fail(
                    _line(mapping, key), f"{where}.{key}", "请至少列出一项 (a list is required)"
                )
            return []
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.fail(
                _line(mapping, key), f"{where}.{key}", "应为文字列表，如 [甲, 乙] (list of text)"
            )
            return []
        items = [v.strip() for v in value]
        if any(len(v) > max_length for v in items):
            self.fail(
                _line(mapping, key),
                f"{where}.{key}",
                f"每项请不要超过 {max_length} 个字 (too long)",
            )
            return []
        if len(set(items)) != len(items):
            self.fail(_line(mapping, key), f"{where}.{key}", "有重复的项 (duplicate items)")
            return []
        return items

    def number(self, mapping: Any, key: str, where: str, low: float, high: float) -> float | None:
        value = mapping.get(key) if isinstance(mapping, dict) else None
        if value is None:
            self.fail(_line(mapping, key), f"{where}.{key}", "请填写 (required)")
            return None
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, float))
            or not low <= value <= high
        ):
            self.fail(
                _line(mapping, key), f"{where}.{key}", f"应为 {low} 到 {high} 之间的数 (number)"
            )
            return None
        return float(value)

    def day(self, mapping: Any, key: str, where: str) -> date | None:
        value = mapping.get(key)
        if isinstance(value, datetime):
            value = value.date()
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value).strip())
        except ValueError:
            self.fail(_line(mapping, key), f"{where}.{key}", "应为日期 YYYY-MM-DD (date)")
            return None


def parse_days(key: str) -> tuple[int, ...] | None:
    """The ISO weekdays (1 = Monday) a schedule key names: 周一至周五, 周六、周日, 工作日, 每天 …;
    None when it names none."""
    days: set[int] = set()
    for part in _DAY_KEY_SEPARATORS.split(str(key).strip()):
        if not part:
            continue
        if part in _DAY_GROUPS:
            days.update(_DAY_GROUPS[part])
        elif match := _DAY_RANGE.fullmatch(part):
            first, last = _DAY_DIGITS[match.group(1)], _DAY_DIGITS[match.group(2)]
            if last < first:
                return None
            days.update(range(first, last + 1))
        elif match := _DAY_SINGLE.fullmatch(part):
            days.add(_DAY_DIGITS[match.group(1)])
        else:
            return None
    return tuple(sorted(days)) or None


def parse_spans(value: Any) -> list[list[str]] | None:
    """Opening spans as written (`08:30-12:00, 13:30-17:00`) → `[["08:30", "12:00"], …]`;
    `[]` for 休息 / null (closed); None when the text is not that."""
    if value is None:
        return []
    if not isinstance(value, str):
        return None
    text = value.strip()
    if text.lower() in _CLOSED_WORDS:
        return []
    spans: list[list[str]] = []
    rest = _SPAN_SEPARATORS.sub(" ", text).strip()
    position = 0
    for match in _SPAN.finditer(rest):
        if rest[position : match.start()].strip():
            return None
        position = match.end()
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59 or (h1, m1) >= (h2, m2):
            return None
        opening, closing = f"{h1:02d}:{m1:02d}", f"{h2:02d}:{m2:02d}"
        if spans and opening < spans[-1][1]:
            return None
        spans.append([opening, closing])
    if rest[position:].strip() or not spans:
        return None
    return spans


def _week(check: _Checker, value: Any, where: str, line: int) -> dict[str, list[list[str]]] | None:
    """A weekly schedule: `{"1": [["08:30", "17:00"]], …}`; days not named are closed."""
    if not isinstance(value, dict) or not value:
        check.fail(
            line, where, '应为 星期: 时间 的列表，如 周一至周五: "08:30-17:00" (weekly hours)'
        )
        return None
    week: dict[str, list[list[str]]] = {}
    for key, spans_text in value.items():
        key_line = _line(value, key)
        days = parse_days(str(key))
        if days is None:
            check.fail(
                key_line,
                f"{where}.{key}",
                "看不懂这几天，请写成 周一至周五、周六、周日、工作日 或 每天 (weekday)",
            )
            continue
        spans = parse_spans(spans_text)
        if spans is None:
            check.fail(
                key_line,
                f"{where}.{key}",
                "时间请写成 08:30-12:00, 13:30-17:00，不营业写 休息 (opening hours)",
            )
            continue
        for day in days:
            if str(day) in week:
                check.fail(
                    key_line,
                    f"{where}.{key}",
                    f"周{'一二三四五六日'[day - 1]}写了两次 (day given twice)",
                )
            week[str(day)] = spans
    return week


def _seasons(check: _Checker, value: Any, where: str, line: int) -> list[dict[str, Any]]:
    """Seasonal schedules: a name, `from`/`to` month-days or `heating_season: true`, and hours."""
    if value is None:
        return []
    if not isinstance(value, list):
        check.fail(line, where, "应为列表 (list of seasons)")
        return []
    seasons = []
    for n, season in enumerate(value, start=1):
        here = f"{where}[{n}]"
        if not isinstance(season, dict):
            check.fail(line, here, "应为 name / from / to / hours (season)")
            continue
        name = check.text(season, "name", here, 16)
        entry: dict[str, Any] = {"name": name}
        if season.get("heating_season") is True:
            entry["heating_season"] = True
        else:
            for key in ("from", "to"):
                text = str(season.get(key, "")).strip()
                if _MONTH_DAY.fullmatch(text) is None:
                    check.fail(
                        _line(season, key),
                        f"{here}.{key}",
                        '应为月-日，如 "11-15"，或写 heating_season: true (month-day)',
                    )
                entry[key] = text
        entry["week"] = _week(check, season.get("hours"), f"{here}.hours", _line(season, "hours"))
        seasons.append(entry)
    return seasons


def _days(check: _Checker, value: Any, where: str, line: int) -> list[dict[str, Any]]:
    """Special days: `date` or `from`/`to`, a `name`, and `hours` (absent or 休息: closed)."""
    if value is None:
        return []
    if not isinstance(value, list):
        check.fail(line, where, "应为列表 (list of days)")
        return []
    days = []
    for n, item in enumerate(value, start=1):
        here = f"{where}[{n}]"
        if not isinstance(item, dict):
            check.fail(line, here, "应为 date (或 from / to)、name、hours (special day)")
            continue
        if "date" in item:
            starts_on = ends_on = check.day(item, "date", here)
        else:
            starts_on, ends_on = check.day(item, "from", here), check.day(item, "to", here)
        if starts_on and ends_on and ends_on < starts_on:
            check.fail(
                _line(item, "to"), f"{here}.to", "结束日期早于开始日期 (ends before it starts)"
            )
        name = check.text(item, "name", here, 64)
        spans = parse_spans(item.get("hours"))
        if spans is None:
            check.fail(
                _line(item, "hours"),
                f"{here}.hours",
                "时间请写成 09:00-12:00，不营业可不写或写 休息",
            )
        days.append(
            {"starts_on": starts_on, "ends_on": ends_on, "name": name, "hours": spans or None}
        )
    return days


def _services(check: _Checker, value: Any, line: int) -> list[dict[str, Any]]:
    if not isinstance(value, dict) or not value:
        check.fail(line, "services", "请列出各项业务及所需材料 (services with documents)")
        return []
    services = []
    for name, item in value.items():
        here = f"services.{name}"
        if not isinstance(name, str) or not 1 <= len(name.strip()) <= 16:
            check.fail(_line(value, name), here, "业务名称应为 1–16 个字 (service name)")
            continue
        if not isinstance(item, dict):
            check.fail(_line(value, name), here, "应写 aliases、documents、note (service)")
            continue
        services.append(
            {
                "name": name.strip(),
                "aliases": check.texts(item, "aliases", here, 16, required=False),
                "documents": check.texts(item, "documents", here, 120),
                "note": check.text(item, "note", here, 500, required=False),
            }
        )
    return services


def _hall(
    check: _Checker, item: Any, n: int, services: set[str], line: int
) -> dict[str, Any] | None:
    """One hall's values, or None when it has a problem (`line`: of `halls`, for a bad item)."""
    here = f"halls[{n}]"
    if not isinstance(item, dict):
        check.fail(line, here, "应为一个营业厅的各项信息 (hall)")
        return None
    before = len(check.errors)
    name = check.text(item, "name", here, 64)
    if name:
        here = f"{here}（{name}）"
    hall: dict[str, Any] = {
        "name": name,
        "district": check.text(item, "district", here, 32, required=False),
        "address": check.text(item, "address", here, 255),
        "latitude": check.number(item, "latitude", here, -90, 90),
        "longitude": check.number(item, "longitude", here, -180, 180),
        "phone": check.text(item, "phone", here, 32),
        "communities": check.texts(item, "communities", here, 64, required=False),
        "services": check.texts(item, "services", here, 16),
        "note": check.text(item, "note", here, 500, required=False),
    }
    unknown = [s for s in hall["services"] if s not in services]
    if unknown and services:
        check.fail(
            _line(item, "services"),
            f"{here}.services",
            f"{'、'.join(unknown)} 不在 services 里，请先在文件开头写明所需材料 (unknown service)",
        )
    hall["hours"] = {
        "week": _week(check, item.get("hours"), f"{here}.hours", _line(item, "hours")),
        "seasons": _seasons(check, item.get("seasons"), f"{here}.seasons", _line(item, "seasons")),
    }
    hall["days"] = _days(check, item.get("days"), f"{here}.days", _line(item, "days"))
    documents = item.get("documents")
    hall["documents"] = None
    if documents is not None:
        if not isinstance(documents, dict):
            check.fail(
                _line(item, "documents"),
                f"{here}.documents",
                "应为 业务: [材料…] (documents per service)",
            )
        else:
            hall["documents"] = {
                str(name): check.texts(documents, name, f"{here}.documents", 120)
                for name in documents
            }
    return hall if len(check.errors) == before else None


def read_registry(text: str) -> tuple[dict[str, Any], list[RowError]]:
    """Parse and check a registry file: the clean parts, and every problem with its line.

    Raises `InvalidInput` when the text is not YAML at all or has none of the three sections.
    """
    try:
        root = yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"第 {mark.line + 1} 行" if mark is not None else "文件"
        raise InvalidInput(f"{where}不是有效的 YAML，请检查缩进和冒号 (not valid YAML)") from None
    if not isinstance(root, dict) or not isinstance(root.get("halls"), list):
        raise InvalidInput("文件应包含 services、holidays 和 halls 三部分 (sections missing)")
    check = _Checker()
    services = _services(check, root.get("services"), _line(root, "services"))
    known = {s["name"] for s in services}
    holidays = _days(check, root.get("holidays"), "holidays", _line(root, "holidays"))
    halls = []
    first_line: dict[str, int] = {}
    for n, item in enumerate(root["halls"], start=1):
        hall = _hall(check, item, n, known, _line(root, "halls"))
        if hall is None:
            continue
        if hall["name"] in first_line:
            check.fail(
                _line(item),
                f"halls[{n}]",
                f"与第 {first_line[hall['name']]} 行的营业厅重名 (duplicate name)",
            )
            continue
        first_line[hall["name"]] = _line(item)
        halls.append(hall)
    if not root["halls"]:
        check.fail(_line(root, "halls"), "halls", "至少要有一个营业厅 (no halls)")
    registry = {
        "services": services,
        "holidays": holidays,
        "halls": halls,
        "listed": len(root["halls"]),
    }
    return registry, sorted(check.errors, key=lambda e: e.line)


def _day_rows(days: Iterable[dict[str, Any]], hall_id: int | None) -> list[ServiceHallDay]:
    return [ServiceHallDay(hall_id=hall_id, **day) for day in days]


def import_halls(session: Session, data: bytes, now: datetime) -> ImportResult:
    """Check a registry file and, if it is clean, make the store hold exactly what it lists."""
    require_aware(now, "now")
    registry, errors = read_registry(decode_csv(data))
    halls = registry["halls"]
    if errors:
        return ImportResult(HALLS_KIND, registry["listed"], errors=tuple(errors))
    existing = {hall.name: hall for hall in session.execute(select(ServiceHall)).scalars()}
    inserted = updated = 0
    session.execute(delete(ServiceHallDay))
    session.execute(delete(HallService))
    for service in registry["services"]:
        session.add(HallService(**service))
    removed = sorted(set(existing) - {h["name"] for h in halls})
    for gone in removed:
        session.delete(existing.pop(gone))
    session.flush()
    for values in halls:
        days = values.pop("days")
        row = existing.get(values["name"])
        if row is None:
            row = ServiceHall(**values, updated_at=now)
            session.add(row)
            inserted += 1
        elif any(getattr(row, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(row, name, value)
            row.updated_at = now
            updated += 1
        session.flush()
        session.add_all(_day_rows(days, row.id))
    session.add_all(_day_rows(registry["holidays"], None))
    session.flush()
    unchanged = len(halls) - inserted - updated
    return ImportResult(HALLS_KIND, len(halls), inserted, updated, unchanged, removed=len(removed))
