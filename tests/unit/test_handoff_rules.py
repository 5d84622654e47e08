"""The pure rules of the hand-off: queue order, permissions, moves, waits, routes, triggers,
settings, and the webhook signature in both directions."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import pytest

from bot.config import ConfigError
from bot.handoff import messages, rules
from bot.handoff.config import load_handoff_settings
from bot.handoff.rules import Actor, Conflict
from bot.handoff.signing import SIGNATURE_HEADER, body_bytes, sign, verify
from bot.handoff.transcript import agent_message, transcript_of
from bot.handoff.triggers import UserTurn, angry, frustration, upset
from bot.handoff.webhook import InboundRejected, outbound_headers, parse_inbound
from bot.privacy import mask_text

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=timezone.utc)
SECRET = b"k" * 32

AGENT = Actor(1, "wang", "王芳", "agent")
COLLEAGUE = Actor(2, "li", "李娜", "agent")
LEAD = Actor(3, "lead", "主管", "supervisor")


@dataclass(frozen=True)
class Item:
    id: int
    urgency: int
    created_at: datetime


def test_the_queue_puts_urgency_first_then_the_longest_wait() -> None:
    old_normal = Item(1, 0, NOW - timedelta(minutes=9))
    new_urgent = Item(2, 2, NOW)
    old_high = Item(3, 1, NOW - timedelta(minutes=5))
    new_high = Item(4, 1, NOW - timedelta(minutes=1))
    same_time = Item(5, 0, NOW - timedelta(minutes=9))
    ordered = rules.queue_order([old_normal, new_urgent, old_high, new_high, same_time])
    assert [i.id for i in ordered] == [2, 3, 4, 1, 5]
    assert rules.position_in_queue(ordered, 4) == 3
    assert rules.position_in_queue(ordered, 99) == 0


def test_reasons_carry_their_urgency() -> None:
    assert rules.urgency_of("urgent_leak") == rules.URGENCY_URGENT
    assert rules.urgency_of("complaint") == rules.urgency_of("frustration") == rules.URGENCY_HIGH
    assert rules.urgency_of("request_human") == rules.urgency_of("unknown") == 0
    assert rules.reason_name("fallback") == "机器人多次未能理解"


def test_agents_see_the_queue_and_their_own_supervisors_everything() -> None:
    assert rules.can_see(AGENT, "queued", None)
    assert rules.can_see(AGENT, "active", AGENT.id)
    assert not rules.can_see(AGENT, "active", COLLEAGUE.id)
    assert not rules.can_see(AGENT, "closed", COLLEAGUE.id)
    assert rules.can_see(LEAD, "active", COLLEAGUE.id)


def test_only_the_holder_or_a_supervisor_acts_on_a_conversation() -> None:
    assert rules.can_pick(AGENT, "queued") and not rules.can_pick(AGENT, "active")
    assert rules.can_handle(AGENT, "active", AGENT.id)
    assert not rules.can_handle(COLLEAGUE, "active", AGENT.id)
    assert rules.can_handle(LEAD, "active", AGENT.id)
    assert not rules.can_handle(AGENT, "queued", None)
    assert not rules.can_close(AGENT, "queued", None) and rules.can_close(LEAD, "queued", None)


def test_full_numbers_are_for_supervisors() -> None:
    assert not rules.sees_full_numbers(AGENT) and rules.sees_full_numbers(LEAD)


@pytest.mark.parametrize(
    ("old", "new", "allowed"),
    [
        ("queued", "active", True),
        ("queued", "timed_out", True),
        ("active", "queued", True),
        ("active", "active", True),
        ("active", "closed", True),
        ("active", "timed_out", False),
        ("closed", "active", False),
        ("timed_out", "queued", False),
    ],
)
def test_status_moves(old: str, new: str, allowed: bool) -> None:
    if allowed:
        rules.check_move(old, new)
    else:
        with pytest.raises(Conflict):
            rules.check_move(old, new)


def test_expected_wait_grows_with_the_queue_and_shrinks_with_agents() -> None:
    assert rules.expected_wait_minutes(1, 1, 5.0) == 1
    assert rules.expected_wait_minutes(2, 1, 5.0) == 6
    assert rules.expected_wait_minutes(2, 2, 5.0) == 1
    assert rules.expected_wait_minutes(5, 2, 4.0) == 9
    with pytest.raises(ValueError):
        rules.expected_wait_minutes(1, 0, 5.0)


def test_mean_handling_time_has_a_default_and_a_floor() -> None:
    assert rules.mean_handle_minutes([]) == rules.DEFAULT_HANDLE_MINUTES
    assert rules.mean_handle_minutes([timedelta(minutes=2), timedelta(minutes=4)]) == 3
    assert rules.mean_handle_minutes([timedelta(seconds=5)]) == 1


def test_an_agent_without_a_heartbeat_is_offline() -> None:
    assert rules.is_offline(None, NOW, 60)
    assert not rules.is_offline(NOW - timedelta(seconds=60), NOW, 60)
    assert rules.is_offline(NOW - timedelta(seconds=61), NOW, 60)


def test_pickup_deadline_and_webhook_retries() -> None:
    assert rules.pickup_deadline(NOW, 10) == NOW + timedelta(minutes=10)
    assert rules.retry_delay(1) == timedelta(seconds=10)
    assert rules.retry_delay(len(rules.RETRY_DELAYS)) == rules.RETRY_DELAYS[-1]
    assert rules.retry_delay(len(rules.RETRY_DELAYS) + 1) is None


def test_routes_by_channel_and_duty() -> None:
    targets = ("console", "webhook", "wechat_kf")
    assert rules.route("wechat", targets) == rules.Route(True, ())
    assert rules.route("socketio", targets) == rules.Route(False, ("console", "webhook"))
    assert rules.route("wechat", ("console",)) == rules.Route(False, ("console",))
    assert rules.route("sms", ("wechat_kf",)) == rules.Route(False, ())
    assert not rules.on_duty(("console",), 0) and rules.on_duty(("console",), 1)
    assert rules.on_duty(("webhook",), 0)
    assert not rules.on_duty((), 3)


def test_replies_reach_users_live_on_every_channel_but_rest() -> None:
    assert rules.delivers_live("socketio") and rules.delivers_live("wechat")
    assert rules.delivers_live("sms") and not rules.delivers_live("rest")


def test_metered_channels_get_no_automatic_notices() -> None:
    assert rules.announces_handover("socketio") and rules.announces_handover("rest")
    assert not rules.announces_handover("wechat") and not rules.announces_handover("sms")


# ---- triggers ------------------------------------------------------------------------------------


def test_angry_words_but_not_their_innocent_neighbours() -> None:
    assert angry("什么破客服，气死我了") and angry("你们是不是骗子")
    assert not angry("暖气片滚烫") and not angry("家里没人呢") and not angry("暖气太差了")


def test_frustration_signs() -> None:
    fallback = UserTurn("nlu_fallback", "啊？")
    assert frustration([]) is None
    assert frustration([UserTurn("greet", "垃圾机器人")]) == "angry_words"
    assert frustration([fallback, fallback, fallback]) == "fallbacks"
    assert frustration([fallback, fallback, UserTurn("greet", "你好")]) is None
    same = UserTurn("query_fee", "查暖气费")
    assert frustration([same, same, same]) == "repeated"
    assert frustration([same, same]) is None


# ---- settings ------------------------------------------------------------------------------------


def test_targets_default_to_the_console() -> None:
    settings = load_handoff_settings({})
    assert settings.targets == ("console",) and settings.agent_timeout_seconds == 60


def test_several_targets_at_once() -> None:
    settings = load_handoff_settings(
        {
            "HANDOFF_TARGETS": "console, webhook,wechat_kf",
            "HANDOFF_WEBHOOK_URL": "https://crm.example.com/in",
            "HANDOFF_WEBHOOK_SECRET": "s" * 32,
            "HANDOFF_WECHAT_KF_ACCOUNT": "kf2001@gh_abc",
        }
    )
    assert settings.targets == ("console", "webhook", "wechat_kf")
    assert settings.webhook_secret == b"s" * 32


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"HANDOFF_TARGETS": "console,phone"}, "unknown target 'phone'"),
        ({"HANDOFF_TARGETS": " , "}, "at least one"),
        ({"HANDOFF_TARGETS": "webhook"}, "HANDOFF_WEBHOOK_URL is needed"),
        (
            {"HANDOFF_TARGETS": "webhook", "HANDOFF_WEBHOOK_URL": "https://x.example"},
            "HANDOFF_WEBHOOK_SECRET must be set",
        ),
        (
            {
                "HANDOFF_TARGETS": "webhook",
                "HANDOFF_WEBHOOK_URL": "http://crm.example.com/in",
                "HANDOFF_WEBHOOK_SECRET": "s" * 32,
            },
            "must use https://",
        ),
        ({"HANDOFF_WECHAT_KF_ACCOUNT": "not an account"}, "HANDOFF_WECHAT_KF_ACCOUNT"),
        ({"HANDOFF_AGENT_TIMEOUT_SECONDS": "5"}, "from 10 to 3600"),
    ],
)
def test_bad_settings_stop_the_process_with_a_clear_message(
    env: dict[str, str], message: str
) -> None:
    with pytest.raises(ConfigError, match=message):
        load_handoff_settings(env)


def test_plain_http_is_allowed_for_a_local_webhook() -> None:
    settings = load_handoff_settings(
        {
            "HANDOFF_TARGETS": "webhook",
            "HANDOFF_WEBHOOK_URL": "http://127.0.0.1:8080/crm",
            "HANDOFF_WEBHOOK_SECRET": "s" * 32,
        }
    )
    assert settings.webhook_url == "http://127.0.0.1:8080/crm"


# ---- the webhook signature -----------------------------------------------------------------------


def test_outbound_events_are_signed_over_the_exact_bytes() -> None:
    body = body_bytes({"event": "handoff.opened", "text": "暖气不热"})
    headers = outbound_headers("handoff.opened", 7, body, SECRET)
    assert "暖气不热".encode() in body  # UTF-8, not \\u escapes
    assert headers[SIGNATURE_HEADER].startswith("sha256=")
    assert verify(body, headers[SIGNATURE_HEADER], SECRET)
    assert not verify(body + b" ", headers[SIGNATURE_HEADER], SECRET)
    assert not verify(body, headers[SIGNATURE_HEADER], b"other" * 8)
    assert not verify(body, None, SECRET) and not verify(body, "md5=abc", SECRET)


def _inbound(**fields: object) -> bytes:
    event = {
        "id": "crm-1",
        "event": "reply",
        "conversation_id": 5,
        "agent": "张工",
        "text": "您好",
        "sent_at": NOW.isoformat(),
    }
    event.update(fields)
    return json.dumps(event).encode()


def test_an_inbound_event_with_a_good_signature_is_accepted() -> None:
    body = _inbound()
    event = parse_inbound(body, sign(body, SECRET), SECRET, NOW + timedelta(minutes=2))
    assert (event.id, event.kind, event.conversation_id, event.agent, event.text) == (
        "crm-1",
        "reply",
        5,
        "张工",
        "您好",
    )
    close = _inbound(event="close", text=None, agent=None)
    assert parse_inbound(close, sign(close, SECRET), SECRET, NOW).agent == "呼叫中心"


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        (_inbound(sent_at=(NOW - timedelta(minutes=6)).isoformat()), 400, "within 5 minutes"),
        (_inbound(sent_at="2026-11-27T12:00:00"), 400, "with offset"),
        (_inbound(event="transfer"), 400, "event must be one of"),
        (_inbound(conversation_id="5"), 400, "conversation_id"),
        (_inbound(text=None), 400, "a reply needs its text"),
        (_inbound(text="长" * 1001), 400, "at most 1000"),
        (_inbound(id=None), 400, "id is required"),
        (b"[1, 2]", 400, "JSON object"),
        (b"not json", 400, "must be JSON"),
    ],
)
def test_bad_inbound_events_are_refused(body: bytes, status: int, message: str) -> None:
    with pytest.raises(InboundRejected, match=message) as refused:
        parse_inbound(body, sign(body, SECRET), SECRET, NOW)
    assert refused.value.status == status


def test_an_inbound_event_with_a_wrong_signature_is_refused() -> None:
    body = _inbound()
    for signature in (None, sign(body, b"wrong" * 8), sign(body + b"x", SECRET)):
        with pytest.raises(InboundRejected) as refused:
            parse_inbound(body, signature, SECRET, NOW)
        assert refused.value.status == 401


# ---- transcript and texts ------------------------------------------------------------------------


def test_the_transcript_tells_user_bot_agent_and_pauses_apart() -> None:
    stamp = NOW.timestamp()
    tracker = {
        "events": [
            {"event": "action", "name": "action_listen", "timestamp": stamp},
            {"event": "user", "text": "转人工，电话13812345678", "timestamp": stamp},
            {"event": "bot", "text": "正在为您转接", "timestamp": stamp},
            {"event": "pause", "timestamp": stamp},
            {"event": "user", "text": "还在吗", "timestamp": stamp},
            {**agent_message("您好", "王芳"), "timestamp": stamp},
            {"event": "resume", "timestamp": stamp},
            {"event": "bot", "text": None, "data": {"custom": {}}},
        ]
    }
    lines = transcript_of(tracker)
    assert [line["who"] for line in lines] == ["user", "bot", "system", "user", "agent", "system"]
    assert lines[4]["agent"] == "王芳" and lines[0]["at"] == NOW.isoformat()
    assert transcript_of(tracker, limit=2)[0]["text"] == "您好"
    assert transcript_of(tracker, mask=mask_text)[0]["text"] == "转人工，电话138****5678"


def test_the_queue_message_says_place_wait_and_what_happens_after() -> None:
    first = messages.queued(1, 1, 10)
    assert "前面" not in first and "约1分钟" in first and "10分钟内无人接入" in first
    assert "您前面还有2位" in messages.queued(3, 7, 10)
    assert "RG202611270001" in messages.timed_out("RG202611270001", NOW)


@pytest.mark.parametrize(
    ("text", "is_upset"),
    [
        ("你们到底还管不管了！！！暖气凉了整整三天了", True),
        ("再不来人我直接打12345", True),
        ("师傅怎么还不来啊", True),
        ("暖气不太热，麻烦来看看", False),
        ("谢谢，师傅修得很好", False),
        ("我电话13912345679", False),  # red-team F17: 12345 inside a phone number is no threat
        ("户号0612345678", False),
        ("不行我就打１２３４５投诉", True),
    ],
)
def test_upset_residents_are_told_apart_from_calm_ones(text: str, is_upset: bool) -> None:
    assert upset(text) is is_upset
