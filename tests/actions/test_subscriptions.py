"""Subscriptions in conversation: 通知我 after an outage answer, asking for the community, the
offer after binding (only a yes subscribes), the WeChat welcome, listing and unsubscribing."""

from __future__ import annotations

from typing import Any

from rasa_sdk.executor import CollectingDispatcher

from actions.account import ActionAfterVerification
from actions.conversation import ActionHandleInform, ActionHandleYesNo
from actions.subscriptions import (
    ASK_COMMUNITY,
    OFFER,
    ActionQuerySubscriptions,
    ActionSubscribe,
    ActionUnsubscribe,
)
from bot.services import subscriptions as service
from bot.store.db import session_scope

from .conftest import NOW, offered, said, slot_values, texts, tracker, user_turn


def _topics(store: str, sender: str = "tester") -> dict[str, str | None]:
    with session_scope(store) as session:
        return {v.topic: v.community for v in service.subscriptions(session, "rest", sender)}


async def test_notify_me_after_an_outage_answer_subscribes_that_community(
    store: str, domain: dict[str, Any]
) -> None:
    dispatcher = CollectingDispatcher()
    t = tracker(
        user_turn("幸福里小区停暖了吗", "query_outage", message_id="a"),
        {"event": "bot", "text": "幸福里小区抢修停热…", "metadata": {"utter_action": "x"}},
        user_turn("通知我", "subscribe", message_id="b"),
    )
    events = await ActionSubscribe().run(dispatcher, t, domain)
    assert said(dispatcher, "utter_subscribed_outage")["community"] == "幸福里小区"
    assert slot_values(events)["pending"] is None
    assert _topics(store) == {"outage": "幸福里小区"}


async def test_an_unknown_community_is_asked_for_and_the_answer_subscribes(
    store: str, domain: dict[str, Any]
) -> None:
    asked = CollectingDispatcher()
    events = await ActionSubscribe().run(
        asked, tracker(user_turn("有消息提醒我", "subscribe")), domain
    )
    assert texts(asked) == ["utter_ask_subscribe_community"]
    assert slot_values(events)["pending"] == ASK_COMMUNITY
    assert _topics(store) == {}

    answered = CollectingDispatcher()
    await ActionHandleInform().run(answered, offered(ASK_COMMUNITY, "阳光花园", "inform"), domain)
    assert said(answered, "utter_subscribed_outage")["community"] == "阳光花园"
    assert _topics(store) == {"outage": "阳光花园"}


async def test_a_name_that_is_no_community_is_asked_again(
    store: str, domain: dict[str, Any]
) -> None:
    dispatcher = CollectingDispatcher()
    await ActionHandleInform().run(dispatcher, offered(ASK_COMMUNITY, "火星基地", "inform"), domain)
    assert texts(dispatcher) == ["utter_subscribe_community_unknown"]
    assert _topics(store) == {}


async def test_bill_reminders_need_a_proven_account(store: str, domain: dict[str, Any]) -> None:
    refused = CollectingDispatcher()
    await ActionSubscribe().run(refused, tracker(user_turn("开通缴费提醒", "subscribe")), domain)
    assert texts(refused) == ["utter_bill_reminder_needs_account"]
    verified = {"verified_account": "0102345678"}
    done = CollectingDispatcher()
    t = tracker(user_turn("开通缴费提醒", "subscribe"), slots=verified)
    await ActionSubscribe().run(done, t, domain)
    assert said(done, "utter_subscribed")["what"] == "户号01******78的缴费提醒"
    assert set(_topics(store)) == {"bill"}


async def test_a_wechat_follow_is_welcomed_with_the_community_question(
    store: str, domain: dict[str, Any]
) -> None:
    follow = user_turn("/subscribe", "subscribe", channel="wechat")
    follow["metadata"] = {"followed": True}
    dispatcher = CollectingDispatcher()
    events = await ActionSubscribe().run(dispatcher, tracker(follow), domain)
    assert texts(dispatcher) == ["utter_greet", "utter_welcome_subscribe"]
    assert slot_values(events)["pending"] == ASK_COMMUNITY
    assert _topics(store) == {}  # nothing without the resident's answer


async def test_binding_offers_notices_and_only_a_yes_subscribes(
    store: str, domain: dict[str, Any]
) -> None:
    verified = {"verified_account": "0102345678", "account_no": "0102345678"}
    bound = CollectingDispatcher()
    t = tracker(user_turn("绑定户号", "bind_account"), slots=verified)
    events = await ActionAfterVerification().run(bound, t, domain)
    assert texts(bound) == ["utter_bound", "utter_offer_subscriptions"]
    assert said(bound, "utter_offer_subscriptions")["community"] == "阳光花园"
    assert slot_values(events)["pending"] == OFFER
    assert _topics(store) == {}

    declined = CollectingDispatcher()
    no = offered(OFFER, "不用了", "deny")
    await ActionHandleYesNo().run(declined, no, domain)
    assert texts(declined) == ["utter_subscriptions_declined"]
    assert _topics(store) == {}

    accepted = CollectingDispatcher()
    yes = offered(OFFER, "好的", "affirm")
    yes.slots.update(verified)
    await ActionHandleYesNo().run(accepted, yes, domain)
    assert said(accepted, "utter_subscribed")["what"] == (
        "阳光花园的停热通知、户号01******78的缴费提醒"
    )
    assert _topics(store) == {"outage": "阳光花园", "bill": None}


async def test_listing_and_ending_one_topic_or_all(store: str, domain: dict[str, Any]) -> None:
    with session_scope(store) as session:
        service.subscribe(session, "rest", "tester", "outage", NOW, community="阳光花园")
        service.subscribe(session, "rest", "tester", "bill", NOW, account_no="0102345678")
    listed = CollectingDispatcher()
    ask = tracker(user_turn("我订阅了什么", "query_subscriptions"))
    await ActionQuerySubscriptions().run(listed, ask, domain)
    assert said(listed, "utter_subscriptions")["listing"] == (
        "阳光花园的停热通知、户号01******78的缴费提醒"
    )

    one = CollectingDispatcher()
    await ActionUnsubscribe().run(one, tracker(user_turn("不要缴费提醒了", "unsubscribe")), domain)
    assert said(one, "utter_unsubscribed_topic")["what"] == "户号01******78的缴费提醒"
    assert _topics(store) == {"outage": "阳光花园"}

    everything = CollectingDispatcher()
    await ActionUnsubscribe().run(everything, tracker(user_turn("退订", "unsubscribe")), domain)
    assert texts(everything) == ["utter_unsubscribed"]
    assert _topics(store) == {}

    empty = CollectingDispatcher()
    await ActionQuerySubscriptions().run(empty, ask, domain)
    assert texts(empty) == ["utter_no_subscriptions"]


async def test_an_opt_out_of_a_topic_not_subscribed_stops_everything(
    store: str, domain: dict[str, Any]
) -> None:
    with session_scope(store) as session:
        service.subscribe(session, "rest", "tester", "bill", NOW, account_no="0102345678")
    dispatcher = CollectingDispatcher()
    text = "别再给我发那些停暖通知短信了 天天发 烦不烦"
    await ActionUnsubscribe().run(dispatcher, tracker(user_turn(text, "unsubscribe")), domain)
    assert texts(dispatcher) == ["utter_unsubscribed"]
    assert _topics(store) == {}
