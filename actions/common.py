"""Glue shared by the actions: database calls off the event loop, tracker facts, slot validators.

The action server is async; SQLAlchemy 1.4 sessions block. Every store call goes through `in_db`
(or `read_db` for a lookup), which runs it in a worker thread inside one session (one transaction
per call).
"""

from __future__ import annotations

import asyncio
import functools
import logging
import re
import threading
import traceback
import unicodedata
from collections.abc import Awaitable, Callable, Collection
from dataclasses import replace
from datetime import datetime, timezone
from typing import Any, TypeVar

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.events import (
    ActiveLoop,
    EventType,
    FollowupAction,
    SlotSet,
    UserUtteranceReverted,
)
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.exc import SQLAlchemyError

from bot.base import clock
from bot.channels.ids import ForeignConversation, identity_of
from bot.handoff.triggers import upset
from bot.nlu.address import (
    DOOR_NOT_GIVEN,
    Address,
    address_meant,
    corrected,
    door_alone,
    english_address_in_chinese,
    missing_for_visit,
    parse_address,
    withholds_door,
    without_door,
)
from bot.nlu.agreement import ADDED_REQUEST_FORMS, adds_a_request
from bot.nlu.clauses import is_question
from bot.nlu.contact_fix import (
    adds_a_number,
    keeps_held_number,
    number_meant,
    numbers_for_the_visit,
)
from bot.nlu.denials import has_no_phone
from bot.nlu.form_answers import (
    detail_of_request,
    offers_a_time,
    refuses_asked_phone,
    withholds_phone,
)
from bot.nlu.hall_follow_ups import asks_hall_visit
from bot.nlu.numbers import (
    landline_told,
    normalise_account_no,
    normalise_contact_number,
    parse_room_reading,
)
from bot.nlu.own_number import means_own_number
from bot.nlu.requests import (
    asks_for_measurement,
    blames_the_stop,
    requests_in,
    wants_someone_in_charge,
)
from bot.nlu.timewindow import (
    VisitWindow,
    mentions_past_day,
    morning_instead_of_night,
    next_visit_window,
    unread_day,
    window_on_held_day,
)
from bot.policy import Policy, load_policy, verification_lapsed
from bot.privacy import mask_account, mask_phone, mask_text
from bot.services.accounts import bound_account, contact_of
from bot.services.area_codes import area_code_of
from bot.services.outages import known_communities, match_community
from bot.services.tickets import own_open_urgent
from bot.services.topics import topic_asked
from bot.store.db import ensure_schema, in_read_session, in_session

logger = logging.getLogger(__name__)

T = TypeVar("T")

_schema_lock = threading.Lock()
_schema_ready = False


def _ensure_schema_once() -> None:
    global _schema_ready
    with _schema_lock:
        if not _schema_ready:
            ensure_schema()
            _schema_ready = True


RunMethod = Callable[..., Awaitable[list[EventType]]]

#: What a failed action says (domain.yml); both name the policy's hotline for urgent matters.
SERVICE_UNAVAILABLE = "utter_service_unavailable"
TICKET_NOT_RECORDED = "utter_ticket_not_recorded"


def guarded(run: RunMethod) -> RunMethod:
    """Wrap an action's `run`: any error becomes a truthful apology and a masked log line.

    Without it an exception makes the action server answer 500 with the whole tracker in the body
    (every message, phones included), Rasa logs it, and the user hears nothing at all. The user
    is told the message was not dealt with and may be sent again; the conversation is left as
    it was before that message (`failed_turn`).
    """
    return _guard(run, SERVICE_UNAVAILABLE)


def guarded_ticket(run: RunMethod) -> RunMethod:
    """`guarded` for an action that creates a ticket: a failure says plainly that no ticket was
    made (never "your message was recorded")."""
    return _guard(run, TICKET_NOT_RECORDED)


