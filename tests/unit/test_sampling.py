"""室温抽测 campaigns: import of the sampled households, invitations on each household's channel,
the household's answer and its CY visit ticket, the households' own readings, and the recorded
results the quality report reads."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from alembic import command
from service_helpers import INSERT_TICKET, upgrade_with_a_ticket
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from bot.cli import main
from bot.policy import Policy, load_policy, ticket_due_times
from bot.services.sampling import (
    RESIDENT_REPORT_DAYS,
    Answer,
    StaffResultKept,
    answer_invitation,
    attach_resident_photo,
    invite,
    own_sample,
    record_resident_reading,
    record_result,
    visit_ticket_cancelled,
    withdraw_visit,
)
from bot.store import tickets as ticket_store
from bot.store.accounts import bind_account
from bot.store.db import alembic_config, dispose_engines, get_engine, session_scope
from bot.store.errors import InvalidInput, NotFound
from bot.store.importer import import_csv
from bot.store.inbound import claim
from bot.store.models import Account, OutboundMessage, RoomTempSample, Ticket, TicketEvent

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


HOUSEHOLD = "wechat:oHousehold"  # bound to 0502345670, visit 2026-12-01 09:00–11:00


def _invited(session: Session, now: datetime) -> None:
    claim(session, "wechat", "msg:1", HOUSEHOLD, now)  # wrote today: WeChat can reach it
    invite(session, "2026-12 抽测", now)


def _consented(session: Session, policy: Policy, now: datetime) -> Answer:
    _invited(session, now)
    agreed = answer_invitation(session, policy, "wechat", HOUSEHOLD, True, now)
    assert agreed is not None and agreed.ticket_no is not None
    return agreed


def _ticket(session: Session, ticket_no: str | None) -> Ticket:
    return session.execute(select(Ticket).where(Ticket.ticket_no == ticket_no)).scalar_one()


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
    bj: Policy, session: Session, sampled: None, now: datetime
) -> None:
    claim(session, "wechat", "msg:1", "wechat:oHousehold", now)
    invite(session, "2026-12 抽测", now)

    assert answer_invitation(session, bj, "wechat", "wechat:oSomeoneElse", True, now) is None
    agreed = answer_invitation(session, bj, "wechat", "wechat:oHousehold", True, now)
    declined = answer_invitation(session, bj, "sms", "sms:13812345678", False, now)

    assert agreed is not None and agreed.status == "consented"
    assert declined is not None and declined.status == "declined"
    assert declined.ticket_no is None  # no visit, no ticket
    assert _sample(session, "0502345670").answered_at == now
    # answered: a later 好的 in the same conversation is not taken for the invitation again
    assert answer_invitation(session, bj, "wechat", "wechat:oHousehold", True, now) is None


def test_an_invitation_whose_visit_has_passed_takes_no_answer(
    bj: Policy, session: Session, sampled: None, now: datetime
) -> None:
    claim(session, "wechat", "msg:1", "wechat:oHousehold", now)
    invite(session, "2026-12 抽测", now)
    after_the_visit = datetime(2026, 12, 1, 12, tzinfo=now.tzinfo)
    assert (
        answer_invitation(session, bj, "wechat", "wechat:oHousehold", True, after_the_visit) is None
    )


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


# ---- the visit's CY ticket ---------------------------------------------------------------------


def test_consent_opens_one_visit_ticket_for_the_window(
    bj: Policy, session: Session, sampled: None, now: datetime
) -> None:
    _invited(session, now)

    agreed = answer_invitation(session, bj, "wechat", HOUSEHOLD, True, now)

    assert agreed is not None and agreed.ticket_no is not None
    ticket, sample = _ticket(session, agreed.ticket_no), _sample(session, "0502345670")
    assert (ticket.kind, ticket.status, ticket.channel, ticket.sender_id) == (
        "CY",
        "new",
        "wechat",
        HOUSEHOLD,
    )
    assert (ticket.account_no, ticket.phone, ticket.community) == (
        "0502345670",
        "13912345670",
        "翠湖苑",
    )
    assert (ticket.visit_start, ticket.visit_end) == (sample.visit_start, sample.visit_end)
    # the agreed window is the promise: on site and done by its end, dispatched within the
    # policy's first reply (1 h in Beijing, well before the visit)
    assert ticket.on_site_due == ticket.resolve_due == sample.visit_end
    assert ticket.first_reply_due == now + timedelta(hours=1)
    assert sample.ticket_no == ticket.ticket_no
    assert "2026-12 抽测" in (ticket.description or "")

    # the same consent taken twice (two answers racing) still makes one ticket
    sample.status, sample.answered_at = "invited", None
    again = answer_invitation(session, bj, "wechat", HOUSEHOLD, True, now)
    assert again is not None and again.ticket_no == agreed.ticket_no
    assert len(session.execute(select(Ticket).where(Ticket.kind == "CY")).all()) == 1


def test_the_staff_result_closes_the_visit_ticket_and_a_resident_reading_does_not(
    bj: Policy, session: Session, sampled: None, now: datetime
) -> None:
    agreed = _consented(session, bj, now)
    assert agreed.ticket_no is not None
    ticket = _ticket(session, agreed.ticket_no)

    record_result(session, bj, "2026-12 抽测", "0502345670", 17.0, now, source="resident")
    assert ticket.status == "new"  # the household's own reading is no visit

    record_result(session, bj, "2026-12 抽测", "0502345670", 18.5, now + timedelta(hours=2))
    assert ticket.status == "done"
    steps = session.execute(
        select(TicketEvent.detail, TicketEvent.actor)
        .where(TicketEvent.ticket_id == ticket.id, TicketEvent.kind == "status")
        .order_by(TicketEvent.id)
    ).all()
    assert [(d["to"], actor) for d, actor in steps] == [
        ("assigned", "staff:sampling"),
        ("in_progress", "staff:sampling"),
        ("done", "staff:sampling"),
    ]
    assert steps[-1][0]["note"] == "抽测结果已登记：18.5 ℃"

    # a re-measurement leaves the closed ticket as it is
    record_result(session, bj, "2026-12 抽测", "0502345670", 19.0, now + timedelta(hours=3))
    assert ticket.status == "done"


def test_a_cancelled_visit_ticket_stays_cancelled_when_measured_later(
    bj: Policy, session: Session, sampled: None, now: datetime
) -> None:
    agreed = _consented(session, bj, now)
    assert agreed.ticket_no is not None
    withdraw_visit(session, "wechat", HOUSEHOLD, now)
    record_result(session, bj, "2026-12 抽测", "0502345670", 18.5, now + timedelta(hours=2))
    assert _ticket(session, agreed.ticket_no).status == "cancelled"


def test_a_visit_soon_is_dispatched_before_it_starts(bj: Policy, now: datetime) -> None:
    start, end = now + timedelta(minutes=30), now + timedelta(hours=2)
    due = ticket_due_times(bj, "CY", now, visit_start=start, visit_end=end)
    assert (due.first_reply, due.on_site, due.resolve) == (start, end, end)
    with pytest.raises(ValueError, match="visit window"):
        ticket_due_times(bj, "CY", now, visit_start=start)


def test_a_later_no_withdraws_the_visit_and_cancels_its_ticket(
    bj: Policy, session: Session, sampled: None, now: datetime
) -> None:
    agreed = _consented(session, bj, now)
    assert withdraw_visit(session, "sms", "sms:13812345678", now) is None  # agreed to nothing

    withdrawn = withdraw_visit(session, "wechat", HOUSEHOLD, now + timedelta(hours=1))

    assert withdrawn is not None
    assert (withdrawn.status, withdrawn.ticket_no) == ("declined", agreed.ticket_no)
    ticket = _ticket(session, agreed.ticket_no)
    assert ticket.status == "cancelled"
    assert [e.actor for e in ticket_store.events_of(session, ticket) if e.kind == "status"] == [
        "user:wechat"
    ]
    assert withdraw_visit(session, "wechat", HOUSEHOLD, now) is None  # nothing left to withdraw


def test_a_visit_already_under_way_is_not_withdrawn(
    bj: Policy, session: Session, sampled: None, now: datetime
) -> None:
    agreed = _consented(session, bj, now)
    ticket = _ticket(session, agreed.ticket_no)
    ticket_store.change_status(session, ticket, "assigned", now, "agent:1")
    ticket_store.change_status(session, ticket, "in_progress", now, "agent:1")

    assert withdraw_visit(session, "wechat", HOUSEHOLD, now) is None
    assert (_sample(session, "0502345670").status, ticket.status) == ("consented", "in_progress")


def test_cancelling_the_visit_ticket_declines_the_visit(
    bj: Policy, session: Session, sampled: None, now: datetime
) -> None:
    agreed = _consented(session, bj, now)

    assert visit_ticket_cancelled(session, "BX202611270001", now) is None  # not a visit
    declined = visit_ticket_cancelled(session, agreed.ticket_no, now)

    assert declined is not None and _sample(session, "0502345670").status == "declined"


# ---- the household's own reading ---------------------------------------------------------------


def test_a_household_reports_its_own_reading_for_its_own_sample(
    bj: Policy, session: Session, sampled: None, now: datetime
) -> None:
    _consented(session, bj, now)
    with pytest.raises(NotFound):
        record_resident_reading(session, bj, "wechat", "wechat:oStranger", 17, None, now)

    recorded = record_resident_reading(session, bj, "wechat", HOUSEHOLD, 17.5, "MEDIA_1", now)

    assert (recorded.status, recorded.source, recorded.temperature_c) == (
        "measured",
        "resident",
        17.5,
    )
    assert (recorded.standard_c, recorded.meets_standard, recorded.photo) == (18, False, True)
    assert recorded.visit_ahead  # staff still come: the CY ticket stays open
    assert _sample(session, "0502345670").photo_media_id == "MEDIA_1"
    # a conversation bound to the account elsewhere is the same household
    bind_account(session, "rest", "rest:me", "0502345670", now)
    own = own_sample(session, "rest", "rest:me", now)
    assert own is not None and own.temperature_c == 17.5


def test_the_households_reading_never_replaces_staffs(
    bj: Policy, session: Session, sampled: None, now: datetime
) -> None:
    _invited(session, now)
    visit = datetime(2026, 12, 1, 9, 30, tzinfo=now.tzinfo)
    record_result(session, bj, "2026-12 抽测", "0502345670", 18.5, visit)

    with pytest.raises(StaffResultKept):
        record_resident_reading(session, bj, "wechat", HOUSEHOLD, 15, None, visit)
    with pytest.raises(StaffResultKept):
        record_result(session, bj, "2026-12 抽测", "0502345670", 15, visit, source="resident")
    kept = own_sample(session, "wechat", HOUSEHOLD, visit)
    assert kept is not None and kept.measured_by_staff
    assert (kept.temperature_c, kept.source) == (18.5, "visit")
    assert attach_resident_photo(session, "wechat", HOUSEHOLD, "MEDIA", visit) is None
    # the other way round is a re-measurement: staff's result replaces the household's
    record_resident_reading(session, bj, "sms", "sms:13812345678", 16, None, now)
    record_result(session, bj, "2026-12 抽测", "0102345678", 19, visit)
    assert _sample(session, "0102345678").source == "visit"


def test_only_a_household_told_of_its_sample_and_not_declined_reports_in_time(
    bj: Policy, session: Session, sampled: None, now: datetime
) -> None:
    assert own_sample(session, "wechat", HOUSEHOLD, now) is None  # not invited yet
    _invited(session, now)
    assert own_sample(session, "wechat", HOUSEHOLD, now) is not None
    visit_end = _sample(session, "0502345670").visit_end
    late = visit_end + timedelta(days=RESIDENT_REPORT_DAYS, minutes=1)
    assert own_sample(session, "wechat", HOUSEHOLD, late - timedelta(minutes=2)) is not None
    assert own_sample(session, "wechat", HOUSEHOLD, late) is None  # the campaign is over
    answer_invitation(session, bj, "wechat", HOUSEHOLD, False, now)
    assert own_sample(session, "wechat", HOUSEHOLD, now) is None  # declined


def test_a_photo_sent_after_the_reading_is_kept_with_it_once(
    bj: Policy, session: Session, sampled: None, now: datetime
) -> None:
    _invited(session, now)
    assert attach_resident_photo(session, "wechat", HOUSEHOLD, "EARLY", now) is None  # no reading
    record_resident_reading(session, bj, "wechat", HOUSEHOLD, 19, None, now)

    added = attach_resident_photo(session, "wechat", HOUSEHOLD, "MEDIA_2", now)

    assert added is not None and added.photo
    assert attach_resident_photo(session, "wechat", HOUSEHOLD, "MEDIA_3", now) is None
    assert _sample(session, "0502345670").photo_media_id == "MEDIA_2"


def test_an_answer_after_an_own_reading_keeps_the_result_and_books_the_visit(
    bj: Policy, session: Session, sampled: None, now: datetime
) -> None:
    _invited(session, now)
    record_resident_reading(session, bj, "wechat", HOUSEHOLD, 19, None, now)

    agreed = answer_invitation(session, bj, "wechat", HOUSEHOLD, True, now)

    assert agreed is not None and agreed.ticket_no is not None
    sample = _sample(session, "0502345670")
    assert (sample.status, sample.temperature_c, sample.answered_at) == ("measured", 19, now)


def test_cli_lists_each_household_with_its_visit_ticket(
    bj: Policy,
    session: Session,
    sampled: None,
    now: datetime,
    capsys: pytest.CaptureFixture[str],
) -> None:
    agreed = _consented(session, bj, now)
    session.commit()

    assert main(["sampling", "list", "2026-12 抽测"]) == 0

    out = capsys.readouterr().out
    assert "2026-12 抽测: consented 1, invited 1" in out
    assert f"05******70  consented  12月1日（周二）09:00–11:00  {agreed.ticket_no} 待受理" in out
    assert "01******78  invited  12月2日（周三）14:00–16:00  无工单" in out


def test_migration_0016_lets_cy_tickets_in_on_a_database_with_tickets(db_url: str) -> None:
    """0016 widens the kind CHECK in place (SQLite refuses a table copy once ticket_events point
    at tickets) and gives samples their ticket number."""
    upgrade_with_a_ticket(db_url, "0015_conversation_events")

    engine = get_engine(db_url)
    with engine.begin() as connection:
        connection.execute(text(INSERT_TICKET), {"no": "CY202611270001", "kind": "CY"})
        assert connection.execute(text("SELECT ticket_no FROM room_temp_samples")).all() == []
    with session_scope(db_url) as session:
        assert sorted(session.execute(select(Ticket.kind)).scalars()) == ["BX", "CY"]
    with pytest.raises(RuntimeError, match="CY"), engine.begin() as connection:
        command.downgrade(alembic_config(connection), "0015_conversation_events")
    dispose_engines()
