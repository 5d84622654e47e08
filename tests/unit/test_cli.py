"""The operators' command line, run through `main([...])` against a test database."""

from __future__ import annotations

import argparse
import sys
import types
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot import cli
from bot.config import settings
from bot.store.db import session_scope
from bot.store.models import Account, Outage
from bot.store.tickets import TicketDraft, change_status, create_ticket

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run(db_url: str, capsys: pytest.CaptureFixture[str]) -> Run:
    """`run("db", "init")` → (exit code, stdout, stderr), with DATABASE_URL at the test database."""

    def run_main(*argv: str) -> tuple[int, str, str]:
        code = cli.main(list(argv))
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run_main


def _count(url: str, model: type) -> int:
    with session_scope(url) as session:
        return session.execute(select(func.count()).select_from(model)).scalar_one()


def test_db_init_creates_the_schema_and_demo_loads_once(run: Run, db_url: str) -> None:
    code, out, _ = run("db", "init")
    assert code == 0 and "schema is current" in out
    assert _count(db_url, Account) == 0

    code, out, _ = run("db", "init", "--demo")
    assert code == 0 and "+2 outages" in out
    accounts = _count(db_url, Account)
    assert accounts >= 60

    code, out, _ = run("db", "demo")
    assert code == 0 and "+0 accounts" in out
    assert _count(db_url, Account) == accounts


def test_import_reports_counts(run: Run, db_url: str, tmp_path: Path) -> None:
    path = tmp_path / "accounts.csv"
    path.write_bytes(
        "account_no,name,phone,community,building,unit,room,area_m2,billing_kind\n"
        "0102345678,张伟,13812345678,阳光花园,5,1,302,89.50,area\n".encode("gbk")
    )

    code, out, _ = run("import", "accounts", str(path))

    assert code == 0
    assert "1 new" in out
    assert _count(db_url, Account) == 1


def test_a_failed_import_lists_every_bad_row_and_imports_nothing(
    run: Run, db_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "accounts.csv"
    path.write_text(
        "account_no,name,phone,community,building,unit,room,area_m2,billing_kind\n"
        "0102345678,张伟,13812345678,阳光花园,5,1,302,89.50,area\n"
        "0102345679,李娜,139123,幸福里小区,3,2,501,76.2,area\n"
        "0102345670,王五,13812345670,和平里,1,1,101,-1,area\n",
        encoding="utf-8",
    )

    code, _, err = run("import", "accounts", str(path))

    assert code == 2
    assert "第 3 行" in err and "phone" in err
    assert "第 4 行" in err and "area_m2" in err
    assert "nothing imported" in err
    assert _count(db_url, Account) == 0


def test_import_of_a_missing_file_is_bad_input(run: Run, tmp_path: Path) -> None:
    code, _, err = run("import", "bills", str(tmp_path / "missing.csv"))
    assert code == 2 and "cannot read" in err


def test_outage_add_list_end(run: Run, db_url: str) -> None:
    code, out, _ = run(
        "outage", "add", "--kind", "planned", "--communities", "阳光花园,金色家园",
        "--start", "2026-12-01T08:00", "--end", "2026-12-01 18:00", "--reason", "管网检修",
    )  # fmt: skip
    assert code == 0 and "#1" in out

    with session_scope(db_url) as session:
        outage = session.get(Outage, 1)
        assert sorted(outage.communities) == ["金色家园", "阳光花园"]
        assert outage.starts_at == datetime(2026, 12, 1, 0, 0, tzinfo=timezone.utc)

    code, out, _ = run("outage", "list")
    assert code == 0
    assert "#1" in out and "2026-12-01 08:00 → 2026-12-01 18:00" in out and "管网检修" in out

    code, out, _ = run("outage", "end", "1", "--at", "2026-12-01T16:30")
    assert code == 0 and "2026-12-01 16:30" in out
    assert "#1" not in run("outage", "list")[1]
    assert "#1" in run("outage", "list", "--all")[1]


def test_outage_mistakes_are_bad_input(run: Run) -> None:
    base = ["outage", "add", "--kind", "planned", "--communities", "和平里", "--reason", "x"]

    code, _, err = run(*base, "--start", "2026-12-02T08:00", "--end", "2026-12-01T08:00")
    assert code == 2 and "end after" in err
    code, _, err = run(*base, "--start", "tomorrow", "--end", "2026-12-01T08:00")
    assert code == 2 and "ISO" in err
    code, _, err = run("outage", "add", "--kind", "sudden")
    assert code == 2
    code, _, err = run("outage", "end", "42")
    assert code == 2 and "no outage 42" in err


def test_tickets_list_masks_phones_and_accounts(run: Run, db_url: str) -> None:
    now = datetime(2026, 11, 27, 12, 0, tzinfo=timezone.utc)
    run("db", "init")
    with session_scope(db_url) as session:
        repair = create_ticket(
            session,
            TicketDraft(
                "BX", "wechat", "openid-1", phone="13812345678", account_no="0102345678",
                address="阳光花园5号楼1单元302", fault_type="leak", urgent=True,
            ),
            now,
        )  # fmt: skip
        complaint = create_ticket(
            session, TicketDraft("TS", "sms", "13912345679"), now + timedelta(minutes=1)
        )
        change_status(session, complaint, "assigned", now, "agent:1")

    code, out, _ = run("tickets", "list")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith(complaint.ticket_no) and lines[1].startswith(repair.ticket_no)
    assert "138****5678" in lines[1] and "01******78" in lines[1]
    assert "13812345678" not in out and "0102345678" not in out
    assert "2026-11-27 20:00" in lines[1] and "urgent" in lines[1]

    code, out, _ = run("tickets", "list", "--status", "new", "--kind", "BX", "--limit", "5")
    assert code == 0 and repair.ticket_no in out and complaint.ticket_no not in out
    assert run("tickets", "list", "--limit", "0")[0] == 2
    assert run("tickets", "list", "--status", "open")[0] == 2


def test_help_and_usage_errors_return_exit_codes(run: Run) -> None:
    assert run("--help")[0] == 0
    assert run()[0] == 2
    assert run("frobnicate")[0] == 2


def test_unexpected_failures_exit_1_with_a_message(
    run: Run, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{blocker}/heating.db")
    settings.cache_clear()

    code, _, err = run("db", "init")

    assert code == 1
    assert "failed" in err and "Traceback" not in err


def test_bad_configuration_is_bad_input(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "mysql://nope")
    settings.cache_clear()

    code, _, err = run("outage", "list")

    assert code == 2 and "DATABASE_URL" in err


def test_other_modules_can_add_commands(monkeypatch: pytest.MonkeyPatch, run: Run) -> None:
    def register(subparsers: argparse._SubParsersAction) -> None:
        parser = subparsers.add_parser("hello")
        parser.set_defaults(handler=lambda args: print("你好") or 0)

    module = types.ModuleType("fake_commands")
    module.register = register  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "fake_commands", module)
    monkeypatch.setattr(cli, "COMMANDS", [*cli.COMMANDS, "fake_commands:register"])

    assert run("hello") == (0, "你好\n", "")
    assert run("tickets", "list")[0] == 0
