"""Requests that are FILED without verification: a 报停 application and a meter-check visit (查表).

The privacy rule is about what is SHOWN: a bill, a reading, whose home it is. Filing an
application shows nothing, so a resident who does not know the 户号 (a tenant, an old couple
whose 缴费单 is gone) may still file one with the address and a contact phone; staff verify the
ownership when they call, before the stop takes effect or the meter is opened. The ticket says
that ownership is unverified, and the confirmation says nothing about the account: whether the
address exists, whose it is, what it owes. A 户号 the resident knows is recorded as given, not
checked here. A sender who is bound to an account, or verified in this conversation, files as
before (the account is linked). Showing readings still needs verification.

The verification form carries these questions (`ValidateVerifyForm.required_slots`), so the
rules that start, interrupt and end it serve both.

Each filing costs a staff call, so `bot.services.applications` limits them per conversation and
per contact phone and files one open application a home (docs/security.md). Past a limit the
resident is told the other ways (the hall with ID card and 房产证, the hotline, a person) and the
form asks for the 户号 at once: proving the account files the request without a call
(`proof_required`). What the resident gave stays in the conversation's slots, so a person
they are put through to gets the address and phone with the transcript.
"""

from __future__ import annotations

from datetime import date

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import (
    address_parts,
    bot_said_within,
    channel_of,
    fresh_pending,
    guarded,
    in_db,
    known_communities,
    latest_intent,
    latest_intent_among,
    latest_text,
    latest_text_of_intent,
    leave_form,
    message_key,
    only_the_community,
    policy,
    read_db,
    window_of,
)
from actions.meters import PROBLEM
from bot.base import clock
from bot.nlu.address import parse_address
from bot.nlu.clauses import is_question
from bot.nlu.numbers import normalise_account_no
from bot.nlu.requests import (
    cannot_provide,
    names_next_season,
    stop_already_made,
    takes_request_back,
)
from bot.privacy import mask_account, mask_phone
from bot.services import applications as application_service
from bot.services.meters import meter_problem_category
from bot.services.stop_heating import application_label, late_application_starts, late_season_note
from bot.store.tickets import TicketDraft

STOP = "apply_stop_heating"
#: The requests a resident may file without proving the account (nothing is shown by filing).
FILED_UNVERIFIED = frozenset({STOP, PROBLEM})
#: How the ticket records it: staff verify ownership before anything takes effect.
OWNERSHIP_UNVERIFIED = "产权未核实"
#: What the read-back calls each request.
REQUEST_NAMES = {STOP: "报停申请", PROBLEM: "上门查表（热表故障或读数异常）"}
#: What the answers about an application already open call it.
SHORT_NAMES = {STOP: "报停申请", PROBLEM: "上门查表申请"}
#: Past a limit on applications without the 户号: the other ways, and the 户号 asked next.
LIMIT_REFUSAL = "utter_unverified_application_limit"
#: An application of the same kind is open for the same home: its number, nothing filed.
ALREADY_OPEN = "utter_unverified_application_open"
#: The answer to a second application for a home another conversation applied for.
NOTED_FOR_STAFF = "utter_application_noted_for_staff"


def application_slots(purpose: str) -> list[str]:
    """The questions of an unverified application: where, a phone to call back on, for a
    meter visit when someone is home, and the read-back."""
    slots = ["address", "phone"]
    if purpose == PROBLEM:
        slots.append("visit_time")
    return [*slots, "details_confirmed"]


def application_done() -> list[EventType]:
    """The questions' answers an application leaves behind once it is filed, named or given
    up (the address and phone stay: a second request in the conversation offers them again)."""
    return [
        SlotSet("phone_last4", None),
        SlotSet("account_no", None),
        SlotSet("visit_time", None),
        SlotSet("details_confirmed", None),
    ]


