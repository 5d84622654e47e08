"""`FormAnswerPolicy`: a message that answers the form's question goes to the form, above the
rules that would take it for thanks, a goodbye, a question or another request."""

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

from bot.nlu.form_answer_policy import HANDOFF_ACTION, FormAnswerPolicy, form_answer_turn

ROOT = Path(__file__).resolve().parents[2]
READ_BACK = (
    "提交前跟您核对一下：\n· 问题：暖气不热\n· 地址：阳光花园9号楼1单元503\n· 联系电话：137****9864"
)


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(ROOT / "domain.yml"))


def _user(text: str, intent: str, emergency: bool = False) -> UserUttered:
    parse_data = {"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": []}
    if emergency:
        parse_data["emergency"] = {"kind": "water", "evidence": "水"}
    return UserUttered(text, parse_data["intent"], [], parse_data)


def _in_form(
    domain: Domain, form: str, question: str, *events: object, **slots: str
) -> DialogueStateTracker:
    """A tracker whose form asks `question` (after the read-back text, for the read-back)."""
    asked = [
        ActiveLoop(form),
        *(SlotSet(name, value) for name, value in slots.items()),
        SlotSet("requested_slot", question),
        ActionExecuted(form),
    ]
    if question == "details_confirmed":
        asked.append(BotUttered(READ_BACK, metadata={"utter_action": "utter_read_back"}))
    return DialogueStateTracker.from_events(
        "t",
        [ActionExecuted(ACTION_LISTEN_NAME), *asked, ActionExecuted(ACTION_LISTEN_NAME), *events],
        domain.slots,
    )


REPAIR = {"address": "阳光花园9号楼1单元503", "phone": "13701239864"}


@pytest.mark.parametrize(
    ("text", "intent"),
    [("对，谢谢", "thank"), ("行 就这样", "goodbye"), ("对，9号楼", "inform")],
)
def test_a_yes_in_more_words_goes_to_the_form(domain: Domain, text: str, intent: str) -> None:
    tracker = _in_form(domain, "repair_form", "details_confirmed", _user(text, intent), **REPAIR)
    assert form_answer_turn(tracker) == "repair_form"


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("对", "affirm"),  # the form takes it anyway
        ("不对", "deny"),
        ("谢谢", "thank"),  # thanks alone: the rule answers it
        ("对，5号楼", "inform"),  # a change: the form takes the new value as before
        ("那个报修取消吧", "cancel_ticket"),
    ],
)
def test_anything_else_at_the_read_back_is_left_to_the_others(
    domain: Domain, text: str, intent: str
) -> None:
    tracker = _in_form(domain, "repair_form", "details_confirmed", _user(text, intent), **REPAIR)
    assert form_answer_turn(tracker) is None


def test_an_emergency_is_the_safety_nets(domain: Domain) -> None:
    said = _user("对，谢谢", "thank", emergency=True)
    tracker = _in_form(domain, "repair_form", "details_confirmed", said, **REPAIR)
    assert form_answer_turn(tracker) is None


def test_a_person_asked_for_besides_files_first_then_hands_over(domain: Domain) -> None:
    asked = _user("另外能不能让个真人给我回个电话，跟机器说不清楚", "request_human")
    tracker = _in_form(domain, "complaint_form", "details_confirmed", asked, **REPAIR)
    assert form_answer_turn(tracker) == "complaint_form"
    tracker.update(ActionExecuted("complaint_form"))
    tracker.update(ActionExecuted("action_submit_complaint"))
    assert form_answer_turn(tracker) == HANDOFF_ACTION
    tracker.update(ActionExecuted(HANDOFF_ACTION))
    assert form_answer_turn(tracker) == ACTION_LISTEN_NAME
    # a plain 转人工 at the read-back is the hand-off rule's, nothing is filed
    plain = _in_form(
        domain, "complaint_form", "details_confirmed", _user("转人工", "request_human"), **REPAIR
    )
    assert form_answer_turn(plain) is None


