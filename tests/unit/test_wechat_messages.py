"""Reading WeChat's XML safely, and rendering passive replies (plain and sealed)."""

from __future__ import annotations

import pytest
from defusedxml.ElementTree import fromstring

from bot.channels.wechat.messages import (
    MAX_BODY,
    EventMessage,
    ImageMessage,
    LocationMessage,
    MalformedMessage,
    Message,
    TextMessage,
    TooLarge,
    VoiceMessage,
    parse_message,
    parse_xml,
    read_request,
    render_text_reply,
    seal_reply,
)
from bot.channels.wechat.protocol import (
    BadSignature,
    WrongAppId,
    check_msg_signature,
    decode_aes_key,
    decrypt,
    encrypt,
    signature,
)

TOKEN, APP_ID = "tok", "wx1234567890abcdef"
AES_KEY = decode_aes_key("kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR")
HEAD = (
    "<ToUserName><![CDATA[gh_123]]></ToUserName><FromUserName><![CDATA[oUser1]]></FromUserName>"
    "<CreateTime>1764230400</CreateTime>"
)


def xml(body: str, head: str = HEAD) -> bytes:
    return f"<xml>{head}{body}</xml>".encode()


def parse(body: str) -> Message:
    return parse_message(parse_xml(xml(body)))


def test_text() -> None:
    message = parse(
        "<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[暖气不热]]></Content>"
        "<MsgId>1234567890123456</MsgId>"
    )
    assert message == TextMessage(
        "gh_123", "oUser1", 1764230400, "text", "1234567890123456", "暖气不热"
    )
    assert message.dedup_key == "msg:oUser1:1234567890123456"


def test_the_same_msg_id_from_two_users_is_two_messages() -> None:
    """F20: a forger must not pre-claim (or answer for) another user's message id."""
    body = "<MsgType>text</MsgType><Content>x</Content><MsgId>42</MsgId>"
    mine = parse(body)
    theirs = parse_message(parse_xml(xml(body).replace(b"oUser1", b"oUser2")))
    assert mine.dedup_key != theirs.dedup_key


def test_voice_with_and_without_recognition() -> None:
    base = "<MsgType>voice</MsgType><MediaId>m1</MediaId><Format>amr</Format><MsgId>7</MsgId>"
    heard = parse(base + "<Recognition><![CDATA[暖气不热。]]></Recognition>")
    assert isinstance(heard, VoiceMessage) and heard.recognition == "暖气不热。"
    for missing in ("", "<Recognition></Recognition>", "<Recognition><![CDATA[ ]]></Recognition>"):
        silent = parse(base + missing)
        assert isinstance(silent, VoiceMessage) and silent.recognition is None


def test_location() -> None:
    message = parse(
        "<MsgType>location</MsgType><Location_X>39.928300</Location_X>"
        "<Location_Y>116.388200</Location_Y><Scale>15</Scale><Label><![CDATA[幸福里]]></Label>"
        "<MsgId>8</MsgId>"
    )
    assert isinstance(message, LocationMessage)
    assert (message.latitude, message.longitude, message.label) == (39.9283, 116.3882, "幸福里")


@pytest.mark.parametrize(
    ("event", "key", "expected"),
    [
        ("subscribe", "qrscene_42", "subscribe"),
        ("unsubscribe", "", "unsubscribe"),
        ("CLICK", "QUERY_FEE", "click"),
        ("VIEW", "https://example.com", "view"),
        ("SCAN", "42", "scan"),
        ("LOCATION", "", "location"),
    ],
)
def test_events_are_keyed_by_sender_and_time(event: str, key: str, expected: str) -> None:
    message = parse(f"<MsgType>event</MsgType><Event>{event}</Event><EventKey>{key}</EventKey>")
    assert isinstance(message, EventMessage)
    assert (message.event, message.event_key, message.msg_id) == (expected, key, None)
    assert message.dedup_key == "event:oUser1:1764230400"


def test_image_carries_its_media_id() -> None:
    message = parse(
        "<MsgType>image</MsgType><PicUrl><![CDATA[http://mmbiz.qpic.cn/x.jpg]]></PicUrl>"
        "<MediaId><![CDATA[Xy_9-abcDEF]]></MediaId><MsgId>9</MsgId>"
    )
    assert isinstance(message, ImageMessage)
    assert (message.media_id, message.pic_url) == ("Xy_9-abcDEF", "http://mmbiz.qpic.cn/x.jpg")


