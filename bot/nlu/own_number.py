""" "This number": an SMS sender naming the phone they are texting from as their contact number.

Residents texting in answer a request for a contact number with 就这个号 / 本机 / 这个手机 /
打这个电话 rather than typing the number they are holding. The words are only a number where the
channel knows the sender's number (SMS); elsewhere they name nothing.
"""

from __future__ import annotations

import re

from bot.nlu.text import normalise

_OWN_NUMBER = re.compile(
    r"^(就|用|打|联系|留)?(用|打|联系)?"
    r"(本机|本号|本手机|这个|此|这|我这个|当前|发短信的?这?个?|现在这个?)"
    r"(号码?|手机号?码?|电话号?码?|机)?"
    r"(就行|就可以|就好|即可|可以|行|吧|呗|呀|啊|的)?$"
)
_FILLER = re.compile(r"[\s，,。.！!～~、]+")


def means_own_number(text: str | None) -> bool:
    """Whether `text` is nothing but "this number" (就这个号, 本机, 用这个手机号就行 …).

    A bare 这个 is not enough: it needs a word for a number, a phone or 本机 (这个 answers
    many questions).
    """
    core = _FILLER.sub("", normalise(text or ""))
    if core in {"这个", "这", "此", "就这个", "用这个"}:
        return False
    return bool(core) and _OWN_NUMBER.match(core) is not None
