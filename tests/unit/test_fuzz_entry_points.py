"""Fuzzing every HTTP entry point: whatever the body, the answer is below 500 and logs no traceback.

Each entry point runs in a real Sanic server (in a thread with its own event loop) the way the
stack mounts it: the REST, SMS and WeChat channels of the Rasa server and the agents' console.
Hypothesis sends bodies of every shape: random bytes, random JSON of any nesting, and near-valid
messages whose fields have the wrong types. Authentication is passed where the channel has one,
so the fuzzing reaches the body parsers instead of stopping at 401/403. The runs are derandomized:
CI sees the same examples every time, and a failure prints the body that caused it.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rasa.core.channels.channel import InputChannel, UserMessage, register
from rasa.shared.core.domain import Domain
from sanic import Sanic

from bot.channels.rest import RestInput
from bot.channels.sms.auth import TOKEN_PARAM
from bot.channels.sms.channel import SmsInput
from bot.channels.sms.config import load_sms_settings
from bot.channels.wechat.channel import WeChatInput
from bot.channels.wechat.config import WeChatConfig
from bot.channels.wechat.protocol import signature
from bot.config import PROJECT_ROOT
from bot.console.app import create_app
from bot.console.config import ConsoleSettings
from bot.handoff.config import load_handoff_settings
from bot.launcher import free_port
from bot.policy import load_policy

SMS_SECRET = "fuzz-sms-callback-secret-0123"
WECHAT_TOKEN = "fuzz-wechat-token"

FUZZ = settings(
    max_examples=120,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

_scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=40)
_json = st.recursive(
    _scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=20,
)


def _near(fields: dict[str, st.SearchStrategy[Any]]) -> st.SearchStrategy[Any]:
    """An object with the entry point's own keys, each holding anything."""
    return st.fixed_dictionaries({}, optional={k: v | _json for k, v in fields.items()})


def _bodies(near: st.SearchStrategy[Any]) -> st.SearchStrategy[bytes]:
    """Raw bytes, any JSON, near-valid objects, lists of them, and very deep nesting."""
    as_json = (near | _json | st.lists(near, max_size=3)).map(
        lambda v: json.dumps(v, ensure_ascii=False).encode("utf-8")
    )
    deep = st.integers(1, 60_000).map(lambda n: b"[" * n + b"]" * n)
    return st.binary(max_size=300) | as_json | deep


class ServerThread:
    """A Sanic app served from a thread with its own event loop, so sync tests can call it."""

    def __init__(self, app: Sanic) -> None:
        self.app = app
        self.port = free_port()
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        server = self._loop.run_until_complete(
            self.app.create_server(host="127.0.0.1", port=self.port, return_asyncio_server=True)
        )
        assert server is not None
        self._loop.run_until_complete(server.startup())
        self._loop.run_until_complete(server.before_start())
        self._ready.set()
        self._loop.run_forever()
        server.close()

    def __enter__(self) -> ServerThread:
        self._thread.start()
        assert self._ready.wait(30), "server did not start"
        return self

    def __exit__(self, *exc: object) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    def post(self, path: str, body: bytes, headers: dict[str, str] | None = None) -> int:
        """POST `body`; the HTTP status (an error status is an answer too)."""
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}{path}", data=body, headers=headers or {}, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return int(response.status)
        except urllib.error.HTTPError as error:
            return int(error.code)


class Agent:
    """Stands in for Rasa's agent: the loaded domain, and a one-line answer to every message."""

    def __init__(self) -> None:
        self.domain = Domain.load(str(PROJECT_ROOT / "domain.yml"))

    async def handle_message(self, message: UserMessage) -> None:
        assert message.output_channel is not None
        await message.output_channel.send_text_message(message.sender_id, "好的")


