"""The WeChat webhook: checks, message types, the reply budget, retries and late pushes.

Rasa is replaced by a fake `on_new_message` that answers from a script and can be held on a gate,
so the slow path is driven by the test (a closed gate and a tiny budget), never by sleeping.
"""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from datetime import datetime, timezone
from typing import Any

import aiohttp
import pytest
from defusedxml.ElementTree import fromstring
from rasa.core.channels.channel import UserMessage
from redis import asyncio as aioredis
from redis.exceptions import RedisError
from sanic import Sanic

from bot.base.render import CHOICE_HINT
from bot.channels.wechat import WeChatInput, WeChatOutput
from bot.channels.wechat.api import WeChatApi, WindowClosed
from bot.channels.wechat.channel import (
    SORRY,
    UNKNOWN_MENU,
    UNSUPPORTED,
    VOICE_UNRECOGNISED,
    Answer,
    WeChatWebhook,
)
from bot.channels.wechat.config import WeChatConfig
from bot.channels.wechat.protocol import decode_aes_key, decrypt, encrypt, signature
from bot.channels.wechat.replay import (
    MemoryNonces,
    RedisNonces,
    ReplayedRequest,
    ReplayGuard,
    StaleRequest,
)
from bot.launcher import free_port
from bot.standins.wechat_api import SEND_PATH, WeChatApiStandIn
from bot.store.choices import pending_choices
from bot.store.communities import add_location
from bot.store.db import session_scope
from bot.store.inbound import claim, record_answer
from bot.store.models import InboundMessage, Subscription
from bot.store.outbound import outbound_to
from bot.store.subscriptions import subscribe

TOKEN, APP_ID, SECRET = "wechat-test-token", "wxchanneltest", "channel-secret"
AES_KEY_TEXT = "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR"
AES_KEY = decode_aes_key(AES_KEY_TEXT)
ACCOUNT = "gh_heating"
USER = "oHeatUser00000000000000000001"
CONVERSATION = f"wechat:{USER}"  # the conversation id Rasa and the store know the user by
KEY = f"msg:{USER}:1001"  # the ledger's key of message 1001 from USER
GREETING = [
    {"text": "您好，我是小暖。"},
    {
        "text": "请问办理什么业务？",
        "buttons": [
            {"title": "查暖气费", "payload": "/query_fee"},
            {"title": "报修", "payload": "/report_repair"},
        ],
    },
]


class FakeRasa:
    """Stands in for Rasa's `on_new_message`: records messages and answers from `script`."""

    def __init__(
        self,
        script: Callable[[str], list[dict[str, Any]]] | None = None,
        gate: asyncio.Event | None = None,
        fail: bool = False,
    ) -> None:
        self.calls: list[UserMessage] = []
        self.script = script or (lambda text: [{"text": f"收到：{text}"}])
        self.gate, self.fail = gate, fail

    @property
    def texts(self) -> list[str | None]:
        return [m.text for m in self.calls]

    async def __call__(self, message: UserMessage) -> None:
        self.calls.append(message)
        if self.gate is not None:
            await self.gate.wait()
        if self.fail:
            raise RuntimeError("the dialogue broke")
        for reply in self.script(message.text or ""):
            await message.output_channel.send_response(message.sender_id, dict(reply))


@pytest.fixture
async def redis_url() -> AsyncIterator[str]:
    """The Redis of TEST_REDIS_URL (default: local, database 15); skipped when it is down."""
    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    client = aioredis.from_url(url)
    try:
        await client.ping()
    except RedisError:
        pytest.skip(f"no Redis at {url}")
    finally:
        await client.close()
    yield url


@pytest.fixture
def config(standin: WeChatApiStandIn, store_url: str) -> WeChatConfig:
    """A plain-mode account on the stand-in, a generous budget, and an empty store."""
    standin.reset()
    return WeChatConfig(TOKEN, APP_ID, SECRET, None, standin.base_url, reply_budget=30.0)


@pytest.fixture
def safe(config: WeChatConfig) -> WeChatConfig:
    """The same account in safe mode: its EncodingAESKey configured."""
    return replace(config, aes_key=AES_KEY)


