"""From what the bot says to what an SMS provider sends: approved templates and their variables.

Outgoing SMS are never free text: each one names a template the provider approved and fills its
variables. The catalogue is built from the domain's responses: a response's `channel: sms`
variants (else its plain ones) are the template texts, the template id comes from the operator's
file (`SMS_TEMPLATE_FILE`), and the variables are the `{placeholders}` read back out of the text
Rasa rendered. Texts with no response name (FAQ answers built from the policy) and responses the
operator has no template for go out through the generic template, whose one variable `content`
is the whole text.

Length counts the 【signature】 the provider adds: up to 70 characters is one SMS; longer texts
are split by the provider into parts of 67 (billed per part), and 500 is the most it accepts.
The messages of one answer go out as one SMS when together they fit (`Catalogue.reply`).

Buttons cost characters an SMS does not have, so the domain's SMS variants name their numbers in
the text instead ("回复1办理，2不用") and carry no buttons; such a text takes the buttons of the
response's plain variant as the options its numbers pick (`NUMBERED_PROMPT`).
"""

from __future__ import annotations

import logging
import math
import re
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from bot.base.render import flatten
from bot.channels.sms.config import TemplateIds

logger = logging.getLogger(__name__)

SINGLE_SMS = 70
PART_SMS = 67
MAX_SMS = 500
CHANNEL = "sms"
GENERIC_VARIABLE = "content"
#: An SMS text that offers numbered answers in its own words (回复1办理，2不用).
NUMBERED_PROMPT = re.compile(r"回复\s*1[^0-9到至~～-]{1,8}[，,、]\s*2")


