"""The SMS callback from request to delivered answer, with a stand-in for Rasa and a fake sender.

Each provider message runs once (the inbound ledger), opt-outs never reach Rasa and are confirmed
once, keyword codes and numbered options reach Rasa as payloads, and nothing unauthenticated or
malformed leaves a trace.
"""

from __future__ import annotations

import asyncio
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from rasa.core.channels.channel import UserMessage
from sqlalchemy import func, select

from bot.channels.sms import inbox as inbox_module
from bot.channels.sms.auth import sign
from bot.channels.sms.config import TemplateIds, load_sms_settings
from bot.channels.sms.inbox import SmsInbox, rasa_message_id
from bot.channels.sms.sender import RecordingSender
from bot.channels.sms.templates import Catalogue, SmsMessage
from bot.store.db import session_scope
from bot.store.inbound import claim, record_answer, state_of
from bot.store.models import InboundMessage, Subscription
from bot.store.outbound import outbound_to
from bot.store.subscriptions import subscribe
from bot.store.suppressions import is_suppressed

SECRET = "0123456789abcdef-sms"
PHONE = "13812345678"
CONVERSATION = f"sms:{PHONE}"  # the conversation id Rasa and the store know the sender by
ROOT = Path(__file__).resolve().parents[2]
RESPONSES = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))["responses"]
IDS = TemplateIds(
    "SMS_GENERIC",
    {"utter_ask_account_no": "SMS_ACCOUNT", "utter_unsubscribed": "SMS_UNSUB"},
)
ASK_ACCOUNT = {
    "text": "请提供您的供热户号（8到12位数字，在缴费单或供热卡上）。",
    "utter_action": "utter_ask_account_no",
}
CONFIRM_CANCEL = {
    "text": "确认取消工单BX202611270003吗？",
    "buttons": [
        {"title": "确认取消", "payload": "/affirm"},
        {"title": "不取消", "payload": "/deny"},
    ],
    "utter_action": "utter_ask_cancel_confirm",
}


class FakeRasa:
    """Stands in for `on_new_message`: records what it got and answers with canned messages."""

    def __init__(self, *answer: dict[str, Any]) -> None:
        self.received: list[UserMessage] = []
        self.answer = list(answer) or [ASK_ACCOUNT]
        self.delay = 0.0
        self.error: Exception | None = None

    async def __call__(self, message: UserMessage) -> None:
        self.received.append(message)
        await asyncio.sleep(self.delay)
        if self.error is not None:
            raise self.error
        for bot_message in self.answer:
            await message.output_channel.send_response(message.sender_id, dict(bot_message))

    @property
    def texts(self) -> list[str | None]:
        return [m.text for m in self.received]


@pytest.fixture
def sender() -> RecordingSender:
    return RecordingSender()


@pytest.fixture
def inbox(store_url: str, sender: RecordingSender) -> SmsInbox:
    settings = load_sms_settings(
        {"SMS_CALLBACK_SECRET": SECRET, "SMS_API_BASE": "http://127.0.0.1:9"}
    )
    return SmsInbox(settings, sender, store_url)


CATALOGUE = Catalogue(RESPONSES, IDS, "【暖心热力】")


def _aliyun(text: str, sequence_id: int | str = 1, phone: str = PHONE) -> bytes:
    item = {
        "phone_number": phone,
        "content": text,
        "send_time": "2026-11-27 20:00:00",
        "dest_code": "1234",
        "sequence_id": sequence_id,
    }
    return json.dumps([item], ensure_ascii=False).encode("utf-8")


def _tencent(text: str, time: int = 1795780800) -> bytes:
    item = {"extend": "", "mobile": PHONE, "nationcode": "86", "sign": "暖心热力", "text": text,
            "time": time}  # fmt: skip
    return json.dumps(item, ensure_ascii=False).encode("utf-8")


async def _post(
    inbox: SmsInbox, rasa: FakeRasa, body: bytes, token: str | None = SECRET
) -> tuple[int, dict[str, Any]]:
    answer = await inbox.handle(body, token, None, rasa, CATALOGUE)
    await inbox.drain()
    return answer


def _state(url: str, key: str) -> str | None:
    with session_scope(url) as session:
        return state_of(session, "sms", key)


def _inbound_rows(url: str) -> int:
    with session_scope(url) as session:
        return int(session.execute(select(func.count(InboundMessage.id))).scalar_one())


