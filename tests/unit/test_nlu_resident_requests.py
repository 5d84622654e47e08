"""Requests in words the classifier reads as something else (`bot.nlu.resident_requests`), each
class on both sides, and their correction in the pipeline (`IntentCorrections`)."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.clauses import is_question
from bot.nlu.guard import IntentCorrections
from bot.nlu.resident_requests import (
    asks_for_a_visit,
    asks_for_the_number,
    cancels_named_request,
    states_a_fault,
    wants_meter_checked,
    wants_stop_heating,
)


@pytest.mark.parametrize(
    "text",
    [
        "热表黑屏了。。。啥也不显示 按按钮也没反应",
        "这个月热表走得特别快，比去年同期多了一倍，是不是表坏了？",
        "热量表走了快3000度，跟去年同期比翻了一倍，是不是表有问题？",
        "能派人来核对一下表吗",
        "我要求你们派人来核对一下读数",
        "你们能上门抄一下热表读数吗",
        "房子卖了 需要你们来抄一下热表把用热量结清 怎么约？",
        "计量表显示乱码了",
    ],
)
def test_a_meter_to_check_is_a_meter_check(text: str) -> None:
    assert wants_meter_checked(text)


@pytest.mark.parametrize(
    "text",
    [
        "这个表坏了会不会多收我钱啊",  # money: the knowledge base
        "热表坏了怎么办",
        "热表读数怎么看",
        "帮我查查我家热量表走了多少",  # the readings: verification, then shown
        "装了热表怎么收费",
        "开窗通风会让热表走得快吗",
        "读数17120",  # a reading to file
        "发票 表格怎么填",
        "屋里温度计读数才16度 派人来看看",  # a thermometer
    ],
)
def test_questions_and_readings_are_no_meter_check(text: str) -> None:
    assert not wants_meter_checked(text)


@pytest.mark.parametrize(
    ("text", "wanted"),
    [
        ("今年冬天去深圳闺女家住 阳光花园这边暖气想报停 费还没交呢 现在还能报停吗", True),
        ("商铺能报停不？我东风新村底商那个饺子馆 冬天不开了 要重新装修", True),
        ("我要报停", True),
        ("申请报停 户号0102345678", True),
        ("我想问问报停怎么办", False),  # how: the documents topic
        ("报停需要什么材料", False),
        ("什么时候之前要申请报停", False),
        ("新房没装修能报停吗", False),  # whether one may, of no home of the writer's
        ("我不打算报停啊，就是问问", False),
        ("去年想报停结果过了截止日期没办成", False),
        ("需要报停吗", False),
    ],
)
def test_a_stop_wanted_is_the_application(text: str, wanted: bool) -> None:
    assert wants_stop_heating(text) is wanted


@pytest.mark.parametrize(
    ("text", "cancels"),
    [
        ("啊刚接到通知 出差取消了😂 能把刚才那个报停撤了吗", True),
        ("测温的单子撤了吧", True),
        ("取消报修", True),
        ("报停的通知别发了", False),  # the request's notices: an opt-out
        ("取消停热通知", False),
        ("不要停热通知了", False),
    ],
)
def test_a_named_request_taken_back(text: str, cancels: bool) -> None:
    assert cancels_named_request(text) is cancels


def test_a_fitter_asked_for_is_no_ticket_query() -> None:
    assert asks_for_a_visit("啊今天没停啊？那就是我家有毛病了，给我派个师傅来看看")
    assert not asks_for_a_visit("我报修的师傅啥时候来")
    assert not asks_for_a_visit("BX202612070001 师傅来了吗")
    assert not asks_for_a_visit("派的人什么时候到")


def test_the_number_asked_for_is_no_hand_off() -> None:
    assert asks_for_the_number("你们有没有人工电话 存一个")
    assert asks_for_the_number("客服电话多少")
    assert not asks_for_the_number("转人工")
    assert not asks_for_the_number("让个真人给我回个电话")
    assert not asks_for_the_number("给我转热线坐席")


def test_a_fault_among_several_matters_is_stated_not_asked() -> None:
    listed = "一个是我家书房暖气不热 二是想问问你们营业厅在哪 我想去开个发票"
    assert states_a_fault("1个是我家书房暖气不热", listed)
    assert not states_a_fault("暖气不热怎么办", listed)
    # told to ask how to fix it oneself: the question is about the fault
    asked = "小同志 问你个事儿 暖气片上边儿有点凉 听人说得放放气 这气怎么放啊？"
    assert not states_a_fault("暖气片上边儿有点凉", asked)


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("啥也不显示", False),
        ("费还没交呢", False),
        ("什么都没有", False),
        ("那金色家园呢", True),
        ("暖气怎么还不热呢", True),
        ("还没来呢?", True),
        ("有什么办法吗", True),
    ],
)
def test_question_words_that_state(text: str, asks: bool) -> None:
    assert is_question(text) is asks


def _corrected(text: str, intent: str, topic: str = "", **data: object) -> str:
    message = Message(data={"text": text, "intent": {"name": intent, "confidence": 0.5}, **data})
    if topic:
        selected = {"response": {"intent_response_key": topic, "confidence": 0.9}}
        message.set("response_selector", {"faq": selected})
    (out,) = IntentCorrections().process([message])
    return str(out.get("intent")["name"])


@pytest.mark.parametrize(
    ("text", "intent", "topic", "meant"),
    [
        ("热表黑屏了 啥也不显示", "out_of_scope", "", "report_meter_problem"),
        (
            "我家热量表走了快3000度（kWh），翻了一倍，是不是表有问题？",
            "query_meter",
            "faq/heat_metering",
            "report_meter_problem",
        ),
        ("我要求你们派人来核对一下读数", "report_meter_reading", "", "report_meter_problem"),
        ("阳光花园这边暖气想报停 现在还能报停吗", "faq", "", "apply_stop_heating"),
        ("那就是我家有毛病了，给我派个师傅来看看", "query_ticket", "", "report_repair"),
        ("暖气凉了三天了 快派人来", "query_ticket", "", "report_repair"),
        ("暖气凉了三天了 我报的修怎么还没人来", "query_ticket", "", "query_ticket"),
        ("你们有没有人工电话 存一个", "request_human", "faq/hotline", "faq"),
        ("你们有没有人工电话 存一个", "request_human", "faq/invoice", "request_human"),
        ("刚接到通知 出差取消了 能把刚才那个报停撤了吗", "cancel_ticket", "", "cancel_ticket"),
        ("读数17120", "report_meter_reading", "", "report_meter_reading"),
        ("投诉抄表员，热表读数抄错了", "file_complaint", "", "file_complaint"),
    ],
)
def test_the_pipeline_corrects_these_classes(
    text: str, intent: str, topic: str, meant: str
) -> None:
    assert _corrected(text, intent, topic) == meant


def test_a_fault_stated_among_questions_makes_the_message_a_repair() -> None:
    text = "1个是我家书房暖气不热 二是想问问你们营业厅在哪 我想去开个发票"
    clauses = [
        {"text": "1个是我家书房暖气不热", "name": "report_repair", "confidence": 0.8},
        {"text": "二是想问问你们营业厅在哪", "name": "query_service_hall", "confidence": 0.7},
        {"text": "我想去开个发票", "name": "faq", "confidence": 0.8},
    ]
    assert _corrected(text, "faq", clauses=clauses) == "report_repair"
    unsure = [{**clauses[0], "confidence": 0.4}, *clauses[1:]]
    assert _corrected(text, "faq", clauses=unsure) == "faq"