def webhook_for(config: WeChatConfig, rasa: FakeRasa) -> WeChatWebhook:
    return WeChatWebhook(config, rasa, WeChatApi(config))


def message_xml(kind: str, fields: str, msg_id: str | None = "1001", user: str = USER) -> str:
    msg = f"<MsgId>{msg_id}</MsgId>" if msg_id else ""
    return (
        f"<xml><ToUserName><![CDATA[{ACCOUNT}]]></ToUserName>"
        f"<FromUserName><![CDATA[{user}]]></FromUserName><CreateTime>1764230400</CreateTime>"
        f"<MsgType><![CDATA[{kind}]]></MsgType>{fields}{msg}</xml>"
    )


def text_xml(content: str, msg_id: str = "1001", user: str = USER) -> str:
    return message_xml("text", f"<Content><![CDATA[{content}]]></Content>", msg_id, user)


def event_xml(event: str, key: str = "", user: str = USER, at: int = 1764230400) -> str:
    return message_xml(
        "event",
        f"<Event><![CDATA[{event}]]></Event><EventKey><![CDATA[{key}]]></EventKey>",
        None,
        user,
    ).replace("1764230400", str(at))


def fresh() -> tuple[str, str]:
    """A timestamp of now and a nonce never used, as WeChat signs each push."""
    return str(int(time.time())), uuid.uuid4().hex[:10]


def signed(xml: str) -> tuple[dict[str, str], bytes]:
    timestamp, nonce = fresh()
    return {
        "timestamp": timestamp,
        "nonce": nonce,
        "signature": signature(TOKEN, timestamp, nonce),
    }, xml.encode()


def sealed(xml: str, app_id: str = APP_ID) -> tuple[dict[str, str], bytes]:
    timestamp, nonce = fresh()
    secret = encrypt(AES_KEY, app_id, xml.encode())
    query = {
        "timestamp": timestamp,
        "nonce": nonce,
        "encrypt_type": "aes",
        "signature": signature(TOKEN, timestamp, nonce),
        "msg_signature": signature(TOKEN, timestamp, nonce, secret),
    }
    return (
        query,
        f"<xml><ToUserName>{ACCOUNT}</ToUserName><Encrypt>{secret}</Encrypt></xml>".encode(),
    )


async def send(webhook: WeChatWebhook, xml: str) -> Answer:
    return await webhook.receive(*signed(xml))


def content(answer: Answer) -> str:
    assert answer.status == 200 and answer.body != "success", answer
    reply = fromstring(answer.body)
    assert reply.findtext("ToUserName") == USER and reply.findtext("FromUserName") == ACCOUNT
    return reply.findtext("Content") or ""


def ledger(key: str) -> InboundMessage | None:
    with session_scope() as session:
        row = (
            session.query(InboundMessage).filter_by(channel="wechat", message_key=key).one_or_none()
        )
        if row is not None:
            session.expunge(row)
        return row


async def until(condition: Callable[[], bool]) -> None:
    """Yield to the loop until `condition` holds (a synchronisation point, not a timing check)."""
    for _ in range(2000):
        if condition():
            return
        await asyncio.sleep(0.005)
    raise AssertionError("condition never held")


def waiting(webhook: WeChatWebhook, key: str) -> int:
    entry = webhook._waiting.get(key)
    return 0 if entry is None else entry.count


# ---- URL check and refused requests --------------------------------------------------------------


def test_url_check_echoes_only_for_our_signature(config: WeChatConfig) -> None:
    webhook = webhook_for(config, FakeRasa())
    query = {
        "timestamp": "1",
        "nonce": "2",
        "signature": signature(TOKEN, "1", "2"),
        "echostr": "e-42",
    }

    assert webhook.verify_url(query) == Answer(200, "e-42")
    assert webhook.verify_url({**query, "signature": signature("other", "1", "2")}).status == 403
    assert webhook.verify_url({"echostr": "e-42"}).status == 403
    assert webhook.verify_url({k: v for k, v in query.items() if k != "echostr"}).status == 400


