"""Bare yes / no answers in words the classifier does not read as such: 要, 要的, 嗯要, 不要了,
对 就这样.

A resident asked 需要帮您报修吗？ answers with the verb of the question, 要 (or 需要, 要的, 嗯要).
Two characters give the classifier nothing to go on, and such an answer came out as anything but
`affirm`. These rules recognise the whole message only, in every channel alike (the NLU pipeline
applies them, `bot.nlu.guard.IntentCorrections`), so 要报修 or 不要上门 are left to the model.
"""

from __future__ import annotations

import re

from bot.nlu.text import normalise

#: 要 / 需要, with the particles and the 嗯 / 好 / 对 residents put around a yes.
_YES = re.compile(r"^(嗯+|好+|对+|是+|哦+)?(需要|要)+(的|啊|呀|哈|嘛|吧|滴|哒|了)*$")
#: 不要 / 不需要 / 不用要, as plainly a no.
_NO = re.compile(r"^(嗯+|哦+)?(不需要|不要|不用要)+(的|啊|呀|吧|了)*$")
#: A yes, then words that it is settled (对 就这样, 好 就这么办, 是的 没问题): at the read-back the
#: classifier heard 就这样 as a goodbye, and the booking the resident had just confirmed was
#: dropped. Only with a yes word first: 就这样吧 alone may close the conversation.
_YES_SETTLED = re.compile(
    r"^(对+|对的|对头|是+|是的|好+|好的|行|嗯+|没错|可以|中|成)"
    r"(就|那就)?(这样|这么办吧?|这么着|这样办吧?|没问题|没错|行|可以|提交吧?|办吧|这样就行)"
    r"(的|啊|呀|哈|嘛|了)*$"
)
_IGNORED = re.compile(r"[\s，,。.！!～~、…]+")


def yes_no_answer(text: str | None) -> str | None:
    """`affirm` for a bare 要-yes or a yes that says it is settled (对 就这样), `deny` for a
    bare 不要-no, else None."""
    core = _IGNORED.sub("", normalise(text or ""))
    if _YES.match(core) or _YES_SETTLED.match(core):
        return "affirm"
    if _NO.match(core):
        return "deny"
    return None


#: A yes to "您说的是阳光花园吗？" at the start of the answer (对, 是的, 嗯 对, 没错, 就是).
_YES_FIRST = re.compile(r"^(嗯+|哦+)?(对+|对的|是+|是的|没错|就是|正确|对头|嗯+)")
#: Words that take the name asked back for another (不是, 不对, 错了).
_NOT_IT = re.compile("不是|不对|错了|没说|不叫")


def confirms_name(text: str | None, name: str) -> bool:
    """Whether `text` agrees that the place asked back is `name` (您说的是阳光花园吗？ → 对 / 是的 /
    对 是阳光花园 / 阳光花园): a yes first, or the name itself, and no word that takes it back
    (不是 阳光小区). A community read from a close name was dropped from the ticket instead of
    being asked back (players' findings 4, p4-050)."""
    core = _IGNORED.sub("", normalise(text or ""))
    if not core or _NOT_IT.search(core):
        return False
    bare = name.removesuffix("小区")
    return bool(_YES_FIRST.match(core)) or (len(bare) >= 2 and bare in core)
