"""`FormAnswerPolicy`: messages that answer the form's question go to the form, whatever the
classifier read.

While a form is active, a rule for the message's intent runs before the form (the thank-you rule,
the goodbye rule, the FAQ answer, a switch to the repair form), and the form then asks again
without looking at the message. For three kinds of message that is wrong:

- **A yes to the read-back in more words** (`bot.nlu.agreement.agrees_to_read_back`): 对，谢谢
  (read as thanks: 不客气, the list again, three times, then a person), 行 就这样 (read as a
  goodbye: the request withdrawn), 对，8号楼，手机138… (the details said again). The form takes it
  as the yes (`actions.readback.answer_to_read_back` applies the same rule) and files the ticket.
- **Another request beside the read-back** (另外能不能让个真人给我回个电话): the details on the
  list stand, so the form files them, and then the person is asked for (`action_request_human`).
  Without this the hand-off left the complaint unfiled.
- **A complaint put right at its read-back** (不是收费问题 是服务态度, 类别改成服务问题:
  `bot.nlu.complaints.complaint_change`): a rule for what it was read as answered it and the list
  came again unchanged until the resident typed 要修改 (players' findings 3, p3-084); the form
  takes the new category or account and reads the list back with it.
- **A demand for what happens at a complaint's read-back** (你们除了道歉还能干什么？给我个说法,
  `bot.nlu.complaints.demands_an_answer`): the rule for its own request again said 好的，记下了
  and the list came a second and a third time (hail t hat-022); the form tells the deadlines and
  asks for the yes in one line.
- **A complaint's account** (`complaint_text`, `complaint_category`) that names fees or a stop
  and asks nothing (商铺已报停未用暖气，却收到催费和滞纳金短信): it was answered as a question
  from the knowledge base and asked for again until a person took over. Likewise, inside the
  complaint form, a message the classifier read as a repair request that names no fault and asks
  for no fitter (晚上黑咕隆咚嘞 我差点掉进去 about the pit in front of the building) is more of the
  complaint, not a switch to the repair form's fault question.
- **The contact phone of a ticket filed elsewhere** (`pending` ``ticket_proof:…``, asked by
  actions/tickets.py): 13666667770 哦不对 13666667777 was read as a meter reading and started the
  account lookup, and the ticket was never checked. A message with a whole contact number goes to
  `action_handle_inform`, which checks it against the ticket.
- **The last four digits of the registered phone, said with more words** (哦哦我记反了 是5678
  after a wrong try, hail x hax-015): read as a meter reading, it started the meter form and
  the fee was never shown. At that question a message with exactly one group of four digits
  and no longer number (`bot.nlu.numbers.gives_last4`) is the answer: the form checks it.
- **The refused digits disputed** (不可能不对，我就这一个手机号！, 我的号怎么会错, 你们系统错了吧
  after 户号与手机号后4位不匹配, `bot.nlu.disputed_proof.disputes_mismatch`): read as a complaint,
  the lookup was dropped for a complaint form asking 哪方面 (hail t hat-019). The verification
  answers it: the digits are the registered phone's (maybe an older number), and the other ways.
- **A yes/no offer answered by going on** (`bot.nlu.offer_answers.takes_offer`): the details
  the offered task needs (东风新村15栋1单元602 after 需要现在为您登记吗？) or its name alone
  (费呢？多少钱 after 您刚才还提到要查暖气费，现在帮您办理吗？) accept it, whatever the
  classifier read; outside a form such a message goes to `action_handle_yes_no`, which starts
  the task with them. A bare value (`inform`) goes to `action_handle_inform` by its rule, which
  applies the same test.
- **A door number given alone** where the rest of a home told in part was asked (602, 我刚说了
  602啊 after 抢修人员还需要您家的门牌号, `bot.nlu.address.door_alone`): read as a correction, it
  got 哪一项需要更正？ and the question again, and the urgent ticket went out without the door
  (player findings 5, class A). The form takes it as the door of that home.
- **No lookup wanted** at the 户号 question (不查费 我就想知道能不能提前来热, 先别查 你就告诉我…,
  `bot.nlu.requests.declines_lookup`): the rule for its question answered it and the form asked
  for the 户号 again; the form answers it and ends.

Like the emergency net its predictions are "no user" predictions above RulePolicy's priority
(`OverridingPolicy`); anything else is left to the other policies.
"""

from __future__ import annotations

from datetime import datetime

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.nlu.address import door_alone
from bot.nlu.agreement import (
    adds_a_person,
    adds_a_request,
    agrees_to_read_back,
    files_with_a_note,
    request_words,
    tells_more_of_complaint,
)
from bot.nlu.complaints import complaint_change, demands_an_answer
from bot.nlu.contact_fix import gives_a_number
from bot.nlu.disputed_proof import disputes_mismatch
from bot.nlu.emergency import EMERGENCY, emergency_from
from bot.nlu.numbers import gives_last4
from bot.nlu.offer_answers import takes_offer
from bot.nlu.requests import declines_lookup
from bot.nlu.safety_net import OverridingPolicy

