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

import re
import unicodedata

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.constants import RESPONSE_SELECTOR_PROPERTY_NAME
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_TYPE,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.answers import yes_no_answer
from bot.nlu.clauses import CLAUSES, clause_intents, is_question, starts_new_matter
from bot.nlu.denials import denied_request, has_no_phone, puts_off_visit
from bot.nlu.door_stranger import stranger_at_door
from bot.nlu.faults import fault_type_of
from bot.nlu.form_answers import only_asks_what_it_costs, withholds_phone
from bot.nlu.limits import INPUT_TRUNCATED, has_words
from bot.nlu.meterreading import reports_reading
from bot.nlu.notices import asks_for_notices, names_notices, refuses_notices
from bot.nlu.preambles import announces_question
from bot.nlu.questions import (
    asks_general_question,
    asks_who_answers,
    questions_the_stop_rule,
)
from bot.nlu.requests import (
    FORM_STARTERS,
    asks_about_a_stop,
    asks_about_ticket,
    asks_after_filed_request,
    asks_after_the_stop,
    asks_for_a_manager,
    asks_for_another_way,
    asks_for_measurement,
    asks_for_repair,
    asks_meter_visit,
    asks_why_home_is_cold,
    changes_mind,
    cold_read_as_bill,
    doubts_the_meter,
    ends_asking_for_repair,
    fault_beside_a_question,
    named_request,
    not_a_complaint,
    only_asking_how,
    repair_not_complaint,
    requests_in,
    seeks_help_with_fault,
    takes_request_back,
    tells_cold_home,
    wants_stop_heating,
    wants_unbind,
    withdraws_by_name,
)
from bot.nlu.reschedule import moves_a_stop, moves_a_visit
from bot.nlu.resident_requests import cancels_named_request, resident_request, states_a_fault
from bot.nlu.stateless import StatelessComponent
from bot.nlu.timewindow import only_a_time
from bot.nlu.topic_cues import fits_words

FALLBACK_INTENT = "nlu_fallback"
#: Intents an opt-out naming its topic is mistaken for (bot.nlu.notices.refuses_notices).
REFUSAL_LOOKALIKES = frozenset({"subscribe", "query_outage", "cancel_ticket"})
#: An opt-out put as a question (能不能别老给我发短信了) reads as the FAQ; it must name what is
#: sent by its name (发票 and 区别 are no notice and no refusal).
_NOTICE_NAMED = re.compile("短信|簡訊|通知|消息|推送|提醒")
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
#: whose how-to questions are the task itself (能在线办报停吗). A 测温 or binding question is one
#: only when it asks what the task does not do (自己测温咋测, 绑定手机号咋改, 报停要带什么材料,
#: 让我妈替我办要写委托书吗: `bot.nlu.questions`; 能报停吗 and 怎么报停 apply),
#: a ticket question only when it names no request of the resident's (来的人有工牌吗 我咋查), a
#: cancellation only when it names nothing to cancel (之前把暖停了 想开开 手续麻烦不), an
#: out-of-scope message or a goodbye only when it names the heating and no other utility
#: (通知说明天注水 家里没人咋整; 燃气费怎么交 and 电梯坏了找谁修 stay out). A fallback (the
#: classifier unsure of every intent) is a question when it asks one and the topic model is
#: sure, unless it opens with 那 (a follow-up the actions read against the last answer).
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
        "request_temp_check",
        "apply_stop_heating",
        "bind_account",
        "query_ticket",
        "cancel_ticket",
        "unsubscribe",
        FALLBACK_INTENT,
        "out_of_scope",
        "goodbye",
    }
)
#: The topic model's confidence a general question needs to leave its task for the knowledge
#: base: the knowledge base's own answer threshold (bot/policy/knowledge/common.yml), so such a
#: question is always answered, never met with topic buttons instead of the task. Measured on
#: the training and test messages of these tasks (docs/knowledge-base.md): only three training
#: messages move, two about hall documents in general and one labelled both ways (停暖通知在哪看).
KB_QUESTION_CONFIDENCE = 0.5
#: Intents that ask for nothing: a clause with one of them is no request.
_SMALL_TALK = frozenset(
    {"greet", "goodbye", "thank", "affirm", "deny", "inform", "out_of_scope", "bot_challenge"}
)


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


