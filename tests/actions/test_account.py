"""Verification, fee summary, binding and 报停: nothing about an account before verification."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.account import ActionAfterVerification, ValidateVerifyForm
from bot.store.db import session_scope
from bot.store.models import Binding, Ticket

from .conftest import NOW, said, slot_values, texts, tracker, user_turn


def _verified(text: str, intent: str, account: str = "0102345678") -> Tracker:
    """The tracker after `text` (of `intent`) and the right digits verified `account`."""
    return tracker(
        user_turn(text, intent),
        user_turn(account[-4:], message_id="b"),
        slots={"verified_account": account, "account_no": account},
    )


async def _try_digits(
    domain: dict[str, Any],
    digits: str,
    sender: str = "tester",
    account: str = "0102345678",
    metadata: dict[str, Any] | None = None,
) -> tuple[CollectingDispatcher, dict[str, Any]]:
    dispatcher = CollectingDispatcher()
    result = await ValidateVerifyForm().validate_phone_last4(
        digits,
        dispatcher,
        tracker(
            user_turn(digits, channel="socketio", metadata=metadata),
            slots={"account_no": account},
            sender=sender,
        ),
        domain,
    )
    return dispatcher, result


async def test_right_digits_verify_the_account(domain: dict[str, Any]) -> None:
    _, result = await _try_digits(domain, "尾号5678")
    assert result == {"phone_last4": "ok", "verified_account": "0102345678"}


async def test_full_width_and_chinese_digits_are_accepted(domain: dict[str, Any]) -> None:
    _, result = await _try_digits(domain, "５６７８")
    assert result["verified_account"] == "0102345678"
    _, result = await _try_digits(domain, "五六七八")
    assert result["verified_account"] == "0102345678"


@pytest.mark.parametrize(
    "digits",
    ["٥٦٧٨", "尾号𝟓𝟔𝟕𝟖", "۵۶۷۸", "后四位是५६७८", "𝟻𝟼𝟽𝟾"],
)
async def test_digits_of_any_script_are_the_owners_digits(
    domain: dict[str, Any], digits: str
) -> None:
    """R13: Arabic-Indic and math bold digits were answered 户号与手机号后4位不匹配 and counted."""
    dispatcher, result = await _try_digits(domain, digits)
    assert result == {"phone_last4": "ok", "verified_account": "0102345678"}, texts(dispatcher)


async def test_wrong_digits_count_down_then_lock(domain: dict[str, Any]) -> None:
    from actions.common import policy

    limit = policy().verification.max_failures_per_sender
    remaining = []
    for _ in range(limit - 1):
        dispatcher, result = await _try_digits(domain, "1234")
        assert result == {"phone_last4": None}
        remaining.append(said(dispatcher, "utter_verify_failed")["remaining"])
    assert remaining == list(range(limit - 1, 0, -1))
    dispatcher, result = await _try_digits(domain, "1234")
    said(dispatcher, "utter_verify_locked")
    # Locked: even the right digits are refused now.
    dispatcher, result = await _try_digits(domain, "5678")
    assert result.get("verified_account") is None
    said(dispatcher, "utter_verify_locked")


async def test_after_five_failures_on_an_account_no_identity_gets_a_check_on_it(
    store: str, domain: dict[str, Any]
) -> None:
    """F1: a fresh sender per guess got a real check each; now the account cools down."""
    from actions.common import policy

    for n in range(policy().verification.max_failures_per_account):
        await _try_digits(domain, "0000", sender=f"rest:guesser-{n}")
    dispatcher, result = await _try_digits(domain, "5678", sender="rest:guesser-new")
    assert result == {"phone_last4": "locked", "verified_account": None}
    assert said(dispatcher, "utter_verify_locked")["wait"] == "15分钟"
    # The owner's bound WeChat needs no digits, so the cool-down does not stop it.
    with session_scope(store) as session:
        session.add(
            Binding(
                channel="wechat", sender_id="wechat:owner", account_no="0102345678", created_at=NOW
            )
        )
    events = await ValidateVerifyForm().run(
        CollectingDispatcher(),
        tracker(
            user_turn("查暖气费", "query_fee", channel="wechat"),
            active_loop="verify_form",
            sender="wechat:owner",
        ),
        domain,
    )
    assert slot_values(events)["verified_account"] == "0102345678"


async def test_the_wait_message_says_when_to_retry_and_what_else_the_owner_can_do(
    domain: dict[str, Any],
) -> None:
    from rasa.core.nlg.interpolator import interpolate_text

    from actions.common import policy

    for _ in range(policy().verification.max_failures_per_sender - 1):
        await _try_digits(domain, "0000")
    dispatcher, result = await _try_digits(domain, "0000")
    assert result == {"phone_last4": "locked", "verified_account": None}
    message = said(dispatcher, "utter_verify_locked")
    hotline = policy().company.hotline
    # One sender's fifth failure brings its own first wait (1 minute); the account's longer
    # cool-down needs a second sender (tests/unit/test_verification.py).
    assert (message["wait"], message["retry_at"], message["hotline"]) == (
        "1分钟",
        "11月27日 10:01",
        hotline,
    )
    for variant in domain["responses"]["utter_verify_locked"]:
        text = interpolate_text(variant["text"], message)
        for part in ("11月27日 10:01", "绑定", "身份证", "营业厅", hotline):
            assert part in text, (part, text)


async def test_an_account_number_with_filler_words_is_accepted(domain: dict[str, Any]) -> None:
    result = await ValidateVerifyForm().validate_account_no(
        "我家户号是０１０２３４５６７８", CollectingDispatcher(), tracker(user_turn("户号")), domain
    )
    assert result == {"account_no": "0102345678"}


async def test_malformed_account_numbers_are_refused(domain: dict[str, Any]) -> None:
    for value in ["0102345678' OR '1'='1", "<script>0102345678</script>", "12345", "abc", "1" * 13]:
        dispatcher = CollectingDispatcher()
        result = await ValidateVerifyForm().validate_account_no(
            value, dispatcher, tracker(user_turn(value)), domain
        )
        assert result == {"account_no": None}, value
        said(dispatcher, "utter_invalid_account_no")


async def test_a_bound_sender_skips_the_questions(store: str, domain: dict[str, Any]) -> None:
    from .conftest import NOW

    with session_scope(store) as session:
        session.add(
            Binding(channel="rest", sender_id="tester", account_no="0102345678", created_at=NOW)
        )
    dispatcher = CollectingDispatcher()
    events = await ValidateVerifyForm().run(
        dispatcher, tracker(user_turn("查暖气费", "query_fee"), active_loop="verify_form"), domain
    )
    slots = slot_values(events)
    assert slots["verified_account"] == "0102345678"
    assert slots["requested_slot"] is None
    assert said(dispatcher, "utter_verified_bound")["account"] == "01******78"


async def test_a_sender_bound_to_another_account_must_verify(
    store: str, domain: dict[str, Any]
) -> None:
    from .conftest import NOW

    with session_scope(store) as session:
        session.add(
            Binding(channel="rest", sender_id="tester", account_no="0102345679", created_at=NOW)
        )
    events = await ValidateVerifyForm().run(
        CollectingDispatcher(),
        tracker(
            user_turn("查0102345678的暖气费", "query_fee"),
            active_loop="verify_form",
            slot_events={"account_no": "0102345678"},
        ),
        domain,
    )
    assert "verified_account" not in slot_values(events)


async def test_fee_summary_after_verification(domain: dict[str, Any]) -> None:
    dispatcher = CollectingDispatcher()
    t = tracker(
        user_turn("查一下暖气费", "query_fee", message_id="a"),
        user_turn("5678", message_id="b"),
        slots={"verified_account": "0102345678", "account_no": "0102345678"},
    )
    await ActionAfterVerification().run(dispatcher, t, domain)
    summary = said(dispatcher, "utter_fee_summary")
    assert summary["due"] == "2148.00" and summary["paid"] == "0.00"
    assert summary["balance"] == "本季尚未缴费，尚欠 2148.00 元"
    assert summary["season"] == "2026-2027"
    assert summary["account"] == "01******78"
    assert summary["pay_link"] == '<a href="https://pay.example.com/heating">点此在线缴费</a>'


async def test_no_fee_is_shown_when_the_verified_account_is_not_the_asked_one(
    domain: dict[str, Any],
) -> None:
    dispatcher = CollectingDispatcher()
    t = tracker(
        user_turn("查一下暖气费", "query_fee"),
        slots={"verified_account": "0102345679", "account_no": "0102345678"},
    )
    await ActionAfterVerification().run(dispatcher, t, domain)
    assert texts(dispatcher) == []


async def test_binding_after_verification(store: str, domain: dict[str, Any]) -> None:
    dispatcher = CollectingDispatcher()
    t = tracker(
        user_turn("绑定户号", "bind_account"),
        slots={"verified_account": "0102345678", "account_no": "0102345678"},
    )
    await ActionAfterVerification().run(dispatcher, t, domain)
    said(dispatcher, "utter_bound")
    with session_scope(store) as session:
        assert session.query(Binding).filter_by(sender_id="tester").one().account_no == "0102345678"


async def test_stop_heating_in_season_applies_to_the_next_season(
    store: str, domain: dict[str, Any]
) -> None:
    dispatcher = CollectingDispatcher()
    t = tracker(
        user_turn("我要报停", "apply_stop_heating"),
        slots={
            "verified_account": "0102345678",
            "account_no": "0102345678",
            "details_confirmed": True,  # read back first, as by address (players' J)
        },
    )
    await ActionAfterVerification().run(dispatcher, t, domain)
    message = said(dispatcher, "utter_stop_heating_created")
    assert "2027年11月15日" in message["season_note"]
    with session_scope(store) as session:
        ticket = session.query(Ticket).filter_by(ticket_no=message["ticket_no"]).one()
        assert ticket.kind == "BT" and ticket.account_no == "0102345678"
        # staff who call and seal the valves need where and whom: the account's, on the ticket
        assert (ticket.community, ticket.phone) == ("阳光花园", "13812345678")
        assert ticket.building == "5" and ticket.room == "302"
        # the season is on the ticket: staff do not seal the valve in the middle of this winter
        assert "2027年11月15日起的供暖季" in (ticket.description or "")


async def test_a_second_stop_for_the_same_home_names_the_open_one(
    store: str, domain: dict[str, Any]
) -> None:
    """The red team filed two 报停 in a row for one verified account (two messages, two
    tickets); no ticket is created twice."""
    said_to: list[CollectingDispatcher] = []
    for message_id in ("first", "second"):
        dispatcher = CollectingDispatcher()
        t = tracker(
            user_turn("我要办理报停", "apply_stop_heating", message_id=message_id),
            slots={
                "verified_account": "0102345678",
                "account_no": "0102345678",
                "details_confirmed": True,
            },
        )
        await ActionAfterVerification().run(dispatcher, t, domain)
        said_to.append(dispatcher)
    filed = said(said_to[0], "utter_stop_heating_created")["ticket_no"]
    assert said(said_to[1], "utter_stop_heating_open")["ticket_no"] == filed
    with session_scope(store) as session:
        assert session.query(Ticket).filter_by(kind="BT").count() == 1


async def test_bare_digits_answer_the_question_whatever_the_intent(domain: dict[str, Any]) -> None:
    form = ValidateVerifyForm()

    def asked(slot: str, text: str) -> Any:
        return tracker(user_turn(text, "deny"), slots={"requested_slot": slot})

    dispatcher = CollectingDispatcher()
    assert await form.extract_phone_last4(dispatcher, asked("phone_last4", "1234"), domain) == {
        "phone_last4": "1234"
    }
    assert await form.extract_account_no(dispatcher, asked("account_no", "0102345678"), domain)
    assert await form.extract_phone_last4(dispatcher, asked("phone_last4", "算了"), domain) == {}
    assert await form.extract_phone_last4(dispatcher, asked("account_no", "1234"), domain) == {}


async def test_verifying_ones_own_account_does_not_reset_the_guessing_limit(
    domain: dict[str, Any],
) -> None:
    from actions.common import policy

    limit = policy().verification.max_failures_per_sender
    for guess in range(limit):
        # One wrong guess at each of several accounts (so no account reaches its own limit) ...
        await _try_digits(domain, "0000", account=f"01990000{guess:02d}")
        # ... each followed by a successful verification of the guesser's own account.
        _, own = await _try_digits(domain, "5678", account="0102345678")
        assert own.get("verified_account") == "0102345678" or guess == limit - 1
    dispatcher, result = await _try_digits(domain, "5679", account="0102345679")
    assert result.get("verified_account") is None
    said(dispatcher, "utter_verify_locked")


async def test_fee_summary_adds_earlier_unpaid_seasons(store: str, domain: dict[str, Any]) -> None:
    from decimal import Decimal

    from bot.store.models import Bill

    with session_scope(store) as session:
        old = session.query(Bill).filter_by(account_no="0102345678", season="2025-2026").one()
        old.amount_paid = Decimal(old.amount_due) - Decimal("100.00")
        old.late_fee = Decimal("0.00")
    dispatcher = CollectingDispatcher()
    t = tracker(
        user_turn("还欠多少钱", "query_fee"),
        slots={"verified_account": "0102345678", "account_no": "0102345678"},
    )
    await ActionAfterVerification().run(dispatcher, t, domain)
    summary = said(dispatcher, "utter_fee_summary")
    assert summary["balance"] == "本季尚未缴费，尚欠 2148.00 元；另有往季欠费 100.00 元"
    assert summary["owed"] == "共欠2248.00元"


async def test_no_payment_link_when_nothing_is_owed(store: str, domain: dict[str, Any]) -> None:
    from decimal import Decimal

    from bot.store.models import Bill

    with session_scope(store) as session:
        for bill in session.query(Bill).filter_by(account_no="0102345678"):
            bill.amount_paid = Decimal(bill.amount_due)
            bill.late_fee = Decimal("0.00")
    dispatcher = CollectingDispatcher()
    t = tracker(
        user_turn("还欠多少钱", "query_fee"),
        slots={"verified_account": "0102345678", "account_no": "0102345678"},
    )
    await ActionAfterVerification().run(dispatcher, t, domain)
    summary = said(dispatcher, "utter_fee_summary")
    assert summary["balance"] == "本季已缴清"
    assert summary["pay_link"] == "" and summary["owed"] == "已缴清"


async def test_store_calls_hop_threads_for_the_schema_only_until_it_is_current(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import actions.common as common

    checks: list[str] = []
    real = common._ensure_schema_once

    def counted() -> None:
        checks.append("check")
        real()

    monkeypatch.setattr(common, "_ensure_schema_once", counted)
    assert await common.read_db(lambda session: 1) == 1
    assert await common.in_db(lambda session: 2) == 2
    assert checks == ["check"]  # once: afterwards the flag is read on the event loop


def _at(event: dict[str, Any], minutes: float) -> dict[str, Any]:
    """`event` stamped `minutes` after the pinned clock's now (Rasa stamps every event)."""
    return {**event, "timestamp": NOW.timestamp() + minutes * 60}


