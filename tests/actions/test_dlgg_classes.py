"""Player findings 3, classes G and H (dlgG).

G: offers the resident never asked for. A complaint about the hotline's manners whose story
named 暖气时冷时热 was offered a repair (hail-x hax-026: 是的 filed a BX), a refund complaint heard
您刚才还提到要报修 (p3-084), and 想问下家里没人住 报停了 … 会不会冻裂 was offered a 报停 that was
already made, and again after 我早就报停了 不用登记 (p3-085). Now a repair beside a complaint is
offered only for a complaint that the home is cold, and in words that do not say the resident
asked; 想问 is no wish to 报停, and a 报停 told as made, or declined, ends the offer.

H: a resident without the ticket number (我手机号是… 地址是… 能按这个查吗) heard only "send the
number". Now the address goes to a person as a call-back, who looks the ticket up and checks its
phone; nothing is looked up in chat, so a stranger hears the same words whether a ticket is
there or not.
"""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.common import AMOUNT_NEEDS_ACCOUNT
from actions.conversation import ActionAnswerFaq, ActionHandleInform
from actions.service_halls import ActionQueryServiceHall
from actions.service_requests import ActionSubmitComplaint
from actions.tickets import LOOK_UP_FOR_RESIDENT, LOST_NUMBER_ASK, ActionQueryTicket
from bot.nlu.requests import (
    asks_lookup_by_address,
    cannot_provide,
    stop_already_made,
    wants_stop_heating,
)
from bot.policy import load_policy
from bot.services import tickets as ticket_service
from bot.store.db import session_scope
from bot.store.models import Ticket, VerificationAttempt
from bot.store.tickets import TicketDraft

from .conftest import NOW, slot_values, texts, tracker, user_turn
from .test_dlgs_classes import _offer_then

# ------------------------------------------------ G: a 报停 asked about, made, or declined


@pytest.mark.parametrize(
    "text",
    [
        "我是和平里的 想问下家里没人住 报停了 暖气管会不会冻裂 冻坏了谁管",  # p3-085
        "想了解一下 房子空着 报停以后管道会不会冻坏",
        "俺想问问 家里没人 报停了还要交基础费不",
        "我想咨询下 报停了暖气片要不要放水",
    ],
)
def test_asking_about_a_stop_is_no_wish_for_one(text: str) -> None:
    assert not wants_stop_heating(text)


@pytest.mark.parametrize(
    "text",
    [
        "我家没人住 想报停",
        "想把今年的暖气报停 房子空着",
        "我们全家去外地了 打算报停",
        "要办报停 家里没人住",
    ],
)
def test_a_wish_to_stop_is_still_one(text: str) -> None:
    assert wants_stop_heating(text)


@pytest.mark.parametrize(
    ("text", "made"),
    [
        ("我早就报停了 不用登记 我就问冻裂的事", True),  # p3-085
        ("已经报过停了", True),
        ("之前就办了报停 你不用管", True),
        ("报停早办完了", True),
        ("我想报停", False),
        ("报停了还用交钱吗", False),
        ("去年报停了 今年也想报", False),
    ],
)
def test_a_stop_told_as_made(text: str, made: bool) -> None:
    assert stop_already_made(text) is made


@pytest.mark.parametrize(
    "text",
    [
        "我早就报停了 不用登记 我就问冻裂的事",  # p3-085
        "已经报过停了 就问问管子会不会冻",
        "不用办 我之前就申请了报停 冻了谁负责",
        "不需要登记 我就想知道暖气片会不会冻坏",
    ],
)
async def test_a_stop_declined_or_made_at_the_offer_is_not_offered_again(
    domain: dict[str, Any], text: str
) -> None:
    from .test_knowledge_base import kb_turn

    turn = kb_turn(text, "faq", [("stop_heating_policy", 0.9)])
    turn["parse_data"]["message_id"] = "question"
    dispatcher = CollectingDispatcher()
    events = await ActionAnswerFaq().run(dispatcher, _offer_then_turn(turn), domain)
    assert "utter_offer_second_request" not in texts(dispatcher)
    assert slot_values(events)["pending"] is None


