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
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.common import latest_text, leave_form, policy, this_turn
from actions.emergency import answer_emergency_follow_up
from actions.knowledge import answer_faq_clauses, answer_follow_up, answer_topics
from actions.outage import tell_outage_asked
from actions.service_halls import tell_hall_asked
from bot.nlu.form_answers import asks_what_it_costs
from bot.policy.knowledge import load_knowledge

#: The topic that says what a repair visit and its parts cost.
REPAIR_COST_TOPIC = "repair_cost"


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
    Only as the form starts; None when the message is no such follow-up."""
    if tracker.get_slot("requested_slot") or not answer_follow_up(dispatcher, tracker):
        return None
    return leave_form(tracker)