@pytest.mark.parametrize(
    ("text", "intent", "then"),
    [
        ("对，另外再帮我重新报个修", "report_repair", "repair_form"),  # the players' pl-59
        ("行 还有帮我约个上门测温", "request_temp_check", "temp_check_form"),
        ("对的 然后我还要投诉那个师傅", "file_complaint", "complaint_form"),
    ],
)
def test_a_request_added_to_the_yes_files_first_then_starts(
    domain: Domain, text: str, intent: str, then: str
) -> None:
    """Read as the new request alone, the yes was lost and the confirmed complaint dropped."""
    tracker = _in_form(domain, "complaint_form", "details_confirmed", _user(text, intent), **REPAIR)
    assert form_answer_turn(tracker) == "complaint_form"
    tracker.update(ActionExecuted("complaint_form"))
    tracker.update(ActionExecuted("action_submit_complaint"))
    assert form_answer_turn(tracker) == then
    tracker.update(ActionExecuted(then))
    assert form_answer_turn(tracker) is None
    # the request alone, without the yes, is the switch it always was
    alone = _in_form(
        domain, "complaint_form", "details_confirmed", _user("我要报修", "report_repair")
    )
    assert form_answer_turn(alone) is None


@pytest.mark.parametrize(
    ("question", "text", "intent", "form"),
    [
        ("complaint_text", "商铺已报停未用暖气，却收到催费和滞纳金短信", "faq", "complaint_form"),
        ("complaint_text", "滞纳金怎么算？", "faq", None),
        ("address", "晚上黑咕隆咚嘞 我差点掉进去 介多危险", "report_repair", "complaint_form"),
        ("address", "我家暖气也不热 派个人来", "report_repair", None),
    ],
)
def test_more_of_a_complaint_goes_to_the_complaint_form(
    domain: Domain, question: str, text: str, intent: str, form: str | None
) -> None:
    tracker = _in_form(domain, "complaint_form", question, _user(text, intent))
    assert form_answer_turn(tracker) == form


def test_its_prediction_outranks_the_rules(domain: Domain, tmp_path: Path) -> None:
    tracker = _in_form(
        domain, "repair_form", "details_confirmed", _user("对，谢谢", "thank"), **REPAIR
    )
    policy = FormAnswerPolicy.create(
        FormAnswerPolicy.get_default_config(),
        LocalModelStorage(tmp_path),
        Resource("form_answer_policy"),
        ExecutionContext(GraphSchema({}), "test"),
    )
    ours = policy.predict_action_probabilities(tracker, domain)
    assert ours.is_no_user_prediction and ours.policy_priority > RULE_POLICY_PRIORITY
    thanks = [0.0] * domain.num_actions
    thanks[domain.index_for_action("utter_you_are_welcome")] = 1.0
    rules = PolicyPrediction(thanks, "RulePolicy", RULE_POLICY_PRIORITY)
    best = DefaultPolicyPredictionEnsemble().combine_predictions([rules, ours], tracker, domain)
    assert domain.action_names_or_texts[best.max_confidence_index] == "repair_form"
    # right after the form ran, it has nothing to say
    tracker.update(ActionExecuted("repair_form"))
    assert form_answer_turn(tracker) is None


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("对 那今天到底谁来修？", "report_repair"),  # the players' pl-028, pl-104
        ("对 那到底啥时候来人修", "faq"),  # pl-103
        ("是的 你们啥时候派人来给我修啊", "query_ticket"),
        ("没错！！赶紧派个师傅上门看看", "request_human"),
        ("行吧 那今天能不能来修一下", "report_repair"),
    ],
)
def test_a_yes_to_a_complaint_asking_for_the_repair_files_it_then_repairs(
    domain: Domain, text: str, intent: str
) -> None:
    """Players' class A: a yes to the complaint's read-back with the repair asked for right
    after it was read as the repair alone, and the confirmed complaint was never filed."""
    tracker = _in_form(domain, "complaint_form", "details_confirmed", _user(text, intent), **REPAIR)
    assert form_answer_turn(tracker) == "complaint_form"
    tracker.update(ActionExecuted("complaint_form"))
    tracker.update(ActionExecuted("action_submit_complaint"))
    assert form_answer_turn(tracker) == "repair_form"


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("对 那今天到底谁来修？", "report_repair"),  # a question about this very repair
        ("对不起 我要报修", "report_repair"),  # no yes
        ("对吗 什么时候来修", "report_repair"),
    ],
)
def test_a_yes_asking_after_the_same_repair_starts_no_second(
    domain: Domain, text: str, intent: str
) -> None:
    tracker = _in_form(domain, "repair_form", "details_confirmed", _user(text, intent), **REPAIR)
    assert form_answer_turn(tracker) is None


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("不查费 我就想知道能不能提前来热", "faq"),  # the players' pl-003
        ("先别查 你就告诉我没人住能不能退钱", "faq"),  # pl-094
        ("我不是要查费 我是问热表读数怎么报", "report_meter_reading"),  # pl-024
        ("哎呀不用查户号 我只想问问一平米多少钱", "query_fee"),
        ("没户号 我就想知道营业厅在哪", "query_service_hall"),
        ("I don't have account number. just tell me how much per square meter", "inform"),
    ],
)
def test_no_lookup_wanted_at_the_account_question_goes_to_the_form(
    domain: Domain, text: str, intent: str
) -> None:
    """Players' class F: the question's rule answered and the form asked for the 户号 again."""
    tracker = _in_form(domain, "verify_form", "account_no", _user(text, intent))
    assert form_answer_turn(tracker) == "verify_form"


