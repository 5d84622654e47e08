"""A question that carries a grievance about the service (师傅管我要钱 不是说免费吗 坑人呢; 热线打了
一上午打不通 到底有没有人管): the resident asks something, and is also telling us we let them down.

The knowledge base answers the question; a good agent first says sorry and then offers to take
the grievance down (a complaint, or a person), instead of answering as if it were a quiz. A
complaint about an unreachable hotline is not answered with the hotline again. Pure text rules,
tested directly (tests/unit/test_grievances.py). It lives beside the hand-off's
frustration triggers, whose anger words it uses; the NLU model does not use it.
"""

from __future__ import annotations

import re

from bot.handoff.triggers import angry
from bot.nlu.numbers import to_canonical

#: What a grievance is about; the answer differs for an unreachable line.
STAFF, CHARGE, UNREACHABLE, NEGLECT = "staff", "charge", "unreachable", "neglect"

_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        UNREACHABLE,
        re.compile(
            r"(电话|热线|客服|你们|号码|值班).{0,10}"
            r"(打不通|打不进|没人接|无人接|不接|占线|一直忙|老是忙|总是忙|总占线|光响没人)|"
            r"打了.{0,8}(都?没人接|都?不通|也不通|占线)"
        ),
    ),
    (
        STAFF,
        re.compile(
            r"态度.{0,3}(差|恶劣|不好|不行|太次|很横|横)|不耐烦|爱答不理|爱搭不理|甩脸子?|"
            r"说话.{0,3}(冲|难听|横|呛)|(骂|吼|凶|怼)(我|人|了我)|摆(个)?臭脸|牛(气|哄哄)"
        ),
    ),
    (
        CHARGE,
        re.compile(
            r"乱收费|多收|坑人|坑钱|坑(我|俺)|黑心|宰人|讹(人|钱|我)|"
            r"(管|跟|找|向)(我|俺)要(了)?.{0,6}钱|(收|要|拿)了(我|俺).{0,6}(钱|块)|"
            r"凭(什么|啥).{0,6}(收|要|扣).{0,4}(钱|费)"
        ),
    ),
    (
        NEGLECT,
        re.compile(
            r"没人管|没人理|推来推去|踢皮球|推诿|一拖再拖|拖着不|不给(个)?说法|到现在也?没(人|信)"
        ),
    ),
)


def grievance_of(text: str | None) -> str | None:
    """The kind of grievance `text` carries (STAFF, CHARGE, UNREACHABLE, NEGLECT), or None.

    An angry message (bot.handoff.triggers.angry: 气死, 骗子, 什么破…) with none of the kinds
    counts as NEGLECT: the resident is owed the apology and the offer all the same. Mere
    insistence (你们客服电话到底是多少) is no grievance: it earned an apology and a complaint
    offer for a plain question.
    """
    canonical = to_canonical(str(text or ""))
    for kind, pattern in _RULES:
        if pattern.search(canonical):
            return kind
    return NEGLECT if angry(str(text or "")) else None
