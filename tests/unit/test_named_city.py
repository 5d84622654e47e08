"""A question naming a city the company serves is answered from that city's policy
(bot.policy.named_city): 天津的暖气几号开始 asked of the Beijing assistant got Beijing's answer."""

from __future__ import annotations

import pytest

from bot.policy.loader import load_policy
from bot.policy.named_city import city_policy_named, policy_for_text


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("天津的暖气几号开始", "tianjin"),
        ("天津市采暖费多少钱一平", "tianjin"),
        ("我在天津租房 暖气费谁交", "tianjin"),
        ("北京今年几号停暖", "beijing"),
        # no city, or a city that is no policy's
        ("介暖气嘛时候停", None),
        ("石家庄几号供暖", None),
        # a street or a community named after a city is an address in the configured city
        ("我住北京路小区 暖气几号开始", None),
        ("天津大街那边暖气费多少钱", None),
        ("北京花园3号楼今年几号来暖", None),
        # the time of day, not the city
        ("现在北京时间几点了 暖气还不来", None),
        # two cities: which one is asked is not clear
        ("从北京搬到天津 暖气费在哪交", None),
    ],
)
def test_the_city_a_question_names(text: str, named: str | None) -> None:
    assert city_policy_named(text) == named


def test_the_named_city_answers_else_the_configured_one() -> None:
    beijing, tianjin = load_policy("beijing"), load_policy("tianjin")
    assert policy_for_text("天津的暖气费多少钱一平", beijing) is tianjin
    assert policy_for_text("暖气费多少钱一平", beijing) is beijing
    assert policy_for_text("北京的暖气费多少钱一平", tianjin) is beijing
    # naming the configured policy's own city keeps that policy (a company's own file)
    assert policy_for_text("北京的暖气费多少钱一平", beijing) is beijing
