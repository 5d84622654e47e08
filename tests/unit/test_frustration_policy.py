"""The same request a third time goes to a person, whatever its intent, inside forms too."""

from __future__ import annotations

from pathlib import Path

import pytest
from rasa.core.constants import RULE_POLICY_PRIORITY
from rasa.core.policies.ensemble import DefaultPolicyPredictionEnsemble
from rasa.core.policies.policy import PolicyPrediction
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActiveLoop, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.handoff.policy import HANDOFF_ACTION, FrustrationPolicy, frustration_turn
from bot.handoff.triggers import UserTurn, frustration, hand_over_now

ROOT = Path(__file__).resolve().parents[2]
ANGRY = "你们电话一直打不通，暖气也不热，什么破公司"


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(ROOT / "domain.yml"))


def _user(text: str, intent: str, emergency: bool = False) -> UserUttered:
    parse_data = {"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": []}
    if emergency:
        parse_data["emergency"] = {"kind": "water", "evidence": "水"}
    return UserUttered(text, parse_data["intent"], [], parse_data)


def _answered(text: str, intent: str) -> list[object]:
    """A user message, the bot's answer to it, and the listen after."""
    return [
        _user(text, intent),
        ActionExecuted("action_answer_faq"),
        BotUttered("热线…"),
        ActionExecuted(ACTION_LISTEN_NAME),
    ]


def _tracker(domain: Domain, *events: object) -> DialogueStateTracker:
    return DialogueStateTracker.from_events(
        "t", [ActionExecuted(ACTION_LISTEN_NAME), *events], domain.slots
    )


def _policy(tmp_path: Path) -> FrustrationPolicy:
    return FrustrationPolicy.create(
        FrustrationPolicy.get_default_config(),
        LocalModelStorage(tmp_path),
        Resource("frustration_policy"),
        ExecutionContext(GraphSchema({}), "test"),
    )


def test_the_third_same_request_hands_over_once() -> None:
    turns = [UserTurn("faq", ANGRY)] * 3
    assert hand_over_now(turns) and frustration(turns) == "angry_words"
    assert not hand_over_now(turns[:2])
    # a fourth time is the same run, already handed over
    assert not hand_over_now(turns * 2)
    assert hand_over_now([UserTurn("report_repair", "暖气不热")] * 3)


def test_the_same_question_reworded_counts_as_asked_again() -> None:
    asked = UserTurn("faq", "为什么我家暖气费比邻居贵那么多")
    reworded = UserTurn("faq", "我问的是为什么我家比邻居贵！")
    # newest first, as the resident sent them: asked, reworded, asked again
    assert hand_over_now([asked, reworded, asked])
    assert frustration([asked, reworded, asked]) == "repeated"


def test_different_questions_on_one_topic_are_not_the_same_question() -> None:
    turns = [
        UserTurn("faq", "暖气费什么时候交"),
        UserTurn("faq", "暖气费多少钱"),
        UserTurn("faq", "暖气费怎么交"),
    ]
    assert not hand_over_now(turns)
    short = [UserTurn("faq", "在吗"), UserTurn("faq", "在不在"), UserTurn("faq", "在吗？")]
    assert not hand_over_now(short)


@pytest.mark.parametrize(
    "turn",
    [
        UserTurn("affirm", "好的"),
        UserTurn("inform", "阳光花园5号楼"),
        UserTurn("deny", "不用"),
        UserTurn("report_repair", "/report_repair"),
    ],
)
def test_answers_and_buttons_said_again_are_no_frustration(turn: UserTurn) -> None:
    assert not hand_over_now([turn] * 3)
    assert frustration([turn] * 3) is None


def test_a_repeated_request_runs_the_hand_off_then_listens(domain: Domain) -> None:
    events = [*_answered(ANGRY, "faq"), *_answered(ANGRY, "faq"), _user(ANGRY, "faq")]
    assert frustration_turn(_tracker(domain, *events[:-1])) is None
    assert frustration_turn(_tracker(domain, *events)) == HANDOFF_ACTION
    done = _tracker(domain, *events, ActionExecuted(HANDOFF_ACTION))
    assert frustration_turn(done) == ACTION_LISTEN_NAME
    # an emergency is the safety net's, however often it is said
    marked = [*events[:-1], _user(ANGRY, "faq", emergency=True)]
    assert frustration_turn(_tracker(domain, *marked)) is None


def test_inside_a_form_the_hand_off_outranks_the_forms_question(
    domain: Domain, tmp_path: Path
) -> None:
    said = "暖气不热你们管不管"
    tracker = _tracker(
        domain,
        *_answered(said, "report_repair"),
        ActiveLoop("repair_form"),
        SlotSet("requested_slot", "address"),
        ActionExecuted(ACTION_LISTEN_NAME),
        _user(said, "report_repair"),
        ActionExecuted("repair_form"),
        ActionExecuted(ACTION_LISTEN_NAME),
        _user(said, "report_repair"),
    )
    ours = _policy(tmp_path).predict_action_probabilities(tracker, domain)
    assert ours.is_no_user_prediction and ours.policy_priority > RULE_POLICY_PRIORITY
    form = [0.0] * domain.num_actions
    form[domain.index_for_action("repair_form")] = 1.0
    rules = PolicyPrediction(form, "RulePolicy", RULE_POLICY_PRIORITY, is_no_user_prediction=True)
    best = DefaultPolicyPredictionEnsemble().combine_predictions([rules, ours], tracker, domain)
    assert domain.action_names_or_texts[best.max_confidence_index] == HANDOFF_ACTION


def test_otherwise_the_policy_says_nothing(domain: Domain, tmp_path: Path) -> None:
    tracker = _tracker(domain, _user("查一下我家暖气费", "query_fee"))
    ours = _policy(tmp_path).predict_action_probabilities(tracker, domain)
    assert ours.max_confidence == 0.0 and not ours.is_no_user_prediction
    assert _policy(tmp_path).train([], domain) == _policy(tmp_path)._resource