def account_given(texts: list[str]) -> str | None:
    """A 户号 the resident volunteered (知道户号的话请告诉我), recorded as given; None when none."""
    for text in texts:
        number = normalise_account_no(text)
        if number and not (len(number) == 11 and number.startswith("1")):
            return number
    return None


def ownership_note(account: str | None) -> str:
    """The ticket's note on ownership: unverified, with the 户号 as the resident gave it."""
    given = f"；用户提供户号 {account}（未核实）" if account else "；用户未提供户号"
    return f"{OWNERSHIP_UNVERIFIED}，须工作人员回电核实产权后生效{given}"


async def only_a_community(address: str | None) -> bool:
    """Whether `address` names only the community (我家是翠湖苑的): a household's application
    needs the building and flat."""
    if not address:
        return False
    return only_the_community(parse_address(address, await read_db(known_communities)))


def _user_texts(tracker: Tracker) -> list[str]:
    return [str(e.get("text") or "") for e in tracker.events if e.get("event") == "user"]


#: What the bot says when a proof did not work out (wrong digits, locked, the other ways told):
#: from then on the application goes on without the 户号.
_PROOF_FAILED = frozenset(
    {
        "utter_verify_failed",
        "utter_verify_locked",
        "utter_verify_paused",
        "utter_verify_alternatives",
    }
)


def proving_given_account(tracker: Tracker) -> bool:
    """Whether an application's 户号 was given with the request (我家今年冬天不住了 想报停
    户号0102345678) and is being proved: the last four digits of its mobile then file the
    application on the account, with nothing to type and nothing for staff to verify, where the
    address question ignored the number just sent. A proof that failed, or a resident who said
    they cannot give the digits, goes on without the 户号 (the address and a phone)."""
    texts: list[str] = []
    for event in reversed(tracker.events):
        if event.get("event") == "bot":
            if (event.get("metadata") or {}).get("utter_action") in _PROOF_FAILED:
                return False
        elif event.get("event") == "user":
            texts.append(str(event.get("text") or ""))
            if (event.get("parse_data") or {}).get("intent", {}).get("name") in FILED_UNVERIFIED:
                break
    if any(cannot_provide(text) for text in texts):
        return False
    return bool(tracker.get_slot("account_no") or account_given(list(reversed(texts))))


def proof_required(tracker: Tracker) -> bool:
    """Whether this conversation was told it has filed as many applications without the 户号
    as the policy allows: a further 报停 or meter visit is proved with the 户号 instead."""
    return any(
        e.get("event") == "bot" and (e.get("metadata") or {}).get("utter_action") == LIMIT_REFUSAL
        for e in tracker.events
    )


