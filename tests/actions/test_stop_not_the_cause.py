"""A home cold for days before tonight's stop (players' class H): the stop is told, and the
repair goes on instead of being talked out of; a 'no' that says so books it."""

from __future__ import annotations

from typing import Any

from rasa_sdk.executor import CollectingDispatcher

from actions.common import AFTER_OUTAGE, OUTAGE_OFFER
from actions.conversation import ActionHandleYesNo
from actions.outage import NOT_THE_CAUSE, stop_before_booking, tell_outage_asked
from actions.repair import ActionSubmitRepair

from .conftest import has_event, texts, tracker, user_turn

# the pinned clock's demo data: 幸福里小区's emergency stop began an hour ago


async def test_cold_for_days_in_a_stop_that_began_tonight_is_booked(store: str) -> None:
    dispatcher = CollectingDispatcher()
    stop = await stop_before_booking(
        dispatcher,
        tracker(user_turn("喂 我家暖气不热了 好几天了 幸福里小区7号楼3单元201", "report_repair")),
        OUTAGE_OFFER,
        AFTER_OUTAGE,
    )
    assert stop is None  # the form goes on
    assert texts(dispatcher) == ["utter_outage_found", NOT_THE_CAUSE]


async def test_cold_since_the_stop_is_still_offered_the_choice(store: str) -> None:
    dispatcher = CollectingDispatcher()
    stop = await stop_before_booking(
        dispatcher,
        tracker(user_turn("幸福里小区7号楼3单元201 暖气突然不热了", "report_repair")),
        OUTAGE_OFFER,
        AFTER_OUTAGE,
    )
    assert stop is not None and texts(dispatcher)[-1] == OUTAGE_OFFER


async def test_no_it_has_been_cold_for_days_at_the_offer_books_the_repair(
    store: str, domain: dict[str, Any]
) -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionHandleYesNo().run(
        dispatcher,
        tracker(
            user_turn("我家暖气不热 幸福里小区7号楼3单元201", "report_repair", message_id="a"),
            {"event": "slot", "name": "pending", "value": AFTER_OUTAGE},
            user_turn("不是啊 我这都冷了三四天了 不是今天才冷的", "deny", message_id="b"),
        ),
        domain,
    )
    assert texts(dispatcher) == [NOT_THE_CAUSE]
    assert has_event(events, "followup", "repair_form")


async def test_a_repair_booked_after_the_stop_offer_is_filed_at_the_yes(
    store: str, domain: dict[str, Any]
) -> None:
    """Players' pl-55: after the stop's offer, 要报修 (a new request, not a yes) booked through
    the form, and the 对 at the read-back got no reply and no ticket: the old offer in `pending`
    stopped the filing."""

    slots = {
        "pending": AFTER_OUTAGE,
        "address": "幸福里小区5号楼2单元302",
        "phone": "13766665555",
        "fault_type": "no_heat",
        "details_confirmed": True,
    }
    booked = tracker(
        user_turn("幸福里5号楼2单元302 暖气不热了", "report_repair", message_id="a"),
        {"event": "slot", "name": "pending", "value": AFTER_OUTAGE},
        user_turn("要报修", "report_repair", message_id="b"),
        user_turn("对", "affirm", message_id="c"),
        slots=slots,
    )
    dispatcher = CollectingDispatcher()
    events = await ActionSubmitRepair().run(dispatcher, booked, domain)
    assert "utter_repair_created" in texts(dispatcher)
    assert any(e.get("name") == "pending" and e.get("value") is None for e in events)
    # the form that ends on the offer this very turn files nothing yet
    offered = tracker(
        user_turn("幸福里5号楼2单元302 暖气不热了", "report_repair"),
        slots=slots,
        slot_events={"pending": AFTER_OUTAGE},
    )
    quiet = CollectingDispatcher()
    assert await ActionSubmitRepair().run(quiet, offered, domain) == []
    assert texts(quiet) == []


async def test_a_stop_named_again_beside_a_request_is_not_pasted_again(store: str) -> None:
    """The players' pl-03: the same stop paragraph in six replies in a row."""

    first = tracker(user_turn("幸福里停暖了？顺便帮我查下暖气费", "query_fee"))
    told = CollectingDispatcher()
    await tell_outage_asked(told, first)
    assert texts(told) == ["utter_outage_found"]
    again = tracker(
        user_turn("幸福里停暖了？顺便帮我查下暖气费", "query_fee", message_id="a"),
        {"event": "bot", "text": "…", "metadata": {"utter_action": "utter_outage_found"}},
        user_turn("停暖也不通知 幸福里又停暖了 赶紧查我的费", "query_fee", message_id="b"),
    )
    quiet = CollectingDispatcher()
    await tell_outage_asked(quiet, again)
    assert texts(quiet) == []
