"""Classes of resident messages the dialogue mishandled in the snow development sets
(heldout_snow_c/d, issue 16's fifth round), each shown on both sides: the pure text rules in
bot.nlu.requests, bot.nlu.answers, bot.nlu.faults, bot.nlu.address, bot.nlu.initials and
bot.handoff.triggers, and the intent corrections they drive (bot.nlu.guard.IntentCorrections).
The actions' side is in tests/actions/test_resident_classes.py."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.training_data.message import Message

from bot.handoff.triggers import upset
from bot.nlu.address import parse_address
from bot.nlu.answers import yes_no_answer
from bot.nlu.faults import air_in_radiator, fault_type_of, ticket_fault
from bot.nlu.initials import initials_of, named_by_initials
from bot.nlu.requests import (
    and_there_place,
    asks_after_filed_request,
    asks_for_another_way,
    complains,
    doubts_the_meter,
    fault_beside_a_question,
    knocking_at_home,
    refers_to_filed_request,
    takes_request_back,
    wants_stop_heating,
    withdraws_by_name,
)
from bot.services.outages import match_community

KNOWN = ["幸福里小区", "和平里", "金色家园", "阳光花园", "东风新村", "翠湖苑"]


def _corrected(text: str, intent: str, **data: object) -> str:
    from bot.nlu.guard import IntentCorrections

    message = Message(data={"text": text, "intent": {"name": intent, "confidence": 0.6}, **data})
    (out,) = IntentCorrections().process([message])
    return str(out.get("intent")["name"])


# --- a 报停 applied for in the form of a question ---


@pytest.mark.parametrize(
    "text",
    [
        "俺是房东 东风新村8号楼1单元501这套房子现在空着没租出去 想把今年的暖气报停 现在还能办不",
        "我是翠湖苑4号楼底商开服装店的 今年冬天店不开了要回老家 暖气能报停吗",
        "我家房子今年空着 可以报停不",
        "打算把我妈那套房报停 她去我哥那住了",
    ],
)
def test_a_stop_asked_for_ones_own_home_is_an_application(text: str) -> None:
    assert wants_stop_heating(text)
    assert _corrected(text, "faq") == "apply_stop_heating"


@pytest.mark.parametrize(
    "text",
    [
        "新房没装修可以报停吗",  # a question about 报停 in general
        "什么时候之前要申请报停",  # the deadline, for anyone
        "供暖期中间还能报停吗",
        "报停了还要交钱吗",
        "房子空着🏠报停还收钱吗",
        "要报停的话需要什么材料",
        "我要去儿子家过冬 家里想停暖气 报停得办啥手续啊 有截止日子没有",  # how to apply
        "我不想报停",
        "那还是别报停了",
        "报停以后能中途恢复吗",
    ],
)
def test_a_question_about_stops_stays_a_question(text: str) -> None:
    assert not wants_stop_heating(text)
    assert not asks_after_filed_request(text)
    assert _corrected(text, "faq") in ("faq", "deny")  # 那还是别报停了: a change of mind


# --- a filed request taken back by its name ---


@pytest.mark.parametrize(
    "text",
    [
        "哎 等会儿 俺儿刚打电话说他那房子装修 俺还得回来住 那报停给俺撤了吧",
        "把报修撤了",
        "撤销刚才的投诉",
        "测温不用了",
        "报停申请帮我取消",
    ],
)
def test_a_request_taken_back_by_name_is_a_cancellation(text: str) -> None:
    assert withdraws_by_name(text)
    assert _corrected(text, "faq") == "cancel_ticket"


@pytest.mark.parametrize(
    "text",
    [
        "去年冬天办的报停 BT202511200012 今年人回来了 能不能给撤了",
        "BX202612010003 那个单子不要了",
        "测温单 CW202612030007 可以取消吗 屋里已经热了",
    ],
)
def test_a_ticket_taken_back_by_its_number_is_a_cancellation(text: str) -> None:
    """A ticket's number with a take-back verb (能不能撤了) acts on that ticket (the fifteenth
    KB round's model read ang-045 as the resume topic)."""
    assert withdraws_by_name(text)
    assert _corrected(text, "faq") == "cancel_ticket"


@pytest.mark.parametrize(
    "text",
    [
        "报停撤回以后怎么恢复",
        "报停撤回要什么手续",
        "报停撤了吗",
        "报停能不能撤回",
        "BT202511200012 撤了以后怎么恢复",
    ],
)
def test_how_to_take_a_request_back_is_a_question(text: str) -> None:
    assert not withdraws_by_name(text)
    assert _corrected(text, "faq") == "faq"


