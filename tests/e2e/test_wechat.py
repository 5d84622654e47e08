"""The WeChat Official Account channel against the real stack, as WeChat's servers would call it.

Requests are signed (or sealed, in safe mode) exactly as WeChat does; the answers are checked in
the passive reply, in Rasa's tracker and in the ticket store, and pushes at the API stand-in.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from defusedxml.ElementTree import fromstring

from bot.base.render import CHOICE_HINT
from bot.channels.wechat.channel import UNSUPPORTED, VOICE_UNRECOGNISED
from bot.channels.wechat.protocol import decode_aes_key, decrypt, encrypt, signature
from bot.standins.wechat_api import WeChatApiStandIn
from bot.store.db import session_scope
from bot.store.models import Ticket

from .conftest import WECHAT, Stack

pytestmark = pytest.mark.e2e

TOKEN, APP_ID = WECHAT["WECHAT_TOKEN"], WECHAT["WECHAT_APP_ID"]
AES_KEY = decode_aes_key(WECHAT["WECHAT_ENCODING_AES_KEY"])
ACCOUNT = "gh_e2e_heating"


def openid(name: str) -> str:
    """A 28-character OpenID-like sender per test, so conversations never mix."""
    return f"oE2E_{name}".ljust(28, "0")


def xml(user: str, kind: str, fields: str, msg_id: str | None) -> str:
    ids = f"<MsgId>{msg_id}</MsgId>" if msg_id else ""
    return (
        f"<xml><ToUserName><![CDATA[{ACCOUNT}]]></ToUserName>"
        f"<FromUserName><![CDATA[{user}]]></FromUserName>"
        f"<CreateTime>{int(time.time())}</CreateTime>"
        f"<MsgType><![CDATA[{kind}]]></MsgType>{fields}{ids}</xml>"
    )


def text(user: str, content: str, msg_id: str) -> str:
    return xml(user, "text", f"<Content><![CDATA[{content}]]></Content>", msg_id)


def image(user: str, media_id: str) -> str:
    """A photo as WeChat's servers push it."""
    fields = (
        "<PicUrl><![CDATA[http://mmbiz.qpic.cn/e2e.jpg]]></PicUrl>"
        f"<MediaId><![CDATA[{media_id}]]></MediaId>"
    )
    return xml(user, "image", fields, msg_id())


def event(user: str, name: str, key: str = "") -> str:
    return xml(user, "event", f"<Event>{name}</Event><EventKey><![CDATA[{key}]]></EventKey>", None)


_serial = iter(range(10**6))


def msg_id() -> str:
    return f"{int(time.time() * 1000)}{next(_serial):04d}"


def post(stack: Stack, body: str | bytes, query: dict[str, str] | None = None) -> tuple[int, str]:
    """POST to the push URL. Without `query`, as WeChat pushes for this account, which has an
    EncodingAESKey (plain mode is refused then): sealed, signed over `Encrypt` with a fresh
    timestamp and a new nonce, and a sealed answer is checked and returned opened. With `query`,
    exactly the given request and the raw answer."""
    data = body.encode() if isinstance(body, str) else body
    sealed = query is None
    if query is None:
        timestamp, nonce = str(int(time.time())), uuid.uuid4().hex[:10]
        secret = encrypt(AES_KEY, APP_ID, data)
        query = {
            "timestamp": timestamp,
            "nonce": nonce,
            "encrypt_type": "aes",
            "signature": signature(TOKEN, timestamp, nonce),
            "msg_signature": signature(TOKEN, timestamp, nonce, secret),
        }
        data = (
            f"<xml><ToUserName><![CDATA[{ACCOUNT}]]></ToUserName>"
            f"<Encrypt><![CDATA[{secret}]]></Encrypt></xml>"
        ).encode()
    url = f"{stack.rasa_url}/webhooks/wechat/webhook?{urllib.parse.urlencode(query)}"
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "text/xml"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            status, answer = response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()
    if sealed and answer.startswith("<xml>"):
        envelope = fromstring(answer)
        secret = envelope.findtext("Encrypt") or ""
        stamp, once = envelope.findtext("TimeStamp") or "", envelope.findtext("Nonce") or ""
        assert envelope.findtext("MsgSignature") == signature(TOKEN, stamp, once, secret)
        answer = decrypt(AES_KEY, APP_ID, secret).decode()
    return status, answer


def reply(stack: Stack, body: str, user: str) -> str:
    """The passive reply's text (it must be one: the bot answers well within the budget)."""
    status, answer = post(stack, body)
    assert status == 200 and answer != "success", answer
    root = fromstring(answer)
    assert root.findtext("ToUserName") == user and root.findtext("FromUserName") == ACCOUNT
    assert root.findtext("MsgType") == "text"
    return root.findtext("Content") or ""


