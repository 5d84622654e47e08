"""bot.evaluation.dialogue (and its report and runner): the set, what is asked, playing, judging.

Judging is tested on hand-made transcripts: one that reaches its goal, and for every check one
that must fail it, so a judge that passes everything cannot go unnoticed.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.evaluation.dialogue import (
    KINDS,
    MAX_EXTRA_TURNS,
    SLOT_KINDS,
    Conversation,
    Expectation,
    ExpectedTicket,
    JudgeContext,
    SetError,
    Step,
    TicketRow,
    Transcript,
    Turn,
    asked_kind,
    detect_outcomes,
    find_traps,
    is_fallback_turn,
    judge,
    load_conversations,
    parse_conversations,
    play,
    slot_kind,
    summarise,
    turn_responses,
)
from bot.evaluation.dialogue_report import (
    DialogueResult,
    diverging_turns,
    render_markdown,
    render_text,
    to_json,
    write_reports,
)
from bot.evaluation.dialogue_run import DEFAULT_FILES, RestClient, shared_chains, step_overlaps

ROOT = Path(__file__).resolve().parents[2]
HOTLINE = "400-000-0000"
CONTEXT = JudgeContext(HOTLINE, ("幸福里小区", "金色家园"))


# ---- the set -------------------------------------------------------------------------------------

VALID = """
conversations:
  - id: t-001
    persona: 测试住户
    steps:
      - say: 暖气不热
      - say: 阳光花园5号楼1单元302
        when_asked: address
    facts:
      phone: "13812345678"
    expect:
      tickets:
        - kind: BX
          urgent: false
          community: 阳光花园
      cancelled: [CW]
      outcomes: [apology]
      replies_include_any:
        - ["阳光花园", "阳光"]
      replies_exclude: ["张伟"]
  - id: t-002
    persona: 只问问
    steps:
      - say: 你好
    expect:
      tickets: []
