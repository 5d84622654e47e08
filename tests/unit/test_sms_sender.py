"""Sending SMS: the HTTP sender against the gateway stand-in, the fake, and the outbound rules."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.channels.sms.config import TemplateIds, load_sms_settings
from bot.channels.sms.notify import SmsNoticeSender
from bot.channels.sms.outbox import deliver
from bot.channels.sms.sender import HttpSmsSender, RecordingSender, SendError, sender_for
from bot.channels.sms.templates import SmsMessage
from bot.notify.senders import OutgoingNotice
from bot.standins.sms_gateway import REFUSED_CODE, SmsGatewayStandIn
from bot.store.db import session_scope
from bot.store.outbound import outbound_to

PHONE = "13812345678"
NOTICE = SmsMessage("SMS_OUTAGE", {"community": "阳光花园"}, "阳光花园明日停热。", "utter_x")


@pytest.fixture
def gateway() -> Iterator[SmsGatewayStandIn]:
    server = SmsGatewayStandIn().start()
    try:
        yield server
    finally:
        server.stop()


async def test_the_http_sender_posts_the_documented_body(gateway: SmsGatewayStandIn) -> None:
    sender = HttpSmsSender(gateway.base_url + "/", "暖心热力")
    await sender.send(f"sms:{PHONE}", NOTICE)
    assert gateway.sends() == [
        {
            "phone": PHONE,
            "sign_name": "暖心热力",
            "template_id": "SMS_OUTAGE",
            "params": {"community": "阳光花园"},
        }
    ]
    assert gateway.received("/sms/send")[0].headers["content-type"].startswith("application/json")


async def test_a_refusing_or_unreachable_gateway_is_a_send_error(
    gateway: SmsGatewayStandIn,
) -> None:
    sender = HttpSmsSender(gateway.base_url, "暖心热力")
    gateway.fail(1)
    with pytest.raises(SendError, match=REFUSED_CODE):
        await sender.send(f"sms:{PHONE}", NOTICE)
    await sender.send(f"sms:{PHONE}", NOTICE)
    assert len(gateway.sends()) == 1
    gateway.route("POST", "/sms/send", lambda r: (500, {"code": "InternalError"}))
    with pytest.raises(SendError, match="500"):
        await sender.send(f"sms:{PHONE}", NOTICE)
    gateway.stop()
    with pytest.raises(SendError, match="unreachable"):
        await sender.send(f"sms:{PHONE}", NOTICE)


@pytest.mark.parametrize("recipient", [PHONE, f"rest:{PHONE}", f"wechat:{PHONE}", "sms:"])
async def test_only_an_sms_conversation_is_sent_to(
    gateway: SmsGatewayStandIn, recipient: str
) -> None:
    """A bare number or another channel's conversation never reaches the gateway."""
    sender = HttpSmsSender(gateway.base_url, "暖心热力")
    with pytest.raises(SendError, match="not a sms conversation"):
        await sender.send(recipient, NOTICE)
    assert gateway.sends() == []


def test_the_settings_choose_the_http_sender() -> None:
    settings = load_sms_settings(
        {"SMS_CALLBACK_SECRET": "0123456789abcdef", "SMS_API_BASE": "http://127.0.0.1:9"}
    )
    assert isinstance(sender_for(settings), HttpSmsSender)


async def test_the_fake_records_and_fails_on_demand() -> None:
    fake = RecordingSender()
    await fake.send(PHONE, NOTICE)
    fake.failing = True
    with pytest.raises(SendError):
        await fake.send(PHONE, NOTICE)
    assert fake.sent == [(PHONE, NOTICE)]


async def test_every_send_and_failure_is_logged(store_url: str) -> None:
    fake = RecordingSender()
    assert await deliver(fake, PHONE, [NOTICE, NOTICE], "reply", store_url) == ["sent", "sent"]
    fake.failing = True
    assert await deliver(fake, PHONE, [NOTICE], "reply", store_url) == ["failed"]
    with session_scope(store_url) as session:
        logged = [
            (r.purpose, r.status, r.template_id, r.error)
            for r in outbound_to(session, "sms", PHONE)
        ]
        body = outbound_to(session, "sms", PHONE)[0].body
    assert logged == [
        ("reply", "sent", "SMS_OUTAGE", None),
        ("reply", "sent", "SMS_OUTAGE", None),
        ("reply", "failed", "SMS_OUTAGE", "recording sender told to fail"),
    ]
    assert body == NOTICE.as_json()


async def test_replies_and_confirmations_are_sent_and_logged(store_url: str) -> None:
    fake = RecordingSender()
    assert await deliver(fake, PHONE, [NOTICE, NOTICE], "reply", store_url) == ["sent", "sent"]
    assert await deliver(fake, PHONE, [NOTICE], "opt_out", store_url) == ["sent"]
    with session_scope(store_url) as session:
        statuses = [(r.purpose, r.status) for r in outbound_to(session, "sms", PHONE)]
    assert statuses == [("reply", "sent"), ("reply", "sent"), ("opt_out", "sent")]
    with pytest.raises(ValueError, match="purpose"):
        await deliver(fake, PHONE, [NOTICE], "promo", store_url)


def _notice(template_id: str) -> OutgoingNotice:
    return OutgoingNotice(
        channel="sms",
        recipient=PHONE,
        purpose="notice",
        template="outage_planned",
        template_id=template_id,
        variables={"community": "阳光花园", "start": "11月28日 08:00"},
        text="阳光花园计划于11月28日 08:00停热。",
    )


async def test_a_notice_goes_out_under_the_operators_template_id() -> None:
    fake = RecordingSender()
    sender = SmsNoticeSender(fake, TemplateIds("SMS_GENERIC", {"N01": "SMS_778899"}))
    assert (await sender.send(_notice("N01"))).ok
    [(phone, message)] = fake.sent
    assert phone == PHONE and message.template_id == "SMS_778899"
    assert message.params == {"community": "阳光花园", "start": "11月28日 08:00"}


async def test_an_unmapped_notice_uses_the_generic_template_and_failures_are_retryable() -> None:
    fake = RecordingSender()
    sender = SmsNoticeSender(fake, TemplateIds("SMS_GENERIC", {}))
    assert (await sender.send(_notice("N02"))).ok
    assert fake.sent[0][1].template_id == "SMS_GENERIC"
    assert fake.sent[0][1].params == {"content": "阳光花园计划于11月28日 08:00停热。"}
    failing = SmsNoticeSender(RecordingSender(failing=True), TemplateIds("SMS_GENERIC", {}))
    result = await failing.send(_notice("N02"))
    assert not result.ok and result.retryable and result.error
