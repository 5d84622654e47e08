"""Questions about the emergency just answered (actions.emergency, class G of the players'
findings): the numbers again, a locked door, where the valves are; inside the repair form the
answer replaces the knowledge base's "keep the valves fully open"."""

from __future__ import annotations

from typing import Any

from rasa_sdk.executor import CollectingDispatcher

from actions.emergency import ActionEmergencyFollowUp
from actions.side_questions import answer_side_questions

from .conftest import said, texts, tracker, user_turn


def _marked(text: str, kind: str) -> dict[str, Any]:
    turn = user_turn(text, "faq", message_id="e")
    turn["parse_data"]["emergency"] = {"kind": kind, "evidence": text}
    return turn


def _advice(response: str) -> dict[str, Any]:
    return {"event": "bot", "text": "…", "metadata": {"utter_action": response}}


async def test_the_gas_numbers_are_said_again_from_the_stairwell(domain: dict[str, Any]) -> None:
    dispatcher = CollectingDispatcher()
    await ActionEmergencyFollowUp().run(
        dispatcher,
        tracker(
            _marked("屋里有股煤气味", "gas"),
            _advice("utter_emergency_gas"),
            user_turn("我已经到楼下了 燃气那个电话多少 再说一遍", "out_of_scope", message_id="q"),
        ),
        domain,
    )
    numbers = said(dispatcher, "utter_emergency_numbers")["numbers"]
    assert "96777" in numbers and "119" in numbers and "400-000-0000" in numbers


async def test_a_locked_door_hears_120_and_110_and_the_form_asks_again(
    domain: dict[str, Any],
) -> None:
    dispatcher = CollectingDispatcher()
    await ActionEmergencyFollowUp().run(
        dispatcher,
        tracker(
            _marked("对门的老太太敲门不应 她家暖气好几天不热了", "person"),
            _advice("utter_emergency_person_cold"),
            user_turn("我进不去她家啊 门锁着 我该打110还是120", "file_complaint", message_id="q"),
            slots={"requested_slot": "phone"},
            active_loop="repair_form",
        ),
        domain,
    )
    locked = said(dispatcher, "utter_emergency_locked_out")
    assert locked["police_phone"] == "110" and locked["ambulance_phone"] == "120"
    assert texts(dispatcher)[-1] == "utter_emergency_need_phone"


async def test_the_valve_asked_with_the_address_inside_the_form_is_not_the_kb_answer(
    domain: dict[str, Any],
) -> None:
    dispatcher = CollectingDispatcher()
    await answer_side_questions(
        dispatcher,
        tracker(
            _marked("暖气片嘎嘣一下崩了 热水哗哗往外冒", "water"),
            _advice("utter_emergency_water"),
            user_turn("阀门在哪旮沓啊 找不着 水烫手 翠湖苑6号楼3单元901", "faq", message_id="q"),
            active_loop="repair_form",
        ),
    )
    assert texts(dispatcher) == ["utter_emergency_valve"]


async def test_without_an_emergency_the_same_words_are_left_alone(domain: dict[str, Any]) -> None:
    dispatcher = CollectingDispatcher()
    await ActionEmergencyFollowUp().run(
        dispatcher, tracker(user_turn("燃气公司电话多少", "out_of_scope")), domain
    )
    assert texts(dispatcher) == []


async def test_whether_to_cut_the_power_is_answered_in_the_emergency(
    domain: dict[str, Any],
) -> None:
    """p3-065: 那我现在要不要拉闸啊 水快到插座了 at a burst radiator was not understood."""
    dispatcher = CollectingDispatcher()
    await ActionEmergencyFollowUp().run(
        dispatcher,
        tracker(
            _marked("暖气片爆裂了 水冒着热气往外喷 插座那边也有水", "water"),
            _advice("utter_emergency_water"),
            user_turn("那我现在要不要拉闸啊 水快到插座了", "nlu_fallback", message_id="q"),
            slots={"requested_slot": "address"},
            active_loop="repair_form",
        ),
        domain,
    )
    assert texts(dispatcher) == ["utter_emergency_electrics", "utter_emergency_need_address"]
    assert said(dispatcher, "utter_emergency_electrics")["duty_phone"] == "400-000-0000"
