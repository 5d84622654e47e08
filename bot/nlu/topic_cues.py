"""Knowledge-base topics that answer only a message naming what they are about (pure).

The topic model ranks every FAQ topic for every message, and a message shaped like a topic's
examples can reach it without its subject: 暖气从早上就凉了 怎么回事 (a cold radiator's "why")
is worded like 暖气咔咔响 咋回事 and got the noise topic. A topic listed here is passed over, in
the answer and in the clauses answered beside a request (`bot.services.topics`), when the words
of its subject are missing.
"""

from __future__ import annotations

import re

__all__ = ["TOPIC_CUES", "fits_words"]

#: A topic (key without `faq/`) and the words one of which a message about it names.
TOPIC_CUES: dict[str, re.Pattern[str]] = {
    "radiator_noise": re.compile(
        r"响|声|音|噪|吵|咕|哗|啪|当当|咚|嗡|噼|敲|咔|嘎|滋|嘶|动静|noise|sound|loud",
        re.IGNORECASE,
    ),
}


def fits_words(key: str, text: str) -> bool:
    """Whether `text` names what topic `key` is about (always, for a topic not listed)."""
    cue = TOPIC_CUES.get(key.removeprefix("faq/"))
    return cue is None or cue.search(text) is not None
