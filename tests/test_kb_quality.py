"""CI gate for knowledge-base retrieval: top-1 on the independent paraphrase sets.

The sets (tests/nlu/kb_paraphrases_dev.yml, tests/nlu/kb_paraphrases_heldout.yml) were written by
someone who saw only docs/kb-topics.md. Each is scored once per session by `python -m bot kb-eval`'s
own function on the model `ensure_model()` returns (or `HEATING_MODEL`), exactly as the bot judges
a message (`bot.services.topics`). The gates sit a little under the figures measured when the
knowledge base was built (docs/knowledge-base.md), so run-to-run noise passes and a regression of
the topics, the thresholds or the NLU data fails the build.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.config import PROJECT_ROOT
from bot.evaluation.kb import KbRun, evaluate_set

pytestmark = pytest.mark.e2e

SETS = PROJECT_ROOT / "tests" / "nlu"
#: set → lowest top-1 share that passes, two to three points under the measured 90.3 % (dev)
#: and 82.8 % (held-out, scored once); docs/knowledge-base.md.
GATES = {"kb_paraphrases_dev": 0.88, "kb_paraphrases_heldout": 0.80}
#: Questions that coincide with training data are left out of the figure; more than this share
#: would mean the set is being learned, not measured.
MAX_OVERLAP_SHARE = 0.15


@pytest.fixture(scope="module", params=sorted(GATES))
def run(request: pytest.FixtureRequest) -> KbRun:
    model = Path(os.environ["HEATING_MODEL"]) if os.environ.get("HEATING_MODEL") else None
    return evaluate_set(SETS / f"{request.param}.yml", model)


def test_top1_holds_the_gate(run: KbRun) -> None:
    top1 = run.score.share(run.score.top1)
    misses = "\n".join(
        f"  [{j.question.topic}] {j.question.text} → {j.intent} {j.ranking[:1]}"
        for j in run.score.errors
    )
    assert top1 >= GATES[run.name], f"{run.name} top-1 {top1:.1%}:\n{misses}"


def test_few_questions_coincide_with_training_data(run: KbRun) -> None:
    assert len(run.overlaps) <= MAX_OVERLAP_SHARE * len(run.judged), run.overlaps
