"""The service-hall action on the demo registry, with the pinned clock (Friday 10:00, in season)."""

from __future__ import annotations

from typing import Any

from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import ActionHandleInform
from actions.service_halls import HALL_COMMUNITY, ActionQueryServiceHall
from bot.services.halls import ASK_WHERE

from .conftest import said, slot_values, texts, tracker, user_turn


def _located(latitude: float, longitude: float, community: str | None) -> dict[str, Any]:
    turn = user_turn("/query_service_hall", "query_service_hall", channel="wechat")
    turn["metadata"] = {"latitude": latitude, "longitude": longitude}
    if community:
        turn["metadata"]["community"] = community
    return turn


async def test_a_named_community_gets_its_hall_and_whether_it_is_open(
    domain: dict[str, Any],
) -> None:
    dispatcher = CollectingDispatcher()
    turn = user_turn("阳光花园附近的营业厅在哪", "query_service_hall")
    await ActionQueryServiceHall().run(dispatcher, tracker(turn), domain)
    [answer] = texts(dispatcher)
    assert answer.startswith("和平里营业厅\n地址：北京市东城区和平里东街18号")
    assert "现在营业中，今天 18:00 下班。" in answer  # the heating season's weekday hours


async def test_a_location_tells_the_stop_nearby_before_the_nearest_hall(
    domain: dict[str, Any],
) -> None:
    dispatcher = CollectingDispatcher()
    await ActionQueryServiceHall().run(
        dispatcher, tracker(_located(39.929, 116.389, "幸福里小区")), domain
    )
    assert said(dispatcher, "utter_outage_found")["community"] == "幸福里小区"
    said_texts = texts(dispatcher)
    assert said_texts[0] == "utter_outage_found"
    assert said_texts[1].startswith("西城营业厅，距您约 ")


async def test_a_location_without_a_stop_says_so(domain: dict[str, Any]) -> None:
    dispatcher = CollectingDispatcher()
    await ActionQueryServiceHall().run(
        dispatcher, tracker(_located(39.9598, 116.4172, "和平里")), domain
    )
    assert said(dispatcher, "utter_no_outage_nearby")["community"] == "和平里"
    assert texts(dispatcher)[1].startswith("和平里营业厅，距您约 ")


async def test_a_location_far_from_everything(domain: dict[str, Any]) -> None:
    dispatcher = CollectingDispatcher()
    await ActionQueryServiceHall().run(dispatcher, tracker(_located(31.23, 121.47, None)), domain)
    assert texts(dispatcher)[0] == "utter_no_community_nearby"
    assert texts(dispatcher)[1].startswith("您发送的位置附近没有我们的营业厅")


async def test_the_community_given_after_the_bot_asked_answers_the_hall_question(
    domain: dict[str, Any],
) -> None:
    first = CollectingDispatcher()
    asked = user_turn("营业厅周六开门吗", "query_service_hall", message_id="q")
    events = await ActionQueryServiceHall().run(first, tracker(asked), domain)
    assert texts(first)[-1] == ASK_WHERE
    assert slot_values(events) == {"pending": HALL_COMMUNITY}

    second = CollectingDispatcher()
    follow_up = tracker(
        asked,
        {"event": "slot", "name": "pending", "value": HALL_COMMUNITY},
        user_turn("和平里", "inform", message_id="a"),
        slots={"pending": HALL_COMMUNITY},
    )
    events = await ActionHandleInform().run(second, follow_up, domain)
    assert texts(second)[0] == "和平里营业厅：明天（11月28日，周六）营业 09:00-16:00。"
    assert slot_values(events) == {"pending": None}


async def test_what_to_bring_after_a_message_about_a_transfer(domain: dict[str, Any]) -> None:
    dispatcher = CollectingDispatcher()
    before = user_turn("房子过给闺女了 暖气户名得怎么改", "faq", message_id="before")
    now = user_turn("得带什么材料 营业厅在哪儿", "query_service_hall", message_id="now")
    await ActionQueryServiceHall().run(dispatcher, tracker(before, now), domain)
    assert texts(dispatcher)[0].startswith(
        "到营业厅办理过户，请带好：\n1. 新户主身份证原件及复印件"
    )
