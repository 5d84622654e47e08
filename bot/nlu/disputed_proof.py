"""A resident who disputes a failed proof of their account (a pure text rule).

After 户号与手机号后4位不匹配 residents protest: 不可能不对，我就这一个手机号！, 我的号怎么会错,
你们系统错了吧, 明明就是这个号. The classifier hears a grievance (file_complaint) or a question and
the lookup was dropped for a complaint form (hail t hat-019). What they need is the reason (the
digits are those of the phone registered on the account, often an older number) and the other
ways to prove it; `disputes_mismatch` recognises such a protest so the verification answers it.
"""

from __future__ import annotations

import re

from bot.nlu.numbers import to_canonical

__all__ = ["disputes_mismatch"]

#: The check itself doubted: 不可能不对, 怎么会错, 怎么可能不匹配, 没错啊, 不会错的, 哪里不对.
_DOUBTED = (
    r"不可能(?:不对|错|不匹配|不是)?|怎么(?:可能|会|能)?(?:不对|错|不匹配|不一致|对不上|不是)|"
    r"(?:没|不会|不可能)(?:有)?(?:错|输错|记错|弄错)|哪里?(?:不对|错了)|凭(?:什么|啥)(?:不对|不匹配)"
)
#: The phone insisted on: 我就这一个手机号, 一直用的这个号, 明明就是这个号, 就是这个号码.
_INSISTED = (
    r"就(?:这|那)一个(?:手机)?号|一直(?:都)?用(?:的)?(?:是)?这个(?:手机)?号|"
    r"明明(?:就)?是(?:这个|我的)|(?:就|肯定|确实)是(?:我的|这个)(?:手机)?号|"
    r"(?:我的?|俺的?)(?:手机)?号(?:码)?(?:怎么|咋)(?:会|能)?(?:错|不对)|"
    r"(?:号码?|尾号|手机号?)(?:没错|是对的|对的啊|不会错)|"
    r"(?:这个?|这)(?:手机)?号(?:码)?(?:都)?用了(?:十几|好几|好多|多少|几十|\d+几?多?)年"
)
#: The company's side blamed: 你们系统错了吧, 系统有问题, 你们搞错了, 数据不对.
_BLAMED = (
    r"(?:系统|电脑|数据|资料|后台|你们)(?:是不是)?(?:又)?(?:出)?(?:错|有?问题|有?毛病|坏|故障|搞错|弄错|登记错|录错)"
)
_DISPUTE = re.compile(f"{_DOUBTED}|{_INSISTED}|{_BLAMED}")


def disputes_mismatch(text: str | None) -> bool:
    """Whether `text` protests that the digits just refused are right (不可能不对，我就这一个手机号,
    我的号怎么会错, 你们系统错了吧): said while the digits are asked again, it is a resident who
    needs the reason and the other ways, not a complaint to file."""
    return bool(text) and _DISPUTE.search(to_canonical(str(text))) is not None