def _guard(run: RunMethod, apology: str) -> RunMethod:
    @functools.wraps(run)
    async def wrapper(
        self: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        try:
            return await run(self, dispatcher, tracker, domain)
        except Exception:
            logger.error(
                "action %s failed for sender %s:\n%s",
                self.name(),
                mask_text(str(tracker.sender_id)),
                mask_text(traceback.format_exc()),
            )
            dispatcher.utter_message(response=apology, hotline=policy().company.hotline)
            return failed_turn(tracker, domain, validating=isinstance(self, FormValidationAction))

    return wrapper


def failed_turn(tracker: Tracker, domain: DomainDict, validating: bool) -> list[EventType]:
    """Events that leave the conversation as it was before the message an action failed on, so
    that sending it again (once the store is back) works without asking anything again.

    - A form's validation action forgets the values the message brought and keeps the form at
      its question (taking the message back would make the form reject the turn and drop the
      apology).
    - An action after a form that completed with this message (a ticket's submission) reopens
      the form at its last question, every other slot kept. Taking the message back is no way
      to do it: Rasa folds a form's turns into its first run, so the whole form would go.
    - Any other action takes the message back (`UserUtteranceReverted`).
    """
    if validating:
        requested = tracker.get_slot("requested_slot")
        candidates = set(tracker.slots_to_validate()) | ({requested} if requested else set())
        events: list[EventType] = [
            SlotSet(name, None) for name in sorted(candidates - {"requested_slot"})
        ]
        return events + ([SlotSet("requested_slot", requested)] if requested else [])
    form = _form_completed_now(tracker, domain)
    if form is None:
        return [UserUtteranceReverted()]
    asked = _last_question(tracker, form)
    reopened: list[EventType] = [ActiveLoop(form)]
    if asked:
        reopened += [SlotSet(asked, None), SlotSet("requested_slot", asked)]
    return [*reopened, FollowupAction("action_listen")]


def _form_completed_now(tracker: Tracker, domain: DomainDict) -> str | None:
    """The form that ran to its end after the latest user message, if one did."""
    forms = set(domain.get("forms") or {})
    ran = None
    for event in _since_latest_user(tracker):
        if event.get("event") == "action":
            ran = event.get("name")
        elif event.get("event") == "active_loop" and not event.get("name") and ran in forms:
            return str(ran)
    return None


def _since_latest_user(tracker: Tracker) -> list[dict[str, Any]]:
    events = list(tracker.events)
    for index in range(len(events) - 1, -1, -1):
        if events[index].get("event") == "user":
            return events[index + 1 :]
    return []


def _last_question(tracker: Tracker, form: str) -> str | None:
    """The slot `form` asked for last (None when it completed without asking)."""
    for event in reversed(tracker.events):
        if event.get("event") == "slot" and event.get("name") == "requested_slot":
            if event.get("value"):
                return str(event["value"])
        elif event.get("event") == "active_loop" and event.get("name") == form:
            return None
    return None


async def _schema_current() -> None:
    """Make sure the schema is current, in a worker thread the first time only: every store call
    of every action passes here, and a thread hop only to find the flag set cost ~0.12 ms per
    call (several per form turn) on this machine."""
    if not _schema_ready:
        await asyncio.to_thread(_ensure_schema_once)


async def in_db(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """`fn(session, *args, **kwargs)` off the event loop (`bot.store.db.in_session`), once the
    schema is known to be current."""
    await _schema_current()
    return await in_session(fn, *args, **kwargs)


async def read_db(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """`in_db` for lookups: a read-only transaction (`bot.store.db.in_read_session`), which on
    SQLite does not hold the write lock the Rasa server's WeChat ledger waits for."""
    await _schema_current()
    return await in_read_session(fn, *args, **kwargs)


def policy() -> Policy:
    """The active service policy (`load_policy` validates it once and caches it per file)."""
    return load_policy()


def channel_of(tracker: Tracker) -> str:
    """The input channel of the latest user message (`rest`, `socketio`, `wechat`, `sms` …)."""
    return tracker.get_latest_input_channel() or "rest"


#: The SMS channel's name: its answers must each fit one SMS, its senders are phone numbers.
SMS_CHANNEL = "sms"


def sender_phone(tracker: Tracker) -> str | None:
    """The phone number the resident is writing from: an SMS sender's own number (the carrier
    vouches for it), else None. It is the default contact of an SMS conversation."""
    if channel_of(tracker) != SMS_CHANNEL:
        return None
    try:
        return normalise_contact_number(identity_of(SMS_CHANNEL, str(tracker.sender_id)))
    except ForeignConversation:
        return None


def contact_number(value: object) -> str | None:
    """`normalise_contact_number`, a landline without area code taken to be in the company's
    city (家里座机6234 5678 → 010-62345678)."""
    return normalise_contact_number(value, area_code_of(policy().city))


def latest_intent(tracker: Tracker) -> str | None:
    """The intent NLU gave the latest user message (`nlu_fallback` included)."""
    name = (tracker.latest_message.get("intent") or {}).get("name")
    return str(name) if name else None


def latest_text(tracker: Tracker) -> str:
    """The text of the latest user message, as the NLU pipeline normalised it."""
    return str(tracker.latest_message.get("text") or "")


def message_metadata(tracker: Tracker) -> dict[str, Any]:
    """What the channel attached to the latest user message (e.g. WeChat's located community)."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            metadata = event.get("metadata")
            return dict(metadata) if isinstance(metadata, dict) else {}
    return {}


def fresh_pending(tracker: Tracker) -> str | None:
    """The offer the bot made in its last turn (the `pending` slot), or None if it is older.

    好的 answers only the question just asked: an offer from an earlier turn (a cancellation the
    user then ignored) must not be carried out by a later, unrelated 好的.
    """
    seen_latest_user = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            if seen_latest_user:
                return None
            seen_latest_user = True
        elif seen_latest_user and event.get("event") == "slot" and event.get("name") == "pending":
            value = event.get("value")
            return str(value) if value else None
    return None


def message_key(tracker: Tracker, kind: str) -> str:
    """An idempotency key for a ticket created in answer to the latest user message.

    A channel retry of the same message carries the same message id, so the store returns the
    existing ticket instead of creating a second one.
    """
    # Rasa always sets an id; the fallback is the message's time (the action server sees only
    # the latest turns, so a count of events would repeat)
    message_id = tracker.latest_message.get("message_id") or next(
        (f"t{e.get('timestamp')}" for e in _user_events(tracker)), "t"
    )
    return f"{kind}:{channel_of(tracker)}:{tracker.sender_id}:{message_id}"


def _user_events(tracker: Tracker) -> list[dict[str, Any]]:
    return [e for e in reversed(tracker.events) if e.get("event") == "user"]


def _intent_of(event: dict[str, Any]) -> str | None:
    name = (event.get("parse_data") or {}).get("intent", {}).get("name")
    return str(name) if name else None


def bot_said_within(tracker: Tracker, responses: Collection[str], messages: int) -> bool:
    """Whether the bot sent one of `responses` (by response name) in answer to one of the
    resident's last `messages` messages, the latest included: the test behind follow-ups read
    against what was just said (那还能怎么查 after the verification questions, 明天上午 after an
    urgent ticket, 那去年的呢 after a bill)."""
    users = 0
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            users += 1
            if users > messages:
                return False
        elif (
            event.get("event") == "bot"
            and (event.get("metadata") or {}).get("utter_action") in responses
        ):
            return True
    return False


def previous_bot_turn(tracker: Tracker) -> list[dict[str, Any]]:
    """The bot's messages of its last turn: between the two latest user messages."""
    said: list[dict[str, Any]] = []
    seen_user = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            if seen_user:
                break
            seen_user = True
        elif seen_user and event.get("event") == "bot":
            said.append(event)
    return said


def _as_typed(text: str) -> str:
    """A title or a message as compared for `typed_button`: NFKC, no spaces or end marks."""
    return unicodedata.normalize("NFKC", text).strip().rstrip("。.!！~～").replace(" ", "")


def bot_turns(tracker: Tracker) -> list[list[dict[str, Any]]]:
    """The bot's turns before the latest user message, newest first, each in the order said."""
    turns: list[list[dict[str, Any]]] = []
    current: list[dict[str, Any]] = []
    seen_user = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            if seen_user:
                turns.append(list(reversed(current)))
                current = []
            seen_user = True
        elif seen_user and event.get("event") == "bot":
            current.append(event)
    if current:
        turns.append(list(reversed(current)))
    return turns


def typed_button(tracker: Tracker) -> str | None:
    """The payload of a button the bot offered in its last turn whose title the resident typed
    instead of pressing it (确认取消 written out at the cancellation's question), else None.

    WeChat and SMS show buttons as numbered options and map a typed title or number in the
    channel (`bot.base.render.choose`); REST and the widget send typed text as it is, and the
    classifier reads 确认取消 as another cancellation request.
    """
    typed = _as_typed(raw_text(tracker))
    if not typed:
        return None
    for event in previous_bot_turn(tracker):
        for button in (event.get("data") or {}).get("buttons") or []:
            if isinstance(button, dict) and _as_typed(str(button.get("title") or "")) == typed:
                return str(button.get("payload") or "") or None
    return None


def said_yes(tracker: Tracker) -> bool:
    """Whether the latest message accepts the bot's last offer: a typed 确认 / 不取消 button
    title decides as the button would, else the classifier's `affirm`."""
    typed = typed_button(tracker)
    if typed in (YES_PAYLOAD, NO_PAYLOAD):
        return typed == YES_PAYLOAD
    return latest_intent(tracker) == "affirm"


#: The payloads of the yes and no buttons every offer shows (domain.yml).
YES_PAYLOAD = "/affirm"
NO_PAYLOAD = "/deny"


def this_turn(tracker: Tracker) -> list[dict[str, Any]]:
    """The events since the latest user message (what earlier actions of this turn did)."""
    events: list[dict[str, Any]] = []
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            break
        events.append(event)
    return events


def offer_made_this_turn(tracker: Tracker) -> bool:
    """Whether this turn made the offer `pending` holds (the form ended on it): then a submit
    action files nothing yet. An offer from an earlier turn that the resident answered by
    booking (要报修 after the stop, read as a new request, not as a yes) must not stop the
    filing: the confirmed repair was silently dropped (players' pl-55: 对 got no reply and no
    ticket)."""
    return any(
        e.get("event") == "slot" and e.get("name") == "pending" and e.get("value")
        for e in this_turn(tracker)
    )


def raw_text(tracker: Tracker) -> str:
    """The latest user message exactly as the channel delivered it (before normalisation)."""
    return next((str(e.get("text") or "") for e in _user_events(tracker)), "")


def consecutive_fallbacks(tracker: Tracker) -> int:
    """How many of the latest user messages in a row NLU could not classify (reverted ones too)."""
    count = 0
    for event in _user_events(tracker):
        if _intent_of(event) != "nlu_fallback":
            break
        count += 1
    return count


def latest_intent_among(tracker: Tracker, intents: set[str]) -> str | None:
    """The newest user intent that is one of `intents` (which flow the user started last)."""
    return next((i for e in _user_events(tracker) if (i := _intent_of(e)) in intents), None)


def latest_text_of_intent(tracker: Tracker, intents: set[str]) -> str | None:
    """The text of the latest user message whose intent is one of `intents`."""
    return next(
        (str(e.get("text") or "") for e in _user_events(tracker) if _intent_of(e) in intents), None
    )


#: Form questions whose answers are contact details, kept in the ticket's own fields: their
#: answers are not the resident's account of the problem.
#: Questions whose answers are details, not the resident's account of the request (the yes to
#: the read-back, actions/readback.py, included).
CONTACT_QUESTIONS = frozenset(
    {"address", "phone", "visit_time", "account_no", "phone_last4", "details_confirmed"}
)


#: Said when an answer to a contact question told something about the request instead (就昨天下午
#: 来的 姓王 where the address was asked): the words go into the ticket (`resident_words`).
DETAIL_NOTED = "utter_detail_noted"


def is_payload(text: str) -> bool:
    """Whether a user message is an intent trigger (a button, a menu click, an SMS keyword code
    becomes `/report_repair`), not words the resident wrote."""
    return text.lstrip().startswith("/")


def resident_words(tracker: Tracker, intents: set[str], form: str, separator: str = "；") -> str:
    """What the resident said about the request: their messages from the start of the flow (the
    latest one with one of `intents`, else the one that opened `form`) to now, without payloads
    (a menu click, a keyword code, a button) and without the answers to contact questions
    (`CONTACT_QUESTIONS`). Empty when they said nothing but buttons.

    A ticket's description is built from this, so a flow started from a menu or a keyword keeps
    what the resident then wrote, never `/report_repair`.
    """
    words: list[str] = []
    asked: str | None = None
    answer: str | None = None  # an answer to a contact question, kept if it was a detail
    for event in _events_since_start(tracker, intents, form):
        kind = event.get("event")
        if kind == "slot" and event.get("name") == "requested_slot":
            asked = event.get("value")
        elif kind == "user":
            text = str(event.get("text") or "").strip()
            answer = None
            if text and not is_payload(text):
                if asked not in CONTACT_QUESTIONS:
                    words.append(text)
                else:
                    answer = text
        elif answer and uttered(event) == DETAIL_NOTED:
            # 就昨天下午来的 姓王 where the address was asked: about the request, kept with it
            words.append(answer)
            answer = None
    return separator.join(dict.fromkeys(words))


def _events_since_start(tracker: Tracker, intents: set[str], form: str) -> list[dict[str, Any]]:
    """The events from the user message that started the flow on: the latest with one of
    `intents`, else the latest before `form` was opened (a fault told as a bare value starts the
    repair form under `inform`), else the latest."""
    events = list(tracker.events)
    users = [i for i, e in enumerate(events) if e.get("event") == "user"]
    for index in reversed(users):
        if _intent_of(events[index]) in intents:
            return events[index:]
    opened = [
        i for i, e in enumerate(events) if e.get("event") == "active_loop" and e.get("name") == form
    ]
    before = [i for i in users if opened and i < opened[-1]]
    start = before[-1] if before else (users[-1] if users else len(events))
    return events[start:]


def transcript(tracker: Tracker, limit: int = 50) -> list[dict[str, Any]]:
    """The latest user and bot messages, for the agent who calls back."""
    lines = [
        {"who": e["event"], "text": e.get("text") or "", "at": e.get("timestamp")}
        for e in tracker.events
        if e.get("event") in {"user", "bot"} and e.get("text")
    ]
    return lines[-limit:]


def verified_account(tracker: Tracker) -> str | None:
    """The account this conversation proved, while the proof holds (`verification_lapsed`: no
    pause over the policy's `verification.idle_minutes` since it was made), else None.

    The proof belongs to the conversation that made it, and so to one channel identity: the
    tracker is keyed by the namespaced conversation id (bot.channels.ids). The action server sees
    only the latest turns of a long conversation (bot.rasa_runtime.tracker_window); when the proof
    was made before them, the pauses between those turns are what can be judged.
    """
    account = tracker.get_slot("verified_account")
    if not account:
        return None
    activity: list[datetime] = []
    for event in tracker.events:
        kind = event.get("event")
        if kind == "slot" and event.get("name") == "verified_account" and event.get("value"):
            activity = [_moment(event)]
        elif kind == "user":
            activity.append(_moment(event))
    return None if verification_lapsed(policy(), activity) else str(account)


def _moment(event: dict[str, Any]) -> datetime:
    return datetime.fromtimestamp(float(event.get("timestamp") or 0), timezone.utc)


async def sender_account(tracker: Tracker) -> str | None:
    """The account this sender proved in this conversation, else the one bound to the sender."""
    verified = verified_account(tracker)
    if verified:
        return verified
    return await read_db(bound_account, channel_of(tracker), tracker.sender_id)


async def address_parts(address: str | None) -> dict[str, Any]:
    """Community, building, unit and room of an address, for the ticket's columns."""
    communities = await read_db(known_communities)
    parsed = parse_address(address or "", communities)
    return {
        "community": parsed.community,
        "building": parsed.building,
        "unit": parsed.unit,
        "room": parsed.room,
    }


def window_of(value: str | None) -> tuple[datetime, datetime] | None:
    """The visit window stored by `validate_visit_time` (`start/end` ISO text), parsed back."""
    if not value or "/" not in value:
        return None
    start, end = value.split("/", 1)
    return datetime.fromisoformat(start), datetime.fromisoformat(end)


def unanswered_run(tracker: Tracker, slot: str) -> list[dict[str, Any]]:
    """The events since `slot` last kept a value (the whole conversation if it never did): the
    run of asks the resident has not been able to answer.

    Other questions in between do not end the run: 早就停了 about a phone read as an outage
    question asked for the community between two asks for the last four digits, and the count
    that stopped at any other question started again, so the same question came a third and a
    fourth time without a way out. A value the form's free-text mapping stored and its
    validation emptied in the same turn was not kept; this turn's value is not judged here (the
    validation's own events say whether it is kept).
    """
    events = list(tracker.events)
    start = 0
    held: Any = None
    for index, event in enumerate(events):
        kind = event.get("event")
        if kind == "user":
            if held:
                start = index
            held = None
        elif kind == "slot" and event.get("name") == slot:
            held = event.get("value")
    return events[start:]


#: Questions not named `utter_ask_<slot>`: the read-back (actions/readback.py), whole or its
#: one-line reminder; a third in a row came without a way out (hail t hat-022).
QUESTIONS_OF_SLOT = {
    "details_confirmed": frozenset({"utter_read_back", "utter_read_back_reminder"}),
}


def asked_in_a_row(tracker: Tracker, slot: str) -> int:
    """How many times the resident has been asked for `slot` without answering it: the form's
    questions (`utter_ask_<slot>`) since the slot last kept a value (`unanswered_run`).

    Counted from what the resident saw, not from `requested_slot`: a validation action with its
    own `required_slots` and the form both set that slot on one ask.
    """
    # the urgent path's one line, and the question for the rest of an address (几单元几号？)
    asks = {
        f"utter_ask_{slot}",
        f"utter_emergency_need_{slot}",
        f"utter_emergency_need_{slot}_rest",
        f"utter_ask_{slot}_rest",
        f"utter_ask_{slot}_meant",
    }
    asks |= QUESTIONS_OF_SLOT.get(slot, frozenset())
    # a form's own wording of the question (utter_ask_verify_form_address) is the same ask
    form_ask = f"_form_{slot}"
    return sum(
        1
        for event in unanswered_run(tracker, slot)
        if uttered(event) in asks
        or (uttered(event).startswith("utter_ask_") and uttered(event).endswith(form_ask))
    )


def uttered(event: dict[str, Any]) -> str:
    """The response a bot event said ("" for other events)."""
    if event.get("event") != "bot":
        return ""
    return str((event.get("metadata") or {}).get("utter_action") or "")


#: Said once to a resident who has an address but no 户号 where an amount or reading is asked.
AMOUNT_NEEDS_ACCOUNT = "查金额和读数需要用户号核实身份，只凭地址查不了。"
WAY_OUTS = ("utter_form_way_out", "utter_verify_alternatives")
#: The one-line reminder of each list of ways out, for the asks after the first list.
SHORT_WAY_OUTS = {
    "utter_form_way_out": "utter_form_way_out_short",
    "utter_verify_alternatives": "utter_verify_alternatives_short",
}


def offer_way_out(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    events: list[EventType],
    response: str = "utter_form_way_out",
) -> None:
    """When the form is about to ask the same question a third time (the answer did not fill it,
    whether it was wrong, a side question or a complaint about the question), say how else to
    get it done first: a person, the hotline, stopping; for verification, the other ways to prove
    the account. `events` are what the validation returns this turn."""
    slot = tracker.get_slot("requested_slot")
    if not slot or asked_in_a_row(tracker, slot) < 2:
        return
    if any(e.get("event") == "slot" and e.get("name") == slot and e.get("value") for e in events):
        return
    if any(m.get("response") in (*WAY_OUTS, *SHORT_WAY_OUTS.values()) for m in dispatcher.messages):
        return
    if way_out_given(tracker, slot):
        # the whole list once per run of asks; after that a one-line reminder, so the resident
        # who is still looking for the address does not read the same paragraph every turn
        response = SHORT_WAY_OUTS[response]
    dispatcher.utter_message(response=response, hotline=policy().company.hotline)


def way_out_given(tracker: Tracker, slot: str) -> bool:
    """Whether the ways out were already listed in this run of asks for `slot`."""
    return any(uttered(event) in WAY_OUTS for event in unanswered_run(tracker, slot))


#: The offer made when heating is stopped in the resident's community: book a visit anyway?
AFTER_OUTAGE = "repair_after_outage"
OUTAGE_OFFER = "utter_outage_repair_offer"
#: The answer to a no to that offer: nothing is booked, and the request is over.
OUTAGE_DECLINED = "utter_outage_repair_declined"
#: A second request's `pending` offer and how it is named to the resident (a binding is not
#: offered: it is done with the bill, `actions.account`).
SECOND_REQUESTS: dict[str, tuple[str, str]] = {
    "report_repair": ("repair", "报修"),
    "request_temp_check": ("second:request_temp_check", "上门测温"),
    "file_complaint": ("second:file_complaint", "投诉"),
    "query_fee": ("second:query_fee", "查暖气费"),
    "query_outage": ("second:query_outage", "查停热情况"),
}
#: The repair offered beside a complaint that the home is cold (`also`): offered as the
#: company's suggestion, not as something the resident said.
UNASKED_OFFER = "utter_offer_repair_for_cold"
#: Answers that say a repair ticket was filed (or an urgent one opened) in this conversation.
REPAIR_FILED = frozenset(
    {
        "utter_repair_created",
        "utter_emergency_ticket",
        "utter_emergency_ticket_open",
        "utter_leak_urgent",
        "utter_urgent_repair_updated",
        "utter_urgent_phone_missing",
    }
)
#: A second request already done in this conversation, by the answer that says it was filed.
FILED_THIS_CONVERSATION: dict[str, frozenset[str]] = {
    "file_complaint": frozenset({"utter_complaint_created"}),
    "request_temp_check": frozenset({"utter_temp_check_created"}),
}
#: Answers that already told the resident about heating stops.
OUTAGE_TOLD = frozenset({"utter_outage_found", "utter_no_outage", "utter_no_outage_here"})


def offer_second_request(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    done: set[str],
    started_by: str | None,
    stopped: bool = False,
    also: tuple[str, ...] = (),
) -> list[EventType]:
    """Once the request `done` is finished, offer the other one the message that started it
    made too (bot.nlu.requests), so the second of two requests in one message is not dropped:
    not one offered before, nor an outage question the conversation already answered. Where
    heating is `stopped` (the caller has told the stop), a repair is offered as after any stop:
    the stop is why it is cold, book anyway? The caller makes no other offer in the same turn
    (one `pending` at a time). `also` are requests the caller judges the resident needs though
    the message did not ask for them (a complaint that the home is cold: the repair), offered in
    words of their own (`UNASKED_OFFER`).
    """
    confirming = next((ADDED_REQUEST_FORMS[i] for i in done if i in ADDED_REQUEST_FORMS), None)
    if adds_a_request(latest_intent(tracker), latest_text(tracker), confirming):
        return []  # 对 那今天到底谁来修？: the repair's form starts next (FormAnswerPolicy)
    offered = {
        e.get("value")
        for e in tracker.events
        if e.get("event") == "slot" and e.get("name") == "pending"
    }
    told = {
        (e.get("metadata") or {}).get("utter_action")
        for e in tracker.events
        if e.get("event") == "bot"
    }
    asked = requests_in(started_by)
    for intent in dict.fromkeys([*asked, *also]):
        if intent in done or intent not in SECOND_REQUESTS:
            continue
        pending, what = SECOND_REQUESTS[intent]
        if pending in offered or (intent == "query_outage" and told & OUTAGE_TOLD):
            continue
        if told & FILED_THIS_CONVERSATION.get(intent, frozenset()):
            # the complaint this conversation filed covers it: a yes filed a second complaint
            # for the same fault (players' p4-065)
            continue
        if intent == "report_repair" and told & REPAIR_FILED:
            # the repair this conversation filed covers it: a yes would file the fault again
            continue
        if intent == "report_repair" and stopped and blames_the_stop(started_by):
            # 暖气凉了 你们停暖也不通知: the cold is the stop's, told by the resident themselves
            continue
        if intent == "report_repair" and stopped:
            dispatcher.utter_message(response=OUTAGE_OFFER)
            return [SlotSet("pending", AFTER_OUTAGE)]
        if intent in asked:
            dispatcher.utter_message(response="utter_offer_second_request", what=what)
        else:
            # judged from the complaint, never asked: 您刚才还提到要报修 told the resident they
            # had said what they had not (players' p3-084)
            dispatcher.utter_message(response=UNASKED_OFFER)
        return [SlotSet("pending", pending)]
    return []


def opening_text(tracker: Tracker, intents: set[str], form: str) -> str:
    """The message that started the request: the latest with one of `intents`, else the one
    before `form` opened (an emergency or a bare fault opens the repair form under another
    intent, and its first message is where a second request was made)."""
    return next(
        (
            str(e.get("text") or "")
            for e in _events_since_start(tracker, intents, form)
            if e.get("event") == "user"
        ),
        "",
    )


APOLOGY = "utter_apology_upset"
#: The apology that promises nothing (the resident said no, or asked something): 抱歉让您着急了.
PLAIN_APOLOGY = "utter_apology_plain"


#: Every apology a conversation may hear; one of them is enough.
APOLOGIES = frozenset(
    {
        APOLOGY,
        PLAIN_APOLOGY,
        "utter_apology_outage",
        "utter_apology_grievance",
        "utter_hotline_unreachable",
    }
)


def apologise_once(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    response: str = APOLOGY,
    owed: bool = False,
) -> None:
    """Apologise to a resident upset about the service (bot.handoff.triggers.upset), or to whom
    the caller knows one is `owed`, once per conversation, so an angry "暖气凉了三天了！！！" is
    not answered with "请留一个手机号码" alone; `response` is the apology that fits (a stop's
    is not "I will file it now")."""
    if not owed and not upset(raw_text(tracker)):
        return
    if any(
        e.get("event") == "bot" and (e.get("metadata") or {}).get("utter_action") in APOLOGIES
        for e in tracker.events
    ) or any(m.get("response") in APOLOGIES for m in dispatcher.messages):
        return
    dispatcher.utter_message(response=response)


#: The offer of a person beside a form, once per conversation (the complaint form has its own).
PERSON_OFFER = "utter_person_offer"
PERSON_OFFERS = frozenset({PERSON_OFFER, "utter_complaint_person_too"})


def offer_person_once(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """Offer a person to a resident who asks for someone in charge while a form runs (暖气三天不热了
    我要找你们经理): the request the form serves goes on, but the person asked for is not dropped
    (issue 16: anger gets an apology and a person, not only a slot question)."""
    if not wants_someone_in_charge(latest_text(tracker)):
        return
    if any(
        e.get("event") == "bot" and (e.get("metadata") or {}).get("utter_action") in PERSON_OFFERS
        for e in tracker.events
    ) or any(m.get("response") in PERSON_OFFERS for m in dispatcher.messages):
        return
    dispatcher.utter_message(
        response=PERSON_OFFER, buttons=[{"title": "转人工", "payload": "/request_human"}]
    )


def contact_cleared(tracker: Tracker) -> bool:
    """Whether the resident said the contact number was wrong (`action_correct_info` emptied
    the `phone` slot after it held one): the form then asks instead of filling it in again."""
    held = False
    for event in tracker.events:
        if event.get("event") == "slot" and event.get("name") == "phone":
            if event.get("value"):
                held = True
            elif held:
                return True
    return False


def requested(tracker: Tracker, slot: str) -> bool:
    """Whether the form just asked for `slot`, so the latest message is its answer."""
    return bool(tracker.get_slot("requested_slot") == slot)


async def prefill_from_account(tracker: Tracker, slot: str) -> dict[str, Any]:
    """`{slot: value}` from the sender's bound or verified account while the slot is empty."""
    if tracker.get_slot(slot) is not None:
        return {}
    account_no = await sender_account(tracker)
    if account_no is None:
        return {}
    contact = await read_db(contact_of, account_no)
    value = getattr(contact, slot) if contact else None
    return {slot: value} if value else {}


#: A 户号 said alone (with at most a few words: 户号是0102345678).
_BARE_ACCOUNT = re.compile(r"\D{0,6}\d{8,12}\D{0,4}")


def account_for_the_fee(tracker: Tracker) -> str | None:
    """The 户号 the latest message gives alone, when the conversation asked for the fee as well
    (查一下暖气费 顺便报个修) and the number is no phone: it is for the fee query that comes
    second, not an answer to the repair's questions. None otherwise."""
    text = latest_text(tracker)
    if not _BARE_ACCOUNT.fullmatch(text.strip()) or normalise_contact_number(text):
        return None
    if requested(tracker, "phone") and text.strip().startswith("1"):
        return None  # 1381234567 where the phone was asked: a mobile mistyped, told so
    account = normalise_account_no(text)
    if account is None:
        return None
    said = said_since_request_ended(tracker)[:-1]  # a fee query given up (算了) is not waiting
    return account if any("query_fee" in requests_in(t) for t in said) else None


#: The contact questions each form asks, whose answers it takes whichever of them was asked
#: (明天上午吧 at the phone question is the visit time).
FORM_CONTACT_SLOTS: dict[str, tuple[str, ...]] = {
    "repair_form": ("address", "phone", "visit_time"),
    "temp_check_form": ("address", "phone", "visit_time"),
    "complaint_form": ("address", "phone"),
    "verify_form": ("address", "phone"),
}
#: Forms whose request keeps a detail told at a contact question (`DETAIL_NOTED`).
DETAIL_FORMS = frozenset({"repair_form", "temp_check_form", "complaint_form"})
#: Answers that already dealt with the latest message: a reproach after one of them is a second
#: reply to one message (the other ways to prove the account, then "请输入…后4位数字").
ANSWERED_ALREADY = frozenset(
    {
        DETAIL_NOTED,
        "utter_verify_alternatives",
        "utter_no_account_needed",
        "utter_reading_noted",
        "utter_noted_address",
        "utter_noted_phone",
        "utter_noted_visit_time",
        "utter_visit_time_rolled",
        "utter_account_no_is_phone",
        "utter_urgent_no_appointment",
    }
)
READ_BACK_QUESTION = "details_confirmed"
#: Intents the forms' free-text mappings leave to the interruption rules (a side question, a
#: way out): no value is read from such a message beyond what the mappings take.
SIDE_INTENTS = frozenset(
    {
        "faq",
        "query_outage",
        "query_service_hall",
        "query_ticket",
        "bot_challenge",
        "out_of_scope",
        "request_human",
        "deny",
        "cancel_ticket",
        "correct_info",
        "greet",
        "goodbye",
        "query_subscriptions",
        "send_photo",
    }
)


def hall_asked_in_form(tracker: Tracker) -> bool:
    """Whether the latest message, sent while a form asks its question, asks about a service
    hall (你们和平里营业厅周六几点关门 where the visit time was asked, haw-040): a side question,
    answered beside the form (`actions.service_halls.tell_hall_asked`). Its 和平里 is the
    hall's name and its 周六 the hall's day: neither is the home's address nor the visit's
    time, which the form keeps as they were."""
    if not tracker.active_loop.get("name") or not tracker.get_slot("requested_slot"):
        return False
    if latest_intent(tracker) == "query_service_hall":
        return True
    text = latest_text(tracker)
    return "营业厅" in text and asks_hall_visit(text)


#: The lines that acknowledge a value taken in passing: not needed when the question asked was
#: answered too (the next question, or the read-back, follows).
NOTED = frozenset({"utter_noted_address", "utter_noted_phone", "utter_noted_visit_time"})


def reproach(dispatcher: CollectingDispatcher, response: str, **kwargs: Any) -> None:
    """Say that an answer is not the value asked (`response`), unless this turn has already
    answered the message (`ANSWERED_ALREADY`): one reply to one message, and the form's question
    after it carries the example (the reproaches name what is missing, not the example again)."""
    if any(m.get("response") in ANSWERED_ALREADY for m in dispatcher.messages):
        return
    dispatcher.utter_message(response=response, **kwargs)


def contact_slots(tracker: Tracker) -> tuple[str, ...]:
    """The contact questions of the active form (an urgent repair asks no visit window)."""
    slots = FORM_CONTACT_SLOTS.get(str(tracker.active_loop.get("name") or ""), ())
    if tracker.get_slot("urgent_ticket_no") or tracker.get_slot("fault_type") == "leak":
        slots = tuple(s for s in slots if s != "visit_time")
    return slots


def asked_another(tracker: Tracker, slot: str) -> str | None:
    """The form's question the latest message answers when it is not `slot` (None when nothing
    was asked, or `slot` was)."""
    asked = tracker.get_slot("requested_slot")
    return str(asked) if asked and asked != slot else None


def said_now(tracker: Tracker, value: Any) -> bool:
    """Whether `value` came from the latest message (an entity of it or the message itself), not
    from the account or the SMS sender's number."""
    text, said = latest_text(tracker), str(value or "").strip()
    return bool(said) and (said in text or text.strip() in said)


def window_said(tracker: Tracker, value: Any) -> tuple[VisitWindow, bool] | None:
    """The visit window the latest message gives (`next_visit_window`: a part of today already
    over is tomorrow's), else the slot value's; None when the message tells of a day gone by
    (就昨天下午来的 is no time to come)."""
    text = latest_text(tracker)
    if mentions_past_day(text) or unread_day(text):
        return None  # 改天下午 / 过两天上午: which day is asked, never today's afternoon taken
    # 改到下午 / 对 下午 when a window is held: that day's afternoon, not today's
    held = window_of(_value_before_this_message(tracker, "visit_time"))
    on_held_day = window_on_held_day(text, held, clock.now())
    if on_held_day is not None:
        return on_held_day, False
    return next_visit_window(text, clock.now()) or next_visit_window(str(value or ""), clock.now())


def answers_another(tracker: Tracker, slot: str, communities: list[str]) -> str | None:
    """The other contact question of the active form the latest message gives a value for
    (明天上午吧 where the phone was asked), read from what this message set; None if none."""
    for other, value in tracker.slots_to_validate().items():
        if other == slot or other not in contact_slots(tracker) or not value:
            continue
        if other == "visit_time" and not _time_told_in_passing(tracker):
            if window_said(tracker, value):
                return other
            continue
        if other == "phone" and contact_number(str(value)):
            return other
        if other == "address":
            parsed = parse_address(str(value), communities)
            if parsed.is_usable and (parsed.building or parsed.room):
                return other
            if parsed.unit and parsed.room and tracker.get_slot("address"):
                return other  # 我家是2单元301 completing 和平里13号楼: no "不像是电话号码"
    return None


class ContactSlots:
    """Extractors and validators for the slots several forms share: address, phone, visit window.

    An answer to the form's question is taken when it parses as the value asked for, whatever
    intent NLU gave it: a bare 13812345678 or 明天上午 is sometimes classified as something else,
    and the form would otherwise reject it. An answer to another of the form's contact questions
    (明天上午吧 where the phone was asked) is taken too and acknowledged in a line (好的，上门时间
    记为…), and the question asked comes once, with no "不像是电话号码"; words about the request
    itself (就昨天下午来的 姓王 where the address was asked) are kept with it (`DETAIL_NOTED`).

    rasa-sdk calls `extract_<slot>` and `validate_<slot>` methods by name for the form's required
    slots, so a form validation action gets them by inheriting this mixin (and a guarded `run`).
    A bound or verified sender is not asked again for the address and phone the company has.
    """

    @guarded
    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """An upset resident hears an apology before the form's next question."""
        apologise_once(dispatcher, tracker)
        offer_person_once(dispatcher, tracker)
        events = await FormValidationAction.run(self, dispatcher, tracker, domain)
        offer_way_out(dispatcher, tracker, events)
        return events

    async def get_validation_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """rasa-sdk's validation; the lines acknowledging values taken in passing are dropped
        when the question asked got its answer too (阳光花园5号楼1单元302 手机138… where the
        address was asked: the next question follows, and the read-back lists them all)."""
        events: list[EventType] = await super().get_validation_events(  # type: ignore[misc]
            dispatcher, tracker, domain
        )
        asked = tracker.get_slot("requested_slot")
        if asked and any(
            e.get("event") == "slot" and e.get("name") == asked and e.get("value") is not None
            for e in events
        ):
            dispatcher.messages[:] = [
                m for m in dispatcher.messages if m.get("response") not in NOTED
            ]
        return events

    async def extract_address(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """An answer that reads as an address, else the address of the sender's account."""
        if requested(tracker, "address"):
            from actions.outage import spelling_confirmed  # imports this

            text = latest_text(tracker)
            if spelled := await spelling_confirmed(tracker):
                # 对 after 您说的是不是“幸福里小区”？, 对 是阳光花园 after 您说的是阳光花园吗？
                return {"address": spelled}
            if parse_address(text, await read_db(known_communities)).is_usable:
                return {"address": text}
            if door_answered(tracker):
                return {"address": text}  # 602 after 门牌是几号: completes the home told
            if withholds_door(text, asked=True):
                return {"address": text}  # 不记得 来了再说: validated, to be told why or filed
        return await prefill_from_account(tracker, "address")

    async def extract_phone(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """An answer that reads as a phone number (or, on SMS, 就这个号 / 本机), else the number
        an SMS sender writes from, else the registered phone of the account. An SMS sender is
        not asked at all unless they said the number was wrong (`contact_cleared`)."""
        text = latest_text(tracker)
        own = sender_phone(tracker)
        if requested(tracker, "phone"):
            if own and means_own_number(text):
                return {"phone": own}
            if normalise_contact_number(text):
                return {"phone": text}
        if own and tracker.get_slot("phone") is None and not contact_cleared(tracker):
            return {"phone": own}
        if tracker.get_slot("phone") is None and (
            landline := landline_told(text, area_code_of(policy().city))
        ):
            # 地址…，电话010-6789 1234 转 8021，明天下午: the landline typed with the request
            return {"phone": landline}
        return await prefill_from_account(tracker, "phone")

    async def extract_visit_time(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """An answer that reads as a time, whatever intent NLU gave it; where another contact
        question was asked, a time the entity extractor missed (礼拜六一早 where the address was
        asked) too, unless this message set one already."""
        text = latest_text(tracker)
        if hall_asked_in_form(tracker):
            return {}  # 营业厅周六几点关门: the hall's Saturday, no visit on it
        if requested(tracker, "visit_time") and window_said(tracker, text):
            return {"visit_time": text}
        asked = asked_another(tracker, "visit_time")
        if (
            latest_intent(tracker) not in SIDE_INTENTS  # a side question is answered instead
            and asked in contact_slots(tracker)
            and "visit_time" in contact_slots(tracker)
            and "visit_time" not in tracker.slots_to_validate()
            and not _time_told_in_passing(tracker)
            and window_said(tracker, text)
        ):
            return {"visit_time": text}
        return {}

    async def _not_the_value(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        slot: str,
        response: str,
        **kwargs: Any,
    ) -> dict[str, Any]:
        """What is said and kept when the answer to `slot` is no value of it: nothing when the
        message gives another of the form's questions (acknowledged by its validation) or this
        turn has answered it already; a line that it is noted, and the words kept with the
        request, when it tells about the request (`detail_of_request`); else the reproach
        `response`. Returns slots to set besides (a complaint's text with the detail added)."""
        if answers_another(tracker, slot, await read_db(known_communities)):
            return {}
        form = str(tracker.active_loop.get("name") or "")
        text = latest_text(tracker)
        if (
            form == "repair_form"
            and tracker.get_slot("urgent_ticket_no")
            and window_said(tracker, text)
        ):
            # 明天上午吧 where an urgent repair asks the phone: the crew comes now, no appointment
            reproach(dispatcher, "utter_urgent_no_appointment")
            return {}
        if form in DETAIL_FORMS and requested(tracker, slot) and is_question(text):
            # 等下 那我这个冬天能不能报停 说清楚 where the phone was asked: a question, answered
            # before the form asks again, never noted as a detail (players' class F)
            from actions.knowledge import answer_topics, question_knowledge  # imports this

            kb = question_knowledge(tracker, policy())
            topic = topic_asked(tracker.latest_message, kb.retrieval)
            if topic is not None and topic in kb.topics:
                if not dispatcher.messages:
                    answer_topics(dispatcher, tracker, kb, [topic])
                return {}
        kept = account_for_the_fee(tracker) if form in DETAIL_FORMS else None
        if kept and requested(tracker, slot):
            # 0102345678 where the repair's address was asked, after 查暖气费 顺便报个修: the 户号
            # of the fee query, kept for it (offered once the repair is filed), never a note
            # on the repair ticket (players' class E)
            dispatcher.utter_message(
                text=f"户号 {mask_account(kept)} 记下了，报修登记好就接着帮您查暖气费。"
            )
            return {"account_no": kept}
        if form in DETAIL_FORMS and requested(tracker, slot) and detail_of_request(text, slot):
            if any(m.get("response") == DETAIL_NOTED for m in dispatcher.messages):
                return {}
            dispatcher.utter_message(response=DETAIL_NOTED)
            complaint = tracker.get_slot("complaint_text")
            if form == "complaint_form" and complaint and text not in str(complaint):
                return {"complaint_text": f"{complaint}；{text}"[:2000]}
            return {}
        reproach(dispatcher, response, **kwargs)
        return {}

    async def validate_address(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Accept an address with a community, or with a building and a room. A part of one
        given as a correction (不对不对 是6号楼 5号楼是俺儿子家), or the rest of one whose
        community was said before (5号楼1单元302 after 我是和平里的), completes the address held;
        words taken for an address while another question was asked (联系电话打社区…) leave the
        held one as it was. A visit needs more than the community: the fitter must find the door.
        A time is no address (后天上午家里有人: "后天上午家里" is no community of ours). A message
        that takes its own address back (…302，不对，是5号楼1单元302) means the one after the
        correction (`address_meant`)."""
        communities = await read_db(known_communities)
        address = parse_address(str(value or ""), communities)
        if hall_asked_in_form(tracker) and not (address.building or address.room):
            # 你们和平里营业厅周六几点关门 at the visit-time question: the hall's name, not the
            # home (it cleared 和平里1号楼2单元102 and the address was asked again, haw-040)
            return {"address": _value_before_this_message(tracker, "address")}
        this_message = requested(tracker, "address") or said_now(tracker, value)
        if this_message and (meant := address_meant(latest_text(tracker), communities)):
            # 阳光花园5号楼2单元302，不对，是5号楼1单元302: the address after the correction
            address = meant
        held = parse_address(str(_value_before_this_message(tracker, "address") or ""), communities)
        on_ticket = await urgent_ticket_home(tracker, communities)
        named = (
            held.community
            or on_ticket.community
            or _community_said_before(tracker, communities)
            or _community_of_the_stop_offer(tracker, communities)
            or community_set_aside(tracker, communities)
        )

        def ours(parsed: Address) -> Address:
            # 金色家园 said first, then 行 那先约个下周一上午 3号楼2单元1201: the words before the
            # building are no community of ours; the one said before is the home's
            unknown = parsed.community and not match_community(parsed.community, communities)
            return replace(parsed, community=None) if named and unknown else parsed

        address = ours(address)
        if address.community is None:
            said = ours(parse_address(latest_text(tracker), communities))
            if not (said.building or said.room) and (door := door_answered(tracker)):
                # 602 / 我刚说了602啊 where the rest of the home was asked: its door (class A)
                said = Address(raw=latest_text(tracker), room=door)
            if named:
                known = held if held.community else _home_before(tracker, communities, named)
                if not held.community and on_ticket.community == named:
                    known = on_ticket  # 1单元301 after 和平里2号楼 went out on the urgent ticket
                address = corrected(known, said if said.building or said.room else address)
            elif this_message and said.community and _same_flat(said, address):
                # 阳光小区暖气不热 10号楼2单元601: the flat was taken without the community the
                # message names beside it, which is never dropped (p4-050)
                address = replace(address, community=said.community)
        if _a_time_not_a_place(tracker, address, communities):
            address = Address(raw="")
        if not address.is_usable:
            if held.is_usable and not requested(tracker, "address"):
                return {"address": held.summary()}
            partial = home_told(tracker, communities, latest=False)
            if requested(tracker, "address") and urgent_rest_asked(tracker) and partial.is_usable:
                # 不知道 / 来了再说 after the urgent ticket's rest was asked: asked once only
                return {"address": without_door(partial)}
            if _another_question(tracker, "address"):
                return {"address": None}  # an entity taken while the phone was asked: no reproach
            if agreed_without_a_value(tracker, value):
                return {"address": None}  # 好吧 那就登记吧: agreeing, not a wrong address
            if asks_for_measurement(latest_text(tracker)):
                return {"address": None}  # 来个人给量量 switched to 测温: a request, no address
            reading = parse_room_reading(latest_text(tracker))
            if reading is not None and requested(tracker, "address"):
                # 温度计才十六度 at the address question: what they measured, not a wrong address.
                # It is acknowledged; the ticket's words keep it (a 测温 reads it from them)
                dispatcher.utter_message(response="utter_reading_noted", reading=f"{reading:g}")
                return {"address": None}
            kept = await self._not_the_value(
                dispatcher, tracker, "address", "utter_invalid_address"
            )
            return {"address": None, **kept}
        form = tracker.active_loop.get("name")
        urgent = bool(tracker.get_slot("urgent_ticket_no"))
        if (
            form in FITTER_FORMS
            and not urgent
            and this_message
            and community_guessed(tracker, address, communities, value)
        ):
            return {"address": None}  # 阳光小区: 您说的是阳光花园吗？ (`ActionAskAddress`)
        if form in FITTER_FORMS and not urgent and missing_for_visit(address, latest_text(tracker)):
            if (
                (tracker.get_slot("requested_slot") or DOOR_NOT_GIVEN in str(value or ""))
                and not requested(tracker, "address")
                and replace(address, raw="") == replace(held, raw="")
            ):
                # 联系电话打社区 at the phone question adds nothing to the address held; but the
                # 金色家园 of an earlier question is no visit's address as the form starts: the
                # form asks for the rest (p4-049 was booked with the community alone)
                return {"address": _value_before_this_message(tracker, "address")}
            return {"address": _door_still_missing(dispatcher, tracker, address, this_message)}
        if form in VISIT_FORMS and only_the_community(address):
            # 我的房子 和平里 for an urgent leak or a 报停: the form asks in its turn
            if requested(tracker, "address"):
                dispatcher.utter_message(
                    response="utter_address_incomplete", community=address.community
                )
            return {"address": None}
        if form in FITTER_FORMS and urgent and missing_for_visit(address, latest_text(tracker)):
            # 阳光花园7号楼 for an urgent ticket: it went out with it, and the crew is asked
            # for the unit and door once (p4-026); whatever comes next completes it
            if not urgent_rest_asked(tracker):
                return {"address": None}
            if this_message and withholds_door(latest_text(tracker), requested(tracker, "address")):
                return {"address": without_door(address)}  # 不知道 来了打电话吧
        if address.building or address.room or not address.raw or only_the_community(address):
            accepted = address.summary()
        else:
            # 和平里写字楼一层大堂: the words that lead there are the address, not only 和平里
            accepted = address.raw.strip()
        if _noted_in_passing(tracker, "address", value) and accepted != held.summary():
            dispatcher.utter_message(response="utter_noted_address", address=accepted)
        return {"address": accepted}

    async def validate_phone(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Accept a mobile number, or a landline with its area code and extension, in any
        spacing or digit form (`normalise_contact_number`). Digits taken for a phone while another
        question was asked, and no phone, leave the number held as it was. A number withheld
        out of distrust (不想给 别拿去推销) is told what it is for, not that it is no number. A
        number the message takes back (…5678，哦不对，是…5679) is not kept (`number_meant`)."""
        own = sender_phone(tracker)
        phone = own if own and means_own_number(str(value or "")) else None
        phone = phone or contact_number(str(value or ""))
        if phone and (requested(tracker, "phone") or said_now(tracker, value)):
            # 13812345678，哦不对，是13812345679: the number after the correction, alone
            phone = number_meant(latest_text(tracker), contact_number) or phone
        if phone is None and agreed_without_a_value(tracker, value):
            return {"phone": None}  # 行吧 那你们给我登记一下: the question again, no reproach
        if phone is None and _another_question(tracker, "phone"):
            return {"phone": _value_before_this_message(tracker, "phone")}
        if phone is None and tracker.get_slot("urgent_ticket_no") and has_no_phone(
            latest_text(tracker)
        ):
            return {"phone": None}  # 我没手机 家里也没装电话: noted on the ticket, not reproached
        if (
            phone is None
            and tracker.active_loop.get("name") in PHONELESS_VISIT_FORMS
            and visit_without_phone(tracker)
        ):
            # 我没手机 / 说了不留就是不留: the fitter comes to the door, the question ends
            dispatcher.utter_message(response="utter_visit_without_phone")
            return {"phone": None}
        if phone is None and withholds_phone(str(value or "")):
            # 凭什么要我电话 别拿去推销: what the number is for, then the question again
            dispatcher.utter_message(response="utter_phone_why")
            return {"phone": None}
        if phone is None:
            shown = str(value or "")[:20]
            kept = await self._not_the_value(
                dispatcher, tracker, "phone", "utter_invalid_phone", value=shown
            )
            return {"phone": None, **kept}
        held = _value_before_this_message(tracker, "phone")
        if _noted_in_passing(tracker, "phone", value) and phone != held:
            dispatcher.utter_message(response="utter_noted_phone", phone=mask_phone(phone))
        return {"phone": phone, **_second_number(tracker, phone, held)}

    async def validate_visit_time(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Turn 明天上午 / 周六下午两点 into an absolute window, stored as `start/end` ISO text. A
        part of the day already over today (下午都行 at 19:50) is tomorrow's, and the resident
        is told so; a time given where another question was asked is acknowledged in a line.
        The day of a hall question (`hall_asked_in_form`) leaves the window as it was."""
        if hall_asked_in_form(tracker):
            return {"visit_time": _value_before_this_message(tracker, "visit_time")}
        found = None if _time_told_in_passing(tracker) else window_said(tracker, value)
        if found is None:
            if _another_question(tracker, "visit_time"):
                # a time word in an answer to another question (就昨天下午来的): nothing to book
                return {"visit_time": _value_before_this_message(tracker, "visit_time")}
            day = unread_day(latest_text(tracker))
            kept = await self._not_the_value(
                dispatcher,
                tracker,
                "visit_time",
                "utter_visit_day_unclear" if day else "utter_invalid_visit_time",
                **({"day": day} if day else {}),
            )
            return {"visit_time": None, **kept}
        window, moved = found
        morning = None if moved else morning_instead_of_night(window, clock.now())
        window = morning or window
        stored = f"{window.start.isoformat()}/{window.end.isoformat()}"
        shown = clock.format_window(window.start, window.end)
        if morning is not None:
            # 现在 / 越快越好 at 02:20: nobody visits a home at night for a cold radiator
            dispatcher.utter_message(
                response="utter_visit_time_night",
                window=shown,
                duty_phone=policy().emergency.duty_phone,
            )
        elif moved:
            dispatcher.utter_message(response="utter_visit_time_rolled", window=shown)
        elif _noted_in_passing(tracker, "visit_time", value) and stored != (
            _value_before_this_message(tracker, "visit_time")
        ):
            dispatcher.utter_message(response="utter_noted_visit_time", window=shown)
        return {"visit_time": stored}


#: The slot of a second number to call (a carer's own mobile beside the home's landline).
SECOND_PHONE = "second_phone"


def with_second_number(description: str, tracker: Tracker) -> str:
    """A ticket's description with the second number to call, when one was given."""
    second = tracker.get_slot(SECOND_PHONE)
    return f"{description}；备用电话：{second}" if second else description


def _second_number(tracker: Tracker, phone: str, held: str | None) -> dict[str, Any]:
    """The contact and second number when the answer to the phone question or the read-back
    gives two (上门前打我妈座机… 有事打我手机…: `numbers_for_the_visit`), adds one to the held
    number (另外我手机…也记上) or keeps the held one beside a new one (我手机也留着); nothing to
    change otherwise. Players' class G: only one number was kept, the wrong one."""
    if tracker.get_slot("requested_slot") not in ("phone", READ_BACK_QUESTION):
        return {}
    text = latest_text(tracker)
    pair = numbers_for_the_visit(text, contact_number)
    if pair is not None:
        return {"phone": pair[0], SECOND_PHONE: pair[1]}
    if held and phone != held and adds_a_number(text):
        return {"phone": held, SECOND_PHONE: phone}
    if held and phone != held and keeps_held_number(text):
        return {SECOND_PHONE: held}
    return {}


def _another_question(tracker: Tracker, slot: str) -> bool:
    """Whether the form asked another of its questions than `slot`, the read-back excepted (a
    wrong number given there as a change is still told so)."""
    return asked_another(tracker, slot) not in (None, READ_BACK_QUESTION)


def _time_told_in_passing(tracker: Tracker) -> bool:
    """Whether the latest message answers another of the form's questions and its time words
    tell of the problem (晚上 睡觉 不能, 早上量的十七度半), not when to come (`offers_a_time`):
    no visit window is taken from them. At the read-back any time is a change (改到后天下午)."""
    asked = asked_another(tracker, "visit_time")
    if asked is None or asked == READ_BACK_QUESTION:
        return False
    return not offers_a_time(latest_text(tracker))


def _noted_in_passing(tracker: Tracker, slot: str, value: Any) -> bool:
    """Whether a value of `slot` came with the answer to another of the form's questions (not
    the read-back, which lists it again anyway), so a line says it was taken."""
    asked = asked_another(tracker, slot)
    return bool(asked) and asked != READ_BACK_QUESTION and said_now(tracker, value)


def _a_time_not_a_place(tracker: Tracker, address: Address, communities: list[str]) -> bool:
    """Whether what was read as an address is a time (后天上午家里有人: "后天上午家里" read as a
    community for its 里): no building or flat, no community of ours, and the words give a
    visit window."""
    if address.building or address.room or not address.community:
        return False
    if match_community(address.community, communities):
        return False
    return window_said(tracker, latest_text(tracker)) is not None


#: Forms that send someone to the home, or file a request for one household (an unverified
#: 报停 or meter check in the verification form), and so need the building or the flat, not only
#: the community (a complaint is routed by its community).
VISIT_FORMS = frozenset({"repair_form", "temp_check_form", "verify_form"})
#: Forms that send a fitter, who must find the door: the address needs its building, unit and
#: door number (`missing_for_visit`), or a note that the fitter calls for them.
FITTER_FORMS = frozenset({"repair_form", "temp_check_form"})
#: Words around a community name that say nothing more of where (我家在和平里小区的).
_NOTHING_MORE = re.compile(r"[\s,，。.!！?？、]|小区|我家|我们家|俺家|住|在|的|是|那儿|这儿")


def agreed_without_a_value(tracker: Tracker, value: Any) -> bool:
    """Whether the answer the free-text mapping took is a yes with no digit in it (行吧 那你们给我
    登记一下 来了还不热再说): the resident agrees to go on, so "that does not look like a phone
    number" would reproach them for an answer they did not give; the form asks again."""
    return latest_intent(tracker) == "affirm" and not any(ch.isdigit() for ch in str(value or ""))


#: Why the door number is asked, said once to a resident who cannot or will not give it.
DOOR_WHY = "utter_address_why"
#: The question for the rest of an address partly told (阳光花园6号楼，几单元几号？).
ASK_REST = "utter_ask_address_rest"


def _door_still_missing(
    dispatcher: CollectingDispatcher, tracker: Tracker, address: Address, this_message: bool
) -> str | None:
    """The address to keep when a visit's address lacks the building, unit or door number
    (`missing_for_visit`): None, so the form asks for the rest (`ActionAskAddress` names only the
    parts missing), after why it is needed when the resident says they cannot give it; the
    address with `DOOR_NOT_GIVEN` when they still cannot after hearing why, or it was asked
    twice already: filed and called ahead, never asked a third time (the way out is for a
    question that cannot be answered, and this one can be left to the fitter's call)."""
    withheld = this_message and withholds_door(
        latest_text(tracker), asked=requested(tracker, "address")
    )
    run = unanswered_run(tracker, "address")
    why_told = any(uttered(event) == DOOR_WHY for event in run)
    if this_message and ((withheld and why_told) or asked_in_a_row(tracker, "address") >= 2):
        accepted = without_door(address)
        if not requested(tracker, "address"):
            dispatcher.utter_message(response="utter_noted_address", address=accepted)
        return accepted
    if withheld:
        dispatcher.utter_message(response=DOOR_WHY)
    elif requested(tracker, "address") and only_the_community(address):
        # 就和平里: why the address is asked again, before the question for the rest
        dispatcher.utter_message(response="utter_address_incomplete", community=address.community)
    return None


def _same_flat(one: Address, other: Address) -> bool:
    """Whether two readings of a message name the same building and door (the community aside)."""
    return (one.building, one.room) == (other.building, other.room)


#: The question for the unit and door an urgent ticket still lacks, asked once.
URGENT_REST = "utter_emergency_need_address_rest"
#: The question asking back a community read from a name close to one of ours (阳光小区).
ASK_MEANT = "utter_ask_address_meant"


def _said_in_this_request(tracker: Tracker, response: str) -> bool:
    """Whether the bot said `response` since the request before ended (`REQUEST_ENDED`)."""
    for event in reversed(tracker.events):
        if uttered(event) in REQUEST_ENDED:
            return False
        if uttered(event) == response:
            return True
    return False


#: The questions that ask for the rest of a home partly told (actions/address_ask.py).
REST_QUESTIONS = frozenset({ASK_REST, URGENT_REST})


def door_answered(tracker: Tracker) -> str | None:
    """The door number the latest message gives alone (602, 我刚说了602啊: `door_alone`) where the
    address is asked and the bot's last turn asked for the rest of a home told in part: that
    home's door. None otherwise (a bare 602 with nothing of the home known is no address)."""
    if not requested(tracker, "address"):
        return None
    if not any(uttered(event) in REST_QUESTIONS for event in previous_bot_turn(tracker)):
        return None
    return door_alone(latest_text(tracker))


async def urgent_ticket_home(tracker: Tracker, communities: list[str]) -> Address:
    """The home the conversation's open urgent ticket holds (和平里2号楼, told with the emergency),
    else an empty Address. The messages before the urgent ticket belong to a request that ended
    for `home_told` (the ticket was filed), so the rest of the address asked for it afterwards
    completes what the ticket holds, not what was told since (p4-026)."""
    number = tracker.get_slot("urgent_ticket_no")
    if not number:
        return Address(raw="")
    try:
        ticket = await read_db(own_open_urgent, channel_of(tracker), tracker.sender_id)
    except SQLAlchemyError:
        return Address(raw="")  # the question asks the whole address then
    if ticket is None or ticket.ticket_no != number or not ticket.address:
        return Address(raw="")
    return parse_address(ticket.address, communities)


def urgent_rest_asked(tracker: Tracker) -> bool:
    """Whether the urgent ticket's missing unit and door were asked for (`URGENT_REST`)."""
    return _said_in_this_request(tracker, URGENT_REST)


def community_guessed(
    tracker: Tracker, address: Address, communities: list[str], value: Any = ""
) -> bool:
    """Whether `address`'s community is one of ours read from a name close to it (阳光小区 for
    阳光花园: `near_community`) that no message of this request names as we do, and that was
    not asked back yet: the resident confirms it (您说的是阳光花园吗？) before a fitter is sent
    there. The community of p4-050's 阳光小区 was dropped from the ticket instead."""
    community = address.community
    text = latest_text(tracker)
    if community not in communities or parse_address(text, communities).community != community:
        return False  # not read from this message (held, or said before)
    # our name as written, in pinyin too (Yangguang Huayuan building 5 …), needs no asking back
    written = english_address_in_chinese(f"{text} {value or ''}", communities)
    if match_community(written, communities) == community:
        return False
    if _community_said_before(tracker, communities) == community:
        return False
    return not _said_in_this_request(tracker, ASK_MEANT)


def community_set_aside(tracker: Tracker, communities: list[str]) -> str | None:
    """Our community of the address the slot held before this visit form set it aside as too
    short to find the door (金色家园, from 金色家园的 今天暖气不热 是不是你们在检修, p4-049): the
    question names it and the building and door given next complete it. None while the slot
    holds a value, or when the last one held names none of ours."""
    if tracker.get_slot("address") is not None and not requested(tracker, "address"):
        return None
    events = list(tracker.events)
    last_user = max((i for i, e in enumerate(events) if e.get("event") == "user"), default=0)
    for event in reversed(events[:last_user]):
        if _sets(event, "address") and event.get("value"):
            held = parse_address(str(event["value"]), communities)
            if held.community in communities and missing_for_visit(held):
                return held.community
            return None
    return None


def home_asked_for(tracker: Tracker, communities: list[str]) -> Address:
    """The parts of the home told so far in this request (阳光花园6号楼), so that the address
    question asks only for the rest: the community named since the request started, with the
    building or flat told with it (`home_told`), or the one of an address set aside as the
    form started (`community_set_aside`)."""
    named = _community_said_before(tracker, communities) or community_set_aside(
        tracker, communities
    )
    home = home_told(tracker, communities)
    if named is None:
        # a community told before the request (金色家园停暖了吗, then 报修) may be another home
        return Address(raw="") if home.community else home
    return home if home.community == named else Address(raw="", community=named)


def only_the_community(address: Address) -> bool:
    """Whether `address` names the community and nothing else of where: no building or flat,
    and no words beside the community's name that would lead someone there (和平里写字楼一层大堂
    do; 我要 人 来 看看, said after 和平里 was, does not)."""
    if address.building or address.room or not address.community:
        return False
    name = address.community.removesuffix("小区")
    if name not in address.raw:
        return True
    rest = address.raw.replace(address.community, "").replace(name, "")
    return len(_NOTHING_MORE.sub("", rest)) < 2


#: The offers after a stop told where the resident lives ("现在仍要登记报修吗？").
STOP_OFFERS = frozenset({OUTAGE_OFFER, "utter_outage_repair_ask_again"})


def _community_of_the_stop_offer(tracker: Tracker, communities: list[str]) -> str | None:
    """The community of the home told before a booking that began with a yes to the offer after
    its stop (我住幸福里7栋 … 仍要报修 … 1单元301): the stop was told for where they live."""
    if not bot_said_within(tracker, STOP_OFFERS, HOME_TOLD_MESSAGES):
        return None
    return home_told(tracker, communities, latest=False).community


def _home_before(tracker: Tracker, communities: list[str], named: str) -> Address:
    """The home told before the latest message in the community `named` (幸福里7栋, then 1单元301
    at the address question: 7号楼 kept), else the community alone."""
    home = home_told(tracker, communities, latest=False)
    return home if home.community == named else Address(raw="", community=named)


def _community_said_before(tracker: Tracker, communities: list[str]) -> str | None:
    """The community the resident named since the request started (我的房子 和平里 暖气不热,
    then the building and flat when asked), latest first; not one named before it (那幸福里呢
    俺妈住那儿 is someone else's home)."""
    form = str(tracker.active_loop.get("name") or "")
    texts = [
        str(e.get("text") or "")
        for e in _events_since_start(tracker, set(), form)
        if e.get("event") == "user"
    ]
    return next(
        (name for text in reversed(texts) if (name := match_community(text, communities))), None
    )


#: How many of the resident's messages back the parts of a home's address are gathered.
HOME_TOLD_MESSAGES = 6
#: Replies after which a request is over: the parts of an address told before it are another
#: matter's (`home_told`).
REQUEST_ENDED = frozenset({*REPAIR_FILED, "utter_form_stopped", OUTAGE_DECLINED})


def said_since_request_ended(tracker: Tracker, most: int | None = None) -> list[str]:
    """The resident's messages since the request before ended (`REQUEST_ENDED`: filed, stopped,
    declined), oldest first, the latest included; at most the `most` latest. What was asked or
    told for a request given up (查暖气费 … 算了) is not carried into the next one."""
    texts: list[str] = []
    for event in reversed(tracker.events):
        if event.get("event") == "bot" and uttered(event) in REQUEST_ENDED:
            break
        if event.get("event") == "user":
            texts.append(str(event.get("text") or ""))
            if most is not None and len(texts) >= most:
                break
    return texts[::-1]


def home_told(tracker: Tracker, communities: list[str], latest: bool = True) -> Address:
    """The home the resident's last messages describe, its parts gathered in the order told
    (幸福里小区北区12号楼，暖气冰凉 … 1单元301 → 幸福里小区12号楼1单元301; 我住幸福里7栋 …
    1单元301): a part said later replaces the same part said before, and a community other than
    the one named before starts another home. Only messages since the request before ended
    (`REQUEST_ENDED`), the latest included unless `latest` is False. An empty Address when no
    part was told. The players' resident of the burst who sent the flat after "仍要登记报修吗？"
    lost the building told first, and was asked the whole address again."""
    texts = said_since_request_ended(tracker, HOME_TOLD_MESSAGES + 1)
    if not latest:
        texts = texts[:-1]
    home = Address(raw="")
    for text in texts:
        said = parse_address(text, communities)
        if not (said.community or said.building or said.unit or said.room):
            continue
        if said.community and home.community and said.community != home.community:
            home = Address(raw="")
        home = corrected(home, said)
    return home


def value_before_this_message(tracker: Tracker, slot: str) -> Any:
    """The value `slot` held before the latest user message (see `_value_before_this_message`)."""
    return _value_before_this_message(tracker, slot)


def _value_before_this_message(tracker: Tracker, slot: str) -> Any:
    """The value `slot` held before the latest user message (its current value when the
    message set none; None when the turns the action server sees do not reach it)."""
    events = list(tracker.events)
    last_user = max((i for i, e in enumerate(events) if e.get("event") == "user"), default=-1)
    if not any(_sets(e, slot) for e in events[last_user + 1 :]):
        return tracker.get_slot(slot)
    return next((e.get("value") for e in reversed(events[:last_user]) if _sets(e, slot)), None)


def _sets(event: dict[str, Any], slot: str) -> bool:
    return event.get("event") == "slot" and event.get("name") == slot


#: The values each form collects that no later flow may inherit (`leave_form`).
FORM_SLOTS = {
    "repair_form": ("fault_type", "visit_time", "details_confirmed", "second_phone"),
    "temp_check_form": ("visit_time", "temperature", "details_confirmed", "second_phone"),
    "complaint_form": (
        "complaint_category",
        "complaint_text",
        "details_confirmed",
        "second_phone",
    ),
    "verify_form": ("phone_last4", "visit_time", "details_confirmed"),
}


def leave_form(tracker: Tracker) -> list[EventType]:
    """Events that close the active form and forget its half-filled values.

    Every way out of a form uses these (stop, switch to another flow, hand-off), so a later flow
    in the same conversation never inherits a fault, a window, a complaint text or an urgent ticket
    number from an abandoned one. An urgent ticket itself stays open in the store.
    """
    form = tracker.active_loop.get("name") or ""
    return [
        ActiveLoop(None),
        SlotSet("requested_slot", None),
        SlotSet("urgent_ticket_no", None),
        SlotSet("leak_ticket_no", None),
        SlotSet("pending", None),
        *(SlotSet(slot, None) for slot in FORM_SLOTS.get(form, ())),
    ]


#: Forms that book a fitter's visit: it can go ahead with no contact phone (the fitter knocks in
#: the window booked), and 先不约了 puts it off (`actions.denials`).
PHONELESS_VISIT_FORMS = frozenset({"repair_form", "temp_check_form"})
#: What a visit's read-back and confirmation show for the phone when there is none.
NO_PHONE_VISIT = "未留（工作人员按约定时间直接上门，请家里留人）"


def visit_without_phone(tracker: Tracker) -> bool:
    """Whether a visit goes ahead with no contact phone: the resident has none (`said_no_phone`)
    or refused the phone question twice (`refuses_asked_phone`; dev haw-037 was asked seven
    times after 不留电话 你们直接来敲门就行). The read-back and the confirmation say so."""
    refusals, asked = 0, None
    for event in tracker.events:
        text = str(event.get("text") or "")
        if event.get("event") == "slot" and event.get("name") == "requested_slot":
            asked = event.get("value")
        elif event.get("event") != "user":
            continue
        elif has_no_phone(text) and normalise_contact_number(text) is None:
            return True  # 我没手机 家里座机6234 5678 gives a number: that is its phone
        elif asked == "phone":
            refusals += refuses_asked_phone(text)
    return refusals >= 2


def said_no_phone(tracker: Tracker) -> bool:
    """Whether the resident said in this conversation that they have no phone at all
    (`bot.nlu.denials.has_no_phone`): nobody asks them for one again."""
    return any(
        e.get("event") == "user" and has_no_phone(str(e.get("text") or "")) for e in tracker.events
    )
