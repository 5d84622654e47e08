"""Questions asked in the same message as something else, answered where that is handled.

"查费 户号… 顺便问下过了年再交有没有滞纳金", "以后别给我发停暖短信了，另外电子发票在哪开？", "和平里
今儿停暖不 俺家暖气咋不热乎": the message's intent starts one thing (the bill, the opt-out, a
repair); the question beside it used to get no answer. The NLU classifies each clause of such a
message (`bot.nlu.clauses`), and every action a request starts with calls
`answer_side_questions`, which answers a heating-stop question, a service-hall question and the
knowledge-base questions among the clauses before the request goes on.
"""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import bot_said_within, latest_text, leave_form, policy, this_turn
from actions.door_safety import tell_door_safety
from actions.emergency import answer_emergency_follow_up
from actions.knowledge import answer_faq_clauses, answer_follow_up, answer_topics
from actions.outage import tell_outage_asked
from actions.service_halls import tell_hall_asked
from bot.nlu.form_answers import asks_what_it_costs
from bot.nlu.self_help import bled_without_heat
from bot.policy.knowledge import load_knowledge

#: The topic that says what a repair visit and its parts cost.
REPAIR_COST_TOPIC = "repair_cost"
#: The self-help topic on bleeding a radiator, and the answer when it did not help.
BLEEDING_TOPIC = "radiator_bleeding"
BLEEDING_NO_HELP = "utter_bleeding_no_help"
BLEEDING_NO_HELP_AGAIN = "utter_bleeding_no_help_again"
#: How many of the resident's messages back the bleeding answer still counts.
_BLEEDING_MESSAGES = 3


async def answer_side_questions(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """Answer the questions beside the request of the latest message: whether heating is
    stopped where the resident lives (`tell_outage_asked`), then the knowledge-base questions
    (`answer_faq_clauses`). Nothing beside an emergency: the safety steps are all the resident
    should read then."""
    if any(
        e.get("event") == "bot"
        and str((e.get("metadata") or {}).get("utter_action") or "").startswith("utter_emergency")
        for e in this_turn(tracker)
    ):
        return
    if answer_emergency_follow_up(dispatcher, tracker):
        return  # 阀门在哪 找不着 水烫手 + the address, during a burst: not "keep valves open"
    if tell_door_safety(dispatcher, tracker):
        return  # 门口那人不是你们的吧 报警吗, whatever form is waiting
    if answer_repair_cost_asked(dispatcher, tracker):
        return
    await tell_outage_asked(dispatcher, tracker)
    await tell_hall_asked(dispatcher, tracker)
    answer_faq_clauses(dispatcher, tracker)


def answer_repair_cost_asked(dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
    """换温控阀收费吗 / 先告诉我要不要钱 / 你们来人修这玩意儿收钱不 in the repair form: what the
    visit costs, not the valve topic the classifier ranked first (the players' pl-30, asked three
    times) nor topic buttons (glp-002, the question read as the FAQ). Said once a turn, whichever
    action (the FAQ answer, the form's validation) meets the question first; True when asked."""
    if tracker.active_loop.get("name") != "repair_form" or not asks_what_it_costs(
        latest_text(tracker)
    ):
        return False
    answer_topics(dispatcher, tracker, load_knowledge(policy()), [REPAIR_COST_TOPIC])
    return True


def follow_up_instead(
    dispatcher: CollectingDispatcher, tracker: Tracker
) -> list[EventType] | None:
    """A short follow-up to the answer just given, read as a request (多少钱 right after the
    answer on what a repair costs was read as a fee query and asked for the 户号; 要钱吗 after
    the 开栓 answer as a repair): the follow-up is answered from that answer's topic
    (`answer_follow_up`) and the form the classifier started ends before its first question.
    Still cold after bleeding the radiator gets the causes and the repair offered
    (`answer_self_help_failed`). Only as the form starts; None when the message is no such
    follow-up."""
    if tracker.get_slot("requested_slot"):
        return None
    if said := answer_self_help_failed(dispatcher, tracker):
        offered = "repair" if said == BLEEDING_NO_HELP else None
        return [*leave_form(tracker), SlotSet("pending", offered)]
    if not tell_door_safety(dispatcher, tracker) and not answer_follow_up(dispatcher, tracker):
        return None
    return leave_form(tracker)


def bleeding_answered(tracker: Tracker) -> bool:
    """Whether the bot told how to bleed a radiator (or why it still is cold after it) in
    answer to one of the resident's last `_BLEEDING_MESSAGES` messages before the latest."""
    answer = load_knowledge(policy()).answer(BLEEDING_TOPIC)
    messages = 0
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            messages += 1
            if messages > _BLEEDING_MESSAGES:
                return False
        elif event.get("event") == "bot" and messages >= 1:
            said = (event.get("metadata") or {}).get("utter_action")
            if said in (BLEEDING_NO_HELP, BLEEDING_NO_HELP_AGAIN) or event.get("text") == answer:
                return True
    return False


def answer_self_help_failed(dispatcher: CollectingDispatcher, tracker: Tracker) -> str | None:
    """Still cold after bleeding (那拧开出水了还是不热呢, 放完气了为啥还不热: `bled_without_heat`):
    the causes and the repair offered as an option, instead of the repair form's address
    question the classifier's repair reading started (p3-012). The response said, None when
    the message is no such question."""
    if not bled_without_heat(latest_text(tracker), bleeding_answered(tracker)):
        return None
    said = BLEEDING_NO_HELP
    if bot_said_within(tracker, {BLEEDING_NO_HELP, BLEEDING_NO_HELP_AGAIN}, _BLEEDING_MESSAGES):
        # asked again: the causes in short, the repair left to them (offered three times in a
        # row, the offer would be a question the resident keeps being asked)
        said = BLEEDING_NO_HELP_AGAIN
    dispatcher.utter_message(response=said)
    return said
