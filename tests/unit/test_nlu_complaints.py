"""Complaint categories from what was said: what went wrong decides, not a word in passing."""

from __future__ import annotations

import pytest

from bot.nlu.complaints import CATEGORIES, complaint_category_of


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
