"""Customer-facing Chinese texts built from a policy: FAQ answers and small notices.

The answers are composed from the policy's values rather than written out per city, so an edit to
a company's file (a new deadline, another hotline) changes every answer that mentions it and no
answer can contradict the rules the tickets are held to. Each answer fits one chat bubble
(about 150 characters) and ends with what the customer can do next.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.contract import ALL_FAQ_KEYS, FAQ_KEYS
from bot.policy.model import MonthDay, Policy
from bot.policy.rules import late_fee_start

__all__ = [
    "FAQ_KEYS",
    "faq_answer",
    "late_fee_terms",
    "refund_policy_text",
    "sms_signed",
    "visit_notice",
]

_NOMINAL_YEAR = 2021


def number_text(value: float) -> str:
    """A number as people write it: 24 not 24.0, 0.16 stays 0.16."""
    return f"{round(value, 4):g}"


_n = number_text


def _pct(rate: float) -> str:
    return f"{_n(rate * 100)}%"


def _permille(rate: float) -> str:
    return f"{_n(rate * 1000)}‰"


def sentence(text: str) -> str:
    """A policy text bit as one sentence ending in 。, whatever punctuation the editor left."""
    text = text.strip().rstrip("。.；;，,")
    return f"{text}。" if text else ""


_sentence = sentence


def _yearly(day: MonthDay) -> str:
    return f"每年{day.zh()}"


def _hotline(policy: Policy) -> str:
    return policy.company.hotline


def _heating_season(p: Policy) -> str:
    s = p.season
    return (
        f"{p.city}的供暖期为每年{s.start.zh()}至次年{s.end.zh()}（首尾两天都供暖）。"
        "供暖期外停热属正常停运；供暖期内家里不热，可以直接告诉我，帮您报修。"
    )


def _payment_channels(p: Policy) -> str:
    return (
        f"您可以通过{'、'.join(p.payment.channels)}缴纳采暖费。"
        f"请在{_yearly(p.payment.deadline)}前缴清，以免产生滞纳金。"
    )


def _fee_standard(p: Policy) -> str:
    price = p.fees.area_price_per_m2
    text = (
        f"居民采暖费按{p.fees.area_basis}计收，每平方米每供暖季{_n(price)}元，"
        f"例如100平方米为{_n(price * 100)}元。"
    )
    if p.metering.available:
        text += "已安装热计量表的用户可按热计量结算，想了解可以问我“热计量怎么收费”。"
    return text


def _invoice(p: Policy) -> str:
    inv = p.invoice
    return f"采暖费可开具{inv.kind}。{_sentence(inv.how)}{_sentence(inv.special)}"


def _account_transfer(p: Policy) -> str:
    t = p.account_transfer
    return f"办理过户请携带{'、'.join(t.documents)}，到{t.where}办理。{_sentence(t.conditions)}"


def _late_fee(p: Policy) -> str:
    deadline = p.payment.deadline
    due = deadline.in_year(_NOMINAL_YEAR)
    start = late_fee_start(p, due)
    start_text = ("次年" if start.year > due.year else "") + f"{start.month}月{start.day}日"
    head = f"采暖费请在{_yearly(deadline)}前缴清。自{start_text}起仍未缴的，"
    return f"{head}{late_fee_terms(p)}缴费有困难请致电{_hotline(p)}。"


def late_fee_terms(p: Policy) -> str:
    """How the late fee is charged, as the sentence after 自…起仍未缴的，: the policy's daily rate
    and cap, or the contract's when the policy has no rate (the late-fee answer and the bill's
    follow-up say it alike)."""
    rate = p.late_fee.daily_rate
    if rate is None:
        return "按供热合同约定收取滞纳金，具体以您的合同为准。"
    cap = p.late_fee.cap_ratio
    if cap is None:
        cap_text = ""
    elif cap == 1:
        cap_text = "，累计不超过欠费本金"
    else:
        cap_text = f"，累计不超过欠费金额的{_pct(cap)}"
    return f"每日按欠费金额的{_permille(rate)}收取滞纳金{cap_text}。"


def _room_temp_standard(p: Policy) -> str:
    room = p.room_temperature
    text = f"供暖期内卧室、起居室温度应不低于{_n(room.minimum_c)}℃"
    exception = room.old_building_exception
    if exception is not None:
        high = f"{_n(exception.outdoor_mean_max_c)}℃"
        if exception.outdoor_mean_min_c is None:
            weather = f"室外日均气温{high}及以下时"
        else:
            weather = f"室外日均气温{_n(exception.outdoor_mean_min_c)}℃至{high}时"
        text += f"；老旧建筑在{weather}不低于{_n(exception.minimum_c)}℃"
    rtc = p.room_temp_complaint
    if rtc.fix_hours == rtc.measure_hours:
        promise = f"我们会在{_n(rtc.measure_hours)}小时内上门测温并处理"
    else:
        promise = f"我们会在{_n(rtc.measure_hours)}小时内上门测温，{_n(rtc.fix_hours)}小时内处理"
    return (
        f"{text}。室温不达标可申请测温，{promise}；"
        f"不达标且{_n(p.refund.not_fixed_within_hours)}小时内未修复的，可按规定退费。"
    )


def _stop_heating_policy(p: Policy) -> str:
    stop = p.stop_heating
    if stop.base_fee_share is None:
        fee = "报停期间按当地规定缴纳基础热费"
    else:
        fee = f"报停期间需按采暖费的{_pct(stop.base_fee_share)}缴纳基础热费"
    return (
        f"报停需在供暖季开始前申请，截止到{_yearly(stop.apply_deadline)}；{fee}。"
        f"受理后{stop.process_working_days}个工作日内办结，回复“我要报停”即可办理。"
    )


def _hotline_answer(p: Policy) -> str:
    c = p.company
    demo = "（演示号码）" if c.demo else ""
    text = f"{c.name}服务热线：{c.hotline}{demo}，{c.hotline_hours}。"
    if p.visit.require_work_id:
        text += "上门人员都会出示工作证，请核对后再开门。"
    return text


def _heat_metering(p: Policy) -> str:
    m = p.metering
    if not m.available:
        return (
            f"目前暂未开通热计量收费，采暖费按{p.fees.area_basis}每平方米"
            f"{_n(p.fees.area_price_per_m2)}元收取。"
        )
    return (
        f"安装热计量表的用户按两部制热价结算：基本热费每平方米{_n(m.base_price_per_m2)}元，"
        f"计量热费每千瓦时{_n(m.energy_price_per_kwh)}元。{_sentence(m.prepayment)}"
        f"{_sentence(m.settlement)}"
    )


def _refund(p: Policy) -> str:
    """退费: the policy's rule, and the 测温 that establishes it (users ask before measuring)."""
    return f"{refund_policy_text(p)}需要先上门测温确认，回复“申请测温”即可预约。"


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


