"""The hand-off action: queue and pause with agents on duty, WeChat's agents, else a call-back."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import (
    PHONE_WELCOME,
    ActionFallback,
    ActionHandleInform,
    ActionRequestHuman,
)
from bot.handoff.config import handoff_settings
from bot.store import tickets as ticket_store
from bot.store.agents import add_agent, touch
from bot.store.db import session_scope
from bot.store.models import HandoffSession, Ticket, WebhookDelivery

from .conftest import NOW, said, slot_values, texts, tracker, user_turn


@pytest.fixture(autouse=True)
def targets(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Hand-off settings are re-read for each test (they are cached per process)."""
    monkeypatch.delenv("HANDOFF_TARGETS", raising=False)
    handoff_settings.cache_clear()
    yield
    handoff_settings.cache_clear()


def _on_duty(store: str, username: str = "wang") -> None:
    with session_scope(store) as session:
        agent = add_agent(session, username, "王客服", "agent", "x", NOW)
        touch(session, agent, NOW)


def _sessions(store: str) -> list[HandoffSession]:
    with session_scope(store) as session:
        rows = session.query(HandoffSession).order_by(HandoffSession.id).all()
        session.expunge_all()
        return rows


def _paused(events: list[dict[str, Any]]) -> bool:
    return any(e.get("event") == "pause" for e in events)


async def test_with_an_agent_on_duty_the_conversation_is_queued_and_the_bot_pauses(
    store: str, domain: dict[str, Any]
) -> None:
    _on_duty(store)
    dispatcher = CollectingDispatcher()
    events = await ActionRequestHuman().run(
        dispatcher,
        tracker(
            user_turn("阳光花园5号楼1单元302 暖气不热", "report_repair", message_id="1"),
            user_turn("转人工", "request_human", message_id="2"),
            slots={"address": "阳光花园5号楼1单元302", "phone": "13812345678"},
        ),
        domain,
    )
    assert _paused(events)
    [message] = dispatcher.messages
    assert "转接人工客服" in message["text"] and "预计等待约1分钟" in message["text"]
    assert "10分钟内无人接入" in message["text"]  # the Beijing policy's pickup limit
    [handoff] = _sessions(store)
    assert (handoff.status, handoff.reason, handoff.urgency) == ("queued", "request_human", 0)
    assert handoff.channel == "rest" and handoff.sender_id == "tester" and handoff.paused
    assert handoff.summary["phone"] == "13812345678"
    assert handoff.summary["address"] == "阳光花园5号楼1单元302"
    assert handoff.summary["last_message"] == "转人工"
    assert (handoff.pickup_due - handoff.created_at).total_seconds() == 600


async def test_asking_again_keeps_the_place_in_the_queue(
    store: str, domain: dict[str, Any]
) -> None:
    _on_duty(store)
    for sender in ("first", "second", "second"):
        await ActionRequestHuman().run(
            CollectingDispatcher(),
            tracker(user_turn("转人工", "request_human"), sender=sender),
            domain,
        )
    assert [h.sender_id for h in _sessions(store)] == ["first", "second"]
    dispatcher = CollectingDispatcher()
    await ActionRequestHuman().run(
        dispatcher, tracker(user_turn("人呢", "request_human"), sender="second"), domain
    )
    assert "您前面还有1位" in dispatcher.messages[0]["text"]


async def test_a_complaint_jumps_ahead_of_ordinary_requests(
    store: str, domain: dict[str, Any]
) -> None:
    _on_duty(store)
    await ActionRequestHuman().run(
        CollectingDispatcher(), tracker(user_turn("转人工", "request_human"), sender="a"), domain
    )
    dispatcher = CollectingDispatcher()
    await ActionRequestHuman().run(
        dispatcher,
        tracker(
            user_turn("我要投诉维修师傅", "file_complaint", message_id="1"),
            user_turn("我要找人工", "request_human", message_id="2"),
            sender="b",
            active_loop="complaint_form",
        ),
        domain,
    )
    complaint = _sessions(store)[1]
    assert (complaint.reason, complaint.urgency) == ("complaint", 1)
    assert "您前面还有" not in dispatcher.messages[0]["text"]  # first in the queue


async def test_nobody_on_duty_opens_a_call_back_ticket_and_keeps_the_bot(
    store: str, domain: dict[str, Any]
) -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionRequestHuman().run(
        dispatcher, tracker(user_turn("转人工", "request_human")), domain
    )
    assert texts(dispatcher) == ["utter_human_callback"]
    # No phone known: the promise names how they will hear back, never "通过 当前对话".
    contact = said(dispatcher, "utter_human_callback")["contact"]
    assert contact.startswith("在这个对话里回复您") and "留一个电话" in contact
    assert not _paused(events) and _sessions(store) == []
    with session_scope(store) as session:
        assert session.query(Ticket).filter_by(kind="RG").count() == 1


async def test_asking_again_while_the_call_back_waits_adds_to_it_not_a_second_one(
    store: str, domain: dict[str, Any]
) -> None:
    first, second = CollectingDispatcher(), CollectingDispatcher()
    await ActionRequestHuman().run(
        first, tracker(user_turn("转人工", "request_human", message_id="a")), domain
    )
    later = tracker(
        user_turn("转人工", "request_human", message_id="a"),
        user_turn("甭问了 找个活人来跟我说", "request_human", message_id="b"),
    )
    await ActionRequestHuman().run(second, later, domain)
    number = said(first, "utter_human_callback")["ticket_no"]
    assert said(second, "utter_human_callback")["ticket_no"] == number
    with session_scope(store) as session:
        [ticket] = session.query(Ticket).filter_by(kind="RG").all()
        notes = [e.detail for e in ticket_store.events_of(session, ticket) if e.kind == "note"]
    assert notes == [{"text": "甭问了 找个活人来跟我说"}]


