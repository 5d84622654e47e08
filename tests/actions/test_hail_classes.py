"""Classes of the held-out hail set (hat-011, hat-013, hat-040), in other wordings.

1. An address put right after the urgent leak ticket was opened moves that ticket; another home
   told with words of addition still gets its own; a valve question long after the leak was
   reported gets the valve answer.
2. An emergency told in anger (read as a complaint) starts no complaint nobody asked for.
3. A cold home told while a person is awaited, where heating is stopped, hears the stop.
"""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import ActionRequestHuman
from actions.emergency import ActionEmergency, ActionEmergencyFollowUp
from actions.repair import _complete_urgent_now
from bot.policy import load_policy
from bot.services import tickets as ticket_service
from bot.store.db import session_scope
from bot.store.tickets import TicketDraft

from .conftest import NOW, has_event, said, slot_values, texts, tracker, user_turn
from .test_emergency import _marked, _tickets
from .test_handoff import targets  # noqa: F401  (autouse: hand-off settings per test)

POLICY = load_policy()


def _urgent_at(url: str, address: str, building: str) -> str:
    """The conversation's urgent leak ticket at `address` (阳光花园, `building`, 2单元402)."""
    place = {"community": "阳光花园", "building": building, "unit": "2", "room": "402"}
    draft = TicketDraft(
        kind="BX", channel="rest", sender_id="tester", urgent=True, fault_type="leak",
        address=address, **place,
    )  # fmt: skip
    with session_scope(url) as session:
        return ticket_service.open_ticket(session, POLICY, draft, NOW).ticket_no


@pytest.mark.parametrize(
    "text",
    [
        "不对是13号楼！！13号楼2单元402 急死了",  # hat-011's own, then other wordings
        "刚才写错了 应该是阳光花园13号楼2单元402",
        "阳光花园13号楼2单元402 楼号刚才打错了",
        "是13号楼不是3号楼 13号楼2单元402",
    ],
)
async def test_an_address_put_right_moves_the_urgent_ticket_and_opens_no_second(
    text: str, store: str
) -> None:
    """hat-011: the repair form's corrected address opened a second urgent ticket for "another
    place" and left the first at the wrong door."""
    first = _urgent_at(store, "阳光花园3号楼2单元402", "3")
    dispatcher = CollectingDispatcher()
    accepted = [{"event": "slot", "name": "address", "value": "阳光花园13号楼2单元402"}]
    events = await _complete_urgent_now(
        dispatcher,
        tracker(user_turn(text, message_id="c1"), slots={"urgent_ticket_no": first}),
        accepted,
    )
    assert events == []  # the same ticket goes on
    [ticket] = _tickets(store)
    assert (ticket.ticket_no, ticket.address, ticket.building) == (
        first,
        "阳光花园13号楼2单元402",
        "13",
    )
    told = said(dispatcher, "utter_urgent_address_corrected")
    assert (told["before"], told["address"]) == ("阳光花园3号楼2单元402", "阳光花园13号楼2单元402")
    assert "utter_urgent_other_place" not in texts(dispatcher)


async def test_a_correction_told_with_the_leak_again_moves_the_ticket_too(
    store: str, domain: dict[str, Any]
) -> None:
    """The same correction in a message the safety net marks (水还在喷) reaches the emergency
    action: the parts it names replace those of the address held, the rest is kept."""
    first = _urgent_at(store, "阳光花园3号楼2单元402", "3")
    dispatcher = CollectingDispatcher()
    events = await ActionEmergency().run(
        dispatcher,
        tracker(
            _marked("说错了 是13号楼 水还在往外喷", message_id="c2"),
            slots={"urgent_ticket_no": first, "address": "阳光花园3号楼2单元402"},
        ),
        domain,
    )
    [ticket] = _tickets(store)
    assert ticket.address == "阳光花园13号楼2单元402"
    assert said(dispatcher, "utter_urgent_address_corrected")["ticket_no"] == first
    assert slot_values(events)["address"] == "阳光花园13号楼2单元402"
    assert slot_values(events)["urgent_ticket_no"] == first


@pytest.mark.parametrize(
    "text",
    [
        "不对 楼上邻居家也漏了 阳光花园3号楼2单元502",
        "还有一处 另外我父母家阳光花园8号楼1单元101也爆了",
    ],
)
async def test_another_home_told_with_words_of_addition_still_gets_its_own_ticket(
    text: str, store: str
) -> None:
    first = _urgent_at(store, "阳光花园3号楼2单元402", "3")
    dispatcher = CollectingDispatcher()
    address = text.split(" ")[-1].removesuffix("也爆了")
    accepted = [{"event": "slot", "name": "address", "value": address}]
    events = await _complete_urgent_now(
        dispatcher,
        tracker(user_turn(text, message_id="s1"), slots={"urgent_ticket_no": first}),
        accepted,
    )
    assert slot_values(events)["urgent_ticket_no"] != first
    assert said(dispatcher, "utter_urgent_other_place")["earlier"] == first
    assert _tickets(store)[0].address == "阳光花园3号楼2单元402"


