"""The SMS channel against the real stack: provider callbacks in, templated SMS at the stand-in.

Each test writes from its own phone number, so the stand-in's sends and Rasa's trackers are
per test. Answers run in the background after the acknowledgement, so the tests wait for the
inbound ledger to say a message was delivered before counting what reached the stand-in.
"""

from __future__ import annotations

import hashlib
import json
import time
import urllib.error
import urllib.request
from datetime import datetime, timezone
from typing import Any

import pytest

from bot.channels.sms.auth import SIGNATURE_HEADER, sign
from bot.notify.delivery import Notice, queue_notice
from bot.standins.sms_gateway import SmsGatewayStandIn
from bot.store.db import session_scope
from bot.store.inbound import state_of
from bot.store.outbound import outbound_to

from .conftest import SMS_SECRET, SMS_TEMPLATE_IDS, Stack

pytestmark = pytest.mark.e2e

ALIYUN_ACK = {"code": 0, "msg": "接收成功"}
TENCENT_ACK = {"result": 0, "errmsg": "OK"}


def _aliyun(phone: str, text: str, sequence_id: int | str) -> bytes:
    item = {
        "phone_number": phone,
        "content": text,
        "send_time": "2026-11-27 20:00:00",
        "dest_code": "1069",
        "sequence_id": sequence_id,
        "sign_name": "暖心热力",
    }
    return json.dumps([item], ensure_ascii=False).encode("utf-8")


def _tencent(phone: str, text: str, sent: int) -> bytes:
    item = {"extend": "", "mobile": phone, "nationcode": "86", "sign": "暖心热力", "text": text,
            "time": sent}  # fmt: skip
    return json.dumps(item, ensure_ascii=False).encode("utf-8")


