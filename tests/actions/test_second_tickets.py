"""The right ticket withdrawn (red-team F7, F10): a cancellation picks the ticket its words mean,
or asks which; a typed button title answers as the button."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.tickets import ActionAskCancelTicket, ActionQueryTicket
from bot.policy import load_policy
from bot.services import tickets as ticket_service
from bot.store.db import session_scope
from bot.store.models import Ticket
from bot.store.tickets import TicketDraft

from .conftest import NOW, said, slot_values, texts, tracker, user_turn

HOME = "阳光花园5号楼1单元302"


def _open(
    store: str, kind: str = "BX", address: str | None = HOME, sender: str = "tester", **extra: Any
) -> str:
    with session_scope(store) as session:
        draft = TicketDraft(
            kind=kind,
            channel="rest",
            sender_id=sender,
            dedup_key=None,
            address=address,
            fault_type="no_heat" if kind == "BX" else None,
            **extra,
        )
        return ticket_service.open_ticket(session, load_policy(), draft, NOW).ticket_no


def _tickets(store: str) -> list[Ticket]:
    with session_scope(store) as session:
        rows = session.query(Ticket).order_by(Ticket.id).all()
        session.expunge_all()
        return rows


def _typed_title(pending: str, title: str, payload: str, intent: str) -> Tracker:
    """The bot offered `pending` with a button titled `title`; the resident typed the title."""
    return tracker(
        user_turn("…", "inform", message_id="before"),
        {"event": "slot", "name": "pending", "value": pending},
        {"event": "bot", "text": "…", "data": {"buttons": [{"title": title, "payload": payload}]}},
        user_turn(title, intent, message_id="typed"),
        slots={"pending": pending},
    )


# ---- F7: which ticket ---------------------------------------------------------------------------


async def test_the_fitter_need_not_come_means_the_repair_not_the_complaint(
    store: str, domain: dict[str, Any]
) -> None:
    repair = _open(store)
    _open(store, kind="TS", address=None)  # newer
    dispatcher = CollectingDispatcher()
    events = await ActionAskCancelTicket().run(
        dispatcher, tracker(user_turn("师傅不用来了，把工单取消了吧", "cancel_ticket")), domain
    )
    assert said(dispatcher, "utter_ask_cancel_confirm")["ticket_no"] == repair
    assert slot_values(events) == {"pending": f"cancel:{repair}"}


async def test_several_tickets_that_could_be_meant_are_listed_to_choose_from(
    store: str, domain: dict[str, Any]
) -> None:
    first = _open(store)
    second = _open(store, address="和平里小区1号楼1单元101")
    dispatcher = CollectingDispatcher()
    events = await ActionAskCancelTicket().run(
        dispatcher, tracker(user_turn("报修不用了，取消吧", "cancel_ticket")), domain
    )
    asked = said(dispatcher, "utter_ask_which_ticket")
    assert first in asked["listing"] and second in asked["listing"]
    assert HOME in asked["listing"]  # the resident can tell them apart
    payloads = [b["payload"] for b in asked["buttons"]]
    assert payloads == [
        f'/cancel_ticket{{"ticket_no":"{second}"}}',
        f'/cancel_ticket{{"ticket_no":"{first}"}}',
    ]
    assert "utter_ask_cancel_confirm" not in texts(dispatcher)
    # a number typed in answer picks that one for the confirmation
    pick = CollectingDispatcher()
    chosen = tracker(
        user_turn("报修不用了，取消吧", "cancel_ticket", message_id="a"),
        *[{"event": "slot", "name": k, "value": v} for k, v in slot_values(events).items()],
        user_turn(first, "query_ticket", message_id="b"),
        slots=slot_values(events),
    )
    await ActionQueryTicket().run(pick, chosen, domain)
    assert said(pick, "utter_ask_cancel_confirm")["ticket_no"] == first


async def test_just_now_means_the_newest_of_the_kind_named(
    store: str, domain: dict[str, Any]
) -> None:
    _open(store)
    newest = _open(store, address="和平里小区1号楼1单元101")
    dispatcher = CollectingDispatcher()
    await ActionAskCancelTicket().run(
        dispatcher, tracker(user_turn("刚才那个报修取消吧", "cancel_ticket")), domain
    )
    assert said(dispatcher, "utter_ask_cancel_confirm")["ticket_no"] == newest


async def test_a_kind_with_no_open_ticket_is_said_and_the_others_listed(
    store: str, domain: dict[str, Any]
) -> None:
    repair = _open(store)
    dispatcher = CollectingDispatcher()
    await ActionAskCancelTicket().run(
        dispatcher, tracker(user_turn("测温不用来了，取消", "cancel_ticket")), domain
    )
    asked = said(dispatcher, "utter_ask_which_ticket")
    assert asked["lead"] == "没有找到可以取消的测温工单。" and repair in asked["listing"]


async def test_a_single_open_ticket_is_confirmed_at_once(
    store: str, domain: dict[str, Any]
) -> None:
    only = _open(store, kind="CW", address=HOME)
    dispatcher = CollectingDispatcher()
    await ActionAskCancelTicket().run(
        dispatcher, tracker(user_turn("取消工单", "cancel_ticket")), domain
    )
    assert said(dispatcher, "utter_ask_cancel_confirm")["ticket_no"] == only


# ---- F10: a button's title typed out -------------------------------------------------------------


async def test_the_confirm_button_typed_out_cancels(store: str, domain: dict[str, Any]) -> None:
    mine = _open(store)
    t = _typed_title(f"cancel:{mine}", "确认取消", "/affirm", "cancel_ticket")
    dispatcher = CollectingDispatcher()
    events = await ActionAskCancelTicket().run(dispatcher, t, domain)
    assert said(dispatcher, "utter_ticket_cancelled")["ticket_no"] == mine
    assert "utter_ask_cancel_confirm" not in texts(dispatcher)
    assert slot_values(events) == {"pending": None}
    assert _tickets(store)[0].status == "cancelled"


async def test_the_keep_button_typed_out_keeps(store: str, domain: dict[str, Any]) -> None:
    mine = _open(store)
    t = _typed_title(f"cancel:{mine}", "不取消", "/deny", "cancel_ticket")
    dispatcher = CollectingDispatcher()
    await ActionAskCancelTicket().run(dispatcher, t, domain)
    assert texts(dispatcher) == ["utter_ticket_kept"]
    assert _tickets(store)[0].status == "new"
