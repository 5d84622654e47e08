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
import yaml

from bot.launcher import demo_stack, start, stop
from bot.modelcache import ensure_model
from bot.standins.sms_gateway import SmsGatewayStandIn
from bot.standins.wechat_api import WeChatApiStandIn

#: The Official Account the stack's WeChat channel serves (safe mode accepted).
WECHAT = {
    "WECHAT_TOKEN": "e2e-wechat-token",
    "WECHAT_APP_ID": "wxe2e0000000000001",
    "WECHAT_APP_SECRET": "e2e-wechat-secret",
    "WECHAT_ENCODING_AES_KEY": "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR",
}
SMS_SECRET = "e2e-sms-callback-secret"
#: The template ids the operator's file gives some responses; the rest go out as generic.
SMS_TEMPLATE_IDS = {
    "utter_greet": "SMS_E2E_GREET",
    "utter_ask_account_no": "SMS_E2E_ACCOUNT",
    "utter_ask_community": "SMS_E2E_COMMUNITY",
    "utter_outage_found": "SMS_E2E_OUTAGE",
    "utter_unsubscribed": "SMS_E2E_UNSUB",
}


@dataclass
class Stack:
    """A running stack and how to talk to it."""

    rasa_url: str
    database_url: str
    token: str
    console_url: str = ""

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

    def tracker(self, conversation: str) -> dict[str, Any]:
        """The conversation as Rasa stored it (HTTP API, with the token), by its conversation
        id (`rest:<sender>`, `sms:<phone>`, `wechat:<OpenID>`, `web:<session>`)."""
        url = f"{self.rasa_url}/conversations/{conversation}/tracker?token={self.token}"
        with urllib.request.urlopen(url, timeout=30) as response:
            return dict(json.loads(response.read()))


@pytest.fixture(scope="session")
def sms_gateway() -> Iterator[SmsGatewayStandIn]:
    """The SMS gateway stand-in the stack's SMS channel sends to (`SMS_API_BASE`)."""
    gateway = SmsGatewayStandIn().start()
    try:
        yield gateway
    finally:
        gateway.stop()


def _sms_env(gateway: SmsGatewayStandIn, workdir: Path) -> dict[str, str]:
    templates = workdir / "sms-templates.yml"
    templates.write_text(yaml.safe_dump({"responses": SMS_TEMPLATE_IDS}), encoding="utf-8")
    return {
        "SMS_CALLBACK_SECRET": SMS_SECRET,
        "SMS_API_BASE": gateway.base_url,
        "SMS_TEMPLATE_FILE": str(templates),
    }


@pytest.fixture(scope="session")
def wechat_api() -> Iterator[WeChatApiStandIn]:
    """The WeChat API stand-in the stack's WeChat channel pushes to (`WECHAT_API_BASE`)."""
    api = WeChatApiStandIn(WECHAT["WECHAT_APP_ID"], WECHAT["WECHAT_APP_SECRET"]).start()
    try:
        yield api
    finally:
        api.stop()


@pytest.fixture(scope="session")
def stack(
    tmp_path_factory: pytest.TempPathFactory,
    sms_gateway: SmsGatewayStandIn,
    wechat_api: WeChatApiStandIn,
) -> Iterator[Stack]:
    """Start the stack once per test session (`HEATING_MODEL` names a model file to use instead)."""
    model = Path(os.environ["HEATING_MODEL"]) if os.environ.get("HEATING_MODEL") else ensure_model()
    token = "e2e-token"
    workdir = tmp_path_factory.mktemp("stack")
    extra_env = {
        **_sms_env(sms_gateway, workdir),
        **WECHAT,
        "WECHAT_API_BASE": wechat_api.base_url,
    }
    demo = demo_stack(model, workdir, auth_token=token, extra_env=extra_env)
    try:
        start(demo.services, demo.env, timeout=300)
        yield Stack(demo.rasa_url, demo.database_url, token, demo.console_url)
    finally:
        stop(demo.services)
