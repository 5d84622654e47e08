"""The quality report: every figure against numbers worked out by hand from a seeded database.

The seeded month (November 2026, Asia/Shanghai, so 2026-10-31 16:00 UTC to 2026-11-30 16:00 UTC)
holds tickets, their histories, surveys, hand-offs, accounts, room readings on 测温 tickets and a
small tracker store; rows just outside the month are there to be left out. Every expected value
below was counted by hand from the rows, in the comments beside them.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from bot.cli import main
from bot.policy import Policy, load_policy
from bot.report.data import build_report, collect, read_tracker
from bot.report.definitions import definitions
from bot.report.figures import (
    HandoffRow,
    Period,
    SurveyRow,
    TicketRow,
    TrackerRow,
    conversations,
    period_of,
    satisfaction,
)
from bot.report.files import write_report
from bot.report.render import NO_CONVERSATIONS
from bot.store.conversation_events import record as record_events
from bot.store.models import Account, HandoffSession, Survey, Ticket, TicketEvent

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOVEMBER = period_of(date(2026, 11, 1), date(2026, 11, 30), SHANGHAI)
AS_OF = datetime(2026, 12, 1, 4, 0, tzinfo=timezone.utc)  # 12:00 on 1 December, Shanghai
BEIJING = load_policy("beijing")
# Beijing's quality rules (answered within 60 s, satisfied from 4, repeats within 7 days, low
# rating 2, minimum 18 ℃) with a satisfaction target of 50 %, so one first-page figure is green.
POLICY: Policy = BEIJING.copy(
    update={
        "quality": BEIJING.quality.copy(
            update={"targets": BEIJING.quality.targets.copy(update={"satisfaction": 0.5})}
        )
    }
)


def utc(month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=timezone.utc)


def _ticket(
    session: Session,
    no: int,
    kind: str,
    channel: str,
    sender: str,
    status: str,
    created: datetime,
    history: list[tuple[datetime, str, dict[str, Any] | None]],
    fields: dict[str, Any] | None = None,
    **dues: datetime,
) -> Ticket:
    ticket = Ticket(
        ticket_no=f"{kind}2026110{no:05d}"[:14],
        kind=kind,
        status=status,
        channel=channel,
        sender_id=sender,
        created_at=created,
        updated_at=created,
        **{f"{name}_due": due for name, due in dues.items()},
        **(fields or {}),
    )
    session.add(ticket)
    session.flush()
    for at, kind_of_entry, detail in [(created, "created", None), *history]:
        session.add(
            TicketEvent(ticket_id=ticket.id, at=at, kind=kind_of_entry, actor="t", detail=detail)
        )
    session.flush()
    return ticket


def _status(to: str) -> dict[str, str]:
    return {"to": to}


SUNNY = {"community": "阳光花园", "account_no": "0100000001"}


def seed_tickets(session: Session) -> dict[str, Ticket]:
    """Ten tickets; the comments give how each stands against each deadline at AS_OF."""
    t: dict[str, Ticket] = {}
    # T1 BX wechat, done: reply in time, on site exactly when due (in time), fixed an hour late.
    t["T1"] = _ticket(
        session, 1, "BX", "wechat", "u1", "done", utc(11, 10, 2),
        [
            (utc(11, 10, 2, 30), "status", _status("assigned")),
            (utc(11, 10, 8), "on_site", None),
            (utc(11, 10, 8), "status", _status("in_progress")),
            (utc(11, 10, 11), "status", _status("done")),
        ],
        SUNNY,
        first_reply=utc(11, 10, 3), on_site=utc(11, 10, 8), resolve=utc(11, 10, 10),
    )  # fmt: skip
    # T2 BX socketio, still new: all three deadlines passed unmet.
    t["T2"] = _ticket(
        session, 2, "BX", "socketio", "u2", "new", utc(11, 20), [], {"community": "阳光花园"},
        first_reply=utc(11, 20, 1), on_site=utc(11, 20, 6), resolve=utc(11, 20, 8),
    )  # fmt: skip
    # T3 TS wechat, assigned: replied in time; resolve due after AS_OF (pending). A note and the
    # bot's own confirmation do not count as a reply.
    t["T3"] = _ticket(
        session, 3, "TS", "wechat", "u3", "assigned", utc(11, 29),
        [
            (utc(11, 29, 0, 1), "note", {"text": "已受理"}),
            (utc(11, 29, 5), "reply", {"text": "您好"}),
            (utc(11, 29, 6), "status", _status("assigned")),
        ],
        first_reply=utc(11, 30), resolve=utc(12, 2),
    )  # fmt: skip
    # T4 CW sms, cancelled before anything was due: not judged at all.
    t["T4"] = _ticket(
        session, 4, "CW", "sms", "u4", "cancelled", utc(11, 15),
        [(utc(11, 15, 0, 30), "status", _status("cancelled"))], {"temperature": 15.0},
        first_reply=utc(11, 15, 1), on_site=utc(11, 15, 6), resolve=utc(11, 15, 6),
    )  # fmt: skip
    # T5 RG socketio, in progress: reply late (taken at 02:00, due 01:00), resolve passed unmet.
    t["T5"] = _ticket(
        session, 5, "RG", "socketio", "u5", "in_progress", utc(11, 25),
        [(utc(11, 25, 2), "status", _status("in_progress"))],
        first_reply=utc(11, 25, 1), resolve=utc(11, 26),
    )  # fmt: skip
    # T6 BX wechat, 31 October 23:00 in Shanghai: before the period, left out.
    t["T6"] = _ticket(
        session, 6, "BX", "wechat", "old", "new", utc(10, 31, 15), [],
        first_reply=utc(10, 31, 16), on_site=utc(10, 31, 20), resolve=utc(10, 31, 23),
    )  # fmt: skip
    # T7 TS sms, 30 November 23:30 in Shanghai: the period's last hour; reply passed unmet,
    # resolve pending.
    t["T7"] = _ticket(
        session, 7, "TS", "sms", "u7", "new", utc(11, 30, 15, 30), [],
        first_reply=utc(11, 30, 16, 30), resolve=utc(12, 2, 15, 30),
    )  # fmt: skip
    # T8 CW wechat at 阳光花园, done 5 hours after: 16.5 ℃, below 18; no deadlines.
    t["T8"] = _ticket(
        session, 8, "CW", "wechat", "u12", "done", utc(11, 12),
        [(utc(11, 12, 5), "status", _status("done"))],
        {"community": "阳光花园", "temperature": 16.5},
    )  # fmt: skip
    # T9 CW sms at 青年小区, still new: 19 ℃, at or above 18; no deadlines.
    t["T9"] = _ticket(
        session, 9, "CW", "sms", "u13", "new", utc(11, 13), [],
        {"community": "青年小区", "temperature": 19.0},
    )  # fmt: skip
    # T10 BX wechat for T1's household (same account), two days after T1 was fixed: a repeat.
    t["T10"] = _ticket(session, 10, "BX", "wechat", "u14", "new", utc(11, 12), [], SUNNY)
    return t


def seed_surveys(session: Session, t: dict[str, Ticket]) -> None:
    rows = [
        ("T1", utc(11, 11), 5, utc(11, 11, 1)),
        ("T2", utc(11, 12), 3, utc(11, 12, 1)),
        ("T3", utc(11, 13), 2, utc(11, 14)),  # low, with COMMENT
        ("T4", utc(11, 16), 4, utc(11, 17)),
        ("T5", utc(11, 26), None, None),  # asked, not answered
        ("T6", utc(10, 20), 1, utc(10, 21)),  # October: left out
        ("T7", utc(11, 30, 10), 3, utc(12, 1, 1)),  # asked in November, rated in December
    ]
    for key, asked, rating, answered in rows:
        comment = COMMENT if key == "T3" else None
        session.add(
            Survey(
                ticket_id=t[key].id,
                channel="wechat",
                sender_id=t[key].sender_id,
                asked_at=asked,
                answer_by=asked + timedelta(days=4),
                rating=rating,
                answered_at=answered,
                comment=comment,
            )
        )


COMMENT = "师傅说好下午来，等了一下午也没人，打电话也没人接！"


def seed_handoffs(session: Session) -> None:
    rows = [
        ("u12", utc(11, 23), utc(11, 23) + timedelta(seconds=45), "closed"),  # within 60 s
        ("u2", utc(11, 20, 0, 10), utc(11, 20, 0, 14), "closed"),  # waited 4 minutes
        ("u6", utc(11, 21), utc(11, 21, 0, 10), "closed"),  # waited 10 minutes
        ("u8", utc(11, 22), None, "timed_out"),  # never picked
        ("u9", utc(10, 30), utc(10, 30, 1), "closed"),  # October: left out
    ]
    for sender, created, picked, status in rows:
        session.add(
            HandoffSession(
                channel="socketio",
                sender_id=sender,
                status=status,
                reason="request_human",
                targets="console",
                paused=False,
                created_at=created,
                pickup_due=created + timedelta(minutes=10),
                picked_at=picked,
                updated_at=created,
            )
        )


#: (sender, type_name, time, intent, action): what Rasa's SQL tracker store keeps.
TRACKER_EVENTS: list[tuple[str, str, datetime, str | None, str | None]] = [
    # u1: two turns, no fallback; a BX ticket but no hand-off and no RG: self-served.
    ("u1", "action", utc(11, 10, 0, 59), None, "action_session_start"),
    ("u1", "user", utc(11, 10, 1), "report_fault", None),
    ("u1", "action", utc(11, 10, 1), None, "action_listen"),
    ("u1", "user", utc(11, 10, 1, 1), "inform", None),
    ("u1", "bot", utc(11, 10, 1, 1), None, None),
    ("u1", "action", utc(11, 10, 1, 1), None, "action_listen"),
    # u2: an nlu_fallback turn, then 转人工: two turns, one fallback; handed off (H1).
    ("u2", "user", utc(11, 20), "nlu_fallback", None),
    ("u2", "action", utc(11, 20), None, "action_fallback"),
    ("u2", "user", utc(11, 20, 0, 5), "request_human", None),
    ("u2", "action", utc(11, 20, 0, 5), None, "action_request_human"),
    # u5: three turns; the second (intent ask_fee) was followed by action_fallback; has RG T5.
    ("u5", "user", utc(11, 24), "greet", None),
    ("u5", "action", utc(11, 24), None, "utter_greet"),
    ("u5", "user", utc(11, 24, 0, 1), "ask_fee", None),
    ("u5", "slot", utc(11, 24, 0, 1), None, None),
    ("u5", "action", utc(11, 24, 0, 1), None, "action_fallback"),
    ("u5", "user", utc(11, 24, 0, 2), "ask_fee", None),
    ("u5", "action", utc(11, 24, 0, 2), None, "action_fee"),
    # u6: two turns; the action_fallback comes after the second, so only that one fell back;
    # handed off (H2).
    ("u6", "user", utc(11, 21), "greet", None),
    ("u6", "user", utc(11, 21, 0, 1), "affirm", None),
    ("u6", "action", utc(11, 21, 0, 1), None, "action_fallback"),
    # u10: one turn in October (left out) and one in November: self-served.
    ("u10", "user", utc(10, 31, 15, 59), "ask_fee", None),
    ("u10", "user", utc(11, 5), "greet", None),
    # u11: only in December: not a conversation of the period.
    ("u11", "user", utc(12, 1), "greet", None),
]


def seed_tracker(path: Path) -> str:
    """A tracker store with Rasa's `events` table (same columns as `SQLTrackerStore.SQLEvent`)."""
    url = f"sqlite:///{path}"
    engine = create_engine(url, future=True)
    with engine.begin() as connection:
        connection.execute(
            text(
                "CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255) NOT NULL, "
                "type_name VARCHAR(255) NOT NULL, timestamp FLOAT, intent_name VARCHAR(255), "
                "action_name VARCHAR(255), data TEXT)"
            )
        )
        for sender, type_name, at, intent, action in TRACKER_EVENTS:
            connection.execute(
                text(
                    "INSERT INTO events (sender_id, type_name, timestamp, intent_name, "
                    "action_name, data) VALUES (:s, :t, :ts, :i, :a, '{}')"
                ),
                {"s": sender, "t": type_name, "ts": at.timestamp(), "i": intent, "a": action},
            )
    engine.dispose()
    return url


