"""Whole-conversation evaluation (issue 16): the conversation set, playing it, judging it.

The NLU figures were good while residents still did not get what they came for, because the
dialogue (forms, context, facts in replies) is what fails people. This module measures the
dialogue: it plays multi-turn conversations written by people who never saw `data/`
(tests/dialogue/conversations/*.yml) and judges each finished conversation by what a resident
would check, tickets in the database and what the replies said, not by which intents fired.

Everything here is pure; the caller supplies I/O through `BotClient` (`dialogue_run` talks to a
running stack over REST and reads its store), so the rules are unit-tested on hand-made
transcripts:

* `load_conversations` — reading and validating the YAML (a typo in an expectation must fail
  loudly, not silently pass every conversation);
* `asked_kind` — what the bot is asking for after a turn, from the tracker (`requested_slot` of
  the active form, a yes/no offer in the `pending` slot, an `utter_ask_*` response);
* `play` — scripted steps, `when_asked` steps only when the bot asks that, then answers from the
  conversation's `facts` (at most `MAX_EXTRA_TURNS`);
* `judge` — the conversation's own expectations plus the issue's forbidden outcomes measured for
  every conversation (a second ticket of a kind, a slot asked a third time in a row without a way
  out, a reply with an excluded fact) and the fallback replies;
* `summarise` — goal rate, mean turns to goal, trapped slots, fallback rate, wrong facts, per file.

docs/dialogue.md says what each check means and records the measured figures.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import yaml

from bot.nlu.address import parse_address
from bot.store.models import TICKET_KINDS

__all__ = [
    "ALTERNATIVE_MARKERS",
    "KINDS",
    "MAX_EXTRA_TURNS",
    "OUTCOMES",
    "SLOT_KINDS",
    "BotClient",
    "Conversation",
    "Expectation",
    "ExpectedTicket",
    "Failure",
    "GroupFigures",
    "JudgeContext",
    "SetError",
    "Skip",
    "Step",
    "Summary",
    "TicketRow",
    "Transcript",
    "Trap",
    "Turn",
    "Verdict",
    "asked_kind",
    "detect_outcomes",
    "find_traps",
    "is_fallback_turn",
    "judge",
    "load_conversations",
    "parse_conversations",
    "play",
    "slot_kind",
    "summarise",
    "turn_responses",
]

#: What a `when_asked` step or a `facts` key answers (the set's vocabulary, not slot names).
KINDS = (
    "address",
    "phone",
    "time",
    "account_no",
    "phone_last4",
    "fault",
    "community",
    "temperature",
    "confirm",
    "ticket_no",
    "description",
)
#: Outcomes a conversation may expect (see `detect_outcomes`).
OUTCOMES = (
    "outage_named",
    "hotline_given",
    "fee_shown",
    "fee_not_shown",
    "handed_to_human",
    "apology",
    "verification_alternative",
)
#: The domain's slot → the kind of answer it asks for. Every required slot of every form in
#: domain.yml must be here (tests/unit/test_dialogue_eval.py checks), or the player could not
#: answer it from the facts.
SLOT_KINDS: dict[str, str] = {
    "address": "address",
    "phone": "phone",
    "visit_time": "time",
    "account_no": "account_no",
    "phone_last4": "phone_last4",
    "fault_type": "fault",
    "community": "community",
    "temperature": "temperature",
    "ticket_no": "ticket_no",
    "complaint_category": "description",
    "complaint_text": "description",
}
#: Responses that ask for something outside a form's `requested_slot`.
RESPONSE_KINDS: dict[str, str] = {
    "utter_ask_community": "community",
    "utter_ask_cancel_confirm": "confirm",
    "utter_offer_human": "confirm",
    "utter_no_tickets": "ticket_no",
}
#: `pending` values (offers recorded by the actions) that ask for something other than yes/no,
#: by their whole value or the part before ':' (actions/subscriptions.py: "subscribe:outage" asks
#: which community's notices, "subscribe:bound" is a yes/no offer).
PENDING_KINDS: dict[str, str] = {"outage_community": "community", "subscribe:outage": "community"}
#: Extra turns the player may spend answering from facts, per conversation (the brief's budget:
#: enough to finish a form the script did not foresee, not enough to brute-force one).
MAX_EXTRA_TURNS = 4
#: The bot reads a ticket's details back before filing it (actions/readback.py). Writers who did
#: not foresee that question gave no `confirm` fact; a resident whose details are right answers
#: it with a yes, so the player does too (only for the read-back, never for other offers).
READ_BACK = "utter_read_back"
READ_BACK_ANSWER = "对"
#: A third ask of the same slot is a trap unless its reply offers one of these ways out (skip,
#: hotline, call-back, a person, the service hall) or the hotline number itself.
ALTERNATIVE_MARKERS = ("跳过", "不填", "热线", "回电", "人工", "客服", "营业厅")
FALLBACK_ACTIONS = frozenset(
    {"action_fallback", "action_default_fallback", "action_two_stage_fallback"}
)
FALLBACK_RESPONSES = frozenset({"utter_ask_rephrase", "utter_default"})

_APOLOGY = ("抱歉", "对不起", "不好意思")
_VERIFICATION_ALTERNATIVES = ("营业厅", "身份证", "热线", "回电")
#: A reply saying people take over (hand-off texts of bot.handoff.messages and the RG callback).
_HANDOFF_REPLY = re.compile(
    r"已为您转|已转人工|正在为您转接|为您转接|转接人工|登记回电|客服人员会|人工客服.{0,8}联系您|由我为您服务"
)
#: An amount of money as a bill states it (2148.00 元); unit prices (每千瓦时0.16元, 24元/平方米)
#: are FAQ facts, not the household's fee, and do not count.
_AMOUNT = re.compile(r"(?<![\d.])\d{1,7}\.\d{2}\s*元(?!\s*[/／每])")
_OUTAGE_WORDS = re.compile(r"停热|停暖|停止供热|停供|抢修|检修|恢复供热|供热恢复|爆管|停气|停运")
_CANCELLED = "cancelled"
_HANDOFF_KIND = "RG"


class SetError(ValueError):
    """The conversation set is malformed (the message names the file and the conversation)."""


# ---- the set -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One scripted message; with `when_asked`, sent only while the bot asks for that kind."""

    say: str
    when_asked: str | None = None


