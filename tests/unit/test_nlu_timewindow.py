"""bot.nlu.timewindow: Chinese time expressions → absolute visit windows in the company's zone."""

from __future__ import annotations

import dataclasses
import time
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.nlu.timewindow import VisitWindow, find_day, parse_visit_window

SHANGHAI = ZoneInfo("Asia/Shanghai")

# Friday 27 November 2026, 10:30 in Shanghai.
FRIDAY_MORNING = datetime(2026, 11, 27, 10, 30, tzinfo=SHANGHAI)


def at(month: int, day: int, hour: int, minute: int = 0, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def window(text: str, now: datetime = FRIDAY_MORNING) -> tuple[datetime, datetime] | None:
    result = parse_visit_window(text, now)
    return None if result is None else (result.start, result.end)


def test_fixed_now_is_a_friday() -> None:
    assert FRIDAY_MORNING.weekday() == 4


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        # relative days, with and without a part of the day
        ("明天上午", at(11, 28, 8), at(11, 28, 12)),
        ("今天下午", at(11, 27, 13), at(11, 27, 18)),
        ("明天", at(11, 28, 8), at(11, 28, 18)),
        ("后天", at(11, 29, 8), at(11, 29, 18)),
        ("大后天", at(11, 30, 8), at(11, 30, 18)),
        ("明天中午", at(11, 28, 11), at(11, 28, 14)),
        ("明天傍晚", at(11, 28, 17), at(11, 28, 19)),
        ("明天晚上", at(11, 28, 18), at(11, 28, 21)),
        ("今晚", at(11, 27, 18), at(11, 27, 21)),
        ("明早", at(11, 28, 8), at(11, 28, 12)),
        ("明晚", at(11, 28, 18), at(11, 28, 21)),
        ("明天一早", at(11, 28, 8), at(11, 28, 10)),
        ("明天早上", at(11, 28, 8), at(11, 28, 12)),
        # whole day / part of the day with no date: today
        ("下午都在", at(11, 27, 13), at(11, 27, 18)),
        ("全天都在", at(11, 27, 8), at(11, 27, 18)),
        ("一整天都在家", at(11, 27, 8), at(11, 27, 18)),
        ("一天都在", at(11, 27, 8), at(11, 27, 18)),
        ("明天一整天都在", at(11, 28, 8), at(11, 28, 18)),
        ("明天白天", at(11, 28, 8), at(11, 28, 18)),
        # weekdays: the coming one; today counts while its window is ahead
        ("周六", at(11, 28, 8), at(11, 28, 18)),
        ("周六下午两点", at(11, 28, 14), at(11, 28, 16)),
        ("星期六下午2点半", at(11, 28, 14, 30), at(11, 28, 16, 30)),
        ("礼拜天上午", at(11, 29, 8), at(11, 29, 12)),
        ("星期日", at(11, 29, 8), at(11, 29, 18)),
        ("周一", at(11, 30, 8), at(11, 30, 18)),
        ("周五", at(11, 27, 8), at(11, 27, 18)),
        ("周五上午", at(11, 27, 8), at(11, 27, 12)),
        ("周4", at(12, 3, 8), at(12, 3, 18)),
        # next week = the week after this Monday–Sunday week
        ("下周六", at(12, 5, 8), at(12, 5, 18)),
        ("下周一上午十点", at(11, 30, 10), at(11, 30, 12)),
        ("下个星期三", at(12, 2, 8), at(12, 2, 18)),
        ("下礼拜五下午", at(12, 4, 13), at(12, 4, 18)),
        ("下下周一", at(12, 7, 8), at(12, 7, 18)),
        ("这周日", at(11, 29, 8), at(11, 29, 18)),
        ("本周六上午", at(11, 28, 8), at(11, 28, 12)),
        ("周末", at(11, 28, 8), at(11, 28, 18)),
        ("下周末", at(12, 5, 8), at(12, 5, 18)),
        # day of month / month and day
        ("28号", at(11, 28, 8), at(11, 28, 18)),
        ("27号下午", at(11, 27, 13), at(11, 27, 18)),
        ("26号", at(12, 26, 8), at(12, 26, 18)),
        ("三十号上午", at(11, 30, 8), at(11, 30, 12)),
        ("31号", at(12, 31, 8), at(12, 31, 18)),  # November has no 31st
        ("11月28日上午", at(11, 28, 8), at(11, 28, 12)),
        ("十二月一号下午三点", at(12, 1, 15), at(12, 1, 17)),
        ("1月2日", at(1, 2, 8, year=2027), at(1, 2, 18, year=2027)),
        ("11月26日", at(11, 26, 8, year=2027), at(11, 26, 18, year=2027)),
        ("2027年3月1日", at(3, 1, 8, year=2027), at(3, 1, 18, year=2027)),
        # clock times: a 2-hour window; 1–6 o'clock without a part of the day is p.m.
        ("两点", at(11, 27, 14), at(11, 27, 16)),
        ("14:30", at(11, 27, 14, 30), at(11, 27, 16, 30)),
        ("１４：３０", at(11, 27, 14, 30), at(11, 27, 16, 30)),
        ("下午2点半", at(11, 27, 14, 30), at(11, 27, 16, 30)),
        ("明天下午兩點", at(11, 28, 14), at(11, 28, 16)),
        ("三点一刻", at(11, 27, 15, 15), at(11, 27, 17, 15)),
        ("两点四十五", at(11, 27, 14, 45), at(11, 27, 16, 45)),
        ("晚上8点", at(11, 27, 20), at(11, 27, 22)),
        ("明晚八点", at(11, 28, 20), at(11, 28, 22)),
        ("中午12点", at(11, 27, 12), at(11, 27, 14)),
        ("中午一点", at(11, 27, 13), at(11, 27, 15)),
        ("今天一点来", at(11, 27, 13), at(11, 27, 15)),
        ("明天上午9点", at(11, 28, 9), at(11, 28, 11)),
        ("10点", at(11, 27, 10), at(11, 27, 12)),  # started, not over: kept as stated
        # ranges
        ("两点到四点", at(11, 27, 14), at(11, 27, 16)),
        ("2到4点", at(11, 27, 14), at(11, 27, 16)),
        ("上午10点到下午3点", at(11, 27, 10), at(11, 27, 15)),
        ("上午10点到2点", at(11, 27, 10), at(11, 27, 14)),
        ("14:00-16:00", at(11, 27, 14), at(11, 27, 16)),
        ("9点到12点", at(11, 27, 9), at(11, 27, 12)),
        ("后天下午3点到5点", at(11, 29, 15), at(11, 29, 17)),
        # open-ended
        ("3点以后", at(11, 27, 15), at(11, 27, 18)),
        ("下午4点以后", at(11, 27, 16), at(11, 27, 18)),
        ("下午5点以后", at(11, 27, 17), at(11, 27, 19)),
        ("晚上7点以后", at(11, 27, 19), at(11, 27, 21)),
        ("下午3点以前", at(11, 27, 13), at(11, 27, 15)),
        ("明天12点之前", at(11, 28, 8), at(11, 28, 12)),
        # 随时: from now to 20:00 today; with a date, that day 8–20
        ("随时", at(11, 27, 10, 30), at(11, 27, 20)),
        ("随时都可以", at(11, 27, 10, 30), at(11, 27, 20)),
        ("什么时候都行", at(11, 27, 10, 30), at(11, 27, 20)),
        ("明天随时", at(11, 28, 8), at(11, 28, 20)),
        ("今天随时", at(11, 27, 10, 30), at(11, 27, 20)),
        # urgency: now … now + 2 h
        ("现在", at(11, 27, 10, 30), at(11, 27, 12, 30)),
        ("马上", at(11, 27, 10, 30), at(11, 27, 12, 30)),
        ("尽快过来", at(11, 27, 10, 30), at(11, 27, 12, 30)),
        ("今天尽快", at(11, 27, 10, 30), at(11, 27, 12, 30)),
        # surrounded by other words
        ("我明天下午在家，你们来吧", at(11, 28, 13), at(11, 28, 18)),
    ],
)
def test_parse_visit_window(text: str, start: datetime, end: datetime) -> None:
    assert window(text) == (start, end)


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        # N点以后 with a morning or noon ends with that part (the players' p3-001 was booked 10–18)
        ("明天上午吧 十点以后", at(11, 28, 10), at(11, 28, 12)),
        ("明天上午十点以后", at(11, 28, 10), at(11, 28, 12)),
        ("明早9点之后", at(11, 28, 9), at(11, 28, 12)),
        ("周六早上八点半以后", at(11, 28, 8, 30), at(11, 28, 12)),
        ("明天中午12点以后", at(11, 28, 12), at(11, 28, 14)),
        ("明天上午11点以后", at(11, 28, 11), at(11, 28, 13)),  # still two hours at least
        # look-alikes that keep their windows
        ("明天十点以后", at(11, 28, 10), at(11, 28, 18)),
        ("明天下午三点以后", at(11, 28, 15), at(11, 28, 18)),
        ("明天上午十点以前", at(11, 28, 8), at(11, 28, 10)),
        ("明天上午不行 下午三点以后", at(11, 28, 15), at(11, 28, 18)),
        ("明晚7点以后", at(11, 28, 19), at(11, 28, 21)),
    ],
)
def test_after_a_clock_time_ends_with_its_part_of_the_day(
    text: str, start: datetime, end: datetime
) -> None:
    assert window(text) == (start, end)


