"""Text rules behind the lead's findings of 2026-12-06 (bot.nlu.requests): a request taken back,
someone in charge asked for, heat asked for in the season, an earlier season's bill, and a room
reading below the standard (actions.cold_room.reading_below_standard)."""

from __future__ import annotations

import pytest

from actions.cold_room import reading_below_standard
from bot.nlu.requests import (
    asks_when_heat_returns,
    cannot_provide,
    earlier_season,
    wants_someone_in_charge,
    withdraws,
)


@pytest.mark.parametrize(
    ("text", "taken_back"),
    [
        ("等等 我闺女说过年要回来住 那还是别报停了", True),
        ("先不绑了", True),
        ("不打算报停了，孩子放寒假要回来", True),
        ("改主意了 不查了", True),
        ("算了算了", True),
        ("还是不热", False),  # the fault again, not a withdrawal
        ("东风新村5号楼3单元601", False),
        ("13500001234", False),
        ("对", False),
        ("我不知道户号", False),
    ],
)
def test_a_request_taken_back_is_told_from_other_answers(text: str, taken_back: bool) -> None:
    assert withdraws(text) is taken_back


def test_a_phone_that_is_gone_is_cannot_provide_which_is_asked_first() -> None:
    # both match; the verification form asks cannot_provide first, so the alternatives come
    assert cannot_provide("那个号早就不用了")


@pytest.mark.parametrize(
    ("text", "asked"),
    [
        ("我要找你们领导", True),
        ("叫你们经理出来", True),
        ("你们管事的呢", True),
        ("我要投诉", False),
        ("领导说了算", False),
    ],
)
def test_someone_in_charge_asked_for(text: str, asked: bool) -> None:
    assert wants_someone_in_charge(text) is asked


@pytest.mark.parametrize(
    ("text", "heat"),
    [
        ("幸福里小区的暖气啥时候能来", True),
        ("啥时候能来热啊", True),
        ("暖气什么时候恢复", True),
        ("今年几号开始供暖", False),  # the season's dates
        ("供暖期到几月结束", False),
        ("暖气费什么时候交", False),
        # the heat itself coming (the players' p3-067 got the season's dates twice)
        ("暖气到底啥时候来", True),
        ("你先说暖气啥时候来", True),
        ("这暖气几点来啊", True),
        ("暖气坏了啥时候来修", False),  # a fitter, not the heat
        ("暖气的事你们啥时候来人", False),
        ("暖气什么时候来看看", False),
        ("几号开始来暖气", False),
    ],
)
def test_when_the_heat_comes_is_told_from_the_season_dates(text: str, heat: bool) -> None:
    assert asks_when_heat_returns(text) is heat


@pytest.mark.parametrize(
    ("text", "back"),
    [
        ("那去年的呢", 1),
        ("上个采暖季的交了没", 1),
        ("前年的呢", 2),
        ("大前年的呢", 3),
        ("今年的呢", 0),
        ("好的", 0),
    ],
)
def test_an_earlier_season_is_counted_back(text: str, back: int) -> None:
    assert earlier_season(text) == back


@pytest.mark.parametrize(
    ("text", "reading"),
    [
        ("你们这什么破暖气 交那么多钱屋里才16度 骗子公司", 16.0),
        ("我家老人一个人在家 屋里就12度 老人说头晕", 12.0),
        ("不是说保证18度吗 我家才15度", 15.0),  # the standard quoted is not the reading
        ("屋里20度 还行", None),  # at or above the standard
        ("外面零下5度 冷死了", None),  # the weather, not the room
        ("暖气费多少钱一平", None),
    ],
)
def test_a_reading_below_the_standard(text: str, reading: float | None) -> None:
    assert reading_below_standard(text, 18.0) == reading