def _verified_then(minutes: float, text: str, intent: str) -> Any:
    """A conversation verified at 0, a message at 1 min, then `text` `minutes` later."""
    account = "0102345678"
    return tracker(
        _at(user_turn("查一下暖气费", "query_fee", message_id="a"), 0),
        _at({"event": "slot", "name": "verified_account", "value": account}, 0),
        _at(user_turn("好的", "affirm", message_id="b"), 1),
        _at(user_turn(text, intent, message_id="c"), 1 + minutes),
        slots={"verified_account": account, "account_no": account, "phone_last4": "verified"},
    )


@pytest.mark.parametrize(("idle", "shown"), [(14, True), (16, False), (240, False)])
async def test_the_bill_is_shown_only_while_the_verification_is_fresh(
    domain: dict[str, Any], idle: float, shown: bool
) -> None:
    dispatcher = CollectingDispatcher()
    await ActionAfterVerification().run(
        dispatcher, _verified_then(idle, "再查一次", "query_fee"), domain
    )
    assert ("utter_fee_summary" in texts(dispatcher)) is shown


async def test_a_lapsed_verification_is_asked_for_again_and_the_resident_told_why(
    domain: dict[str, Any],
) -> None:
    dispatcher = CollectingDispatcher()
    t = _verified_then(20, "查暖气费", "query_fee")
    events = await ValidateVerifyForm().run(dispatcher, t, domain)
    assert said(dispatcher, "utter_verification_expired")["minutes"] == 15
    values = slot_values(events)
    assert values["verified_account"] is None and values["phone_last4"] is None

    fresh = CollectingDispatcher()
    events = await ValidateVerifyForm().run(
        fresh, _verified_then(5, "查暖气费", "query_fee"), domain
    )
    assert slot_values(events)["verified_account"] == "0102345678"
    assert "utter_verification_expired" not in texts(fresh)