@pytest.fixture
def seeded(session: Session, add_account: Callable[..., Account], tmp_path: Path) -> str:
    """The seeded store (committed) and the tracker store's URL."""
    for number in range(8):
        add_account(f"01000000{number:02d}")
    tickets = seed_tickets(session)
    seed_surveys(session, tickets)
    seed_handoffs(session)
    session.commit()
    return seed_tracker(tmp_path / "tracker.db")


EXPECTED_TICKETS = {
    "total": 9,  # T1–T5 and T7–T10; T6 is October
    "by_kind": {"BX": 3, "TS": 2, "CW": 3, "BT": 0, "RG": 1, "CB": 0, "CY": 0},
    # T1 T3 T8 T10 · T4 T7 T9 · T2 T5
    "by_channel": {"wechat": 4, "sms": 3, "socketio": 2},
}
EXPECTED_DEADLINES = {
    # met: T1 T3; late: T5; breach: T2 T7; T4 cancelled unmet: not judged. 2 / 5.
    "first_reply": {"met": 2, "late": 0 + 1, "breach": 2, "pending": 0, "judged": 5},
    # met: T1; breach: T2; T4 not judged; the others have no on-site deadline. 1 / 2.
    "on_site": {"met": 1, "late": 0, "breach": 1, "pending": 0, "judged": 2},
    # late: T1; breach: T2 T5; pending: T3 T7. 0 / 3.
    "resolve": {"met": 0, "late": 1, "breach": 2, "pending": 2, "judged": 3},
}
EXPECTED_RATES = {"first_reply": 0.4, "on_site": 0.5, "resolve": 0.0}
EXPECTED_BREACHES = {
    "total": 7,
    # BX: T1 resolve + T2 ×3; TS: T7 reply; RG: T5 reply and resolve.
    "by_kind": {"BX": 4, "TS": 1, "CW": 0, "BT": 0, "RG": 2, "CB": 0, "CY": 0},
    "by_deadline": {"first_reply": 3, "on_site": 1, "resolve": 3},
}
EXPECTED_SATISFACTION = {
    "asked": 6,  # S1–S5 and S7 (asked 30 November)
    "rated": 4,  # 5, 3, 2, 4 (S6 rated in October, S7 in December)
    "satisfied": 2,  # the 5 and the 4; a 3 is not satisfied
    "rate": 0.5,
    "distribution": {"1": 0, "2": 1, "3": 1, "4": 1, "5": 1},
}
EXPECTED_WAIT = {
    "sessions": 4,
    "picked": 3,
    "not_picked": 1,
    "mean_minutes": 4.9,  # (0.75 + 4 + 10) / 3 = 4.917
    "median_minutes": 4.0,
    "max_minutes": 10.0,
}
EXPECTED_CONVERSATIONS = {
    "conversations": 5,  # u1 u2 u5 u6 u10
    "self_service": 2,  # u1 u10 (u2 u6 handed off, u5 called back by RG T5)
    "self_service_rate": 0.4,
    "handed_off": 2,  # u2 u6 (u8's and u12's hand-offs have no conversation in the store)
    "handoff_rate": 0.4,
    "user_turns": 10,  # 2 + 2 + 3 + 2 + 1
    "fallback_turns": 3,  # u2's first, u5's second, u6's second
    "fallback_rate": 0.3,
    "top_intents": [
        {"intent": "greet", "count": 3, "share": 0.3},
        {"intent": "ask_fee", "count": 2, "share": 0.2},
        {"intent": "affirm", "count": 1, "share": 0.1},
        {"intent": "inform", "count": 1, "share": 0.1},
        {"intent": "nlu_fallback", "count": 1, "share": 0.1},
        {"intent": "report_fault", "count": 1, "share": 0.1},
        {"intent": "request_human", "count": 1, "share": 0.1},
    ],
}
EXPECTED_COMPLAINTS = {"complaints": 2, "accounts": 8, "per_1000": 250.0}  # T3 T7 × 1000 / 8


