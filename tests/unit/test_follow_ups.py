"""Short follow-ups to a knowledge-base answer (bot.services.follow_ups): which facet they ask,
and whether they go on from the topic just answered or ask something new."""

from __future__ import annotations

import pytest

from bot.services.follow_ups import MAX_CHARS, facet_asked, follow_up_facet


@pytest.mark.parametrize(
    ("text", "facet"),
    [
        ("要钱吗", "cost"),
        ("收费不", "cost"),
        ("那得花多少钱", "cost"),
        ("多久能办好", "duration"),
        ("几天能批下来", "duration"),
        ("啥时候能开通", "duration"),
        ("要本人去吗", "in_person"),
        ("家里人能替我去吗", "in_person"),
        ("要带啥", "documents"),
        ("需要什么材料", "documents"),
        ("去哪办", "where"),
        ("在哪下载", "where"),
        ("网上能办吗", "where"),
        ("好的谢谢", None),
        ("暖气不热", None),
    ],
)
def test_the_facet_a_message_asks(text: str, facet: str | None) -> None:
    assert facet_asked(text) == facet


@pytest.mark.parametrize(
    "text",
    ["去哪办", "那去哪儿办理", "要钱吗", "那要钱不", "多久能办好", "要带啥", "要本人去吗", "找谁"],
)
def test_a_bare_facet_goes_on_from_the_last_answer_whatever_the_topic_model_says(
    text: str,
) -> None:
    assert follow_up_facet(text, "hardship_subsidy", [("repair_cost", 0.92)]) is not None


def test_a_subject_named_is_a_follow_up_only_when_it_is_the_last_topic() -> None:
    assert follow_up_facet("电子的在哪下载", "invoice", [("invoice", 0.79)]) == "where"
    assert follow_up_facet("过户多久能办好", "account_transfer", [("account_transfer", 0.9)])
    # another subject: a new question for the topic model
    activation = [("new_home_activation", 0.9)]
    assert follow_up_facet("那开栓要钱吗", "account_transfer", activation) is None
    assert follow_up_facet("我家欠多少钱", "fee_standard", [("payment_not_posted", 0.6)]) is None


@pytest.mark.parametrize(
    "text",
    [
        "暖气不热要多久能修好",  # a fault: the repair's
        "户号0102345678要钱吗",  # a number: about one account
        "我想问一下我们家那个房子过户的时候到底需要多长时间才能全部办好",  # not short
    ],
)
def test_a_fault_a_number_or_a_long_message_is_no_follow_up(text: str) -> None:
    assert follow_up_facet(text, "account_transfer", [("account_transfer", 0.9)]) is None


def test_no_follow_up_without_an_answer_before() -> None:
    assert follow_up_facet("要钱吗", None, [("repair_cost", 0.9)]) is None
    assert len("过户大概多长时间能办下来") <= MAX_CHARS
