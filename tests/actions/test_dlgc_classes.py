"""Players' findings 2, classes C and I (dlgc).

C: a correction inside one message (阳光花园5号楼2单元302，不对，是5号楼1单元302 / 明天上午 不对
明天下午吧 / 13812345678，哦不对，是13812345679) was ignored and the withdrawn value submitted.
I: northern words for the parts of the day (头午, 后晌, 傍黑) and an address in English or pinyin
(I live in 东风新村 building 3 unit 2 room 402, Yangguang Huayuan building 5 unit 1 room 302).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.common import contact_number
from actions.readback import ActionAskDetailsConfirmed
from actions.repair import ValidateRepairForm
from bot.nlu.address import address_meant, parse_address
from bot.nlu.addressspans import find_address_spans
from bot.nlu.contact_fix import corrected_phone, number_meant, numbers_for_the_visit
from bot.nlu.initials import named_in_pinyin
from bot.nlu.numbers import to_canonical
from bot.nlu.self_correction import correction_in
from bot.nlu.timewindow import parse_visit_window, the_time_meant

from .conftest import said, slot_values, tracker, user_turn

COMMUNITIES = ["阳光花园", "和平里", "幸福里小区", "东风新村", "金色家园", "翠湖苑"]
BEIJING = timezone(timedelta(hours=8))
#: Monday 2026-12-07 10:00, the players' week.
MONDAY = datetime(2026, 12, 7, 10, 0, tzinfo=BEIJING)


# ---- C: the split ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "said_", "back", "meant"),
    [
        (
            "阳光花园5号楼2单元302，不对，是5号楼1单元302",
            "阳光花园5号楼2单元302",
            "",
            "5号楼1单元302",
        ),
        ("和平里1号楼3单元201 不是3单元，是2单元", "和平里1号楼3单元201", "3单元", "2单元"),
        ("13812345678，哦不对，是13812345679", "13812345678", "", "13812345679"),
        ("明天上午 不对 明天下午吧", "明天上午", "", "明天下午吧"),
        ("周六上午，说错了，应该是周日上午", "周六上午,说错了", "", "周日上午"),
    ],
)
def test_a_message_is_split_at_its_last_correction(
    text: str, said_: str, back: str, meant: str
) -> None:
    found = correction_in(text)
    assert found is not None
    assert (found.said, found.taken_back, found.meant) == (said_, back, meant)


@pytest.mark.parametrize(
    "text",
    [
        "不对，是6号楼",  # corrects an earlier message: the held value's business
        "是6号楼 刚才说错了",  # nothing after the mark
        "暖气不对劲",
        "阳光花园5号楼2单元302",
    ],
)
def test_no_correction_within_the_message(text: str) -> None:
    assert correction_in(text) is None


# ---- C: the address --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "meant"),
    [
        ("阳光花园5号楼2单元302，不对，是5号楼1单元302", "阳光花园5号楼1单元302"),  # the player's
        ("和平里1号楼3单元201 不是3单元，是2单元", "和平里1号楼2单元201"),  # the player's
        ("和平里1号楼3单元201不是3单元是2单元", "和平里1号楼2单元201"),
        ("翠湖苑2号楼1单元302 说错了 303", "翠湖苑2号楼1单元303"),
        ("暖气片冰凉，翠湖苑2号楼1单元302 说错了 303，电话13912345678", "翠湖苑2号楼1单元303"),
        ("金色家园3号楼 哦不对 是4号楼2单元101", "金色家园4号楼2单元101"),
        ("东风新村12号楼2单元402，写错了，应该是12号楼3单元402", "东风新村12号楼3单元402"),
        ("阳光花园5号楼2单元302，不对，是幸福里3号楼1单元101", "幸福里小区3号楼1单元101"),
    ],
)
def test_the_address_after_the_correction_is_meant(text: str, meant: str) -> None:
    address = address_meant(text, COMMUNITIES)
    assert address is not None
    assert address.summary() == meant


@pytest.mark.parametrize(
    "text",
    [
        "阳光花园5号楼2单元302",
        "阳光花园5号楼2单元302 暖气不对劲",
        "阳光花园5号楼2单元302，应该是管子堵了",
        "阳光花园5号楼2单元302 不是我家是我妈家",
        "阳光花园5号楼2单元302 不对 2022年就报过",
        "不对不对 是6号楼",  # the held address is completed by the form (existing behaviour)
    ],
)
def test_no_address_correction_changes_nothing(text: str) -> None:
    assert address_meant(text, COMMUNITIES) is None


# ---- C: the phone ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "meant"),
    [
        ("13812345678，哦不对，是13812345679", "13812345679"),  # the player's
        ("13812345678 说错了 尾号5679", "13812345679"),
        ("13812345678 不对 5679", "13812345679"),
        ("13812345678 不是这个 是13912345678", "13912345678"),
        ("手机13812345678，不对不对，13812345670", "13812345670"),
    ],
)
def test_the_number_after_the_correction_is_the_only_one(text: str, meant: str) -> None:
    assert number_meant(text, contact_number) == meant
    assert numbers_for_the_visit(text, contact_number) is None


def test_two_numbers_without_a_correction_stay_two() -> None:
    text = "上门前打我妈座机010-84561234 有事打我手机13800001234"
    assert number_meant(text, contact_number) is None
    assert numbers_for_the_visit(text, contact_number) == ("010-84561234", "13800001234")
    assert number_meant("电话13812345678 暖气不对劲", contact_number) is None
    # after a submitted ticket: the digits taken back are still never the new ones
    assert corrected_phone("电话说错了 最后四位是2234 不是2233", "13800002233", contact_number) == (
        "13800002234"
    )


# ---- C: the time -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("明天上午 不对 明天下午吧", "08 13:00", "18:00"),  # the player's
        ("明天上午，哦不对，下午吧", "08 13:00", "18:00"),
        ("明天上午 不是上午 是下午", "08 13:00", "18:00"),
        ("周六上午，说错了，应该是周日上午", "13 08:00", "12:00"),
        ("后天下午 不对 后天上午十点", "09 10:00", "12:00"),
    ],
)
def test_the_time_after_the_correction_is_booked(text: str, start: str, end: str) -> None:
    window = parse_visit_window(text, MONDAY)
    assert window is not None
    assert (window.start.strftime("%d %H:%M"), window.end.strftime("%H:%M")) == (start, end)


@pytest.mark.parametrize("text", ["明天上午", "明天上午不对劲 家里冷", "明天上午不是要停暖吗"])
def test_a_time_without_a_correction_is_as_said(text: str) -> None:
    assert the_time_meant(text) == text


# ---- C: the form and the read-back -----------------------------------------------------------

ASKED = {"fault_type": "no_heat", "requested_slot": "address"}


async def test_the_form_keeps_the_corrected_address_phone_and_time(domain: dict[str, Any]) -> None:
    """The player's three messages; the entity extractor read the withdrawn values first."""
    text = "阳光花园5号楼2单元302，不对，是5号楼1单元302"
    events = await ValidateRepairForm().run(
        CollectingDispatcher(),
        tracker(
            user_turn(text, "inform"),
            slots=ASKED,
            active_loop="repair_form",
            slot_events={"address": "阳光花园5号楼2单元302"},
        ),
        domain,
    )
    assert slot_values(events)["address"] == "阳光花园5号楼1单元302"

    slots = {**ASKED, "address": "阳光花园5号楼1单元302", "requested_slot": "phone"}
    text = "13812345678，哦不对，是13812345679"
    events = await ValidateRepairForm().run(
        CollectingDispatcher(),
        tracker(
            user_turn(text, "inform"),
            slots=slots,
            active_loop="repair_form",
            slot_events={"phone": "13812345678"},
        ),
        domain,
    )
    values = slot_values(events)
    assert values["phone"] == "13812345679"
    assert not values.get("second_phone")

    slots = {**slots, "phone": "13812345679", "requested_slot": "visit_time"}
    text = "明天上午 不对 明天下午吧"
    events = await ValidateRepairForm().run(
        CollectingDispatcher(),
        tracker(
            user_turn(text, "inform"),
            slots=slots,
            active_loop="repair_form",
            slot_events={"visit_time": text},
        ),
        domain,
    )
    visit = slot_values(events)["visit_time"]
    assert visit.startswith("2026-11-28T13:00")  # the pinned clock's Friday: Saturday afternoon

    dispatcher = CollectingDispatcher()
    listed = tracker(
        user_turn(text, "inform"),
        slots={**slots, "visit_time": visit, "requested_slot": "details_confirmed"},
        active_loop="repair_form",
    )
    await ActionAskDetailsConfirmed().run(dispatcher, listed, domain)
    details = said(dispatcher, "utter_read_back")["details"]
    assert "阳光花园5号楼1单元302" in details and "5号楼2单元" not in details
    assert "138****5679" in details and "备用电话" not in details
    assert "13:00" in details


