"""What an incoming SMS asks for, before NLU: an opt-out word, a keyword code, a numbered option.

Opt-out words are honoured before anything else and always (channels.md): the whole message,
trimmed, in any case, full-width or not. They are exact and used by nothing else: `取消` is not
one, since forms and offers use it (取消 inside a repair form cancels the form, 取消 BX… the
ticket); it goes to NLU like any text (tests/unit/test_opt_out_words.py keeps the words apart).
The keyword codes of the NLU contract (`CF` 查费 …, and `DY` 订阅 for notices) become the intent
payload, so they work whatever the model makes of two letters.
"""

from __future__ import annotations

import enum
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.base.render import choose

OPT_OUT_WORDS: frozenset[str] = frozenset({"R", "T", "TD", "退订", "0000"})

#: The SMS keyword codes of the NLU contract and the intents they stand for.
KEYWORD_INTENTS: Mapping[str, str] = {
    "CF": "query_fee",
    "TR": "query_outage",
    "BX": "report_repair",
    "TS": "file_complaint",
    "CW": "request_temp_check",
    "RG": "request_human",
    "DY": "subscribe",
}


class Kind(enum.Enum):
    """How the channel handles a message."""

    OPT_OUT = "opt_out"
    INTENT = "intent"
    CHOICE = "choice"
    TEXT = "text"


@dataclass(frozen=True)
class Route:
    """What to do with a message, and what to send Rasa (nothing for an opt-out)."""

    kind: Kind
    payload: str


def command_of(text: str) -> str:
    """The message as a command: full-width folded (NFKC), spaces and punctuation dropped, upper.

    `ｔｄ`, ` TD。` and `退 订` all read as the command they obviously are.
    """
    folded = unicodedata.normalize("NFKC", text)
    kept = (c for c in folded if not c.isspace() and not unicodedata.category(c).startswith("P"))
    return "".join(kept).upper()


def route(text: str, options: Sequence[Mapping[str, Any]]) -> Route:
    """Opt-out first, then a keyword code, then a pick among `options`, else free text for NLU."""
    command = command_of(text)
    if command in OPT_OUT_WORDS:
        return Route(Kind.OPT_OUT, command)
    intent = KEYWORD_INTENTS.get(command)
    if intent is not None:
        return Route(Kind.INTENT, f"/{intent}")
    picked = choose(text, options)
    if picked is not None:
        return Route(Kind.CHOICE, picked)
    # Typed text never reaches Rasa as an intent trigger with entities of the sender's choosing
    # (`/inform{"account_no": …}`): only the channel's own codes and options do.
    if text.lstrip().startswith(("/", "／")):
        text = text.lstrip().lstrip("/／")
    return Route(Kind.TEXT, text)