@pytest.mark.parametrize(
    ("make", "status", "keyed"),
    [
        (lambda: ({"timestamp": "1", "nonce": "2"}, text_xml("你好").encode()), 403, False),
        (
            lambda: (
                {**signed(text_xml("你好"))[0], "signature": "0" * 40},
                text_xml("你好").encode(),
            ),
            403,
            False,
        ),
        (
            lambda: (
                {**sealed(text_xml("你好"))[0], "msg_signature": "0" * 40},
                sealed(text_xml("你好"))[1],
            ),
            403,
            True,
        ),
        (lambda: sealed(text_xml("你好"), app_id="wxsomebodyelse"), 403, True),
        (lambda: signed(text_xml("你好")), 403, True),
        (lambda: signed("<xml><MsgType>text</MsgType><Content>x</Content></xml>"), 400, False),
        (lambda: signed("<xml><unclosed></xml>"), 400, False),
        (lambda: signed('<!DOCTYPE xml [<!ENTITY a "x">]><xml>&a;</xml>'), 400, False),
        (lambda: signed(text_xml("暖" * 30_000)), 413, False),
    ],
    ids=[
        "unsigned",
        "mis-signed",
        "mis-signed-safe",
        "other-appid",
        "plain-with-key",
        "no-ids",
        "broken",
        "dtd",
        "huge",
    ],
)
async def test_bad_requests_never_reach_the_conversation(
    config: WeChatConfig,
    safe: WeChatConfig,
    make: Callable[[], tuple[dict[str, str], bytes]],
    status: int,
    keyed: bool,
) -> None:
    rasa = FakeRasa()
    answer = await webhook_for(safe if keyed else config, rasa).receive(*make())

    assert answer.status == status
    assert rasa.calls == [] and ledger(KEY) is None


# ---- replays (red team F3, F20) ------------------------------------------------------------------


def _at(xml: str, timestamp: int, nonce: str = "n-1") -> tuple[dict[str, str], bytes]:
    """A plain-mode push signed for `timestamp` (a captured URL when reused)."""
    stamp = str(timestamp)
    query = {"timestamp": stamp, "nonce": nonce, "signature": signature(TOKEN, stamp, nonce)}
    return query, xml.encode()


@pytest.mark.parametrize("age", [-400, 400, 3 * 86400], ids=["future", "minutes-old", "days-old"])
async def test_a_signature_outside_the_window_is_refused(config: WeChatConfig, age: int) -> None:
    """B05 replayed a 24-hour-old signed URL with the attacker's own body."""
    rasa = FakeRasa()
    answer = await webhook_for(config, rasa).receive(
        *_at(text_xml("查暖气费"), int(time.time()) - age)
    )
    assert answer == Answer(403, "forbidden") and rasa.calls == [] and ledger(KEY) is None


async def test_the_window_is_configurable(config: WeChatConfig) -> None:
    rasa = FakeRasa()
    webhook = webhook_for(replace(config, replay_window=600.0), rasa)
    assert content(await webhook.receive(*_at(text_xml("查暖气费"), int(time.time()) - 400)))
    assert rasa.texts == ["查暖气费"]


async def test_a_fresh_signature_serves_one_body_only(config: WeChatConfig) -> None:
    rasa = FakeRasa()
    webhook = webhook_for(config, rasa)
    now = int(time.time())
    assert content(await webhook.receive(*_at(text_xml("暖气不热"), now))) == "收到：暖气不热"
    # The URL replayed at once with a forged body (another MsgId, another sender): refused.
    forged = text_xml("查暖气费", msg_id="1002", user="oVictim000000000000000000001")
    assert await webhook.receive(*_at(forged, now)) == Answer(403, "forbidden")
    # The same request again (a retry that kept its query) is the first one's retry, no new turn.
    again = await webhook.receive(*_at(text_xml("暖气不热"), now))
    assert again.status == 200 and rasa.texts == ["暖气不热"]


async def test_a_safe_mode_signature_is_used_once_too(safe: WeChatConfig) -> None:
    rasa = FakeRasa()
    webhook = webhook_for(safe, rasa)
    query, body = sealed(text_xml("暖气不热"))
    assert (await webhook.receive(query, body)).status == 200
    _, other = sealed(text_xml("查暖气费", msg_id="1002"))
    resigned = {**query, "msg_signature": signature(TOKEN, query["timestamp"], query["nonce"], "")}
    assert (await webhook.receive(resigned, other)).status == 403
    assert rasa.texts == ["暖气不热"]