def user_turns(stack: Stack, user: str) -> list[dict[str, Any]]:
    return [
        e for e in stack.tracker(f"wechat:{user}").get("events", []) if e.get("event") == "user"
    ]


@pytest.fixture(scope="module", autouse=True)
def warm(stack: Stack) -> None:
    """One turn through REST first, so no WeChat test pays for the model's first inference."""
    stack.say("e2e-wechat-warm-up", "你好")


def test_url_verification(stack: Stack) -> None:
    query = {"timestamp": "1764230400", "nonce": "7", "echostr": "5837397749"}
    good = {**query, "signature": signature(TOKEN, "1764230400", "7")}
    url = f"{stack.rasa_url}/webhooks/wechat/webhook"
    with urllib.request.urlopen(f"{url}?{urllib.parse.urlencode(good)}", timeout=10) as response:
        assert response.read().decode() == "5837397749"
        assert response.headers["Content-Type"].startswith("text/plain")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{url}?{urllib.parse.urlencode({**query, 'signature': '0' * 40})}")
    assert refused.value.code == 403


def test_text_gets_a_passive_answer_from_the_bot(stack: Stack) -> None:
    user = openid("outage")
    answer = reply(stack, text(user, "幸福里小区今天怎么停暖了？啥时候能来暖气", msg_id()), user)
    assert "幸福里小区" in answer and "抢修" in answer and "恢复" in answer
    [turn] = user_turns(stack, user)
    assert turn["input_channel"] == "wechat" and turn["message_id"].startswith("wechat:msg:")


def test_safe_mode_message_gets_a_sealed_answer(stack: Stack) -> None:
    user = openid("safe")
    timestamp, nonce = str(int(time.time())), "20261127"
    sealed = encrypt(
        AES_KEY, APP_ID, text(user, "家里暖气不热了，想找师傅来看看", msg_id()).encode()
    )
    query = {
        "timestamp": timestamp,
        "nonce": nonce,
        "openid": user,
        "encrypt_type": "aes",
        "signature": signature(TOKEN, timestamp, nonce),
        "msg_signature": signature(TOKEN, timestamp, nonce, sealed),
    }
    envelope = (
        f"<xml><ToUserName><![CDATA[{ACCOUNT}]]></ToUserName>"
        f"<Encrypt><![CDATA[{sealed}]]></Encrypt></xml>"
    )

    status, answer = post(stack, envelope, query)

    assert status == 200
    root = fromstring(answer)
    secret = root.findtext("Encrypt") or ""
    assert root.findtext("MsgSignature") == signature(
        TOKEN, root.findtext("TimeStamp") or "", root.findtext("Nonce") or "", secret
    )
    inner = fromstring(decrypt(AES_KEY, APP_ID, secret))
    assert inner.findtext("ToUserName") == user and "地址" in (inner.findtext("Content") or "")


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ({}, 403),
        (
            {
                "timestamp": "1764230400",
                "nonce": "1",
                "signature": signature("not-our-token", "1764230400", "1"),
            },
            403,
        ),
    ],
    ids=["unsigned", "mis-signed"],
)
def test_unsigned_or_mis_signed_requests_never_reach_rasa(
    stack: Stack, query: dict[str, str], status: int
) -> None:
    user = openid(f"forged{status}{len(query)}")
    assert post(stack, text(user, "我要投诉", msg_id()), query)[0] == status
    assert user_turns(stack, user) == []


def test_a_captured_signature_is_no_key_to_the_account(stack: Stack) -> None:
    """Red team B05/B17: one signed URL, replayed with the attacker's body as the victim."""
    victim = openid("replayed")
    forged = text(victim, "查暖气费", msg_id())
    now = int(time.time())
    plain = {"timestamp": str(now), "nonce": "987", "signature": signature(TOKEN, str(now), "987")}
    assert post(stack, forged, plain)[0] == 403  # plain mode while the EncodingAESKey is set
    old = str(now - 3 * 86400)
    secret = encrypt(AES_KEY, APP_ID, forged.encode())
    stale = {
        "timestamp": old,
        "nonce": "987",
        "encrypt_type": "aes",
        "signature": signature(TOKEN, old, "987"),
        "msg_signature": signature(TOKEN, old, "987", secret),
    }
    envelope = f"<xml><ToUserName>{ACCOUNT}</ToUserName><Encrypt>{secret}</Encrypt></xml>"
    assert post(stack, envelope, stale)[0] == 403  # a correctly sealed but 3-day-old push
    assert user_turns(stack, victim) == []