#: Intents a denial or a visit put off keeps: they end what was started in their own way
#: (取消吧 改天再约 and 算了算了不修了 cancel the booked visit; 回头再说吧，再见 says goodbye).
_DENIAL_KEEPS = frozenset({"deny", "cancel_ticket", "goodbye"})


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class IntentCorrections(StatelessComponent):
    """Rules that correct the classifier where its mistake would do the opposite of what the
    resident asked (bot.nlu.requests):

    - `file_complaint` → `report_repair` for a message that names a fault and asks for someone
      to come, without a word of complaint (`repair_not_complaint`), or asks for a fitter and
      drops the complaint it names (算了 投诉也没用 派个师傅来修好就行 投诉不用记了,
      `not_a_complaint`);
    - `file_complaint` → `faq` for a question whether or what something costs that airs no
      grievance about a charge (你们来人修这玩意儿收钱不, `only_asks_what_it_costs`): asked in
      the middle of a repair booking, it ended the booking and filed a fee complaint;
    - `bind_account` or `cancel_ticket` → `unbind_account` for a message that asks to remove
      a binding (`wants_unbind`): 我要取消绑定户号 once cancelled nothing and said no ticket was
      found. Questions about unbinding (解绑以后还能查费吗) keep their FAQ intent;
    - `faq` for a message that only announces a question (姑娘 我问一下, `announces_question`):
      it got the topic buttons, or "I am a bot" (师傅 跟你打听个事); a greeting stays one;
    - `faq` for a repair or 测温 request that says no visit is wanted and asks how
      (不用派人 我就问问 怎么自己弄, `only_asking_how`);
    - a question, a detail, a visit moved or a 报停 → `query_outage` for the company's stop
      asked to be moved (金色家园10号的停暖能改个时间吗 那天家里老人过生日, `moves_a_stop`): it was
      read as moving the resident's visit ("想改到什么时间？") and then not understood;
    - → `correct_info` for a message that moves a booked visit and names no fault (明天下午我有事
      能改到后天上午吗, `bot.nlu.reschedule.moves_a_visit`): it read as a renovation question,
      and the visit stayed where the resident could not be home;
    - `faq` for a resident afraid of a stranger at the door who claims to be from the company
      (他没出示工作证 还在门口呢 我怕, `bot.nlu.door_stranger.stranger_at_door`): read as a fee
      query or a repair, it asked for the 户号; `action_answer_faq` gives the safety advice;
    - `inform` for a message that says a time and nothing else (tmr afternoon, 周六上午我在家:
      `bot.nlu.timewindow.only_a_time`): read as a repair, it switched a 测温 to the repair form;
    - `deny` for a denial of the request the bot started (我没说要投诉啊 我就问问, 不是报修,
      我没要转人工: `bot.nlu.denials.denied_request`), or a visit put off (先自己放放气 先不约了,
      `puts_off_visit`): the complaint form asked its category again, the hand-off text was
      repeated, the visit time was asked again (player findings 4, class C);
    - `file_complaint` → `faq` for surprise at the 报停 rules asked as a question (啊？今年报不
      了了？空着一冬天也得交全款？, `bot.nlu.questions.questions_the_stop_rule`): the answer is
      the base fee, not a complaint form (players' p4-010);
    - `request_human` → `bot_challenge` for a question whether a person answers (请问是人工客服吗,
      `bot.nlu.questions.asks_who_answers`): it registered a call-back (players' p4-042);
    - `affirm` / `deny` for a bare 要 / 不要 answer, whatever the classifier made of it
      (`bot.nlu.answers`): a "no" read as a request would start what the resident declined;
    - `file_complaint`, `faq`, `out_of_scope`, `unsubscribe`, `deny` or the fallback → `inform`
      for a contact number withheld out of distrust (凭什么要我电话？不想给，你们别拿去推销,
      `bot.nlu.form_answers.withholds_phone`): the phone question's answer, told what the number
      is for and asked again; it left an urgent leak's form for a complaint;
    - `faq`, `apply_stop_heating`, `inform` or the fallback → `deny` for a change of mind that
      names its request and asks nothing (那还是别报停了, `changes_mind`);
    - `unsubscribe` → `subscribe` for a message that asks to be told (停热了通知我), and
      `subscribe`, `query_outage`, `cancel_ticket` or `faq` → `unsubscribe` for one that only
      refuses them (不要停热通知了 names an outage, 取消停热通知 a cancellation, 你们能不能别老给
      我发短信了 reads as a question: all are opt-outs);
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
    - `greet`, `thank` or `goodbye` → the request a clause makes
      (`bot.nlu.clauses.clause_intents`): 您好 打扰您了 我想查查我们家暖气费 got the menu, and the
      resident's account number, sent next, was asked "what do you want to do with it?"; 再给我
      个电话吧 有事我打电话问 got a goodbye;
    - → `query_ticket` for a message that names a ticket and asks how it is going
      (`asks_about_ticket`): 上个月投诉的事 处理结果呢 TS… opened a second complaint;
    - `file_complaint` → `request_human` for a manager asked to call back (`asks_for_a_manager`);
    - `query_outage`, `out_of_scope` or the fallback → `report_repair` for a message whose last
      clause asks for a repair by name and asks nothing (不是停暖的话那就派人来修吧,
      `ends_asking_for_repair`): the community was asked again after the stop was ruled out;
    - `goodbye` → `report_repair` for a sign-off that asks for a repair (您给报个修吧,
      `asks_for_repair`), and → the fallback for a plea of what to do now (那我咋办,
      `asks_for_another_way`): it got "祝您全家温暖过冬" after saying the 户号 was lost;
    - → `inform` for 那金色家园呢: a place asked about "and there?", which the actions resolve
      against the last answer (it read as a goodbye);
    - `query_outage` → `faq` for a question about the season's end that names no stop (暖气
      几月结束, the season topic first), which was answered "no stop in your community";
    - `faq` or `query_service_hall` → the request a clause makes (我要报停，另外去年的发票还没开;
      暖气不太热，想报个修，顺便问下营业厅周末开门吗): the request is what the resident came for;
      its form answers the question beside it;
    - → `faq` for what to do if it is still cold once a stop is over (那停完了还不热咋办,
      `asks_after_the_stop`): a question, not the address the repair form waits for;
    - `faq`, `inform`, `query_ticket`, `out_of_scope`, `goodbye` or the fallback → `query_outage`
      for a stop asked about by what is done (金色家园检修到哪天, `asks_about_a_stop`);
    - `inform` → the request a message of details names by its word (申请报停 户号… 尾号…
      地址…, `named_request`): it got "what do you want to do?";
    - `report_repair` → `report_meter_problem` for someone asked to look at the heat meter
      (能派人来看看表吗, 热表读数翻倍 是不是表坏了, `asks_meter_visit`): it switched a meter
      check to the repair form's fault question;
    - `faq` the topic model is unsure of, or `request_human` naming no person, → `report_repair`
      for a fault at home told with a plea for help (恁们给看看咋回事, 请帮助, help please …:
      `seeks_help_with_fault`);
    - `faq`, `inform`, `apply_stop_heating`, `goodbye`, `out_of_scope` or the fallback →
      `cancel_ticket` for a request taken back by its name (那报停给俺撤了吧,
      `withdraws_by_name`): the 报停 rules were answered and the ticket filed a moment before
      stayed;
    - `faq`, `inform` or the fallback → `apply_stop_heating` for a 报停 asked for one's own home
      in the form of a question (我是翠湖苑4号楼底商开服装店的 今年冬天店不开了 暖气能报停吗,
      `wants_stop_heating`; not 新房没装修可以报停吗 nor how to apply);
    - `faq` → `report_repair` for a fault at home told before another matter is asked (俺家地暖
      不大热 另外问一声 今年暖气供到几月几号, `fault_beside_a_question`);
    - `query_meter`, `report_meter_reading`, `inform`, the fallback or `faq` (only with a visit
      asked for) → `report_meter_problem` for a doubted meter (这表是不是坏了, 来人核一下表,
      `doubts_the_meter`): a meter check may be filed without the 户号, the readings may not;
    - `faq`, `file_complaint`, `inform`, `out_of_scope`, `goodbye` or the fallback →
      `query_ticket` for a question about a request already made (刚才俺投诉的那个 多长时间能给俺
      个回话, `asks_after_filed_request`): it opened a second complaint;
    - `report_repair` → `inform` for 那金色家园呢 我妈住那边 她说屋里不热 (no repair asked for by
      name): "and there?" about the last answer first.
    - the classes of `bot.nlu.resident_requests.resident_request`: a meter to check
      (热表黑屏了, 上门抄一下热表读数, 热表走得特别快 是不是表坏了) → `report_meter_problem`; a 报停
      wanted (想报停, 我…冬天不开了 能报停不) → `apply_stop_heating`; a fitter asked for as a ticket
      query → `report_repair`; the hotline's number asked as a hand-off → `faq`. A named request
      taken back (能把刚才那个报停撤了吗) is never made an opt-out, though a notice is named beside
      it; a clause read as a repair that states a fault and asks nothing (一个是我家书房暖气不热
      二是…) makes a question the repair.
    """

    def process(self, messages: list[Message]) -> list[Message]:
        """Move such messages' intent to the one they mean, confidence kept."""
        for message in messages:
            intent = message.get(INTENT) or {}
            name, text = intent.get(INTENT_NAME_KEY), str(message.get(TEXT) or "")
            answer = yes_no_answer(text)
            if answer is not None and name != answer:
                meant = answer
            elif name not in _DENIAL_KEEPS and (
                denied_request(text) or (puts_off_visit(text) and not is_question(text))
            ):
                # 我没说要投诉啊 / 不是报修 / 我没要转人工: what the bot started ends (players' C)
                meant = "deny"
            elif name != KB_INTENT and stranger_at_door(text):
                meant = KB_INTENT  # 门口有人说是热力公司的 要收300块 我不敢开门: the safety advice
            elif name not in _A_TIME_KEEPS and only_a_time(text):
                meant = "inform"  # tmr afternoon / 周六上午我在家: a visit time, not a request
            elif name == "file_complaint" and questions_the_stop_rule(text):
                meant = KB_INTENT  # 啊？今年报不了了？空着也得交全款？: the rule, asked (p4-010)
            elif name == "request_human" and asks_who_answers(text):
                meant = "bot_challenge"  # 请问是人工客服吗: who answers, no call-back wanted
            elif name in _PHONE_WITHHELD_LOOKALIKES and _withholds_phone(text):
                meant = "inform"  # 凭什么要我电话 不想给: the phone question's answer
            elif (
                name in _WITHDRAWAL_LOOKALIKES | {"affirm"}
                and changes_mind(text)
                and not is_question(text)
            ):
                # 好吧，那今年报停就算了: the 好吧 agrees to give it up, not to the offer
                meant = "deny"
            elif name in _CANCEL_LOOKALIKES and withdraws_by_name(text):
                meant = "cancel_ticket"  # 那报停给俺撤了吧: withdraw it, not the 报停 rules
            elif name in _STOP_MOVE_LOOKALIKES and moves_a_stop(text):
                meant = "query_outage"  # 停暖能改个时间吗 那天老人过生日: the stop, not a visit
            elif name not in _NOT_A_MOVE and moves_a_visit(text) and fault_type_of(text) is None:
                meant = "correct_info"  # 明天下午我有事 能改到后天上午吗: the booked visit moves
            elif name not in (KB_INTENT, "greet") and announces_question(text):
                # 姑娘 我问一下: 您请说 (`action_answer_faq`); a greeting keeps its own
                meant = KB_INTENT
            elif name == "file_complaint" and only_asks_what_it_costs(text):
                meant = KB_INTENT  # 你们来人修这玩意儿收钱不: a question, not a fee complaint
            elif name == "file_complaint" and (
                repair_not_complaint(text)
                or (
                    not_a_complaint(text)
                    and asks_for_repair(text)
                    and not asks_for_measurement(text)
                )
            ):
                meant = "report_repair"  # 算了 投诉也没用 派个靠谱师傅来修好就行
            elif name in ("bind_account", "cancel_ticket") and wants_unbind(text):
                meant = "unbind_account"
            elif name == "unsubscribe" and asks_for_notices(text):
                meant = "subscribe"
            elif (
                (name in REFUSAL_LOOKALIKES or (name == "faq" and _NOTICE_NAMED.search(text)))
                and refuses_notices(text)
                and not asks_for_notices(text)
                and not cancels_named_request(text)  # 刚接到通知…能把那个报停撤了吗
            ):
                meant = "unsubscribe"
            elif _not_about_notices(name, text):
                meant = _next_intent(message, {"unsubscribe", "subscribe", FALLBACK_INTENT})
            elif name in _READING_MISREAD and reports_reading(text) and not doubts_the_meter(text):
                meant = "report_meter_reading"
            elif name in _VISIT_REQUESTS | {KB_INTENT} and only_asking_how(text):
                meant = KB_INTENT  # not the repair a clause names: 不用派人 我就问问
            elif (
                name in _MEASURE_LOOKALIKES
                and asks_for_measurement(text)
                and not _ASKS_ABOUT_MEASURING.search(text)
                and not asks_general_question(text, name)
                and not only_asking_how(text)
            ):
                meant = "request_temp_check"  # 别整那些没用的 派人来量: the 测温, not a topic
            elif name in _STOP_APPLICATION_LOOKALIKES and wants_stop_heating(text):
                meant = "apply_stop_heating"  # 暖气能报停吗, said of one's own empty home
            elif name == KB_INTENT and fault_beside_a_question(text):
                meant = "report_repair"  # 俺家地暖不大热 另外问一声 供到几号: the repair first
            elif name in _METER_LOOKALIKES and doubts_the_meter(text, name == KB_INTENT):
                meant = "report_meter_problem"  # 这表是不是坏了 / 来人核一下表: a meter check
            elif name == "request_human" and doubts_the_meter(text, asked_in_general=True):
                # 想叫人来给抄个表 看看对不对: someone to come to the meter, not a person to talk to
                meant = "report_meter_problem"  # 这表是不是坏了 / 来人核一下表: a meter check
            elif by_words := resident_request(name, text, _topic_key(message)):
                meant = by_words  # bot.nlu.resident_requests: 热表黑屏了, 想报停, 人工电话存一个
            elif asked := _request_in_a_clause(message, name, text):
                meant = asked
            elif name not in ("query_ticket", "cancel_ticket") and asks_about_ticket(text):
                meant = "query_ticket"
            elif name in _FOLLOW_UP_LOOKALIKES and asks_after_filed_request(text):
                meant = "query_ticket"  # 刚才俺投诉的那个 多长时间回话: not a second complaint
            elif name in _MANAGER_CALL_LOOKALIKES and asks_for_a_manager(text):
                # 恁们领导呢 让领导给俺回个电话 (dev hav-022 heard the hotline, then KB buttons)
                meant = "request_human"
            elif name == "goodbye" and asks_for_repair(text):
                meant = "report_repair"
            elif name == "goodbye" and asks_for_another_way(text):
                # 那我咋办: no farewell but a plea; the fallback reads it against what was said
                meant = FALLBACK_INTENT
            elif name in _REPAIR_ASKED_LOOKALIKES and ends_asking_for_repair(text):
                meant = "report_repair"  # 不是停暖的话那就派人来修吧: the fitter, not the stop
            elif name in _ASKS_NOTHING and _and_there(message, text):
                meant = "inform"
            elif (
                name == "report_repair" and _and_there(message, text) and not asks_for_repair(text)
            ):
                # 那金色家园呢 我妈住那边 她说屋里不热: "and there?" first, about the last answer
                meant = "inform"
            elif name == "query_outage" and _season_not_a_stop(message, text):
                meant = "faq"
            elif name != KB_INTENT and asks_after_the_stop(text):
                meant = KB_INTENT
            elif name in _STOP_LOOKALIKES and asks_about_a_stop(text):
                meant = "query_outage"
            elif name == "inform" and (named := named_request(text)):
                meant = named
            elif name == "report_repair" and asks_meter_visit(text):
                meant = "report_meter_problem"
            elif _help_with_a_fault(message, name, text):
                meant = "report_repair"
            elif name == "query_fee" and cold_read_as_bill(text):
                # 我家怎么没暖气了 asked why: the repair flow tells a stop first; 阳光花园没暖气了吗
                # asks whether there is one
                meant = "report_repair" if asks_why_home_is_cold(text) else "query_outage"
            elif name == KB_INTENT and _states_a_broken_part(message, text):
                meant = "report_repair"  # 阀门坏了 拧到头也关不上 想关小点都不中: fix it
            elif (
                name in KB_LOOKALIKES
                and topic_confidence(message) >= KB_QUESTION_CONFIDENCE
                and (name != "request_human" or _topic_key(message) in _PERSON_TOPICS)
                and asks_general_question(text, name)
                and not _request_of_another_matter(message)
            ):
                meant = KB_INTENT
            else:
                continue
            message.set(INTENT, {**intent, INTENT_NAME_KEY: meant}, add_to_output=True)
        return messages


