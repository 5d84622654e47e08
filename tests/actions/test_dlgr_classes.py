"""Player findings 3 and hail-x classes taken by dlgR, each with the testers' wording, variants
of our own and look-alikes that keep their old answer:

1. a yes to a complaint's read-back in more words: the request named again (是的，就是投诉服务态度，
   麻烦您了, hax-026) or a clarification of the content followed by "please record it" (不是我家
   暖气坏了，是楼下机器的声音。请记录投诉，谢谢。, hax-028), the clarification kept in the account;
2. a short question right after the bill (多少钱 啥时候截止, hax-013) answered from that bill and
   the policy: the amount, the deadline, the late fee from which day;
3. the digits sent right after the lockout (p3-082) hear the wait again, with the time left;
4. a cancelled ticket's "ask again" names its kind (p3-050: 报停, not 报修).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.account import ValidateVerifyForm
from actions.conversation import ActionAnswerFaq, ActionHandleInform
from actions.readback import answer_to_read_back
from actions.service_requests import ActionSubmitComplaint, ValidateComplaintForm
from actions.tickets import answer_cancellation
from bot.base import clock
from bot.nlu.agreement import agrees_to_read_back, request_words
from bot.policy import load_policy
from bot.services import tickets as ticket_service
from bot.store.db import session_scope
from bot.store.tickets import TicketDraft

from .conftest import NOW, has_event, said, slot_values, texts, tracker, user_turn

# ------------------------------------------------------------------ 1. the complaint's read-back

SHOWN = (
    "提交前跟您核对一下：\n· 类别：服务态度\n· 内容：接电话的小伙子语气很不耐烦，还挂了我电话\n"
    "· 地址：和平里2号楼1单元503\n· 联系电话：150****6630\n以上信息对吗？"
)
COMPLAINT = {
    "complaint_category": "服务态度",
    "complaint_text": "接电话的小伙子语气很不耐烦，还挂了我电话",
    "address": "和平里2号楼1单元503",
    "phone": "15001876630",
    "requested_slot": "details_confirmed",
}


def _at_read_back(text: str, intent: str, form: str = "complaint_form") -> Any:
    return tracker(
        user_turn("15001876630", "inform", message_id="a"),
        {"event": "bot", "text": SHOWN, "metadata": {"utter_action": "utter_read_back"}},
        user_turn(text, intent, message_id="b"),
        slots=COMPLAINT,
        active_loop=form,
    )


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("是的，就是投诉服务态度，麻烦您了。", "file_complaint"),  # hax-026
        ("对，投诉的就是服务态度", "file_complaint"),
        ("是的 就是反映服务态度问题 谢谢", "file_complaint"),
        ("嗯 就投诉 辛苦了", "affirm"),
        ("对的，就是投诉这个服务态度，尽快处理吧", "file_complaint"),
    ],
)
def test_the_request_named_again_is_a_yes(text: str, intent: str) -> None:
    assert answer_to_read_back(_at_read_back(text, intent)) == {"details_confirmed": True}


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("对，投诉的是收费问题", "file_complaint"),  # a category the list does not show
        ("是的，就是投诉服务态度吗？", "file_complaint"),  # a question about the list
        ("对 投诉5号楼的", "file_complaint"),
    ],
)
def test_another_request_or_a_change_is_no_such_yes(text: str, intent: str) -> None:
    assert answer_to_read_back(_at_read_back(text, intent)) != {"details_confirmed": True}


def test_only_the_forms_own_request_named_again_agrees() -> None:
    """对，就是投诉 at a repair's list names another request (taken as one added after the yes,
    `adds_a_request`), never the repair's own yes."""
    shown = "提交前跟您核对一下：\n· 问题：暖气不热\n· 地址：和平里2号楼1单元503"
    repair = [shown, "和平里2号楼1单元503", *request_words("repair_form")]
    assert agrees_to_read_back("对，就是报修暖气不热", repair)
    assert not agrees_to_read_back("对，就是投诉", repair)
    assert not agrees_to_read_back("对，就是投诉服务态度", [SHOWN, *request_words("repair_form")])
    assert agrees_to_read_back("对，就是投诉服务态度", [SHOWN, *request_words("complaint_form")])


