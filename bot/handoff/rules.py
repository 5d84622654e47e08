"""The rules of the hand-off queue as plain functions: order, permissions, moves, waits, routes.

No I/O and no clock: "now" is a parameter, so every rule is tested directly and the console, the
action and the scheduler loop apply the same ones.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol, TypeVar

URGENCY_NORMAL, URGENCY_HIGH, URGENCY_URGENT = 0, 1, 2
URGENCY_NAMES = {URGENCY_NORMAL: "普通", URGENCY_HIGH: "优先", URGENCY_URGENT: "紧急"}

#: The hand-off of a suspected flood of urgent reports (bot.services.incidents): one, urgent, with
#: every report past the report limits listed, so a real one among them is read at once.
FLOOD = "suspected_flood"
#: Why the bot handed over, and how urgent that makes the conversation in the queue.
REASONS: dict[str, tuple[str, int]] = {
    "request_human": ("用户要求人工", URGENCY_NORMAL),
    "fallback": ("机器人多次未能理解", URGENCY_NORMAL),
    "complaint": ("投诉，要求人工", URGENCY_HIGH),
    "frustration": ("用户不满", URGENCY_HIGH),
    "chase": ("催办超时工单", URGENCY_HIGH),
    "urgent_leak": ("漏水紧急工单", URGENCY_URGENT),
    FLOOD: ("紧急报告异常集中，疑似批量提交，请逐条核实", URGENCY_URGENT),
}

#: Allowed status moves. active → active is a transfer to a colleague; active → queued hands the
#: conversation back (the agent released it or went offline); a queued one may be closed by a
#: supervisor or the call centre, and times out into a call-back ticket.
MOVES: dict[str, frozenset[str]] = {
    "queued": frozenset({"active", "closed", "timed_out"}),
    "active": frozenset({"active", "queued", "closed"}),
    "closed": frozenset(),
    "timed_out": frozenset(),
}

QUEUE_TARGETS = ("console", "webhook")
"""Targets that hold a conversation in our queue (the bot pauses); `wechat_kf` hands it on."""

DEFAULT_HANDLE_MINUTES = 5.0


class HandoffError(Exception):
    """A hand-off request refused; the message is shown to the agent who made it."""


class Forbidden(HandoffError):
    """The agent may not see or do this."""


class Conflict(HandoffError):
    """The conversation is not in a state that allows this (someone else was quicker)."""


class NotFound(HandoffError):
    """No such conversation, or not one this agent may see (the two read the same)."""


def urgency_of(reason: str) -> int:
    """The queue urgency a hand-off reason gets (unknown reasons are normal)."""
    return REASONS.get(reason, ("", URGENCY_NORMAL))[1]


def reason_name(reason: str) -> str:
    """The reason as agents read it."""
    return REASONS.get(reason, (reason, URGENCY_NORMAL))[0]


def check_move(old: str, new: str) -> None:
    """Raise `Conflict` unless the status may go from `old` to `new`."""
    if new not in MOVES.get(old, frozenset()):
        raise Conflict(f"会话状态为 {old}，不能变为 {new}")


# ---- the queue -----------------------------------------------------------------------------------


class Waiting(Protocol):
    """What ordering needs of a queued conversation."""

    @property
    def id(self) -> int: ...

    @property
    def urgency(self) -> int: ...

    @property
    def created_at(self) -> datetime: ...


W = TypeVar("W", bound=Waiting)


def queue_order(items: Iterable[W]) -> list[W]:
    """Most urgent first; within one urgency, whoever has waited longest (ties: lower id)."""
    return sorted(items, key=lambda item: (-item.urgency, item.created_at, item.id))


def position_in_queue(items: Iterable[W], item_id: int) -> int:
    """1-based place of `item_id` in the ordered queue; 0 when it is not queued."""
    for index, item in enumerate(queue_order(items), start=1):
        if item.id == item_id:
            return index
    return 0


def mean_handle_minutes(durations: Sequence[timedelta]) -> float:
    """The mean time agents spent on recent conversations; a default while there is no history."""
    if not durations:
        return DEFAULT_HANDLE_MINUTES
    return max(sum(d.total_seconds() for d in durations) / len(durations) / 60, 1.0)


def expected_wait_minutes(position: int, agents_on_duty: int, handle_minutes: float) -> int:
    """Whole minutes until an agent is likely free for the conversation at `position`.

    Each agent on duty takes the next conversation as one finishes, so the `position`-th waits
    about ⌈position ÷ agents⌉ − 1 handling times, plus one minute for the pick-up itself.
    """
    if agents_on_duty < 1:
        raise ValueError("no agent on duty: there is no wait to estimate")
    rounds = math.ceil(max(position, 1) / agents_on_duty) - 1
    return max(1, round(rounds * handle_minutes) + 1)


def pickup_deadline(created_at: datetime, pickup_minutes: int) -> datetime:
    """When an unanswered queued conversation becomes a call-back ticket."""
    return created_at + timedelta(minutes=pickup_minutes)


def is_offline(last_seen: datetime | None, now: datetime, timeout_seconds: int) -> bool:
    """An agent whose console has not polled for `timeout_seconds` is gone (page closed, lost)."""
    return last_seen is None or now - last_seen > timedelta(seconds=timeout_seconds)


#: Pauses between webhook attempts; after the last one the delivery is given up (and logged).
RETRY_DELAYS = tuple(timedelta(seconds=s) for s in (10, 30, 120, 600, 1800, 3600, 7200, 14400))


def retry_delay(failed_attempts: int) -> timedelta | None:
    """How long to wait after the `failed_attempts`-th failure; `None` means give up."""
    if failed_attempts < 1:
        raise ValueError("retry_delay is asked after a failure")
    if failed_attempts > len(RETRY_DELAYS):
        return None
    return RETRY_DELAYS[failed_attempts - 1]


# ---- where a conversation goes -------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    """Which configured targets apply to a conversation on one channel."""

    wechat_kf: bool
    queue_targets: tuple[str, ...]


def route(channel: str, targets: Sequence[str]) -> Route:
    """WeChat users go to WeChat's own agents when that target is on (they hold the session there,
    and WeChat stops sending us the user's messages); everyone else goes to our queue targets.
    """
    if "wechat_kf" in targets and channel == "wechat":
        return Route(wechat_kf=True, queue_targets=())
    return Route(wechat_kf=False, queue_targets=tuple(t for t in targets if t in QUEUE_TARGETS))


def on_duty(queue_targets: Sequence[str], agents_online: int) -> bool:
    """Whether someone can take a conversation now, so queueing it beats a call-back ticket.

    The console counts its agents' heartbeats; a call centre behind the webhook is taken as staffed
    (it answers through the inbound API, and the pick-up deadline catches it if it does not).
    """
    return "webhook" in queue_targets or ("console" in queue_targets and agents_online > 0)


#: Channels where each message costs something (WeChat allows five pushes per 48 h, SMS is paid):
#: there only the agent's own words are sent, not the automatic "an agent is here" notices.
METERED_CHANNELS = frozenset({"wechat", "sms"})


#: Channels whose Rasa input channel implements `get_output_channel()`, so Rasa can push an agent's
#: words to the user: the web widget (socket.io), WeChat (customer-service API) and SMS (the
#: generic template). On REST a reply is only written into the transcript.
LIVE_CHANNELS = frozenset({"socketio", "wechat", "sms"})


def delivers_live(channel: str) -> bool:
    """Whether an agent's reply reaches the user on this channel as it is sent."""
    return channel in LIVE_CHANNELS