# --- a request already made, spoken of ---


@pytest.mark.parametrize(
    "text",
    [
        "刚才俺投诉的那个 多长时间能给俺个回话",
        "我上午报的修 啥时候来",
        "投诉的事怎么样了",
        "我刚才报修了 师傅啥时候到",
    ],
)
def test_asking_after_a_request_made_is_no_new_request(text: str) -> None:
    assert refers_to_filed_request(text)
    assert asks_after_filed_request(text)
    assert not complains(text)
    assert _corrected(text, "file_complaint") == "query_ticket"
    assert _corrected(text, "faq") == "query_ticket"


@pytest.mark.parametrize(
    "text",
    [
        "我要投诉",
        "我要投诉的事是工人态度差",
        "上次投诉没人理 我要投诉",
        "我投诉过好几次了 还没人管",
    ],
)
def test_a_complaint_made_now_is_still_one(text: str) -> None:
    assert complains(text)
    assert not asks_after_filed_request(text)


# --- a fault told, then another matter asked ---


def test_a_fault_told_before_a_side_question_is_a_repair() -> None:
    text = "俺家地暖不大热 光脚踩着凉 另外问一声 今年暖气供到几月几号"
    assert fault_beside_a_question(text)
    assert _corrected(text, "faq") == "report_repair"
    assert fault_beside_a_question("我家暖气不热 顺便问下暖气费多少")


@pytest.mark.parametrize(
    "text",
    [
        "地暖不热正常吗 另外问下暖气费多少",  # the fault is itself asked about
        "暖气费怎么交 另外我家暖气不热",  # the question first
        "我家暖气不热 另外",  # nothing asked
        "暖气不热 另外问一下几号开始供暖",  # no home named: could be anyone's
    ],
)
def test_no_repair_where_the_fault_is_asked_or_comes_second(text: str) -> None:
    assert not fault_beside_a_question(text)


# --- the meter doubted ---


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        (
            "翠湖苑1号楼2单元1601 我家是按热表计量的 这个月热表读数比上个月多了一大截 可我们出差"
            "十天家里没人 阀门都关小了 这表是不是坏了",
            "query_meter",
        ),
        ("为什么会这样 我要求你们来人核一下表", "report_meter_reading"),
        ("热表是不是不准啊 能不能派人来看看表", "faq"),
    ],
)
def test_a_doubted_meter_is_a_meter_check(text: str, intent: str) -> None:
    assert doubts_the_meter(text)
    assert _corrected(text, intent) == "report_meter_problem"


@pytest.mark.parametrize("text", ["帮我查查我家热量表走了多少", "热表咋看", "装了热表还按面积收吗"])
def test_the_readings_asked_for_stay_a_query(text: str) -> None:
    assert not doubts_the_meter(text)
    assert _corrected(text, "query_meter") == "query_meter"


def test_a_general_question_about_a_broken_meter_stays_a_question() -> None:
    """热量表坏了怎么算 asks how a broken meter is billed, for anyone: the metering topic."""
    assert _corrected("热量表坏了怎么算", "faq") == "faq"
    assert _corrected("热量表坏了 能派人来看看表吗", "faq") == "report_meter_problem"


# --- a radiator knocking at home ---


def test_a_knock_going_on_at_home_is_for_a_fitter() -> None:
    assert knocking_at_home("娃 问一下 额屋里暖气片一到黑咧就咣当咣当响 吵得额睡不着 这咋弄")
    assert knocking_at_home("我家暖气晚上哐哐响")
    assert not knocking_at_home("暖气片咕噜咕噜响")  # air: the resident can vent it
    assert not knocking_at_home("暖气管子咚咚响正常吗")  # asked in general
    assert not knocking_at_home("暖气有嗡嗡声是怎么回事")


# --- another way asked for ---


@pytest.mark.parametrize("text", ["那我还能怎么查", "还有别的办法吗", "那咋办", "怎样才能查到"])
def test_asking_what_else_can_be_done(text: str) -> None:
    assert asks_for_another_way(text)


@pytest.mark.parametrize("text", ["暖气不热怎么办", "我家暖气怎么办", "户号在哪看"])
def test_a_question_of_its_own_is_not_asking_for_another_way(text: str) -> None:
    assert not asks_for_another_way(text)


