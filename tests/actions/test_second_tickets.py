"""No ticket twice, and the right ticket withdrawn (red-team F5, F7, F10): a resident with an open
repair who reports the fault again hears of that ticket and may chase it; a cancellation picks
the ticket its words mean, or asks which; a typed button title answers as the button."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import ActionFallback, ActionHandleInform, ActionHandleYesNo
from actions.repair import OPEN_REPAIR, ActionSubmitRepair, ValidateRepairForm
from actions.tickets import ActionAskCancelTicket, ActionQueryTicket
from bot.policy import load_policy
from bot.services import tickets as ticket_service
from bot.store.db import session_scope
from bot.store.models import HandoffSession, Ticket, TicketEvent
from bot.store.tickets import TicketDraft

from .conftest import NOW, offered, said, slot_values, texts, tracker, user_turn

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


def _events(store: str, ticket_no: str) -> list[tuple[str, dict[str, Any]]]:
    with session_scope(store) as session:
        ticket = session.query(Ticket).filter_by(ticket_no=ticket_no).one()
        return [
            (e.kind, dict(e.detail or {}))
            for e in session.query(TicketEvent).filter_by(ticket_id=ticket.id)
        ]


def _typed_title(pending: str, title: str, payload: str, intent: str) -> Tracker:
    """The bot offered `pending` with a button titled `title`; the resident typed the title."""
    return tracker(
        user_turn("…", "inform", message_id="before"),
        {"event": "slot", "name": "pending", "value": pending},
        {"event": "bot", "text": "…", "data": {"buttons": [{"title": title, "payload": payload}]}},
        user_turn(title, intent, message_id="typed"),
        slots={"pending": pending},
    )


# ---- F5: the same fault reported again -----------------------------------------------------------


async def test_a_fault_reported_again_hears_of_the_open_ticket_and_files_nothing(
    store: str, domain: dict[str, Any]
) -> None:
    window = (NOW + timedelta(days=1), NOW + timedelta(days=1, hours=4))
    mine = _open(store, visit_start=window[0], visit_end=window[1])
    t = tracker(
        user_turn("暖气还是不热，你们快点派人来", "report_repair"),
        active_loop="repair_form",
        slots={"address": HOME, "phone": "13812345678", "visit_time": "2026-11-29T13:00"},
    )
    dispatcher = CollectingDispatcher()
    events = await ValidateRepairForm().run(dispatcher, t, domain)
    told = said(dispatcher, "utter_open_repair")
    assert told["ticket_no"] == mine and told["status"] == "已受理，等待派单"
    assert "上门时间" in told["detail"]  # the window the resident is waiting for
    slots = slot_values(events)
    assert slots["requested_slot"] is None  # the form ends here
    assert slots["pending"] == f"{OPEN_REPAIR}{mine}"
    assert slots["visit_time"] is None  # not a stale window for a later booking
    assert ("note", {"text": "暖气还是不热，你们快点派人来"}) in _events(store, mine)
    # the submit that follows the form files nothing
    submit = CollectingDispatcher()
    ended = tracker(
        user_turn("暖气还是不热，你们快点派人来", "report_repair"),
        slots={**t.slots, "details_confirmed": True},
        slot_events={"pending": f"{OPEN_REPAIR}{mine}"},  # set by the form in this turn
    )
    await ActionSubmitRepair().run(submit, ended, domain)
    assert [t.ticket_no for t in _tickets(store)] == [mine]


async def test_a_repair_at_another_home_is_a_new_repair(store: str, domain: dict[str, Any]) -> None:
    _open(store)
    dispatcher = CollectingDispatcher()
    await ValidateRepairForm().run(
        dispatcher,
        tracker(
            user_turn("和平里小区1号楼1单元101暖气不热", "report_repair"),
            active_loop="repair_form",
            slots={"address": "和平里小区1号楼1单元101"},
        ),
        domain,
    )
    assert "utter_open_repair" not in texts(dispatcher)


async def test_no_open_repair_books_as_before(store: str, domain: dict[str, Any]) -> None:
    done = _open(store)
    with session_scope(store) as session:
        ticket = session.query(Ticket).filter_by(ticket_no=done).one()
        ticket.status = "done"
    dispatcher = CollectingDispatcher()
    await ValidateRepairForm().run(
        dispatcher,
        tracker(user_turn("暖气又不热了", "report_repair"), active_loop="repair_form"),
        domain,
    )
    assert "utter_open_repair" not in texts(dispatcher)


async def test_yes_chases_the_open_ticket_and_says_what_was_promised(
    store: str, domain: dict[str, Any]
) -> None:
    mine = _open(store)
    dispatcher = CollectingDispatcher()
    events = await ActionHandleYesNo().run(
        dispatcher, offered(f"{OPEN_REPAIR}{mine}", "好的，催一下", "affirm"), domain
    )
    urged = said(dispatcher, "utter_ticket_urged")
    assert urged["ticket_no"] == mine and "前处理完毕" in urged["promise"]
    assert any(kind == "urged" for kind, _ in _events(store, mine))
    assert slot_values(events) == {"pending": None}


async def test_chasing_a_ticket_past_its_promise_goes_to_a_person(
    store: str, domain: dict[str, Any], monkeypatch: Any
) -> None:
    mine = _open(store)
    from bot.base import clock

    monkeypatch.setattr(clock, "now", lambda: NOW + timedelta(hours=3))  # first reply was due 1 h
    dispatcher = CollectingDispatcher()
    await ActionHandleYesNo().run(
        dispatcher, offered(f"{OPEN_REPAIR}{mine}", "催一下", "affirm"), domain
    )
    assert said(dispatcher, "utter_ticket_overdue")["ticket_no"] == mine
    handed = "utter_human_callback" in texts(dispatcher)
    with session_scope(store) as session:
        queued = session.query(HandoffSession).filter_by(reason="chase").count()
    assert handed or queued  # a call-back off duty, the agents' queue on duty


async def test_the_chase_button_typed_out_is_the_button(store: str, domain: dict[str, Any]) -> None:
    mine = _open(store)
    t = _typed_title(f"{OPEN_REPAIR}{mine}", "催一下", "/affirm", "nlu_fallback")
    dispatcher = CollectingDispatcher()
    await ActionFallback().run(dispatcher, t, domain)
    assert said(dispatcher, "utter_ticket_urged")["ticket_no"] == mine


async def test_details_after_the_open_ticket_is_named_are_added_to_it(
    store: str, domain: dict[str, Any]
) -> None:
    mine = _open(store)
    dispatcher = CollectingDispatcher()
    await ActionHandleInform().run(
        dispatcher, offered(f"{OPEN_REPAIR}{mine}", "卧室那组最凉，客厅还行", "inform"), domain
    )
    assert said(dispatcher, "utter_ticket_noted")["ticket_no"] == mine
    assert ("note", {"text": "卧室那组最凉，客厅还行"}) in _events(store, mine)


# ---- F5: 还是别取消了 ----------------------------------------------------------------------------


async def test_taking_back_a_cancellation_keeps_the_ticket_and_files_no_new_one(
    store: str, domain: dict[str, Any]
) -> None:
    mine = _open(store)
    dispatcher = CollectingDispatcher()
    events = await ValidateRepairForm().run(
        dispatcher,
        tracker(
            user_turn("师傅不用来了，把工单取消了吧", "cancel_ticket", message_id="a"),
            {"event": "slot", "name": "pending", "value": f"cancel:{mine}"},
            user_turn("等等，还是别取消了，暖气还是不热", "report_repair", message_id="b"),
            active_loop="repair_form",
            slots={"pending": f"cancel:{mine}"},
        ),
        domain,
    )
    assert texts(dispatcher)[:2] == ["utter_ticket_kept", "utter_open_repair"]
    assert slot_values(events)["pending"] == f"{OPEN_REPAIR}{mine}"
    assert [(t.ticket_no, t.status) for t in _tickets(store)] == [(mine, "new")]


async def test_still_dont_cancel_read_as_a_cancellation_keeps_the_ticket(
    store: str, domain: dict[str, Any]
) -> None:
    mine = _open(store)
    dispatcher = CollectingDispatcher()
    await ActionAskCancelTicket().run(
        dispatcher, offered(f"cancel:{mine}", "还是别取消了", "cancel_ticket"), domain
    )
    assert said(dispatcher, "utter_ticket_kept")["ticket_no"] == mine
    assert _tickets(store)[0].status == "new"


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
