"""A message that only announces a question (姑娘 我问一下, 师傅 跟你打听个事), pure.

Residents, older ones especially, say that they have a question before asking it. Such a
message asks nothing yet: the knowledge base's closest topics (buttons) or "I am a bot" answered
words that are no question at all. It gets "您请说" (`action_answer_faq`).
"""

from __future__ import annotations

import re

from bot.nlu.numbers import to_canonical

__all__ = ["announces_question"]

#: How a resident addresses the service or opens: 姑娘, 师傅, 你好, 麻烦您 …
_ADDRESS = (
    r"(?:姑娘|闺女|小姑娘|丫头|同志|师傅|小伙子?|美女|帅哥|客服|小暖|大姐|大哥|老师|领导|"
    r"你好|您好|喂+|哈喽|hello|hi|嗨|在吗|在不在|请问|麻烦(?:你|您)?(?:一下)?|打扰(?:你|您)?(?:一下)?了?)"
)
#: The announcement itself: 我问一下, 想咨询个事, 跟你打听点事, 有个问题想问问, 请教一下.
_ANNOUNCE = (
    r"(?:[我俺]|咱)?(?:想|要|就)?(?:跟|和|向)?(?:你|您)?(?:请问|问|咨询|打听|请教)(?:一?下|问|个事儿?|"
    r"点事儿?|件事儿?|个问题|点问题|几个问题|一件事)?|"
    r"(?:[我俺])?(?:有|还有)(?:个|件|点|几个)(?:事儿?|问题)(?:想|要)?(?:问问|问一下|问|咨询一下|请教)?"
)
_PREAMBLE = re.compile(
    rf"^(?:{_ADDRESS}[\s,!~啊呀]*)*(?:{_ANNOUNCE})[\s,!~.?啊呀哈啦哦昂嗷]*$", re.IGNORECASE
)


def announces_question(text: str | None) -> bool:
    """Whether `text` only says a question is coming (姑娘 我问一下; 你好 我想咨询个事儿; 有个问题想
    问问), with nothing asked yet."""
    canonical = to_canonical(str(text or "")).strip()
    return bool(canonical) and _PREAMBLE.match(canonical) is not None
