"""What a short question right after a bill asks (`bot.nlu.bill_questions`) and the answer from
that bill and the policy (`bot.services.accounts.bill_follow_up`), each shown on both sides."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from bot.nlu.bill_questions import AMOUNT, DEADLINE, LATE_FEE, bill_asked
from bot.policy import load_policy
from bot.services.accounts import FeeSummary, bill_follow_up


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("多少钱 啥时候截止", {AMOUNT, DEADLINE}),  # hax-013
        ("最晚哪天交", {DEADLINE}),
        ("那什么时候之前要交完", {DEADLINE}),
        ("还欠多少", {AMOUNT}),
        ("晚交有滞纳金吗", {LATE_FEE}),
        ("拖几天交罚钱不", {LATE_FEE}),
    ],
)
def test_a_short_question_of_the_bill_names_its_parts(text: str, parts: set[str]) -> None:
    assert bill_asked(text) == parts


@pytest.mark.parametrize(
    "text",
    [
        "怎么交",
        "发票怎么开",
        "每平米多少钱",
        "营业厅几号开门",
        "啥时候供暖",
        "好的 谢谢",
        "暖气不热 多少钱能修",
        "我换了手机号13912345678 最晚哪天交的短信能收到吗 还有别的事想问问",
    ],
)
def test_other_questions_are_no_bill_follow_up(text: str) -> None:
    assert bill_asked(text) == frozenset()


def _bill(due: str, paid: str) -> FeeSummary:
    return FeeSummary(
        account_no="0102345678",
        community="阳光花园",
        season="2026-2027",
        amount_due=Decimal(due),
        amount_paid=Decimal(paid),
        late_fee=Decimal("0"),
        payments=(),
        due_date=date(2026, 12, 31),
    )


def test_the_deadline_and_the_late_fees_first_day_while_owed() -> None:
    answer = bill_follow_up(
        load_policy(), _bill("2148", "0"), date(2026, 12, 7), frozenset({AMOUNT, DEADLINE})
    )
    assert "还需缴 2148.00 元" in answer
    assert "截止到 12月31日" in answer and "2027年1月1日起" in answer and "滞纳金" in answer


def test_a_paid_bill_owes_no_late_fee() -> None:
    answer = bill_follow_up(
        load_policy(), _bill("2148", "2148"), date(2026, 12, 7), frozenset({LATE_FEE})
    )
    assert "已缴清" in answer and "不会产生滞纳金" in answer


def test_a_deadline_passed_is_said_to_be_past() -> None:
    answer = bill_follow_up(
        load_policy(), _bill("2148", "0"), date(2027, 1, 5), frozenset({DEADLINE})
    )
    assert "12月31日 已过" in answer
