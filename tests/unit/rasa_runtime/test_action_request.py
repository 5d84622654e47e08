"""The action server request carries the bounded events, as the JSON Rasa would send."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from bot.rasa_runtime import action_request
from bot.rasa_runtime.tracker_window import action_server_state
from tests.unit.rasa_runtime.test_tracker_window import DOMAIN, _long_conversation, _tracker


def test_rasas_action_request_carries_the_bounded_events(patched: None) -> None:
    tracker = _tracker(_long_conversation(80))
    action = RemoteAction("action_answer_faq", EndpointConfig("http://localhost:5055/webhook"))
    request = action._action_call_format(tracker, DOMAIN)
    assert request["tracker"] == action_server_state(tracker)
    assert request["sender_id"] == "wx-user" and request["next_action"] == "action_answer_faq"


def test_action_requests_carry_the_same_json_with_the_domain_serialised_once(
    patched: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The action server receives what Rasa's `json.dumps` of the request would give, as JSON;
    the domain's text is made once per Domain object."""
    import asyncio
    import json

    from aiohttp import web
    from rasa.utils.endpoints import EndpointConfig

    received: list[tuple[str, Any]] = []

    async def webhook(request: web.Request) -> web.Response:
        received.append((request.content_type, await request.json()))
        return web.json_response({"events": [], "responses": []})

    from types import SimpleNamespace

    dumped: list[Any] = []
    real_dumps = json.dumps

    def counting(obj: Any, **kwargs: Any) -> str:
        dumped.append(obj)
        return real_dumps(obj, **kwargs)

    monkeypatch.setattr(action_request, "json", SimpleNamespace(dumps=counting, loads=json.loads))
    monkeypatch.setattr(action_request, "_domain_cache", [])  # whatever earlier tests sent
    tracker = DialogueStateTracker.from_events(
        "wx-user", [UserUttered("暖气不热", {"name": "report_repair"})], DOMAIN.slots
    )
    other_domain = Domain.load(str(Path(__file__).resolve().parents[3] / "domain.yml"))

    async def run() -> list[dict[str, Any]]:
        app = web.Application()
        app.router.add_post("/webhook", webhook)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = runner.addresses[0][1]
        endpoint = EndpointConfig(f"http://127.0.0.1:{port}/webhook")
        action = RemoteAction("validate_repair_form", endpoint)
        bodies = []
        try:
            for domain in (DOMAIN, DOMAIN, other_domain):
                body = action._action_call_format(tracker, domain)
                bodies.append(json.loads(real_dumps(body)))  # what Rasa would have sent
                await endpoint.request(json=body, method="post")
        finally:
            await runner.cleanup()
        return bodies

    expected = asyncio.run(run())
    assert [r[0] for r in received] == ["application/json"] * 3
    assert [r[1] for r in received] == expected
    assert expected[0]["domain"]["forms"] and expected[0]["tracker"]["sender_id"] == "wx-user"
    # the domain's text made once per Domain object; each request spliced it to the rest
    assert sum(1 for obj in dumped if "forms" in obj) == 2
    assert [sorted(obj) for obj in dumped if "tracker" in obj] == [
        ["next_action", "sender_id", "tracker", "version"]
    ] * 3
