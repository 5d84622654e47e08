"""查表 after verification: the meter (never the bill), a resident's own reading, a CB ticket."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.account import ActionAfterVerification
from actions.meters import RECORDED
from bot.store.db import session_scope
from bot.store.demo import households
from bot.store.meters import meters_of_account, readings_of, submissions_of
from bot.store.models import Ticket

from .conftest import said, texts, tracker, user_turn

#: The first metered demo household (翠湖苑).
METERED = next(h for h in households() if h.billing_kind == "metered")


@pytest.fixture
def meter(store: str) -> str:
    """The number of that household's demo meter."""
    with session_scope(store) as session:
        (found,) = meters_of_account(session, METERED.account_no)
        return str(found.meter_no)


async def _after_verification(
    domain: dict[str, Any], *turns: dict[str, Any], account: str = METERED.account_no
) -> CollectingDispatcher:
    dispatcher = CollectingDispatcher()
    t = tracker(*turns, slots={"verified_account": account, "account_no": account})
    await ActionAfterVerification().run(dispatcher, t, domain)
    return dispatcher


async def test_meter_query_shows_the_meter_and_the_estimate_not_the_bill(
    domain: dict[str, Any], meter: str
) -> None:
    dispatcher = await _after_verification(domain, user_turn("查一下我家热表读数", "query_meter"))

    summary = said(dispatcher, "utter_meter_summary")
    assert summary["meter_no"] == meter
    assert summary["account"] == f"{METERED.account_no[:2]}******{METERED.account_no[-2:]}"
    assert summary["read_day"] == "11月22日"  # the demo's weekly reading before 11-27 10:00
    assert "2026-2027 供暖季（11月15日至11月22日）已用热" in summary["usage"]
    assert "按两部制热价估算" in summary["estimate"]
    assert "utter_fee_summary" not in texts(dispatcher)


async def test_an_area_billed_household_hears_it_has_no_meter(domain: dict[str, Any]) -> None:
    dispatcher = await _after_verification(
        domain, user_turn("查表", "query_meter"), account="0102345678"
    )
    assert texts(dispatcher) == ["utter_meter_not_metered"]


async def test_an_own_reading_with_a_photo_is_kept_for_review(
    store: str, domain: dict[str, Any], meter: str
) -> None:
    with session_scope(store) as session:
        before = readings_of(session, meter)
    photo = user_turn("报读数", "report_meter_reading", message_id="m0")
    photo["metadata"] = {"meter_photo": "MEDIA_ID_1"}

    dispatcher = await _after_verification(
        domain, photo, user_turn("热表读数 1.5 GJ", "report_meter_reading", message_id="m1")
    )

    recorded = said(dispatcher, "utter_meter_reading_recorded")
    assert recorded["photo"] == "（含表盘照片）" and recorded["meter_no"] == meter
    with session_scope(store) as session:
        assert readings_of(session, meter) == before
        (submission,) = submissions_of(session, meter)
        assert submission.photo_media_id == "MEDIA_ID_1"
        assert submission.written == "1.5 GJ"
        assert submission.status == "pending"
    assert "比它还小" in recorded["compare"]  # far below the meter's thousands


async def test_a_photo_from_an_earlier_request_is_not_reused(
    store: str, domain: dict[str, Any], meter: str
) -> None:
    old = user_turn("报读数", "report_meter_reading", message_id="m0")
    old["metadata"] = {"meter_photo": "OLD_MEDIA"}

    await _after_verification(
        domain,
        old,
        user_turn("查表", "query_meter", message_id="m1"),
        user_turn("热表读数 99999 kWh", "report_meter_reading", message_id="m2"),
    )

    with session_scope(store) as session:
        (submission,) = submissions_of(session, meter)
        assert submission.photo_media_id is None


async def test_a_photo_already_filed_with_a_reading_is_not_filed_again(
    store: str, domain: dict[str, Any], meter: str
) -> None:
    old = user_turn("报读数", "report_meter_reading", message_id="m0")
    old["metadata"] = {"meter_photo": "OLD_MEDIA"}
    recorded = {"event": "bot", "text": "已记录", "metadata": {"utter_action": RECORDED}}

    await _after_verification(
        domain, old, recorded, user_turn("热表读数 99999 kWh", "report_meter_reading")
    )

    with session_scope(store) as session:
        (submission,) = submissions_of(session, meter)
        assert submission.photo_media_id is None


async def test_without_a_number_the_reading_is_asked_for(
    store: str, domain: dict[str, Any], meter: str
) -> None:
    dispatcher = await _after_verification(
        domain, user_turn("我想报一下热表读数", "report_meter_reading")
    )

    assert texts(dispatcher)[0] == "utter_meter_reading_ask"
    with session_scope(store) as session:
        assert submissions_of(session, meter) == []


async def test_a_meter_fault_opens_a_cb_ticket(
    store: str, domain: dict[str, Any], meter: str
) -> None:
    dispatcher = await _after_verification(
        domain, user_turn("热表屏幕黑了，什么都不显示", "report_meter_problem")
    )

    created = said(dispatcher, "utter_meter_ticket_created")
    assert created["ticket_no"].startswith("CB20261127") and created["what"] == "热表故障"
    with session_scope(store) as session:
        ticket = session.query(Ticket).filter_by(ticket_no=created["ticket_no"]).one()
        assert (ticket.kind, ticket.account_no, ticket.category) == (
            "CB",
            METERED.account_no,
            "meter_fault",
        )
        assert ticket.description == f"表号 {meter}：热表屏幕黑了，什么都不显示"
