"""`python -m bot sampling invite|result|list`: run a 室温抽测 campaign from the command line.

The sampled households come in with `python -m bot import room_temp_samples FILE`
(campaign,account_no,visit_start,visit_end); the rules are in `bot.services.sampling`.
"""

from __future__ import annotations

import argparse
from collections import Counter

from bot.base.clock import format_window
from bot.labels import TICKET_STATUS_NAMES
from bot.policy import load_policy
from bot.privacy import mask_account
from bot.services import sampling


def register(subparsers: argparse._SubParsersAction) -> None:
    """`sampling invite CAMPAIGN`, `sampling result CAMPAIGN ACCOUNT TEMP`, `sampling list`."""
    from bot.cli import _moment

    parser = subparsers.add_parser("sampling", help="室温抽测 campaigns: invite, record results")
    commands = parser.add_subparsers(dest="sampling_command", required=True)
    invite = commands.add_parser("invite", help="invite the campaign's households not invited yet")
    invite.add_argument("campaign")
    invite.set_defaults(handler=_invite)
    result = commands.add_parser("result", help="record a measured room temperature")
    result.add_argument("campaign")
    result.add_argument("account_no")
    result.add_argument("temperature", type=float, help="℃, e.g. 17.5")
    result.add_argument("--at", type=_moment, help="when it was measured (default now)")
    result.add_argument("--source", choices=("visit", "resident"), default="visit")
    result.add_argument("--old-building", action="store_true", help="an old building")
    result.add_argument("--outdoor-mean", type=float, help="the day's outdoor mean, ℃")
    result.set_defaults(handler=_result)
    listing = commands.add_parser(
        "list", help="how many households are at which step, and each one's visit ticket"
    )
    listing.add_argument("campaign")
    listing.set_defaults(handler=_list)


def _invite(args: argparse.Namespace) -> int:
    from bot.cli import EXIT_OK, _database, _now

    with _database() as session:
        fanned = sampling.invite(session, args.campaign, _now())
    print(f"{args.campaign}: {fanned.summary()}")
    return EXIT_OK


def _result(args: argparse.Namespace) -> int:
    from bot.cli import EXIT_OK, _database, _now

    with _database() as session:
        sample = sampling.record_result(
            session,
            load_policy(),
            args.campaign,
            args.account_no,
            args.temperature,
            args.at or _now(),
            source=args.source,
            old_building=args.old_building,
            outdoor_mean_c=args.outdoor_mean,
        )
        verdict = "达标" if sample.meets_standard else "不达标"
        print(
            f"{mask_account(args.account_no)}: {args.temperature:g} ℃，"
            f"标准 {sample.standard_c:g} ℃，{verdict}"
        )
    return EXIT_OK


def _list(args: argparse.Namespace) -> int:
    """The counts per step, then one line per household for the people who visit: its window,
    its CY ticket and that ticket's status (a cancelled one is not visited), its result."""
    from bot.cli import EXIT_OK, _database

    with _database() as session:
        rows = sampling.campaign_rows(session, args.campaign)
    statuses = Counter(row.status for row in rows)
    counts = ", ".join(f"{status} {n}" for status, n in sorted(statuses.items()))
    print(f"{args.campaign}: {counts or '无'}")
    for row in rows:
        ticket = (
            f"{row.ticket_no} {TICKET_STATUS_NAMES.get(row.ticket_status or '', row.ticket_status)}"
            if row.ticket_no
            else "无工单"
        )
        result = f"{row.temperature_c:g} ℃（{row.source}）" if row.temperature_c is not None else ""
        print(
            f"  {mask_account(row.account_no)}  {row.status}  "
            f"{format_window(row.visit_start, row.visit_end)}  {ticket}  {result}".rstrip()
        )
    return EXIT_OK
