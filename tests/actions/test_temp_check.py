"""The 测温 confirmation states the resident's own reading, never the standard they quoted."""

from __future__ import annotations

from typing import Any

from rasa_sdk.executor import CollectingDispatcher

from actions.service_requests import ActionSubmitTempCheck, ValidateTempCheckForm
from bot.store.db import session_scope
from bot.store.models import Ticket

from .conftest import said, slot_values, texts, tracker, user_turn


async def test_a_quoted_standard_is_not_taken_for_the_residents_reading(
    domain: dict[str, Any],
) -> None:
    dispatcher = CollectingDispatcher()
    t = tracker(
        user_turn("不是说保证18度吗 我家才15度 要求上门测温", "request_temp_check", message_id="a"),
        user_turn("13812345678", message_id="b"),
        slots={
            "temperature": "18度",  # the entity the quoted standard filled
            "address": "阳光花园5号楼1单元302",
            "phone": "13812345678",
            "details_confirmed": True,
        },
    )
    await ActionSubmitTempCheck().run(dispatcher, t, domain)
    note = said(dispatcher, "utter_temp_check_created")["measured_note"]
    assert "15℃" in note and "低于标准 3℃" in note and "已达到标准" not in note


async def test_a_temperature_check_where_heating_is_stopped_hears_of_the_stop_first(
    store: str, domain: dict[str, Any]
) -> None:
    dispatcher = CollectingDispatcher()
    t = tracker(
        user_turn("幸福里2号楼 屋里才12度 申请测温", "request_temp_check"),
        active_loop="temp_check_form",
    )
    events = await ValidateTempCheckForm().run(dispatcher, t, domain)
    assert said(dispatcher, "utter_outage_found")["community"] == "幸福里小区"
    assert "utter_outage_temp_check_offer" in texts(dispatcher)
    values = slot_values(events)
    assert values["requested_slot"] is None and values["pending"] == "temp_check_after_outage"

    ended = tracker(
        user_turn("幸福里2号楼 屋里才12度 申请测温", "request_temp_check"), slots=values
    )
    submitted = CollectingDispatcher()
    assert await ActionSubmitTempCheck().run(submitted, ended, domain) == []
    with session_scope(store) as session:
        assert session.query(Ticket).filter_by(kind="CW").count() == 0

    elsewhere = CollectingDispatcher()
    t = tracker(user_turn("和平里2号楼 屋里才12度 申请测温", "request_temp_check"))
    await ValidateTempCheckForm().run(elsewhere, t, domain)
    assert "utter_outage_temp_check_offer" not in texts(elsewhere)
