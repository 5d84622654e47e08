"""A self-help step that did not help: still cold after bleeding the radiator (pure rules).

Played as residents (players' findings 3, p3-012): after the answer on how to bleed a
radiator, 那拧开出水了还是不热呢 started the repair form's address question; 不用报修 我就问问
出水了还不热是啥原因 stopped the form and was not answered; 我问的是放完气了为啥还不热 got the
address question again. The resident asks why, and what else to try: the causes, then the
repair offered as an option (`actions.side_questions.answer_self_help_failed`). A repair asked
for by name (还是不热 派人来修吧) is a repair.
"""

from __future__ import annotations

import re

from bot.nlu.numbers import to_canonical
from bot.nlu.requests import asks_for_repair

__all__ = ["bled_without_heat"]

#: Still not warm after the step (还是不热, 仍然冰凉, 放了也没用).
_STILL_COLD = re.compile(
    r"(?:还|仍然?|依然|照样|也|都)(?:是|都|还)?(?:不|没)(?:怎么|太|咋|大)?(?:热|暖和|暖)|"
    r"(?:还|仍然?|依然|照样|也)(?:是)?(?:凉|冰|冷)|"
    r"(?:没|不)(?:啥|什么)?(?:用|管用|效果|变化|起作用)"
)
#: The bleeding named (放完气, 拧开出水了, 出水了).
_BLED = re.compile(r"放(?:完|了|过)?(?:气|完)|出水|拧开|拧了|冒水了|滋水了")
#: Asking why, or what now (为啥还不热, 咋回事, 是啥原因, …呢): a question, not a fault reported.
_ASKS_WHY = re.compile(
    r"为啥|为什么|为何|咋回事|怎么回事|啥原因|什么原因|原因|咋整|怎么办|咋办|咋弄|怎么弄|呢|吗|[?？]"
)


def bled_without_heat(text: str | None, bleeding_answered: bool) -> bool:
    """Whether `text` says the radiator is still cold after bleeding it and asks for no visit:
    any "still cold" right after the bleeding answer (`bleeding_answered`: 那拧开出水了还是不热呢
    / 没用啊), or the bleeding named in a question (放完气了为啥还不热). 还是不热 派人来修吧 asks
    for the repair, and so does a fault told with the bleeding tried (暖气片上面冰凉 我放过气了
    也没用): a statement, not a question."""
    canonical = to_canonical(str(text or ""))
    if not _STILL_COLD.search(canonical) or asks_for_repair(canonical):
        return False
    if bleeding_answered:
        return True
    return _BLED.search(canonical) is not None and _ASKS_WHY.search(canonical) is not None
