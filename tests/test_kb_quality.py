"""CI gate for knowledge-base retrieval: top-1 on the independent paraphrase sets.

The sets (tests/nlu/kb_paraphrases_*.yml) were written by people who saw only docs/kb-topics.md;
the third was never read by anyone writing training data. Each is scored once per session by
`python -m bot kb-eval`'s own function on the model `ensure_model()` returns (or `HEATING_MODEL`),
exactly as the bot judges a message (`bot.services.topics`). The gates sit a little under the
figures measured (docs/knowledge-base.md), so run-to-run noise passes and a regression of the
topics, the thresholds or the NLU data fails the build.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
import yaml

from actions.knowledge import TASK_MESSAGES
from bot.config import PROJECT_ROOT
from bot.evaluation.kb import KbRun, evaluate_set, parse_all
from bot.modelcache import ensure_model
from bot.policy.knowledge import FACETS, read_knowledge
from bot.policy.loader import available_policies, load_policy
from bot.services.topics import choice_for_parse, reaches_knowledge_base

pytestmark = pytest.mark.e2e

SETS = PROJECT_ROOT / "tests" / "nlu"
#: set → lowest top-1 share that passes, a little under the measured figure
#: (docs/knowledge-base.md, "Routing" and "Fifth round"): third 95.0 %, fourth 91.8 %, fifth
#: 91.2 %, held-out 96.0 %, dev 99.2 %; all five have been read while the rules were written, so
#: they guard against a fall, they do not measure new wording.
GATES = {
    "kb_paraphrases_third": 0.94,
    # a fifth writer (2026-12-06), scored unread at 87.6 %, then the development set of the fifth
    # round (questions about a situation in question form reach the knowledge base)
    "kb_paraphrases_fifth": 0.90,
    # a fourth writer (2026-12-06), never read: 89.0 % on the session's first commit, 88.6 % at
    # its end (the dialogue rounds send a few more questions naming a fault to the repair form);
    # 91.8 % once questions about a situation stopped being taken for tasks (issue 17, routing)
    "kb_paraphrases_fourth": 0.90,
    "kb_paraphrases_dev": 0.97,
    "kb_paraphrases_heldout": 0.94,
}
#: Questions that coincide with training data are left out of the figure; more than this share
#: would mean the set is being learned, not measured.
MAX_OVERLAP_SHARE = 0.15
#: When the bot is unsure it offers the closest topics as buttons; at most this share of a set's
#: questions may get buttons without the right topic among them (0 measured on every set).
MAX_OFFERS_WITHOUT_GOLD_SHARE = 0.02
REQUESTS = PROJECT_ROOT / "tests" / "kb_boundary_requests.yml"
#: A “quoted” text in an answer: a message to send the bot, or a menu's name.
QUOTED = re.compile("“([^”]+)”")
#: What each message the answers tell residents to send must reach: a task, or (faq/<key>) a
#: topic answered outright. A new quoted message needs a line here.
NEXT_STEPS = {
    "我要报修": "report_repair",
    "申请测温": "request_temp_check",
    "我要报停": "apply_stop_heating",
    "我要投诉": "file_complaint",
    "转人工": "request_human",
    "查暖气费": "query_fee",
    "查热表读数": "query_meter",
    "绑定户号": "bind_account",
    "营业厅在哪": "query_service_hall",
    "小区停暖了吗": "query_outage",
    "热计量怎么收费": "faq/heat_metering",
    "交重了怎么退": "faq/duplicate_payment",
    "不达标怎么退费": "faq/refund",
}
#: Quoted texts that are not messages to the bot.
NOT_MESSAGES = {"我的账单"}  # the Official Account's menu


def _model() -> Path:
    return Path(os.environ["HEATING_MODEL"]) if os.environ.get("HEATING_MODEL") else ensure_model()


@pytest.fixture(scope="module", params=sorted(GATES))
def run(request: pytest.FixtureRequest) -> KbRun:
    return evaluate_set(SETS / f"{request.param}.yml", _model())


def test_top1_holds_the_gate(run: KbRun) -> None:
    top1 = run.score.share(run.score.top1)
    misses = "\n".join(
        f"  [{j.question.topic}] {j.question.text} → {j.intent} {j.ranking[:1]}"
        for j in run.score.errors
    )
    assert top1 >= GATES[run.name], f"{run.name} top-1 {top1:.1%}:\n{misses}"


def test_few_questions_coincide_with_training_data(run: KbRun) -> None:
    assert len(run.overlaps) <= MAX_OVERLAP_SHARE * len(run.judged), run.overlaps


def test_unsure_answers_offer_the_right_topic(run: KbRun) -> None:
    wrong = [
        f"  [{j.question.topic}] {j.question.text} → {j.offer}"
        for j in run.score.errors
        if j.offer and j.question.topic not in j.offer
    ]
    assert run.score.offered_without_gold <= MAX_OFFERS_WITHOUT_GOLD_SHARE * run.score.total, wrong


def test_real_requests_keep_their_task() -> None:
    requests = yaml.safe_load(REQUESTS.read_text(encoding="utf-8"))["requests"]
    texts = [text for messages in requests.values() for text in messages]
    answered = [
        f"{text} → {parse['intent']['name']} {parse['intent']['confidence']:.2f}"
        for text, parse in zip(texts, parse_all(_model(), texts), strict=True)
        if reaches_knowledge_base(parse)
    ]
    assert not answered, "real requests answered from the knowledge base:\n" + "\n".join(answered)


def test_every_next_step_an_answer_names_leads_there() -> None:
    """The messages the answers and the follow-ups' lines tell residents to send reach what they
    promise (“我要报修” once reached a complaint), and so does each task's offer."""
    quoted = {
        message
        for name in available_policies()
        for kb in [read_knowledge(load_policy(name))]
        for key in kb.topics
        for text in [kb.answer(key), *(kb.follow_up(key, facet) for facet in FACETS)]
        for message in QUOTED.findall(text)
    } - NOT_MESSAGES
    # the task offered after a question taken from it (actions.knowledge.task_offer)
    assert {task: NEXT_STEPS.get(message) for task, message in TASK_MESSAGES.items()} == {
        task: task for task in TASK_MESSAGES
    }
    assert quoted <= set(NEXT_STEPS), (
        f"quoted messages without an expected intent: {quoted - set(NEXT_STEPS)}"
    )
    retrieval = read_knowledge(load_policy()).retrieval
    texts = sorted(quoted)
    reached = {
        text: (
            f"faq/{choice_for_parse(parse, retrieval).answer}"
            if reaches_knowledge_base(parse)
            else parse["intent"]["name"]
        )
        for text, parse in zip(texts, parse_all(_model(), texts), strict=True)
    }
    assert reached == {text: NEXT_STEPS[text] for text in texts}
