"""The FAQ answers in their SMS form: the same policy values, one SMS with the signature.

An SMS of more than 70 characters (the 【signature】 counted) is split and billed per 67-character
part, and the chat answers of `bot.policy.faq` run to 100. Each answer here keeps what the
resident asked for (the dates, the amounts, the deadline, the number to call) and drops the
explanations; the next step is a keyword code of the SMS channel (BX 报修, CW 测温) instead of a
sentence to type. `tests/unit/test_sms_replies.py` renders every one for every city's policy.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.policy.faq import number_text as _n
from bot.policy.faq import refund_tiers_text, sentence
from bot.policy.model import Policy
from bot.policy.rules import late_fee_start

_NOMINAL_YEAR = 2021
#: Characters of one SMS, the 【signature】 counted (longer texts are billed per 67-character part).
SMS_LIMIT = 70


def _heating_season(p: Policy) -> str:
    s = p.season
    return f"供暖期为每年{s.start.zh()}至次年{s.end.zh()}。期内家里不热，回复BX报修。"


def _payment_channels(p: Policy) -> str:
    return f"可通过{'、'.join(p.payment.channels)}缴费，请在每年{p.payment.deadline.zh()}前缴清。"


def _fee_standard(p: Policy) -> str:
    price = p.fees.area_price_per_m2
    text = f"采暖费按{p.fees.area_basis}每平方米每季{_n(price)}元，100平方米{_n(price * 100)}元。"
    if p.metering.available:
        text += "装热计量表的可按热计量结算。"
    return text


def _invoice(p: Policy) -> str:
    return f"可开{p.invoice.kind}，缴费后在线申请。其他开票问题请致电{p.company.hotline}。"


def _account_transfer(p: Policy) -> str:
    t = p.account_transfer
    return f"过户请带{'、'.join(t.documents)}到{t.where}办理。{sentence(t.conditions)}"


def _late_fee(p: Policy) -> str:
    deadline = p.payment.deadline
    due = deadline.in_year(_NOMINAL_YEAR)
    start = late_fee_start(p, due)
    start_text = ("次年" if start.year > due.year else "") + f"{start.month}月{start.day}日"
    rate = p.late_fee.daily_rate
    charge = "按合同收滞纳金" if rate is None else f"每日收欠费{_n(rate * 1000)}‰滞纳金"
    return f"请在每年{deadline.zh()}前缴清，{start_text}起{charge}。困难请致电{p.company.hotline}。"


def _room_temp_standard(p: Policy) -> str:
    room, rtc = p.room_temperature, p.room_temp_complaint
    text = f"卧室、起居室应不低于{_n(room.minimum_c)}℃"
    old = room.old_building_exception
    if old is not None:
        high = f"{_n(old.outdoor_mean_max_c)}℃"
        weather = (
            f"{high}及以下"
            if old.outdoor_mean_min_c is None
            else f"{_n(old.outdoor_mean_min_c)}至{high}"
        )
        text += f"（老旧建筑室外日均{weather}时{_n(old.minimum_c)}℃）"
    return f"{text}。不达标回复CW测温，{_n(rtc.measure_hours)}小时内上门。"


def _stop_heating_policy(p: Policy) -> str:
    stop = p.stop_heating
    share = (
        "按规定交基础热费"
        if stop.base_fee_share is None
        else f"交{_n(stop.base_fee_share * 100)}%基础热费"
    )
    return (
        f"报停请在每年{stop.apply_deadline.zh()}前申请，期间{share}，"
        f"{stop.process_working_days}个工作日办结。回复“我要报停”办理。"
    )


def _hotline_answer(p: Policy) -> str:
    c = p.company
    demo = "（演示号码）" if c.demo else ""
    text = f"服务热线{c.hotline}{demo}，{c.hotline_hours}。"
    if p.visit.require_work_id:
        text += "上门人员会出示工作证。"
    return text


def _heat_metering(p: Policy) -> str:
    m = p.metering
    if not m.available:
        return (
            f"暂未开通热计量，按{p.fees.area_basis}每平方米{_n(p.fees.area_price_per_m2)}元收费。"
        )
    return (
        f"热计量两部制：基本热费每平方米{_n(m.base_price_per_m2)}元，"
        f"计量热费每千瓦时{_n(m.energy_price_per_kwh)}元。详情致电{p.company.hotline}。"
    )


def _refund(p: Policy) -> str:
    hours = _n(p.refund.not_fixed_within_hours)
    return f"{hours}小时未修好按天退日热费：{refund_tiers_text(p, short=True)}。回复CW测温。"


_ANSWERS: dict[str, Callable[[Policy], str]] = {
    "heating_season": _heating_season,
    "payment_channels": _payment_channels,
    "fee_standard": _fee_standard,
    "invoice": _invoice,
    "account_transfer": _account_transfer,
    "late_fee": _late_fee,
    "room_temp_standard": _room_temp_standard,
    "stop_heating_policy": _stop_heating_policy,
    "hotline": _hotline_answer,
    "heat_metering": _heat_metering,
    "refund": _refund,
}


def sms_faq_answer(policy: Policy, key: str) -> str:
    """The SMS form of FAQ `key`'s answer for this policy; unknown key → `KeyError`."""
    return _ANSWERS[key](policy)


#: Where a sentence of a knowledge-base answer ends.
_SENTENCE_END = "。！？；"


def sms_topic_answer(policy: Policy, key: str, answer: str) -> str:
    """The SMS form of knowledge-base topic `key`: its own SMS form where one is written above,
    else the whole sentences of `answer` that fit one SMS with the signature and the pointer to
    the hotline (详询…), which the rest of the answer is behind. Deliberately shorter than the
    chat answer: a resident pays no second SMS part for what the hotline can tell."""
    try:
        return sms_faq_answer(policy, key)
    except KeyError:
        return sms_trimmed(policy, answer)


def sms_trimmed(policy: Policy, answer: str) -> str:
    """The whole sentences of `answer` that fit one SMS with the signature and the pointer to
    the hotline (详询…)."""
    pointer = f"详询{policy.company.hotline}。"
    budget = SMS_LIMIT - len(policy.company.sms_signature) - 2 - len(pointer)
    kept = ""
    for index, char in enumerate(answer):
        if char in _SENTENCE_END:
            if index + 1 > budget:
                break
            kept = answer[: index + 1]
    if not kept:
        kept = answer[: budget - 1].rstrip("，、") + "…"
    return kept + pointer
