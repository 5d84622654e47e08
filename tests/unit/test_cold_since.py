"""A home cold since before tonight's stop (bot.nlu.cold_since): the players' wordings and
others; questions about how long something takes are not it."""

from __future__ import annotations

import pytest

from bot.nlu.cold_since import cold_for_days


@pytest.mark.parametrize(
    "text",
    [
        "喂 我家暖气不热了 好几天了",
        "不是啊 我这都冷了三四天了 不是今天才冷的",
        "一个礼拜前就不热了，邻居家都是热的",
        "从昨天就开始凉了",
        "这暖气早就不热了",
        "都5天了还是冰凉",
        "上周就开始温乎乎的",
    ],
)
def test_cold_for_days(text: str) -> None:
    assert cold_for_days(text)


@pytest.mark.parametrize(
    "text",
    [
        "暖气不热",
        "要停几天啊",
        "得修几天",
        "今晚能来热吗",
        "刚才突然就凉了",
        "暖气一大早就冰凉",  # since this morning (早就 in 一大早就)
        "今早就不热了",
        "清早就凉了",
    ],
)
def test_not_cold_for_days(text: str) -> None:
    assert not cold_for_days(text)