@pytest.mark.parametrize(
    ("text", "intent", "note"),
    [
        (  # hax-028: read as another request, the lookup of a fee started instead
            "不是我家暖气坏了，是楼下机器的声音。请记录投诉，谢谢。",
            "query_fee",
            "不是我家暖气坏了，是楼下机器的声音",
        ),
        ("对，主要是晚上十点以后噪音最大，请帮我记下来", "inform", "主要是晚上十点以后噪音最大"),
        ("声音是换热站水泵发出来的 麻烦帮我登记一下", "inform", "声音是换热站水泵发出来的"),
        (
            "不是暖气不热的问题，是态度问题。就按这个投诉吧",
            "file_complaint",
            "不是暖气不热的问题，是态度问题",
        ),
        ("请记录投诉", "file_complaint", ""),
    ],
)
async def test_a_clarification_then_record_it_files_with_the_note(
    domain: dict[str, Any], text: str, intent: str, note: str
) -> None:
    turn = _at_read_back(text, intent)
    assert answer_to_read_back(turn) == {"details_confirmed": True}
    events = await ValidateComplaintForm().run(CollectingDispatcher(), turn, domain)
    values = slot_values(events)
    assert values.get("details_confirmed") is True
    account = values.get("complaint_text", COMPLAINT["complaint_text"])
    assert account.startswith(COMPLAINT["complaint_text"])
    assert note in account


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("不是3单元，是4单元。请记录投诉", "inform"),  # an address change is read back again
        ("电话换成13912345678 请登记", "inform"),
        ("是不是要找物业？请登记", "faq"),  # a question
        ("算了 不投诉了", "deny"),  # taken back
        ("不是我家暖气坏了，是楼下机器的声音。", "inform"),  # no "record it"
    ],
)
def test_a_change_a_question_or_no_ask_to_record_is_no_yes(text: str, intent: str) -> None:
    assert answer_to_read_back(_at_read_back(text, intent)) != {"details_confirmed": True}


NOISE = "我家楼下是换热站，每天晚上嗡嗡响，吵得睡不着，你们赶紧派人来修"


@pytest.mark.parametrize(
    ("answer", "offered"),
    [
        ("不是我家暖气坏了，是楼下机器的声音。请记录投诉，谢谢。", False),  # hax-028
        ("我家暖气没毛病，是换热站的噪音，麻烦帮我登记", False),
        ("对", True),  # a fitter asked for with the noise: still offered after a plain yes
    ],
)
async def test_no_fitter_is_offered_after_the_resident_said_the_home_is_not_at_fault(
    domain: dict[str, Any], store: str, answer: str, offered: bool
) -> None:
    dispatcher = CollectingDispatcher()
    t = tracker(
        user_turn(f"我要投诉。{NOISE}", "file_complaint", message_id="a"),
        user_turn(answer, "affirm", message_id="b"),
        slots={
            "complaint_text": NOISE,
            "complaint_category": "其他",
            "address": "翠湖苑1号楼1单元201",
            "phone": "19901234578",
            "details_confirmed": True,
        },
    )
    await ActionSubmitComplaint().run(dispatcher, t, domain)
    assert "utter_complaint_created" in texts(dispatcher)
    assert ("utter_offer_second_request" in texts(dispatcher)) is offered


# ------------------------------------------------------------------ 2. questions after the bill


def _after_the_bill(text: str, intent: str = "faq") -> Any:
    return tracker(
        user_turn("查下暖气费 户号0102345678", "query_fee", message_id="a"),
        user_turn("5678", "inform", message_id="b"),
        {"event": "bot", "text": "…", "metadata": {"utter_action": "utter_fee_summary"}},
        user_turn(text, intent, message_id="c"),
        slots={"verified_account": "0102345678", "account_no": "0102345678"},
    )


def _said_text(dispatcher: CollectingDispatcher) -> str:
    return " ".join(str(m.get("text") or "") for m in dispatcher.messages)


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("多少钱 啥时候截止", "faq"),  # hax-013: a menu of topics
        ("最晚哪天交", "faq"),
        ("那什么时候之前要交完", "query_fee"),
        ("截止到啥时候啊", "out_of_scope"),
    ],
)
async def test_the_deadline_after_the_bill_comes_from_that_bill(
    domain: dict[str, Any], text: str, intent: str
) -> None:
    dispatcher = CollectingDispatcher()
    await ActionAnswerFaq().run(dispatcher, _after_the_bill(text, intent), domain)
    answer = _said_text(dispatcher)
    assert "12月31日" in answer and "1月1日" in answer  # the deadline, the late fee's first day
    assert "utter_kb_offer" not in texts(dispatcher)


async def test_the_amount_after_the_bill_is_what_is_still_owed(domain: dict[str, Any]) -> None:
    dispatcher = CollectingDispatcher()
    await ActionAnswerFaq().run(dispatcher, _after_the_bill("多少钱 啥时候截止"), domain)
    answer = _said_text(dispatcher)
    assert "2148.00" in answer and "12月31日" in answer


async def test_a_late_fee_question_after_the_bill_says_from_when(domain: dict[str, Any]) -> None:
    dispatcher = CollectingDispatcher()
    await ActionHandleInform().run(
        dispatcher, _after_the_bill("晚交几天有滞纳金吗", "inform"), domain
    )
    answer = _said_text(dispatcher)
    assert "1月1日" in answer and "滞纳金" in answer


async def test_a_question_read_as_a_fee_query_is_answered_without_a_second_bill(
    domain: dict[str, Any],
) -> None:
    dispatcher = CollectingDispatcher()
    turn = _after_the_bill("还欠多少 最晚啥时候交", "query_fee")
    turn.active_loop = {"name": "verify_form"}
    events = await ValidateVerifyForm().run(dispatcher, turn, domain)
    assert "12月31日" in _said_text(dispatcher)
    assert "utter_fee_summary" not in texts(dispatcher)
    assert has_event(events, "active_loop", None)


