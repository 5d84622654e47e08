"""The `sms` input channel over real HTTP: a Sanic app serving its blueprint, as Rasa mounts it.

The protocol is tested in test_sms_inbox.py; here: the route, the disabled and not-ready answers,
the JSON the provider reads back, and that a graceful stop waits for answers still running.
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import aiohttp
import pytest
import yaml
from rasa.core.channels.channel import UserMessage
from sanic import Sanic

from bot.channels.sms import SmsInput
from bot.channels.sms import channel as channel_module
from bot.channels.sms import inbox as inbox_module
from bot.channels.sms.config import load_sms_settings
from bot.channels.sms.output import SendFailed
from bot.channels.sms.sender import RecordingSender
from bot.config import ConfigError
from bot.launcher import free_port
from bot.store.db import session_scope
from bot.store.outbound import outbound_to

SECRET = "0123456789abcdef-sms"
ENABLED = {"SMS_CALLBACK_SECRET": SECRET, "SMS_API_BASE": "http://127.0.0.1:9"}
ROOT = Path(__file__).resolve().parents[2]
DOMAIN = SimpleNamespace(
    responses=yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))["responses"]
)
BODY = json.dumps(
    [{"phone_number": "13812345678", "content": "你好", "send_time": "2026-11-27 20:00:00",
      "dest_code": "1", "sequence_id": 1}]
).encode()  # fmt: skip

Serve = Callable[..., Any]
#: A secret with no digits: masking numbers in log lines cannot hide it by chance.
LETTERS_SECRET = "sms-callback-secret-only-letters"
#: The loggers that write request URLs: Sanic's general, error and access logs.
SANIC_LOGGERS = ("sanic.root", "sanic.error", "sanic.access")


@pytest.fixture
async def serve(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Serve]:
    """`await serve(channel, agent=…)` → (base URL, server); every server is closed at the end."""
    # Test mode keeps Sanic from rewriting its protocol class a second time for the next app.
    monkeypatch.setattr(Sanic, "test_mode", True)
    servers: list[Any] = []

    async def start(
        channel: SmsInput, on_new_message: Any = None, agent: Any = None, access_log: bool = False
    ) -> Any:
        app = Sanic(f"sms_{uuid.uuid4().hex}")
        if agent is not None:
            app.ctx.agent = agent

        async def ignore(message: UserMessage) -> None:
            return None

        app.blueprint(channel.blueprint(on_new_message or ignore), url_prefix="/webhooks/sms")
        port = free_port()
        server = await app.create_server(
            host="127.0.0.1", port=port, return_asyncio_server=True, access_log=access_log
        )
        assert server is not None
        await server.startup()
        servers.append(server)
        return f"http://127.0.0.1:{port}/webhooks/sms", server

    yield start
    for server in servers:
        if server.is_serving():
            await server.close()


async def _post(url: str, body: bytes, query: str = "") -> tuple[int, Any]:
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{url}/webhook{query}", data=body) as response,
    ):
        return response.status, json.loads(await response.text())


class Lines(logging.Handler):
    """Every record as an operator's log would show it: message, traceback, access `request`."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(f"{logging.Formatter().format(record)} {getattr(record, 'request', '')}")


@pytest.fixture
def logs() -> Iterator[Lines]:
    """Collects everything Sanic's loggers and the root logger write, at DEBUG (whether or not
    Sanic's loggers propagate); afterwards their levels and handlers are as they were."""
    handler = Lines()
    loggers = [logging.getLogger(), *(logging.getLogger(name) for name in SANIC_LOGGERS)]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.DEBUG)
        lg.addHandler(handler)
    yield handler
    for lg, level in zip(loggers, levels, strict=True):
        lg.removeHandler(handler)
        lg.setLevel(level)


def test_the_channel_is_named_sms_and_configured_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    assert SmsInput.name() == "sms"
    masked: list[None] = []
    monkeypatch.setattr(channel_module, "install_log_masking", lambda: masked.append(None))
    for name in ENABLED:
        monkeypatch.delenv(name, raising=False)
    with caplog.at_level(logging.WARNING):
        SmsInput.from_credentials(None)
    assert masked, "sender ids are phone numbers: the Rasa server's log must be masked"
    assert [r.message for r in caplog.records if "SMS" in r.message] == [
        "SMS channel disabled: SMS_CALLBACK_SECRET is not set, /webhooks/sms/webhook answers 503"
    ]
    monkeypatch.setenv("SMS_CALLBACK_SECRET", "short")
    with pytest.raises(ConfigError, match="SMS_CALLBACK_SECRET"):
        SmsInput.from_credentials(None)


async def test_a_disabled_channel_answers_503(serve: Serve) -> None:
    url, _ = await serve(SmsInput(load_sms_settings({})), agent=SimpleNamespace(domain=DOMAIN))
    assert await _post(url, BODY, f"?token={SECRET}") == (503, {"error": "sms_disabled"})
    async with aiohttp.ClientSession() as session, session.get(f"{url}/") as response:
        assert await response.json() == {"status": "disabled"}


