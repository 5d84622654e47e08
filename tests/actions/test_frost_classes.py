"""Classes of the frost sets (read after their unseen play; docs/dialogue.md): a measurement
asked for in words read as a hand-off, a complaint put off for the measurement, a 测温 asked
beside a question, and a cold reading told with "what now?" — each in wordings of no set."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import ActionAnswerFaq, ActionRequestHuman
from actions.service_requests import ValidateComplaintForm

from .conftest import has_event, texts, tracker, user_turn


def _faq(key: str) -> dict[str, Any]:
    return {"faq": {"response": {"intent_response_key": f"faq/{key}"}}}


@pytest.mark.parametrize(
    "text", ["派个人来给量量", "整个人来给俺量量温度", "你们来个人帮我测一下屋里多少度"]
)
async def test_someone_to_measure_is_the_measurement_not_an_agent(
    domain: dict[str, Any], text: str
) -> None:
    events = await ActionRequestHuman().run(
        CollectingDispatcher(), tracker(user_turn(text, "request_human")), domain
    )
    assert has_event(events, "followup", "temp_check_form")


async def test_an_agent_asked_by_name_is_still_the_hand_off(domain: dict[str, Any]) -> None:
    events = await ActionRequestHuman().run(
        CollectingDispatcher(), tracker(user_turn("转人工 让人来量一下", "request_human")), domain
    )
    assert not has_event(events, "followup", "temp_check_form")


@pytest.mark.parametrize(
    "text",
    [
        "算了算了 投诉先不弄了 你们先派人来量量温度吧",
        "先不投诉了 来人给测个温再说",
        "投诉的事回头再说 先上门测一下",
    ],
)
async def test_a_complaint_put_off_for_the_measurement_books_the_measurement(
    domain: dict[str, Any], text: str
) -> None:
    dispatcher = CollectingDispatcher()
    events = await ValidateComplaintForm().run(
        dispatcher,
        tracker(
            user_turn(
                "我要投诉！屋里冷了一个礼拜了 你们就是不管", "file_complaint", message_id="a"
            ),
            user_turn(text, "request_temp_check", message_id="b"),
            active_loop="complaint_form",
            slots={"requested_slot": "complaint_category"},
        ),
        domain,
    )
    assert has_event(events, "followup", "temp_check_form")


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("两个事儿：一是我家屋里温度不够，想约个测温；二是发票怎么开", "invoice"),
        ("想预约上门测温 顺便问下营业厅几点关门", "hall_documents"),
        ("暖气费交了还显示欠费 另外帮我安排个测温", "payment_not_posted"),
    ],
)
async def test_a_measurement_asked_beside_a_question_follows_its_answer(
    domain: dict[str, Any], text: str, key: str
) -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionAnswerFaq().run(
        dispatcher, tracker(user_turn(text, "faq", response_selector=_faq(key))), domain
    )
    assert has_event(events, "followup", "temp_check_form")
    assert "utter_kb_task_offer" not in texts(dispatcher)  # no repair offered instead


@pytest.mark.parametrize(
    "text",
    [
        "温度计搁那儿才16度 合着是替国家省煤呢是吧",
        "咋整啊 屋里贼拉冷 温度计就十五度",
        "屋里就14度 这可咋办",
    ],
)
async def test_a_cold_reading_with_what_now_is_offered_the_measurement(
    domain: dict[str, Any], text: str
) -> None:
    dispatcher = CollectingDispatcher()
    await ActionAnswerFaq().run(
        dispatcher,
        tracker(user_turn(text, "faq", response_selector=_faq("room_temp_standard"))),
        domain,
    )
    assert texts(dispatcher)[0] == "utter_below_standard"