async def test_two_users_with_the_same_msg_id_each_get_their_turn(config: WeChatConfig) -> None:
    """F20: the ledger's key carries the OpenID, so one user's id never answers for another."""
    rasa = FakeRasa()
    webhook = webhook_for(config, rasa)
    other = "oOtherUser000000000000000001"
    assert content(await send(webhook, text_xml("暖气不热"))) == "收到：暖气不热"
    answer = await send(webhook, text_xml("查暖气费", user=other))
    assert answer.status == 200 and "收到：查暖气费" in answer.body
    assert [m.sender_id for m in rasa.calls] == [CONVERSATION, f"wechat:{other}"]


async def test_replays_are_refused_across_processes_through_redis(redis_url: str) -> None:
    """Two replicas behind one push URL share the seen pairs: a replay cannot pick the other."""
    first = ReplayGuard(300, RedisNonces(redis_url))
    second = ReplayGuard(300, RedisNonces(redis_url))
    query, _ = _at("", int(time.time()), nonce=uuid.uuid4().hex)
    await first.admit(query, b"<xml>one</xml>")
    await second.admit(query, b"<xml>one</xml>")  # the same push retried: let through
    with pytest.raises(ReplayedRequest):
        await second.admit(query, b"<xml>forged</xml>")
    with pytest.raises(StaleRequest):
        await first.admit(_at("", int(time.time()) - 301)[0], b"<xml>old</xml>")


async def test_memory_forgets_pairs_once_their_timestamp_is_stale() -> None:
    clock = [1000.0]
    nonces = MemoryNonces(clock=lambda: clock[0])
    assert await nonces.remember("t:1", "a", 10) is None
    assert await nonces.remember("t:1", "b", 10) == "a"
    clock[0] += 11
    assert await nonces.remember("t:2", "c", 10) is None
    assert await nonces.remember("t:1", "b", 10) is None  # expired and dropped


# ---- message types -------------------------------------------------------------------------------


async def test_text_gets_one_passive_reply_with_numbered_options(config: WeChatConfig) -> None:
    rasa = FakeRasa(lambda text: GREETING if text == "你好" else [{"text": f"选了 {text}"}])
    webhook = webhook_for(config, rasa)

    reply = content(await send(webhook, text_xml("你好")))
    assert reply == f"您好，我是小暖。\n请问办理什么业务？\n1. 查暖气费\n2. 报修\n{CHOICE_HINT}"
    first = rasa.calls[0]
    assert (first.sender_id, first.input_channel, first.message_id) == (
        CONVERSATION,
        "wechat",
        f"wechat:{KEY}",
    )
    assert first.output_channel.name() == "wechat"  # the domain's wechat variants are chosen

    assert content(await send(webhook, text_xml("２", msg_id="1002"))) == "选了 /report_repair"
    assert rasa.texts == ["你好", "/report_repair"]
    with session_scope() as session:
        assert pending_choices(session, "wechat", CONVERSATION) == []  # the answer had no options
    row = ledger(KEY)
    assert row is not None and (row.state, row.delivered_via) == ("delivered", "passive")


async def test_typed_text_cannot_trigger_intents(config: WeChatConfig) -> None:
    rasa = FakeRasa()
    await send(webhook_for(config, rasa), text_xml('/inform{"account_no":"0102345678"}'))
    assert rasa.texts == ['inform{"account_no":"0102345678"}']


async def test_safe_mode_reply_is_sealed_and_decrypts_to_the_answer(safe: WeChatConfig) -> None:
    rasa = FakeRasa()
    answer = await webhook_for(safe, rasa).receive(*sealed(text_xml("暖气不热")))

    envelope = fromstring(answer.body)
    secret = envelope.findtext("Encrypt") or ""
    timestamp, nonce = envelope.findtext("TimeStamp") or "", envelope.findtext("Nonce") or ""
    assert envelope.findtext("MsgSignature") == signature(TOKEN, timestamp, nonce, secret)
    inner = fromstring(decrypt(AES_KEY, APP_ID, secret))
    assert inner.findtext("Content") == "收到：暖气不热" and inner.findtext("ToUserName") == USER


