"""Yes/no offers answered by going on with the offered task (hail t hat-031, hat-037): the
details the task needs, or its name alone, start it; and a 户号 given with its whole registered
phone earlier in the conversation is the proof of a lookup that starts later (docs/security.md)."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.account import ValidateVerifyForm
from actions.applications import NEXT_SEASON_STOP
from actions.common import AFTER_OUTAGE, SECOND_REQUESTS
from actions.conversation import CHANGE_TICKET, ActionHandleInform, ActionHandleYesNo
from actions.service_requests import COMPLAINT_AFTER_OUTAGE, TEMP_CHECK_AFTER_OUTAGE
from actions.stop_follow_ups import LOSSES_OFFER
from bot.nlu.offer_answers import OFFERED_TASKS

from .conftest import has_event, offered, slot_values, texts, tracker, user_turn


def test_every_offer_of_a_task_is_known_to_the_rule() -> None:
    """The offers' names in actions/ are the keys `bot.nlu.offer_answers` reads."""
    offers = {
        *(pending for pending, _ in SECOND_REQUESTS.values()),
        AFTER_OUTAGE,
        TEMP_CHECK_AFTER_OUTAGE,
        COMPLAINT_AFTER_OUTAGE,
        NEXT_SEASON_STOP,
        CHANGE_TICKET,
        LOSSES_OFFER,
        "human",
    }
    assert offers == set(OFFERED_TASKS)


@pytest.mark.parametrize(
    ("pending", "text", "intent", "form"),
    [
        ("second:query_fee", "那暖气费呢", "faq", "verify_form"),
        ("second:query_fee", "费呢？还欠多少", "out_of_scope", "verify_form"),
        ("second:request_temp_check", "测温的事呢", "query_ticket", "temp_check_form"),
        ("second:file_complaint", "还有投诉呢", "query_ticket", "complaint_form"),
        (NEXT_SEASON_STOP, "那就登记上吧", "goodbye", "verify_form"),
    ],
)
async def test_the_task_named_at_its_offer_starts_it(
    domain: dict[str, Any], pending: str, text: str, intent: str, form: str
) -> None:
    """费呢？多少钱 after 您刚才还提到要查暖气费 heard "没太明白" (hat-037)."""
    events = await ActionHandleYesNo().run(
        CollectingDispatcher(), offered(pending, text, intent), domain
    )
    assert has_event(events, "followup", form)


async def test_a_no_that_names_the_task_is_still_a_no(domain: dict[str, Any]) -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionHandleYesNo().run(
        dispatcher, offered("second:query_fee", "费不查了", "deny"), domain
    )
    assert not any(e.get("event") == "followup" for e in events)


@pytest.mark.parametrize("text", ["东风新村20号楼1单元402", "我电话15837126690", "户号0102345679"])
async def test_details_given_at_the_late_stop_offer_start_the_application(
    store: str, domain: dict[str, Any], text: str
) -> None:
    """东风新村15栋1单元602 after 需要现在为您登记吗？ was asked what business it was (hat-031)."""
    dispatcher = CollectingDispatcher()
    events = await ActionHandleInform().run(
        dispatcher, offered(NEXT_SEASON_STOP, text, "inform"), domain
    )
    assert "utter_ask_what_for" not in texts(dispatcher)
    assert has_event(events, "followup", "verify_form")


async def test_a_phone_given_at_the_person_offer_gets_the_call_back(
    store: str, domain: dict[str, Any]
) -> None:
    dispatcher = CollectingDispatcher()
    await ActionHandleInform().run(dispatcher, offered("human", "13700001111", "inform"), domain)
    assert "utter_ask_what_for" not in texts(dispatcher)


REPAIR_DETAILS = "地址阳光花园5号楼1单元302，电话13812345678，户号0102345678"


def _lookup_after(*earlier: dict[str, Any]) -> Any:
    """The fee lookup starting (no question asked yet) after the `earlier` events."""
    return tracker(
        *earlier,
        user_turn("欠多少？", "query_fee", message_id="now"),
        slots={"account_no": "0102345678"},
        active_loop="verify_form",
    )


async def test_the_account_and_whole_phone_given_earlier_prove_the_lookup(
    store: str, domain: dict[str, Any]
) -> None:
    """hat-037: the 户号 and the registered phone were given with the repair's details; the
    bill's lookup asked for the last four digits of what was said."""
    asked = _lookup_after(user_turn(REPAIR_DETAILS, "inform", message_id="details"))
    dispatcher = CollectingDispatcher()
    events = await ValidateVerifyForm().run(dispatcher, asked, domain)
    assert slot_values(events).get("verified_account") == "0102345678"


@pytest.mark.parametrize(
    "earlier",
    [
        [user_turn("电话13812345678", "inform", message_id="phone")],  # a contact phone alone
        [
            user_turn(REPAIR_DETAILS, "inform", message_id="details"),
            {"event": "bot", "text": "…", "metadata": {"utter_action": "utter_verify_failed"}},
        ],  # tried once already: never again
    ],
)
async def test_no_earlier_proof_asks_for_the_last_four(
    store: str, domain: dict[str, Any], earlier: list[dict[str, Any]]
) -> None:
    taken = await ValidateVerifyForm().extract_phone_last4(
        CollectingDispatcher(), _lookup_after(*earlier), domain
    )
    assert taken == {}


async def test_a_wrong_earlier_phone_counts_as_a_failed_try(
    store: str, domain: dict[str, Any]
) -> None:
    """Another number beside the 户号 is checked in full and fails like wrong digits."""
    asked = _lookup_after(
        user_turn("阳光花园5号楼1单元302 户号0102345678 手机13900001111", "inform", message_id="d")
    )
    dispatcher = CollectingDispatcher()
    events = await ValidateVerifyForm().run(dispatcher, asked, domain)
    assert "utter_verify_failed" in texts(dispatcher)
    assert not slot_values(events).get("verified_account")
