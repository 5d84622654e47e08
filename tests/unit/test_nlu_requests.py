"""Second requests in one message (bot.nlu.requests): noticed when clearly made, not otherwise."""

from __future__ import annotations

import pytest

from bot.nlu.requests import (
    asks_about_a_stop,
    asks_for_measurement,
    asks_meter_visit,
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
        # a fault stated beside another request is a request of its own
        ("暖气片漏水了 顺便问一下今年暖气费交了多少", ["report_repair", "query_fee"]),
        ("家里暖气不热了，另外帮我看下今年的暖气费交上没有", ["report_repair", "query_fee"]),
        ("屋里才15度 派人来测个温 顺便查下欠多少钱", ["request_temp_check", "query_fee"]),
        # the cold is what a measurement is for, not a second request
        ("屋里冷得穿棉袄 你们得派人来量一量", ["request_temp_check"]),
        ("暖气不热 派人来测个温 测完顺便给修修", ["report_repair", "request_temp_check"]),
        (
            "暖气片又漏了 上回你们师傅修的什么玩意 我要投诉 另外赶紧派人来",
            ["report_repair", "file_complaint"],
        ),
        ("先把户号给我绑上 再看看这季欠费多少", ["query_fee", "bind_account"]),
        ("幸福里啥时候恢复供热？暖器冰凉，赶紧上门修一下", ["report_repair", "query_outage"]),
    ],
)
def test_two_requests_in_one_message_are_both_noticed(text: str, found: list[str]) -> None:
    assert requests_in(text) == found


@pytest.mark.parametrize(
    "text",
    [
        "我家暖气不热",
        "我要报修",
        "谢谢师傅",
        "暖气费怎么交",
        "水费多少钱",
        "也不是要投诉谁",
        "帮我解绑户号",
        "",
        None,
    ],
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
        ("户号没有 单子早扔了", True),
        ("俺们家压根没有啥户号", True),
        ("缴费单去年搬家就扔了", True),
        ("号码不清楚 房子是租的", True),
        ("0102345678", False),
        ("5号楼没有暖气", False),
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
        # a ticket asked after stays a ticket query (快派人来 referring to none is a repair now:
        # bot.nlu.resident_requests.asks_for_a_visit)
        parsed("暖气凉了三天了 我报的修怎么还没人来", "query_ticket"),
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
        ("前天来人测温也没到18度 能退多少", False),  # a measurement told as done
        ("上门量过了 还是16度", False),
    ],
)
def test_asking_for_a_measurement_is_told_from_talking_about_one(text: str, asks: bool) -> None:
    assert asks_for_measurement(text) is asks


@pytest.mark.parametrize(
    ("text", "gives_up"),
    [
        ("哎不用来了 我刚放了放气 现在热了 把单子撤了吧", True),
        ("算了", True),
        ("哦 那不是暖气的啊 那打扰了", True),
        ("不是我家里头 是楼道 公共的", False),  # where, not "never mind"
        ("不是漏水。没有水。只是不能关。", False),
        ("不对", False),
    ],
)
def test_giving_up_is_told_from_correcting(text: str, gives_up: bool) -> None:
    from bot.nlu.requests import gives_up as giving_up

    assert giving_up(text) is gives_up


@pytest.mark.parametrize(
    ("text", "follow_up"),
    [
        ("上个月投诉你们客服态度差的事 处理结果呢 TS202611200031", True),
        ("我上周投诉的到现在没人理 单号TS202612010005", True),
        ("我要投诉 TS202611200031 处理得太差", False),  # a new complaint about it
        ("我要投诉，TS202611280004那个投诉两天了没人回", False),
        ("处理结果呢", False),  # no ticket named
    ],
)
def test_a_follow_up_of_a_named_ticket_is_noticed(text: str, follow_up: bool) -> None:
    from bot.nlu.requests import asks_about_ticket

    assert asks_about_ticket(text) is follow_up


