"""Helper h2's classes as text rules, each in several wordings and with look-alikes that keep
their old reading (docs/dialogue.md, "Helper h2"):

1. the refused digits disputed (`disputes_mismatch`), and sent to the verification at the last-4
   question after a mismatch (`FormAnswerPolicy`);
2. a demand for what happens at a complaint's read-back (`demands_an_answer`), and a yes in the
   words "file it as it stands" (`files_with_a_note`: 就按投诉处理, 就这么提交, 投诉给我记上);
3. the matter a request to complain names (`complaint_matter`).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActiveLoop, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.nlu.agreement import files_with_a_note
from bot.nlu.complaints import complaint_matter, demands_an_answer
from bot.nlu.disputed_proof import disputes_mismatch
from bot.nlu.form_answer_policy import form_answer_turn

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(ROOT / "domain.yml"))


# ------------------------------------------------------------------ 1. the disputed digits


@pytest.mark.parametrize(
    "text",
    [
        "不可能不对，我就这一个手机号！",  # hail t hat-019
        "我的号怎么会错",
        "你们系统错了吧",
        "怎么可能对不上 我一直用的就是这个号",
        "明明就是我的手机号，你们搞错了吧",
        "系统是不是出毛病了 这号用了二十多年",
        "尾号没错啊，你再查查",
    ],
)
def test_a_protest_at_the_refused_digits_is_a_dispute(text: str) -> None:
    assert disputes_mismatch(text)


@pytest.mark.parametrize(
    "text",
    [
        "5678",
        "我记错了 是5678",
        "我要投诉你们态度差",
        "登记的是以前的号 早停机了 尾号记不得了",  # cannot give it: `cannot_provide`'s
        "暖气出问题了",
        "不对",
        "",
    ],
)
def test_other_answers_are_no_dispute(text: str) -> None:
    assert not disputes_mismatch(text)


def _user(text: str, intent: str) -> UserUttered:
    parse_data = {"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": []}
    return UserUttered(text, parse_data["intent"], [], parse_data)


def _asking(
    domain: Domain, form: str, question: str, bot: list[BotUttered], said: UserUttered
) -> DialogueStateTracker:
    """`form` asked `question` (the bot's messages `bot` last), and the resident sent `said`."""
    return DialogueStateTracker.from_events(
        "t",
        [
            ActionExecuted(ACTION_LISTEN_NAME),
            ActiveLoop(form),
            SlotSet("requested_slot", question),
            ActionExecuted(form),
            *bot,
            ActionExecuted(ACTION_LISTEN_NAME),
            said,
        ],
        domain.slots,
    )


MISMATCH = BotUttered("户号与手机号后4位不匹配", metadata={"utter_action": "utter_verify_failed"})
ASK_LAST4 = BotUttered("请输入后4位", metadata={"utter_action": "utter_ask_phone_last4"})


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("不可能不对，我就这一个手机号！", "file_complaint"),
        ("我的号怎么会错", "faq"),
        ("你们系统错了吧", "report_meter_problem"),
    ],
)
def test_a_dispute_after_a_mismatch_goes_to_the_verification(
    domain: Domain, text: str, intent: str
) -> None:
    tracker = _asking(
        domain, "verify_form", "phone_last4", [MISMATCH, ASK_LAST4], _user(text, intent)
    )
    assert form_answer_turn(tracker) == "verify_form"


def test_before_any_mismatch_a_dispute_is_left_to_the_others(domain: Domain) -> None:
    said = _user("你们系统错了吧", "report_meter_problem")
    tracker = _asking(domain, "verify_form", "phone_last4", [ASK_LAST4], said)
    assert form_answer_turn(tracker) is None


# ------------------------------------------------------------------ 2. the complaint's read-back


@pytest.mark.parametrize(
    "text",
    [
        "你们除了道歉还能干什么？给我个说法",  # hail t hat-022
        "光道歉有什么用 你们打算怎么解决",
        "这事你们必须给个交代",
        "到底怎么处理",
    ],
)
def test_a_demand_for_what_happens_is_recognised(text: str) -> None:
    assert demands_an_answer(text)


@pytest.mark.parametrize("text", ["对", "就按投诉处理", "电话换成13912345678", "怎么办", ""])
def test_answers_and_changes_are_no_demand(text: str) -> None:
    assert not demands_an_answer(text)


@pytest.mark.parametrize(
    "text",
    [
        "就按投诉处理",  # hail t hat-022
        "就这么提交",
        "按这个报",
        "好，投诉给我记上",  # hail t hat-024
        "那就按投诉来办",
        "照这个提交吧",
        "行 给我记上吧",
    ],
)
def test_file_it_as_it_stands_is_a_yes_without_a_note(text: str) -> None:
    assert files_with_a_note(text) == ""


@pytest.mark.parametrize("text", ["按时处理", "处理一下吧", "你们打算怎么处理", "按这个地址改一下"])
def test_other_words_of_handling_are_no_yes(text: str) -> None:
    assert files_with_a_note(text) is None


READ_BACK = BotUttered(
    "提交前跟您核对一下：\n· 类别：维修不及时", metadata={"utter_action": "utter_read_back"}
)


@pytest.mark.parametrize(
    ("text", "intent"),
    [("你们除了道歉还能干什么？给我个说法", "file_complaint"), ("就按投诉处理", "file_complaint")],
)
def test_a_demand_or_file_it_at_the_complaints_list_goes_to_the_form(
    domain: Domain, text: str, intent: str
) -> None:
    tracker = _asking(
        domain, "complaint_form", "details_confirmed", [READ_BACK], _user(text, intent)
    )
    assert form_answer_turn(tracker) == "complaint_form"


# ------------------------------------------------------------------ 3. the matter named


@pytest.mark.parametrize(
    ("text", "matter"),
    [
        ("我要投诉你们通知不到位", "通知不到位"),  # hail t hat-024
        ("我要投诉你们客服态度差", "客服态度差"),
        ("投诉维修师傅没来", "维修师傅没来"),
        ("俺要举报你们乱收费", "乱收费"),
        ("投诉你们停暖不提前说一声", "停暖不提前说一声"),
    ],
)
def test_a_request_to_complain_names_its_matter(text: str, matter: str) -> None:
    assert complaint_matter(text) == matter


@pytest.mark.parametrize(
    "text",
    ["我要投诉", "我要投诉！", "我想投诉你们公司", "投诉你们的客服", "投诉他", "投诉 不知道找谁"],
)
def test_a_request_without_a_matter_names_none(text: str) -> None:
    assert complaint_matter(text) is None
