"""`python -m bot dialogue`: play the conversation set against the real stack and report.

    python -m bot dialogue                                  # demo stack on free ports, whole set
    python -m bot dialogue --files tests/dialogue/conversations/angry_busy.yml --gate 0.9
    python -m bot dialogue --url http://localhost:5005 --token T   # a stack already running

The I/O around `bot.evaluation.dialogue`: a `RestClient` that sends each message through the REST
channel, reads the tracker through Rasa's HTTP API (with the token) and the sender's tickets and
hand-offs from the ticket store, so every turn records what the resident saw and what the
company's systems hold; running the whole set in a few threads (conversations are independent:
each has its own fresh sender); checking that no step text copies a training message
(`bot.evaluation.overlap`, as for the NLU test set); and the command.

Without `--url` it starts an isolated demo stack (`bot.launcher.demo_stack`: its own database
with the demo company and its own tracker store on free ports, like the end-to-end tests), so
`make run` can keep running beside it. With `--url` the stack must use the demo data: tickets are
created for real.

Exit codes: 0 done (and the gate holds); 1 the goal rate is below `--gate`, or the stack failed;
2 bad input (a malformed conversation file, a missing file).
"""

from __future__ import annotations

import argparse
import json
import secrets
import shlex
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.channels.ids import conversation_id
from bot.config import PROJECT_ROOT
from bot.evaluation.dialogue import (
    Conversation,
    JudgeContext,
    SetError,
    TicketRow,
    Transcript,
    Turn,
    Verdict,
    asked_kind,
    is_fallback_turn,
    judge,
    load_conversations,
    play,
    summarise,
    turn_responses,
)

if TYPE_CHECKING:
    from bot.evaluation.dialogue_report import DialogueResult, StepOverlap

__all__ = [
    "DEFAULT_FILES",
    "DEFAULT_OUT",
    "RestClient",
    "evaluate",
    "judge_context",
    "register",
    "run_set",
    "step_overlaps",
]

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2
DEFAULT_FILES = PROJECT_ROOT / "tests" / "dialogue" / "conversations"
DEFAULT_OUT = PROJECT_ROOT / "results"
#: Conversations played at once: the stack answers other senders while one waits for its
#: action server; more than this only queues on two cores.
DEFAULT_WORKERS = 4
#: Where a demo stack's clock starts (company time): a Monday morning in the heating season, so
#: 今天下午, 今晚 and 明天 are all still ahead and a run's figures do not depend on when it runs.
DEFAULT_CLOCK_AT = "2026-12-07 10:00"
#: An overlap key this short is a bare answer (对, 好的, 5678), shared by any two sets.
SHORT_ANSWER_CHARS = 4
REST_CHANNEL = "rest"
_TIMEOUT = 60


