"""Heating wanted back after a 报停 (bot.nlu.heating_back): never a 报停 itself."""

from __future__ import annotations

import pytest

from bot.nlu.heating_back import wants_heating_back


@pytest.mark.parametrize(
    "text",
    [
        "今年我报停了，结果孩子要回来住，现在能不能恢复供暖？",
        "不对！我是要恢复供暖，不是报停",
        "我家今年报停了，现在想恢复供暖，能在这办吗",
        "不报停了 孩子放假回来住",
        "之前报停的能取消吗",
        "报停了还能再开回来吗",
        "想把暖气开回来",
    ],
)
def test_heating_wanted_back(text: str) -> None:
    assert wants_heating_back(text)


@pytest.mark.parametrize(
    "text", ["我要报停", "今年冬天不住了 想报停", "报停要交多少钱", "暖气不热了", "停暖了吗"]
)
def test_not_heating_back(text: str) -> None:
    assert not wants_heating_back(text)
