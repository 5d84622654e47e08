"""The scheduler process: one tick runs every job, the loop stops cleanly, health, the launcher.

Time is a function the test controls; the loop is stopped by its stop event or a real SIGTERM,
never by waiting for an interval to pass.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from service_helpers import RecordedJobs, beijing, fakes, move, new_ticket, sessions_on
from sqlalchemy.orm import Session

from bot import cli, launcher
from bot import scheduler as scheduler_module
from bot.base.clock import format_moment
from bot.notify.delivery import FanOut
from bot.notify.senders import RecordingSender
from bot.scheduler import Scheduler, main_loop, serve_health
from bot.store import inbound
from bot.store.db import session_scope

HOUR = timedelta(hours=1)


def _clock(start: datetime) -> tuple[Callable[[], datetime], Callable[[timedelta], None]]:
    """A clock reading `start` until `advance(delta)` moves it."""
    moment = [start]

    def advance(delta: timedelta) -> None:
        moment[0] += delta

    return (lambda: moment[0]), advance


async def test_one_tick_runs_every_job_and_a_second_repeats_nothing(
    session: Session, store_url: str, now: datetime, caplog: pytest.LogCaptureFixture
) -> None:
    late = new_ticket(session, now - 2 * HOUR, sender="13800000001", fault_type="no_heat")
    done = new_ticket(session, now - 3 * HOUR, sender="openid-9", fault_type="no_heat")
    move(session, done, now - 3 * HOUR, "assigned")
    move(session, done, now - HOUR, "in_progress", "done")
    session.commit()
    wechat = RecordingSender()
    clock, advance = _clock(now)
    scheduler = Scheduler(beijing(), fakes(wechat=wechat), sessions_on(store_url), clock)

    caplog.set_level("INFO")
    report = await scheduler.tick()
    assert report.failed == []
    assert report.lines[0] == f"deadlines: 1 breach ({late.ticket_no} first_reply)"
    assert f"surveys opened: {done.ticket_no}" in report.lines
    assert "notices: sent wechat 2" in report.lines
    assert {n.template for n in wechat.sent} == {"ticket_breach", "survey_question"}
    assert "138****0001" in caplog.text and "13800000001" not in caplog.text

    advance(timedelta(seconds=30))
    again = await scheduler.tick()
    assert again.lines == [] and len(wechat.attempts) == 2
    assert scheduler.ticks == 2 and scheduler.last_tick == now + timedelta(seconds=30)


async def test_a_message_a_crash_left_running_is_failed_and_its_sender_asked_again(
    session: Session, store_url: str, now: datetime
) -> None:
    """No provider retry took the message over after its lease: the scheduler does, and the
    sender learns on their channel that it was not dealt with (time and hotline), once."""
    received = now - timedelta(minutes=2)  # the default lease is 60 s
    inbound.claim(session, "wechat", "m-crashed", "wechat:openid-9", received)
    inbound.claim(session, "wechat", "m-running", "wechat:openid-8", now - timedelta(seconds=5))
    session.commit()
    wechat = RecordingSender()
    clock, advance = _clock(now)
    scheduler = Scheduler(beijing(), fakes(wechat=wechat), sessions_on(store_url), clock)

    report = await scheduler.tick()
    assert report.failed == []
    assert "lost messages: 1 taken over, their senders asked again" in report.lines
    [notice] = wechat.sent
    assert notice.recipient == "wechat:openid-9" and notice.template == "message_lost"
    assert notice.text == (
        f"您{format_moment(received)}发来的消息因系统故障未能处理，请重新发送；"
        f"急事请致电{beijing().company.hotline}。"
    )
    with session_scope(store_url) as check:
        assert inbound.state_of(check, "wechat", "m-crashed") == "failed"
        assert inbound.state_of(check, "wechat", "m-running") == "running"

    advance(timedelta(seconds=30))
    again = await scheduler.tick()
    assert not any(line.startswith("lost messages") for line in again.lines)
    assert len(wechat.attempts) == 1


async def test_a_failing_job_does_not_stop_the_others(
    session: Session,
    store_url: str,
    now: datetime,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    done = new_ticket(session, now - 3 * HOUR, fault_type="no_heat")
    move(session, done, now - HOUR, "assigned", "in_progress", "done")
    session.commit()

    def broken(*args: Any) -> None:
        raise RuntimeError("database hiccup")

    monkeypatch.setattr(scheduler_module, "check_deadlines", broken)
    wechat = RecordingSender()
    scheduler = Scheduler(beijing(), fakes(wechat=wechat), sessions_on(store_url), lambda: now)
    report = await scheduler.tick()
    assert report.failed == ["deadlines"]
    assert [n.template for n in wechat.sent] == ["survey_question"]
    assert "scheduler job deadlines failed" in caplog.text


async def test_reminders_are_queued_at_most_hourly(
    store_url: str, now: datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[datetime] = []

    def reminders(session: Session, policy: Any, at: datetime) -> Any:
        calls.append(at)
        return FanOut()

    monkeypatch.setattr(scheduler_module, "queue_reminders", reminders)
    clock, advance = _clock(now)
    scheduler = Scheduler(beijing(), fakes(), sessions_on(store_url), clock)
    for step in (timedelta(0), timedelta(minutes=30), timedelta(minutes=31)):
        advance(step)
        await scheduler.tick()
    assert calls == [now, now + timedelta(minutes=61)]


def _with_hand_off_jobs(
    store_url: str,
    clock: Callable[[], datetime],
    jobs: RecordedJobs,
    monkeypatch: pytest.MonkeyPatch,
) -> tuple[Scheduler, list[datetime]]:
    """A scheduler with `jobs` as its hand-off jobs, and the moments its deadline job ran."""
    deadline_rounds: list[datetime] = []
    monkeypatch.setattr(
        scheduler_module, "check_deadlines", lambda s, p, at: deadline_rounds.append(at)
    )
    scheduler = Scheduler(
        beijing(), fakes(), sessions_on(store_url), clock, handoff=jobs  # type: ignore[arg-type]
    )
    return scheduler, deadline_rounds


async def test_the_hand_off_jobs_run_in_every_round_and_alone_between_ticks(
    store_url: str, now: datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    jobs = RecordedJobs(("offline agents", "broken", "resumes"))
    clock, advance = _clock(now)
    scheduler, deadline_rounds = _with_hand_off_jobs(store_url, clock, jobs, monkeypatch)

    report = await scheduler.tick()
    assert report.failed == ["broken"]  # the jobs after it ran all the same
    assert jobs.runs == [("offline agents", now), ("broken", now), ("resumes", now)]
    assert deadline_rounds == [now]
    advance(timedelta(seconds=2))
    report = await scheduler.sweep()
    assert report.failed == ["broken"] and len(jobs.runs) == 6
    assert jobs.runs[-1] == ("resumes", now + timedelta(seconds=2))
    assert deadline_rounds == [now]  # a hand-off round leaves the notices to the next tick
    assert scheduler.ticks == 2 and scheduler.last_tick == now + timedelta(seconds=2)


async def test_the_loop_runs_hand_off_rounds_every_few_seconds_and_ticks_every_interval(
    store_url: str, now: datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(scheduler_module, "HANDOFF_SECONDS", 0.01)
    stop = asyncio.Event()

    class Stopping(RecordedJobs):
        async def _run(self, name: str, at: datetime) -> None:
            await super()._run(name, at)
            if len(self.runs) == 4:
                stop.set()

    jobs = Stopping(("resumes",))
    scheduler, deadline_rounds = _with_hand_off_jobs(store_url, lambda: now, jobs, monkeypatch)
    await asyncio.wait_for(scheduler.run(3600, stop), timeout=30)
    assert len(jobs.runs) == 4 and scheduler.ticks == 4
    assert deadline_rounds == [now]  # one tick, then three hand-off rounds within the hour


async def test_the_loop_stops_when_asked_after_the_tick_under_way(
    store_url: str, now: datetime
) -> None:
    stop = asyncio.Event()

    def clock() -> datetime:
        stop.set()  # the stop request arrives during the tick
        return now

    scheduler = Scheduler(beijing(), fakes(), sessions_on(store_url), clock)
    await asyncio.wait_for(scheduler.run(3600, stop), timeout=30)
    assert scheduler.ticks == 1


async def test_sigterm_stops_the_process_loop_cleanly(store_url: str, now: datetime) -> None:
    def clock() -> datetime:
        os.kill(os.getpid(), signal.SIGTERM)
        return now

    scheduler = Scheduler(beijing(), fakes(), sessions_on(store_url), clock)
    await asyncio.wait_for(main_loop(scheduler, 3600, None, once=False), timeout=30)
    assert scheduler.ticks == 1
    assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL


async def test_health_is_ok_only_while_ticks_keep_coming(store_url: str, now: datetime) -> None:
    clock, advance = _clock(now)
    scheduler = Scheduler(beijing(), fakes(), sessions_on(store_url), clock)
    assert scheduler.health(now, 30)[0] == 503
    server = await serve_health(scheduler, 30, 0)
    port = server.sockets[0].getsockname()[1]

    async def get() -> str:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        answer = (await reader.read()).decode()
        writer.close()
        return answer

    try:
        assert (await get()).startswith("HTTP/1.1 503")
        await scheduler.tick()
        answer = await get()
        assert answer.startswith("HTTP/1.1 200 OK") and '"ticks": 1' in answer
        advance(timedelta(minutes=3))
        assert (await get()).startswith("HTTP/1.1 503")
    finally:
        server.close()
        await server.wait_closed()


def test_the_command_runs_one_tick(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["scheduler", "--once", "--health-port", "0"]) == 0
    assert cli.main(["scheduler", "--interval", "0"]) == 2
    assert "not a positive number of seconds" in capsys.readouterr().err


def test_one_tick_runs_beside_a_scheduler_that_holds_the_health_port(db_url: str) -> None:
    """`--once` from cron while the service runs: the running scheduler's port is taken."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        assert cli.main(["scheduler", "--once", "--health-port", port]) == 0


