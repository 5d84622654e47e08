"""Service halls: when a hall is open, which hall is nearest, what to bring, and the answers.

Plain functions over the registry's frozen values (bot/store/halls.py), so the rules are tested
without a database and the time is always passed in (the caller reads `bot.base.clock`).

Which hours apply on a day, first match wins: the hall's own special day (装修闭馆, 春节值班),
then a company-wide one (法定节假日, 调休上班), then the hall's season that covers the day (the
policy's heating season, or month-days such as 夏令时), then its regular week.

The map link is Amap's public URI scheme (`uri.amap.com/marker`, documented in
docs/service-halls.md): a plain URL that opens the map app or the web map, made without any call.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from urllib.parse import quote

from sqlalchemy.orm import Session

from bot.base import clock
from bot.nlu.faults import fault_type_of
from bot.nlu.timewindow import find_day
from bot.policy import Policy
from bot.policy.rules import in_heating_season
from bot.store.communities import haversine_km, location_of
from bot.store.halls import Hall, Registry, Service, Spans, SpecialDay, Week, load_registry

#: A shared location farther than this from every hall is outside the company's city: the user
#: is told so instead of being sent across the country.
HALL_RADIUS_KM = 50.0
#: How many days ahead "next open" is looked for (a long 春节 closure is about ten days).
SEARCH_DAYS = 21
#: At most this many halls in one answer: a chat message is read on a phone.
MAX_LISTED = 3
MAP_LINK = "https://uri.amap.com/marker?position={lon:.6f},{lat:.6f}&name={name}&callnative=0"

_WEEKDAY_NAMES = "一二三四五六日"
_WEEKEND = re.compile("周末|双休")
_ASKS_DOCUMENTS = re.compile("带什么|带啥|带哪些|材料|证件|手续")
#: The usual days, asked as such (平时, 平常上班的日子, 工作日): the hall's week answers them.
_USUAL_DAYS = re.compile("平时|平常|平日|工作日|上班的日子|上班的时候")
_HALL_SUFFIXES = ("营业厅", "服务厅", "服务网点", "网点", "服务中心", "客服中心")
#: Words residents use for a holiday that the registry names otherwise (十一 for 国庆 is left
#: out: the pipeline's text has it as 11, like 11号楼).
_HOLIDAY_WORDS = {"过年": "春节", "大年": "春节", "年三十": "春节"}


@dataclass(frozen=True)
class DayHours:
    """The opening spans of a hall on one day and what set them (a special day's name)."""

    day: date
    spans: Spans
    reason: str | None = None

    @property
    def closed(self) -> bool:
        """The hall does not open at all that day."""
        return not self.spans


@dataclass(frozen=True)
class Located:
    """A hall and how far the asker (or their community) is from it, if known."""

    hall: Hall
    distance_km: float | None = None


def _month_day(day: date) -> str:
    return f"{day:%m-%d}"


def _season_week(hall: Hall, day: date, policy: Policy) -> tuple[Week, str | None]:
    """The week that applies on `day`: a season's that covers it, or the regular one."""
    for season in hall.seasons:
        if season.heating_season:
            applies = in_heating_season(policy, day)
        elif season.start and season.end:
            md = _month_day(day)
            if season.start <= season.end:
                applies = season.start <= md <= season.end
            else:
                applies = md >= season.start or md <= season.end
        else:
            applies = False
        if applies:
            return season.week, season.name
    return hall.week, None


def _special(hall: Hall, holidays: Sequence[SpecialDay], day: date) -> SpecialDay | None:
    for special in (*hall.days, *holidays):
        if special.covers(day):
            return special
    return None


def hours_on(hall: Hall, holidays: Sequence[SpecialDay], day: date, policy: Policy) -> DayHours:
    """The hall's hours on `day` (see the module docstring for which rule wins)."""
    special = _special(hall, holidays, day)
    if special is not None:
        return DayHours(day, special.spans, special.name)
    week, _ = _season_week(hall, day, policy)
    return DayHours(day, week.get(day.isoweekday(), ()))


def open_at(hall: Hall, holidays: Sequence[SpecialDay], moment: datetime, policy: Policy) -> bool:
    """Whether the hall is open at `moment` (aware; read in the company's zone)."""
    local = clock.local(moment)
    now = f"{local:%H:%M}"
    spans = hours_on(hall, holidays, local.date(), policy).spans
    return any(opening <= now < closing for opening, closing in spans)


def closes_at(
    hall: Hall, holidays: Sequence[SpecialDay], moment: datetime, policy: Policy
) -> str | None:
    """When the span the hall is open in at `moment` ends (`17:00`), None when it is closed."""
    local = clock.local(moment)
    now = f"{local:%H:%M}"
    for opening, closing in hours_on(hall, holidays, local.date(), policy).spans:
        if opening <= now < closing:
            return closing
    return None


def next_opening(
    hall: Hall, holidays: Sequence[SpecialDay], moment: datetime, policy: Policy
) -> tuple[date, str] | None:
    """The day and time the hall next opens after `moment`, within `SEARCH_DAYS`; else None."""
    local = clock.local(moment)
    now = f"{local:%H:%M}"
    for offset in range(SEARCH_DAYS + 1):
        day = local.date() + timedelta(days=offset)
        for opening, _ in hours_on(hall, holidays, day, policy).spans:
            if offset > 0 or opening > now:
                return day, opening
    return None


# ---- finding halls -------------------------------------------------------------------------------


def nearest(
    halls: Sequence[Hall], latitude: float, longitude: float, max_km: float
) -> list[Located]:
    """Halls within `max_km` of the point, nearest first."""
    found = [
        Located(hall, haversine_km(latitude, longitude, hall.latitude, hall.longitude))
        for hall in halls
    ]
    return sorted(
        (f for f in found if f.distance_km is not None and f.distance_km <= max_km),
        key=lambda f: f.distance_km or 0.0,
    )


def _bare(name: str) -> str:
    for suffix in _HALL_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


def named_halls(halls: Sequence[Hall], text: str) -> list[Hall]:
    """Halls the text names (朝阳营业厅, or just 朝阳), longest name first."""
    found = []
    for hall in sorted(halls, key=lambda h: len(h.name), reverse=True):
        if hall.name in text or _bare(hall.name) in text:
            found.append(hall)
    return found


#: What a short question about a hall just shown asks (几点关门, 周末呢, 地址在哪, 电话多少,
#: 明天开吗, 怎么走): its hours, a day's hours, where it is, how to reach it.
_HALL_DETAIL = re.compile(
    "关门|下班|开门|营业|几点|几时|时间|周[一二三四五六日天末]|星期|礼拜|双休|节假日|假期|放假|"
    "今天|明天|后天|今儿|明儿|地址|在哪|哪儿|哪里|啥地方|什么地方|怎么走|咋走|怎么去|咋去|"
    "电话|号码|多远|远不远|坐车|停车|开着|还开"
)
#: The longest message read as such a follow-up (word characters): 那周六周日开不开门.
HALL_DETAIL_MAX_CHARS = 10
#: How to get to the hall (坐几路车, 公交, 地铁, 怎么走): residents say who will look the way up
#: (地址在哪儿？坐几路车我让孙子查, hat-034), so such a question may run longer.
_HALL_WAY = re.compile(
    "几路|公交|地铁|坐车|坐啥车|坐什么车|打车|导航|路线|怎么走|咋走|怎么去|咋去|怎么过去|咋过去|地址"
)
#: The longest way question read as a hall follow-up (word characters).
HALL_WAY_MAX_CHARS = 16
#: The way asked for by transport: the registry has no bus lines, the map link plans the route.
_ASKS_TRANSPORT = re.compile(
    "几路|公交|地铁|坐车|坐啥车|坐什么车|打车|导航|路线|怎么走|咋走|怎么去|咋去|怎么过去|咋过去"
)
ROUTE_HINT = "坐车路线：点开上面的地图链接，选“路线”或“公交”，就能看到坐几路车、怎么走。"
_WORD_CHARS = re.compile(r"[\W_]+")


def asks_hall_detail(text: str | None) -> bool:
    """Whether `text` is a short question about a detail of a service hall (its closing time,
    a day, its address or phone) that names no hall: read against the hall just shown, it asks
    about that hall. Alone 几点关门 read as out of scope ("call the gas company"), 周末呢 as a
    bare value, 地址在哪 as the knowledge base's buttons (players' findings 2, class A)."""
    words = _WORD_CHARS.sub("", str(text or ""))
    longest = HALL_WAY_MAX_CHARS if _HALL_WAY.search(words) else HALL_DETAIL_MAX_CHARS
    if not words or len(words) > longest or re.search(r"\d{3,}", words):
        return False
    if len(words) > HALL_DETAIL_MAX_CHARS and fault_type_of(words):
        return False  # 地址在哪 我家暖气不热了: a repair (开不开门 alone is no valve)
    return (_HALL_DETAIL.search(words) or _HALL_WAY.search(words)) is not None


#: The longest message read as "what do I bring" about the hall just shown (word characters):
#: 我在幸福里住 停暖的事能去那问吗 需要带啥 (player findings 5, p5-023).
HALL_DOCUMENTS_MAX_CHARS = 24
#: How a documents answer (`documents_answer`) reads: its list follows these words.
DOCUMENTS_LEAD = "请带好："


def asks_hall_documents(text: str | None) -> bool:
    """Whether `text` is a short question about what to bring (那要带啥 我去办过户, 需要带什么证件)
    that names no hall: read against the hall just shown, it asks what to bring there (a 过户
    said beside it or before it names the business). A fault or a long number makes it none."""
    words = _WORD_CHARS.sub("", str(text or ""))
    if not words or len(words) > HALL_DOCUMENTS_MAX_CHARS or re.search(r"\d{3,}", words):
        return False
    return _ASKS_DOCUMENTS.search(words) is not None and not fault_type_of(words)


def asks_transport(text: str | None) -> bool:
    """Whether `text` asks how to get to a hall (坐几路车, 地铁能到吗, 怎么走)."""
    return _ASKS_TRANSPORT.search(str(text or "")) is not None


def is_hall_answer(text: str) -> bool:
    """Whether a bot message is a hall answer that shows one hall (it links the hall's map)."""
    return MAP_LINK.split("?", 1)[0] in text


def _bare_district(district: str) -> str:
    for suffix in ("新区", "区", "县", "市"):
        if district.endswith(suffix) and len(district) - len(suffix) >= 2:
            return district[: -len(suffix)]
    return district


def district_halls(halls: Sequence[Hall], text: str) -> list[Hall]:
    """Halls in the district the text names (朝阳区, 朝阳)."""
    return [
        hall
        for hall in halls
        if hall.district and (hall.district in text or _bare_district(hall.district) in text)
    ]


def community_halls(halls: Sequence[Hall], community: str) -> list[Hall]:
    """Halls that list `community` among those they serve."""
    return [hall for hall in halls if community in hall.communities]


def offering(halls: Sequence[Hall], service: Service) -> list[Hall]:
    """Halls where `service` can be done."""
    return [hall for hall in halls if service.name in hall.services]


# ---- what was asked ------------------------------------------------------------------------------


def asked_service(registry: Registry, text: str) -> Service | None:
    """The service the text is about (过户, or an alias such as 更名), if any; the one named
    first when it names several (过户要先交清欠费吗 is about 过户)."""
    best: tuple[int, Service] | None = None
    for service in registry.services:
        positions = [_named_at(text, word) for word in (service.name, *service.aliases)]
        found = [p for p in positions if p >= 0]
        if found and (best is None or min(found) < best[0]):
            best = (min(found), service)
    return best[1] if best else None


def _named_at(text: str, word: str) -> int:
    """Where `word` first names a service in `text`, -1 if nowhere: not where it begins the name
    of a fee (开暖气费发票 asks for the 发票, not 开暖气 = 开栓, whose papers were listed)."""
    for found in re.finditer(re.escape(word), text):
        if word.endswith("费") or not text.startswith("费", found.end()):
            return found.start()
    return -1


def _holiday_named(hall_days: Sequence[SpecialDay], text: str, today: date) -> list[date]:
    """The coming days of the special days the text names (元旦, 春节, or 过年 for 春节): the
    first one named and, for a hall that keeps other hours within it, those days too."""
    names = {name for word, name in _HOLIDAY_WORDS.items() if word in text}
    named = [
        s
        for s in hall_days
        if s.ends_on >= today and (s.name in text or any(n in s.name for n in names))
    ]
    if not named:
        return []
    first = min(named, key=lambda s: s.starts_on)
    overlapping = [s for s in named if s.starts_on <= first.ends_on]
    start = max(first.starts_on, today)
    end = max(s.ends_on for s in overlapping)
    return [start + timedelta(days=n) for n in range(min((end - start).days, SEARCH_DAYS) + 1)]


def asked_days(text: str, registry: Registry, today: date) -> list[date]:
    """The days the text asks about: a holiday it names, 周末 (both days), a date or weekday;
    [] when it names none (then the question is about now) or asks about the usual days
    (`_USUAL_DAYS`: 那平常上班的日子几点关门 is the week's hours, not today's)."""
    text = _USUAL_DAYS.sub(" ", text)  # 工作日 / 上班的日子 read as today by `find_day`
    days = (*registry.holidays, *(d for h in registry.halls for d in h.days))
    holiday = _holiday_named(days, text, today)
    if holiday:
        return holiday
    if _WEEKEND.search(text):
        saturday = today + timedelta(days=(5 - today.weekday()) % 7)
        if today.weekday() == 6:
            return [today]
        return [saturday, saturday + timedelta(days=1)]
    day = find_day(text, today)
    return [day] if day else []


# ---- how answers read ----------------------------------------------------------------------------


def map_link(hall: Hall) -> str:
    """A link that shows the hall on a map (Amap URI scheme; GCJ-02 coordinates)."""
    return MAP_LINK.format(lon=hall.longitude, lat=hall.latitude, name=quote(hall.name))


def format_spans(spans: Spans) -> str:
    """`08:30-12:00、13:30-17:00`, or 休息."""
    return "、".join(f"{a}-{b}" for a, b in spans) if spans else "休息"


def format_week(week: Week) -> str:
    """`周一至周五 08:30-17:00；周六 09:00-12:00；周日 休息`: days with equal hours grouped."""
    groups: list[tuple[int, int, Spans]] = []
    for day in range(1, 8):
        spans = week.get(day, ())
        if groups and groups[-1][2] == spans and groups[-1][1] == day - 1:
            groups[-1] = (groups[-1][0], day, spans)
        else:
            groups.append((day, day, spans))
    parts = []
    for first, last, spans in groups:
        name = f"周{_WEEKDAY_NAMES[first - 1]}"
        if last == first + 1:
            name += f"、周{_WEEKDAY_NAMES[last - 1]}"
        elif last > first:
            name += f"至周{_WEEKDAY_NAMES[last - 1]}"
        parts.append(f"{name} {format_spans(spans)}")
    return "；".join(parts)


def format_day(day: date, today: date) -> str:
    """`明天（12月7日，周一）`, `12月12日（周六）`."""
    weekday = f"周{_WEEKDAY_NAMES[day.weekday()]}"
    relative = {0: "今天", 1: "明天", 2: "后天"}.get((day - today).days)
    if relative:
        return f"{relative}（{day.month}月{day.day}日，{weekday}）"
    return f"{day.month}月{day.day}日（{weekday}）"


def _distance(km: float | None) -> str:
    if km is None:
        return ""
    return f"，距您约 {km * 1000:.0f} 米" if km < 1 else f"，距您约 {km:.1f} 公里"


def status_now(hall: Hall, holidays: Sequence[SpecialDay], now: datetime, policy: Policy) -> str:
    """`现在营业中，17:00 下班。` or `现在不营业，下次开门：12月7日 周一 08:30。`"""
    closing = closes_at(hall, holidays, now, policy)
    if closing is not None:
        return f"现在营业中，今天 {closing} 下班。"
    today = clock.local(now).date()
    reason = hours_on(hall, holidays, today, policy).reason
    why = f"（{reason}）" if reason else ""
    following = next_opening(hall, holidays, now, policy)
    if following is None:
        return f"现在不营业{why}，近期暂无开门安排，请先电话咨询。"
    day, opening = following
    return f"现在不营业{why}，下次开门：{format_day(day, today)} {opening}。"


def describe(
    located: Located, holidays: Sequence[SpecialDay], now: datetime, policy: Policy
) -> str:
    """Everything about one hall: where, phone, this season's hours, open now, services, map."""
    hall = located.hall
    today = clock.local(now).date()
    week, season = _season_week(hall, today, policy)
    hours = format_week(week) + (f"（{season}）" if season else "")
    lines = [
        f"{hall.name}{_distance(located.distance_km)}",
        f"地址：{hall.address}",
        f"电话：{hall.phone}",
        f"营业时间：{hours}",
        status_now(hall, holidays, now, policy),
    ]
    if hall.services:
        lines.append(f"可办理：{'、'.join(hall.services)}")
    if hall.note:
        lines.append(hall.note)
    lines.append(f"地图：{map_link(hall)}")
    return "\n".join(lines)


def brief(located: Located, holidays: Sequence[SpecialDay], now: datetime, policy: Policy) -> str:
    """One line per hall for a list: name, address, and whether it is open now."""
    hall = located.hall
    state = status_now(hall, holidays, now, policy).removesuffix("。")
    return f"{hall.name}{_distance(located.distance_km)}：{hall.address}，{state}"


def day_answer(
    hall: Hall, holidays: Sequence[SpecialDay], days: Sequence[date], now: datetime, policy: Policy
) -> str:
    """`西城营业厅：12月12日（周六）休息，不营业。下次开门：12月14日（周一）09:00。` for the
    asked days (the next opening when the hall is closed on all of them); a run of days with the
    same hours (a holiday) reads as one span:
    `2月8日（周一）至2月11日（周四）（春节值班）营业 09:00-12:00`."""
    today = clock.local(now).date()
    runs: list[tuple[date, date, DayHours]] = []
    for day in days:
        hours = hours_on(hall, holidays, day, policy)
        last = runs[-1] if runs else None
        if (
            last is not None
            and last[1] + timedelta(days=1) == day
            and (last[2].spans, last[2].reason) == (hours.spans, hours.reason)
        ):
            runs[-1] = (last[0], day, last[2])
        else:
            runs.append((day, day, hours))
    parts = []
    for first, last_day, hours in runs:
        when = format_day(first, today)
        if last_day != first:
            when += f"至{format_day(last_day, today)}"
        why = f"（{hours.reason}）" if hours.reason else ""
        verb = "休息，不营业" if hours.closed else f"营业 {format_spans(hours.spans)}"
        parts.append(f"{when}{why}{verb}")
    said = f"{hall.name}：" + "；".join(parts) + "。"
    if all(hours.closed for _, _, hours in runs):
        # 缴费点今儿开门不 on its closed Monday: when to come instead, as a clerk would say
        # (glp-008, glp-037 heard only "休息" and the other halls)
        after = datetime.combine(days[-1] + timedelta(days=1), time.min, clock.local(now).tzinfo)
        following = next_opening(hall, holidays, after, policy)
        if following is not None:
            said += f"下次开门：{format_day(following[0], today)} {following[1]}。"
    return said


def open_on_any(
    halls: Sequence[Hall], holidays: Sequence[SpecialDay], days: Sequence[date], policy: Policy
) -> list[Hall]:
    """Halls open on at least one of `days` (the alternative to one that is closed then)."""
    return [
        hall
        for hall in halls
        if any(not hours_on(hall, holidays, day, policy).closed for day in days)
    ]


def documents_for(hall: Hall | None, service: Service) -> tuple[str, ...]:
    """What to bring for `service`: the hall's own list where it has one, else the company's."""
    if hall is not None and hall.documents.get(service.name):
        return hall.documents[service.name]
    return service.documents


def documents_answer(service: Service, hall: Hall | None) -> str:
    """`办理过户请带：\n1. …` with the service's note."""
    listed = "\n".join(f"{n}. {doc}" for n, doc in enumerate(documents_for(hall, service), 1))
    where = f"到{hall.name}" if hall else "到营业厅"
    text = f"{where}办理{service.name}，{DOCUMENTS_LEAD}\n{listed}"
    return text + (f"\n{service.note}" if service.note else "")


# ---- the answer to one question ------------------------------------------------------------------


@dataclass(frozen=True)
class Question:
    """What is known when a resident asks about halls.

    `point` is a location they shared; `community` the community they named or live in (from
    their account), with `community_point` where it lies, if the store knows. `earlier` is what
    they said just before: 得带什么材料 after a message about 过户 asks about 过户. `shown` is
    the hall answer a short follow-up asks about (几点关门 after 和平里营业厅's hours): when the
    text names no hall, the first hall it names is the one asked about. `task` is the answer
    that sent the resident to a hall (过户, 开栓): a hall that does that errand is chosen, and
    its documents are not listed again.
    """

    text: str = ""
    point: tuple[float, float] | None = None
    community: str | None = None
    community_point: tuple[float, float] | None = None
    earlier: str = ""
    shown: str = ""
    task: str = ""


ASK_WHERE = "告诉我您住在哪个小区，或在微信里发送位置，我帮您找最近的营业厅。"


def choose_halls(halls: Sequence[Hall], question: Question) -> list[Located]:
    """The halls the question is about, best first; [] when nothing narrows them down.

    A shared location wins (the nearest halls), then a hall or district named in the text, then
    the halls serving the asker's community, then the halls nearest to that community.
    """
    if question.point is not None:
        return nearest(halls, *question.point, HALL_RADIUS_KM)[:MAX_LISTED]
    by_name = named_halls(halls, question.text) or district_halls(halls, question.text)
    if not by_name and question.shown:
        by_name = _first_named(halls, question.shown)
    if by_name:
        return [Located(hall) for hall in by_name[:MAX_LISTED]]
    if question.community:
        serving = community_halls(halls, question.community)
        if serving:
            return [Located(hall) for hall in serving[:MAX_LISTED]]
        if question.community_point is not None:
            near = nearest(halls, *question.community_point, HALL_RADIUS_KM)[:1]
            return [Located(found.hall) for found in near]
    return []


def _first_named(halls: Sequence[Hall], text: str) -> list[Hall]:
    """The hall named first in `text` (an answer may name others further on), or []."""
    named = named_halls(halls, text)
    if not named:
        return []

    def position(hall: Hall) -> int:
        at = text.find(hall.name)
        return at if at >= 0 else text.find(_bare(hall.name))

    return [min(named, key=position)]


def _day_messages(
    candidates: Sequence[Hall],
    chosen: Sequence[Located],
    holidays: Sequence[SpecialDay],
    days: Sequence[date],
    now: datetime,
    policy: Policy,
) -> list[str]:
    """The chosen halls' hours on the asked days, where to find the first, and, when none of
    them opens then, the nearest halls that do (西城 is closed on Saturday; 和平里 is open)."""
    messages = [day_answer(found.hall, holidays, days, now, policy) for found in chosen]
    messages.append(f"地址：{chosen[0].hall.address}\n地图：{map_link(chosen[0].hall)}")
    asked = [found.hall for found in chosen]
    if not open_on_any(asked, holidays, days, policy):
        first = asked[0]
        others = sorted(
            open_on_any([h for h in candidates if h not in asked], holidays, days, policy),
            key=lambda h: haversine_km(first.latitude, first.longitude, h.latitude, h.longitude),
        )
        if others:
            lines = [day_answer(h, holidays, days, now, policy) for h in others[:MAX_LISTED]]
            heading = "当天营业的还有：" if len(days) == 1 else "这几天营业的还有："
            messages.append("\n".join([heading, *lines]))
    return messages


def answer(registry: Registry, question: Question, now: datetime, policy: Policy) -> list[str]:
    """The messages that answer a question about halls: where, when open, what to bring."""
    hotline = policy.company.hotline
    if not registry.halls:
        return [f"暂时还没有营业厅的信息，请拨打服务热线 {hotline} 咨询。"]
    holidays = registry.holidays
    service = asked_service(registry, question.text)
    if service is None and _ASKS_DOCUMENTS.search(question.text):
        service = asked_service(registry, question.earlier)
    candidates = list(registry.halls)
    errand = service or asked_service(registry, question.task)
    if errand is not None:
        candidates = offering(registry.halls, errand) or candidates
    chosen = choose_halls(candidates, question)
    if question.point is not None and not chosen:
        return [f"您发送的位置附近没有我们的营业厅。营业厅地址可拨打服务热线 {hotline} 询问。"]
    if not chosen and len(candidates) == 1:
        chosen = [Located(candidates[0])]  # the only hall (for this service): no need to ask
    messages: list[str] = []
    if service is not None:
        messages.append(documents_answer(service, chosen[0].hall if len(chosen) == 1 else None))
    today = clock.local(now).date()
    days = asked_days(question.text, registry, today)
    if chosen and days:
        messages += _day_messages(candidates, chosen, holidays, days, now, policy)
    elif chosen:
        messages.append(describe(chosen[0], holidays, now, policy))
        if asks_transport(question.text):
            messages.append(ROUTE_HINT)
        if len(chosen) > 1:
            nearby = "\n".join(brief(found, holidays, now, policy) for found in chosen[1:])
            messages.append(f"附近还有：\n{nearby}")
    else:
        if days:
            messages += [day_answer(hall, holidays, days, now, policy) for hall in candidates]
        else:
            lines = "\n".join(brief(Located(h), holidays, now, policy) for h in candidates)
            where = f"可办理{service.name}的营业厅" if service else "我们的营业厅"
            messages.append(f"{where}：\n{lines}")
        messages.append(ASK_WHERE)
    if not days and not any(open_at(hall, holidays, now, policy) for hall in registry.halls):
        # 现在半夜了 暖气不热 能找谁 营业厅都关门了吧: the closed halls alone left the resident
        # with no one to call; the duty line answers now (the player's pl-021)
        messages.insert(len(messages) - (messages[-1] == ASK_WHERE), _closed_now(policy))
    return messages


def _closed_now(policy: Policy) -> str:
    """What a resident can do while every hall shown is closed."""
    duty = policy.emergency.duty_phone
    return (
        f"营业厅现在都不营业。暖气漏水、不热等急事请拨24小时值班电话 {duty}，"
        "也可以直接在这里报修、申请测温，我会马上登记。"
    )


def answer_from_store(
    session: Session,
    text: str,
    point: tuple[float, float] | None,
    community: str | None,
    now: datetime,
    policy: Policy,
    earlier: str = "",
    shown: str = "",
    task: str = "",
) -> list[str]:
    """`answer` on the stored registry, with where the asker's community lies (one read)."""
    community_point = location_of(session, community) if community else None
    question = Question(text, point, community, community_point, earlier, shown, task)
    return answer(load_registry(session), question, now, policy)