#: The read-back question's slot and response (actions/readback.py, domain.yml).
READ_BACK_SLOT = "details_confirmed"
READ_BACK_RESPONSE = "utter_read_back"
#: Intents the forms already take as a yes or no at the read-back.
_ANSWERED = frozenset({"affirm", "deny"})
#: The hand-off action (`adds_a_person` asks for it) and the actions that file a form's ticket
#: (domain.yml).
HANDOFF_ACTION = "action_request_human"
SUBMIT_ACTIONS = frozenset(
    {
        "action_submit_repair",
        "action_submit_temp_check",
        "action_submit_complaint",
        "action_after_verification",
    }
)
COMPLAINT_FORM = "complaint_form"
#: The lookup's form and its questions for the proof (actions/account.py).
VERIFY_FORM = "verify_form"
PROOF_SLOTS = frozenset({"account_no", "phone_last4"})
LAST4_SLOT = "phone_last4"
#: The verification's answer to digits that do not match the account (actions/account.py).
MISMATCH_RESPONSE = "utter_verify_failed"
#: The form whose ticket each read-back's submit action files (a request added to the yes is
#: another form's, `adds_a_request`).
FILED_FORMS = {
    "action_submit_repair": "repair_form",
    "action_submit_temp_check": "temp_check_form",
    "action_submit_complaint": COMPLAINT_FORM,
}

#: The questions for the rest of a home told in part (actions/address_ask.py, domain.yml).
REST_QUESTIONS = frozenset({"utter_ask_address_rest", "utter_emergency_need_address_rest"})

#: `pending` while the bot waits for the contact phone of a ticket filed elsewhere
#: (actions/tickets.py `PROOF_PREFIX`), and the action that checks the answer.
PROOF_PENDING = "ticket_proof:"
INFORM_ACTION = "action_handle_inform"
#: The action that answers an offer, and the intents whose own rules already reach an offer's
#: answer (a yes or a no; a bare value: `action_handle_inform`).
YES_NO_ACTION = "action_handle_yes_no"
_OFFER_ANSWERED = frozenset({"affirm", "deny", "inform"})


def shown_read_back(tracker: DialogueStateTracker) -> str:
    """The text of the last read-back the bot sent ('' when none)."""
    for event in reversed(tracker.events):
        if (
            isinstance(event, BotUttered)
            and (event.metadata or {}).get("utter_action") == READ_BACK_RESPONSE
        ):
            return str(event.text or "")
    return ""


def _latest_message(tracker: DialogueStateTracker) -> UserUttered | None:
    """The user's message just sent, None when an action has answered it already."""
    for event in reversed(tracker.events):
        if isinstance(event, ActionExecuted):
            return None
        if isinstance(event, UserUttered):
            return event
    return None


def _answer_turn(tracker: DialogueStateTracker) -> str | None:
    """The active form, for a message just sent that answers it (module docstring)."""
    form = tracker.active_loop_name
    message = _latest_message(tracker)
    if not form or message is None or emergency_from(message.parse_data.get(EMERGENCY)):
        return None
    question = tracker.get_slot("requested_slot")
    intent = message.intent_name
    if question == READ_BACK_SLOT and intent not in _ANSWERED:
        held = [
            shown_read_back(tracker),
            tracker.get_slot("address"),
            tracker.get_slot("phone"),
            *request_words(form),  # 是的，就是投诉服务态度
        ]
        if (
            agrees_to_read_back(message.text, held, form=form)
            # 不是我家暖气坏了，是楼下机器的声音。请记录投诉: a yes with a note to the account
            or (form == COMPLAINT_FORM and files_with_a_note(message.text) is not None)
            or adds_a_person(intent, message.text)
            or adds_a_request(intent, message.text, form)
            or (form == COMPLAINT_FORM and any(complaint_change(message.text)))
            # 你们除了道歉还能干什么？给我个说法: the deadlines, a reminder, not 记下了 + the list
            or (form == COMPLAINT_FORM and demands_an_answer(message.text))
        ):
            return form
        return None
    if question == "address" and door_alone(message.text) and _rest_asked(tracker):
        return form  # 我刚说了602啊 after 门牌是几号: the door, not a correction to ask about
    if form == COMPLAINT_FORM and tells_more_of_complaint(intent, message.text, question):
        return form
    if form == VERIFY_FORM and question in PROOF_SLOTS and declines_lookup(message.text):
        return form  # 不查费 我就想知道…: validate_verify_form answers it and asks no more
    if form == VERIFY_FORM and question == LAST4_SLOT and gives_last4(message.text):
        return form  # 哦哦我记反了 是5678: the digits asked for, not a meter reading
    if (
        form == VERIFY_FORM
        and question == LAST4_SLOT
        and disputes_mismatch(message.text)
        and _said(tracker, MISMATCH_RESPONSE)
    ):
        return form  # 不可能不对，我就这一个手机号！: the reason and the other ways, no complaint
    return None


def _rest_asked(tracker: DialogueStateTracker) -> bool:
    """Whether the bot's turn before the latest message asked for the rest of a home."""
    seen_message = False
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            if seen_message:
                return False
            seen_message = True
        elif (
            seen_message
            and isinstance(event, BotUttered)
            and (event.metadata or {}).get("utter_action") in REST_QUESTIONS
        ):
            return True
    return False


