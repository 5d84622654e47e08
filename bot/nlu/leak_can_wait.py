"""A reply to the urgent leak answer that says the leak can wait (player findings 3, class A).

The detector reads a message alone, and 接口那漏水了 滴滴答答的 or the button "漏水/跑水" open the
urgent path. When the resident then answers it — 不是 没那么严重 就是滴水 一分钟滴几滴 用不着抢修吧,
啥紧急啊 就是接口那有点渗水 慢慢滴, 把紧急单子取消了 给我约个普通维修 — the reply is a correction of
that answer, read against it: it says the leak is not urgent, or that it is only a small, slow
drip. Every such reply used to repeat the emergency script (滴水 is escaping water for the
detector) and was "补充到紧急工单"; the resident never got the ordinary visit they asked for.

A leak getting worse or water in force (越滴越多, 止不住, 喷, 流了一地, 漏到楼下) is never read so,
whatever else the reply says: that is the emergency going on.
"""

from __future__ import annotations

import re

from bot.nlu.form_answers import leak_worsening
from bot.nlu.numbers import to_canonical

#: The slot holding the ordinary repair an urgent leak became when said to wait
#: (actions/leak_can_wait.py): a leak getting worse there is the emergency again.
LEAK_TICKET_SLOT = "leak_ticket_no"

#: The resident says it is no emergency: 不紧急, 没那么严重, 用不着抢修, 啥紧急啊, 普通维修就行,
#: 把紧急单子取消了. Not 等不急 (a typo of 等不及) nor 急死了.
_NOT_URGENT = re.compile(
    r"(?<!等)(?<!来)(?<!是)(?:不|没|没有)(?:太|那么|这么|多|算|是)?(?:紧急|着急|急|严重|厉害)(?![死人])|"
    r"(?:用不着|不用|不需要|不必|没必要|犯不着|别)(?:什么|啥|搞|弄|派|叫)?(?:抢修|紧急|急修|连夜|半夜)|"
    r"(?:啥|什么|哪)(?:门子)?(?:紧急|急事|抢修)|(?:紧急|抢修)(?:个)?(?:啥|什么)|"
    r"(?:算不上|谈不上)(?:什么|啥)?(?:紧急|急事|抢修)|"
    r"(?:普通|正常|一般|平常)(?:的)?(?:维修|报修|修理|上门|排队|工单|单子)|"
    r"(?:取消|撤销?|撤掉|改掉)(?:那个|这个|了)?(?:紧急|抢修)|"
    r"(?:紧急|抢修)(?:的)?(?:那个)?(?:单子?|工单)?(?:给我|帮我)?(?:取消|撤|改成?)"
)
#: …or that the leak is small and slow: 就是滴水, 就滴几滴, 慢慢滴, 一分钟滴几滴, 有点渗, 渗了点.
_SMALL = re.compile(
    r"(?:就是|只是|就|只|仅仅?|也就)[^，,。！!？?\s]{0,6}?(?:滴|渗|潮|湿|冒点|一点)|"
    r"慢慢(?:地|的)?(?:滴|渗|往外)|滴答|(?:滴|掉)?(?:一|两|几|三)滴|"
    r"(?:一|几|半|十几?|两)个?(?:分钟|小时|钟头|会儿?)(?:才|也就|就|大概)?(?:滴|掉)|"
    r"一点点|有点(?:渗|潮|湿|滴)|渗了(?:一)?点|(?:不|没)(?:多|大)(?:的)?(?:水)?"
)
#: …not when it denies that it is small (不止几滴, 哪是滴几滴, 不是一点点).
_NOT_SMALL = re.compile(r"不止|不只|哪是|哪里是|何止|可不是|不光|不是")
#: Water in force, said beside: the emergency going on, whatever else the reply says.
_IN_FORCE = re.compile(
    r"喷|哗|爆|淹|涌|一地|满地|到处(?:都)?是水|全是水|都是水|流了|往下流|漏到|渗到|楼下|"
    r"冒汽|蒸汽|烫|关不上|关不住|堵不住|止不住|拧不紧"
)


def says_leak_can_wait(text: str | None) -> bool:
    """Whether `text`, a reply to the urgent leak answer, says the leak can wait: no emergency
    (不紧急, 用不着抢修, 普通维修), or only a small, slow drip (就是滴水, 慢慢滴), and nothing of
    water in force or a leak getting worse (`_IN_FORCE`, `leak_worsening`)."""
    canonical = re.sub(r"\s+", " ", to_canonical(str(text or ""))).strip()
    if not canonical or _IN_FORCE.search(canonical) or leak_worsening(canonical):
        return False
    if _NOT_URGENT.search(canonical):
        return True
    return any(
        not _NOT_SMALL.search(canonical[max(0, found.start() - 3) : found.start()])
        for found in _SMALL.finditer(canonical)
    )


def escalates(text: str | None) -> bool:
    """Whether `text` says water in force or a leak getting worse (越滴越多, 止不住, 喷了): after
    the leak was said to wait, the emergency again."""
    canonical = to_canonical(str(text or ""))
    return bool(_IN_FORCE.search(canonical)) or leak_worsening(canonical)
