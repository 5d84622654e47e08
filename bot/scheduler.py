"""The scheduler process: the one timer engine of the assistant (hand-offs, deadlines, notices).

    python -m bot scheduler             # hand-offs every 2 s, the rest every 30 s, until SIGTERM
    python -m bot scheduler --once      # one round of every job, then exit (a quick check)
    python -m bot scheduler --rasa-url http://127.0.0.1:5005   # Rasa's HTTP API (RASA_URL)

A full round ("tick") runs every job, each on its own (in its own transaction) so one failing job
does not stop the others: the hand-off's jobs (`bot.handoff.jobs`: agents gone offline, urgent
tickets, pick-up deadlines, resumes, webhook events), the deadline watch
(`bot.services.deadlines`), opening the surveys of finished tickets (`bot.services.surveys`), the
season and bill reminders (`bot.notify.reminders`, at most once an hour: they change by the day),
the WeChat and SMS messages a crash left unanswered past their lease (`bot.services.lost_messages`:
the sender is asked to send again), the delivery of every queued notice that is due
(`bot.notify.delivery`), and keeping the photos residents sent with a reading before WeChat's 3
days are over (`bot.channels.wechat.photos`; off, said once, without WeChat configured). Between
ticks, every `HANDOFF_SECONDS`, a hand-off round runs only the hand-off's jobs: a person is
waiting on them. Those need Rasa's HTTP API (`RASA_AUTH_TOKEN`, the
console's token, and `--rasa-url` or `RASA_URL`); without a token they are off, and the start
says so.

Every job is idempotent, so a round may be repeated or run late without telling anyone anything
twice; of several schedulers on PostgreSQL only the one holding the leader lock
(`bot.store.leader`) runs the jobs, the others stand by and take over within a round when it stops.

It logs one line per job that did something, phone and account numbers masked. It has no
conversation port; `GET /health` on `--health-port` answers 200 once the first tick is done
and while ticks keep coming, 503 otherwise, which is how the launcher knows it is ready.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import logging
import os
import signal
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TypeVar

from sqlalchemy.orm import Session

from bot import metrics
from bot.base import clock
from bot.channels.wechat.photos import PhotoFetcher, photo_fetcher
from bot.config import settings
from bot.handoff.config import handoff_settings
from bot.handoff.jobs import HANDOFF_SECONDS, HandoffJobs, open_handoff_jobs
from bot.handoff.rasa import RasaApi, load_rasa_api
from bot.notify.delivery import DEFAULT_RETRY, RetryPolicy, SessionFactory, deliver_due
from bot.notify.registry import SenderRegistry, load_registry
from bot.notify.reminders import queue_reminders
from bot.policy import Policy, load_policy
from bot.probes import serve_probes
from bot.services.deadlines import check_deadlines
from bot.services.lost_messages import tell_lost_messages
from bot.services.surveys import open_due_surveys
from bot.store.db import ensure_schema, session_scope
from bot.store.leader import LeaderLock

logger = logging.getLogger("bot.scheduler")

T = TypeVar("T")

DEFAULT_INTERVAL = 30.0
DEFAULT_HEALTH_PORT = 5056
REMINDER_EVERY = timedelta(hours=1)


@dataclass
class TickReport:
    """What one round did: a line per job that did something, and the jobs that failed."""

    at: datetime
    lines: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


class Scheduler:
    """Runs the periodic jobs against one database, on a clock the caller controls.

    `handoff`: the hand-off's jobs, run in every round (none without Rasa's HTTP API).
    `photos`: the photo job, run in every full round (none: not run at all).
    """

    def __init__(
        self,
        policy: Policy,
        registry: SenderRegistry,
        sessions: SessionFactory = session_scope,
        now: Callable[[], datetime] = clock.now,
        retry: RetryPolicy = DEFAULT_RETRY,
        leader: LeaderLock | None = None,
        handoff: HandoffJobs | None = None,
        photos: PhotoFetcher | None = None,
    ) -> None:
        self.policy = policy
        self.handoff = handoff
        self.photos = photos
        self.leader = leader
        self.registry = registry
        self.sessions = sessions
        self.now = now
        self.retry = retry
        self.ticks = 0  # rounds, ticks and hand-off rounds alike (health, `--once`)
        self.last_tick: datetime | None = None
        self.leading = leader is None
        self._reminded_at: datetime | None = None

    async def _run(
        self, name: str, report: TickReport, job: Callable[[], Awaitable[T]]
    ) -> T | None:
        """Await `job`; a failure is logged and noted in `report`, not raised."""
        try:
            return await job()
        except Exception:
            logger.exception("scheduler job %s failed; the next round tries again", name)
            report.failed.append(name)
            return None

    async def _job(self, name: str, report: TickReport, work: Callable[[Session], T]) -> T | None:
        """Run `work` in its own transaction off the event loop (`_run`)."""

        def in_session() -> T:
            with self.sessions() as session:
                return work(session)

        return await self._run(name, report, lambda: asyncio.to_thread(in_session))

    async def tick(self) -> TickReport:
        """One round of every job, at `now()`; a standby (another scheduler leads) runs none."""
        return await self._round(full=True)

    async def sweep(self) -> TickReport:
        """A hand-off round: only the hand-off's jobs (run between ticks, every few seconds)."""
        return await self._round(full=False)

    async def _round(self, full: bool) -> TickReport:
        now = self.now()
        report = TickReport(now)
        if not await self._lead():
            metrics.SCHEDULER_ROUNDS.labels("standby").inc()
            self.ticks += 1
            self.last_tick = now
            return report
        metrics.SCHEDULER_ROUNDS.labels("leader").inc()
        if self.handoff is not None:
            for name, job in self.handoff.named():
                await self._run(name, report, functools.partial(job, now))
        if full:
            await self._notice_jobs(now, report)
        for job_name in report.failed:
            metrics.SCHEDULER_FAILED_JOBS.labels(job_name).inc()
        for line in report.lines:
            logger.info("%s", line)
        self.ticks += 1
        self.last_tick = now
        return report

    async def _notice_jobs(self, now: datetime, report: TickReport) -> None:
        """Deadlines, surveys, lost messages, reminders (hourly), the delivery of notices, and
        last (its downloads may be slow) the photos to keep."""
        policy = self.policy
        deadlines = await self._job("deadlines", report, lambda s: check_deadlines(s, policy, now))
        if deadlines is not None and (deadlines.warnings or deadlines.breaches or deadlines.late):
            report.lines.append(f"deadlines: {deadlines.summary()}")
        surveys = await self._job("surveys", report, lambda s: open_due_surveys(s, policy, now))
        if surveys:
            report.lines.append(f"surveys opened: {', '.join(surveys)}")
        lost = await self._job(
            "lost messages", report, lambda s: tell_lost_messages(s, policy, now)
        )
        if lost:
            report.lines.append(f"lost messages: {lost} taken over, their senders asked again")
        if self._reminded_at is None or now - self._reminded_at >= REMINDER_EVERY:
            reminders = await self._job(
                "reminders", report, lambda s: queue_reminders(s, policy, now)
            )
            if reminders is not None:
                self._reminded_at = now
                if reminders.queued:
                    report.lines.append(f"reminders: {reminders.summary()}")
        delivery = await self._run(
            "delivery", report, lambda: deliver_due(self.sessions, self.registry, now, self.retry)
        )
        if delivery is not None:
            for channel, sent in delivery.sent.items():
                metrics.NOTICES_SENT.labels(channel).inc(sent)
            metrics.NOTICE_FAILURES.labels("retrying").inc(delivery.retrying)
            metrics.NOTICE_FAILURES.labels("failed").inc(delivery.failed)
            if delivery.busy:
                report.lines.append(f"notices: {delivery.summary()}")
        if self.photos is not None:
            photos = self.photos
            kept = await self._run("photos", report, lambda: photos.run(self.sessions, now))
            if kept is not None and kept.busy:
                report.lines.append(f"photos: {kept.summary()}")

    async def _lead(self) -> bool:
        """Whether this scheduler leads this round (always without a leader lock)."""
        if self.leader is None:
            return True
        try:
            leading = await asyncio.to_thread(self.leader.held)
        except Exception:
            logger.exception("leader lock unavailable; standing by this round")
            leading = False
        if leading != self.leading:
            logger.info("scheduler %s", "leads" if leading else "stands by (another one leads)")
            self.leading = leading
        return leading

    async def run(self, interval: float, stop: asyncio.Event, max_ticks: int | None = None) -> None:
        """Tick every `interval` seconds, hand-off rounds every `HANDOFF_SECONDS` in between,
        until `stop` is set (or after `max_ticks` rounds of either kind).

        A stop request waits for the round under way, so no job is cut off mid-transaction.
        """
        loop = asyncio.get_running_loop()
        beat = min(interval, HANDOFF_SECONDS) if self.handoff is not None else interval
        next_tick = loop.time()
        while not stop.is_set():
            if loop.time() >= next_tick:
                next_tick = loop.time() + interval
                await self.tick()
            else:
                await self.sweep()
            if max_ticks is not None and self.ticks >= max_ticks:
                return
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=min(beat, next_tick - loop.time()))

    def health(self, now: datetime, interval: float) -> tuple[int, dict[str, object]]:
        """The health answer: 200 while ticks keep coming, 503 before the first or when stuck."""
        stale_after = timedelta(seconds=3 * interval + 60)
        healthy = self.last_tick is not None and now - self.last_tick <= stale_after
        body: dict[str, object] = {
            "status": "ok" if healthy else "unavailable",
            "ticks": self.ticks,
            "role": "leader" if self.leading else "standby",
            "last_tick": self.last_tick.isoformat() if self.last_tick else None,
        }
        return (200 if healthy else 503), body