async def test_a_partial_correction_in_the_form(domain: dict[str, Any]) -> None:
    text = "和平里1号楼3单元201 不是3单元，是2单元"
    events = await ValidateRepairForm().run(
        CollectingDispatcher(),
        tracker(
            user_turn(text, "inform"),
            slots=ASKED,
            active_loop="repair_form",
            slot_events={"address": "和平里1号楼3单元201"},
        ),
        domain,
    )
    assert slot_values(events)["address"] == "和平里1号楼2单元201"


# ---- I: the parts of the day in northern words -----------------------------------------------


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("后天头午吧", "09 08:00", "12:00"),  # the player's
        ("后晌都行", "07 13:00", "18:00"),  # the player's
        ("明天前晌", "08 08:00", "12:00"),
        ("明天早起有人", "08 08:00", "12:00"),
        ("明天下晌三点", "08 15:00", "17:00"),
        ("明天过晌", "08 13:00", "18:00"),
        ("明天晌午后", "08 13:00", "18:00"),
        ("明天傍黑", "08 17:00", "19:00"),
        ("明天擦黑来吧", "08 17:00", "19:00"),
        ("明天晌午", "08 11:00", "14:00"),
    ],
)
def test_northern_parts_of_the_day(text: str, start: str, end: str) -> None:
    window = parse_visit_window(text, MONDAY)
    assert window is not None
    assert (window.start.strftime("%d %H:%M"), window.end.strftime("%H:%M")) == (start, end)


