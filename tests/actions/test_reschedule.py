"""A resident moves the visit they booked (明天下午我有事 能改到后天上午吗).

The clock is pinned to Friday 2026-11-27 10:00 (tests/actions/conftest.py): 明天 is Saturday
the 28th, 后天 Sunday the 29th. The new window is read from the words after the change cue, the
ticket's window and deadlines move in the store with an `updated` event, and what cannot be
moved from the chat (an urgent ticket, a finished one) goes to a person as before.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import (
    MOVE_VISIT,
    ActionCorrectAfterSubmit,
    ActionCorrectInfo,
    ActionHandleInform,
)
from bot.nlu.reschedule import asks_to_reschedule, moves_a_visit
from bot.policy import load_policy
from bot.services import tickets as ticket_service
from bot.store.db import session_scope
from bot.store.models import Ticket, TicketEvent
from bot.store.tickets import TicketDraft

from .conftest import NOW, said, slot_values, texts, tracker, user_turn


def _booked(store: str, urgent: bool = False, status: str = "new") -> str:
    """A repair this conversation booked for tomorrow afternoon (Saturday 13:00–18:00)."""
    start = (NOW + timedelta(days=1)).replace(hour=13)
    with session_scope(store) as session:
        draft = TicketDraft(
            kind="BX",
            channel="rest",
            sender_id="tester",
            dedup_key=f"bx-move-{urgent}-{status}",
            fault_type="leak" if urgent else "no_heat",
            urgent=urgent,
            address="和平里5号楼2单元301",
            phone="13910002233",
            visit_start=start,
            visit_end=start.replace(hour=18),
        )
        ticket_no = ticket_service.open_ticket(session, load_policy(), draft, NOW).ticket_no
        if status != "new":
            session.query(Ticket).filter_by(ticket_no=ticket_no).one().status = status
        return ticket_no


def _window(store: str, ticket_no: str) -> tuple[datetime, datetime, list[dict[str, Any]]]:
    with session_scope(store) as session:
        ticket = session.query(Ticket).filter_by(ticket_no=ticket_no).one()
        updates = [
            e.detail
            for e in session.query(TicketEvent).filter_by(ticket_id=ticket.id, kind="updated")
        ]
        local = NOW.tzinfo
        return ticket.visit_start.astimezone(local), ticket.visit_end.astimezone(local), updates


def test_the_new_time_is_the_one_after_the_change_word() -> None:
    wish = asks_to_reschedule("不好意思 明天下午我有事 能改到后天上午吗", NOW)
    assert wish is not None and wish.window is not None
    assert (wish.window.start.day, wish.window.start.hour, wish.window.end.hour) == (29, 8, 12)


def test_a_move_without_a_new_time_is_still_a_move() -> None:
    wish = asks_to_reschedule("明天我不在家 换个时间吧", NOW)
    assert wish is not None and wish.window is None


def test_moving_other_things_is_no_visit_move() -> None:
    for text in ("父母去世了 暖气户头怎么改到我名下", "能申请改成按计量收费吗", "后天上午"):
        assert not moves_a_visit(text), text
        assert asks_to_reschedule(text, NOW) is None, text


async def test_the_booked_visit_moves_and_the_resident_hears_the_new_window(
    store: str, domain: dict[str, Any]
) -> None:
    ticket_no = _booked(store)
    dispatcher = CollectingDispatcher()
    events = await ActionCorrectAfterSubmit().run(
        dispatcher,
        tracker(user_turn("不好意思 明天下午我有事 能改到后天上午吗", "correct_info")),
        domain,
    )
    moved = said(dispatcher, "utter_visit_moved")
    assert moved["ticket_no"] == ticket_no
    assert "11月29日" in moved["window"]
    assert slot_values(events)["pending"] is None
    start, end, updates = _window(store, ticket_no)
    assert (start.day, end.day) == (29, 29)
    assert any("visit_start" in u for u in updates)


async def test_a_move_without_a_time_asks_when_and_the_answer_moves_it(
    store: str, domain: dict[str, Any]
) -> None:
    ticket_no = _booked(store)
    dispatcher = CollectingDispatcher()
    events = await ActionCorrectAfterSubmit().run(
        dispatcher, tracker(user_turn("明天我不在家 换个时间吧", "correct_info")), domain
    )
    assert "utter_ask_new_visit_time" in texts(dispatcher)
    assert slot_values(events)["pending"] == MOVE_VISIT
    answer = tracker(
        user_turn("明天我不在家 换个时间吧", "correct_info", message_id="first"),
        {"event": "slot", "name": "pending", "value": MOVE_VISIT},
        user_turn("下周一上午", "inform"),
        slots={"pending": MOVE_VISIT},
    )
    dispatcher = CollectingDispatcher()
    await ActionHandleInform().run(dispatcher, answer, domain)
    assert said(dispatcher, "utter_visit_moved")["ticket_no"] == ticket_no
    start, _, _ = _window(store, ticket_no)
    assert (start.day, start.hour) == (30, 8)


async def test_an_urgent_ticket_is_not_moved_from_the_chat(
    store: str, domain: dict[str, Any]
) -> None:
    ticket_no = _booked(store, urgent=True)
    before = _window(store, ticket_no)
    dispatcher = CollectingDispatcher()
    await ActionCorrectAfterSubmit().run(
        dispatcher, tracker(user_turn("能改到后天上午吗", "correct_info")), domain
    )
    assert "utter_visit_moved" not in texts(dispatcher)
    assert _window(store, ticket_no)[:2] == before[:2]


async def test_a_visit_already_under_way_is_not_moved(store: str, domain: dict[str, Any]) -> None:
    ticket_no = _booked(store, status="in_progress")
    before = _window(store, ticket_no)
    dispatcher = CollectingDispatcher()
    await ActionCorrectAfterSubmit().run(
        dispatcher, tracker(user_turn("能改到后天上午吗", "correct_info")), domain
    )
    assert "utter_visit_moved" not in texts(dispatcher)
    assert _window(store, ticket_no)[:2] == before[:2]


async def test_a_new_time_said_while_the_form_runs_replaces_the_window(
    store: str, domain: dict[str, Any]
) -> None:
    conversation = tracker(
        user_turn("明天下午不行 改到后天上午吧", "correct_info"),
        active_loop="repair_form",
        slots={"visit_time": "2026-11-28T13:00:00+08:00/2026-11-28T18:00:00+08:00"},
    )
    dispatcher = CollectingDispatcher()
    events = await ActionCorrectInfo().run(dispatcher, conversation, domain)
    assert "utter_visit_time_changed" in texts(dispatcher)
    assert slot_values(events)["visit_time"].startswith("2026-11-29T08:00:00+08:00")


def test_what_the_bot_said_counts_only_within_the_last_messages() -> None:
    from actions.common import bot_said_within

    asked = {"event": "bot", "text": "…", "metadata": {"utter_action": "utter_ask_phone_last4"}}
    near = tracker(user_turn("查费", message_id="a"), asked, user_turn("那还能怎么查"))
    far = tracker(
        user_turn("查费", message_id="a"),
        asked,
        *[user_turn(f"第{n}句", message_id=f"m{n}") for n in range(4)],
    )
    assert bot_said_within(near, {"utter_ask_phone_last4"}, 3)
    assert not bot_said_within(far, {"utter_ask_phone_last4"}, 3)
    assert not bot_said_within(near, {"utter_verify_failed"}, 3)


@pytest.mark.parametrize(
    ("asked", "answer"),
    [
        ("我之前约了测温 CW202612070001 想改个时间", "周五上午"),  # the players' pl-053
        ("师傅那个上门时间我想换一下", "下周二下午吧"),
        ("能不能改个日子 明天家里没人", "后天 全天都在"),
        ("预约的时间不合适 帮我调一下", "12月3号上午十点"),
    ],
)
async def test_the_new_time_asked_for_is_never_ignored(
    domain: dict[str, Any], asked: str, answer: str
) -> None:
    """Players' class I: with no visit this chat could move (the ticket was booked elsewhere),
    the time the bot had just asked for got "请问您想办理什么业务"."""
    said_after = tracker(
        user_turn(asked, "correct_info", message_id="first"),
        {"event": "slot", "name": "pending", "value": MOVE_VISIT},
        user_turn(answer, "inform"),
        slots={"pending": MOVE_VISIT},
    )
    dispatcher = CollectingDispatcher()
    events = await ActionHandleInform().run(dispatcher, said_after, domain)
    assert texts(dispatcher) == ["utter_correct_after_submit"]
    assert slot_values(events)["pending"] == "change_ticket"
