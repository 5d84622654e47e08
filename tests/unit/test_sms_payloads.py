"""Upstream SMS callbacks: both providers' formats, their acks, every malformed shape."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.channels.sms.payloads import ALIYUN, TENCENT, InboundSms, PayloadError, parse_callback


def _aliyun(**changes: Any) -> dict[str, Any]:
    item: dict[str, Any] = {
        "phone_number": "13812345678",
        "content": "暖气不热",
        "send_time": "2026-11-27 20:00:00",
        "dest_code": "1234",
        "sequence_id": 1234567,
        "sign_name": "暖心热力",
    }
    item.update(changes)
    return {k: v for k, v in item.items() if v is not ...}


def _tencent(**changes: Any) -> dict[str, Any]:
    item: dict[str, Any] = {
        "extend": "",
        "mobile": "13812345678",
        "nationcode": "86",
        "sign": "暖心热力",
        "text": "查暖气费",
        "time": 1795780800,
    }
    item.update(changes)
    return {k: v for k, v in item.items() if v is not ...}


def _body(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


def _error(data: Any) -> str:
    with pytest.raises(PayloadError) as raised:
        parse_callback(data if isinstance(data, bytes) else _body(data))
    return raised.value.code


def test_an_aliyun_batch_becomes_messages_in_order_with_the_aliyun_ack() -> None:
    callback = parse_callback(
        _body([_aliyun(), _aliyun(phone_number="+8613900001111", sequence_id="a-2", content="TD")])
    )
    assert callback.provider == ALIYUN
    assert callback.ack == {"code": 0, "msg": "接收成功"}
    assert callback.messages == (
        InboundSms(ALIYUN, "13812345678", "暖气不热", "aliyun:13812345678:1234567"),
        InboundSms(ALIYUN, "13900001111", "TD", "aliyun:13900001111:a-2"),
    )


def test_sign_name_is_optional_and_a_numeric_or_string_sequence_id_is_the_same_key() -> None:
    as_number = parse_callback(_body([_aliyun(sign_name=...)])).messages[0]
    as_string = parse_callback(_body([_aliyun(sequence_id="1234567")])).messages[0]
    assert as_number.key == as_string.key


def test_a_tencent_object_becomes_one_message_with_the_tencent_ack() -> None:
    callback = parse_callback(_body(_tencent()))
    assert callback.provider == TENCENT
    assert callback.ack == {"result": 0, "errmsg": "OK"}
    [message] = callback.messages
    assert (message.phone, message.text) == ("13812345678", "查暖气费")
    assert message.key.startswith("tencent:13812345678:1795780800:")


def test_the_tencent_key_is_stable_for_a_retry_and_differs_for_another_text_or_second() -> None:
    key = parse_callback(_body(_tencent())).messages[0].key
    assert parse_callback(_body(_tencent())).messages[0].key == key
    assert parse_callback(_body(_tencent(text="报修"))).messages[0].key != key
    assert parse_callback(_body(_tencent(time=1795780801))).messages[0].key != key
    assert parse_callback(_body(_tencent(nationcode="+86"))).messages[0].key == key


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b"{not json", "invalid_json"),
        (b"\xff\xfe", "invalid_json"),
        (b"", "invalid_json"),
        (b'"text"', "unknown_shape"),
        (b"42", "unknown_shape"),
        (b"null", "unknown_shape"),
        (b"[]", "empty_batch"),
    ],
)
def test_bodies_that_are_no_callback(body: bytes, code: str) -> None:
    assert _error(body) == code


@pytest.mark.parametrize(
    ("item", "code"),
    [
        ("a string", "bad_item"),
        (["nested"], "bad_item"),
        (_aliyun(phone_number=...), "missing_field"),
        (_aliyun(content=...), "missing_field"),
        (_aliyun(send_time=...), "missing_field"),
        (_aliyun(dest_code=...), "missing_field"),
        (_aliyun(sequence_id=...), "missing_field"),
        (_aliyun(sequence_id=None), "missing_field"),
        (_aliyun(content=123), "bad_field"),
        (_aliyun(phone_number=13812345678), "bad_field"),
        (_aliyun(sequence_id=True), "bad_field"),
        (_aliyun(sequence_id=1.5), "bad_field"),
        (_aliyun(sequence_id=""), "bad_field"),
        (_aliyun(sequence_id="id with spaces"), "bad_field"),
        (_aliyun(sequence_id="x" * 65), "bad_field"),
        (_aliyun(sign_name=7), "bad_field"),
        (_aliyun(send_time=20261127), "bad_field"),
        (_aliyun(phone_number="1381234567"), "bad_phone"),
        (_aliyun(phone_number="23812345678"), "bad_phone"),
        (_aliyun(phone_number="138-1234-5678"), "bad_phone"),
        (_aliyun(phone_number="+85291234567"), "bad_phone"),
    ],
)
def test_malformed_aliyun_items(item: Any, code: str) -> None:
    assert _error([item]) == code


def test_one_bad_item_refuses_the_whole_batch_and_names_it_without_the_number() -> None:
    with pytest.raises(PayloadError) as raised:
        parse_callback(_body([_aliyun(), _aliyun(phone_number="12345")]))
    assert raised.value.as_json() == {
        "error": "bad_phone",
        "message": "item 1: phone_number is not a mainland mobile number",
    }


@pytest.mark.parametrize(
    ("item", "code"),
    [
        (_tencent(extend=...), "missing_field"),
        (_tencent(mobile=...), "missing_field"),
        (_tencent(nationcode=...), "missing_field"),
        (_tencent(sign=...), "missing_field"),
        (_tencent(text=...), "missing_field"),
        (_tencent(time=...), "missing_field"),
        (_tencent(text=["a"]), "bad_field"),
        (_tencent(time="1795780800"), "bad_field"),
        (_tencent(time=-1), "bad_field"),
        (_tencent(time=False), "bad_field"),
        (_tencent(mobile=13812345678), "bad_field"),
        (_tencent(nationcode="852"), "bad_phone"),
        (_tencent(mobile="138123456789"), "bad_phone"),
        (_tencent(mobile=""), "bad_phone"),
    ],
)
def test_malformed_tencent_objects(item: Any, code: str) -> None:
    assert _error(item) == code


@pytest.mark.parametrize("opening", [b"[", b'{"a":'])
def test_a_body_nested_past_the_decoder_is_too_deep_not_a_crash(opening: bytes) -> None:
    closing = b"]" if opening == b"[" else b"}"
    with pytest.raises(PayloadError) as raised:
        parse_callback(opening * 50_000 + b"1" + closing * 50_000)
    assert raised.value.code == "too_deep"