@dataclass(frozen=True)
class SmsMessage:
    """One SMS to send: the template and its variables, and the text the handset will show."""

    template_id: str
    params: dict[str, str]
    text: str
    response: str | None = None

    def as_json(self) -> dict[str, Any]:
        """A JSON-able form, as the inbound ledger stores an answer until it is delivered."""
        return {
            "template_id": self.template_id,
            "params": self.params,
            "text": self.text,
            "response": self.response,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> SmsMessage:
        """The message `as_json` stored."""
        return cls(
            str(data["template_id"]),
            {str(k): str(v) for k, v in dict(data["params"]).items()},
            str(data["text"]),
            data.get("response"),
        )


def sms_length(text: str, signature: str) -> int:
    """Characters the provider counts: the text plus the 【signature】 it prepends."""
    return len(signature) + len(text)


def sms_parts(length: int) -> int:
    """How many SMS a text of `length` counted characters is split into."""
    return 1 if length <= SINGLE_SMS else math.ceil(length / PART_SMS)


def sms_variants(variants: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The variants Rasa may pick for the `sms` output channel: its own, else the plain ones."""
    listed = list(variants)
    own = [v for v in listed if v.get("channel") == CHANNEL]
    return own or [v for v in listed if not v.get("channel")]


def plain_buttons(variants: Iterable[Mapping[str, Any]]) -> list[dict[str, str]]:
    """The options of a response's first plain variant with buttons, as `flatten` reads them."""
    for variant in variants:
        if not variant.get("channel") and variant.get("buttons"):
            return flatten([{"text": "-", "buttons": variant["buttons"]}]).options
    return []


def recover_params(
    template: str, text: str, known: Mapping[str, Any] | None = None
) -> dict[str, str] | None:
    """The values of `template`'s `{placeholders}` that make it read `text`; `None` if it can't.

    `known` values (the variables an action passed, which Rasa keeps on the message) are matched
    literally, which settles placeholders that stand side by side (`{community}{kind}`); the rest
    are read back from the text.
    """
    known = known or {}
    pattern: list[str] = []
    groups: dict[str, str] = {}
    fixed: dict[str, str] = {}
    for literal, name, _spec, _conversion in string.Formatter().parse(template):
        pattern.append(re.escape(literal))
        if name is None:
            continue
        value = known.get(name)
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            fixed[name] = str(value)
            pattern.append(re.escape(fixed[name]))
        elif name in groups:
            pattern.append(f"(?P={groups[name]})")
        else:
            groups[name] = f"g{len(groups)}"
            pattern.append(f"(?P<{groups[name]}>.*?)")
    match = re.fullmatch("".join(pattern), text, re.DOTALL)
    if match is None:
        return None
    return {**fixed, **{name: match.group(group) for name, group in groups.items()}}


class Catalogue:
    """Maps the bot's messages to SMS templates, for one domain's responses and one signature."""

    def __init__(
        self, responses: Mapping[str, list[Mapping[str, Any]]], ids: TemplateIds, signature: str
    ) -> None:
        self._variants = {name: sms_variants(v) for name, v in responses.items()}
        self._numbered = {name: plain_buttons(v) for name, v in responses.items()}
        self._ids = ids
        self._signature = signature
        unknown = sorted(set(ids.responses) - set(responses))
        if unknown:
            logger.warning("SMS template ids of unknown responses: %s", ", ".join(unknown))

    def message(self, message: Mapping[str, Any]) -> SmsMessage:
        """The SMS for one bot message (buttons become numbered lines, as `flatten` writes them)."""
        text = flatten([message]).text
        name = message.get("utter_action")
        name = str(name) if name else None
        template_id = self._ids.responses.get(name) if name else None
        if template_id is not None:
            said = str(message.get("text") or "").strip()
            for variant in self._variants.get(str(name), []):
                params = recover_params(str(variant.get("text") or "").strip(), said, message)
                if params is not None:
                    return self._fit(SmsMessage(template_id, params, text, name))
            logger.warning("SMS text of %s matches none of its variants; sent as generic", name)
        return self._fit(self._generic(text, name))

    def reply(self, messages: Iterable[Mapping[str, Any]]) -> tuple[list[SmsMessage], list[dict]]:
        """The SMS for one answer, and the options a number now picks.

        One SMS for the whole answer when its messages fit together (an apology and the next
        question, a greeting and a form's question), sent through the generic template; else one
        SMS per message, each numbering its own options from 1, so the numbers mean the last
        options offered.
        """
        shown = [m for m in messages if flatten([m]).text]
        offers = [self.options(m) for m in shown]
        if len(shown) > 1 and sum(1 for o in offers if o) <= 1:
            joined = flatten(shown).text
            if sms_length(joined, self._signature) <= SINGLE_SMS:
                names = "+".join(str(m.get("utter_action") or "text") for m in shown)
                return [self._generic(joined, names)], next((o for o in offers if o), [])
        sms = [self.message(m) for m in shown]
        return sms, next((o for o in reversed(offers) if o), [])

    def options(self, message: Mapping[str, Any]) -> list[dict[str, str]]:
        """What a number answers to `message`: its buttons, else, for an SMS text that names its
        numbers (`NUMBERED_PROMPT`), the buttons of the response's plain variant."""
        own = flatten([message]).options
        if own:
            return own
        name = str(message.get("utter_action") or "")
        if NUMBERED_PROMPT.search(str(message.get("text") or "")):
            return list(self._numbered.get(name, []))
        return []

    def response(self, name: str, **values: Any) -> SmsMessage:
        """The SMS for a response the channel sends without Rasa (the opt-out confirmation)."""
        variants = self._variants.get(name)
        if not variants:
            raise KeyError(f"no response {name!r} in the domain")
        variant = variants[0]
        text = str(variant.get("text") or "").format_map(values)
        return self.message({**values, **variant, "text": text, "utter_action": name})

    def _generic(self, text: str, name: str | None) -> SmsMessage:
        return SmsMessage(self._ids.generic, {GENERIC_VARIABLE: text}, text, name)

    def _fit(self, message: SmsMessage) -> SmsMessage:
        length = sms_length(message.text, self._signature)
        if length <= SINGLE_SMS:
            return message
        if length <= MAX_SMS:
            logger.warning(
                "SMS %s is %d characters with the signature: %d parts",
                message.response or "(text)",
                length,
                sms_parts(length),
            )
            return message
        cut = message.text[: MAX_SMS - len(self._signature) - 1] + "…"
        logger.error(
            "SMS %s is %d characters, over the provider's %d: cut, sent as generic",
            message.response or "(text)",
            length,
            MAX_SMS,
        )
        return self._generic(cut, message.response)