#: Topics that answer a question about reaching a person (人工电话多少): a hand-off asked as a
#: question is a KB question only for these; the topic model's guess of another topic (发票 for
#: 你们有没有人工电话 存一个) would answer what was not asked, so the hand-off stays.
_PERSON_TOPICS = frozenset({"faq/hotline", "faq/night_contact", "faq/complaint_channels"})
#: Intents a message of only a time keeps (`only_a_time`): it is a value (inform), or moves a
#: visit, agrees or refuses.
_A_TIME_KEEPS = frozenset({"inform", "correct_info", "affirm", "deny"})
#: Intents a message moving a booked visit keeps: taking it back, a person, a correction already.
_NOT_A_MOVE = frozenset({"correct_info", "cancel_ticket", "request_human", "deny"})
#: Intents a contact number withheld out of distrust (凭什么要我电话？不想给，你们别拿去推销) is
#: mistaken for: as a complaint it left the repair form, as the topic of changing the registered
#: number it was answered with that. As `inform` the form tells what the number is for.
#: Intents a manager asked to call back is mistaken for: the grievance, the hotline topic, a
#: sign of anger the classifier could not place.
_MANAGER_CALL_LOOKALIKES = frozenset(
    {"file_complaint", KB_INTENT, "out_of_scope", "inform", FALLBACK_INTENT}
)
_PHONE_WITHHELD_LOOKALIKES = frozenset(
    {"file_complaint", KB_INTENT, "out_of_scope", "unsubscribe", "deny", FALLBACK_INTENT}
)
#: Intents a repair asked for by name once the stop is ruled out (不是停暖的话那就派人来修吧, 没停
#: 啊？那你们派人来修) is mistaken for: the stop named, or nothing understood.
_REPAIR_ASKED_LOOKALIKES = frozenset({"query_outage", "out_of_scope", FALLBACK_INTENT})
#: Requests for a visit that "不用派人 我就问问 怎么自己弄" takes back (`only_asking_how`).
_VISIT_REQUESTS = frozenset({"report_repair", "request_temp_check"})
#: Intents a change of mind naming its request (那还是别报停了) is mistaken for: as a 报停 question
#: it was answered from the knowledge base inside the application's read-back, and the next 对
#: filed the 报停 the resident had just taken back. As `deny` the forms end without a ticket.
_WITHDRAWAL_LOOKALIKES = frozenset({KB_INTENT, "apply_stop_heating", "inform", FALLBACK_INTENT})
#: Intents a withdrawal naming its request (那报停给俺撤了吧) is mistaken for: as the 报停 topic
#: it got the rules of 报停, and the ticket filed a moment before stayed.
_CANCEL_LOOKALIKES = frozenset(
    {KB_INTENT, "inform", "apply_stop_heating", "goodbye", "out_of_scope", FALLBACK_INTENT}
)
#: Intents a 测温 asked for in words of impatience (别整那些没用的 派人来量) is mistaken for.
_MEASURE_LOOKALIKES = frozenset({KB_INTENT, "inform", "out_of_scope", FALLBACK_INTENT})
#: A question about the measurement itself (上门测温要收费吗, 怎么申请上门测温): the topic's answer.
_ASKS_ABOUT_MEASURING = re.compile(
    r"吗|[?？]|收费|费用|多少钱|免费|要钱|怎么|如何|流程|手续|需要|标准"
)
#: Intents a 报停 applied for in question form (暖气能报停吗, 现在还能办不) is mistaken for.
_STOP_APPLICATION_LOOKALIKES = frozenset({KB_INTENT, "inform", FALLBACK_INTENT})
#: Intents a doubted meter (这表是不是坏了) or a meter visit asked for is mistaken for: the
#: readings (which need the 户号), a reading given, the metering topic, or the bill (账单上的读数
#: 跟我表上的对不上 需要人来check一下: the bill was shown, the meter nobody came to check).
_METER_LOOKALIKES = frozenset(
    {"query_meter", "report_meter_reading", KB_INTENT, "inform", FALLBACK_INTENT, "query_fee"}
)
#: Intents a question about a request already made (刚才俺投诉的那个 多长时间回话) is mistaken for.
_FOLLOW_UP_LOOKALIKES = frozenset(
    {KB_INTENT, "file_complaint", "inform", "out_of_scope", "goodbye", FALLBACK_INTENT}
)
#: Intents a question about a heating stop named by what is done (检修到哪天) is mistaken for.
_STOP_LOOKALIKES = frozenset(
    {KB_INTENT, "inform", "query_ticket", "out_of_scope", "goodbye", FALLBACK_INTENT}
)
#: What a request to move the company's stop is read as (`moves_a_stop`): a visit moved, the
#: resident's own 报停, a question, a detail.
_STOP_MOVE_LOOKALIKES = _STOP_LOOKALIKES | {
    "correct_info",
    "apply_stop_heating",
    "report_repair",
    "cancel_ticket",
    "affirm",
    "deny",
}
#: Words that ask for a person (a message with none of them that tells of a fault wants it fixed).
_PERSON = re.compile(r"人工|客服|真人|接线|转接|person|human|agent|operator|staff", re.IGNORECASE)


