"""`python -m bot kb-eval`: reading paraphrase sets in their layouts, and counting the figures."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.evaluation.kb import Question, SetError, judge, load_questions, score
from bot.nlu.linear import response_selector_output
from bot.policy.knowledge import Retrieval

RETRIEVAL = Retrieval(answer_confidence=0.5, offer=3, offer_confidence=0.05)


@pytest.mark.parametrize(
    "body",
    [
        "questions:\n  - {topic: invoice, text: 发票咋开}\n  - {topic: hotline, text: 电话多少}\n",
        "invoice: [发票咋开]\nhotline: [电话多少]\n",
        'version: "3.1"\nnlu:\n- intent: faq/invoice\n  examples: |\n    - 发票咋开\n'
        "- intent: faq/hotline\n  examples: |\n    - 电话多少\n",
    ],
)
def test_every_layout_gives_the_same_questions(tmp_path: Path, body: str) -> None:
    path = tmp_path / "set.yml"
    path.write_text(body, encoding="utf-8")
    assert sorted(load_questions(path), key=lambda q: q.topic) == [
        Question("电话多少", "hotline"),
        Question("发票咋开", "invoice"),
    ]


def test_a_malformed_set_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "set.yml"
    path.write_text("questions:\n  - {text: 没有主题}\n", encoding="utf-8")
    with pytest.raises(SetError, match="topic"):
        load_questions(path)


def _parse(intent: str, keys: list[tuple[str, float]]) -> dict[str, Any]:
    return {
        "intent": {"name": intent},
        "intent_ranking": [{"name": intent}],
        "response_selector": response_selector_output(
            "faq", [(f"faq/{k}", p) for k, p in keys], {}
        ),
    }


def test_the_figures_count_what_the_bot_would_do() -> None:
    judged = [
        judge(Question("a", "invoice"), _parse("faq", [("invoice", 0.9)]), RETRIEVAL),
        judge(
            Question("b", "invoice"), _parse("faq", [("hotline", 0.8), ("invoice", 0.1)]), RETRIEVAL
        ),
        judge(
            Question("c", "hotline"), _parse("faq", [("hotline", 0.4), ("invoice", 0.3)]), RETRIEVAL
        ),
        judge(Question("d", "hotline"), _parse("request_human", [("hotline", 0.9)]), RETRIEVAL),
    ]
    result = score(judged)
    assert (result.total, result.top1, result.top3) == (4, 2, 3)
    assert (result.answered_right, result.answered_wrong, result.offered) == (1, 1, 1)
    assert result.missed_intents == {"request_human": 1}  # a task intent is never a KB hit
    assert result.per_topic == {"invoice": [1, 2], "hotline": [1, 2]}
    assert [j.question.text for j in result.errors] == ["b", "d"]
