"""An address put right in a later message (bot.nlu.place_correction): hat-011's wording and
others, against words that add a second home or say nothing is wrong."""

from __future__ import annotations

import pytest

from bot.nlu.place_correction import corrects_earlier_place


@pytest.mark.parametrize(
    "text",
    [
        "不对是13号楼！！13号楼2单元402 急死了",  # hat-011
        "写错了 应该是阳光花园13号楼",
        "刚才说错了 是和平里2号楼1单元301",
        "阳光花园13号楼2单元402 刚才打错了",
        "是13号楼不是3号楼",
        "不是3号楼，是13号楼2单元402",
        "地址错了 13号楼2单元402",
        "更正一下：翠湖苑6号楼",
        "楼号报错了 是12号楼",
    ],
)
def test_a_correction_of_the_place(text: str) -> None:
    assert corrects_earlier_place(text)


@pytest.mark.parametrize(
    "text",
    [
        "楼上邻居家也漏了 阳光花园3号楼3单元502",
        "另外我父母家和平里3号楼也爆了",
        "不对 还有一处 金色家园6号楼",
        "东风新村2号楼1单元101",
        "没错 就是阳光花园3号楼",
        "不错 13号楼",
        "哦对了 这是我妈家 金色家园6号楼1单元502",
        "总觉得不对劲 阳光花园3号楼",
    ],
)
def test_another_home_or_no_correction(text: str) -> None:
    assert not corrects_earlier_place(text)