def _help_with_a_fault(message: Message, intent: str | None, text: str) -> bool:
    """Whether a message read as a question the knowledge base is unsure of, or as a request for
    a person that names none, tells of a fault at home and asks for help with it
    (`seeks_help_with_fault`): 恁们给看看咋回事 got topic buttons, "help please 暖气 …" a
    call-back in an hour instead of a repair."""
    if not _fault_at_home(text):
        return False
    if intent == KB_INTENT:
        selector = (message.get(RESPONSE_SELECTOR_PROPERTY_NAME) or {}).get(KB_INTENT) or {}
        key = str((selector.get("response") or {}).get("intent_response_key") or "")
        unsure = topic_confidence(message) < KB_QUESTION_CONFIDENCE or not fits_words(key, text)
        return unsure and not asks_general_question(text, "report_repair")
    return intent == "request_human" and _PERSON.search(text) is None


#: Faults of a part that no answer fixes (a valve that will not turn, water escaping).
_BROKEN_PARTS = frozenset({"valve", "leak"})
#: How close the repair must run behind the knowledge base for a statement to be the repair.
_REPAIR_RUNNER_UP = 0.3


def _states_a_broken_part(message: Message, text: str) -> bool:
    """Whether a message read as a question states, without asking anything, that a part at
    home is broken (俺家暖气那个阀门坏了 拧到头也关不上 想关小点都不中), with the repair close
    behind: the frost set's resident got the valve topic's "keep valves fully open" and no
    booking after the seventh KB round's data moved it to faq 0.50 / report_repair 0.45."""
    if fault_type_of(text) not in _BROKEN_PARTS or is_question(text):
        return False
    if asks_general_question(text, "report_repair"):
        return False  # 俩阀门 一个进水一个回水 开多大合适: how to set them, not a broken part
    ranking = message.get(INTENT_RANKING_KEY) or []
    return any(
        r.get(INTENT_NAME_KEY) == "report_repair"
        and float(r.get("confidence") or 0) >= _REPAIR_RUNNER_UP
        for r in ranking
    )


