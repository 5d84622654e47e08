"""The REST channel: its own namespace, checked bodies, size limits and token auth.

The channel runs in a real Sanic server on a free port with a stand-in agent that records whose
conversation each message was filed under, so the tests go through the same HTTP code a caller
does, without a trained model.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import aiohttp
import pytest
import yaml
from rasa.core.channels.channel import InputChannel, UserMessage, register
from sanic import Sanic

from bot.channels import rest
from bot.channels.rest import RestInput
from bot.config import PROJECT_ROOT, ConfigError
from bot.launcher import free_port

TOKEN = "rest-token-for-tests-0123456789"


class RecordingAgent:
    """Stands in for Rasa's agent: remembers each message and answers with its text."""

    def __init__(self) -> None:
        self.messages: list[UserMessage] = []

    async def handle_message(self, message: UserMessage) -> None:
        assert message.output_channel is not None
        self.messages.append(message)
        await message.output_channel.send_text_message(message.sender_id, f"收到：{message.text}")


@asynccontextmanager
async def served(app: Sanic) -> AsyncIterator[str]:
    """`app` served on loopback, its `before_server_start` listeners run; yield its base URL."""
    port = free_port()
    server = await app.create_server(host="127.0.0.1", port=port, return_asyncio_server=True)
    assert server is not None
    await server.startup()
    await server.before_start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.close()
        await server.wait_closed()


@asynccontextmanager
async def serving(channel: InputChannel) -> AsyncIterator[tuple[str, RecordingAgent]]:
    """Serve `channel` the way `rasa run` mounts it; yield the webhook URL and the agent."""
    app = Sanic(f"rest_test_{uuid.uuid4().hex}", configure_logging=False)
    agent = RecordingAgent()
    app.ctx.agent = agent
    register([channel], app, route="/webhooks/")
    async with served(app) as url:
        yield f"{url}/webhooks/rest/webhook", agent


@pytest.fixture(autouse=True)
def _sanic_test_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Sanic, "test_mode", True)
    monkeypatch.delenv("REST_CHANNEL_TOKEN", raising=False)


async def _post(url: str, body: bytes, headers: dict[str, str] | None = None) -> tuple[int, Any]:
    async with aiohttp.ClientSession() as http, http.post(url, data=body, headers=headers) as r:
        return r.status, json.loads(await r.read() or b"null")


def _json(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode()


async def test_a_sender_is_always_in_the_rest_namespace_on_the_rest_channel() -> None:
    async with serving(RestInput()) as (url, agent):
        body = {"sender": "13812345678", "message": "查暖气费", "input_channel": "sms"}
        status, answer = await _post(url, _json(body))
        await _post(url, _json({"sender": "sms:13812345678", "message": "再查"}))
    assert status == 200 and answer[0]["text"] == "收到：查暖气费"
    assert [(m.sender_id, m.input_channel) for m in agent.messages] == [
        ("rest:13812345678", "rest"),
        ("rest:sms:13812345678", "rest"),
    ]


async def test_a_retry_carries_the_message_id_the_client_gave_so_a_ticket_is_not_made_twice() -> (
    None
):
    async with serving(RestInput()) as (url, agent):
        for _ in range(2):
            await _post(url, _json({"sender": "me", "message": "明天上午", "message_id": "m-1"}))
        await _post(url, _json({"sender": "me", "message": "好的"}))
    first, retry, other = (m.message_id for m in agent.messages)
    assert first == retry == "m-1" and other not in (None, "m-1")


async def test_a_rest_caller_cannot_name_the_widget_address_it_is_counted_as() -> None:
    """A sender naming a new source per try would slip past the budget per address (R1)."""
    async with serving(RestInput()) as (url, agent):
        metadata = {"client_source": "web-elsewhere", "page": "/pay"}
        await _post(url, _json({"sender": "me", "message": "1234", "metadata": metadata}))
    assert [m.metadata for m in agent.messages] == [{"page": "/pay"}]


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b"[1,2,3]", "not_an_object"),
        (b"null", "not_an_object"),
        (b"42", "not_an_object"),
        (b'"text"', "not_an_object"),
        (b"{not json", "not_json"),
        (b"[" * 50_000 + b"]" * 50_000, "not_json"),
        (_json({"message": "hi"}), "bad_sender"),
        (_json({"sender": 5, "message": "hi"}), "bad_sender"),
        (_json({"sender": "a b", "message": "hi"}), "bad_sender"),
        (_json({"sender": "x" * 65, "message": "hi"}), "bad_sender"),
        (_json({"sender": "me", "message": 7}), "bad_message"),
        (_json({"sender": "me", "message": None}), "bad_message"),
        (_json({"sender": "me", "message": {"text": "hi"}}), "bad_message"),
        (_json({"sender": "me", "message": "hi", "metadata": "x"}), "bad_metadata"),
        (_json({"sender": "me", "message": "hi", "metadata": [1]}), "bad_metadata"),
        (_json({"sender": "me", "message": "hi", "message_id": 7}), "bad_message_id"),
        (_json({"sender": "me", "message": "hi", "message_id": "a b"}), "bad_message_id"),
    ],
)
async def test_a_body_that_is_not_a_message_gets_400_with_a_code(body: bytes, code: str) -> None:
    async with serving(RestInput(body_limit=1024 * 1024)) as (url, agent):
        status, answer = await _post(url, body)
    assert (status, answer["error"]) == (400, code)
    assert agent.messages == []