async def test_an_aliyun_message_reaches_rasa_and_the_answer_goes_out_as_its_template(
    inbox: SmsInbox, sender: RecordingSender, store_url: str
) -> None:
    rasa = FakeRasa()
    assert await _post(inbox, rasa, _aliyun("查一下暖气费")) == (
        200,
        {"code": 0, "msg": "接收成功"},
    )
    [message] = rasa.received
    assert (message.text, message.sender_id, message.input_channel) == (
        "查一下暖气费",
        CONVERSATION,
        "sms",
    )
    assert message.message_id == rasa_message_id(f"aliyun:{PHONE}:1")
    assert PHONE not in message.message_id
    assert message.metadata == {"provider": "aliyun"}
    assert sender.sent == [
        (CONVERSATION, SmsMessage("SMS_ACCOUNT", {}, ASK_ACCOUNT["text"], "utter_ask_account_no"))
    ]
    assert _state(store_url, f"aliyun:{PHONE}:1") == "delivered"
    with session_scope(store_url) as session:
        assert [(r.purpose, r.status) for r in outbound_to(session, "sms", CONVERSATION)] == [
            ("reply", "sent")
        ]


async def test_a_tencent_message_gets_the_tencent_ack_and_an_answer(
    inbox: SmsInbox, sender: RecordingSender
) -> None:
    rasa = FakeRasa({"text": "缴费后可开具发票。"})
    assert await _post(inbox, rasa, _tencent("能开发票吗")) == (200, {"result": 0, "errmsg": "OK"})
    assert rasa.texts == ["能开发票吗"]
    assert sender.sent == [
        (
            CONVERSATION,
            SmsMessage("SMS_GENERIC", {"content": "缴费后可开具发票。"}, "缴费后可开具发票。"),
        )
    ]


async def test_a_retried_callback_runs_once_and_answers_once(
    inbox: SmsInbox, sender: RecordingSender
) -> None:
    rasa = FakeRasa()
    for _ in range(3):
        assert (await _post(inbox, rasa, _aliyun("暖气不热")))[0] == 200
    await _post(inbox, rasa, _tencent("暖气不热"))
    await _post(inbox, rasa, _tencent("暖气不热"))
    assert rasa.texts == ["暖气不热", "暖气不热"]
    assert len(sender.sent) == 2