def faq_answer(policy: Policy, key: str) -> str:
    """The answer to FAQ `key` (one of `ALL_FAQ_KEYS`) for this policy; unknown key → `KeyError`."""
    try:
        build = _ANSWERS[key]
    except KeyError:
        raise KeyError(f"unknown FAQ key {key!r}; known: {', '.join(ALL_FAQ_KEYS)}") from None
    return build(policy)


def _tier_texts(policy: Policy, short: bool = False) -> list[str]:
    """One "低于标准<band>退<rate>" per tier; `short` writes the bands as an SMS has room for
    (差不足2℃退40%，2-4℃退60%): the boundary rule is the same, the words fewer."""
    lower_inclusive = policy.refund.boundary == "lower_inclusive"
    parts: list[str] = []
    for index, tier in enumerate(policy.refund.tiers):
        low, high = _n(tier.from_c), None if tier.to_c is None else _n(tier.to_c)
        if short:
            if high is None:
                band = f"{low}℃及以上" if lower_inclusive else f"超{low}℃"
            elif index == 0:
                band = f"差不足{high}℃" if lower_inclusive else f"差{high}℃内"
            else:
                band = f"{low}-{high}℃"
            parts.append(f"{band}退{_pct(tier.rate)}")
            continue
        if lower_inclusive:
            if high is None:
                band = f"{low}℃及以上"
            elif index == 0:
                band = f"不足{high}℃"
            else:
                band = f"{low}℃（含）至{high}℃"
        elif high is None:
            band = f"超过{low}℃"
        elif index == 0:
            band = f"{high}℃及以内"
        else:
            band = f"超过{low}℃至{high}℃（含）"
        parts.append(f"低于标准{band}退{_pct(tier.rate)}")
    return parts


def refund_tiers_text(policy: Policy, short: bool = False) -> str:
    """The refund tiers in one phrase (`_tier_texts`)."""
    return "，".join(_tier_texts(policy, short))


def refund_policy_text(policy: Policy) -> str:
    """The refund rule in one sentence, for complaint and 测温 answers (not an FAQ key)."""
    return (
        f"室温低于标准且{_n(policy.refund.not_fixed_within_hours)}小时内未修复的，"
        f"按不达标天数退还日热费：{refund_tiers_text(policy)}。"
    )


def visit_notice(policy: Policy, ticket_no: str, window: str) -> str:
    """Confirmation of a home visit: when, the ticket number to check, and the work-ID rule."""
    text = f"师傅将于{window}上门，工单号{ticket_no}，发送工单号即可查询进度。"
    if policy.visit.require_work_id:
        text += "上门人员会出示有效工作证，请核对后再开门。"
    return text


def sms_signed(policy: Policy, text: str) -> str:
    """An SMS text with the company signature in front (【签名】), as carriers require."""
    return f"【{policy.company.sms_signature}】{text}"
