"""The report's files as a manager gets them: the Excel workbook opened and read back, an empty
period said in words (no empty axes), Chinese labels and font, and the rules of the first page
that the seeded month does not reach (a hand-off still waiting, a low rating on a fixed ticket).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from bot.cli import main
from bot.labels import CHANNEL_NAMES, KIND_NAMES
from bot.policy import load_policy
from bot.report.charts import _pyplot, cjk_font_file
from bot.report.data import build_report
from bot.report.definitions import TITLES, definitions
from bot.report.figures import EventRow, HandoffRow, Period, SurveyRow, TicketRow, period_of
from bot.report.files import write_report
from bot.report.standard import answer_rate, first_contact_resolution
from bot.store.models import TICKET_KINDS, Account
from tests.unit.test_report import (
    AS_OF,
    COMMENT,
    NOVEMBER,
    POLICY,
    SHANGHAI,
    seed_handoffs,
    seed_surveys,
    seed_tickets,
)

BEIJING = load_policy("beijing")


def utc(day: int, hour: int = 0, second: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, 0, second, tzinfo=timezone.utc)


@pytest.fixture
def november(session: Session, add_account: Callable[..., Account]) -> dict[str, Any]:
    """The report of test_report's seeded month (without its tracker store)."""
    for number in range(8):
        add_account(f"01000000{number:02d}")
    seed_surveys(session, seed_tickets(session))
    seed_handoffs(session)
    session.commit()
    return build_report(session, NOVEMBER, AS_OF, None, POLICY)


def test_the_workbook_holds_the_figures_in_chinese(
    november: dict[str, Any], tmp_path: Path
) -> None:
    report = november
    files = write_report(report, tmp_path, definitions(POLICY))
    book = load_workbook(files["xlsx"])
    assert book.sheetnames == [
        "服务标准指标", "每日趋势", "各小区", "工单", "时限", "耗时最长的工单", "低分回访原话",
        "全部数据", "口径说明",
    ]  # fmt: skip
    first = {
        row[0]: row[1:4] for row in book["服务标准指标"].iter_rows(min_row=2, values_only=True)
    }
    assert first["人工接通率"] == (0.25, 0.9, "未达标")
    assert first["客户满意度"] == (0.5, 0.5, "达标")  # POLICY's target of 50 %
    assert first["时限达标率"] == (0.3, 0.95, "未达标")
    sheet = book["服务标准指标"]
    assert sheet["B2"].number_format == "0.0%"
    assert sheet["D4"].fill.fgColor.rgb.endswith("DCFCE7")  # 达标: green
    assert sheet["D2"].fill.fgColor.rgb.endswith("FEE2E2")  # 未达标: red
    communities = list(book["各小区"].iter_rows(min_row=2, values_only=True))
    assert communities[0] == ("阳光花园", 4, 4, 1, 1, 0, 0.0)
    assert communities[2] == ("青年小区", 1, 0, 1, 1, 1, 1.0)
    tickets = list(book["工单"].iter_rows(min_row=2, values_only=True))
    assert ("类型", "报修", 3) in tickets and ("渠道", "微信公众号", 4) in tickets
    days = list(book["每日趋势"].iter_rows(min_row=2, values_only=True))
    assert len(days) == 30 and days[11] == ("2026-11-12", 2, 0, 1, 0)
    slow = list(book["耗时最长的工单"].iter_rows(min_row=2, values_only=True))
    assert slow[0][:3] == ("BX202611000010", "报修", "阳光花园") and slow[0][4] == "未办结"
    assert slow[6][3:] == ("11-10 10:00", "11-10 19:00", "已办结", 9.0)  # Shanghai time
    comments = list(book["低分回访原话"].iter_rows(min_row=2, values_only=True))
    assert comments == [("TS202611000003", 2, "11-14 08:00", COMMENT)]
    notes = dict(book["口径说明"].iter_rows(min_row=2, values_only=True))
    assert set(notes) == set(TITLES.values())
    assert "60 秒内" in notes["人工接通率"] and "18°C" in notes["室温达标率"]


