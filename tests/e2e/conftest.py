"""The real stack for end-to-end tests: trained model, Rasa server and action server on free ports.

One stack serves the whole session (starting Rasa takes about a minute), on its own SQLite ticket
store with the demo company and its own tracker database, so tests see exactly the rows they cause.
"""

from __future__ import annotations

import json
import os
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bot.launcher import demo_stack, start, stop
from bot.modelcache import ensure_model


@dataclass
class Stack:
    """A running stack and how to talk to it."""

    rasa_url: str
    database_url: str
    token: str

    def say(self, sender: str, text: str) -> list[dict[str, Any]]:
        """Send one message through the REST channel; the bot's messages come back."""
        body = json.dumps({"sender": sender, "message": text}).encode()
        request = urllib.request.Request(
            f"{self.rasa_url}/webhooks/rest/webhook",
            data=body,
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            assert response.status == 200
            return list(json.loads(response.read()))

    def text(self, sender: str, message: str) -> str:
        """The bot's answer to `message` as one string."""
        return "\n".join(m.get("text", "") for m in self.say(sender, message))

    def tracker(self, sender: str) -> dict[str, Any]:
        """The conversation as Rasa stored it (HTTP API, with the token)."""
        url = f"{self.rasa_url}/conversations/{sender}/tracker?token={self.token}"
        with urllib.request.urlopen(url, timeout=30) as response:
            return dict(json.loads(response.read()))


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """Start the stack once per test session (`HEATING_MODEL` names a model file to use instead)."""
    model = Path(os.environ["HEATING_MODEL"]) if os.environ.get("HEATING_MODEL") else ensure_model()
    token = "e2e-token"
    demo = demo_stack(model, tmp_path_factory.mktemp("stack"), auth_token=token)
    try:
        start(demo.services, demo.env, timeout=300)
        yield Stack(demo.rasa_url, demo.database_url, token)
    finally:
        stop(demo.services)
