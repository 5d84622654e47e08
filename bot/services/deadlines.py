"""The deadline watch: warn before a ticket deadline, and escalate and apologise after a miss.

Every ticket carries up to three deadlines from the policy (`first_reply_due`, `on_site_due`,
`resolve_due`). Each is **met** at the first event of the ticket's history that does what it
promises:

- first reply: an agent's `reply` event, a status change to `assigned` or `in_progress`
  (someone took the ticket; the bot's own confirmation does not count), or staff's word on the
  ownership of an application filed without the 户号 (an `ownership` event `verified` or
  `rejected`: the call its confirmation promised, `bot.services.applications`);
- on site: an `on_site` event (the worker arrived), or a status change to `in_progress`;
- resolve: a status change to `done`.

It is **breached** when it passes unmet, or was met only after it passed. The watch, run by the
scheduler, writes to the ticket history, each entry once per ticket and deadline however often
it runs (the ticket row is locked while it decides, so two runs cannot both write):

- `warning`: the deadline is less than `escalation.warning_hours` away and unmet; the agents'
  queue shows it;
- `breach`: the deadline passed unmet, with the new time promised (`escalation.extension_hours`);
- `escalated`: handed to a supervisor;
- `notified`: the user was sent an apology with the new time (queued on their channel). When
  several deadlines are missed at once (an RG call-back's reply and resolve fall together), one
  apology is sent, for the last of them, and every `notified` entry says so.

A deadline met late gets only its `breach` entry: the work is done, so there is nobody to chase
and nothing new to promise, but the report still counts it. Cancelled tickets are not watched.
The ticket's due columns keep the original promise, which is what reports measure against.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from bot.notify.delivery import Notice, queue_notice
from bot.notify.templates import moment_text
from bot.policy import DEADLINES, Policy, deadline_warning_at, rescheduled_due
from bot.store import tickets as ticket_store
from bot.store.applications import OWNERSHIP, REJECTED, VERIFIED
from bot.store.models import Ticket, TicketEvent

logger = logging.getLogger(__name__)

ACTOR = "scheduler"
WATCH_EVENTS = ("warning", "breach", "escalated", "notified")
OPEN_STATUSES = ("new", "assigned", "in_progress")
RECENTLY_CLOSED = timedelta(days=2)
"""Done tickets are looked at this long after their last change, to find deadlines met late."""

_MET_BY_STATUS = {
    "first_reply": frozenset({"assigned", "in_progress"}),
    "on_site": frozenset({"in_progress"}),
    "resolve": frozenset({"done"}),
}
_MET_BY_EVENT = {"first_reply": "reply", "on_site": "on_site", "resolve": None}
# What the apology says was missed ("未能按时回复"), and what is now promised by the new time.
_WHAT = {"first_reply": "回复", "on_site": "上门", "resolve": "办结"}


class HistoryEntry(Protocol):
    """What the rules read of a history entry: a `TicketEvent`, or a plain row of a report."""

    @property
    def at(self) -> datetime: ...

    @property
    def kind(self) -> str: ...

    @property
    def detail(self) -> Any: ...


def met_at(deadline: str, events: Sequence[HistoryEntry]) -> datetime | None:
    """When the ticket history first fulfils `deadline`, or `None` if it has not yet."""
    statuses, event_kind = _MET_BY_STATUS[deadline], _MET_BY_EVENT[deadline]
    for event in events:
        if event_kind is not None and event.kind == event_kind:
            return event.at
        if deadline == "first_reply" and _ownership_decided(event):
            return event.at
        if event.kind == "status" and (event.detail or {}).get("to") in statuses:
            return event.at
    return None


def _ownership_decided(event: HistoryEntry) -> bool:
    """Staff's word on an application's ownership (not the `unverified` of its filing)."""
    return event.kind == OWNERSHIP and (event.detail or {}).get("status") in (VERIFIED, REJECTED)


MET, LATE, BREACH, PENDING = "met", "late", "breach", "pending"


def outcome(
    deadline: str,
    due: datetime | None,
    events: Sequence[HistoryEntry],
    status: str,
    now: datetime,
) -> str | None:
    """How a ticket stands against one deadline at `now`, per the rules of the module doc.

    `met` (in time), `late` (met after it was due: a breach), `breach` (passed unmet while the
    ticket is open), `pending` (unmet, not yet due), or `None`: no such deadline, or the ticket
    was closed (cancelled) without meeting it, which the watch does not judge.
    """
    if due is None:
        return None
    met = met_at(deadline, events)
    if met is not None:
        return LATE if met > due else MET
    if status not in OPEN_STATUSES:
        return None
    return BREACH if now >= due else PENDING


def _due(ticket: Ticket, deadline: str) -> datetime | None:
    due: datetime | None = getattr(ticket, f"{deadline}_due")
    return due


def _recorded(events: Sequence[TicketEvent], kind: str, deadline: str) -> bool:
    return any(e.kind == kind and (e.detail or {}).get("deadline") == deadline for e in events)


@dataclass
class DeadlineReport:
    """What one run of the watch wrote: `(ticket_no, deadline)` per entry kind."""

    warnings: list[tuple[str, str]] = field(default_factory=list)
    breaches: list[tuple[str, str]] = field(default_factory=list)
    late: list[tuple[str, str]] = field(default_factory=list)
    escalations: list[tuple[str, str]] = field(default_factory=list)
    notified: list[tuple[str, str]] = field(default_factory=list)

    def summary(self) -> str:
        """`1 warning (BX202611270001 on_site); 1 breach (…)` for the scheduler's log."""

        def listed(items: list[tuple[str, str]]) -> str:
            return ", ".join(f"{no} {deadline}" for no, deadline in items)

        parts = []
        for name, items in (
            ("warning", self.warnings),
            ("breach", self.breaches),
            ("met late", self.late),
        ):
            if items:
                parts.append(f"{len(items)} {name} ({listed(items)})")
        return "; ".join(parts) or "nothing due"