@pytest.mark.parametrize("text", ["怎么交", "发票怎么开", "每平米多少钱", "好的 谢谢"])
async def test_other_questions_after_the_bill_keep_their_answer(
    domain: dict[str, Any], text: str
) -> None:
    dispatcher = CollectingDispatcher()
    await ActionAnswerFaq().run(dispatcher, _after_the_bill(text), domain)
    assert "本季缴费截止" not in _said_text(dispatcher)


async def test_the_deadline_needs_a_bill_just_shown(domain: dict[str, Any]) -> None:
    dispatcher = CollectingDispatcher()
    fresh = tracker(user_turn("多少钱 啥时候截止", "faq"))
    await ActionAnswerFaq().run(dispatcher, fresh, domain)
    assert "本季缴费截止" not in _said_text(dispatcher)


# ------------------------------------------------------------------ 3. digits after the lockout


async def _lock_out(domain: dict[str, Any], sender: str) -> list[CollectingDispatcher]:
    """Two other senders fail once on the account, then `sender` three times (p3-082)."""
    said_to: list[CollectingDispatcher] = []
    for who, digits in (
        ("p3-a", "1234"),
        ("p3-b", "4321"),
        *((sender, d) for d in ("1111", "2222", "3333")),
    ):
        dispatcher = CollectingDispatcher()
        await ValidateVerifyForm().validate_phone_last4(
            digits,
            dispatcher,
            tracker(user_turn(digits), slots={"account_no": "0102345678"}, sender=who),
            domain,
        )
        if who == sender:
            said_to.append(dispatcher)
    return said_to


async def test_the_lockout_time_is_ahead_and_the_counts_promise_no_more(
    domain: dict[str, Any],
) -> None:
    first, second, third = await _lock_out(domain, "p3-082")
    assert said(first, "utter_verify_failed")["remaining"] == 4
    assert said(second, "utter_verify_failed")["remaining"] == 3
    locked = said(third, "utter_verify_locked")
    assert locked["wait"] == "15分钟"
    assert locked["retry_at"] == clock.format_moment(NOW + timedelta(minutes=15))  # 10:15, ahead
    wording = domain["responses"]["utter_verify_failed"][0]["text"]
    assert "最多还可以再试" in wording  # others' failures may lock the account sooner


def _after_lockout(text: str, sender: str = "p3-082") -> Any:
    return tracker(
        user_turn("查暖气费 户号0102345678", "query_fee", message_id="a"),
        {"event": "slot", "name": "account_no", "value": "0102345678"},
        user_turn("3333", "inform", message_id="b"),
        {"event": "bot", "text": "…", "metadata": {"utter_action": "utter_verify_locked"}},
        {"event": "slot", "name": "account_no", "value": None},
        user_turn(text, "inform", message_id="c"),
        sender=sender,
    )


@pytest.mark.parametrize("text", ["5678", "尾号5678", "是5678", "13812345678"])
async def test_digits_after_the_lockout_hear_the_wait_again(
    domain: dict[str, Any], text: str
) -> None:
    await _lock_out(domain, "p3-082")
    dispatcher = CollectingDispatcher()
    events = await ActionHandleInform().run(dispatcher, _after_lockout(text), domain)
    assert texts(dispatcher) == ["utter_verify_locked"]
    assert said(dispatcher, "utter_verify_locked")["wait"] == "15分钟"
    assert not has_event(events, "followup", "verify_form")


async def test_digits_once_the_wait_is_over_are_checked(
    domain: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    await _lock_out(domain, "p3-082")
    monkeypatch.setattr(clock, "now", lambda: NOW + timedelta(minutes=16))
    dispatcher = CollectingDispatcher()
    events = await ActionHandleInform().run(dispatcher, _after_lockout("5678"), domain)
    assert slot_values(events)["verified_account"] == "0102345678"
    assert has_event(events, "followup", "verify_form")


async def test_digits_without_a_lockout_keep_their_old_answer(domain: dict[str, Any]) -> None:
    dispatcher = CollectingDispatcher()
    await ActionHandleInform().run(dispatcher, tracker(user_turn("5678", "inform")), domain)
    assert "utter_verify_locked" not in texts(dispatcher)


# ------------------------------------------------------------------ 4. the cancelled kind


@pytest.mark.parametrize(
    ("kind", "asked_again"),
    [("BT", "申请报停"), ("BX", "报修"), ("CW", "申请测温"), ("TS", "投诉")],
)
async def test_a_cancelled_ticket_names_its_own_kind(
    domain: dict[str, Any], store: str, kind: str, asked_again: str
) -> None:
    with session_scope(store) as session:
        draft = TicketDraft(
            kind=kind,
            channel="rest",
            sender_id="tester",
            address="阳光花园5号楼1单元302",
            phone="13812345678",
            description="家里没人住",
        )
        number = ticket_service.open_ticket(session, load_policy(), draft, NOW).ticket_no
    dispatcher = CollectingDispatcher()
    await answer_cancellation(dispatcher, tracker(user_turn("对", "affirm")), number, True)
    cancelled = said(dispatcher, "utter_ticket_cancelled")
    assert cancelled["request"] == asked_again
    assert cancelled["kind"] == ticket_service.KIND_NAMES[kind]