async def test_without_a_loaded_model_callbacks_wait_for_a_retry(serve: Serve) -> None:
    channel = SmsInput(load_sms_settings(ENABLED), RecordingSender())
    url, _ = await serve(channel, agent=SimpleNamespace(domain=None))
    assert await _post(url, BODY, f"?token={SECRET}") == (503, {"error": "not_ready"})


async def test_callbacks_over_http(serve: Serve, store_url: str) -> None:
    sender = RecordingSender()
    channel = SmsInput(load_sms_settings(ENABLED), sender, store_url)
    received: list[UserMessage] = []

    async def rasa(message: UserMessage) -> None:
        received.append(message)
        await message.output_channel.send_response(message.sender_id, {"text": "您好"})

    url, _ = await serve(channel, rasa, SimpleNamespace(domain=DOMAIN))
    assert (await _post(url, BODY))[0] == 401
    assert (await _post(url, BODY, "?token=wrong"))[0] == 403
    assert await _post(url, b"{", f"?token={SECRET}") == (
        400,
        {"error": "invalid_json", "message": "the body is not UTF-8 JSON"},
    )
    assert await _post(url, BODY, f"?token={SECRET}") == (200, {"code": 0, "msg": "接收成功"})
    assert [m.text for m in received] == ["你好"]
    assert [m.text for _, m in sender.sent] == ["您好"]


async def test_a_graceful_stop_waits_for_answers_still_running(
    serve: Serve, store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(inbox_module, "ACK_WITHIN_SECONDS", 0.01)
    sender = RecordingSender()
    channel = SmsInput(load_sms_settings(ENABLED), sender, store_url)

    async def slow(message: UserMessage) -> None:
        await asyncio.sleep(0.5)
        await message.output_channel.send_response(message.sender_id, {"text": "您好"})

    url, server = await serve(channel, slow, SimpleNamespace(domain=DOMAIN))
    assert (await _post(url, BODY, f"?token={SECRET}"))[0] == 200
    assert sender.sent == []
    await server.before_stop()
    assert [m.text for _, m in sender.sent] == ["您好"]


async def test_an_agents_reply_goes_out_through_the_generic_template(store_url: str) -> None:
    assert SmsInput(load_sms_settings({})).get_output_channel() is None
    sender = RecordingSender()
    output = SmsInput(load_sms_settings(ENABLED), sender, store_url).get_output_channel()
    assert output is not None and output.name() == "sms"
    await output.send_text_message("13812345678", "您好，我是客服王芳，师傅下午两点到。")
    [(phone, message)] = sender.sent
    assert phone == "13812345678" and message.params == {
        "content": "您好，我是客服王芳，师傅下午两点到。"
    }
    with session_scope(store_url) as session:
        assert [(r.purpose, r.status) for r in outbound_to(session, "sms", phone)] == [
            ("agent", "sent")
        ]
    sender.failing = True
    with pytest.raises(SendFailed):
        await output.send_text_message("13812345678", "在吗？")


async def test_hostile_callbacks_get_a_4xx_and_the_secret_reaches_no_log(
    serve: Serve, store_url: str, monkeypatch: pytest.MonkeyPatch, logs: Lines
) -> None:
    monkeypatch.setenv("SMS_CALLBACK_SECRET", LETTERS_SECRET)
    monkeypatch.setenv("SMS_API_BASE", ENABLED["SMS_API_BASE"])
    channel = SmsInput.from_credentials(None)
    assert isinstance(channel, SmsInput)
    url, server = await serve(channel, agent=SimpleNamespace(domain=DOMAIN), access_log=True)
    await server.before_start()  # as `rasa run` does: the channel lowers the body limit
    token = f"?token={LETTERS_SECRET}"
    status, answer = await _post(url, b"[" * 10_000 + b"]" * 10_000, token)
    assert (status, answer["error"]) == (400, "too_deep")
    assert (await _post(url, b"[]", token))[0] == 400
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{url}/webhook{token}", data=b"[" * 100_000) as response,
    ):
        assert response.status == 413  # by the server, from the Content-Length: never read
    assert not [line for line in logs.lines if "a body of" in line], "the handler never ran"
    assert any("token=***" in line for line in logs.lines), "the access log is on and redacted"
    assert not [line for line in logs.lines if LETTERS_SECRET in line]


async def test_a_failure_inside_the_handler_is_logged_without_the_url(
    serve: Serve, store_url: str, monkeypatch: pytest.MonkeyPatch, logs: Lines
) -> None:
    async def broken(*args: Any) -> tuple[int, dict[str, Any]]:
        raise RuntimeError("the database went away")

    settings = load_sms_settings({**ENABLED, "SMS_CALLBACK_SECRET": LETTERS_SECRET})
    channel = SmsInput(settings, RecordingSender(), store_url)
    monkeypatch.setattr(inbox_module.SmsInbox, "handle", broken)
    url, _ = await serve(channel, agent=SimpleNamespace(domain=DOMAIN))
    assert await _post(url, BODY, f"?token={LETTERS_SECRET}") == (
        500,
        {"error": "internal_error"},
    )
    assert any("SMS callback failed: RuntimeError" in line for line in logs.lines)
    assert not [line for line in logs.lines if LETTERS_SECRET in line or "/webhook" in line]
