"""Channel state in the store: the inbound ledger, the outbound log, opt-outs, choices, tokens."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

import pytest
from sqlalchemy import exc, update
from sqlalchemy.orm import Session

from bot.config import ConfigError, load_settings, settings
from bot.store import choices, inbound, outbound, suppressions, tokens
from bot.store.db import session_scope
from bot.store.errors import InvalidInput, NotFound
from bot.store.models import InboundMessage

SECOND = timedelta(seconds=1)
LEASE = 60 * SECOND


def test_first_claim_runs_and_every_retry_sees_the_state(session: Session, now: datetime) -> None:
    first = inbound.claim(session, "wechat", "msg-1", "openid-a", now)
    again = inbound.claim(session, "wechat", "msg-1", "openid-a", now + timedelta(seconds=5))
    assert first.first and first.state == "running"
    assert not again.first and again.state == "running" and again.reply is None
    inbound.record_answer(session, "wechat", "msg-1", [{"text": "好的"}], now)
    late = inbound.claim(session, "wechat", "msg-1", "openid-a", now + timedelta(seconds=10))
    assert not late.first and late.state == "answered" and late.reply == [{"text": "好的"}]


def test_the_same_key_on_another_channel_is_another_message(
    session: Session, now: datetime
) -> None:
    assert inbound.claim(session, "wechat", "42", "a", now).first
    assert inbound.claim(session, "sms", "42", "a", now).first


def test_an_answer_is_delivered_exactly_once(session: Session, now: datetime) -> None:
    inbound.claim(session, "wechat", "msg-2", "openid-a", now)
    assert inbound.take_delivery(session, "wechat", "msg-2", "passive", now) is None  # not ready
    inbound.record_answer(session, "wechat", "msg-2", {"text": "已受理"}, now)
    assert inbound.take_delivery(session, "wechat", "msg-2", "passive", now) == {"text": "已受理"}
    assert inbound.take_delivery(session, "wechat", "msg-2", "push", now) is None
    assert inbound.state_of(session, "wechat", "msg-2") == "delivered"


def test_a_failed_run_is_not_delivered(session: Session, now: datetime) -> None:
    inbound.claim(session, "sms", "m3", "138", now)
    inbound.record_failure(session, "sms", "m3", now)
    assert inbound.state_of(session, "sms", "m3") == "failed"
    assert inbound.take_delivery(session, "sms", "m3", "sms", now) is None
    assert inbound.state_of(session, "sms", "unknown") is None


def test_a_message_left_running_is_taken_over_once_its_lease_is_over(
    session: Session, now: datetime
) -> None:
    """A claimant that crashed mid-turn leaves the message `running`: a delivery within the lease
    waits for it, the first one after the lease runs it again (under a new lease), once."""
    assert inbound.claim(session, "sms", "m-crash", "sms:138", now, LEASE).first
    within = inbound.claim(session, "sms", "m-crash", "sms:138", now + LEASE / 2, LEASE)
    assert not within.first and within.state == "running"
    after = now + LEASE + SECOND
    assert inbound.claim(session, "sms", "m-crash", "sms:138", after, LEASE).first
    assert not inbound.claim(session, "sms", "m-crash", "sms:138", after, LEASE).first
    # the new claimant crashed too: its own lease runs out in turn
    assert inbound.claim(session, "sms", "m-crash", "sms:138", after + LEASE, LEASE).first


def test_the_lease_defaults_to_the_configured_one(
    session: Session, now: datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INBOUND_LEASE_SECONDS", "20")
    settings.cache_clear()
    try:
        inbound.claim(session, "wechat", "m-conf", "wechat:o", now)
        assert not inbound.claim(session, "wechat", "m-conf", "wechat:o", now + 19 * SECOND).first
        assert inbound.claim(session, "wechat", "m-conf", "wechat:o", now + 20 * SECOND).first
    finally:
        settings.cache_clear()


@pytest.mark.parametrize("value", ["5", "3601", "sixty", "1.5"])
def test_a_lease_out_of_bounds_stops_the_process_with_a_clear_message(value: str) -> None:
    with pytest.raises(ConfigError, match="INBOUND_LEASE_SECONDS must be a whole number"):
        load_settings({"INBOUND_LEASE_SECONDS": value})
    assert load_settings({}).inbound_lease == LEASE


def test_a_row_claimed_before_leases_expires_a_lease_after_it_arrived(
    session: Session, now: datetime
) -> None:
    inbound.claim(session, "wechat", "m-old", "wechat:o", now, LEASE)
    session.execute(update(InboundMessage).values(lease_until=None))  # as migration 0009 left it
    assert not inbound.claim(session, "wechat", "m-old", "wechat:o", now + LEASE / 2, LEASE).first
    assert inbound.claim(session, "wechat", "m-old", "wechat:o", now + LEASE, LEASE).first


def test_a_claimant_that_outlived_its_lease_cannot_answer_again(
    session: Session, now: datetime
) -> None:
    """The slow first run and the run that took over both finish: the user gets one answer."""
    inbound.claim(session, "wechat", "m-slow", "wechat:o", now, LEASE)
    assert inbound.claim(session, "wechat", "m-slow", "wechat:o", now + 2 * LEASE, LEASE).first
    inbound.record_answer(session, "wechat", "m-slow", {"text": "第二次"}, now + 2 * LEASE)
    taken = inbound.take_delivery(session, "wechat", "m-slow", "passive", now + 2 * LEASE)
    assert taken == {"text": "第二次"}
    inbound.record_answer(session, "wechat", "m-slow", {"text": "第一次"}, now + 3 * LEASE)
    inbound.record_failure(session, "wechat", "m-slow", now + 3 * LEASE)
    assert inbound.state_of(session, "wechat", "m-slow") == "delivered"
    assert inbound.take_delivery(session, "wechat", "m-slow", "push", now + 3 * LEASE) is None


def test_the_scheduler_takes_over_only_expired_claims_and_each_once(
    session: Session, now: datetime
) -> None:
    inbound.claim(session, "sms", "m-lost", "sms:13800000001", now, LEASE)
    inbound.claim(session, "wechat", "m-fresh", "wechat:o", now + LEASE / 2, LEASE)
    inbound.claim(session, "wechat", "m-done", "wechat:o", now, LEASE)
    inbound.record_answer(session, "wechat", "m-done", {"text": "好"}, now)
    assert inbound.take_over_expired(session, now + LEASE / 2, LEASE) == []
    lost = inbound.take_over_expired(session, now + LEASE, LEASE)
    assert [(m.channel, m.sender_id, m.received_at) for m in lost] == [
        ("sms", "sms:13800000001", now)
    ]
    assert inbound.state_of(session, "sms", "m-lost") == "failed"
    assert inbound.state_of(session, "wechat", "m-fresh") == "running"
    assert inbound.take_over_expired(session, now + 2 * LEASE, LEASE)[0].sender_id == "wechat:o"
    assert inbound.take_over_expired(session, now + 3 * LEASE, LEASE) == []
    # the provider's retry after that finds the message failed and runs nothing
    late = inbound.claim(session, "sms", "m-lost", "sms:13800000001", now + 3 * LEASE, LEASE)
    assert not late.first and late.state == "failed"


def test_concurrent_takeovers_let_exactly_one_caller_run(store_url: str, now: datetime) -> None:
    with session_scope(store_url) as session:
        inbound.claim(session, "wechat", "crashed", "wechat:o", now, LEASE)
    later = now + 2 * LEASE

    def take(turn: int) -> bool:
        with session_scope(store_url) as session:
            if turn % 2:
                return bool(inbound.take_over_expired(session, later, LEASE))
            return inbound.claim(session, "wechat", "crashed", "wechat:o", later, LEASE).first

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(take, range(8)))
    assert results.count(True) == 1


def test_answering_an_unclaimed_message_is_refused(session: Session, now: datetime) -> None:
    with pytest.raises(NotFound):
        inbound.record_answer(session, "wechat", "never-claimed", {"text": "x"}, now)


def test_last_received_at_is_the_newest_message_of_the_sender(
    session: Session, now: datetime
) -> None:
    assert inbound.last_received_at(session, "wechat", "openid-a") is None
    inbound.claim(session, "wechat", "a1", "openid-a", now - timedelta(hours=3))
    inbound.claim(session, "wechat", "a2", "openid-a", now - timedelta(hours=1))
    inbound.claim(session, "wechat", "b1", "openid-b", now)
    assert inbound.last_received_at(session, "wechat", "openid-a") == now - timedelta(hours=1)


def test_concurrent_claims_let_exactly_one_caller_run(store_url: str, now: datetime) -> None:
    def claim_once(_: int) -> bool:
        with session_scope(store_url) as session:
            return inbound.claim(session, "wechat", "race", "openid-a", now).first

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(claim_once, range(8)))
    assert results.count(True) == 1


def test_concurrent_deliveries_let_exactly_one_caller_deliver(
    store_url: str, now: datetime
) -> None:
    with session_scope(store_url) as session:
        inbound.claim(session, "wechat", "deliver-race", "openid-a", now)
        inbound.record_answer(session, "wechat", "deliver-race", {"text": "好"}, now)

    def deliver(via: str) -> object:
        with session_scope(store_url) as session:
            return inbound.take_delivery(session, "wechat", "deliver-race", via, now)

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(deliver, ["passive", "push"] * 4))
    assert sum(r is not None for r in results) == 1


def test_outbound_counts_only_what_was_sent_since(session: Session, now: datetime) -> None:
    for minutes, status in [(-120, "sent"), (-30, "sent"), (-20, "failed"), (-10, "refused")]:
        outbound.log_outbound(
            session, "wechat", "openid-a", "reply", status, now + timedelta(minutes=minutes)
        )
    outbound.log_outbound(session, "wechat", "openid-b", "reply", "sent", now)
    assert outbound.sent_since(session, "wechat", "openid-a", now - timedelta(hours=1)) == 1
    assert outbound.sent_since(session, "wechat", "openid-a", now - timedelta(hours=3)) == 2
    logged = outbound.outbound_to(session, "wechat", "openid-a")
    assert [r.status for r in logged] == ["sent", "sent", "failed", "refused"]


def test_outbound_refuses_unknown_status_and_cuts_long_errors(
    session: Session, now: datetime
) -> None:
    with pytest.raises(InvalidInput):
        outbound.log_outbound(session, "sms", "138", "notice", "lost", now)
    row = outbound.log_outbound(session, "sms", "138", "notice", "failed", now, error="x" * 400)
    assert row.error == "x" * 255


def test_outbound_dedup_key_is_unique(session: Session, now: datetime) -> None:
    outbound.log_outbound(session, "sms", "138", "notice", "sent", now, dedup_key="outage:1:138")
    with pytest.raises(exc.IntegrityError), session.begin_nested():
        outbound.log_outbound(
            session, "sms", "138", "notice", "sent", now, dedup_key="outage:1:138"
        )


def test_suppression_is_confirmed_once_and_is_per_channel(session: Session, now: datetime) -> None:
    assert not suppressions.is_suppressed(session, "sms", "13812345678")
    assert suppressions.suppress(session, "sms", "13812345678", "TD", now) is True
    assert suppressions.suppress(session, "sms", "13812345678", "退订", now) is False
    assert suppressions.is_suppressed(session, "sms", "13812345678")
    assert not suppressions.is_suppressed(session, "wechat", "13812345678")


def test_choices_are_replaced_and_cleared(session: Session, now: datetime) -> None:
    first = [{"title": "查费", "payload": "/query_fee"}]
    second = [{"title": "确认取消", "payload": "/affirm"}, {"title": "不取消", "payload": "/deny"}]
    choices.remember_choices(session, "wechat", "openid-a", first, now)
    choices.remember_choices(session, "wechat", "openid-a", second, now)
    assert choices.pending_choices(session, "wechat", "openid-a") == second
    assert choices.pending_choices(session, "sms", "openid-a") == []
    choices.remember_choices(session, "wechat", "openid-a", [], now)
    assert choices.pending_choices(session, "wechat", "openid-a") == []


def test_a_token_is_used_until_shortly_before_it_expires(session: Session, now: datetime) -> None:
    assert tokens.valid_token(session, "wechat", now) is None
    tokens.save_token(session, "wechat", "t1", now + timedelta(hours=2))
    assert tokens.valid_token(session, "wechat", now) == "t1"
    assert tokens.valid_token(session, "wechat", now + timedelta(minutes=116)) is None
    tokens.save_token(session, "wechat", "t2", now + timedelta(hours=2))
    assert tokens.valid_token(session, "wechat", now) == "t2"


def test_forgetting_a_rejected_token_keeps_a_newer_one(session: Session, now: datetime) -> None:
    tokens.save_token(session, "wechat", "new", now + timedelta(hours=2))
    tokens.forget_token(session, "wechat", "old")
    assert tokens.valid_token(session, "wechat", now) == "new"
    tokens.forget_token(session, "wechat", "new")
    assert tokens.valid_token(session, "wechat", now) is None