async def test_the_second_request_of_the_message_is_offered_after_the_bill(
    domain: dict[str, Any],
) -> None:
    dispatcher = CollectingDispatcher()
    t = _verified("查下我家暖气费还欠多少 另外卫生间暖气片有点渗水 派个人来看看", "query_fee")
    events = await ActionAfterVerification().run(dispatcher, t, domain)
    assert texts(dispatcher) == ["utter_fee_summary", "utter_offer_second_request"]
    assert said(dispatcher, "utter_offer_second_request")["what"] == "报修"
    assert slot_values(events)["pending"] == "repair"


async def test_a_bill_asked_for_with_the_binding_is_shown_once_bound(
    domain: dict[str, Any],
) -> None:
    dispatcher = CollectingDispatcher()
    t = _verified("我想綁定戶號，綁好了順便查一下今年暖氣費交了沒有", "bind_account")
    await ActionAfterVerification().run(dispatcher, t, domain)
    # the bill, not an offer of it; then the notices offer every binding gets
    assert texts(dispatcher) == ["utter_bound", "utter_fee_summary", "utter_offer_subscriptions"]


async def test_a_binding_alone_shows_no_bill(domain: dict[str, Any]) -> None:
    dispatcher = CollectingDispatcher()
    t = tracker(
        user_turn("绑定户号", "bind_account"),
        user_turn("5678", message_id="b"),
        slots={"verified_account": "0102345678", "account_no": "0102345678"},
    )
    await ActionAfterVerification().run(dispatcher, t, domain)
    assert "utter_fee_summary" not in texts(dispatcher)