def test_the_command_runs_the_hand_off_jobs_with_rasas_api_and_says_when_it_cannot(
    db_url: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("INFO")
    monkeypatch.delenv("RASA_AUTH_TOKEN", raising=False)
    assert cli.main(["scheduler", "--once", "--health-port", "0"]) == 0
    assert "hand-off jobs off: RASA_AUTH_TOKEN is not set" in caplog.text
    caplog.clear()
    monkeypatch.setenv("RASA_AUTH_TOKEN", "t")
    once = ["scheduler", "--once", "--health-port", "0", "--rasa-url", "http://127.0.0.1:9"]
    assert cli.main(once) == 0
    assert "hand-off jobs every 2 s, through Rasa at http://127.0.0.1:9" in caplog.text
    assert "scheduler job" not in caplog.text  # each job ran (nothing waits: Rasa is not asked)


def test_the_stack_starts_the_scheduler_with_a_health_check(tmp_path: Path) -> None:
    services = launcher.stack_services(
        Path("model.tar.gz"), tmp_path / "endpoints.yml", scheduler_port=6001
    )
    (scheduler,) = [s for s in services if s.name == "scheduler"]
    assert scheduler.argv[1:] == ["-m", "bot", "scheduler", "--health-port", "6001"]
    assert scheduler.ready_url == "http://127.0.0.1:6001/health"

    demo = launcher.demo_stack(Path("model.tar.gz"), tmp_path)
    ports = [s.ready_url.split(":")[2].split("/")[0] for s in demo.services]
    assert "scheduler" in [s.name for s in demo.services]
    assert len(set(ports)) == len(ports)  # beside `make run`, on ports of its own


def test_with_the_console_the_scheduler_runs_the_hand_off_jobs_through_the_same_rasa(
    tmp_path: Path,
) -> None:
    services = launcher.stack_services(
        Path("model.tar.gz"), tmp_path / "endpoints.yml", rasa_port=6005, auth_token="t"
    )
    by_name = {s.name: s.argv for s in services}
    for name in ("scheduler", "agent console"):
        argv = by_name[name]
        assert argv[argv.index("--rasa-url") + 1] == "http://127.0.0.1:6005", name
