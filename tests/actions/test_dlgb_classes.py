"""Player findings 2, classes B and J (docs/dialogue.md, "Player findings 2, classes B and J").

B: after the stop was told and "现在仍要登记报修吗？" asked (or "no stop here, may be in-home, want
a repair?"), what the resident sends next keeps to the thread: a no is final (a phone after it
starts no repair), 那好吧，恢复后还不热再说 is a no, a flat after the question is a yes at the
whole address told, a building alone asks again, and a whole building cold where nothing is
stopped is filed as a building fault, urgent, with the duty line.

J: a 报停 proved by its 户号 is warned that this winter's deadline has passed and read back
before it is filed, as by address.

The players' wordings and wordings of our own each, and look-alikes that must not change."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.account import ActionAfterVerification, ValidateVerifyForm
from actions.building_fault import BUILDING_FAULT, BUILDING_NOTE
from actions.conversation import ActionHandleInform, ActionHandleYesNo
from actions.outage import ActionQueryOutage
from actions.readback import ActionAskDetailsConfirmed
from actions.repair import ActionSubmitRepair, ValidateRepairForm
from bot.nlu.faults import whole_building_cold
from bot.nlu.requests import declines_visit
from bot.store.db import session_scope
from bot.store.models import Ticket

from .conftest import has_event, said, slot_values, texts, tracker, user_turn

AFTER_OUTAGE = "repair_after_outage"
DECLINED = "utter_outage_repair_declined"
ASK_AGAIN = "utter_outage_repair_ask_again"


def _bot(response: str, text: str = "…") -> dict[str, Any]:
    return {"event": "bot", "text": text, "metadata": {"utter_action": response}}


def _pending(value: str | None) -> dict[str, Any]:
    return {"event": "slot", "name": "pending", "value": value}


def _after_stop_offer(first: str, answer: str, intent: str, *between: dict[str, Any]) -> Any:
    """The resident told a cold home in 幸福里 (`first`), heard the stop and the offer, and
    answered `answer`."""
    return tracker(
        user_turn(first, "report_repair", message_id="first"),
        *between,
        _bot("utter_outage_found", "幸福里小区抢修停热：主管线爆管抢修。"),
        _bot("utter_outage_repair_offer", "现在仍要登记报修吗？"),
        _pending(AFTER_OUTAGE),
        user_turn(answer, intent, message_id="answer"),
        slots={"pending": AFTER_OUTAGE},
    )


# ---------------------------------------------------------------- B: the words themselves


@pytest.mark.parametrize(
    "text",
    [
        "那好吧，恢复后还不热再说",  # the players'
        "等来暖了再看吧",
        "行 先等抢修完吧",
        "恢复供暖以后还冷的话我再找你们",
        "那我等修好了再说",
    ],
)
def test_waiting_for_the_heat_declines_the_visit(text: str) -> None:
    assert declines_visit(text)


@pytest.mark.parametrize(
    "text",
    [
        "恢复了吗",
        "什么时候恢复",
        "我想等恢复以后再约时间",  # a later visit, not a no
        "明天下午再来吧",
        "仍要报修",
        "好的 报修吧",
        "等师傅来了再说",
        "暖气修好了吗",
        "那等修好了通知我吧",  # asks to be told (tests/nlu), not a no
        "爆管那个我等着 阀门的事先给我登记上吧 来热了再修",  # a repair for later (tests/dialogue)
    ],
)
def test_look_alikes_of_waiting_are_no_decline(text: str) -> None:
    assert not declines_visit(text)


@pytest.mark.parametrize(
    "text",
    [
        "我们整栋楼都不热，和平里13号楼",  # the players'
        "整栋楼暖气都凉了",
        "全楼都没暖气",
        "楼上楼下邻居家也都不热",
        "好几家都不热了，问了都一样",
        "我们这栋楼暖气全凉了",
    ],
)
def test_a_whole_building_cold_is_told(text: str) -> None:
    assert whole_building_cold(text)


@pytest.mark.parametrize(
    "text",
    [
        "就我家不热，邻居家都挺热的",
        "邻居家都热乎乎的，就我家凉",
        "整栋楼都有一股味道",
        "整栋楼都停水了",
        "我家暖气不热",
        "楼上邻居家漏水了",
        "别人家都挺暖和 我家冰凉",
    ],
)
def test_one_home_cold_or_a_building_without_cold_is_not(text: str) -> None:
    assert not whole_building_cold(text)


# ---------------------------------------------------------------- B: a no is final


@pytest.mark.parametrize(
    ("answer", "intent"),
    [
        ("不用了", "deny"),  # the players'
        ("那好吧，恢复后还不热再说", "affirm"),  # the players', read as a yes before
        ("行吧 等来暖了再看吧", "affirm"),
        ("算了 恢复供暖以后还冷我再找你们", "deny"),
        ("好 那我等修好了再说", "affirm"),
    ],
)
async def test_a_no_to_the_offer_after_the_stop_books_nothing_and_ends_the_request(
    domain: dict[str, Any], answer: str, intent: str
) -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionHandleYesNo().run(
        dispatcher, _after_stop_offer("幸福里8号楼1单元202暖气凉了", answer, intent), domain
    )
    assert DECLINED in texts(dispatcher)
    assert "utter_anything_else" not in texts(dispatcher)
    assert not has_event(events, "followup", "repair_form")
    assert slot_values(events)["pending"] is None


@pytest.mark.parametrize(
    "details", ["13700006666", "137 0000 6666", "1单元301", "明天上午", "幸福里8号楼1单元202"]
)
async def test_details_after_the_no_start_no_repair(domain: dict[str, Any], details: str) -> None:
    t = tracker(
        user_turn("幸福里8号楼1单元202暖气凉了", "report_repair", message_id="first"),
        _bot("utter_outage_found"),
        _bot("utter_outage_repair_offer"),
        _pending(AFTER_OUTAGE),
        user_turn("不用了", "deny", message_id="no"),
        _bot(DECLINED),
        _pending(None),
        user_turn(details, "inform", message_id="details"),
    )
    dispatcher = CollectingDispatcher()
    events = await ActionHandleInform().run(dispatcher, t, domain)
    assert not has_event(events, "followup", "repair_form")


@pytest.mark.parametrize(
    ("answer", "intent"), [("仍要报修", "affirm"), ("要 还是来看看吧", "affirm")]
)
async def test_a_yes_to_the_offer_still_books(
    domain: dict[str, Any], answer: str, intent: str
) -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionHandleYesNo().run(
        dispatcher, _after_stop_offer("幸福里8号楼1单元202暖气凉了", answer, intent), domain
    )
    assert has_event(events, "followup", "repair_form")
    assert slot_values(events)["address"] == "幸福里小区8号楼1单元202"
    assert DECLINED not in texts(dispatcher)


@pytest.mark.parametrize(
    "answer",
    [
        "那好吧，恢复后还不热再说",  # the players', at the phone question
        "行吧 那等来暖了再说",
        "好吧 先等抢修完吧",
    ],
)
async def test_waiting_for_the_heat_inside_the_form_stops_it(
    domain: dict[str, Any], answer: str
) -> None:
    t = tracker(
        user_turn("幸福里", "inform", message_id="first"),
        _bot("utter_outage_repair_offer"),
        user_turn("3号楼2单元501", "inform", message_id="flat"),
        {"event": "active_loop", "name": "repair_form"},
        _bot("utter_ask_phone"),
        user_turn(answer, "affirm", message_id="answer"),
        slots={"requested_slot": "phone", "fault_type": "no_heat", "address": "幸福里小区3号楼"},
        active_loop="repair_form",
    )
    dispatcher = CollectingDispatcher()
    events = await ValidateRepairForm().run(dispatcher, t, domain)
    assert texts(dispatcher) == [DECLINED]
    assert has_event(events, "active_loop", None)


async def test_a_no_inside_the_form_without_a_stop_is_still_the_plain_stop(
    domain: dict[str, Any],
) -> None:
    t = tracker(
        user_turn("阳光花园5号楼1单元302暖气不热", "report_repair", message_id="first"),
        _bot("utter_ask_phone"),
        user_turn("先不报修了", "deny", message_id="answer"),
        slots={"requested_slot": "phone", "fault_type": "no_heat"},
        active_loop="repair_form",
    )
    dispatcher = CollectingDispatcher()
    await ValidateRepairForm().run(dispatcher, t, domain)
    assert texts(dispatcher) == ["utter_form_stopped"]


# ---------------------------------------------------------------- B: an address after the offer


@pytest.mark.parametrize(
    ("first", "answer", "home"),
    [
        ("幸福里小区北区12号楼，暖气冰凉", "1单元301", "幸福里小区12号楼1单元301"),  # the players'
        ("家里暖气不热 幸福里", "3号楼2单元501", "幸福里小区3号楼2单元501"),  # the players'
        ("幸福里8号楼暖气不热", "我家是2单元502", "幸福里小区8号楼2单元502"),
        ("幸福里 暖气凉了一晚上", "5号楼1单元101", "幸福里小区5号楼1单元101"),
        ("幸福里9号楼 屋里冰凉", "幸福里9号楼3单元602", "幸福里小区9号楼3单元602"),
    ],
)
async def test_a_flat_after_the_offer_is_a_yes_at_the_whole_address(
    domain: dict[str, Any], first: str, answer: str, home: str
) -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionHandleInform().run(
        dispatcher, _after_stop_offer(first, answer, "inform"), domain
    )
    assert has_event(events, "followup", "repair_form")
    values = slot_values(events)
    assert values["address"] == home and values["pending"] is None
    assert values.get("fault_type") == "no_heat"
    assert "utter_outage_found" not in texts(dispatcher)


@pytest.mark.parametrize(
    ("answer", "building"),
    [
        ("我住幸福里7栋", "幸福里小区7号楼"),  # the players'
        ("我家是幸福里12号楼", "幸福里小区12号楼"),
        ("7号楼", "幸福里小区7号楼"),
        ("幸福里小区三号楼", "幸福里小区3号楼"),
    ],
)
async def test_a_building_alone_after_the_offer_asks_again_for_the_yes_and_the_flat(
    domain: dict[str, Any], answer: str, building: str
) -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionHandleInform().run(
        dispatcher, _after_stop_offer("暖气怎么不热了 幸福里的", answer, "inform"), domain
    )
    assert texts(dispatcher) == [ASK_AGAIN]
    assert said(dispatcher, ASK_AGAIN)["address"] == building
    assert not has_event(events, "followup", "repair_form")
    # the offer stands (asked again), and no booking for a whole building
    assert slot_values(events) == {"address": None, "pending": AFTER_OUTAGE}


async def test_another_community_after_the_offer_is_still_asked_about(
    domain: dict[str, Any],
) -> None:
    dispatcher = CollectingDispatcher()
    await ActionHandleInform().run(
        dispatcher, _after_stop_offer("幸福里8号楼暖气不热", "那和平里呢", "inform"), domain
    )
    assert ASK_AGAIN not in texts(dispatcher)
    assert "utter_no_outage" in texts(dispatcher)


async def test_after_a_building_a_flat_at_the_address_question_keeps_the_building(
    domain: dict[str, Any],
) -> None:
    t = tracker(
        user_turn("暖气怎么不热了 幸福里的", "report_repair", message_id="first"),
        _bot("utter_outage_repair_offer"),
        user_turn("我住幸福里7栋", "inform", message_id="building"),
        _bot(ASK_AGAIN),
        user_turn("仍要报修", "affirm", message_id="yes"),
        {"event": "active_loop", "name": "repair_form"},
        _bot("utter_ask_address"),
        user_turn("1单元301", "inform", message_id="flat"),
        slots={"requested_slot": "address", "fault_type": "no_heat"},
        active_loop="repair_form",
        slot_events={"address": "1单元301"},
    )
    result = await ValidateRepairForm().validate_address(
        "1单元301", CollectingDispatcher(), t, domain
    )
    assert result["address"] == "幸福里小区7号楼1单元301"


# ---------------------------------------------------------------- B: a whole building cold


@pytest.mark.parametrize(
    "text",
    [
        "我们整栋楼都不热，和平里13号楼，是不是停暖了",  # the players'
        "和平里13号楼整栋楼暖气都凉了 是停暖了吗",
        "和平里停暖了吗 我们楼上楼下邻居家也都不热",
        "和平里13号楼好几家都不热了，是不是停了",
    ],
)
async def test_a_whole_building_cold_without_a_stop_is_a_building_fault(
    domain: dict[str, Any], text: str
) -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionQueryOutage().run(
        dispatcher, tracker(user_turn(text, "query_outage")), domain
    )
    assert texts(dispatcher)[:2] == ["utter_no_outage_here", BUILDING_FAULT]
    assert said(dispatcher, BUILDING_FAULT)["duty_phone"] == "400-000-0000"
    assert "utter_no_outage" not in texts(dispatcher)
    assert has_event(events, "followup", "repair_form")


async def test_one_home_cold_without_a_stop_is_still_offered_a_repair(
    domain: dict[str, Any],
) -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionQueryOutage().run(
        dispatcher,
        tracker(user_turn("和平里停暖了吗 就我家不热 邻居家都挺热", "query_outage")),
        domain,
    )
    assert texts(dispatcher) == ["utter_no_outage"]
    assert slot_values(events)["pending"] == "repair"


async def test_a_whole_building_cold_where_heating_is_stopped_is_the_stop(
    domain: dict[str, Any],
) -> None:
    dispatcher = CollectingDispatcher()
    t = tracker(
        user_turn("幸福里小区 整栋楼radiator都凉了", "report_repair"),
        active_loop="repair_form",
        slot_events={"fault_type": "no_heat"},
    )
    await ValidateRepairForm().run(dispatcher, t, domain)
    assert BUILDING_FAULT not in texts(dispatcher)
    assert "utter_outage_repair_offer" in texts(dispatcher)


@pytest.mark.parametrize(
    "text",
    ["我们整栋楼都不热，和平里13号楼", "和平里13号楼 全楼都没暖气", "东风新村4号楼 整个单元都不热"],
)
async def test_the_repair_form_tells_the_building_fault_once(
    domain: dict[str, Any], text: str
) -> None:
    dispatcher = CollectingDispatcher()
    t = tracker(
        user_turn(text, "report_repair"),
        active_loop="repair_form",
        slot_events={"fault_type": "no_heat"},
    )
    await ValidateRepairForm().run(dispatcher, t, domain)
    assert texts(dispatcher).count(BUILDING_FAULT) == 1


async def test_one_flat_cold_hears_no_building_fault(domain: dict[str, Any]) -> None:
    dispatcher = CollectingDispatcher()
    t = tracker(
        user_turn("和平里13号楼2单元301 暖气不热", "report_repair"),
        active_loop="repair_form",
        slot_events={"fault_type": "no_heat"},
    )
    await ValidateRepairForm().run(dispatcher, t, domain)
    assert BUILDING_FAULT not in texts(dispatcher)


async def test_the_building_fault_is_filed_urgent_without_a_visit_window(
    store: str, domain: dict[str, Any]
) -> None:
    events = [
        user_turn("我们整栋楼都不热，和平里13号楼，是不是停暖了", "query_outage", message_id="a"),
        _bot("utter_no_outage_here"),
        _bot(BUILDING_FAULT),
        {"event": "active_loop", "name": "repair_form"},
        user_turn("我家是2单元301", "inform", message_id="b"),
        user_turn("13566662222", "inform", message_id="c"),
        user_turn("对", "affirm", message_id="d"),
    ]
    slots = {
        "fault_type": "no_heat",
        "address": "和平里13号楼2单元301",
        "phone": "13566662222",
        "details_confirmed": True,
    }
    form = ValidateRepairForm()
    required = await form.required_slots(
        ["fault_type", "address", "phone", "visit_time", "details_confirmed"],
        CollectingDispatcher(),
        tracker(*events, slots=slots, active_loop="repair_form"),
        domain,
    )
    assert "visit_time" not in required
    dispatcher = CollectingDispatcher()
    await ActionSubmitRepair().run(dispatcher, tracker(*events, slots=slots), domain)
    ticket_no = said(dispatcher, "utter_repair_created")["ticket_no"]
    with session_scope(store) as session:
        ticket = session.query(Ticket).filter_by(ticket_no=ticket_no).one()
        assert ticket.urgent
        assert (ticket.description or "").startswith(BUILDING_NOTE)


async def test_an_ordinary_repair_is_not_urgent_and_asks_the_window(
    store: str, domain: dict[str, Any]
) -> None:
    events = [
        user_turn("和平里13号楼2单元301 暖气不热", "report_repair", message_id="a"),
        user_turn("13566662222", "inform", message_id="c"),
        user_turn("对", "affirm", message_id="d"),
    ]
    slots = {
        "fault_type": "no_heat",
        "address": "和平里13号楼2单元301",
        "phone": "13566662222",
        "details_confirmed": True,
    }
    required = await ValidateRepairForm().required_slots(
        ["fault_type", "address", "phone", "visit_time", "details_confirmed"],
        CollectingDispatcher(),
        tracker(*events, slots=slots, active_loop="repair_form"),
        domain,
    )
    assert "visit_time" in required
    dispatcher = CollectingDispatcher()
    await ActionSubmitRepair().run(dispatcher, tracker(*events, slots=slots), domain)
    ticket_no = said(dispatcher, "utter_repair_created")["ticket_no"]
    with session_scope(store) as session:
        assert not session.query(Ticket).filter_by(ticket_no=ticket_no).one().urgent


@pytest.mark.parametrize(
    ("first", "flat", "home"),
    [
        # the players'
        ("我们整栋楼都不热，和平里13号楼", "我家是2单元301", "和平里13号楼2单元301"),
        ("和平里2号楼暖气都不热", "1单元502", "和平里2号楼1单元502"),
        ("东风新村4号楼不热", "俺家3单元201", "东风新村4号楼3单元201"),
    ],
)
async def test_a_flat_after_the_repair_offer_completes_the_building_told(
    domain: dict[str, Any], first: str, flat: str, home: str
) -> None:
    t = tracker(
        user_turn(first, "query_outage", message_id="first"),
        _bot("utter_no_outage"),
        _pending("repair"),
        user_turn(flat, "inform", message_id="flat"),
        slots={"pending": "repair"},
    )
    dispatcher = CollectingDispatcher()
    events = await ActionHandleInform().run(dispatcher, t, domain)
    assert has_event(events, "followup", "repair_form")
    assert slot_values(events)["address"] == home


# ---------------------------------------------------------------- J: 报停 by 户号


VERIFIED = {"verified_account": "0102345678", "account_no": "0102345678"}


@pytest.mark.parametrize(
    "text",
    [
        "我要报停，户号0102345678",  # the players'
        "户号0102345678 今年冬天不住了 报停",
        "帮我把0102345678这户报停了",
        "我要办理报停",  # a bound or verified sender
    ],
)
async def test_a_stop_by_account_is_read_back_after_the_proof(
    domain: dict[str, Any], text: str
) -> None:
    t = tracker(user_turn(text, "apply_stop_heating"), slots=VERIFIED, active_loop="verify_form")
    required = await ValidateVerifyForm().required_slots(
        ["account_no", "phone_last4"], CollectingDispatcher(), t, domain
    )
    assert required == ["account_no", "phone_last4", "details_confirmed"]


@pytest.mark.parametrize("text", ["查暖气费 户号0102345678", "绑定户号0102345678"])
async def test_a_fee_query_or_binding_is_not_read_back(domain: dict[str, Any], text: str) -> None:
    intent = "query_fee" if "查" in text else "bind_account"
    t = tracker(user_turn(text, intent), slots=VERIFIED, active_loop="verify_form")
    required = await ValidateVerifyForm().required_slots(
        ["account_no", "phone_last4"], CollectingDispatcher(), t, domain
    )
    assert required == ["account_no", "phone_last4"]


async def test_the_read_back_of_a_late_stop_by_account_warns_first(
    domain: dict[str, Any],
) -> None:
    t = tracker(
        user_turn("我要报停，户号0102345678", "apply_stop_heating", message_id="a"),
        _bot("utter_ask_phone_last4"),
        user_turn("5678", "inform", message_id="b"),
        slots={**VERIFIED, "requested_slot": "details_confirmed"},
        active_loop="verify_form",
    )
    dispatcher = CollectingDispatcher()
    await ActionAskDetailsConfirmed().run(dispatcher, t, domain)
    assert texts(dispatcher) == ["utter_stop_heating_late_notice", "utter_read_back"]
    assert said(dispatcher, "utter_stop_heating_late_notice")["start"] == "2027年11月15日"
    details = said(dispatcher, "utter_read_back")["details"]
    assert "2027年11月15日起的供暖季" in details
    assert "01******78" in details


async def test_the_warning_is_not_said_twice(domain: dict[str, Any]) -> None:
    t = tracker(
        user_turn("我要报停", "apply_stop_heating", message_id="a"),
        _bot("utter_stop_heating_late_notice"),
        user_turn("0102345678 5678", "inform", message_id="b"),
        slots={**VERIFIED, "requested_slot": "details_confirmed"},
        active_loop="verify_form",
    )
    dispatcher = CollectingDispatcher()
    await ActionAskDetailsConfirmed().run(dispatcher, t, domain)
    assert texts(dispatcher) == ["utter_read_back"]


async def test_a_stop_by_account_is_filed_only_after_the_yes(
    store: str, domain: dict[str, Any]
) -> None:
    unconfirmed = CollectingDispatcher()
    await ActionAfterVerification().run(
        unconfirmed,
        tracker(user_turn("我要报停，户号0102345678", "apply_stop_heating"), slots=VERIFIED),
        domain,
    )
    assert texts(unconfirmed) == []
    with session_scope(store) as session:
        assert session.query(Ticket).filter_by(kind="BT").count() == 0
    confirmed = CollectingDispatcher()
    events = await ActionAfterVerification().run(
        confirmed,
        tracker(
            user_turn("我要报停，户号0102345678", "apply_stop_heating", message_id="a"),
            user_turn("对", "affirm", message_id="b"),
            slots={**VERIFIED, "details_confirmed": True},
        ),
        domain,
    )
    assert "utter_stop_heating_created" in texts(confirmed)
    assert slot_values(events)["details_confirmed"] is None


async def test_the_yes_at_the_read_back_of_a_verified_stop_is_taken(
    domain: dict[str, Any],
) -> None:
    t = tracker(
        user_turn("我要报停，户号0102345678", "apply_stop_heating", message_id="a"),
        _bot("utter_read_back"),
        user_turn("对", "affirm", message_id="b"),
        slots={**VERIFIED, "phone_last4": "ok", "requested_slot": "details_confirmed"},
        active_loop="verify_form",
    )
    events = await ValidateVerifyForm().run(CollectingDispatcher(), t, domain)
    assert slot_values(events).get("details_confirmed") is True


async def test_giving_up_at_the_read_back_of_a_verified_stop_files_nothing(
    domain: dict[str, Any],
) -> None:
    t = tracker(
        user_turn("我要报停，户号0102345678", "apply_stop_heating", message_id="a"),
        _bot("utter_read_back"),
        user_turn("算了 那不报停了", "deny", message_id="b"),
        slots={**VERIFIED, "phone_last4": "ok", "requested_slot": "details_confirmed"},
        active_loop="verify_form",
    )
    dispatcher = CollectingDispatcher()
    events = await ValidateVerifyForm().run(dispatcher, t, domain)
    assert has_event(events, "active_loop", None)
    assert slot_values(events).get("details_confirmed") is not True


@pytest.mark.parametrize("flat", ["我家是2单元301", "2单元301", "俺家在3单元502"])
async def test_a_flat_at_the_phone_question_completes_the_address_without_a_reproach(
    domain: dict[str, Any], flat: str
) -> None:
    t = tracker(
        user_turn("我们整栋楼都不热，和平里13号楼", "report_repair", message_id="a"),
        _bot("utter_ask_phone"),
        user_turn(flat, "inform", message_id="b"),
        slots={"requested_slot": "phone", "fault_type": "no_heat", "address": "和平里13号楼"},
        active_loop="repair_form",
        slot_events={"phone": flat, "address": flat},
    )
    dispatcher = CollectingDispatcher()
    await ValidateRepairForm().validate_phone(flat, dispatcher, t, domain)
    assert "utter_invalid_phone" not in texts(dispatcher)


async def test_a_wrong_phone_with_no_flat_is_still_told(domain: dict[str, Any]) -> None:
    t = tracker(
        user_turn("和平里13号楼2单元301 暖气不热", "report_repair", message_id="a"),
        _bot("utter_ask_phone"),
        user_turn("12345", "inform", message_id="b"),
        slots={
            "requested_slot": "phone",
            "fault_type": "no_heat",
            "address": "和平里13号楼2单元301",
        },
        active_loop="repair_form",
        slot_events={"phone": "12345"},
    )
    dispatcher = CollectingDispatcher()
    await ValidateRepairForm().validate_phone("12345", dispatcher, t, domain)
    assert "utter_invalid_phone" in texts(dispatcher)


@pytest.mark.parametrize(
    "text",
    [
        "等等 我老婆说她不走 那还是别报停了 撤回吧",  # hld-032 of the CI set
        "算了 不报停了",
        "还是别报停了",
    ],
)
async def test_taking_the_stop_back_at_its_read_back_is_no_wish_for_heating_back(
    domain: dict[str, Any], text: str
) -> None:
    t = tracker(
        user_turn("我明年冬天要出国 下个采暖季想报停 户号0102345678", "apply_stop_heating"),
        _bot("utter_read_back"),
        user_turn(text, "apply_stop_heating", message_id="b"),
        slots={**VERIFIED, "phone_last4": "ok", "requested_slot": "details_confirmed"},
        active_loop="verify_form",
    )
    dispatcher = CollectingDispatcher()
    events = await ValidateVerifyForm().run(dispatcher, t, domain)
    assert texts(dispatcher) == ["utter_read_back_withdrawn"]
    assert has_event(events, "active_loop", None)


@pytest.mark.parametrize(("answer", "intent"), [("仍要报修", "affirm"), ("不用了", "deny")])
async def test_the_offer_asked_again_is_answered_as_the_offer(
    domain: dict[str, Any], answer: str, intent: str
) -> None:
    t = tracker(
        user_turn("暖气怎么不热了 幸福里的", "report_repair", message_id="first"),
        _bot("utter_outage_repair_offer"),
        _pending(AFTER_OUTAGE),
        user_turn("我住幸福里7栋", "inform", message_id="building"),
        _bot(ASK_AGAIN),
        {"event": "slot", "name": "address", "value": None},
        _pending(AFTER_OUTAGE),
        user_turn(answer, intent, message_id="answer"),
        slots={"pending": AFTER_OUTAGE},
    )
    dispatcher = CollectingDispatcher()
    events = await ActionHandleYesNo().run(dispatcher, t, domain)
    if intent == "affirm":
        assert has_event(events, "followup", "repair_form")
        assert "address" not in slot_values(events)  # the form asks for the flat
    else:
        assert texts(dispatcher) == [DECLINED]
