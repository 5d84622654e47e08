"""`python -m bot report --from DAY --to DAY [--out DIR] [--tracker-db URL] [--pdf]`."""

from __future__ import annotations

import argparse
import sys
from datetime import date, datetime, timezone
from pathlib import Path

from bot.config import PROJECT_ROOT, settings
from bot.policy import load_policy
from bot.report.data import build_report, default_tracker_url
from bot.report.definitions import FIGURE_NAMES, definitions
from bot.report.figures import period_of
from bot.report.files import write_report
from bot.report.pdf import PdfUnavailable, print_pdf
from bot.report.render import pct
from bot.store.db import ensure_schema, session_scope


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date such as 2026-11-01") from None


def register(subparsers: argparse._SubParsersAction) -> None:
    """`report --from DAY --to DAY [--out DIR] [--tracker-db URL] [--pdf]`."""
    parser = subparsers.add_parser(
        "report",
        help="quality report for a period: HTML with charts, a CSV, an Excel workbook, a PDF",
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
    parser.add_argument(
        "--pdf", action="store_true", help="also print report.pdf (needs Debian's chromium)"
    )
    parser.set_defaults(handler=_report)


def _report(args: argparse.Namespace) -> int:
    from bot.cli import EXIT_OK, UsageError

    if args.last_day < args.first_day:
        raise UsageError(f"--to {args.last_day} is before --from {args.first_day}")
    period = period_of(args.first_day, args.last_day, settings().timezone)
    out: Path = args.out or PROJECT_ROOT / "results" / f"report-{args.first_day}_{args.last_day}"
    tracker_url = args.tracker_db or default_tracker_url()
    policy = load_policy()
    ensure_schema()
    with session_scope() as session:
        report = build_report(session, period, datetime.now(timezone.utc), tracker_url, policy)
    written = write_report(report, out, definitions(policy))
    print(f"报表：{written['html']}")
    print(f"Excel：{written['xlsx']}")
    print(f"数据：{written['csv']}")
    if args.pdf:
        try:
            print_pdf(written["html"], out / "report.pdf")
            print(f"PDF：{out / 'report.pdf'}")
        except PdfUnavailable as error:
            print(f"未生成 PDF：{error}", file=sys.stderr)
    figures = ", ".join(
        f"{FIGURE_NAMES[name]} {pct(v['value'])}" for name, v in report["standard"].items()
    )
    print(f"工单 {report['tickets']['total']} 张；{figures}")
    return EXIT_OK
