"""The safety net inside Rasa: the NLU marker and the policy that outranks rules and forms."""

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
from rasa.shared.core.events import ActionExecuted, ActiveLoop, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.safety_net import (
    EMERGENCY_ACTION,
    FOLLOW_UP_ACTION,
    EmergencyMarker,
    EmergencyPolicy,
    emergency_turn,
)

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(ROOT / "domain.yml"))


def _parsed(text: str, intent: str) -> Message:
    message = Message(data={"text": text})
    message.set("intent", {"name": intent, "confidence": 0.91}, add_to_output=True)
    message.set("entities", [], add_to_output=True)
    return message


def _user(text: str, intent: str) -> UserUttered:
    (message,) = EmergencyMarker().process([_parsed(text, intent)])
    parse_data = message.as_dict(only_output_properties=True)
    return UserUttered(text, parse_data["intent"], [], parse_data)


def _tracker(domain: Domain, *events: object) -> DialogueStateTracker:
    return DialogueStateTracker.from_events(
        "t", [ActionExecuted(ACTION_LISTEN_NAME), *events], domain.slots
    )


def _policy(tmp_path: Path) -> EmergencyPolicy:
    return EmergencyPolicy.create(
        EmergencyPolicy.get_default_config(),
        LocalModelStorage(tmp_path),
        Resource("emergency_policy"),
        ExecutionContext(GraphSchema({}), "test"),
    )


def test_the_marker_adds_the_emergency_and_leaves_intent_and_entities() -> None:
    message = _parsed("楼道里全是热水，暖气管爆了", "out_of_scope")
    EmergencyMarker().process([message])
    output = message.as_dict(only_output_properties=True)
    assert output["emergency"]["kind"] == "water"
    assert output["intent"]["name"] == "out_of_scope" and output["entities"] == []


@pytest.mark.parametrize("text", ["暖气不热", '/inform{"fault_type":"leak"}', ""])
def test_the_marker_leaves_other_messages_untouched(text: str) -> None:
    message = _parsed(text, "report_repair")
    EmergencyMarker().process([message])
    assert "emergency" not in message.as_dict(only_output_properties=True)


def test_a_marked_message_runs_the_emergency_action_then_listens(domain: Domain) -> None:
    marked = _user("有股煤气味", "out_of_scope")
    assert emergency_turn(_tracker(domain, marked)) == EMERGENCY_ACTION
    # slot extraction after the message is not an answer to it
    assert emergency_turn(_tracker(domain, marked, SlotSet("phone", None))) == EMERGENCY_ACTION
    done = _tracker(domain, marked, ActionExecuted(EMERGENCY_ACTION))
    assert emergency_turn(done) == ACTION_LISTEN_NAME
    # the repair form it asked for has run: the other policies go on from there
    form = _tracker(domain, marked, ActionExecuted(EMERGENCY_ACTION), ActionExecuted("repair_form"))
    assert emergency_turn(form) is None
    assert emergency_turn(_tracker(domain, _user("暖气不热", "report_repair"))) is None


def test_a_valve_that_will_not_close_during_an_open_leak_runs_the_emergency_action(
    domain: Domain,
) -> None:
    """阀门关不上啊，怎么办 alone is a stiff valve (no water named); after this conversation's own
    urgent leak it is that leak going on: the number again, not the address question again."""
    stuck = _user("阀门关不上啊，怎么办", "faq")
    assert emergency_turn(_tracker(domain, stuck)) is None
    open_leak = SlotSet("urgent_ticket_no", "BX202612070001")
    assert emergency_turn(_tracker(domain, open_leak, stuck)) == EMERGENCY_ACTION
    # too hot is why a valve is wanted shut, even then
    too_hot = _user("屋里太热了 阀门关不上", "report_repair")
    assert emergency_turn(_tracker(domain, open_leak, too_hot)) is None


