"""Player findings 5, classes F and H (docs/dialogue.md, "Round five, h5"): the text rules that
read a follow-up against the last topic. Each rule has the player's wording, wordings of our own,
and look-alikes that must stay what they were."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.nlu.complaints import complaint_category_of, stop_answers_complaint
from bot.nlu.offer_answers import takes_offer
from bot.nlu.requests import asks_when_we_reply
from bot.nlu.resident_requests import request_instead, resident_request
from bot.nlu.stop_day import asks_stop_day_care, asks_stop_times, asks_warming_aid
from bot.nlu.stop_follow_ups import (
    SaidTime,
    claims_losses,
    demands_compensation,
    names_the_stop,
    stop_follow_up,
    time_supposed,
)
from bot.services.halls import asks_hall_documents

NOW = datetime(2026, 12, 7, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


# --- F: the follow-ups about a stop -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "told", "kind"),
    [
        # a refund for the stop (p5-010, p5-088 and ours)
        ("那我这个月的暖气费能少交点不 天天这么停", True, "refund"),
        ("我不是低保 我是说停暖了能不能退钱", True, "refund"),
        ("幸福里的 停了一天暖气 这一天的钱退不退", False, "refund"),
        ("我们是停暖 不是不达标 今天这一天算不算", True, "refund"),
        ("停暖那几个小时的暖气费还要交吗", False, "refund"),
        ("停热有没有补偿", False, "refund"),
        ("能退钱吗", True, "refund"),
        # goods the cold spoilt (p5-031 and ours)
        ("我问的是冻坏的货你们赔不赔", True, "losses"),
        ("停暖把我店里的酸奶冻坏了 要赔偿", True, "losses"),
        ("那我这店里损失你们管吗", True, "losses"),
        ("鱼缸里的鱼都冻死了 这个谁负责", True, "losses"),
        # what the household does that day (p5-033, p5-060 and ours)
        ("哦周四啊 那周四那天我在家等着就行？需要我做什么不", True, "presence"),
        ("停暖那天要在家吗 要不要关阀门", False, "presence"),
        ("我家住金色家园 周四停暖 我能不能那天不在家 师傅要进屋吗", False, "presence"),
        ("我是问周四检修那天家里要不要留人", False, "presence"),
        ("那天我们俩都上班 家里不用留人吧", True, "presence"),
        # one thing or not (p5-075 and ours)
        ("那我家跟主管线爆管是一回事吗 你们那边修好了我家也好了？", True, "same"),
        ("是一回事吗", True, "same"),
        ("我家不热跟这个抢修有关系吗", True, "same"),
        ("是不是你们主管线抢修闹的", True, "same"),
        # a restore time supposed back (p5-001 and ours)
        ("那就是说晚上十一点多才有热乎气？", True, "restore"),
        ("那意思是傍晚六点左右就能暖和了？", True, "restore"),
        ("要到明天才有暖气吗", True, "restore"),
    ],
)
def test_a_follow_up_about_the_stop_is_read_as_its_kind(text: str, told: bool, kind: str) -> None:
    assert stop_follow_up(text, told) == kind


@pytest.mark.parametrize(
    ("text", "told"),
    [
        ("报停了能退钱吗", True),  # the resident's own season off: the 报停 rules
        ("交重了怎么退", True),  # a double payment
        ("那师傅什么时候上门", True),  # a visit, not the stop day
        ("暖气片冻裂了谁负责", True),  # a burst radiator: a leak, not goods
        ("好的谢谢", True),
        ("那得几点才能来暖", True),  # when: the outage answer's
        ("恢复以后要是还不热怎么办", True),  # after the stop: its own answer
        ("是一回事吗", False),  # nothing told, nothing named
        ("能退钱吗", False),  # no stop told or named: the refund topic
        ("我家暖气不热 有关部门管不管", False),
    ],
)
def test_look_alikes_are_no_follow_up_about_a_stop(text: str, told: bool) -> None:
    assert stop_follow_up(text, told) is None


def test_a_stop_is_named_by_its_words_not_by_a_stop_application() -> None:
    assert names_the_stop("停暖的事能去那问吗")
    assert names_the_stop("天天这么停")
    assert not names_the_stop("我要报停")
    assert not names_the_stop("交重了")


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("那就是说晚上六点多才有热乎气？", SaidTime(0, 18, 19)),
        ("那就是说晚上十一点多才有热乎气？", SaidTime(0, 23, 24)),
        ("得等到傍晚才来暖是吧", SaidTime(0, 17, 19.5)),
        ("6点半能来暖吗", SaidTime(0, 18, 19)),
        ("明天上午9点才恢复？", SaidTime(1, 8.5, 9.5)),
        ("要到明天才有暖气吗", SaidTime(1, 0, 24)),
    ],
)
def test_the_time_supposed_is_read_as_a_span(text: str, said: SaidTime) -> None:
    assert time_supposed(text) == said


@pytest.mark.parametrize("text", ["晚上6点我去营业厅", "那得几点才能来暖", "暖气啥时候来"])
def test_no_time_supposed_without_a_time_of_the_heat_coming_back(text: str) -> None:
    assert time_supposed(text) is None


def test_goods_claimed_are_losses_and_a_demand_is_told_from_a_question() -> None:
    assert claims_losses("冰柜外面摆的饮料都冻裂了 这个损失谁来赔")
    assert not claims_losses("管子冻裂了谁负责")  # a pipe: a leak
    assert demands_compensation("停暖把我店里的酸奶冻坏了 要赔偿")
    assert demands_compensation("饮料冻裂了十几箱 要求赔偿")
    assert not demands_compensation("冻坏的货你们赔不赔")


def test_a_claim_for_spoilt_goods_is_filed_as_other_and_not_answered_by_the_stop() -> None:
    """p5-031: 停暖把我店里的酸奶冻坏了 要赔偿 was filed as 室温不达标, and the complaint form
    offered the stop instead of registering it."""
    assert complaint_category_of("停暖把我店里的酸奶冻坏了 要赔偿") == "其他"
    assert complaint_category_of("屋里冻死了 暖气冰凉") == "室温不达标"  # a cold home stays
    assert not stop_answers_complaint("我问的是冻坏的货你们赔不赔")
    assert stop_answers_complaint("暖气冰凉 到底啥时候来")


def test_preparing_asked_beside_the_times_is_care_after_the_times() -> None:
    """p5-004: 那天几点停几点来 我家里有老人要不要准备啥 got the times alone."""
    text = "那天几点停几点来 我家里有老人要不要准备啥"
    assert asks_stop_day_care(text, stop_told=True)
    assert asks_stop_times(text)
    assert asks_stop_day_care("家里还有个九十岁的老娘在 停暖那天该怎么准备")
    assert not asks_stop_day_care("几点来暖 家里有老人", stop_told=True)
    assert not asks_stop_day_care("必须今天来暖 要准备啥", stop_told=True)


# --- H: a short follow-up read against the last topic ------------------------------------------


@pytest.mark.parametrize(
    "text", ["那热水袋能用吗", "给他贴暖宝宝行不行", "电热毯开着睡行不行", "小太阳安全吗"]
)
def test_a_warming_aid_asked_about(text: str) -> None:
    assert asks_warming_aid(text)


@pytest.mark.parametrize("text", ["空调开了也不热", "热水袋在哪买", "暖气能用吗"])
def test_no_warming_aid_asked(text: str) -> None:
    assert not asks_warming_aid(text)


@pytest.mark.parametrize(
    "text", ["多久能给我答复", "那多长时间能有个结果啊", "什么时候给我个说法", "啥时候回电话"]
)
def test_when_the_company_gets_back_is_asked(text: str) -> None:
    assert asks_when_we_reply(text)


@pytest.mark.parametrize(
    "text", ["那要带啥 我去办过户", "我在幸福里住 停暖的事能去那问吗 需要带啥", "得拿啥材料"]
)
def test_what_to_bring_is_a_hall_documents_question(text: str) -> None:
    assert asks_hall_documents(text)


@pytest.mark.parametrize(
    "text", ["暖气不热要带啥", "我家户号0102345678 要带什么", "营业厅几点关门"]
)
def test_a_fault_a_number_or_the_hours_are_no_documents_question(text: str) -> None:
    assert not asks_hall_documents(text)


@pytest.mark.parametrize(
    ("text", "intent", "meant"),
    [
        ("我是要查工单 不是查钱", "deny", "query_ticket"),  # p5-066
        ("不是查费 是查我报的那个单子", "deny", "query_ticket"),
        ("我是要查工单，不是查暖气费", "query_fee", "query_ticket"),
        ("不是这个意思 我要查进度", "correct_info", "query_ticket"),
        ("你理解错了 我要报修", "deny", "report_repair"),
        ("我是要报停 不是查费", "deny", "apply_stop_heating"),  # the rule it generalises
    ],
)
def test_a_request_put_in_place_of_the_reading(text: str, intent: str, meant: str) -> None:
    assert request_instead(text) == meant
    assert resident_request(intent, text, None) == meant


@pytest.mark.parametrize("text", ["不是", "不是查钱", "我不是要投诉 我就问问", "不对", "查单子"])
def test_a_plain_no_names_no_request_instead(text: str) -> None:
    assert request_instead(text) is None


def test_registering_is_the_yes_to_a_complaint_offer() -> None:
    """那就登记吧 after 现在帮您登记吗？ (the goods a stop spoilt) was read as a goodbye."""
    assert takes_offer("losses_claim", "那就登记吧", NOW)
    assert takes_offer("second:file_complaint", "给我记上", NOW)
    assert not takes_offer("losses_claim", "算了 不登记了", NOW)