def _post(
    stack: Stack, body: bytes, token: str | None = SMS_SECRET, headers: dict[str, str] | None = None
) -> tuple[int, Any]:
    query = f"?token={token}" if token is not None else ""
    request = urllib.request.Request(
        f"{stack.rasa_url}/webhooks/sms/webhook{query}",
        data=body,
        headers={"Content-Type": "application/json", **(headers or {})},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def _delivered(stack: Stack, key: str, timeout: float = 30.0) -> None:
    """Wait until the ledger says the message's answer went out (or was empty)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with session_scope(stack.database_url) as session:
            state = state_of(session, "sms", key)
        if state in {"delivered", "failed"}:
            assert state == "delivered", f"{key} failed"
            return
        time.sleep(0.1)
    raise AssertionError(f"{key} not delivered after {timeout:.0f} s (state {state})")


def _digest(text: str) -> str:
    """The text part of a Tencent message's ledger key (payloads.py)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _user_turns(stack: Stack, phone: str) -> list[dict[str, Any]]:
    return [e for e in stack.tracker(f"sms:{phone}")["events"] if e.get("event") == "user"]


def test_an_aliyun_callback_is_acknowledged_and_answered_with_a_template(
    stack: Stack, sms_gateway: SmsGatewayStandIn
) -> None:
    phone = "13900000001"
    assert _post(stack, _aliyun(phone, "你好", 1)) == (200, ALIYUN_ACK)
    _delivered(stack, f"aliyun:{phone}:1")
    assert sms_gateway.sends(phone) == [
        {
            "phone": phone,
            "sign_name": "示例热力",  # the demo policy's company signature
            "template_id": SMS_TEMPLATE_IDS["utter_greet"],
            "params": {},
        }
    ]
    [turn] = _user_turns(stack, phone)
    assert (turn["text"], turn["input_channel"]) == ("你好", "sms")
    assert turn["parse_data"]["intent"]["name"] == "greet"


def test_a_signed_tencent_callback_with_a_keyword_code_starts_its_flow(
    stack: Stack, sms_gateway: SmsGatewayStandIn
) -> None:
    phone = "13900000002"
    body = _tencent(phone, "ｃｆ", 1795780800)
    headers = {SIGNATURE_HEADER: sign(SMS_SECRET, body)}
    assert _post(stack, body, token=None, headers=headers) == (200, TENCENT_ACK)
    _delivered(stack, f"tencent:{phone}:1795780800:{_digest('ｃｆ')}")
    [sent] = sms_gateway.sends(phone)
    assert sent["template_id"] == SMS_TEMPLATE_IDS["utter_ask_account_no"]
    [turn] = _user_turns(stack, phone)
    assert turn["text"] == "/query_fee"


def test_the_outage_keyword_asks_the_community_and_answers_with_its_variables(
    stack: Stack, sms_gateway: SmsGatewayStandIn
) -> None:
    phone = "13900000003"
    _post(stack, _aliyun(phone, "TR", "tr-1"))
    _delivered(stack, f"aliyun:{phone}:tr-1")
    [asked] = sms_gateway.sends(phone)
    assert asked["template_id"] == SMS_TEMPLATE_IDS["utter_ask_community"]
    _post(stack, _aliyun(phone, "幸福里小区", "tr-2"))
    _delivered(stack, f"aliyun:{phone}:tr-2")
    [_, found] = sms_gateway.sends(phone)
    assert found["template_id"] == SMS_TEMPLATE_IDS["utter_outage_found"]
    assert found["params"]["community"] == "幸福里小区"
    assert found["params"]["kind"] == "抢修停热"
    assert "停热" in found["params"]["when"]


def test_a_retried_callback_answers_once_and_is_one_conversation_turn(
    stack: Stack, sms_gateway: SmsGatewayStandIn
) -> None:
    phone = "13900000004"
    body = _aliyun(phone, "暖气不热了", 8800)
    assert _post(stack, body) == (200, ALIYUN_ACK)
    assert _post(stack, body) == (200, ALIYUN_ACK)
    _delivered(stack, f"aliyun:{phone}:8800")
    assert _post(stack, body) == (200, ALIYUN_ACK)
    time.sleep(1)
    assert len(sms_gateway.sends(phone)) == 1
    assert [t["text"] for t in _user_turns(stack, phone)] == ["暖气不热了"]


@pytest.mark.parametrize(
    ("token", "headers", "status"),
    [
        (None, {}, 401),
        ("forged-token", {}, 403),
        (None, {SIGNATURE_HEADER: "sha256=" + "0" * 64}, 403),
    ],
)
def test_unauthenticated_callbacks_are_rejected_and_reach_nothing(
    stack: Stack,
    sms_gateway: SmsGatewayStandIn,
    token: str | None,
    headers: dict[str, str],
    status: int,
) -> None:
    phone = "13900000005"
    answer = _post(stack, _aliyun(phone, "暖气不热", 1), token=token, headers=headers)
    assert answer[0] == status
    time.sleep(0.5)
    assert sms_gateway.sends(phone) == []
    assert _user_turns(stack, phone) == []


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b"{", "invalid_json"),
        (b"[]", "empty_batch"),
        (_aliyun("1390000006", "暖气不热", 1), "bad_phone"),
        (json.dumps({"mobile": "13900000006", "text": "x"}).encode(), "missing_field"),
    ],
)
def test_malformed_callbacks_are_400_and_reach_nothing(
    stack: Stack, sms_gateway: SmsGatewayStandIn, body: bytes, code: str
) -> None:
    status, answer = _post(stack, body)
    assert (status, answer["error"]) == (400, code)
    assert sms_gateway.sends("13900000006") == []
    assert _user_turns(stack, "13900000006") == []


def test_an_opt_out_is_confirmed_once_and_notices_are_refused_after_it(
    stack: Stack, sms_gateway: SmsGatewayStandIn
) -> None:
    phone = "13900000007"
    assert _post(stack, _aliyun(phone, "退订", "o-1")) == (200, ALIYUN_ACK)
    _delivered(stack, f"aliyun:{phone}:o-1")
    assert _post(stack, _aliyun(phone, " TD ", "o-2")) == (200, ALIYUN_ACK)
    _delivered(stack, f"aliyun:{phone}:o-2")
    [confirmation] = sms_gateway.sends(phone)
    assert confirmation["template_id"] == SMS_TEMPLATE_IDS["utter_unsubscribed"]
    assert _user_turns(stack, phone) == []

    restored = {"communities": "阳光花园", "hotline": "400-000-0000"}
    notice = Notice("outage:e2e:restored", "notice", "outage_restored", restored)
    with session_scope(stack.database_url) as session:
        outcome = queue_notice(session, "sms", f"sms:{phone}", notice, datetime.now(timezone.utc))
    assert outcome == "suppressed"
    with session_scope(stack.database_url) as session:
        logged = [(r.purpose, r.status) for r in outbound_to(session, "sms", f"sms:{phone}")]
    assert logged == [("opt_out", "sent"), ("notice", "refused")]
    assert len(sms_gateway.sends(phone)) == 1