"""


def test_a_valid_file_is_read_with_every_field() -> None:
    first, second = parse_conversations(VALID, "personas")
    assert first.id == "t-001" and first.source == "personas"
    assert first.steps == (Step("暖气不热"), Step("阳光花园5号楼1单元302", "address"))
    assert first.facts == {"phone": "13812345678"}
    assert first.expect.tickets == (ExpectedTicket("BX", urgent=False, community="阳光花园"),)
    assert first.expect.cancelled == ("CW",)
    assert first.expect.outcomes == ("apology",)
    assert first.expect.replies_include_any == (("阳光花园", "阳光"),)
    assert first.expect.replies_exclude == ("张伟",)
    # no `tickets` key: not checked; `tickets: []`: no ticket wanted
    assert first.expect != second.expect and second.expect.tickets == ()
    assert Expectation().tickets is None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda c: c.update(colour="red"), "unknown keys ['colour']"),
        (lambda c: c["steps"][1].update(when_asked="house"), "unknown kind 'house'"),
        (lambda c: c["expect"].update(outcomes=["happy"]), "unknown 'happy'"),
        (lambda c: c["expect"]["tickets"][0].update(kind="XX"), "unknown ticket kind 'XX'"),
        (lambda c: c["expect"]["tickets"][0].update(urgent="yes"), "expected true or false"),
        (lambda c: c["facts"].update(phone_last4=5678), "expected a non-empty quoted string"),
        (lambda c: c["facts"].update(flat="302"), "unknown keys ['flat']"),
        (lambda c: c["steps"][0].update(when_asked="address"), "cannot wait for a question"),
        (lambda c: c.update(steps=[]), "non-empty list"),
    ],
)
def test_a_malformed_conversation_is_refused_with_where(
    change: Callable[[dict[str, Any]], None], message: str
) -> None:
    document = yaml.safe_load(VALID)
    change(document["conversations"][0])
    with pytest.raises(SetError, match="personas") as error:
        parse_conversations(yaml.safe_dump(document, allow_unicode=True), "personas")
    assert message in str(error.value)


def test_ids_must_be_unique_across_files(tmp_path: Path) -> None:
    (tmp_path / "a.yml").write_text(VALID, encoding="utf-8")
    (tmp_path / "b.yml").write_text(VALID, encoding="utf-8")
    with pytest.raises(SetError, match="t-001 already used in a"):
        load_conversations([tmp_path])


def test_the_project_set_is_valid_and_large_enough() -> None:
    conversations = load_conversations([DEFAULT_FILES])
    assert len(conversations) >= 150
    assert len({c.source for c in conversations}) >= 3


def test_every_form_slot_of_the_domain_has_a_kind() -> None:
    """The player answers what a form asks from the facts; an unmapped slot could not be."""
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    unmapped = [
        f"{form}.{slot}"
        for form, spec in (domain.get("forms") or {}).items()
        for slot in spec.get("required_slots") or []
        if slot_kind(slot) is None
    ]
    assert not unmapped, f"add these slots to SLOT_KINDS: {unmapped}"
    assert set(SLOT_KINDS.values()) <= set(KINDS)
    assert set(SLOT_KINDS) <= set(domain["slots"]) | {"community"}


# ---- what the bot asks ---------------------------------------------------------------------------


def _tracker(
    turn: Sequence[dict[str, Any]], loop: str | None = None, requested: str | None = None
) -> dict[str, Any]:
    """A tracker as the HTTP API returns it: an earlier turn, the latest user message, `turn`."""
    earlier = [
        {"event": "user", "text": "earlier"},
        {"event": "slot", "name": "pending", "value": "human"},  # an older offer: not asked now
        {"event": "bot", "text": "x", "metadata": {"utter_action": "utter_offer_human"}},
    ]
    return {
        "events": [*earlier, {"event": "user", "text": "latest"}, *turn],
        "active_loop": {"name": loop} if loop else {},
        "slots": {"requested_slot": requested},
    }


def _ask(slot: str) -> list[dict[str, Any]]:
    return [
        {"event": "slot", "name": "requested_slot", "value": slot},
        {"event": "bot", "text": "?", "metadata": {"utter_action": f"utter_ask_{slot}"}},
    ]


def test_the_form_slot_being_asked_maps_to_its_kind() -> None:
    assert asked_kind(_tracker(_ask("visit_time"), "repair_form", "visit_time")) == "time"
    assert asked_kind(_tracker(_ask("phone_last4"), "verify_form", "phone_last4")) == "phone_last4"
    assert asked_kind(_tracker(_ask("complaint_text"), "complaint_form", "complaint_text")) == (
        "description"
    )


def test_a_form_waiting_without_reasking_is_still_asking() -> None:
    side_answer = [{"event": "bot", "text": "供暖期…", "metadata": {}}]
    assert asked_kind(_tracker(side_answer, "repair_form", "address")) == "address"


def test_a_form_that_ended_asks_nothing() -> None:
    ended = [
        *_ask("phone"),
        {"event": "active_loop", "name": None},
        {"event": "slot", "name": "requested_slot", "value": None},
        {"event": "bot", "text": "已停止", "metadata": {"utter_action": "utter_form_stopped"}},
    ]
    assert asked_kind(_tracker(ended)) is None


def test_offers_and_questions_outside_forms() -> None:
    community: list[dict[str, Any]] = [
        {"event": "bot", "text": "哪个小区？", "metadata": {"utter_action": "utter_ask_community"}},
        {"event": "slot", "name": "pending", "value": "outage_community"},
    ]
    assert asked_kind(_tracker(community)) == "community"
    cancel: list[dict[str, Any]] = [
        {"event": "slot", "name": "pending", "value": "cancel:BX202612060001"}
    ]
    assert asked_kind(_tracker(cancel)) == "confirm"
    # the offer of the earlier turn is not a question of this one
    assert asked_kind(_tracker([{"event": "bot", "text": "好的", "metadata": {}}])) is None
    cleared = [*cancel, {"event": "slot", "name": "pending", "value": None}]
    assert asked_kind(_tracker(cleared)) is None


def test_a_subscription_asks_for_its_community() -> None:
    """glp-035: 请问您想接收哪个小区的停热通知 was answered 对 by the player (a yes/no offer)."""
    asked: list[dict[str, Any]] = [
        {
            "event": "bot",
            "text": "哪个小区？",
            "metadata": {"utter_action": "utter_ask_subscribe_community"},
        },
        {"event": "slot", "name": "pending", "value": "subscribe:outage"},
    ]
    assert asked_kind(_tracker(asked)) == "community"
    offered = [{"event": "slot", "name": "pending", "value": "subscribe:bound"}]
    assert asked_kind(_tracker(offered)) == "confirm"


def test_the_latest_question_of_the_turn_wins() -> None:
    switch = [*_ask("address"), {"event": "slot", "name": "pending", "value": "switch:complaint"}]
    assert asked_kind(_tracker(switch, "repair_form", "address")) == "confirm"
    assert slot_kind("confirm_details") == "confirm"
    assert slot_kind("mystery") is None


def test_fallback_turns_and_responses() -> None:
    fallback: list[dict[str, Any]] = [
        {"event": "action", "name": "action_fallback"},
        {"event": "bot", "text": "抱歉", "metadata": {"utter_action": "utter_ask_rephrase"}},
        {"event": "rewind"},
    ]
    tracker = _tracker(fallback)
    assert is_fallback_turn(tracker)
    assert turn_responses(tracker) == ["utter_ask_rephrase"]
    assert not is_fallback_turn(_tracker(_ask("phone"), "repair_form", "phone"))


# ---- playing -------------------------------------------------------------------------------------


class ScriptedBot:
    """A stand-in stack: `asks` maps a message to what the bot asks after it."""

    def __init__(self, asks: dict[str, str | None], first: str | None = None) -> None:
        self.asks = asks
        self.sent: list[tuple[str, str, str]] = []

    def turn(self, sender: str, text: str, source: str) -> Turn:
        self.sent.append((sender, text, source))
        return Turn(text, (f"re: {text}",), asked=self.asks.get(text), source=source)


def _conversation(
    steps: Sequence[Step], facts: dict[str, str] | None = None, expect: Expectation | None = None
) -> Conversation:
    return Conversation(
        "c-1", "测试", "personas", tuple(steps), facts or {}, expect or Expectation()
    )


def test_a_when_asked_step_is_sent_only_while_its_kind_is_asked() -> None:
    conversation = _conversation(
        [Step("暖气不热"), Step("幸福里3号楼", "address"), Step("明天上午", "time")]
    )
    bot = ScriptedBot({"暖气不热": "address", "幸福里3号楼": None})
    transcript = play(conversation, bot, "s1")
    assert [text for _, text, _ in bot.sent] == ["暖气不热", "幸福里3号楼"]
    assert [(s.step.say, s.asked, s.after_turns) for s in transcript.skipped] == [
        ("明天上午", None, 2)
    ]
    assert {sender for sender, _, _ in bot.sent} == {"s1"}


def test_questions_no_step_answers_are_answered_from_facts() -> None:
    conversation = _conversation(
        [Step("暖气不热"), Step("明天上午", "time")],
        facts={"address": "幸福里小区3号楼2单元501", "phone": "13812345678", "confirm": "对"},
    )
    bot = ScriptedBot(
        {
            "暖气不热": "address",
            "幸福里小区3号楼2单元501": "phone",
            "13812345678": "time",
            "明天上午": "confirm",
            "对": None,
        }
    )
    transcript = play(conversation, bot, "s1")
    assert [(text, source) for _, text, source in bot.sent] == [
        ("暖气不热", "step"),
        ("幸福里小区3号楼2单元501", "fact"),
        ("13812345678", "fact"),
        ("明天上午", "step"),
        ("对", "fact"),
    ]
    assert not transcript.skipped


def test_a_kind_a_later_step_answers_is_left_to_that_step() -> None:
    conversation = _conversation(
        [Step("暖气不热"), Step("明天上午", "time"), Step("幸福里3号楼", "address")],
        facts={"address": "幸福里小区3号楼2单元501"},
    )
    bot = ScriptedBot({"暖气不热": "address"})
    transcript = play(conversation, bot, "s1")
    assert [text for _, text, _ in bot.sent] == ["暖气不热", "幸福里3号楼"]
    assert [s.step.say for s in transcript.skipped] == ["明天上午"]


class ReadingBackBot(ScriptedBot):
    """Asks for a yes after the details, with the read-back response or another offer."""

    def __init__(self, read_back: bool) -> None:
        super().__init__({"暖气不热 阳光花园5号楼 13812345678 明天上午": "confirm"})
        self.response = "utter_read_back" if read_back else "utter_offer_human"

    def turn(self, sender: str, text: str, source: str) -> Turn:
        turn = super().turn(sender, text, source)
        return Turn(turn.user, turn.replies, turn.asked, source, responses=(self.response,))


@pytest.mark.parametrize("read_back", [True, False])
def test_a_read_back_without_a_confirm_fact_is_answered_yes_and_no_other_offer(
    read_back: bool,
) -> None:
    conversation = _conversation([Step("暖气不热 阳光花园5号楼 13812345678 明天上午")])
    bot = ReadingBackBot(read_back)
    play(conversation, bot, "s1")
    assert [text for _, text, _ in bot.sent][1:] == (["对"] if read_back else [])


def test_answers_from_facts_stop_after_the_budget() -> None:
    conversation = _conversation([Step("报修")], facts={"phone": "010-6234 5678"})
    bot = ScriptedBot({"报修": "phone", "010-6234 5678": "phone"})
    transcript = play(conversation, bot, "s1")
    assert len(transcript.turns) == 1 + MAX_EXTRA_TURNS


# ---- judging -------------------------------------------------------------------------------------


def _ticket(kind: str = "BX", **fields: Any) -> TicketRow:
    values: dict[str, Any] = {
        "ticket_no": f"{kind}202612060001",
        "kind": kind,
        "status": "new",
        "fault_type": "no_heat",
        "community": "阳光花园",
        "phone": "13812345678",
    }
    return TicketRow(**{**values, **fields})


REPAIR = _conversation(
    [Step("暖气不热"), Step("阳光花园5号楼1单元302", "address"), Step("13812345678", "phone")],
    expect=Expectation(
        tickets=(
            ExpectedTicket("BX", urgent=False, fault_type="no_heat", community="阳光花园小区",
                           contact_phone="138-1234-5678"),
        ),
        outcomes=("apology",),
        replies_include_any=(("工单", "单号"),),
        replies_exclude=("张伟",),
    ),
)  # fmt: skip


def _transcript(*turns: Turn) -> Transcript:
    return Transcript("c-1", "s1", list(turns))


def _repair_turns(ticket: TicketRow | None = None, last_reply: str = "") -> list[Turn]:
    made = (ticket or _ticket(),)
    return [
        Turn("暖气不热", ("抱歉给您添麻烦了。请告诉我地址。",), asked="address"),
        Turn("阳光花园5号楼1单元302", ("请留手机号。",), asked="phone"),
        Turn("13812345678", (last_reply or "已为您登记报修，工单号 BX202612060001。",),
             tickets=made),
    ]  # fmt: skip


def _keys(conversation: Conversation, transcript: Transcript) -> list[str]:
    return [f.key for f in judge(conversation, transcript, CONTEXT).failures]


def test_a_conversation_that_does_what_it_should_reaches_its_goal() -> None:
    verdict = judge(REPAIR, _transcript(*_repair_turns()), CONTEXT)
    assert verdict.goal, verdict.failures
    assert verdict.turns == 3 and verdict.turns_to_goal == 3
    assert not verdict.traps and verdict.fallback_turns == 0


def test_turns_to_goal_is_the_first_turn_after_which_everything_held() -> None:
    turns = [*_repair_turns(), Turn("谢谢", ("不客气",), tickets=(_ticket(),))]
    assert judge(REPAIR, _transcript(*turns), CONTEXT).turns_to_goal == 3
    # a goal that only forbids something is reached by the whole conversation
    only_no_ticket = _conversation([Step("你好")], expect=Expectation(tickets=()))
    verdict = judge(
        only_no_ticket, _transcript(Turn("你好", ("您好",)), Turn("再见", ("再见",))), CONTEXT
    )
    assert verdict.goal and verdict.turns_to_goal == 2


def test_fails_without_the_expected_ticket() -> None:
    turns = _repair_turns()
    turns[-1] = replace(turns[-1], tickets=())
    assert _keys(REPAIR, _transcript(*turns)) == ["ticket missing: BX"]


@pytest.mark.parametrize(
    ("field", "value", "key"),
    [
        ("urgent", True, "ticket field: urgent"),
        ("fault_type", "leak", "ticket field: fault_type"),
        ("community", "幸福里小区", "ticket field: community"),
        ("phone", "13900000000", "ticket field: contact_phone"),
        ("phone", None, "ticket field: contact_phone"),
    ],
)
def test_fails_on_a_wrong_ticket_field(field: str, value: Any, key: str) -> None:
    turns = _repair_turns(_ticket(**{field: value}))
    assert _keys(REPAIR, _transcript(*turns)) == [key]


def test_a_landline_with_extension_matches_however_it_is_written() -> None:
    expect = Expectation(tickets=(ExpectedTicket("BX", contact_phone="01062345678-8021"),))
    conversation = _conversation([Step("报修")], expect=expect)
    stored = _ticket(phone="010-62345678转8021")
    assert judge(conversation, _transcript(Turn("报修", ("好",), tickets=(stored,))), CONTEXT).goal


def test_fails_on_an_unwanted_ticket_but_not_on_a_handoff_record() -> None:
    none_wanted = _conversation([Step("你好")], expect=Expectation(tickets=()))
    created = _transcript(Turn("你好", ("好",), tickets=(_ticket("TS"),)))
    assert _keys(none_wanted, created) == ["unexpected ticket: TS"]
    handoff = _transcript(Turn("转人工", ("已为您转人工",), tickets=(_ticket("RG"),)))
    assert judge(none_wanted, handoff, CONTEXT).goal
    # without a `tickets` expectation, tickets are not judged
    assert judge(_conversation([Step("你好")]), created, CONTEXT).goal


def test_cancellation_expected() -> None:
    wanted = Expectation(tickets=(ExpectedTicket("CW", community="阳光花园"),), cancelled=("CW",))
    conversation = _conversation([Step("测温")], expect=wanted)
    cancelled = _ticket("CW", status="cancelled")
    assert judge(
        conversation, _transcript(Turn("取消", ("已取消",), tickets=(cancelled,))), CONTEXT
    ).goal
    still_open = _transcript(Turn("取消", ("好",), tickets=(_ticket("CW"),)))
    assert _keys(conversation, still_open) == ["not cancelled: CW"]
    only_cancelled = _conversation([Step("撤销")], expect=Expectation(cancelled=("BX",)))
    assert judge(
        only_cancelled,
        _transcript(Turn("撤", ("好",), tickets=(_ticket(status="cancelled"),))),
        CONTEXT,
    ).goal
    assert _keys(only_cancelled, _transcript(Turn("撤", ("好",)))) == ["not cancelled: BX"]


def test_fails_when_a_wanted_ticket_was_cancelled() -> None:
    turns = _repair_turns(_ticket(status="cancelled"))
    assert _keys(REPAIR, _transcript(*turns)) == ["ticket cancelled: BX"]


def test_fails_on_a_second_ticket_of_a_kind() -> None:
    turns = _repair_turns()
    second = _ticket(ticket_no="BX202612060002")
    turns[-1] = replace(turns[-1], tickets=(_ticket(), second))
    assert _keys(REPAIR, _transcript(*turns)) == ["second ticket: BX"]
    # two of a kind nobody wanted: unwanted, and a second ticket
    none_wanted = _conversation([Step("你好")], expect=Expectation(tickets=()))
    two = _transcript(Turn("x", ("好",), tickets=(_ticket(), second)))
    assert _keys(none_wanted, two) == ["unexpected ticket: BX"] * 2 + ["second ticket: BX"]


def test_fails_when_no_reply_holds_an_expected_phrase() -> None:
    turns = _repair_turns(last_reply="好的，我们会安排。")
    assert _keys(REPAIR, _transcript(*turns)) == ["reply missing"]


def test_a_reply_with_an_excluded_fact_is_a_wrong_fact() -> None:
    turns = _repair_turns(last_reply="张伟您好，工单号 BX202612060001。")
    verdict = judge(REPAIR, _transcript(*turns), CONTEXT)
    assert [f.key for f in verdict.failures] == ["wrong fact"]
    assert verdict.wrong_facts == ["张伟"]


def test_a_slot_asked_a_third_time_without_a_way_out_traps_the_resident() -> None:
    ask = "请留一个方便联系的手机号码（11位）。"
    again = [Turn(f"试{i}", (ask,), asked="phone") for i in range(4)]
    assert find_traps(again) == [find_traps(again)[0]]
    trap = find_traps(again)[0]
    assert (trap.kind, trap.turn, trap.times) == ("phone", 3, 3)
    conversation = _conversation([Step("报修")])
    assert _keys(conversation, _transcript(*again)) == ["trapped slot"]
    # twice is allowed, and a third ask that offers a way out is not a trap
    assert not find_traps(again[:2])
    out = replace(again[2], replies=(ask + "不方便的话可以回复“跳过”或转人工。",))
    assert not find_traps([*again[:2], out])
    hotline = replace(again[2], replies=(ask + f"也可拨打{HOTLINE}。",))
    assert find_traps([*again[:2], hotline]) and not find_traps([*again[:2], hotline], HOTLINE)
    # a different question in between starts a new count
    assert not find_traps([again[0], again[1], Turn("x", ("?",), asked="time"), again[2]])


def test_fallback_turns_are_counted_but_do_not_fail_the_goal() -> None:
    turns = _repair_turns()
    turns.insert(1, Turn("嗯嗯嗯", ("抱歉，我没太明白。",), asked="address", fallback=True))
    verdict = judge(REPAIR, _transcript(*turns), CONTEXT)
    assert verdict.goal and verdict.fallback_turns == 1


OUTCOME_CASES = [
    (
        "outage_named",
        "幸福里小区抢修停热：主管线爆管抢修，预计16:43恢复供热。",
        "幸福里暂时没有消息。",
    ),
    ("outage_named", "金色家园 12月9日 计划检修停热。", "您小区的停热安排请关注通知。"),
    ("hotline_given", "请拨打服务热线 400-000-0000。", "请拨打服务热线。"),
    ("hotline_given", "热线：4000000000", "请拨打 400-000-0001。"),
    ("fee_shown", "应缴 2148.00 元，已缴 0.00 元。", "每平方米每供暖季24元，每千瓦时0.16元。"),
    ("fee_not_shown", "需要先验证户号。", "尚欠 123.45 元。"),
    ("handed_to_human", "已为您转人工，登记号 RG202612060001。", "需要为您转人工客服吗？"),
    ("handed_to_human", "正在为您转接人工客服，预计等待约3分钟。", "客服电话忙。"),
    ("apology", "不好意思，让您久等了。", "好的。"),
    ("verification_alternative", "也可以携带身份证到营业厅办理。", "请输入后四位。"),
]


@pytest.mark.parametrize(("outcome", "shows", "misses"), OUTCOME_CASES)
def test_each_outcome_is_seen_in_a_reply_that_shows_it_and_fails_without(
    outcome: str, shows: str, misses: str
) -> None:
    conversation = _conversation(
        [Step("我家在幸福里小区，暖气不热"), Step("那金色家园呢")],
        expect=Expectation(outcomes=(outcome,)),
    )
    assert outcome in detect_outcomes(conversation, [shows], False, CONTEXT)
    assert judge(conversation, _transcript(Turn("x", (shows,))), CONTEXT).goal
    assert _keys(conversation, _transcript(Turn("x", (misses,)))) == [f"outcome missing: {outcome}"]


def test_outage_named_wants_the_conversations_own_community() -> None:
    about_jinse = _conversation(
        [Step("金色家园停暖吗")], expect=Expectation(outcomes=("outage_named",))
    )
    other = "幸福里小区抢修停热。"
    assert "outage_named" not in detect_outcomes(about_jinse, [other], False, CONTEXT)
    # a community without an outage counts when the conversation is about it (its status named)
    about_heping = _conversation([Step("和平里停暖了吗")], facts={"address": "和平里8号楼2单元301"})
    assert "outage_named" in detect_outcomes(
        about_heping, ["和平里目前没有停热安排。"], False, CONTEXT
    )


def test_a_handoff_in_the_store_counts_without_words() -> None:
    conversation = _conversation(
        [Step("经理呢")], expect=Expectation(outcomes=("handed_to_human",))
    )
    assert judge(conversation, _transcript(Turn("经理呢", ("…",), handed_over=True)), CONTEXT).goal
    rg = _transcript(Turn("经理呢", ("…",), tickets=(_ticket("RG"),)))
    assert judge(conversation, rg, CONTEXT).goal


def test_a_stack_error_fails_the_conversation() -> None:
    broken = Transcript("c-1", "s1", error="URLError: refused")
    assert _keys(_conversation([Step("你好")]), broken) == ["stack error"]


# ---- figures and reports -------------------------------------------------------------------------


def _verdicts() -> list[Any]:
    passed = judge(REPAIR, _transcript(*_repair_turns()), CONTEXT)
    other = replace(REPAIR, id="c-2", source="angry")
    failed = judge(other, _transcript(*_repair_turns(last_reply="张伟您好")), CONTEXT)
    ask = "请留手机号。"
    trapped_conv = replace(REPAIR, id="c-3", source="angry", expect=Expectation())
    trapped = judge(
        trapped_conv,
        _transcript(*[Turn(str(i), (ask,), asked="phone", fallback=i == 0) for i in range(3)]),
        CONTEXT,
    )
    return [passed, failed, trapped]


def test_summary_figures_per_file_and_reasons() -> None:
    summary = summarise(_verdicts())
    overall = summary.overall
    assert (overall.conversations, overall.goals) == (3, 1)
    assert overall.goal_rate == pytest.approx(1 / 3)
    assert overall.mean_turns_to_goal == 3
    assert (overall.trapped_slots, overall.wrong_facts) == (1, 1)
    assert overall.fallback_rate == pytest.approx(1 / 9)
    assert set(summary.by_file) == {"angry", "personas"}
    assert summary.by_file["angry"].goals == 0 and summary.by_file["personas"].goal_rate == 1
    assert [(k, n, i) for k, n, i in summary.reasons][:1] == [("reply missing", 1, "c-2")]
    assert {k for k, _, _ in summary.reasons} == {"reply missing", "wrong fact", "trapped slot"}


def test_reports_hold_every_failed_transcript_and_the_figures(tmp_path: Path) -> None:
    verdicts = _verdicts()
    result = DialogueResult(verdicts, summarise(verdicts), overlaps=[], gate=0.5, files=["x.yml"])
    markdown = render_markdown(result, "python -m bot dialogue")
    assert "### c-2 (angry)" in markdown and "### c-3 (angry)" in markdown
    assert "### c-1 " not in markdown  # passed: only in the JSON
    assert "**wrong fact**" in markdown and "张伟您好" in markdown
    text = render_text(result)
    assert "goal rate" in text and "33.3 %" in text and "FAIL" in text
    assert result.passes_gate is False
    paths = write_reports(result, tmp_path)
    data = json.loads(paths[0].read_text(encoding="utf-8"))
    assert [c["goal"] for c in data["conversations"]] == [True, False, False]
    assert data["figures"]["trapped_slots"] == 1
    assert to_json(result)["by_file"]["angry"]["conversations"] == 2


def test_two_runs_are_compared_turn_by_turn_by_the_responses_chosen() -> None:
    """The stock-Rasa pass of `make test` is compared with the patched pass by this: the same
    responses in every turn, not only the same goals (reply texts differ in ticket numbers)."""
    verdicts = _verdicts()
    result = DialogueResult(verdicts, summarise(verdicts), overlaps=[], gate=0.5, files=["x.yml"])
    first = to_json(result)
    second = json.loads(json.dumps(first))
    assert diverging_turns(first, second) == []
    for turn in second["conversations"][1]["turn_log"]:
        turn["replies"] = [r.replace("1", "2") for r in turn["replies"]]
    assert diverging_turns(first, second) == []
    changed = second["conversations"][1]["turn_log"][-1]
    changed["responses"] = [*changed["responses"], "utter_something_else"]
    missing = second["conversations"].pop(0)
    lines = diverging_turns(first, second)
    assert len(lines) == 2
    assert lines[0] == f"{missing['id']}: played in only one run"
    assert lines[1].startswith("c-2 turn ") and "utter_something_else" in lines[1]
    second["conversations"][0]["turn_log"].pop()
    assert "turns vs" in diverging_turns(first, second)[1]


# ---- runner parts that need no stack -------------------------------------------------------------


def test_step_overlaps_reuses_the_nlu_check(tmp_path: Path) -> None:
    train = tmp_path / "nlu.yml"
    train.write_text(
        'version: "3.1"\nnlu:\n- intent: report_repair\n  examples: |\n'
        "    - 家里暖气片一点都不热了\n    - 好的\n",
        encoding="utf-8",
    )
    conversations = [
        _conversation([Step("家里暖气片一点都不热了！"), Step("好的", "confirm")]),
        replace(_conversation([Step("好的")]), id="c-2"),
        replace(_conversation([Step("我要交暖气费")]), id="c-3"),
    ]
    found = step_overlaps(conversations, train, tmp_path / "no-config.yml")
    by_text = {o.overlap.test_text: o for o in found}
    assert set(by_text) == {"家里暖气片一点都不热了！", "好的"}
    assert by_text["好的"].short and by_text["好的"].conversations == ("c-1", "c-2")
    assert not by_text["家里暖气片一点都不热了！"].short
    assert by_text["家里暖气片一点都不热了！"].overlap.kind == "exact"


def test_store_state_reads_the_rest_senders_tickets_and_handoffs(
    store_url: str, now: datetime
) -> None:
    from bot.store.db import session_scope
    from bot.store.handoffs import HandoffDraft, create_session
    from bot.store.tickets import TicketDraft, create_ticket

    with session_scope(store_url) as session:
        create_ticket(session, TicketDraft("BX", "rest", "rest:me", phone="13812345678"), now)
        create_ticket(session, TicketDraft("CW", "rest", "rest:me"), now + timedelta(seconds=1))
        create_ticket(session, TicketDraft("BX", "rest", "rest:someone-else"), now)
        create_session(
            session,
            HandoffDraft("rest", "rest:me", "request", 0, "console", now + timedelta(minutes=5)),
            now,
        )
    client = RestClient("http://127.0.0.1:1", "token", store_url)
    tickets, handed_over = client.store_state("me")
    assert [(t.kind, t.phone) for t in tickets] == [("BX", "13812345678"), ("CW", None)]
    assert handed_over
    assert client.store_state("nobody") == ((), False)


def test_a_conversations_verification_tries_are_forgotten_once_it_is_judged(
    store_url: str, now: datetime
) -> None:
    """Strangers' wrong digits in one conversation must not cool down the account for the
    owner in another conversation of the same set."""
    from sqlalchemy import select

    from bot.evaluation import dialogue_run
    from bot.store.db import session_scope
    from bot.store.models import VerificationAttempt
    from bot.store.verification import record_attempt

    with session_scope(store_url) as session:
        for sender in ("rest:run-c-1", "rest:run-c-2"):
            record_attempt(session, "rest", sender, "0102345679", False, now)
        record_attempt(session, "wechat", "rest:run-c-1", "0102345679", False, now)

    class Offline(RestClient):
        def send(self, sender: str, text: str) -> list[str]:
            raise OSError("no stack")

    client = Offline("http://127.0.0.1:1", "token", store_url)
    played = dialogue_run._play_one(_conversation([Step("查费")]), client, "run", CONTEXT)
    assert played.transcript.error is not None
    with session_scope(store_url) as session:
        left = session.execute(
            select(VerificationAttempt.channel, VerificationAttempt.sender_id)
        ).all()
    assert sorted(left) == [("rest", "rest:run-c-2"), ("wechat", "rest:run-c-1")]


def test_a_conversations_applications_without_the_account_are_forgotten_once_it_is_judged(
    store_url: str, now: datetime
) -> None:
    """Another conversation of the set is another resident on another day: the 报停 one filed
    for a demo flat must not stand for that flat in the next, nor count for its phone."""
    from bot.evaluation import dialogue_run
    from bot.policy import load_policy
    from bot.services import applications
    from bot.store.db import session_scope
    from bot.store.tickets import TicketDraft, get_ticket

    policy = load_policy("beijing", fresh=True)

    def apply(sender: str, room: str, key: str) -> applications.Filing:
        draft = TicketDraft(
            kind="BT",
            channel="rest",
            sender_id=sender,
            dedup_key=key,
            phone="13912345679",
            address=f"幸福里小区3号楼2单元{room}",
            community="幸福里小区",
            building="3",
            unit="2",
            room=room,
        )
        with session_scope(store_url) as session:
            return applications.file_unverified(session, policy, draft, now)

    filed = [apply("rest:run-c-1", room, f"k{room}") for room in ("501", "502")]
    assert all(f.outcome == applications.FILED for f in filed)

    class Offline(RestClient):
        def send(self, sender: str, text: str) -> list[str]:
            raise OSError("no stack")

    client = Offline("http://127.0.0.1:1", "token", store_url)
    dialogue_run._play_one(_conversation([Step("报停")]), client, "run", CONTEXT)
    assert apply("rest:run-c-9", "501", "k9").outcome == applications.FILED
    with session_scope(store_url) as session:
        statuses = [get_ticket(session, f.ticket.ticket_no).status for f in filed if f.ticket]
    assert statuses == ["cancelled", "cancelled"]


def test_conversations_sharing_a_flat_phone_or_account_are_played_one_after_the_other() -> None:
    """What one leaves in the store (an open application, wrong digits) is forgotten before
    the next that names the same flat, phone or account starts, whatever the workers' timing."""
    facts = [
        {"address": "幸福里小区3号楼2单元501", "phone": "13912345679"},
        {"address": "阳光花园5号楼1单元302"},
        {"phone": "139 1234 5679"},  # the first's phone, spaced
        {"account_no": "0102345678"},
        {"address": "阳光花园5号楼1单元302", "account_no": "0102345678"},  # joins 1 and 3
        {},
    ]
    conversations = [_conversation([Step("报停")], f) for f in facts]
    assert shared_chains(conversations) == [[0, 2], [1, 3, 4], [5]]