def _past_turns(*texts_said: str) -> list[dict[str, Any]]:
    return [user_turn(text, "inform", message_id=f"p{n}") for n, text in enumerate(texts_said)]


def _advice(response: str) -> dict[str, Any]:
    return {"event": "bot", "text": "…", "metadata": {"utter_action": response}}


@pytest.mark.parametrize(
    "question", ["总阀在哪关啊 我找不到", "进户那个总阀在哪儿", "阀门找不着啊 咋关", "要不要拉闸"]
)
async def test_a_valve_question_long_after_the_leak_gets_the_valve_answer(
    question: str, domain: dict[str, Any]
) -> None:
    """hat-011: 总阀在哪关啊 我找不到, four messages after the leak, got knowledge-base buttons."""
    dispatcher = CollectingDispatcher()
    await ActionEmergencyFollowUp().run(
        dispatcher,
        tracker(
            _marked("救命暖气片漏水了 哗哗的流 地上全是水"),
            _advice("utter_emergency_water"),
            *_past_turns("阳光花园3号楼2单元402", "不对是13号楼", "18511402298"),
            user_turn(question, "faq", message_id="q"),
        ),
        domain,
    )
    assert texts(dispatcher)[0] in ("utter_emergency_valve", "utter_emergency_electrics")


async def test_a_valve_question_long_after_a_gas_smell_is_left_alone(
    domain: dict[str, Any],
) -> None:
    dispatcher = CollectingDispatcher()
    await ActionEmergencyFollowUp().run(
        dispatcher,
        tracker(
            _marked("屋里有股煤气味"),
            _advice("utter_emergency_gas"),
            *_past_turns("好的", "出来了", "嗯"),
            user_turn("暖气阀门在哪", "faq", message_id="q"),
        ),
        domain,
    )
    assert texts(dispatcher) == []


@pytest.mark.parametrize(
    "text",
    [
        "你们怎么回事！翠湖苑5号楼1单元303的老太太家暖气坏了两天了，八十多岁的人冻得发烧了",
        "你们怎么搞的！和平里3号楼1单元201我爸家暖气三天没热了 老人冻得直哆嗦还说胸闷",
        "你们这什么破服务！我妈家暖气坏了三天 老太太冻得发高烧了",
    ],
)
async def test_an_emergency_told_in_anger_starts_no_complaint(
    text: str, store: str, domain: dict[str, Any]
) -> None:
    """hat-013: anger read as file_complaint started the complaint form beside the urgent
    ticket, and the phone given next went on a complaint nobody asked for."""
    dispatcher = CollectingDispatcher()
    events = await ActionEmergency().run(
        dispatcher, tracker(_marked(text, "file_complaint")), domain
    )
    assert has_event(events, "followup", "repair_form")
    assert not has_event(events, "followup", "complaint_form")
    assert "utter_apology_upset" in texts(dispatcher)
    [ticket] = _tickets(store)
    assert ticket.urgent


@pytest.mark.parametrize("intent", ["report_repair", "request_temp_check", "nlu_fallback"])
async def test_an_emergency_told_in_anger_is_apologised_for_whatever_the_intent(
    intent: str, store: str, domain: dict[str, Any]
) -> None:
    """hat-013 on the merged model: the same message read as a repair got the urgent ticket and
    no apology, the apology hung on the complaint intent alone."""
    text = "你们怎么回事！翠湖苑5号楼1单元303的老太太家暖气坏了两天了，八十多岁的人冻得发烧了"
    dispatcher = CollectingDispatcher()
    await ActionEmergency().run(dispatcher, tracker(_marked(text, intent)), domain)
    assert "utter_apology_upset" in texts(dispatcher)


async def test_hand_off_awaited_and_a_cold_home_where_heating_is_stopped_hears_the_stop(
    store: str, domain: dict[str, Any]
) -> None:
    """hat-040: 幸福里的暖气一上午都是凉的 while the call-back waited got the hand-off text
    again; 幸福里小区 has a stop under way in the demo store."""
    first = CollectingDispatcher()
    await ActionRequestHuman().run(
        first, tracker(user_turn("别跟我扯机器人那套，转人工！", "request_human")), domain
    )
    assert "utter_outage_found" not in texts(first)
    later = CollectingDispatcher()
    await ActionRequestHuman().run(
        later,
        tracker(
            user_turn("别跟我扯机器人那套，转人工！", "request_human"),
            user_turn("我都说了要人工！幸福里小区家里冰凉冰凉的", "request_human", message_id="b"),
        ),
        domain,
    )
    assert texts(later) == ["utter_outage_found", "utter_human_callback"]
    assert said(later, "utter_outage_found")["community"] == "幸福里小区"


async def test_hand_off_with_a_cold_home_where_nothing_is_stopped_tells_no_stop(
    store: str, domain: dict[str, Any]
) -> None:
    dispatcher = CollectingDispatcher()
    await ActionRequestHuman().run(
        dispatcher, tracker(user_turn("转人工 和平里暖气不热", "request_human")), domain
    )
    assert texts(dispatcher) == ["utter_human_callback"]