@pytest.mark.parametrize(
    ("text", "manager"),
    [
        ("我要你们领导亲自给我回电话", True),
        ("让你们经理给我打个电话", True),
        ("让你们领导给我个说法", False),
        ("我要投诉你们领导", False),
    ],
)
def test_a_manager_asked_to_call_back_is_noticed(text: str, manager: bool) -> None:
    from bot.nlu.requests import asks_for_a_manager

    assert asks_for_a_manager(text) is manager


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("没停啊？那就是我们家的事儿了 您给报个修吧", True),
        ("那就这样吧 赶紧派个人来", True),
        ("哦是爆管啊 那不用派人了 啥时候恢复", False),
        ("不用报修了", False),
        ("好的谢谢 再见", False),
    ],
)
def test_a_repair_asked_for_by_name_is_told_from_one_declined(text: str, asks: bool) -> None:
    from bot.nlu.requests import asks_for_repair

    assert asks_for_repair(text) is asks


@pytest.mark.parametrize(
    ("text", "chases"),
    [
        ("我前天就报修了 到现在鬼影子都没见着 你们是不是把我忘了", True),
        ("我前天投诉的 到现在没人理 TS202612040007", True),
        ("同志 我前天报的那个修 到现在也没人来 你给我查查", True),
        ("我的工单处理到哪了", False),
        ("暖气还是不热", False),
    ],
)
def test_a_resident_chasing_a_late_request_is_noticed(text: str, chases: bool) -> None:
    from bot.nlu.requests import chasing

    assert chasing(text) is chases


@pytest.mark.parametrize(
    ("text", "when"),
    [
        ("那得嘛时候能来热的 您给个准话儿", True),
        ("那得多会儿能热乎啊", True),
        ("还得等好几个小时吗", True),
        ("家里三个人都冻感冒了", False),
        ("还得等几个小时", True),
        ("好的谢谢", False),
    ],
)
def test_asking_when_is_noticed(text: str, when: bool) -> None:
    from bot.nlu.requests import asks_when

    assert asks_when(text) is when


def test_a_complaint_denied_is_no_complaint() -> None:
    from bot.nlu.requests import not_a_complaint

    assert not_a_complaint("也不是投诉谁 就想赶紧来人给修好")
    assert not not_a_complaint("我要投诉！暖气不热三天了！")
    assert not not_a_complaint("赶紧来人修")


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("那恁们多咱给俺回话", True),
        ("你们多久给答复", True),
        ("什么时候联系我", True),
        ("暖气什么时候来", False),  # the season or a stop, not a reply
        ("给我回个电话", False),  # asks for a call, not when
    ],
)
def test_asking_when_the_company_answers_is_noticed(text: str, asks: bool) -> None:
    from bot.nlu.requests import asks_when_we_reply

    assert asks_when_we_reply(text) is asks


@pytest.mark.parametrize(
    "text",
    [
        "能派人来看看表吗",
        "我家热表这个月读数一下多了好多 是不是表坏了 找人来看看",
        "表走得也太快了吧 你们来人查查",
        "热量表显示的数不对劲 上门给校验一下",
        "麻烦过来检查下我家的表",
    ],
)
def test_someone_asked_to_look_at_the_meter_is_a_meter_visit(text: str) -> None:
    assert asks_meter_visit(text)


@pytest.mark.parametrize(
    "text",
    ["暖气不热 来人看看", "我要表扬你们的师傅", "热表旁边的阀门漏水了 快来人", "这个表格怎么填"],
)
def test_a_radiator_fault_or_other_words_are_no_meter_visit(text: str) -> None:
    assert not asks_meter_visit(text)


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("金色家园检修到哪天", True),
        ("抢修要多久 修好了告诉我一声", True),  # how long, and to be told: the stop
        ("检修要多久啊 怎么也没个通知", True),  # no notice came: still this stop
        ("故障停热一般多久内告知住户", False),  # the notice rules, whatever stop is named
        ("检修停暖提前几天通知", False),
        ("啥时候停暖检修 从哪能提前知道", False),
    ],
)
def test_a_question_about_notices_is_no_question_about_a_stop(text: str, asks: bool) -> None:
    assert asks_about_a_stop(text) is asks
