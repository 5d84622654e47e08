"""Player findings 4, classes C and I (h4): a resident's "no" to what the bot started, a
question about who answers, surprise at the 报停 rules, a phone the resident does not have.
Wordings beyond the players' own, and look-alikes that must not change."""

from __future__ import annotations

import pytest

from bot.nlu.denials import denied_request, has_no_phone, puts_off_visit
from bot.nlu.questions import asks_who_answers, questions_the_stop_rule
from bot.nlu.requests import repair_not_complaint


@pytest.mark.parametrize(
    ("text", "denied"),
    [
        ("我没说要投诉啊 我就问问空房子咋收费", "file_complaint"),
        ("不投诉！！空房子报停交百分之多少", "file_complaint"),
        ("不是投诉 我就想问问", "file_complaint"),
        ("谁要投诉了", "file_complaint"),
        ("俺可没想投诉", "file_complaint"),
        ("我没要转人工啊 就问问你是不是机器人", "request_human"),
        ("不用人工了", "request_human"),
        ("我可没说要转人工", "request_human"),
        ("我没说要报修", "report_repair"),
        ("不是报修 我问发票", "report_repair"),
        ("不修", "report_repair"),
    ],
)
def test_a_denied_request_is_named(text: str, denied: str) -> None:
    assert denied_request(text) == denied


@pytest.mark.parametrize(
    "text",
    [
        "我要投诉",
        "修不好怎么办",
        "不修好怎么办",
        "上次没修",
        "没修好",
        "你们没有人工吗",
        "我不是要投诉 我是要报修",
        "不要人工 我要投诉",
        "暖气不热 派人来修",
        "你们到底修不修！",
    ],
)
def test_no_denial_in_requests_and_stories(text: str) -> None:
    assert denied_request(text) is None


@pytest.mark.parametrize(
    "text",
    ["先自己放放气 先不约了", "我自己先试试 回头再说", "先不报了", "改天再约吧", "先不用派人"],
)
def test_a_visit_put_off(text: str) -> None:
    assert puts_off_visit(text)


@pytest.mark.parametrize("text", ["自己试了还是不热", "明天上午", "我先不在家 明天下午吧"])
def test_a_time_or_a_try_puts_nothing_off(text: str) -> None:
    assert not puts_off_visit(text)


@pytest.mark.parametrize(
    "text", ["我没手机 家里也没装电话", "没有电话！！", "真没电话 我用的孙子的平板", "电话也没有"]
)
def test_no_phone_at_all(text: str) -> None:
    assert has_no_phone(text)


@pytest.mark.parametrize(
    "text", ["手机没电了", "没有电话打过来", "也没人来 没电话通知", "手机号忘了"]
)
def test_other_words_about_phones(text: str) -> None:
    assert not has_no_phone(text)


@pytest.mark.parametrize("text", ["请问你们是人工还是机器人", "请问是人工客服吗", "是真人吗"])
def test_asking_who_answers(text: str) -> None:
    assert asks_who_answers(text)


@pytest.mark.parametrize(
    "text", ["我要人工", "你是机器人吗 转人工", "人工客服在吗", "是人工吗 我要跟人说"]
)
def test_asking_for_a_person(text: str) -> None:
    assert not asks_who_answers(text)


@pytest.mark.parametrize(
    "text",
    ["啊？今年报不了了？我这房子空着一冬天也得交全款？", "怎么就截止了 凭啥没人住还得交钱"],
)
def test_surprise_at_the_stop_rule_is_a_question(text: str) -> None:
    assert questions_the_stop_rule(text)


@pytest.mark.parametrize("text", ["我要投诉 报停了还收钱", "报停了还收我钱 你们这什么服务"])
def test_a_complaint_about_a_charge_stays_one(text: str) -> None:
    assert not questions_the_stop_rule(text)


@pytest.mark.parametrize("text", ["我哪有什么工单！我要报修！", "气死了！我要报修！"])
def test_an_angry_repair_request_is_a_repair(text: str) -> None:
    assert repair_not_complaint(text)