@dataclass(frozen=True)
class ExpectedTicket:
    """A ticket the conversation must create; fields left None are not checked."""

    kind: str
    urgent: bool | None = None
    fault_type: str | None = None
    community: str | None = None
    contact_phone: str | None = None


@dataclass(frozen=True)
class Expectation:
    """The goal. `tickets` None means "not checked"; an empty tuple means "no ticket at all"."""

    tickets: tuple[ExpectedTicket, ...] | None = None
    cancelled: tuple[str, ...] = ()
    outcomes: tuple[str, ...] = ()
    replies_include_any: tuple[tuple[str, ...], ...] = ()
    replies_exclude: tuple[str, ...] = ()


@dataclass(frozen=True)
class Conversation:
    """One resident's conversation: who, what they write, what they know, what they want."""

    id: str
    persona: str
    source: str  # the file stem: the persona group, for the per-file breakdown
    steps: tuple[Step, ...]
    facts: Mapping[str, str]
    expect: Expectation


_CONVERSATION_KEYS = {"id", "persona", "steps", "facts", "expect"}
_STEP_KEYS = {"say", "when_asked"}
_EXPECT_KEYS = {"tickets", "cancelled", "outcomes", "replies_include_any", "replies_exclude"}
_TICKET_KEYS = {"kind", "urgent", "fault_type", "community", "contact_phone"}


def _text(value: Any, where: str) -> str:
    """A non-empty string; numbers are refused, since YAML drops the 0 of an unquoted 0102…."""
    if not isinstance(value, str) or not value.strip():
        raise SetError(f"{where}: expected a non-empty quoted string, got {value!r}")
    return value


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise SetError(f"{where}: expected a list, got {value!r}")
    return tuple(_text(v, f"{where}[{i}]") for i, v in enumerate(value))