def _said(tracker: DialogueStateTracker, response: str) -> bool:
    """Whether the bot sent `response` (by response name) in this conversation."""
    return any(
        isinstance(event, BotUttered) and (event.metadata or {}).get("utter_action") == response
        for event in tracker.events
    )



def pending_before_message(tracker: DialogueStateTracker) -> str | None:
    """The offer (`pending`) the bot made in its turn before the user's latest message, None when
    that turn made none (an older offer is no longer what the message answers)."""
    seen_message = False
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            if seen_message:
                return None
            seen_message = True
        elif seen_message and isinstance(event, SlotSet) and event.key == "pending":
            return str(event.value) if event.value else None
    return None


def _answers_ticket_proof(tracker: DialogueStateTracker) -> bool:
    """Whether the latest message gives the contact phone the bot asked for a ticket's proof."""
    message = next((e for e in reversed(tracker.events) if isinstance(e, UserUttered)), None)
    return (
        message is not None
        and not tracker.active_loop_name
        and not emergency_from(message.parse_data.get(EMERGENCY))
        and (pending_before_message(tracker) or "").startswith(PROOF_PENDING)
        and gives_a_number(message.text or "")
    )


def _proof_turn(tracker: DialogueStateTracker) -> str | None:
    """`action_handle_inform` for a contact phone given for a ticket's proof, then a listen
    (the tracker is read only right after a message or after that action)."""
    latest = tracker.latest_action_name
    if latest not in (ACTION_LISTEN_NAME, INFORM_ACTION) or not _answers_ticket_proof(tracker):
        return None
    return INFORM_ACTION if latest == ACTION_LISTEN_NAME else ACTION_LISTEN_NAME


def _takes_offer(tracker: DialogueStateTracker) -> bool:
    """Whether the latest message accepts the offer of the bot's last turn by going on with the
    offered task (`takes_offer`) while no form is active and no rule already answers it."""
    message = next((e for e in reversed(tracker.events) if isinstance(e, UserUttered)), None)
    return (
        message is not None
        and not tracker.active_loop_name
        and message.intent_name not in _OFFER_ANSWERED
        and not emergency_from(message.parse_data.get(EMERGENCY))
        # the machine's time: whether the words hold a visit window is all that is asked, and
        # the model's inputs may not import the company clock (tests/unit/test_layers.py)
        and takes_offer(pending_before_message(tracker), message.text, datetime.now().astimezone())
    )


def _offer_turn(tracker: DialogueStateTracker) -> str | None:
    """`action_handle_yes_no` for a message that takes the offer (`_takes_offer`), then a listen
    unless that action chose what follows (the tracker is read only right after a message or
    after that action)."""
    latest = tracker.latest_action_name
    if latest not in (ACTION_LISTEN_NAME, YES_NO_ACTION) or not _takes_offer(tracker):
        return None
    return YES_NO_ACTION if latest == ACTION_LISTEN_NAME else ACTION_LISTEN_NAME


def _person_after_filing(tracker: DialogueStateTracker) -> str | None:
    """The hand-off once the ticket of a read-back answered with 另外…转人工 is filed, and the
    listen after it; None otherwise."""
    last = tracker.latest_action_name
    if last not in SUBMIT_ACTIONS and last != HANDOFF_ACTION:
        return None
    message = None
    actions: list[str] = []
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            message = event
            break
        if isinstance(event, ActionExecuted) and event.action_name:
            actions.append(event.action_name)
    if message is None or not adds_a_person(message.intent_name, message.text):
        return None
    if last == HANDOFF_ACTION:
        return ACTION_LISTEN_NAME if any(a in SUBMIT_ACTIONS for a in actions) else None
    return HANDOFF_ACTION if HANDOFF_ACTION not in actions else None


def _request_after_filing(tracker: DialogueStateTracker) -> str | None:
    """The form of the request added to a yes at the read-back (对，另外再帮我重新报个修), right
    after the confirmed ticket is filed; None otherwise."""
    if tracker.latest_action_name not in SUBMIT_ACTIONS:
        return None
    filed = FILED_FORMS.get(str(tracker.latest_action_name))
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            return adds_a_request(event.intent_name, event.text, filed)
    return None


def form_answer_turn(tracker: DialogueStateTracker) -> str | None:
    """What this policy insists on now (module docstring), or None."""
    if tracker.latest_action_name == ACTION_LISTEN_NAME:
        return _answer_turn(tracker) or _proof_turn(tracker) or _offer_turn(tracker)
    return (
        _person_after_filing(tracker)
        or _request_after_filing(tracker)
        or _proof_turn(tracker)
        or _offer_turn(tracker)
    )


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True
)
class FormAnswerPolicy(OverridingPolicy):
    """Sends a message that answers the form's question to the form (module docstring)."""

    def next_action(self, tracker: DialogueStateTracker) -> str | None:
        """`form_answer_turn`."""
        return form_answer_turn(tracker)