def _offer_then_turn(turn: dict[str, Any]) -> Any:
    """`_offer_then` with this turn (the offer waiting, the resident answers with a question)."""
    state = _offer_then("…")
    state.events[-1] = turn
    state.latest_message = turn["parse_data"]
    return state


# ------------------------------------------------ G: the repair beside a complaint


def _filed_complaint(text: str, category: str, sender: str = "tester") -> Any:
    return tracker(
        user_turn(text, "file_complaint", message_id="a"),
        user_turn("对", "affirm", message_id="c"),
        slots={
            "complaint_text": text,
            "complaint_category": category,
            "address": "和平里2号楼1单元503",
            "phone": "15001876630",
            "details_confirmed": True,
        },
        sender=sender,
    )


@pytest.mark.parametrize(
    ("text", "category"),
    [
        # hax-026: the cold is what the hotline was asked about, the complaint is the manners
        (
            "上周四晚上我打你们的热线，想问问家里暖气为什么时冷时热，接电话的小伙子很不耐烦，"
            "直接把电话挂了。我希望贵公司正式记录我的投诉。",
            "服务态度",
        ),
        ("前几天暖气不热打电话报修 客服态度特别差 说话很冲 我要投诉她", "服务态度"),
        ("去年暖气不热找你们 到现在多收的钱也没退 我要投诉 要求退费", "收费问题"),
        ("维修师傅来修暖气不热的时候跟我要红包 必须投诉", "服务态度"),
    ],
)
async def test_a_cold_in_the_story_of_another_grievance_gets_no_repair_offered(
    store: str, domain: dict[str, Any], text: str, category: str
) -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionSubmitComplaint().run(dispatcher, _filed_complaint(text, category), domain)
    assert "utter_complaint_created" in texts(dispatcher)
    assert "utter_offer_second_request" not in texts(dispatcher)
    assert "utter_offer_repair_for_cold" not in texts(dispatcher)
    assert "pending" not in slot_values(events)


@pytest.mark.parametrize(
    "text",
    [
        "我要投诉 今年暖气一直不达标 屋里才16度",
        "交了钱屋里还是冰凉的 投诉你们",
        "暖气根本不热 孩子都冻感冒了 我要投诉",
    ],
)
async def test_a_cold_home_complaint_is_offered_a_repair_as_a_suggestion(
    store: str, domain: dict[str, Any], text: str
) -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionSubmitComplaint().run(
        dispatcher, _filed_complaint(text, "室温不达标"), domain
    )
    assert "utter_offer_repair_for_cold" in texts(dispatcher)
    assert "utter_offer_second_request" not in texts(dispatcher)  # no 您刚才还提到要报修
    assert slot_values(events)["pending"] == "repair"


async def test_a_repair_asked_with_the_complaint_is_offered_as_asked(
    store: str, domain: dict[str, Any]
) -> None:
    dispatcher = CollectingDispatcher()
    text = "暖气不热三天了 我要投诉 赶紧派人来修"
    await ActionSubmitComplaint().run(dispatcher, _filed_complaint(text, "室温不达标"), domain)
    offers = [m for m in dispatcher.messages if m.get("response") == "utter_offer_second_request"]
    assert [offer["what"] for offer in offers] == ["报修"]


# ------------------------------------------------ H: a ticket asked about without its number

OWNER_PHONE = "13666667777"
OWNER_HOME = "阳光花园3号楼1单元201"


def _owners_ticket(store: str) -> str:
    """A repair its owner filed by SMS: another conversation's ticket."""
    with session_scope(store) as session:
        draft = TicketDraft(
            kind="BX",
            channel="sms",
            sender_id=OWNER_PHONE,
            dedup_key=None,
            address=OWNER_HOME,
            fault_type="no_heat",
            phone=OWNER_PHONE,
        )
        return ticket_service.open_ticket(session, load_policy(), draft, NOW).ticket_no


def _callbacks(store: str) -> list[Ticket]:
    with session_scope(store) as session:
        rows = session.query(Ticket).filter_by(kind="RG").all()
        session.expunge_all()
        return rows