async def test_voice_uses_the_transcript_or_asks_to_type(config: WeChatConfig) -> None:
    rasa = FakeRasa()
    webhook = webhook_for(config, rasa)
    heard = message_xml(
        "voice", "<MediaId>m</MediaId><Recognition>暖气不热。</Recognition>", "2001"
    )
    assert content(await send(webhook, heard)) == "收到：暖气不热。"

    silent = message_xml("voice", "<MediaId>m</MediaId><Recognition></Recognition>", "2002")
    assert content(await send(webhook, silent)) == VOICE_UNRECOGNISED
    assert rasa.texts == ["暖气不热。"]


async def test_location_asks_for_the_nearest_hall_and_community(config: WeChatConfig) -> None:
    with session_scope() as session:
        add_location(session, "幸福里小区", 39.9283, 116.3882)
    rasa = FakeRasa()
    webhook = webhook_for(config, rasa)

    near = "<Location_X>39.9290</Location_X><Location_Y>116.3890</Location_Y><Label>x</Label>"
    await send(webhook, message_xml("location", near, "3001"))
    far = "<Location_X>31.2304</Location_X><Location_Y>121.4737</Location_Y>"
    await send(webhook, message_xml("location", far, "3002"))

    assert rasa.texts == ["/query_service_hall", "/query_service_hall"]
    assert rasa.calls[0].metadata == {
        "latitude": 39.929,
        "longitude": 116.389,
        "community": "幸福里小区",
    }
    # Far from every community: no community, but the point still goes on (a hall may be near).
    assert rasa.calls[1].metadata == {"latitude": 31.2304, "longitude": 121.4737}


@pytest.mark.parametrize(
    ("event", "key", "expected"),
    [
        ("subscribe", "qrscene_7", "/subscribe"),
        ("CLICK", "QUERY_FEE", "/query_fee"),
        ("CLICK", "REPORT_REPAIR", "/report_repair"),
        ("CLICK", "QUERY_OUTAGE", "/query_outage"),
        ("CLICK", "REQUEST_HUMAN", "/request_human"),
    ],
)
async def test_subscribe_and_menu_clicks_start_intents(
    config: WeChatConfig, event: str, key: str, expected: str
) -> None:
    rasa = FakeRasa()
    reply = content(await send(webhook_for(config, rasa), event_xml(event, key)))
    assert rasa.texts == [expected] and reply == f"收到：{expected}"
    assert ledger(f"event:{USER}:1764230400") is not None
    # A follow is welcomed with the community question (actions/subscriptions.py), not subscribed.
    assert bool((rasa.calls[0].metadata or {}).get("followed")) is (event == "subscribe")


async def test_unknown_menu_key_and_silent_events(config: WeChatConfig) -> None:
    rasa = FakeRasa()
    webhook = webhook_for(config, rasa)
    assert content(await send(webhook, event_xml("CLICK", "OLD_KEY", at=1))) == UNKNOWN_MENU
    for n, event in enumerate(("VIEW", "SCAN", "LOCATION"), start=2):
        assert await send(webhook, event_xml(event, at=n)) == Answer(200, "success")
    assert rasa.calls == []


async def test_unsubscribe_ends_subscriptions_without_a_reply(config: WeChatConfig) -> None:
    with session_scope() as session:
        subscribe(
            session,
            "wechat",
            CONVERSATION,
            "outage",
            datetime.now(timezone.utc),
            community="幸福里小区",
        )
    rasa = FakeRasa()

    assert await send(webhook_for(config, rasa), event_xml("unsubscribe")) == Answer(200, "success")
    assert rasa.calls == []
    with session_scope() as session:
        assert [
            s.active for s in session.query(Subscription).filter_by(sender_id=CONVERSATION)
        ] == [False]


