"""A resident putting right the address they gave in an earlier message (pure rules).

Played from the held-out hail set (hat-011): a mother at a spraying radiator typed
阳光花园3号楼2单元402, then 不对是13号楼！！13号楼2单元402 急死了. The urgent ticket already
held 3号楼, and the new address was taken for a second home (red team R6: another home is
another emergency), so the bot opened a second urgent ticket and sent a crew to both doors,
one of them a stranger's. Residents correct in many words (不对 / 错了 / 说错了 / 写错了 /
打错了 / 应该是 / 刚才那个不对 / 是13号楼不是3号楼 / 不是3号楼 是13号楼 / 更正一下); a second
home is told with words of addition (也 / 还有 / 另外 / 另一处 / 又爆了 / 再派一组 / 两处),
and those win: 不对 楼上邻居家也漏了 is another place.

`bot.nlu.self_correction` reads a correction inside one message (the value before it
withdrawn); this reads one that withdraws what an earlier message said, so the words before
the mark may be nothing at all.
"""

from __future__ import annotations

import re

from bot.nlu.numbers import to_canonical

__all__ = ["corrects_earlier_place"]

#: Words that take back what was said (不对, 错了, 说错, 应该是, 改成, 是X不是Y, 不是X是Y).
_TAKES_BACK = re.compile(
    r"不对(?!劲)|(?<![没不])错(?:了|啦|咯)|(?:说|写|打|输|记|搞|弄|填|报|看)错|口误|"
    r"更正|纠正|应该是|应是|改成|改为|改一下|"
    r"是[^，,。；;！!？?\s]{1,15}[，,\s]*(?:而)?不是|不是[^，,。；;！!？?\s]{1,15}[，,\s]*(?:而|就|应该)?是"
)
#: Words that add a place rather than replace one (也漏了, 还有一处, 另外我父母家, 又爆了, 再派).
_ADDS_A_PLACE = re.compile(
    r"也|还有|另外|另一|又(?:漏|爆|喷|冒|坏|淌|流|出)|再派|再来|两处|两个地方|两家|一起报"
)


def corrects_earlier_place(text: str | None) -> bool:
    """Whether `text` takes back the place said before and names the one meant (不对是13号楼,
    13号楼2单元402 刚才写错了, 是13号楼不是3号楼), and adds no other place (不对 楼上也漏了 adds
    one). Whether the message names an address at all is the caller's to read."""
    canonical = to_canonical(str(text or ""))
    return _TAKES_BACK.search(canonical) is not None and _ADDS_A_PLACE.search(canonical) is None