def test_on_a_sunday_this_week_runs_from_today() -> None:
    """这周六 said on Sunday 6 December is Saturday the 12th (a week counted from Sunday), not
    yesterday: the resident was asked four times for a time the bot "did not understand"."""
    sunday = at(12, 6, 13)
    assert window("这周六上午", sunday) == (at(12, 12, 8), at(12, 12, 12))
    assert window("本周一下午", sunday) == (at(12, 7, 13), at(12, 7, 18))
    assert window("这周日", sunday) == (at(12, 6, 8), at(12, 6, 18))  # today, as said


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "吃饭了吗",
        "暖气不热",
        "两三点",  # an approximation, not a time we can book
        "10点之前",  # 8:00–10:00 is over at 10:30
        "这周三",  # Wednesday of this week is over
        "27号上午",  # today's morning is over: no silent move to next month
    ],
)
def test_unknown_or_past_gives_none(text: str) -> None:
    now = FRIDAY_MORNING.replace(hour=13)
    assert parse_visit_window(text, now) is None


@pytest.mark.parametrize(
    ("text", "now"),
    [
        ("今天上午", at(11, 27, 13)),
        ("上午", at(11, 27, 13)),
        ("下午", at(11, 27, 19)),
        ("27号", at(11, 27, 18, 0)),  # N号 that is today stays today, even when over
        ("今天随时", at(11, 27, 21)),
    ],
)
def test_window_wholly_in_the_past_is_none(text: str, now: datetime) -> None:
    assert parse_visit_window(text, now) is None