async def test_an_image_is_a_turn_with_its_media_id(config: WeChatConfig) -> None:
    rasa = FakeRasa(lambda text: [{"text": "收到照片"}])
    picture = "<PicUrl>http://x/y.jpg</PicUrl><MediaId>MEDIA_ID_42</MediaId>"

    answer = await send(webhook_for(config, rasa), message_xml("image", picture, "4001"))

    assert content(answer) == "收到照片"
    assert rasa.texts == ["/send_photo"]  # a payload: the actions decide what the photo is for
    assert rasa.calls[0].metadata == {"meter_photo": "MEDIA_ID_42"}


@pytest.mark.parametrize("kind", ["link", "video", "shortvideo", "file"])
async def test_other_types_get_a_clear_answer(config: WeChatConfig, kind: str) -> None:
    rasa = FakeRasa()
    answer = await send(
        webhook_for(config, rasa), message_xml(kind, "<PicUrl>http://x/y.jpg</PicUrl>")
    )
    assert content(answer) == UNSUPPORTED and rasa.calls == []


# ---- budget, retries, late pushes --------------------------------------------------------------


async def test_slow_answer_is_pushed_exactly_once(
    config: WeChatConfig, standin: WeChatApiStandIn
) -> None:
    gate = asyncio.Event()
    rasa = FakeRasa(gate=gate)
    webhook = webhook_for(replace(config, reply_budget=0.05), rasa)

    assert await send(webhook, text_xml("暖气片漏水了")) == Answer(200, "success")
    gate.set()
    await webhook.idle()

    assert standin.texts_to(USER) == ["收到：暖气片漏水了"]
    row = ledger(KEY)
    assert row is not None and (row.state, row.delivered_via) == ("delivered", "push")
    with session_scope() as session:
        assert [(r.purpose, r.status) for r in outbound_to(session, "wechat", CONVERSATION)] == [
            ("late_reply", "sent")
        ]

    # WeChat's retry of the same message afterwards runs nothing and delivers nothing again.
    assert await send(webhook, text_xml("暖气片漏水了")) == Answer(200, "success")
    assert len(rasa.calls) == 1 and len(standin.received(SEND_PATH)) == 1


async def test_concurrent_retries_run_once_and_deliver_once(
    config: WeChatConfig, standin: WeChatApiStandIn
) -> None:
    gate = asyncio.Event()
    rasa = FakeRasa(gate=gate)
    webhook = webhook_for(config, rasa)

    first = asyncio.create_task(send(webhook, text_xml("家里暖气管子爆了")))
    retry = asyncio.create_task(webhook.receive(*signed(text_xml("家里暖气管子爆了"))))
    await until(lambda: waiting(webhook, KEY) == 2)
    gate.set()
    answers = await asyncio.gather(first, retry)
    await webhook.idle()

    assert len(rasa.calls) == 1
    bodies = sorted(a.body for a in answers)
    assert bodies[-1] == "success" and "收到：家里暖气管子爆了" in bodies[0]
    assert standin.received(SEND_PATH) == []


async def test_a_retry_waiting_for_a_late_answer_gets_it_passively(
    config: WeChatConfig, standin: WeChatApiStandIn
) -> None:
    gate = asyncio.Event()
    rasa = FakeRasa(gate=gate)
    webhook = webhook_for(replace(config, reply_budget=0.05), rasa)
    assert await send(webhook, text_xml("师傅啥时候来")) == Answer(200, "success")

    webhook.config = replace(config, reply_budget=30.0)  # the retry may wait long enough
    retry = asyncio.create_task(send(webhook, text_xml("师傅啥时候来")))
    await until(lambda: waiting(webhook, KEY) == 1)
    gate.set()

    assert content(await retry) == "收到：师傅啥时候来"
    await webhook.idle()
    assert standin.received(SEND_PATH) == [] and len(rasa.calls) == 1
    row = ledger(KEY)
    assert row is not None and row.delivered_via == "passive"