def _topic_key(message: Message) -> str:
    """The topic model's best knowledge-base topic (faq/hotline), '' when it gave none."""
    selector = (message.get(RESPONSE_SELECTOR_PROPERTY_NAME) or {}).get(KB_INTENT) or {}
    return str((selector.get("response") or {}).get("intent_response_key") or "")


def topic_confidence(message: Message) -> float:
    """The topic model's confidence in its best knowledge-base topic (0 when it gave none)."""
    selector = (message.get(RESPONSE_SELECTOR_PROPERTY_NAME) or {}).get(KB_INTENT) or {}
    return float((selector.get("response") or {}).get(PREDICTED_CONFIDENCE_KEY) or 0.0)


def _withholds_phone(text: str) -> bool:
    """A contact number withheld out of distrust (`withholds_phone`) or none to give (我没手机 用的
    邻居的, `has_no_phone`, which read as a KB question got topic buttons), the request not taken
    back (电话不想给 那不修了 ends it; 不想给 alone is no giving up). A question beside the missing
    phone (我没手机 怎么交费) stays a question."""
    if takes_request_back(text):
        return False
    return withholds_phone(text) or (has_no_phone(text) and not is_question(text))


def _not_about_notices(intent: str | None, text: str) -> bool:
    """A subscription that asks for nothing, or an opt-out that names nothing sent."""
    if intent == "subscribe":
        return not asks_for_notices(text)
    return intent == "unsubscribe" and not names_notices(text)


