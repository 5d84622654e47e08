"""The text rules behind player findings 5, classes A and B, and hail u hau-037 (helper h2)."""

from __future__ import annotations

from pathlib import Path

import pytest
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActiveLoop, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.address import door_alone, parse_address
from bot.nlu.emergency import detect_emergency, leak_in_hand
from bot.nlu.form_answer_policy import form_answer_turn
from bot.nlu.requests import asks_if_recorded_right, calls_off, chases_the_crew
from bot.nlu.safety_net import EMERGENCY_ACTION, EmergencyMarker, emergency_turn

ROOT = Path(__file__).resolve().parents[2]
OURS = ["阳光花园", "幸福里小区", "金色家园", "和平里", "翠湖苑", "东风新村"]


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(ROOT / "domain.yml"))


# ---- A: the door stays with the address ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "home"),
    [
        # an age in Chinese numerals after the door was glued to it (60280) and the door lost
        ("我妈一个人住阳光花园3号楼2单元602 八十多了 说家里冷得睡不着", "阳光花园3号楼2单元602"),
        ("我爷爷住东风新村9号楼1单元301 九十岁了 家里冻得直哆嗦", "东风新村9号楼1单元301"),
        ("金色家园7号楼3单元1102 两个老人在家", "金色家园7号楼3单元1102"),
        # the upstairs flat named after the home is not its door
        ("幸福里小区6号楼1单元201 楼上301家里没人 打电话也不接", "幸福里小区6号楼1单元201"),
        ("和平里2号楼1单元502 楼下402说漏到他家了", "和平里2号楼1单元502"),
        # unchanged
        ("阳光花园5号楼1单元302", "阳光花园5号楼1单元302"),
        ("金色家园3号楼2单元 一零零二", "金色家园3号楼2单元1002"),
    ],
)
def test_the_door_told_with_the_home_is_kept(text: str, home: str) -> None:
    assert parse_address(text, OURS).summary() == home


@pytest.mark.parametrize(
    ("text", "door"),
    [
        ("602", "602"),
        ("我刚说了602啊", "602"),
        ("门牌号是602", "602"),
        ("不是说了吗 301", "301"),
        ("就是1102室", "1102"),
        ("602。", "602"),
        # not a door alone
        ("电话602", None),
        ("3楼602", None),
        ("602 九十岁了", None),
        ("16度", None),
        ("2026年", None),
        ("602不对603", None),
        ("13800001111", None),
        ("1单元602", None),
    ],
)
def test_a_door_given_alone(text: str, door: str | None) -> None:
    assert door_alone(text) == door


def _user(text: str, intent: str) -> UserUttered:
    message = Message(data={"text": text})
    message.set("intent", {"name": intent, "confidence": 0.9}, add_to_output=True)
    message.set("entities", [], add_to_output=True)
    (marked,) = EmergencyMarker().process([message])
    parse_data = marked.as_dict(only_output_properties=True)
    return UserUttered(text, parse_data["intent"], [], parse_data)


def _asked_address(domain: Domain, question: str, *events: object) -> DialogueStateTracker:
    return DialogueStateTracker.from_events(
        "t",
        [
            ActionExecuted(ACTION_LISTEN_NAME),
            ActiveLoop("repair_form"),
            SlotSet("requested_slot", "address"),
            ActionExecuted("repair_form"),
            BotUttered("…", metadata={"utter_action": question}),
            ActionExecuted(ACTION_LISTEN_NAME),
            *events,
        ],
        domain.slots,
    )


def test_a_door_said_as_a_protest_at_the_rest_question_goes_to_the_form(domain: Domain) -> None:
    rest = _asked_address(
        domain, "utter_emergency_need_address_rest", _user("我刚说了602啊", "correct_info")
    )
    assert form_answer_turn(rest) == "repair_form"
    # the whole address asked: a protest is left to its rule
    whole = _asked_address(domain, "utter_ask_address", _user("我刚说了602啊", "correct_info"))
    assert form_answer_turn(whole) is None