def test_an_empty_period_says_so_in_words(session: Session, tmp_path: Path) -> None:
    period = period_of(date(2027, 1, 1), date(2027, 1, 7), SHANGHAI)
    report = build_report(session, period, AS_OF + timedelta(days=60), None, BEIJING)
    files = write_report(report, tmp_path, definitions(BEIJING))
    assert set(files) == {"html", "csv", "xlsx"}  # no chart: nothing to draw
    assert not list(tmp_path.glob("*.png"))
    page = files["html"].read_text(encoding="utf-8")
    assert "<img" not in page
    for sentence in (
        "本期没有受理工单，也没有超时。",
        "本期没有工单，也没有室温读数。",
        "本期没有可评判的时限。",
        "本期没有回访作答。",
        "本期没有附带留言的低分回访。",
        "本期没有转人工的对话。",
        "本期没有机器人对话记录",
    ):
        assert sentence in page, sentence  # fmt: skip
    assert page.count("无数据") == 5  # every first-page figure: neither green nor red
    assert "class='tile none'" in page and "tile bad" not in page and "tile good" not in page
    book = load_workbook(files["xlsx"])
    assert book["服务标准指标"]["D2"].value == "无数据"
    assert book["各小区"].max_row == 1  # the header only
    assert len(list(book["每日趋势"].iter_rows(min_row=2))) == 7  # quiet days are still days


def test_charts_use_a_chinese_font() -> None:
    font = cjk_font_file()
    assert font is not None and "wqy" in font.name  # Debian's fonts-wqy-microhei (bootstrap.sh)
    plt = _pyplot()
    assert plt.rcParams["font.sans-serif"][0] == "WenQuanYi Micro Hei"
    assert plt.rcParams["axes.unicode_minus"] is False


def test_every_code_has_a_chinese_name() -> None:
    assert set(KIND_NAMES) == set(TICKET_KINDS)
    assert {"wechat", "sms", "socketio", "rest"} <= set(CHANNEL_NAMES)
    assert CHANNEL_NAMES["socketio"] == "网页客服" and KIND_NAMES["CW"] == "测温"


def test_a_hand_off_still_waiting_is_left_out_until_its_seconds_have_passed() -> None:
    period = Period(utc(1), utc(2))
    rows = [
        HandoffRow("a", utc(1, 1), utc(1, 1, 59)),  # taken after 59 s: answered
        HandoffRow("b", utc(1, 2), utc(1, 2) + timedelta(seconds=61)),  # 61 s: too late
        HandoffRow("c", utc(1, 3), None, "timed_out"),  # nobody: not answered
        HandoffRow("d", utc(1, 23), None, "queued"),  # waiting 30 s at as_of: left out
    ]
    figure = answer_rate(rows, period, utc(1, 23, 30), 60)
    assert (figure["answered"], figure["not_answered"], figure["waiting"]) == (1, 2, 1)
    assert figure["rate"] == 0.3333
    later = answer_rate(rows, period, utc(2, 1), 60)  # d has now waited over 60 s
    assert (later["not_answered"], later["waiting"], later["rate"]) == (3, 0, 0.25)


def test_a_low_rating_on_a_fixed_ticket_means_not_solved_at_first_contact() -> None:
    period = Period(utc(1), utc(30))
    done = (EventRow(utc(2, 5), "status", {"to": "done"}),)
    fixed = TicketRow("BX1", "BX", "wechat", "u1", "done", utc(2), events=done, account_no="01")
    other_kind = TicketRow("TS1", "TS", "wechat", "u1", "new", utc(3), account_no="01")
    late_repeat = TicketRow("BX2", "BX", "wechat", "u1", "new", utc(10), account_no="01")
    rated = [SurveyRow(utc(3), 2, utc(3), "BX1", "太慢")]
    figure = first_contact_resolution(
        [fixed, other_kind, late_repeat], rated, period, repeat_days=7, low_rating_max=2
    )
    # a 投诉 is another kind, and BX2 came 7 days 19 hours after the fix: no repeat, but rated 2
    assert (figure["finished"], figure["repeated"], figure["low_rated"]) == (1, 0, 1)
    assert figure["rate"] == 0.0
    happy = first_contact_resolution([fixed], [SurveyRow(utc(3), 3, utc(3), "BX1")], period, 7, 2)
    assert happy["rate"] == 1.0


def test_without_a_browser_the_command_writes_everything_but_the_pdf(
    store_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("CHROMIUM_PATH", str(tmp_path / "no-chromium"))
    out = tmp_path / "report"
    code = main(
        ["report", "--from", "2027-01-01", "--to", "2027-01-02", "--out", str(out), "--pdf"]
    )
    assert code == 0
    printed = capsys.readouterr()
    assert "未生成 PDF" in printed.err and "apt-get install chromium" in printed.err
    assert "PDF：" not in printed.out and "报表：" in printed.out
    assert sorted(p.name for p in out.iterdir()) == ["figures.csv", "report.html", "report.xlsx"]
