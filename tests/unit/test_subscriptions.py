"""Subscriptions a resident controls (bot.services.subscriptions) and what the words ask for
(bot.nlu.notices): subscribe per topic and community, list, end one topic or all, re-subscribe
after an SMS opt-out; 通知我 asks for notices and is never read as an opt-out."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pytest
from sqlalchemy.orm import Session

from bot.nlu.notices import (
    asks_for_notices,
    names_notices,
    refuses_notices,
    topic_named,
    topic_refused,
)
from bot.notify.delivery import Notice, fan_out
from bot.services import subscriptions as service
from bot.store.errors import InvalidInput
from bot.store.models import Account
from bot.store.subscriptions import subscribe as store_subscribe
from bot.store.suppressions import is_suppressed, suppress

SMS = "sms:13800000001"
RESTORED = Notice(
    "outage:1:restored", "outage", "outage_restored", {"communities": "阳光花园", "hotline": "1"}
)


def test_an_outage_subscription_is_listed_in_plain_words(session: Session, now: datetime) -> None:
    done = service.subscribe(session, "sms", SMS, "outage", now, community="阳光花园")
    assert done.replaced_community is None
    assert service.listing(service.subscriptions(session, "sms", SMS)) == "阳光花园的停热通知"


def test_a_bill_reminder_names_the_account_masked(
    session: Session, now: datetime, add_account: Callable[..., Account]
) -> None:
    add_account("0100000001")
    service.subscribe(session, "sms", SMS, "bill", now, account_no="0100000001")
    service.subscribe(session, "sms", SMS, "outage", now, community="幸福里")
    assert (
        service.listing(service.subscriptions(session, "sms", SMS))
        == "幸福里的停热通知、户号01******01的缴费提醒"
    )


def test_what_a_topic_needs_is_refused_without_it(session: Session, now: datetime) -> None:
    with pytest.raises(InvalidInput):
        service.subscribe(session, "sms", SMS, "outage", now)
    with pytest.raises(InvalidInput):
        service.subscribe(session, "sms", SMS, "bill", now, community="阳光花园")


def test_another_community_replaces_the_old_and_says_so(session: Session, now: datetime) -> None:
    service.subscribe(session, "sms", SMS, "outage", now, community="阳光花园")
    moved = service.subscribe(session, "sms", SMS, "outage", now, community="幸福里")
    assert moved.replaced_community == "阳光花园"
    assert [v.community for v in service.subscriptions(session, "sms", SMS)] == ["幸福里"]


def test_ending_one_topic_keeps_the_other(
    session: Session, now: datetime, add_account: Callable[..., Account]
) -> None:
    add_account("0100000001")
    service.subscribe(session, "sms", SMS, "outage", now, community="阳光花园")
    service.subscribe(session, "sms", SMS, "bill", now, account_no="0100000001")
    ended = service.unsubscribe(session, "sms", SMS, "bill", now)
    assert [v.topic for v in ended] == ["bill"]
    assert [v.topic for v in service.subscriptions(session, "sms", SMS)] == ["outage"]
    assert service.unsubscribe(session, "sms", SMS, "bill", now) == []


def test_ending_one_topic_of_an_all_subscription_stops_only_that_topic(
    session: Session, now: datetime, add_account: Callable[..., Account]
) -> None:
    add_account("0100000001")
    store_subscribe(session, "sms", SMS, "all", now, account_no="0100000001", community="阳光花园")
    service.unsubscribe(session, "sms", SMS, "outage", now)
    assert fan_out(session, "outage", ["阳光花园"], RESTORED, now).queued["sms"] == 0
    assert [v.topic for v in service.subscriptions(session, "sms", SMS)] == ["bill"]


def test_ending_everything_stops_every_notice(session: Session, now: datetime) -> None:
    service.subscribe(session, "sms", SMS, "outage", now, community="阳光花园")
    ended = service.unsubscribe(session, "sms", SMS, None, now)
    assert [v.topic for v in ended] == ["outage"]
    assert service.subscriptions(session, "sms", SMS) == []
    assert fan_out(session, "outage", ["阳光花园"], RESTORED, now).queued["sms"] == 0


def test_subscribing_again_after_an_sms_opt_out_is_a_new_consent(
    session: Session, now: datetime
) -> None:
    suppress(session, "sms", SMS, "TD", now)
    service.subscribe(session, "sms", SMS, "outage", now, community="阳光花园")
    assert not is_suppressed(session, "sms", SMS)
    assert fan_out(session, "outage", ["阳光花园"], RESTORED, now).queued["sms"] == 1


@pytest.mark.parametrize(
    "text",
    ["停热了通知我", "有消息提醒我", "恢复供暖告诉我一声", "通知我", "那修好了给我发个短信",
     "之前退订了，现在想重新订阅", "tongzhi wo", "恢復供熱時通知我"],
)  # fmt: skip
def test_asking_to_be_told_is_never_an_opt_out(text: str) -> None:
    assert asks_for_notices(text)


@pytest.mark.parametrize(
    "text",
    ["不要通知我了", "别再给我发短信了", "退订", "TD", "停暖信息不要推给我", "短信烦死了",
     "催费短信不要发了，我已经交过了"],
)  # fmt: skip
def test_refusing_notices_is_no_request_for_them(text: str) -> None:
    assert refuses_notices(text) and not asks_for_notices(text)


@pytest.mark.parametrize(
    "text",
    ["我想订阅退费加微信kf8888的翠竹小区的停热通知", "订阅停热通知 另外问下退费怎么退",
     "开通停暖提醒，顺便问问退款多久到", "通知我退钱的进度"],
)  # fmt: skip
def test_money_back_is_no_opt_out(text: str) -> None:
    """退费 / 退款 / 退钱 beside 订阅 unsubscribed a resident asking to subscribe (red team R14)."""
    assert asks_for_notices(text) and not refuses_notices(text)


@pytest.mark.parametrize("text", ["取消", "不要了", "算了", "取消吧", "不用了"])
def test_a_bare_cancel_word_names_no_notice(text: str) -> None:
    assert not names_notices(text)


@pytest.mark.parametrize(
    ("text", "topic"),
    [("停热了通知我", "outage"), ("暖气费快到期提醒我", "bill"), ("供暖开始提醒我", "outage"),
     ("有消息提醒我", None), ("回访别打了", "survey")],
)  # fmt: skip
def test_the_topic_a_request_names(text: str, topic: str | None) -> None:
    assert topic_named(text) == topic


@pytest.mark.parametrize(
    ("text", "topic"),
    [("不要催费短信了", "bill"), ("停暖通知别发了", "outage"), ("供热公司的短信别发了", None),
     ("退订", None), ("每天发短信烦死了", None)],
)  # fmt: skip
def test_only_a_topic_named_as_such_narrows_an_opt_out(text: str, topic: str | None) -> None:
    assert topic_refused(text) == topic


@pytest.mark.parametrize(
    ("text", "classified", "meant"),
    [("不要停热通知了", "query_outage", "unsubscribe"),
     ("取消停热通知", "cancel_ticket", "unsubscribe"),
     ("停热了通知我", "unsubscribe", "subscribe"), ("取消", "unsubscribe", "cancel_ticket"),
     ("取消", "cancel_ticket", "cancel_ticket"), ("幸福里停暖了吗", "query_outage", "query_outage"),
     ("之前退订了，现在想重新订阅", "subscribe", "subscribe"),
     ("那买房那家过户得怎么弄 我跟人家言语一声", "subscribe", "cancel_ticket")],
)  # fmt: skip
def test_the_pipeline_reads_notice_requests_by_what_they_ask(
    text: str, classified: str, meant: str
) -> None:
    from rasa.shared.nlu.training_data.message import Message

    from bot.nlu.guard import IntentCorrections

    intent = {"name": classified, "confidence": 0.5}
    message = Message(data={"text": text, "intent": intent, "intent_ranking": [intent]})
    [out] = IntentCorrections().process([message])
    assert out.get("intent")["name"] == meant
