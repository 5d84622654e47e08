"""Verification and what it unlocks: the fee query, account binding, 报停 applications, and the
查表 requests that `actions.meters` answers.

Nothing about an account is shown or changed before the sender is verified: bound to the account,
or able to give the last four digits of its registered phone (with the policy's failure limits).
"""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.applications import (
    FILED_UNVERIFIED,
    application_done,
    application_slots,
    file_unverified,
    late_stop_asked,
    only_a_community,
    proof_required,
    proving_given_account,
)
from actions.common import (
    ContactSlots,
    bot_said_within,
    channel_of,
    guarded,
    in_db,
    latest_intent,
    latest_text,
    leave_form,
    message_key,
    message_metadata,
    offer_second_request,
    offer_way_out,
    policy,
    read_db,
    reproach,
    requested,
    sender_phone,
    uttered,
    verified_account,
)
from actions.knowledge import answer_topics, question_knowledge
from actions.meters import METER_PURPOSES, serve_meter_request
from actions.outage import community_of, tell_stop_once
from actions.readback import SLOT as READ_BACK_SLOT
from actions.readback import ReadBackSlot, withdrawn_at_read_back
from actions.side_questions import answer_side_questions, follow_up_instead
from actions.subscriptions import offer_after_binding
from bot.base import clock
from bot.channels.source import source_of
from bot.nlu.bill_questions import bill_asked
from bot.nlu.disputed_proof import disputes_mismatch
from bot.nlu.form_answers import area_asked, no_account_number
from bot.nlu.heating_back import wants_heating_back
from bot.nlu.numbers import (
    chinese_to_arabic,
    gives_last4,
    last4_candidates,
    normalise_account_no,
    normalise_phone,
)
from bot.nlu.requests import (
    cannot_provide,
    declines_lookup,
    earlier_season,
    requests_in,
    takes_request_back,
)
from bot.nlu.text import normalise
from bot.policy.faq import number_text
from bot.policy.knowledge import load_knowledge
from bot.policy.named_city import policy_for_text
from bot.privacy import mask_account
from bot.services import applications as application_service
from bot.services.accounts import (
    FeeSummary,
    bill_follow_up,
    fee_summary,
    is_registered_phone,
    verify,
    wait_text,
)
from bot.services.stop_heating import application_label, late_season_note
from bot.services.topics import topic_asked
from bot.store.accounts import (
    accounts_bound_to,
    bind_account,
    community_is_metered,
    get_account,
    unbind_accounts,
)

#: Characters no account-number answer needs: their presence means code or a paste.
_CODE_LIKE = re.compile(r"[A-Za-z'\";=<>\\/*(){}]")
PURPOSES = {"query_fee", "bind_account", "apply_stop_heating"} | METER_PURPOSES
#: The resident will get it done another way or another time (那我明天去营业厅吧, 回头找到单子再查).
GOING_ELSEWHERE = re.compile(
    "(?:去|到|上|跑)(?:一趟)?(?:营业厅|柜台)|营业厅(?:去|办|查|问)|改天|回头再|下次再|以后再|"
    "(?:明天|过两天|晚点|晚些)再|先不查|不查了|找到了?再|等我找到"
)
LOCKED = "locked"
#: A mobile number given for the account number: what it is, and the other ways (so the list
#: of ways out is not said a second time in the same turn).
PHONE_NOT_ACCOUNT = "utter_account_no_is_phone"


#: The question for the registered phone's last four digits (domain.yml).
LAST4_QUESTION = "utter_ask_phone_last4"
#: The questions of the verification itself (a withdrawal or 不知道 answers them specially).
_PROOF_QUESTIONS = ("account_no", "phone_last4")
#: The questions of an application filed unverified (`actions.applications`).
_APPLICATION_QUESTIONS = ("address", "phone", "visit_time")


STOP_PURPOSE = "apply_stop_heating"
#: The knowledge-base topic that says how heating comes back after a 报停.
RESUME_TOPIC = "resume_heating"
#: The resident's latest messages in which heating wanted back counts (the request, then
#: 能在这直接帮我申请吗 read as a 报停).
_BACK_MESSAGES = 3


def heating_wanted_back(tracker: Tracker) -> bool:
    """Whether one of the resident's latest messages asks for heating back after a 报停
    (`bot.nlu.heating_back`): the players' pl-40 was drafted a 报停 for exactly that."""
    said = [str(e.get("text") or "") for e in tracker.events if e.get("event") == "user"]
    return any(wants_heating_back(text) for text in said[-_BACK_MESSAGES:])


