"""`InputGuard`: messages no model should classify get their intent by rule, deterministically.

An empty message, one of only emoji or punctuation, or a paste longer than `MAX_MESSAGE_CHARS`
would otherwise land on whatever intent the classifier leans to and start a flow the user never
asked for. Placed last in the pipeline, the guard overrides the intent with `nlu_fallback` so the
fallback action can say exactly what was wrong (`actions/conversation.py`).

One exception: WeChat users answer a yes/no question with a gesture (👌, 👍, 👎). A message of
only yes-gestures is `affirm`, of only no-gestures `deny` (skin tones, variation selectors and
punctuation other than ? ignored: 👍！ is a yes, 👍？ a question); any other emoji, or a mix, is
still `nlu_fallback`.
"""

from __future__ import annotations

import unicodedata

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.constants import RESPONSE_SELECTOR_PROPERTY_NAME
from rasa.shared.nlu.constants import (
    ENTITIES,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.answers import yes_no_answer
from bot.nlu.limits import INPUT_TRUNCATED, has_words
from bot.nlu.meterreading import reports_reading
from bot.nlu.notices import asks_for_notices, names_notices, refuses_notices
from bot.nlu.questions import asks_general_question
from bot.nlu.requests import repair_not_complaint, wants_unbind
from bot.nlu.stateless import StatelessComponent

FALLBACK_INTENT = "nlu_fallback"
#: Intents an opt-out naming its topic is mistaken for (bot.nlu.notices.refuses_notices).
REFUSAL_LOOKALIKES = frozenset({"subscribe", "query_outage", "cancel_ticket"})
YES_GESTURES = frozenset("👌👍✅🆗🙆✔☑")
NO_GESTURES = frozenset("👎❌🙅✖❎")
#: Characters that only modify the gesture before them.
_MODIFIERS = frozenset("\ufe0f\u200d♀♂") | {chr(c) for c in range(0x1F3FB, 0x1F400)}
#: Intents the classifier gives some messages that only report a meter reading.
_READING_MISREAD = frozenset({"report_meter_problem", "inform"})
#: The retrieval intent of the knowledge base (bot.services.topics).
KB_INTENT = "faq"
#: Task intents whose words residents use to ask the knowledge base (户号咋查 → query_fee,
#: 营业厅办事要带户口本不 → query_service_hall, 还能往哪投诉 → file_complaint). Not here: tasks
#: whose how-to questions are the task itself (测温怎么预约, 怎么绑定户号, 能在线办报停吗), ticket
#: questions, and out_of_scope, whose questions are about other utilities (燃气费怎么交).
KB_LOOKALIKES = frozenset(
    {
        "report_repair",
        "query_fee",
        "query_service_hall",
        "file_complaint",
        "request_human",
        "query_meter",
        "report_meter_problem",
        "query_outage",
        "correct_info",
        "greet",
    }
)
#: The topic model's confidence a general question needs to leave its task for the knowledge
#: base: the knowledge base's own answer threshold (bot/policy/knowledge/common.yml), so such a
#: question is always answered, never met with topic buttons instead of the task. Measured on
#: the training and test messages of these tasks (docs/knowledge-base.md): only three training
#: messages move, two about hall documents in general and one labelled both ways (停暖通知在哪看).
KB_QUESTION_CONFIDENCE = 0.5


def gesture_intent(text: str) -> str | None:
    """`affirm` / `deny` for a message of only yes / only no gestures, else None."""
    signs = {
        ch for ch in text if not ch.isspace() and ch not in _MODIFIERS and not _is_punctuation(ch)
    }
    if signs and signs <= YES_GESTURES:
        return "affirm"
    if signs and signs <= NO_GESTURES:
        return "deny"
    return None


def _is_punctuation(ch: str) -> bool:
    """！ 。 ~ … after a gesture add tone, not meaning; a question mark makes it a question."""
    return (unicodedata.category(ch).startswith("P") and ch not in "?？") or ch in "~～"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class InputGuard(StatelessComponent):
    """Sets `nlu_fallback` (confidence 1) for empty, wordless and truncated messages.

    Wordless yes/no gestures get `affirm` / `deny` instead (module docstring).
    """

    def process(self, messages: list[Message]) -> list[Message]:
        """Override the intent of messages that carry nothing to classify."""
        for message in messages:
            text = message.get(TEXT)
            if message.get(INPUT_TRUNCATED) or not has_words(str(text or "")):
                name = None if message.get(INPUT_TRUNCATED) else gesture_intent(str(text or ""))
                intent = {INTENT_NAME_KEY: name or FALLBACK_INTENT, PREDICTED_CONFIDENCE_KEY: 1.0}
                message.set(INTENT, intent, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [intent], add_to_output=True)
                message.set(ENTITIES, [], add_to_output=True)
        return messages


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class IntentCorrections(StatelessComponent):
    """Rules that correct the classifier where its mistake would do the opposite of what the
    resident asked (bot.nlu.requests):

    - `file_complaint` → `report_repair` for a message that names a fault and asks for someone
      to come, without a word of complaint (`repair_not_complaint`);
    - `bind_account` or `cancel_ticket` → `unbind_account` for a message that asks to remove
      a binding (`wants_unbind`): 我要取消绑定户号 once cancelled nothing and said no ticket was
      found. Questions about unbinding (解绑以后还能查费吗) keep their FAQ intent;
    - `affirm` / `deny` for a bare 要 / 不要 answer, whatever the classifier made of it
      (`bot.nlu.answers`): a "no" read as a request would start what the resident declined;
    - `unsubscribe` → `subscribe` for a message that asks to be told (停热了通知我), and
      `subscribe`, `query_outage` or `cancel_ticket` → `unsubscribe` for one that only refuses
      them (不要停热通知了 names an outage, 取消停热通知 a cancellation: both are opt-outs);
    - `unsubscribe` → the next-ranked intent (`cancel_ticket` if none) for a message that names
      nothing the company sends: a bare 取消 / 不要了 ends a form or a request, never the notices;
      `subscribe` → the next-ranked intent for one that does not ask to be told (过户得怎么弄
      我跟人家言语一声 is a question about a transfer).
    - `report_meter_problem` or `inform` → `report_meter_reading` for a message
      that gives a meter reading and names no problem (`bot.nlu.meterreading.reports_reading`):
      读数17120 opened a CB (dispute) ticket instead of filing the reading.
    - a task in `KB_LOOKALIKES` → `faq` for a general question (how, whether, who, where to)
      that asks nobody to act (`bot.nlu.questions.asks_general_question`) when the topic model
      is at least `KB_QUESTION_CONFIDENCE` sure of its topic: 户号咋查 got a fee query that asked
      for the account number the resident was asking how to find. The answer names the task as
      the next step (bot/policy/knowledge/common.yml).
    """

    def process(self, messages: list[Message]) -> list[Message]:
        """Move such messages' intent to the one they mean, confidence kept."""
        for message in messages:
            intent = message.get(INTENT) or {}
            name, text = intent.get(INTENT_NAME_KEY), str(message.get(TEXT) or "")
            answer = yes_no_answer(text)
            if answer is not None and name != answer:
                meant = answer
            elif name == "file_complaint" and repair_not_complaint(text):
                meant = "report_repair"
            elif name in ("bind_account", "cancel_ticket") and wants_unbind(text):
                meant = "unbind_account"
            elif name == "unsubscribe" and asks_for_notices(text):
                meant = "subscribe"
            elif (
                name in REFUSAL_LOOKALIKES and refuses_notices(text) and not asks_for_notices(text)
            ):
                meant = "unsubscribe"
            elif _not_about_notices(name, text):
                meant = _next_intent(message, {"unsubscribe", "subscribe", FALLBACK_INTENT})
            elif name in _READING_MISREAD and reports_reading(text):
                meant = "report_meter_reading"
            elif (
                name in KB_LOOKALIKES
                and topic_confidence(message) >= KB_QUESTION_CONFIDENCE
                and asks_general_question(text, name)
            ):
                meant = KB_INTENT
            else:
                continue
            message.set(INTENT, {**intent, INTENT_NAME_KEY: meant}, add_to_output=True)
        return messages


def topic_confidence(message: Message) -> float:
    """The topic model's confidence in its best knowledge-base topic (0 when it gave none)."""
    selector = (message.get(RESPONSE_SELECTOR_PROPERTY_NAME) or {}).get(KB_INTENT) or {}
    return float((selector.get("response") or {}).get(PREDICTED_CONFIDENCE_KEY) or 0.0)


def _not_about_notices(intent: str | None, text: str) -> bool:
    """A subscription that asks for nothing, or an opt-out that names nothing sent."""
    if intent == "subscribe":
        return not asks_for_notices(text)
    return intent == "unsubscribe" and not names_notices(text)


def _next_intent(message: Message, excluded: set[str]) -> str:
    """The best-ranked intent of `message` outside `excluded` (`cancel_ticket` if none)."""
    for ranked in message.get(INTENT_RANKING_KEY) or []:
        name = ranked.get(INTENT_NAME_KEY)
        if name and name not in excluded:
            return str(name)
    return "cancel_ticket"
