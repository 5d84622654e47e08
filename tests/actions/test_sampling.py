"""A 室温抽测 invitation answered in the conversation it was sent to."""

from __future__ import annotations

from typing import Any

from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions.conversation import ActionHandleYesNo
from bot.services.sampling import invite
from bot.store.accounts import bind_account
from bot.store.db import session_scope
from bot.store.importer import import_csv
from bot.store.inbound import claim
from bot.store.models import RoomTempSample

from .conftest import NOW, offered, said, texts, tracker, user_turn

SENDER = "wechat:oSampled"


def _invited(store: str) -> None:
    with session_scope(store) as session:
        bind_account(session, "wechat", SENDER, "0102345679", NOW)
        claim(session, "wechat", "msg:1", SENDER, NOW)  # wrote today: WeChat can reach it
        rows = (  # the visit is tomorrow morning (NOW is Friday 2026-11-27 10:00)
            "campaign,account_no,visit_start,visit_end\n"
            "C1,0102345679,2026-11-28 09:00,2026-11-28 11:00\n"
        )
        assert import_csv(session, "room_temp_samples", rows.encode(), NOW).ok
        invite(session, "C1", NOW)


def _status(store: str) -> str:
    with session_scope(store) as session:
        return str(session.execute(select(RoomTempSample.status)).scalar_one())


async def _reply(domain: dict[str, Any], text: str, intent: str) -> CollectingDispatcher:
    dispatcher = CollectingDispatcher()
    turn = user_turn(text, intent, channel="wechat")
    await ActionHandleYesNo().run(dispatcher, tracker(turn, sender=SENDER), domain)
    return dispatcher


async def test_yes_consents_to_the_visit_window(store: str, domain: dict[str, Any]) -> None:
    _invited(store)

    dispatcher = await _reply(domain, "同意", "affirm")

    assert said(dispatcher, "utter_sampling_consented")["window"] == "11月28日（周六）09:00–11:00"
    assert _status(store) == "consented"


async def test_no_declines(store: str, domain: dict[str, Any]) -> None:
    _invited(store)

    dispatcher = await _reply(domain, "不方便", "deny")

    said(dispatcher, "utter_sampling_declined")
    assert _status(store) == "declined"


async def test_a_pending_offer_of_the_bot_is_answered_first(
    store: str, domain: dict[str, Any]
) -> None:
    _invited(store)
    dispatcher = CollectingDispatcher()
    t = offered("cancel:BX202611270001", "好的", "affirm")
    t.sender_id = SENDER

    await ActionHandleYesNo().run(dispatcher, t, domain)

    assert "utter_sampling_consented" not in texts(dispatcher)
    assert _status(store) == "invited"


async def test_without_an_invitation_yes_asks_what_else(domain: dict[str, Any]) -> None:
    dispatcher = await _reply(domain, "好的", "affirm")
    assert texts(dispatcher) == ["utter_anything_else"]