def announces_handover(channel: str) -> bool:
    """Whether the user is told automatically that an agent took over (or a colleague did)."""
    return channel not in METERED_CHANNELS


# ---- who may do what -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Actor:
    """The agent making a request in the console."""

    id: int
    username: str
    display_name: str
    role: str

    @property
    def supervisor(self) -> bool:
        """Supervisors see every conversation, in full, and may act on any of them."""
        return self.role == "supervisor"


def can_see(actor: Actor, status: str, agent_id: int | None) -> bool:
    """Agents see the open queue and their own conversations; supervisors see everything."""
    if actor.supervisor:
        return True
    return status == "queued" or agent_id == actor.id


def can_pick(actor: Actor, status: str) -> bool:
    """Any agent may take a queued conversation."""
    return status == "queued"


def can_handle(actor: Actor, status: str, agent_id: int | None) -> bool:
    """Reply, transfer, ticket, reveal and close: the agent holding it, or a supervisor."""
    return status == "active" and (agent_id == actor.id or actor.supervisor)


def can_close(actor: Actor, status: str, agent_id: int | None) -> bool:
    """The holder closes an active conversation; a supervisor may also close a queued one."""
    return can_handle(actor, status, agent_id) or (actor.supervisor and status == "queued")


def sees_full_numbers(actor: Actor) -> bool:
    """Phone and account numbers: supervisors see them; agents see them masked (and may reveal
    them, logged, for a conversation they hold, to call the user back).
    """
    return actor.supervisor