EXPECTED_ANSWER = {
    "within_seconds": 60,
    "handoffs": 4,
    "answered": 1,  # u12 after 45 s; u2 after 4 min and u6 after 10 min are too late
    "not_answered": 3,  # u2 u6 u8 (never)
    "waiting": 0,
    "rate": 0.25,
}
EXPECTED_ROOMS = {
    "minimum_c": 18.0,
    "readings": 2,  # T8 16.5 and T9 19.0; T4's 15.0 was cancelled
    "compliant": 1,  # T9
    "rate": 0.5,
    "by_source": {"测温工单": 2},
}
EXPECTED_FIRST_CONTACT = {
    "repeat_days": 7,
    "finished": 2,  # T1 (BX) and T8 (CW) are done; T3's low rating does not count, it is open
    "solved": 1,  # T8
    "repeated": 1,  # T1: T10 for the same account two days after the fix
    "low_rated": 0,
    "rate": 0.5,
}
EXPECTED_COMPLIANCE = {"met": 3, "judged": 10, "rate": 0.3}  # 2 + 1 + 0 of 5 + 2 + 3
EXPECTED_STANDARD = {
    "answer_rate": {"name": "人工接通率", "value": 0.25, "target": 0.9, "met": False},
    "room_temperature_rate": {"name": "室温达标率", "value": 0.5, "target": 0.95, "met": False},
    # POLICY's target, reached
    "satisfaction": {"name": "客户满意度", "value": 0.5, "target": 0.5, "met": True},
    "first_contact_resolution": {"name": "一次解决率", "value": 0.5, "target": 0.85, "met": False},
    "deadline_compliance": {"name": "时限达标率", "value": 0.3, "target": 0.95, "met": False},
}
EXPECTED_COMMUNITIES = [
    # T1 T2 T8 T10; breaches T1 resolve + T2 ×3; T8 16.5 ℃ below 18
    {"community": "阳光花园", "tickets": 4, "breaches": 4, "cw_tickets": 1, "readings": 1,
     "compliant": 0, "rate": 0.0},
    # T3 T4 T5 T7; breaches T5 reply and resolve, T7 reply; T4 cancelled, no reading
    {"community": "未填写小区", "tickets": 4, "breaches": 3, "cw_tickets": 1, "readings": 0,
     "compliant": 0, "rate": None},
    {"community": "青年小区", "tickets": 1, "breaches": 0, "cw_tickets": 1, "readings": 1,
     "compliant": 1, "rate": 1.0},
]  # fmt: skip
EXPECTED_SLOWEST = [  # open ones counted to AS_OF (1 December 04:00 UTC)
    ("BX202611000010", 460.0, None),  # 12 November 00:00 → 19 days 4 hours
    ("CW202611000009", 436.0, None),  # 13 November 00:00
    ("BX202611000002", 268.0, None),  # 20 November 00:00
    ("RG202611000005", 148.0, None),
    ("TS202611000003", 52.0, None),
    ("TS202611000007", 12.5, None),
    ("BX202611000001", 9.0, "2026-11-10T11:00:00+00:00"),  # fixed 02:00 → 11:00
    ("CW202611000008", 5.0, "2026-11-12T05:00:00+00:00"),
]  # T4 cancelled: not listed