@pytest.mark.parametrize(
    "media",
    ["", "<MediaId></MediaId>", "<MediaId>a b</MediaId>", f"<MediaId>{'a' * 129}</MediaId>"],
    ids=["missing", "empty", "space", "too-long"],
)
def test_an_image_without_a_usable_media_id_is_malformed(media: str) -> None:
    with pytest.raises(MalformedMessage):
        parse(f"<MsgType>image</MsgType><PicUrl>http://x/y.jpg</PicUrl>{media}<MsgId>9</MsgId>")


@pytest.mark.parametrize("kind", ["link", "video", "shortvideo", "file", "new_kind"])
def test_other_types_parse_as_plain_messages(kind: str) -> None:
    message = parse(f"<MsgType>{kind}</MsgType><PicUrl>http://x/y.jpg</PicUrl><MsgId>9</MsgId>")
    assert type(message) is Message and message.msg_type == kind


@pytest.mark.parametrize(
    "body",
    [
        "<MsgType>text</MsgType><MsgId>1</MsgId>",  # no Content
        "<MsgType>text</MsgType><Content>hi</Content>",  # no MsgId
        "<Content>hi</Content><MsgId>1</MsgId>",  # no MsgType
        "<MsgType>event</MsgType>",  # no Event
        "<MsgType>location</MsgType><Location_X>abc</Location_X><Location_Y>1</Location_Y>"
        "<MsgId>1</MsgId>",
        "<MsgType>location</MsgType><Location_X>91</Location_X><Location_Y>1</Location_Y>"
        "<MsgId>1</MsgId>",
        "<MsgType>location</MsgType><Location_X>nan</Location_X><Location_Y>1</Location_Y>"
        "<MsgId>1</MsgId>",
    ],
    ids=["content", "msgid", "msgtype", "event", "lat-text", "lat-range", "lat-nan"],
)
def test_missing_or_bad_fields_are_malformed(body: str) -> None:
    with pytest.raises(MalformedMessage):
        parse(body)


@pytest.mark.parametrize(
    "head",
    ["<ToUserName>gh</ToUserName><CreateTime>1</CreateTime>", HEAD.replace("1764230400", "soon")],
)
def test_missing_sender_or_bad_time_is_malformed(head: str) -> None:
    with pytest.raises(MalformedMessage):
        parse_message(
            parse_xml(xml("<MsgType>text</MsgType><Content>x</Content><MsgId>1</MsgId>", head))
        )


@pytest.mark.parametrize(
    "body",
    [
        b'<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
        b"<xml><Content>&b;</Content></xml>",
        b'<!DOCTYPE xml SYSTEM "http://evil.example/x.dtd"><xml></xml>',
        b'<!DOCTYPE xml [<!ENTITY x SYSTEM "file:///etc/passwd">]><xml><C>&x;</C></xml>',
        b"<xml><Content>unclosed</xml>",
        b"not xml at all",
        b"<html><body/></html>",
        b"",
    ],
    ids=["entity-bomb", "external-dtd", "external-entity", "broken", "text", "wrong-root", "empty"],
)
def test_dangerous_or_broken_xml_is_refused(body: bytes) -> None:
    with pytest.raises(MalformedMessage):
        parse_xml(body)