def test_inside_a_form_the_policy_outranks_the_forms_own_prediction(
    domain: Domain, tmp_path: Path
) -> None:
    tracker = _tracker(
        domain,
        ActiveLoop("repair_form"),
        SlotSet("requested_slot", "address"),
        ActionExecuted(ACTION_LISTEN_NAME),
        _user("阀门关不上，水一直往外冒", "inform"),
    )
    ours = _policy(tmp_path).predict_action_probabilities(tracker, domain)
    assert ours.is_no_user_prediction and ours.max_confidence == 1.0
    assert ours.policy_priority > RULE_POLICY_PRIORITY
    # what RulePolicy says while a form is active: run the form (a "no user" prediction)
    form = [0.0] * domain.num_actions
    form[domain.index_for_action("repair_form")] = 1.0
    rules = PolicyPrediction(form, "RulePolicy", RULE_POLICY_PRIORITY, is_no_user_prediction=True)
    best = DefaultPolicyPredictionEnsemble().combine_predictions([rules, ours], tracker, domain)
    assert domain.action_names_or_texts[best.max_confidence_index] == EMERGENCY_ACTION


def test_without_an_emergency_the_policy_says_nothing(domain: Domain, tmp_path: Path) -> None:
    tracker = _tracker(domain, _user("查一下我家暖气费", "query_fee"))
    ours = _policy(tmp_path).predict_action_probabilities(tracker, domain)
    assert ours.max_confidence == 0.0 and not ours.is_no_user_prediction


def test_the_policy_needs_no_training(domain: Domain, tmp_path: Path) -> None:
    policy = _policy(tmp_path)
    assert policy.train([], domain) == policy._resource


def test_a_question_about_the_emergency_just_answered_gets_its_answer(domain: Domain) -> None:
    """Found playing (class G): from the stairwell after a gas smell, 燃气那个电话多少 再说一遍 got
    "I only handle heating"; a neighbour's 进不去 是打110还是120 got a complaint form."""
    gas = _user("屋里有股煤气味 是不是暖气的问题", "faq")
    answered = (gas, ActionExecuted(EMERGENCY_ACTION), ActionExecuted(ACTION_LISTEN_NAME))
    again = _user("我已经到楼下了 燃气那个电话多少 再说一遍", "out_of_scope")
    assert emergency_turn(_tracker(domain, *answered, again)) == FOLLOW_UP_ACTION
    after = _tracker(domain, *answered, again, ActionExecuted(FOLLOW_UP_ACTION))
    assert emergency_turn(after) == ACTION_LISTEN_NAME
    # with the details the form waits for, the form takes the message (and answers the question)
    details = _user("阀门在哪 找不着 翠湖苑6号楼3单元901 电话15566667777", "inform")
    assert emergency_turn(_tracker(domain, *answered, details)) is None
    # without an emergency just answered, the same words are an ordinary question
    assert emergency_turn(_tracker(domain, _user("燃气公司电话多少", "out_of_scope"))) is None
    # nor three messages later
    later = [_user(text, "inform") for text in ("好的", "谢谢", "嗯")]
    spaced = [x for u in later for x in (u, ActionExecuted(ACTION_LISTEN_NAME))]
    assert emergency_turn(_tracker(domain, *answered, *spaced, again)) is None


def test_a_valve_question_long_after_a_leak_gets_its_answer(domain: Domain) -> None:
    """hat-011: 总阀在哪关啊 我找不到, four messages after the leak (an address, its correction, a
    phone), fell out of the three-message window and got knowledge-base buttons."""
    leak = _user("救命暖气片漏水了！！！哗哗的流 地上全是水", "report_repair")
    answered = (leak, ActionExecuted(EMERGENCY_ACTION), ActionExecuted(ACTION_LISTEN_NAME))
    later = [_user(text, "inform") for text in ("阳光花园3号楼2单元402", "不对是13号楼", "好")]
    spaced = [x for u in later for x in (u, ActionExecuted(ACTION_LISTEN_NAME))]
    valve = _user("总阀在哪关啊 我找不到", "faq")
    assert emergency_turn(_tracker(domain, *answered, *spaced, valve)) == FOLLOW_UP_ACTION
    # after a gas smell, the heating's valves are an ordinary question that late
    gas = _user("屋里有股煤气味 是不是暖气的问题", "faq")
    smelt = (gas, ActionExecuted(EMERGENCY_ACTION), ActionExecuted(ACTION_LISTEN_NAME))
    assert emergency_turn(_tracker(domain, *smelt, *spaced, valve)) is None