async def test_answer_left_undelivered_goes_to_the_next_retry(config: WeChatConfig) -> None:
    """E.g. the process that ran the turn died after storing the answer; the ledger survives."""
    now = datetime.now(timezone.utc)
    with session_scope() as session:
        claim(session, "wechat", KEY, CONVERSATION, now)
        record_answer(session, "wechat", KEY, {"text": "已为您登记报修"}, now)
    rasa = FakeRasa()
    webhook = webhook_for(config, rasa)  # a new process

    assert content(await send(webhook, text_xml("暖气不热"))) == "已为您登记报修"
    assert await send(webhook, text_xml("暖气不热")) == Answer(200, "success")
    assert rasa.calls == []


async def test_dedup_survives_a_restart(config: WeChatConfig) -> None:
    rasa = FakeRasa()
    content(await send(webhook_for(config, rasa), text_xml("查一下暖气费")))

    restarted = webhook_for(config, rasa)
    assert await send(restarted, text_xml("查一下暖气费")) == Answer(200, "success")
    assert len(rasa.calls) == 1


async def test_failed_turn_apologises_and_is_not_run_again(config: WeChatConfig) -> None:
    rasa = FakeRasa(fail=True)
    webhook = webhook_for(config, rasa)

    assert content(await send(webhook, text_xml("暖气不热"))) == SORRY
    assert content(await send(webhook, text_xml("暖气不热"))) == SORRY
    assert len(rasa.calls) == 1
    row = ledger(KEY)
    assert row is not None and row.state == "failed"


async def test_refused_late_push_is_logged_not_raised(
    config: WeChatConfig, standin: WeChatApiStandIn
) -> None:
    gate = asyncio.Event()
    webhook = webhook_for(replace(config, reply_budget=0.05), FakeRasa(gate=gate))
    standin.fail_next(SEND_PATH, 45015)

    assert await send(webhook, text_xml("暖气不热")) == Answer(200, "success")
    gate.set()
    await webhook.idle()

    assert standin.texts_to(USER) == []
    with session_scope() as session:
        assert [r.status for r in outbound_to(session, "wechat", CONVERSATION)] == ["refused"]


# ---- output channel and the Rasa adapter ---------------------------------------------------------


async def test_output_channel_pushes_options_and_refuses_outside_the_window(
    config: WeChatConfig, standin: WeChatApiStandIn
) -> None:
    output = WeChatOutput(WeChatApi(config))
    with pytest.raises(WindowClosed):
        await output.send_response(CONVERSATION, {"text": "客服回复：已安排师傅"})

    with session_scope() as session:
        claim(session, "wechat", "msg:5", CONVERSATION, datetime.now(timezone.utc))
    await output.send_response(CONVERSATION, GREETING[1])
    await output.send_text_message(CONVERSATION, "客服小王为您服务")

    assert standin.texts_to(USER) == [
        f"请问办理什么业务？\n1. 查暖气费\n2. 报修\n{CHOICE_HINT}",
        "客服小王为您服务",
    ]
    with session_scope() as session:
        assert [o["payload"] for o in pending_choices(session, "wechat", CONVERSATION)] == [
            "/query_fee",
            "/report_repair",
        ]


