"""What an answer to a form's question says when it is not the value asked (bot.nlu.form_answers),
and the visit window a form reads from it (bot.nlu.timewindow.next_visit_window): each class on
both sides."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.nlu.emergency import leak_going_on
from bot.nlu.form_answers import (
    area_asked,
    attempts,
    detail_of_request,
    leak_worsening,
    no_account_number,
    offers_a_time,
)
from bot.nlu.timewindow import (
    mentions_past_day,
    morning_instead_of_night,
    next_visit_window,
    parse_visit_window,
)

TZ = ZoneInfo("Asia/Shanghai")
EVENING = datetime(2026, 12, 7, 19, 50, tzinfo=TZ)
MORNING = datetime(2026, 12, 7, 10, 0, tzinfo=TZ)


def at(day: int, hour: int) -> datetime:
    return datetime(2026, 12, day, hour, 0, tzinfo=TZ)


@pytest.mark.parametrize(
    ("text", "asked"),
    [
        ("就昨天下午来的 姓王", "address"),  # who came and when: the complaint's
        ("打了不下十次 一直占线", "phone"),
        ("摸着冰凉冰凉的 从昨儿晚上就这样", "address"),
        ("卧室那组暖气最凉", "address"),
    ],
)
def test_words_about_the_request_are_a_detail(text: str, asked: str) -> None:
    assert detail_of_request(text, asked)


@pytest.mark.parametrize(
    ("text", "asked"),
    [
        ("不知道", "address"),  # nothing to keep
        ("嗯", "phone"),
        ("就在东边那个楼", "address"),  # a try at the address: told what is missing
        ("阳光小区3楼", "address"),
        ("138123456", "phone"),  # a try at the number
        ("我的电话不方便给", "phone"),
        ("问这个干嘛", "address"),  # a question
        ("你们师傅到底什么时候来？", "address"),
    ],
)
def test_a_try_at_the_value_a_refusal_or_a_question_is_no_detail(text: str, asked: str) -> None:
    assert not detail_of_request(text, asked)


def test_tries_are_read_per_question() -> None:
    assert attempts("5号楼2单元", "address") and not attempts("5号楼2单元", "phone")
    assert attempts("13812345678", "phone") and attempts("周六都在家", "visit_time")


@pytest.mark.parametrize(
    "text",
    ["关不上啊 越拧越大", "水越来越多了 地上全是水", "止不住啊", "还在喷", "更大了", "堵不住"],
)
def test_a_leak_getting_worse_or_going_on(text: str) -> None:
    assert leak_worsening(text)
    assert leak_going_on("BX202612070001", text) is not None
    assert leak_going_on(None, text) is None  # only while its urgent ticket is open


@pytest.mark.parametrize(
    "text",
    [
        "已经关上了 不漏了",
        "不是哗哗流 就是滴答 今儿能来人不",
        "查下我刚才那个工单",
        "越来越冷",
        "阳光花园3号楼2单元401",
    ],
)
def test_a_leak_over_denied_or_not_named_is_not_worse(text: str) -> None:
    assert not leak_worsening(text)


@pytest.mark.parametrize(
    ("text", "area"),
    [
        ("那我家76平要交多少", 76),
        ("我家房子是89.5平米的 一年得交多少钱", 89.5),
        ("120平米的房子一年暖气费多少", 120),
        ("七十六平得交多少", 76),
    ],
)
def test_the_area_of_a_question_of_price(text: str, area: float) -> None:
    assert area_asked(text) == area


@pytest.mark.parametrize(
    "text",
    [
        "平时交多少",  # no area
        "我家76平",  # no question of amount
        "76平的房子报停要交多少",  # a stop's base fee, not the area price
        "100平的商铺多少钱",  # not a home's price
        "3平要交多少",  # no home
    ],
)
def test_no_area_price_question(text: str) -> None:
    assert area_asked(text) is None


@pytest.mark.parametrize(
    ("text", "none"),
    [
        ("没有户号 房子是我爸的", True),
        ("户号不知道啊 我是租的", True),
        ("不知道户号", True),
        ("户号是0102345679", False),
        ("不知道", False),
    ],
)
def test_no_account_number(text: str, none: bool) -> None:
    assert no_account_number(text) is none


@pytest.mark.parametrize(
    ("text", "offered"),
    [
        ("明天上午", True),  # a bare time
        ("下午3点半", True),
        ("后天上午家里有人", True),  # with being there
        ("下午都行", True),
        ("晚上 睡觉 不能", False),  # when the noise is, not when to come
        ("早上量的十七度半 晚上更冷", False),  # when it was measured
        # said with the answer to the other question (players' pl-55: the time was dropped)
        ("13766665555 明天下午", True),
        ("电话 137-6666-5555，明天上午在家", True),
        ("5号楼2单元302 周六上午", True),
        ("13766665555", False),  # the phone alone offers no time
    ],
)
def test_a_time_offered_for_the_visit(text: str, offered: bool) -> None:
    assert offers_a_time(text) is offered


def test_a_part_of_today_already_over_is_tomorrows_and_says_so() -> None:
    found = next_visit_window("下午都行", EVENING)
    assert found is not None
    window, moved = found
    assert (window.start, window.end, moved) == (at(8, 13), at(8, 18), True)
    assert next_visit_window("上午10点", EVENING)[0].start == at(8, 10)  # type: ignore[index]
    # still ahead today: as said, not moved
    window, moved = next_visit_window("下午都行", MORNING)  # type: ignore[misc]
    assert (window.start, moved) == (at(7, 13), False)
    # a day named is as said: 今天下午 at 19:50 is over, asked again
    assert next_visit_window("今天下午", EVENING) is None
    assert parse_visit_window("下午都行", EVENING) is None  # the parser's contract stays


def test_a_day_gone_by_is_no_visit() -> None:
    for text in ("就昨天下午来的", "前天上午", "上周五下午来过"):
        assert mentions_past_day(text)
        assert parse_visit_window(text, MORNING) is None
        assert next_visit_window(text, EVENING) is None
    assert not mentions_past_day("后天上午")


@pytest.mark.parametrize("asap", ["现在", "越快越好", "我天天在家 越快越好", "马上来人"])
def test_a_visit_asked_now_at_night_is_the_first_morning_hours(asap: str) -> None:
    """现在 at 02:20 booked 02:20–04:20 for a cold radiator (the player's pl-021, pl-082)."""
    night = datetime(2026, 12, 7, 2, 20, tzinfo=TZ)
    window = parse_visit_window(asap, night)
    assert window is not None
    morning = morning_instead_of_night(window, night)
    assert morning is not None and (morning.start, morning.end) == (at(7, 8), at(7, 10))
    late = datetime(2026, 12, 7, 22, 40, tzinfo=TZ)
    moved = morning_instead_of_night(parse_visit_window(asap, late), late)  # type: ignore[arg-type]
    assert moved is not None and moved.start == at(8, 8)
    # in the day, now is now; a time the resident named is theirs
    assert morning_instead_of_night(parse_visit_window(asap, MORNING), MORNING) is None  # type: ignore[arg-type]
    named = parse_visit_window("明天上午", night)
    assert named is not None and morning_instead_of_night(named, night) is None