class RestClient:
    """Plays turns against a running stack: REST channel, HTTP API tracker, ticket store.

    `rest_token` is the REST channel's bearer token, needed only where the channel requires one
    (`REST_CHANNEL_TOKEN`); `api_token` is Rasa's HTTP API token (`RASA_AUTH_TOKEN`).
    """

    def __init__(
        self,
        rasa_url: str,
        api_token: str,
        database_url: str,
        rest_token: str | None = None,
    ) -> None:
        """Remember where the stack and its store are; nothing is contacted yet."""
        self.rasa_url = rasa_url.rstrip("/")
        self.api_token = api_token
        self.database_url = database_url
        self.rest_token = rest_token

    def _request(self, url: str, body: dict[str, Any] | None = None) -> Any:
        headers = {"Content-Type": "application/json"}
        if body is not None and self.rest_token:
            headers["Authorization"] = f"Bearer {self.rest_token}"
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(url, data=data, headers=headers)
        with urllib.request.urlopen(request, timeout=_TIMEOUT) as response:
            return json.loads(response.read())

    def send(self, sender: str, text: str) -> list[str]:
        """The bot's texts in answer to `text` (buttons are what the widget shows, not read)."""
        answer = self._request(
            f"{self.rasa_url}/webhooks/rest/webhook", {"sender": sender, "message": text}
        )
        return [str(m["text"]) for m in answer if m.get("text")]

    def tracker(self, sender: str) -> dict[str, Any]:
        """The conversation as Rasa keeps it (`rest:<sender>`)."""
        conversation = urllib.parse.quote(conversation_id(REST_CHANNEL, sender), safe=":")
        token = urllib.parse.quote(self.api_token)
        tracker: dict[str, Any] = self._request(
            f"{self.rasa_url}/conversations/{conversation}/tracker?token={token}"
        )
        return tracker

    def store_state(self, sender: str) -> tuple[tuple[TicketRow, ...], bool]:
        """The sender's tickets (oldest first) and whether it was ever handed to people."""
        from sqlalchemy import select

        from bot.store.db import session_scope
        from bot.store.models import HandoffSession
        from bot.store.tickets import tickets_of_sender

        conversation = conversation_id(REST_CHANNEL, sender)
        with session_scope(self.database_url) as session:
            found = tickets_of_sender(session, REST_CHANNEL, conversation, limit=100)
            tickets = tuple(
                TicketRow(
                    ticket_no=t.ticket_no,
                    kind=t.kind,
                    status=t.status,
                    urgent=bool(t.urgent),
                    fault_type=t.fault_type,
                    community=t.community,
                    phone=t.phone,
                    address=t.address,
                )
                for t in reversed(found)
            )
            handoff = session.execute(
                select(HandoffSession.id).where(HandoffSession.sender_id == conversation).limit(1)
            ).first()
        return tickets, handoff is not None

    def forget_verification_tries(self, sender: str) -> None:
        """Delete the verification tries this conversation made, once it has been judged.

        Each conversation of a set is a different resident on a different day; played within
        minutes against one store, the wrong digits that strangers in some conversations type
        for the set's two known accounts would add up to the per-account cool-down and refuse
        their owners in later conversations, a lock-out no real owner meets unless several
        strangers target one account (the lock itself is tested in tests/unit/test_verification.py).
        """
        from sqlalchemy import delete

        from bot.store.db import session_scope
        from bot.store.models import VerificationAttempt

        with session_scope(self.database_url) as session:
            session.execute(
                delete(VerificationAttempt).where(
                    VerificationAttempt.channel == REST_CHANNEL,
                    VerificationAttempt.sender_id == conversation_id(REST_CHANNEL, sender),
                )
            )

    def forget_applications(self, sender: str) -> None:
        """Withdraw and forget the applications this conversation filed without the 户号, once
        it has been judged.

        The sets give many residents the same demo flats and phones (李娜's 幸福里小区3号楼2单元501
        and 13912345679); played within minutes against one store, an application one
        conversation filed would be named to a later one for the same flat, and a third one
        with the same phone refused, where each conversation is another resident on another
        day (`bot.services.applications`, tested in tests/unit/test_applications.py). Their
        `ownership` events are deleted (so the limits no longer count them) and the open ones
        cancelled (so they no longer stand for the flat). Conversations played at the same
        moment still meet each other's.
        """
        from sqlalchemy import delete, select

        from bot.store.applications import OWNERSHIP
        from bot.store.db import session_scope
        from bot.store.models import Ticket, TicketEvent
        from bot.store.tickets import change_status

        conversation = conversation_id(REST_CHANNEL, sender)
        with session_scope(self.database_url) as session:
            filed = (
                select(TicketEvent.ticket_id)
                .join(Ticket, Ticket.id == TicketEvent.ticket_id)
                .where(
                    TicketEvent.kind == OWNERSHIP,
                    Ticket.channel == REST_CHANNEL,
                    Ticket.sender_id == conversation,
                )
            )
            tickets = list(session.scalars(select(Ticket).where(Ticket.id.in_(filed))))
            for ticket in tickets:
                if ticket.status in ("new", "assigned", "in_progress"):
                    at = max(ticket.updated_at, ticket.created_at)
                    change_status(session, ticket, "cancelled", at, "evaluation", "评测结束")
            session.execute(
                delete(TicketEvent).where(
                    TicketEvent.kind == OWNERSHIP,
                    TicketEvent.ticket_id.in_([t.id for t in tickets]),
                )
            )

    def turn(self, sender: str, text: str, source: str) -> Turn:
        """Send one message; the replies, what the bot now asks, and the store after it."""
        replies = self.send(sender, text)
        tracker = self.tracker(sender)
        tickets, handed_over = self.store_state(sender)
        return Turn(
            user=text,
            replies=tuple(replies),
            asked=asked_kind(tracker),
            source=source,
            fallback=is_fallback_turn(tracker),
            responses=tuple(turn_responses(tracker)),
            tickets=tickets,
            handed_over=handed_over,
        )