def test_every_figure_of_the_seeded_month(seeded: str, session: Session) -> None:
    report = build_report(session, NOVEMBER, AS_OF, seeded, POLICY)
    assert report["tickets"] == EXPECTED_TICKETS
    for deadline, counts in EXPECTED_DEADLINES.items():
        assert report["deadlines"][deadline] == {
            **counts,
            "on_time_rate": EXPECTED_RATES[deadline],
        }
    assert report["breaches"] == EXPECTED_BREACHES
    assert report["satisfaction"] == EXPECTED_SATISFACTION
    assert report["handoff_wait"] == EXPECTED_WAIT
    assert report["conversations"] == EXPECTED_CONVERSATIONS
    assert report["complaints"] == EXPECTED_COMPLAINTS
    assert report["answer_rate"] == EXPECTED_ANSWER
    assert report["room_temperature_rate"] == EXPECTED_ROOMS
    assert report["first_contact_resolution"] == EXPECTED_FIRST_CONTACT
    assert report["deadline_compliance"] == EXPECTED_COMPLIANCE
    assert report["standard"] == EXPECTED_STANDARD
    assert report["communities"] == EXPECTED_COMMUNITIES
    slowest = [(r["ticket_no"], r["hours"], r["done_at"]) for r in report["slowest"]]
    assert slowest == EXPECTED_SLOWEST
    assert report["low_ratings"]["low"] == 1
    assert [c["comment"] for c in report["low_ratings"]["comments"]] == [COMMENT]
    days = {d["day"]: d for d in report["by_day"]}
    assert len(days) == 30 and "2026-11-01" in days and "2026-11-30" in days
    assert days["2026-11-10"] == {"day": "2026-11-10", "tickets": 1, "breaches": 1,
                                  "readings": 0, "compliant": 0}  # fmt: skip
    assert days["2026-11-12"] == {"day": "2026-11-12", "tickets": 2, "breaches": 0,
                                  "readings": 1, "compliant": 0}  # T8 T10; 16.5 ℃  # fmt: skip
    assert days["2026-11-30"]["tickets"] == 1  # T7 at 23:30 Shanghai, 15:30 UTC
    assert sum(d["tickets"] for d in days.values()) == 9
    assert sum(d["breaches"] for d in days.values()) == EXPECTED_BREACHES["total"]
    assert report["period"]["first_day"] == "2026-11-01"
    assert report["period"]["last_day"] == "2026-11-30"