def test_weekday_today_rolls_to_next_week_once_its_window_is_over() -> None:
    assert window("周五早上", at(11, 27, 13)) == (at(12, 4, 8), at(12, 4, 12))
    assert window("周五", at(11, 27, 19)) == (at(12, 4, 8), at(12, 4, 18))
    # … but not while the window is still ahead
    assert window("周五下午", at(11, 27, 13)) == (at(11, 27, 13), at(11, 27, 18))


def test_weekend_rolls_saturday_to_sunday_and_sunday_to_next_saturday() -> None:
    saturday_evening, sunday_evening = at(11, 28, 19), at(11, 29, 19)
    assert window("周末", saturday_evening) == (at(11, 29, 8), at(11, 29, 18))
    assert window("周末", sunday_evening) == (at(12, 5, 8), at(12, 5, 18))


def test_anytime_late_in_the_day_moves_to_tomorrow() -> None:
    assert window("随时", at(11, 27, 19, 30)) == (at(11, 28, 8), at(11, 28, 20))
    assert window("随时", at(11, 27, 7)) == (at(11, 27, 8), at(11, 27, 20))


class TestRollover:
    """Month and year ends, from Thursday 31 December 2026, 16:00."""

    NOW = at(12, 31, 16)

    @pytest.mark.parametrize(
        ("text", "start", "end"),
        [
            ("明天上午", at(1, 1, 8, year=2027), at(1, 1, 12, year=2027)),
            ("3号", at(1, 3, 8, year=2027), at(1, 3, 18, year=2027)),
            ("30号", at(1, 30, 8, year=2027), at(1, 30, 18, year=2027)),
            ("31号", at(12, 31, 8), at(12, 31, 18)),
            ("1月1日", at(1, 1, 8, year=2027), at(1, 1, 18, year=2027)),
            ("周六", at(1, 2, 8, year=2027), at(1, 2, 18, year=2027)),
            ("周一", at(1, 4, 8, year=2027), at(1, 4, 18, year=2027)),
            ("下周一", at(1, 4, 8, year=2027), at(1, 4, 18, year=2027)),
            ("下周六", at(1, 9, 8, year=2027), at(1, 9, 18, year=2027)),
            ("后天下午", at(1, 2, 13, year=2027), at(1, 2, 18, year=2027)),
            ("晚上7点", at(12, 31, 19), at(12, 31, 21)),
        ],
    )
    def test_rollover(self, text: str, start: datetime, end: datetime) -> None:
        assert window(text, self.NOW) == (start, end)

    def test_day_missing_in_next_month_moves_on(self) -> None:
        # 31 January: 30号 is behind us, February has no 30th → 30 March.
        assert window("30号", at(1, 31, 9, year=2026)) == (
            at(3, 30, 8, year=2026),
            at(3, 30, 18, year=2026),
        )
        assert window("1号", at(1, 31, 9, year=2026)) == (
            at(2, 1, 8, year=2026),
            at(2, 1, 18, year=2026),
        )


