"""The operators' command line: database set-up, demo data, CSV imports, outages, tickets.

    python -m bot db init --demo
    python -m bot import accounts accounts.csv
    python -m bot import halls halls.yml
    python -m bot outage add --kind planned --communities 阳光花园,金色家园 \\
        --start 2026-12-01T08:00 --end 2026-12-01T18:00 --reason 管网检修
    python -m bot tickets list --status new
    python -m bot agents add wang --name 王芳 --role agent
    python -m bot console
    python -m bot scheduler
    python -m bot report --from 2026-11-01 --to 2026-11-30

Subcommands come from the functions named in `COMMANDS`: each `register(subparsers)` adds its
parsers and sets a `handler(args) -> exit code` default on them, so another package adds its own
commands by listing its function there, without touching the rest of this file.

Exit codes: 0 done, 2 bad input (arguments, file contents, a refused request), 1 anything else.
Phone and account numbers are masked in everything printed.
"""

from __future__ import annotations

import argparse
import importlib
import re
import sys
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from bot.config import ConfigError, settings
from bot.policy import Policy, load_policy
from bot.privacy import mask_account, mask_phone, mask_text
from bot.services import outages as outage_service
from bot.services import tickets as ticket_service
from bot.store import outages as outage_store
from bot.store import tickets as ticket_store
from bot.store.db import ensure_schema, session_scope
from bot.store.demo import load_demo
from bot.store.errors import StoreError
from bot.store.halls_import import HALLS_KIND, import_halls
from bot.store.importer import IMPORT_KINDS, ImportResult, import_csv, parse_datetime
from bot.store.models import OUTAGE_KINDS, TICKET_KINDS, TICKET_STATUSES, Outage, Ticket

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2

Subparsers = argparse._SubParsersAction
Handler = Callable[[argparse.Namespace], int]

#: `module:function` of every subcommand registrar, in the order they appear in `--help`.
COMMANDS: list[str] = [
    "bot.cli:register_db",
    "bot.cli:register_import",
    "bot.cli:register_outage",
    "bot.cli:register_tickets",
    "bot.scheduler:register",
    "bot.modelcache:register",
    "bot.evaluation.harness:register",
    "bot.evaluation.dialogue_run:register",
    "bot.evaluation.emergency:register",
    "bot.evaluation.kb:register",
    "bot.launcher:register",
    "bot.action_server:register",
    "bot.production.launcher:register",
    "bot.production.profile:register",
    "bot.events_consumer:register",
    "bot.console.cli:register_console",
    "bot.console.cli:register_agents",
    "bot.report.cli:register",
    "bot.sampling_cli:register",
]

_LIST_SEPARATORS = re.compile(r"[,，;；、]")


class UsageError(Exception):
    """The operator asked for something the CLI cannot do (e.g. read a file that is not there)."""


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _local(moment: datetime) -> str:
    return moment.astimezone(settings().timezone).strftime("%Y-%m-%d %H:%M")


def _moment(text: str) -> datetime:
    """argparse type for times: ISO 8601, company time unless an offset is given."""
    try:
        return parse_datetime(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an ISO time such as 2026-12-01T08:00 or 2026-12-01 08:00+08:00"
        ) from None