def _keys(data: Any, allowed: set[str], where: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise SetError(f"{where}: expected a mapping, got {data!r}")
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise SetError(f"{where}: unknown keys {unknown} (allowed: {sorted(allowed)})")
    return data


def _kind(value: Any, where: str) -> str:
    if value not in KINDS:
        raise SetError(f"{where}: unknown kind {value!r} (known: {', '.join(KINDS)})")
    return str(value)


def _ticket_kind(value: Any, where: str) -> str:
    if value not in TICKET_KINDS:
        raise SetError(f"{where}: unknown ticket kind {value!r} (known: {', '.join(TICKET_KINDS)})")
    return str(value)


def _expected_ticket(data: Any, where: str) -> ExpectedTicket:
    data = _keys(data, _TICKET_KEYS, where)
    urgent = data.get("urgent")
    if urgent is not None and not isinstance(urgent, bool):
        raise SetError(f"{where}.urgent: expected true or false, got {urgent!r}")
    optional = {
        k: _text(data[k], f"{where}.{k}") if k in data else None
        for k in ("fault_type", "community", "contact_phone")
    }
    return ExpectedTicket(
        kind=_ticket_kind(data.get("kind"), f"{where}.kind"),
        urgent=urgent,
        fault_type=optional["fault_type"],
        community=optional["community"],
        contact_phone=optional["contact_phone"],
    )


def _expectation(data: Any, where: str) -> Expectation:
    data = _keys(data, _EXPECT_KEYS, where)
    tickets = data.get("tickets")
    if tickets is not None and not isinstance(tickets, list):
        raise SetError(f"{where}.tickets: expected a list, got {tickets!r}")
    outcomes = _strings(data.get("outcomes", []), f"{where}.outcomes")
    for outcome in outcomes:
        if outcome not in OUTCOMES:
            raise SetError(f"{where}.outcomes: unknown {outcome!r} (known: {', '.join(OUTCOMES)})")
    groups = data.get("replies_include_any", [])
    if not isinstance(groups, list):
        raise SetError(f"{where}.replies_include_any: expected a list of lists")
    return Expectation(
        tickets=None
        if tickets is None
        else tuple(_expected_ticket(t, f"{where}.tickets[{i}]") for i, t in enumerate(tickets)),
        cancelled=tuple(
            _ticket_kind(k, f"{where}.cancelled")
            for k in _strings(data.get("cancelled", []), f"{where}.cancelled")
        ),
        outcomes=outcomes,
        replies_include_any=tuple(
            _strings(g, f"{where}.replies_include_any[{i}]") for i, g in enumerate(groups)
        ),
        replies_exclude=_strings(data.get("replies_exclude", []), f"{where}.replies_exclude"),
    )


def _conversation(data: Any, source: str, where: str) -> Conversation:
    data = _keys(data, _CONVERSATION_KEYS, where)
    ident = _text(data.get("id"), f"{where}.id")
    where = f"{source}:{ident}"
    raw_steps = data.get("steps")
    if not isinstance(raw_steps, list) or not raw_steps:
        raise SetError(f"{where}.steps: expected a non-empty list")
    steps = []
    for i, raw in enumerate(raw_steps):
        step = _keys(raw, _STEP_KEYS, f"{where}.steps[{i}]")
        asked = step.get("when_asked")
        steps.append(
            Step(
                say=_text(step.get("say"), f"{where}.steps[{i}].say"),
                when_asked=None if asked is None else _kind(asked, f"{where}.steps[{i}]"),
            )
        )
    if steps[0].when_asked is not None:
        raise SetError(f"{where}.steps[0]: the first step cannot wait for a question")
    facts = _keys(data.get("facts") or {}, set(KINDS), f"{where}.facts")
    return Conversation(
        id=ident,
        persona=_text(data.get("persona"), f"{where}.persona"),
        source=source,
        steps=tuple(steps),
        facts={k: _text(v, f"{where}.facts.{k}") for k, v in facts.items()},
        expect=_expectation(data.get("expect"), f"{where}.expect"),
    )


def parse_conversations(text: str, source: str) -> list[Conversation]:
    """The conversations of one YAML document (`conversations:` list); raises `SetError`."""
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise SetError(f"{source}: not valid YAML: {error}") from None
    document = _keys(document, {"conversations"}, source)
    items = document.get("conversations")
    if not isinstance(items, list) or not items:
        raise SetError(f"{source}: `conversations` must be a non-empty list")
    return [_conversation(item, source, f"{source}[{i}]") for i, item in enumerate(items)]


def load_conversations(paths: Iterable[Path]) -> list[Conversation]:
    """Every conversation of the files (or folders of *.yml) in `paths`; ids must be unique."""
    files: list[Path] = []
    for path in paths:
        files.extend(sorted(path.glob("*.yml")) if path.is_dir() else [path])
    if not files:
        raise SetError("no conversation files given")
    found: list[Conversation] = []
    seen: dict[str, str] = {}
    for file in files:
        for conversation in parse_conversations(file.read_text(encoding="utf-8"), file.stem):
            if conversation.id in seen:
                raise SetError(
                    f"{file.stem}: id {conversation.id} already used in {seen[conversation.id]}"
                )
            seen[conversation.id] = file.stem
            found.append(conversation)
    return found


# ---- what the bot asks ---------------------------------------------------------------------------


def slot_kind(slot: str | None) -> str | None:
    """The kind of answer a requested slot wants (None for a slot the set has no word for)."""
    if not slot:
        return None
    if slot in SLOT_KINDS:
        return SLOT_KINDS[slot]
    return "confirm" if "confirm" in slot else None


def _pending_kind(value: Any) -> str | None:
    """An offer in the `pending` slot: a yes/no question unless it asks for a community."""
    if not value:
        return None
    text = str(value)
    return PENDING_KINDS.get(text) or PENDING_KINDS.get(text.split(":", 1)[0], "confirm")


def _response_kind(name: str) -> str | None:
    if name in RESPONSE_KINDS:
        return RESPONSE_KINDS[name]
    if name.startswith("utter_ask_"):
        return slot_kind(name.removeprefix("utter_ask_"))
    return None


def _turn_events(tracker: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The events after the latest user message: what the bot did in answer to it."""
    events = list(tracker.get("events") or [])
    for index in range(len(events) - 1, -1, -1):
        if events[index].get("event") == "user":
            return events[index + 1 :]
    return events


def turn_responses(tracker: Mapping[str, Any]) -> list[str]:
    """Names of the domain responses the bot uttered in its latest turn (for the report)."""
    names = []
    for event in _turn_events(tracker):
        if event.get("event") == "bot":
            name = (event.get("metadata") or {}).get("utter_action")
            if name:
                names.append(str(name))
    return names


def is_fallback_turn(tracker: Mapping[str, Any]) -> bool:
    """Whether the latest user message got a fallback (the fallback action or its responses)."""
    for event in _turn_events(tracker):
        if event.get("event") == "action" and event.get("name") in FALLBACK_ACTIONS:
            return True
    return bool(FALLBACK_RESPONSES & set(turn_responses(tracker)))


def asked_kind(tracker: Mapping[str, Any]) -> str | None:
    """What the bot is asking for after its latest turn, as a kind of `KINDS`, or None.

    The latest question of the turn wins (a form that asks its slot, then an offer to switch, is
    waiting for yes/no); a form still waiting for its slot without re-asking it is still asking.
    A question the turn took back (the form ended, the offer cleared) no longer counts.
    """
    loop = (tracker.get("active_loop") or {}).get("name")
    slots = tracker.get("slots") or {}
    waiting = slot_kind(slots.get("requested_slot")) if loop else None
    last: str | None = None
    last_from = ""
    for event in _turn_events(tracker):
        kind = event.get("event")
        if kind == "slot" and event.get("name") == "requested_slot":
            last, last_from = slot_kind(event.get("value")), "form"
        elif kind == "slot" and event.get("name") == "pending":
            if event.get("value"):
                last, last_from = _pending_kind(event.get("value")), "pending"
            elif last_from == "pending":
                last, last_from = None, ""
        elif kind == "active_loop" and not event.get("name") and last_from == "form":
            last, last_from = None, ""
        elif kind == "bot":
            asked = _response_kind(str((event.get("metadata") or {}).get("utter_action") or ""))
            if asked:
                last, last_from = asked, "form" if asked == waiting else "response"
    if last_from == "form" and last != waiting:
        return waiting  # the form moved on (or ended) after the question was set
    return last or waiting


# ---- transcripts ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class TicketRow:
    """A ticket of the conversation's sender as the store holds it (only what is judged)."""

    ticket_no: str
    kind: str
    status: str
    urgent: bool = False
    fault_type: str | None = None
    community: str | None = None
    phone: str | None = None
    address: str | None = None


@dataclass(frozen=True)
class Turn:
    """One message sent and what came back; the store as it was right after it."""

    user: str
    replies: tuple[str, ...]
    asked: str | None = None  # what the bot asks after this turn
    source: str = "step"  # "step" (scripted) or "fact" (an answer from the facts)
    fallback: bool = False
    responses: tuple[str, ...] = ()
    tickets: tuple[TicketRow, ...] = ()
    handed_over: bool = False  # a handoff_sessions row exists for the sender


@dataclass(frozen=True)
class Skip:
    """A `when_asked` step not sent because the bot was not asking for its kind."""

    after_turns: int  # how many turns had been played when it was skipped
    step: Step
    asked: str | None


@dataclass
class Transcript:
    """A played conversation: its turns in order and the steps skipped between them."""

    conversation_id: str
    sender: str
    turns: list[Turn] = field(default_factory=list)
    skipped: list[Skip] = field(default_factory=list)
    error: str | None = None  # the stack failed mid-conversation (judged as not reaching the goal)

    @property
    def tickets(self) -> tuple[TicketRow, ...]:
        """The sender's tickets at the end."""
        return self.turns[-1].tickets if self.turns else ()

    @property
    def handed_over(self) -> bool:
        """Whether the conversation was handed to people at any point."""
        return any(t.handed_over for t in self.turns)


class BotClient(Protocol):
    """What `play` needs from a running stack: one call per message, answered in full."""

    def turn(self, sender: str, text: str, source: str) -> Turn:
        """Send `text` as `sender` and return the turn: replies, what is asked, the store."""
        ...


def play(conversation: Conversation, client: BotClient, sender: str) -> Transcript:
    """Play `conversation` as `sender` (which must be fresh: the bot must not know it).

    Each step is sent in order; a `when_asked` step only while the bot asks for its kind, else
    it is skipped (the resident would not volunteer it). Before such a step, and after the last
    one, a question no later step answers is answered from `facts`, at most `MAX_EXTRA_TURNS`
    times in all: a bot that asks in another order, or asks for a detail the writer did not
    script, is not failed for that, but one that keeps asking is.
    """
    transcript = Transcript(conversation.id, sender)
    asked: str | None = None
    extra = 0

    def send(text: str, source: str) -> str | None:
        turn = client.turn(sender, text, source)
        transcript.turns.append(turn)
        return turn.asked

    def fact(kind: str | None) -> str | None:
        if kind is None:
            return None
        if kind in conversation.facts:
            return conversation.facts[kind]
        last = transcript.turns[-1].responses if transcript.turns else ()
        return READ_BACK_ANSWER if kind == "confirm" and READ_BACK in last else None

    def answer_from_facts(later: Sequence[Step], until: str | None) -> None:
        nonlocal asked, extra
        scripted = {s.when_asked for s in later}
        while (
            asked is not None
            and asked != until
            and (answer := fact(asked)) is not None
            and asked not in scripted
            and extra < MAX_EXTRA_TURNS
        ):
            extra += 1
            asked = send(answer, "fact")

    for index, step in enumerate(conversation.steps):
        if step.when_asked is not None:
            answer_from_facts(conversation.steps[index:], step.when_asked)
            if asked != step.when_asked:
                transcript.skipped.append(Skip(len(transcript.turns), step, asked))
                continue
        asked = send(step.say, "step")
    answer_from_facts((), None)
    return transcript


# ---- judging -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class JudgeContext:
    """What the judge needs to know about the company: its hotline and where heat is off now."""

    hotline: str
    outage_communities: tuple[str, ...] = ()


@dataclass(frozen=True)
class Failure:
    """Why a conversation did not reach its goal. `key` groups failures for the report."""

    key: str
    detail: str


@dataclass(frozen=True)
class Trap:
    """A slot asked a third (or later) time in a row without a way out, at `turn` (1-based)."""

    kind: str
    turn: int
    times: int


@dataclass
class Verdict:
    """The judgement of one played conversation."""

    conversation: Conversation
    transcript: Transcript
    failures: list[Failure]
    turns_to_goal: int | None
    traps: list[Trap]
    fallback_turns: int
    wrong_facts: list[str]
    second_tickets: list[str]

    @property
    def goal(self) -> bool:
        """Reached its goal: every expectation held and no forbidden outcome happened."""
        return not self.failures

    @property
    def turns(self) -> int:
        """Messages the resident sent (scripted and answered from facts)."""
        return len(self.transcript.turns)


def _digits(text: str | None) -> str:
    return re.sub(r"\D", "", text or "")


def _short_community(name: str) -> str:
    """幸福里小区 → 幸福里: residents and writers use both."""
    return name.removesuffix("小区").strip()


def _same_community(expected: str, actual: str | None) -> bool:
    return actual is not None and _short_community(expected) == _short_community(actual)


def _ticket_differences(expected: ExpectedTicket, ticket: TicketRow) -> list[str]:
    """The expected fields `ticket` gets wrong, as `field: expected … got …`."""
    wrong = []
    if expected.urgent is not None and bool(ticket.urgent) != expected.urgent:
        wrong.append(f"urgent: expected {expected.urgent}, got {ticket.urgent}")
    if expected.fault_type is not None and ticket.fault_type != expected.fault_type:
        wrong.append(f"fault_type: expected {expected.fault_type}, got {ticket.fault_type}")
    if expected.community is not None and not _same_community(expected.community, ticket.community):
        wrong.append(f"community: expected {expected.community}, got {ticket.community}")
    if expected.contact_phone is not None and _digits(ticket.phone) != _digits(
        expected.contact_phone
    ):
        wrong.append(f"contact_phone: expected {expected.contact_phone}, got {ticket.phone}")
    return wrong


#: What a read-back shows for each kind of ticket it is about to file (actions/readback.py):
#: the 报停's 事项, the complaint's 类别, the repair's 问题; a 测温 shows only where and when.
_READ_BACK_KINDS = (("报停", "BT"), ("类别：", "TS"), ("问题：", "BX"), ("上门时间", "CW"))
_READ_BACK_START = "提交前跟您核对"
_READ_BACK_WITHDRAWN = "utter_read_back_withdrawn"


def withdrawn_before_filing(turns: Sequence[Turn]) -> frozenset[str]:
    """The kinds of ticket the resident took back at their read-back, before anything was filed.

    Writers do not know the bot reads a ticket back before filing it, so "撤了吧" said right
    after giving the details is written as "created, then cancelled" (`cancelled: [BX]`). At
    the read-back the same words leave nothing filed and nobody coming, which is what the
    resident asked for; that counts as the cancellation (docs/dialogue.md)."""
    kinds: set[str] = set()
    shown = ""
    for turn in turns:
        if _READ_BACK_WITHDRAWN in turn.responses and shown:
            kinds.add(next((k for word, k in _READ_BACK_KINDS if word in shown), ""))
            shown = ""
        shown = next((r for r in reversed(turn.replies) if _READ_BACK_START in r), shown)
    return frozenset(kinds - {""})


def _ticket_failures(
    expect: Expectation, tickets: Sequence[TicketRow], withdrawn_early: frozenset[str] = frozenset()
) -> list[Failure]:
    """Expected tickets present with their fields, cancellations done, nothing unexpected.

    A kind listed under `cancelled` needs a cancelled ticket of that kind, or none of that kind
    at all when the resident withdrew it at its read-back (`withdrawn_early`); when the same kind
    is also listed under `tickets`, that cancelled ticket is the expected one (created, then
    withdrawn) and its fields are checked. Every other expected ticket must be open.
    """
    failures: list[Failure] = []
    pool = list(tickets)
    withdrawn: list[TicketRow] = []
    never_filed: set[str] = set()
    for kind in expect.cancelled:
        done = next((t for t in pool if t.kind == kind and t.status == _CANCELLED), None)
        if done is None and kind in withdrawn_early and not any(t.kind == kind for t in tickets):
            never_filed.add(kind)  # the ticket the writer saw made and withdrawn: not made
            continue
        if done is None:
            found = [f"{t.ticket_no} ({t.status})" for t in tickets if t.kind == kind]
            failures.append(
                Failure(
                    f"not cancelled: {kind}",
                    f"no cancelled {kind} ticket (its {kind} tickets: "
                    f"{', '.join(found) or 'none'})",
                )
            )
        else:
            pool.remove(done)
            withdrawn.append(done)
    for expected in expect.tickets or ():
        candidates = [t for t in withdrawn if t.kind == expected.kind]
        from_pool = not candidates
        if from_pool:
            candidates = [t for t in pool if t.kind == expected.kind]
        if not candidates:
            if expected.kind in never_filed or any(t.kind == expected.kind for t in tickets):
                continue  # expected and cancelled, but not cancelled: reported above
            failures.append(
                Failure(f"ticket missing: {expected.kind}", f"no {expected.kind} ticket")
            )
            continue
        chosen = min(candidates, key=lambda t: len(_ticket_differences(expected, t)))
        (pool if from_pool else withdrawn).remove(chosen)
        for wrong in _ticket_differences(expected, chosen):
            name = wrong.split(":", 1)[0]
            failures.append(Failure(f"ticket field: {name}", f"{chosen.ticket_no} {wrong}"))
        if from_pool and chosen.status == _CANCELLED:
            failures.append(
                Failure(f"ticket cancelled: {expected.kind}", f"{chosen.ticket_no} was cancelled")
            )
    if expect.tickets is not None or expect.cancelled:
        for ticket in pool:
            if ticket.kind == _HANDOFF_KIND:
                continue  # a hand-off's call-back record, judged by handed_to_human instead
            failures.append(
                Failure(
                    f"unexpected ticket: {ticket.kind}",
                    f"{ticket.ticket_no} ({ticket.kind}, {ticket.status}) was not wanted",
                )
            )
    return failures


def _conversation_communities(conversation: Conversation, known: Sequence[str]) -> set[str]:
    """Communities the conversation is about (short names): the `known` ones (with an outage)
    its steps or facts name, its facts' community and address, its expected tickets'."""
    texts = [s.say for s in conversation.steps] + list(conversation.facts.values())
    named = {_short_community(c) for c in known if any(_short_community(c) in t for t in texts)}
    named |= {t.community for t in conversation.expect.tickets or () if t.community}
    named.add(conversation.facts.get("community", ""))
    address = parse_address(conversation.facts.get("address", ""))
    named.add(address.community or "")
    return {_short_community(n) for n in named if n and _short_community(n)}


def _shows_fee(reply: str) -> bool:
    for match in _AMOUNT.finditer(reply):
        if "每" not in reply[max(0, match.start() - 8) : match.start()]:
            return True
    return False


def detect_outcomes(
    conversation: Conversation,
    replies: Sequence[str],
    handed_over: bool,
    context: JudgeContext,
) -> set[str]:
    """Which of `OUTCOMES` the replies (and the store's hand-off records) show.

    `fee_not_shown` holds when `fee_shown` does not. `outage_named` wants a reply naming one of
    the conversation's communities together with an outage word (停热, 抢修 …): the bot told
    the resident what is going on where they live.
    """
    found: set[str] = set()
    hotline_digits = _digits(context.hotline)
    communities = _conversation_communities(conversation, context.outage_communities)
    for reply in replies:
        if context.hotline and (
            context.hotline in reply or hotline_digits in re.sub(r"[\s\-－]", "", reply)
        ):
            found.add("hotline_given")
        if _shows_fee(reply):
            found.add("fee_shown")
        if any(word in reply for word in _APOLOGY):
            found.add("apology")
        if any(word in reply for word in _VERIFICATION_ALTERNATIVES):
            found.add("verification_alternative")
        if _HANDOFF_REPLY.search(reply):
            found.add("handed_to_human")
        if _OUTAGE_WORDS.search(reply) and any(c in reply for c in communities):
            found.add("outage_named")
    if handed_over:
        found.add("handed_to_human")
    if "fee_shown" not in found:
        found.add("fee_not_shown")
    return found


def _expectation_failures(
    conversation: Conversation,
    turns: Sequence[Turn],
    context: JudgeContext,
) -> list[Failure]:
    """The conversation's own expectations, on the turns played so far."""
    expect = conversation.expect
    tickets = turns[-1].tickets if turns else ()
    replies = [reply for turn in turns for reply in turn.replies]
    failures = _ticket_failures(expect, tickets, withdrawn_before_filing(turns))
    handed_over = any(t.handed_over for t in turns) or any(t.kind == _HANDOFF_KIND for t in tickets)
    shown = detect_outcomes(conversation, replies, handed_over, context)
    for outcome in expect.outcomes:
        if outcome not in shown:
            failures.append(Failure(f"outcome missing: {outcome}", f"no reply shows {outcome}"))
    text = "\n".join(replies)
    for group in expect.replies_include_any:
        if not any(option in text for option in group):
            failures.append(
                Failure("reply missing", f"no reply contains any of {' / '.join(group)}")
            )
    return failures


def find_traps(turns: Sequence[Turn], hotline: str = "") -> list[Trap]:
    """Slots asked a third time in a row (or more) whose latest ask offers no way out.

    One trap per run of asks: a bot that asks the address five times in a row traps the
    resident once, at the first ask that came without an alternative from the third on.
    """
    ways_out = (*ALTERNATIVE_MARKERS, hotline) if hotline else ALTERNATIVE_MARKERS
    traps: list[Trap] = []
    run_kind: str | None = None
    run = 0
    trapped = False
    for number, turn in enumerate(turns, start=1):
        if turn.asked is not None and turn.asked == run_kind:
            run += 1
        else:
            run_kind, run, trapped = turn.asked, 1 if turn.asked else 0, False
        if run >= 3 and not trapped:
            text = "".join(turn.replies)
            if not any(marker in text for marker in ways_out):
                traps.append(Trap(str(run_kind), number, run))
                trapped = True
    return traps


def _second_tickets(expect: Expectation, tickets: Sequence[TicketRow]) -> list[str]:
    """Kinds with more tickets than the conversation wanted (at least one is always allowed)."""
    wanted = Counter(t.kind for t in expect.tickets or ())
    have = Counter(t.kind for t in tickets)
    return sorted(k for k, n in have.items() if n > max(wanted[k], 1))


def _has_positive_goal(expect: Expectation) -> bool:
    """Whether the goal needs something to happen (not only something to be avoided)."""
    return bool(
        expect.tickets
        or expect.cancelled
        or expect.replies_include_any
        or set(expect.outcomes) - {"fee_not_shown"}
    )


def judge(conversation: Conversation, transcript: Transcript, context: JudgeContext) -> Verdict:
    """Judge a played conversation against its expectations and the forbidden outcomes.

    Turns to goal: the first turn after which every expectation held, for a goal that needs
    something done; for a goal that only forbids (no ticket, no fee), the whole conversation.
    """
    turns = transcript.turns
    failures = _expectation_failures(conversation, turns, context)
    if transcript.error:
        failures.insert(0, Failure("stack error", transcript.error))
    traps = find_traps(turns, context.hotline)
    for trap in traps:
        failures.append(
            Failure(
                "trapped slot",
                f"{trap.kind} asked {trap.times} times in a row by turn {trap.turn}, no way out",
            )
        )
    second = _second_tickets(conversation.expect, transcript.tickets)
    wanted = {t.kind for t in conversation.expect.tickets or ()}
    # a surplus ticket of a wanted kind is one problem (a second ticket), not two
    surplus = {f"unexpected ticket: {kind}" for kind in second if kind in wanted}
    failures = [f for f in failures if f.key not in surplus]
    for kind in second:
        failures.append(Failure(f"second ticket: {kind}", f"more than one {kind} ticket"))
    text = "\n".join(reply for turn in turns for reply in turn.replies)
    wrong = [s for s in conversation.expect.replies_exclude if s in text]
    for value in wrong:
        failures.append(Failure("wrong fact", f"a reply contains {value!r}"))
    turns_to_goal: int | None = None
    if not failures:
        turns_to_goal = len(turns)
        if _has_positive_goal(conversation.expect):
            turns_to_goal = next(
                (
                    n
                    for n in range(1, len(turns) + 1)
                    if not _expectation_failures(conversation, turns[:n], context)
                ),
                len(turns),
            )
    return Verdict(
        conversation=conversation,
        transcript=transcript,
        failures=failures,
        turns_to_goal=turns_to_goal,
        traps=traps,
        fallback_turns=sum(t.fallback for t in turns),
        wrong_facts=wrong,
        second_tickets=second,
    )


# ---- figures -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GroupFigures:
    """The figures of one group of conversations (the whole set, or one persona file)."""

    conversations: int
    goals: int
    goal_rate: float
    mean_turns_to_goal: float | None
    trapped_slots: int
    trapped_conversations: int
    fallback_turns: int
    turns: int
    fallback_rate: float
    wrong_facts: int
    second_tickets: int


@dataclass(frozen=True)
class Summary:
    """Figures of a run: all conversations, per persona file, and the failure reasons counted."""

    overall: GroupFigures
    by_file: dict[str, GroupFigures]
    reasons: list[tuple[str, int, str]]  # key, conversations failing on it, an example id


def _figures(verdicts: Sequence[Verdict]) -> GroupFigures:
    goals = [v for v in verdicts if v.goal]
    turns = sum(v.turns for v in verdicts)
    fallback = sum(v.fallback_turns for v in verdicts)
    to_goal = [v.turns_to_goal for v in goals if v.turns_to_goal is not None]
    return GroupFigures(
        conversations=len(verdicts),
        goals=len(goals),
        goal_rate=len(goals) / len(verdicts) if verdicts else 0.0,
        mean_turns_to_goal=sum(to_goal) / len(to_goal) if to_goal else None,
        trapped_slots=sum(len(v.traps) for v in verdicts),
        trapped_conversations=sum(bool(v.traps) for v in verdicts),
        fallback_turns=fallback,
        turns=turns,
        fallback_rate=fallback / turns if turns else 0.0,
        wrong_facts=sum(len(v.wrong_facts) for v in verdicts),
        second_tickets=sum(len(v.second_tickets) for v in verdicts),
    )


def summarise(verdicts: Sequence[Verdict]) -> Summary:
    """The run's figures; failure reasons counted once per conversation, most common first."""
    files: dict[str, list[Verdict]] = {}
    for verdict in verdicts:
        files.setdefault(verdict.conversation.source, []).append(verdict)
    counts: Counter[str] = Counter()
    example: dict[str, str] = {}
    for verdict in verdicts:
        for key in dict.fromkeys(f.key for f in verdict.failures):
            counts[key] += 1
            example.setdefault(key, verdict.conversation.id)
    return Summary(
        overall=_figures(verdicts),
        by_file={name: _figures(group) for name, group in sorted(files.items())},
        reasons=[(key, n, example[key]) for key, n in counts.most_common()],
    )