#: The knowledge-base topic of the heating season, which an outage question is mistaken for.
SEASON_TOPIC = "faq/heating_season"


#: A question about a date of the season (which month, which day), not an hour of a stop.
_SEASON_DATE = re.compile("几月|哪个月|月份|几号|哪天")


def _season_not_a_stop(message: Message, text: str) -> bool:
    """Whether an "outage question" asks when the season ends (暖气几月结束): it asks a month or
    a day, names no stop (停暖, 恢复, bot.nlu.requests), and the season topic comes first."""
    if "query_outage" in requests_in(text) or asks_about_a_stop(text):
        return False  # 金色家园检修到哪天 asks a day too, of a stop
    if not _SEASON_DATE.search(text):
        return False
    selector = (message.get(RESPONSE_SELECTOR_PROPERTY_NAME) or {}).get("faq") or {}
    return (selector.get("response") or {}).get("intent_response_key") == SEASON_TOPIC


#: Intents a message that asks something is misread as when it has no request words.
_ASKS_NOTHING = (_SMALL_TALK - {"inform"}) | {FALLBACK_INTENT}
#: 那金色家园呢 / 还有和平里怎么样: a place named and asked about "and there?".
_AND_THERE = re.compile(r"^(那|那么|还有)\s*(\S{2,12}?)\s*(呢|咋样|怎么样)")


