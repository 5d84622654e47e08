"""`python -m bot report --from 2026-11-01 --to 2026-11-30 [--out DIR] [--tracker-db URL]`."""

from __future__ import annotations

import argparse
from datetime import date, datetime, timezone
from pathlib import Path

from bot.config import PROJECT_ROOT, settings
from bot.report.data import build_report, default_tracker_url
from bot.report.figures import period_of
from bot.report.render import write_report
from bot.store.db import ensure_schema, session_scope


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date such as 2026-11-01") from None


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def register(subparsers: argparse._SubParsersAction) -> None:
    """`report --from DAY --to DAY [--out DIR] [--tracker-db URL]`."""
    parser = subparsers.add_parser(
        "report", help="quality report for a period: HTML with plots, and a CSV of the figures"
    )
    parser.add_argument(
        "--from", dest="first_day", type=_day, required=True, metavar="DAY", help="first day"
    )
    parser.add_argument(
        "--to", dest="last_day", type=_day, required=True, metavar="DAY", help="last day (included)"
    )
    parser.add_argument(
        "--out", type=Path, help="folder to write into (default results/report-FROM_TO)"
    )
    parser.add_argument(
        "--tracker-db",
        help="Rasa's tracker store as an SQLAlchemy URL (default TRACKER_DB_URL, the "
        "TRACKER_DB_* variables, or sqlite:///var/tracker.db)",
    )
    parser.set_defaults(handler=_report)


def _report(args: argparse.Namespace) -> int:
    from bot.cli import EXIT_OK, UsageError

    if args.last_day < args.first_day:
        raise UsageError(f"--to {args.last_day} is before --from {args.first_day}")
    period = period_of(args.first_day, args.last_day, settings().timezone)
    out: Path = args.out or PROJECT_ROOT / "results" / f"report-{args.first_day}_{args.last_day}"
    tracker_url = args.tracker_db or default_tracker_url()
    ensure_schema()
    with session_scope() as session:
        report = build_report(session, period, datetime.now(timezone.utc), tracker_url)
    written = write_report(report, out)
    tickets, deadlines = report["tickets"], report["deadlines"]
    rates = ", ".join(f"{name} {_percent(v['on_time_rate'])}" for name, v in deadlines.items())
    print(f"报表 (report): {written['html']}")
    print(f"数据 (figures): {written['csv']}")
    print(f"工单 (tickets): {tickets['total']}; 按时率 (on time): {rates}")
    if report["conversations"] is None:
        print("对话 (conversations): no conversation data")
    return EXIT_OK