def judge_context(database_url: str) -> JudgeContext:
    """The policy's hotline and the communities with an outage now, from the stack's store."""
    from bot.policy import load_policy
    from bot.store.db import session_scope
    from bot.store.outages import list_outages

    with session_scope(database_url) as session:
        communities = {c for outage in list_outages(session) for c in outage.communities}
    return JudgeContext(load_policy().company.hotline, tuple(sorted(communities)))


def _play_one(
    conversation: Conversation, client: RestClient, prefix: str, context: JudgeContext
) -> Verdict:
    sender = f"{prefix}-{conversation.id}"
    try:
        transcript = play(conversation, client, sender)
    except (OSError, urllib.error.URLError, ValueError) as error:
        # keep what was played: the report shows where the stack gave up
        transcript = Transcript(conversation.id, sender, error=f"{type(error).__name__}: {error}")
    verdict = judge(conversation, transcript, context)
    client.forget_verification_tries(sender)
    client.forget_applications(sender)
    return verdict


def run_set(
    conversations: Sequence[Conversation],
    client: RestClient,
    context: JudgeContext,
    workers: int = DEFAULT_WORKERS,
    log: Callable[[str], None] = lambda line: None,
) -> list[Verdict]:
    """Play and judge every conversation, each as a fresh sender; verdicts in set order.

    The senders carry a random run prefix, so a second run against the same stack (or a
    conversation id reused by another file later) never continues an earlier conversation.
    Conversations that share a flat, a phone or an account in their facts are played one after
    the other (`shared_chains`), so what one leaves in the store is forgotten before the next
    starts, whatever the workers' timing.
    """
    prefix = f"dlg{secrets.token_hex(3)}"
    done = 0
    verdicts: dict[int, Verdict] = {}

    def chain(indices: list[int]) -> None:
        nonlocal done
        for index in indices:
            verdicts[index] = _play_one(conversations[index], client, prefix, context)
            done += 1
            if done % 25 == 0 or done == len(conversations):
                log(f"{done}/{len(conversations)} conversations played")

    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        list(pool.map(chain, shared_chains(conversations)))
    return [verdicts[index] for index in range(len(conversations))]


#: The facts whose values tie conversations together through the store: a flat (an application
#: without the 户号 stands for it), a phone (applications are limited per phone), an account
#: (verification tries count per account).
SHARED_FACTS = ("address", "phone", "account_no")


def shared_chains(conversations: Sequence[Conversation]) -> list[list[int]]:
    """The conversations' indices in chains, in set order: two that name the same value of a
    `SHARED_FACTS` fact, directly or through others, are in one chain."""
    parent = list(range(len(conversations)))

    def root(index: int) -> int:
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = parent[index]
        return index

    first: dict[tuple[str, str], int] = {}
    for index, conversation in enumerate(conversations):
        for key in SHARED_FACTS:
            value = "".join(str(conversation.facts.get(key) or "").split())
            if value:
                seen = first.setdefault((key, value), index)
                parent[root(index)] = root(seen)
    chains: dict[int, list[int]] = {}
    for index in range(len(conversations)):
        chains.setdefault(root(index), []).append(index)
    return sorted(chains.values(), key=lambda indices: indices[0])