def test_a_deadline_still_open_is_pending_before_it_is_due(seeded: str, session: Session) -> None:
    # Judged at 20 November 08:30 Shanghai, T2 (created 08:00) is not yet due for anything, and
    # T7's reply (due 1 December 00:30) neither; what is already in a history still counts.
    early = build_report(session, NOVEMBER, utc(11, 20, 0, 30), seeded, POLICY)
    assert early["deadlines"]["first_reply"] == {
        "met": 2,  # T1 T3
        "late": 1,  # T5
        "breach": 0,
        "pending": 2,  # T2 T7
        "judged": 3,
        "on_time_rate": 0.6667,
    }
    assert early["breaches"]["by_kind"]["BX"] == 1  # only T1's late fix


def test_a_missing_or_empty_tracker_store_means_no_conversation_data(
    seeded: str, session: Session, tmp_path: Path
) -> None:
    absent = tmp_path / "nowhere" / "tracker.db"
    assert read_tracker(f"sqlite:///{absent}", NOVEMBER) is None
    assert not absent.exists()  # never created by looking
    empty = tmp_path / "empty.db"
    create_engine(f"sqlite:///{empty}").connect().close()
    assert read_tracker(f"sqlite:///{empty}", NOVEMBER) is None
    assert read_tracker("postgresql://nobody@127.0.0.1:1/none", NOVEMBER) is None
    report = build_report(session, NOVEMBER, AS_OF, f"sqlite:///{absent}", POLICY)
    assert report["conversations"] is None
    assert report["handoff_wait"] == EXPECTED_WAIT  # hand-offs come from the ticket store
    files = write_report(report, tmp_path / "out", definitions(POLICY))
    assert NO_CONVERSATIONS in files["html"].read_text(encoding="utf-8")
    assert "intents.png" not in files


