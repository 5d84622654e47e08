"""Outages, tickets, hand-off, fallback, FAQ and opt-out actions."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

import actions.conversation
import actions.subscriptions
from actions.conversation import (
    AMOUNT_NEEDS_ACCOUNT,
    ActionAnswerFaq,
    ActionCorrectInfo,
    ActionFallback,
    ActionHandleInform,
    ActionHandleYesNo,
    ActionOutOfScope,
    ActionRequestHuman,
    ActionStopForm,
)
from actions.outage import ActionQueryOutage
from actions.subscriptions import ActionUnsubscribe
from actions.tickets import PROOF_PREFIX, ActionAskCancelTicket, ActionQueryTicket
from bot.policy import faq_answer, load_policy
from bot.policy.faq_sms import sms_faq_answer
from bot.services import tickets as ticket_service
from bot.store.db import session_scope
from bot.store.models import Binding, Subscription, Ticket
from bot.store.tickets import TicketDraft

from .conftest import NOW, has_event, offered, said, slot_values, texts, tracker, user_turn


def _open(store: str, sender: str = "tester", kind: str = "BX") -> str:
    with session_scope(store) as session:
        draft = TicketDraft(kind=kind, channel="rest", sender_id=sender, dedup_key=None)
        return ticket_service.open_ticket(session, load_policy(), draft, NOW).ticket_no


async def test_outage_in_a_named_community(domain: dict[str, Any]) -> None:
    dispatcher = CollectingDispatcher()
    await ActionQueryOutage().run(
        dispatcher, tracker(user_turn("幸福里小区停暖了吗", "query_outage")), domain
    )
    message = said(dispatcher, "utter_outage_found")
    assert message["community"] == "幸福里小区" and message["kind"] == "抢修停热"
    assert message["when"].startswith("已于") and "预计" in message["restore"]


async def test_a_located_community_comes_from_the_messages_metadata(
    domain: dict[str, Any],
) -> None:
    located = {**user_turn("/query_outage", "query_outage", channel="wechat")}
    located["metadata"] = {"community": "幸福里小区"}
    dispatcher = CollectingDispatcher()
    await ActionQueryOutage().run(dispatcher, tracker(located), domain)
    assert said(dispatcher, "utter_outage_found")["community"] == "幸福里小区"
    unknown = {**located, "metadata": {"community": "不存在的小区"}}
    dispatcher = CollectingDispatcher()
    await ActionQueryOutage().run(dispatcher, tracker(unknown), domain)
    assert said(dispatcher, "utter_ask_community")


async def test_no_outage_offers_a_repair(domain: dict[str, Any]) -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionQueryOutage().run(
        dispatcher, tracker(user_turn("和平里停暖了吗", "query_outage")), domain
    )
    assert said(dispatcher, "utter_no_outage")["community"] == "和平里"
    assert slot_values(events) == {"pending": "repair"}
    yes = CollectingDispatcher()
    events = await ActionHandleYesNo().run(yes, offered("repair", "好的", "affirm"), domain)
    assert has_event(events, "followup", "repair_form")


async def test_outage_without_a_community_asks_for_it(domain: dict[str, Any]) -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionQueryOutage().run(
        dispatcher, tracker(user_turn("停暖了吗", "query_outage")), domain
    )
    assert "幸福里小区" in said(dispatcher, "utter_ask_community")["current"]
    assert slot_values(events) == {"pending": "outage_community"}


async def test_a_ticket_of_another_sender_shows_nothing_and_asks_for_its_phone(
    store: str, domain: dict[str, Any]
) -> None:
    """Nothing of it is shown; the ticket's contact phone is asked for (player findings 2,
    class G: `bot.services.ticket_proof`), in the same words whether it exists or not."""
    theirs = _open(store, sender="someone-else")
    dispatcher = CollectingDispatcher()
    await ActionQueryTicket().run(
        dispatcher,
        tracker(
            user_turn(
                f"查一下{theirs}",
                "query_ticket",
                entities=[{"entity": "ticket_no", "value": theirs.lower()}],
            )
        ),
        domain,
    )
    assert "utter_ticket_status" not in texts(dispatcher)
    assert "联系电话" in texts(dispatcher)[0]


async def test_own_tickets_are_listed(store: str, domain: dict[str, Any]) -> None:
    mine = _open(store)
    dispatcher = CollectingDispatcher()
    await ActionQueryTicket().run(
        dispatcher, tracker(user_turn("报修进度", "query_ticket")), domain
    )
    message = said(dispatcher, "utter_ticket_status")
    assert message["ticket_no"] == mine and message["kind"] == "报修"


async def test_cancellation_asks_then_cancels(store: str, domain: dict[str, Any]) -> None:
    mine = _open(store)
    ask = CollectingDispatcher()
    events = await ActionAskCancelTicket().run(
        ask, tracker(user_turn("取消报修", "cancel_ticket")), domain
    )
    assert slot_values(events) == {"pending": f"cancel:{mine}"}
    with session_scope(store) as session:
        assert session.query(Ticket).filter_by(ticket_no=mine).one().status == "new"
    done = CollectingDispatcher()
    await ActionHandleYesNo().run(done, offered(f"cancel:{mine}", "确定", "affirm"), domain)
    said(done, "utter_ticket_cancelled")
    with session_scope(store) as session:
        assert session.query(Ticket).filter_by(ticket_no=mine).one().status == "cancelled"


async def test_a_finished_ticket_cannot_be_cancelled(store: str, domain: dict[str, Any]) -> None:
    from bot.store import tickets as ticket_store

    mine = _open(store)
    with session_scope(store) as session:
        ticket = ticket_store.get_ticket(session, mine)
        assert ticket is not None
        for status in ("assigned", "in_progress", "done"):
            ticket_store.change_status(session, ticket, status, NOW, actor="test")
    dispatcher = CollectingDispatcher()
    await ActionHandleYesNo().run(dispatcher, offered(f"cancel:{mine}", "是的", "affirm"), domain)
    assert said(dispatcher, "utter_ticket_not_cancellable")["status"] == "已完成"


async def test_request_human_keeps_the_transcript(store: str, domain: dict[str, Any]) -> None:
    turns = [
        user_turn("暖气一直不热", "report_repair", message_id="1"),
        {"event": "bot", "text": "请告诉我详细地址"},
        user_turn("转人工", "request_human", message_id="2"),
    ]
    dispatcher = CollectingDispatcher()
    events = await ActionRequestHuman().run(
        dispatcher, tracker(*turns, active_loop="repair_form"), domain
    )
    message = said(dispatcher, "utter_human_callback")
    assert message["first_reply"] == "11月27日 11:00"
    assert has_event(events, "active_loop", None)
    with session_scope(store) as session:
        ticket = session.query(Ticket).filter_by(ticket_no=message["ticket_no"]).one()
        lines = (
            ticket.transcript
            if isinstance(ticket.transcript, list)
            else json.loads(ticket.transcript)
        )
    assert [line["text"] for line in lines] == ["暖气一直不热", "请告诉我详细地址", "转人工"]


async def test_fallback_rephrase_then_offer_a_person(domain: dict[str, Any]) -> None:
    once = [user_turn("嗯嗯那个啥", "nlu_fallback", message_id="1")]
    dispatcher = CollectingDispatcher()
    await ActionFallback().run(dispatcher, tracker(*once), domain)
    assert texts(dispatcher) == ["utter_ask_rephrase"]
    twice = [*once, {"event": "rewind"}, user_turn("就那个", "nlu_fallback", message_id="2")]
    dispatcher = CollectingDispatcher()
    events = await ActionFallback().run(dispatcher, tracker(*twice), domain)
    assert texts(dispatcher) == ["utter_offer_human"]
    assert slot_values(events) == {"pending": "human"}


@pytest.mark.parametrize(
    ("text", "response"),
    [
        ("", "utter_empty_message"),
        ("😀😀", "utter_empty_message"),
        ("啊" * 5000, "utter_message_too_long"),
    ],
)
async def test_fallback_explains_odd_input(
    text: str, response: str, domain: dict[str, Any]
) -> None:
    dispatcher = CollectingDispatcher()
    await ActionFallback().run(dispatcher, tracker(user_turn(text, "nlu_fallback")), domain)
    assert texts(dispatcher) == [response]


async def test_faq_answers_come_from_the_active_policy(
    monkeypatch: pytest.MonkeyPatch, domain: dict[str, Any]
) -> None:
    selector = {"faq": {"response": {"intent_response_key": "faq/room_temp_standard"}}}
    turn = user_turn("室温多少度算达标", "faq", response_selector=selector)

    async def answer(rules: Any) -> str:
        monkeypatch.setattr(actions.conversation, "policy", lambda: rules)
        dispatcher = CollectingDispatcher()
        await ActionAnswerFaq().run(dispatcher, tracker(turn), domain)
        return str(dispatcher.messages[0]["text"])

    beijing, tianjin = load_policy("beijing"), load_policy("tianjin")
    assert "6小时" in await answer(beijing)
    assert "24小时内上门" in await answer(tianjin)
    warmer = beijing.copy(
        update={"room_temperature": beijing.room_temperature.copy(update={"minimum_c": 20.0})}
    )
    assert "不低于20℃" in await answer(warmer)


async def test_an_sms_sender_gets_the_faq_answers_sms_form(domain: dict[str, Any]) -> None:
    selector = {"faq": {"response": {"intent_response_key": "faq/refund"}}}
    turn = user_turn("不热能退钱吗", "faq", response_selector=selector, channel="sms")
    dispatcher = CollectingDispatcher()
    await ActionAnswerFaq().run(dispatcher, tracker(turn, sender="sms:13700000001"), domain)
    rules = load_policy()
    assert dispatcher.messages[0]["text"] == sms_faq_answer(rules, "refund")
    assert dispatcher.messages[0]["text"] != faq_answer(rules, "refund")


async def test_unsubscribe_ends_every_subscription(store: str, domain: dict[str, Any]) -> None:
    from bot.store.subscriptions import subscribe

    with session_scope(store) as session:
        subscribe(session, "rest", "tester", "outage", NOW)
        subscribe(session, "rest", "tester", "bill", NOW)
    dispatcher = CollectingDispatcher()
    await ActionUnsubscribe().run(dispatcher, tracker(user_turn("退订", "unsubscribe")), domain)
    said(dispatcher, "utter_unsubscribed")
    with session_scope(store) as session:
        assert session.query(Subscription).filter_by(sender_id="tester", active=True).count() == 0


async def test_stopping_a_form_creates_nothing(store: str, domain: dict[str, Any]) -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionStopForm().run(
        dispatcher,
        tracker(
            user_turn("算了不修了", "deny"),
            active_loop="repair_form",
            slots={"fault_type": "noise"},
        ),
        domain,
    )
    said(dispatcher, "utter_form_stopped")
    assert slot_values(events)["fault_type"] is None
    with session_scope(store) as session:
        assert session.query(Ticket).count() == 0


@pytest.mark.parametrize(
    ("text", "slot"),
    [("地址写错了", "address"), ("电话不对", "phone"), ("上门时间要改一下", "visit_time")],
)
async def test_correction_clears_the_named_value(
    text: str, slot: str, domain: dict[str, Any]
) -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionCorrectInfo().run(
        dispatcher, tracker(user_turn(text, "correct_info"), active_loop="repair_form"), domain
    )
    assert slot_values(events) == {slot: None}
    said(dispatcher, "utter_value_cleared")


async def test_due_times_shift_with_the_clock(store: str) -> None:
    with session_scope(store) as session:
        draft = TicketDraft(kind="TS", channel="rest", sender_id="x", dedup_key=None)
        ticket = ticket_service.open_ticket(session, load_policy(), draft, NOW + timedelta(hours=2))
    assert ticket.resolve_due == NOW + timedelta(hours=50)


async def test_a_stale_offer_is_not_carried_out_by_a_later_yes(
    store: str, domain: dict[str, Any]
) -> None:
    mine = _open(store)
    events = [
        user_turn("取消报修", "cancel_ticket", message_id="1"),
        {"event": "slot", "name": "pending", "value": f"cancel:{mine}"},
        user_turn("先查下进度", "query_ticket", message_id="2"),
        {"event": "bot", "text": "工单……"},
        user_turn("好的", "affirm", message_id="3"),
    ]
    dispatcher = CollectingDispatcher()
    await ActionHandleYesNo().run(
        dispatcher, tracker(*events, slots={"pending": f"cancel:{mine}"}), domain
    )
    assert texts(dispatcher) == ["utter_anything_else"]
    with session_scope(store) as session:
        assert session.query(Ticket).filter_by(ticket_no=mine).one().status == "new"


async def test_someone_elses_ticket_cannot_be_cancelled(store: str, domain: dict[str, Any]) -> None:
    theirs = _open(store, sender="neighbour")
    ask = CollectingDispatcher()
    events = await ActionAskCancelTicket().run(
        ask,
        tracker(
            user_turn(
                f"取消{theirs}",
                "cancel_ticket",
                entities=[{"entity": "ticket_no", "value": theirs}],
            )
        ),
        domain,
    )
    assert "联系电话" in texts(ask)[0]  # proved by the phone on it, or not at all
    assert slot_values(events) == {"pending": f"{PROOF_PREFIX}cancel:{theirs}"}
    forced = CollectingDispatcher()
    await ActionHandleYesNo().run(forced, offered(f"cancel:{theirs}", "是的", "affirm"), domain)
    with session_scope(store) as session:
        assert session.query(Ticket).filter_by(ticket_no=theirs).one().status == "new"


def _file(store: str, **fields: Any) -> str:
    """A ticket filed by some conversation (`channel`, `sender_id` and the rest as given)."""
    with session_scope(store) as session:
        draft = TicketDraft(kind="BX", dedup_key=None, **fields)
        return ticket_service.open_ticket(session, load_policy(), draft, NOW).ticket_no


def _ask_cancel(number: str) -> tuple[CollectingDispatcher, Tracker]:
    asked = tracker(
        user_turn(
            f"取消工单 {number}",
            "cancel_ticket",
            entities=[{"entity": "ticket_no", "value": number}],
        )
    )
    return CollectingDispatcher(), asked


async def test_a_bound_stranger_sees_the_owners_tickets_but_cannot_cancel_them(
    store: str, domain: dict[str, Any]
) -> None:
    """F2: whoever is bound to the account (a guesser, after F1) read and cancelled the owner's
    SMS repair; binding now shows tickets but withdrawing stays with the filing conversation."""
    owners = _file(
        store,
        channel="sms",
        sender_id="sms:13812345678",
        account_no="0102345678",
        phone="13812345678",
        description="暖气不热，电话13812345678",
    )
    with session_scope(store) as session:
        session.add(
            Binding(channel="rest", sender_id="tester", account_no="0102345678", created_at=NOW)
        )
    shown = CollectingDispatcher()
    await ActionQueryTicket().run(shown, tracker(user_turn("我的工单", "query_ticket")), domain)
    assert said(shown, "utter_ticket_status")["ticket_no"] == owners
    # Nothing the stranger sees of the ticket carries the owner's phone unmasked.
    assert "13812345678" not in json.dumps(shown.messages, ensure_ascii=False)
    ask, asked = _ask_cancel(owners)
    events = await ActionAskCancelTicket().run(ask, asked, domain)
    assert slot_values(events) == {"pending": None}
    [refusal] = texts(ask)
    assert owners in refusal and "不是在这个对话里提交的" in refusal and "转人工" in refusal
    forced = CollectingDispatcher()
    await ActionHandleYesNo().run(forced, offered(f"cancel:{owners}", "是的", "affirm"), domain)
    assert "不是在这个对话里提交的" in texts(forced)[0]
    with session_scope(store) as session:
        assert session.query(Ticket).filter_by(ticket_no=owners).one().status == "new"


async def test_an_urgent_ticket_is_never_cancelled_in_chat_the_duty_phone_is_given(
    store: str, domain: dict[str, Any]
) -> None:
    urgent = _file(store, channel="rest", sender_id="tester", urgent=True, fault_type="leak")
    ask, asked = _ask_cancel(urgent)
    events = await ActionAskCancelTicket().run(ask, asked, domain)
    assert slot_values(events) == {"pending": None}
    duty = load_policy().emergency.duty_phone
    # said once that it cannot be withdrawn online, with the duty phone (player findings 5, B)
    assert texts(ask) == ["utter_urgent_not_cancellable"]
    told = said(ask, "utter_urgent_not_cancellable")
    assert (told["ticket_no"], told["duty_phone"]) == (urgent, duty)
    forced = CollectingDispatcher()
    await ActionHandleYesNo().run(forced, offered(f"cancel:{urgent}", "是的", "affirm"), domain)
    assert said(forced, "utter_urgent_not_cancellable")["duty_phone"] == duty
    with session_scope(store) as session:
        assert session.query(Ticket).filter_by(ticket_no=urgent).one().status == "new"


async def test_a_cancellation_records_the_conversation_that_made_it(
    store: str, domain: dict[str, Any]
) -> None:
    from bot.store.models import TicketEvent

    mine = _open(store)
    await ActionHandleYesNo().run(
        CollectingDispatcher(), offered(f"cancel:{mine}", "确定", "affirm"), domain
    )
    with session_scope(store) as session:
        ticket = session.query(Ticket).filter_by(ticket_no=mine).one()
        [event] = session.query(TicketEvent).filter_by(ticket_id=ticket.id, kind="status").all()
        assert event.actor == "user:rest"
        assert event.detail["to"] == "cancelled" and event.detail["conversation"] == "tester"


async def test_hand_off_forgets_the_abandoned_form(store: str, domain: dict[str, Any]) -> None:
    events = await ActionRequestHuman().run(
        CollectingDispatcher(),
        tracker(
            user_turn("转人工", "request_human"),
            active_loop="repair_form",
            slots={"fault_type": "leak", "urgent_ticket_no": "BX202611270001"},
        ),
        domain,
    )
    slots = slot_values(events)
    assert slots["fault_type"] is None and slots["urgent_ticket_no"] is None


async def test_a_store_failure_becomes_a_polite_message(
    monkeypatch: pytest.MonkeyPatch, domain: dict[str, Any]
) -> None:
    async def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("database is locked for 13812345678")

    monkeypatch.setattr(actions.subscriptions, "in_db", broken)
    dispatcher = CollectingDispatcher()
    events = await ActionUnsubscribe().run(
        dispatcher, tracker(user_turn("退订", "unsubscribe")), domain
    )
    # not "recorded": the message is taken back, to be sent again; the hotline is named
    assert events == [{"event": "rewind", "timestamp": None}]
    assert texts(dispatcher) == ["utter_service_unavailable"]
    assert dispatcher.messages[0]["hotline"] == load_policy().company.hotline


async def test_an_outage_past_its_expected_end_promises_no_past_time(
    store: str, domain: dict[str, Any]
) -> None:
    from actions.outage import describe
    from bot.services.outages import OutageView

    late = OutageView(
        "emergency", "爆管", NOW - timedelta(hours=9), NOW - timedelta(hours=1), ("幸福里小区",)
    )
    assert "已超过原定恢复时间" in describe(late, "幸福里小区", NOW)["restore"]
    on_time = replace(late, expected_end_at=NOW + timedelta(hours=2))
    assert (
        describe(on_time, "幸福里小区", NOW)["restore"]
        == "预计 今天中午 12:00 恢复供热（约2小时后）。"
    )


@pytest.mark.parametrize(
    ("left", "said"),
    [
        (timedelta(hours=8), "（约8小时后）"),
        (timedelta(hours=7, minutes=59), "（约8小时后）"),
        (timedelta(minutes=40), "（约40分钟后）"),
        (timedelta(days=3), ""),  # the date says it
    ],
)
def test_the_restoration_is_also_told_as_time_left(left: timedelta, said: str) -> None:
    """Someone in a cold flat counts hours: 预计 21:57 恢复 left them working out "how long"."""
    from actions.outage import time_left

    assert time_left(left) == said


@pytest.mark.parametrize(
    ("text", "starts_repair"),
    [
        ("暖器不热 金色家园2号楼3单元502 13788889999 今天下午", True),
        ("阳光花园5号楼 暖气片漏水", True),
        ("金色家园2号楼3单元502", False),
    ],
)
async def test_a_value_with_a_fault_starts_the_repair_form(
    domain: dict[str, Any], text: str, starts_repair: bool
) -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionHandleInform().run(dispatcher, tracker(user_turn(text, "inform")), domain)
    assert has_event(events, "followup", "repair_form") is starts_repair
    assert ("utter_ask_what_for" in texts(dispatcher)) is not starts_repair


async def test_yes_to_a_second_request_runs_it(domain: dict[str, Any]) -> None:
    events = await ActionHandleYesNo().run(
        CollectingDispatcher(), offered("second:query_fee", "好的", "affirm"), domain
    )
    assert has_event(events, "followup", "verify_form")
    dispatcher = CollectingDispatcher()
    await ActionHandleYesNo().run(
        dispatcher, offered("second:query_outage", "好", "affirm"), domain
    )
    assert "utter_ask_community" in texts(dispatcher) or "utter_outage_found" in texts(dispatcher)


async def test_when_will_it_be_warm_after_a_stop_is_about_that_stop(domain: dict[str, Any]) -> None:
    told = {
        "event": "bot",
        "text": "幸福里小区抢修停热：主管线爆管抢修。",
        "metadata": {"utter_action": "utter_outage_found"},
    }
    season = {"faq": {"response": {"intent_response_key": "faq/heating_season"}}}
    follow_up = user_turn("那啥时候能好啊", "faq", response_selector=season, message_id="b")
    after_stop = tracker(
        user_turn("幸福里9号楼暖气冰凉", "query_outage", message_id="a"),
        told,
        follow_up,
        slots={"address": "幸福里小区9号楼"},
    )
    dispatcher = CollectingDispatcher()
    await ActionAnswerFaq().run(dispatcher, after_stop, domain)
    assert said(dispatcher, "utter_outage_found")["community"] == "幸福里小区"

    plain = CollectingDispatcher()
    await ActionAnswerFaq().run(plain, tracker(follow_up), domain)
    assert "utter_outage_found" not in texts(plain) and "11月15日" in plain.messages[0]["text"]


async def test_a_community_alone_after_an_outage_answer_asks_the_same_about_it(
    domain: dict[str, Any],
) -> None:
    told = {
        "event": "bot",
        "text": "幸福里小区抢修停热：主管线爆管抢修。",
        "metadata": {"utter_action": "utter_outage_found"},
    }
    dispatcher = CollectingDispatcher()
    t = tracker(
        user_turn("幸福里停暖了吗", "query_outage", message_id="a"),
        told,
        user_turn("那和平里呢", "inform", message_id="b"),
    )
    await ActionHandleInform().run(dispatcher, t, domain)
    assert said(dispatcher, "utter_no_outage")["community"] == "和平里"

    cold = CollectingDispatcher()
    await ActionHandleInform().run(cold, tracker(user_turn("和平里", "inform")), domain)
    assert texts(cold) == ["utter_ask_what_for"]


async def test_an_address_after_an_emergency_completes_its_urgent_ticket(
    store: str, domain: dict[str, Any]
) -> None:
    with session_scope(store) as session:
        draft = TicketDraft(
            kind="BX", channel="rest", sender_id="tester", fault_type="leak", urgent=True
        )
        urgent = ticket_service.open_ticket(session, load_policy(), draft, NOW).ticket_no
    dispatcher = CollectingDispatcher()
    t = tracker(
        user_turn("和平里小区4号楼1单元101，老人姓王", "inform"),
        slots={"urgent_ticket_no": urgent},
    )
    assert await ActionHandleInform().run(dispatcher, t, domain) == []
    # no phone yet: the resident is asked for one instead of reading "电话（未提供）"
    assert said(dispatcher, "utter_urgent_phone_missing")["ticket_no"] == urgent
    with session_scope(store) as session:
        ticket = session.query(Ticket).filter_by(ticket_no=urgent).one()
        assert ticket.community == "和平里" and "4号楼" in (ticket.address or "")
    phone = CollectingDispatcher()
    then = tracker(user_turn("13912345679", "inform"), slots={"urgent_ticket_no": urgent})
    await ActionHandleInform().run(phone, then, domain)
    assert said(phone, "utter_urgent_repair_updated")["phone"] == "139****5679"


async def test_a_follow_up_finds_the_community_named_a_few_messages_earlier(
    domain: dict[str, Any],
) -> None:
    dispatcher = CollectingDispatcher()
    t = tracker(
        user_turn("幸福里的 暖气一点都不热 还有顺便查下我家暖气费", "query_fee", message_id="a"),
        {"event": "bot", "text": "请提供您的供热户号"},
        user_turn("那什么时候能好", "query_outage", message_id="b"),
    )
    await ActionQueryOutage().run(dispatcher, t, domain)
    assert said(dispatcher, "utter_outage_found")["community"] == "幸福里小区"


@pytest.mark.parametrize(("text", "intent"), [("嗯嗯好", "affirm"), ("这个嘛", "affirm")])
async def test_a_yes_with_nothing_offered_inside_a_form_lets_the_form_ask_again(
    domain: dict[str, Any], text: str, intent: str
) -> None:
    dispatcher = CollectingDispatcher()
    await ActionHandleYesNo().run(
        dispatcher,
        tracker(
            user_turn(text, intent),
            slots={"requested_slot": "address"},
            active_loop="repair_form",
        ),
        domain,
    )
    # never "好的。还有什么可以帮您？" in the middle of a booking
    assert "utter_anything_else" not in texts(dispatcher)
    assert texts(dispatcher) == (["utter_take_your_time"] if text == "这个嘛" else [])


async def test_a_yes_with_nothing_offered_outside_a_form_asks_what_else(
    domain: dict[str, Any],
) -> None:
    dispatcher = CollectingDispatcher()
    await ActionHandleYesNo().run(dispatcher, tracker(user_turn("好的", "affirm")), domain)
    assert texts(dispatcher) == ["utter_anything_else"]


@pytest.mark.parametrize(
    ("text", "form", "expected"),
    [
        ("等一下 我找找", "repair_form", "utter_take_your_time"),
        ("等一下 我找找", None, "utter_out_of_scope"),
        ("燃气灶打不着火", "repair_form", "utter_out_of_scope"),
    ],
)
async def test_out_of_scope_in_a_form_gives_time_to_someone_looking(
    domain: dict[str, Any], text: str, form: str | None, expected: str
) -> None:
    dispatcher = CollectingDispatcher()
    await ActionOutOfScope().run(
        dispatcher,
        tracker(user_turn(text, "out_of_scope"), active_loop=form),
        domain,
    )
    assert texts(dispatcher) == [expected]


def _faq(key: str) -> dict[str, Any]:
    return {"faq": {"response": {"intent_response_key": f"faq/{key}"}}}


async def test_asking_them_to_come_and_measure_after_the_refund_rules_books_the_measurement(
    domain: dict[str, Any],
) -> None:
    rules = user_turn("不到18度要退费 你们给我退", "faq", response_selector=_faq("refund"))
    again = user_turn(
        "那你们先来测 测完了按规定退", "faq", response_selector=_faq("refund"), message_id="b"
    )
    dispatcher = CollectingDispatcher()
    events = await ActionAnswerFaq().run(dispatcher, tracker(rules, again), domain)
    assert has_event(events, "followup", "temp_check_form")
    assert texts(dispatcher) == []  # not the refund rules a second time


@pytest.mark.parametrize(
    ("earlier", "closed", "form"),
    [
        (user_turn("暖气不热", "report_repair"), False, "repair_form"),
        (user_turn("要退费", "faq", response_selector=_faq("refund")), False, "temp_check_form"),
        (user_turn("我要投诉", "file_complaint"), False, "complaint_form"),
        (user_turn("暖气不热", "report_repair"), True, None),  # that repair was already filed
        (user_turn("你好", "greet"), False, None),
    ],
)
async def test_details_sent_after_a_request_continue_it(
    domain: dict[str, Any], earlier: dict[str, Any], closed: bool, form: str | None
) -> None:
    filed = {"event": "bot", "text": "已登记", "metadata": {"utter_action": "utter_repair_created"}}
    details = user_turn("阳光花园2号楼1单元303 13122223333 工作日晚上", "inform", message_id="z")
    dispatcher = CollectingDispatcher()
    events = await ActionHandleInform().run(
        dispatcher, tracker(earlier, *([filed] if closed else []), details), domain
    )
    if form:
        assert has_event(events, "followup", form)
    else:
        assert texts(dispatcher) == ["utter_ask_what_for"]


async def test_booking_anyway_after_a_stop_keeps_the_fault_already_told(
    domain: dict[str, Any],
) -> None:
    t = tracker(
        user_turn("/report_repair", "report_repair", message_id="a", channel="sms"),
        {"event": "slot", "name": "requested_slot", "value": "fault_type"},
        user_turn("暖气一点都不热", "inform", message_id="b", channel="sms"),
        {"event": "slot", "name": "pending", "value": "repair_after_outage"},
        user_turn("/affirm", "affirm", message_id="c", channel="sms"),
        slots={"pending": "repair_after_outage"},
    )
    events = await ActionHandleYesNo().run(CollectingDispatcher(), t, domain)
    assert slot_values(events)["fault_type"] == "no_heat"
    assert has_event(events, "followup", "repair_form")


async def test_an_address_where_the_account_was_asked_gets_the_other_ways(
    domain: dict[str, Any],
) -> None:
    """金色家园 3号楼 1单元 102 in verification is someone without the account number; they were
    asked "what do you want to do?" and the account number again."""
    dispatcher = CollectingDispatcher()
    turn = user_turn("金色家园 3号楼 1单元 102", "inform")
    await ActionHandleInform().run(dispatcher, tracker(turn, active_loop="verify_form"), domain)
    assert texts(dispatcher) == [AMOUNT_NEEDS_ACCOUNT, "utter_verify_alternatives"]


@pytest.mark.parametrize(
    ("earlier", "intent", "selector"),
    [
        ("回家发现暖器冰凉冰凉的 咋回事啊", "nlu_fallback", None),
        ("暖气片有声音 哐哐响 能修吗", "faq", "faq/radiator_noise"),
    ],
)
async def test_an_address_after_a_fault_told_in_passing_books_the_repair(
    domain: dict[str, Any], earlier: str, intent: str, selector: str | None
) -> None:
    """A fault told in words the classifier took for a question (or an FAQ answer that ends
    "回复我要报修"), then the address: the repair form, not "what do you want to do?"."""
    first = user_turn(
        earlier,
        intent,
        message_id="a",
        response_selector={"faq": {"response": {"intent_response_key": selector}}}
        if selector
        else None,
    )
    dispatcher = CollectingDispatcher()
    events = await ActionHandleInform().run(
        dispatcher, tracker(first, user_turn("翠湖苑6号楼2单元1001", message_id="b")), domain
    )
    assert has_event(events, "followup", "repair_form")


@pytest.mark.parametrize(
    ("text", "slots", "answer", "kept"),
    [
        # at the address question: it corrects the fault (it ended the booking), the form asks again
        (
            "不是漏水。没有水。只是不能关。",
            {"requested_slot": "address", "fault_type": "leak"},
            ["utter_noted", "utter_ask_address"],
            True,
        ),
        # where the leak is: the urgent ticket's phone was never asked again
        (
            "不是我家里头 是楼道 公共的",
            {"requested_slot": "phone", "urgent_ticket_no": "BX202611270009"},
            ["utter_urgent_noted", "utter_ask_phone"],
            True,
        ),
        ("算了不修了", {"requested_slot": "address"}, ["utter_form_stopped"], False),
    ],
)
async def test_a_no_that_corrects_keeps_the_form_one_that_gives_up_stops_it(
    domain: dict[str, Any], text: str, slots: dict[str, Any], answer: list[str], kept: bool
) -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionStopForm().run(
        dispatcher,
        tracker(user_turn(text, "deny"), active_loop="repair_form", slots=slots),
        domain,
    )
    assert texts(dispatcher) == answer
    assert has_event(events, "active_loop", None) is not kept
    if kept and "urgent_ticket_no" not in slots:
        assert slot_values(events)["fault_type"] == "valve"


async def test_a_rambling_account_of_a_cold_radiator_books_a_repair(
    domain: dict[str, Any],
) -> None:
    text = "喂喂 是暖气公司吧 我是幸福里的 我们家暖气从早上那会儿就开始凉了 你给看看是怎么回事"
    dispatcher = CollectingDispatcher()
    events = await ActionFallback().run(
        dispatcher, tracker(user_turn(text, "nlu_fallback")), domain
    )
    assert has_event(events, "followup", "repair_form")


@pytest.mark.parametrize("action", [ActionAnswerFaq, ActionFallback])
async def test_when_right_after_a_stop_asks_about_that_stop(
    domain: dict[str, Any], action: type
) -> None:
    """那得嘛时候能来热的 after the 幸福里 stop was told got buttons of unrelated topics."""
    told = {
        "event": "bot",
        "text": "幸福里小区抢修停热…",
        "metadata": {"utter_action": "utter_outage_found"},
    }
    dispatcher = CollectingDispatcher()
    await action().run(
        dispatcher,
        tracker(
            user_turn("幸福里的暖气跟冰坨子似的", "report_repair", message_id="a"),
            told,
            user_turn("那得嘛时候能来热的 您给个准话儿", "nlu_fallback", message_id="b"),
        ),
        domain,
    )
    assert said(dispatcher, "utter_outage_found")["community"] == "幸福里小区"


async def test_no_stop_asked_about_in_a_booking_offers_nothing(domain: dict[str, Any]) -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionQueryOutage().run(
        dispatcher,
        tracker(user_turn("翠湖苑停暖了吗", "query_outage"), active_loop="repair_form"),
        domain,
    )
    assert texts(dispatcher) == ["utter_no_outage_here"]
    assert "pending" not in slot_values(events)


async def test_a_resident_chasing_a_late_request_hears_an_apology(
    store: str, domain: dict[str, Any]
) -> None:
    dispatcher = CollectingDispatcher()
    text = "我前天就报修了 到现在鬼影子都没见着 你们是不是把我忘了"
    await ActionQueryTicket().run(dispatcher, tracker(user_turn(text, "query_ticket")), domain)
    assert texts(dispatcher)[0] == "utter_sorry_for_the_wait"


async def test_an_unsure_question_in_the_middle_of_a_request_is_about_it(
    domain: dict[str, Any],
) -> None:
    """那基础费是多少 while applying for 报停 was offered buttons of unrelated fee topics."""
    ranking = [("stop_heating_policy", 0.37), ("fee_standard", 0.17), ("non_residential_fee", 0.06)]
    selector = {
        "faq": {
            "response": {"intent_response_key": "faq/stop_heating_policy"},
            "ranking": [{"intent_response_key": f"faq/{k}", "confidence": p} for k, p in ranking],
        }
    }
    stop = user_turn("我爸那套房子这个冬天没人住 能不能报停", "apply_stop_heating", message_id="a")
    asked = user_turn("那基础费是多少", "faq", message_id="b", response_selector=selector)
    dispatcher = CollectingDispatcher()
    await ActionAnswerFaq().run(dispatcher, tracker(stop, asked, active_loop="verify_form"), domain)
    assert texts(dispatcher) == [faq_answer(load_policy(), "stop_heating_policy")]
    elsewhere = CollectingDispatcher()
    await ActionAnswerFaq().run(elsewhere, tracker(asked), domain)
    assert texts(elsewhere) == ["utter_kb_offer"]


async def test_in_a_complaint_when_we_reply_is_answered_with_its_deadlines(
    domain: dict[str, Any],
) -> None:
    dispatcher = CollectingDispatcher()
    turn = user_turn("那恁们多咱给俺回话", "faq")
    await ActionAnswerFaq().run(dispatcher, tracker(turn, active_loop="complaint_form"), domain)
    deadlines = said(dispatcher, "utter_complaint_deadlines")
    rules = load_policy()
    assert deadlines["ack_hours"] == f"{rules.complaint.acknowledge_hours:g}"
    assert deadlines["reply_hours"] == f"{rules.response.first_reply_hours:g}"


async def test_when_will_you_reply_after_filing_is_the_request_s_status_not_a_hand_off(
    store: str, domain: dict[str, Any]
) -> None:
    """Found playing: 多久能给我回复 right after a complaint was filed (read as request_human) was
    put in the queue for a person, a second ticket, instead of told when the complaint is due."""
    number = _file(store, channel="rest", sender_id="tester", description="收了钱不给收据")
    dispatcher = CollectingDispatcher()
    await ActionRequestHuman().run(
        dispatcher, tracker(user_turn("多久能给我回复", "request_human")), domain
    )
    assert said(dispatcher, "utter_ticket_status")["ticket_no"] == number
    # with nothing on file, or a person asked for by name, it is the hand-off as before
    for text, sender in (("多久能给我回复", "nobody"), ("多久能给我回复 我要转人工", "tester")):
        handed = CollectingDispatcher()
        await ActionRequestHuman().run(
            handed, tracker(user_turn(text, "request_human"), sender=sender), domain
        )
        assert "utter_ticket_status" not in texts(handed)
