"""Player findings 3, class E (dlgE): the bot stuck to a form and ignored the resident's real
question. Each test fails without its fix (docs/dialogue.md, "Player findings 3, class E")."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.account import ActionAfterVerification, request_purpose
from actions.conversation import ActionCorrectAfterSubmit
from actions.emergency import ActionEmergency
from actions.readback import answer_to_read_back
from actions.service_requests import ValidateComplaintForm
from actions.side_questions import follow_up_instead
from bot.policy import load_policy
from bot.policy.knowledge import load_knowledge
from bot.services import tickets as ticket_service
from bot.store.db import session_scope
from bot.store.tickets import TicketDraft

from .conftest import NOW, has_event, said, slot_values, texts, tracker, user_turn

# ---- a request whose address is put right in its own message (p3-040, p3-036) --------------


@pytest.mark.parametrize(
    ("text", "address"),
    [
        (
            "我家是阳光花园的 暖气不热 不对 我说错了 是和平里的 和平里2号楼1单元301",
            "和平里2号楼1单元301",
        ),
        ("阳光花园3号楼暖气漏水 哦不对 是4号楼2单元101", "阳光花园4号楼2单元101"),
        ("和平里5号楼1单元302暖气不热，说错了，是6号楼", "和平里6号楼1单元302"),
        ("翠湖苑2号楼1单元501家里暖气片冰凉 写错了应该是3单元", "翠湖苑2号楼3单元501"),
    ],
)
async def test_a_repair_whose_address_is_put_right_at_once_is_booked_there(
    store: str, domain: dict[str, Any], text: str, address: str
) -> None:
    """Read as a correction, it was offered a person to change a ticket nobody had filed."""
    dispatcher = CollectingDispatcher()
    events = await ActionCorrectAfterSubmit().run(
        dispatcher, tracker(user_turn(text, "correct_info"), sender="fresh"), domain
    )
    assert "utter_correct_after_submit" not in texts(dispatcher)
    assert said(dispatcher, "utter_correction_taken")["address"] == address
    assert slot_values(events)["address"] == address
    assert slot_values(events)["fault_type"]
    assert has_event(events, "followup", "repair_form")


@pytest.mark.parametrize(
    "text",
    [
        "之前报修那个单子地址写错了 不对 应该是和平里2号楼1单元301 暖气不热",  # an earlier one
        "地址写错了 应该是和平里2号楼1单元301",  # no request in it
    ],
)
async def test_a_change_to_an_earlier_request_still_offers_the_person(
    store: str, domain: dict[str, Any], text: str
) -> None:
    dispatcher = CollectingDispatcher()
    await ActionCorrectAfterSubmit().run(
        dispatcher, tracker(user_turn(text, "correct_info"), sender="fresh"), domain
    )
    assert texts(dispatcher) == ["utter_correct_after_submit"]


async def test_with_a_ticket_filed_the_correction_is_for_it(
    store: str, domain: dict[str, Any]
) -> None:
    with session_scope(store) as session:
        draft = TicketDraft(kind="BX", channel="rest", sender_id="filed", dedup_key=None)
        ticket_service.open_ticket(session, load_policy(), draft, NOW)
    dispatcher = CollectingDispatcher()
    await ActionCorrectAfterSubmit().run(
        dispatcher,
        tracker(
            user_turn("阳光花园3号楼暖气漏水 哦不对 是4号楼2单元101", "correct_info"),
            sender="filed",
        ),
        domain,
    )
    assert "utter_correction_taken" not in texts(dispatcher)


# ---- the readings asked for, by a resident whose 户号 is another community's (p3-047) -------


async def _meter_query(domain: dict[str, Any], text: str, account: str) -> CollectingDispatcher:
    dispatcher = CollectingDispatcher()
    turn = user_turn(text, "query_meter")
    t = tracker(turn, slots={"verified_account": account, "account_no": account})
    await ActionAfterVerification().run(dispatcher, t, domain)
    return dispatcher


@pytest.mark.parametrize(
    "text",
    ["我是翠湖苑的 户号0102345678 查下热表读数", "翠湖苑3号楼的 帮我看下热表读数 户号0102345678"],
)
async def test_a_verified_account_of_another_community_is_said_to_be_there(
    store: str, domain: dict[str, Any], text: str
) -> None:
    """The 翠湖苑 resident's 户号 was 阳光花园's (area-billed): "no meter" alone was taken for
    their own home."""
    dispatcher = await _meter_query(domain, text, "0102345678")
    assert texts(dispatcher) == ["utter_account_in_other_community", "utter_meter_not_metered"]
    told = said(dispatcher, "utter_account_in_other_community")
    assert (told["own"], told["named"]) == ("阳光花园", "翠湖苑")


@pytest.mark.parametrize("text", ["查下热表读数", "我是阳光花园的 查下热表读数"])
async def test_no_community_or_the_accounts_own_says_nothing_more(
    store: str, domain: dict[str, Any], text: str
) -> None:
    dispatcher = await _meter_query(domain, text, "0102345678")
    assert texts(dispatcher) == ["utter_meter_not_metered"]


# ---- still cold after bleeding the radiator (p3-012) ----------------------------------------


def _bleeding_answered(*then: dict[str, Any], slots: dict[str, Any] | None = None) -> Any:
    answer = load_knowledge(load_policy()).answer("radiator_bleeding")
    return tracker(
        user_turn("暖气片咋放气啊 上边有个小螺丝不知道拧哪边", "faq", message_id="a"),
        {"event": "bot", "text": answer, "metadata": {}},
        *then,
        slots=slots,
    )


@pytest.mark.parametrize(
    "text", ["那拧开出水了还是不热呢", "没用啊 还是冰凉的", "放了气也不怎么热 咋回事"]
)
async def test_still_cold_after_the_bleeding_answer_is_answered_and_the_repair_offered(
    text: str,
) -> None:
    """The classifier's repair reading asked for the address instead."""
    dispatcher = CollectingDispatcher()
    events = follow_up_instead(dispatcher, _bleeding_answered(user_turn(text, "report_repair")))
    assert texts(dispatcher) == ["utter_bleeding_no_help"]
    assert events is not None and slot_values(events)["pending"] == "repair"