def _normalised(texts: Sequence[str], config: Path) -> list[str]:
    """`texts` as the pipeline's TextNormalizer rewrites them (what the model would be fed)."""
    from rasa.shared.nlu.training_data.message import Message
    from rasa.shared.nlu.training_data.training_data import TrainingData

    from bot.evaluation.dataset import normalise_training_data, normaliser_config

    data = TrainingData(training_examples=[Message(data={"text": t}) for t in texts])
    normalised = normalise_training_data(data, normaliser_config(config))
    return [str(m.get("text")) for m in normalised.training_examples]


def step_overlaps(
    conversations: Sequence[Conversation],
    train: Path = PROJECT_ROOT / "data" / "nlu",
    config: Path = PROJECT_ROOT / "config.yml",
) -> list[StepOverlap]:
    """Step texts that copy or nearly copy a training message (the NLU set's check, reused).

    The set must stay apart from training data, or the dialogue figures measure memory.
    """
    from bot.evaluation.dataset import load_examples
    from bot.evaluation.dialogue_report import StepOverlap
    from bot.evaluation.overlap import find_overlaps, overlap_key

    users: dict[str, list[str]] = {}
    for conversation in conversations:
        for step in conversation.steps:
            users.setdefault(step.say, []).append(conversation.id)
    texts = list(users)
    train_texts = [e.normalised for e in load_examples(train, config)]
    return [
        StepOverlap(
            overlap=found,
            conversations=tuple(dict.fromkeys(users[texts[found.test_index]])),
            short=len(overlap_key(found.test_text)) <= SHORT_ANSWER_CHARS,
        )
        for found in find_overlaps(train_texts, _normalised(texts, config))
    ]


def evaluate(
    conversations: Sequence[Conversation],
    client: RestClient,
    *,
    files: Sequence[str] = (),
    gate: float | None = None,
    check_overlap: bool = True,
    workers: int = DEFAULT_WORKERS,
    model: str = "",
    log: Callable[[str], None] = lambda line: print(line, file=sys.stderr, flush=True),
) -> DialogueResult:
    """Play, judge and summarise the set against the stack `client` talks to."""
    from bot.evaluation.dialogue_report import DialogueResult

    overlaps = step_overlaps(conversations) if check_overlap else None
    context = judge_context(client.database_url)
    log(f"playing {len(conversations)} conversations against {client.rasa_url} …")
    started = time.monotonic()
    verdicts = run_set(conversations, client, context, workers, log)
    return DialogueResult(
        verdicts=verdicts,
        summary=summarise(verdicts),
        overlaps=overlaps,
        model=model,
        stack=client.rasa_url,
        gate=gate,
        seconds=time.monotonic() - started,
        created=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        files=list(files),
    )


# ---- command line --------------------------------------------------------------------------------


def _rate(text: str) -> float:
    try:
        value = float(text.rstrip("%")) / (100 if text.endswith("%") else 1)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a rate such as 0.9 or 90%") from None
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not between 0 and 1")
    return value