async def test_a_resident_who_cannot_verify_hears_the_other_ways_at_once(
    domain: dict[str, Any],
) -> None:
    dispatcher = CollectingDispatcher()
    t = tracker(
        user_turn("手机号早换了 后四位不知道", "inform"),
        slots={"requested_slot": "phone_last4", "account_no": "0102345678"},
        active_loop="verify_form",
    )
    await ValidateVerifyForm().run(dispatcher, t, domain)
    assert said(dispatcher, "utter_verify_alternatives")["hotline"]


async def test_stopping_verification_because_the_phone_changed_offers_the_other_ways(
    domain: dict[str, Any],
) -> None:
    from actions.conversation import ActionStopForm

    dispatcher = CollectingDispatcher()
    t = tracker(user_turn("不查了 我没有登记手机", "deny"), active_loop="verify_form")
    await ActionStopForm().run(dispatcher, t, domain)
    assert "utter_verify_alternatives" in texts(dispatcher)


async def test_a_third_ask_after_side_remarks_comes_with_the_other_ways(
    domain: dict[str, Any],
) -> None:
    ask = {"event": "bot", "text": "后4位？", "metadata": {"utter_action": "utter_ask_phone_last4"}}
    dispatcher = CollectingDispatcher()
    t = tracker(
        ask,
        user_turn("这什么破规定", "out_of_scope", message_id="a"),
        ask,
        user_turn("我自己家的费我还查不了了", "out_of_scope", message_id="b"),
        slots={"requested_slot": "phone_last4", "account_no": "0102345678"},
        active_loop="verify_form",
    )
    await ValidateVerifyForm().run(dispatcher, t, domain)
    assert texts(dispatcher).count("utter_verify_alternatives") == 1