def _asked_after(details: str, question: str, sender: str) -> Any:
    """The phone and address first (read as a bare value), then the ticket question."""
    return tracker(
        user_turn(details, "inform", message_id="details"),
        {"event": "bot", "text": "收到。请问您想办理什么业务…"},
        user_turn(question, "query_ticket", message_id="question"),
        sender=sender,
    )


@pytest.mark.parametrize(
    ("details", "question"),
    [
        (
            "我手机号是15011223344 地址是和平里6号楼2单元303 能按这个查吗",  # p3-018
            "查询工单啊 我刚才说了 上礼拜报修的",
        ),
        ("和平里6号楼2单元303 电话15011223344", "上周报的修 单号找不着了 帮我查查进度"),
        ("15011223344 和平里6号楼2单元303", "我报修的那个单子到哪一步了"),
    ],
)
async def test_players_lost_number_goes_to_a_person_with_the_address(
    store: str, domain: dict[str, Any], details: str, question: str
) -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionQueryTicket().run(
        dispatcher, _asked_after(details, question, "p3-018"), domain
    )
    assert "utter_human_callback" in texts(dispatcher)
    assert "utter_ticket_status" not in texts(dispatcher)
    (callback,) = _callbacks(store)
    assert LOOK_UP_FOR_RESIDENT in callback.description
    assert "和平里6号楼2单元303" in callback.description
    assert callback.phone == "15011223344"
    assert slot_values(events)["pending"] is None


async def test_a_lost_number_without_an_address_asks_for_it_then_calls_back(
    store: str, domain: dict[str, Any]
) -> None:
    asked = CollectingDispatcher()
    events = await ActionQueryTicket().run(
        asked, tracker(user_turn("上礼拜报修的 工单号找不到了", "query_ticket")), domain
    )
    # the number first (the set's players answer it), then the way without it
    assert texts(asked) == ["utter_no_tickets", LOST_NUMBER_ASK]
    assert "pending" not in slot_values(events)
    for sender, answer, where in (
        ("x", "金色家园2号楼1单元102 13512345678", "金色家园"),
        ("y", "地址是和平里6号楼2单元303 手机15011223344", "和平里"),
        ("z", "东风新村4号楼1单元201", "东风新村"),
    ):
        handed = CollectingDispatcher()
        state = tracker(
            user_turn("上礼拜报修的 工单号找不到了", "query_ticket", message_id="before"),
            {"event": "bot", "text": LOST_NUMBER_ASK},
            user_turn(answer, "inform", message_id="answer"),
            sender=sender,
        )
        await ActionHandleInform().run(handed, state, domain)
        assert "utter_human_callback" in texts(handed), answer
        callback = next(c for c in _callbacks(store) if c.sender_id == sender)
        assert LOOK_UP_FOR_RESIDENT in callback.description
        assert where in callback.description


async def test_an_address_without_the_question_before_it_is_no_lookup(
    store: str, domain: dict[str, Any]
) -> None:
    dispatcher = CollectingDispatcher()
    state = tracker(user_turn("金色家园2号楼1单元102 13512345678", "inform"))
    await ActionHandleInform().run(dispatcher, state, domain)
    assert _callbacks(store) == []


async def test_a_question_about_own_tickets_is_answered_as_before(
    store: str, domain: dict[str, Any]
) -> None:
    with session_scope(store) as session:
        draft = TicketDraft(
            kind="BX", channel="rest", sender_id="mine", dedup_key=None, phone="13900001111"
        )
        ticket_service.open_ticket(session, load_policy(), draft, NOW)
    dispatcher = CollectingDispatcher()
    state = _asked_after("和平里6号楼2单元303 13900001111", "我的报修到哪一步了", "mine")
    await ActionQueryTicket().run(dispatcher, state, domain)
    assert "utter_ticket_status" in texts(dispatcher)
    assert _callbacks(store) == []


