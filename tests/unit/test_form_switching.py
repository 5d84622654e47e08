"""Starting another request inside a form switches to it (issue 16: trapped in forms).

Rasa runs the active form on every message first; the switch rules of
data/stories/form_interruptions.yml only apply when the form rejects the message, that is when no
slot mapping took it. A free-text mapping that took 我要投诉你们维修的 as the address made the form
answer "没能识别出地址" and ask again, and the resident never got to complain.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

from gen_form_rules import FORMS  # noqa: E402

DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))


#: Slots whose answer is the resident's own account: a complaint's words may sound like a repair.
ACCOUNT_OF_THE_REQUEST = {"complaint_category", "complaint_text"}


def _free_text_mappings() -> list[tuple[str, str, set[str]]]:
    """(slot, form, excluded intents) for every free-text mapping of a form's slot."""
    found = []
    for slot, spec in DOMAIN["slots"].items():
        for mapping in spec.get("mappings") or []:
            if mapping.get("type") != "from_text":
                continue
            if slot in ACCOUNT_OF_THE_REQUEST:
                continue
            for condition in mapping.get("conditions") or []:
                found.append((slot, condition["active_loop"], set(mapping.get("not_intent") or [])))
    return found


@pytest.mark.parametrize(("slot", "form", "excluded"), _free_text_mappings())
def test_a_request_for_another_form_is_never_taken_as_a_detail(
    slot: str, form: str, excluded: set[str]
) -> None:
    others = {intent for other, starters in FORMS.items() if other != form for intent in starters}
    assert others <= excluded, f"{form}.{slot} takes {sorted(others - excluded)} as free text"