@pytest.mark.parametrize("text", ["0102345678", "不查了", "我查一下户号", "查不到户号怎么办"])
def test_a_lookup_still_wanted_is_left_to_the_others(domain: Domain, text: str) -> None:
    tracker = _in_form(domain, "verify_form", "account_no", _user(text, "inform"))
    assert form_answer_turn(tracker) is None


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("哦哦我记反了 是5678", "report_meter_reading"),  # hail x hax-015
        ("不对不对 刚才输错了 应该是5678", "correct_info"),
        ("尾号是五六七八 刚才那个是我老婆的", "inform"),
        ("sorry typo, 5678", "out_of_scope"),
    ],
)
def test_the_last_four_digits_in_more_words_go_to_the_form(
    domain: Domain, text: str, intent: str
) -> None:
    """Read as a meter reading, the corrected digits started the meter form and the fee was
    never shown."""
    tracker = _in_form(
        domain, "verify_form", "phone_last4", _user(text, intent), account_no="0102345678"
    )
    assert form_answer_turn(tracker) == "verify_form"


@pytest.mark.parametrize(
    "text", ["读数12345", "热表读数 45678 kWh", "我手机号13812345678", "1234 5678", "我忘了"]
)
def test_other_answers_to_the_last_four_are_left_to_the_others(domain: Domain, text: str) -> None:
    tracker = _in_form(domain, "verify_form", "phone_last4", _user(text, "report_meter_reading"))
    assert form_answer_turn(tracker) is None


def _asked_for_the_proof(domain: Domain, *events: object) -> DialogueStateTracker:
    """The bot asked for the contact phone of a ticket filed in another chat."""
    return DialogueStateTracker.from_events(
        "t",
        [
            ActionExecuted(ACTION_LISTEN_NAME),
            _user("取消工单BX202612070001", "cancel_ticket"),
            ActionExecuted("action_ask_cancel_ticket"),
            SlotSet("pending", "ticket_proof:cancel:BX202612070001"),
            ActionExecuted(ACTION_LISTEN_NAME),
            *events,
        ],
        domain.slots,
    )


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("13666667770 哦不对 13666667777", "report_meter_reading"),
        ("电话是010-6234 5678", "query_fee"),
    ],
)
def test_a_contact_phone_for_a_tickets_proof_goes_to_the_check(
    domain: Domain, text: str, intent: str
) -> None:
    """Read as a meter reading, the corrected phone started the account lookup and the ticket
    was never checked."""
    tracker = _asked_for_the_proof(domain, _user(text, intent))
    assert form_answer_turn(tracker) == "action_handle_inform"
    tracker.update(ActionExecuted("action_handle_inform"))
    tracker.update(SlotSet("pending", None))
    assert form_answer_turn(tracker) == ACTION_LISTEN_NAME