def register(subparsers: argparse._SubParsersAction) -> None:
    """`dialogue [--files F …] [--gate RATE] [--url URL --token T] [--model M] [--out DIR]`."""
    parser = subparsers.add_parser(
        "dialogue",
        help="play the whole-conversation test set against the stack and report",
        description=__doc__.split("\n\n")[0] if __doc__ else None,
    )
    parser.add_argument(
        "--files",
        nargs="+",
        type=Path,
        default=[DEFAULT_FILES],
        help="conversation files or folders (default: tests/dialogue/conversations)",
    )
    parser.add_argument("--gate", type=_rate, help="exit 1 when the goal rate is below RATE")
    parser.add_argument("--url", help="a running stack's Rasa URL (default: start a demo stack)")
    parser.add_argument(
        "--token",
        help="its HTTP API token (default: RASA_AUTH_TOKEN, else the one `make run` keeps in "
        "var/secrets.env)",
    )
    parser.add_argument("--database-url", help="its ticket store (default: DATABASE_URL)")
    parser.add_argument("--model", type=Path, help="model for the demo stack (default: current)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="folder for the reports")
    parser.add_argument(
        "--workers", type=int, default=DEFAULT_WORKERS, help="conversations at once"
    )
    parser.add_argument("--no-overlap", action="store_true", help="skip the check against data/nlu")
    parser.add_argument(
        "--at",
        type=_clock_at,
        default=DEFAULT_CLOCK_AT,
        help="the demo stack's clock starts at this local time, 'YYYY-MM-DD HH:MM' or 'now' "
        f"(default {DEFAULT_CLOCK_AT}: a Monday morning, so 今天下午 is still ahead)",
    )
    parser.set_defaults(handler=_run)


def _clock_at(text: str) -> str:
    if text != "now":
        try:
            datetime.strptime(text, "%Y-%m-%d %H:%M")
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{text!r} is not 'YYYY-MM-DD HH:MM' or 'now'"
            ) from None
    return text


def clock_start(text: str) -> datetime | None:
    """The aware moment a demo stack's clock starts at (`--at`), `None` for the real clock."""
    from bot.config import settings

    if text == "now":
        return None
    return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=settings().timezone)


def _command_line() -> str:
    argv = sys.argv[1:]
    if argv[:1] == ["dialogue"]:
        argv = argv[1:]
    return " ".join(["python -m bot dialogue", *(shlex.quote(a) for a in argv)])


def _report(result: DialogueResult, out: Path) -> int:
    from bot.evaluation.dialogue_report import render_text, write_reports

    print(render_text(result))
    for path in write_reports(result, out, _command_line()):
        print(f"wrote {path}")
    return EXIT_FAILED if result.passes_gate is False else EXIT_OK


def _run(args: argparse.Namespace) -> int:
    import os

    for path in [*args.files, *([args.model] if args.model else [])]:
        if not path.exists():
            print(f"错误 (error): {path} does not exist", file=sys.stderr)
            return EXIT_BAD_INPUT
    try:
        conversations = load_conversations(args.files)
    except SetError as error:
        print(f"错误 (error): {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    files = [
        str(p.relative_to(PROJECT_ROOT) if p.is_relative_to(PROJECT_ROOT) else p)
        for p in (f.resolve() for f in args.files)
    ]
    options: dict[str, Any] = {
        "files": files,
        "gate": args.gate,
        "check_overlap": not args.no_overlap,
        "workers": args.workers,
    }
    rest_token = os.environ.get("REST_CHANNEL_TOKEN") or None
    if args.url:
        from bot.config import settings
        from bot.launcher import read_secret

        token = args.token or os.environ.get("RASA_AUTH_TOKEN") or read_secret("RASA_AUTH_TOKEN")
        client = RestClient(
            args.url, token, args.database_url or settings().database_url, rest_token
        )
        return _report(evaluate(conversations, client, **options), args.out)
    from bot.launcher import demo_stack, new_secret, start, stop
    from bot.modelcache import ensure_model

    model = args.model or ensure_model()
    token = new_secret(16)
    with tempfile.TemporaryDirectory(prefix="dialogue-") as workdir:
        demo = demo_stack(model, Path(workdir), auth_token=token, clock_at=clock_start(args.at))
        try:
            start(demo.services, demo.env, timeout=300)
            client = RestClient(demo.rasa_url, token, demo.database_url, rest_token)
            result = evaluate(conversations, client, model=model.name, **options)
        except (RuntimeError, TimeoutError) as error:
            print(f"✗ {error}", file=sys.stderr)
            return EXIT_FAILED
        finally:
            stop(demo.services)
    return _report(result, args.out)