async def test_another_question_between_the_asks_does_not_restart_their_count(
    domain: dict[str, Any],
) -> None:
    """eld-019: 早就停了 about the old phone was read as an outage question, the community was
    asked between two asks for the last four digits, and the third ask came without the other
    ways (the count stopped at the other question). Asked twice unanswered is what counts."""
    ask = {"event": "bot", "text": "后4位？", "metadata": {"utter_action": "utter_ask_phone_last4"}}
    community = {
        "event": "bot", "text": "哪个小区？", "metadata": {"utter_action": "utter_ask_community"}
    }
    dispatcher = CollectingDispatcher()
    t = tracker(
        {"event": "slot", "name": "account_no", "value": "0102345678"},
        ask,
        user_turn("那是我家老头子的号 早就停了", "query_outage", message_id="a"),
        community,
        {"event": "slot", "name": "pending", "value": "outage_community"},
        ask,
        user_turn("那怎么办呢 我岁数大了 跑不动", "out_of_scope", message_id="b"),
        slots={"requested_slot": "phone_last4", "account_no": "0102345678"},
        active_loop="verify_form",
    )
    await ValidateVerifyForm().run(dispatcher, t, domain)
    assert texts(dispatcher).count("utter_verify_alternatives") == 1


async def test_a_changed_phone_read_as_a_correction_still_hears_the_other_ways(
    domain: dict[str, Any],
) -> None:
    from actions.conversation import ActionCorrectInfo

    dispatcher = CollectingDispatcher()
    t = tracker(
        user_turn("原来那个手机号早不用了 后四位我哪记得", "correct_info"),
        slots={"requested_slot": "phone_last4", "account_no": "0102345678"},
        active_loop="verify_form",
    )
    assert await ActionCorrectInfo().run(dispatcher, t, domain) == []
    assert texts(dispatcher) == ["utter_verify_alternatives"]


