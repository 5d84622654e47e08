"""Heating wanted back after a 报停 (今年我报停了 孩子要回来住 现在能不能恢复供暖; 我是要恢复供暖
不是报停): the opposite of a 报停, which the bot drafted for such a resident (players' pl-40).
Pure text rule, tested in tests/unit/test_heating_back.py."""

from __future__ import annotations

import re

from bot.nlu.numbers import to_canonical

_BACK = re.compile(
    r"恢复(供暖|供热|暖气|采暖|送暖|用暖)|复供|重新(供暖|供热|开通|开栓|通暖|用暖气?)|"
    r"(取消|撤销|撤回|撤了|不要|不想|不用)(了)?(那个|这个)?报停|不(想|要)?报停了|"
    r"报停.{0,8}(恢复|开通|再开|重新开|开回来|通上|取消|撤销|撤回)|(把|给)?暖气(再)?(开回来|通上|恢复)"
)


def wants_heating_back(text: str | None) -> bool:
    """Whether `text` asks for heating back in a home that had it stopped (恢复供暖, 复供,
    不报停了, 取消报停)."""
    return bool(text) and _BACK.search(to_canonical(str(text))) is not None
