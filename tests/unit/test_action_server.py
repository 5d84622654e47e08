"""The action server answers only Rasa: bound to loopback by every launcher, behind a token.

Red team F4 called `POST /webhook` on 0.0.0.0:5055 with a tracker whose slots said the account
was verified and got any household's bill; the same call runs every other action.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
import yaml
from rasa.core.utils import read_endpoints_from_path
from sanic import Sanic

from bot.action_server import build_app
from bot.launcher import ACTIONS_HOST, action_service, free_port, stack_services, write_endpoints

TOKEN = "action-token-for-tests"
#: What the red team sent (B18), shortened: a tracker claiming a verified account.
FORGED = {
    "next_action": "action_after_verification",
    "sender_id": "rest:b11-direct",
    "version": "3.6.2",
    "tracker": {
        "sender_id": "rest:b11-direct",
        "slots": {"verified_account": "0102345678", "verify_purpose": "query_fee"},
        "latest_message": {"intent": {"name": "query_fee"}},
        "events": [],
        "active_loop": {},
    },
    "domain": {},
}


@pytest.fixture
async def server(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[str]:
    """The project's action server with `TOKEN`, on a free loopback port."""
    monkeypatch.setattr(Sanic, "test_mode", True)  # several apps named rasa_sdk in one process
    app = build_app(TOKEN)
    port = free_port()
    running = await app.create_server(host="127.0.0.1", port=port, return_asyncio_server=True)
    assert running is not None
    await running.startup()
    yield f"http://127.0.0.1:{port}"
    await running.before_stop()
    running.close()
    await running.wait_closed()


async def _post(url: str, headers: dict[str, str]) -> tuple[int, str]:
    async with (
        aiohttp.ClientSession() as http,
        http.post(url, data=json.dumps(FORGED), headers=headers) as answer,
    ):
        return answer.status, await answer.text()


async def test_a_call_without_the_token_runs_no_action(server: str) -> None:
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}):
        status, body = await _post(f"{server}/webhook", headers)
        assert (status, "01******78" in body) == (401, False), headers
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{server}/actions") as answer:
            assert answer.status == 401
        async with http.get(f"{server}/health") as answer:  # the probes need no token
            assert answer.status == 200


async def test_rasa_with_the_token_reaches_the_actions(server: str) -> None:
    async with aiohttp.ClientSession() as http:
        headers = {"Authorization": f"Bearer {TOKEN}"}
        async with http.get(f"{server}/actions", headers=headers) as answer:
            names = {action["name"] for action in await answer.json()}
    assert answer.status == 200 and "action_after_verification" in names


def test_every_launcher_binds_the_action_server_to_loopback(tmp_path: Path) -> None:
    argv = action_service("action server", 15055).argv
    assert argv[argv.index("--host") + 1] == ACTIONS_HOST == "127.0.0.1"
    assert argv[argv.index("--port") + 1] == "15055"
    assert argv[-6:-4] == ["bot", "action-server"]
    [actions] = [s for s in stack_services(Path("m"), Path("e")) if s.name == "action server"]
    assert actions.argv[actions.argv.index("--host") + 1] == "127.0.0.1"


def test_rasa_sends_the_token_from_its_environment_and_none_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_endpoints(tmp_path / "endpoints.yml", 15055)
    written = yaml.safe_load(path.read_text("utf-8"))["action_endpoint"]
    assert written["headers"] == {"Authorization": "Bearer ${ACTION_SERVER_TOKEN}"}
    monkeypatch.setenv("ACTION_SERVER_TOKEN", TOKEN)
    endpoint = read_endpoints_from_path(path).action
    assert endpoint is not None and endpoint.url == "http://127.0.0.1:15055/webhook"
    assert endpoint.headers == {"Authorization": f"Bearer {TOKEN}"}