def _watched(session: Session, now: datetime) -> list[Ticket]:
    """Open tickets, and those done recently (one of their deadlines may have been met late)."""
    query = (
        select(Ticket)
        .where(
            or_(
                Ticket.status.in_(OPEN_STATUSES),
                (Ticket.status == "done") & (Ticket.updated_at >= now - RECENTLY_CLOSED),
            )
        )
        .order_by(Ticket.id)
    )
    return list(session.execute(query).scalars())


@dataclass(frozen=True)
class Finding:
    """Something the watch must write about one deadline: `warning`, `breach` or `late`."""

    deadline: str
    kind: str
    due: datetime
    met: datetime | None = None


def findings(
    ticket: Ticket, events: Sequence[TicketEvent], policy: Policy, now: datetime
) -> list[Finding]:
    """What the history of `ticket` lacks at `now`, per the rules of the module doc."""
    found: list[Finding] = []
    for deadline in DEADLINES:
        due = _due(ticket, deadline)
        if due is None or _recorded(events, "breach", deadline):
            continue
        verdict = outcome(deadline, due, events, ticket.status, now)
        if verdict == LATE:
            found.append(Finding(deadline, "late", due, met_at(deadline, events)))
        elif verdict == BREACH:
            found.append(Finding(deadline, "breach", due))
        elif (
            verdict == PENDING
            and now >= deadline_warning_at(policy, due)
            and not _recorded(events, "warning", deadline)
        ):
            found.append(Finding(deadline, "warning", due))
    return found


def _breach_notice(ticket: Ticket, deadline: str, new_due: datetime) -> Notice:
    what = _WHAT[deadline]
    return Notice(
        key=f"breach:{ticket.ticket_no}:{deadline}",
        purpose="breach",
        template="ticket_breach",
        variables={"ticket_no": ticket.ticket_no, "what": what, "new_time": moment_text(new_due)},
        expires_at=new_due,
    )


def _write(
    session: Session,
    policy: Policy,
    ticket: Ticket,
    finding: Finding,
    now: datetime,
    report: DeadlineReport,
    apology: Finding | None,
) -> None:
    """Write the history entries for one finding; a breach that is `apology` queues it."""
    deadline, due, number = finding.deadline, finding.due, ticket.ticket_no

    def add(kind: str, **detail: object) -> None:
        ticket_store.add_event(session, ticket, now, kind, ACTOR, {"deadline": deadline, **detail})

    when = due.isoformat(timespec="minutes")
    if finding.kind == "warning":
        add("warning", due=due)
        report.warnings.append((number, deadline))
        logger.warning(
            "ticket %s is about to miss its %s deadline (due %s)", number, deadline, when
        )
    elif finding.kind == "late":
        add("breach", due=due, met_at=finding.met, late=True)
        report.late.append((number, deadline))
        logger.warning("ticket %s met its %s deadline late (due %s)", number, deadline, when)
    else:
        new_due = rescheduled_due(policy, deadline, now)
        add("breach", due=due, new_due=new_due)
        report.breaches.append((number, deadline))
        add("escalated", to="supervisor", due=due)
        report.escalations.append((number, deadline))
        if finding is apology:
            notice = _breach_notice(ticket, deadline, new_due)
            outcome = queue_notice(session, ticket.channel, ticket.sender_id, notice, now)
        else:  # several deadlines missed at once: one apology, for the furthest promise
            outcome = f"with the {apology.deadline if apology else deadline} apology"
        add("notified", channel=ticket.channel, outcome=outcome, new_due=new_due)
        report.notified.append((number, deadline))
        logger.warning(
            "ticket %s missed its %s deadline (due %s): escalated to a supervisor, "
            "user told the new time %s (%s)",
            number,
            deadline,
            when,
            new_due.isoformat(timespec="minutes"),
            outcome,
        )


def _histories(session: Session, tickets: Sequence[Ticket]) -> dict[int, list[TicketEvent]]:
    """The events of every ticket, oldest first, in a few queries rather than one per ticket."""
    history: dict[int, list[TicketEvent]] = {t.id: [] for t in tickets}
    ids = list(history)
    for start in range(0, len(ids), 500):
        query = (
            select(TicketEvent)
            .where(TicketEvent.ticket_id.in_(ids[start : start + 500]))
            .order_by(TicketEvent.id)
        )
        for event in session.execute(query).scalars():
            history[event.ticket_id].append(event)
    return history


def check_deadlines(session: Session, policy: Policy, now: datetime) -> DeadlineReport:
    """Run the watch once over every open (and recently done) ticket; see the module doc.

    Tickets are first judged without a lock; one that needs an entry is locked and judged again
    from its fresh history, so a concurrent run cannot write the same entry twice.
    """
    report = DeadlineReport()
    tickets = _watched(session, now)
    history = _histories(session, tickets)
    for ticket in tickets:
        if not findings(ticket, history[ticket.id], policy, now):
            continue
        session.refresh(ticket, with_for_update=True)
        found = findings(ticket, ticket_store.events_of(session, ticket), policy, now)
        # DEADLINES run from the first promise to the last: the last one missed is the apology.
        apology = next((f for f in reversed(found) if f.kind == "breach"), None)
        for finding in found:
            _write(session, policy, ticket, finding, now, report, apology)
        session.flush()
    return report
