"""Masking of phone and account numbers for logs, transcripts and error messages.

The service policy forbids showing a household's phone or account number unmasked anywhere but to
the verified owner, so every log line and every text shown to a third party goes through
`mask_text`.
"""

from __future__ import annotations

import logging
import re

# Rasa's debug lines are JSON with non-ASCII escaped: 户号0102345678 arrives as
# "\u6237\u53f70102345678", where the escape's last hex digit or letter would otherwise join or
# precede the number. An escape right before a number separates it: JSON's \uXXXX and
# \b \f \n \r \t, and a bytes repr's \xXX. The leading (?=\d) only makes the scan cheaper.
_AFTER_ESCAPE = r"(?<=\\u[0-9a-fA-F]{4})|(?<=\\x[0-9a-fA-F]{2})|(?<=\\[bfnrt])"
_PHONE = re.compile(rf"(?=\d)(?:{_AFTER_ESCAPE}|(?<!\d))(1[3-9]\d)(\d{{4}})(\d{{4}})(?!\d)")
_LONG_DIGITS = re.compile(
    rf"(?=\d)(?:{_AFTER_ESCAPE}|(?<![A-Za-z\d]))(\d{{2}})(\d{{4,8}})(\d{{2}})(?!\d)"
)


def mask_phone(phone: str | None) -> str:
    """`13812345678` → `138****5678`; anything else is masked but for its last two characters."""
    if not phone:
        return ""
    if len(phone) == 11 and phone.isdigit():
        return f"{phone[:3]}****{phone[-4:]}"
    return "*" * max(len(phone) - 2, 0) + phone[-2:]


def mask_account(account_no: str | None) -> str:
    """`0102345678` → `01******78`: enough to tell accounts apart, not to use one."""
    if not account_no:
        return ""
    if len(account_no) <= 4:
        return "*" * len(account_no)
    return account_no[:2] + "*" * (len(account_no) - 4) + account_no[-2:]


def mask_id(identifier: str) -> str:
    """A long id (WeChat OpenID, web session) shortened for logs: enough to follow one user
    through a log, not to reach them."""
    return f"{identifier[:2]}***{identifier[-4:]}" if len(identifier) > 8 else "***"


def mask_text(text: str) -> str:
    """Mask mobile numbers and 8–12-digit runs (account numbers) in `text`.

    Digits that follow a letter belong to a ticket number (BX202611270003) and stay readable.
    """
    text = _PHONE.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text)
    return _LONG_DIGITS.sub(lambda m: m.group(1) + "*" * len(m.group(2)) + m.group(3), text)


class MaskingFilter(logging.Filter):
    """A logging filter that masks numbers in the formatted message before any handler sees it."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Replace the record's message by its masked text; never drops a record."""
        message = record.getMessage()
        masked = mask_text(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


def install_log_masking(logger: logging.Logger | None = None) -> None:
    """Attach `MaskingFilter` to every handler of `logger` (default: the root logger).

    Handler filters see the records of every child logger, unlike a filter on the root logger
    itself, so this covers library log lines too. Calling it twice adds nothing.
    """
    target = logger or logging.getLogger()
    for handler in target.handlers:
        if not any(isinstance(f, MaskingFilter) for f in handler.filters):
            handler.addFilter(MaskingFilter())
