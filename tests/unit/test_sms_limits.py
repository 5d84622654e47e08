"""What the SMS channel may send on its own: the policy's `sms` limits, and what happens over them.

One Aliyun callback of 10,000 items once made 9,840 SMS. A callback now runs at most the policy's
item cap; answers and opt-out confirmations stop at a per-number hourly and daily limit and at a
company-wide daily budget. Over a limit nothing is sent, the SMS is logged `refused` with the
limit's name, an alert goes to `bot.alerts.sms` (numbers masked), and the user's message has
still reached the conversation. Inbound texts reach Rasa cut to a bounded prefix, and bodies too
large (413) or too deep (400) are refused with a JSON error code before anything is stored.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import logging
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from test_sms_inbox import (
    CATALOGUE,
    PHONE,
    SECRET,
    FakeRasa,
    _aliyun,
    _inbound_rows,
    _post,
    _tencent,
)

from bot.base import clock
from bot.channels.limits import MAX_STORED_CHARS
from bot.channels.sms.config import load_sms_settings
from bot.channels.sms.inbox import SmsInbox
from bot.channels.sms.outbox import AGENT, OPT_OUT, REPLY, deliver
from bot.channels.sms.sender import RecordingSender
from bot.channels.sms.templates import SmsMessage
from bot.policy import CITIES_DIR, Policy, PolicyError, load_policy, read_policy_file
from bot.policy import sms_limit_reached as limit_reached
from bot.policy.model import SmsLimits
from bot.store.db import session_scope
from bot.store.outbound import log_outbound, outbound_to

RECIPIENT = "sms:13812345678"
ANSWER = SmsMessage("SMS_GENERIC", {"content": "您好"}, "您好")
ALERTS = "bot.alerts.sms"


def _policy(**limits: int) -> Policy:
    """The Beijing policy with the given `sms` limits (the rest as shipped)."""
    beijing = load_policy("beijing")
    return beijing.copy(update={"sms": beijing.sms.copy(update=limits)})


SMALL = _policy(replies_per_number_per_hour=2, replies_per_number_per_day=3, daily_budget=4)


def _sent_earlier(url: str, recipient: str, purpose: str, ago: timedelta, count: int = 1) -> None:
    """`count` SMS of `purpose` logged as sent to `recipient` `ago` before now."""
    with session_scope(url) as session:
        for _ in range(count):
            log_outbound(session, "sms", recipient, purpose, "sent", clock.now() - ago)


def _logged(url: str, recipient: str) -> list[tuple[str, str, str | None]]:
    with session_scope(url) as session:
        return [(r.purpose, r.status, r.error) for r in outbound_to(session, "sms", recipient)]


def _alerts(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == ALERTS]


# --------------------------------------------------------------------------- the policy values


def test_the_shipped_policies_carry_the_sms_limits() -> None:
    expected = SmsLimits(
        max_items_per_callback=20,
        replies_per_number_per_hour=10,
        replies_per_number_per_day=30,
        daily_budget=5000,
    )
    assert load_policy("beijing", fresh=True).sms == expected
    assert load_policy("tianjin", fresh=True).sms == expected


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"max_items_per_callback": 0}, "sms.max_items_per_callback must be between 1 and 100"),
        ({"replies_per_number_per_hour": "10"}, "sms.replies_per_number_per_hour must be a whole"),
        (
            {"replies_per_number_per_hour": 10, "replies_per_number_per_day": 5},
            "sms.replies_per_number_per_day (5) must not be less than replies_per_number_per_hour",
        ),
        (
            {"daily_budget": 20},
            "sms.daily_budget (20) must not be less than replies_per_number_per",
        ),
        ({"daily_budget": None}, "sms.daily_budget must be a whole number"),
        (
            {"daily_budgt": 5000},
            "sms.daily_budgt is not a known key (did you mean 'daily_budget'?)",
        ),
    ],
)
def test_bad_sms_limits_stop_the_bot_naming_the_key(
    tmp_path: Path, changes: dict[str, Any], message: str
) -> None:
    data = copy.deepcopy(yaml.safe_load((CITIES_DIR / "beijing.yml").read_text(encoding="utf-8")))
    data["sms"].update(changes)
    path = tmp_path / "company.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(PolicyError, match="^" + re.escape(f"company.yml: {message}")):
        read_policy_file(path)


def test_a_policy_without_sms_limits_is_refused(tmp_path: Path) -> None:
    data = yaml.safe_load((CITIES_DIR / "beijing.yml").read_text(encoding="utf-8"))
    del data["sms"]
    path = tmp_path / "company.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(PolicyError, match=r"^company\.yml: sms is missing$"):
        read_policy_file(path)


# --------------------------------------------------------------------------- the rule


def test_the_rule_names_the_limit_a_whole_answer_would_break() -> None:
    def reached(sending: int, hour: int, day: int, everyone: int) -> str | None:
        return limit_reached(
            SMALL,
            sending,
            to_number_last_hour=hour,
            to_number_last_day=day,
            to_all_last_day=everyone,
        )

    assert reached(1, 1, 1, 1) is None
    assert reached(1, 2, 2, 2) == "replies_per_number_per_hour"
    assert reached(2, 1, 1, 1) == "replies_per_number_per_hour"  # a whole answer or nothing
    assert reached(1, 0, 3, 3) == "replies_per_number_per_day"
    assert reached(1, 0, 0, 3) is None and reached(1, 0, 0, 4) == "daily_budget"
    assert reached(1, 2, 3, 4) == "daily_budget"  # the one that stops every number comes first


# --------------------------------------------------------------------------- the outbox


async def test_replies_to_one_number_stop_at_the_hourly_limit(
    store_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    fake = RecordingSender()
    with caplog.at_level(logging.WARNING, logger=ALERTS):
        for _ in range(2):
            assert await deliver(fake, RECIPIENT, [ANSWER], REPLY, store_url, SMALL) == ["sent"]
        assert await deliver(fake, RECIPIENT, [ANSWER], REPLY, store_url, SMALL) == ["refused"]
    assert len(fake.sent) == 2
    assert _logged(store_url, RECIPIENT)[-1] == (
        "reply",
        "refused",
        "over sms.replies_per_number_per_hour",
    )
    [alert] = _alerts(caplog)
    assert "138****5678" in alert and "13812345678" not in alert
    assert "sms.replies_per_number_per_hour" in alert


async def test_the_hour_and_the_day_are_rolling_windows(store_url: str) -> None:
    fake = RecordingSender()
    _sent_earlier(store_url, RECIPIENT, REPLY, timedelta(minutes=61), count=2)
    _sent_earlier(store_url, RECIPIENT, REPLY, timedelta(hours=25), count=5)
    assert await deliver(fake, RECIPIENT, [ANSWER], REPLY, store_url, SMALL) == ["sent"]
    assert await deliver(fake, RECIPIENT, [ANSWER], REPLY, store_url, SMALL) == ["refused"]
    assert _logged(store_url, RECIPIENT)[-1][2] == "over sms.replies_per_number_per_day"


async def test_the_daily_budget_counts_every_numbers_automatic_sms_and_nothing_else(
    store_url: str,
) -> None:
    fake = RecordingSender()
    _sent_earlier(store_url, "sms:13900000001", REPLY, timedelta(hours=2), count=2)
    _sent_earlier(store_url, "sms:13900000002", OPT_OUT, timedelta(hours=3))
    _sent_earlier(store_url, "sms:13900000003", REPLY, timedelta(hours=30), count=3)
    _sent_earlier(store_url, "sms:13900000003", "notice", timedelta(hours=1), count=5)
    _sent_earlier(store_url, "sms:13900000003", AGENT, timedelta(hours=1), count=5)
    assert await deliver(fake, RECIPIENT, [ANSWER], REPLY, store_url, SMALL) == ["sent"]
    assert await deliver(fake, "sms:13900000004", [ANSWER], OPT_OUT, store_url, SMALL) == [
        "refused"
    ]
    assert _logged(store_url, "sms:13900000004") == [
        ("opt_out", "refused", "over sms.daily_budget")
    ]


async def test_an_answer_goes_whole_or_not_at_all(store_url: str) -> None:
    fake = RecordingSender()
    _sent_earlier(store_url, RECIPIENT, REPLY, timedelta(minutes=5))
    statuses = await deliver(fake, RECIPIENT, [ANSWER, ANSWER], REPLY, store_url, SMALL)
    assert statuses == ["refused", "refused"] and fake.sent == []


async def test_an_agents_words_are_never_held_back(store_url: str) -> None:
    fake = RecordingSender()
    _sent_earlier(store_url, RECIPIENT, REPLY, timedelta(minutes=5), count=4)
    assert await deliver(fake, RECIPIENT, [ANSWER], REPLY, store_url, SMALL) == ["refused"]
    assert await deliver(fake, RECIPIENT, [ANSWER], AGENT, store_url, SMALL) == ["sent"]


# --------------------------------------------------------------------------- the inbox


def _inbox(url: str, sender: RecordingSender, policy: Policy) -> SmsInbox:
    settings = load_sms_settings(
        {"SMS_CALLBACK_SECRET": SECRET, "SMS_API_BASE": "http://127.0.0.1:9"}
    )
    return SmsInbox(dataclasses.replace(settings, policy=policy), sender, url)


def _batch(count: int) -> bytes:
    """An Aliyun callback of `count` messages, each from its own number."""
    items = [json.loads(_aliyun(f"第{i}条", i, phone=f"1390000{i:04d}"))[0] for i in range(count)]
    return json.dumps(items, ensure_ascii=False).encode("utf-8")


async def test_a_callback_over_the_item_cap_runs_only_the_cap_and_is_acknowledged(
    store_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    sender = RecordingSender()
    inbox = _inbox(store_url, sender, _policy(max_items_per_callback=20))
    rasa = FakeRasa()
    with caplog.at_level(logging.WARNING, logger=ALERTS):
        assert await _post(inbox, rasa, _batch(25)) == (200, {"code": 0, "msg": "接收成功"})
    assert rasa.texts == [f"第{i}条" for i in range(20)]
    assert len(sender.sent) == 20
    assert _alerts(caplog) == [
        "SMS callback of 25 messages: only the first 20 run (sms.max_items_per_callback), "
        "the rest are dropped"
    ]


async def test_over_the_limit_the_user_is_heard_but_not_answered(
    store_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    sender = RecordingSender()
    inbox = _inbox(store_url, sender, SMALL)
    rasa = FakeRasa()
    with caplog.at_level(logging.WARNING, logger=ALERTS):
        for sequence_id, text in enumerate(["暖气不热", "还是不热", "到底什么时候修"]):
            assert (await _post(inbox, rasa, _aliyun(text, sequence_id)))[0] == 200
    assert rasa.texts == ["暖气不热", "还是不热", "到底什么时候修"]
    assert len(sender.sent) == 2
    [recipient] = {r for r, _ in sender.sent}
    assert [status for _, status, _ in _logged(store_url, recipient)] == [
        "sent",
        "sent",
        "refused",
    ]
    assert len(_alerts(caplog)) == 1 and PHONE not in caplog.text


async def test_a_long_sms_reaches_rasa_as_a_bounded_prefix(store_url: str) -> None:
    inbox = _inbox(store_url, RecordingSender(), load_policy("beijing"))
    rasa = FakeRasa()
    long_text = "暖气不热" * 2500
    await _post(inbox, rasa, _aliyun(long_text))
    # Tencent's key hashes the whole text: two long texts alike in their prefix are two messages.
    await _post(inbox, rasa, _tencent(long_text + "一"))
    await _post(inbox, rasa, _tencent(long_text + "二"))
    assert [len(text or "") for text in rasa.texts] == [MAX_STORED_CHARS] * 3
    assert rasa.texts[0] == long_text[:MAX_STORED_CHARS]


@pytest.mark.parametrize("token", [SECRET, None])
async def test_a_body_over_the_size_limit_is_413_before_anything_else(
    store_url: str, token: str | None
) -> None:
    sender = RecordingSender()
    inbox = _inbox(store_url, sender, load_policy("beijing"))
    rasa = FakeRasa()
    body = _aliyun("暖" + "a" * 70_000)
    status, answer = await inbox.handle(body, token, None, rasa, CATALOGUE)
    assert (status, answer["error"]) == (413, "too_large")
    assert rasa.received == [] and sender.sent == [] and _inbound_rows(store_url) == 0


async def test_a_body_nested_10000_deep_is_400_and_leaves_no_trace(store_url: str) -> None:
    sender = RecordingSender()
    inbox = _inbox(store_url, sender, load_policy("beijing"))
    rasa = FakeRasa()
    status, answer = await _post(inbox, rasa, b"[" * 10_000 + b"]" * 10_000)
    assert (status, answer["error"]) == (400, "too_deep")
    assert rasa.received == [] and sender.sent == [] and _inbound_rows(store_url) == 0