@pytest.mark.parametrize(
    ("text", "intent", "pending"),
    [
        ("我不记得了", "deny", "ticket_proof:cancel:BX202612070001"),  # no number: its own way
        ("13666667777", "inform", "cancel:BX202612070001"),  # not a proof question
    ],
)
def test_other_answers_are_left_to_the_rules(
    domain: Domain, text: str, intent: str, pending: str
) -> None:
    tracker = DialogueStateTracker.from_events(
        "t",
        [
            ActionExecuted(ACTION_LISTEN_NAME),
            _user("取消工单", "cancel_ticket"),
            SlotSet("pending", pending),
            ActionExecuted(ACTION_LISTEN_NAME),
            _user(text, intent),
        ],
        domain.slots,
    )
    assert form_answer_turn(tracker) is None


def test_an_older_proof_question_is_not_answered_by_a_later_number(domain: Domain) -> None:
    tracker = _asked_for_the_proof(
        domain,
        _user("算了 先报个修吧", "report_repair"),
        ActionExecuted("repair_form"),
        ActionExecuted(ACTION_LISTEN_NAME),
        _user("13666667777", "inform"),
    )
    assert form_answer_turn(tracker) is None


def _offered(domain: Domain, pending: str, *events: object) -> DialogueStateTracker:
    """The bot's last turn made the offer `pending` (no form active)."""
    return DialogueStateTracker.from_events(
        "t",
        [
            ActionExecuted(ACTION_LISTEN_NAME),
            _user("…", "report_repair"),
            ActionExecuted("action_submit_repair"),
            SlotSet("pending", pending),
            ActionExecuted(ACTION_LISTEN_NAME),
            *events,
        ],
        domain.slots,
    )


@pytest.mark.parametrize(
    ("pending", "text", "intent"),
    [
        ("second:query_fee", "暖气费呢？交了没", "faq"),
        ("second:query_fee", "那费呢", "out_of_scope"),
        ("second:request_temp_check", "测温的事呢", "query_ticket"),
        ("stop_next_season", "和平里二区3号楼1单元201 我儿子的房", "apply_stop_heating"),
    ],
)
def test_an_offer_taken_by_going_on_goes_to_its_answer(
    domain: Domain, pending: str, text: str, intent: str
) -> None:
    """费呢？多少钱 after 您刚才还提到要查暖气费 was read as out of scope: "没太明白"."""
    tracker = _offered(domain, pending, _user(text, intent))
    assert form_answer_turn(tracker) == "action_handle_yes_no"
    tracker.update(ActionExecuted("action_handle_yes_no"))
    tracker.update(SlotSet("pending", None))
    assert form_answer_turn(tracker) == ACTION_LISTEN_NAME


@pytest.mark.parametrize(
    ("pending", "text", "intent"),
    [
        ("second:query_fee", "好的", "affirm"),  # the yes rule
        ("second:query_fee", "费不查了", "deny"),  # the no rule
        ("stop_next_season", "和平里二区3号楼1单元201", "inform"),  # action_handle_inform's
        ("second:query_fee", "换阀门多少钱", "faq"),  # another question
        ("cancel:BX202612070001", "那费呢", "out_of_scope"),  # no task offered
    ],
)
def test_other_answers_to_an_offer_are_left_to_the_rules(
    domain: Domain, pending: str, text: str, intent: str
) -> None:
    assert form_answer_turn(_offered(domain, pending, _user(text, intent))) is None


def test_an_older_offer_is_not_taken_by_a_later_message(domain: Domain) -> None:
    tracker = _offered(
        domain,
        "second:query_fee",
        _user("营业厅几点关门", "faq"),
        ActionExecuted("action_answer_faq"),
        ActionExecuted(ACTION_LISTEN_NAME),
        _user("那费呢", "out_of_scope"),
    )
    assert form_answer_turn(tracker) is None
