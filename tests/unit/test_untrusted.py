"""Residents' free text is stored as plain text and exported without formulas (red team R12):
`<script>alert(1)</script>师傅态度差` was kept verbatim in a complaint ticket, for the call-centre
webhook, e-mail and spreadsheet exports to read."""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from bot.base.untrusted import plain_text, spreadsheet_cell
from bot.report.definitions import definitions
from bot.report.files import write_report
from bot.services.tickets import amend_ticket, note_on_waiting_callback
from bot.store.tickets import events_of
from tests.unit.service_helpers import new_ticket
from tests.unit.test_report import POLICY
from tests.unit.test_report_files import november  # noqa: F401 (the seeded month, a fixture)


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        # the red team's complaint
        (
            "<script>alert(1)</script>师傅态度差 详情见 http://evil.example/x",
            "alert(1)师傅态度差 详情见 http://evil.example/x",
        ),
        # an image that runs script where it is rendered, left unclosed at the end
        ("暖气片不热<img src=x onerror=alert(document.cookie)", "暖气片不热"),
        ("<img src=x onerror=alert(1)>家里才15度", "家里才15度"),
        # a link dressed as the company's, and a tag hidden inside another
        ('<a href="http://evil.example">官方退费入口</a>点这里', "官方退费入口点这里"),
        ("<scr<b>ipt>alert(1)</scr</b>ipt>修了三次还漏", "alert(1)修了三次还漏"),
        ("<!-- 注释 -->楼道灯也坏了", "楼道灯也坏了"),
        # terminal escapes, a NUL and a right-to-left override that reverses what is shown
        ("\x1b[31m催了五次\x00没人来\u202e", "[31m催了五次没人来"),
        ("第一次打电话\r\n第二次打电话", "第一次打电话\n第二次打电话"),
    ],
)
def test_markup_and_control_characters_do_not_reach_the_store(typed: str, kept: str) -> None:
    assert plain_text(typed) == kept


@pytest.mark.parametrize(
    "text",
    [
        "室温<18度，低于标准",  # a comparison, not a tag
        "家里温度 < 18度，标准要 >= 18度",
        "《供热条例》第三条",
        "师傅说好下午来，等了一下午也没人",
        "温度\t16度",
    ],
)
def test_what_residents_really_write_is_kept(text: str) -> None:
    assert plain_text(text) == text


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ('=HYPERLINK("http://evil.example","退费")', '\'=HYPERLINK("http://evil.example","退费")'),
        ("+8613800000000", "'+8613800000000"),
        ("-1+1", "'-1+1"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1+1", "'\t=1+1"),
        ("阳光花园", "阳光花园"),
        (-3, -3),  # numbers are numbers
        (0.25, 0.25),
        (None, None),
    ],
)
def test_a_spreadsheet_never_reads_a_cell_as_a_formula(value: object, cell: object) -> None:
    assert spreadsheet_cell(value) == cell


def test_a_ticket_keeps_what_the_resident_said_as_plain_text(
    session: Session, now: datetime
) -> None:
    ticket = new_ticket(
        session,
        now,
        kind="TS",
        description="<script>alert(1)</script>师傅态度差",
        address="和平里<b>2号楼</b>1单元101",
    )
    assert ticket.description == "alert(1)师傅态度差"
    assert ticket.address == "和平里2号楼1单元101"
    amend_ticket(session, ticket.ticket_no, now, "user:wechat", description="<i>补充</i>：还漏水")
    assert ticket.description == "补充：还漏水"
    callback = new_ticket(session, now, kind="RG", sender="openid-2", description="回电")
    note_on_waiting_callback(session, "wechat", "openid-2", now, '<a href="x">快</a>\x1b[2J回电话')
    notes = [e.detail for e in events_of(session, callback) if e.kind == "note"]
    assert notes == [{"text": "快[2J回电话"}]


def test_exports_keep_a_formula_in_a_comment_as_text(
    november: dict[str, Any],  # noqa: F811
    tmp_path: Path,
) -> None:
    formula = '=HYPERLINK("http://evil.example/退费","点此退费")'
    november["low_ratings"]["comments"][0]["comment"] = formula
    files = write_report(november, tmp_path, definitions(POLICY))
    comments = list(load_workbook(files["xlsx"])["低分回访原话"].iter_rows(min_row=2))
    assert comments[0][3].value == f"'{formula}" and comments[0][3].data_type == "s"
    with files["csv"].open(encoding="utf-8-sig") as handle:
        values = [row[2] for row in csv.reader(handle)]
    assert f"'{formula}" in values and formula not in values