def test_pure_functions_on_hand_made_rows() -> None:
    period = Period(utc(11, 1), utc(11, 2))
    assert conversations(None, [], [], period) is None
    assert conversations([], [], [], period) is None
    only_december = [TrackerRow("x", "user", utc(12, 1).timestamp(), "greet")]
    assert conversations(only_december, [], [], period) is None
    rows = [
        TrackerRow("a", "user", utc(11, 1, 1).timestamp(), "greet"),
        TrackerRow("b", "user", utc(11, 1, 2).timestamp(), "nlu_fallback"),
        TrackerRow("b", "action", utc(11, 1, 2).timestamp(), None, "action_fallback"),
    ]
    rg = TicketRow("RG1", "RG", "rest", "a", "new", utc(11, 1, 3))
    talks = conversations(rows, [HandoffRow("b", utc(11, 1, 2))], [rg], period)
    assert talks is not None
    assert (talks["conversations"], talks["self_service"], talks["handed_off"]) == (2, 0, 1)
    assert talks["fallback_rate"] == 0.5
    nothing = satisfaction([SurveyRow(utc(11, 1), None, None)], period, 4)
    assert nothing["rate"] is None and nothing["asked"] == 1 and nothing["rated"] == 0


def test_the_command_writes_html_csv_workbook_and_charts(seeded: str, tmp_path: Path) -> None:
    out = tmp_path / "report"
    code = main(
        ["report", "--from", "2026-11-01", "--to", "2026-11-30", "--out", str(out),
         "--tracker-db", seeded]
    )  # fmt: skip
    assert code == 0
    page = (out / "report.html").read_text(encoding="utf-8")
    # Beijing's targets: 客户满意度 50 % is below its 90 %, so the tile is red.
    satisfaction_tile = page[page.index("id='tile-satisfaction'") :].split("</div></div>")[0]
    assert "class='tile bad'" in page[page.index("id='tile-satisfaction'") - 40 :][:80]
    assert "50.0%" in satisfaction_tile and "目标 ≥ 90.0%" in satisfaction_tile
    for shown in (
        "人工接通率",
        "25.0%",
        "室温达标率",
        "一次解决率",
        "时限达标率",
        "阳光花园",
        "报修",
        "微信公众号",
        "网页客服",
        "短信",
        "首次响应",
        COMMENT,
        "口径",
        "打招呼",  # greet: intents by their Chinese names
        "未听懂",  # nlu_fallback
    ):
        assert shown in page, shown
    for code_name in ("BX", "wechat", "socketio", "first_reply", "greet"):
        assert f">{code_name}<" not in page, code_name  # never a code in a cell
    assert "bot." not in page and "answered_at" not in page  # definitions name no code
    for plot in (
        "trend.png",
        "tickets.png",
        "deadlines.png",
        "communities.png",
        "ratings.png",
        "intents.png",
    ):
        data = (out / plot).read_bytes()
        assert data.startswith(b"\x89PNG") and len(data) > 5000
        assert f"src='{plot}'" in page
    with (out / "figures.csv").open(encoding="utf-8-sig") as handle:
        rows = {(r["figure"], r["key"]): r["value"] for r in csv.DictReader(handle)}
    assert rows[("tickets", "by_kind.BX")] == "3"
    assert rows[("satisfaction", "rate")] == "0.5"
    assert rows[("conversations", "fallback_rate")] == "0.3"
    assert rows[("conversations", "top_intents.greet.count")] == "3"
    assert rows[("complaints", "per_1000")] == "250.0"
    assert rows[("handoff_wait", "mean_minutes")] == "4.9"
    assert rows[("standard", "answer_rate.value")] == "0.25"
    assert rows[("standard", "answer_rate.met")] == "False"
    assert rows[("communities", "阳光花园.breaches")] == "4"
    assert rows[("by_day", "2026-11-12.tickets")] == "2"
    assert rows[("low_ratings", "comments.TS202611000003.comment")] == COMMENT
    assert (out / "report.xlsx").is_file()