async def test_the_bleeding_named_is_answered_later_too() -> None:
    dispatcher = CollectingDispatcher()
    events = follow_up_instead(
        dispatcher, tracker(user_turn("我问的是放完气了为啥还不热", "report_repair"))
    )
    assert texts(dispatcher) == ["utter_bleeding_no_help"] and events is not None


@pytest.mark.parametrize("text", ["还是不热 派人来修吧", "暖气不热", "我家暖气片冰凉"])
async def test_a_repair_is_still_a_repair(text: str) -> None:
    dispatcher = CollectingDispatcher()
    said_now = _bleeding_answered(user_turn(text, "report_repair"))
    assert follow_up_instead(dispatcher, said_now) is None
    assert texts(dispatcher) == []


# ---- a complaint's category put right in words at the read-back (p3-084) --------------------


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("不是收费问题 是服务态度", "服务态度"),
        ("分类错了 算态度问题吧", "服务态度"),
        ("不对不对 应该是维修不及时", "维修不及时"),
    ],
)
async def test_the_category_put_right_in_words_is_taken(
    domain: dict[str, Any], text: str, category: str
) -> None:
    slots = {
        "requested_slot": "details_confirmed",
        "complaint_category": "收费问题",
        "complaint_text": "收费员说话很冲 还把我电话挂了",
        "address": "和平里2号楼1单元301",
        "phone": "13601012233",
    }
    found = await ValidateComplaintForm().extract_complaint_category(
        CollectingDispatcher(), tracker(user_turn(text, "deny"), slots=slots), domain
    )
    assert found == {"complaint_category": category}


# ---- whether to cut the power, asked while the leak goes on (p3-065) ------------------------


@pytest.mark.parametrize("text", ["电闸要不要关啊 水都淌到插座那了", "水越来越多了 要不要先断电"])
async def test_the_power_asked_about_while_the_leak_goes_on_is_answered(
    store: str, domain: dict[str, Any], text: str
) -> None:
    """Read as the leak getting worse, the guidance came again and the question went unanswered."""
    with session_scope(store) as session:
        draft = TicketDraft(
            kind="BX",
            channel="rest",
            sender_id="tester",
            dedup_key="t",
            fault_type="leak",
            urgent=True,
            description="暖气管子崩开了 热水呲得满屋都是",
        )
        ticket = ticket_service.open_ticket(session, load_policy(), draft, NOW)
    dispatcher = CollectingDispatcher()
    await ActionEmergency().run(
        dispatcher,
        tracker(
            {"event": "bot", "text": "…", "metadata": {"utter_action": "utter_emergency_water"}},
            user_turn(text, "report_repair"),
            slots={"requested_slot": "address", "urgent_ticket_no": ticket.ticket_no},
            active_loop="repair_form",
        ),
        domain,
    )
    assert texts(dispatcher)[:2] == ["utter_emergency_water_again", "utter_emergency_electrics"]