async def file_unverified(
    dispatcher: CollectingDispatcher, tracker: Tracker, purpose: str
) -> list[EventType]:
    """File the application with what the form collected and confirm it, promising the call
    that verifies ownership; nothing about any account is said. An application of the same
    kind already open for the home is named instead of filed twice; past a limit nothing is
    filed, the other ways are told and the form asks for the 户号. Returns the events after."""
    rules = policy()
    now = clock.now()
    address = str(tracker.get_slot("address") or "")
    phone = str(tracker.get_slot("phone") or "")
    account = account_given(_user_texts(tracker))
    request_text = latest_text_of_intent(tracker, set(FILED_UNVERIFIED)) or ""
    window = window_of(tracker.get_slot("visit_time"))
    description = (
        f"用户在线{application_label(rules, now.date())}"
        if purpose == STOP
        else f"上门查表：{request_text}"
    )
    draft = TicketDraft(
        kind="BT" if purpose == STOP else "CB",
        channel=channel_of(tracker),
        sender_id=tracker.sender_id,
        dedup_key=message_key(tracker, "BT" if purpose == STOP else "CB"),
        account_no=None,
        phone=phone,
        address=address,
        category=None if purpose == STOP else meter_problem_category(request_text),
        description=f"{description}（{ownership_note(account)}）",
        visit_start=window[0] if window else None,
        visit_end=window[1] if window else None,
        **await address_parts(address),
    )
    filing = await in_db(application_service.file_unverified, rules, draft, now, account)
    if filing.outcome == application_service.LIMITED:
        dispatcher.utter_message(response=LIMIT_REFUSAL, hotline=rules.company.hotline)
        # The proof questions next. The 户号 and the digits are not cleared in this turn: the
        # form would take the cleared values for answers (slots set since the message are
        # validated) and call them wrong; a 户号 the resident gave stays and is proved.
        return [
            SlotSet("visit_time", None),
            SlotSet("details_confirmed", None),
            FollowupAction("verify_form"),
        ]
    ticket = filing.ticket
    assert ticket is not None  # filed, or the open one
    if filing.outcome == application_service.OPEN_ALREADY and not filing.own:
        # Someone else's open application for this home: its number, status, even that it
        # exists (a 报停 says the flat stands empty all winter) are not a stranger's to learn.
        # Their phone is on it for the staff who verify; they hear only that it is noted.
        dispatcher.utter_message(
            response=NOTED_FOR_STAFF,
            request=SHORT_NAMES[purpose],
            phone=mask_phone(phone),
            hotline=rules.company.hotline,
        )
        return application_done()
    if filing.outcome == application_service.OPEN_ALREADY:
        name = SHORT_NAMES[purpose]
        lead = f"您已经登记过这个地址的{name}" if filing.own else f"这个地址已有一份{name}在办理中"
        dispatcher.utter_message(
            response=ALREADY_OPEN,
            lead=lead,
            request=name,
            ticket_no=ticket.ticket_no,
            status=ticket.status_name,
            added=(
                f"您这次留的联系电话 {mask_phone(phone)} 已补充到这张工单上，核实时会一并联系。"
                if filing.noted
                else ""
            ),
            hotline=rules.company.hotline,
        )
        return application_done()
    common = {
        "ticket_no": ticket.ticket_no,
        "address": address,
        "phone": mask_phone(phone),
        "first_reply": clock.format_due(ticket.first_reply_due),
        "hotline": rules.company.hotline,
    }
    if purpose == STOP:
        dispatcher.utter_message(
            response="utter_stop_heating_filed_unverified",
            season_note=late_season_note(rules, now.date()),
            **common,
        )
    else:
        dispatcher.utter_message(
            response="utter_meter_visit_filed_unverified",
            window=clock.format_window(*window) if window else "尽快",
            **common,
        )
    return application_done()


def read_back_items(tracker: Tracker, account: str | None) -> list[tuple[str, str]]:
    """The read-back's first lines for an application: what is applied for, and for a 报停 on
    the proved `account` the 户号 (masked) it is filed on; [] for anything else. A 报停 by 户号
    is read back like one by address: the players' resident who gave the 户号 had theirs filed
    for next winter without a word before it (players' J)."""
    purpose = latest_intent_among(tracker, set(FILED_UNVERIFIED))
    if purpose is None:
        return []
    if account:
        if purpose != STOP:
            return []
        return [
            ("事项", application_label(policy(), clock.now().date())),
            ("户号", mask_account(account)),
        ]
    if purpose == STOP:
        # A late 报停 says which season it covers before the resident says yes to it.
        return [("事项", application_label(policy(), clock.now().date()))]
    return [("事项", REQUEST_NAMES[purpose])]


#: Said once, before the first detail of a 报停 that is too late for this winter.
LATE_NOTICE = "utter_stop_heating_late_notice"
#: The same, asked as a question, to a 报停 asked about (还能报停吗) too late for this winter.
LATE_OFFER = "utter_stop_heating_late_offer"
#: `pending` while that question waits: a yes starts the application (actions.conversation).
NEXT_SEASON_STOP = "stop_next_season"


