"""室温抽测 campaigns: import of the sampled households, invitations on each household's channel,
the household's answer, and the recorded results the quality report reads."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.cli import main
from bot.policy import Policy, load_policy
from bot.services.sampling import answer_invitation, invite, record_result
from bot.store.accounts import bind_account
from bot.store.db import session_scope
from bot.store.errors import InvalidInput, NotFound
from bot.store.importer import import_csv
from bot.store.inbound import claim
from bot.store.models import Account, OutboundMessage, RoomTempSample

SAMPLES = """campaign,account_no,visit_start,visit_end
2026-12 抽测,0502345670,2026-12-01 09:00,2026-12-01 11:00
2026-12 抽测,0102345678,2026-12-02 14:00,2026-12-02 16:00
"""


@pytest.fixture
def bj() -> Policy:
    return load_policy("beijing", fresh=True)


@pytest.fixture
def sampled(session: Session, add_account: Callable[..., Account], now: datetime) -> None:
    add_account("0502345670", community="翠湖苑", phone="13912345670")
    add_account("0102345678", phone="13812345678")
    bind_account(session, "wechat", "wechat:oHousehold", "0502345670", now)
    result = import_csv(session, "room_temp_samples", SAMPLES.encode(), now)
    assert result.ok and result.inserted == 2


def _sample(session: Session, account_no: str) -> RoomTempSample:
    return session.execute(
        select(RoomTempSample).where(RoomTempSample.account_no == account_no)
    ).scalar_one()


def test_each_household_is_invited_once_on_its_own_channel(
    session: Session, sampled: None, now: datetime
) -> None:
    claim(session, "wechat", "msg:1", "wechat:oHousehold", now - timedelta(hours=47))
    first = invite(session, "2026-12 抽测", now)
    again = invite(session, "2026-12 抽测", now + timedelta(hours=1))

    assert dict(first.queued) == {"wechat": 1, "sms": 1}
    assert sum(again.queued.values()) == 0
    sent = {
        row.recipient: row.body["text"]
        for row in session.execute(select(OutboundMessage)).scalars()
    }
    # bound on WeChat and wrote within 48 h → WeChat; not bound → SMS to the registered phone
    assert set(sent) == {"wechat:oHousehold", "sms:13812345678"}
    assert "05******70" in sent["wechat:oHousehold"]
    assert "12月1日（周二）09:00–11:00" in sent["wechat:oHousehold"]
    assert _sample(session, "0502345670").status == "invited"


def test_a_wechat_household_silent_for_48_hours_is_invited_by_sms(
    session: Session, sampled: None, now: datetime
) -> None:
    claim(session, "wechat", "msg:1", "wechat:oHousehold", now - timedelta(hours=49))

    invite(session, "2026-12 抽测", now)

    sample = _sample(session, "0502345670")
    assert (sample.channel, sample.recipient) == ("sms", "sms:13912345670")


def test_the_invited_conversation_agrees_or_declines(
    session: Session, sampled: None, now: datetime
) -> None:
    claim(session, "wechat", "msg:1", "wechat:oHousehold", now)
    invite(session, "2026-12 抽测", now)

    assert answer_invitation(session, "wechat", "wechat:oSomeoneElse", True, now) is None
    agreed = answer_invitation(session, "wechat", "wechat:oHousehold", True, now)
    declined = answer_invitation(session, "sms", "sms:13812345678", False, now)

    assert agreed is not None and agreed.status == "consented"
    assert declined is not None and declined.status == "declined"
    assert _sample(session, "0502345670").answered_at == now
    # answered: a later 好的 in the same conversation is not taken for the invitation again
    assert answer_invitation(session, "wechat", "wechat:oHousehold", True, now) is None


def test_an_invitation_whose_visit_has_passed_takes_no_answer(
    session: Session, sampled: None, now: datetime
) -> None:
    claim(session, "wechat", "msg:1", "wechat:oHousehold", now)
    invite(session, "2026-12 抽测", now)
    after_the_visit = datetime(2026, 12, 1, 12, tzinfo=now.tzinfo)
    assert answer_invitation(session, "wechat", "wechat:oHousehold", True, after_the_visit) is None


def test_results_carry_the_standard_of_the_policy(
    bj: Policy, session: Session, sampled: None, now: datetime
) -> None:
    measured = datetime(2026, 12, 1, 9, 30, tzinfo=now.tzinfo)

    cold = record_result(session, bj, "2026-12 抽测", "0502345670", 16.5, measured)
    old = record_result(
        session,
        bj,
        "2026-12 抽测",
        "0102345678",
        16.5,
        measured,
        source="resident",
        old_building=True,
        outdoor_mean_c=-8,
    )

    assert (cold.status, cold.standard_c, cold.meets_standard) == ("measured", 18, False)
    # Beijing: an old building on a −7…−9 ℃ day is held to 16 ℃
    assert (old.standard_c, old.meets_standard, old.source) == (16, True, "resident")


def test_implausible_or_unsampled_results_are_refused(
    bj: Policy, session: Session, sampled: None, now: datetime
) -> None:
    with pytest.raises(InvalidInput):
        record_result(session, bj, "2026-12 抽测", "0502345670", 165, now)
    with pytest.raises(NotFound):
        record_result(session, bj, "another", "0502345670", 18, now)


def test_import_refuses_unknown_accounts_past_visits_and_changes_after_invitation(
    session: Session, sampled: None, now: datetime
) -> None:
    invite(session, "2026-12 抽测", now)
    bad = """campaign,account_no,visit_start,visit_end
2026-12 抽测,0502345670,2026-12-03 09:00,2026-12-03 11:00
2026-12 抽测,0999999999,2026-12-03 09:00,2026-12-03 11:00
2026-12 抽测,0102345678,2026-11-01 09:00,2026-11-01 11:00
"""
    result = import_csv(session, "room_temp_samples", bad.encode(), now)

    reasons = {e.line: e.reason for e in result.errors}
    assert "不能再改上门时间" in reasons[2]
    assert "户号不存在" in reasons[3]
    assert "in the past" in reasons[4]
    assert _sample(session, "0502345670").visit_start.day == 1  # nothing written


def test_cli_records_a_result(
    store_url: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    with session_scope(store_url) as session:
        session.add(
            Account(
                account_no="0502345670",
                name="测试",
                phone="13912345670",
                community="翠湖苑",
                address="翠湖苑1号楼1单元101",
                area_m2=80,
            )
        )
    csv = tmp_path / "samples.csv"
    csv.write_text(
        "campaign,account_no,visit_start,visit_end\n"
        "C1,0502345670,2099-01-05 09:00,2099-01-05 11:00\n",
        encoding="utf-8",
    )

    assert main(["import", "room_temp_samples", str(csv)]) == 0
    assert main(["sampling", "result", "C1", "0502345670", "17.2", "--at", "2099-01-05 10:00"]) == 0
    assert main(["sampling", "list", "C1"]) == 0

    out = capsys.readouterr().out
    assert "05******70: 17.2 ℃，标准 18 ℃，不达标" in out
    assert "C1: measured 1" in out
