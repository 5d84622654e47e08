"""The project's model run without dask (`bot.rasa_runtime.graph_runner`) gives Rasa's results.

Both runners, one after the other, on the trained model: the NLU graph for messages of every
kind, and the policy graph for a conversation that starts, fills and leaves a form.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from rasa.core.agent import Agent
from rasa.core.channels.channel import UserMessage
from rasa.engine.exceptions import GraphRunError
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.shared.core.events import ActionExecuted, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot import rasa_runtime
from bot.modelcache import ensure_model
from bot.rasa_runtime import graph_runner

MESSAGES = [
    "你好",
    "暖气不热",
    "阳光花园5号楼1单元302",
    "明天上午",
    "13812345678",
    "对",
    "我家暖气费还欠多少",
    "户号0102345678",
    "什么时候供暖",
    "燃气灶打不着火",
    "转人工",
    "谢谢",
]


def _answers(agent: Agent) -> list[Any]:
    """Every message's parse and the next action predicted after it, in one conversation."""

    async def run() -> list[Any]:
        processor = agent.processor
        assert processor is not None
        tracker = DialogueStateTracker.from_events(
            "graph",
            [ActionExecuted("action_session_start"), SessionStarted()],
            agent.domain.slots,
        )
        tracker.update(ActionExecuted("action_listen"))
        answers: list[Any] = []
        for text in MESSAGES:
            parsed = await processor.parse_message(UserMessage(text))
            tracker.update(UserUttered(text, parsed["intent"], parsed["entities"], parsed))
            prediction = processor._predict_next_with_tracker(tracker)
            action = agent.domain.action_names_or_texts[prediction.max_confidence_index]
            answers.append((parsed, action, prediction.policy_name, prediction.probabilities))
            tracker.update(ActionExecuted(action))
            tracker.update(ActionExecuted("action_listen"))
        return answers

    return asyncio.run(run())


@pytest.mark.e2e
def test_runs_without_dask_give_rasas_parses_and_predictions(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for owner, name, _ in rasa_runtime.REPLACED:  # restored when the test ends
        monkeypatch.setattr(owner, name, getattr(owner, name))
    rasa_runtime.install("all")
    assert DaskGraphRunner.run is graph_runner._run_graph
    agent = Agent.load(str(ensure_model()))
    ours = _answers(agent)
    monkeypatch.setattr(DaskGraphRunner, "run", graph_runner.RASA_GRAPH_RUN)
    theirs = _answers(agent)
    assert [a[1] for a in ours] == [a[1] for a in theirs]
    assert ours == theirs
    assert {a[1] for a in ours} - {"action_listen"}  # the conversation did something

    # an input named like a node is refused by both, before anything runs
    runner = agent.processor.graph_runner if agent.processor else None
    assert isinstance(runner, DaskGraphRunner)
    target = next(iter(runner._graph_schema.nodes))
    for run in (graph_runner._run_graph, graph_runner.RASA_GRAPH_RUN):
        with pytest.raises(GraphRunError, match="clashes"):
            run(runner, inputs={"__message__": target}, targets=[target])
