"""The eighth round's classes found on the glow p conversations (docs/dialogue.md, "Eighth round
(dlg9)"), each on the failing wording and wordings of our own, on both sides: the pure text rules
in bot.nlu.* and the intent corrections they drive (bot.nlu.guard.IntentCorrections)."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.address import near_community, parse_address
from bot.nlu.form_answers import only_asks_what_it_costs
from bot.nlu.payments import own_payment_not_shown
from bot.nlu.requests import complains, not_a_complaint

KNOWN = ["幸福里小区", "和平里", "金色家园", "阳光花园", "东风新村", "翠湖苑"]


def _corrected(text: str, intent: str) -> str:
    from bot.nlu.guard import IntentCorrections

    message = Message(data={"text": text, "intent": {"name": intent, "confidence": 0.5}})
    (out,) = IntentCorrections().process([message])
    return str(out.get("intent")["name"])


# --- a question whether something costs is no complaint about fees ---

COST_QUESTIONS = [
    "先问一嘴 你们来人修这玩意儿收钱不？",  # glp-002, at the repair form's phone question
    "师傅上门修要钱吗",
    "换个阀门得花多少钱啊 我先问清楚",
    "你们派人来看收费不，退休了手头紧",
    "修这个免费吗",
]


@pytest.mark.parametrize("text", COST_QUESTIONS)
def test_a_cost_question_read_as_a_complaint_is_a_question(text: str) -> None:
    assert only_asks_what_it_costs(text)
    assert _corrected(text, "file_complaint") == "faq"


@pytest.mark.parametrize(
    "text",
    [
        "修完还让我给他二百块钱 说是材料费",
        "凭什么上门就收钱",
        "上门修收费吗？上次那个师傅收了我一百",
        "你们乱收费 换个阀门要三百",
        "收钱倒是挺快 修暖气就没人了",
    ],
)
def test_a_charge_made_or_called_unfair_stays_a_complaint(text: str) -> None:
    assert not only_asks_what_it_costs(text)
    assert _corrected(text, "file_complaint") == "file_complaint"


def test_money_named_in_anger_is_no_cost_question() -> None:
    """ang-001 (CI set): 收钱 said of the company, in an angry repair, is no question."""
    text = (
        "你们到底还管不管了！！！暖气凉了整整三天了！！！"
        "收钱的时候咋那么积极，再不来人我直接打12345"
    )
    assert not only_asks_what_it_costs(text)
    assert _corrected(text, "file_complaint") != "faq"


# --- a complaint named and dropped in favour of a fitter is a repair ---

DROPPED = [
    "算了 投诉也没用 你们就派个靠谱的师傅来 给我彻底修好就行 投诉不用记了",  # glp-030
    "投诉就算了 赶紧派人来修",
    "投诉的事免了 你们派人来把漏水修好",
    "唉 投诉也没啥用 还是找个师傅上门给看看吧",
]


@pytest.mark.parametrize("text", DROPPED)
def test_a_dropped_complaint_with_a_fitter_asked_for_is_a_repair(text: str) -> None:
    assert not complains(text)
    assert not_a_complaint(text)
    assert _corrected(text, "file_complaint") == "report_repair"


@pytest.mark.parametrize(
    "text",
    [
        "我要投诉 修了三回还漏",
        "投诉了没用 还是不热 我要再投诉",
        "我要投诉你们 派的师傅一点用都没有",
    ],
)
def test_a_complaint_kept_stays_one(text: str) -> None:
    assert complains(text)
    assert _corrected(text, "file_complaint") == "file_complaint"


# --- a community of ours misspelt: pinyin for a character, 小区 for its own ending ---


@pytest.mark.parametrize(
    ("text", "community"),
    [
        ("听说金se家园这周要停暧？哪天啊 停到几点", "金色家园"),  # glp-035: told "no stop"
        ("xingfu里3号楼2单元101", "幸福里小区"),
        ("jin色家园2号楼", "金色家园"),
        ("cuihu苑2号楼1单元501", "翠湖苑"),
        ("阳光小区15号楼2单元701", "阳光花园"),  # glp-029: the 测温 was filed under 阳光小区
        ("和平小区2号楼1单元301", "和平里"),
        ("东风小区3号楼", "东风新村"),
        ("翠湖小区5号楼1单元202", "翠湖苑"),
    ],
)
def test_a_misspelt_community_of_ours_is_ours(text: str, community: str) -> None:
    assert parse_address(text, KNOWN).community == community


@pytest.mark.parametrize(
    "name", ["和平路", "阳光里小区", "长安小区", "ab家园", "se家园", "金色sd园"]
)
def test_other_places_are_not_taken_for_ours(name: str) -> None:
    assert near_community(name, KNOWN) is None


# --- one's own payment the bill does not show yet ---


@pytest.mark.parametrize(
    "text",
    [
        "我昨天晚上用支付宝交了暖气费 怎么今天公众号上还显示没交？",  # glp-024
        "俺妈上周去银行缴的 账单上还是欠费",
        "刚微信付完钱 咋还显示未缴",
        "明明交过了啊 短信还催缴",
    ],
)
def test_own_payment_not_shown(text: str) -> None:
    assert own_payment_not_shown(text)


@pytest.mark.parametrize(
    "text",
    ["交完费多久能到账", "缴完费怎么还提示欠费呢", "银行代扣的多久能显示", "我想交暖气费 在哪交"],
)
def test_a_general_question_about_posting_is_not_one(text: str) -> None:
    assert not own_payment_not_shown(text)


@pytest.mark.parametrize(
    "text", ["算了算了 投诉先不弄了 你们先派人来量量温度吧", "投诉就算了 派个人来给测测室温"]
)
def test_a_complaint_dropped_for_a_measurement_is_no_repair(text: str) -> None:
    """The frost set's class: the 测温 is what is asked (actions/service_requests.py)."""
    assert _corrected(text, "file_complaint") != "report_repair"
