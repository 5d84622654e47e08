"""A photo the resident sent (WeChat's `/send_photo` with its media id): attached to the reading it
belongs to, a meter's or a 室温抽测 household's, or asked about; never dropped silently."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions.account import ActionAfterVerification
from actions.common import policy
from actions.meters import RECORDED
from actions.photos import ActionHandlePhoto
from actions.sampling import RECORDED as SAMPLING_RECORDED
from bot.services.sampling import invite, record_resident_reading
from bot.store.accounts import bind_account
from bot.store.db import session_scope
from bot.store.demo import households
from bot.store.importer import import_csv
from bot.store.inbound import claim
from bot.store.meters import meters_of_account, submissions_of
from bot.store.models import RoomTempSample

from .conftest import NOW, said, texts, tracker, user_turn

METERED = next(h for h in households() if h.billing_kind == "metered")
SENDER = "wechat:oPhoto"


def _photo(media_id: str = "MEDIA_1", message_id: str = "p1") -> dict[str, Any]:
    turn = user_turn("/send_photo", "send_photo", message_id=message_id, channel="wechat")
    turn["metadata"] = {"meter_photo": media_id}
    return turn


def _bot(action: str) -> dict[str, Any]:
    return {"event": "bot", "text": "…", "metadata": {"utter_action": action}}


async def _photo_action(
    domain: dict[str, Any], *turns: dict[str, Any], active_loop: str | None = None
) -> CollectingDispatcher:
    dispatcher = CollectingDispatcher()
    t = tracker(*turns, sender=SENDER, active_loop=active_loop)
    await ActionHandlePhoto().run(dispatcher, t, domain)
    return dispatcher


@pytest.fixture
def meter(store: str) -> str:
    with session_scope(store) as session:
        (found,) = meters_of_account(session, METERED.account_no)
        return str(found.meter_no)


def _photos_of(store: str, meter: str) -> list[str | None]:
    with session_scope(store) as session:
        return [s.photo_media_id for s in submissions_of(session, meter)]


async def test_a_photo_with_nothing_to_go_with_asks_what_it_is_for(domain: dict[str, Any]) -> None:
    dispatcher = await _photo_action(domain, _photo())
    assert texts(dispatcher) == ["utter_photo_what_for"]


async def test_words_announcing_a_photo_are_told_how_to_send_it(domain: dict[str, Any]) -> None:
    dispatcher = await _photo_action(domain, user_turn("我给你发张照片", "send_photo"))
    assert texts(dispatcher) == ["utter_photo_invite"]


async def test_a_photo_after_an_unrelated_request_is_asked_about(domain: dict[str, Any]) -> None:
    dispatcher = await _photo_action(
        domain,
        user_turn("报读数", "report_meter_reading", message_id="m0"),
        user_turn("查暖气费", "query_fee", message_id="m1"),
        _bot("utter_fee_summary"),
        _photo(),
    )
    assert texts(dispatcher) == ["utter_photo_what_for"]


async def test_a_photo_during_verification_waits_for_the_reading(
    domain: dict[str, Any],
) -> None:
    dispatcher = await _photo_action(
        domain,
        user_turn("我要报热表读数", "report_meter_reading", message_id="m0"),
        _bot("utter_ask_account_no"),
        _photo(),
        active_loop="verify_form",
    )
    assert texts(dispatcher) == ["utter_photo_kept"]


async def test_a_photo_after_the_reading_was_asked_for_is_filed_with_the_number(
    store: str, domain: dict[str, Any], meter: str
) -> None:
    asked = user_turn("我想报个读数", "report_meter_reading", message_id="m0", channel="wechat")
    photo = _photo("DIAL_1")

    dispatcher = await _photo_action(domain, asked, _bot("utter_meter_reading_ask"), photo)
    assert texts(dispatcher) == ["utter_meter_photo_received"]

    number = user_turn("读数17120", "report_meter_reading", message_id="m2", channel="wechat")
    dispatcher = CollectingDispatcher()
    slots = {"verified_account": METERED.account_no, "account_no": METERED.account_no}
    t = tracker(
        asked,
        _bot("utter_meter_reading_ask"),
        photo,
        _bot("utter_meter_photo_received"),
        number,
        slots=slots,
        sender=SENDER,
    )
    await ActionAfterVerification().run(dispatcher, t, domain)

    assert said(dispatcher, RECORDED)["photo"] == "（含表盘照片）"
    assert _photos_of(store, meter) == ["DIAL_1"]


async def test_a_photo_right_after_a_filed_reading_is_added_to_it_once(
    store: str, domain: dict[str, Any], meter: str
) -> None:
    number = user_turn("读数17120", "report_meter_reading", message_id="m0", channel="wechat")
    slots = {"verified_account": METERED.account_no, "account_no": METERED.account_no}
    await ActionAfterVerification().run(
        CollectingDispatcher(), tracker(number, slots=slots, sender=SENDER), domain
    )
    assert _photos_of(store, meter) == [None]

    dispatcher = await _photo_action(domain, number, _bot(RECORDED), _photo("DIAL_2"))

    assert said(dispatcher, "utter_photo_added")["what"].startswith("热表读数 17,120.00")
    assert _photos_of(store, meter) == ["DIAL_2"]
    again = await _photo_action(
        domain,
        number,
        _bot(RECORDED),
        _photo("DIAL_2"),
        _bot("utter_photo_added"),
        _photo("DIAL_3", "p2"),
    )
    assert texts(again) == ["utter_photo_what_for"]
    assert _photos_of(store, meter) == ["DIAL_2"]


def _sampled(store: str) -> None:
    with session_scope(store) as session:
        bind_account(session, "wechat", SENDER, "0102345679", NOW)
        claim(session, "wechat", "msg:1", SENDER, NOW)
        rows = (
            "campaign,account_no,visit_start,visit_end\n"
            "C1,0102345679,2026-11-28 09:00,2026-11-28 11:00\n"
        )
        assert import_csv(session, "room_temp_samples", rows.encode(), NOW).ok
        invite(session, "C1", NOW)


async def test_a_sampled_households_photo_asks_for_its_thermometer_reading(
    store: str, domain: dict[str, Any]
) -> None:
    _sampled(store)
    dispatcher = await _photo_action(domain, _photo())
    assert texts(dispatcher) == ["utter_sampling_photo_ask"]


async def test_a_photo_right_after_the_households_reading_is_added_to_it(
    store: str, domain: dict[str, Any]
) -> None:
    _sampled(store)
    reading = user_turn("客厅18.5度", "inform", message_id="m0", channel="wechat")
    with session_scope(store) as session:
        record_resident_reading(session, policy(), "wechat", SENDER, 18.5, None, NOW)

    dispatcher = await _photo_action(domain, reading, _bot(SAMPLING_RECORDED), _photo("THERMO"))

    assert said(dispatcher, "utter_photo_added")["what"] == "室温抽测自测室温 18.5 ℃"
    with session_scope(store) as session:
        assert session.execute(select(RoomTempSample.photo_media_id)).scalar_one() == "THERMO"