def test_a_day_alone_is_still_the_whole_day() -> None:
    window = parse_visit_window("后天", MONDAY)
    assert window is not None
    assert (window.start.hour, window.end.hour) == (8, 18)


# ---- I: an address in English or pinyin ------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "meant"),
    [
        (
            "Hello, my heater is not warm. I live in 东风新村 building 3 unit 2 room 402",
            "东风新村3号楼2单元402",
        ),
        ("Yangguang Huayuan building 5 unit 1 room 302", "阳光花园5号楼1单元302"),  # the player's
        ("heping li Bldg 2, Apt 301", "和平里2号楼301"),
        ("xingfu li building 8 unit 1 room 202", "幸福里小区8号楼1单元202"),
        ("I live in Jinse Jiayuan block 3, entrance 2, flat 1201", "金色家园3号楼2单元1201"),
        ("cuihuyuan building 2 room 101", "翠湖苑2号楼101"),
    ],
)
def test_an_address_in_english_or_pinyin(text: str, meant: str) -> None:
    assert parse_address(text, COMMUNITIES).summary() == meant
    spans = find_address_spans(to_canonical(text), COMMUNITIES)
    assert len(spans) == 1
    assert parse_address(spans[0].text, COMMUNITIES).summary() == meant


@pytest.mark.parametrize(
    "text",
    ["my heater is not warm", "hello", "ni hao", "nuanqi bu re", "xfl", "I live in building 3"],
)
def test_english_that_names_none_of_our_communities(text: str) -> None:
    assert named_in_pinyin(text, COMMUNITIES) is None
    assert not parse_address(text, COMMUNITIES).community


@pytest.mark.parametrize(
    "text", ["qianfei duoshao", "tingnuan le ma", "xingfu li tingnuan le ma", "heping li"]
)
def test_pinyin_without_a_flat_is_no_address_span(text: str) -> None:
    """Two-character names spell everyday words (duoshao, le ma: the NLU gate's test set), and a
    name alone in pinyin is no address the entity extractor should mark."""
    known = [*COMMUNITIES, "多少", "乐美"]
    assert find_address_spans(to_canonical(text), known) == []


def test_chinese_addresses_are_read_as_before() -> None:
    for text in ("阳光花园5号楼1单元302", "东风新村的暖气", "和平里3栋2门502"):
        spans = find_address_spans(to_canonical(text), COMMUNITIES)
        assert [s.text for s in spans] == [text.removesuffix("的暖气")]


async def test_an_english_address_answers_the_address_question(domain: dict[str, Any]) -> None:
    text = "Yangguang Huayuan building 5 unit 1 room 302"
    dispatcher = CollectingDispatcher()
    events = await ValidateRepairForm().run(
        dispatcher,
        tracker(
            user_turn(text, "out_of_scope"),
            slots=ASKED,
            active_loop="repair_form",
            slot_events={"address": text},
        ),
        domain,
    )
    assert slot_values(events)["address"] == "阳光花园5号楼1单元302"
