"""Players' findings 4, classes D and E, as text rules: a landline typed inside a longer message
is the number to call (`landline_told`), and a yes to a community asked back (`confirms_name`)."""

from __future__ import annotations

import pytest

from bot.nlu.answers import confirms_name
from bot.nlu.numbers import landline_told


@pytest.mark.parametrize(
    ("text", "number"),
    [
        (
            "想预约测温，地址是东风新村7号楼4单元303，电话010-6789 1234 转 8021，明天下午",
            "010-67891234-8021",
        ),
        (
            "量一下室温 和平里5号楼3单元602 座机 010 8765 4321 转 306 后天上午在家",
            "010-87654321-306",
        ),
        ("报个修 金色家园3号楼2单元201 家里电话010-6655 7788 明天下午有人", "010-66557788"),
        ("电话打0311-8888 6666转12吧 阳光花园2号楼1单元101", "0311-88886666-12"),
        ("我家座机是六二三四 五六七八 暖气不热", "010-62345678"),
    ],
)
def test_a_landline_in_a_longer_message_is_the_number_to_call(text: str, number: str) -> None:
    assert landline_told(text, "010") == number


@pytest.mark.parametrize(
    "text",
    [
        "户号0102345678 查一下暖气费",  # an account number is no landline
        "热表读数23456789 对不对",  # a reading without a phone word
        "手机13812345678 座机010-62345678",  # the mobile is the entity; nothing to add
        "座机010-62345678 或者 010-62345679",  # two numbers: which one is not for us to guess
        "阳光花园5号楼1单元302 明天下午两点",
    ],
)
def test_no_landline_is_read_where_none_is_given_as_one(text: str) -> None:
    assert landline_told(text, "010") is None


@pytest.mark.parametrize(
    "text", ["对", "对 是阳光花园", "是的", "嗯对", "就是阳光花园", "阳光花园"]
)
def test_a_yes_to_the_community_asked_back(text: str) -> None:
    assert confirms_name(text, "阳光花园")


@pytest.mark.parametrize("text", ["不是", "不对 是阳光里", "不是阳光花园", "金色家园", ""])
def test_no_yes_to_the_community_asked_back(text: str) -> None:
    assert not confirms_name(text, "阳光花园")
