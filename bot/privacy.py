"""Masking of phone and account numbers, WeChat OpenIDs and URL secrets for logs, transcripts and
error messages; Rasa's telemetry kept off.

The service policy forbids showing a household's phone or account number unmasked anywhere but to
the verified owner, so every log line and every text shown to a third party goes through
`mask_text`. Nothing about the company's conversations leaves its servers, so Rasa's usage
telemetry and crash reports stay off unless an operator turns them on. Importing `bot` does both
for the process (bot/__init__.py): every process that runs the project's code imports it.
"""

from __future__ import annotations

import logging
import os
import re
import sys
from typing import Any

# Rasa's debug lines are JSON with non-ASCII escaped: 户号0102345678 arrives as
# "\u6237\u53f70102345678", where the escape's last hex digit or letter would otherwise join or
# precede the number. An escape right before a number separates it: JSON's \uXXXX and
# \b \f \n \r \t, and a bytes repr's \xXX. The leading (?=\d) only makes the scan cheaper.
_AFTER_ESCAPE = r"(?<=\\u[0-9a-fA-F]{4})|(?<=\\x[0-9a-fA-F]{2})|(?<=\\[bfnrt])"
_PHONE = re.compile(rf"(?=\d)(?:{_AFTER_ESCAPE}|(?<!\d))(1[3-9]\d)(\d{{4}})(\d{{4}})(?!\d)")
_LONG_DIGITS = re.compile(
    rf"(?=\d)(?:{_AFTER_ESCAPE}|(?<![A-Za-z\d]))(\d{{2}})(\d{{4,8}})(\d{{2}})(?!\d)"
)
# A WeChat OpenID (or UnionID): 28 characters of [A-Za-z0-9_-], the first an "o".
_OPENID = re.compile(rf"(?=o)(?:{_AFTER_ESCAPE}|(?<![\w-]))o[\w-]{{27}}(?![\w-])", re.ASCII)
# A conversation id names its channel before the identity (bot/channels/ids.py): the identity is
# masked whatever its form (`sms:+8613812345678`, a test's short OpenID, a widget session). The
# lookahead keeps an identity already masked as a number (`sms:138****5678`) as it is;
# `//web:8080` is a host, not a conversation. The leading (?=[sw]) only makes the scan cheaper.
_CONVERSATION = re.compile(
    r"(?=[sw])(?<![\w./-])(sms|wechat|web):([\w.+=-]+)(?![\w.+=*-])", re.ASCII
)
# A widget session token (bot/channels/websession.py): whoever holds one resumes the session, so
# its signature never reaches a log (the id before the dot is kept, to follow a visitor).
_WEB_TOKEN = re.compile(r"(?<![0-9a-f])([0-9a-f]{32})\.[0-9a-f]{32}(?![0-9a-f])")
#: Query parameters whose values are credentials, by how their names end: `?token=` (the SMS
#: callback, Rasa's HTTP API), WeChat's `signature`, `msg_signature`, `access_token`, `secret`.
SECRET_PARAMETERS = ("token", "signature", "secret", "password")
_URL_SECRET = re.compile(
    rf"(?<!\w)(\w*(?:{'|'.join(SECRET_PARAMETERS)})=)[^&#\s'\"<>\\]+", re.ASCII | re.IGNORECASE
)
#: Rasa sends usage events (Segment) and crash reports (Sentry) unless this is other than "true".
TELEMETRY_VARIABLE = "RASA_TELEMETRY_ENABLED"


_LANDLINE = re.compile(r"(?:(0\d{2,3})-)?(\d{7,8})(-\d{1,6})?")


def mask_phone(phone: str | None) -> str:
    """`13812345678` → `138****5678`; a landline as `bot.nlu.numbers.normalise_contact_number`
    writes it, `010-62345678-8021` → `010-****5678-8021` (area code and extension are no
    secret, and the resident must recognise the number); anything else is masked but for its
    last two characters."""
    if not phone:
        return ""
    if len(phone) == 11 and phone.isdigit():
        return f"{phone[:3]}****{phone[-4:]}"
    landline = _LANDLINE.fullmatch(phone)
    if landline:
        area, local, extension = landline.groups()
        return f"{area + '-' if area else ''}****{local[-4:]}{extension or ''}"
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


def _mask_conversation(match: re.Match[str]) -> str:
    channel, identity = match.groups()
    return f"{channel}:{mask_phone(identity) if channel == 'sms' else mask_id(identity)}"


