"""Player findings 2, classes D and F (docs/dialogue.md, "Player findings 2, classes D and F"):
a community the company does not serve is told so at once and nothing is booked for it; a
complaint keeps the resident's account (never the bare address), is classed by what went wrong
and, when the home is cold, offers the repair."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import ActionAnswerFaq
from actions.repair import ValidateRepairForm
from actions.service_requests import (
    ActionSubmitComplaint,
    ValidateComplaintForm,
    ValidateTempCheckForm,
)
from bot.nlu.address import unserved_community
from bot.nlu.complaints import complaint_category_of, complaint_words
from bot.store.db import session_scope
from bot.store.models import Ticket

from .conftest import has_event, said, slot_values, texts, tracker, user_turn
from .test_knowledge_base import kb_turn

SERVED = ["东风新村", "和平里", "幸福里小区", "翠湖苑", "金色家园", "阳光花园"]
NOT_SERVED = "utter_community_not_served"


# --- D: places the company does not serve --------------------------------------------------


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("碧桂园3号楼1单元201", "碧桂园"),  # the player's repair
        ("万科城2号楼1单元301", "万科城"),  # the player's second
        ("你好，万科城的暖气归你们管吗", "万科城"),
        ("我家在碧桂园，暖气费多少钱一平", "碧桂园"),
        ("融创府的供暖是你们公司负责吗", "融创府"),
        ("我住保利花园，想申请测温", "保利花园"),
        ("龙湖天街小区5栋2门301屋里冰凉", "龙湖天街小区"),
    ],
)
def test_an_unserved_community_is_named(text: str, name: str) -> None:
    assert unserved_community(text, SERVED) == name


@pytest.mark.parametrize(
    "text",
    [
        "和平里2号楼3单元602",  # ours
        "阳光花圆5号楼1单元302",  # ours misspelt by one character
        "阳光小区5号楼1单元302",  # ours with 小区 for its ending
        "我们这个小区暖气不热",  # 个小区 is no name
        "隔壁小区停暖了吗",
        "整个小区都不热",
        "3号楼2单元501",
        "家里暖气不热",
        "我在医院 暖气不热",
        # the parser guesses a name in these; none is said as a place (CI set: ang-007, eld-026,
        # eld-027, hld-021 lost their repairs to the first rule)
        "上午十点以后店里都有人",
        "明天上午吧 上午我都在家 下午我要去医院拿药",
        "您受累 我家暖气片上头凉下头热 邻居说是有气儿 得放放 我自个儿不敢弄",
        "打店里座机吧 010-6234 5678 转 8021",
        "我在公司里",
        "和平里17号楼底商 美发店",
    ],
)
def test_no_unserved_community_in_these(text: str) -> None:
    assert unserved_community(text, SERVED) is None


def test_nothing_is_unserved_without_the_served_list() -> None:
    assert unserved_community("碧桂园3号楼1单元201", []) is None


def _repair_address(text: str, intent: str = "inform") -> Any:
    return tracker(
        user_turn("暖气不热要报修", "report_repair", message_id="a"),
        {"event": "slot", "name": "requested_slot", "value": "address"},
        user_turn(text, intent, message_id="b"),
        slots={"fault_type": "no_heat", "requested_slot": "address"},
        slot_events={"address": text},
        active_loop="repair_form",
    )


@pytest.mark.parametrize(
    "text",
    [
        "碧桂园3号楼1单元201",  # the player's
        "万科城2号楼1单元301",  # the player's
        "我家是融创府5号楼2单元1102",
        "保利花园小区2栋1门101",
    ],
)
async def test_a_repair_in_an_unserved_community_ends_with_nothing_booked(
    domain: dict[str, Any], text: str
) -> None:
    dispatcher = CollectingDispatcher()
    events = await ValidateRepairForm().run(dispatcher, _repair_address(text), domain)
    answer = said(dispatcher, NOT_SERVED)
    assert "阳光花园" in answer["served"] and answer["near"] == ""
    assert has_event(events, "active_loop", None)
    assert slot_values(events).get("address") is None


async def test_a_temp_check_in_an_unserved_community_ends_too(domain: dict[str, Any]) -> None:
    dispatcher = CollectingDispatcher()
    t = tracker(
        user_turn("我住保利花园，想申请测温", "request_temp_check"),
        slot_events={"address": "保利花园"},
        active_loop="temp_check_form",
    )
    events = await ValidateTempCheckForm().run(dispatcher, t, domain)
    assert NOT_SERVED in texts(dispatcher)
    assert has_event(events, "active_loop", None)


async def test_a_served_name_spelt_close_is_asked_back_and_a_yes_takes_it(
    domain: dict[str, Any],
) -> None:
    dispatcher = CollectingDispatcher()
    events = await ValidateRepairForm().run(
        dispatcher, _repair_address("幸福家园3号楼1单元201"), domain
    )
    assert said(dispatcher, NOT_SERVED)["near"] == "您说的是不是“幸福里小区”？"
    assert not has_event(events, "active_loop", None)
    assert slot_values(events)["address"] is None
    asked_back = {"event": "bot", "text": "…", "metadata": {"utter_action": NOT_SERVED}}
    yes = tracker(
        user_turn("暖气不热要报修", "report_repair", message_id="a"),
        {"event": "slot", "name": "requested_slot", "value": "address"},
        user_turn("幸福家园3号楼1单元201", message_id="b"),
        asked_back,
        user_turn("对", "affirm", message_id="c"),
        slots={"fault_type": "no_heat", "requested_slot": "address"},
        active_loop="repair_form",
    )
    taken = await ValidateRepairForm().extract_address(CollectingDispatcher(), yes, domain)
    assert taken == {"address": "幸福里小区3号楼1单元201"}


@pytest.mark.parametrize(
    "text", ["和平里2号楼3单元602", "阳光花圆5号楼1单元302", "我们这个小区的5号楼1单元302"]
)
async def test_served_homes_are_booked_as_before(domain: dict[str, Any], text: str) -> None:
    dispatcher = CollectingDispatcher()
    events = await ValidateRepairForm().run(dispatcher, _repair_address(text), domain)
    assert NOT_SERVED not in texts(dispatcher)
    assert not has_event(events, "active_loop", None)


@pytest.mark.parametrize(
    "text",
    [
        "你好，万科城的暖气归你们管吗",  # the player's: got the complaint channels
        "我家在碧桂园，暖气费多少钱一平",  # the player's: got the price
        "融创府的供暖是你们公司负责吗",
        "请问一下保利花园小区是不是你们供暖",
        "我们碧桂园的暖气费在哪交",
    ],
)
async def test_a_question_about_an_unserved_place_is_told_it_is_not_ours(
    domain: dict[str, Any], text: str
) -> None:
    dispatcher = CollectingDispatcher()
    turn = kb_turn(text, "faq", [("heating_price", 0.9)])
    assert await ActionAnswerFaq().run(dispatcher, tracker(turn), domain) == []
    assert texts(dispatcher) == [NOT_SERVED]
    assert "翠湖苑" in said(dispatcher, NOT_SERVED)["served"]


@pytest.mark.parametrize("text", ["暖气费多少钱一平", "我家在阳光花园，暖气费多少钱一平"])
async def test_a_question_about_a_served_place_is_answered(
    domain: dict[str, Any], text: str
) -> None:
    dispatcher = CollectingDispatcher()
    turn = kb_turn(text, "faq", [("heating_price", 0.9)])
    await ActionAnswerFaq().run(dispatcher, tracker(turn), domain)
    assert NOT_SERVED not in texts(dispatcher)


# --- F: what a complaint keeps and how it is classed ---------------------------------------


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("我要投诉你们的维修师傅，昨天来了态度特别差，还要我给红包", "服务态度"),  # player's
        ("你们什么破公司！交了钱暖气还是凉的，投诉！", "室温不达标"),  # player's
        ("我家楼下的邻居把暖气管改了，导致我们家不热", "室温不达标"),  # player's
        ("维修师傅态度不好", "服务态度"),
        ("师傅来修的时候让我给他包个红包", "服务态度"),
        ("修暖气的人管我要好处费，不给就不修", "服务态度"),
        ("钱都交了屋里冰冰凉", "室温不达标"),
        ("交完暖气费家里还是没暖气", "室温不达标"),
        # look-alikes that keep their class
        ("我要投诉,报修3天了没人来,暖气还是不热", "维修不及时"),
        ("报修三天没人来，白交钱了", "维修不及时"),
        ("你们收费太贵了，我要投诉", "收费问题"),
        ("多收了我钱", "收费问题"),
    ],
)
def test_a_complaint_is_classed_by_what_went_wrong(text: str, category: str) -> None:
    assert complaint_category_of(text) == category


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("和平里2号楼3单元602，暖气一直不热，打电话也没人管", "暖气一直不热，打电话也没人管"),
        # the resident's own words beside an address, not their canonical form (三天, ，)
        (
            "维修师傅三天都没来，打电话也没人管 东风新村3号楼2单元501",
            "维修师傅三天都没来，打电话也没人管",
        ),
        ("东风新村3号楼2单元501，师傅说了十二点来，到现在也没影", "师傅说了十二点来，到现在也没影"),
        ("和平里10号楼2单元101", ""),
        ("东风新村4号楼1单元502", ""),
        ("我家在阳光花园5号楼1单元302 13812345678", ""),
        ("地址是翠湖苑3号楼2单元1201", ""),
        ("住在二号楼三单元五零一，师傅态度太差", "师傅态度太差"),
        ("13812345678", ""),
    ],
)
def test_the_words_of_a_complaint_leave_out_address_and_phone(text: str, words: str) -> None:
    assert complaint_words(text, SERVED) == words


def _complaint(*turns: dict[str, Any], slots: dict[str, Any], slot_events: dict[str, Any]) -> Any:
    return tracker(
        *turns,
        slots={**slots},
        slot_events=slot_events,
        active_loop="complaint_form",
    )


@pytest.mark.parametrize(
    ("opening", "address"),
    [
        ("你们收费太贵了，我要投诉", "和平里10号楼2单元101"),  # the player's
        ("暖气费涨价了我要投诉", "阳光花园3号楼1单元102"),
        ("投诉你们客服态度差", "东风新村7号楼1单元401"),
        ("我要投诉滞纳金", "我家是翠湖苑2号楼1单元101"),
    ],
)
async def test_an_address_where_the_account_was_asked_is_not_the_account(
    domain: dict[str, Any], opening: str, address: str
) -> None:
    dispatcher = CollectingDispatcher()
    t = _complaint(
        user_turn(opening, "file_complaint", message_id="a"),
        {"event": "slot", "name": "requested_slot", "value": "complaint_text"},
        user_turn(address, "inform", message_id="b"),
        slots={
            "complaint_category": complaint_category_of(opening),
            "requested_slot": "complaint_text",
        },
        slot_events={"complaint_text": address, "address": address},
    )
    events = await ValidateComplaintForm().run(dispatcher, t, domain)
    account = slot_values(events)["complaint_text"]
    assert account and address not in account and opening.replace("，", ",")[:4] in account


async def test_a_bare_address_with_nothing_told_asks_again(domain: dict[str, Any]) -> None:
    t = _complaint(
        user_turn("我要投诉", "file_complaint", message_id="a"),
        {"event": "slot", "name": "requested_slot", "value": "complaint_text"},
        user_turn("和平里10号楼2单元101", "inform", message_id="b"),
        slots={"complaint_category": "其他", "requested_slot": "complaint_text"},
        slot_events={"complaint_text": "和平里10号楼2单元101"},
    )
    events = await ValidateComplaintForm().run(CollectingDispatcher(), t, domain)
    assert slot_values(events)["complaint_text"] is None


@pytest.mark.parametrize(
    ("story", "address"),
    [
        ("我家楼下的邻居把暖气管改了，导致我们家不热，你们管不管", "东风新村4号楼1单元502"),
        ("楼上装修把我家暖气立管截断了，现在屋里冰凉", "和平里3号楼2单元401"),
        ("物业把我们单元的暖气阀门关了说是欠费，我们都交了", "阳光花园2号楼1单元101"),
    ],
)
async def test_a_complaint_about_what_was_just_told_keeps_that_story(
    domain: dict[str, Any], story: str, address: str
) -> None:
    start = _complaint(
        user_turn(story, "report_repair", message_id="a"),
        user_turn("投诉他", "file_complaint", message_id="b"),
        slots={},
        slot_events={},
    )
    events = await ValidateComplaintForm().run(CollectingDispatcher(), start, domain)
    values = slot_values(events)
    assert story[:6] in values["complaint_text"] and "投诉他" in values["complaint_text"]
    # the address sent where the category was asked is no story: the category is the story's
    asked = _complaint(
        user_turn(story, "report_repair", message_id="a"),
        user_turn("投诉他", "file_complaint", message_id="b"),
        {"event": "slot", "name": "requested_slot", "value": "complaint_category"},
        user_turn(address, "inform", message_id="c"),
        slots={"complaint_text": values["complaint_text"], "requested_slot": "complaint_category"},
        slot_events={"complaint_category": address, "address": address},
    )
    events = await ValidateComplaintForm().run(CollectingDispatcher(), asked, domain)
    assert slot_values(events)["complaint_category"] == complaint_category_of(story)
    assert slot_values(events).get("complaint_text", values["complaint_text"]) != address


@pytest.mark.parametrize(
    ("address_and_more", "more"),
    [
        ("和平里2号楼3单元602，暖气一直不热，打电话也没人管", "暖气一直不热，打电话也没人管"),
        ("阳光花园5号楼1单元302 家里才14度 老人冻病了", "家里才14度，老人冻病了"),
        ("东风新村8号楼1单元201，上周就报过修了", "上周就报过修了"),
    ],
)
async def test_words_sent_with_the_address_go_into_the_account(
    domain: dict[str, Any], address_and_more: str, more: str
) -> None:
    held = "你们什么破公司！交了钱暖气还是凉的，投诉！"
    t = _complaint(
        user_turn(held, "file_complaint", message_id="a"),
        {"event": "slot", "name": "requested_slot", "value": "address"},
        user_turn(address_and_more, "inform", message_id="b"),
        slots={
            "complaint_text": held,
            "complaint_category": "室温不达标",
            "requested_slot": "address",
        },
        slot_events={"address": address_and_more},
    )
    events = await ValidateComplaintForm().run(CollectingDispatcher(), t, domain)
    assert slot_values(events)["complaint_text"] == f"{held}；{more}"


async def test_a_cold_home_complaint_is_filed_with_its_account_and_offers_the_repair(
    store: str, domain: dict[str, Any]
) -> None:
    dispatcher = CollectingDispatcher()
    account = "你们什么破公司!交了钱暖气还是凉的,投诉!；暖气一直不热,打电话也没人管"
    t = tracker(
        user_turn("你们什么破公司！交了钱暖气还是凉的，投诉！", "file_complaint", message_id="a"),
        user_turn("和平里2号楼3单元602，暖气一直不热，打电话也没人管", message_id="b"),
        user_turn("对", "affirm", message_id="c"),
        slots={
            "complaint_text": account,
            "complaint_category": "室温不达标",
            "address": "和平里2号楼3单元602",
            "phone": "13400004444",
            "details_confirmed": True,
        },
    )
    events = await ActionSubmitComplaint().run(dispatcher, t, domain)
    ticket_no = said(dispatcher, "utter_complaint_created")["ticket_no"]
    with session_scope(store) as session:
        ticket = session.query(Ticket).filter_by(ticket_no=ticket_no).one()
        assert (ticket.category, ticket.description) == ("室温不达标", account)
    # offered as a suggestion: the resident never said 报修 (players' p3-084)
    assert "utter_offer_repair_for_cold" in texts(dispatcher)
    assert "utter_offer_second_request" not in texts(dispatcher)
    assert slot_values(events)["pending"] == "repair"


async def test_a_fee_complaint_offers_no_repair(store: str, domain: dict[str, Any]) -> None:
    dispatcher = CollectingDispatcher()
    t = tracker(
        user_turn("你们收费太贵了，我要投诉", "file_complaint", message_id="a"),
        user_turn("对", "affirm", message_id="c"),
        slots={
            "complaint_text": "你们收费太贵了,我要投诉",
            "complaint_category": "收费问题",
            "address": "和平里10号楼2单元101",
            "phone": "13522223333",
            "details_confirmed": True,
        },
    )
    await ActionSubmitComplaint().run(dispatcher, t, domain)
    assert "utter_offer_second_request" not in texts(dispatcher)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        # a correction of the address is no more of the story
        ("东风新村4号楼1单元 不对 是3单元502", ""),
        ("和平里2号楼 说错了 3号楼", ""),
        # a community named in the story stays in the resident's words
        ("我要投诉你们东风新村那个收费的 态度太横了", "我要投诉你们东风新村那个收费的 态度太横了"),
        ("我家在和平里", ""),
    ],
)
def test_corrections_and_places_in_the_story(text: str, words: str) -> None:
    assert complaint_words(text, SERVED) == words
