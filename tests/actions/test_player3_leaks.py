"""Player findings 3, classes A and B (docs/dialogue.md): a leak said to wait after the urgent
path becomes an ordinary leak repair with a visit window, and is urgent again when it gets worse;
an emergency in a community the company does not serve gets the advice and whom to call, no crew
and no ticket."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.emergency import ActionEmergency
from actions.leak_can_wait import seep_described
from actions.repair import ActionSubmitRepair, ValidateRepairForm
from bot.nlu.emergency import detect_emergency
from bot.policy import load_policy
from bot.services import tickets as ticket_service
from bot.store.db import session_scope
from bot.store.models import Ticket
from bot.store.tickets import TicketDraft

from .conftest import NOW, has_event, said, slot_values, texts, tracker, user_turn

#: The urgent answer the conversation heard when the leak was first reported.
WATER_TOLD = {
    "event": "bot",
    "text": "情况紧急…",
    "metadata": {"utter_action": "utter_emergency_water"},
}
GAS_TOLD = {"event": "bot", "text": "燃气…", "metadata": {"utter_action": "utter_emergency_gas"}}
FIRST = "我家暖气片接口那漏水了，滴滴答答的"
SEEP = "暖气片底下有点潮 渗了点水 擦干净又有 不多"  # the player's (p3-104)


def _turn(text: str, intent: str = "inform", message_id: str = "m2") -> dict[str, Any]:
    """A user turn, marked as Rasa marks it when the detector finds an emergency in it."""
    turn = user_turn(text, intent, message_id=message_id)
    found = detect_emergency(text)
    if found is not None:
        turn["parse_data"]["emergency"] = found.as_dict()
    return turn


def _urgent(store: str, description: str = f"【紧急：漏水/爆管/冒汽】{FIRST}") -> str:
    with session_scope(store) as session:
        draft = TicketDraft(
            kind="BX", channel="rest", sender_id="tester", urgent=True, fault_type="leak",
            description=description,
        )  # fmt: skip
        return ticket_service.open_ticket(session, load_policy(), draft, NOW).ticket_no


def _ticket(store: str, number: str) -> Ticket:
    with session_scope(store) as session:
        row = session.query(Ticket).filter_by(ticket_no=number).one()
        session.expunge_all()
        return row


def _tickets(store: str) -> list[Ticket]:
    with session_scope(store) as session:
        rows = session.query(Ticket).filter_by(sender_id="tester").all()
        session.expunge_all()
        return rows


# --- A: a leak said to wait after the urgent path ---


async def _reply(
    domain: dict[str, Any], dispatcher: CollectingDispatcher, number: str, text: str
) -> list[dict[str, Any]]:
    """The resident's reply after the urgent path: the emergency action when the detector marks
    it (the safety net runs it first), else the repair form that asks the address."""
    turn = _turn(text)
    action = ActionEmergency() if "emergency" in turn["parse_data"] else ValidateRepairForm()
    return await action.run(
        dispatcher,
        tracker(
            _turn(FIRST, "report_repair", "m1"),
            WATER_TOLD,
            turn,
            slots={"fault_type": "leak", "urgent_ticket_no": number, "requested_slot": "address"},
            active_loop="repair_form",
        ),
        domain,
    )


@pytest.mark.parametrize(
    "text",
    [
        "不是 没那么严重 就是滴水 一分钟滴几滴 用不着抢修吧",  # the player's (p3-002)
        "啥紧急啊 就是接口那有点渗水 慢慢滴",  # the player's (p3-037)
        "把那个紧急单子取消了 给我约个普通维修 就是接口渗水",
        "没那么急 好几分钟才掉一滴 约个普通维修就行",
        "别派抢修了 就一点点水 慢慢渗的",
    ],
)
async def test_a_reply_that_says_it_can_wait_makes_the_ticket_ordinary(
    store: str, domain: dict[str, Any], text: str
) -> None:
    number = _urgent(store)
    dispatcher = CollectingDispatcher()
    events = await _reply(domain, dispatcher, number, text)
    assert texts(dispatcher) == ["utter_leak_made_ordinary"]  # no emergency script again
    assert said(dispatcher, "utter_leak_made_ordinary")["ticket_no"] == number
    slots = slot_values(events)
    assert slots["urgent_ticket_no"] is None and slots["leak_ticket_no"] == number
    ticket = _ticket(store, number)
    assert not ticket.urgent and ticket.status == "new"
    assert "不紧急" in str(ticket.description)  # the duty team reads why
    assert len(_tickets(store)) == 1


async def test_an_unmarked_reply_in_the_form_makes_it_ordinary_without_a_cold_apology(
    store: str, domain: dict[str, Any]
) -> None:
    """我说了不紧急！！就滴几滴 你听不懂吗 got "非常抱歉让您受冻" and the address error."""
    number = _urgent(store)
    dispatcher = CollectingDispatcher()
    text = "我说了不紧急！！就滴几滴 你听不懂吗"
    events = await ValidateRepairForm().run(
        dispatcher,
        tracker(
            _turn(FIRST, "report_repair", "m1"),
            WATER_TOLD,
            _turn(text, "complain"),
            slots={"fault_type": "leak", "urgent_ticket_no": number, "requested_slot": "address"},
            slot_events={"address": text},
            active_loop="repair_form",
        ),
        domain,
    )
    assert "utter_leak_made_ordinary" in texts(dispatcher)
    assert "utter_apology_upset" not in texts(dispatcher)  # 受冻 is no leak's
    slots = slot_values(events)
    assert slots["leak_ticket_no"] == number and slots["address"] is None
    assert not _ticket(store, number).urgent


@pytest.mark.parametrize(
    "text",
    [
        "越滴越多了 盆都接不过来",
        "不是滴几滴 现在是喷水",
        "哪是一点点 地上全是水",
        "漏到楼下了 不急是假的",
    ],
)
async def test_a_leak_in_force_after_the_urgent_path_stays_urgent(
    store: str, domain: dict[str, Any], text: str
) -> None:
    number = _urgent(store)
    dispatcher = CollectingDispatcher()
    events = await _reply(domain, dispatcher, number, text)
    assert "utter_leak_made_ordinary" not in texts(dispatcher)
    assert slot_values(events).get("urgent_ticket_no", number) == number
    assert _ticket(store, number).urgent


async def test_someone_unwell_is_never_made_ordinary(store: str, domain: dict[str, Any]) -> None:
    """不急 after a gas answer is no leak that can wait."""
    number = _urgent(store, "【紧急：疑似燃气味/烧焦/冒烟】")
    dispatcher = CollectingDispatcher()
    await ValidateRepairForm().run(
        dispatcher,
        tracker(
            _turn("暖气片那边有股煤气味", "report_repair", "m1"),
            GAS_TOLD,
            _turn("不急 就是有点渗水"),
            slots={"fault_type": "leak", "urgent_ticket_no": number, "requested_slot": "address"},
            active_loop="repair_form",
        ),
        domain,
    )
    assert "utter_leak_made_ordinary" not in texts(dispatcher)
    assert _ticket(store, number).urgent


async def test_the_leak_told_again_after_it_was_said_to_wait_is_no_new_emergency(
    store: str, domain: dict[str, Any]
) -> None:
    number = _urgent(store)
    with session_scope(store) as session:
        ticket_service.amend_ticket(session, number, NOW, "user:rest", None, urgent=False)
    dispatcher = CollectingDispatcher()
    await ActionEmergency().run(
        dispatcher,
        tracker(
            _turn(FIRST, "report_repair", "m1"),
            WATER_TOLD,
            _turn("就是接口那渗水 你们下午来吧"),
            slots={"fault_type": "leak", "leak_ticket_no": number, "requested_slot": "visit_time"},
            active_loop="repair_form",
        ),
        domain,
    )
    assert texts(dispatcher) == ["utter_leak_still_ordinary"]
    assert len(_tickets(store)) == 1 and not _ticket(store, number).urgent


@pytest.mark.parametrize("text", ["越滴越多了", "止不住了 怎么办", "现在开始喷了"])
async def test_a_leak_said_to_wait_getting_worse_is_urgent_again(
    store: str, domain: dict[str, Any], text: str
) -> None:
    number = _urgent(store)
    with session_scope(store) as session:
        ticket_service.amend_ticket(session, number, NOW, "user:rest", None, urgent=False)
    dispatcher = CollectingDispatcher()
    events = await ActionEmergency().run(
        dispatcher,
        tracker(
            _turn(FIRST, "report_repair", "m1"),
            WATER_TOLD,
            _turn(text),
            slots={"fault_type": "leak", "leak_ticket_no": number, "requested_slot": "visit_time"},
            active_loop="repair_form",
        ),
        domain,
    )
    assert texts(dispatcher)[0] == "utter_emergency_water_again"
    slots = slot_values(events)
    assert slots["urgent_ticket_no"] == number and slots["leak_ticket_no"] is None
    assert _ticket(store, number).urgent and len(_tickets(store)) == 1


async def test_the_visit_is_booked_on_the_ticket_the_leak_became(
    store: str, domain: dict[str, Any]
) -> None:
    number = _urgent(store)
    with session_scope(store) as session:
        ticket_service.amend_ticket(session, number, NOW, "user:rest", None, urgent=False)
    dispatcher = CollectingDispatcher()
    events = await ActionSubmitRepair().run(
        dispatcher,
        tracker(
            _turn("对", "affirm"),
            slots={
                "fault_type": "leak",
                "leak_ticket_no": number,
                "address": "阳光花园5号楼1单元302",
                "phone": "13911220456",
                "visit_time": "2026-11-28T13:00:00+08:00/2026-11-28T18:00:00+08:00",
                "details_confirmed": True,
            },
        ),
        domain,
    )
    assert said(dispatcher, "utter_repair_created")["ticket_no"] == number
    ticket = _ticket(store, number)
    assert not ticket.urgent and ticket.visit_start is not None and ticket.phone == "13911220456"
    assert ticket.community == "阳光花园"
    # the fix is promised after the booked visit, not an hour after the report (the leak rule)
    assert ticket.visit_end is not None and ticket.resolve_due is not None
    assert ticket.resolve_due >= ticket.visit_end and ticket.on_site_due is None
    assert slot_values(events)["leak_ticket_no"] is None
    assert len(_tickets(store)) == 1


# --- A: the button 漏水/跑水 after a seep was described ---


def _asked_fault(answer: dict[str, Any], first: str) -> Any:
    return tracker(
        user_turn(first, "report_repair", message_id="m1"),
        {"event": "slot", "name": "requested_slot", "value": "fault_type"},
        {"event": "bot", "text": "请问…", "metadata": {"utter_action": "utter_ask_fault_type"}},
        answer,
        slots={"requested_slot": "fault_type"},
        active_loop="repair_form",
    )


@pytest.mark.parametrize(
    ("first", "answer"),
    [
        ("暖气片底下有点潮 渗了点水 擦干净又有 不多", "漏水/跑水"),  # the player's (p3-104)
        ("暖气片下面有点湿 擦了又有 不多", "漏水"),
        ("暖气管接头那块一直潮潮的", '/inform{"fault_type":"leak"}'),
        ("地板上暖气片那总有一小片湿的", "2"),
    ],
)
def test_the_leak_button_after_a_seep_is_its_category(first: str, answer: str) -> None:
    assert detect_emergency(first) is None, first
    assert seep_described(_asked_fault(user_turn(answer, message_id="m2"), first))


@pytest.mark.parametrize(
    ("first", "answer"),
    [
        ("暖气出问题了 报修", "漏水/跑水"),  # nothing of water told: a leak reported now
        ("暖气片底下有点潮", "漏水了 水哗哗的"),  # more than the category
        ("暖气片接口爆了 水往外喷", "漏水"),  # an emergency told before
    ],
)
def test_a_leak_reported_at_the_fault_question_is_no_seep(first: str, answer: str) -> None:
    assert not seep_described(_asked_fault(user_turn(answer, message_id="m2"), first))


async def test_the_leak_button_after_a_seep_opens_no_urgent_ticket(
    store: str, domain: dict[str, Any]
) -> None:
    dispatcher = CollectingDispatcher()
    answer = _turn("漏水/跑水")
    events = await ActionEmergency().run(dispatcher, _asked_fault(answer, SEEP), domain)
    assert "utter_emergency_water" not in texts(dispatcher)
    assert slot_values(events)["fault_type"] == "leak"
    assert has_event(events, "followup", "repair_form")
    dispatcher = CollectingDispatcher()
    await ValidateRepairForm().run(
        dispatcher,
        tracker(
            user_turn(SEEP, "report_repair", message_id="m1"),
            {"event": "slot", "name": "requested_slot", "value": "fault_type"},
            user_turn("漏水/跑水", message_id="m2"),
            slots={"requested_slot": "fault_type"},
            slot_events={"fault_type": "leak"},
            active_loop="repair_form",
        ),
        domain,
    )
    assert "utter_leak_urgent" not in texts(dispatcher)
    assert _tickets(store) == []


# --- B: an emergency in a community the company does not serve ---


@pytest.mark.parametrize(
    "text",
    [
        "万科城5号楼暖气漏水了",  # the player's (p3-034)
        "碧桂园3号楼1单元201 暖气管子爆了 水哗哗的",
        "我家住万科城 暖气片接口呲水呢 地上全是水",
        "恒大名都8号楼暖气漏水 楼道里都是水",
    ],
)
async def test_an_emergency_where_we_do_not_serve_gets_whom_to_call_and_no_ticket(
    store: str, domain: dict[str, Any], text: str
) -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionEmergency().run(dispatcher, tracker(_turn(text, "report_repair")), domain)
    assert texts(dispatcher)[0] == "utter_emergency_water"  # the safety advice first, as ever
    told = said(dispatcher, "utter_emergency_not_served")
    assert told["police_phone"] == "110" and "没有" in told["ticket_note"]
    assert _tickets(store) == []
    assert not has_event(events, "followup", "repair_form")


@pytest.mark.parametrize(
    "text",
    [
        "阳光花园5号楼暖气漏水了",  # ours
        "阳光花苑5号楼暖气漏水了",  # ours, spelt close: the duty team sorts it out
        "暖气片漏水了 水哗哗的",  # no place named
    ],
)
async def test_an_emergency_at_home_or_unsure_keeps_its_urgent_ticket(
    store: str, domain: dict[str, Any], text: str
) -> None:
    dispatcher = CollectingDispatcher()
    await ActionEmergency().run(dispatcher, tracker(_turn(text, "report_repair")), domain)
    assert "utter_emergency_not_served" not in texts(dispatcher)
    (ticket,) = _tickets(store)
    assert ticket.urgent


@pytest.mark.parametrize(
    "text",
    [
        "我是万科城的 你们不管是吧 那这工单算啥",  # the player's (p3-034)
        "万科城7号楼2单元502",
        "我们小区是万科城 是不是不归你们管",
    ],
)
async def test_an_urgent_ticket_whose_home_is_not_ours_is_withdrawn(
    store: str, domain: dict[str, Any], text: str
) -> None:
    number = _urgent(store)
    dispatcher = CollectingDispatcher()
    events = await ValidateRepairForm().run(
        dispatcher,
        tracker(
            _turn(FIRST, "report_repair", "m1"),
            WATER_TOLD,
            _turn(text),
            slots={"fault_type": "leak", "urgent_ticket_no": number, "requested_slot": "address"},
            active_loop="repair_form",
        ),
        domain,
    )
    assert number in said(dispatcher, "utter_emergency_not_served")["ticket_note"]
    assert has_event(events, "active_loop", None)
    assert _ticket(store, number).status == "cancelled"


async def test_the_message_that_opened_the_urgent_path_is_not_its_own_correction(
    store: str, domain: dict[str, Any]
) -> None:
    """接口那漏水了 滴滴答答的 is the detector's to read: the repair form that runs after the
    urgent answer in the same turn does not take its 滴答 for "it can wait"."""
    number = _urgent(store)
    dispatcher = CollectingDispatcher()
    opened = tracker(
        _turn(f"{FIRST}，拿盆接着呢", "report_repair", "m1"),
        slots={"fault_type": "leak", "urgent_ticket_no": number},
        active_loop="repair_form",
    )
    opened.events.append(WATER_TOLD)  # the urgent answer of this very turn
    await ValidateRepairForm().run(dispatcher, opened, domain)
    assert "utter_leak_made_ordinary" not in texts(dispatcher)
    assert _ticket(store, number).urgent


async def test_it_can_wait_said_again_in_the_form_is_no_address(
    store: str, domain: dict[str, Any]
) -> None:
    dispatcher = CollectingDispatcher()
    text = "我都说了不紧急！！就滴几滴"
    events = await ValidateRepairForm().run(
        dispatcher,
        tracker(
            _turn(FIRST, "report_repair", "m1"),
            WATER_TOLD,
            _turn(text, "complain"),
            slots={"fault_type": "leak", "leak_ticket_no": "BX1", "requested_slot": "address"},
            slot_events={"address": "我都说了不紧急!! 就滴几滴"},  # as typed, not normalised
            active_loop="repair_form",
        ),
        domain,
    )
    assert "utter_leak_still_ordinary" in texts(dispatcher)
    assert slot_values(events)["address"] is None
    assert "utter_invalid_address" not in texts(dispatcher)
