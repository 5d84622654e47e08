"""Hand-off's client of Rasa's HTTP API: read a conversation, append events to it.

The console (an agent's reply, pick, close) and the scheduler's hand-off jobs (time-outs, resumes)
both talk to Rasa through it, with the address and token from `load_rasa_api`.

Appending `bot` events with `output_channel=<channel>&execute_side_effects=true` makes Rasa send
them through that channel's output (socket.io for the web widget, the customer-service API for
WeChat) and store them in the tracker, so an agent's reply reaches the user on their own channel
and stays in the one transcript. When the channel cannot deliver (WeChat's 48-hour window is
closed, …) Rasa answers with an error and stores nothing; the agent is shown why.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

import aiohttp

from bot.config import ConfigError

DEFAULT_URL = "http://127.0.0.1:5005"
TIMEOUT = aiohttp.ClientTimeout(total=20)


class RasaError(RuntimeError):
    """Rasa refused or failed a request; the message says why, for the agent."""


@dataclass(frozen=True)
class RasaApi:
    """Where Rasa's HTTP API answers, and its token (`rasa run --enable-api --auth-token`)."""

    url: str
    token: str


def load_rasa_api(env: Mapping[str, str]) -> RasaApi:
    """`RASA_URL` (default `DEFAULT_URL`) and `RASA_AUTH_TOKEN` from `env`, or `ConfigError`."""
    token = env.get("RASA_AUTH_TOKEN", "").strip()
    if not token:
        raise ConfigError(
            "RASA_AUTH_TOKEN must be set: the console and the scheduler's hand-off jobs read "
            "transcripts and send messages through Rasa's HTTP API, which must run with "
            "--enable-api --auth-token"
        )
    url = env.get("RASA_URL", DEFAULT_URL).strip().rstrip("/")
    if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).hostname:
        raise ConfigError(f"RASA_URL must be an http(s):// URL of the Rasa server, got {url!r}")
    return RasaApi(url, token)


class RasaClient:
    """Calls to one Rasa server with its API token (aiohttp; never blocks the event loop)."""

    def __init__(self, http: aiohttp.ClientSession, base_url: str, token: str) -> None:
        self._http = http
        self._base = base_url.rstrip("/")
        self._token = token

    def _url(self, conversation_id: str, tail: str) -> str:
        return f"{self._base}/conversations/{quote(conversation_id, safe='')}/{tail}"

    async def tracker(self, conversation_id: str) -> dict[str, Any]:
        """The conversation's tracker with every event (user messages while paused included)."""
        params = {"token": self._token}
        try:
            async with self._http.get(
                self._url(conversation_id, "tracker"), params=params, timeout=TIMEOUT
            ) as answer:
                if answer.status != 200:
                    raise RasaError(f"Rasa answered {answer.status} to the transcript request")
                return dict(await answer.json())
        except aiohttp.ClientError as exc:
            raise RasaError(f"Rasa is not reachable: {exc}") from exc

    async def append(
        self, conversation_id: str, events: list[dict[str, Any]], output_channel: str
    ) -> None:
        """Append events and let Rasa deliver their bot messages on `output_channel`."""
        params = {
            "token": self._token,
            "output_channel": output_channel,
            "execute_side_effects": "true",
            "include_events": "NONE",
        }
        try:
            async with self._http.post(
                self._url(conversation_id, "tracker/events"),
                params=params,
                json=events,
                timeout=TIMEOUT,
            ) as answer:
                if answer.status == 200:
                    return
                raise RasaError(_failure(await answer.text(), answer.status))
        except aiohttp.ClientError as exc:
            raise RasaError(f"Rasa is not reachable: {exc}") from exc


def _failure(body: str, status: int) -> str:
    """Rasa's own explanation ("… Error: <the channel's exception>") when it gave one."""
    try:
        message = json.loads(body).get("message")
    except (ValueError, AttributeError):
        message = None
    return str(message or f"Rasa answered {status}")[:500]