def _and_there(message: Message, text: str) -> bool:
    """Whether the message opens with "那 <a place it names> 呢"."""
    opening = _AND_THERE.match(text)
    return opening is not None and any(
        entity.get(ENTITY_ATTRIBUTE_TYPE) == "address" and entity.get("value") in opening.group(2)
        for entity in message.get(ENTITIES) or []
    )


def _request_in_a_clause(message: Message, intent: str | None, text: str) -> str | None:
    """The request a clause makes in a message read as small talk or as a question."""
    if intent in ("greet", "thank", "goodbye"):
        return _request_after_greeting(message)
    if intent in _QUESTION_TASKS:
        return _request_beside_a_question(message, text)
    return None


#: Intents that ask something without starting a form: a request in a clause beside one is what
#: the resident came for (暖气不太热，想报个修，顺便问下你们营业厅周末开门吗: the hall was
#: answered and the repair dropped); the repair form answers the hall question beside it.
_QUESTION_TASKS = frozenset({"faq", "query_service_hall"})


#: How sure the classifier must be of a clause's request, when the rules do not see it too, to
#: take it over a question the whole message was read as.
_SURE_REQUEST = 0.9
#: ... and of a clause read as a repair that states a fault at home and asks nothing.
_STATED_FAULT = 0.6


def _request_beside_a_question(message: Message, text: str) -> str | None:
    """The request a clause of a message read as a question makes (我要报修 暖气片不热 顺便问下过户
    要带什么材料; 我要报停，另外去年的发票还没开): the request is what the resident came for, and
    the question is answered beside it. Only a clause the classifier is sure of, or one the
    rules of `requests_in` see too, and not a clause that itself asks a general question.

    A message that asks one general question and asks nobody to act keeps the question, though a
    clause names what it is about (暖气片嗡嗡的 需要报修吗; 家里贼冷，来人测温也没到数儿，能给退点钱
    不; 想投诉热力公司 找哪个部门), when the topic model is sure of its topic
    (`_one_matter_question`): the answer names the task as the next step."""
    if _one_matter_question(message, text):
        return None
    return _clause_request(message, text)


