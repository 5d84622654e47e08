"""A yes to the read-back in more words than 对, a person asked for besides it, and more of a
complaint (`bot.nlu.agreement`), each shown on both sides."""

from __future__ import annotations

import pytest

from bot.nlu.agreement import (
    adds_a_person,
    adds_a_request,
    agrees_to_read_back,
    tells_more_of_complaint,
)

SHOWN = (
    "提交前跟您核对一下：\n· 问题：暖气不热\n· 地址：金色家园8号楼3单元902\n· 联系电话：138****5596"
)
HELD = [SHOWN, "金色家园8号楼3单元902", "13811225596"]


@pytest.mark.parametrize(
    "text",
    [
        "对，谢谢",  # read as thanks: 不客气 and the list again, three times
        "行 就这样",  # read as a goodbye: the request was withdrawn
        "对，8号楼，手机13811225596",  # the details said again
        "对对对，赶紧的",
        "好的谢谢",
        "确认 办吧",
        "没错",
        "对的 麻烦尽快安排",
        "行吧 那就这样",
        "对，手机尾号5596",
        "是 问题是暖气不热",
    ],
)
def test_a_yes_in_more_words_agrees(text: str) -> None:
    assert agrees_to_read_back(text, HELD)


@pytest.mark.parametrize(
    "text",
    [
        "对，电话换成13912345678",  # a change
        "是 不过是5号楼",
        "对，5号楼",  # a building the list does not show
        "对了 我还想问个事",
        "不对",
        "是吗",
        "对 撤销",  # a yes to something else: taking it back
        "嗯 确认取消",
        "对 就是不热 整个片子都凉的",
        "是的 明天下午",  # a time said anew is a change to read back, not this yes
        "另外找个人给我打电话",
    ],
)
def test_a_change_a_doubt_or_a_withdrawal_does_not(text: str) -> None:
    assert not agrees_to_read_back(text, HELD)


def test_a_person_besides_the_read_back_is_an_addition_only_when_said_so() -> None:
    assert adds_a_person("request_human", "另外能不能让个真人给我回个电话，跟机器说不清楚")
    assert adds_a_person("request_human", "还有 找个人工给我回电话")
    assert not adds_a_person("request_human", "转人工")  # instead of the bot: not filed first
    assert not adds_a_person("faq", "另外营业厅在哪")


@pytest.mark.parametrize(
    ("intent", "text", "question", "more"),
    [
        ("faq", "商铺已报停未用暖气，却收到催费和滞纳金短信", "complaint_text", True),
        ("query_outage", "停暖没有提前通知", "complaint_category", True),
        ("faq", "滞纳金怎么算", "complaint_text", False),  # a question: answered
        ("faq", "商铺已报停未用暖气，却收到催费和滞纳金短信", "address", False),
        ("report_repair", "晚上黑咕隆咚嘞 我差点掉进去 介多危险", "address", True),
        ("report_repair", "另外我家暖气也不热", "address", False),  # a fault: the repair
        ("report_repair", "顺便派个师傅来", "phone", False),  # a fitter asked for
    ],
)
def test_more_of_a_complaint(intent: str, text: str, question: str, more: bool) -> None:
    assert tells_more_of_complaint(intent, text, question) is more


@pytest.mark.parametrize(
    ("text", "form", "yes"),
    [
        # a yes beside a "no" to another kind of request (the writers' hax-027 was withdrawn)
        ("对 就投诉 不用报修 修管子是你们的事", "complaint_form", True),
        ("对 只要投诉 不要派人来了", "complaint_form", True),
        ("对 只要投诉 不用派人来修", "complaint_form", True),
        ("嗯 就是投诉 别叫师傅上门了", "complaint_form", True),
        ("是的 投诉就行 不用派师傅", "complaint_form", True),
        ("对 不用投诉 赶紧修就行", "repair_form", True),
        ("行 就测温 不用报修", "temp_check_form", True),
        # look-alikes: a change, a giving up, a question, the form's own request declined
        ("对 不用报修 电话换成13912345678", "complaint_form", False),
        ("对 不用报修 地址是5号楼", "complaint_form", False),
        ("对 不用报修 投诉也不用了", "complaint_form", False),
        ("对 不用报修 算了", "complaint_form", False),
        ("对 不用报修吗", "complaint_form", False),
        ("对 不用报修", "repair_form", False),
        ("对 不用来修了", "repair_form", False),
        ("对 不用派人来了 地址改成5号楼", "complaint_form", False),
        ("对 就投诉 不用报修", None, False),  # without the form, nothing is known of the kinds
    ],
)
def test_a_yes_declining_another_request(text: str, form: str | None, yes: bool) -> None:
    assert agrees_to_read_back(text, HELD, form=form) is yes
    if yes:
        assert adds_a_request("deny", text, form) is None  # and no second request either


@pytest.mark.parametrize(
    ("intent", "text", "confirming", "started"),
    [
        # dev hav-020: the complaint was replaced by the repair
        ("report_repair", "暖气还是不热，这个也一起给我解决", "complaint_form", "repair_form"),
        ("request_temp_check", "顺便再给我约个测温", "repair_form", "temp_check_form"),
        # the same kind, or a request given up, adds nothing
        ("report_repair", "这个也一起给我解决", "repair_form", None),
        ("report_repair", "算了 投诉也白搭 顺便给我修修暖气吧", "complaint_form", None),
    ],
)
def test_a_request_added_with_also_keeps_the_one_read_back(
    intent: str, text: str, confirming: str, started: str | None
) -> None:
    assert adds_a_request(intent, text, confirming) == started
