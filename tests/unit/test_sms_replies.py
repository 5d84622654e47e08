"""Every reply the bot can send, in the form an SMS sender gets it, fits one SMS with the signature.

Rendered the way the SMS channel renders them (`Catalogue`, the `sms` variants Rasa picks, buttons
as numbered lines), with each city's own policy and signature and realistic long values: every
response of the domain, every FAQ answer (the SMS form the FAQ action sends on SMS), and the texts
actions build themselves (the hand-off's). One over 70 characters fails, naming it and its length.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from rasa.core.nlg.interpolator import interpolate_text
from test_sms_templates import REALISTIC, RESPONSES

from bot.channels.sms.config import TemplateIds
from bot.channels.sms.templates import SINGLE_SMS, Catalogue, sms_length, sms_variants
from bot.contract import ALL_FAQ_KEYS
from bot.handoff import messages as handoff_messages
from bot.policy import available_policies, load_policy
from bot.policy.faq_sms import sms_faq_answer, sms_topic_answer
from bot.policy.knowledge import load_knowledge

_TZ = ZoneInfo("Asia/Shanghai")
_DUE = datetime(2026, 12, 28, 10, 0, tzinfo=_TZ)


def _replies(policy_name: str) -> list[tuple[str, dict[str, Any]]]:
    """(what, bot message) for every reply, as the SMS output channel receives them."""
    policy = load_policy(policy_name)
    replies: list[tuple[str, dict[str, Any]]] = []
    for name, variants in RESPONSES.items():
        for variant in sms_variants(variants):
            text = interpolate_text(str(variant["text"]), REALISTIC)
            message = {"text": text, "buttons": variant.get("buttons"), "utter_action": name}
            replies.append((name, message))
    for key in ALL_FAQ_KEYS:
        replies.append((f"faq/{key}", {"text": sms_faq_answer(policy, key)}))
    knowledge = load_knowledge(policy)
    for key in knowledge.topics:  # every self-help topic, in the form the SMS channel sends
        text = sms_topic_answer(policy, key, knowledge.answer(key))
        replies.append((f"topic/{key}", {"text": text}))
    pickup = policy.handoff.pickup_minutes
    built = {
        "handoff.queued": handoff_messages.queued(20, 120, pickup),
        "handoff.picked": handoff_messages.picked("欧阳晓明"),
        "handoff.transferred": handoff_messages.transferred("欧阳晓明"),
        "handoff.closed": handoff_messages.closed(),
        "handoff.timed_out": handoff_messages.timed_out("RG202611270003", _DUE),
    }
    replies += [(what, {"text": text}) for what, text in built.items()]
    return replies


@pytest.mark.parametrize("policy_name", available_policies())
def test_every_reply_fits_one_sms_with_the_signature(policy_name: str) -> None:
    signature = f"【{load_policy(policy_name).company.sms_signature}】"
    catalogue = Catalogue(RESPONSES, TemplateIds("SMS_GENERIC", {}), signature)
    too_long = []
    for what, message in _replies(policy_name):
        [sms] = catalogue.reply([message])[0]
        length = sms_length(sms.text, signature)
        if length > SINGLE_SMS:
            too_long.append(f"{what}: {length} characters: {signature}{sms.text}")
    assert not too_long, "\n".join(too_long)


def test_every_faq_key_has_an_sms_form_and_it_says_something() -> None:
    for policy_name in available_policies():
        policy = load_policy(policy_name)
        for key in ALL_FAQ_KEYS:
            assert len(sms_faq_answer(policy, key)) >= 15, (policy_name, key)


def test_the_check_sees_a_long_reply() -> None:
    """The length check is real: a reply of 65 characters plus the signature fails it."""
    signature = "【示例热力】"
    catalogue = Catalogue({}, TemplateIds("SMS_GENERIC", {}), signature)
    [sms] = catalogue.reply([{"text": "长" * 65}])[0]
    assert sms_length(sms.text, signature) == 71 > SINGLE_SMS


def test_a_topic_without_an_sms_form_keeps_whole_sentences_and_points_to_the_hotline() -> None:
    policy = load_policy("beijing")
    answer = (
        "放气前先关进水阀。用放气钥匙慢慢拧开放气阀，出水后拧紧。"
        "小心热水烫伤，家里有老人孩子请注意。"
    )
    text = sms_topic_answer(policy, "radiator_bleeding_demo", answer)
    assert text.startswith("放气前先关进水阀。")
    assert text.endswith(f"详询{policy.company.hotline}。")
    assert "…" not in text  # whole sentences only
    assert len(text) + len(policy.company.sms_signature) + 2 <= 70