def test_oversized_body_is_refused_before_parsing() -> None:
    body = xml("<Content>" + "暖" * (MAX_BODY // 3) + "</Content>")
    assert len(body) > MAX_BODY
    with pytest.raises(TooLarge):
        parse_xml(body)


def test_passive_reply_swaps_accounts_and_survives_cdata_terminators() -> None:
    message = parse("<MsgType>text</MsgType><Content>x</Content><MsgId>1</MsgId>")
    text = "1. 查暖气费\n2. 报修\n回复数字即可选择。 ]]> <b>&"
    reply = fromstring(render_text_reply(message, text, 1764230401))

    assert reply.findtext("ToUserName") == "oUser1"
    assert reply.findtext("FromUserName") == "gh_123"
    assert reply.findtext("MsgType") == "text"
    assert reply.findtext("CreateTime") == "1764230401"
    assert reply.findtext("Content") == text


def _query(**extra: str) -> dict[str, str]:
    return {"timestamp": "1764230400", "nonce": "42", **extra}


PLAIN = xml("<MsgType>text</MsgType><Content>你好</Content><MsgId>5</MsgId>")


def test_plain_request_needs_a_matching_signature() -> None:
    good = _query(signature=signature(TOKEN, "1764230400", "42"))
    assert isinstance(read_request(good, PLAIN, TOKEN, APP_ID, None).message, TextMessage)
    for query in (_query(), _query(signature="0" * 40), {"signature": good["signature"]}):
        with pytest.raises(BadSignature):
            read_request(query, PLAIN, TOKEN, APP_ID, None)


def test_with_a_key_configured_plain_mode_is_refused() -> None:
    """F3: a plain signature does not cover the body; with an EncodingAESKey set, WeChat sends
    every push in safe or compatible mode, so a plain one is a forgery."""
    good = _query(signature=signature(TOKEN, "1764230400", "42"))
    with pytest.raises(BadSignature, match="plain-mode"):
        read_request(good, PLAIN, TOKEN, APP_ID, AES_KEY)
    compatible = PLAIN.replace(b"</xml>", b"<Encrypt>abc</Encrypt></xml>")
    with pytest.raises(BadSignature):  # the plaintext of compatible mode is not enough either
        read_request({**good, "encrypt_type": "aes"}, compatible, TOKEN, APP_ID, AES_KEY)


def _sealed_request(app_id: str = APP_ID, inner: bytes = PLAIN) -> tuple[dict[str, str], bytes]:
    sealed = encrypt(AES_KEY, app_id, inner)
    query = _query(
        encrypt_type="aes",
        signature=signature(TOKEN, "1764230400", "42"),
        msg_signature=signature(TOKEN, "1764230400", "42", sealed),
    )
    return query, f"<xml><ToUserName>gh_123</ToUserName><Encrypt>{sealed}</Encrypt></xml>".encode()


def test_safe_mode_request_is_checked_and_decrypted() -> None:
    query, body = _sealed_request()
    request = read_request(query, body, TOKEN, APP_ID, AES_KEY)
    assert request.encrypted
    assert isinstance(request.message, TextMessage) and request.message.content == "你好"

    with pytest.raises(BadSignature):
        read_request({**query, "msg_signature": "0" * 40}, body, TOKEN, APP_ID, AES_KEY)
    with pytest.raises(BadSignature):
        read_request(
            {k: v for k, v in query.items() if k != "msg_signature"}, body, TOKEN, APP_ID, AES_KEY
        )


def test_safe_mode_request_for_another_account_is_refused() -> None:
    query, body = _sealed_request(app_id="wx_someone_else")
    with pytest.raises(WrongAppId):
        read_request(query, body, TOKEN, APP_ID, AES_KEY)


def test_compatible_mode_without_a_key_uses_the_signed_plaintext() -> None:
    query, _ = _sealed_request()
    both = PLAIN.replace(b"</xml>", b"<Encrypt>abc</Encrypt></xml>")
    request = read_request(query, both, TOKEN, APP_ID, None)
    assert not request.encrypted and isinstance(request.message, TextMessage)

    only_sealed = b"<xml><ToUserName>gh_123</ToUserName><Encrypt>abc</Encrypt></xml>"
    with pytest.raises(MalformedMessage):
        read_request(query, only_sealed, TOKEN, APP_ID, None)


def test_sealed_reply_round_trips() -> None:
    message = parse("<MsgType>text</MsgType><Content>x</Content><MsgId>1</MsgId>")
    plain = render_text_reply(message, "已为您登记报修", 1764230401)
    envelope = fromstring(seal_reply(plain, TOKEN, APP_ID, AES_KEY, "1764230401", "777"))

    sealed = envelope.findtext("Encrypt") or ""
    assert envelope.findtext("TimeStamp") == "1764230401" and envelope.findtext("Nonce") == "777"
    check_msg_signature(TOKEN, envelope.findtext("MsgSignature"), "1764230401", "777", sealed)
    assert decrypt(AES_KEY, APP_ID, sealed).decode() == plain
