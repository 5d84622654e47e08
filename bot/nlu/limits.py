"""Input limits shared by the NLU pipeline and the actions (pure: the action server imports this
without loading Rasa's NLU stack)."""

from __future__ import annotations

#: Longest message parsed in full; longer ones are cut and answered with a request to split them.
MAX_MESSAGE_CHARS = 1000
#: Message attribute (also in the parse result) set when the text was cut to `MAX_MESSAGE_CHARS`.
INPUT_TRUNCATED = "input_truncated"


def has_words(text: str) -> bool:
    """True when `text` has a letter, digit or Chinese character (emoji and punctuation do not)."""
    return any(ch.isalnum() for ch in text)