async def test_a_stranger_with_the_owners_phone_and_address_learns_nothing(
    store: str, domain: dict[str, Any]
) -> None:
    """The attacker knows the owner's address and phone (a neighbour): the answer is the same
    words as for an address with no ticket, shows no number, status or detail, and spends no
    verification try that could tell the two apart."""
    number = _owners_ticket(store)
    replies = []
    for sender, details in (
        ("attacker-a", f"{OWNER_HOME} {OWNER_PHONE}"),
        ("attacker-b", "阳光花园9号楼2单元902 13800000000"),
    ):
        dispatcher = CollectingDispatcher()
        await ActionQueryTicket().run(
            dispatcher, _asked_after(details, "帮我查下这个地址报修的进度", sender), domain
        )
        assert "utter_ticket_status" not in texts(dispatcher)
        shown = " ".join(str(v) for m in dispatcher.messages for v in m.values())
        assert number not in shown
        replies.append(
            [m.get("text") or m.get("response") for m in dispatcher.messages]
        )
    assert replies[0] == replies[1]
    with session_scope(store) as session:
        assert session.query(VerificationAttempt).count() == 0
        owners = session.query(Ticket).filter_by(ticket_no=number).one()
        assert owners.status == "new"


# ------------------------------------------------ G: a no, and a lookup by address, at the 户号


@pytest.mark.parametrize(
    ("text", "cannot"),
    [
        ("不用了", False),  # p3-091: no, thanks
        ("不用了 谢谢", False),
        ("不用 不查了", False),
        ("那个号早就不用了", True),  # the phone gone: the other ways
        ("手机不用了 后四位对不上", True),
        ("这个号码已经不用了", True),
        ("不用这个号了", True),
    ],
)
def test_a_bare_no_is_not_a_phone_gone(text: str, cannot: bool) -> None:
    assert cannot_provide(text) is cannot


@pytest.mark.parametrize(
    ("text", "by_address"),
    [
        ("你按地址查一下不就行了", True),  # p3-013
        ("用手机号查不行吗", True),
        ("报门牌能查吗", True),
        ("根据我家地址查查", True),
        ("营业厅地址在哪", False),
        ("查一下营业厅地址", False),
        ("你们按面积收费吗", False),
    ],
)
def test_a_lookup_by_address_asked(text: str, by_address: bool) -> None:
    assert asks_lookup_by_address(text) is by_address


async def test_a_lookup_by_address_at_the_account_question_is_told_why_not(
    domain: dict[str, Any],
) -> None:
    state = tracker(
        user_turn("查一下我家暖气费", "query_fee", message_id="a"),
        user_turn("你按地址查一下不就行了", "query_service_hall", message_id="b"),
        slots={"requested_slot": "account_no"},
        active_loop="verify_form",
    )
    dispatcher = CollectingDispatcher()
    await ActionQueryServiceHall().run(dispatcher, state, domain)
    assert texts(dispatcher) == [AMOUNT_NEEDS_ACCOUNT]


async def test_a_hall_question_at_the_account_question_still_gets_the_halls(
    domain: dict[str, Any],
) -> None:
    state = tracker(
        user_turn("查一下我家暖气费", "query_fee", message_id="a"),
        user_turn("营业厅地址在哪", "query_service_hall", message_id="b"),
        slots={"requested_slot": "account_no"},
        active_loop="verify_form",
    )
    dispatcher = CollectingDispatcher()
    await ActionQueryServiceHall().run(dispatcher, state, domain)
    assert AMOUNT_NEEDS_ACCOUNT not in texts(dispatcher)
    assert "营业厅" in " ".join(texts(dispatcher))


async def test_a_cold_complaint_where_heating_is_stopped_is_offered_nothing_unasked(
    store: str, domain: dict[str, Any]
) -> None:
    """The CI set's eld-007: 幸福里又没暖气了 (no 投诉 said with it) during the burst main's stop:
    the stop was told, and the 对 to the outage offer filed a BX no one wanted."""
    dispatcher = CollectingDispatcher()
    state = tracker(
        user_turn("幸福里又没暖气了！你们一天天都干啥的", "file_complaint", message_id="a"),
        user_turn("对", "affirm", message_id="b"),
        slots={
            "complaint_text": "幸福里又没暖气了！你们一天天都干啥的",
            "complaint_category": "室温不达标",
            "phone": "13700005555",
            "details_confirmed": True,
        },
    )
    events = await ActionSubmitComplaint().run(dispatcher, state, domain)
    assert texts(dispatcher) == ["utter_complaint_created"]
    assert "pending" not in slot_values(events)