@pytest.mark.parametrize(
    ("text", "what"),
    [
        ("地址记对了吧", "address"),
        ("工单BX202612070003的地址对吗 是602", "address"),
        ("门牌号没写错吧", "address"),
        ("电话记对了没", "phone"),
        ("地址错了", None),
        ("地址是阳光花园5号楼", None),
    ],
)
def test_asking_whether_a_detail_was_recorded_right(text: str, what: str | None) -> None:
    assert asks_if_recorded_right(text) == what


# ---- B: chasing and calling off -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "chased"),
    [
        ("师傅还没来呢 都快一个小时了", True),
        ("到底啥时候来", True),
        ("都四十分钟了 怎么还没人来啊", True),
        ("人呢？？", True),
        ("抢修的人呢", True),
        ("等了半天了", True),
        ("BX202612070002 就是这个单子 师傅还没到 水还在流", True),
        ("水还在流", False),
        ("我家没人", False),
        ("明天来吧", False),
        ("老人呢 没事吧", False),
    ],
)
def test_the_crew_chased(text: str, chased: bool) -> None:
    assert chases_the_crew(text) is chased


@pytest.mark.parametrize(
    ("text", "off"),
    [
        ("我说了不用来人 把单子取消了", True),
        ("暖气没漏 不用派人来了", True),
        ("那你把这个单子撤了吧", True),
        ("水止住了 你们别来了", True),
        ("快派人来", False),
        ("算了 不填了", False),
        ("不用打电话 直接来", False),
    ],
)
def test_the_visit_called_off(text: str, off: bool) -> None:
    assert calls_off(text) is off


# ---- hau-037: a leak beside the stop's repair, a leak getting worse ---------------------------


@pytest.mark.parametrize(
    "text",
    [
        "我知道今天你们在抢修停暖，可楼上那家的暖气管子漏水了，顺着我家天花板往下滴，墙皮都泡起来了",
        "小区停暖了 你们在抢修吧 我家暖气片接口漏水了 地板都湿了",
        "你们停热在抢修我知道 可楼上暖气管接头漏水了 往我家吊顶上滴 地板都湿了",
    ],
)
def test_a_leak_told_beside_the_stops_repair_is_an_emergency(text: str) -> None:
    found = detect_emergency(text)
    assert found is not None and found.kind == "water", text


@pytest.mark.parametrize(
    "text",
    [
        "物业说我们楼管子冻裂了在修",  # the leak's own repair under way
        "停暖了 管子冻裂了 物业在修",
        "看到管网抢修的通知了 爆管啥时候修完",
        "你们在抢修停暖 管网漏水什么时候修完",
        "停热是因为在抢修漏水的管子吗",
    ],
)
def test_a_repair_of_the_leak_itself_still_discounts_it(text: str) -> None:
    assert detect_emergency(text) is None, text


def test_a_leak_in_hand_includes_an_ordinary_leak_being_booked() -> None:
    assert leak_in_hand(None, None, "repair_form", "leak")
    assert leak_in_hand("BX202612070001", None, None, None)
    assert not leak_in_hand(None, None, "repair_form", "no_heat")
    assert not leak_in_hand(None, None, "temp_check_form", "leak")


def test_a_leak_being_booked_that_gets_worse_runs_the_urgent_path(domain: Domain) -> None:
    worse = "我拿盆接着呢 滴得越来越快 你们得赶紧来人关阀门"
    assert detect_emergency(worse) is None  # alone it is no emergency
    booked = DialogueStateTracker.from_events(
        "t",
        [
            ActionExecuted(ACTION_LISTEN_NAME),
            ActiveLoop("repair_form"),
            SlotSet("fault_type", "leak"),
            SlotSet("requested_slot", "phone"),
            ActionExecuted("repair_form"),
            ActionExecuted(ACTION_LISTEN_NAME),
            _user(worse, "inform"),
        ],
        domain.slots,
    )
    assert emergency_turn(booked) == EMERGENCY_ACTION
    cold = DialogueStateTracker.from_events(
        "t",
        [
            ActionExecuted(ACTION_LISTEN_NAME),
            ActiveLoop("repair_form"),
            SlotSet("fault_type", "no_heat"),
            SlotSet("requested_slot", "phone"),
            ActionExecuted("repair_form"),
            ActionExecuted(ACTION_LISTEN_NAME),
            _user("越来越冷了", "inform"),
        ],
        domain.slots,
    )
    assert emergency_turn(cold) is None