def test_the_command_refuses_a_period_that_ends_before_it_starts(store_url: str) -> None:
    assert main(["report", "--from", "2026-11-30", "--to", "2026-11-01"]) == 2


async def test_rasa_tracker_store_rows_are_read(tmp_path: Path) -> None:
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import ActionExecuted, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    domain = Domain.from_yaml("version: '3.1'\nintents: [greet, nlu_fallback]\n")
    store = SQLTrackerStore(domain=domain, dialect="sqlite", db=str(tmp_path / "tracker.db"))
    at = utc(11, 3).timestamp()
    events = [
        UserUttered("你好", {"name": "greet"}, timestamp=at),
        ActionExecuted("action_listen", timestamp=at + 1),
        UserUttered("啊啊", {"name": "nlu_fallback"}, timestamp=at + 2),
        ActionExecuted("action_fallback", timestamp=at + 3),
    ]
    await store.save(DialogueStateTracker.from_events("web-1", events, domain.slots))
    rows = read_tracker(f"sqlite:///{tmp_path / 'tracker.db'}", NOVEMBER)
    assert rows is not None
    talks = conversations(rows, [], [], NOVEMBER)
    assert talks is not None
    assert (talks["user_turns"], talks["fallback_turns"]) == (2, 1)


def test_collect_reads_only_the_period(seeded: str, session: Session) -> None:
    data = collect(session, NOVEMBER, AS_OF, seeded, POLICY)
    kinds = sorted(t.ticket_no[:2] for t in data.tickets)
    assert kinds == ["BX", "BX", "BX", "CW", "CW", "CW", "RG", "TS", "TS"]
    assert len(data.handoffs) == 4 and data.accounts == 8
    assert sorted(r.temperature_c for r in data.readings) == [16.5, 19.0]
    assert data.tracker is not None and all(r.sender_id != "u11" for r in data.tracker)


def test_the_report_reads_the_broker_consumers_table_instead_of_rasas_tracker(
    seeded: str, session: Session, tmp_path: Path
) -> None:
    """Events as Rasa publishes them, written by the consumer (each twice: the broker delivers
    at least once), give the same conversation figures without the tracker store."""
    rows = read_tracker(seeded, NOVEMBER)
    assert rows
    published = [
        {
            "sender_id": r.sender_id,
            "event": r.type_name,
            "timestamp": r.timestamp,
            "parse_data": {"intent": {"name": r.intent_name}},
            "name": r.action_name,
        }
        for r in rows
    ]
    record_events(session, published + published)
    session.commit()
    report = build_report(session, NOVEMBER, AS_OF, f"sqlite:///{tmp_path / 'absent.db'}")
    assert report["conversations"] == EXPECTED_CONVERSATIONS
