"""Complaint categories from what was said: what went wrong decides, not a word in passing."""

from __future__ import annotations

import pytest

from bot.nlu.complaints import (
    CATEGORIES,
    complaint_category_of,
    complaint_change,
    stop_answers_complaint,
)


@pytest.mark.parametrize(
    ("text", "category"),
    [
        # a late repair that mentions the money paid is still about the repair
        ("报修三天了没人来修，白交钱了", "维修不及时"),
        ("交了暖气费，报修的师傅拖了一个礼拜都不上门", "维修不及时"),
        ("我要投诉你们维修的，等了两天还没修", "维修不及时"),
        # money that went wrong is billing, even when a repair is mentioned
        ("师傅上门修完收了200块钱材料费", "收费问题"),
        ("今年暖气费多收了我三百", "收费问题"),
        # the cold is the problem, the fee only the reason to be angry
        ("交了钱暖气还是不热", "室温不达标"),
        ("维修人员态度很差，还骂人", "服务态度"),
        ("客服不耐烦直接挂电话", "服务态度"),
    ],
)
def test_the_problem_decides_the_category(text: str, category: str) -> None:
    assert complaint_category_of(text) == category


def test_a_button_answer_is_its_category_and_nothing_said_is_none() -> None:
    assert [complaint_category_of(c) for c in CATEGORIES] == list(CATEGORIES)
    assert complaint_category_of("我要投诉") is None
    assert complaint_category_of("/file_complaint") is None


@pytest.mark.parametrize(
    ("text", "change"),
    [
        # the players' pl-03, three tries at the read-back
        ("不对 我投诉的是停暖不通知 不是室温", ("其他", "停暖不通知")),
        ("类别改成服务问题，内容是停暖没有提前通知", ("服务态度", "停暖没有提前通知")),
        ("你听不懂吗 内容改成：幸福里停暖没有提前通知居民", ("其他", "幸福里停暖没有提前通知居民")),
        # other wordings
        ("类型应该是收费问题", ("收费问题", None)),
        ("投诉内容写成：接电话的客服态度很差", ("服务态度", "接电话的客服态度很差")),
        # no change of the complaint
        ("对", (None, None)),
        ("电话换成13912345678", (None, None)),
        ("不对", (None, None)),
    ],
)
def test_a_change_of_the_complaint_at_the_read_back(
    text: str, change: tuple[str | None, str | None]
) -> None:
    assert complaint_change(text) == change


@pytest.mark.parametrize(
    ("text", "answered"),
    [
        # only a cold home: where heating is stopped, the stop answers it first
        ("我家在幸福里小区 暖气到底啥时候来 昨天说今天 今天又不来 你们还管不管了 我要投诉", True),
        ("你们幸福里这暖气怎么回事！！早上起来家里就冰凉 交了钱就这服务？", True),
        ("屋里冻死了 我要投诉你们", True),
        ("暖气又不热了 投诉！", True),
        # what a stop does not answer: not told, the staff, money
        ("爆管你们知道吧 没一个人接到通知 洗澡全是凉的 我要投诉你们不通知", False),
        ("停暖了也不提前说一声 屋里冰凉 我要投诉", False),
        ("我要投诉 客服态度太差了 家里也不热", False),
        ("我要投诉 你们多收了我暖气费", False),
        ("投诉 维修师傅态度很差", False),
    ],
)
def test_a_stop_answers_only_a_cold_home(text: str, answered: bool) -> None:
    assert stop_answers_complaint(text) is answered