def tell_heating_back(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """How heating comes back (the knowledge base's answer) and a person offered, and the 报停
    form left: a resume needs staff to check and open the valve, which this chat cannot file."""
    kb = load_knowledge(policy())
    answer_topics(dispatcher, tracker, kb, [RESUME_TOPIC])
    dispatcher.utter_message(
        response="utter_heating_back_here",
        hotline=policy().company.hotline,
        buttons=[{"title": "转人工", "payload": "转人工"}],
    )
    return [*leave_form(tracker), SlotSet("pending", "human")]


def _request_message(tracker: Tracker) -> dict[str, Any] | None:
    """The newest message whose intent is one of `PURPOSES`: the request the verification
    serves. The last four digits given in more words at their question (哦哦我记反了 是5678, read
    as a meter reading) are the proof's answer, not a new request: taken for one, the verified
    fee query asked for a meter reading instead (hail x hax-015)."""
    asked: str | None = None
    messages: list[tuple[dict[str, Any], str | None]] = []  # each with the question it answered
    for event in tracker.events:
        if event.get("event") == "bot":
            asked = (event.get("metadata") or {}).get("utter_action") or asked
        elif event.get("event") == "user":
            messages.append((event, asked))
    for event, question in reversed(messages):
        intent = (event.get("parse_data") or {}).get("intent", {}).get("name")
        proof = question == LAST4_QUESTION and gives_last4(event.get("text"))
        if intent in PURPOSES and not proof:
            return event
    return None


def request_purpose(tracker: Tracker) -> str | None:
    """The intent of the request the verification serves (`_request_message`)."""
    found = _request_message(tracker)
    return str(found["parse_data"]["intent"]["name"]) if found else None


class ValidateVerifyForm(ContactSlots, ReadBackSlot, FormValidationAction):
    """Asks for the account and the phone's last four digits unless the sender is bound to it;
    for a request that may be filed unverified (报停, a meter-check visit), asks the address and
    a contact phone instead (`actions.applications`)."""

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        """The proof questions, or an unverified application's questions when the request is
        one that may be filed without proof and the sender has none."""
        purpose = request_purpose(tracker)
        if (
            purpose in FILED_UNVERIFIED
            and not verified_account(tracker)
            and not proof_required(tracker)  # past the limit: the 户号 instead (applications)
            and not proving_given_account(tracker)  # 想报停 户号0102345678: proved, then filed
        ):
            return application_slots(purpose)
        if purpose == STOP_PURPOSE:
            # 我要报停，户号0102345678 → 5678: read back (and a late one warned) before filing,
            # as by address (players' J: filed at once, next winter's, without a word)
            return [*domain_slots, READ_BACK_SLOT]
        return list(domain_slots)

    def name(self) -> str:
        """The form validation action's name, as in domain.yml."""
        return "validate_verify_form"

    @guarded
    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Skip the questions when this sender already proved, or is bound to, the account; a
        proof that lapsed is dropped first, with a word on why the questions come again. A
        question asked beside the request (顺便问下过了年再交有没有滞纳金) is answered first.
        Heating wanted back (恢复供暖) is never filed as a 报停; a 报停 asked about too late for
        this winter (还能报停吗) is answered and offered for the next (`late_stop_asked`)."""
        if tracker.get_slot("requested_slot") == READ_BACK_SLOT:
            # 那还是别报停了 撤回吧 at the read-back: nothing was filed, so nothing to take back
            # but the request (its 撤回 is no wish for heating back after a 报停)
            withdrawn = await withdrawn_at_read_back(dispatcher, tracker)
            if withdrawn is not None:
                return withdrawn
        if request_purpose(tracker) == STOP_PURPOSE and heating_wanted_back(tracker):
            return tell_heating_back(dispatcher, tracker)
        if (follow_up := follow_up_instead(dispatcher, tracker)) is not None:
            return follow_up  # 多少钱 right after an answer: that answer's cost, no 户号 asked
        if not tracker.get_slot("requested_slot") and await answer_about_bill(dispatcher, tracker):
            return leave_form(tracker)  # 多少钱 啥时候截止 right after the bill: from that bill
        said_before = len(dispatcher.messages)
        await answer_side_questions(dispatcher, tracker)
        if (late := late_stop_asked(dispatcher, tracker)) is not None:
            return late
        verified = verified_account(tracker)
        starting = not tracker.get_slot("requested_slot")
        estimated = starting and await tell_fee_estimate(dispatcher, tracker)
        if estimated and not verified:
            return leave_form(tracker)  # 那我家76平要交多少: the price asked, no 户号 needed
        wanted = tracker.get_slot("account_no")
        if verified and wanted in (None, verified):
            if tracker.get_slot("requested_slot") == READ_BACK_SLOT:
                # the read-back of a 报停 on the proved account: its answer (算了 was heard above)
                return await FormValidationAction.run(self, dispatcher, tracker, domain)
            return _skip_questions(verified)
        if tracker.get_slot("verified_account") and not verified:
            dispatcher.utter_message(
                response="utter_verification_expired",
                minutes=policy().verification.idle_minutes,
            )
            lapsed = [SlotSet("verified_account", None), SlotSet("phone_last4", None)]
            return lapsed + await FormValidationAction.run(self, dispatcher, tracker, domain)
        withdrawn = await withdrawn_at_read_back(dispatcher, tracker)
        if withdrawn is not None:
            return withdrawn
        question = tracker.get_slot("requested_slot")
        asking = question in _PROOF_QUESTIONS or question in _APPLICATION_QUESTIONS
        if question in _PROOF_QUESTIONS and declines_lookup(latest_text(tracker)):
            # 不查费 我就想知道能不能提前来热 / 先别查 你就告诉我…: the question is answered (here
            # when no side answer was), and the 户号 is not asked for again
            return await _answered_instead(dispatcher, tracker, domain, said_before)
        if asking and GOING_ELSEWHERE.search(latest_text(tracker)):
            # 那我明天去营业厅吧: they have chosen another way; asking again is a wall
            dispatcher.utter_message(response="utter_verify_elsewhere")
            return leave_form(tracker)
        disputed = question == "phone_last4" and _disputed(latest_text(tracker))
        if disputed:
            # 不可能不对，我就这一个手机号！: why the digits did not match, and the other ways
            dispatcher.utter_message(response="utter_verify_mismatch_why")
            dispatcher.utter_message(
                response="utter_verify_alternatives", hotline=policy().company.hotline
            )
        elif question in _PROOF_QUESTIONS and cannot_provide(latest_text(tracker)):
            dispatcher.utter_message(
                response="utter_verify_alternatives", hotline=policy().company.hotline
            )
        elif asking and _changed_mind(tracker):
            # 那还是别报停了: the request is taken back, so no proof is needed any more (asking
            # for the digits again, or offering 报停 topics, would ignore what was said)
            dispatcher.utter_message(response="utter_form_stopped")
            return leave_form(tracker)
        bound = await read_db(_bound_numbers, channel_of(tracker), tracker.sender_id)
        target = wanted or (bound[0] if bound else None)
        if target is not None and target in bound:
            dispatcher.utter_message(response="utter_verified_bound", account=mask_account(target))
            return _skip_questions(target)
        purpose = request_purpose(tracker)
        unverified = purpose in FILED_UNVERIFIED and question in _APPLICATION_QUESTIONS
        no_account = unverified and no_account_number(latest_text(tracker))
        if no_account:
            # 没有户号 房子是我爸的: the question said a 户号 was welcome, not needed; the
            # answer is that it is not needed, not where a 户号 is printed (a KB lecture)
            dispatcher.utter_message(response="utter_no_account_needed")
        events = await FormValidationAction.run(self, dispatcher, tracker, domain)
        if (no_account or disputed) and not any(_sets(e, str(question)) for e in events):
            # a SlotSet besides `requested_slot` keeps the form (the classifier's FAQ or
            # complaint reading would make it reject the message), which then asks its question
            # once
            events = [*events, SlotSet(str(question), None)]
        if purpose in FILED_UNVERIFIED and await only_a_community(_held_address(tracker, events)):
            # 我家是翠湖苑的 in the request: the community, not the household's door; the
            # question comes in its turn and the community said completes the answer
            events = [*events, SlotSet("address", None)]
        if question in _APPLICATION_QUESTIONS or question == "details_confirmed":
            offer_way_out(dispatcher, tracker, events)
            return events
        account = _account_given(tracker, events)
        own = sender_phone(tracker)
        registered = bool(account and own) and await read_db(
            is_registered_phone, str(account), str(own)
        )
        if account and registered:
            # The registered phone texting in has proved more than its last digits could.
            dispatcher.utter_message(
                response="utter_verified_by_number", account=mask_account(account)
            )
            return [*events, *_skip_questions(account)]
        if not any(m.get("response") == PHONE_NOT_ACCOUNT for m in dispatcher.messages):
            offer_way_out(dispatcher, tracker, events, "utter_verify_alternatives")
        return events

    async def extract_account_no(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """A bare account number answering the question, whatever intent NLU gave it."""
        text = latest_text(tracker)
        if requested(tracker, "account_no") and normalise_account_no(text):
            return {"account_no": text}
        told = _proof_told_before(tracker)
        if told and not tracker.get_slot("account_no"):
            return {"account_no": told[0]}  # the 户号 given with the repair's details
        return {}

    async def extract_phone_last4(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Four digits answering the question (尾号5678, ５６７８), whatever the intent."""
        text = latest_text(tracker)
        if requested(tracker, "phone_last4") and len(last4_candidates(text)) == 1:
            return {"phone_last4": text}
        if _both_given(text):
            # 户号0102345679 手机尾号5679 in one message: asking for the digits again ignores them
            return {"phone_last4": text}
        mobile = _whole_mobile(text)
        if mobile and (requested(tracker, "phone_last4") or _account_beside_mobile(text)):
            # the whole number where its last four were asked (13812345678), or with the 户号
            # (户号0102345678 手机13812345678): the whole number is checked, not its end alone
            return {"phone_last4": mobile}
        told = _proof_told_before(tracker)
        if told and told[0] == tracker.get_slot("account_no"):
            # 电话13812345678，户号0102345678 given earlier in this conversation: the same proof
            # the form takes in one message, checked (and counted) like it
            return {"phone_last4": told[1]}
        return {}

    async def validate_account_no(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """8–12 digits with at most Chinese filler (户号是…); code or letters are refused."""
        text = str(value or "")
        account = None if _CODE_LIKE.search(text) else normalise_account_no(text)
        if account is not None and await read_db(_mobile_not_account, account):
            # 13500001234 where the 户号 was asked: a phone number, and asking for "its last four
            # digits" next would verify nothing; say what it is and how else to get it done
            dispatcher.utter_message(response=PHONE_NOT_ACCOUNT, hotline=policy().company.hotline)
            return {"account_no": None}
        if account is None:
            dispatcher.utter_message(response="utter_invalid_account_no")
        return {"account_no": account}

    async def validate_phone_last4(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Check the four digits, or the whole number when one was given, against the account,
        counting failures per sender and account."""
        digits = _proof_in(str(value or ""))
        if digits is None:
            reproach(dispatcher, "utter_invalid_last4")  # not after the other ways were said
            return {"phone_last4": None}
        return await _check_proof(dispatcher, tracker, str(tracker.get_slot("account_no")), digits)


def _disputed(text: str) -> bool:
    """Whether `text` protests the refused digits without giving any (`disputes_mismatch`): a
    message with digits in it is checked instead."""
    return disputes_mismatch(text) and _proof_in(text) is None


def _proof_in(text: str) -> str | None:
    """The one proof a message gives: a whole mobile number, else its one group of four digits."""
    mobile = _whole_mobile(text)
    digits = [mobile] if mobile else last4_candidates(text)
    return digits[0] if len(digits) == 1 else None


async def _check_proof(
    dispatcher: CollectingDispatcher, tracker: Tracker, account: str, digits: str
) -> dict[str, Any]:
    """Check the digits against the account, counting failures per sender and account, and say
    how it went: the slots the form keeps (`phone_last4` ok, `LOCKED`, or None to ask again)."""
    rules = policy()
    now = clock.now()
    source = source_of(message_metadata(tracker))
    result = await in_db(
        verify, rules, channel_of(tracker), tracker.sender_id, account, digits, now, source
    )
    if result.ok:
        return {"phone_last4": "ok", "verified_account": account}
    if result.retry_at is not None:
        dispatcher.utter_message(
            response="utter_verify_paused" if result.paused else "utter_verify_locked",
            wait=wait_text(result.retry_at - now),
            retry_at=clock.format_moment(result.retry_at),
            hotline=rules.company.hotline,
        )
        return {"phone_last4": LOCKED, "verified_account": None}
    dispatcher.utter_message(response="utter_verify_failed", remaining=result.remaining)
    return {"phone_last4": None}


#: The answers that tell the resident to wait before the digits are checked again.
WAIT_ANSWERS = frozenset({"utter_verify_locked", "utter_verify_paused"})


async def digits_after_wait(
    dispatcher: CollectingDispatcher, tracker: Tracker
) -> list[EventType] | None:
    """The digits sent again right after the bot said to wait (p3-082: 5678 after the lockout got
    "请问您想办理什么业务"): tried on the same account like an answer to the question. While the
    wait holds the try is refused uncounted (`verify`) and the wait is said again with the time
    left; once it is over the digits are checked, and the lookup goes on (the bill) or asks
    again. None for any other message, or when no account was being verified."""
    if not bot_said_within(tracker, WAIT_ANSWERS, 3):
        return None
    text = latest_text(tracker)
    digits = _proof_in(text)
    account = _account_tried(tracker)
    if digits is None or account is None or normalise_account_no(text) == account:
        return None
    checked = await _check_proof(dispatcher, tracker, account, digits)
    if checked["phone_last4"] == LOCKED:
        return []
    events: list[EventType] = [SlotSet("account_no", account)]
    if checked["phone_last4"] == "ok":
        events.append(SlotSet("verified_account", account))
    return [*events, FollowupAction("verify_form")]


def _account_tried(tracker: Tracker) -> str | None:
    """The account number this conversation last gave for a verification (cleared when the
    lookup ended), None when none was given."""
    for event in reversed(tracker.events):
        if event.get("event") == "slot" and event.get("name") == "account_no" and event["value"]:
            return str(event["value"])
    return None


#: Intents whose own rules stop the form (form_interruptions.yml): their wording is theirs.
_STOPPING_INTENTS = frozenset({"deny", "cancel_ticket", "goodbye", "request_human"})
#: Requests that switch to their own form (不查了 我要报修): the switch rules answer them.
_OTHER_REQUESTS = frozenset({"report_repair", "request_temp_check", "file_complaint"})


async def _answered_instead(
    dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict, said_before: int
) -> list[EventType]:
    """The form's end for a resident who wants no lookup but an answer (`declines_lookup`):
    the knowledge base answers unless a side answer (a stop, a hall, a topic) already did."""
    left = leave_form(tracker)
    if len(dispatcher.messages) > said_before:
        return left
    kb = question_knowledge(tracker, policy())
    topic = topic_asked(tracker.latest_message, kb.retrieval)
    if topic is not None and topic in kb.topics:
        # 先别查 你就告诉我没人住能不能退钱, read as a goodbye: its topic, whatever the intent
        answer_topics(dispatcher, tracker, kb, [topic])
        return left
    from actions.conversation import ActionAnswerFaq  # conversation imports this module

    return [*left, *await ActionAnswerFaq().run(dispatcher, tracker, domain)]


def _sets(event: EventType, slot: str) -> bool:
    return event.get("event") == "slot" and event.get("name") == slot


def _held_address(tracker: Tracker, events: list[EventType]) -> str | None:
    """The address as the form holds it once `events` are applied."""
    set_now = [e for e in events if e.get("event") == "slot" and e.get("name") == "address"]
    value = set_now[-1].get("value") if set_now else tracker.get_slot("address")
    return str(value) if value else None


def _changed_mind(tracker: Tracker) -> bool:
    """Whether the latest message withdraws the request under verification, whatever the
    classifier made of it (a withdrawal that names 报停 reads as a 报停 question)."""
    intent = tracker.latest_message.get("intent", {}).get("name")
    if intent in _STOPPING_INTENTS or intent in _OTHER_REQUESTS:
        return False
    return takes_request_back(latest_text(tracker))


def _account_given(tracker: Tracker, events: list[EventType]) -> str | None:
    """The account number the resident has given and the form accepted, while the phone check
    is still to come."""
    if tracker.get_slot("phone_last4"):
        return None
    validated = [e for e in events if e.get("event") == "slot" and e.get("name") == "account_no"]
    value = validated[-1].get("value") if validated else tracker.get_slot("account_no")
    return str(value) if value else None


def _mobile_not_account(session: Any, number: str) -> bool:
    """Whether `number` is a mobile number (11 digits, 1[3-9]…) that is no account of ours: an
    account number of that shape is accepted, so the rule can only refuse phones."""
    return normalise_phone(number) == number and get_account(session, number) is None


#: Words that say the four digits are the phone's last ones (尾号, 后四位, 后4位).
_LAST4_CUE = re.compile(r"尾号|尾数|后(四|4)位")


def _both_given(text: str) -> bool:
    """Whether `text` gives the account number and, named as such, the phone's last four
    digits (户号0102345679 手机尾号5679), or the two bare numbers in that order, the way they
    are asked (0102345678 5678 查费: players' class E; asking for the last four again ignored
    them). Four digits that are a year or a date (0102345678 2025年的) are not the proof."""
    if _BARE_PAIR.fullmatch(chinese_to_arabic(normalise(text)).strip()):
        return True
    return (
        normalise_account_no(text) is not None
        and _LAST4_CUE.search(normalise(text)) is not None
        and len(last4_candidates(text)) == 1
    )


#: A 户号 and then four digits on their own, with at most words around them (no other digits).
_BARE_PAIR = re.compile(r"\D*?(?<!\d)\d{8,12}[\s,，、;；/]+\d{4}(?![\d年月日号])\D*")


_MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


def _whole_mobile(text: str) -> str | None:
    """The one mobile number in `text` (spaces and dashes allowed), else None."""
    found = set(_MOBILE.findall(re.sub(r"[\s-]", "", chinese_to_arabic(normalise(text)))))
    return found.pop() if len(found) == 1 else None


def _account_beside_mobile(text: str) -> str | None:
    """The 户号 `text` gives besides its mobile number, None when it gives none."""
    flat = re.sub(r"[\s-]", "", chinese_to_arabic(normalise(text)))
    return normalise_account_no(_MOBILE.sub(" ", flat))


#: The account's questions and checks: once one was said, an earlier proof is not used again.
_PROOF_ASKED = frozenset(
    {"utter_ask_account_no", "utter_ask_phone_last4", "utter_verify_failed", *WAIT_ANSWERS}
)


def _proof_told_before(tracker: Tracker) -> tuple[str, str] | None:
    """The 户号 and its proof that an earlier message of this conversation gave together, for a
    lookup that starts now: the whole registered mobile beside the 户号 (地址…，电话13812345678，
    户号0102345678 in a repair's details) or the 户号 with the last four named (户号… 尾号5678).

    docs/security.md: a whole mobile given with the 户号 is the proof, compared in full, and a
    wrong one counts as a failed try; the same message given to the lookup would be checked
    so, and asking for its last four again (hail t hat-037) asks for what was said. The proof is
    used once: not after the account's questions or a check were said since it. A phone given
    alone (a contact number) proves nothing. None otherwise."""
    if tracker.get_slot("requested_slot"):
        return None
    latest = True
    for event in reversed(tracker.events):
        if event.get("event") == "bot" and uttered(event) in _PROOF_ASKED:
            return None
        if event.get("event") != "user":
            continue
        if latest:
            latest = False  # the message now answered is the form's own (extract_phone_last4)
            continue
        text = str(event.get("text") or "")
        mobile = _whole_mobile(text)
        if mobile and (account := _account_beside_mobile(text)):
            return account, mobile
        if _both_given(text) and (account := normalise_account_no(text)):
            return account, text
    return None


def _skip_questions(account: str) -> list[EventType]:
    return [
        SlotSet("account_no", account),
        SlotSet("verified_account", account),
        SlotSet("phone_last4", "verified"),
        SlotSet("requested_slot", None),
    ]


def _bound_numbers(session: Any, channel: str, sender_id: str) -> list[str]:
    return [a.account_no for a in accounts_bound_to(session, channel, sender_id)]


class ActionUnbindAccount(Action):
    """解绑: removes this sender's bindings; removing one's own link needs no verification."""

    def name(self) -> str:
        """The action's name, as in domain.yml."""
        return "action_unbind_account"

    @guarded
    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Unbind the account named (or every account bound to this sender) and say which; a
        verification this conversation holds for it ends too."""
        named = normalise_account_no(latest_text(tracker))
        unbound = await in_db(unbind_accounts, channel_of(tracker), tracker.sender_id, named)
        if not unbound:
            dispatcher.utter_message(response="utter_nothing_bound")
            return []
        shown = "、".join(mask_account(number) for number in unbound)
        dispatcher.utter_message(response="utter_unbound", accounts=shown)
        if tracker.get_slot("verified_account") in unbound:
            return [SlotSet("verified_account", None), SlotSet("account_no", None)]
        return []


class ActionAfterVerification(Action):
    """Does what the user asked for once verified: show the bill, bind, apply for 报停, or hand a
    查表 request to `actions.meters`."""

    def name(self) -> str:
        """The action's name, as in domain.yml."""
        return "action_after_verification"

    @guarded
    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Dispatch on the intent that started the verification."""
        account = verified_account(tracker)
        purpose = request_purpose(tracker) or "query_fee"
        if not account and purpose in FILED_UNVERIFIED and not proof_required(tracker):
            if tracker.get_slot("details_confirmed") is True:
                return await file_unverified(dispatcher, tracker, purpose)
            return application_done()
        if not account or account != tracker.get_slot("account_no"):
            return [SlotSet("phone_last4", None), SlotSet("account_no", None)]
        started_by = str((_request_message(tracker) or {}).get("text") or "")
        asked = requests_in(started_by)
        if purpose == "bind_account" or (purpose == "query_fee" and "bind_account" in asked):
            # 我想把户号绑上，顺便看看还欠多少 reads as a fee query: the proof serves both
            await in_db(bind_account, channel_of(tracker), tracker.sender_id, account, clock.now())
            dispatcher.utter_message(response="utter_bound", account=mask_account(account))
        elif purpose == "apply_stop_heating":
            if tracker.get_slot(READ_BACK_SLOT) is not True:
                return [SlotSet("phone_last4", None)]  # not confirmed (算了 at the read-back)
            await _apply_stop_heating(dispatcher, tracker, account)
        elif purpose in METER_PURPOSES:  # 查表 is its own service (actions.meters), not billing
            await serve_meter_request(dispatcher, tracker, account, purpose)
        if purpose == "query_fee" or "query_fee" in asked:
            # 绑好了顺便查一下交了没有: the account is proven now, so the bill asked for in the
            # same message is shown at once instead of offered; 去年的暖气费交了吗 is last season's
            back = earlier_season(started_by)
            summary = await read_db(fee_summary, policy(), account, clock.now().date(), back)
            _show_fee(dispatcher, summary, earlier=back > 0)
        stopped = "report_repair" in asked and await tell_stop_once(dispatcher, tracker)
        second = offer_second_request(
            dispatcher, tracker, {"query_fee", purpose}, started_by, stopped=stopped
        )
        if purpose == "bind_account" and not second:
            second = await offer_after_binding(dispatcher, tracker, account)
        return [SlotSet("phone_last4", None), SlotSet(READ_BACK_SLOT, None), *second]


async def tell_fee_estimate(dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
    """那我家76平要交多少 (after the price, or on its own): the published area price times the
    area said, as the arithmetic anyone may do (no account, nothing private), and how to see
    one's own bill; in a metered community (翠湖苑 100平多少钱) the prepayment by area and the
    two-part settlement instead (players' finding: 24 元/m² alone was quoted there). False,
    saying nothing, when the message names no area with a question of amount (`area_asked`) or
    the price is not by area."""
    if latest_intent(tracker) not in ("query_fee", "faq"):
        return False
    area = area_asked(latest_text(tracker))
    rules = policy_for_text(latest_text(tracker), policy())  # 天津100平: Tianjin's price
    fees = rules.fees
    if area is None or not fees.area_price_per_m2:
        return False
    total = round(area * fees.area_price_per_m2, 2)
    common = {
        "area": number_text(area),
        "price": number_text(fees.area_price_per_m2),
        "basis": fees.area_basis,
        "total": number_text(total),
    }
    community = await community_of(tracker)
    metering = rules.metering
    if (
        community
        and metering.available
        and metering.base_price_per_m2
        and await read_db(community_is_metered, community)
    ):
        dispatcher.utter_message(
            response="utter_fee_estimate_metered",
            community=community,
            base=number_text(metering.base_price_per_m2),
            base_total=number_text(round(area * metering.base_price_per_m2, 2)),
            energy=number_text(metering.energy_price_per_kwh),
            **common,
        )
        return True
    dispatcher.utter_message(response="utter_fee_estimate", **common)
    return True


#: The answers that show a bill: a follow-up right after one is about bills.
BILL_ANSWERS = frozenset({"utter_fee_summary", "utter_fee_no_bill"})
#: How many of the resident's messages back a bill still makes 那去年的呢 a question about bills.
BILL_FOLLOW_UP_MESSAGES = 2


def bill_shown_lately(tracker: Tracker) -> bool:
    """Whether the bot showed a bill in answer to one of the resident's last
    `BILL_FOLLOW_UP_MESSAGES` messages before the latest."""
    users = 0
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            users += 1
            if users > BILL_FOLLOW_UP_MESSAGES:
                return False
        elif (
            event.get("event") == "bot"
            and users >= 1
            and (event.get("metadata") or {}).get("utter_action") in BILL_ANSWERS
        ):
            return True
    return False


async def answer_about_bill(dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
    """A short question right after a bill, read against it whatever the classifier made of
    the words (a yes, a value, a question): 那去年的呢 is the earlier season's bill of the same
    verified account; 多少钱 啥时候截止 / 晚交有滞纳金吗 are answered from the bill just shown and
    the policy (`bill_follow_up`: the amount, the deadline, the late fee from which day; hax-013
    got a menu of topics). False when the message asks neither, no bill was just shown, or the
    proof has lapsed (the message then keeps its usual meaning)."""
    text = latest_text(tracker)
    back = earlier_season(text)
    asked = frozenset() if back else bill_asked(text)
    if not (back or asked) or not bill_shown_lately(tracker):
        return False
    account = verified_account(tracker)
    if not account:
        return False
    today = clock.now().date()
    summary = await read_db(fee_summary, policy(), account, today, back)
    if back:
        _show_fee(dispatcher, summary, earlier=True)
    else:
        dispatcher.utter_message(text=bill_follow_up(policy(), summary, today, asked))
    return True


def _show_fee(
    dispatcher: CollectingDispatcher, summary: FeeSummary, earlier: bool = False
) -> None:
    """The season's bill; where a link can be shown (WeChat), one to pay what is still owed.
    An `earlier` season's bill says 该季, not 本季 (this season)."""
    account = mask_account(summary.account_no)
    if summary.amount_due is None:
        dispatcher.utter_message(
            response="utter_fee_no_bill", account=account, season=summary.season
        )
        return
    season = "该季" if earlier else "本季"
    balance = f"{season}已缴清"
    if summary.balance > 0:
        # 交没交 is the question: say it in words before the figure (the payments listed after
        # it may be an earlier season's, which read as "paid")
        unpaid = "尚未缴费" if summary.amount_paid <= 0 else "尚未缴清"
        balance = f"{season}{unpaid}，尚欠 {summary.balance:.2f} 元"
    if summary.earlier_arrears > 0:
        balance += f"；另有往季欠费 {summary.earlier_arrears:.2f} 元"
    late = f"含滞纳金 {summary.late_fee:.2f} 元。" if summary.late_fee > 0 else ""
    history = ""
    if summary.payments:
        history = "最近缴费：" + "；".join(
            f"{clock.local(p.paid_at):%Y-%m-%d} {p.channel} {p.amount:.2f} 元"
            for p in summary.payments
        )
    dispatcher.utter_message(
        response="utter_fee_summary",
        account=account,
        community=summary.community or "",
        season=summary.season,
        due=f"{summary.amount_due:.2f}",
        paid=f"{summary.amount_paid:.2f}",
        balance=balance,
        late_fee=late,
        history=history,
        pay_link=_pay_link(summary),
        owed=_owed(summary),
    )


def _owed(summary: FeeSummary) -> str:
    """Everything still owed in one short phrase (the SMS answer has no room for the details)."""
    total = summary.balance + summary.earlier_arrears
    return f"共欠{total:.2f}元" if total > 0 else "已缴清"


def _pay_link(summary: FeeSummary) -> str:
    """A link to the policy's online payment page when something is owed, else nothing."""
    url = policy().payment.online_url
    if not url or summary.balance + summary.earlier_arrears <= 0:
        return ""
    return f'<a href="{url}">点此在线缴费</a>'


async def _apply_stop_heating(
    dispatcher: CollectingDispatcher, tracker: Tracker, account: str
) -> None:
    rules = policy()
    now = clock.now()
    filing = await in_db(
        application_service.file_household_stop,
        rules,
        account,
        now,
        kind="BT",
        channel=channel_of(tracker),
        sender_id=tracker.sender_id,
        dedup_key=message_key(tracker, "BT"),
        description=f"用户在线{application_label(rules, now.date())}",
    )
    ticket = filing.ticket
    assert ticket is not None  # filed, or the open one
    if filing.outcome == application_service.OPEN_ALREADY:
        dispatcher.utter_message(
            response="utter_stop_heating_open",
            ticket_no=ticket.ticket_no,
            status=ticket.status_name,
            hotline=rules.company.hotline,
        )
        return
    dispatcher.utter_message(
        response="utter_stop_heating_created",
        ticket_no=ticket.ticket_no,
        account=mask_account(account),
        season_note=late_season_note(rules, now.date()),
        first_reply=clock.format_due(ticket.first_reply_due),
    )