def _tell_late(dispatcher: CollectingDispatcher, response: str, start: date) -> None:
    """`response` with the deadline passed and the first day of the season a 报停 now covers."""
    deadline = policy().stop_heating.apply_deadline
    dispatcher.utter_message(
        response=response,
        deadline=f"{deadline.month}月{deadline.day}日",
        start=f"{start.year}年{start.month}月{start.day}日",
    )


def tell_late_once(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """Before the first detail (the address path) or the read-back (the 户号 path) of a 报停 too
    late for this winter: that this winter cannot be stopped and from when it counts, unless
    said in answer to one of the last messages."""
    start = late_application_starts(policy(), clock.now().date())
    if (
        start is not None
        and latest_intent_among(tracker, set(FILED_UNVERIFIED)) == STOP
        and not bot_said_within(tracker, {LATE_NOTICE, LATE_OFFER}, 6)
    ):
        _tell_late(dispatcher, LATE_NOTICE, start)


def late_stop_asked(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType] | None:
    """A 报停 asked about as a question too late for this winter (我这个冬天都不在北京，现在还能报停
    吗？): that this winter cannot be stopped, from when one filed now would count, and whether to
    file it; the application waits for a yes (`NEXT_SEASON_STOP`). None otherwise.

    The glow set's resident who gave the address with the question was asked the phone at once,
    never heard the notice the address question carries, and left with a 报停 for next winter
    filed after the read-back's yes; a person asking "can I still?" wants the answer first."""
    if tracker.get_slot("requested_slot") or latest_intent(tracker) != STOP:
        return None
    text = latest_text(tracker)
    if not is_question(text) or names_next_season(text):
        return None  # 下个采暖季想报停，怎么办: the notice at the form's question is enough
    start = late_application_starts(policy(), clock.now().date())
    if start is None:
        return None
    _tell_late(dispatcher, LATE_OFFER, start)
    return [*leave_form(tracker), SlotSet("pending", NEXT_SEASON_STOP)]


def late_stop_offered_again(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """After a question answered while the next-season 报停 offer waits (报停了还用交钱吗 after
    需要现在为您登记吗？), the offer once more, still waiting for its yes; nothing otherwise, nor
    after a second question in a row.

    The question does not answer the offer, and the resident who asked what a 报停 costs still
    wants it: the writers' sno-010 heard the fee and then nothing, and left with no 报停 filed."""
    if fresh_pending(tracker) != NEXT_SEASON_STOP:
        return []
    text = latest_text(tracker)
    if takes_request_back(text) or stop_already_made(text):
        # 我早就报停了 不用登记 我就问冻裂的事: a no said beside the question; offered again, the
        # resident who declined heard 您刚才还提到要登记报停申请 (players' p3-085)
        return [SlotSet("pending", None)]
    if bot_said_within(tracker, {OFFER_AGAIN}, 1):
        # asked again after the last question already: a third 现在帮您办理吗 in a row traps the
        # resident who is still asking (那基础费是多少, the CI set's mis-052); the answer ends
        # with how to apply (回复“我要报停”即可办理)
        return []
    dispatcher.utter_message(
        response=OFFER_AGAIN, what=f"登记{application_label(policy(), clock.now().date())}"
    )
    return [SlotSet("pending", NEXT_SEASON_STOP)]


#: The offer asked again after a question (`late_stop_offered_again`).
OFFER_AGAIN = "utter_offer_second_request"


class ActionAskVerifyFormAddress(Action):
    """The address question of an application without the 户号; a 报停 made during the season
    first hears that it covers next winter, not this one, and that this winter's fee stands.

    Told before any detail is asked, so a resident who wanted this winter's heating stopped can
    say 算了 instead of finding out at the confirmation (or, worse, believing the fee stops).
    """

    def name(self) -> str:
        """The action's name, as in domain.yml (Rasa asks a form's slot with it)."""
        return "action_ask_verify_form_address"

    @guarded
    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """The notice (once per conversation stretch), then the question."""
        tell_late_once(dispatcher, tracker)
        dispatcher.utter_message(response="utter_ask_verify_form_address")
        return []