def mask_text(text: str) -> str:
    """Mask secrets in URLs, widget session tokens, conversation ids, OpenIDs, mobile numbers and
    8–12-digit runs (account numbers) in `text`.

    Digits that follow a letter belong to a ticket number (BX202611270003) and stay readable.
    """
    if "=" in text:  # the check is cheap, the scan is not, and most lines have no query
        text = _URL_SECRET.sub(r"\1***", text)
    if "." in text:  # before the digit masks, which could break up a token's hex
        text = _WEB_TOKEN.sub(r"\1.***", text)
    text = _PHONE.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text)
    text = _LONG_DIGITS.sub(lambda m: m.group(1) + "*" * len(m.group(2)) + m.group(3), text)
    text = _CONVERSATION.sub(_mask_conversation, text)
    return _OPENID.sub(lambda m: mask_id(m.group()), text)


#: Characters that must not reach a log line raw: C0 controls but the tab, DEL, C1 controls and
#: the Unicode line and paragraph separators. A newline let a message write a line of its own
#: that looked like any other (a forged `bot.alerts.verification` warning), ESC sequences clear or
#: recolour the terminal of whoever tails the log (red team R8). Each becomes a visible escape.
_LOG_UNSAFE = {
    code: f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
    for code in (*range(0x00, 0x09), *range(0x0A, 0x20), *range(0x7F, 0xA0), 0x2028, 0x2029)
} | {0x0A: "\\n", 0x0D: "\\r"}


def escape_controls(text: str) -> str:
    """`text` with every control character that could break or forge a log line escaped
    (`\\n`, `\\r`, `\\x1b`, `\\u2028` …); tabs and all other text unchanged."""
    return text.translate(_LOG_UNSAFE)


#: The attributes every record has; the others come from `extra=` (Sanic's access log puts the
#: request line, URL and query string included, in `request`).
_RECORD_ATTRIBUTES = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
}
#: Formats a record's traceback as logging's own formatters do, for masking before they see it.
_TRACEBACKS = logging.Formatter()


class MaskedLogRecord(logging.LogRecord):
    """A log record whose message, `extra` fields, traceback and stack are masked for every
    handler that formats it, and whose message and `extra` fields are one line: their control
    characters escaped (`escape_controls`), so text a user sent cannot start a line of its own.
    A traceback and a stack keep their lines.

    As the record factory it is a path every record of the process crosses, whichever logger made
    it: Rasa's, Sanic's (whose loggers do not propagate to the root) and Python warnings, and
    whichever handler shows it, those that Rasa and Sanic add after the project's code has loaded
    included; a filter sits only on the handlers that exist when it is attached. The masking
    happens in `getMessage`, the method every formatter calls first, because `extra` fields are
    set on the record only after the factory has made it.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """A record as logging makes it, its stack (`stack_info=True`) masked."""
        super().__init__(*args, **kwargs)
        if self.stack_info:
            self.stack_info = mask_text(self.stack_info)

    def getMessage(self) -> str:
        """The masked message; masks the `extra` fields and the traceback on the way."""
        try:
            message = super().getMessage()
        except Exception:
            # the handler reports a bad format by printing the raw msg and args to stderr
            self.msg, self.args = mask_text(f"{self.msg} % {self.args!r}"), None
            raise
        for key, value in list(vars(self).items()):
            if key not in _RECORD_ATTRIBUTES and isinstance(value, str):
                setattr(self, key, escape_controls(mask_text(value)))
        if self.exc_info and not self.exc_text:
            self.exc_text = mask_text(_TRACEBACKS.formatException(self.exc_info))
        return escape_controls(mask_text(message.rstrip("\r\n")))


def install_log_masking() -> None:
    """Mask every log record of this process from now on, Python warnings included.

    Warnings print to stderr past logging unless captured (an account number reached stderr in
    one); captured, they are records of the `py.warnings` logger. Calling it twice changes nothing.
    """
    logging.setLogRecordFactory(MaskedLogRecord)
    logging.captureWarnings(True)


def keep_telemetry_off() -> None:
    """Keep Rasa's usage events and crash reports from leaving the company's servers, unless
    `RASA_TELEMETRY_ENABLED=true` says otherwise.

    Rasa turns both on by default. The variable, set here for this process and the processes it
    starts, turns them off before they begin; in a Rasa process started by hand (`rasa run` from
    the project root, which loads the project's channels and actions), Rasa has already set up its
    Sentry client before any project code runs, so that client is dropped, and Rasa's later events
    (`Server Started`) read the variable when they would be sent.
    """
    os.environ.setdefault(TELEMETRY_VARIABLE, "false")
    if os.environ[TELEMETRY_VARIABLE].lower() == "true":
        return
    sentry = sys.modules.get("sentry_sdk")
    if sentry is not None and sentry.Hub.main.client is not None:
        sentry.Hub.main.client.close(timeout=0)
        sentry.Hub.main.bind_client(None)
