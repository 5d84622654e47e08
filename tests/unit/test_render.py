"""Buttons degraded to numbered text, and numbers read back as the button's payload."""

from __future__ import annotations

import pytest

from bot.base.render import CHOICE_HINT, choose, flatten

GREETING = {
    "text": "您好，请问办理什么业务？",
    "buttons": [
        {"title": "查暖气费", "payload": "/query_fee"},
        {"title": "报修", "payload": "/report_repair"},
    ],
}


def test_messages_are_joined_and_buttons_numbered_across_the_reply() -> None:
    reply = flatten(
        [
            {"text": "已查到工单。"},
            GREETING,
            {"text": "确认取消吗？", "buttons": [{"title": "确认", "payload": "/affirm"}]},
        ]
    )
    assert reply.text == (
        "已查到工单。\n您好，请问办理什么业务？\n1. 查暖气费\n2. 报修\n确认取消吗？\n3. 确认\n"
        + CHOICE_HINT
    )
    assert [o["payload"] for o in reply.options] == ["/query_fee", "/report_repair", "/affirm"]


def test_a_reply_without_buttons_has_no_hint_and_no_options() -> None:
    reply = flatten([{"text": "好的。"}, {"text": " "}, {"image": "https://x/y.png"}])
    assert reply.text == "好的。\n图片：https://x/y.png"
    assert reply.options == []


def test_quick_replies_and_a_custom_separator() -> None:
    reply = flatten(
        [{"text": "需要报修吗？", "quick_replies": [{"title": "需要", "payload": "/affirm"}]}],
        separator=" ",
    )
    assert reply.text == f"需要报修吗？ 1. 需要 {CHOICE_HINT}"


@pytest.mark.parametrize(
    ("answer", "payload"),
    [
        ("1", "/query_fee"),
        ("２", "/report_repair"),
        (" 2。", "/report_repair"),
        ("第一个", "/query_fee"),
        ("二", "/report_repair"),
        ("2号", "/report_repair"),
        ("报修", "/report_repair"),
    ],
)
def test_a_number_or_title_picks_the_option(answer: str, payload: str) -> None:
    assert choose(answer, flatten([GREETING]).options) == payload


@pytest.mark.parametrize("answer", ["3", "0", "12号楼", "我要报修", "", "1 2"])
def test_anything_else_is_not_a_choice(answer: str) -> None:
    assert choose(answer, flatten([GREETING]).options) is None


def test_no_options_means_no_choice() -> None:
    assert choose("1", []) is None


def test_chinese_numbers_beyond_nine_pick_by_value() -> None:
    options = [{"title": f"选项{n}", "payload": f"/pick{n}"} for n in range(1, 13)]
    assert choose("十", options) == "/pick10"
    assert choose("第十二个", options) == "/pick12"
    assert choose("十三", options) is None