async def test_a_body_over_the_limit_is_refused_before_it_is_read() -> None:
    async with serving(RestInput(body_limit=64 * 1024)) as (url, agent):
        big = _json({"sender": "me", "message": "热" * 100_000})
        async with aiohttp.ClientSession() as http, http.post(url, data=big) as reply:
            status = reply.status
        ok, _ = await _post(url, _json({"sender": "me", "message": "热" * 10_000}))
    assert (status, ok) == (413, 200)
    assert [len(m.text or "") for m in agent.messages] == [1001]  # kept: one past the NLU's limit


async def test_with_a_token_only_callers_that_present_it_are_heard() -> None:
    body = _json({"sender": "me", "message": "你好"})
    async with serving(RestInput(token=TOKEN)) as (url, agent):
        missing, _ = await _post(url, body)
        wrong, _ = await _post(url, body, {"Authorization": "Bearer " + TOKEN[:-1] + "x"})
        right, answer = await _post(url, body, {"Authorization": "Bearer " + TOKEN})
    assert (missing, wrong, right) == (401, 401, 200)
    assert len(agent.messages) == 1 and answer[0]["text"] == "收到：你好"


async def test_without_a_token_only_this_machine_is_heard(monkeypatch: pytest.MonkeyPatch) -> None:
    """F19: the default profile's open REST gave anyone who reached the port free identities."""
    body = _json({"sender": "far-away", "message": "查暖气费"})
    async with serving(RestInput()) as (url, agent):
        assert (await _post(url, body))[0] == 200  # the tests and tools on this machine
        monkeypatch.setattr(rest, "from_this_machine", lambda peer: False)
        status, answer = await _post(url, body)
    assert (status, answer["error"]) == (403, "local_only")
    assert len(agent.messages) == 1
    async with serving(RestInput(token=TOKEN)) as (url, agent):  # a token admits any address
        headers = {"Authorization": f"Bearer {TOKEN}"}
        assert (await _post(url, body, headers))[0] == 200


@pytest.mark.parametrize(
    ("peer", "local"),
    [
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("::1", True),
        ("::ffff:127.0.0.1", True),
        ("192.0.2.2", False),
        ("10.1.2.3", False),
        ("::ffff:203.0.113.9", False),
        ("", False),
        ("localhost", False),
    ],
)
def test_this_machine_is_the_loopback_peer(peer: str, local: bool) -> None:
    assert rest.from_this_machine(peer) is local


async def test_a_channel_turned_off_hears_nobody() -> None:
    async with serving(RestInput(enabled=False, token=TOKEN)) as (url, agent):
        status, answer = await _post(
            url, _json({"sender": "me", "message": "hi"}), {"Authorization": f"Bearer {TOKEN}"}
        )
    assert (status, answer["error"], agent.messages) == (404, "rest_disabled", [])


def _rest_credentials(filename: str) -> dict[str, Any]:
    credentials = yaml.safe_load((PROJECT_ROOT / filename).read_text(encoding="utf-8"))
    assert "rest" not in credentials  # Rasa's own channel would take the same routes
    return dict(credentials["bot.channels.rest.RestInput"] or {})


def test_the_default_profile_is_open_and_production_requires_the_token(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    default = RestInput.from_credentials(_rest_credentials("credentials.yml"))
    assert isinstance(default, RestInput) and default.enabled and default.token is None
    production = _rest_credentials("credentials.production.yml")
    with pytest.raises(ConfigError, match="REST_CHANNEL_TOKEN"):
        RestInput.from_credentials(production)
    monkeypatch.setenv("REST_CHANNEL_TOKEN", TOKEN)
    channel = RestInput.from_credentials(production)
    assert isinstance(channel, RestInput) and channel.token == TOKEN
    with pytest.raises(ConfigError, match="auth"):
        RestInput.from_credentials({"auth": "maybe"})