def _clause_request(message: Message, text: str) -> str | None:
    """The first request a clause makes (`_request_beside_a_question`, without the exception)."""
    noticed = requests_in(text)
    for clause in message.get(CLAUSES) or []:
        intent, sure = clause.get(INTENT_NAME_KEY), float(clause.get("confidence") or 0)
        if (
            intent in FORM_STARTERS
            and (sure >= _SURE_REQUEST or intent in noticed)
            and not asks_general_question(str(clause.get(TEXT) or ""), str(intent))
        ):
            return str(intent)
        if (
            intent == "report_repair"
            and sure >= _STATED_FAULT
            and states_a_fault(str(clause.get("text") or ""), text)
        ):
            # 一个是我家书房暖气不热 二是想问问营业厅在哪: a fault stated among the questions
            return str(intent)
    return None


def _several_matters(message: Message) -> bool:
    """Whether a clause of the message opens another matter (另外, 顺便, 2、 …)."""
    return any(starts_new_matter(str(c.get(TEXT) or "")) for c in (message.get(CLAUSES) or [])[1:])


def _one_matter_question(message: Message, text: str) -> bool:
    """A general question that asks nobody to act (`asks_general_question`), about one matter,
    and the topic model at least `KB_QUESTION_CONFIDENCE` sure of its topic."""
    return (
        topic_confidence(message) >= KB_QUESTION_CONFIDENCE
        and not _several_matters(message)
        and asks_general_question(text)
    )


def _request_of_another_matter(message: Message) -> bool:
    """Whether, beside the question, a clause opening another matter is a request (暖气不热了，另外
    发票怎么开: the repair, and the invoice answered beside it)."""
    text = str(message.get(TEXT) or "")
    return _several_matters(message) and _clause_request(message, text) is not None


def _request_after_greeting(message: Message) -> str | None:
    """The first request a clause of a greeting message makes, if the classifier is sure of one.

    A knowledge question only when a clause asks one and the topic model is sure of its topic:
    谢谢师傅们，这么冷的天还跑一趟 thanks (its second clause read as a question asks nothing), and
    您好，请问是供热公司吗 greets (no topic answers it)."""
    asked = clause_intents({CLAUSES: message.get(CLAUSES)})
    for intent in asked:
        if intent in _SMALL_TALK:
            continue
        if intent == KB_INTENT and not _a_sure_question(message):
            if _cold_home_in_a_clause(message):
                return "report_repair"  # 你好 幸福里的暖气怎么不热了: the stop told first
            continue
        return intent
    return None


def _cold_home_in_a_clause(message: Message) -> bool:
    """Whether a clause read as a question tells of a fault at home and asks for help, or asks
    why the home is cold (`_help_with_a_fault`'s wordings), beside a greeting."""
    questions = [
        str(c.get(TEXT) or "")
        for c in message.get(CLAUSES) or []
        if c.get(INTENT_NAME_KEY) == KB_INTENT
    ]
    return any(_fault_at_home(q) for q in questions)


def _fault_at_home(text: str) -> bool:
    """A fault at home told with a plea for help, asked why, or a cold home stated: the repair
    flow's (it tells a stop where the resident lives first), if no sure topic answers it."""
    # not among questions (营业厅在哪 …); 喂 在不在 only calls for attention
    stated = tells_cold_home(text) and not is_question(_CALLING.sub("", text))
    return seeks_help_with_fault(text) or asks_why_home_is_cold(text) or stated


#: An opening that calls for attention (喂 在不在, 您好 有人吗): it asks nothing of the matter.
_CALLING = re.compile(r"^\s*(喂|你好|您好|哎)?[，,\s]*(在不在|在吗|有人吗|有人没)[？?，,\s]*")


def _a_sure_question(message: Message) -> bool:
    """Whether a clause the classifier read as the FAQ asks something, and the topic model is
    sure enough of the message's topic to answer it."""
    questions = [
        str(c.get("text") or "")
        for c in message.get(CLAUSES) or []
        if c.get(INTENT_NAME_KEY) == KB_INTENT
    ]
    return any(is_question(q) for q in questions) and (
        topic_confidence(message) >= KB_QUESTION_CONFIDENCE
    )


def _next_intent(message: Message, excluded: set[str]) -> str:
    """The best-ranked intent of `message` outside `excluded` (`cancel_ticket` if none)."""
    for ranked in message.get(INTENT_RANKING_KEY) or []:
        name = ranked.get(INTENT_NAME_KEY)
        if name and name not in excluded:
            return str(name)
    return "cancel_ticket"