async def test_a_retry_arriving_while_the_first_still_runs_does_not_run_it_again(
    inbox: SmsInbox, sender: RecordingSender, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(inbox_module, "ACK_WITHIN_SECONDS", 0.01)
    rasa = FakeRasa()
    rasa.delay = 0.3
    first, second = await asyncio.gather(
        inbox.handle(_aliyun("暖气不热"), SECRET, None, rasa, CATALOGUE),
        inbox.handle(_aliyun("暖气不热"), SECRET, None, rasa, CATALOGUE),
    )
    assert first == second == (200, {"code": 0, "msg": "接收成功"})
    assert sender.sent == []  # acknowledged before the slow answer was ready
    await inbox.drain()
    assert len(rasa.received) == 1 and len(sender.sent) == 1


async def test_messages_of_a_batch_run_in_order(inbox: SmsInbox) -> None:
    rasa = FakeRasa()
    items = [json.loads(_aliyun(t, i))[0] for i, t in enumerate(["一", "二", "三"])]
    await _post(inbox, rasa, json.dumps(items).encode())
    assert rasa.texts == ["一", "二", "三"]


async def test_an_answer_stored_but_not_delivered_is_delivered_by_the_retry_once(
    inbox: SmsInbox, sender: RecordingSender, store_url: str, now: datetime
) -> None:
    key = f"aliyun:{PHONE}:7"
    stored = SmsMessage("SMS_ACCOUNT", {}, ASK_ACCOUNT["text"], "utter_ask_account_no")
    with session_scope(store_url) as session:
        claim(session, "sms", key, CONVERSATION, now)
        record_answer(session, "sms", key, {"purpose": "reply", "sms": [stored.as_json()]}, now)
    rasa = FakeRasa()
    await _post(inbox, rasa, _aliyun("暖气不热", 7))
    await _post(inbox, rasa, _aliyun("暖气不热", 7))
    assert rasa.received == []
    assert sender.sent == [(CONVERSATION, stored)]


async def test_a_failed_run_is_recorded_and_a_retry_does_not_run_it_again(
    inbox: SmsInbox, sender: RecordingSender, store_url: str
) -> None:
    rasa = FakeRasa()
    rasa.error = RuntimeError("Rasa is down")
    assert (await _post(inbox, rasa, _aliyun("暖气不热")))[0] == 200
    assert _state(store_url, f"aliyun:{PHONE}:1") == "failed"
    rasa.error = None
    await _post(inbox, rasa, _aliyun("暖气不热"))
    assert len(rasa.received) == 1 and sender.sent == []


async def test_a_failed_send_is_logged_and_not_repeated_by_a_retry(
    inbox: SmsInbox, sender: RecordingSender, store_url: str
) -> None:
    sender.failing = True
    rasa = FakeRasa()
    await _post(inbox, rasa, _aliyun("暖气不热"))
    sender.failing = False
    await _post(inbox, rasa, _aliyun("暖气不热"))
    assert sender.sent == []
    with session_scope(store_url) as session:
        assert [r.status for r in outbound_to(session, "sms", CONVERSATION)] == ["failed"]


async def test_a_keyword_code_reaches_rasa_as_its_intent(inbox: SmsInbox) -> None:
    rasa = FakeRasa()
    await _post(inbox, rasa, _aliyun("ｃｆ", 1))
    await _post(inbox, rasa, _aliyun(" tr ", 2))
    assert rasa.texts == ["/query_fee", "/query_outage"]


async def test_a_number_picks_the_option_the_last_answer_showed(
    inbox: SmsInbox, sender: RecordingSender
) -> None:
    rasa = FakeRasa(CONFIRM_CANCEL)
    await _post(inbox, rasa, _aliyun("取消工单BX202611270003", 1))
    assert sender.sent[0][1].text.endswith("1. 确认取消\n2. 不取消\n回复数字即可选择。")
    rasa.answer = [{"text": "工单 BX202611270003 已取消。"}]
    await _post(inbox, rasa, _aliyun("1", 2))
    await _post(inbox, rasa, _aliyun("2", 3))  # the options were cleared by the last answer
    assert rasa.texts == ["取消工单BX202611270003", "/affirm", "2"]


async def test_an_opt_out_is_honoured_before_rasa_and_confirmed_once(
    inbox: SmsInbox, sender: RecordingSender, store_url: str, now: datetime
) -> None:
    with session_scope(store_url) as session:
        subscribe(session, "sms", CONVERSATION, "outage", now, community="阳光花园")
    rasa = FakeRasa()
    await _post(inbox, rasa, _aliyun("退订", 1))
    await _post(inbox, rasa, _aliyun("ＴＤ", 2))
    await _post(inbox, rasa, _tencent("t"))
    await _post(inbox, rasa, _aliyun("退订", 1))
    assert rasa.received == []
    [(phone, confirmation)] = sender.sent
    assert phone == CONVERSATION and confirmation.template_id == "SMS_UNSUB"
    assert confirmation.response == "utter_unsubscribed"
    with session_scope(store_url) as session:
        assert is_suppressed(session, "sms", CONVERSATION)
        assert not session.execute(select(Subscription.active)).scalar_one()
        assert [(r.purpose, r.status) for r in outbound_to(session, "sms", CONVERSATION)] == [
            ("opt_out", "sent")
        ]


async def test_a_suppressed_number_asking_for_something_still_gets_its_answer(
    inbox: SmsInbox, sender: RecordingSender
) -> None:
    rasa = FakeRasa()
    await _post(inbox, rasa, _aliyun("TD", 1))
    await _post(inbox, rasa, _aliyun("暖气漏水了", 2))
    assert rasa.texts == ["暖气漏水了"]
    assert [m.template_id for _, m in sender.sent] == ["SMS_UNSUB", "SMS_ACCOUNT"]


@pytest.mark.parametrize(
    ("token", "signature", "status"),
    [(None, None, 401), ("wrong", None, 403), (None, "sha256=00", 403)],
)
async def test_unauthenticated_callbacks_leave_no_trace(
    inbox: SmsInbox,
    sender: RecordingSender,
    store_url: str,
    token: str | None,
    signature: str | None,
    status: int,
) -> None:
    rasa = FakeRasa()
    answer = await inbox.handle(_aliyun("暖气不热"), token, signature, rasa, CATALOGUE)
    assert answer[0] == status
    assert rasa.received == [] and sender.sent == [] and _inbound_rows(store_url) == 0


async def test_a_signed_callback_is_accepted(inbox: SmsInbox) -> None:
    rasa = FakeRasa()
    body = _aliyun("暖气不热")
    assert (await inbox.handle(body, None, sign(SECRET, body), rasa, CATALOGUE))[0] == 200
    await inbox.drain()
    assert rasa.texts == ["暖气不热"]


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b"not json", "invalid_json"),
        (b"[]", "empty_batch"),
        (b'[{"content": "x"}]', "missing_field"),
        (_aliyun("暖气不热", phone="12345"), "bad_phone"),
    ],
)
async def test_malformed_callbacks_are_400_and_leave_no_trace(
    inbox: SmsInbox, sender: RecordingSender, store_url: str, body: bytes, code: str
) -> None:
    rasa = FakeRasa()
    status, answer = await _post(inbox, rasa, body)
    assert (status, answer["error"]) == (400, code)
    assert rasa.received == [] and sender.sent == [] and _inbound_rows(store_url) == 0


async def test_an_opt_out_is_honoured_even_without_a_confirmation_in_the_domain(
    inbox: SmsInbox, sender: RecordingSender, store_url: str
) -> None:
    bare = Catalogue({"utter_greet": RESPONSES["utter_greet"]}, IDS, "【暖心热力】")
    rasa = FakeRasa()
    assert (await inbox.handle(_aliyun("TD"), SECRET, None, rasa, bare))[0] == 200
    await inbox.drain()
    assert rasa.received == [] and sender.sent == []
    assert _state(store_url, f"aliyun:{PHONE}:1") == "delivered"
    with session_scope(store_url) as session:
        assert is_suppressed(session, "sms", CONVERSATION)
