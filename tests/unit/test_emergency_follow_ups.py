"""Questions about the emergency just answered (bot.nlu.emergency_follow_ups): the players'
wordings and three others per kind; the details and ordinary words that ask nothing."""

from __future__ import annotations

import pytest

from bot.nlu.emergency_follow_ups import (
    ELECTRICS,
    LOCKED_OUT,
    NUMBERS,
    VALVE,
    emergency_follow_up,
)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("出来了在楼道 燃气公司电话多少来着", NUMBERS),
        ("你刚才说的那个燃气抢险号码 再说一遍", NUMBERS),
        ("刚才那几个号码没记住", NUMBERS),
        ("我该拨哪个啊", NUMBERS),
        ("打119还是打你们的", NUMBERS),
        ("我进不去她家啊，门锁着，敲了半天没动静，我该打110还是120？", LOCKED_OUT),
        ("敲门没人应 咋办", LOCKED_OUT),
        ("他不开门 里面没动静", LOCKED_OUT),
        ("阀门在哪旮沓啊 找不着 水烫手", VALVE),
        ("总阀在哪", VALVE),
        ("不知道哪个是阀门", VALVE),
        ("阀门太烫了够不着", VALVE),
        ("那我现在要不要拉闸啊 水快到插座了", ELECTRICS),  # p3-065
        ("拉闸", ELECTRICS),
        ("电闸要关吗", ELECTRICS),
        ("水都流到插线板那了 会不会漏电", ELECTRICS),
        ("用不用先断电", ELECTRICS),
        ("配电箱在门口 能去拉吗", ELECTRICS),
    ],
)
def test_a_question_about_the_emergency(text: str, kind: str) -> None:
    assert emergency_follow_up(text) == kind


@pytest.mark.parametrize(
    "text",
    [
        "和平里6号楼1单元401",
        "13911001234",
        "好的 谢谢",
        "5号楼几号来着",
        "能不能先给他送个电暖气",
        "停电了暖气还热吗",
    ],
)
def test_details_and_other_words_ask_nothing(text: str) -> None:
    assert emergency_follow_up(text) is None
