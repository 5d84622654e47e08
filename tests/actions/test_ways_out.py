"""Dead ends the red team found (F9): a resident who asks for a person gets one."""

from __future__ import annotations

from typing import Any

from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import (
    ActionBotChallenge,
)

from .conftest import has_event, said, texts, tracker, user_turn

# ---- F9: a person when asked for one -----------------------------------------------------------


async def test_asking_for_a_person_while_asking_if_this_is_a_bot_hands_over(
    store: str, domain: dict[str, Any]
) -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionBotChallenge().run(
        dispatcher, tracker(user_turn("你是机器人吧，找个人跟我说", "bot_challenge")), domain
    )
    assert "utter_iamabot" not in texts(dispatcher)
    assert said(dispatcher, "utter_human_callback")["ticket_no"].startswith("RG")  # off duty
    assert has_event(events, "followup", "action_listen")


async def test_are_you_a_bot_is_answered_with_a_button_to_a_person(
    domain: dict[str, Any],
) -> None:
    dispatcher = CollectingDispatcher()
    await ActionBotChallenge().run(
        dispatcher, tracker(user_turn("你是真人吗", "bot_challenge")), domain
    )
    assert texts(dispatcher) == ["utter_iamabot"]
    [plain] = [v for v in domain["responses"]["utter_iamabot"] if not v.get("channel")]
    assert [b["payload"] for b in plain["buttons"]] == ["/request_human"]
    assert "请回复" not in plain["text"]
