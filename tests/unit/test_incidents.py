"""One burst, many reports (red-team F5, B16): urgent reports from one building are one incident,
with one urgent hand-off that lists the other households' reports."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from bot.handoff import agents, moves, queue
from bot.policy import Policy, load_policy
from bot.services import tickets as ticket_service
from bot.services.tickets import TicketView
from bot.store import agents as agent_store
from bot.store import handoffs as store
from bot.store import tickets as ticket_store
from bot.store.models import Ticket
from bot.store.tickets import TicketDraft

POLICY = load_policy("beijing")


def _burst(
    session: Session,
    now: datetime,
    sender: str,
    room: str | None = "302",
    building: str = "5",
    policy: Policy = POLICY,
    dedup_key: str | None = None,
) -> TicketView:
    """An urgent report from the widget, with its address when `room` is given."""
    address = f"阳光花园{building}号楼1单元{room}" if room else None
    draft = TicketDraft(
        kind="BX",
        channel="socketio",
        sender_id=sender,
        dedup_key=dedup_key,
        fault_type="leak",
        urgent=True,
        address=address,
        community="阳光花园" if room else None,
        building=building if room else None,
        phone="13812345678",
    )
    return ticket_service.open_ticket(session, policy, draft, now)


def _on_duty(session: Session, now: datetime) -> None:
    agent = agent_store.add_agent(session, "wang", "王芳", "agent", "hash", now)
    agent_store.touch(session, agent, now)


def test_five_reports_of_one_burst_make_one_urgent_hand_off(
    session: Session, now: datetime
) -> None:
    _on_duty(session, now)
    first = _burst(session, now, "b16-0")
    later = [
        _burst(session, now + timedelta(minutes=i), f"b16-{i}", room=f"{i}02") for i in range(1, 5)
    ]
    assert first.incident is None
    assert {t.incident for t in later} == {first.ticket_no}  # each still has its own ticket
    opened = queue.queue_alerts(session, POLICY, ("console",), now + timedelta(minutes=5))
    assert [h.ticket_no for h in opened] == [first.ticket_no]
    reports = opened[0].summary["linked_reports"]
    assert reports == [f"{t.ticket_no} 阳光花园5号楼1单元{i}02" for i, t in enumerate(later, 1)]


def test_a_report_whose_address_comes_later_is_merged_into_the_incidents_hand_off(
    session: Session, now: datetime
) -> None:
    _on_duty(session, now)
    lead = _burst(session, now, "first")
    [lead_handoff] = queue.queue_alerts(session, POLICY, ("console",), now)
    vague = _burst(session, now + timedelta(minutes=2), "second", room=None)
    [own] = queue.queue_alerts(session, POLICY, ("console",), now + timedelta(minutes=2))
    assert own.ticket_no == vague.ticket_no  # no building yet: it is its own incident for now
    amended = ticket_service.amend_ticket(
        session,
        vague.ticket_no,
        now + timedelta(minutes=3),
        "user:socketio",
        POLICY,
        address="阳光花园5号楼1单元402",
        community="阳光花园",
        building="5",
    )
    assert amended.incident == lead.ticket_no
    assert queue.queue_alerts(session, POLICY, ("console",), now + timedelta(minutes=3)) == []
    merged = store.get_session(session, own.id)
    kept = store.get_session(session, lead_handoff.id)
    assert merged is not None and kept is not None
    assert merged.status == "closed"
    assert kept.status == "queued"
    assert kept.summary["linked_reports"] == [f"{vague.ticket_no} 阳光花园5号楼1单元402"]
    assert "report" in [e.kind for e in store.events_of(session, kept)]


def test_a_merged_hand_off_an_agent_already_took_is_left_with_the_agent(
    session: Session, now: datetime
) -> None:
    _on_duty(session, now)
    _burst(session, now, "first")
    queue.queue_alerts(session, POLICY, ("console",), now)
    vague = _burst(session, now, "second", room=None)
    [own] = queue.queue_alerts(session, POLICY, ("console",), now)
    agent = agent_store.get_agent_by_username(session, "wang")
    assert agent is not None
    actor = agents.actor_of(session, agent.id, now)
    assert actor is not None
    moves.pick(session, actor, own.id, now)
    ticket_service.amend_ticket(
        session, vague.ticket_no, now, "user", POLICY, community="阳光花园", building="5"
    )
    queue.queue_alerts(session, POLICY, ("console",), now)
    picked = store.get_session(session, own.id)
    assert picked is not None and picked.status == "active"


def test_other_buildings_far_apart_reports_and_closed_incidents_stay_apart(
    session: Session, now: datetime
) -> None:
    lead = _burst(session, now, "a")
    assert _burst(session, now, "b", building="6").incident is None
    window = timedelta(minutes=POLICY.leak.incident_minutes)
    later = _burst(session, now + window + timedelta(minutes=1), "c")
    assert later.incident is None
    session.query(Ticket).filter_by(ticket_no=lead.ticket_no).one().status = "done"
    # a closed burst is not the same burst: the open one of building 5 leads
    assert _burst(session, now + window + timedelta(minutes=2), "d").incident == later.ticket_no


def test_a_report_without_a_building_links_nothing(session: Session, now: datetime) -> None:
    _burst(session, now, "a")
    assert _burst(session, now, "b", room=None).incident is None


def test_a_retried_report_keeps_its_link_and_raises_no_alert(
    session: Session, now: datetime
) -> None:
    lead = _burst(session, now, "a")
    first = _burst(session, now, "b", room="402", dedup_key="BX:socketio:b:m1")
    again = _burst(session, now, "b", room="402", dedup_key="BX:socketio:b:m1")
    assert first.ticket_no == again.ticket_no and again.incident == lead.ticket_no
    ticket = session.query(Ticket).filter_by(ticket_no=first.ticket_no).one()
    kinds = [e.kind for e in ticket_store.events_of(session, ticket)]
    assert kinds.count("linked") == 1 and "alert" not in kinds


def test_a_company_may_switch_linking_off(session: Session, now: datetime) -> None:
    off = POLICY.copy(update={"leak": POLICY.leak.copy(update={"incident_minutes": 0})})
    _burst(session, now, "x", policy=off)
    assert _burst(session, now, "y", room="402", policy=off).incident is None