async def test_a_frustrated_user_is_handed_over_without_another_offer(
    store: str, domain: dict[str, Any]
) -> None:
    _on_duty(store)
    misses = [user_turn(t, "nlu_fallback", message_id=t) for t in ("啊啊", "呃呃", "哦哦")]
    dispatcher = CollectingDispatcher()
    events = await ActionFallback().run(dispatcher, tracker(*misses), domain)
    assert _paused(events) and events[0]["event"] == "rewind"
    [handoff] = _sessions(store)
    assert (handoff.reason, handoff.summary["frustration"]) == ("frustration", "fallbacks")

    angry = CollectingDispatcher()
    events = await ActionFallback().run(
        angry, tracker(user_turn("什么破机器人，气死我了", "nlu_fallback"), sender="angry"), domain
    )
    assert _paused(events)
    assert _sessions(store)[1].summary["frustration"] == "angry_words"


async def test_wechat_users_go_to_wechat_agents_when_configured(
    store: str, domain: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HANDOFF_TARGETS", "console,wechat_kf")
    monkeypatch.setenv("HANDOFF_WECHAT_KF_ACCOUNT", "kf2001@gh_demo")
    handoff_settings.cache_clear()
    dispatcher = CollectingDispatcher()
    events = await ActionRequestHuman().run(
        dispatcher, tracker(user_turn("转人工", "request_human", channel="wechat")), domain
    )
    assert not _paused(events)  # WeChat holds the session; messages come back to us after it
    assert dispatcher.messages[-1]["custom"] == {
        "handoff": "wechat_kf",
        "kf_account": "kf2001@gh_demo",
    }
    [handoff] = _sessions(store)
    assert (handoff.targets, handoff.status) == ("wechat_kf", "closed")

    web = CollectingDispatcher()  # other channels still use the console
    _on_duty(store)
    events = await ActionRequestHuman().run(
        web, tracker(user_turn("转人工", "request_human", channel="socketio"), sender="w"), domain
    )
    assert _paused(events) and _sessions(store)[1].targets == "console"


async def test_the_webhook_target_queues_a_signed_event_for_the_call_centre(
    store: str, domain: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HANDOFF_TARGETS", "webhook")
    monkeypatch.setenv("HANDOFF_WEBHOOK_URL", "https://crm.example.com/heating")
    monkeypatch.setenv("HANDOFF_WEBHOOK_SECRET", "s" * 32)
    handoff_settings.cache_clear()
    events = await ActionRequestHuman().run(
        CollectingDispatcher(),
        tracker(user_turn("你好", "greet", message_id="1"), user_turn("转人工", "request_human")),
        domain,
    )
    assert _paused(events)  # the call centre counts as staffed
    with session_scope(store) as session:
        [delivery] = session.query(WebhookDelivery).all()
        assert delivery.event == "handoff.opened" and delivery.status == "pending"
        assert [line["text"] for line in delivery.body["transcript"]] == ["你好", "转人工"]
        assert delivery.body["conversation"]["sender_id"] == "tester"


async def test_hand_off_inside_a_form_closes_it(store: str, domain: dict[str, Any]) -> None:
    _on_duty(store)
    events = await ActionRequestHuman().run(
        CollectingDispatcher(),
        tracker(
            user_turn("转人工", "request_human"),
            slots={"fault_type": "noise", "requested_slot": "address"},
            active_loop="repair_form",
        ),
        domain,
    )
    assert slot_values(events)["fault_type"] is None and _paused(events)
    assert _sessions(store)[0].summary["fault_type"] == "noise"


@pytest.mark.parametrize(
    ("number", "stored"),
    [
        ("13011112222", "13011112222"),  # the players' pl-042: asked what business they had
        ("打我手机吧 13566667777", "13566667777"),
        ("座机010-84561234", "010-84561234"),
        ("好的 139 1234 5678 白天都能接", "13912345678"),
    ],
)
async def test_a_phone_left_after_the_call_back_asked_for_one_is_its_phone(
    store: str, domain: dict[str, Any], number: str, stored: str
) -> None:
    """Players' class I: the call-back said 方便的话留一个电话, the number was not taken."""
    first = CollectingDispatcher()
    opened = user_turn("我不跟机器人说 给我转人工", "request_human", message_id="a")
    await ActionRequestHuman().run(first, tracker(opened), domain)
    asked = {"event": "bot", "text": f"已为您转人工。客服人员会{PHONE_WELCOME}。"}
    dispatcher = CollectingDispatcher()
    await ActionHandleInform().run(
        dispatcher,
        tracker(
            opened,
            asked,
            user_turn(number, "inform", message_id="b"),
        ),
        domain,
    )
    assert texts(dispatcher) == ["utter_human_callback"]
    assert said(dispatcher, "utter_human_callback")["ticket_no"] == said(
        first, "utter_human_callback"
    )["ticket_no"]
    with session_scope(store) as session:
        [ticket] = session.query(Ticket).filter_by(kind="RG").all()
        assert ticket.phone == stored