def _positive_int(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive whole number")
    return int(text)


@contextmanager
def _database() -> Iterator[Session]:
    """A session on a database whose schema is current, so every command works on a fresh one."""
    ensure_schema()
    with session_scope() as session:
        yield session


# ---- db ------------------------------------------------------------------------------------------


def register_db(subparsers: Subparsers) -> None:
    """`db init [--demo]` and `db demo`."""
    db = subparsers.add_parser("db", help="create or upgrade the database, load demo data")
    commands = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    init = commands.add_parser("init", help="bring the schema to the newest migration")
    init.add_argument("--demo", action="store_true", help="also load the demo company")
    init.set_defaults(handler=_db_init)
    demo = commands.add_parser("demo", help="load the demo company (idempotent)")
    demo.set_defaults(handler=_db_init, demo=True)


def _db_init(args: argparse.Namespace) -> int:
    with _database() as session:
        url = make_url(settings().database_url).render_as_string(hide_password=True)
        print(f"数据库已就绪 (schema is current): {url}")
        if args.demo:
            added = load_demo(session, _now())
            print(
                f"演示数据 (demo data): +{added.accounts} accounts, +{added.bills} bills, "
                f"+{added.payments} payments, +{added.outages} outages"
            )
    return EXIT_OK


# ---- import --------------------------------------------------------------------------------------


def register_import(subparsers: Subparsers) -> None:
    """`import KIND FILE` for every kind of `IMPORT_KINDS`."""
    parser = subparsers.add_parser(
        "import",
        help="import a CSV file (UTF-8 or GBK), or the halls YAML registry; "
        "nothing is written if any row is bad",
    )
    parser.add_argument("kind", choices=(*IMPORT_KINDS, HALLS_KIND))
    parser.add_argument("file", type=Path)
    parser.set_defaults(handler=_import)


def _import(args: argparse.Namespace) -> int:
    try:
        data = args.file.read_bytes()
    except OSError as error:
        raise UsageError(f"cannot read {args.file}: {error.strerror or error}") from None
    with _database() as session:
        result: ImportResult
        if args.kind == HALLS_KIND:
            result = import_halls(session, data, _now())
        else:
            result = import_csv(session, args.kind, data, _now())
    if not result.ok:
        for row_error in result.errors:
            print(
                mask_text(f"第 {row_error.line} 行 (line {row_error.line}): {row_error.reason}"),
                file=sys.stderr,
            )
        print(
            f"导入失败，未写入任何数据 (nothing imported): {len(result.errors)} bad of "
            f"{result.rows} rows in {args.file}",
            file=sys.stderr,
        )
        return EXIT_BAD_INPUT
    print(
        f"已导入 {args.kind} (imported): {result.rows} rows, {result.inserted} new, "
        f"{result.updated} updated, {result.unchanged} unchanged"
        + (f", {result.removed} removed" if result.removed else "")
    )
    return EXIT_OK


# ---- outage --------------------------------------------------------------------------------------


def register_outage(subparsers: Subparsers) -> None:
    """`outage add|end|list`."""
    outage = subparsers.add_parser("outage", help="record, end and list heating stops")
    commands = outage.add_subparsers(dest="outage_command", required=True, metavar="ACTION")

    add = commands.add_parser("add", help="record a planned or emergency stop")
    add.add_argument("--kind", choices=OUTAGE_KINDS, required=True)
    add.add_argument("--communities", required=True, help="names separated by , or 、")
    add.add_argument("--start", type=_moment, required=True, help="ISO time, company time zone")
    add.add_argument("--end", type=_moment, required=True, help="expected end, ISO time")
    add.add_argument("--reason", required=True, help="what users are told")
    add.add_argument(
        "--reason-code",
        help="policy reason needing a longer notice period (e.g. filling, pressure_test)",
    )
    add.set_defaults(handler=_outage_add)

    change = commands.add_parser("update", help="move a stop or restate its reason")
    change.add_argument("id", type=_positive_int)
    change.add_argument("--start", type=_moment, help="new start, ISO time")
    change.add_argument("--end", type=_moment, help="new expected end, ISO time")
    change.add_argument("--reason", help="new reason users are told")
    change.add_argument("--reason-code", help="as for add")
    change.set_defaults(handler=_outage_update)

    end = commands.add_parser("end", help="mark a stop over (heating restored)")
    end.add_argument("id", type=_positive_int)
    end.add_argument("--at", type=_moment, help="when it ended (default: now)")
    end.set_defaults(handler=_outage_end)

    listing = commands.add_parser("list", help="list stops not yet ended")
    listing.add_argument("--all", action="store_true", help="include ended stops")
    listing.set_defaults(handler=_outage_list)


def _outage_line(outage: Outage) -> str:
    state = (
        f"已结束 (ended) {_local(outage.ended_at)}" if outage.ended_at else "进行中/待开始 (open)"
    )
    return (
        f"#{outage.id}  {outage_service.KIND_NAMES.get(outage.kind, outage.kind)} ({outage.kind})  "
        f"{'、'.join(outage.communities)}  {_local(outage.starts_at)} → "
        f"{_local(outage.expected_end_at)}  {state}  {outage.reason}"
    )


def _reason_code(policy: Policy, code: str | None) -> str | None:
    known = sorted(policy.notices.planned_stop_days_by_reason)
    if code is not None and code not in known:
        listed = ", ".join(known) or "none in this policy"
        raise UsageError(f"unknown --reason-code {code!r}; known: {listed}")
    return code


def _report_change(done: str, change: outage_service.OutageChange) -> None:
    """The change, the notices it queued, and a warning when the notice period is missed."""
    print(f"{done}: {_outage_line(change.outage)}")
    print(
        f"通知 (notices): {change.notices.summary()}; "
        "由调度进程发送 (the scheduler delivers them: python -m bot scheduler)"
    )
    if change.warning:
        print(f"警告 (warning): {change.warning}", file=sys.stderr)


def _outage_add(args: argparse.Namespace) -> int:
    communities = _LIST_SEPARATORS.split(args.communities)
    policy = load_policy()
    code = _reason_code(policy, args.reason_code)
    with _database() as session:
        change = outage_service.record_outage(
            session,
            policy,
            args.kind,
            communities,
            args.start,
            args.end,
            args.reason,
            _now(),
            reason_code=code,
        )
        _report_change("已登记 (recorded)", change)
    return EXIT_OK


def _outage_update(args: argparse.Namespace) -> int:
    if args.start is None and args.end is None and args.reason is None:
        raise UsageError("nothing to change: give --start, --end and/or --reason")
    policy = load_policy()
    code = _reason_code(policy, args.reason_code)
    with _database() as session:
        change = outage_service.reschedule_outage(
            session,
            policy,
            args.id,
            _now(),
            starts_at=args.start,
            expected_end_at=args.end,
            reason=args.reason,
            reason_code=code,
        )
        _report_change("已更新 (updated)", change)
    return EXIT_OK


def _outage_end(args: argparse.Namespace) -> int:
    now = _now()
    with _database() as session:
        change = outage_service.finish_outage(session, load_policy(), args.id, args.at or now, now)
        _report_change("已结束 (ended)", change)
    return EXIT_OK


def _outage_list(args: argparse.Namespace) -> int:
    with _database() as session:
        found = outage_store.list_outages(session, include_ended=args.all)
        for outage in found:
            print(_outage_line(outage))
        print(f"共 {len(found)} 条 (outages)")
    return EXIT_OK


# ---- tickets -------------------------------------------------------------------------------------


def register_tickets(subparsers: Subparsers) -> None:
    """`tickets list [--status S] [--kind K] [--limit N]`."""
    tickets = subparsers.add_parser("tickets", help="look at tickets")
    commands = tickets.add_subparsers(dest="tickets_command", required=True, metavar="ACTION")
    listing = commands.add_parser("list", help="newest tickets first")
    listing.add_argument("--status", choices=TICKET_STATUSES)
    listing.add_argument("--kind", choices=TICKET_KINDS)
    listing.add_argument("--limit", type=_positive_int, default=50)
    listing.set_defaults(handler=_tickets_list)


def _ticket_line(ticket: Ticket) -> str:
    where = ticket.address or ticket.community or "-"
    fault = ticket.fault_type or ticket.category or "-"
    return "  ".join(
        [
            ticket.ticket_no,
            ticket_service.KIND_NAMES.get(ticket.kind, ticket.kind),
            f"{ticket_service.STATUS_NAMES.get(ticket.status, ticket.status)} ({ticket.status})",
            _local(ticket.created_at),
            mask_text(where),
            mask_phone(ticket.phone) or "-",
            mask_account(ticket.account_no) or "-",
            fault + (" 紧急 (urgent)" if ticket.urgent else ""),
        ]
    )


def _tickets_list(args: argparse.Namespace) -> int:
    with _database() as session:
        found = ticket_store.list_tickets(session, args.status, args.kind, args.limit)
        for ticket in found:
            print(_ticket_line(ticket))
        print(f"共 {len(found)} 条 (tickets)")
    return EXIT_OK


# ---- entry point ---------------------------------------------------------------------------------


def _registrar(path: str) -> Callable[[Subparsers], None]:
    module_name, function_name = path.split(":")
    registrar: Callable[[Subparsers], None] = getattr(
        importlib.import_module(module_name), function_name
    )
    return registrar


def build_parser() -> argparse.ArgumentParser:
    """The full parser, with the subcommands of every registrar in `COMMANDS`."""
    parser = argparse.ArgumentParser(
        prog="heating", description="供热客服助手 运维命令 (heating assistant operations)"
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for path in COMMANDS:
        _registrar(path)(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command; returns the process exit code instead of exiting, so tests can call it."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        handler: Handler = args.handler
        return handler(args)
    except SystemExit as exit_request:  # from argparse: --help (0) or a usage error, printed (2)
        return exit_request.code if isinstance(exit_request.code, int) else EXIT_BAD_INPUT
    except (StoreError, UsageError, ConfigError) as error:
        print(f"错误 (error): {mask_text(str(error))}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except Exception as error:  # the last line of defence: a message, not a traceback
        print(f"失败 (failed): {type(error).__name__}: {mask_text(str(error))}", file=sys.stderr)
        if _debugging():
            print(mask_text(traceback.format_exc()), file=sys.stderr)
        else:
            print("(LOG_LEVEL=DEBUG shows the traceback)", file=sys.stderr)
        return EXIT_FAILED


def _debugging() -> bool:
    try:
        return settings().log_level == "DEBUG"
    except ConfigError:
        return False