async def test_the_leak_going_on_without_a_question_hears_no_more(
    store: str, domain: dict[str, Any]
) -> None:
    with session_scope(store) as session:
        draft = TicketDraft(
            kind="BX", channel="rest", sender_id="tester", dedup_key="t", urgent=True
        )
        ticket = ticket_service.open_ticket(session, load_policy(), draft, NOW)
    dispatcher = CollectingDispatcher()
    await ActionEmergency().run(
        dispatcher,
        tracker(
            {"event": "bot", "text": "…", "metadata": {"utter_action": "utter_emergency_water"}},
            user_turn("关不上啊 越拧越大", "report_repair"),
            slots={"requested_slot": "address", "urgent_ticket_no": ticket.ticket_no},
            active_loop="repair_form",
        ),
        domain,
    )
    assert "utter_emergency_electrics" not in texts(dispatcher)


# ---- asked again after the causes were told (p3-012) -----------------------------------------


async def test_asked_again_the_causes_come_short_and_the_offer_is_not_repeated() -> None:
    dispatcher = CollectingDispatcher()
    events = follow_up_instead(
        dispatcher,
        _bleeding_answered(
            user_turn("那拧开出水了还是不热呢", "report_repair", message_id="b"),
            {"event": "bot", "text": "…", "metadata": {"utter_action": "utter_bleeding_no_help"}},
            user_turn("不用报修 我就问问 出水了还不热是啥原因", "report_repair", message_id="c"),
        ),
    )
    assert texts(dispatcher) == ["utter_bleeding_no_help_again"]
    assert events is not None and slot_values(events)["pending"] is None


# ---- a category change at the read-back is no yes (p3-084) -----------------------------------


@pytest.mark.parametrize("intent", ["affirm", "deny", "inform"])
def test_a_category_change_at_the_read_back_is_no_answer_to_it(intent: str) -> None:
    t = tracker(
        user_turn("类别不对 主要是服务态度的问题", intent),
        slots={"requested_slot": "details_confirmed"},
        active_loop="complaint_form",
    )
    assert answer_to_read_back(t) == {}


# ---- the last four digits given with a correction (hail x hax-015) ---------------------------


def _asked_last4() -> dict[str, Any]:
    return {"event": "bot", "text": "…", "metadata": {"utter_action": "utter_ask_phone_last4"}}


@pytest.mark.parametrize(
    ("answer", "intent"),
    [("哦哦我记反了 是5678", "report_meter_reading"), ("刚才输错了 应该是5678", "correct_info")],
)
async def test_a_corrected_last4_is_the_proof_and_the_fee_is_shown(
    store: str, domain: dict[str, Any], answer: str, intent: str
) -> None:
    """Its reading as a meter reading made the verified fee query ask for a reading."""
    t = tracker(
        user_turn("我想看看我家这季暖气费要交多少 户号0102345678", "query_fee", message_id="a"),
        _asked_last4(),
        user_turn("5687", "inform", message_id="b"),
        {"event": "bot", "text": "…", "metadata": {"utter_action": "utter_verify_failed"}},
        _asked_last4(),
        user_turn(answer, intent, message_id="c"),
        slots={"verified_account": "0102345678", "account_no": "0102345678"},
    )
    assert request_purpose(t) == "query_fee"
    dispatcher = CollectingDispatcher()
    await ActionAfterVerification().run(dispatcher, t, domain)
    assert "utter_meter_reading_ask" not in texts(dispatcher)
    assert "utter_fee_summary" in texts(dispatcher)


def test_a_reading_reported_after_the_proof_is_a_request() -> None:
    t = tracker(
        user_turn("查下暖气费 户号0102345678", "query_fee", message_id="a"),
        _asked_last4(),
        user_turn("5678", "inform", message_id="b"),
        {"event": "bot", "text": "…", "metadata": {"utter_action": "utter_fee_summary"}},
        user_turn("热表读数 12345 kWh", "report_meter_reading", message_id="c"),
    )
    assert request_purpose(t) == "report_meter_reading"