@pytest.fixture
def sanic_test_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let one process start several Sanic apps, as sanic-testing does."""
    monkeypatch.setattr(Sanic, "test_mode", True)


async def _serve(channel: WeChatInput, rasa: FakeRasa) -> tuple[Any, str]:
    app = Sanic(f"wechat_test_{uuid.uuid4().hex}", configure_logging=False)
    app.blueprint(channel.blueprint(rasa), url_prefix="/webhooks/wechat")
    port = free_port()
    server = await app.create_server(host="127.0.0.1", port=port, return_asyncio_server=True)
    assert server is not None
    await server.startup()
    return server, f"http://127.0.0.1:{port}/webhooks/wechat"


async def _stop(server: Any) -> None:
    await server.before_stop()
    server.close()
    await server.wait_closed()


def _env(monkeypatch: pytest.MonkeyPatch, standin: WeChatApiStandIn) -> None:
    for name, value in {
        "WECHAT_TOKEN": TOKEN,
        "WECHAT_APP_ID": APP_ID,
        "WECHAT_APP_SECRET": SECRET,
        "WECHAT_API_BASE": standin.base_url,
    }.items():
        monkeypatch.setenv(name, value)


@pytest.mark.usefixtures("sanic_test_mode")
async def test_rasa_channel_serves_the_push_url(
    config: WeChatConfig, standin: WeChatApiStandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    _env(monkeypatch, standin)
    channel = WeChatInput.from_credentials(None)
    assert channel.name() == "wechat" and isinstance(channel.get_output_channel(), WeChatOutput)
    rasa = FakeRasa()
    server, base = await _serve(channel, rasa)
    try:
        async with aiohttp.ClientSession() as http:
            query = {
                "timestamp": "1",
                "nonce": "2",
                "signature": signature(TOKEN, "1", "2"),
                "echostr": "ok-7",
            }
            async with http.get(f"{base}/webhook", params=query) as response:
                assert (response.status, await response.text()) == (200, "ok-7")
                assert response.content_type == "text/plain"
            params, body = signed(text_xml("你好"))
            async with http.post(f"{base}/webhook", params=params, data=body) as response:
                assert response.status == 200
                assert fromstring(await response.text()).findtext("Content") == "收到：你好"
            async with http.post(f"{base}/webhook", data=body) as response:
                assert response.status == 403
    finally:
        await _stop(server)
    assert rasa.texts == ["你好"]


@pytest.mark.usefixtures("sanic_test_mode")
async def test_channel_without_token_is_off(
    store_url: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    for name in ("WECHAT_TOKEN", "WECHAT_APP_ID", "WECHAT_APP_SECRET", "WECHAT_ENCODING_AES_KEY"):
        monkeypatch.delenv(name, raising=False)
    channel = WeChatInput.from_credentials(None)
    assert "WECHAT_TOKEN" in caplog.text and channel.get_output_channel() is None
    rasa = FakeRasa()
    server, base = await _serve(channel, rasa)
    try:
        async with aiohttp.ClientSession() as http:
            params, body = signed(text_xml("你好"))
            async with http.post(f"{base}/webhook", params=params, data=body) as response:
                assert response.status == 503
            async with http.get(f"{base}/webhook", params=params) as response:
                assert response.status == 503
            async with http.get(f"{base}/") as response:
                assert (await response.json()) == {"status": "off"}
    finally:
        await _stop(server)
    assert rasa.calls == []


def _handing_over(kf_account: str | None) -> Callable[[str], list[dict[str, Any]]]:
    """A bot that answers 转人工 with the hand-off text and the transfer marker."""

    def script(text: str) -> list[dict[str, Any]]:
        return [
            {"text": "正在为您转接人工客服，请稍候。"},
            {"custom": {"handoff": "wechat_kf", "kf_account": kf_account}},
        ]

    return script


@pytest.mark.parametrize("kf_account", ["kf2001@gh_test", None])
async def test_a_wechat_kf_hand_off_replies_transfer_customer_service(
    config: WeChatConfig, kf_account: str | None
) -> None:
    webhook = webhook_for(config, FakeRasa(_handing_over(kf_account)))
    answer = await send(webhook, message_xml("text", "<Content>转人工</Content>", "7001"))
    reply = fromstring(answer.body)
    assert reply.findtext("MsgType") == "transfer_customer_service"
    assert reply.findtext("ToUserName") == USER and reply.findtext("FromUserName") == ACCOUNT
    assert reply.findtext("TransInfo/KfAccount") == kf_account
    assert reply.find("Content") is None


async def test_an_ordinary_custom_message_is_not_a_transfer(config: WeChatConfig) -> None:
    script = lambda text: [{"text": "好的"}, {"custom": {"kind": "card"}}]  # noqa: E731
    webhook = webhook_for(config, FakeRasa(script))
    answer = await send(webhook, message_xml("text", "<Content>你好</Content>", "7002"))
    assert content(answer) == "好的"


async def test_a_long_text_reaches_the_conversation_cut_to_the_stored_limit(
    config: WeChatConfig,
) -> None:
    rasa = FakeRasa()
    await send(webhook_for(config, rasa), text_xml("暖" * 3000, msg_id="7001"))
    await until(lambda: bool(rasa.calls))
    assert [len(text or "") for text in rasa.texts] == [1001]
