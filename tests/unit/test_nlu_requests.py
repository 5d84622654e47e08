"""Second requests in one message (bot.nlu.requests): noticed when clearly made, not otherwise."""

from __future__ import annotations

import pytest

from bot.nlu.requests import (
    asks_for_measurement,
    cannot_provide,
    hesitating,
    repair_not_complaint,
    requests_in,
    wants_unbind,
)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        (
            "查下我家暖气费还欠多少 另外卫生间暖气片有点渗水 派个人来看看",
            ["report_repair", "query_fee"],
        ),
        ("暖气不热 派个师傅来看看 顺便问下停暖了吗", ["report_repair", "query_outage"]),
        ("暖气片漏水了 顺便问一下今年暖气费交了多少", ["query_fee"]),
        ("幸福里啥时候恢复供热？暖器冰凉，赶紧上门修一下", ["report_repair", "query_outage"]),
    ],
)
def test_two_requests_in_one_message_are_both_noticed(text: str, found: list[str]) -> None:
    assert requests_in(text) == found


@pytest.mark.parametrize(
    "text",
    ["我家暖气不热", "我要报修", "谢谢师傅", "暖气费怎么交", "水费多少钱", "", None],
)
def test_a_fault_or_a_question_alone_is_no_second_request(text: str | None) -> None:
    """A fault described without asking for a visit, or a how-to question, is no request here:
    the first flow handles it or the FAQ answers it."""
    assert requests_in(text) == []


@pytest.mark.parametrize(
    ("text", "cannot"),
    [
        ("手机号早换了", True),
        ("我不记得户号了", True),
        ("没有登记手机啊 我是老人机", True),
        ("缴费单找不着了", True),
        ("原来那个手机号早不用了 后四位我哪记得", True),
        ("0102345678", False),
        ("5678", False),
        ("好的", False),
    ],
)
def test_a_resident_who_cannot_give_what_was_asked_is_noticed(text: str, cannot: bool) -> None:
    assert cannot_provide(text) is cannot


@pytest.mark.parametrize(
    ("text", "repair"),
    [
        ("你们到底还管不管了！！！暖气凉了整整三天了！！！再不来人我直接打12345", True),
        ("暖气片漏水了 赶紧派人来修 急死了", True),
        ("暖气不热三天了没人来修，我要投诉", False),
        ("上次来的师傅态度太差，暖气还是不热，派个人来看看", False),
        ("暖气一直不热，你们收费倒是挺积极", False),
        ("我要投诉", False),
        ("我想报修", True),  # the next step every knowledge-base answer names
        ("报个修，卫生间那组", True),
        ("报修三天了没人来，我要投诉", False),
        ("上次报修的师傅态度太差", False),
    ],
)
def test_an_angry_repair_request_is_told_from_a_complaint(text: str, repair: bool) -> None:
    assert repair_not_complaint(text) is repair


def test_the_guard_moves_only_such_complaints_to_the_repair() -> None:
    from rasa.shared.nlu.training_data.message import Message

    from bot.nlu.guard import IntentCorrections

    def parsed(text: str, intent: str) -> Message:
        return Message(data={"text": text, "intent": {"name": intent, "confidence": 0.8}})

    messages = [
        parsed("暖气凉了三天了！！！再不来人我打12345", "file_complaint"),
        parsed("暖气不热三天了没人来修，我要投诉", "file_complaint"),
        parsed("暖气凉了三天了 快派人来", "query_ticket"),
    ]
    out = IntentCorrections().process(messages)
    assert [m.get("intent")["name"] for m in out] == [
        "report_repair",
        "file_complaint",
        "query_ticket",
    ]
    assert out[0].get("intent")["confidence"] == 0.8


@pytest.mark.parametrize(
    ("text", "unbind"),
    [
        ("这个户号不要再绑我手机了", True),
        ("解除微信绑定", True),
        ("把绑的那个户号删掉", True),
        ("绑定户号", False),
        ("帮我绑一下户号", False),
        ("绑定之后能查电费吗", False),
    ],
)
def test_an_unbind_request_is_never_read_as_binding(text: str, unbind: bool) -> None:
    from rasa.shared.nlu.training_data.message import Message

    from bot.nlu.guard import IntentCorrections

    assert wants_unbind(text) is unbind
    message = Message(data={"text": text, "intent": {"name": "bind_account", "confidence": 0.5}})
    [out] = IntentCorrections().process([message])
    assert out.get("intent")["name"] == ("unbind_account" if unbind else "bind_account")


@pytest.mark.parametrize(
    ("text", "intent", "meant"),
    [
        ("你好 我要 回国了 不住 这里 了. 我要 取消 绑定 户号", "cancel_ticket", "unbind_account"),
        ("取消工单BX202612060001", "cancel_ticket", "cancel_ticket"),
        ("解绑以后还能查费吗", "faq", "faq"),  # a question about unbinding unbinds nothing
    ],
)
def test_cancelling_a_binding_is_unbinding_not_a_ticket(text: str, intent: str, meant: str) -> None:
    from rasa.shared.nlu.training_data.message import Message

    from bot.nlu.guard import IntentCorrections

    message = Message(data={"text": text, "intent": {"name": intent, "confidence": 0.6}})
    [out] = IntentCorrections().process([message])
    assert out.get("intent")["name"] == meant


@pytest.mark.parametrize(
    "text",
    ["等等", "等一下哈", "稍等", "我找找", "嗯 我看看", "这个嘛", "我想想", "等一下我去拿缴费单"],
)
def test_asking_for_time_is_hesitation(text: str) -> None:
    assert hesitating(text)


@pytest.mark.parametrize(
    "text",
    ["我要报修", "不知道", "好", "嗯", "我家暖气不热", "等了三天了还不来", "马上派人来", "", None],
)
def test_answers_requests_and_complaints_are_no_hesitation(text: str | None) -> None:
    assert not hesitating(text)


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("那你们先来测 测完了按规定退", True),
        ("约个测温 家里就17度 阳光花园3号楼1单元602", True),
        ("上门量一下温度", True),
        ("我自己测的卧室16.5度", False),
        ("测温不达标能退多少", False),
    ],
)
def test_asking_for_a_measurement_is_told_from_talking_about_one(text: str, asks: bool) -> None:
    assert asks_for_measurement(text) is asks