def test_result_is_in_the_zone_of_now() -> None:
    result = parse_visit_window("明天上午", FRIDAY_MORNING)
    assert result is not None
    assert result.start.tzinfo is SHANGHAI
    assert result.start.utcoffset() == timedelta(hours=8)
    # the same words against a UTC `now` mean 8:00 UTC
    utc_now = datetime(2026, 11, 27, 2, 30, tzinfo=timezone.utc)
    utc_result = parse_visit_window("明天上午", utc_now)
    assert utc_result is not None
    assert utc_result.start == datetime(2026, 11, 28, 8, tzinfo=timezone.utc)


def test_naive_now_is_rejected() -> None:
    with pytest.raises(ValueError):
        parse_visit_window("明天上午", datetime(2026, 11, 27, 10, 30))


def test_visit_window_is_frozen_and_checked() -> None:
    result = VisitWindow(at(11, 28, 8), at(11, 28, 12))
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.start = at(11, 28, 9)  # type: ignore[misc]
    with pytest.raises(ValueError):
        VisitWindow(at(11, 28, 12), at(11, 28, 8))
    with pytest.raises(ValueError):
        VisitWindow(datetime(2026, 11, 28, 8), datetime(2026, 11, 28, 12))


@pytest.mark.parametrize(
    "chunk", ["明天下午兩點到四點，", "1 2 3 4 5 ", "我家在幸福里小区", "周一三五十点"]
)
def test_ten_thousand_characters_are_fast(chunk: str) -> None:
    text = (chunk * (10_000 // len(chunk) + 1))[:10_000]
    started = time.perf_counter()
    parse_visit_window(text, FRIDAY_MORNING)
    assert time.perf_counter() - started < 1.0


def test_find_day_names_the_day_without_a_window() -> None:
    saturday = date(2026, 11, 28)
    assert find_day("周六开门吗", saturday) == saturday  # asked on the day: that day
    assert find_day("礼拜天上班不", saturday) == date(2026, 11, 29)
    assert find_day("下周一几点开", saturday) == date(2026, 11, 30)
    assert find_day("十二月二十四号开门吗", saturday) == date(2026, 12, 24)
    assert find_day("营业厅在哪", saturday) is None


def test_working_days_are_the_next_working_day() -> None:
    """工作日上午都行 was "没听明白上门时间" four times."""
    friday_noon, sunday = at(11, 27, 13), at(11, 29, 10)
    assert window("工作日上午都行", friday_noon) == (at(11, 30, 8), at(11, 30, 12))
    assert window("工作日下午", friday_noon) == (at(11, 27, 13), at(11, 27, 18))
    assert window("周一到周五上午都在", sunday) == (at(11, 30, 8), at(11, 30, 12))


@pytest.mark.parametrize(
    "text", ["今晚", "今天晚上就给我来人", "我说了今天晚上！现在！", "今儿晚上来人"]
)
def test_tonight_once_the_evening_hours_are_over_is_from_now(text: str) -> None:
    """The players' pl-45 asked for 今天晚上 at 23:20 and was asked the time four times: the
    evening's hours (18–21) were over, the evening was not. Tonight, said in the evening,
    means from now on; said at noon it is still the evening's hours."""
    late = at(11, 27, 21, 30)
    window = parse_visit_window(text, late)
    assert window is not None and (window.start, window.end) == (late, late + timedelta(hours=2))
    noon = parse_visit_window("今天晚上", at(11, 27, 12))
    assert noon is not None and noon.start.hour == 18


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        # the players' pl-035 and pl-080: the refused time was read, the read-back unchanged
        ("等等 明天上午我要上班 改成周六上午吧", at(11, 28, 8), at(11, 28, 12)),
        ("不行 明天上午我得去医院 换成后天下午", at(11, 29, 13), at(11, 29, 18)),
        ("周一上午没空 挪到周二下午", at(12, 1, 13), at(12, 1, 18)),
        ("明天上午不在家 下午在", at(11, 28, 13), at(11, 28, 18)),
        ("哎呀明天上午有事，后天上午吧", at(11, 29, 8), at(11, 29, 12)),
        ("明天上午来吧 下午不在家", at(11, 28, 8), at(11, 28, 12)),  # the other way round
    ],
)
def test_a_time_refused_beside_a_new_one_is_the_new_one(
    text: str, start: datetime, end: datetime
) -> None:
    """Players' class G: the first time in the message was the one the resident cannot do."""
    assert window(text) == (start, end)


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("jintian xiawu", at(11, 27, 13), at(11, 27, 18)),  # the players' pl-010
        ("mingtian shangwu", at(11, 28, 8), at(11, 28, 12)),
        ("zhouliu xiawu 3 dian", at(11, 28, 15), at(11, 28, 17)),
        ("houtian wanshang", at(11, 29, 18), at(11, 29, 21)),
    ],
)
def test_time_words_typed_as_pinyin(text: str, start: datetime, end: datetime) -> None:
    """Players' class A: the pinyin answer to the visit question stopped the repair."""
    assert window(text) == (start, end)
