"""An emergency told over two messages: someone frail named in one, their sign in the next.

A daughter far away wrote 我家老人一个人在家 80多了 她说冷, and two messages later 她刚打电话说
冷得手脚发麻: each message alone is no emergency to `detect_emergency` (the first has no sign,
the second names nobody frail, only 她), and an ordinary repair slot was booked for an
80-year-old alone in the cold (the player's p4-069). The sign is read as said of the person the
resident named just before, unless the resident speaks of themselves (我冷得手脚发麻).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.nlu.emergency import Emergency, detect_emergency, someone_frail_named

__all__ = ["EARLIER_MESSAGES", "emergency_in_context"]

#: How many of the resident's messages before the latest may have named the person.
EARLIER_MESSAGES = 3
#: The resident speaking of themselves, with nobody else named (我冷得手脚发麻).
_SELF = re.compile("我|俺|咱|自己")
_SOMEONE_ELSE = re.compile("她|他|人家|老人|家里人")


def emergency_in_context(text: str | None, earlier: Sequence[str]) -> Emergency | None:
    """The emergency `text` reports when read as said of someone frail that one of the
    resident's `earlier` messages (the latest first, at most `EARLIER_MESSAGES`) named; None
    when `text` reports one by itself (the marker has it), names someone frail itself, or
    speaks of the resident alone."""
    said = str(text or "")
    if not said or said.startswith("/") or detect_emergency(said) is not None:
        return None
    if someone_frail_named(said) is not None:
        return None  # named here and no emergency: nothing earlier changes that
    if _SELF.search(said) and not _SOMEONE_ELSE.search(said):
        return None
    for message in earlier[:EARLIER_MESSAGES]:
        person = someone_frail_named(message)
        if person is not None:
            return detect_emergency(f"{person}：{said}")
    return None