class Tracebacks(logging.Handler):
    """Collects every record at ERROR or with an exception attached."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.ERROR or record.exc_info:
            self.records.append(record)


@dataclass
class Servers:
    rasa: ServerThread
    console: ServerThread
    tracebacks: Tracebacks


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    """The Rasa server's channels and the console, on a fresh SQLite store, for the module."""
    from bot.config import settings as process_settings
    from bot.store.db import dispose_engines, ensure_schema

    tmp: Path = tmp_path_factory.mktemp("fuzz")
    url = f"sqlite:///{tmp / 'heating.db'}"
    patch = pytest.MonkeyPatch()
    patch.setenv("DATABASE_URL", url)
    patch.setenv("SMS_CALLBACK_SECRET", SMS_SECRET)
    patch.setenv("SMS_API_BASE", "http://127.0.0.1:9")  # sends fail fast: nothing listens
    patch.setattr(Sanic, "test_mode", True)
    process_settings.cache_clear()
    dispose_engines()
    ensure_schema(url)

    rasa = Sanic(f"fuzz_rasa_{uuid.uuid4().hex}", configure_logging=False)
    rasa.ctx.agent = Agent()
    wechat = WeChatInput(
        WeChatConfig(token=WECHAT_TOKEN, app_id="wxfuzz0000000001", app_secret="fuzz-secret")
    )
    channels: list[InputChannel] = [RestInput(), SmsInput(load_sms_settings()), wechat]
    register(channels, rasa, route="/webhooks/")
    console_settings = ConsoleSettings(
        secret=b"f" * 32,
        rasa_url="http://127.0.0.1:9",
        rasa_token="fuzz",
        host="127.0.0.1",
        port=free_port(),
        cookie_secure=False,
    )
    console = create_app(
        console_settings,
        load_handoff_settings({}),
        load_policy(),
        tracker_url=f"sqlite:///{tmp / 'tracker.db'}",
    )
    tracebacks = Tracebacks()
    logging.getLogger().addHandler(tracebacks)
    try:
        with ServerThread(rasa) as rasa_server, ServerThread(console) as console_server:
            yield Servers(rasa_server, console_server, tracebacks)
    finally:
        logging.getLogger().removeHandler(tracebacks)
        dispose_engines()
        patch.undo()
        process_settings.cache_clear()


def _assert_answered(servers: Servers, status: int, body: bytes) -> None:
    assert status < 500, f"{status} for {body[:200]!r}"
    messages = [r.getMessage()[:300] for r in servers.tracebacks.records]
    servers.tracebacks.records.clear()
    assert messages == [], f"error logged for {body[:200]!r}: {messages}"


_rest = _near({"sender": st.text(max_size=70), "message": st.text(max_size=50), "metadata": _json})


@FUZZ
@given(body=_bodies(_rest))
def test_rest_never_answers_5xx(servers: Servers, body: bytes) -> None:
    status = servers.rasa.post("/webhooks/rest/webhook", body, {"Content-Type": "application/json"})
    _assert_answered(servers, status, body)


_aliyun = _near(
    {
        "phone_number": st.sampled_from(["13812345678", "+8613812345678", "1", ""]),
        "content": st.text(max_size=40),
        "send_time": st.text(max_size=20),
        "dest_code": st.text(max_size=6),
        "sequence_id": st.integers() | st.text(max_size=10),
    }
)
_tencent = _near(
    {
        "mobile": st.sampled_from(["13812345678", "abc"]),
        "nationcode": st.text(max_size=4),
        "text": st.text(max_size=40),
        "time": st.integers(),
        "extend": st.text(max_size=5),
        "sign": st.text(max_size=5),
    }
)


@FUZZ
@given(body=_bodies(_aliyun | _tencent))
def test_sms_never_answers_5xx(servers: Servers, body: bytes) -> None:
    path = f"/webhooks/sms/webhook?{TOKEN_PARAM}={SMS_SECRET}"
    status = servers.rasa.post(path, body, {"Content-Type": "application/json"})
    _assert_answered(servers, status, body)


_xml_fields = st.dictionaries(
    st.sampled_from(
        ["ToUserName", "FromUserName", "CreateTime", "MsgType", "Content", "MsgId", "Event",
         "EventKey", "Location_X", "Location_Y", "Recognition", "Encrypt"]
    ),
    st.text(max_size=30),
    max_size=8,
)  # fmt: skip


def _xml(fields: dict[str, str]) -> bytes:
    from xml.sax.saxutils import escape

    inner = "".join(f"<{k}>{escape(v)}</{k}>" for k, v in fields.items())
    return f"<xml>{inner}</xml>".encode()


@FUZZ
@given(body=_bodies(_json) | _xml_fields.map(_xml))
def test_wechat_never_answers_5xx(servers: Servers, body: bytes) -> None:
    # Fresh and never used, so each body gets past the replay check to the parsers.
    timestamp, nonce = str(int(time.time())), uuid.uuid4().hex
    query = f"signature={signature(WECHAT_TOKEN, timestamp, nonce)}&timestamp={timestamp}"
    status = servers.rasa.post(f"/webhooks/wechat/webhook?{query}&nonce={nonce}", body)
    _assert_answered(servers, status, body)


@FUZZ
@given(body=_bodies(_near({"username": st.text(max_size=20), "password": st.text(max_size=20)})))
def test_console_login_never_answers_5xx(servers: Servers, body: bytes) -> None:
    for content_type in ("application/json", "application/x-www-form-urlencoded"):
        status = servers.console.post("/api/login", body, {"Content-Type": content_type})
        _assert_answered(servers, status, body)
