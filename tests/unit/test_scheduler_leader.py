"""Two schedulers on one PostgreSQL database: one leads, each notice goes out once, the hand-off's
jobs run in one of them only, and the standby takes over when the leader stops."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import pytest
from service_helpers import RecordedJobs, beijing, fakes, new_ticket, sessions_on

from bot.notify.senders import RecordingSender
from bot.scheduler import Scheduler
from bot.store.db import session_scope
from bot.store.leader import LeaderLock

pytestmark = pytest.mark.postgres
HOUR = timedelta(hours=1)


def _late_ticket(url: str, created: datetime, sender: str) -> str:
    with session_scope(url) as session:
        return new_ticket(session, created, sender=sender, fault_type="no_heat").ticket_no


async def test_two_schedulers_send_each_notice_once_and_the_standby_takes_over(
    postgres_store_url: str, now: datetime
) -> None:
    first = _late_ticket(postgres_store_url, now - 2 * HOUR, "openid-1")
    senders = [RecordingSender(), RecordingSender()]
    locks = [LeaderLock(postgres_store_url), LeaderLock(postgres_store_url)]
    schedulers = [
        Scheduler(
            beijing(), fakes(wechat=s), sessions_on(postgres_store_url), lambda: now, leader=lock
        )
        for s, lock in zip(senders, locks, strict=True)
    ]
    try:
        for _ in range(3):  # rounds at the same moment, as two processes would run them
            await asyncio.gather(*(s.tick() for s in schedulers))
        assert [s.leading for s in schedulers].count(True) == 1
        leader, standby = schedulers if schedulers[0].leading else schedulers[::-1]
        sent = [n for s in senders for n in s.attempts]
        assert [(n.recipient, n.template) for n in sent] == [("openid-1", "ticket_breach")]
        assert first in sent[0].text
        assert standby.health(now, 30)[1]["role"] == "standby"  # healthy while standing by
        assert standby.health(now, 30)[0] == 200

        leader.leader.release()  # type: ignore[union-attr]  # the leading process stops
        second = _late_ticket(postgres_store_url, now - 2 * HOUR, "openid-2")
        report = await standby.tick()
        assert standby.leading and report.failed == []
        sent = [n for s in senders for n in s.attempts]
        assert [n.recipient for n in sent] == ["openid-1", "openid-2"]
        assert second in sent[1].text
        await leader.tick()  # the old leader, back, finds the lock taken
        assert not leader.leading
    finally:
        for lock in locks:
            lock.release()


async def test_only_the_leader_runs_the_hand_off_jobs(
    postgres_store_url: str, now: datetime
) -> None:
    jobs = [RecordedJobs(), RecordedJobs()]
    locks = [LeaderLock(postgres_store_url), LeaderLock(postgres_store_url)]
    schedulers = [
        Scheduler(
            beijing(),
            fakes(),
            sessions_on(postgres_store_url),
            lambda: now,
            leader=lock,
            handoff=handoff,  # type: ignore[arg-type]
        )
        for handoff, lock in zip(jobs, locks, strict=True)
    ]
    try:
        for _ in range(3):  # hand-off rounds at the same moment, as two processes would run them
            await asyncio.gather(*(s.sweep() for s in schedulers))
        ran = [len(j.runs) for j in jobs]
        assert sorted(ran) == [0, 3 * len(jobs[0].names)]  # one scheduler ran them, every round
    finally:
        for lock in locks:
            lock.release()


def test_on_sqlite_every_scheduler_leads(tmp_path: object) -> None:
    assert LeaderLock(f"sqlite:///{tmp_path}/x.db").held()
