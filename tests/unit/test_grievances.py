"""Grievances inside questions (bot.handoff.grievances): said by residents, not by the rules' author
alone; each kind with wordings beside the ones first found, and ordinary questions that carry
none (they must get the plain answer, without an apology for nothing)."""

from __future__ import annotations

import pytest

from bot.handoff.grievances import CHARGE, NEGLECT, STAFF, UNREACHABLE, grievance_of


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("你们客服电话一直打不通 打了一上午了 到底有没有人管", UNREACHABLE),
        ("热线老是占线 怎么回事", UNREACHABLE),
        ("打了三遍电话都没人接 你们值班的人呢", UNREACHABLE),
        ("晚上打你们那个抢修号码光响没人接", UNREACHABLE),
        ("上门那个工作人员说话特别冲 问两句就不耐烦", STAFF),
        ("你们收费窗口那个大姐态度太差了吧", STAFF),
        ("师傅来了爱搭不理的 这服务也太那个了", STAFF),
        ("你们修暖气的师傅修完了又管我要钱 不是说免费吗 坑人呢", CHARGE),
        ("换个阀门收了我两百块 这合理吗", CHARGE),
        ("凭什么要收我上门费", CHARGE),
        ("报修五天了 推来推去的 到底谁负责", NEGLECT),
        ("暖气费什么破规矩 交了还显示欠费", NEGLECT),
    ],
)
def test_a_grievance_is_heard(text: str, kind: str) -> None:
    assert grievance_of(text) == kind


@pytest.mark.parametrize(
    "text",
    [
        "维修要收费吗",
        "热线电话是多少",
        "户号打不进去 输完提示错误",
        "暖气片放气阀在哪",
        "上门的师傅要看什么证件",
        "夜里暖气坏了打哪个电话",
        "滞纳金怎么算的",
        "你们客服电话到底是多少",  # insistence, no grievance (a WeChat test caught the apology)
    ],
)
def test_an_ordinary_question_carries_none(text: str) -> None:
    assert grievance_of(text) is None
