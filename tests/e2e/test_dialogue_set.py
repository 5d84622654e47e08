"""CI gate for whole conversations (issue 16): the independent set played against the real stack.

The conversations of tests/dialogue/conversations (residents' personas, written without
seeing data/) are played once over REST against the session's stack, each as a fresh sender,
and judged in its ticket store and replies (`bot.evaluation.dialogue`). The reports go to
results/dialogue.{md,json} (git-ignored) so CI keeps every failed transcript as an artefact; the
figures are printed. `python -m bot dialogue` is the same run outside pytest.

`make test` plays the set twice: with the Rasa patches (bot/rasa_runtime/) and again with
`HEATING_RASA_PATCHES=none` (stock Rasa). The second run writes results/stock/ and must reach the
same responses in every turn of every conversation: the patches may change speed, never answers.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.evaluation.dialogue import load_conversations
from bot.evaluation.dialogue_report import (
    DialogueResult,
    diverging_turns,
    render_text,
    to_json,
    verdict_lines,
    write_reports,
)
from bot.evaluation.dialogue_run import (
    DEFAULT_CLOCK_AT,
    DEFAULT_FILES,
    DEFAULT_OUT,
    RestClient,
    clock_start,
    evaluate,
)
from bot.launcher import demo_stack, start, stop
from bot.modelcache import ensure_model
from bot.rasa_runtime import SWITCH_ENV

from .conftest import Stack

pytestmark = pytest.mark.e2e

#: The goal rate the set must reach: just under the figure measured when the gate was set
#: (docs/dialogue.md). It must only go up: raise it as the dialogue improves, never lower it to
#: let a change through (the issue's target is 0.95). 0.89: main measured 90.7 % once the third
#: round (94.9 % on its own branch) was merged with the red-team fixes and the knowledge base's
#: new questions (docs/dialogue.md, "Third round"). 0.92: 94.0 % after the fourth round (the
#: fresh set as development set), no conversation newly failing. 0.93: 94.7 % (214/226, the
#: lead's findings added) after the rounds on the lead's findings and the winter sets, on the
#: pinned clock. 0.94: 95.1 % (235/247) once the forms findings (17) and lf-012…lf-015 joined
#: the set on 2026-12-06 evening. 0.95: 95.5 % (279/292) once the player-3 classes (34) joined
#: the set on 2026-12-07. 0.96: 96.7 % (347/359) once the player-4 classes and the hail t
#: development set's fixes (67 conversations) joined the set on 2026-12-07, sixth evening.
GOAL_RATE_FLOOR = 0.96

#: Stock Rasa (no speed-ups) reports beside the patched run's, so the two can be compared.
STOCK = os.environ.get(SWITCH_ENV, "").strip().lower() == "none"
OUT = DEFAULT_OUT / "stock" if STOCK else DEFAULT_OUT


@pytest.fixture(scope="module")
def pinned_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """A stack of its own whose clock starts at `DEFAULT_CLOCK_AT` (a Monday morning): the
    set's 今天下午 and 今晚 are ahead whenever CI runs, so the floor and the stock-Rasa
    comparison judge the dialogue, not the hour (a run after 18:00 refused 今天下午 in three
    conversations)."""
    model = Path(os.environ["HEATING_MODEL"]) if os.environ.get("HEATING_MODEL") else ensure_model()
    token = "e2e-dialogue-token"
    demo = demo_stack(
        model,
        tmp_path_factory.mktemp("dialogue-stack"),
        auth_token=token,
        clock_at=clock_start(DEFAULT_CLOCK_AT),
    )
    try:
        start(demo.services, demo.env, timeout=300)
        yield Stack(demo.rasa_url, demo.database_url, token, demo.console_url)
    finally:
        stop(demo.services)


@pytest.fixture(scope="module")
def result(pinned_stack: Stack) -> DialogueResult:
    """One run of the whole set, reports written, figures printed."""
    conversations = load_conversations([DEFAULT_FILES])
    stack = pinned_stack
    client = RestClient(stack.rasa_url, stack.token, stack.database_url)
    played = evaluate(
        conversations,
        client,
        files=["tests/dialogue/conversations"],
        gate=GOAL_RATE_FLOOR,
    )
    write_reports(played, OUT, "pytest tests/e2e/test_dialogue_set.py")
    print(render_text(played))
    return played


def test_every_conversation_was_played(result: DialogueResult) -> None:
    broken = [v.conversation.id for v in result.verdicts if v.transcript.error]
    assert not broken, f"the stack failed during {broken}"
    assert all(v.turns for v in result.verdicts)


def test_the_goal_rate_holds_the_floor(result: DialogueResult) -> None:
    rate = result.summary.overall.goal_rate
    assert rate >= GOAL_RATE_FLOOR, (
        f"goal rate {rate:.1%} below the floor {GOAL_RATE_FLOOR:.0%}; failed conversations "
        f"(transcripts in {OUT / 'dialogue.md'}):\n"
        + "\n".join(verdict_lines(result.verdicts))
    )


def stock_rasa_answers_turn_by_turn_alike(result: DialogueResult) -> None:
    """The stock run answers every turn of every conversation with the responses the patched
    run of the same `make test` chose, so it also ends every conversation alike."""
    patched_report = DEFAULT_OUT / "dialogue.json"
    assert patched_report.exists(), (
        f"run the patched set first (make test does): {patched_report} is missing"
    )
    patched = json.loads(patched_report.read_text(encoding="utf-8"))
    differ = diverging_turns(patched, to_json(result))
    assert not differ, (
        "the Rasa patches change answers: these conversations go differently with "
        f"{SWITCH_ENV}=none (patched {DEFAULT_OUT / 'dialogue.md'}, stock {OUT / 'dialogue.md'}):\n"
        + "\n".join(differ)
    )


if STOCK:  # collected only in the stock pass, so the patched pass shows no skipped test
    test_stock_rasa_answers_turn_by_turn_alike = stock_rasa_answers_turn_by_turn_alike
