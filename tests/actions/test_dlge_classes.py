"""Player findings 2, classes E and G (dlge).

G: a ticket filed by phone or in another chat was "没有找到您名下的工单" here, and the phone on it
did not help; a withdrawal without a number forgot its intent at the address. Now the ticket
number with the whole contact phone recorded on it shows and withdraws it (checked under the
verification limits, so numbers cannot be enumerated), and a request that cannot be proved goes
to a person as a call-back with its context, never dropped.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import (
    AMOUNT_NEEDS_ACCOUNT,
    ActionCorrectAfterSubmit,
    ActionHandleInform,
    ActionHandleYesNo,
)
from actions.tickets import (
    PROOF_PREFIX,
    ActionAskCancelTicket,
    ActionQueryTicket,
    asks_how_to_cancel,
    phone_in,
    repeats_cancellation,
)
from bot.policy import load_policy
from bot.services import ticket_proof
from bot.services import tickets as ticket_service
from bot.store.db import session_scope
from bot.store.models import Ticket, TicketEvent, VerificationAttempt
from bot.store.tickets import TicketDraft

from .conftest import NOW, said, slot_values, texts, tracker, user_turn

OWNER_PHONE = "13666667777"


def _open(store: str, phone: str | None = OWNER_PHONE, urgent: bool = False) -> str:
    """A repair the owner filed from another conversation (an SMS, a phone call's agent)."""
    with session_scope(store) as session:
        draft = TicketDraft(
            kind="BX",
            channel="sms",
            sender_id="13666667777",
            dedup_key=None,
            address="阳光花园3号楼1单元201",
            fault_type="leak" if urgent else "no_heat",
            phone=phone,
            urgent=urgent,
        )
        return ticket_service.open_ticket(session, load_policy(), draft, NOW).ticket_no


def _ticket(store: str, number: str) -> Ticket:
    with session_scope(store) as session:
        row = session.query(Ticket).filter_by(ticket_no=number).one()
        session.expunge_all()
        return row


def _callbacks(store: str) -> list[Ticket]:
    with session_scope(store) as session:
        rows = session.query(Ticket).filter_by(kind="RG").all()
        session.expunge_all()
        return rows


def _failures(store: str) -> int:
    with session_scope(store) as session:
        return session.query(VerificationAttempt).filter_by(success=False).count()


def _asked(
    pending: str, text: str, intent: str = "inform", sender: str = "stranger", before: str = "…"
) -> Any:
    """The bot asked for the phone or the ticket (`pending`) after `before`; the resident
    answers `text`."""
    return tracker(
        user_turn(before, "cancel_ticket", message_id="before"),
        {"event": "slot", "name": "pending", "value": pending},
        user_turn(text, intent, message_id="answer"),
        slots={"pending": pending},
        sender=sender,
    )


def _one(text: str, intent: str, sender: str = "stranger") -> Any:
    return tracker(user_turn(text, intent), sender=sender)


# ---- G: a ticket from another chat, proved by the phone on it -------------------------------


async def test_players_cancel_from_another_chat_asks_for_the_phone_then_cancels(
    store: str, domain: dict[str, Any]
) -> None:
    number = _open(store)
    first = CollectingDispatcher()
    events = await ActionAskCancelTicket().run(
        first, _one(f"我要取消工单{number}", "cancel_ticket"), domain
    )
    assert "utter_ticket_not_found" not in texts(first)
    assert "联系电话" in texts(first)[0]
    pending = slot_values(events)["pending"]
    assert pending == f"{PROOF_PREFIX}cancel:{number}"

    second = CollectingDispatcher()
    events = await ActionHandleInform().run(
        second, _asked(pending, f"我电话{OWNER_PHONE}"), domain
    )
    assert said(second, "utter_ask_cancel_confirm")["ticket_no"] == number
    assert slot_values(events)["pending"] == f"cancel:{number}"
    assert _ticket(store, number).status == "new"  # nothing done before the yes

    third = CollectingDispatcher()
    await ActionHandleYesNo().run(third, _asked(f"cancel:{number}", "是的", "affirm"), domain)
    assert said(third, "utter_ticket_cancelled")["ticket_no"] == number
    assert _ticket(store, number).status == "cancelled"
    with session_scope(store) as session:
        ticket = session.query(Ticket).filter_by(ticket_no=number).one()
        status = session.query(TicketEvent).filter_by(ticket_id=ticket.id, kind="status").one()
        assert status.actor == "user:rest" and status.detail["conversation"] == "stranger"


async def test_the_phone_in_the_same_message_or_spaced_or_as_a_status_question(
    store: str, domain: dict[str, Any]
) -> None:
    number = _open(store)
    dispatcher = CollectingDispatcher()
    await ActionAskCancelTicket().run(
        dispatcher, _one(f"取消{number}，我手机136 6666 7777", "cancel_ticket", "a"), domain
    )
    assert said(dispatcher, "utter_ask_cancel_confirm")["ticket_no"] == number

    for sender, wording in (
        ("b", f"我上周报修的单子{number}现在啥进度"),
        ("c", f"帮我查下{number.lower()}到哪一步了"),
    ):
        asked = CollectingDispatcher()
        events = await ActionQueryTicket().run(asked, _one(wording, "query_ticket", sender), domain)
        assert "utter_ticket_status" not in texts(asked), wording
        shown = CollectingDispatcher()
        await ActionHandleInform().run(
            shown,
            _asked(slot_values(events)["pending"], f"手机号是{OWNER_PHONE}", sender=sender),
            domain,
        )
        assert said(shown, "utter_ticket_status")["ticket_no"] == number, wording


async def test_a_wrong_phone_shows_nothing_and_hands_the_request_to_a_person(
    store: str, domain: dict[str, Any]
) -> None:
    number = _open(store)
    dispatcher = CollectingDispatcher()
    await ActionHandleInform().run(
        dispatcher, _asked(f"{PROOF_PREFIX}cancel:{number}", "13666667770"), domain
    )
    assert "utter_ask_cancel_confirm" not in texts(dispatcher)
    assert "utter_ticket_status" not in texts(dispatcher)
    assert "utter_human_callback" in texts(dispatcher)
    assert _ticket(store, number).status == "new"
    [callback] = _callbacks(store)
    assert number in str(callback.description) and "取消" in str(callback.description)
    assert _failures(store) == 1


async def test_an_unknown_number_hears_the_same_words_and_costs_a_try(
    store: str, domain: dict[str, Any]
) -> None:
    real = _open(store)
    made_up = real[:-1] + ("9" if real[-1] != "9" else "8")
    said_for: dict[str, str] = {}
    for number in (real, made_up):
        dispatcher = CollectingDispatcher()
        await ActionAskCancelTicket().run(
            dispatcher, _one(f"取消工单{number}", "cancel_ticket", number), domain
        )
        said_for[number] = texts(dispatcher)[0].replace(number, "N")
    assert said_for[real] == said_for[made_up]
    dispatcher = CollectingDispatcher()
    await ActionHandleInform().run(
        dispatcher, _asked(f"{PROOF_PREFIX}cancel:{made_up}", OWNER_PHONE), domain
    )
    assert "核对不上" in texts(dispatcher)[0]
    assert _failures(store) == 1


async def test_four_digits_prove_nothing_and_are_not_counted(
    store: str, domain: dict[str, Any]
) -> None:
    number = _open(store)
    dispatcher = CollectingDispatcher()
    await ActionHandleInform().run(
        dispatcher, _asked(f"{PROOF_PREFIX}cancel:{number}", "尾号7777"), domain
    )
    assert "utter_ask_cancel_confirm" not in texts(dispatcher)
    assert _failures(store) == 0
    assert _ticket(store, number).status == "new"


async def test_guessing_numbers_spends_the_verification_limits(
    store: str, domain: dict[str, Any]
) -> None:
    """One sender trying ticket after ticket: past its free failures even the right phone is
    refused unchecked, like digits for a 户号 (docs/security.md)."""
    number = _open(store)
    rules = load_policy()
    with session_scope(store) as session:
        for seq in range(rules.verification.max_failures_per_account):
            guess = f"BX20261207{seq + 100:04d}"
            result = ticket_proof.prove_ticket(
                session, rules, "rest", "guesser", guess, "13900000000", NOW
            )
            assert not result.ok
        refused = ticket_proof.prove_ticket(
            session, rules, "rest", "guesser", number, OWNER_PHONE, NOW
        )
        assert not refused.ok and refused.retry_at is not None
        later = NOW + timedelta(days=1, minutes=1)
        assert ticket_proof.prove_ticket(
            session, rules, "rest", "guesser", number, OWNER_PHONE, later
        ).ok


async def test_an_urgent_ticket_proved_still_goes_through_the_duty_phone(
    store: str, domain: dict[str, Any]
) -> None:
    number = _open(store, urgent=True)
    dispatcher = CollectingDispatcher()
    await ActionHandleInform().run(
        dispatcher, _asked(f"{PROOF_PREFIX}cancel:{number}", OWNER_PHONE), domain
    )
    assert texts(dispatcher) == ["utter_urgent_not_cancellable"]
    assert _ticket(store, number).status == "new"


async def test_a_ticket_without_a_phone_cannot_be_proved(
    store: str, domain: dict[str, Any]
) -> None:
    number = _open(store, phone=None)
    dispatcher = CollectingDispatcher()
    await ActionHandleInform().run(
        dispatcher, _asked(f"{PROOF_PREFIX}status:{number}", OWNER_PHONE), domain
    )
    assert "utter_ticket_status" not in texts(dispatcher)
    assert len(_callbacks(store)) == 1


async def test_players_withdrawal_without_a_number_keeps_the_intent_to_the_address(
    store: str, domain: dict[str, Any]
) -> None:
    for sender, wording, answer, where in (
        ("p", "我之前申请了报停，现在想撤回，房子又有人住了", "和平里8号楼1单元101", "和平里8号楼"),
        ("q", "报停我不要了，帮我撤销", "我家是阳光花园5号楼2单元301", "阳光花园5号楼"),
        ("r", "把我那个报修取消了吧", "工单号我记不清了", ""),
        ("s", "上个月在营业厅办的报停能撤回吗", "金色家园2号楼1单元102 13512345678", "金色家园"),
    ):
        asked = CollectingDispatcher()
        events = await ActionAskCancelTicket().run(
            asked, _one(wording, "cancel_ticket", sender), domain
        )
        assert "utter_no_tickets" not in texts(asked), wording
        assert "地址" in texts(asked)[0], wording
        pending = slot_values(events)["pending"]
        handed = CollectingDispatcher()
        await ActionHandleInform().run(
            handed, _asked(pending, answer, sender=sender, before=wording), domain
        )
        assert "utter_human_callback" in texts(handed), wording
        callback = next(t for t in _callbacks(store) if t.sender_id == sender)
        assert where in str(callback.description), wording
        assert ("撤" in wording) == ("撤回" in str(callback.description)), wording


async def test_own_tickets_are_cancelled_as_before_without_a_phone(
    store: str, domain: dict[str, Any]
) -> None:
    number = _open(store)
    dispatcher = CollectingDispatcher()
    await ActionAskCancelTicket().run(
        dispatcher, _one(f"取消工单{number}", "cancel_ticket", "13666667777"), domain
    )
    assert "联系电话" in texts(dispatcher)[0]  # the owner's number on REST is not the SMS chat
    own = tracker(
        user_turn(f"取消工单{number}", "cancel_ticket", channel="sms"), sender=OWNER_PHONE
    )
    mine = CollectingDispatcher()
    await ActionAskCancelTicket().run(mine, own, domain)
    assert said(mine, "utter_ask_cancel_confirm")["ticket_no"] == number


async def test_answers_that_are_not_for_the_proof_go_their_own_way(
    store: str, domain: dict[str, Any]
) -> None:
    """Without the offer pending, a phone or an address is not taken for a proof; with it, a
    message that is neither (a fault told) is left to the other handlers."""
    number = _open(store)
    dispatcher = CollectingDispatcher()
    await ActionHandleInform().run(dispatcher, _one(OWNER_PHONE, "inform"), domain)
    assert "utter_ask_cancel_confirm" not in texts(dispatcher)
    assert _failures(store) == 0
    other = CollectingDispatcher()
    events = await ActionHandleInform().run(
        other, _asked(f"{PROOF_PREFIX}cancel:{number}", "暖气不热要报修"), domain
    )
    assert _failures(store) == 0 and not _callbacks(store)
    assert any(e.get("name") == "repair_form" for e in events)


# ---- E: other requests and residents without a 户号 inside the fee verification -------------


def _in_verification(text: str, intent: str, asked: str = "account_no") -> Any:
    return tracker(
        user_turn(text, intent),
        slots={"requested_slot": asked},
        active_loop="verify_form",
    )


def test_players_bare_account_and_digits_are_both_taken() -> None:
    from actions.account import _both_given

    for text in (
        "0102345678 5678 查费",
        "0102345678 5678",
        "户号0102345678，5678",
        "帮我查费 0102345678 5678",
    ):
        assert _both_given(text), text
    for text in ("0102345678 2025年的", "0102345678", "0102345678 13812345678", "5678 0102345678"):
        assert not _both_given(text), text


async def test_players_tenant_with_an_address_hears_the_other_ways_once_and_leaves_the_form(
    domain: dict[str, Any]
) -> None:
    for address in ("和平里2号楼1单元301", "我住翠湖苑2号楼1单元101", "阳光花园5号楼"):
        dispatcher = CollectingDispatcher()
        events = await ActionHandleInform().run(
            dispatcher, _in_verification(address, "inform"), domain
        )
        assert texts(dispatcher) == [AMOUNT_NEEDS_ACCOUNT, "utter_verify_alternatives"], address
        assert any(e.get("event") == "active_loop" and e.get("name") is None for e in events)


async def test_a_resident_who_cannot_give_the_account_keeps_the_forms_own_answer(
    domain: dict[str, Any]
) -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionHandleInform().run(
        dispatcher, _in_verification("户号不记得了", "inform"), domain
    )
    assert texts(dispatcher) == [] and events == []


async def test_players_repair_asked_at_the_account_question_starts_the_repair(
    domain: dict[str, Any]
) -> None:
    for text, form, asked in (
        ("那我报修可以吗", "repair_form", "account_no"),
        ("先不查了，帮我报个修", "repair_form", "account_no"),
        ("我能报修吗", "repair_form", "phone_last4"),
        ("那约个测温行吗", "temp_check_form", "account_no"),
    ):
        dispatcher = CollectingDispatcher()
        events = await ActionQueryTicket().run(
            dispatcher, _in_verification(text, "query_ticket", asked), domain
        )
        assert texts(dispatcher) == ["utter_form_switched"], text
        assert any(e.get("event") == "followup" and e.get("name") == form for e in events)


async def test_a_filed_repair_asked_about_in_verification_is_still_a_ticket_question(
    domain: dict[str, Any]
) -> None:
    for text, inside in (("报修的单子到哪了", True), ("我报修的工单呢", True), ("报修进度", False)):
        dispatcher = CollectingDispatcher()
        turn = (
            _in_verification(text, "query_ticket") if inside else _one(text, "query_ticket")
        )
        await ActionQueryTicket().run(dispatcher, turn, domain)
        assert "utter_form_switched" not in texts(dispatcher), text


async def test_players_repair_asked_after_the_form_was_left_starts_the_repair(
    domain: dict[str, Any]
) -> None:
    for text, form in (
        ("那我报修可以吗", "repair_form"),
        ("我能报修吗", "repair_form"),
        ("能不能报个修", "repair_form"),
        ("测温行吗", "temp_check_form"),
    ):
        dispatcher = CollectingDispatcher()
        events = await ActionQueryTicket().run(dispatcher, _one(text, "query_ticket"), domain)
        assert "utter_no_tickets" not in texts(dispatcher), text
        assert any(e.get("event") == "followup" and e.get("name") == form for e in events)


async def test_players_account_at_the_repairs_address_question_is_kept_for_the_fee(
    domain: dict[str, Any]
) -> None:
    from actions.repair import ValidateRepairForm

    for opening, answer in (
        ("我想查一下暖气费，顺便报个修，卫生间暖气片不热", "0102345678"),
        ("暖气费交了多少查一下，还有我家暖气不热要报修", "户号是0102345678"),
        ("帮我报修 顺便查查欠不欠费", "0102345679"),
    ):
        dispatcher = CollectingDispatcher()
        events = await ValidateRepairForm().run(
            dispatcher,
            tracker(
                user_turn(opening, "report_repair", message_id="open"),
                {"event": "slot", "name": "requested_slot", "value": "address"},
                user_turn(answer, "inform", message_id="answer"),
                slots={"requested_slot": "address", "fault_type": "no_heat"},
                active_loop="repair_form",
                slot_events={"address": answer},
            ),
            domain,
        )
        assert "utter_detail_noted" not in texts(dispatcher), opening
        assert "查暖气费" in texts(dispatcher)[0], opening
        assert slot_values(events)["account_no"] == answer[-10:], opening


async def test_an_account_at_the_address_question_without_a_fee_asked_is_left_as_before(
    domain: dict[str, Any]
) -> None:
    from actions.repair import ValidateRepairForm

    for answer in ("0102345678", "13812345678"):
        dispatcher = CollectingDispatcher()
        events = await ValidateRepairForm().run(
            dispatcher,
            tracker(
                user_turn("卫生间暖气片不热，要报修", "report_repair", message_id="open"),
                {"event": "slot", "name": "requested_slot", "value": "address"},
                user_turn(answer, "inform", message_id="answer"),
                slots={"requested_slot": "address", "fault_type": "no_heat"},
                active_loop="repair_form",
                slot_events={"address": answer},
            ),
            domain,
        )
        assert "account_no" not in slot_values(events), answer
        assert not any("查暖气费" in t for t in texts(dispatcher)), answer


async def test_players_no_account_with_an_address_read_as_a_correction_gets_the_other_ways(
    store: str, domain: dict[str, Any]
) -> None:
    for sender, text in (
        ("m1", "我不知道户号，地址是翠湖苑2号楼1单元101"),
        ("m2", "没有户号，我家是和平里2号楼1单元301"),
        ("m3", "户号找不到了 地址阳光花园5号楼1单元302"),
    ):
        dispatcher = CollectingDispatcher()
        await ActionCorrectAfterSubmit().run(dispatcher, _one(text, "correct_info", sender), domain)
        assert texts(dispatcher) == [AMOUNT_NEEDS_ACCOUNT, "utter_verify_alternatives"], text
    # a resident with a ticket of this chat who corrects it is still offered the person
    with session_scope(store) as session:
        draft = TicketDraft(kind="BX", channel="rest", sender_id="m4", dedup_key=None)
        ticket_service.open_ticket(session, load_policy(), draft, NOW)
    filed = CollectingDispatcher()
    await ActionCorrectAfterSubmit().run(
        filed, _one("我不知道户号，地址写错了", "correct_info", "m4"), domain
    )
    assert texts(filed) == ["utter_correct_after_submit"]


async def test_a_yes_said_with_the_withdrawal_answers_the_confirmation(
    store: str, domain: dict[str, Any]
) -> None:
    """对 取消 / 对 撤回 at 确认要取消…吗 (read as another cancellation) cancels; asking again was
    a loop (dev set s, sno-011, sno-030)."""
    for wording in ("对 取消", "对 撤回", "是的，撤了吧", "确认撤销"):
        with session_scope(store) as session:
            draft = TicketDraft(kind="BT", channel="rest", sender_id="own", dedup_key=None)
            number = ticket_service.open_ticket(session, load_policy(), draft, NOW).ticket_no
        dispatcher = CollectingDispatcher()
        await ActionAskCancelTicket().run(
            dispatcher, _asked(f"cancel:{number}", wording, "cancel_ticket", sender="own"), domain
        )
        assert said(dispatcher, "utter_ticket_cancelled")["ticket_no"] == number, wording
        assert _ticket(store, number).status == "cancelled", wording
    for wording in ("对 不取消了", "别取消"):
        with session_scope(store) as session:
            draft = TicketDraft(kind="BX", channel="rest", sender_id="own", dedup_key=None)
            number = ticket_service.open_ticket(session, load_policy(), draft, NOW).ticket_no
        kept = CollectingDispatcher()
        await ActionAskCancelTicket().run(
            kept, _asked(f"cancel:{number}", wording, "cancel_ticket", sender="own"), domain
        )
        assert _ticket(store, number).status == "new", wording


async def test_a_fee_query_given_up_does_not_take_the_repairs_answers(
    domain: dict[str, Any]
) -> None:
    """查暖气费 … 算了, then a repair: a number at its questions is the repair's (the mistyped
    mobile at the phone question is told so), not a 户号 kept for the fee query given up."""
    from actions.repair import ValidateRepairForm

    stopped = {"event": "bot", "text": "好的", "metadata": {"utter_action": "utter_form_stopped"}}
    for asked, answer in (("phone", "1381234567"), ("address", "0102345678")):
        dispatcher = CollectingDispatcher()
        events = await ValidateRepairForm().run(
            dispatcher,
            tracker(
                user_turn("查暖气费", "query_fee", message_id="fee"),
                user_turn("算了", "stop", message_id="stop"),
                stopped,
                user_turn("暖气片有噪音，咚咚响", "report_repair", message_id="open"),
                {"event": "slot", "name": "requested_slot", "value": asked},
                user_turn(answer, "inform", message_id="answer"),
                slots={
                    "requested_slot": asked,
                    "fault_type": "noise",
                    "address": "金色家园12号楼3单元401" if asked == "phone" else None,
                },
                active_loop="repair_form",
                slot_events={asked: answer},
            ),
            domain,
        )
        assert "account_no" not in slot_values(events), answer
        assert not any("查暖气费" in t for t in texts(dispatcher)), answer


async def test_a_mistyped_mobile_at_the_phone_question_is_no_account_even_with_a_fee_asked(
    domain: dict[str, Any]
) -> None:
    from actions.repair import ValidateRepairForm

    for answer in ("1381234567", "139123456789"):
        dispatcher = CollectingDispatcher()
        events = await ValidateRepairForm().run(
            dispatcher,
            tracker(
                user_turn("查一下暖气费，顺便报个修", "report_repair", message_id="open"),
                {"event": "slot", "name": "requested_slot", "value": "phone"},
                user_turn(answer, "inform", message_id="answer"),
                slots={
                    "requested_slot": "phone",
                    "fault_type": "no_heat",
                    "address": "金色家园12号楼3单元401",
                },
                active_loop="repair_form",
                slot_events={"phone": answer},
            ),
            domain,
        )
        assert "account_no" not in slot_values(events), answer
        assert not any("查暖气费" in t for t in texts(dispatcher)), answer


@pytest.mark.parametrize(
    "answer",
    [
        f"{OWNER_PHONE[:-1]}0 哦不对 {OWNER_PHONE}",  # the number taken back is not the proof
        f"我电话{OWNER_PHONE[:-1]}9，说错了，是{OWNER_PHONE}",
    ],
)
async def test_a_phone_corrected_in_the_answer_proves_the_ticket(
    store: str, domain: dict[str, Any], answer: str
) -> None:
    number = _open(store)
    dispatcher = CollectingDispatcher()
    pending = f"{PROOF_PREFIX}cancel:{number}"
    await ActionHandleInform().run(dispatcher, _asked(pending, answer), domain)
    assert said(dispatcher, "utter_ask_cancel_confirm")["ticket_no"] == number


@pytest.mark.parametrize("answer", ["5678", "尾号5678", "后四位 5678"])
async def test_part_of_the_phone_is_asked_again_in_whole_and_the_request_kept(
    store: str, domain: dict[str, Any], answer: str
) -> None:
    number = _open(store)
    pending = f"{PROOF_PREFIX}cancel:{number}"
    dispatcher = CollectingDispatcher()
    events = await ActionHandleInform().run(dispatcher, _asked(pending, answer), domain)
    assert "完整号码" in texts(dispatcher)[0]
    assert slot_values(events)["pending"] == pending
    assert _ticket(store, number).status == "new"


def test_a_phone_after_the_ticket_number_is_read_as_the_phone() -> None:
    assert phone_in(f"取消BX202612010001 {OWNER_PHONE}") == OWNER_PHONE
    assert phone_in(f"BX 2026 1201 0001 {OWNER_PHONE}") == OWNER_PHONE
    assert phone_in("取消BX202612010001") is None


@pytest.mark.parametrize("text", ["怎么取消？", "取消要多久啊", "撤回的话钱退吗"])
def test_a_question_about_the_cancellation_is_no_yes(text: str) -> None:
    assert not repeats_cancellation(text, "BX202612070001", None)
    assert repeats_cancellation("对 取消", "BX202612070001", None)


async def test_a_question_at_the_confirmation_of_a_proved_ticket_keeps_that_ticket(
    store: str, domain: dict[str, Any]
) -> None:
    """怎么取消？ after the proof: the ticket is not this conversation's, and looking it up again
    said no ticket was found; the resident hears how to confirm, and a yes then cancels it."""
    number = _open(store)
    proof = CollectingDispatcher()
    events = await ActionHandleInform().run(
        proof, _asked(f"{PROOF_PREFIX}cancel:{number}", OWNER_PHONE), domain
    )
    pending = slot_values(events)["pending"]
    assert pending == f"cancel:{number}"
    dispatcher = CollectingDispatcher()
    events = await ActionAskCancelTicket().run(
        dispatcher, _asked(pending, "怎么取消？", "cancel_ticket"), domain
    )
    assert said(dispatcher, "utter_cancel_how")["ticket_no"] == number
    assert "utter_ticket_not_found" not in texts(dispatcher)
    assert slot_values(events)["pending"] == pending
    assert _ticket(store, number).status == "new"

    yes = CollectingDispatcher()
    await ActionHandleYesNo().run(yes, _asked(pending, "确认取消", "affirm"), domain)
    assert said(yes, "utter_ticket_cancelled")["ticket_no"] == number


@pytest.mark.parametrize("text", ["怎么取消测温的那个？", "另一个怎么取消"])
def test_a_question_about_another_ticket_is_not_about_the_one_asked(text: str) -> None:
    assert not asks_how_to_cancel(text, "BX202612070001", None)
    assert asks_how_to_cancel("怎么取消？", "BX202612070001", None)
    assert not asks_how_to_cancel("怎么取消？", "BX202612070001", "BX202612070002")


def test_the_policy_routes_the_same_pending_proof_the_actions_set() -> None:
    from bot.nlu.form_answer_policy import PROOF_PENDING

    assert PROOF_PENDING == PROOF_PREFIX