# --- a question is no withdrawal ---


def test_a_question_whose_no_is_about_something_else_takes_nothing_back() -> None:
    assert not takes_request_back("报停了是不是就一分钱不用交了")
    assert not takes_request_back("是不是不用交钱")
    assert takes_request_back("那还是别报停了")
    assert takes_request_back("算了不查了")
    assert takes_request_back("不用了")
    assert takes_request_back("哎不用来了 现在热了 把单子撤了吧")


# --- "and there?" with more said ---


def test_and_there_opens_a_message() -> None:
    assert and_there_place("那金色家园呢 我妈住那边 她说屋里不热") == "金色家园"
    assert and_there_place("我家在阳光花园 也不热") is None
    place = [{"entity": "address", "value": "金色家园", "start": 1, "end": 5}]
    text = "那金色家园呢 我妈住那边 她说屋里不热"
    assert _corrected(text, "report_repair", entities=place) == "inform"
    # a repair asked for by name stays one
    asked = "那金色家园呢 给我报个修"
    assert _corrected(asked, "report_repair", entities=place) == "report_repair"


# --- a yes that says it is settled ---


@pytest.mark.parametrize(
    "text", ["对 就这样", "好，就这么办", "嗯 没问题", "对，就这么办吧", "是的 没错"]
)
def test_a_yes_that_settles_it_is_a_yes(text: str) -> None:
    assert yes_no_answer(text) == "affirm"
    assert _corrected(text, "goodbye") == "affirm"


@pytest.mark.parametrize("text", ["好的，就这样吧，拜拜", "就这样吧", "行，那就这样，挂了啊"])
def test_a_sign_off_stays_a_goodbye(text: str) -> None:
    assert yes_no_answer(text) is None


# --- air in a radiator ---


def test_both_signs_of_air_make_the_fault_air() -> None:
    text = "暖气片上半截凉下半截热 晚上还咕噜咕噜响 是不是得叫人来修"
    assert air_in_radiator(text)
    assert ticket_fault(fault_type_of(text), text) == "air"
    assert ticket_fault("noise", text) == "air"
    # one sign alone is what it says
    for alone, fault in (("不热还咕噜咕噜响", "no_heat"), ("我家暖气上热下凉", "no_heat")):
        assert not air_in_radiator(alone)
        assert ticket_fault(fault_type_of(alone), alone) == fault
    assert ticket_fault("leak", "上热下凉 咕噜响 还漏水") == "leak"


# --- where the home is ---


def test_the_community_the_flat_follows_is_the_homes() -> None:
    said = "哦不对不对 说错了 是和平里4号楼2单元301 阳光花园是我闺女家"
    address = parse_address(said, KNOWN)
    assert (address.community, address.building, address.unit, address.room) == (
        "和平里",
        "4",
        "2",
        "301",
    )
    mine = parse_address("阳光花园是我闺女家 我家是和平里3号楼1单元101", KNOWN)
    assert mine.community == "和平里"
    assert parse_address("阳光花园4号楼2单元301", KNOWN).community == "阳光花园"
    assert parse_address("幸福里5号楼 不是和平里", KNOWN).community == "幸福里小区"


@pytest.mark.parametrize(
    "text",
    ["xfl是不是停暖了😭 家里冻成狗", "我要去儿子家过冬 家里想停暖气 报停得办啥手续啊"],
)
def test_no_community_is_guessed_from_words_of_home_or_an_emoji(text: str) -> None:
    assert parse_address(text, KNOWN).community is None
    assert parse_address("我家在桃园里3号楼", KNOWN).community == "桃园里"


def test_a_community_typed_as_its_initials() -> None:
    assert initials_of("幸福里小区") == "xfl"
    assert initials_of("金色家园") == "jsjy"
    assert named_by_initials("xfl是不是停暖了😭 家里冻成狗", KNOWN) == "幸福里小区"
    assert match_community("hpl停暖了吗", KNOWN) == "和平里"
    assert named_by_initials("xflx停暖了吗", KNOWN) is None  # not on their own
    assert named_by_initials("ok 那我等着", KNOWN) is None
    assert match_community("yyds冷", KNOWN) is None


# --- giving up on being heard ---


def test_no_use_talking_is_upset() -> None:
    assert upset("算了 跟你说也没用 你就告诉我几点能来热")
    assert upset("说了也白说")
    assert not upset("放了气也没用吗 还有别的办法吗")