def test_malformed_and_oversized_bodies_are_refused(stack: Stack) -> None:
    assert post(stack, "<xml><MsgType>text</MsgType><Content>半截")[0] == 400
    assert (
        post(stack, '<!DOCTYPE xml [<!ENTITY a "aaaa">]><xml><Content>&a;</Content></xml>')[0]
        == 400
    )
    user = openid("huge")
    assert post(stack, text(user, "暖" * 30_000, msg_id()))[0] == 413
    assert user_turns(stack, user) == []


def test_retries_of_a_leak_report_run_once_and_open_one_ticket(stack: Stack) -> None:
    user = openid("leak")
    body = text(user, "家里暖气管子爆了，水漫了一地", msg_id())

    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = list(pool.map(lambda _: post(stack, body), range(2)))
    later = post(stack, body)  # a third try after the answer went out

    assert all(status == 200 for status, _ in [*answers, later])
    passive = [a for _, a in answers if a != "success"]
    assert len(passive) == 1 and later[1] == "success"
    assert "阀" in (fromstring(passive[0]).findtext("Content") or "")
    assert len(user_turns(stack, user)) == 1
    with session_scope(stack.database_url) as session:
        tickets = session.query(Ticket).filter_by(sender_id=f"wechat:{user}").all()
        assert [(t.kind, t.urgent, t.channel) for t in tickets] == [("BX", True, "wechat")]


def test_numbered_options_are_answered_with_a_number(stack: Stack) -> None:
    user = openid("options")
    greeting = reply(stack, text(user, "你好", msg_id()), user)
    assert "1. 查暖气费" in greeting and CHOICE_HINT in greeting

    answer = reply(stack, text(user, "1", msg_id()), user)
    assert "户号" in answer
    assert user_turns(stack, user)[-1]["parse_data"]["intent"]["name"] == "query_fee"


def test_menu_click_starts_its_intent(stack: Stack) -> None:
    user = openid("menu")
    answer = reply(stack, event(user, "CLICK", "QUERY_OUTAGE"), user)
    assert "小区" in answer
    assert user_turns(stack, user)[-1]["parse_data"]["intent"]["name"] == "query_outage"


def test_subscribe_is_welcomed_with_what_the_bot_can_do(stack: Stack) -> None:
    user = openid("follow")
    answer = reply(stack, event(user, "subscribe", "qrscene_1"), user)
    assert "小暖" in answer and "报修" in answer and "2. 报修" in answer


def test_voice_with_and_without_recognition(stack: Stack) -> None:
    user = openid("voice")
    heard = xml(
        user,
        "voice",
        "<MediaId>m1</MediaId><Format>amr</Format><Recognition>幸福里小区停暖了吗</Recognition>",
        msg_id(),
    )
    answer = reply(stack, heard, user)
    assert "幸福里小区" in answer and "抢修" in answer

    quiet = openid("voice-quiet")
    silent = xml(quiet, "voice", "<MediaId>m2</MediaId><Format>amr</Format>", msg_id())
    assert reply(stack, silent, quiet) == VOICE_UNRECOGNISED
    assert user_turns(stack, quiet) == []


def test_location_near_a_demo_community_gets_its_outage_status(stack: Stack) -> None:
    user = openid("location")
    near = (
        "<Location_X>39.929000</Location_X><Location_Y>116.389000</Location_Y>"
        "<Scale>16</Scale><Label><![CDATA[北京市西城区]]></Label>"
    )
    answer = reply(stack, xml(user, "location", near, msg_id()), user)
    assert "幸福里小区" in answer and "抢修" in answer


def test_an_image_reaches_the_bot_and_is_asked_about(stack: Stack) -> None:
    user = openid("image")

    answer = reply(stack, image(user, "img"), user)

    # nothing to attach it to: the bot says what a photo can be for and asks
    assert "照片" in answer and "热表读数" in answer and "室温抽测" in answer
    [turn] = user_turns(stack, user)
    assert (turn["text"], turn["metadata"]["meter_photo"]) == ("/send_photo", "img")


def test_a_link_gets_a_clear_answer(stack: Stack) -> None:
    user = openid("link")
    link = "<Title><![CDATA[x]]></Title><Url><![CDATA[http://example.com]]></Url>"
    assert reply(stack, xml(user, "link", link, msg_id()), user) == UNSUPPORTED
    assert user_turns(stack, user) == []


def test_agent_message_is_pushed_through_the_customer_service_api(
    stack: Stack, wechat_api: WeChatApiStandIn
) -> None:
    user = openid("agent")
    reply(stack, text(user, "转人工", msg_id()), user)

    url = (
        f"{stack.rasa_url}/conversations/wechat:{user}/tracker/events"
        f"?output_channel=wechat&execute_side_effects=true&token={stack.token}"
    )
    body = json.dumps([{"event": "bot", "text": "您好，我是客服小王，马上为您处理。"}]).encode()
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 200

    assert wechat_api.texts_to(user) == ["您好，我是客服小王，马上为您处理。"]
