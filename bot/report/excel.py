"""The report as an Excel workbook (`report.xlsx`), since that is what managers forward.

One sheet per table of the HTML, numbers as numbers (shares formatted as percentages, so they sum
and sort in Excel), the first sheet with the standard's figures green or red against the targets,
and a sheet with every figure's definition. Written with openpyxl, no Excel needed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from bot.base.untrusted import spreadsheet_cell
from bot.labels import CHANNEL_NAMES, DEADLINE_NAMES, KIND_NAMES, TICKET_STATUS_NAMES
from bot.report.compose import flatten
from bot.report.definitions import FIGURE_NAMES, TITLES
from bot.report.render import local_time
from bot.report.standard import HEADLINE

PERCENT = "0.0%"
HEAD = Font(bold=True)
HEAD_FILL = PatternFill("solid", fgColor="FEF3C7")
GOOD = PatternFill("solid", fgColor="DCFCE7")
BAD = PatternFill("solid", fgColor="FEE2E2")


def _sheet(
    book: Workbook,
    title: str,
    head: Sequence[str],
    rows: Iterable[Sequence[Any]],
    percent_columns: Iterable[int] = (),
) -> Worksheet:
    """A sheet with a bold header row (frozen), the rows, and sensible column widths. Text that
    would start a formula is kept text (`spreadsheet_cell`): openpyxl writes any string that
    starts with `=` as a formula, and a comment is a resident's words."""
    sheet = book.create_sheet(title)
    sheet.append(list(head))
    for cell in sheet[1]:
        cell.font, cell.fill = HEAD, HEAD_FILL
    for row in rows:
        sheet.append([spreadsheet_cell(cell) for cell in row])
    for column in percent_columns:
        for (cell,) in sheet.iter_rows(min_row=2, min_col=column, max_col=column):
            cell.number_format = PERCENT
    for index, column in enumerate(sheet.columns, start=1):
        width = max(len(str(c.value or "")) for c in column)
        sheet.column_dimensions[get_column_letter(index)].width = min(60, max(10, 2 * width + 2))
    sheet.freeze_panes = "A2"
    return sheet


def write_workbook(report: dict[str, Any], definitions: Mapping[str, str], path: Path) -> None:
    """Write the workbook; an empty period gives sheets with their headers and no rows."""
    book = Workbook()
    book.remove(book.active)
    start = report["period"]["from"]
    standard = _sheet(
        book,
        "服务标准指标",
        ("指标", "本期", "目标", "是否达标"),
        (
            (FIGURE_NAMES[name], report["standard"][name]["value"],
             report["standard"][name]["target"],
             {None: "无数据", True: "达标", False: "未达标"}[report["standard"][name]["met"]])
            for name in HEADLINE
        ),
        percent_columns=(2, 3),
    )  # fmt: skip
    for (cell,) in standard.iter_rows(min_row=2, min_col=4, max_col=4):
        cell.fill = {"达标": GOOD, "未达标": BAD}.get(str(cell.value), PatternFill())
    standard.cell(row=1, column=6, value=f"统计期 {report['period']['first_day']} 至 "
                  f"{report['period']['last_day']}")  # fmt: skip
    _sheet(
        book,
        "每日趋势",
        ("日期", "受理工单", "超时次数", "室温读数", "达标读数"),
        ((d["day"], d["tickets"], d["breaches"], d["readings"], d["compliant"])
         for d in report["by_day"]),
    )  # fmt: skip
    _sheet(
        book,
        "各小区",
        ("小区", "工单", "超时", "测温工单", "室温读数", "达标读数", "室温达标率"),
        ((r["community"], r["tickets"], r["breaches"], r["cw_tickets"], r["readings"],
          r["compliant"], r["rate"]) for r in report["communities"]),
        percent_columns=(7,),
    )  # fmt: skip
    tickets = report["tickets"]
    _sheet(
        book,
        "工单",
        ("分类", "名称", "工单"),
        [("类型", KIND_NAMES.get(k, k), v) for k, v in tickets["by_kind"].items()]
        + [("渠道", CHANNEL_NAMES.get(k, k), v) for k, v in tickets["by_channel"].items()],
    )
    _sheet(
        book,
        "时限",
        ("时限", "按时率", "按时", "超时完成", "逾期未完成", "未到期"),
        ((DEADLINE_NAMES.get(d, d), v["on_time_rate"], v["met"], v["late"], v["breach"],
          v["pending"]) for d, v in report["deadlines"].items()),
        percent_columns=(2,),
    )  # fmt: skip
    _sheet(
        book,
        "耗时最长的工单",
        ("工单号", "类型", "小区", "受理", "办结", "状态", "耗时（小时）"),
        ((r["ticket_no"], KIND_NAMES.get(r["kind"], r["kind"]), r["community"],
          local_time(r["created_at"], start),
          local_time(r["done_at"], start) if r["done_at"] else "未办结",
          TICKET_STATUS_NAMES.get(r["status"], r["status"]), r["hours"])
         for r in report["slowest"]),
    )  # fmt: skip
    comments = _sheet(
        book,
        "低分回访原话",
        ("工单号", "评分", "作答时间", "原话"),
        ((c["ticket_no"], c["rating"], local_time(c["answered_at"], start), c["comment"])
         for c in report["low_ratings"]["comments"]),
    )  # fmt: skip
    comments.column_dimensions["D"].width = 80
    for (cell,) in comments.iter_rows(min_row=2, min_col=4, max_col=4):
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    _sheet(
        book,
        "全部数据",
        ("figure", "key", "value"),
        ((figure, key, value) for figure, key, value in flatten(report)),
    )
    notes = _sheet(
        book, "口径说明", ("指标", "口径"), ((TITLES[k], text) for k, text in definitions.items())
    )
    notes.column_dimensions["B"].width = 100
    for (cell,) in notes.iter_rows(min_row=2, min_col=2, max_col=2):
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    book.save(path)
