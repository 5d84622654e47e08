"""A reply to the urgent leak answer that says the leak can wait (bot/nlu/leak_can_wait.py):
the player's words, wordings of our own, and look-alikes that must stay the emergency."""

from __future__ import annotations

import pytest

from bot.nlu.leak_can_wait import escalates, says_leak_can_wait


@pytest.mark.parametrize(
    "text",
    [
        "不是 没那么严重 就是滴水 一分钟滴几滴 用不着抢修吧",  # player findings 3, p3-002
        "我说了不紧急！！就滴几滴 你听不懂吗",  # p3-002
        "你怎么又说受冻 我家不冷 就是接口渗水 把那个紧急单子取消了 给我约个普通维修",  # p3-002
        "啥紧急啊 就是接口那有点渗水 慢慢滴",  # p3-037
        "没那么急 约个普通维修就行",
        "不用抢修 就是阀门那渗点水",
        "好几分钟才掉一滴 明天来修就行",
        "别派抢修了 只是有点潮",
        "紧急单取消吧 改成普通报修",
        "算不上啥急事 滴答滴答的 盆接着呢",
    ],
)
def test_a_leak_said_to_wait(text: str) -> None:
    assert says_leak_can_wait(text)
    assert not escalates(text)


@pytest.mark.parametrize(
    "text",
    [
        "越滴越多了 快来",
        "不是滴几滴 是喷水",
        "止不住了",
        "不急是假的 水都流一地了",
        "哪是一点点 地上全是水",
        "漏到楼下了",
        "不止几滴 一直往外流",
        "阀门关不上 怎么办",
    ],
)
def test_water_in_force_is_never_said_to_wait(text: str) -> None:
    assert not says_leak_can_wait(text)
    assert escalates(text)


@pytest.mark.parametrize(
    "text",
    ["是不是很严重啊", "阳光花园5号楼1单元302", "13911220456", "好的 我等着", "等不急了 你们快来"],
)
def test_other_replies_say_nothing_of_waiting(text: str) -> None:
    assert not says_leak_can_wait(text)