def test_the_command_is_registered_and_refuses_a_bad_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot import cli

    bad = tmp_path / "bad.yml"
    bad.write_text("conversations:\n  - id: x\n", encoding="utf-8")
    assert cli.main(["dialogue", "--files", str(bad)]) == 2
    assert "bad:x.steps" in capsys.readouterr().err
    assert cli.main(["dialogue", "--files", str(tmp_path / "missing.yml")]) == 2
    assert cli.main(["dialogue", "--gate", "120%"]) == 2


def test_a_ticket_taken_back_at_its_read_back_counts_as_cancelled() -> None:
    """Writers do not know of the read-back: 撤了吧 said there leaves nothing filed (dev hav-023,
    hav-047), which is the cancellation they expected; another kind's read-back is not."""
    read_back = "提交前跟您核对一下： / · 问题：暖气不热 / · 地址：和平里2号楼1单元302"
    shown = Turn("今天下午 电话13701098765", (read_back,), responses=("utter_read_back",))
    taken_back = Turn("那个单子帮我撤了吧", ("好的，这次就不提交了",), responses=(
        "utter_read_back_withdrawn",
    ))
    repair_withdrawn = _conversation(
        [Step("报修")], expect=Expectation(tickets=(ExpectedTicket("BX"),), cancelled=("BX",))
    )
    assert judge(repair_withdrawn, _transcript(shown, taken_back), CONTEXT).goal
    complaint_withdrawn = _conversation([Step("投诉")], expect=Expectation(cancelled=("TS",)))
    assert _keys(complaint_withdrawn, _transcript(shown, taken_back)) == ["not cancelled: TS"]
    # the read-back shown but not taken back: nothing was cancelled
    never_withdrawn = _keys(repair_withdrawn, _transcript(shown))
    assert never_withdrawn == ["not cancelled: BX", "ticket missing: BX"]
