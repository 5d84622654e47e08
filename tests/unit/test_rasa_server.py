"""The Rasa server's entry point (bot.rasa_server): the HTTP API token from the environment, never
the command line (red team R3); Rasa's version only for this machine (R11)."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import aiohttp
import pytest
import rasa
import rasa.__main__
from rasa.core.run import serve_application
from rasa.server import create_app
from rasa.shared.utils.common import minimal_kwargs
from sanic import Sanic

from bot.config import ConfigError
from bot.rasa_server import ServerPlugin, conceal_version, request_is_local
from tests.unit.test_rest_channel import served

TOKEN = "api-token-kept-out-of-argv"


def _parsed(*argv: str) -> Any:
    """`rasa run …` parsed by Rasa's own parser, as `rasa.__main__.main` does."""
    return rasa.__main__.create_argument_parser().parse_args(["run", *argv])


def test_the_token_comes_from_the_environment_and_reaches_rasas_server() -> None:
    args = _parsed("--model", "m.tar.gz", "--enable-api", "--port", "5005")
    ServerPlugin(TOKEN).configure_commandline(cmdline_arguments=args)
    assert args.auth_token == TOKEN
    # `rasa run` hands every parsed argument to serve_application that it takes: the token and
    # the listener that hides the version among them
    kept = minimal_kwargs(vars(args), serve_application)
    assert kept["auth_token"] == TOKEN
    assert kept["server_listeners"] == [(conceal_version, "before_server_start")]


@pytest.mark.parametrize(
    ("argv", "token", "reason"),
    [
        (("--enable-api", "--auth-token", TOKEN), TOKEN, "not --auth-token"),  # argv: ps shows it
        (("--auth-token", TOKEN), None, "not --auth-token"),
        (("--enable-api",), None, "--enable-api needs RASA_AUTH_TOKEN"),  # an open API
    ],
)
def test_a_token_on_the_command_line_or_an_api_without_one_is_refused(
    argv: tuple[str, ...], token: str | None, reason: str
) -> None:
    with pytest.raises(ConfigError, match=reason):
        ServerPlugin(token).configure_commandline(cmdline_arguments=_parsed(*argv))


def test_channels_without_the_api_need_no_token() -> None:
    args = _parsed("--model", "m.tar.gz")
    ServerPlugin(None).configure_commandline(cmdline_arguments=args)
    assert args.auth_token is None and args.server_listeners


@pytest.mark.parametrize(
    ("peer", "forwarded", "local"),
    [
        ("127.0.0.1", None, True),
        ("::1", None, True),
        ("::ffff:127.0.0.1", "127.0.0.1", True),  # nginx on this machine, for this machine
        ("192.0.2.2", None, False),  # the red team's remote visitor
        ("192.0.2.2", "127.0.0.1", False),  # a forged header does not make a stranger local
        ("127.0.0.1", "192.0.2.2", False),  # nginx forwarding a stranger
        ("127.0.0.1", "127.0.0.1, 10.0.0.7", False),
        ("", None, False),
    ],
)
def test_who_is_on_this_machine(peer: str, forwarded: str | None, local: bool) -> None:
    assert request_is_local(peer, forwarded) is local


@asynccontextmanager
async def rasa_app(*, concealed: bool) -> AsyncIterator[str]:
    """Rasa's own HTTP API app (with a token), served on loopback; its base URL."""
    app = create_app(auth_token=TOKEN, cors_origins=None)
    app.name = f"rasa_server_test_{uuid.uuid4().hex}"
    if concealed:
        app.register_listener(conceal_version, "before_server_start")
    async with served(app) as url:
        yield url


@pytest.fixture(autouse=True)
def _sanic_test_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Sanic, "test_mode", True)


async def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, str]:
    async with aiohttp.ClientSession() as http, http.get(url, headers=headers) as answer:
        return answer.status, await answer.text()


STRANGER = {"X-Forwarded-For": "192.0.2.2"}  # as nginx forwards a visitor from the network


async def test_strangers_learn_no_version_and_this_machine_still_does() -> None:
    version = rasa.__version__
    async with rasa_app(concealed=True) as url:
        assert await _get(f"{url}/", STRANGER) == (200, "ok")  # readiness probes still pass
        status, body = await _get(f"{url}/version", STRANGER)
        assert status == 404 and version not in body
        status, body = await _get(f"{url}/version/", STRANGER)
        assert status == 404 and version not in body
        status, body = await _get(f"{url}/status", STRANGER)  # no token: 401, no version
        assert status == 401 and "version" not in json.loads(body) and version not in body
        # this machine (the launchers' readiness, an operator) is answered as before
        assert await _get(f"{url}/") == (200, f"Hello from Rasa: {version}")
        status, body = await _get(f"{url}/version")
        assert status == 200 and json.loads(body)["version"] == version
        status, body = await _get(f"{url}/status")
        assert status == 401 and "version" not in json.loads(body)
        status, body = await _get(f"{url}/status?token={TOKEN}")
        assert status != 401


async def test_stock_rasa_told_anyone_its_version() -> None:
    """The reference: what the red team saw without the listener."""
    async with rasa_app(concealed=False) as url:
        assert rasa.__version__ in (await _get(f"{url}/", STRANGER))[1]
        assert rasa.__version__ in (await _get(f"{url}/status", STRANGER))[1]
