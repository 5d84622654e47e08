"""The 测温 confirmation states the resident's own reading, never the standard they quoted."""

from __future__ import annotations

from typing import Any

from rasa_sdk.executor import CollectingDispatcher

from actions.service_requests import ActionSubmitTempCheck

from .conftest import said, tracker, user_turn


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
        },
    )
    await ActionSubmitTempCheck().run(dispatcher, t, domain)
    note = said(dispatcher, "utter_temp_check_created")["measured_note"]
    assert "15℃" in note and "低于标准 3℃" in note and "已达到标准" not in note