async def test_unbinding_removes_the_senders_own_binding_and_never_binds(
    store: str, domain: dict[str, Any]
) -> None:
    from actions.account import ActionUnbindAccount

    with session_scope(store) as session:
        session.add(
            Binding(channel="rest", sender_id="tester", account_no="0102345678", created_at=NOW)
        )
        session.add(
            Binding(channel="rest", sender_id="other", account_no="0102345678", created_at=NOW)
        )
    dispatcher = CollectingDispatcher()
    t = tracker(
        user_turn("这个户号不要再绑我手机了", "unbind_account"),
        slots={"verified_account": "0102345678"},
    )
    events = await ActionUnbindAccount().run(dispatcher, t, domain)
    assert said(dispatcher, "utter_unbound")["accounts"] == "01******78"
    assert slot_values(events)["verified_account"] is None
    with session_scope(store) as session:
        left = {(b.sender_id, b.account_no) for b in session.query(Binding)}
    assert left == {("other", "0102345678")}  # only this sender's link went

    again = CollectingDispatcher()
    await ActionUnbindAccount().run(again, tracker(user_turn("解绑", "unbind_account")), domain)
    assert texts(again) == ["utter_nothing_bound"]


async def test_a_binding_asked_for_with_the_bill_is_made_once_verified(
    store: str, domain: dict[str, Any]
) -> None:
    """我想把户号绑上，顺便看看这季还欠多少 reads as a fee query: the bill was shown and the
    binding forgotten."""
    dispatcher = CollectingDispatcher()
    t = _verified("我想把户号绑上，顺便看看这季还欠多少 户号0102345678", "query_fee")
    await ActionAfterVerification().run(dispatcher, t, domain)
    assert texts(dispatcher)[:2] == ["utter_bound", "utter_fee_summary"]
    with session_scope(store) as session:
        assert session.query(Binding).filter_by(sender_id="tester").count() == 1


async def test_a_repair_asked_with_the_bill_where_heating_is_stopped_hears_the_stop(
    domain: dict[str, Any],
) -> None:
    """家里暖气不热了，另外帮我看下暖气费: after the bill, the stop where the account is (幸福里)
    and the offer after a stop, not a plain "book a repair?" the resident let pass."""
    dispatcher = CollectingDispatcher()
    t = _verified("家里暖气不热了，另外帮我看下今年的暖气费交上没有", "query_fee", "0102345679")
    events = await ActionAfterVerification().run(dispatcher, t, domain)
    assert texts(dispatcher) == [
        "utter_fee_summary",
        "utter_outage_found",
        "utter_outage_repair_offer",
    ]
    assert slot_values(events)["pending"] == "repair_after_outage"


async def test_strangers_past_the_company_budget_hear_the_checks_are_paused_and_the_other_ways(
    domain: dict[str, Any],
) -> None:
    """R1: a new widget session for every account; past the company's budget the next new
    sender is not checked, even with the right digits, and is told the owner's other ways."""
    from rasa.core.nlg.interpolator import interpolate_text

    from actions.common import policy

    for n in range(policy().verification.company_failures_per_window):
        await _try_digits(domain, "0000", sender=f"web:s{n}", account=f"06{n:08d}")
    dispatcher, result = await _try_digits(domain, "5678", sender="web:new")
    assert result == {"phone_last4": "locked", "verified_account": None}
    message = said(dispatcher, "utter_verify_paused")
    assert (message["wait"], message["retry_at"]) == ("1小时", "11月27日 11:00")
    hotline = policy().company.hotline
    for variant in domain["responses"]["utter_verify_paused"]:
        text = interpolate_text(variant["text"], message)
        for part in ("11月27日 11:00", "绑定", "登记手机", "身份证", "营业厅", hotline):
            assert part in text, (part, text)
        assert "失败" not in text  # this resident failed nothing


async def test_one_widget_address_is_paused_across_its_sessions(domain: dict[str, Any]) -> None:
    from actions.common import policy

    here, there = {"client_source": "web-here"}, {"client_source": "web-there"}
    for n in range(policy().verification.source_failures_per_window):
        await _try_digits(domain, "0000", f"web:s{n}", f"06{n:08d}", metadata=here)
    dispatcher, result = await _try_digits(domain, "5678", "web:new", metadata=here)
    said(dispatcher, "utter_verify_paused")
    _, result = await _try_digits(domain, "5678", "web:other-household", metadata=there)
    assert result["verified_account"] == "0102345678"