async def serve_health(
    scheduler: Scheduler, interval: float, port: int, host: str = "127.0.0.1"
) -> asyncio.AbstractServer:
    """`/metrics` and `Scheduler.health` as JSON on `host:port` (bot.probes)."""
    return await serve_probes(lambda: scheduler.health(scheduler.now(), interval), port, host)


async def main_loop(
    scheduler: Scheduler,
    interval: float,
    health_port: int | None,
    once: bool,
    health_host: str = "127.0.0.1",
) -> None:
    """Run until SIGTERM or SIGINT (or one tick with `once`), serving health meanwhile.

    A single tick serves no health: it is run by hand or from cron, often beside the running
    scheduler, whose port it would find taken (and nothing probes a process that lives a second).
    """
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    server = (
        await serve_health(scheduler, interval, health_port, health_host)
        if health_port and not once
        else None
    )
    try:
        await scheduler.run(interval, stop, max_ticks=1 if once else None)
    finally:
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(signum)
        if server is not None:
            server.close()
            await server.wait_closed()
    logger.info("scheduler stopped after %d tick(s)", scheduler.ticks)


def register(subparsers: argparse._SubParsersAction) -> None:
    """`scheduler [--interval S] [--once] [--health-port P] [--rasa-url URL]`."""
    parser = subparsers.add_parser(
        "scheduler",
        help="run hand-off time-outs, deadlines, surveys, reminders and notices periodically",
    )
    parser.add_argument(
        "--interval", type=_seconds, default=DEFAULT_INTERVAL, help="seconds between ticks (30)"
    )
    parser.add_argument("--once", action="store_true", help="run one tick and exit")
    parser.add_argument(
        "--health-port",
        type=int,
        default=DEFAULT_HEALTH_PORT,
        help="port of GET /health (5056; 0: none; never with --once)",
    )
    parser.add_argument(
        "--health-host",
        default="127.0.0.1",
        help="address /health listens on (127.0.0.1; 0.0.0.0 in a container, for its probes)",
    )
    parser.add_argument(
        "--rasa-url",
        help="Rasa server URL for the hand-off jobs (RASA_URL, http://127.0.0.1:5005)",
    )
    parser.set_defaults(handler=_scheduler_command)


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not value > 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive number of seconds")
    return value


