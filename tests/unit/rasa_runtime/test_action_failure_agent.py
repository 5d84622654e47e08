"""A turn whose action fails ends with an apology and leaves the conversation as it was.

A real Rasa agent (the trained model, with `bot.rasa_runtime` installed as the Rasa server
installs it) talks to the project's actions behind an in-process action server (rasa-sdk's
executor under aiohttp) on a free port. The action server then fails the way it does in
production: it is stopped (connection refused), answers 500, answers a body that is not JSON, or
does not answer in time. Separately, the ticket database becomes unreachable just as a form
completes. In every case the user is told, with the hotline, that the message was not dealt with,
the form is still at its question with what it collected, and the next message works once the
failed part is back.
"""

from __future__ import annotations

import asyncio
import re
import socket
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import rasa.core.actions.action
from aiohttp import web
from rasa.core.agent import Agent
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig
from rasa_sdk.executor import ActionExecutor
from rasa_sdk.interfaces import ActionExecutionRejection

import actions.common
from bot import rasa_runtime
from bot.base import clock
from bot.config import settings
from bot.modelcache import ensure_model
from bot.policy import load_policy
from bot.store import db
from bot.store.demo import load_demo
from bot.store.models import Ticket

pytestmark = pytest.mark.e2e

#: Where no database answers: connections to it are refused.
UNREACHABLE_DATABASE = "postgresql://heating@127.0.0.1:9/heating"
TICKET_NO = re.compile(r"\bBX\d{12}\b")


class ActionServer:
    """The project's actions over HTTP, as `rasa run actions` serves them, with ways to fail."""

    def __init__(self) -> None:
        self.executor = ActionExecutor()
        self.executor.register_package("actions")
        self.mode = "ok"  # or "error" (500), "garbage" (not JSON), "slow" (no answer in time)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self._runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/webhook"

    async def _webhook(self, request: web.Request) -> web.Response:
        if self.mode == "error":
            return web.json_response({"error": "boom"}, status=500)
        if self.mode == "garbage":
            return web.Response(text="{not json", content_type="application/json")
        if self.mode == "slow":
            await asyncio.sleep(1)
        try:
            result = await self.executor.run(await request.json())
        except ActionExecutionRejection as e:
            return web.json_response({"error": e.message, "action_name": e.action_name}, 400)
        return web.json_response(result)

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/webhook", self._webhook)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()

    async def stop(self) -> None:
        """Stop listening: Rasa's next call is refused."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A fresh ticket database with the demo company, the one the actions use."""
    url = f"sqlite:///{tmp_path / 'heating.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    settings.cache_clear()
    db.dispose_engines()
    monkeypatch.setattr(actions.common, "_schema_ready", False)
    db.ensure_schema(url)
    with db.session_scope(url) as session:
        load_demo(session, clock.now())
    yield url
    db.dispose_engines()
    settings.cache_clear()


@pytest.fixture
async def server() -> AsyncIterator[ActionServer]:
    running = ActionServer()
    await running.start()
    yield running
    await running.stop()


@pytest.fixture
def agent(server: ActionServer, monkeypatch: pytest.MonkeyPatch) -> Agent:
    """The trained model behind Rasa's processor, with the project's patches (restored after)."""
    for owner, name, _ in rasa_runtime.REPLACED:
        monkeypatch.setattr(owner, name, getattr(owner, name))
    rasa_runtime.install("all")
    monkeypatch.setattr(rasa.core.actions.action, "DEFAULT_REQUEST_TIMEOUT", 0.5)
    return Agent.load(str(ensure_model()), action_endpoint=EndpointConfig(url=server.url))


async def _say(agent: Agent, sender: str, text: str) -> str:
    answers = await agent.handle_text(text, sender_id=sender) or []
    return "\n".join(str(a.get("text") or "") for a in answers)


async def _tracker(agent: Agent, sender: str) -> DialogueStateTracker:
    tracker = await agent.tracker_store.retrieve(sender)
    assert tracker is not None
    return tracker


@pytest.mark.parametrize("failure", ["refused", "error", "garbage", "slow"])
async def test_a_failed_action_call_is_apologised_for_and_the_form_stays_at_its_question(
    failure: str, store: str, server: ActionServer, agent: Agent
) -> None:
    sender = f"failure-{failure}"
    assert "地址" in await _say(agent, sender, "家里暖气不热了，想找师傅来看看")
    if failure == "refused":
        await server.stop()
    else:
        server.mode = failure

    answer = await _say(agent, sender, "阳光花园5号楼1单元302")
    assert "没有处理完" in answer and load_policy().company.hotline in answer
    tracker = await _tracker(agent, sender)
    assert tracker.active_loop_name == "repair_form"
    assert tracker.get_slot("requested_slot") == "address"
    assert tracker.get_slot("address") is None and tracker.get_slot("fault_type") == "no_heat"
    assert tracker.latest_action_name == "action_listen"

    if failure == "refused":
        await server.start()
    server.mode = "ok"
    assert "手机" in await _say(agent, sender, "阳光花园5号楼1单元302")
    assert (await _tracker(agent, sender)).get_slot("address") is not None


async def test_a_ticket_store_down_at_the_last_answer_is_told_and_the_answer_can_be_resent(
    store: str, agent: Agent, monkeypatch: pytest.MonkeyPatch
) -> None:
    sender = "failure-store"
    await _say(agent, sender, "家里暖气不热了，想找师傅来看看")
    await _say(agent, sender, "阳光花园5号楼1单元302")
    assert "时间" in await _say(agent, sender, "13812345678")
    assert "核对" in await _say(agent, sender, "明天上午")

    monkeypatch.setenv("DATABASE_URL", UNREACHABLE_DATABASE)
    settings.cache_clear()
    db.dispose_engines()
    monkeypatch.setattr(actions.common, "_schema_ready", False)
    answer = await _say(agent, sender, "对")
    assert "还没有生成工单" in answer and load_policy().company.hotline in answer
    assert "已经记录" not in answer and not TICKET_NO.search(answer)
    tracker = await _tracker(agent, sender)
    assert tracker.active_loop_name == "repair_form"
    assert tracker.get_slot("requested_slot") == "details_confirmed"
    assert tracker.get_slot("address") and tracker.get_slot("phone") == "13812345678"
    assert tracker.get_slot("visit_time")

    monkeypatch.setenv("DATABASE_URL", store)
    settings.cache_clear()
    db.dispose_engines()
    answer = await _say(agent, sender, "对")
    found = TICKET_NO.search(answer)
    assert found, answer
    with db.session_scope(store) as session:
        made = session.query(Ticket).filter_by(sender_id=sender).all()
        assert [t.ticket_no for t in made] == [found.group(0)]
    assert (await _tracker(agent, sender)).active_loop_name is None
