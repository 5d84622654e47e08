"""A resident who cannot go to a service hall (player findings 4, p4-088).

腿脚不好去不了营业厅, 我岁数大了出不了门, 家里就我一个 没法跑营业厅: said while asking for
something a hall does (恢复供暖, 过户, 报停), it asks the company to do it another way. Read
as a hall question, it got a hall's address — one that did not even do the service. A service
desk offers a call-back (a person phones and arranges the rest) or the hotline instead.
"""

from __future__ import annotations

import re

from bot.nlu.numbers import to_canonical

__all__ = ["cannot_go_to_hall"]

#: Not able to go: 去不了, 没法去, 跑不动, 出不了门, 下不了楼, and the reasons said for it.
_CANNOT_GO = re.compile(
    r"(去|跑|走|出门|过去)不了|(没法|没办法|不能|不方便|去不成)(去|跑|过去|出门|到)|跑不动|走不动|"
    r"出不了门|下不了楼|出不去|行动不便|腿脚不(好|便|利索)|腿不好|卧床|瘫痪|坐轮椅"
)
#: The hall, or a trip to do something in person.
_HALL = re.compile(r"营业厅|服务厅|网点|缴费点|窗口|现场|当面|跑一趟|去一趟|亲自")


#: Going another day (今天去不了 明天去行吗): the hall after all.
_GOES_LATER = re.compile(r"(明天|后天|改天|下周|周[一二三四五六日末]|过两天|下午|晚点)再?去")
#: Reasons that keep someone at home whatever the errand.
_HOUSEBOUND = re.compile(r"腿脚|岁数|年纪|卧床|轮椅|瘫痪")


def cannot_go_to_hall(text: str | None) -> bool:
    """Whether `text` says the resident cannot get to a hall (module docstring)."""
    canonical = to_canonical(str(text or ""))
    if not _CANNOT_GO.search(canonical) or _GOES_LATER.search(canonical):
        return False
    return _HALL.search(canonical) is not None or _HOUSEBOUND.search(canonical) is not None