def _rasa_api(args: argparse.Namespace) -> RasaApi | None:
    """Rasa's HTTP API for the hand-off jobs, or `None` when no token is set (they are off)."""
    environ = dict(os.environ)
    if args.rasa_url:
        environ["RASA_URL"] = args.rasa_url
    if not environ.get("RASA_AUTH_TOKEN", "").strip():
        return None
    return load_rasa_api(environ)


def _scheduler_command(args: argparse.Namespace) -> int:
    logging.basicConfig(
        level=settings().log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    rasa = _rasa_api(args)
    ensure_schema()
    policy = load_policy()
    registry = load_registry()
    photos = photo_fetcher()
    logger.info(
        "scheduler started: policy %s, every %g s, senders for %s",
        policy.name,
        args.interval,
        ", ".join(registry.channels) or "no channel",
    )
    if rasa is None:
        logger.warning(
            "hand-off jobs off: RASA_AUTH_TOKEN is not set, so no conversation times out, goes "
            "back to the queue or reaches the call centre; set it (and RASA_URL) as for the console"
        )
    else:
        logger.info("hand-off jobs every %g s, through Rasa at %s", HANDOFF_SECONDS, rasa.url)
    with LeaderLock(settings().database_url) as leader:
        asyncio.run(_serve(args, policy, registry, leader, rasa, photos))
    return 0


async def _serve(
    args: argparse.Namespace,
    policy: Policy,
    registry: SenderRegistry,
    leader: LeaderLock,
    rasa: RasaApi | None,
    photos: PhotoFetcher,
) -> None:
    """The loop of `_scheduler_command`, with the hand-off's jobs when Rasa's API is known.

    Their HTTP client needs the running loop, so they are opened here rather than by the caller.
    """
    async with contextlib.AsyncExitStack() as stack:
        handoff = (
            await stack.enter_async_context(open_handoff_jobs(rasa, handoff_settings(), policy))
            if rasa is not None
            else None
        )
        scheduler = Scheduler(policy, registry, leader=leader, handoff=handoff, photos=photos)
        await main_loop(
            scheduler, args.interval, args.health_port or None, args.once, args.health_host
        )
