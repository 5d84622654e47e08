"""bot.nlu.terms: the spellings residents use for one domain word become one word for the topic
model, and words that only look alike (an electric heater, an English word) stay as written."""

from __future__ import annotations

import pytest

from bot.nlu.terms import canonical_terms, canonical_tokens


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("散热器怎么放气", "暖气片怎么放气"),
        ("交暖器费的票", "交暖气费的票"),
        ("取暖费发票", "暖气费发票"),
        ("采暖费多少钱一平", "暖气费多少钱一平"),
        ("用户编号在哪看", "户号在哪看"),
        ("zfb能jf不", "支付宝能缴费不"),
        ("ZFB能交吗", "支付宝能交吗"),
        ("天津嘛时候来暖气", "天津什么时候来暖气"),
        ("俺家房本上的面积", "我家房产证上的面积"),
        # seventh KB round: the tenant and the letter of authority, pinyin of deciding words
        ("房客能自己交暖气费吗", "租户能自己交暖气费吗"),
        ("授权委托书怎么写", "委托书怎么写"),
        ("chongfu jiaofei 怎么退", "重复 缴费 怎么退"),
        ("tuifei要几天 daozhang了吗", "退费要几天 到账了吗"),
        # fifteenth KB round: 报停 as the input method offers it, 地热 for 地暖
        ("办报亭得拿什么", "办报停得拿什么"),
        ("报挺以后还收钱不", "报停以后还收钱不"),
        ("地热分水器咋调", "地暖分集水器怎么调"),
    ],
)
def test_every_spelling_becomes_the_canonical_word(written: str, canonical: str) -> None:
    assert canonical_terms(written) == canonical


@pytest.mark.parametrize(
    "kept",
    [
        "电暖器不热",  # an electric heater, not the radiator
        "取暖器能报修吗",
        "电暖气费电吗",
        "app上能交吗",  # letters inside a longer word are no abbreviation
        "gnd",
        "小区能包停车吗",  # 包停 is no 报停 beside 车
    ],
)
def test_look_alikes_stay_as_written(kept: str) -> None:
    assert canonical_terms(kept) == kept.lower()


def test_tokens_are_folded_one_by_one() -> None:
    folded = canonical_tokens(["散热器", "取暖费", "wx", "app"])
    assert folded == ["暖气片", "暖气费", "微信", "app"]
